//! `ensemble import`: import a member's file, list profiles and batches, roll back a batch, and
//! work through the quarantine.

use std::path::Path;
use std::time::Duration;

use clap::ArgMatches;
use ensemble_actions::{ActionError, Actor, imports};
use ensemble_i18n::{Arg, Lang, tr, tr_args};
use ensemble_ingest::{Diagnostic, ImportReport, ImportRequest, Profile, ProfileChoice, Severity};
use ensemble_model::{Batch, BatchId, BatchKind, Member};
use ensemble_privacy::SecretKey;
use ensemble_store::{ListFilter, Store};
use indicatif::{ProgressBar, ProgressStyle};

use crate::commands::{entity_label, group_digits, open_store};
use crate::output::Failure;

/// At most this many diagnostics are printed; all are in `--json` and in the quarantine.
const PRINTED_DIAGNOSTICS: usize = 20;

/// Diagnostics that are only counted on screen.
const NOTICE_CODES: &[&str] = &["ticket-cancelled", "node-skipped", "context-assumed", "type-inferred"];

/// Runs `ensemble import` or one of its subcommands.
pub fn run(lang: Lang, url: &str, key_file: &Path, matches: &ArgMatches) -> Result<(), Failure> {
    match matches.subcommand() {
        Some(("profiles", sub)) => profiles(lang, sub.get_flag("json")),
        Some(("batches", sub)) => batches(lang, url, member(sub), sub.get_flag("json")),
        Some(("rollback", sub)) => rollback(lang, url, member(sub), number(sub, "batch")),
        Some(("quarantine", sub)) => quarantine(lang, url, sub),
        Some(("correct", sub)) => correct(lang, url, key_file, sub),
        Some(("replay", sub)) => replay(lang, url, key_file, sub),
        Some(("dismiss", sub)) => dismiss(lang, url, sub),
        _ => import(lang, url, key_file, matches),
    }
}

fn member(matches: &ArgMatches) -> &str {
    matches.get_one::<String>("member").map_or("", String::as_str)
}

fn number(matches: &ArgMatches, id: &str) -> i64 {
    matches.get_one::<i64>(id).copied().unwrap_or_default()
}

fn numbers(matches: &ArgMatches) -> Vec<i64> {
    matches
        .get_many::<i64>("entries")
        .map(|values| values.copied().collect())
        .unwrap_or_default()
}

fn import(lang: Lang, url: &str, key_file: &Path, matches: &ArgMatches) -> Result<(), Failure> {
    let path = matches
        .get_one::<String>("file")
        .map(Path::new)
        .unwrap_or(Path::new(""));
    let profile = match matches.get_one::<String>("profile").map(String::as_str) {
        None | Some("auto") => ProfileChoice::Auto,
        Some(name) => ProfileChoice::Named(name.to_string()),
    };
    let json = matches.get_flag("json");
    let store = open_store(lang, url)?;
    let key = SecretKey::load_file(key_file)?;
    let actor = operator()?;
    let member = find_member(&store, self::member(matches))?;
    let request = ImportRequest {
        member: &member.slug,
        path,
        profile,
        dry_run: matches.get_flag("dry-run"),
        strict: matches.get_flag("strict"),
        now: actor.clock.local_now(),
    };
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {percent} % · {human_pos} · {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(tr(lang, "import-progress"));
    bar.enable_steady_tick(Duration::from_millis(200));
    let result = imports::import(&store, &key, &actor, &member, &request, &mut |progress| {
        if progress.total_bytes > 0 && progress.bytes > 0 {
            bar.set_length(progress.total_bytes);
            bar.set_position(progress.bytes.min(progress.total_bytes));
        }
    });
    bar.finish_and_clear();
    let report = match result {
        Ok(report) => report,
        Err(ActionError::Import(error)) => {
            if let ensemble_ingest::ImportError::Refused(report) = &*error {
                print_report(lang, request.member, report, json);
            }
            return Err(Failure::Import(error));
        }
        Err(error) => return Err(error.into()),
    };
    print_report(lang, request.member, &report, json);
    Ok(())
}

/// A diagnostic with its message and fix in the chosen language.
fn diagnostic_json(lang: Lang, diagnostic: &Diagnostic) -> serde_json::Value {
    let mut value = serde_json::to_value(diagnostic).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert(
            "severity".into(),
            serde_json::to_value(diagnostic.severity()).unwrap_or_default(),
        );
        object.insert("message".into(), diagnostic.message(lang).into());
        object.insert("fix".into(), diagnostic.fix(lang).into());
    }
    value
}

fn counts(lang: Lang, map: &std::collections::BTreeMap<&'static str, u64>) -> String {
    map.iter()
        .map(|(entity, count)| format!("{} {}", entity_label(lang, entity), group_digits(*count, lang)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_report(lang: Lang, member: &str, report: &ImportReport, json: bool) {
    if json {
        let mut value = serde_json::to_value(report).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            let diagnostics: Vec<serde_json::Value> =
                report.diagnostics.iter().map(|d| diagnostic_json(lang, d)).collect();
            object.insert("diagnostics".into(), diagnostics.into());
        }
        say!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
        return;
    }
    say!(
        "{}",
        tr_args(
            lang,
            "import-heading",
            &[("file", Arg::from(report.file_name.as_str()))]
        )
    );
    if let Some(format) = report.format {
        let mut detail = format.as_str().to_string();
        if let Some(sheet) = &report.sheet {
            detail.push_str(&format!(" · {sheet}"));
        }
        if let (Some(delimiter), Some(encoding)) = (&report.delimiter, report.encoding) {
            let encoding = serde_json::to_value(encoding)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            detail.push_str(&format!(" · « {delimiter} » · {encoding}"));
        }
        say!("{}", tr_args(lang, "import-format", &[("format", Arg::from(detail))]));
    }
    if let Some(profile) = &report.profile {
        let confidence = report.confidence.map_or(0, |c| (c * 100.0).round() as u64);
        say!(
            "{}",
            tr_args(
                lang,
                "import-profile",
                &[
                    ("profile", Arg::from(profile.as_str())),
                    ("confidence", Arg::from(confidence))
                ]
            )
        );
    }
    let ignored: Vec<&str> = report
        .columns
        .iter()
        .filter(|c| c.field.is_none() && !c.header.is_empty())
        .map(|c| c.header.as_str())
        .collect();
    if !ignored.is_empty() {
        say!(
            "{}",
            tr_args(
                lang,
                "import-columns-ignored",
                &[("columns", Arg::from(ignored.join(", ")))]
            )
        );
    }
    say!(
        "{}",
        tr_args(
            lang,
            "import-summary",
            &[
                ("read", Arg::from(group_digits(report.rows_read, lang))),
                ("imported", Arg::from(group_digits(report.rows_imported, lang))),
                ("quarantined", Arg::from(group_digits(report.rows_quarantined, lang))),
                ("skipped", Arg::from(group_digits(report.rows_skipped, lang))),
            ]
        )
    );
    for (key, map) in [
        ("import-created", &report.tally.created),
        ("import-linked", &report.tally.linked),
        ("import-updated", &report.tally.updated),
        ("import-already", &report.tally.already_imported),
    ] {
        if !map.is_empty() {
            say!("{}", tr_args(lang, key, &[("list", Arg::from(counts(lang, map)))]));
        }
    }
    // Errors and warnings one by one (the first ones); notices counted by code.
    let shown: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity() != Severity::Notice)
        .collect();
    let total: u64 = report
        .diagnostic_counts
        .iter()
        .filter(|(code, _)| !NOTICE_CODES.contains(&code.as_str()))
        .map(|(_, count)| count)
        .sum();
    if total > 0 {
        say!(
            "{}",
            tr_args(lang, "import-diagnostics", &[("count", Arg::from(total))])
        );
        for diagnostic in shown.iter().take(PRINTED_DIAGNOSTICS) {
            let severity = ensemble_ingest::diagnostic::severity_label(diagnostic.severity(), lang);
            say!(
                "  [{severity} {}] {}",
                diagnostic.code.as_str(),
                diagnostic.message(lang)
            );
            say!("      {} : {}", tr(lang, "import-fix"), diagnostic.fix(lang));
        }
        let more = total.saturating_sub(PRINTED_DIAGNOSTICS as u64);
        if more > 0 {
            say!(
                "{}",
                tr_args(
                    lang,
                    "import-diagnostics-more",
                    &[("count", Arg::from(more)), ("member", Arg::from(member))]
                )
            );
        }
    }
    for code in NOTICE_CODES {
        if let Some(count) = report.diagnostic_counts.get(*code) {
            say!(
                "{}",
                tr_args(lang, &format!("import-{code}-count"), &[("count", Arg::from(*count))])
            );
        }
    }
    for links in &report.referential {
        say!("{}", links.describe(lang));
    }
    if !report.earlier_batches.is_empty() {
        let batches: Vec<String> = report.earlier_batches.iter().map(|b| b.0.to_string()).collect();
        say!(
            "{}",
            tr_args(lang, "import-earlier", &[("batches", Arg::from(batches.join(", ")))])
        );
    }
    match report.batch_id {
        Some(batch) => say!(
            "{}",
            tr_args(
                lang,
                "import-batch",
                &[("batch", Arg::from(batch.0)), ("member", Arg::from(member))]
            )
        ),
        None if report.dry_run => say!("{}", tr(lang, "import-dry-run")),
        None => {}
    }
}

fn profiles(lang: Lang, json: bool) -> Result<(), Failure> {
    let profiles = Profile::built_in();
    if json {
        say!("{}", serde_json::to_string_pretty(&profiles).unwrap_or_default());
        return Ok(());
    }
    say!("{}", tr(lang, "profiles-heading"));
    for profile in profiles {
        say!(
            "  {:<34} {:<13} {}",
            profile.name,
            profile.target.as_str(),
            profile.label(lang)
        );
    }
    Ok(())
}

fn member_id(store: &Store, slug: &str) -> Result<ensemble_model::MemberId, Failure> {
    find_member(store, slug).map(|member| member.id)
}

fn find_member(store: &Store, slug: &str) -> Result<Member, Failure> {
    store
        .read(|session| session.member_by_slug(slug))?
        .ok_or_else(|| Failure::Import(Box::new(ensemble_ingest::ImportError::UnknownMember(slug.to_string()))))
}

/// The command line's operator, by the consortium's clock.
fn operator() -> Result<Actor, Failure> {
    Ok(Actor::operator(crate::commands::clock()?))
}

fn batches(lang: Lang, url: &str, slug: &str, json: bool) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let member = member_id(&store, slug)?;
    let batches: Vec<Batch> = store
        .list_any::<Batch>(&ListFilter {
            member_id: Some(member),
            ..Default::default()
        })?
        .into_iter()
        .filter(|batch| batch.kind == BatchKind::Import)
        .collect();
    if json {
        say!("{}", serde_json::to_string_pretty(&batches).unwrap_or_default());
        return Ok(());
    }
    say!("{}", tr_args(lang, "batches-heading", &[("member", Arg::from(slug))]));
    if batches.is_empty() {
        say!("{}", tr(lang, "batches-empty"));
    }
    for batch in batches {
        let status = if lang == Lang::Fr {
            batch.status.label_fr()
        } else {
            batch.status.label_en()
        };
        let kind = if lang == Lang::Fr {
            batch.kind.label_fr()
        } else {
            batch.kind.label_en()
        };
        say!(
            "  {}",
            tr_args(
                lang,
                "batches-row",
                &[
                    ("batch", Arg::from(batch.id.0)),
                    ("kind", Arg::from(kind)),
                    ("status", Arg::from(status)),
                    ("date", Arg::from(batch.created_at.format("%Y-%m-%d %H:%M").to_string())),
                    ("file", Arg::from(batch.file_name.unwrap_or_default())),
                ]
            )
        );
    }
    Ok(())
}

fn rollback(lang: Lang, url: &str, slug: &str, batch: i64) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let member = find_member(&store, slug)?;
    let removed = match imports::roll_back(&store, &operator()?, &member, batch) {
        Err(ActionError::Refused("batch-unknown")) => return Err(Failure::UnknownBatch(batch)),
        other => other?,
    };
    say!(
        "{}",
        tr_args(
            lang,
            "batches-rolled-back",
            &[("batch", Arg::from(batch)), ("count", Arg::from(removed))]
        )
    );
    Ok(())
}

fn quarantine(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let slug = member(matches);
    let member = member_id(&store, slug)?;
    let batch = matches.get_one::<i64>("batch").map(|b| BatchId(*b));
    let status = (!matches.get_flag("all")).then_some(ensemble_store::QUARANTINE_OPEN);
    let entries = store.read(|session| session.quarantine_any(member, batch, status))?;
    if matches.get_flag("json") {
        say!("{}", serde_json::to_string_pretty(&entries).unwrap_or_default());
        return Ok(());
    }
    say!(
        "{}",
        tr_args(
            lang,
            "quarantine-heading",
            &[("member", Arg::from(slug)), ("count", Arg::from(entries.len()))]
        )
    );
    if entries.is_empty() {
        say!("{}", tr(lang, "quarantine-empty"));
    }
    for entry in entries {
        say!(
            "  {}",
            tr_args(
                lang,
                "quarantine-row",
                &[
                    ("entry", Arg::from(entry.id)),
                    ("batch", Arg::from(entry.batch_id.0)),
                    ("row", Arg::from(entry.source_row)),
                    ("status", Arg::from(entry.status.as_str())),
                ]
            )
        );
        if let Some(values) = entry.raw.as_object() {
            let shown: Vec<String> = values
                .iter()
                .map(|(field, value)| format!("{field}={}", value.as_str().unwrap_or_default()))
                .collect();
            say!("      {}", shown.join(" · "));
        }
        let diagnostics: Vec<Diagnostic> = serde_json::from_value(entry.diagnostics).unwrap_or_default();
        for diagnostic in diagnostics {
            say!("      [{}] {}", diagnostic.code.as_str(), diagnostic.message(lang));
            say!("        {} : {}", tr(lang, "import-fix"), diagnostic.fix(lang));
        }
    }
    Ok(())
}

fn correct(lang: Lang, url: &str, key_file: &Path, matches: &ArgMatches) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let key = SecretKey::load_file(key_file)?;
    let member = find_member(&store, self::member(matches))?;
    let entry = number(matches, "entry");
    let fields: Vec<(String, String)> = matches
        .get_many::<String>("assignment")
        .into_iter()
        .flatten()
        .map(|assignment| {
            let (field, value) = assignment.split_once('=').unwrap_or((assignment.as_str(), ""));
            (field.trim().to_string(), value.to_string())
        })
        .collect();
    let line = match imports::correct(&store, &key, &operator()?, &member, entry, &fields)? {
        imports::Corrected::Imported => tr_args(lang, "quarantine-corrected-imported", &[("entry", Arg::from(entry))]),
        imports::Corrected::StillFailing(remaining) => tr_args(
            lang,
            "quarantine-corrected",
            &[("entry", Arg::from(entry)), ("remaining", Arg::from(remaining))],
        ),
    };
    say!("{line}");
    Ok(())
}

fn replay(lang: Lang, url: &str, key_file: &Path, matches: &ArgMatches) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let key = SecretKey::load_file(key_file)?;
    let ids = numbers(matches);
    let ids = (!ids.is_empty()).then_some(ids);
    let member = find_member(&store, self::member(matches))?;
    let report = imports::replay(&store, &key, &operator()?, &member, ids.as_deref())?;
    say!(
        "{}",
        tr_args(
            lang,
            "quarantine-replayed",
            &[
                ("replayed", Arg::from(report.replayed)),
                ("failing", Arg::from(report.still_failing))
            ]
        )
    );
    Ok(())
}

fn dismiss(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let member = find_member(&store, self::member(matches))?;
    let count = imports::dismiss(&store, &operator()?, &member, &numbers(matches))?;
    say!(
        "{}",
        tr_args(lang, "quarantine-dismissed", &[("count", Arg::from(count))])
    );
    Ok(())
}
