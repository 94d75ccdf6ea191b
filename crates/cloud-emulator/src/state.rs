//! The emulator's state: instances (seeded from a file or the docs' examples), their pending
//! asynchronous changes, and counters of requests and applied mutations.
//!
//! An instance has a lifecycle state ([`InstanceState`]: creating, running, changing, isolated,
//! deleted, then gone), a name and other members of its listed item, and *overlays*: values
//! laid over an operation's documented example output, keyed by dotted path (`Status`,
//! `certs.0.category`). A mutation schedules its change (the overlay its waiter expects, a
//! creation finishing, a deletion ending) to show once the async delay has passed; if its task
//! was made to fail, the change's failure steps apply instead. Pending changes settle lazily on
//! access, in the order their requests took the state lock, so no background task exists and
//! shutdown has nothing to wait for.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::config::Project;
use crate::task_registry::Tasks;

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
    /// The instance's name, shown in the service's listing (where its spec models the
    /// resource). Absent: the documented example's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What the instance is doing (`creating`, `running`, `changing`, `isolated`, `deleted`);
    /// default `running`. It stays so: only a call changes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<InstanceState>,
    /// Per describe operation, values laid over its documented example output, by dotted path.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub outputs: IndexMap<String, Map<String, Value>>,
    /// The CA certificate behind the instance's download link (where the spec's `resource.ssl`
    /// names one): when it expires and what the link answers. Absent: a PEM certificate valid
    /// for a year from the emulator's start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<crate::certificates::SeedCertificate>,
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

/// What an instance is doing, named after the spec's sets of status values
/// (`cloud_spec::ResourceStates`); the first value of the set is the status the instance shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InstanceState {
    /// Being created; running once the async delay has passed.
    Creating,
    /// Running and usable (every instance from the docs or a seed, unless the seed says otherwise).
    #[default]
    Running,
    /// Running, with a change in progress (being isolated).
    Changing,
    /// Isolated (in the recycle bin): listed, not usable, not gone.
    Isolated,
    /// Being deleted; gone once the async delay has passed.
    Deleted,
    /// Failed, and stays so (GeminiDB `createfail`: a creation whose task failed, in a service
    /// whose spec has such a state).
    Failed,
}

impl InstanceState {
    /// The state's name, as in the spec (`creating`, `running`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceState::Creating => "creating",
            InstanceState::Running => "running",
            InstanceState::Changing => "changing",
            InstanceState::Isolated => "isolated",
            InstanceState::Deleted => "deleted",
            InstanceState::Failed => "failed",
        }
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
    /// The instance's name, once created with one, seeded with one or renamed.
    pub name: Option<String>,
    /// What the instance is doing.
    pub state: InstanceState,
    /// The status value the service reports for `state` (the first of the spec's values for
    /// it); `None` when the service's spec has no resource model.
    pub status: Option<Value>,
    /// Current overlays per describe operation (settled changes only).
    pub outputs: IndexMap<String, Map<String, Value>>,
    /// Members of the instance's listed item changed by modify operations, by dotted path.
    pub item: Map<String, Value>,
    /// Changes started but not yet visible.
    pub pending_changes: usize,
}

#[derive(Debug)]
pub(crate) struct Instance {
    pub region: Option<String>,
    pub project_id: Option<String>,
    /// Per operation, values laid over its answer by dotted path (`Status`, `instances.0.ssl`).
    pub outputs: IndexMap<String, Map<String, Value>>,
    /// The name shown in the listed item's name member.
    pub name: Option<String>,
    /// Other members of the listed item, by dotted path inside the item, that modify
    /// operations changed.
    pub item: Map<String, Value>,
    pub state: InstanceState,
    /// The test CA certificate behind its download link; `None`: the default one.
    pub certificate: Option<crate::certificates::TestCertificate>,
    pending: Vec<PendingChange>,
}

/// A change that shows once its time has come: what then happens if its task succeeds, and
/// what happens if the task was made to fail.
#[derive(Debug)]
pub(crate) struct PendingChange {
    pub ready_at: Instant,
    /// The order in which the requests that started the changes took the state lock.
    pub seq: u64,
    pub fails: bool,
    pub on_success: Vec<Change>,
    pub on_failure: Vec<Change>,
}

/// One step of a pending change.
#[derive(Debug, Clone)]
pub(crate) enum Change {
    /// Values laid over an operation's answer (what a waiter polls for).
    Overlay {
        operation: String,
        values: Vec<(String, Value)>,
    },
    /// The name shown in listings.
    Name(String),
    /// Members of the listed item, by dotted path inside it.
    Item(Vec<(String, Value)>),
    /// The state becomes `to`, if it still is `from` (a deletion started meanwhile wins over a
    /// creation finishing).
    State {
        from: InstanceState,
        to: InstanceState,
    },
    /// The instance is gone: calls naming it get the not-found code.
    Gone,
}

impl Instance {
    pub(crate) fn new(region: Option<String>, project_id: Option<String>) -> Self {
        Instance {
            region,
            project_id,
            outputs: IndexMap::new(),
            name: None,
            item: Map::new(),
            state: InstanceState::Running,
            certificate: None,
            pending: Vec::new(),
        }
    }

    /// Makes every change whose time has come visible, in the order their requests took the
    /// state lock. Returns whether the instance is gone.
    fn settle(&mut self, now: Instant) -> bool {
        let (mut due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|c| c.ready_at <= now);
        self.pending = later;
        due.sort_by_key(|c| c.seq);
        let mut gone = false;
        for change in due {
            let steps = if change.fails {
                change.on_failure
            } else {
                change.on_success
            };
            for step in steps {
                gone |= self.apply(step);
            }
        }
        gone
    }

    /// Applies one step now; returns whether the instance is gone.
    pub(crate) fn apply(&mut self, step: Change) -> bool {
        match step {
            Change::Overlay { operation, values } => {
                let overlay = self.outputs.entry(operation).or_default();
                for (path, value) in values {
                    overlay.insert(path, value);
                }
            }
            Change::Name(name) => self.name = Some(name),
            Change::Item(values) => {
                for (path, value) in values {
                    self.item.insert(path, value);
                }
            }
            Change::State { from, to } => {
                if self.state == from {
                    self.state = to;
                }
            }
            Change::Gone => return true,
        }
        false
    }

    /// Schedules a change.
    pub(crate) fn schedule(&mut self, change: PendingChange) {
        self.pending.push(change);
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

/// A [`Key`] by reference. Its derived hash is the tuple's (each string in order), so it finds
/// the owned key.
#[derive(Hash)]
struct KeyRef<'a>(&'a str, &'a str);

impl indexmap::Equivalent<Key> for KeyRef<'_> {
    fn equivalent(&self, key: &Key) -> bool {
        self.0 == key.0 && self.1 == key.1
    }
}

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
    /// The number of the last call that took the lock to run an operation.
    seq: u64,
    /// The asynchronous tasks mutations started.
    pub tasks: Tasks,
    /// Bumped by every change to the state (see [`Store`]): answers made at one generation
    /// hold until the next (`answer_cache`).
    generation: u64,
}

/// The state, behind one lock (requests are short and few; simplicity wins).
///
/// Whoever takes the lock with [`Store::lock`] may change anything, so it starts a new
/// generation of the state; only an operation call ([`Store::lock_for_call`], which says
/// itself whether it changes the state) and the request counters leave it as it is.
#[derive(Debug, Default)]
pub(crate) struct Store {
    inner: Mutex<Inner>,
}

impl Store {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        let mut inner = self.lock_for_call();
        inner.changed();
        inner
    }

    /// The lock, for a call that bumps the generation itself ([`Inner::changed`]) if it may
    /// change the state.
    pub(crate) fn lock_for_call(&self) -> MutexGuard<'_, Inner> {
        // Every critical section leaves the state consistent, so a panic elsewhere is no reason
        // to stop serving.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts a request that reached `op` (the counters are no part of any answer).
    pub(crate) fn record_request(&self, service: &str, op: &str) {
        self.lock_for_call().record_request(service, op);
    }
}

impl Inner {
    pub(crate) fn insert_instance(&mut self, service: &str, id: &str, instance: Instance) {
        self.changed();
        self.instances
            .insert((service.to_owned(), id.to_owned()), instance);
    }

    pub(crate) fn contains(&self, service: &str, id: &str) -> bool {
        self.instances
            .contains_key(&(service.to_owned(), id.to_owned()))
    }

    /// The next call's number. Taken, with the time, while holding the lock: a change then
    /// settles in the order its request took the lock, so the last mutation to take the lock
    /// is the one that shows, however the requests raced to it.
    pub(crate) fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// The state's generation: it changes whenever the state may have.
    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// Starts a new generation: the state has changed (or may have).
    pub(crate) fn changed(&mut self) {
        self.generation = self.generation.wrapping_add(1);
    }

    /// When the next of a service's pending changes falls due, if one is pending.
    pub(crate) fn next_change(&self, service: &str) -> Option<Instant> {
        self.instances
            .iter()
            .filter(|((s, _), _)| s == service)
            .flat_map(|(_, inst)| inst.pending.iter().map(|c| c.ready_at))
            .min()
    }

    /// Settles the instance's due changes; removes it if it is gone. Returns whether it
    /// (still) exists.
    fn settle(&mut self, key: &Key, now: Instant) -> bool {
        let Some(inst) = self.instances.get_mut(key) else {
            return false;
        };
        if !inst.pending.iter().any(|c| c.ready_at <= now) {
            return true;
        }
        self.generation = self.generation.wrapping_add(1);
        if inst.settle(now) {
            self.instances.shift_remove(key);
            return false;
        }
        true
    }

    /// The instance, with its due changes settled, if it exists and the request's scope sees it.
    pub(crate) fn instance(
        &mut self,
        service: &str,
        id: &str,
        region: Option<&str>,
        project: Option<&str>,
        now: Instant,
    ) -> Option<&mut Instance> {
        let key = (service.to_owned(), id.to_owned());
        if !self.settle(&key, now) {
            return None;
        }
        let inst = self.instances.get_mut(&key)?;
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
        let keys: Vec<Key> = self
            .instances
            .keys()
            .filter(|(s, _)| s == service)
            .cloned()
            .collect();
        let mut ids = Vec::new();
        for key in keys {
            if self.settle(&key, now) && self.instances[&key].visible(region, project) {
                ids.push(key.1);
            }
        }
        ids
    }

    pub(crate) fn record_request(&mut self, service: &str, op: &str) {
        // Looked up by reference: every request counts, and only the first of an operation
        // needs its key owned.
        match self.requests.get_mut(&KeyRef(service, op)) {
            Some(count) => *count += 1,
            None => {
                self.requests.insert((service.to_owned(), op.to_owned()), 1);
            }
        }
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
        count_of(&self.applied, service, op)
    }

    pub(crate) fn applied_on(&self, service: &str, op: &str, id: &str) -> u64 {
        self.applied_on
            .get(&(service.to_owned(), op.to_owned(), id.to_owned()))
            .copied()
            .unwrap_or(0)
    }

    pub(crate) fn request_count(&self, service: Option<&str>, op: &str) -> u64 {
        count_of(&self.requests, service, op)
    }

    /// One instance's settled state; `status` gives the status value a service reports for a
    /// state.
    pub(crate) fn snapshot(
        &mut self,
        service: &str,
        id: &str,
        now: Instant,
        status: &dyn Fn(&str, InstanceState) -> Option<Value>,
    ) -> Option<InstanceSnapshot> {
        let key = (service.to_owned(), id.to_owned());
        if !self.settle(&key, now) {
            return None;
        }
        let inst = &self.instances[&key];
        Some(InstanceSnapshot {
            service: service.to_owned(),
            id: id.to_owned(),
            region: inst.region.clone(),
            project_id: inst.project_id.clone(),
            name: inst.name.clone(),
            state: inst.state,
            status: status(service, inst.state),
            outputs: inst.outputs.clone(),
            item: inst.item.clone(),
            pending_changes: inst.pending.len(),
        })
    }

    /// Everything, as JSON, for `GET /_emulator/state`.
    pub(crate) fn settled_json(
        &mut self,
        now: Instant,
        status: &dyn Fn(&str, InstanceState) -> Option<Value>,
    ) -> Value {
        let keys: Vec<Key> = self.instances.keys().cloned().collect();
        let instances: Vec<Value> = keys
            .iter()
            .filter_map(|(s, id)| self.snapshot(s, id, now, status))
            .map(|snap| {
                serde_json::json!({
                    "service": snap.service,
                    "id": snap.id,
                    "region": snap.region,
                    "project_id": snap.project_id,
                    "name": snap.name,
                    "state": snap.state,
                    "status": snap.status,
                    "outputs": snap.outputs,
                    "item": snap.item,
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
            "tasks": self.tasks.to_json(now),
            "applied": counts(&self.applied),
            "requests": counts(&self.requests),
        })
    }
}

/// A counter's total for operation `op`, in one service or (`None`) all of them.
fn count_of(counts: &IndexMap<Key, u64>, service: Option<&str>, op: &str) -> u64 {
    counts
        .iter()
        .filter(|((s, o), _)| o == op && service.is_none_or(|want| want == s))
        .map(|(_, n)| n)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Duration;

    fn overlay(ready_at: Instant, seq: u64, status: i64) -> PendingChange {
        PendingChange {
            ready_at,
            seq,
            fails: false,
            on_success: vec![Change::Overlay {
                operation: "Describe".into(),
                values: vec![("Status".into(), json!(status))],
            }],
            on_failure: Vec::new(),
        }
    }

    const NO_STATUS: &dyn Fn(&str, InstanceState) -> Option<Value> = &|_, _| None;

    #[test]
    fn changes_settle_after_their_time() {
        let mut inner = Inner::default();
        inner.insert_instance("svc", "i1", Instance::new(Some("r1".into()), None));
        let t0 = Instant::now();
        let inst = inner.instance("svc", "i1", None, None, t0).unwrap();
        inst.schedule(overlay(t0 + Duration::from_secs(1), 1, 0));
        let snap = |inner: &mut Inner, t| inner.snapshot("svc", "i1", t, NO_STATUS).unwrap();
        assert_eq!(snap(&mut inner, t0).pending_changes, 1);
        assert!(snap(&mut inner, t0).outputs.is_empty());
        let later = snap(&mut inner, t0 + Duration::from_secs(1));
        assert_eq!(later.pending_changes, 0);
        assert_eq!(later.outputs["Describe"]["Status"], json!(0));
        assert!(inner.instance("svc", "i1", Some("r2"), None, t0).is_none());
        assert!(inner
            .instance("svc", "i1", Some("r1"), Some("p"), t0)
            .is_some());
    }

    #[test]
    fn due_changes_settle_in_the_order_their_requests_took_the_lock() {
        let mut inner = Inner::default();
        inner.insert_instance("svc", "i1", Instance::new(None, None));
        let t0 = Instant::now();
        let inst = inner.instance("svc", "i1", None, None, t0).unwrap();
        // Pushed out of order, both due at the same instant: the higher number shows.
        inst.schedule(overlay(t0, 7, 1));
        inst.schedule(overlay(t0, 3, 0));
        let snap = inner.snapshot("svc", "i1", t0, NO_STATUS).unwrap();
        assert_eq!(snap.outputs["Describe"]["Status"], json!(1));
    }

    #[test]
    fn failed_changes_take_their_failure_steps_and_gone_instances_disappear() {
        let mut inner = Inner::default();
        let mut creating = Instance::new(None, None);
        creating.state = InstanceState::Creating;
        let t0 = Instant::now();
        let done = t0 + Duration::from_secs(1);
        let finish = |fails| PendingChange {
            ready_at: done,
            seq: 1,
            fails,
            on_success: vec![Change::State {
                from: InstanceState::Creating,
                to: InstanceState::Running,
            }],
            on_failure: vec![Change::Gone],
        };
        creating.schedule(finish(false));
        inner.insert_instance("svc", "ok", creating);
        let mut failing = Instance::new(None, None);
        failing.state = InstanceState::Creating;
        failing.schedule(finish(true));
        inner.insert_instance("svc", "bad", failing);
        assert_eq!(inner.visible_ids("svc", None, None, t0), ["ok", "bad"]);
        assert_eq!(inner.visible_ids("svc", None, None, done), ["ok"]);
        let ok = inner.snapshot("svc", "ok", done, NO_STATUS).unwrap();
        assert_eq!(ok.state, InstanceState::Running);
        assert!(!inner.contains("svc", "bad"));
        assert!(inner.instance("svc", "bad", None, None, done).is_none());
    }

    #[test]
    fn requests_are_counted_per_service_and_operation() {
        let mut inner = Inner::default();
        inner.record_request("a", "Op");
        inner.record_request("a", "Op");
        inner.record_request("b", "Op");
        inner.record_request("a", "Other");
        assert_eq!(inner.request_count(Some("a"), "Op"), 2);
        assert_eq!(inner.request_count(None, "Op"), 3);
        assert_eq!(inner.requests.len(), 3);
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
