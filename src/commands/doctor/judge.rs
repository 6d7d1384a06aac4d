//! Judging `doctor`'s facts: facts in, findings out, in the learner's language, with the
//! fix that applies on this kind of machine. No I/O here, so every judgement is tested with
//! made-up facts.

use super::facts::{
    Bind, EngineState, Facts, Holder, Host, ImageFact, ImageState, Locale, Platform, PortFact,
    Terminal, Tool,
};
use super::{Findings, Line, Status};
use crate::engine::{MIN_API, VersionInfo};
use crate::lab::Lang;
use crate::words::pick;

/// Turn facts into findings, in the order a learner should fix them.
pub(crate) fn judge(f: &Facts, lang: Lang) -> Findings {
    let mut lines = vec![judge_engine(&f.host, &f.engine, lang)];
    if f.engine.is_up() {
        lines.extend(f.images.iter().map(|i| judge_image(i, lang)));
    } else if !f.images.is_empty() {
        // One line, not one failure per image: they all have the same cause, above.
        let list = f
            .images
            .iter()
            .map(|i| i.reference.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        lines.push(Line {
            status: Status::Warn,
            what: pick(lang, "lab images".into(), "실습 이미지".into()),
            detail: pick(
                lang,
                format!("not checked ({list}): no usable engine"),
                format!("확인하지 못함({list}): 쓸 수 있는 엔진이 없습니다"),
            ),
            fix: Some(pick(
                lang,
                "Fix the engine first (above).".into(),
                "위의 엔진 문제를 먼저 해결하세요.".into(),
            )),
        });
    }
    lines.extend(
        f.ports
            .iter()
            .map(|p| judge_port(p, f.host.platform, f.engine.is_up(), lang)),
    );
    lines.push(judge_terminal(&f.terminal, lang));
    lines.push(judge_locale(&f.locale, f.host.platform, lang));
    Findings { lines }
}

fn judge_engine(h: &Host, e: &EngineState, lang: Lang) -> Line {
    let what = pick(lang, "Docker engine".into(), "Docker 엔진".into());
    match e {
        EngineState::Up(Ok(v)) => Line {
            status: Status::Pass,
            what,
            detail: pick(lang, format!("{} at {}", version_text(v), h.target), format!("{}, {}", h.target, version_text(v))),
            fix: None,
        },
        EngineState::Up(Err(err)) => Line {
            status: Status::Warn,
            what,
            detail: pick(lang, format!("reachable at {}, but it did not tell its version: {err}", h.target), format!("{} 에 연결했지만 버전을 읽지 못했습니다: {err}", h.target)),
            fix: None,
        },
        EngineState::TooOld { version, api } => Line {
            status: Status::Fail,
            what,
            detail: pick(lang, format!(
                    "Docker {version} (API {api}) is too old: docklings needs Docker 20.10 (API {}.{}) or newer",
                    MIN_API.0, MIN_API.1
                ), format!(
                    "Docker {version} (API {api}) 는 너무 오래됐습니다. Docker 20.10 (API {}.{}) 이상이 필요합니다",
                    MIN_API.0, MIN_API.1
                )),
            fix: Some(pick(lang, "Update Docker: https://docs.docker.com/engine/install/ (Docker Desktop: Check for updates in its menu)".into(), "Docker 를 업데이트하세요: https://docs.docker.com/engine/install/ (Docker Desktop 은 메뉴의 Check for updates)".into())),
        },
        EngineState::Unreachable(detail) => {
            let from = match (h.docker_host_set, lang) {
                (true, Lang::Ko) => "DOCKER_HOST 에 설정된 주소",
                (true, Lang::En) => "from DOCKER_HOST",
                (false, Lang::Ko) => "기본값, DOCKER_HOST 는 설정되지 않음",
                (false, Lang::En) => "the default; DOCKER_HOST is not set",
            };
            Line {
                status: Status::Fail,
                what,
                detail: pick(lang, format!("cannot reach `{}` ({from}): {detail}", h.target), format!(
                        "`{}` 에 연결할 수 없습니다({from}): {}",
                        h.target,
                        korean_reason(detail)
                    )),
                fix: Some(start_fix(h, detail, lang)),
            }
        }
    }
}

/// "Docker 20.10.24 (API 1.41, linux/amd64)".
fn version_text(v: &VersionInfo) -> String {
    let mut inner = vec![format!("API {}", v.api)];
    if !v.os.is_empty() {
        inner.push(format!("{}/{}", v.os, v.arch));
    }
    format!("Docker {} ({})", v.version, inner.join(", "))
}

/// The engine module's reasons are English; translate the common ones.
fn korean_reason(detail: &str) -> String {
    if let Some(path) = detail
        .strip_prefix("the socket `")
        .and_then(|r| r.strip_suffix("` does not exist"))
    {
        return format!("소켓 `{path}` 이 없습니다");
    }
    if let Some(secs) = detail
        .strip_prefix("no answer within ")
        .and_then(|r| r.strip_suffix('s'))
    {
        return format!("{secs}초 안에 응답이 없습니다");
    }
    detail.to_owned()
}

/// How to get an engine answering on this machine, most likely fix first.
fn start_fix(h: &Host, detail: &str, lang: Lang) -> String {
    let mut lines: Vec<String> = Vec::new();
    if detail.contains("ermission denied") {
        // The engine runs; only the socket's permissions stand in the way.
        lines.push(pick(lang, "Permission denied: join the `docker` group with `sudo usermod -aG docker $USER`, then log out and back in (or run `newgrp docker`).".into(), "권한이 없습니다: `sudo usermod -aG docker $USER` 로 `docker` 그룹에 들어간 뒤 로그아웃했다가 다시 로그인하세요(또는 `newgrp docker`).".into()));
        return lines.join("\n");
    }
    if h.docker_host_set {
        lines.push(pick(lang, format!("DOCKER_HOST is set to `{}`. If your engine is elsewhere, `unset DOCKER_HOST` or point it at the right socket.", h.target), format!("DOCKER_HOST 가 `{}` 로 설정되어 있습니다. 엔진이 다른 곳에 있다면 `unset DOCKER_HOST` 하거나 올바른 소켓으로 바꾸세요.", h.target)));
    }
    for (who, path) in &h.sockets {
        lines.push(pick(lang, format!("A {who} socket exists at `{path}`: `export DOCKER_HOST=unix://{path}` (the docker CLI finds it through `docker context`; docklings only through DOCKER_HOST)"), format!("{who} 의 소켓이 `{path}` 에 있습니다: `export DOCKER_HOST=unix://{path}` (docker CLI 는 `docker context` 로 찾지만 docklings 는 DOCKER_HOST 만 봅니다)")));
    }

    let options = start_options(h.platform, h.tools.contains(&Tool::Systemctl), lang);
    let found: Vec<&String> = options
        .iter()
        .filter(|(tool, _)| h.tools.contains(tool))
        .map(|(_, s)| s)
        .collect();
    let shown: Vec<&String> = if found.is_empty() {
        lines.push(pick(lang, "Docker does not seem to be installed: https://docs.docker.com/get-docker/ — if it is, start it with one of:".into(), "Docker 가 설치되어 있지 않은 것 같습니다: https://docs.docker.com/get-docker/ — 설치했다면 다음 중 하나로 시작하세요:".into()));
        options.iter().map(|(_, s)| s).collect()
    } else {
        lines.push(pick(
            lang,
            "Start the engine, then run `docklings doctor` again:".into(),
            "엔진을 시작한 뒤 `docklings doctor` 를 다시 실행하세요:".into(),
        ));
        found
    };
    lines.extend(shown.into_iter().map(|s| format!("  - {s}")));
    lines.join("\n")
}

/// Ways to start an engine on a platform, each with the tool it needs.
fn start_options(p: Platform, systemd: bool, lang: Lang) -> Vec<(Tool, String)> {
    let desktop = || {
        (
            Tool::DockerDesktop,
            pick(
                lang,
                "Docker Desktop: open it and wait until it says it is running".into(),
                "Docker Desktop: 앱을 열고 실행 중이라고 나올 때까지 기다리세요".into(),
            ),
        )
    };
    let colima = || (Tool::Colima, "colima: `colima start`".to_owned());
    let engine = |cmd: &str| (Tool::Dockerd, format!("Docker Engine: `{cmd}`"));
    match p {
        Platform::Linux | Platform::Other => vec![
            // Containers and some WSL-like setups run without systemd.
            engine(if systemd {
                "sudo systemctl start docker"
            } else {
                "sudo service docker start"
            }),
            desktop(),
            (
                Tool::Podman,
                "Podman: `systemctl --user start podman.socket`, `export DOCKER_HOST=unix://$XDG_RUNTIME_DIR/podman/podman.sock`".into(),
            ),
            colima(),
        ],
        Platform::Wsl => vec![
            (
                Tool::DockerDesktop,
                pick(lang, "Docker Desktop (Windows): open it and turn on this distribution in Settings → Resources → WSL integration".into(), "Docker Desktop (Windows): 앱을 열고 Settings → Resources → WSL integration 에서 이 배포판을 켜세요".into()),
            ),
            engine("sudo service docker start"),
            (
                Tool::Podman,
                "Podman: `systemctl --user start podman.socket`, `export DOCKER_HOST=unix://$XDG_RUNTIME_DIR/podman/podman.sock`".into(),
            ),
        ],
        Platform::MacOs => vec![
            (
                Tool::DockerDesktop,
                pick(lang, "Docker Desktop: `open -a Docker` and wait until it says it is running".into(), "Docker Desktop: `open -a Docker` 후 실행 중이라고 나올 때까지 기다리세요".into()),
            ),
            colima(),
            (
                Tool::Podman,
                "Podman: `podman machine start`, `export DOCKER_HOST=unix://$(podman machine inspect --format '{{.ConnectionInfo.PodmanSocket.Path}}')`".into(),
            ),
        ],
        Platform::Windows => vec![
            desktop(),
            (Tool::Podman, "Podman: `podman machine start`".into()),
        ],
    }
}

fn judge_image(i: &ImageFact, lang: Lang) -> Line {
    let what = pick(
        lang,
        format!("image {}", i.reference),
        format!("이미지 {}", i.reference),
    );
    match &i.state {
        ImageState::Present { id, standin } => Line {
            status: Status::Pass,
            what,
            detail: match (standin, lang) {
                (false, _) => id.clone(),
                (true, Lang::Ko) => format!("{id} (docklings 대체 이미지)"),
                (true, Lang::En) => format!("{id} (docklings stand-in)"),
            },
            fix: None,
        },
        ImageState::Missing => Line {
            status: Status::Fail,
            what,
            detail: pick(lang, "missing".into(), "없음".into()),
            fix: Some(pick(lang, "`docklings images` pulls it (offline: `docklings images --standin` builds a stand-in).".into(), "`docklings images` 로 받으세요(오프라인이면 `docklings images --standin` 으로 대체 이미지를 만드세요).".into())),
        },
        ImageState::Error(e) => Line {
            status: Status::Warn,
            what,
            detail: pick(lang, format!("could not check: {e}"), format!("확인하지 못함: {e}")),
            fix: None,
        },
        ImageState::NotChecked => Line {
            status: Status::Warn,
            what,
            detail: pick(lang, "not checked: the engine is not reachable".into(), "확인하지 못함: 엔진에 연결할 수 없습니다".into()),
            fix: None,
        },
    }
}

fn judge_port(p: &PortFact, platform: Platform, engine_up: bool, lang: Lang) -> Line {
    let port = p.port;
    // The port is in every detail, so several ports read as one list under "ports".
    let what = pick(lang, "ports".into(), "포트".into());
    if let Ok(hs) = &p.holders
        && !hs.is_empty()
    {
        return judge_published_port(port, hs, what, lang);
    }
    let unasked = match (&p.holders, engine_up) {
        (Ok(_), _) => None,
        (Err(_), false) => Some(pick(
            lang,
            "the engine could not be asked whether a container publishes it".into(),
            "엔진에 연결할 수 없어 컨테이너인지는 확인하지 못했습니다".into(),
        )),
        (Err(e), true) => Some(pick(
            lang,
            format!("could not list containers: {e}"),
            format!("컨테이너 목록을 읽지 못했습니다: {e}"),
        )),
    };
    let with_note = |s: String| match &unasked {
        Some(n) => format!("{s} ({n})"),
        None => s,
    };
    match &p.bind {
        // Free is free: who might have published it does not matter, so no note.
        Bind::Free | Bind::NotTried => Line {
            status: Status::Pass,
            what,
            detail: pick(
                lang,
                format!("{port} is free"),
                format!("{port}번 포트 비어 있음"),
            ),
            fix: None,
        },
        Bind::InUse => judge_port_in_use(port, platform, what, with_note, lang),
        Bind::Denied => Line {
            status: Status::Warn,
            what,
            detail: with_note(pick(
                lang,
                "not tested: only root may bind ports below 1024 (the engine binds them as root)"
                    .into(),
                "확인하지 못함: 1024 미만 포트는 root 만 열 수 있습니다(엔진은 root 로 엽니다)"
                    .into(),
            )),
            fix: None,
        },
        Bind::Other(e) => Line {
            status: Status::Warn,
            what,
            detail: with_note(pick(
                lang,
                format!("{port} not tested: {e}"),
                format!("{port}번 포트 확인하지 못함: {e}"),
            )),
            fix: None,
        },
    }
}

/// Containers publish the port: likely the learner's own lab container, worth knowing but
/// not an error.
fn judge_published_port(port: u16, hs: &[Holder], what: String, lang: Lang) -> Line {
    let who = |h: &Holder| format!("`{}` ({}, {})", h.name, h.image, h.state);
    let names = hs
        .iter()
        .map(|h| h.name.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let list = hs.iter().map(who).collect::<Vec<_>>().join(", ");
    Line {
        status: Status::Warn,
        what,
        detail: pick(
            lang,
            format!(
                "{port} is published by container{} {list}",
                if hs.len() == 1 { "" } else { "s" }
            ),
            format!("{port}번 포트를 공개 중인 컨테이너: {list}"),
        ),
        fix: Some(pick(
            lang,
            format!(
                "If it is your lab container, keep using it; if you are done with it: `docker container rm --force {names}`"
            ),
            format!(
                "내 실습 컨테이너라면 그대로 써도 됩니다. 다 썼다면: `docker container rm --force {names}`"
            ),
        )),
    }
}

/// Another program holds the port: how to find it on this platform. `note` adds what could
/// not be asked of the engine.
fn judge_port_in_use(
    port: u16,
    platform: Platform,
    what: String,
    note: impl Fn(String) -> String,
    lang: Lang,
) -> Line {
    let find = match platform {
        Platform::Linux | Platform::Wsl => format!("`sudo ss -ltnp 'sport = :{port}'`"),
        Platform::MacOs => format!("`lsof -iTCP:{port} -sTCP:LISTEN`"),
        Platform::Windows => format!("`netstat -ano | findstr :{port}`"),
        Platform::Other => format!(
            "`sudo ss -ltnp 'sport = :{port}'` (Linux) / `lsof -iTCP:{port} -sTCP:LISTEN` (macOS)"
        ),
    };
    Line {
        status: Status::Fail,
        what,
        detail: note(pick(
            lang,
            format!("port {port} is in use by another program"),
            format!("{port}번 포트를 다른 프로그램이 쓰고 있습니다"),
        )),
        fix: Some(pick(
            lang,
            format!("Find it with {find} and stop it: the labs publish a container on this port."),
            format!(
                "{find} 로 찾아서 그 프로그램을 끄세요. 실습은 이 포트를 쓰는 컨테이너를 띄웁니다."
            ),
        )),
    }
}

fn judge_terminal(term: &Terminal, lang: Lang) -> Line {
    let is = |b: bool| match (b, lang) {
        (true, Lang::Ko) => "터미널",
        (false, Lang::Ko) => "터미널 아님",
        (true, Lang::En) => "a terminal",
        (false, Lang::En) => "not a terminal",
    };
    let tty = match (term.stdin_tty, term.stdout_tty, lang) {
        (true, true, Lang::Ko) => "stdin, stdout 모두 터미널".to_owned(),
        (true, true, Lang::En) => "stdin and stdout are terminals".to_owned(),
        (false, false, Lang::Ko) => "stdin, stdout 모두 터미널 아님".to_owned(),
        (false, false, Lang::En) => "neither stdin nor stdout is a terminal".to_owned(),
        (i, o, Lang::Ko) => format!("stdin {}, stdout {}", is(i), is(o)),
        (i, o, Lang::En) => format!("stdin is {}, stdout is {}", is(i), is(o)),
    };
    let color = match (term.color, lang) {
        (true, Lang::Ko) => "색 켬".to_owned(),
        (true, Lang::En) => "colour on".to_owned(),
        (false, _) => {
            let why = if term.no_color {
                pick(lang, "NO_COLOR is set".into(), "NO_COLOR 설정됨".into())
            } else if !term.stdout_tty {
                pick(
                    lang,
                    "stdout is not a terminal".into(),
                    "stdout 이 터미널이 아님".into(),
                )
            } else {
                "--color never".to_owned()
            };
            pick(lang, format!("colour off ({why})"), format!("색 끔({why})"))
        }
    };
    let width = pick(
        lang,
        format!("{} columns", term.width),
        format!("너비 {}칸", term.width),
    );
    let all_tty = term.stdin_tty && term.stdout_tty;
    Line {
        status: if all_tty { Status::Pass } else { Status::Warn },
        what: pick(lang, "terminal".into(), "터미널".into()),
        detail: format!("{tty}, {width}, {color}"),
        fix: (!all_tty).then(|| {
            pick(lang, "`docklings start` needs a terminal: run it in a terminal window, not through a pipe or CI. `check`, `watch` and `grade` work without one.".into(), "`docklings start` 는 터미널이 필요합니다: 파이프나 CI 가 아닌 터미널 창에서 실행하세요. `check`, `watch`, `grade` 는 터미널 없이도 됩니다.".into())
        }),
    }
}

fn judge_locale(l: &Locale, platform: Platform, lang: Lang) -> Line {
    let get = |k: &str| {
        l.vars
            .iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.as_str())
    };
    // The character set comes from LC_ALL, else LC_CTYPE, else LANG (POSIX precedence).
    let ctype = ["LC_ALL", "LC_CTYPE", "LANG"]
        .into_iter()
        .find_map(|k| get(k).map(|v| (k, v)));
    let utf8 = ctype.is_some_and(|(_, v)| {
        let v = v.to_ascii_lowercase();
        v.contains("utf-8") || v.contains("utf8")
    });
    let vars = if l.vars.is_empty() {
        pick(
            lang,
            "LC_ALL, LC_CTYPE and LANG are not set".into(),
            "LC_ALL, LC_CTYPE, LANG 모두 설정 안 됨".into(),
        )
    } else {
        l.vars
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let picked = match (l.picked, lang) {
        (Lang::Ko, Lang::Ko) => "한국어",
        (Lang::En, Lang::Ko) => "영어",
        (Lang::Ko, Lang::En) => "Korean",
        (Lang::En, Lang::En) => "English",
    };
    let what = pick(lang, "locale".into(), "로케일".into());
    // The Windows console takes Unicode through its own API, whatever the variables say.
    if platform == Platform::Windows || utf8 {
        let charset = if utf8 { "UTF-8" } else { "Windows console" };
        return Line {
            status: Status::Pass,
            what,
            detail: format!("{vars} → {picked}, {charset}"),
            fix: None,
        };
    }
    let var = ctype.map_or("LANG", |(k, _)| k);
    Line {
        status: Status::Warn,
        what,
        detail: pick(
            lang,
            format!("{vars} → {picked}, not UTF-8: Hangul may not display"),
            format!("{vars} → {picked}, UTF-8 아님: 한글이 깨져 보일 수 있습니다"),
        ),
        fix: Some(pick(
            lang,
            format!(
                "`export {var}=C.UTF-8` (Korean: `ko_KR.UTF-8`), e.g. in ~/.bashrc or ~/.zshrc; `locale -a` lists the locales this machine has."
            ),
            format!(
                "`export {var}=ko_KR.UTF-8` (영어는 `C.UTF-8`) 을 ~/.bashrc 나 ~/.zshrc 에 넣으세요. `locale -a` 로 이 컴퓨터에 있는 로케일을 볼 수 있습니다."
            ),
        )),
    }
}
