//! Command-line conventions: exit codes, global options, `BEMX_HOME`, errors on stderr.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{Run, World, bemx_in};

#[test]
fn usage_errors_exit_2() {
    let world = World::new();
    world.bemx(&[]).usage_error();
    world.bemx(&["frobnicate"]).usage_error();
    world.bemx(&["--no-such-option", "id", "show"]).usage_error();
    world.bemx(&["contacts"]).usage_error();
    world.bemx(&["export", "--client", "Anna", "-o", "x.bemx"]).usage_error(); // no --to
    world.bemx(&["export", "--to", "Bernd", "-o", "x.bemx"]).usage_error(); // no client
    world.bemx(&["export", "--to", "B", "--client", "A", "--clients-file", "f", "-o", "x"]).usage_error();
    world.bemx(&["db", "seed"]).usage_error(); // no --clients
    world.bemx(&["db", "seed", "--clients", "many"]).usage_error();
    assert!(!world.path().join("x.bemx").exists());
}

#[test]
fn help_and_version_exit_0() {
    let world = World::new();
    let help = world.bemx(&["--help"]).success();
    for command in ["init", "id", "contacts", "db", "clients", "export"] {
        assert!(help.stdout.contains(command), "--help lists {command}");
    }
    world.bemx(&["export", "--help"]).success();
    world.bemx(&["--version"]).success();
}

#[test]
fn global_options_work_after_the_command() {
    let world = World::new();
    let inst = world.init("Anna");
    let home = inst.home.to_str().unwrap();
    let before = world.bemx(&["--home", home, "--json", "id", "show"]).success().json();
    let after = world.bemx(&["id", "show", "--json", "--home", home]).success().json();
    assert_eq!(before, after);
    assert_eq!(after["name"], "Anna");
    world.bemx(&["clients", "list", "--home", home, "--quiet"]).success();
}

#[test]
fn home_from_the_environment() {
    let world = World::new();
    let inst = world.init("Anna");
    let run = bemx_in(world.path(), &["id", "show", "--json"], None, &[("BEMX_HOME", inst.home.to_str().unwrap())]);
    assert_eq!(run.success().json()["name"], "Anna");
}

#[test]
fn db_option_points_at_another_database_file() {
    let world = World::new();
    let inst = world.uninitialized("anna");
    let db = world.path().join("elsewhere.sqlite");
    let db = db.to_str().unwrap();
    inst.run(&["init", "--db", db]).success();
    assert!(!inst.db_path().exists());
    inst.run(&["db", "seed", "--clients", "2", "--no-documents", "--db", db]).success();
    let clients = inst.run(&["clients", "list", "--json", "--db", db]).success().json();
    assert_eq!(clients.as_array().unwrap().len(), 2);
    inst.run(&["clients", "list"]).refused_with("--db");
}

#[test]
fn errors_go_to_stderr_with_json() {
    let world = World::new();
    let run = world.uninitialized("nobody").run(&["id", "show", "--json"]).refused();
    assert!(run.stderr.lines().any(|l| l.starts_with("error: no installation")), "an error line: {}", run.stderr);
    assert!(run.stderr.lines().any(|l| l.starts_with("hint: ")), "a hint line: {}", run.stderr);
    // Issue 15.6: stdout holds one JSON error object with a stable code.
    let v = run.json();
    assert_eq!(v["error"]["code"], "identity.no_identity", "{v}");
    assert!(v["error"]["message"].as_str().unwrap().starts_with("no installation at "), "{v}");
    assert!(v["error"]["hint"].as_str().unwrap().contains("bemx init"), "{v}");
    assert_eq!(v.as_object().unwrap().len(), 1, "nothing but the error: {v}");
    // Library errors carry their own codes; without --json stdout stays empty.
    let anna = world.init("Anna");
    let v = anna.run(&["backup", "restore", "nothing-here", "--yes", "--json"]).refused().json();
    assert_eq!(v["error"]["code"], "install.backup.missing", "{v}");
    assert!(anna.run(&["backup", "restore", "nothing-here", "--yes"]).refused().stdout.is_empty());
    // A command line that cannot be parsed: exit 2, and the object too.
    let run = anna.run(&["clients", "lisst", "--json"]).usage_error();
    assert_eq!(run.json()["error"]["code"], "cli.usage");
}

#[test]
fn default_home_is_the_platform_data_folder() {
    let world = World::new();
    // support::bemx_in points HOME and XDG_DATA_HOME into the world.
    world.bemx(&["init", "--name", "Default"]).success();
    let expected = world.path().join("user-home/.local/share/bemx");
    #[cfg(not(windows))]
    assert!(expected.join("bemdok.sqlite").is_file(), "default home at {}", expected.display());
}

/// The refusal names the OS error exactly once (a wrapper's message and
/// its `source` both printed it before), and its hint is one of reading:
/// never free space, never write access.
#[track_caller]
fn os_error_once_with_read_advice(run: Run) {
    let run = run.refused();
    assert_eq!(run.stderr.matches("(os error").count(), 1, "the OS error once:\n{}", run.stderr);
    let hint =
        run.stderr.lines().find(|l| l.starts_with("hint: ")).unwrap_or_else(|| panic!("no hint:\n{}", run.stderr));
    assert!(hint.contains("check the path"), "{hint}");
    assert!(!hint.contains("space") && !hint.contains("write"), "a read is not advised like a write: {hint}");
}

#[test]
fn a_missing_bundle_names_the_os_error_once_with_advice_for_reading() {
    let world = World::new();
    let inst = world.init("Anna");
    let missing = world.path().join("stick").join("missing.bemx");
    let missing = missing.to_str().unwrap();
    os_error_once_with_read_advice(inst.run(&["--yes", "import", missing]));
    os_error_once_with_read_advice(inst.run(&["verify", missing]));
    assert!(!world.path().join("stick").exists());
}

#[test]
fn a_missing_card_names_the_os_error_once_with_advice() {
    let world = World::new();
    let inst = world.init("Anna");
    let run = inst.run(&["--yes", "contacts", "add", "no-such.card"]).refused_with("no-such.card");
    assert_eq!(run.stderr.matches("(os error").count(), 1, "the OS error once:\n{}", run.stderr);
    assert!(run.stderr.contains("hint: check the file name"), "{}", run.stderr);
}

/// Issue 15.6: shell completions and the manual page come from the clap
/// definitions, name every command, and need (and touch) no installation.
#[test]
fn completions_and_manpage_are_generated_from_the_commands() {
    let world = World::new();
    let nobody = world.uninitialized("nobody");
    let commands = ["init", "contacts", "clients", "export", "inspect", "verify", "import", "handover", "backup"];
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = nobody.run(&["completions", shell]).success();
        for c in commands {
            assert!(run.stdout.contains(c), "{shell} completion lacks {c}");
        }
        // Options of subcommands too: --keep-safety-backups belongs to import.
        assert!(run.stdout.contains("keep-safety-backups"), "{shell}");
    }
    nobody.run(&["completions", "tcsh"]).usage_error();
    let page = nobody.run(&["manpage"]).success().stdout;
    assert!(page.starts_with(".ie") && page.contains(".TH bemx 1"), "{}", &page[..page.len().min(200)]);
    for c in commands {
        assert!(page.contains(&format!("bemx\\-{c}")) || page.contains(c), "manpage lacks {c}");
    }
    assert!(!nobody.home.exists(), "generating them created the installation folder");
}

/// `clients list` reads the clients one by one, twice in text (the
/// columns' widths, then the lines) and once in JSON (issue 18, item 5):
/// both list the same clients in the same order, the text's columns line
/// up, and the JSON is the one pretty-printed array it always was.
#[test]
fn clients_list_streams_the_same_clients_in_text_and_json() {
    let world = World::new();
    let inst = world.init("Anna");
    inst.run(&["db", "seed", "--clients", "25", "--no-documents"]).success();
    let json = inst.run(&["clients", "list", "--json"]).success();
    let items = json.json();
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 25);
    let reprinted = serde_json::to_string_pretty(&serde_json::Value::Array(items.clone())).unwrap() + "\n";
    assert_eq!(json.stdout, reprinted, "byte for byte what one serde_json document prints");
    let bem_ids: Vec<&str> = items.iter().map(|c| c["bem_id"].as_str().unwrap()).collect();
    let mut sorted = bem_ids.clone();
    sorted.sort_unstable();
    assert_eq!(bem_ids, sorted, "ordered by BEM-ID");

    let text = inst.run(&["clients", "list"]).success().stdout;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 26, "a header and a line per client:\n{text}");
    // Columns are counted in characters (a BEM-ID may hold an umlaut).
    let column = |line: &str, cell: &str| line.find(cell).map(|at| line[..at].chars().count());
    let uuid_at = column(lines[0], "UUID");
    for (line, item) in lines[1..].iter().zip(items) {
        let uuid = item["uuid"].as_str().unwrap();
        assert_eq!(column(line, uuid), uuid_at, "the UUID column lines up: {line:?}");
        assert!(line.starts_with(item["bem_id"].as_str().unwrap()), "{line:?}");
    }
}

/// A reader that stops early (`bemx clients list | head -1`) ends the
/// list quietly, in text and in JSON.
#[test]
fn clients_list_ends_quietly_when_nobody_reads() {
    use std::io::BufRead as _;
    let world = World::new();
    let inst = world.init("Anna");
    // More than a pipe holds (64 KiB), in text as in JSON.
    inst.run(&["db", "seed", "--clients", "1500", "--no-documents"]).success();
    for json in [false, true] {
        let mut args = vec!["--home", inst.home.to_str().unwrap(), "clients", "list"];
        if json {
            args.push("--json");
        }
        let mut child = crate::support::spawn(&mut crate::support::sealed(world.path(), &args));
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
        assert!(!first.is_empty());
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "json {json}: {:?} {}", out.status, String::from_utf8_lossy(&out.stderr));
        assert!(out.stderr.is_empty(), "no error: {}", String::from_utf8_lossy(&out.stderr));
    }
}

/// A JSON document that fails part-way (here a file name that is not
/// UTF-8, which JSON cannot carry) never reaches stdout: stdout holds the
/// error's document alone, as it did when documents were printed whole.
#[cfg(unix)]
#[test]
fn a_json_document_that_cannot_be_encoded_leaves_stdout_to_the_error() {
    use std::os::unix::ffi::OsStrExt as _;
    let world = World::new();
    let inst = world.init("Anna");
    let name = std::ffi::OsStr::from_bytes(b"x\xff.bemx");
    std::fs::write(world.path().join(name), b"not a bundle").unwrap();
    let args: Vec<&std::ffi::OsStr> =
        vec!["--home".as_ref(), inst.home.as_os_str(), "inspect".as_ref(), name, "--json".as_ref()];
    let out = crate::support::spawn(&mut crate::support::sealed(world.path(), &args)).wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout:?}"));
    assert!(doc["error"]["message"].as_str().unwrap().contains("JSON"), "{doc}");
}
