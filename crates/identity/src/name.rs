//! Names of installations and contacts: one written form, nothing hidden,
//! and a comparison key that sees through look-alikes.
//!
//! A name is what a coordinator reads in `bemx contacts list`, in an
//! import's preview and in a handover's summary, and the only thing there
//! that tells two colleagues apart at a glance (the fingerprint is read
//! once, on the phone). So:
//!
//! - [`normalize_name`] gives every name one written form (Unicode NFC,
//!   trimmed, each run of white space one space) and refuses characters a
//!   reader cannot see or that change how the rest is shown: the general
//!   categories Cc (control: tabs, line breaks, …) and Cf (format: zero-width
//!   space and joiners, soft hyphen, the right-to-left marks and bidi
//!   overrides/isolates, byte order mark, …), and the other default-ignorable
//!   code points (variation selectors, Hangul fillers, …), which render as
//!   nothing.
//! - [`names_look_alike`] compares names the way a reader would: case folded
//!   and reduced to their confusable skeleton (Unicode Technical Standard #39),
//!   so "Bernd", "BERND", "Веrnd" (Cyrillic В and е) and "Bemd" (m reads as
//!   rn) are one name, while "Jürgen" and "Jurgen" stay two.
//!
//! The tables come from the unicode-rs crates (`unicode-normalization`,
//! `unicode-properties`, `unicode-security`, the last one is what rustc uses
//! for its confusable-identifier lint) rather than hand-written lists that
//! would fall behind new Unicode versions.

use unicode_normalization::UnicodeNormalization as _;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory as _};

use crate::card::{Fingerprint, MAX_NAME_CHARS};
use crate::error::{IdentityError, Result};
use crate::i18n::fl;

/// The first character of `s` that a reader cannot see or that changes how
/// the text around it is displayed: general category Cc or Cf, or any other
/// default-ignorable code point. `None` if there is none.
pub fn first_hidden_char(s: &str) -> Option<char> {
    s.chars().find(|&c| is_hidden(c))
}

fn is_hidden(c: char) -> bool {
    if matches!(c.general_category(), GeneralCategory::Control | GeneralCategory::Format) {
        return true;
    }
    // UTS #39's skeleton drops exactly the Default_Ignorable_Code_Point
    // characters (and maps every other character to at least one), so an
    // empty skeleton of one character is the crate's own table answering
    // "is this default-ignorable?", which it does not export directly.
    let mut buf = [0u8; 4];
    unicode_security::skeleton(c.encode_utf8(&mut buf)).next().is_none()
}

/// Checks and normalizes a name: NFC, trimmed, inner white space collapsed
/// to single spaces, 1–100 characters, no control, format or other invisible
/// characters, and not something that reads as a fingerprint.
pub fn normalize_name(name: &str) -> Result<String> {
    let nfc: String = name.nfc().collect();
    let trimmed = nfc.trim();
    // Checked before white space is collapsed, so a tab or line break inside
    // a name is refused rather than silently turned into a space.
    if let Some(c) = first_hidden_char(trimmed) {
        return Err(IdentityError::InvalidName { reason: describe_hidden(c) });
    }
    let mut out = String::with_capacity(trimmed.len());
    for word in trimmed.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    let count = out.chars().count();
    if count == 0 {
        return Err(IdentityError::InvalidName { reason: fl!("identity-reason-name-empty") });
    }
    if count > MAX_NAME_CHARS {
        return Err(IdentityError::InvalidName {
            reason: fl!("identity-reason-name-too-long", count = count.to_string(), max = MAX_NAME_CHARS.to_string()),
        });
    }
    if Fingerprint::parse(&out).is_ok() {
        return Err(IdentityError::InvalidName { reason: fl!("identity-reason-name-fingerprint") });
    }
    Ok(out)
}

fn describe_hidden(c: char) -> String {
    // The kinds of character, as the catalogue's selector keys.
    let kind = match c {
        '\t' | '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{85}' => "line-break",
        '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' => "zero-width",
        '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => "direction",
        c if c.general_category() == GeneralCategory::Control => "control",
        _ => "format",
    };
    fl!("identity-reason-name-hidden", kind = kind, code = format!("{:04X}", u32::from(c)))
}

/// The keys two names are compared by: case folded and reduced to their
/// UTS #39 confusable skeleton, in two orders, because case and look-alikes
/// interact: folding first keeps WEISS and Weiß together (the skeleton of
/// `I` is `l`, of `ß` Greek `β`), reducing first keeps Cyrillic "ВЕRND" and
/// "Bernd" together (В reads as B, its small в does not read as b) and
/// "Ingo" and "lngo" (I and l look alike in many fonts). Two names look
/// alike when either key agrees. Expects names from [`normalize_name`].
fn comparison_keys(name: &str) -> [String; 2] {
    let name = name.replace(['ß', 'ẞ'], "ss");
    // Case first, for Latin letters only; other scripts' letters are
    // reduced first, so their capitals meet the Latin capitals they mimic.
    let case_first: String = name
        .nfd()
        .map(|c| if c.is_ascii() { c.to_ascii_lowercase().to_string() } else { fold(&skeleton(&c.to_string())) })
        .collect();
    let look_first = fold(&skeleton(&name));
    // A second round: prototypes can be capitals (0 → O) or reduce further
    // once folded (m → rn).
    [fold(&skeleton(&case_first)), fold(&skeleton(&look_first))]
}

fn skeleton(s: &str) -> String {
    unicode_security::skeleton(s).collect()
}

/// Case folding for names. std has lowercase, not full case folding; the
/// difference that matters for names is ß, which folds to "ss".
fn fold(s: &str) -> String {
    s.to_lowercase().replace('ß', "ss")
}

/// Whether a reader could take the two names for one another: equal after
/// case folding and reduction to their confusable skeleton.
pub fn names_look_alike(a: &str, b: &str) -> bool {
    let (a, b) = (comparison_keys(a), comparison_keys(b));
    a[0] == b[0] || a[1] == b[1]
}

/// The characters of `name` outside plain ASCII, each with its code point,
/// to show a user why two names that look the same are not.
pub(crate) fn non_ascii_chars(name: &str) -> String {
    let mut seen: Vec<char> = Vec::new();
    for c in name.chars().filter(|c| !c.is_ascii()) {
        if !seen.contains(&c) {
            seen.push(c);
        }
    }
    seen.iter().map(|c| format!("{c} (U+{:04X})", u32::from(*c))).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn german_names_are_kept_as_written() {
        for name in ["Jürgen Weiß", "Anna-Lena Müller", "Özlem Çelik", "Renée O'Brien", "BEM-Team Süd (Köln)"] {
            assert_eq!(normalize_name(name).unwrap(), name);
        }
    }

    #[test]
    fn names_get_one_written_form() {
        // NFD (u + combining diaeresis, as macOS file names and some mail
        // programs write it) becomes NFC.
        assert_eq!(normalize_name("Mu\u{308}ller").unwrap(), "Müller");
        assert_eq!(normalize_name("  Anna-Lena \u{a0}  Müller ").unwrap(), "Anna-Lena Müller");
        assert_eq!(normalize_name("Anna\u{3000}Schmidt").unwrap(), "Anna Schmidt");
    }

    #[test]
    fn hidden_characters_are_refused() {
        for bad in [
            "Bernd\u{200b}",
            "Be\u{200d}rnd",
            "\u{feff}Bernd",
            "Bernd\u{ad}",
            "\u{202e}dnreB",
            "Bernd\u{200f}",
            "Bernd\u{2067}x\u{2069}",
            "Bernd\u{61c}",
            "Bernd\u{fe0f}",
            "Bernd\u{3164}",
            "Bernd\u{e0041}",
            "a\tb",
            "a\nb",
            "a\u{7f}b",
            "a\u{85}b",
        ] {
            let err = normalize_name(bad).unwrap_err();
            assert!(matches!(err, IdentityError::InvalidName { .. }), "{bad:?}: {err}");
            assert!(err.to_string().contains("U+"), "names the code point: {err}");
        }
    }

    /// The refusal says what kind of character hides in the name, and
    /// which one, so the user can find it.
    #[test]
    fn a_hidden_character_is_named_by_its_kind() {
        for (bad, kind, code) in [
            ("a\tb", "a tab or line break", "U+0009"),
            ("a\u{85}b", "a tab or line break", "U+0085"),
            ("Bernd\u{200b}", "an invisible zero-width character", "U+200B"),
            ("\u{feff}Bernd", "an invisible zero-width character", "U+FEFF"),
            ("\u{202e}dnreB", "a right-to-left or other text-direction control character", "U+202E"),
            ("Bernd\u{61c}", "a right-to-left or other text-direction control character", "U+061C"),
            ("a\u{7f}b", "a control character", "U+007F"),
            ("Bernd\u{ad}", "an invisible formatting character", "U+00AD"),
            ("Bernd\u{3164}", "an invisible formatting character", "U+3164"),
        ] {
            let err = normalize_name(bad).unwrap_err().to_string();
            assert!(err.contains(&format!("contains {kind} ({code})")), "{bad:?}: {err}");
        }
    }

    #[test]
    fn look_alikes_are_one_name() {
        assert!(names_look_alike("Bernd", "BERND"));
        assert!(names_look_alike("Bernd", "B\u{435}rnd"), "Cyrillic e");
        assert!(names_look_alike("Bernd", "\u{412}\u{435}rnd"), "Cyrillic Be and e");
        assert!(names_look_alike("Bernd", "Bemd"), "m reads as rn");
        assert!(names_look_alike("Anna-Lena", "Anna\u{2010}Lena"), "hyphen");
        assert!(names_look_alike("Bernd", "\u{ff22}\u{ff45}\u{ff52}\u{ff4e}\u{ff44}"), "full-width");
        assert!(names_look_alike("Jürgen Weiß", "JÜRGEN WEISS"));
        assert!(names_look_alike("Jürgen Weiß", "Jürgen Weiss"));
        assert!(names_look_alike("Olaf 10", "olaf lO"));
        assert!(names_look_alike("Ingo", "lngo"), "I and l");
        assert!(names_look_alike("BIRGIT", "\u{412}IRGIT"), "Cyrillic Ve among Latin capitals");
        assert!(names_look_alike("Birgit", "\u{412}IRGIT"));

        assert!(!names_look_alike("Jürgen", "Jurgen"));
        assert!(!names_look_alike("Anna Müller", "Anna Möller"));
        assert!(!names_look_alike("Bernd", "Bernt"));
        assert!(!names_look_alike("Anna-Lena Müller", "Anna Lena Müller"));
    }

    #[test]
    fn non_ascii_chars_are_listed_once() {
        assert_eq!(non_ascii_chars("B\u{435}rnd \u{435}"), "\u{435} (U+0435)");
        assert_eq!(non_ascii_chars("Bernd"), "");
    }
}
