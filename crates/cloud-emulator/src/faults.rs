//! Fault injection: the fault syntax, rules that match operations a number of times, and the
//! handle tests use to add and clear them.
//!
//! Syntax (header `X-Emulator-Fault`, rule field `fault`): comma-separated items, at most one
//! failure plus an optional latency:
//!
//! | item | effect |
//! |---|---|
//! | `latency:<ms>` | wait before answering (at most [`MAX_LATENCY`]) |
//! | `status:<code>` | HTTP 400–599 with the vendor's error body |
//! | `throttle` | the vendor's throttling error (Tencent `RequestLimitExceeded`, Huawei 429 `APIGW.0308`) |
//! | `html[:<code>]` | an HTML error page, as a proxy sends (default 502) |
//! | `reset` | the connection is reset (TCP RST), no response |
//! | `truncate` | a complete HTTP response whose JSON is cut in half |
//! | `truncate-body` | `Content-Length` promises the whole body; the connection closes half-way |
//! | `malformed` | a complete HTTP response whose body is not JSON |
//!
//! A failure may end in `@before` (the request is not processed: nothing is applied) or
//! `@after` (the request is processed, then the answer is lost or damaged). Defaults: `status`,
//! `throttle`, `html` and `reset` happen before; `truncate`, `truncate-body` and `malformed`
//! damage the real answer, so they are always after. Example: `latency:200,reset@after`.

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The longest latency a fault may add. Bounded so a test can never hang on the emulator.
pub const MAX_LATENCY: Duration = Duration::from_secs(30);

/// How a response fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// An HTTP status (400–599) with the vendor's error body.
    Status(u16),
    /// The vendor's throttling error.
    Throttle,
    /// An HTML error page with this status.
    Html(u16),
    /// The connection is reset without a response.
    Reset,
    /// A complete response whose JSON body is cut in half.
    TruncatedJson,
    /// A response whose body stops half-way while `Content-Length` promises all of it.
    TruncatedBody,
    /// A complete response whose body is not JSON.
    MalformedJson,
}

/// When the failure happens relative to processing the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Instead of processing: nothing is applied.
    Before,
    /// After processing: a mutation is applied, its answer lost or damaged.
    After,
}

impl Failure {
    fn default_phase(self) -> Phase {
        match self {
            Failure::Status(_) | Failure::Throttle | Failure::Html(_) | Failure::Reset => {
                Phase::Before
            }
            Failure::TruncatedJson | Failure::TruncatedBody | Failure::MalformedJson => {
                Phase::After
            }
        }
    }

    fn damages_the_answer(self) -> bool {
        matches!(
            self,
            Failure::TruncatedJson | Failure::TruncatedBody | Failure::MalformedJson
        )
    }
}

/// A fault: optional added latency and optional failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fault {
    /// Added before answering.
    pub latency: Option<Duration>,
    /// How the answer fails, and when.
    pub failure: Option<(Failure, Phase)>,
}

impl Fault {
    /// Only latency.
    pub fn latency(d: Duration) -> Self {
        Fault {
            latency: Some(d.min(MAX_LATENCY)),
            failure: None,
        }
    }

    /// A failure at its default phase.
    pub fn failure(f: Failure) -> Self {
        Fault {
            latency: None,
            failure: Some((f, f.default_phase())),
        }
    }
}

/// A fault string that does not parse. The message names the offending item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultParseError(String);

impl fmt::Display for FaultParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid fault: {}", self.0)
    }
}

impl std::error::Error for FaultParseError {}

impl FromStr for Fault {
    type Err = FaultParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |m: String| FaultParseError(m);
        let mut fault = Fault::default();
        for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (body, phase) = match item.split_once('@') {
                Some((b, "before")) => (b, Some(Phase::Before)),
                Some((b, "after")) => (b, Some(Phase::After)),
                Some((_, other)) => {
                    return Err(err(format!(
                        "`@{other}` in `{item}`: use @before or @after"
                    )))
                }
                None => (item, None),
            };
            let (kind, arg) = match body.split_once(':') {
                Some((k, a)) => (k, Some(a)),
                None => (body, None),
            };
            let status_arg = |default: Option<u16>| -> Result<u16, FaultParseError> {
                let code = match arg {
                    Some(a) => a
                        .parse::<u16>()
                        .map_err(|_| err(format!("`{item}`: the status is not a number")))?,
                    None => default
                        .ok_or_else(|| err(format!("`{item}`: give a status, e.g. status:503")))?,
                };
                if (400..=599).contains(&code) {
                    Ok(code)
                } else {
                    Err(err(format!("`{item}`: the status must be 400-599")))
                }
            };
            let no_arg = |f: Failure| -> Result<Failure, FaultParseError> {
                match arg {
                    None => Ok(f),
                    Some(_) => Err(err(format!("`{item}` takes no argument"))),
                }
            };
            let failure = match kind {
                "latency" => {
                    if phase.is_some() {
                        return Err(err(format!("`{item}`: latency has no phase")));
                    }
                    let ms: u64 = arg
                        .and_then(|a| a.parse().ok())
                        .ok_or_else(|| err(format!("`{item}`: expected latency:<milliseconds>")))?;
                    let d = Duration::from_millis(ms);
                    if d > MAX_LATENCY {
                        return Err(err(format!("`{item}`: latency is capped at {} ms", MAX_LATENCY.as_millis())));
                    }
                    fault.latency = Some(d);
                    continue;
                }
                "status" => Failure::Status(status_arg(None)?),
                "html" => Failure::Html(status_arg(Some(502))?),
                "throttle" => no_arg(Failure::Throttle)?,
                "reset" => no_arg(Failure::Reset)?,
                "truncate" => no_arg(Failure::TruncatedJson)?,
                "truncate-body" => no_arg(Failure::TruncatedBody)?,
                "malformed" => no_arg(Failure::MalformedJson)?,
                other => {
                    return Err(err(format!(
                        "unknown fault `{other}`; expected latency, status, throttle, html, reset, truncate, truncate-body or malformed"
                    )))
                }
            };
            if fault.failure.is_some() {
                return Err(err(
                    "give at most one failure (plus an optional latency)".to_owned()
                ));
            }
            let phase = phase.unwrap_or(failure.default_phase());
            if failure.damages_the_answer() && phase == Phase::Before {
                return Err(err(format!(
                    "`{item}` damages the real answer, so it cannot happen @before"
                )));
            }
            fault.failure = Some((failure, phase));
        }
        if fault == Fault::default() {
            return Err(err("empty fault".to_owned()));
        }
        Ok(fault)
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut items = Vec::new();
        if let Some(d) = self.latency {
            items.push(format!("latency:{}", d.as_millis()));
        }
        if let Some((failure, phase)) = self.failure {
            let name = match failure {
                Failure::Status(c) => format!("status:{c}"),
                Failure::Throttle => "throttle".to_owned(),
                Failure::Html(c) => format!("html:{c}"),
                Failure::Reset => "reset".to_owned(),
                Failure::TruncatedJson => "truncate".to_owned(),
                Failure::TruncatedBody => "truncate-body".to_owned(),
                Failure::MalformedJson => "malformed".to_owned(),
            };
            let suffix = match phase {
                Phase::Before => "@before",
                Phase::After => "@after",
            };
            items.push(format!("{name}{suffix}"));
        }
        f.write_str(&items.join(","))
    }
}

impl Serialize for Fault {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Fault {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

fn one() -> u32 {
    1
}

/// A rule: inject `fault` into requests for `operation` (of `service`, if given), `times` times,
/// after letting the first `skip` matching requests through.
///
/// As JSON (`POST /_emulator/faults`):
/// `{"operation": "InstanceEnableSSL", "service": "tencent-mongodb", "fault": "reset", "times": 1, "skip": 0}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// Operation name (`InstanceEnableSSL`, `SwitchSsl`, `KeystoneCreateUserTokenByPassword`);
    /// `*` or absent matches every operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Service key (`tencent-mongodb`) or vendor service name (`mongodb`); absent: any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// What to inject.
    pub fault: Fault,
    /// How many matching requests get the fault (default 1).
    #[serde(default = "one")]
    pub times: u32,
    /// How many matching requests pass untouched first (default 0).
    #[serde(default)]
    pub skip: u32,
}

impl FaultRule {
    /// A rule for one operation, once.
    pub fn new(operation: impl Into<String>, fault: Fault) -> Self {
        FaultRule {
            operation: Some(operation.into()),
            service: None,
            fault,
            times: 1,
            skip: 0,
        }
    }

    /// Limits the rule to one service.
    pub fn service(mut self, service: impl Into<String>) -> Self {
        self.service = Some(service.into());
        self
    }

    /// Applies the fault this many times.
    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }

    /// Lets this many matching requests through first.
    pub fn skip(mut self, skip: u32) -> Self {
        self.skip = skip;
        self
    }

    fn matches(&self, service_key: &str, service_name: &str, op: &str) -> bool {
        names_call(
            self.operation.as_deref(),
            self.service.as_deref(),
            (service_key, service_name, op),
        )
    }
}

/// Whether a rule naming `operation` (`*` or absent: any) and `service` (its key or its
/// vendor name; absent: any) is about a call to `op` of the service `(key, name)`: fault and
/// task-failure rules name calls alike.
pub(crate) fn names_call(
    operation: Option<&str>,
    service: Option<&str>,
    (service_key, service_name, op): (&str, &str, &str),
) -> bool {
    let op_ok = match operation {
        None | Some("*") => true,
        Some(want) => want == op,
    };
    op_ok && service.is_none_or(|want| want == service_key || want == service_name)
}

#[derive(Debug)]
struct ActiveRule {
    rule: FaultRule,
    skipped: u32,
    fired: u32,
}

#[derive(Debug, Default)]
struct Rules {
    active: Vec<ActiveRule>,
    injected: u64,
}

/// The most fault rules active at once. Every request is matched against the active rules, so
/// an unbounded list would slow every call down and hold memory until cleared.
pub const MAX_FAULT_RULES: usize = 1000;

/// The fault rules of a running emulator. Cheap to clone; clones share the rules.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    rules: Arc<Mutex<Rules>>,
    /// How many rules are active, kept with the rules under their lock: every request asks,
    /// and almost always none is, so the answer is read without taking the lock.
    active: Arc<AtomicUsize>,
}

/// Why a rule was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRuleError(String);

impl fmt::Display for FaultRuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FaultRuleError {}

impl Faults {
    fn lock(&self) -> MutexGuard<'_, Rules> {
        self.rules.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds a rule. Rules are tried in the order they were added; the first that matches wins.
    ///
    /// # Errors
    ///
    /// A rule without a fault or with `times: 0`, or [`MAX_FAULT_RULES`] rules already active.
    pub fn add(&self, rule: FaultRule) -> Result<(), FaultRuleError> {
        self.add_all(vec![rule])
    }

    /// Adds rules, all or none: nothing is added when one is invalid or they would not fit
    /// under [`MAX_FAULT_RULES`].
    ///
    /// # Errors
    ///
    /// As [`Faults::add`].
    pub fn add_all(&self, rules: Vec<FaultRule>) -> Result<(), FaultRuleError> {
        for rule in &rules {
            if rule.times == 0 {
                return Err(FaultRuleError("`times` must be at least 1".to_owned()));
            }
            if rule.fault == Fault::default() {
                return Err(FaultRuleError("the rule has no fault".to_owned()));
            }
        }
        let mut state = self.lock();
        if state.active.len() + rules.len() > MAX_FAULT_RULES {
            return Err(FaultRuleError(format!(
                "at most {MAX_FAULT_RULES} fault rules can be active ({} are); \
                 DELETE /_emulator/faults removes them",
                state.active.len()
            )));
        }
        state
            .active
            .extend(rules.into_iter().map(|rule| ActiveRule {
                rule,
                skipped: 0,
                fired: 0,
            }));
        self.active.store(state.active.len(), Ordering::Release);
        Ok(())
    }

    /// Removes every rule, and gives their memory back.
    pub fn clear(&self) {
        let mut state = self.lock();
        state.active = Vec::new();
        self.active.store(0, Ordering::Release);
    }

    /// The rules that still have faults to inject, with how many remain.
    pub fn pending(&self) -> Vec<(FaultRule, u32)> {
        self.lock()
            .active
            .iter()
            .map(|a| (a.rule.clone(), a.rule.times - a.fired))
            .collect()
    }

    /// How many faults were injected so far (by rules and by the `X-Emulator-Fault` header).
    pub fn injected_count(&self) -> u64 {
        self.lock().injected
    }

    pub(crate) fn count_injection(&self) {
        self.lock().injected += 1;
    }

    /// The fault for a request to `op`, consuming one use of the first matching rule.
    pub(crate) fn take(&self, service_key: &str, service_name: &str, op: &str) -> Option<Fault> {
        if self.active.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut rules = self.lock();
        let index = rules
            .active
            .iter()
            .position(|a| a.rule.matches(service_key, service_name, op))?;
        let active = &mut rules.active[index];
        if active.skipped < active.rule.skip {
            active.skipped += 1;
            return None;
        }
        active.fired += 1;
        let fault = active.rule.fault;
        if active.fired >= active.rule.times {
            rules.active.remove(index);
            self.active.store(rules.active.len(), Ordering::Release);
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_round_trips() {
        for (text, canonical) in [
            ("reset", "reset@before"),
            ("reset@after", "reset@after"),
            ("latency:250", "latency:250"),
            ("latency:10, status:503", "latency:10,status:503@before"),
            ("status:504@after", "status:504@after"),
            ("html", "html:502@before"),
            ("throttle", "throttle@before"),
            ("truncate", "truncate@after"),
            ("truncate-body", "truncate-body@after"),
            ("malformed", "malformed@after"),
        ] {
            let fault: Fault = text.parse().unwrap();
            assert_eq!(fault.to_string(), canonical);
            assert_eq!(canonical.parse::<Fault>().unwrap(), fault);
        }
    }

    #[test]
    fn bad_syntax_names_the_problem() {
        for (text, needle) in [
            ("", "empty"),
            ("explode", "unknown fault `explode`"),
            ("latency:31000", "capped"),
            ("latency:abc", "latency:<milliseconds>"),
            ("status", "give a status"),
            ("status:200", "400-599"),
            ("reset,throttle", "at most one failure"),
            ("truncate@before", "cannot happen @before"),
            ("reset@later", "@later"),
            ("reset:1", "takes no argument"),
        ] {
            let e = text.parse::<Fault>().unwrap_err().to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }

    #[test]
    fn rules_skip_then_fire_times() {
        let faults = Faults::default();
        faults
            .add(
                FaultRule::new("Op", Fault::failure(Failure::Reset))
                    .times(2)
                    .skip(1),
            )
            .unwrap();
        assert!(faults.take("svc", "s", "Other").is_none());
        assert!(faults.take("svc", "s", "Op").is_none());
        assert!(faults.take("svc", "s", "Op").is_some());
        assert_eq!(faults.pending()[0].1, 1);
        assert!(faults.take("svc", "s", "Op").is_some());
        assert!(faults.take("svc", "s", "Op").is_none());
        assert!(faults.pending().is_empty());
        assert!(faults
            .add(FaultRule::new("Op", Fault::failure(Failure::Reset)).times(0))
            .is_err());
        let json: FaultRule = serde_json::from_str(
            r#"{"operation": "*", "service": "mongodb", "fault": "status:503"}"#,
        )
        .unwrap();
        assert_eq!(json.times, 1);
        faults.add(json).unwrap();
        assert!(faults.take("tencent-mongodb", "mongodb", "Any").is_some());
        assert!(serde_json::from_str::<FaultRule>(r#"{"fault": "nope"}"#).is_err());
    }
}
