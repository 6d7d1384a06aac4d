//! The files inside the stand-ins: launchers, shell scripts that play the originals'
//! programs, web pages, release files, bash prompts.

use super::*;

/// The book's cmd.sh, except that it says "Im" as the printed banner does. `echo $(...)`
/// (unquoted) is kept on purpose: word splitting is what trims ifconfig's padding into
/// "inet addr:172.17.0.2 Bcast:172.17.255.255 Mask:255.255.0.0".
pub(super) const HELLO_CMD_SH: &str = r#"#!/bin/sh
# docklings stand-in for diamol/ch02-hello-diamol: prints what the book's image prints.
echo ---------------------
echo 'Hello from Chapter 2!'
echo ---------------------
echo 'My name is:'
echo $(hostname)
echo ---------------------
echo 'Im running on:'
echo $(uname -s -r -m)
echo ---------------------
echo 'My address is:'
echo $(ifconfig eth0 | grep 'inet addr')
echo ---------------------
"#;

/// busybox has no bash applet; the labs only need `bash -c '...'` and an interactive shell.
pub(super) const BASH_SH: &str = r#"#!/bin/sh
# docklings stand-in: busybox has no bash, its sh stands in for it.
exec /bin/sh "$@"
"#;

pub(super) const ENTRYPOINT_SH: &str = r#"#!/bin/sh
# docklings stand-in for nginx's entrypoint: nothing to configure, run the command.
exec "$@"
"#;

/// Lets `nginx -v` and `nginx -t` answer instead of starting a second server.
pub(super) const NGINX_ARGS: &str = r#"case "$1" in
  -v|-V) echo "nginx version: docklings stand-in (busybox httpd)" >&2; exit 0 ;;
  -t|-T) echo "nginx: docklings stand-in, nothing to test" >&2; exit 0 ;;
esac
"#;

/// Where each web stand-in keeps the per-connection handler that [`serve_script`] runs.
pub(super) const SERVE_ONE: &str = "/usr/local/lib/docklings/serve-one";
/// A launcher that serves `docroot` on port 80 in the foreground.
///
/// The server runs as a child rather than being exec'd: as PID 1 it would have no handler
/// for the stop signal, the kernel drops such signals for PID 1, and `docker stop` would wait
/// out its whole timeout before killing it.
///
/// `nc -ll -e` accepts each connection and hands it to [`SERVE_ONE`] rather than letting
/// busybox httpd listen itself, because busybox httpd's own log drops the query string and
/// the user agent: the real images log both, and the `request` check tells docklings' own
/// probes from the learner's requests by them. fd 3 is the container's stdout, where the
/// real Apache and nginx images write their access log.
///
/// `preamble` runs first (it may print the original's startup lines); `on_stop` runs in the
/// trap before the server is stopped, and must hold no single quote.
pub(super) fn serve_script(docroot: &str, preamble: &str, on_stop: &str) -> String {
    format!(
        r#"#!/bin/sh
# docklings stand-in: busybox httpd serves {docroot} on port 80 in the foreground.
{preamble}echo "docklings stand-in: busybox httpd serving {docroot} on port 80" >&2
nc -ll -p 80 -e {SERVE_ONE} 3>&1 &
pid=$!
trap '{on_stop}kill "$pid" 2>/dev/null; wait "$pid"; exit 0' TERM INT QUIT
wait "$pid"
"#
    )
}

/// The access log format a web stand-in writes, as its original does.
#[derive(Clone, Copy)]
pub(super) enum AccessLog {
    /// nginx's default (the chapter 2 web stand-in writes it too).
    Combined,
    /// Apache's `common`, which the official httpd image logs to stdout.
    Common,
}

/// Answers one connection (stdin and stdout are its socket) with busybox httpd in inetd
/// mode, then logs it on fd 3 in `log`'s format: nginx's "combined" (Apache's common format
/// plus referer and user agent) or Apache's "common"; the `request` check reads both, and
/// tells docklings' probes by the mark in their query string. The client address comes from
/// the socket's inode in `/proc/net/tcp{,6}`, since `nc -e` passes no environment.
pub(super) fn serve_one_script(docroot: &str, log: AccessLog) -> String {
    let (like, log_line) = match log {
        AccessLog::Combined => (
            "nginx",
            r#"printf '%s - - [%s] "%s" %s %s "-" "%s"\n' "${client:--}" "$(date -u '+%d/%b/%Y:%H:%M:%S +0000')" "$req" "${status:-500}" "$bytes" "$ua" >&3"#,
        ),
        // Apache writes "-" for a response without a body.
        AccessLog::Common => (
            "Apache",
            r#"[ "$bytes" = 0 ] && bytes=-
printf '%s - - [%s] "%s" %s %s\n' "${client:--}" "$(date -u '+%d/%b/%Y:%H:%M:%S +0000')" "$req" "${status:-500}" "$bytes" >&3"#,
        ),
    };
    format!(
        r#"#!/bin/sh
# docklings stand-in: one HTTP connection, answered by busybox httpd, logged like {like}.
cr=$(printf '\r')
IFS= read -r req || exit 0
req=${{req%"$cr"}}
ua=-
head=
while IFS= read -r h; do
  h=${{h%"$cr"}}
  [ -z "$h" ] && break
  case "$h" in [Uu]ser-[Aa]gent:*) ua=${{h#*:}}; ua=${{ua# }} ;; esac
  head="$head$h$cr
"
done
out=$(mktemp)
printf '%s\r\n%s\r\n' "$req" "$head" | httpd -i -h {docroot} >"$out"
status=$(head -n 1 "$out" | awk '{{print $2}}')
bytes=$(awk 'body {{ n += length($0) + 1 }} /^\r?$/ {{ body = 1 }} END {{ print n + 0 }}' "$out")
# Logged before the response is sent, so that the line is in `docker logs` by the time the
# client has its page (a check run right after `curl` finds it).
inode=$(readlink /proc/self/fd/0 | awk -F '[][]' '{{print $2}}')
client=$(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v i="$inode" '
  function hex(s,   n, k) {{ n = 0; for (k = 1; k <= length(s); k++) n = n * 16 + index("0123456789ABCDEF", substr(s, k, 1)) - 1; return n }}
  $10 == i {{
    split($3, a, ":"); h = a[1]
    if (length(h) == 32) h = substr(h, 25, 8)
    printf "%d.%d.%d.%d", hex(substr(h, 7, 2)), hex(substr(h, 5, 2)), hex(substr(h, 3, 2)), hex(substr(h, 1, 2))
    exit
  }}')
{log_line}
cat "$out"
rm -f "$out"
"#
    )
}

pub(super) const WEB_INDEX_HTML: &str = r#"<!DOCTYPE html>
<html>
  <head>
    <title>Hello from Chapter 2!</title>
  </head>
  <body>
    <h1>Hello from Chapter 2!</h1>
    <p>This is a docklings stand-in for diamol/ch02-hello-diamol-web: busybox httpd serving
    /usr/local/apache2/htdocs, built offline because no registry could be reached.</p>
  </body>
</html>
"#;

pub(super) const NGINX_INDEX_HTML: &str = r#"<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and working.</p>
<p><em>This is a docklings stand-in for nginx: busybox httpd serving /usr/share/nginx/html,
built offline because no registry could be reached.</em></p>
</body>
</html>
"#;

/// Prints the original's message: `/hello` in hello-world is a static program that writes
/// it. The line under step 2 names the image variant Docker pulls for this machine.
pub(super) const HELLO_WORLD_SH: &str = r#"#!/bin/sh
# docklings stand-in for hello-world: prints what the original's /hello prints.
case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64v8 ;;
  armv7*) arch=arm32v7 ;;
  armv6*) arch=arm32v6 ;;
  armv5*) arch=arm32v5 ;;
  i?86) arch=i386 ;;
  mips64*) arch=mips64le ;;
  *) arch=$(uname -m) ;;
esac
cat <<EOF

Hello from Docker!
This message shows that your installation appears to be working correctly.

To generate this message, Docker took the following steps:
 1. The Docker client contacted the Docker daemon.
 2. The Docker daemon pulled the "hello-world" image from the Docker Hub.
    ($arch)
 3. The Docker daemon created a new container from that image which runs the
    executable that produces the output you are currently reading.
 4. The Docker daemon streamed that output to the Docker client, which sent it
    to your terminal.

To try something more ambitious, you can run an Ubuntu container with:
 \$ docker run -it ubuntu bash

Share images, automate workflows, and more with a free Docker ID:
 https://hub.docker.com/

For more examples and ideas, visit:
 https://docs.docker.com/get-started/

EOF
"#;

/// The applets a learner uses in the distribution stand-ins' shells.
pub(super) const DISTRO_APPLETS: &[&str] = &["sh", "ls", "ps", "tty", "hostname", "cat", "echo"];

/// Where the distribution stand-ins keep what their interactive bash reads (see
/// [`DISTRO_BASH_SH`]).
pub(super) const BASHRC: &str = "/usr/local/lib/docklings/bashrc";

/// `/bin/bash` of the distribution stand-ins. busybox has no bash, so its sh plays it: as
/// nginx's [`BASH_SH`] does, plus bash's look in an interactive shell (no script or command,
/// a terminal): the prompt, from the file `$ENV` names, which busybox sh reads when
/// interactive. busybox sh also prints a "BusyBox … built-in shell (ash)" banner on stdout
/// before it reads that file, which bash never does: so the shell starts with stdout on
/// /dev/null and a copy on fd 8, and the file ([`BASHRC_HEAD`]) gives it back.
pub(super) const DISTRO_BASH_SH: &str = r#"#!/bin/sh
# docklings stand-in: busybox has no bash, its sh stands in for it.
for arg; do
  case "$arg" in
    -i | -l | --login) ;;
    *) exec /bin/sh "$@" ;;
  esac
done
if [ -t 0 ] && [ -t 1 ]; then
  # Interactive: /usr/local/lib/docklings/bashrc restores stdout after busybox's banner.
  export ENV=/usr/local/lib/docklings/bashrc
  exec 8>&1
  exec /bin/sh -i >/dev/null
fi
exec /bin/sh "$@"
"#;

/// The start of every [`BASHRC`]; the image's prompt follows.
pub(super) const BASHRC_HEAD: &str = "\
# docklings stand-in: read by the interactive sh that plays bash (see /bin/bash). It gives
# back the stdout that /bin/bash set aside on fd 8 while busybox printed its banner.
exec 1>&8 8>&-
unset ENV
";

/// Debian's and Ubuntu's root prompt (their /root/.bashrc): `root@3f2a1b0c9d8e:/# `.
pub(super) const UBUNTU_PS1: &str = "PS1='\\u@\\h:\\w\\$ '\n";

/// CentOS's root prompt, `[root@3f2a1b0c9d8e /]# `, and the aliases its /root/.bashrc sets.
/// busybox's `\W` is empty in `/` where bash's is "/" (and not "~" at home): so the prompt
/// works out the directory itself.
pub(super) const CENTOS_BASHRC: &str = r#"PS1='[\u@\h $(if [ "$PWD" = / ]; then echo /; elif [ "$PWD" = "$HOME" ]; then echo "~"; else echo "${PWD##*/}"; fi)]\$ '
alias rm='rm -i'
alias cp='cp -i'
alias mv='mv -i'
"#;

/// `apt-get` and `apt` that say why nothing installs: the stand-in has no packages and this
/// machine no mirror. The first line is what the real one prints without a network; exit
/// code 100 is apt's for a failure.
pub(super) fn offline_apt(codename: &str) -> Vec<(&'static str, u32, String)> {
    let script = format!(
        r#"#!/bin/sh
case "$1" in
  update) echo "Err:1 http://archive.ubuntu.com/ubuntu {codename} InRelease"
          echo "  Temporary failure resolving 'archive.ubuntu.com'" ;;
  install) echo "E: Unable to locate package ${{2:-(none)}}" ;;
esac
echo "docklings: this ubuntu is an offline stand-in (no registry or package mirror could be reached), so apt cannot download packages here. With the real image and a network, \`apt-get update && apt-get install -y PACKAGE\` installs them." >&2
exit 100
"#
    );
    vec![
        ("/usr/bin/apt-get", MODE_EXEC, script.clone()),
        ("/usr/bin/apt", MODE_EXEC, script),
    ]
}

/// CentOS 7 is end-of-life: since mid-2024 its mirror list is gone, so the real image's
/// `yum` fails as below even with a network. The stand-in says so, and why.
pub(super) const OFFLINE_YUM: &str = r#"#!/bin/sh
echo "Loaded plugins: fastestmirror, ovl"
echo "Determining fastest mirrors"
echo "Could not retrieve mirrorlist http://mirrorlist.centos.org/?release=7&arch=x86_64&repo=os&infra=container error was"
echo '14: curl#6 - "Could not resolve host: mirrorlist.centos.org; Unknown error"' 
echo "docklings: CentOS 7 reached its end of life in June 2024 and its mirrors are gone, so the real image's yum fails the same way; this offline stand-in has no packages either. Old packages remain on vault.centos.org." >&2
exit 1
"#;

/// Root's shell is bash in the distributions.
pub(super) const BASH_PASSWD: &str = "root:x:0:0:root:/root:/bin/bash\n\
                           nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";

/// The files every distribution stand-in has: bash (see [`DISTRO_BASH_SH`]) with `rc` after
/// [`BASHRC_HEAD`], root's shell bash, and `extra` (release files, read-only data).
pub(super) fn distro_files(
    rc: &str,
    extra: &[(&'static str, &str)],
) -> Vec<(&'static str, u32, String)> {
    let mut files = vec![
        ("/bin/bash", MODE_EXEC, DISTRO_BASH_SH.to_string()),
        (BASHRC, MODE_FILE, format!("{BASHRC_HEAD}{rc}")),
        ("/etc/passwd", MODE_FILE, BASH_PASSWD.to_string()),
    ];
    for (path, text) in extra {
        // An extra file replaces a default one of the same path.
        files.retain(|(p, _, _)| p != path);
        files.push((*path, MODE_FILE, (*text).to_string()));
    }
    files
}

pub(super) const JAMMY_OS_RELEASE: &str = r#"PRETTY_NAME="Ubuntu 22.04.3 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.3 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=jammy
"#;

pub(super) const JAMMY_LSB_RELEASE: &str = r#"DISTRIB_ID=Ubuntu
DISTRIB_RELEASE=22.04
DISTRIB_CODENAME=jammy
DISTRIB_DESCRIPTION="Ubuntu 22.04.3 LTS"
"#;

pub(super) const TRUSTY_OS_RELEASE: &str = r#"NAME="Ubuntu"
VERSION="14.04.6 LTS, Trusty Tahr"
ID=ubuntu
ID_LIKE=debian
PRETTY_NAME="Ubuntu 14.04.6 LTS"
VERSION_ID="14.04"
HOME_URL="http://www.ubuntu.com/"
SUPPORT_URL="http://help.ubuntu.com/"
BUG_REPORT_URL="http://bugs.launchpad.net/ubuntu/"
"#;

pub(super) const TRUSTY_LSB_RELEASE: &str = r#"DISTRIB_ID=Ubuntu
DISTRIB_RELEASE=14.04
DISTRIB_CODENAME=trusty
DISTRIB_DESCRIPTION="Ubuntu 14.04.6 LTS"
"#;

pub(super) const CENTOS_RELEASE: &str = "CentOS Linux release 7.9.2009 (Core)\n";

pub(super) const CENTOS_OS_RELEASE: &str = r#"NAME="CentOS Linux"
VERSION="7 (Core)"
ID="centos"
ID_LIKE="rhel fedora"
VERSION_ID="7"
PRETTY_NAME="CentOS Linux 7 (Core)"
ANSI_COLOR="0;31"
CPE_NAME="cpe:/o:centos:centos:7"
HOME_URL="https://www.centos.org/"
BUG_REPORT_URL="https://bugs.centos.org/"

CENTOS_MANTISBT_PROJECT="CentOS-7"
CENTOS_MANTISBT_PROJECT_VERSION="7"
REDHAT_SUPPORT_PRODUCT="centos"
REDHAT_SUPPORT_PRODUCT_VERSION="7"

"#;

pub(super) const OL8_OS_RELEASE: &str = r#"NAME="Oracle Linux Server"
VERSION="8.7"
ID="ol"
ID_LIKE="fedora"
VARIANT="Server"
VARIANT_ID="server"
VERSION_ID="8.7"
PLATFORM_ID="platform:el8"
PRETTY_NAME="Oracle Linux Server 8.7"
ANSI_COLOR="0;31"
CPE_NAME="cpe:/o:oracle:linux:8:7:server"
HOME_URL="https://linux.oracle.com/"
BUG_REPORT_URL="https://bugzilla.oracle.com/"

ORACLE_BUGZILLA_PRODUCT="Oracle Linux 8"
ORACLE_BUGZILLA_PRODUCT_VERSION=8.7
ORACLE_SUPPORT_PRODUCT="Oracle Linux"
ORACLE_SUPPORT_PRODUCT_VERSION=8.7
"#;

pub(super) const BOOKWORM_OS_RELEASE: &str = r#"PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
"#;

/// The mysql image's users: the server's own, which its entrypoint switches to.
pub(super) const MYSQL_PASSWD: &str = "root:x:0:0:root:/root:/bin/bash\n\
                            mysql:x:999:999::/var/lib/mysql:/bin/bash\n\
                            nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
pub(super) const MYSQL_GROUP: &str = "root:x:0:root\nmysql:x:999:\nnobody:x:65534:\n";

/// Where the mysql stand-in keeps what its scripts share (see [`mysql_lib_sh`]).
pub(super) const MYSQL_LIB: &str = "/usr/local/lib/docklings/mysql.sh";

/// What the mysql stand-in's scripts share: where the data and the socket are, and the log
/// lines of MySQL 8 and of its image's entrypoint. Sourced by [`MYSQL_ENTRYPOINT_SH`],
/// [`MYSQLD_SH`] and [`MYSQL_CLIENT_SH`]; not a script of its own, so it has no `#!`.
pub(super) fn mysql_lib_sh() -> String {
    format!(
        r#"# docklings stand-in: what mysqld, its client and its image's entrypoint share.
mysqld_version={MYSQL_VERSION}
datadir=/var/lib/mysql
# A plain file, not a socket: it is there while the server is up, for the client to find.
socket=/var/run/mysqld/mysqld.sock
# The entrypoint's lines: notes on stdout, errors on stderr (and the end of the entrypoint).
note() {{
  printf '%s [Note] [Entrypoint]: %s\n' "$(date -u '+%Y-%m-%d %H:%M:%S+00:00')" "$*"
}}
error() {{
  printf '%s [ERROR] [Entrypoint]: %s\n' "$(date -u '+%Y-%m-%d %H:%M:%S+00:00')" "$*" >&2
  exit 1
}}
# mysqld's, on stderr: THREAD PRIORITY CODE SUBSYSTEM MESSAGE. busybox date has no %N, so
# the hundredths of the uptime stand in for the microseconds.
server_log() {{
  printf '%s.%s0000Z %s [%s] [%s] [%s] %s\n' "$(date -u '+%Y-%m-%dT%H:%M:%S')" \
    "$(cut -d ' ' -f 1 /proc/uptime | cut -d . -f 2)" "$@" >&2
}}
host_cache_warning() {{
  server_log 0 Warning MY-011068 Server "The syntax '--skip-host-cache' is deprecated and will be removed in a future release. Please use SET GLOBAL host_cache_size=0 instead."
}}
# mysqld --initialize-insecure, as process $1.
server_initialize() {{
  host_cache_warning
  server_log 0 System MY-013169 Server "/usr/sbin/mysqld (mysqld $mysqld_version) initializing of server in progress as process $1"
  server_log 1 System MY-013576 InnoDB "InnoDB initialization has started."
  server_log 1 System MY-013577 InnoDB "InnoDB initialization has ended."
  server_log 6 Warning MY-010453 Server "root@localhost is created with an empty password ! Please consider switching off the --initialize-insecure option."
}}
# A server up, as process $2, listening on port $1 (0: the entrypoint's temporary server,
# which has no network).
server_start() {{
  host_cache_warning
  server_log 0 System MY-010116 Server "/usr/sbin/mysqld (mysqld $mysqld_version) starting as process $2"
  server_log 1 System MY-013576 InnoDB "InnoDB initialization has started."
  server_log 1 System MY-013577 InnoDB "InnoDB initialization has ended."
  server_log 0 Warning MY-010068 Server "CA certificate ca.pem is self signed."
  server_log 0 System MY-013602 Server "Channel mysql_main configured to support TLS. Encrypted connections are now supported for this channel."
  server_log 0 Warning MY-011810 Server "Insecure configuration for --pid-file: Location '/var/run/mysqld' in the path is accessible to all OS users. Consider choosing a different directory."
  if [ "$1" = 0 ]; then
    server_log 0 System MY-011323 Server "X Plugin ready for connections. Socket: /var/run/mysqld/mysqlx.sock"
  else
    server_log 0 System MY-011323 Server "X Plugin ready for connections. Bind-address: '::' port: 33060, socket: /var/run/mysqld/mysqlx.sock"
  fi
  server_log 0 System MY-010931 Server "/usr/sbin/mysqld: ready for connections. Version: '$mysqld_version'  socket: '/var/run/mysqld/mysqld.sock'  port: $1  MySQL Community Server - GPL."
}}
# A server shutting down at the request of user $1, from thread $2.
server_stop() {{
  server_log "$2" System MY-013172 Server "Received SHUTDOWN from user $1. Shutting down mysqld (Version: $mysqld_version)."
  server_log 0 System MY-010910 Server "/usr/sbin/mysqld: Shutdown complete (mysqld $mysqld_version)  MySQL Community Server - GPL."
}}
"#
    )
}

/// The original's choices: an option alone means mysqld with it, any other command runs as
/// it is (`docker run -it mysql bash`), and a first start needs one of the three password
/// variables or fails with the original's message. The first start's temporary server is
/// only told in the log; the accounts and database it creates are written down in the data
/// directory, for the client's sake (and so that, as in the original, changing the variables
/// later changes nothing).
pub(super) const MYSQL_ENTRYPOINT_SH: &str = r#"#!/bin/sh
# docklings stand-in for mysql's docker-entrypoint.sh: its checks and log lines, no database.
. /usr/local/lib/docklings/mysql.sh
case "$1" in -*) set -- mysqld "$@" ;; esac
[ "$1" = mysqld ] || exec "$@"
for arg; do
  case "$arg" in -'?' | --help | --print-defaults | -V | --version) exec "$@" ;; esac
done
note "Entrypoint script for MySQL Server $MYSQL_VERSION started."
# The original starts as root and runs itself again as user mysql, which says it again.
note "Switching to dedicated user 'mysql'"
note "Entrypoint script for MySQL Server $MYSQL_VERSION started."
if [ ! -d "$datadir/mysql" ]; then
  if [ -z "$MYSQL_ROOT_PASSWORD" ] && [ -z "$MYSQL_ALLOW_EMPTY_PASSWORD" ] && [ -z "$MYSQL_RANDOM_ROOT_PASSWORD" ]; then
    error "Database is uninitialized and password option is not specified
    You need to specify one of the following as an environment variable:
    - MYSQL_ROOT_PASSWORD
    - MYSQL_ALLOW_EMPTY_PASSWORD
    - MYSQL_RANDOM_ROOT_PASSWORD"
  fi
  note "Initializing database files"
  "$@" --initialize-insecure --default-time-zone=SYSTEM
  note "Database files initialized"
  note "Starting temporary server"
  "$@" --daemonize --skip-networking --default-time-zone=SYSTEM --socket=/var/run/mysqld/mysqld.sock
  note "Temporary server started."
  echo "'/var/lib/mysql/mysql.sock' -> '/var/run/mysqld/mysqld.sock'"
  root_password=$MYSQL_ROOT_PASSWORD
  if [ -n "$MYSQL_RANDOM_ROOT_PASSWORD" ]; then
    root_password=$(head -c 24 /dev/urandom | base64)
    note "GENERATED ROOT PASSWORD: $root_password"
  fi
  if [ -n "$MYSQL_DATABASE" ]; then
    note "Creating database $MYSQL_DATABASE"
  fi
  if [ -n "$MYSQL_USER" ] && [ -n "$MYSQL_PASSWORD" ]; then
    note "Creating user $MYSQL_USER"
    if [ -n "$MYSQL_DATABASE" ]; then
      note "Giving user $MYSQL_USER access to schema $MYSQL_DATABASE"
    fi
  fi
  echo
  note "Stopping temporary server"
  server_stop root 10
  note "Temporary server stopped"
  echo
  note "MySQL init process done. Ready for start up."
  echo
  # A restarted container finds its database, as the original does in its writable layer.
  mkdir -p "$datadir/mysql"
  printf 'root\t%s\n' "$root_password" >"$datadir/mysql/docklings-users"
  if [ -n "$MYSQL_USER" ] && [ -n "$MYSQL_PASSWORD" ]; then
    printf '%s\t%s\n' "$MYSQL_USER" "$MYSQL_PASSWORD" >>"$datadir/mysql/docklings-users"
  fi
  printf '%s\n' information_schema mysql performance_schema sys $MYSQL_DATABASE \
    >"$datadir/mysql/docklings-databases"
fi
exec "$@"
"#;

/// mysqld's stand-in: the server's log lines, then waiting until stopped, with its socket
/// file there for the client. It stores nothing.
///
/// As PID 1 it must handle SIGTERM itself: the kernel drops signals PID 1 has no handler
/// for, and `docker stop` would wait out its whole timeout. So the trap is set before
/// anything else, and the waiting is done by a child (`wait` returns when a signal comes;
/// a foreground `sleep` would hold the trap until it ended).
pub(super) const MYSQLD_SH: &str = r#"#!/bin/sh
# docklings stand-in for mysqld: MySQL's log lines, no database; stops on SIGTERM.
trap 'kill "$pid" 2>/dev/null; rm -f "$socket"; server_stop "<via user signal>" 0; exit 0' TERM INT QUIT
. /usr/local/lib/docklings/mysql.sh
port=3306
daemonize=
for arg; do
  case "$arg" in
    -V | --version)
      echo "/usr/sbin/mysqld  Ver $mysqld_version for Linux on $(uname -m) (MySQL Community Server - GPL)"
      exit 0
      ;;
    --help | -'?')
      echo "/usr/sbin/mysqld  Ver $mysqld_version for Linux on $(uname -m) (MySQL Community Server - GPL)"
      echo "docklings stand-in: no database here, and no options to show."
      exit 0
      ;;
    --initialize | --initialize-insecure)
      server_initialize $$
      exit 0
      ;;
    --skip-networking) port=0 ;;
    --daemonize) daemonize=1 ;;
  esac
done
server_start "$port" $$
# A daemonized server would go on in the background; this one has nothing to go on with.
[ -n "$daemonize" ] && exit 0
: >"$socket"
sleep 2147483647 &
pid=$!
wait "$pid"
"#;

/// The mysql client's stand-in. Without a server it fails as the real client does (the
/// course's `mysql -u root -p` in a container that runs bash instead of mysqld); with the
/// stand-in server up it checks the user and password the entrypoint set up, greets, and
/// answers `SHOW DATABASES`, `SELECT VERSION()` and `exit` (and says that is all it does).
pub(super) const MYSQL_CLIENT_SH: &str = r#"#!/bin/sh
# docklings stand-in for the mysql client: real answers to logging in, no SQL behind them.
. /usr/local/lib/docklings/mysql.sh
user=root
password=
ask=
execute=
while [ $# -gt 0 ]; do
  case "$1" in
    -u | --user) user=$2; shift ;;
    -u*) user=${1#-u} ;;
    --user=*) user=${1#--user=} ;;
    -p | --password) ask=1 ;;
    -p*) password=${1#-p} ;;
    --password=*) password=${1#--password=} ;;
    -e | --execute) execute=$2; shift ;;
    -V | --version)
      echo "mysql  Ver $mysqld_version for Linux on $(uname -m) (MySQL Community Server - GPL)"
      exit 0
      ;;
  esac
  shift
done
if [ -n "$ask" ]; then
  printf 'Enter password: '
  IFS= read -rs password
  echo
fi
if [ ! -e "$socket" ]; then
  echo "ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)" >&2
  exit 1
fi
using=NO
[ -n "$password" ] && using=YES
if ! awk -F '\t' -v u="$user" -v p="$password" '$1 == u && $2 == p { ok = 1 } END { exit !ok }' \
  "$datadir/mysql/docklings-users" 2>/dev/null; then
  echo "ERROR 1045 (28000): Access denied for user '$user'@'localhost' (using password: $using)" >&2
  exit 1
fi
# A result as the client draws it: $1 the column, the rest its rows.
table() {
  printf '%s\n' "$@" | awk '
    { cell[NR] = $0; if (length($0) > w) w = length($0) }
    END {
      line = "+"; for (i = 0; i < w + 2; i++) line = line "-"; line = line "+"
      print line; printf "| %-" w "s |\n", cell[1]; print line
      for (i = 2; i <= NR; i++) printf "| %-" w "s |\n", cell[i]
      print line
      printf "%d %s in set (0.00 sec)\n\n", NR - 1, NR == 2 ? "row" : "rows"
    }'
}
answer() {
  statement=$(printf '%s' "$1" | tr 'A-Z' 'a-z' | sed 's/^[[:space:]]*//; s/[[:space:];]*$//')
  case "$statement" in
    '') ;;
    exit | quit | '\q') echo Bye; exit 0 ;;
    'show databases') table Database $(cat "$datadir/mysql/docklings-databases") ;;
    'select version()') table 'version()' "$mysqld_version" ;;
    *) echo "docklings stand-in: there is no database here; this mysql answers SHOW DATABASES, SELECT VERSION() and exit only." ;;
  esac
}
if [ -n "$execute" ]; then
  answer "$execute"
  exit 0
fi
cat <<EOF
Welcome to the MySQL monitor.  Commands end with ; or \g.
Your MySQL connection id is 8
Server version: $mysqld_version MySQL Community Server - GPL

Copyright (c) 2000, 2022, Oracle and/or its affiliates.

Oracle is a registered trademark of Oracle Corporation and/or its
affiliates. Other names may be trademarks of their respective
owners.

Type 'help;' or '\h' for help. Type '\c' to clear the current input statement.

EOF
while printf 'mysql> ' && IFS= read -r line; do
  answer "$line"
done
echo Bye
"#;

/// The official httpd image's page.
pub(super) const HTTPD_INDEX_HTML: &str = "<html><body><h1>It works!</h1></body></html>\n";

/// Apache's startup lines (on stderr, as the original's), before the launcher's own line.
/// `apache_log` is also what [`APACHE_STOPPED`] calls.
pub(super) fn apache_startup() -> String {
    format!(
        r#"apache_log() {{
  echo "[$(date -u '+%a %b %d %H:%M:%S.000000 %Y')] [$1] [pid 1:tid 140233028175680] $2" >&2
}}
ip=$(hostname -i 2>/dev/null | awk '{{print $1}}')
for i in 1 2; do
  echo "AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using ${{ip:-127.0.0.1}}. Set the 'ServerName' directive globally to suppress this message" >&2
done
apache_log mpm_event:notice "AH00489: Apache/{HTTPD_VERSION} (Unix) configured -- resuming normal operations"
apache_log core:notice "AH00094: Command line: 'httpd -D FOREGROUND'"
"#
    )
}

/// What Apache logs when it is stopped with SIGTERM (the stand-in's stop signal). Then
/// stderr is closed, so the shell's "Terminated" for the server it stops, which Apache has no
/// word for, stays out of `docker logs`.
pub(super) const APACHE_STOPPED: &str =
    r#"apache_log mpm_event:notice "AH00491: caught SIGTERM, shutting down"; exec 2>/dev/null; "#;

pub(super) const ETC_PASSWD: &str = "root:x:0:0:root:/root:/bin/sh\n\
                          nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
pub(super) const ETC_GROUP: &str = "root:x:0:root\nnobody:x:65534:\n";
