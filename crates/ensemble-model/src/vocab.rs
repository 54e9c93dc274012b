//! Controlled vocabularies with French and English labels, compiled in from
//! `data/reference/vocabularies` (Datascène and Artsdata SKOS, see `data/reference/README.md`).

use std::sync::OnceLock;

/// A controlled vocabulary.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    /// Stable name, e.g. `disciplines-asq`.
    pub name: &'static str,
    /// French name.
    pub label_fr: &'static str,
    /// English name.
    pub label_en: &'static str,
    /// Where it comes from.
    pub source: &'static str,
    /// Its terms, sorted by code.
    pub terms: Vec<Term>,
}

/// One term of a vocabulary.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// Short stable code, e.g. `K6-201` or `ToutPublics`.
    pub code: String,
    /// The full IRI, when the source has one.
    pub iri: Option<String>,
    /// French label.
    pub label_fr: String,
    /// English label, when the source has one.
    pub label_en: Option<String>,
    /// The broader term's code.
    pub broader: Option<String>,
}

impl Vocabulary {
    /// The term with this code.
    pub fn term(&self, code: &str) -> Option<&Term> {
        self.terms
            .binary_search_by(|term| term.code.as_str().cmp(code))
            .ok()
            .and_then(|index| self.terms.get(index))
    }

    /// Whether the code belongs to the vocabulary.
    pub fn contains(&self, code: &str) -> bool {
        self.term(code).is_some()
    }

    /// The terms with no broader term, by French label.
    pub fn top_terms(&self) -> Vec<&Term> {
        let mut top: Vec<&Term> = self.terms.iter().filter(|term| term.broader.is_none()).collect();
        top.sort_by_key(|term| crate::geo::fold_name(&term.label_fr));
        top
    }

    /// The top term above a code (its own term when nothing is broader; none for an unknown code).
    pub fn top_of(&self, code: &str) -> Option<&Term> {
        let mut term = self.term(code)?;
        for _ in 0..self.terms.len() {
            match term.broader.as_deref() {
                Some(broader) => term = self.term(broader)?,
                None => break,
            }
        }
        Some(term)
    }

    /// The code and every code under it, at any depth (empty for an unknown code).
    pub fn with_narrower(&self, code: &str) -> Vec<String> {
        if !self.contains(code) {
            return Vec::new();
        }
        let mut codes = vec![code.to_string()];
        let mut index = 0;
        while let Some(current) = codes.get(index).cloned() {
            for term in &self.terms {
                if term.broader.as_deref() == Some(current.as_str()) && !codes.contains(&term.code) {
                    codes.push(term.code.clone());
                }
            }
            index += 1;
        }
        codes
    }
}

impl Term {
    /// The label in English when there is one, else French.
    pub fn label(&self, english: bool) -> &str {
        match (&self.label_en, english) {
            (Some(label), true) if !label.is_empty() => label,
            _ => &self.label_fr,
        }
    }
}

struct Source {
    name: &'static str,
    label_fr: &'static str,
    label_en: &'static str,
    source: &'static str,
    csv: &'static str,
}

macro_rules! vocabulary_file {
    ($file:literal) => {
        include_str!(concat!("../../../data/reference/vocabularies/", $file))
    };
}

const SOURCES: &[Source] = &[
    Source {
        name: "disciplines-asq",
        label_fr: "Disciplines artistiques (ASQ)",
        label_en: "Artistic disciplines (ASQ)",
        source: "Scène Pro / Datascène",
        csv: vocabulary_file!("disciplines-asq.csv"),
    },
    Source {
        name: "public-cible",
        label_fr: "Publics cibles",
        label_en: "Target audiences",
        source: "Datascène",
        csv: vocabulary_file!("public-cible.csv"),
    },
    Source {
        name: "contribution-types",
        label_fr: "Types de contribution",
        label_en: "Contribution types",
        source: "Datascène",
        csv: vocabulary_file!("contribution-types.csv"),
    },
    Source {
        name: "warnings",
        label_fr: "Avertissements",
        label_en: "Warnings",
        source: "Datascène",
        csv: vocabulary_file!("warnings.csv"),
    },
    Source {
        name: "hall-configurations",
        label_fr: "Configurations de salle",
        label_en: "Hall configurations",
        source: "Datascène",
        csv: vocabulary_file!("hall-configurations.csv"),
    },
    Source {
        name: "content-types",
        label_fr: "Types de contenu",
        label_en: "Content types",
        source: "Datascène",
        csv: vocabulary_file!("content-types.csv"),
    },
    Source {
        name: "artsdata-genres",
        label_fr: "Genres (Artsdata)",
        label_en: "Genres (Artsdata)",
        source: "Artsdata",
        csv: vocabulary_file!("artsdata-genres.csv"),
    },
    Source {
        name: "artsdata-event-types",
        label_fr: "Types d'événements (Artsdata)",
        label_en: "Event types (Artsdata)",
        source: "Artsdata",
        csv: vocabulary_file!("artsdata-event-types.csv"),
    },
    Source {
        name: "artsdata-organization-types",
        label_fr: "Types d'organisations (Artsdata)",
        label_en: "Organization types (Artsdata)",
        source: "Artsdata",
        csv: vocabulary_file!("artsdata-organization-types.csv"),
    },
    Source {
        name: "artsdata-place-types",
        label_fr: "Types de lieux (Artsdata)",
        label_en: "Place types (Artsdata)",
        source: "Artsdata",
        csv: vocabulary_file!("artsdata-place-types.csv"),
    },
];

fn parse(source: &Source) -> Vocabulary {
    let mut reader = csv::Reader::from_reader(source.csv.as_bytes());
    let mut terms = Vec::new();
    for record in reader.records().flatten() {
        let field = |index: usize| record.get(index).unwrap_or("").trim().to_string();
        let optional = |index: usize| Some(field(index)).filter(|value| !value.is_empty());
        // A few Artsdata terms have only an English label; French screens then show it.
        let label_fr = optional(2).or_else(|| optional(3)).unwrap_or_else(|| field(0));
        terms.push(Term {
            code: field(0),
            iri: optional(1),
            label_fr,
            label_en: optional(3),
            broader: optional(4),
        });
    }
    terms.sort_by(|a, b| a.code.cmp(&b.code));
    Vocabulary {
        name: source.name,
        label_fr: source.label_fr,
        label_en: source.label_en,
        source: source.source,
        terms,
    }
}

fn regions() -> Vocabulary {
    let terms = crate::geo::REGIONS
        .iter()
        .map(|(code, name)| Term {
            code: (*code).to_string(),
            iri: None,
            label_fr: (*name).to_string(),
            label_en: Some((*name).to_string()),
            broader: None,
        })
        .collect();
    Vocabulary {
        name: "quebec-administrative-regions",
        label_fr: "Régions administratives du Québec",
        label_en: "Québec administrative regions",
        source: "Gouvernement du Québec",
        terms,
    }
}

/// Every vocabulary, loaded once.
pub fn all() -> &'static [Vocabulary] {
    static ALL: OnceLock<Vec<Vocabulary>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<Vocabulary> = SOURCES.iter().map(parse).collect();
        all.push(regions());
        all
    })
}

/// The vocabulary with this name.
pub fn vocabulary(name: &str) -> Option<&'static Vocabulary> {
    all().iter().find(|vocabulary| vocabulary.name == name)
}

/// Whether `code` belongs to the vocabulary `name` (false for an unknown vocabulary).
pub fn contains(name: &str, code: &str) -> bool {
    vocabulary(name).is_some_and(|vocabulary| vocabulary.contains(code))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_discipline_brings_its_narrower_terms() {
        let disciplines = super::vocabulary("disciplines-asq").unwrap();
        let dance = disciplines.with_narrower("Danse");
        assert_eq!(dance.first().map(String::as_str), Some("Danse"));
        assert!(dance.iter().any(|code| code == "Ballet"), "child");
        assert!(dance.iter().any(|code| code == "BalletClassique"), "grandchild");
        assert!(!dance.iter().any(|code| code == "Acrobatie"), "circus is not dance");
        assert!(disciplines.with_narrower("Inconnu").is_empty());
        let top = disciplines.top_terms();
        assert!(top.iter().any(|term| term.code == "Cirque"));
        assert!(top.iter().all(|term| term.broader.is_none()));
        let top_of = |code| disciplines.top_of(code).map(|term| term.code.as_str());
        assert_eq!(top_of("BalletClassique"), Some("Danse"), "grandchild");
        assert_eq!(top_of("Danse"), Some("Danse"), "a top term is its own");
        assert_eq!(top_of("Inconnu"), None);
    }

    use super::*;

    #[test]
    fn every_vocabulary_loads_with_french_labels() {
        for vocabulary in all() {
            assert!(!vocabulary.terms.is_empty(), "{} is empty", vocabulary.name);
            for term in &vocabulary.terms {
                assert!(!term.code.is_empty(), "{}: empty code", vocabulary.name);
                assert!(
                    !term.label_fr.is_empty(),
                    "{}: {} has no French label",
                    vocabulary.name,
                    term.code
                );
            }
            let mut codes: Vec<&str> = vocabulary.terms.iter().map(|t| t.code.as_str()).collect();
            codes.dedup();
            assert_eq!(
                codes.len(),
                vocabulary.terms.len(),
                "{}: duplicate codes",
                vocabulary.name
            );
        }
    }

    #[test]
    fn lookups() {
        assert!(contains("quebec-administrative-regions", "06"));
        assert!(!contains("quebec-administrative-regions", "18"));
        assert!(contains("artsdata-genres", "K6-201"));
        assert!(!contains("no-such-vocabulary", "x"));
    }
}
