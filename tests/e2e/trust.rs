//! Whom an installation trusts, and what it takes to change that: the
//! folder and contacts file no one else may write (issue 13, item 11),
//! contact names that cannot hide or imitate another (item 13), a reason
//! that says something for an export without consent, with the clients in
//! the audit log (item 17), and a passphrase from the environment that is
//! taken as text or refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[cfg(unix)]
use std::path::{Path, PathBuf};

use crate::support::{Inst, Run, World, contents_under, exchange};
#[cfg(unix)]
use crate::support::{run_of, snapshot};

/// Runs `inst ARGS` (with `stdin` if given) and checks the refusal: exit 1
/// naming every one of `causes` (case-insensitive), and every file under
/// the world byte-identical; only installation lock files may appear.
#[track_caller]
fn refused_unchanged(world: &World, inst: &Inst, args: &[&str], stdin: Option<&[u8]>, causes: &[&str]) -> Run {
    let before = contents_under(world.path());
    let run = match stdin {
        Some(input) => inst.run_stdin(args, input),
        None => inst.run(args),
    };
    let run = run.refused();
    let stderr = run.stderr.to_lowercase();
    for cause in causes {
        assert!(stderr.contains(&cause.to_lowercase()), "`{}`: expected {cause:?} in:\n{}", args.join(" "), run.stderr);
    }
    assert!(run.stderr.lines().any(|l| l.starts_with("hint: ")), "the refusal says what to do:\n{}", run.stderr);
    let after = contents_under(world.path());
    for (path, bytes) in &before {
        let now = after.get(path).unwrap_or_else(|| panic!("`{}` removed {}", args.join(" "), path.display()));
        assert!(now == bytes, "`{}` changed {}", args.join(" "), path.display());
    }
    for path in after.keys().filter(|p| !before.contains_key(*p)) {
        assert!(path.ends_with("bemx.lock"), "`{}` left {} behind", args.join(" "), path.display());
    }
    run
}

#[cfg(unix)]
fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// `inst`'s contact card (JSON) under another name: the name is not part
/// of the fingerprint, so this is a well-formed card a colleague could send.
fn card_named(inst: &Inst, name: &str) -> String {
    let mut card: serde_json::Value = serde_json::from_str(&inst.card_json()).unwrap();
    card["name"] = name.into();
    card.to_string()
}

fn contact_names(inst: &Inst) -> Vec<String> {
    let list = inst.run(&["contacts", "list", "--json"]).success().json();
    list.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect()
}

// --- item 11: the installation folder and the contacts file ---------------

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Anna and Bernd trust each other; Bernd has written a bundle for Anna
/// (`from-bernd.bemx`), and Anna has clients of her own and a card of
/// Carla's at hand (`carla.json`).
#[cfg(unix)]
fn trusting_pair() -> (World, Inst, Inst, PathBuf) {
    let world = World::new();
    let anna = world.init("Anna");
    let bernd = world.init("Bernd");
    let carla = world.init("Carla");
    exchange(&anna, &bernd);
    anna.seed_with(3, 7, "100-500");
    bernd.seed_with(3, 8, "100-500");
    let client = bernd.clients_with_consent(true).remove(0);
    bernd.run(&["export", "--to", "Anna", "--client", &client, "-o", "from-bernd.bemx"]).success();
    std::fs::write(world.path().join("carla.json"), carla.card_json()).unwrap();
    let bundle = world.path().join("from-bernd.bemx");
    (world, anna, bernd, bundle)
}

/// Every command that reads whom Anna trusts, each refused as
/// [`refused_unchanged`] proves, naming `causes`.
#[cfg(unix)]
fn every_trusting_command_is_refused(world: &World, anna: &Inst, bundle: &Path, causes: &[&str]) {
    let client = anna.clients_with_consent(true).remove(0);
    let carla = world.path().join("carla.json");
    let commands: [&[&str]; 5] = [
        &["contacts", "list"],
        &["contacts", "add", path_str(&carla), "--yes"],
        &["export", "--to", "Bernd", "--client", &client, "-o", "to-bernd.bemx"],
        &["verify", path_str(bundle)],
        &["import", "--yes", path_str(bundle)],
    ];
    for args in commands {
        refused_unchanged(world, anna, args, None, causes);
    }
}

/// Item 11: a contacts file that another user could write (here: its mode
/// grants the group and others write access, as a planted or carelessly
/// copied file would) is refused by every command that trusts it; nothing
/// changes; once it is private again everything works.
#[cfg(unix)]
#[test]
fn contacts_file_writable_by_others_is_refused_and_changes_nothing() {
    let (world, anna, _bernd, bundle) = trusting_pair();
    let contacts = anna.home.join("contacts.json");
    for mode in [0o666, 0o620] {
        chmod(&contacts, mode);
        let cause = format!("(mode {mode:03o})");
        let fix = format!("chmod 600 {}", contacts.display());
        every_trusting_command_is_refused(&world, &anna, &bundle, &["contacts file", "other users", &cause, &fix]);
    }
    // Readable by others is fine: the file holds only public keys.
    chmod(&contacts, 0o644);
    assert_eq!(contact_names(&anna), ["Bernd"]);
    chmod(&contacts, 0o600);
    anna.run(&["import", "--yes", path_str(&bundle)]).success();
}

/// Item 11: an installation folder that others can write (they could
/// create or swap `contacts.json` in it) is refused the same way.
#[cfg(unix)]
#[test]
fn installation_folder_writable_by_others_is_refused_and_changes_nothing() {
    let (world, anna, _bernd, bundle) = trusting_pair();
    for mode in [0o777, 0o770, 0o1777] {
        chmod(&anna.home, mode);
        let cause = format!("(mode {mode:03o})");
        let fix = format!("chmod 700 {}", anna.home.display());
        every_trusting_command_is_refused(&world, &anna, &bundle, &["installation folder", &cause, &fix]);
    }
    chmod(&anna.home, 0o755);
    assert_eq!(contact_names(&anna), ["Bernd"]);
    chmod(&anna.home, 0o700);
    anna.run(&["import", "--yes", path_str(&bundle)]).success();
}

/// Item 11: `init` in a folder that others can write warns (they could
/// replace the whole installation folder), and not in a private one nor in
/// a sticky one like /tmp (where others cannot rename what is not theirs).
#[cfg(unix)]
#[test]
fn init_warns_when_others_can_write_the_folder_it_lies_in() {
    let world = World::new();
    for (dir, mode, warned) in
        [("shared", 0o777, true), ("group", 0o770, true), ("private", 0o700, false), ("sticky", 0o1777, false)]
    {
        let parent = world.path().join(dir);
        std::fs::create_dir(&parent).unwrap();
        chmod(&parent, mode);
        let inst = world.uninitialized(&format!("{dir}/bemx"));
        let run = inst.run(&["init", "--name", dir, "--quiet"]).success();
        let warning = format!("warning: the folder {} that holds the installation", parent.display());
        assert_eq!(run.stderr.contains(&warning), warned, "{dir}: {}", run.stderr);
        if warned {
            assert!(run.stderr.contains(&format!("(mode {mode:03o})")), "{}", run.stderr);
            assert!(
                run.stderr.contains("hint: move the installation into a folder only you can change"),
                "{}",
                run.stderr
            );
        }
        // The installation works all the same.
        assert_eq!(inst.run(&["contacts", "list", "--json"]).success().json(), serde_json::json!([]));
    }
}

/// Item 11: `init` into an existing folder that others can write is
/// refused before anything is created (every later command would refuse it).
#[cfg(unix)]
#[test]
fn init_refuses_an_existing_installation_folder_others_can_write() {
    let world = World::new();
    let inst = world.uninitialized("anna");
    std::fs::create_dir(&inst.home).unwrap();
    chmod(&inst.home, 0o777);
    let fix = format!("chmod 700 {}", inst.home.display());
    refused_unchanged(&world, &inst, &["init", "--name", "Anna"], None, &["installation folder", "(mode 777)", &fix]);
    assert_eq!(std::fs::read_dir(&inst.home).unwrap().count(), 0, "nothing created");
    chmod(&inst.home, 0o700);
    inst.run(&["init", "--name", "Anna"]).success();
}

// --- item 13: contact names ------------------------------------------------

/// Item 13: names with invisible or text-direction characters are refused
/// on a card and for `init`, naming the character; nothing changes.
#[test]
fn names_with_invisible_or_direction_characters_are_refused() {
    let world = World::new();
    let anna = world.init("Anna");
    let bernd = world.init("Bernd");
    let carla = world.init("Carla");
    anna.trust(&bernd);
    let add = ["contacts", "add", "-", "--yes"];
    for (name, code) in [
        ("Bernd\u{200b}", "U+200B"),            // zero-width space
        ("Ber\u{200d}nd", "U+200D"),            // zero-width joiner
        ("\u{feff}Carla", "U+FEFF"),            // byte order mark
        ("\u{202e}dnreB", "U+202E"),            // right-to-left override: shows as "Bernd"
        ("Carla \u{2067}HR\u{2069}", "U+2067"), // right-to-left isolate
        ("Carla\u{200f}", "U+200F"),            // right-to-left mark
        ("Car\u{ad}la", "U+00AD"),              // soft hyphen
        ("Carla\u{fe0f}", "U+FE0F"),            // variation selector
    ] {
        let card = card_named(&carla, name);
        refused_unchanged(&world, &anna, &add, Some(card.as_bytes()), &["invalid name", code]);
    }
    assert_eq!(contact_names(&anna), ["Bernd"]);

    let dora = world.uninitialized("dora");
    dora.run(&["init", "--name", "Dora\u{200b}"]).refused_with("U+200B");
    assert!(!dora.home.exists(), "nothing created");
}

/// Item 13: a card whose name reads like a trusted contact's (other case,
/// Cyrillic look-alike letters, "m" for "rn", full-width letters) is
/// refused before the fingerprint question, naming the contact it imitates
/// and the odd letters; `contacts list` keeps one "Bernd".
#[test]
fn look_alike_contact_names_are_refused() {
    let world = World::new();
    let anna = world.init("Anna");
    let bernd = world.init("Bernd");
    let mallory = world.init("Mallory");
    anna.trust(&bernd);
    for (name, shown) in [
        ("B\u{435}rnd", "U+0435"),       // Cyrillic е
        ("\u{412}\u{415}RND", "U+0412"), // Cyrillic В and Е
        ("BERND", "\"Bernd\""),
        ("bernd", "\"Bernd\""),
        ("Bemd", "\"Bernd\""),
        ("\u{ff22}ernd", "U+FF22"), // full-width B
    ] {
        let card = card_named(&mallory, name);
        // With --yes, and without it (no terminal): the look-alike is the
        // refusal either way, not a fingerprint question.
        for args in [&["contacts", "add", "-", "--yes"][..], &["contacts", "add", "-"][..]] {
            let run = refused_unchanged(&world, &anna, args, Some(card.as_bytes()), &["reads like", shown]);
            assert!(run.stderr.contains(&bernd.fingerprint()), "names the contact it imitates: {}", run.stderr);
            assert!(!run.stderr.contains("Did you compare"), "no question asked: {}", run.stderr);
        }
    }
    assert_eq!(contact_names(&anna), ["Bernd"]);
    // A plainly different name from the same card is fine.
    anna.run_stdin(&["contacts", "add", "-", "--yes"], card_named(&mallory, "Bernd Meier (IT)").as_bytes()).success();
    assert_eq!(contact_names(&anna), ["Bernd", "Bernd Meier (IT)"]);
}

/// Item 13: German names with umlauts and ß work from `init` to a handover
/// and back; a name typed decomposed (u + combining diaeresis) or with extra
/// spaces is stored in its one normal form and found by it; "JÜRGEN WEISS"
/// reads like "Jürgen Weiß" and is refused.
#[test]
fn german_names_with_umlauts_and_sharp_s_work() {
    let world = World::new();
    let juergen = world.uninitialized("juergen");
    let card = juergen.run(&["init", "--name", "Jürgen Weiß", "--json"]).success().json();
    assert_eq!(card["name"], "Jürgen Weiß");
    let anna_lena = world.uninitialized("anna-lena");
    // Decomposed ü and two spaces, as some terminals and mail programs write it.
    let card = anna_lena.run(&["init", "--name", "  Anna-Lena  Mu\u{308}ller ", "--json"]).success().json();
    assert_eq!(card["name"], "Anna-Lena Müller");
    assert!(anna_lena.run(&["id", "show"]).success().stdout.contains("\nname: Anna-Lena Müller\n"));
    exchange(&juergen, &anna_lena);
    assert_eq!(contact_names(&juergen), ["Anna-Lena Müller"]);
    assert_eq!(contact_names(&anna_lena), ["Jürgen Weiß"]);

    // A handover by (decomposed) name, imported: the sender's name on the
    // bundle matches the card.
    anna_lena.seed_with(2, 7, "100-500");
    let client = anna_lena.clients_with_consent(true).remove(0);
    anna_lena.run(&["export", "--to", "Ju\u{308}rgen Weiß", "--client", &client, "-o", "b.bemx"]).success();
    let preview = juergen.run(&["verify", "b.bemx"]).success();
    assert!(preview.stdout.contains("Anna-Lena Müller"), "{}", preview.stdout);
    juergen.run(&["import", "--yes", "b.bemx"]).success();

    let mallory = world.init("Mallory");
    let card = card_named(&mallory, "JÜRGEN WEISS");
    refused_unchanged(
        &world,
        &anna_lena,
        &["contacts", "add", "-", "--yes"],
        Some(card.as_bytes()),
        &["reads like", "Jürgen Weiß"],
    );
}

// --- item 17: exporting without consent --------------------------------------

/// Anna (30 demo clients, some without handover consent) and Bernd.
fn consent_pair() -> (World, Inst, Inst) {
    let world = World::new();
    let anna = world.init("Anna");
    let bernd = world.init("Bernd");
    exchange(&anna, &bernd);
    anna.seed(30);
    (world, anna, bernd)
}

/// Item 17: `--without-consent` with a reason that says nothing (".",
/// a single word, punctuation, one letter repeated, hidden characters) is
/// refused with an example of a real reason; database and folder unchanged,
/// no bundle, no audit entry.
#[test]
fn without_consent_needs_a_meaningful_reason() {
    let (world, anna, _bernd) = consent_pair();
    let client = anna.clients_with_consent(false).remove(0);
    for reason in
        [".", "x", "test", "!!!!!!!!!!!!!!", "aaaaaaaaaaaa", "?? ?? ?? ?? ??", "ok ok", "lost\u{202e} form", "   "]
    {
        let args = ["export", "--to", "Bernd", "--client", &client, "--without-consent", reason, "-o", "out.bemx"];
        let run = refused_unchanged(&world, &anna, &args, None, &["reason", "not enough"]);
        assert!(run.stderr.contains("hint: write in words why"), "{}", run.stderr);
        assert!(!world.path().join("out.bemx").exists());
    }
    let audits: i64 = anna.sql().query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).unwrap();
    assert_eq!(audits, 0, "nothing audited for refused exports");
}

/// Item 17: the audit entry of an export without consent names exactly the
/// clients that went without it (UUIDs), not those with consent, and the
/// reason as given (white space collapsed).
#[test]
fn without_consent_audit_lists_the_client_uuids() {
    let (_world, anna, _bernd) = consent_pair();
    let without = anna.clients_with_consent(false);
    assert!(without.len() >= 2, "30 demo clients include two without consent: {without:?}");
    let with = anna.clients_with_consent(true).remove(0);
    let chosen = [without[0].as_str(), without[1].as_str(), with.as_str()];
    let report = anna
        .run(&[
            "export",
            "--to",
            "Bernd",
            "--client",
            chosen[0],
            chosen[1],
            chosen[2],
            "--without-consent",
            "  consent forms lost in the office move,   clients informed ",
            "-o",
            "out.bemx",
            "--json",
        ])
        .success()
        .json();
    let (bundle, detail): (String, String) = anna
        .sql()
        .query_row("SELECT bundle_id, detail FROM audit_log WHERE event = 'export_without_consent'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("one audit entry for the override");
    assert_eq!(bundle, report["bundle_id"].as_str().unwrap());
    let mut expected = vec![anna.uuid_of(chosen[0]), anna.uuid_of(chosen[1])];
    expected.sort();
    let logged: Vec<String> = detail
        .split_whitespace()
        .find_map(|w| w.strip_prefix("uuids="))
        .unwrap_or_else(|| panic!("no uuids= in {detail:?}"))
        .split(',')
        .map(str::to_owned)
        .collect();
    let mut logged_sorted = logged.clone();
    logged_sorted.sort();
    assert_eq!(logged_sorted, expected, "exactly the clients without consent: {detail}");
    assert!(!detail.contains(&anna.uuid_of(chosen[2])), "not the client with consent: {detail}");
    assert!(detail.contains("clients=2 "), "{detail}");
    assert!(detail.ends_with("reason=consent forms lost in the office move, clients informed"), "{detail}");
}

// --- BEMX_PASSPHRASE ----------------------------------------------------------

/// `BEMX_PASSPHRASE` set to bytes that are not UTF-8 is refused as such
/// (it used to be taken as "not set" and the error sent the user to set
/// it), and the value is never echoed. What this cannot show, and bemx does
/// not do: remove the variable from its own environment, which needs unsafe
/// code the workspace forbids (see bemx_identity::passphrase_from_env);
/// bemx starts no child process that could inherit it (the unit test
/// `passphrase::tests::the_cli_starts_no_child_process` holds that).
#[cfg(unix)]
#[test]
fn passphrase_that_is_not_text_is_refused_and_never_echoed() {
    use std::os::unix::ffi::OsStrExt as _;
    let world = World::new();
    let anna = world.uninitialized("Anna");
    anna.run_env(&["init", "--name", "Anna", "--passphrase"], &[("BEMX_PASSPHRASE", "correct horse")]).success();
    let bernd = world.init("Bernd");
    exchange(&anna, &bernd);
    anna.seed(2);
    let client = anna.clients_with_consent(true).remove(0);
    let args = ["export", "--to", "Bernd", "--client", &client, "-o", "out.bemx"];
    let db = snapshot(&anna.db_path());
    let mut cmd = anna.command(&args);
    cmd.env("BEMX_PASSPHRASE", std::ffi::OsStr::from_bytes(b"correct\xffhorse"));
    let run = run_of(&args, cmd.output().unwrap()).refused_with("not valid UTF-8");
    assert!(run.stderr.contains("hint: use the passphrase as plain text"), "{}", run.stderr);
    assert!(!run.stderr.contains("correct") && !run.stdout.contains("correct"), "never echoed: {}", run.stderr);
    assert_eq!(snapshot(&anna.db_path()), db);
    assert!(!world.path().join("out.bemx").exists());
    anna.run_env(&args, &[("BEMX_PASSPHRASE", "correct horse")]).success();
}
