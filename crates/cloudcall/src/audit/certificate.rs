//! A CA certificate's expiry, downloaded from the link the API returned and read with
//! `x509-parser`.
//!
//! The download goes to that URL only: redirects are not followed (an API's link answers
//! directly; following one could go anywhere), the scheme must be `http` or `https`, proxies
//! follow the transport's rules, and the whole exchange has a deadline. An answer that is an
//! HTML page (a login portal, an error page) or bytes that are no certificate is an error that
//! says so.

use std::time::Duration;

use cloud_transport::http::{HttpClient, HttpRequest};

/// How long one download may take.
pub const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(15);

/// The largest certificate file read; CA bundles are a few KiB.
const MAX_CERTIFICATE_BYTES: usize = 1 << 20;

/// Downloads the certificate at `url` and returns its `notAfter` (Unix seconds).
pub async fn expiry_of(http: &dyn HttpClient, url: &str) -> Result<i64, String> {
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    if !scheme_ok {
        return Err(format!(
            "the certificate link `{url}` is not an http(s) URL; not downloaded"
        ));
    }
    let request = HttpRequest {
        method: "GET".into(),
        url: url.to_owned(),
        headers: vec![(
            "User-Agent".into(),
            concat!("cloudcall/", env!("CARGO_PKG_VERSION"), " audit").into(),
        )],
        body: Vec::new(),
        timeout: Some(DOWNLOAD_TIMEOUT),
    };
    let response = tokio::time::timeout(DOWNLOAD_TIMEOUT, http.send(request))
        .await
        .map_err(|_| format!("downloading the certificate timed out after {DOWNLOAD_TIMEOUT:?}"))?
        .map_err(|e| format!("cannot download the certificate: {e}"))?;
    if (300..400).contains(&response.status) {
        return Err(format!(
            "the certificate link answered HTTP {} (a redirect to {}), not followed",
            response.status,
            response.header("location").unwrap_or("?")
        ));
    }
    if response.status != 200 {
        return Err(format!(
            "the certificate link answered HTTP {}",
            response.status
        ));
    }
    if response.body.len() > MAX_CERTIFICATE_BYTES {
        return Err(format!(
            "the certificate link answered {} bytes; a certificate is a few KiB",
            response.body.len()
        ));
    }
    let content_type = response.header("content-type").unwrap_or("").to_owned();
    parse_expiry(&response.body, &content_type)
}

/// The `notAfter` of the first certificate in `body` (PEM or DER).
pub fn parse_expiry(body: &[u8], content_type: &str) -> Result<i64, String> {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&body[..0], |i| &body[i..]);
    if content_type.to_ascii_lowercase().contains("html")
        || start.starts_with(b"<")
        || start.starts_with(b"<!")
    {
        return Err(format!(
            "the certificate link answered an HTML page ({}), not a certificate",
            if content_type.is_empty() {
                "no content type"
            } else {
                content_type
            }
        ));
    }
    if start.starts_with(b"PK\x03\x04") {
        return Err("the certificate link answered a ZIP archive, not a certificate".into());
    }
    let not_after = if start.starts_with(b"-----BEGIN") {
        let (_, pem) = x509_parser::pem::parse_x509_pem(start)
            .map_err(|e| format!("the certificate is not valid PEM: {e}"))?;
        let cert = pem
            .parse_x509()
            .map_err(|e| format!("the certificate does not parse as X.509: {e}"))?;
        cert.validity().not_after.timestamp()
    } else {
        let (_, cert) = x509_parser::parse_x509_certificate(start)
            .map_err(|e| format!("the answer is neither a PEM nor a DER certificate: {e}"))?;
        cert.validity().not_after.timestamp()
    };
    Ok(not_after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_zip_and_garbage_are_named() {
        let html = parse_expiry(b"  <!DOCTYPE html><html></html>", "").unwrap_err();
        assert!(html.contains("HTML page"), "{html}");
        let typed = parse_expiry(b"hello", "text/html; charset=utf-8").unwrap_err();
        assert!(typed.contains("text/html"), "{typed}");
        let zip = parse_expiry(b"PK\x03\x04rest", "application/zip").unwrap_err();
        assert!(zip.contains("ZIP"), "{zip}");
        let garbage = parse_expiry(
            b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n",
            "",
        )
        .unwrap_err();
        assert!(garbage.contains("X.509"), "{garbage}");
        assert!(parse_expiry(b"\x00\x01", "").is_err());
    }
}
