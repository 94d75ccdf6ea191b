//! The resource's lifecycle calls (`Resource::create`, `modify`, `remove`): a creation makes an
//! instance with a new id in the spec's `id_format`, creating until the async delay has
//! passed, then running; a change sets the listed item's members (at once, or when its task
//! finishes); a removal isolates the instance (changing, then isolated) or deletes it (deleted,
//! then gone). A state the spec has no values for is skipped: the instance keeps showing the
//! state it had (mongodb lists no deleted values, so an instance being deleted stays isolated
//! until it is gone). A change whose task was made to fail takes its failure steps instead: a
//! creation ends failed (where the spec has a failed state, GeminiDB `createfail`) or gone, a
//! removal leaves the instance in the state it had.

use cloud_transport::json_path::set_path;
use std::time::Instant;

use cloud_spec::{Removal, TypeExpr};
use cloud_transport::json_path::value_at;
use serde_json::Value;

use crate::call::Call;
use crate::examples;
use crate::ids;
use crate::listing::lay_over;
use crate::resource::{fits, type_at, ResourceIndex};
use crate::state::{Change, Inner, Instance, InstanceState, PendingChange};

/// When a call's changes happen and how they end.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timing {
    /// The call's time, read under the state lock.
    pub now: Instant,
    /// When the changes finish (the call's time, read under the state lock, plus the delay).
    pub ready_at: Instant,
    /// The call's place in the order of calls that took the state lock.
    pub seq: u64,
    /// The call's task was made to fail.
    pub fails: bool,
}

impl Timing {
    pub(crate) fn change(self, on_success: Vec<Change>, on_failure: Vec<Change>) -> PendingChange {
        PendingChange {
            ready_at: self.ready_at,
            seq: self.seq,
            fails: self.fails,
            on_success,
            on_failure,
        }
    }
}

/// How many ids a fresh one is drawn before giving up on the format (one without
/// placeholders can make only one).
const ID_ATTEMPTS: usize = 64;

/// Creates one instance; the answer carries its id at `ids_path` (a string, or a list of one
/// where the output member is a list).
pub(crate) fn create(
    call: &Call<'_>,
    res: &ResourceIndex,
    ids_path: &str,
    sets: &[(String, String)],
    state: &mut Inner,
    timing: Timing,
) -> (Value, String) {
    let key = &call.svc.key;
    let id = (0..ID_ATTEMPTS)
        .map(|_| ids::from_format(&res.spec.id_format))
        .find(|id| !state.contains(key, id))
        .unwrap_or_else(|| format!("{}-{}", ids::from_format(&res.spec.id_format), timing.seq));

    let mut inst = Instance::new(
        call.region.map(str::to_owned),
        call.project_id.map(str::to_owned),
    );
    inst.state = InstanceState::Creating;
    // What the input sets on the new instance (its name) is the spec's `modify` entry.
    for step in changes_of(call, res, sets) {
        inst.apply(step);
    }
    let on_failure = if res.has(InstanceState::Failed) {
        Change::State {
            from: InstanceState::Creating,
            to: InstanceState::Failed,
        }
    } else {
        Change::Gone
    };
    inst.schedule(timing.change(
        vec![Change::State {
            from: InstanceState::Creating,
            to: InstanceState::Running,
        }],
        vec![on_failure],
    ));

    let spec = &call.svc.spec;
    let mut out = examples::answer(spec, call.op, &call.input, None, None);
    let as_list = matches!(
        type_at(spec, &call.op.output, ids_path),
        Some(TypeExpr::List(_))
    ) || value_at(&out, ids_path).is_some_and(Value::is_array);
    let id_value = Value::String(id.clone());
    let ids_value = if as_list {
        Value::Array(vec![id_value])
    } else {
        id_value
    };
    set_path(&mut out, ids_path, ids_value);
    // An answer that echoes the new instance's status and name shows them.
    let list = &res.spec.list;
    let echoes = [
        (Some(&list.status), res.status_of(InstanceState::Creating)),
        (list.name.as_ref(), inst.name.clone().map(Value::String)),
    ];
    for (member, value) in echoes {
        let (Some(member), Some(value)) = (member, value) else {
            continue;
        };
        if call
            .op
            .output
            .get(member)
            .is_some_and(|m| fits(&m.ty, &value))
        {
            set_path(&mut out, member, value);
        }
    }
    state.insert_instance(key, &id, inst);
    (out, id)
}

/// Applies a modify call's members to the instances it names: at once, or when its task
/// finishes (`has_task`), not at all if that task fails.
pub(crate) fn modify(
    call: &Call<'_>,
    res: &ResourceIndex,
    sets: &[(String, String)],
    ids: &[String],
    state: &mut Inner,
    timing: Timing,
    has_task: bool,
) {
    let now = timing.now;
    let steps = changes_of(call, res, sets);
    if steps.is_empty() {
        return;
    }
    for id in ids {
        let Some(inst) = state.instance(&call.svc.key, id, call.region, call.project_id, now)
        else {
            continue;
        };
        if has_task {
            inst.schedule(timing.change(steps.clone(), Vec::new()));
        } else {
            for step in steps.clone() {
                inst.apply(step);
            }
        }
    }
}

/// Starts taking the named instances out of service.
pub(crate) fn remove(
    call: &Call<'_>,
    res: &ResourceIndex,
    removal: Removal,
    ids: &[String],
    state: &mut Inner,
    timing: Timing,
) {
    let now = timing.now;
    for id in ids {
        let Some(inst) = state.instance(&call.svc.key, id, call.region, call.project_id, now)
        else {
            continue;
        };
        let before = inst.state;
        let (during, on_success) = match removal {
            Removal::Isolated => (InstanceState::Changing, Some(InstanceState::Isolated)),
            Removal::Deleted => (InstanceState::Deleted, None),
        };
        let during = if res.has(during) { during } else { before };
        let on_success = match on_success {
            Some(to) => Change::State { from: during, to },
            None => Change::Gone,
        };
        inst.state = during;
        inst.schedule(timing.change(
            vec![on_success],
            vec![Change::State {
                from: during,
                to: before,
            }],
        ));
    }
}

/// Shows the instance in the members of an answer about it that hold the listed item's
/// structure (postgres `DescribeDBInstanceAttribute`'s `DBInstance`).
pub(crate) fn show_in_answer(
    call: &Call<'_>,
    res: &ResourceIndex,
    out: &mut Value,
    inst: &Instance,
) {
    let Some(shape) = &res.item_shape else {
        return;
    };
    for (name, member) in &call.op.output {
        if !matches!(&member.ty, TypeExpr::Shape(s) if *s == *shape) {
            continue;
        }
        if let Some(target) = out.get_mut(name.as_str()).filter(|t| t.is_object()) {
            lay_over(res, target, inst);
        }
    }
}

/// The steps that set what a call's input members change (`sets`: input member → item path).
fn changes_of(call: &Call<'_>, res: &ResourceIndex, sets: &[(String, String)]) -> Vec<Change> {
    let mut steps = Vec::new();
    for (member, path) in sets {
        let Some(given) = call.input.get(member).filter(|v| !v.is_null()) else {
            continue;
        };
        let value = &res.shown_value(call.name, member, given);
        match (value, &res.spec.list.name) {
            (Value::String(name), Some(name_path)) if name_path == path => {
                steps.push(Change::Name(name.clone()));
            }
            _ => steps.push(Change::Item(vec![(path.clone(), value.clone())])),
        }
    }
    steps
}
