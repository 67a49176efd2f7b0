//! The desktop app, driven headless by role and label (egui_kittest over
//! its AccessKit tree), in German as the coordinators see it.
//!
//! - `handover`: a whole handover between two installations through the
//!   app alone — set up, exchange cards, export, import, confirm — with a
//!   screenshot of every screen, compared against `docs/screenshots/`.
//! - `refusals`: a wrong file, a bundle for another installation, a
//!   second import, an untrusted sender: each shows its German message
//!   and leaves the database as it was.
//! - `access`: keyboard-only use, labels, 125 % and 150 % scaling,
//!   closing the window while an import runs.
//! - `screens`: the other screens' work — a protected installation
//!   unlocked, a handover taken back, a backup made and restored with its
//!   consequences shown first, a contact removed, the import preview
//!   holding the installation, a consent changed after the summary.
//!
//! Rendering needs a Vulkan driver (Mesa's lavapipe in CI, package
//! `mesa-vulkan-drivers`); without one the screenshot tests fail.

mod access;
mod handover;
mod refusals;
mod screens;
mod support;
