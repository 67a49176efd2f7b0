//! The one progress bar of the binary: stderr only, only on a terminal,
//! never with `--quiet`. A spinner with a message until the total is
//! known, then a byte bar.

use std::borrow::Cow;

use bemx_format::progress::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::i18n::fl;

/// Draws export and import progress.
pub struct Bar(Option<ProgressBar>);

impl Bar {
    /// A spinner showing `message` (a text of the catalogue, or a fixed
    /// one), or nothing when `enabled` is false.
    pub fn new(enabled: bool, message: impl Into<Cow<'static, str>>) -> Self {
        if !enabled {
            return Self(None);
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
            bar.set_style(style);
        }
        bar.set_message(message);
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Self(Some(bar))
    }

    /// Removes the bar from the terminal.
    pub fn finish(&mut self) {
        if let Some(bar) = self.0.take() {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn start(&mut self, total_bytes: u64) {
        if let Some(bar) = &self.0 {
            bar.set_length(total_bytes);
            bar.set_position(0);
            // indicatif fills in `{eta}`: the catalogue only places it.
            let eta = fl!("cli-progress-eta", eta = "{eta}");
            let template = format!("{{msg}} [{{bar:30}}] {{bytes}}/{{total_bytes}} ({eta})");
            if let Ok(style) = ProgressStyle::with_template(&template) {
                bar.set_style(style.progress_chars("=> "));
            }
        }
    }

    fn advance(&mut self, bytes: u64) {
        if let Some(bar) = &self.0 {
            bar.inc(bytes);
        }
    }

    fn step(&mut self, step: &'static str) {
        if let Some(bar) = &self.0 {
            bar.set_message(step_label(step));
        }
    }
}

/// The label of a step the library crates name (in English, as keys); a
/// step not listed here is shown as named.
fn step_label(step: &'static str) -> Cow<'static, str> {
    match step {
        "safety backup" => fl!("cli-step-safety-backup").into(),
        "merge" => fl!("cli-step-merge").into(),
        "commit" => fl!("cli-step-commit").into(),
        "receipt" => fl!("cli-step-receipt").into(),
        "writing the bundle" => fl!("cli-step-writing-the-bundle").into(),
        other => other.into(),
    }
}

impl std::fmt::Debug for Bar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Bar")
    }
}
