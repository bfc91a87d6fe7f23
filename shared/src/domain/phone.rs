//! Mainland mobile numbers.

use super::ValueError;

/// A mainland China mobile number: 11 digits starting with 1 and then 3–9.
///
/// Spaces, dashes and a leading `+86` are accepted on input and removed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Normalises and validates `raw`.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let compact: String = raw.trim().chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let digits = compact.strip_prefix("+86").unwrap_or(&compact);
        let bytes = digits.as_bytes();
        let valid = bytes.len() == 11
            && bytes.iter().all(u8::is_ascii_digit)
            && bytes[0] == b'1'
            && (b'3'..=b'9').contains(&bytes[1]);
        if valid { Ok(Self(digits.to_owned())) } else { Err(ValueError::Phone) }
    }

    /// The 11 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 11 digits, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mainland_mobile_number_is_accepted_and_normalised() {
        assert_eq!(PhoneNumber::parse("138 0013 8000").map(PhoneNumber::into_inner), Ok("13800138000".into()));
        assert_eq!(PhoneNumber::parse("+86-19912345678").map(PhoneNumber::into_inner), Ok("19912345678".into()));
    }

    #[test]
    fn other_numbers_are_refused() {
        for bad in
            ["", "1380013800", "138001380000", "12800138000", "23800138000", "1380013800a", "１３８００１３８０００"]
        {
            assert_eq!(PhoneNumber::parse(bad), Err(ValueError::Phone), "{bad:?}");
        }
    }
}
