//! Tencent's `{"Response": {...}}` decoded straight into a typed output in one pass, which also
//! notices a `Response.Error`: a success's body (tens of KB for a listing) is read once, not
//! once for the error check and again for the output.
//!
//! The output's own `Deserialize` drives the pass; a wrapper around the `Response` object's
//! map sees each key first. An `Error` key stops the pass at once: the answer is not a plain
//! success, and the vendor decodes it again as a `Value` to classify it (error answers are
//! small). `RequestId` is kept on the way through.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, value::BorrowedStrDeserializer, value::StringDeserializer, DeserializeOwned,
    DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor,
};

use super::stream::Lenient;
use crate::protocol::TypedFailure;

/// A typed output and the request id its `Response` carried.
#[derive(Debug)]
pub(crate) struct Decoded<O> {
    pub(crate) output: O,
    pub(crate) request_id: Option<String>,
}

/// What the pass saw, whether it finished or not.
#[derive(Default)]
struct Seen {
    /// The `Response` member was an object (its map was entered).
    response_object: bool,
    /// `Response` had an `Error` member.
    error: bool,
    request_id: Option<String>,
}

/// Decodes `{"Response": O}` into `O` leniently (as [`from_slice`](super::from_slice)), in one
/// pass. [`TypedFailure::NotPlain`] when the body is not JSON, has no `Response` object or has
/// a `Response.Error`; [`TypedFailure::Shape`] when a plain success does not fit `O`.
pub(crate) fn from_tencent_slice<O: DeserializeOwned>(
    bytes: &[u8],
) -> Result<Decoded<O>, TypedFailure> {
    let mut seen = Seen::default();
    let mut json = serde_json::Deserializer::from_slice(bytes);
    let result = Lenient(&mut json)
        .deserialize_map(EnvelopeVisitor::<O> {
            seen: &mut seen,
            output: PhantomData,
        })
        .and_then(|output| json.end().map(|()| output));
    match result {
        Ok(Some(output)) => Ok(Decoded {
            output,
            request_id: seen.request_id,
        }),
        Ok(None) => Err(TypedFailure::NotPlain),
        Err(e) if seen.error || !seen.response_object || e.is_syntax() || e.is_eof() => {
            Err(TypedFailure::NotPlain)
        }
        Err(e) => Err(TypedFailure::Shape(e)),
    }
}

/// The top-level object: `Response` decoded as `O`, everything else skipped.
struct EnvelopeVisitor<'s, O> {
    seen: &'s mut Seen,
    output: PhantomData<O>,
}

impl<'de, O: DeserializeOwned> Visitor<'de> for EnvelopeVisitor<'_, O> {
    type Value = Option<O>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object with a `Response` object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<O>, A::Error> {
        let mut output = None;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if key.as_str() == "Response" && output.is_none() {
                output = Some(map.next_value_seed(ResponseSeed::<O> {
                    seen: &mut *self.seen,
                    output: PhantomData,
                })?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(output)
    }
}

/// A member name, borrowed from the input when it has no escapes.
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// The `Response` value, decoded as `O` through [`Watch`].
struct ResponseSeed<'s, O> {
    seen: &'s mut Seen,
    output: PhantomData<O>,
}

impl<'de, O: DeserializeOwned> DeserializeSeed<'de> for ResponseSeed<'_, O> {
    type Value = O;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<O, D::Error> {
        O::deserialize(Watch {
            inner: d,
            seen: self.seen,
        })
    }
}

/// The `Response` deserializer: hands the output's visitor a [`WatchMap`] when it asks for an
/// object. A JSON document describes itself, so every other request is read as "anything";
/// only an object is a plain success (anything else ends in [`TypedFailure::NotPlain`]).
struct Watch<'s, D> {
    inner: D,
    seen: &'s mut Seen,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Watch<'_, D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_map(WatchVisitor {
            inner: visitor,
            seen: self.seen,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let visitor = WatchVisitor {
            inner: visitor,
            seen: self.seen,
        };
        self.inner.deserialize_struct(name, fields, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// The output's visitor, given a [`WatchMap`] instead of the object's map; anything but an
/// object is refused.
struct WatchVisitor<'s, V> {
    inner: V,
    seen: &'s mut Seen,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for WatchVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.seen.response_object = true;
        self.inner.visit_map(WatchMap {
            inner: map,
            seen: self.seen,
            request_id_next: false,
        })
    }
}

/// The `Response` object's members as the output reads them: `Error` ends the pass,
/// `RequestId` is kept on the way.
struct WatchMap<'s, A> {
    inner: A,
    seen: &'s mut Seen,
    /// The key just given was `RequestId`.
    request_id_next: bool,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for WatchMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some(key) = self.inner.next_key::<Key<'de>>()? else {
            return Ok(None);
        };
        match key.as_str() {
            "Error" => {
                self.seen.error = true;
                return Err(de::Error::custom("the answer is an error"));
            }
            "RequestId" => self.request_id_next = true,
            _ => {}
        }
        match key {
            Key::Borrowed(s) => seed.deserialize(BorrowedStrDeserializer::new(s)).map(Some),
            Key::Owned(s) => seed.deserialize(StringDeserializer::new(s)).map(Some),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        if !std::mem::take(&mut self.request_id_next) {
            return self.inner.next_value_seed(seed);
        }
        // Given to the output as a `Value`, which answers both `String` and `Option` requests.
        let id = self.inner.next_value::<Option<String>>()?;
        self.seen.request_id.clone_from(&id);
        let value = id.map_or(serde_json::Value::Null, serde_json::Value::String);
        seed.deserialize(value).map_err(de::Error::custom)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}
