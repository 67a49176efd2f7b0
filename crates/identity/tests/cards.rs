#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bemx_identity::{ContactCard, Fingerprint, Identity, IdentityError, MAX_CARD_BYTES};
use proptest::prelude::*;

fn card() -> ContactCard {
    Identity::generate("Anna Schmidt").unwrap().contact_card()
}

fn replace_line(text: &str, key: &str, value: &str) -> String {
    text.lines()
        .map(|l| if l.starts_with(key) { format!("{key}: {value}") } else { l.to_owned() })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn text_round_trip() {
    let c = card();
    let text = c.to_text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "bemx contact card v1");
    assert_eq!(lines[1], "name: Anna Schmidt");
    assert_eq!(lines[2], format!("installation: {}", c.installation_id));
    assert_eq!(lines[3], format!("age-recipient: {}", c.age_recipient));
    assert!(lines[4].starts_with("ed25519: "));
    assert_eq!(lines[5], format!("fingerprint: {}", c.fingerprint()));
    assert_eq!(ContactCard::parse(&text).unwrap(), c);
    assert_eq!(c.to_string(), text);
    // Mail clients: CRLF, indentation, blank lines, a BOM.
    let mangled = format!("\u{feff}\r\n  {}\r\n\r\n", text.lines().collect::<Vec<_>>().join("\r\n   "));
    assert_eq!(ContactCard::parse(&mangled).unwrap(), c);
    assert_eq!(ContactCard::parse_bytes(text.as_bytes()).unwrap(), c);
}

#[test]
fn json_round_trip() {
    let c = card();
    let json = c.to_json();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["bemx_contact"], 1);
    assert_eq!(v["name"], "Anna Schmidt");
    assert_eq!(v["installation_id"], c.installation_id.to_string());
    assert_eq!(v["age_recipient"], c.age_recipient);
    assert_eq!(v["fingerprint"], c.fingerprint().to_string());
    assert_eq!(v, c.to_json_value());
    assert_eq!(ContactCard::parse(&json).unwrap(), c);
    let compact = serde_json::to_string(&v).unwrap();
    assert_eq!(ContactCard::parse(&compact).unwrap(), c);
}

#[test]
fn card_matches_identity_keys() {
    let id = Identity::generate("X").unwrap();
    let c = id.contact_card();
    assert_eq!(c.recipient().unwrap(), id.recipient());
    assert_eq!(c.verifying_key().unwrap(), id.verifying_key());
    assert_eq!(c.fingerprint(), id.fingerprint());
    c.validate().unwrap();
}

#[test]
fn fingerprint_format() {
    let fp = card().fingerprint();
    let s = fp.to_string();
    assert_eq!(s.len(), 39);
    let groups: Vec<&str> = s.split('-').collect();
    assert_eq!(groups.len(), 8);
    for g in &groups {
        assert_eq!(g.len(), 4);
        assert!(g.chars().all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c)));
    }
    assert_eq!(Fingerprint::parse(&s).unwrap(), fp);
    assert_eq!(Fingerprint::parse(&s.to_lowercase()).unwrap(), fp);
    assert_eq!(Fingerprint::parse(&s.replace('-', "")).unwrap(), fp);
    assert_eq!(Fingerprint::parse(&s.replace('-', " ")).unwrap(), fp);
    assert_eq!(fp.to_compact(), s.replace('-', ""));
    for bad in ["", "ABCD", &s[..38], &format!("{s}A"), &s.replace('A', "1")] {
        if bad == s {
            continue;
        }
        assert!(matches!(Fingerprint::parse(bad), Err(IdentityError::BadFingerprint { .. })), "{bad}");
    }
}

#[test]
fn fingerprint_known_vector() {
    // RFC 4648 base32 of 20 bytes 0x00..0x13.
    let bytes: [u8; 20] = core::array::from_fn(|i| i as u8);
    let fp = Fingerprint::from_bytes(bytes);
    assert_eq!(fp.to_compact(), "AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT");
    assert_eq!(fp.to_string(), "AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT");
    // Hash input: domain || uuid bytes || recipient string || key.
    let c = card();
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"bemx contact fingerprint v1\0");
    h.update(c.installation_id.as_bytes());
    h.update(c.age_recipient.as_bytes());
    h.update(c.signing_key);
    assert_eq!(&h.finalize()[..20], c.fingerprint().as_bytes());
}

#[test]
fn fingerprint_serde_is_a_string() {
    let fp = card().fingerprint();
    let json = serde_json::to_string(&fp).unwrap();
    assert_eq!(json, format!("\"{fp}\""));
    let back: Fingerprint = serde_json::from_str(&json.to_lowercase()).unwrap();
    assert_eq!(back, fp);
}

#[test]
fn bad_age_key() {
    let c = card();
    let text = c.to_text();
    for bad in
        ["age1xyz", "ssh-ed25519 AAAA", &c.age_recipient[..c.age_recipient.len() - 1], &format!("{}q", c.age_recipient)]
    {
        let t = replace_line(&text, "age-recipient", bad);
        assert!(
            matches!(ContactCard::parse(&t), Err(IdentityError::BadAgeKey { .. })),
            "{bad}: {:?}",
            ContactCard::parse(&t)
        );
    }
}

#[test]
fn bad_signing_key() {
    let text = card().to_text();
    // Not base64, wrong length, not a curve point, a small-order point.
    let mut not_point = [0u8; 32];
    not_point[0] = 2;
    not_point[31] = 0x7f;
    let mut found_invalid = None;
    for y0 in 2u8..=255 {
        not_point[0] = y0;
        if ed25519_dalek::VerifyingKey::from_bytes(&not_point).is_err() {
            found_invalid = Some(not_point);
            break;
        }
    }
    let invalid = found_invalid.unwrap();
    let identity_point = {
        let mut k = [0u8; 32];
        k[0] = 1;
        k
    };
    use base64::Engine as _;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    for bad in ["!!!notbase64".to_owned(), b64(&[1u8; 31]), b64(&invalid), b64(&identity_point)] {
        let t = replace_line(&text, "ed25519", &bad);
        assert!(
            matches!(ContactCard::parse(&t), Err(IdentityError::BadSigningKey { .. })),
            "{bad}: {:?}",
            ContactCard::parse(&t)
        );
    }
}

#[test]
fn fingerprint_mismatch() {
    let a = card();
    let b = card();
    // Stated fingerprint of another card.
    let t = replace_line(&a.to_text(), "fingerprint", &b.fingerprint().to_string());
    let err = ContactCard::parse(&t).unwrap_err();
    match &err {
        IdentityError::FingerprintMismatch { computed, .. } => {
            assert_eq!(*computed, a.fingerprint())
        }
        e => panic!("unexpected {e}"),
    }
    // Keys swapped, fingerprint kept: a forged card.
    let t = replace_line(&a.to_text(), "age-recipient", &b.age_recipient);
    assert!(matches!(ContactCard::parse(&t), Err(IdentityError::FingerprintMismatch { .. })));
    // Garbage fingerprint.
    let t = replace_line(&a.to_text(), "fingerprint", "hello");
    assert!(matches!(ContactCard::parse(&t), Err(IdentityError::FingerprintMismatch { .. })));
    // In JSON too.
    let mut v = a.to_json_value();
    v["fingerprint"] = b.fingerprint().to_string().into();
    assert!(matches!(ContactCard::parse(&v.to_string()), Err(IdentityError::FingerprintMismatch { .. })));
    // Lowercase, dash-less fingerprints are accepted.
    let t = replace_line(&a.to_text(), "fingerprint", &a.fingerprint().to_compact().to_lowercase());
    assert_eq!(ContactCard::parse(&t).unwrap(), a);
}

#[test]
fn unknown_version() {
    let c = card();
    let t = c.to_text().replace("bemx contact card v1", "bemx contact card v2");
    assert!(matches!(
        ContactCard::parse(&t),
        Err(IdentityError::UnknownCardVersion { version }) if version == "2"
    ));
    let mut v = c.to_json_value();
    v["bemx_contact"] = 2.into();
    assert!(matches!(ContactCard::parse(&v.to_string()), Err(IdentityError::UnknownCardVersion { .. })));
    v["bemx_contact"] = "1".into();
    assert!(matches!(ContactCard::parse(&v.to_string()), Err(IdentityError::UnknownCardVersion { .. })));
}

#[test]
fn not_a_card() {
    for s in
        ["", "hello", "-----BEGIN PGP PUBLIC KEY BLOCK-----", "{\"name\": \"x\"}", "[1,2]", "{not json", "age1qqqq"]
    {
        assert!(matches!(ContactCard::parse(s), Err(IdentityError::NotACard)), "{s}");
    }
    assert!(matches!(ContactCard::parse_bytes(b"\xff\xfe\x00"), Err(IdentityError::NotACard)));
}

#[test]
fn malformed_cards() {
    let c = card();
    let text = c.to_text();
    let without_name: String = text.lines().filter(|l| !l.starts_with("name")).collect::<Vec<_>>().join("\n");
    let doubled = format!("{text}name: Eve\n");
    let unknown = format!("{text}email: x@y\n");
    let bad_uuid = replace_line(&text, "installation", "not-a-uuid");
    let no_colon = format!("{text}just words\n");
    for t in [without_name, doubled, unknown, bad_uuid, no_colon] {
        assert!(matches!(ContactCard::parse(&t), Err(IdentityError::MalformedCard { .. })), "{t}");
    }
    let mut v = c.to_json_value();
    v["extra"] = 1.into();
    assert!(matches!(ContactCard::parse(&v.to_string()), Err(IdentityError::MalformedCard { .. })));
    let mut v = c.to_json_value();
    v.as_object_mut().unwrap().remove("ed25519");
    assert!(matches!(ContactCard::parse(&v.to_string()), Err(IdentityError::MalformedCard { .. })));
}

#[test]
fn names_are_checked() {
    let c = card();
    let text = c.to_text();
    // Name is not part of the fingerprint, so renaming keeps the card valid.
    let renamed = ContactCard::parse(&replace_line(&text, "name", "  Anna S. (HR)  ")).unwrap();
    assert_eq!(renamed.name, "Anna S. (HR)");
    assert_eq!(renamed.fingerprint(), c.fingerprint());
    for bad in ["", "   ", &"n".repeat(101), "a\u{7}b", &c.fingerprint().to_string()] {
        let t = replace_line(&text, "name", bad);
        assert!(matches!(ContactCard::parse(&t), Err(IdentityError::InvalidName { .. })), "{bad:?}");
    }
    let mut v = c.to_json_value();
    v["name"] = "tab\there".into();
    assert!(matches!(ContactCard::parse(&v.to_string()), Err(IdentityError::InvalidName { .. })));
}

#[test]
fn size_is_capped_before_parsing() {
    let big = format!("{}{}", card().to_text(), " ".repeat(MAX_CARD_BYTES));
    assert!(matches!(ContactCard::parse(&big), Err(IdentityError::CardTooLarge { .. })));
    assert!(matches!(ContactCard::parse_bytes(big.as_bytes()), Err(IdentityError::CardTooLarge { .. })));
}

/// A card is at most 16 KiB: padded with white space to exactly 16,384
/// bytes it is read, one byte more and it is refused unread.
#[test]
fn a_card_of_16_kib_is_read_and_one_byte_more_is_not() {
    let card = card();
    let text = card.to_text();
    let at_limit = format!("{text}{}", "\n".repeat(16_384 - text.len()));
    assert_eq!(at_limit.len(), 16_384);
    assert_eq!(ContactCard::parse(&at_limit).unwrap(), card);
    assert_eq!(ContactCard::parse_bytes(at_limit.as_bytes()).unwrap(), card);
    let over = format!("{at_limit}\n");
    for result in [ContactCard::parse(&over), ContactCard::parse_bytes(over.as_bytes())] {
        match result {
            Err(IdentityError::CardTooLarge { size, max }) => assert_eq!((size, max), (16_385, 16_384)),
            other => panic!("expected CardTooLarge, got {other:?}"),
        }
    }
}

/// A fingerprint in a debug print (assertions, logs of tests) shows its
/// groups, as the user compares them.
#[test]
fn a_fingerprint_debugs_as_its_groups() {
    let fp = Fingerprint::from_bytes(core::array::from_fn(|i| i as u8));
    assert_eq!(format!("{fp:?}"), "Fingerprint(AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT)");
}

#[test]
fn validate_rejects_hand_built_garbage() {
    let mut c = card();
    c.age_recipient = "age1nope".into();
    assert!(matches!(c.validate(), Err(IdentityError::BadAgeKey { .. })));
    let mut c = card();
    c.age_recipient = c.age_recipient.to_uppercase();
    assert!(matches!(c.validate(), Err(IdentityError::BadAgeKey { .. })));
    let mut c = card();
    c.signing_key = [0u8; 32];
    assert!(matches!(c.validate(), Err(IdentityError::BadSigningKey { .. })));
    let mut c = card();
    c.name = " padded".into();
    assert!(matches!(c.validate(), Err(IdentityError::InvalidName { .. })));
}

proptest! {
    #[test]
    fn fingerprint_text_round_trip(bytes in proptest::array::uniform20(any::<u8>())) {
        let fp = Fingerprint::from_bytes(bytes);
        prop_assert_eq!(Fingerprint::parse(&fp.to_string()).unwrap(), fp);
        prop_assert_eq!(Fingerprint::parse(&fp.to_compact().to_lowercase()).unwrap(), fp);
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,300}") {
        let _ = ContactCard::parse(&s);
        let _ = ContactCard::parse(&format!("bemx contact card v1\n{s}"));
        let _ = ContactCard::parse(&format!("{{\"bemx_contact\":1,{s}"));
        let _ = Fingerprint::parse(&s);
    }

    #[test]
    fn any_valid_name_round_trips(name in "[\\p{L}\\p{N} .,()'-]{1,100}") {
        // Names are stored in their normal form (NFC, single spaces); any
        // name in that form survives both card forms unchanged.
        let normal = bemx_identity::normalize_name(&name);
        prop_assume!(normal.is_ok());
        let normal = normal.unwrap();
        prop_assert_eq!(bemx_identity::normalize_name(&normal).unwrap(), normal.clone());
        let mut c = card();
        c.name = normal;
        prop_assert_eq!(ContactCard::parse(&c.to_text()).unwrap(), c.clone());
        prop_assert_eq!(ContactCard::parse(&c.to_json()).unwrap(), c);
    }
}

/// What a card states is quoted in an error up to 60 characters; longer
/// input is cut there and marked with an ellipsis, so a hostile card
/// cannot flood the message.
#[test]
fn stated_text_is_quoted_up_to_60_characters() {
    let text = card().to_text();
    let stated_as = |fingerprint: &str| {
        let bad = replace_line(&text, "fingerprint", fingerprint);
        match ContactCard::parse(&bad) {
            Err(IdentityError::FingerprintMismatch { stated, .. }) => stated,
            other => panic!("expected FingerprintMismatch, got {other:?}"),
        }
    };
    let sixty = "Z".repeat(60);
    assert_eq!(stated_as(&sixty), sixty);
    assert_eq!(stated_as(&format!("{sixty}Y")), format!("{sixty}…"));
    assert_eq!(stated_as("ABCD"), "ABCD");
}
