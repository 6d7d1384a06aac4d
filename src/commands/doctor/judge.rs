//! Judging `doctor`'s facts: facts in, findings out, in the learner's language, with the
//! fix that applies on this kind of machine. No I/O here, so every judgement is tested with
//! made-up facts.

use super::facts::{
    Bind, EngineState, Facts, Holder, Host, ImageFact, ImageState, Locale, Platform, PortFact,
    Terminal, Tool,
};
use super::{Findings, Line, Status};
use crate::engine::endpoint::{ContextBy, Elsewhere, EndpointError, Place, Source, Unsupported};
use crate::engine::{MIN_API, VersionInfo};
use crate::lab::Lang;
use crate::words::pick;

/// Turn facts into findings, in the order a learner should fix them.
pub(crate) fn judge(f: &Facts, lang: Lang) -> Findings {
    let mut lines = vec![judge_engine(&f.host, &f.engine, lang)];
    lines.extend(
        f.host
            .elsewhere
            .iter()
            .map(|e| judge_elsewhere(&f.host, e, lang)),
    );
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
        EngineState::Up(Ok(v)) => {
            // All is well: the default needs no story.
            let found = match &h.source {
                Some(Source::Default {
                    by: None,
                    desktop: false,
                }) => pick(lang, "the default".into(), "기본값".into()),
                other => found_words(other.as_ref(), lang),
            };
            Line {
                status: Status::Pass,
                what,
                detail: pick(lang, format!("{} at {} ({found})", version_text(v), h.target), format!("{} ({found}), {}", h.target, version_text(v))),
                fix: None,
            }
        }
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
        EngineState::NoEndpoint(e) => Line {
            status: Status::Fail,
            what,
            detail: endpoint_problem(e, lang),
            fix: Some(endpoint_hint(e, lang)),
        },
        EngineState::Unreachable(detail) => {
            let from = found_words(h.source.as_ref(), lang);
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

/// How the engine was found: "context `colima` from ~/.docker/config.json".
fn found_words(source: Option<&Source>, lang: Lang) -> String {
    let by_words = |by: &ContextBy| match (by, lang) {
        (ContextBy::Flag, Lang::En) => "from --context".to_owned(),
        (ContextBy::Flag, Lang::Ko) => "--context 로 지정".to_owned(),
        (ContextBy::Env, Lang::En) => "from DOCKER_CONTEXT".to_owned(),
        (ContextBy::Env, Lang::Ko) => "DOCKER_CONTEXT 로 지정".to_owned(),
        (ContextBy::Config(path), Lang::En) => format!("from {path}"),
        (ContextBy::Config(path), Lang::Ko) => format!("{path} 의 현재 컨텍스트"),
    };
    match source {
        None => pick(lang, "not found".into(), "찾지 못함".into()),
        Some(Source::HostFlag) => pick(lang, "from --host".into(), "--host 로 지정".into()),
        Some(Source::DockerHost) => pick(
            lang,
            "from DOCKER_HOST".into(),
            "DOCKER_HOST 에 설정된 주소".into(),
        ),
        Some(Source::Context { name, by }) => pick(
            lang,
            format!("context `{name}` {}", by_words(by)),
            format!("컨텍스트 `{name}`, {}", by_words(by)),
        ),
        Some(Source::Default { by, desktop }) => {
            let mut s = match by {
                Some(by) => pick(
                    lang,
                    format!("context `default` {}", by_words(by)),
                    format!("컨텍스트 `default`, {}", by_words(by)),
                ),
                None => pick(
                    lang,
                    "the default; no DOCKER_HOST or docker context is set".into(),
                    "기본값, DOCKER_HOST 도 docker 컨텍스트도 설정되지 않음".into(),
                ),
            };
            if *desktop {
                s.push_str(pick(
                    lang,
                    "; Docker Desktop's own socket, as /var/run/docker.sock does not exist",
                    "; /var/run/docker.sock 이 없어 Docker Desktop 의 소켓",
                ));
            }
            s
        }
    }
}

/// A context name for a socket's owner: "Docker Desktop" → `docker-desktop`.
fn context_name(who: &str) -> String {
    let mut name = String::new();
    for c in who.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    name.trim_end_matches('-').to_owned()
}

/// Why no engine address could be found, in the learner's language.
fn endpoint_problem(e: &EndpointError, lang: Lang) -> String {
    if lang == Lang::En {
        return e.problem();
    }
    match e {
        EndpointError::BothFlags => {
            "--host 와 --context 는 함께 쓸 수 없습니다(docker 와 같습니다)".to_owned()
        }
        EndpointError::UnknownContext { name, by, dir } => format!(
            "docker 컨텍스트 `{name}` ({}) 가 없습니다: `{dir}` 에 그런 컨텍스트가 없습니다",
            ko_by(by)
        ),
        EndpointError::BadConfig { path, detail } => {
            format!("docker CLI 설정 파일 `{path}` 을 읽을 수 없습니다: {detail}")
        }
        EndpointError::BadMeta { name, path, detail } => {
            format!("docker 컨텍스트 `{name}` 가 망가졌습니다: `{path}`: {detail}")
        }
        EndpointError::NeedsTls { host, source } => format!(
            "`{host}` ({}) 의 엔진은 TLS 로 연결해야 하는데, docklings 는 TLS 를 지원하지 않습니다",
            found_words(Some(source), lang)
        ),
        EndpointError::Unsupported { host, source, what } => {
            let why = match what {
                Unsupported::Ssh => "docklings 는 ssh 로 연결하지 않습니다",
                Unsupported::Fd => "fd:// 는 데몬이 듣는 소켓이지 연결할 주소가 아닙니다",
                Unsupported::PipeOffWindows => "named pipe 는 Windows 에만 있습니다",
                Unsupported::UnixOnWindows => {
                    "Windows 의 docklings 는 named pipe 나 tcp 로 연결합니다"
                }
                Unsupported::TcpPath => "docklings 는 tcp 주소 뒤의 경로를 지원하지 않습니다",
            };
            format!(
                "`{host}` ({}) 에 연결할 수 없습니다: {why}",
                found_words(Some(source), lang)
            )
        }
        EndpointError::BadAddress {
            host,
            source,
            detail,
        } => format!(
            "`{host}` ({}) 는 엔진 주소가 아닙니다: {detail}",
            found_words(Some(source), lang)
        ),
    }
}

fn ko_by(by: &ContextBy) -> String {
    match by {
        ContextBy::Flag => "--context 로 지정".to_owned(),
        ContextBy::Env => "DOCKER_CONTEXT 로 지정".to_owned(),
        ContextBy::Config(path) => format!("{path} 의 현재 컨텍스트"),
    }
}

/// What to do about it, in the learner's language.
fn endpoint_hint(e: &EndpointError, lang: Lang) -> String {
    if lang == Lang::En {
        return e.hint();
    }
    match e {
        EndpointError::BothFlags => "둘 중 하나만 주세요.".to_owned(),
        EndpointError::UnknownContext { by, .. } => {
            let back = match by {
                ContextBy::Flag => "그중 하나를 --context 로 주세요",
                ContextBy::Env => "`unset DOCKER_CONTEXT` 하면 현재 컨텍스트를 씁니다",
                ContextBy::Config(_) => "`docker context use default` 로 기본 엔진으로 돌아갑니다",
            };
            format!("`docker context ls` 로 있는 컨텍스트를 봅니다. {back}.")
        }
        EndpointError::BadConfig { .. } => "파일을 고치거나 다른 곳으로 옮기세요(docker CLI 는 경고만 하고 기본 엔진을 쓰지만, docklings 는 어느 엔진인지 짐작하지 않습니다).".to_owned(),
        EndpointError::BadMeta { name, .. } => format!(
            "`docker context inspect {name}` 로 확인하고, `docker context rm {name}` 후 다시 만들거나 `docker context use default` 하세요."
        ),
        EndpointError::NeedsTls { .. } | EndpointError::Unsupported { .. } => "로컬 소켓의 엔진을 쓰거나(Docker Desktop, colima, OrbStack, Rancher Desktop, Podman 모두 있습니다), 원격 엔진을 로컬 소켓으로 넘기세요: `ssh -nNT -L /tmp/docker.sock:/var/run/docker.sock USER@HOST` 후 `--host unix:///tmp/docker.sock`.".to_owned(),
        EndpointError::BadAddress { .. } => "unix:///path/to/docker.sock, tcp://HOST:PORT, (Windows) npipe:////./pipe/NAME 꼴로 쓰세요.".to_owned(),
    }
}

/// The learner's `docker` reaches another engine than docklings: steps typed there would
/// never be seen. A warning, not a failure: docklings' own engine works.
fn judge_elsewhere(h: &Host, e: &Elsewhere, lang: Lang) -> Line {
    let what = "docker CLI".to_owned();
    let ours = &h.target;
    let other = match &e.found {
        Ok(other) => other,
        Err(err) => {
            return Line {
                status: Status::Warn,
                what,
                detail: pick(
                    lang,
                    format!("its own settings name no usable engine: {}", err.problem()),
                    format!(
                        "docker CLI 자체 설정으로는 쓸 엔진이 없습니다: {}",
                        endpoint_problem(err, lang)
                    ),
                ),
                fix: Some(endpoint_hint(err, lang)),
            };
        }
    };
    let found = found_words(Some(&other.source), lang);
    let there = &other.host;
    // What made docklings' choice differ from docker's own, to undo.
    let (drop_en, drop_ko) = match &h.source {
        Some(Source::HostFlag) => ("leave `--host` out", "`--host` 를 빼세요"),
        Some(Source::Context {
            by: ContextBy::Flag,
            ..
        })
        | Some(Source::Default {
            by: Some(ContextBy::Flag),
            ..
        }) => ("leave `--context` out", "`--context` 를 빼세요"),
        Some(Source::Context {
            by: ContextBy::Env, ..
        }) => ("`unset DOCKER_CONTEXT`", "`unset DOCKER_CONTEXT` 하세요"),
        _ => ("`unset DOCKER_HOST`", "`unset DOCKER_HOST` 하세요"),
    };
    let same = match &h.source {
        Some(Source::Context {
            name,
            by: ContextBy::Flag,
        }) => format!("docker --context {name} …"),
        _ => format!("docker --host {ours} …"),
    };
    let (detail, fix) = match e.place {
        Place::NewTerminal => (
            pick(
                lang,
                format!(
                    "`docker` in a new terminal uses `{there}` ({found}), not `{ours}` that docklings checks: docker commands typed there would not be seen"
                ),
                format!(
                    "새 터미널의 `docker` 는 `{there}` ({found}) 를 씁니다. docklings 가 보는 `{ours}` 가 아니므로, 거기서 입력한 docker 명령은 보이지 않습니다"
                ),
            ),
            pick(
                lang,
                format!(
                    "Use one engine everywhere: make the one you want docker's current context (`docker context use NAME`; `docker context ls` lists them) and {drop_en} — docklings follows the docker CLI."
                ),
                format!(
                    "한 엔진만 쓰세요: 원하는 엔진을 docker 의 현재 컨텍스트로 정하고(`docker context use 이름`, 목록은 `docker context ls`) {drop_ko} — docklings 는 docker CLI 를 따라갑니다."
                ),
            ),
        ),
        Place::ThisShell => (
            pick(
                lang,
                format!(
                    "`docker` in this terminal uses `{there}` ({found}), not `{ours}` that docklings was told to check"
                ),
                format!(
                    "이 터미널의 `docker` 는 `{there}` ({found}) 를 씁니다. docklings 에 지정한 `{ours}` 가 아닙니다"
                ),
            ),
            pick(
                lang,
                format!("Give docker the same (`{same}`), or {drop_en}."),
                format!("docker 에도 같은 것을 주거나(`{same}`), {drop_ko}."),
            ),
        ),
    };
    Line {
        status: Status::Warn,
        what,
        detail,
        fix: Some(fix),
    }
}

/// "Docker 20.10.24 (API 1.41, linux/amd64)", "Podman 4.3.1 (API 1.41, linux/amd64)".
fn version_text(v: &VersionInfo) -> String {
    let mut inner = vec![format!("API {}", v.api)];
    if !v.os.is_empty() {
        inner.push(format!("{}/{}", v.os, v.arch));
    }
    format!("{} {} ({})", v.kind.name(), v.version, inner.join(", "))
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
    let t = &h.target;
    match &h.source {
        Some(Source::DockerHost) => lines.push(pick(lang, format!("DOCKER_HOST is set to `{t}`. If your engine is elsewhere, `unset DOCKER_HOST` or point it at the right socket."), format!("DOCKER_HOST 가 `{t}` 로 설정되어 있습니다. 엔진이 다른 곳에 있다면 `unset DOCKER_HOST` 하거나 올바른 소켓으로 바꾸세요."))),
        Some(Source::HostFlag) => lines.push(pick(lang, format!("`--host` is `{t}`. If your engine is elsewhere, give its address, or leave `--host` out to use the docker CLI's engine."), format!("`--host` 가 `{t}` 입니다. 엔진이 다른 곳에 있다면 그 주소를 주거나, `--host` 를 빼서 docker CLI 가 쓰는 엔진을 쓰세요."))),
        Some(Source::Context { name, by }) => {
            let other = match by {
                ContextBy::Flag => pick(lang, "give another `--context`", "다른 `--context` 를 주세요"),
                ContextBy::Env => pick(lang, "`unset DOCKER_CONTEXT`", "`unset DOCKER_CONTEXT` 하세요"),
                ContextBy::Config(_) => pick(lang, "switch with `docker context use NAME`", "`docker context use 이름` 으로 바꾸세요"),
            };
            lines.push(pick(lang, format!("The docker context `{name}` points at `{t}`: start that engine, or {other} (`docker context ls` lists the contexts)."), format!("docker 컨텍스트 `{name}` 는 `{t}` 를 가리킵니다: 그 엔진을 시작하거나, {other} (`docker context ls` 로 컨텍스트 목록을 봅니다).")));
        }
        Some(Source::Default { .. }) | None => {}
    }
    for (who, path) in &h.sockets {
        let name = context_name(who);
        lines.push(pick(lang, format!("A {who} socket exists at `{path}`: make it docker's engine, and docklings follows: `docker context create {name} --docker host=unix://{path}` then `docker context use {name}` (this terminal only: `export DOCKER_HOST=unix://{path}`)"), format!("{who} 의 소켓이 `{path}` 에 있습니다: docker 가 쓰게 하면 docklings 도 따라갑니다: `docker context create {name} --docker host=unix://{path}` 후 `docker context use {name}` (이 터미널에서만: `export DOCKER_HOST=unix://{path}`)")));
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
