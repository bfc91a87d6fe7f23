//! The 1–5 rating a resident gives a fulfilled wish.

use super::ValueError;

/// An integer rating from 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rating(u8);

impl Rating {
    /// Validates `raw`.
    pub fn parse(raw: i64) -> Result<Self, ValueError> {
        match u8::try_from(raw) {
            Ok(v @ 1..=5) => Ok(Self(v)),
            _ => Err(ValueError::Rating),
        }
    }

    /// The rating, 1–5.
    pub fn get(self) -> u8 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_outside_one_to_five_are_refused() {
        assert!(Rating::parse(1).is_ok() && Rating::parse(5).is_ok());
        for bad in [-1, 0, 6, 256, i64::MAX] {
            assert_eq!(Rating::parse(bad), Err(ValueError::Rating));
        }
    }
}
