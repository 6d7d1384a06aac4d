//! A lab's footprint: the images, container names, networks and host ports its checks
//! look at. `selftest` refuses to run over a footprint that is already in use, and `reset`
//! removes only what lies inside one, so a learner's unrelated containers are safe.

use std::collections::BTreeSet;

use super::model::Lab;
use crate::check::Select;

/// What a lab is about on the engine.
#[derive(Clone, Debug, Default)]
pub(crate) struct Footprint {
    pub(crate) images: Vec<String>,
    /// Images only an `image` check names: ones the lab's own steps may make (`docker
    /// commit`, `docker tag`), so not needed beforehand. They are in `images` too.
    pub(crate) made_images: BTreeSet<String>,
    pub(crate) names: BTreeSet<String>,
    pub(crate) networks: BTreeSet<String>,
    pub(crate) ports: BTreeSet<u16>,
    /// An `unused` check looks at the whole engine: every stopped container, unused
    /// network, dangling image and volume.
    pub(crate) unused: bool,
}

impl Lab {
    /// Images, container names and networks the lab's checks look at: what `selftest`
    /// refuses to run over and what a reset may remove.
    pub(crate) fn footprint(&self) -> Footprint {
        self.footprint_of(true)
    }

    /// Only what the checks select, without the lab's `images` list: what `reset` may
    /// remove (a learner's own `nginx` elsewhere is not this lab's).
    pub(crate) fn checked_footprint(&self) -> Footprint {
        self.footprint_of(false)
    }

    fn footprint_of(&self, with_images: bool) -> Footprint {
        let mut fp = Footprint {
            images: if with_images {
                self.images.clone()
            } else {
                Vec::new()
            },
            ..Footprint::default()
        };
        for check in self.steps.iter().flat_map(|s| &s.checks) {
            check.kind.footprint(&mut fp);
        }
        // What the lab needs (another lab's container) is looked at, and a selftest that
        // made it removes it; a reset of this lab leaves it to its own lab.
        let mut needed = Footprint::default();
        for check in self.needs.iter().flat_map(|n| &n.checks) {
            check.kind.footprint(&mut needed);
        }
        if with_images {
            for check in self.needs.iter().flat_map(|n| &n.checks) {
                check.kind.footprint(&mut fp);
            }
        } else {
            // A step may name the needed container (`connect` names `my-nginx`): still not
            // this lab's to reset.
            fp.names.retain(|n| !needed.names.contains(n));
            fp.networks.retain(|n| !needed.networks.contains(n));
        }
        fp
    }
}

impl Footprint {
    /// What a selector names: its image, container name and network.
    pub(crate) fn add_select(&mut self, s: &Select) {
        if let Some(i) = &s.image {
            self.add_image(i);
        }
        if let Some(n) = &s.name {
            self.names.insert(n.clone());
        }
        if let Some(n) = &s.network {
            self.networks.insert(n.clone());
        }
    }

    pub(crate) fn add_image(&mut self, image: &str) {
        self.made_images.remove(image);
        if !self.images.iter().any(|i| i == image) {
            self.images.push(image.to_owned());
        }
    }

    /// An image an `image` check names: looked at, but perhaps made by the lab itself.
    pub(crate) fn add_checked_image(&mut self, image: &str) {
        if !self.images.iter().any(|i| i == image) {
            self.images.push(image.to_owned());
            self.made_images.insert(image.to_owned());
        }
    }

    /// The images that must exist before the lab starts: `images`, and those its
    /// selectors name.
    pub(crate) fn needed_images(&self) -> Vec<String> {
        self.images
            .iter()
            .filter(|i| !self.made_images.contains(*i))
            .cloned()
            .collect()
    }
}
