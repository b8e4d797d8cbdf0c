//! [`Number`]: a JSON `number` that keeps integers integers.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value of the spec's `type: number`.
///
/// Vercel uses `number` for timestamps, counts and prices alike. Held as an
/// `f64`, but written back as an integer when it is one (`1700000000000`,
/// not `1700000000000.0`), in JSON bodies and in query strings, so values
/// round-trip unchanged and cursors like `until` are sent as the server sent them.
///
/// ```
/// use vercel_api::Number;
/// let n = Number::from(1_700_000_000_000_i64);
/// assert_eq!(serde_json::to_string(&n).unwrap(), "1700000000000");
/// assert_eq!(serde_json::to_string(&Number::from(1.5)).unwrap(), "1.5");
/// assert_eq!(n.as_f64(), 1.7e12);
/// ```
#[derive(Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Number(pub f64);

impl Number {
    /// The value as `f64`.
    pub fn as_f64(self) -> f64 {
        self.0
    }

    /// The value as `i64`, when it is a whole number in range.
    pub fn as_i64(self) -> Option<i64> {
        (self.0.fract() == 0.0 && self.0.abs() < 9.007_199_254_740_992e15).then_some(self.0 as i64)
    }
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.as_i64() {
            Some(i) => serializer.serialize_i64(i),
            None => serializer.serialize_f64(self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        f64::deserialize(deserializer).map(Number)
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_i64() {
            Some(i) => write!(f, "{i}"),
            None => write!(f, "{}", self.0),
        }
    }
}

impl From<f64> for Number {
    fn from(value: f64) -> Self {
        Number(value)
    }
}

impl From<i64> for Number {
    fn from(value: i64) -> Self {
        Number(value as f64)
    }
}

impl From<i32> for Number {
    fn from(value: i32) -> Self {
        Number(value.into())
    }
}

impl From<u32> for Number {
    fn from(value: u32) -> Self {
        Number(value.into())
    }
}

impl From<Number> for f64 {
    fn from(value: Number) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::Number;

    #[test]
    fn integers_stay_integers() {
        for (json, back) in [("1567024758130", "1567024758130"), ("2000", "2000"), ("2000.0", "2000"), ("1.25", "1.25")]
        {
            let n: Number = serde_json::from_str(json).unwrap();
            assert_eq!(serde_json::to_string(&n).unwrap(), back);
        }
        assert_eq!(Number::from(300).to_string(), "300");
        assert_eq!(Number(1e300).as_i64(), None);
    }
}
