//! Installation identities for bemx.
//!
//! - [`Identity`]: an installation's age X25519 key (to receive bundles) and
//!   Ed25519 key (to sign), stored under `home/identity/` (see the
//!   [`identity`] module for the file formats), optionally passphrase-protected.
//! - [`ContactCard`] and [`Fingerprint`]: the public half, to be mailed and
//!   compared over the phone.
//! - [`Contacts`]: the trust store `home/contacts.json`, pinned by fingerprint.
//! - [`sign`] / [`verify`]: domain-separated Ed25519 signatures.
//!
//! Secrets never appear in `Debug`, `Display` or error messages, and are held
//! in zeroizing memory.
#![forbid(unsafe_code)]

pub mod card;
pub mod contacts;
mod error;
mod fsutil;
pub mod i18n;
pub mod identity;
pub mod name;
mod sign;

pub use age::secrecy::SecretString;
pub use card::{ContactCard, Fingerprint, MAX_CARD_BYTES, compute_fingerprint};
pub use contacts::{AddOutcome, CONTACTS_FILE, Contact, Contacts, MIN_FINGERPRINT_PREFIX, party_fingerprint};
pub use error::{IdentityError, Result};
pub use fsutil::{check_installation_folder, folder_writable_by_others};
pub use identity::{
    Identity, IdentityPaths, PASSPHRASE_ENV, PassphraseSource, SCRYPT_WORK_FACTOR, TRUSTED_KEY_FOLDER_ENV,
    needs_passphrase, passphrase_from_env,
};
pub use name::{first_hidden_char, names_look_alike, normalize_name};
pub use sign::{MANIFEST_CONTEXT, RECEIPT_CONTEXT, sign, verify};
