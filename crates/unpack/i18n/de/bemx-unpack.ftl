# bemx-unpack: Deutsch. Dieselben Kennungen mit denselben Argumenten wie i18n/en.

## UnpackError: was geschehen ist

unpack-not-a-bundle = diese Datei ist keine bemx-Übergabedatei ({ $detail })
unpack-not-for-this-installation = diese Übergabedatei ist nicht an diese Installation gerichtet: sie wurde für einen anderen PC verschlüsselt
unpack-recipient-mismatch = diese Übergabedatei wurde für { $name } (Installation { $named }) erstellt, nicht für diese Installation ({ $this }): möglicherweise hat jemand anderes sie weitergeleitet
unpack-untrusted-sender = die Übergabedatei ist von jemandem signiert, der nicht zu Ihren vertrauenswürdigen Kontakten gehört (laut Übergabedatei { $name }, nicht bestätigt)
unpack-sender-key-changed = die Übergabedatei gibt an, von Ihrem Kontakt { $name } zu stammen, ist aber mit einem anderen Schlüssel signiert (nicht mit dem, den Sie gespeichert haben): möglicherweise hat jemand anderes sie erstellt
unpack-sender-claims-differ = die Übergabedatei ist von Ihrem Kontakt { $name } signiert, nennt aber einen anderen Absender ({ $fields } weicht von der Kontaktkarte ab): sie gibt vor, von jemand anderem zu stammen
unpack-bad-signature = die Signatur der Übergabedatei ist ungültig: ihr Inhaltsverzeichnis wurde verändert oder nicht von ihrem Absender signiert
unpack-damaged = die Übergabedatei ist beschädigt oder wurde verändert ({ $part }: { $detail })
unpack-truncated = die Übergabedatei ist unvollständig ({ $part }: vorzeitig zu Ende, oder das letzte Stück ist beschädigt)
unpack-trailing-data = die Übergabedatei enthält nach dem Ende eines Teils unerwartete weitere Daten ({ $part })
unpack-unsupported-format = die Übergabedatei hat die Formatversion { $found }, dieses bemx liest die Formatversion { $supported }
unpack-manifest-missing = diese Datei lässt sich entschlüsseln, beginnt aber nicht mit einem bemx-Inhaltsverzeichnis (gefunden: { $found }): sie wurde nicht von bemx erstellt oder wurde verändert
unpack-bad-manifest = das Inhaltsverzeichnis der Übergabedatei ist fehlerhaft ({ $detail })
unpack-limit = die Übergabedatei überschreitet eine Grenze des Formats ({ $what } beträgt { $value }, erlaubt sind höchstens { $limit })
unpack-forbidden-entry-type = die Übergabedatei enthält einen unzulässigen Bestandteil { $path } vom Typ { $kind }: erlaubt sind nur gewöhnliche Dateien
unpack-forbidden-path = die Übergabedatei enthält einen Bestandteil mit unzulässigem Namen { $path } ({ $reason })
unpack-missing-entry = in der Übergabedatei fehlt { $path }, obwohl ihr signiertes Inhaltsverzeichnis es aufführt
unpack-extra-entry = die Übergabedatei enthält { $path }, das ihr signiertes Inhaltsverzeichnis nicht aufführt: sie wurde verändert
unpack-out-of-order = die Bestandteile der Übergabedatei sind nicht in der richtigen Reihenfolge ({ $found } steht dort, wo { $expected } hingehört; ein Bestandteil fehlt oder wurde verschoben)
unpack-duplicate-entry = die Übergabedatei enthält { $path } zweimal: sie wurde verändert
unpack-size-mismatch = der Bestandteil { $path } der Übergabedatei hat { $archive } Bytes, ihr signiertes Inhaltsverzeichnis nennt aber { $manifest }: sie wurde verändert
unpack-hash-mismatch = der Bestandteil { $path } der Übergabedatei passt nicht zu seiner Prüfsumme im signierten Inhaltsverzeichnis: sie wurde verändert oder beschädigt
unpack-bad-rows = eine Tabelle in der Übergabedatei ist fehlerhaft ({ $detail })
unpack-row-count-mismatch = die Tabelle { $table } der Übergabedatei enthält { $found } Zeilen, ihr signiertes Inhaltsverzeichnis nennt aber { $manifest }
unpack-entry-not-finished = interner Fehler: der Bestandteil { $path } wurde nicht bis zu seinem Ende gelesen, bevor der nächste angefordert wurde; es wurde nichts übernommen
unpack-already-failed = interner Fehler: die Übergabedatei wurde nach einem früheren Fehler weitergelesen; es wurde nichts übernommen
unpack-io = die Datei konnte nicht gelesen werden ({ $error })

## UnpackError: was zu tun ist

unpack-advice-check-file = prüfen Sie, ob Sie die richtige Datei ausgewählt haben
unpack-advice-export-again = bitten Sie den Absender, die Übergabedatei noch einmal für Ihre Kontaktkarte zu erstellen
unpack-advice-tell-sender = übernehmen Sie sie nicht und informieren Sie den Absender
unpack-advice-untrusted-sender = vergleichen Sie den Fingerabdruck am Telefon mit dem Absender, fügen Sie die Kontaktkarte des Absenders hinzu und versuchen Sie es dann erneut
unpack-advice-sender-key-changed = übernehmen Sie sie nicht, rufen Sie den Absender an und vergleichen Sie die Fingerabdrücke
unpack-advice-sender-claims-differ = übernehmen Sie sie nicht und rufen Sie den Absender an
unpack-advice-refuse-new-bundle = übernehmen Sie sie nicht, bitten Sie den Absender um eine neue Übergabedatei
unpack-advice-copy-again = kopieren Sie sie noch einmal vom Original; wenn das nicht hilft, bitten Sie den Absender um eine neue Übergabedatei
unpack-advice-copy-completely = kopieren Sie die Datei noch einmal vollständig vom Original; wenn das nicht hilft, bitten Sie den Absender um eine neue Übergabedatei
unpack-advice-same-version = installieren Sie dieselbe bemx-Version wie der Absender, oder bitten Sie den Absender, Ihre zu verwenden
unpack-advice-new-bundle = bitten Sie den Absender um eine neue Übergabedatei
unpack-advice-do-not-import = übernehmen Sie sie nicht

## Einzelheiten in den Meldungen

unpack-no-age-header = ihr fehlt der age-Verschlüsselungskopf
unpack-wrong-recipients = sie ist mit age verschlüsselt, hat aber nicht genau einen X25519-Empfänger (gefunden: { $found })
unpack-another-installation = eine andere Installation
unpack-manifest-ends-early = die Kodierung endet vorzeitig
unpack-manifest-trailing-bytes = Bytes nach dem Ende der Kodierung
unpack-manifest-not-canonical = nicht in der festgelegten Form kodiert
unpack-empty-archive = ein leeres Archiv
unpack-first-entry = { $path } als erster Bestandteil
unpack-signature-missing = der Bestandteil mit der Signatur fehlt
unpack-second-entry = der zweite Bestandteil muss { $expected } sein, gefunden: { $found }
unpack-table-mismatch = der Eintrag { $path } enthält die Tabelle { $table }
unpack-entry-ends-early = ein Eintrag endet vorzeitig
