
## general and other commands

# The lines on stderr around an error: "error: …", "hint: …", and those of
# a warning and of a note.
cli-error-line = error: { $message }
cli-hint-line = hint: { $hint }
cli-warning-line = warning: { $warning }
cli-note-line = note: { $note }
cli-nothing-imported = nothing was imported; the data on this PC is unchanged
cli-nothing-changed = Nothing changed.

# The command line. cli-lang-invalid follows clap's "invalid value 'x' for '--lang <LANG>': ".
cli-lang-invalid = de or en
cli-usage-invalid = the command line is not valid
cli-usage-hint = run `bemx --help`
cli-manpage-failed = cannot render the manual page

# A date for people, from the parts of YYYY-MM-DD.

# Output.
cli-json-encode-failed = cannot encode the JSON output
cli-stdout-write-failed = cannot write to standard output

# Yes/no questions: the code writes "<question> <choices> ". y/yes/j/ja all mean yes.
cli-confirm-choices = [y/N]
cli-confirm-no-terminal = cannot ask for confirmation: the input is not a terminal
cli-confirm-write-failed = cannot write the question
cli-confirm-read-failed = cannot read the answer

# The passphrase. The prompts are followed by a space.
cli-passphrase-prompt = Passphrase of this installation:
cli-passphrase-new-prompt = New passphrase for this installation:
cli-passphrase-again-prompt = Type it again:
cli-passphrase-read-failed = cannot read the passphrase from the terminal
cli-passphrase-no-terminal = this needs the installation's passphrase, but the input is not a terminal
cli-passphrase-no-terminal-hint = run the command in a terminal, or set { $variable }
cli-passphrase-empty = the passphrase is empty
cli-passphrase-empty-hint = choose a passphrase, or leave out --passphrase to store the keys unprotected
cli-passphrases-differ = the two passphrases differ
cli-passphrases-differ-hint = run `bemx init --passphrase` again

# The progress bar: the time left ($eta is filled in by the bar), and the
# steps the library crates name.
cli-progress-eta = { $eta } left
cli-step-safety-backup = safety backup
cli-step-merge = merge
cli-step-commit = commit
cli-step-receipt = receipt
cli-step-writing-the-bundle = writing the bundle

# The installation folder.
cli-no-data-folder = cannot find the platform's data folder for the installation (APPDATA or HOME is not set)
cli-no-data-folder-hint = pass --home DIR or set BEMX_HOME to the installation folder
cli-no-installation = no installation at { $folder }
cli-no-installation-db-hint = run `bemx init` to create one, or pass --home DIR / --db PATH of an existing installation
cli-no-installation-hint = run `bemx init` to create one, or pass --home DIR of an existing installation
cli-lock-failed = cannot get exclusive access to the installation

# bemx init
cli-init-exists = { $folder } already holds a bemx installation
cli-init-exists-hint = nothing was changed; use `bemx id show` to see its contact card, or pass --home DIR for a new one
cli-init-db-folder-missing = the folder { $folder } for the database does not exist
cli-init-db-folder-missing-hint = create it first or choose another --db PATH
cli-init-created = New installation created in { $folder }.
cli-init-card = Contact card of this installation:
cli-init-advice =
    Send this card to the colleagues you exchange clients with (`bemx id show > card.txt`, then
    e-mail or USB stick). They add it with `bemx contacts add card.txt` and compare the
    fingerprint { $fingerprint } with you by phone or in person.
cli-init-create-failed = cannot create the installation folder { $folder }
# $mode: the folder's permissions, e.g. 777.
cli-init-shared-parent = the folder { $folder } that holds the installation can be changed by other users (mode { $mode }): they could replace the installation folder with one of their own, trusted contacts included
cli-init-shared-parent-hint = move the installation into a folder only you can change (the default is fine), or run `chmod go-w { $folder }` if nobody else needs to write there

# bemx contacts
cli-card-stdin-read-failed = cannot read the card from standard input
cli-card-open-failed = cannot open the card file { $file }
cli-card-not-found-hint = check the file name, or pass - to read the card from standard input
cli-card-read-failed = cannot read the card file { $file }
cli-card-own = this is the contact card of this installation itself
cli-card-own-hint = add the card of the colleague's installation (the output of `bemx id show` on their PC)
cli-card-shown =
    Contact card of "{ $name }"
    Fingerprint: { $fingerprint }
cli-card-question = Did you compare this fingerprint with { $name } by phone or in person?
cli-card-question-hint = compare the fingerprint { $fingerprint } with { $name } by phone or in person, then run the command again with --yes
cli-card-not-added = { $name } was not added
cli-card-not-added-hint = compare the fingerprint first; a card with a wrong fingerprint may come from someone else
cli-contact-already-trusted = { $name } ({ $fingerprint }) is already a trusted contact; nothing changed.
cli-contact-added = Added { $name } ({ $fingerprint }) to the trusted contacts.
cli-contact-added-advice = You can now export clients to it: `bemx export --to "{ $name }" ...`
cli-contacts-none = No trusted contacts yet.
cli-contacts-none-advice = Add a colleague's contact card with `bemx contacts add FILE`.
cli-contacts-header-name = NAME
cli-contacts-header-fingerprint = FINGERPRINT
cli-contacts-header-installation = INSTALLATION
cli-contacts-header-added = ADDED
cli-contact-removed = Removed { $name } ({ $fingerprint }) from the trusted contacts.

# bemx clients
cli-consent-recorded = Handover consent of client { $client } recorded, given on { $date }.
cli-consent-revoked = Handover consent of client { $client } revoked on { $date }.
cli-consent-given-on = given { $date }
cli-consent-revoked-on = revoked { $date }
cli-consent-none = none
cli-clients-none = No clients.
cli-clients-none-here = No clients (handed-over clients are shown with --all).
cli-clients-handed-over = handed over (bundle { $bundle })
cli-clients-header-bem-id = BEM-ID
cli-clients-header-uuid = UUID
cli-clients-header-case = CASE
cli-clients-header-consent = CONSENT
cli-clients-header-handover = HANDOVER
# The status of a BEM case as the database stores it: open, running, closed, aborted, refused.
cli-case-status = { $status }

# bemx db
cli-seed-range-expected = expected MIN-MAX, e.g. 1000-20000
cli-seed-range-reversed = MIN must not be larger than MAX
cli-seed-host = demo data is for bemx's own database; this installation works on a host program's database
cli-seed-host-hint = make a demo installation with `bemx init --home DIR` and seed that
cli-seed-done = Added { $clients } demo clients: { $records } records, { $documents } documents ({ $size }) in { $whole }.{ $tenths } s.
cli-check-integrity = integrity: { $line }
cli-check-problem = problem: { $problem }
cli-check-consistent = The database is consistent: { $records } records checked, { $documents } documents verified.
cli-check-failed = the database check found { $count } problem(s)
cli-check-failed-hint = do not export or import until they are repaired; restore the last good backup if unsure

## bemx profile check

cli-profile-checked = Profile { $name }, version { $version }, on { $db }:
# $identity: cli-profile-identity-uuid or cli-profile-identity-key.
cli-profile-root = Clients: { $table }, recognised by { $identity }, shown as { $display }
cli-profile-identity-uuid = the UUIDs in { $column }
# $key: column names joined by ", ".
cli-profile-identity-key = ({ $key })
cli-profile-catalogues = Catalogues that travel, matched by their key ({ $count }):
# $columns: each column, with its role in brackets unless it is a plain value.
cli-profile-catalogue = {"  "}{ $table }: key ({ $key }); columns { $columns }
cli-profile-owned = Client data, in the order it is written ({ $count } tables):
cli-profile-table = {"  "}{ $table }: { $columns }
cli-profile-document = Documents: { $table }.{ $column }
cli-profile-document-hashed = Documents: { $table }.{ $column }, checked against { $table }.{ $sha256 }
cli-profile-local-columns = Columns that stay on this PC: { $columns }
cli-profile-graph = Graph fingerprint: { $hash }
cli-profile-warning = note: { $table }: { $warning }
cli-profile-failed = the profile does not fit the database: { $count } problem(s)
cli-profile-failed-hint = correct the profile (or the database) until `bemx profile check` finds nothing; `bemx profile suggest` drafts a profile from the schema

# bemx backup
cli-backup-none = No backups yet.
cli-backup-header-name = name
cli-backup-header-kind = kind
cli-backup-header-written = written
cli-backup-header-size = size
cli-backup-header-signature = signature
cli-backup-kind-safety = SICHERHEITSBACKUP before an import
cli-backup-kind-manual = made with backup create
cli-backup-kind-before-restore = state before a restore
cli-backup-kind-other = other
# $date from bemx_i18n::date, $time HH:MM.
cli-backup-written-at = { $date } { $time } UTC
cli-backup-signed = signed
cli-backup-not-signed = NOT SIGNED
cli-backup-usage = { $count } backups, { $total } in all; { $free } free on their disk.
cli-backup-written = Backup { $name } written ({ $size }), encrypted to and signed with this installation's keys.
cli-backup-delete-question = Delete backup { $name } for good? It cannot be restored afterwards. Continue?
cli-backup-check-name-hint = check the backup name with `bemx backup list`, then pass --yes
cli-backup-deleted = Backup { $name } deleted.
# Before the restore question: which clients disappear or come back, and why.
cli-backup-restore-disappear = these clients are here now and not in the backup, so they will disappear (made or brought back here after it was taken; they stay in the backup of the current state): { $clients }
cli-backup-restore-come-back = these clients are in the backup and not here now, so they will come back (deleted here after it was taken): { $clients }
cli-backup-restore-same-clients = the backup holds the same clients as this PC now (their records may differ)
cli-backup-restore-question = Restore REPLACES the whole database with backup { $name } (an import would add to it instead). The current state is backed up first. Continue?
cli-backup-restored = Database restored from { $name }.
# Indented under cli-backup-restored.
cli-backup-restored-previous = the replaced state was backed up as { $name }
cli-backup-restored-purged = { $count } clients in the backup had been handed over to another PC since; they were removed again
cli-backup-restored-advice = Bundles imported since that backup stay recorded and cannot be imported a second time.

# bemx demo: the story of a handover between Anna and Bernd.
cli-demo-random-failed = random number generator failed: { $error }
cli-demo-create-failed = cannot create { $folder }
cli-demo-folder-not-empty = { $folder } exists and is not empty
cli-demo-folder-not-empty-hint = give the demo an empty or new folder with --dir
cli-demo-read-failed = cannot read { $file }
cli-demo-replay-accepted = the demo's second import of the same bundle was accepted; this is a bug
cli-demo-folder = Demo folder: { $folder }
cli-demo-step-install = 1. Two BEM coordinators set up bemx on their PCs.
# The detail lines are indented under their step; the two fingerprints align.
cli-demo-anna-fingerprint = Anna's fingerprint:  { $fingerprint }
cli-demo-bernd-fingerprint = Bernd's fingerprint: { $fingerprint }
cli-demo-step-contacts = 2. They exchange contact cards and compare the fingerprints by phone.
cli-demo-step-seed = 3. Anna's PC holds { $clients } clients with their cases, actions, funding applications and documents.
cli-demo-bernd-clients = Bernd already has { $clients } clients of his own.
cli-demo-step-export = 4. Anna leaves; { $clients } clients who signed a handover consent go to Bernd. She exports them.
cli-demo-exported = { $bundle } written: { $size }, { $documents } documents, encrypted for Bernd's PC only and signed by Anna.
cli-demo-handed-over = On Anna's PC the clients are now handed over: read-only and hidden ({ $visible } visible).
cli-demo-step-import = 5. Bernd checks the bundle and imports it.
cli-demo-preview = It comes from { $sender } ({ $fingerprint }), holds { $clients } clients, and was never imported here.
cli-demo-safety-backup = Safety backup first: { $name }.
cli-demo-imported = Imported in one transaction: { $clients } clients, { $records } records, { $documents } documents.
# $old and $new in quotes.
cli-demo-renamed = Bernd already had a client called { $old }: the new one is now { $new }.
cli-demo-catalogue-added = Anna used catalogue entry { $code } ({ $catalogue }), which Bernd lacked: it was added.
cli-demo-receipt = A signed receipt for Anna: { $file }
cli-demo-step-replay = 6. Someone tries to import the same bundle again.
cli-demo-refused = Refused: { $reason }
cli-demo-step-confirm = 7. Anna confirms with Bernd's receipt; the clients leave her PC without a trace.
cli-demo-removed = { $clients } clients and { $records } records removed on Anna's PC.
cli-demo-done = Done: Anna now has { $anna } clients, Bernd { $bernd }. Every step is in each PC's audit log (ids and counts only).
cli-demo-look-around = Look around: bemx --home { $folder } clients list

## --help

# The help texts: clap takes them from the doc comments (the English source;
# a unit test proves each text here equals clap's), and for German bemx puts
# these in their place. The ids come from the command path and the argument
# id: help-<command>[-<subcommand>…][-<argument>], help-<…>-<argument>-<value>
# for a value of an argument, help-global-<argument> for the global options.

help-bemx = Hands BEM case files from one installation to another as signed, encrypted bundles

help-global-db = Database file [default: <home>/bemdok.sqlite]
help-global-profile = Profile of a host database: the one `init` sets up with and `profile check` checks; any other command refuses to work unless the installation was set up with it
help-global-home = Installation folder [default: the platform's data folder, e.g. ~/.local/share/bemx]
help-global-json = Print one JSON document on stdout instead of text
help-global-lang = Language: de or en [default: BEMX_LANG, else the system's language: German when it is German]
help-global-quiet = No progress bars and no advice, only results and errors
help-global-yes = Answer yes to every confirmation question

help-clap-help = Print help
help-clap-version = Print version
help-clap-help-command = Print this message or the help of the given subcommand(s)
help-clap-help-more = Print help (see more with '--help')
help-clap-help-more-long = Print help (see a summary with '-h')

help-heading-arguments = Arguments
help-heading-commands = Commands
help-heading-options = Options
help-heading-usage = Usage
help-heading-global-options = Global options
help-heading-possible-values = Possible values

help-spec-default = [default: { $value }]
help-spec-env = [env: { $name }]
help-spec-env-value = [env: { $name }={ $value }]
help-spec-possible-values = [possible values: { $values }]

help-init = Create a new installation: database and identity
help-init-name = Name shown to colleagues who add this installation's contact card (e.g. your name or office)
help-init-passphrase = Protect the keys with a passphrase (asked on the terminal, or taken from BEMX_PASSPHRASE)

help-id = This installation's identity
help-id-show = Print the contact card to send to colleagues (no passphrase needed)

help-contacts = Trusted installations (colleagues) you exchange bundles with
help-contacts-add = Trust a colleague's contact card (text or JSON), after comparing its fingerprint
help-contacts-list = List the trusted contacts
help-contacts-remove = Stop trusting a contact
help-contacts-add-file = The card file, or - to read it from standard input
help-contacts-remove-fingerprint = The contact's fingerprint (as `bemx contacts list` shows it)

help-db = Database maintenance: demo data, consistency check
help-db-check = Check the database: integrity, references between records, every document's checksum
help-db-seed = Add realistic demo clients (for trying bemx out; never in a real installation)
help-db-seed-clients = Number of demo clients to add
help-db-seed-seed = Seed of the generator: the same seed gives the same data
help-db-seed-document-bytes = Document sizes in bytes, as MIN-MAX [default: 51200-2097152]
help-db-seed-max-documents = Most documents per client [default: 5]
help-db-seed-no-documents = Add no documents (scanned letters and forms)

help-clients = The clients in this installation
help-clients-consent = Record or revoke a client's consent to the handover (the signed Einverständniserklärung)
help-clients-list = List the clients: BEM-ID, UUID, case status, handover consent, handover state
help-clients-consent-record = Record that the client consented to the handover, on the date of the signed form
help-clients-consent-revoke = Record that the client withdrew the handover consent
help-clients-list-all = Also list clients handed over to another installation (read-only until the handover ends)
help-clients-consent-record-client = The client: BEM-ID or UUID
help-clients-consent-record-date = The date on the signed form, e.g. 12.03.2026 or 2026-03-12
help-clients-consent-record-form = The client's document that holds the signed form (its number in the database)
help-clients-consent-revoke-client = The client: BEM-ID or UUID
help-clients-consent-revoke-date = The date of the revocation [default: today]

help-export = Hand clients over: write a bundle for one contact
help-export-client = A client to hand over: UUID or BEM-ID (repeat or list several)
help-export-output = The bundle file to write; it must not exist yet
help-export-to = The receiving contact: its name or fingerprint, or the start of either if it fits one contact only (see `bemx contacts list`)
help-export-clients-file = A file with one client UUID or BEM-ID per line (# starts a comment line)
help-export-without-consent = Export clients without a recorded handover consent; the reason goes into the audit log

help-inspect = Show what a bundle is: without keys what age shows, with this installation's keys the signed manifest
help-inspect-file = The bundle file

help-verify = Check a whole bundle (every hash, the signature, the end of the file) without importing it
help-verify-file = The bundle file

help-import = Import a colleague's bundle (adds clients; a safety backup is made first)
help-import-burn = Overwrite and delete the bundle file after a successful import
help-import-file = The bundle file (.bemx)
help-import-receipt = Where to write the receipt for the sender [default: beside the bundle, *.receipt]
help-import-retention = Which older backups to delete after the import
help-import-retention-all = Keep every backup
help-import-keep-safety-backups = With --retention safety-only: how many SICHERHEITSBACKUPs to keep, the one this import takes included
help-import-retention-safety-only = Keep only the newest SICHERHEITSBACKUPs (see --keep-safety-backups), delete every other backup (the original procedure: no older backup can bring back a state before the import)

help-receipt = Write the receipt of an earlier import again (if the sender's copy got lost)
help-receipt-output = Where to write it [default: bemx-<first 8 characters of the id>.receipt in the current folder]
help-receipt-bundle-id = The bundle id of the import (see `bemx inspect` or the import's output)

help-handover = The giving side after an export: list, confirm with the receipt, or cancel
help-handover-cancel = Take the clients of a handover back (only if the bundle was never imported)
help-handover-confirm = Check the receiver's receipt and remove the handed-over clients for good
help-handover-list = Handovers of this installation and their state
help-handover-confirm-receipt = The receipt file the receiver sent back
help-handover-cancel-bundle-id = The bundle id (see `bemx handover list`)

help-backup = Encrypted backups of the database, and restore (which replaces the database)
help-backup-create = Make an encrypted backup of the database now
help-backup-delete = Delete a backup for good (e.g. one that still holds clients handed over since)
help-backup-list = The backups of this installation
help-backup-restore = Replace the database with a backup (the current state is backed up first)
help-backup-delete-name = The backup's name (see `bemx backup list`)
help-backup-restore-name = The backup's name (see `bemx backup list`)

help-demo = Run a whole handover between two new demo installations
help-profile = Host database profiles: check one against a database, draft one, show the built-in one
help-profile-check = Check a profile (--profile, else the built-in one) against the database (--db) and show what travels: tables, keys, columns
help-profile-suggest = Draft a profile from the database's schema (--db), for a person to review
help-profile-suggest-name = The draft's name (recorded in every bundle made with it)
help-profile-show = Print the built-in profile of bemx's own database
help-demo-clients = Clients seeded on the giving installation
help-demo-dir = Folder for the two demo installations and the bundle [default: a new folder in the temp directory]
help-demo-hand-over = Clients handed over

help-completions = Print the shell completion script (e.g. `bemx completions bash > /etc/bash_completion.d/bemx`)
help-completions-shell = The shell

help-manpage = Print the manual page (roff; e.g. `bemx manpage > bemx.1; man ./bemx.1`)

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
# One line per client below cli-import-preview (after "  - "), and the
# rename the merge will make when its BEM-ID is taken here.
cli-import-preview-client = { $bem_id } (case: { $status })
cli-import-preview-renamed = → will be stored as { $stored }, the BEM-ID is taken here
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
cli-verify-refused-profile = the bundle is intact, but it was made through profile { $theirs } and this installation uses { $ours }: importing it would be refused
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
# Before the question of handover confirm: the clients that will be removed.
cli-handover-confirm-preview = Confirming handover { $id } removes these clients from this PC for good (the receiver has them): { $clients }
cli-handover-confirm-question = Confirm the handover and remove the clients?
cli-handover-confirm-hint = check the receipt and the clients, then pass --yes
cli-handover-confirmed = Handover { $id } confirmed: { $clients } clients and all their { $rows } records were removed from this installation's database.
cli-handover-still-in-backups = Their records still exist, encrypted, in these backups until they are deleted: { $backups }
cli-handover-delete-backups = Delete each with `bemx backup delete NAME` once you no longer need it to go back to a state before this handover.
cli-handover-cancel-question = Take the clients of handover { $id } back? Do this only if the receiver never imported the bundle.
cli-handover-cancel-hint = make sure the receiver never imported the bundle, then pass --yes
cli-handover-nothing-changed = Nothing changed.
cli-handover-cancelled = Handover { $id } cancelled: { $clients } clients are back in this installation. A receipt for this bundle will now be flagged.

## Tables and catalogues of the reference schema by their labels (cli-table-<table>),
## looked up at run time by `output::table_label`; other tables show their name.
cli-table-clients = clients
cli-table-bem-cases = BEM cases
cli-table-actions = actions
cli-table-action-participants = action participants
cli-table-action-results = action results
cli-table-action-tasks = action tasks
cli-table-deletion-schedule = deletion schedule
cli-table-documents = documents
cli-table-consents = consents
cli-table-funding-applications = funding applications
cli-table-measures = measures
cli-table-sick-days-after = sick days after the case
cli-table-sick-leave-periods = sick leave periods
cli-table-surveys = surveys
cli-table-survey-answers = survey answers
cli-table-cat-action-type = catalogue: action types
cli-table-cat-department = catalogue: departments
cli-table-cat-funding-body = catalogue: funding bodies
cli-table-cat-funding-type = catalogue: funding types
cli-table-cat-job-function = catalogue: job functions
cli-table-cat-measure = catalogue: measures
