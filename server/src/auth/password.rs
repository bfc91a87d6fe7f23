//! Password hashing with argon2id, off the async executor.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};

use std::sync::OnceLock;

use tokio::sync::Semaphore;

use haolin_shared::domain::NewPassword;

use crate::error::ApiError;

/// At most one hash per core at a time: a burst of logins queues instead of starving every other
/// request of CPU.
fn hashing_slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(2, usize::from)))
}

/// Runs one argon2 computation on the blocking pool, within the hashing slots.
async fn with_slot<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    let _slot = hashing_slots().acquire().await.map_err(|_| ApiError::internal())?;
    tokio::task::spawn_blocking(work).await.map_err(|_| ApiError::internal())
}

/// A valid hash of a password nobody has, verified against when the phone number is unknown so
/// that a wrong phone and a wrong password take the same time.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$HbGWi8gXRCMzeTrGzFoq0Rx9QHsgHVeE1d7N9iRPUXw";

/// Hashes a password (argon2id, default parameters) into a PHC string.
pub async fn hash(password: String) -> Result<String, ApiError> {
    with_slot(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await?
    .map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        ApiError::internal()
    })
}

/// Checks a password against a stored PHC string; `None` checks against a decoy and fails.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    with_slot(move || {
        let known = stored.is_some();
        let phc = stored.unwrap_or_else(|| DECOY_HASH.to_owned());
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return false;
        };
        Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok() && known
    })
    .await
}

/// Checks a new password with the shared rule (8–128 characters).
pub fn check_new(password: &str) -> Result<(), ApiError> {
    NewPassword::parse(password).map(|_| ()).map_err(|e| ApiError::invalid_value("password", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decoy_is_a_real_argon2_hash_so_unknown_phones_cost_the_same() {
        assert!(PasswordHash::new(DECOY_HASH).is_ok());
    }

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash("correct horse".to_owned()).await.map_err(|e| e.to_string());
        let hash = hash.unwrap_or_default();
        assert_eq!(verify("correct horse".to_owned(), Some(hash.clone())).await.ok(), Some(true));
        assert_eq!(verify("wrong horse".to_owned(), Some(hash)).await.ok(), Some(false));
        assert_eq!(verify("correct horse".to_owned(), None).await.ok(), Some(false));
    }
}
