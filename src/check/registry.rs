//! The check kinds, one line each: the key in a lab file, the variant, the struct (in its
//! own file), and the one-line description that the schema and the authoring guide show.
//! Adding a kind is its file plus a line here; `docklings schema` and `docklings book`
//! then regenerate the rest.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kind::{Kind, Lint, LintCx};
use super::{Ctx, Probe, StepCx};
use super::{
    absent, answer, container, event, exec, file, host_file, http, image, logs, mount, network,
    reach, request, unused,
};
use crate::engine::EngineError;
use crate::lab::{Footprint, Text, Within};
use crate::snapshot::Snapshot;
use crate::verdict::Verdict;

macro_rules! registry {
    ($( $key:ident => $variant:ident($ty:ty), $doc:literal; )*) => {
        /// One check. Exactly one of the kind keys is set.
        #[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        #[schemars(transform = crate::schema::exactly_one_kind)]
        pub(crate) struct CheckSpec {
            $( #[doc = $doc] pub(crate) $key: Option<$ty>, )*
            /// What the learner reads when the check fails.
            pub(crate) fail: Option<Text>,
            /// Keep re-reading the engine until the check passes or this much time has passed.
            pub(crate) within: Option<Within>,
        }

        /// A check with its kind resolved and prepared (patterns compiled).
        #[derive(Clone, Debug)]
        pub(crate) enum CheckKind {
            $( $variant($ty), )*
        }

        /// Every kind's key, in registry order.
        pub(crate) const NAMES: &[&str] = &[$( stringify!($key), )*];

        impl CheckSpec {
            /// The kind keys that are set (a valid check has exactly one).
            pub(crate) fn kinds(&self) -> Vec<&'static str> {
                let mut v = Vec::new();
                $( if self.$key.is_some() { v.push(stringify!($key)); } )*
                v
            }

            /// The one kind that is set, prepared — or every problem with it.
            pub(crate) fn resolve(&self, cx: &LintCx) -> Result<CheckKind, Vec<Lint>> {
                let kinds = self.kinds();
                if kinds.len() != 1 {
                    return Err(vec![Lint::whole(if kinds.is_empty() {
                        format!("a check needs one kind: {}", NAMES.join(", "))
                    } else {
                        format!("a check has exactly one kind, this one has {}", kinds.join(", "))
                    })]);
                }
                $(
                    if let Some(x) = &self.$key {
                        let mut x = x.clone();
                        let lints = x.prepare(cx);
                        return if lints.is_empty() {
                            Ok(CheckKind::$variant(x))
                        } else {
                            Err(lints)
                        };
                    }
                )*
                Err(vec![Lint::whole("a check needs one kind")])
            }
        }

        impl CheckKind {
            pub(crate) fn name(&self) -> &'static str {
                match self { $( CheckKind::$variant(_) => <$ty as Kind>::NAME, )* }
            }

            pub(crate) fn footprint(&self, fp: &mut Footprint) {
                match self { $( CheckKind::$variant(x) => x.footprint(fp), )* }
            }

            pub(crate) fn recheck_without_event(&self) -> bool {
                match self { $( CheckKind::$variant(x) => x.recheck_without_event(), )* }
            }

            pub(crate) async fn evaluate<P: Probe>(
                &self,
                cx: &Ctx<'_, P>,
                step: &StepCx<'_>,
                snap: &Snapshot,
            ) -> Result<Verdict, EngineError> {
                match self { $( CheckKind::$variant(x) => x.evaluate(cx, step, snap).await, )* }
            }
        }

        /// The examples the kinds carry for the authoring guide: (kind, YAML).
        pub(crate) fn written_examples() -> Vec<(&'static str, &'static str)> {
            let mut v = Vec::new();
            $( if let Some(e) = <$ty as Kind>::EXAMPLE { v.push((stringify!($key), e)); } )*
            v
        }

        #[cfg(test)]
        pub(crate) fn names_of_types() -> Vec<&'static str> {
            vec![$( <$ty as Kind>::NAME, )*]
        }
    };
}

registry! {
    container => Container(container::ContainerCheck),
        "Containers matching a selector have the given properties.";
    absent => Absent(absent::AbsentCheck),
        "No container matches the selector (after `--rm` or `rm --force`).";
    image => Image(image::ImageCheck), "An image exists.";
    network => Network(network::NetworkCheck), "A network exists with the given properties.";
    http => Http(http::HttpCheck), "An HTTP GET on a loopback URL answers as expected.";
    file => File(file::FileCheck), "A file inside a container (read through the archive endpoint).";
    logs => Logs(logs::LogsCheck), "A container's output contains patterns.";
    exec => Exec(exec::ExecCheck), "A command run inside a container by docklings answers as expected.";
    reach => Reach(reach::ReachCheck), "One container reaches another by name.";
    event => Event(event::EventCheck), "The engine recorded an action since the lab started.";
    answer => Answer(answer::AnswerCheck),
        "A question whose answer only the engine knows, checked against its state.";
    mount => Mount(mount::MountCheck),
        "A container has a bind mount, volume or tmpfs on a path.";
    request => Request(request::RequestCheck),
        "A server logged the learner's own request (docklings' probes never count).";
    unused => Unused(unused::UnusedCheck),
        "Nothing of the listed kinds lies unused on the engine (what a prune leaves).";
    host_file => HostFile(host_file::HostFileCheck),
        "The host file behind a container path (through its bind mount), edited after the previous step.";
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_key_is_its_kinds_name() {
        assert_eq!(super::NAMES, super::names_of_types().as_slice());
    }
}
