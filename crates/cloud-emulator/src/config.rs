//! What the emulator accepts (credentials, IAM users, projects) and its settings, with the demo
//! values of [`crate::demo_data`] as defaults. Secrets are kept in [`Secret`] so they never show
//! up in `Debug` output or logs.

use std::time::Duration;

use cloud_transport::Secret;
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::demo_data::{
    DEMO_HUAWEI_AK, DEMO_HUAWEI_SECURITY_TOKEN, DEMO_HUAWEI_SK, DEMO_HUAWEI_TEMP_AK,
    DEMO_HUAWEI_TEMP_SK, DEMO_IAM_DOMAIN, DEMO_IAM_PASSWORD, DEMO_IAM_USER, DEMO_TENCENT_SECRET_ID,
    DEMO_TENCENT_SECRET_KEY, DEMO_TENCENT_TEMP_SECRET_ID, DEMO_TENCENT_TEMP_SECRET_KEY,
    DEMO_TENCENT_TOKEN,
};

/// Default lifetime of the temporary credentials the emulator issues (STS's default 7200 s).
pub const DEFAULT_CREDENTIAL_TTL: Duration = Duration::from_secs(7200);

/// Default delay before an asynchronous change (a creation, an SSL switch, a deletion) shows.
pub const DEFAULT_ASYNC_DELAY: Duration = Duration::from_secs(1);
/// How long a request body may take to arrive once its headers have: a client that stops
/// sending (a chunked body that never ends, a `Content-Length` that is never reached) gets a
/// 408 and its connection is closed instead of holding it open for ever.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// The most connections the emulator keeps open at once; past it, the oldest connection that is
/// idle or still sending its request is closed to make room (see the crate README).
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;
/// Lifetime of IAM tokens, as on Huawei Cloud.
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(24 * 3600);
/// Tencent rejects `X-TC-Timestamp` further than this from the server clock.
pub const TENCENT_MAX_SKEW: Duration = Duration::from_secs(5 * 60);
/// Huawei rejects `X-Sdk-Date` further than this from the server clock.
pub const HUAWEI_MAX_SKEW: Duration = Duration::from_secs(15 * 60);
/// The largest clock offset accepted ([`EmulatorBuilder::clock_offset`](crate::EmulatorBuilder::clock_offset)),
/// either way: 100 years, enough to play a client whose clock was reset to 1970, small enough
/// that every date the emulator writes stays a four-digit year.
pub const MAX_CLOCK_OFFSET: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
/// The `Retry-After` of throttling answers (rate limit and the `throttle` fault), sent in whole
/// seconds. Neither vendor documents the header; the emulator sends it because its limits count
/// requests in a one-second window, so one second is when a retry can be admitted again.
pub const THROTTLE_RETRY_AFTER: Duration = Duration::from_secs(1);

/// An access key pair the emulator accepts: Tencent SecretId/SecretKey or Huawei AK/SK,
/// optionally temporary (then requests must carry the session token).
#[derive(Clone, Debug)]
pub struct AccessKey {
    /// SecretId / AK.
    pub id: String,
    /// SecretKey / SK.
    pub secret: Secret,
    /// For temporary credentials: the token requests must send (`X-TC-Token`, `X-Security-Token`).
    pub session_token: Option<Secret>,
}

impl AccessKey {
    /// Long-term credentials.
    pub fn new(id: impl Into<String>, secret: impl Into<String>) -> Self {
        AccessKey {
            id: id.into(),
            secret: Secret::new(secret),
            session_token: None,
        }
    }

    /// Temporary credentials: requests must also send `token`.
    pub fn temporary(
        id: impl Into<String>,
        secret: impl Into<String>,
        token: impl Into<String>,
    ) -> Self {
        AccessKey {
            session_token: Some(Secret::new(token)),
            ..AccessKey::new(id, secret)
        }
    }
}

/// An IAM user that may obtain tokens with `POST /v3/auth/tokens` (password identity).
#[derive(Clone, Debug)]
pub struct IamUser {
    /// User name.
    pub name: String,
    /// Password.
    pub password: Secret,
    /// Account (domain) name the user belongs to.
    pub domain: String,
}

impl IamUser {
    /// A user.
    pub fn new(
        name: impl Into<String>,
        password: impl Into<String>,
        domain: impl Into<String>,
    ) -> Self {
        IamUser {
            name: name.into(),
            password: Secret::new(password),
            domain: domain.into(),
        }
    }
}

/// A Huawei project: a region of the account. Its `name` is the region (`cn-north-4`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// Project id, as in `/v3/{project_id}/...` paths.
    pub id: String,
    /// Project name: the region id.
    pub name: String,
}

impl Project {
    /// A project.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Project {
            id: id.into(),
            name: name.into(),
        }
    }
}

/// Everything the emulator accepts, with the demo values as defaults.
#[derive(Clone, Debug)]
pub(crate) struct Accepted {
    pub tencent_keys: Vec<AccessKey>,
    pub huawei_keys: Vec<AccessKey>,
    pub iam_users: Vec<IamUser>,
}

impl Accepted {
    pub(crate) fn demo() -> Self {
        Accepted {
            tencent_keys: vec![
                AccessKey::new(DEMO_TENCENT_SECRET_ID, DEMO_TENCENT_SECRET_KEY),
                AccessKey::temporary(
                    DEMO_TENCENT_TEMP_SECRET_ID,
                    DEMO_TENCENT_TEMP_SECRET_KEY,
                    DEMO_TENCENT_TOKEN,
                ),
            ],
            huawei_keys: vec![
                AccessKey::new(DEMO_HUAWEI_AK, DEMO_HUAWEI_SK),
                AccessKey::temporary(
                    DEMO_HUAWEI_TEMP_AK,
                    DEMO_HUAWEI_TEMP_SK,
                    DEMO_HUAWEI_SECURITY_TOKEN,
                ),
            ],
            iam_users: vec![IamUser::new(
                DEMO_IAM_USER,
                DEMO_IAM_PASSWORD,
                DEMO_IAM_DOMAIN,
            )],
        }
    }

    pub(crate) fn tencent_key(&self, id: &str) -> Option<&AccessKey> {
        self.tencent_keys.iter().find(|k| k.id == id)
    }

    pub(crate) fn huawei_key(&self, id: &str) -> Option<&AccessKey> {
        self.huawei_keys.iter().find(|k| k.id == id)
    }
}

/// Settings fixed at start.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub accepted: Accepted,
    /// How long a request's body may take to arrive.
    pub body_read_timeout: Duration,
    /// The most connections open at once.
    pub max_connections: usize,
    pub async_delay: Duration,
    pub token_ttl: Duration,
    /// Lifetime of issued temporary credentials.
    pub credential_ttl: Duration,
    pub rate_limits: bool,
    pub domain_id: String,
    /// The emulator's notion of now (the system clock plus the configured offset).
    pub clock: Clock,
    /// `http://127.0.0.1:<port>`: certificate links point here.
    pub base_url: String,
    /// When the certificates of instances without a seeded one expire (Unix seconds).
    pub default_certificate_not_after: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_values_have_realistic_shapes() {
        assert_eq!(DEMO_TENCENT_SECRET_ID.len(), 36);
        assert_eq!(DEMO_TENCENT_TEMP_SECRET_ID.len(), 36);
        assert_eq!(DEMO_TENCENT_SECRET_KEY.len(), 32);
        assert_eq!(DEMO_TENCENT_TEMP_SECRET_KEY.len(), 32);
        assert_eq!(DEMO_HUAWEI_AK.len(), 20);
        assert_eq!(DEMO_HUAWEI_TEMP_AK.len(), 20);
        assert_eq!(DEMO_HUAWEI_SK.len(), 40);
        assert_eq!(DEMO_HUAWEI_TEMP_SK.len(), 40);
        let text = format!("{:?}", Accepted::demo());
        assert!(!text.contains(DEMO_TENCENT_SECRET_KEY) && !text.contains(DEMO_HUAWEI_SK));
        assert!(!text.contains(DEMO_IAM_PASSWORD) && !text.contains(DEMO_TENCENT_TOKEN));
    }
}
