//! Reading and writing JSON (the API's bodies and answers, the event stream, the saved session).
//!
//! In the browser the text is parsed and written by the browser's own `JSON.parse` and
//! `JSON.stringify`, so the wasm carries no JSON parser or printer of its own (serde_json's), and
//! none of the text of serde's error messages: every failure here is only "not a `T`", so
//! [`Invalid`] drops whatever serde would have said, and the code that formats those messages
//! (floating-point printing among it) never reaches a phone. The parsed value becomes a `T`
//! through [`Value`], a small serde deserializer over JavaScript values; a value becomes text
//! through serde-wasm-bindgen's serializer. Natively (the unit tests) it is serde_json, with the
//! same results for the app's types.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// `text` read as a `T`, or `None` when it is not JSON or not a `T`.
#[cfg(target_arch = "wasm32")]
pub fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    let value = js_sys::JSON::parse(text).ok()?;
    T::deserialize(browser::Value(value)).ok()
}

/// `value` as JSON text (`None` for an `Option` field is written `null`), or `None` when it
/// cannot be written (a number beyond what JSON numbers hold exactly).
#[cfg(target_arch = "wasm32")]
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    let value = value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).ok()?;
    js_sys::JSON::stringify(&value).ok().map(String::from)
}

/// `text` read as a `T`, or `None` when it is not JSON or not a `T`.
#[cfg(not(target_arch = "wasm32"))]
pub fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_str(text).ok()
}

/// `value` as JSON text (`None` for an `Option` field is written `null`), or `None` when it
/// cannot be written.
#[cfg(not(target_arch = "wasm32"))]
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    serde_json::to_string(value).ok()
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use std::fmt;

    use js_sys::{Array, Object};
    use serde::de::{self, DeserializeSeed, Expected, IntoDeserializer, Unexpected, Visitor};
    use wasm_bindgen::{JsCast, JsValue};

    /// A value was not what the type reading it expects. Carries no message: the app only needs
    /// to know that reading failed, and formatting serde's messages costs bytes on every phone.
    #[derive(Debug)]
    pub struct Invalid;

    impl fmt::Display for Invalid {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("invalid JSON value")
        }
    }

    impl std::error::Error for Invalid {}

    // Every constructor is overridden so that none formats its arguments.
    impl de::Error for Invalid {
        fn custom<T: fmt::Display>(_: T) -> Self {
            Invalid
        }
        fn invalid_type(_: Unexpected<'_>, _: &dyn Expected) -> Self {
            Invalid
        }
        fn invalid_value(_: Unexpected<'_>, _: &dyn Expected) -> Self {
            Invalid
        }
        fn invalid_length(_: usize, _: &dyn Expected) -> Self {
            Invalid
        }
        fn unknown_variant(_: &str, _: &'static [&'static str]) -> Self {
            Invalid
        }
        fn unknown_field(_: &str, _: &'static [&'static str]) -> Self {
            Invalid
        }
        fn missing_field(_: &'static str) -> Self {
            Invalid
        }
        fn duplicate_field(_: &'static str) -> Self {
            Invalid
        }
    }

    /// The largest integer a JavaScript number holds exactly (`Number.MAX_SAFE_INTEGER`).
    const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

    /// A JavaScript value as `JSON.parse` makes them (null, a boolean, a number, a string, an
    /// array or a plain object), read by serde the way serde_json reads the same JSON text.
    pub struct Value(pub JsValue);

    impl Value {
        fn string(&self) -> Result<String, Invalid> {
            self.0.as_string().ok_or(Invalid)
        }
    }

    impl<'de> de::Deserializer<'de> for Value {
        type Error = Invalid;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
            let v = self.0;
            if v.is_null() || v.is_undefined() {
                visitor.visit_unit()
            } else if let Some(b) = v.as_bool() {
                visitor.visit_bool(b)
            } else if let Some(n) = v.as_f64() {
                // Whole numbers as integers (as serde_json reads `3`), others as floats.
                if n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER {
                    if n >= 0.0 { visitor.visit_u64(n as u64) } else { visitor.visit_i64(n as i64) }
                } else {
                    visitor.visit_f64(n)
                }
            } else if let Some(s) = v.as_string() {
                visitor.visit_string(s)
            } else if Array::is_array(&v) {
                visitor.visit_seq(Items::new(v.unchecked_into()))
            } else if v.is_object() {
                visitor.visit_map(Entries::new(Object::entries(v.unchecked_ref())))
            } else {
                Err(Invalid)
            }
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
            if self.0.is_null() || self.0.is_undefined() { visitor.visit_none() } else { visitor.visit_some(self) }
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Invalid> {
            visitor.visit_newtype_struct(self)
        }

        fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
            visitor.visit_string(self.string()?)
        }

        fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
            visitor.visit_string(self.string()?)
        }

        fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
            visitor.visit_string(self.string()?)
        }

        /// A unit variant is its name (`"open"`); any other variant an object of one entry
        /// (`{"name": value}`), as serde_json writes them.
        fn deserialize_enum<V: Visitor<'de>>(
            self,
            _: &'static str,
            _: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Invalid> {
            if let Some(name) = self.0.as_string() {
                return visitor.visit_enum(name.into_deserializer());
            }
            let entries = Object::entries(self.0.dyn_ref::<Object>().ok_or(Invalid)?);
            if entries.length() != 1 {
                return Err(Invalid);
            }
            let entry: Array = entries.get(0).unchecked_into();
            visitor.visit_enum(Variant { name: Value(entry.get(0)), value: Value(entry.get(1)) })
        }

        fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
            visitor.visit_unit()
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit
            unit_struct seq tuple tuple_struct map struct
        }
    }

    /// The items of an array, in order.
    struct Items {
        array: Array,
        next: u32,
    }

    impl Items {
        fn new(array: Array) -> Self {
            Self { array, next: 0 }
        }
    }

    impl<'de> de::SeqAccess<'de> for Items {
        type Error = Invalid;

        fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Invalid> {
            if self.next >= self.array.length() {
                return Ok(None);
            }
            let item = self.array.get(self.next);
            self.next += 1;
            seed.deserialize(Value(item)).map(Some)
        }

        fn size_hint(&self) -> Option<usize> {
            Some((self.array.length() - self.next) as usize)
        }
    }

    /// The entries of an object (`Object.entries`: `[key, value]` pairs), in order.
    struct Entries {
        items: Items,
        value: JsValue,
    }

    impl Entries {
        fn new(entries: Array) -> Self {
            Self { items: Items::new(entries), value: JsValue::UNDEFINED }
        }
    }

    impl<'de> de::MapAccess<'de> for Entries {
        type Error = Invalid;

        fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Invalid> {
            if self.items.next >= self.items.array.length() {
                return Ok(None);
            }
            let entry: Array = self.items.array.get(self.items.next).unchecked_into();
            self.items.next += 1;
            self.value = entry.get(1);
            seed.deserialize(Value(entry.get(0))).map(Some)
        }

        fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Invalid> {
            seed.deserialize(Value(std::mem::replace(&mut self.value, JsValue::UNDEFINED)))
        }

        fn size_hint(&self) -> Option<usize> {
            de::SeqAccess::size_hint(&self.items)
        }
    }

    /// A variant written as an object of one entry: its name and its content.
    struct Variant {
        name: Value,
        value: Value,
    }

    impl<'de> de::EnumAccess<'de> for Variant {
        type Error = Invalid;
        type Variant = Value;

        fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Value), Invalid> {
            Ok((seed.deserialize(self.name)?, self.value))
        }
    }

    impl<'de> de::VariantAccess<'de> for Value {
        type Error = Invalid;

        fn unit_variant(self) -> Result<(), Invalid> {
            de::Deserialize::deserialize(self)
        }

        fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Invalid> {
            seed.deserialize(self)
        }

        fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Invalid> {
            de::Deserializer::deserialize_any(self, visitor)
        }

        fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], visitor: V) -> Result<V::Value, Invalid> {
            de::Deserializer::deserialize_any(self, visitor)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize, Serialize)]
    struct Body {
        reason: Option<String>,
        version: i64,
    }

    #[test]
    fn a_body_round_trips_with_its_missing_option_written_null() {
        let body = Body { reason: None, version: 3 };
        let text = to_string(&body);
        assert_eq!(text.as_deref(), Some(r#"{"reason":null,"version":3}"#));
        assert_eq!(text.and_then(|t| from_str::<Body>(&t)), Some(body));
        assert_eq!(from_str::<Body>("not json"), None);
        assert_eq!(from_str::<Body>(r#"{"version":"3"}"#), None);
    }
}
