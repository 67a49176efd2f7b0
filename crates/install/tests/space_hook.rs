//! The free-space test hook, tested in a child process: the environment
//! is the whole process's, and bemx's own sources start no child process
//! (the CLI's `the_cli_starts_no_child_process` reads them), so this test
//! lives here, outside `src`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use bemx_install::InstallError;
use bemx_install::space::{Margin, Need, Purpose, TEST_FREE_SPACE_VAR, available, ensure};

/// Where the child half of the hook's test finds its folder, and what
/// it expects of the hook set in its environment.
const CHILD_DIR_VAR: &str = "BEMX_SPACE_TEST_DIR";
const CHILD_EXPECT_VAR: &str = "BEMX_SPACE_TEST_EXPECT";

/// The child half of
/// [`the_test_hook_lowers_the_free_space_reported_and_never_raises_it`]:
/// does nothing unless that test started it with the hook set (the
/// environment is the whole process's, so the hook is set only in a
/// child running this one test).
#[test]
fn free_space_hook_child() {
    let Some(dir) = std::env::var_os(CHILD_DIR_VAR) else {
        return;
    };
    let dir = Path::new(&dir);
    let free = available(dir).unwrap();
    match std::env::var(CHILD_EXPECT_VAR).unwrap().as_str() {
        "lowered" => {
            assert_eq!(free, 4096);
            let need = Need { path: dir.join("x"), bytes: 0, purpose: Purpose::Bundle };
            match ensure(&[need], Margin::Target) {
                Err(InstallError::DiskFull { free: 4096, needed, .. }) => assert_eq!(needed, 1 << 20),
                other => panic!("{other:?}"),
            }
        }
        "not raised" => {
            let total = fs4::total_space(dir).unwrap();
            assert!(free <= total, "free {free} of {total}");
        }
        other => panic!("{other}"),
    }
}

/// The test hook caps the free space the probe reports: set below it,
/// bemx sees (and refuses with) the number set; set above it, bemx
/// still sees no more than the disk holds.
#[test]
fn the_test_hook_lowers_the_free_space_reported_and_never_raises_it() {
    let dir = tempfile::tempdir().unwrap();
    assert!(fs4::available_space(dir.path()).unwrap() > 4096, "the test needs more than 4 KB free");
    let child = |hook: &str, expect: &str| {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "free_space_hook_child", "--test-threads=1"])
            .env(TEST_FREE_SPACE_VAR, hook)
            .env(CHILD_DIR_VAR, dir.path())
            .env(CHILD_EXPECT_VAR, expect)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "hook {hook:?}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("1 passed"), "the child ran no test: {stdout}");
    };
    child("4096", "lowered");
    child(&u64::MAX.to_string(), "not raised");
}
