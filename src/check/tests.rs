//! Tests of the check kinds: the logic once (codes and values of the verdict), and the
//! words of every scenario in both languages (golden sentences and insta snapshots).

use std::collections::BTreeMap;

use super::answer::{AnswerCheck, AnswerField};
use super::container::{ContainerCheck, ContainerState, Distinct, PortSpec};
use super::event::EventCheck;
use super::network::NetworkCheck;
use super::select::Select;
use super::*;
use crate::snapshot::{Container, Network, PortBinding, Summary};
use crate::verdict::Verdict;

const WEB: &str = "sha256:web";
const WEB_IMAGE: &str = "diamol/ch02-hello-diamol-web";

pub(crate) fn snap(containers: Vec<Container>) -> Snapshot {
    let mut images = BTreeMap::new();
    images.insert(WEB_IMAGE.to_owned(), Some(WEB.to_owned()));
    Snapshot {
        all: containers
            .iter()
            .map(|c| Summary {
                id: c.id.clone(),
                name: c.name.clone(),
                image: c.image.clone(),
                image_id: c.image_id.clone(),
                state: c.state.clone(),
                status: c.state.clone(),
            })
            .collect(),
        containers,
        images,
        taken_at: 1000,
        ..Default::default()
    }
}

pub(crate) fn web(name: &str, host_port: u16) -> Container {
    Container {
        id: format!("{name}-id"),
        name: name.into(),
        image: WEB_IMAGE.into(),
        image_id: WEB.into(),
        state: "running".into(),
        ports: vec![PortBinding {
            container_port: 80,
            protocol: "tcp".into(),
            host_ip: "0.0.0.0".into(),
            host_port,
        }],
        attached: Some(false),
        ..Default::default()
    }
}

fn by_image() -> Select {
    Select {
        image: Some(WEB_IMAGE.into()),
        ..Default::default()
    }
}

/// "Two runs with different hostnames", and two web containers sharing one hostname.
fn two_with_one_hostname() -> (ContainerCheck, Container, Container) {
    let spec = ContainerCheck {
        select: by_image(),
        at_least: Some(2),
        distinct: Some(Distinct::Hostname),
        ..Default::default()
    };
    let mut a = web("a", 1);
    a.hostname = "h1".into();
    let mut b = web("b", 2);
    b.hostname = "h1".into();
    (spec, a, b)
}

/// Started without `-d`, asked for 8088, and exited two minutes before the snapshot.
fn exited_attached_web() -> Container {
    let mut c = web("web", 8088);
    c.attached = Some(true);
    c.state = "exited".into();
    c.exit_code = Some(0);
    c.finished = 880;
    c.ports.clear();
    c.requested_ports = vec![PortBinding {
        container_port: 80,
        protocol: "tcp".into(),
        host_ip: String::new(),
        host_port: 8088,
    }];
    c
}

fn detached_on_8088() -> ContainerCheck {
    ContainerCheck {
        select: by_image(),
        state: Some(ContainerState::Running),
        detached: Some(true),
        published: Some(vec![PortSpec {
            container: "80/tcp".into(),
            host: 8088,
        }]),
        ..Default::default()
    }
}

fn container(spec: &ContainerCheck, s: &Snapshot) -> Verdict {
    container::judge(spec, 0, s)
}

/// A step that counts from the very beginning.
const FROM_START: StepCx<'static> = StepCx {
    part: false,
    id: "s",
    after: 0,
    after_step: None,
};

/// English words of the generated texts that must not show through in Korean ones.
const ENGLISH: &[&str] = &[
    "publishes",
    "container with",
    "containers with",
    "exited",
    "found",
    "expected",
    "running",
    "attached",
    "detached",
    "recorded",
    "answer",
    "nothing",
    "more",
    "driver",
    "user-defined",
    "still there",
    "start it",
    "exists",
    "hostname",
    "seen",
    "event",
    " not ",
    " on ",
    " ago",
];

fn has_hangul(s: &str) -> bool {
    s.chars().any(|c| ('\u{ac00}'..='\u{d7a3}').contains(&c))
}

/// A verdict in both languages. The Korean texts have no English words left in them
/// (flags, names and values in backticks stay as they are), and the two JSON forms differ
/// only in the human texts.
fn both(kind: &'static str, v: &Verdict) -> (Outcome, Outcome) {
    let en = Outcome::new(kind, v.clone(), Lang::En, None);
    let ko = Outcome::new(kind, v.clone(), Lang::Ko, None);
    for text in [&ko.expected, &ko.observed] {
        assert!(has_hangul(text), "not Korean: {text}");
        let words: String = text.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        for word in ENGLISH {
            assert!(!words.contains(word), "`{word}` in Korean text: {text}");
        }
    }
    let data = |o: &Outcome| {
        let mut j = serde_json::to_value(o).expect("an outcome serializes");
        for human in ["message", "expected", "observed"] {
            j.as_object_mut().map(|m| m.remove(human));
        }
        j
    };
    assert_eq!(data(&en), data(&ko));
    (en, ko)
}

fn has(v: &Verdict, code: &str) -> bool {
    v.codes().contains(&code)
}

#[test]
fn right_port_passes() {
    let v = container(&detached_on_8088(), &snap(vec![web("web", 8088)]));
    assert!(v.passed, "{v:?}");
    let (en, _) = both("container", &v);
    assert_eq!(en.observed, "found `web`");
}

#[test]
fn wrong_host_port_names_the_difference() {
    let v = container(&detached_on_8088(), &snap(vec![web("web", 8080)]));
    assert!(!v.passed && has(&v, "container.port_elsewhere"));
    let (en, ko) = both("container", &v);
    assert_eq!(en.observed, "`web` publishes 80/tcp on 8080, not 8088");
    assert_eq!(
        en.expected,
        "container with image `diamol/ch02-hello-diamol-web`, running, detached (-d), \
         80/tcp published on 8088"
    );
    assert_eq!(
        ko.expected,
        "이미지 `diamol/ch02-hello-diamol-web` 인 컨테이너, 실행 중, 백그라운드(-d), \
         호스트 포트 8088 에 80/tcp 공개"
    );
    assert_eq!(
        ko.observed,
        "`web`: 80/tcp 를 호스트 포트 8088 이(가) 아닌 8080 에 공개함"
    );
}

#[test]
fn random_port_and_wrong_container_port() {
    let mut c = web("web", 49153);
    c.publish_all = true;
    let v = container(&detached_on_8088(), &snap(vec![c]));
    assert!(has(&v, "container.port_random"));
    let (en, ko) = both("container", &v);
    assert!(en.observed.contains("-P"), "{}", en.observed);
    assert!(
        ko.observed
            .contains("`-P` 는 호스트 포트를 임의로 고릅니다")
            && ko.observed.contains("`-p 호스트포트:컨테이너포트`"),
        "{}",
        ko.observed
    );
    let mut c = web("web", 8088);
    c.ports[0].container_port = 8080;
    let v = container(&detached_on_8088(), &snap(vec![c]));
    assert!(has(&v, "container.port_other_target"));
    let (en, ko) = both("container", &v);
    assert!(
        en.observed
            .contains("host port 8088 to container port 8080")
    );
    assert!(
        ko.observed
            .contains("호스트 포트 8088 을(를) 80/tcp 가 아닌 컨테이너 포트 8080 에 공개함"),
        "{}",
        ko.observed
    );
}

#[test]
fn attached_run_and_exited_state_are_reported_and_terminal() {
    let v = container(&detached_on_8088(), &snap(vec![exited_attached_web()]));
    assert!(!v.passed && v.terminal);
    for code in [
        "container.wrong_state",
        "container.not_detached",
        "container.port_not_bound",
    ] {
        assert!(has(&v, code), "{code}: {:?}", v.codes());
    }
    let (en, ko) = both("container", &v);
    for want in ["exited (0, 2 min ago)", "add `-d`", "nothing is bound"] {
        assert!(en.observed.contains(want), "{want}: {}", en.observed);
    }
    for want in [
        "실행 중 상태가 아님: 종료됨 (종료 코드 0, 2분 전)",
        "백그라운드(-d)가 아니라 포그라운드로 실행됨 (`-d`/`--detach` 를 붙이세요)",
        "80/tcp 를 호스트 포트 8088 에 공개하도록 실행했지만",
        "연결된 포트가 없음",
    ] {
        assert!(ko.observed.contains(want), "{want}: {}", ko.observed);
    }
}

#[test]
fn terminal_stdin_rm_env_and_networks() {
    let spec = ContainerCheck {
        select: by_image(),
        state: Some(ContainerState::Running),
        tty: Some(true),
        stdin_open: Some(true),
        auto_remove: Some(true),
        env: Some(vec!["A=1".into()]),
        networks: Some(vec!["custom_network".into()]),
        ..Default::default()
    };
    let v = container(&spec, &snap(vec![web("web", 8088)]));
    for code in [
        "container.no_tty",
        "container.no_stdin",
        "container.no_auto_remove",
        "container.no_env",
        "container.on_no_network",
    ] {
        assert!(has(&v, code), "{code}");
    }
    let (_, ko) = both("container", &v);
    assert!(
        ko.expected
            .contains("표준 입력과 터미널을 연결한 대화형 (-it)")
    );
    for want in [
        "터미널(-t)이 연결되어 있지 않음 (`-t`/`--tty` 를 붙여 실행하세요)",
        "표준 입력(-i)이 열려 있지 않음 (`-i`/`--interactive` 를 붙여 실행하세요)",
        "`--rm` 없이 실행됨",
        "환경 변수 `A=1` 이(가) 없음",
        "어느 네트워크에도 연결되어 있지 않음 (`custom_network` 에 연결해야 함)",
    ] {
        assert!(ko.observed.contains(want), "{want}: {}", ko.observed);
    }
}

#[test]
fn nothing_there_lists_what_is() {
    let mut other = web("db", 5432);
    other.image_id = "sha256:other".into();
    other.image = "postgres".into();
    let v = container(&detached_on_8088(), &snap(vec![other]));
    assert!(!v.passed && has(&v, "select.no_match") && has(&v, "select.found_others"));
    let (_, ko) = both("container", &v);
    assert!(ko.message.contains("컨테이너가 없습니다"), "{}", ko.message);
    assert_eq!(
        ko.observed,
        "이미지 `diamol/ch02-hello-diamol-web` 인 컨테이너 없음; \
         있는 컨테이너: `db` (postgres, 실행 중)"
    );
    let v = container(&detached_on_8088(), &snap(vec![]));
    let (en, ko) = both("container", &v);
    assert!(en.observed.ends_with("; no containers at all"));
    assert!(ko.observed.ends_with("; 컨테이너가 하나도 없음"));
    let mut s = snap(vec![]);
    s.images.clear();
    let v = container(&detached_on_8088(), &s);
    assert!(has(&v, "select.image_missing"));
    let (_, ko) = both("container", &v);
    assert!(ko.observed.contains(
        "이미지 `diamol/ch02-hello-diamol-web` 이(가) 이 도커 엔진에 없음 \
         (`docklings images` 로 내려받기)"
    ));
}

#[test]
fn distinct_hostnames_are_counted() {
    let (mut spec, a, mut b) = two_with_one_hostname();
    let v = container(&spec, &snap(vec![a.clone(), b.clone()]));
    assert!(
        !v.passed && has(&v, "container.only_some_distinct"),
        "same hostname twice is one"
    );
    let (en, ko) = both("container", &v);
    assert!(en.observed.starts_with("only 1 of 2"), "{}", en.observed);
    assert_eq!(
        ko.expected,
        "이미지 `diamol/ch02-hello-diamol-web` 인 컨테이너 2개, 호스트명이 서로 다름"
    );
    assert!(
        ko.observed
            .starts_with("필요한 2개 중 1개뿐 (호스트명이 서로 다른 것만 셈): "),
        "{}",
        ko.observed
    );
    b.hostname = "h2".into();
    let v = container(&spec, &snap(vec![a, b]));
    assert!(v.passed);
    let (_, ko) = both("container", &v);
    assert!(
        ko.observed.starts_with("찾은 컨테이너: ") && ko.observed.contains("(호스트명 h2)"),
        "{}",
        ko.observed
    );
    spec.at_least = Some(3);
    assert!(!container(&spec, &snap(vec![web("x", 1)])).passed);
}

#[test]
fn absent_after_rm() {
    let s = by_image();
    // An empty engine alone proves nothing: the removal must be on record.
    let v = absent::judge(&s, &FROM_START, &snap(vec![]));
    assert!(!v.passed && has(&v, "absent.no_removal"), "{:?}", v.codes());
    let mut removed = snap(vec![]);
    removed.events = vec![exec_event("destroy", WEB_IMAGE)];
    removed.events[0].time_nano = 2_000_000_000;
    let v = absent::judge(&s, &FROM_START, &removed);
    assert!(v.passed);
    assert_eq!(v.at, Some(2_000_000_000));
    let (en, ko) = both("absent", &v);
    assert_eq!(
        ko.expected,
        "이미지 `diamol/ch02-hello-diamol-web` 인 컨테이너 없음, 직접 삭제함"
    );
    assert_eq!(en.observed, "`web` removed at 00:00:02 UTC");
    // A removal before the step this one follows does not count, and says so.
    let later = StepCx {
        id: "remove",
        after: 3_000_000_000,
        after_step: Some("run-detached"),
        part: false,
    };
    let v = absent::judge(&s, &later, &removed);
    assert!(!v.passed && has(&v, "order.act_before"), "{:?}", v.codes());
    let (en, ko) = both("absent", &v);
    assert_eq!(
        en.observed,
        "the removal of `web` was at 00:00:02 UTC, before `run-detached` passed at \
         00:00:03 UTC: do it again now"
    );
    assert!(
        ko.observed.contains("`run-detached` 단계를 마친"),
        "{}",
        ko.observed
    );
    let mut gone = web("old", 8088);
    gone.state = "exited".into();
    gone.exit_code = Some(137);
    let v = absent::judge(&s, &FROM_START, &snap(vec![web("web", 8088), gone]));
    assert!(!v.passed);
    let (en, ko) = both("absent", &v);
    assert_eq!(
        en.observed,
        "still there: `old` (exited (137)), `web` (running)"
    );
    assert_eq!(
        ko.observed,
        "아직 남아 있음: `old` (종료됨 (종료 코드 137)), `web` (실행 중)"
    );
}

#[test]
fn a_network_made_since_the_step_began_dates_the_step() {
    let net = |created| Network {
        id: "n".into(),
        name: "my-custom-network".into(),
        driver: "bridge".into(),
        user_defined: true,
        created,
        ..Default::default()
    };
    let spec = NetworkCheck {
        name: "my-custom-network".into(),
        ..Default::default()
    };
    let step = StepCx {
        after: 1_000 * 1_000_000_000 + 500,
        ..FROM_START
    };
    let mut s = snap(vec![]);
    // Made later: its creation is the act, dated by the engine.
    s.networks = vec![net(1_002)];
    let v = network::judge(&spec, &step, &s);
    assert!(v.passed);
    assert_eq!(v.at, Some(1_002 * 1_000_000_000));
    // Made in the very second the step began: counts, at the step's start.
    s.networks = vec![net(1_000)];
    assert_eq!(network::judge(&spec, &step, &s).at, Some(step.after));
    // Made before, or of unknown date: still passes as a state, with no act of its own.
    for created in [999, 0] {
        s.networks = vec![net(created)];
        let v = network::judge(&spec, &step, &s);
        assert!(v.passed && v.at.is_none(), "{created}");
    }
}

#[test]
fn networks_and_images() {
    let mut s = snap(vec![]);
    s.networks = vec![Network {
        id: "n1".into(),
        name: "bridge".into(),
        driver: "bridge".into(),
        user_defined: false,
        members: vec![],
        ..Default::default()
    }];
    let spec = NetworkCheck {
        name: "custom_network".into(),
        driver: Some("bridge".into()),
        user_defined: Some(true),
        min_members: Some(2),
        ..Default::default()
    };
    let v = network::judge(&spec, &FROM_START, &s);
    assert!(!v.passed && has(&v, "network.missing_detail"));
    let (en, ko) = both("network", &v);
    assert!(en.observed.contains("no network `custom_network`"));
    assert_eq!(
        ko.expected,
        "네트워크 `custom_network`, 드라이버 bridge, 사용자 정의 네트워크, \
         컨테이너 2개 이상 연결"
    );
    assert_eq!(
        ko.observed,
        "네트워크 `custom_network` 없음; 사용자 정의 네트워크: 없음"
    );
    s.networks.push(Network {
        id: "n2".into(),
        name: "custom_network".into(),
        driver: "overlay".into(),
        user_defined: false,
        members: vec!["a".into()],
        ..Default::default()
    });
    let v = network::judge(&spec, &FROM_START, &s);
    let (_, ko) = both("network", &v);
    assert_eq!(
        ko.observed,
        "드라이버가 bridge 이(가) 아니라 overlay; \
         사용자 정의 네트워크가 아니라 도커 엔진의 기본 네트워크임; \
         연결된 컨테이너 1개 (`a`)"
    );
    s.networks[1] = Network {
        driver: "bridge".into(),
        user_defined: true,
        members: vec!["a".into(), "b".into()],
        ..s.networks[1].clone()
    };
    let v = network::judge(&spec, &FROM_START, &s);
    assert!(v.passed);
    let (_, ko) = both("network", &v);
    assert_eq!(
        ko.observed,
        "`custom_network` (bridge, 연결된 컨테이너 `a`, `b`)"
    );
    let (_, ko) = both("image", &image::judge(WEB_IMAGE, &s));
    assert_eq!(ko.expected, "이미지 `diamol/ch02-hello-diamol-web` 있음");
    let v = image::judge("nginx", &s);
    assert!(!v.passed);
    let (_, ko) = both("image", &v);
    assert_eq!(ko.observed, "이미지 `nginx` 없음");
    // `absent: true`: the other way round, naming what is still there.
    assert!(image::judge_absent("nginx", &s).passed);
    let v = image::judge_absent(WEB_IMAGE, &s);
    assert!(!v.passed);
    let (en, ko) = both("image", &v);
    assert!(
        en.message
            .starts_with("The image `diamol/ch02-hello-diamol-web` is still there"),
        "{}",
        en.message
    );
    assert_eq!(
        ko.expected,
        "이미지 `diamol/ch02-hello-diamol-web` 없음(삭제됨)"
    );
}

fn exec_event(action: &str, image: &str) -> crate::snapshot::Event {
    crate::snapshot::Event {
        time_nano: 1,
        kind: "container".into(),
        action: action.into(),
        actor_id: "gone".into(),
        attributes: [
            ("image".to_owned(), image.to_owned()),
            ("name".to_owned(), "web".to_owned()),
        ]
        .into_iter()
        .collect(),
    }
}

#[test]
fn a_die_event_tells_exit_from_kill_by_its_code() {
    let mut s = snap(vec![]);
    let die = |code: &str| {
        let mut e = exec_event("die", "ubuntu");
        e.attributes.insert("exitCode".into(), code.into());
        e
    };
    s.events = vec![die("137")];
    let spec = EventCheck {
        action: "die".into(),
        select: None,
        command: None,
        at_least: None,
        exit_code: Some(0),
        ..Default::default()
    };
    let v = event::judge(&spec, &FROM_START, &s);
    assert!(!v.passed);
    let (en, _) = both("event", &v);
    assert!(en.expected.ends_with("exit code 0"), "{}", en.expected);
    s.events.push(die("0"));
    assert!(event::judge(&spec, &FROM_START, &s).passed);
}

#[test]
fn events_match_command_prefixes_and_removed_containers() {
    let mut s = snap(vec![]);
    s.events = vec![
        exec_event("exec_start: ls /usr/local/apache2/htdocs/", WEB_IMAGE),
        exec_event("top", "diamol/base"),
    ];
    let spec = EventCheck {
        action: "exec_start".into(),
        select: Some(by_image()),
        command: Some(vec![
            "ls /usr/local/apache2/htdocs".into(),
            "ls -l /usr/local/apache2/htdocs".into(),
        ]),
        at_least: None,
        exit_code: None,
        ..Default::default()
    };
    let v = event::judge(&spec, &FROM_START, &s);
    assert!(v.passed);
    let (_, ko) = both("event", &v);
    assert_eq!(
        ko.expected,
        "이미지 `diamol/ch02-hello-diamol-web` 인 컨테이너에서 \
         `ls /usr/local/apache2/htdocs` 또는 `ls -l /usr/local/apache2/htdocs` 을(를) \
         실행한 `exec_start` 이벤트가 기록됨"
    );
    assert_eq!(
        ko.observed,
        "`web` 의 `exec_start: ls /usr/local/apache2/htdocs/` 이벤트"
    );
    let cat = EventCheck {
        command: Some(vec!["cat".into()]),
        ..spec.clone()
    };
    let v = event::judge(&cat, &FROM_START, &s);
    assert!(!v.passed && has(&v, "event.seen_only"));
    let (en, ko) = both("event", &v);
    assert!(en.observed.contains("seen only"), "{}", en.observed);
    assert!(ko.observed.starts_with("기록된 것은 "), "{}", ko.observed);
    let top = EventCheck {
        action: "top".into(),
        select: Some(Select {
            name: Some("nobody".into()),
            ..Default::default()
        }),
        command: None,
        at_least: None,
        exit_code: None,
        ..Default::default()
    };
    assert!(!event::judge(&top, &FROM_START, &s).passed);
    let top = EventCheck {
        action: "kill".into(),
        select: None,
        command: None,
        at_least: None,
        exit_code: None,
        ..Default::default()
    };
    let (_, ko) = both("event", &event::judge(&top, &FROM_START, &s));
    assert_eq!(
        (ko.expected.as_str(), ko.observed.as_str()),
        (
            "`kill` 이벤트가 기록됨",
            "실습을 시작한 뒤로 `kill` 이벤트 없음"
        )
    );
}

#[test]
fn answers() {
    let mut c = web("web", 8088);
    c.hostname = "f1e2d3c4b5a6".into();
    let s = snap(vec![c]);
    let a = AnswerCheck {
        question: Text::Localized {
            ko: "호스트명은?".into(),
            en: "Hostname?".into(),
        },
        select: by_image(),
        field: AnswerField::Hostname,
        network: None,
        port: None,
    };
    let v = answer::judge(&a, None, &s);
    assert!(!v.passed && has(&v, "answer.none"));
    let (_, ko) = both("answer", &v);
    assert_eq!(ko.expected, "질문에 대한 답: 호스트명은?");
    assert!(ko.observed.starts_with("답 없음 ("), "{}", ko.observed);
    let (_, ko) = both("answer", &answer::judge(&a, Some("10.9.9.9"), &s));
    assert_eq!(ko.observed, "`10.9.9.9`: 도커 엔진의 값과 다름");
    let v = answer::judge(&a, Some(" f1e2d3c4b5a6 "), &s);
    assert!(v.passed);
    let (_, ko) = both("answer", &v);
    assert_eq!(ko.observed, "`f1e2d3c4b5a6`: 도커 엔진의 값과 같음");
    let (_, ko) = both("answer", &answer::judge(&a, Some("x"), &snap(vec![])));
    assert_eq!(
        ko.observed,
        "`x`; 값을 확인할 이미지 `diamol/ch02-hello-diamol-web` 인 컨테이너도 없음"
    );
}

#[test]
fn the_gateway_is_the_client_an_access_log_shows() {
    let mut c = web("web", 8088);
    c.networks = vec![crate::snapshot::Attachment {
        network: "bridge".into(),
        ip: "172.17.0.2".into(),
        gateway: "172.17.0.1".into(),
        ..Default::default()
    }];
    let s = snap(vec![c]);
    let a = AnswerCheck {
        question: Text::Localized {
            ko: "접근 로그의 클라이언트 주소는?".into(),
            en: "The client address in the access log?".into(),
        },
        select: by_image(),
        field: AnswerField::Gateway,
        network: None,
        port: None,
    };
    assert!(answer::judge(&a, Some("172.17.0.1"), &s).passed);
    assert!(!answer::judge(&a, Some("172.17.0.2"), &s).passed);
}

#[test]
fn the_lab_authors_fail_text_replaces_the_summary_only() {
    let v = container(&detached_on_8088(), &snap(vec![web("web", 8080)]));
    let fail = Text::Localized {
        ko: "8088 포트로 다시 실행하세요.".into(),
        en: "Run it again on port 8088.".into(),
    };
    let o = Outcome::new("container", v.clone(), Lang::En, Some(&fail));
    assert_eq!(o.message, "Run it again on port 8088.");
    assert_eq!(o.code, "container.not_as_asked");
    let passed = container(&detached_on_8088(), &snap(vec![web("web", 8088)]));
    let o = Outcome::new("container", passed, Lang::En, Some(&fail));
    assert_eq!(o.message, "The container is as expected.");
}

#[test]
fn values_that_change_words_with_the_language() {
    use crate::verdict::{Code, Finding, StateSeen};
    let long_ago = Finding::new(Code::NamedState).with("name", "old").with(
        "state",
        StateSeen {
            state: "exited".into(),
            exit_code: Some(1),
            stopped_secs_ago: Some(90_000),
        },
    );
    assert_eq!(
        crate::words::render(&long_ago, Lang::En),
        "`old` (exited (1, 1 days ago))"
    );
    assert_eq!(
        crate::words::render(&long_ago, Lang::Ko),
        "`old` (종료됨 (종료 코드 1, 1일 전))"
    );
    let d = diff::first_difference(b"a\n<p>x</p>", b"a\n<p>y</p>");
    assert_eq!(
        crate::words::render(&d, Lang::Ko),
        "2번째 줄: 기대 `<p>x</p>`, 실제 `<p>y</p>`"
    );
    let d = diff::first_difference(b"a\nb", b"a");
    assert_eq!(
        crate::words::render(&d, Lang::Ko),
        "줄 수: 기대 2줄, 실제 1줄"
    );
    assert_eq!(
        crate::words::render(&d, Lang::En),
        "2 lines expected, 1 found"
    );
    let ports = Finding::new(Code::PortMissing)
        .with("port", 80u16)
        .with("proto", "tcp")
        .with("host", 8088u16)
        .with("ports", container::ports(&web("web", 8080)));
    assert_eq!(
        crate::words::render(&ports, Lang::Ko),
        "80/tcp 를 호스트 포트 8088 에 공개하지 않음 (80/tcp → 호스트 포트 8080)"
    );
}

/// Every scenario above, in both languages, as one snapshot per language: a change of
/// wording shows up as a reviewed snapshot diff, not as a broken logic test.
#[test]
fn wording_snapshots() {
    let (spec_d, a, b) = two_with_one_hostname();
    let mut other = web("db", 5432);
    other.image_id = "sha256:other".into();
    other.image = "postgres".into();
    let scenarios: Vec<(&str, &'static str, Verdict)> = vec![
        (
            "right port",
            "container",
            container(&detached_on_8088(), &snap(vec![web("web", 8088)])),
        ),
        (
            "wrong host port",
            "container",
            container(&detached_on_8088(), &snap(vec![web("web", 8080)])),
        ),
        (
            "exited, attached",
            "container",
            container(&detached_on_8088(), &snap(vec![exited_attached_web()])),
        ),
        (
            "nothing matches",
            "container",
            container(&detached_on_8088(), &snap(vec![other])),
        ),
        (
            "same hostname twice",
            "container",
            container(&spec_d, &snap(vec![a, b])),
        ),
        (
            "absent, still there",
            "absent",
            absent::judge(&by_image(), &FROM_START, &snap(vec![web("web", 8088)])),
        ),
        (
            "no image",
            "image",
            image::judge("hello-world", &snap(vec![])),
        ),
    ];
    for lang in [Lang::En, Lang::Ko] {
        let mut out = String::new();
        for (name, kind, v) in &scenarios {
            let o = Outcome::new(kind, v.clone(), lang, None);
            out.push_str(&format!(
                "## {name} [{}]\n{}\n  expected: {}\n  observed: {}\n\n",
                o.code, o.message, o.expected, o.observed
            ));
        }
        let name = match lang {
            Lang::En => "wording_en",
            Lang::Ko => "wording_ko",
        };
        insta::assert_snapshot!(name, out);
    }
}

/// What Podman 4.3's events cannot show, as the engine module reports it.
fn podman_gaps() -> crate::snapshot::EventGaps {
    crate::snapshot::EventGaps {
        engine: "Podman",
        actions: &[("container", "top"), ("network", "create")],
        exec_commands: true,
        network_names: true,
        stop_by_its_end: true,
    }
}

#[test]
fn an_act_the_engine_never_records_is_said_and_left_to_the_other_checks() {
    let top = EventCheck {
        action: "top".into(),
        select: Some(by_image()),
        ..Default::default()
    };
    let mut s = snap(vec![]);
    assert!(
        !event::judge(&top, &FROM_START, &s).passed,
        "Docker records `top`"
    );
    s.gaps = podman_gaps();
    let v = event::judge(&top, &FROM_START, &s);
    assert!(v.passed && has(&v, "event.unrecorded"), "{:?}", v.codes());
    let (en, ko) = both("event", &v);
    assert_eq!(
        en.message,
        "Podman does not record `top`: this step counts on its other checks."
    );
    assert!(
        ko.message.starts_with("Podman 는 `top` 을 기록하지"),
        "{}",
        ko.message
    );
    let create = EventCheck {
        action: "create".into(),
        of: Some(event::EventType::Network),
        network: Some("my-custom-network".into()),
        ..Default::default()
    };
    assert!(event::judge(&create, &FROM_START, &s).passed);
}

#[test]
fn a_step_whose_only_acts_go_unrecorded_is_not_passed_from_the_start() {
    // week1-practice's prune on Podman: `unused` (a state, no time) and prune events
    // Podman never records. Nothing shows the learner did anything: it must not pass.
    let prune = EventCheck {
        action: "prune".into(),
        ..Default::default()
    };
    let mut s = snap(vec![]);
    s.gaps = crate::snapshot::EventGaps {
        actions: &[("container", "prune")],
        ..podman_gaps()
    };
    let state = Outcome::with_texts("unused", true, "nothing unused", "", "");
    let outcomes = |s: &Snapshot, at: &StepCx<'_>| {
        vec![
            (state.clone(), None),
            (
                Outcome::new("event", event::judge(&prune, at, s), Lang::En, None),
                None,
            ),
        ]
    };
    let mut from_start = outcomes(&s, &FROM_START);
    event::unwitnessed(&mut from_start, FROM_START, Lang::En);
    let gap = &from_start[1].0;
    assert!(!gap.passed && gap.terminal, "{gap:?}");
    assert_eq!(gap.code, "event.unwitnessed");
    assert!(
        gap.message.starts_with(
            "docklings cannot confirm this step on Podman: Podman does not record `prune`"
        ),
        "{}",
        gap.message
    );
    assert!(from_start[0].0.passed, "the state check stays as it was");
    // In Korean too.
    let mut ko = outcomes(&s, &FROM_START);
    event::unwitnessed(&mut ko, FROM_START, Lang::Ko);
    let said = &ko[1].0.message;
    assert!(
        said.starts_with("docklings는 Podman 에서 이 단계를 확인할 수 없습니다. Podman 는 `prune`"),
        "{said}"
    );

    // After another step, the states changed since that step passed: left as it was.
    let after = StepCx {
        after_step: Some("apache-remove"),
        ..FROM_START
    };
    let mut later = outcomes(&s, &after);
    event::unwitnessed(&mut later, after, Lang::En);
    assert!(later.iter().all(|(o, _)| o.passed));
    // But an unrecorded act alone (interactive-shell's `top`) shows nothing, wherever the
    // step counts from: it would pass the moment the step before it did.
    let mut alone = vec![outcomes(&s, &after).remove(1)];
    event::unwitnessed(&mut alone, after, Lang::En);
    assert_eq!(alone[0].0.code, "event.unwitnessed");
    // A check with a time of its own is an act: left as it was.
    let mut timed = outcomes(&s, &FROM_START);
    timed[0].1 = Some(5);
    event::unwitnessed(&mut timed, FROM_START, Lang::En);
    assert!(timed.iter().all(|(o, _)| o.passed));
    // On Docker the event is recorded, or it is missing: nothing to change either way.
    s.gaps = Default::default();
    let mut docker = outcomes(&s, &FROM_START);
    event::unwitnessed(&mut docker, FROM_START, Lang::En);
    assert!(!docker[1].0.passed && docker[1].0.code != "event.unwitnessed");
}

#[test]
fn on_podman_a_stop_is_an_end_without_a_kill() {
    let stop = EventCheck {
        action: "stop".into(),
        select: Some(by_image()),
        ..Default::default()
    };
    let ev = |t: i64, action: &str| {
        let mut e = exec_event(action, "diamol/ch02-hello-diamol-web");
        e.time_nano = t;
        e
    };
    let mut s = snap(vec![]);
    s.gaps = podman_gaps();
    // `docker stop`: Podman recorded the end, no kill, and (often) no `stop`.
    s.events = vec![ev(10, "start"), ev(20, "die")];
    let v = event::judge(&stop, &FROM_START, &s);
    assert!(v.passed && v.at == Some(20), "{:?}", v.codes());
    assert!(has(&v, "event.stop_by_its_end"));
    // `docker kill`: a kill before the end, so not a stop.
    s.events = vec![ev(10, "start"), ev(15, "kill"), ev(20, "die")];
    assert!(!event::judge(&stop, &FROM_START, &s).passed);
    // Killed once, started again and stopped: the second end is a stop.
    s.events.extend([ev(30, "start"), ev(40, "die")]);
    assert_eq!(event::judge(&stop, &FROM_START, &s).at, Some(40));
    // Docker records `stop`: an end alone is not one there.
    s.gaps = Default::default();
    s.events = vec![ev(10, "start"), ev(20, "die")];
    assert!(!event::judge(&stop, &FROM_START, &s).passed);
}

#[test]
fn an_exec_without_its_command_counts_and_says_so() {
    let ls = EventCheck {
        action: "exec_start".into(),
        select: Some(by_image()),
        command: Some(vec!["ls /usr/local/apache2/htdocs".into()]),
        ..Default::default()
    };
    let mut s = snap(vec![]);
    s.events = vec![exec_event("exec_start", WEB_IMAGE)];
    // On Docker a bare exec is not the command asked for.
    assert!(!event::judge(&ls, &FROM_START, &s).passed);
    s.gaps = podman_gaps();
    let v = event::judge(&ls, &FROM_START, &s);
    assert!(
        v.passed && has(&v, "event.command_unseen"),
        "{:?}",
        v.codes()
    );
    let (en, _) = both("event", &v);
    assert!(
        en.observed
            .contains("Podman records that a command ran, not which one"),
        "{}",
        en.observed
    );
    // A command Podman did record (none do today) is still compared.
    s.events = vec![exec_event("exec_start: cat /etc/hostname", WEB_IMAGE)];
    assert!(!event::judge(&ls, &FROM_START, &s).passed);
}

#[test]
fn a_connect_without_its_network_counts_for_the_container() {
    let connect = EventCheck {
        action: "connect".into(),
        of: Some(event::EventType::Network),
        network: Some("my-custom-network".into()),
        ..Default::default()
    };
    let podman_connect = crate::snapshot::Event {
        time_nano: 1,
        kind: "network".into(),
        action: "connect".into(),
        actor_id: String::new(),
        attributes: [("container".to_owned(), "c1".to_owned())]
            .into_iter()
            .collect(),
    };
    let mut s = snap(vec![]);
    s.engine_events = vec![podman_connect];
    assert!(!event::judge(&connect, &FROM_START, &s).passed);
    s.gaps = podman_gaps();
    assert!(event::judge(&connect, &FROM_START, &s).passed);
}

#[test]
fn image_names_in_events_match_whatever_registry_prefix_they_carry() {
    let run = EventCheck {
        action: "die".into(),
        select: Some(Select {
            image: Some("diamol/base".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let mut s = snap(vec![]);
    s.events = vec![exec_event("die", "docker.io/diamol/base:latest")];
    assert!(event::judge(&run, &FROM_START, &s).passed);
}

#[test]
fn detached_is_judged_only_on_evidence() {
    // Podman, its attach events gone: not judged rather than guessed.
    let mut c = web("web", 8088);
    c.attached = None;
    let mut s = snap(vec![c.clone()]);
    s.gaps = podman_gaps();
    let v = container(&detached_on_8088(), &s);
    assert!(
        v.passed && has(&v, "container.detached_unknown"),
        "{:?}",
        v.codes()
    );
    // The learner is told it was not judged, and why.
    let (en, ko) = both("container", &v);
    assert!(
        en.observed.contains(
            "whether it was run detached (-d) is not known: Podman no longer has its events"
        ),
        "{}",
        en.observed
    );
    assert!(ko.observed.contains("알 수 없음"), "{}", ko.observed);
    // Podman with an `attach` before the first start: run without `-d`.
    c.attached = Some(true);
    let v = container(&detached_on_8088(), &snap(vec![c]));
    assert!(
        !v.passed && has(&v, "container.not_detached"),
        "{:?}",
        v.codes()
    );
}
