# bemx-pack: Deutsch. Dieselben Kennungen mit denselben Argumenten wie i18n/en.

## PackError

pack-no-clients = es wurden keine Klienten ausgewählt
pack-no-clients-advice = nennen Sie mindestens einen Klienten mit --client oder --clients-file
pack-duplicate-client = der Klient { $client } ist doppelt angegeben
pack-duplicate-client-advice = nennen Sie jeden Klienten nur einmal
pack-already-handed-over = der Klient { $client } ist bereits übergeben (Übergabe { $bundle })
pack-already-handed-over-advice = schließen Sie diese Übergabe zuerst ab oder nehmen Sie sie zurück
# { $clients }: BEM-IDs, durch Kommas getrennt.
pack-missing-consent = für diese Klienten ist keine gültige Einwilligung in die Übergabe erfasst: { $clients }
pack-missing-consent-advice = erfassen Sie zuerst die unterschriebene Einwilligung oder verwenden Sie --without-consent "Begründung" (die Begründung wird protokolliert)
pack-consent-changed = die erfassten Einwilligungen in die Übergabe haben sich geändert, seit sie angezeigt wurden; bei diesen Klienten weichen sie jetzt ab: { $clients }
pack-consent-changed-advice = prüfen Sie die Auswahl erneut und starten Sie den Export neu; es wurde nichts geschrieben
# { $detail } ist eine der pack-reason-…-Meldungen unten.
pack-weak-reason = die angegebene Begründung für eine Übergabe ohne erfasste Einwilligung reicht nicht aus ({ $detail })
pack-weak-reason-advice = schreiben Sie in Worten, warum diese Klienten ohne Einwilligung übergeben werden, z. B. --without-consent "Einverständniserklärung beim Büroumzug verloren, Klient telefonisch informiert" (die Begründung wird im Audit-Protokoll festgehalten)
# { $uuid } steht in Anführungszeichen.
pack-bad-client-uuid = die Klienten-UUID { $uuid } in der Datenbank ist ungültig
pack-bad-client-uuid-advice = führen Sie `bemx db check` aus
pack-key-mismatch = der Signaturschlüssel der Installation passt nicht zu ihrem öffentlichen Schlüssel: die Identitätsdateien widersprechen sich
pack-key-mismatch-advice = stellen Sie die Identitätsdateien aus einer Sicherung wieder her
pack-foreign-database = die Datenbank { $path } gehört zur Installation { $found }, nicht zu dieser Installation ({ $ours }); es wurde nichts übergeben
pack-foreign-database-advice = verwenden Sie die Datenbank dieser Installation (lassen Sie --db weg) oder das --home der Installation, zu der die Datenbank gehört
# { $key } steht in Anführungszeichen.
pack-bad-recipient = der age-Schlüssel { $key } des Kontakts ist ungültig
pack-bad-recipient-advice = entfernen Sie den Kontakt und fügen Sie seine Kontaktkarte erneut hinzu
pack-target-exists = { $path } existiert bereits
pack-target-exists-advice = wählen Sie einen anderen Dateinamen oder entfernen Sie die alte Datei
pack-target-folder = der Ordner { $path } existiert nicht
pack-target-folder-advice = stecken Sie den USB-Stick ein oder wählen Sie einen vorhandenen Ordner
# { $error } ist die Meldung des Betriebssystems.
pack-medium-writing = { $path } konnte nicht geschrieben werden: { $error }; es wurde nichts übergeben
pack-medium-reading-back = { $path } konnte nicht zurückgelesen werden: { $error }; es wurde nichts übergeben
pack-medium-renaming = die fertige Übergabedatei konnte nicht in { $path } umbenannt werden: { $error }; es wurde nichts übergeben
pack-verify-failed = die aus { $path } zurückgelesene Übergabedatei weicht vom Geschriebenen ab: das Laufwerk ist möglicherweise defekt; es wurde nichts übergeben
pack-verify-failed-advice = verwenden Sie ein anderes Laufwerk
pack-plan-mismatch = der Eintrag { $entry } hat sich während der Übergabe geändert
pack-plan-mismatch-advice = schließen Sie andere Programme, die die Datenbank verwenden, und versuchen Sie es erneut
pack-document-damaged = das Dokument { $document } stimmt nicht mit seiner gespeicherten Prüfsumme überein: die Datenbank ist beschädigt; es wurde nichts übergeben
pack-document-damaged-advice = führen Sie `bemx db check` aus und stellen Sie eine Sicherung wieder her
pack-spool = die Zeilen konnten nicht in einer verschlüsselten temporären Datei in { $dir } zwischengespeichert werden: { $error }; es wurde nichts übergeben
pack-cancelled = Übergabe abgebrochen: es wurde nichts übergeben und die Datenbank ist unverändert
pack-busy = die Datenbank wird gerade von einem anderen Programm verwendet
pack-busy-advice = schließen Sie BEMdok und alle anderen bemx-Fenster und versuchen Sie es dann erneut
pack-random = der Zufallszahlengenerator des Systems hat versagt ({ $detail })
pack-random-advice = versuchen Sie es erneut
# { $detail } nennt die verletzte Annahme (für die Entwickler).
pack-internal = interner Fehler: { $detail }
pack-internal-advice = bitte melden Sie diesen Fehler

## MediumStep

pack-step-writing = Schreiben
pack-step-reading-back = Zurücklesen
pack-step-renaming = Umbenennen der fertigen Übergabedatei in

## Warum eine Begründung für eine Übergabe ohne Einwilligung nicht reicht (pack-weak-reason)

# { $char } ist der Code des Zeichens, z. B. U+200B.
pack-reason-hidden-char = sie enthält ein Steuerzeichen oder unsichtbares Zeichen, { $char }
pack-reason-empty = sie ist leer
pack-reason-too-long = sie hat { $chars } Zeichen, mehr als { $max }
# { $reason } ist die angegebene Begründung, in Anführungszeichen.
pack-reason-too-short = { $reason } ist als Begründung zu kurz; eine Begründung hat mindestens { $min } Zeichen und zwei Wörter
