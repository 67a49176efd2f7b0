# bemx-import: Deutsch. Dieselben Kennungen mit denselben Argumenten wie i18n/en.

## Fehler (ImportError): was passiert ist

import-busy = die Datenbank wird gerade von einem anderen Programm verwendet
import-receipt-target = die Empfangsbestätigung kann nicht unter { $path } gespeichert werden: { $reason }; es wurde nichts übernommen
import-receipt-unwritable = die Empfangsbestätigung kann nicht unter { $path } gespeichert werden: { $error }; es wurde nichts übernommen
import-foreign-database = die Datenbank { $database } gehört zur Installation { $found }, nicht zu dieser Installation ({ $ours })
import-bundle-changed = die Übergabedatei { $path } wurde verändert, nachdem Sie die Übernahme bestätigt hatten: sie ist nicht mehr die Übergabedatei, die die Vorschau gezeigt hat
import-burn-through-link = { $path } ist eine Verknüpfung; --burn überschreibt nur die Übergabedatei selbst, niemals über eine Verknüpfung
# $overwritten ist "yes" oder "no".
import-bundle-replaced = die Übergabedatei { $path } wurde während der Übernahme ersetzt; sie wurde { $overwritten ->
        [yes] überschrieben, aber der Name zeigt jetzt auf eine andere Datei und wurde nicht gelöscht
       *[no] nicht überschrieben
    }
import-clients-differ = die signierte Klientenliste der Übergabedatei passt nicht zu den Klientendaten, die sie enthält (aufgeführt, aber nicht enthalten: { $listed }; enthalten, aber nicht aufgeführt: { $carried })
# In import-clients-differ, wenn eine der Listen leer ist.
import-none = keine
# $claimed ist der Absendername, den die Übergabedatei angibt, in Anführungszeichen.
import-untrusted-sender = die Übergabedatei ist von jemandem signiert, der nicht zu Ihren vertrauenswürdigen Kontakten gehört (laut Übergabedatei { $claimed }, nicht geprüft; Fingerabdruck { $fingerprint })
import-sender-key-changed = die Übergabedatei gibt an, von Ihrem Kontakt { $name } zu stammen, ist aber mit einem anderen Schlüssel signiert (Fingerabdruck { $fingerprint }): jemand anderes könnte sie erstellt haben
# $fields ist eine der Angaben import-field-*.
import-sender-claims-differ = die Übergabedatei ist von Ihrem Kontakt { $name } signiert, nennt aber einen anderen Absender ({ $fields } weicht von der Kontaktkarte ab): sie gibt vor, von jemand anderem zu stammen
import-field-installation-id = die Kennung der Installation
import-field-age-key = der age-Schlüssel
import-field-name = der Name
import-already-imported = diese Übergabedatei ({ $bundle }) wurde hier bereits am { $at } übernommen; eine Übergabedatei kann nur einmal übernommen werden
import-schema-version = die Übergabedatei stammt aus einer Datenbank mit Schema-Version { $theirs }, diese Installation hat Version { $ours }
import-schema-fingerprint = das Datenbankschema der Übergabedatei (Fingerabdruck { $theirs }) unterscheidet sich von dem dieser Installation ({ $ours }), obwohl beide Version { $version } angeben
import-profile-differs = die Übergabedatei wurde mit dem Profil { $theirs } erstellt, diese Installation verwendet { $ours }: die beiden Datenbanken würden die Datensätze nicht gleich lesen
import-clients-exist = folgende Klienten sind in dieser Installation bereits vorhanden: { $bem_ids }
import-inconsistent = die Daten der Übergabedatei passen nicht zu ihrem Inhaltsverzeichnis ({ $detail })
import-cancelled = Übernahme vor dem Abschluss abgebrochen: die Datenbank ist unverändert
# $action ist eine der Angaben import-action-*.
import-io = Fehler beim { $action } { $path }: { $error }

## Fehler: was zu tun ist

import-busy-advice = schließen Sie BEMdok und alle anderen bemx-Fenster und versuchen Sie es dann erneut
import-receipt-advice = wählen Sie mit --receipt FILE einen anderen Ort
import-foreign-database-advice = übernehmen Sie in die eigene Datenbank dieser Installation (lassen Sie --db weg) oder verwenden Sie --home der Installation, zu der diese Datenbank gehört
import-bundle-changed-advice = prüfen Sie, wer sonst in diesen Ordner schreiben kann; starten Sie dann die Übernahme erneut und bestätigen Sie, was die Vorschau zeigt
import-burn-through-link-advice = übernehmen Sie die Datei, auf die die Verknüpfung zeigt, oder lassen Sie --burn weg und löschen Sie die Übergabedatei selbst
import-bundle-replaced-advice = löschen Sie sie von Hand
import-clients-differ-advice = übernehmen Sie sie nicht; bitten Sie den Absender um eine neue Übergabedatei
import-untrusted-sender-advice = vergleichen Sie diesen Fingerabdruck telefonisch mit dem Absender, fügen Sie dessen Kontaktkarte mit `bemx contacts add` hinzu und starten Sie die Übernahme dann erneut
import-sender-mismatch-advice = übernehmen Sie sie nicht; rufen Sie den Absender an und vergleichen Sie die Fingerabdrücke
import-already-imported-advice = ihre Klienten sind in dieser Installation; führen Sie `bemx receipt { $bundle }` aus, falls der Absender die Empfangsbestätigung noch braucht
import-schema-advice = installieren Sie auf beiden PCs dieselbe bemx-Version und lassen Sie die Klienten dann erneut übergeben
import-profile-advice = verwenden Sie auf beiden PCs dasselbe Profil (Name und Version) und prüfen Sie beide Datenbanken mit `bemx profile check`
import-clients-exist-advice = ihre Daten werden nie automatisch zusammengeführt; fragen Sie den Absender, welche Daten aktuell sind
import-inconsistent-advice = bitten Sie den Absender um eine neue Übergabedatei

## was gerade mit einer Datei geschah (in import-io, nach „Fehler beim“)

import-action-opening-bundle = Öffnen der Übergabedatei
import-action-overwriting-bundle = Überschreiben der Übergabedatei
import-action-deleting-bundle = Löschen der Übergabedatei
import-action-removing-empty-receipt = Entfernen der leeren Empfangsbestätigung
import-action-writing-receipt = Schreiben der Empfangsbestätigung
import-action-deleting-unneeded-backup = Löschen der nicht mehr benötigten Sicherung

## warum die Empfangsbestätigung nicht an ihren Ort kann (in import-receipt-target)

import-receipt-link-exists = dort gibt es eine Verknüpfung dieses Namens (Verknüpfungen werden nie verfolgt)
import-receipt-file-exists = eine Datei dieses Namens gibt es bereits (eine ältere Empfangsbestätigung?)
import-receipt-no-folder = ihr Ordner existiert nicht
import-receipt-folder-is-file = ein Teil des Ordnerpfads ist eine Datei, kein Ordner

## was in der Übergabedatei nicht passt (in import-inconsistent)

import-no-such-table = diese Datenbank hat keine Tabelle { $table }
import-columns-differ = die Spalten oder ihre Rollen weichen von der Tabelle { $table } dieser Datenbank ab
import-foreign-key-violations = { $count } ungültige Verweise zwischen Datensätzen nach dem Zusammenführen

## die Schritte der Übernahme (Fortschrittsanzeige)

import-step-safety-backup = SICHERHEITSBACKUP
import-step-merge = Zusammenführen
import-step-commit = Speichern
import-step-receipt = Empfangsbestätigung

## Warnungen nach dem Speichern (die Klienten sind übernommen; hier ist Handarbeit nötig)

import-warning-ledger = { $error }; der Eintrag wird bei der nächsten Übernahme oder Wiederherstellung in dieser Installation nachgetragen
import-warning-journal = { $error }; der Eintrag wird nachgetragen, wenn bemx diese Installation das nächste Mal öffnet
import-warning-retention = { $error }; löschen Sie ältere Sicherungen von Hand, damit nicht versehentlich ein Stand von vor dieser Übernahme wiederhergestellt wird
import-warning-receipt = { $error }; führen Sie `bemx receipt { $bundle }` aus, um die Empfangsbestätigung erneut zu schreiben
import-warning-burn = { $error }: { $advice }
# Der Rat in import-warning-burn, wenn der Fehler keinen eigenen hat.
import-burn-advice = löschen Sie die Übergabedatei von Hand
