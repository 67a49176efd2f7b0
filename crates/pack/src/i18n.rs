//! This crate's texts: `i18n/{en,de}/bemx-pack.ftl` (see `bemx_i18n`).

bemx_i18n::catalogue!($);

/// The German catalogue is the one a German choice loads.
#[cfg(test)]
mod german {
    #[test]
    fn a_german_choice_speaks_german() {
        // A loader of its own: switching the crate's would change the
        // language under the tests that run beside this one.
        let de = bemx_i18n::loader("bemx-pack", &super::Localizations);
        bemx_i18n::select(&de, &super::Localizations, bemx_i18n::Lang::De);
        assert_eq!(
            bemx_i18n::fl!(de, "pack-medium-writing", path = "/s/x", error = "kein Platz"),
            "/s/x konnte nicht geschrieben werden: kein Platz; es wurde nichts übergeben"
        );
    }
}
