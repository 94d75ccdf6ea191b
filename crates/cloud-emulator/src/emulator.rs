//! Starting and stopping an emulator in-process: [`Emulator::builder`] → [`EmulatorBuilder::start`]
//! → [`RunningEmulator`].

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cloud_spec::{Service, Vendor};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::catalog::{documented_instance_ids, Catalog};
use crate::clock::Clock;
use crate::config::{
    Accepted, AccessKey, IamUser, Project, Settings, DEFAULT_ASYNC_DELAY, DEFAULT_TOKEN_TTL,
    MAX_CLOCK_OFFSET,
};
use crate::context::Shared;
use crate::demo_data::{
    DEFAULT_HUAWEI_DOMAIN_ID, DEFAULT_HUAWEI_PROJECT_ID, DEFAULT_HUAWEI_REGION, DEFAULT_INSTANCES,
};
use crate::faults::Faults;
use crate::iam_tokens::Iam;
use crate::ratelimit::RateLimiter;
use crate::server;
use crate::state::{Instance, InstanceSnapshot, Seed, Store};
use crate::task_failures::{TaskFailureRule, TaskFailures};

/// Entry point: `Emulator::builder().start().await`.
#[derive(Debug)]
pub struct Emulator;

impl Emulator {
    /// A builder with the demo defaults: loopback on a random port, the bundled specs, the demo
    /// credentials, the docs' instances, a one-second async delay and rate limits on.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }
}

/// Configures an emulator. Every setting has a documented default.
#[derive(Debug)]
pub struct EmulatorBuilder {
    listen: SocketAddr,
    services: Option<Vec<Service>>,
    extra_services: Vec<Service>,
    accepted: Accepted,
    projects: Vec<Project>,
    seed: Seed,
    async_delay: Duration,
    token_ttl: Duration,
    credential_ttl: Duration,
    rate_limits: bool,
    clock_offset_secs: i64,
    task_failures: Vec<TaskFailureRule>,
    body_read_timeout: Duration,
    max_connections: usize,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            services: None,
            extra_services: Vec::new(),
            accepted: Accepted::demo(),
            projects: vec![Project::new(
                DEFAULT_HUAWEI_PROJECT_ID,
                DEFAULT_HUAWEI_REGION,
            )],
            seed: Seed::default(),
            async_delay: DEFAULT_ASYNC_DELAY,
            token_ttl: DEFAULT_TOKEN_TTL,
            credential_ttl: crate::config::DEFAULT_CREDENTIAL_TTL,
            rate_limits: true,
            clock_offset_secs: 0,
            task_failures: Vec::new(),
            body_read_timeout: crate::config::DEFAULT_BODY_READ_TIMEOUT,
            max_connections: crate::config::DEFAULT_MAX_CONNECTIONS,
        }
    }
}

impl EmulatorBuilder {
    /// The address to listen on (default `127.0.0.1:0`, a random free port).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Serves exactly these services instead of the bundled ones.
    pub fn services(mut self, services: Vec<Service>) -> Self {
        self.services = Some(services);
        self
    }

    /// Serves this service too; it replaces a loaded one with the same vendor, service and version.
    pub fn add_service(mut self, service: Service) -> Self {
        self.extra_services.push(service);
        self
    }

    /// Replaces the accepted Tencent credentials (default: the demo ones).
    pub fn tencent_keys(mut self, keys: Vec<AccessKey>) -> Self {
        self.accepted.tencent_keys = keys;
        self
    }

    /// Accepts one more Tencent key.
    pub fn add_tencent_key(mut self, key: AccessKey) -> Self {
        self.accepted.tencent_keys.push(key);
        self
    }

    /// Replaces the accepted Huawei AK/SK pairs (default: the demo ones).
    pub fn huawei_keys(mut self, keys: Vec<AccessKey>) -> Self {
        self.accepted.huawei_keys = keys;
        self
    }

    /// Accepts one more Huawei AK/SK pair.
    pub fn add_huawei_key(mut self, key: AccessKey) -> Self {
        self.accepted.huawei_keys.push(key);
        self
    }

    /// Replaces the IAM users that may obtain tokens (default: the demo user).
    pub fn iam_users(mut self, users: Vec<IamUser>) -> Self {
        self.accepted.iam_users = users;
        self
    }

    /// Replaces the default Huawei project (default: [`DEFAULT_HUAWEI_PROJECT_ID`] named
    /// [`DEFAULT_HUAWEI_REGION`]).
    pub fn default_project(mut self, project: Project) -> Self {
        self.projects[0] = project;
        self
    }

    /// Adds a Huawei project (a region of the account).
    pub fn add_project(mut self, project: Project) -> Self {
        self.projects.push(project);
        self
    }

    /// Initial state (instances, projects), e.g. from [`Seed::from_file`].
    pub fn seed(mut self, seed: Seed) -> Self {
        self.seed = seed;
        self
    }

    /// How long an async change takes (default 1 s): a creation, an SSL switch, an isolation
    /// or a deletion shows, and the task it started finishes, after this long.
    pub fn async_delay(mut self, delay: Duration) -> Self {
        self.async_delay = delay;
        self
    }

    /// Lifetime of issued IAM tokens (default 24 h).
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }

    /// Lifetime of the temporary credentials the emulator issues (CVM role, STS, ECS metadata,
    /// IAM federation; default 2 h). A few seconds makes refresh testable in seconds.
    pub fn credential_ttl(mut self, ttl: Duration) -> Self {
        self.credential_ttl = ttl;
        self
    }

    /// Enforces the specs' per-operation rate limits (default on).
    pub fn rate_limits(mut self, on: bool) -> Self {
        self.rate_limits = on;
        self
    }

    /// How long a request body may take to arrive once its headers have (default 30 s); a
    /// stalled upload then gets a 408 and its connection is closed.
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = timeout;
        self
    }

    /// The most connections open at once (default 256, at least 1). Past it, the oldest
    /// connection that is idle or still sending its request is closed to make room, so health
    /// checks and normal calls are still answered while stalled clients pile up.
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = max.max(1);
        self
    }

    /// Runs the emulator's clock `seconds` ahead of the system clock (negative: behind;
    /// default 0), as a server whose clock differs from the client's: signature skew checks
    /// (`X-TC-Timestamp`, `X-Sdk-Date`), the `Date` header of every response, and the issue and
    /// expiry times of IAM tokens all use the shifted time. A client correct to the second is
    /// then off by `seconds` as far as the emulator is concerned, which is how to test clock
    /// correction without touching any clock. At most [`MAX_CLOCK_OFFSET`] either way;
    /// [`start`](Self::start) refuses more.
    pub fn clock_offset(mut self, seconds: i64) -> Self {
        self.clock_offset_secs = seconds;
        self
    }

    /// Makes tasks fail from the start (see [`TaskFailureRule`]); at run time, use
    /// [`RunningEmulator::task_failures`] or `POST /_emulator/task-failures`.
    pub fn fail_tasks(mut self, rule: TaskFailureRule) -> Self {
        self.task_failures.push(rule);
        self
    }

    /// Binds the listener and starts serving on the current Tokio runtime.
    pub async fn start(self) -> Result<RunningEmulator, StartError> {
        if self.clock_offset_secs.unsigned_abs() > MAX_CLOCK_OFFSET.as_secs() {
            return Err(StartError::new(format!(
                "the clock offset of {} s is larger than the {} s (100 years) allowed either way",
                self.clock_offset_secs,
                MAX_CLOCK_OFFSET.as_secs()
            )));
        }
        let mut services = self.services.unwrap_or_else(cloud_spec::bundle::services);
        for extra in self.extra_services {
            services.retain(|s| {
                !(s.vendor == extra.vendor
                    && s.service == extra.service
                    && s.version == extra.version)
            });
            services.push(extra);
        }
        let catalog = Catalog::new(services);

        let mut projects = self.projects;
        for p in self.seed.projects.iter() {
            if !projects.iter().any(|q| q.id == p.id) {
                projects.push(p.clone());
            }
        }
        let default_project = projects[0].clone();

        let clock = Clock::with_offset(self.clock_offset_secs);
        let started = clock.now();
        let store = Store::default();
        {
            let mut state = store.lock();
            if !self.seed.replace_defaults {
                for (service, id) in default_instance_ids(&catalog) {
                    state.insert_instance(&service, &id, Instance::new(None, None));
                }
            }
            for seeded in &self.seed.instances {
                let Some(svc) = catalog.service(&seeded.service) else {
                    return Err(StartError::new(format!(
                        "the seed names service `{}`, which is not loaded (loaded: {})",
                        seeded.service,
                        catalog
                            .services
                            .iter()
                            .map(|s| s.key.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                };
                let mut instance = Instance::new(seeded.region.clone(), seeded.project_id.clone());
                instance.name = seeded.name.clone();
                if let Some(certificate) = &seeded.certificate {
                    instance.certificate = Some(certificate.resolve(started).map_err(|e| {
                        StartError::new(format!("the seed's certificate of `{}`: {e}", seeded.id))
                    })?);
                }
                instance.state = seeded.state.unwrap_or_default();
                for (op, overlay) in &seeded.outputs {
                    if !svc.spec.operations.contains_key(op) {
                        return Err(StartError::new(format!(
                            "the seed sets outputs of `{op}`, which is not an operation of `{}`",
                            svc.key
                        )));
                    }
                    instance.outputs.insert(op.clone(), overlay.clone());
                }
                state.insert_instance(&svc.key, &seeded.id, instance);
            }
        }

        let task_failures = TaskFailures::default();
        for rule in self.task_failures {
            task_failures
                .add(rule)
                .map_err(|e| StartError::new(format!("invalid task failure rule: {e}")))?;
        }

        let listener = TcpListener::bind(self.listen)
            .await
            .map_err(|e| StartError::new(format!("cannot listen on {}: {e}", self.listen)))?;
        let bound = listener
            .local_addr()
            .map_err(|e| StartError::new(format!("cannot read the listening address: {e}")))?;
        let mut addr = bound;
        if addr.ip().is_unspecified() {
            addr.set_ip(Ipv4Addr::LOCALHOST.into());
        }

        let shared = Arc::new(Shared {
            catalog,
            store,
            settings: Settings {
                accepted: self.accepted,
                body_read_timeout: self.body_read_timeout,
                max_connections: self.max_connections,
                async_delay: self.async_delay,
                token_ttl: self.token_ttl,
                credential_ttl: self.credential_ttl,
                rate_limits: self.rate_limits,
                domain_id: DEFAULT_HUAWEI_DOMAIN_ID.to_owned(),
                clock,
                base_url: format!("http://{addr}"),
                default_certificate_not_after: started
                    .saturating_add(crate::certificates::DEFAULT_LIFETIME_DAYS * 86_400),
            },
            faults: Faults::default(),
            task_failures,
            limiter: RateLimiter::default(),
            iam: Iam::new(projects),
            certificates: Default::default(),
            issued: crate::issued::Issued::default(),
        });
        let (shutdown, shutdown_rx) = watch::channel(false);
        let task = tokio::spawn(server::run(listener, shared.clone(), shutdown_rx));
        tracing::info!(%addr, services = shared.catalog.services.len(), "emulator started");
        Ok(RunningEmulator {
            addr,
            bound,
            shared,
            default_project,
            shutdown,
            task: Some(task),
        })
    }
}

/// The ids of the default instances: [`DEFAULT_INSTANCES`] for loaded services, plus every
/// instance id in the specs' examples (input values and member examples of the members that
/// name an instance or, for TencentDB for MySQL, a read-only group).
fn default_instance_ids(catalog: &Catalog) -> Vec<(String, String)> {
    catalog
        .services
        .iter()
        .flat_map(|svc| {
            default_instances_of(&svc.spec)
                .into_iter()
                .map(|id| (svc.key.clone(), id))
        })
        .collect()
}

/// The first default instance of one service (see [`default_instances_of`]).
pub(crate) fn first_default_instance(spec: &Service) -> Option<String> {
    let key = spec.crate_name();
    DEFAULT_INSTANCES
        .iter()
        .find(|(service, _)| *service == key)
        .map(|(_, id)| (*id).to_owned())
        .or_else(|| documented_instance_ids(spec).into_iter().next())
}

/// The default instances of one service, without repeats: [`DEFAULT_INSTANCES`] first, then
/// the ids its docs use.
pub(crate) fn default_instances_of(spec: &Service) -> Vec<String> {
    let key = spec.crate_name();
    let mut ids: Vec<String> = DEFAULT_INSTANCES
        .iter()
        .filter(|(service, _)| *service == key)
        .map(|(_, id)| (*id).to_owned())
        .collect();
    for id in documented_instance_ids(spec) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// Why an emulator could not start.
#[derive(Debug)]
pub struct StartError {
    message: String,
}

impl StartError {
    fn new(message: String) -> Self {
        StartError { message }
    }
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StartError {}

/// A running emulator. [`shutdown`](RunningEmulator::shutdown) stops it and waits for its
/// tasks; dropping it stops it without waiting.
pub struct RunningEmulator {
    /// Where clients connect (loopback when the listener is on every interface).
    addr: SocketAddr,
    /// What the listener is bound to, as given (`0.0.0.0:port` for every interface).
    bound: SocketAddr,
    shared: Arc<Shared>,
    default_project: Project,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for RunningEmulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningEmulator")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl RunningEmulator {
    /// `http://127.0.0.1:<port>`: the endpoint to give clients (every service shares it).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address clients connect to: the bound address, with an unspecified IP
    /// (`0.0.0.0`) replaced by loopback.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address the listener is bound to, as it is: `0.0.0.0:<port>` when it listens on every
    /// interface.
    pub fn bound_addr(&self) -> SocketAddr {
        self.bound
    }

    /// The fault rules; add rules to inject faults into matching requests.
    pub fn faults(&self) -> Faults {
        self.shared.faults.clone()
    }

    /// The task-failure rules: add one to make the next task of an operation (or instance)
    /// fail (see [`TaskFailureRule`]).
    pub fn task_failures(&self) -> TaskFailures {
        self.shared.task_failures.clone()
    }

    /// The default Huawei project id (what `{project_id}` should be).
    pub fn project_id(&self) -> &str {
        &self.default_project.id
    }

    /// The default Huawei region (the default project's name).
    pub fn huawei_region(&self) -> &str {
        &self.default_project.name
    }

    /// The configured async delay.
    pub fn async_delay(&self) -> Duration {
        self.shared.settings.async_delay
    }

    /// How many seconds the emulator's clock runs ahead of the system clock (negative: behind),
    /// as set with [`EmulatorBuilder::clock_offset`].
    pub fn clock_offset(&self) -> i64 {
        self.shared.settings.clock.offset_secs()
    }

    /// The keys (`tencent-mongodb`, ...) of the services served.
    pub fn services(&self) -> Vec<String> {
        self.shared
            .catalog
            .services
            .iter()
            .map(|s| s.key.clone())
            .collect()
    }

    /// How many times mutation `operation` was applied, over all services. A mutation is
    /// applied when its request passed authentication and validation and its instance exists,
    /// even if a fault then damaged the answer.
    pub fn applied_count(&self, operation: &str) -> u64 {
        self.shared.store.lock().applied_count(None, operation)
    }

    /// Like [`applied_count`](Self::applied_count) for one service (`tencent-mongodb`).
    pub fn applied_count_in(&self, service: &str, operation: &str) -> u64 {
        self.shared
            .store
            .lock()
            .applied_count(Some(service), operation)
    }

    /// How many times `operation` was applied to one instance.
    pub fn applied_count_on(&self, service: &str, operation: &str, instance_id: &str) -> u64 {
        self.shared
            .store
            .lock()
            .applied_on(service, operation, instance_id)
    }

    /// How many requests were routed to `operation` (over all services), whatever their outcome.
    /// Requests answered by a fault `@before` are not routed to it and do not count.
    ///
    /// The emulator's IAM endpoints count too, under the operation names the official SDKs
    /// give them (and fault rules match): `KeystoneCreateUserTokenByPassword`
    /// (`POST /v3/auth/tokens`) and `KeystoneListProjects` (`GET /v3/projects`).
    pub fn request_count(&self, operation: &str) -> u64 {
        self.shared.store.lock().request_count(None, operation)
    }

    /// How many temporary credentials the provider named `issuer` issued (see
    /// [`ISSUER_TENCENT_CVM_ROLE`](crate::ISSUER_TENCENT_CVM_ROLE) and the others); also on
    /// `GET /_emulator/credentials`.
    pub fn issued_count(&self, issuer: &str) -> u64 {
        self.shared
            .issued
            .counts()
            .get(issuer)
            .copied()
            .unwrap_or(0)
    }

    /// An instance's current state (changes whose delay has passed are visible).
    pub fn instance(&self, service: &str, id: &str) -> Option<InstanceSnapshot> {
        let key = self
            .shared
            .catalog
            .service(service)
            .map(|s| s.key.as_str())
            .unwrap_or(service);
        let catalog = &self.shared.catalog;
        let mut state = self.shared.store.lock();
        let now = Instant::now();
        state.snapshot(key, id, now, &|service, s| catalog.status_of(service, s))
    }

    /// Whether an instance exists (one whose deletion has finished does not).
    pub fn has_instance(&self, service: &str, id: &str) -> bool {
        self.instance(service, id).is_some()
    }

    /// The vendor of a loaded service, by key or vendor name.
    pub fn vendor_of(&self, service: &str) -> Option<Vendor> {
        self.shared.catalog.service(service).map(|s| s.spec.vendor)
    }

    /// Serves one request in-process, without a connection, as a connection would after
    /// reading it: for the fuzz targets. Not part of the public API (see [`crate::fuzzing`]).
    #[doc(hidden)]
    pub async fn serve_in_process(
        &self,
        request: crate::fuzzing::RawRequest<'_>,
    ) -> crate::fuzzing::Served {
        crate::fuzzing::serve(&self.shared, self.shutdown.subscribe(), request).await
    }

    /// Stops accepting, lets in-flight requests finish (briefly), and waits for every task.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(10), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            // Aborting the server task drops its connection set, which aborts every connection.
            task.abort();
        }
    }
}
