//! Removing exactly a recorded set of engine resources: the one cleanup that `reset`,
//! `selftest` and graded submissions share. The caller decides what is its own (by a
//! baseline, by a lab's footprint); this removes that and nothing else, in an order the
//! engine accepts — containers first (they hold networks, images and volumes), then
//! networks, tags put back where they were, images (children before parents), stray tags,
//! volumes. It goes on past failures: each one is reported, and the rest still goes.

use bollard::errors::Error as BollardError;
use bollard::query_parameters as qp;
use serde::Serialize;

use super::inventory::encode;
use super::{Engine, EngineError, api_err, is_not_found, short_id};

/// What to remove, by ID (volumes and tags by name).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Leftovers {
    pub(crate) containers: Vec<String>,
    pub(crate) networks: Vec<String>,
    /// `(repo:tag, image ID)`: tags moved away from an image that stays, pointed back.
    pub(crate) retag: Vec<(String, String)>,
    /// Removed forced (their tags go with them), never pruning their parents.
    pub(crate) images: Vec<String>,
    /// Tags to take off images that stay.
    pub(crate) untag: Vec<String>,
    pub(crate) volumes: Vec<String>,
}

/// What a cleanup removed or put back, and what it could not. Serialized as a submission
/// report's `cleaned_up`, whose keys are a contract for tools (and in the report's schema).
#[derive(Clone, Debug, Default, Serialize, schemars::JsonSchema)]
pub(crate) struct Removed {
    pub(crate) containers: usize,
    pub(crate) networks: usize,
    pub(crate) images: usize,
    pub(crate) volumes: usize,
    /// Tags of older images that had been moved, pointed back.
    pub(crate) tags_restored: usize,
    /// Tags added to older images, removed.
    pub(crate) tags_removed: usize,
    /// What could not be undone, in words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) problems: Vec<String>,
}

impl Removed {
    /// The problems as one error, if there were any; `what` is the cleanup's purpose
    /// ("clean up after the submission").
    pub(crate) fn failure(&self, what: &str) -> Option<EngineError> {
        (!self.problems.is_empty()).then(|| EngineError::Api {
            what: what.to_owned(),
            detail: self.problems.join("; "),
        })
    }

    fn count(
        &mut self,
        outcome: Result<Removal, EngineError>,
        counter: fn(&mut Self) -> &mut usize,
    ) {
        match outcome {
            Ok(Removal::Removed) => *counter(self) += 1,
            // Gone already (a `--rm` container, a volume that went with its container):
            // not ours to count. A conflict is only returned for images, which retry.
            Ok(Removal::Gone | Removal::Conflict) => {}
            Err(e) => self.problems.push(e.to_string()),
        }
    }
}

/// How one removal went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Removal {
    Removed,
    /// It was already gone.
    Gone,
    /// The engine refused for now (409: a child image or a container still needs it).
    Conflict,
}

/// `Removed` on success, `Gone` on 404, `Conflict` on 409 when `conflict_ok`.
fn removal<T>(
    result: Result<T, BollardError>,
    conflict_ok: bool,
    what: impl Into<String>,
) -> Result<Removal, EngineError> {
    match result {
        Ok(_) => Ok(Removal::Removed),
        Err(e) if is_not_found(&e) => Ok(Removal::Gone),
        Err(BollardError::DockerResponseServerError {
            status_code: 409, ..
        }) if conflict_ok => Ok(Removal::Conflict),
        Err(e) => Err(api_err(what)(e)),
    }
}

impl Engine {
    /// Remove exactly `set`, in the order the engine needs, reporting what went and what
    /// could not.
    pub(crate) async fn remove_exactly(&self, set: &Leftovers) -> Removed {
        let mut done = Removed::default();
        for id in &set.containers {
            let r = self.remove_container(id).await;
            done.count(r, |d| &mut d.containers);
        }
        for id in &set.networks {
            let r = removal(
                self.docker.remove_network(id).await,
                false,
                format!("remove network `{id}`"),
            );
            done.count(r, |d| &mut d.networks);
        }
        for (tag, id) in &set.retag {
            let r = self.tag_image(id, tag).await.map(|()| Removal::Removed);
            done.count(r, |d| &mut d.tags_restored);
        }
        self.remove_images(&set.images, &mut done).await;
        for tag in &set.untag {
            let r = self.untag(tag).await;
            done.count(r, |d| &mut d.tags_removed);
        }
        for name in &set.volumes {
            let opts = qp::RemoveVolumeOptions { force: true };
            let r = removal(
                self.docker
                    .remove_volume(&encode(name, false), Some(opts))
                    .await,
                false,
                format!("remove volume `{name}`"),
            );
            done.count(r, |d| &mut d.volumes);
        }
        done
    }

    /// Forced, with its anonymous volumes: what it was running is ours to stop.
    async fn remove_container(&self, id: &str) -> Result<Removal, EngineError> {
        let opts = qp::RemoveContainerOptions {
            force: true,
            v: true,
            ..Default::default()
        };
        removal(
            self.docker.remove_container(id, Some(opts)).await,
            false,
            format!("remove container `{id}`"),
        )
    }

    /// Children before parents: the engine refuses (409) to remove an image another still
    /// needs, so those are retried after the rest, until a round removes nothing more.
    async fn remove_images(&self, ids: &[String], done: &mut Removed) {
        let mut pending: Vec<&String> = ids.iter().collect();
        while !pending.is_empty() {
            let mut again = Vec::new();
            for id in &pending {
                match self.remove_image_id(id).await {
                    Ok(Removal::Conflict) => again.push(*id),
                    r => done.count(r, |d| &mut d.images),
                }
            }
            if again.len() == pending.len() {
                done.problems.push(format!(
                    "{} image(s) could not be removed: {}",
                    again.len(),
                    again
                        .iter()
                        .map(|i| short_id(i))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                break;
            }
            pending = again;
        }
    }

    /// Forced (its tags go with it) but without pruning its untagged parents: a parent may
    /// be older than what is being cleaned up, and those are not ours to remove.
    async fn remove_image_id(&self, id: &str) -> Result<Removal, EngineError> {
        let opts = qp::RemoveImageOptions {
            force: true,
            noprune: true,
            ..Default::default()
        };
        removal(
            self.docker.remove_image(id, Some(opts), None).await,
            true,
            format!("remove image `{id}`"),
        )
    }

    /// Remove one tag (never the image: the caller makes sure it has another).
    async fn untag(&self, tag: &str) -> Result<Removal, EngineError> {
        let opts = qp::RemoveImageOptions {
            force: false,
            noprune: true,
            ..Default::default()
        };
        removal(
            self.docker
                .remove_image(&encode(tag, true), Some(opts), None)
                .await,
            false,
            format!("untag `{tag}`"),
        )
    }

    /// Point `repo:tag` at image `id` (moving it from wherever it points now).
    pub(crate) async fn tag_image(&self, id: &str, tag: &str) -> Result<(), EngineError> {
        let (repo, tag_part) = super::split_reference(tag);
        let opts = qp::TagImageOptions {
            repo: Some(repo),
            tag: Some(tag_part),
        };
        self.docker
            .tag_image(id, Some(opts))
            .await
            .map_err(api_err(format!("tag `{id}` as `{tag}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server_error(status_code: u16) -> BollardError {
        BollardError::DockerResponseServerError {
            status_code,
            message: "no".into(),
        }
    }

    #[test]
    fn only_what_was_removed_counts() {
        let mut done = Removed::default();
        let gone = removal::<()>(Err(server_error(404)), false, "remove x");
        done.count(gone, |d| &mut d.containers);
        done.count(removal(Ok(()), false, "remove y"), |d| &mut d.containers);
        assert_eq!(done.containers, 1);
        assert!(done.failure("clean up").is_none());
    }

    #[test]
    fn conflicts_are_retried_only_for_images() {
        assert_eq!(
            removal::<()>(Err(server_error(409)), true, "remove image").ok(),
            Some(Removal::Conflict)
        );
        let mut done = Removed::default();
        done.count(
            removal::<()>(Err(server_error(409)), false, "remove network `n`"),
            |d| &mut d.networks,
        );
        assert_eq!(done.networks, 0);
        let err = done.failure("clean up").expect("a problem").to_string();
        assert!(err.contains("remove network `n`"), "{err}");
    }
}
