//! Interoperability with the reference `age` command line tool.
//!
//! Skipped (loudly) when `age` is not on PATH; CI installs it. On Windows
//! these tests are ignored, with the reason in the test output: the CI runs the
//! Windows build under Wine, where Debian's `age` is a Linux program.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::print_stderr)]

use std::fs;
use std::io::{Read, Write};
use std::process::Command;

use bemx_identity::{ContactCard, Identity, IdentityPaths, PassphraseSource};

fn age_available() -> bool {
    match Command::new("age").arg("--version").output() {
        Ok(out) if out.status.success() => true,
        _ => {
            // CI installs age and sets this: there a missing tool fails.
            assert!(
                std::env::var_os("BEMX_REQUIRE_TOOLS").is_none(),
                "BEMX_REQUIRE_TOOLS is set but `age` does not run: install it (apt-get install age)"
            );
            eprintln!(
                "\n==========================================================\n\
                 SKIPPED: the `age` binary is not on PATH; age interop not tested.\n\
                 Install it (Debian/Ubuntu: `apt-get install age`) to run this test.\n\
                 ==========================================================\n"
            );
            false
        }
    }
}

fn decrypt_with(identity: &Identity, ciphertext: &[u8]) -> Vec<u8> {
    let decryptor = age::Decryptor::new(ciphertext).unwrap();
    let mut reader = decryptor.decrypt(std::iter::once(identity.age_identity() as &dyn age::Identity)).unwrap();
    let mut out = Vec::new();
    reader.read_to_end(&mut out).unwrap();
    out
}

fn encrypt_to(recipient: &age::x25519::Recipient, plain: &[u8]) -> Vec<u8> {
    let encryptor = age::Encryptor::with_recipients(std::iter::once(recipient as &dyn age::Recipient)).unwrap();
    let mut out = Vec::new();
    let mut w = encryptor.wrap_output(&mut out).unwrap();
    w.write_all(plain).unwrap();
    w.finish().unwrap();
    out
}

fn run_age(args: &[&str]) {
    let out = Command::new("age").args(args).output().unwrap();
    assert!(out.status.success(), "age {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
#[cfg_attr(windows, ignore = "SKIPPED on Windows: runs the age command line tool, a Linux program in CI")]
fn age_cli_encrypts_to_card_and_decrypts_with_key_file() {
    if !age_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let id = Identity::generate("Anna").unwrap();
    id.save(&home, None).unwrap();
    let card = ContactCard::parse(&Identity::load_contact_card(&home).unwrap().to_text()).unwrap();
    let plain: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let plain_path = dir.path().join("plain.bin");
    fs::write(&plain_path, &plain).unwrap();

    // age CLI -> bemx: encrypt to the card's recipient, decrypt with the loaded identity.
    let enc_path = dir.path().join("by-cli.age");
    run_age(&["-r", &card.age_recipient, "-o", enc_path.to_str().unwrap(), plain_path.to_str().unwrap()]);
    let loaded = Identity::load(&home, &PassphraseSource::None).unwrap();
    assert_eq!(decrypt_with(&loaded, &fs::read(&enc_path).unwrap()), plain);

    // bemx -> age CLI: encrypt to the recipient, `age -d -i home/identity/age.key`.
    let ours = dir.path().join("by-bemx.age");
    fs::write(&ours, encrypt_to(&card.recipient().unwrap(), &plain)).unwrap();
    let out_path = dir.path().join("decrypted.bin");
    let key_path = IdentityPaths::new(&home).age_key;
    run_age(&["-d", "-i", key_path.to_str().unwrap(), "-o", out_path.to_str().unwrap(), ours.to_str().unwrap()]);
    assert_eq!(fs::read(&out_path).unwrap(), plain);
}

#[test]
#[cfg_attr(windows, ignore = "SKIPPED on Windows: runs age-keygen, a Linux program in CI")]
fn age_key_file_has_age_keygen_layout() {
    // Our age.key has the same line layout as the output of age-keygen.
    if !age_available() {
        return;
    }
    let Ok(out) = Command::new("age-keygen").output() else {
        assert!(
            std::env::var_os("BEMX_REQUIRE_TOOLS").is_none(),
            "BEMX_REQUIRE_TOOLS is set but `age-keygen` does not run"
        );
        eprintln!("SKIPPED: `age-keygen` not on PATH");
        return;
    };
    assert!(out.status.success());
    let keygen_text = String::from_utf8(out.stdout).unwrap();
    let ours_text = {
        let dir = tempfile::tempdir().unwrap();
        Identity::generate("A").unwrap().save(dir.path(), None).unwrap();
        fs::read_to_string(IdentityPaths::new(dir.path()).age_key).unwrap()
    };
    let shape = |t: &str| -> Vec<String> {
        t.lines().map(|l| l.split(':').next().unwrap().chars().take(16).collect()).collect()
    };
    assert_eq!(shape(&keygen_text), shape(&ours_text));
}

/// `age -d -i` on a passphrase-protected identity file: age asks for the
/// passphrase on the terminal, so this needs `script` to provide one.
#[cfg(unix)]
#[test]
fn age_cli_decrypts_with_passphrase_protected_key_file() {
    if !age_available() {
        return;
    }
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIPPED: `script` not on PATH, cannot give age a terminal");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let id = Identity::generate("Anna").unwrap();
    id.save_with_insecure_test_work_factor(&home, Some(&bemx_identity::SecretString::from("pw 123")), 10).unwrap();
    let ours = dir.path().join("by-bemx.age");
    fs::write(&ours, encrypt_to(&id.recipient(), b"hello through age")).unwrap();
    let out_path = dir.path().join("decrypted.txt");
    let key_path = IdentityPaths::new(&home).age_key;
    let cmd = format!("age -d -i '{}' -o '{}' '{}'", key_path.display(), out_path.display(), ours.display());
    let mut child = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for age's passphrase prompt on the terminal, then type.
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    let reader = std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buf = [0u8; 256];
        let mut told = false;
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
            if !told && String::from_utf8_lossy(&seen).contains("passphrase") {
                told = true;
                let _ = tx.send(Vec::new());
            }
        }
        seen
    });
    let prompted = rx.recv_timeout(std::time::Duration::from_secs(60)).is_ok();
    if prompted {
        child.stdin.as_mut().unwrap().write_all(b"pw 123\n").unwrap();
    } else {
        let _ = child.kill();
    }
    let out = child.wait_with_output().unwrap();
    let seen = reader.join().unwrap();
    assert!(prompted, "age never asked for the passphrase: {}", String::from_utf8_lossy(&seen));
    assert!(
        out.status.success(),
        "age failed: {} {}",
        String::from_utf8_lossy(&seen),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(fs::read(&out_path).unwrap(), b"hello through age");
}
