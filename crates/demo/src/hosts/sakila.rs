//! The Sakila sample database (see `sakila.sql` for its source): a DVD
//! rental business whose customers are the clients. Stores, staff, films
//! and stock are the business's own and the same in every copy (generated
//! without the seed); customers, their addresses, rentals and payments
//! depend on the seed.

use rusqlite::{Connection, params};

use super::HostOptions;
use crate::Result;
use crate::rng::Rng;

/// The schema, as the source defines it.
pub const SCHEMA: &str = include_str!("sakila.sql");

/// The profile that describes it (spec/DESIGN.md, "Host database profiles").
pub const PROFILE: &str = include_str!("sakila.toml");

/// Copies of each film in each store.
const COPIES: i64 = 3;
const FILMS: i64 = 20;
const STAMP: &str = "2006-02-15 04:34:33";

const COUNTRIES: &[(&str, &[&str])] = &[
    ("Germany", &["Berlin", "Hamburg", "Köln"]),
    ("Austria", &["Wien", "Graz"]),
    ("Switzerland", &["Zürich", "Basel", "Bern"]),
    ("Poland", &["Kraków", "Gdańsk"]),
];
const FIRST: &[&str] = &["MARY", "PATRICIA", "LINDA", "BARBARA", "JÜRGEN", "ZOË", "ŁUKASZ", "ELIZABETH"];
const LAST: &[&str] = &["SMITH", "JOHNSON", "WILLIAMS", "MÜLLER", "NOWAK", "GARCÍA", "BROWN", "JONES"];
const STREETS: &[&str] = &["Main Street", "Lindenallee", "Hauptstraße", "Rue du Lac", "Ulica Długa"];
const TITLES: &[&str] = &["ACADEMY", "DINOSAUR", "ACE", "GOLDFINGER", "ADAPTATION", "HOLES", "AFFAIR", "PREJUDICE"];

/// Creates the schema in an empty database with the business's stores,
/// staff, films and stock, and adds `opts.clients` customers with their
/// rentals and payments. Returns the number of customers.
pub fn create(conn: &mut Connection, opts: &HostOptions) -> Result<u32> {
    super::create_with(conn, SCHEMA, opts, fill)
}

fn fill(tx: &Connection, opts: &HostOptions) -> rusqlite::Result<()> {
    // The store <-> staff cycle is NOT NULL both ways: checked at commit.
    tx.pragma_update(None, "defer_foreign_keys", "ON")?;
    let mut cities = Vec::new();
    for (country, names) in COUNTRIES {
        tx.execute("INSERT INTO country (country, last_update) VALUES (?1, ?2)", params![country, STAMP])?;
        let country_id = tx.last_insert_rowid();
        for city in *names {
            tx.execute(
                "INSERT INTO city (city, country_id, last_update) VALUES (?1, ?2, ?3)",
                params![city, country_id, STAMP],
            )?;
            cities.push(tx.last_insert_rowid());
        }
    }
    let address = |line: &str, city: i64, phone: &str| -> rusqlite::Result<i64> {
        tx.execute(
            "INSERT INTO address (address, district, city_id, postal_code, phone, last_update)
             VALUES (?1, 'Mitte', ?2, '10115', ?3, ?4)",
            params![line, city, phone, STAMP],
        )?;
        Ok(tx.last_insert_rowid())
    };

    // The business: two stores, each with its manager; the same everywhere.
    for (store, (first, last, user)) in [(1i64, ("Mike", "Hillyer", "Mike")), (2, ("Jon", "Stephens", "Jon"))] {
        let store_address = address(&format!("{store}{store} Store Road"), cities[0], "0301234567")?;
        let staff_address = address(&format!("{store} Staff Lane"), cities[0], "0307654321")?;
        tx.execute(
            "INSERT INTO store (store_id, manager_staff_id, address_id, last_update) VALUES (?1, ?1, ?2, ?3)",
            params![store, store_address, STAMP],
        )?;
        tx.execute(
            "INSERT INTO staff (staff_id, first_name, last_name, address_id, picture, email, store_id, username, password, last_update)
             VALUES (?1, ?2, ?3, ?4, x'89504e47', ?5, ?1, ?6, '8cb2237d0679ca88db6464eac60da96345513964', ?7)",
            params![store, first, last, staff_address, format!("{user}@sakilastaff.com"), user, STAMP],
        )?;
    }
    tx.execute("INSERT INTO language (name, last_update) VALUES ('English', ?1), ('German', ?1)", [STAMP])?;
    tx.execute("INSERT INTO category (name, last_update) VALUES ('Action', ?1), ('Documentary', ?1)", [STAMP])?;
    tx.execute("INSERT INTO actor (first_name, last_name, last_update) VALUES ('PENELOPE', 'GUINESS', ?1)", [STAMP])?;
    for film in 1..=FILMS {
        let title = format!("{} {}", TITLES[(film as usize) % TITLES.len()], film);
        tx.execute(
            "INSERT INTO film (title, description, release_year, language_id, length, rating, special_features, last_update)
             VALUES (?1, 'A Epic Drama', '2006', 1, 90, 'PG', 'Trailers', ?2)",
            params![title, STAMP],
        )?;
        tx.execute("INSERT INTO film_text (film_id, title) VALUES (?1, ?2)", params![film, title])?;
        tx.execute("INSERT INTO film_actor (actor_id, film_id, last_update) VALUES (1, ?1, ?2)", params![film, STAMP])?;
        tx.execute(
            "INSERT INTO film_category (film_id, category_id, last_update) VALUES (?1, ?2, ?3)",
            params![film, 1 + film % 2, STAMP],
        )?;
        for store in 1..=2i64 {
            for _ in 0..COPIES {
                tx.execute(
                    "INSERT INTO inventory (film_id, store_id, last_update) VALUES (?1, ?2, ?3)",
                    params![film, store, STAMP],
                )?;
            }
        }
    }
    let copies = FILMS * 2 * COPIES;

    // The customers of this copy.
    let mut rng = Rng::new(opts.seed);
    let mut day = 0i64;
    for c in 0..opts.clients {
        let city = *rng.pick(&cities);
        let line = format!("{} {}", 1 + c, rng.pick(STREETS));
        let phone = format!("0{}{:06}", opts.seed % 10, rng.range(0, 999_999));
        let address_id = address(&line, city, &phone)?;
        let (first, last) = (*rng.pick(FIRST), *rng.pick(LAST));
        tx.execute(
            "INSERT INTO customer (store_id, first_name, last_name, email, address_id, active, create_date, last_update)
             VALUES (?1, ?2, ?3, ?4, ?5, 'Y', ?6, ?6)",
            params![
                rng.range(1, 2),
                first,
                last,
                format!("{}.{}.{c}.{}@sakilacustomer.org", first.to_lowercase(), last.to_lowercase(), opts.seed),
                address_id,
                STAMP
            ],
        )?;
        let customer = tx.last_insert_rowid();
        for _ in 0..rng.range(0, 4) {
            day += 1;
            let rented = format!("2005-{:02}-{:02} 10:{:02}:00", 5 + day % 3, 1 + day % 28, day % 60);
            let staff = rng.range(1, 2);
            tx.execute(
                "INSERT INTO rental (rental_date, inventory_id, customer_id, return_date, staff_id, last_update)
                 VALUES (?1, ?2, ?3, NULL, ?4, ?5)",
                params![rented, rng.range(1, copies), customer, staff, STAMP],
            )?;
            let rental = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date, last_update)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![customer, staff, rental, 0.99 + rng.range(0, 8) as f64, rented, STAMP],
            )?;
        }
        // A payment without a rental (a late fee, say).
        if rng.chance(30) {
            tx.execute(
                "INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date, last_update)
                 VALUES (?1, 1, NULL, 1.99, '2005-08-01 12:00:00', ?2)",
                params![customer, STAMP],
            )?;
        }
    }
    Ok(())
}
