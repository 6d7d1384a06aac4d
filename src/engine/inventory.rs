//! What the engine holds, all of it (`Inventory`: the baseline a submission is measured
//! against), and what a name, ID or ID prefix in a request resolves to — so the submission
//! guard can tell the script's own things from what was there before.
//!
//! Resolution goes through the engine's own inspect endpoints, so a name, a full ID or an
//! ID prefix means exactly what it would mean to the request the guard is judging.

use std::collections::{BTreeMap, HashSet};

use bollard::query_parameters as qp;

use super::{Engine, EngineError, api_err, is_not_found};

/// Everything on the engine that a submission could change, by ID (volumes by name: they
/// have no other identity).
#[derive(Clone, Debug, Default)]
pub(crate) struct Inventory {
    pub(crate) containers: HashSet<String>,
    pub(crate) networks: HashSet<String>,
    /// Image ID → its tags (`repo:tag`, as the engine lists them).
    pub(crate) images: BTreeMap<String, Vec<String>>,
    pub(crate) volumes: HashSet<String>,
}

impl Inventory {
    /// `repo:tag` → image ID, for every tag in the inventory.
    pub(crate) fn tags(&self) -> BTreeMap<String, String> {
        self.images
            .iter()
            .flat_map(|(id, tags)| tags.iter().map(move |t| (t.clone(), id.clone())))
            .collect()
    }
}

/// An image as the guard sees it: its ID and tags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ImageRef {
    pub(crate) id: String,
    pub(crate) tags: Vec<String>,
}

/// Percent-encode a reference for a URL path: the guard passes on names it decoded from a
/// request, and one with a space or `?` must reach the engine as the same name, not as a
/// broken URL. `/` stays for image names (`diamol/base`), which the engine routes as is.
pub(super) fn encode(reference: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(reference.len());
    for b in reference.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b':' | b'@')
            || (keep_slash && b == b'/')
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Tags the engine lists for an image without any: `<none>:<none>` is not a name.
/// An image's tags as Docker writes them (Podman's `docker.io/library/nginx:latest` is
/// `nginx:latest`), without the placeholders of an untagged image.
pub(super) fn real_tags(tags: Vec<String>) -> Vec<String> {
    tags.into_iter()
        .filter(|t| t != "<none>:<none>" && t != "<none>@<none>")
        .map(|t| super::plain_ref(&t).to_owned())
        .collect()
}

/// What `docker system prune -a --volumes` would remove now: it removes stopped containers
/// first, then every network, image and volume that no remaining (running) container uses.
#[derive(Clone, Debug, Default)]
pub(crate) struct PruneView {
    /// `(name, image)` of containers that are not running.
    pub(crate) containers: Vec<(String, String)>,
    /// User-defined networks no running container is attached to.
    pub(crate) networks: Vec<String>,
    pub(crate) images: Vec<PrunableImage>,
    /// Volumes no running container mounts (`--volumes`: anonymous ones only on engines
    /// from 23.0 on, every unused one before).
    pub(crate) volumes: Vec<String>,
}

/// An image a `prune -a` would delete.
#[derive(Clone, Debug, Default)]
pub(crate) struct PrunableImage {
    pub(crate) id: String,
    /// `repo:tag`s; empty for a dangling image.
    pub(crate) tags: Vec<String>,
    pub(crate) size: i64,
    /// docklings built it (a stand-in).
    pub(crate) standin: bool,
}

impl Engine {
    /// What a full prune would take (see [`PruneView`]), for showing before one is run.
    pub(crate) async fn prune_view(&self) -> Result<PruneView, EngineError> {
        let all = self.summaries().await?;
        let mut running_images = HashSet::new();
        let mut running_networks = HashSet::new();
        let mut running_volumes = HashSet::new();
        let mut view = PruneView::default();
        for s in &all {
            if s.state == "running" || s.state == "paused" || s.state == "restarting" {
                running_images.insert(s.image_id.clone());
                if let Some(c) = self.container(&s.id).await? {
                    running_networks.extend(c.networks.into_iter().map(|a| a.network));
                    running_volumes.extend(c.mounts.into_iter().map(|m| m.name));
                }
            } else {
                view.containers.push((s.name.clone(), s.image.clone()));
            }
        }
        view.networks = self
            .docker
            .list_networks(None::<qp::ListNetworksOptions>)
            .await
            .map_err(api_err("list networks"))?
            .into_iter()
            .filter_map(|n| n.name)
            .filter(|n| !matches!(n.as_str(), "bridge" | "host" | "none"))
            .filter(|n| !running_networks.contains(n))
            .collect();
        view.images = self
            .docker
            .list_images(None::<qp::ListImagesOptions>)
            .await
            .map_err(api_err("list images"))?
            .into_iter()
            .filter(|i| !running_images.contains(&i.id))
            .map(|i| PrunableImage {
                standin: i.labels.contains_key(crate::standin::LABEL_STANDIN),
                id: i.id,
                tags: real_tags(i.repo_tags),
                size: i.size,
            })
            .collect();
        view.volumes = self
            .volume_names(false)
            .await?
            .into_iter()
            .filter(|v| !running_volumes.contains(v))
            .collect();
        Ok(view)
    }

    /// Volume names; with `dangling`, only those no container mounts.
    pub(super) async fn volume_names(&self, dangling: bool) -> Result<Vec<String>, EngineError> {
        let filters = dangling.then(|| {
            std::collections::HashMap::from([("dangling".to_owned(), vec!["true".to_owned()])])
        });
        let opts = qp::ListVolumesOptions { filters };
        Ok(self
            .docker
            .list_volumes(Some(opts))
            .await
            .map_err(api_err("list volumes"))?
            .volumes
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.name)
            .collect())
    }

    /// Every container, network, image (intermediate ones too) and volume, now.
    pub(crate) async fn inventory(&self) -> Result<Inventory, EngineError> {
        let containers = self.summaries().await?.into_iter().map(|s| s.id).collect();
        let networks = self
            .docker
            .list_networks(None::<qp::ListNetworksOptions>)
            .await
            .map_err(api_err("list networks"))?
            .into_iter()
            .filter_map(|n| n.id)
            .collect();
        let opts = qp::ListImagesOptions {
            all: true,
            ..Default::default()
        };
        let images = self
            .docker
            .list_images(Some(opts))
            .await
            .map_err(api_err("list images"))?
            .into_iter()
            .map(|i| (i.id, real_tags(i.repo_tags)))
            .collect();
        let volumes = self.volume_names(false).await?.into_iter().collect();
        Ok(Inventory {
            containers,
            networks,
            images,
            volumes,
        })
    }

    /// The running containers that publish `port` on the host: the submission's port
    /// bridge carries a connection only to a port that one of its own containers publishes.
    pub(crate) async fn port_publishers(&self, port: u16) -> Result<Vec<String>, EngineError> {
        let list = self
            .list_containers(qp::ListContainersOptions::default())
            .await
            .map_err(api_err("list containers"))?;
        Ok(list
            .into_iter()
            .filter(|c| {
                c.ports
                    .iter()
                    .flatten()
                    .any(|p| p.public_port == Some(port))
            })
            .filter_map(|c| c.id)
            .collect())
    }

    /// The full ID of the container a name, ID or ID prefix names; `None` if none does.
    pub(crate) async fn container_id(
        &self,
        reference: &str,
    ) -> Result<Option<String>, EngineError> {
        match self.inspect_container(&encode(reference, false)).await {
            Ok(c) => Ok(c.id),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(api_err(format!("inspect container `{reference}`"))(e)),
        }
    }

    /// The full ID of the network a name, ID or ID prefix names; `None` if none does.
    pub(crate) async fn network_id(&self, reference: &str) -> Result<Option<String>, EngineError> {
        match self
            .docker
            .inspect_network(&encode(reference, false), None::<qp::InspectNetworkOptions>)
            .await
        {
            Ok(n) => Ok(n.id),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(api_err(format!("inspect network `{reference}`"))(e)),
        }
    }

    /// The image a tag, ID or ID prefix names; `None` if none does.
    pub(crate) async fn image_ref(&self, reference: &str) -> Result<Option<ImageRef>, EngineError> {
        match self.docker.inspect_image(&encode(reference, true)).await {
            Ok(i) => Ok(i.id.map(|id| ImageRef {
                id,
                tags: real_tags(i.repo_tags.unwrap_or_default()),
            })),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(api_err(format!("inspect image `{reference}`"))(e)),
        }
    }

    /// The container an exec instance belongs to; `None` if there is no such exec.
    pub(crate) async fn exec_container(
        &self,
        exec_id: &str,
    ) -> Result<Option<String>, EngineError> {
        match self.docker.inspect_exec(&encode(exec_id, false)).await {
            Ok(x) => Ok(x.container_id),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(api_err(format!("inspect exec `{exec_id}`"))(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_encoded_for_the_path() {
        assert_eq!(encode("dkt-victim", false), "dkt-victim");
        assert_eq!(encode("a b?c", false), "a%20b%3Fc");
        assert_eq!(encode("diamol/base:latest", true), "diamol/base:latest");
        assert_eq!(encode("diamol/base", false), "diamol%2Fbase");
    }

    #[test]
    fn untagged_images_have_no_tags() {
        assert_eq!(
            real_tags(vec!["<none>:<none>".into(), "nginx:latest".into()]),
            vec!["nginx:latest".to_owned()]
        );
    }
}
