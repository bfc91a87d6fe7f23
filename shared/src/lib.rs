//! Haolin's shared crate: the domain model (validated newtypes and the wish and check-in state
//! machines), the names people read for statuses, levels and roles ([`labels`]), and the API
//! types that travel between the server, the web client and outside clients.
//!
//! Nothing here depends on a server crate, so it compiles for `wasm32-unknown-unknown` and the
//! browser validates input with exactly the rules the server enforces.

pub mod api;
pub mod bundles;
pub mod domain;
pub mod inbox;
pub mod labels;
