//! Pooled figures, as members read them: a season's market barometer, released the first time
//! anyone asks for it (a write: the release and its audit entry) and read back as released after
//! (each read audited too). The portal, the API and the command line all come here.

use ensemble_i18n::{Arg, Lang, tr, tr_args};
use ensemble_model::{Purpose, geo, vocab};
use ensemble_privacy::disclosure::{Figure, Hidden, Released};
use ensemble_reports::document::{Cell, Document, DocumentTable, Section};
use ensemble_store::barometer::{Barometer, BarometerView, MEASURES, Season, UNKNOWN};
use ensemble_store::{Store, StoreError};

use crate::{ActionError, Actor};

/// A season's barometer for `actor`. Refused: `barometer-not-released` before the season's
/// release day (two weeks after it ends); `barometer-season-empty` for a season not yet released
/// in which the pool has no performance (nothing is released for it, so that asking for any year
/// leaves nothing behind).
pub fn barometer(store: &Store, actor: &Actor, season: Season) -> Result<Barometer, ActionError> {
    if season.released_on() > actor.clock.today() {
        return Err(ActionError::Refused("barometer-not-released"));
    }
    let released = store.read(|session| session.released_barometer(season))?;
    if released.is_none() && !barometer_seasons(store, actor)?.contains(&season) {
        return Err(ActionError::Refused("barometer-season-empty"));
    }
    let requester = actor.requester(Purpose::PooledStatistics);
    let now = actor.clock.now();
    match store.write(|session| session.pooled_barometer(&requester, season, now)) {
        Err(StoreError::NotReleased(_)) => Err(ActionError::Refused("barometer-not-released")),
        other => other.map_err(ActionError::Store),
    }
}

/// The seasons whose barometer can be read today, the latest first.
pub fn barometer_seasons(store: &Store, actor: &Actor) -> Result<Vec<Season>, ActionError> {
    let today = actor.clock.today();
    store
        .read(|session| session.barometer_seasons(today))
        .map_err(ActionError::Store)
}

/// A figure as a table cell: the number, or why it is hidden.
pub(crate) fn figure_cell(lang: Lang, figure: &Figure) -> Cell {
    match figure {
        Figure::Shown(value) => Cell::Number(*value as f64),
        Figure::Hidden(reason) => Cell::Text(tr(lang, &format!("report-hidden-{}", hidden_code(*reason)))),
    }
}

fn hidden_code(reason: Hidden) -> &'static str {
    match reason {
        Hidden::TooFewPeople => "too-few-people",
        Hidden::TooFewMembers => "too-few-members",
        Hidden::MostlyOneMember => "mostly-one-member",
        Hidden::Complementary => "complementary",
    }
}

/// A ratio of two shown figures (`scale` times), to one decimal; hidden when either part is.
fn ratio(lang: Lang, top: &Figure, bottom: &Figure, scale: f64) -> Cell {
    match (top, bottom) {
        (Figure::Shown(top), Figure::Shown(bottom)) if *bottom > 0 => {
            Cell::Number((*top as f64 * scale / *bottom as f64 * 10.0).round() / 10.0)
        }
        (Figure::Shown(_), Figure::Shown(_)) => Cell::Text(String::new()),
        (Figure::Hidden(reason), _) | (_, Figure::Hidden(reason)) => {
            Cell::Text(tr(lang, &format!("report-hidden-{}", hidden_code(*reason))))
        }
    }
}

/// The label of a row code of a view.
fn row_label(lang: Lang, view: &str, code: &str) -> String {
    match (view, code) {
        (_, UNKNOWN) => tr(lang, &format!("barometer-{view}-unknown")),
        ("region", code) => format!("{code} {}", geo::region_name(code).unwrap_or(code)),
        (_, code) => tr(lang, &format!("barometer-size-{code}")),
    }
}

/// The label of a discipline code.
fn discipline_label(lang: Lang, code: &str) -> String {
    vocab::vocabulary("disciplines-asq")
        .and_then(|v| v.term(code))
        .map_or_else(
            || tr(lang, "barometer-discipline-other"),
            |term| term.label(lang == Lang::En).to_string(),
        )
}

/// The barometer of a season as a document in the reader's language: per view (region, hall
/// size), the season against the one before (row totals: performances, seats, attendance,
/// occupancy, box office, average price), then each measure by discipline. Hidden figures say
/// why; a ratio is shown only when both its figures are.
pub fn barometer_document(lang: Lang, season: &Barometer, previous: Option<&Barometer>) -> Document {
    let measure_index = |name: &str| MEASURES.iter().position(|m| *m == name).unwrap_or(0);
    let mut sections = Vec::new();
    for view in &season.views {
        let before = previous.and_then(|p| p.views.iter().find(|v| v.view == view.view));
        // A row's total of a measure; `None`: the grand total.
        let totals = |view: &BarometerView, row: Option<usize>, measure: &str| -> Figure {
            let figures = &view.measures[measure_index(measure)].figures;
            row.map_or(figures.total, |row| figures.row_totals[row])
        };
        let mut headers = vec![tr(lang, &format!("barometer-view-{}", view.view))];
        for key in [
            "performances",
            "seats",
            "attendance",
            "occupancy",
            "box-office",
            "average-price",
        ] {
            headers.push(tr(lang, &format!("barometer-measure-{key}")));
        }
        if let Some(previous) = previous {
            let season = Arg::from(previous.season.as_str());
            headers.push(tr_args(lang, "barometer-previous-attendance", &[("season", season)]));
        }
        let mut lines: Vec<(String, Option<usize>)> = view
            .rows
            .iter()
            .enumerate()
            .filter(|(index, _)| totals(view, Some(*index), "performances") != Figure::Shown(0))
            .map(|(index, code)| (row_label(lang, &view.view, code), Some(index)))
            .collect();
        lines.push((tr(lang, "barometer-total"), None));
        let mut rows = Vec::new();
        for (label, index) in lines {
            let attendance = totals(view, index, "attendance");
            let mut row = vec![Cell::Text(label)];
            row.push(figure_cell(lang, &totals(view, index, "performances")));
            row.push(figure_cell(lang, &totals(view, index, "seats")));
            row.push(figure_cell(lang, &attendance));
            row.push(ratio(lang, &attendance, &totals(view, index, "seats"), 100.0));
            row.push(figure_cell(lang, &totals(view, index, "box-office")));
            row.push(ratio(
                lang,
                &totals(view, index, "box-office"),
                &totals(view, index, "paid"),
                1.0,
            ));
            if previous.is_some() {
                // The same row of the season before (rows are the same codes in every season).
                let same = |before: &BarometerView| match index {
                    Some(index) => before
                        .rows
                        .iter()
                        .position(|r| Some(r) == view.rows.get(index))
                        .map(|position| totals(before, Some(position), "attendance")),
                    None => Some(totals(before, None, "attendance")),
                };
                row.push(match before.and_then(same) {
                    Some(figure) => figure_cell(lang, &figure),
                    None => Cell::Text(String::new()),
                });
            }
            rows.push(row);
        }
        let mut tables = vec![DocumentTable {
            caption: tr_args(
                lang,
                &format!("barometer-summary-{}", view.view),
                &[("season", Arg::from(season.season.as_str()))],
            ),
            sheet: tr(lang, &format!("barometer-sheet-{}", view.view)),
            headers,
            rows,
        }];
        for measure in &view.measures {
            let mut headers = vec![tr(lang, &format!("barometer-view-{}", view.view))];
            headers.extend(season.disciplines.iter().map(|code| discipline_label(lang, code)));
            headers.push(tr(lang, "barometer-total"));
            let figures = &measure.figures;
            let mut rows: Vec<Vec<Cell>> = Vec::new();
            for (index, code) in view.rows.iter().enumerate() {
                if figures.row_totals[index] == Figure::Shown(0) {
                    continue;
                }
                let mut row = vec![Cell::Text(row_label(lang, &view.view, code))];
                row.extend(figures.cells[index].iter().map(|f| figure_cell(lang, f)));
                row.push(figure_cell(lang, &figures.row_totals[index]));
                rows.push(row);
            }
            let mut total = vec![Cell::Text(tr(lang, "barometer-total"))];
            total.extend(figures.column_totals.iter().map(|f| figure_cell(lang, f)));
            total.push(figure_cell(lang, &figures.total));
            rows.push(total);
            let name = tr(lang, &format!("barometer-measure-{}", measure.measure));
            tables.push(DocumentTable {
                caption: tr_args(
                    lang,
                    &format!("barometer-detail-{}", view.view),
                    &[
                        ("measure", Arg::from(name.as_str())),
                        ("season", Arg::from(season.season.as_str())),
                    ],
                ),
                sheet: format!("{} {}", tr(lang, &format!("barometer-sheet-{}", view.view)), name)
                    .chars()
                    .take(31)
                    .collect(),
                headers,
                rows,
            });
        }
        sections.push(Section {
            heading: tr(lang, &format!("barometer-heading-{}", view.view)),
            text: tr(lang, &format!("barometer-text-{}", view.view)),
            tables,
        });
    }
    let (shown, all) = shown_share(season);
    Document {
        title: tr_args(
            lang,
            "barometer-title",
            &[("season", Arg::from(season.season.as_str()))],
        ),
        subtitle: tr_args(
            lang,
            "barometer-subtitle",
            &[
                ("members", Arg::from(season.pool_members)),
                ("shown", Arg::from(shown)),
                ("cells", Arg::from(all)),
                ("people", Arg::from(season.rules.min_people)),
                ("min_members", Arg::from(season.rules.min_members)),
            ],
        ),
        sections,
    }
}

/// How many of a release's figures are shown, of how many that count some performance (a
/// figure of a cell with no performance is an empty cell, not a shown one).
pub fn shown_share(season: &Barometer) -> (usize, usize) {
    fn all(figures: &Released) -> Vec<&Figure> {
        figures
            .cells
            .iter()
            .flatten()
            .chain(&figures.row_totals)
            .chain(&figures.column_totals)
            .chain(std::iter::once(&figures.total))
            .collect()
    }
    let (mut shown, mut counted) = (0, 0);
    for view in &season.views {
        let Some(performances) = view.measures.first().map(|m| all(&m.figures)) else {
            continue;
        };
        for measure in &view.measures {
            for (figure, performed) in all(&measure.figures).into_iter().zip(&performances) {
                if **performed != Figure::Shown(0) {
                    counted += 1;
                    shown += usize::from(!figure.is_hidden());
                }
            }
        }
    }
    (shown, counted)
}
