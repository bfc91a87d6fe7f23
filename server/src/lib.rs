//! The Haolin server: micro-wishes for community grid governance ("群众点单、社区派单、党员接单").
//!
//! `main.rs` only parses the command line; [`startup::Application`] wires everything. Where a rule
//! lives: permissions and scope in [`auth`] (`Caller`), transitions in `haolin_shared::domain`,
//! the workflows around them in [`wishes`], [`checkins`], [`places`] and [`party`], SQL in
//! [`store`], HTTP shapes in [`routes`] and [`views`].

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod checkins;
pub mod demo;
pub mod error;
pub mod events;
pub mod exports;
pub mod extract;
pub mod figures;
pub mod generate;
pub mod homes;
pub mod jobs;
#[cfg(test)]
mod ledger_props;
pub mod metrics;
pub mod notices;
pub mod notify;
pub mod observe;
pub mod open311;
#[cfg(test)]
mod parser_props;
pub mod party;
pub mod photos;
pub mod places;
pub mod property;
pub mod ratelimit;
pub mod redis_conn;
pub mod residents;
pub mod roles;
pub mod routes;
pub mod service_points;
pub mod settings;
pub mod startup;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod time_bank;
pub mod views;
pub mod volunteers;
pub mod web;
pub mod wechat;
pub mod wishes;
pub mod work_orders;
