//! Human or JSON output on stdout.
//!
//! Everything on stdout goes through here. A closed pipe (`bemx clients
//! list | head`) ends the output quietly instead of failing.

use std::io::{IsTerminal as _, Write as _};

use anyhow::Context as _;

use crate::i18n::fl;

/// How results are printed.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    json: bool,
    quiet: bool,
}

impl Output {
    /// `--json`, `--quiet`.
    pub fn new(json: bool, quiet: bool) -> Self {
        Self { json, quiet }
    }

    /// Whether `--json` was given: the command prints one JSON document.
    pub fn is_json(&self) -> bool {
        self.json
    }

    /// Whether progress bars may be drawn (stderr is a terminal, no `--quiet`).
    pub fn progress_enabled(&self) -> bool {
        !self.quiet && std::io::stderr().is_terminal()
    }

    /// Prints a result line (text mode only; ignored with `--json`).
    pub fn line(&self, text: impl AsRef<str>) -> anyhow::Result<()> {
        if self.json {
            return Ok(());
        }
        let text = text.as_ref();
        if text.ends_with('\n') { write_stdout(text) } else { write_stdout(&format!("{text}\n")) }
    }

    /// Prints advice about what to do next (text mode, not with `--quiet`).
    pub fn advice(&self, text: impl AsRef<str>) -> anyhow::Result<()> {
        if self.quiet {
            return Ok(());
        }
        self.line(text)
    }

    /// Prints the one JSON document of this command (with `--json` only).
    pub fn json(&self, value: &impl serde::Serialize) -> anyhow::Result<()> {
        if !self.json {
            return Ok(());
        }
        let mut text = serde_json::to_string_pretty(value).with_context(|| fl!("cli-json-encode-failed"))?;
        text.push('\n');
        write_stdout(&text)?;
        JSON_PRINTED.store(true, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// A note for the user on stderr (not with `--quiet`); never part of
    /// the JSON document.
    pub fn note(&self, text: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", text.as_ref());
        }
    }
}

fn write_stdout(text: &str) -> anyhow::Result<()> {
    write_stdout_bytes(text.as_bytes())
}

/// Writes generated output (a completion script, a manual page) to stdout;
/// a reader that stopped early (`| head`) is no error.
pub fn write_stdout_bytes(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.with_context(|| fl!("cli-stdout-write-failed")),
    }
}

/// Formats rows as left-aligned columns under a header.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let mut out = String::new();
    let mut push_row = |cells: &mut dyn Iterator<Item = &str>| {
        let mut line = String::new();
        for (i, cell) in cells.enumerate() {
            let width = widths.get(i).copied().unwrap_or(0);
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', width.saturating_sub(cell.chars().count())));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    };
    push_row(&mut header.iter().copied());
    for row in rows {
        push_row(&mut row.iter().map(String::as_str));
    }
    out
}

/// Set once a JSON document went to stdout: stdout holds one document,
/// so a command that printed its own (`inspect` describes its failure in
/// it) gets no second one for its error.
pub static JSON_PRINTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// A `warning: …` line on stderr (printed even with `--quiet` and `--json`:
/// a warning is not advice).
pub fn warning(text: impl AsRef<str>) {
    eprintln!("{}", fl!("cli-warning-line", warning = text.as_ref()));
}

/// The `hint: …` line that follows an error or a warning.
pub fn hint_line(text: impl AsRef<str>) -> String {
    fl!("cli-hint-line", hint = text.as_ref())
}

/// A date for people: `YYYY-MM-DD` as the language writes it (German
/// `12.03.2026`); anything else as it is.
pub fn date(iso: &str) -> String {
    let mut parts = iso.splitn(3, '-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(year), Some(month), Some(day))
            if year.len() == 4
                && month.len() == 2
                && day.len() == 2
                && iso.chars().all(|c| c.is_ascii_digit() || c == '-') =>
        {
            fl!("cli-date", year = year, month = month, day = day)
        }
        _ => iso.to_owned(),
    }
}

/// A byte count for people: "812 bytes", "1.4 MB".
pub fn bytes(n: u64) -> String {
    bemx_install::space::human_bytes(n)
}
