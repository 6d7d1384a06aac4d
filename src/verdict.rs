//! Check results as data: what a check expected, what it observed and its one-line
//! summary are [`Finding`]s — a stable [`Code`] and typed values, no prose. `words/` turns
//! them into Korean or English as the very last step, so the logic is tested once, the
//! wording once per language, and the JSON report carries the same codes and values
//! whatever the learner's language.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::lab::{FileType, Select, Text};

/// One statement about the engine, as data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Finding {
    pub(crate) code: Code,
    pub(crate) values: Vec<(&'static str, Value)>,
}

impl Finding {
    pub(crate) fn new(code: Code) -> Finding {
        Finding {
            code,
            values: Vec::new(),
        }
    }

    /// Add a named value (builder style: `Finding::new(c).with("url", url)`).
    pub(crate) fn with(mut self, name: &'static str, value: impl Into<Value>) -> Finding {
        self.values.push((name, value.into()));
        self
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        self.values.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

impl Serialize for Finding {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("code", self.code.as_str())?;
        if !self.values.is_empty() {
            m.serialize_entry("values", &Values(&self.values))?;
        }
        m.end()
    }
}

struct Values<'a>(&'a [(&'static str, Value)]);

impl Serialize for Values<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// A typed value inside a finding. Values whose words depend on the language (a state,
/// a list that may be empty, a selector) keep their meaning here and get their words in
/// `words/`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub(crate) enum Value {
    /// Shown as it is: a name, URL, command, pattern, id.
    Text(String),
    Num(i64),
    /// Names, each shown in backticks; an empty list reads "nothing".
    Names(Vec<String>),
    /// Names joined with "or".
    Alternatives(Vec<String>),
    /// Patterns as written in the lab, `${container.hostname}` placeholders included.
    Patterns(Vec<String>),
    /// Which containers a check looks at.
    Select(Select),
    /// A state as a word (`running`), as the step asks for it.
    StateWord(String),
    /// A container's state as observed: the word, with the exit code and how long ago
    /// it stopped when it exited.
    State(StateSeen),
    /// Other containers on the engine, as `docker ps -a` lists them.
    Others(Others),
    FileKind(FileType),
    /// Container output or a page body, shortened: its start.
    Excerpt(String),
    /// Container output, shortened: its end.
    Tail(String),
    /// Published ports of a container: (container port, protocol, host port).
    Ports(Vec<(u16, String, u16)>),
    /// Text written by the lab's author, in both languages.
    LabText(Text),
    /// Nested findings, shown one after another with commas.
    List(Vec<Finding>),
    /// Nested findings, shown one after another with semicolons.
    Clauses(Vec<Finding>),
    One(Box<Finding>),
    /// A moment (Unix nanoseconds), shown as a time of day in UTC.
    Clock(i64),
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub(crate) struct StateSeen {
    pub(crate) state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) exit_code: Option<i64>,
    /// Seconds since it stopped, when it has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) stopped_secs_ago: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Others {
    pub(crate) shown: Vec<OtherContainer>,
    /// How many more there are beyond those shown.
    pub(crate) more: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub(crate) struct OtherContainer {
    pub(crate) name: String,
    pub(crate) image: String,
    pub(crate) state: String,
    /// The engine's own status line, e.g. `Exited (0) 2 minutes ago`.
    pub(crate) status: String,
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(s)
    }
}
impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::Text(s.clone())
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_owned())
    }
}
macro_rules! num_from {
    ($($t:ty),*) => { $( impl From<$t> for Value {
        fn from(n: $t) -> Value { Value::Num(i64::try_from(n).unwrap_or(i64::MAX)) }
    } )* };
}
num_from!(i64, u16, u32, u64, usize);
impl From<Select> for Value {
    fn from(s: Select) -> Value {
        Value::Select(s)
    }
}
impl From<&Select> for Value {
    fn from(s: &Select) -> Value {
        Value::Select(s.clone())
    }
}
impl From<Finding> for Value {
    fn from(f: Finding) -> Value {
        Value::One(Box::new(f))
    }
}
impl From<FileType> for Value {
    fn from(k: FileType) -> Value {
        Value::FileKind(k)
    }
}
impl From<StateSeen> for Value {
    fn from(s: StateSeen) -> Value {
        Value::State(s)
    }
}

/// What one check found: passed or not, and why, as findings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Verdict {
    pub(crate) passed: bool,
    /// Retrying cannot help (the container exited): `within` gives up at once.
    pub(crate) terminal: bool,
    /// One sentence for the learner.
    pub(crate) summary: Finding,
    /// Shown joined with commas.
    pub(crate) expected: Vec<Finding>,
    /// Shown joined with semicolons.
    pub(crate) observed: Vec<Finding>,
    /// When the learner's act that passed it happened (Unix nanoseconds), when the kind
    /// can tell: a request's log line, an event.
    pub(crate) at: Option<i64>,
    /// Containers whose next output could change this verdict (a server's access log, a
    /// shell's echo): a watcher follows their output instead of polling them.
    pub(crate) follow: Vec<String>,
}

impl Verdict {
    pub(crate) fn pass(summary: Finding, expected: Vec<Finding>, observed: Vec<Finding>) -> Self {
        Verdict {
            passed: true,
            terminal: false,
            summary,
            expected,
            observed,
            at: None,
            follow: Vec::new(),
        }
    }

    pub(crate) fn fail(summary: Finding, expected: Vec<Finding>, observed: Vec<Finding>) -> Self {
        Verdict {
            passed: false,
            terminal: false,
            summary,
            expected,
            observed,
            at: None,
            follow: Vec::new(),
        }
    }

    /// The moment of the act it rests on, when the kind can tell (`None`: a state).
    pub(crate) fn at(mut self, at: impl Into<Option<i64>>) -> Self {
        self.at = at.into();
        self
    }

    /// Watch these containers' output: what they print next may change the verdict.
    pub(crate) fn following(mut self, ids: impl IntoIterator<Item = String>) -> Self {
        self.follow.extend(ids);
        self
    }

    pub(crate) fn terminal(mut self, terminal: bool) -> Self {
        self.terminal = terminal;
        self
    }

    /// Every code in it, for tests.
    #[cfg(test)]
    pub(crate) fn codes(&self) -> Vec<&'static str> {
        fn walk(f: &Finding, out: &mut Vec<&'static str>) {
            out.push(f.code.as_str());
            for (_, v) in &f.values {
                match v {
                    Value::List(fs) | Value::Clauses(fs) => fs.iter().for_each(|f| walk(f, out)),
                    Value::One(f) => walk(f, out),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.summary, &mut out);
        self.expected
            .iter()
            .chain(&self.observed)
            .for_each(|f| walk(f, &mut out));
        out
    }
}

/// Declares every finding code: the variant and its stable name in reports. `words/en.rs`
/// and `words/ko.rs` match on `Code` exhaustively, so a code without words in either
/// language does not compile.
macro_rules! codes {
    ($($variant:ident = $name:literal,)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub(crate) enum Code { $($variant,)* }
        impl Code {
            pub(crate) fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }
            #[cfg(test)]
            pub(crate) const ALL: &'static [Code] = &[$(Code::$variant,)*];
        }
    };
}

codes! {
    // Selecting containers (shared by every kind that selects).
    NoContainerMatches = "select.no_match",
    NoContainerWith = "select.none_with",
    NoContainerWithBecause = "select.none_with_because",
    ImageNotOnEngine = "select.image_missing",
    NoSuchNetwork = "select.network_missing",
    FoundOthers = "select.found_others",
    NoContainersAtAll = "select.no_containers",
    NamedState = "container.named_state",
    Named = "container.named",
    LogsGone = "logs.gone",
    RanAndGone = "container.ran_and_gone",
    ContainerStale = "container.stale",
    // container
    ContainerOk = "container.ok",
    ContainerNotAsAsked = "container.not_as_asked",
    ContainerNotEnough = "container.not_enough",
    ContainerFound = "container.found",
    ContainerFoundHosts = "container.found_hostnames",
    NamedWithHostname = "container.named_hostname",
    OnlySome = "container.only_some",
    OnlySomeDistinct = "container.only_some_distinct",
    ContainerDiffers = "container.differs",
    IsNotState = "container.wrong_state",
    ExitCodeDiffers = "container.wrong_exit_code",
    NotExited = "container.not_exited",
    NoTty = "container.no_tty",
    HasTty = "container.has_tty",
    NoStdin = "container.no_stdin",
    HasStdin = "container.has_stdin",
    NotDetached = "container.not_detached",
    IsDetached = "container.detached",
    NoAutoRemove = "container.no_auto_remove",
    HasAutoRemove = "container.auto_remove",
    PortElsewhere = "container.port_elsewhere",
    PortElsewhereRandom = "container.port_random",
    PortOtherTarget = "container.port_other_target",
    PortMissing = "container.port_missing",
    PortNotBound = "container.port_not_bound",
    NotOnNetwork = "container.not_on_network",
    OnNoNetwork = "container.on_no_network",
    NoEnv = "container.no_env",
    ExpectContainer = "expect.container",
    ExpectContainers = "expect.containers",
    ExpectState = "expect.state",
    ExpectExit = "expect.exit_code",
    ExpectInteractive = "expect.interactive",
    ExpectTtyOn = "expect.tty",
    ExpectTtyOff = "expect.no_tty",
    ExpectStdinOn = "expect.stdin_open",
    ExpectStdinOff = "expect.stdin_closed",
    ExpectDetached = "expect.detached",
    ExpectAttached = "expect.attached",
    ExpectPublished = "expect.published",
    ExpectOnNetwork = "expect.on_network",
    ExpectAutoRemove = "expect.auto_remove",
    ExpectEnv = "expect.env",
    ExpectDistinctHostnames = "expect.distinct_hostnames",
    // absent
    AbsentOk = "absent.ok",
    AbsentStill = "absent.still_there",
    AbsentStillList = "absent.still_there_list",
    ExpectRemoved = "expect.removed",
    AbsentRemoved = "absent.removed",
    AbsentNotRemoved = "absent.not_removed",
    AbsentNoRemoval = "absent.no_removal",
    AbsentRemovalOf = "absent.removal_of",
    // image
    ImageExists = "image.exists",
    ImageOk = "image.ok",
    ImageIs = "image.is",
    ImageMissingSummary = "image.missing",
    ImageMissing = "image.missing_detail",
    ImageAbsent = "image.absent",
    ImageGone = "image.gone",
    ImageStillThere = "image.still_there",
    // network
    ExpectNetwork = "expect.network",
    ExpectDriver = "expect.driver",
    ExpectUserDefined = "expect.user_defined",
    ExpectMinMembers = "expect.min_members",
    NetworkMissingSummary = "network.missing",
    NetworkMissing = "network.missing_detail",
    NetworkDriverIs = "network.wrong_driver",
    NetworkIsBuiltin = "network.builtin",
    NetworkIsUserDefined = "network.user_defined",
    NetworkMembers = "network.too_few_members",
    ExpectSubnet = "expect.subnet",
    ExpectGateway = "expect.gateway",
    ExpectMembers = "expect.members",
    ExpectNotMembers = "expect.not_members",
    ExpectNoNetwork = "expect.no_network",
    NetworkSubnetIs = "network.wrong_subnet",
    NetworkGatewayIs = "network.wrong_gateway",
    NetworkLacks = "network.lacks",
    NetworkHas = "network.still_has",
    NetworkStillThere = "network.still_there",
    NetworkGone = "network.gone",
    NetworkOk = "network.ok",
    NetworkIs = "network.is",
    NetworkNotAsAsked = "network.not_as_asked",
    // mount
    ExpectMount = "expect.mount",
    ExpectMountSource = "expect.mount_source",
    ExpectMountType = "expect.mount_type",
    ExpectReadOnly = "expect.read_only",
    ExpectWritable = "expect.writable",
    MountOk = "mount.ok",
    MountNotAsAsked = "mount.not_as_asked",
    MountFound = "mount.found",
    MountMissing = "mount.missing",
    MountWrongType = "mount.wrong_type",
    MountWrongSource = "mount.wrong_source",
    MountReadOnly = "mount.read_only",
    MountWritable = "mount.writable",
    MountsAre = "mount.mounts_are",
    NoMounts = "mount.none",
    // request
    ExpectRequest = "expect.request",
    ExpectRequestPath = "expect.request_path",
    ExpectRequestStatus = "expect.request_status",
    RequestOk = "request.ok",
    RequestNone = "request.none",
    RequestSeen = "request.seen",
    RequestOnlyOthers = "request.only_others",
    RequestOnlyProbes = "request.only_probes",
    RequestNoneLogged = "request.none_logged",
    RequestAct = "request.act",
    // http
    ExpectGet = "expect.http_get",
    ExpectBodyMatches = "expect.body_matches",
    ExpectBodyEqualsLab = "expect.body_equals_lab_file",
    ExpectBodyEqualsFile = "expect.body_equals_file",
    HttpNoAnswer = "http.no_answer",
    HttpStatus = "http.status",
    HttpBodyMismatch = "http.body_mismatch",
    HttpBodyDiffersLab = "http.body_differs_lab_file",
    HttpNoServer = "http.no_server",
    HttpNoFileIn = "http.no_file",
    HttpBodyDiffersFile = "http.body_differs_file",
    ExpectBodyEqualsHostFile = "expect.body_equals_host_file",
    HttpBodyDiffersHostFile = "http.body_differs_host_file",
    // unused
    ExpectNoUnused = "expect.no_unused",
    UnusedStoppedContainers = "unused.kind.stopped_containers",
    UnusedNetworks = "unused.kind.networks",
    UnusedDanglingImages = "unused.kind.dangling_images",
    UnusedVolumes = "unused.kind.volumes",
    UnusedUnknown = "unused.unknown",
    UnusedLeft = "unused.left",
    UnusedNone = "unused.none",
    UnusedRemain = "unused.remain",
    // host_file
    ExpectHostFile = "expect.host_file",
    ExpectHostFileModified = "expect.host_file_modified",
    HostFileNotFound = "host_file.not_found",
    HostFileNoMount = "host_file.no_mount",
    HostFileNotBind = "host_file.not_bind",
    HostFileUnreadable = "host_file.unreadable",
    HostFileAt = "host_file.at",
    HostFileOk = "host_file.ok",
    HostFileEdited = "host_file.edited",
    HostFileNotEdited = "host_file.not_edited",
    HttpAnswers = "http.ok",
    HttpGot = "http.got",
    HttpUnexpected = "http.not_as_expected",
    PortHeldBy = "http.port_held_by",
    PortFree = "http.port_free",
    HttpNotUrl = "http.error.not_url",
    HttpNotLoopback = "http.error.not_loopback",
    HttpRefused = "http.error.refused",
    HttpConnect = "http.error.connect",
    HttpIo = "http.error.io",
    HttpClosed = "http.error.closed",
    HttpNotHttp = "http.error.not_http",
    HttpTimeout = "http.error.timeout",
    DiffLine = "diff.line",
    DiffLines = "diff.lines",
    // file
    ExpectFileExists = "expect.file_exists",
    ExpectFileAbsent = "expect.file_absent",
    ExpectFileKind = "expect.file_kind",
    ExpectFileEqualsLab = "expect.file_equals_lab_file",
    ExpectFileContains = "expect.file_contains",
    FileMissing = "file.missing",
    FilePresent = "file.present",
    FileKindIs = "file.wrong_kind",
    FileDiffersLab = "file.differs_lab_file",
    FileLacks = "file.lacks",
    FileOk = "file.ok",
    FileAt = "file.at",
    FileNotAsExpected = "file.not_as_expected",
    FileProblems = "file.problems",
    // logs
    ExpectLogs = "expect.logs",
    ExpectLogsMany = "expect.logs_many",
    LogsOk = "logs.ok",
    LogsFoundIn = "logs.found_in",
    LogsNotYet = "logs.not_yet",
    LogsOnlySome = "logs.only_some",
    LogsMissingIn = "logs.missing_in",
    // exec
    ExpectExec = "expect.exec",
    ExpectExecPrints = "expect.exec_prints",
    ExecExit = "exec.exit_code",
    ExecExitUnknown = "exec.exit_unknown",
    ExecLacks = "exec.lacks",
    ExecOk = "exec.ok",
    ExecExited = "exec.exited",
    ExecNotAsExpected = "exec.not_as_expected",
    ExecProblems = "exec.problems",
    // reach
    ExpectReachTo = "expect.reach",
    ExpectReachToOver = "expect.reach_over",
    ExpectReachAny = "expect.reach_any",
    ExpectReachAnyOver = "expect.reach_any_over",
    ReachOnDefaults = "reach.default_networks_only",
    ReachOnNoNetwork = "reach.no_network",
    ReachNoPeer = "reach.no_peer",
    ReachNoPeerAny = "reach.no_peer_any",
    ReachPingOk = "reach.ping_answered",
    ReachPingFailed = "reach.ping_failed",
    ReachUnresolved = "reach.unresolved",
    ReachResolves = "reach.resolves",
    ReachRaw = "reach.probe_said",
    ReachProbeFrom = "reach.probe_from",
    ReachCannot = "reach.cannot_reach",
    ReachByEngineState = "reach.by_engine_state",
    ReachOk = "reach.ok",
    ReachShare = "reach.share",
    ReachNotYetTo = "reach.not_yet",
    ReachNotYetAny = "reach.not_yet_any",
    // event
    ExpectEvent = "expect.event",
    ExpectEventFor = "expect.event_for",
    ExpectEventRunning = "expect.event_running",
    ExpectEventForRunning = "expect.event_for_running",
    ExpectNetworkEvent = "expect.network_event",
    ExpectTypedEvent = "expect.typed_event",
    ExpectEventAbout = "expect.event_about",
    EventOk = "event.ok",
    EventOn = "event.on",
    EventNotYet = "event.not_yet",
    EventNoneSince = "event.none_since",
    EventSeenOnly = "event.seen_only",
    EventUnrecorded = "event.unrecorded",
    EventUnwitnessed = "event.unwitnessed",
    DetachedUnknown = "container.detached_unknown",
    CopyUndated = "file.copy_undated",
    StopByItsEnd = "event.stop_by_its_end",
    EventCommandUnseen = "event.command_unseen",
    SequenceEarly = "order.sequence_early",
    ActBeforePart = "order.act_before_part",
    // the order of steps
    OrderBlocked = "order.blocked",
    ExpectAfter = "expect.after",
    OrderWaiting = "order.waiting",
    OrderKept = "order.kept",
    ExpectKept = "expect.kept",
    OrderKeptAt = "order.kept_at",
    ActBefore = "order.act_before",
    ActBeforeStart = "order.act_before_start",
    // answer
    ExpectAnswer = "expect.answer",
    AnswerMissing = "answer.missing",
    AnswerNone = "answer.none",
    AnswerRight = "answer.right",
    AnswerMatches = "answer.matches",
    AnswerWrong = "answer.wrong",
    AnswerNoSource = "answer.no_source",
    AnswerDiffers = "answer.differs",
}
