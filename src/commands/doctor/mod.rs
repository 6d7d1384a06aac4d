//! `docklings doctor`: what a beginner needs when nothing works.
//!
//! It looks at everything a lab depends on — the engine, the lab images, the host ports the
//! labs publish, the terminal and the locale — and says for each what it found and, when
//! something is wrong, the command that fixes it on this kind of machine.
//!
//! Looking and judging are separate stages: [`gather`] fills a [`Facts`] value from the
//! machine (it never fails: every problem is itself a fact), and [`judge`] turns facts into
//! [`Findings`] without touching anything, so every judgement is unit-tested with made-up
//! facts and [`render`] is snapshot-tested in both languages.

mod facts;
mod judge;

use crate::app::{App, Failure, Result, out};
use crate::lab::Lab;
use crate::style::Style;
use facts::gather;
use judge::judge;

/// How a finding came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    Pass,
    Warn,
    Fail,
}

/// One line of the report: what was looked at, what was found, and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Line {
    pub(crate) status: Status,
    pub(crate) what: String,
    pub(crate) detail: String,
    /// What to do about it; may span several lines.
    pub(crate) fix: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Findings {
    pub(crate) lines: Vec<Line>,
}

impl Findings {
    pub(crate) fn failed(&self) -> bool {
        self.lines.iter().any(|l| l.status == Status::Fail)
    }
}

/// Look at everything every lab needs and print the findings; exit 1
/// (`Failure::ChecksFailed`) when any of them fails.
pub(crate) async fn run(app: &App) -> Result<()> {
    let cat = app.catalog()?;
    let labs: Vec<&Lab> = cat.labs.iter().collect();
    let mut facts = gather(&labs).await;
    // `--color` decides the colour of this very output; the automatic guess in `gather`
    // would misreport `--color always` or `never`.
    facts.terminal.color = app.style.color;
    let findings = judge(&facts, app.lang);
    out(&render(&findings, &app.style));
    if findings.failed() {
        Err(Failure::ChecksFailed)
    } else {
        Ok(())
    }
}

/// Render findings as text: each line ✓/!/✗, the fix indented under it, and a summary.
pub(crate) fn render(f: &Findings, style: &Style) -> String {
    let mut s = String::new();
    for l in &f.lines {
        let mark = match l.status {
            Status::Pass => style.ok("✓"),
            Status::Warn => style.warn("!"),
            Status::Fail => style.bad("✗"),
        };
        s.push_str(&format!("{mark} {}: {}\n", style.bold(&l.what), l.detail));
        for fix in l.fix.iter().flat_map(|x| x.lines()) {
            s.push_str(&format!("    {fix}\n"));
        }
    }
    // Counts rather than a sentence: `render` is told no language, and marks read in both.
    let count = |status: Status| f.lines.iter().filter(|l| l.status == status).count();
    let summary = format!(
        "{} {}  {} {}  {} {}",
        style.ok("✓"),
        count(Status::Pass),
        style.warn("!"),
        count(Status::Warn),
        style.bad("✗"),
        count(Status::Fail)
    );
    s.push('\n');
    s.push_str(&summary);
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr, TcpListener};

    use super::facts::*;
    use super::judge::*;
    use super::*;
    use crate::engine::VersionInfo;
    use crate::engine::endpoint::{
        Address, ContextBy, Elsewhere, Endpoint, EndpointError, Place, Source,
    };
    use crate::lab::Lang;

    /// A healthy Linux machine with the stand-ins built and port 8088 free.
    fn healthy() -> Facts {
        let image = |r: &str, id: &str| ImageFact {
            reference: r.to_owned(),
            state: ImageState::Present {
                id: id.to_owned(),
                standin: true,
            },
        };
        Facts {
            host: Host {
                platform: Platform::Linux,
                target: "unix:///var/run/docker.sock".to_owned(),
                source: Some(Source::Default {
                    by: None,
                    desktop: false,
                }),
                tools: [Tool::Dockerd, Tool::Systemctl].into_iter().collect(),
                sockets: Vec::new(),
                elsewhere: Vec::new(),
            },
            engine: EngineState::Up(Ok(VersionInfo {
                kind: crate::engine::EngineKind::Docker,
                version: "20.10.24".to_owned(),
                api: "1.41".to_owned(),
                os: "linux".to_owned(),
                arch: "amd64".to_owned(),
            })),
            images: vec![
                image("diamol/ch02-hello-diamol:latest", "1f4ecee66935"),
                image("diamol/base:latest", "77ab0021254d"),
                image("diamol/ch02-hello-diamol-web:latest", "494095eabf87"),
                image("nginx:latest", "29522761d0f5"),
            ],
            ports: vec![PortFact {
                port: 8088,
                holders: Ok(Vec::new()),
                bind: Bind::Free,
            }],
            terminal: Terminal {
                stdin_tty: true,
                stdout_tty: true,
                width: 100,
                color: true,
                no_color: false,
            },
            locale: Locale {
                vars: vec![("LANG".to_owned(), "ko_KR.UTF-8".to_owned())],
                picked: Lang::Ko,
            },
        }
    }

    /// Both languages, no colour, in one snapshot so they can be read side by side.
    fn both(f: &Facts) -> String {
        format!(
            "── en ──\n{}\n── ko ──\n{}",
            render(&judge(f, Lang::En), &Style::plain()),
            render(&judge(f, Lang::Ko), &Style::plain())
        )
    }

    fn oks(f: &Facts) -> Vec<Status> {
        judge(f, Lang::En).lines.iter().map(|l| l.status).collect()
    }

    #[test]
    fn healthy_machine_passes_everything() {
        let f = healthy();
        assert!(oks(&f).iter().all(|o| *o == Status::Pass));
        // Same facts, same verdicts, whatever the language.
        let ko: Vec<Status> = judge(&f, Lang::Ko).lines.iter().map(|l| l.status).collect();
        assert_eq!(ko, oks(&f));
        insta::assert_snapshot!(both(&f));
    }

    #[test]
    fn engine_down_is_one_failure_not_a_cascade() {
        let mut f = healthy();
        f.engine =
            EngineState::Unreachable("the socket `/var/run/docker.sock` does not exist".to_owned());
        for i in &mut f.images {
            i.state = ImageState::NotChecked;
        }
        f.ports[0].holders = Err("the engine is not reachable".to_owned());
        let findings = judge(&f, Lang::En);
        assert_eq!(
            findings
                .lines
                .iter()
                .filter(|l| l.status == Status::Fail)
                .count(),
            1,
            "only the engine line fails: {findings:#?}"
        );
        assert!(findings.failed());
        let fix = findings.lines[0].fix.as_deref().expect("a fix");
        assert!(fix.contains("sudo systemctl start docker"), "{fix}");
        // Only the tools this machine has are offered.
        assert!(!fix.contains("colima"), "{fix}");
        insta::assert_snapshot!(both(&f));
    }

    #[test]
    fn engine_down_fixes_follow_the_platform_and_what_is_installed() {
        let mut f = healthy();
        f.engine = EngineState::Unreachable("no answer within 4s".to_owned());
        let fix = |f: &Facts| judge(f, Lang::En).lines[0].fix.clone().expect("a fix");

        f.host.platform = Platform::MacOs;
        f.host.tools = [Tool::Colima, Tool::Podman].into_iter().collect();
        f.host.sockets = vec![(
            "colima".to_owned(),
            "/Users/me/.colima/default/docker.sock".to_owned(),
        )];
        let mac = fix(&f);
        assert!(mac.contains("colima start"), "{mac}");
        assert!(mac.contains("podman machine start"), "{mac}");
        assert!(
            mac.contains("export DOCKER_HOST=unix:///Users/me/.colima/default/docker.sock"),
            "{mac}"
        );
        assert!(!mac.contains("open -a Docker"), "{mac}");

        // Nothing installed: say so, and offer every way this platform has.
        f.host.tools.clear();
        f.host.sockets.clear();
        let bare = fix(&f);
        assert!(
            bare.contains("https://docs.docker.com/get-docker/"),
            "{bare}"
        );
        assert!(
            bare.contains("open -a Docker") && bare.contains("colima start"),
            "{bare}"
        );

        f.host.platform = Platform::Linux;
        f.host.tools = [Tool::Podman].into_iter().collect();
        let podman = fix(&f);
        assert!(
            podman.contains("systemctl --user start podman.socket"),
            "{podman}"
        );
        assert!(podman.contains("podman/podman.sock"), "{podman}");

        f.engine = EngineState::Unreachable(
            "error trying to connect: Permission denied (os error 13)".to_owned(),
        );
        let denied = fix(&f);
        assert!(denied.contains("usermod -aG docker"), "{denied}");

        f.host.source = Some(Source::DockerHost);
        f.host.target = "tcp://10.0.0.9:2375".to_owned();
        f.engine = EngineState::Unreachable("Connection refused (os error 111)".to_owned());
        let line = &judge(&f, Lang::En).lines[0];
        assert!(line.detail.contains("from DOCKER_HOST"), "{}", line.detail);
        assert!(fix(&f).contains("unset DOCKER_HOST"));
    }

    fn colima() -> Source {
        Source::Context {
            name: "colima".to_owned(),
            by: ContextBy::Config("~/.docker/config.json".to_owned()),
        }
    }

    #[test]
    fn the_engine_line_says_how_the_engine_was_found() {
        let mut f = healthy();
        f.host.target = "unix:///Users/me/.colima/default/docker.sock".to_owned();
        f.host.source = Some(colima());
        let en = &judge(&f, Lang::En).lines[0];
        assert_eq!(en.status, Status::Pass);
        assert!(
            en.detail.ends_with(
                "at unix:///Users/me/.colima/default/docker.sock (context `colima` from ~/.docker/config.json)"
            ),
            "{}",
            en.detail
        );
        let ko = &judge(&f, Lang::Ko).lines[0];
        assert!(
            ko.detail
                .contains("컨텍스트 `colima`, ~/.docker/config.json 의 현재 컨텍스트"),
            "{}",
            ko.detail
        );

        // Down, found through a context: the fix is about that context, not DOCKER_HOST.
        f.engine = EngineState::Unreachable(
            "the socket `/Users/me/.colima/default/docker.sock` does not exist".to_owned(),
        );
        let line = &judge(&f, Lang::En).lines[0];
        assert!(
            line.detail
                .contains("(context `colima` from ~/.docker/config.json)"),
            "{}",
            line.detail
        );
        let fix = line.fix.as_deref().expect("a fix");
        assert!(
            fix.contains("The docker context `colima` points at"),
            "{fix}"
        );
        assert!(fix.contains("docker context use"), "{fix}");
        assert!(!fix.contains("DOCKER_HOST is set"), "{fix}");

        // A socket nobody names: a context for it fixes docker and docklings at once.
        f.host.sockets = vec![(
            "Docker Desktop".to_owned(),
            "/Users/me/.docker/run/docker.sock".to_owned(),
        )];
        let fix = judge(&f, Lang::En).lines[0].fix.clone().expect("a fix");
        assert!(
            fix.contains("docker context create docker-desktop --docker host=unix:///Users/me/.docker/run/docker.sock"),
            "{fix}"
        );

        f.host.source = Some(Source::HostFlag);
        let fix = judge(&f, Lang::Ko).lines[0].fix.clone().expect("a fix");
        assert!(fix.contains("`--host`"), "{fix}");
    }

    #[test]
    fn no_usable_address_is_one_failure_in_both_languages() {
        let mut f = healthy();
        f.host.source = None;
        f.engine = EngineState::NoEndpoint(EndpointError::UnknownContext {
            name: "gone".to_owned(),
            by: ContextBy::Config("~/.docker/config.json".to_owned()),
            dir: "~/.docker/contexts".to_owned(),
        });
        for i in &mut f.images {
            i.state = ImageState::NotChecked;
        }
        f.ports[0].holders = Err("the engine is not reachable".to_owned());
        let en = judge(&f, Lang::En);
        assert_eq!(
            en.lines.iter().filter(|l| l.status == Status::Fail).count(),
            1
        );
        assert!(
            en.lines[0].detail.contains("`gone`"),
            "{}",
            en.lines[0].detail
        );
        assert!(
            en.lines[0]
                .fix
                .as_deref()
                .is_some_and(|x| x.contains("docker context use default")),
            "{:?}",
            en.lines[0].fix
        );
        let ko = judge(&f, Lang::Ko);
        assert!(
            ko.lines[0].detail.contains("컨텍스트 `gone`"),
            "{}",
            ko.lines[0].detail
        );
        assert!(
            ko.lines[0]
                .fix
                .as_deref()
                .is_some_and(|x| x.contains("docker context use default"))
        );

        f.engine = EngineState::NoEndpoint(EndpointError::NeedsTls {
            host: "tcp://10.0.0.9:2376".to_owned(),
            source: Source::Context {
                name: "remote".to_owned(),
                by: ContextBy::Flag,
            },
        });
        let en = &judge(&f, Lang::En).lines[0];
        assert!(
            en.detail.contains("TLS, which docklings does not support"),
            "{}",
            en.detail
        );
        let ko = &judge(&f, Lang::Ko).lines[0];
        assert!(
            ko.detail.contains("TLS 를 지원하지 않습니다"),
            "{}",
            ko.detail
        );
        assert!(
            ko.detail.contains("컨텍스트 `remote`, --context 로 지정"),
            "{}",
            ko.detail
        );
    }

    #[test]
    fn a_docker_cli_on_another_engine_is_a_warning() {
        let mut f = healthy();
        f.host.source = Some(Source::DockerHost);
        f.host.elsewhere = vec![Elsewhere {
            place: Place::NewTerminal,
            found: Ok(Endpoint {
                host: "unix:///Users/me/.colima/default/docker.sock".to_owned(),
                address: Address::Unix("/Users/me/.colima/default/docker.sock".into()),
                source: colima(),
            }),
        }];
        let findings = judge(&f, Lang::En);
        let line = &findings.lines[1];
        assert_eq!(line.status, Status::Warn);
        assert!(!findings.failed());
        assert!(
            line.detail.contains("`docker` in a new terminal uses `unix:///Users/me/.colima/default/docker.sock` (context `colima` from ~/.docker/config.json)"),
            "{}",
            line.detail
        );
        assert!(
            line.fix
                .as_deref()
                .is_some_and(|x| x.contains("`unset DOCKER_HOST`")),
            "{line:?}"
        );
        // The lines after it keep their order.
        assert_eq!(
            findings.lines[2].what,
            "image diamol/ch02-hello-diamol:latest"
        );
        insta::assert_snapshot!(both(&f));

        // Told by a flag: this terminal's docker goes elsewhere, and the fix names the flag.
        f.host.source = Some(Source::HostFlag);
        f.host.elsewhere[0].place = Place::ThisShell;
        let line = &judge(&f, Lang::En).lines[1];
        assert!(line.detail.contains("in this terminal"), "{}", line.detail);
        assert!(
            line.fix
                .as_deref()
                .is_some_and(|x| x.contains("leave `--host` out")),
            "{line:?}"
        );
        let ko = &judge(&f, Lang::Ko).lines[1];
        assert!(
            ko.fix
                .as_deref()
                .is_some_and(|x| x.contains("`--host` 를 빼세요")),
            "{ko:?}"
        );

        // docker's own settings broken while DOCKER_HOST spared docklings.
        f.host.elsewhere[0] = Elsewhere {
            place: Place::NewTerminal,
            found: Err(EndpointError::BadConfig {
                path: "~/.docker/config.json".to_owned(),
                detail: "not JSON: EOF while parsing an object at line 1 column 1".to_owned(),
            }),
        };
        let line = &judge(&f, Lang::En).lines[1];
        assert_eq!(line.status, Status::Warn);
        assert!(
            line.detail.contains("~/.docker/config.json"),
            "{}",
            line.detail
        );
    }

    #[test]
    fn podman_is_named_as_podman() {
        let mut f = healthy();
        if let EngineState::Up(Ok(v)) = &mut f.engine {
            v.kind = crate::engine::EngineKind::Podman;
            v.version = "4.3.1".to_owned();
        }
        let line = &judge(&f, Lang::En).lines[0];
        assert_eq!(line.status, Status::Pass);
        assert!(
            line.detail.starts_with("Podman 4.3.1 (API 1.41"),
            "{}",
            line.detail
        );
    }

    #[test]
    fn engine_too_old_fails() {
        let mut f = healthy();
        f.engine = EngineState::TooOld {
            version: "19.03.15".to_owned(),
            api: "1.40".to_owned(),
        };
        let line = &judge(&f, Lang::En).lines[0];
        assert_eq!(line.status, Status::Fail);
        assert!(line.detail.contains("19.03.15") && line.detail.contains("1.41"));
    }

    #[test]
    fn port_published_by_a_container_is_a_warning() {
        let mut f = healthy();
        f.ports[0] = PortFact {
            port: 8088,
            holders: Ok(vec![Holder {
                name: "web".to_owned(),
                image: "diamol/ch02-hello-diamol-web".to_owned(),
                state: "running".to_owned(),
                ports: vec![8088],
            }]),
            bind: Bind::NotTried,
        };
        let findings = judge(&f, Lang::En);
        let line = &findings.lines[5];
        assert_eq!(line.status, Status::Warn);
        assert_eq!(
            line.detail,
            "8088 is published by container `web` (diamol/ch02-hello-diamol-web, running)"
        );
        assert!(!findings.failed());
        insta::assert_snapshot!(both(&f));
    }

    #[test]
    fn port_taken_by_another_program_fails() {
        let mut f = healthy();
        f.ports[0].bind = Bind::InUse;
        let findings = judge(&f, Lang::En);
        assert_eq!(findings.lines[5].status, Status::Fail);
        assert!(findings.failed());
        insta::assert_snapshot!(both(&f));

        f.host.platform = Platform::MacOs;
        let mac = judge(&f, Lang::En).lines[5].fix.clone().expect("a fix");
        assert!(mac.contains("lsof -iTCP:8088 -sTCP:LISTEN"), "{mac}");
    }

    #[test]
    fn missing_image_fails_with_both_ways_to_get_it() {
        let mut f = healthy();
        f.images[2].state = ImageState::Missing;
        f.images[3].state = ImageState::Present {
            id: "605c77e624dd".to_owned(),
            standin: false,
        };
        let findings = judge(&f, Lang::En);
        assert_eq!(findings.lines[3].status, Status::Fail);
        let fix = findings.lines[3].fix.as_deref().expect("a fix");
        assert!(fix.contains("`docklings images`") && fix.contains("--standin"));
        insta::assert_snapshot!(both(&f));
    }

    #[test]
    fn non_utf8_locale_and_no_terminal_warn() {
        let mut f = healthy();
        f.locale = Locale {
            vars: vec![
                ("LC_ALL".to_owned(), "C".to_owned()),
                ("LANG".to_owned(), "ko_KR.UTF-8".to_owned()),
            ],
            picked: Lang::En,
        };
        f.terminal = Terminal {
            stdin_tty: false,
            stdout_tty: false,
            width: 80,
            color: false,
            no_color: true,
        };
        let findings = judge(&f, Lang::En);
        let locale = findings.lines.last().expect("a locale line");
        assert_eq!(locale.status, Status::Warn);
        // LC_ALL overrides LANG, so LC_ALL is what must change.
        assert!(
            locale
                .fix
                .as_deref()
                .is_some_and(|x| x.contains("export LC_ALL=")),
            "{locale:?}"
        );
        assert_eq!(
            findings.lines[findings.lines.len() - 2].status,
            Status::Warn
        );
        assert!(!findings.failed());
        insta::assert_snapshot!(both(&f));

        // Nothing set at all is the C locale: not UTF-8 either.
        f.locale.vars.clear();
        assert_eq!(oks(&f).last(), Some(&Status::Warn));
        // The Windows console is Unicode whatever the variables say.
        f.host.platform = Platform::Windows;
        assert_eq!(oks(&f).last(), Some(&Status::Pass));
    }

    #[test]
    fn ids_are_shortened_like_docker_image_ls() {
        assert_eq!(
            short_id("sha256:1f4ecee66935c4f1b3b0d0c2e1b9a6f1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7"),
            "1f4ecee66935"
        );
    }

    #[test]
    fn probing_sees_a_listener() {
        // An ephemeral port, never a lab's: other tests publish 8088 on this engine.
        let held = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        let port = held.local_addr().expect("addr").port();
        assert_eq!(
            probe_port(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port),
            Bind::InUse
        );
        drop(held);
        assert_eq!(
            probe_port(IpAddr::V4(Ipv4Addr::LOCALHOST), port),
            Bind::Free
        );
    }

    /// The real thing against this machine's engine, which has the four stand-ins.
    #[tokio::test]
    async fn diagnoses_this_machine() {
        let cat = crate::lab::Catalog::load(&crate::lab::embedded_sources()).expect("labs load");
        let labs: Vec<&Lab> = cat.labs.iter().collect();
        // Probe on loopback only and for an instant: other tests publish 8088 concurrently.
        let facts = gather_with(&labs, |p| probe_port(IpAddr::V4(Ipv4Addr::LOCALHOST), p)).await;
        assert!(
            matches!(&facts.engine, EngineState::Up(Ok(v)) if !v.version.is_empty()),
            "{:?}",
            facts.engine
        );
        let refs: Vec<&str> = facts.images.iter().map(|i| i.reference.as_str()).collect();
        for want in [
            "diamol/ch02-hello-diamol:latest",
            "diamol/base:latest",
            "diamol/ch02-hello-diamol-web:latest",
            "nginx:latest",
        ] {
            assert!(refs.contains(&want), "{want} not in {refs:?}");
        }
        for i in &facts.images {
            assert!(
                matches!(i.state, ImageState::Present { .. }),
                "{}: {:?}",
                i.reference,
                i.state
            );
        }
        assert!(
            facts.ports.iter().any(|p| p.port == 8088),
            "{:?}",
            facts.ports
        );
        for lang in [Lang::En, Lang::Ko] {
            let findings = judge(&facts, lang);
            assert_eq!(findings.lines[0].status, Status::Pass);
            println!("{}", render(&findings, &Style::plain()));
        }
    }
}
