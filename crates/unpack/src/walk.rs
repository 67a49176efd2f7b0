//! One reading of a bundle's data entries (§3, §7), shared by `verify` and
//! `import`: both hand a visitor to [`walk`], so every check on paths,
//! headers, rows and counts is made by the same code, and verify succeeds
//! if and only if import's reading of the bundle succeeds.

use std::cell::RefCell;
use std::io::{self, BufReader, Read};
use std::rc::Rc;

use bemx_format::Part;
use bemx_format::entry::DataPath;
use bemx_format::rows::{RowReader, TableHeader, Value};

use crate::error::UnpackError;
use crate::i18n::fl;
use crate::reader::{BundleReader, Checked, EntryReader};

/// What a reader of the data entries does with them.
pub trait EntryVisitor {
    /// The visitor's error; every reading failure converts into it.
    type Error: From<UnpackError>;

    /// A table entry, header already checked against its path and the
    /// manifest. Read the rows with [`Rows::next_row`] (or skip them); the
    /// walker reads what is left and checks the count afterwards.
    fn table(&mut self, rows: &mut Rows<'_>) -> Result<(), Self::Error>;

    /// A document entry. `data` yields exactly its bytes; the read that
    /// completes them fails if they differ from the manifest's SHA-256.
    fn document(&mut self, doc: &Document<'_>, data: &mut dyn Read) -> Result<(), Self::Error>;
}

/// A document entry's address and signed facts.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    /// Table holding the blob column.
    pub table: &'a str,
    /// The blob column.
    pub column: &'a str,
    /// The sender's row id.
    pub rowid: i64,
    /// Exact size in bytes.
    pub size: u64,
    /// SHA-256 from the signed manifest.
    pub sha256: [u8; 32],
}

/// Rows found in one table entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRows {
    /// The entry path.
    pub path: String,
    /// The table name from the entry's header.
    pub table: String,
    /// Number of rows decoded.
    pub rows: u64,
}

/// Keeps the first error an entry read raised, so that a row decoder that
/// sees only `io::Error`s cannot turn a hash mismatch into "malformed rows":
/// the hash is authoritative.
struct Stash<'e, 'a> {
    entry: &'e mut EntryReader<'a>,
    error: Rc<RefCell<Option<UnpackError>>>,
}

impl Read for Stash<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.entry.read(buf) {
            Ok(n) => Ok(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                let err = UnpackError::from_io(e, Part::Entry(self.entry.path().to_string()));
                let msg = err.to_string();
                self.error.borrow_mut().get_or_insert(err);
                Err(io::Error::other(msg))
            }
        }
    }
}

fn take(stash: &Rc<RefCell<Option<UnpackError>>>) -> Option<UnpackError> {
    stash.borrow_mut().take()
}

/// The rows of one table entry.
pub struct Rows<'s> {
    reader: RowReader<BufReader<Box<dyn Read + 's>>>,
    stash: Rc<RefCell<Option<UnpackError>>>,
    index: usize,
    size: u64,
    count: u64,
}

impl std::fmt::Debug for Rows<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rows").field("table", &self.header().name).field("count", &self.count).finish()
    }
}

impl Rows<'_> {
    /// The entry's header: table name and columns with their roles.
    pub fn header(&self) -> &TableHeader {
        self.reader.header()
    }

    /// The table's position in the manifest's table list.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The entry's size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Rows read so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// A decoding error: the rest of the entry is read first, so that a
    /// tampered entry is reported as such (the hash is authoritative), not
    /// as the malformed rows it may also contain.
    fn failed(&mut self, e: bemx_format::FormatError) -> UnpackError {
        let _ = io::copy(self.reader.input_mut(), &mut io::sink());
        take(&self.stash).unwrap_or_else(|| e.into())
    }

    /// The next row, decoded; `None` after the last.
    pub fn next_row(&mut self) -> Result<Option<Vec<Value>>, UnpackError> {
        match self.reader.next_row() {
            Ok(Some(row)) => {
                self.count += 1;
                Ok(Some(row))
            }
            Ok(None) => Ok(None),
            Err(e) => Err(self.failed(e)),
        }
    }

    /// Validates the next row without allocating its values; false after the last.
    pub fn skip_row(&mut self, scratch: &mut Vec<u8>) -> Result<bool, UnpackError> {
        match self.reader.skip_row(scratch) {
            Ok(true) => {
                self.count += 1;
                Ok(true)
            }
            Ok(false) => Ok(false),
            Err(e) => Err(self.failed(e)),
        }
    }
}

/// Reads every data entry of `reader` through `visitor`, checking each
/// table entry's header and row count against its path and the manifest.
/// The caller still calls [`BundleReader::finish`]: only that proves the
/// bundle ended where it should.
pub fn walk<R: Read, V: EntryVisitor>(
    reader: &mut BundleReader<R>,
    visitor: &mut V,
) -> Result<Vec<TableRows>, V::Error> {
    walk_checked(reader.checked_mut(), visitor)
}

pub(crate) fn walk_checked<S: Read, V: EntryVisitor>(
    checked: &mut Checked<S>,
    visitor: &mut V,
) -> Result<Vec<TableRows>, V::Error> {
    // The row counts only, not a copy of the manifest: its entry list has
    // one entry per document (9 MB for 100,000).
    let listed_rows: Vec<u64> = checked.manifest().tables.iter().map(|t| t.rows).collect();
    let mut tables = Vec::with_capacity(listed_rows.len());
    while let Some(mut entry) = checked.next_entry_reader()? {
        let path = entry.path().to_string();
        let size = entry.size();
        let sha256 = entry.sha256();
        // The manifest decoder parsed every path by the same grammar (§3),
        // and checked the table entries' order against its table list.
        let parsed = DataPath::parse(&path).map_err(UnpackError::from)?;
        let stash = Rc::new(RefCell::new(None));
        match parsed {
            DataPath::Table { index, table } => {
                let expected = listed_rows.get(index).copied().unwrap_or(0);
                let counted = read_table(&mut entry, &stash, index, size, &table, visitor)?;
                if counted != expected {
                    return Err(UnpackError::RowCountMismatch { table, manifest: expected, found: counted }.into());
                }
                tables.push(TableRows { path, table, rows: counted });
            }
            DataPath::Blob { table, column, rowid } => {
                let doc = Document { table: &table, column: &column, rowid, size, sha256 };
                let mut data = Stash { entry: &mut entry, error: Rc::clone(&stash) };
                let visited = visitor.document(&doc, &mut data);
                if let Some(e) = take(&stash) {
                    return Err(e.into());
                }
                visited?;
                drain(&mut entry)?;
            }
        }
    }
    Ok(tables)
}

fn read_table<V: EntryVisitor>(
    entry: &mut EntryReader<'_>,
    stash: &Rc<RefCell<Option<UnpackError>>>,
    index: usize,
    size: u64,
    table: &str,
    visitor: &mut V,
) -> Result<u64, V::Error> {
    let mut counted = 0;
    let header_error = 'read: {
        let data: Box<dyn Read + '_> = Box::new(Stash { entry: &mut *entry, error: Rc::clone(stash) });
        // Buffered: the row decoder reads a byte at a time, and every
        // unbuffered read would go through the hash, zstd and age layers.
        let reader = match RowReader::new(BufReader::with_capacity(64 * 1024, data)) {
            Ok(r) => r,
            Err(e) => break 'read Some(e),
        };
        let mut rows = Rows { reader, stash: Rc::clone(stash), index, size, count: 0 };
        // §7: the header names the table its path names.
        if rows.header().name != table {
            return Err(UnpackError::BadRows {
                detail: fl!(
                    "unpack-table-mismatch",
                    path = DataPath::table(index, table),
                    table = format!("{:?}", rows.header().name)
                ),
            }
            .into());
        }
        let visited = visitor.table(&mut rows);
        if let Some(e) = take(stash) {
            return Err(e.into());
        }
        visited?;
        let mut scratch = Vec::new();
        while rows.skip_row(&mut scratch)? {}
        counted = rows.count;
        None
    };
    if let Some(e) = take(stash) {
        return Err(e.into());
    }
    // Every byte of a table entry belongs to its rows; the read that
    // completes the entry checks the hash (§7), which is authoritative over
    // a header that failed to decode (see Rows::failed).
    drain(entry)?;
    match header_error {
        Some(e) => Err(UnpackError::from(e).into()),
        None => Ok(counted),
    }
}

/// Reads the rest of an entry; the read that completes it checks its hash.
fn drain(entry: &mut EntryReader<'_>) -> Result<(), UnpackError> {
    let part = Part::Entry(entry.path().to_string());
    io::copy(entry, &mut io::sink()).map(drop).map_err(|e| UnpackError::from_io(e, part))
}
