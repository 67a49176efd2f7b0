//! End-to-end tests of the `bemx` binary: every test runs the real program
//! on temporary installations and checks what a user would see and what
//! ends up on disk.
//!
//! Guarantees and where they are proven:
//!
//! | guarantee | test |
//! |---|---|
//! | `init` makes a private folder (0700), an identity and a database, and prints the contact card and fingerprint | `identity::init_creates_a_private_installation_and_prints_the_card` |
//! | `init --json` / `id show --json` print the card JSON | `identity::init_json_is_the_contact_card` |
//! | `init` without `--name` names the installation "bemx installation" | `identity::init_uses_a_default_name` |
//! | a second `init` is refused; database, card and files unchanged | `identity::second_init_is_refused_and_changes_nothing` |
//! | a passphrase is never read from a pipe; refusal creates nothing | `identity::init_with_passphrase_needs_a_terminal_or_the_environment` |
//! | `id show` needs no passphrase | `export::export_with_a_passphrase_protected_identity` |
//! | `id show` without an installation is refused, pointing at `bemx init` | `identity::id_show_without_installation_is_refused` |
//! | contacts: add (text and JSON card), list, re-add is a no-op, remove | `identity::contacts_add_list_remove` |
//! | a contact is never trusted without a confirmation (no terminal, no `--yes`: refused) | `identity::contacts_add_without_confirmation_is_refused` |
//! | a tampered card or non-card is refused, nothing stored | `identity::tampered_card_is_refused` |
//! | a known installation with changed keys is refused, contacts unchanged | `identity::known_installation_with_changed_keys_is_refused` |
//! | the own card is not accepted as a contact | `identity::own_card_is_refused_as_contact` |
//! | `db seed` / `db check` / `clients list` (text and JSON) | `db::seed_check_and_list`, `db::seed_with_documents_is_checked_document_by_document` |
//! | `db check` exits 1 on a damaged document | `db::check_reports_a_damaged_document` |
//! | commands on a missing installation are refused and create nothing | `db::commands_without_installation_are_refused` |
//! | export writes the bundle, hides the clients, writes nothing else outside the installation, refuses a second export of them | `export::export_writes_the_bundle_and_hides_the_clients` |
//! | export's summary says what happens next; no progress bar without a terminal | `export::export_human_summary_says_what_happens_next` |
//! | contact by fingerprint, `--clients-file` with comments and blank lines | `export::export_by_contact_fingerprint_and_clients_file` |
//! | issue 15.5: `--to` by a unique case-insensitive prefix of a name or fingerprint; an ambiguous prefix is refused listing the contacts it fits, an unknown one listing every contact; nothing written | `export::export_to_a_unique_prefix_and_refusals_that_list_the_candidates` |
//! | export refusals (unknown client, client twice, unknown contact, missing target folder, target exists, empty reason, empty/missing clients file) exit 1, database byte-identical, no file left | `export::export_refusals_change_nothing` |
//! | missing handover consent without override is refused, nothing changed | `export::missing_consent_without_override_is_refused` |
//! | `--without-consent REASON` exports and writes an audit entry with the reason | `export::without_consent_is_exported_and_audited` |
//! | issue 15.4: `clients consent record CLIENT --date D [--form DOC]` opens the export gate, `revoke` closes it; `clients list` shows given/revoked/none; refused (database unchanged, with advice): handed-over client, consent twice, revoke without one or before its date, another client's document as form, a non-date, a future date, an unknown client; audit entries carry UUID, dates and form number only | `consent::consent_recorded_opens_the_export_gate_and_revoked_closes_it` |
//! | export is refused while another bemx process holds the installation lock | `export::export_is_refused_while_another_bemx_holds_the_installation` |
//! | a passphrase-protected identity: refused without terminal/`BEMX_PASSPHRASE`, wrong passphrase refused (and never echoed), right one works | `export::export_with_a_passphrase_protected_identity` |
//! | usage errors exit 2; `--help`/`--version` exit 0 | `cli::usage_errors_exit_2`, `cli::help_and_version_exit_0` |
//! | global options work after the command; `BEMX_HOME`; `--db`; default home | `cli::global_options_work_after_the_command`, `cli::home_from_the_environment`, `cli::db_option_points_at_another_database_file`, `cli::default_home_is_the_platform_data_folder` |
//! | errors go to stderr (`error:` + `hint:`); with `--json` stdout holds one error object `{"error": {code, message, hint}}` with a stable code (docs/ERRORS.md), also for usage errors (exit 2) | `cli::errors_go_to_stderr_with_json` |
//! | issue 15: a whole handover (init, cards, consent, export by a name prefix, inspect, verify, import, a second import refused, handover list and confirm, backups, db check, --help) with `BEMX_LANG=de` prints no English word from a list, no raw table name, no hex id over 12 characters and no ISO timestamp | `german::a_whole_handover_speaks_german` |
//! | issue 15: every refusal of the attack suite (`attacks::refused`) is run a second time with `BEMX_LANG=de`: exit 1, German by the same checks, nothing changed | `attacks::*` through `attacks::refused_env` |
//! | issue 15.2: human output names a bundle by the first 12 characters of its id (`--json` the whole id); `handover cancel` takes that start | `lifecycle::a_handover_is_cancelled_by_the_start_of_its_id` |
//! | issue 17, item 5: clients of two host databases written elsewhere (Chinook, Sakila), each installation set up with `init --db HOST --profile FILE`: listed under ids derived from their natural key, exported (a reason where the host records no consent), verified, imported with catalogues matched by key, a second import refused, confirmed and purged on the sender; `db check` clean on both | `hosts::clients_of_a_host_database_are_handed_over_through_the_command_line` |
//! | issue 17: a profile that does not fit, or whose host schema must stay untouched, sets up nothing and leaves the host database byte for byte | `hosts::a_profile_that_does_not_fit_sets_up_nothing` |
//! | issue 17: an import into a host database killed (SIGKILL) at any moment leaves it exactly before or after; a retry after a kill before the commit succeeds | `hosts::an_import_into_a_host_database_killed_at_any_moment_leaves_it_before_or_after` |
//! | issue 17: `profile check` derives bemx's own graph through the built-in profile (text, JSON, and the text `profile show` prints) | `profile::the_built_in_profile_checks_bemx_own_database` |
//! | issue 17: `profile check --db HOST --profile FILE` on a schema written elsewhere (Chinook) shows what travels, keys and notes, and writes nothing | `profile::a_host_database_is_checked_through_its_profile_and_left_untouched` |
//! | issue 17: every problem is listed, exit 1, one code per problem in JSON | `profile::every_problem_of_a_profile_is_listed_and_the_check_fails` |
//! | issue 17: a file that is no profile (missing key, other format, not TOML, too large, missing) or no database is refused with its reason and advice | `profile::a_profile_file_that_is_no_profile_is_refused_with_its_reason` |
//! | issue 17: `profile suggest` drafts a profile `check` reads; on bemx's own database it derives the built-in graph | `profile::suggest_drafts_a_profile_that_check_reads` |
//! | issue 15.6: `completions SHELL` (bash, zsh, fish, powershell, elvish) and `manpage` name every command and option, need no installation | `cli::completions_and_manpage_are_generated_from_the_commands` |
//! | a file that cannot be read (bundle for `import`/`verify`, contact card) names its OS error once, with a hint for reading (no free space, no write access) | `cli::a_missing_bundle_names_the_os_error_once_with_advice_for_reading`, `cli::a_missing_card_names_the_os_error_once_with_advice` |
//! | `inspect` without an installation shows only the age header (age, recipient stanzas, size), exit 0, creates nothing | `flow::inspect_without_installation_shows_only_the_age_header` |
//! | `inspect` of a non-age file exits 1 "not a bemx bundle" (with or without installation, text and JSON) | `flow::inspect_of_a_non_age_file_is_refused` |
//! | `inspect` on the receiver: bundle id, sender name/fingerprint/trust, schema match, client UUIDs, row counts, entries, "not yet" → "ALREADY IMPORTED"; `--json`; writes nothing | `flow::inspect_with_the_receivers_installation_shows_the_manifest` |
//! | `inspect` of an untrusted sender prints the fingerprint and exits 1; import refused | `flow::inspect_of_an_untrusted_sender_prints_the_fingerprint_and_refuses` |
//! | `inspect` reads only the start (garbage appended, tail overwritten, cut in half: still shown) while `verify` reads to the end and refuses them | `flow::inspect_reads_only_the_start_while_verify_reads_everything` |
//! | `verify` exits 0 "verified" (text, JSON) and writes nothing anywhere; truncated copies exit 1; needs the receiving installation | `flow::verify_checks_everything_and_writes_nothing` |
//! | `import` without `--yes` and without a terminal is refused after the preview; nothing changed | `flow::import_without_yes_and_without_terminal_is_refused` |
//! | `import --yes`: SICHERHEITSBACKUP named, listed, opened by `age -d` + `zstd -d` as the exact state before; every row merged; BEM-ID clashes renamed and reported; ledger (database and file); receipt beside the bundle; a replay is refused, nothing changed | `flow::import_takes_a_safety_backup_merges_renames_and_writes_a_receipt` |
//! | `import --json` summary (bundle_id, clients, rows, documents, renamed, safety_backup, receipt); `--receipt FILE` | `flow::import_json_summary_with_receipt_option` |
//! | `import --burn` removes the bundle, the receipt is still written | `flow::import_burn_removes_the_bundle` |
//! | retention: older backups deleted after an import by default (safety-only), kept with `--retention all` | `flow::import_retention_deletes_older_backups_unless_told_to_keep_all` |
//! | a receipt that cannot be written (a file of that name exists, its folder is missing) is found before anything happens: both refused (exit 1) naming the receipt and "nothing was imported"; database, ledger and old receipt unchanged, no safety backup; with the place free the import works | `flow::import_with_an_unwritable_receipt_is_refused_before_it_commits` |
//! | `handover list` open → `handover confirm RECEIPT` confirmed; the clients are gone from `clients list --all` and from every table (row counts = manifest); confirming again or cancelling a confirmed handover is refused | `flow::handover_confirm_purges_the_clients_from_every_table` |
//! | purged documents leave no trace in the database file | `flow::handover_confirm_leaves_no_trace_in_the_database_file` |
//! | tampered (any byte), truncated, non-receipt and foreign receipts are refused, nothing purged | `flow::handover_refuses_tampered_and_foreign_receipts` |
//! | `handover cancel ID --yes` brings the clients back; a later receipt for that bundle is refused with a WARNING; cancel needs `--yes` or a terminal | `flow::handover_cancel_returns_the_clients_and_flags_a_later_receipt` |
//! | `backup list` / `create` / `restore NAME --yes` (replaces the database, backs up the replaced state); refusals: no terminal, missing name (with hint), bad name | `flow::backup_list_create_and_restore` |
//! | a restore never brings back confirmed-handover clients (purged again) nor re-enables an imported bundle | `flow::restore_never_brings_back_handed_over_clients_nor_reenables_a_bundle` |
//! | a restore of a backup from before an export keeps the client handed over and the handover open; the receipt still confirms it | `flow::restore_of_a_backup_from_before_an_export_keeps_the_handover_open` |
//! | `demo` tells the story (safety backup, renamed BEM-ID, refused replay, confirm); `--json`; a non-empty `--dir` is refused | `flow::demo_tells_the_story`, `flow::demo_json_and_non_empty_dir` |
//! | killed (SIGKILL) at any moment, the import leaves the database intact and exactly before or exactly after; the ledger says imported iff the clients are there; a retry after a kill succeeds | `flow::import_killed_at_any_moment_leaves_the_database_exactly_before_or_after` |
//! | Ctrl-C during the merge: exit 1 "cancelled before it was committed", database exactly before; the import can be run again | `flow::ctrl_c_during_the_merge_cancels_before_commit` |
//! | **attacks** (each case: `import` — and `verify` where it applies — exits 1 naming the cause without a panic; every file of the test folder byte-identical, the receiving database included; only the lock file and SICHERHEITSBACKUPs holding exactly the unchanged database may appear; no receipt, nothing outside the installation) | every `attacks::` test below, through its helper `attacks::refused` (a function, not a test) |
//! | any flipped byte (at least 200 positions, 219 in the last run: header lines, nonce, first/middle/last chunk, every chunk's first bytes, middle, last ciphertext byte and tag; all through `verify`, 29 through `import --burn`) is refused | `attacks::tampering_any_flipped_byte_is_refused` |
//! | any truncation (at least 20 offsets, 25 in the last run: inside the magic line and header, after the nonce, every exact 64 KiB chunk boundary and ±1, final tag cut) is refused as incomplete | `attacks::tampering_any_truncation_is_refused` |
//! | appended bytes (1, 16, a chunk of noise, the final chunk again, the whole file again) are refused | `attacks::tampering_appended_bytes_are_refused` |
//! | reordered age chunks (swapped, final chunk first, dropped, doubled) are refused | `attacks::tampering_reordered_chunks_are_refused` |
//! | an unknown signer is refused; a bundle claiming a contact's installation but signed with another key is refused as "signed with a different key" | `attacks::forgery_untrusted_signer_and_impersonation_are_refused` |
//! | no `manifest.sig` (crate- and tar-built), a zero, short or receipt-context signature, an altered manifest with the old signature: refused | `attacks::forgery_unsigned_or_badly_signed_manifest_is_refused` |
//! | surreptitious forwarding (decrypted with `age -d -i`, re-encrypted with `age -r` to a third installation): refused by it as "made for" the named recipient | `attacks::forgery_forwarded_bundle_is_refused_by_the_third_installation` |
//! | under a valid signature: a replaced document (after the safety backup: rolled back), a longer entry, swapped, missing and extra entries: refused | `attacks::forgery_replaced_or_rearranged_entries_under_a_valid_signature_are_refused` |
//! | a bundle for another installation, two age recipients, ASCII armor, no age at all: refused | `attacks::forgery_wrong_or_several_recipients_are_refused` |
//! | replay: a second import is refused naming the bundle id | `attacks::replay_second_import_is_refused` |
//! | replay after `backup restore` of a backup from before the import: the ledger file still refuses | `attacks::replay_after_restoring_an_older_backup_is_refused` |
//! | two imports of one bundle started at once: exactly one wins, the other says "in use"/"already imported"; one ledger row, one receipt | `attacks::replay_two_simultaneous_imports_only_one_wins` |
//! | FORMAT.md §10: `age -d -i … \| zstd -d \| tar -t/-x` lists and extracts the entries, `sha256sum` matches the manifest, and `tar \| zstd \| age -r` re-packing is accepted (the control for the crafted cases) | `attacks::crafted_standard_tools_round_trip_is_accepted` |
//! | path traversal (`../x`, `/etc/x`, `a/../../x`, `tables/../../x`) at the first data entry and after the last: refused, nothing written there | `attacks::crafted_path_traversal_is_refused_and_nothing_is_written_there` |
//! | symlink, hard link, character and block device, FIFO, directory entries: refused by type | `attacks::crafted_links_devices_fifos_and_directories_are_refused` |
//! | duplicate entries (a data entry twice, a second manifest at the end): refused | `attacks::crafted_duplicate_entries_are_refused` |
//! | tar sizes that disagree with the manifest, a non-octal size field, a wrong header checksum: refused | `attacks::crafted_sizes_disagreeing_with_the_manifest_are_refused` |
//! | PAX (GNU `--format=pax`; hand-made `x`/`g` headers announcing 10^20 bytes), GNU long names (`L`, `K`), GNU/oldgnu/v7 archives: refused | `attacks::crafted_pax_gnu_and_pre_posix_headers_are_refused` |
//! | an entry after the end-of-archive marker, and GNU tar's zero record padding after it: refused | `attacks::crafted_data_after_the_end_of_archive_is_refused` |
//! | a second zstd frame (`cat a.zst b.zst`), a skippable frame, the archive split over two frames: refused | `attacks::crafted_second_zstd_frame_is_refused` |
//! | decompression bombs (4 GiB RLE frames in <300 KB: no archive, 8 GiB manifest header, 4 GiB entry header, 4 GiB after the archive) and a 128 MiB-window frame (`zstd --long=27`): refused within seconds with bounded peak memory (measured in a debug build: under 0.2 s and 16 MiB each) | `attacks::crafted_decompression_bombs_are_refused_fast_with_bounded_memory` |
//! | another format version (re-signed by the real sender) is refused naming both versions | `attacks::version_other_format_version_is_refused_naming_both` |
//! | another schema version or fingerprint (re-signed by the real sender) is refused naming both, before any row; `inspect` shows "DIFFERS" | `attacks::version_other_schema_version_or_fingerprint_is_refused_naming_both` |
//! | `verify` of an intact bundle of another schema refuses it (exit 1) naming both schema versions, writes nothing (FORMAT.md §8) | `attacks::version_verify_reports_a_schema_mismatch` |
//! | clients whose UUIDs already exist (import, sender cancels and exports again) are refused naming their BEM-IDs | `attacks::data_client_already_present_is_refused_naming_the_bem_ids` |
//! | catalogue codes the receiver lacks are added (and reported); an existing code keeps the receiver's label; references map by code | `attacks::data_missing_catalogue_codes_are_added_and_local_labels_kept` |
//! | a BEM-ID clash is renamed and reported in the output; the local client keeps its BEM-ID | `attacks::data_bem_id_clash_is_renamed_and_reported` |
//! | the database locked by another program (exclusive SQLite transaction in another process, the ignored `attacks::helper_hold_the_database_exclusively`: not a test, the other program): refused, nothing changed; released, the import works | `attacks::resource_database_held_by_another_program_is_refused_and_unchanged` |
//! | … and refused at once (busy timeout 0 on bemx's connections: checked on the connection, not with a stopwatch) naming "in use", not SQLite's raw message, before the safety backup | `attacks::resource_database_held_by_another_program_is_refused_at_once_naming_in_use` |
//! | the installation held by another bemx: refused "in use"; released, the import works | `attacks::resource_installation_held_by_another_bemx_is_refused` |
//! | a full disk for the safety backup (a full tmpfs as backups folder, root only; skipped loudly otherwise): refused by the free-space check naming that disk, nothing written; with space the import works | `attacks::resource_a_full_backups_disk_is_refused_before_the_safety_backup` |
//! | killed during the merge | see `flow::import_killed_at_any_moment_leaves_the_database_exactly_before_or_after` |
//! | ten bundles from one sender imported in another order: all arrive, none twice; each replay refused | `attacks::load_ten_bundles_imported_in_another_order_arrive_once_each` |
//! | 20,000 clients import with bounded memory (IGNORED: slow, run with `--ignored`) | `attacks::load_20000_clients_import_with_bounded_memory` |
//! | 13.1: a colleague both sides trust cannot name another sender, use up another sender's bundle id, or confirm another sender's handover with her receipt | `attacks::forgery_a_trusted_colleague_cannot_consume_or_confirm_another_senders_handover` |
//! | 13.3: a client who came back (A → B → A) survives a restore of a later backup; the later event about a client wins | `lifecycle::a_client_who_came_back_survives_a_restore_on_either_side` |
//! | 13.4: restoring a backup from before an import is refused while the imported clients live only here, naming them; allowed once they were handed on and confirmed; the bundle stays used up | `attacks::replay_after_restoring_an_older_backup_is_refused`, `flow::restore_never_brings_back_handed_over_clients_nor_reenables_a_bundle` |
//! | 13.7: after `handover confirm` no file in the installation folder holds the purged client's plaintext; a purging transaction keeps its rollback journal (PERSIST), overwrites it after the commit or rollback, then returns to DELETE (measured per journal mode in `crates/db/tests/purge_journal.rs`) | `lifecycle::a_confirmed_purge_leaves_the_client_in_no_file_of_the_installation` |
//! | 13.16: a killed restore's plaintext database copy, its journal and a partial backup are overwritten and removed at the next start of any command (`id show`, `backup list`, `clients list`, `db check`), never while another bemx holds the lock | `lifecycle::a_killed_restores_plaintext_is_removed_at_the_next_start` |
//! | 13.6: confirm names the backups that still hold the purged clients (they do: decrypted, they hold them); `backup delete` removes each with its signature file; an unknown name is refused | `lifecycle::confirm_names_the_backups_that_still_hold_the_clients_and_delete_removes_them` |
//! | 13.9 (E1): an export killed between its bundle's rename and its commit (database put back as before the export): the next open marks the clients handed over from the journal, and the receiver's receipt confirms the handover | `lifecycle::an_export_killed_before_its_commit_is_known_to_the_journal` |
//! | 13.5: this installation's records are never applied to another installation's database named with `--db`: listing it stays read-only, backup create is refused | `lifecycle::the_records_are_never_applied_to_another_installations_database` |
//! | 13.8: a database restored by hand from before a confirm is repaired (clients purged again) at the next open, before anything is shown | `lifecycle::a_restore_outside_bemx_is_repaired_at_the_next_open` |
//! | 20.1: a refused or cancelled import leaves no file but the lock (no SICHERHEITSBACKUP per attempt) and says nothing changed | every case through `attacks::refused` |
//! | a contacts file others can write (mode 666, 620) is refused by `contacts list`/`add`, `export`, `verify`, `import`, naming the mode and `chmod 600`; nothing changes; readable (644) is fine (unix) | `trust::contacts_file_writable_by_others_is_refused_and_changes_nothing` |
//! | an installation folder others can write (777, 770, 1777) is refused the same way, naming `chmod 700`; 755 and 700 work (unix) | `trust::installation_folder_writable_by_others_is_refused_and_changes_nothing` |
//! | `init` warns (even with `--quiet`) when others can write the folder the installation lies in (777, 770), not in a private or sticky one (unix) | `trust::init_warns_when_others_can_write_the_folder_it_lies_in` |
//! | `init` into an existing folder others can write is refused, nothing created (unix) | `trust::init_refuses_an_existing_installation_folder_others_can_write` |
//! | names with zero-width, bidi/right-to-left, soft hyphen, BOM or variation-selector characters are refused on a card and by `init`, naming the code point; nothing changes | `trust::names_with_invisible_or_direction_characters_are_refused` |
//! | a card whose name reads like a trusted contact's (other case, Cyrillic look-alikes, "m" for "rn", full-width) is refused with or without `--yes`, before any question, naming the contact, its fingerprint and the odd letters | `trust::look_alike_contact_names_are_refused` |
//! | "Jürgen Weiß" and "Anna-Lena Müller" work from `init` through export, verify and import; decomposed umlauts and extra spaces are stored in NFC with single spaces and found by `--to`; "JÜRGEN WEISS" reads like "Jürgen Weiß" and is refused | `trust::german_names_with_umlauts_and_sharp_s_work` |
//! | `--without-consent` with a reason that says nothing (".", one word, punctuation, repeated letters, hidden characters, blank) is refused with an example; no bundle, no audit entry, nothing changed | `trust::without_consent_needs_a_meaningful_reason` |
//! | the audit entry of an export without consent lists exactly the UUIDs of the clients without consent (not those with), and the reason | `trust::without_consent_audit_lists_the_client_uuids` |
//! | `BEMX_PASSPHRASE` that is not UTF-8 is refused as such, never echoed, nothing changed (unix); bemx starts no child process that could inherit the variable | `trust::passphrase_that_is_not_text_is_refused_and_never_echoed`, unit test `passphrase::tests::the_cli_starts_no_child_process` |
//! | **issue 13, imports** (each refusal: exit 1 naming the cause and what to do, every file of the test folder byte-identical, both databases included, no safety backup, no receipt: `attacks::refused`) | every `guard::` test below |
//! | item 2: `--burn` overwrites with zeros the very file that was read (seen through a hard link) and removes its name; a bundle path that is a link is refused before anything changes; a path swapped for a link to the database after the read leaves the database intact and warns "replaced … not overwritten: delete it by hand" (library level, the swap made at the receipt step: crates/import/tests/guard.rs) | `guard::burn_overwrites_the_file_that_was_read_and_never_goes_through_a_link`; `burn_after_the_bundle_was_swapped_for_a_link_to_the_database_leaves_the_database_alone`, `burn_refuses_a_name_that_no_longer_names_the_file_read` in crates/import/tests/guard.rs |
//! | item 5: an import or export with `--db` naming another installation's database is refused naming both installation ids; both databases unchanged; the own database named with `--db` works | `guard::import_and_export_refuse_another_installations_database` |
//! | item 12: a bundle swapped between the preview and the import (a FIFO hands the preview one bundle, the import another) is refused "changed after you confirmed", before the safety backup; the same bundle both times imports (library level: crates/import/tests/guard.rs) | `guard::a_bundle_swapped_between_the_preview_and_the_import_is_refused`; `an_import_refuses_a_bundle_other_than_the_one_previewed` in crates/import/tests/guard.rs |
//! | item 14: a dangling link at the receipt path is refused (never followed) before anything changes | `guard::a_dangling_link_at_the_receipt_path_is_refused_before_anything_changes` |
//! | item 14: a receipt folder the process cannot write (as root: a read-only tmpfs mounted there, which root cannot write either; skipped loudly where it cannot be mounted) is refused before anything changes, naming the OS error | `guard::a_receipt_in_a_read_only_folder_is_refused_before_anything_changes` |
//! | item 15: a manifest re-signed by the trusted sender listing a client more, or one fewer, than the client records it carries is refused naming the UUIDs | `guard::a_client_list_that_differs_from_the_client_records_is_refused` |
//! | **issue 13, item 10: signed backups** (each refusal: exit 1 naming the cause, with a hint; database and every file of the backups folder byte-identical, no before-restore backup, no decrypted file left) | every `backups::` test below, through `backups::restore_refused` |
//! | a forged SICHERHEITSBACKUP (Debian `age -r` around `zstd` of a database with a planted trigger) is listed as NOT SIGNED and refused by restore; a made-up signature file and another installation's signature file are refused too | `backups::a_forged_safety_backup_with_a_planted_trigger_is_refused` |
//! | a signature file copied from another backup (alone, or with that backup's content) is refused as made for another backup; `backup list` marks only the genuine one signed | `backups::a_signature_file_renamed_from_another_backup_is_refused` |
//! | `backup create` writes `NAME.bemxsig` beside the backup; list shows it signed; restore round-trips; the before-restore backup is signed; side files are not listed | `backups::a_signed_backup_round_trips` |
//! | `db check` exits 1 naming a trigger the bemx schema does not define | `backups::db_check_names_a_planted_trigger` |
//! | issue 15.3: before `backup restore` asks, it names the clients that will disappear and come back; said no, nothing changes and the decrypted copy is gone | `backups::restore_says_which_clients_disappear_or_come_back_before_it_asks` |
//! | issue 20 (DESIGN S1): a disk too full for what import, `backup create`, `backup restore`, export or `handover confirm` (its purge's rollback journal) would write (test hook `BEMX_TEST_FREE_SPACE`) is refused before anything is written, naming the disk, the room needed and free; every file unchanged; with room each works | `disk::a_disk_too_full_is_refused_before_anything_is_written` |
//! | … an export to a real 256 KiB tmpfs "stick" (private mount namespace, `unshare -rm`) is refused naming the stick; database and journal unchanged, the stick empty | `disk::an_export_to_a_stick_too_small_is_refused_before_writing` |
//! | issue 20 (I5): failed imports (truncated, tampered, refused at the question, no room), three times each, leave the backups folder byte-identical; the import that works leaves one SICHERHEITSBACKUP; a killed import's backup makes way for the retry's | `disk::repeated_failed_imports_leave_the_backups_folder_as_it_was`, `flow::import_killed_at_any_moment_leaves_the_database_exactly_before_or_after` |
//! | issue 20 (B4, B6): `--keep-safety-backups N` keeps the newest N; `backup list` shows kind, date, size, count, total and free space; the import's question names the backups it will delete; crowded backups are warned about | `disk::the_backups_folder_stays_bounded_and_visible` |

mod support;

mod attacks;
mod backups;
mod cli;
mod consent;
mod db;
mod disk;
mod export;
mod flow;
mod german;
mod guard;
mod hosts;
mod identity;
mod lifecycle;
mod profile;
mod trust;
