//! Serde helpers used by generated types: lenient numbers, enums that keep unknown values,
//! timestamps that keep their text.
//!
//! By job: this file decodes leniently (from a `Value`, and the [`lenient`] field helper);
//! `stream.rs` does the same in one pass over the bytes; `envelope.rs` reads Tencent's
//! `Response` in that pass and notices `Response.Error`; `timestamp.rs` keeps and parses
//! times; `request.rs` encodes inputs.
//!
//! Generated service crates use these so that the small, well-known ways in which cloud APIs drift
//! from their docs never turn a successful call into a decode error:
//!
//! - [`from_value`] (and [`from_str`]): how responses are decoded. Wherever the type expects a
//!   number, a number sent as a string (`"TaskId": "100016"`, a known Tencent Cloud drift) is
//!   read as the number, at any depth, so generated types need no per-field attribute for it.
//! - [`lenient`]: the same for one field of your own types, when you decode them with plain
//!   `serde_json`: `#[serde(deserialize_with = "codec::lenient")]` on fields of type `i32`, `i64`,
//!   `u64`, `f64`, and `Option`, `Vec` or `BTreeMap<String, _>` of them (nested freely).
//! - Enums: generated enums keep values their crate does not know in an `Unknown(raw)` variant.
//!   Integer enums deserialize their raw value with [`lenient`] too, so `"1"` reads as `1`.
//! - [`request_json`]: how inputs are encoded: absent members left out, required ones checked.
//! - [`Timestamp`]: keeps the text the service sent and parses it on demand, so an unexpected
//!   format never fails a call.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, Unexpected, Visitor};
use serde::Deserialize;
use serde_json::Value;

pub(crate) mod envelope;
mod request;
mod stream;
mod timestamp;

pub use request::request_json;
pub use timestamp::{Timestamp, TimestampError, ASSUMED_UTC_OFFSET_SECONDS};

/// Decodes `T` from a JSON value, reading numbers sent as strings as numbers wherever `T` expects
/// a number, at any depth (members, list elements, map values, `Option`s).
///
/// Everything else is plain serde: unknown members are ignored, `null` reads as `None`, and a
/// value that is neither a number nor a string holding one is still an error.
///
/// ```
/// #[derive(Debug, PartialEq, serde::Deserialize)]
/// struct Output {
///     #[serde(rename = "TaskId")]
///     task_id: Option<i64>,
///     #[serde(rename = "Sizes")]
///     sizes: Vec<u64>,
/// }
///
/// let value = serde_json::json!({"TaskId": "100016", "Sizes": [1, " 2 "]});
/// let out: Output = cloud_transport::codec::from_value(value).unwrap();
/// assert_eq!(out, Output { task_id: Some(100016), sizes: vec![1, 2] });
/// ```
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    T::deserialize(LenientJson(value))
}

/// [`from_value`] from JSON text.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    from_slice(text.as_bytes())
}

/// [`from_value`] from JSON bytes: the same leniency, read in one pass with no [`Value`] in
/// between (how [`Client::call`](crate::Client::call) decodes a response).
///
/// ```
/// #[derive(Debug, PartialEq, serde::Deserialize)]
/// struct Output {
///     #[serde(rename = "TaskId")]
///     task_id: Option<i64>,
/// }
///
/// let out: Output = cloud_transport::codec::from_slice(br#"{"TaskId": "100016"}"#).unwrap();
/// assert_eq!(out, Output { task_id: Some(100016) });
/// ```
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    let mut json = serde_json::Deserializer::from_slice(bytes);
    let value = T::deserialize(stream::Lenient(&mut json))?;
    json.end()?;
    Ok(value)
}

/// A JSON value as a deserializer that also accepts numbers written as strings.
///
/// It hands out its own kind of deserializer for everything nested in it, and answers requests
/// for numbers itself; for the rest it asks `serde_json`'s own `Value` deserializer.
struct LenientJson(Value);

impl LenientJson {
    /// An integer request: strings holding integers, and floats with no fraction, count.
    fn integer<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        match self.0 {
            Value::String(text) => {
                let trimmed = text.trim();
                if let Ok(n) = trimmed.parse::<i64>() {
                    visitor.visit_i64(n)
                } else if let Ok(n) = trimmed.parse::<u64>() {
                    visitor.visit_u64(n)
                } else {
                    Err(de::Error::invalid_value(Unexpected::Str(&text), &visitor))
                }
            }
            Value::Number(n) if n.is_f64() => {
                let float = n.as_f64().unwrap_or(f64::NAN);
                // `3.0` is an integer written as a float; `3.5` is not an integer at all.
                if float.fract() == 0.0 && float >= i64::MIN as f64 && float < i64::MAX as f64 {
                    visitor.visit_i64(float as i64)
                } else if float.fract() == 0.0 && float >= 0.0 && float < u64::MAX as f64 {
                    visitor.visit_u64(float as u64)
                } else {
                    visitor.visit_f64(float)
                }
            }
            other => other.deserialize_any(visitor),
        }
    }

    /// A float request: strings holding finite numbers count.
    fn float<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        match self.0 {
            Value::String(text) => match text.trim().parse::<f64>() {
                Ok(n) if n.is_finite() => visitor.visit_f64(n),
                _ => Err(de::Error::invalid_value(Unexpected::Str(&text), &visitor)),
            },
            other => other.deserialize_any(visitor),
        }
    }
}

macro_rules! lenient_numbers {
    ($($method:ident => $how:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
            self.$how(visitor)
        }
    )*};
}

impl<'de> Deserializer<'de> for LenientJson {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(LenientSeq(items.into_iter())),
            Value::Object(members) => visitor.visit_map(LenientMap {
                members: members.into_iter(),
                value: None,
            }),
            other => other.deserialize_any(visitor),
        }
    }

    lenient_numbers!(
        deserialize_i8 => integer,
        deserialize_i16 => integer,
        deserialize_i32 => integer,
        deserialize_i64 => integer,
        deserialize_i128 => integer,
        deserialize_u8 => integer,
        deserialize_u16 => integer,
        deserialize_u32 => integer,
        deserialize_u64 => integer,
        deserialize_u128 => integer,
        deserialize_f32 => float,
        deserialize_f64 => float,
    );

    fn deserialize_option<V: Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            other => visitor.visit_some(LenientJson(other)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool char str string bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

/// The elements of an array, each as a [`LenientJson`].
struct LenientSeq(std::vec::IntoIter<Value>);

impl<'de> de::SeqAccess<'de> for LenientSeq {
    type Error = serde_json::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, serde_json::Error> {
        self.0
            .next()
            .map(|value| seed.deserialize(LenientJson(value)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// The members of an object, each value as a [`LenientJson`].
struct LenientMap {
    members: serde_json::map::IntoIter,
    value: Option<Value>,
}

impl<'de> de::MapAccess<'de> for LenientMap {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, serde_json::Error> {
        let Some((key, value)) = self.members.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(Value::String(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, serde_json::Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(LenientJson(value)),
            None => Err(de::Error::custom(
                "a map value was asked for before its key",
            )),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.members.len())
    }
}

/// Deserializes a number, or a container of numbers, that may arrive as JSON strings.
///
/// For `#[serde(deserialize_with = "cloud_transport::codec::lenient")]` on fields whose type
/// implements [`Lenient`]. On `Option` fields, add `default` so that an absent member is `None`.
///
/// ```
/// use cloud_transport::codec;
///
/// #[derive(serde::Deserialize)]
/// struct Output {
///     #[serde(rename = "TaskId", default, deserialize_with = "codec::lenient")]
///     task_id: Option<i64>,
/// }
///
/// let out: Output = serde_json::from_str(r#"{"TaskId": "100016"}"#).unwrap();
/// assert_eq!(out.task_id, Some(100016));
/// ```
pub fn lenient<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Lenient,
{
    T::deserialize_lenient(deserializer)
}

/// Types that [`lenient`] can deserialize: numbers that also accept their decimal text, and
/// `Option`, `Vec` and `BTreeMap<String, _>` of such types.
pub trait Lenient: Sized {
    /// Deserializes `Self`, accepting numbers sent as strings.
    fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// Wraps a [`Lenient`] type so it can be used where serde expects `Deserialize` (list elements,
/// map values, `Option` contents).
struct LenientValue<T>(T);

impl<'de, T: Lenient> Deserialize<'de> for LenientValue<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize_lenient(deserializer).map(LenientValue)
    }
}

impl<T: Lenient> Lenient for Option<T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<LenientValue<T>>::deserialize(deserializer)?.map(|v| v.0))
    }
}

impl<T: Lenient> Lenient for Vec<T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let values = Vec::<LenientValue<T>>::deserialize(deserializer)?;
        Ok(values.into_iter().map(|v| v.0).collect())
    }
}

impl<T: Lenient> Lenient for BTreeMap<String, T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let values = BTreeMap::<String, LenientValue<T>>::deserialize(deserializer)?;
        Ok(values.into_iter().map(|(k, v)| (k, v.0)).collect())
    }
}

/// Accepts a JSON number or a string holding one, and converts it to `T`.
struct NumberVisitor<T>(PhantomData<T>);

/// The number types [`NumberVisitor`] produces.
trait Number: Sized + std::str::FromStr {
    const EXPECTING: &'static str;
    fn from_i64(v: i64) -> Option<Self>;
    fn from_u64(v: u64) -> Option<Self>;
    fn from_f64(v: f64) -> Option<Self>;
}

macro_rules! integer_number {
    ($($t:ty => $expecting:literal),*) => {$(
        impl Number for $t {
            const EXPECTING: &'static str = $expecting;
            fn from_i64(v: i64) -> Option<Self> {
                <$t>::try_from(v).ok()
            }
            fn from_u64(v: u64) -> Option<Self> {
                <$t>::try_from(v).ok()
            }
            fn from_f64(v: f64) -> Option<Self> {
                // `3.0` is an integer written as a float; `3.5` is not an integer at all.
                if v.fract() == 0.0 && v >= <$t>::MIN as f64 && v <= <$t>::MAX as f64 {
                    Some(v as $t)
                } else {
                    None
                }
            }
        }

        impl Lenient for $t {
            fn deserialize_lenient<'de, D: Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                deserializer.deserialize_any(NumberVisitor::<$t>(PhantomData))
            }
        }
    )*};
}

integer_number!(
    i32 => "a 32-bit integer, or a string holding one",
    i64 => "a 64-bit integer, or a string holding one",
    u64 => "a non-negative 64-bit integer, or a string holding one"
);

impl Number for f64 {
    const EXPECTING: &'static str = "a number, or a string holding one";
    fn from_i64(v: i64) -> Option<Self> {
        Some(v as f64)
    }
    fn from_u64(v: u64) -> Option<Self> {
        Some(v as f64)
    }
    fn from_f64(v: f64) -> Option<Self> {
        Some(v)
    }
}

impl Lenient for f64 {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NumberVisitor::<f64>(PhantomData))
    }
}

impl<T: Number> Visitor<'_> for NumberVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::from_i64(v).ok_or_else(|| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::from_u64(v).ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        T::from_f64(v).ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.trim()
            .parse()
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Numbers {
        #[serde(default, deserialize_with = "lenient")]
        small: Option<i32>,
        #[serde(deserialize_with = "lenient")]
        big: i64,
        #[serde(default, deserialize_with = "lenient")]
        unsigned: Option<u64>,
        #[serde(default, deserialize_with = "lenient")]
        ratio: Option<f64>,
        #[serde(default, deserialize_with = "lenient")]
        list: Option<Vec<i64>>,
        #[serde(default, deserialize_with = "lenient")]
        map: BTreeMap<String, Vec<Option<i32>>>,
    }

    fn numbers(value: serde_json::Value) -> Result<Numbers, serde_json::Error> {
        serde_json::from_value(value)
    }

    #[test]
    fn numbers_as_numbers_and_as_strings_read_the_same() {
        let plain = numbers(json!({
            "small": 7, "big": -9007199254740993i64, "unsigned": 18446744073709551615u64,
            "ratio": 0.5, "list": [1, 2], "map": {"a": [1, null]}
        }))
        .unwrap();
        let strings = numbers(json!({
            "small": "7", "big": "-9007199254740993", "unsigned": "18446744073709551615",
            "ratio": "0.5", "list": ["1", 2], "map": {"a": [" 1 ", null]}
        }))
        .unwrap();
        assert_eq!(plain, strings);
        assert_eq!(strings.big, -9007199254740993);
        assert_eq!(strings.unsigned, Some(u64::MAX));
        assert_eq!(strings.map["a"], vec![Some(1), None]);
    }

    #[test]
    fn absent_and_null_optional_numbers_are_none() {
        let n = numbers(json!({"big": 1, "small": null})).unwrap();
        assert_eq!((n.small, n.ratio, n.list), (None, None, None));
    }

    #[test]
    fn integral_floats_are_integers_and_the_rest_are_errors() {
        assert_eq!(numbers(json!({"big": 3.0})).unwrap().big, 3);
        for bad in [
            json!({"big": 3.5}),
            json!({"big": "three"}),
            json!({"big": ""}),
            json!({"big": true}),
            json!({"big": 1, "small": 4294967296u64}),
            json!({"big": 1, "unsigned": -1}),
            json!({"big": 1, "small": "1e3"}),
        ] {
            let err = numbers(bad.clone()).expect_err(&bad.to_string());
            assert!(err.to_string().contains("integer"), "{err}");
        }
        // A missing required number is still an error.
        assert!(numbers(json!({})).is_err());
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Plain {
        small: Option<i32>,
        big: i64,
        #[serde(default)]
        unsigned: Option<u64>,
        #[serde(default)]
        ratio: Option<f64>,
        #[serde(default)]
        nested: Vec<Inner>,
        #[serde(default)]
        map: BTreeMap<String, Vec<Option<i32>>>,
        #[serde(default)]
        text: Option<String>,
        #[serde(default)]
        raw: Option<serde_json::Value>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Inner {
        count: u64,
        flag: Option<bool>,
    }

    #[test]
    fn from_value_reads_numbers_sent_as_strings_at_any_depth() {
        let numbers = json!({
            "small": 7, "big": -9007199254740993i64, "unsigned": 18446744073709551615u64,
            "ratio": 0.5, "nested": [{"count": 3, "flag": true}], "map": {"a": [1, null]},
            "text": "12", "raw": {"n": "5"}
        });
        let strings = json!({
            "small": "7", "big": " -9007199254740993 ", "unsigned": "18446744073709551615",
            "ratio": "0.5", "nested": [{"count": "3", "flag": true}], "map": {"a": ["1", null]},
            "text": "12", "raw": {"n": "5"}, "unknown": {"deep": ["x", 1]}
        });
        let from_numbers: Plain = from_value(numbers.clone()).unwrap();
        let from_strings: Plain = from_str(&strings.to_string()).unwrap();
        assert_eq!(from_numbers, from_strings);
        // The one-pass decoder and the one through a `Value` read alike.
        assert_eq!(from_value::<Plain>(strings.clone()).unwrap(), from_strings);
        let bytes = numbers.to_string().into_bytes();
        assert_eq!(from_slice::<Plain>(&bytes).unwrap(), from_numbers);
        assert_eq!(from_strings.unsigned, Some(u64::MAX));
        // Strings stay strings, and untyped JSON is left as it came.
        assert_eq!(from_strings.text.as_deref(), Some("12"));
        assert_eq!(from_strings.raw, Some(json!({"n": "5"})));
        // `null` and absence are `None`; integral floats are integers.
        let sparse: Plain = from_value(json!({"small": null, "big": 3.0})).unwrap();
        assert_eq!((sparse.small, sparse.big, sparse.ratio), (None, 3, None));
        let sparse: Plain = from_slice(br#"{"small": null, "big": 3.0}"#).unwrap();
        assert_eq!((sparse.small, sparse.big, sparse.ratio), (None, 3, None));
    }

    #[test]
    fn from_value_still_rejects_what_is_not_a_number() {
        for bad in [
            json!({"small": 1, "big": 3.5}),
            json!({"small": 1, "big": "three"}),
            json!({"small": 1, "big": ""}),
            json!({"small": 1, "big": true}),
            json!({"small": 4294967296u64, "big": 1}),
            json!({"small": 1, "big": 1, "unsigned": -1}),
            json!({"small": "1e3", "big": 1}),
            json!({"small": 1, "big": 1, "ratio": "NaN"}),
            json!({"small": 1, "big": 1, "nested": [{"count": "-1"}]}),
        ] {
            let err = from_value::<Plain>(bad.clone()).expect_err(&bad.to_string());
            let streamed = from_str::<Plain>(&bad.to_string()).expect_err(&bad.to_string());
            for message in [err.to_string(), streamed.to_string()] {
                assert!(
                    message.contains("invalid") || message.contains("expected"),
                    "{bad}: {message}"
                );
            }
        }
        // A missing required member is still an error, and so is text after the value.
        assert!(from_value::<Plain>(json!({"small": 1})).is_err());
        assert!(from_str::<Plain>(r#"{"small": 1}"#).is_err());
        assert!(from_str::<Plain>(r#"{"small": 1, "big": 2} x"#).is_err());
    }
}
