# bemx-unpack: English (the fallback). i18n/de has the same ids with the same arguments.

## UnpackError: what happened

unpack-not-a-bundle = this file is not a bemx bundle ({ $detail })
unpack-not-for-this-installation = this bundle is not addressed to this installation: it was encrypted for another PC
unpack-recipient-mismatch = this bundle was made for { $name } (installation { $named }), not for this installation ({ $this }): it may have been forwarded by someone else
unpack-untrusted-sender = the bundle is signed by someone who is not among your trusted contacts (the bundle says { $name }, unverified)
unpack-sender-key-changed = the bundle claims to come from your contact { $name } but is signed with a different key (not the one you have on file): someone else may have made it
unpack-sender-claims-differ = the bundle is signed by your contact { $name } but names another sender ({ $fields } differ from their contact card): it pretends to come from someone else
unpack-bad-signature = the bundle's signature is invalid: its table of contents was altered or not signed by its sender
unpack-damaged = the bundle is damaged or has been tampered with ({ $part }: { $detail })
unpack-truncated = the bundle is incomplete ({ $part } ends early or its last part is damaged)
unpack-trailing-data = the bundle has unexpected extra data after the end of its { $part }
unpack-unsupported-format = the bundle uses format version { $found }, this bemx reads format version { $supported }
unpack-manifest-missing = this file decrypts but does not start with a bemx table of contents (found { $found }): it was not made by bemx or was altered
unpack-bad-manifest = the bundle's table of contents is malformed ({ $detail })
unpack-limit = the bundle exceeds a format limit ({ $what } is { $value }, the limit is { $limit })
unpack-forbidden-entry-type = the bundle holds a forbidden item { $path } of type { $kind }: only plain files are allowed
unpack-forbidden-path = the bundle holds an item with a forbidden name { $path } ({ $reason })
unpack-missing-entry = the bundle is missing { $path }, which its signed table of contents lists
unpack-extra-entry = the bundle holds { $path }, which its signed table of contents does not list: it was altered
unpack-out-of-order = the bundle's items are out of order ({ $found } came where { $expected } belongs; an item is missing or was moved)
unpack-duplicate-entry = the bundle holds { $path } twice: it was altered
unpack-size-mismatch = the bundle's item { $path } has { $archive } bytes but its signed table of contents says { $manifest }: it was altered
unpack-hash-mismatch = the bundle's item { $path } does not match its checksum in the signed table of contents: it was altered or damaged
unpack-bad-rows = a table in the bundle is malformed ({ $detail })
unpack-row-count-mismatch = the bundle's table { $table } holds { $found } rows but its signed table of contents says { $manifest }
unpack-entry-not-finished = internal error: entry { $path } was not read to its end before the next was requested; nothing was imported
unpack-already-failed = internal error: the bundle reader was used after an earlier error; nothing was imported
unpack-io = the file could not be read ({ $error })

## UnpackError: what to do

unpack-advice-check-file = check that you picked the right file
unpack-advice-export-again = ask the sender to export it again to your contact card
unpack-advice-tell-sender = do not import it and tell the sender
unpack-advice-untrusted-sender = check the sender's fingerprint with them (by phone), add their contact card, then try again
unpack-advice-sender-key-changed = do not import it, call the sender and compare fingerprints
unpack-advice-sender-claims-differ = do not import it and call the sender
unpack-advice-refuse-new-bundle = do not import it, ask the sender to export a new bundle
unpack-advice-copy-again = copy it again from the original; if that does not help, ask the sender to export a new bundle
unpack-advice-copy-completely = copy the file again completely from the original; if that does not help, ask the sender to export a new bundle
unpack-advice-same-version = install the same bemx version as the sender, or ask the sender to use yours
unpack-advice-new-bundle = ask the sender to export a new bundle
unpack-advice-do-not-import = do not import it

## Details inside the messages

unpack-no-age-header = it has no age encryption header
unpack-wrong-recipients = it is age-encrypted, but with { $found } instead of exactly one X25519 recipient
unpack-another-installation = another installation
unpack-manifest-ends-early = the encoding ends early
unpack-manifest-trailing-bytes = bytes after the end of the encoding
unpack-manifest-not-canonical = not deterministically encoded
unpack-empty-archive = an empty archive
unpack-first-entry = { $path } first
unpack-signature-missing = the signature entry is missing
unpack-second-entry = the second entry must be { $expected }, found { $found }
unpack-table-mismatch = entry { $path } holds table { $table }
unpack-entry-ends-early = entry ends early
