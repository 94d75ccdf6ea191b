//! Temporary credentials the emulator issued (CVM role, STS, ECS metadata, IAM federation):
//! accepted with their token until they expire, and counted per provider so that tests can
//! assert how many refreshes a client made (`GET /_emulator/credentials`).

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use cloud_transport::Secret;

use crate::config::AccessKey;
use crate::ids;

/// Which vendor's requests a key signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IssuedVendor {
    Tencent,
    Huawei,
}

/// The provider names issued credentials are counted under (the client's provider names).
pub const ISSUER_TENCENT_CVM_ROLE: &str = "tencent-cvm-role";
/// STS `AssumeRole`.
pub const ISSUER_TENCENT_ASSUME_ROLE: &str = "tencent-sts-assume-role";
/// STS `AssumeRoleWithWebIdentity`.
pub const ISSUER_TENCENT_WEB_IDENTITY: &str = "tencent-sts-web-identity";
/// ECS metadata `securitykey`.
pub const ISSUER_HUAWEI_ECS_METADATA: &str = "huawei-ecs-metadata";
/// IAM `OS-CREDENTIAL/securitytokens` after an id-token exchange.
pub const ISSUER_HUAWEI_FEDERATED: &str = "huawei-federated";

#[derive(Debug)]
struct IssuedKey {
    vendor: IssuedVendor,
    key: AccessKey,
    expires_at: i64,
}

/// The outcome of looking a key id up.
pub(crate) enum Lookup<'a> {
    /// A configured key is lent (every request looks one up); an issued one is copied out of
    /// its lock.
    Valid(std::borrow::Cow<'a, AccessKey>),
    Expired,
    Unknown,
}

/// A set of temporary credentials, as handed out.
pub(crate) struct Issue {
    pub id: String,
    pub secret: Secret,
    pub token: Secret,
    pub expires_at: i64,
}

/// Every issued key and the count per provider.
#[derive(Debug, Default)]
pub(crate) struct Issued {
    keys: Mutex<HashMap<String, IssuedKey>>,
    counts: Mutex<BTreeMap<String, u64>>,
}

impl Issued {
    /// Issues a key for `vendor` at `now` (the emulator's clock) living `ttl` seconds, counted
    /// under `provider`.
    pub(crate) fn issue(&self, provider: &str, vendor: IssuedVendor, now: i64, ttl: i64) -> Issue {
        let hex = ids::hex32().to_ascii_uppercase();
        let id = match vendor {
            // Tencent temporary SecretIds are 36 characters starting AKID; Huawei AKs are 20.
            IssuedVendor::Tencent => format!("AKIDTMP{}", &hex[..29]),
            IssuedVendor::Huawei => format!("TMP{}", &hex[..17]),
        };
        let secret = Secret::new(ids::hex32());
        let token = Secret::new(format!("{}{}", ids::iam_token(), ids::hex32()));
        let expires_at = now.saturating_add(ttl);
        let mut keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        // Forget long-expired keys so a long-running emulator does not grow without bound
        // (recently expired ones stay, so that their use is answered as expired).
        keys.retain(|_, k| k.expires_at > now - 3600);
        keys.insert(
            id.clone(),
            IssuedKey {
                vendor,
                key: AccessKey::temporary(id.clone(), secret.expose(), token.expose()),
                expires_at,
            },
        );
        drop(keys);
        *self
            .counts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(provider.to_owned())
            .or_default() += 1;
        Issue {
            id,
            secret,
            token,
            expires_at,
        }
    }

    /// The key `id` of `vendor` at `now`.
    pub(crate) fn lookup(&self, vendor: IssuedVendor, id: &str, now: i64) -> Lookup<'static> {
        let keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        match keys.get(id) {
            Some(k) if k.vendor == vendor && k.expires_at > now => {
                Lookup::Valid(std::borrow::Cow::Owned(k.key.clone()))
            }
            Some(k) if k.vendor == vendor => Lookup::Expired,
            _ => Lookup::Unknown,
        }
    }

    /// How many credentials each provider issued.
    pub(crate) fn counts(&self) -> BTreeMap<String, u64> {
        self.counts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}
