//! Contact cards (the public half of an identity) and their fingerprints.
//!
//! # Fingerprint
//!
//! `SHA-256("bemx contact fingerprint v1\0" || installation id (16 bytes, RFC 4122
//! byte order) || age recipient (the ASCII bytes of the canonical lowercase
//! `age1…` Bech32 string) || Ed25519 public key (32 bytes))`, truncated to the
//! first 20 bytes, written as RFC 4648 base32 (alphabet `A–Z2–7`, no padding:
//! exactly 32 characters) in 8 groups of 4 joined by `-`.
//!
//! # Card forms
//!
//! Text (lines may end in CRLF; blank lines and surrounding whitespace are ignored):
//!
//! ```text
//! bemx contact card v1
//! name: Anna Schmidt
//! installation: 6f1c…uuid
//! age-recipient: age1…
//! ed25519: <standard padded base64 of the 32-byte public key>
//! fingerprint: ABCD-EFGH-…
//! ```
//!
//! A card of either form is at most 16 KiB (16,384 bytes), checked before
//! it is parsed.
//!
//! JSON: `{"bemx_contact": 1, "name": …, "installation_id": …, "age_recipient": …,
//! "ed25519": <base64>, "fingerprint": …}` (no other keys).

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::{IdentityError, Result};
use crate::i18n::fl;

/// Largest contact card accepted, in bytes (checked before parsing).
pub const MAX_CARD_BYTES: usize = 16 * 1024;

/// Longest name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// Domain separation prefix of the fingerprint hash.
const FINGERPRINT_DOMAIN: &[u8] = b"bemx contact fingerprint v1\0";

/// First line of the text form.
const TEXT_HEADER: &str = "bemx contact card v1";
const TEXT_HEADER_PREFIX: &str = "bemx contact card v";

const BASE32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A contact fingerprint: 20 bytes, shown as `ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint([u8; 20]);

impl Fingerprint {
    /// The raw 20 bytes.
    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// Builds a fingerprint from its raw bytes.
    pub fn from_bytes(bytes: [u8; 20]) -> Self {
        Fingerprint(bytes)
    }

    /// Parses a fingerprint; accepts lowercase, and dashes or spaces anywhere.
    pub fn parse(input: &str) -> Result<Self> {
        let bad = || IdentityError::BadFingerprint { input: input.chars().take(80).collect() };
        let mut bits: u64 = 0;
        let mut nbits = 0u32;
        let mut out = [0u8; 20];
        let mut n = 0usize;
        let mut chars = 0usize;
        for c in input.trim().chars() {
            if c == '-' || c == ' ' {
                continue;
            }
            let c = c.to_ascii_uppercase();
            let v = BASE32_ALPHABET.iter().position(|&a| char::from(a) == c).ok_or_else(bad)?;
            chars += 1;
            if chars > 32 {
                return Err(bad());
            }
            // The shift leaves the low five bits zero: `+` fills them.
            bits = (bits << 5) + v as u64;
            nbits += 5;
            if nbits >= 8 {
                nbits -= 8;
                out[n] = (bits >> nbits) as u8;
                n += 1;
                bits &= (1u64 << nbits) - 1;
            }
        }
        // 32 characters are 160 bits: exactly the 20 bytes.
        if chars != 32 {
            return Err(bad());
        }
        Ok(Fingerprint(out))
    }

    /// The 32 base32 characters without dashes.
    pub fn to_compact(&self) -> String {
        let mut s = String::with_capacity(32);
        for chunk in self.0.chunks(5) {
            let mut acc: u64 = 0;
            for &b in chunk {
                acc = (acc << 8) + u64::from(b);
            }
            for i in (0..8).rev() {
                let idx = ((acc >> (i * 5)) & 31) as usize;
                s.push(char::from(BASE32_ALPHABET[idx]));
            }
        }
        s
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let compact = self.to_compact();
        for (i, group) in compact.as_bytes().chunks(4).enumerate() {
            if i > 0 {
                f.write_str("-")?;
            }
            f.write_str(std::str::from_utf8(group).map_err(|_| fmt::Error)?)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

impl FromStr for Fingerprint {
    type Err = IdentityError;
    fn from_str(s: &str) -> Result<Self> {
        Fingerprint::parse(s)
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Fingerprint::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Computes the fingerprint of an installation's public keys.
///
/// `age_recipient` must be the canonical (lowercase) `age1…` string.
pub fn compute_fingerprint(installation_id: &Uuid, age_recipient: &str, signing_key: &[u8; 32]) -> Fingerprint {
    let mut h = Sha256::new();
    h.update(FINGERPRINT_DOMAIN);
    h.update(installation_id.as_bytes());
    h.update(age_recipient.as_bytes());
    h.update(signing_key);
    let digest = h.finalize();
    let mut out = [0u8; 20];
    out.copy_from_slice(&digest[..20]);
    Fingerprint(out)
}

/// Checks and normalizes a name (see [`crate::name::normalize_name`]): NFC,
/// trimmed, white space collapsed, 1–100 characters, nothing invisible, not
/// something that reads as a fingerprint.
pub fn validate_name(name: &str) -> Result<String> {
    crate::name::normalize_name(name)
}

/// Parses and canonicalizes an age X25519 recipient.
pub(crate) fn parse_age_recipient(s: &str) -> Result<(age::x25519::Recipient, String)> {
    let s = s.trim();
    if !s.to_ascii_lowercase().starts_with("age1") {
        return Err(IdentityError::BadAgeKey { reason: fl!("identity-reason-age-prefix") });
    }
    let r = age::x25519::Recipient::from_str(s).map_err(|e| IdentityError::BadAgeKey { reason: e.to_string() })?;
    let canonical = r.to_string();
    Ok((r, canonical))
}

/// Decodes and checks an Ed25519 public key (valid, not of small order).
pub(crate) fn parse_verifying_key(bytes: &[u8; 32]) -> Result<VerifyingKey> {
    let key = VerifyingKey::from_bytes(bytes)
        .map_err(|_| IdentityError::BadSigningKey { reason: fl!("identity-reason-not-curve-point") })?;
    if key.is_weak() {
        return Err(IdentityError::BadSigningKey { reason: fl!("identity-reason-weak-key") });
    }
    Ok(key)
}

fn parse_signing_key_b64(s: &str) -> Result<[u8; 32]> {
    let bytes = BASE64.decode(s.trim()).map_err(|e| IdentityError::BadSigningKey {
        reason: fl!("identity-reason-not-base64", error = e.to_string()),
    })?;
    let arr: [u8; 32] = bytes.as_slice().try_into().map_err(|_| IdentityError::BadSigningKey {
        reason: fl!("identity-reason-key-length", bytes = bytes.len().to_string()),
    })?;
    parse_verifying_key(&arr)?;
    Ok(arr)
}

/// The public half of an installation's identity, to be mailed to colleagues.
///
/// Fields are public for reading; cards built by hand should be checked with
/// [`ContactCard::validate`] ([`crate::Contacts::add`] does so).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactCard {
    /// Display name of the installation (e.g. the coordinator's name).
    pub name: String,
    /// The installation's stable id.
    pub installation_id: Uuid,
    /// The age X25519 recipient (`age1…`, canonical lowercase).
    pub age_recipient: String,
    /// The Ed25519 public key.
    pub signing_key: [u8; 32],
}

/// The JSON form, field for field.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CardJson {
    pub(crate) bemx_contact: u64,
    pub(crate) name: String,
    pub(crate) installation_id: String,
    pub(crate) age_recipient: String,
    pub(crate) ed25519: String,
    pub(crate) fingerprint: String,
}

impl ContactCard {
    /// The card's fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        compute_fingerprint(&self.installation_id, &self.age_recipient, &self.signing_key)
    }

    /// The age recipient, parsed.
    pub fn recipient(&self) -> Result<age::x25519::Recipient> {
        parse_age_recipient(&self.age_recipient).map(|(r, _)| r)
    }

    /// The Ed25519 public key, parsed.
    pub fn verifying_key(&self) -> Result<VerifyingKey> {
        parse_verifying_key(&self.signing_key)
    }

    /// Checks every field: name rules, age key, signing key, canonical recipient.
    pub fn validate(&self) -> Result<()> {
        let name = validate_name(&self.name)?;
        if name != self.name {
            return Err(IdentityError::InvalidName { reason: fl!("identity-reason-name-not-normal") });
        }
        let (_, canonical) = parse_age_recipient(&self.age_recipient)?;
        if canonical != self.age_recipient {
            return Err(IdentityError::BadAgeKey { reason: fl!("identity-reason-age-not-canonical") });
        }
        self.verifying_key()?;
        Ok(())
    }

    /// Parses a card in text or JSON form (auto-detected), validating all of it.
    pub fn parse(input: &str) -> Result<Self> {
        if input.len() > MAX_CARD_BYTES {
            return Err(IdentityError::CardTooLarge { size: input.len(), max: MAX_CARD_BYTES });
        }
        let s = input.trim_start_matches('\u{feff}').trim();
        if s.starts_with('{') {
            Self::parse_json(s)
        } else if s.starts_with(TEXT_HEADER_PREFIX) {
            Self::parse_text(s)
        } else {
            Err(IdentityError::NotACard)
        }
    }

    /// Like [`ContactCard::parse`] for raw bytes (e.g. a file); the size cap is
    /// applied before UTF-8 decoding.
    pub fn parse_bytes(input: &[u8]) -> Result<Self> {
        if input.len() > MAX_CARD_BYTES {
            return Err(IdentityError::CardTooLarge { size: input.len(), max: MAX_CARD_BYTES });
        }
        let s = std::str::from_utf8(input).map_err(|_| IdentityError::NotACard)?;
        Self::parse(s)
    }

    fn parse_json(s: &str) -> Result<Self> {
        let value: serde_json::Value = serde_json::from_str(s).map_err(|_| IdentityError::NotACard)?;
        let version = value.as_object().and_then(|o| o.get("bemx_contact")).ok_or(IdentityError::NotACard)?;
        if version.as_u64() != Some(1) {
            return Err(IdentityError::UnknownCardVersion { version: version.to_string().chars().take(40).collect() });
        }
        let json: CardJson =
            serde_json::from_value(value).map_err(|e| IdentityError::MalformedCard { reason: e.to_string() })?;
        Self::from_json_struct(&json)
    }

    pub(crate) fn from_json_struct(json: &CardJson) -> Result<Self> {
        if json.bemx_contact != 1 {
            return Err(IdentityError::UnknownCardVersion { version: json.bemx_contact.to_string() });
        }
        Self::from_fields(&json.name, &json.installation_id, &json.age_recipient, &json.ed25519, &json.fingerprint)
    }

    fn parse_text(s: &str) -> Result<Self> {
        let mut lines = s.lines().map(str::trim).filter(|l| !l.is_empty());
        let header = lines.next().ok_or(IdentityError::NotACard)?;
        if header != TEXT_HEADER {
            let version = header.strip_prefix(TEXT_HEADER_PREFIX).ok_or(IdentityError::NotACard)?;
            return Err(IdentityError::UnknownCardVersion { version: version.chars().take(40).collect() });
        }
        let mut fields: [Option<&str>; 5] = [None; 5];
        const KEYS: [&str; 5] = ["name", "installation", "age-recipient", "ed25519", "fingerprint"];
        for line in lines {
            let (key, value) = line.split_once(':').ok_or_else(|| IdentityError::MalformedCard {
                reason: fl!("identity-reason-card-line", line = format!("{:?}", shorten(line))),
            })?;
            let key = key.trim().to_ascii_lowercase();
            let idx = KEYS.iter().position(|k| *k == key).ok_or_else(|| IdentityError::MalformedCard {
                reason: fl!("identity-reason-card-unknown-field", field = format!("{:?}", shorten(&key))),
            })?;
            if fields[idx].replace(value.trim()).is_some() {
                return Err(IdentityError::MalformedCard {
                    reason: fl!("identity-reason-card-field-twice", field = format!("{key:?}")),
                });
            }
        }
        let get = |i: usize| {
            fields[i].ok_or_else(|| IdentityError::MalformedCard {
                reason: fl!("identity-reason-card-field-missing", field = format!("{:?}", KEYS[i])),
            })
        };
        Self::from_fields(get(0)?, get(1)?, get(2)?, get(3)?, get(4)?)
    }

    fn from_fields(
        name: &str,
        installation_id: &str,
        age_recipient: &str,
        ed25519: &str,
        fingerprint: &str,
    ) -> Result<Self> {
        let name = validate_name(name)?;
        let installation_id = Uuid::parse_str(installation_id.trim())
            .map_err(|_| IdentityError::MalformedCard { reason: fl!("identity-reason-card-installation-id") })?;
        let (_, age_recipient) = parse_age_recipient(age_recipient)?;
        let signing_key = parse_signing_key_b64(ed25519)?;
        let card = ContactCard { name, installation_id, age_recipient, signing_key };
        let computed = card.fingerprint();
        match Fingerprint::parse(fingerprint) {
            Ok(stated) if stated == computed => Ok(card),
            _ => Err(IdentityError::FingerprintMismatch { stated: shorten(fingerprint), computed }),
        }
    }

    pub(crate) fn to_json_struct(&self) -> CardJson {
        CardJson {
            bemx_contact: 1,
            name: self.name.clone(),
            installation_id: self.installation_id.hyphenated().to_string(),
            age_recipient: self.age_recipient.clone(),
            ed25519: BASE64.encode(self.signing_key),
            fingerprint: self.fingerprint().to_string(),
        }
    }

    /// The JSON form as a value (for embedding in `--json` output).
    pub fn to_json_value(&self) -> serde_json::Value {
        serde_json::json!({
            "bemx_contact": 1,
            "name": self.name,
            "installation_id": self.installation_id.hyphenated().to_string(),
            "age_recipient": self.age_recipient,
            "ed25519": BASE64.encode(self.signing_key),
            "fingerprint": self.fingerprint().to_string(),
        })
    }

    /// The JSON form, pretty-printed.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_json_value()).unwrap_or_default()
    }

    /// The text form (ends with a newline).
    pub fn to_text(&self) -> String {
        format!(
            "{TEXT_HEADER}\nname: {}\ninstallation: {}\nage-recipient: {}\ned25519: {}\nfingerprint: {}\n",
            self.name,
            self.installation_id.hyphenated(),
            self.age_recipient,
            BASE64.encode(self.signing_key),
            self.fingerprint()
        )
    }
}

impl fmt::Display for ContactCard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl FromStr for ContactCard {
    type Err = IdentityError;
    fn from_str(s: &str) -> Result<Self> {
        ContactCard::parse(s)
    }
}

fn shorten(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() > MAX {
        let mut out: String = s.chars().take(MAX).collect();
        out.push('…');
        out
    } else {
        s.to_owned()
    }
}
