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
        let text = short_ids(text.as_ref());
        if text.ends_with('\n') { write_stdout(&text) } else { write_stdout(&format!("{text}\n")) }
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
            eprintln!("{}", short_ids(text.as_ref()));
        }
    }
}

/// Human output shows a bundle id (64 hex characters) by its first
/// [`bemx_i18n::SHORT_ID`], which every command that takes an id accepts;
/// `--json` keeps the whole id (issue 15, item 2).
pub fn short_ids(text: &str) -> String {
    let bytes = text.as_bytes();
    let is_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..].iter().take_while(|b| is_hex(**b)).count();
        let bounded = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let after = bytes.get(i + run).is_none_or(|b| !b.is_ascii_alphanumeric());
        if run == 64 && bounded && after {
            out.push_str(&text[i..i + bemx_i18n::SHORT_ID]);
            i += run;
        } else if run > 0 {
            out.push_str(&text[i..i + run]);
            i += run;
        } else {
            // Not hex: copy one whole character.
            let len = text[i..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&text[i..i + len]);
            i += len;
        }
    }
    out
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
    // Cells as they will be shown (ids shortened), so the columns line up.
    let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| short_ids(c)).collect()).collect();
    let rows = rows.as_slice();
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
    eprintln!("{}", fl!("cli-warning-line", warning = short_ids(text.as_ref())));
}

/// The `hint: …` line that follows an error or a warning.
pub fn hint_line(text: impl AsRef<str>) -> String {
    fl!("cli-hint-line", hint = short_ids(text.as_ref()))
}

/// A date for people: `YYYY-MM-DD` as the language writes it (German
/// `12.03.2026`); anything else as it is.
pub fn date(iso: &str) -> String {
    bemx_i18n::date(iso)
}

/// A table or catalogue of the host database as people call it
/// ("Förderanträge", "Katalog: Abteilungen"), from the catalogue's
/// `cli-table-<table>`; a table without a label shows its name.
pub fn table_label(table: &str) -> String {
    let id = format!("cli-table-{}", table.replace('_', "-"));
    let loader = &*crate::i18n::LANGUAGE_LOADER;
    if loader.has(&id) { loader.get(&id) } else { table.to_owned() }
}

/// A byte count for people: "812 bytes", "1.4 MB".
pub fn bytes(n: u64) -> String {
    bemx_install::space::human_bytes(n)
}

#[cfg(test)]
mod tests {
    /// Every table of the reference schema has a label in both languages
    /// (the catalogue test proves the German one exists).
    #[test]
    fn every_reference_table_has_a_label() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let db = bemx_db::Database::create(dir.path().join("x.sqlite"), "01010101-0101-0101-0101-010101010101")
            .unwrap_or_else(|e| panic!("{e}"));
        let specs = bemx_db::stream_tables(db.conn()).unwrap_or_else(|e| panic!("{e}"));
        assert!(specs.len() > 10);
        for t in specs {
            let id = format!("cli-table-{}", t.name.replace('_', "-"));
            assert!(crate::i18n::LANGUAGE_LOADER.has(&id), "{} has no label", t.name);
        }
        assert_eq!(super::table_label("host_table"), "host_table");
    }

    #[test]
    fn only_whole_bundle_ids_are_shortened() {
        let id = "0123456789abcdef".repeat(4);
        assert_eq!(super::short_ids(&format!("bundle {id}: ok")), "bundle 0123456789ab: ok");
        assert_eq!(super::short_ids(&format!("Übergabe {id}.")), "Übergabe 0123456789ab.");
        // Not 64, or part of a longer word: left alone.
        let longer = format!("{id}0");
        assert_eq!(super::short_ids(&longer), longer);
        assert_eq!(super::short_ids(&id[..63]), &id[..63]);
        assert_eq!(super::short_ids(&format!("x{id}")), format!("x{id}"));
        assert_eq!(super::short_ids("ünïcödé 12"), "ünïcödé 12");
    }
}
