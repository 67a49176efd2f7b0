//! Keyboard-only use, labels, scaling, and closing during work.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use egui_kittest::kittest::{By, NodeT as _, Queryable as _};

use crate::support::*;

#[test]
fn the_import_can_be_done_with_the_keyboard_alone() {
    let p = pair();
    let client = consenting_clients(&p.anna).remove(0).0;
    let bundle = export(&p.anna, &p.bernd, &[client], &p.dir.path().join("keys.bemx"));
    let mut bernd = open(&p.bernd);
    // Into the navigation and onto "Klienten übernehmen" by Tab.
    let mut reached = false;
    for _ in 0..40 {
        bernd.key_press(egui::Key::Tab);
        bernd.run_steps(1);
        if bernd.query_by_label("Klienten übernehmen").is_some_and(|n| n.is_focused()) {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab never reached the navigation");
    bernd.key_press(egui::Key::Enter);
    settle(&mut bernd);
    assert_eq!(bernd.state().screen(), bemx_app::Screen::Import);
    // The file field takes typed text; Tab on to "Datei prüfen", Enter.
    type_into(&mut bernd, "Übergabedatei", &bundle.display().to_string());
    let mut pressed = false;
    for _ in 0..10 {
        bernd.key_press(egui::Key::Tab);
        bernd.run_steps(1);
        if bernd.query_by_label("Datei prüfen").is_some_and(|n| n.is_focused()) {
            bernd.key_press(egui::Key::Enter);
            settle(&mut bernd);
            pressed = true;
            break;
        }
    }
    assert!(pressed, "Tab never reached \"Datei prüfen\"");
    assert_shows(&bernd, "Bitte prüfen Sie vor dem Import:");
}

#[test]
fn every_control_has_a_label() {
    let p = pair();
    let mut anna = open(&p.anna);
    for screen in bemx_app::Screen::NAVIGATION {
        click(&mut anna, &screen.title());
        let unnamed: Vec<String> = anna
            .query_all(By::new().predicate(|n| {
                use egui::accesskit::Role;
                matches!(n.role(), Role::Button | Role::CheckBox | Role::TextInput | Role::ComboBox)
                    && n.label().is_none_or(|l| l.trim().is_empty())
            }))
            .map(|n| format!("{:?}", n.accesskit_node().role()))
            .collect();
        assert!(unnamed.is_empty(), "{}: controls without a label: {unnamed:?}", screen.title());
    }
}

#[test]
fn texts_fit_the_window_at_125_and_150_percent() {
    let p = pair();
    for scale in [1.25f32, 1.5] {
        let mut anna = open_scaled(&p.anna, scale);
        for screen in bemx_app::Screen::NAVIGATION {
            click(&mut anna, &screen.title());
            let width = bemx_app::WINDOW_SIZE[0];
            let outside: Vec<String> = anna
                .query_all(By::new().include_labels().predicate(|_| true))
                .filter(|n| n.accesskit_node().bounding_box().is_some() && n.rect().max.x > width + 0.5)
                .map(|n| format!("{:?}", n.accesskit_node().label().or(n.accesskit_node().value())))
                .collect();
            assert!(outside.is_empty(), "{} at {scale}: cut off at the right: {outside:?}", screen.title());
        }
        if scale == 1.5 {
            click(&mut anna, "Klienten übergeben");
            screenshot(&mut anna, "30-export-at-150-percent", &[p.dir.path().display().to_string()]);
        }
    }
}

#[test]
fn closing_the_window_during_an_import_asks_and_cancels_safely() {
    let p = pair();
    // Enough bytes that the import is still running when the window is closed.
    let mut options = bemx_demo::SeedOptions::new(3, 99);
    options.max_documents_per_client = 2;
    options.document_bytes = (8 << 20, 8 << 20);
    bemx_demo::seed_with(&mut bemx_db::Database::open(p.anna.db_path()).unwrap(), &options).unwrap();
    let clients: Vec<String> = consenting_clients(&p.anna).into_iter().map(|c| c.0).collect();
    let bundle = export(&p.anna, &p.bernd, &clients, &p.dir.path().join("close.bemx"));
    let before = db_state(&p.bernd);
    let mut bernd = open(&p.bernd);
    click(&mut bernd, "Klienten übernehmen");
    type_into(&mut bernd, "Übergabedatei", &bundle.display().to_string());
    click(&mut bernd, "Datei prüfen");
    bernd.get_by_label("Import starten").click();
    bernd.run_steps(2);
    assert!(bernd.state().busy(), "the import runs");
    // The window's close button, as the window system reports it.
    bernd.input_mut().viewports.entry(egui::ViewportId::ROOT).or_default().events.push(egui::ViewportEvent::Close);
    bernd.run_steps(2);
    assert_shows(&bernd, "Ein Import oder Export läuft.");
    bernd.get_by_label("Abbrechen und schließen").click();
    settle(&mut bernd);
    assert!(bernd.state().closing(), "the window closes once the import has stopped");
    // Cancelled before its commit: nothing changed, no safety backup left.
    assert_eq!(db_state(&p.bernd), before);
    let failure = failure(&bernd);
    assert_german(&failure.message);
}

#[test]
fn a_file_opened_with_the_app_lands_on_its_screen_with_its_path() {
    let p = pair();
    let client = consenting_clients(&p.anna).remove(0).0;
    let bundle = export(&p.anna, &p.bernd, &[client], &p.dir.path().join("double-click.bemx"));
    // As the file association starts it: `bemx-app FILE`.
    let mut app = bemx_app::App::new(p.bernd.clone());
    app.open_file(bundle.clone());
    let mut bernd = window(app, 1.0);
    assert_eq!(bernd.state().screen(), bemx_app::Screen::Import);
    assert_eq!(bernd.get_by_label("Übergabedatei").value().as_deref(), Some(bundle.display().to_string().as_str()));
    // Nothing is imported until the user checks and starts it.
    click(&mut bernd, "Datei prüfen");
    assert_shows(&bernd, "Bitte prüfen Sie vor dem Import:");

    let receipt = p.dir.path().join("x.receipt");
    let mut app = bemx_app::App::new(p.anna.clone());
    app.open_file(receipt.clone());
    let anna = window(app, 1.0);
    assert_eq!(anna.state().screen(), bemx_app::Screen::Confirm);
    assert_eq!(
        anna.get_by_label("Empfangsbestätigung").value().as_deref(),
        Some(receipt.display().to_string().as_str())
    );
}
