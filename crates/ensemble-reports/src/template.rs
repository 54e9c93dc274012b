//! Report templates: TOML files that say, for one funder, which tables to fill, grouped by which
//! dimensions, with which measures and which performances. The shipped ones are under
//! `templates/`; a consortium adds or replaces one by dropping a file in its templates folder.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::ReportError;

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// French.
    pub fr: String,
    /// English.
    pub en: String,
}

impl Text {
    /// The text in a language.
    pub fn get(&self, lang: ensemble_i18n::Lang) -> &str {
        match lang {
            ensemble_i18n::Lang::Fr => &self.fr,
            ensemble_i18n::Lang::En => &self.en,
        }
    }
}

/// What a performance is grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dimension {
    /// The show's top discipline.
    Discipline,
    /// The hall's Québec administrative region (outside Québec: "hors Québec").
    Region,
    /// The member's region, elsewhere in Québec, the rest of Canada, abroad.
    Territory,
    /// Within the territory: the region, the province or the country.
    TerritoryDetail,
    /// At home (the member's municipality) or on tour.
    Setting,
    /// General public or school.
    Audience,
    /// Paid or free admission.
    Admission,
    /// The month of the performance.
    Month,
    /// The show.
    Show,
}

/// A figure of a group of performances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Measure {
    /// Performances given (cancelled ones left out).
    Performances,
    /// Tickets offered (settled performances).
    TicketsAvailable,
    /// Paid tickets, complimentary tickets and free admissions.
    Attendance,
    /// Paid tickets.
    PaidAttendance,
    /// Free admissions and complimentary tickets.
    FreeAttendance,
    /// Gross box office less taxes, in dollars.
    BoxOfficeExclTaxes,
    /// Box office excluding taxes per paid ticket.
    AveragePrice,
    /// Attendance over tickets offered, in percent.
    OccupancyRate,
    /// Artist fees paid, in dollars.
    ArtistFees,
    /// Performances at least 250 km from the member's home base.
    #[serde(rename = "touring-250")]
    Touring250,
    /// Performances without a settlement.
    Unsettled,
}

/// A column of a list table (one row per performance).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Field {
    /// The date.
    Date,
    /// The show's title.
    Show,
    /// The venue.
    Venue,
    /// The venue's municipality.
    Municipality,
    /// The region, province or country.
    TerritoryDetail,
    /// Distance from the member's home base, km.
    DistanceKm,
    /// Whether it is at least 250 km away.
    #[serde(rename = "touring-250")]
    Touring250,
    /// Attendance.
    Attendance,
}

/// Which performances a table counts: each given dimension must have the given value code.
pub type Filter = std::collections::BTreeMap<Dimension, String>;

/// One table of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    /// Stable identifier (a sheet name, a file name).
    pub id: String,
    /// Title.
    pub title: Text,
    /// Groups, in order (none: one line for everything).
    #[serde(default)]
    pub rows: Vec<Dimension>,
    /// Figures of each group.
    #[serde(default)]
    pub measures: Vec<Measure>,
    /// Instead of groups, one line per performance with these fields.
    #[serde(default)]
    pub list: Vec<Field>,
    /// Which performances count.
    #[serde(default, rename = "where")]
    pub filter: Filter,
}

/// A funder's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Short name (`occq`, `calq`, ...), the file's stem.
    pub name: String,
    /// The funder.
    pub funder: Text,
    /// The report's title.
    pub title: Text,
    /// What it is for and what it follows.
    pub about: Text,
    /// Its tables.
    pub tables: Vec<TableSpec>,
}

/// The templates shipped with Ensemble: (file name, text).
const SHIPPED: [(&str, &str); 4] = [
    ("occq.toml", include_str!("../templates/occq.toml")),
    ("calq.toml", include_str!("../templates/calq.toml")),
    (
        "conseil-des-arts-du-canada.toml",
        include_str!("../templates/conseil-des-arts-du-canada.toml"),
    ),
    ("cadac.toml", include_str!("../templates/cadac.toml")),
];

/// Reads one template; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<Template, ReportError> {
    let template: Template = toml::from_str(text).map_err(|error| ReportError::Template {
        file: file.to_string(),
        detail: error.message().to_string(),
    })?;
    let problem = |detail: String| ReportError::Template {
        file: file.to_string(),
        detail,
    };
    if template.tables.is_empty() {
        return Err(problem("no [[tables]]".to_string()));
    }
    for table in &template.tables {
        if table.measures.is_empty() && table.list.is_empty() {
            return Err(problem(format!("table {}: neither measures nor list", table.id)));
        }
        if !table.measures.is_empty() && !table.list.is_empty() {
            return Err(problem(format!("table {}: both measures and list", table.id)));
        }
        if table.id.is_empty() || !table.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(problem(format!("table id {:?}: letters, digits and - only", table.id)));
        }
    }
    Ok(template)
}

/// Every template: those shipped, then those of `folder` (a file there replaces a shipped one of
/// the same name), by name.
pub fn templates(folder: Option<&Path>) -> Result<Vec<Template>, ReportError> {
    let mut all: Vec<Template> = Vec::new();
    let mut add = |template: Template| {
        all.retain(|kept| kept.name != template.name);
        all.push(template);
    };
    for (file, text) in SHIPPED {
        add(parse(file, text)?);
    }
    if let Some(folder) = folder.filter(|folder| folder.is_dir()) {
        let entries = std::fs::read_dir(folder).map_err(|error| ReportError::Io {
            path: folder.display().to_string(),
            cause: error.to_string(),
        })?;
        let mut files: Vec<_> = entries
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
            .collect();
        files.sort();
        for path in files {
            let text = std::fs::read_to_string(&path).map_err(|error| ReportError::Io {
                path: path.display().to_string(),
                cause: error.to_string(),
            })?;
            add(parse(&path.display().to_string(), &text)?);
        }
    }
    all.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(all)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shipped_templates_read() {
        let all = super::templates(None).unwrap();
        let names: Vec<&str> = all.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["cadac", "calq", "conseil-des-arts-du-canada", "occq"]);
    }

    #[test]
    fn a_wrong_template_says_what_is_wrong() {
        for (text, expected) in [
            ("name = \"x\"", "missing field"),
            (
                "name = \"x\"\nfunder = { fr = \"a\", en = \"b\" }\ntitle = { fr = \"a\", en = \"b\" }\nabout = { fr = \"a\", en = \"b\" }\ntables = []",
                "no [[tables]]",
            ),
        ] {
            let error = super::parse("x.toml", text).unwrap_err();
            assert!(error.to_string().contains(expected), "{error}");
        }
    }
}
