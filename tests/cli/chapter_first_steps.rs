//! The first steps with containers (002 §1–2.1, 004 §3.2 and §5.1): `hello-world` (run,
//! `rm`, `rmi`) and `ubuntu-bash` (an `-it` shell, `exit`, `--rm`), against the real
//! engine. The book's way passes every step in turn; each typical mistake fails at the
//! right step, and the message names the difference.

use crate::harness::{
    Engine, Tmux, assert_observed, assert_steps, docker, docker_fails, docker_ok, observed, state,
    wait_state,
};

mod hello_world {
    use super::*;

    const LAB: &str = "hello-world";
    const KEEP: &str = "dkt-keep/hello-world:latest";

    /// The lab's last step removes the image `hello-world`, which the other tests and
    /// `selftest` need. [`Keep::hold`] gives it a second tag first, so that `docker rmi`
    /// only untags it; when the test ends, passed or not, `hello-world` names the same
    /// image again and the extra tag comes off.
    struct Keep {
        id: String,
        held: bool,
    }

    impl Keep {
        fn new() -> Keep {
            Keep {
                id: docker(&["image", "inspect", "-f", "{{.Id}}", "hello-world"]),
                held: false,
            }
        }

        fn hold(&mut self) {
            docker(&["tag", "hello-world", KEEP]);
            self.held = true;
        }
    }

    impl Drop for Keep {
        fn drop(&mut self) {
            if self.held {
                let _ = docker_ok(&["tag", KEEP, "hello-world:latest"]);
                let _ = docker_ok(&["rmi", KEEP]);
            } else if !docker_ok(&["image", "inspect", "hello-world"]) {
                // Only a refused `rmi` ran, with a container holding the image: should it
                // have untagged after all, the image is still there, under its ID.
                let _ = docker_ok(&["tag", &self.id, "hello-world:latest"]);
            }
        }
    }

    /// 002 §1.1–1.2: `docker run hello-world`, `docker rm`, `docker rmi`, each step
    /// passing on its own act, in order.
    #[test]
    fn the_books_way_run_rm_rmi() {
        let mut e = Engine::lock();
        let mut keep = Keep::new();
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[("run", false), ("remove", false), ("remove-image", false)],
        );
        let out = e.run("dkt-hw1", &["run", "--name", "dkt-hw1", "hello-world"]);
        assert!(out.contains("Hello from Docker!"), "{out}");
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[("run", true), ("remove", false), ("remove-image", false)],
        );
        assert_observed(&r, "remove", "still there: `dkt-hw1`");
        assert_observed(&r, "remove-image", "The `hello-world` image is still there");
        docker(&["rm", "dkt-hw1"]);
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[("run", true), ("remove", true), ("remove-image", false)],
        );
        keep.hold();
        let out = docker(&["rmi", "hello-world"]);
        assert!(out.contains("Untagged: hello-world:latest"), "{out}");
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[("run", true), ("remove", true), ("remove-image", true)],
        );
        assert_eq!(r["passed"], true);
    }

    /// `docker rmi` before `docker rm`: the engine refuses, naming the container that
    /// uses the image; nothing passes until the container goes first.
    #[test]
    fn rmi_before_rm_is_refused_until_the_container_goes() {
        let mut e = Engine::lock();
        let mut keep = Keep::new();
        e.run("dkt-hw2", &["run", "--name", "dkt-hw2", "hello-world"]);
        assert_eq!(state("dkt-hw2"), "exited");
        // With the image's only tag, as a learner has it: the container holds the image,
        // so this cannot remove it (see `Keep`'s drop for the unexpected case).
        let err = docker_fails(&["rmi", "hello-world"]);
        assert!(
            err.contains("conflict: unable to remove repository reference \"hello-world\""),
            "{err}"
        );
        assert!(err.contains("is using its referenced image"), "{err}");
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[("run", true), ("remove", false), ("remove-image", false)],
        );
        assert_observed(&r, "remove", "still there: `dkt-hw2`");
        assert_observed(&r, "remove-image", "if it fails with `conflict`");
        docker(&["rm", "dkt-hw2"]);
        keep.hold();
        docker(&["rmi", "hello-world"]);
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[("run", true), ("remove", true), ("remove-image", true)],
        );
    }

    /// `docker rmi -f` takes the name off, but the container stays (shown by image ID):
    /// `remove-image` passes, `remove` does not until the container is removed.
    #[test]
    fn rmi_force_untags_but_leaves_the_container() {
        let mut e = Engine::lock();
        let mut keep = Keep::new();
        e.run("dkt-hw3", &["run", "--name", "dkt-hw3", "hello-world"]);
        // Seen while the image still had its name (as `docklings start` sees it): once
        // untagged, `image: hello-world` no longer selects the container.
        let r = e.check(LAB);
        assert_steps(&r, &[("run", true)]);
        keep.hold();
        let out = docker(&["rmi", "-f", "hello-world"]);
        assert!(out.contains("Untagged: hello-world:latest"), "{out}");
        assert_eq!(state("dkt-hw3"), "exited");
        let image = docker(&["inspect", "-f", "{{.Config.Image}}", "dkt-hw3"]);
        assert_eq!(image, "hello-world");
        let listed = docker(&[
            "ps",
            "-a",
            "--filter",
            "name=dkt-hw3",
            "--format",
            "{{.Image}}",
        ]);
        assert!(
            keep.id.contains(&listed),
            "ps shows {listed}, not an image ID"
        );
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[("run", true), ("remove", false), ("remove-image", true)],
        );
        assert_observed(&r, "remove", "`docker rmi -f`");
        docker(&["rm", "dkt-hw3"]);
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[("run", true), ("remove", true), ("remove-image", true)],
        );
    }

    /// `--rm` leaves no container to remove yourself: `run` asks for one that stays.
    #[test]
    fn run_with_rm_leaves_nothing_to_remove() {
        let e = Engine::lock();
        let out = docker(&["run", "--rm", "hello-world"]);
        assert!(out.contains("Hello from Docker!"), "{out}");
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[("run", false), ("remove", false), ("remove-image", false)],
        );
        assert_observed(&r, "run", "without `--rm`");
        assert_observed(&r, "remove", "Do `run` first");
    }

    /// A second run leaves a second container: `remove` wants them all gone.
    #[test]
    fn two_runs_need_two_removals() {
        let mut e = Engine::lock();
        e.run("dkt-hw4", &["run", "--name", "dkt-hw4", "hello-world"]);
        e.run("dkt-hw5", &["run", "--name", "dkt-hw5", "hello-world"]);
        docker(&["rm", "dkt-hw4"]);
        let r = e.check(LAB);
        assert_steps(&r, &[("run", true), ("remove", false)]);
        assert_observed(&r, "remove", "still there: `dkt-hw5`");
        docker(&["rm", "dkt-hw5"]);
        let r = e.check(LAB);
        assert_steps(&r, &[("run", true), ("remove", true)]);
    }
}

mod ubuntu_bash {
    use super::*;

    const LAB: &str = "ubuntu-bash";

    /// 002 §2.1 then 004 §5.1, in a real terminal: `run -it`, `exit`, `run --rm -it`,
    /// `ls -l /`, `exit`. Each step passes on its own act, and the `--rm` shell leaves
    /// nothing behind while the first container stays, exited.
    #[test]
    fn the_books_way_in_a_terminal() {
        let mut e = Engine::lock();
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[
                ("run-it", false),
                ("exit", false),
                ("run-rm", false),
                ("ls-root", false),
                ("exit-rm", false),
            ],
        );
        e.track_container("dkt-ub1");
        let t = Tmux::start(
            "dkt-fs-ub1",
            "docker run -it --name dkt-ub1 ubuntu bash; sleep 30",
        );
        t.wait_for(":/#");
        let r = e.check(LAB);
        assert_steps(&r, &[("run-it", true), ("exit", false)]);
        assert_observed(&r, "exit", "is running, not exited");
        t.keys("exit");
        t.keys("Enter");
        wait_state("dkt-ub1", "exited");
        let r = e.check(LAB);
        assert_steps(&r, &[("run-it", true), ("exit", true), ("run-rm", false)]);
        assert_observed(&r, "run-rm", "`dkt-ub1` is exited (0");
        // `ls-root` and `exit-rm` wait for the `--rm` shell: the first one's exit does
        // not count for them.
        assert_observed(&r, "ls-root", "Do `run-rm` first");
        assert_observed(&r, "exit-rm", "Do `ls-root` first");

        e.track_container("dkt-ub2");
        let t2 = Tmux::start(
            "dkt-fs-ub2",
            "docker run --rm -it --name dkt-ub2 ubuntu bash; sleep 30",
        );
        t2.wait_for(":/#");
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[("run-rm", true), ("ls-root", false), ("exit-rm", false)],
        );
        assert_observed(&r, "ls-root", "`dkt-ub2` shows no");
        t2.keys("ls -l /");
        t2.keys("Enter");
        t2.wait_for("total");
        let r = e.check(LAB);
        assert_steps(&r, &[("ls-root", true), ("exit-rm", false)]);
        t2.keys("exit");
        t2.keys("Enter");
        wait_state("dkt-ub2", "");
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[
                ("run-it", true),
                ("exit", true),
                ("run-rm", true),
                ("ls-root", true),
                ("exit-rm", true),
            ],
        );
        assert_eq!(r["passed"], true);
        // Stopped, not removed: the first shell's container is still there.
        assert_eq!(state("dkt-ub1"), "exited");
    }

    /// 002 §2.1 also shows `run` without `-it`: `bash` finds no input, reads EOF and
    /// exits at once.
    #[test]
    fn without_it_bash_exits_at_once() {
        let mut e = Engine::lock();
        let out = e.run("dkt-ub3", &["run", "--name", "dkt-ub3", "ubuntu", "bash"]);
        assert_eq!(out, "");
        assert_eq!(state("dkt-ub3"), "exited");
        let r = e.check(LAB);
        assert_steps(&r, &[("run-it", false), ("exit", false)]);
        let o = observed(&r, "run-it");
        assert!(o.contains("`dkt-ub3` is exited (0"), "{o}");
        assert!(o.contains("`-t`/`--tty`"), "{o}");
        assert!(o.contains("`-i`/`--interactive`"), "{o}");
        assert!(o.contains("without `-it` stops at once"), "{o}");
        assert_observed(&r, "exit", "Do `run-it` first");
    }

    /// `ubuntu:14.04` is another image than `ubuntu` (`ubuntu:latest`).
    #[test]
    fn ubuntu_14_04_is_another_image() {
        let mut e = Engine::lock();
        e.track_container("dkt-ub4");
        let t = Tmux::start(
            "dkt-fs-ub4",
            "docker run -it --name dkt-ub4 ubuntu:14.04 bash; sleep 30",
        );
        t.wait_for(":/#");
        let r = e.check(LAB);
        assert_steps(&r, &[("run-it", false), ("run-rm", false)]);
        assert_observed(&r, "run-it", "found `dkt-ub4` (ubuntu:14.04");
        assert_observed(&r, "run-it", "`ubuntu:14.04` is another image");
        t.keys("exit");
        t.keys("Enter");
        wait_state("dkt-ub4", "exited");
        let r = e.check(LAB);
        assert_steps(&r, &[("run-it", false), ("exit", false)]);
    }

    /// Stopped from outside is not `exit`: the code is 137, and the message says so.
    #[test]
    fn killed_from_outside_is_not_exit() {
        let mut e = Engine::lock();
        e.track_container("dkt-ub5");
        let t = Tmux::start(
            "dkt-fs-ub5",
            "docker run -it --name dkt-ub5 ubuntu bash; sleep 30",
        );
        t.wait_for(":/#");
        let r = e.check(LAB);
        assert_steps(&r, &[("run-it", true)]);
        docker(&["kill", "dkt-ub5"]);
        wait_state("dkt-ub5", "exited");
        let r = e.check(LAB);
        assert_steps(&r, &[("run-it", true), ("exit", false)]);
        assert_observed(&r, "exit", "`dkt-ub5` exited with code 137, not 0");
    }

    /// `--rm -it` first: it is not the plain run `run-it` asks for, but the practice
    /// problem (`run-rm`) stands on its own and passes. A `--rm` run without `-it` after
    /// `exit` ends and removes itself at once, and counts for nothing.
    #[test]
    fn rm_is_its_own_practice_problem() {
        let mut e = Engine::lock();
        e.run(
            "dkt-ub6",
            &["run", "--rm", "--name", "dkt-ub6", "ubuntu", "bash"],
        );
        let r = e.check(LAB);
        assert_steps(&r, &[("run-rm", false), ("exit-rm", false)]);
        assert_observed(&r, "exit-rm", "Do `ls-root` first");
        e.track_container("dkt-ub7");
        let t = Tmux::start(
            "dkt-fs-ub7",
            "docker run --rm -it --name dkt-ub7 ubuntu bash; sleep 30",
        );
        t.wait_for(":/#");
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[("run-it", false), ("run-rm", true), ("ls-root", false)],
        );
        assert_observed(&r, "run-it", "`dkt-ub7` was started with `--rm`");
        t.keys("ls -l /");
        t.keys("Enter");
        t.wait_for("total");
        t.keys("exit");
        t.keys("Enter");
        wait_state("dkt-ub7", "");
        let r = e.check(LAB);
        assert_steps(&r, &[("run-rm", true), ("exit-rm", true)]);
    }

    /// `ls /` is not `ls -l /`; and a `--rm` shell left before docklings saw its `ls -l /`
    /// took the output with it: `ls-root` asks to keep the shell open.
    #[test]
    fn ls_without_l_then_leaving_too_early() {
        let mut e = Engine::lock();
        e.track_container("dkt-ub8");
        let t = Tmux::start(
            "dkt-fs-ub8",
            "docker run --rm -it --name dkt-ub8 ubuntu bash; sleep 30",
        );
        t.wait_for(":/#");
        let r = e.check(LAB);
        assert_steps(&r, &[("run-rm", true), ("ls-root", false)]);
        t.keys("ls /");
        t.keys("Enter");
        t.wait_for("proc");
        let r = e.check(LAB);
        assert_steps(&r, &[("ls-root", false)]);
        assert_observed(&r, "ls-root", "a plain `ls /` without `-l`");
        t.keys("ls -l /");
        t.keys("Enter");
        t.wait_for("total");
        t.keys("exit");
        t.keys("Enter");
        wait_state("dkt-ub8", "");
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[("run-rm", true), ("ls-root", false), ("exit-rm", true)],
        );
        assert_observed(
            &r,
            "ls-root",
            "keep the shell open until docklings has seen",
        );
    }
}
