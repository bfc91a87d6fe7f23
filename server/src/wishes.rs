//! The wish workflow: posting a wish ([`post`]) and every action on it ([`act`]), by a person or
//! by a job. Handlers parse the request into the inputs here and render what comes back; the
//! rules (limits, idempotency, place, content check, notices, the state machine) are here.

mod actions;
pub mod post;

pub use actions::{ActionInput, Actor, act, act_on, auto_confirm, expire_claims};
pub(crate) use actions::{plan, publish};
pub use post::{Posted, Posting, post};
