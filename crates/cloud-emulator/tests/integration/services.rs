//! The instance lifecycle of each bundled service, through `cloud_transport` with descriptions
//! built from the spec (the path generated clients take): create → listed creating → running
//! after the delay → SSL switched off and on → renamed → isolated (where the service isolates)
//! → deleted → gone and not found; every task the walk starts reported running, then
//! succeeded. Also, per service: paging over more than 3 pages, injected task failures,
//! unknown task handles and invalid creates.
//!
//! The operations and members come from the spec's resource model (as a client reads them);
//! the values the vendors show (status codes, SSL switches, error codes) are written here, so a
//! wrong model or a wrong emulator fails.

use crate::common;

use std::time::{Duration, Instant};

use cloud_emulator::{
    sample_input, Emulator, RunningEmulator, Seed, TaskFailureRule, DEFAULT_TASK_FAILURE_MESSAGE,
};
use cloud_spec::lifecycle::FilterMember;
use cloud_spec::{Removal, Resource, Service, TypeExpr};
use cloud_transport::json_path::{is_one_of, value_at};
use common::transport::SpecClient;
use serde_json::{json, Map, Value};

// Long enough that a check right after a create still sees it creating on a loaded 2-core
// machine (250 ms was not, with three test binaries and builds running at once).
const DELAY: Duration = Duration::from_millis(1000);

/// An SSL switch and where it shows.
struct Ssl {
    /// Operation and input (without the instance) that switch SSL off, and on.
    off: (&'static str, Value),
    on: (&'static str, Value),
    /// The operation (and its instance member) showing SSL, and the path and values there.
    shown_by: (&'static str, &'static str),
    path: &'static str,
    off_shows: Value,
    on_shows: Value,
}

/// What a service shows, from its vendor's docs.
struct Expect {
    crate_name: &'static str,
    id_prefix: &'static str,
    id_len: usize,
    creating: Value,
    running: Value,
    /// What an isolated instance shows, for a service that isolates.
    isolated: Option<Value>,
    ssl: Ssl,
    not_found: &'static str,
    /// How the task API answers a handle it does not know.
    unknown_handle: Unknown,
}

enum Unknown {
    /// The answer has no status.
    NoStatus,
    /// This error code.
    Error(&'static str),
    /// The list of tasks at this path is empty.
    EmptyList(&'static str),
}

fn mongodb() -> Expect {
    Expect {
        crate_name: "tencent-mongodb",
        id_prefix: "cmgo-",
        id_len: 13,
        creating: json!(0),
        running: json!(2),
        isolated: Some(json!(-3)),
        ssl: Ssl {
            off: ("InstanceEnableSSL", json!({"Enable": false})),
            on: ("InstanceEnableSSL", json!({"Enable": true})),
            shown_by: ("DescribeInstanceSSL", "InstanceId"),
            path: "Status",
            off_shows: json!(0),
            on_shows: json!(1),
        },
        not_found: "InvalidParameterValue.NotFoundInstance",
        unknown_handle: Unknown::NoStatus,
    }
}

fn cdb() -> Expect {
    Expect {
        crate_name: "tencent-cdb",
        id_prefix: "cdb-",
        id_len: 12,
        creating: json!(0),
        running: json!(1),
        isolated: Some(json!(5)),
        ssl: Ssl {
            off: ("CloseSSL", json!({})),
            on: ("OpenSSL", json!({})),
            shown_by: ("DescribeSSLStatus", "InstanceId"),
            path: "Status",
            off_shows: json!("OFF"),
            on_shows: json!("ON"),
        },
        not_found: "ResourceNotFound.InstanceNotFoundError",
        unknown_handle: Unknown::Error("InvalidParameter.InvalidAsyncRequestId"),
    }
}

fn postgres() -> Expect {
    Expect {
        crate_name: "tencent-postgres",
        id_prefix: "postgres-",
        id_len: 17,
        creating: json!("applying"),
        running: json!("running"),
        isolated: Some(json!("isolated")),
        ssl: Ssl {
            off: ("ModifyDBInstanceSSLConfig", json!({"SSLEnabled": false})),
            on: (
                "ModifyDBInstanceSSLConfig",
                json!({"SSLEnabled": true, "ConnectAddress": "10.0.0.9"}),
            ),
            shown_by: ("DescribeDBInstanceSSLConfig", "DBInstanceId"),
            path: "SSLEnabled",
            off_shows: json!(false),
            on_shows: json!(true),
        },
        not_found: "ResourceNotFound.InstanceNotFoundError",
        unknown_handle: Unknown::EmptyList("TaskSet"),
    }
}

fn geminidb() -> Expect {
    Expect {
        crate_name: "huawei-geminidb",
        id_prefix: "",
        id_len: 36,
        creating: json!("creating"),
        running: json!("normal"),
        isolated: None,
        ssl: Ssl {
            off: ("SwitchSsl", json!({"ssl_option": "off"})),
            on: ("SwitchSsl", json!({"ssl_option": "on"})),
            shown_by: ("ListInstances", "id"),
            path: "instances.0.ssl",
            off_shows: json!("0"),
            on_shows: json!("1"),
        },
        not_found: "DBS.200002",
        unknown_handle: Unknown::EmptyList("jobs"),
    }
}

/// A service under test: its spec, an emulator and a client.
struct Under {
    spec: Service,
    res: Resource,
    emu: RunningEmulator,
    c: SpecClient,
    /// The tasks the test started: (operation, handle, task API key).
    tasks: Vec<(String, Value, String)>,
}

impl Under {
    async fn start(crate_name: &str, seed: Option<Seed>) -> Under {
        let spec = cloud_spec::bundle::service(crate_name).expect("a bundled service");
        let res = spec.resource.clone().expect("the spec models its resource");
        let mut builder = Emulator::builder().async_delay(DELAY).rate_limits(false);
        if let Some(seed) = seed {
            builder = builder.seed(seed);
        }
        let emu = builder.start().await.expect("start");
        let c = SpecClient::new(&spec, &emu);
        Under {
            spec,
            res,
            emu,
            c,
            tasks: Vec::new(),
        }
    }

    /// Calls a mutation and remembers the task it starts.
    async fn mutate(&mut self, op: &str, input: Value) -> Value {
        let out = self.c.ok(op, input).await;
        if let Some(task) = &self.spec.operations[op].task {
            let handle = out[task.handle.as_str()].clone();
            assert!(!handle.is_null(), "{op} answered no handle: {out}");
            self.tasks.push((op.to_owned(), handle, task.api.clone()));
        }
        out
    }

    /// The status the task API reports for `handle` (`None`: absent), or the error code.
    async fn task_status(&self, api: &str, handle: &Value) -> Result<Option<Value>, String> {
        let path = &self.spec.tasks[api].status;
        let out = self.task_answer(api, handle).await?;
        Ok(value_at(&out, path).cloned())
    }

    /// The task API's answer about `handle`, or the error code.
    async fn task_answer(&self, api: &str, handle: &Value) -> Result<Value, String> {
        let api = &self.spec.tasks[api];
        let member = &self.spec.operations[&api.operation].input[&api.handle];
        // An integer handle goes as text to a string member (mongodb's FlowId).
        let handle = match (&member.ty, handle) {
            (TypeExpr::String, Value::Number(n)) => Value::String(n.to_string()),
            _ => handle.clone(),
        };
        let mut input = Map::new();
        input.insert(api.handle.clone(), handle);
        self.c
            .call(&api.operation, Value::Object(input))
            .await
            .map_err(|e| e.code().unwrap_or_default().to_owned())
    }

    /// Waits until the task reaches one of the API's `succeeded` (or `failed`) values.
    async fn task_ends(&self, api_key: &str, handle: &Value, failed: bool) {
        let api = &self.spec.tasks[api_key];
        let wanted = if failed { &api.failed } else { &api.succeeded };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let status = self.task_status(api_key, handle).await;
            if let Ok(Some(s)) = &status {
                if is_one_of(s, wanted) {
                    return;
                }
            }
            assert!(Instant::now() < deadline, "task {handle} stays {status:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The list operation's input filtering by `id`.
    fn by_id(&self, id: &str) -> Value {
        let filter = self.res.list.filters.id.as_deref().expect("an id filter");
        let filter = FilterMember::parse(filter).unwrap();
        let list_op = &self.spec.operations[&self.res.list.operation];
        let value = match filter.filter_name {
            Some(name) => json!([{"Name": name, "Values": [id]}]),
            None => match list_op.input[filter.member].ty {
                TypeExpr::List(_) => json!([id]),
                _ => json!(id),
            },
        };
        json!({ filter.member: value })
    }

    async fn listed(&self, id: &str) -> Option<Value> {
        let out = self.c.ok(&self.res.list.operation, self.by_id(id)).await;
        let items = &self.spec.operations[&self.res.list.operation]
            .pagination
            .as_ref()
            .unwrap()
            .items;
        let items = value_at(&out, items).and_then(Value::as_array).unwrap();
        assert!(items.len() <= 1, "filtered by one id: {out}");
        items.first().cloned()
    }

    async fn until_listed(
        &self,
        id: &str,
        check: impl Fn(Option<&Value>) -> bool,
    ) -> Option<Value> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let item = self.listed(id).await;
            if check(item.as_ref()) {
                return item;
            }
            assert!(Instant::now() < deadline, "{id} never got there: {item:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn status<'i>(&self, item: &'i Value) -> &'i Value {
        value_at(item, &self.res.list.status).unwrap_or(&Value::Null)
    }

    /// A valid create input: the spec's sample, named `name` where the create operation takes
    /// the listed name member.
    fn create_input(&self, name: &str) -> (String, Value) {
        let op = self.res.create.keys().next().unwrap().clone();
        let (mut input, _) = sample_input(&self.spec, &op).unwrap();
        if let Some(member) = &self.res.list.name {
            if self.spec.operations[&op].input.contains_key(member) {
                input.insert(member.clone(), json!(name));
            }
        }
        (op, Value::Object(input.into_iter().collect()))
    }

    async fn create(&mut self, name: &str) -> String {
        self.create_answer(name).await.0
    }

    /// Creates an instance; its id and the create operation's answer.
    async fn create_answer(&mut self, name: &str) -> (String, Value) {
        let (op, input) = self.create_input(name);
        let out = self.mutate(&op, input).await;
        let at = value_at(&out, &self.res.create[&op]).cloned().unwrap();
        let id = match at {
            Value::Array(ids) => {
                assert_eq!(ids.len(), 1, "{out}");
                ids[0].clone()
            }
            one => one,
        };
        (id.as_str().expect("a string id").to_owned(), out)
    }

    /// An input naming instance `id` for operation `op`: its `id_members` member (a list of one
    /// where it takes a list) or the resource's id member, plus `extra`.
    fn naming(&self, op: &str, id: &str, extra: &Value) -> Value {
        let member = self.res.id_members.get(op).unwrap_or(&self.res.id);
        let value = match self.spec.operations[op].input[member].ty {
            TypeExpr::List(_) => json!([id]),
            _ => json!(id),
        };
        let mut input = extra.as_object().cloned().unwrap_or_default();
        input.insert(member.clone(), value);
        Value::Object(input)
    }

    /// What the SSL switch shows for `id`.
    async fn ssl_shown(&self, ssl: &Ssl, id: &str) -> Value {
        let (op, member) = ssl.shown_by;
        let out = self.c.ok(op, json!({ member: id })).await;
        value_at(&out, ssl.path).cloned().unwrap_or(Value::Null)
    }

    async fn until_ssl(&self, ssl: &Ssl, id: &str, shows: &Value) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let now = self.ssl_shown(ssl, id).await;
            if now == *shows {
                return;
            }
            assert!(Instant::now() < deadline, "SSL of {id} stays {now}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn walk(x: Expect) {
    let started = Instant::now();
    let mut u = Under::start(x.crate_name, None).await;
    let (id, created) = u.create_answer("walk-one").await;
    assert!(id.starts_with(x.id_prefix) && id.len() == x.id_len, "{id}");
    // An answer that echoes the new instance's status shows it creating (GeminiDB `status`).
    if let Some(status) = created.get(&u.res.list.status) {
        assert_eq!(*status, x.creating, "{created}");
    }

    // Listed at once, creating; running only after the delay.
    let item = u.listed(&id).await.expect("listed after its creation");
    assert_eq!(*u.status(&item), x.creating, "{item}");
    // The admin state shows it too.
    let state = common::admin(&u.emu.base_url(), "GET", "state", None)
        .await
        .json();
    let shown = state["instances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id.as_str())
        .expect("the new instance in /_emulator/state")
        .clone();
    assert_eq!(shown["service"], x.crate_name);
    assert_eq!(
        (&shown["state"], &shown["status"]),
        (&json!("creating"), &x.creating)
    );
    let item = u
        .until_listed(&id, |i| i.is_some_and(|i| *u.status(i) == x.running))
        .await
        .unwrap();
    assert!(started.elapsed() >= DELAY);
    if let Some(name) = &u.res.list.name {
        if u.create_input("x").1.get(name).is_some() {
            assert_eq!(value_at(&item, name), Some(&json!("walk-one")), "{item}");
        }
    }

    // SSL off, then on, on the new instance.
    for (switch, shows) in [(&x.ssl.off, &x.ssl.off_shows), (&x.ssl.on, &x.ssl.on_shows)] {
        let input = u.naming(switch.0, &id, &switch.1);
        u.mutate(switch.0, input).await;
        u.until_ssl(&x.ssl, &id, shows).await;
    }

    // Renamed: the list shows the new name.
    let name_path = u.res.list.name.clone().expect("a name member");
    let (rename, member) = u
        .res
        .modify
        .iter()
        .find_map(|(op, members)| {
            let (input, _) = members.iter().find(|(_, item)| **item == name_path)?;
            Some((op.clone(), input.clone()))
        })
        .expect("a rename operation");
    let input = u.naming(&rename, &id, &json!({ member.as_str(): "renamed" }));
    u.mutate(&rename, input.clone()).await;
    let item = u.listed(&id).await.unwrap();
    assert_eq!(
        value_at(&item, &name_path),
        Some(&json!("renamed")),
        "{item}"
    );

    // Isolated (where the service isolates), then deleted and gone.
    let first = |res: &Resource, removal: Removal| {
        res.remove
            .iter()
            .find(|(_, r)| **r == removal)
            .map(|(op, _)| op.clone())
    };
    let (isolate, delete) = (
        first(&u.res, Removal::Isolated),
        first(&u.res, Removal::Deleted).expect("a delete operation"),
    );
    if let Some(isolate) = isolate {
        let expected = x.isolated.clone().expect("the service isolates");
        u.mutate(&isolate, u.naming(&isolate, &id, &json!({})))
            .await;
        u.until_listed(&id, |i| i.is_some_and(|i| *u.status(i) == expected))
            .await;
    }
    u.mutate(&delete, u.naming(&delete, &id, &json!({}))).await;
    assert!(
        u.listed(&id).await.is_some(),
        "listed until the delay passes"
    );
    u.until_listed(&id, |i| i.is_none()).await;
    let e = u.c.call(&rename, input).await.unwrap_err();
    assert_eq!(e.code(), Some(x.not_found), "{e}");
    let (op, member) = x.ssl.shown_by;
    if op != u.res.list.operation {
        let e = u.c.call(op, json!({ member: id })).await.unwrap_err();
        assert_eq!(e.code(), Some(x.not_found), "{e}");
    }
    assert!(!u.emu.has_instance(x.crate_name, &id));

    // Every task the walk started has succeeded.
    assert!(!u.tasks.is_empty(), "the walk starts no task");
    for (op, handle, api) in &u.tasks {
        let status = u.task_status(api, handle).await;
        let succeeded = &u.spec.tasks[api].succeeded;
        assert!(
            matches!(&status, Ok(Some(s)) if is_one_of(s, succeeded)),
            "{op}'s task {handle}: {status:?}"
        );
    }
    u.emu.shutdown().await;
}

/// A new task is reported running at first.
async fn tasks_run_then_succeed_or_fail(x: Expect) {
    let mut u = Under::start(x.crate_name, None).await;
    let id = u.create("tasks").await;
    u.until_listed(&id, |i| i.is_some_and(|i| *u.status(i) == x.running))
        .await;
    u.tasks.clear();

    // The next switch (to the state the instance is not in) fails: reported running, then
    // failed; SSL does not change.
    let before = u.ssl_shown(&x.ssl, &id).await;
    let (switch, shows) = if before == x.ssl.off_shows {
        (&x.ssl.on, &x.ssl.on_shows)
    } else {
        (&x.ssl.off, &x.ssl.off_shows)
    };
    u.emu
        .task_failures()
        .add(TaskFailureRule::new(switch.0).instance(id.clone()))
        .unwrap();
    let input = u.naming(switch.0, &id, &switch.1);
    u.mutate(switch.0, input.clone()).await;
    let (_, handle, api) = u.tasks.last().cloned().expect("the switch starts a task");
    let running = u.task_status(&api, &handle).await;
    assert!(
        matches!(&running, Ok(Some(s)) if is_one_of(s, &u.spec.tasks[&api].running)),
        "{running:?}"
    );
    u.task_ends(&api, &handle, true).await;
    if let Some(path) = &u.spec.tasks[&api].message {
        let out = u.task_answer(&api, &handle).await.unwrap();
        let message = json!(DEFAULT_TASK_FAILURE_MESSAGE);
        assert_eq!(value_at(&out, path), Some(&message), "{out}");
    }
    assert_eq!(
        u.ssl_shown(&x.ssl, &id).await,
        before,
        "a failed switch changes nothing"
    );

    // The rule is used up: the same switch succeeds.
    u.mutate(switch.0, input).await;
    let (_, handle, _) = u.tasks.last().cloned().unwrap();
    u.task_ends(&api, &handle, false).await;
    u.until_ssl(&x.ssl, &id, shows).await;

    // A handle the task API does not know.
    let unknown =
        match u.spec.operations[&u.spec.tasks[&api].operation].input[&u.spec.tasks[&api].handle].ty
        {
            TypeExpr::String => json!("nosuch-task-0000"),
            _ => json!(987_654_321),
        };
    let api_spec = u.spec.tasks[&api].clone();
    let mut input = Map::new();
    input.insert(api_spec.handle.clone(), unknown);
    let answer = u.c.call(&api_spec.operation, Value::Object(input)).await;
    match (&x.unknown_handle, answer) {
        (Unknown::NoStatus, Ok(out)) => {
            assert!(value_at(&out, &api_spec.status).is_none(), "{out}");
        }
        (Unknown::Error(code), Err(e)) => assert_eq!(e.code(), Some(*code), "{e}"),
        (Unknown::EmptyList(list), Ok(out)) => {
            assert_eq!(value_at(&out, list), Some(&json!([])), "{out}");
        }
        (_, other) => panic!("{}: unknown handle answered {other:?}", x.crate_name),
    }
    u.emu.shutdown().await;
}

/// More than 3 pages: each instance once, in order, with the whole total on every page.
async fn pages(x: Expect) {
    const INSTANCES: usize = 7;
    const LIMIT: usize = 2;
    let seed = Seed {
        replace_defaults: true,
        ..Seed::default()
    };
    let mut u = Under::start(x.crate_name, Some(seed)).await;
    let mut created = Vec::new();
    for i in 0..INSTANCES {
        created.push(u.create(&format!("page-{i}")).await);
    }
    let list = &u.spec.operations[&u.res.list.operation];
    let pagination = list.pagination.clone().unwrap();
    let mut seen: Vec<String> = Vec::new();
    let mut pages = 0;
    loop {
        let mut input = Map::new();
        input.insert(pagination.offset.clone(), json!(pages * LIMIT));
        input.insert(pagination.limit.clone(), json!(LIMIT));
        let out = u.c.ok(&u.res.list.operation, Value::Object(input)).await;
        let total = pagination
            .total
            .as_ref()
            .map(|t| value_at(&out, t).cloned());
        assert_eq!(total, Some(Some(json!(INSTANCES))), "page {pages}: {out}");
        let items = value_at(&out, &pagination.items)
            .and_then(Value::as_array)
            .unwrap();
        if items.is_empty() {
            break;
        }
        assert!(items.len() <= LIMIT);
        for item in items {
            let id = value_at(item, &u.res.list.id)
                .and_then(Value::as_str)
                .unwrap();
            seen.push(id.to_owned());
        }
        pages += 1;
        assert!(pages <= INSTANCES, "the pages never end");
    }
    assert_eq!(pages, INSTANCES.div_ceil(LIMIT));
    assert!(pages > 3);
    assert_eq!(seen, created, "each instance once, in creation order");
    u.emu.shutdown().await;
}

/// A create missing a required member is the vendor's validation error and creates nothing.
async fn invalid_create(x: Expect) {
    let seed = Seed {
        replace_defaults: true,
        ..Seed::default()
    };
    let u = Under::start(x.crate_name, Some(seed)).await;
    let (op, mut input) = u.create_input("bad");
    let required = u.spec.operations[&op]
        .input
        .iter()
        .find(|(name, m)| m.required && input.get(name.as_str()).is_some())
        .map(|(name, _)| name.clone())
        .expect("a required member");
    input.as_object_mut().unwrap().remove(&required);
    let e = u.c.call(&op, input).await.unwrap_err();
    let vendor_code = match u.spec.vendor {
        cloud_spec::Vendor::Tencent => "MissingParameter",
        cloud_spec::Vendor::Huawei => "DBS.200001",
    };
    assert_eq!(e.code(), Some(vendor_code), "{e}");
    let all = u.c.ok(&u.res.list.operation, json!({})).await;
    let total = u.spec.operations[&u.res.list.operation]
        .pagination
        .as_ref()
        .and_then(|p| p.total.clone())
        .unwrap();
    assert_eq!(value_at(&all, &total), Some(&json!(0)), "{all}");
    u.emu.shutdown().await;
}

macro_rules! per_service {
    ($($service:ident),*) => {
        mod lifecycle_walk {
            $(#[tokio::test] async fn $service() { super::walk(super::$service()).await; })*
        }
        mod task_progress_and_failures {
            $(#[tokio::test] async fn $service() {
                super::tasks_run_then_succeed_or_fail(super::$service()).await;
            })*
        }
        mod more_than_three_pages {
            $(#[tokio::test] async fn $service() { super::pages(super::$service()).await; })*
        }
        mod invalid_creates {
            $(#[tokio::test] async fn $service() { super::invalid_create(super::$service()).await; })*
        }
    };
}

per_service!(mongodb, cdb, postgres, geminidb);
