//! Checks a loaded spec for everything the types alone do not say: references resolve, names are
//! usable and unique, enums and examples agree with their types, REST paths agree with their
//! members, waiters point at real operations. Every problem is reported, located.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path};

use cloud_spec::conform::{Conform, Expected, Mismatch, Problem, Rules, Segment};
use cloud_spec::{
    EnumKind, ErrorCode, HttpMethod, Location, Member, Operation, Service, Shape, TypeExpr, Vendor,
    WaitCondition,
};
use indexmap::IndexMap;
use serde_json::Value;

use crate::error::{SpecError, SpecErrors, SpecPath};
use crate::load::LoadedSpec;
use crate::names;

mod lifecycle;

/// The line every spec file starts with, pointing editors at the schema: `$schema=` then the path
/// of `specs/schema.json` relative to the spec file.
pub const SCHEMA_HEADER_PREFIX: &str = "# yaml-language-server: $schema=";

/// Checks `spec`; returns every problem found, in file order.
pub fn validate(spec: &LoadedSpec) -> Result<(), SpecErrors> {
    let mut checker = Checker {
        spec,
        service: &spec.service,
        errors: Vec::new(),
    };
    checker.header();
    checker.service();
    checker.shapes();
    checker.operations();
    checker.tasks();
    checker.resource();
    if checker.errors.is_empty() {
        Ok(())
    } else {
        Err(SpecErrors::sorted(checker.errors))
    }
}

/// The `$schema` path a spec at `file` (relative to the repository root) must name: the path of
/// `specs/schema.json` relative to the file's directory (`../schema.json` for `specs/<vendor>/`).
pub fn expected_schema_reference(file: &Path) -> String {
    let dir: Vec<&std::ffi::OsStr> = file
        .parent()
        .map(|dir| {
            dir.components()
                .filter_map(|c| match c {
                    Component::Normal(part) => Some(part),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let target = ["specs", "schema.json"];
    let common = dir
        .iter()
        .zip(target.iter())
        .take_while(|(a, b)| **a == std::ffi::OsStr::new(b))
        .count()
        .min(1);
    let mut reference = "../".repeat(dir.len() - common);
    reference.push_str(&target[common..].join("/"));
    reference
}

/// Whether a request value or a response value is being checked: requests are what the client
/// sends (exact types, no nulls); responses are what it accepts (numbers may arrive as strings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Input,
    Output,
}

impl Direction {
    /// The value walk's rules: examples may show enum values the docs do not list.
    fn rules(self) -> Rules {
        match self {
            Direction::Input => Rules::REQUEST,
            Direction::Output => Rules::RESPONSE,
        }
    }
}

struct Checker<'a> {
    spec: &'a LoadedSpec,
    service: &'a Service,
    errors: Vec<SpecError>,
}

/// Where a member map sits, which decides the rules for `location`, `nullable` and `required`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MemberContext {
    OperationInput,
    OperationOutput,
    Structure,
}

impl<'a> Checker<'a> {
    fn error(&mut self, path: &SpecPath, message: impl Into<String>) {
        self.errors.push(self.spec.error_at(path, message));
    }

    fn key_error(&mut self, path: &SpecPath, message: impl Into<String>) {
        self.errors.push(self.spec.key_error_at(path, message));
    }

    // ----- file and service level -----

    fn header(&mut self) {
        let first_line = self.spec.source.lines().next().unwrap_or("");
        let first_line = first_line.trim_start_matches('\u{feff}').trim_end();
        let expected = if self.spec.file.is_relative() {
            Some(expected_schema_reference(&self.spec.file))
        } else {
            None
        };
        let ok = match (first_line.strip_prefix(SCHEMA_HEADER_PREFIX), &expected) {
            (Some(reference), Some(expected)) => reference == expected,
            (Some(reference), None) => reference.ends_with("schema.json"),
            (None, _) => false,
        };
        if !ok {
            let wanted = expected.unwrap_or_else(|| "<path to specs/schema.json>".to_owned());
            self.errors.push(SpecError {
                file: self.spec.file.clone(),
                line: 1,
                column: 1,
                path: SpecPath::root(),
                message: format!(
                    "the first line must be `{SCHEMA_HEADER_PREFIX}{wanted}` so editors check the \
                     file against the schema"
                ),
            });
        }
    }

    fn service(&mut self) {
        let s = self.service;
        let root = SpecPath::root();
        if !is_crate_word(&s.name) {
            self.error(
                &root.key("name"),
                format!(
                    "`{}` is not usable in a crate name: use lower-case letters, digits and `-`",
                    s.name
                ),
            );
        }
        if !is_crate_word(&s.service) {
            self.error(
                &root.key("service"),
                format!(
                    "`{}` is not a service identifier: use lower-case letters, digits and `-`",
                    s.service
                ),
            );
        }
        if s.title.trim().is_empty() {
            self.error(&root.key("title"), "the title is empty");
        }
        self.file_location(s);
        match s.vendor {
            Vendor::Tencent if !is_date_version(&s.version) => self.error(
                &root.key("version"),
                format!(
                    "Tencent API versions are dates like `2019-07-25`, not `{}`",
                    s.version
                ),
            ),
            Vendor::Huawei if !is_huawei_version(&s.version) => self.error(
                &root.key("version"),
                format!(
                    "Huawei API versions look like `v3` or `v3.1`, not `{}`",
                    s.version
                ),
            ),
            _ => {}
        }
        let mut seen_auth = HashSet::new();
        for (i, mode) in s.auth.iter().enumerate() {
            let path = root.key("auth").index(i);
            if !seen_auth.insert(*mode) {
                self.error(&path, "listed twice");
            }
            let fits = match s.vendor {
                Vendor::Tencent => *mode == cloud_spec::AuthMode::Tc3,
                Vendor::Huawei => *mode != cloud_spec::AuthMode::Tc3,
            };
            if !fits {
                self.error(
                    &path,
                    format!("{mode:?} authentication does not exist for this vendor"),
                );
            }
        }
        self.endpoint();
        self.error_codes(&s.common_errors, &root.key("common_errors"));
        if s.operations.is_empty() {
            self.error(
                &root.key("operations"),
                "a service needs at least one operation",
            );
        }
    }

    /// `specs/<vendor>/<name>.yaml`: the file's place must agree with what it says.
    fn file_location(&mut self, s: &Service) {
        let parts: Vec<&str> = self
            .spec
            .file
            .components()
            .filter_map(|c| match c {
                Component::Normal(p) => p.to_str(),
                _ => None,
            })
            .collect();
        if let [.., "specs", vendor, file] = parts.as_slice() {
            let expected_vendor = match s.vendor {
                Vendor::Tencent => "tencent",
                Vendor::Huawei => "huawei",
            };
            if *vendor != expected_vendor {
                self.error(
                    &SpecPath::root().key("vendor"),
                    format!(
                        "the file is under specs/{vendor}/ but says `vendor: {expected_vendor}`"
                    ),
                );
            }
            if file.strip_suffix(".yaml") != Some(s.name.as_str()) {
                self.error(
                    &SpecPath::root().key("name"),
                    format!(
                        "the file is {file} but says `name: {}`; they must agree",
                        s.name
                    ),
                );
            }
        }
    }

    fn endpoint(&mut self) {
        let e = &self.service.endpoint;
        let path = SpecPath::root().key("endpoint");
        let regional_hosts = e.regional.matches("{region}").count();
        if regional_hosts != 1 || !is_host(&e.regional.replace("{region}", "region")) {
            self.error(
                &path.key("regional"),
                format!(
                    "`{}` must be a host name containing `{{region}}` exactly once \
                     (no scheme, port or path)",
                    e.regional
                ),
            );
        }
        for (key, host) in [("global", &e.global), ("international", &e.international)] {
            if let Some(host) = host {
                if !is_host(host) {
                    self.error(
                        &path.key(key),
                        format!(
                            "`{host}` is not a host name (no scheme, port, path or placeholder)"
                        ),
                    );
                }
            }
        }
        for (region, host) in &e.region_overrides {
            let entry = path.key("region_overrides").key(region.as_str());
            if !is_region(region) {
                self.key_error(
                    &entry,
                    format!("`{region}` is not a region name like `ap-guangzhou`"),
                );
            }
            if !is_host(host) {
                self.error(&entry, format!("`{host}` is not a host name"));
            }
        }
    }

    fn error_codes(&mut self, codes: &[ErrorCode], path: &SpecPath) {
        let mut seen = HashSet::new();
        for (i, code) in codes.iter().enumerate() {
            let path = path.index(i);
            if !is_error_code(&code.code) {
                self.error(
                    &path.key("code"),
                    format!(
                        "`{}` is not an error code (letters, digits, `.`, `_`, `-`)",
                        code.code
                    ),
                );
            }
            if !seen.insert(code.code.as_str()) {
                self.error(
                    &path.key("code"),
                    format!("error code `{}` is listed twice", code.code),
                );
            }
            if let Some(status) = code.http_status {
                if !(400..=599).contains(&status) {
                    self.error(
                        &path.key("http_status"),
                        format!("{status} is not an error status (400-599)"),
                    );
                }
            }
        }
    }

    // ----- shapes -----

    fn shapes(&mut self) {
        let shapes = &self.service.shapes;
        let mut rust_names: HashMap<String, &str> = HashMap::new();
        for (name, shape) in shapes {
            let path = SpecPath::root().key("shapes").key(name.as_str());
            if !is_shape_name(name) {
                self.key_error(
                    &path,
                    format!("shape name `{name}` must start with an upper-case letter and hold only letters, digits and `_`"),
                );
            }
            // Names the generated code itself uses (`Client`, `Error`, ...) are the emitter's to
            // refuse; its errors are located like these.
            let rust_name = names::pascal_case(name);
            if let Some(other) = rust_names.insert(rust_name.clone(), name) {
                self.key_error(
                    &path,
                    format!(
                        "shapes `{other}` and `{name}` both become the Rust type `{rust_name}`"
                    ),
                );
            }
            self.shape(shape, &path);
        }
        self.shape_cycles();
    }

    fn shape(&mut self, shape: &Shape, path: &SpecPath) {
        match (&shape.members, shape.enum_kind) {
            (Some(_), Some(_)) => {
                self.key_error(path, "a shape is either a structure (`members`) or an enum (`enum` + `values`), not both");
            }
            (None, None) => {
                self.key_error(
                    path,
                    "a shape needs `members` (a structure) or `enum` and `values` (an enum)",
                );
            }
            (Some(members), None) => {
                if !shape.values.is_empty() {
                    self.error(
                        &path.key("values"),
                        "`values` belongs to enums; add `enum: string|integer` or remove it",
                    );
                }
                self.members(members, &path.key("members"), MemberContext::Structure);
            }
            (None, Some(kind)) => self.enum_values(shape, kind, path),
        }
    }

    fn enum_values(&mut self, shape: &Shape, kind: EnumKind, path: &SpecPath) {
        if shape.values.is_empty() {
            self.error(path, "an enum needs at least one entry in `values`");
        }
        let mut values = HashSet::new();
        let mut names: HashMap<String, &str> = HashMap::new();
        for (i, value) in shape.values.iter().enumerate() {
            let path = path.key("values").index(i);
            let fits = match kind {
                EnumKind::String => value.value.is_string(),
                EnumKind::Integer => value.value.is_i64(),
            };
            if !fits {
                let wanted = match kind {
                    EnumKind::String => "a string (quote it)",
                    EnumKind::Integer => "an integer",
                };
                self.error(
                    &path.key("value"),
                    format!(
                        "{} is not {wanted}, as `enum: {}` requires",
                        value.value,
                        enum_kind_name(kind)
                    ),
                );
            }
            if !values.insert(value.value.to_string()) {
                self.error(
                    &path.key("value"),
                    format!("value {} is listed twice", value.value),
                );
            }
            if !names::is_pascal_identifier(&value.name) {
                self.error(
                    &path.key("name"),
                    format!("variant name `{}` must be PascalCase: an upper-case letter, then letters and digits", value.name),
                );
            }
            if let Some(other) = names.insert(value.name.to_ascii_lowercase(), &value.name) {
                self.error(
                    &path.key("name"),
                    format!(
                        "variant names `{other}` and `{}` differ only in case",
                        value.name
                    ),
                );
            }
        }
    }

    /// A structure that contains itself without a list or map in between has no finite size.
    fn shape_cycles(&mut self) {
        let shapes = &self.service.shapes;
        let direct = |name: &str| -> Vec<&str> {
            let Some(Shape {
                members: Some(members),
                ..
            }) = shapes.get(name)
            else {
                return Vec::new();
            };
            members
                .values()
                .filter_map(|m| match &m.ty {
                    TypeExpr::Shape(target) if shapes.contains_key(target.as_str()) => shapes
                        .get_key_value(target.as_str())
                        .map(|(k, _)| k.as_str()),
                    _ => None,
                })
                .collect()
        };
        // Depth-first search with colours; reports each cycle once, at its first shape.
        let mut state: HashMap<&str, u8> = HashMap::new(); // 1 = on the stack, 2 = done
        let mut reported = HashSet::new();
        for start in shapes.keys() {
            if state.contains_key(start.as_str()) {
                continue;
            }
            let mut stack: Vec<(&str, Vec<&str>)> = vec![(start.as_str(), direct(start))];
            state.insert(start, 1);
            while let Some((node, children)) = stack.last_mut() {
                let node: &str = node;
                match children.pop() {
                    Some(child) => match state.get(child) {
                        None => {
                            state.insert(child, 1);
                            let grandchildren = direct(child);
                            stack.push((child, grandchildren));
                        }
                        Some(1) => {
                            let cycle_start =
                                stack.iter().position(|(n, _)| *n == child).unwrap_or(0);
                            let cycle: Vec<&str> =
                                stack[cycle_start..].iter().map(|(n, _)| *n).collect();
                            if reported.insert(child) {
                                let path = SpecPath::root().key("shapes").key(child);
                                self.key_error(
                                    &path,
                                    format!(
                                        "structures contain each other without a list or map in between ({} -> {child}), \
                                         which has no finite size",
                                        cycle.join(" -> ")
                                    ),
                                );
                            }
                        }
                        Some(_) => {}
                    },
                    None => {
                        state.insert(node, 2);
                        stack.pop();
                    }
                }
            }
        }
    }

    // ----- members -----

    fn members(
        &mut self,
        members: &IndexMap<String, Member>,
        path: &SpecPath,
        context: MemberContext,
    ) {
        let mut fields: HashMap<String, &str> = HashMap::new();
        for (wire, member) in members {
            let member_path = path.key(wire.as_str());
            if !is_wire_name(wire) {
                self.key_error(
                    &member_path,
                    format!("`{wire}` is not a member name: start with a letter or `_`, then letters, digits, `_`, `-` or `.`"),
                );
            }
            let field = match &member.rust_name {
                Some(rust_name) => {
                    if !names::is_snake_identifier(rust_name) {
                        self.error(
                            &member_path.key("rust_name"),
                            format!("`{rust_name}` is not a snake_case Rust identifier"),
                        );
                    }
                    rust_name.clone()
                }
                None => names::snake_case(wire),
            };
            if field.is_empty() {
                self.key_error(
                    &member_path,
                    format!("`{wire}` gives no Rust field name; set `rust_name`"),
                );
            } else if let Some(other) = fields.insert(field.clone(), wire) {
                self.key_error(
                    &member_path,
                    format!("members `{other}` and `{wire}` both become the Rust field `{field}`; set `rust_name` on one"),
                );
            }
            self.member(member, &member_path, context);
        }
    }

    fn member(&mut self, member: &Member, path: &SpecPath, context: MemberContext) {
        let Some(ty) = self.type_expr(&member.ty, &path.key("type")) else {
            return;
        };
        if let Some(format) = &member.format {
            if !innermost_is_timestamp(ty) {
                self.error(
                    &path.key("format"),
                    format!("`format: {format}` applies to timestamps, not `{ty}`"),
                );
            } else if format.trim().is_empty() {
                self.error(&path.key("format"), "the format is empty");
            }
        }
        if member.sensitive && !can_hold_secret(ty) {
            self.error(
                &path.key("sensitive"),
                format!("`sensitive` marks text that holds a secret (`string`, `json`, or a list or map of them), not `{ty}`; for a structure, mark its secret members"),
            );
        }
        if member.nullable && context == MemberContext::OperationInput {
            self.error(
                &path.key("nullable"),
                "`nullable` describes responses; a request member is optional unless `required`",
            );
        }
        match (member.location, context, self.service.vendor) {
            (None, _, _) => {}
            (Some(_), MemberContext::OperationInput, Vendor::Huawei) => {
                self.location(member, ty, path)
            }
            (Some(_), MemberContext::OperationInput, Vendor::Tencent) => self.error(
                &path.key("location"),
                "Tencent requests are a JSON body; `location` is for Huawei REST operations",
            ),
            (Some(_), _, _) => self.error(
                &path.key("location"),
                "`location` applies to request members only",
            ),
        }
        if let Some(example) = &member.example {
            let direction = match context {
                MemberContext::OperationInput => Direction::Input,
                _ => Direction::Output,
            };
            self.value(example, ty, direction, &path.key("example"));
        }
    }

    fn location(&mut self, member: &Member, ty: &TypeExpr, path: &SpecPath) {
        let scalar = self.is_scalar(ty);
        match member.location {
            Some(Location::Path) => {
                if !scalar {
                    self.error(
                        &path.key("type"),
                        format!(
                            "a path member must be a string, an integer or an enum, not `{ty}`"
                        ),
                    );
                }
                if !member.required {
                    self.error(path, "a path member is always needed: add `required: true`");
                }
            }
            Some(Location::Header)
                if cloud_spec::transport_members::is_transport_header(path_last_key(path)) =>
            {
                self.error(
                    &path.key("location"),
                    "the transport sets this header (authentication, signing); it is not a member",
                );
            }
            Some(Location::Header) if !scalar => {
                self.error(
                    &path.key("type"),
                    format!("a header member must be a string, an integer or an enum, not `{ty}`"),
                );
            }
            Some(Location::Query) => {
                let ok = match ty {
                    TypeExpr::List(inner) => self.is_scalar(inner),
                    other => {
                        self.is_scalar(other)
                            || *other == TypeExpr::Boolean
                            || *other == TypeExpr::Float
                    }
                };
                if !ok {
                    self.error(
                        &path.key("type"),
                        format!("a query member must be a scalar or a list of scalars, not `{ty}`"),
                    );
                }
            }
            _ => {}
        }
    }

    /// Strings, integers, booleans, timestamps and enums: what fits in a path segment or a header.
    fn is_scalar(&self, ty: &TypeExpr) -> bool {
        match ty {
            TypeExpr::String | TypeExpr::Integer(_) | TypeExpr::Timestamp | TypeExpr::Boolean => {
                true
            }
            TypeExpr::Shape(name) => self
                .service
                .shapes
                .get(name.as_str())
                .is_some_and(|shape| shape.enum_kind.is_some()),
            _ => false,
        }
    }

    /// Checks that the shapes a type expression names exist.
    fn type_expr<'t>(&mut self, ty: &'t TypeExpr, path: &SpecPath) -> Option<&'t TypeExpr> {
        if let Some(name) = ty.shape_name() {
            if !self.service.shapes.contains_key(name) {
                let hint = closest_name(name, self.service.shapes.keys().map(String::as_str))
                    .map(|close| format!("; did you mean `{close}`?"))
                    .unwrap_or_default();
                self.error(
                    path,
                    format!("shape `{name}` is not defined under `shapes`{hint}"),
                );
                return None;
            }
        }
        Some(ty)
    }

    // ----- operations -----

    fn operations(&mut self) {
        let mut method_names: HashMap<String, &str> = HashMap::new();
        let mut lowercase_names: HashMap<String, &str> = HashMap::new();
        for (name, operation) in &self.service.operations {
            let path = SpecPath::root().key("operations").key(name.as_str());
            if !names::is_pascal_identifier(name) {
                self.key_error(
                    &path,
                    format!("operation name `{name}` must be PascalCase: an upper-case letter, then letters and digits"),
                );
            }
            let method = names::snake_case(name);
            if let Some(other) = method_names.insert(method.clone(), name) {
                self.key_error(
                    &path,
                    format!(
                        "operations `{other}` and `{name}` both become the Rust method `{method}`"
                    ),
                );
            } else if let Some(other) = lowercase_names.insert(name.to_ascii_lowercase(), name) {
                // The CLI and the emulator look operations up without regard to case.
                self.key_error(
                    &path,
                    format!("operations `{other}` and `{name}` differ only in case"),
                );
            }
            self.operation(name, operation, &path);
        }
    }

    fn operation(&mut self, name: &str, op: &Operation, path: &SpecPath) {
        if op.docs.trim().is_empty() {
            self.error(
                &path.key("docs"),
                "the docs are empty; every generated method is documented from them",
            );
        }
        if op.rate_limit == Some(0) {
            self.error(
                &path.key("rate_limit"),
                "a rate limit of 0 requests per second allows no call; leave it out if unknown",
            );
        }
        let mut regions = HashSet::new();
        for (i, region) in op.regions.iter().enumerate() {
            if !is_region(region) {
                self.error(
                    &path.key("regions").index(i),
                    format!("`{region}` is not a region name like `ap-guangzhou`"),
                );
            } else if !regions.insert(region.as_str()) {
                self.error(
                    &path.key("regions").index(i),
                    format!("region `{region}` is listed twice"),
                );
            }
        }
        self.members(&op.input, &path.key("input"), MemberContext::OperationInput);
        self.members(
            &op.output,
            &path.key("output"),
            MemberContext::OperationOutput,
        );
        match self.service.vendor {
            Vendor::Tencent => {
                if op.http.is_some() {
                    self.key_error(&path.key("http"), "Tencent operations are always `POST /` with the action in a header; remove `http`");
                }
                match op.output.get("RequestId") {
                    Some(member) if member.ty == TypeExpr::String && member.required && !member.nullable => {}
                    Some(_) => self.key_error(
                        &path.key("output").key("RequestId"),
                        "`RequestId` is sent with every response: `type: string`, `required: true`, not `nullable`",
                    ),
                    None => self.error(
                        &path.key("output"),
                        "Tencent responses carry `RequestId`; add it to the output (`type: string`, `required: true`)",
                    ),
                }
            }
            Vendor::Huawei => self.http(op, path),
        }
        self.error_codes(&op.errors, &path.key("errors"));
        for (i, example) in op.examples.iter().enumerate() {
            let example_path = path.key("examples").index(i);
            if example.title.trim().is_empty() {
                self.error(&example_path.key("title"), "the example's title is empty");
            }
            self.object(
                &example.input,
                &op.input,
                Direction::Input,
                &example_path.key("input"),
            );
            // An example may show only the request; then there is no response to check.
            if !example.output.is_empty() {
                self.object(
                    &example.output,
                    &op.output,
                    Direction::Output,
                    &example_path.key("output"),
                );
            }
        }
        if let Some(waiter) = &op.waiter {
            self.waiter(name, op, waiter, &path.key("waiter"));
        }
        if let Some(task) = &op.task {
            self.task_handle(op, task, &path.key("task"));
        }
        if let Some(pagination) = &op.pagination {
            self.pagination(op, pagination, &path.key("pagination"));
        }
        self.lifecycle_statements(op, path);
    }

    fn http(&mut self, op: &Operation, path: &SpecPath) {
        let Some(http) = &op.http else {
            self.error(path, "Huawei operations need `http` (method and path)");
            return;
        };
        let http_path = path.key("http");
        if !(200..=299).contains(&http.success_status) {
            self.error(
                &http_path.key("success_status"),
                format!("{} is not a success status (200-299)", http.success_status),
            );
        }
        let placeholders = match parse_path_template(&http.path) {
            Ok(placeholders) => placeholders,
            Err(message) => {
                self.error(&http_path.key("path"), message);
                return;
            }
        };
        let mut seen = HashSet::new();
        for placeholder in &placeholders {
            if !seen.insert(placeholder.as_str()) {
                self.error(
                    &http_path.key("path"),
                    format!("`{{{placeholder}}}` appears twice in the path"),
                );
            }
            if placeholder == "project_id" {
                continue;
            }
            match op.input.get(placeholder.as_str()) {
                Some(member) if member.location == Some(Location::Path) => {}
                Some(_) => self.error(
                    &path.key("input").key(placeholder.as_str()),
                    format!("`{{{placeholder}}}` is in the path, so this member needs `location: path`"),
                ),
                None => self.error(
                    &http_path.key("path"),
                    format!("`{{{placeholder}}}` has no input member; add `{placeholder}` with `location: path`"),
                ),
            }
        }
        for (wire, member) in &op.input {
            let member_path = path.key("input").key(wire.as_str());
            if member.location != Some(Location::Path) {
                if http.method == HttpMethod::Get
                    && matches!(member.location, None | Some(Location::Body))
                {
                    self.error(
                        &member_path,
                        "GET requests have no body: give this member `location: query`, `path` or `header`",
                    );
                }
                continue;
            }
            if wire == "project_id" {
                self.key_error(&member_path, "`{project_id}` is filled in from the client's configuration; remove this member");
            } else if !placeholders.iter().any(|p| p == wire) {
                self.key_error(
                    &member_path,
                    format!("`location: path`, but the path has no `{{{wire}}}`"),
                );
            }
        }
    }

    fn waiter(&mut self, name: &str, op: &Operation, waiter: &cloud_spec::Waiter, path: &SpecPath) {
        let Some(polled) = self.service.operations.get(waiter.operation.as_str()) else {
            self.error(
                &path.key("operation"),
                format!(
                    "operation `{}` does not exist in this spec",
                    waiter.operation
                ),
            );
            return;
        };
        if waiter.operation == name {
            self.error(
                &path.key("operation"),
                "a waiter polls another operation, not the one it waits for",
            );
        }
        for (target, source) in &waiter.input {
            let entry = path.key("input").key(target.as_str());
            if !polled.input.contains_key(target.as_str()) {
                self.key_error(
                    &entry,
                    format!("`{}` has no input member `{target}`", waiter.operation),
                );
            }
            if !op.input.contains_key(source.as_str()) {
                self.error(
                    &entry,
                    format!("this operation has no input member `{source}` to pass on"),
                );
            }
        }
        for (member_name, member) in &polled.input {
            if member.required && !waiter.input.contains_key(member_name.as_str()) {
                self.error(
                    &path.key("input"),
                    format!(
                        "`{}` requires `{member_name}`; say which input member it comes from",
                        waiter.operation
                    ),
                );
            }
        }
        if waiter.until.is_empty() {
            self.error(&path.key("until"), "a waiter needs at least one condition");
        }
        for (i, condition) in waiter.until.iter().enumerate() {
            self.wait_condition(op, polled, condition, &path.key("until").index(i));
        }
    }

    fn wait_condition(
        &mut self,
        op: &Operation,
        polled: &Operation,
        condition: &WaitCondition,
        path: &SpecPath,
    ) {
        for (member_name, value) in &condition.when {
            let entry = path.key("when").key(member_name.as_str());
            match op.input.get(member_name.as_str()) {
                Some(member) => self.value(value, &member.ty, Direction::Input, &entry),
                None => self.key_error(
                    &entry,
                    format!("this operation has no input member `{member_name}`"),
                ),
            }
        }
        match self.resolve_output_path(polled, &condition.path) {
            Ok(Some(ty)) => self.value(
                &condition.equals,
                &ty,
                Direction::Output,
                &path.key("equals"),
            ),
            // The member's type is broken; that is reported where the member is declared.
            Ok(None) => {}
            Err(message) => self.error(&path.key("path"), message),
        }
    }

    /// The type at `a.b.c` in an operation's output, walking through structure shapes and, with a
    /// numeric segment (`instances.0.ssl`), into list elements; `None` when a type on the way does
    /// not parse or names a missing shape (reported elsewhere).
    fn resolve_output_path(
        &self,
        op: &Operation,
        dotted: &str,
    ) -> Result<Option<TypeExpr>, String> {
        self.resolve_in(&op.output, dotted, "the output")
    }

    /// [`resolve_output_path`](Self::resolve_output_path) from any member map; `whose` names
    /// the map in errors (`the output`, `the listed item`).
    fn resolve_in(
        &self,
        members: &IndexMap<String, Member>,
        dotted: &str,
        whose: &str,
    ) -> Result<Option<TypeExpr>, String> {
        let mut members = members;
        let mut ty: Option<TypeExpr> = None;
        for (i, part) in dotted.split('.').enumerate() {
            if i > 0 {
                if part.bytes().all(|b| b.is_ascii_digit()) && !part.is_empty() {
                    let Some(TypeExpr::List(item)) = ty else {
                        return Err(format!(
                            "`{dotted}`: `{part}` indexes a list, but the member before it is not a list"
                        ));
                    };
                    ty = Some(*item);
                    continue;
                }
                let Some(TypeExpr::Shape(shape)) = &ty else {
                    return Err(format!(
                        "`{dotted}`: only structures have members to step into"
                    ));
                };
                match self.service.shapes.get(shape.as_str()) {
                    None => return Ok(None),
                    Some(Shape {
                        members: Some(inner),
                        ..
                    }) => members = inner,
                    Some(_) => return Err(format!("`{dotted}`: `{shape}` is not a structure")),
                }
            }
            let member = members
                .get(part)
                .ok_or_else(|| format!("`{dotted}`: {whose} has no member `{part}`"))?;
            ty = Some(member.ty.clone());
        }
        Ok(ty)
    }

    // ----- values (examples, waiter conditions) -----

    /// Checks a JSON object against a member map with cloud-spec's walk: no unknown members,
    /// required ones present, every value of its member's type.
    fn object(
        &mut self,
        object: &IndexMap<String, Value>,
        members: &IndexMap<String, Member>,
        direction: Direction,
        path: &SpecPath,
    ) {
        let object: serde_json::Map<String, Value> =
            object.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let found = Conform::new(&self.service.shapes, direction.rules())
            .object_mismatches(members, &object);
        let root = Value::Object(object);
        for m in &found {
            self.mismatch(m, &root, direction, path);
        }
    }

    // ----- values (examples, waiter conditions) -----

    fn value(&mut self, value: &Value, ty: &TypeExpr, direction: Direction, path: &SpecPath) {
        let found =
            Conform::new(&self.service.shapes, direction.rules()).value_mismatches(ty, value);
        for m in &found {
            self.mismatch(m, value, direction, path);
        }
    }

    /// One mismatch as a located spec error; `root` is the value at `base`.
    fn mismatch(&mut self, m: &Mismatch<'_>, root: &Value, direction: Direction, base: &SpecPath) {
        let mut at = base.clone();
        let mut parent = base.clone();
        for segment in &m.path {
            parent = at.clone();
            at = match segment {
                Segment::Key(key) => at.key(key.as_str()),
                Segment::Index(i) => at.index(*i),
            };
        }
        let key = match m.path.last() {
            Some(Segment::Key(key)) => key.as_str(),
            _ => "",
        };
        let found = m
            .value_in(root)
            .map_or_else(|| "nothing".to_owned(), describe);
        let mismatch = |expected: &str| format!("expected {expected}, found {found}");
        match &m.problem {
            Problem::UnknownMember { known } => {
                let hint = closest_name(key, known.keys().map(String::as_str))
                    .map(|close| format!("; did you mean `{close}`?"))
                    .unwrap_or_default();
                self.key_error(&at, format!("`{key}` is not a member here{hint}"));
            }
            Problem::Missing => {
                let meaning = match direction {
                    Direction::Input => "a required request member",
                    Direction::Output => "a member the service always sends (`required`)",
                };
                self.key_error(&parent, format!("`{key}` is missing; it is {meaning}"));
            }
            Problem::Null { .. } => match direction {
                Direction::Input => {
                    self.error(&at, "requests never send null; leave the member out")
                }
                Direction::Output => self.error(
                    &at,
                    format!("`{key}` is null, but the member is `required` and not `nullable`"),
                ),
            },
            Problem::WrongType(expected) => {
                let expected = match expected {
                    Expected::String => "a string".to_owned(),
                    Expected::Boolean => "true or false".to_owned(),
                    Expected::Integer(width) => {
                        format!("an integer that fits {}", TypeExpr::Integer(*width))
                    }
                    Expected::Number => "a number".to_owned(),
                    Expected::List => "a list".to_owned(),
                    Expected::Object => "an object".to_owned(),
                    Expected::Structure(name) => format!("an object ({name})"),
                    Expected::Enum(name, EnumKind::String) => format!("a string ({name})"),
                    Expected::Enum(name, EnumKind::Integer) => format!("an integer ({name})"),
                };
                self.error(&at, mismatch(&expected));
            }
            Problem::OutOfRange(width) => self.error(
                &at,
                mismatch(&format!(
                    "an integer that fits {}",
                    TypeExpr::Integer(*width)
                )),
            ),
            // Not checked for examples (`enum_values` is off): vendors add values first.
            Problem::NotAllowed(_) => {}
            // Unparsable types and dangling references are reported where they are declared.
            Problem::UnknownShape(_) => {}
        }
    }
}

/// The last key of a path (the member's wire name, for a member path).
fn path_last_key(path: &SpecPath) -> &str {
    match path.segments().last() {
        Some(crate::error::Segment::Key(key)) => key,
        _ => "",
    }
}

fn enum_kind_name(kind: EnumKind) -> &'static str {
    match kind {
        EnumKind::String => "string",
        EnumKind::Integer => "integer",
    }
}

/// Whether a member of this type can hold a secret, and so be `sensitive`: text (`string`,
/// `json`) or a list or map of it. A structure cannot; its secret members are marked instead.
pub fn can_hold_secret(ty: &TypeExpr) -> bool {
    match ty {
        TypeExpr::String | TypeExpr::Json => true,
        TypeExpr::List(inner) | TypeExpr::Map(inner) => can_hold_secret(inner),
        _ => false,
    }
}

fn innermost_is_timestamp(ty: &TypeExpr) -> bool {
    match ty {
        TypeExpr::Timestamp => true,
        TypeExpr::List(inner) | TypeExpr::Map(inner) => innermost_is_timestamp(inner),
        _ => false,
    }
}

fn describe(value: &Value) -> String {
    let text = value.to_string();
    let kind = match value {
        Value::Null => return "null".to_owned(),
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    };
    if text.chars().count() > 40 {
        let short: String = text.chars().take(37).collect();
        format!("{kind} {short}...")
    } else {
        format!("{kind} {text}")
    }
}

/// The `{placeholders}` of a REST path template, in order.
fn parse_path_template(path: &str) -> Result<Vec<String>, String> {
    if !path.starts_with('/') {
        return Err(format!("`{path}` must start with `/`"));
    }
    if path.contains(['?', '#', ' ']) {
        return Err(format!(
            "`{path}`: query parameters are members with `location: query`, not part of the path"
        ));
    }
    let mut placeholders = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err(format!("`{path}`: `}}` without `{{`"));
        }
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("`{path}`: `{{` without `}}`"))?;
        let name = &after[..close];
        if !names::is_snake_identifier(name) {
            return Err(format!(
                "`{path}`: `{{{name}}}` is not a parameter name (lower-case letters, digits, `_`)"
            ));
        }
        placeholders.push(name.to_owned());
        rest = &after[close + 1..];
    }
    Ok(placeholders)
}

fn is_crate_word(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn is_date_version(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

fn is_huawei_version(s: &str) -> bool {
    let Some(number) = s.strip_prefix('v') else {
        return false;
    };
    let mut parts = number.split('.');
    let numeric = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
    parts.next().is_some_and(numeric) && parts.next().is_none_or(numeric) && parts.next().is_none()
}

/// `ap-guangzhou`, `ap-shanghai-fsi`, `cn-north-4`, `eu-west-101`: lower-case words joined by `-`.
fn is_region(s: &str) -> bool {
    let mut parts = s.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| p.len() >= 2 && p.chars().all(|c| c.is_ascii_lowercase()));
    let mut rest = 0;
    for part in parts {
        rest += 1;
        if part.is_empty()
            || !part
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        {
            return false;
        }
    }
    first_ok && rest >= 1
}

/// A DNS host name: labels of letters, digits and inner `-`, at least two labels.
fn is_host(s: &str) -> bool {
    let labels: Vec<&str> = s.split('.').collect();
    labels.len() >= 2
        && s.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

fn is_error_code(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// `SslInfo`, `Ssl_Info`: what a type expression accepts as a shape name.
fn is_shape_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_wire_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// The candidate closest to a misspelled name, when close enough to be a typo.
fn closest_name<'n>(name: &str, candidates: impl Iterator<Item = &'n str>) -> Option<&'n str> {
    let lower = name.to_ascii_lowercase();
    candidates
        .map(|c| (strsim(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(distance, c)| *distance <= 2.max(c.len() / 4))
        .min()
        .map(|(_, c)| c)
}

/// Levenshtein distance by characters.
fn strsim(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            current.push(
                (previous[j] + usize::from(ca != *cb))
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
}

/// Problems that involve several spec files: two specs for the same crate.
pub fn validate_set(specs: &[LoadedSpec]) -> Result<(), SpecErrors> {
    let mut crates: BTreeMap<String, &LoadedSpec> = BTreeMap::new();
    let mut errors = Vec::new();
    for spec in specs {
        let crate_name = spec.service.crate_name();
        if let Some(first) = crates.insert(crate_name.clone(), spec) {
            errors.push(spec.key_error_at(
                &SpecPath::root().key("name"),
                format!(
                    "`{crate_name}` is also generated from {}",
                    first.file.display()
                ),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(SpecErrors::sorted(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_regions_hosts_and_versions() {
        for region in [
            "ap-guangzhou",
            "ap-shanghai-fsi",
            "cn-north-4",
            "eu-west-101",
            "na-siliconvalley",
        ] {
            assert!(is_region(region), "{region}");
        }
        for bad in [
            "guangzhou",
            "AP-guangzhou",
            "ap--x",
            "ap-",
            "a-b",
            "ap_guangzhou",
        ] {
            assert!(!is_region(bad), "{bad}");
        }
        assert!(is_host("gaussdb-nosql.eu-west-101.myhuaweicloud.eu"));
        for bad in [
            "https://x.com",
            "x.com/",
            "x.com:443",
            "localhost",
            "-x.com",
            "X.com",
        ] {
            assert!(!is_host(bad), "{bad}");
        }
        assert!(is_date_version("2019-07-25") && !is_date_version("2019-7-25"));
        assert!(is_huawei_version("v3") && is_huawei_version("v3.1") && !is_huawei_version("3"));
    }

    #[test]
    fn parses_path_templates() {
        assert_eq!(
            parse_path_template("/v3/{project_id}/instances/{instance_id}/ssl-option").unwrap(),
            ["project_id", "instance_id"]
        );
        for bad in ["v3/x", "/v3/{a", "/v3/a}", "/v3/{A}", "/v3/{}", "/v3/x?y=1"] {
            assert!(parse_path_template(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn schema_reference_is_relative_to_the_file() {
        assert_eq!(
            expected_schema_reference(Path::new("specs/tencent/mongodb.yaml")),
            "../schema.json"
        );
        assert_eq!(
            expected_schema_reference(Path::new("codegen/tests/specs/bad.yaml")),
            "../../../specs/schema.json"
        );
        assert_eq!(
            expected_schema_reference(Path::new("demo.yaml")),
            "specs/schema.json"
        );
    }
}
