//! The black-box API suite: every test starts the real `haolin` binary (tests/src) and talks to it
//! over HTTP. One test binary with a module per area, so a change links once.
//!
//! `clippy.toml` allows `unwrap` and `expect` in tests; clippy counts as tests the `#[test]`
//! functions and whatever sits under `cfg(test)`. The crate-level `cfg(test)` below (always true in
//! a test binary) puts the modules' helper functions there too.
#![cfg(test)]

mod accounts;
mod audit;
mod auth;
mod checkin_rules;
mod checkins;
mod cluster;
mod communities;
mod concurrency;
mod content_check;
mod demo;
mod events_stream;
mod exports;
mod figures;
mod generator;
mod health;
mod homes;
mod idempotency;
mod input_validation;
mod jobs;
mod notices;
mod notifications;
mod open311;
mod openapi;
mod operations;
mod pagination;
mod party_orgs;
mod permissions;
mod photos;
mod places;
mod places_import;
mod points;
mod property;
mod rate_limits;
mod scoped_roles;
mod shutdown;
mod time_bank;
mod trust;
mod visibility;
mod volunteers;
mod wechat_cluster;
mod wechat_login;
mod wechat_messages;
mod wishes_lifecycle;
mod wishes_refusals;
mod work_orders;
