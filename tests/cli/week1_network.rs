//! `network-commands` (course 004 §3.2.14) against the real engine: the book's way passes
//! step by step, in order; the typical mistakes — a wrong subnet, a missing `--gateway`,
//! `network rm` while a container is attached, `connect` before `create`, a network left
//! from before the lab, a network that holds the subnet, stopping instead of disconnecting,
//! and the lab without its `my-nginx` — fail at the right step, and the message names the
//! difference.

use crate::harness::{
    Engine, Test, assert_observed, assert_steps, docker, docker_fails, docker_ok, wait_state,
};

const LAB: &str = "network-commands";
const ALL: [&str; 5] = ["create", "create-subnet", "connect", "disconnect", "remove"];

const RUN_MY_NGINX: &[&str] = &["run", "-p", "8080:80", "--name", "my-nginx", "-d", "nginx"];
const CREATE: &[&str] = &["network", "create", "my-custom-network"];
const CREATE_SUBNET: &[&str] = &[
    "network",
    "create",
    "--subnet",
    "172.19.0.0/24",
    "--gateway",
    "172.19.0.1",
    "my-specific-network",
];
const CONNECT: &[&str] = &["network", "connect", "my-custom-network", "my-nginx"];
const DISCONNECT: &[&str] = &["network", "disconnect", "my-custom-network", "my-nginx"];
const REMOVE: &[&str] = &["network", "rm", "my-custom-network", "my-specific-network"];

/// The lab's networks, removed with the test whatever happens; and a guard.
///
/// Docker hands out the ranges of networks made without `--subnet` in turn (`172.18.0.0/16`,
/// `172.19.0.0/16`, … round the pool), so once in about thirty runs `my-custom-network`
/// would get `172.19.0.0/16` and the book's `--subnet 172.19.0.0/24` would fail with
/// "Pool overlaps" (the lab explains this to the learner). A guard network inside
/// `172.19.0.0/16` but outside `172.19.0.0/24` makes Docker skip that range.
fn networks(e: &mut Engine) {
    e.track_network("my-custom-network");
    e.track_network("my-specific-network");
    e.track_network("dkt-net-guard");
    docker(&[
        "network",
        "create",
        "--subnet",
        "172.19.255.0/24",
        "dkt-net-guard",
    ]);
}

/// What the lab needs (`needs:`): `my-nginx` running, as the `my-nginx` lab leaves it.
fn my_nginx(e: &mut Engine) {
    e.run("my-nginx", RUN_MY_NGINX);
    wait_state("my-nginx", "running");
}

/// The start of every test: the lab's prior state and its networks' cleanup.
fn begin() -> Engine {
    let mut e = Engine::lock();
    networks(&mut e);
    my_nginx(&mut e);
    e
}

/// Move the lab's start to now: what was made before is a leftover, not the learner's act.
fn start_lab_now(e: &mut Engine) {
    // The engine dates networks to the second: start the lab in a later one.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock");
    e.since = format!("{}.{:09}", now.as_secs(), now.subsec_nanos());
}

/// `check` in text form, as a learner reads it (the preflight line is printed only there).
fn check_text(e: &Engine) -> String {
    Test::new()
        .args(&["check", LAB, "--since", &e.since])
        .run()
        .code(1)
        .no_panic()
        .stdout
}

/// The book's way, each command as the notes give it: every step turns green only after
/// its own act, in order.
#[test]
fn the_books_way_step_by_step() {
    let e = begin();
    let r = e.check(LAB);
    assert_steps(&r, &ALL.map(|s| (s, false)));
    assert_observed(&r, "create", "no network `my-custom-network`");

    docker(&["network", "ls"]);
    docker(CREATE);
    let r = e.check(LAB);
    assert_steps(
        &r,
        &[
            ("create", true),
            ("create-subnet", false),
            ("connect", false),
            ("disconnect", false),
            ("remove", false),
        ],
    );
    assert_observed(&r, "create-subnet", "no network `my-specific-network`");
    assert_observed(
        &r,
        "connect",
        "`my-nginx` is not connected to `my-custom-network`",
    );

    docker(CREATE_SUBNET);
    let inspect = docker(&["network", "inspect", "my-specific-network"]);
    assert!(
        inspect.contains("\"Subnet\": \"172.19.0.0/24\""),
        "{inspect}"
    );
    assert!(inspect.contains("\"Gateway\": \"172.19.0.1\""), "{inspect}");
    let r = e.check(LAB);
    assert_steps(
        &r,
        &[
            ("create-subnet", true),
            ("connect", false),
            ("disconnect", false),
            ("remove", false),
        ],
    );
    assert_observed(&r, "remove", "`my-custom-network` is still there");

    docker(CONNECT);
    let inspect = docker(&["network", "inspect", "my-custom-network"]);
    assert!(inspect.contains("\"Name\": \"my-nginx\""), "{inspect}");
    let r = e.check(LAB);
    assert_steps(
        &r,
        &[("connect", true), ("disconnect", false), ("remove", false)],
    );
    assert_observed(&r, "disconnect", "still attached");

    docker(DISCONNECT);
    let r = e.check(LAB);
    assert_steps(&r, &[("disconnect", true), ("remove", false)]);

    assert_eq!(docker(REMOVE), "my-custom-network\nmy-specific-network");
    let r = e.check(LAB);
    assert_steps(&r, &ALL.map(|s| (s, true)));
    // `my-nginx` is the `my-nginx` lab's: this lab leaves it running.
    assert_eq!(crate::harness::state("my-nginx"), "running");
}

/// A subnet other than the notes' is named in the message; so is a missing `--gateway`
/// (Docker 20.10 records no gateway it was not given). Remade right, the step passes.
#[test]
fn a_wrong_subnet_or_no_gateway_fails_create_subnet() {
    let e = begin();
    docker(CREATE);
    docker(&[
        "network",
        "create",
        "--subnet",
        "172.19.1.0/24",
        "--gateway",
        "172.19.1.1",
        "my-specific-network",
    ]);
    let r = e.check(LAB);
    assert_steps(&r, &[("create", true), ("create-subnet", false)]);
    assert_observed(
        &r,
        "create-subnet",
        "its subnet is `172.19.1.0/24`, not 172.19.0.0/24",
    );
    assert_observed(
        &r,
        "create-subnet",
        "its gateway is `172.19.1.1`, not 172.19.0.1",
    );
    assert_observed(&r, "create-subnet", "docker network rm my-specific-network");

    docker(&["network", "rm", "my-specific-network"]);
    docker(&[
        "network",
        "create",
        "--subnet",
        "172.19.0.0/24",
        "my-specific-network",
    ]);
    let r = e.check(LAB);
    assert_steps(&r, &[("create-subnet", false)]);
    assert_observed(&r, "create-subnet", "not 172.19.0.1");
    assert_observed(&r, "create-subnet", "you left out `--gateway`");

    docker(&["network", "rm", "my-specific-network"]);
    docker(CREATE_SUBNET);
    let r = e.check(LAB);
    assert_steps(&r, &[("create", true), ("create-subnet", true)]);
}

/// The book's `network rm` of both names while `my-nginx` is still attached: Docker
/// removes `my-specific-network` and refuses `my-custom-network` ("has active endpoints").
/// After `disconnect`, removing the one that is left finishes the step.
#[test]
fn network_rm_while_connected_fails() {
    let e = begin();
    docker(CREATE);
    docker(CREATE_SUBNET);
    docker(CONNECT);
    // Checked after each act, as `start` does while the learner works: passes stick, and
    // `create-subnet` stays passed once its network is gone.
    let r = e.check(LAB);
    assert_steps(
        &r,
        &[("create", true), ("create-subnet", true), ("connect", true)],
    );
    let err = docker_fails(REMOVE);
    assert!(err.contains("has active endpoints"), "{err}");
    assert!(!docker_ok(&["network", "inspect", "my-specific-network"]));
    let r = e.check(LAB);
    assert_steps(
        &r,
        &[("connect", true), ("disconnect", false), ("remove", false)],
    );
    assert_observed(&r, "remove", "`my-custom-network` is still there");
    assert_observed(&r, "remove", "`has active endpoints`");
    assert_observed(&r, "remove", "(bridge, members `my-nginx`)");
    // The other name's removal counts: `remove` follows `create-subnet`.
    assert_observed(&r, "remove", "seen only `destroy` on `my-specific-network`");
    assert_observed(&r, "disconnect", "still attached");

    docker(DISCONNECT);
    let r = e.check(LAB);
    assert_steps(&r, &[("disconnect", true), ("remove", false)]);
    docker(&["network", "rm", "my-custom-network"]);
    let r = e.check(LAB);
    assert_steps(&r, &ALL.map(|s| (s, true)));
}

/// `connect` before the network exists fails in Docker and leaves no record; after
/// `create`, the step still waits for a `connect` of its own.
#[test]
fn connect_before_create_does_nothing() {
    let e = begin();
    let err = docker_fails(CONNECT);
    assert!(err.contains("network my-custom-network not found"), "{err}");
    let r = e.check(LAB);
    assert_steps(&r, &[("create", false), ("connect", false)]);
    assert_observed(&r, "connect", "Do `create` first");

    docker(CREATE);
    let r = e.check(LAB);
    assert_steps(&r, &[("create", true), ("connect", false)]);
    assert_observed(&r, "connect", "not connected to `my-custom-network`");
    assert_observed(&r, "connect", "no record of `my-nginx` being connected");

    docker(CONNECT);
    let r = e.check(LAB);
    // `connect` follows `create`: it does not wait for `create-subnet`.
    assert_steps(
        &r,
        &[
            ("create", true),
            ("create-subnet", false),
            ("connect", true),
        ],
    );
}

/// A `my-custom-network` made before the lab started looks right but is no act of this
/// lab: `create` fails and says to make it again; the preflight names it.
#[test]
fn a_leftover_network_does_not_pass_create() {
    let mut e = begin();
    docker(CREATE);
    start_lab_now(&mut e);
    let r = e.check(LAB);
    assert_steps(&r, &[("create", false)]);
    assert_observed(&r, "create", "no `create` event since the lab started");
    assert_observed(&r, "create", "docker network rm my-custom-network");
    let text = check_text(&e);
    assert!(
        text.contains("network `my-custom-network`: has the name of a network this lab creates"),
        "{text}"
    );

    let err = docker_fails(CREATE);
    assert!(err.contains("already exists"), "{err}");
    docker(&["network", "rm", "my-custom-network"]);
    docker(CREATE);
    let r = e.check(LAB);
    assert_steps(&r, &[("create", true)]);
}

/// A network that holds `172.19.0.0/16` makes the book's `--subnet 172.19.0.0/24` fail
/// with "Pool overlaps"; the preflight names it before the learner gets there.
#[test]
fn an_overlapping_subnet_blocks_create_subnet() {
    let mut e = begin();
    e.track_network("dkt-net-pool");
    // The guard sits inside 172.19.0.0/16: out of the way for this one.
    docker(&["network", "rm", "dkt-net-guard"]);
    docker(&[
        "network",
        "create",
        "--subnet",
        "172.19.0.0/16",
        "dkt-net-pool",
    ]);
    start_lab_now(&mut e);
    let text = check_text(&e);
    assert!(
        text.contains("network `dkt-net-pool`: its subnet 172.19.0.0/16 overlaps 172.19.0.0/24"),
        "{text}"
    );

    docker(CREATE);
    let err = docker_fails(CREATE_SUBNET);
    assert!(
        err.contains("Pool overlaps with other one on this address space"),
        "{err}"
    );
    let r = e.check(LAB);
    assert_steps(&r, &[("create", true), ("create-subnet", false)]);
    assert_observed(&r, "create-subnet", "no network `my-specific-network`");

    docker(&["network", "rm", "dkt-net-pool"]);
    docker(CREATE_SUBNET);
    let r = e.check(LAB);
    assert_steps(&r, &[("create-subnet", true)]);
}

/// Stopping `my-nginx` takes it off the network too (with a `disconnect` event), but it is
/// not the step's act; starting it again reconnects it. `disconnect` itself passes.
#[test]
fn stopping_is_not_disconnecting() {
    let e = begin();
    docker(CREATE);
    docker(CREATE_SUBNET);
    docker(CONNECT);
    let r = e.check(LAB);
    assert_steps(&r, &[("connect", true)]);
    docker(&["stop", "-t", "1", "my-nginx"]);
    let r = e.check(LAB);
    assert_steps(&r, &[("connect", true), ("disconnect", false)]);
    assert_observed(
        &r,
        "disconnect",
        "`my-nginx` does not answer on http://localhost:8080",
    );

    docker(&["start", "my-nginx"]);
    wait_state("my-nginx", "running");
    let r = e.check(LAB);
    assert_steps(&r, &[("disconnect", false)]);
    assert_observed(&r, "disconnect", "still attached");

    docker(DISCONNECT);
    let r = e.check(LAB);
    assert_steps(&r, &[("disconnect", true)]);
}

/// Without `my-nginx` the lab says what it needs: `show` has "Before you start" with the
/// command, `check` a line naming the missing container; `connect` cannot be done.
#[test]
fn without_my_nginx_the_lab_says_what_it_needs() {
    Test::new()
        .args(&["show", LAB])
        .run()
        .code(0)
        .stdout_has("Before you start")
        .stdout_has("docker run -p 8080:80 --name my-nginx -d nginx");

    let mut e = Engine::lock();
    networks(&mut e);
    e.track_container("my-nginx");
    let text = check_text(&e);
    assert!(
        text.contains("before this lab: needs: No container called `my-nginx` is running"),
        "{text}"
    );

    docker(CREATE);
    let err = docker_fails(CONNECT);
    assert!(err.contains("No such container: my-nginx"), "{err}");
    let r = e.check(LAB);
    assert_steps(&r, &[("create", true), ("connect", false)]);

    my_nginx(&mut e);
    let text = check_text(&e);
    assert!(!text.contains("before this lab"), "{text}");
    docker(CONNECT);
    let r = e.check(LAB);
    assert_steps(&r, &[("connect", true)]);
}
