//! Credentials and the default credentials chain.

use std::fmt;

/// A secret string (secret key, SK, token, password). Its `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The secret itself. Only signing code should call this.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(\"***\")")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// An access key pair: Tencent SecretId/SecretKey (+ Token), Huawei AK/SK (+ security token).
#[derive(Clone, Debug)]
pub struct Credentials {
    access_key_id: String,
    secret: Secret,
    session_token: Option<Secret>,
}

impl Credentials {
    /// Long-term credentials.
    pub fn new(access_key_id: impl Into<String>, secret: impl Into<String>) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            secret: Secret::new(secret),
            session_token: None,
        }
    }

    /// Adds the token of temporary credentials (Tencent `X-TC-Token`, Huawei `X-Security-Token`).
    pub fn with_session_token(mut self, token: impl Into<String>) -> Self {
        self.session_token = Some(Secret::new(token));
        self
    }

    /// SecretId / AK.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// SecretKey / SK.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// The temporary credentials' token.
    pub fn session_token(&self) -> Option<&Secret> {
        self.session_token.as_ref()
    }
}
