//! What `docklings reset LAB` removes: what the lab is about — containers from its images,
//! with its names or on its networks, and its networks. Nothing else on the engine is
//! touched.

use std::collections::HashSet;

use crate::app::Result;
use crate::engine::Engine;
use crate::lab::Lab;

/// A lab's resources on the engine right now.
pub(crate) struct Found {
    /// (id, name, image, state)
    pub(crate) containers: Vec<(String, String, String, String)>,
    /// (id, name)
    pub(crate) networks: Vec<(String, String)>,
}

pub(crate) async fn find(engine: &Engine, lab: &Lab) -> Result<Found> {
    let fp = lab.checked_footprint();
    let snap = engine.snapshot(&fp, None).await?;
    let containers = snap
        .containers
        .iter()
        .map(|c| {
            (
                c.id.clone(),
                c.name.clone(),
                c.image.clone(),
                c.state.clone(),
            )
        })
        .collect();
    let networks = snap
        .networks
        .iter()
        .filter(|n| fp.networks.contains(&n.name) && n.user_defined)
        .map(|n| (n.id.clone(), n.name.clone()))
        .collect();
    Ok(Found {
        containers,
        networks,
    })
}

/// Remove what `find` found; the number of containers removed.
pub(crate) async fn remove(engine: &Engine, found: &Found) -> Result<usize> {
    let mut removed: HashSet<String> = HashSet::new();
    for (id, name, ..) in &found.containers {
        engine.remove_container(id).await?;
        removed.insert(name.clone());
    }
    for (id, _) in &found.networks {
        engine.remove_network(id).await?;
    }
    Ok(removed.len())
}
