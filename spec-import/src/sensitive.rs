//! Which imported members hold secrets ([`cloud_spec::Member::sensitive`]).
//!
//! No source says so: the Tencent definitions have no such notion, and the Huawei SDK's
//! `sensitive_list`s are empty in every model of the pinned version (they are still honoured,
//! [`mark_listed`]). So the importers decide from the member's wire name, by one rule
//! ([`is_secret_name`]), and an overlay corrects it where a name misleads (`sensitive: false` on
//! a member the rule marks, `sensitive: true` on one it misses).
//!
//! # The rule
//!
//! The wire name is split into words as Rust field names are (`MongoUserPassword` → `mongo`,
//! `user`, `password`; `new_password`; `X-Auth-Token`). What a member holds is named by its
//! *last* word, so only that word decides:
//!
//! - `password`, `passwd`, `pwd`, `passphrase`, `secret`, `credential` (and plurals), `sk` (the
//!   Huawei secret key): a secret (`Password`, `AdminPassword`, `NewPassword`, `user_pwd`,
//!   `ClientSecret`). Names that only mention one are not: `PasswordUpdateTime`,
//!   `PasswordEncrypt` (a flag), `SecretId` (Tencent's public key id), `KeyId`.
//! - `token`: a secret (`AuthToken`, `SessionToken`, `Token`), unless the word before it makes it
//!   a request marker: `ClientToken` and `IdempotencyToken` (idempotency), `NextToken`,
//!   `PageToken` and `ContinuationToken` (paging).
//! - `key`: a secret only when an earlier word says it is key material: `PrivateKey`,
//!   `SecretKey`, `DecryptionKey`, `EncryptionKey`, `SigningKey`, `ApiKey`. Plain `Key` is a tag or
//!   parameter name, `KeyId`/`KMSKeyId` an identifier, `AccessKey` the public half of AK/SK.
//!
//! And only members that can hold text are marked: `string`, `json`, and lists and maps of them
//! (a structure is not a secret; its secret members are). Download URLs are not marked: the
//! presigned ones grant access for a while, but they are what users print to fetch a backup or
//! a certificate; an overlay can mark one.

use cloud_spec::{Member, Service};
use indexmap::IndexMap;

use codegen::names;
use codegen::validate::can_hold_secret;

/// Last words that name a secret whatever comes before them.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwords",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "secrets",
    "credential",
    "credentials",
    "sk",
];

/// Words before `token` that make it a request marker, not a credential.
const MARKER_TOKEN_QUALIFIERS: &[&str] = &["client", "idempotency", "next", "page", "continuation"];

/// Words before `key` that make it key material, not a name or an identifier.
const KEY_MATERIAL_QUALIFIERS: &[&str] = &[
    "private",
    "secret",
    "decryption",
    "encryption",
    "signing",
    "api",
];

/// Whether the wire name names a secret, by the rule in the [module docs](self).
pub fn is_secret_name(wire: &str) -> bool {
    let snake = names::snake_case(wire);
    let words: Vec<&str> = snake.split('_').filter(|w| !w.is_empty()).collect();
    let Some((last, before)) = words.split_last() else {
        return false;
    };
    match *last {
        "token" | "tokens" => before
            .last()
            .is_none_or(|w| !MARKER_TOKEN_QUALIFIERS.contains(w)),
        "key" | "keys" => before.iter().any(|w| KEY_MATERIAL_QUALIFIERS.contains(w)),
        word => SECRET_WORDS.contains(&word),
    }
}

fn marks(member: &Member) -> bool {
    can_hold_secret(&member.ty)
}

/// Sets `sensitive` on every member of the service whose name and type the rule marks. Never
/// clears it: a flag set by the source ([`mark_listed`]) stays.
pub fn mark_by_name(service: &mut Service) {
    let mark = |members: &mut IndexMap<String, Member>| {
        for (wire, member) in members.iter_mut() {
            if is_secret_name(wire) && marks(member) {
                member.sensitive = true;
            }
        }
    };
    for op in service.operations.values_mut() {
        mark(&mut op.input);
        mark(&mut op.output);
    }
    for shape in service.shapes.values_mut() {
        if let Some(members) = &mut shape.members {
            mark(members);
        }
    }
}

/// Sets `sensitive` on the members a source lists as sensitive, as `Operation.member` (its
/// request and response members of that name) or `Shape.member`; members that cannot hold text
/// are left alone. Entries that match nothing are ignored: the list is the SDK's, not curated.
pub fn mark_listed(service: &mut Service, listed: &[String]) {
    for entry in listed {
        let Some((owner, wire)) = entry.split_once('.') else {
            continue;
        };
        let mut members: Vec<&mut Member> = Vec::new();
        if let Some(op) = service.operations.get_mut(owner) {
            members.extend(op.input.get_mut(wire));
            members.extend(op.output.get_mut(wire));
        }
        if let Some(shape_members) = service
            .shapes
            .get_mut(owner)
            .and_then(|s| s.members.as_mut())
        {
            members.extend(shape_members.get_mut(wire));
        }
        for member in members {
            if marks(member) {
                member.sensitive = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_named_by_the_last_word() {
        for secret in [
            "Password",
            "password",
            "NewPassword",
            "AdminPassword",
            "MongoUserPassword",
            "new_password",
            "user_pwd",
            "Passwd",
            "ClientSecret",
            "SecretAccessKey",
            "sk",
            "Credentials",
            "Token",
            "X-Auth-Token",
            "SessionToken",
            "security_token",
            "DecryptionKey",
            "PrivateKey",
            "private_key",
            "SecretKey",
            "EncryptionKey",
            "ApiKeys",
        ] {
            assert!(is_secret_name(secret), "{secret} is a secret");
        }
    }

    #[test]
    fn names_that_only_mention_a_secret_are_not_secrets() {
        for plain in [
            "PasswordUpdateTime",
            "ModifyPasswordTime",
            "ConsolePassUpdateTime",
            "PasswordEncrypt",
            "SecretId",
            "KeyId",
            "KMSKeyId",
            "KeyRegion",
            "Key",
            "key",
            "TagKey",
            "AccessKey",
            "key_prefix",
            "Keys",
            "ClientToken",
            "NextToken",
            "page_token",
            "CertUrl",
            "DEKCipherTextBlob",
            "",
        ] {
            assert!(!is_secret_name(plain), "{plain} is not a secret");
        }
    }

    #[test]
    fn only_text_can_hold_a_secret() {
        for (ty, text) in [
            ("string", true),
            ("json", true),
            ("list<string>", true),
            ("map<list<string>>", true),
            ("boolean", false),
            ("int64", false),
            ("timestamp", false),
            ("list<EncryptionKey>", false),
        ] {
            let parsed = cloud_spec::TypeExpr::parse(ty).unwrap();
            assert_eq!(can_hold_secret(&parsed), text, "{ty}");
        }
    }

    fn service_with(members: serde_json::Value) -> Service {
        serde_json::from_value(serde_json::json!({
            "vendor": "tencent",
            "name": "demo",
            "service": "demo",
            "title": "Demo",
            "version": "2020-01-01",
            "endpoint": {"regional": "demo.{region}.tencentcloudapi.com"},
            "operations": {"CreateUser": {"docs": "Creates a user.", "input": members}},
            "shapes": {"Login": {"members": {"Password": {"type": "string"}}}},
        }))
        .unwrap()
    }

    #[test]
    fn marks_text_members_by_name_and_the_ones_a_source_lists() {
        let mut service = service_with(serde_json::json!({
            "Password": {"type": "string"},
            "PasswordIsSet": {"type": "boolean"},
            "Tokens": {"type": "list<string>"},
            "Credential": {"type": "Login"},
            "Note": {"type": "string"},
            "Hint": {"type": "string"},
        }));
        mark_by_name(&mut service);
        mark_listed(
            &mut service,
            &["CreateUser.Hint".to_owned(), "Gone.X".to_owned()],
        );
        let input = &service.operations["CreateUser"].input;
        let marked: Vec<&str> = input
            .iter()
            .filter(|(_, m)| m.sensitive)
            .map(|(k, _)| k.as_str())
            .collect();
        // `Credential` is a structure: its own members are marked instead.
        assert_eq!(marked, ["Password", "Tokens", "Hint"]);
        let login = service.shapes["Login"].members.as_ref().unwrap();
        assert!(login["Password"].sensitive);
    }
}
