//! English words for every finding code and typed value.

use super::Words;
use crate::lab::{FileType, Select};
use crate::verdict::{Code, OtherContainer, StateSeen};

pub(super) struct En;

impl Words for En {
    fn template(&self, code: Code) -> &'static str {
        use Code::*;
        match code {
            NoContainerMatches => "No container matches {sel}.",
            NoContainerWith => "no container with {sel}",
            NoContainerWithBecause => "no container with {sel} ({why})",
            ImageNotOnEngine => {
                "the image `{image}` is not on this engine (`docklings images` gets it)"
            }
            NoSuchNetwork => "there is no network `{network}`",
            FoundOthers => "found {others}",
            NoContainersAtAll => "no containers at all",
            NamedState => "`{name}` ({state})",
            Named => "`{name}`",
            LogsGone => "`{name}` (it ran and exited 0 at {time}; its output went with it)",
            ContainerStale => {
                "`{name}` began at {time}, before you started this lab: run it again now"
            }
            RanAndGone => "`{name}` ran and exited {code} at {time}, then was removed",
            ContainerOk => "The container is as expected.",
            ContainerNotAsAsked => "A container is there, but not as the step asks.",
            ContainerNotEnough => "Not enough containers are as the step asks.",
            ContainerFound | ContainerFoundHosts => "found {list}",
            NamedWithHostname => "`{name} (hostname {hostname})`",
            OnlySome => "only {count} of {need} needed: {list}",
            OnlySomeDistinct => "only {count} of {need} needed with different hostnames: {list}",
            ContainerDiffers => "`{name}` {problems}",
            IsNotState => "is {now}, not {want}",
            ExitCodeDiffers => "exited with code {code}, not {want}",
            NotExited => "has not exited (it is {now})",
            NoTty => "has no terminal (start it with `-t`/`--tty`)",
            HasTty => "has a terminal (`-t`)",
            NoStdin => "has no open stdin (start it with `-i`/`--interactive`)",
            HasStdin => "keeps stdin open (`-i`)",
            NotDetached => "was started attached, not detached (add `-d`/`--detach`)",
            IsDetached => "was started detached (`-d`)",
            NoAutoRemove => "was started without `--rm`",
            HasAutoRemove => "was started with `--rm`",
            PortElsewhere => "publishes {port}/{proto} on {bound}, not {host}",
            PortElsewhereRandom => {
                "publishes {port}/{proto} on {bound}, not {host} \
                 (`-P` picks a random port; use `-p HOST:CONTAINER`)"
            }
            PortOtherTarget => {
                "publishes host port {host} to container port {target}, not {port}/{proto}"
            }
            PortMissing => "does not publish {port}/{proto} on {host} ({ports})",
            PortNotBound => "asked for {port}/{proto} on {host} but is {now}, so nothing is bound",
            NotOnNetwork => "is on {on}, not `{network}`",
            OnNoNetwork => "is on nothing, not `{network}`",
            NoEnv => "has no environment entry `{entry}`",
            ExpectContainer => "container with {sel}",
            ExpectContainers => "{n} containers with {sel}",
            ExpectState => "{state}",
            ExpectExit => "exit code {code}",
            ExpectInteractive => "interactive with a terminal (-it)",
            ExpectTtyOn => "tty true",
            ExpectTtyOff => "tty false",
            ExpectStdinOn => "stdin open true",
            ExpectStdinOff => "stdin open false",
            ExpectDetached => "detached (-d)",
            ExpectAttached => "attached",
            ExpectPublished => "{port} published on {host}",
            ExpectOnNetwork => "on network `{network}`",
            ExpectAutoRemove => "--rm",
            ExpectEnv => "env `{entry}`",
            ExpectDistinctHostnames => "each with its own hostname",
            AbsentOk => "No such container is left.",
            AbsentStill => "A container that should be gone is still there.",
            AbsentStillList => "still there: {names}",
            ExpectRemoved => "removed by you",
            AbsentRemoved => "`{name}` removed at {time}",
            AbsentNotRemoved => "Nothing is there, but no removal of yours counts yet.",
            AbsentRemovalOf => "the removal of `{name}`",
            AbsentNoRemoval => "no container with {sel} was removed since the lab started",
            ImageExists => "image `{name}` exists",
            ImageOk => "The image exists.",
            ImageIs => "`{name}` is {id}",
            ImageMissingSummary => "There is no image `{name}`.",
            ImageMissing => "no image `{name}`",
            ImageAbsent => "no image `{name}` (removed)",
            ImageGone => "The image is gone.",
            ImageStillThere => "The image `{name}` is still there ({id}).",
            ExpectNetwork => "network `{name}`",
            ExpectDriver => "driver {driver}",
            ExpectUserDefined => "user-defined",
            ExpectMinMembers => "at least {n} containers attached",
            NetworkMissingSummary => "There is no network `{name}`.",
            NetworkMissing => "no network `{name}`; user-defined networks: {custom}",
            NetworkDriverIs => "driver is {driver}, not {want}",
            NetworkIsBuiltin => "it is one of the engine's own networks",
            NetworkIsUserDefined => "it is user-defined",
            NetworkMembers => "{count} attached ({members})",
            ExpectSubnet => "subnet {subnet}",
            ExpectGateway => "gateway {gateway}",
            ExpectMembers => "{names} attached",
            ExpectNotMembers => "{names} not attached",
            ExpectNoNetwork => "no network `{name}`",
            NetworkSubnetIs => "its subnet is {subnets}, not {want}",
            NetworkGatewayIs => "its gateway is {gateways}, not {want}",
            NetworkLacks => "{names} not attached (attached: {members})",
            NetworkHas => "{names} still attached",
            NetworkStillThere => "The network `{name}` is still there.",
            NetworkGone => "The network is gone.",
            NetworkOk => "The network is as expected.",
            NetworkIs => "`{name}` ({driver}, members {members})",
            NetworkNotAsAsked => "The network is not as the step asks.",
            ExpectMount => "a mount on {destination}",
            ExpectMountSource => "from `{source}`",
            ExpectMountType => "of type {type}",
            ExpectReadOnly => "read-only",
            ExpectWritable => "writable",
            MountOk => "The mount is as expected.",
            MountNotAsAsked => "The mount is not as the step asks.",
            MountFound => "`{name}`: {mount}",
            MountMissing => "nothing is mounted on {destination} (mounts: {mounts})",
            MountWrongType => "{destination} is a {type} mount, not {want}",
            MountWrongSource => "{destination} comes from `{source}`, not `{want}`",
            MountReadOnly => "{destination} is mounted read-only",
            MountWritable => "{destination} is mounted writable (add `:ro`)",
            MountsAre => "{type} `{source}` → {destination}",
            NoMounts => "none",
            ExpectRequest => "a request of yours logged by the container matching {sel}",
            ExpectRequestPath => "for a path starting {path}",
            ExpectRequestStatus => "answered {status}",
            RequestOk => "The server logged your request.",
            RequestNone => "No request of yours has reached the server yet.",
            RequestSeen => {
                "`{name}` answered {status} to {method} {target} from {client} at {time}"
            }
            RequestOnlyOthers => "`{name}` logged no request that counts; the last: {last}",
            RequestOnlyProbes => {
                "`{name}` logged only docklings' own checks ({count}), no request of yours"
            }
            RequestAct => "your request {method} {target} (from {client})",
            RequestNoneLogged => "`{name}` logged no request since the lab started",
            ExpectGet => "GET {url} → {status}",
            ExpectBodyMatches => "body matches `{pattern}`",
            ExpectBodyEqualsLab => "body equals the lab's `{name}`",
            ExpectBodyEqualsFile => "body equals {path} in the serving container",
            HttpNoAnswer => "Nothing answers at {url}.",
            HttpStatus => "status {status}",
            HttpBodyMismatch => "body does not match `{pattern}` (body starts: {start})",
            HttpBodyDiffersLab => "body differs from the lab's `{name}` ({diff})",
            HttpNoServer => "no running container matching {sel} serves {url}",
            HttpNoFileIn => "`{name}` has no {path}",
            HttpBodyDiffersFile => "body differs from {path} in `{name}` ({diff})",
            ExpectBodyEqualsHostFile => "body equals the host file behind {path}",
            HttpBodyDiffersHostFile => "body differs from {host} on the host ({diff})",
            ExpectNoUnused => "no {what} left",
            UnusedStoppedContainers => "stopped container(s)",
            UnusedNetworks => "unused network(s)",
            UnusedDanglingImages => "dangling image(s)",
            UnusedVolumes => "unused volume(s)",
            UnusedUnknown => "What the engine holds unused could not be read.",
            UnusedLeft => "{count} {what} left: {names}",
            UnusedNone => "Nothing of these is left unused.",
            UnusedRemain => "Unused things remain that a prune removes.",
            ExpectHostFile => "the host file behind {path} (through a bind mount)",
            ExpectHostFileModified => "edited on the host after the previous step",
            HostFileNotFound => "No host file can be found behind {path}.",
            HostFileNoMount => "`{name}` has no mount over {path}",
            HostFileNotBind => {
                "`{name}` has a {type} `{source}` on {destination}, not a host folder (bind mount)"
            }
            HostFileUnreadable => "{host} cannot be read on this machine",
            HostFileAt => "{host}, modified at {time}",
            HostFileOk => "The host file is there.",
            HostFileEdited => "The host file was edited.",
            HostFileNotEdited => "{host} has not been edited since the previous step.",
            HttpAnswers => "{url} answers {status}.",
            HttpGot => "status {status}, {bytes} bytes",
            HttpUnexpected => "{url} does not answer as expected.",
            PortHeldBy => "port {port} belongs to {holders}",
            PortFree => "no container publishes port {port}",
            HttpNotUrl => "`{url}` is not an http:// URL",
            HttpNotLoopback => "`{host}` is not a loopback address",
            HttpRefused => "connection to {addr} refused: nothing listens there",
            HttpConnect => "connection to {addr} failed: {detail}",
            HttpIo => "the exchange failed: {detail}",
            HttpClosed => "the connection closed without an answer",
            HttpNotHttp => "the answer is not HTTP: `{line}`",
            HttpTimeout => "no answer within {secs}s",
            DiffLine => "line {line}: expected `{want}`, found `{got}`",
            DiffLines => "{want} lines expected, {got} found",
            ExpectFileExists => "{path} exists",
            ExpectFileAbsent => "{path} does not exist",
            ExpectFileKind => "is a {kind}",
            ExpectFileEqualsLab => "equals the lab's `{name}`",
            ExpectFileContains => "contains `{pattern}`",
            FileMissing => "no {path}",
            FilePresent => "{path} exists",
            FileKindIs => "it is a {kind}",
            FileDiffersLab => "its content differs from the lab's `{name}` ({diff})",
            FileLacks => "does not contain `{pattern}`",
            FileOk => "{path} in `{name}` is as expected.",
            FileAt => "`{name}`: {path}",
            FileNotAsExpected => "{path} is not as expected.",
            FileProblems => "`{name}`: {problems}",
            ExpectLogs => "output of the container matching {sel} shows {shows}",
            ExpectLogsMany => {
                "at least {need} containers: output of the container matching {sel} shows {shows}"
            }
            LogsOk => "The output shows what it should.",
            LogsFoundIn => "found in {list}",
            LogsNotYet => "The output does not show what it should yet.",
            LogsOnlySome => "only {count} of {need} needed: {list}",
            LogsMissingIn => "`{name}` shows no {missing} (output ends: {tail})",
            ExpectExec => "`{command}` exits {code}",
            ExpectExecPrints => "`{command}` exits {code} and prints {shows}",
            ExecExit => "exit code {code}",
            ExecExitUnknown => "exit code unknown",
            ExecLacks => "output lacks `{pattern}`",
            ExecOk => "The command answers as expected.",
            ExecExited => "`{name}`: exit {code}",
            ExecNotAsExpected => "The command does not answer as expected.",
            ExecProblems => "`{name}`: {problems} (output: {output})",
            ExpectReachTo => "a running container matching {sel} reaches `{to}` by name",
            ExpectReachToOver => {
                "a running container matching {sel} reaches `{to}` by name over `{network}`"
            }
            ExpectReachAny => {
                "a running container matching {sel} reaches another container by name"
            }
            ExpectReachAnyOver => {
                "a running container matching {sel} reaches another container by name \
                 over `{network}`"
            }
            ReachOnDefaults => {
                "`{name}` is on {networks} (the default bridge has no name resolution: \
                 use a user-defined network)"
            }
            ReachOnNoNetwork => {
                "`{name}` is on nothing (the default bridge has no name resolution: \
                 use a user-defined network)"
            }
            ReachNoPeer => {
                "`{name}` is on {networks}, where no running container answers to `{to}`"
            }
            ReachNoPeerAny => "`{name}` is on {networks}, where no other container is running",
            ReachPingOk => "ping {target} answered",
            ReachPingFailed => "ping {target} failed",
            ReachUnresolved => "{target} does not resolve",
            ReachResolves => "{target} resolves",
            ReachRaw => "{text}",
            ReachProbeFrom => "probe from `{from}`: {said}",
            ReachCannot => "`{from}` could not reach `{to}`: {said}",
            ReachByEngineState => "per the engine's network state",
            ReachOk => "`{from}` reaches `{to}` by name.",
            ReachShare => "`{a}` and `{b}` share `{network}`; {how}",
            ReachNotYetTo => "No container reaches `{to}` by name yet.",
            ReachNotYetAny => "No container reaches another container by name yet.",
            ExpectEvent => "`{action}` recorded",
            ExpectEventFor => "`{action}` recorded for a container with {sel}",
            ExpectEventRunning => "`{action}` recorded running {commands}",
            ExpectEventForRunning => {
                "`{action}` recorded for a container with {sel} running {commands}"
            }
            ActBeforePart => {
                "{act} was at {time}, before this step's previous check passed at {after}: do it again now"
            }
            SequenceEarly => "this counts only after the check before it passed",
            EventOk => "The engine saw you do it.",
            ExpectNetworkEvent => "`{action}` recorded for network `{network}`",
            ExpectTypedEvent => "{type} `{action}` recorded",
            ExpectEventAbout => "{event}, of a container with {sel}",
            EventOn => "`{action}` on `{name}`",
            EventNotYet => "The engine has not seen this yet.",
            EventNoneSince => "no `{action}` event since the lab started",
            EventSeenOnly => "seen only {seen}",
            EventUnrecorded => {
                "{engine} does not record `{action}`: this step counts on its other checks."
            }
            EventUnwitnessed => {
                "docklings cannot confirm this step on {engine}: {engine} does not record `{action}`, and nothing else in the step shows that you did it (Docker records it)."
            }
            EventCommandUnseen => "{engine} records that a command ran, not which one",
            StopByItsEnd => {
                "{engine} does not always record `stop`: a container's end with no `kill` since it started counts as one"
            }
            CopyUndated => {
                "when it was copied in is not known ({engine} does not record `docker cp`): later steps count from this step's start"
            }
            DetachedUnknown => {
                "whether it was run detached (-d) is not known: {engine} no longer has its events, so it was not judged"
            }
            OrderBlocked => "Do `{step}` first: this step counts only after it.",
            ExpectAfter => "done after `{step}` passed",
            OrderWaiting => "`{step}` ({title}) has not passed yet",
            OrderKept => "Done at {time}; it stays done.",
            ExpectKept => "done once",
            OrderKeptAt => "passed at {time}; later changes do not undo it",
            ActBefore => "{act} was at {time}, before `{step}` passed at {after}: do it again now",
            ActBeforeStart => "{act} was at {time}, before you started this lab: do it again now",
            ExpectAnswer => "an answer to: {question}",
            AnswerMissing => "Not answered yet: {question}",
            AnswerNone => "no answer (press `a` in `docklings start`, or `--answer STEP=VALUE`)",
            AnswerRight => "Right answer.",
            AnswerMatches => "`{given}` matches the engine",
            AnswerWrong => "`{given}` is not what the engine says.",
            AnswerNoSource => "`{given}`; and no container matching {sel} is there to ask",
            AnswerDiffers => "`{given}` does not match",
        }
    }

    fn nothing(&self) -> &'static str {
        "nothing"
    }
    fn or(&self) -> &'static str {
        "or"
    }
    fn empty_text(&self) -> &'static str {
        "(empty)"
    }
    fn no_output(&self) -> &'static str {
        "(no output)"
    }
    fn state_word(&self, state: &str) -> String {
        state.to_owned()
    }
    fn state_seen(&self, s: &StateSeen) -> String {
        match s.state.as_str() {
            "exited" => {
                let code = s.exit_code.unwrap_or(0);
                match s.stopped_secs_ago {
                    Some(secs) => format!("exited ({code}, {})", ago(secs)),
                    None => format!("exited ({code})"),
                }
            }
            other => other.to_owned(),
        }
    }
    fn other(&self, o: &OtherContainer) -> String {
        format!("`{}` ({}, {})", o.name, o.image, o.status.to_lowercase())
    }
    fn more(&self, n: usize) -> String {
        format!("{n} more")
    }
    fn file_kind(&self, k: FileType) -> &'static str {
        match k {
            FileType::File => "file",
            FileType::Dir => "directory",
            FileType::Symlink => "symlink",
        }
    }
    fn select(&self, s: &Select) -> String {
        let mut parts = Vec::new();
        if let Some(i) = &s.image {
            parts.push(format!("image `{i}`"));
        }
        if let Some(n) = &s.name {
            parts.push(format!("name `{n}`"));
        }
        if let Some(n) = &s.network {
            parts.push(format!("network `{n}`"));
        }
        if let Some(l) = &s.label {
            parts.push(format!("label `{l}`"));
        }
        parts.join(", ")
    }
    fn port(&self, port: u16, proto: &str, host: u16) -> String {
        format!("{port}/{proto} on {host}")
    }
    fn no_ports(&self) -> &'static str {
        "no published ports"
    }
    fn placeholder(&self, var: &str) -> Option<&'static str> {
        match var {
            "container.hostname" => Some("<its own hostname>"),
            "container.name" => Some("<its own name>"),
            "container.id" | "container.short_id" => Some("<its own ID>"),
            _ => None,
        }
    }
}

fn ago(secs: i64) -> String {
    match secs.max(0) {
        s if s < 60 => format!("{s}s ago"),
        s if s < 3600 => format!("{} min ago", s / 60),
        s if s < 86_400 => format!("{} h ago", s / 3600),
        s => format!("{} days ago", s / 86_400),
    }
}
