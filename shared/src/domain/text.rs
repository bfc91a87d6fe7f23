//! Trimmed, length-limited text newtypes.

use super::ValueError;

/// Trims `raw` and checks it against `min..=max` characters with no control characters.
///
/// `allow_newlines` lets multi-line fields keep `\n` (and `\r\n`, normalised to `\n`); every other
/// control character is refused.
///
/// This is the one text rule for everything a person's eyes will read (wish text, people's names,
/// place, unit, household, branch and party-organisation names): invisible characters at either
/// end are trimmed with the spaces, and a text made only of them is empty.
fn parse_text(raw: &str, min: usize, max: usize, allow_newlines: bool) -> Result<String, ValueError> {
    let trimmed = raw.trim_matches(|c: char| c.is_whitespace() || is_invisible(c));
    let text =
        if allow_newlines && trimmed.contains('\r') { trimmed.replace("\r\n", "\n") } else { trimmed.to_owned() };
    if text.chars().any(|c| is_forbidden_control(c) && !(allow_newlines && c == '\n')) {
        return Err(ValueError::ControlCharacter);
    }
    let count = text.chars().count();
    if count == 0 {
        return Err(ValueError::Empty);
    }
    if count < min {
        return Err(ValueError::TooShort { min });
    }
    if count > max {
        return Err(ValueError::TooLong { max });
    }
    Ok(text)
}

/// The text rule for a field without a newtype of its own: 1–`max` characters after trimming,
/// line breaks only when `multiline`.
pub fn parse_text_field(raw: &str, max: usize, multiline: bool) -> Result<String, ValueError> {
    parse_text(raw, 1, max, multiline)
}

/// Control characters (C0, DEL, C1) and the Unicode line/paragraph separators and bidi embeddings,
/// overrides and isolates, which render invisibly and are used to disguise text.
fn is_forbidden_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that take no visible space: zero-width spaces and joiners, directional marks, the
/// word joiner and invisible operators, the byte-order mark, the soft hyphen and the Hangul fillers.
/// Allowed inside text (joiners shape some scripts and emoji) but never all of it.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2060}'..='\u{2064}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
    )
}

macro_rules! text_newtype {
    ($(#[$doc:meta])* $name:ident, min = $min:expr, max = $max:expr, multiline = $ml:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// The most characters the value may have after trimming.
            pub const MAX_CHARS: usize = $max;

            /// Trims and validates `raw`.
            pub fn parse(raw: &str) -> Result<Self, ValueError> {
                parse_text(raw, $min, $max, $ml).map(Self)
            }

            /// The validated text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The validated text, owned.
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

text_newtype!(
    /// A wish's title: 1–50 characters on one line.
    WishTitle, min = 1, max = 50, multiline = false
);
text_newtype!(
    /// A wish's description: 1–1000 characters; line breaks allowed.
    WishDescription, min = 1, max = 1000, multiline = true
);
text_newtype!(
    /// The reason given for a rejection, release, revocation, dispute or cancellation: 1–500 characters.
    Reason, min = 1, max = 500, multiline = true
);
text_newtype!(
    /// The note a member leaves when fulfilling a wish: 1–500 characters.
    Note, min = 1, max = 500, multiline = true
);
text_newtype!(
    /// A resident's comment with their rating: 1–500 characters.
    Comment, min = 1, max = 500, multiline = true
);
text_newtype!(
    /// An introduction letter's reference (介绍信, e.g. `钟组介〔2026〕12号`): 1–64 characters on one line.
    LetterRef, min = 1, max = 64, multiline = false
);
text_newtype!(
    /// A person's display name: 1–30 characters on one line.
    PersonName, min = 1, max = 30, multiline = false
);
text_newtype!(
    /// A notice's title (通知公告): 1–50 characters on one line.
    NoticeTitle, min = 1, max = 50, multiline = false
);
text_newtype!(
    /// A notice's text: 1–2000 characters; line breaks allowed.
    NoticeText, min = 1, max = 2000, multiline = true
);
text_newtype!(
    /// The name of a place (a community, grid or ten-household unit), of a household in a unit, of a
    /// work-unit party branch or of a party organisation: 1–50 characters on one line.
    PlaceName, min = 1, max = 50, multiline = false
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_trimmed() {
        assert_eq!(WishTitle::parse("  买菜  ").map(WishTitle::into_inner), Ok("买菜".to_owned()));
    }

    #[test]
    fn a_title_of_only_spaces_is_empty() {
        assert_eq!(WishTitle::parse(" \t "), Err(ValueError::Empty));
    }

    #[test]
    fn a_title_counts_characters_not_bytes() {
        assert!(WishTitle::parse(&"好".repeat(50)).is_ok());
        assert_eq!(WishTitle::parse(&"好".repeat(51)), Err(ValueError::TooLong { max: 50 }));
    }

    #[test]
    fn a_title_may_not_hold_a_newline_but_a_description_may() {
        assert_eq!(WishTitle::parse("a\nb"), Err(ValueError::ControlCharacter));
        assert_eq!(WishDescription::parse("a\r\nb").map(WishDescription::into_inner), Ok("a\nb".to_owned()));
    }

    #[test]
    fn control_characters_are_refused_everywhere() {
        for bad in ["a\u{0}b", "a\u{7}b", "a\u{7f}b", "a\u{85}b", "a\u{2028}b", "a\u{202e}b"] {
            assert_eq!(WishDescription::parse(bad), Err(ValueError::ControlCharacter), "{bad:?}");
        }
    }

    #[test]
    fn text_made_only_of_invisible_characters_is_empty() {
        for bad in ["\u{200B}", " \u{200B}\u{FEFF} ", "\u{2060}", "\u{00AD}", "\u{3164}"] {
            assert_eq!(WishTitle::parse(bad), Err(ValueError::Empty), "{bad:?}");
            assert_eq!(PlaceName::parse(bad), Err(ValueError::Empty), "{bad:?}");
            assert_eq!(PersonName::parse(bad), Err(ValueError::Empty), "{bad:?}");
        }
        assert_eq!(WishTitle::parse("\u{200B}买菜\u{200B}").map(WishTitle::into_inner), Ok("买菜".to_owned()));
        // A joiner inside text is kept (emoji sequences need it).
        assert!(WishTitle::parse("👨\u{200D}👩").is_ok());
    }

    #[test]
    fn every_name_refuses_what_wish_text_refuses() {
        for bad in ["a\u{202E}b", "a\u{2066}b", "a\u{2028}b", "a\nb", "a\u{0}b", "a\u{85}b"] {
            assert_eq!(PlaceName::parse(bad), Err(ValueError::ControlCharacter), "{bad:?}");
            assert_eq!(PersonName::parse(bad), Err(ValueError::ControlCharacter), "{bad:?}");
            assert_eq!(WishTitle::parse(bad), Err(ValueError::ControlCharacter), "{bad:?}");
        }
        assert!(PlaceName::parse(&"网".repeat(50)).is_ok());
        assert_eq!(PlaceName::parse(&"网".repeat(51)), Err(ValueError::TooLong { max: 50 }));
    }

    #[test]
    fn a_description_allows_a_thousand_characters() {
        assert!(WishDescription::parse(&"字".repeat(1000)).is_ok());
        assert_eq!(WishDescription::parse(&"字".repeat(1001)), Err(ValueError::TooLong { max: 1000 }));
    }
}

/// A new account password: 8–128 characters, kept exactly as typed (never trimmed).
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    /// The fewest characters allowed.
    pub const MIN_CHARS: usize = 8;
    /// The most characters allowed.
    pub const MAX_CHARS: usize = 128;

    /// Checks the length of `raw`.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        match raw.chars().count() {
            0 => Err(ValueError::Empty),
            n if n < Self::MIN_CHARS => Err(ValueError::TooShort { min: Self::MIN_CHARS }),
            n if n > Self::MAX_CHARS => Err(ValueError::TooLong { max: Self::MAX_CHARS }),
            _ => Ok(Self(raw.to_owned())),
        }
    }

    /// The password.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod password_tests {
    use super::*;

    #[test]
    fn a_password_needs_eight_to_128_characters_and_keeps_its_spaces() {
        assert_eq!(NewPassword::parse("short").err(), Some(ValueError::TooShort { min: 8 }));
        assert_eq!(NewPassword::parse(&"x".repeat(129)).err(), Some(ValueError::TooLong { max: 128 }));
        assert_eq!(NewPassword::parse(" 8 chars").map(|p| p.expose().to_owned()).ok(), Some(" 8 chars".to_owned()));
    }
}
