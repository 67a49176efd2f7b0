# bemx-app: Deutsch. Dieselben Kennungen mit denselben Argumenten wie i18n/en.

## Bildschirme

app-screen-setup = bemx einrichten
app-screen-unlock = Entsperren
app-screen-export = Klienten übergeben
app-screen-import = Klienten übernehmen
app-screen-confirm = Empfangsbestätigung einlesen
app-screen-handovers = Übergaben
app-screen-backups = Sicherungen
app-screen-contacts = Kontakte
app-screen-audit = Protokoll

## Allgemein

app-installation = Installation: { $name }
app-fingerprint-short = Fingerabdruck { $fingerprint }
app-demo-switch = Demo: zur anderen Installation wechseln
app-error = Fehler: { $message }
app-hint = Tipp: { $hint }
app-warning = Warnung: { $warning }
app-notice-close = Meldung schließen
app-back = Zurück
app-cancel = Abbrechen
app-yes = ja
app-no = nein
app-browse = Durchsuchen… ({ $what })
app-locked = die Installation ist nicht entsperrt
app-internal-error = die Arbeit endete unerwartet; es wurde nichts gespeichert
app-internal-error-hint = versuchen Sie es noch einmal; geschieht es wieder, führen Sie denselben Schritt mit dem Befehl bemx aus und schicken Sie dessen Ausgabe an Ihren IT-Support
app-do-not-interrupt = Bitte den PC nicht ausschalten und den USB-Stick nicht abziehen, solange dies läuft.
app-cancel-work = Sicher abbrechen
app-cancelling = Wird abgebrochen … es wird nichts geändert.
app-close-title = Arbeit läuft
app-close-question = Ein Import oder Export läuft. Wenn Sie jetzt schließen, wird er sicher abgebrochen und nichts geändert. Trotzdem schließen?
app-close-keep = Weiterlaufen lassen
app-close-cancel = Abbrechen und schließen

app-step-safety-backup = SICHERHEITSBACKUP wird angelegt …
app-step-merge = Klienten werden übernommen …
app-step-commit = Wird gespeichert …
app-step-receipt = Empfangsbestätigung wird geschrieben …
app-step-writing-the-bundle = Übergabedatei wird geschrieben …

## Erster Start und Entsperren

app-setup-intro = Willkommen. Auf diesem PC gibt es noch keine bemx-Installation. Sie erhält eigene Schlüssel; Kolleginnen und Kollegen fügen ihre Kontaktkarte hinzu, um ihr Klienten zu übergeben.
app-setup-folder = Ordner: { $folder }
app-setup-name = Name (z. B. Ihr Name und Standort)
app-setup-protect = Schlüssel mit einer Passphrase schützen
app-setup-passphrase = Passphrase
app-setup-passphrase-again = Passphrase wiederholen
app-setup-create = Installation einrichten
app-setup-running = Installation wird eingerichtet …
app-setup-name-missing = geben Sie einen Namen ein, den Kolleginnen und Kollegen erkennen
app-setup-passphrase-empty = die Passphrase ist leer
app-setup-passphrase-differ = die beiden Passphrasen stimmen nicht überein
app-setup-exists = in { $folder } gibt es bereits eine Installation
app-setup-exists-hint = starten Sie die App neu, um sie zu öffnen
app-setup-done = Die Installation ist in { $folder } eingerichtet.
app-setup-continue = Weiter zu den Kontakten
app-unlock-intro = Die Schlüssel dieser Installation sind mit einer Passphrase geschützt.
app-unlock-passphrase = Passphrase
app-unlock-button = Entsperren
app-unlock-running = Wird entsperrt …

## Kontaktkarte

app-card-intro = Ihre Kontaktkarte: speichern Sie sie und geben Sie sie Kolleginnen und Kollegen. Vergleichen Sie den Fingerabdruck am Telefon, bevor sie ihr vertrauen.
app-card-save-path = Karte speichern unter
app-card-save = Karte speichern
app-card-saved = Kontaktkarte unter { $path } gespeichert.
app-card-save-failed = die Kontaktkarte konnte nicht unter { $path } gespeichert werden
app-card-read-failed = die Kontaktkarte { $path } konnte nicht gelesen werden
app-card-own = das ist die eigene Kontaktkarte dieser Installation
app-card-own-hint = fügen Sie die Karte der Kollegin oder des Kollegen hinzu, der Sie Klienten übergeben

## Klienten übergeben

app-export-intro = Wählen Sie die Klienten, die Kollegin oder den Kollegen, die sie übernimmt, und wohin die Übergabedatei geschrieben wird.
app-export-search = BEM-ID suchen
app-export-show-handed-over = Auch übergebene Klienten zeigen
app-export-no-clients = Keine Klienten.
app-column-bem-id = BEM-ID
app-column-case = Fallstatus
app-column-consent = Einverständnis
app-column-handover = Übergabe
app-consent-given = erteilt am { $date }
app-consent-revoked = widerrufen am { $date }
app-consent-none = keines
app-handed-over = übergeben ({ $id })
app-export-selected = { $count ->
    [one] 1 Klient ausgewählt
   *[other] { $count } Klienten ausgewählt
}
app-export-recipient = Empfänger
app-export-recipient-none = (bitte wählen)
app-export-no-contacts = Noch keine Kontakte: fügen Sie zuerst unter Kontakte die Kontaktkarte Ihrer Kollegin oder Ihres Kollegen hinzu.
app-export-drives = Wechseldatenträger:
app-export-drive = { $drive } verwenden
app-export-folder = Zielordner
app-export-file-name = Dateiname
app-export-without-consent = Ohne erfasstes Einverständnis zur Übergabe: { $clients }
app-export-reason = Begründung (kommt ins Protokoll)
app-export-next-button = Weiter
app-export-none-selected = es ist kein Klient ausgewählt
app-export-no-recipient = es ist kein Empfänger gewählt
app-export-no-recipient-hint = wählen Sie die Kollegin oder den Kollegen, die die Klienten übernimmt
app-export-folder-missing = den Zielordner { $folder } gibt es nicht
app-export-folder-missing-hint = wählen Sie einen Ordner, z. B. auf dem USB-Stick
app-export-file-name-bad = geben Sie einen Dateinamen ohne Ordner ein
app-export-file-exists = { $path } gibt es bereits
app-export-file-exists-hint = wählen Sie einen anderen Dateinamen; eine vorhandene Datei wird nie überschrieben
app-export-contact-gone = der Empfänger ist nicht mehr unter den Kontakten
app-export-contact-gone-hint = fügen Sie die Kontaktkarte wieder hinzu und beginnen Sie neu
app-export-summary = { $clients ->
    [one] 1 Klient wird übergeben:
   *[other] { $clients } Klienten werden übergeben:
}
app-export-summary-to = An: { $name }, Fingerabdruck:
app-export-summary-file = Datei: { $path }
app-export-summary-after = Bis die Empfangsbestätigung zurückkommt, sind diese Klienten hier schreibgeschützt und aus der Liste ausgeblendet.
app-export-start = Übergabe starten
app-export-running = Übergabedatei wird geschrieben …
app-export-done = { $clients ->
    [one] Die Übergabedatei für 1 Klienten ist geschrieben.
   *[other] Die Übergabedatei für { $clients } Klienten ist geschrieben.
}
app-export-done-file = Datei: { $path }
app-export-done-id = Übergabe: { $id }
app-export-next = Als Nächstes: Geben Sie die Datei Ihrer Kollegin oder Ihrem Kollegen (z. B. auf dem USB-Stick). Nur deren Installation kann sie öffnen. Dort wird sie importiert, und Sie erhalten eine Empfangsbestätigung; lesen Sie sie unter „Empfangsbestätigung einlesen“ ein.
app-export-again = Weitere Klienten übergeben

## Klienten übernehmen

app-import-intro = Wählen Sie die Übergabedatei, die Sie erhalten haben, oder ziehen Sie sie auf dieses Fenster.
app-import-file = Übergabedatei
app-import-drop = Tipp: Sie können die Datei auch auf das Fenster ziehen.
app-import-check = Datei prüfen
app-import-checking = Übergabedatei wird geprüft …
app-import-preview = Bitte prüfen Sie vor dem Import:
app-import-preview-file = Datei
app-import-preview-from = Von
app-import-preview-created = Erstellt
app-import-preview-into = In
app-import-preview-fingerprint = Fingerabdruck des Absenders:
app-import-preview-clients = { $clients ->
    [one] 1 Klient, { $documents } Dokumente:
   *[other] { $clients } Klienten, { $documents } Dokumente:
}
app-import-preview-renamed = — wird als { $stored } gespeichert (BEM-ID hier vergeben)
app-import-preview-deletes = Danach gelöschte Sicherungen: { $backups }
app-import-preview-backup = Vorher wird ein SICHERHEITSBACKUP der Datenbank angelegt.
app-import-burn = Übergabedatei jetzt sicher löschen
app-import-burning = Übergabedatei wird überschrieben und gelöscht …
app-import-start = Import starten
app-import-running = Import läuft …
app-import-done = { $clients ->
    [one] 1 Klient wurde übernommen.
   *[other] { $clients } Klienten wurden übernommen.
}
app-import-done-backup = Sicherheitsbackup: { $name }
app-import-renamed = { $old } wird als { $new } geführt
app-import-done-receipt = Empfangsbestätigung für den Absender: { $path }
app-import-done-burned = Die Übergabedatei wurde überschrieben und gelöscht.
app-import-next = Als Nächstes: Geben Sie die Empfangsbestätigung dem Absender zurück. Erst dann werden die Klienten dort entfernt.
app-import-another = Weitere Datei importieren

## Empfangsbestätigung

app-confirm-intro = Lesen Sie die Empfangsbestätigung ein, die Ihre Kollegin oder Ihr Kollege zurückgeschickt hat. Die Klienten dieser Übergabe werden dann endgültig aus dieser Installation entfernt.
app-confirm-file = Empfangsbestätigung
app-confirm-check = Bestätigung prüfen
app-confirm-checking = Empfangsbestätigung wird geprüft …
app-confirm-preview = { $count ->
    [one] Übergabe { $id }: 1 Klient wird endgültig aus dieser Installation entfernt:
   *[other] Übergabe { $id }: { $count } Klienten werden endgültig aus dieser Installation entfernt:
}
app-confirm-warning = Sie sind beim Empfänger sicher, der den Import bestätigt hat.
app-confirm-start = Klienten endgültig entfernen
app-confirm-running = Klienten werden entfernt …
app-confirm-done = Übergabe { $id } abgeschlossen: { $clients } Klienten und alle ihre { $rows } Datensätze wurden entfernt.
app-confirm-still-in-backups = Noch in diesen Sicherungen: { $backups }. Löschen Sie sie unter Sicherungen, wenn auch sie weg müssen.
app-confirm-another = Weitere Empfangsbestätigung einlesen

## Übergaben

app-handovers-none = Noch keine Übergaben.
app-column-bundle = Übergabe
app-column-state = Stand
app-column-clients = Klienten
app-column-recipient = Empfänger
app-column-exported = Exportiert
app-state-open = offen
app-state-confirmed = abgeschlossen
app-state-cancelled = zurückgenommen
app-handover-cancel = { $id } zurücknehmen
app-handover-cancel-question = Übergabe { $id } zurücknehmen? Nur wenn die Datei nie importiert wurde: eine Empfangsbestätigung dafür wird dann abgelehnt.
app-handover-cancel-yes = Zurücknehmen
app-handover-cancelling = Übergabe wird zurückgenommen …
app-handover-cancelled = { $clients ->
    [one] Übergabe { $id } zurückgenommen: 1 Klient ist wieder hier.
   *[other] Übergabe { $id } zurückgenommen: { $clients } Klienten sind wieder hier.
}

## Sicherungen

app-backups-intro = Verschlüsselte Sicherungen der Datenbank dieser Installation, in { $folder }.
app-backups-usage = { $count ->
    [one] 1 Sicherung, { $total }; { $free } frei auf dem Laufwerk.
   *[other] { $count } Sicherungen, { $total }; { $free } frei auf dem Laufwerk.
}
app-backup-create = Jetzt sichern
app-backup-creating = Sicherung wird angelegt …
app-backup-created = Sicherung { $name } angelegt.
app-backups-none = Noch keine Sicherungen.
app-column-backup = Sicherung
app-column-kind = Art
app-column-written = Geschrieben
app-column-size = Größe
app-column-signed = Signiert
app-kind-safety = Sicherheitsbackup
app-kind-manual = von Hand
app-kind-before-restore = vor einer Wiederherstellung
app-kind-other = andere
app-backup-restore = { $name } wiederherstellen
app-backup-restore-short = Wiederherstellen …
app-backup-preparing = Sicherung wird geprüft und entschlüsselt …
app-restore-question = Sicherung { $name } wiederherstellen?
app-restore-same-clients = Dieselben Klienten wie jetzt.
app-restore-disappear = Diese Klienten verschwinden: { $clients }
app-restore-come-back = Diese Klienten kommen zurück: { $clients }
app-restore-previous-kept = Der jetzige Stand wird vorher gesichert.
app-restore-yes = Wiederherstellen
app-restore-running = Wird wiederhergestellt …
app-backup-restored = Sicherung { $name } wiederhergestellt.
app-backup-restored-previous = Der Stand davor liegt in der Sicherung { $name }.

## Kontakte

app-contacts-own = Diese Installation
app-contacts-add-title = Kontaktkarte einer Kollegin oder eines Kollegen hinzufügen
app-contacts-card-file = Kontaktkarte
app-contacts-read = Karte lesen
app-contacts-compare = Vergleichen Sie diesen Fingerabdruck am Telefon mit { $name }. Vertrauen Sie der Karte nur, wenn jede Gruppe gleich ist.
app-contacts-trust = Fingerabdruck stimmt überein: vertrauen
app-contacts-added = { $name } wurde den Kontakten hinzugefügt.
app-contacts-already = { $name } ist schon ein Kontakt; nichts geändert.
app-contacts-list = Vertrauenswürdige Kontakte
app-contacts-none = Noch keine Kontakte.
app-contacts-remove = { $name } entfernen
app-contacts-remove-question = { $name } aus den Kontakten entfernen? Übergaben an und von dieser Installation werden dann abgelehnt.
app-contacts-remove-yes = Entfernen
app-contacts-removed = { $name } wurde aus den Kontakten entfernt.

## Protokoll

app-audit-intro = Jede Änderung dieser Installation: nur Kennungen und Anzahlen, nie personenbezogene Daten.
app-audit-none = Noch nichts protokolliert.
app-column-when = Wann
app-column-event = Ereignis
app-column-detail = Einzelheiten
app-event-export = Export
app-event-export-without-consent = Export ohne Einverständnis
app-event-import = Import
app-event-handover-confirmed = Übergabe abgeschlossen
app-event-handover-cancelled = Übergabe zurückgenommen
app-event-handover-reapplied = Übergabe erneut angewandt
app-event-consent-recorded = Einverständnis erfasst
app-event-consent-revoked = Einverständnis widerrufen

app-receipt-read-failed = die Empfangsbestätigung { $path } konnte nicht gelesen werden
app-case-status =
    { $status ->
        [open] offen
        [running] läuft
        [closed] abgeschlossen
        [aborted] abgebrochen
        [refused] abgelehnt
       *[other] { $status }
    }

## Added after review

app-export-summary-reason = Begründung: { $reason }
app-import-done-backups-deleted = Ältere Sicherungen gelöscht: { $backups }
app-contacts-reading = Kontaktkarte wird gelesen …
app-not-a-file = keine gewöhnliche Datei
app-close-wait = Diese Arbeit kann nicht mittendrin abgebrochen werden. Das Fenster schließt, sobald sie fertig ist.
app-close-after = Nach dem Ende schließen
app-close-too-late = Die Arbeit war schon zu weit, um sie abzubrechen; sie ist abgeschlossen, siehe unten.
app-consent-record = Einverständnis erfassen …
app-consent-record-for = Einverständnis für { $client } erfassen
app-consent-record-title = Einverständnis von { $client } in die Übergabe erfassen (unterschriebenes Formular):
app-consent-date = Datum auf dem Formular (z. B. 12.03.2026)
app-consent-record-yes = Einverständnis erfassen
app-consent-recorded = Einverständnis von { $client } erfasst, erteilt am { $date }.
app-backup-delete-short = Löschen …
app-backup-delete = { $name } löschen
app-backup-delete-question = Sicherung { $name } endgültig löschen? Sie kann danach nicht mehr wiederhergestellt werden.
app-backup-delete-yes = Sicherung löschen
app-backup-deleted = Sicherung { $name } gelöscht.
