//! The trust store: `home/contacts.json`.
//!
//! Format (pretty JSON, written atomically via a temporary file and rename):
//!
//! ```json
//! {
//!   "bemx_contacts": 1,
//!   "contacts": [
//!     { "bemx_contact": 1, "name": "…", "installation_id": "…", "age_recipient": "age1…",
//!       "ed25519": "<base64>", "fingerprint": "ABCD-…", "added_at": "2025-03-01T12:00:00Z" }
//!   ]
//! }
//! ```
//!
//! Every entry is validated like a contact card when the file is loaded.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::card::{CardJson, ContactCard, Fingerprint};
use crate::error::{IdentityError, Result};
use crate::fsutil;
use crate::i18n::fl;

/// File name of the trust store inside the installation folder.
pub const CONTACTS_FILE: &str = "contacts.json";

/// Fewest letters of a fingerprint that [`Contacts::find`] takes as its
/// start: shorter prefixes are too cheap to grind a card for.
pub const MIN_FINGERPRINT_PREFIX: usize = 8;

const MAX_CONTACTS_BYTES: usize = 16 * 1024 * 1024;

/// A trusted contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// The contact's card, pinned.
    pub card: ContactCard,
    /// When it was added (RFC 3339, UTC).
    pub added_at: String,
}

impl Contact {
    /// The contact's name.
    pub fn name(&self) -> &str {
        &self.card.name
    }

    /// The contact's fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        self.card.fingerprint()
    }
}

/// What [`Contacts::add`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AddOutcome {
    /// The contact is new and was saved.
    Added,
    /// The very same card (same fingerprint) was already trusted; nothing changed.
    AlreadyTrusted,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactsFile {
    bemx_contacts: u64,
    contacts: Vec<StoredContact>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredContact {
    bemx_contact: u64,
    name: String,
    installation_id: String,
    age_recipient: String,
    ed25519: String,
    fingerprint: String,
    added_at: String,
}

/// The trusted contacts of an installation.
#[derive(Debug, Clone)]
pub struct Contacts {
    path: PathBuf,
    contacts: Vec<Contact>,
}

impl Contacts {
    /// Loads `home/contacts.json`; a missing file means no contacts yet.
    ///
    /// Refuses the file, and the installation folder, when another user
    /// could have changed them ([`crate::check_installation_folder`]; on unix
    /// a contacts file writable by its group or others): whoever can write
    /// there can plant a contact whose bundles would then be trusted.
    pub fn load(home: &Path) -> Result<Self> {
        fsutil::check_installation_folder(home)?;
        let path = home.join(CONTACTS_FILE);
        if path.symlink_metadata().is_err() {
            return Ok(Contacts { path, contacts: Vec::new() });
        }
        let corrupt = |reason: String| IdentityError::CorruptContacts { path: path.clone(), reason };
        let raw = fsutil::read_trusted(&path, "contacts file", MAX_CONTACTS_BYTES)?
            .ok_or_else(|| corrupt(fl!("identity-reason-contacts-too-large")))?;
        let file: ContactsFile = serde_json::from_slice(&raw)
            .map_err(|e| corrupt(fl!("identity-reason-not-json", error = e.to_string())))?;
        if file.bemx_contacts != 1 {
            return Err(corrupt(fl!("identity-reason-contacts-version", version = file.bemx_contacts.to_string())));
        }
        let mut contacts: Vec<Contact> = Vec::with_capacity(file.contacts.len());
        for (i, stored) in file.contacts.into_iter().enumerate() {
            let json = CardJson {
                bemx_contact: stored.bemx_contact,
                name: stored.name,
                installation_id: stored.installation_id,
                age_recipient: stored.age_recipient,
                ed25519: stored.ed25519,
                fingerprint: stored.fingerprint,
            };
            let entry = (i + 1).to_string();
            let card = ContactCard::from_json_struct(&json).map_err(|e| {
                corrupt(fl!("identity-reason-contacts-entry", entry = entry.as_str(), error = e.to_string()))
            })?;
            if let Some(clash) = contacts.iter().find(|c| conflicts(&c.card, &card).is_some()) {
                return Err(corrupt(fl!(
                    "identity-reason-contacts-clash",
                    entry = entry.as_str(),
                    name = format!("{:?}", card.name),
                    fingerprint = card.fingerprint().to_string(),
                    other = format!("{:?}", clash.card.name),
                    other_fp = clash.fingerprint().to_string()
                )));
            }
            contacts.push(Contact { card, added_at: stored.added_at });
        }
        Ok(Contacts { path, contacts })
    }

    /// The path of the contacts file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Trusts `card` and saves the file.
    ///
    /// The same card again is [`AddOutcome::AlreadyTrusted`]. A card for a known
    /// installation with other keys is refused ([`IdentityError::ContactKeyChanged`]),
    /// as is a card whose name another installation already has
    /// ([`IdentityError::ContactNameTaken`]) or a name that reads the same
    /// (case folded, look-alike letters: [`IdentityError::ContactNameLooksLike`],
    /// see [`crate::name`]), or whose keys another installation already has
    /// ([`IdentityError::ContactKeyReused`]).
    pub fn add(&mut self, card: ContactCard) -> Result<AddOutcome> {
        card.validate()?;
        let fp = card.fingerprint();
        if self.contacts.iter().any(|c| c.fingerprint() == fp) {
            return Ok(AddOutcome::AlreadyTrusted);
        }
        for existing in &self.contacts {
            if let Some(err) = conflicts(&existing.card, &card) {
                return Err(err);
            }
        }
        let mut next = self.contacts.clone();
        next.push(Contact { card, added_at: fsutil::now_rfc3339() });
        self.write(&next)?;
        self.contacts = next;
        Ok(AddOutcome::Added)
    }

    /// Removes the contact with this fingerprint and saves the file.
    pub fn remove(&mut self, fingerprint: &Fingerprint) -> Result<Contact> {
        let idx = self
            .contacts
            .iter()
            .position(|c| c.fingerprint() == *fingerprint)
            .ok_or_else(|| IdentityError::ContactNotFound { query: fingerprint.to_string(), known: Vec::new() })?;
        let mut next = self.contacts.clone();
        let removed = next.remove(idx);
        self.write(&next)?;
        self.contacts = next;
        Ok(removed)
    }

    /// Finds a contact by name or fingerprint, as a user types them: the
    /// exact name, or the name in any case; the whole fingerprint in any
    /// spelling (case, dashes); else a unique case-insensitive prefix of a
    /// name, or of a fingerprint if at least [`MIN_FINGERPRINT_PREFIX`]
    /// letters of it are given. Names and fingerprints are searched
    /// together, so a card whose name is shaped like the start of another
    /// contact's fingerprint makes the query ambiguous instead of winning.
    /// A query that fits several contacts is refused listing them, and so
    /// is one that fits none (listing every contact): a handover must
    /// never go to a contact bemx guessed.
    pub fn find(&self, name_or_fingerprint: &str) -> Result<&Contact> {
        let query = name_or_fingerprint.trim();
        if let Ok(fp) = Fingerprint::parse(query)
            && let Some(c) = self.find_fingerprint(&fp)
        {
            return Ok(c);
        }
        // A fingerprint prefix is compared without dashes or spaces, in
        // capitals; shorter ones are too easy to grind a card for.
        let compact: String = query.chars().filter(|ch| *ch != '-' && !ch.is_whitespace()).collect();
        let compact = compact.to_uppercase();
        let by_fingerprint: Vec<&Contact> = if compact.chars().count() >= MIN_FINGERPRINT_PREFIX {
            self.contacts.iter().filter(|c| c.fingerprint().to_compact().starts_with(&compact)).collect()
        } else {
            Vec::new()
        };
        // Stored names are normalized (NFC, single spaces); a name typed on
        // a terminal that writes umlauts decomposed must still match.
        let normalized = crate::name::normalize_name(query).ok();
        let folded = normalized.as_deref().unwrap_or(query).to_lowercase();
        let exact: Vec<&Contact> = self.contacts.iter().filter(|c| Some(&c.card.name) == normalized.as_ref()).collect();
        let same_name: Vec<&Contact> = self.contacts.iter().filter(|c| c.card.name.to_lowercase() == folded).collect();
        let by_name: Vec<&Contact> = if !exact.is_empty() {
            exact
        } else if !same_name.is_empty() {
            same_name
        } else {
            self.contacts
                .iter()
                .filter(|c| !folded.is_empty() && c.card.name.to_lowercase().starts_with(&folded))
                .collect()
        };
        let mut candidates = by_name;
        for c in by_fingerprint {
            if !candidates.iter().any(|k| std::ptr::eq(*k, c)) {
                candidates.push(c);
            }
        }
        let shown = |list: &[&Contact]| -> Vec<String> {
            list.iter().map(|c| format!("{} ({})", c.card.name, c.fingerprint())).collect()
        };
        let query: String = query.chars().take(100).collect();
        match candidates.as_slice() {
            [one] => Ok(one),
            [] => {
                Err(IdentityError::ContactNotFound { query, known: shown(&self.contacts.iter().collect::<Vec<_>>()) })
            }
            many => Err(IdentityError::ContactAmbiguous { query, candidates: shown(many) }),
        }
    }

    /// The contact with exactly this fingerprint, if trusted: for records
    /// that store one, never matched by name or prefix.
    pub fn find_fingerprint(&self, fingerprint: &Fingerprint) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.fingerprint() == *fingerprint)
    }

    /// The contact with this Ed25519 public key, if trusted.
    pub fn find_by_signing_key(&self, key: &[u8; 32]) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.card.signing_key == *key)
    }

    /// All contacts, in the order they were added.
    pub fn list(&self) -> &[Contact] {
        &self.contacts
    }

    fn write(&self, contacts: &[Contact]) -> Result<()> {
        let file = ContactsFile {
            bemx_contacts: 1,
            contacts: contacts
                .iter()
                .map(|c| {
                    let j = c.card.to_json_struct();
                    StoredContact {
                        bemx_contact: j.bemx_contact,
                        name: j.name,
                        installation_id: j.installation_id,
                        age_recipient: j.age_recipient,
                        ed25519: j.ed25519,
                        fingerprint: j.fingerprint,
                        added_at: c.added_at.clone(),
                    }
                })
                .collect(),
        };
        let mut text = serde_json::to_string_pretty(&file).map_err(|e| IdentityError::CorruptContacts {
            path: self.path.clone(),
            reason: fl!("identity-reason-cannot-serialize", error = e.to_string()),
        })?;
        text.push('\n');
        fsutil::create_private_dir(bemx_format::durable::parent_dir(&self.path))?;
        fsutil::write_atomic(&self.path, text.as_bytes())
    }
}

/// Why `new` cannot be trusted next to `existing` (which has a different fingerprint).
fn conflicts(existing: &ContactCard, new: &ContactCard) -> Option<IdentityError> {
    if existing.fingerprint() == new.fingerprint() {
        return Some(IdentityError::ContactKeyReused { existing: existing.name.clone() });
    }
    if existing.installation_id == new.installation_id {
        return Some(IdentityError::ContactKeyChanged {
            name: existing.name.clone(),
            old_fp: existing.fingerprint(),
            new_fp: new.fingerprint(),
        });
    }
    if existing.signing_key == new.signing_key || existing.age_recipient == new.age_recipient {
        return Some(IdentityError::ContactKeyReused { existing: existing.name.clone() });
    }
    if existing.name == new.name {
        return Some(IdentityError::ContactNameTaken { name: new.name.clone(), existing_fp: existing.fingerprint() });
    }
    // Names are shown, fingerprints are compared once: two contacts whose
    // names a reader cannot tell apart must not both be trusted.
    if crate::name::names_look_alike(&existing.name, &new.name) {
        return Some(IdentityError::ContactNameLooksLike {
            name: new.name.clone(),
            existing: existing.name.clone(),
            existing_fp: existing.fingerprint(),
            new_fp: new.fingerprint(),
            chars: crate::name::non_ascii_chars(&new.name),
        });
    }
    None
}

/// §5: a bundle is trusted only when its signing key is a contact's and the
/// manifest describes the sender exactly as that contact's card does. The
/// signature proves who signed; the other fields are the signer's claims,
/// and a contact must not be able to sign a bundle that names another
/// installation (whose pending bundle id it could then consume here).
impl bemx_format::trust::TrustStore for Contacts {
    fn sender_trust(&self, sender: &bemx_format::Party) -> bemx_format::trust::SenderTrust {
        use bemx_format::trust::SenderTrust;
        if let Some(c) = self.find_by_signing_key(&sender.ed25519) {
            let card = &c.card;
            // The claimed name is compared in its normal form: an older bemx
            // signs the name as it was typed (say with two spaces) while this
            // one stores the card's normalized name; both read the same.
            let same_name = crate::name::normalize_name(&sender.name).is_ok_and(|n| n == card.name);
            let fields = match (
                sender.installation == *card.installation_id.as_bytes(),
                sender.age == card.age_recipient,
                same_name,
            ) {
                (true, true, true) => return SenderTrust::Trusted { name: c.name().to_string() },
                (false, _, _) => "installation id",
                (true, false, _) => "age key",
                (true, true, false) => "name",
            };
            return SenderTrust::ClaimsDiffer { name: c.name().to_string(), fields };
        }
        let claimed = uuid::Uuid::from_bytes(sender.installation);
        match self.list().iter().find(|c| c.card.installation_id == claimed) {
            Some(c) => SenderTrust::KeyChanged { name: c.name().to_string() },
            None => SenderTrust::Untrusted,
        }
    }
}

/// The fingerprint of the sender a manifest names, computed from its claims
/// (shown to the user before the sender is trusted).
pub fn party_fingerprint(party: &bemx_format::Party) -> crate::Fingerprint {
    crate::compute_fingerprint(&uuid::Uuid::from_bytes(party.installation), &party.age, &party.ed25519)
}
