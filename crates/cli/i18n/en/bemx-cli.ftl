# bemx-cli: English (the fallback). i18n/de has the same ids with the same arguments.

## handover commands
## bemx import, receipt, export, inspect, verify, handover. Lines shown
## indented are indented by the program (Fluent drops leading spaces).

cli-import-preview =
    Import (adds clients; existing data stays):
      bundle:    { $bundle }
      from:      { $sender } ({ $fingerprint })
      created:   { $created }
      clients:   { $clients }, documents: { $documents }
      into:      { $database }
    A SICHERHEITSBACKUP of the database is made first.
# A line added below cli-import-preview.
cli-import-preview-deletes = Older backups that will be deleted: { $backups }
cli-import-confirm = Import these clients now?
cli-import-confirm-hint = check the bundle with `bemx inspect`, then pass --yes
cli-import-nothing = Nothing imported.
cli-import-no-ctrlc = cannot install the Ctrl-C handler
# Progress display, until the import's first step.
cli-import-opening = opening the bundle
cli-import-warning = warning: { $warning }
cli-import-done = Imported { $clients ->
        [one] 1 client
       *[other] { $clients } clients
    } ({ $rows } records, { $documents } documents).
cli-import-done-bundle-id = bundle id:      { $id }
cli-import-done-safety-backup = safety backup:  { $name }
# $old and $new are BEM-IDs in quotes.
cli-import-done-renamed = BEM-ID { $old } already existed here: the imported client is now { $new }
cli-import-done-catalogue = catalogue entries added to { $catalogue }: { $codes }
cli-import-done-backups-deleted = older backups deleted: { $count }
cli-import-done-receipt = receipt:        { $path }
cli-import-done-burned = the bundle file was overwritten and deleted
cli-import-next = Next: send the receipt file to { $sender }. With it they run `bemx handover confirm`, which removes the clients from their PC.
cli-receipt-written = Receipt for bundle { $id } written to { $path }.

cli-export-no-ctrlc = cannot install the Ctrl-C handler
# Progress display, until the export's first step.
cli-export-checking = checking the clients' records
cli-export-cannot-open-clients-file = cannot open the clients file { $path }
cli-export-clients-file-not-found-hint = check the file name; the file lists one client UUID or BEM-ID per line
cli-export-cannot-read-clients-file = cannot read the clients file { $path } as text
cli-export-clients-file-wrong-hint = check that you picked the right file: it lists one client UUID or BEM-ID per line
cli-export-clients-file-too-large = the clients file { $path } is larger than 16 MB
cli-export-clients-file-empty = the clients file { $path } lists no clients
cli-export-clients-file-empty-hint = write one client UUID or BEM-ID per line (`bemx clients list` shows them)
cli-export-written = Handover bundle written.
cli-export-bundle-id = bundle id:  { $id }
cli-export-file = file:       { $path }
cli-export-for = for:        { $contact } ({ $fingerprint })
cli-export-clients = clients:    { $count }
cli-export-documents = documents:  { $count }
cli-export-size = size:       { $size }
cli-export-without-consent = { $count } client(s) went without a recorded handover consent; the reason is in the audit log.
cli-export-next =
    Next: give the file to { $contact } (e.g. on a USB stick). Only that installation can open it.
    They import it and send back a receipt. Until then these clients are read-only and hidden
    here (`bemx clients list --all` shows them).

cli-inspect-cannot-read = cannot read { $path }
cli-inspect-no-age-header = it has no age encryption header
# $trust is one of cli-inspect-trust-*; $claimed is the name the bundle claims, in quotes.
cli-inspect-sender-not-trusted = the sender of this bundle is { $trust } (the bundle says { $claimed }; fingerprint { $fingerprint })
cli-inspect-sender-not-trusted-hint = compare the fingerprint with the sender by phone and add their contact card before importing
cli-inspect-trust-trusted = trusted
cli-inspect-trust-key-changed = key changed
cli-inspect-trust-claims-differ = claims another sender
cli-inspect-trust-not-trusted = not trusted
cli-inspect-file = file:        { $file } ({ $size })
cli-inspect-encryption-none = encryption:  none (not an age file)
cli-inspect-encryption = encryption:  age, { $recipients } recipient(s): { $types }
cli-inspect-encryption-not-bundle = encryption:  age, { $recipients } recipient(s): { $types } — not the shape of a bemx bundle
cli-inspect-no-installation = (no installation here: run inspect with --home of the receiving installation to see more)
cli-inspect-bundle-id = bundle id:   { $id }
cli-inspect-created = created:     { $created }
cli-inspect-unverified-name = { $name } (unverified name)
cli-inspect-sender = sender:      { $who }, { $trust }, fingerprint { $fingerprint }
cli-inspect-recipient = recipient:   this installation
# $comparison is one of cli-inspect-schema-matches, -differs, -no-database.
cli-inspect-schema = schema:      version { $version } ({ $comparison })
cli-inspect-schema-matches = matches this database
cli-inspect-schema-differs = DIFFERS from this database: the import will be refused
cli-inspect-schema-no-database = no local database to compare
cli-inspect-already-imported = imported:    ALREADY IMPORTED here on { $at }
cli-inspect-not-imported = imported:    not yet
cli-inspect-clients = clients:     { $count }
cli-inspect-column-table = table
cli-inspect-column-rows = rows
cli-inspect-entries = entries:     { $entries } ({ $documents } documents), { $size } of data

cli-verify-no-age-header = it has no age encryption header
cli-verify-no-installation = no installation at { $path }
cli-verify-no-installation-hint = verify runs on the receiving installation: pass its --home
cli-verify-refused-version = the bundle is intact, but it comes from database schema version { $theirs }, and this installation has schema version { $ours }: importing it would be refused
cli-verify-refused-fingerprint = the bundle is intact, but it comes from database schema version { $version } with fingerprint { $theirs }, and this installation's fingerprint is { $ours }: importing it would be refused
cli-verify-refused-hint = install the same bemx version on both PCs and export again
cli-verify-verified = verified: bundle { $id } from { $sender } — { $clients } clients, { $entries } entries, { $size } of data; every hash, the signature and the end of the file check out.

cli-handover-none = No handovers yet.
cli-handover-column-bundle-id = bundle id
cli-handover-column-state = state
cli-handover-column-clients = clients
cli-handover-column-recipient = recipient
cli-handover-column-exported = exported
cli-handover-state-open = open
cli-handover-state-confirmed = confirmed
cli-handover-state-cancelled = cancelled
cli-handover-cannot-read-receipt = cannot read the receipt { $path }
cli-handover-receipt-not-found-hint = check the file name; the receiver's import wrote it as *.receipt
cli-handover-confirmed = Handover { $id } confirmed: { $clients } clients and all their { $rows } records were removed from this installation's database.
cli-handover-still-in-backups = Their records still exist, encrypted, in these backups until they are deleted: { $backups }
cli-handover-delete-backups = Delete each with `bemx backup delete NAME` once you no longer need it to go back to a state before this handover.
cli-handover-cancel-question = Take the clients of handover { $id } back? Do this only if the receiver never imported the bundle.
cli-handover-cancel-hint = make sure the receiver never imported the bundle, then pass --yes
cli-handover-nothing-changed = Nothing changed.
cli-handover-cancelled = Handover { $id } cancelled: { $clients } clients are back in this installation. A receipt for this bundle will now be flagged.
