//! Pooled statistics: the tickets sold in a month across the members that share their ticket
//! aggregates with the consortium, by discipline and sales channel, as released under the
//! consortium's disclosure rules (see `ensemble_store::pooling`). Every member sees the same
//! figures; hidden ones say why.

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use ensemble_i18n::{Arg, Lang, format, tr, tr_args};
use ensemble_model::{Purpose, SalesChannel, vocab};
use ensemble_privacy::disclosure::{Figure, Hidden, Rules};
use ensemble_store::{Month, OTHER_DISCIPLINE, PooledRelease, RELEASE_DELAY_DAYS, StoreError};

use crate::api::error_with;
use crate::browse::{Choice, choices};
use crate::http::Signed;
use crate::pages::{Texts, label, read, render, texts};
use crate::{AppState, PageLang};

/// Months offered in the choice (those with pooled sales), the latest first.
const MONTHS_OFFERED: usize = 36;

/// A figure as a cell of the page.
pub struct FigureCell {
    text: String,
    hidden: bool,
}

/// A row of the table.
pub struct FigureRow {
    label: String,
    cells: Vec<FigureCell>,
    total: FigureCell,
}

#[derive(Template)]
#[template(path = "statistics.html")]
struct StatisticsPage {
    t: Texts,
    months: Vec<Choice>,
    month_label: String,
    problem: Option<String>,
    intro: String,
    rules: String,
    columns: Vec<String>,
    rows: Vec<FigureRow>,
    totals: Option<FigureRow>,
    reasons: Vec<(String, String)>,
}

fn figure(lang: Lang, figure: &Figure) -> FigureCell {
    match figure {
        Figure::Shown(value) => FigureCell {
            text: format::integer(lang, i64::try_from(*value).unwrap_or(i64::MAX)),
            hidden: false,
        },
        Figure::Hidden(reason) => FigureCell {
            text: tr(lang, &format!("web-statistics-hidden-{}", reason_code(*reason))),
            hidden: true,
        },
    }
}

fn reason_code(reason: Hidden) -> &'static str {
    match reason {
        Hidden::TooFewPeople => "people",
        Hidden::TooFewMembers => "members",
        Hidden::MostlyOneMember => "one-member",
        Hidden::Complementary => "complementary",
    }
}

fn rules_args(rules: &Rules) -> Vec<(&'static str, Arg)> {
    vec![
        ("people", Arg::from(rules.min_people)),
        ("members", Arg::from(rules.min_members)),
        ("round", Arg::from(rules.round_to)),
    ]
}

fn month_name(lang: Lang, month: Month) -> String {
    format::month(lang, month.year, month.month)
}

fn discipline_label(lang: Lang, code: &str) -> String {
    if code == OTHER_DISCIPLINE {
        return tr(lang, "web-statistics-other-discipline");
    }
    vocab::vocabulary("disciplines-asq")
        .and_then(|vocabulary| vocabulary.term(code))
        .map_or_else(|| code.to_string(), |term| term.label(lang == Lang::En).to_string())
}

fn channel_label(lang: Lang, code: &str) -> String {
    SalesChannel::ALL
        .iter()
        .find(|channel| channel.code() == code)
        .map_or_else(
            || code.to_string(),
            |channel| label(lang, channel.label_fr(), channel.label_en()),
        )
}

/// Releases (or reads back) the month's table on behalf of the signed-in person.
async fn released(state: &AppState, signed: &Signed, month: Month) -> Result<Result<PooledRelease, StoreError>, ()> {
    let store = state.store.clone();
    let asking = signed.requester(Purpose::PooledStatistics);
    let clock = state.clock;
    tokio::task::spawn_blocking(move || store.write(|session| session.pooled_ticket_sales(&asking, month, clock.now())))
        .await
        .map_err(|_| ())
}

/// `GET /statistiques?mois=AAAA-MM`: the pooled table of a month (by default the latest released
/// month with pooled sales).
pub async fn page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let clock = state.clock;
    let t = match texts(&state, lang, Some(&signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let day = clock.today();
    let found = state
        .cache
        .get_or(
            &format!("pooled-months-{day}"),
            read(&state, lang, move |session| session.pooled_months(day)),
        )
        .await;
    let pooled = match found {
        Ok(months) => months,
        Err(response) => return response,
    };
    let asked = query
        .get("mois")
        .map(|text| text.trim())
        .filter(|text| !text.is_empty());
    let month = match asked {
        None => Some(
            pooled
                .first()
                .copied()
                .unwrap_or_else(|| Month::latest_released(clock.today())),
        ),
        Some(text) => Month::parse(text),
    };
    let chosen = month.map(|month| month.to_string()).unwrap_or_default();
    let offered = pooled
        .iter()
        .take(MONTHS_OFFERED)
        .map(|month| (month.to_string(), month_name(lang, *month)));
    let mut page = StatisticsPage {
        months: choices(&chosen, offered),
        month_label: month.map(|month| month_name(lang, month)).unwrap_or_default(),
        problem: None,
        intro: String::new(),
        rules: String::new(),
        columns: Vec::new(),
        rows: Vec::new(),
        totals: None,
        reasons: Vec::new(),
        t,
    };
    if asked.is_none() && pooled.is_empty() {
        page.problem = Some(tr(lang, "web-statistics-nothing-pooled"));
        return render(&page);
    }
    let Some(month) = month else {
        page.problem = Some(tr(lang, "web-statistics-month-invalid"));
        return (StatusCode::BAD_REQUEST, render(&page)).into_response();
    };
    let release = match released(&state, &signed, month).await {
        Ok(Ok(release)) => release,
        Ok(Err(StoreError::NotReleased(_))) => {
            page.problem = Some(tr_args(
                lang,
                "web-statistics-not-released",
                &[
                    ("month", Arg::from(month_name(lang, month))),
                    ("day", Arg::from(format::date(lang, month.released_on()))),
                    ("days", Arg::from(RELEASE_DELAY_DAYS)),
                ],
            ));
            return (StatusCode::NOT_FOUND, render(&page)).into_response();
        }
        _ => return crate::pages::message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable"),
    };
    let mut intro_args = rules_args(&release.rules);
    intro_args.push(("pool", Arg::from(release.pool_members)));
    intro_args.push((
        "released",
        Arg::from(format::date(lang, crate::pages::local(&release.released_at, "").date())),
    ));
    page.intro = tr_args(lang, "web-statistics-pool", &intro_args);
    page.rules = tr_args(lang, "web-statistics-rules", &rules_args(&release.rules));
    page.columns = release.columns.iter().map(|code| channel_label(lang, code)).collect();
    let figures = &release.figures;
    page.rows = release
        .rows
        .iter()
        .enumerate()
        .filter(|(index, _)| figures.row_totals.get(*index) != Some(&Figure::Shown(0)))
        .map(|(index, code)| FigureRow {
            label: discipline_label(lang, code),
            cells: figures.cells[index].iter().map(|cell| figure(lang, cell)).collect(),
            total: figure(lang, &figures.row_totals[index]),
        })
        .collect();
    page.totals = Some(FigureRow {
        label: tr(lang, "web-statistics-total"),
        cells: figures.column_totals.iter().map(|cell| figure(lang, cell)).collect(),
        total: figure(lang, &figures.total),
    });
    page.reasons = [
        Hidden::TooFewPeople,
        Hidden::TooFewMembers,
        Hidden::MostlyOneMember,
        Hidden::Complementary,
    ]
    .iter()
    .map(|reason| {
        (
            tr(lang, &format!("web-statistics-hidden-{}", reason_code(*reason))),
            tr_args(
                lang,
                &format!("web-statistics-why-{}", reason_code(*reason)),
                &rules_args(&release.rules),
            ),
        )
    })
    .collect();
    render(&page)
}

/// `GET /api/v1/statistics/ticket-sales?month=YYYY-MM`: the same table as JSON.
pub async fn api(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let clock = state.clock;
    if let Some(name) = query.keys().find(|name| name.as_str() != "month") {
        return error_with(
            StatusCode::BAD_REQUEST,
            "api-unknown-parameter",
            &[("parameter", Arg::from(name.as_str()))],
        );
    }
    let month = match query
        .get("month")
        .map(|text| text.trim())
        .filter(|text| !text.is_empty())
    {
        None => Month::latest_released(clock.today()),
        Some(text) => match Month::parse(text) {
            Some(month) => month,
            None => {
                return error_with(
                    StatusCode::BAD_REQUEST,
                    "api-invalid-parameter",
                    &[("parameter", Arg::from("month"))],
                );
            }
        },
    };
    match released(&state, &signed, month).await {
        Ok(Ok(release)) => Json(release).into_response(),
        Ok(Err(StoreError::NotReleased(_))) => error_with(
            StatusCode::NOT_FOUND,
            "api-not-released",
            &[
                ("month", Arg::from(month.to_string())),
                ("day", Arg::from(month.released_on().to_string())),
            ],
        ),
        _ => error_with(StatusCode::SERVICE_UNAVAILABLE, "api-unavailable", &[]),
    }
}
