# bemx-format: English (the fallback). i18n/de has the same ids with the same arguments.

## Where in a bundle a failure was found (Part)

format-part-age-header = encryption header
format-part-age-payload = encrypted data
format-part-compression = compressed data
format-part-archive = archive structure
format-part-manifest = manifest
format-part-signature = manifest signature
format-part-entry = entry { $path }

## FormatError: what happened

format-not-a-bundle = this file is not a bemx bundle (no age encryption header)
format-recipient-stanzas = this file is age-encrypted but not a bemx bundle: it has { $found }; a bundle has exactly one X25519 recipient
format-not-for-this-installation = this bundle is not addressed to this installation: it was encrypted for another PC
format-recipient-mismatch = this bundle was made for installation { $named }, not for this one ({ $this }): it may have been forwarded
format-damaged = the bundle is damaged or has been tampered with ({ $part }: { $detail })
format-truncated = the bundle is truncated ({ $part } ends early)
format-trailing-data = the bundle has unexpected data after the end of the { $part }
format-forbidden-entry-type = the bundle holds a forbidden archive entry { $path } of type { $kind }: only plain files are allowed
format-forbidden-path = the bundle holds an entry with a forbidden path { $path } ({ $reason })
format-entry-mismatch = the bundle's contents do not match its signed manifest: { $detail }
format-limit = the bundle exceeds a format limit: { $what } is { $value }, the limit is { $limit }
format-manifest = the bundle's manifest is malformed ({ $detail })
format-non-canonical = the bundle's manifest is not deterministically encoded
format-unsupported-format = the bundle uses format version { $found }, this bemx reads format version { $supported }
format-bad-signature = the bundle's signature is invalid: the manifest was altered or not signed by its sender
format-bad-receipt = the receipt is invalid ({ $detail })
format-rows = a table entry of the bundle is malformed ({ $detail })
format-writer-length = internal write error: entry { $path } was announced with { $announced } bytes but supplied { $supplied }; nothing was written in its place
format-io = input/output error: { $error }

## FormatError: what to do

format-advice-check-file = check that you picked the right file
format-advice-export-again = ask the sender to export it again to your contact card
format-advice-refuse-tell-sender = refuse it and tell the sender
format-advice-damaged = the file was damaged in transit or altered: ask the sender for a new bundle
format-advice-copy-again = copy the file again completely, or ask the sender for a new one
format-advice-refuse = refuse this bundle
format-advice-same-version = install the same bemx version as the sender
format-advice-receipt-again = ask the receiver to send the receipt file again

## What to do about a failed file operation (durable::io_advice, durable::read_advice)

format-io-advice-not-found = check the path, and that the drive or USB stick is plugged in
format-io-advice-permission = check that you may write there (a write-protected stick or folder?), or choose another place
format-io-advice-full = free some space on that drive, or choose another one
format-io-advice-exists = choose another name, or move the existing file away first
format-io-advice-mixed-up = check the path: a folder and a file are mixed up
format-io-advice-other = check the drive (plugged in, not failing) and try again
format-read-advice-permission = check that the file belongs to you (ask your IT admin if it belongs to another user)

## Names of measured things and fields inside the texts (term)

format-term-manifest = manifest
format-term-manifest-size = manifest size
format-term-client-count = client count
format-term-table-count = table count
format-term-entry-count = entry count
format-term-entry-size = entry size
format-term-row-value-length = row value length
format-term-installation-name = installation name
format-term-application-version = application version
format-term-schema = schema
format-term-entry = entry
format-term-sender = sender
format-term-recipient = recipient
format-term-receiver = receiver
format-term-ed25519-key = ed25519 key
format-term-installation-id = installation id
format-term-age-key = age key
format-term-name = name
format-term-schema-fingerprint = schema fingerprint
format-term-client-id = client id
format-term-entry-hash = entry hash
format-term-bundle-id = bundle id
format-term-clients-hash = clients hash
format-term-manifest-hash = manifest hash
format-term-field-count = field count
format-term-field-order = field order
format-term-checksum = checksum
format-term-size = size

## Why an entry path is forbidden (path_rule)

format-rule-table-entry = a table entry is tables/NNN-<table>.cbor
format-rule-document-entry = a document entry is blobs/<table>.<column>/<rowid>
format-rule-data-entries = data entries live under tables/ or blobs/
format-rule-length = length must be 1 to 99 bytes
format-rule-characters = only A-Z, a-z, 0-9, '.', '_', '-' and '/' are allowed
format-rule-absolute = absolute path
format-rule-empty-component = empty path component
format-rule-dot-component = '.' or '..' component
format-rule-reserved-name = reserved name used for a data entry
format-rule-ustar-prefix = name uses the ustar prefix field or has bytes after its end

## Details: the age layer

format-recipients-none = no recipient
format-recipients-found = { $count } recipient(s) of type { $types }
format-header-too-long = header too long
format-stanza-without-final-line = a recipient stanza lacks its final short body line
format-stray-header-line = a header line is neither a stanza nor its body
format-too-many-stanzas = too many stanzas
format-authentication-failed = authentication failed
format-header-unparsable = header does not parse
format-unreadable = unreadable
format-no-entry-open = no archive entry is open

## Details: the manifest

format-manifest-bad-age-recipient = an age recipient is not of the form age1…
format-manifest-same-installation = sender and recipient are the same installation
format-manifest-no-clients = the bundle lists no clients
format-manifest-clients-not-ascending = client ids are not strictly ascending (duplicate client?)
format-manifest-bad-table-name = table name { $name } is not an identifier
format-manifest-bad-profile-name = profile name { $name } is not 1 to 64 ASCII letters, digits, dots, underscores or hyphens
format-manifest-table-twice = table { $name } is listed twice
format-manifest-entry-not-table = entry { $path } is not table number { $number } of the manifest's table list
format-manifest-entry-twice = entry { $path } is listed twice
format-manifest-table-entries = the manifest lists { $tables } tables but { $entries } table entries
format-manifest-bad-text = { $what } must be 1 to { $max } bytes without control characters
format-manifest-invalid-cbor = invalid CBOR: { $error }
format-manifest-field-count = { $what } has { $found } fields, expected { $expected }
format-manifest-expected-field = expected field { $expected }, found { $found }
format-manifest-fixed-size = { $what } must be { $size } bytes, found { $found }
format-manifest-expected-text = expected a definite-length text string
format-manifest-expected-uint = expected an unsigned integer, found { $found }

## Details: the receipt

format-receipt-too-large = file too large to be a receipt
format-receipt-not-a-receipt = not a bemx receipt
format-receipt-no-signature = missing signature
format-receipt-unexpected-data = unexpected data
format-receipt-malformed-body = malformed body: { $error }
format-receipt-wrong-format = format version { $found } is not { $supported }
format-receipt-not-canonical = body is not in canonical form
format-receipt-bad-signature = the signature does not match the receiver's key

## Details: table entries (rows)

format-rows-bad-header = invalid table header for { $table }
format-rows-bad-column = invalid column { $column } role { $role }
format-rows-arity = row has { $values } values, header { $columns }
format-rows-row-ends-early = a row ends early
format-rows-not-shortest = integer or length not in shortest form
format-rows-indefinite = indefinite length or reserved encoding
format-rows-value-ends-early = a value ends early
format-rows-not-utf8 = text is not UTF-8
format-rows-expected-text = expected text
format-rows-integer-range = integer out of range
format-rows-unsupported-item = unsupported CBOR item (major type { $major })
format-rows-header-shape = table header must be a map of name and columns
format-rows-columns = column list missing or too long
format-rows-column-shape = a column must be [name, role]
format-rows-row-shape = a row of { $table } must be an array of { $columns } values

## Details: the archive

format-archive-not-octal = { $field } field is not octal
format-archive-not-read-to-end = an entry was not read to its end
format-archive-bad-padding = non-zero padding after an entry
format-archive-lone-zero-block = a single zero block inside the archive
format-archive-checksum = header checksum mismatch
format-archive-not-ustar = not a POSIX ustar header
format-archive-link-name = a regular file entry carries a link name
format-archive-entry-too-large = entry { $path } is { $size } bytes, the manifest allows { $max }
format-archive-entry-truncated = archive entry truncated

## Archive entry types (a forbidden entry's kind)

format-entry-type-hard-link = hard link
format-entry-type-symbolic-link = symbolic link
format-entry-type-character-device = character device
format-entry-type-block-device = block device
format-entry-type-directory = directory
format-entry-type-fifo = FIFO
format-entry-type-contiguous-file = contiguous file
format-entry-type-pax-extended-header = PAX extended header
format-entry-type-pax-global-header = PAX global header
format-entry-type-gnu-long-name = GNU long name
format-entry-type-old-style = old-style file (no type)
format-entry-type-unknown = unknown type { $flag }

# What age reports about a damaged header. English output shows age's own
# words; these are shown in the other languages (age has no German).
format-age-invalid-mac = the header MAC is invalid
format-age-invalid-header = the header is invalid
format-age-key-decryption-failed = an encrypted key could not be decrypted
format-age-decryption-failed = decryption failed
# What zstd reports, shown in languages other than English (zstd speaks English).
format-zstd-damaged = the compressed data cannot be unpacked
