# bemx-install: English (the fallback). i18n/de has the same ids with the same arguments.

## InstallError

install-busy = the database is in use by another program
install-busy-advice = close BEMdok and every other bemx window, then try again
# A backup and what is wrong with it: { $problem } is one of the
# install-backup-problem-… messages below, which continue the sentence.
install-backup = backup { $name } { $problem }
install-damaged = the database fails its integrity check ({ $result }); nothing was changed
install-damaged-advice = run `bemx db check` and restore a backup
install-pending-journal = cannot restore while { $journal } exists (an interrupted write)
install-pending-journal-advice = open the database once with bemx (`bemx db check`) so SQLite can roll it back, then restore
install-unknown-handover = no handover with bundle id { $bundle }
install-unknown-handover-advice = run `bemx handover list` to see the open ones
# { $state } is the handover's recorded state: open, confirmed or cancelled.
install-handover-state = handover { $bundle } is { $state }
install-handover-state-already-confirmed-advice = it was already confirmed; nothing to do
install-handover-state-cancel-advice = only an open handover can be cancelled; `bemx handover list` shows them
install-handover-state-confirm-advice = only an open handover can be confirmed; `bemx handover list` shows them
install-foreign-database = the database { $database } belongs to installation { $found }, not to this installation ({ $ours }); nothing was changed
install-foreign-database-advice = use this installation's own database (leave out --db), or the --home of the installation it belongs to
install-host-elsewhere = this installation keeps its records for the host database { $recorded }, not for { $given }; nothing was changed
install-host-elsewhere-advice = leave out --db to work on the host database the installation was set up on; a host database that moved needs an installation set up on it anew
install-other-profile = the profile given is { $given }, but this installation works through { $recorded }; nothing was done
install-other-profile-advice = leave out --profile, or use the --home of the installation set up with that profile; `bemx profile check` shows what a profile derives
install-restore-would-lose = restoring backup { $backup } would delete client(s) { $bem_ids } that were imported after it was taken; nothing was changed
install-restore-would-lose-advice = their case files exist only in the current database: restore a newer backup (`bemx backup list`), or hand these clients over first
# { $needed } and { $free } are sizes such as "3.1 GB"; { $purposes } are
# install-purpose-… messages joined by install-purpose-and.
install-disk-full = not enough free space on { $disk }: { $purposes } need about { $needed }, { $free } free; nothing was written
install-disk-full-advice = make room on that disk (empty the recycle bin, move or delete large files; `bemx backup list` shows the backups and their sizes), or choose another folder, then try again
install-bad-date = { $given } is not a date
install-bad-date-advice = write the date as on the form, e.g. 12.03.2026 or 2026-03-12
install-date-in-future = the date { $date } lies in the future
install-date-in-future-advice = give the date written on the signed form
install-client-handed-over = client { $bem_id } is handed over (bundle { $bundle }) and cannot be changed here
install-client-handed-over-advice = wait for the handover to be confirmed or cancel it (`bemx handover list`)
install-consent-exists = client { $bem_id } already has a handover consent, given on { $since }; nothing was changed
install-consent-exists-advice = to record a new one, revoke the old one first (`bemx clients consent revoke`)
install-clients-changed = { $count } client(s) of this handover are no longer found under the id they were handed over with: the values they are recognised by (such as an e-mail address) were changed in the host program; nothing was purged and the handover stays open
install-clients-changed-advice = restore those values in the host program, then confirm again
install-consent-in-host = this installation works on a host program's database, which records consent itself (or, by its profile, not at all); bemx does not write it; nothing was changed
install-consent-in-host-advice = record the consent in the host program; `bemx export --without-consent REASON` hands over a client whose host records none
install-no-consent = client { $bem_id } has no handover consent in force; nothing was changed
install-no-consent-advice = `bemx clients list` shows each client's consent
install-revoked-before-given = the consent was given on { $given_on }, so it cannot have been revoked on { $revoked_on }
install-revoked-before-given-advice = give the date of the revocation, on or after that day
install-not-the-clients-document = document { $document } is not a document of client { $bem_id }
install-not-the-clients-document-advice = name a document of this client that holds the signed form, or leave out --form
# { $reason } is one of the install-record-… messages below.
install-record-file = { $path } line { $line } cannot be read ({ $reason })
install-record-file-advice = the file was changed outside bemx: restore it from your file backup or ask your IT admin; bemx changed nothing
install-record-too-long = longer than 8 MiB
install-record-not-utf8 = not UTF-8 text
install-record-unknown = not a record this version knows

## A file operation that failed: { $error } is the operating system's message.

install-io-reading = reading { $path } failed: { $error }
install-io-creating = creating { $path } failed: { $error }
install-io-writing = writing { $path } failed: { $error }
install-io-opening = opening { $path } failed: { $error }
install-io-listing = listing { $path } failed: { $error }
install-io-locking = locking { $path } failed: { $error }
install-io-syncing = syncing { $path } failed: { $error }
install-io-appending = appending to { $path } failed: { $error }
install-io-opening-lock-file = opening the lock file { $path } failed: { $error }
install-io-opening-signature = opening the signature of { $path } failed: { $error }
install-io-reading-signature = reading the signature of { $path } failed: { $error }
install-io-deleting-backup = deleting the backup { $path } failed: { $error }
install-io-deleting-old-backup = deleting the old backup { $path } failed: { $error }
install-io-writing-backup = writing the backup { $path } failed: { $error }
install-io-writing-backup-signature = writing the backup signature { $path } failed: { $error }
install-io-encrypting-backup = encrypting the backup { $path } failed: { $error }
install-io-opening-backup = opening the backup { $path } failed: { $error }
install-io-renaming-backup = renaming the backup { $path } failed: { $error }
install-io-renaming-backup-signature = renaming the backup signature { $path } failed: { $error }
install-io-finding-free-space = finding the free space for { $path } failed: { $error }
install-io-replacing-database = replacing the database with { $path } failed: { $error }

## BackupProblem: each continues "backup NAME …" (install-backup).

install-backup-problem-bad-name = is not a backup name
install-backup-problem-missing = does not exist
install-backup-problem-exists = already exists
install-backup-problem-not-a-backup = is not a bemx backup ({ $detail })
install-backup-problem-foreign-key = was not made by this installation (it is encrypted to another key)
install-backup-problem-damaged = is damaged or truncated ({ $detail })
install-backup-problem-read-back = reads back differently from the database
install-backup-problem-unsigned = is not signed by this installation; nothing was changed
install-backup-problem-bad-signature = has a signature that does not verify with this installation's key; nothing was changed
# { $what } is "name" or "installation": the signed fact that differs.
install-backup-problem-signed-for-other = has a signature made for another backup (the { $what } differs); nothing was changed
install-backup-problem-content-mismatch = does not hold the database its signature vouches for; nothing was changed
install-backup-pick-advice = run `bemx backup list` to see the backups and use a name it shows
install-backup-exists-advice = wait a second and try again
install-backup-use-another-advice = use another backup (`bemx backup list`)
install-backup-read-back-advice = the disk may be failing: check it; nothing was changed
install-backup-unsigned-advice = restore a backup that `bemx backup list` shows as signed; a backup made by an older bemx can be restored by hand (age -d, zstd -d) once you are sure where it came from
install-backup-forged-advice = do not use this backup, it may have been forged or swapped: restore another one (`bemx backup list`) and ask your IT admin who can write to the backups folder

## ReceiptProblem

install-receipt-cancelled-handover = WARNING: this receipt says bundle { $bundle } was imported, but you cancelled that handover and took the clients back: the clients now exist on two PCs
install-receipt-cancelled-handover-advice = contact the receiver at once and agree who keeps the clients
install-receipt-recipient-unknown = the recipient of bundle { $bundle } (fingerprint { $fingerprint }) is no longer among your contacts
install-receipt-recipient-unknown-advice = add their contact card again to check the receipt
# { $what } is one of the install-receipt-facts-… messages below.
install-receipt-mismatch = the receipt for bundle { $bundle } does not match this handover ({ $what } differ)
install-receipt-mismatch-advice = ask the receiver for the right receipt
install-receipt-facts-parties = sender or receiver
install-receipt-facts-manifest = the acknowledged manifest
install-receipt-facts-clients = the clients
install-receipt-import-restored-away = bundle { $bundle } is recorded as imported, but this database no longer holds that import (it was restored from an older backup)
install-receipt-import-restored-away-advice = its clients may be missing here: ask the sender to cancel that handover and export the clients again
install-receipt-never-imported = bundle { $bundle } was never imported here
install-receipt-never-imported-advice = run `bemx inspect` on the bundle to see its id
install-receipt-several-senders = bundle { $bundle } was imported here from more than one sender ({ $senders }); a bundle id is used once, so one of them reused another's
install-receipt-several-senders-advice = no receipt is written: ask your IT admin to look at both imports (`bemx handover list` on each sender's PC shows whose handover it is)

## Free space

install-purpose-backup = the backup
install-purpose-merge = the imported data
install-purpose-restore = the restored database
install-purpose-bundle = the bundle
# What a confirm's purge keeps on the disk until it commits: every page it overwrites.
install-purpose-purge = the removal of the handed-over clients
# Joins two purposes: "the backup and the imported data".
install-purpose-and = and
install-space-no-parent = no existing parent folder

## Backups

# { $total } and { $free } are sizes such as "3.1 GB".
install-backup-usage-warning = the { $count } backups take { $total } and only { $free } is free beside them, so the next safety backup may not fit: delete old ones with `bemx backup delete NAME` (see `bemx backup list`)

# A size under 1000 bytes (larger ones: 3.1 GB, with the decimal comma in German).
install-size-bytes = { $n } bytes

# The start of a bundle id that fits several (handover cancel, receipt).
install-ambiguous-bundle = the bundle id { $query } fits more than one bundle: { $matches }
install-ambiguous-bundle-advice = give more of the id

# A restore whose database changed between its question and its swap.
install-database-changed = another program wrote to the database { $database } while you were asked; nothing was restored
install-database-changed-advice = close BEMdok and run the restore again; it will show what it changes now
