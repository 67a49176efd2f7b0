//! What the app refuses: the German message on screen, and the database
//! exactly as it was.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bemx_identity::Contacts;
use egui_kittest::kittest::Queryable as _;

use crate::support::*;

/// Puts `file` into Bernd's import screen and asks to check it.
fn try_import(h: &mut egui_kittest::Harness<'static, bemx_app::App>, file: &std::path::Path) {
    click(h, "Klienten übernehmen");
    type_into(h, "Übergabedatei", &file.display().to_string());
    click(h, "Datei prüfen");
}

#[test]
fn a_file_that_is_no_bundle_is_refused_in_german() {
    let p = pair();
    let before = db_state(&p.bernd);
    let file = p.dir.path().join("notes.bemx");
    std::fs::write(&file, "Dies ist keine Übergabedatei.\n").unwrap();
    let mut bernd = open(&p.bernd);
    try_import(&mut bernd, &file);
    let problem = failure(&bernd);
    assert_german(&problem.message);
    assert_shows(&bernd, "Fehler:");
    screenshot(&mut bernd, "20-refused-wrong-file", &[p.dir.path().display().to_string()]);
    assert!(bernd.query_by_label("Import starten").is_none());
    assert_eq!(db_state(&p.bernd), before);
}

#[test]
fn a_bundle_for_another_installation_is_refused() {
    let p = pair();
    // A third installation Anna also trusts; the bundle is for it.
    let carl = bemx_install::Home::new(p.dir.path().join("carl"), None);
    let carl_id = bemx_install::setup::create(&carl, "Carl Weber (Werk West)", None).unwrap();
    Contacts::load(p.anna.root()).unwrap().add(carl_id.contact_card()).unwrap();
    let client = consenting_clients(&p.anna).remove(0).0;
    let bundle = export(&p.anna, &carl, &[client], &p.dir.path().join("for-carl.bemx"));
    let before = db_state(&p.bernd);
    let mut bernd = open(&p.bernd);
    try_import(&mut bernd, &bundle);
    assert_german(&failure(&bernd).message);
    assert_eq!(db_state(&p.bernd), before);
}

#[test]
fn a_second_import_of_the_same_bundle_is_refused() {
    let p = pair();
    let client = consenting_clients(&p.anna).remove(0).0;
    let bundle = export(&p.anna, &p.bernd, &[client], &p.dir.path().join("once.bemx"));
    let mut bernd = open(&p.bernd);
    try_import(&mut bernd, &bundle);
    click(&mut bernd, "Import starten");
    assert_shows(&bernd, "1 Klient wurde übernommen.");
    let before = db_state(&p.bernd);
    click(&mut bernd, "Weitere Datei importieren");
    type_into(&mut bernd, "Übergabedatei", &bundle.display().to_string());
    click(&mut bernd, "Datei prüfen");
    let problem = failure(&bernd);
    assert_german(&problem.message);
    assert!(problem.message.contains("bereits"), "{problem:?}");
    assert_eq!(db_state(&p.bernd), before);
}

#[test]
fn a_bundle_from_an_untrusted_sender_is_refused() {
    let p = pair();
    let client = consenting_clients(&p.anna).remove(0).0;
    let bundle = export(&p.anna, &p.bernd, &[client], &p.dir.path().join("untrusted.bemx"));
    // Bernd no longer trusts Anna.
    let anna_fp = bemx_identity::Identity::load_contact_card(p.anna.root()).unwrap().fingerprint();
    Contacts::load(p.bernd.root()).unwrap().remove(&anna_fp).unwrap();
    let before = db_state(&p.bernd);
    let mut bernd = open(&p.bernd);
    try_import(&mut bernd, &bundle);
    let problem = failure(&bernd);
    assert_german(&problem.message);
    assert!(problem.hint.is_some(), "a refusal says what to do: {problem:?}");
    assert_eq!(db_state(&p.bernd), before);
}

#[test]
fn an_export_without_recipient_or_folder_is_refused_before_anything_is_written() {
    let p = pair();
    let before = db_state(&p.anna);
    let bem_id = consenting_clients(&p.anna).remove(0).1;
    let mut anna = open(&p.anna);
    click(&mut anna, &bem_id);
    click(&mut anna, "Weiter");
    assert_eq!(failure(&anna).message, "es ist kein Empfänger gewählt");
    click(&mut anna, "Empfänger");
    click(&mut anna, "Bernd Krüger (Werk Süd)");
    type_into(&mut anna, "Zielordner", &p.dir.path().join("missing").display().to_string());
    click(&mut anna, "Weiter");
    assert!(failure(&anna).message.contains("gibt es nicht"));
    assert_eq!(db_state(&p.anna), before);
}
