# bemx-identity: Deutsch. Dieselben Kennungen mit denselben Argumenten wie i18n/en.
#
# Pfade, Fingerabdrücke und Zugriffsrechte kommen fertig zum Anzeigen;
# Namen, Suchbegriffe und Kontexte kommen schon in Anführungszeichen (so
# werden auch versteckte Zeichen sichtbar), die Texte setzen keine eigenen.

## IdentityError: was passiert ist.

identity-no-identity = in { $home } ist keine Installation eingerichtet
identity-incomplete-identity = die Identität in { $dir } ist unvollständig: { $missing } fehlt
identity-already-exists = { $path } ist bereits vorhanden: eine bestehende Identität wird nicht überschrieben
identity-insecure-permissions = die geheime Schlüsseldatei { $path } ist für andere Benutzer lesbar (Zugriffsrechte { $mode })
# $what: einer der identity-what-…-Texte unten, mit Artikel.
identity-writable-by-others = { $what } { $path } kann von anderen Benutzern geändert werden (Zugriffsrechte { $mode }); diese könnten dort einen vertrauenswürdigen Kontakt einschleusen
identity-outside-private-folder = { $what } { $path } liegt außerhalb Ihrer privaten Benutzerordner ({ $allowed }): unter Windows bewahrt bemx Schlüssel und vertrauenswürdige Kontakte nur dort auf, wo allein Ihr Benutzerkonto Zugriff hat
# $action: einer der identity-action-…-Texte unten (mit dem Pfad), passend nach „beim“.
identity-access-denied = Zugriff verweigert beim { $action }
identity-passphrase-required = die geheime Schlüsseldatei { $path } ist durch eine Passphrase geschützt
identity-passphrase-not-text = BEMX_PASSPHRASE ist gesetzt, enthält aber keinen gültigen UTF-8-Text
identity-wrong-passphrase = falsche Passphrase für { $path }
identity-empty-passphrase = die Passphrase ist leer
identity-corrupt-key-file = die Schlüsseldatei { $path } ist beschädigt oder unvollständig ({ $reason })
identity-invalid-name = ungültiger Name: { $reason }: zulässig ist ein Name mit 1 bis 100 Zeichen ohne Steuer- oder unsichtbare Zeichen (stammt er von einer Kontaktkarte, bitten Sie den Absender um eine Karte mit einem einfach geschriebenen Namen)
identity-random = der Zufallszahlengenerator des Betriebssystems hat versagt ({ $reason })
identity-io = Fehler beim { $action }: { $error }
identity-card-too-large = die Kontaktkarte ist zu groß ({ $size } Bytes, höchstens { $max })
identity-not-a-card = dies ist keine bemx-Kontaktkarte
identity-unknown-card-version = unbekannte Version der Kontaktkarte: { $version }
identity-malformed-card = die Kontaktkarte ist fehlerhaft aufgebaut ({ $reason })
identity-bad-age-key = der age-Schlüssel der Kontaktkarte ist ungültig ({ $reason })
identity-bad-signing-key = der Ed25519-Signaturschlüssel ist ungültig ({ $reason })
identity-fingerprint-mismatch = auf der Kontaktkarte steht der Fingerabdruck { $stated }, ihre Schlüssel ergeben aber { $computed }: die Karte wurde verändert oder beschädigt
identity-bad-fingerprint = { $input } ist kein Fingerabdruck
identity-contact-key-changed = der Kontakt { $name } legt neue Schlüssel vor (Fingerabdruck { $new_fp }, vertrauenswürdig ist { $old_fp }): dies könnte ein Täuschungsversuch sein
identity-contact-name-taken = ein anderer Kontakt heißt bereits { $name } (Fingerabdruck { $existing_fp })
identity-contact-name-looks-like = der Name { $name } liest sich wie der Name des Kontakts { $existing } (Fingerabdruck { $existing_fp }); die beiden könnten verwechselt werden, und ein zum Verwechseln ähnlicher Name ist ein häufiger Täuschungstrick
# $chars: die Zeichen des neuen Namens außerhalb von A-Z mit ihrem Code, z. B. „В (U+0412)“.
identity-contact-name-looks-like-chars = der Name { $name } liest sich wie der Name des Kontakts { $existing } (Fingerabdruck { $existing_fp }); seine Zeichen außerhalb von A-Z sind { $chars }; die beiden könnten verwechselt werden, und ein zum Verwechseln ähnlicher Name ist ein häufiger Täuschungstrick
identity-contact-key-reused = die Schlüssel der Karte gehören bereits zum vertrauenswürdigen Kontakt { $existing }, einer anderen Installation: diese Karte ist nicht echt oder wurde kopiert
identity-contact-not-found = kein Kontakt mit dem Namen oder Fingerabdruck { $query }
# $contacts: die vertrauenswürdigen Kontakte, „Name (Fingerabdruck)“, mit „, “ verbunden.
identity-contact-not-found-listing = kein Kontakt mit dem Namen oder Fingerabdruck { $query }; Ihre Kontakte sind: { $contacts }
identity-contact-ambiguous = { $query } passt zu mehr als einem Kontakt
# $candidates: die passenden Kontakte, „Name (Fingerabdruck)“, mit „, “ verbunden.
identity-contact-ambiguous-listing = { $query } passt zu mehr als einem Kontakt; in Frage kommen: { $candidates }
identity-corrupt-contacts = die Kontaktdatei { $path } ist beschädigt ({ $reason })
identity-bad-signature = die Signatur { $context } ist ungültig: die Daten wurden verändert oder mit einem anderen Schlüssel signiert
identity-invalid-context = der Signaturkontext { $context } enthält ein NUL-Byte: das ist ein Fehler in bemx

## Was ein Ordner oder eine Datei ist ($what oben), mit Artikel.

identity-what-secret-key-file = die geheime Schlüsseldatei
identity-what-secret-key-folder = der Ordner für die geheimen Schlüssel
identity-what-installation-folder = der Installationsordner
identity-what-contacts-file = die Kontaktdatei

## Was mit einer Datei versucht wurde ($action oben), passend nach „beim“.

identity-action-read = Lesen von { $path }
identity-action-create = Anlegen von { $path }
identity-action-create-folder = Anlegen des Ordners { $path }
identity-action-write = Schreiben von { $path }
identity-action-replace = Ersetzen von { $path }
identity-action-encrypt = Verschlüsseln von { $path }
identity-action-other = { $action } { $path }

## Was zu tun ist (Rat).

identity-no-identity-advice = führen Sie `bemx init` aus
identity-writable-by-others-advice = führen Sie `chmod { $fix } { $path }` aus und prüfen Sie dann mit `bemx contacts list`, ob Sie jeden aufgeführten Kontakt selbst hinzugefügt haben
identity-passphrase-not-text-advice = tragen Sie die Passphrase dort als einfachen Text ein, oder entfernen Sie BEMX_PASSPHRASE und geben Sie die Passphrase ein, wenn bemx danach fragt
identity-contact-name-looks-like-advice = bestätigen Sie den Fingerabdruck { $new_fp } telefonisch mit dem Absender; ist es eine andere Kollegin oder ein anderer Kollege, ändern Sie die Namenszeile der Karte in einen deutlich anderen Namen (z. B. mit Abteilung) und fügen Sie die Karte erneut hinzu
identity-incomplete-identity-advice = stellen Sie den Identitätsordner aus einer Sicherung wieder her (oder verschieben Sie ihn und beginnen Sie mit `bemx init` neu)
identity-already-exists-advice = verwenden Sie einen anderen Installationsordner oder verschieben Sie den alten Identitätsordner
identity-insecure-permissions-advice = führen Sie `chmod 600 { $path }` aus
identity-outside-private-folder-advice = verwenden Sie einen Installationsordner in einem dieser Ordner (Standard ist %APPDATA%\bemx), oder, falls ein Administrator den Zugriff auf diesen Ordner auf Ihr Benutzerkonto beschränkt hat, tragen Sie ihn in BEMX_TRUSTED_KEY_FOLDER ein
identity-access-denied-advice = stellen Sie sicher, dass die Datei dem Benutzer gehört, unter dem bemx läuft
identity-passphrase-required-advice = geben Sie die Passphrase ein, wenn bemx danach fragt, oder setzen Sie BEMX_PASSPHRASE
identity-wrong-passphrase-advice = versuchen Sie es noch einmal (ist die Passphrase sicher richtig, ist die Datei beschädigt: stellen Sie sie aus einer Sicherung wieder her)
identity-empty-passphrase-advice = wählen Sie eine nicht leere Passphrase oder gar keine
identity-corrupt-key-file-advice = stellen Sie den Identitätsordner aus einer Sicherung wieder her
identity-invalid-name-advice = wählen Sie einen Namen aus 1 bis 100 Zeichen, ohne Steuerzeichen
identity-random-advice = versuchen Sie es noch einmal
identity-card-too-large-advice = prüfen Sie, ob Sie die richtige Datei gewählt haben
identity-not-a-card-advice = bitten Sie den Absender um die Ausgabe von `bemx id show`
identity-unknown-card-version-advice = aktualisieren Sie bemx, oder bitten Sie den Absender um eine Karte der Version 1
identity-malformed-card-advice = bitten Sie den Absender um eine neue Ausgabe von `bemx id show`
identity-bad-key-advice = bitten Sie den Absender um eine neue Kopie der Karte
identity-fingerprint-mismatch-advice = vertrauen Sie ihr nicht; bitten Sie den Absender um eine neue Kopie
identity-bad-fingerprint-advice = ein Fingerabdruck besteht aus 32 Buchstaben und Ziffern, etwa ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567
identity-contact-key-changed-advice = bestätigen Sie den neuen Fingerabdruck telefonisch mit { $name }; ist der Schlüsselwechsel echt, entfernen Sie zuerst den alten Kontakt (`bemx contacts remove { $old_fp }`)
identity-contact-name-taken-advice = ändern Sie die Namenszeile der Karte in einen anderen Namen (z. B. mit Abteilung) und fügen Sie die Karte erneut hinzu
identity-contact-key-reused-advice = fügen Sie die Karte nicht hinzu
identity-contact-not-found-advice = `bemx contacts list` zeigt Ihre vertrauenswürdigen Kontakte
identity-contact-ambiguous-advice = geben Sie mehr vom Namen oder Fingerabdruck ein, sodass nur ein Kontakt passt
identity-corrupt-contacts-advice = stellen Sie die Datei aus einer Sicherung wieder her, oder verschieben Sie sie und fügen Sie die Kontakte erneut hinzu
identity-bad-signature-advice = vertrauen Sie den Daten nicht
identity-invalid-context-advice = bitte melden Sie diesen Fehler

## Warum ein Name, eine Karte, eine Schlüssel- oder Kontaktdatei abgelehnt wurde ($reason oben).
## $error: die Meldung einer Bibliothek (JSON, Base64, age), nicht übersetzt.

identity-reason-age-prefix = er beginnt nicht mit age1
identity-reason-not-curve-point = kein gültiger Punkt auf der Kurve
identity-reason-weak-key = ein schwacher Schlüssel kleiner Ordnung
identity-reason-not-base64 = kein Base64: { $error }
identity-reason-key-length = { $bytes } Bytes statt 32
identity-reason-name-not-normal = der Name ist nicht in seiner Normalform (Unicode NFC, keine Leerzeichen am Anfang, am Ende oder doppelt)
identity-reason-age-not-canonical = nicht in der üblichen Schreibweise aus Kleinbuchstaben
# $line, $field: in Anführungszeichen, wie auf der Karte geschrieben.
identity-reason-card-line = die Zeile { $line } hat nicht die Form `key: value`
identity-reason-card-unknown-field = unbekanntes Feld { $field }
identity-reason-card-field-twice = das Feld { $field } kommt zweimal vor
identity-reason-card-field-missing = das Feld { $field } fehlt
identity-reason-card-installation-id = die Installationskennung ist keine UUID
# $kind: welche Art verstecktes Zeichen; $code: sein Code (hexadezimal).
identity-reason-name-hidden = der Name enthält { $kind ->
        [line-break] einen Tabulator oder Zeilenumbruch
        [zero-width] ein unsichtbares Zeichen ohne Breite
        [direction] ein Steuerzeichen für die Textrichtung
        [control] ein Steuerzeichen
       *[format] ein unsichtbares Formatierungszeichen
    } (U+{ $code }); dadurch kann er wie ein anderer Name aussehen
identity-reason-name-empty = der Name ist leer
identity-reason-name-too-long = der Name hat { $count } Zeichen, mehr als { $max }
identity-reason-name-fingerprint = der Name sieht wie ein Fingerabdruck aus
identity-reason-contacts-too-large = größer als 16 MiB
identity-reason-not-json = kein gültiges JSON: { $error }
identity-reason-contacts-version = unbekannte Version { $version } der Kontaktdatei: aktualisieren Sie bemx
identity-reason-contacts-entry = Eintrag { $entry }: { $error }
identity-reason-contacts-clash = Eintrag { $entry } ({ $name }, Fingerabdruck { $fingerprint }) kollidiert mit dem Kontakt { $other } (Fingerabdruck { $other_fp }): gleiche Schlüssel, gleiche Installation oder ein Name, der sich gleich liest
identity-reason-cannot-serialize = Umwandlung in Text fehlgeschlagen: { $error }
identity-reason-not-regular-file = keine gewöhnliche Datei
identity-reason-larger-than = größer als { $max } Bytes
identity-reason-cannot-encode = der Schlüssel lässt sich nicht kodieren: { $error }
identity-reason-cannot-encode-plain = der Schlüssel lässt sich nicht kodieren
identity-reason-age-key-differs = ihr öffentlicher age-Schlüssel passt nicht zu age.key
identity-reason-signing-key-differs = ihr öffentlicher Ed25519-Schlüssel passt nicht zu signing.key
identity-reason-installation-too-large = größer als 64 KiB
identity-reason-installation-not-valid = keine gültigen Installationsdaten: { $error }
identity-reason-installation-version = unbekannte Version { $version } der Installationsdatei: aktualisieren Sie bemx
identity-reason-installation-id = installation_id ist keine UUID
identity-reason-bad-name = Feld name: { $error }
identity-reason-installation-age = age_recipient ist kein öffentlicher age-Schlüssel
identity-reason-installation-ed25519 = ed25519 ist kein 32-Byte-Schlüssel in Base64
identity-reason-fingerprint-differs = der Fingerabdruck passt nicht zu den Schlüsseln
identity-reason-age-header = der age-Dateikopf ist unlesbar: { $error }
identity-reason-not-passphrase-encrypted = sie ist mit age verschlüsselt, aber nicht mit einer Passphrase
identity-reason-work-factor = der scrypt-Arbeitsfaktor { $required } liegt über der Grenze { $max }
identity-reason-encrypted-damaged = der verschlüsselte Inhalt ist beschädigt: { $error }
identity-reason-no-key-line = keine Schlüsselzeile gefunden
identity-reason-several-key-lines = mehr als eine Schlüsselzeile
identity-reason-not-text = kein Text
identity-reason-key-line-prefix = die Schlüsselzeile beginnt nicht mit { $prefix }
identity-reason-bad-age-secret = ungültiger geheimer age-Schlüssel: { $error }
identity-reason-key-not-base64 = der Schlüssel ist kein gültiges Base64
identity-reason-key-bytes = der Schlüssel hat { $bytes } Bytes statt 32
