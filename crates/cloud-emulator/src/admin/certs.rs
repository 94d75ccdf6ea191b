//! The admin endpoint behind the certificate links: `GET /_emulator/certs/<service>/<instance-id>`
//! answers with the instance's test certificate ([`crate::certificates`]) in the form its seed
//! asks for. Kept apart from the certificates themselves, which the answers of the spec's
//! certificate operation also use, so that those do not depend on the server.

use std::time::Instant;

use serde_json::json;

use crate::certificates::{CertificateForm, TestCertificate};
use crate::context::Shared;
use crate::reply::Reply;

/// `GET /_emulator/certs/<service>/<instance-id>`: the instance's certificate in the form its
/// seed asks for; 404 for an instance that does not exist (any more).
pub(crate) fn serve(shared: &Shared, rest: &str) -> Reply {
    let Some((service, id)) = rest.split_once('/') else {
        return not_found(rest);
    };
    // Ids from the docs' examples hold characters a client percent-encodes (`"cdb-1"`).
    let Some(id) = crate::wire::percent_decode(id, false) else {
        return not_found(rest);
    };
    let id = id.as_str();
    let Some(svc) = shared.catalog.service(service) else {
        return not_found(rest);
    };
    let certificate = {
        let mut state = shared.store.lock();
        match state.instance(&svc.key, id, None, None, Instant::now()) {
            Some(instance) => instance.certificate,
            None => return not_found(rest),
        }
    };
    let TestCertificate { not_after, form } = certificate.unwrap_or(TestCertificate {
        not_after: shared.settings.default_certificate_not_after,
        form: CertificateForm::Pem,
    });
    match form {
        CertificateForm::Html => text(
            200,
            "text/html; charset=utf-8",
            "<!DOCTYPE html><html><head><title>Sign in</title></head>\
             <body><p>Please sign in to download this file.</p></body></html>\n"
                .to_owned(),
        ),
        CertificateForm::Garbage => text(
            200,
            "application/x-pem-file",
            "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
                .to_owned(),
        ),
        CertificateForm::Pem => match shared.certificates.pem(&svc.key, id, not_after) {
            Ok(pem) => text(200, "application/x-pem-file", pem),
            Err(e) => Reply::json(
                500,
                &json!({"error": format!("cannot make the test certificate: {e}")}),
            ),
        },
    }
}

fn text(status: u16, content_type: &'static str, body: String) -> Reply {
    Reply::with_content_type(status, content_type, bytes::Bytes::from(body))
}

fn not_found(what: &str) -> Reply {
    Reply::json(
        404,
        &json!({"error": format!("no certificate at `{what}`")}),
    )
}
