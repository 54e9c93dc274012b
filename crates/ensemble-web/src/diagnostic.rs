//! The data diagnostic's maturity page: a member's self-assessment on each dimension of the
//! maturity model, drawn as a radar beside the consortium's median (shown only when enough members
//! answered), its history, and the form its administrators answer it with.

use std::collections::HashMap;
use std::f64::consts::PI;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use ensemble_actions::ActionError;
use ensemble_actions::diagnostic::{self, MaturityModel, MaturityView};
use ensemble_i18n::{Arg, Lang, tr, tr_args};

use crate::error::WebError;
use crate::http::{MemberScope, Signed};
use crate::pages::{Texts, encode, form_status, label, render, texts};
use crate::{AppState, PageLang};

/// One dimension's row: its name, the member's level in words, the consortium's median or why it
/// is hidden, and the levels offered by the form (number, words, chosen).
pub struct DimensionLine {
    code: String,
    name: String,
    level: String,
    median: String,
    choices: Vec<(i64, String, bool)>,
}

#[derive(Template)]
#[template(path = "maturity.html")]
struct MaturityPage {
    t: Texts,
    slug: String,
    admin: bool,
    error: Option<String>,
    lines: Vec<DimensionLine>,
    /// The radar, when the member answered.
    radar: Option<Radar>,
    /// Each day assessed, with its levels in the model's order.
    history: Vec<(String, Vec<String>)>,
}

/// The radar drawn in SVG: one axis per dimension, rings for the levels.
pub struct Radar {
    size: f64,
    center: f64,
    /// Each axis: its end, where its name is written and how it is anchored, and its name.
    axes: Vec<(f64, f64, f64, f64, &'static str, String)>,
    rings: Vec<String>,
    member: String,
    median: Option<String>,
    description: String,
}

/// The drawing's side and the radar's radius: room left around it for the dimensions' names.
const RADAR: f64 = 500.0;
const RADIUS: f64 = 120.0;

/// The point at `level` (of `top`) on axis `index` of `count`.
fn point(index: usize, count: usize, level: f64, top: f64) -> (f64, f64) {
    let angle = -PI / 2.0 + 2.0 * PI * index as f64 / count as f64;
    let r = RADIUS * level / top;
    (RADAR / 2.0 + r * angle.cos(), RADAR / 2.0 + r * angle.sin())
}

fn polygon(points: impl Iterator<Item = (f64, f64)>) -> String {
    points
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn radar(lang: Lang, model: &MaturityModel, view: &MaturityView) -> Option<Radar> {
    let count = model.dimensions.len();
    let top = model.dimensions.iter().map(|d| d.levels_fr.len()).max().unwrap_or(1) as f64;
    if view.dimensions.iter().any(|d| d.level.is_none()) || count < 3 {
        return None;
    }
    let name = |index: usize| {
        let dimension = &model.dimensions[index];
        label(lang, &dimension.label_fr, &dimension.label_en)
    };
    let axes = (0..count)
        .map(|index| {
            let (x, y) = point(index, count, top, top);
            let (lx, ly) = point(index, count, top + 0.6, top);
            let anchor = match lx - RADAR / 2.0 {
                offset if offset < -10.0 => "end",
                offset if offset > 10.0 => "start",
                _ => "middle",
            };
            (x, y, lx, ly, anchor, name(index))
        })
        .collect();
    let rings = (1..=top as usize)
        .map(|level| polygon((0..count).map(|index| point(index, count, level as f64, top))))
        .collect();
    let member = polygon(
        (view.dimensions.iter().enumerate()).map(|(index, d)| point(index, count, d.level.unwrap_or(0) as f64, top)),
    );
    let median = view.dimensions.iter().all(|d| d.median.is_some()).then(|| {
        polygon(
            (view.dimensions.iter().enumerate()).map(|(index, d)| point(index, count, d.median.unwrap_or(0.0), top)),
        )
    });
    let description = (view.dimensions.iter().enumerate())
        .map(|(index, d)| format!("{} {}", name(index), d.level.unwrap_or(0)))
        .collect::<Vec<_>>()
        .join(", ");
    Some(Radar {
        size: RADAR,
        center: RADAR / 2.0,
        axes,
        rings,
        member,
        median,
        description: tr_args(lang, "web-maturity-radar", &[("levels", Arg::from(description))]),
    })
}

async fn page(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    member: &ensemble_model::Member,
    error: Option<&str>,
) -> Response {
    let model = state.maturity.clone();
    let (store, id) = (state.store.clone(), member.id);
    let view = match tokio::task::spawn_blocking(move || diagnostic::view(&store, &model, id)).await {
        Ok(Ok(view)) => view,
        _ => return crate::pages::message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable"),
    };
    let t = match texts(state, lang, Some(signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let model = &state.maturity;
    let words = |index: usize, level: i64| {
        let dimension = &model.dimensions[index];
        let levels = if lang == Lang::Fr {
            &dimension.levels_fr
        } else {
            &dimension.levels_en
        };
        usize::try_from(level - 1)
            .ok()
            .and_then(|at| levels.get(at))
            .cloned()
            .unwrap_or_default()
    };
    let lines = (model.dimensions.iter().zip(&view.dimensions).enumerate())
        .map(|(index, (dimension, shown))| DimensionLine {
            code: dimension.code.clone(),
            name: label(lang, &dimension.label_fr, &dimension.label_en),
            level: shown.level.map_or_else(
                || tr(lang, "web-maturity-unanswered"),
                |level| format!("{level} : {}", words(index, level)),
            ),
            median: match shown.median {
                Some(median) => level_text(lang, median),
                None => tr_args(
                    lang,
                    "web-maturity-median-hidden",
                    &[
                        ("answered", Arg::from(shown.answered)),
                        ("needed", Arg::from(view.min_members)),
                    ],
                ),
            },
            choices: (1..=dimension.levels_fr.len() as i64)
                .map(|level| (level, words(index, level), shown.level == Some(level)))
                .collect(),
        })
        .collect();
    let history = (view.history.iter())
        .map(|(day, levels)| {
            let in_order = (model.dimensions.iter())
                .map(|d| {
                    levels
                        .iter()
                        .find(|(code, _)| *code == d.code)
                        .map_or_else(|| "–".to_string(), |(_, level)| level.to_string())
                })
                .collect();
            (ensemble_i18n::format::date(lang, *day), in_order)
        })
        .collect();
    let actor = signed.actor(state.clock);
    let status = form_status(error.is_some());
    let page = MaturityPage {
        slug: member.slug.clone(),
        admin: actor.administers(member),
        error: error.map(|key| tr(lang, key)),
        radar: radar(lang, model, &view),
        lines,
        history,
        t,
    };
    (status, render(&page)).into_response()
}

/// `GET /membres/{member}/maturite`: the member's data maturity.
pub async fn maturity(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
) -> Response {
    page(&state, lang, &signed, &member, None).await
}

/// `POST /membres/{member}/maturite`: the member's administrators answer the self-assessment.
pub async fn assess(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let model = state.maturity.clone();
    let levels: Vec<(String, i64)> = (model.dimensions.iter())
        .filter_map(|d| Some((d.code.clone(), form.get(&d.code)?.trim().parse().ok()?)))
        .collect();
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let scope = member.clone();
    match tokio::task::spawn_blocking(move || diagnostic::assess(&store, &actor, &model, &scope, &levels)).await? {
        Ok(()) => Ok(Redirect::to(&format!("/membres/{}/maturite", encode(&member.slug))).into_response()),
        Err(ActionError::Refused(code @ ("maturity-incomplete" | "maturity-level-unknown"))) => {
            let key = format!("error-{code}");
            Ok(page(&state, lang, &signed, &member, Some(&key)).await)
        }
        Err(error) => Err(error.into()),
    }
}

/// A median level as people write it: `3`, `2,5` in French, `2.5` in English.
fn level_text(lang: Lang, level: f64) -> String {
    let text = format!("{level:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text).to_string();
    match lang {
        Lang::Fr => text.replace('.', ","),
        Lang::En => text,
    }
}

/// A declared asset as the inventory lists it.
pub struct AssetLine {
    id: i64,
    name: String,
    category: String,
    system: String,
    personal: String,
    records: String,
    frequency: String,
}

/// What Ensemble measures of one kind of record.
pub struct MeasuredLine {
    entity: String,
    records: String,
    completeness: String,
    updated: String,
}

#[derive(Template)]
#[template(path = "inventory.html")]
struct InventoryPage {
    t: Texts,
    slug: String,
    admin: bool,
    error: Option<String>,
    assets: Vec<AssetLine>,
    measured: Vec<MeasuredLine>,
    categories: Vec<(String, String)>,
    frequencies: Vec<(String, String)>,
}

async fn inventory_page(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    member: &ensemble_model::Member,
    error: Option<&str>,
) -> Response {
    use ensemble_model::{DataAsset, DataCategory, Frequency};
    let id = member.id;
    let read_all = crate::pages::read(state, lang, move |session| {
        let filter = ensemble_store::ListFilter {
            member_id: Some(id),
            ..ensemble_store::ListFilter::default()
        };
        Ok((session.list_any::<DataAsset>(&filter)?, session.measured_inventory(id)?))
    });
    let (assets, measured) = match read_all.await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let t = match texts(state, lang, Some(signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let number = |value: i64| ensemble_i18n::format::integer(lang, value);
    let docs = ensemble_model::entity_docs();
    let page = InventoryPage {
        slug: member.slug.clone(),
        admin: signed.actor(state.clock).administers(member),
        error: error.map(|key| tr(lang, key)),
        assets: assets
            .into_iter()
            .map(|asset| AssetLine {
                id: asset.id.0,
                name: asset.name,
                category: label(lang, asset.category.label_fr(), asset.category.label_en()),
                system: asset.system.unwrap_or_default(),
                personal: tr(
                    lang,
                    if asset.contains_personal_data {
                        "web-yes"
                    } else {
                        "web-no"
                    },
                ),
                records: asset.record_count.map(number).unwrap_or_default(),
                frequency: label(
                    lang,
                    asset.update_frequency.label_fr(),
                    asset.update_frequency.label_en(),
                ),
            })
            .collect(),
        measured: measured
            .into_iter()
            .map(|found| MeasuredLine {
                entity: docs.iter().find(|doc| doc.name == found.entity).map_or_else(
                    || found.entity.to_string(),
                    |doc| label(lang, doc.label_fr, doc.label_en),
                ),
                records: number(i64::try_from(found.records).unwrap_or(i64::MAX)),
                completeness: found
                    .completeness
                    .map(|share| format!("{} %", number((share * 100.0).round() as i64)))
                    .unwrap_or_default(),
                updated: found.updated_at.map(|moment| t.date(&moment)).unwrap_or_default(),
            })
            .collect(),
        categories: DataCategory::ALL
            .iter()
            .map(|c| (c.code().to_string(), label(lang, c.label_fr(), c.label_en())))
            .collect(),
        frequencies: Frequency::ALL
            .iter()
            .map(|f| (f.code().to_string(), label(lang, f.label_fr(), f.label_en())))
            .collect(),
        t,
    };
    (form_status(error.is_some()), render(&page)).into_response()
}

/// `GET /membres/{member}/inventaire`: the data the member declares beside what Ensemble measures.
pub async fn inventory(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
) -> Response {
    inventory_page(&state, lang, &signed, &member, None).await
}

/// What the form declaring an asset sends.
#[derive(Debug, serde::Deserialize)]
pub struct NewAssetForm {
    name: String,
    category: String,
    #[serde(default)]
    system: String,
    #[serde(default)]
    personal: Option<String>,
    #[serde(default)]
    records: String,
    frequency: String,
}

/// `POST /membres/{member}/inventaire`: the member's administrators declare an asset.
pub async fn declare_asset(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Form(form): Form<NewAssetForm>,
) -> Result<Response, WebError> {
    let category = ensemble_model::DataCategory::from_code(&form.category);
    let frequency = ensemble_model::Frequency::from_code(&form.frequency);
    let records = match form.records.trim() {
        "" => Some(None),
        text => text
            .replace([' ', '\u{a0}', '\u{202f}'], "")
            .parse::<i64>()
            .ok()
            .map(Some),
    };
    let (Some(category), Some(update_frequency), Some(record_count)) = (category, frequency, records) else {
        return Ok(inventory_page(&state, lang, &signed, &member, Some("web-inventory-form-invalid")).await);
    };
    let new = diagnostic::NewAsset {
        name: form.name,
        category,
        system: Some(form.system),
        contains_personal_data: form.personal.is_some(),
        record_count,
        update_frequency,
    };
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let scope = member.clone();
    match tokio::task::spawn_blocking(move || diagnostic::declare_asset(&store, &actor, &scope, &new)).await? {
        Ok(_) => Ok(Redirect::to(&format!("/membres/{}/inventaire", encode(&member.slug))).into_response()),
        Err(ActionError::Refused(code @ ("asset-name-missing" | "asset-count-invalid"))) => {
            let key = format!("error-{code}");
            Ok(inventory_page(&state, lang, &signed, &member, Some(&key)).await)
        }
        Err(error) => Err(error.into()),
    }
}

/// `POST /membres/{member}/inventaire/{asset}/retirer`: removes a declared asset.
pub async fn remove_asset(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    axum::extract::Path((_, asset)): axum::extract::Path<(String, i64)>,
) -> Result<Response, WebError> {
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let scope = member.clone();
    match tokio::task::spawn_blocking(move || diagnostic::remove_asset(&store, &actor, &scope, asset)).await? {
        Ok(()) => Ok(Redirect::to(&format!("/membres/{}/inventaire", encode(&member.slug))).into_response()),
        Err(ActionError::Refused("asset-unknown")) => Err(WebError::NotFound),
        Err(error) => Err(error.into()),
    }
}
