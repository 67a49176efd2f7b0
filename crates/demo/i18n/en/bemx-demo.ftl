# bemx-demo: demo data. English (the fallback); i18n/de has the same ids.

demo-invalid-options = invalid seed options: { $detail }
demo-invalid-options-advice = see `bemx db seed --help` for the options
demo-missing-catalogue-code = catalogue code { $code } is missing after seeding the catalogues
demo-missing-catalogue-code-advice = the database was probably modified by another program: seed a fresh one
