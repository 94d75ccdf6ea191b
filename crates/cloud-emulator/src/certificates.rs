//! Test CA certificates behind the download links.
//!
//! Where a service's spec says which operation links to an instance's CA certificate
//! (`resource.ssl`), the emulator's answer links to itself instead of the documented example's
//! host: `GET /_emulator/certs/<service>/<instance-id>` serves a real, freshly generated,
//! self-signed X.509 CA certificate (PEM) that expires when the instance's seed says
//! (`certificate.not_after` or `certificate.expires_in_days`; one year after the emulator
//! started by default). Where the spec says the answer states the expiry too (mongodb
//! `ExpiredTime`), the answer states that same time. A seed can make the link answer an HTML page
//! or a certificate that does not parse instead, to test clients against both.
//!
//! A seed that sets the link member itself (`outputs`) keeps its value: that is how a test
//! points a link at an unreachable address.

use cloud_transport::json_path::set_path;
use std::collections::HashMap;
use std::sync::Mutex;

use cloud_spec::ResourceSsl;
use cloud_transport::json_path::value_at;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::config::Settings;

/// Where the certificates are served.
pub(crate) const PATH_PREFIX: &str = "/_emulator/certs/";

/// How long a default certificate lives, from the emulator's start.
pub(crate) const DEFAULT_LIFETIME_DAYS: i64 = 365;

/// An instance's test certificate, as its seed describes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedCertificate {
    /// When the certificate expires, RFC 3339 (`2027-01-31T00:00:00Z`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<String>,
    /// Or: this many days after the emulator starts (negative: already expired).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_days: Option<i64>,
    /// What the download link answers.
    #[serde(default)]
    pub serve: CertificateForm,
}

/// What a certificate download link answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CertificateForm {
    /// A real PEM certificate.
    #[default]
    Pem,
    /// An HTML page with status 200, as a login portal or a CDN error page would.
    Html,
    /// PEM armour around bytes that are not a certificate.
    Garbage,
}

/// An instance's certificate: when it expires (Unix seconds) and what its link answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TestCertificate {
    pub not_after: i64,
    pub form: CertificateForm,
}

impl SeedCertificate {
    /// The certificate this seed describes, for an emulator started at `started` (Unix seconds).
    pub(crate) fn resolve(&self, started: i64) -> Result<TestCertificate, String> {
        let not_after = match (&self.not_after, self.expires_in_days) {
            (Some(_), Some(_)) => {
                return Err("give `not_after` or `expires_in_days`, not both".into());
            }
            (Some(text), None) => cloud_transport::codec::Timestamp::new(text.clone())
                .to_system_time()
                .map_err(|e| format!("`not_after` `{text}`: {e}"))
                .map(|t| match t.duration_since(std::time::UNIX_EPOCH) {
                    Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                    Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
                })?,
            (None, days) => started.saturating_add(
                days.unwrap_or(DEFAULT_LIFETIME_DAYS)
                    .clamp(-36_500, 36_500)
                    .saturating_mul(86_400),
            ),
        };
        Ok(TestCertificate {
            not_after,
            form: self.serve,
        })
    }
}

/// Generated PEM texts, by service, instance and expiry: a key pair is made once per
/// certificate, not per download.
#[derive(Debug, Default)]
pub(crate) struct CertificateCache {
    pems: Mutex<HashMap<(String, String, i64), String>>,
}

impl CertificateCache {
    /// The PEM of `service`'s instance `id` expiring at `not_after`, made once.
    pub(crate) fn pem(&self, service: &str, id: &str, not_after: i64) -> Result<String, String> {
        let key = (service.to_owned(), id.to_owned(), not_after);
        let cached = self
            .pems
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
            .cloned();
        if let Some(pem) = cached {
            return Ok(pem);
        }
        let pem = generate(service, id, not_after)?;
        self.pems
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key, pem.clone());
        Ok(pem)
    }
}

/// The instance an answer is about, as far as its certificate goes.
pub(crate) struct AboutInstance<'a> {
    /// The service's key (`tencent-mongodb`).
    pub service: &'a str,
    /// The instance id.
    pub id: &'a str,
    /// What the instance's seed sets in this operation's answer.
    pub seeded: Option<&'a Map<String, Value>>,
    /// The instance's test certificate, if its seed describes one.
    pub certificate: Option<TestCertificate>,
}

/// Lays the certificate link (and its expiry, where the answer states one) over an answer of
/// `ssl.certificate` about an instance. A link the answer leaves empty (SSL off) stays empty,
/// and a member the instance's seed sets keeps the seed's value.
pub(crate) fn show_in_answer(
    ssl: &ResourceSsl,
    operation: &str,
    settings: &Settings,
    about: AboutInstance<'_>,
    out: &mut Value,
) {
    let AboutInstance {
        service,
        id,
        seeded,
        certificate,
    } = about;
    let (base_url, default_not_after) =
        (&settings.base_url, settings.default_certificate_not_after);
    if ssl.certificate != operation {
        return;
    }
    let seeded_sets = |path: &str| seeded.is_some_and(|o| o.contains_key(path));
    let has_link = value_at(out, &ssl.link)
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty());
    if has_link && !seeded_sets(&ssl.link) {
        let link = format!("{base_url}{PATH_PREFIX}{service}/{id}");
        set_path(out, &ssl.link, Value::String(link));
    }
    if let Some(expires) = &ssl.expires {
        if has_link && !seeded_sets(expires) {
            let not_after = certificate.map_or(default_not_after, |c| c.not_after);
            set_path(out, expires, Value::String(beijing_time(not_after)));
        }
    }
}

/// `YYYY-MM-DD HH:MM:SS` in UTC+08:00, the form Tencent writes times in (and the offset
/// `cloud_transport::codec::Timestamp` assumes for such text).
fn beijing_time(unix: i64) -> String {
    let offset = i64::from(cloud_transport::codec::ASSUMED_UTC_OFFSET_SECONDS);
    match time::OffsetDateTime::from_unix_timestamp(unix.saturating_add(offset)) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        Err(_) => "9999-12-31 23:59:59".to_owned(),
    }
}

/// A self-signed CA certificate for `id`, valid from a year before `not_after` (or now, if
/// earlier) until `not_after`.
fn generate(service: &str, id: &str, not_after: i64) -> Result<String, String> {
    let end = time::OffsetDateTime::from_unix_timestamp(not_after).map_err(|e| e.to_string())?;
    let now = time::OffsetDateTime::now_utc();
    let start = end.min(now) - time::Duration::days(365);
    // The docs' example ids hold quotes and the like: the DNS name keeps what a label may hold.
    let label: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let label = if label.is_empty() {
        "instance".to_owned()
    } else {
        label
    };
    let mut params =
        rcgen::CertificateParams::new(vec![format!("{label}.{service}.emulator.invalid")])
            .map_err(|e| e.to_string())?;
    params.not_before = start;
    params.not_after = end;
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.distinguished_name.push(
        rcgen::DnType::CommonName,
        format!("cloudcall emulator test CA for {service} {id}"),
    );
    let key = rcgen::KeyPair::generate().map_err(|e| e.to_string())?;
    let cert = params.self_signed(&key).map_err(|e| e.to_string())?;
    Ok(cert.pem())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_resolve_to_an_expiry() {
        let started = 1_800_000_000;
        let days = SeedCertificate {
            expires_in_days: Some(-3),
            ..Default::default()
        };
        assert_eq!(
            days.resolve(started).unwrap().not_after,
            started - 3 * 86_400
        );
        let date = SeedCertificate {
            not_after: Some("2027-01-31T00:00:00Z".into()),
            serve: CertificateForm::Html,
            ..Default::default()
        };
        let resolved = date.resolve(started).unwrap();
        assert_eq!(resolved.not_after, 1_801_353_600);
        assert_eq!(resolved.form, CertificateForm::Html);
        assert_eq!(
            SeedCertificate::default()
                .resolve(started)
                .unwrap()
                .not_after,
            started + 365 * 86_400
        );
        let both = SeedCertificate {
            not_after: Some("2027-01-31T00:00:00Z".into()),
            expires_in_days: Some(1),
            ..Default::default()
        };
        assert!(both.resolve(started).is_err());
    }

    #[test]
    fn times_are_written_in_beijing_time() {
        assert_eq!(beijing_time(1_801_353_600), "2027-01-31 08:00:00");
    }

    #[test]
    fn a_generated_certificate_is_pem() {
        let pem = generate("tencent-cdb", "cdb-1", 1_801_353_600).unwrap();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
        // Ids from the docs' examples, quotes included.
        assert!(generate("tencent-postgres", "\u{201d}postgres-xxx\"", 1_801_353_600).is_ok());
    }
}
