//! Two records compared field by field: for each field, a level of agreement (or nothing when
//! either record lacks it), and what rules say of the pair.

use std::collections::HashMap;

use crate::normalise::{self, Name};
use crate::{Kind, Record};

/// The fields compared, in order.
pub const FIELDS: [&str; 7] = [
    "name",
    "locality",
    "postal_code",
    "street",
    "distance",
    "website",
    "operator",
];

/// The levels of each field, from the strongest agreement down.
pub const LEVELS: [&[&str]; 7] = [
    &["same", "very close", "close", "some words", "different"],
    &["same", "close", "different"],
    &["same", "same area", "different"],
    &["same", "close", "different"],
    &["under 200 m", "under 2 km", "under 30 km", "farther"],
    &["same", "different"],
    &["same", "different"],
];

/// Words that name a room inside a building, in their normalised form.
const HALL_WORDS: &[&str] = &[
    "hall",
    "stage",
    "studio",
    "room",
    "auditorium",
    "foyer",
    "lounge",
    "cabaret",
    "loge",
];

/// Words too common in place names to tell one place from another.
const GENERIC_WORDS: &[&str] = &[
    "theatre",
    "centre",
    "arts",
    "culture",
    "house",
    "grand",
    "little",
    "main",
    "principal",
    "principale",
];

/// Whether a place's name says only what kind of room or building it is ("Main Stage", "Studio
/// Theatre", "Salle principale", "Grand Théâtre"): such a name alone never tells one place from
/// another of another town.
pub fn generic_place_name(name: &str) -> bool {
    let name = normalise::name(name);
    name.tokens.iter().all(|t| {
        HALL_WORDS.contains(&t.as_str())
            || GENERIC_WORDS.contains(&t.as_str())
            || matches!(
                t.as_str(),
                "first" | "second" | "third" | "fourth" | "fifth" | "municipal" | "city"
            )
            || t.chars().all(|c| c.is_ascii_digit())
    })
}

/// A level per field; `None` when either record lacks the field.
pub type Levels = [Option<u8>; 7];

/// Two records compared.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The first record (index).
    pub left: usize,
    /// The second record.
    pub right: usize,
    /// Each field's level.
    pub levels: Levels,
    /// When the names are the same and more than these two records hold it, how common that name
    /// is among the records (a share): the same "Main Stage" in twenty sources says less than the
    /// same rare name. Zero otherwise.
    pub name_frequency: f64,
    /// They share an external identifier.
    pub shared_identifier: bool,
    /// They carry different identifiers of one register.
    pub conflicting_identifier: bool,
    /// A rule forbids one entity: a hall and its building, two halls of different buildings
    /// (`container`), two places in different towns,
    /// different identifiers of one register, one identifier on names with nothing in common.
    pub cannot_link: bool,
}

/// Records made ready to compare: normalised once, with how rare each name word is.
pub struct Prepared<'a> {
    /// The records.
    pub records: &'a [Record],
    /// What they describe.
    pub kind: Kind,
    /// Each record's names: its name, then its other names.
    pub names: Vec<Vec<Name>>,
    localities: Vec<Option<String>>,
    postal_codes: Vec<Option<String>>,
    streets: Vec<Option<Vec<String>>>,
    hosts: Vec<Option<String>>,
    operators: Vec<Option<Name>>,
    parents: Vec<Option<usize>>,
    identifiers: Vec<Vec<(String, String)>>,
    /// How many records hold each name word.
    word_records: HashMap<String, usize>,
    /// How many records hold each name key (words sorted).
    key_records: HashMap<String, usize>,
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|value| !value.is_empty())
}

impl<'a> Prepared<'a> {
    /// Normalises `records`.
    pub fn new(records: &'a [Record], kind: Kind) -> Prepared<'a> {
        let names: Vec<Vec<Name>> = records
            .iter()
            .map(|record| {
                std::iter::once(&record.name)
                    .chain(&record.alt_names)
                    .map(|text| normalise::name(text))
                    .filter(|name| !name.tokens.is_empty())
                    .collect()
            })
            .collect();
        let mut word_records: HashMap<String, usize> = HashMap::new();
        let mut key_records: HashMap<String, usize> = HashMap::new();
        for variants in &names {
            let mut words: Vec<&String> = variants.iter().flat_map(|name| &name.tokens).collect();
            words.sort();
            words.dedup();
            for word in words {
                *word_records.entry(word.clone()).or_default() += 1;
            }
            let mut keys: Vec<String> = variants.iter().map(Name::key).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                *key_records.entry(key).or_default() += 1;
            }
        }
        let position: HashMap<&str, usize> = records
            .iter()
            .enumerate()
            .map(|(index, record)| (record.id.as_str(), index))
            .collect();
        Prepared {
            records,
            kind,
            names,
            localities: records
                .iter()
                .map(|r| present(&r.locality).map(normalise::locality))
                .collect(),
            postal_codes: records
                .iter()
                .map(|r| present(&r.postal_code).map(normalise::postal_code))
                .collect(),
            streets: records
                .iter()
                .map(|r| {
                    present(&r.street)
                        .map(normalise::street)
                        .filter(|words| !words.is_empty())
                })
                .collect(),
            hosts: records
                .iter()
                .map(|r| present(&r.url).and_then(normalise::host))
                .collect(),
            operators: records
                .iter()
                .map(|r| {
                    present(&r.operator)
                        .map(normalise::name)
                        .filter(|name| !name.tokens.is_empty())
                })
                .collect(),
            parents: records
                .iter()
                .map(|r| present(&r.parent_place).and_then(|parent| position.get(parent).copied()))
                .collect(),
            identifiers: records
                .iter()
                .map(|r| {
                    r.identifiers
                        .iter()
                        .map(|(register, value)| (register.trim().to_lowercase(), value.trim().to_lowercase()))
                        .filter(|(register, value)| !register.is_empty() && !value.is_empty())
                        .collect()
                })
                .collect(),
            word_records,
            key_records,
        }
    }

    /// How many records there are.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// How much a name word tells (rare words tell more): its inverse record frequency.
    pub fn weight(&self, word: &str) -> f64 {
        let holders = self.word_records.get(word).copied().unwrap_or(0) as f64;
        ((self.len() as f64 + 1.0) / (holders + 0.5)).ln().max(0.05)
    }

    /// How many records hold a word.
    pub fn word_count(&self, word: &str) -> usize {
        self.word_records.get(word).copied().unwrap_or(0)
    }

    /// The record's localities, postal codes and identifiers, for blocking.
    pub(crate) fn postal_code(&self, record: usize) -> Option<&str> {
        self.postal_codes[record].as_deref()
    }

    pub(crate) fn street(&self, record: usize) -> Option<&[String]> {
        self.streets[record].as_deref()
    }

    pub(crate) fn identifiers(&self, record: usize) -> &[(String, String)] {
        &self.identifiers[record]
    }

    pub(crate) fn host(&self, record: usize) -> Option<&str> {
        self.hosts[record].as_deref()
    }

    /// Compares two records.
    pub fn compare(&self, left: usize, right: usize) -> Comparison {
        let (similarity, key) = self.name_similarity(left, right);
        let name_level = match similarity {
            s if s >= 0.999 => 0,
            s if s >= 0.75 => 1,
            s if s >= 0.5 => 2,
            s if s >= 0.25 => 3,
            _ => 4,
        };
        // Only a name held by more records than the pair says something by its frequency.
        let name_frequency = key
            .and_then(|key| self.key_records.get(&key))
            .filter(|&&count| count > 2)
            .map_or(0.0, |&count| count as f64 / self.len().max(1) as f64);
        let both =
            |a: &Option<String>, b: &Option<String>| a.as_ref().zip(b.as_ref()).map(|(a, b)| (a.clone(), b.clone()));
        // A town written with a slip ("Mill Aprk") is close; two towns are different.
        let locality = both(&self.localities[left], &self.localities[right]).map(|(a, b)| {
            if a == b {
                0
            } else if a.chars().count() >= 5 && strsim::jaro_winkler(&a, &b) >= 0.93 {
                1
            } else {
                2
            }
        });
        // The same area: a Canadian code's first three characters, or one slip apart (a
        // character changed, added, left out, or two swapped).
        let postal = both(&self.postal_codes[left], &self.postal_codes[right]).map(|(a, b)| {
            if a == b {
                0
            } else if (a.len() == 6 && b.len() == 6 && a[..3] == b[..3])
                || (a.len() >= 4 && strsim::osa_distance(&a, &b) == 1)
            {
                1
            } else {
                2
            }
        });
        let street = self.streets[left]
            .as_ref()
            .zip(self.streets[right].as_ref())
            .map(|(a, b)| street_level(a, b));
        let distance =
            self.records[left]
                .coordinates
                .zip(self.records[right].coordinates)
                .map(|(a, b)| match kilometres(a, b) {
                    d if d <= 0.2 => 0,
                    d if d <= 2.0 => 1,
                    d if d <= 30.0 => 2,
                    _ => 3,
                });
        let website = both(&self.hosts[left], &self.hosts[right]).map(|(a, b)| u8::from(a != b));
        let operator = self.operators[left]
            .as_ref()
            .zip(self.operators[right].as_ref())
            .map(|(a, b)| u8::from(self.similarity(a, b) < 0.8));

        let (shared_identifier, conflicting_identifier) = self.identifier_agreement(left, right);
        let family = self.parents[left] == Some(right)
            || self.parents[right] == Some(left)
            || (self.kind == Kind::Place && (self.part_of(left, right) || self.two_rooms(left, right)));
        let towns_apart = self.kind == Kind::Place && locality == Some(2) && distance.is_none_or(|d| d >= 2);
        let containers_apart = matches!(
            (present(&self.records[left].container), present(&self.records[right].container)),
            (Some(a), Some(b)) if a != b
        );
        Comparison {
            left,
            right,
            levels: [Some(name_level), locality, postal, street, distance, website, operator],
            name_frequency,
            shared_identifier,
            conflicting_identifier,
            // One identifier on two records whose names have nothing in common is a mistake of
            // a source, reported as a conflict rather than merged.
            cannot_link: family
                || towns_apart
                || containers_apart
                || conflicting_identifier
                || (shared_identifier && name_level == 4),
        }
    }

    /// Whether one place's name is the other's with a hall added ("National Arts Centre" and
    /// "Centre national des Arts - Salle Southam"): a hall in its building, not the building.
    fn part_of(&self, left: usize, right: usize) -> bool {
        let inside = |whole: &Name, part: &Name| {
            let extra: Vec<&String> = part.tokens.iter().filter(|t| !whole.tokens.contains(t)).collect();
            whole.tokens.iter().all(|t| part.tokens.contains(t))
                && extra.iter().any(|t| HALL_WORDS.contains(&t.as_str()))
                && extra
                    .iter()
                    .any(|t| !HALL_WORDS.contains(&t.as_str()) && !GENERIC_WORDS.contains(&t.as_str()))
        };
        self.names[left]
            .iter()
            .any(|a| self.names[right].iter().any(|b| inside(a, b) || inside(b, a)))
    }

    /// Whether two places are rooms named apart in one building ("Salle de spectacle de la Maison
    /// de la culture Ahuntsic", "Salle d'exposition de la Maison de la culture Ahuntsic"): both
    /// names say a room, and each has a telling word the other lacks.
    fn two_rooms(&self, left: usize, right: usize) -> bool {
        let telling = |name: &Name, other: &Name| {
            name.tokens.iter().any(|t| {
                !HALL_WORDS.contains(&t.as_str())
                    && !GENERIC_WORDS.contains(&t.as_str())
                    && !other.tokens.iter().any(|o| same_word(t, o))
            })
        };
        let room = |name: &Name| name.tokens.iter().any(|t| HALL_WORDS.contains(&t.as_str()));
        let (Some(a), Some(b)) = (self.names[left].first(), self.names[right].first()) else {
            return false;
        };
        room(a)
            && room(b)
            && telling(a, b)
            && telling(b, a)
            && a.tokens.iter().any(|t| {
                b.tokens.contains(t) && !HALL_WORDS.contains(&t.as_str()) && !GENERIC_WORDS.contains(&t.as_str())
            })
    }

    /// Whether two records share an identifier, and whether they carry different identifiers
    /// of one register without sharing any of it.
    fn identifier_agreement(&self, left: usize, right: usize) -> (bool, bool) {
        let (a, b) = (&self.identifiers[left], &self.identifiers[right]);
        let shared = a.iter().any(|id| b.contains(id));
        let conflicting = a.iter().any(|(register, _)| {
            let mine: Vec<&String> = a.iter().filter(|(r, _)| r == register).map(|(_, v)| v).collect();
            let theirs: Vec<&String> = b.iter().filter(|(r, _)| r == register).map(|(_, v)| v).collect();
            !theirs.is_empty() && !mine.iter().any(|v| theirs.contains(v))
        });
        (shared, conflicting)
    }

    /// The best similarity between any name of one record and any of the other, and the name
    /// key when they are the same.
    fn name_similarity(&self, left: usize, right: usize) -> (f64, Option<String>) {
        let mut best = (0.0, None);
        for a in &self.names[left] {
            for b in &self.names[right] {
                let similarity = self.similarity(a, b);
                if similarity > best.0 {
                    best = (similarity, (similarity >= 0.999).then(|| a.key()));
                }
            }
        }
        best
    }

    /// How alike two names are, from 0 to 1: the weight of their words in common over the weight
    /// of all their words, an acronym standing for the words whose initials it spells, words a letter or
    /// two apart counted as one, and words run together ("Play House", "Playhouse") as the same.
    pub fn similarity(&self, a: &Name, b: &Name) -> f64 {
        if a.tokens.concat() == b.tokens.concat() {
            return 1.0;
        }
        let b_tokens = expand(a, b);
        let a_tokens = expand(b, a);
        let mut matched = 0.0;
        let mut used = vec![false; b_tokens.len()];
        let mut a_seen: Vec<&str> = Vec::new();
        for word in &a_tokens {
            if a_seen.contains(&word.as_str()) {
                continue;
            }
            a_seen.push(word);
            let found = b_tokens
                .iter()
                .enumerate()
                .filter(|(i, other)| !used[*i] && same_word(word, other))
                .map(|(i, _)| i)
                .next();
            if let Some(i) = found {
                used[i] = true;
                matched += self.weight(word).min(self.weight(&b_tokens[i]));
            }
        }
        let total_a: f64 = a_seen.iter().map(|w| self.weight(w)).sum();
        let mut b_seen: Vec<&str> = b_tokens.iter().map(String::as_str).collect();
        b_seen.sort_unstable();
        b_seen.dedup();
        let total_b: f64 = b_seen.iter().map(|w| self.weight(w)).sum();
        // Weighted Jaccard: the words in common over all the words, so that two names differing
        // by their one distinctive word ("Arrondissement d'Anjou", "Arrondissement de Verdun")
        // are not close.
        let union = total_a + total_b - matched;
        if union <= 0.0 {
            return 0.0;
        }
        (matched / union).min(1.0)
    }
}

/// `b`'s words, those whose initials spell one of `a`'s acronyms replaced by it.
fn expand(a: &Name, b: &Name) -> Vec<String> {
    let mut tokens = b.tokens.clone();
    for acronym in &a.acronyms {
        if b.tokens.contains(acronym) || acronym.len() < 2 {
            continue;
        }
        let initials: Vec<char> = b.initials.chars().collect();
        let letters: Vec<char> = acronym.chars().collect();
        if initials.len() != tokens.len() {
            continue;
        }
        if let Some(start) = (0..=initials.len().saturating_sub(letters.len()))
            .find(|&i| initials.len() >= letters.len() && initials[i..i + letters.len()] == letters[..])
        {
            tokens.splice(start..start + letters.len(), std::iter::once(acronym.clone()));
            break;
        }
    }
    tokens
}

/// Two words that are the same, or one letter or two apart in long words ("Desjardin", "Desjardins").
fn same_word(a: &str, b: &str) -> bool {
    a == b || (a.len() >= 5 && b.len() >= 5 && strsim::jaro_winkler(a, b) >= 0.93)
}

fn street_level(a: &[String], b: &[String]) -> u8 {
    let number = |words: &[String]| words.iter().find(|w| w.chars().all(|c| c.is_ascii_digit())).cloned();
    // A word written with a slip ("forbes", "forhes") still counts.
    let shared = a.iter().filter(|w| b.iter().any(|x| same_word(w, x))).count();
    let largest = a.len().max(b.len()).max(1);
    let numbers_differ = matches!((number(a), number(b)), (Some(x), Some(y)) if x != y);
    if a == b {
        0
    } else if !numbers_differ && shared * 10 >= largest * 6 {
        1
    } else {
        2
    }
}

/// The great-circle distance between two points, in kilometres.
pub fn kilometres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}
