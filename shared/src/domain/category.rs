//! Wish categories, chosen from a configured list.

use super::ValueError;

/// The categories a fresh installation offers (SPEC.md); the server's settings may replace them.
pub const DEFAULT_CATEGORIES: [&str; 7] =
    ["生活帮扶", "助老助残", "儿童关爱", "就业帮扶", "医疗健康", "法律咨询", "其他"];

/// A category that is on the configured list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Category(String);

impl Category {
    /// Accepts `raw` (trimmed) only if it is one of `allowed`.
    pub fn parse<S: AsRef<str>>(raw: &str, allowed: &[S]) -> Result<Self, ValueError> {
        let raw = raw.trim();
        if allowed.iter().any(|c| c.as_ref() == raw) { Ok(Self(raw.to_owned())) } else { Err(ValueError::Category) }
    }

    /// The category's name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The category's name, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_configured_categories_are_accepted() {
        assert!(Category::parse("助老助残", &DEFAULT_CATEGORIES).is_ok());
        assert_eq!(Category::parse("买彩票", &DEFAULT_CATEGORIES), Err(ValueError::Category));
        assert_eq!(Category::parse("其他", &["生活帮扶"]), Err(ValueError::Category));
    }
}
