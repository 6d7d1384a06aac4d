//! `network`: a network exists with the given driver, origin and members.

use crate::lab::NetworkCheck;
use crate::snapshot::Snapshot;
use crate::verdict::{Code, Finding, Value, Verdict};

pub(super) fn evaluate(n: &NetworkCheck, snap: &Snapshot) -> Verdict {
    let mut expected = vec![Finding::new(Code::ExpectNetwork).with("name", &n.name)];
    if let Some(d) = &n.driver {
        expected.push(Finding::new(Code::ExpectDriver).with("driver", d));
    }
    if n.user_defined == Some(true) {
        expected.push(Finding::new(Code::ExpectUserDefined));
    }
    if let Some(m) = n.min_members {
        expected.push(Finding::new(Code::ExpectMinMembers).with("n", m));
    }
    let Some(net) = snap.network(&n.name) else {
        let custom: Vec<String> = snap
            .networks
            .iter()
            .filter(|x| x.user_defined)
            .map(|x| x.name.clone())
            .collect();
        return Verdict::fail(
            Finding::new(Code::NetworkMissingSummary).with("name", &n.name),
            expected,
            vec![
                Finding::new(Code::NetworkMissing)
                    .with("name", &n.name)
                    .with("custom", Value::Names(custom)),
            ],
        );
    };
    let members = Value::Names(net.members.clone());
    let mut problems = Vec::new();
    if let Some(d) = &n.driver
        && &net.driver != d
    {
        problems.push(
            Finding::new(Code::NetworkDriverIs)
                .with("want", d)
                .with("driver", &net.driver),
        );
    }
    if let Some(u) = n.user_defined
        && net.user_defined != u
    {
        problems.push(Finding::new(if u {
            Code::NetworkIsBuiltin
        } else {
            Code::NetworkIsUserDefined
        }));
    }
    if let Some(m) = n.min_members
        && (net.members.len() as u32) < m
    {
        problems.push(
            Finding::new(Code::NetworkMembers)
                .with("count", net.members.len())
                .with("members", members.clone()),
        );
    }
    if problems.is_empty() {
        Verdict::pass(
            Finding::new(Code::NetworkOk),
            expected,
            vec![
                Finding::new(Code::NetworkIs)
                    .with("name", &net.name)
                    .with("driver", &net.driver)
                    .with("members", members),
            ],
        )
    } else {
        Verdict::fail(Finding::new(Code::NetworkNotAsAsked), expected, problems)
    }
}
