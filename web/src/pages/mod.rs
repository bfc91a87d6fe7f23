//! The app's pages, by role.

pub mod admin;
pub mod checkins;
pub mod department;
pub mod dispatcher;
pub mod figures;
pub mod inbox;
pub mod member;
pub mod neighbourhood;
pub mod orders;
pub mod resident;
pub mod street;
pub mod volunteer;
pub mod wish;
