//! bemx's languages (issue 15): German for the coordinators, English
//! otherwise.
//!
//! Every crate that says anything to a person keeps its own Fluent
//! catalogue, `i18n/en/<crate>.ftl` and `i18n/de/<crate>.ftl`, embedded in
//! the binary, and looks messages up with [`fl!`] through its own loader
//! (the [`catalogue!`] macro makes it). `fl!` is i18n-embed-fl's: it checks
//! at compile time that the message exists in the English catalogue and
//! takes exactly the arguments given. [`check_catalogues`] proves in each
//! crate's tests that the German catalogue has the same messages with the
//! same arguments. The binaries ([`choose`], [`apply`]) pick one language
//! for all crates at start.
//!
//! Library crates never print; they only produce the texts. A library used
//! without a choice (tests, benchmarks) speaks English, the fallback.
#![forbid(unsafe_code)]

use std::collections::{BTreeMap, BTreeSet};

pub use i18n_embed;
pub use i18n_embed::fluent::FluentLanguageLoader;
pub use i18n_embed_fl::fl;
pub use rust_embed;

/// The languages bemx speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// German.
    De,
    /// English (the fallback).
    En,
}

impl Lang {
    /// The catalogue folder and language tag.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }

    /// German for any German locale (`de`, `de_DE.UTF-8`, `de-AT`),
    /// English for everything else (`C`, `POSIX`, `en_US`, `fr_FR`).
    pub fn of_locale(locale: &str) -> Lang {
        let lower = locale.trim().to_ascii_lowercase();
        if lower == "de" || lower.starts_with("de_") || lower.starts_with("de-") || lower.starts_with("de.") {
            Lang::De
        } else {
            Lang::En
        }
    }

    /// Parses a `--lang` value: `de` or `en` (any case).
    pub fn parse(value: &str) -> Option<Lang> {
        match value.trim().to_ascii_lowercase().as_str() {
            "de" => Some(Lang::De),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// The language to speak: `flag` (`--lang`), else `BEMX_LANG`, else the
/// first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set and not empty (the
/// POSIX order), else the user's language as the system reports it (on
/// Windows the UI language). German when that is German, else English.
/// `env` reads a variable (the process environment in the binaries).
pub fn choose(flag: Option<Lang>, env: impl Fn(&str) -> Option<String>) -> Lang {
    if let Some(lang) = flag {
        return lang;
    }
    if let Some(lang) = env("BEMX_LANG").as_deref().and_then(Lang::parse) {
        return lang;
    }
    for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Some(value) = env(var).filter(|v| !v.trim().is_empty()) {
            return Lang::of_locale(&value);
        }
    }
    system_language()
}

/// The user's language as the desktop reports it (the Windows UI language,
/// macOS preferences; the locale variables elsewhere).
fn system_language() -> Lang {
    use i18n_embed::LanguageRequester as _;
    let requested = i18n_embed::DesktopLanguageRequester::new().requested_languages();
    requested.first().map_or(Lang::En, |l| Lang::of_locale(&l.to_string()))
}

/// The language chosen by [`apply`]: German once set, English before.
static CURRENT_IS_GERMAN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Switches every crate's catalogue to `lang`: pass each crate's
/// `i18n::use_language`.
pub fn apply(lang: Lang, catalogues: &[fn(Lang)]) {
    CURRENT_IS_GERMAN.store(lang == Lang::De, std::sync::atomic::Ordering::Relaxed);
    for use_language in catalogues {
        use_language(lang);
    }
}

/// The language texts are given in now.
pub fn current() -> Lang {
    if CURRENT_IS_GERMAN.load(std::sync::atomic::Ordering::Relaxed) { Lang::De } else { Lang::En }
}

/// How many characters of a 64-character bundle id people are shown: as
/// unique as needed among one coordinator's handovers, short enough to
/// read out on the phone. `--json` keeps the whole id.
pub const SHORT_ID: usize = 12;

/// The start of a long hex id, for human output.
pub fn short_id(id: &str) -> &str {
    id.get(..SHORT_ID).unwrap_or(id)
}

/// A moment (seconds since 1970, UTC) in the PC's local time, as people
/// write it: `30.11.2026, 12:01` in German, `2026-11-30 12:01` in English.
pub fn datetime(secs: u64) -> String {
    datetime_in(secs, current(), &jiff::tz::TimeZone::system())
}

fn datetime_in(secs: u64, lang: Lang, zone: &jiff::tz::TimeZone) -> String {
    let Ok(ts) = jiff::Timestamp::from_second(i64::try_from(secs).unwrap_or(i64::MAX)) else {
        return secs.to_string();
    };
    let local = ts.to_zoned_datetime(zone.clone());
    match lang {
        Lang::De => local.strftime("%d.%m.%Y, %H:%M").to_string(),
        Lang::En => local.strftime("%Y-%m-%d %H:%M").to_string(),
    }
}

/// A date for people: `YYYY-MM-DD` (as bemx stores dates) written as the
/// language writes it, `12.03.2026` in German; anything else as it is.
pub fn date(iso: &str) -> String {
    date_in(iso, current())
}

fn date_in(iso: &str, lang: Lang) -> String {
    let mut parts = iso.splitn(3, '-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(year), Some(month), Some(day))
            if year.len() == 4
                && month.len() == 2
                && day.len() == 2
                && iso.chars().all(|c| c.is_ascii_digit() || c == '-') =>
        {
            match lang {
                Lang::De => format!("{day}.{month}.{year}"),
                Lang::En => iso.to_owned(),
            }
        }
        _ => iso.to_owned(),
    }
}

/// [`datetime`] of an RFC 3339 time as bemx records it
/// (`2026-11-30T12:01:00Z`); anything else is shown as it is.
pub fn datetime_of(rfc3339: &str) -> String {
    match rfc3339.parse::<jiff::Timestamp>() {
        Ok(ts) => datetime(u64::try_from(ts.as_second()).unwrap_or(0)),
        Err(_) => rfc3339.to_owned(),
    }
}

/// Most characters of a text from a bundle or a database shown in one
/// line: a crafted BEM-ID must not fill the screen.
pub const PRINTABLE_MAX: usize = 80;

/// A text that came from a bundle or another program (a BEM-ID, a case
/// status), made safe for a terminal: control characters (which could
/// move the cursor, rewrite lines already printed or set the window
/// title) and invisible or direction-changing characters (which could make
/// one name look like another) are shown escaped as `\u{…}`, and the text
/// is cut at [`PRINTABLE_MAX`] characters with `…`.
pub fn printable(text: &str) -> String {
    let hidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
    };
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if n == PRINTABLE_MAX {
            out.push('…');
            break;
        }
        if hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// A decimal number for people: `3.1` in English, `3,1` in German.
pub fn decimal(text: &str) -> String {
    match current() {
        Lang::De => text.replace('.', ","),
        Lang::En => text.to_owned(),
    }
}

/// Loads `lang` into a crate's loader (English stays beneath it for any
/// message missing, which the catalogue test rules out), isolation marks
/// off again: loading makes new bundles.
pub fn select(loader: &FluentLanguageLoader, assets: &dyn i18n_embed::I18nAssets, lang: Lang) {
    let Ok(id) = lang.tag().parse::<i18n_embed::unic_langid::LanguageIdentifier>() else { return };
    // An embedded catalogue that fails to load leaves the one loaded
    // before; the catalogue test proves both load.
    let _ = i18n_embed::LanguageLoader::load_languages(loader, assets, std::slice::from_ref(&id));
    loader.set_use_isolating(false);
}

/// A crate's loader: its embedded catalogue, English first; Unicode
/// isolation marks off, since the texts go to terminals and logs.
pub fn loader(domain: &str, assets: &dyn i18n_embed::I18nAssets) -> FluentLanguageLoader {
    let fallback = "en".parse().unwrap_or_default();
    let loader = FluentLanguageLoader::new(domain, fallback);
    // Embedded and proven loadable by each crate's catalogue test.
    let _ = i18n_embed::LanguageLoader::load_fallback_language(&loader, assets);
    loader.set_use_isolating(false);
    loader
}

/// Defines a crate's catalogue in its `src/i18n.rs`:
/// `bemx_i18n::catalogue!($);` (the `$` lets it define the crate-local
/// `fl!`). It makes `LANGUAGE_LOADER`, `localizer()`, `fl!` (a message of
/// this crate's catalogue, id and arguments checked at compile time) and a
/// test that the German and English catalogues agree. The crate keeps
/// `i18n.toml` beside its `Cargo.toml` and the catalogues in
/// `i18n/{en,de}/<package name>.ftl`.
// `crate::i18n` in the inner `fl!` is meant: the crate that calls
// `catalogue!`, whose loader it is.
#[allow(clippy::crate_in_macro_def)]
#[macro_export]
macro_rules! catalogue {
    ($d:tt) => {
        #[derive($crate::rust_embed::RustEmbed)]
        #[crate_path = "bemx_i18n::rust_embed"]
        #[folder = "i18n"]
        struct Localizations;

        /// This crate's messages in the chosen language.
        pub static LANGUAGE_LOADER: std::sync::LazyLock<$crate::FluentLanguageLoader> =
            std::sync::LazyLock::new(|| $crate::loader(env!("CARGO_PKG_NAME"), &Localizations));

        /// Switches this crate's texts to `lang` (what the binaries pass
        /// to `bemx_i18n::apply`).
        pub fn use_language(lang: $crate::Lang) {
            $crate::select(&LANGUAGE_LOADER, &Localizations, lang);
        }

        /// A message of this crate's catalogue, its id and arguments
        /// checked at compile time against the English catalogue.
        #[allow(unused_macros)]
        macro_rules! fl {
                                    ($d($d arg:tt)*) => { $crate::fl!(crate::i18n::LANGUAGE_LOADER, $d($d arg)*) };
                                }
        #[allow(unused_imports)]
        pub(crate) use fl;

        #[cfg(test)]
        mod catalogue_tests {
            /// Both catalogues parse, hold the same messages, and each
            /// message takes the same arguments in both.
            #[test]
            fn the_german_and_english_catalogues_agree() {
                let en = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/i18n/en/", env!("CARGO_PKG_NAME"), ".ftl"));
                let de = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/i18n/de/", env!("CARGO_PKG_NAME"), ".ftl"));
                assert_eq!($crate::check_catalogues(en, de), Ok(()));
            }
        }
    };
}

/// Every message of a Fluent file with the names of the arguments it uses
/// (`{ $name }`, also inside selectors), and every parse error.
fn messages(source: &str) -> Result<BTreeMap<String, BTreeSet<String>>, String> {
    use fluent_syntax::ast;
    let resource = fluent_syntax::parser::parse(source).map_err(|(_, errors)| format!("{errors:?}"))?;
    fn walk_pattern(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
        for element in &p.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                walk_expression(expression, out);
            }
        }
    }
    fn walk_inline(e: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
        match e {
            ast::InlineExpression::VariableReference { id } => {
                out.insert(id.name.to_string());
            }
            ast::InlineExpression::Placeable { expression } => walk_expression(expression, out),
            ast::InlineExpression::FunctionReference { arguments, .. } => {
                for a in &arguments.positional {
                    walk_inline(a, out);
                }
                for a in &arguments.named {
                    walk_inline(&a.value, out);
                }
            }
            _ => {}
        }
    }
    fn walk_expression(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
        match e {
            ast::Expression::Select { selector, variants } => {
                walk_inline(selector, out);
                for v in variants {
                    walk_pattern(&v.value, out);
                }
            }
            ast::Expression::Inline(inline) => walk_inline(inline, out),
        }
    }
    let mut out = BTreeMap::new();
    for entry in &resource.body {
        if let ast::Entry::Message(m) = entry {
            let mut args = BTreeSet::new();
            if let Some(value) = &m.value {
                walk_pattern(value, &mut args);
            }
            for attribute in &m.attributes {
                walk_pattern(&attribute.value, &mut args);
            }
            out.insert(m.id.name.to_string(), args);
        }
    }
    Ok(out)
}

/// Proves that two catalogues of one crate agree: both parse, have the same
/// message ids, and each message uses the same arguments in both. Returns
/// every difference, one per line.
pub fn check_catalogues(en: &str, de: &str) -> Result<(), String> {
    let en = messages(en).map_err(|e| format!("the English catalogue does not parse: {e}"))?;
    let de = messages(de).map_err(|e| format!("the German catalogue does not parse: {e}"))?;
    let mut problems = Vec::new();
    for id in en.keys().filter(|id| !de.contains_key(*id)) {
        problems.push(format!("{id}: missing in German"));
    }
    for id in de.keys().filter(|id| !en.contains_key(*id)) {
        problems.push(format!("{id}: missing in English"));
    }
    for (id, args) in &en {
        if let Some(de_args) = de.get(id)
            && de_args != args
        {
            problems.push(format!("{id}: arguments {args:?} in English, {de_args:?} in German"));
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems.join("\n")) }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn german_for_german_locales_only() {
        for l in ["de", "de_DE.UTF-8", "de-AT", "DE_ch", "de.UTF-8"] {
            assert_eq!(Lang::of_locale(l), Lang::De, "{l}");
        }
        for l in ["", "C", "POSIX", "C.UTF-8", "en_US.UTF-8", "fr_FR", "dee", "nl_BE"] {
            assert_eq!(Lang::of_locale(l), Lang::En, "{l}");
        }
    }

    #[test]
    fn the_flag_then_bemx_lang_then_the_posix_variables_in_order() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_string())
        };
        let all = env(&[("BEMX_LANG", "de"), ("LC_ALL", "en_US"), ("LANG", "en_US")]);
        assert_eq!(choose(Some(Lang::En), all), Lang::En);
        assert_eq!(choose(None, all), Lang::De);
        assert_eq!(choose(None, env(&[("BEMX_LANG", "xx"), ("LC_ALL", "de_DE"), ("LANG", "en")])), Lang::De);
        assert_eq!(choose(None, env(&[("LC_ALL", ""), ("LC_MESSAGES", "de_DE"), ("LANG", "en")])), Lang::De);
        assert_eq!(choose(None, env(&[("LC_ALL", "C"), ("LANG", "de_DE.UTF-8")])), Lang::En);
        assert_eq!(choose(None, env(&[("LANG", "de_DE.UTF-8")])), Lang::De);
    }

    #[test]
    fn dates_read_as_people_write_them() {
        let utc = jiff::tz::TimeZone::UTC;
        let berlin = jiff::tz::TimeZone::get("Europe/Berlin").unwrap_or(jiff::tz::TimeZone::fixed(jiff::tz::offset(1)));
        // 2026-11-30T11:01:00Z
        let t = 1_796_036_460;
        assert_eq!(datetime_in(t, Lang::De, &utc), "30.11.2026, 11:01");
        assert_eq!(datetime_in(t, Lang::En, &utc), "2026-11-30 11:01");
        assert_eq!(datetime_in(t, Lang::De, &berlin), "30.11.2026, 12:01");
        assert_eq!(short_id(&"ab".repeat(32)), "abababababab");
        assert_eq!(short_id("abc"), "abc");
        assert_eq!(datetime_of("not a time"), "not a time");
    }

    #[test]
    fn texts_from_outside_cannot_steer_the_terminal() {
        assert_eq!(printable("Anna (2)"), "Anna (2)");
        assert_eq!(printable("Jürgen"), "Jürgen");
        assert_eq!(printable("A\u{1b}[2K\rB"), "A\\u{1b}[2K\\u{d}B");
        assert_eq!(printable("Ann\u{202e}a"), "Ann\\u{202e}a");
        assert_eq!(printable("a\u{9b}b"), "a\\u{9b}b");
        let long = "x".repeat(500);
        assert_eq!(printable(&long).chars().count(), PRINTABLE_MAX + 1);
        assert!(printable(&long).ends_with('…'));
    }

    #[test]
    fn catalogues_that_differ_are_found() {
        let en = "a = A { $x }\nb = B\nc = { $n ->\n [one] one\n *[other] { $n } many { $what }\n}\n";
        assert_eq!(check_catalogues(en, en), Ok(()));
        let de = "a = A { $y }\nc = { $n ->\n [one] eins\n *[other] { $n } viele\n}\nd = D\n";
        let problems = check_catalogues(en, de).unwrap_err();
        assert!(problems.contains("b: missing in German"), "{problems}");
        assert!(problems.contains("d: missing in English"), "{problems}");
        assert!(problems.contains("a: arguments {\"x\"} in English, {\"y\"} in German"), "{problems}");
        assert!(problems.contains("c: arguments"), "{problems}");
        assert!(check_catalogues("a = {", en).is_err());
    }
}
