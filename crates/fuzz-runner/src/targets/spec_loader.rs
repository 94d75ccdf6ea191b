//! Target `spec_loader`: YAML text → `codegen`'s loader and validator (and, for a sample of
//! the specs that validate, the emitter). Every input must give a spec or located errors;
//! nothing may panic or hang.

use std::collections::BTreeSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use cloud_spec::{Service, TypeExpr};
use codegen::error::SpecErrors;
use codegen::load::load_str;

use crate::label::Label;

/// What the target feeds and checks.
pub const ABOUT: &str =
    "YAML text -> codegen load + validate (+ emit 1 valid spec in 16): a spec or located errors";

/// The file name the input is loaded as (a spec's place in the repository: the validator
/// checks the `$schema` header against it).
const FILE: &str = "specs/tencent/fuzz.yaml";

/// Emitting (syn + prettyplease) is slow: only valid specs whose hash falls in one of this
/// many buckets are emitted (deterministic per input, as libFuzzer needs).
const EMIT_ONE_IN: u64 = 16;

/// YAML and spec tokens.
pub const DICTIONARY: &[&[u8]] = &[
    b": ",
    b"- ",
    b"\n  ",
    b"\n    ",
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b"'",
    b"---\n",
    b"...\n",
    b"? ",
    b"&anchor ",
    b"*anchor",
    b"!!str ",
    b"!tag ",
    b"|\n  ",
    b">-\n  ",
    b"# ",
    b"~",
    b"null",
    b"true",
    b"0x1F",
    b".inf",
    b"1e400",
    b"\t",
    b"\xef\xbb\xbf",
    b"%YAML 1.2\n",
    b"<<: ",
    b"type: ",
    b"list<",
    b"map<",
    b"string",
    b"int32",
    b"int64",
    b"uint64",
    b"float",
    b"boolean",
    b"timestamp",
    b"json",
    b"required: true",
    b"nullable: true",
    b"location: path",
    b"location: query",
    b"location: header",
    b"operations:",
    b"shapes:",
    b"input:",
    b"output:",
    b"examples:",
    b"waiter:",
    b"until:",
    b"enum: ",
    b"values:",
    b"http:",
    b"method: GET",
    b"path: /v3/{project_id}/instances/{instance_id}",
    b"success_status: 202",
    b"{project_id}",
    b"read_only: true",
    b"idempotent: true",
    b"rate_limit: 20",
    b"sensitive: true",
    b"format: ",
    b"vendor: huawei",
    b"vendor: tencent",
];

/// Runs one input.
pub fn run(data: &[u8]) -> u64 {
    // Files are read as UTF-8 (the loader reports invalid bytes by position before parsing).
    let source = String::from_utf8_lossy(data);
    match load_str(FILE, &source) {
        Err(errors) => {
            check_located(&errors, &source);
            Label::new("load error")
                .message(&errors.0[0].message)
                .finish()
        }
        Ok(spec) => match codegen::validate::validate(&spec) {
            Err(errors) => {
                check_located(&errors, &source);
                Label::new("invalid").message(&errors.0[0].message).finish()
            }
            Ok(()) => {
                let mut hasher = DefaultHasher::new();
                data.hash(&mut hasher);
                if hasher.finish() % EMIT_ONE_IN == 0 {
                    let emitted = codegen::generate::generate_from(std::slice::from_ref(&spec));
                    // A spec that validates must emit: the validator's job is to say why not.
                    if let Err(e) = emitted {
                        panic!("a spec that validates does not emit: {e}");
                    }
                }
                Label::new("valid")
                    .number(spec.service.operations.len().min(8) as u64)
                    .finish()
            }
        },
    }
}

/// Every error names a place inside the text (at most the line after the last, where the YAML
/// parser reports an unfinished document) and says what is wrong; its `Display` works.
fn check_located(errors: &SpecErrors, source: &str) {
    assert!(!errors.0.is_empty(), "an error result without errors");
    // Lines as YAML (and editors) count them: `\r\n`, `\r` and `\n` each end one.
    let lines = source.replace("\r\n", "\n").matches(['\r', '\n']).count() + 2;
    for error in &errors.0 {
        assert!(
            error.line >= 1 && error.column >= 1 && error.line <= lines,
            "error outside the text (line {}, column {}, {lines} lines): {error}",
            error.line,
            error.column
        );
        assert!(!error.message.is_empty(), "an error without a message");
        let _ = error.to_string();
    }
}

/// The example specs of the codegen tests, the overlays, and a few operations of each
/// bundled spec written as JSON (which is YAML too), with a schema header.
pub fn seeds() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = [
        include_str!("../../../../codegen/tests/specs/tencent-mongodb.yaml"),
        include_str!("../../../../codegen/tests/specs/huawei-geminidb.yaml"),
        include_str!("../../../../specs/overlays/tencent/_common.yaml"),
        include_str!("../../../../specs/overlays/tencent/mongodb.yaml"),
        include_str!("../../../../specs/overlays/tencent/cdb.yaml"),
        include_str!("../../../../specs/overlays/tencent/postgres.yaml"),
        include_str!("../../../../specs/overlays/huawei/geminidb.yaml"),
    ]
    .iter()
    .map(|text| text.as_bytes().to_vec())
    .collect();
    for service in cloud_spec::bundle::services() {
        for chunk in service
            .operations
            .keys()
            .collect::<Vec<_>>()
            .chunks(40)
            .take(3)
        {
            let names: Vec<String> = chunk.iter().take(3).map(|n| (*n).clone()).collect();
            let trimmed = trim(&service, &names);
            if let Ok(json) = serde_json::to_string_pretty(&trimmed) {
                seeds.push(
                    format!("# yaml-language-server: $schema=../schema.json\n{json}\n")
                        .into_bytes(),
                );
            }
        }
    }
    seeds
}

/// `service` with only the operations `keep` (and those their waiters poll), the shapes they
/// use, and no task APIs or resource description (which name other operations).
fn trim(service: &Service, keep: &[String]) -> Service {
    let mut trimmed = service.clone();
    let mut wanted: BTreeSet<String> = keep.iter().cloned().collect();
    for name in keep {
        if let Some(waiter) = service
            .operations
            .get(name)
            .and_then(|op| op.waiter.as_ref())
        {
            wanted.insert(waiter.operation.clone());
        }
    }
    trimmed.operations.retain(|name, _| wanted.contains(name));
    trimmed.tasks.clear();
    trimmed.resource = None;
    for op in trimmed.operations.values_mut() {
        op.task = None;
        op.pagination = None;
    }
    let mut shapes = BTreeSet::new();
    let mut pending: Vec<String> = trimmed
        .operations
        .values()
        .flat_map(|op| op.input.values().chain(op.output.values()))
        .filter_map(|m| shape_of(&m.ty))
        .collect();
    while let Some(name) = pending.pop() {
        if !shapes.insert(name.clone()) {
            continue;
        }
        if let Some(members) = service.shapes.get(&name).and_then(|s| s.members.as_ref()) {
            pending.extend(members.values().filter_map(|m| shape_of(&m.ty)));
        }
    }
    trimmed.shapes.retain(|name, _| shapes.contains(name));
    trimmed
}

fn shape_of(ty: &TypeExpr) -> Option<String> {
    ty.shape_name().map(str::to_owned)
}
