//! The one progress bar of the binary: stderr only, only on a terminal,
//! never with `--quiet`. A spinner with a message until the total is
//! known, then a byte bar.

use bemx_format::progress::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Draws export and import progress.
pub struct Bar(Option<ProgressBar>);

impl Bar {
    /// A spinner showing `message`, or nothing when `enabled` is false.
    pub fn new(enabled: bool, message: &'static str) -> Self {
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
            if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} ({eta} left)") {
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
            bar.set_message(step);
        }
    }
}

impl std::fmt::Debug for Bar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Bar")
    }
}
