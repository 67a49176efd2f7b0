# bemx-format: Deutsch. Dieselben Kennungen mit denselben Argumenten wie i18n/en.

## Wo in einer Übergabedatei ein Fehler gefunden wurde (Part)

format-part-age-header = Verschlüsselungskopf
format-part-age-payload = verschlüsselte Daten
format-part-compression = komprimierte Daten
format-part-archive = Archivstruktur
format-part-manifest = Inhaltsverzeichnis
format-part-signature = Signatur des Inhaltsverzeichnisses
format-part-entry = Eintrag { $path }

## FormatError: was geschehen ist

format-not-a-bundle = diese Datei ist keine bemx-Übergabedatei (ihr fehlt der age-Verschlüsselungskopf)
format-recipient-stanzas = diese Datei ist mit age verschlüsselt, aber keine bemx-Übergabedatei (gefunden: { $found }); eine Übergabedatei hat genau einen X25519-Empfänger
format-not-for-this-installation = diese Übergabedatei ist nicht an diese Installation gerichtet: sie wurde für einen anderen PC verschlüsselt
format-recipient-mismatch = diese Übergabedatei wurde für die Installation { $named } erstellt, nicht für diese ({ $this }): sie wurde möglicherweise weitergeleitet
format-damaged = die Übergabedatei ist beschädigt oder wurde verändert ({ $part }: { $detail })
format-truncated = die Übergabedatei ist unvollständig ({ $part }: vorzeitig zu Ende)
format-trailing-data = die Übergabedatei enthält nach dem Ende eines Teils unerwartete weitere Daten ({ $part })
format-forbidden-entry-type = die Übergabedatei enthält einen unzulässigen Archiveintrag { $path } vom Typ { $kind }: erlaubt sind nur gewöhnliche Dateien
format-forbidden-path = die Übergabedatei enthält einen Eintrag mit unzulässigem Pfad { $path } ({ $reason })
format-entry-mismatch = der Inhalt der Übergabedatei stimmt nicht mit ihrem signierten Inhaltsverzeichnis überein: { $detail }
format-limit = die Übergabedatei überschreitet eine Grenze des Formats: { $what } beträgt { $value }, erlaubt sind höchstens { $limit }
format-manifest = das Inhaltsverzeichnis der Übergabedatei ist fehlerhaft ({ $detail })
format-non-canonical = das Inhaltsverzeichnis der Übergabedatei ist nicht in der festgelegten Form kodiert
format-unsupported-format = die Übergabedatei hat die Formatversion { $found }, dieses bemx liest die Formatversion { $supported }
format-bad-signature = die Signatur der Übergabedatei ist ungültig: das Inhaltsverzeichnis wurde verändert oder nicht von seinem Absender signiert
format-bad-receipt = die Empfangsbestätigung ist ungültig ({ $detail })
format-rows = ein Tabelleneintrag der Übergabedatei ist fehlerhaft ({ $detail })
format-writer-length = interner Schreibfehler: der Eintrag { $path } war mit { $announced } Bytes angekündigt, geliefert wurden { $supplied }; an seiner Stelle wurde nichts geschrieben
format-io = Ein-/Ausgabefehler: { $error }

## FormatError: was zu tun ist

format-advice-check-file = prüfen Sie, ob Sie die richtige Datei ausgewählt haben
format-advice-export-again = bitten Sie den Absender, die Übergabedatei noch einmal für Ihre Kontaktkarte zu erstellen
format-advice-refuse-tell-sender = nehmen Sie sie nicht an und informieren Sie den Absender
format-advice-damaged = die Datei wurde unterwegs beschädigt oder verändert: bitten Sie den Absender um eine neue Übergabedatei
format-advice-copy-again = kopieren Sie die Datei noch einmal vollständig, oder bitten Sie den Absender um eine neue
format-advice-refuse = nehmen Sie diese Übergabedatei nicht an
format-advice-same-version = installieren Sie dieselbe bemx-Version wie der Absender
format-advice-receipt-again = bitten Sie den Empfänger, die Datei mit der Empfangsbestätigung noch einmal zu senden

## Was bei einem fehlgeschlagenen Dateizugriff zu tun ist (durable::io_advice, durable::read_advice)

format-io-advice-not-found = prüfen Sie den Pfad, und ob das Laufwerk oder der USB-Stick angeschlossen ist
format-io-advice-permission = prüfen Sie, ob Sie dort schreiben dürfen (ein schreibgeschützter USB-Stick oder Ordner?), oder wählen Sie einen anderen Ort
format-io-advice-full = schaffen Sie freien Speicherplatz auf diesem Laufwerk, oder wählen Sie ein anderes
format-io-advice-exists = wählen Sie einen anderen Namen, oder verschieben Sie die vorhandene Datei vorher an einen anderen Ort
format-io-advice-mixed-up = prüfen Sie den Pfad: ein Ordner und eine Datei wurden verwechselt
format-io-advice-other = prüfen Sie das Laufwerk (angeschlossen, nicht defekt) und versuchen Sie es erneut
format-read-advice-permission = prüfen Sie, ob die Datei Ihnen gehört (fragen Sie Ihre IT-Abteilung, wenn sie einem anderen Benutzer gehört)

## Namen gemessener Größen und Felder in den Texten (term)

format-term-manifest = Inhaltsverzeichnis
format-term-manifest-size = Größe des Inhaltsverzeichnisses
format-term-client-count = Anzahl der Klienten
format-term-table-count = Anzahl der Tabellen
format-term-entry-count = Anzahl der Einträge
format-term-entry-size = Größe eines Eintrags
format-term-row-value-length = Länge eines Tabellenwerts
format-term-installation-name = Name der Installation
format-term-application-version = Programmversion
format-term-schema = Schema
format-term-entry = Eintrag
format-term-sender = Absender
format-term-recipient = Empfänger
format-term-receiver = Empfänger
format-term-ed25519-key = Ed25519-Schlüssel
format-term-installation-id = Kennung der Installation
format-term-age-key = age-Schlüssel
format-term-name = Name
format-term-schema-fingerprint = Fingerabdruck des Schemas
format-term-client-id = Kennung eines Klienten
format-term-entry-hash = Prüfsumme eines Eintrags
format-term-bundle-id = Kennung der Übergabe
format-term-clients-hash = Prüfsumme der Klienten
format-term-manifest-hash = Prüfsumme des Inhaltsverzeichnisses
format-term-field-count = Anzahl der Felder
format-term-field-order = Reihenfolge der Felder
format-term-checksum = Prüfsumme
format-term-size = Größe

## Warum ein Pfad in der Übergabedatei unzulässig ist (path_rule)

format-rule-table-entry = ein Tabelleneintrag heißt tables/NNN-<table>.cbor
format-rule-document-entry = ein Dokumenteintrag heißt blobs/<table>.<column>/<rowid>
format-rule-data-entries = Dateneinträge liegen unter tables/ oder blobs/
format-rule-length = die Länge muss 1 bis 99 Bytes betragen
format-rule-characters = erlaubt sind nur A-Z, a-z, 0-9, '.', '_', '-' und '/'
format-rule-absolute = absoluter Pfad
format-rule-empty-component = leerer Pfadbestandteil
format-rule-dot-component = Pfadbestandteil '.' oder '..'
format-rule-reserved-name = ein reservierter Name wird für einen Dateneintrag verwendet
format-rule-ustar-prefix = der Name nutzt das ustar-Präfixfeld oder hat Bytes nach seinem Ende

## Einzelheiten: die Verschlüsselung (age)

format-recipients-none = kein Empfänger
format-recipients-found = { $count } Empfänger vom Typ { $types }
format-header-too-long = der Kopf ist zu lang
format-stanza-without-final-line = einem Empfängerabschnitt fehlt seine kurze letzte Zeile
format-stray-header-line = eine Kopfzeile ist weder ein Empfängerabschnitt noch dessen Inhalt
format-too-many-stanzas = zu viele Empfängerabschnitte
format-authentication-failed = die Echtheitsprüfung ist fehlgeschlagen
format-header-unparsable = der Kopf ist nicht lesbar
format-unreadable = nicht lesbar
format-no-entry-open = kein Archiveintrag geöffnet

## Einzelheiten: das Inhaltsverzeichnis

format-manifest-bad-age-recipient = ein age-Empfänger hat nicht die Form age1…
format-manifest-same-installation = Absender und Empfänger sind dieselbe Installation
format-manifest-no-clients = die Übergabedatei enthält keine Klienten
format-manifest-clients-not-ascending = die Kennungen der Klienten sind nicht streng aufsteigend sortiert (ein Klient doppelt?)
format-manifest-bad-table-name = der Tabellenname { $name } ist kein gültiger Bezeichner
format-manifest-bad-profile-name = der Profilname { $name } besteht nicht aus 1 bis 64 ASCII-Buchstaben, Ziffern, Punkten, Unterstrichen oder Bindestrichen
format-manifest-table-twice = die Tabelle { $name } ist doppelt aufgeführt
format-manifest-entry-not-table = der Eintrag { $path } ist nicht Tabelle Nummer { $number } der Tabellenliste im Inhaltsverzeichnis
format-manifest-entry-twice = der Eintrag { $path } ist doppelt aufgeführt
format-manifest-table-entries = das Inhaltsverzeichnis nennt { $tables } Tabellen, aber { $entries } Tabelleneinträge
format-manifest-bad-text = { $what } muss 1 bis { $max } Bytes lang sein und darf keine Steuerzeichen enthalten
format-manifest-invalid-cbor = ungültiges CBOR: { $error }
format-manifest-field-count = { $what } hat { $found } Felder, erwartet sind { $expected }
format-manifest-expected-field = erwartet war das Feld { $expected }, gefunden: { $found }
format-manifest-fixed-size = { $what } muss { $size } Bytes lang sein, gefunden: { $found }
format-manifest-expected-text = erwartet war ein Text mit angegebener Länge
format-manifest-expected-uint = erwartet war eine nicht negative ganze Zahl, gefunden: { $found }

## Einzelheiten: die Empfangsbestätigung

format-receipt-too-large = die Datei ist zu groß für eine Empfangsbestätigung
format-receipt-not-a-receipt = keine bemx-Empfangsbestätigung
format-receipt-no-signature = die Signatur fehlt
format-receipt-unexpected-data = unerwartete Daten
format-receipt-malformed-body = fehlerhafter Inhalt: { $error }
format-receipt-wrong-format = die Formatversion { $found } ist nicht { $supported }
format-receipt-not-canonical = der Inhalt ist nicht in der festgelegten Form kodiert
format-receipt-bad-signature = die Signatur passt nicht zum Schlüssel des Empfängers

## Einzelheiten: Tabelleneinträge (Zeilen)

format-rows-bad-header = ungültiger Tabellenkopf für { $table }
format-rows-bad-column = ungültige Spalte { $column } mit der Rolle { $role }
format-rows-arity = die Zeile hat { $values } Werte, der Tabellenkopf { $columns }
format-rows-row-ends-early = eine Zeile endet vorzeitig
format-rows-not-shortest = eine Zahl oder Länge ist nicht in kürzester Form kodiert
format-rows-indefinite = unbestimmte Länge oder reservierte Kodierung
format-rows-value-ends-early = ein Wert endet vorzeitig
format-rows-not-utf8 = ein Text ist kein gültiges UTF-8
format-rows-expected-text = Text erwartet
format-rows-integer-range = eine ganze Zahl liegt außerhalb des zulässigen Bereichs
format-rows-unsupported-item = nicht unterstütztes CBOR-Element (Haupttyp { $major })
format-rows-header-shape = der Tabellenkopf muss eine Zuordnung aus name und columns sein
format-rows-columns = die Spaltenliste fehlt oder ist zu lang
format-rows-column-shape = eine Spalte muss [name, role] sein
format-rows-row-shape = eine Zeile von { $table } muss eine Liste aus { $columns } Werten sein

## Einzelheiten: das Archiv

format-archive-not-octal = das Feld { $field } ist keine Oktalzahl
format-archive-not-read-to-end = ein Eintrag wurde nicht bis zu seinem Ende gelesen
format-archive-bad-padding = Füllbytes ungleich null nach einem Eintrag
format-archive-lone-zero-block = ein einzelner Nullblock mitten im Archiv
format-archive-checksum = die Prüfsumme eines Eintragskopfs stimmt nicht
format-archive-not-ustar = kein POSIX-ustar-Kopf
format-archive-link-name = ein gewöhnlicher Dateieintrag enthält einen Linknamen
format-archive-entry-too-large = der Eintrag { $path } ist { $size } Bytes groß, das Inhaltsverzeichnis erlaubt { $max }
format-archive-entry-truncated = ein Archiveintrag ist unvollständig

## Arten von Archiveinträgen (die Art eines unzulässigen Eintrags)

format-entry-type-hard-link = harter Link
format-entry-type-symbolic-link = symbolischer Link
format-entry-type-character-device = zeichenorientiertes Gerät
format-entry-type-block-device = blockorientiertes Gerät
format-entry-type-directory = Ordner
format-entry-type-fifo = FIFO (benannte Pipe)
format-entry-type-contiguous-file = zusammenhängende Datei
format-entry-type-pax-extended-header = erweiterter PAX-Kopf
format-entry-type-pax-global-header = globaler PAX-Kopf
format-entry-type-gnu-long-name = langer GNU-Name
format-entry-type-old-style = Datei im alten Stil (ohne Typ)
format-entry-type-unknown = unbekannter Typ { $flag }

# What age reports about a damaged header. English output shows age's own
# words; these are shown in the other languages (age has no German).
format-age-invalid-mac = der Prüfcode des Verschlüsselungskopfs stimmt nicht
format-age-invalid-header = der Verschlüsselungskopf ist ungültig
format-age-key-decryption-failed = ein verschlüsselter Schlüssel ließ sich nicht entschlüsseln
format-age-decryption-failed = die Entschlüsselung ist fehlgeschlagen
# What zstd reports, shown in languages other than English (zstd speaks English).
format-zstd-damaged = die komprimierten Daten lassen sich nicht entpacken
