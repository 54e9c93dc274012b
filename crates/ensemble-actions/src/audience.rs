//! A presenter's insights into its own audience for a season (or one show's performances in
//! it), from its own ticket lines: who bought (distinct buyers, tickets), where they live (their
//! FSA, and how far from the venue), whether they come back (new, or bought from the member in an
//! earlier season), how often they came, how early they booked, through which channel and at what
//! price.
//!
//! Only the member's own people (and the command line's operator) read them: they are its own
//! buyers. Even so, no figure stands for fewer than the consortium's *k* buyers: each
//! distribution goes through `ensemble_privacy::disclosure::protect` (its members' rules do not
//! apply to one member's own data), small groups hidden and the one that would give them away
//! with them, so that no one can be singled out by an FSA or a rare habit.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use ensemble_model::{Hall, Member, Performance, Place, Role, Show, geo};
use ensemble_privacy::disclosure::{Cell, Figure, Rules, Table, protect};
use ensemble_store::barometer::Season;
use ensemble_store::{ListFilter, Store};
use serde::Serialize;

use crate::pooled::figure_cell;
use crate::{ActionError, Actor, only_if};

/// Distance bands, in kilometres: the most in each.
pub const DISTANCES: [(&str, f64); 5] = [
    ("moins-de-10-km", 10.0),
    ("10-24-km", 25.0),
    ("25-49-km", 50.0),
    ("50-99-km", 100.0),
    ("100-km-et-plus", f64::INFINITY),
];

/// Booking lead times, in days before the performance: the most in each.
pub const LEAD_TIMES: [(&str, i64); 5] = [
    ("moins-d-une-semaine", 6),
    ("1-2-semaines", 13),
    ("2-4-semaines", 29),
    ("1-2-mois", 59),
    ("2-mois-et-plus", i64::MAX),
];

/// Price bands of a ticket's unit price, in dollars: the most in each.
pub const PRICES: [(&str, i64); 5] = [
    ("gratuit", 0),
    ("moins-de-20", 1_999),
    ("20-39", 3_999),
    ("40-59", 5_999),
    ("60-et-plus", i64::MAX),
];

/// How many of the season's performances a buyer came to.
pub const FREQUENCIES: [(&str, usize); 4] = [("1", 1), ("2", 2), ("3-5", 5), ("6-et-plus", usize::MAX)];

/// The row of buyers whose FSA, or whose distance, is not known.
pub const UNKNOWN: &str = "inconnu";

/// One distribution: its rows, each a count of buyers, hidden where it would single people out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Distribution {
    /// What it counts buyers by: `fsa`, `distance`, `returning`, `frequency`, `lead-time`,
    /// `channel`, `price`.
    pub dimension: String,
    /// Row codes.
    pub rows: Vec<String>,
    /// Buyers in each row (a buyer may be in several rows of the channel, lead-time and price
    /// distributions, having bought several ways).
    pub buyers: Vec<Figure>,
    /// The buyers counted.
    pub total: Figure,
}

/// A member's audience for a season.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Audience {
    /// The member's code.
    pub member: String,
    /// The season, `2025-2026`.
    pub season: String,
    /// The show's code, when only its performances are counted.
    pub show: Option<String>,
    /// The smallest number of buyers a figure may stand for.
    pub min_people: u64,
    /// Distinct buyers known by their pseudonym.
    pub buyers: Figure,
    /// Tickets sold (with or without a known buyer).
    pub tickets: Figure,
    /// The distributions.
    pub distributions: Vec<Distribution>,
}

/// Buyers by row, each a set of buyers (by their number in the period's lines).
type Groups = BTreeMap<String, HashSet<u32>>;

fn band<T: PartialOrd + Copy>(bands: &[(&'static str, T)], value: T) -> &'static str {
    bands
        .iter()
        .find(|(_, most)| value <= *most)
        .map_or(UNKNOWN, |(code, _)| code)
}

/// A distribution protected: each row's buyers at least `k`, and no hidden row given away by
/// the total. One member's own data: the members' rules do not apply.
fn distribution(dimension: &str, rows: Vec<String>, groups: &Groups, total: usize, rules: &Rules) -> Distribution {
    let cell = |people: usize| Cell {
        value: people as u64,
        people: people as u64,
        members: 1,
        others: people as u64,
    };
    let cells: Vec<Cell> = rows
        .iter()
        .map(|row| cell(groups.get(row).map_or(0, HashSet::len)))
        .collect();
    let own = Rules {
        min_members: 1,
        ..*rules
    };
    let table = Table {
        cells: cells.iter().map(|c| vec![*c]).collect(),
        row_totals: cells.clone(),
        column_totals: vec![cell(total)],
        total: cell(total),
    };
    let released = protect(&table, &own);
    Distribution {
        dimension: dimension.to_string(),
        rows,
        buyers: released.row_totals,
        total: released.total,
    }
}

/// Midnight in Québec on `day`.
fn midnight(day: NaiveDate) -> DateTime<FixedOffset> {
    chrono_tz::America::Toronto
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        .earliest()
        .map(|moment| moment.fixed_offset())
        .unwrap_or_default()
}

/// `member`'s audience for `season`, of `show` (its code) only when given. Its own people and
/// the operator. Refused: `audience-not-yours`, `audience-show-unknown`.
pub fn insights(
    store: &Store,
    actor: &Actor,
    member: &Member,
    season: Season,
    show: Option<&str>,
) -> Result<Audience, ActionError> {
    only_if(
        actor.is_of(member, Role::Viewer) || actor.is_operator(),
        "audience-not-yours",
    )?;
    let all = ListFilter::default();
    let (rules, shows, performances, halls, places) = store.read(|session| {
        Ok((
            session.disclosure_rules()?,
            session.list_any::<Show>(&all)?,
            session.list_any::<Performance>(&all)?,
            session.list_any::<Hall>(&all)?,
            session.list_any::<Place>(&all)?,
        ))
    })?;
    let show = match show {
        Some(code) => Some(
            shows
                .iter()
                .find(|s| s.slug == code.trim())
                .ok_or(ActionError::Refused("audience-show-unknown"))?,
        ),
        None => None,
    };
    let (from, to) = (midnight(season.first_day()), midnight(season.end()));
    let (lines, earlier) = store.read(|session| {
        Ok((
            session.audience_lines(member.id, from, to, show.map(|s| s.id))?,
            session.earlier_buyers(member.id, from)?,
        ))
    })?;
    // Where each performance is: its venue's coordinates, else its venue's FSA centroid.
    let halls: HashMap<i64, &Hall> = halls.iter().map(|h| (h.id.0, h)).collect();
    let places: HashMap<i64, &Place> = places.iter().map(|p| (p.id.0, p)).collect();
    let venue: HashMap<i64, (f64, f64)> = performances
        .iter()
        .filter_map(|p| {
            let place = halls.get(&p.hall_id.0).and_then(|h| places.get(&h.place_id.0))?;
            let at = place.latitude.zip(place.longitude).or_else(|| {
                let fsa = place.fsa.as_deref().and_then(geo::fsa)?;
                Some((fsa.latitude, fsa.longitude))
            })?;
            Some((p.id.0, at))
        })
        .collect();

    let mut tickets: i64 = 0;
    // Each buyer numbered once: pseudonyms are long, and a buyer is in every distribution.
    let mut numbers: HashMap<&str, u32> = HashMap::new();
    let mut by: HashMap<&str, Groups> = HashMap::new();
    let mut performances_of: Vec<HashSet<i64>> = Vec::new();
    for line in &lines {
        tickets += line.quantity.max(0);
        let Some(key) = line.buyer.as_deref() else {
            continue;
        };
        let next = numbers.len() as u32;
        let buyer = *numbers.entry(key).or_insert(next);
        if buyer == next {
            performances_of.push(HashSet::new());
        }
        performances_of[buyer as usize].insert(line.performance);
        let mut put = |dimension: &'static str, row: &str| {
            let groups = by.entry(dimension).or_default();
            match groups.get_mut(row) {
                Some(people) => {
                    people.insert(buyer);
                }
                None => {
                    groups.insert(row.to_string(), HashSet::from([buyer]));
                }
            }
        };
        let fsa = line.fsa.as_deref().and_then(geo::fsa);
        put("fsa", fsa.map_or(UNKNOWN, |f| f.code.as_str()));
        let distance = fsa
            .zip(venue.get(&line.performance))
            .map(|(f, (lat, lon))| geo::distance_km(f.latitude, f.longitude, *lat, *lon));
        put("distance", distance.map_or(UNKNOWN, |km| band(&DISTANCES, km)));
        put("channel", &line.channel);
        put("price", band(&PRICES, line.price));
        if let (Some(sold), Some(starts)) = (line.sold_at, line.starts_at) {
            put("lead-time", band(&LEAD_TIMES, (starts - sold).num_days().max(0)));
        }
    }
    for (key, buyer) in &numbers {
        let seen = performances_of[*buyer as usize].len();
        let frequency = band(&FREQUENCIES, seen);
        by.entry("frequency")
            .or_default()
            .entry(frequency.to_string())
            .or_default()
            .insert(*buyer);
        let returning = if earlier.contains(*key) {
            "revenants"
        } else {
            "nouveaux"
        };
        by.entry("returning")
            .or_default()
            .entry(returning.to_string())
            .or_default()
            .insert(*buyer);
    }

    let total = numbers.len();
    let codes = |bands: &[&str]| -> Vec<String> { bands.iter().map(|c| c.to_string()).collect() };
    let empty = Groups::new();
    let group = |dimension: &str| by.get(dimension).unwrap_or(&empty);
    // FSAs: those with at least k buyers by themselves, the others together.
    let k = rules.min_people as usize;
    let mut fsas = Groups::new();
    for (code, people) in group("fsa") {
        let row = if people.len() >= k && code != UNKNOWN {
            code.clone()
        } else {
            "autres".to_string()
        };
        fsas.entry(row).or_default().extend(people.iter().cloned());
    }
    let mut fsa_rows: Vec<String> = fsas.keys().filter(|c| *c != "autres").cloned().collect();
    fsa_rows.sort_by_key(|code| std::cmp::Reverse(fsas[code].len()));
    if fsas.contains_key("autres") {
        fsa_rows.push("autres".to_string());
    }
    let channels: Vec<String> = ensemble_model::SalesChannel::ALL
        .iter()
        .map(|c| c.code().to_string())
        .collect();
    let with_unknown = |mut rows: Vec<String>| {
        rows.push(UNKNOWN.to_string());
        rows
    };
    let distributions = vec![
        distribution(
            "returning",
            codes(&["nouveaux", "revenants"]),
            group("returning"),
            total,
            &rules,
        ),
        distribution(
            "frequency",
            codes(&FREQUENCIES.map(|(c, _)| c)),
            group("frequency"),
            total,
            &rules,
        ),
        distribution(
            "distance",
            with_unknown(codes(&DISTANCES.map(|(c, _)| c))),
            group("distance"),
            total,
            &rules,
        ),
        distribution(
            "lead-time",
            codes(&LEAD_TIMES.map(|(c, _)| c)),
            group("lead-time"),
            total,
            &rules,
        ),
        distribution("channel", channels, group("channel"), total, &rules),
        distribution("price", codes(&PRICES.map(|(c, _)| c)), group("price"), total, &rules),
        distribution("fsa", fsa_rows, &fsas, total, &rules),
    ];
    // Too few buyers in all: nothing is shown, not even how many tickets.
    let whole = |count: u64| {
        if total == 0 || total as u64 >= rules.min_people {
            Figure::Shown(count)
        } else {
            Figure::Hidden(ensemble_privacy::disclosure::Hidden::TooFewPeople)
        }
    };
    Ok(Audience {
        member: member.slug.clone(),
        season: season.to_string(),
        show: show.map(|s| s.slug.clone()),
        min_people: rules.min_people,
        buyers: whole(total as u64),
        tickets: whole(tickets.max(0) as u64),
        distributions,
    })
}

/// The label of a row of a distribution.
fn row_label(lang: ensemble_i18n::Lang, dimension: &str, code: &str) -> String {
    use ensemble_i18n::tr;
    match dimension {
        "fsa" if code != "autres" => match geo::fsa(code) {
            Some(fsa) => format!("{code} ({})", fsa.name),
            None => code.to_string(),
        },
        "channel" => ensemble_model::SalesChannel::ALL
            .iter()
            .find(|c| c.code() == code)
            .map_or_else(
                || code.to_string(),
                |c| match lang {
                    ensemble_i18n::Lang::Fr => c.label_fr().to_string(),
                    ensemble_i18n::Lang::En => c.label_en().to_string(),
                },
            ),
        _ => tr(lang, &format!("audience-{dimension}-{code}")),
    }
}

/// The audience as a document in the reader's language: the buyers and tickets, then a table per
/// distribution (buyers, and their share of all buyers when shown).
pub fn audience_document(
    lang: ensemble_i18n::Lang,
    audience: &Audience,
    member_name: &str,
) -> ensemble_reports::document::Document {
    use ensemble_i18n::{Arg, tr, tr_args};
    use ensemble_reports::document::{Cell, Document, DocumentTable, Section};
    let total = match audience.buyers {
        Figure::Shown(count) => Some(count),
        Figure::Hidden(_) => None,
    };
    let tables = audience
        .distributions
        .iter()
        .map(|distribution| {
            let rows = distribution
                .rows
                .iter()
                .zip(&distribution.buyers)
                .map(|(code, figure)| {
                    let share = match (figure, total) {
                        (Figure::Shown(count), Some(total)) if total > 0 => {
                            Cell::Number((*count as f64 * 1000.0 / total as f64).round() / 10.0)
                        }
                        _ => Cell::Text(String::new()),
                    };
                    vec![
                        Cell::Text(row_label(lang, &distribution.dimension, code)),
                        figure_cell(lang, figure),
                        share,
                    ]
                })
                .collect();
            DocumentTable {
                caption: tr(lang, &format!("audience-heading-{}", distribution.dimension)),
                sheet: tr(lang, &format!("audience-sheet-{}", distribution.dimension)),
                headers: vec![
                    tr(lang, &format!("audience-heading-{}", distribution.dimension)),
                    tr(lang, "audience-buyers"),
                    tr(lang, "audience-share"),
                ],
                rows,
            }
        })
        .collect();
    let scope = match &audience.show {
        Some(show) => tr_args(lang, "audience-scope-show", &[("show", Arg::from(show.as_str()))]),
        None => tr(lang, "audience-scope-season"),
    };
    Document {
        title: tr_args(
            lang,
            "audience-title",
            &[
                ("member", Arg::from(member_name)),
                ("season", Arg::from(audience.season.as_str())),
            ],
        ),
        subtitle: scope,
        sections: vec![
            Section {
                heading: tr(lang, "audience-summary"),
                text: tr_args(
                    lang,
                    "audience-summary-text",
                    &[("people", Arg::from(audience.min_people))],
                ),
                tables: vec![DocumentTable {
                    caption: tr(lang, "audience-summary"),
                    sheet: tr(lang, "audience-summary"),
                    headers: vec![String::new(), tr(lang, "audience-count")],
                    rows: vec![
                        vec![
                            Cell::Text(tr(lang, "audience-buyers")),
                            figure_cell(lang, &audience.buyers),
                        ],
                        vec![
                            Cell::Text(tr(lang, "audience-tickets")),
                            figure_cell(lang, &audience.tickets),
                        ],
                    ],
                }],
            },
            Section {
                heading: tr(lang, "audience-distributions"),
                text: tr(lang, "audience-distributions-text"),
                tables,
            },
        ],
    }
}

/// The seasons in which `member` sold tickets, the latest first.
pub fn seasons(store: &Store, member: &Member) -> Result<Vec<Season>, ActionError> {
    let starts = store.read(|session| session.audience_starts(member.id))?;
    let seasons: std::collections::BTreeSet<Season> = starts
        .iter()
        .map(|start| Season::of(start.with_timezone(&chrono_tz::America::Toronto).date_naive()))
        .collect();
    Ok(seasons.into_iter().rev().collect())
}
