#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;

use bemx_identity::{AddOutcome, CONTACTS_FILE, ContactCard, Contacts, Identity, IdentityError};

fn card(name: &str) -> ContactCard {
    Identity::generate(name).unwrap().contact_card()
}

#[test]
fn empty_when_missing() {
    let dir = tempfile::tempdir().unwrap();
    let c = Contacts::load(dir.path()).unwrap();
    assert!(c.list().is_empty());
    assert!(!dir.path().join(CONTACTS_FILE).exists());
}

#[test]
fn add_persist_find_remove() {
    let dir = tempfile::tempdir().unwrap();
    let anna = card("Anna Schmidt");
    let ben = card("Ben Meier");
    let mut contacts = Contacts::load(dir.path()).unwrap();
    assert_eq!(contacts.add(anna.clone()).unwrap(), AddOutcome::Added);
    assert_eq!(contacts.add(ben.clone()).unwrap(), AddOutcome::Added);
    assert_eq!(contacts.add(anna.clone()).unwrap(), AddOutcome::AlreadyTrusted);

    // Persisted as documented, and reloadable.
    let text = fs::read_to_string(dir.path().join(CONTACTS_FILE)).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["bemx_contacts"], 1);
    assert_eq!(v["contacts"].as_array().unwrap().len(), 2);
    assert_eq!(v["contacts"][0]["name"], "Anna Schmidt");
    assert!(v["contacts"][0]["added_at"].as_str().unwrap().ends_with('Z'));
    let contacts = Contacts::load(dir.path()).unwrap();
    assert_eq!(contacts.list().len(), 2);
    assert_eq!(contacts.list()[0].card, anna);
    assert_eq!(contacts.list()[1].card, ben);

    // find by exact name, by fingerprint in any spelling.
    assert_eq!(contacts.find("Anna Schmidt").unwrap().card, anna);
    let fp = ben.fingerprint();
    for q in [fp.to_string(), fp.to_string().to_lowercase(), fp.to_compact(), fp.to_compact().to_lowercase()] {
        assert_eq!(contacts.find(&q).unwrap().card, ben, "{q}");
    }
    // A unique prefix of a name (any case) or of a fingerprint (any spelling).
    assert_eq!(contacts.find("anna").unwrap().card, anna);
    assert_eq!(contacts.find("ANNA S").unwrap().card, anna);
    assert_eq!(contacts.find(&fp.to_compact()[..8].to_lowercase()).unwrap().card, ben);
    assert_eq!(contacts.find(&fp.to_string()[..9]).unwrap().card, ben);
    // Shorter than 8 letters, a fingerprint's start is no query.
    assert!(contacts.find(&fp.to_compact()[..7]).is_err());
    assert!(matches!(contacts.find("Anna Schmidt-Meier"), Err(IdentityError::ContactNotFound { .. })));
    assert!(matches!(contacts.find(&card("Z").fingerprint().to_string()), Err(IdentityError::ContactNotFound { .. })));
    assert_eq!(contacts.find_by_signing_key(&anna.signing_key).unwrap().name(), "Anna Schmidt");
    assert!(contacts.find_by_signing_key(&[9u8; 32]).is_none());

    // remove
    let mut contacts = contacts;
    let removed = contacts.remove(&anna.fingerprint()).unwrap();
    assert_eq!(removed.card, anna);
    assert!(matches!(contacts.remove(&anna.fingerprint()), Err(IdentityError::ContactNotFound { .. })));
    let reloaded = Contacts::load(dir.path()).unwrap();
    assert_eq!(reloaded.list().len(), 1);
    assert_eq!(reloaded.list()[0].card, ben);
    // No temporary files left behind.
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn key_change_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let anna = card("Anna");
    let mut contacts = Contacts::load(dir.path()).unwrap();
    contacts.add(anna.clone()).unwrap();
    // Same installation, new keys (re-installed, or an impostor).
    let mut forged = card("Anna");
    forged.installation_id = anna.installation_id;
    let err = contacts.add(forged.clone()).unwrap_err();
    match &err {
        IdentityError::ContactKeyChanged { name, old_fp, new_fp } => {
            assert_eq!(name, "Anna");
            assert_eq!(*old_fp, anna.fingerprint());
            assert_eq!(*new_fp, forged.fingerprint());
        }
        e => panic!("unexpected {e}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("impersonation"), "{msg}");
    assert!(err.advice().unwrap().contains("remove the old contact first"), "{err:?}");
    assert_eq!(Contacts::load(dir.path()).unwrap().list().len(), 1);

    // Genuine change: remove, then add.
    contacts.remove(&anna.fingerprint()).unwrap();
    assert_eq!(contacts.add(forged).unwrap(), AddOutcome::Added);
}

#[test]
fn name_clash_and_key_reuse_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let anna = card("Anna");
    let mut contacts = Contacts::load(dir.path()).unwrap();
    contacts.add(anna.clone()).unwrap();

    let err = contacts.add(card("Anna")).unwrap_err();
    assert!(matches!(err, IdentityError::ContactNameTaken { .. }), "{err}");
    assert!(err.advice().unwrap().contains("another name"), "{err}");
    // Names that read the same: other case, Cyrillic А (U+0410) and а (U+0430).
    for name in ["ANNA", "\u{410}nna", "Ann\u{430}", "  anna  "] {
        let new = card(name);
        let err = contacts.add(new.clone()).unwrap_err();
        match &err {
            IdentityError::ContactNameLooksLike { existing, existing_fp, new_fp, .. } => {
                assert_eq!(existing, "Anna");
                assert_eq!(*existing_fp, anna.fingerprint());
                assert_eq!(*new_fp, new.fingerprint());
            }
            e => panic!("{name:?}: unexpected {e}"),
        }
        assert!(err.advice().unwrap().contains("clearly different name"), "{err}");
    }
    let err = contacts.add(card("\u{410}nna")).unwrap_err();
    assert!(err.to_string().contains("U+0410"), "the look-alike letter is named: {err}");
    // Hidden characters never get as far as the comparison.
    let mut hidden = card("Other");
    hidden.name = "Anna\u{200b}".into();
    assert!(matches!(contacts.add(hidden), Err(IdentityError::InvalidName { .. })));
    // German names with umlauts and ß are names like any other.
    for name in ["Jürgen Weiß", "Anna-Lena Müller", "Anna Müller"] {
        assert_eq!(contacts.add(card(name)).unwrap(), AddOutcome::Added, "{name}");
    }
    assert!(matches!(contacts.add(card("JÜRGEN WEISS")), Err(IdentityError::ContactNameLooksLike { .. })));
    assert_eq!(contacts.find("Ju\u{308}rgen  Weiß").unwrap().name(), "Jürgen Weiß", "found in its normal form");

    // Another installation id with Anna's signing key: refused.
    let mut copy = card("Mallory");
    copy.signing_key = anna.signing_key;
    assert!(matches!(contacts.add(copy), Err(IdentityError::ContactKeyReused { .. })));
    let mut copy = card("Mallory");
    copy.age_recipient = anna.age_recipient.clone();
    assert!(matches!(contacts.add(copy), Err(IdentityError::ContactKeyReused { .. })));

    // Invalid hand-built card.
    let mut bad = card("Bad");
    bad.signing_key = [0u8; 32];
    assert!(matches!(contacts.add(bad), Err(IdentityError::BadSigningKey { .. })));
    assert_eq!(Contacts::load(dir.path()).unwrap().list().len(), 4);
}

#[test]
fn corrupt_contacts_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(CONTACTS_FILE);
    let mut contacts = Contacts::load(dir.path()).unwrap();
    contacts.add(card("Anna")).unwrap();
    let good = fs::read_to_string(&path).unwrap();

    for bad in [
        good[..good.len() / 2].to_owned(),
        "[]".to_owned(),
        good.replace("\"bemx_contacts\": 1", "\"bemx_contacts\": 9"),
        // A tampered key no longer matches the pinned fingerprint.
        {
            let v: serde_json::Value = serde_json::from_str(&good).unwrap();
            let mut v = v;
            v["contacts"][0]["age_recipient"] = card("X").age_recipient.into();
            v.to_string()
        },
        // A second entry whose name reads like the first (Cyrillic А).
        {
            let mut v: serde_json::Value = serde_json::from_str(&good).unwrap();
            let other = card("\u{410}nna").to_json_value();
            let mut entry = v["contacts"][0].clone();
            for key in ["name", "installation_id", "age_recipient", "ed25519", "fingerprint"] {
                entry[key] = other[key].clone();
            }
            v["contacts"].as_array_mut().unwrap().push(entry);
            v.to_string()
        },
        // A zero-width space in a stored name.
        good.replace("\"Anna\"", "\"Anna\\u200b\""),
        // The same contact twice.
        {
            let mut v: serde_json::Value = serde_json::from_str(&good).unwrap();
            let entry = v["contacts"][0].clone();
            v["contacts"].as_array_mut().unwrap().push(entry);
            v.to_string()
        },
    ] {
        fs::write(&path, &bad).unwrap();
        let err = Contacts::load(dir.path()).unwrap_err();
        assert!(matches!(err, IdentityError::CorruptContacts { .. }), "{err}");
        assert!(err.to_string().contains(&path.display().to_string()));
    }
}

/// Whoever can write the contacts file or the installation folder can plant
/// a trusted contact: both are refused when their group or other users may
/// write them, readable is fine.
#[cfg(unix)]
#[test]
fn contacts_writable_by_others_are_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let set = |p: &std::path::Path, mode: u32| fs::set_permissions(p, fs::Permissions::from_mode(mode)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    fs::create_dir(&home).unwrap();
    set(&home, 0o700);
    let path = home.join(CONTACTS_FILE);
    Contacts::load(&home).unwrap().add(card("Anna")).unwrap();
    assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600, "written private");
    let before = fs::read(&path).unwrap();

    for mode in [0o620, 0o602, 0o666] {
        set(&path, mode);
        let err = Contacts::load(&home).unwrap_err();
        match &err {
            IdentityError::WritableByOthers { what, path: p, mode: m, .. } => {
                assert_eq!(*what, "contacts file");
                assert_eq!(p, &path);
                assert_eq!(*m, mode);
            }
            e => panic!("mode {mode:o}: unexpected {e}"),
        }
        assert!(err.advice().unwrap().contains(&format!("chmod 600 {}", path.display())), "{err}");
    }
    for mode in [0o600, 0o644, 0o444] {
        set(&path, mode);
        assert_eq!(Contacts::load(&home).unwrap().list().len(), 1, "mode {mode:o}");
    }
    set(&path, 0o600);

    for mode in [0o770, 0o707, 0o777, 0o1777] {
        set(&home, mode);
        let err = Contacts::load(&home).unwrap_err();
        match &err {
            IdentityError::WritableByOthers { what, mode: m, .. } => {
                assert_eq!(*what, "installation folder");
                assert_eq!(*m, mode);
            }
            e => panic!("mode {mode:o}: unexpected {e}"),
        }
        assert!(err.advice().unwrap().contains(&format!("chmod 700 {}", home.display())), "{err}");
    }
    for mode in [0o700, 0o750, 0o755] {
        set(&home, mode);
        assert_eq!(Contacts::load(&home).unwrap().list().len(), 1, "mode {mode:o}");
    }
    assert_eq!(fs::read(&path).unwrap(), before, "refusals change nothing");

    // The check is for the folder the installation really is in.
    set(&home, 0o777);
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&home, &link).unwrap();
    assert!(matches!(Contacts::load(&link), Err(IdentityError::WritableByOthers { .. })));
    set(&home, 0o700);
    assert_eq!(Contacts::load(&link).unwrap().list().len(), 1);
}

/// Issue 15.5: a prefix that fits several contacts is refused naming them;
/// one that fits none lists every contact; an exact name wins over the
/// prefixes it is one of.
#[test]
fn an_ambiguous_or_unknown_prefix_lists_the_candidates() {
    let dir = tempfile::tempdir().unwrap();
    let mut contacts = Contacts::load(dir.path()).unwrap();
    let (anna, annas, anne) = (card("Anna"), card("Anna Schulz"), card("Anne Berg"));
    for c in [&anna, &annas, &anne] {
        contacts.add(c.clone()).unwrap();
    }
    assert_eq!(contacts.find("Anna").unwrap().card, anna, "the exact name, though a prefix of another");
    assert_eq!(contacts.find("anna").unwrap().card, anna, "the name in another case");
    assert_eq!(contacts.find("anna s").unwrap().card, annas);
    match contacts.find("ann") {
        Err(e @ IdentityError::ContactAmbiguous { .. }) => {
            let text = e.to_string();
            for c in [&anna, &annas, &anne] {
                assert!(text.contains(&format!("{} ({})", c.name, c.fingerprint())), "{text}");
            }
            assert!(e.advice().unwrap().contains("type more"));
        }
        other => panic!("{other:?}"),
    }
    match contacts.find("Zoe") {
        Err(e @ IdentityError::ContactNotFound { .. }) => {
            assert!(e.to_string().contains("the contacts are: Anna ("), "{e}");
            assert!(e.to_string().contains("Anne Berg ("), "{e}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(contacts.find("  "), Err(IdentityError::ContactNotFound { .. })), "blank fits nothing");
}

/// A card named like the start of another contact's fingerprint does not
/// win a query for that fingerprint: both fit, so it is refused.
#[test]
fn a_name_shaped_like_a_fingerprint_prefix_makes_the_query_ambiguous() {
    let dir = tempfile::tempdir().unwrap();
    let mut contacts = Contacts::load(dir.path()).unwrap();
    let bernd = card("Bernd");
    let prefix = bernd.fingerprint().to_string()[..9].to_string();
    let mallory = card(&prefix);
    contacts.add(bernd.clone()).unwrap();
    contacts.add(mallory.clone()).unwrap();
    match contacts.find(&prefix) {
        Err(IdentityError::ContactAmbiguous { candidates, .. }) => assert_eq!(candidates.len(), 2, "{candidates:?}"),
        other => panic!("{other:?}"),
    }
    // The whole fingerprint still finds Bernd, and an exact lookup only him.
    assert_eq!(contacts.find(&bernd.fingerprint().to_string()).unwrap().card, bernd);
    assert_eq!(contacts.find_fingerprint(&bernd.fingerprint()).unwrap().card, bernd);
}

/// A damaged entry is named by its place in the file, counting from 1 as
/// a reader of the file does.
#[test]
fn a_damaged_entry_is_named_by_its_place_from_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(CONTACTS_FILE);
    let mut contacts = Contacts::load(dir.path()).unwrap();
    contacts.add(card("Anna")).unwrap();
    contacts.add(card("Bernd")).unwrap();
    let good: serde_json::Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    for (index, place) in [(0, "entry 1:"), (1, "entry 2:")] {
        let mut v = good.clone();
        v["contacts"][index]["age_recipient"] = card("X").age_recipient.into();
        fs::write(&path, v.to_string()).unwrap();
        let err = Contacts::load(dir.path()).unwrap_err();
        assert!(matches!(err, IdentityError::CorruptContacts { .. }), "{err}");
        assert!(err.to_string().contains(place), "{place}: {err}");
    }
}

/// The contacts file is read up to 16 MiB: a file of exactly 16,777,216
/// bytes loads, one byte more is refused as too large.
#[test]
fn a_contacts_file_of_16_mib_is_read_and_one_byte_more_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(CONTACTS_FILE);
    Contacts::load(dir.path()).unwrap().add(card("Anna")).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    let limit = 16 * 1024 * 1024;
    let mut at_limit = text.clone().into_bytes();
    at_limit.resize(limit, b' ');
    fs::write(&path, &at_limit).unwrap();
    assert_eq!(Contacts::load(dir.path()).unwrap().list().len(), 1);
    at_limit.push(b' ');
    fs::write(&path, &at_limit).unwrap();
    let err = Contacts::load(dir.path()).unwrap_err();
    assert!(matches!(err, IdentityError::CorruptContacts { .. }), "{err}");
    assert!(err.to_string().contains("large"), "{err}");
}

/// Trusting a contact in a folder that does not exist yet makes the folder,
/// private to the user.
#[test]
fn contacts_saved_into_a_new_folder_make_it_private() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("new").join("home");
    Contacts::load(&home).unwrap().add(card("Anna")).unwrap();
    assert_eq!(Contacts::load(&home).unwrap().list().len(), 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(fs::metadata(&home).unwrap().permissions().mode() & 0o777, 0o700);
    }
}

/// §5: a bundle is trusted only when its signing key is a contact's and the
/// sender it names is that contact's card, field by field; a name counts in
/// its normal form. A known installation signing with an unknown key is a
/// changed key; anyone else is untrusted.
#[test]
fn the_sender_is_trusted_only_as_its_card_describes_it() {
    use bemx_format::Party;
    use bemx_format::trust::{SenderTrust, TrustStore as _};
    let dir = tempfile::tempdir().unwrap();
    let anna = card("Anna Schmidt");
    let mut contacts = Contacts::load(dir.path()).unwrap();
    contacts.add(anna.clone()).unwrap();
    let as_card = Party {
        installation: *anna.installation_id.as_bytes(),
        name: anna.name.clone(),
        age: anna.age_recipient.clone(),
        ed25519: anna.signing_key,
    };
    let trusted = SenderTrust::Trusted { name: "Anna Schmidt".into() };
    assert_eq!(contacts.sender_trust(&as_card), trusted);
    let spaced = Party { name: " Anna  Schmidt ".into(), ..as_card.clone() };
    assert_eq!(contacts.sender_trust(&spaced), trusted);

    let other = card("Bernd");
    let differs = |fields: &'static str| SenderTrust::ClaimsDiffer { name: "Anna Schmidt".into(), fields };
    let cases = [
        (Party { installation: *other.installation_id.as_bytes(), ..as_card.clone() }, differs("installation id")),
        (Party { age: other.age_recipient.clone(), ..as_card.clone() }, differs("age key")),
        (Party { name: "Bernd".into(), ..as_card.clone() }, differs("name")),
        (
            Party { ed25519: other.signing_key, ..as_card.clone() },
            SenderTrust::KeyChanged { name: "Anna Schmidt".into() },
        ),
        (
            Party {
                installation: *other.installation_id.as_bytes(),
                name: other.name.clone(),
                age: other.age_recipient.clone(),
                ed25519: other.signing_key,
            },
            SenderTrust::Untrusted,
        ),
    ];
    for (party, expected) in cases {
        assert_eq!(contacts.sender_trust(&party), expected, "{party:?}");
    }
}
