//! Long work off the UI thread: an export, an import, a backup. The
//! window keeps drawing (and can ask to cancel) while a worker thread runs
//! the same library call the CLI makes; progress arrives through the
//! library's [`Progress`] trait, as the CLI's bar gets it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::{Arc, Mutex};

use bemx_format::progress::Progress;

use crate::Problem;
use crate::i18n::fl;

/// What the progress bar shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shown {
    /// Plaintext bytes that will pass (0: not known yet).
    pub total: u64,
    /// Bytes passed so far.
    pub done: u64,
    /// The step the library named last.
    pub step: Option<&'static str>,
}

impl Shown {
    /// How far, 0.0 to 1.0, if the total is known.
    pub fn fraction(&self) -> Option<f32> {
        (self.total > 0).then(|| (self.done as f64 / self.total as f64).clamp(0.0, 1.0) as f32)
    }
}

/// One piece of work running on its own thread.
#[derive(Debug)]
pub struct Job<T> {
    rx: Receiver<Result<T, Problem>>,
    shown: Arc<Mutex<Shown>>,
    cancel: Arc<AtomicBool>,
}

/// Hands the library's progress to the UI and wakes it.
struct Reporter {
    shown: Arc<Mutex<Shown>>,
    ctx: egui::Context,
}

impl Reporter {
    fn update(&self, f: impl FnOnce(&mut Shown)) {
        // A poisoned lock only means a panic elsewhere; progress is cosmetic.
        if let Ok(mut shown) = self.shown.lock() {
            f(&mut shown);
        }
        self.ctx.request_repaint();
    }
}

impl Progress for Reporter {
    fn start(&mut self, total_bytes: u64) {
        self.update(|s| {
            s.total = total_bytes;
            s.done = 0;
        });
    }
    fn advance(&mut self, bytes: u64) {
        self.update(|s| s.done = s.done.saturating_add(bytes));
    }
    fn step(&mut self, step: &'static str) {
        self.update(|s| s.step = Some(step));
    }
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` on a new thread. It gets the progress sink and the
    /// cancel flag the library calls take.
    pub fn start(
        ctx: &egui::Context,
        work: impl FnOnce(&mut dyn Progress, &AtomicBool) -> Result<T, Problem> + Send + 'static,
    ) -> Self {
        let (tx, rx) = mpsc::channel();
        let shown = Arc::new(Mutex::new(Shown::default()));
        let cancel = Arc::new(AtomicBool::new(false));
        let mut reporter = Reporter { shown: Arc::clone(&shown), ctx: ctx.clone() };
        let flag = Arc::clone(&cancel);
        let wake = ctx.clone();
        std::thread::spawn(move || {
            // A panic in the work is a bug; the window must still learn
            // that the work ended rather than show its progress forever.
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&mut reporter, &flag)))
                .unwrap_or_else(|_| Err(Problem::new(fl!("app-internal-error"), Some(fl!("app-internal-error-hint")))));
            let _ = tx.send(result);
            wake.request_repaint();
        });
        Self { rx, shown, cancel }
    }

    /// The result, once the work has ended.
    pub fn poll(&self) -> Option<Result<T, Problem>> {
        match self.rx.try_recv() {
            Ok(result) => Some(result),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                Some(Err(Problem::new(fl!("app-internal-error"), Some(fl!("app-internal-error-hint")))))
            }
        }
    }

    /// The progress so far.
    pub fn shown(&self) -> Shown {
        self.shown.lock().map(|s| *s).unwrap_or_default()
    }

    /// Asks the work to stop; an export or import then ends cleanly
    /// before its commit, leaving everything as it was.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Whether cancelling was asked for.
    pub fn cancelling(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}
