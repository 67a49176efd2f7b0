# bemx-demo: Demodaten. Deutsch; dieselben Kennungen wie i18n/en.

demo-invalid-options = ungültige Angaben für die Demodaten: { $detail }
demo-invalid-options-advice = die möglichen Angaben zeigt `bemx db seed --help`
demo-missing-catalogue-code = der Katalogeintrag { $code } fehlt, obwohl die Kataloge gerade angelegt wurden
demo-missing-catalogue-code-advice = die Datenbank wurde vermutlich von einem anderen Programm verändert: legen Sie die Demodaten in einer neuen an
