//! The app's pages, by role.

pub mod auth;
pub mod dispatcher;
pub mod member;
pub mod resident;
pub mod wish;
