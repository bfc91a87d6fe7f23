//! The rotating check-in code an activity's organiser shows at the place: six digits and a QR
//! code that change every `time_bank.code_window` (a minute by default). Both are HMACs of the
//! activity and the window's number under the time bank's key, so every instance computes the same
//! code and nothing is stored. A scan is accepted for the current window and the one before.

use chrono::{DateTime, Utc};
use haolin_shared::domain::time_bank::is_checkin_code;

use super::Signer;

/// How many earlier windows a typed code is still recognised in, to tell "expired" from "wrong".
const RECOGNISED_WINDOWS: i64 = 30;

/// The window `at` falls in.
pub fn window(at: DateTime<Utc>, length_ms: i64) -> i64 {
    at.timestamp_millis().div_euclid(length_ms.max(1))
}

/// The six digits of `activity` in `window`.
pub fn digits(signer: &Signer, activity: i64, window: i64) -> String {
    let mac = signer.mac(&format!("checkin:{activity}:{window}"));
    let n = u32::from_be_bytes([mac[0], mac[1], mac[2], mac[3]]) % 1_000_000;
    format!("{n:06}")
}

/// The QR code's token of `activity` in `window`: `{window}.{signature}`.
pub fn token(signer: &Signer, activity: i64, window: i64) -> String {
    let mac = signer.mac(&format!("checkin-token:{activity}:{window}"));
    let sig: String = mac[..10].iter().map(|b| format!("{b:02x}")).collect();
    format!("{window}.{sig}")
}

/// What a scanned code is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Current (or one window old): accepted.
    Valid,
    /// Genuine but older than that.
    Expired,
    /// Not a code of this activity.
    Wrong,
}

fn equal(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Judges `code` (six digits, or a QR token) for `activity` at `now`.
pub fn verify(signer: &Signer, activity: i64, code: &str, now: i64) -> Verdict {
    let code = code.trim();
    if is_checkin_code(code) {
        if (0..2).any(|back| equal(&digits(signer, activity, now - back), code)) {
            return Verdict::Valid;
        }
        if (2..RECOGNISED_WINDOWS).any(|back| equal(&digits(signer, activity, now - back), code)) {
            return Verdict::Expired;
        }
        return Verdict::Wrong;
    }
    let Some(w) = code.split_once('.').and_then(|(w, _)| w.parse::<i64>().ok()) else { return Verdict::Wrong };
    if !equal(&token(signer, activity, w), code) {
        return Verdict::Wrong;
    }
    if w == now || w == now - 1 {
        Verdict::Valid
    } else if w < now {
        Verdict::Expired
    } else {
        Verdict::Wrong
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_rotate_and_age() {
        let s = Signer::new(b"secret");
        let code = digits(&s, 7, 100);
        assert_eq!(code.len(), 6);
        assert_eq!(verify(&s, 7, &code, 100), Verdict::Valid);
        assert_eq!(verify(&s, 7, &code, 101), Verdict::Valid);
        assert_eq!(verify(&s, 7, &code, 105), Verdict::Expired);
        assert_eq!(verify(&s, 8, &code, 100), Verdict::Wrong);
        let t = token(&s, 7, 100);
        assert_eq!(verify(&s, 7, &t, 101), Verdict::Valid);
        assert_eq!(verify(&s, 7, &t, 102), Verdict::Expired);
        let forged = format!("{}0", &t[..t.len() - 1]);
        assert_ne!(forged, t);
        assert_eq!(verify(&s, 7, &forged.replace(&t[t.len() - 1..], "x"), 100), Verdict::Wrong);
        assert_eq!(verify(&Signer::new(b"other"), 7, &t, 100), Verdict::Wrong);
    }
}
