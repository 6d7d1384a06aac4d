//! A control group of the submission's own, when docklings may make one (as root): a real
//! bound on the memory and the number of processes of the whole sandbox, which the
//! per-process limits (`prlimit`) only approximate. Both cgroup layouts are handled: v2
//! (one tree, controllers enabled for children) and v1 (a `memory` and a `pids` tree).
//! When neither can be made, the sandbox still runs, with the per-process limits, and the
//! report says which bound held.

use std::path::{Path, PathBuf};

const ROOT: &str = "/sys/fs/cgroup";

/// The group's folders (one in v2, one per controller in v1); removed when dropped, after
/// whatever is still in them is killed.
pub(super) struct Cgroup {
    dirs: Vec<PathBuf>,
}

impl Cgroup {
    /// A group called `name` holding at most `memory` bytes and `pids` processes, whose
    /// `cgroup.procs` the sandbox's user may write (it moves itself in before it starts
    /// bwrap). `None` when this machine does not let us.
    pub(super) fn create(
        name: &str,
        memory: u64,
        pids: u64,
        owner: Option<(u32, u32)>,
    ) -> Option<Cgroup> {
        let group = v2(name, memory, pids).or_else(|| v1(name, memory, pids))?;
        if let Some((uid, gid)) = owner {
            for p in group.procs() {
                if std::os::unix::fs::chown(&p, Some(uid), Some(gid)).is_err() {
                    return None;
                }
            }
        }
        Some(group)
    }

    /// The files a process writes its PID to, to join.
    pub(super) fn procs(&self) -> Vec<PathBuf> {
        self.dirs.iter().map(|d| d.join("cgroup.procs")).collect()
    }
}

fn v2(name: &str, memory: u64, pids: u64) -> Option<Cgroup> {
    let root = Path::new(ROOT);
    let enabled = std::fs::read_to_string(root.join("cgroup.subtree_control")).ok()?;
    let on: Vec<&str> = enabled.split_whitespace().collect();
    if !on.contains(&"memory") || !on.contains(&"pids") {
        return None;
    }
    let dir = root.join(name);
    std::fs::create_dir(&dir).ok()?;
    let group = Cgroup {
        dirs: vec![dir.clone()],
    };
    let ok = std::fs::write(dir.join("memory.max"), memory.to_string()).is_ok()
        && std::fs::write(dir.join("pids.max"), pids.to_string()).is_ok();
    // Swap would let the group go on past its memory; not every kernel has the knob.
    let _ = std::fs::write(dir.join("memory.swap.max"), "0");
    ok.then_some(group)
}

fn v1(name: &str, memory: u64, pids: u64) -> Option<Cgroup> {
    let mem = Path::new(ROOT).join("memory").join(name);
    let pid = Path::new(ROOT).join("pids").join(name);
    let mut group = Cgroup { dirs: Vec::new() };
    std::fs::create_dir(&mem).ok()?;
    group.dirs.push(mem.clone());
    std::fs::create_dir(&pid).ok()?;
    group.dirs.push(pid.clone());
    let ok = std::fs::write(mem.join("memory.limit_in_bytes"), memory.to_string()).is_ok()
        && std::fs::write(pid.join("pids.max"), pids.to_string()).is_ok();
    let _ = std::fs::write(mem.join("memory.memsw.limit_in_bytes"), memory.to_string());
    ok.then_some(group)
}

impl Drop for Cgroup {
    fn drop(&mut self) {
        // A group with processes cannot be removed: whatever escaped the kill of bwrap's
        // process group dies here.
        for _ in 0..50 {
            let mut left = false;
            for p in self.procs() {
                let pids = std::fs::read_to_string(&p).unwrap_or_default();
                for pid in pids.split_whitespace() {
                    left = true;
                    let _ = std::process::Command::new("kill")
                        .args(["-KILL", pid])
                        .stderr(std::process::Stdio::null())
                        .status();
                }
            }
            if !left {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        for d in &self.dirs {
            let _ = std::fs::remove_dir(d);
        }
    }
}
