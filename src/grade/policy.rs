//! What the submission guard lets through. A request is first read for what it does
//! ([`crate::engine::routes`]); reads and creations pass, prunes and unknown requests do
//! not, and a request that acts on a named thing is allowed unless that thing was on the
//! engine before the script ran — which only the engine can say, so [`Policy::judge`]
//! asks it.

use std::sync::Arc;

use crate::engine::inventory::Inventory;
use crate::engine::routes::{Route, Subject, connect_container, familiar_tag, route};
use crate::engine::{Engine, EngineError, short_id};

/// The guard's decision on one request. (Not "verdict": that is a check's result.)
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Ruling {
    Allow,
    /// Refused, with the reason the docker CLI shows the student.
    Deny(String),
    /// Allowed unless the thing it names is in the baseline: ask the engine.
    Ask(Subject),
}

const PRUNE: &str = "prune removes whatever is unused on the engine, including what the \
                     submission did not create; remove your own things by name or ID instead";

const BEFORE: &str = "was on the engine before the submission ran";

/// Rule on a request by its method and target alone.
pub(super) fn classify(method: &str, target: &str) -> Ruling {
    match route(method, target) {
        // A moved tag is put back by the cleanup, so tagging needs no ruling.
        Route::Read | Route::Create | Route::TagOrPush | Route::Session => Ruling::Allow,
        Route::Prune => Ruling::Deny(PRUNE.into()),
        Route::Acts(subject) => Ruling::Ask(subject),
        Route::Unusual(why) => Ruling::Deny(why),
        Route::Other { method, path } => Ruling::Deny(format!(
            "a submission may not send `{method} {path}`: it may create containers, networks, \
             images and volumes, and change only those it created"
        )),
    }
}

/// What the guard needs to rule on a named thing: the engine, and what was on it before.
pub(super) struct Policy {
    pub(super) engine: Engine,
    pub(super) baseline: Arc<Inventory>,
}

impl Policy {
    /// Ask the engine what `subject` names and rule. `body` is the request's body, read
    /// only for `network connect`/`disconnect`, which name their container there.
    pub(super) async fn judge(&self, subject: Subject, body: Option<&[u8]>) -> Ruling {
        let base = &self.baseline;
        match subject {
            Subject::Container { reference, action } => {
                self.judge_container(&reference, |id| {
                    format!(
                        "container `{reference}` ({}) {BEFORE}; a submission may change only \
                         containers it created (it asked to {action} it)",
                        short_id(id)
                    )
                })
                .await
            }
            Subject::Network(reference) => match self.engine.network_id(&reference).await {
                Ok(Some(id)) if base.networks.contains(&id) => Ruling::Deny(format!(
                    "network `{reference}` ({}) {BEFORE}; a submission may remove only networks \
                     it created",
                    short_id(&id)
                )),
                Ok(_) => Ruling::Allow,
                Err(err) => unsure(&format!("network `{reference}`"), err),
            },
            Subject::Image(reference) => self.judge_image(&reference).await,
            Subject::Exec(id) => match self.engine.exec_container(&id).await {
                Ok(Some(c)) if base.containers.contains(&c) => Ruling::Deny(format!(
                    "exec `{}` runs in container {}, which {BEFORE}",
                    short_id(&id),
                    short_id(&c)
                )),
                Ok(_) => Ruling::Allow,
                Err(err) => unsure(&format!("exec `{id}`"), err),
            },
            Subject::Volume(name) if base.volumes.contains(&name) => Ruling::Deny(format!(
                "volume `{name}` {BEFORE}; a submission may remove only volumes it created"
            )),
            Subject::Volume(_) => Ruling::Allow,
            Subject::Attach { network, action } => {
                let reference = match connect_container(body.unwrap_or_default()) {
                    Ok(r) => r,
                    Err(err) => return Ruling::Deny(err),
                };
                self.judge_container(&reference, |id| {
                    format!(
                        "container `{reference}` ({}) {BEFORE}; a submission may not {action} \
                         it (network `{network}`)",
                        short_id(id)
                    )
                })
                .await
            }
        }
    }

    /// Refused, in `why`'s words, when `reference` names a container from the baseline.
    async fn judge_container(&self, reference: &str, why: impl FnOnce(&str) -> String) -> Ruling {
        match self.engine.container_id(reference).await {
            Ok(Some(id)) if self.baseline.containers.contains(&id) => Ruling::Deny(why(&id)),
            Ok(_) => Ruling::Allow,
            Err(err) => unsure(&format!("container `{reference}`"), err),
        }
    }

    /// An image from the baseline stays; but removing a tag the submission added, from an
    /// image that keeps another tag, only untags, and the older image stays.
    async fn judge_image(&self, reference: &str) -> Ruling {
        let img = match self.engine.image_ref(reference).await {
            Ok(Some(img)) => img,
            Ok(None) => return Ruling::Allow,
            Err(err) => return unsure(&format!("image `{reference}`"), err),
        };
        let Some(base_tags) = self.baseline.images.get(&img.id) else {
            return Ruling::Allow;
        };
        let hex = reference.strip_prefix("sha256:").unwrap_or(reference);
        let by_id = !hex.is_empty()
            && hex.chars().all(|c| c.is_ascii_hexdigit())
            && img
                .id
                .strip_prefix("sha256:")
                .unwrap_or(&img.id)
                .starts_with(hex);
        let own_tag = familiar_tag(reference)
            .is_some_and(|t| !base_tags.contains(&t) && img.tags.contains(&t));
        if !by_id && own_tag && img.tags.len() > 1 {
            Ruling::Allow
        } else {
            Ruling::Deny(format!(
                "image `{reference}` ({}) {BEFORE}; a submission may remove only images and \
                 tags it created",
                short_id(&img.id)
            ))
        }
    }
}

/// When the engine cannot say, the guard refuses: letting through what it cannot check
/// would make it no guard.
fn unsure(what: &str, err: EngineError) -> Ruling {
    Ruling::Deny(format!("the guard could not check {what}: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deny(v: Ruling) -> bool {
        matches!(v, Ruling::Deny(_))
    }

    #[test]
    fn reads_pass_and_prunes_never_do() {
        assert_eq!(
            classify("GET", "/v1.41/containers/json?all=1"),
            Ruling::Allow
        );
        assert_eq!(classify("HEAD", "/_ping"), Ruling::Allow);
        assert_eq!(classify("GET", "/containers/web/logs"), Ruling::Allow);
        for p in [
            "/v1.41/containers/prune",
            "/networks/prune",
            "/images/prune?filters=%7B%7D",
            "/v1.41/volumes/prune",
            "/build/prune",
        ] {
            assert!(deny(classify("POST", p)), "{p}");
        }
    }

    #[test]
    fn changes_to_named_things_are_asked_about() {
        let c = |r: &str, a: &str| {
            Ruling::Ask(Subject::Container {
                reference: r.into(),
                action: a.into(),
            })
        };
        assert_eq!(
            classify("DELETE", "/v1.41/containers/dkt-victim?force=1"),
            c("dkt-victim", "remove")
        );
        assert_eq!(
            classify("POST", "/v1.41/containers/3f2a/kill?signal=KILL"),
            c("3f2a", "`kill`")
        );
        assert_eq!(
            classify("PUT", "/containers/web/archive?path=/"),
            c("web", "`archive`")
        );
        assert_eq!(
            classify("GET", "/containers/web/attach/ws"),
            c("web", "attach to")
        );
        assert_eq!(
            classify("POST", "/commit?container=a%20b"),
            c("a b", "commit")
        );
        assert_eq!(
            classify("DELETE", "/v1.41/images/diamol/base:latest?force=1"),
            Ruling::Ask(Subject::Image("diamol/base:latest".into()))
        );
        assert_eq!(
            classify("DELETE", "/networks/net1"),
            Ruling::Ask(Subject::Network("net1".into()))
        );
        assert_eq!(
            classify("POST", "/v1.41/networks/net1/connect"),
            Ruling::Ask(Subject::Attach {
                network: "net1".into(),
                action: "connect".into()
            })
        );
        assert_eq!(
            classify("POST", "/exec/abc/start"),
            Ruling::Ask(Subject::Exec("abc".into()))
        );
        assert_eq!(
            classify("DELETE", "/volumes/data"),
            Ruling::Ask(Subject::Volume("data".into()))
        );
    }

    #[test]
    fn creating_is_allowed_and_the_unknown_is_not() {
        for (m, p) in [
            ("POST", "/v1.41/containers/create?name=web"),
            ("POST", "/networks/create"),
            ("POST", "/images/create?fromImage=nginx"),
            ("POST", "/build?t=x"),
            ("POST", "/images/nginx/tag?repo=mine"),
            ("POST", "/volumes/create"),
        ] {
            assert_eq!(classify(m, p), Ruling::Allow, "{m} {p}");
        }
        assert!(deny(classify("POST", "/swarm/leave?force=1")));
        assert!(deny(classify("POST", "/plugins/pull")));
    }

    #[test]
    fn encoded_and_odd_paths_are_read_as_the_engine_reads_them() {
        assert_eq!(
            classify("DELETE", "/v1.41/containers/dkt%2Dvictim"),
            Ruling::Ask(Subject::Container {
                reference: "dkt-victim".into(),
                action: "remove".into()
            })
        );
        assert!(deny(classify("DELETE", "/v1.41/x/../containers/v")));
        assert!(deny(classify("DELETE", "/v1.41//containers/v")));
        assert!(deny(classify("DELETE", "/containers/%2e%2e/v")));
        assert!(deny(classify("DELETE", "/containers/a%00")));
        assert!(deny(classify("DELETE", "http://docker/containers/v")));
    }
}
