#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::Path;

use bemx_identity::identity::{MAX_SCRYPT_WORK_FACTOR, SIGNING_KEY_PREFIX};
use bemx_identity::{
    Identity, IdentityError, IdentityPaths, PassphraseSource, SCRYPT_WORK_FACTOR, SecretString, needs_passphrase,
};

const TEST_WORK_FACTOR: u8 = 4;

fn pass(s: &str) -> SecretString {
    SecretString::from(s)
}

fn same(a: &Identity, b: &Identity) {
    assert_eq!(a.installation_id(), b.installation_id());
    assert_eq!(a.name(), b.name());
    assert_eq!(a.recipient(), b.recipient());
    assert_eq!(a.verifying_key(), b.verifying_key());
    assert_eq!(a.signing_key().to_bytes(), b.signing_key().to_bytes());
    assert_eq!(a.contact_card(), b.contact_card());
}

fn save_plain(home: &Path) -> Identity {
    let id = Identity::generate("Anna Schmidt").unwrap();
    id.save(home, None).unwrap();
    id
}

fn save_encrypted(home: &Path, p: &str) -> Identity {
    let id = Identity::generate("Anna Schmidt").unwrap();
    id.save_with_insecure_test_work_factor(home, Some(&pass(p)), TEST_WORK_FACTOR).unwrap();
    id
}

#[test]
fn constants_are_as_documented() {
    assert_eq!(SCRYPT_WORK_FACTOR, 18);
    assert_eq!(MAX_SCRYPT_WORK_FACTOR, 22);
}

#[test]
fn generate_validates_and_trims_name() {
    let id = Identity::generate("  Anna  ").unwrap();
    assert_eq!(id.name(), "Anna");
    assert!(matches!(Identity::generate("   "), Err(IdentityError::InvalidName { .. })));
    assert!(matches!(Identity::generate("a\nb"), Err(IdentityError::InvalidName { .. })));
    assert!(matches!(Identity::generate(&"x".repeat(101)), Err(IdentityError::InvalidName { .. })));
    assert!(Identity::generate(&"ü".repeat(100)).is_ok());
    let a = Identity::generate("A").unwrap();
    let b = Identity::generate("A").unwrap();
    assert_ne!(a.installation_id(), b.installation_id());
    assert_ne!(a.verifying_key(), b.verifying_key());
    assert_ne!(a.recipient(), b.recipient());
}

#[test]
fn plain_round_trip_and_file_formats() {
    let dir = tempfile::tempdir().unwrap();
    let id = save_plain(dir.path());
    let paths = IdentityPaths::new(dir.path());

    let age_text = fs::read_to_string(&paths.age_key).unwrap();
    let lines: Vec<&str> = age_text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("# created: "));
    assert_eq!(lines[1], format!("# public key: {}", id.recipient()));
    assert!(lines[2].starts_with("AGE-SECRET-KEY-1"));

    let sig_text = fs::read_to_string(&paths.signing_key).unwrap();
    assert!(sig_text.lines().last().unwrap().starts_with(SIGNING_KEY_PREFIX));
    assert!(sig_text.lines().filter(|l| !l.starts_with('#')).count() == 1);

    let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(&paths.installation).unwrap()).unwrap();
    assert_eq!(json["bemx_installation"], 1);
    assert_eq!(json["installation_id"], id.installation_id().to_string());
    assert_eq!(json["name"], "Anna Schmidt");
    assert_eq!(json["age_recipient"], id.recipient().to_string());
    assert_eq!(json["fingerprint"], id.fingerprint().to_string());

    assert!(!needs_passphrase(dir.path()).unwrap());
    let loaded = Identity::load(dir.path(), &PassphraseSource::None).unwrap();
    same(&id, &loaded);
    let card = Identity::load_contact_card(dir.path()).unwrap();
    assert_eq!(card, id.contact_card());
}

#[cfg(unix)]
#[test]
fn secret_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    save_plain(dir.path());
    let paths = IdentityPaths::new(dir.path());
    for p in [&paths.age_key, &paths.signing_key] {
        let mode = fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", p.display());
    }
    let dmode = fs::metadata(&paths.dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(dmode, 0o700);
}

#[test]
fn passphrase_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let id = save_encrypted(dir.path(), "correct horse");
    let paths = IdentityPaths::new(dir.path());
    for p in [&paths.age_key, &paths.signing_key] {
        let raw = fs::read(p).unwrap();
        assert!(raw.starts_with(b"age-encryption.org/v1\n-> scrypt "));
        assert!(!String::from_utf8_lossy(&raw).contains("SECRET-KEY"));
    }
    assert!(needs_passphrase(dir.path()).unwrap());
    let loaded = Identity::load(dir.path(), &PassphraseSource::Value(pass("correct horse"))).unwrap();
    same(&id, &loaded);
}

#[test]
fn passphrase_required_wrong_and_empty() {
    let dir = tempfile::tempdir().unwrap();
    save_encrypted(dir.path(), "correct horse");
    let paths = IdentityPaths::new(dir.path());
    match Identity::load(dir.path(), &PassphraseSource::None).unwrap_err() {
        IdentityError::PassphraseRequired { path } => assert_eq!(path, paths.age_key),
        e => panic!("unexpected {e}"),
    }
    let err = Identity::load(dir.path(), &PassphraseSource::Value(pass("wrong"))).unwrap_err();
    match &err {
        IdentityError::WrongPassphrase { path } => assert_eq!(path, &paths.age_key),
        e => panic!("unexpected {e}"),
    }
    assert!(err.to_string().starts_with("wrong passphrase for "));
    assert!(!err.to_string().contains("correct horse"));

    let dir2 = tempfile::tempdir().unwrap();
    let id = Identity::generate("B").unwrap();
    assert!(matches!(id.save(dir2.path(), Some(&pass(""))), Err(IdentityError::EmptyPassphrase)));
    assert!(matches!(Identity::load(dir2.path(), &PassphraseSource::None), Err(IdentityError::NoIdentity { .. })));
}

/// Runs inside a child process started by `passphrase_from_env` (edition 2024
/// makes `set_var` unsafe, and this workspace forbids unsafe code).
#[test]
fn env_child() {
    let Some(home) = std::env::var_os("BEMX_IDENTITY_TEST_HOME") else {
        return;
    };
    let expected = std::env::var("BEMX_IDENTITY_TEST_EXPECT").unwrap();
    let home = Path::new(&home);
    match Identity::load(home, &PassphraseSource::Env) {
        Ok(id) => assert_eq!(expected, id.installation_id().to_string()),
        Err(IdentityError::WrongPassphrase { .. }) => assert_eq!(expected, "wrong"),
        Err(IdentityError::PassphraseRequired { .. }) => assert_eq!(expected, "required"),
        Err(e) => panic!("unexpected {e}"),
    }
}

#[test]
fn passphrase_from_env() {
    let dir = tempfile::tempdir().unwrap();
    let id = save_encrypted(dir.path(), "from the environment");
    let run = |pass: Option<&str>, expect: &str| {
        let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
        cmd.args(["--exact", "env_child", "--test-threads=1"])
            .env("BEMX_IDENTITY_TEST_HOME", dir.path())
            .env("BEMX_IDENTITY_TEST_EXPECT", expect)
            .env_remove("BEMX_PASSPHRASE");
        if let Some(p) = pass {
            cmd.env("BEMX_PASSPHRASE", p);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "child failed: {}", String::from_utf8_lossy(&out.stdout));
        assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed"));
    };
    run(Some("from the environment"), &id.installation_id().to_string());
    run(Some("nope"), "wrong");
    run(Some(""), "required");
    run(None, "required");
}

#[test]
fn refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let first = save_plain(dir.path());
    let before = fs::read(IdentityPaths::new(dir.path()).age_key).unwrap();
    let second = Identity::generate("Other").unwrap();
    let err = second.save(dir.path(), None).unwrap_err();
    assert!(matches!(err, IdentityError::AlreadyExists { .. }), "{err}");
    assert!(err.to_string().contains("refusing to overwrite"));
    assert_eq!(fs::read(IdentityPaths::new(dir.path()).age_key).unwrap(), before);
    let loaded = Identity::load(dir.path(), &PassphraseSource::None).unwrap();
    same(&first, &loaded);

    // Even a single leftover file blocks saving.
    let dir2 = tempfile::tempdir().unwrap();
    let paths = IdentityPaths::new(dir2.path());
    fs::create_dir_all(&paths.dir).unwrap();
    fs::write(&paths.installation, b"{}").unwrap();
    let err = second.save(dir2.path(), None).unwrap_err();
    match err {
        IdentityError::AlreadyExists { path } => assert_eq!(path, paths.installation),
        e => panic!("unexpected {e}"),
    }
    assert!(!paths.age_key.exists());
}

#[test]
fn missing_and_incomplete_identity() {
    let dir = tempfile::tempdir().unwrap();
    let err = Identity::load(dir.path(), &PassphraseSource::None).unwrap_err();
    assert!(matches!(err, IdentityError::NoIdentity { .. }));
    assert_eq!(err.to_string(), format!("no installation at {}", dir.path().display()));
    assert_eq!(err.advice().as_deref(), Some("run `bemx init`"));
    assert!(matches!(needs_passphrase(dir.path()), Err(IdentityError::NoIdentity { .. })));

    save_plain(dir.path());
    let paths = IdentityPaths::new(dir.path());
    fs::remove_file(&paths.signing_key).unwrap();
    match Identity::load(dir.path(), &PassphraseSource::None).unwrap_err() {
        IdentityError::IncompleteIdentity { missing, .. } => {
            assert_eq!(missing, paths.signing_key)
        }
        e => panic!("unexpected {e}"),
    }
}

#[cfg(unix)]
#[test]
fn refuses_group_or_world_readable_secret() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    save_plain(dir.path());
    let paths = IdentityPaths::new(dir.path());
    for (p, mode) in [(&paths.age_key, 0o644), (&paths.signing_key, 0o640)] {
        fs::set_permissions(p, fs::Permissions::from_mode(mode)).unwrap();
        let err = Identity::load(dir.path(), &PassphraseSource::None).unwrap_err();
        match &err {
            IdentityError::InsecurePermissions { path, mode: m } => {
                assert_eq!(path, p);
                assert_eq!(*m, mode);
            }
            e => panic!("unexpected {e}"),
        }
        assert_eq!(
            err.to_string(),
            format!("secret key file {} is readable by other users (mode {:03o})", p.display(), mode)
        );
        assert_eq!(err.advice(), Some(format!("run `chmod 600 {}`", p.display())));
        fs::set_permissions(p, fs::Permissions::from_mode(0o600)).unwrap();
    }
    Identity::load(dir.path(), &PassphraseSource::None).unwrap();
}

/// A home folder with a non-ASCII name, as a German user profile has
/// (`C:\Users\Jürgen Müller`): paths go through UTF-16 on Windows.
#[test]
fn non_ascii_home_folder() {
    let dir = tempfile::tempdir().unwrap();
    let user = dir.path().join("Jürgen Müller");
    let home = user.join("AppData").join("bemx Ünïcødé ß €");
    let id = Identity::generate("Jürgen Müller").unwrap();
    id.save(&home, None).unwrap();
    let names: Vec<String> =
        fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(names, ["Jürgen Müller"]);
    let loaded = Identity::load(&home, &PassphraseSource::None).unwrap();
    same(&id, &loaded);
    assert_eq!(Identity::load_contact_card(&home).unwrap(), id.contact_card());
    assert_eq!(loaded.name(), "Jürgen Müller");

    let home2 = user.join("zweite Installation");
    let id2 = save_encrypted(&home2, "Grüße aus Köln");
    assert!(needs_passphrase(&home2).unwrap());
    same(&id2, &Identity::load(&home2, &PassphraseSource::Value(pass("Grüße aus Köln"))).unwrap());

    // Errors name the path as it is.
    let err = Identity::load(&user.join("leer"), &PassphraseSource::None).unwrap_err();
    assert!(err.to_string().contains("Jürgen Müller"), "{err}");
}

/// Windows: key files must lie in the user's private folders (the documented
/// stand-in for an ACL check; see "Key files on Windows" in bemx_identity::identity).
/// `%PUBLIC%` (`C:\Users\Public`) is readable by every user of the machine.
#[cfg(windows)]
fn public_folder() -> std::path::PathBuf {
    std::env::var_os("PUBLIC").map(std::path::PathBuf::from).unwrap_or_else(|| "C:\\Users\\Public".into())
}

#[cfg(windows)]
#[test]
fn windows_refuses_key_files_outside_private_folders() {
    let public = tempfile::Builder::new().prefix("bemx-test-").tempdir_in(public_folder()).unwrap();
    let home = public.path().join("bemx");

    // Saving refuses before creating anything.
    let id = Identity::generate("Anna").unwrap();
    let err = id.save(&home, None).unwrap_err();
    match &err {
        IdentityError::OutsidePrivateFolder { path, allowed, .. } => {
            assert_eq!(path, &IdentityPaths::new(&home).dir);
            assert!(!allowed.is_empty());
        }
        e => panic!("unexpected {e}"),
    }
    assert!(err.advice().unwrap().contains("BEMX_TRUSTED_KEY_FOLDER"), "{err}");
    assert!(!home.exists());

    // Loading refuses key files copied there, before opening them.
    let private = tempfile::tempdir().unwrap();
    let id = save_plain(private.path());
    let from = IdentityPaths::new(private.path());
    let to = IdentityPaths::new(&home);
    fs::create_dir_all(&to.dir).unwrap();
    for (a, b) in
        [(&from.age_key, &to.age_key), (&from.signing_key, &to.signing_key), (&from.installation, &to.installation)]
    {
        fs::copy(a, b).unwrap();
    }
    match Identity::load(&home, &PassphraseSource::None).unwrap_err() {
        IdentityError::OutsidePrivateFolder { path, .. } => assert_eq!(path, to.age_key),
        e => panic!("unexpected {e}"),
    }
    // The public card needs no private folder.
    assert_eq!(Identity::load_contact_card(&home).unwrap(), id.contact_card());

    // Inside the profile, however spelled: the temp folder in another case.
    let upper = std::path::PathBuf::from(private.path().to_str().unwrap().to_uppercase());
    same(&id, &Identity::load(&upper, &PassphraseSource::None).unwrap());

    // An administrator can vouch for a folder: BEMX_TRUSTED_KEY_FOLDER.
    let run = |trusted: Option<&Path>, expect: &str| {
        let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
        cmd.args(["--exact", "windows_trusted_folder_child", "--test-threads=1"])
            .env("BEMX_IDENTITY_TEST_HOME", &home)
            .env("BEMX_IDENTITY_TEST_EXPECT", expect)
            .env_remove(bemx_identity::TRUSTED_KEY_FOLDER_ENV);
        if let Some(t) = trusted {
            cmd.env(bemx_identity::TRUSTED_KEY_FOLDER_ENV, t);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "child failed: {}", String::from_utf8_lossy(&out.stdout));
        assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed"));
    };
    run(Some(public.path()), &id.installation_id().to_string());
    let other = public.path().join("other");
    fs::create_dir(&other).unwrap();
    run(Some(&other), "refused");
    run(None, "refused");
}

/// Runs inside a child process started by
/// `windows_refuses_key_files_outside_private_folders`.
#[cfg(windows)]
#[test]
fn windows_trusted_folder_child() {
    let Some(home) = std::env::var_os("BEMX_IDENTITY_TEST_HOME") else {
        return;
    };
    let expected = std::env::var("BEMX_IDENTITY_TEST_EXPECT").unwrap();
    match Identity::load(Path::new(&home), &PassphraseSource::None) {
        Ok(id) => assert_eq!(expected, id.installation_id().to_string()),
        Err(IdentityError::OutsidePrivateFolder { .. }) => assert_eq!(expected, "refused"),
        Err(e) => panic!("unexpected {e}"),
    }
}

#[test]
fn truncated_and_corrupt_plain_files() {
    let dir = tempfile::tempdir().unwrap();
    save_plain(dir.path());
    let paths = IdentityPaths::new(dir.path());
    let age_orig = fs::read(&paths.age_key).unwrap();
    let sig_orig = fs::read(&paths.signing_key).unwrap();
    let json_orig = fs::read(&paths.installation).unwrap();

    let cases: Vec<(&Path, Vec<u8>)> = vec![
        (&paths.age_key, age_orig[..age_orig.len() - 10].to_vec()),
        (&paths.age_key, age_orig[..20].to_vec()),
        (&paths.age_key, Vec::new()),
        (&paths.age_key, b"\xff\xfe garbage".to_vec()),
        (&paths.signing_key, sig_orig[..sig_orig.len() - 6].to_vec()),
        (&paths.signing_key, Vec::new()),
        (
            &paths.signing_key,
            format!("{}\n{}", String::from_utf8_lossy(&sig_orig), "BEMX-ED25519-SECRET-KEY-1AAAA").into_bytes(),
        ),
        (&paths.installation, json_orig[..json_orig.len() / 2].to_vec()),
    ];
    for (path, bytes) in cases {
        write_private(path, &bytes);
        let err = Identity::load(dir.path(), &PassphraseSource::None).unwrap_err();
        match &err {
            IdentityError::CorruptKeyFile { path: p, .. } => assert_eq!(p, path, "{err}"),
            e => panic!("unexpected {e} for {}", path.display()),
        }
        assert!(err.to_string().contains(&path.display().to_string()));
        assert!(!err.to_string().contains("SECRET-KEY-1"), "{err}");
        write_private(&paths.age_key, &age_orig);
        write_private(&paths.signing_key, &sig_orig);
        write_private(&paths.installation, &json_orig);
    }
    Identity::load(dir.path(), &PassphraseSource::None).unwrap();
}

#[test]
fn mismatched_key_files_are_detected() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    save_plain(a.path());
    save_plain(b.path());
    let pa = IdentityPaths::new(a.path());
    let pb = IdentityPaths::new(b.path());
    write_private(&pa.signing_key, &fs::read(&pb.signing_key).unwrap());
    match Identity::load(a.path(), &PassphraseSource::None).unwrap_err() {
        IdentityError::CorruptKeyFile { path, reason } => {
            assert_eq!(path, pa.installation);
            assert!(reason.contains("signing.key"));
        }
        e => panic!("unexpected {e}"),
    }
}

#[test]
fn truncated_and_corrupt_encrypted_files() {
    let dir = tempfile::tempdir().unwrap();
    save_encrypted(dir.path(), "pw");
    let paths = IdentityPaths::new(dir.path());
    let orig = fs::read(&paths.signing_key).unwrap();
    let n = orig.len();
    let mut flipped_payload = orig.clone();
    flipped_payload[n - 5] ^= 1;
    let mut flipped_mac = orig.clone();
    let mac_pos = orig.windows(4).position(|w| w == b"--- ").unwrap() + 6;
    flipped_mac[mac_pos] ^= 1;
    for bytes in [orig[..n - 1].to_vec(), orig[..n - 40].to_vec(), orig[..30].to_vec(), flipped_payload, flipped_mac] {
        write_private(&paths.signing_key, &bytes);
        let err = Identity::load(dir.path(), &PassphraseSource::Value(pass("pw"))).unwrap_err();
        match &err {
            IdentityError::CorruptKeyFile { path, .. } => assert_eq!(path, &paths.signing_key),
            e => panic!("unexpected {e}"),
        }
    }
    write_private(&paths.signing_key, &orig);
    Identity::load(dir.path(), &PassphraseSource::Value(pass("pw"))).unwrap();
}

#[test]
fn debug_and_errors_hold_no_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let id = save_plain(dir.path());
    let paths = IdentityPaths::new(dir.path());
    let age_secret = fs::read_to_string(&paths.age_key).unwrap().lines().last().unwrap().to_owned();
    let seed_b64 = fs::read_to_string(&paths.signing_key)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .strip_prefix(SIGNING_KEY_PREFIX)
        .unwrap()
        .to_owned();
    let debug = format!("{id:?} {:?}", PassphraseSource::Value(pass("hunter2")));
    assert!(debug.contains(&id.installation_id().to_string()));
    for secret in [
        age_secret.as_str(),
        &age_secret.to_lowercase(),
        &seed_b64,
        &hex::encode(id.signing_key().to_bytes()),
        "hunter2",
    ] {
        assert!(!debug.contains(secret), "debug output leaks a secret");
    }
}

/// A key file or installation.json is read up to 64 KiB: padded (with a
/// comment, or white space for the JSON) to exactly 65,536 bytes it loads;
/// one byte more and it is refused, naming the file.
#[test]
fn key_files_of_64_kib_are_read_and_one_byte_more_is_not() {
    let dir = tempfile::tempdir().unwrap();
    save_plain(dir.path());
    let paths = IdentityPaths::new(dir.path());
    for (path, pad) in [(&paths.age_key, "\n#"), (&paths.signing_key, "\n#"), (&paths.installation, "\n")] {
        let orig = fs::read(path).unwrap();
        let mut at_limit = orig.clone();
        at_limit.extend_from_slice(pad.as_bytes());
        at_limit.resize(65_536, b' ');
        write_private(path, &at_limit);
        Identity::load(dir.path(), &PassphraseSource::None).unwrap();
        at_limit.push(b' ');
        write_private(path, &at_limit);
        match Identity::load(dir.path(), &PassphraseSource::None) {
            Err(IdentityError::CorruptKeyFile { path: p, .. }) => assert_eq!(&p, path),
            other => panic!("{}: expected CorruptKeyFile, got {:?}", path.display(), other.map(|_| ())),
        }
        write_private(path, &orig);
    }
}

fn write_private(path: &Path, bytes: &[u8]) {
    fs::write(path, bytes).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o600)).unwrap();
    }
}

/// The production work factor really is written (slow in debug builds:
/// run with `cargo test -p bemx-identity --release -- --ignored`).
#[test]
#[ignore = "scrypt 2^18 is slow in debug builds"]
fn production_work_factor_is_18() {
    let dir = tempfile::tempdir().unwrap();
    let id = Identity::generate("Anna").unwrap();
    id.save(dir.path(), Some(&pass("slow but safe"))).unwrap();
    let raw = fs::read(IdentityPaths::new(dir.path()).age_key).unwrap();
    let header = String::from_utf8_lossy(&raw[..80]).into_owned();
    let stanza = header.lines().nth(1).unwrap();
    assert!(stanza.starts_with("-> scrypt ") && stanza.ends_with(" 18"), "{stanza}");
    let loaded = Identity::load(dir.path(), &PassphraseSource::Value(pass("slow but safe"))).unwrap();
    same(&id, &loaded);
}
