//! The client address a sign-in comes from: the TCP peer, or — when the peer is one of the
//! `--trusted-proxy` addresses (a TLS-terminating reverse proxy) — the last address in
//! `X-Forwarded-For` that is not itself a trusted proxy. Headers from anyone else are
//! ignored: a client cannot choose its own address by sending one.

use axum::http::request::Parts;
use axum::http::HeaderMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The address for `headers` received from `peer`.
pub fn client_address(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    // Without connection info (an in-process test router) nothing better is known.
    let peer = peer.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .map(|hop| hop.parse::<IpAddr>().ok())
        .collect::<Option<Vec<_>>>()
        // A hop that is not an address makes the whole header untrustworthy.
        .unwrap_or_default();
    hops.iter().rev().find(|hop| !trusted.contains(hop)).copied().unwrap_or(peer)
}

/// The TCP peer of a request, when the server was started with connection info.
pub fn peer_of(parts: &Parts) -> Option<IpAddr> {
    parts.extensions.get::<axum::extract::ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
}

/// The TCP peer as an extractor (never fails: `None` without connection info).
pub struct Peer(pub Option<IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(peer_of(parts)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    fn forwarded(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_str(value).expect("header"));
        h
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let proxy = [ip("10.0.0.1")];
        assert_eq!(client_address(Some(ip("192.0.2.9")), &forwarded("198.51.100.1"), &proxy), ip("192.0.2.9"));
        assert_eq!(client_address(Some(ip("10.0.0.1")), &forwarded("198.51.100.1"), &proxy), ip("198.51.100.1"));
        // A client's own X-Forwarded-For is to the left of what the proxy appended.
        assert_eq!(
            client_address(Some(ip("10.0.0.1")), &forwarded("203.0.113.5, 198.51.100.1"), &proxy),
            ip("198.51.100.1")
        );
        assert_eq!(client_address(Some(ip("10.0.0.1")), &forwarded("not-an-ip"), &proxy), ip("10.0.0.1"));
        assert_eq!(client_address(Some(ip("10.0.0.1")), &HeaderMap::new(), &proxy), ip("10.0.0.1"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 128, ..Default::default() })]

        /// Whatever a client puts in X-Forwarded-For, the address is the peer's unless the
        /// peer is a trusted proxy, and then one the header or the peer named.
        #[test]
        fn forwarded_for_never_panics_and_names_a_known_address(value in "[ -~]{0,80}", trusted in proptest::bool::ANY) {
            let peer = ip("10.0.0.1");
            let proxies = if trusted { vec![peer] } else { vec![] };
            let Ok(v) = HeaderValue::from_str(&value) else { return Ok(()) };
            let mut h = HeaderMap::new();
            h.insert("x-forwarded-for", v);
            let got = client_address(Some(peer), &h, &proxies);
            if trusted {
                proptest::prop_assert!(got == peer || value.contains(&got.to_string()));
            } else {
                proptest::prop_assert_eq!(got, peer);
            }
        }
    }
}
