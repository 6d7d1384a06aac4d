//! What a submission run that was killed (`kill -9` of docklings, a power cut) left on the
//! engine. Every container, network, volume and built image the guard let a submission create carries
//! the label [`LABEL`] = `<pid>:<start time>` of the grading process; a later `grade
//! --submission` or `reset` removes those whose process is gone. Only labelled things are
//! touched, and never a live run's.

use super::policy::LABEL;
use crate::engine::Engine;
use crate::engine::cleanup::{Leftovers, Removed};

/// This process's label value: its PID and its start time (clock ticks since boot), so a
/// PID the kernel reuses later is not mistaken for us.
pub(crate) fn run_label() -> String {
    let pid = std::process::id();
    // The wall-clock start bounds which untagged parent layers are the run's own.
    let now = crate::engine::unix_now();
    format!("{pid}:{}:{now}", start_time(pid).unwrap_or_default())
}

/// When the run that wrote `value` started, in Unix seconds (0 when unknown).
fn started(value: &str) -> i64 {
    value
        .split(':')
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// Field 22 of `/proc/PID/stat`; `None` when there is no such process (or no /proc).
fn start_time(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let after = stat.rsplit_once(')')?.1;
    after.split_whitespace().nth(19).map(str::to_owned)
}

/// The run that made a thing labelled `value` is still grading.
fn alive(value: &str) -> bool {
    let mut parts = value.split(':');
    let (Some(pid), Some(start)) = (parts.next(), parts.next()) else {
        return false;
    };
    match pid.parse::<u32>() {
        Ok(pid) => start_time(pid).is_some_and(|s| s == start),
        Err(_) => false,
    }
}

/// The folders a killed run left on this machine: its temporary folder
/// (`docklings-submission-PID-…`, with the guard's socket and the copy) and its control
/// groups of the same name. Removed when PID is no longer running.
fn remove_dead_folders() {
    let dead = |name: &str| {
        name.strip_prefix("docklings-submission-")
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
            .is_some_and(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists())
    };
    let scan = |dir: &std::path::Path, remove: &dyn Fn(&std::path::Path)| {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                if dead(&e.file_name().to_string_lossy()) {
                    remove(&e.path());
                }
            }
        }
    };
    scan(&std::env::temp_dir(), &|p| {
        // Its pinned bind sources and the copy's tmpfs first: removing through a mount
        // would reach into what it pins.
        for m in super::mounts::mounted_under(p) {
            super::mounts::unmount(&m);
        }
        let _ = std::fs::remove_dir_all(p);
    });
    // An empty control group is removed with rmdir; one with processes stays.
    for root in [
        "/sys/fs/cgroup",
        "/sys/fs/cgroup/memory",
        "/sys/fs/cgroup/pids",
    ] {
        scan(std::path::Path::new(root), &|p| {
            let _ = std::fs::remove_dir(p);
        });
    }
}

/// Remove what dead runs left. Never fails the caller: problems come back in words.
pub(crate) async fn remove_dead(engine: &Engine) -> Removed {
    remove_dead_folders();
    let found = match engine.labelled(LABEL).await {
        Ok(f) => f,
        Err(e) => {
            return Removed {
                problems: vec![e.to_string()],
                ..Removed::default()
            };
        }
    };
    let dead = |v: &[(String, String)]| -> Vec<String> {
        v.iter()
            .filter(|(_, run)| !alive(run))
            .map(|(id, _)| id.clone())
            .collect()
    };
    let mut images = dead(&found.images);
    // A build's intermediate layers carry no label: the untagged parents made since the
    // run began go with the image (an unknown start, 0, would reach every parent: none
    // then).
    for (id, run) in found.images.iter().filter(|(_, run)| !alive(run)) {
        let since = started(run);
        if since > 0
            && let Ok(parents) = engine.fresh_untagged_parents(id, since - 1).await
        {
            for p in parents {
                if !images.contains(&p) {
                    images.push(p);
                }
            }
        }
    }
    let plan = Leftovers {
        containers: dead(&found.containers),
        networks: dead(&found.networks),
        volumes: dead(&found.volumes),
        images,
        ..Leftovers::default()
    };
    if plan == Leftovers::default() {
        return Removed::default();
    }
    engine.remove_exactly(&plan).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_own_run_is_alive_and_a_gone_one_is_not() {
        let me = run_label();
        assert!(alive(&me), "{me}");
        assert!(!alive("999999999:1"));
        assert!(!alive("garbage"));
        let (pid, _) = me.split_once(':').expect("pid:start:since");
        assert!(!alive(&format!("{pid}:0:0")), "a reused PID is not us");
        assert!(started(&me) > 1_700_000_000, "{me}");
        assert_eq!(started("1:2"), 0);
    }
}
