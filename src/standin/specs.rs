//! What each stand-in is: its Dockerfile settings, top-level layout and files, per image
//! (and per tag where the original differs between releases).

use super::*;

/// How one stand-in differs from a bare busybox image.
pub(super) struct Spec {
    /// Its entry in [`KNOWN`]: in the Dockerfile's comment, so tag-specific stand-ins differ.
    pub(super) key: &'static str,
    /// The image's name without a tag: the value of [`LABEL_STANDIN`].
    pub(super) name: &'static str,
    pub(super) path_env: &'static str,
    /// `ENV`s after `PATH`, the ones the original sets.
    pub(super) env: &'static [(&'static str, &'static str)],
    pub(super) workdir: Option<&'static str>,
    pub(super) expose: &'static [u16],
    pub(super) stopsignal: Option<&'static str>,
    pub(super) entrypoint: Option<&'static [&'static str]>,
    pub(super) cmd: &'static [&'static str],
    /// A distribution's top level; `None` for busybox's bare /bin, /etc, /root and /tmp.
    pub(super) layout: Option<&'static Layout>,
    /// The mtime of every entry: 0, or the original's build date where `ls -l` shows it.
    pub(super) mtime: u64,
    /// Files under `/`, as (absolute path, mode, content).
    pub(super) files: Vec<(&'static str, u32, String)>,
    /// Applets the image's behaviour depends on, checked before building.
    pub(super) applets: &'static [&'static str],
}

impl Spec {
    /// A busybox image with nothing of its own yet, for the fields a stand-in leaves alone.
    fn new(key: &'static str) -> Self {
        Self {
            key,
            name: split_tag(key).0,
            path_env: DEFAULT_PATH,
            env: &[],
            workdir: None,
            expose: &[],
            stopsignal: None,
            entrypoint: None,
            cmd: &["/bin/sh"],
            layout: None,
            mtime: 0,
            files: Vec::new(),
            applets: &[],
        }
    }
}

/// A distribution's top level, so that `ls -l /` in a stand-in shows what the original's does.
pub(super) struct Layout {
    /// Directories created empty, besides bin, etc, root and tmp (every stand-in has those)
    /// and [`DISTRO_DIRS`].
    pub(super) dirs: &'static [&'static str],
    /// The links of a merged /usr, as (link, target): what the image keeps "in" such a link is
    /// stored under its target, busybox included.
    pub(super) links: &'static [(&'static str, &'static str)],
}

/// What every distribution's image has under /usr and /var (and /var/tmp, sticky).
pub(super) const DISTRO_DIRS: &[&str] = &[
    "usr/bin",
    "usr/lib",
    "usr/local/bin",
    "usr/sbin",
    "usr/share",
    "var/cache",
    "var/lib",
    "var/log",
];

/// Ubuntu 22.04 on amd64: merged /usr, with the multilib links.
pub(super) const JAMMY: Layout = Layout {
    dirs: &[
        "boot", "dev", "home", "media", "mnt", "opt", "proc", "run", "srv", "sys",
    ],
    links: &[
        ("bin", "usr/bin"),
        ("lib", "usr/lib"),
        ("lib32", "usr/lib32"),
        ("lib64", "usr/lib64"),
        ("libx32", "usr/libx32"),
        ("sbin", "usr/sbin"),
    ],
};

/// Ubuntu 14.04, from before the merge: /bin, /lib and /sbin are directories.
pub(super) const TRUSTY: Layout = Layout {
    dirs: &[
        "boot", "dev", "home", "lib", "lib64", "media", "mnt", "opt", "proc", "run", "sbin", "srv",
        "sys",
    ],
    links: &[],
};

/// The Red Hat family's merged /usr (CentOS 7, Oracle Linux 8) and Debian 12's.
pub(super) const USR_LINKS: &[(&str, &str)] = &[
    ("bin", "usr/bin"),
    ("lib", "usr/lib"),
    ("lib64", "usr/lib64"),
    ("sbin", "usr/sbin"),
];

/// CentOS 7's image has no /boot.
pub(super) const CENTOS7: Layout = Layout {
    dirs: &[
        "dev", "home", "media", "mnt", "opt", "proc", "run", "srv", "sys",
    ],
    links: USR_LINKS,
};

/// mysql 8.0 is Oracle Linux 8 slim plus the server's directories and the init-scripts folder.
pub(super) const MYSQL_LAYOUT: Layout = Layout {
    dirs: &[
        "boot",
        "dev",
        "docker-entrypoint-initdb.d",
        "home",
        "media",
        "mnt",
        "opt",
        "proc",
        "run",
        "srv",
        "sys",
        "var/lib/mysql",
        "var/lib/mysql-files",
        "var/run/mysqld",
    ],
    links: USR_LINKS,
};

/// httpd is Debian 12 slim plus Apache's tree under /usr/local/apache2 (which `ls` in its
/// working directory shows).
pub(super) const HTTPD_LAYOUT: Layout = Layout {
    dirs: &[
        "boot",
        "dev",
        "home",
        "media",
        "mnt",
        "opt",
        "proc",
        "run",
        "srv",
        "sys",
        "usr/local/apache2/bin",
        "usr/local/apache2/build",
        "usr/local/apache2/cgi-bin",
        "usr/local/apache2/conf",
        "usr/local/apache2/error",
        "usr/local/apache2/icons",
        "usr/local/apache2/include",
        "usr/local/apache2/logs",
        "usr/local/apache2/modules",
    ],
    links: USR_LINKS,
};

/// Build dates of the originals (Unix seconds, midnight UTC), for `ls -l` to show.
pub(super) const DATE_JAMMY: u64 = 1_696_377_600; // 2023-10-04
pub(super) const DATE_TRUSTY: u64 = 1_551_916_800; // 2019-03-07
pub(super) const DATE_CENTOS7: u64 = 1_631_664_000; // 2021-09-15
pub(super) const DATE_MYSQL: u64 = 1_666_656_000; // 2022-10-25
pub(super) const DATE_HTTPD: u64 = 1_686_614_400; // 2023-06-13

pub(super) fn spec(key: &str) -> Option<Spec> {
    Some(match key {
        // The original is alpine + `COPY cmd.sh .` + `CMD ./cmd.sh` with no WORKDIR, so the
        // script sits at /cmd.sh and runs from the default working directory, "/". The exec
        // form below is what that shell form expands to, so `docker ps` shows the same
        // "/bin/sh -c ./cmd.sh".
        HELLO => Spec {
            cmd: &["/bin/sh", "-c", "./cmd.sh"],
            files: vec![("/cmd.sh", MODE_EXEC, HELLO_CMD_SH.to_string())],
            applets: &["sh", "hostname", "uname", "ifconfig", "grep"],
            ..Spec::new(HELLO)
        },
        BASE => Spec {
            cmd: &["/bin/sh"],
            applets: &["sh", "hostname", "date", "ping", "ls"],
            ..Spec::new(BASE)
        },
        // Mirrors httpd:alpine (which diamol/apache is): WORKDIR, PATH and CMD. Its
        // STOPSIGNAL SIGWINCH is left out: busybox httpd would ignore it, the launcher traps
        // the default SIGTERM instead.
        WEB => Spec {
            path_env: APACHE_PATH,
            workdir: Some("/usr/local/apache2"),
            expose: &[80],
            cmd: &["httpd-foreground"],
            files: vec![
                (
                    "/usr/local/apache2/htdocs/index.html",
                    MODE_FILE,
                    WEB_INDEX_HTML.to_string(),
                ),
                (
                    "/usr/local/bin/httpd-foreground",
                    MODE_EXEC,
                    serve_script(APACHE_HTDOCS, "", ""),
                ),
                (
                    SERVE_ONE,
                    MODE_EXEC,
                    serve_one_script(APACHE_HTDOCS, AccessLog::Combined),
                ),
            ],
            applets: &[
                "sh", "nc", "httpd", "awk", "cat", "head", "date", "readlink", "mktemp", "ls",
            ],
            ..Spec::new(WEB)
        },
        // Mirrors the official image's ENTRYPOINT, CMD and STOPSIGNAL so `docker ps` and
        // `inspect` look the same; `nginx` here is a launcher for busybox httpd.
        NGINX => Spec {
            expose: &[80],
            stopsignal: Some("SIGQUIT"),
            entrypoint: Some(&["/docker-entrypoint.sh"]),
            cmd: &["nginx", "-g", "daemon off;"],
            files: vec![
                ("/bin/bash", MODE_EXEC, BASH_SH.to_string()),
                (
                    "/docker-entrypoint.sh",
                    MODE_EXEC,
                    ENTRYPOINT_SH.to_string(),
                ),
                (
                    "/usr/sbin/nginx",
                    MODE_EXEC,
                    serve_script(NGINX_HTML, NGINX_ARGS, ""),
                ),
                (
                    "/usr/share/nginx/html/index.html",
                    MODE_FILE,
                    NGINX_INDEX_HTML.to_string(),
                ),
                (
                    SERVE_ONE,
                    MODE_EXEC,
                    serve_one_script(NGINX_HTML, AccessLog::Combined),
                ),
            ],
            applets: &[
                "sh", "nc", "httpd", "awk", "cat", "head", "date", "readlink", "mktemp", "ping",
                "hostname",
            ],
            ..Spec::new(NGINX)
        },
        // The original is FROM scratch plus one static binary, /hello; here it is a script
        // (so the image also holds busybox, which nobody looks for in hello-world).
        HELLO_WORLD => Spec {
            cmd: &["/hello"],
            files: vec![("/hello", MODE_EXEC, HELLO_WORLD_SH.to_string())],
            applets: &["sh", "uname", "cat"],
            ..Spec::new(HELLO_WORLD)
        },
        UBUNTU => Spec {
            cmd: &["bash"],
            layout: Some(&JAMMY),
            mtime: DATE_JAMMY,
            files: distro_files(
                UBUNTU_PS1,
                &[
                    ("/etc/os-release", JAMMY_OS_RELEASE),
                    ("/etc/lsb-release", JAMMY_LSB_RELEASE),
                    ("/etc/debian_version", "bookworm/sid\n"),
                    ("/etc/issue", "Ubuntu 22.04.3 LTS \\n \\l\n\n"),
                ],
            )
            .into_iter()
            .chain(offline_apt("jammy"))
            .collect(),
            applets: DISTRO_APPLETS,
            ..Spec::new(UBUNTU)
        },
        UBUNTU_TRUSTY => Spec {
            cmd: &["/bin/bash"],
            layout: Some(&TRUSTY),
            mtime: DATE_TRUSTY,
            files: distro_files(
                UBUNTU_PS1,
                &[
                    ("/etc/os-release", TRUSTY_OS_RELEASE),
                    ("/etc/lsb-release", TRUSTY_LSB_RELEASE),
                    ("/etc/debian_version", "jessie/sid\n"),
                    ("/etc/issue", "Ubuntu 14.04.6 LTS \\n \\l\n\n"),
                ],
            )
            .into_iter()
            .chain(offline_apt("trusty"))
            .collect(),
            applets: DISTRO_APPLETS,
            ..Spec::new(UBUNTU_TRUSTY)
        },
        CENTOS => Spec {
            cmd: &["/bin/bash"],
            layout: Some(&CENTOS7),
            mtime: DATE_CENTOS7,
            files: distro_files(
                CENTOS_BASHRC,
                &[
                    ("/etc/centos-release", CENTOS_RELEASE),
                    ("/etc/redhat-release", CENTOS_RELEASE),
                    ("/etc/system-release", CENTOS_RELEASE),
                    ("/etc/os-release", CENTOS_OS_RELEASE),
                    ("/anaconda-post.log", ""),
                ],
            )
            .into_iter()
            .chain([("/usr/bin/yum", MODE_EXEC, OFFLINE_YUM.to_string())])
            .collect(),
            applets: &[
                "sh", "ls", "ps", "tty", "hostname", "cat", "echo", "ip", "rm", "cp", "mv",
            ],
            ..Spec::new(CENTOS)
        },
        // ENTRYPOINT, CMD, EXPOSE and ENV as the original's (Oracle Linux 8 based) 8.0 image.
        // Its `VOLUME /var/lib/mysql` is left out: on an engine shared by a class every run
        // would leave an anonymous volume behind, and the stand-in stores nothing anyway.
        MYSQL => Spec {
            env: &[
                ("MYSQL_MAJOR", "8.0"),
                ("MYSQL_VERSION", "8.0.31-1.el8"),
                ("MYSQL_SHELL_VERSION", "8.0.31-1.el8"),
            ],
            expose: &[3306, 33060],
            entrypoint: Some(&["docker-entrypoint.sh"]),
            cmd: &["mysqld"],
            layout: Some(&MYSQL_LAYOUT),
            mtime: DATE_MYSQL,
            files: {
                // No /root/.bashrc there: bash's own prompt, `bash-4.4# `.
                let mut files = distro_files(
                    "PS1='bash-4.4\\$ '\n",
                    &[
                        ("/etc/os-release", OL8_OS_RELEASE),
                        ("/etc/oracle-release", "Oracle Linux Server release 8.7\n"),
                        (
                            "/etc/redhat-release",
                            "Red Hat Enterprise Linux release 8.7 (Ootpa)\n",
                        ),
                        ("/etc/passwd", MYSQL_PASSWD),
                        ("/etc/group", MYSQL_GROUP),
                    ],
                );
                files.extend([
                    (
                        "/usr/local/bin/docker-entrypoint.sh",
                        MODE_EXEC,
                        MYSQL_ENTRYPOINT_SH.to_string(),
                    ),
                    ("/usr/sbin/mysqld", MODE_EXEC, MYSQLD_SH.to_string()),
                    ("/usr/bin/mysql", MODE_EXEC, MYSQL_CLIENT_SH.to_string()),
                    (MYSQL_LIB, MODE_FILE, mysql_lib_sh()),
                ]);
                files
            },
            applets: &[
                "sh", "date", "cut", "sleep", "mkdir", "head", "base64", "uname", "kill", "awk",
                "tr", "sed", "rm",
            ],
            ..Spec::new(MYSQL)
        },
        // The official image's WORKDIR, ENV, EXPOSE and CMD; its STOPSIGNAL SIGWINCH is left
        // out as for the chapter 2 web stand-in (the launcher traps SIGTERM). Apache's startup
        // lines go to stderr and its access log, in the common format, to stdout.
        HTTPD => Spec {
            path_env: APACHE_PATH,
            env: &[
                ("HTTPD_PREFIX", "/usr/local/apache2"),
                ("HTTPD_VERSION", HTTPD_VERSION),
            ],
            workdir: Some("/usr/local/apache2"),
            expose: &[80],
            cmd: &["httpd-foreground"],
            layout: Some(&HTTPD_LAYOUT),
            mtime: DATE_HTTPD,
            files: {
                let mut files = distro_files(
                    UBUNTU_PS1,
                    &[
                        ("/etc/os-release", BOOKWORM_OS_RELEASE),
                        ("/etc/debian_version", "12.0\n"),
                    ],
                );
                files.extend([
                    (
                        "/usr/local/apache2/htdocs/index.html",
                        MODE_FILE,
                        HTTPD_INDEX_HTML.to_string(),
                    ),
                    (
                        "/usr/local/bin/httpd-foreground",
                        MODE_EXEC,
                        serve_script(APACHE_HTDOCS, &apache_startup(), APACHE_STOPPED),
                    ),
                    (
                        SERVE_ONE,
                        MODE_EXEC,
                        serve_one_script(APACHE_HTDOCS, AccessLog::Common),
                    ),
                ]);
                files
            },
            applets: &[
                "sh", "nc", "httpd", "awk", "cat", "head", "date", "readlink", "mktemp", "ls",
                "hostname",
            ],
            ..Spec::new(HTTPD)
        },
        _ => return None,
    })
}
