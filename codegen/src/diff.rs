//! What changed between two versions of a spec, judged by what it does to the generated crate's
//! users: **breaking** (code that compiled or worked may not), **additive** (new things only),
//! or **patch** (docs, examples, retry hints: nothing a user's code can depend on by type).
//!
//! The rules follow the generated API: input and output structs and enums are `#[non_exhaustive]`
//! and enums keep unknown values, so adding an operation, an optional input member, an output
//! member, an enum value or an error-code constant is additive; removing any of them, changing a
//! member's type, making an input member required (its field stops being an `Option` and
//! `build()` demands it) or the reverse, and making an output member nullable or no longer
//! always sent (its field becomes an `Option`) or the reverse, is breaking.
//!
//! The semver bump follows Cargo's rules: for `0.x.y` crates a breaking change bumps `x`, an
//! additive or patch change bumps `y`; from `1.0.0` on, breaking bumps the major, additive the
//! minor, patch the patch number.

use std::collections::BTreeSet;
use std::fmt;

use cloud_spec::{Member, Operation, Service, Shape};
use indexmap::IndexMap;

/// How a change affects users of the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Nothing users can depend on by type: docs, examples, rate limits, retry hints.
    Patch,
    /// New things only: existing code keeps compiling and working.
    Additive,
    /// Existing code may stop compiling or working.
    Breaking,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Patch => "patch",
            Severity::Additive => "additive",
            Severity::Breaking => "breaking",
        })
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Where: `operations.OpenSSL.input.InstanceId`, `shapes.MongoSslStatus.values`.
    pub path: String,
    /// What happened, in words.
    pub what: String,
    /// Its classification.
    pub severity: Severity,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}: {}", self.severity, self.path, self.what)
    }
}

/// All changes between two versions of one service's spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDiff {
    /// The generated crate (`tencent-mongodb`).
    pub crate_name: String,
    /// The changes, in spec order.
    pub changes: Vec<Change>,
}

impl ServiceDiff {
    /// The most severe change, if any.
    pub fn severity(&self) -> Option<Severity> {
        self.changes.iter().map(|c| c.severity).max()
    }

    /// The version the crate needs after these changes, from `current` (`0.1.0`). `None` when
    /// nothing changed or `current` is not `MAJOR.MINOR.PATCH`.
    pub fn next_version(&self, current: &str) -> Option<String> {
        bump(current, self.severity()?)
    }
}

impl fmt::Display for ServiceDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.severity() {
            None => writeln!(f, "{}: no changes", self.crate_name),
            Some(severity) => {
                writeln!(
                    f,
                    "{}: {} changes, {severity}",
                    self.crate_name,
                    self.changes.len()
                )?;
                for change in &self.changes {
                    writeln!(f, "  {change}")?;
                }
                Ok(())
            }
        }
    }
}

/// The version after a change of `severity` to a crate at `current` (`MAJOR.MINOR.PATCH`), by
/// Cargo's rules (see the module docs); `None` when `current` is not `MAJOR.MINOR.PATCH`. The
/// release plan uses it for every crate, generated or not.
pub fn bump(current: &str, severity: Severity) -> Option<String> {
    let mut parts = current.split('.').map(|p| p.parse::<u64>().ok());
    let (major, minor, patch) = (parts.next()??, parts.next()??, parts.next()??);
    if parts.next().is_some() {
        return None;
    }
    Some(match (major, severity) {
        (0, Severity::Breaking) => format!("0.{}.0", minor + 1),
        (0, _) => format!("0.{minor}.{}", patch + 1),
        (_, Severity::Breaking) => format!("{}.0.0", major + 1),
        (_, Severity::Additive) => format!("{major}.{}.0", minor + 1),
        (_, Severity::Patch) => format!("{major}.{minor}.{}", patch + 1),
    })
}

/// Compares two versions of a service's spec.
pub fn diff(old: &Service, new: &Service) -> ServiceDiff {
    let mut d = Differ {
        changes: Vec::new(),
    };
    d.service(old, new);
    ServiceDiff {
        crate_name: new.crate_name(),
        changes: d.changes,
    }
}

/// A spec that exists on one side only: every operation counts as added (or removed).
pub fn added_service(new: &Service) -> ServiceDiff {
    ServiceDiff {
        crate_name: new.crate_name(),
        changes: vec![Change {
            path: String::new(),
            what: format!("new crate with {} operations", new.operations.len()),
            severity: Severity::Additive,
        }],
    }
}

/// The reverse of [`added_service`].
pub fn removed_service(old: &Service) -> ServiceDiff {
    ServiceDiff {
        crate_name: old.crate_name(),
        changes: vec![Change {
            path: String::new(),
            what: "the spec was removed: the crate is no longer generated".to_owned(),
            severity: Severity::Breaking,
        }],
    }
}

/// Which way values of a member flow, which decides what a change to it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Flow {
    /// Sent by the user (operation input, structures used in inputs).
    In,
    /// Received (operation output, structures used in outputs).
    Out,
}

struct Differ {
    changes: Vec<Change>,
}

impl Differ {
    fn push(&mut self, path: impl Into<String>, what: impl Into<String>, severity: Severity) {
        self.changes.push(Change {
            path: path.into(),
            what: what.into(),
            severity,
        });
    }

    fn service(&mut self, old: &Service, new: &Service) {
        if old.vendor != new.vendor || old.service != new.service {
            self.push(
                "service",
                "a different vendor or service",
                Severity::Breaking,
            );
        }
        if old.version != new.version {
            self.push(
                "version",
                format!("API version {} → {}", old.version, new.version),
                Severity::Breaking,
            );
        }
        if old.title != new.title || old.docs != new.docs {
            self.push("docs", "service title or docs changed", Severity::Patch);
        }
        if old.endpoint != new.endpoint || old.auth != new.auth {
            self.push(
                "endpoint",
                "endpoint rules or authentication modes changed",
                Severity::Patch,
            );
        }
        self.error_codes("common_errors", &old.common_errors, &new.common_errors);

        for (name, op) in &old.operations {
            let path = format!("operations.{name}");
            match new.operations.get(name) {
                None => self.push(path, "operation removed", Severity::Breaking),
                Some(new_op) => self.operation(&path, op, new_op),
            }
        }
        for name in new.operations.keys() {
            if !old.operations.contains_key(name) {
                self.push(
                    format!("operations.{name}"),
                    "operation added",
                    Severity::Additive,
                );
            }
        }

        let old_flows = flows(old);
        let new_flows = flows(new);
        for (name, shape) in &old.shapes {
            let path = format!("shapes.{name}");
            match new.shapes.get(name) {
                None => self.push(path, "shape removed", Severity::Breaking),
                Some(new_shape) => {
                    let flow = new_flows
                        .get(name)
                        .or_else(|| old_flows.get(name))
                        .cloned()
                        .unwrap_or_default();
                    self.shape(&path, shape, new_shape, &flow)
                }
            }
        }
        for name in new.shapes.keys() {
            if !old.shapes.contains_key(name) {
                self.push(format!("shapes.{name}"), "shape added", Severity::Additive);
            }
        }
    }

    fn operation(&mut self, path: &str, old: &Operation, new: &Operation) {
        if old.docs != new.docs {
            self.push(format!("{path}.docs"), "docs changed", Severity::Patch);
        }
        if old.http != new.http {
            self.push(
                format!("{path}.http"),
                format!("HTTP binding {} → {}", binding(old), binding(new)),
                Severity::Patch,
            );
        }
        if old.rate_limit != new.rate_limit || old.regions != new.regions {
            self.push(
                path.to_owned(),
                "rate limit or regions changed",
                Severity::Patch,
            );
        }
        if old.read_only != new.read_only || old.idempotent != new.idempotent {
            self.push(
                path.to_owned(),
                format!(
                    "retry hints: read_only {} → {}, idempotent {} → {}",
                    old.read_only, new.read_only, old.idempotent, new.idempotent
                ),
                Severity::Patch,
            );
        }
        if old.deprecated != new.deprecated {
            self.push(
                format!("{path}.deprecated"),
                if new.deprecated {
                    "now deprecated"
                } else {
                    "no longer deprecated"
                },
                Severity::Patch,
            );
        }
        self.members(&format!("{path}.input"), &old.input, &new.input, Flow::In);
        self.members(
            &format!("{path}.output"),
            &old.output,
            &new.output,
            Flow::Out,
        );
        self.error_codes(&format!("{path}.errors"), &old.errors, &new.errors);
        if old.examples != new.examples {
            self.push(
                format!("{path}.examples"),
                "examples changed",
                Severity::Patch,
            );
        }
        match (&old.waiter, &new.waiter) {
            (None, Some(_)) => {
                self.push(format!("{path}.waiter"), "waiter added", Severity::Additive)
            }
            (Some(_), None) => self.push(
                format!("{path}.waiter"),
                "waiter removed",
                Severity::Breaking,
            ),
            (Some(a), Some(b)) if a != b => self.push(
                format!("{path}.waiter"),
                "waiter conditions changed",
                Severity::Patch,
            ),
            _ => {}
        }
    }

    fn members(
        &mut self,
        path: &str,
        old: &IndexMap<String, Member>,
        new: &IndexMap<String, Member>,
        flow: Flow,
    ) {
        for (name, member) in old {
            let path = format!("{path}.{name}");
            match new.get(name) {
                None => self.push(path, "member removed", Severity::Breaking),
                Some(new_member) => self.member(&path, member, new_member, &[flow]),
            }
        }
        for (name, member) in new {
            if old.contains_key(name) {
                continue;
            }
            let path = format!("{path}.{name}");
            if flow == Flow::In && member.required {
                self.push(
                    path,
                    "required member added: existing calls lack it",
                    Severity::Breaking,
                );
            } else {
                self.push(path, "member added", Severity::Additive);
            }
        }
    }

    fn member(&mut self, path: &str, old: &Member, new: &Member, flows: &[Flow]) {
        if old.ty != new.ty {
            self.push(
                path,
                format!("type {} → {}", old.ty, new.ty),
                Severity::Breaking,
            );
        }
        if old.format != new.format {
            self.push(
                path,
                format!(
                    "timestamp format {} → {}",
                    old.format.as_deref().unwrap_or("none"),
                    new.format.as_deref().unwrap_or("none")
                ),
                Severity::Breaking,
            );
        }
        if old.rust_name != new.rust_name {
            self.push(path, "Rust field name changed", Severity::Breaking);
        }
        if old.location != new.location {
            self.push(
                path,
                "request location changed (path/query/header/body)",
                Severity::Patch,
            );
        }
        for flow in flows {
            match flow {
                Flow::In => {
                    if old.required != new.required {
                        let what = if new.required {
                            "now required: `build()` demands it and its field is no longer an Option"
                        } else {
                            "no longer required: its field becomes an Option"
                        };
                        self.push(path, what, Severity::Breaking);
                    }
                }
                Flow::Out => {
                    let was_option = !old.required || old.nullable;
                    let is_option = !new.required || new.nullable;
                    if old.nullable != new.nullable {
                        self.push(
                            path,
                            if new.nullable {
                                "now nullable"
                            } else {
                                "no longer nullable"
                            },
                            if was_option == is_option {
                                Severity::Patch
                            } else {
                                Severity::Breaking
                            },
                        );
                    }
                    if old.required != new.required {
                        self.push(
                            path,
                            if new.required {
                                "now always sent (required)"
                            } else {
                                "no longer always sent (not required)"
                            },
                            if was_option == is_option {
                                Severity::Patch
                            } else {
                                Severity::Breaking
                            },
                        );
                    }
                }
            }
        }
        if old.deprecated != new.deprecated {
            self.push(
                path,
                if new.deprecated {
                    "now deprecated"
                } else {
                    "no longer deprecated"
                },
                Severity::Patch,
            );
        }
        if old.sensitive != new.sensitive {
            // Only `Debug` output changes; the wire and the API stay the same.
            self.push(
                path,
                if new.sensitive {
                    "now secret: hidden in `Debug` output"
                } else {
                    "no longer secret: shown in `Debug` output"
                },
                Severity::Patch,
            );
        }
        if old.docs != new.docs || old.example != new.example {
            self.push(path, "docs or example changed", Severity::Patch);
        }
    }

    fn shape(&mut self, path: &str, old: &Shape, new: &Shape, flows: &BTreeSet<Flow>) {
        if old.docs != new.docs {
            self.push(format!("{path}.docs"), "docs changed", Severity::Patch);
        }
        match (&old.members, &new.members, old.enum_kind, new.enum_kind) {
            (Some(a), Some(b), _, _) => {
                let flows: Vec<Flow> = if flows.is_empty() {
                    vec![Flow::In, Flow::Out]
                } else {
                    flows.iter().copied().collect()
                };
                for (name, member) in a {
                    let member_path = format!("{path}.members.{name}");
                    match b.get(name) {
                        None => self.push(member_path, "member removed", Severity::Breaking),
                        Some(new_member) => self.member(&member_path, member, new_member, &flows),
                    }
                }
                for (name, member) in b {
                    if a.contains_key(name) {
                        continue;
                    }
                    let member_path = format!("{path}.members.{name}");
                    if member.required && flows.contains(&Flow::In) {
                        self.push(
                            member_path,
                            "required member added to a structure users send",
                            Severity::Breaking,
                        );
                    } else {
                        self.push(member_path, "member added", Severity::Additive);
                    }
                }
            }
            (None, None, Some(a), Some(b)) => {
                if a != b {
                    self.push(
                        format!("{path}.enum"),
                        format!("enum wire type {a:?} → {b:?}"),
                        Severity::Breaking,
                    );
                }
                for value in &old.values {
                    match new.values.iter().find(|v| v.value == value.value) {
                        None => self.push(
                            format!("{path}.values"),
                            format!("value {} removed", value.value),
                            Severity::Breaking,
                        ),
                        Some(v) if v.name != value.name => self.push(
                            format!("{path}.values"),
                            format!("value {} renamed {} → {}", value.value, value.name, v.name),
                            Severity::Breaking,
                        ),
                        Some(v) if v.docs != value.docs => self.push(
                            format!("{path}.values"),
                            format!("docs of value {} changed", value.value),
                            Severity::Patch,
                        ),
                        Some(_) => {}
                    }
                }
                for value in &new.values {
                    if !old.values.iter().any(|v| v.value == value.value) {
                        self.push(
                            format!("{path}.values"),
                            format!("value {} added", value.value),
                            Severity::Additive,
                        );
                    }
                }
            }
            _ => self.push(
                path,
                "changed between structure and enum",
                Severity::Breaking,
            ),
        }
    }

    fn error_codes(
        &mut self,
        path: &str,
        old: &[cloud_spec::ErrorCode],
        new: &[cloud_spec::ErrorCode],
    ) {
        for code in old {
            match new.iter().find(|c| c.code == code.code) {
                None => self.push(
                    path,
                    format!("error code {} removed", code.code),
                    Severity::Breaking,
                ),
                Some(c) if c != code => self.push(
                    path,
                    format!("docs of error code {} changed", code.code),
                    Severity::Patch,
                ),
                Some(_) => {}
            }
        }
        for code in new {
            if !old.iter().any(|c| c.code == code.code) {
                self.push(
                    path,
                    format!("error code {} added", code.code),
                    Severity::Additive,
                );
            }
        }
    }
}

fn binding(op: &Operation) -> String {
    match &op.http {
        Some(h) => format!("{} {} ({})", h.method.as_str(), h.path, h.success_status),
        None => "none".to_owned(),
    }
}

/// For each shape, whether users send it, receive it, or both (through any chain of shapes).
fn flows(service: &Service) -> IndexMap<String, BTreeSet<Flow>> {
    let mut result: IndexMap<String, BTreeSet<Flow>> = IndexMap::new();
    let mut queue: Vec<(String, Flow)> = Vec::new();
    for op in service.operations.values() {
        queue.extend(
            op.input
                .values()
                .filter_map(|m| shape_name(&m.ty))
                .map(|s| (s, Flow::In)),
        );
        queue.extend(
            op.output
                .values()
                .filter_map(|m| shape_name(&m.ty))
                .map(|s| (s, Flow::Out)),
        );
    }
    while let Some((name, flow)) = queue.pop() {
        if !result.entry(name.clone()).or_default().insert(flow) {
            continue;
        }
        if let Some(members) = service.shapes.get(&name).and_then(|s| s.members.as_ref()) {
            queue.extend(
                members
                    .values()
                    .filter_map(|m| shape_name(&m.ty))
                    .map(|s| (s, flow)),
            );
        }
    }
    result
}

fn shape_name(ty: &cloud_spec::TypeExpr) -> Option<String> {
    ty.shape_name().map(str::to_owned)
}
