//! `http`: a GET on a loopback URL answers with the status and page the step asks for.

use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::diff::{first_difference, same_content};
use super::kind::{Kind, Lint, LintCx, compile_patterns, lint_select};
use super::select::{named_state, running};
use super::{Ctx, Probe, StepCx};
use crate::engine::EngineError;
use crate::lab::{Footprint, Select};
use crate::pattern::{Pattern, Vars};
use crate::snapshot::{Container, Snapshot};
use crate::verdict::{Code, Finding, Value, Verdict};

/// `http`: a GET on a loopback URL.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct HttpCheck {
    /// `http://localhost:PORT/...` or `http://127.0.0.1:...`: loopback only.
    pub(crate) url: String,
    /// Expected status (default 200).
    pub(crate) status: Option<u16>,
    /// Patterns the body must satisfy.
    pub(crate) body: Option<Vec<String>>,
    /// The body must equal this file inside the container that serves the URL.
    pub(crate) body_equals_file: Option<FileRef>,
    /// The body must equal the file on the host behind this container path (through the
    /// container's bind mount), read when the check runs: the page comes from the host.
    pub(crate) body_equals_host_file: Option<FileRef>,
    /// The body must equal this lab file.
    pub(crate) body_equals_lab_file: Option<String>,
    /// `body`, compiled by `prepare`.
    #[serde(skip)]
    #[schemars(skip)]
    pub(crate) compiled: Vec<Pattern>,
}

/// A file inside a selected container.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileRef {
    /// The container that holds the file.
    pub(crate) select: Select,
    /// Absolute path inside the container.
    pub(crate) path: String,
}

impl Kind for HttpCheck {
    const NAME: &'static str = "http";

    fn prepare(&mut self, cx: &LintCx) -> Vec<Lint> {
        let mut lints = Vec::new();
        match crate::lab::split_http_url(&self.url) {
            None => lints.push(Lint::at(
                "url",
                format!(
                    "`{}` is not an http:// URL (https and userinfo are not supported)",
                    self.url
                ),
            )),
            Some((host, ..)) if crate::lab::loopback_port(&self.url).is_none() => {
                lints.push(Lint::at(
                    "url",
                    format!(
                        "`{}`: http checks may only reach loopback (localhost, 127.0.0.1, [::1]), not `{host}`",
                        self.url
                    ),
                ))
            }
            _ => {}
        }
        if let Some(b) = &self.body {
            self.compiled = compile_patterns(b, "http.body", "body", &mut lints);
        }
        if let Some(f) = &self.body_equals_file {
            lints.extend(lint_select(
                &f.select,
                "http.body_equals_file.select",
                "body_equals_file",
            ));
        }
        if let Some(f) = &self.body_equals_host_file {
            lints.extend(lint_select(
                &f.select,
                "http.body_equals_host_file.select",
                "body_equals_host_file",
            ));
        }
        if let Some(n) = &self.body_equals_lab_file {
            lints.extend(cx.lab_file(n, "body_equals_lab_file"));
        }
        lints
    }

    fn footprint(&self, fp: &mut Footprint) {
        for f in self
            .body_equals_file
            .iter()
            .chain(&self.body_equals_host_file)
        {
            fp.add_select(&f.select);
        }
        if let Some(p) = crate::lab::loopback_port(&self.url) {
            fp.ports.insert(p);
        }
    }

    fn recheck_without_event(&self) -> bool {
        true
    }

    async fn evaluate<P: Probe>(
        &self,
        cx: &Ctx<'_, P>,
        _: &StepCx<'_>,
        snap: &Snapshot,
    ) -> Result<Verdict, EngineError> {
        evaluate(cx, self, &self.compiled, snap).await
    }
}

async fn evaluate<P: Probe>(
    cx: &Ctx<'_, P>,
    h: &HttpCheck,
    pats: &[Pattern],
    snap: &Snapshot,
) -> Result<Verdict, EngineError> {
    let want_status = h.status.unwrap_or(200);
    let expected = expected(h, pats, want_status);
    let resp = match crate::http::get(&h.url, Duration::from_secs(3)).await {
        Ok(r) => r,
        Err(e) => {
            let mut observed = vec![e.finding()];
            observed.extend(port_owner(&h.url, snap));
            // Waiting helps a server that is starting, not one that does not exist.
            let terminal = !port_is_published(&h.url, snap);
            return Ok(Verdict::fail(
                Finding::new(Code::HttpNoAnswer).with("url", &h.url),
                expected,
                observed,
            )
            .terminal(terminal));
        }
    };
    let mut problems = Vec::new();
    if resp.status != want_status {
        problems.push(Finding::new(Code::HttpStatus).with("status", resp.status));
    }
    let body = String::from_utf8_lossy(&resp.body).into_owned();
    for p in pats {
        if !p.matches(&body, &Vars::new()) {
            problems.push(
                Finding::new(Code::HttpBodyMismatch)
                    .with("pattern", &p.source)
                    .with("start", Value::Excerpt(body.clone())),
            );
        }
    }
    if let Some(name) = &h.body_equals_lab_file
        && let Some(want) = cx.lab.files.get(name)
        && !same_content(want, &resp.body)
    {
        problems.push(
            Finding::new(Code::HttpBodyDiffersLab)
                .with("name", name)
                .with("diff", first_difference(want, &resp.body)),
        );
    }
    if let Some(fref) = &h.body_equals_file {
        problems.extend(compare_with_served_file(cx, h, fref, &resp.body, snap).await?);
    }
    if let Some(fref) = &h.body_equals_host_file {
        problems.extend(compare_with_host_file(fref, &resp.body, snap));
    }
    if problems.is_empty() {
        return Ok(Verdict::pass(
            Finding::new(Code::HttpAnswers)
                .with("url", &h.url)
                .with("status", resp.status),
            expected,
            vec![
                Finding::new(Code::HttpGot)
                    .with("status", resp.status)
                    .with("bytes", resp.body.len()),
            ],
        ));
    }
    // A server that answers the right status with the wrong page will keep doing so until
    // the learner acts; only a status can still change by waiting.
    let terminal = resp.status == want_status;
    Ok(Verdict::fail(
        Finding::new(Code::HttpUnexpected).with("url", &h.url),
        expected,
        problems,
    )
    .terminal(terminal))
}

fn expected(h: &HttpCheck, pats: &[Pattern], status: u16) -> Vec<Finding> {
    let mut e = vec![
        Finding::new(Code::ExpectGet)
            .with("url", &h.url)
            .with("status", status),
    ];
    for p in pats {
        e.push(Finding::new(Code::ExpectBodyMatches).with("pattern", &p.source));
    }
    if let Some(name) = &h.body_equals_lab_file {
        e.push(Finding::new(Code::ExpectBodyEqualsLab).with("name", name));
    }
    if let Some(f) = &h.body_equals_file {
        e.push(Finding::new(Code::ExpectBodyEqualsFile).with("path", &f.path));
    }
    if let Some(f) = &h.body_equals_host_file {
        e.push(Finding::new(Code::ExpectBodyEqualsHostFile).with("path", &f.path));
    }
    e
}

/// The body against the file it should be, read inside the container that serves it.
async fn compare_with_served_file<P: Probe>(
    cx: &Ctx<'_, P>,
    h: &HttpCheck,
    fref: &FileRef,
    body: &[u8],
    snap: &Snapshot,
) -> Result<Option<Finding>, EngineError> {
    let path = &fref.path;
    let Some(c) = serving_container(&h.url, &fref.select, snap) else {
        return Ok(Some(
            Finding::new(Code::HttpNoServer)
                .with("sel", &fref.select)
                .with("url", &h.url),
        ));
    };
    Ok(match cx.probe.read_file(&c.id, path).await? {
        None => Some(
            Finding::new(Code::HttpNoFileIn)
                .with("name", &c.name)
                .with("path", path),
        ),
        Some(f) if !same_content(&f.content, body) => Some(
            Finding::new(Code::HttpBodyDiffersFile)
                .with("path", path)
                .with("name", &c.name)
                .with("diff", first_difference(&f.content, body)),
        ),
        Some(_) => None,
    })
}

/// The body against the host file behind a container path, read now.
fn compare_with_host_file(fref: &FileRef, body: &[u8], snap: &Snapshot) -> Vec<Finding> {
    let host = match super::host_file::behind(&fref.select, &fref.path, snap) {
        Ok(p) => p,
        Err(why) => return why,
    };
    let shown = host.display().to_string();
    match std::fs::read(&host) {
        Err(_) => vec![Finding::new(Code::HostFileUnreadable).with("host", &shown)],
        Ok(want) if !same_content(&want, body) => vec![
            Finding::new(Code::HttpBodyDiffersHostFile)
                .with("host", &shown)
                .with("diff", first_difference(&want, body)),
        ],
        Ok(_) => Vec::new(),
    }
}

/// The container behind a loopback URL: a running match publishing that host port, else
/// any running match.
fn serving_container<'s>(url: &str, select: &Select, snap: &'s Snapshot) -> Option<&'s Container> {
    let port = crate::lab::loopback_port(url);
    let running = running(select, snap);
    running
        .iter()
        .find(|c| port.is_some_and(|p| c.ports.iter().any(|b| b.host_port == p)))
        .or_else(|| running.first())
        .copied()
}

/// Does a running container publish the URL's port?
fn port_is_published(url: &str, snap: &Snapshot) -> bool {
    crate::lab::loopback_port(url).is_some_and(|port| {
        snap.containers
            .iter()
            .any(|c| c.is_running() && c.ports.iter().any(|p| p.host_port == port))
    })
}

/// Who holds a loopback port, for "nothing answers" messages.
fn port_owner(url: &str, snap: &Snapshot) -> Option<Finding> {
    let port = crate::lab::loopback_port(url)?;
    let holders: Vec<Finding> = snap
        .containers
        .iter()
        .filter(|c| {
            c.ports.iter().any(|p| p.host_port == port)
                || c.requested_ports.iter().any(|p| p.host_port == port)
        })
        .map(|c| named_state(c, snap))
        .collect();
    Some(if holders.is_empty() {
        Finding::new(Code::PortFree).with("port", port)
    } else {
        Finding::new(Code::PortHeldBy)
            .with("port", port)
            .with("holders", Value::List(holders))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::tests::{snap, web};
    use crate::lab::Lang;
    use crate::words::render;

    #[test]
    fn the_port_owner_is_named() {
        let s = snap(vec![web("web", 8088)]);
        let held = port_owner("http://localhost:8088", &s).expect("a loopback URL");
        assert_eq!(
            render(&held, Lang::Ko),
            "8088번 포트를 쓰는 컨테이너: `web` (실행 중)"
        );
        let free = port_owner("http://localhost:8089", &s).expect("a loopback URL");
        assert_eq!(
            render(&free, Lang::Ko),
            "8089번 포트를 공개한 컨테이너 없음"
        );
        assert_eq!(render(&free, Lang::En), "no container publishes port 8089");
        assert!(port_is_published("http://localhost:8088", &s));
    }
}
