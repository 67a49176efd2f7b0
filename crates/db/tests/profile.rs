//! Host database profiles (issue 17): the reference schema derived through
//! its built-in profile, a schema written elsewhere (Chinook) derived
//! through its own, and each refusal `profile check` names.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bemx_db::{ColumnRole, Database, DbError, Graph, Profile, check_profile, derive, reference_graph};
use bemx_demo::hosts::{HostOptions, chinook};
use rusqlite::Connection;

const IID: &str = "6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab";

fn reference_db() -> (tempfile::TempDir, Database) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::create(dir.path().join("bemdok.sqlite"), IID).unwrap();
    (dir, db)
}

fn chinook_db(clients: u32) -> Connection {
    let mut conn = Connection::open_in_memory().unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    chinook::create(&mut conn, &HostOptions { clients, seed: 7 }).unwrap();
    conn
}

fn chinook_profile() -> Profile {
    Profile::from_toml(chinook::PROFILE).unwrap()
}

/// The Chinook profile with one text replaced.
fn chinook_edited(from: &str, to: &str) -> Profile {
    assert!(chinook::PROFILE.contains(from), "{from}");
    Profile::from_toml(&chinook::PROFILE.replacen(from, to, 1)).unwrap()
}

/// Every refusal `profile check` lists, as (table, message).
fn problems(conn: &Connection, profile: &Profile) -> Vec<(String, String)> {
    let check = check_profile(conn, profile).unwrap();
    assert_eq!(check.graph.is_none(), !check.problems.is_empty());
    check
        .problems
        .iter()
        .map(|e| match e {
            DbError::ProfileMismatch { table, .. } | DbError::UnsupportedSchema { table, .. } => {
                (table.clone(), e.to_string())
            }
            other => panic!("not a profile problem: {other}"),
        })
        .collect()
}

#[track_caller]
fn refused_once(conn: &Connection, profile: &Profile, table: &str, words: &str) {
    let found = problems(conn, profile);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, table, "{found:?}");
    assert!(found[0].1.contains(words), "{found:?}");
    // derive refuses with the same problem.
    assert_eq!(derive(conn, profile).unwrap_err().to_string(), found[0].1);
}

fn names(g: &Graph) -> (Vec<&str>, Vec<&str>) {
    (g.catalogues.iter().map(|c| c.spec.name.as_str()).collect(), g.owned.iter().map(|t| t.name.as_str()).collect())
}

fn role<'a>(g: &'a Graph, table: &str, column: &str) -> &'a ColumnRole {
    let spec = g.stream_tables().into_iter().find(|t| t.name == table).unwrap();
    let c = spec.columns.iter().position(|c| c.name == column).unwrap();
    g.catalogues.iter().map(|c| &c.spec).chain(&g.owned).find(|t| t.name == table).map(|t| &t.columns[c].role).unwrap()
}

#[test]
fn the_reference_schema_is_derived_through_its_built_in_profile() {
    let (_dir, db) = reference_db();
    let check = check_profile(db.conn(), Profile::reference()).unwrap();
    assert!(check.problems.is_empty(), "{:?}", check.problems);
    assert!(check.warnings.is_empty(), "{:?}", check.warnings);
    let g = check.graph.unwrap();
    assert_eq!(g, reference_graph(db.conn()).unwrap(), "check and derive derive the same graph");
    let (cats, owned) = names(&g);
    assert_eq!(
        cats,
        [
            "cat_action_type",
            "cat_department",
            "cat_funding_body",
            "cat_funding_type",
            "cat_job_function",
            "cat_measure"
        ]
    );
    assert_eq!(owned[0], "clients");
    assert!(g.catalogues.iter().all(|c| c.key == ["code"] && c.key_enforced));
    assert!(g.identity_enforced);
    assert_eq!(role(&g, "documents", "content"), &ColumnRole::Blob);
    assert_eq!(role(&g, "actions", "action_type_id"), &ColumnRole::CatalogueRef { table: "cat_action_type".into() });
    assert_eq!(g.documents, [("documents".into(), "content".into(), Some("sha256".into()))]);
}

#[test]
fn the_graph_hash_follows_what_travels_and_nothing_else() {
    let (_a, a) = reference_db();
    let (_b, b) = reference_db();
    let hash = reference_graph(a.conn()).unwrap().hash();
    assert_eq!(hash, reference_graph(b.conn()).unwrap().hash(), "two installations of one version agree");
    // What stays here does not count.
    b.conn().execute_batch("ALTER TABLE audit_log ADD COLUMN note TEXT").unwrap();
    assert_eq!(hash, reference_graph(b.conn()).unwrap().hash());
    // A column that travels does.
    b.conn().execute_batch("ALTER TABLE measures ADD COLUMN note TEXT").unwrap();
    assert_ne!(hash, reference_graph(b.conn()).unwrap().hash());
    // So does a catalogue key.
    let mut text = Profile::reference_text().replacen("key = [\"code\"]", "key = [\"label\"]", 1);
    assert_ne!(hash, derive(a.conn(), &Profile::from_toml(&text).unwrap()).unwrap().hash());
    // The profile's name and version are recorded beside the hash, not in it.
    text = Profile::reference_text().replacen("version = 1", "version = 2", 1);
    assert_eq!(hash, derive(a.conn(), &Profile::from_toml(&text).unwrap()).unwrap().hash());
}

#[test]
fn a_schema_written_elsewhere_is_derived_through_its_profile() {
    let conn = chinook_db(20);
    let check = check_profile(&conn, &chinook_profile()).unwrap();
    assert!(check.problems.is_empty(), "{:?}", check.problems);
    let g = check.graph.unwrap();
    let (cats, owned) = names(&g);
    // Each catalogue after the ones it references: Track after Album after Artist.
    assert_eq!(cats, ["Artist", "Album", "Employee", "Genre", "MediaType", "Track"]);
    assert_eq!(owned, ["Customer", "Invoice", "InvoiceLine"]);
    assert_eq!(role(&g, "Customer", "CustomerId"), &ColumnRole::PrimaryKey);
    assert_eq!(role(&g, "Customer", "SupportRepId"), &ColumnRole::CatalogueRef { table: "Employee".into() });
    assert_eq!(role(&g, "InvoiceLine", "InvoiceId"), &ColumnRole::OwnedRef { table: "Invoice".into() });
    assert_eq!(role(&g, "InvoiceLine", "TrackId"), &ColumnRole::CatalogueRef { table: "Track".into() });
    assert_eq!(role(&g, "Track", "AlbumId"), &ColumnRole::CatalogueRef { table: "Album".into() });
    assert_eq!(role(&g, "Album", "ArtistId"), &ColumnRole::CatalogueRef { table: "Artist".into() });
    // A catalogue's own key travels as the sender's, to be mapped; the
    // column the profile keeps local does not travel.
    let employee = &g.catalogues.iter().find(|c| c.spec.name == "Employee").unwrap().spec;
    assert_eq!(role(&g, "Employee", "EmployeeId"), &ColumnRole::PrimaryKey);
    assert!(!employee.column_names().contains(&"ReportsTo"));
    assert_eq!(g.local_columns, ["Employee.ReportsTo"]);
    assert_eq!(g.catalogues.iter().find(|c| c.spec.name == "Album").unwrap().key, ["ArtistId", "Title"]);
    // Nothing in Chinook enforces its natural keys: each is named.
    let unenforced: Vec<&str> = check.warnings.iter().map(|w| w.table.as_str()).collect();
    assert_eq!(unenforced, ["Artist", "Album", "Employee", "Genre", "MediaType", "Track", "Customer"]);
    assert!(check.warnings[0].message.contains("(Name)"), "{:?}", check.warnings[0]);
}

#[test]
fn names_the_profile_gives_must_exist() {
    let conn = chinook_db(3);
    refused_once(&conn, &chinook_edited("table = \"Artist\"", "table = \"Artists\""), "Artists", "table is missing");
    refused_once(&conn, &chinook_edited("key = [\"Name\"]", "key = [\"Nom\"]"), "Artist", "column Nom is missing");
    refused_once(&conn, &chinook_edited("display = \"LastName\"", "display = \"Surname\""), "Customer", "Surname");
    refused_once(
        &conn,
        &chinook_edited("columns = [\"Employee.ReportsTo\"]", "columns = [\"Employee.ReportsTo\", \"Invoice.Memo\"]"),
        "Invoice",
        "column Memo is missing",
    );
}

#[test]
fn a_client_identity_must_identify_every_client() {
    let conn = chinook_db(5);
    conn.execute("UPDATE Customer SET Email = 'same@example.org' WHERE CustomerId IN (1, 2)", []).unwrap();
    refused_once(&conn, &chinook_profile(), "Customer", "1 value(s) of (Email) occur more than once");
    let conn = chinook_db(5);
    let by_company = chinook_edited("natural_key = [\"Email\"]", "natural_key = [\"Company\"]");
    refused_once(&conn, &by_company, "Customer", "5 row(s) have no value in (Company)");
    let by_uuid = chinook_edited("natural_key = [\"Email\"]", "uuid = \"Email\"");
    refused_once(&conn, &by_uuid, "Customer", "5 value(s) of Email are not UUIDs");
    // A key of two columns is unique where one of them is not.
    conn.execute("UPDATE Customer SET Email = 'same@example.org', Company = 'c' || CustomerId", []).unwrap();
    let two = chinook_edited("natural_key = [\"Email\"]", "natural_key = [\"Email\", \"Company\"]");
    assert!(problems(&conn, &two).is_empty());
    // The local key differs between installations: it cannot name a client.
    let by_id = chinook_edited("natural_key = [\"Email\"]", "natural_key = [\"Email\", \"CustomerId\"]");
    refused_once(&conn, &by_id, "Customer", "column CustomerId names the client");
    let by_rep = chinook_edited("display = \"LastName\"", "display = \"SupportRepId\"");
    refused_once(&chinook_db(2), &by_rep, "Customer", "column SupportRepId names the client");
}

#[test]
fn a_catalogue_key_must_identify_every_row() {
    let conn = chinook_db(3);
    // Every artist has two albums.
    let by_artist = chinook_edited("key = [\"ArtistId\", \"Title\"]", "key = [\"ArtistId\"]");
    refused_once(&conn, &by_artist, "Album", "the catalogue key does not identify its rows: 12 value(s)");
    // A row's own id differs between installations: not a key, unless the
    // catalogue is matched only (reference data every installation keeps alike).
    let by_id = chinook_edited("key = [\"Name\"]", "key = [\"ArtistId\"]");
    refused_once(&conn, &by_id, "Artist", "ArtistId is the table's own id");
    let shared = chinook_edited("key = [\"Name\"]", "key = [\"ArtistId\"]\nadd_missing = false");
    let g = derive(&conn, &shared).unwrap();
    let artist = g.catalogues.iter().find(|c| c.spec.name == "Artist").unwrap();
    assert_eq!((artist.spec.column_names(), artist.add_missing), (vec!["ArtistId"], false));
    conn.execute("UPDATE Genre SET Name = NULL WHERE GenreId = 1", []).unwrap();
    refused_once(&conn, &chinook_profile(), "Genre", "1 row(s) have no value in (Name)");
}

#[test]
fn references_must_lead_to_client_data_or_a_catalogue() {
    let conn = chinook_db(3);
    // Without the catalogue, the support agent is neither.
    let text = chinook::PROFILE.replacen("[[catalogue]]\ntable = \"Employee\"\nkey = [\"Email\"]\n", "", 1);
    let no_employee =
        Profile::from_toml(&text.replacen("columns = [\"Employee.ReportsTo\"]", "columns = []", 1)).unwrap();
    refused_once(&conn, &no_employee, "Customer", "SupportRepId references Employee, which is neither");
    // A catalogue that points at itself cannot be matched in order.
    let reports_to = chinook_edited("columns = [\"Employee.ReportsTo\"]", "columns = []");
    refused_once(&conn, &reports_to, "Employee", "ReportsTo references its own table");
    // A catalogue must not hold client data.
    let text = chinook::PROFILE.replacen(
        "[[catalogue]]\ntable = \"Genre\"",
        "[[catalogue]]\ntable = \"Invoice\"\nkey = [\"InvoiceId\"]\n\n[[catalogue]]\ntable = \"Genre\"",
        1,
    );
    let found = problems(&conn, &Profile::from_toml(&text).unwrap());
    assert!(
        found.iter().any(|(t, m)| t == "Invoice" && m.contains("CustomerId references client data in Customer")),
        "{found:?}"
    );
}

#[test]
fn a_column_kept_local_must_be_fillable_on_the_other_side() {
    let conn = chinook_db(3);
    let local = chinook_edited(
        "columns = [\"Employee.ReportsTo\"]",
        "columns = [\"Employee.ReportsTo\", \"Invoice.InvoiceDate\"]",
    );
    refused_once(&conn, &local, "Invoice", "InvoiceDate stays on this PC but is NOT NULL without a default");
    let local = chinook_edited(
        "columns = [\"Employee.ReportsTo\"]",
        "columns = [\"Employee.ReportsTo\", \"Invoice.InvoiceId\"]",
    );
    refused_once(&conn, &local, "Invoice", "the primary key InvoiceId cannot stay on this PC");
    // A nullable column may stay: it is not in the graph.
    let local =
        chinook_edited("columns = [\"Employee.ReportsTo\"]", "columns = [\"Employee.ReportsTo\", \"Customer.Fax\"]");
    let g = derive(&conn, &local).unwrap();
    assert!(!g.owned[0].column_names().contains(&"Fax"));
}

/// A tiny host schema: root `person`, with the given extra statements.
fn tiny(extra: &str) -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(&format!(
        "CREATE TABLE person (id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, name TEXT);
         INSERT INTO person (ref, name) VALUES ('p1', 'A'), ('p2', 'B');
         {extra}"
    ))
    .unwrap();
    conn
}

fn tiny_profile(extra: &str) -> Profile {
    Profile::from_toml(&format!(
        "format = 1\nname = \"tiny\"\nversion = 1\nhost_schema = \"untouched\"\n{extra}\n\
         [root]\ntable = \"person\"\nnatural_key = [\"ref\"]\ndisplay = \"name\"\n\
         [consent]\nmethod = \"none\"\n[read_only]\nmethod = \"refusal-list\"\n"
    ))
    .unwrap()
}

#[test]
fn keys_the_remap_cannot_handle_are_refused_by_table() {
    let conn =
        tiny("CREATE TABLE visit (day TEXT, person_id INTEGER REFERENCES person(id), PRIMARY KEY (day, person_id));");
    refused_once(&conn, &tiny_profile(""), "visit", "single INTEGER PRIMARY KEY");
    let conn = tiny("CREATE TABLE note (code TEXT PRIMARY KEY, person_id INTEGER REFERENCES person(id));");
    refused_once(&conn, &tiny_profile(""), "note", "single INTEGER PRIMARY KEY");
    // An integer key that is not the row id: a row inserted without it
    // would get no new key the merge could read.
    for table in [
        "CREATE TABLE note (id INTEGER PRIMARY KEY DESC, person_id INTEGER REFERENCES person(id));",
        "CREATE TABLE note (id INTEGER PRIMARY KEY, person_id INTEGER REFERENCES person(id)) WITHOUT ROWID;",
    ] {
        refused_once(&tiny(table), &tiny_profile(""), "note", "INTEGER PRIMARY KEY id is not the table's row id");
    }
    // Declared ASC, or by a table constraint, it is the row id.
    let conn = tiny("CREATE TABLE note (id INTEGER PRIMARY KEY ASC, person_id INTEGER REFERENCES person(id));");
    assert!(problems(&conn, &tiny_profile("")).is_empty());
    let conn = tiny("CREATE TABLE note (id INTEGER, person_id INTEGER REFERENCES person(id), PRIMARY KEY (id));");
    assert!(problems(&conn, &tiny_profile("")).is_empty());
    let conn = tiny("CREATE TABLE note (id INTEGER PRIMARY KEY, person_ref TEXT REFERENCES person(ref));");
    refused_once(&conn, &tiny_profile(""), "note", "person_ref must reference the primary key of person");
    // A key that is also the reference makes a table that extends another
    // row for row: without a reference column to follow, the walk took its
    // rows for those of a second table of clients, chosen by the clients'
    // ids (another client's extension).
    let conn = tiny(
        "CREATE TABLE visit (id INTEGER PRIMARY KEY, person_id INTEGER REFERENCES person(id));
         CREATE TABLE visit_note (id INTEGER PRIMARY KEY REFERENCES visit(id), text TEXT);",
    );
    refused_once(&conn, &tiny_profile(""), "visit_note", "id is the key and also references visit");
    // A catalogue whose key references another: refused when its rows are
    // added (the key gets a new value there), not when they are matched
    // only (found by the natural key, never stored).
    let conn = tiny(
        "CREATE TABLE kind (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
         CREATE TABLE subkind (id INTEGER PRIMARY KEY REFERENCES kind(id), name TEXT NOT NULL UNIQUE);
         CREATE TABLE visit (id INTEGER PRIMARY KEY, person_id INTEGER REFERENCES person(id),
                             subkind_id INTEGER REFERENCES subkind(id));",
    );
    let catalogues = |add: bool| {
        tiny_profile(&format!(
            "[[catalogue]]\ntable = \"kind\"\nkey = [\"name\"]\n\n\
             [[catalogue]]\ntable = \"subkind\"\nkey = [\"name\"]\nadd_missing = {add}"
        ))
    };
    refused_once(&conn, &catalogues(true), "subkind", "id is the key and also references kind");
    assert!(problems(&conn, &catalogues(false)).is_empty(), "{:?}", problems(&conn, &catalogues(false)));
    // A table outside client data may have any key.
    let conn = tiny("CREATE TABLE settings (k TEXT, v TEXT, PRIMARY KEY (k, v));");
    assert!(problems(&conn, &tiny_profile("")).is_empty());
}

#[test]
fn a_cycle_among_client_tables_is_refused_with_its_tables() {
    let conn = tiny(
        "CREATE TABLE a (id INTEGER PRIMARY KEY, person_id INTEGER REFERENCES person(id), b_id INTEGER REFERENCES b(id));
         CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a(id));",
    );
    refused_once(&conn, &tiny_profile(""), "a", "cycle among a, b");
    // Kept local, the back reference no longer makes b client data.
    let conn = tiny(
        "CREATE TABLE a (id INTEGER PRIMARY KEY, person_id INTEGER REFERENCES person(id), b_id INTEGER REFERENCES b(id));
         CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a(id));",
    );
    let p = tiny_profile("[local]\ntables = [\"b\"]\ncolumns = [\"a.b_id\"]");
    assert_eq!(names(&derive(&conn, &p).unwrap()).1, ["person", "a"]);
}

#[test]
fn documents_and_consent_must_sit_in_client_data() {
    let conn = tiny(
        "CREATE TABLE scan (id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL REFERENCES person(id), bytes BLOB, digest TEXT);
         CREATE TABLE logo (id INTEGER PRIMARY KEY, bytes BLOB);",
    );
    let ok = tiny_profile("[[document]]\ncolumn = \"scan.bytes\"\nsha256 = \"scan.digest\"");
    let g = derive(&conn, &ok).unwrap();
    assert_eq!(role(&g, "scan", "bytes"), &ColumnRole::Blob);
    let check = check_profile(&conn, &tiny_profile("")).unwrap();
    assert!(check.warnings.iter().any(|w| w.table == "scan" && w.message.contains("bytes is declared BLOB")));
    refused_once(&conn, &tiny_profile("[[document]]\ncolumn = \"logo.bytes\""), "logo", "not in client data");
    let consent = |client: &str| {
        let text = tiny_profile("").to_toml().unwrap().replacen(
            "[consent]\nmethod = \"none\"",
            &format!(
                "[consent]\nmethod = \"table\"\ntable = \"scan\"\nclient = \"{client}\"\nkind_column = \"digest\"\n\
                     kind = \"handover\"\ngiven = \"digest\"\nrevoked = \"digest\""
            ),
            1,
        );
        Profile::from_toml(&text).unwrap()
    };
    assert!(problems(&conn, &consent("person_id")).is_empty());
    refused_once(&conn, &consent("id"), "scan", "consent column id must reference person");
}

#[test]
fn every_problem_is_listed_not_just_the_first() {
    let conn = chinook_db(3);
    let text = chinook::PROFILE.replacen("key = [\"ArtistId\", \"Title\"]", "key = [\"ArtistId\"]", 1).replacen(
        "columns = [\"Employee.ReportsTo\"]",
        "columns = []",
        1,
    );
    let found = problems(&conn, &Profile::from_toml(&text).unwrap());
    let tables: Vec<&str> = found.iter().map(|(t, _)| t.as_str()).collect();
    assert!(tables.contains(&"Album") && tables.contains(&"Employee"), "{found:?}");
}

#[test]
fn what_would_silently_stay_here_is_pointed_out() {
    let conn = chinook_db(3);
    // Without Playlist and PlaylistTrack named local, each is shown as staying.
    let open = chinook_edited("tables = [\"Playlist\", \"PlaylistTrack\"]", "tables = []");
    let check = check_profile(&conn, &open).unwrap();
    assert!(check.problems.is_empty(), "{:?}", check.problems);
    let stays: Vec<&str> =
        check.warnings.iter().filter(|w| w.message.contains("stays on this PC")).map(|w| w.table.as_str()).collect();
    assert_eq!(stays, ["Playlist", "PlaylistTrack"]);
    // A catalogue no client data references is checked, and named, but does not travel.
    let conn = tiny("CREATE TABLE colour (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);");
    let p = tiny_profile("[[catalogue]]\ntable = \"colour\"\nkey = [\"name\"]");
    let check = check_profile(&conn, &p).unwrap();
    assert!(check.graph.unwrap().catalogues.is_empty());
    assert_eq!(check.warnings.len(), 1, "{:?}", check.warnings);
    assert!(check.warnings[0].message.contains("does not travel"));
    conn.execute_batch("INSERT INTO colour (name) VALUES ('red'); UPDATE colour SET name = NULL").unwrap_err();
    let conn = tiny(
        "CREATE TABLE colour (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO colour (name) VALUES ('red'), ('red');",
    );
    refused_once(&conn, &p, "colour", "1 value(s) of (name) occur more than once");
}

#[test]
fn a_suggested_profile_of_the_reference_schema_derives_its_graph() {
    let (_dir, db) = reference_db();
    let draft = bemx_db::suggest(db.conn(), "drafted").unwrap();
    let profile = Profile::from_toml(&draft).unwrap_or_else(|e| panic!("{e}\n{draft}"));
    assert_eq!(profile.name, "drafted");
    assert!(!draft.contains("REVIEW: no"), "{draft}");
    let g = derive(db.conn(), &profile).unwrap();
    assert_eq!(g.hash(), reference_graph(db.conn()).unwrap().hash(), "{draft}");
    assert_eq!(profile.consent, Profile::reference().consent);
    assert_eq!(profile.host_schema, Profile::reference().host_schema);
}

#[test]
fn a_suggested_profile_of_a_host_schema_is_a_draft_to_review() {
    let conn = chinook_db(10);
    let draft = bemx_db::suggest(&conn, "chinook-draft").unwrap();
    let profile = Profile::from_toml(&draft).unwrap_or_else(|e| panic!("{e}\n{draft}"));
    assert_eq!(profile.root.table, "Customer");
    assert_eq!(profile.root.natural_key.as_deref(), Some(&["Email".to_string()][..]));
    assert_eq!(profile.root.display, "LastName");
    assert_eq!(profile.local.tables, ["Playlist", "PlaylistTrack"]);
    assert_eq!(profile.local.columns, ["Employee.ReportsTo"]);
    assert_eq!(profile.consent, bemx_db::profile::Consent::None);
    assert!(draft.contains("REVIEW: no unique index"), "{draft}");
    // What the draft derives has the hand-written profile's shape; only
    // the catalogue keys it could not know may differ.
    let check = check_profile(&conn, &profile).unwrap();
    for p in &check.problems {
        assert!(p.to_string().contains("catalogue key"), "{p}\n{draft}");
    }
    let mut cats: Vec<&str> = profile.catalogues.iter().map(|c| c.table.as_str()).collect();
    cats.sort_unstable();
    assert_eq!(cats, ["Album", "Artist", "Employee", "Genre", "MediaType", "Track"]);
}

#[test]
fn an_empty_database_gets_a_draft_that_says_what_is_missing() {
    let conn = Connection::open_in_memory().unwrap();
    let draft = bemx_db::suggest(&conn, "empty").unwrap();
    assert!(draft.contains("REVIEW: no table"), "{draft}");
    assert!(Profile::from_toml(&draft).is_err());
}

#[test]
fn a_name_a_bundle_cannot_carry_is_refused() {
    let conn = tiny("CREATE TABLE \"visit log\" (id INTEGER PRIMARY KEY, person_id INTEGER REFERENCES person(id));");
    refused_once(&conn, &tiny_profile(""), "visit log", "the name visit log cannot travel");
    let conn =
        tiny("CREATE TABLE visit (id INTEGER PRIMARY KEY, person_id INTEGER REFERENCES person(id), \"when?\" TEXT);");
    refused_once(&conn, &tiny_profile(""), "visit", "the name when? cannot travel");
    // Kept local, it does not travel and is no problem.
    let p = tiny_profile("[local]\ncolumns = [\"visit.when?\"]");
    assert!(problems(&conn, &p).is_empty());
}
