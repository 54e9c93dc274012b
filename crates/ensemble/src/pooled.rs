//! `ensemble barometer [--season AAAA-AAAA] [--json] [--xlsx FILE]`: a season's market barometer,
//! the same release the portal shows (released the first time anyone asks, read back after),
//! with the season before it for comparison: as a summary in words, as the release in JSON, or
//! as a workbook. `ensemble audience --member CODE [--show CODE] [--season AAAA-AAAA] [--json]
//! [--xlsx FILE]`: a presenter's own audience insights, the same as its portal page.

use clap::ArgMatches;
use ensemble_actions::Actor;
use ensemble_actions::pooled::{barometer as released, barometer_document, barometer_seasons};
use ensemble_i18n::{Arg, Lang, tr_args};
use ensemble_reports::document::Cell;
use ensemble_store::barometer::Season;

use crate::commands::{clock, open_store};
use crate::output::Failure;
use crate::people::member_of;

/// `ensemble barometer`.
pub fn barometer(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let actor = Actor::operator(clock()?);
    let season = match matches.get_one::<String>("barometer-season") {
        Some(text) => Season::parse(text).ok_or(Failure::Refused("barometer-season-invalid"))?,
        None => match barometer_seasons(&store, &actor)?.first() {
            Some(season) => *season,
            None => Season::latest_released(actor.clock.today()),
        },
    };
    let this = released(&store, &actor, season)?;
    let before = released(&store, &actor, season.previous()).ok();
    if matches.get_flag("json") {
        let both = serde_json::json!({"season": this, "previous": before});
        say!("{}", serde_json::to_string_pretty(&both).unwrap_or_default());
        return Ok(());
    }
    let document = barometer_document(lang, &this, before.as_ref());
    give(lang, &document, matches.get_one("barometer-xlsx"), true)
}

/// A document written to a workbook when one is asked for, else said in words.
fn give(
    lang: Lang,
    document: &ensemble_reports::document::Document,
    workbook: Option<&std::path::PathBuf>,
    first_only: bool,
) -> Result<(), Failure> {
    match workbook {
        Some(path) => {
            ensemble_reports::document::write(document, "xlsx", path, lang.tag())?;
            let file = Arg::from(path.display().to_string());
            say!("{}", tr_args(lang, "cli-barometer-written", &[("file", file)]));
        }
        None => print_document(lang, document, first_only),
    }
    Ok(())
}

/// A document in words: its title, then each section's tables (only the first with
/// `first_only`), tab-separated.
fn print_document(lang: Lang, document: &ensemble_reports::document::Document, first_only: bool) {
    say!("{}\n{}", document.title, document.subtitle);
    for section in &document.sections {
        let tables = if first_only {
            &section.tables[..section.tables.len().min(1)]
        } else {
            &section.tables[..]
        };
        for table in tables {
            say!("\n{}", table.caption);
            say!("{}", table.headers.join("\t"));
            for row in &table.rows {
                let cells: Vec<String> = row
                    .iter()
                    .map(|cell| match cell {
                        Cell::Text(text) => text.clone(),
                        Cell::Number(number) => ensemble_i18n::format::decimal(lang, *number),
                    })
                    .collect();
                say!("{}", cells.join("\t"));
            }
        }
    }
}

/// `ensemble audience`.
pub fn audience(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let actor = Actor::operator(clock()?);
    let code = matches
        .get_one::<String>("audience-member")
        .cloned()
        .unwrap_or_default();
    let member = member_of(&store, &code)?;
    let season = match matches.get_one::<String>("audience-season") {
        Some(text) => Season::parse(text).ok_or(Failure::Refused("barometer-season-invalid"))?,
        None => Season::of(actor.clock.today()).previous(),
    };
    let show = matches.get_one::<String>("audience-show").map(String::as_str);
    let audience = ensemble_actions::audience::insights(&store, &actor, &member, season, show)?;
    if matches.get_flag("json") {
        say!("{}", serde_json::to_string_pretty(&audience).unwrap_or_default());
        return Ok(());
    }
    let name = ensemble_actions::members::display_name(&store, &member)?;
    let document = ensemble_actions::audience::audience_document(lang, &audience, &name);
    give(lang, &document, matches.get_one("audience-xlsx"), false)
}
