//! The many ways learners type the same thing, and the common mistakes, against the real
//! engine: every right way passes; every mistake fails at the right step and the message
//! names the difference.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::harness::{
    Engine, Test, assert_observed, assert_steps, curl, docker, docker_ok, observed, on_podman, root,
};

const WEB: &str = "diamol/ch02-hello-diamol-web";

/// Wait (bounded) until a container is running; the engine answers quickly but not at once.
fn wait_running(name: &str) {
    crate::harness::wait_state(name, "running");
}

mod hello_diamol {
    use super::*;

    #[test]
    fn one_run_then_two_with_both_spellings() {
        let mut e = Engine::lock();
        let r = e.check("hello-diamol");
        assert_steps(&r, &[("run-once", false), ("run-again", false)]);
        let out = e.run(
            "dkt-h1",
            &[
                "container",
                "run",
                "--name",
                "dkt-h1",
                "diamol/ch02-hello-diamol",
            ],
        );
        assert!(out.contains("Hello from Chapter 2!"), "{out}");
        let r = e.check("hello-diamol");
        assert_steps(&r, &[("run-once", true), ("run-again", false)]);
        assert_observed(&r, "run-again", "only 1 of 2");
        e.run(
            "dkt-h2",
            &["run", "--name", "dkt-h2", "diamol/ch02-hello-diamol"],
        );
        let r = e.check("hello-diamol");
        assert_steps(&r, &[("run-once", true), ("run-again", true)]);
    }

    /// `--rm` takes the container and its output with it; its events still prove it ran
    /// and exited 0, once and then again.
    #[test]
    fn two_runs_with_rm_pass_both_steps() {
        let e = Engine::lock();
        for _ in 0..2 {
            let out = docker(&["run", "--rm", "diamol/ch02-hello-diamol"]);
            assert!(out.contains("Hello from Chapter 2!"), "{out}");
        }
        assert!(docker(&["ps", "-aq", "--filter", "ancestor=diamol/ch02-hello-diamol"]).is_empty());
        let r = e.check("hello-diamol");
        assert_steps(&r, &[("run-once", true), ("run-again", true)]);
    }

    /// The engine keeps only its last 256 events: once a `--rm` run's events are pushed
    /// out, the report says the history is incomplete instead of silently failing.
    #[test]
    fn forgotten_events_are_named_in_the_report() {
        // Docker's memory of 256 events, flooded through its socket; Podman keeps its
        // events in a journal of its own and forgets none of these.
        if on_podman() {
            return;
        }
        let mut e = Engine::lock();
        docker(&["run", "--rm", "diamol/ch02-hello-diamol"]);
        let r = e.check("hello-diamol");
        assert_steps(&r, &[("run-once", true)]);
        assert!(r.get("events_forgotten").is_none(), "{r}");
        // 260 `top` events, straight through the socket (fast): more than the engine keeps.
        e.run(
            "dkt-evict",
            &["run", "-dit", "--name", "dkt-evict", "diamol/base"],
        );
        let ok = Command::new("sh")
            .args([
                "-c",
                "for i in $(seq 260); do curl -sf -o /dev/null --unix-socket /var/run/docker.sock \
                 http://engine/containers/dkt-evict/top || exit 1; done",
            ])
            .status()
            .expect("sh");
        assert!(ok.success());
        // What `check` saw before is recorded, and still counts.
        let r = e.check("hello-diamol");
        assert_steps(&r, &[("run-once", true)]);
        // Where nothing was recorded, the step fails, and the report says why it may.
        let out = Test::new()
            .args(&[
                "check",
                "hello-diamol",
                "--format",
                "json",
                "--since",
                &e.since,
            ])
            .run()
            .code(1);
        let r = out.json();
        assert_steps(&r, &[("run-once", false)]);
        assert_eq!(r["events_forgotten"], true, "{r}");
        Test::new()
            .args(&["check", "hello-diamol", "--since", &e.since])
            .run()
            .code(1)
            .stdout_has("last 256 events");
    }

    /// With no start recorded and no `--since`, runs that left no container behind are an
    /// older session's history: they pass nothing.
    #[test]
    fn old_runs_removed_since_pass_nothing_without_a_start() {
        let mut e = Engine::lock();
        e.run(
            "dkt-h4",
            &["run", "--name", "dkt-h4", "diamol/ch02-hello-diamol"],
        );
        docker(&["rm", "dkt-h4"]);
        docker(&["run", "--rm", "diamol/ch02-hello-diamol"]);
        let r = e.check_fresh("hello-diamol", &[]);
        assert_steps(&r, &[("run-once", false), ("run-again", false)]);
    }

    #[test]
    fn a_command_after_the_image_replaces_the_banner() {
        let mut e = Engine::lock();
        e.run(
            "dkt-h3",
            &[
                "run",
                "--name",
                "dkt-h3",
                "diamol/ch02-hello-diamol",
                "echo",
                "hi",
            ],
        );
        let r = e.check("hello-diamol");
        assert_steps(&r, &[("run-once", false)]);
        assert_observed(&r, "run-once", "shows no `Hello from Chapter 2!`");
    }
}

mod interactive_shell {
    use super::*;

    #[test]
    fn without_it_the_shell_exits_at_once() {
        let mut e = Engine::lock();
        e.run("dkt-b1", &["run", "--name", "dkt-b1", "diamol/base"]);
        let r = e.check("interactive-shell");
        assert_steps(&r, &[("run-interactive", false)]);
        let o = observed(&r, "run-interactive");
        assert!(o.contains("is exited (0"), "{o}");
        assert!(o.contains("`-t`/`--tty`"), "{o}");
        assert!(o.contains("`-i`/`--interactive`"), "{o}");
    }

    /// The chapter's way in a real terminal: `run -it`, `hostname` typed at the prompt,
    /// then `exit`. The exited container keeps the credit the checks saw (recorded by
    /// `check`), while `top`, never run, can no longer be: it needs the container running.
    #[test]
    fn an_exited_shell_keeps_its_credit() {
        let mut e = Engine::lock();
        e.track_container("dkt-b4");
        let t = crate::harness::Tmux::start(
            "dkt-scn-shell",
            "docker run -it --name dkt-b4 diamol/base; sleep 30",
        );
        t.wait_for("/ #"); // capture-pane drops the trailing space
        t.keys("hostname");
        t.keys("Enter");
        let hostname = docker(&["inspect", "-f", "{{.Config.Hostname}}", "dkt-b4"]);
        t.wait_for(&format!("{hostname}\n"));
        let answer = format!("explore={hostname}");
        let r = e.check_with("interactive-shell", &["--answer", &answer]);
        assert_steps(
            &r,
            &[
                ("run-interactive", true),
                ("explore", true),
                ("inspect-from-host", false),
            ],
        );
        t.keys("exit");
        t.keys("Enter");
        crate::harness::wait_state("dkt-b4", "exited");
        let r = e.check_with("interactive-shell", &["--answer", &answer]);
        assert_steps(
            &r,
            &[
                ("run-interactive", true),
                ("explore", true),
                ("inspect-from-host", false),
            ],
        );
        assert_observed(&r, "inspect-from-host", "top");
    }

    #[test]
    fn top_by_id_prefix_from_the_host_counts() {
        let mut e = Engine::lock();
        let id = e.run(
            "dkt-b2",
            &["run", "-dit", "--name", "dkt-b2", "diamol/base"],
        );
        let r = e.check("interactive-shell");
        assert_steps(
            &r,
            &[("run-interactive", true), ("inspect-from-host", false)],
        );
        // Read-only commands leave no event and must not count.
        docker(&["container", "logs", &id[..3]]);
        docker(&["container", "inspect", &id[..3]]);
        let r = e.check("interactive-shell");
        assert_steps(&r, &[("inspect-from-host", false)]);
        docker(&["container", "top", &id[..3]]);
        let r = e.check("interactive-shell");
        // Podman does not record `top`, the step's one act: it cannot be confirmed there.
        assert_steps(&r, &[("inspect-from-host", !on_podman())]);
        if on_podman() {
            assert_observed(
                &r,
                "inspect-from-host",
                "cannot confirm this step on Podman",
            );
        }
    }
}

mod published_web {
    use super::*;

    #[test]
    fn long_flags_then_remove() {
        let mut e = Engine::lock();
        let r = e.check("published-web");
        assert_steps(
            &r,
            &[
                ("run-detached", false),
                ("browse", false),
                ("remove", false),
            ],
        );
        e.run(
            "dkt-w1",
            &[
                "container",
                "run",
                "--detach",
                "--publish",
                "8088:80",
                "--name",
                "dkt-w1",
                WEB,
            ],
        );
        // docklings' own probe finds the page served, but the learner has not looked.
        let r = e.check("published-web");
        assert_steps(
            &r,
            &[("run-detached", true), ("browse", false), ("remove", false)],
        );
        assert_observed(&r, "browse", "no request of yours");
        curl("http://localhost:8088");
        let r = e.check("published-web");
        assert_steps(
            &r,
            &[("run-detached", true), ("browse", true), ("remove", false)],
        );
        docker(&["container", "rm", "--force", "dkt-w1"]);
        let r = e.check("published-web");
        assert_steps(
            &r,
            &[("run-detached", true), ("browse", true), ("remove", true)],
        );
    }

    #[test]
    fn short_flags_on_loopback_only() {
        let mut e = Engine::lock();
        e.run(
            "dkt-w2",
            &[
                "run",
                "-d",
                "-p",
                "127.0.0.1:8088:80",
                "--name",
                "dkt-w2",
                WEB,
            ],
        );
        curl("http://127.0.0.1:8088");
        let r = e.check("published-web");
        assert_steps(&r, &[("run-detached", true), ("browse", true)]);
    }

    #[test]
    fn wrong_host_port() {
        let mut e = Engine::lock();
        e.run(
            "dkt-w3",
            &["run", "-d", "-p", "8089:80", "--name", "dkt-w3", WEB],
        );
        let r = e.check("published-web");
        assert_steps(&r, &[("run-detached", false), ("browse", false)]);
        assert_observed(
            &r,
            "run-detached",
            "`dkt-w3` publishes 80/tcp on 8089, not 8088",
        );
        // Browsing waits for the step it follows, and says so.
        assert_observed(&r, "browse", "Do `run-detached` first");
    }

    #[test]
    fn wrong_container_port() {
        let mut e = Engine::lock();
        e.run(
            "dkt-w4",
            &["run", "-d", "-p", "8088:8080", "--name", "dkt-w4", WEB],
        );
        let r = e.check("published-web");
        assert_steps(&r, &[("run-detached", false)]);
        assert_observed(&r, "run-detached", "host port 8088 to container port 8080");
    }

    #[test]
    fn capital_p_picks_a_random_port() {
        let mut e = Engine::lock();
        e.run("dkt-w5", &["run", "-d", "-P", "--name", "dkt-w5", WEB]);
        let r = e.check("published-web");
        assert_steps(&r, &[("run-detached", false)]);
        if on_podman() {
            // Podman keeps the port it picked and forgets the `-P`: the port is named.
            assert_observed(&r, "run-detached", "publishes 80/tcp on");
        } else {
            assert_observed(&r, "run-detached", "`-P` picks a random port");
        }
    }

    #[test]
    fn attached_instead_of_detached() {
        let mut e = Engine::lock();
        e.track_container("dkt-w6");
        let mut child = Command::new("docker")
            .args(["run", "-p", "8088:80", "--name", "dkt-w6", WEB])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("docker run");
        wait_running("dkt-w6");
        let r = e.check("published-web");
        assert_steps(&r, &[("run-detached", false), ("browse", false)]);
        assert_observed(&r, "run-detached", "add `-d`/`--detach`");
        docker(&["rm", "-f", "dkt-w6"]);
        let _ = child.wait();
    }

    #[test]
    fn a_stopped_container_is_not_running() {
        let mut e = Engine::lock();
        e.run(
            "dkt-w7",
            &["run", "-d", "-p", "8088:80", "--name", "dkt-w7", WEB],
        );
        docker(&["stop", "-t", "1", "dkt-w7"]);
        let r = e.check("published-web");
        assert_steps(
            &r,
            &[
                ("run-detached", false),
                ("browse", false),
                ("remove", false),
            ],
        );
        let o = observed(&r, "run-detached");
        assert!(o.contains("is exited"), "{o}");
    }

    /// The first mistake learners make, then the fix: removing the wrong container does
    /// not pass `remove`, the server answering docklings' probe does not pass `browse`.
    /// Each step passes only on its own act, in order.
    #[test]
    fn wrong_port_then_right_then_each_act_in_turn() {
        let mut e = Engine::lock();
        e.run(
            "dkt-w8",
            &["run", "-d", "-p", "8080:80", "--name", "dkt-w8", WEB],
        );
        docker(&["rm", "-f", "dkt-w8"]);
        e.run(
            "dkt-w9",
            &["run", "-d", "-p", "8088:80", "--name", "dkt-w9", WEB],
        );
        let r = e.check("published-web");
        assert_steps(
            &r,
            &[("run-detached", true), ("browse", false), ("remove", false)],
        );
        curl("http://localhost:8088");
        let r = e.check("published-web");
        assert_steps(
            &r,
            &[("run-detached", true), ("browse", true), ("remove", false)],
        );
        docker(&["rm", "-f", "dkt-w9"]);
        let r = e.check("published-web");
        assert_steps(
            &r,
            &[("run-detached", true), ("browse", true), ("remove", true)],
        );
        // Which act counted is named.
        let rm = r["steps"][2]["checks"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| c["observed"].as_str().unwrap_or("").to_owned())
            .collect::<Vec<_>>()
            .join("; ");
        assert!(rm.contains("dkt-w9"), "{rm}");
        assert!(!rm.contains("dkt-w8"), "{rm}");
    }

    /// A request before the step it follows does not count, and the reason says so.
    #[test]
    fn browsing_before_the_container_ran_right_does_not_count() {
        let mut e = Engine::lock();
        e.run(
            "dkt-w10",
            &["run", "-d", "-p", "8088:80", "--name", "dkt-w10", WEB],
        );
        curl("http://localhost:8088");
        // Stopped and started again: the learner's request came before this start, and
        // the state step now counts from it.
        std::thread::sleep(Duration::from_millis(1100));
        docker(&["restart", "-t", "1", "dkt-w10"]);
        let r = e.check("published-web");
        assert_steps(&r, &[("run-detached", true), ("browse", false)]);
        assert_observed(&r, "browse", "before");
        curl("http://localhost:8088");
        let r = e.check("published-web");
        assert_steps(&r, &[("run-detached", true), ("browse", true)]);
    }
}

mod network_ping {
    use super::*;

    fn network(e: &mut Engine) {
        e.track_network("custom_network");
        docker(&["network", "create", "custom_network"]);
    }

    #[test]
    fn the_chapter_way_with_bash_inside() {
        let mut e = Engine::lock();
        let r = e.check("network-ping");
        assert_steps(
            &r,
            &[
                ("create-network", false),
                ("run-two", false),
                ("ping-by-name", false),
            ],
        );
        network(&mut e);
        let r = e.check("network-ping");
        assert_steps(&r, &[("create-network", true), ("run-two", false)]);
        e.run(
            "custom-nginx",
            &[
                "run",
                "-d",
                "--name",
                "custom-nginx",
                "--network",
                "custom_network",
                "nginx",
            ],
        );
        e.run(
            "custom_nginx_sub",
            &[
                "run",
                "-p",
                "6060:80",
                "-d",
                "--name",
                "custom_nginx_sub",
                "--network",
                "custom_network",
                "nginx",
            ],
        );
        let r = e.check("network-ping");
        assert_steps(&r, &[("run-two", true), ("ping-by-name", false)]);
        assert_observed(&r, "ping-by-name", "exec_start");
        // What a learner types after `docker exec -it custom_nginx_sub bash`.
        docker(&[
            "exec",
            "custom_nginx_sub",
            "bash",
            "-c",
            "ping -c 1 custom-nginx",
        ]);
        let r = e.check("network-ping");
        // Everything but the question: unanswered scores zero, it does not crash.
        assert_steps(&r, &[("ping-by-name", false)]);
        assert_observed(&r, "ping-by-name", "no answer");
        let r = e.check_with("network-ping", &["--answer", "ping-by-name=10.9.9.9"]);
        assert_observed(&r, "ping-by-name", "`10.9.9.9` does not match");
        // As `docker network inspect` prints it, with the prefix length.
        let ip = docker(&[
            "network",
            "inspect",
            "custom_network",
            "--format",
            "{{range .Containers}}{{.IPv4Address}} {{end}}",
        ]);
        let first = ip.split_whitespace().next().expect("an address").to_owned();
        assert!(first.contains('/'), "{first}");
        let r = e.check_with(
            "network-ping",
            &["--answer", &format!("ping-by-name={first}")],
        );
        assert_steps(&r, &[("ping-by-name", true)]);
    }

    #[test]
    fn default_bridge_then_connect_after_the_fact() {
        let mut e = Engine::lock();
        e.run("dkt-n1", &["run", "-d", "--name", "dkt-n1", "nginx"]);
        e.run("dkt-n2", &["run", "-d", "--name", "dkt-n2", "nginx"]);
        // On the default bridge, names do not resolve: the learner's ping fails.
        assert!(!docker_ok(&[
            "exec", "dkt-n2", "ping", "-c", "1", "-W", "1", "dkt-n1"
        ]));
        network(&mut e);
        let r = e.check("network-ping");
        assert_steps(
            &r,
            &[
                ("create-network", true),
                ("run-two", false),
                ("ping-by-name", false),
            ],
        );
        docker(&["network", "connect", "custom_network", "dkt-n1"]);
        docker(&["network", "connect", "custom_network", "dkt-n2"]);
        docker(&["exec", "dkt-n2", "ping", "-c", "1", "dkt-n1"]);
        let ip = docker(&[
            "inspect",
            "-f",
            "{{(index .NetworkSettings.Networks \"custom_network\").IPAddress}}",
            "dkt-n1",
        ]);
        let r = e.check_with(
            "network-ping",
            &["--answer", &format!("network-ping:ping-by-name={ip}")],
        );
        assert_steps(&r, &[("run-two", true), ("ping-by-name", true)]);
    }

    #[test]
    fn on_the_default_bridge_the_reason_is_named() {
        let mut e = Engine::lock();
        network(&mut e);
        e.run(
            "dkt-n3",
            &[
                "run",
                "-d",
                "--name",
                "dkt-n3",
                "--network",
                "custom_network",
                "nginx",
            ],
        );
        e.run("dkt-n4", &["run", "-d", "--name", "dkt-n4", "nginx"]);
        let r = e.check("network-ping");
        assert_steps(&r, &[("run-two", false), ("ping-by-name", false)]);
        assert_observed(&r, "run-two", "only 1 of 2");
    }
}

mod cp_index_html {
    use super::*;

    fn index() -> String {
        root()
            .join("labs/cp-index-html/index.html")
            .display()
            .to_string()
    }

    #[test]
    fn the_chapter_way_by_id_prefix() {
        let mut e = Engine::lock();
        let id = e.run(
            "dkt-c1",
            &["run", "-d", "-p", "8088:80", "--name", "dkt-c1", WEB],
        );
        let r = e.check("cp-index-html");
        assert_steps(
            &r,
            &[
                ("web-running", true),
                ("list-htdocs", false),
                ("copy-index", false),
                ("browse-new", false),
            ],
        );
        docker(&["exec", &id[..3], "ls", "/usr/local/apache2/htdocs"]);
        let r = e.check("cp-index-html");
        assert_steps(&r, &[("list-htdocs", true), ("copy-index", false)]);
        // Browsing before the copy showed the old page: it does not count as browsing the
        // new one.
        curl("http://localhost:8088");
        docker(&[
            "cp",
            &index(),
            &format!("{}:/usr/local/apache2/htdocs/index.html", &id[..3]),
        ]);
        let r = e.check("cp-index-html");
        if on_podman() {
            // Podman records no `docker cp`: the copy is undated, so the browse before it
            // counts, as the copy step says (a gap of the engine's, tested in `podman::`).
            assert_steps(&r, &[("copy-index", true)]);
        } else {
            assert_steps(&r, &[("copy-index", true), ("browse-new", false)]);
            assert_observed(&r, "browse-new", "before `copy-index` passed");
        }
        let page = curl("http://localhost:8088");
        assert!(page.contains("docklings"), "{page}");
        let r = e.check("cp-index-html");
        assert_steps(
            &r,
            &[
                ("web-running", true),
                ("list-htdocs", true),
                ("copy-index", true),
                ("browse-new", true),
            ],
        );
    }

    /// Skipping `ls` does not block the copy: it counts from the latest step that passed.
    #[test]
    fn a_skipped_step_does_not_block_the_next() {
        let mut e = Engine::lock();
        e.run(
            "dkt-c9",
            &["run", "-d", "-p", "8088:80", "--name", "dkt-c9", WEB],
        );
        docker(&[
            "cp",
            &index(),
            "dkt-c9:/usr/local/apache2/htdocs/index.html",
        ]);
        curl("http://localhost:8088");
        let r = e.check("cp-index-html");
        assert_steps(
            &r,
            &[
                ("web-running", true),
                ("list-htdocs", false),
                ("copy-index", true),
                ("browse-new", true),
            ],
        );
    }

    #[test]
    fn copy_to_the_wrong_path() {
        let mut e = Engine::lock();
        e.run(
            "dkt-c2",
            &["run", "-d", "-p", "8088:80", "--name", "dkt-c2", WEB],
        );
        docker(&["cp", &index(), "dkt-c2:/tmp/index.html"]);
        let r = e.check("cp-index-html");
        assert_steps(&r, &[("copy-index", false), ("browse-new", false)]);
        assert_observed(&r, "copy-index", "differs from the lab's `index.html`");
    }

    #[test]
    fn copy_into_the_wrong_container() {
        let mut e = Engine::lock();
        e.run(
            "dkt-c3",
            &["run", "-d", "-p", "8088:80", "--name", "dkt-c3", WEB],
        );
        e.run(
            "dkt-c4",
            &["run", "-dit", "--name", "dkt-c4", "diamol/base"],
        );
        docker(&["exec", "dkt-c4", "mkdir", "-p", "/usr/local/apache2/htdocs"]);
        docker(&[
            "cp",
            &index(),
            "dkt-c4:/usr/local/apache2/htdocs/index.html",
        ]);
        let r = e.check("cp-index-html");
        assert_steps(&r, &[("copy-index", false), ("browse-new", false)]);
        // A second web container that does not serve 8088 does not help the browser.
        e.run("dkt-c5", &["run", "-d", "--name", "dkt-c5", WEB]);
        docker(&[
            "cp",
            &index(),
            "dkt-c5:/usr/local/apache2/htdocs/index.html",
        ]);
        let r = e.check("cp-index-html");
        assert_steps(&r, &[("browse-new", false)]);
    }

    #[test]
    fn our_own_probes_never_count_as_the_learners_work() {
        let mut e = Engine::lock();
        e.run(
            "dkt-c6",
            &["run", "-d", "-p", "8088:80", "--name", "dkt-c6", WEB],
        );
        // Checking reads files through the archive endpoint and may exec probes; run it a
        // few times and the learner's `exec`/`cp` steps must still be undone.
        for _ in 0..3 {
            let r = e.check("cp-index-html");
            assert_steps(&r, &[("list-htdocs", false), ("copy-index", false)]);
        }
        let r = e.check("network-ping");
        assert_steps(&r, &[("ping-by-name", false)]);
    }
}

/// Which step a step follows (`after:`), on a fixture lab whose three steps are each a
/// `docker container top`: `top-b` follows `top-a`, `top-c` is independent (`after: start`).
mod order {
    use super::*;

    fn check(e: &Engine) -> serde_json::Value {
        e.check_with(
            "ordered",
            &[
                "--labs",
                &root().join("fixtures/labs").display().to_string(),
            ],
        )
    }

    #[test]
    fn an_act_before_the_step_it_follows_waits_and_an_independent_one_does_not() {
        // Each step is a `docker top`, which Podman does not record.
        if on_podman() {
            return;
        }
        let mut e = Engine::lock();
        for c in ["dkt-ord-a", "dkt-ord-b", "dkt-ord-c"] {
            e.run(c, &["run", "-dit", "--name", c, "diamol/base"]);
        }
        // Backwards: c, then b, then a.
        docker(&["container", "top", "dkt-ord-c"]);
        docker(&["container", "top", "dkt-ord-b"]);
        let r = check(&e);
        assert_steps(&r, &[("top-a", false), ("top-b", false), ("top-c", true)]);
        assert_observed(&r, "top-b", "top-a");
        docker(&["container", "top", "dkt-ord-a"]);
        let r = check(&e);
        assert_steps(&r, &[("top-a", true), ("top-b", false), ("top-c", true)]);
        // b's `top` was before a's: it says so, and a new one counts.
        assert_observed(&r, "top-b", "before");
        docker(&["container", "top", "dkt-ord-b"]);
        let r = check(&e);
        assert_steps(&r, &[("top-a", true), ("top-b", true), ("top-c", true)]);
    }

    /// With no start recorded and no `--since`, a removal in the engine's history does not
    /// pass `remove` while nothing the steps before it accepted exists.
    #[test]
    fn old_history_without_a_start_passes_no_act() {
        let mut e = Engine::lock();
        e.run(
            "dkt-old",
            &["run", "-d", "--name", "dkt-old", "-p", "8088:80", WEB],
        );
        wait_running("dkt-old");
        let _ = curl("http://localhost:8088");
        docker(&["rm", "-f", "dkt-old"]);
        let r = e.check_fresh("published-web", &[]);
        assert_steps(
            &r,
            &[
                ("run-detached", false),
                ("browse", false),
                ("remove", false),
            ],
        );
    }
}
