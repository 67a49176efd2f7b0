//! The screens beyond the handover: unlock, take back, backups.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bemx_install::Home;
use egui_kittest::kittest::Queryable as _;

use crate::support::*;

#[test]
fn a_protected_installation_asks_for_its_passphrase() {
    german();
    let dir = tempfile::tempdir().unwrap();
    let home = Home::new(dir.path().join("inst"), None);
    let mut app = open(&home);
    type_into(&mut app, "Name (z. B. Ihr Name und Standort)", "Clara Vogel (Werk Ost)");
    click(&mut app, "Schlüssel mit einer Passphrase schützen");
    type_into(&mut app, "Passphrase", "korrekt Pferd Batterie");
    type_into(&mut app, "Passphrase wiederholen", "korrekt Pferd Batterie");
    click(&mut app, "Installation einrichten");
    assert!(home.exists());
    assert!(bemx_identity::needs_passphrase(home.root()).unwrap());
    drop(app);

    // The next start asks; a wrong passphrase is refused in German.
    let mut app = open(&home);
    assert_eq!(app.state().screen(), bemx_app::Screen::Unlock);
    screenshot(&mut app, "14-unlock", &[dir.path().display().to_string()]);
    type_into(&mut app, "Passphrase", "falsch");
    click(&mut app, "Entsperren");
    assert_eq!(app.state().screen(), bemx_app::Screen::Unlock);
    assert_german(&failure(&app).message);
    type_into(&mut app, "Passphrase", "korrekt Pferd Batterie");
    click(&mut app, "Entsperren");
    assert_eq!(app.state().screen(), bemx_app::Screen::Export);
}

#[test]
fn an_open_handover_is_taken_back_after_a_question() {
    let p = pair();
    let (uuid, bem_id) = consenting_clients(&p.anna).remove(0);
    export(&p.anna, &p.bernd, std::slice::from_ref(&uuid), &p.dir.path().join("back.bemx"));
    let mut anna = open(&p.anna);
    assert!(anna.query_by_label(&bem_id).is_none(), "a handed-over client is not offered");
    click(&mut anna, "Übergaben");
    let id = bemx_install::handover::list(&p.anna).unwrap().remove(0).bundle_id;
    let short = bemx_i18n::short_id(&id).to_owned();
    click(&mut anna, &format!("{short} zurücknehmen"));
    assert_shows(&anna, "zurücknehmen? Nur wenn die Datei nie importiert wurde");
    screenshot(&mut anna, "15-take-back-question", &[p.dir.path().display().to_string()]);
    click(&mut anna, "Zurücknehmen");
    assert_shows(&anna, "1 Klient ist wieder hier.");
    assert_eq!(bemx_install::handover::list(&p.anna).unwrap()[0].state, "cancelled");
    click(&mut anna, "Klienten übergeben");
    assert!(anna.query_by_label(&bem_id).is_some(), "the client is offered again");
}

#[test]
fn a_restore_names_the_clients_that_come_back_before_it_runs() {
    let p = pair();
    let mut anna = open(&p.anna);
    click(&mut anna, "Sicherungen");
    click(&mut anna, "Jetzt sichern");
    let backup = bemx_app::ops::backups(&p.anna, &bemx_app::ops::unlock(&p.anna, None).unwrap()).unwrap().0;
    assert_eq!(backup.len(), 1);
    let name = backup[0].name.clone();
    let before = db_state(&p.anna);
    click(&mut anna, &format!("{name} wiederherstellen"));
    assert_shows(&anna, "Diese Sicherung wiederherstellen?");
    assert_shows(&anna, "Dieselben Klienten wie jetzt.");
    screenshot(&mut anna, "16-restore-question", &[p.dir.path().display().to_string(), name.clone()]);
    // "Abbrechen" leaves everything, the decrypted copy included.
    click(&mut anna, "Abbrechen");
    assert_eq!(db_state(&p.anna), before);
    assert!(!p.anna.restore_temp_path().exists(), "the decrypted copy is wiped");
    click(&mut anna, &format!("{name} wiederherstellen"));
    click(&mut anna, "Wiederherstellen");
    assert_shows(&anna, &format!("Sicherung {name} wiederhergestellt."));
    assert_eq!(db_state(&p.anna), before);
}

#[test]
fn a_restore_that_would_lose_an_imported_client_is_refused() {
    let p = pair();
    let mut bernd = open(&p.bernd);
    let (uuid, _) = consenting_clients(&p.anna).remove(0);
    let bundle = export(&p.anna, &p.bernd, std::slice::from_ref(&uuid), &p.dir.path().join("after.bemx"));
    click(&mut bernd, "Klienten übernehmen");
    type_into(&mut bernd, "Übergabedatei", &bundle.display().to_string());
    click(&mut bernd, "Datei prüfen");
    click(&mut bernd, "Import starten");
    assert_shows(&bernd, "1 Klient wurde übernommen.");
    // The SICHERHEITSBACKUP is from before the import: the client that
    // arrived exists nowhere else, so restoring it is refused.
    // Under the BEM-ID it is stored as here (renamed if Bernd had it).
    let bem_id = bemx_app::ops::clients(&p.bernd, true).unwrap().into_iter().find(|c| c.uuid == uuid).unwrap().bem_id;
    let identity = bemx_app::ops::unlock(&p.bernd, None).unwrap();
    let safety = bemx_app::ops::backups(&p.bernd, &identity).unwrap().0;
    let name = safety.iter().find(|b| b.safety).expect("the import's safety backup").name.clone();
    let before = db_state(&p.bernd);
    click(&mut bernd, "Sicherungen");
    click(&mut bernd, &format!("{name} wiederherstellen"));
    // Refused when checked, before any question: nothing to confirm.
    let problem = failure(&bernd);
    assert_german(&problem.message);
    assert!(
        problem.message.contains(&bem_id) || problem.hint.as_deref().unwrap_or("").contains(&bem_id),
        "{problem:?}"
    );
    assert_eq!(db_state(&p.bernd), before);
}
