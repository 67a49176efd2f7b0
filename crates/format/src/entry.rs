//! §3 and §7 as types: a data entry's path and a column's role, each parsed
//! once, by one grammar, for every reader (verify and import alike) and
//! written by the same code the writer uses.
//!
//! ```abnf
//! data-path   = table-path / blob-path
//! table-path  = "tables/" index "-" identifier ".cbor"
//! index       = 3DIGIT                        ; position in the manifest's "tables"
//! blob-path   = "blobs/" identifier "." identifier "/" rowid
//! rowid       = "0" / (%x31-39 *18DIGIT)      ; no leading zero, fits i64
//! identifier  = (%x61-7A / "_") *63(%x61-7A / DIGIT / "_")
//! role        = "pk" / "value" / "blob" / "ref:" identifier / "cat:" identifier
//! ```

use std::fmt;

use crate::error::FormatError;
use crate::manifest::is_identifier;
use crate::{BLOBS_PREFIX, TABLES_PREFIX};

/// A data entry's path, parsed (§3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataPath {
    /// `tables/NNN-<table>.cbor`: the rows of the manifest's table number `index`.
    Table {
        /// Position of the table in the manifest's `tables` list.
        index: usize,
        /// The table's name.
        table: String,
    },
    /// `blobs/<table>.<column>/<rowid>`: one document.
    Blob {
        /// Table holding the blob column.
        table: String,
        /// The blob column.
        column: String,
        /// The sender's row id of the row the blob belongs to.
        rowid: i64,
    },
}

fn forbidden(path: &str, reason: &'static str) -> FormatError {
    FormatError::ForbiddenPath { path: path.escape_debug().to_string(), reason }
}

impl DataPath {
    /// Parses a data entry path by the grammar above; anything else is
    /// refused (§3 MUST), so no reader can accept a path another refuses.
    pub fn parse(path: &str) -> Result<Self, FormatError> {
        if let Some(rest) = path.strip_prefix(TABLES_PREFIX) {
            let bad = || forbidden(path, "a table entry is tables/NNN-<table>.cbor");
            let rest = rest.strip_suffix(".cbor").ok_or_else(bad)?;
            let (digits, table) = rest.split_once('-').ok_or_else(bad)?;
            if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) || !is_identifier(table) {
                return Err(bad());
            }
            let index = digits.parse().map_err(|_| bad())?;
            return Ok(DataPath::Table { index, table: table.to_string() });
        }
        if let Some(rest) = path.strip_prefix(BLOBS_PREFIX) {
            let bad = || forbidden(path, "a document entry is blobs/<table>.<column>/<rowid>");
            let (owner, rowid) = rest.split_once('/').ok_or_else(bad)?;
            let (table, column) = owner.split_once('.').ok_or_else(bad)?;
            let canonical = rowid == "0" || (!rowid.starts_with('0') && rowid.bytes().all(|b| b.is_ascii_digit()));
            if !is_identifier(table) || !is_identifier(column) || rowid.is_empty() || !canonical {
                return Err(bad());
            }
            let rowid = rowid.parse().map_err(|_| bad())?;
            return Ok(DataPath::Blob { table: table.to_string(), column: column.to_string(), rowid });
        }
        Err(forbidden(path, "data entries live under tables/ or blobs/"))
    }

    /// The path of table number `index`, as a writer names it.
    pub fn table(index: usize, table: &str) -> String {
        format!("{TABLES_PREFIX}{index:03}-{table}.cbor")
    }

    /// The path of a document, as a writer names it.
    pub fn blob(table: &str, column: &str, rowid: i64) -> String {
        format!("{BLOBS_PREFIX}{table}.{column}/{rowid}")
    }
}

impl fmt::Display for DataPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataPath::Table { index, table } => f.write_str(&Self::table(*index, table)),
            DataPath::Blob { table, column, rowid } => f.write_str(&Self::blob(table, column, *rowid)),
        }
    }
}

/// A column's role in a table entry's header (§7).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Role {
    /// The sender's local integer key of the row.
    Pk,
    /// A plain value.
    Value,
    /// The byte length of a document carried as its own entry.
    Blob,
    /// The sender's key of a row in another carried table.
    Ref(String),
    /// A catalogue row's code.
    Cat(String),
}

impl Role {
    /// Parses a role by the grammar above.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pk" => Some(Role::Pk),
            "value" => Some(Role::Value),
            "blob" => Some(Role::Blob),
            _ => {
                if let Some(t) = text.strip_prefix("ref:").filter(|t| is_identifier(t)) {
                    return Some(Role::Ref(t.to_string()));
                }
                text.strip_prefix("cat:").filter(|t| is_identifier(t)).map(|t| Role::Cat(t.to_string()))
            }
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Role::Pk => f.write_str("pk"),
            Role::Value => f.write_str("value"),
            Role::Blob => f.write_str("blob"),
            Role::Ref(t) => write!(f, "ref:{t}"),
            Role::Cat(t) => write!(f, "cat:{t}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_paths_follow_the_grammar_and_round_trip() {
        for good in [
            "tables/000-clients.cbor",
            "tables/255-cat_action_type.cbor",
            "blobs/documents.content/0",
            "blobs/documents.content/9223372036854775807",
        ] {
            let parsed = DataPath::parse(good).unwrap();
            assert_eq!(parsed.to_string(), good);
        }
        for bad in [
            "tables/3-clients.cbor",
            "tables/0003-clients.cbor",
            "tables/00a-clients.cbor",
            "tables/003-Cli-ents.cbor",
            "tables/003-clients.json",
            "tables/003clients.cbor",
            "tables/003-.cbor",
            "blobs/documents/17",
            "blobs/documents.content/017",
            "blobs/documents.content/-1",
            "blobs/documents.content/",
            "blobs/documents.content/9223372036854775808",
            "blobs/Docu-ments.content/1",
            "blobs/documents.Con tent/1",
            "blobs/documents.content/1/2",
            "other/x",
            "manifest.cbor",
        ] {
            assert!(DataPath::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn roles_follow_the_grammar_and_round_trip() {
        for good in ["pk", "value", "blob", "ref:bem_cases", "cat:cat_action_type", "ref:InvoiceLine", "cat:Album"] {
            assert_eq!(Role::parse(good).unwrap().to_string(), good);
        }
        for bad in ["", "PK", "ref:", "cat:", "ref:B-em", "key", "ref:a b", "cat:x-y", "ref:9a"] {
            assert_eq!(Role::parse(bad), None, "{bad} accepted");
        }
    }
}
