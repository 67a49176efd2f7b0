//! `init`, `id show` and `contacts`: installations and the trust between them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{World, assert_unchanged, files_under, snapshot};

#[test]
fn init_creates_a_private_installation_and_prints_the_card() {
    let world = World::new();
    let inst = world.uninitialized("anna");
    let run = inst.run(&["init", "--name", "Anna Schmidt"]).success();
    assert!(run.stdout.contains("bemx contact card v1"), "{}", run.stdout);
    assert!(run.stdout.contains("name: Anna Schmidt"));
    let fingerprint = inst.fingerprint();
    assert!(run.stdout.contains(&fingerprint), "init names the fingerprint");
    assert!(inst.db_path().is_file());
    assert!(inst.home.join("identity").is_dir());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&inst.home).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "installation folder is private");
    }
}

#[test]
fn init_json_is_the_contact_card() {
    let world = World::new();
    let inst = world.uninitialized("anna");
    let card = inst.run(&["init", "--name", "Anna", "--json"]).success().json();
    assert_eq!(card["bemx_contact"], 1);
    assert_eq!(card["name"], "Anna");
    assert_eq!(card, inst.run(&["id", "show", "--json"]).success().json());
}

#[test]
fn init_uses_a_default_name() {
    let world = World::new();
    let inst = world.uninitialized("x");
    let card = inst.run(&["init", "--json"]).success().json();
    assert_eq!(card["name"], "bemx installation");
}

#[test]
fn second_init_is_refused_and_changes_nothing() {
    let world = World::new();
    let inst = world.init("Anna");
    let db = snapshot(&inst.db_path());
    let card = inst.card_json();
    let files = files_under(world.path());
    inst.run(&["init", "--name", "Other"]).refused_with("already holds a bemx installation");
    assert_unchanged(&inst.db_path(), &db);
    assert_eq!(inst.card_json(), card);
    assert_eq!(files_under(world.path()), files);
}

#[test]
fn init_with_passphrase_needs_a_terminal_or_the_environment() {
    let world = World::new();
    let inst = world.uninitialized("anna");
    inst.run(&["init", "--passphrase"]).refused_with("BEMX_PASSPHRASE");
    assert!(!inst.home.exists(), "nothing created after the refusal");
}

#[test]
fn id_show_without_installation_is_refused() {
    let world = World::new();
    world.uninitialized("nobody").run(&["id", "show"]).refused_with("bemx init");
}

#[test]
fn contacts_add_list_remove() {
    let world = World::new();
    let anna = world.init("Anna");
    let bernd = world.init("Bernd");
    // The text form, as `bemx id show > card.txt` writes it.
    let card_file = world.path().join("bernd-card.txt");
    std::fs::write(&card_file, bernd.run(&["id", "show"]).success().stdout).unwrap();
    let added = anna.run(&["contacts", "add", card_file.to_str().unwrap(), "--yes"]).success();
    assert!(added.stdout.contains(&bernd.fingerprint()));

    let list = anna.run(&["contacts", "list", "--json"]).success().json();
    let list = list.as_array().expect("array");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["name"], "Bernd");
    assert_eq!(list[0]["fingerprint"], bernd.fingerprint().as_str());
    let text = anna.run(&["contacts", "list"]).success();
    assert!(text.stdout.contains("Bernd") && text.stdout.contains(&bernd.fingerprint()));

    // The same card again is fine and changes nothing.
    let again = anna.run_stdin(&["contacts", "add", "-", "--yes", "--json"], bernd.card_json().as_bytes()).success();
    assert_eq!(again.json()["outcome"], "already_trusted");

    // Removing takes the fingerprint in any case, dashes optional.
    let compact = bernd.fingerprint().replace('-', "").to_lowercase();
    anna.run(&["contacts", "remove", &compact]).success();
    assert_eq!(anna.run(&["contacts", "list", "--json"]).success().json(), serde_json::json!([]));
    anna.run(&["contacts", "remove", &compact]).refused_with("contacts list");
}

#[test]
fn contacts_add_without_confirmation_is_refused() {
    let world = World::new();
    let anna = world.init("Anna");
    let bernd = world.init("Bernd");
    // stdin is a pipe, not a terminal, and there is no --yes.
    let run = anna.run_stdin(&["contacts", "add", "-"], bernd.card_json().as_bytes()).refused_with("--yes");
    assert!(run.stderr.contains(&bernd.fingerprint()), "the fingerprint to compare is shown");
    assert_eq!(anna.run(&["contacts", "list", "--json"]).success().json(), serde_json::json!([]));
}

#[test]
fn tampered_card_is_refused() {
    let world = World::new();
    let anna = world.init("Anna");
    let bernd = world.init("Bernd");
    // The fingerprint covers installation id and keys (not the display name).
    let card: serde_json::Value = serde_json::from_str(&bernd.card_json()).unwrap();
    let id = card["installation_id"].as_str().unwrap();
    let flipped = match id.strip_prefix('0') {
        Some(rest) => format!("1{rest}"),
        None => format!("0{}", id.get(1..).unwrap()),
    };
    let tampered = bernd.card_json().replace(id, &flipped);
    anna.run_stdin(&["contacts", "add", "-", "--yes"], tampered.as_bytes()).refused_with("fingerprint");
    let text = bernd.run(&["id", "show"]).success().stdout.replace(id, &flipped);
    anna.run_stdin(&["contacts", "add", "-", "--yes"], text.as_bytes()).refused_with("fingerprint");
    anna.run_stdin(&["contacts", "add", "-", "--yes"], b"hello, this is not a card")
        .refused_with("not a bemx contact card");
    assert!(!anna.home.join("contacts.json").exists(), "no contacts file written");
}

#[test]
fn known_installation_with_changed_keys_is_refused() {
    let world = World::new();
    let anna = world.init("Anna");
    let bernd = world.init("Bernd");
    let mallory = world.init("Mallory");
    anna.trust(&bernd);
    let before = snapshot(&anna.home.join("contacts.json"));

    // Mallory's keys under Bernd's installation id and name, with a fingerprint
    // that matches them: a well-formed card for a known installation.
    let b: serde_json::Value = serde_json::from_str(&bernd.card_json()).unwrap();
    let m = bemx_identity::ContactCard::parse(&mallory.card_json()).unwrap();
    let forged = bemx_identity::ContactCard {
        name: "Bernd".into(),
        installation_id: b["installation_id"].as_str().unwrap().parse().unwrap(),
        age_recipient: m.age_recipient.clone(),
        signing_key: m.signing_key,
    };
    anna.run_stdin(&["contacts", "add", "-", "--yes"], forged.to_json().as_bytes()).refused_with("Bernd");
    assert_unchanged(&anna.home.join("contacts.json"), &before);
}

#[test]
fn own_card_is_refused_as_contact() {
    let world = World::new();
    let anna = world.init("Anna");
    anna.run_stdin(&["contacts", "add", "-", "--yes"], anna.card_json().as_bytes())
        .refused_with("this installation itself");
}
