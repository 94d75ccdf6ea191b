//! The members the transport fills in itself, so that no one else asks a user for them: the
//! generator emits no field, the CLI no flag, the validator refuses them as spec members, the
//! importer drops them from the vendor's pages and the emulator does not require them in a body.
//!
//! One list, here: before it lived in five places (generator, validator, importer, CLI and
//! emulator), and the copies disagreed about `Host`, `X-Project-Id` and `X-Security-Token`.

use crate::{Location, Member, Vendor};

/// Request headers the transport writes (authentication, signing, framing), lower-case.
pub const TRANSPORT_HEADERS: &[&str] = &[
    "authorization",
    "content-type",
    "host",
    "x-auth-token",
    "x-project-id",
    "x-sdk-date",
    "x-security-token",
];

/// Whether the transport writes the header `name` itself (any case).
pub fn is_transport_header(name: &str) -> bool {
    TRANSPORT_HEADERS
        .iter()
        .any(|h| h.eq_ignore_ascii_case(name))
}

/// Whether `member` (named `wire`) is a header the transport writes itself.
pub fn is_transport_header_member(wire: &str, member: &Member) -> bool {
    member.location == Some(Location::Header) && is_transport_header(wire)
}

/// Whether the transport provides the input member `wire` of a `vendor` operation, so that the
/// typed request has no field for it: the headers above, and Huawei's `{project_id}` path
/// parameter (from the configuration or an IAM lookup).
pub fn is_transport_member(vendor: Vendor, wire: &str, member: &Member) -> bool {
    is_transport_header_member(wire, member)
        || (vendor == Vendor::Huawei
            && member.location == Some(Location::Path)
            && wire == "project_id")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(location: Option<Location>) -> Member {
        Member {
            location,
            ..Member::new(crate::TypeExpr::String)
        }
    }

    #[test]
    fn headers_match_in_any_case_and_only_as_headers() {
        assert!(is_transport_header("X-Auth-Token"));
        assert!(is_transport_header("authorization"));
        assert!(!is_transport_header("X-Language"));
        let header = member(Some(Location::Header));
        let query = member(Some(Location::Query));
        assert!(is_transport_header_member("X-Sdk-Date", &header));
        assert!(!is_transport_header_member("X-Sdk-Date", &query));
    }

    #[test]
    fn the_project_id_path_parameter_is_provided_for_huawei_only() {
        let path = member(Some(Location::Path));
        assert!(is_transport_member(Vendor::Huawei, "project_id", &path));
        assert!(!is_transport_member(Vendor::Tencent, "project_id", &path));
        assert!(!is_transport_member(Vendor::Huawei, "instance_id", &path));
    }
}
