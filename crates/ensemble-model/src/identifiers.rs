//! External identifiers (Artsdata, Wikidata, ISNI, NEQ, Scène Pro) and their patterns.

use crate::validate::{ErrorCode, ValidationError};

record! {
    /// Identifiers of the same thing in other registries.
    #[derive(Default)]
    Identifiers {
        artsdata: Option<String> => ("Artsdata (K…-…)", "Artsdata (K…-…)"),
        wikidata: Option<String> => ("Wikidata (Q…)", "Wikidata (Q…)"),
        isni: Option<String> => ("ISNI", "ISNI"),
        neq: Option<String> => ("Numéro d'entreprise du Québec (NEQ)", "Québec enterprise number (NEQ)"),
        scenepro: Option<String> => ("Scène Pro", "Scène Pro"),
    }
}

impl Identifiers {
    /// Takes from `other` the identifiers of the registers this one lacks (never replacing one it
    /// has); whether any was taken.
    pub fn fill_from(&mut self, other: &Identifiers) -> bool {
        let mut filled = false;
        for (mine, theirs) in [
            (&mut self.artsdata, &other.artsdata),
            (&mut self.wikidata, &other.wikidata),
            (&mut self.isni, &other.isni),
            (&mut self.neq, &other.neq),
            (&mut self.scenepro, &other.scenepro),
        ] {
            if mine.is_none()
                && let Some(value) = theirs.as_deref().map(str::trim).filter(|v| !v.is_empty())
            {
                *mine = Some(value.to_string());
                filled = true;
            }
        }
        filled
    }
    /// Whether no identifier is set.
    pub fn is_empty(&self) -> bool {
        self.artsdata.is_none()
            && self.wikidata.is_none()
            && self.isni.is_none()
            && self.neq.is_none()
            && self.scenepro.is_none()
    }

    /// Checks every identifier that is set.
    pub fn validate(&self, field: &'static str, errors: &mut Vec<ValidationError>) {
        type Check<'a> = (&'a Option<String>, fn(&str) -> bool, ErrorCode);
        let checks: [Check<'_>; 5] = [
            (&self.artsdata, is_artsdata_id, ErrorCode::InvalidArtsdataId),
            (&self.wikidata, is_wikidata_id, ErrorCode::InvalidWikidataId),
            (&self.isni, is_isni, ErrorCode::InvalidIsni),
            (&self.neq, is_neq, ErrorCode::InvalidNeq),
            (&self.scenepro, is_scenepro_id, ErrorCode::InvalidSceneProId),
        ];
        for (value, check, code) in checks {
            if let Some(value) = value
                && !check(value)
            {
                errors.push(ValidationError::new(code, field).with("value", value.clone()));
            }
        }
    }
}

fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// An Artsdata identifier: `K`, digits, `-`, digits (e.g. `K11-211`).
pub fn is_artsdata_id(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('K') else {
        return false;
    };
    match rest.split_once('-') {
        Some((left, right)) => all_digits(left) && all_digits(right),
        None => false,
    }
}

/// A Wikidata item: `Q` then digits, no leading zero (e.g. `Q16675360`).
pub fn is_wikidata_id(text: &str) -> bool {
    match text.strip_prefix('Q') {
        Some(digits) => all_digits(digits) && !digits.starts_with('0'),
        None => false,
    }
}

/// An ISNI: 16 characters (spaces allowed between groups), the last a check character computed
/// with ISO 7064 MOD 11-2.
pub fn is_isni(text: &str) -> bool {
    let compact: Vec<char> = text.chars().filter(|c| *c != ' ').collect();
    if compact.len() != 16 {
        return false;
    }
    let mut total: u32 = 0;
    for c in &compact[..15] {
        let Some(digit) = c.to_digit(10) else {
            return false;
        };
        total = (total + digit) * 2;
    }
    let check = (12 - total % 11) % 11;
    let expected = if check == 10 {
        'X'
    } else {
        char::from_digit(check, 10).unwrap_or('?')
    };
    compact[15].to_ascii_uppercase() == expected
}

/// A Québec enterprise number: ten digits, starting with 11, 22, 33 or 88 (spaces allowed).
pub fn is_neq(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| *c != ' ').collect();
    compact.len() == 10 && all_digits(&compact) && ["11", "22", "33", "88"].iter().any(|p| compact.starts_with(p))
}

/// A Scène Pro identifier: a positive whole number.
pub fn is_scenepro_id(text: &str) -> bool {
    all_digits(text) && !text.starts_with('0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_accept_and_refuse() {
        let cases: &[(fn(&str) -> bool, &str, bool)] = &[
            (is_artsdata_id, "K11-211", true),
            (is_artsdata_id, "K16-201", true),
            (is_artsdata_id, "K11", false),
            (is_artsdata_id, "k11-211", false),
            (is_artsdata_id, "K11-", false),
            (is_wikidata_id, "Q16675360", true),
            (is_wikidata_id, "Q0", false),
            (is_wikidata_id, "P31", false),
            (is_isni, "0000 0001 2103 2683", true),
            (is_isni, "0000000121032683", true),
            (is_isni, "0000000121032684", false),
            (is_isni, "000000012103268", false),
            (is_neq, "1140914632", true),
            (is_neq, "1140 914 632", true),
            (is_neq, "9140914632", false),
            (is_neq, "114091463", false),
            (is_scenepro_id, "239", true),
            (is_scenepro_id, "0239", false),
            (is_scenepro_id, "abc", false),
        ];
        for (check, value, expected) in cases {
            assert_eq!(check(value), *expected, "{value}");
        }
    }
}
