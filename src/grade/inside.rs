//! The first program inside the sandbox (`docklings __sandbox-init`, started by bubblewrap):
//! it makes the labs' published ports reachable on the sandbox's own loopback, runs the
//! script under its limits, and writes how the script ended where the grader reads it.
//!
//! The sandbox has a network of its own, so nothing on the host — a TCP engine, an
//! abstract unix socket of containerd, the learner's other services — can be reached from
//! it. `curl localhost:8088` still has to work for the labs: each connection to a lab's
//! port here is carried over a unix socket (the bridge) to the grader, which connects on
//! the host only if a container the submission created publishes that port.
//!
//! Not a clap subcommand: it is an internal entry point whose arguments docklings writes
//! itself, and it must not show in `--help`, completions or the man page.

use std::path::PathBuf;
use std::process::ExitCode;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, UnixStream};

/// The hidden subcommand's name.
pub(crate) const ENTRY: &str = "__sandbox-init";

/// What the grader tells the init, in the order it writes the arguments.
#[derive(Debug, PartialEq, Eq)]
struct Args {
    bridge: PathBuf,
    status: PathBuf,
    ports: Vec<u16>,
    /// `prlimit` options for the script, and the script's command line.
    command: Vec<String>,
}

/// `--bridge PATH --status PATH [--port N]… -- COMMAND…`
fn parse(args: &[String]) -> Result<Args, String> {
    let mut bridge = None;
    let mut status = None;
    let mut ports = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--bridge" => bridge = Some(PathBuf::from(value()?)),
            "--status" => status = Some(PathBuf::from(value()?)),
            "--port" => ports.push(value()?.parse().map_err(|_| "bad --port".to_owned())?),
            "--" => break,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let command: Vec<String> = it.cloned().collect();
    if command.is_empty() {
        return Err("no command to run".into());
    }
    Ok(Args {
        bridge: bridge.ok_or("--bridge is missing")?,
        status: status.ok_or("--status is missing")?,
        ports,
        command,
    })
}

/// Run as the sandbox's init; `args` are those after [`ENTRY`].
pub(crate) fn main(args: &[String]) -> ExitCode {
    let args = match parse(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("docklings sandbox: {e}");
            return ExitCode::from(125);
        }
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("docklings sandbox: cannot start: {e}");
            return ExitCode::from(125);
        }
    };
    rt.block_on(run(args))
}

async fn run(args: Args) -> ExitCode {
    for &port in &args.ports {
        // Both loopbacks, as on the host: `localhost` may resolve to either.
        for addr in [format!("127.0.0.1:{port}"), format!("[::1]:{port}")] {
            if let Ok(listener) = TcpListener::bind(&addr).await {
                tokio::spawn(carry(listener, port, args.bridge.clone()));
            }
        }
    }
    let mut child = match tokio::process::Command::new(&args.command[0])
        .args(&args.command[1..])
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("docklings sandbox: cannot run `{}`: {e}", args.command[0]);
            return ExitCode::from(127);
        }
    };
    let status = child.wait().await;
    let (line, code) = match status {
        Ok(s) => {
            use std::os::unix::process::ExitStatusExt;
            match (s.code(), s.signal()) {
                (Some(c), _) => (format!("exit {c}"), c),
                (None, Some(sig)) => (format!("signal {sig}"), 128 + sig),
                (None, None) => ("exit 1".to_owned(), 1),
            }
        }
        Err(e) => (format!("lost {e}"), 1),
    };
    if let Ok(mut f) = tokio::fs::File::create(&args.status).await {
        let _ = f.write_all(line.as_bytes()).await;
    }
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

/// Every connection to `port` here goes over the bridge, which first reads the port.
async fn carry(listener: TcpListener, port: u16, bridge: PathBuf) {
    loop {
        let Ok((mut conn, _)) = listener.accept().await else {
            continue;
        };
        let bridge = bridge.clone();
        tokio::spawn(async move {
            let Ok(mut up) = UnixStream::connect(&bridge).await else {
                return;
            };
            if up.write_all(format!("{port}\n").as_bytes()).await.is_ok() {
                let _ = tokio::io::copy_bidirectional(&mut conn, &mut up).await;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn arguments_are_read_as_the_grader_writes_them() {
        let a = parse(&strings(&[
            "--bridge", "/b", "--status", "/s", "--port", "8088", "--port", "80", "--", "sh",
            "run.sh",
        ]))
        .expect("parses");
        assert_eq!(a.bridge, PathBuf::from("/b"));
        assert_eq!(a.ports, vec![8088, 80]);
        assert_eq!(a.command, strings(&["sh", "run.sh"]));
        assert!(parse(&strings(&["--bridge", "/b", "--status", "/s", "--"])).is_err());
        assert!(parse(&strings(&["--port", "x"])).is_err());
        assert!(parse(&strings(&["--what", "--", "sh"])).is_err());
    }
}
