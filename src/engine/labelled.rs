//! Things on the engine that carry a label, with its value: how a later `grade` or `reset`
//! finds what a killed submission run left (every container, network and volume the guard
//! let a submission create carries the run's label).

use std::collections::HashMap;

use bollard::query_parameters as qp;

use super::{Engine, EngineError, api_err};

/// `(ID or name, the label's value)` of every container, network, volume and image with
/// `key`.
#[derive(Debug, Default)]
pub(crate) struct Labelled {
    pub(crate) containers: Vec<(String, String)>,
    pub(crate) networks: Vec<(String, String)>,
    pub(crate) volumes: Vec<(String, String)>,
    pub(crate) images: Vec<(String, String)>,
}

impl Engine {
    pub(crate) async fn labelled(&self, key: &str) -> Result<Labelled, EngineError> {
        let filters = || Some(HashMap::from([("label".to_owned(), vec![key.to_owned()])]));
        let value = |labels: Option<HashMap<String, String>>| {
            labels.and_then(|l| l.get(key).cloned()).unwrap_or_default()
        };
        let containers = self
            .list_containers(qp::ListContainersOptions {
                all: true,
                filters: filters(),
                ..Default::default()
            })
            .await
            .map_err(api_err("list labelled containers"))?
            .into_iter()
            .filter_map(|c| Some((c.id?, value(c.labels))))
            .collect();
        let networks = self
            .docker
            .list_networks(Some(qp::ListNetworksOptions { filters: filters() }))
            .await
            .map_err(api_err("list labelled networks"))?
            .into_iter()
            .filter_map(|n| Some((n.id?, value(n.labels))))
            .collect();
        let volumes = self
            .docker
            .list_volumes(Some(qp::ListVolumesOptions { filters: filters() }))
            .await
            .map_err(api_err("list labelled volumes"))?
            .volumes
            .unwrap_or_default()
            .into_iter()
            .map(|v| (v.name, v.labels.get(key).cloned().unwrap_or_default()))
            .collect();
        let images = self
            .docker
            .list_images(Some(qp::ListImagesOptions {
                filters: filters(),
                ..Default::default()
            }))
            .await
            .map_err(api_err("list labelled images"))?
            .into_iter()
            .map(|i| (i.id, i.labels.get(key).cloned().unwrap_or_default()))
            .collect();
        Ok(Labelled {
            containers,
            networks,
            volumes,
            images,
        })
    }

    /// The untagged ancestors of image `id` made at or after `since` (Unix seconds): the
    /// intermediate layers of the build that made it, which carry no label of their own.
    /// An older, tagged or only remote ancestor ends the walk: not ours.
    pub(crate) async fn fresh_untagged_parents(
        &self,
        id: &str,
        since: i64,
    ) -> Result<Vec<String>, EngineError> {
        let history = self
            .docker
            .image_history(id)
            .await
            .map_err(api_err("read an image's history"))?;
        // Newest first: the image itself, then its parents.
        Ok(history
            .into_iter()
            .skip(1)
            .take_while(|h| {
                h.id.starts_with("sha256:")
                    && h.tags.iter().all(|t| t == "<none>:<none>")
                    && h.created >= since
            })
            .map(|h| h.id)
            .collect())
    }
}
