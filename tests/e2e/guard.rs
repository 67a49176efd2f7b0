//! Issue 13: the guards of `bemx import` (and of `export`, where it shares
//! one), one section per item of the issue. Each case runs the real binary;
//! the refusals are proven with [`attacks::refused`]: exit 1 naming the
//! cause, every file of the test folder byte-identical (both databases
//! included), no safety backup, no receipt.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::print_stderr)]

use crate::attacks::{bundle_of, entries_of, import_refused, path_str, put, refused, resign, small};
use crate::support::Inst;

fn installation_id(inst: &Inst) -> String {
    let card: serde_json::Value = serde_json::from_str(&inst.card_json()).unwrap();
    card["installation_id"].as_str().unwrap().to_owned()
}

fn client_uuids(inst: &Inst) -> Vec<String> {
    let conn = inst.sql();
    let mut stmt = conn.prepare("SELECT uuid FROM clients ORDER BY uuid").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

// ---------------------------------------------------------------------------
// Item 5: the database must belong to the installation.

#[test]
fn import_and_export_refuse_another_installations_database() {
    let s = small();
    let carla = s.world.init("Carla");
    carla.seed_with(3, 9, "200-2000");
    let (bernd_id, carla_id, anna_id) = (installation_id(&s.bernd), installation_id(&carla), installation_id(&s.anna));
    let carla_db = carla.db_path();

    // Bernd imports Anna's bundle into Carla's database: refused before the
    // bundle is consumed, both databases byte-identical.
    let r = refused(
        &s.world,
        &s.bernd,
        &["import", "--yes", "--db", path_str(&carla_db), path_str(&s.bundle)],
        &["belongs to installation"],
    );
    for (who, id) in [("Carla's (the database's)", &carla_id), ("Bernd's (this installation's)", &bernd_id)] {
        assert!(r.run.stderr.contains(id.as_str()), "names {who} installation id:\n{}", r.run.stderr);
    }
    assert!(r.run.stderr.contains("hint: import into this installation's own database"), "{}", r.run.stderr);

    // Anna exports from Bernd's database: refused the same way.
    let bernd_db = s.bernd.db_path();
    let r = refused(
        &s.world,
        &s.anna,
        &["export", "--db", path_str(&bernd_db), "--to", "Bernd", "--client", "x", "-o", "stolen.bemx"],
        &["belongs to installation"],
    );
    for id in [&bernd_id, &anna_id] {
        assert!(r.run.stderr.contains(id.as_str()), "names {id}:\n{}", r.run.stderr);
    }
    assert!(r.run.stderr.contains("hint: use this installation's own database"), "{}", r.run.stderr);

    // The installation's own database named with --db is fine.
    s.bernd.run(&["import", "--yes", "--db", path_str(&s.bernd.db_path()), path_str(&s.bundle)]).success();
    assert_eq!(client_uuids(&s.bernd).len(), 2);
}

// ---------------------------------------------------------------------------
// Item 15: the signed client list equals the client rows imported.

#[test]
fn a_client_list_that_differs_from_the_client_records_is_refused() {
    let s = small();
    let entries = entries_of(&s.bundle, &s.bernd);
    let listed = bemx_format::Manifest::decode(&entries[0].1).unwrap().clients;
    assert_eq!(listed.len(), 2);
    let extra = uuid::Uuid::new_v4();

    // Re-signed by Anna, the trusted sender: one client more in the list
    // than the bundle carries (verify would count three, import bring two).
    let mut more = entries.clone();
    resign(&mut more, &s.anna, |m| {
        m.clients.push(*extra.as_bytes());
        m.clients.sort_unstable();
    });
    let path = put(&s.world, "lists-a-client-more.bemx", &bundle_of(&more, &s.bernd));
    let r = import_refused(&s.world, &s.bernd, &path, &["signed client list does not match"]);
    assert!(r.run.stderr.contains(&format!("listed but not carried: {extra}")), "{}", r.run.stderr);

    // One client fewer in the list than the bundle carries.
    let dropped = uuid::Uuid::from_bytes(listed[1]);
    let mut fewer = entries.clone();
    resign(&mut fewer, &s.anna, |m| {
        m.clients.remove(1);
    });
    let path = put(&s.world, "lists-a-client-less.bemx", &bundle_of(&fewer, &s.bernd));
    let r = import_refused(&s.world, &s.bernd, &path, &["signed client list does not match"]);
    assert!(r.run.stderr.contains(&format!("carried but not listed: {dropped}")), "{}", r.run.stderr);
    assert!(r.run.stderr.contains("hint: do not import it; ask the sender for a new bundle"), "{}", r.run.stderr);

    // The bundle as Anna made it imports.
    s.bernd.run(&["import", "--yes", path_str(&s.bundle)]).success();
    assert_eq!(client_uuids(&s.bernd).len(), 2);
}
