//! `ensemble publish`: what each member publishes as open data (`publish show`), whose names it
//! may publish (`publish people`, `publish consent`), and the published files (`publish --output
//! DIR [--member CODE]`): the JSON-LD graph of each member's published programme and of the
//! consortium's, which Artsdata's SHACL shapes accept, their Datascène records and their
//! iCalendar feeds.

use std::path::PathBuf;

use clap::ArgMatches;
use ensemble_actions::Actor;
use ensemble_actions::published::{self, Publishing};
use ensemble_i18n::{Arg, Lang, tr, tr_args};
use ensemble_model::PersonId;

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

/// `ensemble publish people --member CODE`: the people credited in the shows the member presents,
/// with its record of their consent.
pub fn people(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let code = matches.get_one::<String>("publish-member").cloned().unwrap_or_default();
    let member = member_of(&store, &code)?;
    let people = ensemble_actions::publication::credited(&store, &member)?;
    if people.is_empty() {
        say!("{}", tr(lang, "publish-people-none"));
    }
    for person in people {
        let state = match person.consented_on {
            Some(day) => tr_args(
                lang,
                "publish-people-consented",
                &[("day", Arg::from(ensemble_i18n::format::date(lang, day)))],
            ),
            None => tr(lang, "publish-people-not-consented"),
        };
        say!(
            "{}\t{}\t{}\t{}",
            person.person.0,
            person.name,
            person.shows.join(", "),
            state
        );
    }
    Ok(())
}

/// `ensemble publish consent --member CODE --person N [--withdraw]`: records, as of today, that a
/// person credited in the member's shows consents to be published with them, or withdraws it.
pub fn consent(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let code = matches.get_one::<String>("publish-member").cloned().unwrap_or_default();
    let member = member_of(&store, &code)?;
    let person = PersonId(matches.get_one::<i64>("publish-person").copied().unwrap_or_default());
    let clock = clock()?;
    let given_on = (!matches.get_flag("publish-consent-withdraw")).then(|| clock.today());
    ensemble_actions::publication::consent(&store, &Actor::operator(clock), &member, person, given_on)?;
    let key = if given_on.is_some() {
        "publish-consent-recorded"
    } else {
        "publish-consent-withdrawn"
    };
    say!(
        "{}",
        tr_args(
            lang,
            key,
            &[("person", Arg::from(person.0)), ("member", Arg::from(code.as_str()))],
        )
    );
    Ok(())
}

/// `ensemble publish --output DIR [--member CODE] [--base URL]`: the files of
/// `ensemble_actions::published` (the consortium's, each member's, the venues' and shows'
/// calendars; only the member's with `--member`), under the paths the portal serves them at.
pub fn write(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let output = matches
        .get_one::<PathBuf>("publish-output")
        .cloned()
        .unwrap_or_default();
    let base = matches.get_one::<String>("publish-base").cloned().unwrap_or_default();
    let clock = clock()?;
    let only = match matches.get_one::<String>("publish-member") {
        Some(code) => Some(member_of(&store, code)?),
        None => None,
    };
    let publishing = Publishing {
        base: &base,
        today: clock.today(),
        stamp: published::last_modified(&store, &clock)?,
    };
    let files = published::all(&store, only.as_ref(), &publishing)?;
    let mut feeds: usize = 0;
    for file in &files {
        let path = output.join(&file.path);
        written(&path, &file.text)?;
        if file.path.contains('/') {
            feeds += 1;
        } else if file.media_type != published::CALENDAR {
            say!(
                "{}",
                tr_args(
                    lang,
                    "publish-written",
                    &[
                        ("file", Arg::from(path.display().to_string())),
                        ("events", Arg::from(file.events)),
                        ("unaddressed", Arg::from(file.unaddressed)),
                    ],
                )
            );
        }
    }
    say!("{}", tr_args(lang, "publish-feeds", &[("count", Arg::from(feeds))]));
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
