//! Network addresses as lab files write them: the loopback `http://` URLs of `http`
//! checks and container ports like `80/tcp`. Shared by the lints, which reject what these
//! cannot parse, and by the checks and the HTTP client, which then rely on them.

/// The host and port of an `http://` URL if its host is loopback; `None` otherwise.
pub(crate) fn loopback_port(url: &str) -> Option<u16> {
    let (host, port, _) = split_http_url(url)?;
    is_loopback_host(&host).then_some(port)
}

/// Split `http://host[:port][/path]` into its parts. Only plain HTTP is accepted.
pub(crate) fn split_http_url(url: &str) -> Option<(String, u16, String)> {
    let rest = url.strip_prefix("http://")?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_owned()),
        None => (rest, "/".to_owned()),
    };
    if authority.contains('@') {
        return None; // userinfo could disguise the real host
    }
    let (host, port) = if let Some(h) = authority.strip_prefix('[') {
        let end = h.find(']')?;
        let port = match &h[end + 1..] {
            "" => 80,
            p => p.strip_prefix(':')?.parse().ok()?,
        };
        (h[..end].to_owned(), port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), p.parse().ok()?),
            None => (authority.to_owned(), 80),
        }
    };
    if host.is_empty() {
        return None;
    }
    Some((host, port, path))
}

pub(super) fn is_loopback_host(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>()
        .map(|ip| ip.is_loopback())
        .unwrap_or(false)
}

/// `80`, `80/tcp` or `53/udp` → (port, protocol).
pub(crate) fn parse_container_port(s: &str) -> Option<(u16, String)> {
    let (p, proto) = match s.split_once('/') {
        Some((p, proto)) => (p, proto.to_ascii_lowercase()),
        None => (s, "tcp".to_owned()),
    };
    if !matches!(proto.as_str(), "tcp" | "udp" | "sctp") {
        return None;
    }
    Some((p.trim().parse().ok()?, proto))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(loopback_port("http://localhost:8088"), Some(8088));
        assert_eq!(loopback_port("http://127.0.0.1/"), Some(80));
        assert_eq!(loopback_port("http://[::1]:9/x"), Some(9));
        assert_eq!(loopback_port("http://example.com:8088"), None);
        assert_eq!(loopback_port("http://localhost@evil.com/"), None);
        assert_eq!(loopback_port("https://localhost/"), None);
    }
}
