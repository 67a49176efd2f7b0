
## general and other commands

# Die Zeilen auf stderr um einen Fehler: "Fehler: …", "Tipp: …", und die
# einer Warnung und eines Hinweises.
cli-error-line = Fehler: { $message }
cli-hint-line = Tipp: { $hint }
cli-warning-line = Warnung: { $warning }
cli-note-line = Hinweis: { $note }
cli-nothing-imported = es wurde nichts übernommen; die Daten auf diesem PC sind unverändert
cli-nothing-changed = Es wurde nichts geändert.

# Die Befehlszeile. cli-lang-invalid folgt auf clap's "invalid value 'x' for '--lang <LANG>': ".
cli-lang-invalid = de oder en
cli-usage-invalid = die Befehlszeile ist ungültig
cli-usage-hint = rufen Sie `bemx --help` auf
cli-manpage-failed = die Handbuchseite kann nicht erzeugt werden

# Ein Datum für Menschen, aus den Teilen von JJJJ-MM-TT.

# Ausgabe.
cli-json-encode-failed = die JSON-Ausgabe kann nicht erzeugt werden
cli-stdout-write-failed = in die Standardausgabe kann nicht geschrieben werden

# Ja/Nein-Fragen: der Code schreibt "<Frage> <Auswahl> ". j/ja/y/yes bedeuten alle ja.
cli-confirm-choices = [j/N]
cli-confirm-no-terminal = es kann nicht nachgefragt werden: die Eingabe ist kein Terminal
cli-confirm-write-failed = die Frage kann nicht ausgegeben werden
cli-confirm-read-failed = die Antwort kann nicht gelesen werden

# Die Passphrase. Auf die Eingabeaufforderungen folgt ein Leerzeichen.
cli-passphrase-prompt = Passphrase dieser Installation:
cli-passphrase-new-prompt = Neue Passphrase für diese Installation:
cli-passphrase-again-prompt = Bitte noch einmal eingeben:
cli-passphrase-read-failed = die Passphrase kann nicht vom Terminal gelesen werden
cli-passphrase-no-terminal = dafür ist die Passphrase der Installation nötig, aber die Eingabe ist kein Terminal
cli-passphrase-no-terminal-hint = führen Sie den Befehl in einem Terminal aus oder setzen Sie { $variable }
cli-passphrase-empty = die Passphrase ist leer
cli-passphrase-empty-hint = wählen Sie eine Passphrase, oder lassen Sie --passphrase weg, um die Schlüssel ungeschützt zu speichern
cli-passphrases-differ = die beiden Passphrasen sind verschieden
cli-passphrases-differ-hint = rufen Sie `bemx init --passphrase` noch einmal auf

# Der Fortschrittsbalken: die verbleibende Zeit ($eta setzt der Balken ein)
# und die Schritte, die die Bibliotheken nennen.
cli-progress-eta = noch { $eta }
cli-step-safety-backup = SICHERHEITSBACKUP
cli-step-merge = Zusammenführen
cli-step-commit = Speichern
cli-step-receipt = Empfangsbestätigung
cli-step-writing-the-bundle = Übergabedatei wird geschrieben

# Der Ordner der Installation.
cli-no-data-folder = der Datenordner des Systems für die Installation ist nicht zu finden (APPDATA oder HOME ist nicht gesetzt)
cli-no-data-folder-hint = geben Sie --home DIR an oder setzen Sie BEMX_HOME auf den Ordner der Installation
cli-no-installation = in { $folder } ist keine Installation
cli-no-installation-db-hint = legen Sie mit `bemx init` eine an, oder geben Sie mit --home DIR / --db PATH eine vorhandene Installation an
cli-no-installation-hint = legen Sie mit `bemx init` eine an, oder geben Sie mit --home DIR eine vorhandene Installation an
cli-lock-failed = kein alleiniger Zugriff auf die Installation möglich

# bemx init
cli-init-exists = in { $folder } ist bereits eine bemx-Installation
cli-init-exists-hint = es wurde nichts geändert; `bemx id show` zeigt ihre Kontaktkarte, oder geben Sie für eine neue --home DIR an
cli-init-db-folder-missing = den Ordner { $folder } für die Datenbank gibt es nicht
cli-init-db-folder-missing-hint = legen Sie ihn zuerst an oder wählen Sie einen anderen --db PATH
cli-init-created = Neue Installation in { $folder } angelegt.
cli-init-card = Kontaktkarte dieser Installation:
cli-init-advice =
    Schicken Sie diese Karte den Kolleginnen und Kollegen, mit denen Sie Klienten austauschen
    (`bemx id show > card.txt`, dann per E-Mail oder USB-Stick). Sie fügen sie mit
    `bemx contacts add card.txt` hinzu und vergleichen den Fingerabdruck
    { $fingerprint } mit Ihnen am Telefon oder persönlich.
cli-init-create-failed = der Ordner der Installation { $folder } kann nicht angelegt werden
# $mode: die Zugriffsrechte des Ordners, z. B. 777.
cli-init-shared-parent = der Ordner { $folder }, in dem die Installation liegt, kann von anderen Benutzern verändert werden (Rechte { $mode }): sie könnten den Ordner der Installation durch einen eigenen ersetzen, samt vertrauenswürdiger Kontakte
cli-init-shared-parent-hint = legen Sie die Installation in einen Ordner, den nur Sie ändern können (der Standardordner ist geeignet), oder führen Sie `chmod go-w { $folder }` aus, wenn dort sonst niemand schreiben muss

# bemx contacts
cli-card-stdin-read-failed = die Karte kann nicht von der Standardeingabe gelesen werden
cli-card-open-failed = die Kartendatei { $file } kann nicht geöffnet werden
cli-card-not-found-hint = prüfen Sie den Dateinamen, oder geben Sie - an, um die Karte von der Standardeingabe zu lesen
cli-card-read-failed = die Kartendatei { $file } kann nicht gelesen werden
cli-card-own = das ist die Kontaktkarte dieser Installation selbst
cli-card-own-hint = fügen Sie die Karte der Installation Ihrer Kollegin oder Ihres Kollegen hinzu (die Ausgabe von `bemx id show` auf deren PC)
cli-card-shown =
    Kontaktkarte von "{ $name }"
    Fingerabdruck: { $fingerprint }
cli-card-question = Haben Sie diesen Fingerabdruck am Telefon oder persönlich mit { $name } verglichen?
cli-card-question-hint = vergleichen Sie den Fingerabdruck { $fingerprint } am Telefon oder persönlich mit { $name } und rufen Sie den Befehl dann noch einmal mit --yes auf
cli-card-not-added = { $name } wurde nicht hinzugefügt
cli-card-not-added-hint = vergleichen Sie zuerst den Fingerabdruck; eine Karte mit falschem Fingerabdruck kann von jemand anderem stammen
cli-contact-already-trusted = { $name } ({ $fingerprint }) ist bereits ein vertrauenswürdiger Kontakt; es wurde nichts geändert.
cli-contact-added = { $name } ({ $fingerprint }) wurde zu den vertrauenswürdigen Kontakten hinzugefügt.
cli-contact-added-advice = Sie können jetzt Klienten an diesen Kontakt übergeben: `bemx export --to "{ $name }" ...`
cli-contacts-none = Noch keine vertrauenswürdigen Kontakte.
cli-contacts-none-advice = Fügen Sie die Kontaktkarte einer Kollegin oder eines Kollegen mit `bemx contacts add FILE` hinzu.
cli-contacts-header-name = NAME
cli-contacts-header-fingerprint = FINGERABDRUCK
cli-contacts-header-installation = INSTALLATION
cli-contacts-header-added = HINZUGEFÜGT
cli-contact-removed = { $name } ({ $fingerprint }) wurde aus den vertrauenswürdigen Kontakten entfernt.

# bemx clients
cli-consent-recorded = Einwilligung in die Übergabe von Klient { $client } erfasst, erteilt am { $date }.
cli-consent-revoked = Einwilligung in die Übergabe von Klient { $client } widerrufen am { $date }.
cli-consent-given-on = erteilt { $date }
cli-consent-revoked-on = widerrufen { $date }
cli-consent-none = keine
cli-clients-none = Keine Klienten.
cli-clients-none-here = Keine Klienten (übergebene Klienten zeigt --all).
cli-clients-handed-over = übergeben (Übergabe { $bundle })
cli-clients-header-bem-id = BEM-ID
cli-clients-header-uuid = UUID
cli-clients-header-case = VERFAHREN
cli-clients-header-consent = EINWILLIGUNG
cli-clients-header-handover = ÜBERGABE
# Der Stand eines BEM-Verfahrens, wie ihn die Datenbank speichert.
cli-case-status =
    { $status ->
        [open] offen
        [running] läuft
        [closed] abgeschlossen
        [aborted] abgebrochen
        [refused] abgelehnt
       *[other] { $status }
    }

# bemx db
cli-seed-range-expected = erwartet wird MIN-MAX, z. B. 1000-20000
cli-seed-range-reversed = MIN darf nicht größer als MAX sein
cli-seed-host = Demodaten sind für die eigene Datenbank von bemx; diese Installation arbeitet mit der Datenbank eines Hostprogramms
cli-seed-host-hint = legen Sie mit `bemx init --home ORDNER` eine Demo-Installation an und füllen Sie diese
cli-seed-done =
    { $clients ->
        [one] 1 Demo-Klient
       *[other] { $clients } Demo-Klienten
    } hinzugefügt: { $records ->
        [one] 1 Datensatz
       *[other] { $records } Datensätze
    }, { $documents ->
        [one] 1 Dokument
       *[other] { $documents } Dokumente
    } ({ $size }) in { $whole },{ $tenths } s.
cli-check-integrity = Unversehrtheit: { $line }
cli-check-problem = Problem: { $problem }
cli-check-consistent =
    Die Datenbank ist in sich stimmig: { $records ->
        [one] 1 Datensatz
       *[other] { $records } Datensätze
    } geprüft, { $documents ->
        [one] 1 Dokument
       *[other] { $documents } Dokumente
    } überprüft.
cli-check-failed =
    { $count ->
        [one] die Prüfung der Datenbank hat ein Problem gefunden
       *[other] die Prüfung der Datenbank hat { $count } Probleme gefunden
    }
cli-check-failed-hint = übergeben und übernehmen Sie nichts, bis sie behoben sind; stellen Sie im Zweifel die letzte gute Sicherung wieder her

## bemx profile check

cli-profile-checked = Profil { $name }, Version { $version }, für { $db }:
cli-profile-root = Klienten: { $table }, erkannt an { $identity }, angezeigt als { $display }
cli-profile-identity-uuid = den UUIDs in { $column }
cli-profile-identity-key = ({ $key })
cli-profile-catalogues = Kataloge, die mitgehen, zugeordnet über ihren Schlüssel ({ $count }):
cli-profile-catalogue = {"  "}{ $table }: Schlüssel ({ $key }); Spalten { $columns }
cli-profile-owned = Klientendaten, in der Reihenfolge, in der sie geschrieben werden ({ $count } Tabellen):
cli-profile-table = {"  "}{ $table }: { $columns }
cli-profile-document = Dokumente: { $table }.{ $column }
cli-profile-document-hashed = Dokumente: { $table }.{ $column }, geprüft gegen { $table }.{ $sha256 }
cli-profile-local-columns = Spalten, die auf diesem PC bleiben: { $columns }
cli-profile-graph = Fingerabdruck des Graphen: { $hash }
cli-profile-warning = Hinweis: { $table }: { $warning }
cli-profile-failed = das Profil passt nicht zur Datenbank: { $count } Problem(e)
cli-profile-failed-hint = berichtigen Sie das Profil (oder die Datenbank), bis `bemx profile check` nichts mehr findet; `bemx profile suggest` entwirft ein Profil aus dem Schema

# bemx backup
cli-backup-none = Noch keine Sicherungen.
cli-backup-header-name = Name
cli-backup-header-kind = Art
cli-backup-header-written = Geschrieben
cli-backup-header-size = Größe
cli-backup-header-signature = Signatur
cli-backup-kind-safety = SICHERHEITSBACKUP vor einer Übernahme
cli-backup-kind-manual = mit backup create angelegt
cli-backup-kind-before-restore = Stand vor einem Wiederherstellen
cli-backup-kind-other = sonstige
# $date aus bemx_i18n::date, $time HH:MM.
cli-backup-written-at = { $date }, { $time } UTC
cli-backup-signed = signiert
cli-backup-not-signed = NICHT SIGNIERT
cli-backup-usage =
    { $count ->
        [one] 1 Sicherung, insgesamt { $total }; { $free } frei auf ihrem Laufwerk.
       *[other] { $count } Sicherungen, insgesamt { $total }; { $free } frei auf ihrem Laufwerk.
    }
cli-backup-written = Sicherung { $name } geschrieben ({ $size }), verschlüsselt für die Schlüssel dieser Installation und mit ihnen signiert.
cli-backup-delete-question = Sicherung { $name } endgültig löschen? Sie kann danach nicht mehr wiederhergestellt werden. Fortfahren?
cli-backup-check-name-hint = prüfen Sie den Namen der Sicherung mit `bemx backup list` und geben Sie dann --yes an
cli-backup-deleted = Sicherung { $name } gelöscht.
# Before the restore question: which clients disappear or come back, and why.
cli-backup-restore-disappear = diese Klienten sind jetzt hier, aber nicht in der Sicherung, und verschwinden daher (nach der Sicherung hier angelegt oder zurückgeholt; sie bleiben in der Sicherung des jetzigen Stands erhalten): { $clients }
cli-backup-restore-come-back = diese Klienten sind in der Sicherung, aber jetzt nicht hier, und kommen daher zurück (nach der Sicherung hier gelöscht): { $clients }
cli-backup-restore-same-clients = die Sicherung enthält dieselben Klienten wie dieser PC jetzt (ihre Daten können sich unterscheiden)
cli-backup-restore-question = Wiederherstellen ERSETZT die ganze Datenbank durch die Sicherung { $name } (eine Übernahme würde stattdessen hinzufügen). Der aktuelle Stand wird vorher gesichert. Fortfahren?
cli-backup-restored = Datenbank aus { $name } wiederhergestellt.
# Eingerückt unter cli-backup-restored.
cli-backup-restored-previous = der ersetzte Stand wurde als { $name } gesichert
cli-backup-restored-purged =
    { $count ->
        [one] 1 Klient in der Sicherung war inzwischen an einen anderen PC übergeben worden; er wurde wieder entfernt
       *[other] { $count } Klienten in der Sicherung waren inzwischen an einen anderen PC übergeben worden; sie wurden wieder entfernt
    }
cli-backup-restored-advice = Übergabedateien, die seit dieser Sicherung übernommen wurden, bleiben vermerkt und können kein zweites Mal übernommen werden.

# bemx demo: die Geschichte einer Übergabe zwischen Anna und Bernd.
cli-demo-random-failed = der Zufallszahlengenerator hat versagt: { $error }
cli-demo-create-failed = { $folder } kann nicht angelegt werden
cli-demo-folder-not-empty = { $folder } ist vorhanden und nicht leer
cli-demo-folder-not-empty-hint = geben Sie der Demo mit --dir einen leeren oder neuen Ordner
cli-demo-read-failed = { $file } kann nicht gelesen werden
cli-demo-replay-accepted = die Demo konnte dieselbe Übergabedatei ein zweites Mal übernehmen; das ist ein Fehler im Programm
cli-demo-folder = Ordner der Demo: { $folder }
cli-demo-step-install = 1. Zwei BEM-Beauftragte richten bemx auf ihren PCs ein.
# Die Einzelheiten stehen eingerückt unter ihrem Schritt; die beiden Fingerabdrücke stehen bündig.
cli-demo-anna-fingerprint = Annas Fingerabdruck:  { $fingerprint }
cli-demo-bernd-fingerprint = Bernds Fingerabdruck: { $fingerprint }
cli-demo-step-contacts = 2. Sie tauschen Kontaktkarten aus und vergleichen die Fingerabdrücke am Telefon.
cli-demo-step-seed =
    3. Auf Annas PC { $clients ->
        [one] ist 1 Klient
       *[other] sind { $clients } Klienten
    } mit ihren BEM-Verfahren, Aktionen, Förderanträgen und Dokumenten.
cli-demo-bernd-clients = Bernd hat bereits { $clients } eigene Klienten.
cli-demo-step-export =
    { $clients ->
        [one] 4. Anna geht; 1 Klient, der in die Übergabe eingewilligt hat, geht an Bernd. Sie übergibt ihn.
       *[other] 4. Anna geht; { $clients } Klienten, die in die Übergabe eingewilligt haben, gehen an Bernd. Sie übergibt sie.
    }
cli-demo-exported =
    { $bundle } geschrieben: { $size }, { $documents ->
        [one] 1 Dokument
       *[other] { $documents } Dokumente
    }, nur für Bernds PC verschlüsselt und von Anna signiert.
cli-demo-handed-over = Auf Annas PC sind die Klienten jetzt übergeben: schreibgeschützt und ausgeblendet ({ $visible } sichtbar).
cli-demo-step-import = 5. Bernd prüft die Übergabedatei und übernimmt sie.
cli-demo-preview = Sie stammt von { $sender } ({ $fingerprint }), enthält { $clients } Klienten und wurde hier noch nie übernommen.
cli-demo-safety-backup = Zuerst ein SICHERHEITSBACKUP: { $name }.
cli-demo-imported =
    In einem Schritt übernommen: { $clients ->
        [one] 1 Klient
       *[other] { $clients } Klienten
    }, { $records ->
        [one] 1 Datensatz
       *[other] { $records } Datensätze
    }, { $documents ->
        [one] 1 Dokument
       *[other] { $documents } Dokumente
    }.
# $old und $new in Anführungszeichen.
cli-demo-renamed = Bernd hatte schon einen Klienten namens { $old }: der neue heißt jetzt { $new }.
cli-demo-catalogue-added = Anna hat den Katalogeintrag { $code } ({ $catalogue }) verwendet, den Bernd nicht hatte: er wurde hinzugefügt.
cli-demo-receipt = Eine signierte Empfangsbestätigung für Anna: { $file }
cli-demo-step-replay = 6. Jemand versucht, dieselbe Übergabedatei noch einmal zu übernehmen.
cli-demo-refused = Abgelehnt: { $reason }
cli-demo-step-confirm = 7. Anna schließt die Übergabe mit Bernds Empfangsbestätigung ab; die Klienten verlassen ihren PC spurlos.
cli-demo-removed =
    { $clients ->
        [one] 1 Klient
       *[other] { $clients } Klienten
    } und { $records ->
        [one] 1 Datensatz
       *[other] { $records } Datensätze
    } auf Annas PC entfernt.
cli-demo-done = Fertig: Anna hat jetzt { $anna } Klienten, Bernd { $bernd }. Jeder Schritt steht im Protokoll des jeweiligen PCs (nur Kennungen und Anzahlen).
cli-demo-look-around = Sehen Sie sich um: bemx --home { $folder } clients list

## --help

# Die Hilfetexte: clap nimmt sie aus den Doc-Kommentaren (die englische
# Quelle), für Deutsch setzt bemx diese hier an ihre Stelle. Die Kennungen
# ergeben sich aus dem Befehlspfad und der Kennung des Arguments.

help-bemx = Übergibt BEM-Akten als signierte, verschlüsselte Übergabedateien von einer Installation an eine andere

help-global-db = Datenbankdatei [Standard: <home>/bemdok.sqlite]
help-global-profile = Profil einer Datenbank eines Hostprogramms: mit ihm richtet `init` ein, es prüft `profile check`; jeder andere Befehl arbeitet nur, wenn die Installation mit ihm eingerichtet wurde
help-global-home = Ordner der Installation [Standard: der Datenordner des Systems, z. B. ~/.local/share/bemx]
help-global-json = Statt Text ein JSON-Dokument auf der Standardausgabe ausgeben
help-global-lang = Sprache: de oder en [Standard: BEMX_LANG, sonst die Sprache des Systems: Deutsch, wenn es Deutsch ist]
help-global-quiet = Keine Fortschrittsbalken und keine Tipps, nur Ergebnisse und Fehler
help-global-yes = Jede Rückfrage mit Ja beantworten

help-clap-help = Hilfe anzeigen
help-clap-version = Version anzeigen
help-clap-help-command = Diese Hilfe oder die Hilfe zu den angegebenen Befehlen anzeigen
help-clap-help-more = Hilfe anzeigen (ausführlicher mit '--help')
help-clap-help-more-long = Hilfe anzeigen (kürzer mit '-h')

help-heading-arguments = Argumente
help-heading-commands = Befehle
help-heading-options = Optionen
help-heading-usage = Aufruf
help-heading-global-options = Optionen für alle Befehle
help-heading-possible-values = Mögliche Werte

help-spec-default = [Standard: { $value }]
help-spec-env = [Umgebungsvariable: { $name }]
help-spec-env-value = [Umgebungsvariable: { $name }={ $value }]
help-spec-possible-values = [mögliche Werte: { $values }]

help-init = Eine neue Installation anlegen: Datenbank und Identität
help-init-name = Name, den Kolleginnen und Kollegen sehen, wenn sie die Kontaktkarte dieser Installation hinzufügen (z. B. Ihr Name oder Ihre Dienststelle)
help-init-passphrase = Die Schlüssel mit einer Passphrase schützen (wird im Terminal abgefragt oder aus BEMX_PASSPHRASE genommen)

help-id = Die Identität dieser Installation
help-id-show = Die Kontaktkarte ausgeben, die Sie Kolleginnen und Kollegen schicken (ohne Passphrase)

help-contacts = Vertrauenswürdige Installationen (Kolleginnen und Kollegen), mit denen Sie Übergabedateien austauschen
help-contacts-add = Der Kontaktkarte einer Kollegin oder eines Kollegen vertrauen (Text oder JSON), nachdem Sie ihren Fingerabdruck verglichen haben
help-contacts-list = Die vertrauenswürdigen Kontakte auflisten
help-contacts-remove = Einem Kontakt nicht mehr vertrauen
help-contacts-add-file = Die Kartendatei, oder -, um die Karte von der Standardeingabe zu lesen
help-contacts-remove-fingerprint = Der Fingerabdruck des Kontakts (wie `bemx contacts list` ihn zeigt)

help-db = Datenbank pflegen: Demodaten, Prüfung auf Stimmigkeit
help-db-check = Die Datenbank prüfen: Unversehrtheit, Verweise zwischen Datensätzen, die Prüfsumme jedes Dokuments
help-db-seed = Realistische Demo-Klienten hinzufügen (zum Ausprobieren von bemx; nie in einer echten Installation)
help-db-seed-clients = Anzahl der Demo-Klienten, die hinzugefügt werden
help-db-seed-seed = Startwert des Zufallsgenerators: derselbe Startwert ergibt dieselben Daten
help-db-seed-document-bytes = Größe der Dokumente in Bytes, als MIN-MAX [Standard: 51200-2097152]
help-db-seed-max-documents = Höchstzahl der Dokumente je Klient [Standard: 5]
help-db-seed-no-documents = Keine Dokumente hinzufügen (eingescannte Briefe und Formulare)

help-clients = Die Klienten in dieser Installation
help-clients-consent = Die Einwilligung eines Klienten in die Übergabe erfassen oder widerrufen (die unterschriebene Einverständniserklärung)
help-clients-list = Die Klienten auflisten: BEM-ID, UUID, Stand des Verfahrens, Einwilligung in die Übergabe, Stand der Übergabe
help-clients-consent-record = Erfassen, dass der Klient in die Übergabe eingewilligt hat, mit dem Datum der unterschriebenen Einverständniserklärung
help-clients-consent-revoke = Erfassen, dass der Klient seine Einwilligung in die Übergabe widerrufen hat
help-clients-list-all = Auch Klienten auflisten, die an eine andere Installation übergeben wurden (schreibgeschützt, bis die Übergabe endet)
help-clients-consent-record-client = Der Klient: BEM-ID oder UUID
help-clients-consent-record-date = Das Datum auf der unterschriebenen Einverständniserklärung, z. B. 12.03.2026 oder 2026-03-12
help-clients-consent-record-form = Das Dokument des Klienten mit der unterschriebenen Einverständniserklärung (seine Nummer in der Datenbank)
help-clients-consent-revoke-client = Der Klient: BEM-ID oder UUID
help-clients-consent-revoke-date = Das Datum des Widerrufs [Standard: heute]

help-export = Klienten übergeben: eine Übergabedatei für einen Kontakt schreiben
help-export-client = Ein Klient, der übergeben wird: UUID oder BEM-ID (mehrfach angeben oder mehrere aufzählen)
help-export-output = Die Übergabedatei, die geschrieben wird; sie darf noch nicht vorhanden sein
help-export-to = Der empfangende Kontakt: sein Name oder Fingerabdruck, oder deren Anfang, wenn er nur zu einem Kontakt passt (siehe `bemx contacts list`)
help-export-clients-file = Eine Datei mit einer UUID oder BEM-ID je Zeile (# beginnt eine Kommentarzeile)
help-export-without-consent = Klienten ohne erfasste Einwilligung in die Übergabe übergeben; die Begründung kommt ins Protokoll

help-inspect = Zeigen, was eine Übergabedatei ist: ohne Schlüssel, was age zeigt, mit den Schlüsseln dieser Installation das signierte Inhaltsverzeichnis
help-inspect-file = Die Übergabedatei

help-verify = Eine ganze Übergabedatei prüfen (jede Prüfsumme, die Signatur, das Dateiende), ohne sie zu übernehmen
help-verify-file = Die Übergabedatei

help-import = Die Übergabedatei einer Kollegin oder eines Kollegen übernehmen (fügt Klienten hinzu; vorher wird ein SICHERHEITSBACKUP angelegt)
help-import-burn = Die Übergabedatei nach erfolgreicher Übernahme überschreiben und löschen
help-import-file = Die Übergabedatei (.bemx)
help-import-receipt = Wohin die Empfangsbestätigung für den Absender geschrieben wird [Standard: neben die Übergabedatei, *.receipt]
help-import-retention = Welche älteren Sicherungen nach der Übernahme gelöscht werden
help-import-retention-all = Jede Sicherung behalten
help-import-keep-safety-backups = Mit --retention safety-only: wie viele SICHERHEITSBACKUPs behalten werden, einschließlich dessen dieser Übernahme
help-import-retention-safety-only = Nur die neuesten SICHERHEITSBACKUPs behalten (siehe --keep-safety-backups), jede andere Sicherung löschen (wie im ursprünglichen Verfahren: keine ältere Sicherung kann einen Stand vor der Übernahme zurückbringen)

help-receipt = Die Empfangsbestätigung einer früheren Übernahme noch einmal schreiben (falls die Kopie des Absenders verloren ging)
help-receipt-output = Wohin sie geschrieben wird [Standard: bemx-<die ersten 8 Zeichen der Kennung>.receipt im aktuellen Ordner]
help-receipt-bundle-id = Die Kennung der Übergabe (siehe `bemx inspect` oder die Ausgabe der Übernahme)

help-handover = Die abgebende Seite nach einer Übergabe: auflisten, mit der Empfangsbestätigung abschließen oder zurücknehmen
help-handover-cancel = Die Klienten einer Übergabe zurücknehmen (nur wenn die Übergabedatei nie übernommen wurde)
help-handover-confirm = Die Empfangsbestätigung des Empfängers prüfen und die übergebenen Klienten endgültig entfernen
help-handover-list = Die Übergaben dieser Installation und ihr Stand
help-handover-confirm-receipt = Die Datei mit der Empfangsbestätigung, die der Empfänger zurückgeschickt hat
help-handover-cancel-bundle-id = Die Kennung der Übergabe (siehe `bemx handover list`)

help-backup = Verschlüsselte Sicherungen der Datenbank, und Wiederherstellen (das die Datenbank ersetzt)
help-backup-create = Jetzt eine verschlüsselte Sicherung der Datenbank anlegen
help-backup-delete = Eine Sicherung endgültig löschen (z. B. eine, die noch Klienten enthält, die inzwischen übergeben wurden)
help-backup-list = Die Sicherungen dieser Installation
help-backup-restore = Die Datenbank durch eine Sicherung ersetzen (der aktuelle Stand wird vorher gesichert)
help-backup-delete-name = Der Name der Sicherung (siehe `bemx backup list`)
help-backup-restore-name = Der Name der Sicherung (siehe `bemx backup list`)

help-demo = Eine ganze Übergabe zwischen zwei neuen Demo-Installationen durchspielen
help-profile = Profile für Datenbanken von Hostprogrammen: eines gegen eine Datenbank prüfen, eines entwerfen, das eingebaute zeigen
help-profile-check = Ein Profil (--profile, sonst das eingebaute) gegen die Datenbank (--db) prüfen und zeigen, was übertragen wird: Tabellen, Schlüssel, Spalten
help-profile-suggest = Ein Profil aus dem Schema der Datenbank (--db) entwerfen, zur Durchsicht durch einen Menschen
help-profile-suggest-name = Der Name des Entwurfs (wird in jeder damit erstellten Übergabedatei vermerkt)
help-profile-show = Das eingebaute Profil der eigenen Datenbank von bemx ausgeben
help-demo-clients = Anzahl der Klienten auf der abgebenden Installation
help-demo-dir = Ordner für die beiden Demo-Installationen und die Übergabedatei [Standard: ein neuer Ordner im Ordner für temporäre Dateien]
help-demo-hand-over = Anzahl der Klienten, die übergeben werden

help-completions = Das Skript zur Befehlsvervollständigung für die Shell ausgeben (z. B. `bemx completions bash > /etc/bash_completion.d/bemx`)
help-completions-shell = Die Shell

help-manpage = Die Handbuchseite ausgeben (roff; z. B. `bemx manpage > bemx.1; man ./bemx.1`)

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
# Eine Zeile je Klient unter cli-import-preview (nach "  - "), und die
# Umbenennung, wenn die BEM-ID hier schon vergeben ist.
cli-import-preview-client = { $bem_id } (Verfahren: { $status })
cli-import-preview-renamed = → wird als { $stored } gespeichert, die BEM-ID ist hier schon vergeben
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
cli-verify-refused-profile = die Übergabedatei ist unversehrt, wurde aber mit dem Profil { $theirs } erstellt, und diese Installation verwendet { $ours }: die Übernahme würde abgelehnt
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
# Before the question of handover confirm: the clients that will be removed.
cli-handover-confirm-preview = Mit dem Abschluss der Übergabe { $id } werden diese Klienten endgültig von diesem PC entfernt (der Empfänger hat sie): { $clients }
cli-handover-confirm-question = Übergabe abschließen und die Klienten entfernen?
cli-handover-confirm-hint = prüfen Sie Empfangsbestätigung und Klienten, dann geben Sie --yes an
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

## Tables and catalogues of the reference schema by their labels (cli-table-<table>),
## looked up at run time by `output::table_label`; other tables show their name.
cli-table-clients = Klienten
cli-table-bem-cases = BEM-Verfahren
cli-table-actions = Aktionen
cli-table-action-participants = Teilnehmende an Aktionen
cli-table-action-results = Ergebnisse von Aktionen
cli-table-action-tasks = Aufgaben aus Aktionen
cli-table-deletion-schedule = Löschfristen
cli-table-documents = Dokumente
cli-table-consents = Einwilligungen
cli-table-funding-applications = Förderanträge
cli-table-measures = Maßnahmen
cli-table-sick-days-after = Fehltage nach dem Verfahren
cli-table-sick-leave-periods = Arbeitsunfähigkeitszeiten
cli-table-surveys = Befragungen
cli-table-survey-answers = Antworten der Befragungen
cli-table-cat-action-type = Katalog: Arten von Aktionen
cli-table-cat-department = Katalog: Abteilungen
cli-table-cat-funding-body = Katalog: Kostenträger
cli-table-cat-funding-type = Katalog: Arten der Förderung
cli-table-cat-job-function = Katalog: Tätigkeiten
cli-table-cat-measure = Katalog: Maßnahmen
