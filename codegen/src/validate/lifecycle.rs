//! Validation of the lifecycle keys: task APIs (`tasks`), task handles (`task`), pagination
//! (`pagination`) and the service's resource (`resource`). Every name they use must be a real
//! operation, member or path of the right type, so the generator, the CLI and the emulator can
//! follow them without checking again.

use std::collections::HashMap;

use cloud_spec::lifecycle::{parse_id_format, FilterMember};
use cloud_spec::{
    Member, Operation, PageStyle, Pagination, Resource, Shape, TaskApi, TaskHandle, TypeExpr,
};
use indexmap::IndexMap;
use serde_json::Value;

use super::{closest_name, is_crate_word, Checker, Direction};
use crate::error::SpecPath;

/// What a type is, for the lifecycle rules: enums count as their wire type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    String,
    Integer,
    Other,
}

impl<'a> Checker<'a> {
    fn kind(&self, ty: &TypeExpr) -> Kind {
        match ty {
            TypeExpr::String => Kind::String,
            TypeExpr::Integer(_) => Kind::Integer,
            TypeExpr::Shape(name) => match self.service.shapes.get(name.as_str()) {
                Some(Shape {
                    enum_kind: Some(cloud_spec::EnumKind::String),
                    ..
                }) => Kind::String,
                Some(Shape {
                    enum_kind: Some(cloud_spec::EnumKind::Integer),
                    ..
                }) => Kind::Integer,
                _ => Kind::Other,
            },
            _ => Kind::Other,
        }
    }

    /// The kind of a member's type.
    fn member_kind(&self, member: &Member) -> Kind {
        self.kind(&member.ty)
    }

    fn missing_operation(&mut self, path: &SpecPath, name: &str) {
        let hint = closest_name(name, self.service.operations.keys().map(String::as_str))
            .map(|close| format!("; did you mean `{close}`?"))
            .unwrap_or_default();
        self.error(
            path,
            format!("operation `{name}` does not exist in this spec{hint}"),
        );
    }

    // ----- task APIs -----

    pub(super) fn tasks(&mut self) {
        for (name, task) in &self.service.tasks {
            let path = SpecPath::root().key("tasks").key(name.as_str());
            if !is_crate_word(name) {
                self.key_error(
                    &path,
                    format!("task API name `{name}` must be lower-case letters, digits and `-`"),
                );
            }
            self.task_api(task, &path);
        }
    }

    fn task_api(&mut self, task: &TaskApi, path: &SpecPath) {
        let Some(op) = self.service.operations.get(task.operation.as_str()) else {
            self.missing_operation(&path.key("operation"), &task.operation);
            return;
        };
        match op.input.get(task.handle.as_str()) {
            None => self.error(
                &path.key("handle"),
                format!("`{}` has no input member `{}`", task.operation, task.handle),
            ),
            Some(member) => {
                if self.member_kind(member) == Kind::Other {
                    self.error(
                        &path.key("handle"),
                        format!(
                            "`{}` is `{}`; a task handle is a string or an integer",
                            task.handle, member.ty
                        ),
                    );
                }
            }
        }
        for (name, member) in &op.input {
            if member.required && *name != task.handle {
                self.error(
                    &path.key("operation"),
                    format!(
                        "`{}` requires `{name}`, which following a task by its handle cannot give",
                        task.operation
                    ),
                );
            }
        }
        let status = match self.resolve_output_path(op, &task.status) {
            Ok(Some(ty)) if self.kind(&ty) != Kind::Other => Some(ty),
            Ok(Some(ty)) => {
                self.error(
                    &path.key("status"),
                    format!(
                        "`{}` is `{ty}`; a status is a string or an integer",
                        task.status
                    ),
                );
                None
            }
            Ok(None) => None,
            Err(message) => {
                self.error(&path.key("status"), message);
                None
            }
        };
        if let Some(message) = &task.message {
            match self.resolve_output_path(op, message) {
                Ok(Some(ty)) if self.kind(&ty) == Kind::String => {}
                Ok(Some(ty)) => self.error(
                    &path.key("message"),
                    format!("`{message}` is `{ty}`; a message is a string"),
                ),
                Ok(None) => {}
                Err(e) => self.error(&path.key("message"), e),
            }
        }
        let sets = [
            ("running", &task.running),
            ("succeeded", &task.succeeded),
            ("failed", &task.failed),
        ];
        self.value_sets(&sets, &["succeeded", "failed"], status.as_ref(), path);
    }

    /// Status value sets: the required ones are not empty, every value fits the status type,
    /// no value is in two sets.
    fn value_sets(
        &mut self,
        sets: &[(&str, &Vec<Value>)],
        required: &[&str],
        status: Option<&TypeExpr>,
        path: &SpecPath,
    ) {
        let mut seen: HashMap<String, &str> = HashMap::new();
        for (set, values) in sets {
            if values.is_empty() && required.contains(set) {
                self.error(
                    &path.key(*set),
                    format!("`{set}` needs at least one status value"),
                );
            }
            for (i, value) in values.iter().enumerate() {
                let value_path = path.key(*set).index(i);
                // Exact types: a waiter compares the status with these values as they are.
                if let Some(ty) = status {
                    self.value(value, ty, Direction::Input, &value_path);
                }
                if let Some(other) = seen.insert(value.to_string(), set) {
                    self.error(
                        &value_path,
                        format!("{value} is listed in both `{other}` and `{set}`"),
                    );
                }
            }
        }
    }

    // ----- an operation's task handle and pagination -----

    pub(super) fn task_handle(&mut self, op: &Operation, task: &TaskHandle, path: &SpecPath) {
        let handle_kind = match op.output.get(task.handle.as_str()) {
            None => {
                self.error(
                    &path.key("handle"),
                    format!("this operation has no output member `{}`", task.handle),
                );
                None
            }
            // A list of handles: one task per item, each of the item's kind.
            Some(member) => match match &member.ty {
                TypeExpr::List(item) => self.kind(item),
                ty => self.kind(ty),
            } {
                Kind::Other => {
                    self.error(
                        &path.key("handle"),
                        format!(
                            "`{}` is `{}`; a task handle is a string or an integer, or a list of them",
                            task.handle, member.ty
                        ),
                    );
                    None
                }
                kind => Some(kind),
            },
        };
        let Some(api) = self.service.tasks.get(task.api.as_str()) else {
            let hint = closest_name(&task.api, self.service.tasks.keys().map(String::as_str))
                .map(|close| format!("; did you mean `{close}`?"))
                .unwrap_or_default();
            self.error(
                &path.key("api"),
                format!("there is no task API `{}` under `tasks`{hint}", task.api),
            );
            return;
        };
        // An integer handle is sent as text to a string member; text cannot become a number.
        let takes = self
            .service
            .operations
            .get(api.operation.as_str())
            .and_then(|o| o.input.get(api.handle.as_str()))
            .map(|m| self.member_kind(m));
        if handle_kind == Some(Kind::String) && takes == Some(Kind::Integer) {
            self.error(
                &path.key("handle"),
                format!(
                    "`{}` is a string, but task API `{}` takes an integer `{}`",
                    task.handle, task.api, api.handle
                ),
            );
        }
    }

    pub(super) fn pagination(&mut self, op: &Operation, pagination: &Pagination, path: &SpecPath) {
        let marker = pagination.style == PageStyle::Marker;
        for (key, member) in [("offset", &pagination.offset), ("limit", &pagination.limit)] {
            match op.input.get(member.as_str()) {
                None => self.error(
                    &path.key(key),
                    format!("this operation has no input member `{member}`"),
                ),
                Some(m) => {
                    // Counts (and markers) are integers, or text the runtime sends numbers as.
                    if self.member_kind(m) == Kind::Other {
                        let what = if marker && key == "offset" {
                            "a marker is a string or an integer"
                        } else {
                            "paging members are integers or strings that hold one"
                        };
                        self.error(&path.key(key), format!("`{member}` is `{}`; {what}", m.ty));
                    }
                }
            }
        }
        match (&pagination.next_marker, marker) {
            (None, true) => self.error(
                &path.key("next_marker"),
                "style `marker` needs `next_marker`: the item member the next page starts after",
            ),
            (Some(_), false) => self.error(
                &path.key("next_marker"),
                "`next_marker` belongs to style `marker`; this pagination counts by offset or page",
            ),
            _ => {}
        }
        if pagination.offset == pagination.limit {
            self.error(
                &path.key("limit"),
                "the offset and the limit are the same member",
            );
        }
        match self.resolve_output_path(op, &pagination.items) {
            Ok(Some(TypeExpr::List(_))) | Ok(None) => {}
            Ok(Some(ty)) => self.error(
                &path.key("items"),
                format!("`{}` is `{ty}`, not a list", pagination.items),
            ),
            Err(message) => self.error(&path.key("items"), message),
        }
        for (i, other) in pagination.other_items.iter().enumerate() {
            let at = path.key("other_items").index(i);
            if *other == pagination.items || pagination.other_items[..i].contains(other) {
                self.error(&at, format!("`{other}` is named twice"));
            }
            match self.resolve_output_path(op, other) {
                Ok(Some(TypeExpr::List(_))) | Ok(None) => {}
                Ok(Some(ty)) => self.error(&at, format!("`{other}` is `{ty}`, not a list")),
                Err(message) => self.error(&at, message),
            }
        }
        if let (Some(next), true) = (&pagination.next_marker, marker) {
            self.next_marker(op, pagination, next, &path.key("next_marker"));
        }
        if let Some(total) = &pagination.total {
            match self.resolve_output_path(op, total) {
                Ok(Some(ty)) if self.kind(&ty) != Kind::Other => {}
                Ok(Some(ty)) => self.error(
                    &path.key("total"),
                    format!("`{total}` is `{ty}`, not an integer or a string that holds one"),
                ),
                Ok(None) => {}
                Err(message) => self.error(&path.key("total"), message),
            }
        }
        if pagination.max_page_size == 0 {
            self.error(
                &path.key("max_page_size"),
                "a page of at most 0 items holds nothing",
            );
        }
    }

    /// The next marker is a string or an integer member of the listed items.
    fn next_marker(
        &mut self,
        op: &Operation,
        pagination: &Pagination,
        next: &str,
        path: &SpecPath,
    ) {
        let Ok(Some(TypeExpr::List(item))) = self.resolve_output_path(op, &pagination.items) else {
            // Items that are not a list are reported at `items`.
            return;
        };
        let TypeExpr::Shape(shape) = *item else {
            self.error(
                path,
                format!(
                    "the items of `{}` are `{item}`, not structures with a marker member",
                    pagination.items
                ),
            );
            return;
        };
        let Some(members) = self
            .service
            .shapes
            .get(shape.as_str())
            .and_then(|s| s.members.as_ref())
        else {
            return;
        };
        match self.resolve_in(members, next, "the listed item") {
            Ok(Some(ty)) if self.kind(&ty) != Kind::Other => {}
            Ok(Some(ty)) => self.error(
                path,
                format!("`{next}` is `{ty}`; a marker is a string or an integer"),
            ),
            Ok(None) => {}
            Err(message) => self.error(path, message),
        }
    }

    /// An operation's explicit "no task" and "no pagination" statements: not empty, and not
    /// beside the fact they deny.
    pub(super) fn lifecycle_statements(&mut self, op: &Operation, path: &SpecPath) {
        if let Some(no_task) = &op.no_task {
            let at = path.key("no_task");
            if !op.output.contains_key(&no_task.member) {
                self.error(
                    &at.key("member"),
                    format!("this operation has no output member `{}`", no_task.member),
                );
            }
            if op.task.as_ref().is_some_and(|t| t.handle == no_task.member) {
                self.error(
                    &at.key("member"),
                    format!(
                        "`task` takes `{}` as its handle: state one or the other",
                        no_task.member
                    ),
                );
            }
            if no_task.reason.trim().is_empty() {
                self.error(&at.key("reason"), "give the vendor's reason");
            }
        }
        if let Some(reason) = &op.no_pagination {
            let at = path.key("no_pagination");
            if reason.trim().is_empty() {
                self.error(&at, "give the vendor's reason");
            }
            if op.pagination.is_some() {
                self.error(
                    &at,
                    "the operation has `pagination`: state one or the other",
                );
            }
        }
    }

    // ----- the resource -----

    pub(super) fn resource(&mut self) {
        let Some(resource) = &self.service.resource else {
            return;
        };
        let path = SpecPath::root().key("resource");
        if !is_lower_word(&resource.name) {
            self.error(
                &path.key("name"),
                format!(
                    "`{}` is not a lower-case word (`instance`); waiters are named after it",
                    resource.name
                ),
            );
        }
        if let Err(e) = parse_id_format(&resource.id_format) {
            self.error(&path.key("id_format"), e.to_string());
        }
        let item = self.resource_list(resource, &path.key("list"));
        let status = item.and_then(|members| {
            members
                .get(resource.list.status.as_str())
                .and_then(|_| {
                    self.resolve_in(members, &resource.list.status, "the listed item")
                        .ok()
                })
                .flatten()
        });
        let states = &resource.states;
        let sets = [
            ("creating", &states.creating),
            ("running", &states.running),
            ("changing", &states.changing),
            ("isolated", &states.isolated),
            ("deleted", &states.deleted),
            ("failed", &states.failed),
        ];
        self.value_sets(
            &sets,
            &["creating", "running"],
            status.as_ref(),
            &path.key("states"),
        );
        self.resource_create(resource, &path);
        self.resource_modify(resource, item, &path);
        for name in resource.remove.keys() {
            if !self.service.operations.contains_key(name.as_str()) {
                self.missing_operation(&path.key("remove").key(name.as_str()), name);
            }
        }
        self.resource_ids(resource, &path);
        self.filtered_lists(resource, &path.key("filtered_lists"));
        self.id_outputs(resource, &path.key("id_outputs"));
        if let Some(ssl) = &resource.ssl {
            self.resource_ssl(resource, ssl, &path.key("ssl"));
        }
    }

    /// Checks `resource.ssl`: operations that exist and take the resource id, a switch with a
    /// waiter, input members it has, output paths that are there.
    fn resource_ssl(
        &mut self,
        resource: &Resource,
        ssl: &cloud_spec::ResourceSsl,
        path: &SpecPath,
    ) {
        match self.service.operations.get(ssl.enable.as_str()) {
            None => self.missing_operation(&path.key("enable"), &ssl.enable),
            Some(op) => {
                if op.waiter.is_none() {
                    self.error(
                        &path.key("enable"),
                        format!(
                            "`{}` has no waiter to say how SSL being on shows",
                            ssl.enable
                        ),
                    );
                }
                for name in std::iter::once(&resource.id).chain(ssl.enable_input.keys()) {
                    if !op.input.contains_key(name.as_str()) {
                        self.error(
                            &path.key("enable_input"),
                            format!("`{}` has no input member `{name}`", ssl.enable),
                        );
                    }
                }
            }
        }
        let Some(op) = self.service.operations.get(ssl.certificate.as_str()) else {
            self.missing_operation(&path.key("certificate"), &ssl.certificate);
            return;
        };
        if !op.input.contains_key(resource.id.as_str()) {
            self.error(
                &path.key("certificate"),
                format!(
                    "`{}` has no input member `{}`",
                    ssl.certificate, resource.id
                ),
            );
        }
        let output = op.output.clone();
        for (key, member) in [("link", Some(&ssl.link)), ("expires", ssl.expires.as_ref())] {
            let Some(member) = member else { continue };
            match self.resolve_in(&output, member, "the answer") {
                Ok(Some(ty))
                    if self.kind(&ty) == Kind::String || matches!(ty, TypeExpr::Timestamp) => {}
                Ok(Some(ty)) => self.error(
                    &path.key(key),
                    format!("`{member}` is `{ty}`; the {key} is a string or a timestamp"),
                ),
                Ok(None) => {}
                Err(message) => self.error(&path.key(key), message),
            }
        }
    }

    /// Checks `resource.list`; returns the members of a listed item when they can be found.
    fn resource_list(
        &mut self,
        resource: &Resource,
        path: &SpecPath,
    ) -> Option<&'a IndexMap<String, Member>> {
        let list = &resource.list;
        let Some(op) = self.service.operations.get(list.operation.as_str()) else {
            self.missing_operation(&path.key("operation"), &list.operation);
            return None;
        };
        for (key, filter) in [
            ("id", &list.filters.id),
            ("name", &list.filters.name),
            ("status", &list.filters.status),
        ] {
            if let Some(filter) = filter {
                self.filter(op, filter, &path.key("filters").key(key));
            }
        }
        let Some(pagination) = &op.pagination else {
            self.error(
                &path.key("operation"),
                format!(
                    "`{}` has no `pagination`; the resource's list operation must page",
                    list.operation
                ),
            );
            return None;
        };
        // Items that are not a list are reported at the pagination.
        let Ok(Some(TypeExpr::List(item))) = self.resolve_output_path(op, &pagination.items) else {
            return None;
        };
        let members = match *item {
            TypeExpr::Shape(name) => self
                .service
                .shapes
                .get(name.as_str())
                .and_then(|shape| shape.members.as_ref()),
            _ => None,
        };
        let Some(members) = members else {
            self.error(
                &path.key("operation"),
                format!(
                    "the items of `{}` (`{}`) are not structures, so they have no id or status",
                    list.operation, pagination.items
                ),
            );
            return None;
        };
        for (key, member, wanted) in [
            ("id", Some(&list.id), &[Kind::String][..]),
            ("name", list.name.as_ref(), &[Kind::String][..]),
            (
                "status",
                Some(&list.status),
                &[Kind::String, Kind::Integer][..],
            ),
        ] {
            let Some(member) = member else { continue };
            match self.resolve_in(members, member, "the listed item") {
                Ok(Some(ty)) if wanted.contains(&self.kind(&ty)) => {}
                Ok(Some(ty)) => self.error(
                    &path.key(key),
                    format!(
                        "`{member}` is `{ty}`; the {key} is {}",
                        if wanted.len() == 1 {
                            "a string"
                        } else {
                            "a string or an integer"
                        }
                    ),
                ),
                Ok(None) => {}
                Err(message) => self.error(&path.key(key), message),
            }
        }
        Some(members)
    }

    fn filter(&mut self, op: &Operation, filter: &str, path: &SpecPath) {
        let parsed = match FilterMember::parse(filter) {
            Ok(parsed) => parsed,
            Err(message) => {
                self.error(path, message);
                return;
            }
        };
        let Some(member) = op.input.get(parsed.member) else {
            self.error(
                path,
                format!("the list operation has no input member `{}`", parsed.member),
            );
            return;
        };
        let ty = &member.ty;
        match parsed.filter_name {
            None => {
                let scalar = match ty {
                    TypeExpr::List(inner) => self.kind(inner) != Kind::Other,
                    other => self.kind(other) != Kind::Other,
                };
                if !scalar {
                    self.error(
                        path,
                        format!(
                            "`{}` is `{}`; a filter member takes a string or an integer, or a list of them",
                            parsed.member, member.ty
                        ),
                    );
                }
            }
            Some(_) => {
                let fits = match ty {
                    TypeExpr::List(inner) => match inner.as_ref() {
                        TypeExpr::Shape(name) => self
                            .service
                            .shapes
                            .get(name.as_str())
                            .and_then(|s| s.members.as_ref())
                            .is_some_and(|m| {
                                m.get("Name").is_some_and(|n| n.ty == TypeExpr::String)
                                    && m.get("Values")
                                        .is_some_and(|v| matches!(v.ty, TypeExpr::List(_)))
                            }),
                        _ => false,
                    },
                    _ => false,
                };
                if !fits {
                    self.error(
                        path,
                        format!(
                            "`{}` is `{}`; `Member[filter-name]` needs a list of structures with `Name` (a string) and `Values` (a list)",
                            parsed.member, member.ty
                        ),
                    );
                }
            }
        }
    }

    fn resource_create(&mut self, resource: &Resource, path: &SpecPath) {
        for (name, ids) in &resource.create {
            let entry = path.key("create").key(name.as_str());
            let Some(op) = self.service.operations.get(name.as_str()) else {
                self.missing_operation(&entry, name);
                continue;
            };
            match self.resolve_output_path(op, ids) {
                Ok(Some(TypeExpr::String)) | Ok(None) => {}
                Ok(Some(TypeExpr::List(inner))) if *inner == TypeExpr::String => {}
                Ok(Some(ty)) => self.error(
                    &entry,
                    format!("`{ids}` is `{ty}`; new ids are a string or a list of strings"),
                ),
                Err(message) => self.error(&entry, message),
            }
        }
    }

    fn resource_modify(
        &mut self,
        resource: &Resource,
        item: Option<&IndexMap<String, Member>>,
        path: &SpecPath,
    ) {
        for (name, members) in &resource.modify {
            let entry = path.key("modify").key(name.as_str());
            let Some(op) = self.service.operations.get(name.as_str()) else {
                self.missing_operation(&entry, name);
                continue;
            };
            for (input, shown) in members {
                let member_path = entry.key(input.as_str());
                let Some(input_member) = op.input.get(input.as_str()) else {
                    self.key_error(
                        &member_path,
                        format!("`{name}` has no input member `{input}`"),
                    );
                    continue;
                };
                let Some(item) = item else { continue };
                let shown_ty = match self.resolve_in(item, shown, "the listed item") {
                    Ok(ty) => ty,
                    Err(message) => {
                        self.error(&member_path, message);
                        continue;
                    }
                };
                let input_ty = Some(input_member.ty.clone());
                let mapping = resource
                    .modify_values
                    .get(name.as_str())
                    .and_then(|m| m.get(input.as_str()));
                match (input_ty, shown_ty, mapping) {
                    (Some(input_ty), Some(shown_ty), None) => {
                        let same = input_ty == shown_ty
                            || (self.kind(&input_ty) == self.kind(&shown_ty)
                                && self.kind(&input_ty) != Kind::Other);
                        if !same {
                            self.error(
                                &member_path,
                                format!(
                                    "`{input}` is `{input_ty}` but `{shown}` is `{shown_ty}`; say what each value shows as under `modify_values`"
                                ),
                            );
                        }
                    }
                    (Some(input_ty), Some(shown_ty), Some(mapping)) => {
                        for (i, pair) in mapping.iter().enumerate() {
                            let pair_path = path
                                .key("modify_values")
                                .key(name.as_str())
                                .key(input.as_str())
                                .index(i);
                            self.value(
                                &pair.input,
                                &input_ty,
                                Direction::Input,
                                &pair_path.key("input"),
                            );
                            self.value(
                                &pair.shows,
                                &shown_ty,
                                Direction::Input,
                                &pair_path.key("shows"),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
        for (name, members) in &resource.modify_values {
            for input in members.keys() {
                if !resource
                    .modify
                    .get(name.as_str())
                    .is_some_and(|m| m.contains_key(input.as_str()))
                {
                    self.key_error(
                        &path
                            .key("modify_values")
                            .key(name.as_str())
                            .key(input.as_str()),
                        format!("`modify` has no entry `{name}.{input}` whose values this maps"),
                    );
                }
            }
        }
    }

    /// Every modify and remove operation names the resource: by `id`, or by its `id_members`
    /// entry (a string or a list of strings).
    fn resource_ids(&mut self, resource: &Resource, path: &SpecPath) {
        for (name, member) in &resource.id_members {
            let entry = path.key("id_members").key(name.as_str());
            if !resource.modify.contains_key(name.as_str())
                && !resource.remove.contains_key(name.as_str())
            {
                self.key_error(
                    &entry,
                    format!("`{name}` is not under `modify` or `remove`"),
                );
                continue;
            }
            let Some(op) = self.service.operations.get(name.as_str()) else {
                continue;
            };
            match op.input.get(member.as_str()).map(|m| &m.ty) {
                None => self.error(&entry, format!("`{name}` has no input member `{member}`")),
                Some(TypeExpr::String) => {}
                Some(TypeExpr::List(inner)) if **inner == TypeExpr::String => {}
                Some(ty) => self.error(
                    &entry,
                    format!("`{member}` is `{ty}`; ids are a string or a list of strings"),
                ),
            }
        }
        for (name, members) in &resource.references {
            let entry = path.key("references").key(name.as_str());
            let Some(op) = self.service.operations.get(name.as_str()) else {
                self.missing_operation(&entry, name);
                continue;
            };
            for (i, member) in members.iter().enumerate() {
                match op.input.get(member.as_str()).map(|m| &m.ty) {
                    None => self.error(
                        &entry.index(i),
                        format!("`{name}` has no input member `{member}`"),
                    ),
                    Some(TypeExpr::String) => {}
                    Some(ty) => self.error(
                        &entry.index(i),
                        format!("`{member}` is `{ty}`; a reference is one id, a string"),
                    ),
                }
            }
        }
        for (section, names) in [
            ("modify", resource.modify.keys().collect::<Vec<_>>()),
            ("remove", resource.remove.keys().collect::<Vec<_>>()),
        ] {
            for name in names {
                let Some(op) = self.service.operations.get(name.as_str()) else {
                    continue;
                };
                // A create operation's `modify` entry sets the new resource's members: it names
                // no existing one.
                if resource.id_members.contains_key(name.as_str())
                    || resource.create.contains_key(name.as_str())
                {
                    continue;
                }
                if !op.input.contains_key(resource.id.as_str()) {
                    self.key_error(
                        &path.key(section).key(name.as_str()),
                        format!(
                            "`{name}` has no input member `{}` naming the {}; give the member it has under `id_members`",
                            resource.id, resource.name
                        ),
                    );
                }
            }
        }
    }
}

impl Checker<'_> {
    /// Every `filtered_lists` entry is a read-only operation with an optional string filter
    /// member, a top-level output list of structures and an item member holding the id.
    fn filtered_lists(&mut self, resource: &Resource, path: &SpecPath) {
        for (name, list) in &resource.filtered_lists {
            let entry = path.key(name.as_str());
            let Some(op) = self.service.operations.get(name.as_str()) else {
                self.missing_operation(&entry, name);
                continue;
            };
            if !op.read_only {
                self.key_error(
                    &entry,
                    format!("`{name}` is not read-only; a listing only reads"),
                );
            }
            if *name == resource.list.operation {
                self.key_error(
                    &entry,
                    format!("`{name}` is the resource's list operation (`list`)"),
                );
            }
            match op.input.get(list.filter.as_str()) {
                None => self.error(
                    &entry.key("filter"),
                    format!("`{name}` has no input member `{}`", list.filter),
                ),
                Some(m) if m.required || m.ty != TypeExpr::String => self.error(
                    &entry.key("filter"),
                    format!("`{}` is not an optional string", list.filter),
                ),
                Some(_) => {}
            }
            let item = match op.output.get(list.items.as_str()).map(|m| &m.ty) {
                Some(TypeExpr::List(item)) => item
                    .shape_name()
                    .and_then(|shape| self.service.shapes.get(shape))
                    .and_then(|shape| shape.members.as_ref()),
                _ => None,
            };
            match item {
                None => self.error(
                    &entry.key("items"),
                    format!(
                        "`{}` is not a top-level output list of structures of `{name}`",
                        list.items
                    ),
                ),
                Some(item) => match item.get(list.item_id.as_str()).map(|m| &m.ty) {
                    Some(TypeExpr::String) => {}
                    _ => self.error(
                        &entry.key("item_id"),
                        format!(
                            "the items of `{}` have no string member `{}`",
                            list.items, list.item_id
                        ),
                    ),
                },
            }
        }
    }

    /// Every `id_outputs` path is a string member of its operation's output.
    fn id_outputs(&mut self, resource: &Resource, path: &SpecPath) {
        for (name, paths) in &resource.id_outputs {
            let entry = path.key(name.as_str());
            let Some(op) = self.service.operations.get(name.as_str()) else {
                self.missing_operation(&entry, name);
                continue;
            };
            for (i, dotted) in paths.iter().enumerate() {
                match self.resolve_output_path(op, dotted) {
                    Ok(Some(TypeExpr::String)) | Ok(None) => {}
                    Ok(Some(ty)) => self.error(
                        &entry.index(i),
                        format!("`{dotted}` is `{ty}`; an id is a string"),
                    ),
                    Err(message) => self.error(&entry.index(i), message),
                }
            }
        }
    }
}

/// `instance`, `db_instance`: what a waiter name can be built from.
fn is_lower_word(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
