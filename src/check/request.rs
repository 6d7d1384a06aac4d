//! `request`: the learner's own request reached a server — a line of its access log
//! (`docker logs`), written after the lab started, that is not one of docklings' own
//! probes (those carry [`crate::http::PROBE_MARK`] in their request target). An `http`
//! check proves the page is served; this proves the learner looked.

use regex::Regex;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kind::{Kind, Lint, LintCx, lint_select};
use super::select::{no_match, nothing_matches, select_containers};
use super::{Ctx, Probe, StepCx};
use crate::engine::{EngineError, LogLine};
use crate::lab::{Footprint, Select};
use crate::snapshot::Snapshot;
use crate::verdict::{Code, Finding, Value, Verdict};

/// `request`: a server container logged a request from the learner (not from docklings).
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RequestCheck {
    /// The server container whose access log is read (running or stopped).
    pub(crate) select: Select,
    /// The request path must start with this, e.g. `/` or `/index.html` (default: any).
    pub(crate) path: Option<String>,
    /// The status the server answered (default: any below 400).
    pub(crate) status: Option<u16>,
}

impl Kind for RequestCheck {
    const NAME: &'static str = "request";
    const EXAMPLE: Option<&'static str> = Some(
        r#"- request:
    select: { image: diamol/ch02-hello-diamol-web }
    path: /
  fail:
    ko: "웹 서버의 접근 로그에 아직 여러분의 요청이 없습니다. 브라우저로 http://localhost:8088 을 열거나 `curl localhost:8088` 을 실행하세요."
    en: "The web server's access log shows no request of yours yet. Open http://localhost:8088 in a browser or run `curl localhost:8088`."
"#,
    );

    fn prepare(&mut self, _: &LintCx) -> Vec<Lint> {
        let mut lints: Vec<Lint> = lint_select(&self.select, "request.select", "select")
            .into_iter()
            .collect();
        if let Some(p) = &self.path
            && !p.starts_with('/')
        {
            lints.push(Lint::at(
                "path",
                format!("request path `{p}` must start with `/`"),
            ));
        }
        lints
    }

    fn footprint(&self, fp: &mut Footprint) {
        fp.add_select(&self.select);
    }

    // A request adds a log line, not an engine event: a failing verdict names the servers
    // whose output a watcher follows (`Verdict::following`), so no timer is needed.

    async fn evaluate<P: Probe>(
        &self,
        cx: &Ctx<'_, P>,
        step: &StepCx<'_>,
        snap: &Snapshot,
    ) -> Result<Verdict, EngineError> {
        let expected = expected(self);
        let servers = select_containers(&self.select, snap);
        if servers.is_empty() {
            return Ok(Verdict::fail(
                no_match(&self.select),
                expected,
                nothing_matches(&self.select, snap),
            ));
        }
        let mut observed = Vec::new();
        let mut early: Option<(Finding, i64)> = None;
        for c in &servers {
            // From the lab's start: a request before the step this one follows is shown
            // as too early rather than as nothing.
            let lines = cx.probe.log_lines(&c.id, cx.since).await?;
            let seen = Seen::read(&lines);
            let (before, after): (Vec<&Request>, Vec<&Request>) = seen
                .requests
                .iter()
                .filter(|r| self.accepts(r))
                // A request stamped only to the second counts if it can have been after.
                .partition(|r| r.latest < step.after);
            if let Some(r) = before.last()
                && early.as_ref().is_none_or(|(_, t)| r.at > *t)
            {
                early = Some((
                    Finding::new(Code::RequestAct)
                        .with("method", &r.method)
                        .with("target", &r.target)
                        .with("client", &r.client),
                    r.at,
                ));
            }
            if let Some(hit) = after.last() {
                return Ok(Verdict::pass(
                    Finding::new(Code::RequestOk),
                    expected,
                    vec![hit.finding(&c.name)],
                )
                .at(hit.at.max(step.after)));
            }
            observed.push(seen.finding(&c.name));
        }
        if let Some((act, at)) = early {
            observed = vec![step.too_early(act, at)];
        }
        let running = servers
            .iter()
            .filter(|c| c.is_running())
            .map(|c| c.id.clone());
        Ok(Verdict::fail(Finding::new(Code::RequestNone), expected, observed).following(running))
    }
}

impl RequestCheck {
    fn accepts(&self, r: &Request) -> bool {
        let path_ok = self.path.as_ref().is_none_or(|p| {
            r.target
                .split('?')
                .next()
                .unwrap_or("")
                .starts_with(p.as_str())
        });
        let status_ok = match self.status {
            Some(s) => r.status == s,
            None => r.status < 400,
        };
        path_ok && status_ok
    }
}

fn expected(r: &RequestCheck) -> Vec<Finding> {
    let mut e = vec![Finding::new(Code::ExpectRequest).with("sel", &r.select)];
    if let Some(p) = &r.path {
        e.push(Finding::new(Code::ExpectRequestPath).with("path", p));
    }
    if let Some(s) = r.status {
        e.push(Finding::new(Code::ExpectRequestStatus).with("status", s));
    }
    e
}

/// One access-log line: who asked what, and what the server answered.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Request {
    at: i64,
    /// The latest moment it can have been: later than `at` when the engine stamps its log
    /// in whole seconds (Podman).
    latest: i64,
    client: String,
    method: String,
    target: String,
    status: u16,
}

impl Request {
    fn finding(&self, server: &str) -> Finding {
        Finding::new(Code::RequestSeen)
            .with("name", server)
            .with("method", &self.method)
            .with("target", &self.target)
            .with("status", self.status)
            .with("client", &self.client)
            .with("time", Value::Clock(self.at))
    }
}

/// What a server's log shows since the lab started.
#[derive(Debug, Default)]
struct Seen {
    /// The learner's requests (docklings' own left out), oldest first.
    requests: Vec<Request>,
    /// How many of docklings' own probes it logged.
    probes: usize,
}

impl Seen {
    fn read(lines: &[LogLine]) -> Seen {
        let mut seen = Seen::default();
        for l in lines {
            let Some(mut r) = parse_access_line(&l.text, l.at) else {
                continue;
            };
            r.latest = l.latest;
            if r.target.contains(crate::http::PROBE_MARK) {
                seen.probes += 1;
            } else {
                seen.requests.push(r);
            }
        }
        seen
    }

    /// Why nothing counted, for one server.
    fn finding(&self, server: &str) -> Finding {
        if let Some(last) = self.requests.last() {
            Finding::new(Code::RequestOnlyOthers)
                .with("name", server)
                .with("last", last.finding(server))
        } else if self.probes > 0 {
            Finding::new(Code::RequestOnlyProbes)
                .with("name", server)
                .with("count", self.probes)
        } else {
            Finding::new(Code::RequestNoneLogged).with("name", server)
        }
    }
}

/// Apache's common and nginx's combined formats:
/// `172.17.0.1 - - [02/Dec/2026:18:00:00 +0000] "GET / HTTP/1.1" 200 45 ...`.
fn parse_access_line(text: &str, at: i64) -> Option<Request> {
    static RE: std::sync::OnceLock<Option<Regex>> = std::sync::OnceLock::new();
    let re = RE
        .get_or_init(|| {
            Regex::new(r#"^(\S+) \S+ \S+ \[[^\]]*\] "([A-Z]+) (\S+)[^"]*" (\d{3}) "#).ok()
        })
        .as_ref()?;
    let c = re.captures(text)?;
    Some(Request {
        at,
        latest: at,
        client: c[1].to_owned(),
        method: c[2].to_owned(),
        target: c[3].to_owned(),
        status: c[4].parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::Lang;
    use crate::words::render;

    fn line(at: i64, text: &str) -> LogLine {
        LogLine {
            at,
            latest: at,
            text: text.into(),
        }
    }

    #[test]
    fn access_lines_of_apache_and_nginx_are_read() {
        let a = parse_access_line(
            r#"172.17.0.1 - - [02/Dec/2026:18:00:00 +0000] "GET /index.html HTTP/1.1" 200 45"#,
            7,
        )
        .expect("apache common");
        assert_eq!(
            (
                a.client.as_str(),
                a.method.as_str(),
                a.target.as_str(),
                a.status,
                a.at
            ),
            ("172.17.0.1", "GET", "/index.html", 200, 7)
        );
        let n = parse_access_line(
            r#"172.17.0.1 - - [02/Dec/2026:18:00:00 +0000] "GET /?docklings-probe=1 HTTP/1.0" 200 615 "-" "docklings-probe""#,
            8,
        )
        .expect("nginx combined");
        assert_eq!(n.target, "/?docklings-probe=1");
        assert!(parse_access_line("AH00558: httpd: Could not reliably determine", 1).is_none());
    }

    #[test]
    fn docklings_probes_never_count_as_the_learners_request() {
        let lines = [
            line(
                1,
                "docklings stand-in: busybox httpd serving /usr/local/apache2/htdocs",
            ),
            line(
                2,
                r#"172.17.0.1 - - [x] "GET /?docklings-probe=1 HTTP/1.0" 200 45"#,
            ),
            line(
                3,
                r#"172.17.0.1 - - [x] "GET /?docklings-probe=1 HTTP/1.0" 200 45"#,
            ),
        ];
        let seen = Seen::read(&lines);
        assert!(seen.requests.is_empty());
        assert_eq!(seen.probes, 2);
        let f = seen.finding("web");
        assert_eq!(f.code, Code::RequestOnlyProbes);
        assert_eq!(
            render(&f, Lang::En),
            "`web` logged only docklings' own checks (2), no request of yours"
        );
        let mut lines = lines.to_vec();
        lines.push(line(
            4_000_000_000,
            r#"172.17.0.1 - - [x] "GET / HTTP/1.1" 200 45 "-" "curl/7.88.1""#,
        ));
        let seen = Seen::read(&lines);
        let check = RequestCheck {
            select: Select::default(),
            path: Some("/".into()),
            status: None,
        };
        let hit = seen
            .requests
            .iter()
            .find(|r| check.accepts(r))
            .expect("curl counts");
        assert_eq!(hit.at, 4_000_000_000);
        assert_eq!(
            render(&hit.finding("web"), Lang::Ko),
            "`web` 이(가) 00:00:04 UTC 에 172.17.0.1 의 GET / 요청에 200 으로 응답함"
        );
    }

    #[test]
    fn path_and_status_narrow_what_counts() {
        let r = |target: &str, status| Request {
            at: 1,
            latest: 1,
            client: "c".into(),
            method: "GET".into(),
            target: target.into(),
            status,
        };
        let check = RequestCheck {
            select: Select::default(),
            path: Some("/index.html".into()),
            status: None,
        };
        assert!(check.accepts(&r("/index.html?x=1", 200)));
        assert!(!check.accepts(&r("/other", 200)));
        assert!(!check.accepts(&r("/index.html", 404)));
        let any = RequestCheck {
            select: Select::default(),
            path: None,
            status: Some(404),
        };
        assert!(any.accepts(&r("/missing", 404)));
    }
}
