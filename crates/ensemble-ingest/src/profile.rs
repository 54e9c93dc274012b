//! Mapping profiles: data files that say which columns of an export feed which target fields,
//! and how to recognise that export from its headers.

use std::collections::BTreeMap;
use std::path::Path;

use ensemble_model::geo::fold_name;
use serde::Deserialize;

use crate::target::Target;
use crate::values::DateOrder;

/// The profiles shipped with Ensemble (`crates/ensemble-ingest/profiles/`).
const BUILT_IN: &[(&str, &str)] = &[
    (
        "eventbrite-attendees",
        include_str!("../profiles/eventbrite-attendees.toml"),
    ),
    ("eventbrite-orders", include_str!("../profiles/eventbrite-orders.toml")),
    ("tessitura-orders", include_str!("../profiles/tessitura-orders.toml")),
    (
        "tessitura-line-items",
        include_str!("../profiles/tessitura-line-items.toml"),
    ),
    (
        "tessitura-sub-line-items",
        include_str!("../profiles/tessitura-sub-line-items.toml"),
    ),
    ("archtics-tickets", include_str!("../profiles/archtics-tickets.toml")),
    ("spektrix-events", include_str!("../profiles/spektrix-events.toml")),
    (
        "spektrix-instances",
        include_str!("../profiles/spektrix-instances.toml"),
    ),
    (
        "spektrix-events-instances",
        include_str!("../profiles/spektrix-events-instances.toml"),
    ),
    (
        "patronmanager-ticket-order-items",
        include_str!("../profiles/patronmanager-ticket-order-items.toml"),
    ),
    ("generic-tickets", include_str!("../profiles/generic-tickets.toml")),
    ("tour-dates", include_str!("../profiles/tour-dates.toml")),
    ("venues", include_str!("../profiles/venues.toml")),
    ("grants", include_str!("../profiles/grants.toml")),
    ("settlements", include_str!("../profiles/settlements.toml")),
];

/// The kind of file a profile reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileFormat {
    /// CSV or a spreadsheet.
    Table,
    /// JSON records.
    Json,
}

/// A mapping profile, as written in its TOML file.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Profile {
    /// Its name (the file name without `.toml`).
    pub name: String,
    /// Its label in French.
    pub label_fr: String,
    /// Its label in English.
    pub label_en: String,
    /// What it reads, in French.
    #[serde(default)]
    pub description_fr: String,
    /// What it reads, in English.
    #[serde(default)]
    pub description_en: String,
    /// What the rows become.
    pub target: Target,
    /// The source system, the namespace of its identifiers.
    pub source: String,
    /// Table or JSON.
    pub format: ProfileFormat,
    /// For JSON: the dotted path to the list of records (empty: the top level).
    #[serde(default)]
    pub records: String,
    /// How to read all-numeric dates.
    #[serde(default)]
    pub date_order: DateOrder,
    /// The zone of local times.
    #[serde(default = "default_time_zone")]
    pub time_zone: String,
    /// The currency of amounts.
    #[serde(default = "default_currency")]
    pub currency: String,
    /// Target field to header names.
    #[serde(default)]
    pub columns: BTreeMap<String, Vec<String>>,
    /// Values used when a column is absent or a cell empty.
    #[serde(default)]
    pub defaults: BTreeMap<String, String>,
    /// Per field, file values to Ensemble codes.
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    /// Headers the vendor writes that carry nothing Ensemble imports, and its customers' own
    /// fields (`attribute_*`: a trailing `*` matches any end): they tell the file is the vendor's,
    /// so they do not lower the confidence; they are listed as ignored.
    #[serde(default)]
    pub known: Vec<String>,
    /// `values` with folded file values, built once.
    #[serde(skip)]
    folded_values: std::collections::HashMap<String, std::collections::HashMap<String, String>>,
}

fn default_time_zone() -> String {
    "America/Toronto".to_string()
}

fn default_currency() -> String {
    "CAD".to_string()
}

/// Why a profile cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProfileError {
    /// No built-in profile has this name and no such file exists.
    #[error("unknown profile {0}")]
    Unknown(String),
    /// The profile file is not valid.
    #[error("profile {name} is not valid: {detail}")]
    Invalid {
        /// Its name or path.
        name: String,
        /// What is wrong.
        detail: String,
    },
}

impl ProfileError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ProfileError::Unknown(_) => "import-profile-unknown",
            ProfileError::Invalid { .. } => "import-profile-invalid",
        }
    }
}

impl Profile {
    /// Reads a profile from TOML text and checks its field names against its target.
    pub fn parse(name: &str, text: &str) -> Result<Profile, ProfileError> {
        let mut profile: Profile = toml::from_str(text).map_err(|error| ProfileError::Invalid {
            name: name.to_string(),
            detail: error.message().to_string(),
        })?;
        profile.prepare();
        let fields = profile.target.fields();
        let unknown = profile
            .columns
            .keys()
            .chain(profile.defaults.keys())
            .chain(profile.values.keys())
            .find(|field| !fields.iter().any(|f| f.name == field.as_str()));
        if let Some(field) = unknown {
            return Err(ProfileError::Invalid {
                name: name.to_string(),
                detail: format!(
                    "unknown field {field} for target {}; known fields: {}",
                    profile.target.as_str(),
                    fields.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
                ),
            });
        }
        if profile.time_zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(ProfileError::Invalid {
                name: name.to_string(),
                detail: format!("unknown time zone {}", profile.time_zone),
            });
        }
        Ok(profile)
    }

    /// Every built-in profile.
    pub fn built_in() -> Vec<Profile> {
        BUILT_IN
            .iter()
            .filter_map(|(name, text)| Profile::parse(name, text).ok())
            .collect()
    }

    /// Errors of the built-in profiles (empty when all are valid; checked by a test).
    pub fn built_in_errors() -> Vec<ProfileError> {
        BUILT_IN
            .iter()
            .filter_map(|(name, text)| Profile::parse(name, text).err())
            .collect()
    }

    /// A built-in profile by name, or a profile file by path.
    pub fn find(name_or_path: &str) -> Result<Profile, ProfileError> {
        if let Some((name, text)) = BUILT_IN.iter().find(|(name, _)| *name == name_or_path) {
            return Profile::parse(name, text);
        }
        let path = Path::new(name_or_path);
        if path.extension().is_some_and(|e| e == "toml") || path.exists() {
            let text = std::fs::read_to_string(path).map_err(|_| ProfileError::Unknown(name_or_path.to_string()))?;
            return Profile::parse(name_or_path, &text);
        }
        Err(ProfileError::Unknown(name_or_path.to_string()))
    }

    /// The label in `lang`.
    pub fn label(&self, lang: ensemble_i18n::Lang) -> &str {
        match lang {
            ensemble_i18n::Lang::Fr => &self.label_fr,
            ensemble_i18n::Lang::En => &self.label_en,
        }
    }

    /// The time zone of local times.
    pub fn zone(&self) -> chrono_tz::Tz {
        self.time_zone.parse().unwrap_or(chrono_tz::America::Toronto)
    }

    /// Which header each mapped field is read from: `(field, column index)`.
    pub fn bind(&self, headers: &[String]) -> Vec<(String, usize)> {
        let folded: Vec<String> = headers.iter().map(|h| fold_name(h)).collect();
        let mut bound = Vec::new();
        for (field, aliases) in &self.columns {
            let found = aliases.iter().find_map(|alias| {
                let alias = fold_name(alias);
                folded.iter().position(|header| !header.is_empty() && *header == alias)
            });
            if let Some(index) = found {
                bound.push((field.clone(), index));
            }
        }
        bound
    }

    /// How well this profile explains a file with these headers, from 0 to 1: the geometric mean
    /// of the share of the file's headers it reads or knows as the vendor's, and the share of its
    /// columns found; 0 when a field the target needs is neither found nor defaulted.
    pub fn confidence(&self, headers: &[String]) -> f64 {
        let bound = self.bind(headers);
        let has = |field: &str| bound.iter().any(|(f, _)| f == field) || self.defaults.contains_key(field);
        if !self
            .target
            .requirements()
            .iter()
            .all(|any_of| any_of.iter().any(|f| has(f)))
        {
            return 0.0;
        }
        let mut recognised: std::collections::BTreeSet<usize> = bound.iter().map(|(_, index)| *index).collect();
        recognised.extend((0..headers.len()).filter(|index| self.is_known(&headers[*index])));
        let non_empty = headers.iter().filter(|h| !h.trim().is_empty()).count().max(1);
        let file_share = recognised.len() as f64 / non_empty as f64;
        let profile_share = bound.len() as f64 / self.columns.len().max(1) as f64;
        (file_share * profile_share).sqrt()
    }

    /// Whether a header is one of the vendor's own that Ensemble does not read ([`Profile::known`]).
    fn is_known(&self, header: &str) -> bool {
        let header = fold_name(header);
        !header.is_empty()
            && self.known.iter().any(|known| match known.strip_suffix('*') {
                Some(prefix) => header.starts_with(&fold_name(prefix)),
                None => header == fold_name(known),
            })
    }

    /// Builds what lookups need; call after deserialising a profile kept elsewhere (a batch note).
    pub fn prepare(&mut self) {
        self.folded_values = self
            .values
            .iter()
            .map(|(field, table)| {
                let folded = table.iter().map(|(from, to)| (fold_name(from), to.clone())).collect();
                (field.clone(), folded)
            })
            .collect();
    }

    /// The Ensemble code for a file value of a field, through `[values.<field>]`.
    pub fn translate<'a>(&'a self, field: &str, value: &'a str) -> &'a str {
        let Some(table) = self.folded_values.get(field) else {
            return value;
        };
        table.get(&fold_name(value)).map_or(value, String::as_str)
    }
}

/// A profile with its confidence for a file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Candidate {
    /// The profile's name.
    pub name: String,
    /// From 0 to 1.
    pub confidence: f64,
}

/// The lowest confidence at which a profile is chosen automatically.
pub const AUTO_THRESHOLD: f64 = 0.5;

/// Built-in profiles of this format ranked by confidence for these headers, best first.
pub fn rank(profiles: &[Profile], headers: &[String], format: ProfileFormat) -> Vec<Candidate> {
    let mut candidates: Vec<Candidate> = profiles
        .iter()
        .filter(|profile| profile.format == format)
        .map(|profile| Candidate {
            name: profile.name.clone(),
            confidence: profile.confidence(headers),
        })
        .collect();
    candidates.sort_by(|a, b| b.confidence.total_cmp(&a.confidence).then_with(|| a.name.cmp(&b.name)));
    candidates
}
