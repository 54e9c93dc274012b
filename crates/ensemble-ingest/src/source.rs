//! Files as they arrive: what format they are in, their SHA-256, and the one clear error an
//! unreadable file gets.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

/// Why a file cannot be read at all. Each has a stable code (`import-<code>` in the catalogues).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SourceError {
    /// The file cannot be opened or read.
    #[error("the file cannot be read: {0}")]
    Unreadable(String),
    /// The file holds no data.
    #[error("the file is empty")]
    Empty,
    /// The text is not in an encoding Ensemble reads.
    #[error("the file's text encoding is not recognised")]
    Encoding,
    /// The file is not valid for its format (a broken CSV quote, a damaged workbook, bad JSON).
    #[error("the file is damaged or not in its format: {0}")]
    Malformed(String),
    /// Reading failed midway.
    #[error("reading failed: {0}")]
    Io(String),
    /// The format cannot be recognised.
    #[error("the file's format is not recognised")]
    UnknownFormat,
    /// A workbook that would take more than [`crate::table::WORKBOOK_UNZIPPED_LIMIT`] once
    /// unzipped (a small file can unzip to gigabytes), or a sheet with more cells, or cells
    /// farther to the right, than [`crate::table::SHEET_CELL_LIMIT`] and
    /// [`crate::table::SHEET_COLUMN_LIMIT`] allow: refused before it fills the memory.
    #[error("the workbook is larger than Ensemble reads")]
    WorkbookTooLarge,
    /// An RDF document with more statements than [`crate::documents::rdf::STATEMENT_LIMIT`]:
    /// refused before its nodes fill the memory.
    #[error("the document has more statements than Ensemble reads at once")]
    DocumentTooLarge,
}

impl SourceError {
    pub(crate) fn unreadable(error: std::io::Error) -> SourceError {
        SourceError::Unreadable(error.kind().to_string())
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            SourceError::Unreadable(_) => "import-file-unreadable",
            SourceError::Empty => "import-file-empty",
            SourceError::Encoding => "import-file-encoding",
            SourceError::Malformed(_) => "import-file-malformed",
            SourceError::Io(_) => "import-file-unreadable",
            SourceError::UnknownFormat => "import-format-unknown",
            SourceError::WorkbookTooLarge => "import-workbook-too-large",
            SourceError::DocumentTooLarge => "import-document-too-large",
        }
    }
}

/// The formats Ensemble reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Delimited text (CSV, TSV, semicolons).
    Csv,
    /// A workbook (XLSX, XLS, XLSB, ODS).
    Spreadsheet,
    /// JSON records (read with a profile).
    Json,
    /// JSON-LD (schema.org, Artsdata).
    JsonLd,
    /// Datascène JSON records.
    Datascene,
    /// The Scène Pro (RIDEAU) presenters-and-venues JSON.
    ScenePro,
    /// RDF in Turtle (`.ttl`), as Artsdata's pipelines publish it.
    Turtle,
    /// RDF in N-Triples (`.nt`).
    NTriples,
    /// RDF in RDF/XML (`.rdf`).
    RdfXml,
}

impl Format {
    /// The format's code.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Spreadsheet => "spreadsheet",
            Format::Json => "json",
            Format::JsonLd => "json-ld",
            Format::Datascene => "datascene",
            Format::ScenePro => "scenepro",
            Format::Turtle => "turtle",
            Format::NTriples => "n-triples",
            Format::RdfXml => "rdf-xml",
        }
    }
}

/// Recognises a file's format from its first bytes, then its extension.
pub fn detect_format(path: &Path) -> Result<Format, SourceError> {
    let mut file = File::open(path).map_err(SourceError::unreadable)?;
    let mut head = vec![0; 8192];
    let mut filled = 0;
    while filled < head.len() {
        match file.read(&mut head[filled..]).map_err(SourceError::unreadable)? {
            0 => break,
            n => filled += n,
        }
    }
    head.truncate(filled);
    if head.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(SourceError::Empty);
    }
    // ZIP (XLSX, ODS) and OLE2 (XLS) containers.
    if head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Ok(Format::Spreadsheet);
    }
    let text = String::from_utf8_lossy(&head);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let linked_data = text.contains("\"@context\"")
            || text.contains("\"@graph\"")
            || text.contains("\"@type\"")
            || (text.contains("\"@id\"") && (text.contains("schema.org") || text.contains("ogp.me")));
        if linked_data {
            if text.contains("datascen") {
                return Ok(Format::Datascene);
            }
            return Ok(Format::JsonLd);
        }
        let datascene_type = [
            "Show",
            "Place",
            "Room",
            "Offer",
            "Performance",
            "PostalAddress",
            "Series",
            "Work",
        ]
        .iter()
        .any(|kind| text.contains(&format!("\"type\": \"{kind}\"")) || text.contains(&format!("\"type\":\"{kind}\"")));
        if datascene_type && text.contains("\"lang\"") || text.contains("\"type\": \"PostalAddress\"") {
            return Ok(Format::Datascene);
        }
        if text.contains("\"diffusers\"") {
            return Ok(Format::ScenePro);
        }
        return Ok(Format::Json);
    }
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if let Some(format) = rdf_syntax(trimmed, &extension) {
        return Ok(format);
    }
    match extension.as_str() {
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => Ok(Format::Spreadsheet),
        "jsonld" => Ok(Format::JsonLd),
        "json" => Ok(Format::Json),
        _ if head.contains(&0) && !(head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF])) => {
            Err(SourceError::UnknownFormat)
        }
        _ => Ok(Format::Csv),
    }
}

/// The RDF syntax of a file, from its first lines, else its extension: Turtle's directives
/// (`@prefix`, `PREFIX`, `@base`), RDF/XML's root element, N-Triples' statements.
fn rdf_syntax(head: &str, extension: &str) -> Option<Format> {
    let first = head
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#'))
        .unwrap_or_default();
    let directive = |word: &str| {
        first
            .get(..word.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(word))
            && first[word.len()..].starts_with(char::is_whitespace)
    };
    if directive("@prefix") || directive("@base") || directive("prefix") || directive("base") {
        return Some(Format::Turtle);
    }
    if head.starts_with('<') && head.contains("<rdf:RDF") && head.contains("22-rdf-syntax-ns#") {
        return Some(Format::RdfXml);
    }
    match extension {
        "ttl" | "turtle" => Some(Format::Turtle),
        "nt" => Some(Format::NTriples),
        "rdf" | "owl" => Some(Format::RdfXml),
        _ if (first.starts_with('<') || first.starts_with("_:")) && first.ends_with('.') => Some(Format::Turtle),
        _ => None,
    }
}

/// Counts and hashes the bytes read through it; shared with the reader that consumes the file.
#[derive(Clone, Default)]
pub struct Counting {
    bytes: Arc<AtomicU64>,
    hasher: Arc<Mutex<Sha256>>,
}

impl Counting {
    /// A fresh counter.
    pub fn new() -> Counting {
        Counting::default()
    }

    /// Wraps a reader.
    pub fn wrap<R: Read>(&self, inner: R) -> CountingReader<R> {
        CountingReader {
            inner,
            counting: self.clone(),
        }
    }

    /// Bytes read so far.
    pub fn get(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// The SHA-256 of everything read so far, in lowercase hexadecimal.
    pub fn sha256(&self) -> String {
        let hasher = self.hasher.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        hex::encode(hasher.clone().finalize())
    }
}

/// A reader that feeds a [`Counting`].
pub struct CountingReader<R> {
    inner: R,
    counting: Counting,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.counting.bytes.fetch_add(read as u64, Ordering::Relaxed);
        self.counting
            .hasher
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .update(&buffer[..read]);
        Ok(read)
    }
}

/// The SHA-256 of a whole file.
pub fn sha256_file(path: &Path) -> Result<String, SourceError> {
    let counting = Counting::new();
    let file = File::open(path).map_err(SourceError::unreadable)?;
    std::io::copy(&mut counting.wrap(file), &mut std::io::sink()).map_err(SourceError::unreadable)?;
    Ok(counting.sha256())
}

/// Reads a whole JSON file.
pub fn read_json(path: &Path) -> Result<serde_json::Value, SourceError> {
    let reader = crate::table::open_buffered(path)?;
    let mut reader = reader;
    let mut text = String::new();
    reader.read_to_string(&mut text).map_err(|_| SourceError::Encoding)?;
    serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|error| SourceError::Malformed(error.to_string()))
}
