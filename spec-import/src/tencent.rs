//! The Tencent importer: `tccli-intl-en`'s `services/<svc>/<version>/api.json` and
//! `examples.json`, and `tencentcloud-sdk-python-intl-en`'s `<svc>/<version>/errorcodes.py`.
//!
//! Mapping (the curated specs follow the same conventions):
//! - `Integer` members are `int64` (`member: int64`) or `uint64`; `String` with `member: datetime`
//!   is a `timestamp` in `%Y-%m-%d %H:%M:%S`; `Array`s are `list<T>`; objects are shapes of the
//!   same name;
//! - input `required` as given; output `required` only when `output_required` is set and the field
//!   is not nullable; `nullable` when `value_allowed_null` is set or the docs say "This field may
//!   return null"; `RequestId` is always required;
//! - members marked `disabled` are left out (tccli hides them too);
//! - actions named `Describe*` are read-only and idempotent (Tencent API 3.0 naming: `Describe`
//!   actions only query); everything else is neither until an overlay says so;
//! - `errorcodes.py` lists the service's codes without saying which action returns which: they
//!   become `common_errors`. Per-action codes are on the vendor's pages only (overlay or doc-page
//!   importer);
//! - rate limits and region restrictions are not in these sources (they are on the pages).

use std::path::{Path, PathBuf};

use cloud_spec::{
    Endpoint, ErrorCode, Example, IntWidth, Member, Operation, Service, Shape, TypeExpr, Vendor,
};
use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use super::{python, ImportError, RawImport, SourcePackage};

/// Directory (under the vendor sources) of the unpacked `tccli-intl-en` wheel.
pub const TCCLI_PACKAGE: &str = "tccli-intl-en";
/// Directory (under the vendor sources) of the unpacked `tencentcloud-sdk-python-intl-en` wheel.
pub const SDK_PACKAGE: &str = "tencentcloud-sdk-python-intl-en";

/// The text format of Tencent `datetime` members and of the timestamps the curated specs type.
pub const DATETIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

#[derive(Debug, Deserialize)]
struct ApiJson {
    actions: IndexMap<String, ApiAction>,
    objects: IndexMap<String, ApiObject>,
    metadata: ApiMetadata,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiMetadata {
    api_version: String,
    #[serde(rename = "serviceNameCN", default)]
    service_name_cn: String,
    service_short_name: String,
}

#[derive(Debug, Deserialize)]
struct ApiAction {
    #[serde(default)]
    document: String,
    input: String,
    name: String,
    output: String,
    #[serde(default)]
    status: String,
}

#[derive(Debug, Deserialize)]
struct ApiObject {
    #[serde(default)]
    document: String,
    members: Vec<ApiMember>,
    /// `in`, `out` or `both` for data structures; absent on request and response objects.
    #[serde(default)]
    usage: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ApiMember {
    #[serde(default)]
    document: String,
    member: String,
    name: String,
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    disabled: bool,
    #[serde(default)]
    example: Option<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    value_allowed_null: bool,
    #[serde(default)]
    output_required: bool,
}

#[derive(Debug, Deserialize)]
struct ExamplesJson {
    actions: IndexMap<String, Vec<SourceExample>>,
}

#[derive(Debug, Deserialize)]
struct SourceExample {
    #[serde(default)]
    title: String,
    input: String,
    output: String,
}

/// Which side of the wire a member list describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Input,
    Output,
    Both,
}

/// Reads the sources for `service` (e.g. `mongodb`) under `sources` (the directory
/// `scripts/fetch-vendor-sources.sh` fills). `api_version` (`2019-07-25`) picks a version when
/// the service has several; by default the newest.
pub fn import(
    sources: &Path,
    service: &str,
    api_version: Option<&str>,
) -> Result<RawImport, ImportError> {
    let tccli = sources.join(TCCLI_PACKAGE);
    let tccli_version = package_version(&tccli, "tccli_intl_en")?;
    let services = tccli.join("tccli").join("services").join(service);
    let version_dir = pick_version(&services, api_version)?;
    let api_path = services.join(&version_dir).join("api.json");
    let examples_path = services.join(&version_dir).join("examples.json");
    let api: ApiJson = read_json(
        &api_path,
        "tccli's api.json: an object with `actions`, `objects` and `metadata`",
    )?;
    let examples: ExamplesJson = read_json(
        &examples_path,
        "tccli's examples.json: an object with `actions` (action name → list of {title, input, output})",
    )?;

    let sdk = sources.join(SDK_PACKAGE);
    let sdk_version = package_version(&sdk, "tencentcloud_sdk_python_intl_en")?;
    let errorcodes_path = sdk
        .join("tencentcloud")
        .join(service)
        .join(&version_dir)
        .join("errorcodes.py");
    let errorcodes_text = read_text(&errorcodes_path)?;
    let codes = python::error_codes(&errorcodes_text).map_err(|e| {
        ImportError::at(
            &errorcodes_path,
            format!("{e}; expected the Tencent SDK's errorcodes.py"),
        )
    })?;

    let mut notes = Vec::new();
    let converted = convert(&api, &api_path, &examples, &examples_path, &mut notes)?;
    let mut svc = converted;
    svc.common_errors = codes
        .into_iter()
        .map(|c| ErrorCode {
            code: c.code,
            docs: c.docs,
            http_status: None,
            meaning: None,
        })
        .collect();

    let relative = |p: &Path, base: &Path| {
        p.strip_prefix(base)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    };
    Ok(RawImport {
        service: svc,
        sources: vec![
            SourcePackage {
                name: TCCLI_PACKAGE.to_owned(),
                version: tccli_version,
                files: vec![
                    relative(&api_path, &tccli),
                    relative(&examples_path, &tccli),
                ],
            },
            SourcePackage {
                name: SDK_PACKAGE.to_owned(),
                version: sdk_version,
                files: vec![relative(&errorcodes_path, &sdk)],
            },
        ],
        notes,
        header_notes: Vec::new(),
        sensitive: Vec::new(),
    })
}

/// The version of an unpacked wheel, from its `<dist>-<version>.dist-info` directory.
pub(crate) fn package_version(dir: &Path, dist: &str) -> Result<String, ImportError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        ImportError::at(
            dir,
            format!("cannot read the unpacked package ({e}); run scripts/fetch-vendor-sources.sh and pass its directory with --source"),
        )
    })?;
    let prefix = format!("{dist}-");
    let mut versions: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_prefix(&prefix)?
                .strip_suffix(".dist-info")
                .map(str::to_owned)
        })
        .collect();
    versions.sort();
    match versions.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(ImportError::at(
            dir,
            format!("expected a `{dist}-<version>.dist-info` directory (an unpacked wheel)"),
        )),
        _ => Err(ImportError::at(
            dir,
            format!(
                "several versions of {dist} unpacked here ({}); expected one",
                versions.join(", ")
            ),
        )),
    }
}

fn pick_version(services: &Path, wanted: Option<&str>) -> Result<String, ImportError> {
    let entries = std::fs::read_dir(services).map_err(|e| {
        ImportError::at(
            services,
            format!("cannot read the service's directory ({e}); expected tccli/services/<service>/v<YYYYMMDD>/"),
        )
    })?;
    let mut versions: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.len() == 9 && n.starts_with('v') && n[1..].chars().all(|c| c.is_ascii_digit())
        })
        .collect();
    versions.sort();
    match wanted {
        Some(date) => {
            let dir = format!("v{}", date.replace('-', ""));
            if versions.contains(&dir) {
                Ok(dir)
            } else {
                Err(ImportError::at(
                    services,
                    format!(
                        "no API version {date} (expected directory {dir}); found: {}",
                        versions.join(", ")
                    ),
                ))
            }
        }
        None => versions.pop().ok_or_else(|| {
            ImportError::at(
                services,
                "expected a version directory v<YYYYMMDD> with api.json",
            )
        }),
    }
}

pub(crate) fn read_text(path: &Path) -> Result<String, ImportError> {
    std::fs::read_to_string(path)
        .map_err(|e| ImportError::at(path, format!("cannot read the file: {e}")))
}

pub(crate) fn read_json<T: serde::de::DeserializeOwned>(
    path: &Path,
    expected: &str,
) -> Result<T, ImportError> {
    let text = read_text(path)?;
    let mut de = serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        let at = if e.path().to_string() == "." {
            String::new()
        } else {
            format!(" at `{}`", e.path())
        };
        let what = if inner.is_eof() {
            "the file ends early (truncated?)".to_owned()
        } else {
            inner.to_string()
        };
        ImportError::at(path, format!("{what}{at}; expected {expected}"))
    })
}

fn convert(
    api: &ApiJson,
    api_path: &Path,
    examples: &ExamplesJson,
    examples_path: &Path,
    notes: &mut Vec<String>,
) -> Result<Service, ImportError> {
    let short = api.metadata.service_short_name.clone();
    let object = |name: &str, action: &str| {
        api.objects.get(name).ok_or_else(|| {
            ImportError::at(
                api_path,
                format!("action `{action}` names object `{name}`, which `objects` does not define"),
            )
        })
    };

    let mut shapes = IndexMap::new();
    for (name, obj) in &api.objects {
        let side = match obj.usage.as_deref() {
            None => continue, // a request or response object: inlined into its operation
            Some("in") => Side::Input,
            Some("out") => Side::Output,
            Some("both") => Side::Both,
            Some(other) => {
                return Err(ImportError::at(
                    api_path,
                    format!("objects.{name}.usage is `{other}`; expected in, out or both"),
                ))
            }
        };
        let members = members(api, api_path, name, &obj.members, side)?;
        shapes.insert(
            name.clone(),
            Shape {
                docs: obj.document.trim().to_owned(),
                members: Some(members),
                enum_kind: None,
                values: Vec::new(),
            },
        );
    }

    let mut operations = IndexMap::new();
    for (name, action) in &api.actions {
        let input_obj = object(&action.input, name)?;
        let output_obj = object(&action.output, name)?;
        let input = members(
            api,
            api_path,
            &action.input,
            &input_obj.members,
            Side::Input,
        )?;
        let mut output = members(
            api,
            api_path,
            &action.output,
            &output_obj.members,
            Side::Output,
        )?;
        if let Some(request_id) = output.get_mut("RequestId") {
            // Tencent API 3.0: every response carries its request ID.
            request_id.required = true;
            request_id.nullable = false;
        }
        let title = action.name.trim();
        let mut docs = String::new();
        if !title.is_empty() {
            docs.push_str(title);
            if !title.ends_with(['.', '!', '?']) {
                docs.push('.');
            }
            docs.push_str("\n\n");
        }
        docs.push_str(action.document.trim());
        docs.push('\n');
        let read_only = name.starts_with("Describe");
        let mut op = Operation {
            docs,
            http: None,
            rate_limit: None,
            regions: Vec::new(),
            read_only,
            idempotent: read_only,
            deprecated: action.status == "deprecated",
            input,
            output,
            errors: Vec::new(),
            examples: Vec::new(),
            waiter: None,
            task: None,
            pagination: None,
            no_task: None,
            no_pagination: None,
        };
        for (i, example) in examples.actions.get(name).into_iter().flatten().enumerate() {
            match convert_example(example, &op, &shapes) {
                Ok(ex) => op.examples.push(ex),
                Err(why) => notes.push(format!(
                    "{name}: example {} of {} left out: {why}",
                    i + 1,
                    examples_path.display()
                )),
            }
        }
        operations.insert(name.clone(), op);
    }

    Ok(Service {
        vendor: Vendor::Tencent,
        name: short.clone(),
        service: short.clone(),
        title: if api.metadata.service_name_cn.is_empty() {
            short.clone()
        } else {
            api.metadata.service_name_cn.clone()
        },
        docs: String::new(),
        version: api.metadata.api_version.clone(),
        endpoint: Endpoint {
            global: Some(format!("{short}.tencentcloudapi.com")),
            regional: format!("{short}.{{region}}.tencentcloudapi.com"),
            international: Some(format!("{short}.intl.tencentcloudapi.com")),
            region_overrides: IndexMap::new(),
            // Every action of the TencentDB APIs takes the Region common parameter as required.
            region_required: true,
        },
        auth: Vec::new(),
        common_errors: Vec::new(),
        operations,
        shapes,
        tasks: IndexMap::new(),
        resource: None,
    })
}

fn members(
    api: &ApiJson,
    api_path: &Path,
    object: &str,
    source: &[ApiMember],
    side: Side,
) -> Result<IndexMap<String, Member>, ImportError> {
    let mut out = IndexMap::new();
    for (i, m) in source.iter().enumerate() {
        if m.disabled {
            continue;
        }
        let at = || format!("objects.{object}.members[{i}] (`{}`)", m.name);
        let (ty, format) =
            member_type(api, m).map_err(|e| ImportError::at(api_path, format!("{}: {e}", at())))?;
        let may_be_null = m.value_allowed_null || m.document.contains("may return null");
        let (required, nullable) = match side {
            Side::Input => (m.required, false),
            Side::Output => (m.output_required && !may_be_null, may_be_null),
            Side::Both => (m.required && m.output_required && !may_be_null, may_be_null),
        };
        if out.contains_key(&m.name) {
            return Err(ImportError::at(
                api_path,
                format!("{}: the member name appears twice", at()),
            ));
        }
        out.insert(
            m.name.clone(),
            Member {
                example: m.example.as_deref().and_then(|e| example_value(e, &ty)),
                docs: m.document.trim().to_owned(),
                required,
                nullable,
                format,
                ..Member::new(ty)
            },
        );
    }
    Ok(out)
}

/// The type expression (and timestamp format) of an api.json member.
fn member_type(api: &ApiJson, m: &ApiMember) -> Result<(TypeExpr, Option<String>), String> {
    let scalar = |member: &str| -> Option<(TypeExpr, Option<String>)> {
        Some(match member {
            "string" => (TypeExpr::String, None),
            "datetime" => (TypeExpr::Timestamp, Some(DATETIME_FORMAT.to_owned())),
            "int64" => (TypeExpr::Integer(IntWidth::I64), None),
            "uint64" => (TypeExpr::Integer(IntWidth::U64), None),
            "bool" => (TypeExpr::Boolean, None),
            "float" | "double" => (TypeExpr::Float, None),
            _ => return None,
        })
    };
    let shape = |member: &str| -> Result<TypeExpr, String> {
        match api.objects.get(member) {
            // An object name that is no shape name is an error here.
            Some(o) if o.usage.is_some() => TypeExpr::parse(member).map_err(|e| e.to_string()),
            Some(_) => Err(format!(
                "`{member}` is a request or response object, not a structure"
            )),
            None => Err(format!(
                "type `{member}` is neither a scalar nor an object defined in `objects`"
            )),
        }
    };
    let expected = "expected type string/int/bool/float (member string, datetime, int64, uint64, bool, float), list, or object";
    match m.ty.as_str() {
        "string" | "int" | "bool" | "float" => match scalar(&m.member) {
            Some((ty, format)) => Ok((ty, format)),
            None => Err(format!(
                "type `{}` with member `{}`; {expected}",
                m.ty, m.member
            )),
        },
        "list" => match scalar(&m.member) {
            Some((ty, format)) => Ok((TypeExpr::List(Box::new(ty)), format)),
            None => Ok((TypeExpr::List(Box::new(shape(&m.member)?)), None)),
        },
        "object" => Ok((shape(&m.member)?, None)),
        other => Err(format!("type `{other}`; {expected}")),
    }
}

/// A member's `example` text as a JSON value of its type; `None` when the text is a placeholder
/// ("无": none) or does not read as the type. The validator checks what is kept.
fn example_value(text: &str, ty: &TypeExpr) -> Option<Value> {
    let text = text.trim();
    if text.is_empty() || matches!(text, "无" | "空" | "null" | "None" | "-") {
        return None;
    }
    match ty {
        TypeExpr::String | TypeExpr::Timestamp => Some(Value::String(text.to_owned())),
        TypeExpr::Integer(IntWidth::I64) => text.parse::<i64>().ok().map(Value::from),
        TypeExpr::Integer(IntWidth::U64) => text.parse::<u64>().ok().map(Value::from),
        TypeExpr::Float => text
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number)),
        TypeExpr::Boolean => match text {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        _ => serde_json::from_str(text).ok(),
    }
}

fn convert_example(
    example: &SourceExample,
    op: &Operation,
    shapes: &IndexMap<String, Shape>,
) -> Result<Example, String> {
    let input_text = example.input.replace("\r\n", "\n");
    let trimmed = input_text.trim_start();
    let input = if trimmed.starts_with("POST") {
        let body = trimmed
            .split_once("\n\n")
            .map_or("", |(_, body)| body)
            .trim();
        if body.is_empty() {
            IndexMap::new()
        } else {
            serde_json::from_str::<IndexMap<String, Value>>(body)
                .map_err(|e| format!("the request body is not a JSON object ({e})"))?
        }
    } else if trimmed.starts_with("https://") || trimmed.starts_with("http://") {
        query_example(trimmed, &op.input, shapes)?
    } else {
        return Err("the request is neither `POST / HTTP/1.1 ...` nor a GET URL".to_owned());
    };
    let output: Value = serde_json::from_str(example.output.trim())
        .map_err(|e| format!("the response is not JSON ({e})"))?;
    let response = output
        .get("Response")
        .and_then(Value::as_object)
        .ok_or("the response has no `Response` object")?;
    if response.contains_key("Error") {
        return Err("the response is an error response".to_owned());
    }
    Ok(Example {
        title: example.title.trim().to_owned(),
        input,
        output: response
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    })
}

/// A GET example (`https://host/?Action=X\n&A=1\n&B.0=x\n&<Common request parameters>`) as the
/// JSON body the same call sends: `A.0` and `A.0.B` become lists and objects, values get the
/// members' JSON types.
fn query_example(
    text: &str,
    members: &IndexMap<String, Member>,
    shapes: &IndexMap<String, Shape>,
) -> Result<IndexMap<String, Value>, String> {
    let mut root = Value::Object(serde_json::Map::new());
    let mut pairs = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        let line = if i == 0 {
            match line.split_once('?') {
                Some((_, query)) => query,
                None => continue,
            }
        } else {
            line
        };
        for part in line.split('&') {
            let part = part.trim();
            if part.is_empty() || part.starts_with('<') {
                continue;
            }
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("`{part}` is not key=value"))?;
            if matches!(key, "Action" | "Version" | "Region") {
                continue;
            }
            pairs.push((key.to_owned(), value.to_owned()));
        }
    }
    for (key, value) in pairs {
        let segments: Vec<&str> = key.split('.').collect();
        insert_query_value(&mut root, &segments, &value, Some(members), shapes)?;
    }
    match root {
        Value::Object(map) => Ok(map.into_iter().collect()),
        _ => Err("the query does not form an object".to_owned()),
    }
}

fn insert_query_value(
    node: &mut Value,
    segments: &[&str],
    value: &str,
    members: Option<&IndexMap<String, Member>>,
    shapes: &IndexMap<String, Shape>,
) -> Result<(), String> {
    let Some((name, rest)) = segments.split_first() else {
        return Ok(());
    };
    let ty = members.and_then(|m| m.get(*name)).map(|m| m.ty.clone());
    let map = node.as_object_mut().ok_or("mixed object and list keys")?;
    let slot = map.entry((*name).to_owned()).or_insert(Value::Null);
    insert_typed(slot, rest, value, ty.as_ref(), shapes)
}

fn insert_typed(
    slot: &mut Value,
    rest: &[&str],
    value: &str,
    ty: Option<&TypeExpr>,
    shapes: &IndexMap<String, Shape>,
) -> Result<(), String> {
    match (rest.first(), ty) {
        (None, ty) => {
            *slot = typed_scalar(value, ty.unwrap_or(&TypeExpr::String));
            Ok(())
        }
        (Some(index), ty) if index.chars().all(|c| c.is_ascii_digit()) => {
            let index: usize = index.parse().map_err(|_| "bad list index")?;
            if slot.is_null() {
                *slot = Value::Array(Vec::new());
            }
            let items = slot
                .as_array_mut()
                .ok_or("a key is used as both a list and a value")?;
            while items.len() <= index {
                items.push(Value::Null);
            }
            let inner = match ty {
                Some(TypeExpr::List(item)) => Some(item.as_ref()),
                _ => None,
            };
            insert_typed(&mut items[index], &rest[1..], value, inner, shapes)
        }
        (Some(_), ty) => {
            if slot.is_null() {
                *slot = Value::Object(serde_json::Map::new());
            }
            let members = match ty {
                Some(TypeExpr::Shape(name)) => shapes.get(name),
                _ => None,
            }
            .and_then(|s| s.members.as_ref());
            insert_query_value(slot, rest, value, members, shapes)
        }
    }
}

fn typed_scalar(value: &str, ty: &TypeExpr) -> Value {
    let parsed = match ty {
        TypeExpr::Integer(IntWidth::I64) => value.parse::<i64>().ok().map(Value::from),
        TypeExpr::Integer(IntWidth::U64) => value.parse::<u64>().ok().map(Value::from),
        TypeExpr::Float => value
            .parse::<f64>()
            .ok()
            .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number)),
        TypeExpr::Boolean => match value {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        _ => None,
    };
    parsed.unwrap_or_else(|| Value::String(value.to_owned()))
}

/// Where the fetch script puts the sources by default, relative to the repository root.
pub fn default_sources(repo_root: &Path) -> PathBuf {
    repo_root.join("target").join("vendor-sources")
}
