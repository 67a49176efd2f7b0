//! The handover journal: every event that moves a client into or out of
//! this installation, in the order it happened, in an append-only text file
//! beside the database (`handover-journal.log`), so that it survives any
//! restore of the database — by bemx or by hand.
//!
//! Lines (spec/DESIGN.md, "Record files"; `<uuids>` is a comma-separated
//! list of client UUIDs):
//!
//! ```text
//! exported  <bundle> <recipient-fingerprint> <created> <manifest-sha256> <uuids>
//! confirmed <bundle> <uuids>
//! cancelled <bundle>
//! imported  <bundle> <sender-installation> <imported-at> <uuids>
//! ```
//!
//! Ordering invariants (DESIGN.md): an `exported` line is written before
//! its bundle can exist (E1); `confirmed` and `cancelled` lines before the
//! database changes (C1, X1); an `imported` line right after the import's
//! commit, and again from the database's ledger at the next open if a crash
//! came between (I2). So the journal is never behind the database except
//! for that one gap, which every locked open closes before anything else is
//! appended. Read in order, the later event about a client wins.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::InstallError;
use crate::audit::{self, Event};
use crate::ledger::{self, append_line, malformed, record_line, uuid_list};

/// One event of the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JournalEntry {
    /// The clients were exported and are handed over until confirmed or cancelled.
    Exported {
        /// Bundle id.
        bundle_id: String,
        /// The recipient contact's fingerprint.
        recipient_fingerprint: String,
        /// Export time, RFC 3339.
        created_at: String,
        /// SHA-256 of the exact signed manifest, hex: a receipt must name it.
        manifest_sha256: String,
        /// The clients' UUIDs.
        clients: Vec<String>,
    },
    /// The receiver's receipt confirmed the handover; the clients are purged here.
    Confirmed {
        /// Bundle id.
        bundle_id: String,
        /// The clients' UUIDs.
        clients: Vec<String>,
    },
    /// The sender took the clients back.
    Cancelled {
        /// Bundle id.
        bundle_id: String,
    },
    /// A bundle was imported: its clients live here now.
    Imported {
        /// Bundle id.
        bundle_id: String,
        /// The verified sender's installation id, hex.
        sender_installation: String,
        /// Import time, RFC 3339.
        imported_at: String,
        /// The clients' UUIDs.
        clients: Vec<String>,
    },
}

/// One line of the journal as read, borrowing it: a client list is walked
/// where it is used, never collected (a line may name 100,000 clients, and
/// the journal holds every handover there ever was; issue 18, item 5).
#[derive(Debug, Clone, Copy)]
enum Line<'a> {
    Exported {
        bundle_id: &'a str,
        recipient_fingerprint: &'a str,
        created_at: &'a str,
        manifest_sha256: &'a str,
        clients: &'a str,
    },
    Confirmed {
        bundle_id: &'a str,
        clients: &'a str,
    },
    Cancelled {
        bundle_id: &'a str,
    },
    Imported {
        bundle_id: &'a str,
        sender_installation: &'a str,
        imported_at: &'a str,
        clients: &'a str,
    },
}

/// The items of a comma-separated client list, empty ones skipped (as
/// [`uuid_list`] reads them).
fn items(list: &str) -> impl Iterator<Item = &str> {
    list.split(',').filter(|s| !s.is_empty())
}

impl<'a> Line<'a> {
    /// spec/DESIGN.md §4.3: the keyword, its fields, an optional list, and
    /// nothing after it.
    fn parse(line: &'a str) -> Option<Self> {
        let mut f = line.split_whitespace();
        let parsed = match (f.next()?, f.next()?) {
            ("exported", bundle_id) => Line::Exported {
                bundle_id,
                recipient_fingerprint: f.next()?,
                created_at: f.next()?,
                manifest_sha256: f.next()?,
                clients: f.next().unwrap_or_default(),
            },
            ("confirmed", bundle_id) => Line::Confirmed { bundle_id, clients: f.next().unwrap_or_default() },
            ("cancelled", bundle_id) => Line::Cancelled { bundle_id },
            ("imported", bundle_id) => Line::Imported {
                bundle_id,
                sender_installation: f.next()?,
                imported_at: f.next()?,
                clients: f.next().unwrap_or_default(),
            },
            _ => return None,
        };
        f.next().is_none().then_some(parsed)
    }

    fn bundle_id(&self) -> &'a str {
        match *self {
            Line::Exported { bundle_id, .. }
            | Line::Confirmed { bundle_id, .. }
            | Line::Cancelled { bundle_id }
            | Line::Imported { bundle_id, .. } => bundle_id,
        }
    }

    fn to_entry(self) -> JournalEntry {
        let list = uuid_list;
        match self {
            Line::Exported { bundle_id, recipient_fingerprint, created_at, manifest_sha256, clients } => {
                JournalEntry::Exported {
                    bundle_id: bundle_id.to_owned(),
                    recipient_fingerprint: recipient_fingerprint.to_owned(),
                    created_at: created_at.to_owned(),
                    manifest_sha256: manifest_sha256.to_owned(),
                    clients: list(clients),
                }
            }
            Line::Confirmed { bundle_id, clients } => {
                JournalEntry::Confirmed { bundle_id: bundle_id.to_owned(), clients: list(clients) }
            }
            Line::Cancelled { bundle_id } => JournalEntry::Cancelled { bundle_id: bundle_id.to_owned() },
            Line::Imported { bundle_id, sender_installation, imported_at, clients } => JournalEntry::Imported {
                bundle_id: bundle_id.to_owned(),
                sender_installation: sender_installation.to_owned(),
                imported_at: imported_at.to_owned(),
                clients: list(clients),
            },
        }
    }
}

impl JournalEntry {
    fn to_line(&self) -> String {
        match self {
            JournalEntry::Exported { bundle_id, recipient_fingerprint, created_at, manifest_sha256, clients } => {
                let fp: String = recipient_fingerprint.split_whitespace().collect();
                record_line(format!("exported {bundle_id} {fp} {created_at} {manifest_sha256} "), clients)
            }
            JournalEntry::Confirmed { bundle_id, clients } => record_line(format!("confirmed {bundle_id} "), clients),
            JournalEntry::Cancelled { bundle_id } => format!("cancelled {bundle_id}\n"),
            JournalEntry::Imported { bundle_id, sender_installation, imported_at, clients } => {
                record_line(format!("imported {bundle_id} {sender_installation} {imported_at} "), clients)
            }
        }
    }
}

/// Reads the journal line by line, handing each event to `each`; a line
/// this version cannot read is refused with its number.
fn for_each_line(path: &Path, mut each: impl FnMut(Line<'_>) -> Result<(), InstallError>) -> Result<(), InstallError> {
    for_each_line_while(path, |line| each(line).map(|()| true))
}

/// [`for_each_line`], stopping where `each` returns `false`
/// ([`ledger::for_each_record_while`]).
fn for_each_line_while(
    path: &Path,
    mut each: impl FnMut(Line<'_>) -> Result<bool, InstallError>,
) -> Result<(), InstallError> {
    ledger::for_each_record_while(path, |n, l| each(Line::parse(l).ok_or_else(|| malformed(path, n))?))
}

/// Reads the whole journal. Every event's client list is held: for tests
/// and small journals; the installation's own reading folds it line by
/// line ([`apply`]).
pub fn read_journal(path: &Path) -> Result<Vec<JournalEntry>, InstallError> {
    let mut entries = Vec::new();
    for_each_line(path, |l| {
        entries.push(l.to_entry());
        Ok(())
    })?;
    Ok(entries)
}

/// Appends one event (fsynced).
pub fn append_journal(path: &Path, entry: &JournalEntry) -> Result<(), InstallError> {
    append_line(path, entry.to_line())
}

/// A handover as the journal tells it. Its clients are not held: the
/// database's `handover_clients` has them, and where it lacks a handover
/// [`apply`] reads them from the handover's `exported` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    /// The recipient's fingerprint.
    pub recipient_fingerprint: String,
    /// Export time.
    pub created_at: String,
    /// SHA-256 of the signed manifest, hex.
    pub manifest_sha256: String,
    /// Its state now.
    pub state: HandoverState,
}

/// Where a handover stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoverState {
    /// Exported; neither confirmed nor cancelled.
    Open,
    /// The receipt came; the clients are gone from here.
    Confirmed,
    /// Taken back.
    Cancelled,
}

/// Where a client stands, by the last event about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientFate {
    /// In an open handover: read-only here.
    HandedOver(Arc<str>),
    /// Confirmed away by this bundle: must not exist here.
    Gone(Arc<str>),
    /// Taken back from this cancelled bundle: lives here.
    Back(Arc<str>),
    /// Arrived with this imported bundle: lives here.
    Arrived(Arc<str>),
}

/// What the last event about a client did, and in which bundle (an index
/// into [`Fates::bundles`]): 8 bytes a client. "Taken back" is not kept:
/// a cancel takes back exactly the clients whose last event is still its
/// handover's export, so a fate `HandedOver` of a cancelled handover
/// reads as [`ClientFate::Back`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fate {
    kind: Kind,
    bundle: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    HandedOver,
    Gone,
    Arrived,
}

/// Every client the journal speaks of, by the last event about it: a
/// client written as a UUID is kept as its 16 bytes, any other spelling as
/// written. (A client as a `String` key with an `Arc` fate cost about 130
/// bytes, and a journal of ten handovers of 100,000 clients held a million
/// of them at every open; issue 18, item 5.)
#[derive(Debug, Clone, Default)]
struct Fates {
    bundles: Vec<Arc<str>>,
    index: std::collections::HashMap<Arc<str>, u32>,
    ids: BTreeMap<[u8; 16], Fate>,
    spelled: BTreeMap<Box<str>, Fate>,
    /// Only the clients of this slice are kept (`None`: all).
    slicing: Option<Slicing>,
}

/// A slice of the clients, by a 32-bit hash of how each is written: the
/// clients whose hash is in `lo..hi`. [`for_each_fate`] folds the journal
/// once per slice, so that it never holds more than so many fates however
/// long the journal grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slice {
    lo: u64,
    hi: u64,
}

impl Slice {
    const ALL: Slice = Slice { lo: 0, hi: 1 << 32 };

    fn holds(&self, hash: u64) -> bool {
        (self.lo..self.hi).contains(&hash)
    }

    /// Its two halves; `None` for a slice of one hash value.
    fn halves(self) -> Option<(Slice, Slice)> {
        let mid = self.lo + (self.hi - self.lo) / 2;
        (mid > self.lo).then_some((Slice { lo: self.lo, hi: mid }, Slice { lo: mid, hi: self.hi }))
    }
}

/// How a fold slices the clients: the hash, and the slice kept.
#[derive(Debug, Clone)]
struct Slicing {
    slice: Slice,
    hash: SliceHash,
}

/// A 32-bit hash of a client's text.
#[derive(Debug, Clone)]
enum SliceHash {
    /// SipHash with a key drawn for the one [`for_each_fate`]: a client id
    /// comes from another installation's bundle, and with a known hash a
    /// sender could choose ids that share one value, which no slicing
    /// divides.
    Keyed(std::hash::RandomState),
    /// Every client the same value: the case no halving divides.
    #[cfg(test)]
    Constant(u64),
}

impl SliceHash {
    fn of(&self, text: &str) -> u64 {
        use std::hash::BuildHasher as _;
        match self {
            SliceHash::Keyed(state) => state.hash_one(text) >> 32,
            #[cfg(test)]
            SliceHash::Constant(value) => *value,
        }
    }
}

/// The 16 bytes of a client written as a UUID in lower-case hyphenated
/// form, the form bemx writes; `None` for any other spelling, which is
/// kept as written so that the lookups find what the database holds.
fn uuid_key(client: &str) -> Option<[u8; 16]> {
    if client.len() != 36 {
        return None;
    }
    let id = uuid::Uuid::parse_str(client).ok()?;
    let mut text = [0u8; 36];
    (id.hyphenated().encode_lower(&mut text).as_bytes() == client.as_bytes()).then(|| *id.as_bytes())
}

impl Fates {
    /// The index of a bundle id, added at first sight.
    fn bundle(&mut self, id: &str) -> u32 {
        if let Some(&i) = self.index.get(id) {
            return i;
        }
        let i = u32::try_from(self.bundles.len()).unwrap_or(u32::MAX);
        let id: Arc<str> = Arc::from(id);
        self.bundles.push(Arc::clone(&id));
        self.index.insert(id, i);
        i
    }

    /// Every client of `list` now has this fate.
    fn set_all(&mut self, list: &str, kind: Kind, bundle_id: &str) {
        let fate = Fate { kind, bundle: self.bundle(bundle_id) };
        for client in items(list) {
            // By the text: one client is one text (a UUID in another
            // spelling is another key), and a client of another slice is
            // passed over before it is parsed.
            if self.slicing.as_ref().is_some_and(|s| !s.slice.holds(s.hash.of(client))) {
                continue;
            }
            match uuid_key(client) {
                Some(id) => {
                    self.ids.insert(id, fate);
                }
                None => {
                    self.spelled.insert(client.into(), fate);
                }
            }
        }
    }

    #[cfg(test)]
    fn get(&self, client: &str) -> Option<Fate> {
        match uuid_key(client) {
            Some(id) => self.ids.get(&id).copied(),
            None => self.spelled.get(client).copied(),
        }
    }

    fn len(&self) -> usize {
        self.ids.len() + self.spelled.len()
    }

    /// Every client with its fate: UUIDs in their order, then the others.
    fn iter(&self) -> impl Iterator<Item = (String, Fate)> + '_ {
        let ids = self.ids.iter().map(|(id, f)| (uuid::Uuid::from_bytes(*id).hyphenated().to_string(), *f));
        ids.chain(self.spelled.iter().map(|(c, f)| (c.to_string(), *f)))
    }
}

/// The journal read in order: the later event about a client wins.
#[derive(Debug, Clone, Default)]
pub(crate) struct Replay {
    /// Handovers exported from here, by bundle id.
    pub(crate) handovers: BTreeMap<String, Handover>,
    /// Every client the journal speaks of, by the last event about it.
    fates: Fates,
    /// Whether the fates are kept ([`Replay::handovers_read`] does not).
    with_clients: bool,
}

impl Replay {
    /// The handovers of the journal file alone, folded exactly as
    /// [`for_each_fate`] folds them, without any client's fate: a receipt's
    /// check needs one handover's state and manifest.
    pub(crate) fn handovers_read(path: &Path) -> Result<BTreeMap<String, Handover>, InstallError> {
        let mut r = Replay::default();
        for_each_line(path, |line| {
            r.fold(line);
            Ok(())
        })?;
        Ok(r.handovers)
    }

    /// One event.
    fn fold(&mut self, line: Line<'_>) {
        match line {
            Line::Exported { bundle_id, recipient_fingerprint, created_at, manifest_sha256, clients } => {
                if self.handovers.contains_key(bundle_id) {
                    return;
                }
                if self.with_clients {
                    self.fates.set_all(clients, Kind::HandedOver, bundle_id);
                }
                self.handovers.insert(
                    bundle_id.to_owned(),
                    Handover {
                        recipient_fingerprint: recipient_fingerprint.to_owned(),
                        created_at: created_at.to_owned(),
                        manifest_sha256: manifest_sha256.to_owned(),
                        state: HandoverState::Open,
                    },
                );
            }
            Line::Confirmed { bundle_id, clients } => {
                if let Some(h) = self.handovers.get_mut(bundle_id) {
                    if h.state != HandoverState::Open {
                        return;
                    }
                    h.state = HandoverState::Confirmed;
                }
                if self.with_clients {
                    self.fates.set_all(clients, Kind::Gone, bundle_id);
                }
            }
            Line::Cancelled { bundle_id } => {
                // Its clients still `HandedOver` by it read as taken back
                // from now on (`Fate`).
                if let Some(h) = self.handovers.get_mut(bundle_id).filter(|h| h.state == HandoverState::Open) {
                    h.state = HandoverState::Cancelled;
                }
            }
            Line::Imported { bundle_id, clients, .. } => {
                if self.with_clients {
                    self.fates.set_all(clients, Kind::Arrived, bundle_id);
                }
            }
        }
    }

    /// A fate as the caller sees it.
    fn view(&self, fate: Fate) -> ClientFate {
        let bundle = self.fates.bundles.get(fate.bundle as usize).map_or_else(|| Arc::from(""), Arc::clone);
        match fate.kind {
            Kind::HandedOver => {
                if self.handovers.get(&*bundle).is_some_and(|h| h.state == HandoverState::Cancelled) {
                    ClientFate::Back(bundle)
                } else {
                    ClientFate::HandedOver(bundle)
                }
            }
            Kind::Gone => ClientFate::Gone(bundle),
            Kind::Arrived => ClientFate::Arrived(bundle),
        }
    }

    /// Where a client stands by the journal, if it speaks of it.
    #[cfg(test)]
    pub(crate) fn fate(&self, client: &str) -> Option<ClientFate> {
        self.fates.get(client).map(|f| self.view(f))
    }

    /// How many clients the journal speaks of.
    pub(crate) fn client_count(&self) -> usize {
        self.fates.len()
    }

    /// Every client the journal speaks of, with its fate, one at a time.
    pub(crate) fn clients(&self) -> impl Iterator<Item = (String, ClientFate)> + '_ {
        self.fates.iter().map(|(c, f)| (c, self.view(f)))
    }
}

/// Most client fates [`for_each_fate`] holds at once: about 26 MiB.
const FATES_AT_ONCE: usize = 500_000;

/// Every client the journal file names, each once, with its fate: the
/// journal folded line by line (spec/DESIGN.md §4.3), for one slice of the
/// clients at a time. A fold that comes to hold more than `at_once` fates
/// stops there and its slice is folded again as two halves, so memory stays
/// flat however many clients the journal has named over the years (issue
/// 18, item 5: eight handovers of 100,000 clients held 217 MiB when every
/// fate was held at once). A journal of fewer is folded once. A fold that
/// stops early leaves lines unchecked, but at least one fold runs to the
/// end (each slice that is not halved), and it checks them all.
///
/// Returns the handovers, folded by every fold alike (the last finished
/// fold's), and how it went, for the tests.
fn for_each_fate(
    path: &Path,
    at_once: usize,
    hash: SliceHash,
    mut each: impl FnMut(String, ClientFate) -> Result<(), InstallError>,
) -> Result<(BTreeMap<String, Handover>, Folds), InstallError> {
    let mut folds = Folds::default();
    let mut handovers = BTreeMap::new();
    let mut todo = vec![Slice::ALL];
    while let Some(slice) = todo.pop() {
        folds.readings += 1;
        // A slice of one hash value is folded whole, whatever it holds.
        let halves = slice.halves();
        let mut r = Replay { with_clients: true, ..Replay::default() };
        r.fates.slicing = Some(Slicing { slice, hash: hash.clone() });
        let mut over = false;
        for_each_line_while(path, |line| {
            r.fold(line);
            over = halves.is_some() && r.client_count() > at_once;
            Ok(!over)
        })?;
        match halves {
            Some((low, high)) if over => {
                todo.push(high);
                todo.push(low);
            }
            _ => {
                folds.most_kept = folds.most_kept.max(r.client_count());
                for (client, fate) in r.clients() {
                    each(client, fate)?;
                }
                handovers = r.handovers;
            }
        }
    }
    Ok((handovers, folds))
}

/// How [`for_each_fate`] went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Folds {
    /// Readings of the file, those stopped early included.
    readings: usize,
    /// The most fates a finished fold held.
    most_kept: usize,
}

#[cfg(test)]
impl Replay {
    /// The replay of these events, every fate held.
    pub(crate) fn of(entries: impl IntoIterator<Item = JournalEntry>) -> Self {
        Self::of_entries(entries, true)
    }

    /// [`Replay::handovers_read`] of these events, as the replay it keeps.
    pub(crate) fn handovers_of(entries: impl IntoIterator<Item = JournalEntry>) -> Self {
        Self::of_entries(entries, false)
    }

    /// The events through the text and the fold the file goes through.
    fn of_entries(entries: impl IntoIterator<Item = JournalEntry>, with_clients: bool) -> Self {
        let mut r = Replay { with_clients, ..Replay::default() };
        for e in entries {
            let mut text = e.to_line();
            text.pop();
            r.fold(Line::parse(&text).expect("a journal entry reads back from its line"));
        }
        r
    }
}

/// What applying the journal to a database did or found.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Applied {
    /// Clients purged again: confirmed away, yet present (an older backup).
    pub purged: Vec<String>,
    /// Handovers reopened: exported after the database's state.
    pub reopened: Vec<String>,
    /// Clients that arrived by import but are missing from the database:
    /// (client UUID, bundle id). Nothing can bring them back from here.
    pub missing: Vec<(String, String)>,
}

/// Makes the records agree with the journal: handovers the database does
/// not know are opened (their clients read-only), settled ones settled.
/// Runs inside the caller's transaction, which writes bemx's records only;
/// the clients confirmed away yet present are returned in
/// [`Applied::purged`] for [`purge_again`] to remove after it commits
/// (P1: a purge commits alone). The journal is read for the clients' fates
/// and the handovers (one slice of the clients at a time,
/// `for_each_fate`), then for the clients of any handover the database
/// lacks.
pub fn apply(tx: &rusqlite::Transaction<'_>, journal: &Path) -> Result<Applied, InstallError> {
    let mut applied = Applied::default();
    // Each client looked up as its fate comes: the journal may have named
    // millions of clients, and they are neither held at once nor listed.
    let mut here = bemx_db::ClientLookup::new(tx)?;
    let (handovers, _) =
        for_each_fate(journal, FATES_AT_ONCE, SliceHash::Keyed(std::hash::RandomState::new()), |client, fate| {
            match fate {
                ClientFate::Gone(_) => {
                    if here.bem_id(&client)?.is_some() {
                        applied.purged.push(client);
                    }
                }
                ClientFate::Arrived(bundle) => {
                    if here.bem_id(&client)?.is_none() {
                        applied.missing.push((client, bundle.to_string()));
                    }
                }
                ClientFate::HandedOver(_) | ClientFate::Back(_) => {}
            }
            Ok(())
        })?;
    drop(here);
    // In the clients' order, however the fates were sliced.
    applied.purged.sort_unstable();
    applied.missing.sort_unstable();
    let mut unknown = std::collections::HashSet::new();
    for (bundle_id, h) in &handovers {
        let state = match h.state {
            HandoverState::Open => "open",
            HandoverState::Confirmed => "confirmed",
            HandoverState::Cancelled => "cancelled",
        };
        let inserted = tx.execute(
            "INSERT OR IGNORE INTO handovers (bundle_id, recipient_fingerprint, created_at, state) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![bundle_id, h.recipient_fingerprint, h.created_at, state],
        )?;
        if inserted == 1 {
            unknown.insert(bundle_id.as_str());
            if h.state == HandoverState::Open {
                applied.reopened.push(bundle_id.clone());
            }
        } else if h.state != HandoverState::Open {
            tx.execute(
                "UPDATE handovers SET state = ?2 WHERE bundle_id = ?1 AND state = 'open'",
                rusqlite::params![bundle_id, state],
            )?;
        }
    }
    if !unknown.is_empty() {
        // The clients of each from its first `exported` line, the one the
        // replay opened it by.
        let mut add = tx.prepare("INSERT OR IGNORE INTO handover_clients (bundle_id, client_uuid) VALUES (?1, ?2)")?;
        for_each_line(journal, |line| {
            if let Line::Exported { bundle_id, clients, .. } = line
                && unknown.remove(bundle_id)
            {
                for uuid in items(clients) {
                    add.execute(rusqlite::params![bundle_id, uuid])?;
                }
            }
            Ok(())
        })?;
    }
    Ok(applied)
}

/// Purges the clients [`apply`] found confirmed away yet present, in a
/// transaction of its own that writes only the database they live in (P1,
/// [`crate::lock::begin_for_purge`]), whose kept journal is overwritten as
/// soon as it commits ([`bemx_db::scrub_journal`]). Then, unless
/// `audit_here` is false (a restore's copy beside records kept apart: its
/// caller records the event once the copy is the database), the audit log
/// says so in the next transaction. A crash
/// between the two leaves the clients purged and the event unrecorded; the
/// journal still holds the confirmation that purged them.
pub fn purge_again(conn: &mut rusqlite::Connection, applied: &Applied, audit_here: bool) -> Result<(), InstallError> {
    if applied.purged.is_empty() {
        return Ok(());
    }
    let tx = crate::lock::begin_for_purge(conn)?;
    bemx_db::purge_clients(&tx, &applied.purged)?;
    tx.commit()?;
    // Overwritten at once, before another program's write could reuse the
    // kept journal and give its blocks back unscrubbed.
    bemx_db::scrub_journal(conn)?;
    if audit_here {
        record_purged_again(conn, applied)?;
    }
    Ok(())
}

/// The audit event of [`purge_again`].
pub(crate) fn record_purged_again(conn: &rusqlite::Connection, applied: &Applied) -> Result<(), InstallError> {
    let now = bemx_format::time::rfc3339(bemx_format::time::now());
    let detail = format!("clients={} uuids={}", applied.purged.len(), applied.purged.join(","));
    audit::record(conn, &now, Event::HandoverReapplied, "-", &detail)
}

/// Appends what the database knows and the journal does not: an import
/// whose `imported` line a crash prevented (I2), and — for a journal that
/// was lost or predates a bundle — handovers the journal has never heard of.
pub fn reconcile(conn: &rusqlite::Connection, path: &Path) -> Result<(), InstallError> {
    // The bundle ids the journal speaks of, and its imports by (sender,
    // bundle): a few per handover, never a client list.
    let mut known = std::collections::HashSet::new();
    let mut imported = std::collections::HashSet::new();
    for_each_line(path, |line| {
        if let Line::Imported { bundle_id, sender_installation, .. } = line {
            imported.insert((sender_installation.to_owned(), bundle_id.to_owned()));
        }
        known.insert(line.bundle_id().to_owned());
        Ok(())
    })?;
    for key in ledger::db_ledger_keys(conn)? {
        if !imported.contains(&key) {
            let e = ledger::db_ledger_entry(conn, &key)?;
            append_journal(
                path,
                &JournalEntry::Imported {
                    bundle_id: e.bundle_id,
                    sender_installation: e.sender_installation,
                    imported_at: e.imported_at,
                    clients: e.client_uuids,
                },
            )?;
        }
    }
    let mut stmt = conn.prepare(
        "SELECT bundle_id, recipient_fingerprint, created_at, state FROM handovers ORDER BY created_at, rowid",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut clients_of =
        conn.prepare("SELECT client_uuid FROM handover_clients WHERE bundle_id = ?1 ORDER BY client_uuid")?;
    for (bundle_id, recipient_fingerprint, created_at, state) in rows {
        if known.contains(&bundle_id) {
            continue;
        }
        let clients = clients_of.query_map([&bundle_id], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
        let exported = JournalEntry::Exported {
            bundle_id: bundle_id.clone(),
            recipient_fingerprint,
            created_at,
            manifest_sha256: "-".into(),
            clients,
        };
        append_journal(path, &exported)?;
        let JournalEntry::Exported { clients, .. } = exported else { continue };
        match state.as_str() {
            "confirmed" => append_journal(path, &JournalEntry::Confirmed { bundle_id, clients })?,
            "cancelled" => append_journal(path, &JournalEntry::Cancelled { bundle_id })?,
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exported(b: &str, clients: &[&str]) -> JournalEntry {
        JournalEntry::Exported {
            bundle_id: b.into(),
            recipient_fingerprint: "ABCD-EFGH".into(),
            created_at: "2026-11-28T02:39:39Z".into(),
            manifest_sha256: "00".repeat(32),
            clients: clients.iter().map(|c| c.to_string()).collect(),
        }
    }

    fn confirmed(b: &str, clients: &[&str]) -> JournalEntry {
        JournalEntry::Confirmed { bundle_id: b.into(), clients: clients.iter().map(|c| c.to_string()).collect() }
    }

    fn imported(b: &str, clients: &[&str]) -> JournalEntry {
        JournalEntry::Imported {
            bundle_id: b.into(),
            sender_installation: "11".repeat(16),
            imported_at: "2026-11-29T02:39:39Z".into(),
            clients: clients.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn every_line_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("j.log");
        let all = vec![
            exported("cc", &["u3"]),
            confirmed("aa", &["u1", "u2"]),
            JournalEntry::Cancelled { bundle_id: "bb".into() },
            imported("dd", &["u4"]),
        ];
        for e in &all {
            append_journal(&p, e).unwrap();
        }
        assert_eq!(read_journal(&p).unwrap(), all);
    }

    #[test]
    fn the_later_event_about_a_client_wins() {
        // Issue 13.3: A → B confirmed, then B → A imported: the client lives here.
        let r = Replay::of([exported("b1", &["c"]), confirmed("b1", &["c"]), imported("b2", &["c"])]);
        assert_eq!(r.fate("c").unwrap(), ClientFate::Arrived("b2".into()));
        // And the other way round: imported, then exported and confirmed away.
        let r = Replay::of([imported("b0", &["c"]), exported("b1", &["c"]), confirmed("b1", &["c"])]);
        assert_eq!(r.fate("c").unwrap(), ClientFate::Gone("b1".into()));
    }

    #[test]
    fn an_exported_line_after_a_cancel_does_not_reopen_the_handover() {
        let r = Replay::of([
            exported("b1", &["c"]),
            JournalEntry::Cancelled { bundle_id: "b1".into() },
            exported("b1", &["c"]),
        ]);
        assert_eq!(r.handovers["b1"].state, HandoverState::Cancelled);
        assert_eq!(r.fate("c").unwrap(), ClientFate::Back("b1".into()));
    }

    #[test]
    fn a_cancel_takes_back_only_the_clients_its_handover_still_holds() {
        let r = Replay::of([
            exported("b1", &["c", "d"]),
            imported("b0", &["d"]),
            exported("b2", &["c"]),
            JournalEntry::Cancelled { bundle_id: "b1".into() },
        ]);
        assert_eq!(r.fate("c").unwrap(), ClientFate::HandedOver("b2".into()));
        assert_eq!(r.fate("d").unwrap(), ClientFate::Arrived("b0".into()));
        let r = Replay::of([exported("b1", &["c"]), JournalEntry::Cancelled { bundle_id: "b1".into() }]);
        assert_eq!(r.fate("c").unwrap(), ClientFate::Back("b1".into()));
    }

    /// The handovers alone fold as the whole replay folds them, for every
    /// sequence of four of these events, and keep no client's fate.
    #[test]
    fn the_handovers_alone_are_the_handovers_of_the_whole_replay() {
        let events = [
            exported("b1", &["c", "d"]),
            confirmed("b1", &["c", "d"]),
            JournalEntry::Cancelled { bundle_id: "b1".into() },
            exported("b1", &["e"]),
            imported("b2", &["c"]),
            confirmed("b9", &["x"]),
        ];
        let n = events.len();
        for a in 0..n {
            for b in 0..n {
                for c in 0..n {
                    for d in 0..n {
                        let seq: Vec<JournalEntry> = [a, b, c, d].iter().map(|&i| events[i].clone()).collect();
                        let alone = Replay::handovers_of(seq.clone());
                        assert_eq!(alone.handovers, Replay::of(seq).handovers);
                        // And no client's fate is kept for it: that map is
                        // what it saves.
                        assert_eq!(alone.client_count(), 0);
                    }
                }
            }
        }
    }

    #[test]
    fn a_cancel_does_not_undo_a_confirm() {
        let r = Replay::of([
            exported("b1", &["c"]),
            confirmed("b1", &["c"]),
            JournalEntry::Cancelled { bundle_id: "b1".into() },
        ]);
        assert_eq!(r.handovers["b1"].state, HandoverState::Confirmed);
        assert_eq!(r.fate("c").unwrap(), ClientFate::Gone("b1".into()));
    }

    /// The fold as it was before the fates were compacted (a `String` per
    /// client, a cancel walking its handover's list): the oracle the
    /// compact fold must agree with.
    fn reference(events: &[JournalEntry]) -> (BTreeMap<String, HandoverState>, BTreeMap<String, ClientFate>) {
        let mut handovers: BTreeMap<String, (HandoverState, Vec<String>)> = BTreeMap::new();
        let mut clients: BTreeMap<String, ClientFate> = BTreeMap::new();
        for e in events.iter().cloned() {
            match e {
                JournalEntry::Exported { bundle_id, clients: list, .. } => {
                    if handovers.contains_key(&bundle_id) {
                        continue;
                    }
                    for c in &list {
                        clients.insert(c.clone(), ClientFate::HandedOver(bundle_id.as_str().into()));
                    }
                    handovers.insert(bundle_id, (HandoverState::Open, list));
                }
                JournalEntry::Confirmed { bundle_id, clients: list } => {
                    if let Some(h) = handovers.get_mut(&bundle_id) {
                        if h.0 != HandoverState::Open {
                            continue;
                        }
                        h.0 = HandoverState::Confirmed;
                    }
                    for c in list {
                        clients.insert(c, ClientFate::Gone(bundle_id.as_str().into()));
                    }
                }
                JournalEntry::Cancelled { bundle_id } => {
                    let Some(h) = handovers.get_mut(&bundle_id).filter(|h| h.0 == HandoverState::Open) else {
                        continue;
                    };
                    h.0 = HandoverState::Cancelled;
                    for c in &h.1 {
                        if let Some(fate) = clients.get_mut(c)
                            && *fate == ClientFate::HandedOver(bundle_id.as_str().into())
                        {
                            *fate = ClientFate::Back(bundle_id.as_str().into());
                        }
                    }
                }
                JournalEntry::Imported { bundle_id, clients: list, .. } => {
                    for c in list {
                        clients.insert(c, ClientFate::Arrived(bundle_id.as_str().into()));
                    }
                }
            }
        }
        (handovers.into_iter().map(|(b, (state, _))| (b, state)).collect(), clients)
    }

    /// Clients as bemx writes them (16 bytes each in the fold), one of them
    /// also in capitals and braces (kept as written), and names that are
    /// no UUID at all.
    const CLIENTS: [&str; 6] = [
        "0b1e2d3c-4a5b-4c6d-8e7f-901234567890",
        "f0e1d2c3-b4a5-4968-8776-655443322110",
        "0B1E2D3C-4A5B-4C6D-8E7F-901234567890",
        "{f0e1d2c3-b4a5-4968-8776-655443322110}",
        "c",
        "u1",
    ];

    fn event() -> impl proptest::strategy::Strategy<Value = JournalEntry> {
        use proptest::prelude::*;
        let bundle = proptest::sample::select(vec!["b1", "b2", "b3"]);
        let list = proptest::sample::subsequence(CLIENTS.to_vec(), 0..=CLIENTS.len())
            .prop_map(|l| l.into_iter().map(str::to_owned).collect::<Vec<String>>());
        (0..4u8, bundle, list).prop_map(|(kind, b, list)| match kind {
            0 => JournalEntry::Exported {
                bundle_id: b.into(),
                recipient_fingerprint: "ABCD-EFGH".into(),
                created_at: "2026-11-28T02:39:39Z".into(),
                manifest_sha256: "00".repeat(32),
                clients: list,
            },
            1 => JournalEntry::Confirmed { bundle_id: b.into(), clients: list },
            2 => JournalEntry::Cancelled { bundle_id: b.into() },
            _ => JournalEntry::Imported {
                bundle_id: b.into(),
                sender_installation: "11".repeat(16),
                imported_at: "2026-11-29T02:39:39Z".into(),
                clients: list,
            },
        })
    }

    proptest::proptest! {
        /// Every sequence of events folds to what the fold before the
        /// compact fates made of it: each handover's state, and each
        /// client's fate however it is spelled.
        #[test]
        fn the_compact_fold_agrees_with_the_plain_one(events in proptest::collection::vec(event(), 0..14)) {
            let (states, fates) = reference(&events);
            let r = Replay::of(events.clone());
            let folded: BTreeMap<String, HandoverState> =
                r.handovers.iter().map(|(b, h)| (b.clone(), h.state)).collect();
            proptest::prop_assert_eq!(folded, states);
            for c in CLIENTS {
                proptest::prop_assert_eq!(r.fate(c), fates.get(c).cloned(), "{}", c);
            }
            let listed: BTreeMap<String, ClientFate> = r.clients().collect();
            proptest::prop_assert_eq!(listed, fates);
            let handovers = Replay::handovers_of(events).handovers;
            proptest::prop_assert_eq!(handovers, r.handovers);
        }
    }

    /// The journal file folds, line by line, as its events do: its clients
    /// come each once with their fates however few are held at once, and
    /// the handovers alone as they do.
    #[test]
    fn the_file_folds_as_its_events_in_slices_of_any_size() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("j.log");
        let events = vec![
            exported("b1", &[CLIENTS[0], CLIENTS[4]]),
            imported("b0", &[CLIENTS[1], CLIENTS[2]]),
            confirmed("b1", &[CLIENTS[0]]),
            exported("b2", &[CLIENTS[4], CLIENTS[3]]),
            JournalEntry::Cancelled { bundle_id: "b2".into() },
        ];
        for e in &events {
            append_journal(&p, e).unwrap();
        }
        let mut want: Vec<(String, ClientFate)> = Replay::of(events.clone()).clients().collect();
        want.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(want.len(), 5);
        assert!(want.contains(&(CLIENTS[4].to_owned(), ClientFate::Back("b2".into()))));
        for at_once in [1, 2, 3, 5, FATES_AT_ONCE] {
            let (fates, folds) = folds_sliced_by(&p, at_once, SliceHash::Keyed(std::hash::RandomState::new()));
            assert_eq!(fates, want, "{at_once} at once");
            // No finished fold held more than it may (five clients, two in
            // 2^32 hash values: they collide once in 400 million runs),
            // and only a journal of more clients is read more than once.
            assert!(folds.most_kept <= at_once, "{at_once} at once: {folds:?}");
            assert_eq!(folds.readings > 1, at_once < 5, "{at_once} at once: {folds:?}");
        }
        // Clients that all share one hash value: halved down to that one
        // value, which is folded whole, each client still once.
        for value in [0, 1 << 31, u64::from(u32::MAX)] {
            let (fates, folds) = folds_sliced_by(&p, 1, SliceHash::Constant(value));
            assert_eq!(fates, want, "all at {value}");
            // Halved 32 times, each time the other half read for nothing,
            // the last slice folded whole.
            assert_eq!(folds, Folds { readings: 65, most_kept: 5 }, "all at {value}");
        }
        assert_eq!(Replay::handovers_read(&p).unwrap(), Replay::of(events.clone()).handovers);
        assert_eq!(read_journal(&p).unwrap(), events);
    }

    /// What [`for_each_fate`] hands out, in the clients' order.
    fn fates_of(path: &Path, at_once: usize) -> Vec<(String, ClientFate)> {
        fates_sliced_by(path, at_once, SliceHash::Keyed(std::hash::RandomState::new()))
    }

    /// [`fates_of`] with a hash of the test's choosing.
    fn fates_sliced_by(path: &Path, at_once: usize, hash: SliceHash) -> Vec<(String, ClientFate)> {
        folds_sliced_by(path, at_once, hash).0
    }

    /// [`fates_sliced_by`] and how the folds went. The handovers it folds
    /// on the way are the handovers of the file alone, however it slices.
    fn folds_sliced_by(path: &Path, at_once: usize, hash: SliceHash) -> (Vec<(String, ClientFate)>, Folds) {
        let mut fates = Vec::new();
        let (handovers, folds) = for_each_fate(path, at_once, hash, |c, f| {
            fates.push((c, f));
            Ok(())
        })
        .unwrap();
        assert_eq!(handovers, Replay::handovers_read(path).unwrap(), "{at_once} at once");
        fates.sort_by(|a, b| a.0.cmp(&b.0));
        (fates, folds)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// A journal of any events, written as a file and folded a slice
        /// at a time, gives every client once with the fate the plain fold
        /// gives it, and each handover's state.
        #[test]
        fn the_sliced_fold_of_the_file_agrees_with_the_plain_one(
            events in proptest::collection::vec(event(), 0..14),
            at_once in 1usize..5,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("j.log");
            let text: String = events.iter().map(JournalEntry::to_line).collect();
            std::fs::write(&p, text).unwrap();
            let (states, fates) = reference(&events);
            proptest::prop_assert_eq!(fates_of(&p, at_once), fates.into_iter().collect::<Vec<_>>());
            let folded: BTreeMap<String, HandoverState> =
                Replay::handovers_read(&p).unwrap().into_iter().map(|(b, h)| (b, h.state)).collect();
            proptest::prop_assert_eq!(folded, states);
        }
    }

    /// A client written as bemx writes a UUID is kept as its 16 bytes;
    /// any other spelling (capitals, braces, no UUID at all) as written,
    /// so that each is looked up as the database holds it.
    #[test]
    fn a_uuid_is_kept_as_its_16_bytes_and_any_other_spelling_as_written() {
        let canonical = CLIENTS[0];
        assert_eq!(uuid_key(canonical), Some(*uuid::Uuid::parse_str(canonical).unwrap().as_bytes()));
        for other in &CLIENTS[2..] {
            assert_eq!(uuid_key(other), None, "{other}");
        }
        assert_eq!(uuid_key("0b1e2d3c4a5b4c6d8e7f901234567890"), None, "simple form");
        let mut fates = Fates::default();
        fates.set_all(&CLIENTS.join(","), Kind::Gone, "b1");
        assert_eq!((fates.ids.len(), fates.spelled.len()), (2, 4));
    }

    /// A slice splits into two halves that together are it, down to one
    /// hash value, which does not split.
    #[test]
    fn a_slice_halves_into_two_that_cover_it() {
        let (low, high) = Slice::ALL.halves().unwrap();
        assert_eq!((low.lo, low.hi, high.lo, high.hi), (0, 1 << 31, 1 << 31, 1 << 32));
        let one = Slice { lo: 7, hi: 8 };
        assert_eq!(one.halves(), None);
        let two = Slice { lo: 7, hi: 9 };
        assert_eq!(two.halves(), Some((Slice { lo: 7, hi: 8 }, Slice { lo: 8, hi: 9 })));
        assert!(one.holds(7) && !one.holds(8) && !one.holds(6));
    }
}
