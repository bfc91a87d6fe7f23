//! The two references of a dual check-in (双报到, "一证一信"): the party member's service
//! certificate number and the introduction letter's reference. The server parses request fields
//! with these and the web client checks its form with them, so both refuse the same input.

use super::ValueError;

/// A service certificate number (服务证编号): 1–32 ASCII letters, digits or `-` after trimming,
/// e.g. `FWZ-2026-0001`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CertificateNo(String);

impl CertificateNo {
    /// The most characters a number may have.
    pub const MAX_CHARS: usize = 32;

    /// Trims and validates `raw`.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(ValueError::Empty);
        }
        if !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(ValueError::CertificateChars);
        }
        if value.len() > Self::MAX_CHARS {
            return Err(ValueError::TooLong { max: Self::MAX_CHARS });
        }
        Ok(Self(value.to_owned()))
    }

    /// The number.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::LetterRef;

    #[test]
    fn a_certificate_number_is_trimmed_letters_digits_and_dashes() {
        assert_eq!(CertificateNo::parse("  FWZ-2026-0001 ").map(CertificateNo::into_inner), Ok("FWZ-2026-0001".into()));
        assert_eq!(CertificateNo::parse("fwz000123").map(|c| c.as_str().to_owned()), Ok("fwz000123".into()));
    }

    #[test]
    fn a_certificate_number_refuses_spaces_chinese_and_punctuation() {
        for bad in ["FWZ 1", "服务证1", "FWZ_1", "FWZ/1", "a\u{0}b"] {
            assert_eq!(CertificateNo::parse(bad), Err(ValueError::CertificateChars), "{bad:?}");
        }
        assert_eq!(CertificateNo::parse("   "), Err(ValueError::Empty));
    }

    #[test]
    fn a_certificate_number_has_at_most_32_characters() {
        assert!(CertificateNo::parse(&"9".repeat(32)).is_ok());
        assert_eq!(CertificateNo::parse(&"9".repeat(33)), Err(ValueError::TooLong { max: 32 }));
    }

    #[test]
    fn a_letter_reference_is_one_line_of_at_most_64_characters() {
        assert_eq!(
            LetterRef::parse(" 钟组介〔2026〕12号 ").map(LetterRef::into_inner),
            Ok("钟组介〔2026〕12号".into())
        );
        assert!(LetterRef::parse(&"函".repeat(64)).is_ok());
        assert_eq!(LetterRef::parse(&"函".repeat(65)), Err(ValueError::TooLong { max: 64 }));
        assert_eq!(LetterRef::parse("第1号\n第2号"), Err(ValueError::ControlCharacter));
        assert_eq!(LetterRef::parse(""), Err(ValueError::Empty));
    }
}
