//! The Huawei importer: GeminiDB v3 from the official Python SDK `huaweicloudsdkgaussdbfornosql`
//! (primary source), with the Swagger files of the `huawei-cloud-api-definitions-GaussDBforNoSQL`
//! crate as a supplement.
//!
//! Why the SDK is primary: it has every operation of the service (153 in 3.1.219; the Swagger
//! crate 0.1.20261023 has 132, a strict subset), and its models give JSON names, types, required
//! flags (from the generated constructors) and the members it masks as sensitive. What only the
//! Swagger files have is taken from them for the operations they cover: the success status (202
//! for asynchronous operations, 204 for some), the request/response examples, and the deprecated
//! flag. Both carry Chinese docs only; English docs for curated operations come from the overlay.
//!
//! Mapping:
//! - each `_<op>_http_info` gives method, path, and which request attributes go to the path,
//!   query, headers and body; the body model's members are flattened into the input with
//!   `location: body` (the SDK wraps them in `<Op>RequestBody`);
//! - `str` → string, `int` → int32, `bool` → boolean, `float` → float, `object` → json,
//!   `datetime` → timestamp, `list[T]` → `list<T>`, `dict(str, T)` → `map<T>`, other names → shapes;
//! - request members are required when the model's constructor assigns them unconditionally;
//!   response members and the members of structures that appear in responses are never
//!   `required` (the SDK does not enforce its flags on responses, and a strict decoder would reject
//!   a whole listing for one absent field);
//! - `GET` operations are read-only and idempotent (HTTP semantics);
//! - `X-Auth-Token` and the signing headers are not members (the transport adds them).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use cloud_spec::{
    Endpoint, Example, HttpBinding, HttpMethod, IntWidth, Location, Member, Operation, Service,
    Shape, TypeExpr, Vendor,
};
use indexmap::IndexMap;
use serde_json::Value;

use super::tencent::{package_version, read_text};
use super::{python, ImportError, RawImport, SourcePackage};

/// Directory (under the vendor sources) of the unpacked SDK wheel.
pub const SDK_PACKAGE: &str = "huaweicloudsdkgaussdbfornosql";
/// Directory (under the vendor sources) of the Swagger crate.
pub const SWAGGER_PACKAGE: &str = "huawei-cloud-api-definitions-GaussDBforNoSQL";

/// One generated model class.
#[derive(Debug, Clone)]
struct Model {
    file: PathBuf,
    /// attribute → Python type.
    types: IndexMap<String, String>,
    /// attribute → JSON name.
    wire: IndexMap<String, String>,
    required: BTreeSet<String>,
    docs: BTreeMap<String, String>,
    sensitive: Vec<String>,
}

/// One operation of the client.
#[derive(Debug, Clone)]
struct SdkOperation {
    name: String,
    summary: String,
    description: String,
    method: HttpMethod,
    path: String,
    /// (location, wire name, request attribute)
    params: Vec<(Location, String, String)>,
    body_attr: Option<String>,
}

/// Reads the sources for `service` (only `geminidb`) under `sources`.
pub fn import(sources: &Path, service: &str) -> Result<RawImport, ImportError> {
    if service != "geminidb" {
        return Err(ImportError::at(
            sources,
            format!(
                "unknown Huawei service `{service}`; expected `geminidb` (catalog gaussdbfornosql)"
            ),
        ));
    }
    let sdk = sources.join(SDK_PACKAGE);
    let sdk_version = package_version(&sdk, SDK_PACKAGE)?;
    let v3 = sdk.join(SDK_PACKAGE).join("v3");
    let client_path = v3.join("gaussdbfornosql_client.py");
    let client_text = read_text(&client_path)?;
    let operations = parse_client(&client_text).map_err(|e| ImportError::at(&client_path, e))?;
    if operations.is_empty() {
        return Err(ImportError::at(
            &client_path,
            "no `_<operation>_http_info` method found; expected the SDK's generated client",
        ));
    }
    let models = read_models(&v3.join("model"))?;

    let swagger_dir = sources.join(SWAGGER_PACKAGE);
    let swagger_version = swagger_crate_version(&swagger_dir)?;

    let mut importer = Importer {
        models: &models,
        shapes: IndexMap::new(),
        sensitive: Vec::new(),
        notes: Vec::new(),
    };
    let mut ops = IndexMap::new();
    let mut swagger_used = 0usize;
    for sdk_op in &operations {
        let mut op = importer.operation(sdk_op)?;
        if swagger_version.is_some() {
            let file = swagger_dir
                .join("src")
                .join(format!("{}.json", sdk_op.name));
            if file.exists() {
                supplement_from_swagger(
                    &file,
                    &sdk_op.name,
                    &mut op,
                    &mut importer.shapes,
                    &mut importer.notes,
                )?;
                swagger_used += 1;
            }
        }
        ops.insert(sdk_op.name.clone(), op);
    }
    importer.finish_shape_flags(&ops);

    let service = Service {
        vendor: Vendor::Huawei,
        name: "geminidb".to_owned(),
        service: "gaussdbfornosql".to_owned(),
        title: "GeminiDB".to_owned(),
        docs: String::new(),
        version: "v3".to_owned(),
        endpoint: Endpoint {
            global: None,
            regional: "gaussdb-nosql.{region}.myhuaweicloud.com".to_owned(),
            international: None,
            region_overrides: IndexMap::new(),
            // The host is regional and no global one exists: the region is needed anyway.
            region_required: true,
        },
        auth: Vec::new(),
        common_errors: Vec::new(),
        operations: ops,
        shapes: importer.shapes,
        tasks: IndexMap::new(),
        resource: None,
    };
    let mut sources_read = vec![SourcePackage {
        name: SDK_PACKAGE.to_owned(),
        version: sdk_version,
        files: vec![
            format!("{SDK_PACKAGE}/v3/gaussdbfornosql_client.py"),
            format!("{SDK_PACKAGE}/v3/model/*.py"),
        ],
    }];
    if let Some(version) = swagger_version {
        sources_read.push(SourcePackage {
            name: SWAGGER_PACKAGE.to_owned(),
            version,
            files: vec![format!(
                "src/<Operation>.json ({swagger_used} of {} operations: success status, examples, deprecated)",
                operations.len()
            )],
        });
    }
    importer.sensitive.sort();
    importer.sensitive.dedup();
    Ok(RawImport {
        service,
        sources: sources_read,
        notes: importer.notes,
        header_notes: Vec::new(),
        sensitive: importer.sensitive,
    })
}

fn swagger_crate_version(dir: &Path) -> Result<Option<String>, ImportError> {
    let manifest = dir.join("Cargo.toml");
    if !dir.exists() {
        return Ok(None);
    }
    let text = read_text(&manifest)?;
    let version = text
        .lines()
        .map(str::trim)
        .find_map(|l| {
            l.strip_prefix("version = ")
                .map(|v| v.trim_matches('"').to_owned())
        })
        .ok_or_else(|| ImportError::at(&manifest, "expected `version = \"...\"` in [package]"))?;
    Ok(Some(version))
}

/// Splits the generated client into its operations.
fn parse_client(source: &str) -> Result<Vec<SdkOperation>, String> {
    let lines: Vec<&str> = source.lines().collect();
    let mut ops = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        let Some(rest) = line
            .strip_prefix("def _")
            .filter(|r| r.ends_with("_http_info(cls, request):"))
        else {
            i += 1;
            continue;
        };
        let snake = rest
            .trim_end_matches("_http_info(cls, request):")
            .to_owned();
        let start = i + 1;
        let mut end = start;
        while end < lines.len() && !lines[end].trim().starts_with("return http_info") {
            end += 1;
        }
        if end == lines.len() {
            return Err(format!(
                "line {}: `_{snake}_http_info` never returns http_info",
                i + 1
            ));
        }
        let mut method = None;
        let mut path = None;
        let mut response_type = None;
        let mut params = Vec::new();
        let mut body_attr = None;
        for (offset, raw) in lines[start..end].iter().enumerate() {
            let l = raw.trim();
            let line_no = start + offset + 1;
            let quoted = |l: &str| {
                l.split_once(": ")
                    .and_then(|(_, v)| python::string_literal(v.trim_end_matches(',')))
            };
            if l.starts_with("\"method\":") {
                method = quoted(l);
            } else if l.starts_with("\"resource_path\":") {
                path = quoted(l);
            } else if l.starts_with("\"response_type\":") {
                response_type = quoted(l);
            } else if let Some(rest) = l.strip_prefix("path_params[") {
                params.push(assignment(Location::Path, rest, line_no)?);
            } else if let Some(rest) = l
                .strip_prefix("header_params[")
                .filter(|_| l.contains("local_var_params"))
            {
                params.push(assignment(Location::Header, rest, line_no)?);
            } else if let Some(rest) = l.strip_prefix("query_params.append((") {
                // query_params.append(('wire', local_var_params['attr']))
                let (wire, attr) = rest
                    .split_once(", local_var_params[")
                    .and_then(|(w, a)| Some((python::string_literal(w.trim())?, python::string_literal(a.trim_end_matches("]))"))?)))
                    .ok_or_else(|| format!("line {line_no}: expected `query_params.append(('name', local_var_params['attr']))`"))?;
                params.push((Location::Query, wire, attr));
            } else if let Some(rest) = l.strip_prefix("body = local_var_params[") {
                body_attr = python::string_literal(rest.trim_end_matches(']'));
            } else if l.starts_with("form_params[") {
                return Err(format!(
                    "line {line_no}: form parameters are not supported (expected a JSON body)"
                ));
            }
        }
        let (Some(method), Some(path), Some(response_type)) = (method, path, response_type) else {
            return Err(format!(
                "line {}: `_{snake}_http_info` lacks \"method\", \"resource_path\" or \"response_type\"",
                i + 1
            ));
        };
        let name = response_type
            .strip_suffix("Response")
            .ok_or_else(|| {
                format!(
                    "line {}: response type `{response_type}` does not end in Response",
                    i + 1
                )
            })?
            .to_owned();
        let method = match method.as_str() {
            "GET" => HttpMethod::Get,
            "POST" => HttpMethod::Post,
            "PUT" => HttpMethod::Put,
            "DELETE" => HttpMethod::Delete,
            "PATCH" => HttpMethod::Patch,
            other => return Err(format!("line {}: unknown HTTP method `{other}`", i + 1)),
        };
        let (summary, description) = docstring(&lines, &snake);
        ops.push(SdkOperation {
            name,
            summary,
            description,
            method,
            path,
            params,
            body_attr,
        });
        i = end + 1;
    }
    Ok(ops)
}

/// `'wire'] = local_var_params['attr']` → (location, wire, attr).
fn assignment(
    location: Location,
    rest: &str,
    line_no: usize,
) -> Result<(Location, String, String), String> {
    rest.split_once("] = local_var_params[")
        .and_then(|(w, a)| {
            Some((
                location,
                python::string_literal(w)?,
                python::string_literal(a.trim_end_matches(']'))?,
            ))
        })
        .ok_or_else(|| {
            format!("line {line_no}: expected `..._params['name'] = local_var_params['attr']`")
        })
}

/// The summary line and the description of the public method `def <snake>(self, request):`.
fn docstring(lines: &[&str], snake: &str) -> (String, String) {
    let header = format!("def {snake}(self, request):");
    let Some(start) = lines.iter().position(|l| l.trim() == header) else {
        return (String::new(), String::new());
    };
    let mut text = Vec::new();
    for line in &lines[start + 1..] {
        let l = line.trim();
        if l.starts_with("Please refer to HUAWEI cloud API Explorer")
            || l.starts_with(":param")
            || l == "\"\"\""
        {
            break;
        }
        text.push(l.trim_start_matches("r\"\"\"").to_owned());
    }
    let joined = text.join("\n");
    let mut parts = joined.trim().splitn(2, "\n\n");
    let summary = parts.next().unwrap_or("").trim().to_owned();
    let description = parts.next().unwrap_or("").trim().to_owned();
    (summary, description)
}

fn read_models(dir: &Path) -> Result<BTreeMap<String, Model>, ImportError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        ImportError::at(
            dir,
            format!("cannot read the models directory ({e}); expected v3/model/*.py"),
        )
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "py") && !p.ends_with("__init__.py"))
        .collect();
    files.sort();
    let mut models = BTreeMap::new();
    for file in files {
        let text = read_text(&file)?;
        let Some(class) = text.lines().find_map(|l| {
            l.strip_prefix("class ")
                .and_then(|r| r.split([':', '(']).next())
        }) else {
            return Err(ImportError::at(&file, "expected a `class <Name>:` model"));
        };
        let dict = |name: &str| -> Result<IndexMap<String, String>, ImportError> {
            match python::dict_of_strings(&text, name) {
                Some(Ok(map)) => Ok(map),
                Some(Err(e)) => Err(ImportError::at(&file, e)),
                None => Err(ImportError::at(
                    &file,
                    format!("expected `{name} = {{...}}` in class {class}"),
                )),
            }
        };
        let types = dict("openapi_types")?;
        let wire = dict("attribute_map")?;
        let mut required = BTreeSet::new();
        let mut docs = BTreeMap::new();
        for attr in types.keys() {
            let optional = text.contains(&format!("if {attr} is not None:"));
            let assigned = text.contains(&format!("self.{attr} = {attr}\n"));
            if assigned && !optional {
                required.insert(attr.clone());
            }
            let marker = format!(":param {attr}: ");
            if let Some(doc) = text.lines().find_map(|l| l.trim().strip_prefix(&marker)) {
                docs.insert(attr.clone(), doc.trim().to_owned());
            }
        }
        let sensitive = python::list_of_strings(&text, "sensitive_list").unwrap_or_default();
        models.insert(
            class.to_owned(),
            Model {
                file: file.clone(),
                types,
                wire,
                required,
                docs,
                sensitive,
            },
        );
    }
    Ok(models)
}

struct Importer<'a> {
    models: &'a BTreeMap<String, Model>,
    shapes: IndexMap<String, Shape>,
    sensitive: Vec<String>,
    notes: Vec<String>,
}

impl Importer<'_> {
    fn model(&self, name: &str, wanted_by: &str) -> Result<&Model, ImportError> {
        self.models.get(name).ok_or_else(|| {
            ImportError::at(
                format!("{SDK_PACKAGE}/v3/model"),
                format!("{wanted_by} needs model `{name}`, which no model file defines"),
            )
        })
    }

    fn operation(&mut self, sdk: &SdkOperation) -> Result<Operation, ImportError> {
        let request = self
            .model(&format!("{}Request", sdk.name), &sdk.name)?
            .clone();
        let response = self
            .model(&format!("{}Response", sdk.name), &sdk.name)?
            .clone();
        let mut input = IndexMap::new();
        for (location, wire, attr) in &sdk.params {
            if *location == Location::Header
                && cloud_spec::transport_members::is_transport_header(wire)
            {
                continue;
            }
            let py_type = request.types.get(attr).ok_or_else(|| {
                ImportError::at(
                    &request.file,
                    format!("`{attr}` is sent by the client but is not in openapi_types"),
                )
            })?;
            let ty = self.type_expr(py_type, &request.file)?;
            if request.sensitive.contains(attr) {
                self.sensitive.push(format!("{}.{wire}", sdk.name));
            }
            input.insert(
                wire.clone(),
                Member {
                    docs: request.docs.get(attr).cloned().unwrap_or_default(),
                    required: *location == Location::Path || request.required.contains(attr),
                    location: Some(*location),
                    ..Member::new(ty)
                },
            );
        }
        if let Some(body_attr) = &sdk.body_attr {
            let py_type = request.types.get(body_attr).cloned().ok_or_else(|| {
                ImportError::at(
                    &request.file,
                    format!("the body `{body_attr}` is not in openapi_types"),
                )
            })?;
            let body = self.model(&py_type, &sdk.name).map_err(|_| {
                ImportError::at(
                    &request.file,
                    format!(
                        "the body of {} has type `{py_type}`; expected a model (a JSON object)",
                        sdk.name
                    ),
                )
            })?;
            let body = body.clone();
            for (attr, py) in &body.types {
                let wire = body.wire.get(attr).cloned().unwrap_or_else(|| attr.clone());
                if input.contains_key(&wire) {
                    return Err(ImportError::at(
                        &body.file,
                        format!("body member `{wire}` of {} has the name of a path, query or header member", sdk.name),
                    ));
                }
                if body.sensitive.contains(attr) {
                    self.sensitive.push(format!("{}.{wire}", sdk.name));
                }
                let ty = self.type_expr(py, &body.file)?;
                input.insert(
                    wire,
                    Member {
                        docs: body.docs.get(attr).cloned().unwrap_or_default(),
                        required: body.required.contains(attr),
                        location: Some(Location::Body),
                        ..Member::new(ty)
                    },
                );
            }
        }
        let mut output = IndexMap::new();
        for (attr, py) in &response.types {
            let wire = response
                .wire
                .get(attr)
                .cloned()
                .unwrap_or_else(|| attr.clone());
            if wire.contains('-') {
                // A response header the SDK reads (X-Request-Id and the like); not a body member.
                continue;
            }
            let ty = self.type_expr(py, &response.file)?;
            output.insert(
                wire,
                Member {
                    docs: response.docs.get(attr).cloned().unwrap_or_default(),
                    ..Member::new(ty)
                },
            );
        }
        let mut docs = sdk.summary.clone();
        if !sdk.description.is_empty() && sdk.description != sdk.summary {
            docs.push_str("\n\n");
            docs.push_str(&sdk.description);
        }
        docs.push('\n');
        let read_only = sdk.method == HttpMethod::Get;
        Ok(Operation {
            docs,
            http: Some(HttpBinding {
                method: sdk.method,
                path: sdk.path.clone(),
                success_status: 200,
            }),
            rate_limit: None,
            regions: Vec::new(),
            read_only,
            idempotent: read_only,
            deprecated: false,
            input,
            output,
            errors: Vec::new(),
            examples: Vec::new(),
            waiter: None,
            task: None,
            pagination: None,
            no_task: None,
            no_pagination: None,
        })
    }

    /// Maps an SDK type; model names become shapes (imported on first use).
    fn type_expr(&mut self, py: &str, file: &Path) -> Result<TypeExpr, ImportError> {
        let py = py.trim();
        if let Some(inner) = py.strip_prefix("list[").and_then(|r| r.strip_suffix(']')) {
            return Ok(TypeExpr::List(Box::new(self.type_expr(inner, file)?)));
        }
        if let Some(inner) = py
            .strip_prefix("dict(str, ")
            .and_then(|r| r.strip_suffix(')'))
        {
            return Ok(TypeExpr::Map(Box::new(self.type_expr(inner, file)?)));
        }
        Ok(match py {
            "str" => TypeExpr::String,
            "int" => TypeExpr::Integer(IntWidth::I32),
            "bool" => TypeExpr::Boolean,
            "float" => TypeExpr::Float,
            "object" => TypeExpr::Json,
            "datetime" | "date" => TypeExpr::Timestamp,
            name if name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) => {
                // A model name that is no shape name is an error here, naming the file.
                let ty = TypeExpr::parse(name)
                    .map_err(|e| ImportError::at(file, format!("model `{name}`: {e}")))?;
                self.shape(name)?;
                ty
            }
            other => {
                return Err(ImportError::at(
                    file,
                    format!("type `{other}`; expected str, int, bool, float, object, datetime, list[T], dict(str, T) or a model name"),
                ))
            }
        })
    }

    fn shape(&mut self, name: &str) -> Result<(), ImportError> {
        if self.shapes.contains_key(name) {
            return Ok(());
        }
        let model = self.model(name, "a member")?.clone();
        // Insert first, so a recursive model refers to itself without looping.
        self.shapes.insert(
            name.to_owned(),
            Shape {
                docs: String::new(),
                members: Some(IndexMap::new()),
                enum_kind: None,
                values: Vec::new(),
            },
        );
        let mut members = IndexMap::new();
        for (attr, py) in &model.types {
            let wire = model
                .wire
                .get(attr)
                .cloned()
                .unwrap_or_else(|| attr.clone());
            let ty = self.type_expr(py, &model.file)?;
            if model.sensitive.contains(attr) {
                self.sensitive.push(format!("{name}.{wire}"));
            }
            members.insert(
                wire,
                Member {
                    docs: model.docs.get(attr).cloned().unwrap_or_default(),
                    // Final value decided in `finish_shape_flags`, once it is known whether the
                    // structure is sent, received, or both.
                    required: model.required.contains(attr),
                    ..Member::new(ty)
                },
            );
        }
        if let Some(shape) = self.shapes.get_mut(name) {
            shape.members = Some(members);
        }
        Ok(())
    }

    /// Structures that appear in a response get no `required` members (see the module docs).
    fn finish_shape_flags(&mut self, ops: &IndexMap<String, Operation>) {
        let mut received = BTreeSet::new();
        let mut queue: Vec<String> = ops
            .values()
            .flat_map(|op| op.output.values())
            .filter_map(|m| m.ty.shape_name().map(str::to_owned))
            .collect();
        while let Some(name) = queue.pop() {
            if !received.insert(name.clone()) {
                continue;
            }
            if let Some(members) = self.shapes.get(&name).and_then(|s| s.members.as_ref()) {
                queue.extend(
                    members
                        .values()
                        .filter_map(|m| m.ty.shape_name().map(str::to_owned)),
                );
            }
        }
        for name in received {
            if let Some(members) = self.shapes.get_mut(&name).and_then(|s| s.members.as_mut()) {
                for member in members.values_mut() {
                    member.required = false;
                }
            }
        }
    }
}

/// Success status, examples and the deprecated flag from the operation's Swagger file.
fn supplement_from_swagger(
    file: &Path,
    name: &str,
    op: &mut Operation,
    shapes: &mut IndexMap<String, Shape>,
    notes: &mut Vec<String>,
) -> Result<(), ImportError> {
    let doc: Value = super::tencent::read_json(file, "a Swagger 2.0 document with `paths`")?;
    widen_integers(&doc, op, shapes);
    let paths = doc.get("paths").and_then(Value::as_object).ok_or_else(|| {
        ImportError::at(
            file,
            "expected a Swagger 2.0 document with a `paths` object",
        )
    })?;
    let Some((path_template, methods)) = paths.iter().next() else {
        return Err(ImportError::at(
            file,
            "`paths` is empty; expected the operation's path",
        ));
    };
    let Some(swagger_op) = methods.as_object().and_then(|m| m.values().next()) else {
        return Err(ImportError::at(
            file,
            format!("`paths.{path_template}` has no method"),
        ));
    };
    if let Some(binding) = &op.http {
        if &binding.path != path_template {
            notes.push(format!(
                "{name}: the Swagger path {path_template} differs from the SDK's {}; the SDK's is kept",
                binding.path
            ));
        }
    }
    let responses = swagger_op.get("responses").and_then(Value::as_object);
    let success = responses.and_then(|r| {
        r.iter()
            .filter_map(|(code, body)| {
                code.parse::<u16>()
                    .ok()
                    .filter(|c| (200..300).contains(c))
                    .map(|c| (c, body))
            })
            .min_by_key(|(c, _)| *c)
    });
    if let (Some((status, _)), Some(binding)) = (success, op.http.as_mut()) {
        binding.success_status = status;
    }
    if swagger_op.get("deprecated").and_then(Value::as_bool) == Some(true) {
        op.deprecated = true;
    }
    let response_example = success
        .and_then(|(_, body)| body.pointer("/examples/application~1json"))
        .and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<IndexMap<_, _>>()
        });

    // Request examples: x-request-examples-url-N (method and URL: path and query members) and
    // x-request-examples-N (the body), titled by x-request-examples-description-N.
    let Some(object) = swagger_op.as_object() else {
        return Ok(());
    };
    let mut numbers: Vec<u32> = object
        .keys()
        .filter_map(|k| {
            k.strip_prefix("x-request-examples-url-")
                .and_then(|n| n.parse().ok())
        })
        .collect();
    numbers.sort_unstable();
    for n in numbers {
        let url = object
            .get(&format!("x-request-examples-url-{n}"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let mut input = match url_members(url, path_template, op) {
            Some(input) => input,
            None => {
                notes.push(format!(
                    "{name}: example {n} left out: its URL `{url}` does not match {path_template}"
                ));
                continue;
            }
        };
        match object.get(&format!("x-request-examples-{n}")) {
            Some(Value::Object(body)) => {
                input.extend(body.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            Some(Value::String(text)) if !text.trim().is_empty() => {
                match serde_json::from_str::<Value>(text) {
                    Ok(Value::Object(body)) => input.extend(body),
                    _ => {
                        notes.push(format!(
                            "{name}: example {n} left out: its body is not a JSON object"
                        ));
                        continue;
                    }
                }
            }
            _ => {}
        }
        let title = object
            .get(&format!("x-request-examples-description-{n}"))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| format!("Example {n}"));
        op.examples.push(Example {
            title,
            input,
            output: response_example.clone().unwrap_or_default(),
        });
    }
    Ok(())
}

/// The path and query members of an example URL (`GET https://{endpoint}/v3/<project>/...?a=1`).
fn url_members(url: &str, template: &str, op: &Operation) -> Option<IndexMap<String, Value>> {
    let url = url.split_once(' ').map_or(url, |(_, u)| u).trim();
    let after_host = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path_and_query = &after_host[after_host.find('/')?..];
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let actual: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let expected: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    if actual.len() != expected.len() {
        return None;
    }
    let mut members = IndexMap::new();
    for (a, e) in actual.iter().zip(&expected) {
        match e.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
            Some("project_id") => {}
            Some(name) => {
                members.insert(name.to_owned(), crate::query_value(a, op.input.get(name)));
            }
            None if a == e => {}
            None => return None,
        }
    }
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        members.insert(k.to_owned(), crate::query_value(v, op.input.get(k)));
    }
    Some(members)
}

/// The SDK types every integer `int`; the Swagger file says which are 64-bit (`format: int64`:
/// millisecond timestamps, sizes). Such members become `int64`, in the operation and in the
/// structures it reaches (a structure shared with other operations only ever gets wider).
fn widen_integers(doc: &Value, op: &mut Operation, shapes: &mut IndexMap<String, Shape>) {
    let Some(swagger_op) = doc
        .get("paths")
        .and_then(Value::as_object)
        .and_then(|p| p.values().next())
        .and_then(Value::as_object)
        .and_then(|m| m.values().next())
    else {
        return;
    };
    for param in swagger_op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match param.get("in").and_then(Value::as_str) {
            Some("body") => {
                if let Some(schema) = param.get("schema") {
                    widen_members(doc, schema, &mut op.input, shapes, 0);
                }
            }
            Some(_) => {
                let name = param.get("name").and_then(Value::as_str).unwrap_or("");
                if let Some(member) = op.input.get_mut(name) {
                    widen_one(param, member);
                }
            }
            None => {}
        }
    }
    let success = swagger_op
        .get("responses")
        .and_then(Value::as_object)
        .and_then(|r| {
            r.iter()
                .filter(|(code, _)| code.starts_with('2'))
                .min_by_key(|(code, _)| code.as_str())
                .map(|(_, body)| body)
        });
    if let Some(schema) = success.and_then(|body| body.get("schema")) {
        widen_members(doc, schema, &mut op.output, shapes, 0);
    }
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/definitions/"))
    {
        Some(name) => doc
            .pointer(&format!("/definitions/{name}"))
            .unwrap_or(schema),
        None => schema,
    }
}

fn widen_members(
    doc: &Value,
    schema: &Value,
    members: &mut IndexMap<String, Member>,
    shapes: &mut IndexMap<String, Shape>,
    depth: usize,
) {
    // Swagger definitions can be recursive; real nesting is a few levels.
    if depth > 16 {
        return;
    }
    let Some(properties) = resolve(doc, schema)
        .get("properties")
        .and_then(Value::as_object)
    else {
        return;
    };
    for (name, property) in properties {
        let Some(member) = members.get_mut(name) else {
            continue;
        };
        widen_one(property, member);
        let inner = match property.get("items") {
            Some(items) => items,
            None => property,
        };
        if inner.get("$ref").is_none() {
            continue;
        }
        let Some(shape_name) = member.ty.shape_name().map(str::to_owned) else {
            continue;
        };
        // Take the structure's members out while recursing, so `shapes` can be borrowed again.
        let Some(mut nested) = shapes.get_mut(&shape_name).and_then(|s| s.members.take()) else {
            continue;
        };
        widen_members(doc, inner, &mut nested, shapes, depth + 1);
        if let Some(shape) = shapes.get_mut(&shape_name) {
            shape.members = Some(nested);
        }
    }
}

fn widen_one(schema: &Value, member: &mut Member) {
    let int64 = |s: &Value| {
        s.get("type").and_then(Value::as_str) == Some("integer")
            && s.get("format").and_then(Value::as_str) == Some("int64")
    };
    let int32 = TypeExpr::Integer(IntWidth::I32);
    let widened = TypeExpr::Integer(IntWidth::I64);
    if member.ty == int32 && int64(schema) {
        member.ty = widened;
    } else if member.ty == TypeExpr::List(Box::new(int32)) && schema.get("items").is_some_and(int64)
    {
        member.ty = TypeExpr::List(Box::new(widened));
    }
}
