//! German for the coordinators (issue 15): a whole handover done with
//! `BEMX_LANG=de` prints no English word, no raw table name, no hex id over
//! 12 characters and no ISO timestamp in its human output. Every refusal of
//! the attack suite is run a second time in German by `attacks::refused`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;

use crate::support::{Inst, Run, World, german_problems};

const DE: [(&str, &str); 1] = [("BEMX_LANG", "de")];

thread_local! {
    /// Every finding of the test, reported together at its end.
    static FOUND: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Runs `args` on `inst` in German, checks its human output, returns it.
fn de(world: &World, inst: &Inst, args: &[&str]) -> Run {
    let run = inst.run_env(args, &DE);
    let skip = [world.path().to_str().unwrap()];
    let text = format!("{}\n{}", run.stdout, run.stderr);
    let problems = german_problems(&text, &skip);
    if !problems.is_empty() {
        FOUND.with(|f| f.borrow_mut().push(format!("`bemx {}`: {}\n{text}", args.join(" "), problems.join(", "))));
    }
    run
}

#[test]
fn a_whole_handover_speaks_german() {
    let world = World::new();
    let anna = world.uninitialized("Anna");
    let bernd = world.uninitialized("Bernd");
    de(&world, &anna, &["init", "--name", "Anna"]).success();
    de(&world, &bernd, &["init", "--name", "Bernd"]).success();
    let card = |inst: &Inst, file: &str| {
        let path = world.path().join(file);
        std::fs::write(&path, inst.run(&["id", "show"]).success().stdout).unwrap();
        path
    };
    let (anna_card, bernd_card) = (card(&anna, "anna.txt"), card(&bernd, "bernd.txt"));
    de(&world, &anna, &["id", "show"]).success();
    de(&world, &anna, &["contacts", "add", "--yes", bernd_card.to_str().unwrap()]).success();
    de(&world, &bernd, &["contacts", "add", "--yes", anna_card.to_str().unwrap()]).success();
    de(&world, &anna, &["contacts", "list"]).success();
    anna.seed(6);
    bernd.seed(2);
    de(&world, &anna, &["clients", "list"]).success();
    let client = anna.clients_with_consent(true).remove(0);
    let without = anna.clients_with_consent(false);
    if let Some(c) = without.first() {
        de(&world, &anna, &["clients", "consent", "record", c, "--date", "12.03.2026"]).success();
    }
    de(&world, &anna, &["export", "--to", "bern", "--client", &client, "-o", "h.bemx"]).success();
    de(&world, &bernd, &["inspect", "h.bemx"]).success();
    de(&world, &bernd, &["verify", "h.bemx"]).success();
    de(&world, &bernd, &["import", "--yes", "h.bemx"]).success();
    de(&world, &bernd, &["import", "--yes", "h.bemx"]).refused();
    de(&world, &anna, &["handover", "list"]).success();
    de(&world, &anna, &["handover", "confirm", "--yes", "h.receipt"]).success();
    de(&world, &bernd, &["backup", "list"]).success();
    de(&world, &bernd, &["backup", "create"]).success();
    de(&world, &bernd, &["db", "check"]).success();
    de(&world, &bernd, &["--help"]).success();
    de(&world, &bernd, &["import", "--help"]).success();
    // `--lang de` chooses German as BEMX_LANG does, and wins over it.
    let flagged = bernd.run_env(&["--lang", "de", "clients", "list"], &[("BEMX_LANG", "en")]).success();
    let problems = german_problems(&flagged.stdout, &[world.path().to_str().unwrap()]);
    assert!(problems.is_empty() && flagged.stdout.contains("EINWILLIGUNG"), "{problems:?}\n{}", flagged.stdout);
    let found = FOUND.with(|f| f.borrow().join("\n----\n"));
    assert!(found.is_empty(), "English, table names, long ids or ISO times in German output:\n{found}");
}
