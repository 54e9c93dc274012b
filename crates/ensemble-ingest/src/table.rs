//! Tabular sources: CSV text in any common delimiter and encoding, and spreadsheets (XLSX, XLS,
//! ODS). Every source yields a header and numbered rows of text cells; values are read later by
//! [`crate::values`], so a date typed in a spreadsheet and one exported to CSV are read alike.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use calamine::{Data, Reader as _};
use encoding_rs_io::DecodeReaderBytesBuilder;

use crate::source::{Counting, SourceError};

/// How a text file is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// UTF-8, without byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark (as Excel writes "CSV UTF-8").
    Utf8Bom,
    /// UTF-16 with a byte-order mark (Excel's "Unicode text").
    Utf16,
    /// Windows-1252 (Excel's "CSV" on Windows in French or English).
    Windows1252,
}

/// One row of cells, with its line (or spreadsheet row) number in the file.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// 1 is the file's first line.
    pub row: u64,
    /// The cells, as text.
    pub cells: csv::StringRecord,
}

/// A source of rows under one header.
pub trait Table {
    /// The column names.
    fn headers(&self) -> &[String];
    /// Reads the next row into `record`; false at the end.
    fn next_record(&mut self, record: &mut Record) -> Result<bool, SourceError>;
    /// How many bytes of the file have been consumed (for progress).
    fn position(&self) -> u64;
    /// The shared byte counter of a streamed file, if the table streams one.
    fn counter(&self) -> Option<Counting> {
        None
    }
}

/// How many leading lines are looked at to find the delimiter and the header.
const SNIFF_LINES: usize = 30;

/// A CSV (or TSV) file read as a stream.
pub struct CsvTable {
    reader: csv::Reader<Box<dyn Read + Send>>,
    headers: Vec<String>,
    counter: Counting,
    /// Rows read ahead while looking for the header.
    pending: std::collections::VecDeque<Record>,
    /// The number of lines before the current reader position that were consumed.
    line_offset: u64,
    /// The delimiter found.
    pub delimiter: u8,
    /// The encoding found.
    pub encoding: Encoding,
}

impl CsvTable {
    /// Opens a delimited text file, finding its encoding, delimiter and header row.
    pub fn open(path: &Path, counter: Counting) -> Result<CsvTable, SourceError> {
        let mut sample = vec![0; 64 * 1024];
        let mut file = File::open(path).map_err(SourceError::unreadable)?;
        let length = read_up_to(&mut file, &mut sample).map_err(SourceError::unreadable)?;
        sample.truncate(length);
        let encoding = detect_encoding(&sample);
        let text = decode_sample(&sample, encoding);
        let delimiter = sniff_delimiter(&text);
        let file = File::open(path).map_err(SourceError::unreadable)?;
        let counted = counter.wrap(file);
        let stream: Box<dyn Read + Send> = match encoding {
            Encoding::Utf8 => Box::new(counted),
            Encoding::Utf8Bom | Encoding::Utf16 => {
                Box::new(DecodeReaderBytesBuilder::new().bom_sniffing(true).build(counted))
            }
            Encoding::Windows1252 => Box::new(
                DecodeReaderBytesBuilder::new()
                    .encoding(Some(encoding_rs::WINDOWS_1252))
                    .build(counted),
            ),
        };
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(256 * 1024)
            .from_reader(stream);
        let mut table = CsvTable {
            reader,
            headers: Vec::new(),
            counter,
            pending: Default::default(),
            line_offset: 0,
            delimiter,
            encoding,
        };
        table.find_header()?;
        Ok(table)
    }

    /// Takes as header the first row, among the first lines, that has as many non-empty cells as
    /// the widest row: title lines above a header ("Rapport des ventes", an export date) are skipped.
    fn find_header(&mut self) -> Result<(), SourceError> {
        let mut rows = Vec::new();
        for _ in 0..SNIFF_LINES {
            let mut record = Record::default();
            if !self.read_raw(&mut record)? {
                break;
            }
            rows.push(record);
        }
        let filled = |record: &Record| record.cells.iter().filter(|cell| !cell.trim().is_empty()).count();
        let widest = rows.iter().map(filled).max().unwrap_or(0);
        if widest == 0 {
            return Err(SourceError::Empty);
        }
        let header_at = rows.iter().position(|row| filled(row) == widest).unwrap_or(0);
        let mut rows: std::collections::VecDeque<Record> = rows.into();
        rows.drain(..header_at);
        let header = rows.pop_front().unwrap_or_default();
        self.headers = header.cells.iter().map(|cell| cell.trim().to_string()).collect();
        self.pending = rows;
        Ok(())
    }

    fn read_raw(&mut self, record: &mut Record) -> Result<bool, SourceError> {
        loop {
            match self.reader.read_record(&mut record.cells) {
                Ok(true) => {
                    record.row = record.cells.position().map_or(0, |p| p.line()) + self.line_offset;
                    if record.cells.len() == 1 && record.cells.get(0).is_some_and(|cell| cell.trim().is_empty()) {
                        continue;
                    }
                    return Ok(true);
                }
                Ok(false) => return Ok(false),
                Err(error) => match error.kind() {
                    csv::ErrorKind::Utf8 { .. } => return Err(SourceError::Encoding),
                    csv::ErrorKind::Io(_) => return Err(SourceError::Io(error.to_string())),
                    _ => return Err(SourceError::Malformed(error.to_string())),
                },
            }
        }
    }
}

impl Table for CsvTable {
    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn next_record(&mut self, record: &mut Record) -> Result<bool, SourceError> {
        if let Some(pending) = self.pending.pop_front() {
            *record = pending;
            return Ok(true);
        }
        self.read_raw(record)
    }

    fn position(&self) -> u64 {
        self.counter.get()
    }

    fn counter(&self) -> Option<Counting> {
        Some(self.counter.clone())
    }
}

fn read_up_to(file: &mut File, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// The encoding of a text sample: byte-order marks first, then UTF-8 if it decodes (a character
/// cut at the end of the sample is allowed), else Windows-1252.
pub fn detect_encoding(sample: &[u8]) -> Encoding {
    if sample.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Encoding::Utf8Bom;
    }
    if sample.starts_with(&[0xFF, 0xFE]) || sample.starts_with(&[0xFE, 0xFF]) {
        return Encoding::Utf16;
    }
    match std::str::from_utf8(sample) {
        Ok(_) => Encoding::Utf8,
        Err(error) if error.error_len().is_none() => Encoding::Utf8,
        Err(_) => Encoding::Windows1252,
    }
}

fn decode_sample(sample: &[u8], encoding: Encoding) -> String {
    let (text, _, _) = match encoding {
        Encoding::Utf8 | Encoding::Utf8Bom => encoding_rs::UTF_8.decode(sample),
        Encoding::Utf16 => {
            if sample.starts_with(&[0xFE, 0xFF]) {
                encoding_rs::UTF_16BE.decode(sample)
            } else {
                encoding_rs::UTF_16LE.decode(sample)
            }
        }
        Encoding::Windows1252 => encoding_rs::WINDOWS_1252.decode(sample),
    };
    text.into_owned()
}

/// The delimiter that splits the sample's lines into the most columns most consistently, among
/// comma, semicolon (French Excel), tab and vertical bar.
pub fn sniff_delimiter(text: &str) -> u8 {
    let mut best = (b',', 0usize);
    for delimiter in [b',', b';', b'\t', b'|'] {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut counts = Vec::new();
        for record in reader.records().take(SNIFF_LINES) {
            match record {
                Ok(record) => counts.push(record.len()),
                Err(_) => break,
            }
        }
        // The last line of the sample may be cut: leave it out when there are others.
        if counts.len() > 2 {
            counts.pop();
        }
        let Some(&widest) = counts.iter().max() else { continue };
        if widest < 2 {
            continue;
        }
        let consistent = counts.iter().filter(|&&count| count == widest).count();
        let score = consistent * widest;
        if score > best.1 {
            best = (delimiter, score);
        }
    }
    best.0
}

/// The most a workbook (XLSX, ODS: a zip of XML) may hold once unzipped. Its sheets are read
/// whole, in memory several times their XML's size; a file over it is refused before it is read.
pub const WORKBOOK_UNZIPPED_LIMIT: u64 = 256 * 1024 * 1024;

/// Refuses a zipped workbook whose entries add up to more than [`WORKBOOK_UNZIPPED_LIMIT`], by
/// the sizes its directory declares (the unzipping stops at them). A file that is not a zip (an
/// XLS) is left to the workbook reader.
fn check_unzipped_size(path: &Path) -> Result<(), SourceError> {
    let file = std::fs::File::open(path).map_err(SourceError::unreadable)?;
    let Ok(mut archive) = zip::ZipArchive::new(std::io::BufReader::new(file)) else {
        return Ok(());
    };
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|error| SourceError::Malformed(error.to_string()))?;
        total = total.saturating_add(entry.size());
    }
    if total > WORKBOOK_UNZIPPED_LIMIT {
        return Err(SourceError::WorkbookTooLarge);
    }
    Ok(())
}

/// The most columns a sheet may use: a vendor's export has a few dozen; a cell far to the right
/// would otherwise make the whole rectangle up to it.
pub const SHEET_COLUMN_LIMIT: u32 = 1024;
/// The most cells with a value a sheet may hold (a million-line export of twelve columns holds
/// twelve million).
pub const SHEET_CELL_LIMIT: usize = 24_000_000;

/// Refuses an ODS workbook whose cells, once their repetitions are expanded, would spread past
/// [`SHEET_COLUMN_LIMIT`] or [`SHEET_CELL_LIMIT`]: one cell with a value can be repeated a
/// billion times in a few bytes, and the workbook reader expands every repetition. Counted on
/// `content.xml` as it streams (rows and cells that hold a value, every sheet together); a file
/// that is not an ODS is left to the workbook reader.
fn check_ods_repetitions(path: &Path) -> Result<(), SourceError> {
    use quick_xml::events::{BytesStart, Event};
    let file = std::fs::File::open(path).map_err(SourceError::unreadable)?;
    let Ok(mut archive) = zip::ZipArchive::new(std::io::BufReader::new(file)) else {
        return Ok(());
    };
    let Ok(content) = archive.by_name("content.xml") else {
        return Ok(());
    };
    let repeated = |element: &BytesStart<'_>, name: &[u8]| -> u64 {
        (element.try_get_attribute(name).ok().flatten())
            .and_then(|attribute| std::str::from_utf8(&attribute.value).ok()?.parse().ok())
            .unwrap_or(1)
    };
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let mut buffer = Vec::new();
    let (mut cells, mut rows, mut width, mut filled) = (0u64, 1u64, 0u64, 0u64);
    loop {
        let event = match reader.read_event_into(&mut buffer) {
            Ok(Event::Eof) | Err(_) => return Ok(()), // a damaged file is the reader's to report
            Ok(event) => event,
        };
        match event {
            Event::Start(ref element) | Event::Empty(ref element) => match element.name().as_ref() {
                b"table:table-row" => (rows, width, filled) = (repeated(element, b"table:number-rows-repeated"), 0, 0),
                b"table:table-cell" | b"table:covered-table-cell" => {
                    width = width.saturating_add(repeated(element, b"table:number-columns-repeated"));
                    // A cell with content, or a value type, is kept with every repetition.
                    let valued = matches!(event, Event::Start(_))
                        || element.try_get_attribute(b"office:value-type").ok().flatten().is_some();
                    if valued {
                        filled = width;
                    }
                }
                _ => {}
            },
            Event::End(ref element) if element.name().as_ref() == b"table:table-row" => {
                cells = cells.saturating_add(filled.saturating_mul(rows));
                if filled > u64::from(SHEET_COLUMN_LIMIT) || cells > SHEET_CELL_LIMIT as u64 {
                    return Err(SourceError::WorkbookTooLarge);
                }
            }
            _ => {}
        }
        buffer.clear();
    }
}

/// The first sheet of a workbook that holds data, read whole (after [`check_unzipped_size`]),
/// with its name. XLSX sheets are read cell by cell, within [`SHEET_COLUMN_LIMIT`] and
/// [`SHEET_CELL_LIMIT`]: a sheet with one cell far away never makes the rectangle up to it; an
/// ODS sheet's repetitions are counted before it is read ([`check_ods_repetitions`]). An XLS
/// sheet is bounded by its format (65,536 rows of 256 columns).
pub fn open_sheet(path: &Path) -> Result<(String, MemoryTable), SourceError> {
    check_unzipped_size(path)?;
    check_ods_repetitions(path)?;
    let malformed = |error: calamine::Error| SourceError::Malformed(error.to_string());
    let mut workbook = calamine::open_workbook_auto(path).map_err(malformed)?;
    for name in workbook.sheet_names() {
        let rows = match &mut workbook {
            calamine::Sheets::Xlsx(xlsx) => xlsx_rows(xlsx, &name)?,
            other => {
                let range = other.worksheet_range(&name).map_err(malformed)?;
                let (top, _) = range.start().unwrap_or((0, 0));
                range
                    .rows()
                    .enumerate()
                    .map(|(index, cells)| Record {
                        row: u64::from(top) + index as u64 + 1,
                        cells: cells.iter().map(cell_text).collect::<Vec<String>>().into(),
                    })
                    .collect()
            }
        };
        if let Some(table) = table_of(rows) {
            return Ok((name, table));
        }
    }
    Err(SourceError::Empty)
}

/// The rows of an XLSX sheet read cell by cell, each row as wide as its last cell.
fn xlsx_rows(
    xlsx: &mut calamine::Xlsx<std::io::BufReader<std::fs::File>>,
    name: &str,
) -> Result<Vec<Record>, SourceError> {
    let malformed = |error: calamine::XlsxError| SourceError::Malformed(error.to_string());
    let mut reader = xlsx.worksheet_cells_reader(name).map_err(malformed)?;
    let mut rows: std::collections::BTreeMap<u32, Vec<String>> = std::collections::BTreeMap::new();
    let mut cells = 0usize;
    while let Some(cell) = reader.next_cell().map_err(malformed)? {
        let (row, column) = cell.get_position();
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        cells += 1;
        if column >= SHEET_COLUMN_LIMIT || cells > SHEET_CELL_LIMIT {
            return Err(SourceError::WorkbookTooLarge);
        }
        let line = rows.entry(row).or_default();
        let column = column as usize;
        if line.len() <= column {
            line.resize(column + 1, String::new());
        }
        line[column] = text;
    }
    Ok(rows
        .into_iter()
        .map(|(row, cells)| Record {
            row: u64::from(row) + 1,
            cells: cells.into(),
        })
        .collect())
}

/// The table of a sheet's rows: the header is the first of the first rows that fills the most
/// cells, titles above it are left out; `None` when the sheet is empty.
fn table_of(rows: Vec<Record>) -> Option<MemoryTable> {
    let mut rows: Vec<Record> = rows
        .into_iter()
        .filter(|record| record.cells.iter().any(|cell| !cell.is_empty()))
        .collect();
    let filled = |record: &Record| record.cells.iter().filter(|cell| !cell.is_empty()).count();
    let widest = rows.iter().take(SNIFF_LINES).map(filled).max().unwrap_or(0);
    if widest == 0 {
        return None;
    }
    let header_at = rows.iter().position(|row| filled(row) == widest).unwrap_or(0);
    let rest = rows.split_off(header_at + 1);
    let headers = rows
        .pop()
        .map(|header| header.cells.iter().map(|cell| cell.trim().to_string()).collect())
        .unwrap_or_default();
    Some(MemoryTable::new(headers, rest))
}

/// A spreadsheet cell as text: dates in ISO 8601, whole numbers without decimals.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => text.trim().to_string(),
        Data::Int(value) => value.to_string(),
        Data::Float(value) if value.fract() == 0.0 && value.abs() < 1e15 => format!("{}", *value as i64),
        Data::Float(value) => value.to_string(),
        Data::Bool(value) => value.to_string(),
        Data::DateTime(moment) => {
            let (year, month, day, hour, minute, second, _) = moment.to_ymd_hms_milli();
            if moment.is_duration() {
                format!("{hour:02}:{minute:02}:{second:02}")
            } else if moment.as_f64() < 1.0 {
                format!("{hour:02}:{minute:02}")
            } else if (hour, minute, second) == (0, 0, 0) {
                format!("{year:04}-{month:02}-{day:02}")
            } else {
                format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")
            }
        }
    }
}

/// Rows built in memory (a workbook's sheet, JSON records flattened to columns).
pub struct MemoryTable {
    headers: Vec<String>,
    rows: std::vec::IntoIter<Record>,
}

impl MemoryTable {
    /// A table of these rows.
    pub fn new(headers: Vec<String>, rows: Vec<Record>) -> MemoryTable {
        MemoryTable {
            headers,
            rows: rows.into_iter(),
        }
    }
}

impl Table for MemoryTable {
    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn next_record(&mut self, record: &mut Record) -> Result<bool, SourceError> {
        match self.rows.next() {
            Some(mut next) => {
                // A sheet's row ends at its last cell with a value: the empty ones after it are
                // empty fields, not missing ones.
                while next.cells.len() < self.headers.len() {
                    next.cells.push_field("");
                }
                *record = next;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn position(&self) -> u64 {
        0
    }
}

/// Opens a buffered reader on a file.
pub fn open_buffered(path: &Path) -> Result<BufReader<File>, SourceError> {
    File::open(path).map(BufReader::new).map_err(SourceError::unreadable)
}
