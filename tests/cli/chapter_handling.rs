//! Working with containers (002 §2.1–2.4, 003 §3.2.2): `my-centos` (a named `-it` shell,
//! `docker commit`, the IP from `inspect`, `docker exec -it` from a second terminal) and
//! `container-test1` (`create`, `start`, `attach` then `exit`, `rm`, and the same with one
//! `run`), against the real engine, with the interactive parts in real terminals (tmux).
//! The book's way passes every step in turn; each typical mistake fails at the right step,
//! and the message names the difference.

use crate::harness::{
    Engine, Tmux, assert_observed, assert_steps, docker, docker_fails, docker_ok, observed, state,
    wait_state,
};

mod my_centos {
    use super::*;

    const LAB: &str = "my-centos";
    const IMAGE: &str = "my-centos:0.1";

    /// The lab is about making `my-centos:0.1` (and a wrong try makes `my-centos:latest`):
    /// whatever happens, the test removes the image it committed. Declared after the
    /// [`Engine`], so it is dropped first, while the engine is still ours.
    struct RemoveImage(&'static str);

    impl Drop for RemoveImage {
        fn drop(&mut self) {
            let _ = docker_ok(&["rmi", self.0]);
        }
    }

    fn ip(name: &str) -> String {
        docker(&[
            "inspect",
            "-f",
            "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
            name,
        ])
    }

    /// The book's way, with the notes' mistakes fixed: `run -it` in one terminal, `commit`
    /// and `inspect` from the host, `exec -it` in a second terminal, `tty` and `ps ax`
    /// there. Every step passes in turn, and stays passed once both shells have exited.
    #[test]
    fn the_books_way_in_two_terminals() {
        let mut e = Engine::lock();
        let _image = RemoveImage(IMAGE);
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[
                ("run-named", false),
                ("commit", false),
                ("inspect-ip", false),
                ("exec-second-terminal", false),
            ],
        );
        e.track_container("centos");
        let first = Tmux::start(
            "dkt-centos-1",
            "docker run -it --name centos centos:7 bash; sleep 30",
        );
        first.wait_for("]#");
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[
                ("run-named", true),
                ("commit", false),
                ("inspect-ip", false),
                ("exec-second-terminal", false),
            ],
        );
        assert_observed(&r, "commit", "no `commit` event");

        let out = docker(&["commit", "centos", IMAGE]);
        assert!(out.starts_with("sha256:"), "{out}");
        let answer = format!("inspect-ip={}", ip("centos"));
        let r = e.check_with(LAB, &["--answer", &answer]);
        assert_steps(
            &r,
            &[
                ("run-named", true),
                ("commit", true),
                ("inspect-ip", true),
                ("exec-second-terminal", false),
            ],
        );

        let second = Tmux::start("dkt-centos-2", "docker exec -it centos bash; sleep 30");
        second.wait_for("]#");
        second.keys("tty");
        second.keys("Enter");
        second.wait_for("/dev/pts/1");
        second.keys("ps ax");
        second.keys("Enter");
        let r = e.check_with(LAB, &["--answer", &answer]);
        assert_steps(&r, &[("exec-second-terminal", true)]);
        assert_eq!(r["passed"], true, "{r}");

        // Both shells end; the container stops. What was checked stays passed.
        second.keys("exit");
        second.keys("Enter");
        first.keys("exit");
        first.keys("Enter");
        wait_state("centos", "exited");
        let r = e.check_with(LAB, &["--answer", &answer]);
        assert_eq!(r["passed"], true, "{r}");
    }

    /// The notes' `docker run --name centos centos:7 bash` has no `-it`: bash ends at once.
    /// `run-named` says why; the commit of that exited container still counts.
    #[test]
    fn without_it_bash_exits_at_once_yet_its_commit_counts() {
        let mut e = Engine::lock();
        let _image = RemoveImage(IMAGE);
        e.run("centos", &["run", "--name", "centos", "centos:7", "bash"]);
        let r = e.check(LAB);
        assert_steps(&r, &[("run-named", false), ("commit", false)]);
        let o = observed(&r, "run-named");
        assert!(o.contains("`centos` is exited (0"), "{o}");
        assert!(o.contains("`-t`/`--tty`"), "{o}");
        assert!(o.contains("`-i`/`--interactive`"), "{o}");
        assert!(o.contains("remove it with `docker rm centos`"), "{o}");

        docker(&["commit", "centos", IMAGE]);
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[
                ("run-named", false),
                ("commit", true),
                ("exec-second-terminal", false),
            ],
        );
        // The second shell needs the running `-it` container first.
        assert_observed(&r, "exec-second-terminal", "Do `run-named` first");
        assert_observed(&r, "inspect-ip", "Do `run-named` first");

        // The fix the message gives: remove it, run it again with `-it`.
        docker(&["rm", "centos"]);
        e.run(
            "centos",
            &["run", "-dit", "--name", "centos", "centos:7", "bash"],
        );
        let r = e.check(LAB);
        assert_steps(&r, &[("run-named", true), ("commit", true)]);
    }

    /// Without its tag the image is `my-centos:latest`, not the `my-centos:0.1` asked for.
    #[test]
    fn a_commit_without_the_tag_makes_latest() {
        let mut e = Engine::lock();
        let _image = RemoveImage(IMAGE);
        let _latest = RemoveImage("my-centos:latest");
        e.run(
            "centos",
            &["run", "-dit", "--name", "centos", "centos:7", "bash"],
        );
        docker(&["commit", "centos", "my-centos"]);
        let r = e.check(LAB);
        assert_steps(&r, &[("run-named", true), ("commit", false)]);
        assert_observed(&r, "commit", "no image `my-centos:0.1`");
        assert_observed(&r, "commit", "`docker images my-centos` shows which tags");
        // The hint's fix: add the tag.
        docker(&["tag", "my-centos", IMAGE]);
        let r = e.check(LAB);
        assert_steps(&r, &[("commit", true)]);
    }

    /// A container named `centos` from another image is not the `centos:7` one.
    #[test]
    fn a_centos_named_container_of_another_image_does_not_count() {
        let mut e = Engine::lock();
        e.run(
            "centos",
            &["run", "-dit", "--name", "centos", "ubuntu:14.04", "bash"],
        );
        let r = e.check(LAB);
        assert_steps(&r, &[("run-named", false)]);
        let o = observed(&r, "run-named");
        assert!(o.contains("`centos:7`"), "{o}");
        assert!(o.contains("`centos` (ubuntu:14.04"), "{o}");
    }

    /// `docker exec centos bash` without `-it`: bash has nothing to read and ends at once,
    /// so no second terminal is open, and the step says so.
    #[test]
    fn exec_without_it_ends_at_once() {
        let mut e = Engine::lock();
        e.run(
            "centos",
            &["run", "-dit", "--name", "centos", "centos:7", "bash"],
        );
        let r = e.check(LAB);
        assert_steps(&r, &[("run-named", true), ("exec-second-terminal", false)]);
        assert_observed(&r, "exec-second-terminal", "no `exec_start` event");
        docker(&["exec", "centos", "bash"]);
        let r = e.check(LAB);
        assert_steps(&r, &[("exec-second-terminal", false)]);
        let o = observed(&r, "exec-second-terminal");
        assert!(o.contains("second pseudo-terminal (`/dev/pts/1`)"), "{o}");
        assert!(o.contains("/dev/pts/1: No such file or directory"), "{o}");
        // Only a shell that is there counts: `exec -it`, kept open.
        let second = Tmux::start("dkt-centos-3", "docker exec -it centos bash; sleep 30");
        second.wait_for("]#");
        let r = e.check(LAB);
        assert_steps(&r, &[("exec-second-terminal", true)]);
    }

    #[test]
    fn a_wrong_ip_is_not_accepted() {
        let mut e = Engine::lock();
        e.run(
            "centos",
            &["run", "-dit", "--name", "centos", "centos:7", "bash"],
        );
        let r = e.check_with(LAB, &["--answer", "inspect-ip=10.9.8.7"]);
        assert_steps(&r, &[("run-named", true), ("inspect-ip", false)]);
        assert_observed(&r, "inspect-ip", "`10.9.8.7`");
        let answer = format!("inspect-ip={}", ip("centos"));
        let r = e.check_with(LAB, &["--answer", &answer]);
        assert_steps(&r, &[("inspect-ip", true)]);
    }
}

mod container_test1 {
    use super::*;

    const LAB: &str = "container-test1";
    const NAME: &str = "container-test1";

    /// `docker create -it --name container-test1 ubuntu:14.04`, as the chapter types it.
    fn create(e: &mut Engine) {
        e.run(NAME, &["create", "-it", "--name", NAME, "ubuntu:14.04"]);
    }

    /// Attach from a second, real terminal and leave with `exit`.
    fn attach_and_exit(session: &str) {
        let t = Tmux::start(session, "docker attach container-test1; sleep 30");
        // The CLI sets the terminal's size as it attaches, and bash redraws its prompt;
        // Enter makes sure of it.
        t.keys("Enter");
        t.wait_for(":/#");
        t.keys("exit");
        t.keys("Enter");
        wait_state(NAME, "exited");
    }

    /// The chapter's sequence, checked after each command as `docklings start` would:
    /// create (Created), start, attach in a second terminal and `exit`, `rm`, then the same
    /// with one `docker run -it`, exited and removed.
    #[test]
    fn the_books_way_with_attach_in_a_second_terminal() {
        let mut e = Engine::lock();
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[
                ("create", false),
                ("start", false),
                ("attach", false),
                ("remove", false),
                ("run-instead", false),
            ],
        );
        create(&mut e);
        let r = e.check(LAB);
        assert_steps(&r, &[("create", true), ("start", false)]);
        assert_observed(&r, "start", "no `start` event");

        assert_eq!(docker(&["start", NAME]), NAME);
        let r = e.check(LAB);
        assert_steps(&r, &[("create", true), ("start", true), ("attach", false)]);
        // `start` did not attach: the attach is still to do.
        assert_observed(&r, "attach", "no `attach` event");

        attach_and_exit("dkt-ct1-attach");
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[
                ("create", true),
                ("start", true),
                ("attach", true),
                ("remove", false),
            ],
        );
        assert_observed(&r, "remove", "still there: `container-test1` (exited");

        docker(&["rm", NAME]);
        let r = e.check(LAB);
        assert_steps(&r, &[("remove", true), ("run-instead", false)]);
        assert_observed(&r, "run-instead", "before `remove` passed");

        let t = Tmux::start(
            "dkt-ct1-run",
            "docker run -it --name container-test1 ubuntu:14.04 bash; sleep 30",
        );
        t.wait_for(":/#");
        let r = e.check(LAB);
        assert_steps(&r, &[("run-instead", false)]);
        assert_observed(&r, "run-instead", "still there: `container-test1` (running");
        t.keys("exit");
        t.keys("Enter");
        wait_state(NAME, "exited");
        docker(&["rm", NAME]);
        let r = e.check(LAB);
        assert_eq!(r["passed"], true, "{r}");
    }

    /// `run` instead of `create`: the container starts at once and is never `Created`.
    #[test]
    fn run_instead_of_create_is_never_created() {
        let mut e = Engine::lock();
        e.run(NAME, &["run", "-dit", "--name", NAME, "ubuntu:14.04"]);
        let r = e.check(LAB);
        assert_steps(&r, &[("create", false), ("start", false)]);
        assert_observed(&r, "create", "`container-test1` is running, not created");
        assert_observed(&r, "create", "If you made it with `docker run`");
    }

    /// Without `-it`, `create` makes a bash that will have no terminal and no input.
    #[test]
    fn create_without_it() {
        let mut e = Engine::lock();
        e.run(NAME, &["create", "--name", NAME, "ubuntu:14.04"]);
        let r = e.check(LAB);
        assert_steps(&r, &[("create", false)]);
        let o = observed(&r, "create");
        assert!(o.contains("`-t`/`--tty`"), "{o}");
        assert!(o.contains("`-i`/`--interactive`"), "{o}");
        // Started anyway, bash ends at once.
        docker(&["start", NAME]);
        wait_state(NAME, "exited");
    }

    /// Without the tag, `ubuntu` is `ubuntu:latest`: another image.
    #[test]
    fn the_latest_tag_is_another_image() {
        let mut e = Engine::lock();
        e.run(NAME, &["create", "-it", "--name", NAME, "ubuntu"]);
        let r = e.check(LAB);
        assert_steps(&r, &[("create", false)]);
        let o = observed(&r, "create");
        assert!(o.contains("`ubuntu:14.04`"), "{o}");
        assert!(o.contains("`container-test1` (ubuntu"), "{o}");
    }

    /// `docker start -ai` starts and attaches at once: it counts for `start` (seen while
    /// running) and, after `exit`, for `attach`.
    #[test]
    fn start_ai_starts_and_attaches() {
        let mut e = Engine::lock();
        create(&mut e);
        let r = e.check(LAB);
        assert_steps(&r, &[("create", true)]);
        let t = Tmux::start(
            "dkt-ct1-startai",
            "docker start -ai container-test1; sleep 30",
        );
        t.keys("Enter");
        t.wait_for(":/#");
        let r = e.check(LAB);
        assert_steps(&r, &[("create", true), ("start", true), ("attach", false)]);
        assert_observed(&r, "attach", "no `die` event");
        t.keys("exit");
        t.keys("Enter");
        wait_state(NAME, "exited");
        let r = e.check(LAB);
        assert_steps(&r, &[("start", true), ("attach", true)]);
    }

    /// Detaching (Ctrl+P Ctrl+Q) and then `docker kill` is not leaving with `exit`.
    #[test]
    fn kill_instead_of_exit() {
        let mut e = Engine::lock();
        create(&mut e);
        e.check(LAB);
        docker(&["start", NAME]);
        e.check(LAB);
        let t = Tmux::start("dkt-ct1-detach", "docker attach container-test1; sleep 30");
        t.keys("Enter");
        t.wait_for(":/#");
        t.keys("C-p");
        t.keys("C-q");
        t.wait_for("read escape sequence");
        assert_eq!(state(NAME), "running");
        docker(&["kill", NAME]);
        wait_state(NAME, "exited");
        let r = e.check(LAB);
        assert_steps(&r, &[("start", true), ("attach", false)]);
        let o = observed(&r, "attach");
        assert!(o.contains("exited with code 137, not 0"), "{o}");
        assert!(o.contains("did not end with `exit`"), "{o}");
    }

    /// The chapter's comment calls `docker rm` "force stop and remove": it is not. On a
    /// running container it fails, and nothing is removed.
    #[test]
    fn rm_refuses_a_running_container() {
        let mut e = Engine::lock();
        create(&mut e);
        e.check(LAB);
        docker(&["start", NAME]);
        let err = docker_fails(&["rm", NAME]);
        assert!(
            err.contains("You cannot remove a running container"),
            "{err}"
        );
        let r = e.check(LAB);
        assert_steps(&r, &[("start", true), ("remove", false)]);
        assert_observed(&r, "remove", "still there: `container-test1` (running");
    }

    /// `run-instead` without `-it`: created, exited and removed, but no terminal was ever
    /// connected, and the step names the missing `-it`.
    #[test]
    fn run_instead_without_it() {
        let mut e = Engine::lock();
        create(&mut e);
        e.check(LAB);
        docker(&["start", NAME]);
        e.check(LAB);
        attach_and_exit("dkt-ct1-attach2");
        e.check(LAB);
        docker(&["rm", NAME]);
        let r = e.check(LAB);
        assert_steps(&r, &[("remove", true)]);
        e.run(NAME, &["run", "--name", NAME, "ubuntu:14.04", "bash"]);
        docker(&["rm", NAME]);
        let r = e.check(LAB);
        assert_steps(&r, &[("remove", true), ("run-instead", false)]);
        let o = observed(&r, "run-instead");
        assert!(o.contains("no record of a terminal"), "{o}");
        assert!(o.contains("`resize`"), "{o}");
    }
}
