//! An installation's identity and its files.
//!
//! # Layout (inside the installation folder `home`)
//!
//! - `home/identity/age.key` — a standard age identity file, as written by
//!   `age-keygen`:
//!   ```text
//!   # created: 2025-03-01T12:00:00Z
//!   # public key: age1…
//!   AGE-SECRET-KEY-1…
//!   ```
//!   so `age -d -i home/identity/age.key bundle.bemx` works.
//! - `home/identity/signing.key` — the Ed25519 secret key:
//!   ```text
//!   # bemx ed25519 signing key: keep secret. format: BEMX-ED25519-SECRET-KEY-1 + padded base64 of the 32-byte seed
//!   # created: 2025-03-01T12:00:00Z
//!   # public key: <base64 of the 32-byte public key>
//!   BEMX-ED25519-SECRET-KEY-1<base64 of the 32-byte seed>
//!   ```
//!   Lines starting with `#` and blank lines are comments; exactly one key line.
//! - `home/identity/installation.json` — public data:
//!   `{"bemx_installation": 1, "installation_id", "name", "age_recipient",
//!   "ed25519" (base64), "fingerprint", "created_at"}`.
//!
//! With a passphrase, both secret files hold the text above encrypted with age's
//! scrypt recipient (binary age format, work factor [`SCRYPT_WORK_FACTOR`]);
//! `age -d -i age.key …` then asks for the passphrase. Secret files are created
//! with mode 0600 on unix (on Windows they inherit the private ACL of the
//! user's profile, see below), fsynced, and never overwritten.
//!
//! # Key files on Windows
//!
//! On unix, [`Identity::load`] refuses a secret key file that grants its group
//! or other users any access. Windows has no mode bits, and reading a file's
//! access list (ACL) needs Win32 calls that this workspace, which forbids
//! unsafe code, does not make. The documented equivalent check instead is
//! *where* the file lies:
//!
//! - A secret key file is accepted only inside one of the user's private
//!   folders: `%USERPROFILE%` (e.g. `C:\Users\Anna`), `%APPDATA%` or
//!   `%LOCALAPPDATA%` (separate roots because folder redirection or roaming
//!   profiles can move them out of the profile). A new folder there inherits
//!   the profile's ACL: the user, SYSTEM and Administrators only. The default
//!   installation folder, `%APPDATA%\bemx`, is inside.
//! - Anything else is refused with [`IdentityError::OutsidePrivateFolder`], by
//!   [`Identity::save`] before it creates anything and by [`Identity::load`]
//!   before it opens a key file: `C:\Users\Public`, `C:\bemx`, a second
//!   drive, a USB stick (FAT has no ACL at all), a network share.
//! - Exception: an administrator who has limited a folder's ACL to the user
//!   can name that folder in the environment variable `BEMX_TRUSTED_KEY_FOLDER`
//!   ([`TRUSTED_KEY_FOLDER_ENV`]); key files inside it are accepted.
//! - Paths are compared after resolving links, junctions and `..` of the part
//!   that exists, whole component by component, ignoring case as Windows does,
//!   so `C:\Users\Anna2` is not inside `C:\Users\Anna`, and a link in the
//!   profile pointing to `D:\` does not pass.
//!
//! - The same rule covers the installation folder and `contacts.json` when
//!   the contacts are loaded ([`crate::check_installation_folder`]): whoever
//!   can write them can plant a trusted contact. (On unix: neither may be
//!   writable by group or others.)
//!
//! This trusts the profile's default ACL; a user who loosened it by hand, or
//! an administrator account reading other profiles, is outside what bemx
//! checks. On unix nothing of this applies.

use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use age::secrecy::{ExposeSecret, SecretString};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::card::{ContactCard, Fingerprint, compute_fingerprint, validate_name};
use crate::error::{IdentityError, Result};
use crate::fsutil;
pub use crate::fsutil::TRUSTED_KEY_FOLDER_ENV;
use crate::i18n::fl;

/// The scrypt work factor (log2 of N) used to encrypt passphrase-protected
/// key files: N = 2^18, about one second on a current desktop (release build).
pub const SCRYPT_WORK_FACTOR: u8 = 18;

/// The highest scrypt work factor accepted when decrypting a key file (2^22,
/// the limit the age reference implementation applies too).
pub const MAX_SCRYPT_WORK_FACTOR: u8 = 22;

/// Environment variable read by [`PassphraseSource::Env`].
pub const PASSPHRASE_ENV: &str = "BEMX_PASSPHRASE";

/// Sub-folder of the installation folder holding the identity.
pub const IDENTITY_DIR: &str = "identity";
/// File name of the age identity.
pub const AGE_KEY_FILE: &str = "age.key";
/// File name of the Ed25519 signing key.
pub const SIGNING_KEY_FILE: &str = "signing.key";
/// File name of the public installation data.
pub const INSTALLATION_FILE: &str = "installation.json";

/// Prefix of the key line in `signing.key`.
pub const SIGNING_KEY_PREFIX: &str = "BEMX-ED25519-SECRET-KEY-1";

const AGE_SECRET_PREFIX: &str = "AGE-SECRET-KEY-1";
const AGE_MAGIC: &[u8] = b"age-encryption.org/v1";
const MAX_KEY_FILE_BYTES: usize = 64 * 1024;

/// Where the passphrase for an encrypted identity comes from.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum PassphraseSource {
    /// No passphrase: loading an encrypted identity fails with
    /// [`IdentityError::PassphraseRequired`].
    None,
    /// This passphrase (e.g. typed at a prompt).
    Value(SecretString),
    /// The environment variable `BEMX_PASSPHRASE` (unset or empty: none).
    Env,
}

impl PassphraseSource {
    fn resolve(&self) -> Result<Option<SecretString>> {
        match self {
            PassphraseSource::None => Ok(None),
            PassphraseSource::Value(p) => Ok(Some(p.clone())),
            PassphraseSource::Env => passphrase_from_env(),
        }
    }
}

/// The passphrase in the environment variable `BEMX_PASSPHRASE`; `None`
/// when it is unset or empty. A value that is not UTF-8 text is refused
/// ([`IdentityError::PassphraseNotText`]) rather than taken as "unset".
///
/// The copy read here is wiped: the bytes go straight into zeroizing memory
/// (`std::env::var` would drop a non-UTF-8 value unwiped inside its error).
/// What this cannot wipe is the environment itself. Removing the variable
/// needs `std::env::remove_var`, which is `unsafe` (edition 2024) in a
/// workspace that forbids unsafe code, and would not help anyway: it drops
/// the entry from the process's environment list, while the original bytes
/// stay where the operating system put them at start (on Linux readable in
/// `/proc/<pid>/environ` by the same user and root for the process's
/// lifetime). bemx starts no child processes, so the variable is passed on
/// to none. Scripts that care should prefer typing the passphrase.
pub fn passphrase_from_env() -> Result<Option<SecretString>> {
    let Some(value) = std::env::var_os(PASSPHRASE_ENV) else {
        return Ok(None);
    };
    let bytes = Zeroizing::new(value.into_encoded_bytes());
    if bytes.is_empty() {
        return Ok(None);
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| IdentityError::PassphraseNotText)?;
    Ok(Some(SecretString::from(text)))
}

/// The paths of the identity files in an installation folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityPaths {
    /// `home/identity`
    pub dir: PathBuf,
    /// `home/identity/age.key`
    pub age_key: PathBuf,
    /// `home/identity/signing.key`
    pub signing_key: PathBuf,
    /// `home/identity/installation.json`
    pub installation: PathBuf,
}

impl IdentityPaths {
    /// The identity paths inside installation folder `home`.
    pub fn new(home: &Path) -> Self {
        let dir = home.join(IDENTITY_DIR);
        IdentityPaths {
            age_key: dir.join(AGE_KEY_FILE),
            signing_key: dir.join(SIGNING_KEY_FILE),
            installation: dir.join(INSTALLATION_FILE),
            dir,
        }
    }

    fn all(&self) -> [&Path; 3] {
        [&self.age_key, &self.signing_key, &self.installation]
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct InstallationJson {
    bemx_installation: u64,
    installation_id: String,
    name: String,
    age_recipient: String,
    ed25519: String,
    fingerprint: String,
    created_at: String,
}

/// An installation's identity: id, name, age X25519 key (to receive) and
/// Ed25519 key (to sign). Secret keys are zeroized when dropped.
pub struct Identity {
    installation_id: Uuid,
    name: String,
    age: age::x25519::Identity,
    signing: SigningKey,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("installation_id", &self.installation_id)
            .field("name", &self.name)
            .field("age_recipient", &self.recipient().to_string())
            .field("ed25519", &BASE64.encode(self.verifying_key().as_bytes()))
            .field("fingerprint", &self.fingerprint())
            .finish_non_exhaustive()
    }
}

impl Identity {
    /// Generates a new identity with a random installation id.
    pub fn generate(name: &str) -> Result<Self> {
        let name = validate_name(name)?;
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::getrandom(seed.as_mut()).map_err(|e| IdentityError::Random { reason: e.to_string() })?;
        let signing = SigningKey::from_bytes(&seed);
        Ok(Identity { installation_id: Uuid::new_v4(), name, age: age::x25519::Identity::generate(), signing })
    }

    /// The installation id.
    pub fn installation_id(&self) -> Uuid {
        self.installation_id
    }

    /// The installation's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The age recipient others encrypt to.
    pub fn recipient(&self) -> age::x25519::Recipient {
        self.age.to_public()
    }

    /// The age identity, to decrypt bundles and backups.
    pub fn age_identity(&self) -> &age::x25519::Identity {
        &self.age
    }

    /// The Ed25519 public key.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// The Ed25519 secret key, for [`crate::sign`].
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    /// Signs `msg` under `context` (see [`crate::sign`]).
    pub fn sign(&self, context: &str, msg: &[u8]) -> [u8; 64] {
        crate::sign(&self.signing, context, msg)
    }

    /// The public contact card.
    pub fn contact_card(&self) -> ContactCard {
        ContactCard {
            name: self.name.clone(),
            installation_id: self.installation_id,
            age_recipient: self.recipient().to_string(),
            signing_key: self.verifying_key().to_bytes(),
        }
    }

    /// The fingerprint of the contact card.
    pub fn fingerprint(&self) -> Fingerprint {
        compute_fingerprint(&self.installation_id, &self.recipient().to_string(), self.verifying_key().as_bytes())
    }

    /// Writes the identity into `home/identity/`, encrypting the secret files
    /// with `passphrase` if given (scrypt work factor [`SCRYPT_WORK_FACTOR`]).
    /// Refuses if any identity file already exists.
    pub fn save(&self, home: &Path, passphrase: Option<&SecretString>) -> Result<()> {
        self.save_inner(home, passphrase, SCRYPT_WORK_FACTOR)
    }

    /// Like [`Identity::save`] with a chosen scrypt work factor (clamped to
    /// 1..=30). ONLY for tests: low factors make the passphrase easy to guess.
    #[doc(hidden)]
    pub fn save_with_insecure_test_work_factor(
        &self,
        home: &Path,
        passphrase: Option<&SecretString>,
        log_n: u8,
    ) -> Result<()> {
        self.save_inner(home, passphrase, log_n.clamp(1, 30))
    }

    fn save_inner(&self, home: &Path, passphrase: Option<&SecretString>, log_n: u8) -> Result<()> {
        if let Some(p) = passphrase
            && p.expose_secret().is_empty()
        {
            return Err(IdentityError::EmptyPassphrase);
        }
        let paths = IdentityPaths::new(home);
        for p in paths.all() {
            if p.symlink_metadata().is_ok() {
                return Err(IdentityError::AlreadyExists { path: p.to_path_buf() });
            }
        }
        // Windows: refuse before creating anything a folder where load would
        // refuse the key files (see "Key files on Windows" above).
        fsutil::check_private_location(&paths.dir, "secret key folder")?;
        fsutil::create_private_dir(&paths.dir)?;

        let created = fsutil::now_rfc3339();
        let recipient = self.recipient().to_string();
        let vk_b64 = BASE64.encode(self.verifying_key().as_bytes());

        // The key files' text is assembled in one zeroizing buffer of the
        // exact final size: `format!` grows its String as it goes, and every
        // reallocation would leave a copy of the secret in freed memory.
        let age_secret = self.age.to_string();
        let age_text = secret_text(&[
            "# created: ",
            &created,
            "\n# public key: ",
            &recipient,
            "\n",
            age_secret.expose_secret(),
            "\n",
        ]);
        drop(age_secret);
        let mut seed_b64 = Zeroizing::new([0u8; SEED_B64_LEN]);
        let seed_len = BASE64.encode_slice(self.signing.as_bytes(), seed_b64.as_mut_slice()).map_err(|e| {
            IdentityError::corrupt(&paths.signing_key, fl!("identity-reason-cannot-encode", error = e.to_string()))
        })?;
        let seed_text = std::str::from_utf8(&seed_b64[..seed_len])
            .map_err(|_| IdentityError::corrupt(&paths.signing_key, fl!("identity-reason-cannot-encode-plain")))?;
        let signing_text = secret_text(&[
            "# bemx ed25519 signing key: keep secret. format: ",
            SIGNING_KEY_PREFIX,
            " + padded base64 of the 32-byte seed\n# created: ",
            &created,
            "\n# public key: ",
            &vk_b64,
            "\n",
            SIGNING_KEY_PREFIX,
            seed_text,
            "\n",
        ]);
        let public = InstallationJson {
            bemx_installation: 1,
            installation_id: self.installation_id.hyphenated().to_string(),
            name: self.name.clone(),
            age_recipient: recipient,
            ed25519: vk_b64,
            fingerprint: self.fingerprint().to_string(),
            created_at: created,
        };
        let mut public_json = serde_json::to_string_pretty(&public).map_err(|e| {
            IdentityError::corrupt(&paths.installation, fl!("identity-reason-cannot-serialize", error = e.to_string()))
        })?;
        public_json.push('\n');

        let age_bytes = seal(age_text.as_bytes(), passphrase, log_n, &paths.age_key)?;
        let signing_bytes = seal(signing_text.as_bytes(), passphrase, log_n, &paths.signing_key)?;

        let mut written: Vec<&Path> = Vec::with_capacity(3);
        let result = (|| {
            fsutil::write_new_private(&paths.age_key, &age_bytes)?;
            written.push(&paths.age_key);
            fsutil::write_new_private(&paths.signing_key, &signing_bytes)?;
            written.push(&paths.signing_key);
            fsutil::write_new_private(&paths.installation, public_json.as_bytes())?;
            written.push(&paths.installation);
            Ok(())
        })();
        if result.is_err() {
            // Leave no half identity behind.
            for p in &written {
                let _ = std::fs::remove_file(p);
            }
        }
        fsutil::sync_dir(&paths.dir);
        fsutil::sync_dir(home);
        result
    }

    /// Loads the identity from `home/identity/`.
    ///
    /// Encrypted key files need a passphrase from `passphrase`. On unix, a
    /// secret file that grants group or other users any access is refused; on
    /// Windows, one outside the user's private folders (see "Key files on
    /// Windows" in [`crate::identity`]).
    pub fn load(home: &Path, passphrase: &PassphraseSource) -> Result<Self> {
        let paths = IdentityPaths::new(home);
        check_complete(home, &paths)?;

        let public = read_installation(&paths.installation)?;

        let mut cached: Option<SecretString> = None;
        let mut open = |path: &Path| -> Result<Zeroizing<Vec<u8>>> {
            let raw = fsutil::read_secret(path, MAX_KEY_FILE_BYTES)?;
            if !raw.starts_with(AGE_MAGIC) {
                return Ok(raw);
            }
            if cached.is_none() {
                cached = passphrase.resolve()?;
            }
            let pass = cached.as_ref().ok_or_else(|| IdentityError::PassphraseRequired { path: path.to_path_buf() })?;
            unseal(&raw, pass, path)
        };

        let age_plain = open(&paths.age_key)?;
        let age = parse_age_key_file(&age_plain, &paths.age_key)?;
        drop(age_plain);
        let signing_plain = open(&paths.signing_key)?;
        let signing = parse_signing_key_file(&signing_plain, &paths.signing_key)?;
        drop(signing_plain);

        let identity = Identity { installation_id: public.0, name: public.1, age, signing };
        if identity.recipient().to_string() != public.2 {
            return Err(IdentityError::corrupt(&paths.installation, fl!("identity-reason-age-key-differs")));
        }
        if identity.verifying_key().to_bytes() != public.3 {
            return Err(IdentityError::corrupt(&paths.installation, fl!("identity-reason-signing-key-differs")));
        }
        Ok(identity)
    }

    /// Reads only the public contact card from `home/identity/installation.json`
    /// (no secret file is opened, no passphrase needed).
    pub fn load_contact_card(home: &Path) -> Result<ContactCard> {
        let paths = IdentityPaths::new(home);
        check_complete(home, &paths)?;
        let (installation_id, name, age_recipient, signing_key) = read_installation(&paths.installation)?;
        Ok(ContactCard { name, installation_id, age_recipient, signing_key })
    }
}

/// Whether loading the identity in `home` needs a passphrase (a secret key
/// file is age-encrypted).
pub fn needs_passphrase(home: &Path) -> Result<bool> {
    let paths = IdentityPaths::new(home);
    check_complete(home, &paths)?;
    for path in [&paths.age_key, &paths.signing_key] {
        let file = std::fs::File::open(path).map_err(|e| IdentityError::io("read", path, e))?;
        let mut head = Vec::with_capacity(AGE_MAGIC.len());
        let magic_len = u64::try_from(AGE_MAGIC.len()).unwrap_or(u64::MAX);
        file.take(magic_len).read_to_end(&mut head).map_err(|e| IdentityError::io("read", path, e))?;
        if head == AGE_MAGIC {
            return Ok(true);
        }
    }
    Ok(false)
}

fn check_complete(home: &Path, paths: &IdentityPaths) -> Result<()> {
    let present: Vec<bool> = paths.all().iter().map(|p| p.symlink_metadata().is_ok()).collect();
    if present.iter().all(|p| !p) {
        return Err(IdentityError::NoIdentity { home: home.to_path_buf() });
    }
    if let Some(i) = present.iter().position(|p| !p) {
        return Err(IdentityError::IncompleteIdentity {
            dir: paths.dir.clone(),
            missing: paths.all()[i].to_path_buf(),
        });
    }
    Ok(())
}

/// Reads installation.json: (id, name, canonical age recipient, ed25519 key).
fn read_installation(path: &Path) -> Result<(Uuid, String, String, [u8; 32])> {
    let raw = fsutil::read_capped(path, MAX_KEY_FILE_BYTES)?
        .ok_or_else(|| IdentityError::corrupt(path, fl!("identity-reason-installation-too-large")))?;
    let json: InstallationJson = serde_json::from_slice(&raw).map_err(|e| {
        IdentityError::corrupt(path, fl!("identity-reason-installation-not-valid", error = e.to_string()))
    })?;
    if json.bemx_installation != 1 {
        return Err(IdentityError::corrupt(
            path,
            fl!("identity-reason-installation-version", version = json.bemx_installation.to_string()),
        ));
    }
    let id = Uuid::parse_str(&json.installation_id)
        .map_err(|_| IdentityError::corrupt(path, fl!("identity-reason-installation-id")))?;
    let name = validate_name(&json.name)
        .map_err(|e| IdentityError::corrupt(path, fl!("identity-reason-bad-name", error = e.to_string())))?;
    let (_, recipient) = crate::card::parse_age_recipient(&json.age_recipient)
        .map_err(|_| IdentityError::corrupt(path, fl!("identity-reason-installation-age")))?;
    let vk: [u8; 32] = BASE64
        .decode(json.ed25519.trim())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
        .ok_or_else(|| IdentityError::corrupt(path, fl!("identity-reason-installation-ed25519")))?;
    let computed = compute_fingerprint(&id, &recipient, &vk);
    if Fingerprint::parse(&json.fingerprint).ok() != Some(computed) {
        return Err(IdentityError::corrupt(path, fl!("identity-reason-fingerprint-differs")));
    }
    Ok((id, name, recipient, vk))
}

/// Length of the padded base64 of a 32-byte Ed25519 seed.
const SEED_B64_LEN: usize = 44;

/// Concatenates `parts` into one zeroizing String allocated once at its
/// final size, so no reallocation leaves a partial copy of a secret behind
/// (as `format!` or repeated `push_str` on a growing String would).
fn secret_text(parts: &[&str]) -> Zeroizing<String> {
    let len = parts.iter().map(|p| p.len()).sum();
    let mut text = Zeroizing::new(String::with_capacity(len));
    for part in parts {
        text.push_str(part);
    }
    debug_assert_eq!(text.capacity(), len, "allocated once");
    text
}

/// Encrypts `plain` with the passphrase (scrypt, work factor `log_n`), or
/// returns it unchanged without one.
fn seal(plain: &[u8], passphrase: Option<&SecretString>, log_n: u8, path: &Path) -> Result<Zeroizing<Vec<u8>>> {
    let Some(pass) = passphrase else {
        return Ok(Zeroizing::new(plain.to_vec()));
    };
    let mut recipient = age::scrypt::Recipient::new(pass.clone());
    recipient.set_work_factor(log_n);
    let encrypt_err =
        |e: String| IdentityError::Io { action: "encrypt", path: path.to_path_buf(), error: std::io::Error::other(e) };
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
        .map_err(|e| encrypt_err(e.to_string()))?;
    let mut out = Zeroizing::new(Vec::with_capacity(plain.len() + 256));
    let mut writer = encryptor.wrap_output(&mut *out).map_err(|e| encrypt_err(e.to_string()))?;
    writer.write_all(plain).map_err(|e| encrypt_err(e.to_string()))?;
    writer.finish().map_err(|e| encrypt_err(e.to_string()))?;
    Ok(out)
}

/// Decrypts a passphrase-encrypted key file.
fn unseal(raw: &[u8], pass: &SecretString, path: &Path) -> Result<Zeroizing<Vec<u8>>> {
    use age::DecryptError as D;
    let corrupt = |reason: String| IdentityError::corrupt(path, reason);
    let decryptor = age::Decryptor::new_buffered(raw).map_err(|e| match e {
        D::Io(io) => corrupt(fl!("identity-reason-age-header", error = io.to_string())),
        other => corrupt(fl!("identity-reason-age-header", error = other.to_string())),
    })?;
    if !decryptor.is_scrypt() {
        return Err(corrupt(fl!("identity-reason-not-passphrase-encrypted")));
    }
    let mut identity = age::scrypt::Identity::new(pass.clone());
    identity.set_max_work_factor(MAX_SCRYPT_WORK_FACTOR);
    let mut reader = decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(|e| match e {
        D::DecryptionFailed | D::NoMatchingKeys | D::KeyDecryptionFailed => {
            IdentityError::WrongPassphrase { path: path.to_path_buf() }
        }
        D::ExcessiveWork { required, .. } => corrupt(fl!(
            "identity-reason-work-factor",
            required = required.to_string(),
            max = MAX_SCRYPT_WORK_FACTOR.to_string()
        )),
        other => corrupt(other.to_string()),
    })?;
    let mut plain = Zeroizing::new(Vec::with_capacity(raw.len()));
    let limit = u64::try_from(MAX_KEY_FILE_BYTES).unwrap_or(u64::MAX);
    (&mut reader)
        .take(limit)
        .read_to_end(&mut plain)
        .map_err(|e| corrupt(fl!("identity-reason-encrypted-damaged", error = e.to_string())))?;
    Ok(plain)
}

/// The single non-comment line of a key file.
fn key_line<'a>(text: &'a str, path: &Path) -> Result<&'a str> {
    let mut keys = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'));
    let first = keys.next().ok_or_else(|| IdentityError::corrupt(path, fl!("identity-reason-no-key-line")))?;
    if keys.next().is_some() {
        return Err(IdentityError::corrupt(path, fl!("identity-reason-several-key-lines")));
    }
    Ok(first)
}

fn parse_age_key_file(plain: &[u8], path: &Path) -> Result<age::x25519::Identity> {
    let text = std::str::from_utf8(plain).map_err(|_| IdentityError::corrupt(path, fl!("identity-reason-not-text")))?;
    let line = key_line(text, path)?;
    if !line.starts_with(AGE_SECRET_PREFIX) {
        return Err(IdentityError::corrupt(path, fl!("identity-reason-key-line-prefix", prefix = AGE_SECRET_PREFIX)));
    }
    age::x25519::Identity::from_str(line)
        .map_err(|e| IdentityError::corrupt(path, fl!("identity-reason-bad-age-secret", error = e.to_string())))
}

fn parse_signing_key_file(plain: &[u8], path: &Path) -> Result<SigningKey> {
    let text = std::str::from_utf8(plain).map_err(|_| IdentityError::corrupt(path, fl!("identity-reason-not-text")))?;
    let line = key_line(text, path)?;
    let b64 = line.strip_prefix(SIGNING_KEY_PREFIX).ok_or_else(|| {
        IdentityError::corrupt(path, fl!("identity-reason-key-line-prefix", prefix = SIGNING_KEY_PREFIX))
    })?;
    let bytes = Zeroizing::new(
        BASE64.decode(b64).map_err(|_| IdentityError::corrupt(path, fl!("identity-reason-key-not-base64")))?,
    );
    let mut seed = Zeroizing::new([0u8; 32]);
    if bytes.len() != seed.len() {
        return Err(IdentityError::corrupt(path, fl!("identity-reason-key-bytes", bytes = bytes.len().to_string())));
    }
    seed.copy_from_slice(&bytes);
    Ok(SigningKey::from_bytes(&seed))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn secret_text_is_allocated_once_at_its_final_size() {
        let secret = "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ";
        let parts = ["# created: 2025-03-01T12:00:00Z", "\n# public key: age1xyz\n", secret, "\n"];
        let text = secret_text(&parts);
        assert_eq!(*text, parts.concat());
        // Vec::with_capacity(n) gives exactly n (std's documented
        // guarantee); any growth while pushing would have left more.
        assert_eq!(text.capacity(), text.len());
    }

    #[test]
    fn seed_base64_fits_its_buffer() {
        let seed = [0xa5u8; 32];
        let mut buf = [0u8; SEED_B64_LEN];
        let n = BASE64.encode_slice(seed, &mut buf).unwrap();
        assert_eq!(n, SEED_B64_LEN);
        assert_eq!(std::str::from_utf8(&buf).unwrap(), BASE64.encode(seed));
    }

    #[test]
    fn saved_key_files_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let id = Identity::generate("Jürgen Weiß").unwrap();
        id.save(dir.path(), None).unwrap();
        let paths = IdentityPaths::new(dir.path());
        let signing = std::fs::read_to_string(&paths.signing_key).unwrap();
        assert!(signing.starts_with("# bemx ed25519 signing key: keep secret. format: BEMX-ED25519-SECRET-KEY-1 + padded base64 of the 32-byte seed\n# created: "), "{signing}");
        assert_eq!(
            signing.lines().last().unwrap(),
            format!("{SIGNING_KEY_PREFIX}{}", BASE64.encode(id.signing.as_bytes()))
        );
        let age = std::fs::read_to_string(&paths.age_key).unwrap();
        assert!(age.starts_with("# created: "), "{age}");
        assert!(age.contains(&format!("\n# public key: {}\n", id.recipient())));
        assert_eq!(age.lines().last().unwrap(), id.age.to_string().expose_secret());
        let back = Identity::load(dir.path(), &PassphraseSource::None).unwrap();
        assert_eq!(back.fingerprint(), id.fingerprint());
        assert_eq!(back.name(), "Jürgen Weiß");
    }
}
