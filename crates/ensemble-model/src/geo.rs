//! Québec geography: the 17 administrative regions, postal areas (FSA) with their centroids,
//! municipalities with their region, and distances.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The 17 administrative regions of Québec: (code, name).
pub const REGIONS: [(&str, &str); 17] = [
    ("01", "Bas-Saint-Laurent"),
    ("02", "Saguenay–Lac-Saint-Jean"),
    ("03", "Capitale-Nationale"),
    ("04", "Mauricie"),
    ("05", "Estrie"),
    ("06", "Montréal"),
    ("07", "Outaouais"),
    ("08", "Abitibi-Témiscamingue"),
    ("09", "Côte-Nord"),
    ("10", "Nord-du-Québec"),
    ("11", "Gaspésie–Îles-de-la-Madeleine"),
    ("12", "Chaudière-Appalaches"),
    ("13", "Laval"),
    ("14", "Lanaudière"),
    ("15", "Laurentides"),
    ("16", "Montérégie"),
    ("17", "Centre-du-Québec"),
];

/// The name of a region from its code.
pub fn region_name(code: &str) -> Option<&'static str> {
    REGIONS.iter().find(|(c, _)| *c == code).map(|(_, name)| *name)
}

/// A postal area (forward sortation area) of Québec.
#[derive(Debug, Clone, PartialEq)]
pub struct Fsa {
    /// The three characters, e.g. `H2X`.
    pub code: String,
    /// GeoNames' place name for it.
    pub name: String,
    /// Centroid latitude.
    pub latitude: f64,
    /// Centroid longitude.
    pub longitude: f64,
}

/// Québec's postal areas with their centroids (GeoNames, CC BY 4.0), sorted by code.
pub fn quebec_fsas() -> &'static [Fsa] {
    static FSAS: OnceLock<Vec<Fsa>> = OnceLock::new();
    FSAS.get_or_init(|| {
        let text = include_str!("../../../data/reference/geo/fsa-centroids-qc.csv");
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let mut fsas: Vec<Fsa> = reader
            .records()
            .flatten()
            .filter_map(|record| {
                Some(Fsa {
                    code: record.get(0)?.to_string(),
                    name: record.get(1)?.to_string(),
                    latitude: record.get(2)?.parse().ok()?,
                    longitude: record.get(3)?.parse().ok()?,
                })
            })
            .collect();
        fsas.sort_by(|a, b| a.code.cmp(&b.code));
        fsas
    })
}

/// The Québec postal area with this code.
pub fn fsa(code: &str) -> Option<&'static Fsa> {
    let fsas = quebec_fsas();
    fsas.binary_search_by(|fsa| fsa.code.as_str().cmp(code))
        .ok()
        .and_then(|index| fsas.get(index))
}

/// A Canadian postal code in its canonical form `A1A 1A1`, or `None` when it is not one.
pub fn normalize_postal_code(text: &str) -> Option<String> {
    let mut compact = [0u8; 6];
    let mut length = 0;
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '-') {
        // Six characters at most, all ASCII (letters and digits are).
        if length == compact.len() || !c.is_ascii() {
            return None;
        }
        compact[length] = c.to_ascii_uppercase() as u8;
        length += 1;
    }
    let valid = length == compact.len()
        && is_postal_letter(compact[0], true)
        && compact[1].is_ascii_digit()
        && is_postal_letter(compact[2], false)
        && compact[3].is_ascii_digit()
        && is_postal_letter(compact[4], false)
        && compact[5].is_ascii_digit();
    valid.then(|| {
        let [a, b, c, d, e, f] = compact.map(char::from);
        [a, b, c, ' ', d, e, f].iter().collect()
    })
}

/// Whether an upper-case ASCII letter may stand in a postal code (never D, F, I, O, Q, U; nor W
/// or Z first).
pub fn is_postal_letter(byte: u8, first: bool) -> bool {
    byte.is_ascii_uppercase() && !b"DFIOQU".contains(&byte) && !(first && b"WZ".contains(&byte))
}

/// The postal area (first three characters) of a postal code; `None` when it is not one.
pub fn fsa_of(postal_code: &str) -> Option<String> {
    normalize_postal_code(postal_code).map(|code| code[..3].to_string())
}

/// A name folded for comparison: lower case, no accents, ligatures spelled out, punctuation and
/// runs of spaces turned into single spaces ("Belœil" and "beloeil" compare equal).
pub fn fold_name(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    // A space is written only between two words, once.
    let mut space = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        let replacement = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => "a",
            'ç' => "c",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ñ' => "n",
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => "o",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'ÿ' | 'ý' => "y",
            'œ' => "oe",
            'æ' => "ae",
            c if c.is_alphanumeric() => {
                if space {
                    folded.push(' ');
                    space = false;
                }
                folded.push(c);
                continue;
            }
            _ => {
                space = !folded.is_empty();
                continue;
            }
        };
        if space {
            folded.push(' ');
            space = false;
        }
        folded.push_str(replacement);
    }
    folded
}

fn municipality_table() -> &'static HashMap<String, &'static str> {
    static TABLE: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let text = include_str!("../../../data/reference/geo/municipality-regions.csv");
        let mut table = HashMap::new();
        for line in text.lines().skip(1) {
            if let Some((name, code)) = line.rsplit_once(',')
                && let Some((region, _)) = REGIONS.iter().find(|(c, _)| *c == code.trim())
            {
                table.insert(fold_name(name.trim_matches('"')), *region);
            }
        }
        table
    })
}

/// The administrative region of a Québec municipality, by name (accents and case ignored).
pub fn region_of_municipality(name: &str) -> Option<&'static str> {
    municipality_table().get(&fold_name(name)).copied()
}

/// Great-circle distance in kilometres between two points given in degrees.
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    const EARTH_RADIUS_KM: f64 = 6371.0088;
    let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
    let d_phi = (lat2 - lat1).to_radians();
    let d_lambda = (lon2 - lon1).to_radians();
    let a = (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postal_codes() {
        assert_eq!(normalize_postal_code("h7n5h9").as_deref(), Some("H7N 5H9"));
        assert_eq!(normalize_postal_code(" H7N-5H9 ").as_deref(), Some("H7N 5H9"));
        assert_eq!(normalize_postal_code("H7N 5H"), None);
        assert_eq!(normalize_postal_code("D7N 5H9"), None);
        assert_eq!(normalize_postal_code("12345"), None);
        assert_eq!(normalize_postal_code("W7N 5H9"), None);
        assert_eq!(normalize_postal_code("H7W 5Z9").as_deref(), Some("H7W 5Z9"));
        assert_eq!(normalize_postal_code("H7N 5H9 1"), None);
        assert_eq!(normalize_postal_code("É7N 5H9"), None);
        assert_eq!(fsa_of("g1r 2l3").as_deref(), Some("G1R"));
    }

    #[test]
    fn fsas_and_regions() {
        assert!(quebec_fsas().len() > 400);
        let montreal = fsa("H2X").map(|f| f.latitude);
        assert!(montreal.is_some_and(|lat| (45.0..46.0).contains(&lat)));
        assert_eq!(region_of_municipality("Laval"), Some("13"));
        assert_eq!(region_of_municipality("BELOEIL"), region_of_municipality("Belœil"));
        assert_eq!(region_of_municipality("Ottawa"), None);
        assert_eq!(region_name("03"), Some("Capitale-Nationale"));
    }

    #[test]
    fn distances() {
        // Montréal (45.5017, -73.5673) to Québec (46.8139, -71.2080): about 233 km.
        let km = distance_km(45.5017, -73.5673, 46.8139, -71.2080);
        assert!((225.0..240.0).contains(&km), "{km}");
        assert_eq!(distance_km(45.0, -73.0, 45.0, -73.0), 0.0);
    }

    #[test]
    fn folding() {
        assert_eq!(fold_name("  Salle André-Mathieu "), "salle andre mathieu");
        assert_eq!(fold_name("Belœil"), "beloeil");
        assert_eq!(fold_name(" -- Ça  &\tLà -- "), "ca la");
        assert_eq!(fold_name("Æ-Œ"), "ae oe");
        assert_eq!(fold_name("-- !"), "");
        assert_eq!(fold_name(""), "");
    }
}
