//! Ignition: a plan language and engine for sales incentive compensation and sales KPIs.
//!
//! The pipeline: text → [`syntax`] → [`check`] (→ [`ir`]) → [`data`] → [`eval`] → [`report`].

pub mod diagnostics;
pub mod syntax;
pub mod calendar;
pub mod check;
pub mod intern;
pub mod ir;
pub mod types;
