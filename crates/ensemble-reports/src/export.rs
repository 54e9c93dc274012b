//! A report written out: an Excel workbook (a sheet per table, then the details sheet listing
//! every performance with its settlement and the table lines it counts in), CSV files (one per
//! table) or JSON.

use std::path::{Path, PathBuf};

use ensemble_i18n::{Arg, Lang, tr, tr_args};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::{Report, ReportError, Table, Value};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// An Excel workbook.
    Xlsx,
    /// CSV files, one per table.
    Csv,
    /// One JSON document.
    Json,
}

impl std::str::FromStr for OutputFormat {
    type Err = ReportError;

    fn from_str(text: &str) -> Result<Self, ReportError> {
        match text {
            "xlsx" => Ok(OutputFormat::Xlsx),
            "csv" => Ok(OutputFormat::Csv),
            "json" => Ok(OutputFormat::Json),
            other => Err(ReportError::Format(other.to_string())),
        }
    }
}

fn io(path: &Path, cause: impl std::fmt::Display) -> ReportError {
    ReportError::Io {
        path: path.display().to_string(),
        cause: cause.to_string(),
    }
}

/// Writes the report to `path` and returns the files written (several for CSV: `path` with the
/// table's id before the extension).
pub fn write(report: &Report, format: OutputFormat, path: &Path, lang: Lang) -> Result<Vec<PathBuf>, ReportError> {
    match format {
        OutputFormat::Json => {
            let text = serde_json::to_string_pretty(report).map_err(|error| io(path, error))?;
            std::fs::write(path, text).map_err(|error| io(path, error))?;
            Ok(vec![path.to_path_buf()])
        }
        OutputFormat::Csv => {
            let mut written = Vec::new();
            for table in &report.tables {
                let target = if report.tables.len() == 1 {
                    path.to_path_buf()
                } else {
                    let stem = path
                        .file_stem()
                        .map(|s| s.to_string_lossy().to_string())
                        .unwrap_or_default();
                    path.with_file_name(format!("{stem}-{}.csv", table.id))
                };
                write_csv(table, &target, lang)?;
                written.push(target);
            }
            Ok(written)
        }
        OutputFormat::Xlsx => {
            let mut workbook = workbook(report, lang).map_err(|error| io(path, error))?;
            workbook.save(path).map_err(|error| io(path, error))?;
            Ok(vec![path.to_path_buf()])
        }
    }
}

fn rows(table: &Table) -> impl Iterator<Item = &crate::Line> {
    table.lines.iter().chain(table.total.iter())
}

fn write_csv(table: &Table, path: &Path, lang: Lang) -> Result<(), ReportError> {
    let mut writer = csv::Writer::from_path(path).map_err(|error| io(path, error))?;
    let safe = |cell: &str| ensemble_model::cells::spreadsheet_safe(cell).into_owned();
    let headers: Vec<String> = table.headers.iter().map(|header| safe(header)).collect();
    writer.write_record(&headers).map_err(|error| io(path, error))?;
    for line in rows(table) {
        let mut record: Vec<String> = line.keys.iter().map(|(_, label)| safe(label)).collect();
        record.extend(line.values.iter().map(|value| safe(&plain(value, lang))));
        writer.write_record(&record).map_err(|error| io(path, error))?;
    }
    writer.flush().map_err(|error| io(path, error))
}

/// A value for a file a program reads: numbers without thousands separators, a point as decimal
/// mark, dates in ISO form.
fn plain(value: &Value, lang: Lang) -> String {
    match value {
        Value::Count(count) => count.to_string(),
        Value::Money(cents) => format!("{}.{:02}", cents / 100, (cents % 100).abs()),
        Value::Percent(Some(number)) | Value::Km(Some(number)) => format!("{number:.1}"),
        Value::Percent(None) | Value::Km(None) => String::new(),
        Value::Date(date) => date.to_string(),
        other => other.text(lang),
    }
}

fn sheet_name(id: &str) -> String {
    id.chars().take(31).collect()
}

fn write_value(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    value: &Value,
    lang: Lang,
    money: &Format,
) -> Result<(), XlsxError> {
    match value {
        Value::Count(count) => sheet.write_number(row, column, *count as f64).map(|_| ()),
        Value::Money(cents) => sheet
            .write_number_with_format(row, column, *cents as f64 / 100.0, money)
            .map(|_| ()),
        Value::Percent(Some(number)) | Value::Km(Some(number)) => sheet
            .write_number(row, column, (number * 10.0).round() / 10.0)
            .map(|_| ()),
        Value::Percent(None) | Value::Km(None) => Ok(()),
        Value::Date(date) => sheet.write_string(row, column, date.to_string()).map(|_| ()),
        other => sheet.write_string(row, column, other.text(lang)).map(|_| ()),
    }
}

/// The workbook: a sheet per table (title, headers, lines, total), then the details.
pub fn workbook(report: &Report, lang: Lang) -> Result<Workbook, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("# ##0.00");
    for table in &report.tables {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(&table.id))?;
        sheet.write_string_with_format(0, 0, &table.title, &bold)?;
        sheet.write_string(
            1,
            0,
            format!("{} · {} · {}", report.funder, report.member.1, report.period),
        )?;
        for (column, header) in table.headers.iter().enumerate() {
            sheet.write_string_with_format(3, column as u16, header, &bold)?;
            sheet.set_column_width(column as u16, if column < table.key_columns.max(1) { 28 } else { 16 })?;
        }
        for (index, line) in rows(table).enumerate() {
            let row = 4 + index as u32;
            for (column, (_, label)) in line.keys.iter().enumerate() {
                sheet.write_string(row, column as u16, label)?;
            }
            for (offset, value) in line.values.iter().enumerate() {
                write_value(sheet, row, (table.key_columns + offset) as u16, value, lang, &money)?;
            }
        }
    }
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(&tr(lang, "report-details")))?;
    let headers = [
        tr(lang, "report-details-performance"),
        tr(lang, "report-field-date"),
        tr(lang, "report-field-show"),
        tr(lang, "report-field-venue"),
        tr(lang, "report-field-municipality"),
        tr(lang, "report-field-territory-detail"),
        tr(lang, "report-field-distance-km"),
        tr(lang, "report-measure-attendance"),
        tr(lang, "report-measure-box-office-excl-taxes"),
        tr(lang, "report-details-settlement"),
        tr(lang, "report-details-line"),
    ];
    for (column, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, header, &bold)?;
    }
    for (index, fact) in report.facts.iter().enumerate() {
        let row = 1 + index as u32;
        sheet.write_number(row, 0, fact.performance as f64)?;
        sheet.write_string(row, 1, fact.date.to_string())?;
        sheet.write_string(row, 2, &fact.show)?;
        sheet.write_string(row, 3, &fact.venue)?;
        sheet.write_string(row, 4, &fact.municipality)?;
        sheet.write_string(row, 5, &fact.territory_detail)?;
        write_value(sheet, row, 6, &Value::Km(fact.distance_km), lang, &money)?;
        if let Some(settlement) = &fact.settlement {
            sheet.write_number(row, 7, crate::facts::attendance(settlement) as f64)?;
            let cents = settlement.gross.0 - settlement.taxes.0;
            sheet.write_number_with_format(row, 8, cents as f64 / 100.0, &money)?;
        }
        let source = match fact.settlement_from {
            None => tr(lang, "report-details-settlement-none"),
            Some(from) if from == report.member_id => tr(lang, "report-details-settlement-own"),
            Some(from) => tr_args(lang, "report-details-settlement-shared", &[("member", Arg::from(from))]),
        };
        sheet.write_string(row, 9, source)?;
        let lines: Vec<String> = report
            .tables
            .iter()
            .flat_map(|table| {
                table
                    .lines
                    .iter()
                    .filter(|line| line.performances.contains(&fact.performance))
                    .map(move |line| {
                        let keys: Vec<&str> = line.keys.iter().map(|(_, label)| label.as_str()).collect();
                        if keys.is_empty() {
                            table.id.clone()
                        } else {
                            format!("{} : {}", table.id, keys.join(" / "))
                        }
                    })
            })
            .collect();
        sheet.write_string(row, 10, lines.join(" ; "))?;
    }
    sheet.set_column_width(2, 30)?;
    sheet.set_column_width(3, 36)?;
    sheet.set_column_width(10, 60)?;
    Ok(workbook)
}
