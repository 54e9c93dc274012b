//! One import, start to end: read the file, choose the profile, map and privatize each row,
//! convert it, keep bad rows in quarantine, and commit everything in one transaction (or nothing:
//! `--dry-run`, `--strict`, an error, or the process killed).

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, FixedOffset};
use ensemble_model::*;
use ensemble_privacy::{Pseudonymizer, SecretKey};
use ensemble_store::{QUARANTINE_OPEN, QuarantineEntry, Session, Store, StoreError};
use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::documents::Document;
use crate::profile::{self, Candidate, Profile, ProfileError, ProfileFormat};
use crate::source::{self, Format, SourceError};
use crate::table::{CsvTable, MemoryTable, Record, Table};
use crate::target::{self, Context, Outcome, Row, Target};
use crate::writer::{Tally, Writer};

/// At most this many diagnostics are kept in a report (all are counted).
const REPORT_DIAGNOSTICS: usize = 1000;
/// Quarantined rows are written in chunks of this many.
const QUARANTINE_CHUNK: usize = 1000;

/// Which profile to read a table with.
#[derive(Debug, Clone, PartialEq)]
pub enum ProfileChoice {
    /// The built-in profile that explains the headers best.
    Auto,
    /// A built-in profile by name, or a profile file by path.
    Named(String),
}

/// What to import.
#[derive(Debug, Clone)]
pub struct ImportRequest<'a> {
    /// The importing member's short code.
    pub member: &'a str,
    /// The file.
    pub path: &'a Path,
    /// The profile.
    pub profile: ProfileChoice,
    /// Check everything, keep nothing.
    pub dry_run: bool,
    /// Refuse the whole file when a row is bad.
    pub strict: bool,
    /// Now (batch time; age bands are computed on its date).
    pub now: DateTime<FixedOffset>,
}

/// How far an import has gone.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Rows read.
    pub rows: u64,
    /// Bytes read.
    pub bytes: u64,
    /// The file's size.
    pub total_bytes: u64,
}

/// How one column of the file was used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnUse {
    /// The header.
    pub header: String,
    /// The target field it feeds; `None` when ignored (its values are not read nor kept).
    pub field: Option<String>,
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// The file name (without folders).
    pub file_name: String,
    /// Its SHA-256.
    pub sha256: String,
    /// Its format.
    pub format: Option<Format>,
    /// For a workbook: the sheet read.
    pub sheet: Option<String>,
    /// For CSV: the delimiter found.
    pub delimiter: Option<String>,
    /// For CSV: the encoding found.
    pub encoding: Option<crate::table::Encoding>,
    /// The profile used.
    pub profile: Option<String>,
    /// Its confidence, when chosen automatically.
    pub confidence: Option<f64>,
    /// The best profiles, when chosen automatically.
    pub candidates: Vec<Candidate>,
    /// How each column was used.
    pub columns: Vec<ColumnUse>,
    /// Rows (or records) read.
    pub rows_read: u64,
    /// Rows imported (new, linked or already there).
    pub rows_imported: u64,
    /// Rows kept in quarantine.
    pub rows_quarantined: u64,
    /// Rows left out on purpose (cancelled tickets), with a notice.
    pub rows_skipped: u64,
    /// Records created, linked, updated, already imported.
    pub tally: Tally,
    /// Diagnostics (the first thousand).
    pub diagnostics: Vec<Diagnostic>,
    /// Every diagnostic, counted by code.
    pub diagnostic_counts: BTreeMap<String, u64>,
    /// The batch written (none for a dry run or a refused file).
    pub batch_id: Option<BatchId>,
    /// Earlier batches of the same file (same SHA-256) by this member.
    pub earlier_batches: Vec<BatchId>,
    /// Nothing was kept.
    pub dry_run: bool,
    /// The file was refused whole because a row was bad (`--strict`).
    pub refused: bool,
    /// What the shared referential made of the records the import created, per table (filled
    /// by the import action, which runs it in the import's transaction).
    pub referential: Vec<ReferentialLinks>,
}

/// What the shared referential made of the records one import created in one table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReferentialLinks {
    /// The table.
    pub table: String,
    /// Records the import created there.
    pub created: usize,
    /// Of those, records joined to an entity that other records already had.
    pub joined: usize,
    /// Of those, records joined provisionally: their pair waits in the review queue.
    pub provisional: usize,
}

impl ReferentialLinks {
    /// What became of the records, in words.
    pub fn describe(&self, lang: ensemble_i18n::Lang) -> String {
        use ensemble_i18n::{Arg, tr, tr_args};
        tr_args(
            lang,
            "import-referential",
            &[
                (
                    "table",
                    Arg::from(tr(lang, &format!("cli-referential-table-{}", self.table))),
                ),
                ("created", Arg::from(self.created)),
                ("joined", Arg::from(self.joined)),
                ("provisional", Arg::from(self.provisional)),
            ],
        )
    }
}

impl ImportReport {
    fn add_diagnostic(&mut self, diagnostic: Diagnostic) {
        *self
            .diagnostic_counts
            .entry(diagnostic.code.as_str().to_string())
            .or_default() += 1;
        if self.diagnostics.len() < REPORT_DIAGNOSTICS {
            self.diagnostics.push(diagnostic);
        }
    }
}

/// Why an import did not run. Each has a stable code and a message (`import-<code>`).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// No member has this short code.
    #[error("no member has the short code {0}")]
    UnknownMember(String),
    /// The file cannot be read.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The profile cannot be used.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// No profile explains the file's headers well enough.
    #[error("no profile recognises the file's columns")]
    NotDetected {
        /// The file's headers.
        headers: Vec<String>,
        /// The best profiles, best first.
        candidates: Vec<Candidate>,
    },
    /// The profile reads another kind of file.
    #[error("profile {profile} reads {expected} files")]
    ProfileFormat {
        /// The profile.
        profile: String,
        /// What it reads.
        expected: String,
    },
    /// `--strict` and a row was bad: nothing was kept.
    #[error("the file was refused: {} rows are not valid", .0.rows_quarantined)]
    Refused(Box<ImportReport>),
    /// Storage.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ImportError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::UnknownMember(_) => "import-member-unknown",
            ImportError::Source(error) => error.code(),
            ImportError::Profile(error) => error.code(),
            ImportError::NotDetected { .. } => "import-profile-not-detected",
            ImportError::ProfileFormat { .. } => "import-profile-format",
            ImportError::Refused(_) => "import-refused",
            ImportError::Store(error) => error.code(),
        }
    }

    /// The values its message (`error-<code>`) takes.
    pub fn args(&self) -> Vec<(&'static str, ensemble_i18n::Arg)> {
        use ensemble_i18n::Arg;
        match self {
            ImportError::UnknownMember(member) => vec![("member", Arg::from(member.as_str()))],
            ImportError::Source(
                SourceError::Unreadable(cause) | SourceError::Malformed(cause) | SourceError::Io(cause),
            ) => {
                vec![("cause", Arg::from(cause.as_str()))]
            }
            ImportError::Source(_) => vec![],
            ImportError::Profile(ProfileError::Unknown(name)) => vec![("profile", Arg::from(name.as_str()))],
            ImportError::Profile(ProfileError::Invalid { name, detail }) => vec![
                ("profile", Arg::from(name.as_str())),
                ("cause", Arg::from(detail.as_str())),
            ],
            ImportError::NotDetected { headers, candidates } => {
                let best = candidates
                    .first()
                    .map(|c| format!("{} ({:.0} %)", c.name, c.confidence * 100.0))
                    .unwrap_or_else(|| "-".to_string());
                vec![("best", Arg::from(best)), ("headers", Arg::from(headers.join(" | ")))]
            }
            ImportError::ProfileFormat { profile, expected } => vec![
                ("profile", Arg::from(profile.as_str())),
                ("expected", Arg::from(expected.as_str())),
            ],
            ImportError::Refused(report) => vec![("count", Arg::from(report.rows_quarantined))],
            ImportError::Store(error) => vec![("cause", Arg::from(error.to_string()))],
        }
    }
}

/// Collects the outcome of each row: counts, diagnostics and quarantine.
pub struct Collector {
    /// The report being built.
    pub report: ImportReport,
    target: String,
    profile: String,
    quarantine: Vec<QuarantineEntry>,
    next_quarantine_id: i64,
    now: DateTime<FixedOffset>,
    /// The file's header of each mapped field, so that messages name the column the person sees.
    headers: std::collections::HashMap<String, String>,
}

impl Collector {
    fn new(report: ImportReport, target: &str, profile: &str, now: DateTime<FixedOffset>) -> Collector {
        let headers = report
            .columns
            .iter()
            .filter_map(|column| column.field.clone().map(|field| (field, column.header.clone())))
            .collect();
        Collector {
            headers,
            report,
            target: target.to_string(),
            profile: profile.to_string(),
            quarantine: Vec::new(),
            next_quarantine_id: 0,
            now,
        }
    }

    /// Counts one row's outcome; a rejected row goes to quarantine with `raw` (personal values
    /// already pseudonymised).
    pub fn outcome(
        &mut self,
        writer: &mut Writer<'_, '_>,
        row: u64,
        outcome: Outcome,
        raw: impl FnOnce() -> serde_json::Value,
        warnings: Vec<Diagnostic>,
    ) -> Result<(), StoreError> {
        self.report.rows_read += 1;
        let name_column = |mut diagnostic: Diagnostic| {
            if diagnostic.column.is_none() {
                diagnostic.column = self.headers.get(&diagnostic.field).cloned();
            }
            diagnostic
        };
        let warnings: Vec<Diagnostic> = warnings.into_iter().map(name_column).collect();
        let outcome = match outcome {
            Outcome::Rejected(problems) => Outcome::Rejected(problems.into_iter().map(name_column).collect()),
            other => other,
        };
        for warning in warnings {
            self.report.add_diagnostic(warning);
        }
        match outcome {
            Outcome::Imported => self.report.rows_imported += 1,
            Outcome::Skipped(notices) => {
                self.report.rows_skipped += 1;
                for notice in notices {
                    self.report.add_diagnostic(notice);
                }
            }
            Outcome::Rejected(problems) => {
                self.report.rows_quarantined += 1;
                if self.next_quarantine_id == 0 {
                    self.next_quarantine_id = writer.session().next_quarantine_id()?;
                }
                let id = self.next_quarantine_id;
                self.next_quarantine_id += 1;
                self.quarantine.push(QuarantineEntry {
                    id,
                    member_id: writer.member.id,
                    batch_id: writer.batch,
                    source_row: row as i64,
                    target: self.target.clone(),
                    profile: self.profile.clone(),
                    raw: raw(),
                    diagnostics: serde_json::to_value(&problems).unwrap_or_default(),
                    status: QUARANTINE_OPEN.to_string(),
                    record_id: None,
                    updated_at: self.now,
                });
                for problem in problems {
                    self.report.add_diagnostic(problem);
                }
                if self.quarantine.len() >= QUARANTINE_CHUNK {
                    self.flush(writer.session())?;
                }
            }
        }
        Ok(())
    }

    fn flush(&mut self, session: &mut Session<'_>) -> Result<(), StoreError> {
        session.insert_quarantine(&self.quarantine)?;
        self.quarantine.clear();
        Ok(())
    }
}

/// What a batch's note keeps: the profile (so quarantined rows can be replayed) and the summary.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct BatchNote {
    /// The profile used, whole.
    pub profile: Option<Profile>,
    /// The file's format.
    pub format: String,
    /// Rows read.
    pub rows_read: u64,
    /// Rows imported.
    pub rows_imported: u64,
    /// Rows quarantined.
    pub rows_quarantined: u64,
    /// Rows skipped.
    pub rows_skipped: u64,
}

/// The file name without its folders.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A table opened from a file, with what was learned about it.
struct Opened {
    table: Box<dyn Table + Send>,
    format: ProfileFormat,
}

fn open_table(
    path: &Path,
    format: Format,
    counting: &source::Counting,
    report: &mut ImportReport,
    records_path: Option<&str>,
) -> Result<Opened, ImportError> {
    match format {
        Format::Csv => {
            let table = CsvTable::open(path, counting.clone())?;
            report.delimiter = Some(match table.delimiter {
                b'\t' => "tab".to_string(),
                other => (other as char).to_string(),
            });
            report.encoding = Some(table.encoding);
            Ok(Opened {
                table: Box::new(table),
                format: ProfileFormat::Table,
            })
        }
        Format::Spreadsheet => {
            let (sheet, table) = crate::table::open_sheet(path)?;
            report.sheet = Some(sheet);
            Ok(Opened {
                table: Box::new(table),
                format: ProfileFormat::Table,
            })
        }
        _ => {
            let json = source::read_json(path)?;
            Ok(Opened {
                table: Box::new(json_table(&json, records_path.unwrap_or(""))?),
                format: ProfileFormat::Json,
            })
        }
    }
}

/// JSON records as a table: each object flattened to dotted paths (`event.id`, `offers.0.price`).
pub fn json_table(json: &serde_json::Value, records_path: &str) -> Result<MemoryTable, SourceError> {
    let mut node = json;
    for part in records_path.split('.').filter(|p| !p.is_empty()) {
        node = node.get(part).ok_or(SourceError::Empty)?;
    }
    let list = match node {
        serde_json::Value::Array(items) => items.as_slice(),
        serde_json::Value::Object(_) => std::slice::from_ref(node),
        _ => return Err(SourceError::Empty),
    };
    let mut headers: Vec<String> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = Default::default();
    let mut flat_rows = Vec::new();
    for item in list {
        let mut flat = Vec::new();
        flatten("", item, &mut flat);
        for (key, _) in &flat {
            if !index.contains_key(key) {
                index.insert(key.clone(), headers.len());
                headers.push(key.clone());
            }
        }
        flat_rows.push(flat);
    }
    let rows = flat_rows
        .into_iter()
        .enumerate()
        .map(|(number, flat)| {
            let mut cells = vec![String::new(); headers.len()];
            for (key, value) in flat {
                if let Some(&at) = index.get(&key) {
                    cells[at] = value;
                }
            }
            Record {
                row: number as u64 + 1,
                cells: cells.into(),
            }
        })
        .collect();
    if headers.is_empty() {
        return Err(SourceError::Empty);
    }
    Ok(MemoryTable::new(headers, rows))
}

fn flatten(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        }
    };
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                flatten(&join(key), value, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (position, value) in items.iter().enumerate() {
                flatten(&join(&position.to_string()), value, out);
            }
        }
        serde_json::Value::Null => {}
        serde_json::Value::String(text) => out.push((prefix.to_string(), text.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// Chooses the profile for a table.
fn choose_profile(
    choice: &ProfileChoice,
    headers: &[String],
    format: ProfileFormat,
    report: &mut ImportReport,
) -> Result<Profile, ImportError> {
    let built_in = Profile::built_in();
    let ranked = profile::rank(&built_in, headers, format);
    report.candidates = ranked.iter().take(3).cloned().collect();
    let chosen = match choice {
        ProfileChoice::Named(name) => Profile::find(name)?,
        ProfileChoice::Auto => {
            let best = ranked.first().filter(|best| best.confidence >= profile::AUTO_THRESHOLD);
            let Some(best) = best else {
                return Err(ImportError::NotDetected {
                    headers: headers.to_vec(),
                    candidates: report.candidates.clone(),
                });
            };
            report.confidence = Some(best.confidence);
            built_in
                .into_iter()
                .find(|p| p.name == best.name)
                .ok_or_else(|| ProfileError::Unknown(best.name.clone()))?
        }
    };
    if chosen.format != format {
        return Err(ImportError::ProfileFormat {
            profile: chosen.name.clone(),
            expected: match chosen.format {
                ProfileFormat::Table => "CSV / XLSX / ODS".to_string(),
                ProfileFormat::Json => "JSON".to_string(),
            },
        });
    }
    if report.confidence.is_none() {
        report.confidence = Some(chosen.confidence(headers));
    }
    Ok(chosen)
}

/// What runs inside an import's transaction once its batch is written and will be kept: the
/// actions layer appends the import's audit entry there, so that both are kept or neither.
pub type OnCommit<'a> = &'a mut dyn FnMut(&mut Session<'_>, &ImportReport) -> Result<(), StoreError>;

/// Imports one file for a member. With `dry_run`, or `strict` and a bad row, nothing is kept.
/// `on_commit` runs in the same transaction when the batch is kept.
pub fn import(
    store: &Store,
    key: &SecretKey,
    request: &ImportRequest<'_>,
    progress: &mut dyn FnMut(Progress),
    on_commit: OnCommit<'_>,
) -> Result<ImportReport, ImportError> {
    let path = request.path;
    let total_bytes = std::fs::metadata(path).map_err(SourceError::unreadable)?.len();
    let format = source::detect_format(path)?;
    let mut report = ImportReport {
        file_name: file_name(path),
        format: Some(format),
        dry_run: request.dry_run,
        ..Default::default()
    };
    let pseudonymizer = Pseudonymizer::new(key);
    let counting = source::Counting::new();
    match format {
        Format::JsonLd | Format::Datascene | Format::ScenePro | Format::Turtle | Format::NTriples | Format::RdfXml => {
            report.sha256 = source::sha256_file(path)?;
            let document = Document::read(path, format)?;
            let documents = |collector: &mut Collector, writer: &mut Writer<'_, '_>| {
                crate::documents::import(format, &document, &pseudonymizer, collector, writer)
            };
            return run_in_transaction(store, request, report, (None, format, None), documents, on_commit);
        }
        Format::Csv | Format::Spreadsheet | Format::Json => {}
    }
    // Profiles for JSON records say where the records are: try each JSON profile's path when
    // choosing automatically.
    let records_path = match (&request.profile, format) {
        (ProfileChoice::Named(name), Format::Json) => Some(Profile::find(name)?.records),
        _ => None,
    };
    if format != Format::Csv {
        report.sha256 = source::sha256_file(path)?;
    }
    let mut opened = open_table(path, format, &counting, &mut report, records_path.as_deref())?;
    if format == Format::Json && request.profile == ProfileChoice::Auto {
        // Re-open under the best JSON profile's records path.
        let json = source::read_json(path)?;
        let mut best: Option<(f64, Profile, MemoryTable)> = None;
        for profile in Profile::built_in()
            .into_iter()
            .filter(|p| p.format == ProfileFormat::Json)
        {
            if let Ok(table) = json_table(&json, &profile.records) {
                let confidence = profile.confidence(table.headers());
                if best.as_ref().is_none_or(|(c, _, _)| confidence > *c) {
                    best = Some((confidence, profile, table));
                }
            }
        }
        if let Some((_, _, table)) = best {
            opened.table = Box::new(table);
        }
    }
    let headers = opened.table.headers().to_vec();
    let profile = choose_profile(&request.profile, &headers, opened.format, &mut report)?;
    let bound = profile.bind(&headers);
    report.profile = Some(profile.name.clone());
    report.columns = headers
        .iter()
        .enumerate()
        .map(|(index, header)| ColumnUse {
            header: header.clone(),
            field: bound
                .iter()
                .find(|(_, at)| *at == index)
                .map(|(field, _)| field.clone()),
        })
        .collect();
    let today = request.now.date_naive();
    let header_count = headers.len();
    let csv_hash = (format == Format::Csv).then_some(&counting);
    run_in_transaction(
        store,
        request,
        report,
        (Some(&profile), format, csv_hash),
        |collector: &mut Collector, writer: &mut Writer<'_, '_>| {
            let mut context = Context::new(&profile, &pseudonymizer);
            let mut count = 0u64;
            // One thread reads, maps and pseudonymises rows while this one converts and writes
            // them: a bounded channel keeps memory flat whatever the file's size.
            let (sender, receiver) = std::sync::mpsc::sync_channel::<Result<Vec<Prepared>, SourceError>>(4);
            // Rows go back to the reading thread once converted, to be freed where they were
            // made: freed here, they cost the writing thread (the slower one) a tenth of its time.
            let (spent_sender, spent_receiver) = std::sync::mpsc::sync_channel::<Vec<Row>>(4);
            let table = &mut opened.table;
            let position = table_position(&**table);
            std::thread::scope(|scope| -> Result<(), ImportError> {
                // Owned here, so that leaving early (a writer error) drops it and frees the reader.
                let receiver = receiver;
                let reader = scope.spawn(|| {
                    read_rows(
                        &mut **table,
                        &bound,
                        &profile,
                        header_count,
                        &pseudonymizer,
                        today,
                        ReadingEnds {
                            rows: sender,
                            spent: spent_receiver,
                        },
                    );
                });
                for chunk in receiver.iter() {
                    let chunk = chunk?;
                    let mut spent = Vec::with_capacity(chunk.len());
                    for prepared in chunk {
                        let Prepared {
                            row,
                            warnings,
                            problem,
                            ticket,
                        } = prepared;
                        let outcome = match (problem, ticket) {
                            (Some(problem), _) => Outcome::Rejected(vec![problem]),
                            (None, Some(values)) => target::convert_ticket(&row, values, &mut context, writer)?,
                            (None, None) => target::convert(&row, &mut context, writer)?,
                        };
                        collector.outcome(writer, row.number, outcome, || row.to_json(), warnings)?;
                        spent.push(row);
                        count += 1;
                        if count.is_multiple_of(4096) {
                            progress(Progress {
                                rows: count,
                                bytes: position.as_ref().map_or(0, source::Counting::get),
                                total_bytes,
                            });
                        }
                    }
                    // When the reader is done or behind, the rows are freed here.
                    let _ = spent_sender.try_send(spent);
                }
                // A writer error ends the loop early: the reader stops at its next send.
                drop(receiver);
                // A reader that stopped by failing ended the rows early: nothing is kept, rather
                // than part of the file.
                if reader.join().is_err() {
                    return Err(SourceError::Io("reading stopped before the end of the file".to_string()).into());
                }
                Ok(())
            })?;
            progress(Progress {
                rows: count,
                bytes: total_bytes,
                total_bytes,
            });
            Ok(())
        },
        on_commit,
    )
}

/// A row read, mapped and pseudonymised, ready to convert.
struct Prepared {
    row: Row,
    warnings: Vec<Diagnostic>,
    /// A problem found before conversion (a row with the wrong number of cells).
    problem: Option<Diagnostic>,
    /// A ticket line's values, read on the reading thread.
    ticket: Option<target::TicketValues>,
}

/// Rows are handed from the reader to the writer in chunks of this many.
const READ_CHUNK: usize = 1024;

/// The byte counter of a streamed table, for progress.
fn table_position(table: &dyn Table) -> Option<source::Counting> {
    table.counter()
}

/// The reading thread's ends of its channels with the writing thread (dropped when it is done).
struct ReadingEnds {
    /// Chunks of prepared rows, or the read error that ends the file, to the writer.
    rows: std::sync::mpsc::SyncSender<Result<Vec<Prepared>, SourceError>>,
    /// Rows the writer has converted, back to be freed where they were made.
    spent: std::sync::mpsc::Receiver<Vec<Row>>,
}

/// Reads every row of a table, maps it to the target's fields and pseudonymises it, sending
/// chunks to the writer; stops at the first read error (sent too) or when the writer is gone.
fn read_rows(
    table: &mut dyn Table,
    bound: &[(String, usize)],
    profile: &Profile,
    header_count: usize,
    pseudonymizer: &Pseudonymizer,
    today: chrono::NaiveDate,
    ends: ReadingEnds,
) {
    let ReadingEnds { rows: sender, spent } = ends;
    let target = profile.target;
    let mut record = Record::default();
    let mut chunk = Vec::with_capacity(READ_CHUNK);
    loop {
        if chunk.is_empty() {
            // Rows the writer has converted are freed here, where they were made.
            while let Ok(rows) = spent.try_recv() {
                drop(rows);
            }
        }
        match table.next_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                let _ = sender.send(Err(error));
                return;
            }
        }
        let mut row = Row::new(target, record.row);
        for (field, index) in bound {
            row.set(field, record.cells.get(*index).map(str::to_string));
        }
        let mut warnings = target::privatize(&mut row, pseudonymizer, today);
        warnings.retain(|w| w.severity() != Severity::Error);
        let cells = record.cells.len();
        let short = cells < header_count && bound.iter().any(|(_, index)| *index >= cells);
        let long = cells > header_count && record.cells.iter().skip(header_count).any(|c| !c.trim().is_empty());
        let problem = (short || long).then(|| {
            Diagnostic::new(Code::RowLength, record.row, "")
                .with("found", cells.to_string())
                .with("expected", header_count.to_string())
        });
        let ticket =
            (problem.is_none() && target == Target::Tickets).then(|| target::read_ticket(&row, profile, pseudonymizer));
        chunk.push(Prepared {
            row,
            warnings,
            problem,
            ticket,
        });
        if chunk.len() == READ_CHUNK && sender.send(Ok(std::mem::take(&mut chunk))).is_err() {
            return;
        }
    }
    if !chunk.is_empty() {
        let _ = sender.send(Ok(chunk));
    }
}

/// Why an import's transaction ends without a commit.
enum Stop {
    /// A dry run or a refused file: the report stands, nothing is kept.
    Discard,
    /// A failure.
    Failed(ImportError),
}

impl From<ImportError> for Stop {
    fn from(error: ImportError) -> Self {
        Stop::Failed(error)
    }
}

impl From<StoreError> for Stop {
    fn from(error: StoreError) -> Self {
        Stop::Failed(ImportError::Store(error))
    }
}

/// How a file is read: its profile (none for documents), its format, and for a CSV file the
/// counter that hashes it as it is read.
type Reading<'a> = (Option<&'a Profile>, Format, Option<&'a source::Counting>);

/// Runs the rows through a writer in one transaction, then records the batch and runs
/// `on_commit`; rolls everything back for a dry run or a refused file.
fn run_in_transaction(
    store: &Store,
    request: &ImportRequest<'_>,
    report: ImportReport,
    (profile, format, streamed): Reading<'_>,
    rows: impl FnOnce(&mut Collector, &mut Writer<'_, '_>) -> Result<(), ImportError>,
    on_commit: OnCommit<'_>,
) -> Result<ImportReport, ImportError> {
    let target = profile.map_or(format.as_str(), |p| p.target.as_str());
    let profile_name = profile.map_or(format.as_str(), |p| p.name.as_str());
    let mut collector = Collector::new(report, target, profile_name, request.now);
    let outcome = store.write(|session| -> Result<(), Stop> {
        let member = session
            .member_by_slug(request.member)?
            .ok_or_else(|| ImportError::UnknownMember(request.member.to_string()))?;
        let batch_id = BatchId(session.next_id::<Batch>()?);
        let member_id = member.id;
        let mut writer = Writer::new(session, member, batch_id)?;
        rows(&mut collector, &mut writer)?;
        collector.report.tally = writer.finish()?;
        let session = writer.session();
        collector.flush(session)?;
        let report = &mut collector.report;
        if let Some(counting) = streamed {
            // A CSV file is hashed as it is read: the hash is known once the last row is.
            report.sha256 = counting.sha256();
        }
        report.earlier_batches = session
            .batches_of_file(member_id, &report.sha256)?
            .into_iter()
            .filter(|batch| batch.status == BatchStatus::Committed)
            .map(|batch| batch.id)
            .collect();
        let note = BatchNote {
            profile: profile.cloned(),
            format: format.as_str().to_string(),
            rows_read: report.rows_read,
            rows_imported: report.rows_imported,
            rows_quarantined: report.rows_quarantined,
            rows_skipped: report.rows_skipped,
        };
        session.insert(&[Batch {
            id: batch_id,
            kind: BatchKind::Import,
            file_name: Some(report.file_name.clone()),
            file_sha256: Some(report.sha256.clone()),
            created_at: request.now,
            status: BatchStatus::Committed,
            note: serde_json::to_string(&note).ok(),
            provenance: Provenance {
                member_id: Some(member_id),
                batch_id: None,
                source_row: None,
            },
        }])?;
        report.batch_id = Some(batch_id);
        report.refused = request.strict && report.rows_quarantined > 0;
        if request.dry_run || report.refused {
            // Everything was checked; nothing is kept.
            report.batch_id = None;
            return Err(Stop::Discard);
        }
        on_commit(session, report)?;
        Ok(())
    });
    match outcome {
        Ok(()) => Ok(collector.report),
        Err(Stop::Discard) if collector.report.refused && !request.dry_run => {
            Err(ImportError::Refused(Box::new(collector.report)))
        }
        Err(Stop::Discard) => Ok(collector.report),
        Err(Stop::Failed(error)) => Err(error),
    }
}

/// The profile a batch was imported with (kept in its note).
pub fn batch_profile(batch: &Batch) -> Option<Profile> {
    batch
        .note
        .as_deref()
        .and_then(|note| serde_json::from_str::<BatchNote>(note).ok())
        .and_then(|note| note.profile)
        .map(|mut profile| {
            profile.prepare();
            profile
        })
}

/// What a replay of quarantined rows did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReplayReport {
    /// Rows now imported.
    pub replayed: u64,
    /// Rows still failing, with their new diagnostics.
    pub still_failing: u64,
    /// Records created or linked.
    pub tally: Tally,
}

/// Why a quarantine operation cannot run.
#[derive(Debug, thiserror::Error)]
pub enum QuarantineError {
    /// No member has this short code.
    #[error("no member has the short code {0}")]
    UnknownMember(String),
    /// No open quarantined row of the member has this number.
    #[error("no open quarantined row {0}")]
    UnknownEntry(i64),
    /// The field does not exist for the row's target.
    #[error("unknown field {field}")]
    UnknownField {
        /// The field named.
        field: String,
        /// The fields of the target.
        known: Vec<String>,
    },
    /// Rows read from a JSON-LD or Datascène document are corrected in the file and re-imported.
    #[error("rows of documents are corrected in the file")]
    NotReplayable,
    /// Storage.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl QuarantineError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            QuarantineError::UnknownMember(_) => "import-member-unknown",
            QuarantineError::UnknownEntry(_) => "quarantine-entry-unknown",
            QuarantineError::UnknownField { .. } => "quarantine-field-unknown",
            QuarantineError::NotReplayable => "quarantine-not-replayable",
            QuarantineError::Store(error) => error.code(),
        }
    }
}

/// An open quarantined row with fields set (personal values pseudonymised as on import) and the
/// diagnostics it gets now, checked in a transaction that is rolled back: nothing is kept. Keep it
/// with [`keep_correction`].
pub fn prepare_correction(
    store: &Store,
    key: &SecretKey,
    member: &Member,
    entry_id: i64,
    fields: &[(String, String)],
    now: DateTime<FixedOffset>,
) -> Result<QuarantineEntry, QuarantineError> {
    let pseudonymizer = Pseudonymizer::new(key);
    let mut entry = store
        .read(|session| session.quarantine_any(member.id, None, Some(QUARANTINE_OPEN)))?
        .into_iter()
        .find(|entry| entry.id == entry_id)
        .ok_or(QuarantineError::UnknownEntry(entry_id))?;
    let target = Target::from_code(&entry.target).ok_or(QuarantineError::NotReplayable)?;
    let mut row = Row::from_json(target, entry.source_row as u64, &entry.raw);
    for (field, value) in fields {
        if !target.fields().iter().any(|f| f.name == field) {
            return Err(QuarantineError::UnknownField {
                field: field.to_string(),
                known: target.fields().iter().map(|f| f.name.to_string()).collect(),
            });
        }
        row.set(field, Some(value.to_string()));
    }
    target::privatize(&mut row, &pseudonymizer, now.date_naive());
    entry.raw = row.to_json();
    entry.updated_at = now;
    let diagnostics = check_entry(store, key, member, &entry)?;
    entry.diagnostics = serde_json::to_value(&diagnostics).unwrap_or_default();
    Ok(entry)
}

/// Keeps a prepared correction, if the row is still open; whether it now passes shows in its
/// diagnostics (an empty list).
pub fn keep_correction(
    session: &mut Session<'_>,
    member: &Member,
    entry: &QuarantineEntry,
) -> Result<(), QuarantineError> {
    open_entry(session, member, entry.id)?;
    session.update_quarantine(entry)?;
    Ok(())
}

fn open_entry(session: &mut Session<'_>, member: &Member, id: i64) -> Result<QuarantineEntry, QuarantineError> {
    session
        .quarantine_any(member.id, None, Some(QUARANTINE_OPEN))?
        .into_iter()
        .find(|entry| entry.id == id)
        .ok_or(QuarantineError::UnknownEntry(id))
}

/// The diagnostics a quarantined row would get now.
fn check_entry(
    store: &Store,
    key: &SecretKey,
    member: &Member,
    entry: &QuarantineEntry,
) -> Result<Vec<Diagnostic>, QuarantineError> {
    let pseudonymizer = Pseudonymizer::new(key);
    let member = member.clone();
    let result: Result<(), CheckStop> = store.write(|session| {
        let profile = profile_of_batch(session, entry.batch_id).map_err(CheckStop::Error)?;
        let mut writer = Writer::new(session, member, entry.batch_id).map_err(|e| CheckStop::Error(e.into()))?;
        let mut context = Context::new(&profile, &pseudonymizer);
        let row = Row::from_json(profile.target, entry.source_row as u64, &entry.raw);
        let outcome = target::convert(&row, &mut context, &mut writer).map_err(|e| CheckStop::Error(e.into()))?;
        // Never kept: the check is rolled back.
        Err(CheckStop::Done(match outcome {
            Outcome::Rejected(problems) => problems,
            _ => Vec::new(),
        }))
    });
    match result {
        Err(CheckStop::Done(diagnostics)) => Ok(diagnostics),
        Err(CheckStop::Error(error)) => Err(error),
        Ok(()) => Ok(Vec::new()),
    }
}

enum CheckStop {
    Done(Vec<Diagnostic>),
    Error(QuarantineError),
}

impl From<StoreError> for CheckStop {
    fn from(error: StoreError) -> Self {
        CheckStop::Error(QuarantineError::Store(error))
    }
}

fn profile_of_batch(session: &mut Session<'_>, batch: BatchId) -> Result<Profile, QuarantineError> {
    session
        .get_any::<Batch>(batch.0)?
        .as_ref()
        .and_then(batch_profile)
        .ok_or(QuarantineError::NotReplayable)
}

/// Imports the member's open quarantined rows again (all, or those numbered), into their original
/// batches; rows that pass are marked replayed, the others get their new diagnostics. Runs in the
/// caller's transaction.
pub fn replay(
    session: &mut Session<'_>,
    key: &SecretKey,
    member: &Member,
    ids: Option<&[i64]>,
    now: DateTime<FixedOffset>,
) -> Result<ReplayReport, QuarantineError> {
    let pseudonymizer = Pseudonymizer::new(key);
    {
        let entries: Vec<QuarantineEntry> = session
            .quarantine_any(member.id, None, Some(QUARANTINE_OPEN))?
            .into_iter()
            .filter(|entry| ids.is_none_or(|ids| ids.contains(&entry.id)))
            .collect();
        if let Some(ids) = ids
            && let Some(missing) = ids.iter().find(|id| !entries.iter().any(|e| e.id == **id))
        {
            return Err(QuarantineError::UnknownEntry(*missing));
        }
        let mut report = ReplayReport::default();
        let mut by_batch: BTreeMap<i64, Vec<QuarantineEntry>> = BTreeMap::new();
        for entry in entries {
            by_batch.entry(entry.batch_id.0).or_default().push(entry);
        }
        for (batch, entries) in by_batch {
            let profile = profile_of_batch(session, BatchId(batch))?;
            let mut writer = Writer::new(session, member.clone(), BatchId(batch))?;
            let mut context = Context::new(&profile, &pseudonymizer);
            let mut updates = Vec::new();
            for mut entry in entries {
                let row = Row::from_json(profile.target, entry.source_row as u64, &entry.raw);
                match target::convert(&row, &mut context, &mut writer)? {
                    Outcome::Imported | Outcome::Skipped(_) => {
                        entry.status = ensemble_store::QUARANTINE_REPLAYED.to_string();
                        entry.diagnostics = serde_json::Value::Array(Vec::new());
                        report.replayed += 1;
                    }
                    Outcome::Rejected(problems) => {
                        entry.diagnostics = serde_json::to_value(&problems).unwrap_or_default();
                        report.still_failing += 1;
                    }
                }
                entry.updated_at = now;
                updates.push(entry);
            }
            let tally = writer.finish()?;
            for (entity, count) in tally.created {
                *report.tally.created.entry(entity).or_default() += count;
            }
            for (entity, count) in tally.linked {
                *report.tally.linked.entry(entity).or_default() += count;
            }
            for entry in &updates {
                session.update_quarantine(entry)?;
            }
        }
        Ok(report)
    }
}

/// Marks open quarantined rows as dismissed: they stay listed but are not replayed. Runs in the
/// caller's transaction.
pub fn dismiss(
    session: &mut Session<'_>,
    member: &Member,
    ids: &[i64],
    now: DateTime<FixedOffset>,
) -> Result<u64, QuarantineError> {
    let mut dismissed = 0;
    for id in ids {
        let mut entry = open_entry(session, member, *id)?;
        entry.status = ensemble_store::QUARANTINE_DISMISSED.to_string();
        entry.updated_at = now;
        session.update_quarantine(&entry)?;
        dismissed += 1;
    }
    Ok(dismissed)
}
