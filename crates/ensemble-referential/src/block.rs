//! Blocking: only records that share something are compared. A record's keys are its rarer name
//! words, its name's words in any order, the beginnings of two of its words, its initials and
//! acronyms (so that "FTA" meets "Festival TransAmériques"), its words run together, its street,
//! its postal code, its website and its identifiers. A
//! key shared by too many records is left out (it would compare nearly everything) and counted.

use std::collections::{HashMap, HashSet};

use crate::compare::Prepared;

/// The candidate pairs, each once, the lower index first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Blocks {
    /// The pairs to compare.
    pub pairs: Vec<(usize, usize)>,
    /// Keys left out because more than `max_block` records share them.
    pub skipped_keys: usize,
}

/// The keys of one record.
pub fn keys(prepared: &Prepared<'_>, record: usize, max_block: usize) -> Vec<String> {
    let mut keys = Vec::new();
    for name in &prepared.names[record] {
        for word in &name.tokens {
            if word.len() >= 2 && prepared.word_count(word) <= max_block {
                keys.push(format!("w:{word}"));
            }
        }
        keys.push(format!("k:{}", name.key()));
        // The words' beginnings, so that a typo at a word's end does not keep two records apart.
        let mut starts: Vec<String> = name
            .tokens
            .iter()
            .filter(|word| word.chars().count() >= 5)
            .map(|word| word.chars().take(4).collect())
            .collect();
        starts.sort();
        keys.extend(starts.windows(2).map(|pair| format!("b:{} {}", pair[0], pair[1])));
        keys.push(format!("c:{}", name.tokens.concat()));
        if name.initials.len() >= 3 {
            for end in 3..=name.initials.len().min(8) {
                keys.push(format!("i:{}", &name.initials[..end]));
            }
        }
        for acronym in &name.acronyms {
            keys.push(format!("i:{acronym}"));
        }
    }
    if let Some(street) = prepared.street(record).filter(|words| words.len() >= 2) {
        keys.push(format!("s:{}", street.join(" ")));
    }
    if let Some(code) = prepared.postal_code(record).filter(|code| code.len() >= 4) {
        keys.push(format!("p:{code}"));
    }
    if let Some(host) = prepared.host(record) {
        keys.push(format!("h:{host}"));
    }
    for (register, value) in prepared.identifiers(record) {
        keys.push(format!("id:{register}:{value}"));
    }
    keys.sort();
    keys.dedup();
    keys
}

/// The pairs of records that share a key.
pub fn candidates(prepared: &Prepared<'_>, max_block: usize) -> Blocks {
    let mut blocks: HashMap<String, Vec<usize>> = HashMap::new();
    for record in 0..prepared.len() {
        for key in keys(prepared, record, max_block) {
            blocks.entry(key).or_default().push(record);
        }
    }
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let mut skipped_keys = 0;
    for members in blocks.values() {
        if members.len() > max_block {
            skipped_keys += 1;
            continue;
        }
        for (i, &left) in members.iter().enumerate() {
            for &right in &members[i + 1..] {
                seen.insert((left.min(right), left.max(right)));
            }
        }
    }
    let mut pairs: Vec<(usize, usize)> = seen.into_iter().collect();
    pairs.sort_unstable();
    Blocks { pairs, skipped_keys }
}
