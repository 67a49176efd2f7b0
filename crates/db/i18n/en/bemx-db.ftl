# bemx-db: English (the fallback). i18n/de has the same ids with the same arguments.
#
# Tables, columns and row ids are named as the database names them (never
# personal data); ids, UUIDs and queries arrive quoted where the code quotes
# them.

## DbError: what happened.

db-sqlite = database error: { $error }
db-busy = the database is in use by another program
# $context: one of the db-io-… texts below.
db-io = i/o error while { $context }: { $error }
db-already-exists = database file { $path } already exists
db-not-found = database file { $path } does not exist
db-not-bemx = database { $path } is not a bemx database (no meta table or installation id)
db-schema-too-new = database schema version { $found } is newer than this bemx ({ $expected })
db-schema-too-old = database schema version { $found } is older than this bemx ({ $expected })
db-invalid-installation-id = installation id { $value } is not a uuid
db-unknown-client = no client with uuid or bem-id { $query }
db-unknown-client-id = client row { $id } does not exist
# $detail: one of the db-detail-… texts below.
db-unsupported-schema = unsupported schema at table { $table }: { $detail }
db-dangling-reference = dangling reference: { $table } row { $rowid } column { $column } points at { $target } id { $value }, which does not exist
db-cross-client-reference = cross-client reference: { $table } row { $rowid } column { $column } points at { $target } id { $value }, which belongs to another client
db-foreign-key-violation = foreign key violation: { $table } row { $rowid } has no matching row in { $parent }
db-document-mismatch = document mismatch: { $table } row { $rowid } column { $column }: { $detail }; the document is damaged
db-unexpected-value = unexpected value in { $table } column { $column }: { $detail }
db-schema-drift = schema drift at table { $table }: { $detail }
db-merge-protocol = merge protocol error: { $detail }; the bundle is malformed, nothing was imported
db-unresolved-reference = unresolved reference: { $table } column { $column } points at source { $target } id { $source_id }, which is not in the bundle; the bundle is incomplete, nothing was imported
db-duplicate-client = client { $uuid } already exists in this database: it was imported before or never left this PC; nothing was imported
db-blob-length = document length mismatch for { $table } source row { $source_rowid }: announced { $expected } bytes, got { $actual }; the bundle is damaged, nothing was imported
db-purge-incomplete = purge incomplete: { $remaining } row(s) of the purged clients remain in { $table }; the purge was rolled back
db-changed-during-export = { $table } row { $rowid } changed during the export
db-catalogue-row-missing = catalogue { $table } has no row ({ $key }) here, and the profile lets bemx match its rows only; nothing was imported
db-not-utf8-path = the path { $path } is not valid Unicode, and SQLite takes the path of an attached database as text
db-host-name-taken = the host database already has a table named { $name }, a name bemx needs for its records
db-profile-invalid = the profile cannot be read: { $detail }
# $found: the value of the file's format key, as written there.
db-profile-format = the profile is written in format { $found }; this bemx reads format { $supported }
db-profile-mismatch = the profile does not fit table { $table }: { $detail }

## Details of db-profile-invalid ($detail above).

db-profile-not-table-column = { $value } is not of the form table.column
db-profile-not-utf8 = the file is not UTF-8 text
db-profile-too-large = the file is larger than { $limit } KiB
db-profile-key-missing = the key { $key } is missing
# $detail: the TOML reader's message (English); $offset: a byte offset in the file.
db-profile-parse-at = { $detail } (at byte { $offset })
db-profile-bad-name = name must be 1 to { $max } ASCII letters, digits, dots, underscores or hyphens
db-profile-version-zero = version must be 1 or higher
db-profile-root-identity = root needs either a uuid or a natural_key, not both and not neither
db-profile-table-twice = table { $table } is named twice (as root, catalogue or local table)
db-profile-column-twice = column { $column } is named twice
db-profile-hash-elsewhere = the sha256 column of document { $column } must be in the same table
db-profile-triggers-untouched = read_only.method "triggers" needs host_schema "bemx": an untouched host schema gets a refusal list
# $field: the profile key, e.g. consent.kind.
db-profile-empty-name = { $field } is empty
db-profile-empty-key = { $field } has an empty key
db-profile-key-repeats = { $field } names column { $column } twice in its key

## What `profile check` shows without refusing.

db-warning-catalogue-unused = no client data references this catalogue: it does not travel
db-warning-table-stays = no client data reaches this table and the profile names it neither catalogue nor local: it stays on this PC
db-warning-blob-in-row = column { $column } is declared BLOB but is not a document: it travels inside its row
db-warning-key-not-enforced = no unique index with NOT NULL enforces ({ $key }): a duplicate added later would stop exports

## What was being done when a file operation failed ($context above).

db-io-reading-document = reading a document
db-io-creating-database = creating the database
db-io-reading-host-path = finding the full path of the host database
db-io-removing = removing { $path }
db-io-overwriting-journal = overwriting the rollback journal { $path }
db-io-reading-bundle-document = reading a document from the bundle
db-io-writing-document = writing a document into the database
db-io-reading-profile = reading the profile { $path }

## Details ($detail above).

db-detail-table-missing = table is missing
db-detail-single-integer-key = tables that travel need a single INTEGER PRIMARY KEY
db-detail-key-not-rowid = its INTEGER PRIMARY KEY { $column } is not the table's row id (a WITHOUT ROWID table, or a key declared DESC), so an import could not give its rows new keys
db-detail-name-cannot-travel = the name { $name } cannot travel in a bundle (letters, digits and _ only, not starting with a digit, at most 64): keep it local or rename it
db-detail-column-missing = column { $column } is missing
db-detail-document-not-client-data = document column { $column } is not in client data
# $tables: table names joined by ", ".
db-detail-cycle-among = foreign keys form a cycle among { $tables }
db-detail-primary-key-local = the primary key { $column } cannot stay on this PC
db-detail-key-column-local = key column { $column } does not travel
db-detail-key-is-local-id = key column { $column } is the table's own id, which differs between installations (only a catalogue with add_missing = false, whose rows every installation keeps alike, may be matched by it)
db-detail-local-not-null = column { $column } stays on this PC but is NOT NULL without a default: the receiving side could not store the row
db-detail-foreign-key-not-key = foreign key { $column } must reference the primary key of { $target }
db-detail-self-reference-column = column { $column } references its own table; self-references are not supported
db-detail-key-is-reference = column { $column } is the key and also references { $target }; a table that extends another one row for row is not supported
db-detail-catalogue-references-client = catalogue column { $column } references client data in { $target }
# $key: the key's columns joined by ", ".
db-detail-key-empty = { $rows } row(s) have no value in ({ $key })
db-detail-key-repeats = { $values } value(s) of ({ $key }) occur more than once
# $detail: db-detail-key-empty or db-detail-key-repeats.
db-detail-catalogue-key = the catalogue key does not identify its rows: { $detail }
db-detail-root-identity = the client identity does not identify a client: { $detail }
db-detail-not-uuids = { $rows } value(s) of { $column } are not UUIDs in hyphenated form
db-detail-consent-not-client = consent column { $column } must reference { $root }
db-detail-root-column-plain = column { $column } names the client, so it must travel as a plain value: not the table's key, a reference, a document or a local column
db-detail-reference-neither = column { $column } references { $target }, which is neither a catalogue nor client data
db-detail-table-not-here = table does not exist here
# $bundle, $local: the column names, joined by ", ".
db-detail-columns-differ = columns differ: bundle has [{ $bundle }], this database has [{ $local }]
db-detail-started-before-ended = table { $table } started before { $open } ended
db-detail-not-exportable = table does not exist here or is not exportable
db-detail-table-twice = table { $table } appears twice
db-detail-row-outside-table = row outside a table
db-detail-end-not-started = end of a table that was not started
db-detail-value-count = row has { $values } values, the table has { $columns } columns
db-detail-catalogue-key-null = a catalogue row without a value in its key
db-detail-key-type = a value that identifies a row must be text or an integer, as stored here
db-detail-host-schema-setting = host_schema decides how bemx is set up on a host database: "bemx" adds its record tables to it, "untouched" keeps them in a file of the installation
db-detail-host-needs-refusal-list = a host database keeps handed-over clients on a refusal list: set read_only.method = "refusal-list"
db-detail-catalogue-row-unused = catalogue { $table } carries a row that no carried row uses
db-detail-null = null in a not-null column
db-detail-primary-key-integer = primary key must be an integer
db-detail-document-length-range = document length out of range
db-detail-reference-integer = reference must be an integer id
db-detail-document-by-length = document must be announced by its length
db-detail-no-primary-key = row without primary key
db-detail-source-row-twice = { $table } source row { $source_id } appears twice
db-detail-client-without-uuid = client without uuid
db-detail-document-not-announced = document for { $table }.{ $column } source row { $source_rowid } was not announced or was sent twice
db-detail-source-row-unknown = { $table } source row { $source_rowid } unknown
db-detail-content-differs = content does not match the stored sha256
db-detail-table-not-ended = table { $table } was not ended
db-detail-documents-missing = { $count } document(s) missing, first: { $table }.{ $column } source row { $source_rowid }
db-detail-non-integer-reference = row { $rowid } holds a non-integer reference
# $kind: SQLite's storage type of the value (text, integer, real).
db-detail-not-a-blob = row { $rowid } holds { $kind } instead of a blob
db-detail-size-differs = stored size { $size } but content has { $length } bytes
db-detail-sha256-differs = stored sha256 does not match the content

## `bemx db check`: indexes, triggers and views that differ from the bemx schema.
## $kind: SQLite's word for the object (index, trigger, view); $name: quoted.

db-schema-object-added = { $kind } { $name } on { $table } is not part of the bemx schema; another program added it
db-schema-object-changed = { $kind } { $name } on { $table } differs from the bemx schema; another program changed it
db-schema-object-missing = { $kind } { $name } on { $table } of the bemx schema is missing

## What to do (advice).

db-busy-advice = close BEMdok and every other bemx window, then try again
db-already-exists-advice = choose another path or remove the file first
db-not-found-advice = run `bemx init` first or pass the right --db path
db-not-bemx-advice = check the --db path
db-same-version-advice = install the same bemx version on both PCs
db-schema-too-old-advice = make a backup, then open it with upgrading enabled
db-invalid-installation-id-advice = pass a uuid such as the one `bemx init` generates
db-unknown-client-advice = run `bemx clients list` to see the known clients
db-unknown-client-id-advice = list the clients again, the database may have changed
db-check-advice = run `bemx db check` and repair the database before exporting
db-foreign-key-violation-advice = run `bemx db check` and repair the database
db-document-mismatch-advice = restore it from a backup before exporting
db-changed-during-export-advice = run the export inside one transaction, or simply again
db-unsupported-schema-advice = for a host database, describe the table in its profile (as a catalogue, or kept local); `bemx profile check` lists every problem. bemx's own database has this shape only if another program changed it: restore a backup
db-catalogue-row-missing-advice = add the row in the host program (both installations keep this catalogue alike), then import again
db-not-utf8-path-advice = move the installation folder to a path whose name has only valid characters
db-host-name-taken-advice = bemx cannot be set up on this database as it is; ask the host program's vendor
db-profile-invalid-advice = correct the profile file; `bemx profile suggest` drafts one from a database
db-profile-mismatch-advice = correct the profile, or use the one made for this database; `bemx profile check` lists every problem
db-detail-text-not-utf8 = text that is not UTF-8
