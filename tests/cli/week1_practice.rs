//! The week-1 course's practice problems (004 §5.1–5.3), `week1-practice`, a challenge lab:
//! an `--rm -it` Ubuntu shell typed into in a real terminal (it passes only once the shell
//! is left and gone, and only while docklings watches), Apache from its run to its stop and
//! removal, and the prune of problem 3 — independent of the others, and pruned here only by
//! a label of the test's own, since the engine holds other tests' images. The book's way
//! and the typical mistakes, each with its verdicts and a piece of its message.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::Duration;

use crate::harness::{
    Engine, Test, Tmux, assert_observed, assert_steps, bin, curl, docker, docker_fails, wait_state,
};

const LAB: &str = "week1-practice";
const ALL: [&str; 5] = [
    "ubuntu-rm",
    "apache-run",
    "apache-browse",
    "apache-remove",
    "prune",
];

/// The label this file's prunes are limited to: nothing else on the engine carries it.
const LABEL: &str = "docklings-test=week1-practice";

/// `--filter label=…` for [`LABEL`].
fn by_label() -> String {
    format!("label={LABEL}")
}

/// `watch week1-practice --format jsonl` in a data folder of its own, killed when dropped;
/// its lines arrive through a thread, so a missing line fails the test instead of hanging it.
struct Watch {
    child: Child,
    lines: Receiver<String>,
    home: tempfile::TempDir,
}

impl Watch {
    fn start(since: &str) -> Watch {
        let home = tempfile::tempdir().expect("temp home");
        let mut child = Command::new(bin())
            .args(["watch", LAB, "--format", "jsonl", "--since", since])
            .env("DOCKLINGS_HOME", home.path())
            .env("LANG", "en_US.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("DOCKLINGS_LABS")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .stdin(Stdio::null())
            .spawn()
            .expect("watch");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for l in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        let w = Watch { child, lines, home };
        // The first verdicts, one per step: nothing done yet.
        for _ in ALL {
            let (step, passed) = w.next();
            assert!(!passed, "{step} passed before anything was done");
        }
        w
    }

    /// The next verdict change: (step, passed).
    #[track_caller]
    fn next(&self) -> (String, bool) {
        let l = self
            .lines
            .recv_timeout(Duration::from_secs(20))
            .expect("a line from watch within 20 s");
        let v: serde_json::Value =
            serde_json::from_str(&l).unwrap_or_else(|_| panic!("not JSON: {l}"));
        (
            v["step"].as_str().unwrap_or("").to_owned(),
            v["passed"].as_bool().unwrap_or(false),
        )
    }

    /// Nothing changes for a while after `what`.
    #[track_caller]
    fn quiet(&self, what: &str) {
        if let Ok(l) = self.lines.recv_timeout(Duration::from_millis(1500)) {
            panic!("after {what}, watch printed {l}");
        }
    }

    /// `check` in the watcher's data folder: what it saw is recorded there.
    #[track_caller]
    fn check(&self, since: &str) -> serde_json::Value {
        let out = Test::new()
            .env("DOCKLINGS_HOME", &self.home.path().to_string_lossy())
            .args(&["check", LAB, "--format", "json", "--since", since])
            .run();
        assert!(out.code == 0 || out.code == 1, "check: {}", out.stderr);
        out.json()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

mod problem_1 {
    use super::*;

    /// 004 §5.1 as the book has it, in a real terminal with docklings watching: `run --rm
    /// -it ubuntu bash`, `ls -l /` at its prompt, `exit`. The step stays red through the
    /// shell and the listing, turns green only once the shell is left and the container
    /// gone, and stays green for a later `check` that can no longer see any of it.
    #[test]
    fn rm_it_ls_and_exit_pass_only_after_exit() {
        let mut e = Engine::lock();
        let w = Watch::start(&e.since);
        e.track_container("w1p-ub1");
        let t = Tmux::start(
            "dkt-w1p-ub1",
            "docker run --rm -it --name w1p-ub1 ubuntu bash; sleep 30",
        );
        t.wait_for(":/#");
        w.quiet("the shell opened");
        t.keys("ls -l /");
        t.keys("Enter");
        t.wait_for("total");
        w.quiet("ls -l / (the shell is still open)");
        t.keys("exit");
        t.keys("Enter");
        assert_eq!(w.next(), ("ubuntu-rm".to_owned(), true));
        wait_state("w1p-ub1", "");
        // Gone with its output; what the watcher saw is recorded and counts.
        let r = w.check(&e.since);
        assert_steps(
            &r,
            &[
                ("ubuntu-rm", true),
                ("apache-run", false),
                ("apache-browse", false),
                ("apache-remove", false),
                ("prune", false),
            ],
        );
    }

    /// `-it` without `--rm`: the shell works, but it is not the problem's answer, and the
    /// message says `--rm`. After `ls -l /` and `exit` it stays behind, exited, and the
    /// step stays red.
    #[test]
    fn it_without_rm_stays_red_and_says_rm() {
        let mut e = Engine::lock();
        let w = Watch::start(&e.since);
        e.track_container("w1p-ub2");
        let t = Tmux::start(
            "dkt-w1p-ub2",
            "docker run -it --name w1p-ub2 ubuntu bash; sleep 30",
        );
        t.wait_for(":/#");
        let r = e.check(LAB);
        assert_steps(&r, &[("ubuntu-rm", false)]);
        assert_observed(&r, "ubuntu-rm", "`w1p-ub2` was started without `--rm`");
        assert_observed(
            &r,
            "ubuntu-rm",
            "run without automatic removal stays after `exit`",
        );
        t.keys("ls -l /");
        t.keys("Enter");
        t.wait_for("total");
        t.keys("exit");
        t.keys("Enter");
        wait_state("w1p-ub2", "exited");
        w.quiet("exit from a shell run without --rm");
        let r = w.check(&e.since);
        assert_steps(&r, &[("ubuntu-rm", false)]);
        assert_observed(&r, "ubuntu-rm", "set to be removed when it ends");
        assert_observed(&r, "ubuntu-rm", "`w1p-ub2` is exited");
    }
}

mod problem_2 {
    use super::*;

    fn run_apache(e: &mut Engine, port: &str) {
        let publish = format!("{port}:80");
        e.run(
            "my-apache-server",
            &[
                "run",
                "-d",
                "-p",
                &publish,
                "--name",
                "my-apache-server",
                "httpd",
            ],
        );
    }

    /// 004 §5.2 step by step: `run -d -p 8081:80 --name my-apache-server httpd`, the
    /// learner's own request for "It works!", `stop`, then `rm`. Each step turns green only
    /// after its own act; problems 1 and 3 stay red.
    #[test]
    fn the_books_way_step_by_step() {
        let mut e = Engine::lock();
        let r = e.check(LAB);
        assert_steps(&r, &ALL.map(|s| (s, false)));

        run_apache(&mut e, "8081");
        // docklings' own probe sees the page; the learner has not asked for it yet.
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[
                ("apache-run", true),
                ("apache-browse", false),
                ("apache-remove", false),
            ],
        );
        assert_observed(&r, "apache-browse", "no request of yours");

        let page = curl("http://localhost:8081");
        assert!(page.contains("It works!"), "{page}");
        // Logged in Apache's common format.
        let log = docker(&["logs", "my-apache-server"]);
        assert!(log.contains("\"GET / HTTP/1.1\" 200"), "{log}");
        let r = e.check(LAB);
        assert_steps(&r, &[("apache-browse", true), ("apache-remove", false)]);

        docker(&["stop", "my-apache-server"]);
        let r = e.check(LAB);
        assert_steps(&r, &[("apache-remove", false)]);
        assert_observed(&r, "apache-remove", "was stopped but has not been removed");

        docker(&["rm", "my-apache-server"]);
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[
                ("ubuntu-rm", false),
                ("apache-run", true),
                ("apache-browse", true),
                ("apache-remove", true),
                ("prune", false),
            ],
        );
    }

    /// Apache on 8080 instead of 8081: `apache-run` names the port it found and says which
    /// way round `-p` goes; browsing waits for it.
    #[test]
    fn the_wrong_port_is_named() {
        let mut e = Engine::lock();
        run_apache(&mut e, "8080");
        let r = e.check(LAB);
        assert_steps(&r, &[("apache-run", false), ("apache-browse", false)]);
        assert_observed(
            &r,
            "apache-run",
            "`my-apache-server` publishes 80/tcp on 8080, not 8081",
        );
        assert_observed(&r, "apache-run", "the host's port comes first");
        assert_observed(&r, "apache-browse", "Do `apache-run` first");
    }

    /// `rm` of a running container is refused; `rm -f` removes it without the stop the
    /// problem asks for and does not pass (see the comment at `apache-remove`). Run again,
    /// `stop`, `rm`: it passes.
    #[test]
    fn rm_f_is_not_stop_then_rm() {
        let mut e = Engine::lock();
        run_apache(&mut e, "8081");
        curl("http://localhost:8081");
        let r = e.check(LAB);
        assert_steps(&r, &[("apache-browse", true), ("apache-remove", false)]);

        let err = docker_fails(&["rm", "my-apache-server"]);
        assert!(err.contains("running"), "{err}");
        let r = e.check(LAB);
        assert_steps(&r, &[("apache-remove", false)]);

        docker(&["rm", "-f", "my-apache-server"]);
        let r = e.check(LAB);
        assert_steps(&r, &[("apache-run", true), ("apache-remove", false)]);
        assert_observed(&r, "apache-remove", "no `stop` event since the lab started");
        assert_observed(
            &r,
            "apache-remove",
            "A forced removal (`docker rm -f`) and `docker kill` kill it",
        );

        // As the message says: run it again, stop it, remove it.
        run_apache(&mut e, "8081");
        docker(&["stop", "my-apache-server"]);
        docker(&["rm", "my-apache-server"]);
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[
                ("apache-run", true),
                ("apache-browse", true),
                ("apache-remove", true),
            ],
        );
    }
}

mod problem_3 {
    use super::*;

    /// A stopped container and an unused network, both carrying [`LABEL`]: what the
    /// test's prunes may remove.
    fn make_unused(e: &mut Engine) {
        e.track_container("w1p-stopped");
        docker(&["create", "--label", LABEL, "--name", "w1p-stopped", "httpd"]);
        e.track_network("w1p-unused");
        docker(&["network", "create", "--label", LABEL, "w1p-unused"]);
    }

    /// Problem 3 done first, with the scoped prunes: the step names what is left and which
    /// prune is missing until all three ran; then problem 2 still counts after it.
    #[test]
    fn first_scoped_only_container_prune_stays_red() {
        let mut e = Engine::lock();
        make_unused(&mut e);
        let r = e.check(LAB);
        assert_steps(&r, &ALL.map(|s| (s, false)));
        assert_observed(
            &r,
            "prune",
            "1 stopped container(s) left: `w1p-stopped (httpd)`",
        );
        assert_observed(&r, "prune", "1 unused network(s) left: `w1p-unused`");

        // Only the containers: the network remains, and no network or image prune is on
        // record.
        let filter = by_label();
        docker(&["container", "prune", "-f", "--filter", &filter]);
        let r = e.check(LAB);
        assert_steps(&r, &[("prune", false)]);
        assert_observed(&r, "prune", "1 unused network(s) left: `w1p-unused`");
        assert_observed(&r, "prune", "no record of a network prune");
        assert_observed(&r, "prune", "no record of an image prune");
        assert!(
            !crate::harness::observed(&r, "prune").contains("stopped container(s) left"),
            "the container prune removed w1p-stopped"
        );

        docker(&["network", "prune", "-f", "--filter", &filter]);
        docker(&["image", "prune", "-f", "--filter", &filter]);
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[
                ("ubuntu-rm", false),
                ("apache-run", false),
                ("apache-browse", false),
                ("apache-remove", false),
                ("prune", true),
            ],
        );

        // Problem 2 after problem 3: independent, it counts from the lab's start.
        e.run(
            "my-apache-server",
            &[
                "run",
                "-d",
                "-p",
                "8081:80",
                "--name",
                "my-apache-server",
                "httpd",
            ],
        );
        let r = e.check(LAB);
        assert_steps(&r, &[("apache-run", true), ("prune", true)]);
    }

    /// `docker system prune` (the course's command, here without `-a --volumes` and
    /// limited to the test's label) records all three prunes at once: accepted as well.
    #[test]
    fn system_prune_is_accepted_too() {
        let mut e = Engine::lock();
        make_unused(&mut e);
        let r = e.check(LAB);
        assert_steps(&r, &[("prune", false)]);
        assert_observed(&r, "prune", "no record of a container prune");
        docker(&["system", "prune", "-f", "--filter", &by_label()]);
        let r = e.check(LAB);
        assert_steps(&r, &[("prune", true), ("ubuntu-rm", false)]);
    }
}
