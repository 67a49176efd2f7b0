//! Behaviour of the streaming reader beyond the committed vectors.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::print_stderr)]

mod common;

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bemx_format::layers::BundleWriter;
use bemx_format::{MAX_MANIFEST_SIZE, Part};
use bemx_unpack::{
    BundleReader, Party, Recipient, SenderTrust, TrustStore, UnpackError, inspect_header, read_plain_archive,
    verify_reader,
};
use common::*;

/// Counts every byte handed out by the wrapped reader.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// An endless-looking stream of noise, `len` bytes long, made on the fly.
struct VirtualTail {
    left: u64,
    x: u64,
}

impl Read for VirtualTail {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(usize::try_from(self.left).unwrap_or(usize::MAX));
        for b in &mut buf[..n] {
            self.x ^= self.x << 13;
            self.x ^= self.x >> 7;
            self.x ^= self.x << 17;
            *b = (self.x >> 24) as u8;
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// A bundle written by the format crate's own writer (the pack side's path).
fn written_bundle(keys: &Keys, entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let m = manifest(keys, entries);
    let (bytes, sig) = signed(keys, &m);
    let mut w = BundleWriter::new(Vec::new(), &keys.receiver_age.to_public(), m.created, 0).unwrap();
    w.append_bytes("manifest.cbor", &bytes).unwrap();
    w.append_bytes("manifest.sig", &sig).unwrap();
    for (p, d) in entries {
        w.append_bytes(p, d).unwrap();
    }
    w.finish().unwrap()
}

#[test]
fn open_reads_only_a_bounded_prefix_of_a_huge_bundle() {
    let keys = Keys::committed();
    let mut entries = data_entries();
    // A 4 MiB incompressible blob after the manifest; then the file goes on
    // for 8 GiB (made up on the fly: open must never get there).
    entries.push(("blobs/bem_cases.document/7".into(), noise(4 << 20, 7)));
    let real = written_bundle(&keys, &entries);
    let prefix = real[..2 << 20].to_vec();
    let count = Arc::new(AtomicU64::new(0));
    let input = Counting {
        inner: io::Cursor::new(prefix).chain(VirtualTail { left: 8 << 30, x: 1 }),
        count: Arc::clone(&count),
    };
    let trust = keys.trust();
    let reader = BundleReader::open(input, keys.me(), &trust, true).unwrap();
    assert_eq!(reader.manifest().entries.len(), 4);
    assert!(matches!(reader.sender_trust(), SenderTrust::Trusted { .. }));
    let read = count.load(Ordering::Relaxed);
    eprintln!("open() read {read} bytes of an 8 GiB input (manifest {} bytes)", reader.manifest_bytes().len());
    assert!(read <= 512 * 1024, "open read {read} bytes");
}

/// Sets its flag when dropped: the input of a reader is closed.
struct Closing<R> {
    inner: R,
    closed: Arc<std::sync::atomic::AtomicBool>,
}

impl<R: Read> Read for Closing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf)
    }
}

impl<R> Drop for Closing<R> {
    fn drop(&mut self) {
        self.closed.store(true, Ordering::SeqCst);
    }
}

/// Reading ahead reads a bounded stretch ahead of the reads, not the
/// whole bundle, and a reader dropped half-way closes its input before the
/// drop returns (on Windows an open handle would keep the bundle from
/// being moved or deleted).
#[test]
fn reading_ahead_stays_a_few_chunks_ahead_and_closes_the_input_when_dropped() {
    let keys = Keys::committed();
    let mut entries = data_entries();
    entries.push(("blobs/bem_cases.document/7".into(), noise(16 << 20, 7)));
    let file = written_bundle(&keys, &entries);
    let count = Arc::new(AtomicU64::new(0));
    let closed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let input = Closing {
        inner: Counting { inner: io::Cursor::new(file), count: Arc::clone(&count) },
        closed: Arc::clone(&closed),
    };
    let trust = keys.trust();
    let mut reader = BundleReader::open(input, keys.me(), &trust, true).unwrap();
    let at_open = count.load(Ordering::SeqCst);
    reader.read_ahead().unwrap();
    // The thread reads on by itself until its chunks wait for the reads:
    // wait until it has read nothing more for half a second.
    let start = std::time::Instant::now();
    let mut ahead = at_open;
    loop {
        std::thread::sleep(std::time::Duration::from_millis(500));
        let now = count.load(Ordering::SeqCst);
        if (now == ahead && now > at_open) || start.elapsed() > std::time::Duration::from_secs(60) {
            break;
        }
        ahead = now;
    }
    eprintln!("open read {at_open} bytes; reading ahead, {ahead} of a 16 MiB bundle");
    assert!(ahead > at_open, "the thread read nothing");
    assert!(ahead <= at_open + (3 << 20), "read {ahead} bytes ahead of nothing asked");
    let entry = reader.next_entry().unwrap().unwrap();
    entry.finish().unwrap();
    assert!(!closed.load(Ordering::SeqCst));
    drop(reader);
    assert!(closed.load(Ordering::SeqCst), "the input outlived its reader");
}

#[test]
fn a_bundle_from_the_format_writer_verifies() {
    let keys = Keys::committed();
    let mut entries = data_entries();
    entries.push(("blobs/bem_cases.document/8".into(), noise(300_000, 8)));
    entries.push(("blobs/bem_cases.document/10".into(), Vec::new()));
    let file = written_bundle(&keys, &entries);
    let v = verify_reader(&file[..], keys.me(), &keys.trust(), true).unwrap();
    assert_eq!(v.entries, 5);
    assert_eq!(v.data_bytes, entries.iter().map(|(_, d)| d.len() as u64).sum::<u64>());
    assert_eq!(v.tables.len(), 2);
    assert_eq!(outcome(&read_bundle(&keys, &file)), "ok");
}

#[test]
fn entries_stream_their_exact_bytes_and_the_hash_fails_on_the_last_read() {
    let keys = Keys::committed();
    let entries = data_entries();
    let file = seal(&keys, &valid_tar(&keys, &entries));
    let trust = keys.trust();
    let mut reader = BundleReader::open(&file[..], keys.me(), &trust, true).unwrap();
    for (path, data) in &entries {
        let mut e = reader.next_entry().unwrap().unwrap();
        assert_eq!(e.path(), path);
        assert_eq!(e.size(), data.len() as u64);
        let mut got = Vec::new();
        let mut small = [0u8; 7];
        loop {
            let n = e.read(&mut small).unwrap();
            if n == 0 {
                break;
            }
            got.extend_from_slice(&small[..n]);
        }
        assert_eq!(&got, data);
    }
    assert!(reader.next_entry().unwrap().is_none());
    reader.finish().unwrap();

    // A tampered entry: every byte before the last read is delivered, the last read fails.
    let mut bad = entries.clone();
    let last = bad[2].1.len() - 1;
    bad[2].1[last] ^= 1;
    let (bytes, sig) = signed(&keys, &manifest(&keys, &entries));
    let file = seal(&keys, &tar(&items(&bytes, &sig, &bad)));
    let mut reader = BundleReader::open(&file[..], keys.me(), &trust, true).unwrap();
    reader.next_entry().unwrap().unwrap().finish().unwrap();
    reader.next_entry().unwrap().unwrap().finish().unwrap();
    let mut e = reader.next_entry().unwrap().unwrap();
    let mut head = vec![0u8; last];
    e.read_exact(&mut head).unwrap();
    let err = e.read(&mut [0u8; 16]).unwrap_err();
    assert_eq!(UnpackError::from_io(err, Part::Archive).class(), "HashMismatch");
    // The reader is unusable afterwards.
    assert_eq!(reader.next_entry().unwrap_err().class(), "AlreadyFailed");
}

/// A large entry read ahead (decrypted on the reading-ahead thread, in
/// chunks that need not end where the entry does) is checked as one read
/// inline: its bytes arrive whole, and when they are not the signed ones
/// the read that completes them fails with the same hash mismatch, after
/// which the reader stays failed.
#[test]
fn a_large_entry_read_ahead_fails_its_last_read_as_one_read_inline() {
    let keys = Keys::committed();
    let trust = keys.trust();
    let mut entries = data_entries();
    entries.push(("blobs/bem_cases.document/7".into(), noise(100_000, 3)));
    let (bytes, sig) = signed(&keys, &manifest(&keys, &entries));
    let mut bad = entries.clone();
    let last = bad[3].1.len() - 1;
    bad[3].1[last] ^= 1;
    for tampered in [false, true] {
        let file = seal(&keys, &tar(&items(&bytes, &sig, if tampered { &bad } else { &entries })));
        let mut outcomes = Vec::new();
        for ahead in ["inline", "ahead", "hashing ahead"] {
            let mut reader = BundleReader::open(io::Cursor::new(file.clone()), keys.me(), &trust, true).unwrap();
            match ahead {
                "ahead" => reader.read_ahead().unwrap(),
                "hashing ahead" => reader.read_and_hash_ahead().unwrap(),
                _ => {}
            }
            assert_eq!(reader.hashes_ahead(), ahead == "hashing ahead");
            for _ in 0..3 {
                reader.next_entry().unwrap().unwrap().finish().unwrap();
            }
            let mut e = reader.next_entry().unwrap().unwrap();
            let mut head = vec![0u8; last];
            e.read_exact(&mut head).unwrap();
            assert_eq!(head, entries[3].1[..last], "ahead {ahead}");
            let mut rest = [0u8; 16];
            let outcome = match e.read(&mut rest) {
                Ok(n) => {
                    assert_eq!(&rest[..n], &entries[3].1[last..]);
                    assert_eq!(e.read(&mut rest).unwrap(), 0);
                    reader.finish().map(|_| ()).map_err(|e| format!("{e:?}"))
                }
                Err(err) => {
                    let err = UnpackError::from_io(err, Part::Archive);
                    assert_eq!(err.class(), "HashMismatch", "ahead {ahead}: {err:?}");
                    assert_eq!(reader.next_entry().unwrap_err().class(), "AlreadyFailed");
                    Err(format!("{err:?}"))
                }
            };
            assert_eq!(outcome.is_err(), tampered, "ahead {ahead}: {outcome:?}");
            outcomes.push(outcome);
        }
        assert_eq!(outcomes[0], outcomes[1], "tampered {tampered}");
        assert_eq!(outcomes[0], outcomes[2], "tampered {tampered}");
    }
}

/// While the reads are behind, the thread hashes the entries that begin
/// then, and the reads check its hashes: a bundle reads whole, and one
/// entry changed late in it is refused as when the reads hash.
#[test]
fn hashing_ahead_hashes_on_the_thread_while_the_reads_are_behind() {
    let keys = Keys::committed();
    let trust = keys.trust();
    let mut entries = data_entries();
    for n in 0..24 {
        entries.push((format!("blobs/bem_cases.document/{}", 100 + n), noise(50_000, n)));
    }
    let (bytes, sig) = signed(&keys, &manifest(&keys, &entries));
    let mut bad = entries.clone();
    let last = bad.len() - 1;
    bad[last].1[7] ^= 1;
    for (tampered, list) in [(false, &entries), (true, &bad)] {
        let file = seal(&keys, &tar(&items(&bytes, &sig, list)));
        let mut reader = BundleReader::open(io::Cursor::new(file), keys.me(), &trust, true).unwrap();
        reader.read_and_hash_ahead().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(300));
        let mut outcome = Ok(());
        while let Some(entry) = reader.next_entry().unwrap() {
            if let Err(e) = entry.finish() {
                outcome = Err(e.class());
                break;
            }
        }
        let hashed = reader.entries_hashed_ahead();
        assert!(hashed > 0 && hashed < entries.len() as u64, "{hashed} of {} hashed ahead", entries.len());
        let outcome = outcome.and_then(|()| reader.finish().map(|_| ()).map_err(|e| e.class()));
        assert_eq!(outcome, if tampered { Err("HashMismatch") } else { Ok(()) });
    }
}

/// Asked inside an entry, the reader reads ahead but does not hash
/// ahead: the thread can start hashing only at an entry's first byte. The
/// entry left half read is still an error.
#[test]
fn hashing_ahead_asked_inside_an_entry_only_reads_ahead() {
    let keys = Keys::committed();
    let trust = keys.trust();
    let file = seal(&keys, &valid_tar(&keys, &data_entries()));
    let mut reader = BundleReader::open(io::Cursor::new(file), keys.me(), &trust, true).unwrap();
    let mut one = [0u8; 1];
    reader.next_entry().unwrap().unwrap().read_exact(&mut one).unwrap();
    reader.read_and_hash_ahead().unwrap();
    assert!(!reader.hashes_ahead());
    assert_eq!(reader.next_entry().unwrap_err().class(), "EntryNotFinished");
}

#[test]
fn misuse_is_an_error_not_silence() {
    let keys = Keys::committed();
    let file = seal(&keys, &valid_tar(&keys, &data_entries()));
    let trust = keys.trust();

    let mut reader = BundleReader::open(&file[..], keys.me(), &trust, true).unwrap();
    let mut e = reader.next_entry().unwrap().unwrap();
    let _ = e.read(&mut [0u8; 3]).unwrap();
    assert_eq!(reader.next_entry().unwrap_err().class(), "EntryNotFinished");
    assert_eq!(reader.next_entry().unwrap_err().class(), "AlreadyFailed");
    assert_eq!(reader.finish().unwrap_err().class(), "AlreadyFailed");

    // finish() before all entries were asked for.
    let mut reader = BundleReader::open(&file[..], keys.me(), &trust, true).unwrap();
    reader.next_entry().unwrap().unwrap().finish().unwrap();
    assert_eq!(reader.finish().unwrap_err().class(), "EntryNotFinished");

    // finish() with an entry half read.
    let mut reader = BundleReader::open(&file[..], keys.me(), &trust, true).unwrap();
    let _ = reader.next_entry().unwrap().unwrap().read(&mut [0u8; 3]).unwrap();
    assert_eq!(reader.finish().unwrap_err().class(), "EntryNotFinished");
}

#[test]
fn recipient_must_match_installation_and_key() {
    let keys = Keys::committed();
    let file = seal(&keys, &valid_tar(&keys, &data_entries()));
    let trust = keys.trust();
    let other_installation = Recipient { identity: &keys.receiver_age, installation_id: [9; 16] };
    let err = BundleReader::open(&file[..], other_installation, &trust, true).unwrap_err();
    assert_eq!(err.class(), "RecipientMismatch");

    // Same installation id, but the manifest names another age key.
    let entries = data_entries();
    let mut m = manifest(&keys, &entries);
    m.recipient.age = keys.other_age.to_public().to_string();
    let (bytes, sig) = signed(&keys, &m);
    let file = seal(&keys, &tar(&items(&bytes, &sig, &entries)));
    assert_eq!(outcome(&read_bundle(&keys, &file)), "error: RecipientMismatch");
}

#[test]
fn untrusted_senders_pass_only_when_trust_is_not_required() {
    let keys = Keys::committed();
    let file = std::fs::read(vectors_dir().join("untrusted-signer.bemx")).unwrap();
    let trust = keys.trust();
    let reader = BundleReader::open(&file[..], keys.me(), &trust, false).unwrap();
    assert_eq!(reader.sender_trust(), &SenderTrust::Untrusted);
    let v = verify_reader(&file[..], keys.me(), &trust, false).unwrap();
    assert_eq!(v.manifest.sender.name, "Unbekannte Stelle");
}

#[test]
fn oversized_manifest_is_refused_from_its_header() {
    let keys = Keys::committed();
    // A header announcing 17 MiB and no data at all: the limit must fire
    // before a single byte is read or buffered (else this would be "truncated").
    let file = seal(&keys, &bare_header("manifest.cbor", MAX_MANIFEST_SIZE + 1));
    assert_eq!(outcome(&read_bundle(&keys, &file)), "error: Limit");
}

#[test]
fn row_counts_must_match_the_manifest() {
    let keys = Keys::committed();
    let entries = data_entries();
    let mut m = manifest(&keys, &entries);
    m.tables[1].rows = 3;
    let (bytes, sig) = signed(&keys, &m);
    let file = seal(&keys, &tar(&items(&bytes, &sig, &entries)));
    // The byte-level reader accepts it; the full verification does not.
    assert_eq!(outcome(&read_bundle(&keys, &file)), "ok");
    let err = verify_reader(&file[..], keys.me(), &keys.trust(), true).unwrap_err();
    assert_eq!(err.class(), "RowCountMismatch");
}

/// §3 and §7: a table entry `tables/NNN-<table>.cbor` holds table NNN of
/// the manifest's `tables` list, named <table> in its path and its header;
/// every listed table has its entry. Row counts alone cannot tell: in each
/// case below every count is right.
#[test]
fn a_table_entry_holds_the_table_its_path_names() {
    let keys = Keys::committed();
    let refused = |file: Vec<u8>, what: &str| {
        assert_eq!(outcome(&read_bundle(&keys, &file)), "ok", "{what}: the byte-level reader does not decode rows");
        let err = verify_reader(&file[..], keys.me(), &keys.trust(), true).unwrap_err();
        assert_eq!(err.class(), "BadRows", "{what}: {err}");
        assert_eq!(read_plain_archive(&open_archive(&keys, &file)[..]).unwrap_err().class(), "BadRows", "{what}");
    };

    let mut swapped = data_entries();
    let (a, b) = (swapped[0].1.clone(), swapped[1].1.clone());
    swapped[0].1 = b;
    swapped[1].1 = a;
    refused(seal(&keys, &valid_tar(&keys, &swapped)), "contents swapped under their paths");

    // Paths numbered against the manifest's table order, and a listed table
    // without its entry, are manifest defects (§3): the manifest decoder
    // refuses them, so no reader gets as far as the entries. The encoder
    // applies the same rules and will not even write them.
    let mut renumbered = data_entries();
    renumbered[0].0 = "tables/001-clients.cbor".into();
    renumbered[1].0 = "tables/000-bem_cases.cbor".into();
    let err = manifest(&keys, &renumbered).encode().unwrap_err();
    assert!(err.to_string().contains("is not table number 0"), "paths numbered against the order: {err}");

    let entries = data_entries();
    let mut m = manifest(&keys, &entries);
    m.tables.push(bemx_format::TableCount { name: "notes".into(), rows: 0 });
    let err = m.encode().unwrap_err();
    assert!(err.to_string().contains("lists 3 tables but 2 table entries"), "a listed table without its entry: {err}");
}

/// The plain archive inside a sealed test bundle.
fn open_archive(keys: &Keys, file: &[u8]) -> Vec<u8> {
    let decryptor = age::Decryptor::new_buffered(file).unwrap();
    let plain = decryptor.decrypt(std::iter::once(&keys.receiver_age as &dyn age::Identity)).unwrap();
    let mut archive = Vec::new();
    zstd::stream::read::Decoder::new(plain).unwrap().read_to_end(&mut archive).unwrap();
    archive
}

#[test]
fn malformed_rows_with_a_matching_hash_are_bad_rows() {
    let keys = Keys::committed();
    let mut entries = data_entries();
    entries[0].1.push(0x9f); // an indefinite-length array after the last row
    let file = seal(&keys, &valid_tar(&keys, &entries));
    assert_eq!(outcome(&read_bundle(&keys, &file)), "ok");
    let err = verify_reader(&file[..], keys.me(), &keys.trust(), true).unwrap_err();
    assert_eq!(err.class(), "BadRows");
    // The plain-archive entry point validates the rows just the same.
    assert_eq!(read_plain_archive(&open_archive(&keys, &file)[..]).unwrap_err().class(), "BadRows");
}

/// Every cut and every bit flip of a valid bundle is refused, and reading
/// ahead on a thread of its own refuses each with the very error the reads
/// meet inline: same class, part, kind and words.
#[test]
fn every_truncation_and_flip_is_refused() {
    let keys = Keys::committed();
    let file = std::fs::read(vectors_dir().join("valid.bemx")).unwrap();
    assert_eq!(said(&read_bundle_ahead(&keys, &file)), said(&read_bundle(&keys, &file)));
    for cut in 0..file.len() {
        let r = read_bundle(&keys, &file[..cut]);
        assert!(r.is_err(), "cut at {cut} accepted");
        assert_eq!(said(&read_bundle_ahead(&keys, &file[..cut])), said(&r), "cut at {cut}");
    }
    for pos in 0..file.len() {
        for bit in [0x01u8, 0x80] {
            let mut bad = file.clone();
            bad[pos] ^= bit;
            let r = read_bundle(&keys, &bad);
            assert!(r.is_err(), "flip {bit:#x} at {pos} accepted");
            assert_eq!(said(&read_bundle_ahead(&keys, &bad)), said(&r), "flip {bit:#x} at {pos}");
        }
    }
    let mut longer = file.clone();
    longer.push(0);
    let r = read_bundle(&keys, &longer);
    assert!(r.is_err());
    assert_eq!(said(&read_bundle_ahead(&keys, &longer)), said(&r));
}

#[test]
fn plain_archive_entry_point_runs_the_same_checks() {
    let keys = Keys::committed();
    let entries = data_entries();
    let good = valid_tar(&keys, &entries);
    let v = read_plain_archive(&good[..]).unwrap();
    assert_eq!(v.entries, 3);
    let mut trailing = good.clone();
    trailing.push(1);
    assert_eq!(read_plain_archive(&trailing[..]).unwrap_err().class(), "TrailingData");
    for cut in (0..good.len()).step_by(13) {
        assert!(read_plain_archive(&good[..cut]).is_err(), "cut at {cut}");
    }
}

#[test]
fn inspect_shows_what_age_shows() {
    let dir = vectors_dir();
    let info = inspect_header(&dir.join("valid.bemx")).unwrap();
    assert!(info.is_age && info.bundle_shaped);
    assert_eq!(info.recipients, 1);
    assert_eq!(info.stanza_types[0], "X25519"); // age may add a GREASE stanza after it
    assert_eq!(info.file_size, std::fs::metadata(dir.join("valid.bemx")).unwrap().len());
    let two = inspect_header(&dir.join("two-recipients.bemx")).unwrap();
    assert!(two.is_age && !two.bundle_shaped);
    assert_eq!(two.recipients, 2);
    let not = inspect_header(&dir.join("not-age.bemx")).unwrap();
    assert!(!not.is_age);
    assert_eq!(inspect_header(&dir.join("no-such-file.bemx")).unwrap_err().class(), "Io");
}

/// A header for `name` announcing `size` bytes, with nothing after it.
fn bare_header(name: &str, size: u64) -> [u8; 512] {
    let mut h = header(&Item::file(name, &[]));
    h[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    h
}

/// §6 `MAX_MANIFEST_SIZE` "against the tar header, before buffering": a
/// manifest of exactly the limit is read (here the archive, complete in
/// itself, then ends inside it: a bad manifest, not a limit); one byte more
/// is refused from the header (`oversized_manifest_is_refused_from_its_header`).
#[test]
fn a_manifest_header_of_exactly_the_limit_is_read() {
    let keys = Keys::committed();
    let file = seal(&keys, &bare_header("manifest.cbor", MAX_MANIFEST_SIZE));
    assert_eq!(outcome(&read_bundle(&keys, &file)), "error: BadManifest");
}

/// §3: the reserved names, met again among the data entries, are
/// duplicates; a path that no entry of the manifest has is extra, wherever
/// it stands; a path the manifest lists later is out of order.
#[test]
fn duplicate_extra_and_out_of_order_entries_are_told_apart() {
    let keys = Keys::committed();
    let entries = data_entries();
    let (bytes, sig) = signed(&keys, &manifest(&keys, &entries));
    let with_item_at = |at: usize, item: Item| {
        let mut it = items(&bytes, &sig, &entries);
        it.insert(at, item);
        seal(&keys, &tar(&it))
    };
    for (what, file, want) in [
        ("manifest.cbor again", with_item_at(3, Item::file("manifest.cbor", &bytes)), "DuplicateEntry"),
        ("manifest.sig again", with_item_at(3, Item::file("manifest.sig", &sig)), "DuplicateEntry"),
        ("the first entry again", with_item_at(3, Item::file(&entries[0].0, &entries[0].1)), "DuplicateEntry"),
        (
            "an unlisted entry in the middle",
            with_item_at(3, Item::file("tables/009-notes.cbor", b"\xa0")),
            "ExtraEntry",
        ),
        ("the last entry first", with_item_at(2, Item::file(&entries[2].0, &entries[2].1)), "OutOfOrder"),
    ] {
        assert_eq!(outcome(&read_bundle(&keys, &file)), format!("error: {want}"), "{what}");
    }
}

/// A source that is interrupted (`ErrorKind::Interrupted`) before every
/// other read, as a read from a slow device can be by a signal.
struct Interrupting<R> {
    inner: R,
    interrupt: bool,
}

impl<R: Read> Read for Interrupting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.interrupt = !self.interrupt;
        if self.interrupt {
            return Err(io::Error::from(io::ErrorKind::Interrupted));
        }
        self.inner.read(buf)
    }
}

/// A reader over `file` through a device that interrupts every other read.
fn open_interrupted<'a>(keys: &'a Keys, file: &'a [u8], trust: &'a TestTrust) -> BundleReader<Interrupting<&'a [u8]>> {
    BundleReader::open(Interrupting { inner: file, interrupt: false }, keys.me(), trust, true).unwrap()
}

/// An interrupted read is retried, not a failure: std's `Read` contract,
/// which `read_to_end` and `io::copy` rely on. The reader hands it through
/// without failing, and the bundle verifies.
#[test]
fn an_interrupted_read_is_handed_through_and_retried() {
    let keys = Keys::committed();
    let entries = data_entries();
    let file = seal(&keys, &valid_tar(&keys, &entries));
    let trust = keys.trust();
    let mut reader = open_interrupted(&keys, &file, &trust);
    let mut got = Vec::new();
    while let Some(mut entry) = reader.next_entry().unwrap() {
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        entry.finish().unwrap();
        got.push(bytes);
    }
    reader.finish().unwrap();
    assert_eq!(got, entries.iter().map(|(_, d)| d.clone()).collect::<Vec<_>>());
}

/// The errors of a half-read entry name the entry; the manifest bytes
/// handed out are the exact bytes the signature covers.
#[test]
fn errors_name_the_entry_and_the_manifest_bytes_are_the_signed_ones() {
    let keys = Keys::committed();
    let entries = data_entries();
    let (bytes, sig) = signed(&keys, &manifest(&keys, &entries));
    let file = seal(&keys, &tar(&items(&bytes, &sig, &entries)));
    let trust = keys.trust();
    let mut reader = BundleReader::open(&file[..], keys.me(), &trust, true).unwrap();
    assert_eq!(reader.manifest_bytes(), &bytes[..]);
    let _ = reader.next_entry().unwrap().unwrap().read(&mut [0u8; 3]).unwrap();
    match reader.next_entry() {
        Err(UnpackError::EntryNotFinished { path }) => assert_eq!(path, entries[0].0),
        other => panic!("{other:?}"),
    }
    let v = verify_reader(&file[..], keys.me(), &trust, true).unwrap();
    assert_eq!(v.manifest_bytes, bytes);
}

/// Secrets never reach logs: a recipient's Debug shows its public key and
/// installation id, never the identity.
#[test]
fn a_recipient_debugs_without_its_secret() {
    use age::secrecy::ExposeSecret;
    let keys = Keys::committed();
    let shown = format!("{:?}", keys.me());
    assert!(shown.contains(&keys.receiver_age.to_public().to_string()), "{shown}");
    assert!(shown.contains(&hex::encode(keys.receiver_installation)), "{shown}");
    let secret = keys.receiver_age.to_string();
    assert!(!shown.contains(secret.expose_secret()), "{shown}");
    assert!(!shown.to_ascii_uppercase().contains("AGE-SECRET-KEY"), "{shown}");
}

/// A caller that knows how many entries there are may read each to its
/// last byte and call `finish` without asking for one more: the reader
/// then checks the end marker itself. Entries say which they are.
#[test]
fn finish_right_after_the_last_byte_of_the_last_entry() {
    let keys = Keys::committed();
    let entries = data_entries();
    let file = seal(&keys, &valid_tar(&keys, &entries));
    let trust = keys.trust();
    let mut reader = BundleReader::open(&file[..], keys.me(), &trust, true).unwrap();
    for (i, (path, data)) in entries.iter().enumerate() {
        let mut entry = reader.next_entry().unwrap().unwrap();
        assert_eq!((entry.index(), entry.path(), entry.size()), (i, path.as_str(), data.len() as u64));
        let shown = format!("{entry:?}");
        assert!(shown.contains(path) && shown.contains(&data.len().to_string()), "{shown}");
        let mut got = Vec::new();
        entry.read_to_end(&mut got).unwrap();
        assert_eq!(&got, data);
    }
    let v = reader.finish().unwrap();
    assert_eq!(v.entries, entries.len());
}

/// A trust store with one verdict for every sender.
struct Verdict(SenderTrust);

impl TrustStore for Verdict {
    fn sender_trust(&self, _: &Party) -> SenderTrust {
        self.0.clone()
    }
}

/// §5 "MUST check that the key belongs to a contact this installation
/// trusts": when trust is required only `Trusted` opens, and each other
/// verdict is refused with its own error; when it is not required (to show
/// an unknown sender's card first), every verdict opens and is handed on.
#[test]
fn each_trust_verdict_has_its_own_outcome() {
    let keys = Keys::committed();
    let file = seal(&keys, &valid_tar(&keys, &data_entries()));
    let verdicts = [
        (SenderTrust::Trusted { name: "Werk Nord".into() }, "ok"),
        (SenderTrust::Untrusted, "UntrustedSender"),
        (SenderTrust::KeyChanged { name: "Werk Nord".into() }, "SenderKeyChanged"),
        (SenderTrust::ClaimsDiffer { name: "Werk Nord".into(), fields: "name" }, "SenderClaimsDiffer"),
    ];
    for (verdict, want) in verdicts {
        let store = Verdict(verdict.clone());
        let got = match BundleReader::open(&file[..], keys.me(), &store, true) {
            Ok(_) => "ok".to_string(),
            Err(e) => e.class().to_string(),
        };
        assert_eq!(got, want, "{verdict:?}");
        let reader = BundleReader::open(&file[..], keys.me(), &store, false).unwrap();
        assert_eq!(reader.sender_trust(), &verdict);
    }
}

/// A bundle for another installation names both installations the way a
/// contact card shows them (8-4-4-4-12 hex), so that the user can compare.
#[test]
fn a_recipient_mismatch_names_both_installations_as_cards_show_them() {
    let keys = Keys::committed();
    let file = seal(&keys, &valid_tar(&keys, &data_entries()));
    let other = Recipient { identity: &keys.receiver_age, installation_id: [0xab; 16] };
    match BundleReader::open(&file[..], other, &keys.trust(), true) {
        Err(UnpackError::RecipientMismatch { named, this, .. }) => {
            let h = hex::encode(keys.receiver_installation);
            assert_eq!(named, format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..]));
            assert_eq!(this, "abababab-abab-abab-abab-abababababab");
        }
        other => panic!("{other:?}"),
    }
}

/// The reader's Debug names the bundle, never a key.
#[test]
fn a_bundle_reader_debugs_as_its_bundle_id() {
    let keys = Keys::committed();
    let file = seal(&keys, &valid_tar(&keys, &data_entries()));
    let trust = keys.trust();
    let reader = BundleReader::open(&file[..], keys.me(), &trust, true).unwrap();
    let shown = format!("{reader:?}");
    assert!(shown.contains(&reader.manifest().bundle_id_hex()), "{shown}");
    assert!(!shown.to_ascii_uppercase().contains("AGE-SECRET-KEY"), "{shown}");
}

/// The plain-archive entry point (fuzzer, corpus) retries an interrupted
/// read as the file reader does, and a read error after the end marker is
/// an error, not a clean end.
#[test]
fn the_plain_archive_reader_retries_interruptions_and_reports_read_errors() {
    let keys = Keys::committed();
    let good = valid_tar(&keys, &data_entries());
    let v = read_plain_archive(Interrupting { inner: &good[..], interrupt: false }).unwrap();
    assert_eq!(v.entries, 3);

    /// The archive, then a failing device.
    struct ThenFails<'a>(&'a [u8]);
    impl Read for ThenFails<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Err(io::Error::other("device gone"));
            }
            self.0.read(buf)
        }
    }
    let err = read_plain_archive(ThenFails(&good[..])).unwrap_err();
    assert!(err.to_string().contains("device gone"), "{err}");
}

/// What a visitor is told about each entry, the way import uses `walk`.
#[derive(Default)]
struct Seen {
    tables: Vec<(usize, u64, u64, String)>,
    documents: Vec<(String, i64, u64, Vec<u8>)>,
    /// Each document's SHA-256 as the walk gives it (the signed manifest's).
    hashes: Vec<[u8; 32]>,
}

impl bemx_unpack::EntryVisitor for Seen {
    type Error = UnpackError;

    fn table(&mut self, rows: &mut bemx_unpack::Rows<'_>) -> Result<(), UnpackError> {
        while rows.next_row()?.is_some() {}
        self.tables.push((rows.index(), rows.size(), rows.count(), format!("{rows:?}")));
        Ok(())
    }

    fn document(&mut self, doc: &bemx_unpack::Document<'_>, data: &mut dyn Read) -> Result<(), UnpackError> {
        let mut bytes = Vec::new();
        data.read_to_end(&mut bytes).map_err(|e| UnpackError::from_io(e, Part::Archive))?;
        self.documents.push((format!("{}.{}", doc.table, doc.column), doc.rowid, doc.size, bytes));
        self.hashes.push(doc.sha256);
        Ok(())
    }
}

/// `walk` tells a visitor each table's position, size and rows, and hands
/// it each document's bytes — also when the device interrupts reads, which
/// are retried on the way through the rows decoder.
#[test]
fn walk_tells_the_visitor_what_each_entry_is() {
    let keys = Keys::committed();
    let entries = data_entries();
    let file = seal(&keys, &valid_tar(&keys, &entries));
    let trust = keys.trust();
    let mut reader = open_interrupted(&keys, &file, &trust);
    let mut seen = Seen::default();
    let tables = bemx_unpack::walk(&mut reader, &mut seen).unwrap();
    reader.finish().unwrap();
    assert_eq!(tables.iter().map(|t| t.rows).collect::<Vec<_>>(), [2, 2]);
    let sizes: Vec<u64> = entries.iter().map(|(_, d)| d.len() as u64).collect();
    assert_eq!(
        seen.tables.iter().map(|(i, size, rows, _)| (*i, *size, *rows)).collect::<Vec<_>>(),
        [(0, sizes[0], 2), (1, sizes[1], 2)]
    );
    assert!(seen.tables[1].3.contains("bem_cases") && seen.tables[1].3.contains('2'), "{}", seen.tables[1].3);
    assert_eq!(seen.documents, [("bem_cases.document".to_string(), 3, sizes[2], entries[2].1.clone())]);
    // The import stores this hash without hashing the document again.
    let signed: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(&entries[2].1).into();
    assert_eq!(seen.hashes, [signed]);
}

/// A zstd frame (RFC 8878 §3.1.1) of `blocks` raw blocks holding `data`,
/// closed by an empty last block of three bytes: no content size, checksum
/// or dictionary, a window of 2^17 bytes.
fn raw_zstd_frame(data: &[u8], blocks: usize) -> Vec<u8> {
    let mut frame = vec![0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38];
    let (base, longer) = (data.len() / blocks, data.len() % blocks);
    let mut rest = data;
    for i in 0..blocks {
        let (block, after) = rest.split_at(base + usize::from(i < longer));
        // Block_Header: Last_Block 0, Block_Type 0 (raw), Block_Size.
        frame.extend_from_slice(&((block.len() as u32) << 3).to_le_bytes()[..3]);
        frame.extend_from_slice(block);
        rest = after;
    }
    frame.extend_from_slice(&[1, 0, 0]);
    frame
}

/// A bundle whose last age chunk holds nothing but the zstd frame's closing
/// block: every entry and the archive's end are read before it, so a copy
/// that lost that chunk shows it only when `finish` reads the frame's and
/// age's ends.
fn frame_ending_in_its_own_chunk(keys: &Keys) -> Vec<u8> {
    const CHUNK: usize = bemx_format::AGE_CHUNK_SIZE;
    // The frame is 6 + 3 x blocks + archive + 3 bytes; the archive is whole
    // 512-byte records. 510 blocks and an archive of 64,000 bytes past a
    // multiple of a chunk make the frame whole chunks and three bytes.
    const BLOCKS: usize = 510;
    let mut entries = data_entries();
    for records in 128..512 {
        entries[2].1 = vec![0x42; records * 512];
        let tar_bytes = valid_tar(keys, &entries);
        if tar_bytes.len() % CHUNK == CHUNK - 6 - 3 * BLOCKS {
            let frame = raw_zstd_frame(&tar_bytes, BLOCKS);
            assert_eq!(frame.len() % CHUNK, 3);
            return age_encrypt(&[&keys.receiver_age.to_public()], &frame);
        }
    }
    panic!("no document size makes the archive the length wanted");
}

/// A copy that lost its last age chunk, or only the end of it, lost only the
/// zstd frame's closing block: it is refused at `finish`, and as cut short —
/// the device ran out of bytes — not as a damaged bundle. (A chunk cut in
/// its tag fails to authenticate like a damaged one: that the file ended is
/// what tells them apart.)
#[test]
fn a_copy_cut_in_its_last_chunk_is_truncated_at_finish() {
    let keys = Keys::committed();
    let file = frame_ending_in_its_own_chunk(&keys);
    assert!(read_bundle(&keys, &file).is_ok());
    let trust = keys.trust();
    // The last chunk: three bytes of plaintext and age's 16-byte tag.
    for lost in [1, 10, 3 + 16] {
        let cut = &file[..file.len() - lost];
        let mut reader = BundleReader::open(cut, keys.me(), &trust, true).unwrap();
        while let Some(entry) = reader.next_entry().unwrap() {
            entry.finish().unwrap();
        }
        let err = reader.finish().unwrap_err();
        assert!(matches!(err, UnpackError::Truncated { part: Part::AgePayload }), "{lost} bytes lost: {err:?}");
        let ahead = read_bundle_ahead(&keys, cut).unwrap_err();
        assert!(matches!(ahead, UnpackError::Truncated { part: Part::AgePayload }), "{lost} bytes lost: {ahead:?}");
    }
}

/// A table entry whose rows decode but whose bytes are not the signed ones
/// is a hash mismatch when walked, as when read: the row decoder sees the
/// reader's error only as an `io::Error`, and `walk` hands on the reader's
/// own, which the hash makes authoritative.
#[test]
fn walking_a_table_whose_hash_differs_is_a_hash_mismatch() {
    let keys = Keys::committed();
    let entries = data_entries();
    let (bytes, sig) = signed(&keys, &manifest(&keys, &entries));
    let mut tampered = entries.clone();
    let at = tampered[0].1.windows(5).position(|w| w == b"Erika").unwrap();
    tampered[0].1[at + 4] = b'o';
    let file = seal(&keys, &tar(&items(&bytes, &sig, &tampered)));
    let trust = keys.trust();
    let mut reader = open_interrupted(&keys, &file, &trust);
    let err = bemx_unpack::walk(&mut reader, &mut Seen::default()).unwrap_err();
    assert_eq!(err.class(), "HashMismatch", "{err}");
}
