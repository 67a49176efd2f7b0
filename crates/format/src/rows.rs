//! §7: table entries, a CBOR sequence (RFC 8742) of one header followed by
//! one array per row.
//!
//! Header: `{"name": tstr, "columns": [[name, role], …]}`. Roles are text:
//! `"pk"` (the sender's local integer key), `"ref:<table>"` (a sender key of
//! a row in another carried table), `"cat:<table>"` (a catalogue code, text),
//! `"blob"` (the byte length of a blob carried as its own entry), `"value"`.
//! Row values are null, integers (major types 0/1), float64 (0xfb), text or
//! byte strings. Encodings are definite-length and shortest-form; the reader
//! refuses anything else and caps every length before allocating.

use std::io::{self, BufRead, Write};

pub use crate::entry::Role;
use crate::error::FormatError;
use crate::i18n::fl;
use crate::manifest::is_identifier;

/// Most columns a table may have.
pub const MAX_COLUMNS: usize = 128;
/// Longest single text or byte value in a row (documents travel as blobs).
pub const MAX_VALUE_LEN: u64 = 16 * 1024 * 1024;

/// One SQL value as it travels in a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// A 64-bit signed integer.
    Integer(i64),
    /// A 64-bit float.
    Real(f64),
    /// UTF-8 text.
    Text(String),
    /// Bytes.
    Bytes(Vec<u8>),
}

/// One value borrowed from where it was read: what a writer encodes
/// without copying it into a [`Value`] first (the export reads millions).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    /// SQL NULL.
    Null,
    /// A 64-bit signed integer.
    Integer(i64),
    /// A 64-bit float.
    Real(f64),
    /// UTF-8 text.
    Text(&'a str),
    /// Bytes.
    Bytes(&'a [u8]),
}

impl Value {
    /// The value, borrowed.
    pub fn as_value_ref(&self) -> ValueRef<'_> {
        match self {
            Value::Null => ValueRef::Null,
            Value::Integer(i) => ValueRef::Integer(*i),
            Value::Real(f) => ValueRef::Real(*f),
            Value::Text(s) => ValueRef::Text(s),
            Value::Bytes(b) => ValueRef::Bytes(b),
        }
    }
}

impl ValueRef<'_> {
    /// The value, owned.
    pub fn to_value(self) -> Value {
        match self {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Integer(i),
            ValueRef::Real(f) => Value::Real(f),
            ValueRef::Text(s) => Value::Text(s.to_owned()),
            ValueRef::Bytes(b) => Value::Bytes(b.to_vec()),
        }
    }
}

/// A column of a table entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Column name.
    pub name: String,
    /// The column's role, see the module documentation.
    pub role: Role,
}

/// The first item of a table entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableHeader {
    /// Table name.
    pub name: String,
    /// Columns in row order.
    pub columns: Vec<Column>,
}

fn head(out: &mut Vec<u8>, major: u8, arg: u64) {
    // The major type fills the top three bits, the additional information
    // the low five: `+` and `|` agree here, and `+` is what a test can tell
    // from its mutations.
    let m = major << 5;
    match arg {
        0..=23 => out.push(m + arg as u8),
        24..=0xff => out.extend_from_slice(&[m + 24, arg as u8]),
        0x100..=0xffff => {
            out.push(m + 25);
            out.extend_from_slice(&(arg as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m + 26);
            out.extend_from_slice(&(arg as u32).to_be_bytes());
        }
        _ => {
            out.push(m + 27);
            out.extend_from_slice(&arg.to_be_bytes());
        }
    }
}

fn text(out: &mut Vec<u8>, s: &str) {
    head(out, 3, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// Encodes one value (shortest form) onto `out`.
pub fn encode_value(out: &mut Vec<u8>, v: &Value) {
    encode_value_ref(out, v.as_value_ref());
}

/// [`encode_value`] of a borrowed value.
pub fn encode_value_ref(out: &mut Vec<u8>, v: ValueRef<'_>) {
    match v {
        ValueRef::Null => out.push(0xf6),
        ValueRef::Integer(i) if i >= 0 => head(out, 0, i as u64),
        ValueRef::Integer(i) => head(out, 1, !i as u64),
        ValueRef::Real(f) => {
            out.push(0xfb);
            out.extend_from_slice(&f.to_be_bytes());
        }
        ValueRef::Text(s) => text(out, s),
        ValueRef::Bytes(b) => {
            head(out, 2, b.len() as u64);
            out.extend_from_slice(b);
        }
    }
}

/// Encodes a table header.
pub fn encode_header(h: &TableHeader) -> Result<Vec<u8>, FormatError> {
    if !is_identifier(&h.name) || h.columns.is_empty() || h.columns.len() > MAX_COLUMNS {
        return Err(FormatError::rows(fl!("format-rows-bad-header", table = format!("{:?}", h.name))));
    }
    let mut out = Vec::new();
    head(&mut out, 5, 2);
    text(&mut out, "name");
    text(&mut out, &h.name);
    text(&mut out, "columns");
    head(&mut out, 4, h.columns.len() as u64);
    for c in &h.columns {
        // A Role is valid by construction, but its table name is only
        // checked by the parser: a writer could build Ref("Bad Name").
        if !is_identifier(&c.name) || Role::parse(&c.role.to_string()).as_ref() != Some(&c.role) {
            return Err(FormatError::rows(fl!(
                "format-rows-bad-column",
                column = format!("{:?}", c.name),
                role = c.role.to_string()
            )));
        }
        head(&mut out, 4, 2);
        text(&mut out, &c.name);
        text(&mut out, &c.role.to_string());
    }
    Ok(out)
}

/// Encodes one row; the caller guarantees the arity matches the header.
pub fn encode_row(values: &[Value]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 * values.len());
    head(&mut out, 4, values.len() as u64);
    for v in values {
        encode_value(&mut out, v);
    }
    out
}

/// Appends one row of borrowed values to `out`, which the caller reuses
/// from row to row; the caller guarantees the arity matches the header.
pub fn encode_row_ref(out: &mut Vec<u8>, values: &[ValueRef<'_>]) {
    head(out, 4, values.len() as u64);
    for v in values {
        encode_value_ref(out, *v);
    }
}

/// Writes a table entry: header, then rows.
#[derive(Debug)]
pub struct RowWriter<W: Write> {
    out: W,
    arity: usize,
    buf: Vec<u8>,
}

impl<W: Write> RowWriter<W> {
    /// Writes the header.
    pub fn new(mut out: W, header: &TableHeader) -> Result<Self, FormatError> {
        out.write_all(&encode_header(header)?)?;
        Ok(Self { out, arity: header.columns.len(), buf: Vec::new() })
    }

    /// Writes one row.
    pub fn row(&mut self, values: &[Value]) -> Result<(), FormatError> {
        if values.len() != self.arity {
            return Err(FormatError::rows(fl!(
                "format-rows-arity",
                values = values.len().to_string(),
                columns = self.arity.to_string()
            )));
        }
        self.buf.clear();
        head(&mut self.buf, 4, values.len() as u64);
        for v in values {
            encode_value(&mut self.buf, v);
        }
        self.out.write_all(&self.buf)?;
        Ok(())
    }

    /// Returns the inner writer. Nothing is buffered, so this only hands it back.
    pub fn finish(self) -> W {
        self.out
    }
}

/// Reads a table entry from a stream bounded by its entry size. The
/// stream is buffered (`BufRead`): a row wholly in the buffer is decoded
/// there, one that straddles a refill through the stream.
#[derive(Debug)]
pub struct RowReader<R: BufRead> {
    input: R,
    header: TableHeader,
}

// The errors of the row decoder's hot paths, out of line: building a
// localised message is code the per-value loops should not carry
// (issue 18, item 2).

#[cold]
fn row_ends_early() -> FormatError {
    FormatError::rows(fl!("format-rows-row-ends-early"))
}

#[cold]
fn value_ends_early() -> FormatError {
    FormatError::rows(fl!("format-rows-value-ends-early"))
}

#[cold]
fn not_shortest() -> FormatError {
    FormatError::rows(fl!("format-rows-not-shortest"))
}

#[cold]
fn indefinite() -> FormatError {
    FormatError::rows(fl!("format-rows-indefinite"))
}

#[cold]
fn integer_range() -> FormatError {
    FormatError::rows(fl!("format-rows-integer-range"))
}

#[cold]
fn not_utf8() -> FormatError {
    FormatError::rows(fl!("format-rows-not-utf8"))
}

/// Hands `f` the input's buffered bytes (refilled when none are left, so
/// empty only at the end of input) and consumes as many as it returns.
/// Rows are read from the buffer, not through a `Read` call per value:
/// verifying row-heavy data spent most of its time in those calls
/// (issue 18, item 2).
fn buffered<R: BufRead, T>(r: &mut R, f: impl FnOnce(&[u8]) -> (usize, T)) -> Result<T, FormatError> {
    let bytes = loop {
        match r.fill_buf() {
            Ok(bytes) => break bytes,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(FormatError::from_read(e, crate::Part::Archive)),
        }
    };
    let (used, out) = f(bytes);
    r.consume(used);
    Ok(out)
}

/// Reads exactly one byte, or `None` at a clean end of input.
fn read_byte_opt<R: BufRead>(r: &mut R) -> Result<Option<u8>, FormatError> {
    buffered(r, |bytes| match bytes {
        [first, ..] => (1, Some(*first)),
        [] => (0, None),
    })
}

/// Appends the next `len` bytes of `r` to `out`, as they arrive: a large
/// declared length in a short entry costs only the bytes that are there.
/// The caller has capped `len`.
fn gather<R: BufRead>(r: &mut R, len: u64, out: &mut Vec<u8>) -> Result<(), FormatError> {
    let mut left = len;
    while left > 0 {
        let got = buffered(r, |bytes| {
            let n = bytes.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            out.extend_from_slice(&bytes[..n]);
            (n, n)
        })?;
        if got == 0 {
            return Err(value_ends_early());
        }
        left -= got as u64;
    }
    Ok(())
}

/// Checks the next `len` bytes of `r` without keeping them: UTF-8 if
/// `text`. A value wholly in the buffer (nearly all) is checked there;
/// one that straddles a refill is gathered in `scratch` first.
fn skip_value<R: BufRead>(r: &mut R, len: u64, text: bool, scratch: &mut Vec<u8>) -> Result<(), FormatError> {
    // An empty value reads nothing, as `next_row` reads nothing for it: a
    // read here could meet the end of the input, or an error, that
    // `next_row` would meet only at the next row.
    if len == 0 {
        return Ok(());
    }
    // Most text is ASCII, which `is_ascii` checks a word at a time; the
    // rest (German text) simdutf8 checks several times faster than
    // `str::from_utf8`. A test holds it to the standard library's answer.
    let valid = |v: &[u8]| !text || v.is_ascii() || simdutf8::basic::from_utf8(v).is_ok();
    let in_buffer = buffered(r, |bytes| match usize::try_from(len).ok().and_then(|n| bytes.get(..n)) {
        Some(v) => (v.len(), Some(valid(v))),
        None => (0, None),
    })?;
    let ok = match in_buffer {
        Some(ok) => ok,
        None => {
            scratch.clear();
            gather(r, len, scratch)?;
            valid(scratch)
        }
    };
    if ok { Ok(()) } else { Err(not_utf8()) }
}

fn read_exact<R: BufRead>(r: &mut R, buf: &mut [u8]) -> Result<(), FormatError> {
    r.read_exact(buf).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => row_ends_early(),
        _ => FormatError::from_read(e, crate::Part::Archive),
    })
}

/// Reads a head whose first byte is `first`: (major, argument), shortest form only.
#[inline(always)]
fn read_head_after<R: BufRead>(r: &mut R, first: u8) -> Result<(u8, u64), FormatError> {
    let major = first >> 5;
    let ai = first & 0x1f;
    let arg = match ai {
        0..=23 => u64::from(ai),
        24..=27 => {
            let n = 1usize << (ai - 24);
            let mut b = [0u8; 8];
            read_exact(r, &mut b[8 - n..])?;
            let v = u64::from_be_bytes(b);
            let min = match ai {
                24 => 24,
                25 => 0x100,
                26 => 0x1_0000,
                _ => 0x1_0000_0000,
            };
            // Float64 (major 7, ai 27) carries bits, not a length: no minimum.
            if v < min && major != 7 {
                return Err(not_shortest());
            }
            v
        }
        _ => return Err(indefinite()),
    };
    Ok((major, arg))
}

fn read_head<R: BufRead>(r: &mut R) -> Result<(u8, u64), FormatError> {
    let first = read_byte_opt(r)?.ok_or_else(row_ends_early)?;
    read_head_after(r, first)
}

fn read_bytes<R: BufRead>(r: &mut R, len: u64) -> Result<Vec<u8>, FormatError> {
    if len > MAX_VALUE_LEN {
        return Err(FormatError::Limit { what: "row value length", value: len, limit: MAX_VALUE_LEN });
    }
    // Grown as bytes arrive (a value wholly in the reader's buffer, nearly
    // every one, in one exact allocation), so a large declared length in a
    // short entry costs only the bytes that are there.
    let mut buf = Vec::new();
    gather(r, len, &mut buf)?;
    Ok(buf)
}

fn read_text<R: BufRead>(r: &mut R) -> Result<String, FormatError> {
    match read_head(r)? {
        (3, len) => String::from_utf8(read_bytes(r, len)?).map_err(|_| not_utf8()),
        _ => Err(FormatError::rows(fl!("format-rows-expected-text"))),
    }
}

fn read_value_after<R: BufRead>(r: &mut R, first: u8) -> Result<Value, FormatError> {
    if first == 0xf6 {
        return Ok(Value::Null);
    }
    match read_head_after(r, first)? {
        (0, n) => i64::try_from(n).map(Value::Integer).map_err(|_| integer_range()),
        (1, n) => i64::try_from(n).map(|n| Value::Integer(!n)).map_err(|_| integer_range()),
        (2, len) => read_bytes(r, len).map(Value::Bytes),
        (3, len) => String::from_utf8(read_bytes(r, len)?).map(Value::Text).map_err(|_| not_utf8()),
        (7, bits) if first == 0xfb => Ok(Value::Real(f64::from_bits(bits))),
        (major, _) => Err(FormatError::rows(fl!("format-rows-unsupported-item", major = major.to_string()))),
    }
}

/// What [`from_buffer`] found.
enum Buffered<T> {
    /// The row, read from the buffer and consumed.
    Row(T),
    /// The end of the input: nothing is buffered and nothing more comes.
    End,
    /// The row is not wholly in the buffer, or is not valid: nothing was
    /// consumed.
    Slow,
}

/// Reads one row from the input's buffered bytes when it is wholly there
/// (nearly always: rows are small, the buffer 64 KiB), without a call into
/// the input per value. When the row is not all there or is not valid,
/// nothing is consumed and the caller reads it from the input as before,
/// which decides what is wrong: both paths decide alike by construction
/// (issue 18, item 2).
fn from_buffer<R: BufRead, T>(
    r: &mut R,
    read: impl FnOnce(&mut &[u8]) -> Result<T, FormatError>,
) -> Result<Buffered<T>, FormatError> {
    buffered(r, |bytes| {
        if bytes.is_empty() {
            return (0, Buffered::End);
        }
        let mut rest = bytes;
        match read(&mut rest) {
            Ok(out) => (bytes.len() - rest.len(), Buffered::Row(out)),
            Err(_) => (0, Buffered::Slow),
        }
    })
}

/// Reads a row's array head and checks its arity; `None` at the end.
fn row_head<R: BufRead>(r: &mut R, header: &TableHeader) -> Result<Option<u64>, FormatError> {
    let Some(first) = read_byte_opt(r)? else { return Ok(None) };
    let (major, n) = read_head_after(r, first)?;
    if major != 4 || n != header.columns.len() as u64 {
        return Err(FormatError::rows(fl!(
            "format-rows-row-shape",
            table = header.name.as_str(),
            columns = header.columns.len().to_string()
        )));
    }
    Ok(Some(n))
}

/// [`RowReader::next_row`] from `r`.
fn next_row_from<R: BufRead>(r: &mut R, header: &TableHeader) -> Result<Option<Vec<Value>>, FormatError> {
    let Some(n) = row_head(r, header)? else { return Ok(None) };
    let mut row = Vec::with_capacity(header.columns.len());
    for _ in 0..n {
        let first = read_byte_opt(r)?.ok_or_else(row_ends_early)?;
        row.push(read_value_after(r, first)?);
    }
    Ok(Some(row))
}

/// [`RowReader::skip_row`] from `r`.
fn skip_row_from<R: BufRead>(r: &mut R, header: &TableHeader, scratch: &mut Vec<u8>) -> Result<bool, FormatError> {
    let Some(n) = row_head(r, header)? else { return Ok(false) };
    for _ in 0..n {
        let first = read_byte_opt(r)?.ok_or_else(row_ends_early)?;
        if first == 0xf6 {
            continue;
        }
        match read_head_after(r, first)? {
            (0, n) | (1, n) if i64::try_from(n).is_ok() => {}
            (0 | 1, _) => return Err(integer_range()),
            (major @ (2 | 3), len) => {
                if len > MAX_VALUE_LEN {
                    return Err(FormatError::Limit { what: "row value length", value: len, limit: MAX_VALUE_LEN });
                }
                skip_value(r, len, major == 3, scratch)?;
            }
            (7, _) if first == 0xfb => {}
            (major, _) => {
                return Err(FormatError::rows(fl!("format-rows-unsupported-item", major = major.to_string())));
            }
        }
    }
    Ok(true)
}

impl<R: BufRead> RowReader<R> {
    /// Reads and checks the header.
    pub fn new(mut input: R) -> Result<Self, FormatError> {
        if read_head(&mut input)? != (5, 2) || read_text(&mut input)? != "name" {
            return Err(FormatError::rows(fl!("format-rows-header-shape")));
        }
        let name = read_text(&mut input)?;
        if read_text(&mut input)? != "columns" {
            return Err(FormatError::rows(fl!("format-rows-header-shape")));
        }
        let n = match read_head(&mut input)? {
            (4, n) if (1..=MAX_COLUMNS as u64).contains(&n) => n as usize,
            _ => return Err(FormatError::rows(fl!("format-rows-columns"))),
        };
        let mut columns = Vec::with_capacity(n);
        for _ in 0..n {
            if read_head(&mut input)? != (4, 2) {
                return Err(FormatError::rows(fl!("format-rows-column-shape")));
            }
            let name = read_text(&mut input)?;
            let role_text = read_text(&mut input)?;
            let role = Role::parse(&role_text).ok_or_else(|| {
                FormatError::rows(fl!(
                    "format-rows-bad-column",
                    column = format!("{name:?}"),
                    role = format!("{role_text:?}")
                ))
            })?;
            columns.push(Column { name, role });
        }
        let header = TableHeader { name, columns };
        // Re-validate through the encoder's rules so reader and writer agree.
        encode_header(&header)?;
        Ok(Self { input, header })
    }

    /// The header read by [`RowReader::new`].
    pub fn header(&self) -> &TableHeader {
        &self.header
    }

    /// The input, for a caller that must read the rest after an error.
    pub fn input_mut(&mut self) -> &mut R {
        &mut self.input
    }

    /// The next row, or `None` at the end of the entry.
    pub fn next_row(&mut self) -> Result<Option<Vec<Value>>, FormatError> {
        let header = &self.header;
        match from_buffer(&mut self.input, |bytes| next_row_from(bytes, header))? {
            Buffered::Row(row) => Ok(row),
            Buffered::End => Ok(None),
            Buffered::Slow => next_row_from(&mut self.input, header),
        }
    }

    /// Checks the next row as [`RowReader::next_row`] does — arity, types,
    /// shortest forms, UTF-8, limits — without keeping its values, reusing
    /// `scratch` for text and bytes. Returns `false` at the end of the entry.
    /// `verify` counts rows this way at the speed of the layers below.
    pub fn skip_row(&mut self, scratch: &mut Vec<u8>) -> Result<bool, FormatError> {
        let header = &self.header;
        match from_buffer(&mut self.input, |bytes| skip_row_from(bytes, header, scratch))? {
            Buffered::Row(more) => Ok(more),
            Buffered::End => Ok(false),
            Buffered::Slow => skip_row_from(&mut self.input, header, scratch),
        }
    }

    /// Returns the inner reader.
    pub fn into_inner(self) -> R {
        self.input
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> TableHeader {
        TableHeader {
            name: "actions".into(),
            columns: vec![
                Column { name: "id".into(), role: Role::Pk },
                Column { name: "case_id".into(), role: Role::Ref("bem_cases".into()) },
                Column { name: "action_type_id".into(), role: Role::Cat("cat_action_type".into()) },
                Column { name: "topic".into(), role: Role::Value },
            ],
        }
    }

    #[test]
    fn round_trip() {
        let rows = vec![
            vec![
                Value::Integer(1),
                Value::Integer(-5),
                Value::Text("FIRST_CONTACT".into()),
                Value::Text("Erstgespräch".into()),
            ],
            vec![Value::Integer(i64::MAX), Value::Integer(i64::MIN), Value::Null, Value::Bytes(vec![0; 300])],
            vec![Value::Integer(24), Value::Real(1.5), Value::Null, Value::Text(String::new())],
        ];
        let mut w = RowWriter::new(Vec::new(), &header()).unwrap();
        for r in &rows {
            w.row(r).unwrap();
        }
        let bytes = w.finish();
        // Borrowed values encode to the same bytes, and come back whole.
        let mut borrowed = encode_header(&header()).unwrap();
        for r in &rows {
            let refs: Vec<ValueRef<'_>> = r.iter().map(Value::as_value_ref).collect();
            encode_row_ref(&mut borrowed, &refs);
            assert_eq!(refs.iter().map(|v| v.to_value()).collect::<Vec<_>>(), *r);
        }
        assert_eq!(borrowed, bytes);
        let mut r = RowReader::new(&bytes[..]).unwrap();
        assert_eq!(r.header(), &header());
        let mut got = Vec::new();
        while let Some(row) = r.next_row().unwrap() {
            got.push(row);
        }
        assert_eq!(got, rows);
        for cut in 0..bytes.len() {
            let ok = RowReader::new(&bytes[..cut]).and_then(|mut r| {
                let mut n = 0;
                while r.next_row()?.is_some() {
                    n += 1;
                }
                Ok(n)
            });
            if let Ok(n) = ok {
                assert!(n < rows.len(), "cut at {cut} read all rows");
            }
        }
    }

    /// The writer refuses the headers §5 forbids — a name that is no
    /// identifier, no columns, more than MAX_COLUMNS, a column name or a
    /// role's table that is no identifier — and writes one of exactly
    /// MAX_COLUMNS columns, which the reader takes.
    #[test]
    fn the_writer_refuses_what_the_reader_would() {
        let col = |name: &str, role: Role| Column { name: name.into(), role };
        let with = |name: &str, columns: Vec<Column>| TableHeader { name: name.into(), columns };
        let wide = |n: usize| (0..n).map(|i| col(&format!("c{i}"), Role::Value)).collect::<Vec<_>>();
        let widest = with("t", wide(MAX_COLUMNS));
        let bytes = encode_header(&widest).unwrap();
        assert_eq!(RowReader::new(&bytes[..]).unwrap().header(), &widest);
        for bad in [
            with("Bad Name", header().columns),
            with("t", Vec::new()),
            with("t", wide(MAX_COLUMNS + 1)),
            with("t", vec![col("Bad Name", Role::Value)]),
            with("t", vec![col("c", Role::Ref("Bad Name".into()))]),
        ] {
            assert!(matches!(encode_header(&bad), Err(FormatError::Rows { .. })), "{bad:?} written");
        }
    }

    /// A value cut short inside a row — in its bytes or in its length — is
    /// a row that ends early (§5), not a truncated archive: the entry's size
    /// said there was more.
    #[test]
    fn a_value_cut_short_ends_early() {
        // A text's bytes cut, and a text length's second byte cut.
        for (cut, said) in [
            (&[0x65, b'a', b'b'][..], fl!("format-rows-value-ends-early")),
            (&[0x79, 0x01], fl!("format-rows-row-ends-early")),
        ] {
            let mut bytes = encode_header(&header()).unwrap();
            bytes.extend_from_slice(&[0x84, 0x01, 0x01, 0xf6]);
            bytes.extend_from_slice(cut);
            match RowReader::new(&bytes[..]).unwrap().next_row() {
                Err(FormatError::Rows { detail }) => assert_eq!(detail, said),
                other => panic!("{cut:?}: {other:?}"),
            }
        }
    }

    /// A value of exactly MAX_VALUE_LEN bytes is read, one byte more is
    /// refused before anything is read; a value longer than the reader's
    /// first buffer is read whole, and refused when cut short — through
    /// `next_row` and `skip_row` alike.
    #[test]
    fn a_value_may_be_exactly_max_value_len_and_long_ones_read_whole() {
        let row = |value: Value| {
            let mut bytes = encode_header(&header()).unwrap();
            bytes.extend_from_slice(&encode_row(&[Value::Integer(1), Value::Null, Value::Null, value]));
            bytes
        };
        let read = |bytes: &[u8]| RowReader::new(bytes).unwrap().next_row();
        let skip = |bytes: &[u8]| RowReader::new(bytes).unwrap().skip_row(&mut Vec::new());
        let largest = row(Value::Bytes(vec![7; MAX_VALUE_LEN as usize]));
        assert_eq!(read(&largest).unwrap().unwrap()[3], Value::Bytes(vec![7; MAX_VALUE_LEN as usize]));
        assert!(skip(&largest).unwrap());
        let mut too_long = encode_header(&header()).unwrap();
        too_long.extend_from_slice(&[0x84, 0x01, 0xf6, 0xf6, 0x5a]);
        too_long.extend_from_slice(&(MAX_VALUE_LEN as u32 + 1).to_be_bytes());
        assert!(matches!(read(&too_long), Err(FormatError::Limit { value, .. }) if value == MAX_VALUE_LEN + 1));
        assert!(matches!(skip(&too_long), Err(FormatError::Limit { .. })));
        let long = row(Value::Text("ä".repeat(40_000)));
        assert_eq!(read(&long).unwrap().unwrap()[3], Value::Text("ä".repeat(40_000)));
        let cut = &long[..long.len() - 1];
        assert!(matches!(read(cut), Err(FormatError::Rows { .. })));
        assert!(matches!(skip(cut), Err(FormatError::Rows { .. })));
    }

    /// §5 allows one simple value, null, and one float, the 64-bit one:
    /// false, true, undefined and the shorter floats are refused.
    #[test]
    fn only_null_and_64_bit_floats_are_simple_values() {
        for item in [&[0xf4][..], &[0xf5], &[0xf7], &[0xf9, 0x3c, 0x00], &[0xfa, 0x3f, 0x80, 0x00, 0x00]] {
            let mut bytes = encode_header(&header()).unwrap();
            bytes.extend_from_slice(&[0x84, 0x01, 0xf6, 0xf6]);
            bytes.extend_from_slice(item);
            let got = RowReader::new(&bytes[..]).unwrap().next_row();
            assert!(matches!(got, Err(FormatError::Rows { .. })), "{item:x?}: {got:?}");
            let skipped = RowReader::new(&bytes[..]).unwrap().skip_row(&mut Vec::new());
            assert!(matches!(skipped, Err(FormatError::Rows { .. })), "{item:x?}: {skipped:?}");
        }
    }

    #[test]
    fn huge_declared_length_is_capped_before_allocation() {
        let mut bytes = encode_header(&header()).unwrap();
        bytes.extend_from_slice(&[0x84, 0x01, 0x01, 0xf6, 0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        let mut r = RowReader::new(&bytes[..]).unwrap();
        assert!(matches!(r.next_row(), Err(FormatError::Limit { .. })));
    }

    #[test]
    fn indefinite_and_long_forms_are_refused() {
        let mut bytes = encode_header(&header()).unwrap();
        bytes.extend_from_slice(&[0x9f]);
        assert!(RowReader::new(&bytes[..]).unwrap().next_row().is_err());
        let mut bytes = encode_header(&header()).unwrap();
        bytes.extend_from_slice(&[0x84, 0x18, 0x01, 0x01, 0xf6, 0x60]);
        assert!(RowReader::new(&bytes[..]).unwrap().next_row().is_err());
    }

    #[test]
    fn skip_row_agrees_with_next_row() {
        let rows = vec![
            vec![Value::Integer(1), Value::Integer(-5), Value::Text("CODE".into()), Value::Text("ä".into())],
            vec![Value::Integer(2), Value::Null, Value::Null, Value::Bytes(vec![1; 70_000])],
        ];
        let mut w = RowWriter::new(Vec::new(), &header()).unwrap();
        for r in &rows {
            w.row(r).unwrap();
        }
        let bytes = w.finish();
        let mut r = RowReader::new(&bytes[..]).unwrap();
        let mut scratch = Vec::new();
        assert!(r.skip_row(&mut scratch).unwrap());
        assert!(r.skip_row(&mut scratch).unwrap());
        assert!(!r.skip_row(&mut scratch).unwrap());
    }

    /// Hands out at most `piece` bytes per read, an `Interrupted` before
    /// every other read, and an error for a read after it said the end:
    /// what a stream of entries delivers, at its worst, to a decoder that
    /// must not read past the end it was told.
    struct Pieces<'a> {
        bytes: &'a [u8],
        piece: usize,
        interrupt: bool,
        ended: bool,
    }

    impl<'a> Pieces<'a> {
        fn new(bytes: &'a [u8], piece: usize) -> Self {
            Pieces { bytes, piece, interrupt: false, ended: false }
        }
    }

    impl io::Read for Pieces<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.interrupt = !self.interrupt;
            if self.interrupt {
                return Err(io::ErrorKind::Interrupted.into());
            }
            if self.bytes.is_empty() && !buf.is_empty() {
                if self.ended {
                    return Err(io::Error::other("read after the end"));
                }
                self.ended = true;
            }
            let n = buf.len().min(self.piece);
            self.bytes.read(&mut buf[..n])
        }
    }

    /// Every row, or the first error, of `input` read whole.
    fn decisions(mut reader: RowReader<impl BufRead>) -> (Vec<Vec<Value>>, Option<String>) {
        let mut rows = Vec::new();
        loop {
            match reader.next_row() {
                Ok(Some(row)) => rows.push(row),
                Ok(None) => return (rows, None),
                Err(e) => return (rows, Some(e.to_string())),
            }
        }
    }

    /// Rows read from a buffer that holds a few bytes at a time (values
    /// straddle every refill, reads are interrupted) decide exactly as rows
    /// read from one slice: the same values, the same first error, through
    /// `next_row` and `skip_row` alike.
    #[test]
    fn rows_read_in_pieces_decide_as_rows_read_whole() {
        let mut bytes = encode_header(&header()).unwrap();
        for row in [
            vec![Value::Integer(1), Value::Integer(-5), Value::Text("CODE".into()), Value::Text("äöü €".repeat(9))],
            vec![Value::Integer(300), Value::Null, Value::Null, Value::Bytes((0..=255).collect())],
            vec![Value::Integer(i64::MAX), Value::Integer(i64::MIN), Value::Text(String::new()), Value::Real(0.5)],
            // Empty values last: nothing is read for them.
            vec![Value::Integer(7), Value::Null, Value::Bytes(Vec::new()), Value::Text(String::new())],
        ] {
            bytes.extend_from_slice(&encode_row(&row));
        }
        // The whole entry; cut inside the byte string; the long text made
        // not UTF-8 in its last byte (the cut and the flip straddle refills).
        let mut flipped = bytes.clone();
        let euro = bytes.windows(3).rposition(|w| w == "€".as_bytes()).unwrap();
        flipped[euro + 2] = 0xff;
        for input in [&bytes[..], &bytes[..bytes.len() - 200], &flipped[..]] {
            let whole = decisions(RowReader::new(input).unwrap());
            for piece in [1, 2, 3, 5, 8, 13, 64] {
                for capacity in [1, 7, 16, 4096] {
                    let pieces = Pieces::new(input, piece);
                    let reader = RowReader::new(io::BufReader::with_capacity(capacity, pieces)).unwrap();
                    assert_eq!(decisions(reader), whole, "piece {piece}, buffer {capacity}");
                    let pieces = Pieces::new(input, piece);
                    let mut reader = RowReader::new(io::BufReader::with_capacity(capacity, pieces)).unwrap();
                    let mut scratch = Vec::new();
                    let mut skipped = 0;
                    let end = loop {
                        match reader.skip_row(&mut scratch) {
                            Ok(true) => skipped += 1,
                            Ok(false) => break None,
                            Err(e) => break Some(e.to_string()),
                        }
                    };
                    assert_eq!(
                        (skipped, end),
                        (whole.0.len(), whole.1.clone()),
                        "skip: piece {piece}, buffer {capacity}"
                    );
                }
            }
        }
        // The three inputs decide three ways.
        let (all, none) = decisions(RowReader::new(&bytes[..]).unwrap());
        assert_eq!((all.len(), none), (4, None));
        assert_eq!(
            decisions(RowReader::new(&bytes[..bytes.len() - 200]).unwrap()).1,
            Some(FormatError::rows(fl!("format-rows-value-ends-early")).to_string())
        );
        assert_eq!(
            decisions(RowReader::new(&flipped[..]).unwrap()).1,
            Some(FormatError::rows(fl!("format-rows-not-utf8")).to_string())
        );
    }

    /// `skip_row` checks text with a vectorised validator, `next_row`
    /// with the standard library's: both must refuse exactly the same
    /// bytes. Each malformed sequence sits at every position of texts that
    /// cross the validator's 16-, 32- and 64-byte blocks, after ASCII and
    /// after non-ASCII text.
    #[test]
    fn skip_row_and_next_row_refuse_the_same_text() {
        let malformed: [&[u8]; 12] = [
            b"\x80",             // a continuation byte alone
            b"\xc0\xaf",         // overlong '/'
            b"\xe0\x80\xaf",     // overlong, three bytes
            b"\xed\xa0\x80",     // a surrogate
            b"\xf4\x90\x80\x80", // above U+10FFFF
            b"\xf5\x80\x80\x80", // a lead byte that never occurs
            b"\xc3",             // a cut two-byte sequence
            b"\xe2\x82",         // a cut three-byte sequence
            b"\xf0\x9f\x98",     // a cut four-byte sequence
            b"\xff",
            "ä€😀".as_bytes(), // valid: must pass both
            b"plain",
        ];
        let mut row = encode_row(&[Value::Integer(1), Value::Null, Value::Null, Value::Text(String::new())]);
        row.pop(); // the empty text's head; each case appends its own
        for fill in ["a", "ü"] {
            for len in [0, 1, 15, 16, 31, 32, 63, 64, 65, 100, 130] {
                let pad = fill.repeat(len);
                for bad in malformed {
                    for at in 0..=pad.len() {
                        if !pad.is_char_boundary(at) {
                            continue;
                        }
                        let mut text = pad.as_bytes()[..at].to_vec();
                        text.extend_from_slice(bad);
                        text.extend_from_slice(&pad.as_bytes()[at..]);
                        let mut input = encode_header(&header()).unwrap();
                        input.extend_from_slice(&row);
                        match u8::try_from(text.len()) {
                            Ok(n) if n < 24 => input.push(0x60 + n),
                            Ok(n) => input.extend_from_slice(&[0x78, n]),
                            Err(_) => input.extend_from_slice(&[0x79, (text.len() >> 8) as u8, text.len() as u8]),
                        }
                        input.extend_from_slice(&text);
                        let valid = std::str::from_utf8(&text).is_ok();
                        let next = RowReader::new(&input[..]).unwrap().next_row().is_ok();
                        let skip = RowReader::new(&input[..]).unwrap().skip_row(&mut Vec::new()).is_ok();
                        // Through a small buffer: the text is gathered in
                        // the scratch vector first, then checked.
                        let small = io::BufReader::with_capacity(7, &input[..]);
                        let gathered = RowReader::new(small).unwrap().skip_row(&mut Vec::new()).is_ok();
                        assert_eq!((next, skip, gathered), (valid, valid, valid), "{text:x?}");
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn skip_and_next_decide_alike(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..256)) {
            let mut input = encode_header(&header()).unwrap();
            input.extend_from_slice(&bytes);
            let mut a = RowReader::new(&input[..]).unwrap();
            let mut b = RowReader::new(&input[..]).unwrap();
            let mut scratch = Vec::new();
            loop {
                let x = a.next_row();
                let y = b.skip_row(&mut scratch);
                match (x, y) {
                    (Ok(Some(_)), Ok(true)) => continue,
                    (Ok(None), Ok(false)) | (Err(_), Err(_)) => break,
                    (x, y) => proptest::prop_assert!(false, "next_row {:?} vs skip_row {:?}", x, y),
                }
            }
        }

        #[test]
        fn arbitrary_input_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..256)) {
            let mut input = encode_header(&header()).unwrap();
            input.extend_from_slice(&bytes);
            if let Ok(mut r) = RowReader::new(&input[..]) {
                while let Ok(Some(_)) = r.next_row() {}
            }
        }
    }
}
