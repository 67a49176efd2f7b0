# bemx-pack: English (the fallback). i18n/de has the same ids with the same arguments.

## PackError

pack-no-clients = no clients selected
pack-no-clients-advice = name at least one client with --client or --clients-file
pack-duplicate-client = client { $client } is named twice
pack-duplicate-client-advice = list each client once
pack-already-handed-over = client { $client } is already handed over (bundle { $bundle })
pack-already-handed-over-advice = confirm or cancel that handover first
# { $clients }: BEM-IDs separated by commas.
pack-missing-consent = no valid handover consent recorded for client(s) { $clients }
pack-missing-consent-advice = record the signed consent first, or use --without-consent "reason" (the reason is logged)
pack-consent-changed = the recorded handover consents changed since they were shown; these clients now differ: { $clients }
pack-consent-changed-advice = check the selection again and start the export anew; nothing was written
# { $detail } is one of the pack-reason-… messages below.
pack-weak-reason = the reason given for exporting without a recorded consent is not enough ({ $detail })
pack-weak-reason-advice = write in words why these clients are handed over without it, e.g. --without-consent "consent form lost in the office move, client informed by phone" (the reason goes into the audit log)
# { $uuid } is shown in quotes.
pack-bad-client-uuid = client uuid { $uuid } in the database is malformed
pack-bad-client-uuid-advice = run `bemx db check`
pack-key-mismatch = the installation's signing key does not match its public key: the identity files are inconsistent
pack-key-mismatch-advice = restore them from a backup
pack-foreign-database = the database { $path } belongs to installation { $found }, not to this installation ({ $ours }); nothing was exported
pack-foreign-database-advice = use this installation's own database (leave out --db) or the --home of the installation it belongs to
# { $key } is shown in quotes.
pack-bad-recipient = the contact's age key { $key } is invalid
pack-bad-recipient-advice = remove the contact and add its card again
pack-target-exists = { $path } already exists
pack-target-exists-advice = choose another file name or remove the old file
pack-target-folder = the folder { $path } does not exist
pack-target-folder-advice = plug in the USB stick or choose an existing folder
# { $error } is the operating system's message.
pack-medium-writing = writing { $path } failed: { $error }; nothing was exported
pack-medium-reading-back = reading back { $path } failed: { $error }; nothing was exported
pack-medium-renaming = renaming the finished bundle to { $path } failed: { $error }; nothing was exported
pack-verify-failed = the bundle read back from { $path } differs from what was written: the drive may be failing; nothing was exported
pack-verify-failed-advice = use another drive
pack-plan-mismatch = entry { $entry } changed while it was being exported
pack-plan-mismatch-advice = close other programs using the database and try again
pack-document-damaged = document { $document } does not match its stored checksum: the database is damaged; nothing was exported
pack-document-damaged-advice = run `bemx db check` and restore a backup
pack-spool = keeping the rows in an encrypted temporary file in { $dir } failed: { $error }; nothing was exported
pack-cancelled = export cancelled: nothing was exported and the database is unchanged
pack-busy = the database is in use by another program
pack-busy-advice = close BEMdok and any other bemx window, then try again
pack-random = the system random number generator failed ({ $detail })
pack-random-advice = try again
# { $detail } names the broken invariant (for the developers).
pack-internal = internal error: { $detail }
pack-internal-advice = please report this

## MediumStep

pack-step-writing = writing
pack-step-reading-back = reading back
pack-step-renaming = renaming the finished bundle to

## Why a reason for exporting without consent is not enough (pack-weak-reason)

# { $char } is the character's code, e.g. U+200B.
pack-reason-hidden-char = it contains a control or invisible character, { $char }
pack-reason-empty = it is empty
pack-reason-too-long = it has { $chars } characters, more than { $max }
# { $reason } is the reason given, in quotes.
pack-reason-too-short = { $reason } is too short to be one; a reason has at least { $min } characters and two words
