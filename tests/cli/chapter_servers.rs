//! The server examples of section 3.2.2 (`test-mysql`, `nginx-server`) against the real
//! engine: the book's way passes step by step, in order; the chapter's typical mistakes
//! fail at the right step, and the message names the difference.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::harness::{
    Engine, Tmux, assert_observed, assert_steps, curl, docker, docker_ok, wait_state,
};

mod test_mysql {
    use super::*;

    const LAB: &str = "test-mysql";
    const ALL: [&str; 6] = [
        "run-shell",
        "exit",
        "start-again",
        "exec-shell",
        "stop",
        "remove",
    ];

    /// `docker run -it --name test-mysql mysql /bin/bash` in a terminal, then `exit` typed
    /// at its prompt: the first two steps, done as the book does them.
    fn run_and_exit(e: &mut Engine, session: &str) -> Tmux {
        e.track_container("test-mysql");
        let t = Tmux::start(
            session,
            "docker run -it --name test-mysql mysql /bin/bash; sleep 60",
        );
        t.wait_for("bash-");
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[("run-shell", true), ("exit", false), ("start-again", false)],
        );
        assert_observed(&r, "exit", "no `die` event");
        // Skipping `exit` lets `start-again` count from `run-shell`: the run's own start
        // must not pass it.
        assert_observed(&r, "start-again", "has not stopped since the first step");
        t.keys("exit");
        t.keys("Enter");
        wait_state("test-mysql", "exited");
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[("run-shell", true), ("exit", true), ("start-again", false)],
        );
        t
    }

    /// The book's way, every command as it prints it: run with a shell, `exit`, `start`,
    /// `exec` from a second terminal, `stop`, `rm`.
    #[test]
    fn the_books_way_step_by_step() {
        let mut e = Engine::lock();
        let r = e.check(LAB);
        assert_steps(&r, &ALL.map(|s| (s, false)));
        let _shell = run_and_exit(&mut e, "dkt-my-book");
        let r = e.check(LAB);
        // The `start` of the first `run` is no start *again*.
        assert_steps(&r, &[("exit", true), ("start-again", false)]);
        assert_observed(&r, "start-again", "starting again after its shell exited");

        // `docker start` prints the name and returns: no shell, the container runs.
        assert_eq!(docker(&["start", "test-mysql"]), "test-mysql");
        let r = e.check(LAB);
        assert_steps(&r, &[("start-again", true), ("exec-shell", false)]);

        let exec = Tmux::start(
            "dkt-my-book-exec",
            "docker exec -it test-mysql /bin/bash; sleep 60",
        );
        exec.wait_for("bash-");
        // The chapter's `mysql -u root -p`: no server runs here, as the lab explains.
        exec.keys("mysql -u root -p");
        exec.keys("Enter");
        exec.wait_for("Enter password:");
        exec.keys("Enter");
        exec.wait_for("ERROR 2002 (HY000): Can't connect to local MySQL server");
        exec.keys("exit");
        exec.keys("Enter");
        // Leaving the exec'd shell leaves the container running.
        std::thread::sleep(Duration::from_millis(500));
        wait_state("test-mysql", "running");
        let r = e.check(LAB);
        assert_steps(&r, &[("exec-shell", true), ("stop", false)]);

        // bash as PID 1 ignores SIGTERM: `stop` waits, then kills (137), as the lab says
        // (`-t 2` instead of the default 10 s, to keep the test short).
        docker(&["stop", "-t", "2", "test-mysql"]);
        assert_eq!(
            docker(&["inspect", "-f", "{{.State.ExitCode}}", "test-mysql"]),
            "137"
        );
        let r = e.check(LAB);
        assert_steps(&r, &[("stop", true), ("remove", false)]);

        docker(&["rm", "test-mysql"]);
        let r = e.check(LAB);
        assert_steps(&r, &ALL.map(|s| (s, true)));
    }

    /// Without `-it` bash has no input and ends at once.
    #[test]
    fn without_it_the_shell_ends_at_once() {
        let mut e = Engine::lock();
        e.run(
            "test-mysql",
            &["run", "--name", "test-mysql", "mysql", "/bin/bash"],
        );
        let r = e.check(LAB);
        assert_steps(&r, &[("run-shell", false), ("exit", false)]);
        assert_observed(&r, "run-shell", "is exited (0");
        assert_observed(&r, "run-shell", "`-t`/`--tty`");
        assert_observed(&r, "run-shell", "`-i`/`--interactive`");
        assert_observed(&r, "run-shell", "Without `-it`, bash has no input");
    }

    /// Without `/bin/bash` the image's own command runs: mysqld, which stops at once for
    /// want of a password.
    #[test]
    fn without_bin_bash_the_server_starts_and_stops() {
        let mut e = Engine::lock();
        e.run(
            "test-mysql",
            &["run", "-dit", "--name", "test-mysql", "mysql"],
        );
        wait_state("test-mysql", "exited");
        let r = e.check(LAB);
        assert_steps(&r, &[("run-shell", false)]);
        assert_observed(&r, "run-shell", "is exited (1");
        assert_observed(&r, "run-shell", "without `/bin/bash` after the image name");
    }

    /// With a password the server keeps running with a terminal: `run-shell` cannot tell
    /// it from a shell (no check reads the container's command), but leaving it is not
    /// leaving a shell: `exit` fails and says why.
    #[test]
    fn the_server_instead_of_a_shell_fails_at_exit() {
        let mut e = Engine::lock();
        e.run(
            "test-mysql",
            &[
                "run",
                "-dit",
                "--name",
                "test-mysql",
                "-e",
                "MYSQL_ROOT_PASSWORD=my-secret-pw",
                "mysql",
            ],
        );
        let r = e.check(LAB);
        assert_steps(&r, &[("run-shell", true), ("exit", false)]);
        docker(&["stop", "test-mysql"]);
        let r = e.check(LAB);
        assert_steps(&r, &[("exit", false)]);
        assert_observed(&r, "exit", "shows no `/bash-");
        assert_observed(&r, "exit", "it ran the MySQL server, not a shell");
    }

    /// `docker start -ai` is the way back into the shell: it starts the container too.
    #[test]
    fn start_ai_counts_and_brings_the_shell_back() {
        let mut e = Engine::lock();
        let _shell = run_and_exit(&mut e, "dkt-my-ai");
        let back = Tmux::start("dkt-my-ai-again", "docker start -ai test-mysql; sleep 60");
        back.keys("Enter");
        back.wait_for("bash-");
        let r = e.check(LAB);
        assert_steps(&r, &[("exit", true), ("start-again", true)]);
    }

    /// `exec` into a stopped container is refused and leaves no record; the step says to
    /// start it first.
    #[test]
    fn exec_before_start_is_refused() {
        let mut e = Engine::lock();
        let _shell = run_and_exit(&mut e, "dkt-my-exec");
        assert!(!docker_ok(&[
            "exec",
            "test-mysql",
            "/bin/bash",
            "-c",
            "true"
        ]));
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[
                ("exit", true),
                ("start-again", false),
                ("exec-shell", false),
            ],
        );
        assert_observed(&r, "exec-shell", "works only in a running container");
    }

    /// `kill` is not `stop`: SIGKILL at once, no `stop` on record. `rm` of a running
    /// container is refused; `rm -f` removes it without a stop.
    #[test]
    fn kill_and_rm_are_not_stop() {
        let mut e = Engine::lock();
        let _shell = run_and_exit(&mut e, "dkt-my-kill");
        docker(&["start", "test-mysql"]);
        docker(&["exec", "test-mysql", "/bin/bash", "-c", "true"]);
        let r = e.check(LAB);
        assert_steps(&r, &[("exec-shell", true), ("stop", false)]);
        docker(&["kill", "test-mysql"]);
        let r = e.check(LAB);
        assert_steps(&r, &[("stop", false)]);
        assert_observed(
            &r,
            "stop",
            "`docker kill`, which sends SIGKILL without waiting",
        );

        docker(&["start", "test-mysql"]);
        // The chapter's `rm` where it means to stop: refused while it runs.
        assert!(!docker_ok(&["rm", "test-mysql"]));
        let r = e.check(LAB);
        assert_steps(&r, &[("stop", false), ("remove", false)]);
        docker(&["rm", "-f", "test-mysql"]);
        let r = e.check(LAB);
        assert_steps(&r, &[("stop", false)]);
        assert_observed(&r, "stop", "no record of `docker stop` on `test-mysql`");
    }
}

mod nginx_server {
    use super::*;

    const LAB: &str = "nginx-server";

    /// The client address of the learner's own request, read off the access log as the
    /// `logs` step asks (not docklings' probes).
    fn client_of_curl(name: &str) -> String {
        let out = Command::new("docker")
            .args(["logs", name])
            .stdin(Stdio::null())
            .output()
            .expect("docker logs");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.lines()
            .rfind(|l| l.contains("\"curl/") && !l.contains("docklings-probe"))
            .and_then(|l| l.split_whitespace().next())
            .unwrap_or_else(|| panic!("no curl line in the log of {name}:\n{text}"))
            .to_owned()
    }

    /// The book's way: `pull` (present), `run`, the learner's own `curl`, and the client
    /// address read from `docker logs`.
    #[test]
    fn the_books_way_step_by_step() {
        let mut e = Engine::lock();
        let r = e.check(LAB);
        // The image is there (Engine::lock made sure): `pull` holds already.
        assert_steps(
            &r,
            &[
                ("pull", true),
                ("run", false),
                ("curl", false),
                ("logs", false),
            ],
        );
        e.run(
            "nginx-server",
            &[
                "run",
                "--name",
                "nginx-server",
                "-d",
                "-p",
                "8001:80",
                "nginx:1.18",
            ],
        );
        // docklings' own probe sees the page; the learner has not asked for it yet.
        let r = e.check(LAB);
        assert_steps(&r, &[("run", true), ("curl", false)]);
        assert_observed(&r, "curl", "no request of yours");

        let page = curl("http://localhost:8001");
        assert!(page.contains("Welcome to nginx!"), "{page}");
        let r = e.check(LAB);
        assert_steps(&r, &[("curl", true), ("logs", false)]);
        assert_observed(&r, "logs", "no answer");

        let r = e.check_with(LAB, &["--answer", "logs=127.0.0.1"]);
        assert_steps(&r, &[("logs", false)]);
        assert_observed(&r, "logs", "`127.0.0.1` does not match");
        assert_observed(&r, "logs", "the address at its very start");

        let client = client_of_curl("nginx-server");
        let answer = format!("logs={client}");
        let r = e.check_with(LAB, &["--answer", &answer]);
        assert_steps(
            &r,
            &[
                ("pull", true),
                ("run", true),
                ("curl", true),
                ("logs", true),
            ],
        );
    }

    #[test]
    fn wrong_host_port_is_named() {
        let mut e = Engine::lock();
        e.run(
            "nginx-server",
            &[
                "run",
                "--name",
                "nginx-server",
                "-d",
                "-p",
                "8002:80",
                "nginx:1.18",
            ],
        );
        let r = e.check(LAB);
        assert_steps(&r, &[("run", false), ("curl", false)]);
        assert_observed(
            &r,
            "run",
            "`nginx-server` publishes 80/tcp on 8002, not 8001",
        );
        assert_observed(&r, "curl", "no container publishes port 8001");
    }

    #[test]
    fn wrong_name_is_named() {
        let mut e = Engine::lock();
        e.run(
            "nginx_server",
            &[
                "run",
                "--name",
                "nginx_server",
                "-d",
                "-p",
                "8001:80",
                "nginx:1.18",
            ],
        );
        let r = e.check(LAB);
        assert_steps(&r, &[("run", false)]);
        assert_observed(
            &r,
            "run",
            "no container with image `nginx:1.18`, name `nginx-server`",
        );
        assert_observed(&r, "run", "found `nginx_server` (nginx:1.18");
    }

    /// No `--name`: Docker picks one, and the step says which.
    #[test]
    fn no_name_at_all_is_named() {
        let mut e = Engine::lock();
        let id = docker(&["run", "-d", "-p", "8001:80", "nginx:1.18"]);
        e.track_container(&id);
        let name = docker(&["inspect", "-f", "{{.Name}}", &id]);
        let r = e.check(LAB);
        assert_steps(&r, &[("run", false)]);
        assert_observed(
            &r,
            "run",
            "Without `--name nginx-server`, Docker picks a random name",
        );
        assert_observed(
            &r,
            "run",
            &format!("found `{}`", name.trim_start_matches('/')),
        );
    }

    /// `nginx` is `nginx:latest`, another image than `nginx:1.18`.
    #[test]
    fn latest_is_not_1_18() {
        let mut e = Engine::lock();
        let latest = docker(&["image", "inspect", "-f", "{{.Id}}", "nginx"]);
        let pinned = docker(&["image", "inspect", "-f", "{{.Id}}", "nginx:1.18"]);
        assert_ne!(
            latest, pinned,
            "`nginx` and `nginx:1.18` are one image here: no check can tell the tags apart \
             (the stand-ins must build each tag as its own image)"
        );
        e.run(
            "nginx-server",
            &[
                "run",
                "--name",
                "nginx-server",
                "-d",
                "-p",
                "8001:80",
                "nginx",
            ],
        );
        let r = e.check(LAB);
        assert_steps(&r, &[("run", false)]);
        assert_observed(&r, "run", "no container with image `nginx:1.18`");
        assert_observed(&r, "run", "found `nginx-server` (nginx,");
    }

    #[test]
    fn attached_instead_of_detached() {
        let mut e = Engine::lock();
        e.track_container("nginx-server");
        let mut child = Command::new("docker")
            .args([
                "run",
                "--name",
                "nginx-server",
                "-p",
                "8001:80",
                "nginx:1.18",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("docker run");
        wait_state("nginx-server", "running");
        let r = e.check(LAB);
        assert_steps(&r, &[("run", false)]);
        assert_observed(&r, "run", "add `-d`/`--detach`");
        docker(&["rm", "-f", "nginx-server"]);
        let _ = child.wait();
    }
}
