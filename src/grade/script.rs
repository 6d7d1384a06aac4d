//! Running the submission's script: `sh` (or `bash` if its shebang asks), in the private
//! copy of its folder (in the sandbox, or as the grader with `--trusted`), with
//! `DOCKER_HOST` at the guard, no stdin and no terminal, in a process group of its own so
//! all of it can be stopped, for at most the time limit. Its output (stdout and stderr as
//! written) is captured, and only the tail kept.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::app::{Failure, Result};

/// Between SIGTERM and SIGKILL: long enough for `docker` to close its connections.
const TERM_GRACE: Duration = Duration::from_secs(2);
/// Output kept from the script: its tail is what explains a failure.
const OUTPUT_CAP: usize = 64 * 1024;
const TAIL_LINES: usize = 20;
const LINE_CAP: usize = 400;

/// How the script ended, and what it said last.
pub(super) struct ScriptRun {
    pub(super) exit_code: Option<i32>,
    /// The signal that ended it, if one did.
    pub(super) signal: Option<i32>,
    pub(super) timed_out: bool,
    pub(super) elapsed: Duration,
    pub(super) tail: Vec<String>,
    pub(super) output_bytes: u64,
}

/// `bash` when the shebang names it and it is installed; `sh` otherwise.
pub(super) fn interpreter_for(script: &Path) -> String {
    let mut first = String::new();
    if let Ok(f) = std::fs::File::open(script) {
        let _ = f.take(256).read_to_string(&mut first);
    }
    let line = first.lines().next().unwrap_or("");
    if line.starts_with("#!") && line.contains("bash") && which("bash").is_some() {
        "bash".into()
    } else {
        "sh".into()
    }
}

pub(super) fn which(prog: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(prog))
        .find(|p| p.is_file())
}

/// Output the script wrote, stdout and stderr in the order written; only the tail is kept.
#[derive(Default)]
struct Capture {
    buf: Vec<u8>,
    total: u64,
    done: bool,
}

/// Kills the script's whole process group when dropped: on timeout, on Ctrl-C (when the
/// future that ran it is dropped), and after a normal exit for what it left in the
/// background.
struct Group(u32);

impl Group {
    fn signal(&self, sig: &str) {
        // Never our own group: the script's is a session of its own, numbered by its pid.
        if self.0 <= 1 || self.0 == std::process::id() {
            return;
        }
        let _ = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("kill -s {sig} -- -{} 2>/dev/null", self.0))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.signal("KILL");
    }
}

/// The script run as the grader's own user (`--trusted`): `interpreter script` in `dir`,
/// talking to the engine through the guard's `socket`, in a session of its own.
pub(super) fn trusted(
    interpreter: &str,
    script: &Path,
    dir: &Path,
    socket: &Path,
) -> tokio::process::Command {
    let mut cmd = match which("setsid") {
        Some(s) => {
            let mut c = tokio::process::Command::new(s);
            c.arg(interpreter);
            c
        }
        None => {
            let mut c = tokio::process::Command::new(interpreter);
            c.process_group(0);
            c
        }
    };
    cmd.arg(script)
        .current_dir(dir)
        .env("DOCKER_HOST", format!("unix://{}", socket.display()))
        .env_remove("DOCKER_CONTEXT")
        .env_remove("DOCKER_TLS_VERIFY")
        .env_remove("DOCKER_CERT_PATH");
    cmd
}

/// Run `cmd` (see [`trusted`] and [`super::sandbox::Sandbox::script_command`]) with no
/// stdin and its output captured, for at most `limit`. A sandboxed script's own end is in
/// `status` (the sandbox's init writes it), which says more than bwrap's exit code.
pub(super) async fn run(
    mut cmd: tokio::process::Command,
    status: Option<&Path>,
    limit: Duration,
) -> Result<ScriptRun> {
    let cannot_capture =
        |e: std::io::Error| Failure::Io(format!("cannot capture the script's output: {e}"));
    let (reader, writer) = std::io::pipe().map_err(cannot_capture)?;
    let writer2 = writer.try_clone().map_err(cannot_capture)?;
    if status.is_some() {
        // bwrap and everything it starts form one group, which the limit kills whole.
        cmd.process_group(0);
    }
    cmd.stdin(std::process::Stdio::null())
        .stdout(writer)
        .stderr(writer2)
        .kill_on_drop(true);
    let started = Instant::now();
    let spawned = cmd.spawn();
    // The command holds the pipe's write ends; the reader sees the end only once they close.
    drop(cmd);
    let mut child =
        spawned.map_err(|e| Failure::BadInput(format!("cannot run the submission: {e}")))?;
    let group = Group(child.id().unwrap_or(0));
    let capture = drain(reader);
    let (wait, timed_out) = wait_or_stop(&mut child, &group, limit).await;
    let elapsed = started.elapsed();
    // Whatever it left running in the background goes too.
    drop(group);
    let (tail, output_bytes) = captured(&capture).await?;
    use std::os::unix::process::ExitStatusExt;
    let (mut exit_code, mut signal) = (wait.and_then(|s| s.code()), wait.and_then(|s| s.signal()));
    // The script could write the file too (it runs as the same user as the init that
    // does), so it is believed only where bwrap's own exit code, which is the init's and
    // out of the script's reach, agrees with it.
    if let Some(end) = status.and_then(|p| std::fs::read_to_string(p).ok()) {
        let bwrap = exit_code;
        match end.split_once(' ') {
            Some(("exit", c)) if c.trim().parse().ok() == bwrap => {}
            Some(("signal", s)) => {
                if let Ok(sig) = s.trim().parse::<i32>()
                    && bwrap == Some(128 + sig)
                {
                    (exit_code, signal) = (None, Some(sig));
                }
            }
            _ => {}
        }
    }
    if timed_out {
        exit_code = None;
    }
    Ok(ScriptRun {
        exit_code,
        signal,
        timed_out,
        elapsed,
        tail,
        output_bytes,
    })
}

/// The pipe is blocking; a thread drains it so the script never stalls on a full pipe.
fn drain(mut reader: std::io::PipeReader) -> Arc<Mutex<Capture>> {
    let capture = Arc::new(Mutex::new(Capture::default()));
    let sink = Arc::clone(&capture);
    std::thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        loop {
            let n = match reader.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if let Ok(mut c) = sink.lock() {
                c.total += n as u64;
                c.buf.extend_from_slice(&chunk[..n]);
                if c.buf.len() > OUTPUT_CAP {
                    let cut = c.buf.len() - OUTPUT_CAP;
                    c.buf.drain(..cut);
                }
            }
        }
        if let Ok(mut c) = sink.lock() {
            c.done = true;
        }
    });
    capture
}

/// Wait for the script; past `limit`, TERM its group, then KILL it. The exit status (if
/// any) and whether it timed out.
async fn wait_or_stop(
    child: &mut tokio::process::Child,
    group: &Group,
    limit: Duration,
) -> (Option<std::process::ExitStatus>, bool) {
    if let Ok(s) = tokio::time::timeout(limit, child.wait()).await {
        return (s.ok(), false);
    }
    group.signal("TERM");
    let s = match tokio::time::timeout(TERM_GRACE, child.wait()).await {
        Ok(s) => s.ok(),
        Err(_) => {
            group.signal("KILL");
            child.wait().await.ok()
        }
    };
    (s, true)
}

/// The tail of the output and its total size, once the reader has seen the end — or after a
/// second: a process that escaped the group could hold the pipe open forever, and it is not
/// worth waiting for.
async fn captured(capture: &Mutex<Capture>) -> Result<(Vec<String>, u64)> {
    for _ in 0..50 {
        if capture.lock().map(|c| c.done).unwrap_or(true) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let c = capture
        .lock()
        .map_err(|_| Failure::Io("the script's output was lost".into()))?;
    Ok((tail_lines(&c.buf, c.total > c.buf.len() as u64), c.total))
}

/// The last lines of captured output, printable and of bounded length. A cut-off first line
/// is dropped: half a line misleads.
fn tail_lines(buf: &[u8], truncated: bool) -> Vec<String> {
    let text = String::from_utf8_lossy(buf);
    let mut lines: Vec<&str> = text.lines().collect();
    if truncated && !lines.is_empty() {
        lines.remove(0);
    }
    let from = lines.len().saturating_sub(TAIL_LINES);
    lines[from..]
        .iter()
        .map(|l| {
            let clean: String = l
                .chars()
                .filter(|c| !c.is_control() || *c == '\t')
                .take(LINE_CAP)
                .collect();
            clean.trim_end().to_owned()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_of_the_output() {
        let lines: String = (1..=30).map(|i| format!("line {i}\n")).collect();
        let t = tail_lines(lines.as_bytes(), false);
        assert_eq!(t.len(), TAIL_LINES);
        assert_eq!(t.last().map(String::as_str), Some("line 30"));
        assert_eq!(tail_lines(b"half\nwhole\n", true), vec!["whole".to_owned()]);
        assert_eq!(
            tail_lines(b"\x1b[31mred\x1b[0m\n", false),
            vec!["[31mred[0m".to_owned()]
        );
    }
}
