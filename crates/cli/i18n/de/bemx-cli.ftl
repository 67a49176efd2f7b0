# bemx-cli: Deutsch. Dieselben Kennungen mit denselben Argumenten wie i18n/en.

## handover commands
## bemx import, receipt, export, inspect, verify, handover. Zeilen, die
## eingerückt erscheinen, rückt das Programm ein (Fluent entfernt
## führende Leerzeichen).

cli-import-preview =
    Übernahme (fügt Klienten hinzu; vorhandene Daten bleiben erhalten):
      Übergabedatei: { $bundle }
      Von:           { $sender } ({ $fingerprint })
      Erstellt:      { $created }
      Klienten:      { $clients }, Dokumente: { $documents }
      Datenbank:     { $database }
    Zuerst wird ein SICHERHEITSBACKUP der Datenbank angelegt.
# Eine Zeile unter cli-import-preview.
cli-import-preview-deletes = Ältere Sicherungen, die gelöscht werden: { $backups }
cli-import-confirm = Diese Klienten jetzt übernehmen?
cli-import-confirm-hint = prüfen Sie die Übergabedatei mit `bemx inspect` und geben Sie dann --yes an
cli-import-nothing = Nichts übernommen.
cli-import-no-ctrlc = das Abbrechen mit Strg+C kann nicht eingerichtet werden
# Fortschrittsanzeige bis zum ersten Schritt der Übernahme.
cli-import-opening = Übergabedatei wird geöffnet
cli-import-warning = Warnung: { $warning }
cli-import-done = { $clients ->
        [one] 1 Klient
       *[other] { $clients } Klienten
    } übernommen ({ $rows } Datensätze, { $documents } Dokumente).
cli-import-done-bundle-id = Kennung der Übergabe: { $id }
cli-import-done-safety-backup = SICHERHEITSBACKUP:    { $name }
# $old und $new sind BEM-IDs in Anführungszeichen.
cli-import-done-renamed = BEM-ID { $old } gab es hier bereits: der übernommene Klient hat jetzt die BEM-ID { $new }
cli-import-done-catalogue = neue Katalogeinträge in { $catalogue }: { $codes }
cli-import-done-backups-deleted = ältere Sicherungen gelöscht: { $count }
cli-import-done-receipt = Empfangsbestätigung:  { $path }
cli-import-done-burned = die Übergabedatei wurde überschrieben und gelöscht
cli-import-next = Als Nächstes: Senden Sie die Empfangsbestätigung an { $sender }. Damit wird dort die Übergabe abgeschlossen (`bemx handover confirm`); dabei werden die Klienten von jenem PC entfernt.
cli-receipt-written = Empfangsbestätigung für die Übergabe { $id } gespeichert unter { $path }.

cli-export-no-ctrlc = das Abbrechen mit Strg+C kann nicht eingerichtet werden
# Fortschrittsanzeige bis zum ersten Schritt der Übergabe.
cli-export-checking = Daten der Klienten werden geprüft
cli-export-cannot-open-clients-file = die Klientendatei { $path } kann nicht geöffnet werden
cli-export-clients-file-not-found-hint = prüfen Sie den Dateinamen; die Datei enthält pro Zeile eine Klienten-UUID oder BEM-ID
cli-export-cannot-read-clients-file = die Klientendatei { $path } kann nicht als Text gelesen werden
cli-export-clients-file-wrong-hint = prüfen Sie, ob Sie die richtige Datei gewählt haben: sie enthält pro Zeile eine Klienten-UUID oder BEM-ID
cli-export-clients-file-too-large = die Klientendatei { $path } ist größer als 16 MB
cli-export-clients-file-empty = die Klientendatei { $path } enthält keine Klienten
cli-export-clients-file-empty-hint = schreiben Sie pro Zeile eine Klienten-UUID oder BEM-ID (`bemx clients list` zeigt sie)
cli-export-written = Übergabedatei geschrieben.
cli-export-bundle-id = Kennung der Übergabe: { $id }
cli-export-file = Datei:                { $path }
cli-export-for = Für:                  { $contact } ({ $fingerprint })
cli-export-clients = Klienten:             { $count }
cli-export-documents = Dokumente:            { $count }
cli-export-size = Größe:                { $size }
cli-export-without-consent = { $count ->
        [one] 1 Klient wurde
       *[other] { $count } Klienten wurden
    } ohne erfasste Einwilligung in die Übergabe übergeben; die Begründung steht im Audit-Protokoll.
cli-export-next =
    Als Nächstes: Geben Sie die Datei an { $contact } weiter (z. B. auf einem USB-Stick). Nur diese Installation kann sie öffnen.
    Dort wird sie übernommen und eine Empfangsbestätigung zurückgeschickt. Bis dahin sind diese Klienten hier
    schreibgeschützt und ausgeblendet (`bemx clients list --all` zeigt sie).

cli-inspect-cannot-read = { $path } kann nicht gelesen werden
cli-inspect-no-age-header = sie hat keinen age-Verschlüsselungskopf
# $trust ist eine der Angaben cli-inspect-trust-*; $claimed ist der Name, den die Übergabedatei angibt, in Anführungszeichen.
cli-inspect-sender-not-trusted = Absender dieser Übergabedatei: { $trust } (laut Übergabedatei { $claimed }; Fingerabdruck { $fingerprint })
cli-inspect-sender-not-trusted-hint = vergleichen Sie den Fingerabdruck telefonisch mit dem Absender und fügen Sie dessen Kontaktkarte hinzu, bevor Sie übernehmen
cli-inspect-trust-trusted = vertrauenswürdig
cli-inspect-trust-key-changed = Schlüssel geändert
cli-inspect-trust-claims-differ = gibt sich als anderer Absender aus
cli-inspect-trust-not-trusted = nicht vertrauenswürdig
cli-inspect-file = Datei:                { $file } ({ $size })
cli-inspect-encryption-none = Verschlüsselung:      keine (keine age-Datei)
cli-inspect-encryption = Verschlüsselung:      age, { $recipients } Empfänger: { $types }
cli-inspect-encryption-not-bundle = Verschlüsselung:      age, { $recipients } Empfänger: { $types } — hat nicht die Form einer bemx-Übergabedatei
cli-inspect-no-installation = (hier gibt es keine Installation: führen Sie inspect mit --home der empfangenden Installation aus, um mehr zu sehen)
cli-inspect-bundle-id = Kennung der Übergabe: { $id }
cli-inspect-created = Erstellt:             { $created }
cli-inspect-unverified-name = { $name } (Name nicht geprüft)
cli-inspect-sender = Absender:             { $who }, { $trust }, Fingerabdruck { $fingerprint }
cli-inspect-recipient = Empfänger:            diese Installation
# $comparison ist eine der Angaben cli-inspect-schema-matches, -differs, -no-database.
cli-inspect-schema = Schema:               Version { $version } ({ $comparison })
cli-inspect-schema-matches = stimmt mit dieser Datenbank überein
cli-inspect-schema-differs = WEICHT von dieser Datenbank AB: die Übernahme wird abgelehnt
cli-inspect-schema-no-database = keine Datenbank hier zum Vergleichen
cli-inspect-already-imported = Übernommen:           hier BEREITS ÜBERNOMMEN am { $at }
cli-inspect-not-imported = Übernommen:           noch nicht
cli-inspect-clients = Klienten:             { $count }
cli-inspect-column-table = Tabelle
cli-inspect-column-rows = Datensätze
cli-inspect-entries = Einträge:             { $entries } ({ $documents } Dokumente), { $size } Daten

cli-verify-no-age-header = sie hat keinen age-Verschlüsselungskopf
cli-verify-no-installation = keine Installation in { $path }
cli-verify-no-installation-hint = verify läuft auf der empfangenden Installation: geben Sie deren --home an
cli-verify-refused-version = die Übergabedatei ist unversehrt, stammt aber aus einer Datenbank mit Schema-Version { $theirs }, und diese Installation hat Schema-Version { $ours }: die Übernahme würde abgelehnt
cli-verify-refused-fingerprint = die Übergabedatei ist unversehrt, stammt aber aus einer Datenbank mit Schema-Version { $version } und Fingerabdruck { $theirs }, und der Fingerabdruck dieser Installation ist { $ours }: die Übernahme würde abgelehnt
cli-verify-refused-hint = installieren Sie auf beiden PCs dieselbe bemx-Version und lassen Sie die Klienten dann erneut übergeben
cli-verify-verified = geprüft: Übergabedatei { $id } von { $sender } — { $clients ->
        [one] 1 Klient
       *[other] { $clients } Klienten
    }, { $entries } Einträge, { $size } Daten; alle Prüfsummen, die Signatur und das Dateiende sind in Ordnung.

cli-handover-none = Noch keine Übergaben.
cli-handover-column-bundle-id = Kennung der Übergabe
cli-handover-column-state = Stand
cli-handover-column-clients = Klienten
cli-handover-column-recipient = Empfänger
cli-handover-column-exported = Übergeben am
cli-handover-state-open = offen
cli-handover-state-confirmed = abgeschlossen
cli-handover-state-cancelled = zurückgenommen
cli-handover-cannot-read-receipt = die Empfangsbestätigung { $path } kann nicht gelesen werden
cli-handover-receipt-not-found-hint = prüfen Sie den Dateinamen; die Übernahme beim Empfänger hat sie als *.receipt gespeichert
cli-handover-confirmed = Übergabe { $id } abgeschlossen: { $clients ->
        [one] 1 Klient und alle seine
       *[other] { $clients } Klienten und alle ihre
    } { $rows } Datensätze wurden aus der Datenbank dieser Installation entfernt.
cli-handover-still-in-backups = Die Daten dieser Klienten sind verschlüsselt noch in diesen Sicherungen enthalten, bis diese gelöscht werden: { $backups }
cli-handover-delete-backups = Löschen Sie jede davon mit `bemx backup delete NAME`, sobald Sie sie nicht mehr brauchen, um zu einem Stand vor dieser Übergabe zurückzukehren.
cli-handover-cancel-question = Die Klienten der Übergabe { $id } zurücknehmen? Tun Sie das nur, wenn der Empfänger die Übergabedatei nie übernommen hat.
cli-handover-cancel-hint = stellen Sie sicher, dass der Empfänger die Übergabedatei nie übernommen hat, und geben Sie dann --yes an
cli-handover-nothing-changed = Nichts geändert.
cli-handover-cancelled = Übergabe { $id } zurückgenommen: { $clients ->
        [one] 1 Klient ist
       *[other] { $clients } Klienten sind
    } wieder in dieser Installation. Eine Empfangsbestätigung für diese Übergabedatei wird ab jetzt beanstandet.
