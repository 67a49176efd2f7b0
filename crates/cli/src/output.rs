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

    /// Starts the one JSON document of this command, an array printed
    /// element by element (with `--json` only).
    pub fn json_array(&self) -> Option<JsonArray> {
        self.json.then(|| JsonArray { out: Stdout::new(), count: 0 })
    }

    /// Prints advice about what to do next (text mode, not with `--quiet`).
    pub fn advice(&self, text: impl AsRef<str>) -> anyhow::Result<()> {
        if self.quiet {
            return Ok(());
        }
        self.line(text)
    }

    /// Prints the one JSON document of this command (with `--json` only),
    /// serialized straight to stdout: a document of 100,000 clients
    /// (`inspect`, 18 MB) is never held as text as well (issue 18, item 5).
    /// A failure before any of it reached stdout leaves stdout empty, for
    /// the error's own document.
    pub fn json(&self, value: &impl serde::Serialize) -> anyhow::Result<()> {
        if !self.json {
            return Ok(());
        }
        let mut out = Stdout::new();
        let written = serde_json::to_writer_pretty(out.writer(), value).map_err(|e| match e.io_error_kind() {
            Some(std::io::ErrorKind::BrokenPipe) => StdoutClosed.into(),
            Some(_) => anyhow::Error::new(e).context(fl!("cli-stdout-write-failed")),
            None => anyhow::Error::new(e).context(fl!("cli-json-encode-failed")),
        });
        quietly_closed(written.and_then(|()| out.write("\n")).and_then(|()| out.finish()))
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
    let mut widths = Widths::of_header(header);
    for row in rows {
        widths.measure(row);
    }
    let mut out = widths.line(header.iter().copied());
    for row in rows {
        out.push_str(&widths.row(row));
    }
    out
}

/// The widths of a table's columns, for a table printed line by line:
/// measured over every row first, so that none has to be held (`clients
/// list` of 100,000 clients, issue 18, item 5).
#[derive(Debug)]
pub struct Widths(Vec<usize>);

impl Widths {
    /// The widths of the header's cells.
    pub fn of_header(header: &[&str]) -> Self {
        Self(header.iter().map(|h| h.chars().count()).collect())
    }

    /// Widens the columns to a row's cells as they will be shown (ids shortened).
    pub fn measure(&mut self, row: &[String]) {
        for (w, cell) in self.0.iter_mut().zip(row) {
            *w = (*w).max(short_ids(cell).chars().count());
        }
    }

    /// A row's line, its cells as shown (ids shortened).
    fn row(&self, cells: &[String]) -> String {
        let shown: Vec<String> = cells.iter().map(|c| short_ids(c)).collect();
        self.line(shown.iter().map(String::as_str))
    }

    /// One line of the table, cells as given, ending in a newline.
    fn line<'c>(&self, cells: impl Iterator<Item = &'c str>) -> String {
        let mut line = String::new();
        for (i, cell) in cells.enumerate() {
            let width = self.0.get(i).copied().unwrap_or(0);
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', width.saturating_sub(cell.chars().count())));
        }
        line.truncate(line.trim_end().len());
        line.push('\n');
        line
    }
}

/// A table printed on stdout line by line, in the columns [`Widths`]
/// measured (text mode only).
#[derive(Debug)]
pub struct TableOut {
    widths: Widths,
    out: Stdout,
}

impl TableOut {
    /// Prints the header.
    pub fn start(widths: Widths, header: &[&str]) -> anyhow::Result<Self> {
        let mut table = Self { widths, out: Stdout::new() };
        table.out.write(&table.widths.line(header.iter().copied()))?;
        Ok(table)
    }

    /// Prints one row; [`StdoutClosed`] once nobody reads any more.
    pub fn row(&mut self, cells: &[String]) -> anyhow::Result<()> {
        self.out.write(&self.widths.row(cells))
    }

    /// Flushes what is left.
    pub fn finish(self) -> anyhow::Result<()> {
        self.out.finish()
    }
}

/// One JSON array on stdout, printed element by element exactly as
/// [`Output::json`] prints a whole array (`--json` only).
#[derive(Debug)]
pub struct JsonArray {
    out: Stdout,
    count: usize,
}

impl JsonArray {
    /// Prints one element; [`StdoutClosed`] once nobody reads any more.
    pub fn push(&mut self, item: &impl serde::Serialize) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(item).with_context(|| fl!("cli-json-encode-failed"))?;
        let element = array_element(self.count == 0, &text);
        self.count += 1;
        self.out.write(&element)
    }

    /// Ends the array.
    pub fn finish(mut self) -> anyhow::Result<()> {
        self.out.write(array_end(self.count == 0))?;
        self.out.finish()
    }
}

/// One element of a pretty-printed array, `item` pretty-printed alone:
/// what comes before it and it, indented one level more.
fn array_element(first: bool, item: &str) -> String {
    let mut element = String::from(if first { "[\n" } else { ",\n" });
    // A JSON text has no raw line break inside a string: every line break
    // is the pretty printer's.
    for (i, line) in item.split('\n').enumerate() {
        if i > 0 {
            element.push('\n');
        }
        element.push_str("  ");
        element.push_str(line);
    }
    element
}

/// The end of a pretty-printed array, and of the document.
fn array_end(empty: bool) -> &'static str {
    if empty { "[]\n" } else { "\n]\n" }
}

/// Returned by [`TableOut::row`] and [`JsonArray::push`] when stdout was
/// closed (`bemx clients list | head`): the command ends early, without
/// an error ([`quietly_closed`]).
#[derive(Debug)]
pub struct StdoutClosed;

impl std::fmt::Display for StdoutClosed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("stdout closed")
    }
}

impl std::error::Error for StdoutClosed {}

/// `result`, with [`StdoutClosed`] counted as success.
pub fn quietly_closed(result: anyhow::Result<()>) -> anyhow::Result<()> {
    match result {
        Err(e) if e.is::<StdoutClosed>() => Ok(()),
        other => other,
    }
}

/// Stdout, buffered, for output written piece by piece. What is still
/// in the buffer when it is dropped unfinished (the command failed) is
/// thrown away: a document that never reached stdout leaves room for the
/// error's (`--json`); one that did is marked printed ([`JSON_PRINTED`]).
#[derive(Debug)]
struct Stdout {
    out: std::io::BufWriter<Reached>,
    finished: bool,
}

impl Stdout {
    fn new() -> Self {
        Self {
            out: std::io::BufWriter::new(Reached { stdout: std::io::stdout().lock(), discard: false }),
            finished: false,
        }
    }

    fn writer(&mut self) -> &mut impl std::io::Write {
        &mut self.out
    }

    fn write(&mut self, text: &str) -> anyhow::Result<()> {
        closed_is_marked(self.out.write_all(text.as_bytes()))
    }

    fn finish(mut self) -> anyhow::Result<()> {
        let flushed = self.out.flush();
        self.finished = true;
        quietly_closed(closed_is_marked(flushed))
    }
}

impl Drop for Stdout {
    fn drop(&mut self) {
        // The buffer's own drop flushes next, into nothing.
        self.out.get_mut().discard |= !self.finished;
    }
}

/// Stdout itself, marking [`JSON_PRINTED`] once a byte got through.
#[derive(Debug)]
struct Reached {
    stdout: std::io::StdoutLock<'static>,
    /// Set when the output is abandoned: nothing more reaches stdout.
    discard: bool,
}

impl std::io::Write for Reached {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.discard {
            return Ok(buf.len());
        }
        let n = self.stdout.write(buf)?;
        if n > 0 {
            JSON_PRINTED.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.discard { Ok(()) } else { self.stdout.flush() }
    }
}

fn closed_is_marked(result: std::io::Result<()>) -> anyhow::Result<()> {
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(StdoutClosed.into()),
        other => other.with_context(|| fl!("cli-stdout-write-failed")),
    }
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

    /// [`super::JsonArray`] prints what one `to_string_pretty` of the
    /// whole array prints, nested values and line breaks in strings too.
    #[test]
    fn an_array_printed_element_by_element_is_the_whole_array() {
        let items = [
            serde_json::json!({"a": 1, "b": [1, 2, {"c": null}], "d": {}}),
            serde_json::json!("two\nlines \"quoted\""),
            serde_json::json!([]),
            serde_json::json!({"e": {"f": [true]}}),
        ];
        for n in 0..=items.len() {
            let mut printed = String::new();
            for (i, item) in items[..n].iter().enumerate() {
                printed.push_str(&super::array_element(i == 0, &serde_json::to_string_pretty(item).unwrap()));
            }
            printed.push_str(super::array_end(n == 0));
            let whole = serde_json::to_string_pretty(&items[..n]).unwrap() + "\n";
            assert_eq!(printed, whole, "{n} elements");
        }
    }

    /// A table printed line by line is the table printed whole.
    #[test]
    fn a_table_printed_line_by_line_lines_up_as_the_whole_table() {
        let id = "0123456789abcdef".repeat(4);
        let rows = vec![
            vec!["Ä-1".to_owned(), id.clone(), "x".to_owned()],
            vec!["a much longer first cell".to_owned(), "-".to_owned(), String::new()],
        ];
        let header = ["A", "Bundle", "C"];
        let mut widths = super::Widths::of_header(&header);
        for row in &rows {
            widths.measure(row);
        }
        let mut lines = widths.line(header.iter().copied());
        for row in &rows {
            lines.push_str(&widths.row(row));
        }
        assert_eq!(lines, super::table(&header, &rows));
        assert_eq!(lines.lines().nth(1), Some("Ä-1                       0123456789ab  x"));
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
