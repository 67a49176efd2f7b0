# bemx-import: English (the fallback). i18n/de has the same ids with the same arguments.

## errors (ImportError): what happened

import-busy = the database is in use by another program
import-receipt-target = the receipt cannot be written to { $path }: { $reason }; nothing was imported
import-receipt-unwritable = the receipt cannot be written to { $path }: { $error }; nothing was imported
import-foreign-database = the database { $database } belongs to installation { $found }, not to this installation ({ $ours })
import-bundle-changed = the bundle file { $path } changed after you confirmed the import: it is no longer the bundle the preview showed
import-burn-through-link = { $path } is a link; --burn overwrites only the bundle file itself, never through a link
# $overwritten is "yes" or "no".
import-bundle-replaced = the bundle file { $path } was replaced during the import; it was { $overwritten ->
        [yes] overwritten, but the name now points elsewhere and was not deleted
       *[no] not overwritten
    }
import-clients-differ = the bundle's signed client list does not match the client records it carries (listed but not carried: { $listed }; carried but not listed: { $carried })
# In import-clients-differ when one of the lists is empty.
import-none = none
# $claimed is the sender name the bundle claims, in quotes.
import-untrusted-sender = the bundle is signed by someone who is not among your trusted contacts (the bundle says { $claimed }, unverified; fingerprint { $fingerprint })
import-sender-key-changed = the bundle claims to come from your contact { $name } but is signed with a different key (fingerprint { $fingerprint }): someone else may have made it
# $fields is one of import-field-*.
import-sender-claims-differ = the bundle is signed by your contact { $name } but names another sender ({ $fields } differ from their contact card): it pretends to come from someone else
import-field-installation-id = installation id
import-field-age-key = age key
import-field-name = name
import-already-imported = this bundle ({ $bundle }) was already imported here on { $at }; a bundle can be imported only once
import-schema-version = the bundle comes from database schema version { $theirs }, this installation has version { $ours }
import-schema-fingerprint = the bundle's database schema (fingerprint { $theirs }) differs from this installation's ({ $ours }) although both say version { $version }
import-profile-differs = the bundle was made through profile { $theirs }, this installation uses { $ours }: the two databases would not read the rows alike
import-clients-exist = client(s) { $bem_ids } already exist in this installation
import-inconsistent = the bundle's data does not fit its manifest ({ $detail })
import-cancelled = import cancelled before it was committed: the database is unchanged
# $action is one of import-action-*.
import-io = { $action } { $path } failed: { $error }

## errors: what to do

import-busy-advice = close BEMdok and every other bemx window, then try again
import-receipt-advice = choose another place with --receipt FILE
import-foreign-database-advice = import into this installation's own database (leave out --db), or use the --home of the installation that database belongs to
import-bundle-changed-advice = check who else can write to that folder, then import again and confirm what the preview shows
import-burn-through-link-advice = import the file the link points to, or leave out --burn and delete the bundle yourself
import-bundle-replaced-advice = delete it by hand
import-clients-differ-advice = do not import it; ask the sender for a new bundle
import-untrusted-sender-advice = compare this fingerprint with the sender by phone, add their contact card with `bemx contacts add`, then import again
import-sender-mismatch-advice = do not import it; call the sender and compare fingerprints
import-already-imported-advice = its clients are in this installation; run `bemx receipt { $bundle }` if the sender still needs the receipt
import-schema-advice = install the same bemx version on both PCs and export again
import-profile-advice = use the same profile (name and version) on both PCs, and check both databases with `bemx profile check`
import-clients-exist-advice = their records are never merged automatically; ask the sender which data is current
import-inconsistent-advice = ask the sender for a new bundle

## what was being done to a file (in import-io)

import-action-opening-bundle = opening the bundle
import-action-overwriting-bundle = overwriting the bundle
import-action-deleting-bundle = deleting the bundle
import-action-removing-empty-receipt = removing the empty receipt
import-action-writing-receipt = writing the receipt
import-action-deleting-unneeded-backup = deleting the unneeded backup

## why the receipt cannot go where it should (in import-receipt-target)

import-receipt-link-exists = a link of that name exists (links are never followed)
import-receipt-file-exists = a file of that name already exists (an older receipt?)
import-receipt-no-folder = its folder does not exist
import-receipt-folder-is-file = a part of its folder's path is a file, not a folder

## what in the bundle does not fit (in import-inconsistent)

import-no-such-table = this database has no table { $table }
import-columns-differ = the columns or their roles differ from this database's table { $table }
import-foreign-key-violations = { $count } foreign key violations after the merge

## the import's steps (progress display)

import-step-safety-backup = safety backup
import-step-merge = merge
import-step-commit = commit
import-step-receipt = receipt

## warnings after the commit (the clients are in; these need a hand)

import-warning-ledger = { $error }; it is added again the next time this installation imports or restores
import-warning-journal = { $error }; it is added again the next time bemx opens this installation
import-warning-retention = { $error }; delete older backups by hand to avoid restoring a state before this import
import-warning-receipt = { $error }; run `bemx receipt { $bundle }` to write it again
import-warning-burn = { $error }: { $advice }
# The advice in import-warning-burn when the error has none of its own.
import-burn-advice = delete the bundle file by hand
