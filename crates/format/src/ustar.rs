//! §2.3: the archive layer. Writers emit POSIX ustar headers through the
//! `tar` crate; readers use this strict parser instead of a general tar
//! library, because a bundle may hold exactly one thing: plain files, with
//! short relative names, each announced by a checksummed ustar header.
//! PAX and GNU extension headers, links, devices and directories are
//! refused before any of their data is read.

use std::io::{self, Read};

use crate::BLOCK;
use crate::error::{FormatError, Part};
use crate::manifest::check_path;

/// Builds the header a writer uses for an entry (§2.3): ustar, regular
/// file, mode 0600, owner 0/0 without names, the bundle's creation time.
pub fn entry_header(path: &str, size: u64, mtime: u64) -> Result<tar::Header, FormatError> {
    check_path(path)?;
    let mut h = tar::Header::new_ustar();
    h.set_path(path)?;
    h.set_size(size);
    h.set_mode(0o600);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(mtime);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_cksum();
    Ok(h)
}

/// Name and size of an archive entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryHeader {
    /// The entry path (validated by §3's rules; never used as a filesystem path).
    pub path: String,
    /// The entry size from the header.
    pub size: u64,
}

/// A strict, streaming ustar reader.
#[derive(Debug)]
pub struct ArchiveReader<R: Read> {
    inner: R,
    remaining: u64,
    padding: u64,
    ended: bool,
}

fn damaged(detail: impl Into<String>) -> FormatError {
    FormatError::Damaged { part: Part::Archive, detail: detail.into() }
}

fn parse_octal(field: &[u8], what: &str) -> Result<u64, FormatError> {
    // Leading spaces are tolerated (old writers); then digits, then NUL or space padding.
    let trimmed: &[u8] = {
        let start = field.iter().position(|&b| b != b' ').unwrap_or(field.len());
        let rest = &field[start..];
        let end = rest.iter().position(|&b| b == 0 || b == b' ').unwrap_or(rest.len());
        if rest[end..].iter().any(|&b| b != 0 && b != b' ') {
            return Err(damaged(format!("{what} field is not octal")));
        }
        &rest[..end]
    };
    if trimmed.is_empty() || trimmed.len() > 11 || !trimmed.iter().all(|b| (b'0'..=b'7').contains(b)) {
        return Err(damaged(format!("{what} field is not octal")));
    }
    Ok(trimmed.iter().fold(0u64, |acc, &d| acc * 8 + u64::from(d - b'0')))
}

fn type_name(flag: u8) -> String {
    match flag {
        b'1' => "hard link".into(),
        b'2' => "symbolic link".into(),
        b'3' => "character device".into(),
        b'4' => "block device".into(),
        b'5' => "directory".into(),
        b'6' => "FIFO".into(),
        b'7' => "contiguous file".into(),
        b'x' => "PAX extended header".into(),
        b'g' => "PAX global header".into(),
        b'L' | b'K' => "GNU long name".into(),
        0 => "old-style file (no type)".into(),
        other => format!("unknown type {:?}", char::from(other)),
    }
}

impl<R: Read> ArchiveReader<R> {
    /// Wraps a decompressed stream.
    pub fn new(inner: R) -> Self {
        Self { inner, remaining: 0, padding: 0, ended: false }
    }

    fn fill(&mut self, buf: &mut [u8]) -> Result<(), FormatError> {
        self.inner.read_exact(buf).map_err(|e| FormatError::from_read(e, Part::Archive))
    }

    /// Reads the next header. The previous entry must have been read to its
    /// end; `max_size` caps the size before any data is read. Returns `None`
    /// at the end-of-archive marker (two zero blocks).
    pub fn next_entry(&mut self, max_size: u64) -> Result<Option<EntryHeader>, FormatError> {
        if self.ended {
            return Ok(None);
        }
        if self.remaining != 0 {
            return Err(FormatError::EntryMismatch { detail: "an entry was not read to its end".into() });
        }
        let mut block = [0u8; BLOCK];
        if self.padding > 0 {
            let pad = self.padding as usize;
            self.fill(&mut block[..pad])?;
            if block[..pad].iter().any(|&b| b != 0) {
                return Err(damaged("non-zero padding after an entry"));
            }
            self.padding = 0;
        }
        self.fill(&mut block)?;
        if block.iter().all(|&b| b == 0) {
            self.fill(&mut block)?;
            if block.iter().any(|&b| b != 0) {
                return Err(damaged("a single zero block inside the archive"));
            }
            self.ended = true;
            return Ok(None);
        }
        let stored = parse_octal(&block[148..156], "checksum")?;
        let computed: u64 =
            block.iter().enumerate().map(|(i, &b)| if (148..156).contains(&i) { 32 } else { u64::from(b) }).sum();
        if stored != computed {
            return Err(damaged("header checksum mismatch"));
        }
        if &block[257..263] != b"ustar\0" || &block[263..265] != b"00" {
            return Err(damaged("not a POSIX ustar header"));
        }
        let name_len = block[..100].iter().position(|&b| b == 0).unwrap_or(100);
        let path = String::from_utf8_lossy(&block[..name_len]).into_owned();
        let flag = block[156];
        if flag != b'0' {
            return Err(FormatError::ForbiddenEntryType {
                path: path.escape_debug().to_string(),
                kind: type_name(flag),
            });
        }
        if block[..100][name_len..].iter().any(|&b| b != 0) || block[345..500].iter().any(|&b| b != 0) {
            return Err(FormatError::ForbiddenPath {
                path: path.escape_debug().to_string(),
                reason: "name uses the ustar prefix field or has bytes after its end",
            });
        }
        if block[157..257].iter().any(|&b| b != 0) {
            return Err(damaged("a regular file entry carries a link name"));
        }
        check_path(&path)?;
        let size = parse_octal(&block[124..136], "size")?;
        if size > max_size {
            return Err(FormatError::EntryMismatch {
                detail: format!("entry {path} is {size} bytes, the manifest allows {max_size}"),
            });
        }
        self.remaining = size;
        self.padding = (BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64;
        Ok(Some(EntryHeader { path, size }))
    }

    /// Bytes of the current entry not yet read.
    pub fn remaining(&self) -> u64 {
        self.remaining
    }

    /// Whether the end-of-archive marker has been read.
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// Returns the inner stream (positioned after the end marker when [`Self::ended`]).
    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: Read> Read for ArchiveReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 || buf.is_empty() {
            return Ok(0);
        }
        let want = buf.len().min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "archive entry truncated"));
        }
        self.remaining -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (p, d) in entries {
            let h = entry_header(p, d.len() as u64, 0).unwrap();
            b.append(&h, *d).unwrap();
        }
        b.into_inner().unwrap()
    }

    #[test]
    fn reads_what_the_writer_wrote() {
        let bytes = archive(&[("manifest.cbor", b"abc"), ("tables/x", &[7u8; 1000])]);
        let mut r = ArchiveReader::new(&bytes[..]);
        let e = r.next_entry(10).unwrap().unwrap();
        assert_eq!((e.path.as_str(), e.size), ("manifest.cbor", 3));
        let mut s = Vec::new();
        r.by_ref().read_to_end(&mut s).unwrap();
        assert_eq!(s, b"abc");
        let e = r.next_entry(1000).unwrap().unwrap();
        assert_eq!(e.size, 1000);
        std::io::copy(&mut r, &mut std::io::sink()).unwrap();
        assert!(r.next_entry(0).unwrap().is_none());
        assert!(r.ended());
    }

    #[test]
    fn size_cap_applies_before_reading() {
        let bytes = archive(&[("tables/x", &[1u8; 600])]);
        assert!(matches!(ArchiveReader::new(&bytes[..]).next_entry(599), Err(FormatError::EntryMismatch { .. })));
    }

    #[test]
    fn links_and_pax_are_refused() {
        for (ty, name) in [
            (tar::EntryType::Symlink, "symbolic link"),
            (tar::EntryType::Link, "hard link"),
            (tar::EntryType::XHeader, "PAX extended header"),
            (tar::EntryType::Char, "character device"),
        ] {
            let mut h = tar::Header::new_ustar();
            h.set_path("tables/x").unwrap();
            h.set_size(0);
            h.set_entry_type(ty);
            h.set_cksum();
            let mut b = tar::Builder::new(Vec::new());
            b.append(&h, &[][..]).unwrap();
            let bytes = b.into_inner().unwrap();
            match ArchiveReader::new(&bytes[..]).next_entry(u64::MAX) {
                Err(FormatError::ForbiddenEntryType { kind, .. }) => assert_eq!(kind, name),
                other => panic!("{other:?}"),
            }
        }
    }

    /// Reads every entry of `input` to its end, as a bundle reader does.
    fn read_all(input: &[u8]) -> Result<Vec<(String, Vec<u8>)>, FormatError> {
        let mut r = ArchiveReader::new(input);
        let mut out = Vec::new();
        while let Some(e) = r.next_entry(u64::MAX)? {
            let mut data = Vec::new();
            r.by_ref().read_to_end(&mut data)?;
            out.push((e.path, data));
        }
        Ok(out)
    }

    /// Every single-bit flip outside an entry's data is refused, without a
    /// panic: in the header (the checksum covers every byte; the checksum
    /// field itself must stay octal and match), in the zero padding after
    /// the data, and in either end-of-archive block. A flip inside the data
    /// is not this layer's to find (the manifest's SHA-256 is): the archive
    /// still reads, with the flipped byte.
    #[test]
    fn every_flipped_bit_outside_the_data_is_refused() {
        let data = b"hello";
        let bytes = archive(&[("tables/x", data)]);
        // Header, data with padding, two end blocks: the loop covers each.
        assert_eq!(bytes.len(), 4 * BLOCK);
        assert_eq!(read_all(&bytes).unwrap(), vec![("tables/x".to_string(), data.to_vec())]);
        let data_at = BLOCK..BLOCK + data.len();
        let mut refused = 0;
        for i in 0..bytes.len() {
            for bit in [0x01, 0x80] {
                let mut bad = bytes.clone();
                bad[i] ^= bit;
                let got = read_all(&bad);
                if data_at.contains(&i) {
                    let got = got.unwrap_or_else(|e| panic!("byte {i} ^ {bit:#04x} (data): {e}"));
                    assert_eq!(got, vec![("tables/x".to_string(), bad[data_at.clone()].to_vec())]);
                } else {
                    assert!(got.is_err(), "byte {i} ^ {bit:#04x} accepted: {got:?}");
                    refused += 1;
                }
            }
        }
        assert_eq!(refused, 2 * (bytes.len() - data.len()));
    }
}
