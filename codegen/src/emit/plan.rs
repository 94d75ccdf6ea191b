//! The Rust shape of a service, decided once before any code is written: every name, every field
//! type, every constant. All problems that would make the generated code wrong or uncompilable
//! (name collisions, keywords, bad enum values, unknown shapes) are found here and reported as
//! [`EmitError`]s naming the spec path.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use cloud_spec::call::{call_facts, CallFacts};
use cloud_spec::pages::{page_facts, PageFacts};
use cloud_spec::resource::{resource_facts, ResourceFacts};
use cloud_spec::waits::{task_apis_facts, waiter_facts, TaskApiFacts, WaiterFacts};
use cloud_spec::{
    EnumKind, ErrorCode, IntWidth, Location, Member, Operation, Service, Shape, TypeExpr, Vendor,
};
use indexmap::IndexMap;

use super::EmitError;
use crate::names;

/// A whole service, resolved.
pub(crate) struct Plan<'s> {
    pub service: &'s Service,
    /// `tencent-mongodb`.
    pub crate_name: String,
    /// `tencent_mongodb`.
    pub lib_name: String,
    pub operations: Vec<OperationPlan<'s>>,
    /// Shapes by spec name, in spec order.
    pub shapes: IndexMap<&'s str, ShapePlan<'s>>,
    /// Every documented error code, sorted by code.
    pub error_codes: Vec<ErrorConstant<'s>>,
    /// Shapes (spec names) that requests can hold, directly or nested: their `None` members are
    /// left out when serializing, as they are from inputs.
    pub input_shapes: BTreeSet<&'s str>,
    /// The task APIs (`TASK_API_*`), in spec order, as `cloud-spec` decides them.
    pub task_apis: Vec<TaskApiFacts<'s>>,
    /// The resource its state waiters see (`RESOURCE`), as `cloud-spec` decides it.
    pub resource: Option<ResourceFacts<'s>>,
}

/// One operation, resolved.
pub(crate) struct OperationPlan<'s> {
    /// The vendor's name: `DescribeInstanceSSL`.
    pub wire: &'s str,
    pub spec: &'s Operation,
    /// The client method and module name: `describe_instance_ssl`.
    pub method: String,
    /// The prefix of its type names: `DescribeInstanceSsl`.
    pub type_prefix: String,
    /// Input fields; members the transport fills in (Huawei `{project_id}`, `X-Auth-Token`) are left out.
    pub input: Vec<FieldPlan<'s>>,
    pub output: Vec<FieldPlan<'s>>,
    /// How the operation is called (`Operation::INFO`), as `cloud-spec` decides it.
    pub call: CallFacts<'s>,
    /// How it pages (`Paged::PAGES`), when it does, as `cloud-spec` decides it.
    pub pages: Option<PageFacts<'s>>,
    /// What it waits for (`Waits::WAITER`), when it can be waited for, as `cloud-spec` decides it.
    pub waiter: Option<WaiterFacts<'s>>,
    /// Wire names of input members the transport fills in, so examples may mention them.
    pub transport_members: Vec<&'s str>,
    /// The constants of its documented error codes, in spec order.
    pub error_constants: Vec<String>,
}

impl OperationPlan<'_> {
    pub fn input_type(&self) -> String {
        format!("{}Input", self.type_prefix)
    }
    pub fn output_type(&self) -> String {
        format!("{}Output", self.type_prefix)
    }
}

/// One field of a generated struct.
pub(crate) struct FieldPlan<'s> {
    pub wire: &'s str,
    pub member: &'s Member,
    /// The Rust field (and setter) name.
    pub name: String,
    pub ty: RustType,
    /// The field is `Option<ty>`: every input member (required ones are checked when the input
    /// is built), and output members that are not required or may be `null`.
    pub optional: bool,
}

/// The Rust type of a member, without the `Option` an optional field adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RustType {
    String,
    Bool,
    Integer(IntWidth),
    Float,
    Timestamp,
    Json,
    List(Box<RustType>),
    Map(Box<RustType>),
    /// A structure shape: spec name and Rust name.
    Struct {
        spec: String,
        rust: String,
    },
    /// An enum shape: spec name, Rust name, wire type.
    Enum {
        spec: String,
        rust: String,
        kind: EnumKind,
    },
}

impl RustType {
    /// Whether this is (a list or map of) `Timestamp`.
    pub fn uses_timestamp(&self) -> bool {
        match self {
            RustType::Timestamp => true,
            RustType::List(inner) | RustType::Map(inner) => inner.uses_timestamp(),
            _ => false,
        }
    }

    /// Whether this is (a list or map of) a `BTreeMap`.
    pub fn uses_map(&self) -> bool {
        match self {
            RustType::Map(_) => true,
            RustType::List(inner) => inner.uses_map(),
            _ => false,
        }
    }
}

/// A named shape, resolved.
pub(crate) enum ShapePlan<'s> {
    Struct {
        spec: &'s Shape,
        rust: String,
        fields: Vec<FieldPlan<'s>>,
    },
    Enum {
        spec: &'s Shape,
        rust: String,
        kind: EnumKind,
        variants: Vec<VariantPlan<'s>>,
    },
}

impl ShapePlan<'_> {
    pub fn rust_name(&self) -> &str {
        match self {
            ShapePlan::Struct { rust, .. } | ShapePlan::Enum { rust, .. } => rust,
        }
    }
}

/// One documented enum value.
pub(crate) struct VariantPlan<'s> {
    pub name: &'s str,
    pub value: EnumWireValue,
    pub docs: &'s str,
}

/// The wire value of an enum variant.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum EnumWireValue {
    Integer(i64),
    String(String),
}

/// One error-code constant.
pub(crate) struct ErrorConstant<'s> {
    pub code: &'s str,
    pub name: String,
    pub docs: &'s str,
    pub http_status: Option<u16>,
    /// Operations documenting it (wire names); empty for service-wide codes only.
    pub operations: Vec<&'s str>,
    /// Listed among the service's common errors.
    pub common: bool,
}

/// Names the generated code defines or imports next to shapes; a shape may not take them.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "BTreeMap",
    "Box",
    "Client",
    "Config",
    "Credentials",
    "Debug",
    "Default",
    "Deserialize",
    "Deserializer",
    "Err",
    "Error",
    "ErrorKind",
    "HttpBinding",
    "None",
    "Ok",
    "Option",
    "OperationInfo",
    "ParamLocation",
    "Request",
    "Result",
    "Serialize",
    "Serializer",
    "ServiceInfo",
    "Some",
    "String",
    "Timestamp",
    "Value",
    "Vec",
];

/// Methods the generated `Client` has besides the operations (and trait methods it must not shadow).
const RESERVED_CLIENT_METHODS: &[&str] = &["new", "config", "clone", "fmt"];

/// Setter names that would collide with the methods every builder (an `operations::Request`) has.
const RESERVED_INPUT_SETTERS: &[&str] = &["build", "send", "new"];

fn error(path: impl Into<String>, message: impl Into<String>) -> EmitError {
    EmitError {
        path: path.into(),
        message: message.into(),
    }
}

impl<'s> Plan<'s> {
    pub fn new(service: &'s Service) -> Result<Plan<'s>, EmitError> {
        let crate_name = service.crate_name();
        if !crate_name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(error(
                "name",
                format!("`{crate_name}` is not a crate name (lower-case letters, digits and `-`)"),
            ));
        }
        let lib_name = crate_name.replace('-', "_");
        let shapes = plan_shapes(service)?;
        check_no_direct_cycles(&shapes)?;
        let operations = plan_operations(service, &shapes)?;
        check_type_names(&shapes, &operations)?;
        let error_codes = plan_error_codes(service)?;
        let input_shapes = reachable_shapes(&shapes, operations.iter().flat_map(|op| &op.input));
        let mut plan = Plan {
            service,
            crate_name,
            lib_name,
            operations,
            shapes,
            error_codes,
            input_shapes,
            task_apis: task_apis_facts(service)?,
            resource: resource_facts(service)?,
        };
        let by_code: HashMap<&str, String> = plan
            .error_codes
            .iter()
            .map(|c| (c.code, c.name.clone()))
            .collect();
        for op in &mut plan.operations {
            op.error_constants = op
                .spec
                .errors
                .iter()
                .filter_map(|e| by_code.get(e.code.as_str()).cloned())
                .collect();
        }
        Ok(plan)
    }
}

fn plan_shapes(service: &Service) -> Result<IndexMap<&str, ShapePlan<'_>>, EmitError> {
    let mut rust_names: HashMap<String, &str> = HashMap::new();
    let mut shapes = IndexMap::new();
    for (spec_name, shape) in &service.shapes {
        let path = format!("shapes.{spec_name}");
        if !names::is_pascal_identifier(spec_name) {
            return Err(error(
                path,
                format!("shape name `{spec_name}` is not a PascalCase identifier"),
            ));
        }
        let rust = names::pascal_case(spec_name);
        if RESERVED_TYPE_NAMES.contains(&rust.as_str()) {
            return Err(error(
                path,
                format!("shape `{spec_name}` would be the Rust type `{rust}`, which the generated code already uses; rename the shape"),
            ));
        }
        if let Some(other) = rust_names.insert(rust.clone(), spec_name) {
            return Err(error(
                path,
                format!("shapes `{other}` and `{spec_name}` both become the Rust type `{rust}`"),
            ));
        }
        let plan = match (&shape.members, shape.enum_kind) {
            (Some(_), Some(_)) | (None, None) => {
                return Err(error(
                    path,
                    "a shape has exactly one of `members` (a structure) and `enum`",
                ))
            }
            (Some(members), None) => ShapePlan::Struct {
                spec: shape,
                rust,
                fields: plan_fields(service, members, &path, FieldRole::Shape)?,
            },
            (None, Some(kind)) => ShapePlan::Enum {
                spec: shape,
                rust,
                kind,
                variants: plan_variants(shape, kind, &path)?,
            },
        };
        shapes.insert(spec_name.as_str(), plan);
    }
    Ok(shapes)
}

/// The shapes `fields` refer to, directly or through other shapes.
fn reachable_shapes<'s, 'f>(
    shapes: &IndexMap<&'s str, ShapePlan<'s>>,
    fields: impl Iterator<Item = &'f FieldPlan<'s>>,
) -> BTreeSet<&'s str>
where
    's: 'f,
{
    fn shape_spec(ty: &RustType) -> Option<&str> {
        match ty {
            RustType::Struct { spec, .. } | RustType::Enum { spec, .. } => Some(spec),
            RustType::List(inner) | RustType::Map(inner) => shape_spec(inner),
            _ => None,
        }
    }
    let mut found = BTreeSet::new();
    let mut pending: Vec<&str> = fields.filter_map(|f| shape_spec(&f.ty)).collect();
    while let Some(name) = pending.pop() {
        let Some((&key, shape)) = shapes.get_key_value(name) else {
            continue;
        };
        if !found.insert(key) {
            continue;
        }
        if let ShapePlan::Struct { fields, .. } = shape {
            pending.extend(fields.iter().filter_map(|f| shape_spec(&f.ty)));
        }
    }
    found
}

/// A structure that holds itself without a list or map in between has no finite size.
fn check_no_direct_cycles(shapes: &IndexMap<&str, ShapePlan<'_>>) -> Result<(), EmitError> {
    fn direct_structs<'a>(shapes: &'a IndexMap<&str, ShapePlan<'_>>, name: &str) -> Vec<&'a str> {
        match shapes.get(name) {
            Some(ShapePlan::Struct { fields, .. }) => fields
                .iter()
                .filter_map(|f| match &f.ty {
                    RustType::Struct { spec, .. } => Some(spec.as_str()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
    for start in shapes.keys() {
        // Depth-first from `start`; reaching `start` again is a cycle. `seen` bounds the walk.
        let mut stack = direct_structs(shapes, start);
        let mut seen: Vec<&str> = Vec::new();
        while let Some(next) = stack.pop() {
            if next == *start {
                return Err(error(
                    format!("shapes.{start}"),
                    format!("`{start}` contains itself without a list or map in between, so it has no finite size"),
                ));
            }
            if !seen.contains(&next) {
                seen.push(next);
                stack.extend(direct_structs(shapes, next));
            }
        }
    }
    Ok(())
}

fn plan_variants<'s>(
    shape: &'s Shape,
    kind: EnumKind,
    path: &str,
) -> Result<Vec<VariantPlan<'s>>, EmitError> {
    if shape.values.is_empty() {
        return Err(error(
            format!("{path}.values"),
            "an enum needs at least one documented value",
        ));
    }
    let mut variants: Vec<VariantPlan<'s>> = Vec::new();
    for (i, v) in shape.values.iter().enumerate() {
        let vpath = format!("{path}.values[{i}]");
        if !names::is_pascal_identifier(&v.name) {
            return Err(error(
                format!("{vpath}.name"),
                format!("variant name `{}` is not a PascalCase identifier", v.name),
            ));
        }
        if v.name == "Unknown" {
            return Err(error(
                format!("{vpath}.name"),
                "`Unknown` is the variant for values the docs do not list; pick another name",
            ));
        }
        let value = match (kind, v.value.as_i64(), v.value.as_str()) {
            (EnumKind::Integer, Some(i), _) => EnumWireValue::Integer(i),
            (EnumKind::String, _, Some(text)) => EnumWireValue::String(text.to_owned()),
            (EnumKind::Integer, None, _) => {
                return Err(error(
                    format!("{vpath}.value"),
                    format!(
                        "`{}` is not an integer, as `enum: integer` requires",
                        v.value
                    ),
                ))
            }
            (EnumKind::String, _, None) => {
                return Err(error(
                    format!("{vpath}.value"),
                    format!("`{}` is not a string, as `enum: string` requires", v.value),
                ))
            }
        };
        if let Some(earlier) = variants.iter().find(|e| e.name == v.name) {
            return Err(error(
                format!("{vpath}.name"),
                format!("variant `{}` is defined twice", earlier.name),
            ));
        }
        if let Some(earlier) = variants.iter().find(|e| e.value == value) {
            return Err(error(
                format!("{vpath}.value"),
                format!("`{}` has the same value as `{}`", v.name, earlier.name),
            ));
        }
        variants.push(VariantPlan {
            name: &v.name,
            value,
            docs: &v.docs,
        });
    }
    Ok(variants)
}

/// Which struct a field belongs to; decides `Option` and the names it may not take.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FieldRole {
    Input,
    Output,
    Shape,
}

fn plan_fields<'s>(
    service: &'s Service,
    members: &'s IndexMap<String, Member>,
    path: &str,
    role: FieldRole,
) -> Result<Vec<FieldPlan<'s>>, EmitError> {
    let mut fields = Vec::new();
    let mut taken: HashMap<String, &str> = HashMap::new();
    for (wire, member) in members {
        if role == FieldRole::Input
            && cloud_spec::transport_members::is_transport_member(service.vendor, wire, member)
        {
            continue;
        }
        let mpath = format!("{path}.{wire}");
        let name = match &member.rust_name {
            Some(name) => {
                if !names::is_snake_identifier(name) {
                    return Err(error(
                        format!("{mpath}.rust_name"),
                        format!("`{name}` is not a snake_case Rust identifier (or is a keyword)"),
                    ));
                }
                name.clone()
            }
            None => {
                let name = names::snake_case(wire);
                if names::is_rust_keyword(&name) {
                    return Err(error(
                        mpath,
                        format!("`{wire}` becomes the Rust keyword `{name}`; set `rust_name` (e.g. `{name}_`)"),
                    ));
                }
                if !names::is_snake_identifier(&name) {
                    return Err(error(
                        mpath,
                        format!("`{wire}` becomes `{name}`, which is not a Rust identifier; set `rust_name`"),
                    ));
                }
                name
            }
        };
        if role == FieldRole::Input && RESERVED_INPUT_SETTERS.contains(&name.as_str()) {
            return Err(error(
                mpath,
                format!("`{wire}` would have the setter `{name}`, which the request builders already define; set `rust_name`"),
            ));
        }
        if let Some(other) = taken.insert(name.clone(), wire) {
            return Err(error(
                mpath,
                format!("members `{other}` and `{wire}` both become the Rust field `{name}`; set `rust_name` on one"),
            ));
        }
        let ty = convert_type(service, &member.ty, &format!("{mpath}.type"))?;
        if member.sensitive && !crate::validate::can_hold_secret(&member.ty) {
            return Err(error(
                format!("{mpath}.sensitive"),
                format!(
                    "`sensitive` marks text that holds a secret, not `{}`",
                    member.ty
                ),
            ));
        }
        let optional = match role {
            FieldRole::Input => true,
            FieldRole::Output | FieldRole::Shape => !member.required || member.nullable,
        };
        fields.push(FieldPlan {
            wire,
            member,
            name,
            ty,
            optional,
        });
    }
    Ok(fields)
}

fn convert_type(service: &Service, ty: &TypeExpr, path: &str) -> Result<RustType, EmitError> {
    Ok(match ty {
        TypeExpr::String => RustType::String,
        TypeExpr::Boolean => RustType::Bool,
        TypeExpr::Integer(width) => RustType::Integer(*width),
        TypeExpr::Float => RustType::Float,
        TypeExpr::Timestamp => RustType::Timestamp,
        TypeExpr::Json => RustType::Json,
        TypeExpr::List(inner) => RustType::List(Box::new(convert_type(service, inner, path)?)),
        TypeExpr::Map(inner) => RustType::Map(Box::new(convert_type(service, inner, path)?)),
        TypeExpr::Shape(name) => {
            let shape = service.shapes.get(name).ok_or_else(|| {
                error(
                    path,
                    format!("shape `{name}` is not defined under `shapes`"),
                )
            })?;
            let rust = names::pascal_case(name);
            match shape.enum_kind {
                Some(kind) => RustType::Enum {
                    spec: name.clone(),
                    rust,
                    kind,
                },
                None => RustType::Struct {
                    spec: name.clone(),
                    rust,
                },
            }
        }
    })
}

fn plan_operations<'s>(
    service: &'s Service,
    shapes: &IndexMap<&'s str, ShapePlan<'s>>,
) -> Result<Vec<OperationPlan<'s>>, EmitError> {
    let _ = shapes;
    let mut methods: HashMap<String, &str> = HashMap::new();
    let mut operations = Vec::new();
    if service.operations.is_empty() {
        return Err(error(
            "operations",
            "a service needs at least one operation",
        ));
    }
    for (wire, op) in &service.operations {
        let path = format!("operations.{wire}");
        if !names::is_pascal_identifier(wire) {
            return Err(error(
                path,
                format!("operation name `{wire}` is not a PascalCase identifier"),
            ));
        }
        let method = names::snake_case(wire);
        if names::is_rust_keyword(&method) || RESERVED_CLIENT_METHODS.contains(&method.as_str()) {
            return Err(error(
                path,
                format!("operation `{wire}` would be the client method `{method}`, which is taken"),
            ));
        }
        if let Some(other) = methods.insert(method.clone(), wire) {
            return Err(error(
                path,
                format!(
                    "operations `{other}` and `{wire}` both become the client method `{method}`"
                ),
            ));
        }
        let input = plan_fields(
            service,
            &op.input,
            &format!("{path}.input"),
            FieldRole::Input,
        )?;
        let output = plan_fields(
            service,
            &op.output,
            &format!("{path}.output"),
            FieldRole::Output,
        )?;
        let mut transport_members = Vec::new();
        for (member_wire, member) in &op.input {
            if cloud_spec::transport_members::is_transport_member(
                service.vendor,
                member_wire,
                member,
            ) {
                transport_members.push(member_wire.as_str());
                continue;
            }
            let outside_body = !matches!(member.location, None | Some(Location::Body));
            if outside_body && op.http.is_none() {
                return Err(error(
                    format!("{path}.input.{member_wire}.location"),
                    "only REST operations (with `http`) place members outside the body",
                ));
            }
        }
        if service.vendor == Vendor::Huawei && op.http.is_none() {
            return Err(error(path, "a Huawei operation needs its `http` binding"));
        }
        operations.push(OperationPlan {
            wire,
            spec: op,
            method,
            type_prefix: names::pascal_case(wire),
            input,
            output,
            call: call_facts(service.vendor, wire, op),
            pages: page_facts(wire, op)?,
            waiter: waiter_facts(service, wire)?,
            transport_members,
            error_constants: Vec::new(),
        });
    }
    Ok(operations)
}

/// Every generated type name is unique across the crate: shapes, and each operation's input and
/// output.
fn check_type_names(
    shapes: &IndexMap<&str, ShapePlan<'_>>,
    operations: &[OperationPlan<'_>],
) -> Result<(), EmitError> {
    let mut owners: BTreeMap<String, String> = shapes
        .iter()
        .map(|(spec, plan)| (plan.rust_name().to_owned(), format!("shapes.{spec}")))
        .collect();
    for op in operations {
        let path = format!("operations.{}", op.wire);
        for name in [op.input_type(), op.output_type()] {
            if let Some(other) = owners.insert(name.clone(), path.clone()) {
                return Err(error(
                    path,
                    format!("the generated type `{name}` is also the Rust name of `{other}`"),
                ));
            }
        }
    }
    Ok(())
}

fn plan_error_codes(service: &Service) -> Result<Vec<ErrorConstant<'_>>, EmitError> {
    let mut by_code: BTreeMap<&str, ErrorConstant<'_>> = BTreeMap::new();
    let sources = service
        .common_errors
        .iter()
        .enumerate()
        .map(|(i, e)| (format!("common_errors[{i}]"), None, e))
        .chain(service.operations.iter().flat_map(|(wire, op)| {
            op.errors.iter().enumerate().map(move |(i, e)| {
                (
                    format!("operations.{wire}.errors[{i}]"),
                    Some(wire.as_str()),
                    e,
                )
            })
        }));
    let mut names_taken: HashMap<String, (&str, String)> = HashMap::new();
    for (path, operation, code) in sources {
        let ErrorCode {
            code: text,
            docs,
            http_status,
            meaning: _,
        } = code;
        if text.is_empty() {
            return Err(error(format!("{path}.code"), "an error code is empty"));
        }
        let name = names::constant_case(text);
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(error(
                format!("{path}.code"),
                format!("`{text}` does not make a Rust constant name"),
            ));
        }
        if let Some((other, other_path)) = names_taken.get(&name) {
            if *other != text.as_str() {
                return Err(error(
                    format!("{path}.code"),
                    format!("codes `{other}` ({other_path}) and `{text}` both become the constant `{name}`"),
                ));
            }
        } else {
            names_taken.insert(name.clone(), (text.as_str(), path.clone()));
        }
        let entry = by_code.entry(text).or_insert_with(|| ErrorConstant {
            code: text,
            name,
            docs,
            http_status: *http_status,
            operations: Vec::new(),
            common: false,
        });
        if entry.docs.is_empty() {
            entry.docs = docs;
        }
        if entry.http_status.is_none() {
            entry.http_status = *http_status;
        }
        match operation {
            Some(op) if !entry.operations.contains(&op) => entry.operations.push(op),
            Some(_) => {}
            None => entry.common = true,
        }
    }
    Ok(by_code.into_values().collect())
}
