//! A lab's footprint: the images, container names, networks and host ports its checks
//! look at. `selftest` refuses to run over a footprint that is already in use, and `reset`
//! removes only what lies inside one, so a learner's unrelated containers are safe.

use std::collections::BTreeSet;

use super::addr::loopback_port;
use super::checks::{CheckKind, Select};
use super::model::Lab;

/// What a lab is about on the engine.
#[derive(Clone, Debug, Default)]
pub struct Footprint {
    pub(crate) images: Vec<String>,
    pub(crate) names: BTreeSet<String>,
    pub(crate) networks: BTreeSet<String>,
    pub(crate) ports: BTreeSet<u16>,
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
        let add_select = |s: &Select, fp: &mut Footprint| {
            if let Some(i) = &s.image
                && !fp.images.contains(i)
            {
                fp.images.push(i.clone());
            }
            if let Some(n) = &s.name {
                fp.names.insert(n.clone());
            }
            if let Some(n) = &s.network {
                fp.networks.insert(n.clone());
            }
        };
        for step in &self.steps {
            for c in &step.checks {
                match &c.kind {
                    CheckKind::Container(x) => {
                        add_select(&x.select, &mut fp);
                        for n in x.networks.iter().flatten() {
                            fp.networks.insert(n.clone());
                        }
                    }
                    CheckKind::Absent(x) => add_select(&x.select, &mut fp),
                    CheckKind::Network(x) => {
                        fp.networks.insert(x.name.clone());
                    }
                    CheckKind::Http(x, _) => {
                        if let Some(f) = &x.body_equals_file {
                            add_select(&f.select, &mut fp);
                        }
                        if let Some(p) = loopback_port(&x.url) {
                            fp.ports.insert(p);
                        }
                    }
                    CheckKind::File(x, _) => add_select(&x.select, &mut fp),
                    CheckKind::Logs(x, _) => add_select(&x.select, &mut fp),
                    CheckKind::Exec(x, _) => add_select(&x.select, &mut fp),
                    CheckKind::Reach(x) => {
                        add_select(&x.from, &mut fp);
                        if let Some(t) = &x.to {
                            fp.names.insert(t.clone());
                        }
                        if let Some(n) = &x.network {
                            fp.networks.insert(n.clone());
                        }
                    }
                    CheckKind::Event(x) => {
                        if let Some(s) = &x.select {
                            add_select(s, &mut fp);
                        }
                    }
                    CheckKind::Answer(x) => {
                        add_select(&x.select, &mut fp);
                        if let Some(n) = &x.network {
                            fp.networks.insert(n.clone());
                        }
                    }
                    CheckKind::Image(x) => {
                        if !fp.images.contains(&x.name) {
                            fp.images.push(x.name.clone());
                        }
                    }
                }
            }
        }
        fp
    }
}
