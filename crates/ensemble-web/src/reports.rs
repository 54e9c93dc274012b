//! A member's funder reports (`ensemble_reports`): choose a template and a season, read the
//! tables with a chart, open the performances behind any line, see what is still missing, and
//! download the workbook or the JSON. Settlements are read through a grant, as on the command line.

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use ensemble_i18n::{Arg, Lang, tr, tr_args};
use ensemble_model::Purpose;
use ensemble_reports::{Report, ReportError, Value};

use crate::browse::{Choice, choices};
use crate::http::{MemberScope, Signed};
use crate::pages::{Texts, encode, message, render, texts};
use crate::{AppState, PageLang};

/// A table as the page shows it.
pub struct TableView {
    title: String,
    headers: Vec<String>,
    lines: Vec<LineView>,
}

/// A line: its cells, and the address of the performances behind it.
pub struct LineView {
    cells: Vec<String>,
    total: bool,
    detail: String,
}

/// A performance behind a line.
pub struct DetailView {
    date: String,
    show: String,
    venue: String,
    attendance: String,
    source: String,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    t: Texts,
    slug: String,
    templates: Vec<Choice>,
    periods: Vec<Choice>,
    problem: Option<String>,
    title: String,
    about: String,
    tables: Vec<TableView>,
    chart: Option<String>,
    missing: Vec<String>,
    detail_title: String,
    details: Vec<DetailView>,
    download: String,
}

/// The seasons offered: the current one and the four before.
fn seasons(today: chrono::NaiveDate) -> Vec<(String, String)> {
    let current = if today.month() >= 9 {
        today.year()
    } else {
        today.year() - 1
    };
    (0..5)
        .map(|back| {
            let first = current - back;
            let code = format!("{first}-{}", first + 1);
            (code.clone(), code)
        })
        .collect()
}

fn error_text(lang: Lang, error: &ReportError) -> String {
    tr_args(lang, &format!("error-{}", error.code()), &error.args())
}

/// Builds the report asked for in `query` on behalf of the signed-in person.
async fn build(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    template: &str,
    period: &str,
    lang: Lang,
) -> Result<Result<Report, ReportError>, ()> {
    let clock = state.clock;
    let store = state.store.clone();
    let asking = signed.requester(Purpose::Reporting);
    let folder = state.report_templates.clone();
    let (slug, template, period) = (slug.to_string(), template.to_string(), period.to_string());
    tokio::task::spawn_blocking(move || {
        let request = ensemble_reports::Request {
            member: &slug,
            template: &template,
            period: &period,
            templates: folder.as_ref().map(|p| p.as_path()),
            lang,
            today: clock.today(),
        };
        ensemble_reports::run(&store, &asking, &request)
    })
    .await
    .map_err(|_| ())
}

/// `GET /membres/{member}/rapports?modele=occq&periode=2025-2026[&ligne=TABLE-N][&format=xlsx|json]`.
pub async fn page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let clock = state.clock;
    let folder = state.report_templates.clone();
    let (names, broken) = match ensemble_reports::templates(folder.as_ref().map(|p| p.as_path())) {
        Ok(all) => (
            all.iter()
                .map(|template| {
                    (
                        template.name.clone(),
                        format!("{} · {}", template.funder.get(lang), template.title.get(lang)),
                    )
                })
                .collect::<Vec<_>>(),
            None,
        ),
        Err(error) => (Vec::new(), Some(error_text(lang, &error))),
    };
    let periods = seasons(clock.today());
    let template = query
        .get("modele")
        .cloned()
        .unwrap_or_else(|| names.first().map(|(name, _)| name.clone()).unwrap_or_default());
    let period = query
        .get("periode")
        .cloned()
        .unwrap_or_else(|| periods.get(1).map(|(code, _)| code.clone()).unwrap_or_default());
    let t = match texts(&state, lang, Some(&signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let mut page = ReportsPage {
        slug: member.slug.clone(),
        templates: choices(&template, names),
        periods: choices(&period, periods),
        problem: None,
        title: String::new(),
        about: String::new(),
        tables: Vec::new(),
        chart: None,
        missing: Vec::new(),
        detail_title: String::new(),
        details: Vec::new(),
        download: format!(
            "/membres/{}/rapports?modele={}&periode={}",
            encode(&member.slug),
            encode(&template),
            encode(&period)
        ),
        t,
    };
    if broken.is_some() {
        page.problem = broken;
        return (StatusCode::INTERNAL_SERVER_ERROR, render(&page)).into_response();
    }
    let report = match build(&state, &signed, &member.slug, &template, &period, lang).await {
        Ok(Ok(report)) => report,
        Ok(Err(ReportError::Store(_))) | Err(()) => {
            return message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable");
        }
        Ok(Err(error)) => {
            page.problem = Some(error_text(lang, &error));
            return (StatusCode::BAD_REQUEST, render(&page)).into_response();
        }
    };
    match query.get("format").map(String::as_str) {
        Some("xlsx") => return workbook(&report, lang),
        Some("json") => {
            let name = format!("{}-{}-{}.json", report.template, report.member.0, report.period);
            let body = serde_json::to_string_pretty(&report).unwrap_or_default();
            return download(&name, "application/json", body.into_bytes());
        }
        _ => {}
    }
    page.title = format!("{} · {}", report.funder, report.title);
    page.about = report.about.clone();
    page.missing = ensemble_reports::completeness_lines(&report.completeness, lang);
    for (index, table) in report.tables.iter().enumerate() {
        let view_line = |number: usize, line: &ensemble_reports::Line, total: bool| {
            let mut cells: Vec<String> = line.keys.iter().map(|(_, label)| label.clone()).collect();
            cells.extend(line.values.iter().map(|value| value.text(lang)));
            LineView {
                cells,
                total,
                detail: format!("{}&ligne={index}-{number}#detail", page.download),
            }
        };
        let mut lines: Vec<LineView> = table
            .lines
            .iter()
            .enumerate()
            .map(|(number, line)| view_line(number, line, false))
            .collect();
        if let Some(total) = &table.total {
            lines.push(view_line(table.lines.len(), total, true));
        }
        page.tables.push(TableView {
            title: table.title.clone(),
            headers: table.headers.clone(),
            lines,
        });
    }
    page.chart = chart(&report, lang);
    if let Some((table, number)) = query
        .get("ligne")
        .and_then(|text| text.split_once('-'))
        .and_then(|(table, number)| Some((table.parse::<usize>().ok()?, number.parse::<usize>().ok()?)))
        && let Some(table) = report.tables.get(table)
        && let Some(line) = table
            .lines
            .get(number)
            .or(table.total.as_ref().filter(|_| number == table.lines.len()))
    {
        let keys: Vec<&str> = line.keys.iter().map(|(_, label)| label.as_str()).collect();
        page.detail_title = format!("{} · {}", table.title, keys.join(" · "));
        page.details = report
            .facts
            .iter()
            .filter(|fact| line.performances.contains(&fact.performance))
            .map(|fact| DetailView {
                date: ensemble_i18n::format::date(lang, fact.date),
                show: fact.show.clone(),
                venue: fact.venue.clone(),
                attendance: fact.settlement.as_ref().map_or_else(
                    || "—".to_string(),
                    |s| Value::Count(ensemble_reports::facts::attendance(s)).text(lang),
                ),
                source: match fact.settlement_from {
                    None => tr(lang, "report-details-settlement-none"),
                    Some(from) if from == report.member_id => tr(lang, "report-details-settlement-own"),
                    Some(from) => tr_args(lang, "report-details-settlement-shared", &[("member", Arg::from(from))]),
                },
            })
            .collect();
    }
    render(&page)
}

/// The first table's first measure, one bar per line.
fn chart(report: &Report, lang: Lang) -> Option<String> {
    let table = report
        .tables
        .iter()
        .find(|table| table.total.is_some() && !table.lines.is_empty())?;
    let header = table.headers.get(table.key_columns)?;
    // Labels under every bar when there is room for them.
    let labelled = table.lines.len() <= 8;
    let bars: Vec<crate::chart::Bar> = table
        .lines
        .iter()
        .map(|line| crate::chart::Bar {
            label: line
                .keys
                .iter()
                .map(|(_, label)| label.as_str())
                .collect::<Vec<_>>()
                .join(" · "),
            value: match line.values.first() {
                Some(Value::Count(count)) => (*count).max(0) as u64,
                Some(Value::Money(cents)) => (*cents / 100).max(0) as u64,
                _ => 0,
            },
            labelled,
        })
        .collect();
    let title = format!("{} · {header}", table.title);
    let description = bars
        .iter()
        .map(|bar| match lang {
            Lang::Fr => format!("{} : {}", bar.label, bar.value),
            Lang::En => format!("{}: {}", bar.label, bar.value),
        })
        .collect::<Vec<_>>()
        .join(" ; ");
    Some(crate::chart::bars("rapport", &title, &description, &bars, |value| {
        ensemble_i18n::format::integer(lang, value.min(i64::MAX as u64) as i64)
    }))
}

fn download(name: &str, content_type: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        body,
    )
        .into_response()
}

fn workbook(report: &Report, lang: Lang) -> Response {
    let name = format!("{}-{}-{}.xlsx", report.template, report.member.0, report.period);
    match ensemble_reports::export::workbook(report, lang).and_then(|mut book| book.save_to_buffer()) {
        Ok(bytes) => download(
            &name,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            bytes,
        ),
        Err(_) => message(lang, StatusCode::INTERNAL_SERVER_ERROR, "web-unavailable"),
    }
}
