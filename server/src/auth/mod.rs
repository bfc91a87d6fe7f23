//! Who the caller is and what they may do: passwords, tokens, and the [`Caller`] extractor whose
//! methods hold every permission rule that depends on roles and scope.

mod caller;
pub mod password;
pub mod tokens;

pub use caller::{Caller, CallerWithWish, Origin, StreamCaller};
