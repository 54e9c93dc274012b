//! A document of sections and tables, already in the reader's language, written as a printable
//! HTML page, an Excel workbook (a sheet per table) or JSON. The data diagnostic's report is one.

use std::path::Path;

use rust_xlsxwriter::{Format, Workbook};

use crate::ReportError;

/// A document: its title, a line under it, and its sections.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Document {
    /// The title.
    pub title: String,
    /// Under the title (who, when).
    pub subtitle: String,
    /// In order.
    pub sections: Vec<Section>,
}

/// A section: a heading, a paragraph, its tables.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Section {
    /// The heading.
    pub heading: String,
    /// A paragraph that says what the tables show.
    pub text: String,
    /// Its tables.
    pub tables: Vec<DocumentTable>,
}

/// A table: its caption, a short name for its sheet, its headers and rows.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DocumentTable {
    /// The caption.
    pub caption: String,
    /// The sheet's name in a workbook (at most 31 characters).
    pub sheet: String,
    /// The column headers.
    pub headers: Vec<String>,
    /// The rows, as many cells as headers.
    pub rows: Vec<Vec<Cell>>,
}

/// A cell: a text, or a number (written as a number in a workbook).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum Cell {
    /// A text.
    Text(String),
    /// A number.
    Number(f64),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Number(number) if number.fract() == 0.0 => format!("{number:.0}"),
            Cell::Number(number) => format!("{number}"),
        }
    }
}

/// Text escaped for HTML.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// The document as one printable HTML page in `lang` (no script, its own style).
pub fn html(document: &Document, lang: &str) -> String {
    let mut page = format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\nbody {{ font-family: system-ui, sans-serif; color: #1a1a1a; margin: 2rem; line-height: 1.45; max-width: 60rem; }}\ntable {{ border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; }} th, td {{ text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid #d0d0d0; }}\ncaption {{ text-align: left; font-weight: 600; padding: .3rem 0; }} td.n {{ text-align: right; }}\n@media print {{ body {{ margin: 0; }} section {{ break-inside: avoid-page; }} }}\n</style>\n</head>\n<body>\n<h1>{}</h1>\n<p>{}</p>\n",
        escaped(&document.title),
        escaped(&document.title),
        escaped(&document.subtitle)
    );
    for section in &document.sections {
        page.push_str(&format!(
            "<section>\n<h2>{}</h2>\n<p>{}</p>\n",
            escaped(&section.heading),
            escaped(&section.text)
        ));
        for table in &section.tables {
            page.push_str(&format!(
                "<table>\n<caption>{}</caption>\n<thead><tr>",
                escaped(&table.caption)
            ));
            for header in &table.headers {
                page.push_str(&format!("<th scope=\"col\">{}</th>", escaped(header)));
            }
            page.push_str("</tr></thead>\n<tbody>\n");
            for row in &table.rows {
                page.push_str("<tr>");
                for cell in row {
                    let class = if matches!(cell, Cell::Number(_)) {
                        " class=\"n\""
                    } else {
                        ""
                    };
                    page.push_str(&format!("<td{class}>{}</td>", escaped(&cell.text())));
                }
                page.push_str("</tr>\n");
            }
            page.push_str("</tbody>\n</table>\n");
        }
        page.push_str("</section>\n");
    }
    page.push_str("</body>\n</html>\n");
    page
}

/// The document as a workbook: a sheet per table, its caption on the first row, headers on the
/// third, rows below; texts that look like formulas are kept as text.
pub fn workbook(document: &Document) -> Result<Workbook, rust_xlsxwriter::XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let mut used: Vec<String> = Vec::new();
    for table in document.sections.iter().flat_map(|section| &section.tables) {
        let mut name: String = table.sheet.chars().take(28).collect();
        while used.contains(&name) {
            name.push('+');
        }
        used.push(name.clone());
        let sheet = workbook.add_worksheet();
        sheet.set_name(&name)?;
        sheet.write_string_with_format(0, 0, &table.caption, &bold)?;
        for (column, header) in table.headers.iter().enumerate() {
            sheet.write_string_with_format(2, column as u16, header, &bold)?;
        }
        for (index, row) in table.rows.iter().enumerate() {
            let at = 3 + index as u32;
            for (column, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Number(number) => sheet.write_number(at, column as u16, *number)?,
                    Cell::Text(text) => sheet.write_string(
                        at,
                        column as u16,
                        ensemble_model::cells::spreadsheet_safe(text).as_ref(),
                    )?,
                };
            }
        }
    }
    Ok(workbook)
}

/// Writes the document to `path` as `html`, `xlsx` or `json`.
pub fn write(document: &Document, format: &str, path: &Path, lang: &str) -> Result<(), ReportError> {
    let io = |cause: &dyn std::fmt::Display| ReportError::Io {
        path: path.display().to_string(),
        cause: cause.to_string(),
    };
    match format {
        "html" => std::fs::write(path, html(document, lang)).map_err(|e| io(&e)),
        "json" => {
            let text = serde_json::to_string_pretty(document).map_err(|e| io(&e))?;
            std::fs::write(path, text).map_err(|e| io(&e))
        }
        "xlsx" => workbook(document)
            .and_then(|mut book| book.save(path))
            .map_err(|e| io(&e)),
        other => Err(ReportError::Format(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_what_people_typed() {
        let document = Document {
            title: "Diagnostic <fictif>".to_string(),
            subtitle: "« Regroupement » & co".to_string(),
            sections: vec![Section {
                heading: "H".to_string(),
                text: "T".to_string(),
                tables: vec![DocumentTable {
                    caption: "C".to_string(),
                    sheet: "S".to_string(),
                    headers: vec!["A".to_string()],
                    rows: vec![
                        vec![Cell::Text("<script>alert(1)</script>".to_string())],
                        vec![Cell::Number(2.5)],
                    ],
                }],
            }],
        };
        let page = html(&document, "fr");
        assert!(!page.contains("<script>") && page.contains("&lt;script&gt;"));
        assert!(page.contains("Diagnostic &lt;fictif&gt;") && page.contains("&amp; co"));
        assert!(page.contains("<td class=\"n\">2.5</td>"));
    }
}
