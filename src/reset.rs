//! What `docklings reset LAB` removes: what the lab is about — containers from its images,
//! with its names or on its networks, and its networks. Nothing else on the engine is
//! touched.

use crate::app::Result;
use crate::engine::Engine;
use crate::engine::cleanup::{Leftovers, Removed};
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

/// Remove exactly what `find` found (containers before networks), through the engine's
/// one cleanup; what could not be removed is an error, after the rest was.
pub(crate) async fn remove(engine: &Engine, found: &Found) -> Result<Removed> {
    let set = Leftovers {
        containers: found.containers.iter().map(|c| c.0.clone()).collect(),
        networks: found.networks.iter().map(|n| n.0.clone()).collect(),
        ..Leftovers::default()
    };
    let removed = engine.remove_exactly(&set).await;
    match removed.failure("remove the lab's containers and networks") {
        Some(e) => Err(e.into()),
        None => Ok(removed),
    }
}
