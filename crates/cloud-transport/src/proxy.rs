//! Which proxy a request goes through, decided by the same rule that decides where plain HTTP
//! may go.
//!
//! The built-in HTTP client does not use reqwest's own reading of the proxy variables: reqwest
//! would send a plain-HTTP request (a signed request to a loopback emulator, or a Huawei IAM
//! password login) through `HTTP_PROXY` in clear text, and the "plain HTTP only to loopback"
//! rule would check the endpoint's host while the bytes went elsewhere. The rules here:
//!
//! - plain-HTTP requests never go through a proxy (they only go to loopback, or where the
//!   user opted into insecure HTTP; a proxy hop must not widen that);
//! - requests to loopback hosts never go through a proxy;
//! - HTTPS requests go through `HTTPS_PROXY` (or `https_proxy`, else `ALL_PROXY`/`all_proxy`),
//!   as a `CONNECT` tunnel, so the proxy sees the host name and never the request;
//! - `NO_PROXY`/`no_proxy` (comma-separated host names, domain suffixes such as `.example.com`
//!   or `example.com`, IP addresses, or `*`) exempts hosts.
//!
//! Variables are read from the configuration's [`Environment`], so tests never depend on the
//! process's.

use std::net::IpAddr;

use crate::{Environment, Error, Result};

/// The proxy rules of one HTTP client.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProxyRules {
    /// The proxy for HTTPS requests, validated as an `http://` or `https://` URL.
    https_proxy: Option<String>,
    /// `NO_PROXY` entries, lower-case, without ports.
    no_proxy: Vec<String>,
}

impl std::fmt::Debug for ProxyRules {
    // The proxy URL may carry a user name and password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyRules")
            .field("https_proxy", &self.https_proxy.as_ref().map(|_| "***"))
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

impl ProxyRules {
    /// No proxy at all.
    pub fn none() -> ProxyRules {
        ProxyRules::default()
    }

    /// The rules the variables of `environment` give (see the module docs).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidConfig`](crate::ErrorKind::InvalidConfig) when the proxy variable
    /// is not an `http://` or `https://` URL (the message names the variable, not its value,
    /// which may hold a password).
    pub fn from_environment(environment: &Environment) -> Result<ProxyRules> {
        let first = |names: &[&'static str]| {
            names.iter().find_map(|name| {
                environment
                    .var(name)
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| (*name, v))
            })
        };
        let https_proxy = match first(&["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]) {
            None => None,
            Some((name, value)) => {
                let value = value.trim().to_owned();
                let lower = value.to_ascii_lowercase();
                let host_given = lower
                    .split_once("://")
                    .is_some_and(|(_, rest)| !rest.is_empty());
                if !(lower.starts_with("http://") || lower.starts_with("https://")) || !host_given {
                    return Err(Error::invalid_config(format!(
                        "{name} is not an http:// or https:// proxy URL"
                    )));
                }
                Some(value)
            }
        };
        let no_proxy = first(&["NO_PROXY", "no_proxy"])
            .map(|(_, v)| {
                v.split(',')
                    .map(|entry| normalize_host(entry.trim()))
                    .filter(|entry| !entry.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        Ok(ProxyRules {
            https_proxy,
            no_proxy,
        })
    }

    /// The proxy URL for a request to `scheme://host`, or `None` to connect directly.
    pub fn proxy_for(&self, scheme: &str, host: &str) -> Option<&str> {
        let proxy = self.https_proxy.as_deref()?;
        if !scheme.eq_ignore_ascii_case("https") {
            return None;
        }
        let host = normalize_host(host);
        if is_loopback(&host) || self.exempt(&host) {
            return None;
        }
        Some(proxy)
    }

    fn exempt(&self, host: &str) -> bool {
        self.no_proxy.iter().any(|entry| {
            if entry == "*" {
                return true;
            }
            let domain = entry.trim_start_matches('.');
            host == domain
                || host
                    .strip_suffix(domain)
                    .is_some_and(|prefix| prefix.ends_with('.'))
        })
    }
}

/// Lower case, without brackets around IPv6 addresses, without a port.
fn normalize_host(host: &str) -> String {
    let host = host.to_ascii_lowercase();
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or_default().to_owned();
    }
    match host.rsplit_once(':') {
        // One colon: a port. More: a bare IPv6 address.
        Some((name, port)) if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            name.to_owned()
        }
        _ => host,
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(vars: &[(&str, &str)]) -> Result<ProxyRules> {
        ProxyRules::from_environment(&Environment::from_vars(vars.iter().copied()))
    }

    #[test]
    fn plain_http_and_loopback_never_go_through_a_proxy() {
        let r = rules(&[
            ("HTTP_PROXY", "http://proxy.example:3128"),
            ("HTTPS_PROXY", "http://proxy.example:3128"),
            ("ALL_PROXY", "http://other.example:1"),
        ])
        .unwrap();
        assert_eq!(r.proxy_for("http", "127.0.0.1"), None);
        assert_eq!(r.proxy_for("http", "db.example.com"), None);
        assert_eq!(r.proxy_for("https", "localhost"), None);
        assert_eq!(r.proxy_for("https", "[::1]"), None);
        assert_eq!(r.proxy_for("https", "127.0.0.2:8443"), None);
        assert_eq!(
            r.proxy_for("https", "mongodb.tencentcloudapi.com"),
            Some("http://proxy.example:3128")
        );
    }

    #[test]
    fn all_proxy_is_the_fallback_and_no_proxy_exempts_hosts() {
        let r = rules(&[
            ("all_proxy", "https://p.example"),
            ("NO_PROXY", "internal.example, .corp.example,10.0.0.5:443"),
        ])
        .unwrap();
        assert_eq!(r.proxy_for("https", "a.example"), Some("https://p.example"));
        assert_eq!(r.proxy_for("https", "internal.example"), None);
        assert_eq!(r.proxy_for("https", "x.internal.example"), None);
        assert_eq!(
            r.proxy_for("https", "notinternal.example"),
            Some("https://p.example")
        );
        assert_eq!(r.proxy_for("https", "db.corp.example"), None);
        assert_eq!(r.proxy_for("https", "corp.example"), None);
        assert_eq!(r.proxy_for("https", "10.0.0.5"), None);
        let r = rules(&[("HTTPS_PROXY", "http://p.example"), ("no_proxy", "*")]).unwrap();
        assert_eq!(r.proxy_for("https", "a.example"), None);
    }

    #[test]
    fn a_bad_proxy_url_is_a_config_error_that_hides_the_value() {
        let e = rules(&[("HTTPS_PROXY", "socks5://user:hunter2@p.example")]).unwrap_err();
        assert!(e.to_string().contains("HTTPS_PROXY"), "{e}");
        assert!(!e.to_string().contains("hunter2"), "{e}");
        let r = rules(&[("HTTPS_PROXY", "http://user:hunter2@p.example")]).unwrap();
        assert!(!format!("{r:?}").contains("hunter2"));
        assert_eq!(rules(&[]).unwrap(), ProxyRules::none());
    }
}
