//! The handover consent without SQL (issue 15, item 4): `clients consent
//! record` and `revoke` meet the export gate the way the original procedure
//! asks (a signed Einverständniserklärung), `clients list` shows the state,
//! and each change is audited without personal data.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{Inst, assert_unchanged, pair, snapshot};

fn consent_of(inst: &Inst, bem_id: &str) -> serde_json::Value {
    let list = inst.run(&["clients", "list", "--json"]).success().json();
    list.as_array().unwrap().iter().find(|c| c["bem_id"] == bem_id).cloned().unwrap()
}

/// Refused with `cause` and advice; the database byte-identical.
#[track_caller]
fn refused(inst: &Inst, args: &[&str], cause: &str) {
    let before = snapshot(&inst.db_path());
    let run = inst.run(args).refused_with(cause);
    assert!(run.stderr.contains("hint: "), "no advice:\n{}", run.stderr);
    assert_unchanged(&inst.db_path(), &before);
}

#[test]
fn consent_recorded_opens_the_export_gate_and_revoked_closes_it() {
    let (_world, anna, _bernd) = pair(30);
    let without = anna.clients_with_consent(false);
    assert!(without.len() >= 2, "30 demo clients include two without handover consent");
    let (a, b) = (&without[0], &without[1]);
    assert_eq!(consent_of(&anna, a)["consent"], "none");
    let export = |client: &str, file: &str| anna.run(&["export", "--to", "Bernd", "--client", client, "-o", file]);
    export(a, "a.bemx").refused_with("--without-consent");

    // Recorded in the German form of the date; the export goes through.
    let out = anna.run(&["clients", "consent", "record", a, "--date", "12.03.2026"]).success();
    assert!(out.stdout.contains("recorded, given on 2026-03-12"), "{}", out.stdout);
    assert_eq!(consent_of(&anna, a)["consent_given"], "2026-03-12");
    assert!(anna.run(&["clients", "list"]).success().stdout.contains("given 2026-03-12"));
    export(a, "a.bemx").success();
    // Handed over, the client is read-only here.
    refused(&anna, &["clients", "consent", "revoke", a], "is handed over");

    // Recorded, then revoked: the gate closes again.
    let uuid = anna.uuid_of(b);
    let form: i64 = anna
        .sql()
        .query_row(
            "SELECT d.id FROM documents d JOIN clients c ON c.id = d.client_id WHERE c.uuid = ?1",
            [&uuid],
            |r| r.get(0),
        )
        .unwrap();
    let other_form: i64 = anna
        .sql()
        .query_row(
            "SELECT d.id FROM documents d JOIN clients c ON c.id = d.client_id WHERE c.uuid <> ?1",
            [&uuid],
            |r| r.get(0),
        )
        .unwrap();
    refused(
        &anna,
        &["clients", "consent", "record", b, "--date", "2026-03-01", "--form", &other_form.to_string()],
        "is not a document of client",
    );
    let form_arg = form.to_string();
    anna.run(&["clients", "consent", "record", &uuid, "--date", "2026-03-01", "--form", &form_arg]).success();
    refused(&anna, &["clients", "consent", "record", b, "--date", "2026-03-02"], "already has a handover consent");
    refused(&anna, &["clients", "consent", "revoke", b, "--date", "2026-02-28"], "cannot have been revoked on");
    let revoked = anna.run(&["clients", "consent", "revoke", b, "--date", "2026-03-01", "--json"]).success().json();
    assert_eq!(revoked["date"], "2026-03-01");
    assert_eq!(consent_of(&anna, b)["consent"], "revoked");
    refused(&anna, &["clients", "consent", "revoke", b], "has no handover consent in force");
    export(b, "b.bemx").refused_with("--without-consent");

    // Dates that are none, or lie ahead, and clients that do not exist.
    refused(&anna, &["clients", "consent", "record", b, "--date", "31.04.2026"], "is not a date");
    refused(&anna, &["clients", "consent", "record", b, "--date", "2999-01-01"], "lies in the future");
    refused(&anna, &["clients", "consent", "record", "Nobody Here", "--date", "2026-01-01"], "Nobody Here");

    // Audited by UUID, dates and form number: no BEM-ID, no name.
    let conn = anna.sql();
    let mut stmt = conn
        .prepare(
            "SELECT event, coalesce(bundle_id, '-'), detail FROM audit_log WHERE event LIKE 'consent_%' ORDER BY id",
        )
        .unwrap();
    let log: Vec<(String, String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect();
    let uuid_a = anna.uuid_of(a);
    assert_eq!(
        log,
        [
            ("consent_recorded".into(), "-".into(), format!("client={uuid_a} given_on=2026-03-12")),
            ("consent_recorded".into(), "-".into(), format!("client={uuid} given_on=2026-03-01 form_document={form}")),
            ("consent_revoked".into(), "-".into(), format!("client={uuid} revoked_on=2026-03-01")),
        ]
    );
}

/// A second consent in force (left by BEMdok, or brought by a bundle) is
/// revoked too, since the export gate accepts any; a date stored in another
/// form or as a blob neither blocks the revocation nor breaks the list.
#[test]
fn revoke_closes_every_consent_in_force_whatever_was_stored() {
    let (_world, anna, _bernd) = pair(30);
    let client = anna.clients_with_consent(false).remove(0);
    let uuid = anna.uuid_of(&client);
    anna.run(&["clients", "consent", "record", &client, "--date", "2026-03-01"]).success();
    let rw = anna.sql_rw();
    for given in ["'25.03.2026'", "X'00ff'", "'9999-12-31'"] {
        rw.execute(
            &format!(
                "INSERT INTO consents (client_id, kind, given_on) SELECT id, 'handover', {given} FROM clients WHERE uuid = ?1"
            ),
            [&uuid],
        )
        .unwrap();
    }
    drop(rw);
    // The list still reads (a blob is shown as text).
    anna.run(&["clients", "list"]).success();
    anna.run(&["clients", "list", "--json"]).success().json();
    anna.run(&["clients", "consent", "revoke", &client, "--date", "2026-03-02"]).success();
    let in_force: i64 = anna
        .sql()
        .query_row(
            "SELECT count(*) FROM consents k JOIN clients c ON c.id = k.client_id
             WHERE c.uuid = ?1 AND k.kind = 'handover' AND k.revoked_on IS NULL",
            [&uuid],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(in_force, 0, "every consent in force was revoked");
    anna.run(&["export", "--to", "Bernd", "--client", &client, "-o", "x.bemx"]).refused_with("--without-consent");
}
