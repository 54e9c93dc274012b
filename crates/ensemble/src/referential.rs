//! `ensemble referential dedupe`: a file of records (organisations, places, people or shows)
//! resolved into entities by the same engine and settings as intake.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use clap::ArgMatches;
use ensemble_i18n::{Arg, Lang, tr, tr_args};
use ensemble_referential::{Decision, Kind, Record, Settings};

use crate::output::Failure;

/// The largest file read, in bytes.
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
/// The most records resolved at once.
const MAX_RECORDS: usize = 500_000;
/// The longest value of one column, in characters.
const MAX_FIELD_CHARS: usize = 2_000;

/// The columns read; others are ignored. `record_id` and `name` are required.
const COLUMNS: [&str; 14] = [
    "record_id",
    "source",
    "name",
    "alt_names",
    "street",
    "locality",
    "region",
    "postal_code",
    "lat",
    "lon",
    "url",
    "operator",
    "parent_place",
    "identifiers",
];

/// A row left out, with why.
struct Rejected {
    line: u64,
    record_id: String,
    code: &'static str,
}

fn given(code: &'static str, value: impl Into<String>) -> Failure {
    Failure::Given {
        code,
        value: value.into(),
    }
}

/// Reads the records of `path`: each row a record, rows that cannot be one set aside.
fn read(path: &Path) -> Result<(Vec<Record>, Vec<Rejected>), Failure> {
    let unreadable = |_| given("dedupe-file-unreadable", path.display().to_string());
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > MAX_FILE_BYTES {
        return Err(given(
            "dedupe-file-too-large",
            (MAX_FILE_BYTES / 1024 / 1024).to_string(),
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|_| given("dedupe-file-unreadable", path.display().to_string()))?;
    let headers = reader
        .headers()
        .map_err(|_| given("dedupe-file-unreadable", path.display().to_string()))?
        .clone();
    let position: Vec<Option<usize>> = COLUMNS
        .iter()
        .map(|column| {
            headers
                .iter()
                .position(|h| h.trim().trim_start_matches('\u{feff}') == *column)
        })
        .collect();
    let missing: Vec<&str> = ["record_id", "name"]
        .into_iter()
        .filter(|column| position[COLUMNS.iter().position(|c| c == column).unwrap_or(0)].is_none())
        .collect();
    if !missing.is_empty() {
        return Err(given("dedupe-columns-missing", missing.join(", ")));
    }
    let mut records = Vec::new();
    let mut rejected = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for row in reader.records() {
        let row = row.map_err(|_| given("dedupe-file-unreadable", path.display().to_string()))?;
        let line = row.position().map_or(0, |p| p.line());
        let value = |column: &str| {
            let index = COLUMNS.iter().position(|c| *c == column).and_then(|i| position[i]);
            index
                .and_then(|i| row.get(i))
                .map(str::trim)
                .unwrap_or_default()
                .to_string()
        };
        let record_id = value("record_id");
        let reject = |code| Rejected {
            line,
            record_id: record_id.chars().take(80).collect(),
            code,
        };
        if row.iter().any(|field| field.chars().count() > MAX_FIELD_CHARS) {
            rejected.push(reject("dedupe-field-too-long"));
            continue;
        }
        if record_id.is_empty() {
            rejected.push(reject("dedupe-record-id-missing"));
            continue;
        }
        if value("name").is_empty() {
            rejected.push(reject("dedupe-name-missing"));
            continue;
        }
        if !seen.insert(record_id.clone()) {
            rejected.push(reject("dedupe-record-id-duplicate"));
            continue;
        }
        if records.len() == MAX_RECORDS {
            return Err(given("dedupe-too-many-records", MAX_RECORDS.to_string()));
        }
        let optional = |column: &str| Some(value(column)).filter(|v| !v.is_empty());
        let coordinates = match (value("lat").parse::<f64>(), value("lon").parse::<f64>()) {
            (Ok(lat), Ok(lon)) if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) => Some((lat, lon)),
            _ => None,
        };
        let list = |column: &str| -> Vec<String> {
            value(column)
                .split('|')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(String::from)
                .collect()
        };
        records.push(Record {
            id: record_id.clone(),
            source: value("source"),
            name: value("name"),
            alt_names: list("alt_names"),
            street: optional("street"),
            locality: optional("locality"),
            region: optional("region"),
            postal_code: optional("postal_code"),
            coordinates,
            url: optional("url"),
            operator: optional("operator"),
            parent_place: optional("parent_place"),
            container: None,
            identifiers: list("identifiers")
                .into_iter()
                .filter_map(|id| id.split_once(':').map(|(r, v)| (r.to_string(), v.to_string())))
                .collect(),
        });
    }
    Ok((records, rejected))
}

fn writer(path: &Path) -> Result<csv::Writer<std::fs::File>, Failure> {
    csv::Writer::from_path(path).map_err(|error| Failure::Write {
        path: path.to_path_buf(),
        cause: std::io::Error::other(error.to_string()),
    })
}

fn written(path: &Path) -> impl Fn(csv::Error) -> Failure + '_ {
    move |error| Failure::Write {
        path: path.to_path_buf(),
        cause: std::io::Error::other(error.to_string()),
    }
}

/// The file beside `output` that lists the rows left out: `NAME-rejected.csv`.
fn rejected_path(output: &Path) -> PathBuf {
    let stem = output
        .file_stem()
        .map_or_else(|| "dedupe".into(), |s| s.to_string_lossy().into_owned());
    output.with_file_name(format!("{stem}-rejected.csv"))
}

/// `ensemble referential dedupe --kind KIND IN.csv --output OUT.csv [--pairs PAIRS.csv]
/// [--candidates CANDIDATES.csv]`.
pub fn dedupe(lang: Lang, matches: &ArgMatches) -> Result<(), Failure> {
    let kind_code = matches.get_one::<String>("dedupe-kind").cloned().unwrap_or_default();
    let kind = Kind::from_code(&kind_code).ok_or_else(|| given("dedupe-kind-unknown", kind_code))?;
    let input = matches.get_one::<PathBuf>("dedupe-input").cloned().unwrap_or_default();
    let output = matches.get_one::<PathBuf>("dedupe-output").cloned().unwrap_or_default();
    let (records, rejected) = read(&input)?;
    let resolution = ensemble_referential::resolve(&records, &Settings::new(kind));

    let mut out = writer(&output)?;
    out.write_record(["record_id", "entity_id", "probability"])
        .map_err(written(&output))?;
    for (index, record) in records.iter().enumerate() {
        let entity = &records[resolution.entity[index]].id;
        let probability = format!("{:.4}", resolution.probability[index]);
        out.write_record([record.id.as_str(), entity.as_str(), probability.as_str()])
            .map_err(written(&output))?;
    }
    out.flush().map_err(|cause| Failure::Write {
        path: output.clone(),
        cause,
    })?;

    if let Some(pairs_path) = matches.get_one::<PathBuf>("dedupe-pairs") {
        let prepared = ensemble_referential::compare::Prepared::new(&records, kind);
        let mut pairs = writer(pairs_path)?;
        pairs
            .write_record(["left_id", "right_id", "probability", "decision", "evidence"])
            .map_err(written(pairs_path))?;
        for pair in &resolution.pairs {
            let evidence = resolution
                .model
                .evidence(&prepared.compare(pair.left, pair.right))
                .iter()
                .map(|e| format!("{}={}:{:+.1}", e.field, e.level, e.weight))
                .collect::<Vec<_>>()
                .join(" ");
            let decision = match pair.decision {
                Decision::Linked => "linked",
                Decision::Review => "review",
                Decision::HeldApart => "held-apart",
                Decision::Apart => "apart",
            };
            pairs
                .write_record([
                    records[pair.left].id.as_str(),
                    records[pair.right].id.as_str(),
                    &format!("{:.4}", pair.probability),
                    decision,
                    &evidence,
                ])
                .map_err(written(pairs_path))?;
        }
        pairs.flush().map_err(|cause| Failure::Write {
            path: pairs_path.clone(),
            cause,
        })?;
    }

    if let Some(path) = matches.get_one::<PathBuf>("dedupe-candidates") {
        // The pairs blocking gives the scoring, as the engine makes them: to measure its recall.
        let prepared = ensemble_referential::compare::Prepared::new(&records, kind);
        let blocks = ensemble_referential::block::candidates(&prepared, Settings::new(kind).max_block);
        let mut file = writer(path)?;
        file.write_record(["record_id_l", "record_id_r"])
            .map_err(written(path))?;
        for &(left, right) in &blocks.pairs {
            file.write_record([records[left].id.as_str(), records[right].id.as_str()])
                .map_err(written(path))?;
        }
        file.flush().map_err(|cause| Failure::Write {
            path: path.clone(),
            cause,
        })?;
    }

    let rejected_file = rejected_path(&output);
    if rejected.is_empty() {
        let _ = std::fs::remove_file(&rejected_file);
    } else {
        let mut file = writer(&rejected_file)?;
        file.write_record(["line", "record_id", "code", "reason"])
            .map_err(written(&rejected_file))?;
        for row in &rejected {
            file.write_record([
                row.line.to_string().as_str(),
                row.record_id.as_str(),
                row.code,
                tr(lang, &format!("error-{}", row.code)).as_str(),
            ])
            .map_err(written(&rejected_file))?;
        }
        file.flush().map_err(|cause| Failure::Write {
            path: rejected_file.clone(),
            cause,
        })?;
    }

    let entities = {
        let mut ids: Vec<usize> = resolution.entity.clone();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    };
    let review = resolution
        .pairs
        .iter()
        .filter(|p| p.decision == Decision::Review)
        .count();
    say!(
        "{}",
        tr_args(
            lang,
            "cli-dedupe-done",
            &[
                ("records", Arg::from(records.len())),
                ("entities", Arg::from(entities)),
                ("review", Arg::from(review)),
                ("conflicts", Arg::from(resolution.conflicts.len())),
                ("output", Arg::from(output.display().to_string())),
            ],
        )
    );
    if !rejected.is_empty() {
        say!(
            "{}",
            tr_args(
                lang,
                "cli-dedupe-rejected",
                &[
                    ("count", Arg::from(rejected.len())),
                    ("file", Arg::from(rejected_file.display().to_string())),
                ],
            )
        );
    }
    Ok(())
}

/// What `referential run --kind` names: its code, and the table.
pub const RUN_KINDS: [(&str, &str); 6] = [
    ("organization", "organizations"),
    ("place", "places"),
    ("hall", "halls"),
    ("group", "performing_groups"),
    ("person", "persons"),
    ("show", "shows"),
];

/// `ensemble referential run [--kind organization|place|hall|group|person|show]`: works the
/// shared referential out again from the catalogue (every kind without `--kind`, as one audited
/// step), keeping people's decisions.
pub fn run(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let store = crate::commands::open_store(lang, url)?;
    let actor = ensemble_actions::Actor::operator(crate::commands::clock()?);
    let chosen = matches
        .get_one::<String>("referential-table")
        .and_then(|code| RUN_KINDS.iter().find(|(c, _)| c == code))
        .map(|(_, table)| *table);
    let summaries = match chosen {
        Some(table) => vec![ensemble_actions::referential::run(&store, &actor, table)?],
        None => ensemble_actions::referential::run_all(&store, &actor)?,
    };
    for summary in summaries {
        say!(
            "{}",
            tr_args(
                lang,
                "cli-referential-run",
                &[
                    (
                        "table",
                        Arg::from(tr(lang, &format!("cli-referential-table-{}", summary.table)))
                    ),
                    ("records", Arg::from(summary.records)),
                    ("entities", Arg::from(summary.entities)),
                    ("new", Arg::from(summary.new_entities)),
                    ("review", Arg::from(summary.review)),
                    ("provisional", Arg::from(summary.provisional)),
                    ("held", Arg::from(summary.held_apart)),
                    ("conflicts", Arg::from(summary.conflicts)),
                ],
            )
        );
    }
    Ok(())
}
