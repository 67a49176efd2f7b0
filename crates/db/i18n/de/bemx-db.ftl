# bemx-db: Deutsch. Dieselben Kennungen mit denselben Argumenten wie i18n/en.
#
# Tabellen, Spalten und Datensatznummern heißen, wie die Datenbank sie
# nennt (nie personenbezogene Daten); Kennungen, UUIDs und Suchbegriffe
# kommen in Anführungszeichen, wo der Code sie setzt.

## DbError: was passiert ist.

db-sqlite = Datenbankfehler: { $error }
db-busy = die Datenbank wird gerade von einem anderen Programm verwendet
# $context: einer der db-io-…-Texte unten, passend nach „beim“.
db-io = Fehler beim { $context }: { $error }
db-already-exists = die Datenbankdatei { $path } ist bereits vorhanden
db-not-found = die Datenbankdatei { $path } ist nicht vorhanden
db-not-bemx = die Datenbank { $path } ist keine bemx-Datenbank (Tabelle meta oder Installationskennung fehlt)
db-schema-too-new = die Datenbank stammt von einer neueren bemx-Version (Schemaversion { $found }, dieses bemx verwendet { $expected })
db-schema-too-old = die Datenbank stammt von einer älteren bemx-Version (Schemaversion { $found }, dieses bemx verwendet { $expected })
db-invalid-installation-id = die Installationskennung { $value } ist keine UUID
db-unknown-client = kein Klient mit der UUID oder BEM-ID { $query }
db-unknown-client-id = der Klienten-Datensatz { $id } ist nicht vorhanden
# $detail: einer der db-detail-…-Texte unten.
db-unsupported-schema = nicht unterstützter Aufbau der Tabelle { $table }: { $detail }
db-dangling-reference = Verweis ins Leere: Datensatz { $rowid } in { $table }, Spalte { $column }, verweist auf Datensatz { $value } in { $target }, den es nicht gibt
db-cross-client-reference = Verweis auf einen anderen Klienten: Datensatz { $rowid } in { $table }, Spalte { $column }, verweist auf Datensatz { $value } in { $target }, der zu einem anderen Klienten gehört
db-foreign-key-violation = verletzter Fremdschlüssel: zu Datensatz { $rowid } in { $table } fehlt der zugehörige Datensatz in { $parent }
db-document-mismatch = fehlerhaftes Dokument: Datensatz { $rowid } in { $table }, Spalte { $column }: { $detail }; das Dokument ist beschädigt
db-unexpected-value = unerwarteter Wert in { $table }, Spalte { $column }: { $detail }
db-schema-drift = abweichender Datenbankaufbau bei Tabelle { $table }: { $detail }
db-merge-protocol = Fehler beim Übernehmen: { $detail }; die Übergabedatei ist fehlerhaft, es wurde nichts übernommen
db-unresolved-reference = offener Verweis: { $table }, Spalte { $column }, verweist auf Datensatz { $source_id } in { $target } beim Absender, der nicht in der Übergabedatei enthalten ist; die Übergabedatei ist unvollständig, es wurde nichts übernommen
db-duplicate-client = der Klient { $uuid } ist in dieser Datenbank bereits vorhanden: er wurde schon einmal übernommen oder hat diesen PC nie verlassen; es wurde nichts übernommen
db-blob-length = falsche Dokumentlänge bei { $table }, Datensatz { $source_rowid } beim Absender: angekündigt { $expected } Bytes, erhalten { $actual }; die Übergabedatei ist beschädigt, es wurde nichts übernommen
db-purge-incomplete = Löschen unvollständig: in { $table } { $remaining ->
        [one] ist noch ein Datensatz
       *[other] sind noch { $remaining } Datensätze
    } der gelöschten Klienten übrig; das Löschen wurde rückgängig gemacht
db-changed-during-export = Datensatz { $rowid } in { $table } hat sich geändert, während die Übergabedatei erstellt wurde
db-catalogue-row-missing = der Katalog { $table } hat hier keinen Eintrag ({ $key }), und das Profil lässt bemx seine Einträge nur zuordnen; es wurde nichts übernommen
db-not-utf8-path = der Pfad { $path } ist kein gültiges Unicode, und SQLite nimmt den Pfad einer angehängten Datenbank als Text
db-host-name-taken = die Datenbank des Hostprogramms hat schon eine Tabelle namens { $name }, einen Namen, den bemx für seine Aufzeichnungen braucht
db-profile-invalid = das Profil kann nicht gelesen werden: { $detail }
db-profile-format = das Profil ist im Format { $found } geschrieben; dieses bemx liest Format { $supported }
db-profile-mismatch = das Profil passt nicht zur Tabelle { $table }: { $detail }

## Details zu db-profile-invalid.

db-profile-not-table-column = { $value } hat nicht die Form tabelle.spalte
db-profile-not-utf8 = die Datei ist kein UTF-8-Text
db-profile-too-large = die Datei ist größer als { $limit } KiB
db-profile-key-missing = der Schlüssel { $key } fehlt
db-profile-parse-at = { $detail } (bei Byte { $offset })
db-profile-bad-name = der Name muss aus 1 bis { $max } ASCII-Buchstaben, Ziffern, Punkten, Unterstrichen oder Bindestrichen bestehen
db-profile-version-zero = version muss 1 oder größer sein
db-profile-root-identity = root braucht entweder uuid oder natural_key, nicht beides und nicht keins
db-profile-table-twice = die Tabelle { $table } ist zweimal genannt (als root, Katalog oder lokale Tabelle)
db-profile-column-twice = die Spalte { $column } ist zweimal genannt
db-profile-hash-elsewhere = die sha256-Spalte des Dokuments { $column } muss in derselben Tabelle stehen
db-profile-triggers-untouched = read_only.method "triggers" verlangt host_schema "bemx": ein unverändertes Schema des Hostprogramms bekommt eine Sperrliste
db-profile-empty-name = { $field } ist leer
db-profile-empty-key = { $field } hat einen leeren Schlüssel
db-profile-key-repeats = { $field } nennt die Spalte { $column } zweimal im Schlüssel

## Was `profile check` zeigt, ohne abzulehnen.

db-warning-catalogue-unused = keine Klientendaten verweisen auf diesen Katalog: er wird nicht übergeben
db-warning-table-stays = keine Klientendaten erreichen diese Tabelle, und das Profil nennt sie weder Katalog noch lokal: sie bleibt auf diesem PC
db-warning-blob-in-row = die Spalte { $column } ist als BLOB deklariert, aber kein Dokument: sie wird innerhalb ihres Datensatzes übergeben
db-warning-key-not-enforced = kein eindeutiger Index mit NOT NULL sichert ({ $key }): ein später hinzugefügtes Duplikat würde Übergaben anhalten

## Was gerade geschah, als ein Dateizugriff scheiterte ($context oben), passend nach „beim“.

db-io-reading-document = Lesen eines Dokuments
db-io-creating-database = Anlegen der Datenbank
db-io-reading-host-path = Ermitteln des vollständigen Pfads der Datenbank des Hostprogramms
db-io-removing = Entfernen von { $path }
db-io-overwriting-journal = Überschreiben des Rollback-Journals { $path }
db-io-reading-bundle-document = Lesen eines Dokuments aus der Übergabedatei
db-io-writing-document = Schreiben eines Dokuments in die Datenbank
db-io-reading-profile = Lesen des Profils { $path }

## Einzelheiten ($detail oben).

db-detail-table-missing = die Tabelle fehlt
db-detail-single-integer-key = Tabellen, die übergeben werden, brauchen genau einen INTEGER PRIMARY KEY
db-detail-key-not-rowid = ihr INTEGER PRIMARY KEY { $column } ist nicht die Zeilennummer der Tabelle (eine Tabelle WITHOUT ROWID oder ein als DESC erklärter Schlüssel), daher könnte eine Übernahme ihren Zeilen keine neuen Schlüssel geben
db-detail-name-cannot-travel = der Name { $name } kann nicht in einer Übergabedatei übertragen werden (nur Buchstaben, Ziffern und _, nicht mit einer Ziffer beginnend, höchstens 64): halten Sie ihn lokal oder benennen Sie ihn um
db-detail-column-missing = die Spalte { $column } fehlt
db-detail-document-not-client-data = die Dokumentspalte { $column } gehört nicht zu den Klientendaten
db-detail-cycle-among = die Fremdschlüssel bilden einen Kreis zwischen { $tables }
db-detail-primary-key-local = der Primärschlüssel { $column } kann nicht auf diesem PC bleiben
db-detail-key-column-local = die Schlüsselspalte { $column } wird nicht übergeben
db-detail-key-is-local-id = die Schlüsselspalte { $column } ist die eigene Kennung der Tabelle, die sich zwischen Installationen unterscheidet (nur ein Katalog mit add_missing = false, dessen Einträge alle Installationen gleich führen, darf darüber zugeordnet werden)
db-detail-local-not-null = die Spalte { $column } bleibt auf diesem PC, ist aber NOT NULL ohne Vorgabewert: die Empfangsseite könnte den Datensatz nicht speichern
db-detail-foreign-key-not-key = der Fremdschlüssel { $column } muss auf den Primärschlüssel von { $target } verweisen
db-detail-self-reference-column = die Spalte { $column } verweist auf ihre eigene Tabelle; solche Verweise werden nicht unterstützt
db-detail-key-is-reference = die Spalte { $column } ist der Schlüssel und verweist zugleich auf { $target }; eine Tabelle, die eine andere Zeile für Zeile erweitert, wird nicht unterstützt
db-detail-catalogue-references-client = die Katalogspalte { $column } verweist auf Klientendaten in { $target }
db-detail-key-empty = { $rows } Datensatz/Datensätze haben keinen Wert in ({ $key })
db-detail-key-repeats = { $values } Wert(e) von ({ $key }) kommen mehrfach vor
db-detail-catalogue-key = der Katalogschlüssel bestimmt die Einträge nicht eindeutig: { $detail }
db-detail-root-identity = die Klientenkennung bestimmt Klienten nicht eindeutig: { $detail }
db-detail-not-uuids = { $rows } Wert(e) von { $column } sind keine UUIDs in der Form mit Bindestrichen
db-detail-consent-not-client = die Einwilligungsspalte { $column } muss auf { $root } verweisen
db-detail-root-column-plain = die Spalte { $column } benennt den Klienten und muss daher als einfacher Wert übertragen werden: nicht der Schlüssel der Tabelle, kein Verweis, kein Dokument, keine lokale Spalte
db-detail-reference-neither = die Spalte { $column } verweist auf { $target }, das weder ein Katalog noch Klientendaten ist
db-detail-table-not-here = die Tabelle gibt es hier nicht
# $bundle, $local: die Spaltennamen, mit „, “ verbunden.
db-detail-columns-differ = die Spalten weichen ab: die Übergabedatei hat [{ $bundle }], diese Datenbank hat [{ $local }]
db-detail-started-before-ended = die Tabelle { $table } beginnt, bevor { $open } beendet ist
db-detail-not-exportable = die Tabelle gibt es hier nicht, oder sie wird nicht übergeben
db-detail-table-twice = die Tabelle { $table } kommt zweimal vor
db-detail-row-outside-table = Datensatz außerhalb einer Tabelle
db-detail-end-not-started = Ende einer Tabelle, die nicht begonnen wurde
db-detail-value-count = der Datensatz hat { $values } Werte, die Tabelle hat { $columns } Spalten
db-detail-catalogue-key-null = ein Katalogeintrag ohne Wert in seinem Schlüssel
db-detail-key-type = ein Wert, der einen Datensatz bestimmt, muss Text oder eine ganze Zahl sein, so wie er hier gespeichert wird
db-detail-host-schema-setting = host_schema bestimmt, wie bemx auf der Datenbank eines Hostprogramms eingerichtet wird: "bemx" fügt ihr seine Tabellen für Aufzeichnungen hinzu, "untouched" führt sie in einer Datei der Installation
db-detail-host-needs-refusal-list = eine Datenbank eines Hostprogramms führt übergebene Klienten auf einer Sperrliste: setzen Sie read_only.method = "refusal-list"
db-detail-catalogue-row-unused = der Katalog { $table } enthält einen Eintrag, den kein übertragener Datensatz verwendet
db-detail-null = leerer Wert (NULL) in einer Pflichtspalte
db-detail-primary-key-integer = der Primärschlüssel muss eine ganze Zahl sein
db-detail-document-length-range = die Dokumentlänge liegt außerhalb des zulässigen Bereichs
db-detail-reference-integer = ein Verweis muss eine ganzzahlige id sein
db-detail-document-by-length = ein Dokument muss mit seiner Länge angekündigt werden
db-detail-no-primary-key = Datensatz ohne Primärschlüssel
db-detail-source-row-twice = { $table }: Datensatz { $source_id } des Absenders kommt zweimal vor
db-detail-client-without-uuid = Klient ohne UUID
db-detail-document-not-announced = das Dokument für { $table }.{ $column }, Datensatz { $source_rowid } des Absenders, wurde nicht angekündigt oder doppelt gesendet
db-detail-source-row-unknown = { $table }: Datensatz { $source_rowid } des Absenders ist unbekannt
db-detail-content-differs = der Inhalt passt nicht zur gespeicherten SHA-256-Prüfsumme
db-detail-table-not-ended = die Tabelle { $table } wurde nicht beendet
db-detail-documents-missing = { $count ->
        [one] { $count } Dokument fehlt
       *[other] { $count } Dokumente fehlen
    }, das erste: { $table }.{ $column }, Datensatz { $source_rowid } des Absenders
db-detail-non-integer-reference = Datensatz { $rowid } enthält einen Verweis, der keine ganze Zahl ist
# $kind: die Speicherart des Werts in SQLite (text, integer, real).
db-detail-not-a-blob = Datensatz { $rowid } enthält einen Wert vom Typ { $kind } statt eines Dokuments
db-detail-size-differs = gespeicherte Größe { $size }, der Inhalt hat aber { $length } Bytes
db-detail-sha256-differs = die gespeicherte SHA-256-Prüfsumme passt nicht zum Inhalt

## `bemx db check`: Indizes, Trigger und Sichten, die vom bemx-Schema abweichen.
## $kind: das Wort von SQLite für das Objekt (index, trigger, view); $name: in Anführungszeichen.

db-schema-object-added = { $kind ->
        [index] der Index
        [trigger] der Trigger
        [view] die Sicht
       *[other] das Objekt
    } { $name } der Tabelle { $table } gehört nicht zum bemx-Schema und wurde von einem anderen Programm angelegt
db-schema-object-changed = { $kind ->
        [index] der Index
        [trigger] der Trigger
        [view] die Sicht
       *[other] das Objekt
    } { $name } der Tabelle { $table } weicht vom bemx-Schema ab und wurde von einem anderen Programm verändert
db-schema-object-missing = { $kind ->
        [index] der Index
        [trigger] der Trigger
        [view] die Sicht
       *[other] das Objekt
    } { $name } der Tabelle { $table } aus dem bemx-Schema fehlt

## Was zu tun ist (Rat).

db-busy-advice = schließen Sie BEMdok und alle anderen bemx-Fenster und versuchen Sie es dann noch einmal
db-already-exists-advice = wählen Sie einen anderen Pfad oder entfernen Sie die Datei zuerst
db-not-found-advice = führen Sie zuerst `bemx init` aus oder geben Sie mit --db den richtigen Pfad an
db-not-bemx-advice = prüfen Sie den Pfad bei --db
db-same-version-advice = installieren Sie auf beiden PCs dieselbe bemx-Version
db-schema-too-old-advice = legen Sie eine Sicherung an und öffnen Sie die Datenbank dann mit eingeschalteter Aktualisierung
db-invalid-installation-id-advice = geben Sie eine UUID an, wie `bemx init` sie erzeugt
db-unknown-client-advice = `bemx clients list` zeigt die bekannten Klienten
db-unknown-client-id-advice = lassen Sie die Klienten erneut auflisten, die Datenbank hat sich möglicherweise geändert
db-check-advice = führen Sie `bemx db check` aus und reparieren Sie die Datenbank, bevor Sie Klienten übergeben
db-foreign-key-violation-advice = führen Sie `bemx db check` aus und reparieren Sie die Datenbank
db-document-mismatch-advice = stellen Sie die Datenbank aus einer Sicherung wieder her, bevor Sie Klienten übergeben
db-changed-during-export-advice = starten Sie die Übergabe einfach noch einmal (oder führen Sie sie in einer einzigen Transaktion aus)
db-unsupported-schema-advice = beschreiben Sie die Tabelle bei einer Datenbank eines Hostprogramms in deren Profil (als Katalog oder als lokal); `bemx profile check` listet alle Probleme auf. Die eigene Datenbank von bemx hat diesen Aufbau nur, wenn ein anderes Programm sie verändert hat: spielen Sie eine Sicherung zurück
db-catalogue-row-missing-advice = legen Sie den Eintrag im Hostprogramm an (beide Installationen führen diesen Katalog gleich) und übernehmen Sie dann erneut
db-not-utf8-path-advice = verschieben Sie den Installationsordner an einen Pfad, dessen Name nur gültige Zeichen hat
db-host-name-taken-advice = bemx kann auf dieser Datenbank so nicht eingerichtet werden; fragen Sie den Hersteller des Hostprogramms
db-profile-invalid-advice = berichtigen Sie die Profildatei; `bemx profile suggest` entwirft eines aus einer Datenbank
db-profile-mismatch-advice = berichtigen Sie das Profil oder verwenden Sie das für diese Datenbank gemachte; `bemx profile check` listet alle Probleme auf
db-detail-text-not-utf8 = Text, der kein UTF-8 ist
