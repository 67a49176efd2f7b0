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
    // The question names the backup the user picked.
    assert_shows(&anna, &format!("Sicherung {name} wiederherstellen?"));
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

#[test]
fn the_import_preview_holds_the_installation_until_answered() {
    let p = pair();
    let client = consenting_clients(&p.anna).remove(0).0;
    let bundle = export(&p.anna, &p.bernd, &[client], &p.dir.path().join("held.bemx"));
    let mut bernd = open(&p.bernd);
    click(&mut bernd, "Klienten übernehmen");
    type_into(&mut bernd, "Übergabedatei", &bundle.display().to_string());
    click(&mut bernd, "Datei prüfen");
    assert_shows(&bernd, "Bitte prüfen Sie vor dem Import:");
    // Meanwhile nothing else may change what the preview said (a backup
    // that the import's retention would delete unannounced, say).
    let mut second = open(&p.bernd);
    click(&mut second, "Sicherungen");
    click(&mut second, "Jetzt sichern");
    assert_german(&failure(&second).message);
    assert!(bemx_app::ops::backups(&p.bernd, &bemx_app::ops::unlock(&p.bernd, None).unwrap()).unwrap().0.is_empty());
    // Leaving the preview releases it; coming back means checking anew.
    click(&mut bernd, "Sicherungen");
    click(&mut second, "Jetzt sichern");
    assert!(matches!(second.state().notice(), Some(bemx_app::Notice::Done(_))), "{:?}", second.state().notice());
    click(&mut bernd, "Klienten übernehmen");
    assert!(bernd.query_by_label("Import starten").is_none(), "the old preview is gone");
    click(&mut bernd, "Datei prüfen");
    assert_shows(&bernd, "Danach gelöschte Sicherungen:");
}

#[test]
fn an_export_is_refused_when_a_consent_changed_after_the_summary() {
    let p = pair();
    // One client without a recorded consent (a reason is given for it),
    // one with.
    let clients = bemx_app::ops::clients(&p.anna, false).unwrap();
    let without = clients.iter().find(|c| c.consent_given.is_none()).expect("a client without consent").clone();
    let with = clients.iter().find(|c| c.consent_given.is_some()).expect("a client with consent").clone();
    let mut anna = open(&p.anna);
    click(&mut anna, &without.bem_id);
    click(&mut anna, &with.bem_id);
    click(&mut anna, "Empfänger");
    click(&mut anna, "Bernd Krüger (Werk Süd)");
    type_into(&mut anna, "Zielordner", &p.dir.path().display().to_string());
    type_into(&mut anna, "Begründung (kommt ins Protokoll)", "Koordinatorin wechselt den Standort, Formular folgt");
    click(&mut anna, "Weiter");
    // The summary names who goes without consent, and why.
    assert_shows(&anna, &format!("Ohne erfasstes Einverständnis zur Übergabe: {}", without.bem_id));
    assert_shows(&anna, "Begründung: Koordinatorin wechselt den Standort, Formular folgt");
    // The other client's consent is revoked elsewhere (the CLI, another
    // window) while the summary is on screen: the reason must not cover it.
    {
        let lock = p.anna.lock().unwrap();
        bemx_install::consent::revoke(&p.anna, &lock, &with.uuid, bemx_install::consent::Date::today()).unwrap();
    }
    let before = db_state(&p.anna);
    click(&mut anna, "Übergabe starten");
    let problem = failure(&anna);
    assert_german(&problem.message);
    assert!(problem.message.contains(&with.uuid), "{problem:?}");
    assert_eq!(db_state(&p.anna), before);
    let written = std::fs::read_dir(p.dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "bemx"));
    assert_eq!(written.count(), 0, "no bundle is left behind");
}

#[test]
fn a_contact_is_removed_after_a_question() {
    let p = pair();
    let mut anna = open(&p.anna);
    click(&mut anna, "Kontakte");
    click(&mut anna, "Bernd Krüger (Werk Süd) entfernen");
    assert_shows(&anna, "Bernd Krüger (Werk Süd) aus den Kontakten entfernen?");
    // "nein" keeps the contact.
    click(&mut anna, "nein");
    assert_eq!(bemx_app::ops::contacts(&p.anna).unwrap().len(), 1);
    click(&mut anna, "Bernd Krüger (Werk Süd) entfernen");
    click(&mut anna, "Entfernen");
    assert_shows(&anna, "Bernd Krüger (Werk Süd) wurde aus den Kontakten entfernt.");
    assert!(bemx_app::ops::contacts(&p.anna).unwrap().is_empty());
    // Without the contact, the export offers no recipient.
    click(&mut anna, "Klienten übergeben");
    assert_shows(&anna, "Noch keine Kontakte");
}

#[test]
fn a_consent_is_recorded_in_the_client_list() {
    let p = pair();
    let without = bemx_app::ops::clients(&p.anna, false)
        .unwrap()
        .into_iter()
        .find(|c| c.consent_given.is_none())
        .expect("a client without consent");
    let mut anna = open(&p.anna);
    click(&mut anna, &format!("Einverständnis für {} erfassen", without.bem_id));
    assert_shows(&anna, &format!("Einverständnis von {} in die Übergabe erfassen", without.bem_id));
    // A date that is none is refused in German; nothing is recorded.
    type_into(&mut anna, "Datum auf dem Formular (z. B. 12.03.2026)", "gestern");
    click(&mut anna, "Einverständnis erfassen");
    assert_german(&failure(&anna).message);
    type_into(&mut anna, "Datum auf dem Formular (z. B. 12.03.2026)", "12.03.2026");
    click(&mut anna, "Einverständnis erfassen");
    assert_shows(&anna, &format!("Einverständnis von {} erfasst, erteilt am 12.03.2026.", without.bem_id));
    let now = bemx_app::ops::clients(&p.anna, false).unwrap().into_iter().find(|c| c.uuid == without.uuid).unwrap();
    assert_eq!(now.consent_given.as_deref(), Some("2026-03-12"));
    assert_shows(&anna, "erteilt am 12.03.2026");
}

#[test]
fn a_backup_is_deleted_after_a_question() {
    let p = pair();
    let mut anna = open(&p.anna);
    click(&mut anna, "Sicherungen");
    click(&mut anna, "Jetzt sichern");
    let identity = bemx_app::ops::unlock(&p.anna, None).unwrap();
    let name = bemx_app::ops::backups(&p.anna, &identity).unwrap().0[0].name.clone();
    click(&mut anna, &format!("{name} löschen"));
    assert_shows(&anna, &format!("Sicherung {name} endgültig löschen?"));
    click(&mut anna, "nein");
    assert_eq!(bemx_app::ops::backups(&p.anna, &identity).unwrap().0.len(), 1);
    click(&mut anna, &format!("{name} löschen"));
    click(&mut anna, "Sicherung löschen");
    assert_shows(&anna, &format!("Sicherung {name} gelöscht."));
    assert!(bemx_app::ops::backups(&p.anna, &identity).unwrap().0.is_empty());
    assert!(std::fs::read_dir(p.anna.backups_dir()).unwrap().next().is_none(), "backup and signature are gone");
}
