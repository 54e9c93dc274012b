//! The subcommands: each reads its arguments, calls a library crate and prints the result.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::ArgMatches;
use ensemble_actions::{ActionError, Actor};
use ensemble_demo::{DemoConfig, Progress, Scale, Step};
use ensemble_i18n::{Arg, Lang, tr, tr_args};
use ensemble_model::{Member, Organization};
use ensemble_privacy::SecretKey;
use ensemble_store::{ListFilter, Location, Store};
use indicatif::{ProgressBar, ProgressStyle};

use crate::output::Failure;

/// Runs the chosen subcommand.
pub fn run(lang: Lang, matches: &ArgMatches) -> Result<(), Failure> {
    let url = matches
        .get_one::<String>("database")
        .cloned()
        .unwrap_or_else(|| ensemble_store::DEFAULT_DATABASE_URL.to_string());
    let key_file = matches
        .get_one::<String>("key-file")
        .map(PathBuf::from)
        .unwrap_or_else(|| default_key_file(&url));
    match matches.subcommand() {
        Some(("init", sub)) => init(lang, &url, &key_file, sub),
        Some(("diagnostic", sub)) => match sub.subcommand() {
            Some(("report", report)) => crate::people::diagnostic_report(lang, &url, report),
            _ => Ok(()),
        },
        Some(("backup", sub)) => match sub.subcommand() {
            Some(("verify", verify)) => crate::people::backup_verify(lang, verify),
            _ => crate::people::backup(lang, &url, sub),
        },
        Some(("restore", sub)) => crate::people::restore(lang, &url, sub),
        Some(("member", sub)) => match sub.subcommand() {
            Some(("add", add)) => crate::people::member_add(lang, &url, add),
            Some(("list", list)) => crate::people::member_list(lang, &url, list.get_flag("json")),
            _ => Ok(()),
        },
        Some(("user", sub)) => match sub.subcommand() {
            Some(("add", add)) => crate::people::user_add(lang, &url, add),
            Some(("disable", disable)) => crate::people::user_disable(lang, &url, disable),
            Some(("password", password)) => crate::people::user_password(lang, &url, password),
            _ => Ok(()),
        },
        Some(("demo", sub)) => demo(lang, &url, &key_file, sub),
        Some(("referential", sub)) => match sub.subcommand() {
            Some(("dedupe", dedupe)) => crate::referential::dedupe(lang, dedupe),
            Some(("run", run)) => crate::referential::run(lang, &url, run),
            _ => Ok(()),
        },
        Some(("publish", sub)) => match sub.subcommand() {
            Some(("show", show)) => crate::publish::show(lang, &url, show),
            Some(("people", people)) => crate::publish::people(lang, &url, people),
            Some(("consent", consent)) => crate::publish::consent(lang, &url, consent),
            _ => crate::publish::write(lang, &url, sub),
        },
        Some(("stats", sub)) => stats(lang, &url, sub.get_flag("json")),
        Some(("barometer", sub)) => crate::pooled::barometer(lang, &url, sub),
        Some(("audience", sub)) => crate::pooled::audience(lang, &url, sub),
        Some(("import", sub)) => crate::intake::run(lang, &url, &key_file, sub),
        Some(("serve", sub)) => serve(lang, &url, &key_file, sub),
        Some(("purge", sub)) => purge(lang, &url, sub),
        Some(("report", sub)) => report(lang, &url, sub),
        Some(("tour", sub)) => match sub.subcommand() {
            Some(("plan", plan)) => crate::touring::plan(lang, &url, plan),
            _ => Ok(()),
        },
        Some(("retention", sub)) => match sub.subcommand() {
            Some(("list", list)) => retention_list(lang, &url, list.get_flag("json")),
            Some(("set", set)) => retention_set(lang, &url, set),
            _ => Ok(()),
        },
        Some(("disclosure", sub)) => match sub.subcommand() {
            Some(("show", show)) => disclosure_show(lang, &url, show.get_flag("json")),
            Some(("set", set)) => disclosure_set(lang, &url, set),
            _ => Ok(()),
        },
        Some(("audit", sub)) => match sub.subcommand() {
            Some(("verify", verify)) => audit_verify(lang, &url, verify),
            Some(("list", list)) => audit_list(lang, &url, list),
            _ => Ok(()),
        },
        Some(("model", sub)) => match sub.subcommand() {
            Some(("docs", docs)) => model_docs(lang, docs),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

/// The key file beside a SQLite database (`ensemble.db` -> `ensemble.key`), else in the current folder.
/// The consortium's clock: its time zone from `ENSEMBLE_TIME_ZONE` (Québec's by default).
pub fn clock() -> Result<ensemble_actions::Clock, Failure> {
    Ok(ensemble_actions::Clock::from_environment()?)
}

fn default_key_file(url: &str) -> PathBuf {
    match Location::parse(url) {
        Ok(Location::SqliteFile(path)) => path.with_extension("key"),
        _ => PathBuf::from("ensemble.key"),
    }
}

fn spinner(message: String) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Opens the database, applying migrations with a progress line.
pub(crate) fn open_store(lang: Lang, url: &str) -> Result<Store, Failure> {
    let store = Store::connect(url)?;
    let pending = store.pending_migrations()?.len() as u64;
    if pending == 0 {
        store.migrate(&mut |_| {})?;
        return Ok(store);
    }
    let bar = ProgressBar::new(pending);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(tr(lang, "cli-progress-migrations"));
    store.migrate(&mut |_| bar.inc(1))?;
    bar.finish_and_clear();
    eprintln!(
        "{}",
        tr_args(lang, "cli-migrations-applied", &[("count", Arg::from(pending))])
    );
    Ok(store)
}

/// Creates the key file if it is missing; returns the key and whether it was created.
fn ensure_key(key_file: &Path) -> Result<(SecretKey, bool), Failure> {
    if key_file.exists() {
        return Ok((SecretKey::load_file(key_file)?, false));
    }
    let key = SecretKey::generate();
    key.create_file(key_file)?;
    Ok((key, true))
}

fn describe_database(url: &str) -> String {
    match Location::parse(url) {
        Ok(Location::SqliteFile(path)) => path.display().to_string(),
        _ => ensemble_store::postgres::redact_url(url),
    }
}

fn init(lang: Lang, url: &str, key_file: &Path, matches: &ArgMatches) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let (_, created) = ensure_key(key_file)?;
    say!(
        "{}",
        tr_args(
            lang,
            "cli-init-database",
            &[("database", Arg::from(describe_database(url)))]
        )
    );
    let key_message = if created {
        "cli-init-key-created"
    } else {
        "cli-init-key-kept"
    };
    say!(
        "{}",
        tr_args(
            lang,
            key_message,
            &[("path", Arg::from(key_file.display().to_string()))]
        )
    );
    say!("{}", tr(lang, "cli-init-key-advice"));
    crate::people::start(lang, &store, matches)
}

fn reset_sqlite(url: &str) -> Result<(), Failure> {
    let Ok(Location::SqliteFile(path)) = Location::parse(url) else {
        return Err(Failure::ResetNotSqlite);
    };
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        if file.exists() {
            std::fs::remove_file(&file).map_err(|cause| Failure::Write {
                path: file.clone(),
                cause,
            })?;
        }
    }
    Ok(())
}

fn demo(lang: Lang, url: &str, key_file: &Path, matches: &ArgMatches) -> Result<(), Failure> {
    let scale = match matches.get_one::<String>("scale").map(String::as_str) {
        Some("small") => Scale::Small,
        _ => Scale::Full,
    };
    let seed = matches.get_one::<u64>("seed").copied().unwrap_or(2026);
    let json = matches.get_flag("json");
    if matches.get_flag("reset") {
        reset_sqlite(url)?;
    }
    let started = Instant::now();
    let store = open_store(lang, url)?;
    let (key, created) = ensure_key(key_file)?;
    if created {
        eprintln!(
            "{}",
            tr_args(
                lang,
                "cli-init-key-created",
                &[("path", Arg::from(key_file.display().to_string()))]
            )
        );
    }
    let bar = spinner(tr(lang, "cli-progress-building"));
    let mut current = Step::Building;
    let mut on_progress = |progress: Progress| {
        if progress.step != current {
            current = progress.step;
            let (key, style) = match progress.step {
                Step::Building => ("cli-progress-building", None),
                Step::Storing => ("cli-progress-storing", Some("{msg} [{bar:30}] {pos}/{len}")),
                Step::Tickets => (
                    "cli-progress-tickets",
                    Some("{msg} [{bar:30}] {human_pos}/{human_len} ({per_sec})"),
                ),
                Step::Committing => ("cli-progress-committing", None),
            };
            match style {
                Some(template) => bar.set_style(
                    ProgressStyle::with_template(template)
                        .unwrap_or_else(|_| ProgressStyle::default_bar())
                        .progress_chars("=> "),
                ),
                None => bar.set_style(ProgressStyle::default_spinner()),
            }
            bar.set_message(tr(lang, key));
        }
        bar.set_length(progress.total);
        bar.set_position(progress.done);
    };
    let summary = ensemble_demo::generate(&store, &DemoConfig { scale, seed }, &key, &mut on_progress)?;
    bar.set_message(tr(lang, "cli-progress-referential"));
    ensemble_actions::referential::run_all(&store, &Actor::operator(clock()?))?;
    bar.finish_and_clear();
    let elapsed = started.elapsed();
    let size = store.size_bytes()?;
    if json {
        let value = serde_json::json!({
            "scale": if scale == Scale::Small { "small" } else { "full" },
            "seed": seed,
            "seconds": elapsed.as_secs_f64(),
            "database_bytes": size,
            "counts": summary.counts.iter().map(|(name, count)| (name.to_string(), *count)).collect::<BTreeMap<_, _>>(),
            "checksum": summary.checksum,
            "logins": summary.logins,
            "password": ensemble_demo::DEMO_PASSWORD,
        });
        say!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
        return Ok(());
    }
    say!(
        "{}",
        tr_args(
            lang,
            "cli-demo-done",
            &[
                ("database", Arg::from(describe_database(url))),
                ("seconds", Arg::from(format!("{:.1}", elapsed.as_secs_f64()))),
                ("size", Arg::from(format!("{:.0}", size as f64 / 1_048_576.0))),
            ],
        )
    );
    for (name, count) in &summary.counts {
        say!("  {:<28} {:>10}", entity_label(lang, name), group_digits(*count, lang));
    }
    say!(
        "{}",
        tr_args(
            lang,
            "cli-demo-checksum",
            &[("checksum", Arg::from(summary.checksum.clone()))]
        )
    );
    say!("{}", tr(lang, "cli-demo-members"));
    for (member, organization) in members(&store)? {
        say!("  {:<16} {}", member.slug, organization.name);
    }
    // The pools that pooled figures add up (the barometer, the pooled statistics).
    let today = clock()?.today();
    let all_members = members(&store)?;
    say!("{}", tr(lang, "cli-demo-pools"));
    for dataset in [
        ensemble_model::Dataset::Settlements,
        ensemble_model::Dataset::TicketAggregates,
    ] {
        let pool = store.read(|session| session.pool(dataset, today))?;
        let codes: Vec<&str> = all_members
            .iter()
            .filter(|(member, _)| pool.members().contains(&member.id))
            .map(|(member, _)| member.slug.as_str())
            .collect();
        let name = if lang == Lang::Fr {
            dataset.label_fr()
        } else {
            dataset.label_en()
        };
        say!(
            "  {}",
            tr_args(
                lang,
                "cli-demo-pool",
                &[
                    ("dataset", Arg::from(name)),
                    ("count", Arg::from(codes.len())),
                    ("members", Arg::from(codes.join(", "))),
                ],
            )
        );
    }
    say!("{}", tr(lang, "cli-demo-next"));
    say!(
        "{}",
        tr_args(
            lang,
            "cli-demo-logins",
            &[("password", Arg::from(ensemble_demo::DEMO_PASSWORD))]
        )
    );
    for login in &summary.logins {
        let role = if lang == Lang::Fr {
            login.role.label_fr()
        } else {
            login.role.label_en()
        };
        say!("  {:<40} {role}", login.login);
    }
    if matches.get_flag("serve") {
        let address = matches
            .get_one::<std::net::SocketAddr>("bind")
            .copied()
            .unwrap_or_else(default_address);
        return serve_store(lang, url, store, (key, key_file), address);
    }
    Ok(())
}

fn members(store: &Store) -> Result<Vec<(Member, Organization)>, Failure> {
    let members: Vec<Member> = store.list(&ListFilter::default())?;
    let mut out = Vec::new();
    for member in members {
        if let Some(organization) = store.get::<Organization>(member.organization_id.0)? {
            out.push((member, organization));
        }
    }
    Ok(out)
}

fn default_address() -> std::net::SocketAddr {
    std::net::SocketAddr::from(([127, 0, 0, 1], 8080))
}

/// `ensemble report --member CODE --template NAME --period PERIOD --format FORMAT --output PATH`:
/// a funder's report of one member, its settlements read through a grant (audited).
fn report(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let text = |name: &str| matches.get_one::<String>(name).cloned().unwrap_or_default();
    let format: ensemble_reports::export::OutputFormat = text("format").parse()?;
    let output = matches.get_one::<PathBuf>("report-output").cloned().unwrap_or_default();
    let store = open_store(lang, url)?;
    let member = text("member");
    let consortium = matches.get_flag("consortium");
    let found = store.read(|session| session.member_by_slug(&member))?;
    let requester = ensemble_store::Requester {
        channel: "cli",
        user_id: None,
        member: found.map(|member| member.id),
        purpose: if consortium {
            ensemble_model::Purpose::PooledStatistics
        } else {
            ensemble_model::Purpose::Reporting
        },
    };
    let template = text("template");
    let period = text("period");
    let request = ensemble_reports::Request {
        member: &member,
        template: &template,
        period: &period,
        templates: matches.get_one::<PathBuf>("templates").map(PathBuf::as_path),
        lang,
        today: clock()?.today(),
    };
    let report = if consortium {
        ensemble_reports::run_consortium(&store, &requester, &request, &tr(lang, "report-consortium"))?
    } else {
        ensemble_reports::run(&store, &requester, &request)?
    };
    let written = ensemble_reports::export::write(&report, format, &output, lang)?;
    for line in ensemble_reports::completeness_lines(&report.completeness, lang) {
        say!("{}", line);
    }
    for path in written {
        say!(
            "{}",
            tr_args(
                lang,
                "report-written",
                &[
                    ("template", Arg::from(report.title.as_str())),
                    ("member", Arg::from(report.member.1.as_str())),
                    ("period", Arg::from(report.period.as_str())),
                    ("path", Arg::from(path.display().to_string())),
                ]
            )
        );
    }
    Ok(())
}

/// `ensemble purge [--dry-run] [--today DATE]`: lists, then removes, what is past retention.
fn purge(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let mut clock = clock()?;
    if let Some(day) = matches.get_one::<chrono::NaiveDate>("today") {
        clock = clock.on(*day);
    }
    let dry_run = matches.get_flag("dry-run");
    let done = ensemble_actions::privacy::purge(&store, &Actor::operator(clock), dry_run)?;
    if matches.get_flag("json") {
        say!("{}", serde_json::to_string_pretty(&done).unwrap_or_default());
        return Ok(());
    }
    let key = if dry_run { "purge-planned" } else { "purge-done" };
    say!(
        "{}",
        tr_args(
            lang,
            key,
            &[
                ("lines", Arg::from(done.buyer_lines)),
                ("buyers", Arg::from(done.buyers)),
                ("consents", Arg::from(done.consents)),
                ("quarantine", Arg::from(done.quarantine)),
            ]
        )
    );
    for (dataset, cutoff) in &done.cutoffs {
        let cutoff = cutoff.map_or_else(|| "-".to_string(), |date| ensemble_i18n::format::date(lang, date));
        say!(
            "  {dataset:<20} {}",
            tr_args(lang, "purge-cutoff", &[("date", Arg::from(cutoff))])
        );
    }
    Ok(())
}

/// `ensemble retention list`: the rules.
fn retention_list(lang: Lang, url: &str, json: bool) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let rules = store.read(|session| session.retention_rules())?;
    if json {
        say!("{}", serde_json::to_string_pretty(&rules).unwrap_or_default());
        return Ok(());
    }
    say!("{}", tr(lang, "retention-heading"));
    for rule in rules {
        say!(
            "  {:<20} {:<18} {}",
            rule.dataset,
            rule.purpose,
            tr_args(lang, "retention-months", &[("months", Arg::from(rule.months))])
        );
    }
    Ok(())
}

/// `ensemble retention set DATASET PURPOSE MONTHS`.
fn retention_set(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let dataset = matches.get_one::<String>("dataset").cloned().unwrap_or_default();
    let purpose = matches.get_one::<String>("purpose").cloned().unwrap_or_default();
    let months = matches.get_one::<i64>("months").copied().unwrap_or(0);
    let store = open_store(lang, url)?;
    let rule = ensemble_store::RetentionRule {
        dataset,
        purpose,
        months,
    };
    match ensemble_actions::privacy::set_retention(&store, &Actor::operator(clock()?), &rule) {
        Err(ActionError::Refused(code)) if code.starts_with("retention-") => {
            let value = match code {
                "retention-dataset-unknown" => rule.dataset.clone(),
                "retention-purpose-unknown" => rule.purpose.clone(),
                _ => rule.months.to_string(),
            };
            return Err(Failure::Retention { code, value });
        }
        other => other?,
    }
    say!(
        "{}",
        tr_args(
            lang,
            "retention-set",
            &[
                ("dataset", Arg::from(rule.dataset.as_str())),
                ("purpose", Arg::from(rule.purpose.as_str())),
                ("months", Arg::from(rule.months)),
            ]
        )
    );
    Ok(())
}

fn say_rules(lang: Lang, rules: &ensemble_privacy::disclosure::Rules) {
    say!(
        "{}",
        tr_args(
            lang,
            "disclosure-rules",
            &[
                ("people", Arg::from(rules.min_people)),
                ("members", Arg::from(rules.min_members)),
                ("round", Arg::from(rules.round_to)),
            ]
        )
    );
}

/// `ensemble disclosure show`: the consortium's disclosure rules.
fn disclosure_show(lang: Lang, url: &str, json: bool) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let rules = store.read(|session| session.disclosure_rules())?;
    if json {
        say!("{}", serde_json::to_string_pretty(&rules).unwrap_or_default());
    } else {
        say_rules(lang, &rules);
    }
    Ok(())
}

/// `ensemble disclosure set [--min-people K] [--min-members N] [--round-to BASE]`: changes the
/// rules given, keeps the others; months already released keep the rules they were released under.
fn disclosure_set(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let change = ensemble_actions::privacy::RulesChange {
        min_people: matches.get_one::<u64>("min-people").copied(),
        min_members: matches.get_one::<u64>("min-members").copied(),
        round_to: matches.get_one::<u64>("round-to").copied(),
    };
    let rules = ensemble_actions::privacy::set_disclosure(&store, &Actor::operator(clock()?), change)?;
    say_rules(lang, &rules);
    Ok(())
}

/// `ensemble audit verify [--head HASH]`: walks the audit chain and reports its first break, and
/// whether an entry noted earlier (its hash) is still in it.
fn audit_verify(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let (sound, broken) = store.read(|session| session.verify_audit())?;
    let head = store.read(|session| session.audit_head())?;
    let noted = matches.get_one::<String>("head");
    let noted_found = match noted {
        Some(hash) => Some(store.read(|session| session.audit_contains(hash))?),
        None => None,
    };
    if matches.get_flag("json") {
        let value = serde_json::json!({
            "sound": sound,
            "broken": broken.as_ref().map(|b| serde_json::json!({"code": b.code(), "entry": b.id()})),
            "head": head.as_ref().map(|h| h.hash.clone()),
            "noted_head_found": noted_found,
        });
        say!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
    }
    if let Some(broken) = broken {
        return Err(Failure::AuditBroken {
            code: broken.code(),
            entry: broken.id(),
        });
    }
    if noted_found == Some(false) {
        return Err(Failure::AuditBroken {
            code: "audit-head-missing",
            entry: sound as i64 + 1,
        });
    }
    if !matches.get_flag("json") {
        say!(
            "{}",
            tr_args(
                lang,
                "audit-verified",
                &[
                    ("count", Arg::from(sound)),
                    ("head", Arg::from(head.map_or_else(|| "-".to_string(), |h| h.hash))),
                ]
            )
        );
    }
    Ok(())
}

/// `ensemble audit list [--member CODE] [--limit N]`: the latest entries.
fn audit_list(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let member = match matches.get_one::<String>("member") {
        Some(slug) => Some(
            store
                .read(|session| session.member_by_slug(slug))?
                .map(|member| member.id)
                .ok_or_else(|| Failure::Import(Box::new(ensemble_ingest::ImportError::UnknownMember(slug.clone()))))?,
        ),
        None => None,
    };
    let limit = matches.get_one::<u64>("limit").copied().unwrap_or(50);
    let entries = store.read(|session| session.audit_entries(member, limit))?;
    if matches.get_flag("json") {
        say!("{}", serde_json::to_string_pretty(&entries).unwrap_or_default());
        return Ok(());
    }
    if entries.is_empty() {
        say!("{}", tr(lang, "audit-empty"));
    }
    for entry in entries {
        let who = entry
            .user_id
            .map_or_else(|| entry.channel.clone(), |user| format!("{} · {user}", entry.channel));
        say!(
            "{:>6}  {}  {:<32} {:<28} {who}",
            entry.id,
            entry.at.with_timezone(&clock()?.zone()).format("%Y-%m-%d %H:%M"),
            tr(lang, &format!("web-audit-action-{}", entry.action)),
            entry.subject,
        );
    }
    Ok(())
}

/// `ensemble serve`: the member portal until Ctrl+C.
fn serve(lang: Lang, url: &str, key_file: &Path, matches: &ArgMatches) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let (key, _) = ensure_key(key_file)?;
    let address = matches
        .get_one::<std::net::SocketAddr>("bind")
        .copied()
        .unwrap_or_else(default_address);
    serve_store(lang, url, store, (key, key_file), address)
}

fn serve_store(
    lang: Lang,
    url: &str,
    mut store: Store,
    (key, key_file): (SecretKey, &Path),
    address: std::net::SocketAddr,
) -> Result<(), Failure> {
    // One reading connection per core, so that pages are served side by side.
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    store.add_readers(url, cores)?;
    // The consortium's own report templates, as `ensemble report --templates` reads them.
    let state = ensemble_web::AppState::new(std::sync::Arc::new(store), key)
        .with_report_templates(std::env::var_os("ENSEMBLE_TEMPLATES").map(PathBuf::from))
        .with_clock(clock()?)
        // The consortium's own maturity model, if it keeps one (ENSEMBLE_MATURITY_MODEL).
        .with_maturity(ensemble_actions::diagnostic::MaturityModel::from_environment()?)
        // Beside the secret key (by default, beside the database): files not yet imported.
        .with_uploads(uploads_folder(key_file));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::Serve(ensemble_web::ServeError::Stopped(error.to_string())))?;
    runtime.block_on(ensemble_web::serve(state, address, |local| {
        say!(
            "{}",
            tr_args(
                lang,
                "cli-serve-listening",
                &[("address", Arg::from(format!("http://{local}")))]
            )
        );
    }))?;
    Ok(())
}

/// Where the portal keeps files sent to its wizard until they are imported: `ensemble-uploads`
/// beside the secret key file.
fn uploads_folder(key_file: &Path) -> PathBuf {
    key_file
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("ensemble-uploads")
}

pub(crate) fn entity_label(lang: Lang, name: &str) -> String {
    ensemble_model::entity_docs()
        .into_iter()
        .find(|doc| doc.name == name)
        .map(|doc| if lang == Lang::Fr { doc.label_fr } else { doc.label_en })
        .unwrap_or(name)
        .to_string()
}

/// A whole number with thousands separated as each language writes them (`1 234` / `1,234`).
pub(crate) fn group_digits(value: u64, lang: Lang) -> String {
    ensemble_i18n::format::integer(lang, i64::try_from(value).unwrap_or(i64::MAX))
}

fn stats(lang: Lang, url: &str, json: bool) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let counts = store.stats()?;
    let slugs: BTreeMap<i64, String> = store
        .list::<Member>(&ListFilter::default())?
        .into_iter()
        .map(|member| (member.id.0, member.slug))
        .collect();
    let owner = |member: Option<ensemble_model::MemberId>| match member {
        Some(id) => slugs.get(&id.0).cloned().unwrap_or_else(|| id.0.to_string()),
        None => tr(lang, "cli-stats-unowned"),
    };
    if json {
        let entities: Vec<serde_json::Value> = counts
            .iter()
            .map(|count| {
                let per_member: BTreeMap<String, u64> = count
                    .per_member
                    .iter()
                    .map(|(member, n)| (owner(*member), *n))
                    .collect();
                serde_json::json!({
                    "entity": count.entity,
                    "table": count.table,
                    "total": count.total,
                    "per_member": per_member,
                })
            })
            .collect();
        let value = serde_json::json!({ "database": describe_database(url), "entities": entities });
        say!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
        return Ok(());
    }
    let mut columns: Vec<String> = slugs.values().cloned().collect();
    columns.push(tr(lang, "cli-stats-unowned"));
    print!(
        "{:<28} {:>10}",
        tr(lang, "cli-stats-entity"),
        tr(lang, "cli-stats-total")
    );
    for column in &columns {
        print!(" {column:>16}");
    }
    say!();
    for count in &counts {
        print!(
            "{:<28} {:>10}",
            entity_label(lang, count.entity),
            group_digits(count.total, lang)
        );
        for column in &columns {
            let n: u64 = count
                .per_member
                .iter()
                .filter(|(member, _)| &owner(*member) == column)
                .map(|(_, n)| n)
                .sum();
            print!(" {:>16}", group_digits(n, lang));
        }
        say!();
    }
    Ok(())
}

fn model_docs(lang: Lang, matches: &ArgMatches) -> Result<(), Failure> {
    let root = PathBuf::from(matches.get_one::<String>("output").map_or(".", String::as_str));
    let files = ensemble_model::dictionary::generated_files();
    for file in &files {
        let path = root.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|cause| Failure::Write {
                path: parent.to_path_buf(),
                cause,
            })?;
        }
        std::fs::write(&path, &file.contents).map_err(|cause| Failure::Write {
            path: path.clone(),
            cause,
        })?;
    }
    say!(
        "{}",
        tr_args(
            lang,
            "cli-model-docs-written",
            &[
                ("count", Arg::from(files.len())),
                ("folder", Arg::from(root.join("docs").display().to_string()))
            ],
        )
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_grouped_per_language() {
        assert_eq!(group_digits(1_234_567, Lang::En), "1,234,567");
        assert_eq!(group_digits(1_234_567, Lang::Fr), "1\u{202f}234\u{202f}567");
        assert_eq!(group_digits(999, Lang::Fr), "999");
    }

    #[test]
    fn key_file_sits_beside_the_database() {
        assert_eq!(default_key_file("sqlite://./data/x.db"), PathBuf::from("./data/x.key"));
        assert_eq!(default_key_file("postgres://h/db"), PathBuf::from("ensemble.key"));
    }
}
