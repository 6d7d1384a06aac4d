//! The week-1 course's Nginx labs (004 §3.2.3–3.2.12): `my-nginx`, one container through
//! run, browse, stop, start, restart, exec and `rm -f`; and `custom-nginx-volume`, a host
//! folder bind-mounted as Nginx's web root, its page edited on the host. The book's way,
//! step by step (each step turns green only after its own act), and the typical mistakes,
//! each with its verdicts and a piece of its message.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::harness::{
    Engine, assert_observed, assert_steps, curl, docker, docker_fails, docker_ok, wait_state,
};

/// A request that must find nothing listening (or nothing serving) at `url`.
#[track_caller]
fn curl_fails(url: &str) {
    let ok = Command::new("curl")
        .args(["-s", "-f", "--max-time", "2", url])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run curl")
        .success();
    assert!(!ok, "curl {url} should have failed");
}

/// Moments apart: a file's modification time and a log line's time come from different
/// clocks (the file system's is coarse), so two acts in a test are spaced as a learner's
/// would be.
fn pause() {
    std::thread::sleep(Duration::from_millis(300));
}

mod my_nginx {
    use super::*;

    const LAB: &str = "my-nginx";
    const ALL: [&str; 7] = [
        "run", "browse", "stop", "start", "restart", "exec-ls", "remove",
    ];

    /// `docker run -p 8080:80 --name my-nginx -d nginx`, as the notes print it.
    fn run(e: &mut Engine) {
        e.run(
            "my-nginx",
            &["run", "-p", "8080:80", "--name", "my-nginx", "-d", "nginx"],
        );
    }

    /// The steps up to `upto` (inclusive), done the book's way, each checked green.
    fn through(e: &mut Engine, upto: &str) {
        for step in ALL {
            match step {
                "run" => run(e),
                "browse" => {
                    let page = curl("http://localhost:8080");
                    assert!(page.contains("Welcome to nginx!"), "{page}");
                }
                "stop" => {
                    docker(&["stop", "my-nginx"]);
                }
                "start" => {
                    docker(&["start", "my-nginx"]);
                }
                "restart" => {
                    docker(&["restart", "my-nginx"]);
                }
                "exec-ls" => {
                    docker(&["exec", "my-nginx", "ls", "/usr/share/nginx/html"]);
                }
                _ => {
                    docker(&["rm", "-f", "my-nginx"]);
                }
            }
            let r = e.check(LAB);
            assert_steps(&r, &[(step, true)]);
            if step == upto {
                return;
            }
        }
    }

    /// The notes' way, every command as they print it; each step turns green only after
    /// its own act, and not one before.
    #[test]
    fn the_books_way_step_by_step() {
        let mut e = Engine::lock();
        let r = e.check(LAB);
        assert_steps(&r, &ALL.map(|s| (s, false)));

        run(&mut e);
        // docklings' own probe sees the page; the learner has not asked for it yet.
        let r = e.check(LAB);
        assert_steps(&r, &[("run", true), ("browse", false), ("stop", false)]);
        assert_observed(&r, "browse", "no request of yours");

        let page = curl("http://localhost:8080");
        assert!(page.contains("Welcome to nginx!"), "{page}");
        let r = e.check(LAB);
        assert_steps(&r, &[("browse", true), ("stop", false)]);
        assert_observed(&r, "stop", "no record of `docker stop` on `my-nginx`");

        assert_eq!(docker(&["stop", "my-nginx"]), "my-nginx");
        curl_fails("http://localhost:8080");
        let r = e.check(LAB);
        assert_steps(&r, &[("stop", true), ("start", false)]);
        // `docker ps` no longer lists it; `docker ps -a` does, exited.
        assert!(docker(&["ps", "-q", "--filter", "name=^my-nginx$"]).is_empty());
        assert!(docker(&["ps", "-a", "--filter", "name=^my-nginx$"]).contains("Exited (0)"));

        assert_eq!(docker(&["start", "my-nginx"]), "my-nginx");
        let r = e.check(LAB);
        assert_steps(&r, &[("start", true), ("restart", false)]);
        assert_observed(&r, "restart", "no record of `docker restart` on `my-nginx`");

        assert_eq!(docker(&["restart", "my-nginx"]), "my-nginx");
        let r = e.check(LAB);
        assert_steps(&r, &[("restart", true), ("exec-ls", false)]);

        let listing = docker(&["exec", "my-nginx", "ls", "/usr/share/nginx/html"]);
        assert!(listing.contains("index.html"), "{listing}");
        let r = e.check(LAB);
        assert_steps(&r, &[("exec-ls", true), ("remove", false)]);
        assert_observed(&r, "remove", "run `docker rm -f my-nginx`");

        docker(&["rm", "-f", "my-nginx"]);
        let r = e.check(LAB);
        assert_steps(&r, &ALL.map(|s| (s, true)));
    }

    /// A request before the container runs finds nothing, and leaves nothing in any log:
    /// `browse` waits for a request after `run`.
    #[test]
    fn browsing_before_running_does_not_count() {
        let mut e = Engine::lock();
        curl_fails("http://localhost:8080");
        let r = e.check(LAB);
        assert_steps(&r, &[("run", false), ("browse", false)]);
        assert_observed(&r, "browse", "Do `run` first");
        run(&mut e);
        let r = e.check(LAB);
        assert_steps(&r, &[("run", true), ("browse", false)]);
        assert_observed(&r, "browse", "A request sent before the container ran");
        curl("http://localhost:8080");
        let r = e.check(LAB);
        assert_steps(&r, &[("browse", true)]);
    }

    /// Skipping `stop`: `start` counts from `browse`, and the run's own start came before
    /// it. A `docker start` of a running container does nothing and records nothing.
    #[test]
    fn without_the_stop_the_runs_own_start_does_not_count() {
        let mut e = Engine::lock();
        through(&mut e, "browse");
        assert_eq!(docker(&["start", "my-nginx"]), "my-nginx");
        let r = e.check(LAB);
        assert_steps(&r, &[("browse", true), ("stop", false), ("start", false)]);
        assert_observed(
            &r,
            "start",
            "no record of `docker stop` on `my-nginx` before this start",
        );
        assert_observed(&r, "start", "the start made by `docker run` does not count");

        // The way back: stop, then start.
        docker(&["stop", "my-nginx"]);
        let r = e.check(LAB);
        assert_steps(&r, &[("stop", true), ("start", false)]);
        docker(&["start", "my-nginx"]);
        let r = e.check(LAB);
        assert_steps(&r, &[("stop", true), ("start", true)]);
    }

    /// `docker kill` stops it too, but it is not `docker stop`.
    #[test]
    fn kill_is_not_stop() {
        let mut e = Engine::lock();
        through(&mut e, "browse");
        docker(&["kill", "my-nginx"]);
        wait_state("my-nginx", "exited");
        let r = e.check(LAB);
        assert_steps(&r, &[("stop", false), ("start", false)]);
        assert_observed(
            &r,
            "stop",
            "`docker kill`, which sends SIGKILL without waiting",
        );
    }

    /// `stop` then `start` restarts the server, but it is not `docker restart`.
    #[test]
    fn stop_and_start_is_not_restart() {
        let mut e = Engine::lock();
        through(&mut e, "start");
        docker(&["stop", "my-nginx"]);
        docker(&["start", "my-nginx"]);
        let r = e.check(LAB);
        assert_steps(&r, &[("start", true), ("restart", false)]);
        assert_observed(
            &r,
            "restart",
            "a separate `stop` and `start` does not count",
        );
        docker(&["restart", "my-nginx"]);
        let r = e.check(LAB);
        assert_steps(&r, &[("restart", true)]);
    }

    /// `exec` into a stopped container is refused and leaves no record; another command
    /// than the notes' `ls` does not count.
    #[test]
    fn exec_needs_a_running_container_and_the_ls() {
        let mut e = Engine::lock();
        through(&mut e, "restart");
        docker(&["stop", "my-nginx"]);
        let err = docker_fails(&["exec", "my-nginx", "ls", "/usr/share/nginx/html"]);
        assert!(err.contains("is not running"), "{err}");
        let r = e.check(LAB);
        assert_steps(&r, &[("restart", true), ("exec-ls", false)]);
        assert_observed(&r, "exec-ls", "start it first with `docker start my-nginx`");

        docker(&["start", "my-nginx"]);
        docker(&["exec", "my-nginx", "ls", "/"]);
        let r = e.check(LAB);
        assert_steps(&r, &[("exec-ls", false)]);
        assert_observed(&r, "exec-ls", "exec_start");

        docker(&["exec", "my-nginx", "ls", "-l", "/usr/share/nginx/html/"]);
        let r = e.check(LAB);
        assert_steps(&r, &[("exec-ls", true)]);
    }

    /// `docker rm` without `-f` refuses a running container: the step stays red and says
    /// why. Stopping first, then `rm`, is the other way the lab teaches.
    #[test]
    fn rm_without_f_on_a_running_container_fails() {
        let mut e = Engine::lock();
        through(&mut e, "exec-ls");
        let err = docker_fails(&["rm", "my-nginx"]);
        assert!(err.contains("cannot remove a running container"), "{err}");
        let r = e.check(LAB);
        assert_steps(&r, &[("exec-ls", true), ("remove", false)]);
        assert_observed(&r, "remove", "not removed by `docker rm` without `-f`");
        assert_observed(&r, "remove", "my-nginx");

        docker(&["stop", "my-nginx"]);
        docker(&["rm", "my-nginx"]);
        let r = e.check(LAB);
        assert_steps(&r, &ALL.map(|s| (s, true)));
    }

    /// `-p 8080:8080`: Nginx listens on 80 in its container, not 8080.
    #[test]
    fn the_container_port_is_80() {
        let mut e = Engine::lock();
        e.run(
            "my-nginx",
            &[
                "run",
                "-p",
                "8080:8080",
                "--name",
                "my-nginx",
                "-d",
                "nginx",
            ],
        );
        let r = e.check(LAB);
        assert_steps(&r, &[("run", false), ("browse", false)]);
        assert_observed(
            &r,
            "run",
            "`my-nginx` publishes host port 8080 to container port 8080, not 80/tcp",
        );
        assert_observed(&r, "run", "Check `-d` and `-p 8080:80`");
    }
}

mod custom_nginx_volume {
    use super::*;

    const LAB: &str = "custom-nginx-volume";
    const ALL: [&str; 4] = ["run-with-volume", "browse", "edit", "remove"];
    const PAGE: &str = "<h1>Hello, Docker volume!</h1>\n";
    const EDITED: &str = "<h1>Edited on my host!</h1>\n";

    /// The learner's lab folder with `html/index.html` (a one-line page), removed with the
    /// test.
    struct Folder {
        dir: tempfile::TempDir,
    }

    impl Folder {
        fn new(with_page: bool) -> Folder {
            let dir = tempfile::tempdir().expect("temp dir");
            std::fs::create_dir(dir.path().join("html")).expect("mkdir html");
            if with_page {
                std::fs::write(dir.path().join("html/index.html"), PAGE).expect("write page");
            }
            Folder { dir }
        }

        /// `$(pwd)/html`.
        fn html(&self) -> PathBuf {
            self.dir.path().join("html")
        }

        fn write(&self, text: &str) {
            std::fs::write(self.html().join("index.html"), text).expect("edit page");
        }
    }

    /// A named volume the test's mistake makes; removed (after its container) when dropped.
    struct Volume(&'static str);

    impl Volume {
        #[track_caller]
        fn new(name: &'static str) -> Volume {
            assert!(
                !docker_ok(&["volume", "inspect", name]),
                "volume {name} exists; these tests need it gone"
            );
            Volume(name)
        }
    }

    impl Drop for Volume {
        fn drop(&mut self) {
            let _ = docker_ok(&["rm", "-f", "custom-nginx"]);
            let _ = docker_ok(&["volume", "rm", self.0]);
        }
    }

    /// `docker run -p 8080:80 --name custom-nginx -v "$(pwd)/html:TARGET" -d nginx`.
    fn run(e: &mut Engine, source: &Path, target: &str) {
        let volume = format!("{}:{target}", source.display());
        e.run(
            "custom-nginx",
            &[
                "run",
                "-p",
                "8080:80",
                "--name",
                "custom-nginx",
                "-v",
                &volume,
                "-d",
                "nginx",
            ],
        );
    }

    /// The notes' example 3, then the edit on the host: each step green only after its
    /// own act. The edit counts only with a request made after it.
    #[test]
    fn the_books_way_step_by_step() {
        let mut e = Engine::lock();
        let folder = Folder::new(true);
        let r = e.check(LAB);
        assert_steps(&r, &ALL.map(|s| (s, false)));

        run(&mut e, &folder.html(), "/usr/share/nginx/html");
        let r = e.check(LAB);
        assert_steps(
            &r,
            &[
                ("run-with-volume", true),
                ("browse", false),
                ("edit", false),
            ],
        );
        assert_observed(&r, "browse", "no request of yours");

        // The page served is the host's file, not the image's welcome page.
        assert_eq!(curl("http://localhost:8080"), PAGE);
        let r = e.check(LAB);
        assert_steps(&r, &[("browse", true), ("edit", false)]);
        assert_observed(&r, "edit", "has not changed since the previous step");
        assert_observed(&r, "edit", "before `browse` passed");

        // A reload before the edit is no reload of the edited page.
        pause();
        curl("http://localhost:8080");
        pause();
        folder.write(EDITED);
        let r = e.check(LAB);
        assert_steps(&r, &[("browse", true), ("edit", false)]);
        assert_observed(&r, "edit", "since you edited the file");

        // No restart, no `cp`: the served page is the edited file at once.
        pause();
        assert_eq!(curl("http://localhost:8080"), EDITED);
        let r = e.check(LAB);
        assert_steps(&r, &[("edit", true), ("remove", false)]);

        docker(&["rm", "-f", "custom-nginx"]);
        let r = e.check(LAB);
        assert_steps(&r, &ALL.map(|s| (s, true)));
        // The host folder outlives the container.
        assert_eq!(
            std::fs::read_to_string(folder.html().join("index.html")).expect("page"),
            EDITED
        );
    }

    /// `-v html:/usr/share/nginx/html`: a bare name is a named volume, not the host
    /// folder. Docker fills it with the image's welcome page.
    #[test]
    fn a_named_volume_is_not_a_bind_mount() {
        let mut e = Engine::lock();
        let _folder = Folder::new(true);
        let _volume = Volume::new("html");
        e.run(
            "custom-nginx",
            &[
                "run",
                "-p",
                "8080:80",
                "--name",
                "custom-nginx",
                "-v",
                "html:/usr/share/nginx/html",
                "-d",
                "nginx",
            ],
        );
        let r = e.check(LAB);
        assert_steps(&r, &[("run-with-volume", false), ("browse", false)]);
        assert_observed(&r, "run-with-volume", "is a volume mount, not bind");
        assert_observed(&r, "run-with-volume", "has a volume `html`");
        assert_observed(
            &r,
            "run-with-volume",
            "A bare name as in `-v html:...` makes a named volume",
        );

        let page = curl("http://localhost:8080");
        assert!(page.contains("Welcome to nginx!"), "{page}");
        let r = e.check(LAB);
        assert_steps(&r, &[("browse", false)]);
    }

    /// The folder mounted one level too high: `/usr/share/nginx/html` is not the mount.
    #[test]
    fn the_wrong_mount_target() {
        let mut e = Engine::lock();
        let folder = Folder::new(true);
        run(&mut e, &folder.html(), "/usr/share/nginx");
        let r = e.check(LAB);
        assert_steps(&r, &[("run-with-volume", false), ("browse", false)]);
        assert_observed(
            &r,
            "run-with-volume",
            "nothing is mounted on /usr/share/nginx/html",
        );
        assert_observed(&r, "run-with-volume", "check that the target is exactly");
    }

    /// Run before the page was written: the mount is right, the host folder is empty.
    #[test]
    fn the_page_written_after_the_run_is_asked_for() {
        let mut e = Engine::lock();
        let folder = Folder::new(false);
        run(&mut e, &folder.html(), "/usr/share/nginx/html");
        let r = e.check(LAB);
        assert_steps(&r, &[("run-with-volume", false)]);
        assert_observed(
            &r,
            "run-with-volume",
            "your `html` folder has no `index.html` yet",
        );
        assert_observed(&r, "run-with-volume", "cannot be read on this machine");
        folder.write(PAGE);
        let r = e.check(LAB);
        assert_steps(&r, &[("run-with-volume", true), ("browse", false)]);
    }

    /// A leftover `my-nginx` holds 8080: `docker run` fails, and the step stays red.
    #[test]
    fn a_leftover_my_nginx_holds_the_port() {
        let mut e = Engine::lock();
        let folder = Folder::new(true);
        e.run(
            "my-nginx",
            &["run", "-p", "8080:80", "--name", "my-nginx", "-d", "nginx"],
        );
        e.track_container("custom-nginx");
        let volume = format!("{}:/usr/share/nginx/html", folder.html().display());
        let err = docker_fails(&[
            "run",
            "-p",
            "8080:80",
            "--name",
            "custom-nginx",
            "-v",
            &volume,
            "-d",
            "nginx",
        ]);
        assert!(err.contains("port is already allocated"), "{err}");
        let r = e.check(LAB);
        assert_steps(&r, &[("run-with-volume", false)]);
        assert_observed(&r, "run-with-volume", "could not start it");
        assert_observed(&r, "run-with-volume", "remove a leftover `my-nginx`");

        // The lab's way out: remove the leftover, remove the container that could not
        // start, run again.
        docker(&["rm", "-f", "my-nginx", "custom-nginx"]);
        run(&mut e, &folder.html(), "/usr/share/nginx/html");
        let r = e.check(LAB);
        assert_steps(&r, &[("run-with-volume", true)]);
    }
}
