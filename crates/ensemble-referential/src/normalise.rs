//! Names, addresses and places brought to a form two sources can be compared in: folded (lower
//! case, no accents), French and English articles and elisions left out, generic words said one
//! way in both languages ("salle" and "hall", "théâtre" and "theater"), acronyms and initials kept
//! to meet their expansions.

use ensemble_model::geo::fold_name;

/// Words left out of names: articles, elisions and short linking words, in French and English.
const STOP_WORDS: &[&str] = &[
    "le", "la", "les", "l", "de", "du", "des", "d", "et", "en", "au", "aux", "a", "un", "une", "pour", "sur", "par",
    "the", "of", "and", "for", "at", "in", "on", "s", "qu",
];

/// Legal forms, which say nothing of who an organisation is.
const LEGAL_FORMS: &[&str] = &[
    "inc",
    "ltd",
    "ltee",
    "limited",
    "incorporated",
    "corp",
    "obnl",
    "osbl",
    "senc",
];

/// Generic words of the sector in one form for both languages (after folding and plurals).
const SYNONYMS: &[(&str, &str)] = &[
    ("theater", "theatre"),
    ("salle", "hall"),
    ("center", "centre"),
    ("compagnie", "company"),
    ("cie", "company"),
    ("orchestre", "orchestra"),
    ("societe", "society"),
    ("maison", "house"),
    ("culturel", "culture"),
    ("culturelle", "culture"),
    ("cultural", "culture"),
    ("danse", "dance"),
    ("musique", "music"),
    ("symphonique", "symphony"),
    ("symphonic", "symphony"),
    ("nationale", "national"),
    ("reseau", "network"),
    ("scene", "hall"),
    ("municipale", "municipal"),
    ("art", "arts"),
    ("ville", "city"),
    ("diffusion", "presenter"),
    ("diffuseur", "presenter"),
    ("presentateur", "presenter"),
    ("conseil", "council"),
    ("spectacle", "show"),
    ("grande", "grand"),
    ("petit", "little"),
    ("petite", "little"),
    ("amphitheater", "amphitheatre"),
    ("festivale", "festival"),
    ("centro", "centre"),
    ("ensemble", "ensemble"),
    ("chorale", "choir"),
    ("choeur", "choir"),
    ("college", "college"),
    ("universite", "university"),
    ("bibliotheque", "library"),
    ("eglise", "church"),
    ("parc", "park"),
    // A room is a "salle" in French and a hall or a stage in English ("Quatrième Salle", "Fourth Stage").
    ("stage", "hall"),
    ("premiere", "first"),
    ("premier", "first"),
    ("deuxieme", "second"),
    ("seconde", "second"),
    ("troisieme", "third"),
    ("quatrieme", "fourth"),
    ("cinquieme", "fifth"),
];

/// Street words in one form.
const STREET_WORDS: &[(&str, &str)] = &[
    ("street", "rue"),
    ("avenue", "av"),
    ("ave", "av"),
    ("boulevard", "boul"),
    ("blvd", "boul"),
    ("bd", "boul"),
    ("chemin", "ch"),
    ("road", "ch"),
    ("rd", "ch"),
    ("route", "rte"),
    ("drive", "dr"),
    ("place", "pl"),
    ("saint", "st"),
    ("sainte", "ste"),
    ("est", "e"),
    ("east", "e"),
    ("ouest", "o"),
    ("west", "o"),
    ("nord", "n"),
    ("north", "n"),
    ("sud", "s"),
    ("south", "s"),
];

/// A name as the engine compares it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Name {
    /// Its words, folded, without stop words or legal forms, in one form for both languages.
    pub tokens: Vec<String>,
    /// The first letter of each word before its generic form ("Festival TransAmériques": `fta`).
    pub initials: String,
    /// Words written in capitals in the source ("FTA", "S.P.E.C."), folded: acronyms.
    pub acronyms: Vec<String>,
}

impl Name {
    /// The words sorted and joined: the key of names with the same words in any order.
    pub fn key(&self) -> String {
        let mut tokens = self.tokens.clone();
        tokens.sort();
        tokens.dedup();
        tokens.join(" ")
    }
}

/// Splits a word written in camel case ("TransAmériques": "Trans Amériques").
fn split_camel(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    let mut previous_lower = false;
    for c in text.chars() {
        if c.is_uppercase() && previous_lower {
            out.push(' ');
        }
        previous_lower = c.is_lowercase();
        out.push(c);
    }
    out
}

/// A word in its singular form: a final `s` or `x` left out of words longer than four letters.
fn singular(word: &str) -> &str {
    if word.len() > 4 && (word.ends_with('s') || word.ends_with('x')) && !word.ends_with("ss") {
        &word[..word.len() - 1]
    } else {
        word
    }
}

/// The name `text` in the engine's form.
pub fn name(text: &str) -> Name {
    // A name written all in capitals ("THÉÂTRE DU NOUVEAU MONDE") holds no acronym but itself.
    let shouted = !text.chars().any(char::is_lowercase) && text.split_whitespace().count() > 1;
    let acronyms = text
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '(' | ')' | ',' | '/' | '–'))
        .map(|word| word.replace('.', ""))
        .filter(|word| (2..=8).contains(&word.chars().count()) && word.chars().all(|c| c.is_uppercase()))
        .map(|word| fold_name(&word).replace(' ', ""))
        .filter(|word| !word.is_empty() && !shouted)
        .collect();
    let folded = fold_name(&split_camel(&text.replace(['.'], "")));
    let mut tokens = Vec::new();
    let mut initials = String::new();
    for word in folded.split(' ') {
        if word.is_empty() || STOP_WORDS.contains(&word) || LEGAL_FORMS.contains(&word) {
            continue;
        }
        if let Some(first) = word.chars().next() {
            initials.push(first);
        }
        let word = singular(word);
        let word = SYNONYMS
            .iter()
            .find(|(from, _)| *from == word)
            .map_or(word, |(_, to)| *to);
        tokens.push(word.to_string());
    }
    Name {
        tokens,
        initials,
        acronyms,
    }
}

/// A street address's words, folded, in one form (`rue`, `boul`, `st` for "saint").
pub fn street(text: &str) -> Vec<String> {
    fold_name(text)
        .split(' ')
        .filter(|word| !word.is_empty() && !STOP_WORDS.contains(word))
        .map(|word| {
            STREET_WORDS
                .iter()
                .find(|(from, _)| *from == word)
                .map_or(word, |(_, to)| *to)
                .to_string()
        })
        .collect()
}

/// A locality folded, "Saint" and "Sainte" shortened, so that "Saint-Jean-sur-Richelieu" and
/// "St-Jean-sur-Richelieu" meet.
pub fn locality(text: &str) -> String {
    fold_name(text)
        .split(' ')
        .filter(|word| !word.is_empty())
        .map(|word| match word {
            "saint" => "st",
            "sainte" => "ste",
            word => word,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A postal code without spaces, in capitals.
pub fn postal_code(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Hosts that many unrelated organisations share (social networks, ticketing platforms): they say
/// nothing of who a record is.
const SHARED_HOSTS: &[&str] = &[
    "facebook.com",
    "instagram.com",
    "twitter.com",
    "x.com",
    "youtube.com",
    "linktr.ee",
    "eventbrite.com",
    "eventbrite.ca",
    "ticketmaster.ca",
    "ticketmaster.com",
    "lepointdevente.com",
    "admission.com",
    "tuxedo.ca",
    "spektrix.com",
    "google.com",
    "wikipedia.org",
    "wikidata.org",
    "artsdata.ca",
];

/// The host of a web address, without `www.`; `None` for a shared platform or no host.
pub fn host(url: &str) -> Option<String> {
    let rest = url.trim().split_once("://").map_or(url.trim(), |(_, rest)| rest);
    let host = rest.split(['/', '?', '#']).next()?.to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    let shared = SHARED_HOSTS
        .iter()
        .any(|shared| host == *shared || host.ends_with(&format!(".{shared}")));
    (!host.is_empty() && host.contains('.') && !shared).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_meet_across_languages_and_spellings() {
        assert_eq!(
            name("Ballet national du Canada").key(),
            name("National Ballet of Canada").key()
        );
        assert_eq!(
            name("Théâtre du Nouveau Monde").key(),
            name("theatre nouveau monde").key()
        );
        assert_eq!(name("Salle Albert-Rousseau").key(), name("Albert Rousseau Hall").key());
        assert_eq!(
            name("L'Orchestre symphonique de Québec Inc.").key(),
            name("Orchestre Symphonique Québec").key()
        );
        assert_ne!(name("Main Stage").key(), name("Studio Theatre").key());
    }

    #[test]
    fn acronyms_and_initials() {
        let long = name("Festival TransAmériques");
        assert_eq!(long.initials, "fta");
        assert_eq!(name("FTA").acronyms, vec!["fta"]);
        assert_eq!(name("S.P.E.C. du Haut-Richelieu").acronyms, vec!["spec"]);
        assert_eq!(
            name("Société pour la promotion d'événements culturels du Haut-Richelieu").initials,
            "spechr"
        );
        assert!(name("Salle Desjardins").acronyms.is_empty());
        assert!(name("THÉÂTRE DU NOUVEAU MONDE").acronyms.is_empty());
    }

    #[test]
    fn addresses_hosts_and_localities() {
        assert_eq!(
            street("1234, boulevard Saint-Laurent Est"),
            street("1234 boul. St-Laurent E")
        );
        assert_eq!(locality("Saint-Jean-sur-Richelieu"), locality("St-Jean-sur-Richelieu"));
        assert_eq!(postal_code("h2x 1y4"), "H2X1Y4");
        assert_eq!(host("https://www.fta.ca/programme"), Some("fta.ca".to_string()));
        assert_eq!(host("https://www.facebook.com/fta"), None);
        assert_eq!(host("pas une adresse"), None);
    }
}
