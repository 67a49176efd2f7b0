//! The Chinook sample database (see `chinook.sql` for its source): a media
//! store whose customers are the clients, with a music catalogue nested
//! three deep.

use std::collections::BTreeSet;

use rusqlite::{Connection, params};

use super::HostOptions;
use crate::Result;
use crate::rng::Rng;

/// The schema, as the source defines it.
pub const SCHEMA: &str = include_str!("chinook.sql");

/// The profile that describes it (spec/DESIGN.md, "Host database profiles").
pub const PROFILE: &str = include_str!("chinook.toml");

const GENRES: &[&str] = &["Rock", "Jazz", "Metal", "Blues", "Latin", "Classical", "Pop", "Soundtrack", "Reggae"];
const MEDIA_TYPES: &[&str] =
    &["MPEG audio file", "Protected AAC audio file", "AAC audio file", "Purchased AAC audio file"];
const WORDS: &[&str] = &[
    "Blue", "Night", "River", "Stone", "Echo", "Silver", "Morning", "Fire", "Garden", "Storm", "Golden", "Quiet",
    "Wild", "Northern", "Velvet", "Glass", "Iron", "Summer", "Paper", "Electric",
];
const FIRST: &[&str] = &["Luís", "Leonie", "François", "Bjørn", "Helena", "Astrid", "Daan", "Kara", "Eduardo", "Aaron"];
const LAST: &[&str] = &["Gonçalves", "Köhler", "Tremblay", "Hansen", "Holý", "Schneider", "Peeters", "Nielsen"];
const CITIES: &[(&str, &str)] =
    &[("Berlin", "Germany"), ("Oslo", "Norway"), ("Prague", "Czech Republic"), ("Lisbon", "Portugal")];

/// Creates the schema in an empty database and adds `opts.clients`
/// customers with invoices, over a catalogue of artists, albums and tracks
/// of the size a small store has. Returns the number of customers.
pub fn create(conn: &mut Connection, opts: &HostOptions) -> Result<u32> {
    super::create_with(conn, SCHEMA, opts, fill)
}

fn fill(tx: &Connection, opts: &HostOptions) -> rusqlite::Result<()> {
    let mut rng = Rng::new(opts.seed);
    for g in GENRES {
        tx.execute("INSERT INTO Genre (Name) VALUES (?1)", [g])?;
    }
    for m in MEDIA_TYPES {
        tx.execute("INSERT INTO MediaType (Name) VALUES (?1)", [m])?;
    }
    // Names unique where the profile matches by them.
    let mut artists = BTreeSet::new();
    while artists.len() < 12 {
        artists.insert(format!("The {} {}", rng.pick(WORDS), rng.pick(WORDS)));
    }
    let mut tracks = 0i64;
    for (a, name) in artists.iter().enumerate() {
        tx.execute("INSERT INTO Artist (Name) VALUES (?1)", [name])?;
        let artist = a as i64 + 1;
        let mut titles = BTreeSet::new();
        while titles.len() < 2 {
            titles.insert(format!("{} {}", rng.pick(WORDS), rng.pick(WORDS)));
        }
        for title in titles {
            tx.execute("INSERT INTO Album (Title, ArtistId) VALUES (?1, ?2)", params![title, artist])?;
            let album = tx.last_insert_rowid();
            for n in 1..=5 {
                tx.execute(
                    "INSERT INTO Track (Name, AlbumId, MediaTypeId, GenreId, Composer, Milliseconds, Bytes, UnitPrice)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0.99)",
                    params![
                        format!("{n}. {} {}", rng.pick(WORDS), rng.pick(WORDS)),
                        album,
                        rng.range(1, MEDIA_TYPES.len() as i64),
                        rng.range(1, GENRES.len() as i64),
                        rng.chance(70).then(|| rng.pick(LAST).to_string()),
                        rng.range(120_000, 420_000),
                        rng.range(2_000_000, 9_000_000),
                    ],
                )?;
                tracks += 1;
            }
        }
    }
    // A general manager and the sales agents who report to her.
    tx.execute(
        "INSERT INTO Employee (LastName, FirstName, Title, Email) VALUES ('Adams', 'Andrew', 'General Manager', 'andrew@chinookcorp.com')",
        [],
    )?;
    for (i, first) in ["Jane", "Margaret", "Steve"].iter().enumerate() {
        tx.execute(
            "INSERT INTO Employee (LastName, FirstName, Title, ReportsTo, Email) VALUES (?1, ?2, 'Sales Support Agent', 1, ?3)",
            params![LAST[i], first, format!("{}@chinookcorp.com", first.to_lowercase())],
        )?;
    }
    let mut invoice_day = 0i64;
    for c in 0..opts.clients {
        let (city, country) = *rng.pick(CITIES);
        let (first, last) = (rng.pick(FIRST).to_string(), rng.pick(LAST).to_string());
        tx.execute(
            "INSERT INTO Customer (FirstName, LastName, City, Country, Email, SupportRepId)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                first,
                last,
                city,
                country,
                format!("customer{c}.{}@example.org", opts.seed),
                rng.chance(90).then(|| rng.range(2, 4)),
            ],
        )?;
        let customer = tx.last_insert_rowid();
        for _ in 0..rng.range(0, 4) {
            invoice_day += 1;
            let date = format!("2025-{:02}-{:02} 00:00:00", 1 + invoice_day % 12, 1 + invoice_day % 28);
            tx.execute(
                "INSERT INTO Invoice (CustomerId, InvoiceDate, BillingCity, BillingCountry, Total) VALUES (?1, ?2, ?3, ?4, 0)",
                params![customer, date, city, country],
            )?;
            let invoice = tx.last_insert_rowid();
            let lines = rng.range(1, 4);
            for _ in 0..lines {
                tx.execute(
                    "INSERT INTO InvoiceLine (InvoiceId, TrackId, UnitPrice, Quantity) VALUES (?1, ?2, 0.99, 1)",
                    params![invoice, rng.range(1, tracks)],
                )?;
            }
            tx.execute("UPDATE Invoice SET Total = 0.99 * ?2 WHERE InvoiceId = ?1", params![invoice, lines])?;
        }
    }
    for name in ["Music", "Favourites", "Grunge"] {
        tx.execute("INSERT INTO Playlist (Name) VALUES (?1)", [name])?;
        let playlist = tx.last_insert_rowid();
        let mut chosen = BTreeSet::new();
        for _ in 0..10 {
            chosen.insert(rng.range(1, tracks));
        }
        for t in chosen {
            tx.execute("INSERT INTO PlaylistTrack (PlaylistId, TrackId) VALUES (?1, ?2)", params![playlist, t])?;
        }
    }
    Ok(())
}
