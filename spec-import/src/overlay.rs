//! Curated overlays: `specs/overlays/<vendor>/<service>.yaml`.
//!
//! An overlay says what no machine-readable source states well: enums (MongoDB SSL `Status` is
//! 0/1), read-only and idempotent flags, nullability fixes, waiters, English docs, error codes
//! listed only on the vendor's pages, shapes renamed to readable names. It is merged into every
//! import, so re-importing never loses curated knowledge.
//!
//! Every entry must match what the import produced: a patch for an operation, member or shape the
//! source no longer has is an error (the curated knowledge would silently stop applying), and so
//! is a `new_*` entry for something the source now has (it must become a patch).

use std::path::{Path, PathBuf};

use cloud_spec::{
    AuthMode, Endpoint, ErrorCode, Example, HttpMethod, Location, Member, NoTask, Operation,
    PageStyle, Pagination, Resource, Service, Shape, TaskApi, TaskHandle, TypeExpr, Waiter,
};
use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use codegen::error::{Segment, SpecPath};
use codegen::yaml::{self, Node};

use super::ImportError;

/// The content of one overlay file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    /// Service-level fields that replace the imported ones.
    #[serde(default, skip_serializing_if = "ServicePatch::is_empty")]
    pub service: ServicePatch,
    /// Error codes put before the source's service-wide codes (a code given here replaces the
    /// source's entry for it). Tencent: the API 3.0 common error codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub common_errors: Vec<ErrorCode>,
    /// Imported shape name → the name to use (`ListInstancesResult: InstanceDetail`). Applied
    /// before everything else, so the rest of the overlay uses the new names.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub rename_shapes: IndexMap<String, String>,
    /// Patches of imported operations.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub operations: IndexMap<String, OperationPatch>,
    /// Operations the source does not have, given whole.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub new_operations: IndexMap<String, Operation>,
    /// Patches of imported shapes (structures).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub shapes: IndexMap<String, ShapePatch>,
    /// Shapes the source does not have (typically enums), given whole.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub new_shapes: IndexMap<String, Shape>,
    /// The service's task APIs, given whole (no source states them).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub tasks: IndexMap<String, TaskApi>,
    /// The service's resource, given whole (no source states it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<Resource>,
    /// The task handle rule's table: output member name → task API key. Every operation that is
    /// not read-only and whose output has one of these members (a string or an integer) gets
    /// `task` (see `import::lifecycle`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub task_handles: IndexMap<String, String>,
    /// The page size of paged operations whose limit member's docs state no maximum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_max_page_size: Option<u32>,
}

impl Overlay {
    /// The overlay as YAML (what `--derive-overlay` prints).
    pub fn to_yaml(&self) -> String {
        let value = serde_json::to_value(self).unwrap_or(Value::Null);
        codegen::yaml_out::to_yaml(&value)
    }
}

/// Service-level replacements.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServicePatch {
    /// Human title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Service documentation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    /// Endpoint rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<Endpoint>,
    /// Authentication modes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<Vec<AuthMode>>,
}

impl ServicePatch {
    fn is_empty(&self) -> bool {
        *self == ServicePatch::default()
    }
}

/// Replacements for one imported operation; absent fields keep the imported value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationPatch {
    /// Documentation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    /// HTTP binding fields (Huawei).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpPatch>,
    /// Requests per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<u32>,
    /// Regions the operation is served in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<String>>,
    /// Read-only flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    /// Idempotent flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotent: Option<bool>,
    /// Deprecated flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<bool>,
    /// Patches of request members, by wire name.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub input: IndexMap<String, MemberPatch>,
    /// Patches of response members, by wire name.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub output: IndexMap<String, MemberPatch>,
    /// The operation's error codes (replaces the imported list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ErrorCode>>,
    /// The operation's examples (replaces the imported list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub examples: Option<Vec<Example>>,
    /// How to wait for the change the operation starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiter: Option<Waiter>,
    /// The operation's task handle, replacing what the rule gave; `task: null` removes the
    /// rule's.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub task: Option<Option<TaskHandle>>,
    /// Corrections of the pagination the rule gave (absent fields keep the rule's values), or
    /// the whole pagination where the rule gave none; `pagination: null` removes the rule's.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub pagination: Option<Option<PaginationPatch>>,
    /// An output member that looks like a task handle but is none a waiter can follow, and
    /// why, in the vendor's words. Removes a task the rule gave on that member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_task: Option<NoTask>,
    /// Why an operation whose members look like paging has no pagination, in the vendor's
    /// words. Removes the rule's pagination, or decides an operation the rule left undecided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_pagination: Option<String>,
}

/// Replacements in an operation's pagination; absent fields keep the rule's value. Where the
/// rule gave none, `offset`, `limit`, `items` and `max_page_size` are required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaginationPatch {
    /// What the offset member counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<PageStyle>,
    /// The offset input member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<String>,
    /// The limit input member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
    /// Path of the items in the output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<String>,
    /// Other paths of the items, when an input decides which list the answer fills.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_items: Option<Vec<String>>,
    /// Path of the total in the output; `total: null` removes the rule's.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub total: Option<Option<String>>,
    /// The largest page size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_page_size: Option<u32>,
    /// Style `marker`: the path, within an item, of the next page's marker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
}

impl PaginationPatch {
    /// The rule's pagination with this patch applied, or the patch alone when it is complete.
    fn apply(&self, base: Option<&Pagination>) -> Result<Pagination, String> {
        let field = |patched: &Option<String>, base: Option<&String>, name: &str| {
            patched
                .clone()
                .or_else(|| base.cloned())
                .ok_or_else(|| name.to_owned())
        };
        let mut missing = Vec::new();
        let offset = field(&self.offset, base.map(|b| &b.offset), "offset");
        let limit = field(&self.limit, base.map(|b| &b.limit), "limit");
        let items = field(&self.items, base.map(|b| &b.items), "items");
        let max_page_size = self
            .max_page_size
            .or(base.map(|b| b.max_page_size))
            .ok_or_else(|| "max_page_size".to_owned());
        for result in [&offset, &limit, &items] {
            if let Err(name) = result {
                missing.push(name.clone());
            }
        }
        if let Err(name) = &max_page_size {
            missing.push(name.clone());
        }
        if !missing.is_empty() {
            return Err(format!(
                "the rule gave this operation no pagination, so the patch must give all of \
                 offset, limit, items and max_page_size (missing: {})",
                missing.join(", ")
            ));
        }
        Ok(Pagination {
            style: self.style.or(base.map(|b| b.style)).unwrap_or_default(),
            offset: offset.unwrap_or_default(),
            limit: limit.unwrap_or_default(),
            items: items.unwrap_or_default(),
            other_items: self
                .other_items
                .clone()
                .or_else(|| base.map(|b| b.other_items.clone()))
                .unwrap_or_default(),
            total: match &self.total {
                Some(total) => total.clone(),
                None => base.and_then(|b| b.total.clone()),
            },
            max_page_size: max_page_size.unwrap_or_default(),
            next_marker: self
                .next_marker
                .clone()
                .or_else(|| base.and_then(|b| b.next_marker.clone())),
        })
    }
}

/// Replacements in an operation's HTTP binding.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpPatch {
    /// HTTP method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<HttpMethod>,
    /// Path template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Status of a successful response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_status: Option<u16>,
}

/// Replacements for one member. With `new: true` the member is added (and must not exist);
/// with `remove: true` it is taken out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberPatch {
    /// The member is not in the source: add it (`type` is then required).
    #[serde(default, skip_serializing_if = "is_false")]
    pub new: bool,
    /// The source's member is wrong or internal: leave it out.
    #[serde(default, skip_serializing_if = "is_false")]
    pub remove: bool,
    /// Type expression.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub ty: Option<TypeExpr>,
    /// Documentation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    /// Required flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// Nullable flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nullable: Option<bool>,
    /// Timestamp format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Where a REST request member goes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Example value; `example: null` removes the imported one.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub example: Option<Option<Value>>,
    /// Rust field name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_name: Option<String>,
    /// Deprecated flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<bool>,
    /// Secret flag: `true` for a secret the name rule misses, `false` for a member the rule
    /// marks but that holds no secret (see `import::sensitive`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive: Option<bool>,
}

/// Replacements for one imported structure.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShapePatch {
    /// Documentation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    /// Patches of its members.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub members: IndexMap<String, MemberPatch>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// `Some(None)` for an explicit `null`, `Some(Some(v))` for a value; absent stays `None`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// An overlay read from a file, with the tree that locates its entries in errors.
#[derive(Debug, Clone)]
pub struct LoadedOverlay {
    /// The file, as named in errors.
    pub file: PathBuf,
    /// Its content.
    pub overlay: Overlay,
    tree: Node,
}

impl LoadedOverlay {
    /// An overlay with no entries (for services that have no overlay file).
    pub fn empty(file: impl Into<PathBuf>) -> LoadedOverlay {
        LoadedOverlay {
            file: file.into(),
            overlay: Overlay::default(),
            tree: Node {
                pos: yaml::Pos { line: 1, column: 1 },
                value: yaml::NodeValue::Null,
            },
        }
    }

    /// Parses overlay text; `file` names it in errors.
    pub fn parse(file: impl Into<PathBuf>, source: &str) -> Result<LoadedOverlay, ImportError> {
        let file = file.into();
        if source
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            return Ok(LoadedOverlay::empty(file));
        }
        let tree = yaml::parse(source).map_err(|e| {
            ImportError::at(
                &file,
                format!("{}:{}: {}: {}", e.pos.line, e.pos.column, e.path, e.message),
            )
        })?;
        let overlay = match tree.value {
            // An overlay with only comments.
            yaml::NodeValue::Null => Overlay::default(),
            _ => serde_path_to_error::deserialize::<_, Overlay>(&tree).map_err(|e| {
                let mut path = SpecPath::root();
                for segment in e.path().iter() {
                    match segment {
                        serde_path_to_error::Segment::Map { key } => {
                            path.0.push(Segment::Key(key.clone()))
                        }
                        serde_path_to_error::Segment::Seq { index } => {
                            path.0.push(Segment::Index(*index))
                        }
                        _ => {}
                    }
                }
                let found = tree.find(&path);
                let pos = found
                    .key_pos
                    .filter(|_| found.exact)
                    .unwrap_or(found.node.pos);
                ImportError::at(
                    &file,
                    format!("{}:{}: {path}: {}", pos.line, pos.column, e.inner()),
                )
            })?,
        };
        Ok(LoadedOverlay {
            file,
            overlay,
            tree,
        })
    }

    /// Reads an overlay file; a missing file is an empty overlay.
    pub fn read(repo_root: &Path, relative: &Path) -> Result<LoadedOverlay, ImportError> {
        match std::fs::read_to_string(repo_root.join(relative)) {
            Ok(source) => LoadedOverlay::parse(relative, &source),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Ok(LoadedOverlay::empty(relative))
            }
            Err(e) => Err(ImportError::at(
                relative,
                format!("cannot read the overlay: {e}"),
            )),
        }
    }

    /// The closing line of a report of stale entries: which file to edit, and how.
    fn what_to_edit(&self) -> String {
        format!(
            "edit {}: each entry above is named by its line, column and path there; correct or \
             delete it, then import again",
            self.file.display()
        )
    }

    fn stale(&self, path: &SpecPath, message: impl std::fmt::Display) -> String {
        let found = self.tree.find(path);
        let pos = found
            .key_pos
            .filter(|_| found.exact)
            .unwrap_or(found.node.pos);
        format!("{}:{}: {path}: {message}", pos.line, pos.column)
    }

    /// Merges the overlay into an imported service. Every entry that matches nothing is reported
    /// (all of them, not just the first); then nothing is merged.
    pub fn apply(&self, service: &mut Service) -> Result<(), ImportError> {
        let mut problems = Vec::new();
        let o = &self.overlay;
        let root = SpecPath::root();

        // Renames first: the rest of the overlay uses the new names.
        for (from, to) in &o.rename_shapes {
            let path = root.key("rename_shapes").key(from.as_str());
            if !service.shapes.contains_key(from) {
                problems.push(self.stale(&path, format!("the import has no shape `{from}`")));
            } else if service.shapes.contains_key(to) {
                problems.push(self.stale(&path, format!("the import already has a shape `{to}`")));
            } else {
                rename_shape(service, from, to);
            }
        }

        if let Some(title) = &o.service.title {
            service.title = title.clone();
        }
        if let Some(docs) = &o.service.docs {
            service.docs = docs.clone();
        }
        if let Some(endpoint) = &o.service.endpoint {
            service.endpoint = endpoint.clone();
        }
        if let Some(auth) = &o.service.auth {
            service.auth = auth.clone();
        }
        if !o.common_errors.is_empty() {
            let mut merged = o.common_errors.clone();
            for code in std::mem::take(&mut service.common_errors) {
                if !merged.iter().any(|c| c.code == code.code) {
                    merged.push(code);
                }
            }
            service.common_errors = merged;
        }

        for (name, shape) in &o.new_shapes {
            let path = root.key("new_shapes").key(name.as_str());
            if service.shapes.contains_key(name) {
                problems.push(self.stale(
                    &path,
                    format!("the import now has a shape `{name}`: turn this entry into a patch under `shapes`"),
                ));
            } else {
                service.shapes.insert(name.clone(), shape.clone());
            }
        }
        for (name, patch) in &o.shapes {
            let path = root.key("shapes").key(name.as_str());
            let Some(shape) = service.shapes.get_mut(name) else {
                problems.push(self.stale(&path, format!("the import has no shape `{name}`")));
                continue;
            };
            if let Some(docs) = &patch.docs {
                shape.docs = docs.clone();
            }
            match &mut shape.members {
                Some(members) => {
                    self.patch_members(members, &patch.members, &path.key("members"), &mut problems)
                }
                None if !patch.members.is_empty() => problems.push(self.stale(
                    &path.key("members"),
                    format!("`{name}` is an enum in the import; it has no members to patch"),
                )),
                None => {}
            }
        }

        for (name, op) in &o.new_operations {
            let path = root.key("new_operations").key(name.as_str());
            if service.operations.contains_key(name) {
                problems.push(self.stale(
                    &path,
                    format!("the import now has `{name}`: turn this entry into a patch under `operations`"),
                ));
            } else {
                service.operations.insert(name.clone(), op.clone());
            }
        }
        for (name, patch) in &o.operations {
            let path = root.key("operations").key(name.as_str());
            let Some(op) = service.operations.get_mut(name) else {
                problems.push(self.stale(
                    &path,
                    format!(
                        "the import has no operation `{name}`: the vendor's sources dropped or \
                         renamed it; delete this entry (or move it to the new name)"
                    ),
                ));
                continue;
            };
            self.patch_operation(op, patch, &path, &mut problems);
        }

        // Whole entries: no source states them, so there is nothing to go stale against here;
        // the validator checks that they fit the operations.
        for (name, task) in &o.tasks {
            service.tasks.insert(name.clone(), task.clone());
        }
        if let Some(resource) = &o.resource {
            service.resource = Some(resource.clone());
        }

        if problems.is_empty() {
            Ok(())
        } else {
            Err(ImportError::at(
                &self.file,
                format!(
                    "{} overlay entries do not match the import:\n  {}\n{}",
                    problems.len(),
                    problems.join("\n  "),
                    self.what_to_edit()
                ),
            ))
        }
    }

    /// Applies the per-operation `task` and `pagination` patches, once the rules of
    /// `import::lifecycle` have run (the patches correct the rules). Reports, all together,
    /// every entry that changes nothing: a `task_handles` member no operation's output has, a
    /// `null` that removes nothing, a patch that gives what the rule gives.
    ///
    /// `undecided` holds the operations the pagination rule could not decide: a
    /// `pagination: null` records the decision to leave one without pagination.
    pub fn apply_lifecycle(
        &self,
        service: &mut Service,
        undecided: &super::lifecycle::RuleFindings,
    ) -> Result<(), ImportError> {
        let mut problems = Vec::new();
        let o = &self.overlay;
        let root = SpecPath::root();
        for (member, api) in &o.task_handles {
            let used = service.operations.values().any(|op| {
                !op.read_only
                    && op
                        .output
                        .get(member)
                        .is_some_and(super::lifecycle::is_handle_member)
            });
            if !used {
                problems.push(self.stale(
                    &root.key("task_handles").key(member.as_str()),
                    format!("no operation that changes something has a string or integer (or list of them) output member `{member}` (for task API `{api}`)"),
                ));
            }
        }
        for (name, patch) in &o.operations {
            let path = root.key("operations").key(name.as_str());
            // A missing operation was reported by `apply`.
            let Some(op) = service.operations.get_mut(name) else {
                continue;
            };
            match &patch.task {
                None => {}
                Some(None) if op.task.is_none() => problems.push(self.stale(
                    &path.key("task"),
                    "the rule gives this operation no task: there is nothing to remove",
                )),
                Some(task) if *task == op.task => problems.push(self.stale(
                    &path.key("task"),
                    "the rule gives this operation exactly this task: drop the entry",
                )),
                Some(task) => op.task = task.clone(),
            }
            if let Some(no_task) = &patch.no_task {
                if !op.output.contains_key(&no_task.member) {
                    problems.push(self.stale(
                        &path.key("no_task").key("member"),
                        format!("the operation has no output member `{}`", no_task.member),
                    ));
                } else {
                    if op.task.as_ref().is_some_and(|t| t.handle == no_task.member) {
                        op.task = None;
                    }
                    op.no_task = Some(no_task.clone());
                }
            }
            if let Some(reason) = &patch.no_pagination {
                if op.pagination.is_none() && !undecided.undecided_pagination.contains_key(name) {
                    problems.push(self.stale(
                        &path.key("no_pagination"),
                        "the rule gives this operation no pagination and has nothing to decide: there is nothing to explain",
                    ));
                } else {
                    op.pagination = None;
                    op.no_pagination = Some(reason.clone());
                }
            }
            match &patch.pagination {
                None => {}
                Some(None)
                    if op.pagination.is_none()
                        && !undecided.undecided_pagination.contains_key(name) =>
                {
                    problems.push(self.stale(
                        &path.key("pagination"),
                        "the rule gives this operation no pagination and has nothing to decide: there is nothing to remove",
                    ))
                }
                Some(None) => op.pagination = None,
                Some(Some(pagination)) => match pagination.apply(op.pagination.as_ref()) {
                    Ok(patched) if Some(&patched) == op.pagination.as_ref() => {
                        problems.push(self.stale(
                            &path.key("pagination"),
                            "the rule gives this operation exactly this pagination: drop the entry",
                        ))
                    }
                    Ok(patched) => op.pagination = Some(patched),
                    Err(message) => problems.push(self.stale(&path.key("pagination"), message)),
                },
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ImportError::at(
                &self.file,
                format!(
                    "{} overlay entries do not match the import:\n  {}\n{}",
                    problems.len(),
                    problems.join("\n  "),
                    self.what_to_edit()
                ),
            ))
        }
    }

    fn patch_operation(
        &self,
        op: &mut Operation,
        patch: &OperationPatch,
        path: &SpecPath,
        problems: &mut Vec<String>,
    ) {
        if let Some(docs) = &patch.docs {
            op.docs = docs.clone();
        }
        if let Some(http) = &patch.http {
            match &mut op.http {
                Some(binding) => {
                    if let Some(method) = http.method {
                        binding.method = method;
                    }
                    if let Some(p) = &http.path {
                        binding.path = p.clone();
                    }
                    if let Some(status) = http.success_status {
                        binding.success_status = status;
                    }
                }
                None => problems.push(self.stale(
                    &path.key("http"),
                    "the imported operation has no HTTP binding to patch",
                )),
            }
        }
        if let Some(rate) = patch.rate_limit {
            op.rate_limit = Some(rate);
        }
        if let Some(regions) = &patch.regions {
            op.regions = regions.clone();
        }
        if let Some(v) = patch.read_only {
            op.read_only = v;
        }
        if let Some(v) = patch.idempotent {
            op.idempotent = v;
        }
        if let Some(v) = patch.deprecated {
            op.deprecated = v;
        }
        self.patch_members(&mut op.input, &patch.input, &path.key("input"), problems);
        self.patch_members(&mut op.output, &patch.output, &path.key("output"), problems);
        if let Some(errors) = &patch.errors {
            op.errors = errors.clone();
        }
        if let Some(examples) = &patch.examples {
            op.examples = examples.clone();
        }
        if let Some(waiter) = &patch.waiter {
            op.waiter = Some(waiter.clone());
        }
    }

    fn patch_members(
        &self,
        members: &mut IndexMap<String, Member>,
        patches: &IndexMap<String, MemberPatch>,
        path: &SpecPath,
        problems: &mut Vec<String>,
    ) {
        for (name, patch) in patches {
            let path = path.key(name.as_str());
            if patch.new {
                if members.contains_key(name) {
                    problems.push(self.stale(
                        &path,
                        format!("the import now has `{name}`: drop `new: true`"),
                    ));
                    continue;
                }
                let Some(ty) = &patch.ty else {
                    problems.push(self.stale(&path, "a `new` member needs a `type`"));
                    continue;
                };
                let mut member = Member::new(ty.clone());
                apply_member_patch(&mut member, patch);
                members.insert(name.clone(), member);
                continue;
            }
            if patch.remove {
                if members.shift_remove(name).is_none() {
                    problems.push(self.stale(&path, format!("the import has no member `{name}`")));
                }
                continue;
            }
            match members.get_mut(name) {
                Some(member) => apply_member_patch(member, patch),
                None => {
                    let known: Vec<&str> = members.keys().map(String::as_str).collect();
                    problems.push(self.stale(
                        &path,
                        format!(
                            "the import has no member `{name}` here (it has: {})",
                            if known.is_empty() {
                                "none".to_owned()
                            } else {
                                known.join(", ")
                            }
                        ),
                    ));
                }
            }
        }
    }
}

fn apply_member_patch(member: &mut Member, patch: &MemberPatch) {
    if let Some(ty) = &patch.ty {
        member.ty = ty.clone();
    }
    if let Some(docs) = &patch.docs {
        member.docs = docs.clone();
    }
    if let Some(v) = patch.required {
        member.required = v;
    }
    if let Some(v) = patch.nullable {
        member.nullable = v;
    }
    if let Some(format) = &patch.format {
        member.format = Some(format.clone());
    }
    if let Some(location) = patch.location {
        member.location = Some(location);
    }
    if let Some(example) = &patch.example {
        member.example = example.clone();
    }
    if let Some(rust_name) = &patch.rust_name {
        member.rust_name = Some(rust_name.clone());
    }
    if let Some(v) = patch.deprecated {
        member.deprecated = v;
    }
    if let Some(v) = patch.sensitive {
        member.sensitive = v;
    }
}

/// The rules' settings from the overlays, applied in order: `task_handles` entries add up (a
/// later overlay's entry for the same member wins), and the last `default_max_page_size` given
/// counts.
pub fn rule_settings(overlays: &[&LoadedOverlay]) -> super::lifecycle::RuleSettings {
    let mut settings = super::lifecycle::RuleSettings::default();
    for overlay in overlays {
        for (member, api) in &overlay.overlay.task_handles {
            settings.task_handles.insert(member.clone(), api.clone());
        }
        if let Some(size) = overlay.overlay.default_max_page_size {
            settings.default_max_page_size = Some(size);
        }
    }
    settings
}

/// Renames a shape and every type expression that refers to it.
pub fn rename_shape(service: &mut Service, from: &str, to: &str) {
    if let Some(index) = service.shapes.get_index_of(from) {
        if let Some((_, shape)) = service.shapes.shift_remove_index(index) {
            service.shapes.shift_insert(index, to.to_owned(), shape);
        }
    }
    let rename = |member: &mut Member| member.ty = rename_in_type(&member.ty, from, to);
    for op in service.operations.values_mut() {
        op.input
            .values_mut()
            .chain(op.output.values_mut())
            .for_each(rename);
    }
    for shape in service.shapes.values_mut() {
        if let Some(members) = &mut shape.members {
            members.values_mut().for_each(rename);
        }
    }
}

/// Replaces the shape name `from` in a type expression (`list<From>` → `list<To>`).
fn rename_in_type(ty: &TypeExpr, from: &str, to: &str) -> TypeExpr {
    match ty {
        TypeExpr::Shape(name) if name == from => TypeExpr::Shape(to.to_owned()),
        TypeExpr::List(inner) => TypeExpr::List(Box::new(rename_in_type(inner, from, to))),
        TypeExpr::Map(inner) => TypeExpr::Map(Box::new(rename_in_type(inner, from, to))),
        other => other.clone(),
    }
}

/// Drafts the overlay that turns `imported` into `curated` for the operations of `curated`
/// (and the shapes they reach): what `cargo xtask import ... --derive-overlay` prints. The draft
/// is a starting point: a person adds the reasons as comments. The task APIs and the resource
/// are copied whole; operations' `task` and `pagination` are left to the rules (and their
/// `task_handles` and `default_max_page_size` settings), which the draft does not guess.
pub fn derive(imported: &Service, curated: &Service) -> Overlay {
    let mut overlay = Overlay {
        tasks: curated.tasks.clone(),
        resource: curated.resource.clone(),
        ..Overlay::default()
    };
    if imported.title != curated.title {
        overlay.service.title = Some(curated.title.clone());
    }
    if imported.docs != curated.docs {
        overlay.service.docs = Some(curated.docs.clone());
    }
    if imported.endpoint != curated.endpoint {
        overlay.service.endpoint = Some(curated.endpoint.clone());
    }
    if imported.auth != curated.auth {
        overlay.service.auth = Some(curated.auth.clone());
    }
    overlay.common_errors = curated
        .common_errors
        .iter()
        .filter(|c| !imported.common_errors.contains(c))
        .cloned()
        .collect();

    // Which imported structure each curated structure is, found by walking the curated
    // operations and the imported ones side by side: same operation, same wire name.
    let correspondence = corresponding_shapes(imported, curated);
    for (from, to) in &correspondence {
        if from != to {
            overlay.rename_shapes.insert(from.clone(), to.clone());
        }
    }
    let renamed = |ty: &TypeExpr| {
        correspondence
            .iter()
            .fold(ty.clone(), |ty, (from, to)| rename_in_type(&ty, from, to))
    };
    for (name, shape) in &curated.shapes {
        let source_name = correspondence
            .iter()
            .find(|(_, to)| *to == name)
            .map(|(from, _)| from.as_str())
            .or_else(|| imported.shapes.contains_key(name).then_some(name.as_str()));
        match source_name.and_then(|n| imported.shapes.get(n)) {
            Some(source) if source.members.is_some() && shape.members.is_some() => {
                let mut patch = ShapePatch::default();
                if source.docs != shape.docs {
                    patch.docs = Some(shape.docs.clone());
                }
                if let (Some(a), Some(b)) = (&source.members, &shape.members) {
                    patch.members = member_patches(a, b, &renamed);
                }
                if patch != ShapePatch::default() {
                    overlay.shapes.insert(name.clone(), patch);
                }
            }
            _ => {
                overlay.new_shapes.insert(name.clone(), shape.clone());
            }
        }
    }

    for (name, op) in &curated.operations {
        let Some(source) = imported.operations.get(name) else {
            overlay.new_operations.insert(name.clone(), op.clone());
            continue;
        };
        let mut patch = OperationPatch::default();
        if source.docs != op.docs {
            patch.docs = Some(op.docs.clone());
        }
        if let (Some(a), Some(b)) = (&source.http, &op.http) {
            let http = HttpPatch {
                method: (a.method != b.method).then_some(b.method),
                path: (a.path != b.path).then(|| b.path.clone()),
                success_status: (a.success_status != b.success_status).then_some(b.success_status),
            };
            if http != HttpPatch::default() {
                patch.http = Some(http);
            }
        }
        if source.rate_limit != op.rate_limit {
            patch.rate_limit = op.rate_limit;
        }
        if source.regions != op.regions {
            patch.regions = Some(op.regions.clone());
        }
        if source.read_only != op.read_only {
            patch.read_only = Some(op.read_only);
        }
        if source.idempotent != op.idempotent {
            patch.idempotent = Some(op.idempotent);
        }
        if source.deprecated != op.deprecated {
            patch.deprecated = Some(op.deprecated);
        }
        patch.input = member_patches(&source.input, &op.input, &renamed);
        patch.output = member_patches(&source.output, &op.output, &renamed);
        if source.errors != op.errors {
            patch.errors = Some(op.errors.clone());
        }
        if source.examples != op.examples {
            patch.examples = Some(op.examples.clone());
        }
        if source.waiter != op.waiter {
            patch.waiter = op.waiter.clone();
        }
        if patch != OperationPatch::default() {
            overlay.operations.insert(name.clone(), patch);
        }
    }
    overlay
}

/// Imported structure name → curated structure name, for every structure the curated operations
/// reach through members that both sides have.
fn corresponding_shapes(imported: &Service, curated: &Service) -> IndexMap<String, String> {
    let mut found: IndexMap<String, String> = IndexMap::new();
    let mut queue: Vec<(TypeExpr, TypeExpr)> = Vec::new();
    for (name, op) in &curated.operations {
        let Some(source) = imported.operations.get(name) else {
            continue;
        };
        for (side_cur, side_imp) in [(&op.input, &source.input), (&op.output, &source.output)] {
            for (wire, member) in side_cur {
                if let Some(m) = side_imp.get(wire) {
                    queue.push((m.ty.clone(), member.ty.clone()));
                }
            }
        }
    }
    queue.reverse();
    while let Some((imported_ty, curated_ty)) = queue.pop() {
        let Some((from, to)) = parallel_shapes(&imported_ty, &curated_ty) else {
            continue;
        };
        let (Some(Some(from_members)), Some(Some(to_members))) = (
            imported.shapes.get(&from).map(|s| s.members.as_ref()),
            curated.shapes.get(&to).map(|s| s.members.as_ref()),
        ) else {
            continue;
        };
        if found.contains_key(&from) {
            continue;
        }
        found.insert(from.clone(), to.clone());
        let mut next = Vec::new();
        for (wire, member) in to_members {
            if let Some(m) = from_members.get(wire) {
                next.push((m.ty.clone(), member.ty.clone()));
            }
        }
        next.reverse();
        queue.extend(next);
    }
    found
}

/// The shape names at the same place in two type expressions (`list<A>` and `list<B>`).
fn parallel_shapes(a: &TypeExpr, b: &TypeExpr) -> Option<(String, String)> {
    match (a, b) {
        (TypeExpr::Shape(x), TypeExpr::Shape(y)) => Some((x.clone(), y.clone())),
        (TypeExpr::List(x), TypeExpr::List(y)) | (TypeExpr::Map(x), TypeExpr::Map(y)) => {
            parallel_shapes(x, y)
        }
        _ => None,
    }
}

fn member_patches(
    source: &IndexMap<String, Member>,
    target: &IndexMap<String, Member>,
    renamed: &dyn Fn(&TypeExpr) -> TypeExpr,
) -> IndexMap<String, MemberPatch> {
    let mut patches = IndexMap::new();
    for (name, member) in target {
        let Some(from) = source.get(name) else {
            patches.insert(
                name.clone(),
                MemberPatch {
                    new: true,
                    ty: Some(member.ty.clone()),
                    docs: (!member.docs.is_empty()).then(|| member.docs.clone()),
                    required: member.required.then_some(true),
                    nullable: member.nullable.then_some(true),
                    format: member.format.clone(),
                    location: member.location,
                    example: member.example.clone().map(Some),
                    rust_name: member.rust_name.clone(),
                    deprecated: member.deprecated.then_some(true),
                    sensitive: member.sensitive.then_some(true),
                    remove: false,
                },
            );
            continue;
        };
        let patch = MemberPatch {
            new: false,
            remove: false,
            ty: (renamed(&from.ty) != member.ty).then(|| member.ty.clone()),
            docs: (from.docs != member.docs).then(|| member.docs.clone()),
            required: (from.required != member.required).then_some(member.required),
            nullable: (from.nullable != member.nullable).then_some(member.nullable),
            format: (from.format != member.format)
                .then(|| member.format.clone())
                .flatten(),
            location: (from.location != member.location)
                .then_some(member.location)
                .flatten(),
            example: (from.example != member.example).then(|| member.example.clone()),
            rust_name: (from.rust_name != member.rust_name)
                .then(|| member.rust_name.clone())
                .flatten(),
            deprecated: (from.deprecated != member.deprecated).then_some(member.deprecated),
            sensitive: (from.sensitive != member.sensitive).then_some(member.sensitive),
        };
        if patch != MemberPatch::default() {
            patches.insert(name.clone(), patch);
        }
    }
    for name in source.keys() {
        if !target.contains_key(name) {
            patches.insert(
                name.clone(),
                MemberPatch {
                    remove: true,
                    ..MemberPatch::default()
                },
            );
        }
    }
    patches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_inside_type_expressions() {
        let renamed =
            |text: &str| rename_in_type(&TypeExpr::parse(text).unwrap(), "Foo", "Bar").to_string();
        assert_eq!(renamed("list<Foo>"), "list<Bar>");
        assert_eq!(renamed("map<list<Foo>>"), "map<list<Bar>>");
        assert_eq!(renamed("FooBar"), "FooBar");
        assert_eq!(renamed("string"), "string");
    }
}
