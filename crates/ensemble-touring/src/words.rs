//! A plan in words, the same on the command line and in the portal: the names of its routes and
//! stops, the figures of each route and each stop as people read them (whole kilometres and
//! kilograms, money to the cent), and its messages.

use ensemble_i18n::{Arg, Lang, format, tr, tr_args};

use crate::carbon::{Mode, Transport};
use crate::season::{Leg, Scenario, ScenarioKind, Settings, Stop, StopKind, TourPlan};

/// The name of a route (best net, most dates, least CO2).
pub fn scenario_name(lang: Lang, kind: ScenarioKind) -> String {
    tr(lang, &format!("tour-scenario-{}", kind.code()))
}

/// The label of a stop's kind.
pub fn stop_label(lang: Lang, kind: StopKind) -> String {
    tr(
        lang,
        match kind {
            StopKind::Confirmed => "tour-stop-confirmed",
            StopKind::Hold => "tour-stop-hold",
            StopKind::Proposed => "tour-stop-proposed",
        },
    )
}

/// A stop's kind with its hold's level, if it is one.
pub fn stop_kind(lang: Lang, stop: &Stop) -> String {
    let kind = stop_label(lang, stop.kind);
    match stop.hold_level {
        Some(level) => format!(
            "{kind} ({})",
            tr_args(lang, "tour-hold-level", &[("level", Arg::from(i64::from(level)))])
        ),
        None => kind,
    }
}

/// A quantity rounded to a whole number, grouped as the language writes it.
pub fn whole(lang: Lang, value: f64) -> String {
    format::integer(lang, value.round() as i64)
}

/// A message whose arguments are text (a score's part, a conflict).
pub fn message(lang: Lang, key: &str, args: &[(&'static str, String)]) -> String {
    let args: Vec<(&str, Arg)> = args
        .iter()
        .map(|(name, value)| (*name, Arg::from(value.as_str())))
        .collect();
    tr_args(lang, key, &args)
}

/// A route's figures in words.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioWords {
    /// Its name.
    pub name: String,
    /// How many stops.
    pub stops: usize,
    /// Kilometres.
    pub km: String,
    /// Days without a show between two.
    pub idle: u32,
    /// The fees of its dates.
    pub fees: String,
    /// Its net.
    pub net: String,
    /// Its emissions, in kilograms of CO2 equivalent.
    pub co2: String,
    /// The day the company is back home.
    pub home: String,
}

impl ScenarioWords {
    /// A route in words.
    pub fn of(lang: Lang, scenario: &Scenario) -> ScenarioWords {
        ScenarioWords {
            name: scenario_name(lang, scenario.kind),
            stops: scenario.stops.len(),
            km: whole(lang, scenario.km),
            idle: scenario.idle_days,
            fees: format::money(lang, scenario.fees),
            net: format::money(lang, (scenario.net * 100.0).round() as i64),
            co2: whole(lang, scenario.co2_kg),
            home: format::date(lang, scenario.home_on),
        }
    }
}

/// A stop and the leg that leads to it, in words.
#[derive(Debug, Clone, PartialEq)]
pub struct StopWords {
    /// Its date.
    pub date: String,
    /// Its kind, with its hold's level.
    pub kind: String,
    /// The presenter.
    pub presenter: String,
    /// The presenter's town.
    pub town: String,
    /// The hall, when known.
    pub hall: String,
    /// Kilometres of the leg.
    pub km: String,
    /// Kilograms of CO2 equivalent of the leg.
    pub kg: String,
}

impl StopWords {
    /// A stop and its leg in words.
    pub fn of(lang: Lang, stop: &Stop, leg: &Leg) -> StopWords {
        StopWords {
            date: format::date(lang, stop.date),
            kind: stop_kind(lang, stop),
            presenter: stop.name.clone(),
            town: stop.municipality.clone().unwrap_or_default(),
            hall: stop.hall.clone().unwrap_or_default(),
            km: whole(lang, leg.km),
            kg: whole(lang, leg.emissions.total_kg()),
        }
    }
}

/// The plan's title: the show, the period and the home town.
pub fn title(lang: Lang, plan: &TourPlan) -> String {
    tr_args(
        lang,
        "tour-plan-title",
        &[
            ("show", Arg::from(plan.show.title_fr.as_str())),
            ("from", Arg::from(format::date(lang, plan.from))),
            ("to", Arg::from(format::date(lang, plan.to))),
            ("home", Arg::from(plan.home.0.as_str())),
        ],
    )
}

/// The fee asked and how many presenters were ranked and kept.
pub fn fee_line(lang: Lang, plan: &TourPlan) -> String {
    tr_args(
        lang,
        "tour-plan-fee",
        &[
            ("fee", Arg::from(format::money(lang, plan.fee))),
            (
                "candidates",
                Arg::from(plan.ranking.iter().filter(|r| r.candidate).count() as i64),
            ),
            ("ranked", Arg::from(plan.ranking.len() as i64)),
        ],
    )
}

/// How distances were estimated (the road's detour over the straight line, a day's kilometres).
pub fn distances_line(lang: Lang, settings: &Settings) -> String {
    let circuity = settings.circuity.to_string();
    let circuity = match lang {
        Lang::Fr => circuity.replace('.', ","),
        Lang::En => circuity,
    };
    tr_args(
        lang,
        "tour-distances-estimated",
        &[
            ("circuity", Arg::from(circuity)),
            ("km", Arg::from(settings.max_km_per_day.round() as i64)),
        ],
    )
}

/// Who travels and how: `alone` names the message for people only, `with_freight` the one with
/// the freight's mode.
pub fn transport_line(lang: Lang, transport: &Transport, (alone, with_freight): (&str, &str)) -> String {
    let mode = |mode: Mode| Arg::from(tr(lang, &format!("tour-mode-{}", mode.code())));
    let people = ("people", Arg::from(i64::from(transport.people)));
    match transport.freight_by {
        None => tr_args(lang, alone, &[people, ("mode", mode(transport.people_by))]),
        Some(freight) => tr_args(
            lang,
            with_freight,
            &[people, ("mode", mode(transport.people_by)), ("freight", mode(freight))],
        ),
    }
}
