//! French and English message catalogues: every string a user reads comes from here.
//!
//! Messages live in Fluent files under `locales/{fr,en}/`, compiled into the binary. French is the
//! default language; English is chosen with `--lang en`, `ENSEMBLE_LANG` or the locale.

pub mod format;

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A language the interface speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// French, the default.
    #[default]
    Fr,
    /// English.
    En,
}

impl Lang {
    /// Every supported language, default first.
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// The BCP 47 tag: `fr` or `en`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The language of the environment: `ENSEMBLE_LANG`, then `LC_ALL`, `LC_MESSAGES`, `LANG`.
    /// Anything that does not start with `en` gives French.
    pub fn from_env() -> Lang {
        for var in ["ENSEMBLE_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(value) = std::env::var(var)
                && !value.is_empty()
            {
                return Lang::from_locale(&value);
            }
        }
        Lang::Fr
    }

    /// Reads a locale such as `en_CA.UTF-8` or `fr-CA`; unknown locales give French.
    pub fn from_locale(locale: &str) -> Lang {
        if locale.to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Fr
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl FromStr for Lang {
    type Err = UnknownLang;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fr" | "fr-ca" | "francais" | "français" => Ok(Lang::Fr),
            "en" | "en-ca" | "english" | "anglais" => Ok(Lang::En),
            _ => Err(UnknownLang(s.to_string())),
        }
    }
}

/// A language tag that is neither French nor English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLang(pub String);

impl fmt::Display for UnknownLang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown language '{}' (use fr or en)", self.0)
    }
}

impl std::error::Error for UnknownLang {}

/// The Fluent sources of one language, in a fixed order.
fn sources(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::Fr => &[
            ("cli.ftl", include_str!("../locales/fr/cli.ftl")),
            ("model.ftl", include_str!("../locales/fr/model.ftl")),
            ("store.ftl", include_str!("../locales/fr/store.ftl")),
            ("import.ftl", include_str!("../locales/fr/import.ftl")),
            ("web.ftl", include_str!("../locales/fr/web.ftl")),
            ("report.ftl", include_str!("../locales/fr/report.ftl")),
            ("tour.ftl", include_str!("../locales/fr/tour.ftl")),
            ("action.ftl", include_str!("../locales/fr/action.ftl")),
            ("referential.ftl", include_str!("../locales/fr/referential.ftl")),
        ],
        Lang::En => &[
            ("cli.ftl", include_str!("../locales/en/cli.ftl")),
            ("model.ftl", include_str!("../locales/en/model.ftl")),
            ("store.ftl", include_str!("../locales/en/store.ftl")),
            ("import.ftl", include_str!("../locales/en/import.ftl")),
            ("web.ftl", include_str!("../locales/en/web.ftl")),
            ("report.ftl", include_str!("../locales/en/report.ftl")),
            ("tour.ftl", include_str!("../locales/en/tour.ftl")),
            ("action.ftl", include_str!("../locales/en/action.ftl")),
            ("referential.ftl", include_str!("../locales/en/referential.ftl")),
        ],
    }
}

/// One language's compiled messages.
pub struct Catalog {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
}

impl Catalog {
    fn build(lang: Lang) -> Catalog {
        let tag = match lang {
            Lang::Fr => unic_langid::langid!("fr-CA"),
            Lang::En => unic_langid::langid!("en-CA"),
        };
        let mut bundle = FluentBundle::new_concurrent(vec![tag]);
        bundle.set_use_isolating(false);
        for (name, text) in sources(lang) {
            // The catalogues are part of the source tree and checked by tests; a syntax error
            // there keeps the parsed part and is reported by `catalog_errors`.
            let resource = match FluentResource::try_new((*text).to_string()) {
                Ok(resource) => resource,
                Err((resource, _errors)) => resource,
            };
            if bundle.add_resource(resource).is_err() {
                // Duplicate keys: the first definition wins; `catalog_errors` reports it.
                let _ = name;
            }
        }
        Catalog { lang, bundle }
    }

    /// The catalogue's language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Whether a message with this key exists.
    pub fn has(&self, key: &str) -> bool {
        self.bundle.has_message(key)
    }

    /// The message for `key` with its arguments; a missing key gives the key itself between
    /// braces, so that a gap shows on screen and in tests instead of an empty string.
    pub fn message(&self, key: &str, args: &[(&str, Arg)]) -> String {
        let Some(message) = self.bundle.get_message(key) else {
            return format!("{{{key}}}");
        };
        let Some(pattern) = message.value() else {
            return format!("{{{key}}}");
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            let value = match value {
                Arg::Text(text) => FluentValue::from(text.clone()),
                Arg::Number(number) => FluentValue::from(*number),
            };
            fluent_args.set(*name, value);
        }
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors)
            .into_owned()
    }
}

/// An argument given to a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// Text, shown as it is.
    Text(String),
    /// A number, formatted and used for plural rules.
    Number(f64),
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(value.to_string())
    }
}
impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(value)
    }
}
impl From<i64> for Arg {
    fn from(value: i64) -> Self {
        Arg::Number(value as f64)
    }
}
impl From<u64> for Arg {
    fn from(value: u64) -> Self {
        Arg::Number(value as f64)
    }
}
impl From<usize> for Arg {
    fn from(value: usize) -> Self {
        Arg::Number(value as f64)
    }
}
impl From<f64> for Arg {
    fn from(value: f64) -> Self {
        Arg::Number(value)
    }
}

/// The catalogue of a language, compiled once.
pub fn catalog(lang: Lang) -> &'static Catalog {
    static FR: OnceLock<Catalog> = OnceLock::new();
    static EN: OnceLock<Catalog> = OnceLock::new();
    match lang {
        Lang::Fr => FR.get_or_init(|| Catalog::build(Lang::Fr)),
        Lang::En => EN.get_or_init(|| Catalog::build(Lang::En)),
    }
}

/// Shorthand: the message `key` in `lang`.
pub fn tr(lang: Lang, key: &str) -> String {
    catalog(lang).message(key, &[])
}

/// Shorthand: the message `key` in `lang` with arguments.
pub fn tr_args(lang: Lang, key: &str, args: &[(&str, Arg)]) -> String {
    catalog(lang).message(key, args)
}

/// Every message key defined in a language's sources, in file order.
pub fn keys(lang: Lang) -> Vec<String> {
    let mut keys = Vec::new();
    for (_, text) in sources(lang) {
        let resource = match FluentResource::try_new((*text).to_string()) {
            Ok(resource) => resource,
            Err((resource, _)) => resource,
        };
        for entry in resource.entries() {
            if let fluent_syntax::ast::Entry::Message(message) = entry {
                keys.push(message.id.name.to_string());
            }
        }
    }
    keys
}

/// Syntax errors and duplicate keys in the catalogues, as readable lines; empty when all is well.
pub fn catalog_errors() -> Vec<String> {
    let mut problems = Vec::new();
    for lang in Lang::ALL {
        let mut seen = std::collections::HashSet::new();
        for (name, text) in sources(lang) {
            if let Err((_, errors)) = FluentResource::try_new((*text).to_string()) {
                for error in errors {
                    problems.push(format!("{lang}/{name}: {error:?}"));
                }
            }
        }
        for key in keys(lang) {
            if !seen.insert(key.clone()) {
                problems.push(format!("{lang}: duplicate key {key}"));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn french_and_english_define_the_same_keys() {
        let fr: BTreeSet<String> = keys(Lang::Fr).into_iter().collect();
        let en: BTreeSet<String> = keys(Lang::En).into_iter().collect();
        let only_fr: Vec<_> = fr.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&fr).collect();
        assert!(only_fr.is_empty(), "keys only in French: {only_fr:?}");
        assert!(only_en.is_empty(), "keys only in English: {only_en:?}");
        assert!(fr.len() > 10);
    }

    #[test]
    fn catalogues_parse_without_errors_or_duplicates() {
        assert_eq!(catalog_errors(), Vec::<String>::new());
    }

    #[test]
    fn missing_key_shows_itself() {
        assert_eq!(tr(Lang::Fr, "no-such-key"), "{no-such-key}");
    }

    #[test]
    fn locale_detection() {
        assert_eq!(Lang::from_locale("en_CA.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale("fr_CA.UTF-8"), Lang::Fr);
        assert_eq!(Lang::from_locale("C.UTF-8"), Lang::Fr);
        assert_eq!("EN".parse::<Lang>(), Ok(Lang::En));
        assert!("de".parse::<Lang>().is_err());
    }
}
