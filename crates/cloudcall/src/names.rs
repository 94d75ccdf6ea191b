//! Command-line names of operations and members: the vendor's names in kebab case.
//!
//! Tencent names are PascalCase with upper-case acronyms (`DescribeInstanceSSL`, `DBInstanceId`),
//! Huawei names snake_case (`ssl_option`) or header names (`X-Language`). heck splits an acronym
//! from the word after it (`SSLEnabled` → `ssl-enabled`), which is what users type.

use heck::ToKebabCase;

/// The CLI name of an operation or member: `DescribeInstanceSSL` → `describe-instance-ssl`,
/// `DBInstanceId` → `db-instance-id`, `ssl_option` → `ssl-option`.
pub fn cli_name(vendor_name: &str) -> String {
    vendor_name.to_kebab_case()
}

#[cfg(test)]
mod tests {
    use super::cli_name;

    #[test]
    fn operation_names_match_the_documented_cli_names() {
        for (vendor, cli) in [
            ("DescribeInstanceSSL", "describe-instance-ssl"),
            ("InstanceEnableSSL", "instance-enable-ssl"),
            ("DescribeSSLStatus", "describe-ssl-status"),
            ("OpenSSL", "open-ssl"),
            ("CloseSSL", "close-ssl"),
            ("ModifyDBInstanceSSLConfig", "modify-db-instance-ssl-config"),
            (
                "DescribeDBInstanceSSLConfig",
                "describe-db-instance-ssl-config",
            ),
            (
                "ListSslCertDownloadAddresses",
                "list-ssl-cert-download-addresses",
            ),
            ("SwitchSsl", "switch-ssl"),
        ] {
            assert_eq!(cli_name(vendor), cli, "{vendor}");
        }
    }

    #[test]
    fn member_names_match_the_documented_flags() {
        for (wire, flag) in [
            ("InstanceId", "instance-id"),
            ("Enable", "enable"),
            ("RoGroupId", "ro-group-id"),
            ("DBInstanceId", "db-instance-id"),
            ("SSLEnabled", "ssl-enabled"),
            ("ConnectAddress", "connect-address"),
            ("ssl_option", "ssl-option"),
            ("instance_id", "instance-id"),
            ("X-Language", "x-language"),
            ("CAUrl", "ca-url"),
        ] {
            assert_eq!(cli_name(wire), flag, "{wire}");
        }
    }
}
