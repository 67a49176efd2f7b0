//! The one error type of this crate.
//!
//! Every message is lowercase and says what happened; [`IdentityError::advice`]
//! says what to do. Neither ever contains secret material (keys,
//! passphrases, decrypted key files).

use std::io;
use std::path::{Path, PathBuf};

use crate::card::Fingerprint;
use crate::i18n::fl;

/// Result alias for this crate.
pub type Result<T, E = IdentityError> = std::result::Result<T, E>;

/// What a [`IdentityError::WritableByOthers`] or
/// [`IdentityError::OutsidePrivateFolder`] names (its `what`, kept in
/// English for code that matches on it), in the chosen language.
fn what_text(what: &str) -> String {
    match what {
        "secret key file" => fl!("identity-what-secret-key-file"),
        "secret key folder" => fl!("identity-what-secret-key-folder"),
        "installation folder" => fl!("identity-what-installation-folder"),
        "contacts file" => fl!("identity-what-contacts-file"),
        other => other.to_owned(),
    }
}

/// What was attempted on `path` (an [`IdentityError::Io`] or
/// [`IdentityError::AccessDenied`] `action`, kept in English for code that
/// matches on it), in the chosen language: "read /x" in English, the
/// German catalogue's form fits after "beim".
fn action_text(action: &str, path: &Path) -> String {
    let path = path.display().to_string();
    match action {
        "read" => fl!("identity-action-read", path = path),
        "create" => fl!("identity-action-create", path = path),
        "create folder" => fl!("identity-action-create-folder", path = path),
        "write" => fl!("identity-action-write", path = path),
        "replace" => fl!("identity-action-replace", path = path),
        "encrypt" => fl!("identity-action-encrypt", path = path),
        other => fl!("identity-action-other", action = other, path = path),
    }
}

/// Everything that can go wrong with identities, contact cards, contacts and
/// signatures.
#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum IdentityError {
    /// The installation folder holds no identity at all.
    #[error("{}", fl!("identity-no-identity", home = home.display().to_string()))]
    NoIdentity {
        /// The installation folder.
        home: PathBuf,
    },

    /// Some identity files exist but at least one is missing.
    #[error("{}", fl!("identity-incomplete-identity", dir = dir.display().to_string(), missing = missing.display().to_string()))]
    IncompleteIdentity {
        /// The identity folder.
        dir: PathBuf,
        /// The first missing file.
        missing: PathBuf,
    },

    /// Saving would overwrite an existing file; nothing is ever overwritten.
    #[error("{}", fl!("identity-already-exists", path = path.display().to_string()))]
    AlreadyExists {
        /// The file that already exists.
        path: PathBuf,
    },

    /// A secret key file can be read or written by the group or other users.
    #[error("{}", fl!("identity-insecure-permissions", path = path.display().to_string(), mode = format!("{mode:03o}")))]
    InsecurePermissions {
        /// The secret key file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },

    /// The installation folder or the contacts file can be changed by the
    /// group or other users (unix), who could then plant a trusted contact.
    #[error(
        "{}",
        fl!(
            "identity-writable-by-others",
            what = what_text(what),
            path = path.display().to_string(),
            mode = format!("{mode:03o}")
        )
    )]
    WritableByOthers {
        /// "installation folder" or "contacts file".
        what: &'static str,
        /// The folder or file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
        /// The mode to set (`700` for a folder, `600` for a file).
        fix: &'static str,
    },

    /// Windows: a secret key file, the installation folder or the contacts
    /// file lies outside the user's private folders (see "Key files on
    /// Windows" in [`crate::identity`]).
    #[error(
        "{}",
        fl!(
            "identity-outside-private-folder",
            what = what_text(what),
            path = path.display().to_string(),
            allowed = allowed.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join("; ")
        )
    )]
    OutsidePrivateFolder {
        /// What lies there: "secret key file", "installation folder", "contacts file".
        what: &'static str,
        /// The secret key file (or, when saving, the identity folder), the
        /// installation folder or the contacts file.
        path: PathBuf,
        /// The folders where key files are accepted (empty if none is known).
        allowed: Vec<PathBuf>,
    },

    /// The operating system denied access to a file.
    #[error("{}", fl!("identity-access-denied", action = action_text(action, path)))]
    AccessDenied {
        /// What was attempted ("read", "create", …).
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
    },

    /// A key file is passphrase-protected but no passphrase was given.
    #[error("{}", fl!("identity-passphrase-required", path = path.display().to_string()))]
    PassphraseRequired {
        /// The encrypted key file.
        path: PathBuf,
    },

    /// `BEMX_PASSPHRASE` is set to bytes that are not UTF-8 text.
    #[error("{}", fl!("identity-passphrase-not-text"))]
    PassphraseNotText,

    /// The passphrase did not decrypt a key file.
    #[error("{}", fl!("identity-wrong-passphrase", path = path.display().to_string()))]
    WrongPassphrase {
        /// The encrypted key file.
        path: PathBuf,
    },

    /// An empty passphrase was offered for encrypting the identity.
    #[error("{}", fl!("identity-empty-passphrase"))]
    EmptyPassphrase,

    /// A key file (or installation.json) is damaged, truncated or inconsistent.
    #[error("{}", fl!("identity-corrupt-key-file", path = path.display().to_string(), reason = reason.as_str()))]
    CorruptKeyFile {
        /// The damaged file.
        path: PathBuf,
        /// What is wrong with it (never contains key material).
        reason: String,
    },

    /// A name for an installation or contact is unusable.
    #[error("{}", fl!("identity-invalid-name", reason = reason.as_str()))]
    InvalidName {
        /// Why the name was refused.
        reason: String,
    },

    /// The operating system's random number generator failed.
    #[error("{}", fl!("identity-random", reason = reason.as_str()))]
    Random {
        /// The error from the operating system.
        reason: String,
    },

    /// Any other input/output failure. The OS error is shown in the message
    /// (so it is not a `source()`, which a `{:#}` chain would print again).
    #[error("{}", fl!("identity-io", action = action_text(action, path), error = error.to_string()))]
    Io {
        /// What was attempted ("read", "create", "rename", …).
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        error: io::Error,
    },

    /// A contact card is larger than any real card.
    #[error("{}", fl!("identity-card-too-large", size = size.to_string(), max = max.to_string()))]
    CardTooLarge {
        /// Its size in bytes.
        size: usize,
        /// The limit in bytes.
        max: usize,
    },

    /// The input is not a bemx contact card at all.
    #[error("{}", fl!("identity-not-a-card"))]
    NotACard,

    /// The card is of a version this program does not know.
    #[error("{}", fl!("identity-unknown-card-version", version = version.as_str()))]
    UnknownCardVersion {
        /// The version the card states.
        version: String,
    },

    /// The card has the right shape but a field is missing, duplicated or unreadable.
    #[error("{}", fl!("identity-malformed-card", reason = reason.as_str()))]
    MalformedCard {
        /// What is wrong.
        reason: String,
    },

    /// The card's age recipient is not a valid age X25519 public key.
    #[error("{}", fl!("identity-bad-age-key", reason = reason.as_str()))]
    BadAgeKey {
        /// Why it was refused.
        reason: String,
    },

    /// The Ed25519 public key (of a card or a signature check) is invalid.
    #[error("{}", fl!("identity-bad-signing-key", reason = reason.as_str()))]
    BadSigningKey {
        /// Why it was refused.
        reason: String,
    },

    /// The fingerprint written on a card does not match its keys.
    #[error(
        "{}",
        fl!("identity-fingerprint-mismatch", stated = stated.as_str(), computed = computed.to_string())
    )]
    FingerprintMismatch {
        /// The fingerprint written on the card.
        stated: String,
        /// The fingerprint computed from the card's keys.
        computed: Fingerprint,
    },

    /// A string could not be read as a fingerprint.
    #[error("{}", fl!("identity-bad-fingerprint", input = format!("{input:?}")))]
    BadFingerprint {
        /// The offending input (shortened).
        input: String,
    },

    /// A known installation presents different keys than the ones trusted.
    #[error(
        "{}",
        fl!(
            "identity-contact-key-changed",
            name = format!("{name:?}"),
            new_fp = new_fp.to_string(),
            old_fp = old_fp.to_string()
        )
    )]
    ContactKeyChanged {
        /// The trusted contact's name.
        name: String,
        /// The trusted fingerprint.
        old_fp: Fingerprint,
        /// The fingerprint of the offered card.
        new_fp: Fingerprint,
    },

    /// Another installation is already trusted under this name.
    #[error(
        "{}",
        fl!("identity-contact-name-taken", name = format!("{name:?}"), existing_fp = existing_fp.to_string())
    )]
    ContactNameTaken {
        /// The clashing name.
        name: String,
        /// The fingerprint of the contact that has the name.
        existing_fp: Fingerprint,
    },

    /// Another installation is already trusted under a name that reads the
    /// same (other case, look-alike letters from another script, …).
    #[error(
        "{}",
        if chars.is_empty() {
            fl!(
                "identity-contact-name-looks-like",
                name = format!("{name:?}"),
                existing = format!("{existing:?}"),
                existing_fp = existing_fp.to_string()
            )
        } else {
            fl!(
                "identity-contact-name-looks-like-chars",
                name = format!("{name:?}"),
                existing = format!("{existing:?}"),
                existing_fp = existing_fp.to_string(),
                chars = chars.as_str()
            )
        }
    )]
    ContactNameLooksLike {
        /// The name on the new card.
        name: String,
        /// The trusted contact whose name it resembles.
        existing: String,
        /// That contact's fingerprint.
        existing_fp: Fingerprint,
        /// The new card's fingerprint.
        new_fp: Fingerprint,
        /// The new name's characters outside ASCII, with code points.
        chars: String,
    },

    /// The card reuses a key that a different trusted installation already has.
    #[error("{}", fl!("identity-contact-key-reused", existing = format!("{existing:?}")))]
    ContactKeyReused {
        /// The contact that already has the keys.
        existing: String,
    },

    /// No trusted contact matches a name or fingerprint.
    #[error(
        "{}",
        if known.is_empty() {
            fl!("identity-contact-not-found", query = format!("{query:?}"))
        } else {
            fl!("identity-contact-not-found-listing", query = format!("{query:?}"), contacts = known.join(", "))
        }
    )]
    ContactNotFound {
        /// What was searched for.
        query: String,
        /// The trusted contacts, "name (fingerprint)", to choose from.
        known: Vec<String>,
    },
    /// A name or fingerprint prefix fits more than one contact.
    #[error(
        "{}",
        if candidates.is_empty() {
            fl!("identity-contact-ambiguous", query = format!("{query:?}"))
        } else {
            fl!("identity-contact-ambiguous-listing", query = format!("{query:?}"), candidates = candidates.join(", "))
        }
    )]
    ContactAmbiguous {
        /// What was searched for.
        query: String,
        /// The contacts it fits, "name (fingerprint)".
        candidates: Vec<String>,
    },

    /// The contacts file cannot be read.
    #[error("{}", fl!("identity-corrupt-contacts", path = path.display().to_string(), reason = reason.as_str()))]
    CorruptContacts {
        /// The contacts file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },

    /// A signature does not verify.
    #[error("{}", fl!("identity-bad-signature", context = format!("{context:?}")))]
    BadSignature {
        /// The signature context.
        context: String,
    },

    /// A signature context contains a NUL byte, which would make messages ambiguous.
    #[error("{}", fl!("identity-invalid-context", context = format!("{context:?}")))]
    InvalidContext {
        /// The offending context.
        context: String,
    },
}

impl IdentityError {
    /// The stable machine-readable code of this error, `identity.<variant>`
    /// (a wrapped error gives its own): what `--json` prints, listed in
    /// docs/ERRORS.md.
    pub fn code(&self) -> String {
        format!("identity.{}", <&'static str>::from(self))
    }

    /// Wraps an I/O error, turning "permission denied" into [`IdentityError::AccessDenied`].
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, error: io::Error) -> Self {
        let path = path.into();
        match error.kind() {
            io::ErrorKind::PermissionDenied => IdentityError::AccessDenied { action, path },
            io::ErrorKind::AlreadyExists => IdentityError::AlreadyExists { path },
            _ => IdentityError::Io { action, path, error },
        }
    }

    /// What the user can do about it, kept apart from the message.
    pub fn advice(&self) -> Option<String> {
        Some(match self {
            IdentityError::NoIdentity { .. } => fl!("identity-no-identity-advice"),
            IdentityError::WritableByOthers { path, fix, .. } => {
                fl!("identity-writable-by-others-advice", fix = fix.to_string(), path = path.display().to_string())
            }
            IdentityError::PassphraseNotText => fl!("identity-passphrase-not-text-advice"),
            IdentityError::ContactNameLooksLike { new_fp, .. } => {
                fl!("identity-contact-name-looks-like-advice", new_fp = new_fp.to_string())
            }
            IdentityError::IncompleteIdentity { .. } => fl!("identity-incomplete-identity-advice"),
            IdentityError::AlreadyExists { .. } => fl!("identity-already-exists-advice"),
            IdentityError::InsecurePermissions { path, .. } => {
                fl!("identity-insecure-permissions-advice", path = path.display().to_string())
            }
            IdentityError::OutsidePrivateFolder { .. } => fl!("identity-outside-private-folder-advice"),
            IdentityError::AccessDenied { .. } => fl!("identity-access-denied-advice"),
            IdentityError::PassphraseRequired { .. } => fl!("identity-passphrase-required-advice"),
            IdentityError::WrongPassphrase { .. } => fl!("identity-wrong-passphrase-advice"),
            IdentityError::EmptyPassphrase => fl!("identity-empty-passphrase-advice"),
            IdentityError::CorruptKeyFile { .. } => fl!("identity-corrupt-key-file-advice"),
            IdentityError::InvalidName { .. } => fl!("identity-invalid-name-advice"),
            IdentityError::Random { .. } => fl!("identity-random-advice"),
            IdentityError::Io { error, .. } => bemx_format::durable::io_advice(error).into(),
            IdentityError::CardTooLarge { .. } => fl!("identity-card-too-large-advice"),
            IdentityError::NotACard => fl!("identity-not-a-card-advice"),
            IdentityError::UnknownCardVersion { .. } => fl!("identity-unknown-card-version-advice"),
            IdentityError::MalformedCard { .. } => fl!("identity-malformed-card-advice"),
            IdentityError::BadAgeKey { .. } | IdentityError::BadSigningKey { .. } => fl!("identity-bad-key-advice"),
            IdentityError::FingerprintMismatch { .. } => fl!("identity-fingerprint-mismatch-advice"),
            IdentityError::BadFingerprint { .. } => fl!("identity-bad-fingerprint-advice"),
            IdentityError::ContactKeyChanged { name, old_fp, .. } => {
                fl!("identity-contact-key-changed-advice", name = format!("{name:?}"), old_fp = old_fp.to_string())
            }
            IdentityError::ContactNameTaken { .. } => fl!("identity-contact-name-taken-advice"),
            IdentityError::ContactKeyReused { .. } => fl!("identity-contact-key-reused-advice"),
            IdentityError::ContactNotFound { .. } => fl!("identity-contact-not-found-advice"),
            IdentityError::ContactAmbiguous { .. } => fl!("identity-contact-ambiguous-advice"),
            IdentityError::CorruptContacts { .. } => fl!("identity-corrupt-contacts-advice"),
            IdentityError::BadSignature { .. } => fl!("identity-bad-signature-advice"),
            IdentityError::InvalidContext { .. } => fl!("identity-invalid-context-advice"),
        })
    }

    pub(crate) fn corrupt(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        IdentityError::CorruptKeyFile { path: path.into(), reason: reason.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message says what happened, the advice what to do, and the one
    /// never repeats the other.
    #[track_caller]
    fn check(e: &IdentityError, advice: &str) {
        assert_eq!(e.advice().as_deref(), Some(advice), "{e}");
        assert!(!e.to_string().contains(advice), "{e} repeats its advice");
    }

    #[test]
    fn advice_is_kept_apart_from_the_message() {
        check(&IdentityError::NoIdentity { home: "/x".into() }, "run `bemx init`");
        check(
            &IdentityError::InsecurePermissions { path: "/x/age.key".into(), mode: 0o644 },
            "run `chmod 600 /x/age.key`",
        );
        check(
            &IdentityError::PassphraseRequired { path: "/x/age.key".into() },
            "enter the passphrase when asked or set BEMX_PASSPHRASE",
        );
        check(&IdentityError::NotACard, "ask the sender for the output of `bemx id show`");
        check(
            &IdentityError::ContactNotFound { query: "Bernd".into(), known: vec![] },
            "run `bemx contacts list` to see the trusted contacts",
        );
        check(
            &IdentityError::BadFingerprint { input: "ABC".into() },
            "a fingerprint is 32 letters and digits like ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567",
        );
    }

    #[test]
    fn an_os_error_is_shown_once_with_advice_by_its_kind() {
        let e = IdentityError::io("read", "/x/contacts.json", io::Error::new(io::ErrorKind::NotFound, "gone"));
        assert_eq!(e.to_string(), "could not read /x/contacts.json: gone");
        assert!(std::error::Error::source(&e).is_none(), "a {{:#}} chain would print it again");
        assert_eq!(
            e.advice().as_deref(),
            Some(bemx_format::durable::io_advice(&io::Error::from(io::ErrorKind::NotFound)))
        );
    }
}
