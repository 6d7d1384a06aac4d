//! The sandbox a submission's script runs in: bubblewrap (`bwrap`, Debian's `bubblewrap`,
//! the sandbox under Flatpak), because it needs no daemon and no root, is packaged on every
//! distribution a grader is likely to use, and builds exactly the namespaces we need from
//! the command line. (A container for the script would need an image with a docker CLI,
//! which nothing here can pull; raw namespaces would mean unsafe code for what bwrap does.)
//!
//! What the script gets, and why:
//! - its own user, PID, IPC, UTS, cgroup and network namespaces: it cannot see or signal
//!   docklings or any other process, and it reaches no socket of the host — neither the
//!   engine's unix socket, nor a TCP `DOCKER_HOST`, nor containerd's abstract sockets;
//! - when docklings runs as root, an unprivileged user (`nobody`), so the process limit
//!   holds (the kernel does not count root's processes against it) and a file outside the
//!   sandbox that is readable only by root stays so;
//! - read-only `/usr` (the shell, `docker`, `curl`) and a generated `/etc` with only what
//!   programs need to start; no `/home`, `/root`, `/var` or `/run` of the host;
//! - its private copy of its folder, read-write, at the same path as on the host, so a
//!   bind mount the docker CLI sends names that copy on the engine too;
//! - the guard's socket as `DOCKER_HOST`, and the labs' published ports on its own
//!   loopback, carried to the host over the bridge only when a container the submission
//!   created publishes them (see [`super::inside`]);
//! - limits: processes, memory per process, file size, open files, a small `/tmp`, and
//!   the time limit, after which the whole PID namespace dies with bwrap.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::io::AsyncReadExt;
use tokio::net::{TcpStream, UnixListener};

use super::cgroup::Cgroup;
use crate::app::{Failure, Result};
use crate::engine::Engine;
use crate::engine::inventory::Inventory;
use crate::lab::Lang;

/// The user a root grader's script runs as.
const NOBODY: (u32, u32) = (65534, 65534);
/// Processes the script may add to those its user already runs.
const PROCESSES: u64 = 256;
/// Address space per process: enough for the docker CLI (Go reserves generously).
const MEMORY_PER_PROCESS: u64 = 2 << 30;
/// The whole sandbox's memory, where a control group holds it.
const MEMORY: u64 = 1 << 30;
const FILE_SIZE: u64 = 256 << 20;
const OPEN_FILES: u64 = 1024;
const TMP_SIZE: u64 = 64 << 20;
/// Where the sandbox finds what docklings gives it.
const RUN: &str = "/run/docklings";

/// How the script is confined, for the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Bubblewrap,
    /// `--trusted`: the script runs as the grader, with only the guard between it and the
    /// engine.
    None,
}

impl Kind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Bubblewrap => "bubblewrap",
            Kind::None => "none",
        }
    }
}

/// A sandbox that was found to work on this machine.
pub(super) struct Sandbox {
    bwrap: PathBuf,
    prlimit: Option<PathBuf>,
    /// The user to run as, when docklings is root.
    user: Option<(u32, u32)>,
}

/// The bubblewrap sandbox, proved to start here; or why there is none, which refuses
/// untrusted grading (exit 2) with what to do.
pub(super) async fn find(lang: Lang) -> Result<Sandbox> {
    let refuse = |why: String| Failure::BadInput(unavailable(lang, &why));
    if !cfg!(target_os = "linux") {
        return Err(refuse(
            crate::words::pick(
                lang,
                "this is not Linux, and the sandbox uses Linux namespaces",
                "Linux가 아니며, 샌드박스는 Linux 네임스페이스를 씁니다",
            )
            .into(),
        ));
    }
    let Some(bwrap) = super::script::which("bwrap") else {
        return Err(refuse(
            crate::words::pick(
                lang,
                "`bwrap` (bubblewrap) is not installed",
                "`bwrap`(bubblewrap)이 설치되어 있지 않습니다",
            )
            .into(),
        ));
    };
    let sandbox = Sandbox {
        bwrap,
        prlimit: super::script::which("prlimit"),
        user: is_root().then_some(NOBODY),
    };
    // Some systems forbid unprivileged user namespaces (a sysctl, or AppArmor on recent
    // Ubuntu): only trying tells.
    let mut probe = sandbox.command(&["--ro-bind", "/", "/", "--", "true"]);
    let out = probe
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .output()
        .await
        .map_err(|e| refuse(format!("bwrap: {e}")))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        return Err(refuse(format!(
            "`bwrap` cannot start a sandbox here: {err}"
        )));
    }
    Ok(sandbox)
}

fn unavailable(lang: Lang, why: &str) -> String {
    match lang {
        Lang::En => format!(
            "cannot grade an untrusted submission: {why}. The script would run as you, able \
             to reach the engine around the guard. Install bubblewrap (`apt-get install \
             bubblewrap`, `dnf install bubblewrap`) on Linux, or grade in CI with one job per \
             student; pass `--trusted` only for scripts you trust (the report will say so)."
        ),
        Lang::Ko => format!(
            "신뢰할 수 없는 제출물을 채점할 수 없습니다: {why}. 스크립트가 여러분의 권한으로 \
             실행되어 보호 장치를 거치지 않고 엔진에 닿을 수 있습니다. Linux에서 bubblewrap을 \
             설치하거나(`apt-get install bubblewrap`, `dnf install bubblewrap`), 학생마다 CI \
             작업 하나로 채점하세요. 믿을 수 있는 스크립트에만 `--trusted`를 쓰세요(보고서에 \
             그렇게 적힙니다)."
        ),
    }
}

pub(super) fn is_root() -> bool {
    // The owner of our own /proc entry is our user; no unsafe `geteuid` needed.
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

/// The files the sandbox is built from, in the submission's temporary folder.
pub(super) struct Layout {
    /// The temporary folder itself.
    pub(super) root: PathBuf,
    /// The private copy of the script's folder.
    pub(super) work: PathBuf,
    /// The guard's socket.
    pub(super) socket: PathBuf,
    pub(super) bridge: PathBuf,
    pub(super) status: PathBuf,
}

impl Layout {
    pub(super) fn new(root: &Path) -> Layout {
        Layout {
            root: root.to_owned(),
            work: root.join("work"),
            socket: root.join("docker.sock"),
            bridge: root.join("ports.sock"),
            status: root.join("status"),
        }
    }
}

impl Sandbox {
    /// `bwrap` with `args`, started as the sandbox's user.
    fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut c = tokio::process::Command::new(&self.bwrap);
        c.args(base_args()).args(args);
        self.as_user(&mut c);
        c
    }

    /// Start `c` as the sandbox's user (when docklings is root).
    fn as_user(&self, c: &mut tokio::process::Command) {
        if let Some((uid, gid)) = self.user {
            std::os::unix::process::CommandExt::uid(c.as_std_mut(), uid);
            std::os::unix::process::CommandExt::gid(c.as_std_mut(), gid);
        }
    }

    /// Make the temporary folder's files usable by the sandbox's user: the folder
    /// traversable, the copy and the sockets its own, `/etc` files and docklings itself
    /// readable. Before the script starts, after the guard and bridge listen.
    pub(super) fn prepare(&self, layout: &Layout) -> Result<Prepared> {
        let io = |what: &'static str, p: &Path| {
            let p = p.to_owned();
            move |e: std::io::Error| Failure::io(what, &p, e)
        };
        let etc = layout.root.join("etc");
        std::fs::create_dir_all(&etc).map_err(io("create", &etc))?;
        let (uid, gid) = self.user.unwrap_or((0, 0));
        let user = if self.user.is_some() {
            format!("nobody:x:{uid}:{gid}:nobody:/tmp:/bin/sh\n")
        } else {
            String::new()
        };
        for (name, text) in [
            (
                "hosts",
                "127.0.0.1 localhost\n::1 localhost ip6-localhost\n".to_owned(),
            ),
            ("passwd", format!("root:x:0:0:root:/root:/bin/sh\n{user}")),
            ("group", format!("root:x:0:\nnogroup:x:{gid}:\n")),
            (
                "nsswitch.conf",
                "passwd: files\ngroup: files\nhosts: files\n".to_owned(),
            ),
        ] {
            let p = etc.join(name);
            std::fs::write(&p, text).map_err(io("write", &p))?;
        }
        let init = layout.root.join("init");
        let exe = std::env::current_exe().map_err(|e| Failure::Io(e.to_string()))?;
        // A hard link is free; across filesystems, a copy. The binary may sit where the
        // sandbox's user cannot reach (`/root/.cargo/bin`).
        if std::fs::hard_link(&exe, &init).is_err() {
            std::fs::copy(&exe, &init).map_err(io("copy docklings to", &init))?;
        }
        if let Some((uid, gid)) = self.user {
            use std::os::unix::fs::PermissionsExt;
            let traverse = std::fs::Permissions::from_mode(0o711);
            std::fs::set_permissions(&layout.root, traverse).map_err(io("open", &layout.root))?;
            let status = &layout.status;
            std::fs::write(status, "").map_err(io("write", status))?;
            for p in [&layout.socket, &layout.bridge, status] {
                std::os::unix::fs::chown(p, Some(uid), Some(gid)).map_err(io("hand over", p))?;
            }
            chown_tree(&layout.work, uid, gid).map_err(io("hand over", &layout.work))?;
        } else {
            std::fs::write(&layout.status, "").map_err(io("write", &layout.status))?;
        }
        let nproc = processes_of(self.user.map(|u| u.0)) + PROCESSES;
        let name = layout
            .root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "docklings-submission".into());
        let cgroup = Cgroup::create(&name, MEMORY, PROCESSES, self.user);
        let mut limits = Vec::new();
        match &cgroup {
            Some(_) => limits.push(format!(
                "{PROCESSES} processes and {} MiB of memory in all (cgroup)",
                MEMORY >> 20
            )),
            None => limits.push(format!(
                "{PROCESSES} processes more than its user runs, {} MiB of memory each",
                MEMORY_PER_PROCESS >> 20
            )),
        }
        limits.push(format!(
            "files up to {} MiB, /tmp {} MiB",
            FILE_SIZE >> 20,
            TMP_SIZE >> 20
        ));
        if self.prlimit.is_none() && cgroup.is_none() {
            limits = vec!["no process or memory limits (neither cgroups nor prlimit)".into()];
        }
        Ok(Prepared {
            nproc,
            cgroup,
            limits,
        })
    }

    /// The command that runs `interpreter script` (relative to the copy) in the sandbox,
    /// with the labs' `ports` carried over the bridge.
    pub(super) fn script_command(
        &self,
        layout: &Layout,
        prepared: &Prepared,
        interpreter: &str,
        script: &Path,
        ports: &[u16],
    ) -> tokio::process::Command {
        let work = layout.work.display().to_string();
        let etc = layout.root.join("etc");
        let mut args: Vec<String> = Vec::new();
        let mut push = |a: &[&str]| args.extend(a.iter().map(|s| (*s).to_owned()));
        push(&["--clearenv"]);
        for (k, v) in [
            (
                "PATH",
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ),
            ("HOME", "/tmp"),
            ("TMPDIR", "/tmp"),
            ("LANG", "C.UTF-8"),
            ("DOCKER_HOST", &format!("unix://{RUN}/docker.sock")),
            ("DOCKER_CONFIG", "/tmp/.docker"),
        ] {
            push(&["--setenv", k, v]);
        }
        push(&["--ro-bind", "/usr", "/usr"]);
        for top in ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] {
            match std::fs::read_link(top) {
                Ok(target) => push(&["--symlink", &target.display().to_string(), top]),
                Err(_) if Path::new(top).is_dir() => push(&["--ro-bind", top, top]),
                Err(_) => {}
            }
        }
        for shared in ["/etc/alternatives", "/etc/ld.so.cache", "/etc/ssl"] {
            push(&["--ro-bind-try", shared, shared]);
        }
        for name in ["hosts", "passwd", "group", "nsswitch.conf"] {
            let from = etc.join(name).display().to_string();
            push(&["--ro-bind", &from, &format!("/etc/{name}")]);
        }
        push(&["--proc", "/proc", "--dev", "/dev"]);
        push(&["--size", &TMP_SIZE.to_string(), "--tmpfs", "/tmp"]);
        push(&["--dir", RUN]);
        let inside = |n: &str| format!("{RUN}/{n}");
        for (from, name) in [
            (&layout.socket, "docker.sock"),
            (&layout.bridge, "ports.sock"),
            (&layout.status, "status"),
        ] {
            push(&["--bind", &from.display().to_string(), &inside(name)]);
        }
        push(&[
            "--ro-bind",
            &layout.root.join("init").display().to_string(),
            &inside("init"),
        ]);
        push(&["--bind", &work, &work, "--chdir", &work]);
        push(&[
            "--",
            &inside("init"),
            super::inside::ENTRY,
            "--bridge",
            &inside("ports.sock"),
            "--status",
            &inside("status"),
        ]);
        for p in ports {
            push(&["--port", &p.to_string()]);
        }
        push(&["--"]);
        if self.prlimit.is_some() {
            let nproc = prepared.nproc;
            push(&[
                "prlimit",
                &format!("--nproc={nproc}"),
                &format!("--as={MEMORY_PER_PROCESS}"),
                &format!("--fsize={FILE_SIZE}"),
                &format!("--nofile={OPEN_FILES}"),
                "--core=0",
                "--",
            ]);
        }
        push(&[interpreter, &script.display().to_string()]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        match &prepared.cgroup {
            Some(group) => self.joining(group, &refs),
            None => self.command(&refs),
        }
    }

    /// bwrap started by a shell that first moves itself into `group`, so nothing of the
    /// sandbox ever runs outside it.
    fn joining(&self, group: &Cgroup, args: &[&str]) -> tokio::process::Command {
        let mut c = tokio::process::Command::new("sh");
        let files: Vec<String> = group
            .procs()
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        c.arg("-c")
            .arg(
                "for f in $DOCKLINGS_CGROUP; do echo $$ > \"$f\" || exit 125; done; \
                 unset DOCKLINGS_CGROUP; exec \"$0\" \"$@\"",
            )
            .arg(&self.bwrap)
            .args(base_args())
            .args(args)
            .env("DOCKLINGS_CGROUP", files.join(" "));
        self.as_user(&mut c);
        c
    }
}

/// What [`Sandbox::prepare`] made for one run: the process limit, the control group (while
/// it lives, the group does), and the limits in words for the report.
pub(super) struct Prepared {
    nproc: u64,
    cgroup: Option<Cgroup>,
    pub(super) limits: Vec<String>,
}

/// Namespaces and lifetime: every namespace of its own (the network too), gone when
/// docklings goes, and a session of its own so it cannot push keys into our terminal.
fn base_args() -> [&'static str; 3] {
    ["--unshare-all", "--die-with-parent", "--new-session"]
}

/// How many processes `uid` (ours when `None`) runs now: the kernel counts them all against
/// the script's limit.
fn processes_of(uid: Option<u32>) -> u64 {
    let me = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
        .unwrap_or(0);
    let uid = uid.unwrap_or(me);
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0;
    };
    dir.filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().parse::<u32>().is_ok())
        .filter_map(|e| e.metadata().ok())
        .filter(|m| std::os::unix::fs::MetadataExt::uid(m) == uid)
        .count() as u64
}

fn chown_tree(p: &Path, uid: u32, gid: u32) -> std::io::Result<()> {
    std::os::unix::fs::lchown(p, Some(uid), Some(gid))?;
    if std::fs::symlink_metadata(p)?.is_dir() {
        for e in std::fs::read_dir(p)? {
            chown_tree(&e?.path(), uid, gid)?;
        }
    }
    Ok(())
}

/// The host side of the port bridge: a connection from the sandbox names a port; it is
/// carried to the host's loopback only while a container the submission created publishes
/// that port — never to a bystander's published service or another program on the host.
pub(super) struct Bridge {
    task: tokio::task::JoinHandle<()>,
}

impl Bridge {
    pub(super) fn start(
        path: &Path,
        engine: Engine,
        baseline: Arc<Inventory>,
        ports: Vec<u16>,
    ) -> Result<Bridge> {
        let listener =
            UnixListener::bind(path).map_err(|e| Failure::io("open the port bridge", path, e))?;
        let task = tokio::spawn(async move {
            let mut conns = tokio::task::JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => if let Ok((stream, _)) = accepted {
                        conns.spawn(carry(stream, engine.clone(), Arc::clone(&baseline), ports.clone()));
                    },
                    Some(_) = conns.join_next(), if !conns.is_empty() => {}
                }
            }
        });
        Ok(Bridge { task })
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn carry(
    mut from: tokio::net::UnixStream,
    engine: Engine,
    baseline: Arc<Inventory>,
    ports: Vec<u16>,
) {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while line.len() < 6 {
        match from.read(&mut byte).await {
            Ok(1) if byte[0] == b'\n' => break,
            Ok(1) => line.push(byte[0]),
            _ => return,
        }
    }
    let Some(port) = std::str::from_utf8(&line)
        .ok()
        .and_then(|s| s.parse::<u16>().ok())
    else {
        return;
    };
    if !ports.contains(&port) {
        return;
    }
    let owners = engine.port_publishers(port).await.unwrap_or_default();
    if !owners.iter().any(|id| !baseline.containers.contains(id)) {
        return;
    }
    if let Ok(mut to) = TcpStream::connect(("127.0.0.1", port)).await {
        let _ = tokio::io::copy_bidirectional(&mut from, &mut to).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_say_what_to_do_in_both_languages() {
        for lang in [Lang::En, Lang::Ko] {
            let s = unavailable(lang, "x");
            assert!(s.contains("bubblewrap") && s.contains("--trusted"), "{s}");
        }
    }

    #[test]
    fn our_own_processes_are_counted() {
        assert!(processes_of(None) >= 1);
    }
}
