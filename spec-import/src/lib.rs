//! Importers: turn the vendors' machine-readable API definitions (and captured doc pages) into
//! specs.
//!
//! - [`tencent`]: `tccli-intl-en` (`api.json`, `examples.json`) and the Python SDK's
//!   `errorcodes.py`;
//! - [`huawei`]: the `huaweicloudsdkgaussdbfornosql` Python SDK (operations and models), with the
//!   Swagger files of `huawei-cloud-api-definitions-GaussDBforNoSQL` for success statuses and
//!   examples;
//! - [`doc_page`]: one vendor documentation page, as captured text.
//!
//! Every import goes through [`finish`]: secrets are marked ([`sensitive`]), the curated
//! [`overlay`] is merged, the task handle and pagination rules run ([`lifecycle`]) and the
//! overlays' per-operation corrections of them apply, the selection (`--only`) is applied, unused
//! shapes dropped, Chinese text put into English from the service's translation memory
//! ([`translate`]), and the result rendered as YAML, loaded back and validated in memory; only a
//! spec that validates is returned, so nothing half-converted is ever written.

pub mod doc_page;
pub mod error_meaning;
pub mod html;
pub mod huawei;
pub mod lifecycle;
pub mod overlay;
mod python;
pub mod sensitive;
pub mod tencent;
pub mod translate;

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use cloud_spec::{Service, TypeExpr};

use codegen::error::Segment;
use codegen::load;
use codegen::validate;
use codegen::yaml_out;

pub use overlay::{LoadedOverlay, Overlay};

/// An import that cannot be done: names the file and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The file at fault (a source file, an overlay, or the spec being produced).
    pub file: PathBuf,
    /// What is wrong, and what was expected.
    pub message: String,
}

impl ImportError {
    /// An error about `file`.
    pub fn at(file: impl AsRef<Path>, message: impl Into<String>) -> ImportError {
        ImportError {
            file: file.as_ref().to_owned(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

impl std::error::Error for ImportError {}

/// A versioned package a spec was imported from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcePackage {
    /// Package name on its registry (`tccli-intl-en`).
    pub name: String,
    /// Its version (`3.1.193.1`).
    pub version: String,
    /// What was read from it.
    pub files: Vec<String>,
}

/// What an importer read, before the overlay.
#[derive(Debug, Clone)]
pub struct RawImport {
    /// The service, every operation the source has.
    pub service: Service,
    /// The packages read.
    pub sources: Vec<SourcePackage>,
    /// Things left out of the source, with the reason (examples that are not JSON, ...).
    pub notes: Vec<String>,
    /// Facts the spec model cannot carry yet, written as comments into the spec's header.
    pub header_notes: Vec<String>,
    /// Members the vendor's SDK masks as sensitive, as `Operation.member` or `Shape.member`;
    /// [`finish`] marks them `sensitive`, as it does the members [`sensitive::is_secret_name`]
    /// picks.
    pub sensitive: Vec<String>,
}

/// The result of [`finish`].
#[derive(Debug, Clone)]
pub struct Finished {
    /// The spec file's text: header comment, then the YAML.
    pub text: String,
    /// The service as written (what loading `text` gives).
    pub service: Service,
    /// What was left out along the way (source problems, examples that do not validate).
    pub notes: Vec<String>,
    /// What the translation memory did, when the service has one.
    pub translation: Option<translate::Report>,
}

/// How [`finish`] selects and checks.
#[derive(Debug, Clone, Default)]
pub struct FinishOptions {
    /// Keep only these operations (and the shapes they reach). `None`: every operation.
    pub only: Option<Vec<String>>,
    /// The command that reproduces the import, for the header comment.
    pub command: String,
    /// The service's translation memory (`specs/overlays/<vendor>/<service>.en.yaml`), if any.
    pub translation: Option<translate::Memory>,
}

/// Merges `overlays` (in order) into `raw`, selects, prunes, renders and validates.
/// `spec_file` is the path the spec is meant for, relative to the repository root (it decides the
/// `$schema` reference and names the file in errors).
pub fn finish(
    mut raw: RawImport,
    overlays: &[&LoadedOverlay],
    options: &FinishOptions,
    spec_file: &Path,
) -> Result<Finished, ImportError> {
    name_keyword_members(&mut raw.service);
    docs_to_markdown(&mut raw.service);
    // Before the overlays: an overlay's `sensitive` must win over the rule, and the SDK's list
    // names shapes as imported (an overlay may rename them).
    sensitive::mark_by_name(&mut raw.service);
    sensitive::mark_listed(&mut raw.service, &raw.sensitive);
    for overlay in overlays {
        overlay.apply(&mut raw.service)?;
    }
    // The rules run on the merged operations (an overlay may fix a member's type); the
    // overlays' per-operation `task` and `pagination` then correct them.
    let findings = lifecycle::apply_rules(&mut raw.service, &overlay::rule_settings(overlays));
    for overlay in overlays {
        overlay.apply_lifecycle(&mut raw.service, &findings)?;
    }
    // After the overlays: the resource comes from them.
    lifecycle::resource_references(&mut raw.service);
    lifecycle::create_names(&mut raw.service);
    lifecycle::filtered_lists(&mut raw.service);
    lifecycle::id_outputs(&mut raw.service);
    // What the rules left undecided and no overlay decided (a `pagination: null` decides too).
    for (op, reason) in &findings.undecided_pagination {
        let decided = overlays.iter().any(|o| {
            o.overlay
                .operations
                .get(op)
                .is_some_and(|p| p.pagination.is_some() || p.no_pagination.is_some())
        });
        if !decided {
            raw.notes.push(format!(
                "{op}: no pagination: {reason} (an overlay `pagination:` entry decides it)"
            ));
        }
    }
    // The docs must be English for the rule: a translated service gets its meanings after the
    // translation memory (in `translate_valid`).
    if options.translation.is_none() {
        error_meaning::apply(&mut raw.service);
    }
    let raw_ops: BTreeSet<String> = raw.service.operations.keys().cloned().collect();
    let mut service = raw.service;
    if let Some(only) = &options.only {
        let missing: Vec<&str> = only
            .iter()
            .filter(|name| !service.operations.contains_key(name.as_str()))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(ImportError::at(
                spec_file,
                format!(
                    "--only names operations the source does not have: {}",
                    missing.join(", ")
                ),
            ));
        }
        service
            .operations
            .retain(|name, _| only.iter().any(|o| o == name));
        // Notes about operations that were not selected are noise here.
        raw.notes.retain(|note| {
            let op = note.split(':').next().unwrap_or("");
            !raw_ops.contains(op) || service.operations.contains_key(op)
        });
        prune_lifecycle(&mut service);
    }
    prune_shapes(&mut service);

    let mut notes = raw.notes;
    let header_notes = raw.header_notes;
    // Examples copied from the vendor's docs do not always agree with the vendor's own member
    // definitions (a required member left out, a number where a string is declared). Such an
    // example cannot become a generated test; it is left out and named in the notes. Any other
    // problem is the importer's or the overlay's, and fails the import.
    for _round in 0..8 {
        let text = render(&service, &raw.sources, &header_notes, options, spec_file);
        let loaded = load::load_str(spec_file, &text).map_err(|e| {
            ImportError::at(spec_file, format!("the produced spec does not load:\n{e}"))
        })?;
        let errors = match validate::validate(&loaded) {
            Ok(()) => {
                let Some(memory) = &options.translation else {
                    return Ok(Finished {
                        text,
                        service: loaded.service,
                        notes,
                        translation: None,
                    });
                };
                let (text, service, report) = translate_valid(
                    memory,
                    loaded.service,
                    &raw.sources,
                    &header_notes,
                    options,
                    spec_file,
                )?;
                return Ok(Finished {
                    text,
                    service,
                    notes,
                    translation: Some(report),
                });
            }
            Err(errors) => errors.0,
        };
        let mut dropped_examples: BTreeSet<(String, usize)> = BTreeSet::new();
        let mut dropped_member_examples: Vec<Vec<Segment>> = Vec::new();
        let mut fatal = Vec::new();
        for error in errors {
            let segments = error.path.segments();
            match example_location(segments) {
                Some(ExampleAt::Operation(op, index)) => {
                    if dropped_examples.insert((op.clone(), index)) {
                        notes.push(format!(
                            "{op}: example {} left out: {}: {}",
                            index + 1,
                            error.path,
                            error.message
                        ));
                    }
                }
                Some(ExampleAt::Member(path)) => {
                    notes.push(format!(
                        "member example left out: {}: {}",
                        error.path, error.message
                    ));
                    dropped_member_examples.push(path);
                }
                None => fatal.push(error.to_string()),
            }
        }
        if !fatal.is_empty() {
            return Err(ImportError::at(
                spec_file,
                format!(
                    "the produced spec does not validate (nothing was written):\n  {}",
                    fatal.join("\n  ")
                ),
            ));
        }
        for (op, index) in dropped_examples.iter().rev() {
            if let Some(op) = service.operations.get_mut(op) {
                if *index < op.examples.len() {
                    op.examples.remove(*index);
                }
            }
        }
        for path in dropped_member_examples {
            drop_member_example(&mut service, &path);
        }
    }
    Err(ImportError::at(
        spec_file,
        "examples still fail validation after leaving out the failing ones",
    ))
}

/// Applies the translation memory to a spec that validates, and renders it again. After the
/// overlays, so their English (from the vendor's English pages) wins and the memory only needs
/// what is still Chinese; after the examples that do not validate are left out, so it reports
/// only texts the spec has.
fn translate_valid(
    memory: &translate::Memory,
    mut service: Service,
    sources: &[SourcePackage],
    header_notes: &[String],
    options: &FinishOptions,
    spec_file: &Path,
) -> Result<(String, Service, translate::Report), ImportError> {
    let report = memory.apply(&mut service, options.only.is_none());
    error_meaning::apply(&mut service);
    let mut header_notes = header_notes.to_vec();
    header_notes.push(format!(
        "English for the vendor's Chinese texts: {}, the project's translation, applied on every import.",
        memory.file.display()
    ));
    let text = render(&service, sources, &header_notes, options, spec_file);
    let loaded = load::load_str(spec_file, &text).map_err(|e| {
        ImportError::at(
            spec_file,
            format!("the translated spec does not load:\n{e}"),
        )
    })?;
    validate::validate(&loaded).map_err(|e| {
        ImportError::at(
            spec_file,
            format!("the translated spec does not validate (nothing was written):\n{e}"),
        )
    })?;
    Ok((text, loaded.service, report))
}

enum ExampleAt {
    /// `operations.<op>.examples[<i>]...`
    Operation(String, usize),
    /// `...<member>.example...`: the member path up to the member.
    Member(Vec<Segment>),
}

fn example_location(segments: &[Segment]) -> Option<ExampleAt> {
    if let [Segment::Key(first), Segment::Key(op), Segment::Key(examples), Segment::Index(i), ..] =
        segments
    {
        if first == "operations" && examples == "examples" {
            return Some(ExampleAt::Operation(op.clone(), *i));
        }
    }
    let at = segments
        .iter()
        .position(|s| matches!(s, Segment::Key(k) if k == "example"))?;
    // `example` is a key of a member: operations.X.input.M.example or shapes.S.members.M.example.
    (at >= 3).then(|| ExampleAt::Member(segments[..at].to_vec()))
}

fn drop_member_example(service: &mut Service, path: &[Segment]) {
    let keys: Vec<&str> = path
        .iter()
        .filter_map(|s| match s {
            Segment::Key(k) => Some(k.as_str()),
            Segment::Index(_) => None,
        })
        .collect();
    let member = match keys.as_slice() {
        ["operations", op, "input", m] => service
            .operations
            .get_mut(*op)
            .and_then(|o| o.input.get_mut(*m)),
        ["operations", op, "output", m] => service
            .operations
            .get_mut(*op)
            .and_then(|o| o.output.get_mut(*m)),
        ["shapes", s, "members", m] => service
            .shapes
            .get_mut(*s)
            .and_then(|s| s.members.as_mut())
            .and_then(|members| members.get_mut(*m)),
        _ => None,
    };
    if let Some(member) = member {
        member.example = None;
    }
}

/// Members whose Rust field name would be a keyword (`Type` → `type`) get `rust_name: type_`,
/// as the emitter asks; an overlay may choose a better name.
fn name_keyword_members(service: &mut Service) {
    let fix = |members: &mut indexmap::IndexMap<String, cloud_spec::Member>| {
        for (wire, member) in members.iter_mut() {
            let snake = codegen::names::snake_case(wire);
            if member.rust_name.is_none() && codegen::names::is_rust_keyword(&snake) {
                member.rust_name = Some(format!("{snake}_"));
            }
        }
    };
    for op in service.operations.values_mut() {
        fix(&mut op.input);
        fix(&mut op.output);
    }
    for shape in service.shapes.values_mut() {
        if let Some(members) = &mut shape.members {
            fix(members);
        }
    }
}

/// After a selection (`--only`): drops the task APIs whose operation is not selected, the task
/// handles that follow them, and the resource when its list operation is not selected (or only
/// the create, modify and remove entries that are not). What remains refers to selected
/// operations only, so the selection validates.
fn prune_lifecycle(service: &mut Service) {
    let operations: BTreeSet<String> = service.operations.keys().cloned().collect();
    service
        .tasks
        .retain(|_, task| operations.contains(&task.operation));
    let tasks: BTreeSet<String> = service.tasks.keys().cloned().collect();
    for op in service.operations.values_mut() {
        if op.task.as_ref().is_some_and(|t| !tasks.contains(&t.api)) {
            op.task = None;
        }
    }
    if let Some(resource) = &mut service.resource {
        if !operations.contains(&resource.list.operation) {
            service.resource = None;
        } else {
            resource.create.retain(|op, _| operations.contains(op));
            resource.modify.retain(|op, _| operations.contains(op));
            resource.remove.retain(|op, _| operations.contains(op));
            resource
                .modify_values
                .retain(|op, _| operations.contains(op));
            resource.id_members.retain(|op, _| operations.contains(op));
            resource.references.retain(|op, _| operations.contains(op));
            resource
                .filtered_lists
                .retain(|op, _| operations.contains(op));
            resource.id_outputs.retain(|op, _| operations.contains(op));
        }
    }
}

/// A query-string value of a documented example as the JSON value its member's type reads:
/// an integer or a boolean where the text is one, else the text.
pub(crate) fn query_value(text: &str, member: Option<&cloud_spec::Member>) -> serde_json::Value {
    use serde_json::Value;
    match member.map(|m| &m.ty) {
        Some(TypeExpr::Integer(_)) => text
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::from(text)),
        Some(TypeExpr::Boolean) => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::from(text),
        },
        _ => Value::from(text),
    }
}

/// Drops shapes no operation reaches (directly or through other shapes).
pub fn prune_shapes(service: &mut Service) {
    let mut reached: BTreeSet<String> = BTreeSet::new();
    let mut queue: Vec<String> = service
        .operations
        .values()
        .flat_map(|op| op.input.values().chain(op.output.values()))
        .filter_map(|m| shape_of(&m.ty))
        .collect();
    while let Some(name) = queue.pop() {
        if !reached.insert(name.clone()) {
            continue;
        }
        if let Some(members) = service.shapes.get(&name).and_then(|s| s.members.as_ref()) {
            queue.extend(members.values().filter_map(|m| shape_of(&m.ty)));
        }
    }
    service.shapes.retain(|name, _| reached.contains(name));
}

fn shape_of(ty: &TypeExpr) -> Option<String> {
    ty.shape_name().map(str::to_owned)
}

/// The spec file's text: the `$schema` header, where it came from, then the YAML.
fn render(
    service: &Service,
    sources: &[SourcePackage],
    header_notes: &[String],
    options: &FinishOptions,
    spec_file: &Path,
) -> String {
    let mut text = format!(
        "{}{}\n#\n",
        validate::SCHEMA_HEADER_PREFIX,
        validate::expected_schema_reference(spec_file)
    );
    text.push_str(&format!(
        "# {} {}: imported, do not edit by hand.\n",
        service.title, service.version
    ));
    if !options.command.is_empty() {
        text.push_str(&format!("# Regenerate with `{}`.\n", options.command));
    }
    text.push_str(&format!(
        "# Curated knowledge lives in specs/overlays/{}/{}.yaml, merged on every import.\n",
        match service.vendor {
            cloud_spec::Vendor::Tencent => "tencent",
            cloud_spec::Vendor::Huawei => "huawei",
        },
        service.name
    ));
    text.push_str("#\n# Sources:\n");
    for source in sources {
        text.push_str(&format!("#   {} {}", source.name, source.version));
        if !source.files.is_empty() {
            text.push_str(&format!(": {}", source.files.join(", ")));
        }
        text.push('\n');
    }
    for note in header_notes {
        text.push_str("#\n");
        for line in note.lines() {
            text.push_str(&format!("# {line}\n").replace("# \n", "#\n"));
        }
    }
    text.push('\n');
    let value = serde_json::to_value(service).unwrap_or(serde_json::Value::Null);
    text.push_str(&yaml_out::to_yaml(&value));
    text
}

/// Operation names for `--only`: comma-separated.
pub fn parse_only(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The operations of a spec, for `--only` taken from the committed spec (`--only-curated`).
pub fn operation_names(service: &Service) -> Vec<String> {
    service.operations.keys().cloned().collect()
}

/// Every docs field of `service` from the sources' HTML to Markdown (see [`html`]); before the
/// overlays, whose docs are Markdown already.
fn docs_to_markdown(service: &mut cloud_spec::Service) {
    let site = match service.vendor {
        cloud_spec::Vendor::Tencent => "https://www.tencentcloud.com",
        cloud_spec::Vendor::Huawei => "https://support.huaweicloud.com",
    };
    let convert = |docs: &mut String| *docs = html::to_markdown(docs, site);
    convert(&mut service.docs);
    for error in &mut service.common_errors {
        convert(&mut error.docs);
    }
    for op in service.operations.values_mut() {
        convert(&mut op.docs);
        for member in op.input.values_mut().chain(op.output.values_mut()) {
            convert(&mut member.docs);
        }
        for error in &mut op.errors {
            convert(&mut error.docs);
        }
    }
    for shape in service.shapes.values_mut() {
        convert(&mut shape.docs);
        for member in shape.members.iter_mut().flat_map(|m| m.values_mut()) {
            convert(&mut member.docs);
        }
        for value in &mut shape.values {
            convert(&mut value.docs);
        }
    }
}
