//! The one error type of this crate.
//!
//! Every message is lowercase and says what happened; [`IdentityError::advice`]
//! says what to do. Neither ever contains secret material (keys,
//! passphrases, decrypted key files).

use std::io;
use std::path::PathBuf;

use crate::card::Fingerprint;

/// Result alias for this crate.
pub type Result<T, E = IdentityError> = std::result::Result<T, E>;

/// Everything that can go wrong with identities, contact cards, contacts and
/// signatures.
/// ": it could be A, B" for an error message; nothing for an empty list.
fn list_of(lead: &str, items: &[String]) -> String {
    if items.is_empty() { String::new() } else { format!("; {lead}: {}", items.join(", ")) }
}

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum IdentityError {
    /// The installation folder holds no identity at all.
    #[error("no installation at {}", home.display())]
    NoIdentity {
        /// The installation folder.
        home: PathBuf,
    },

    /// Some identity files exist but at least one is missing.
    #[error("the identity in {} is incomplete: {} is missing", dir.display(), missing.display())]
    IncompleteIdentity {
        /// The identity folder.
        dir: PathBuf,
        /// The first missing file.
        missing: PathBuf,
    },

    /// Saving would overwrite an existing file; nothing is ever overwritten.
    #[error("{} already exists: refusing to overwrite an existing identity", path.display())]
    AlreadyExists {
        /// The file that already exists.
        path: PathBuf,
    },

    /// A secret key file can be read or written by the group or other users.
    #[error("secret key file {} is readable by other users (mode {mode:03o})", path.display())]
    InsecurePermissions {
        /// The secret key file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },

    /// The installation folder or the contacts file can be changed by the
    /// group or other users (unix), who could then plant a trusted contact.
    #[error(
        "{what} {} can be changed by other users (mode {mode:03o}), who could plant a trusted contact there",
        path.display()
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
        "{what} {} is outside the user's private folders ({}): on Windows bemx keeps its keys and trusted contacts only where the access list is limited to the user",
        path.display(),
        allowed.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join("; ")
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
    #[error("permission denied while trying to {action} {}", path.display())]
    AccessDenied {
        /// What was attempted ("read", "create", …).
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
    },

    /// A key file is passphrase-protected but no passphrase was given.
    #[error("secret key file {} is protected by a passphrase", path.display())]
    PassphraseRequired {
        /// The encrypted key file.
        path: PathBuf,
    },

    /// `BEMX_PASSPHRASE` is set to bytes that are not UTF-8 text.
    #[error("BEMX_PASSPHRASE is set but is not valid UTF-8 text")]
    PassphraseNotText,

    /// The passphrase did not decrypt a key file.
    #[error("wrong passphrase for {}", path.display())]
    WrongPassphrase {
        /// The encrypted key file.
        path: PathBuf,
    },

    /// An empty passphrase was offered for encrypting the identity.
    #[error("the passphrase is empty")]
    EmptyPassphrase,

    /// A key file (or installation.json) is damaged, truncated or inconsistent.
    #[error("key file {} is corrupt or truncated ({reason})", path.display())]
    CorruptKeyFile {
        /// The damaged file.
        path: PathBuf,
        /// What is wrong with it (never contains key material).
        reason: String,
    },

    /// A name for an installation or contact is unusable.
    #[error(
        "invalid name: {reason}: choose a name of 1 to 100 characters without control or invisible characters (if it came on a contact card, ask the sender for a card with a plainly written name)"
    )]
    InvalidName {
        /// Why the name was refused.
        reason: String,
    },

    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed ({reason})")]
    Random {
        /// The error from the operating system.
        reason: String,
    },

    /// Any other input/output failure. The OS error is shown in the message
    /// (so it is not a `source()`, which a `{:#}` chain would print again).
    #[error("could not {action} {}: {error}", path.display())]
    Io {
        /// What was attempted ("read", "create", "rename", …).
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        error: io::Error,
    },

    /// A contact card is larger than any real card.
    #[error("the contact card is too large ({size} bytes, at most {max})")]
    CardTooLarge {
        /// Its size in bytes.
        size: usize,
        /// The limit in bytes.
        max: usize,
    },

    /// The input is not a bemx contact card at all.
    #[error("this is not a bemx contact card")]
    NotACard,

    /// The card is of a version this program does not know.
    #[error("unknown contact card version {version}")]
    UnknownCardVersion {
        /// The version the card states.
        version: String,
    },

    /// The card has the right shape but a field is missing, duplicated or unreadable.
    #[error("the contact card is malformed ({reason})")]
    MalformedCard {
        /// What is wrong.
        reason: String,
    },

    /// The card's age recipient is not a valid age X25519 public key.
    #[error("the contact card's age key is invalid ({reason})")]
    BadAgeKey {
        /// Why it was refused.
        reason: String,
    },

    /// The Ed25519 public key (of a card or a signature check) is invalid.
    #[error("the ed25519 signing key is invalid ({reason})")]
    BadSigningKey {
        /// Why it was refused.
        reason: String,
    },

    /// The fingerprint written on a card does not match its keys.
    #[error(
        "the contact card states fingerprint {stated} but its keys give {computed}: the card was altered or damaged"
    )]
    FingerprintMismatch {
        /// The fingerprint written on the card.
        stated: String,
        /// The fingerprint computed from the card's keys.
        computed: Fingerprint,
    },

    /// A string could not be read as a fingerprint.
    #[error("{input:?} is not a fingerprint")]
    BadFingerprint {
        /// The offending input (shortened).
        input: String,
    },

    /// A known installation presents different keys than the ones trusted.
    #[error(
        "contact {name:?} presents new keys (fingerprint {new_fp}, trusted is {old_fp}): this may be an impersonation attempt"
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
    #[error("another contact is already called {name:?} (fingerprint {existing_fp})")]
    ContactNameTaken {
        /// The clashing name.
        name: String,
        /// The fingerprint of the contact that has the name.
        existing_fp: Fingerprint,
    },

    /// Another installation is already trusted under a name that reads the
    /// same (other case, look-alike letters from another script, …).
    #[error(
        "the name {name:?} reads like the name of contact {existing:?} (fingerprint {existing_fp}){}, so the two could be mixed up, and a look-alike name is a common impersonation trick",
        if chars.is_empty() { String::new() } else { format!("; its characters outside A-Z are {chars}") }
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
    #[error(
        "the card's keys are already trusted for contact {existing:?}, a different installation: this card is not genuine or was copied"
    )]
    ContactKeyReused {
        /// The contact that already has the keys.
        existing: String,
    },

    /// No trusted contact matches a name or fingerprint.
    #[error("no contact named or with fingerprint {query:?}{}", list_of("the contacts are", known))]
    ContactNotFound {
        /// What was searched for.
        query: String,
        /// The trusted contacts, "name (fingerprint)", to choose from.
        known: Vec<String>,
    },
    /// A name or fingerprint prefix fits more than one contact.
    #[error("{query:?} fits more than one contact{}", list_of("it could be", candidates))]
    ContactAmbiguous {
        /// What was searched for.
        query: String,
        /// The contacts it fits, "name (fingerprint)".
        candidates: Vec<String>,
    },

    /// The contacts file cannot be read.
    #[error("contacts file {} is damaged ({reason})", path.display())]
    CorruptContacts {
        /// The contacts file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },

    /// A signature does not verify.
    #[error("the {context:?} signature does not verify: the data was altered or signed by another key")]
    BadSignature {
        /// The signature context.
        context: String,
    },

    /// A signature context contains a NUL byte, which would make messages ambiguous.
    #[error("signature context {context:?} contains a NUL byte: this is a bug in bemx")]
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
        const FRESH_CARD: &str = "ask the sender for a fresh copy of the card";
        Some(match self {
            IdentityError::NoIdentity { .. } => "run `bemx init`".into(),
            IdentityError::WritableByOthers { path, fix, .. } => format!(
                "run `chmod {fix} {}`, then check with `bemx contacts list` that you added every contact listed",
                path.display()
            ),
            IdentityError::PassphraseNotText => {
                "use the passphrase as plain text there, or unset BEMX_PASSPHRASE and type the passphrase when asked".into()
            }
            IdentityError::ContactNameLooksLike { new_fp, .. } => format!(
                "confirm the fingerprint {new_fp} with the sender by phone, and if it is a different colleague, edit the card's name line to a clearly different name (e.g. add a department) and add it again"
            ),
            IdentityError::IncompleteIdentity { .. } => {
                "restore the identity folder from a backup (or move it aside and run `bemx init` to start over)".into()
            }
            IdentityError::AlreadyExists { .. } => {
                "use another installation folder or move the old identity folder aside".into()
            }
            IdentityError::InsecurePermissions { path, .. } => format!("run `chmod 600 {}`", path.display()),
            IdentityError::OutsidePrivateFolder { .. } => "use an installation folder there (the default is %APPDATA%\\bemx), or, if an administrator has limited this folder's access list to the user, name the folder in BEMX_TRUSTED_KEY_FOLDER".into(),
            IdentityError::AccessDenied { .. } => "make sure the file belongs to the user running bemx".into(),
            IdentityError::PassphraseRequired { .. } => {
                "enter the passphrase when asked or set BEMX_PASSPHRASE".into()
            }
            IdentityError::WrongPassphrase { .. } => {
                "try again (if the passphrase is certainly right, the file is damaged: restore it from a backup)".into()
            }
            IdentityError::EmptyPassphrase => "choose a non-empty passphrase, or none at all".into(),
            IdentityError::CorruptKeyFile { .. } => "restore the identity folder from a backup".into(),
            IdentityError::InvalidName { .. } => {
                "choose a name of 1 to 100 characters without control characters".into()
            }
            IdentityError::Random { .. } => "try again".into(),
            IdentityError::Io { error, .. } => bemx_format::durable::io_advice(error).into(),
            IdentityError::CardTooLarge { .. } => "check that you picked the right file".into(),
            IdentityError::NotACard => "ask the sender for the output of `bemx id show`".into(),
            IdentityError::UnknownCardVersion { .. } => {
                "update bemx, or ask the sender for a version 1 card".into()
            }
            IdentityError::MalformedCard { .. } => "ask the sender for a fresh copy of `bemx id show`".into(),
            IdentityError::BadAgeKey { .. } | IdentityError::BadSigningKey { .. } => FRESH_CARD.into(),
            IdentityError::FingerprintMismatch { .. } => "do not trust it; ask the sender for a fresh copy".into(),
            IdentityError::BadFingerprint { .. } => {
                "a fingerprint is 32 letters and digits like ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567".into()
            }
            IdentityError::ContactKeyChanged { name, old_fp, .. } => format!(
                "confirm the new fingerprint with {name:?} by phone, and if the key change is genuine remove the old contact first (`bemx contacts remove {old_fp}`)"
            ),
            IdentityError::ContactNameTaken { .. } => {
                "edit the card's name line to another name (e.g. add a department) and add it again".into()
            }
            IdentityError::ContactKeyReused { .. } => "do not add it".into(),
            IdentityError::ContactNotFound { .. } => "run `bemx contacts list` to see the trusted contacts".into(),
            IdentityError::ContactAmbiguous { .. } => {
                "type more of the name or fingerprint, so that it fits one contact only".into()
            }
            IdentityError::CorruptContacts { .. } => {
                "restore it from a backup, or move it aside and add the contacts again".into()
            }
            IdentityError::BadSignature { .. } => "do not trust it".into(),
            IdentityError::InvalidContext { .. } => "please report it".into(),
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
