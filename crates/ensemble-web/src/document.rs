//! A document of `ensemble_reports::document` (sections of tables, already in the reader's
//! language) as a portal page shows it: numbers written as the language writes them, hidden
//! figures marked, each table in a region that scrolls on a phone, named by its caption. The
//! barometer's and the audience's pages use it.

use ensemble_i18n::{Lang, tr};
use ensemble_reports::document::{Cell, Document};

/// A cell as the page shows it.
pub struct PageCell {
    pub(crate) text: String,
    pub(crate) number: bool,
    pub(crate) hidden: bool,
}

/// A table as the page shows it.
pub struct PageTable {
    /// Its caption's id, which names its scrolling region.
    pub(crate) id: String,
    pub(crate) caption: String,
    pub(crate) headers: Vec<String>,
    pub(crate) rows: Vec<Vec<PageCell>>,
}

/// A section as the page shows it.
pub struct PageSection {
    pub(crate) heading: String,
    pub(crate) text: String,
    pub(crate) tables: Vec<PageTable>,
}

/// A document's sections as the page shows them: numbers written as the language writes them,
/// hidden figures marked, each table's caption with an id that names its scrolling region.
pub(crate) fn sections(lang: Lang, document: &Document) -> Vec<PageSection> {
    let hidden: Vec<String> = [
        "too-few-people",
        "too-few-members",
        "mostly-one-member",
        "complementary",
    ]
    .iter()
    .map(|code| tr(lang, &format!("report-hidden-{code}")))
    .collect();
    document
        .sections
        .iter()
        .enumerate()
        .map(|(s, section)| PageSection {
            heading: section.heading.clone(),
            text: section.text.clone(),
            tables: section
                .tables
                .iter()
                .enumerate()
                .map(|(n, table)| PageTable {
                    id: format!("tableau-{s}-{n}"),
                    caption: table.caption.clone(),
                    headers: table.headers.clone(),
                    rows: table
                        .rows
                        .iter()
                        .map(|row| row.iter().map(|cell| page_cell(lang, &hidden, cell)).collect())
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

fn page_cell(lang: Lang, hidden: &[String], cell: &Cell) -> PageCell {
    match cell {
        Cell::Number(number) => PageCell {
            text: ensemble_i18n::format::decimal(lang, *number),
            number: true,
            hidden: false,
        },
        Cell::Text(text) => PageCell {
            hidden: hidden.contains(text),
            number: hidden.contains(text),
            text: text.clone(),
        },
    }
}
