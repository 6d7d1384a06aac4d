//! Offline stand-in images, for machines that cannot reach a registry.
//!
//! A classroom without internet or a CI runner cannot pull the book's images, so docklings
//! builds look-alikes from the host's statically linked busybox: each one is `FROM scratch`
//! plus busybox, an applet symlink per command, and the few files the labs look at (the
//! banner script, the web pages, the `httpd-foreground` and `nginx` launchers, `hello`, the
//! mysql entrypoint). The distribution images (ubuntu, centos, and the Debian and Oracle
//! Linux under httpd and mysql) also get the original's top-level directories and release
//! files, and a `bash` that is busybox sh with the original's prompt.
//!
//! This module only produces build contexts (uncompressed tars holding a `Dockerfile` and a
//! `rootfs/` directory); it never talks to Docker. The engine module sends each context to the
//! Engine API's `/build` endpoint. The Dockerfiles use only what the legacy builder (engine
//! 20.10, API 1.41) understands and no `RUN`, since a scratch image has no shell to run it
//! with until busybox is copied in.
//!
//! Everything is deterministic: fixed mtimes (0, or the original's build date where `ls -l`
//! shows it), uid/gid 0, entries sorted by path. The same busybox therefore always yields the
//! same contexts, the same [`StandinImage::content_hash`] and, on a given engine, the same
//! image IDs.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

mod files;
mod specs;

use files::*;
use specs::*;

/// Label every stand-in carries; its value is the image's name without a tag.
pub const LABEL_STANDIN: &str = "io.docklings.standin";
/// Label holding the sha256 hex of the context (see [`StandinImage::content_hash`]).
///
/// Two images built from identical content get the same image ID, so a busybox-only stand-in
/// such as `diamol/base` would otherwise be indistinguishable from its siblings.
pub const LABEL_HASH: &str = "io.docklings.standin.hash";

/// Where Debian's `busybox-static` installs its binary; a sensible default for `--busybox`.
pub const DEFAULT_BUSYBOX: &str = "/bin/busybox";

const HELLO: &str = "diamol/ch02-hello-diamol";
const BASE: &str = "diamol/base";
const WEB: &str = "diamol/ch02-hello-diamol-web";
const NGINX: &str = "nginx";
const HELLO_WORLD: &str = "hello-world";
const UBUNTU: &str = "ubuntu";
const UBUNTU_TRUSTY: &str = "ubuntu:14.04";
const CENTOS: &str = "centos:7";
const MYSQL: &str = "mysql";
const HTTPD: &str = "httpd";
/// Every stand-in, by the reference it is known as: a bare name serves the tags [`tags`]
/// allows (any, unless it says otherwise), `name:tag` the tags [`tags`] lists for it.
const KNOWN: &[&str] = &[
    HELLO,
    BASE,
    WEB,
    NGINX,
    HELLO_WORLD,
    UBUNTU,
    UBUNTU_TRUSTY,
    CENTOS,
    MYSQL,
    HTTPD,
];

/// The version the mysql stand-in claims, in its logs and `mysqld --version`.
const MYSQL_VERSION: &str = "8.0.31";
/// The version the httpd stand-in claims in its startup lines and `HTTPD_VERSION`.
const HTTPD_VERSION: &str = "2.4.57";

/// The `PATH` of the Alpine and Debian based originals.
const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/// The httpd image puts Apache's `bin` first.
const APACHE_PATH: &str =
    "/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const APACHE_HTDOCS: &str = "/usr/local/apache2/htdocs";
const NGINX_HTML: &str = "/usr/share/nginx/html";

/// Mode of the sticky, world-writable `/tmp`.
const MODE_TMP: u32 = 0o1777;
const MODE_DIR: u32 = 0o755;
const MODE_EXEC: u32 = 0o755;
const MODE_FILE: u32 = 0o644;

/// An ELF program header of this type names the dynamic loader; static binaries have none.
const PT_INTERP: u64 = 3;

/// A build context for one stand-in image, ready for the Engine API's `/build` endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandinImage {
    /// The reference to tag the build with, normalised, e.g. `diamol/base:latest`.
    pub tag: String,
    /// An uncompressed tar holding `Dockerfile` and `rootfs/`.
    pub context: Vec<u8>,
    /// sha256 hex over the context as it is before the hash label is written into its
    /// Dockerfile (a hash cannot include itself). Covers busybox, every file and the image's
    /// name, so it differs between stand-ins and changes whenever their content does. The tag
    /// is not part of it: `nginx:latest` and `nginx:1.18` stand-ins share it.
    pub content_hash: String,
}

/// Why stand-ins could not be built.
#[derive(Debug)]
pub enum StandinError {
    /// Nothing exists at the given busybox path.
    BusyboxMissing { path: PathBuf },
    /// The file is not a statically linked ELF executable, so it could not run in a
    /// `FROM scratch` image (no dynamic loader, no libc).
    NotStatic { path: PathBuf },
    /// This busybox was built without applets the stand-ins rely on (e.g. `httpd`).
    MissingApplets { path: PathBuf, missing: Vec<String> },
    /// Reading busybox, running `busybox --list`, or assembling a tar failed.
    Io { path: PathBuf, source: io::Error },
}

/// How to get a usable busybox; appended to every error so the learner knows what to do.
const HOW_TO_GET_BUSYBOX: &str = "install one with `apt-get install busybox-static` \
     (Debian/Ubuntu; the plain `busybox` package is dynamically linked), \
     or pass --busybox PATH to a static busybox";

impl fmt::Display for StandinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BusyboxMissing { path } => write!(
                f,
                "no busybox at {}: offline stand-in images are built from a statically linked \
                 busybox; {HOW_TO_GET_BUSYBOX}",
                path.display()
            ),
            Self::NotStatic { path } => write!(
                f,
                "{} is not a statically linked ELF executable, so it cannot run in a \
                 FROM scratch stand-in image (there is no dynamic loader or libc there); \
                 {HOW_TO_GET_BUSYBOX}",
                path.display()
            ),
            Self::MissingApplets { path, missing } => write!(
                f,
                "the busybox at {} lacks applets the stand-in images need ({}); \
                 {HOW_TO_GET_BUSYBOX}",
                path.display(),
                missing.join(", ")
            ),
            Self::Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for StandinError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The references stand-ins exist for: a bare name where the stand-in does not depend on the
/// tag (`nginx` serves `nginx:1.18` too, as an image of its own), `name:tag` where the content is that release's
/// (`ubuntu:14.04`). Each is itself a reference [`contexts`] accepts. (The tests build
/// them all; the commands ask for the labs' images.)
#[cfg(test)]
pub fn known() -> &'static [&'static str] {
    KNOWN
}

/// The tags a stand-in serves, where its content only fits some: a stand-in that prints
/// "Ubuntu 22.04" or "MySQL 8.0.31" must not answer for `ubuntu:20.04` or `mysql:5.7`, which
/// are better reported as having no stand-in. `None`: any tag.
fn tags(key: &str) -> Option<&'static [&'static str]> {
    match key {
        UBUNTU => Some(&["latest", "22.04", "jammy"]),
        UBUNTU_TRUSTY => Some(&["14.04", "trusty"]),
        CENTOS => Some(&["7", "centos7", "7.9.2009"]),
        MYSQL => Some(&["latest", "8", "8.0", MYSQL_VERSION]),
        _ => None,
    }
}

/// The stand-in serving `reference` (see [`known`] and [`tags`]), as its entry in [`known`].
///
/// References pinned by digest are never served: a stand-in cannot have the original's digest.
pub fn standin_for(reference: &str) -> Option<&'static str> {
    let normalized = normalize(reference);
    if normalized.contains('@') {
        return None;
    }
    let (name, tag) = split_tag(&normalized);
    KNOWN.iter().copied().find(|key| {
        split_tag(key).0 == name && tags(key).is_none_or(|served| served.contains(&tag))
    })
}

/// Normalise a reference to `name:tag`, the form `docker images` and `RepoTags` use.
///
/// Adds `:latest` when there is no tag (`nginx` → `nginx:latest`), keeps a given tag
/// (`nginx:1.18`), drops Docker Hub's implied prefixes (`docker.io/library/nginx` →
/// `nginx:latest`) and leaves a registry port alone (`localhost:5000/app` →
/// `localhost:5000/app:latest`). Digest references are returned as they are.
pub fn normalize(reference: &str) -> String {
    let mut r = reference.trim();
    if r.is_empty() {
        return String::new();
    }
    for hub in ["docker.io/", "index.docker.io/", "registry-1.docker.io/"] {
        if let Some(rest) = r.strip_prefix(hub) {
            r = rest;
            break;
        }
    }
    // "library/nginx" is how Docker Hub spells the official "nginx"; deeper paths are not.
    if let Some(rest) = r.strip_prefix("library/")
        && !rest.contains('/')
    {
        r = rest;
    }
    if r.contains('@') {
        return r.to_string();
    }
    let last = r.rsplit('/').next().unwrap_or(r);
    if last.contains(':') {
        r.to_string()
    } else {
        format!("{r}:latest")
    }
}

/// Splits a normalised `name:tag` at the tag's colon (not a registry port's).
fn split_tag(normalized: &str) -> (&str, &str) {
    let slash = normalized.rfind('/').map_or(0, |i| i + 1);
    match normalized[slash..].rfind(':') {
        Some(i) => (&normalized[..slash + i], &normalized[slash + i + 1..]),
        None => (normalized, ""),
    }
}

/// Build contexts for the wanted references from the busybox at `busybox`.
///
/// Each wanted reference that has a stand-in (see [`known`] and [`standin_for`]: `nginx:1.18`
/// gets the nginx stand-in tagged `nginx:1.18`, `ubuntu:14.04` the trusty one) yields one
/// [`StandinImage`], in the order asked, duplicates once. References without a stand-in are
/// **skipped**, not an error: callers can pass every image a lab uses and compare the
/// returned tags with what they asked for. When nothing wanted has a stand-in, busybox is not even looked at and the
/// result is empty.
///
/// Runs `<busybox> --list` once to learn which applets to link.
pub fn contexts(busybox: &Path, wanted: &[&str]) -> Result<Vec<StandinImage>, StandinError> {
    let picks = pick(wanted);
    if picks.is_empty() {
        return Ok(Vec::new());
    }
    let bb = Busybox::load(busybox)?;
    build(&bb, &picks)
}

/// The wanted references that have stand-ins, as (tag, stand-in key), deduplicated.
fn pick(wanted: &[&str]) -> Vec<(String, &'static str)> {
    let mut picks: Vec<(String, &'static str)> = Vec::new();
    for reference in wanted {
        if let Some(name) = standin_for(reference) {
            let tag = normalize(reference);
            if !picks.iter().any(|(t, _)| *t == tag) {
                picks.push((tag, name));
            }
        }
    }
    picks
}

/// A stand-in served for any tag is still one image per tag: a check that asks for
/// `nginx:1.18` must fail on a container of `nginx:latest`, as it would with the real
/// images. Tags other than `latest` carry the version the original declares, which makes
/// their content, and so their image, their own.
fn for_tag(mut spec: Spec, tag: &str) -> Spec {
    let (name, version) = split_tag(tag);
    if name == NGINX && version == "1.18" {
        spec.env = &[
            ("NGINX_VERSION", "1.18.0"),
            ("NJS_VERSION", "0.4.4"),
            ("PKG_RELEASE", "1~buster"),
        ];
    } else if name == NGINX && version != "latest" {
        spec.env = leak_version_env(version);
    }
    spec
}

/// `NGINX_VERSION` for a tag chosen at run time (a learner's `nginx:1.25`): built once per
/// process, so leaking the small string is the simple way to fit `Spec`'s static fields.
fn leak_version_env(version: &str) -> &'static [(&'static str, &'static str)] {
    let v: &'static str = Box::leak(version.to_owned().into_boxed_str());
    Box::leak(vec![("NGINX_VERSION", v)].into_boxed_slice())
}

/// A checked busybox: its bytes and the applets it was built with.
struct Busybox {
    path: PathBuf,
    bytes: Vec<u8>,
    applets: Vec<String>,
}

impl Busybox {
    fn load(path: &Path) -> Result<Self, StandinError> {
        let io_err = |source| StandinError::Io {
            path: path.to_path_buf(),
            source,
        };
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(StandinError::BusyboxMissing {
                    path: path.to_path_buf(),
                });
            }
            Err(e) => return Err(io_err(e)),
        };
        if elf_needs_interpreter(&bytes) != Some(false) {
            return Err(StandinError::NotStatic {
                path: path.to_path_buf(),
            });
        }
        // A bare name would make Command search PATH and run some other busybox than the
        // one just read.
        let exe = if path.is_relative() && path.components().count() == 1 {
            Path::new(".").join(path)
        } else {
            path.to_path_buf()
        };
        let out = Command::new(&exe)
            .arg("--list")
            .output()
            .map_err(|e| io_err(io::Error::new(e.kind(), format!("running `--list`: {e}"))))?;
        if !out.status.success() {
            return Err(io_err(io::Error::other(format!(
                "`--list` failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ))));
        }
        let applets = parse_applets(&String::from_utf8_lossy(&out.stdout));
        Ok(Self {
            path: path.to_path_buf(),
            bytes,
            applets,
        })
    }
}

/// Applet names from `busybox --list`, sorted, without `busybox` itself (that is the real
/// file) and without anything that could not be a plain file name in `/bin`.
fn parse_applets(list: &str) -> Vec<String> {
    let mut applets: Vec<String> = list
        .lines()
        .map(str::trim)
        .filter(|a| !a.is_empty() && *a != "busybox" && *a != "." && *a != "..")
        .filter(|a| !a.contains('/') && !a.contains('\0'))
        .map(str::to_string)
        .collect();
    applets.sort();
    applets.dedup();
    applets
}

/// Whether an ELF executable asks for a dynamic loader: `Some(true)` if it has a PT_INTERP
/// program header, `Some(false)` if it is static (static-pie included), `None` if the bytes
/// are not a well-formed ELF executable at all.
fn elf_needs_interpreter(b: &[u8]) -> Option<bool> {
    if b.get(..4)? != b"\x7fELF" {
        return None;
    }
    let is64 = match b.get(4)? {
        1 => false,
        2 => true,
        _ => return None,
    };
    let little = match b.get(5)? {
        1 => true,
        2 => false,
        _ => return None,
    };
    let read = |off: u64, len: usize| -> Option<u64> {
        let start = usize::try_from(off).ok()?;
        let bytes = b.get(start..start.checked_add(len)?)?;
        let fold = |acc: u64, byte: &u8| (acc << 8) | u64::from(*byte);
        Some(if little {
            bytes.iter().rev().fold(0, fold)
        } else {
            bytes.iter().fold(0, fold)
        })
    };
    // ET_EXEC, or ET_DYN for position-independent executables.
    if !matches!(read(16, 2)?, 2 | 3) {
        return None;
    }
    let (phoff, phentsize, phnum) = if is64 {
        (read(32, 8)?, read(54, 2)?, read(56, 2)?)
    } else {
        (read(28, 4)?, read(42, 2)?, read(44, 2)?)
    };
    if phnum == 0 || phentsize < 4 {
        return None;
    }
    for i in 0..phnum {
        let off = phoff.checked_add(i.checked_mul(phentsize)?)?;
        if read(off, 4)? == PT_INTERP {
            return Some(true);
        }
    }
    Some(false)
}

/// One entry of the root filesystem.
enum Node<'a> {
    Dir { mode: u32 },
    File { mode: u32, data: &'a [u8] },
    Symlink { target: &'static str },
}

/// The root filesystem, keyed by path relative to `/` ("bin/sh"); sorted, so tars are stable.
type Tree<'a> = BTreeMap<String, Node<'a>>;

/// Adds `node` at `path` (absolute or relative), creating missing parents as 0755 dirs.
/// A later insert replaces an earlier one: image files override applet symlinks (a busybox
/// built with a bash applet must not hide the /bin/bash wrapper, or the other way round).
fn insert<'a>(tree: &mut Tree<'a>, path: &str, node: Node<'a>) {
    let path = path.trim_matches('/');
    for (slash, _) in path.match_indices('/') {
        tree.entry(path[..slash].to_string())
            .or_insert(Node::Dir { mode: MODE_DIR });
    }
    tree.insert(path.to_string(), node);
}

/// The root filesystem of one stand-in.
fn rootfs<'a>(bb: &'a Busybox, spec: &'a Spec) -> Tree<'a> {
    let links = spec.layout.map_or(&[][..], |l| l.links);
    // Where `path` is stored: under a merged /usr, what goes "in" /bin is in /usr/bin.
    let at = |path: &str| -> String {
        let path = path.trim_matches('/');
        let (top, rest) = path.split_once('/').unwrap_or((path, ""));
        match links.iter().find(|(link, _)| *link == top) {
            Some((_, target)) if rest.is_empty() => (*target).to_string(),
            Some((_, target)) => format!("{target}/{rest}"),
            None => path.to_string(),
        }
    };
    let mut tree = Tree::new();
    insert(&mut tree, &at("bin"), Node::Dir { mode: MODE_DIR });
    insert(
        &mut tree,
        &at("bin/busybox"),
        Node::File {
            mode: MODE_EXEC,
            data: &bb.bytes,
        },
    );
    // Absolute targets: busybox picks the applet from argv[0], and an absolute link still
    // resolves if someone copies it elsewhere in the image (or /bin is itself a link).
    for applet in &bb.applets {
        insert(
            &mut tree,
            &at(&format!("bin/{applet}")),
            Node::Symlink {
                target: "/bin/busybox",
            },
        );
    }
    insert(&mut tree, "tmp", Node::Dir { mode: MODE_TMP });
    insert(&mut tree, "root", Node::Dir { mode: 0o700 });
    // No /etc/hostname, /etc/hosts or /etc/resolv.conf: Docker bind-mounts its own.
    insert(
        &mut tree,
        "etc/passwd",
        Node::File {
            mode: MODE_FILE,
            data: ETC_PASSWD.as_bytes(),
        },
    );
    insert(
        &mut tree,
        "etc/group",
        Node::File {
            mode: MODE_FILE,
            data: ETC_GROUP.as_bytes(),
        },
    );
    if let Some(layout) = spec.layout {
        for dir in DISTRO_DIRS.iter().chain(layout.dirs) {
            insert(&mut tree, &at(dir), Node::Dir { mode: MODE_DIR });
        }
        insert(&mut tree, "var/tmp", Node::Dir { mode: MODE_TMP });
        for (link, target) in links {
            insert(&mut tree, target, Node::Dir { mode: MODE_DIR });
            insert(&mut tree, link, Node::Symlink { target });
        }
    }
    for (path, mode, content) in &spec.files {
        insert(
            &mut tree,
            &at(path),
            Node::File {
                mode: *mode,
                data: content.as_bytes(),
            },
        );
    }
    tree
}

/// The Dockerfile; with `hash` None it is the version the content hash is computed over.
fn dockerfile(spec: &Spec, hash: Option<&str>) -> String {
    let json = |args: &[&str]| serde_json::to_string(args).unwrap_or_default();
    let mut d = format!(
        "# docklings stand-in for {}, built FROM scratch around a static busybox.\n\
         FROM scratch\nCOPY rootfs/ /\nENV PATH={}\n",
        spec.key, spec.path_env
    );
    for (name, value) in spec.env {
        d.push_str(&format!("ENV {name}={value}\n"));
    }
    if let Some(dir) = spec.workdir {
        d.push_str(&format!("WORKDIR {dir}\n"));
    }
    if !spec.expose.is_empty() {
        let ports: Vec<String> = spec.expose.iter().map(u16::to_string).collect();
        d.push_str(&format!("EXPOSE {}\n", ports.join(" ")));
    }
    if let Some(signal) = spec.stopsignal {
        d.push_str(&format!("STOPSIGNAL {signal}\n"));
    }
    if let Some(entrypoint) = spec.entrypoint {
        d.push_str(&format!("ENTRYPOINT {}\n", json(entrypoint)));
    }
    d.push_str(&format!("CMD {}\n", json(spec.cmd)));
    d.push_str(&format!("LABEL {LABEL_STANDIN}=\"{}\"", spec.name));
    if let Some(hash) = hash {
        d.push_str(&format!(" {LABEL_HASH}=\"{hash}\""));
    }
    d.push('\n');
    d
}

/// Writes the context tar: `Dockerfile`, then `rootfs/` and everything in it, sorted.
/// Every entry gets `mtime`, so the bytes depend on the stand-in alone.
fn context_tar(dockerfile: &str, tree: &Tree<'_>, mtime: u64) -> Result<Vec<u8>, StandinError> {
    let mut ar = tar::Builder::new(Vec::new());
    append(
        &mut ar,
        "Dockerfile",
        &Node::File {
            mode: MODE_FILE,
            data: dockerfile.as_bytes(),
        },
        mtime,
    )?;
    append(&mut ar, "rootfs", &Node::Dir { mode: MODE_DIR }, mtime)?;
    for (path, node) in tree {
        append(&mut ar, &format!("rootfs/{path}"), node, mtime)?;
    }
    ar.into_inner().map_err(|source| StandinError::Io {
        path: PathBuf::from("rootfs"),
        source,
    })
}

fn append(
    ar: &mut tar::Builder<Vec<u8>>,
    path: &str,
    node: &Node<'_>,
    mtime: u64,
) -> Result<(), StandinError> {
    let mut h = tar::Header::new_gnu();
    // Fixed metadata so the bytes, and therefore the hash, depend on content alone.
    h.set_mtime(mtime);
    h.set_uid(0);
    h.set_gid(0);
    let result = match node {
        Node::Dir { mode } => {
            h.set_entry_type(tar::EntryType::Directory);
            h.set_mode(*mode);
            h.set_size(0);
            ar.append_data(&mut h, format!("{path}/"), io::empty())
        }
        Node::File { mode, data } => {
            h.set_entry_type(tar::EntryType::Regular);
            h.set_mode(*mode);
            h.set_size(data.len() as u64);
            ar.append_data(&mut h, path, *data)
        }
        Node::Symlink { target } => {
            h.set_entry_type(tar::EntryType::Symlink);
            h.set_mode(0o777);
            h.set_size(0);
            ar.append_link(&mut h, path, target)
        }
    };
    result.map_err(|source| StandinError::Io {
        path: PathBuf::from(path),
        source,
    })
}

fn build(
    bb: &Busybox,
    picks: &[(String, &'static str)],
) -> Result<Vec<StandinImage>, StandinError> {
    let specs: Vec<(&String, Spec)> = picks
        .iter()
        .filter_map(|(tag, name)| spec(name).map(|s| (tag, for_tag(s, tag))))
        .collect();
    let mut missing: Vec<String> = specs
        .iter()
        .flat_map(|(_, s)| s.applets.iter())
        .filter(|a| !bb.applets.iter().any(|have| have == *a))
        .map(|a| (*a).to_string())
        .collect();
    missing.sort();
    missing.dedup();
    if !missing.is_empty() {
        return Err(StandinError::MissingApplets {
            path: bb.path.clone(),
            missing,
        });
    }
    let mut images = Vec::with_capacity(specs.len());
    for (tag, spec) in &specs {
        let tree = rootfs(bb, spec);
        let unlabeled = context_tar(&dockerfile(spec, None), &tree, spec.mtime)?;
        let content_hash = format!("{:x}", Sha256::digest(&unlabeled));
        let context = context_tar(&dockerfile(spec, Some(&content_hash)), &tree, spec.mtime)?;
        images.push(StandinImage {
            tag: (*tag).clone(),
            context,
            content_hash,
        });
    }
    Ok(images)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// A minimal ELF header plus program headers, enough for [`elf_needs_interpreter`].
    fn fake_elf(is64: bool, little: bool, phdr_types: &[u32]) -> Vec<u8> {
        let put = |buf: &mut Vec<u8>, off: usize, value: u64, len: usize| {
            let bytes = value.to_le_bytes();
            for i in 0..len {
                buf[off + i] = if little { bytes[i] } else { bytes[len - 1 - i] };
            }
        };
        let (ehsize, phentsize) = if is64 { (64, 56) } else { (52, 32) };
        let mut b = vec![0u8; ehsize + phentsize * phdr_types.len()];
        b[..4].copy_from_slice(b"\x7fELF");
        b[4] = if is64 { 2 } else { 1 };
        b[5] = if little { 1 } else { 2 };
        b[6] = 1;
        put(&mut b, 16, 2, 2); // ET_EXEC
        if is64 {
            put(&mut b, 32, ehsize as u64, 8);
            put(&mut b, 54, phentsize as u64, 2);
            put(&mut b, 56, phdr_types.len() as u64, 2);
        } else {
            put(&mut b, 28, ehsize as u64, 4);
            put(&mut b, 42, phentsize as u64, 2);
            put(&mut b, 44, phdr_types.len() as u64, 2);
        }
        for (i, t) in phdr_types.iter().enumerate() {
            put(&mut b, ehsize + i * phentsize, u64::from(*t), 4);
        }
        b
    }

    const PT_LOAD: u32 = 1;
    const PT_DYNAMIC: u32 = 2;
    const PT_INTERP32: u32 = 3;

    fn fake_busybox(applets: &[&str]) -> Busybox {
        Busybox {
            path: PathBuf::from("/fake/busybox"),
            bytes: fake_elf(true, true, &[PT_LOAD]),
            applets: applets.iter().map(|a| (*a).to_string()).collect(),
        }
    }

    const ALL_APPLETS: &[&str] = &[
        "[", "awk", "base64", "cat", "cp", "cut", "date", "echo", "grep", "head", "hostname",
        "httpd", "ifconfig", "ip", "kill", "ls", "mkdir", "mktemp", "mv", "nc", "ping", "ps",
        "readlink", "rm", "sed", "sh", "sleep", "tr", "tty", "uname",
    ];

    fn build_all(bb: &Busybox) -> Vec<StandinImage> {
        build(bb, &pick(known())).expect("stand-ins build from a complete fake busybox")
    }

    struct Entry {
        kind: tar::EntryType,
        mode: u32,
        uid: u64,
        gid: u64,
        mtime: u64,
        link: Option<String>,
        data: Vec<u8>,
    }

    fn entries(context: &[u8]) -> BTreeMap<String, Entry> {
        let mut ar = tar::Archive::new(context);
        let mut out = BTreeMap::new();
        for entry in ar.entries().expect("tar entries") {
            let mut entry = entry.expect("tar entry");
            let h = entry.header().clone();
            let path = entry.path().expect("path").to_string_lossy().into_owned();
            let link = entry
                .link_name()
                .expect("link name")
                .map(|l| l.to_string_lossy().into_owned());
            let mut data = Vec::new();
            entry.read_to_end(&mut data).expect("entry data");
            out.insert(
                path.trim_end_matches('/').to_string(),
                Entry {
                    kind: h.entry_type(),
                    mode: h.mode().expect("mode"),
                    uid: h.uid().expect("uid"),
                    gid: h.gid().expect("gid"),
                    mtime: h.mtime().expect("mtime"),
                    link,
                    data,
                },
            );
        }
        out
    }

    fn image<'a>(images: &'a [StandinImage], tag: &str) -> &'a StandinImage {
        images
            .iter()
            .find(|i| i.tag == tag)
            .expect("image with that tag")
    }

    fn text(e: &Entry) -> String {
        String::from_utf8(e.data.clone()).expect("utf-8")
    }

    #[test]
    fn normalize_adds_latest_and_keeps_tags() {
        assert_eq!(normalize("nginx"), "nginx:latest");
        assert_eq!(normalize("nginx:1.18"), "nginx:1.18");
        assert_eq!(normalize("diamol/base"), "diamol/base:latest");
        assert_eq!(normalize(" diamol/base:latest "), "diamol/base:latest");
        assert_eq!(normalize("docker.io/library/nginx"), "nginx:latest");
        assert_eq!(normalize("library/nginx:alpine"), "nginx:alpine");
        assert_eq!(normalize("docker.io/diamol/base"), "diamol/base:latest");
        assert_eq!(normalize("localhost:5000/app"), "localhost:5000/app:latest");
        assert_eq!(normalize("localhost:5000/app:v1"), "localhost:5000/app:v1");
        assert_eq!(normalize("nginx@sha256:abc"), "nginx@sha256:abc");
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn split_tag_ignores_registry_ports() {
        assert_eq!(split_tag("nginx:1.18"), ("nginx", "1.18"));
        assert_eq!(
            split_tag("localhost:5000/app:latest"),
            ("localhost:5000/app", "latest")
        );
        assert_eq!(split_tag("localhost:5000/app"), ("localhost:5000/app", ""));
    }

    #[test]
    fn known_names_and_lookup() {
        assert_eq!(
            known(),
            [
                "diamol/ch02-hello-diamol",
                "diamol/base",
                "diamol/ch02-hello-diamol-web",
                "nginx",
                "hello-world",
                "ubuntu",
                "ubuntu:14.04",
                "centos:7",
                "mysql",
                "httpd",
            ]
        );
        for key in known() {
            assert_eq!(standin_for(key), Some(*key), "{key} serves itself");
            assert!(spec(key).is_some(), "{key} has a spec");
        }
        assert_eq!(standin_for("nginx:1.18"), Some("nginx"));
        assert_eq!(standin_for("docker.io/diamol/base"), Some("diamol/base"));
        assert_eq!(standin_for("alpine"), None);
        assert_eq!(standin_for("nginx@sha256:abc"), None);
        assert_eq!(standin_for("diamol/ch02-hello"), None);
    }

    #[test]
    fn tag_specific_standins_serve_only_their_release() {
        assert_eq!(standin_for("ubuntu"), Some("ubuntu"));
        assert_eq!(standin_for("ubuntu:22.04"), Some("ubuntu"));
        assert_eq!(
            standin_for("docker.io/library/ubuntu:jammy"),
            Some("ubuntu")
        );
        assert_eq!(standin_for("ubuntu:14.04"), Some("ubuntu:14.04"));
        assert_eq!(standin_for("ubuntu:trusty"), Some("ubuntu:14.04"));
        assert_eq!(standin_for("ubuntu:20.04"), None);
        assert_eq!(standin_for("centos:7"), Some("centos:7"));
        assert_eq!(standin_for("centos:7.9.2009"), Some("centos:7"));
        assert_eq!(standin_for("centos"), None, "centos:latest is CentOS 8");
        assert_eq!(standin_for("mysql"), Some("mysql"));
        assert_eq!(standin_for("mysql:8.0"), Some("mysql"));
        assert_eq!(standin_for("mysql:5.7"), None);
        // Stand-ins whose content does not depend on the tag serve any.
        assert_eq!(standin_for("hello-world:linux"), Some("hello-world"));
        assert_eq!(standin_for("httpd:2.4"), Some("httpd"));

        let picks = pick(&[
            "ubuntu",
            "ubuntu:14.04",
            "ubuntu:22.04",
            "centos:7",
            "mysql:8",
        ]);
        assert_eq!(
            picks,
            vec![
                ("ubuntu:latest".to_string(), "ubuntu"),
                ("ubuntu:14.04".to_string(), "ubuntu:14.04"),
                ("ubuntu:22.04".to_string(), "ubuntu"),
                ("centos:7".to_string(), "centos:7"),
                ("mysql:8".to_string(), "mysql"),
            ]
        );
        let images = build(&fake_busybox(ALL_APPLETS), &picks).expect("build");
        // Tags of one stand-in share its content; the two Ubuntu releases do not.
        assert_eq!(images[0].content_hash, images[2].content_hash);
        assert_ne!(images[0].content_hash, images[1].content_hash);
        // Both Ubuntu releases are labelled with the name, which `--remove-standins` and
        // `doctor` go by.
        for img in &images[..3] {
            let df = text(&entries(&img.context)["Dockerfile"]);
            assert!(
                df.contains("LABEL io.docklings.standin=\"ubuntu\" "),
                "{df}"
            );
        }
    }

    #[test]
    fn elf_check_accepts_static_and_rejects_dynamic() {
        for is64 in [true, false] {
            for little in [true, false] {
                let stat = fake_elf(is64, little, &[PT_LOAD, PT_LOAD]);
                assert_eq!(elf_needs_interpreter(&stat), Some(false));
                // static-pie has PT_DYNAMIC but no loader, and runs fine in scratch.
                let pie = fake_elf(is64, little, &[PT_LOAD, PT_DYNAMIC]);
                assert_eq!(elf_needs_interpreter(&pie), Some(false));
                let dynamic = fake_elf(is64, little, &[PT_LOAD, PT_INTERP32, PT_DYNAMIC]);
                assert_eq!(elf_needs_interpreter(&dynamic), Some(true));
            }
        }
        assert_eq!(elf_needs_interpreter(b"#!/bin/sh\necho hi\n"), None);
        assert_eq!(elf_needs_interpreter(b""), None);
        let mut truncated = fake_elf(true, true, &[PT_LOAD]);
        truncated.truncate(66); // cuts the first program header short
        assert_eq!(elf_needs_interpreter(&truncated), None);
    }

    #[test]
    fn missing_busybox_is_reported_with_a_fix() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("no-busybox-here");
        let err = contexts(&path, &["diamol/base"]).expect_err("no busybox there");
        assert!(matches!(&err, StandinError::BusyboxMissing { path: p } if *p == path));
        let msg = err.to_string();
        assert!(msg.contains("no busybox at"), "{msg}");
        assert!(msg.contains("apt-get install busybox-static"), "{msg}");
        assert!(msg.contains("--busybox PATH"), "{msg}");
    }

    #[test]
    fn dynamic_or_non_elf_busybox_is_not_static() {
        let dir = tempfile::tempdir().expect("tempdir");
        let script = dir.path().join("busybox");
        std::fs::write(&script, "#!/bin/sh\necho sh\n").expect("write");
        let err = contexts(&script, &["nginx"]).expect_err("a script is no static ELF");
        assert!(matches!(err, StandinError::NotStatic { .. }));
        assert!(err.to_string().contains("not a statically linked ELF"));

        let dynamic = dir.path().join("dynamic");
        std::fs::write(&dynamic, fake_elf(true, true, &[PT_INTERP32, PT_LOAD])).expect("write");
        let err = contexts(&dynamic, &["nginx"]).expect_err("dynamic");
        assert!(matches!(err, StandinError::NotStatic { .. }));
        assert!(err.to_string().contains("busybox-static"));
    }

    #[test]
    fn nothing_known_wanted_needs_no_busybox() {
        let images = contexts(Path::new("/nonexistent/busybox"), &["alpine", "redis:7"])
            .expect("nothing to build");
        assert!(images.is_empty());
    }

    #[test]
    fn unknown_skipped_duplicates_collapsed_tags_kept() {
        let picks = pick(&[
            "alpine",
            "nginx",
            "nginx:latest",
            "nginx:1.18",
            "diamol/base",
        ]);
        assert_eq!(
            picks,
            vec![
                ("nginx:latest".to_string(), "nginx"),
                ("nginx:1.18".to_string(), "nginx"),
                ("diamol/base:latest".to_string(), "diamol/base"),
            ]
        );
        let images = build(&fake_busybox(ALL_APPLETS), &picks).expect("build");
        assert_eq!(images.len(), 3);
        // Each tag is an image of its own: a check for `nginx:1.18` must fail on `nginx`.
        assert_ne!(images[0].content_hash, images[1].content_hash);
    }

    #[test]
    fn missing_applets_are_named() {
        let bb = fake_busybox(&[
            "sh", "ls", "date", "hostname", "awk", "cat", "head", "readlink", "mktemp", "nc",
        ]);
        let err = build(&bb, &pick(&["diamol/base", "nginx"])).expect_err("no ping, no httpd");
        match &err {
            StandinError::MissingApplets { missing, .. } => {
                assert_eq!(missing, &["httpd", "ping"]);
            }
            other => panic!("unexpected error {other:?}"),
        }
        assert!(err.to_string().contains("httpd, ping"));
    }

    #[test]
    fn parse_applets_sorts_and_drops_busybox() {
        let applets = parse_applets("sh\nbusybox\n[\nls\n\n../x\nls\n");
        assert_eq!(applets, ["[", "ls", "sh"]);
    }

    /// Where `path` (under `rootfs/`) really is: through a top-level link of a merged /usr.
    fn resolve(e: &BTreeMap<String, Entry>, path: &str) -> String {
        let rest = path.strip_prefix("rootfs/").expect("a rootfs path");
        let (top, below) = rest.split_once('/').unwrap_or((rest, ""));
        match e.get(&format!("rootfs/{top}")) {
            Some(link) if link.kind == tar::EntryType::Symlink && !below.is_empty() => {
                let target = link.link.as_deref().expect("link target");
                format!("rootfs/{target}/{below}")
            }
            _ => path.to_string(),
        }
    }

    #[test]
    fn common_rootfs_layout() {
        let bb = fake_busybox(ALL_APPLETS);
        for (img, (_, key)) in build_all(&bb).iter().zip(pick(known())) {
            let mtime = spec(key).expect("spec").mtime;
            let e = entries(&img.context);
            let names: Vec<&String> = e.keys().collect();
            let mut sorted = names.clone();
            sorted.sort();
            assert_eq!(names, sorted);
            for (path, entry) in &e {
                assert_eq!((entry.uid, entry.gid, entry.mtime), (0, 0, mtime), "{path}");
            }
            let busybox = &e[&resolve(&e, "rootfs/bin/busybox")];
            assert_eq!(busybox.kind, tar::EntryType::Regular);
            assert_eq!(busybox.mode, 0o755);
            assert_eq!(busybox.data, bb.bytes);
            for applet in ALL_APPLETS {
                let path = resolve(&e, &format!("rootfs/bin/{applet}"));
                let link = &e[&path];
                // Some images have their own program there (bash, nginx, mysqld).
                if link.kind == tar::EntryType::Regular {
                    continue;
                }
                assert_eq!(link.kind, tar::EntryType::Symlink, "{applet}");
                assert_eq!(link.link.as_deref(), Some("/bin/busybox"), "{applet}");
            }
            assert_eq!(e["rootfs/tmp"].kind, tar::EntryType::Directory);
            assert_eq!(e["rootfs/tmp"].mode, 0o1777);
            assert_eq!(e["rootfs/root"].mode, 0o700);
            let passwd = text(&e["rootfs/etc/passwd"]);
            assert!(
                passwd.starts_with("root:x:0:0:root:/root:/bin/sh\n")
                    || passwd.starts_with("root:x:0:0:root:/root:/bin/bash\n"),
                "{passwd}"
            );
            assert!(text(&e["rootfs/etc/group"]).starts_with("root:x:0:"));
            assert!(!e.contains_key("rootfs/etc/hostname"));
            assert!(!e.contains_key("rootfs/etc/hosts"));
            // Every script is a sh script and executable.
            for (path, entry) in &e {
                if entry.data.starts_with(b"#!") {
                    assert!(entry.data.starts_with(b"#!/bin/sh\n"), "{path}");
                    assert_eq!(entry.mode, 0o755, "{path}");
                }
            }
            let df = text(&e["Dockerfile"]);
            assert!(
                df.contains("\nFROM scratch\nCOPY rootfs/ /\nENV PATH="),
                "{df}"
            );
            assert!(!df.contains("\nRUN "), "{df}");
            let (name, _) = split_tag(&img.tag);
            assert!(
                df.contains(&format!(
                    "LABEL {LABEL_STANDIN}=\"{name}\" {LABEL_HASH}=\"{}\"\n",
                    img.content_hash
                )),
                "{df}"
            );
        }
    }

    #[test]
    fn hello_runs_the_banner_script() {
        let images = build_all(&fake_busybox(ALL_APPLETS));
        let e = entries(&image(&images, "diamol/ch02-hello-diamol:latest").context);
        let df = text(&e["Dockerfile"]);
        assert!(
            df.contains("CMD [\"/bin/sh\",\"-c\",\"./cmd.sh\"]\n"),
            "{df}"
        );
        assert!(!df.contains("WORKDIR"), "{df}");
        let script = &e["rootfs/cmd.sh"];
        assert_eq!(script.mode, 0o755);
        let script = text(script);
        for line in ["Hello from Chapter 2!", "My name is:", "Im running on:"] {
            assert!(script.contains(line), "{line}");
        }
        assert!(script.contains("echo $(ifconfig eth0 | grep 'inet addr')"));
    }

    #[test]
    fn base_is_a_shell() {
        let images = build_all(&fake_busybox(ALL_APPLETS));
        let e = entries(&image(&images, "diamol/base:latest").context);
        let df = text(&e["Dockerfile"]);
        assert!(df.contains("CMD [\"/bin/sh\"]\n"), "{df}");
        assert!(!df.contains("EXPOSE"), "{df}");
        assert!(e.contains_key("rootfs/bin/ping"));
        assert!(e.contains_key("rootfs/bin/hostname"));
        assert!(e.contains_key("rootfs/bin/date"));
    }

    #[test]
    fn web_serves_htdocs_on_80() {
        let images = build_all(&fake_busybox(ALL_APPLETS));
        let e = entries(&image(&images, "diamol/ch02-hello-diamol-web:latest").context);
        let df = text(&e["Dockerfile"]);
        assert!(df.contains("EXPOSE 80\n"), "{df}");
        assert!(df.contains("WORKDIR /usr/local/apache2\n"), "{df}");
        assert!(df.contains("CMD [\"httpd-foreground\"]\n"), "{df}");
        let launcher = &e["rootfs/usr/local/bin/httpd-foreground"];
        assert_eq!(launcher.mode, 0o755);
        assert!(text(launcher).contains("nc -ll -p 80 -e /usr/local/lib/docklings/serve-one"));
        let one = text(&e["rootfs/usr/local/lib/docklings/serve-one"]);
        assert!(
            one.contains("httpd -i -h /usr/local/apache2/htdocs"),
            "{one}"
        );
        let index = &e["rootfs/usr/local/apache2/htdocs/index.html"];
        assert_eq!(index.mode, 0o644);
        assert!(text(index).contains("<h1>Hello from Chapter 2!</h1>"));
        assert!(text(index).contains("docklings stand-in"));
        // The lab lists htdocs and expects just index.html.
        let in_htdocs: Vec<&String> = e
            .keys()
            .filter(|k| k.starts_with("rootfs/usr/local/apache2/htdocs/"))
            .collect();
        assert_eq!(in_htdocs, ["rootfs/usr/local/apache2/htdocs/index.html"]);
    }

    #[test]
    fn nginx_serves_html_on_80_and_has_bash() {
        let images = build_all(&fake_busybox(ALL_APPLETS));
        let e = entries(&image(&images, "nginx:latest").context);
        let df = text(&e["Dockerfile"]);
        assert!(df.contains("EXPOSE 80\n"), "{df}");
        assert!(df.contains("STOPSIGNAL SIGQUIT\n"), "{df}");
        assert!(
            df.contains("ENTRYPOINT [\"/docker-entrypoint.sh\"]\n"),
            "{df}"
        );
        assert!(
            df.contains("CMD [\"nginx\",\"-g\",\"daemon off;\"]\n"),
            "{df}"
        );
        let nginx = &e["rootfs/usr/sbin/nginx"];
        assert_eq!(nginx.mode, 0o755);
        assert!(text(nginx).contains("nc -ll -p 80 -e /usr/local/lib/docklings/serve-one"));
        let one = text(&e["rootfs/usr/local/lib/docklings/serve-one"]);
        assert!(one.contains("httpd -i -h /usr/share/nginx/html"), "{one}");
        assert_eq!(e["rootfs/docker-entrypoint.sh"].mode, 0o755);
        let bash = &e["rootfs/bin/bash"];
        assert_eq!(bash.kind, tar::EntryType::Regular);
        assert_eq!(bash.mode, 0o755);
        assert!(text(bash).contains("exec /bin/sh \"$@\""));
        let index = text(&e["rootfs/usr/share/nginx/html/index.html"]);
        assert!(index.contains("Welcome to nginx!"));
        assert!(index.contains("docklings stand-in"));
    }

    /// The host's static busybox, for the tests that run a stand-in's scripts; `None` (the
    /// test skips that part) where there is none.
    fn host_busybox() -> Option<&'static Path> {
        let path = Path::new(DEFAULT_BUSYBOX);
        if elf_needs_interpreter(&std::fs::read(path).unwrap_or_default()) == Some(false) {
            Some(path)
        } else {
            eprintln!("skipped: no static busybox at {DEFAULT_BUSYBOX}");
            None
        }
    }

    #[test]
    fn hello_world_prints_the_message() {
        let images = build_all(&fake_busybox(ALL_APPLETS));
        let e = entries(&image(&images, "hello-world:latest").context);
        let df = text(&e["Dockerfile"]);
        assert!(df.contains("CMD [\"/hello\"]\n"), "{df}");
        assert!(!df.contains("ENTRYPOINT") && !df.contains("EXPOSE"), "{df}");
        let hello = &e["rootfs/hello"];
        assert_eq!(hello.mode, 0o755);
        assert_eq!(text(hello), HELLO_WORLD_SH);

        let Some(busybox) = host_busybox() else {
            return;
        };
        let out = Command::new(busybox)
            .args(["sh", "-c", HELLO_WORLD_SH])
            .output()
            .expect("run /hello");
        assert!(out.status.success());
        let said = String::from_utf8(out.stdout).expect("utf-8");
        assert!(
            said.starts_with(
                "\nHello from Docker!\n\
                 This message shows that your installation appears to be working correctly.\n\n\
                 To generate this message, Docker took the following steps:\n"
            ),
            "{said}"
        );
        assert!(said.contains("\n $ docker run -it ubuntu bash\n"), "{said}");
        assert!(
            said.ends_with(
                "For more examples and ideas, visit:\n https://docs.docker.com/get-started/\n\n"
            ),
            "{said}"
        );
        if std::env::consts::ARCH == "x86_64" {
            assert!(said.contains("Docker Hub.\n    (amd64)\n 3. "), "{said}");
        }
    }

    #[test]
    fn ubuntu_is_jammy_with_bash_and_a_merged_usr() {
        let images = build_all(&fake_busybox(ALL_APPLETS));
        let e = entries(&image(&images, "ubuntu:latest").context);
        let df = text(&e["Dockerfile"]);
        assert!(df.contains("CMD [\"bash\"]\n"), "{df}");
        assert!(!df.contains("ENTRYPOINT"), "{df}");
        for dir in [
            "boot", "dev", "etc", "home", "media", "mnt", "opt", "proc", "root", "run", "srv",
            "sys", "tmp", "usr", "var",
        ] {
            let entry = &e[&format!("rootfs/{dir}")];
            assert_eq!(entry.kind, tar::EntryType::Directory, "{dir}");
        }
        for (link, target) in [
            ("bin", "usr/bin"),
            ("lib", "usr/lib"),
            ("lib64", "usr/lib64"),
            ("sbin", "usr/sbin"),
        ] {
            let entry = &e[&format!("rootfs/{link}")];
            assert_eq!(entry.kind, tar::EntryType::Symlink, "{link}");
            assert_eq!(entry.link.as_deref(), Some(target), "{link}");
            let target = &e[&format!("rootfs/{target}")];
            assert_eq!(target.kind, tar::EntryType::Directory, "{link}");
        }
        // Nothing is stored below a link: the files are under its target.
        assert!(!e.keys().any(|k| k.starts_with("rootfs/bin/")));
        assert_eq!(e["rootfs/usr/bin/busybox"].kind, tar::EntryType::Regular);
        assert_eq!(e["rootfs/usr/bin/ps"].link.as_deref(), Some("/bin/busybox"));
        assert_eq!(
            e["rootfs/usr/bin/tty"].link.as_deref(),
            Some("/bin/busybox")
        );
        assert_eq!(e["rootfs/var/tmp"].mode, 0o1777);

        let os = text(&e["rootfs/etc/os-release"]);
        assert!(os.contains("NAME=\"Ubuntu\"\n"), "{os}");
        assert!(os.contains("VERSION_ID=\"22.04\"\n"), "{os}");
        assert!(os.contains("VERSION_CODENAME=jammy\n"), "{os}");
        let lsb = text(&e["rootfs/etc/lsb-release"]);
        assert!(
            lsb.starts_with("DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\n"),
            "{lsb}"
        );
        let passwd = text(&e["rootfs/etc/passwd"]);
        assert!(
            passwd.starts_with("root:x:0:0:root:/root:/bin/bash\n"),
            "{passwd}"
        );

        let bash = &e["rootfs/usr/bin/bash"];
        assert_eq!((bash.kind, bash.mode), (tar::EntryType::Regular, 0o755));
        assert_eq!(text(bash), DISTRO_BASH_SH);
        let rc = text(&e["rootfs/usr/local/lib/docklings/bashrc"]);
        assert!(rc.starts_with(BASHRC_HEAD), "{rc}");
        assert!(rc.ends_with("PS1='\\u@\\h:\\w\\$ '\n"), "{rc}");
        // `ls -l /` shows the original's date, not 1970.
        assert_eq!(e["rootfs/boot"].mtime, DATE_JAMMY);
    }

    #[test]
    fn distro_bash_is_sh_with_bashs_prompt() {
        // Commands and scripts go straight to sh; only a terminal session gets the prompt.
        assert!(DISTRO_BASH_SH.contains("*) exec /bin/sh \"$@\" ;;"));
        assert!(DISTRO_BASH_SH.contains("if [ -t 0 ] && [ -t 1 ]; then"));
        assert!(DISTRO_BASH_SH.contains(&format!("export ENV={BASHRC}\n")));
        // Stdout waits on fd 8 while busybox prints its banner; the bashrc gives it back and
        // is read by that one shell only.
        assert!(DISTRO_BASH_SH.contains("exec 8>&1\n  exec /bin/sh -i >/dev/null\n"));
        assert!(BASHRC_HEAD.contains("exec 1>&8 8>&-\nunset ENV\n"));

        let Some(busybox) = host_busybox() else {
            return;
        };
        // No terminal here: `bash -c` and `bash` reading a script behave as sh does.
        let out = Command::new(busybox)
            .args([
                "sh",
                "-c",
                DISTRO_BASH_SH,
                "bash",
                "-c",
                "echo \"$0:$1\"",
                "x",
                "y",
            ])
            .output()
            .expect("run bash -c");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "x:y\n");
        let mut child = Command::new(busybox)
            .args(["sh", "-c", DISTRO_BASH_SH, "bash"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("run bash < script");
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().expect("stdin");
            stdin.write_all(b"echo piped\n").expect("write the script");
        }
        let out = child.wait_with_output().expect("bash's output");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "piped\n");
    }

    #[test]
    fn ubuntu_trusty_has_bin_and_lib_directories() {
        let images = build_all(&fake_busybox(ALL_APPLETS));
        let e = entries(&image(&images, "ubuntu:14.04").context);
        let df = text(&e["Dockerfile"]);
        assert!(
            df.starts_with("# docklings stand-in for ubuntu:14.04,"),
            "{df}"
        );
        assert!(df.contains("CMD [\"/bin/bash\"]\n"), "{df}");
        for dir in ["bin", "boot", "lib", "lib64", "sbin", "usr", "var"] {
            let entry = &e[&format!("rootfs/{dir}")];
            assert_eq!(entry.kind, tar::EntryType::Directory, "{dir}");
        }
        assert_eq!(e["rootfs/bin/busybox"].kind, tar::EntryType::Regular);
        assert_eq!(text(&e["rootfs/bin/bash"]), DISTRO_BASH_SH);
        let os = text(&e["rootfs/etc/os-release"]);
        assert!(
            os.contains("VERSION=\"14.04.6 LTS, Trusty Tahr\"\n"),
            "{os}"
        );
        let lsb = text(&e["rootfs/etc/lsb-release"]);
        assert!(
            lsb.contains("DISTRIB_RELEASE=14.04\nDISTRIB_CODENAME=trusty\n"),
            "{lsb}"
        );
        assert_eq!(e["rootfs/bin"].mtime, DATE_TRUSTY);
    }

    #[test]
    fn centos7_says_centos_and_prompts_in_brackets() {
        let images = build_all(&fake_busybox(ALL_APPLETS));
        let e = entries(&image(&images, "centos:7").context);
        let df = text(&e["Dockerfile"]);
        assert!(df.contains("CMD [\"/bin/bash\"]\n"), "{df}");
        assert_eq!(
            text(&e["rootfs/etc/centos-release"]),
            "CentOS Linux release 7.9.2009 (Core)\n"
        );
        assert_eq!(
            text(&e["rootfs/etc/redhat-release"]),
            text(&e["rootfs/etc/centos-release"])
        );
        let os = text(&e["rootfs/etc/os-release"]);
        assert!(
            os.contains("PRETTY_NAME=\"CentOS Linux 7 (Core)\"\n"),
            "{os}"
        );
        // The original has no /boot, and an installer's log.
        assert!(!e.contains_key("rootfs/boot"));
        assert!(e.contains_key("rootfs/anaconda-post.log"));
        assert_eq!(e["rootfs/bin"].link.as_deref(), Some("usr/bin"));
        assert_eq!(e["rootfs/usr/bin/ip"].link.as_deref(), Some("/bin/busybox"));
        let rc = text(&e["rootfs/usr/local/lib/docklings/bashrc"]);
        assert!(rc.contains("alias rm='rm -i'\n"), "{rc}");

        // busybox's \W is empty in "/"; the prompt's own directory part says what bash's does.
        let dir_part = rc
            .lines()
            .find_map(|l| l.strip_prefix("PS1='[\\u@\\h "))
            .and_then(|l| l.strip_suffix("]\\$ '"))
            .expect("PS1='[\\u@\\h DIR]\\$ '");
        let Some(busybox) = host_busybox() else {
            return;
        };
        let home = tempfile::tempdir().expect("tempdir");
        let home = home.path().to_str().expect("utf-8");
        for (cwd, shown) in [("/", "/"), ("/usr/lib", "lib"), (home, "~")] {
            let out = Command::new(busybox)
                .args(["sh", "-c", &format!("cd {cwd} && echo {dir_part}")])
                .env("HOME", home)
                .output()
                .expect("run the prompt's directory part");
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                format!("{shown}\n"),
                "{cwd}"
            );
        }
    }

    #[test]
    fn mysql_has_the_originals_entrypoint_cmd_and_ports() {
        let images = build_all(&fake_busybox(ALL_APPLETS));
        let e = entries(&image(&images, "mysql:latest").context);
        let df = text(&e["Dockerfile"]);
        assert!(
            df.contains("ENTRYPOINT [\"docker-entrypoint.sh\"]\n"),
            "{df}"
        );
        assert!(df.contains("CMD [\"mysqld\"]\n"), "{df}");
        assert!(df.contains("EXPOSE 3306 33060\n"), "{df}");
        assert!(
            df.contains("ENV MYSQL_MAJOR=8.0\nENV MYSQL_VERSION=8.0.31-1.el8\n"),
            "{df}"
        );
        assert!(!df.contains("VOLUME"), "{df}");
        let entrypoint = &e["rootfs/usr/local/bin/docker-entrypoint.sh"];
        assert_eq!(entrypoint.mode, 0o755);
        assert_eq!(text(entrypoint), MYSQL_ENTRYPOINT_SH);
        let mysqld = &e["rootfs/usr/sbin/mysqld"];
        assert_eq!(mysqld.mode, 0o755);
        assert_eq!(text(mysqld), MYSQLD_SH);
        let client = &e["rootfs/usr/bin/mysql"];
        assert_eq!(client.mode, 0o755);
        assert_eq!(text(client), MYSQL_CLIENT_SH);
        let shared = &e["rootfs/usr/local/lib/docklings/mysql.sh"];
        assert_eq!(shared.mode, 0o644);
        assert!(text(shared).contains("mysqld_version=8.0.31\n"));
        for dir in [
            "docker-entrypoint-initdb.d",
            "var/lib/mysql",
            "var/run/mysqld",
        ] {
            let entry = &e[&format!("rootfs/{dir}")];
            assert_eq!(entry.kind, tar::EntryType::Directory, "{dir}");
        }
        let passwd = text(&e["rootfs/etc/passwd"]);
        assert!(
            passwd.starts_with("root:x:0:0:root:/root:/bin/bash\nmysql:x:999:999:"),
            "{passwd}"
        );
        assert!(text(&e["rootfs/etc/group"]).contains("\nmysql:x:999:\n"));
        let rc = text(&e["rootfs/usr/local/lib/docklings/bashrc"]);
        assert!(rc.ends_with("PS1='bash-4.4\\$ '\n"), "{rc}");
        assert!(text(&e["rootfs/etc/os-release"]).contains("Oracle Linux Server"));
    }

    /// The mysql stand-in set up where the host's busybox can run it: its three scripts in
    /// `dir/bin` (first in PATH, as /usr/local/bin, /usr/sbin and /usr/bin are in the image),
    /// run by that busybox, with the shared file, the data directory and the socket in `dir`.
    #[cfg(unix)]
    struct HostMysql {
        busybox: &'static Path,
        dir: tempfile::TempDir,
    }

    #[cfg(unix)]
    impl HostMysql {
        fn new(busybox: &'static Path) -> Self {
            let dir = tempfile::tempdir().expect("tempdir");
            let root = dir.path().to_str().expect("utf-8").to_string();
            let lib = format!("{root}/mysql.sh");
            let shared = mysql_lib_sh()
                .replace(
                    "\ndatadir=/var/lib/mysql\n",
                    &format!("\ndatadir={root}/data\n"),
                )
                .replace(
                    "\nsocket=/var/run/mysqld/mysqld.sock\n",
                    &format!("\nsocket={root}/mysqld.sock\n"),
                );
            std::fs::write(&lib, shared).expect("write the shared file");
            std::fs::create_dir(dir.path().join("bin")).expect("bin");
            for (name, script) in [
                ("docker-entrypoint.sh", MYSQL_ENTRYPOINT_SH),
                ("mysqld", MYSQLD_SH),
                ("mysql", MYSQL_CLIENT_SH),
            ] {
                // The scripts run one another by name (the entrypoint runs `mysqld`): each
                // must be busybox's, not the host's sh.
                let script = script
                    .replacen("#!/bin/sh\n", &format!("#!{} sh\n", busybox.display()), 1)
                    .replace(MYSQL_LIB, &lib);
                let path = dir.path().join("bin").join(name);
                std::fs::write(&path, script).expect("write a script");
                let mode = std::os::unix::fs::PermissionsExt::from_mode(0o755);
                std::fs::set_permissions(&path, mode).expect("chmod");
            }
            Self { busybox, dir }
        }

        /// `program args` as the container would run it: the image's ENV, these `env`.
        fn command(&self, program: &str, args: &[&str], env: &[(&str, &str)]) -> Command {
            let bin = self.dir.path().join("bin");
            let mut c = Command::new(self.busybox);
            c.arg("sh")
                .arg(bin.join(program))
                .args(args)
                .env_clear()
                .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
                .env("MYSQL_VERSION", "8.0.31-1.el8")
                .envs(env.iter().copied());
            c
        }

        /// Runs it to the end, with no input.
        fn run(&self, program: &str, args: &[&str], env: &[(&str, &str)]) -> Said {
            let out = self
                .command(program, args, env)
                .stdin(std::process::Stdio::null())
                .output()
                .expect("run a mysql script");
            Said {
                code: out.status.code(),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            }
        }
    }

    /// What a finished command said, as text.
    struct Said {
        code: Option<i32>,
        stdout: String,
        stderr: String,
    }

    #[cfg(unix)]
    #[test]
    fn mysql_without_a_password_option_fails_like_the_original() {
        let Some(busybox) = host_busybox() else {
            return;
        };
        let mysql = HostMysql::new(busybox);

        let out = mysql.run("docker-entrypoint.sh", &["mysqld"], &[]);
        assert_eq!(out.code, Some(1));
        assert!(
            out.stdout.contains(
                " [Note] [Entrypoint]: Entrypoint script for MySQL Server 8.0.31-1.el8 started.\n"
            ),
            "{}",
            out.stdout
        );
        assert!(
            out.stderr.ends_with(
                " [ERROR] [Entrypoint]: Database is uninitialized and password option is not \
                 specified\n    \
                 You need to specify one of the following as an environment variable:\n    \
                 - MYSQL_ROOT_PASSWORD\n    \
                 - MYSQL_ALLOW_EMPTY_PASSWORD\n    \
                 - MYSQL_RANDOM_ROOT_PASSWORD\n"
            ),
            "{}",
            out.stderr
        );
        // An option alone is one of mysqld's; an empty variable counts as none.
        let out = mysql.run(
            "docker-entrypoint.sh",
            &["--character-set-server=utf8mb4"],
            &[("MYSQL_ROOT_PASSWORD", "")],
        );
        assert_eq!(out.code, Some(1));

        // Any other command runs as it is, without a word from the entrypoint.
        let out = mysql.run("docker-entrypoint.sh", &["echo", "hello"], &[]);
        assert_eq!((out.code, out.stdout.as_str()), (Some(0), "hello\n"));

        // The course's `mysql -u root -p` in a container that runs bash, not mysqld.
        let out = mysql.run("mysql", &["-u", "root", "-psecret"], &[]);
        assert_eq!(out.code, Some(1));
        assert_eq!(
            out.stderr,
            "ERROR 2002 (HY000): Can't connect to local MySQL server through socket \
             '/var/run/mysqld/mysqld.sock' (2)\n"
        );
        let out = mysql.run("mysqld", &["--version"], &[]);
        assert!(
            out.stdout
                .starts_with("/usr/sbin/mysqld  Ver 8.0.31 for Linux on "),
            "{}",
            out.stdout
        );
    }

    #[cfg(unix)]
    #[test]
    fn mysql_server_is_ready_for_its_client_until_sigterm() {
        use std::io::BufRead;
        use std::os::unix::process::CommandExt;
        let Some(busybox) = host_busybox() else {
            return;
        };
        let mysql = HostMysql::new(busybox);
        let env = [
            ("MYSQL_ROOT_PASSWORD", "secret"),
            ("MYSQL_DATABASE", "shop"),
            ("MYSQL_USER", "kim"),
            ("MYSQL_PASSWORD", "pw"),
        ];

        /// Kills the process group it names when dropped, so that a failing test leaves no
        /// server (nor its `sleep`) behind.
        struct KillGroup(String);
        impl Drop for KillGroup {
            fn drop(&mut self) {
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", self.0)])
                    .stderr(std::process::Stdio::null())
                    .status();
            }
        }
        let mut server = mysql
            .command("docker-entrypoint.sh", &["mysqld"], &env)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .process_group(0)
            .spawn()
            .expect("start the server");
        let pid = server.id().to_string();
        let _group = KillGroup(pid.clone());
        let (tx, rx) = std::sync::mpsc::channel();
        let stderr = server.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in io::BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let wait_for = |what: &str| {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            let mut seen = Vec::new();
            while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
                match rx.recv_timeout(left) {
                    Ok(line) if line.contains(what) => return line,
                    Ok(line) => seen.push(line),
                    Err(_) => break,
                }
            }
            panic!("no `{what}` in {seen:#?}");
        };
        // The entrypoint's temporary server first, then the real one.
        let ready = wait_for("mysqld: ready for connections");
        assert!(ready.contains("  port: 0  "), "{ready}");
        let ready = wait_for("mysqld: ready for connections");
        assert!(
            ready.ends_with(
                " 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. \
                 Version: '8.0.31'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  \
                 MySQL Community Server - GPL."
            ),
            "{ready}"
        );
        // The socket file comes right after the line.
        let socket = mysql.dir.path().join("mysqld.sock");
        for _ in 0..100 {
            if socket.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }

        let out = mysql.run("mysql", &["-uroot", "-pwrong"], &[]);
        assert_eq!(out.code, Some(1));
        assert_eq!(
            out.stderr,
            "ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: YES)\n"
        );
        let out = mysql.run("mysql", &["-u", "kim"], &[]);
        assert!(
            out.stderr.ends_with("(using password: NO)\n"),
            "{}",
            out.stderr
        );

        let out = mysql.run(
            "mysql",
            &["-uroot", "-psecret", "-e", "SHOW DATABASES;"],
            &[],
        );
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        assert_eq!(
            out.stdout,
            "+--------------------+\n\
             | Database           |\n\
             +--------------------+\n\
             | information_schema |\n\
             | mysql              |\n\
             | performance_schema |\n\
             | sys                |\n\
             | shop               |\n\
             +--------------------+\n\
             5 rows in set (0.00 sec)\n\n"
        );

        // `-p` asks; the user the entrypoint created may log in, and leaves with `exit`.
        let mut client = mysql
            .command("mysql", &["-u", "kim", "-p"], &[])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("start the client");
        {
            use std::io::Write;
            let mut stdin = client.stdin.take().expect("stdin");
            stdin
                .write_all(b"pw\nselect version();\nexit\n")
                .expect("type into the client");
        }
        let out = client.wait_with_output().expect("the client's output");
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            said.starts_with("Enter password: \nWelcome to the MySQL monitor."),
            "{said}"
        );
        assert!(said.contains("\nServer version: 8.0.31 MySQL Community Server - GPL\n"));
        assert!(
            said.contains("mysql> +-----------+\n| version() |\n+-----------+\n| 8.0.31    |\n")
        );
        assert!(said.contains("1 row in set (0.00 sec)\n"), "{said}");
        assert!(said.ends_with("mysql> Bye\n"), "{said}");

        let kill = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(kill.is_ok_and(|s| s.success()));
        let stopping = wait_for("Received SHUTDOWN");
        assert!(
            stopping.contains("from user <via user signal>."),
            "{stopping}"
        );
        wait_for("Shutdown complete");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let status = loop {
            if let Some(status) = server.try_wait().expect("wait for the server") {
                break status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the server ends soon after SIGTERM"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(0), "a clean shutdown");
        assert!(!socket.exists(), "the socket goes with the server");
        let out = mysql.run("mysql", &["-uroot", "-psecret"], &[]);
        assert!(
            out.stderr.starts_with("ERROR 2002 (HY000)"),
            "{}",
            out.stderr
        );
    }

    #[test]
    fn nginx_1_18_is_the_nginx_standin_with_its_own_version() {
        let picks = pick(&["nginx", "nginx:1.18", "nginx:1.25"]);
        assert_eq!(picks[1], ("nginx:1.18".to_string(), "nginx"));
        let images = build(&fake_busybox(ALL_APPLETS), &picks).expect("build");
        assert_eq!(images[1].tag, "nginx:1.18");
        let df = |i: usize| text(&entries(&images[i].context)["Dockerfile"]);
        assert!(!df(0).contains("NGINX_VERSION"), "{}", df(0));
        assert!(df(1).contains("NGINX_VERSION=1.18.0"), "{}", df(1));
        assert!(df(2).contains("NGINX_VERSION=1.25"), "{}", df(2));
        assert_ne!(images[0].content_hash, images[1].content_hash);
    }

    #[test]
    fn httpd_serves_it_works_on_80() {
        let images = build_all(&fake_busybox(ALL_APPLETS));
        let e = entries(&image(&images, "httpd:latest").context);
        let df = text(&e["Dockerfile"]);
        assert!(df.contains("EXPOSE 80\n"), "{df}");
        assert!(df.contains("WORKDIR /usr/local/apache2\n"), "{df}");
        assert!(df.contains("CMD [\"httpd-foreground\"]\n"), "{df}");
        assert!(
            df.contains("ENV HTTPD_PREFIX=/usr/local/apache2\nENV HTTPD_VERSION=2.4.57\n"),
            "{df}"
        );
        let index = &e["rootfs/usr/local/apache2/htdocs/index.html"];
        assert_eq!(index.mode, 0o644);
        assert_eq!(
            text(index),
            "<html><body><h1>It works!</h1></body></html>\n"
        );
        let in_htdocs: Vec<&String> = e
            .keys()
            .filter(|k| k.starts_with("rootfs/usr/local/apache2/htdocs/"))
            .collect();
        assert_eq!(in_htdocs, ["rootfs/usr/local/apache2/htdocs/index.html"]);
        // Apache's own bin is first in PATH: it must not hold an `httpd` that hides busybox's.
        assert!(
            !e.keys()
                .any(|k| k.starts_with("rootfs/usr/local/apache2/bin/"))
        );

        let launcher = text(&e["rootfs/usr/local/bin/httpd-foreground"]);
        assert!(launcher.contains("nc -ll -p 80 -e /usr/local/lib/docklings/serve-one"));
        assert!(
            launcher.contains("AH00489: Apache/2.4.57 (Unix) configured"),
            "{launcher}"
        );
        assert!(
            launcher.contains(
                "trap 'apache_log mpm_event:notice \"AH00491: caught SIGTERM, shutting down\"; \
                 exec 2>/dev/null; kill \"$pid\""
            ),
            "{launcher}"
        );
        let one = text(&e["rootfs/usr/local/lib/docklings/serve-one"]);
        assert!(
            one.contains("httpd -i -h /usr/local/apache2/htdocs"),
            "{one}"
        );
        assert!(one.contains("logged like Apache."), "{one}");
        assert_eq!(e["rootfs/usr/bin/bash"].kind, tar::EntryType::Regular);
        assert!(text(&e["rootfs/etc/os-release"]).contains("Debian GNU/Linux 12 (bookworm)"));
    }

    #[test]
    fn access_logs_are_combined_or_common() {
        let combined = serve_one_script(NGINX_HTML, AccessLog::Combined);
        assert!(
            combined.contains(r#"printf '%s - - [%s] "%s" %s %s "-" "%s"\n' "${client:--}" "#),
            "{combined}"
        );
        let common = serve_one_script(APACHE_HTDOCS, AccessLog::Common);
        assert!(
            common.contains("[ \"$bytes\" = 0 ] && bytes=-\n"),
            "{common}"
        );
        assert!(
            common.contains(r#"printf '%s - - [%s] "%s" %s %s\n' "${client:--}" "#),
            "{common}"
        );
        assert!(!common.contains("\"$ua\" >&3"), "{common}");
    }

    #[test]
    fn distro_files_let_an_image_replace_a_default() {
        let files = distro_files("PS1='x'\n", &[("/etc/passwd", "root:x:0:0::/:/bin/sh\n")]);
        let passwd: Vec<&String> = files
            .iter()
            .filter(|(path, ..)| *path == "/etc/passwd")
            .map(|(_, _, text)| text)
            .collect();
        assert_eq!(passwd, ["root:x:0:0::/:/bin/sh\n"]);
        assert!(
            files
                .iter()
                .any(|(path, mode, _)| *path == "/bin/bash" && *mode == 0o755)
        );
    }

    /// The hashes of the chapter 2 stand-ins built from the fake busybox below.
    const ORIGINAL_HASHES: [&str; 4] = [
        "58f3baa16cc1ab515308517e2e6b5f8b26651b8b854eec770a7b3eb4c7390e53",
        "33db97964e40966680c613105cd1688e5161ebd43b1e15247e08662cdd32c230",
        "90e264fe970942e1da2ec5e5268e80b9a4a3fb17f2172559608f4596204ef970",
        "86faf448e5ef59cae9e6998af059b3b41e732a4c311c5160e37cc54b7cf94b2c",
    ];

    /// The chapter 2 stand-ins must keep their content (and so their hash) as new ones are
    /// added: a changed hash rebuilds them in every classroom that runs `images --standin`.
    /// A change made on purpose updates these.
    #[test]
    fn original_standins_keep_their_content() {
        // The applets they need, and no more: a fixed list, unlike ALL_APPLETS.
        let bb = fake_busybox(&[
            "awk", "cat", "date", "grep", "head", "hostname", "httpd", "ifconfig", "ls", "mktemp",
            "nc", "ping", "readlink", "sh", "uname",
        ]);
        let images = build(&bb, &pick(&[HELLO, BASE, WEB, NGINX])).expect("build");
        let hashes: Vec<&str> = images.iter().map(|i| i.content_hash.as_str()).collect();
        assert_eq!(hashes, ORIGINAL_HASHES);
    }

    #[test]
    fn image_files_override_applet_links() {
        let mut applets = ALL_APPLETS.to_vec();
        applets.push("bash");
        let images = build_all(&fake_busybox(&applets));
        let e = entries(&image(&images, "nginx:latest").context);
        assert_eq!(e["rootfs/bin/bash"].kind, tar::EntryType::Regular);
        let base = entries(&image(&images, "diamol/base:latest").context);
        assert_eq!(base["rootfs/bin/bash"].kind, tar::EntryType::Symlink);
    }

    #[test]
    fn hashes_are_deterministic_distinct_and_over_the_unlabeled_context() {
        let bb = fake_busybox(ALL_APPLETS);
        let first = build_all(&bb);
        let second = build_all(&bb);
        assert_eq!(first, second);
        let mut hashes: Vec<&str> = first.iter().map(|i| i.content_hash.as_str()).collect();
        assert!(hashes.iter().all(|h| h.len() == 64));
        hashes.sort();
        hashes.dedup();
        assert_eq!(hashes.len(), first.len(), "every stand-in has its own hash");

        for (img, (_, name)) in first.iter().zip(pick(known())) {
            let spec = spec(name).expect("spec");
            let unlabeled = context_tar(&dockerfile(&spec, None), &rootfs(&bb, &spec), spec.mtime)
                .expect("tar");
            assert_eq!(
                img.content_hash,
                format!("{:x}", Sha256::digest(&unlabeled))
            );
        }

        // A different busybox gives different hashes.
        let mut other = fake_busybox(ALL_APPLETS);
        other.bytes.push(0);
        let changed = build_all(&other);
        for (a, b) in first.iter().zip(&changed) {
            assert_ne!(a.content_hash, b.content_hash);
        }
    }

    /// With the host's busybox, when there is one (Debian: `apt-get install busybox-static`).
    #[test]
    fn host_busybox_builds_all_standins() {
        let path = Path::new(DEFAULT_BUSYBOX);
        if elf_needs_interpreter(&std::fs::read(path).unwrap_or_default()) != Some(false) {
            eprintln!("skipped: no static busybox at {DEFAULT_BUSYBOX}");
            return;
        }
        let images = contexts(path, known()).expect("stand-ins from the host busybox");
        assert_eq!(images.len(), known().len());
        let again = contexts(path, known()).expect("again");
        assert_eq!(images, again);
        let e = entries(&images[1].context);
        assert_eq!(e["rootfs/bin/ping"].link.as_deref(), Some("/bin/busybox"));
        assert_eq!(e["rootfs/bin/busybox"].mode, 0o755);
        assert!(
            !e.contains_key("rootfs/bin/bash"),
            "Debian's busybox has no bash applet"
        );
    }

    /// Not a check: writes each context to `$DOCKLINGS_STANDIN_DUMP/<name>.tar` for building
    /// by hand (`docker build -t docklings-scratch/base - < base.tar`).
    /// Run with `DOCKLINGS_STANDIN_DUMP=/tmp/x cargo test dump_contexts -- --ignored`.
    #[test]
    #[ignore = "writes files; for manual builds on an engine"]
    fn dump_contexts() {
        let Some(dir) = std::env::var_os("DOCKLINGS_STANDIN_DUMP") else {
            return;
        };
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("dump dir");
        let images = contexts(Path::new(DEFAULT_BUSYBOX), known()).expect("contexts");
        for img in images {
            let (name, tag) = split_tag(&img.tag);
            let name = name.rsplit('/').next().unwrap_or(name);
            let file = if tag == "latest" {
                name.to_string()
            } else {
                format!("{name}-{tag}")
            };
            std::fs::write(dir.join(format!("{file}.tar")), &img.context).expect("write");
            println!("{} {} {}", img.tag, file, img.content_hash);
        }
    }
}
