//! The emulator's IAM account: the projects it has and the `X-Auth-Token` tokens it issued,
//! read by the IAM endpoints (which issue tokens), the Huawei signature check (which accepts
//! them) and the federated-credential issuer. A leaf: it knows no request or reply.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::config::Project;
use crate::ids;

/// A token the emulator issued.
#[derive(Debug, Clone)]
pub(crate) struct IssuedToken {
    pub project: Option<Project>,
    expires_at: i64,
}

/// Issued tokens and the account's projects.
#[derive(Debug)]
pub(crate) struct Iam {
    tokens: Mutex<HashMap<String, IssuedToken>>,
    projects: Vec<Project>,
}

impl Iam {
    pub(crate) fn new(projects: Vec<Project>) -> Self {
        Iam {
            tokens: Mutex::new(HashMap::new()),
            projects,
        }
    }

    /// A valid token: issued, and unexpired at `now` (the emulator's clock).
    pub(crate) fn token(&self, token: &str, now: i64) -> Option<IssuedToken> {
        let tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        tokens.get(token).filter(|t| t.expires_at > now).cloned()
    }

    pub(crate) fn project_by_id(&self, id: &str) -> Option<&Project> {
        self.projects.iter().find(|p| p.id == id)
    }

    pub(crate) fn projects(&self) -> &[Project] {
        &self.projects
    }

    /// Issues an unscoped token (federated identity) at `now` living `ttl_secs`.
    pub(crate) fn issue_unscoped(&self, now: i64, ttl_secs: i64) -> String {
        self.issue(None, now, ttl_secs).0
    }

    /// Issues a token at `now` (the emulator's clock) living `ttl_secs`; returns it and its expiry.
    pub(crate) fn issue(&self, project: Option<Project>, now: i64, ttl_secs: i64) -> (String, i64) {
        let token = ids::iam_token();
        let expires_at = now.saturating_add(ttl_secs);
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        // Drop expired tokens so a long-running emulator does not grow without bound.
        tokens.retain(|_, t| t.expires_at > now);
        tokens.insert(
            token.clone(),
            IssuedToken {
                project,
                expires_at,
            },
        );
        (token, expires_at)
    }
}
