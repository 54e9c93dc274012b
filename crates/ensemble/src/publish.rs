//! `ensemble publish`: what each member publishes as open data (`publish show`), and the
//! published files (`publish --output DIR [--member CODE]`): the JSON-LD graph of each member's
//! published programme and of the consortium's, which Artsdata's SHACL shapes accept, and their
//! iCalendar feeds.

use std::path::PathBuf;

use clap::ArgMatches;
use ensemble_actions::Actor;
use ensemble_i18n::{Arg, Lang, tr_args};
use ensemble_model::Member;
use ensemble_opendata::LeftOut;
use ensemble_store::ListFilter;

use crate::commands::{clock, open_store};
use crate::output::Failure;
use crate::people::member_of;

/// `ensemble publish show --member CODE --show CODE (--from YYYY-MM-DD | --withdraw)`.
pub fn show(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let code = matches.get_one::<String>("publish-member").cloned().unwrap_or_default();
    let member = member_of(&store, &code)?;
    let show = matches.get_one::<String>("publish-show").cloned().unwrap_or_default();
    let from = matches.get_one::<chrono::NaiveDate>("publish-from").copied();
    ensemble_actions::publication::set(&store, &Actor::operator(clock()?), &member, &show, from)?;
    let said = match from {
        Some(day) => tr_args(
            lang,
            "publish-show-set",
            &[
                ("show", Arg::from(show.as_str())),
                ("member", Arg::from(code.as_str())),
                ("from", Arg::from(ensemble_i18n::format::date(lang, day))),
            ],
        ),
        None => tr_args(
            lang,
            "publish-show-withdrawn",
            &[("show", Arg::from(show.as_str())), ("member", Arg::from(code.as_str()))],
        ),
    };
    say!("{said}");
    Ok(())
}

/// `ensemble publish --output DIR [--member CODE] [--base URL]`: `consortium.jsonld` and
/// `consortium.ics`, one `CODE.jsonld` and `CODE.ics` per member (only the member's with
/// `--member`), and a calendar per venue (`lieux/N.ics`) and per show (`spectacles/CODE.ics`) of
/// what is published.
pub fn write(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let output = matches
        .get_one::<PathBuf>("publish-output")
        .cloned()
        .unwrap_or_default();
    let base = matches.get_one::<String>("publish-base").cloned().unwrap_or_default();
    let clock = clock()?;
    let today = clock.today();
    let stamp = clock.now().with_timezone(&chrono::Utc);
    let members: Vec<Member> = match matches.get_one::<String>("publish-member") {
        Some(code) => vec![member_of(&store, code)?],
        None => store.list_any::<Member>(&ListFilter::default())?,
    };
    std::fs::create_dir_all(&output).map_err(|cause| Failure::Write {
        path: output.clone(),
        cause,
    })?;
    let mut files: Vec<(String, Vec<Member>)> = members
        .iter()
        .map(|member| (member.slug.clone(), vec![member.clone()]))
        .collect();
    if matches.get_one::<String>("publish-member").is_none() {
        files.insert(0, ("consortium".to_string(), members.clone()));
    }
    let mut everything = ensemble_opendata::Catalogue::default();
    for (name, publishers) in files {
        let catalogue = ensemble_actions::publication::programme(&store, &publishers, today)?;
        let published = ensemble_opendata::jsonld(&catalogue.programme(&base));
        let path = output.join(format!("{name}.jsonld"));
        let text = serde_json::to_string_pretty(&published.document).unwrap_or_default();
        written(&path, &text)?;
        let calendar = ensemble_opendata::calendar::ics(&catalogue.programme(&base), &name, stamp);
        written(&output.join(format!("{name}.ics")), &calendar)?;
        let events = published.document["@graph"].as_array().map_or(0, Vec::len);
        let unaddressed = published
            .left_out
            .iter()
            .filter(|(_, why)| *why == LeftOut::AddressIncomplete)
            .count();
        say!(
            "{}",
            tr_args(
                lang,
                "publish-written",
                &[
                    ("file", Arg::from(path.display().to_string())),
                    ("events", Arg::from(events)),
                    ("unaddressed", Arg::from(unaddressed)),
                ],
            )
        );
        if publishers.len() == members.len() {
            everything = catalogue;
        }
    }
    // One calendar per venue and per show of what is published.
    let mut feeds: Vec<(PathBuf, String, Vec<i64>)> = Vec::new();
    for place in &everything.places {
        let halls: Vec<i64> = everything
            .halls
            .iter()
            .filter(|h| h.place_id == place.id)
            .map(|h| h.id.0)
            .collect();
        let ids = everything
            .performances
            .iter()
            .filter(|p| halls.contains(&p.hall_id.0))
            .map(|p| p.id.0)
            .collect();
        feeds.push((
            output.join("lieux").join(format!("{}.ics", place.id.0)),
            place.name.clone(),
            ids,
        ));
    }
    for show in &everything.shows {
        let ids = everything
            .performances
            .iter()
            .filter(|p| p.show_id == show.id)
            .map(|p| p.id.0)
            .collect();
        feeds.push((
            output.join("spectacles").join(format!("{}.ics", show.slug)),
            show.title_fr.clone(),
            ids,
        ));
    }
    for (path, name, ids) in &feeds {
        let mut part = everything.clone();
        part.performances.retain(|p| ids.contains(&p.id.0));
        written(
            path,
            &ensemble_opendata::calendar::ics(&part.programme(&base), name, stamp),
        )?;
    }
    say!(
        "{}",
        tr_args(lang, "publish-feeds", &[("count", Arg::from(feeds.len()))])
    );
    Ok(())
}

/// Writes `text` to `path`, its folder made first.
fn written(path: &std::path::Path, text: &str) -> Result<(), Failure> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).map_err(|cause| Failure::Write {
            path: folder.to_path_buf(),
            cause,
        })?;
    }
    std::fs::write(path, text).map_err(|cause| Failure::Write {
        path: path.to_path_buf(),
        cause,
    })
}
