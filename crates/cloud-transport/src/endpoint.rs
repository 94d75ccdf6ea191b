//! Where requests go: the host from a service's [`EndpointRules`] and the region, or an
//! endpoint override checked for safety.

use std::fmt;
use std::net::IpAddr;

use crate::{EndpointRules, Error, Result};

impl EndpointRules {
    /// Checks that a call that needs a region has one, before anything is sent.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidConfig`](crate::ErrorKind::InvalidConfig) naming the service and
    /// the environment variable that gives a region.
    #[cfg(any(feature = "tencent", feature = "huawei"))]
    pub(crate) fn check_region_given(
        &self,
        region: Option<&str>,
        service: &str,
        region_variable: &str,
    ) -> Result<()> {
        if self.region_required && region.is_none() {
            return Err(Error::invalid_config(format!(
                "{service} calls need a region: set one in the client configuration, or set \
                 {region_variable}"
            )));
        }
        Ok(())
    }

    /// The host for `region`, following the rules in this order:
    /// 1. a `region_overrides` entry for the region (Huawei `eu-west-101` is on `.myhuaweicloud.eu`);
    /// 2. with `international`, the international host when the service has one (its
    ///    `{region}` filled in); services without one have a single site and ignore the switch;
    /// 3. the regional template with `{region}` filled in;
    /// 4. without a region, the global host, or an error when the service needs a region.
    ///
    /// A region must look like one (`ap-guangzhou`, `cn-north-4`: ASCII letters, digits and
    /// `-`), since it becomes part of a host name.
    pub fn host_for(&self, region: Option<&str>, international: bool) -> Result<String> {
        let international = if international {
            self.international
        } else {
            None
        };
        let Some(region) = region else {
            return match (international, self.global) {
                (Some(host), _) if !host.contains("{region}") => Ok(host.to_owned()),
                (None, Some(host)) => Ok(host.to_owned()),
                _ => Err(Error::invalid_config(
                    "this service has no global endpoint: set a region",
                )),
            };
        };
        check_region(region)?;
        if let Some((_, host)) = self.region_overrides.iter().find(|(r, _)| *r == region) {
            return Ok((*host).to_owned());
        }
        let template = international.unwrap_or(self.regional);
        Ok(template.replace("{region}", region))
    }
}

/// Where a call of `service` goes: the configuration's endpoint override, else the service's
/// host for `region` (an error when the service needs a region and there is none;
/// `region_variable` names the variable that gives one).
#[cfg(any(feature = "tencent", feature = "huawei"))]
pub(crate) fn service_base(
    service: &crate::ServiceInfo,
    config: &crate::Config,
    region: Option<&str>,
    region_variable: &str,
) -> Result<BaseUrl> {
    service
        .endpoint
        .check_region_given(region, service.service, region_variable)?;
    match &config.endpoint {
        Some(base) => Ok(base.clone()),
        None => Ok(BaseUrl::https(
            service.endpoint.host_for(region, config.international)?,
        )),
    }
}

/// The region a call goes to: the configuration's, else the vendor's variable `var` (checked).
#[cfg(any(feature = "tencent", feature = "huawei"))]
pub(crate) fn configured_region(config: &crate::Config, var: &str) -> Result<Option<String>> {
    if let Some(region) = &config.region {
        return Ok(Some(region.clone()));
    }
    match config.environment.var(var) {
        Some(region) => {
            check_region(&region)?;
            Ok(Some(region))
        }
        None => Ok(None),
    }
}

/// Checks that a region can be part of a host name and a header.
pub(crate) fn check_region(region: &str) -> Result<()> {
    let ok = !region.is_empty()
        && region.len() <= 64
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !region.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_config(format!(
            "`{region}` is not a region name (expected something like `ap-guangzhou` or `cn-north-4`)"
        )))
    }
}

/// A base URL requests are sent to: scheme, host and port, no path.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct BaseUrl {
    https: bool,
    /// The host as written in a URL (`[::1]` for IPv6).
    host: String,
    /// The port when it is not the scheme's default.
    port: Option<u16>,
}

impl BaseUrl {
    /// `https://<host>`.
    #[cfg_attr(not(any(feature = "tencent", feature = "huawei")), allow(dead_code))]
    pub(crate) fn https(host: impl Into<String>) -> BaseUrl {
        BaseUrl {
            https: true,
            host: host.into(),
            port: None,
        }
    }

    /// Parses an endpoint given by the user: `https://host[:port]`, `http://127.0.0.1:port`, or a
    /// bare host (`mongodb.ap-guangzhou.tencentcloudapi.com`, taken as https). Plain http is
    /// refused unless the host is a loopback address (`127.0.0.0/8`, `::1`, `localhost`) or
    /// `allow_insecure_http` is set: it would send tokens in clear text.
    pub(crate) fn parse(endpoint: &str, allow_insecure_http: bool) -> Result<BaseUrl> {
        let bad = |why: &str| Error::invalid_config(format!("endpoint `{endpoint}`: {why}"));
        let text = endpoint.trim();
        if text.is_empty() {
            return Err(Error::invalid_config("the endpoint is empty"));
        }
        let with_scheme = if text.contains("://") {
            text.to_owned()
        } else {
            format!("https://{text}")
        };
        let url = reqwest::Url::parse(&with_scheme).map_err(|e| bad(&e.to_string()))?;
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            other => return Err(bad(&format!("scheme `{other}` is not http or https"))),
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("credentials in the URL are not supported"));
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(bad(
                "must be scheme, host and port only, without a path or query",
            ));
        }
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("has no host"))?
            .to_owned();
        let base = BaseUrl {
            https,
            host,
            port: url.port(),
        };
        if !https && !allow_insecure_http && !base.is_loopback() {
            return Err(bad(
                "plain http is only allowed to loopback addresses (127.0.0.0/8, ::1, localhost); \
                 use https, or opt in with allow_insecure_http(true)",
            ));
        }
        Ok(base)
    }

    /// Whether the host is a loopback address.
    pub(crate) fn is_loopback(&self) -> bool {
        if self.host.eq_ignore_ascii_case("localhost") {
            return true;
        }
        let bare = self.host.trim_start_matches('[').trim_end_matches(']');
        match bare.parse::<IpAddr>() {
            Ok(IpAddr::V4(v4)) => v4.is_loopback(),
            Ok(IpAddr::V6(v6)) => {
                v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
            }
            Err(_) => false,
        }
    }

    /// The host name without port.
    #[cfg_attr(not(feature = "huawei"), allow(dead_code))]
    pub(crate) fn host(&self) -> &str {
        &self.host
    }

    /// The `Host` header: the host, plus the port when it is not the default one.
    pub(crate) fn host_header(&self) -> String {
        match self.port {
            Some(port) => format!("{}:{port}", self.host),
            None => self.host.clone(),
        }
    }

    /// The URL of `path` (already percent-encoded) with `query` (already encoded, may be empty).
    pub(crate) fn url(&self, path: &str, query: &str) -> String {
        use std::fmt::Write as _;
        let scheme = if self.https { "https://" } else { "http://" };
        // Sized once: the URL is made for every call.
        let mut url = String::with_capacity(
            scheme.len() + self.host.len() + 6 + path.len() + 1 + query.len(),
        );
        url.push_str(scheme);
        url.push_str(&self.host);
        if let Some(port) = self.port {
            let _ = write!(url, ":{port}");
        }
        url.push_str(path);
        if !query.is_empty() {
            url.push('?');
            url.push_str(query);
        }
        url
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url("", ""))
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url("", ""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    const TENCENT: EndpointRules = EndpointRules {
        global: Some("mongodb.tencentcloudapi.com"),
        regional: "mongodb.{region}.tencentcloudapi.com",
        international: Some("mongodb.intl.tencentcloudapi.com"),
        region_overrides: &[],
        region_required: false,
    };

    const HUAWEI: EndpointRules = EndpointRules {
        global: None,
        regional: "gaussdb-nosql.{region}.myhuaweicloud.com",
        international: None,
        region_overrides: &[("eu-west-101", "gaussdb-nosql.eu-west-101.myhuaweicloud.eu")],
        region_required: false,
    };

    #[test]
    fn hosts_follow_the_rules() {
        assert_eq!(
            TENCENT.host_for(None, false).unwrap(),
            "mongodb.tencentcloudapi.com"
        );
        assert_eq!(
            TENCENT.host_for(Some("ap-guangzhou"), false).unwrap(),
            "mongodb.ap-guangzhou.tencentcloudapi.com"
        );
        assert_eq!(
            TENCENT.host_for(Some("ap-singapore"), true).unwrap(),
            "mongodb.intl.tencentcloudapi.com"
        );
        assert_eq!(
            TENCENT.host_for(None, true).unwrap(),
            "mongodb.intl.tencentcloudapi.com"
        );
        assert_eq!(
            HUAWEI.host_for(Some("cn-north-4"), false).unwrap(),
            "gaussdb-nosql.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(
            HUAWEI.host_for(Some("eu-west-101"), false).unwrap(),
            "gaussdb-nosql.eu-west-101.myhuaweicloud.eu"
        );
        // No separate international site: the switch changes nothing.
        assert_eq!(
            HUAWEI.host_for(Some("ap-southeast-1"), true).unwrap(),
            "gaussdb-nosql.ap-southeast-1.myhuaweicloud.com"
        );
        let e = HUAWEI.host_for(None, false).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidConfig);
        assert!(e.to_string().contains("set a region"), "{e}");
        for bad in ["", "cn north", "evil.com/x", "a@b", "-x"] {
            assert_eq!(
                HUAWEI.host_for(Some(bad), false).unwrap_err().kind(),
                ErrorKind::InvalidConfig,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn overrides_allow_http_only_to_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://localhost:9000/",
            "http://[::1]:8080",
            "https://example.com",
            "example.com:8443",
        ] {
            BaseUrl::parse(ok, false).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for refused in [
            "http://10.0.0.1:8080",
            "http://example.com",
            "http://[::2]:80",
        ] {
            let e = BaseUrl::parse(refused, false).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidConfig);
            assert!(e.to_string().contains("allow_insecure_http"), "{e}");
            BaseUrl::parse(refused, true).unwrap();
        }
        for bad in [
            "",
            "ftp://x",
            "https://x/path",
            "https://x?q=1",
            "https://u:p@x",
            "http://",
        ] {
            assert_eq!(
                BaseUrl::parse(bad, true).unwrap_err().kind(),
                ErrorKind::InvalidConfig,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn urls_and_host_headers() {
        let b = BaseUrl::parse("http://127.0.0.1:8080", false).unwrap();
        assert_eq!(b.host_header(), "127.0.0.1:8080");
        assert_eq!(b.url("/v3/x", "a=1"), "http://127.0.0.1:8080/v3/x?a=1");
        let b = BaseUrl::parse("https://example.com:443", false).unwrap();
        assert_eq!(b.host_header(), "example.com");
        let b = BaseUrl::parse("http://[::1]:81", false).unwrap();
        assert_eq!(b.host_header(), "[::1]:81");
        assert_eq!(BaseUrl::https("h").url("/", ""), "https://h/");
    }
}
