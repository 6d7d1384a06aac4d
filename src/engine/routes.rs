//! The Docker Engine API's routes, read the way the engine's router reads them: what a
//! request such as `DELETE /v1.41/containers/web?force=1` does, and to which container,
//! network, image, exec or volume. The submission guard rules on this; it lives here
//! because only `engine/` knows the API's paths.

use std::collections::HashSet;

/// What a request does, by its method and target.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// Reads nothing that belongs to anyone: pings, versions, registry look-ups.
    Read,
    /// Lists every thing of a kind, with details: what the submission did not create must
    /// be left out of the answer.
    List(Kind),
    /// Reads one thing's details: inspect, logs, top, stats, changes, export, archive,
    /// history, save.
    Inspect(Subject),
    /// `docker image save` of several images (`/images/get?names=…`).
    Save(Vec<String>),
    /// Shows everything on the engine at once (`docker events`, `docker system df`).
    Everything(&'static str),
    /// `…/prune` of any kind: removes whatever is unused, whoever made it.
    Prune,
    /// Makes something new; how depends on the body or the query.
    Create(Making),
    /// `POST /images/{name}/tag?repo=…&tag=…`.
    Tag { image: String },
    /// `POST /images/{name}/push`: sends an image away from the engine.
    Push(String),
    /// Registry login and BuildKit sessions: nothing on the engine changes.
    Session,
    /// Changes the thing it names, or reaches into it (attach, exec, archive).
    Acts(Subject),
    /// Any other request: `method` and the decoded path without its version.
    Other { method: String, path: String },
    /// A target the engine's router might read differently from us (`..`, `//`, `%00`),
    /// with why.
    Unusual(String),
}

/// The kinds of things a submission can list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Containers,
    Networks,
    Volumes,
    Images,
}

/// What a creating request makes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Making {
    Container,
    /// `docker exec`'s first request, on a container.
    Exec(String),
    /// `docker update` of a container's resources.
    Update(String),
    Network,
    Volume,
    Build,
    Pull,
    Import,
    Load,
    /// `docker commit`, from a container.
    Commit(String),
    /// Cancelling a build.
    Cancel,
}

/// The thing a request acts on, as the request names it (a name, ID or ID prefix).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Subject {
    Container {
        reference: String,
        /// What the request does to it, for messages (`remove`, `` `kill` ``).
        action: String,
    },
    Network(String),
    Image(String),
    Exec(String),
    Volume(String),
    /// `network connect`/`disconnect`: the container is named in the body, which
    /// [`connect_container`] reads.
    Attach {
        network: String,
        action: String,
    },
}

/// Read a request by its method and target (`/v1.41/containers/web/kill?signal=KILL`).
pub(crate) fn route(method: &str, target: &str) -> Route {
    let (path, query) = match split_target(target) {
        Ok(x) => x,
        Err(e) => return Route::Unusual(e),
    };
    let method = method.to_ascii_uppercase();
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let container = |r: &str, a: &str| Subject::Container {
        reference: r.to_owned(),
        action: a.to_owned(),
    };
    if matches!(method.as_str(), "GET" | "HEAD") {
        return read_route(&segs, &query);
    }
    if segs.last() == Some(&"prune") {
        return Route::Prune;
    }
    match (method.as_str(), &segs[..]) {
        (_, ["_ping"]) => Route::Read,
        ("POST", ["containers", "create"]) => Route::Create(Making::Container),
        ("DELETE", ["containers", c]) => Route::Acts(container(c, "remove")),
        ("POST", ["containers", c, "exec"]) => Route::Create(Making::Exec((*c).to_owned())),
        ("POST", ["containers", c, "update"]) => Route::Create(Making::Update((*c).to_owned())),
        (_, ["containers", c, rest @ ..]) if !rest.is_empty() => {
            Route::Acts(container(c, &format!("`{}`", rest.join("/"))))
        }
        ("POST", ["networks", "create"]) => Route::Create(Making::Network),
        ("DELETE", ["networks", n]) => Route::Acts(Subject::Network((*n).to_owned())),
        ("POST", ["networks", n, a @ ("connect" | "disconnect")]) => Route::Acts(Subject::Attach {
            network: (*n).to_owned(),
            action: (*a).to_owned(),
        }),
        ("POST", ["images", "create"]) => match query_param(&query, "fromImage") {
            Some(_) => Route::Create(Making::Pull),
            None => Route::Create(Making::Import),
        },
        ("POST", ["images", "load"]) => Route::Create(Making::Load),
        ("DELETE", ["images", rest @ ..]) if !rest.is_empty() => {
            Route::Acts(Subject::Image(rest.join("/")))
        }
        ("POST", ["images", rest @ .., "tag"]) if !rest.is_empty() => Route::Tag {
            image: rest.join("/"),
        },
        ("POST", ["images", rest @ .., "push"]) if !rest.is_empty() => Route::Push(rest.join("/")),
        ("POST", ["build"]) => Route::Create(Making::Build),
        ("POST", ["build", "cancel"]) => Route::Create(Making::Cancel),
        ("POST", ["commit"]) => match query_param(&query, "container") {
            Some(c) => Route::Create(Making::Commit(c)),
            None => Route::Other { method, path },
        },
        ("POST", ["exec", id, "start" | "resize"]) => Route::Acts(Subject::Exec((*id).to_owned())),
        ("POST", ["volumes", "create"]) => Route::Create(Making::Volume),
        ("DELETE", ["volumes", v]) => Route::Acts(Subject::Volume((*v).to_owned())),
        ("POST", ["auth"]) | (_, ["session" | "grpc"]) => Route::Session,
        _ => Route::Other { method, path },
    }
}

/// A GET or HEAD: lists, one thing's details, everything at once, or nothing of anyone's.
fn read_route(segs: &[&str], query: &str) -> Route {
    let container = |r: &str, a: &str| Subject::Container {
        reference: r.to_owned(),
        action: a.to_owned(),
    };
    match segs {
        ["containers", "json"] => Route::List(Kind::Containers),
        // The websocket attach is a GET, but it writes to the container's stdin.
        ["containers", c, "attach", "ws"] => Route::Acts(container(c, "attach to")),
        ["containers", c, rest @ ..] => {
            let what = rest.first().copied().unwrap_or("inspect");
            Route::Inspect(container(c, &format!("read the `{what}` of")))
        }
        ["exec", id, ..] => Route::Inspect(Subject::Exec((*id).to_owned())),
        ["images", "json"] => Route::List(Kind::Images),
        ["images", "get"] => Route::Save(query_params(query, "names")),
        ["images", "search"] => Route::Read,
        ["images", rest @ .., "json" | "history" | "get"] if !rest.is_empty() => {
            Route::Inspect(Subject::Image(rest.join("/")))
        }
        ["networks"] => Route::List(Kind::Networks),
        ["networks", n, ..] => Route::Inspect(Subject::Network((*n).to_owned())),
        ["volumes"] => Route::List(Kind::Volumes),
        ["volumes", v, ..] => Route::Inspect(Subject::Volume((*v).to_owned())),
        ["events"] => Route::Everything("docker events"),
        ["system", "df"] => Route::Everything("docker system df"),
        _ => Route::Read,
    }
}

/// `/v1.41/containers/a%20b/json?x=1` → (`/containers/a b/json`, `x=1`). Refuses paths the
/// engine's router might read differently from us (`..`, `//`, `%00`).
fn split_target(target: &str) -> Result<(String, String), String> {
    let (raw_path, query) = target.split_once('?').unwrap_or((target, ""));
    if !raw_path.starts_with('/') {
        return Err(format!("unusual request target `{target}`"));
    }
    let bytes = percent_decode(raw_path.as_bytes(), false);
    let path = String::from_utf8(bytes).map_err(|_| format!("unusual path `{raw_path}`"))?;
    if path.contains('\0') || path.contains("//") || path.split('/').any(|s| s == "." || s == "..")
    {
        return Err(format!("unusual path `{raw_path}`"));
    }
    let path = strip_version(&path).to_owned();
    Ok((path, query.to_owned()))
}

/// `/v1.41/x` → `/x`: the engine accepts any version prefix.
fn strip_version(path: &str) -> &str {
    if let Some(rest) = path.strip_prefix("/v") {
        let end = rest.find('/').unwrap_or(rest.len());
        let v = &rest[..end];
        if !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return if end == rest.len() { "/" } else { &rest[end..] };
        }
    }
    path
}

fn percent_decode(s: &[u8], plus_is_space: bool) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'%' if i + 2 < s.len() => match (hex(s[i + 1]), hex(s[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// The first value of a query parameter, decoded as the engine decodes it.
pub(crate) fn query_param(query: &str, name: &str) -> Option<String> {
    query_params(query, name).into_iter().next()
}

/// Every value of a query parameter, decoded.
pub(crate) fn query_params(query: &str, name: &str) -> Vec<String> {
    query
        .split('&')
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            let k = String::from_utf8(percent_decode(k.as_bytes(), true)).ok()?;
            (k == name).then(|| String::from_utf8_lossy(&percent_decode(v.as_bytes(), true)).into())
        })
        .collect()
}

/// The query of a request target, undecoded (`""` when there is none).
pub(crate) fn query_of(target: &str) -> &str {
    target.split_once('?').map(|(_, q)| q).unwrap_or("")
}

/// `nginx` → `nginx:latest`, `docker.io/library/nginx:1` → `nginx:1`: how the engine lists
/// tags. `None` for a digest reference, which is not a tag.
pub(crate) fn familiar_tag(reference: &str) -> Option<String> {
    if reference.contains('@') {
        return None;
    }
    let mut r = reference;
    for p in ["docker.io/", "index.docker.io/"] {
        r = r.strip_prefix(p).unwrap_or(r);
    }
    r = r.strip_prefix("library/").unwrap_or(r);
    let last = r.rsplit('/').next().unwrap_or(r);
    Some(if last.contains(':') {
        r.to_owned()
    } else {
        format!("{r}:latest")
    })
}

/// The container a `network connect`/`disconnect` body names. The engine matches JSON keys
/// without regard to case, so every spelling counts, and two different answers are refused.
pub(crate) fn connect_container(body: &[u8]) -> Result<String, String> {
    let v: serde_json::Value = serde_json::from_slice(body)
        .map_err(|_| "the guard could not read the request body".to_owned())?;
    let found: HashSet<&str> = v
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.eq_ignore_ascii_case("container"))
        .filter_map(|(_, v)| v.as_str())
        .collect();
    match found.len() {
        1 => Ok(found.into_iter().next().unwrap_or_default().to_owned()),
        0 => Err("the request names no container".into()),
        _ => Err("the request names two containers".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_stripped_only_when_they_are_versions() {
        assert_eq!(strip_version("/v1.41/containers/json"), "/containers/json");
        assert_eq!(strip_version("/volumes/v1"), "/volumes/v1");
        assert_eq!(strip_version("/v1.41"), "/");
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode(b"a%20b%zz%", false), b"a b%zz%");
        assert_eq!(percent_decode(b"a+b%2B", true), b"a b+");
        assert_eq!(percent_decode(b"%41", false), b"A");
        assert_eq!(
            query_param("all=1&container=web%31", "container").as_deref(),
            Some("web1")
        );
        assert_eq!(query_param("all=1", "container"), None);
    }

    #[test]
    fn connect_bodies_name_one_container() {
        assert_eq!(
            connect_container(br#"{"Container":"web","EndpointConfig":{}}"#).as_deref(),
            Ok("web")
        );
        assert!(connect_container(br#"{"Container":"web","container":"victim"}"#).is_err());
        assert!(connect_container(b"{}").is_err());
        assert!(connect_container(b"not json").is_err());
    }

    #[test]
    fn tags_as_the_engine_lists_them() {
        assert_eq!(familiar_tag("nginx").as_deref(), Some("nginx:latest"));
        assert_eq!(
            familiar_tag("docker.io/library/nginx:1.2").as_deref(),
            Some("nginx:1.2")
        );
        assert_eq!(
            familiar_tag("localhost:5000/a/b").as_deref(),
            Some("localhost:5000/a/b:latest")
        );
        assert_eq!(familiar_tag("nginx@sha256:abc"), None);
    }

    #[test]
    fn what_a_request_does() {
        assert_eq!(
            route("GET", "/v1.41/containers/json?all=1"),
            Route::List(Kind::Containers)
        );
        assert_eq!(route("GET", "/v1.41/version"), Route::Read);
        assert_eq!(
            route("GET", "/events?since=1"),
            Route::Everything("docker events")
        );
        assert_eq!(
            route("GET", "/v1.41/containers/web/logs?stdout=1"),
            Route::Inspect(Subject::Container {
                reference: "web".into(),
                action: "read the `logs` of".into()
            })
        );
        assert_eq!(
            route("HEAD", "/containers/web/archive?path=/"),
            Route::Inspect(Subject::Container {
                reference: "web".into(),
                action: "read the `archive` of".into()
            })
        );
        assert_eq!(
            route("GET", "/images/diamol/base:latest/json"),
            Route::Inspect(Subject::Image("diamol/base:latest".into()))
        );
        assert_eq!(
            route("GET", "/images/get?names=a&names=b%3A1"),
            Route::Save(vec!["a".into(), "b:1".into()])
        );
        assert_eq!(route("POST", "/v1.41/volumes/prune"), Route::Prune);
        assert_eq!(
            route("POST", "/images/nginx/tag?repo=mine"),
            Route::Tag {
                image: "nginx".into()
            }
        );
        assert_eq!(route("POST", "/auth"), Route::Session);
        assert_eq!(
            route("POST", "/commit?container=web&repo=x"),
            Route::Create(Making::Commit("web".into()))
        );
        assert_eq!(
            route("POST", "/images/create?fromImage=nginx&tag=1"),
            Route::Create(Making::Pull)
        );
        assert_eq!(
            route("POST", "/images/create?fromSrc=-&repo=x"),
            Route::Create(Making::Import)
        );
        assert_eq!(
            route("POST", "/v1.41/containers/web/exec"),
            Route::Create(Making::Exec("web".into()))
        );
        assert_eq!(
            route("POST", "/v1.41/swarm/leave?force=1"),
            Route::Other {
                method: "POST".into(),
                path: "/swarm/leave".into()
            }
        );
        assert!(matches!(
            route("DELETE", "/containers/%2e%2e/v"),
            Route::Unusual(_)
        ));
    }
}
