//! The harness: German texts, a window of the app's size, clicks and
//! typing by label, and waiting for the worker thread.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::{Duration, Instant};

use bemx_app::{App, Notice};
use bemx_install::Home;
use egui_kittest::Harness;
use egui_kittest::kittest::{By, NodeT as _, Queryable as _};

/// Every test speaks German, as the coordinators' app does.
pub fn german() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| bemx_i18n::apply(bemx_i18n::Lang::De, &bemx_app::CATALOGUES));
}

/// The app on `home`, in a window of its default size.
pub fn open(home: &Home) -> Harness<'static, App> {
    open_scaled(home, 1.0)
}

/// The same at a display scaling (1.25 for 125 %).
pub fn open_scaled(home: &Home, scale: f32) -> Harness<'static, App> {
    german();
    window(App::new(home.clone()), scale)
}

/// A window on `app`.
pub fn window(app: App, scale: f32) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::Vec2::from(bemx_app::WINDOW_SIZE))
        .with_pixels_per_point(scale)
        .with_max_steps(10_000)
        .with_render_cursor(false)
        .wgpu()
        .build_ui_state(|ui, app: &mut App| app.show(ui), app)
}

/// Lets the app draw until the worker is done and the window is still.
pub fn settle(h: &mut Harness<'static, App>) {
    h.run_steps(2);
    let start = Instant::now();
    while h.state().busy() {
        assert!(start.elapsed() < Duration::from_secs(120), "the app's work did not end in 120 s");
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
    h.run_steps(3);
}

/// Clicks the control labelled `label` and waits for what it started.
/// Where a text is both a heading and a button (the screen's name in the
/// navigation), the button is meant.
pub fn click(h: &mut Harness<'static, App>, label: &str) {
    {
        let nodes: Vec<_> = h.query_all_by_label(label).collect();
        let node = match nodes.len() {
            0 => panic!("nothing labelled {label:?} on screen; the notice is {:?}", h.state().notice()),
            1 => &nodes[0],
            _ => nodes
                .iter()
                .find(|n| n.accesskit_node().role() == egui::accesskit::Role::Button)
                .unwrap_or_else(|| panic!("{label:?} is on screen more than once, none a button")),
        };
        node.click();
    }
    settle(h);
}

/// Types `text` into the field labelled `label` (after emptying it).
pub fn type_into(h: &mut Harness<'static, App>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run_steps(1);
    // Select all, then type over it.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_steps(1);
    h.get_by_label(label).type_text(text);
    h.run_steps(2);
}

/// Whether some text on screen contains `needle`.
pub fn shows(h: &Harness<'static, App>, needle: &str) -> bool {
    h.query_all(By::new().include_labels().label_contains(needle)).next().is_some()
        || h.query_all(By::new().predicate(move |n| n.value().is_some_and(|v| v.contains(needle)))).next().is_some()
}

/// Asserts that `needle` is on screen, listing what is otherwise.
#[track_caller]
pub fn assert_shows(h: &Harness<'static, App>, needle: &str) {
    assert!(shows(h, needle), "{needle:?} is not on screen; the notice is {:?}", h.state().notice());
}

/// The error on screen: its message and hint.
#[track_caller]
pub fn failure(h: &Harness<'static, App>) -> bemx_app::Problem {
    match h.state().notice() {
        Some(Notice::Failed(p)) => p.clone(),
        other => panic!("expected an error on screen, found {other:?}"),
    }
}

/// Asserts German words and no English in a message shown to the user.
#[track_caller]
pub fn assert_german(text: &str) {
    let lower = text.to_lowercase();
    for english in [" the ", " is ", " not ", " was ", " cannot ", " could "] {
        assert!(!format!(" {lower} ").contains(english), "English in {text:?}");
    }
    assert!(
        ["die ", "der ", "das ", "nicht", "ist", "wurde", "kein", "bitte", "datei", "sie ", "falsch"]
            .iter()
            .any(|w| lower.contains(w)),
        "no German word in {text:?}"
    );
}

/// Installations in a folder of their own.
pub struct Pair {
    pub dir: tempfile::TempDir,
    pub anna: Home,
    pub bernd: Home,
}

/// Anna's and Bernd's installations, set up and with each other's card
/// (through the library: the tests of the set-up screens do it by hand).
pub fn pair() -> Pair {
    german();
    let dir = tempfile::tempdir().unwrap();
    let (anna, bernd) = bemx_app::demo::pair(dir.path()).unwrap();
    Pair { dir, anna, bernd }
}

/// A fingerprint of the database for "nothing changed": every client
/// row, the audit log and the import ledger, read with plain SQL.
pub fn db_state(home: &Home) -> String {
    let conn = rusqlite::Connection::open(home.db_path()).unwrap();
    let mut out = String::new();
    for sql in [
        "SELECT uuid || ':' || bem_id FROM clients ORDER BY uuid",
        "SELECT event || ':' || COALESCE(bundle_id, '') FROM audit_log ORDER BY id",
        "SELECT COUNT(*) FROM import_ledger",
        "SELECT COUNT(*) FROM handovers",
    ] {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get::<_, rusqlite::types::Value>(0))
            .unwrap()
            .map(|v| format!("{:?}", v.unwrap()))
            .collect();
        out.push_str(&rows.join(","));
        out.push('\n');
    }
    out
}

/// The clients of `home` with a recorded consent, as (uuid, BEM-ID).
pub fn consenting_clients(home: &Home) -> Vec<(String, String)> {
    bemx_app::ops::clients(home, false)
        .unwrap()
        .into_iter()
        .filter(|c| c.consent_given.is_some())
        .map(|c| (c.uuid, c.bem_id))
        .collect()
}

/// Exports `clients` from `from` to `to` through the library (the
/// refusal tests need bundles; the handover test makes its own by hand).
pub fn export(from: &Home, to: &Home, clients: &[String], out: &Path) -> PathBuf {
    let identity = bemx_app::ops::unlock(from, None).unwrap();
    let card = bemx_app::ops::unlock(to, None).unwrap().contact_card();
    let order = bemx_app::ops::ExportOrder {
        clients: clients.to_vec(),
        recipient: card.fingerprint(),
        output: out.to_path_buf(),
        without_consent: None,
        confirmed_without_consent: Vec::new(),
    };
    let cancel = std::sync::atomic::AtomicBool::new(false);
    bemx_app::ops::export(from, &identity, &order, &mut bemx_format::progress::NoProgress, &cancel).unwrap();
    out.to_path_buf()
}

/// Screenshots live in `docs/screenshots/` and are compared there: an
/// unintended visual change fails. What differs from run to run — keys,
/// folders, times — is masked (the magenta boxes).
pub fn screenshot(h: &mut Harness<'static, App>, name: &str, dynamic: &[String]) {
    h.run_steps(2);
    let mut rects = Vec::new();
    let needles: Vec<String> = dynamic.iter().filter(|d| !d.is_empty()).cloned().collect();
    for node in h.query_all(By::new().include_labels().predicate(move |n| {
        let text = format!("{} {}", n.label().unwrap_or_default(), n.value().unwrap_or_default());
        needles.iter().any(|d| text.contains(d.as_str()))
            || has_date(&text)
            || has_id(&text)
            || has_fingerprint(&text)
            || has_time(&text)
    })) {
        // To the right edge: the width of a varying text varies too.
        let r = node.rect();
        rects.push(egui::Rect::from_min_max(r.min, egui::pos2(bemx_app::WINDOW_SIZE[0], r.max.y)));
    }
    for r in rects {
        h.mask(r);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
    let options = egui_kittest::SnapshotOptions::new().output_path(dir).threshold(0.6).max_failed_pixels(64);
    h.snapshot_options(name, &options);
}

/// A date as the app shows them ("30.11.2026") or as the data holds them.
fn has_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(10).any(|w| {
        let d = |i: usize| w[i].is_ascii_digit();
        (d(0) && d(1) && w[2] == b'.' && d(3) && d(4) && w[5] == b'.' && d(6) && d(7) && d(8) && d(9))
            || (d(0) && d(1) && d(2) && d(3) && w[4] == b'-' && d(5) && d(6) && w[7] == b'-' && d(8) && d(9))
    })
}

/// A bundle id as the app shows it: 12 hexadecimal characters.
fn has_id(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w.len() >= bemx_i18n::SHORT_ID && w.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

/// A fingerprint: groups of four capitals and digits.
fn has_fingerprint(text: &str) -> bool {
    let mut run = 0;
    for token in text.split(['-', ' ']).filter(|t| !t.is_empty()) {
        let group = token.len() == 4 && token.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        run = if group { run + 1 } else { 0 };
        if run >= 6 {
            return true;
        }
    }
    false
}

/// A compact time stamp ("20261130T192120Z", as file names carry it).
fn has_time(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w.bytes().filter(u8::is_ascii_digit).count() >= 12)
}
