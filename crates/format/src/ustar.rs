//! §2.3: the archive layer. Writers emit POSIX ustar headers through the
//! `tar` crate; readers use this strict parser instead of a general tar
//! library, because a bundle may hold exactly one thing: plain files, with
//! short relative names, each announced by a checksummed ustar header.
//! PAX and GNU extension headers, links, devices and directories are
//! refused before any of their data is read.

use std::io::{self, Read};

use crate::BLOCK;
use crate::error::{FormatError, Part};
use crate::i18n::fl;
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
    /// Bytes taken from `inner` so far.
    position: u64,
    remaining: u64,
    padding: u64,
    ended: bool,
}

fn damaged(detail: impl Into<String>) -> FormatError {
    FormatError::Damaged { part: Part::Archive, detail: detail.into() }
}

pub(crate) fn parse_octal(field: &[u8], what: &str) -> Result<u64, FormatError> {
    // Leading spaces are tolerated (old writers); then digits, then NUL or space padding.
    let trimmed: &[u8] = {
        let start = field.iter().position(|&b| b != b' ').unwrap_or(field.len());
        let rest = &field[start..];
        let end = rest.iter().position(|&b| b == 0 || b == b' ').unwrap_or(rest.len());
        if rest[end..].iter().any(|&b| b != 0 && b != b' ') {
            return Err(damaged(fl!("format-archive-not-octal", field = crate::term(what))));
        }
        &rest[..end]
    };
    if trimmed.is_empty() || trimmed.len() > 11 || !trimmed.iter().all(|b| (b'0'..=b'7').contains(b)) {
        return Err(damaged(fl!("format-archive-not-octal", field = crate::term(what))));
    }
    Ok(trimmed.iter().fold(0u64, |acc, &d| acc * 8 + u64::from(d - b'0')))
}

fn type_name(flag: u8) -> String {
    match flag {
        b'1' => fl!("format-entry-type-hard-link"),
        b'2' => fl!("format-entry-type-symbolic-link"),
        b'3' => fl!("format-entry-type-character-device"),
        b'4' => fl!("format-entry-type-block-device"),
        b'5' => fl!("format-entry-type-directory"),
        b'6' => fl!("format-entry-type-fifo"),
        b'7' => fl!("format-entry-type-contiguous-file"),
        b'x' => fl!("format-entry-type-pax-extended-header"),
        b'g' => fl!("format-entry-type-pax-global-header"),
        b'L' | b'K' => fl!("format-entry-type-gnu-long-name"),
        0 => fl!("format-entry-type-old-style"),
        other => fl!("format-entry-type-unknown", flag = format!("{:?}", char::from(other))),
    }
}

impl<R: Read> ArchiveReader<R> {
    /// Wraps a decompressed stream.
    pub fn new(inner: R) -> Self {
        Self { inner, position: 0, remaining: 0, padding: 0, ended: false }
    }

    fn fill(&mut self, buf: &mut [u8]) -> Result<(), FormatError> {
        self.inner.read_exact(buf).map_err(|e| FormatError::from_read(e, Part::Archive))?;
        self.position += buf.len() as u64;
        Ok(())
    }

    /// Bytes read from the stream so far: after [`Self::next_entry`], where
    /// the entry's data begins.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Between two entries (the last one read to its end, the end marker
    /// not reached): the bytes read so far and the padding still to come
    /// before the next header. `None` inside an entry or after the end.
    pub fn boundary(&self) -> Option<(u64, u64)> {
        (self.remaining == 0 && !self.ended).then_some((self.position, self.padding))
    }

    /// Reads the next header. The previous entry must have been read to its
    /// end; `max_size` caps the size before any data is read. Returns `None`
    /// at the end-of-archive marker (two zero blocks).
    pub fn next_entry(&mut self, max_size: u64) -> Result<Option<EntryHeader>, FormatError> {
        if self.ended {
            return Ok(None);
        }
        if self.remaining != 0 {
            return Err(FormatError::EntryMismatch { detail: fl!("format-archive-not-read-to-end") });
        }
        let mut block = [0u8; BLOCK];
        // The previous entry's padding (none before the first entry or after
        // a whole number of blocks: then nothing is read).
        let pad = self.padding as usize;
        self.fill(&mut block[..pad])?;
        if block[..pad].iter().any(|&b| b != 0) {
            return Err(damaged(fl!("format-archive-bad-padding")));
        }
        self.padding = 0;
        self.fill(&mut block)?;
        if block.iter().all(|&b| b == 0) {
            self.fill(&mut block)?;
            if block.iter().any(|&b| b != 0) {
                return Err(damaged(fl!("format-archive-lone-zero-block")));
            }
            self.ended = true;
            return Ok(None);
        }
        let stored = parse_octal(&block[148..156], "checksum")?;
        let computed: u64 =
            block.iter().enumerate().map(|(i, &b)| if (148..156).contains(&i) { 32 } else { u64::from(b) }).sum();
        if stored != computed {
            return Err(damaged(fl!("format-archive-checksum")));
        }
        if &block[257..263] != b"ustar\0" || &block[263..265] != b"00" {
            return Err(damaged(fl!("format-archive-not-ustar")));
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
            return Err(damaged(fl!("format-archive-link-name")));
        }
        check_path(&path)?;
        let size = parse_octal(&block[124..136], "size")?;
        if size > max_size {
            return Err(FormatError::EntryMismatch {
                detail: fl!(
                    "format-archive-entry-too-large",
                    path = path.as_str(),
                    size = size.to_string(),
                    max = max_size.to_string()
                ),
            });
        }
        self.remaining = size;
        self.padding = (BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64;
        Ok(Some(EntryHeader { path, size }))
    }

    /// Whether the end-of-archive marker has been read.
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// The inner stream, to change how it reads (not to read from it).
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
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
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, fl!("format-archive-entry-truncated")));
        }
        self.position += n as u64;
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
        assert!(!r.ended());
        let e = r.next_entry(10).unwrap().unwrap();
        assert_eq!((e.path.as_str(), e.size), ("manifest.cbor", 3));
        assert!(!r.ended());
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

    /// Rewrites the header checksum of the block at `at` after an edit, so
    /// that the edit is the only defect.
    fn reseal(bytes: &mut [u8], at: usize) {
        bytes[at + 148..at + 156].copy_from_slice(b"        ");
        let sum: u32 = bytes[at..at + BLOCK].iter().map(|&b| u32::from(b)).sum();
        bytes[at + 148..at + 156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    }

    /// §2.3 "non-zero padding": a byte after an entry's data, inside its
    /// 512-byte block, must be zero.
    #[test]
    fn non_zero_padding_is_refused() {
        let mut bytes = archive(&[("tables/x", b"hello"), ("tables/y", b"z")]);
        bytes[BLOCK + 5] = 0x20;
        match read_all(&bytes) {
            Err(FormatError::Damaged { detail, .. }) => assert_eq!(detail, "non-zero padding after an entry"),
            other => panic!("{other:?}"),
        }
        // The last padding byte too, not only the first.
        let mut bytes = archive(&[("tables/x", b"hello")]);
        bytes[2 * BLOCK - 1] = 1;
        assert!(matches!(read_all(&bytes), Err(FormatError::Damaged { .. })));
    }

    /// §2.3: the end-of-archive marker is two zero blocks. One zero block at
    /// the end is a truncated archive; one followed by anything but a second
    /// zero block is damage (it would otherwise hide entries after it).
    #[test]
    fn a_lone_zero_block_is_refused() {
        let bytes = archive(&[("tables/x", b"hello")]);
        assert_eq!(bytes.len(), 4 * BLOCK);
        let one_end_block = &bytes[..3 * BLOCK];
        assert!(matches!(read_all(one_end_block), Err(FormatError::Truncated { part: Part::Archive })));
        let mut inside = bytes[..2 * BLOCK].to_vec();
        inside.extend_from_slice(&[0u8; BLOCK]);
        inside.extend_from_slice(&archive(&[("tables/y", b"z")]));
        match read_all(&inside) {
            Err(FormatError::Damaged { detail, .. }) => assert_eq!(detail, "a single zero block inside the archive"),
            other => panic!("{other:?}"),
        }
    }

    /// §2.3 "a name that uses the prefix field, has bytes after its
    /// terminating NUL": both are refused as forbidden paths, even when the
    /// name field alone would be a valid path (`tar -x` would join them).
    #[test]
    fn the_prefix_field_and_bytes_after_the_name_are_refused() {
        let mut prefixed = archive(&[("tables/x", b"hello")]);
        prefixed[345..348].copy_from_slice(b"etc");
        reseal(&mut prefixed, 0);
        let mut after_nul = archive(&[("tables/x", b"hello")]);
        after_nul[20] = b'y';
        reseal(&mut after_nul, 0);
        for bad in [prefixed, after_nul] {
            match ArchiveReader::new(&bad[..]).next_entry(u64::MAX) {
                Err(FormatError::ForbiddenPath { path, .. }) => assert_eq!(path, "tables/x"),
                other => panic!("{other:?}"),
            }
        }
    }

    /// §2.3: a header with a link name, a non-octal or empty size, or another
    /// magic (GNU's `ustar  \0`) or version is refused, each with a checksum
    /// that matches.
    #[test]
    fn link_name_size_and_magic_are_checked() {
        type Edit = fn(&mut [u8]);
        let edits: [(&str, Edit); 5] = [
            ("a regular file entry carries a link name", |h| h[157..161].copy_from_slice(b"evil")),
            ("size field is not octal", |h| h[124..135].copy_from_slice(b"0000000000x")),
            // An empty field is not 0.
            ("size field is not octal", |h| h[124..136].fill(0)),
            ("not a POSIX ustar header", |h| h[257..265].copy_from_slice(b"ustar  \0")),
            // The right magic with another version.
            ("not a POSIX ustar header", |h| h[263..265].copy_from_slice(b"01")),
        ];
        for (want, edit) in edits {
            let mut bytes = archive(&[("tables/x", b"hello")]);
            edit(&mut bytes[..BLOCK]);
            reseal(&mut bytes, 0);
            match ArchiveReader::new(&bytes[..]).next_entry(u64::MAX) {
                Err(FormatError::Damaged { detail, .. }) => assert_eq!(detail, want),
                other => panic!("{want}: {other:?}"),
            }
        }
    }

    /// §2.3 "Readers MUST ignore mode, owner and mtime".
    #[test]
    fn mode_owner_and_mtime_are_ignored() {
        let mut bytes = archive(&[("tables/x", b"hello")]);
        bytes[100..107].copy_from_slice(b"0004777"); // setuid, world-writable
        bytes[108..115].copy_from_slice(b"0001750"); // uid 1000
        bytes[116..123].copy_from_slice(b"0001750"); // gid 1000
        bytes[136..147].copy_from_slice(b"77777777777"); // mtime in the far future
        bytes[265..269].copy_from_slice(b"root");
        reseal(&mut bytes, 0);
        assert_eq!(read_all(&bytes).unwrap(), vec![("tables/x".to_string(), b"hello".to_vec())]);
    }

    /// §2.3 "Writers MUST set the name field to the entry path with the
    /// prefix field empty, the link name empty, mode 0600, uid and gid 0,
    /// empty user and group names, and the mtime to the manifest's creation
    /// time", and §2.3 "writers MUST NOT pad the archive to a record size".
    #[test]
    fn the_writer_header_is_fixed() {
        let h = entry_header("blobs/bem_cases.document/3", 5, 1_767_225_600).unwrap();
        let b = h.as_bytes();
        assert_eq!(&b[..26], b"blobs/bem_cases.document/3");
        assert!(b[26..100].iter().all(|&x| x == 0), "name field padded with NUL");
        assert!(b[345..500].iter().all(|&x| x == 0), "prefix field empty");
        assert!(b[157..257].iter().all(|&x| x == 0), "link name empty");
        assert!(b[265..329].iter().all(|&x| x == 0), "user and group names empty");
        assert_eq!(b[156], b'0');
        assert_eq!(&b[257..265], b"ustar\x0000");
        assert_eq!(h.mode().unwrap(), 0o600);
        assert_eq!((h.uid().unwrap(), h.gid().unwrap()), (0, 0));
        assert_eq!(h.mtime().unwrap(), 1_767_225_600);
        assert!(entry_header("tables/../x", 0, 0).is_err(), "the writer applies §3's path rules too");
        // Header, data block, and exactly the two end blocks: no record padding.
        assert_eq!(archive(&[("tables/x", b"hello")]).len(), 4 * BLOCK);
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
