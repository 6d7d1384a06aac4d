//! What a submission leaves behind: everything on the engine that is not in the baseline
//! recorded before its script ran, and the tags it moved or added on older images. The
//! engine's one cleanup ([`Engine::remove_exactly`]) then removes exactly that.

use std::collections::HashSet;

use crate::engine::Engine;
use crate::engine::cleanup::{Leftovers, Removed};
use crate::engine::inventory::Inventory;

/// Remove what the submission created and put back the tags it moved. Never fails: what
/// could not be undone is in the result's `problems`.
pub(super) async fn clean_up(engine: &Engine, base: &Inventory) -> Removed {
    match engine.inventory().await {
        Ok(now) => engine.remove_exactly(&leftovers(base, &now)).await,
        Err(e) => Removed {
            problems: vec![e.to_string()],
            ..Removed::default()
        },
    }
}

/// The difference between the baseline and the engine now, as a removal plan.
fn leftovers(base: &Inventory, now: &Inventory) -> Leftovers {
    let base_tags = base.tags();
    let now_tags = now.tags();
    // Tags from before whose image is still there go back to it.
    let retag: Vec<(String, String)> = base_tags
        .iter()
        .filter(|(_, id)| now.images.contains_key(*id))
        .filter(|(tag, id)| now_tags.get(*tag) != Some(*id))
        .map(|(tag, id)| (tag.clone(), id.clone()))
        .collect();
    let restored: HashSet<&str> = retag.iter().map(|(t, _)| t.as_str()).collect();
    let mut untag = Vec::new();
    for (id, tags) in &now.images {
        // Untagging the last tag would remove the image; one without a tag of its own from
        // before keeps the new tag.
        let Some(before) = base.images.get(id).filter(|t| !t.is_empty()) else {
            continue;
        };
        untag.extend(
            tags.iter()
                .filter(|t| !before.contains(t) && !restored.contains(t.as_str()))
                .cloned(),
        );
    }
    Leftovers {
        containers: sorted(now.containers.difference(&base.containers)),
        networks: sorted(now.networks.difference(&base.networks)),
        retag,
        images: now
            .images
            .keys()
            .filter(|id| !base.images.contains_key(*id))
            .cloned()
            .collect(),
        untag,
        volumes: sorted(now.volumes.difference(&base.volumes)),
    }
}

/// Sorted, so a cleanup runs in the same order every time.
fn sorted<'a>(it: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut v: Vec<String> = it.cloned().collect();
    v.sort();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inventory(containers: &[&str], images: &[(&str, &[&str])], volumes: &[&str]) -> Inventory {
        let set = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect();
        Inventory {
            containers: set(containers),
            networks: HashSet::new(),
            images: images
                .iter()
                .map(|(id, tags)| {
                    (
                        (*id).to_owned(),
                        tags.iter().map(|t| (*t).to_owned()).collect(),
                    )
                })
                .collect(),
            volumes: set(volumes),
        }
    }

    #[test]
    fn only_what_is_new_goes() {
        let base = inventory(&["c1"], &[("i1", &["base:1"])], &["v1"]);
        let now = inventory(
            &["c1", "c2"],
            &[("i1", &["base:1"]), ("i2", &["mine:1"])],
            &["v1", "v2"],
        );
        let plan = leftovers(&base, &now);
        assert_eq!(plan.containers, vec!["c2".to_owned()]);
        assert_eq!(plan.images, vec!["i2".to_owned()]);
        assert_eq!(plan.volumes, vec!["v2".to_owned()]);
        assert!(plan.retag.is_empty() && plan.untag.is_empty(), "{plan:?}");
    }

    #[test]
    fn moved_tags_go_back_and_added_tags_come_off() {
        let base = inventory(
            &[],
            &[("old", &["victim:latest"]), ("other", &["o:1"])],
            &[],
        );
        // The script moved `victim:latest` to its own image and tagged `old` as `mine:1`.
        let now = inventory(
            &[],
            &[
                ("old", &["mine:1"]),
                ("other", &["o:1"]),
                ("new", &["victim:latest"]),
            ],
            &[],
        );
        let plan = leftovers(&base, &now);
        assert_eq!(
            plan.retag,
            vec![("victim:latest".to_owned(), "old".to_owned())]
        );
        assert_eq!(plan.untag, vec!["mine:1".to_owned()]);
        assert_eq!(plan.images, vec!["new".to_owned()]);
    }

    #[test]
    fn a_tag_moved_between_older_images_is_put_back_not_removed() {
        let base = inventory(&[], &[("a", &["a:1"]), ("b", &["b:1"])], &[]);
        let now = inventory(&[], &[("a", &["a:1", "b:1"]), ("b", &[])], &[]);
        let plan = leftovers(&base, &now);
        assert_eq!(plan.retag, vec![("b:1".to_owned(), "b".to_owned())]);
        assert!(plan.untag.is_empty(), "{plan:?}");
    }

    #[test]
    fn an_untagged_older_image_keeps_its_new_tag() {
        let base = inventory(&[], &[("bare", &[])], &[]);
        let now = inventory(&[], &[("bare", &["named:1"])], &[]);
        assert!(leftovers(&base, &now).untag.is_empty());
    }
}
