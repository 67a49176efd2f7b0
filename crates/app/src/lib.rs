//! bemx desktop app: the handover assistant for BEM coordinators.
//!
//! A window in front of the same library calls the `bemx` command makes
//! (see [`ops`]): it keeps no bookkeeping of its own, so a handover started
//! in one can be finished in the other. The window is drawn by egui; the
//! binary (`main.rs`) opens it with eframe, the tests drive it headless
//! with egui_kittest by role and label.
#![forbid(unsafe_code)]

pub mod app;
pub mod demo;
mod drives;
pub mod i18n;
mod job;
pub mod ops;
mod problem;

pub use app::{App, Notice, Screen};
pub use problem::Problem;

/// Every crate's catalogue: the app shows their messages (errors above all).
pub const CATALOGUES: [fn(bemx_i18n::Lang); 9] = [
    crate::i18n::use_language,
    bemx_format::i18n::use_language,
    bemx_identity::i18n::use_language,
    bemx_db::i18n::use_language,
    bemx_demo::i18n::use_language,
    bemx_install::i18n::use_language,
    bemx_pack::i18n::use_language,
    bemx_unpack::i18n::use_language,
    bemx_import::i18n::use_language,
];

/// Window size the app opens with, and the tests render at.
pub const WINDOW_SIZE: [f32; 2] = [1100.0, 760.0];
