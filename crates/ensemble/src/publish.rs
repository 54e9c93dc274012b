//! `ensemble publish`: what each member publishes as open data (`publish show`), and the
//! published files (`publish --output DIR [--member CODE]`): the JSON-LD graph of each member's
//! published programme and of the consortium's, which Artsdata's SHACL shapes accept.

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

/// `ensemble publish --output DIR [--member CODE] [--base URL]`: `consortium.jsonld` and one
/// `CODE.jsonld` per member (only the member's with `--member`).
pub fn write(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let output = matches
        .get_one::<PathBuf>("publish-output")
        .cloned()
        .unwrap_or_default();
    let base = matches.get_one::<String>("publish-base").cloned().unwrap_or_default();
    let today = clock()?.today();
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
        .map(|member| (format!("{}.jsonld", member.slug), vec![member.clone()]))
        .collect();
    if matches.get_one::<String>("publish-member").is_none() {
        files.insert(0, ("consortium.jsonld".to_string(), members.clone()));
    }
    for (name, publishers) in files {
        let catalogue = ensemble_actions::publication::programme(&store, &publishers, today)?;
        let published = ensemble_opendata::jsonld(&catalogue.programme(&base));
        let path = output.join(&name);
        let text = serde_json::to_string_pretty(&published.document).unwrap_or_default();
        std::fs::write(&path, text).map_err(|cause| Failure::Write {
            path: path.clone(),
            cause,
        })?;
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
    }
    Ok(())
}
