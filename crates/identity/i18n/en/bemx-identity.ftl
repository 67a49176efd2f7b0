# bemx-identity: English (the fallback). i18n/de has the same ids with the same arguments.
#
# Paths, fingerprints and modes arrive ready to print; names, queries and
# contexts arrive already quoted (Rust's Debug quoting, which also shows
# hidden characters), so the catalogues add no quotes of their own.

## IdentityError: what happened.

identity-no-identity = no installation at { $home }
identity-incomplete-identity = the identity in { $dir } is incomplete: { $missing } is missing
identity-already-exists = { $path } already exists: refusing to overwrite an existing identity
identity-insecure-permissions = secret key file { $path } is readable by other users (mode { $mode })
# $what: one of the identity-what-… texts below.
identity-writable-by-others = { $what } { $path } can be changed by other users (mode { $mode }), who could plant a trusted contact there
identity-outside-private-folder = { $what } { $path } is outside the user's private folders ({ $allowed }): on Windows bemx keeps its keys and trusted contacts only where the access list is limited to the user
# $action: one of the identity-action-… texts below (it includes the path).
identity-access-denied = permission denied while trying to { $action }
identity-passphrase-required = secret key file { $path } is protected by a passphrase
identity-passphrase-not-text = BEMX_PASSPHRASE is set but is not valid UTF-8 text
identity-wrong-passphrase = wrong passphrase for { $path }
identity-empty-passphrase = the passphrase is empty
identity-corrupt-key-file = key file { $path } is corrupt or truncated ({ $reason })
identity-invalid-name = invalid name: { $reason }: choose a name of 1 to 100 characters without control or invisible characters (if it came on a contact card, ask the sender for a card with a plainly written name)
identity-random = the operating system's random number generator failed ({ $reason })
identity-io = could not { $action }: { $error }
identity-card-too-large = the contact card is too large ({ $size } bytes, at most { $max })
identity-not-a-card = this is not a bemx contact card
identity-unknown-card-version = unknown contact card version { $version }
identity-malformed-card = the contact card is malformed ({ $reason })
identity-bad-age-key = the contact card's age key is invalid ({ $reason })
identity-bad-signing-key = the ed25519 signing key is invalid ({ $reason })
identity-fingerprint-mismatch = the contact card states fingerprint { $stated } but its keys give { $computed }: the card was altered or damaged
identity-bad-fingerprint = { $input } is not a fingerprint
identity-contact-key-changed = contact { $name } presents new keys (fingerprint { $new_fp }, trusted is { $old_fp }): this may be an impersonation attempt
identity-contact-name-taken = another contact is already called { $name } (fingerprint { $existing_fp })
identity-contact-name-looks-like = the name { $name } reads like the name of contact { $existing } (fingerprint { $existing_fp }), so the two could be mixed up, and a look-alike name is a common impersonation trick
# $chars: the new name's characters outside A-Z with their code points, e.g. "В (U+0412)".
identity-contact-name-looks-like-chars = the name { $name } reads like the name of contact { $existing } (fingerprint { $existing_fp }); its characters outside A-Z are { $chars }, so the two could be mixed up, and a look-alike name is a common impersonation trick
identity-contact-key-reused = the card's keys are already trusted for contact { $existing }, a different installation: this card is not genuine or was copied
identity-contact-not-found = no contact named or with fingerprint { $query }
# $contacts: the trusted contacts, "name (fingerprint)", joined by ", ".
identity-contact-not-found-listing = no contact named or with fingerprint { $query }; the contacts are: { $contacts }
identity-contact-ambiguous = { $query } fits more than one contact
# $candidates: the contacts that fit, "name (fingerprint)", joined by ", ".
identity-contact-ambiguous-listing = { $query } fits more than one contact; it could be: { $candidates }
identity-corrupt-contacts = contacts file { $path } is damaged ({ $reason })
identity-bad-signature = the { $context } signature does not verify: the data was altered or signed by another key
identity-invalid-context = signature context { $context } contains a NUL byte: this is a bug in bemx

## What a folder or file is ($what above).

identity-what-secret-key-file = secret key file
identity-what-secret-key-folder = secret key folder
identity-what-installation-folder = installation folder
identity-what-contacts-file = contacts file

## What was attempted on a file ($action above).

identity-action-read = read { $path }
identity-action-create = create { $path }
identity-action-create-folder = create folder { $path }
identity-action-write = write { $path }
identity-action-replace = replace { $path }
identity-action-encrypt = encrypt { $path }
identity-action-other = { $action } { $path }

## What to do (advice).

identity-no-identity-advice = run `bemx init`
identity-writable-by-others-advice = run `chmod { $fix } { $path }`, then check with `bemx contacts list` that you added every contact listed
identity-passphrase-not-text-advice = use the passphrase as plain text there, or unset BEMX_PASSPHRASE and type the passphrase when asked
identity-contact-name-looks-like-advice = confirm the fingerprint { $new_fp } with the sender by phone, and if it is a different colleague, edit the card's name line to a clearly different name (e.g. add a department) and add it again
identity-incomplete-identity-advice = restore the identity folder from a backup (or move it aside and run `bemx init` to start over)
identity-already-exists-advice = use another installation folder or move the old identity folder aside
identity-insecure-permissions-advice = run `chmod 600 { $path }`
identity-outside-private-folder-advice = use an installation folder there (the default is %APPDATA%\bemx), or, if an administrator has limited this folder's access list to the user, name the folder in BEMX_TRUSTED_KEY_FOLDER
identity-access-denied-advice = make sure the file belongs to the user running bemx
identity-passphrase-required-advice = enter the passphrase when asked or set BEMX_PASSPHRASE
identity-wrong-passphrase-advice = try again (if the passphrase is certainly right, the file is damaged: restore it from a backup)
identity-empty-passphrase-advice = choose a non-empty passphrase, or none at all
identity-corrupt-key-file-advice = restore the identity folder from a backup
identity-invalid-name-advice = choose a name of 1 to 100 characters without control characters
identity-random-advice = try again
identity-card-too-large-advice = check that you picked the right file
identity-not-a-card-advice = ask the sender for the output of `bemx id show`
identity-unknown-card-version-advice = update bemx, or ask the sender for a version 1 card
identity-malformed-card-advice = ask the sender for a fresh copy of `bemx id show`
identity-bad-key-advice = ask the sender for a fresh copy of the card
identity-fingerprint-mismatch-advice = do not trust it; ask the sender for a fresh copy
identity-bad-fingerprint-advice = a fingerprint is 32 letters and digits like ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567
identity-contact-key-changed-advice = confirm the new fingerprint with { $name } by phone, and if the key change is genuine remove the old contact first (`bemx contacts remove { $old_fp }`)
identity-contact-name-taken-advice = edit the card's name line to another name (e.g. add a department) and add it again
identity-contact-key-reused-advice = do not add it
identity-contact-not-found-advice = run `bemx contacts list` to see the trusted contacts
identity-contact-ambiguous-advice = type more of the name or fingerprint, so that it fits one contact only
identity-corrupt-contacts-advice = restore it from a backup, or move it aside and add the contacts again
identity-bad-signature-advice = do not trust it
identity-invalid-context-advice = please report it

## Why a name, card, key file or contacts file was refused (the $reason above).
## $error: a library's own message (JSON, base64, age), not translated.

identity-reason-age-prefix = it does not start with age1
identity-reason-not-curve-point = not a valid curve point
identity-reason-weak-key = a weak key of small order
identity-reason-not-base64 = not base64: { $error }
identity-reason-key-length = { $bytes } bytes instead of 32
identity-reason-name-not-normal = the name is not in its normal form (Unicode NFC, no leading, trailing or repeated spaces)
identity-reason-age-not-canonical = not in canonical lowercase form
# $line, $field: quoted as written on the card.
identity-reason-card-line = line { $line } is not `key: value`
identity-reason-card-unknown-field = unknown field { $field }
identity-reason-card-field-twice = field { $field } appears twice
identity-reason-card-field-missing = field { $field } is missing
identity-reason-card-installation-id = the installation id is not a UUID
# $kind: which kind of hidden character; $code: its code point in hex.
identity-reason-name-hidden = the name contains { $kind ->
        [line-break] a tab or line break
        [zero-width] an invisible zero-width character
        [direction] a right-to-left or other text-direction control character
        [control] a control character
       *[format] an invisible formatting character
    } (U+{ $code }), which can make it look like another name
identity-reason-name-empty = the name is empty
identity-reason-name-too-long = the name has { $count } characters, more than { $max }
identity-reason-name-fingerprint = the name looks like a fingerprint
identity-reason-contacts-too-large = larger than 16 MiB
identity-reason-not-json = not valid JSON: { $error }
identity-reason-contacts-version = unknown contacts file version { $version }: update bemx
identity-reason-contacts-entry = entry { $entry }: { $error }
identity-reason-contacts-clash = entry { $entry } ({ $name }, fingerprint { $fingerprint }) clashes with contact { $other } (fingerprint { $other_fp }): same keys, same installation or a name that reads the same
identity-reason-cannot-serialize = cannot serialize: { $error }
identity-reason-not-regular-file = not a regular file
identity-reason-larger-than = larger than { $max } bytes
identity-reason-cannot-encode = cannot encode the key: { $error }
identity-reason-cannot-encode-plain = cannot encode the key
identity-reason-age-key-differs = its age public key does not match age.key
identity-reason-signing-key-differs = its ed25519 public key does not match signing.key
identity-reason-installation-too-large = larger than 64 KiB
identity-reason-installation-not-valid = not valid installation data: { $error }
identity-reason-installation-version = unknown installation file version { $version }: update bemx
identity-reason-installation-id = installation_id is not a UUID
identity-reason-bad-name = bad name: { $error }
identity-reason-installation-age = age_recipient is not an age public key
identity-reason-installation-ed25519 = ed25519 is not a 32-byte base64 key
identity-reason-fingerprint-differs = the fingerprint does not match the keys
identity-reason-age-header = unreadable age header: { $error }
identity-reason-not-passphrase-encrypted = it is age-encrypted, but not with a passphrase
identity-reason-work-factor = scrypt work factor { $required } is above the limit { $max }
identity-reason-encrypted-damaged = the encrypted content is damaged: { $error }
identity-reason-no-key-line = no key line found
identity-reason-several-key-lines = more than one key line
identity-reason-not-text = not text
identity-reason-key-line-prefix = the key line does not start with { $prefix }
identity-reason-bad-age-secret = bad age secret key: { $error }
identity-reason-key-not-base64 = the key is not valid base64
identity-reason-key-bytes = the key has { $bytes } bytes instead of 32
