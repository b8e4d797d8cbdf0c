//! Serde support for optional, nullable fields of request bodies:
//! `Option<Option<T>>`, where `None` is absent and `Some(None)` is `null`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Writes `Some(None)` as `null` and `Some(Some(v))` as `v` (`None` is skipped by the field's attribute).
pub fn serialize<T: Serialize, S: Serializer>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(inner) => inner.serialize(serializer),
        None => serializer.serialize_none(),
    }
}

/// Reads `null` as `Some(None)`; an absent field is `None` through `#[serde(default)]`.
pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug, Default)]
    struct Patch {
        #[serde(default, skip_serializing_if = "Option::is_none", with = "super")]
        name: Option<Option<String>>,
    }

    #[test]
    fn absent_null_and_value_are_distinct() {
        for (value, json) in
            [(None, "{}"), (Some(None), r#"{"name":null}"#), (Some(Some("x".to_string())), r#"{"name":"x"}"#)]
        {
            let patch = Patch { name: value };
            assert_eq!(serde_json::to_string(&patch).unwrap(), json);
            assert_eq!(serde_json::from_str::<Patch>(json).unwrap(), patch);
        }
    }
}
