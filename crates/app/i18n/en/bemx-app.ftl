# bemx-app: English. The German catalogue has the same ids with the same arguments.

## Screens

app-screen-setup = Set up bemx
app-screen-unlock = Unlock
app-screen-export = Hand clients over
app-screen-import = Take clients over
app-screen-confirm = Read in a receipt
app-screen-handovers = Handovers
app-screen-backups = Backups
app-screen-contacts = Contacts
app-screen-audit = Audit log

## Shared

app-installation = Installation: { $name }
app-fingerprint-short = Fingerprint { $fingerprint }
app-demo-switch = Demo: switch to the other installation
app-error = Error: { $message }
app-hint = Hint: { $hint }
app-warning = Warning: { $warning }
app-notice-close = Close message
app-back = Back
app-cancel = Cancel
app-yes = yes
app-no = no
app-browse = Browse… ({ $what })
app-locked = the installation is not unlocked
app-internal-error = the work ended unexpectedly; nothing was committed
app-internal-error-hint = try again; if it happens again, run the same step with the bemx command and send its output to your IT support
app-do-not-interrupt = Please do not switch off the PC or pull the USB stick while this runs.
app-cancel-work = Cancel safely
app-cancelling = Cancelling… nothing is changed.
app-close-title = Work in progress
app-close-question = An import or export is running. If you close now it is cancelled safely and nothing is changed. Close anyway?
app-close-keep = Keep running
app-close-cancel = Cancel and close

app-step-safety-backup = Making the SICHERHEITSBACKUP…
app-step-merge = Merging the clients…
app-step-commit = Saving…
app-step-receipt = Writing the receipt…
app-step-writing-the-bundle = Writing the handover file…

## First start and unlock

app-setup-intro = Welcome. This PC has no bemx installation yet. It gets its own keys; colleagues add its contact card to hand clients over to it.
app-setup-folder = Folder: { $folder }
app-setup-name = Name (e.g. your name and site)
app-setup-protect = Protect the keys with a passphrase
app-setup-passphrase = Passphrase
app-setup-passphrase-again = Passphrase again
app-setup-create = Set up installation
app-setup-running = Setting up the installation…
app-setup-name-missing = enter a name colleagues will recognise
app-setup-passphrase-empty = the passphrase is empty
app-setup-passphrase-differ = the two passphrases differ
app-setup-exists = there is already an installation in { $folder }
app-setup-exists-hint = restart the app to open it
app-setup-done = The installation is set up in { $folder }.
app-setup-continue = Continue to contacts
app-unlock-intro = The keys of this installation are protected by a passphrase.
app-unlock-passphrase = Passphrase
app-unlock-button = Unlock
app-unlock-running = Unlocking…

## Contact card

app-card-intro = Your contact card: save it and give it to colleagues. Compare the fingerprint by phone before they trust it.
app-card-save-path = Save card as
app-card-save = Save card
app-card-saved = Contact card saved to { $path }.
app-card-save-failed = could not save the contact card to { $path }
app-card-read-failed = could not read the contact card { $path }
app-card-own = this is this installation's own contact card
app-card-own-hint = add the card of the colleague you hand clients over to

## Hand clients over

app-export-intro = Choose the clients, the colleague who takes them over and where to write the handover file.
app-export-search = Search BEM-ID
app-export-show-handed-over = Also show clients handed over
app-export-no-clients = No clients.
app-column-bem-id = BEM-ID
app-column-case = Case status
app-column-consent = Consent
app-column-handover = Handover
app-consent-given = given on { $date }
app-consent-revoked = revoked on { $date }
app-consent-none = none
app-handed-over = handed over ({ $id })
app-export-selected = { $count ->
    [one] 1 client selected
   *[other] { $count } clients selected
}
app-export-recipient = Recipient
app-export-recipient-none = (choose)
app-export-no-contacts = No contacts yet: add your colleague's contact card under Contacts first.
app-export-drives = Removable drives:
app-export-drive = Use { $drive }
app-export-folder = Target folder
app-export-file-name = File name
app-export-without-consent = Without a recorded handover consent: { $clients }
app-export-reason = Reason (goes into the audit log)
app-export-next-button = Next
app-export-none-selected = no client is selected
app-export-no-recipient = no recipient is chosen
app-export-no-recipient-hint = choose the colleague who takes the clients over
app-export-folder-missing = the target folder { $folder } does not exist
app-export-folder-missing-hint = choose a folder, e.g. on the USB stick
app-export-file-name-bad = enter a file name without folders
app-export-file-exists = { $path } exists already
app-export-file-exists-hint = choose another file name; an existing file is never overwritten
app-export-contact-gone = the recipient is no longer among the contacts
app-export-contact-gone-hint = add the colleague's contact card again, then start over
app-export-summary = { $clients ->
    [one] Hand over 1 client:
   *[other] Hand over { $clients } clients:
}
app-export-summary-to = To: { $name }, fingerprint:
app-export-summary-file = File: { $path }
app-export-summary-after = Until the receipt comes back these clients are read-only here and hidden from the list.
app-export-start = Start handover
app-export-running = Writing the handover file…
app-export-done = { $clients ->
    [one] The handover file for 1 client is written.
   *[other] The handover file for { $clients } clients is written.
}
app-export-done-file = File: { $path }
app-export-done-id = Handover: { $id }
app-export-next = Next: give the file to your colleague (e.g. on the USB stick). Only their installation can open it. They import it and send you a receipt; read it in under "Read in a receipt".
app-export-again = Hand over more clients

## Take clients over

app-import-intro = Choose the handover file a colleague gave you, or drop it onto this window.
app-import-file = Handover file
app-import-drop = Tip: you can also drag the file onto the window.
app-import-check = Check file
app-import-checking = Checking the handover file…
app-import-preview = Please check before the import starts:
app-import-preview-file = File
app-import-preview-from = From
app-import-preview-created = Created
app-import-preview-into = Into
app-import-preview-fingerprint = Sender's fingerprint:
app-import-preview-clients = { $clients ->
    [one] 1 client, { $documents } documents:
   *[other] { $clients } clients, { $documents } documents:
}
app-import-preview-renamed = — stored as { $stored } (BEM-ID taken here)
app-import-preview-deletes = Backups deleted afterwards: { $backups }
app-import-preview-backup = A SICHERHEITSBACKUP of the database is made first.
app-import-burn = Delete the handover file securely now
app-import-burning = Overwriting and deleting the handover file…
app-import-start = Start import
app-import-running = Importing…
app-import-done = { $clients ->
    [one] 1 client was imported.
   *[other] { $clients } clients were imported.
}
app-import-done-backup = Safety backup: { $name }
app-import-renamed = { $old } is stored as { $new }
app-import-done-receipt = Receipt for the sender: { $path }
app-import-done-burned = The handover file was overwritten and deleted.
app-import-next = Next: give the receipt file back to the sender. Only then are the clients removed there.
app-import-another = Import another file

## Receipt

app-confirm-intro = Read in the receipt your colleague sent back. The clients of that handover are then removed from this installation for good.
app-confirm-file = Receipt file
app-confirm-check = Check receipt
app-confirm-checking = Checking the receipt…
app-confirm-preview = { $count ->
    [one] Handover { $id }: 1 client will be removed from this installation for good:
   *[other] Handover { $id }: { $count } clients will be removed from this installation for good:
}
app-confirm-warning = They are safe with the receiver, who confirmed the import.
app-confirm-start = Remove clients for good
app-confirm-running = Removing the clients…
app-confirm-done = Handover { $id } confirmed: { $clients } clients and all their { $rows } records were removed.
app-confirm-still-in-backups = Still in these backups: { $backups }. Delete them under Backups if they must go too.
app-confirm-another = Read in another receipt

## Handovers

app-handovers-none = No handovers yet.
app-column-bundle = Handover
app-column-state = State
app-column-clients = Clients
app-column-recipient = Recipient
app-column-exported = Exported
app-state-open = open
app-state-confirmed = confirmed
app-state-cancelled = cancelled
app-handover-cancel = Take back { $id }
app-handover-cancel-question = Take back handover { $id }? Only if the file was never imported: a receipt for it will then be refused.
app-handover-cancel-yes = Take back
app-handover-cancelling = Taking the handover back…
app-handover-cancelled = { $clients ->
    [one] Handover { $id } taken back: 1 client is back here.
   *[other] Handover { $id } taken back: { $clients } clients are back here.
}

## Backups

app-backups-intro = Encrypted backups of this installation's database, in { $folder }.
app-backups-usage = { $count ->
    [one] 1 backup, { $total }; { $free } free on the disk.
   *[other] { $count } backups, { $total }; { $free } free on the disk.
}
app-backup-create = Make a backup now
app-backup-creating = Making a backup…
app-backup-created = Backup { $name } made.
app-backups-none = No backups yet.
app-column-backup = Backup
app-column-kind = Kind
app-column-written = Written
app-column-size = Size
app-column-signed = Signed
app-kind-safety = safety backup
app-kind-manual = made by hand
app-kind-before-restore = before a restore
app-kind-other = other
app-backup-restore = Restore { $name }
app-backup-restore-short = Restore…
app-backup-preparing = Checking and decrypting the backup…
app-restore-question = Restore backup { $name }?
app-restore-same-clients = The same clients as now.
app-restore-disappear = These clients disappear: { $clients }
app-restore-come-back = These clients come back: { $clients }
app-restore-previous-kept = The current state is backed up first.
app-restore-yes = Restore
app-restore-running = Restoring…
app-backup-restored = Backup { $name } restored.
app-backup-restored-previous = The state before is in backup { $name }.

## Contacts

app-contacts-own = This installation
app-contacts-add-title = Add a colleague's contact card
app-contacts-card-file = Contact card file
app-contacts-read = Read card
app-contacts-compare = Compare this fingerprint with { $name } by phone. Trust the card only if every group is the same.
app-contacts-trust = Fingerprint matches: trust
app-contacts-added = { $name } was added to the contacts.
app-contacts-already = { $name } is already a contact; nothing changed.
app-contacts-list = Trusted contacts
app-contacts-none = No contacts yet.
app-contacts-remove = Remove { $name }
app-contacts-remove-question = Remove { $name } from the contacts? Handovers to or from them are then refused.
app-contacts-remove-yes = Remove
app-contacts-removed = { $name } was removed from the contacts.

## Audit log

app-audit-intro = Every change of this installation: ids and counts only, never personal data.
app-audit-none = Nothing recorded yet.
app-column-when = When
app-column-event = Event
app-column-detail = Detail
app-event-export = export
app-event-export-without-consent = export without consent
app-event-import = import
app-event-handover-confirmed = handover confirmed
app-event-handover-cancelled = handover taken back
app-event-handover-reapplied = handover applied again
app-event-consent-recorded = consent recorded
app-event-consent-revoked = consent revoked

app-receipt-read-failed = could not read the receipt { $path }
app-case-status = { $status }

## Added after review

app-export-summary-reason = Reason: { $reason }
app-import-done-backups-deleted = Older backups deleted: { $backups }
app-contacts-reading = Reading the contact card…
app-not-a-file = not a regular file
app-close-wait = This work cannot be cancelled midway. The window closes as soon as it is done.
app-close-after = Close when done
app-close-too-late = The work was already past the point where it could be cancelled; it is done, see below.
app-consent-record = Record consent…
app-consent-record-for = Record consent for { $client }
app-consent-record-title = Record the handover consent of { $client } (the signed form):
app-consent-date = Date on the form (e.g. 12.03.2026)
app-consent-record-yes = Record consent
app-consent-recorded = Consent of { $client } recorded, given on { $date }.
app-backup-delete-short = Delete…
app-backup-delete = Delete { $name }
app-backup-delete-question = Delete backup { $name } for good? It cannot be restored afterwards.
app-backup-delete-yes = Delete backup
app-backup-deleted = Backup { $name } deleted.
