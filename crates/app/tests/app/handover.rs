//! A whole handover between two installations through the app alone.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bemx_install::Home;
use egui_kittest::kittest::Queryable as _;

use crate::support::*;

#[test]
fn a_whole_handover_through_the_app_alone() {
    german();
    let dir = tempfile::tempdir().unwrap();
    let stick = dir.path().join("usb-stick");
    std::fs::create_dir(&stick).unwrap();
    let anna_home = Home::new(dir.path().join("anna"), None);
    let bernd_home = Home::new(dir.path().join("bernd"), None);
    let base = dir.path().display().to_string();

    // First start on both PCs: set up, save the own card for the colleague.
    let mut anna = open(&anna_home);
    assert_eq!(anna.state().screen(), bemx_app::Screen::Setup);
    screenshot(&mut anna, "01-first-start", std::slice::from_ref(&base));
    type_into(&mut anna, "Name (z. B. Ihr Name und Standort)", "Anna Schmidt (Werk Nord)");
    click(&mut anna, "Installation einrichten");
    assert!(anna_home.exists());
    let anna_fp = bemx_identity::Identity::load_contact_card(anna_home.root()).unwrap().fingerprint().to_string();
    // The fingerprint is shown large, in groups of four, for the phone.
    assert_shows(&anna, &anna_fp.replace('-', "  "));
    screenshot(&mut anna, "02-own-card", &[base.clone(), anna_fp.replace('-', "  "), anna_fp.clone()]);
    type_into(&mut anna, "Karte speichern unter", &dir.path().join("anna.txt").display().to_string());
    click(&mut anna, "Karte speichern");
    click(&mut anna, "Weiter zu den Kontakten");

    let mut bernd = open(&bernd_home);
    type_into(&mut bernd, "Name (z. B. Ihr Name und Standort)", "Bernd Krüger (Werk Süd)");
    click(&mut bernd, "Installation einrichten");
    let bernd_fp = bemx_identity::Identity::load_contact_card(bernd_home.root()).unwrap().fingerprint().to_string();
    type_into(&mut bernd, "Karte speichern unter", &dir.path().join("bernd.txt").display().to_string());
    click(&mut bernd, "Karte speichern");
    click(&mut bernd, "Weiter zu den Kontakten");

    // The host program's data: Anna has clients (some with consent).
    let mut options = bemx_demo::SeedOptions::new(10, 7);
    options.max_documents_per_client = 1;
    options.document_bytes = (1024, 8 * 1024);
    bemx_demo::seed_with(&mut bemx_db::Database::open(anna_home.db_path()).unwrap(), &options).unwrap();

    // Exchange cards, comparing the fingerprint.
    type_into(&mut anna, "Kontaktkarte", &dir.path().join("bernd.txt").display().to_string());
    click(&mut anna, "Karte lesen");
    assert_shows(&anna, &bernd_fp.replace('-', "  "));
    screenshot(&mut anna, "03-compare-card", &[base.clone(), bernd_fp.replace('-', "  "), anna_fp.replace('-', "  ")]);
    click(&mut anna, "Fingerabdruck stimmt überein: vertrauen");
    assert_shows(&anna, "Bernd Krüger (Werk Süd) wurde den Kontakten hinzugefügt.");
    type_into(&mut bernd, "Kontaktkarte", &dir.path().join("anna.txt").display().to_string());
    click(&mut bernd, "Karte lesen");
    click(&mut bernd, "Fingerabdruck stimmt überein: vertrauen");
    screenshot(
        &mut bernd,
        "04-contacts",
        &[base.clone(), bernd_fp.replace('-', "  "), anna_fp.clone(), bernd_fp.clone()],
    );

    // Anna hands two clients with consent over.
    let chosen: Vec<(String, String)> = consenting_clients(&anna_home).into_iter().take(2).collect();
    assert_eq!(chosen.len(), 2, "the seed gives consent to at least two clients");
    click(&mut anna, "Klienten übergeben");
    for (_, bem_id) in &chosen {
        click(&mut anna, bem_id);
    }
    assert_shows(&anna, "2 Klienten ausgewählt");
    click(&mut anna, "Empfänger");
    click(&mut anna, "Bernd Krüger (Werk Süd)");
    type_into(&mut anna, "Zielordner", &stick.display().to_string());
    type_into(&mut anna, "Dateiname", "uebergabe");
    screenshot(&mut anna, "05-export-choose", &[base.clone(), anna_fp.clone()]);
    click(&mut anna, "Weiter");
    assert_shows(&anna, "2 Klienten werden übergeben:");
    screenshot(&mut anna, "06-export-summary", &[base.clone(), anna_fp.clone(), bernd_fp.replace('-', "  ")]);
    click(&mut anna, "Übergabe starten");
    assert_shows(&anna, "Die Übergabedatei für 2 Klienten ist geschrieben.");
    screenshot(&mut anna, "07-export-done", &[base.clone(), anna_fp.clone()]);
    let bundle = stick.join("uebergabe.bemx");
    assert!(bundle.is_file());
    // Until the receipt, the clients are hidden from Anna's list.
    for (_, bem_id) in &chosen {
        assert!(anna.query_by_label(bem_id).is_none(), "{bem_id} is still offered");
    }

    // Bernd takes them over.
    click(&mut bernd, "Klienten übernehmen");
    type_into(&mut bernd, "Übergabedatei", &bundle.display().to_string());
    click(&mut bernd, "Datei prüfen");
    assert_shows(&bernd, "Bitte prüfen Sie vor dem Import:");
    for (_, bem_id) in &chosen {
        assert_shows(&bernd, bem_id);
    }
    screenshot(&mut bernd, "08-import-preview", &[base.clone(), bernd_fp.clone(), anna_fp.replace('-', "  ")]);
    click(&mut bernd, "Import starten");
    assert_shows(&bernd, "2 Klienten wurden übernommen.");
    screenshot(&mut bernd, "09-import-done", &[base.clone(), bernd_fp.clone()]);
    // Offered once the clients are in: the bundle overwritten and gone.
    click(&mut bernd, "Übergabedatei jetzt sicher löschen");
    assert_shows(&bernd, "Die Übergabedatei wurde überschrieben und gelöscht.");
    assert!(!bundle.exists(), "the bundle is still on the stick");
    let receipt = std::fs::read_dir(&stick)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "receipt"))
        .expect("the receipt beside the bundle");

    // Anna reads the receipt in; the clients are removed there for good.
    click(&mut anna, "Empfangsbestätigung einlesen");
    type_into(&mut anna, "Empfangsbestätigung", &receipt.display().to_string());
    click(&mut anna, "Bestätigung prüfen");
    for (_, bem_id) in &chosen {
        assert_shows(&anna, bem_id);
    }
    screenshot(&mut anna, "10-confirm-preview", &[base.clone(), anna_fp.clone()]);
    click(&mut anna, "Klienten endgültig entfernen");
    assert_shows(&anna, "abgeschlossen: 2 Klienten");

    // Checked beside the app, with plain SQL: moved, not copied.
    let has = |home: &Home, uuid: &str| -> bool {
        let conn = rusqlite::Connection::open(home.db_path()).unwrap();
        conn.query_row("SELECT COUNT(*) FROM clients WHERE uuid = ?1", [uuid], |r| r.get::<_, i64>(0)).unwrap() == 1
    };
    for (uuid, _) in &chosen {
        assert!(!has(&anna_home, uuid), "{uuid} is still at Anna's");
        assert!(has(&bernd_home, uuid), "{uuid} did not arrive at Bernd's");
    }

    // The other screens show the same state the CLI would.
    click(&mut anna, "Übergaben");
    assert_shows(&anna, "abgeschlossen");
    screenshot(&mut anna, "11-handovers", &[base.clone(), anna_fp.clone()]);
    click(&mut anna, "Protokoll");
    assert_shows(&anna, "Übergabe abgeschlossen");
    screenshot(&mut anna, "12-audit", &[base.clone(), anna_fp.clone()]);
    click(&mut bernd, "Sicherungen");
    assert_shows(&bernd, "Sicherheitsbackup");
    // The disk's free space and the backup's exact size vary from run to run.
    let varying = ["frei auf dem Laufwerk".to_owned(), " KB".to_owned(), " MB".to_owned()];
    screenshot(&mut bernd, "13-backups", &[&[base.clone(), bernd_fp.clone()][..], &varying[..]].concat());

    // Two windows: their screenshot comparisons are reported together.
    let mut results = anna.take_snapshot_results();
    results.extend_harness(&mut bernd);
    results.unwrap();
}
