//! `ensemble tour plan`: a show's tour between two dates, printed in the reader's language or
//! as JSON, its chosen route written as ICS and CSV on request.

use std::path::PathBuf;

use clap::ArgMatches;
use ensemble_i18n::{Arg, Lang, tr, tr_args};
use ensemble_touring::carbon::{Mode, SOURCE, Transport};
use ensemble_touring::season::{Request, RoadMatrix, ScenarioKind, Settings, TourPlan, plan as make_plan};
use ensemble_touring::words::{self, ScenarioWords, StopWords, message, scenario_name, stop_label, whole};

use crate::commands::open_store;
use crate::output::Failure;

fn mode(value: &str) -> Result<Mode, Failure> {
    Mode::parse(value).ok_or_else(|| Failure::TourOption {
        code: "tour-mode-unknown",
        name: "mode",
        value: value.to_string(),
    })
}

fn scenario_kind(value: &str) -> Result<ScenarioKind, Failure> {
    [
        ScenarioKind::BestNet,
        ScenarioKind::MostEngagements,
        ScenarioKind::LeastCarbon,
    ]
    .into_iter()
    .find(|kind| kind.code() == value)
    .ok_or_else(|| Failure::TourOption {
        code: "tour-scenario-unknown",
        name: "scenario",
        value: value.to_string(),
    })
}

/// `ensemble tour plan --show CODE --from DATE --to DATE [...]`.
pub fn plan(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let text = |name: &str| matches.get_one::<String>(name).cloned();
    let date = |name: &str| matches.get_one::<chrono::NaiveDate>(name).copied().unwrap_or_default();
    let transport = Transport {
        people: matches.get_one::<u32>("people").copied().unwrap_or(4),
        people_by: mode(&text("people-by").unwrap_or_else(|| "van".to_string()))?,
        freight_by: text("freight-by").as_deref().map(mode).transpose()?,
    };
    let chosen = scenario_kind(&text("scenario").unwrap_or_else(|| "best-net".to_string()))?;
    let matrix = match matches.get_one::<PathBuf>("matrix") {
        Some(path) => Some(RoadMatrix::read(path)?),
        None => None,
    };
    let store = open_store(lang, url)?;
    let show = text("show").unwrap_or_default();
    let member = text("planner");
    let planner = match &member {
        Some(slug) => store.read(|session| session.member_by_slug(slug))?,
        None => ensemble_touring::season::planner_of(&store, &show)?,
    };
    let home = text("home");
    let defaults = Settings::default();
    let request = Request {
        show: &show,
        member: member.as_deref(),
        from: date("tour-from"),
        to: date("tour-to"),
        fee: matches.get_one::<u32>("fee").map(|dollars| i64::from(*dollars) * 100),
        home: home.as_deref(),
        matrix: matrix.as_ref(),
        settings: Settings {
            transport,
            max_km_per_day: matches
                .get_one::<u32>("km-per-day")
                .map_or(defaults.max_km_per_day, |km| f64::from(*km)),
            max_shows_in_a_row: matches
                .get_one::<u32>("in-a-row")
                .copied()
                .or(defaults.max_shows_in_a_row),
            ..defaults
        },
        today: crate::commands::clock()?.today(),
    };
    let requester = ensemble_store::Requester {
        channel: "cli",
        user_id: None,
        member: planner.map(|member| member.id),
        purpose: ensemble_model::Purpose::Touring,
    };
    let plan = make_plan(&store, &requester, &request)?;
    if matches.get_flag("json") {
        say!("{}", serde_json::to_string_pretty(&plan).unwrap_or_default());
    } else {
        print(lang, &plan, chosen);
    }
    let Some(scenario) = plan.scenarios.iter().find(|s| s.kind == chosen) else {
        return Ok(());
    };
    let write = |path: &PathBuf, content: String| -> Result<(), Failure> {
        std::fs::write(path, content).map_err(|cause| Failure::Write {
            path: path.clone(),
            cause,
        })?;
        say!(
            "{}",
            tr_args(lang, "tour-written", &[("path", Arg::from(path.display().to_string()))])
        );
        Ok(())
    };
    if let Some(path) = matches.get_one::<PathBuf>("ics") {
        write(
            path,
            ensemble_touring::export::ics(&plan, scenario, &|kind| stop_label(lang, kind)),
        )?;
    }
    if let Some(path) = matches.get_one::<PathBuf>("csv") {
        let content = ensemble_touring::export::csv(scenario).map_err(|cause| Failure::Write {
            path: path.clone(),
            cause: std::io::Error::other(cause.to_string()),
        })?;
        write(path, content)?;
    }
    Ok(())
}

fn print(lang: Lang, plan: &TourPlan, chosen: ScenarioKind) {
    say!("{}", words::title(lang, plan));
    say!("{}", words::fee_line(lang, plan));
    say!("{}", words::distances_line(lang, &plan.settings));
    if plan.imported_distances > 0 {
        say!(
            "{}",
            tr_args(
                lang,
                "tour-distances-imported",
                &[("count", Arg::from(plan.imported_distances as i64))]
            )
        );
    }
    say!(
        "{}",
        words::transport_line(lang, &plan.transport, ("tour-transport", "tour-transport-freight"))
    );
    if !plan.conflicts.is_empty() {
        say!();
        say!("{}", tr(lang, "tour-conflicts-title"));
        for conflict in &plan.conflicts {
            say!("  ! {}", message(lang, conflict.key, &conflict.args));
        }
    }
    if plan.capped {
        say!();
        say!("{}", tr(lang, "tour-capped"));
    }
    say!();
    for scenario in &plan.scenarios {
        let words = ScenarioWords::of(lang, scenario);
        say!(
            "  {}",
            tr_args(
                lang,
                "tour-scenario-line",
                &[
                    ("name", Arg::from(words.name)),
                    ("stops", Arg::from(words.stops)),
                    ("km", Arg::from(words.km)),
                    ("idle", Arg::from(i64::from(words.idle))),
                    ("fees", Arg::from(words.fees)),
                    ("net", Arg::from(words.net)),
                    ("co2", Arg::from(words.co2)),
                    ("home", Arg::from(words.home)),
                ]
            )
        );
    }
    if let Some(scenario) = plan.scenarios.iter().find(|s| s.kind == chosen) {
        say!();
        say!(
            "{}",
            tr_args(
                lang,
                "tour-route-title",
                &[("name", Arg::from(scenario_name(lang, scenario.kind)))]
            )
        );
        for (stop, leg) in scenario.stops.iter().zip(&scenario.legs) {
            let words = StopWords::of(lang, stop, leg);
            say!(
                "  {}",
                tr_args(
                    lang,
                    "tour-stop-line",
                    &[
                        // Dates as a machine reads them, to copy into a calendar.
                        ("date", Arg::from(stop.date.to_string())),
                        ("kind", Arg::from(words.kind)),
                        ("presenter", Arg::from(words.presenter)),
                        ("town", Arg::from(words.town)),
                        ("km", Arg::from(words.km)),
                        ("kg", Arg::from(words.kg)),
                    ]
                )
            );
        }
        if let Some(back) = scenario.legs.last() {
            say!(
                "  {}",
                tr_args(
                    lang,
                    "tour-return-line",
                    &[
                        ("date", Arg::from(scenario.home_on.to_string())),
                        ("home", Arg::from(plan.home.0.as_str())),
                        ("km", Arg::from(whole(lang, back.km))),
                        ("kg", Arg::from(whole(lang, back.emissions.total_kg()))),
                    ]
                )
            );
        }
    }
    say!();
    say!("{}", tr(lang, "tour-ranking-title"));
    for (rank, ranked) in plan.ranking.iter().take(10).enumerate() {
        say!(
            "  {}",
            tr_args(
                lang,
                "tour-ranking-line",
                &[
                    ("rank", Arg::from(rank as i64 + 1)),
                    ("presenter", Arg::from(ranked.presenter.name.as_str())),
                    (
                        "town",
                        Arg::from(ranked.presenter.municipality.clone().unwrap_or_default()),
                    ),
                    ("score", Arg::from(i64::from(ranked.score.total))),
                ]
            )
        );
        for part in &ranked.score.parts {
            say!("       · {}", message(lang, part.key, &part.args));
        }
    }
    let factor = Mode::Van.factor();
    say!();
    say!(
        "{}",
        tr_args(
            lang,
            "tour-carbon-source",
            &[
                ("source", Arg::from(SOURCE)),
                ("year", Arg::from(i64::from(factor.year))),
            ]
        )
    );
}
