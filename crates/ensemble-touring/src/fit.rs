//! Presenters that fit a show: a score out of 100 made of parts, each with the words that explain
//! it (a message key of the catalogues and its arguments). The parts: programming history
//! (disciplines and audiences of the performances the presenter put on), the fees the agency
//! obtained there, the best hall's fit with the rider, the distance from the tour's fixed dates,
//! the time since the presenter last hosted the show, and radius clauses of contracted dates
//! nearby.

use chrono::NaiveDate;
use ensemble_model::OrganizationId;
use serde::Serialize;

use crate::hall::{Check, Verdict, overall};

/// What is known of a presenter, gathered from the data the requester may see.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Presenter {
    /// The organisation.
    pub organization_id: OrganizationId,
    /// Its name.
    pub name: String,
    /// Its town.
    pub municipality: Option<String>,
    /// Where its main hall is.
    pub lat: f64,
    /// Where its main hall is.
    pub lon: f64,
    /// Performances it put on in the history period.
    pub performances: u32,
    /// Of those, in one of the show's disciplines.
    pub in_disciplines: u32,
    /// Of those, for one of the show's audiences.
    pub for_audiences: u32,
    /// Fees (cents) of the requester's own engagements with it.
    pub fees_seen: Vec<i64>,
    /// Its hall that fits the rider best, with the checks.
    pub best_hall: Option<(String, Vec<Check>)>,
    /// Road km to the nearest fixed date of the tour, or to home when there is none.
    pub km_from_fixed: f64,
    /// The last time it hosted the show.
    pub last_hosted: Option<NaiveDate>,
    /// A contracted date nearby whose radius clause shuts it out for a while: the other
    /// presenter's name and the clause's first and last days.
    pub radius_clause: Option<(String, NaiveDate, NaiveDate)>,
}

/// One part of a score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    /// Points earned.
    pub points: u32,
    /// Points possible.
    pub max: u32,
    /// The message that explains it (`fit-...`).
    pub key: &'static str,
    /// Its arguments.
    pub args: Vec<(&'static str, String)>,
}

/// A presenter's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// Out of 100.
    pub total: u32,
    /// Its parts, in a fixed order.
    pub parts: Vec<Part>,
}

/// What the show asks, for scoring.
#[derive(Debug, Clone, PartialEq)]
pub struct Wanted {
    /// The usual fee, in cents.
    pub fee: Option<i64>,
    /// Whether the show names audiences (when not, the audience part is left out).
    pub has_audiences: bool,
    /// The planning's first day (for the time since the last visit).
    pub from: NaiveDate,
}

fn part(points: f64, max: u32, key: &'static str, args: Vec<(&'static str, String)>) -> Part {
    Part {
        points: (points.round().max(0.0) as u32).min(max),
        max,
        key,
        args,
    }
}

fn percent(count: u32, of: u32) -> u32 {
    (100 * count + of / 2).checked_div(of).unwrap_or(0)
}

/// Scores a presenter for a show.
pub fn score(presenter: &Presenter, wanted: &Wanted) -> Score {
    let mut parts = Vec::new();
    let history = presenter.performances;
    parts.push(if history == 0 {
        part(0.0, 25, "fit-discipline-none", vec![])
    } else {
        let share = f64::from(presenter.in_disciplines) / f64::from(history);
        part(
            25.0 * share,
            25,
            "fit-discipline",
            vec![
                ("count", presenter.in_disciplines.to_string()),
                ("total", history.to_string()),
                ("percent", percent(presenter.in_disciplines, history).to_string()),
            ],
        )
    });
    if wanted.has_audiences {
        parts.push(if history == 0 {
            part(0.0, 10, "fit-audience-none", vec![])
        } else {
            let share = f64::from(presenter.for_audiences) / f64::from(history);
            part(
                10.0 * share,
                10,
                "fit-audience",
                vec![
                    ("count", presenter.for_audiences.to_string()),
                    ("total", history.to_string()),
                ],
            )
        });
    }
    let mut fees = presenter.fees_seen.clone();
    fees.sort_unstable();
    parts.push(match (fees.get(fees.len() / 2), wanted.fee) {
        (Some(&median), Some(fee)) if fee > 0 => {
            let ratio = median as f64 / fee as f64;
            part(
                10.0 * (ratio / 0.8).min(1.0),
                10,
                "fit-fee",
                vec![
                    ("median", (median / 100).to_string()),
                    ("fee", (fee / 100).to_string()),
                    ("count", fees.len().to_string()),
                ],
            )
        }
        _ => part(5.0, 10, "fit-fee-unknown", vec![]),
    });
    parts.push(match &presenter.best_hall {
        None => part(5.0, 25, "fit-hall-unknown", vec![]),
        Some((hall, checks)) => {
            let count = |verdict: Verdict| checks.iter().filter(|c| c.verdict == verdict).count().to_string();
            let (points, key) = match overall(checks) {
                Verdict::Green => (25.0, "fit-hall-green"),
                Verdict::Amber => (15.0, "fit-hall-amber"),
                Verdict::Red => (0.0, "fit-hall-red"),
            };
            part(
                points,
                25,
                key,
                vec![
                    ("hall", hall.clone()),
                    ("amber", count(Verdict::Amber)),
                    ("red", count(Verdict::Red)),
                ],
            )
        }
    });
    let km = presenter.km_from_fixed;
    parts.push(part(
        15.0 * ((600.0 - km) / 500.0).clamp(0.0, 1.0),
        15,
        "fit-distance",
        vec![("km", format!("{km:.0}"))],
    ));
    parts.push(match presenter.last_hosted {
        None => part(15.0, 15, "fit-never-hosted", vec![]),
        Some(day) => {
            let years = (wanted.from - day).num_days() as f64 / 365.25;
            part(
                15.0 * ((years - 2.0) / 2.0).clamp(0.0, 1.0),
                15,
                "fit-last-hosted",
                vec![
                    ("date", day.to_string()),
                    ("years", format!("{:.0}", years.max(0.0).floor())),
                ],
            )
        }
    });
    let mut total = {
        let points: u32 = parts.iter().map(|p| p.points).sum();
        let max: u32 = parts.iter().map(|p| p.max).sum();
        (100 * points + max / 2) / max.max(1)
    };
    if let Some((other, since, until)) = &presenter.radius_clause {
        total = total.saturating_sub(10);
        parts.push(Part {
            points: 0,
            max: 0,
            key: "fit-radius-clause",
            args: vec![
                ("presenter", other.clone()),
                ("since", since.to_string()),
                ("until", until.to_string()),
            ],
        });
    }
    Score { total, parts }
}
