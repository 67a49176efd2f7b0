//! This crate's texts: `i18n/{en,de}/bemx-install.ftl` (see `bemx_i18n`).

bemx_i18n::catalogue!($);

/// The German messages that choose their words by an argument.
#[cfg(test)]
mod german {
    #[test]
    fn the_selectors_choose_the_german_words() {
        // A loader of its own: switching the crate's would change the
        // language under the tests that run beside this one.
        let de = bemx_i18n::loader("bemx-install", &super::Localizations);
        bemx_i18n::select(&de, &super::Localizations, bemx_i18n::Lang::De);
        let state = |state: &str| bemx_i18n::fl!(de, "install-handover-state", bundle = "ab12", state = state);
        assert_eq!(state("confirmed"), "die Übergabe ab12 ist abgeschlossen");
        assert_eq!(state("cancelled"), "die Übergabe ab12 ist zurückgenommen");
        assert_eq!(state("odd"), "die Übergabe ab12 ist im Zustand „odd“");
        let other = |what: &str| bemx_i18n::fl!(de, "install-backup-problem-signed-for-other", what = what);
        assert!(other("name").contains("(der Name weicht ab)"), "{}", other("name"));
        assert!(other("installation").contains("(die Installation weicht ab)"), "{}", other("installation"));
        let usage = |count: usize| {
            bemx_i18n::fl!(de, "install-backup-usage-warning", count = count, total = "2.0 MB", free = "1.0 KB")
        };
        assert!(usage(1).starts_with("die 1 Sicherung belegt 2.0 MB und"), "{}", usage(1));
        assert!(usage(3).starts_with("die 3 Sicherungen belegen 2.0 MB und"), "{}", usage(3));
        assert!(usage(3).contains("frei, daher passt das nächste SICHERHEITSBACKUP"), "{}", usage(3));
    }
}
