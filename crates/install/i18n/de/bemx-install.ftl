# bemx-install: Deutsch. Dieselben Kennungen mit denselben Argumenten wie i18n/en.

## InstallError

install-busy = die Datenbank wird gerade von einem anderen Programm verwendet
install-busy-advice = schließen Sie BEMdok und alle anderen bemx-Fenster und versuchen Sie es dann erneut
# Eine Sicherung und was mit ihr nicht stimmt: { $problem } ist eine der
# install-backup-problem-…-Meldungen unten, die den Satz fortsetzen.
install-backup = die Sicherung { $name } { $problem }
install-damaged = die Datenbank besteht die Integritätsprüfung nicht ({ $result }); es wurde nichts geändert
install-damaged-advice = führen Sie `bemx db check` aus und stellen Sie eine Sicherung wieder her
install-pending-journal = solange { $journal } existiert (Rest eines unterbrochenen Schreibvorgangs), kann nichts wiederhergestellt werden
install-pending-journal-advice = öffnen Sie die Datenbank einmal mit bemx (`bemx db check`), damit SQLite den unterbrochenen Schreibvorgang zurücknimmt, und stellen Sie dann wieder her
install-unknown-handover = es gibt keine Übergabe mit der Kennung { $bundle }
install-unknown-handover-advice = `bemx handover list` zeigt die offenen Übergaben
install-handover-state = die Übergabe { $bundle } ist { $state ->
        [open] offen
        [confirmed] abgeschlossen
        [cancelled] zurückgenommen
       *[other] im Zustand „{ $state }“
    }
install-handover-state-already-confirmed-advice = sie wurde bereits abgeschlossen; es ist nichts zu tun
install-handover-state-cancel-advice = nur eine offene Übergabe kann zurückgenommen werden; `bemx handover list` zeigt die offenen
install-handover-state-confirm-advice = nur eine offene Übergabe kann abgeschlossen werden; `bemx handover list` zeigt die offenen
install-foreign-database = die Datenbank { $database } gehört zur Installation { $found }, nicht zu dieser Installation ({ $ours }); es wurde nichts geändert
install-foreign-database-advice = verwenden Sie die Datenbank dieser Installation (lassen Sie --db weg) oder das --home der Installation, zu der die Datenbank gehört
install-host-elsewhere = diese Installation führt ihre Aufzeichnungen für die Datenbank { $recorded } des Hostprogramms, nicht für { $given }; es wurde nichts geändert
install-host-elsewhere-advice = lassen Sie --db weg, um mit der Datenbank zu arbeiten, auf der die Installation eingerichtet wurde; für eine verschobene Datenbank muss eine Installation neu eingerichtet werden
install-other-profile = das angegebene Profil ist { $given }, aber diese Installation arbeitet mit { $recorded }; es wurde nichts getan
install-other-profile-advice = lassen Sie --profile weg oder verwenden Sie das --home der Installation, die mit diesem Profil eingerichtet wurde; `bemx profile check` zeigt, was ein Profil ableitet
install-restore-would-lose = die Wiederherstellung der Sicherung { $backup } würde Klienten löschen, die erst nach dieser Sicherung übernommen wurden ({ $bem_ids }); es wurde nichts geändert
install-restore-would-lose-advice = die Daten dieser Klienten gibt es nur in der aktuellen Datenbank: stellen Sie eine neuere Sicherung wieder her (`bemx backup list`) oder übergeben Sie diese Klienten zuerst
install-disk-full = auf { $disk } ist nicht genug Speicherplatz frei: für { $purposes } werden etwa { $needed } gebraucht, frei sind { $free }; es wurde nichts geschrieben
install-disk-full-advice = schaffen Sie Platz auf diesem Laufwerk (Papierkorb leeren, große Dateien verschieben oder löschen; `bemx backup list` zeigt die Sicherungen und ihre Größe) oder wählen Sie einen anderen Ordner und versuchen Sie es dann erneut
install-bad-date = { $given } ist kein Datum
install-bad-date-advice = schreiben Sie das Datum wie auf dem Formular, z. B. 12.03.2026 oder 2026-03-12
install-date-in-future = das Datum { $date } liegt in der Zukunft
install-date-in-future-advice = geben Sie das Datum an, das auf der unterschriebenen Einverständniserklärung steht
install-client-handed-over = der Klient { $bem_id } ist übergeben (Übergabe { $bundle }) und kann hier nicht geändert werden
install-client-handed-over-advice = warten Sie, bis die Übergabe abgeschlossen ist, oder nehmen Sie sie zurück (`bemx handover list`)
install-consent-exists = für den Klienten { $bem_id } liegt bereits eine Einwilligung in die Übergabe vor, erteilt am { $since }; es wurde nichts geändert
install-consent-exists-advice = um eine neue Einwilligung zu erfassen, widerrufen Sie zuerst die alte (`bemx clients consent revoke`)
install-clients-changed = { $count } Klient(en) dieser Übergabe sind nicht mehr unter der Kennung zu finden, mit der sie übergeben wurden: die Werte, an denen sie erkannt werden (etwa eine E-Mail-Adresse), wurden im Hostprogramm geändert; es wurde nichts gelöscht und die Übergabe bleibt offen
install-clients-changed-advice = stellen Sie diese Werte im Hostprogramm wieder her und bestätigen Sie dann erneut
install-consent-in-host = diese Installation arbeitet mit der Datenbank eines Hostprogramms, das Einwilligungen selbst erfasst (oder laut Profil gar nicht); bemx schreibt sie nicht; es wurde nichts geändert
install-consent-in-host-advice = erfassen Sie die Einwilligung im Hostprogramm; `bemx export --without-consent GRUND` übergibt einen Klienten, für den das Hostprogramm keine erfasst
install-no-consent = für den Klienten { $bem_id } liegt keine gültige Einwilligung in die Übergabe vor; es wurde nichts geändert
install-no-consent-advice = `bemx clients list` zeigt die Einwilligung jedes Klienten
install-revoked-before-given = die Einwilligung wurde am { $given_on } erteilt, sie kann also nicht am { $revoked_on } widerrufen worden sein
install-revoked-before-given-advice = geben Sie das Datum des Widerrufs an: dieser Tag oder ein späterer
install-not-the-clients-document = das Dokument { $document } gehört nicht zum Klienten { $bem_id }
install-not-the-clients-document-advice = nennen Sie ein Dokument dieses Klienten, das die unterschriebene Einverständniserklärung enthält, oder lassen Sie --form weg
# { $reason } ist eine der install-record-…-Meldungen unten.
install-record-file = Zeile { $line } von { $path } kann nicht gelesen werden ({ $reason })
install-record-file-advice = die Datei wurde außerhalb von bemx verändert: stellen Sie sie aus Ihrer Dateisicherung wieder her oder wenden Sie sich an Ihre IT-Administration; bemx hat nichts geändert
install-record-too-long = länger als 8 MiB
install-record-not-utf8 = kein UTF-8-Text
install-record-unknown = kein Eintrag, den diese Version kennt

## Ein fehlgeschlagener Dateizugriff: { $error } ist die Meldung des Betriebssystems.

install-io-reading = { $path } konnte nicht gelesen werden: { $error }
install-io-creating = { $path } konnte nicht angelegt werden: { $error }
install-io-writing = { $path } konnte nicht geschrieben werden: { $error }
install-io-opening = { $path } konnte nicht geöffnet werden: { $error }
install-io-listing = der Inhalt des Ordners { $path } konnte nicht gelesen werden: { $error }
install-io-locking = { $path } konnte nicht gesperrt werden: { $error }
install-io-syncing = { $path } konnte nicht dauerhaft gespeichert werden: { $error }
install-io-appending = an { $path } konnte nichts angefügt werden: { $error }
install-io-opening-lock-file = die Sperrdatei { $path } konnte nicht geöffnet werden: { $error }
install-io-opening-signature = die Signaturdatei { $path } konnte nicht geöffnet werden: { $error }
install-io-reading-signature = die Signaturdatei { $path } konnte nicht gelesen werden: { $error }
install-io-deleting-backup = die Sicherung { $path } konnte nicht gelöscht werden: { $error }
install-io-deleting-old-backup = die alte Sicherung { $path } konnte nicht gelöscht werden: { $error }
install-io-writing-backup = die Sicherung { $path } konnte nicht geschrieben werden: { $error }
install-io-writing-backup-signature = die Signatur der Sicherung { $path } konnte nicht geschrieben werden: { $error }
install-io-encrypting-backup = die Sicherung { $path } konnte nicht verschlüsselt werden: { $error }
install-io-opening-backup = die Sicherung { $path } konnte nicht geöffnet werden: { $error }
install-io-renaming-backup = die Sicherung konnte nicht unter dem Namen { $path } gespeichert werden: { $error }
install-io-renaming-backup-signature = die Signatur der Sicherung konnte nicht unter dem Namen { $path } gespeichert werden: { $error }
install-io-finding-free-space = der freie Speicherplatz für { $path } konnte nicht ermittelt werden: { $error }
install-io-replacing-database = die Datenbank { $path } konnte nicht durch die wiederhergestellte ersetzt werden: { $error }

## BackupProblem: jede Meldung setzt „die Sicherung NAME …“ fort (install-backup).

install-backup-problem-bad-name = ist kein Name einer Sicherung
install-backup-problem-missing = existiert nicht
install-backup-problem-exists = existiert bereits
install-backup-problem-not-a-backup = ist keine bemx-Sicherung ({ $detail })
install-backup-problem-foreign-key = stammt nicht von dieser Installation (sie ist mit einem anderen Schlüssel verschlüsselt)
install-backup-problem-damaged = ist beschädigt oder unvollständig ({ $detail })
install-backup-problem-read-back = weicht beim Zurücklesen von der Datenbank ab
install-backup-problem-unsigned = ist nicht von dieser Installation signiert; es wurde nichts geändert
install-backup-problem-bad-signature = hat eine Signatur, die sich mit dem Schlüssel dieser Installation nicht bestätigen lässt; es wurde nichts geändert
# { $what } ist "name" oder "installation": die signierte Angabe, die abweicht.
install-backup-problem-signed-for-other = hat eine Signatur, die für eine andere Sicherung erstellt wurde ({ $what ->
        [name] der Name weicht ab
       *[other] die Installation weicht ab
    }); es wurde nichts geändert
install-backup-problem-content-mismatch = enthält nicht die Datenbank, für die ihre Signatur bürgt; es wurde nichts geändert
install-backup-pick-advice = `bemx backup list` zeigt die Sicherungen: verwenden Sie einen der dort gezeigten Namen
install-backup-exists-advice = warten Sie eine Sekunde und versuchen Sie es erneut
install-backup-use-another-advice = verwenden Sie eine andere Sicherung (`bemx backup list`)
install-backup-read-back-advice = das Laufwerk ist möglicherweise defekt: lassen Sie es prüfen; es wurde nichts geändert
install-backup-unsigned-advice = stellen Sie eine Sicherung wieder her, die `bemx backup list` als signiert zeigt; eine Sicherung aus einer älteren bemx-Version lässt sich von Hand wiederherstellen (age -d, zstd -d), sobald Sie sicher sind, woher sie stammt
install-backup-forged-advice = verwenden Sie diese Sicherung nicht, sie könnte gefälscht oder ausgetauscht worden sein: stellen Sie eine andere wieder her (`bemx backup list`) und fragen Sie Ihre IT-Administration, wer in den Sicherungsordner schreiben kann

## ReceiptProblem

install-receipt-cancelled-handover = WARNUNG: laut dieser Empfangsbestätigung wurde die Übergabe { $bundle } übernommen, aber Sie haben diese Übergabe zurückgenommen und die Klienten zurückgeholt: die Klienten gibt es jetzt auf zwei PCs
install-receipt-cancelled-handover-advice = wenden Sie sich sofort an den Empfänger und vereinbaren Sie, wer die Klienten behält
install-receipt-recipient-unknown = der Empfänger der Übergabe { $bundle } (Fingerabdruck { $fingerprint }) ist nicht mehr unter Ihren Kontakten
install-receipt-recipient-unknown-advice = fügen Sie die Kontaktkarte des Empfängers erneut hinzu, um die Empfangsbestätigung zu prüfen
# { $what } ist eine der install-receipt-facts-…-Meldungen unten.
install-receipt-mismatch = die Empfangsbestätigung für die Übergabe { $bundle } passt nicht zu dieser Übergabe (abweichend: { $what })
install-receipt-mismatch-advice = bitten Sie den Empfänger um die richtige Empfangsbestätigung
install-receipt-facts-parties = Absender oder Empfänger
install-receipt-facts-manifest = der bestätigte Inhalt der Übergabedatei
install-receipt-facts-clients = die Klienten
install-receipt-import-restored-away = die Übergabe { $bundle } ist als übernommen verzeichnet, aber diese Datenbank enthält die Übernahme nicht mehr (sie wurde aus einer älteren Sicherung wiederhergestellt)
install-receipt-import-restored-away-advice = ihre Klienten fehlen hier möglicherweise: bitten Sie den Absender, diese Übergabe zurückzunehmen und die Klienten erneut zu übergeben
install-receipt-never-imported = die Übergabe { $bundle } wurde hier nie übernommen
install-receipt-never-imported-advice = führen Sie `bemx inspect` für die Übergabedatei aus, um ihre Kennung zu sehen
install-receipt-several-senders = die Übergabe { $bundle } wurde hier von mehr als einem Absender übernommen ({ $senders }); eine Kennung gilt nur einmal, einer von ihnen hat also die eines anderen wiederverwendet
install-receipt-several-senders-advice = es wird keine Empfangsbestätigung geschrieben: bitten Sie Ihre IT-Betreuung, beide Übernahmen zu prüfen (`bemx handover list` auf dem PC jedes Absenders zeigt, wessen Übergabe es ist)

## Freier Speicherplatz

install-purpose-backup = die Sicherung
install-purpose-merge = die übernommenen Daten
install-purpose-restore = die wiederhergestellte Datenbank
install-purpose-bundle = die Übergabedatei
# Was das Entfernen bei `handover confirm` bis zum Abschluss auf dem Datenträger hält: jede Seite, die es überschreibt.
install-purpose-purge = das Entfernen der übergebenen Klienten
# Verbindet zwei Zwecke: „die Sicherung und die übernommenen Daten“.
install-purpose-and = und
install-space-no-parent = kein übergeordneter Ordner vorhanden

## Sicherungen

# { $total } und { $free } sind Größen wie „3.1 GB“.
install-backup-usage-warning = { $count ->
        [one] die 1 Sicherung belegt { $total } und daneben sind nur noch { $free } frei
       *[other] die { $count } Sicherungen belegen { $total } und daneben sind nur noch { $free } frei
    }, daher passt das nächste SICHERHEITSBACKUP womöglich nicht mehr: löschen Sie alte Sicherungen mit `bemx backup delete NAME` (siehe `bemx backup list`)

# A size under 1000 bytes (larger ones: 3.1 GB, with the decimal comma in German).
install-size-bytes = { $n } Bytes

# The start of a bundle id that fits several (handover cancel, receipt).
install-ambiguous-bundle = die Kennung { $query } passt zu mehr als einer Übergabe: { $matches }
install-ambiguous-bundle-advice = geben Sie mehr Zeichen der Kennung an

# A restore whose database changed between its question and its swap.
install-database-changed = ein anderes Programm hat in die Datenbank { $database } geschrieben, während Sie gefragt wurden; es wurde nichts wiederhergestellt
install-database-changed-advice = schließen Sie BEMdok und starten Sie die Wiederherstellung erneut; sie zeigt dann, was sie jetzt ändert
