//! The emulator's state: instances (seeded from a file or the docs' examples), their pending
//! asynchronous changes, and counters of requests and applied mutations.
//!
//! An instance's state is a set of *overlays*: values laid over a describe operation's
//! documented example output, keyed by dotted path (`Status`, `certs.0.category`). A mutation
//! with a waiter in the spec schedules the overlay its waiter expects; it becomes visible once
//! the async delay has passed. Pending changes settle lazily on access, so no background task
//! exists and shutdown has nothing to wait for.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::config::Project;

/// Initial state, as read from a seed file (`--state FILE`).
///
/// ```json
/// {
///   "instances": [
///     {"service": "tencent-mongodb", "id": "cmgo-test0001", "region": "ap-guangzhou",
///      "outputs": {"DescribeInstanceSSL": {"Status": 0}}},
///     {"service": "huawei-geminidb", "id": "a1b2c3in06", "project_id": "0123456789abcdef0123456789abcdef"}
///   ],
///   "projects": [{"id": "0123456789abcdef0123456789abcdef", "name": "ap-southeast-1"}],
///   "replace_defaults": false
/// }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    /// Instances to create.
    #[serde(default)]
    pub instances: Vec<SeedInstance>,
    /// Huawei projects (regions) of the account, in addition to the default one.
    #[serde(default)]
    pub projects: Vec<Project>,
    /// Start without the default instances taken from the docs' examples.
    #[serde(default)]
    pub replace_defaults: bool,
}

/// One instance of a seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedInstance {
    /// The service: its crate name (`tencent-mongodb`) or vendor name (`mongodb`).
    pub service: String,
    /// The instance id.
    pub id: String,
    /// Tencent: the region it lives in. Absent: visible from every region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Huawei: the project it belongs to. Absent: visible from every project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// Per describe operation, values laid over its documented example output, by dotted path.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub outputs: IndexMap<String, Map<String, Value>>,
}

/// Why a seed could not be read.
#[derive(Debug)]
pub struct SeedError {
    message: String,
}

impl std::fmt::Display for SeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SeedError {}

impl Seed {
    /// Parses a seed from JSON text.
    pub fn from_json(text: &str) -> Result<Seed, SeedError> {
        serde_json::from_str(text).map_err(|e| SeedError {
            message: format!("invalid seed: {e}"),
        })
    }

    /// Reads a seed file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Seed, SeedError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| SeedError {
            message: format!("cannot read the seed file {}: {e}", path.display()),
        })?;
        Seed::from_json(&text).map_err(|e| SeedError {
            message: format!("{}: {}", path.display(), e.message),
        })
    }
}

/// A point-in-time view of one instance, for tests.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct InstanceSnapshot {
    /// Service key (`tencent-mongodb`).
    pub service: String,
    /// Instance id.
    pub id: String,
    /// Region, if scoped to one.
    pub region: Option<String>,
    /// Project, if scoped to one.
    pub project_id: Option<String>,
    /// Current overlays per describe operation (settled changes only).
    pub outputs: IndexMap<String, Map<String, Value>>,
    /// Changes started but not yet visible.
    pub pending_changes: usize,
}

#[derive(Debug)]
pub(crate) struct Instance {
    pub region: Option<String>,
    pub project_id: Option<String>,
    pub outputs: IndexMap<String, Map<String, Value>>,
    pending: Vec<PendingChange>,
}

#[derive(Debug)]
struct PendingChange {
    ready_at: Instant,
    operation: String,
    values: Vec<(String, Value)>,
}

impl Instance {
    pub(crate) fn new(region: Option<String>, project_id: Option<String>) -> Self {
        Instance {
            region,
            project_id,
            outputs: IndexMap::new(),
            pending: Vec::new(),
        }
    }

    /// Makes every change whose time has come visible, oldest first.
    fn settle(&mut self, now: Instant) {
        let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|c| c.ready_at <= now);
        self.pending = later;
        for change in due {
            let overlay = self.outputs.entry(change.operation).or_default();
            for (path, value) in change.values {
                overlay.insert(path, value);
            }
        }
    }

    /// Schedules values to show in `operation`'s output at `ready_at`.
    pub(crate) fn schedule(
        &mut self,
        ready_at: Instant,
        operation: &str,
        values: Vec<(String, Value)>,
    ) {
        self.pending.push(PendingChange {
            ready_at,
            operation: operation.to_owned(),
            values,
        });
    }

    /// Whether a request scoped to `region`/`project` sees this instance.
    fn visible(&self, region: Option<&str>, project: Option<&str>) -> bool {
        let scope_ok = |own: &Option<String>, asked: Option<&str>| match (own, asked) {
            (Some(own), Some(asked)) => own == asked,
            _ => true,
        };
        scope_ok(&self.region, region) && scope_ok(&self.project_id, project)
    }
}

type Key = (String, String);

#[derive(Debug, Default)]
pub(crate) struct Inner {
    instances: IndexMap<Key, Instance>,
    /// Applied mutations per (service, operation).
    applied: IndexMap<Key, u64>,
    /// Applied mutations per (service, operation, instance).
    applied_on: IndexMap<(String, String, String), u64>,
    /// Requests that reached an operation (after routing) per (service, operation).
    requests: IndexMap<Key, u64>,
    next_flow: u64,
}

/// The state, behind one lock (requests are short and few; simplicity wins).
#[derive(Debug, Default)]
pub(crate) struct Store {
    inner: Mutex<Inner>,
}

impl Store {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every critical section leaves the state consistent, so a panic elsewhere is no reason
        // to stop serving.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Inner {
    pub(crate) fn insert_instance(&mut self, service: &str, id: &str, instance: Instance) {
        self.instances
            .insert((service.to_owned(), id.to_owned()), instance);
    }

    pub(crate) fn contains(&self, service: &str, id: &str) -> bool {
        self.instances
            .contains_key(&(service.to_owned(), id.to_owned()))
    }

    /// The instance, with its due changes settled, if the request's scope sees it.
    pub(crate) fn instance(
        &mut self,
        service: &str,
        id: &str,
        region: Option<&str>,
        project: Option<&str>,
        now: Instant,
    ) -> Option<&mut Instance> {
        let inst = self
            .instances
            .get_mut(&(service.to_owned(), id.to_owned()))?;
        inst.settle(now);
        inst.visible(region, project).then_some(inst)
    }

    /// The ids of a service's instances that a request scoped to `region`/`project` sees, in
    /// creation order, with their due changes settled.
    pub(crate) fn visible_ids(
        &mut self,
        service: &str,
        region: Option<&str>,
        project: Option<&str>,
        now: Instant,
    ) -> Vec<String> {
        self.instances
            .iter_mut()
            .filter(|((s, _), _)| s == service)
            .filter_map(|((_, id), inst)| {
                inst.settle(now);
                inst.visible(region, project).then(|| id.clone())
            })
            .collect()
    }

    pub(crate) fn record_request(&mut self, service: &str, op: &str) {
        *self
            .requests
            .entry((service.to_owned(), op.to_owned()))
            .or_default() += 1;
    }

    pub(crate) fn record_applied(&mut self, service: &str, op: &str, instance: Option<&str>) {
        *self
            .applied
            .entry((service.to_owned(), op.to_owned()))
            .or_default() += 1;
        if let Some(id) = instance {
            *self
                .applied_on
                .entry((service.to_owned(), op.to_owned(), id.to_owned()))
                .or_default() += 1;
        }
    }

    pub(crate) fn next_flow_number(&mut self) -> u64 {
        self.next_flow += 1;
        // Flow ids in the docs are six-digit numbers (TaskId 100015).
        100_000 + self.next_flow
    }

    pub(crate) fn applied_count(&self, service: Option<&str>, op: &str) -> u64 {
        self.applied
            .iter()
            .filter(|((s, o), _)| o == op && service.is_none_or(|want| want == s))
            .map(|(_, n)| n)
            .sum()
    }

    pub(crate) fn applied_on(&self, service: &str, op: &str, id: &str) -> u64 {
        self.applied_on
            .get(&(service.to_owned(), op.to_owned(), id.to_owned()))
            .copied()
            .unwrap_or(0)
    }

    pub(crate) fn request_count(&self, service: Option<&str>, op: &str) -> u64 {
        self.requests
            .iter()
            .filter(|((s, o), _)| o == op && service.is_none_or(|want| want == s))
            .map(|(_, n)| n)
            .sum()
    }

    pub(crate) fn snapshot(
        &mut self,
        service: &str,
        id: &str,
        now: Instant,
    ) -> Option<InstanceSnapshot> {
        let inst = self
            .instances
            .get_mut(&(service.to_owned(), id.to_owned()))?;
        inst.settle(now);
        Some(InstanceSnapshot {
            service: service.to_owned(),
            id: id.to_owned(),
            region: inst.region.clone(),
            project_id: inst.project_id.clone(),
            outputs: inst.outputs.clone(),
            pending_changes: inst.pending.len(),
        })
    }

    /// Everything, as JSON, for `GET /_emulator/state`.
    pub(crate) fn settled_json(&mut self, now: Instant) -> Value {
        let keys: Vec<Key> = self.instances.keys().cloned().collect();
        let instances: Vec<Value> = keys
            .iter()
            .filter_map(|(s, id)| self.snapshot(s, id, now))
            .map(|snap| {
                serde_json::json!({
                    "service": snap.service,
                    "id": snap.id,
                    "region": snap.region,
                    "project_id": snap.project_id,
                    "outputs": snap.outputs,
                    "pending_changes": snap.pending_changes,
                })
            })
            .collect();
        let counts = |m: &IndexMap<Key, u64>| -> Map<String, Value> {
            m.iter()
                .map(|((s, o), n)| (format!("{s}/{o}"), Value::from(*n)))
                .collect()
        };
        serde_json::json!({
            "instances": instances,
            "applied": counts(&self.applied),
            "requests": counts(&self.requests),
        })
    }
}

/// Sets `value` at a dotted `path` inside `target`, creating objects on the way; numeric
/// segments index arrays (extending them with nulls when needed).
pub(crate) fn set_path(target: &mut Value, path: &str, value: Value) {
    let parts: Vec<&str> = path.split('.').collect();
    let Some((last, init)) = parts.split_last() else {
        return;
    };
    let mut cur = target;
    for part in init {
        cur = child(cur, part);
    }
    *child(cur, last) = value;
}

/// The child `part` of `cur`: an array element for a numeric part of an array, else an object
/// member (turning `cur` into an object if it is not one).
fn child<'a>(cur: &'a mut Value, part: &str) -> &'a mut Value {
    if let (Ok(index), true) = (part.parse::<usize>(), cur.is_array()) {
        let items = cur.as_array_mut().expect("checked to be an array");
        if items.len() <= index {
            items.resize(index + 1, Value::Null);
        }
        return &mut items[index];
    }
    if !cur.is_object() {
        *cur = Value::Object(Map::new());
    }
    cur.as_object_mut()
        .expect("made an object above")
        .entry(part.to_owned())
        .or_insert(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Duration;

    #[test]
    fn paths() {
        let mut v = json!({"Status": 1, "certs": [{"category": "a"}]});
        set_path(&mut v, "Status", json!(0));
        set_path(&mut v, "certs.0.category", json!("b"));
        set_path(&mut v, "a.b", json!(true));
        set_path(&mut v, "certs.2", json!("x"));
        assert_eq!(
            v,
            json!({"Status": 0, "certs": [{"category": "b"}, null, "x"], "a": {"b": true}})
        );
    }

    #[test]
    fn changes_settle_after_their_time() {
        let mut inner = Inner::default();
        inner.insert_instance("svc", "i1", Instance::new(Some("r1".into()), None));
        let t0 = Instant::now();
        let inst = inner.instance("svc", "i1", None, None, t0).unwrap();
        inst.schedule(
            t0 + Duration::from_secs(1),
            "Describe",
            vec![("Status".into(), json!(0))],
        );
        assert_eq!(inner.snapshot("svc", "i1", t0).unwrap().pending_changes, 1);
        assert!(inner.snapshot("svc", "i1", t0).unwrap().outputs.is_empty());
        let later = inner
            .snapshot("svc", "i1", t0 + Duration::from_secs(1))
            .unwrap();
        assert_eq!(later.pending_changes, 0);
        assert_eq!(later.outputs["Describe"]["Status"], json!(0));
        assert!(inner.instance("svc", "i1", Some("r2"), None, t0).is_none());
        assert!(inner
            .instance("svc", "i1", Some("r1"), Some("p"), t0)
            .is_some());
    }

    #[test]
    fn seeds_reject_unknown_keys() {
        assert!(
            Seed::from_json(r#"{"instances": [{"service": "s", "id": "i", "colour": 1}]}"#)
                .is_err()
        );
        let seed = Seed::from_json(r#"{"instances": [{"service": "s", "id": "i"}]}"#).unwrap();
        assert_eq!(seed.instances[0].id, "i");
    }
}
