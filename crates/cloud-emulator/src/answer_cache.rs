//! Answers serialized once and replayed while nothing they depend on has changed.
//!
//! A read-only call's answer is a function of its input, its region or project, and the
//! state: building it (picking an example, synthesizing an output, laying every listed
//! instance over an item template) and serializing it cost far more than verifying the
//! signature and validating the input (a 74 KB listing was 0.06x a fixed-answer server). So
//! each operation keeps the bytes of its last few answers, keyed by region, project and
//! input, and stamped with the state's generation (bumped by every change, see
//! `state::Store`) and the time the service's next pending change falls due. A call with the
//! same key, the same generation and before that time is answered with the same bytes, its own
//! request id spliced in. Errors, mutations, task queries and fresh handles are never cached.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use cloud_spec::Vendor;
use serde_json::{Map, Value};

use crate::wire::TENCENT_REQUEST_ID;

/// A stand-in request id that no answer holds (control characters are escaped in JSON, so its
/// serialized form is unique in the body).
const REQUEST_ID_HOLE: &str = "\u{1}request-id\u{1}";

/// The most answers kept per operation (distinct inputs, regions or projects); the oldest goes.
const ANSWERS_PER_OPERATION: usize = 8;

/// An answer's body, serialized: Tencent's envelope with a hole where the request id goes,
/// Huawei's output as it is (its request id travels in a header).
#[derive(Debug)]
pub(crate) struct Rendered {
    before: Bytes,
    /// Tencent: the bytes after the request id.
    after: Option<Bytes>,
}

impl Rendered {
    /// Serializes an operation's output (without a request id) as the vendor answers it.
    pub(crate) fn new(vendor: Vendor, mut output: Map<String, Value>) -> Rendered {
        if vendor == Vendor::Huawei {
            let body = serde_json::to_vec(&Value::Object(output)).unwrap_or_default();
            return Rendered {
                before: Bytes::from(body),
                after: None,
            };
        }
        output.insert(
            TENCENT_REQUEST_ID.to_owned(),
            Value::String(REQUEST_ID_HOLE.to_owned()),
        );
        let mut envelope = Map::new();
        envelope.insert("Response".to_owned(), Value::Object(output));
        let body = serde_json::to_vec(&Value::Object(envelope)).unwrap_or_default();
        let hole = serde_json::to_vec(REQUEST_ID_HOLE).unwrap_or_default();
        // The request id is the output's last member: search from the end.
        let at = body
            .windows(hole.len())
            .rposition(|w| w == hole.as_slice())
            .unwrap_or(body.len());
        let mut body = Bytes::from(body);
        let after = body.split_off(at.saturating_add(hole.len()).min(body.len()));
        body.truncate(at);
        Rendered {
            before: body,
            after: Some(after),
        }
    }

    /// The body, with `request_id` in Tencent's envelope.
    pub(crate) fn body(&self, request_id: &str) -> Bytes {
        let Some(after) = &self.after else {
            return self.before.clone();
        };
        let id = serde_json::to_vec(request_id).unwrap_or_default();
        let mut body = BytesMut::with_capacity(self.before.len() + id.len() + after.len());
        body.extend_from_slice(&self.before);
        body.extend_from_slice(&id);
        body.extend_from_slice(after);
        body.freeze()
    }
}

/// What a cached answer was made from, and until when it holds.
#[derive(Debug)]
struct CachedAnswer {
    region: Option<String>,
    project_id: Option<String>,
    input: Map<String, Value>,
    generation: u64,
    /// When the service's next pending change falls due (`None`: none is pending).
    until: Option<Instant>,
    rendered: Arc<Rendered>,
}

/// One operation's cached answers.
#[derive(Default)]
pub(crate) struct AnswerCache {
    answers: Mutex<Vec<CachedAnswer>>,
}

impl std::fmt::Debug for AnswerCache {
    // The count, not the bodies: a catalog's debug form would otherwise hold every answer.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let held = self.answers.lock().map_or(0, |a| a.len());
        f.debug_struct("AnswerCache").field("held", &held).finish()
    }
}

/// What an answer depends on besides the state.
#[derive(Clone, Copy)]
pub(crate) struct AnswerKey<'a> {
    pub region: Option<&'a str>,
    pub project_id: Option<&'a str>,
    pub input: &'a Map<String, Value>,
}

impl AnswerKey<'_> {
    fn matches(&self, cached: &CachedAnswer) -> bool {
        cached.region.as_deref() == self.region
            && cached.project_id.as_deref() == self.project_id
            && cached.input.len() == self.input.len()
            // In order: the same members in the same order make the same answer.
            && cached.input.iter().zip(self.input).all(|(a, b)| a == b)
    }
}

impl AnswerCache {
    /// The answer made for `key` at state `generation`, if `now` is before the next change.
    pub(crate) fn get(
        &self,
        key: &AnswerKey<'_>,
        generation: u64,
        now: Instant,
    ) -> Option<Arc<Rendered>> {
        let answers = self.answers.lock().unwrap_or_else(|p| p.into_inner());
        answers
            .iter()
            .find(|a| {
                a.generation == generation
                    && a.until.is_none_or(|until| now < until)
                    && key.matches(a)
            })
            .map(|a| a.rendered.clone())
    }

    /// Keeps an answer made for `key` at state `generation`, valid until `until`.
    pub(crate) fn put(
        &self,
        key: &AnswerKey<'_>,
        generation: u64,
        until: Option<Instant>,
        rendered: Arc<Rendered>,
    ) {
        let mut answers = self.answers.lock().unwrap_or_else(|p| p.into_inner());
        answers.retain(|a| a.generation == generation && !key.matches(a));
        if answers.len() >= ANSWERS_PER_OPERATION {
            answers.remove(0);
        }
        answers.push(CachedAnswer {
            region: key.region.map(str::to_owned),
            project_id: key.project_id.map(str::to_owned),
            input: key.input.clone(),
            generation,
            until,
            rendered,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Duration;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn tencent_bodies_carry_each_calls_request_id() {
        let output = map(json!({"Status": 1, "Note": "a \"quoted\" text"}));
        let expected = |rid: &str| {
            let mut with_id = output.clone();
            with_id.insert("RequestId".into(), json!(rid));
            serde_json::to_vec(&json!({"Response": with_id})).unwrap()
        };
        let rendered = Rendered::new(Vendor::Tencent, output.clone());
        assert_eq!(rendered.body("r-1").as_ref(), expected("r-1").as_slice());
        assert_eq!(rendered.body("r-2").as_ref(), expected("r-2").as_slice());
        let empty = Rendered::new(Vendor::Tencent, Map::new());
        assert_eq!(
            empty.body("x").as_ref(),
            br#"{"Response":{"RequestId":"x"}}"#
        );
        let huawei = Rendered::new(Vendor::Huawei, output.clone());
        assert_eq!(
            huawei.body("ignored").as_ref(),
            serde_json::to_vec(&output).unwrap().as_slice()
        );
    }

    #[test]
    fn answers_hold_for_their_key_generation_and_time() {
        let cache = AnswerCache::default();
        let input = map(json!({"InstanceId": "cmgo-1", "Limit": 1}));
        let key = AnswerKey {
            region: Some("ap-guangzhou"),
            project_id: None,
            input: &input,
        };
        let now = Instant::now();
        let later = now + Duration::from_secs(1);
        let rendered = Arc::new(Rendered::new(Vendor::Huawei, input.clone()));
        cache.put(&key, 7, Some(later), rendered);
        assert!(cache.get(&key, 7, now).is_some());
        assert!(cache.get(&key, 8, now).is_none(), "the state changed");
        assert!(cache.get(&key, 7, later).is_none(), "a change fell due");
        let other_region = AnswerKey {
            region: Some("ap-beijing"),
            ..key
        };
        assert!(cache.get(&other_region, 7, now).is_none());
        let reordered = map(json!({"Limit": 1, "InstanceId": "cmgo-1"}));
        let reordered = AnswerKey {
            input: &reordered,
            ..key
        };
        assert!(cache.get(&reordered, 7, now).is_none());
    }
}
