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
    categories: String,
    system: String,
    owner: String,
    format: String,
    quality: String,
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
    formats: Vec<(String, String)>,
    qualities: Vec<(String, String)>,
    frequencies: Vec<(String, String)>,
}

async fn inventory_page(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    member: &ensemble_model::Member,
    error: Option<&str>,
) -> Response {
    use ensemble_model::{DataCategory, DataFormat, DeclaredQuality, Frequency};
    let id = member.id;
    let read_all = crate::pages::read(state, lang, move |session| {
        Ok((session.declared_inventory(id)?, session.measured_inventory(id)?))
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
                categories: (asset.categories.iter())
                    .map(|c| label(lang, c.label_fr(), c.label_en()))
                    .collect::<Vec<_>>()
                    .join(", "),
                system: asset.system.unwrap_or_default(),
                owner: asset.owner.unwrap_or_default(),
                format: label(lang, asset.format.label_fr(), asset.format.label_en()),
                quality: label(lang, asset.quality.label_fr(), asset.quality.label_en()),
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
        formats: DataFormat::ALL
            .iter()
            .map(|f| (f.code().to_string(), label(lang, f.label_fr(), f.label_en())))
            .collect(),
        qualities: DeclaredQuality::ALL
            .iter()
            .map(|q| (q.code().to_string(), label(lang, q.label_fr(), q.label_en())))
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

/// What the form declaring an asset sends (categories come as repeated `category` fields).
#[derive(Debug, Default)]
struct NewAssetForm {
    name: String,
    categories: Vec<String>,
    system: String,
    owner: String,
    format: String,
    quality: String,
    personal: bool,
    records: String,
    frequency: String,
}

impl NewAssetForm {
    fn parse(body: &[u8]) -> NewAssetForm {
        let mut form = NewAssetForm::default();
        for (name, value) in form_urlencoded::parse(body) {
            match name.as_ref() {
                "name" => form.name = value.into_owned(),
                "category" => form.categories.push(value.into_owned()),
                "system" => form.system = value.into_owned(),
                "owner" => form.owner = value.into_owned(),
                "format" => form.format = value.into_owned(),
                "quality" => form.quality = value.into_owned(),
                "personal" => form.personal = true,
                "records" => form.records = value.into_owned(),
                "frequency" => form.frequency = value.into_owned(),
                _ => {}
            }
        }
        form
    }

    /// The asset it declares; `None` when a list's choice or the count cannot be read (an
    /// unknown category is such a choice, no category at all is left to the action).
    fn asset(self) -> Option<diagnostic::NewAsset> {
        use ensemble_model::{DataCategory, DataFormat, DeclaredQuality, Frequency};
        let categories = (self.categories.iter())
            .map(|code| DataCategory::from_code(code))
            .collect::<Option<Vec<_>>>()?;
        let record_count = match self.records.trim() {
            "" => None,
            text => Some(text.replace([' ', '\u{a0}', '\u{202f}'], "").parse::<i64>().ok()?),
        };
        Some(diagnostic::NewAsset {
            name: self.name,
            categories,
            system: Some(self.system),
            owner: Some(self.owner),
            format: DataFormat::from_code(&self.format)?,
            quality: DeclaredQuality::from_code(&self.quality)?,
            contains_personal_data: self.personal,
            record_count,
            update_frequency: Frequency::from_code(&self.frequency)?,
        })
    }
}

/// `POST /membres/{member}/inventaire`: the member's administrators declare an asset.
pub async fn declare_asset(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let Some(new) = NewAssetForm::parse(&body).asset() else {
        return Ok(inventory_page(&state, lang, &signed, &member, Some("web-inventory-form-invalid")).await);
    };
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let scope = member.clone();
    match tokio::task::spawn_blocking(move || diagnostic::declare_asset(&store, &actor, &scope, &new)).await? {
        Ok(_) => Ok(Redirect::to(&format!("/membres/{}/inventaire", encode(&member.slug))).into_response()),
        Err(ActionError::Refused(code @ ("asset-name-missing" | "asset-category-missing" | "asset-count-invalid"))) => {
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

/// One link of the chain as a member's page shows it.
pub struct ActivityLine {
    code: String,
    name: String,
    issues: String,
    data: String,
    systems: String,
    described: bool,
}

/// One exchange as listed: its number, from, to, what, how, and whether the page's member sends it.
pub struct ExchangeLine {
    id: i64,
    from: String,
    to: String,
    what: String,
    how: String,
    sent: bool,
}

/// The consortium's chain drawn as a flow: one lane per member, a column per link, the exchanges
/// as numbered arrows between lanes.
pub struct Flow {
    width: usize,
    height: usize,
    /// Column headings: x, y (every other one lower, so that long names do not meet), name.
    columns: Vec<(usize, usize, String)>,
    /// Lanes: y, name, and the x of each link the member describes.
    lanes: Vec<(usize, String, Vec<usize>)>,
    /// Arrows: x, y from, y to, number.
    arrows: Vec<(usize, usize, usize, i64)>,
    description: String,
}

const LABEL: usize = 190;
const COLUMN: usize = 96;
const LANE: usize = 56;
const TOP: usize = 60;

fn activity_name(lang: Lang, code: &str) -> String {
    tr(lang, &format!("web-chain-activity-{code}"))
}

/// The flow of every member's described links and of the exchanges between them (partners outside
/// on one lane at the bottom).
fn flow(
    lang: Lang,
    members: &[(ensemble_model::MemberId, String)],
    activities: &[ensemble_store::ChainActivity],
    exchanges: &[ensemble_store::ChainExchange],
) -> Option<Flow> {
    if activities.is_empty() && exchanges.is_empty() {
        return None;
    }
    let links = diagnostic::ACTIVITIES;
    let outside = exchanges.iter().any(|e| e.to_member.is_none());
    let lane_y = |index: usize| TOP + index * LANE + LANE / 2;
    let lane_of = |member: Option<ensemble_model::MemberId>| match member {
        Some(id) => members.iter().position(|(m, _)| *m == id),
        None => Some(members.len()),
    };
    let columns = (links.iter().enumerate())
        .map(|(index, code)| {
            (
                LABEL + index * COLUMN + COLUMN / 2,
                16 + (index % 2) * 18,
                activity_name(lang, code),
            )
        })
        .collect();
    let mut lanes: Vec<(usize, String, Vec<usize>)> = (members.iter().enumerate())
        .map(|(index, (id, name))| {
            let xs = (links.iter().enumerate())
                .filter(|(_, code)| activities.iter().any(|a| a.member_id == *id && a.activity == **code))
                .map(|(column, _)| LABEL + column * COLUMN + COLUMN / 2)
                .collect();
            (lane_y(index), name.clone(), xs)
        })
        .collect();
    if outside {
        lanes.push((lane_y(members.len()), tr(lang, "web-chain-partners"), Vec::new()));
    }
    let arrows_x = LABEL + links.len() * COLUMN + 16;
    let arrows: Vec<(usize, usize, usize, i64)> = (exchanges.iter().enumerate())
        .filter_map(|(index, exchange)| {
            let from = lane_of(Some(exchange.from_member))?;
            let to = lane_of(exchange.to_member)?;
            Some((arrows_x + index * 22, lane_y(from), lane_y(to), exchange.id))
        })
        .collect();
    let width = arrows_x + arrows.len() * 22 + 24;
    let height = TOP + lanes.len() * LANE + 8;
    let description = tr_args(
        lang,
        "web-chain-flow",
        &[
            ("members", Arg::from(members.len())),
            ("links", Arg::from(activities.len())),
            ("exchanges", Arg::from(exchanges.len())),
        ],
    );
    Some(Flow {
        width,
        height,
        columns,
        lanes,
        arrows,
        description,
    })
}

#[derive(Template)]
#[template(path = "chain.html")]
struct ChainPage {
    t: Texts,
    /// The member whose page this is; none on the consortium's.
    slug: Option<String>,
    admin: bool,
    error: Option<String>,
    activities: Vec<ActivityLine>,
    exchanges: Vec<ExchangeLine>,
    flow: Option<Flow>,
    /// Other members a member may send to: code, name.
    recipients: Vec<(String, String)>,
    channels: Vec<(String, String)>,
}

async fn chain_page(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    member: Option<&ensemble_model::Member>,
    error: Option<&str>,
) -> Response {
    let scope = member.map(|m| m.id);
    let read_all = crate::pages::read(state, lang, move |session| {
        let members = crate::pages::member_lines(session, lang)?;
        let ids: Vec<(ensemble_model::MemberId, String, String)> = members
            .into_iter()
            .filter_map(|line| {
                let member = session.member_by_slug(&line.slug).ok()??;
                Some((member.id, line.slug, line.name))
            })
            .collect();
        Ok((ids, session.chain_activities(scope)?, session.chain_exchanges(scope)?))
    });
    let (members, activities, exchanges) = match read_all.await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let t = match texts(state, lang, Some(signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let name_of = |id: ensemble_model::MemberId| {
        members
            .iter()
            .find(|(m, _, _)| *m == id)
            .map_or_else(String::new, |(_, _, name)| name.clone())
    };
    let channel = |code: &str| tr(lang, &format!("web-chain-how-{code}"));
    let activity_lines = match member {
        Some(member) => (diagnostic::ACTIVITIES.iter())
            .map(|code| {
                let found = activities
                    .iter()
                    .find(|a| a.member_id == member.id && a.activity == *code);
                ActivityLine {
                    code: code.to_string(),
                    name: activity_name(lang, code),
                    issues: found.map(|a| a.issues.clone()).unwrap_or_default(),
                    data: found.map(|a| a.data.clone()).unwrap_or_default(),
                    systems: found.map(|a| a.systems.clone()).unwrap_or_default(),
                    described: found.is_some(),
                }
            })
            .collect(),
        None => Vec::new(),
    };
    let exchange_lines = (exchanges.iter())
        .map(|e| ExchangeLine {
            id: e.id,
            from: name_of(e.from_member),
            to: e
                .to_member
                .map_or_else(|| e.partner.clone().unwrap_or_default(), name_of),
            what: e.what.clone(),
            how: channel(&e.how),
            sent: member.is_some_and(|m| m.id == e.from_member),
        })
        .collect();
    let lanes: Vec<(ensemble_model::MemberId, String)> = match member {
        // A member's page draws it and those it exchanges with.
        Some(member) => (members.iter())
            .filter(|(id, _, _)| {
                *id == member.id
                    || exchanges
                        .iter()
                        .any(|e| e.from_member == *id || e.to_member == Some(*id))
            })
            .map(|(id, _, name)| (*id, name.clone()))
            .collect(),
        None => members.iter().map(|(id, _, name)| (*id, name.clone())).collect(),
    };
    let page = ChainPage {
        slug: member.map(|m| m.slug.clone()),
        admin: member.is_some_and(|m| signed.actor(state.clock).administers(m)),
        error: error.map(|key| tr(lang, key)),
        activities: activity_lines,
        flow: flow(lang, &lanes, &activities, &exchanges),
        exchanges: exchange_lines,
        recipients: (members.iter())
            .filter(|(id, _, _)| member.is_none_or(|m| m.id != *id))
            .map(|(_, slug, name)| (slug.clone(), name.clone()))
            .collect(),
        channels: diagnostic::CHANNELS
            .iter()
            .map(|code| (code.to_string(), channel(code)))
            .collect(),
        t,
    };
    (form_status(error.is_some()), render(&page)).into_response()
}

/// `GET /membres/{member}/chaine`: the member's links of the value chain and its exchanges.
pub async fn chain(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
) -> Response {
    chain_page(&state, lang, &signed, Some(&member), None).await
}

/// `GET /chaine`: the consortium's value chain, every member as a lane.
pub async fn consortium_chain(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
) -> Response {
    chain_page(&state, lang, &signed, None, None).await
}

/// What the form describing a link sends.
#[derive(Debug, serde::Deserialize)]
pub struct ActivityForm {
    activity: String,
    #[serde(default)]
    issues: String,
    #[serde(default)]
    data: String,
    #[serde(default)]
    systems: String,
}

async fn after_chain_change(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    member: &ensemble_model::Member,
    done: Result<(), ActionError>,
) -> Result<Response, WebError> {
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/membres/{}/chaine", encode(&member.slug))).into_response()),
        Err(ActionError::Refused(code @ ("chain-activity-unknown" | "chain-exchange-invalid" | "text-invalid"))) => {
            let key = format!("error-{code}");
            Ok(chain_page(state, lang, signed, Some(member), Some(&key)).await)
        }
        Err(ActionError::Refused("chain-exchange-unknown")) => Err(WebError::NotFound),
        Err(error) => Err(error.into()),
    }
}

/// `POST /membres/{member}/chaine`: describes one link (all empty removes it).
pub async fn describe_activity(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Form(form): Form<ActivityForm>,
) -> Result<Response, WebError> {
    let (store, actor, scope) = (state.store.clone(), signed.actor(state.clock), member.clone());
    let done = tokio::task::spawn_blocking(move || {
        let texts = (form.issues.as_str(), form.data.as_str(), form.systems.as_str());
        diagnostic::describe_activity(&store, &actor, &scope, &form.activity, texts)
    })
    .await?;
    after_chain_change(&state, lang, &signed, &member, done).await
}

/// What the form noting an exchange sends.
#[derive(Debug, serde::Deserialize)]
pub struct ExchangeForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    partner: String,
    what: String,
    how: String,
}

/// `POST /membres/{member}/chaine/echanges`: notes an exchange the member sends.
pub async fn add_exchange(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Form(form): Form<ExchangeForm>,
) -> Result<Response, WebError> {
    let (store, actor, scope) = (state.store.clone(), signed.actor(state.clock), member.clone());
    let done = tokio::task::spawn_blocking(move || {
        let to = match form.to.trim() {
            "" => None,
            slug => match store.read(|session| session.member_by_slug(slug))? {
                Some(found) => Some(found.id),
                None => return Err(ActionError::Refused("chain-exchange-invalid")),
            },
        };
        diagnostic::add_exchange(&store, &actor, &scope, (to, &form.partner), &form.what, &form.how).map(|_| ())
    })
    .await?;
    after_chain_change(&state, lang, &signed, &member, done).await
}

/// `POST /membres/{member}/chaine/echanges/{exchange}/retirer`: removes an exchange it sends.
pub async fn remove_exchange(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    axum::extract::Path((_, exchange)): axum::extract::Path<(String, i64)>,
) -> Result<Response, WebError> {
    let (store, actor, scope) = (state.store.clone(), signed.actor(state.clock), member.clone());
    let done =
        tokio::task::spawn_blocking(move || diagnostic::remove_exchange(&store, &actor, &scope, exchange)).await?;
    after_chain_change(&state, lang, &signed, &member, done).await
}

/// A solution as the workshop lists it.
pub struct SolutionLine {
    id: i64,
    title: String,
    value: String,
    feasibility: String,
    scored: usize,
}

/// A problem as the workshop lists it.
pub struct ProblemLine {
    id: i64,
    title: String,
    common: bool,
    members: String,
    /// Whether the signed person's member meets it.
    ours: bool,
    solutions: Vec<SolutionLine>,
}

/// The priority matrix: a point per scored solution, feasibility across, value up (x, y, the
/// y of its number, the solution's number).
pub struct Matrix {
    points: Vec<(f64, f64, f64, i64)>,
    description: String,
}

#[derive(Template)]
#[template(path = "workshop.html")]
struct WorkshopPage {
    t: Texts,
    /// The signed person's member, when they administer it (they write and score for it).
    writer: Option<String>,
    /// Whether the person may propose solutions (an administrator or the coordination).
    proposes: bool,
    error: Option<String>,
    problems: Vec<ProblemLine>,
    matrix: Option<Matrix>,
}

/// Where a mean score (1 to 5) falls on the matrix's 300-unit side.
fn on_matrix(mean: f64) -> f64 {
    40.0 + (mean - 1.0) / 4.0 * 240.0
}

async fn workshop_page(state: &AppState, lang: Lang, signed: &Signed, error: Option<&str>) -> Response {
    let store = state.store.clone();
    let read_all = crate::pages::read(state, lang, move |session| {
        let members = crate::pages::member_lines(session, lang)?;
        let ids: Vec<(ensemble_model::MemberId, String)> = members
            .into_iter()
            .filter_map(|line| Some((session.member_by_slug(&line.slug).ok()??.id, line.name)))
            .collect();
        Ok(ids)
    });
    let members = match read_all.await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let workshop = match tokio::task::spawn_blocking(move || diagnostic::workshop(&store)).await {
        Ok(Ok(found)) => found,
        _ => return crate::pages::message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable"),
    };
    let t = match texts(state, lang, Some(signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let actor = signed.actor(state.clock);
    let own = signed.user.member_id;
    let number = |mean: f64| {
        let text = format!("{mean:.1}");
        if lang == Lang::Fr { text.replace('.', ",") } else { text }
    };
    let mut points = Vec::new();
    let problems = workshop
        .into_iter()
        .map(|(problem, solutions)| ProblemLine {
            id: problem.id,
            common: problem.members.len() >= 2,
            members: problem
                .members
                .iter()
                .filter_map(|id| members.iter().find(|(m, _)| m == id).map(|(_, name)| name.clone()))
                .collect::<Vec<_>>()
                .join(", "),
            ours: own.is_some_and(|own| problem.members.contains(&own)),
            title: problem.title,
            solutions: solutions
                .into_iter()
                .map(|scored| {
                    if let Some((value, feasibility)) = scored.means {
                        let y = 320.0 - on_matrix(value);
                        points.push((on_matrix(feasibility), y, y + 4.0, scored.solution.id));
                    }
                    SolutionLine {
                        id: scored.solution.id,
                        title: scored.solution.title,
                        value: scored.means.map(|(value, _)| number(value)).unwrap_or_default(),
                        feasibility: scored
                            .means
                            .map(|(_, feasibility)| number(feasibility))
                            .unwrap_or_default(),
                        scored: scored.scored,
                    }
                })
                .collect(),
        })
        .collect();
    let matrix = (!points.is_empty()).then(|| Matrix {
        description: tr_args(lang, "web-workshop-matrix", &[("count", Arg::from(points.len()))]),
        points,
    });
    let writer = own
        .filter(|_| ensemble_actions::rank(actor.role) >= ensemble_actions::rank(ensemble_model::Role::MemberAdmin))
        .and(t.nav.as_ref().and_then(|nav| nav.member.clone()));
    let page = WorkshopPage {
        proposes: actor.is_coordination() || writer.is_some(),
        writer,
        error: error.map(|key| tr(lang, key)),
        problems,
        matrix,
        t,
    };
    (form_status(error.is_some()), render(&page)).into_response()
}

/// `GET /atelier`: the diagnostic's workshop, from problems to prioritised solutions.
pub async fn workshop(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
) -> Response {
    workshop_page(&state, lang, &signed, None).await
}

/// What the workshop's forms send: which one (`problem`, `share`, `solution`, `score`) and its
/// fields.
#[derive(Debug, serde::Deserialize)]
pub struct WorkshopForm {
    action: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    problem: i64,
    #[serde(default)]
    solution: i64,
    #[serde(default)]
    meets: String,
    #[serde(default)]
    value: i64,
    #[serde(default)]
    feasibility: i64,
}

/// `POST /atelier`: writes a problem, says the member meets one too, proposes a solution or
/// scores one — each an audited action; the member is the signed person's own.
pub async fn workshop_change(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Form(form): Form<WorkshopForm>,
) -> Result<Response, WebError> {
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let own = signed.user.member_id;
    let done = tokio::task::spawn_blocking(move || {
        let member = match own {
            Some(id) => store.read(|session| session.get::<ensemble_model::Member>(id.0))?,
            None => None,
        };
        let mine = || member.as_ref().ok_or(ActionError::Refused("member-not-yours"));
        match form.action.as_str() {
            "problem" => diagnostic::add_problem(&store, &actor, member.as_ref(), &form.title).map(|_| ()),
            "share" => diagnostic::share_problem(&store, &actor, mine()?, form.problem, form.meets == "yes"),
            "solution" => diagnostic::add_solution(&store, &actor, form.problem, &form.title).map(|_| ()),
            "score" => diagnostic::score(&store, &actor, mine()?, form.solution, (form.value, form.feasibility)),
            _ => Err(ActionError::Refused("problem-unknown")),
        }
    })
    .await?;
    match done {
        Ok(()) => Ok(Redirect::to("/atelier").into_response()),
        Err(ActionError::Refused(code)) if code != "member-not-yours" => {
            let key = format!("error-{code}");
            Ok(workshop_page(&state, lang, &signed, Some(&key)).await)
        }
        Err(error) => Err(error.into()),
    }
}

#[derive(Template)]
#[template(path = "use_case.html")]
struct UseCasePage {
    t: Texts,
    id: i64,
    title: String,
    problem: String,
    error: Option<String>,
    /// The canvas as written: label, text.
    canvas: Vec<(String, String)>,
    /// Each needed entity and who holds it: entity, holders ("Member: 1 200, 85 %").
    available: Vec<(String, Vec<String>)>,
    /// Whether the person may write the canvas.
    writes: bool,
    /// The form's current values.
    users: String,
    decision: String,
    pooling: String,
    personal: bool,
    agreement: bool,
    outside: bool,
    statuses: Vec<(String, String, bool)>,
    features: Vec<(String, String, bool)>,
    entities: Vec<(String, String, bool)>,
}

async fn use_case_page(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    id: i64,
    error: Option<&str>,
) -> Result<Response, WebError> {
    let store = state.store.clone();
    let found = tokio::task::spawn_blocking(move || -> Result<_, ensemble_store::StoreError> {
        let (problems, solutions, cases) =
            store.read(|session| Ok((session.problems()?, session.solutions()?, session.use_cases()?)))?;
        let Some(solution) = solutions.into_iter().find(|s| s.id == id) else {
            return Ok(None);
        };
        let problem = problems.into_iter().find(|p| p.id == solution.problem_id);
        let case = cases.into_iter().find(|c| c.solution_id == id);
        let available = match &case {
            Some(case) => diagnostic::data_available(&store, case)?,
            None => Vec::new(),
        };
        let names = store.read(|session| crate::pages::member_lines(session, lang))?;
        let members = store.read(|session| {
            Ok(names
                .iter()
                .filter_map(|line| Some((session.member_by_slug(&line.slug).ok()??.id, line.name.clone())))
                .collect::<Vec<_>>())
        })?;
        Ok(Some((solution, problem, case, available, members)))
    })
    .await?
    .map_err(ActionError::Store)?;
    let Some((solution, problem, case, available, members)) = found else {
        return Err(WebError::NotFound);
    };
    let t = match texts(state, lang, Some(signed)).await {
        Ok(t) => t,
        Err(response) => return Ok(response),
    };
    let actor = signed.actor(state.clock);
    let meets = problem
        .as_ref()
        .is_some_and(|p| actor.member.is_some_and(|m| p.members.contains(&m)));
    let writes = actor.is_coordination()
        || (meets && ensemble_actions::rank(actor.role) >= ensemble_actions::rank(ensemble_model::Role::MemberAdmin));
    let docs = ensemble_model::entity_docs();
    let entity_label = |name: &str| {
        docs.iter()
            .find(|doc| doc.name == name)
            .map_or_else(|| name.to_string(), |doc| label(lang, doc.label_fr, doc.label_en))
    };
    let yes_no = |flag: bool| tr(lang, if flag { "web-yes" } else { "web-no" });
    let canvas = match &case {
        Some(case) => vec![
            (tr(lang, "web-case-users"), case.users.clone()),
            (tr(lang, "web-case-decision"), case.decision.clone()),
            (
                tr(lang, "web-case-data"),
                case.data_needed
                    .iter()
                    .map(|name| entity_label(name))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            (tr(lang, "web-case-pooling"), case.pooling.clone()),
            (tr(lang, "web-case-personal"), yes_no(case.personal_data)),
            (tr(lang, "web-case-agreement"), yes_no(case.agreement)),
            (tr(lang, "web-case-outside"), yes_no(case.outside_quebec)),
            (
                tr(lang, "web-case-status"),
                tr(lang, &format!("web-case-status-{}", case.status)),
            ),
            (
                tr(lang, "web-case-feature"),
                tr(lang, &format!("web-case-feature-{}", case.feature)),
            ),
        ],
        None => Vec::new(),
    };
    let number = |value: i64| ensemble_i18n::format::integer(lang, value);
    let available = available
        .into_iter()
        .map(|(entity, holders)| {
            let held = if holders.is_empty() {
                vec![tr(lang, "web-case-nobody")]
            } else {
                holders
                    .iter()
                    .map(|holder| {
                        let name = members
                            .iter()
                            .find(|(id, _)| *id == holder.member)
                            .map_or_else(String::new, |(_, name)| name.clone());
                        let mut parts = Vec::new();
                        if holder.records == 0 {
                            parts.push(tr(lang, "web-case-not-pooled"));
                        } else {
                            let records = i64::try_from(holder.records).unwrap_or(i64::MAX);
                            let mut held = tr_args(
                                lang,
                                "web-case-held",
                                &[
                                    ("count", Arg::Number(records as f64)),
                                    ("shown", Arg::from(number(records))),
                                ],
                            );
                            if let Some(share) = holder.completeness {
                                let share = format!("{} %", number((share * 100.0).round() as i64));
                                held.push_str(&tr_args(lang, "web-case-filled", &[("share", Arg::from(share))]));
                            }
                            parts.push(held);
                        }
                        if let Some(quality) = holder.declared {
                            let quality = label(lang, quality.label_fr(), quality.label_en());
                            parts.push(tr_args(lang, "web-case-declared", &[("quality", Arg::from(quality))]));
                        }
                        let colon = if lang == Lang::Fr { " :" } else { ":" };
                        format!("{name}{colon} {}", parts.join(", "))
                    })
                    .collect()
            };
            (entity_label(&entity), held)
        })
        .collect();
    let current = case.clone();
    let page = UseCasePage {
        id,
        title: solution.title,
        problem: problem.map(|p| p.title).unwrap_or_default(),
        error: error.map(|key| tr(lang, key)),
        canvas,
        available,
        writes,
        users: current.as_ref().map(|c| c.users.clone()).unwrap_or_default(),
        decision: current.as_ref().map(|c| c.decision.clone()).unwrap_or_default(),
        pooling: current.as_ref().map(|c| c.pooling.clone()).unwrap_or_default(),
        personal: current.as_ref().is_some_and(|c| c.personal_data),
        agreement: current.as_ref().is_some_and(|c| c.agreement),
        outside: current.as_ref().is_some_and(|c| c.outside_quebec),
        statuses: (diagnostic::STATUSES.iter())
            .map(|code| {
                let chosen = current.as_ref().map_or(*code == "idea", |c| c.status == *code);
                (code.to_string(), tr(lang, &format!("web-case-status-{code}")), chosen)
            })
            .collect(),
        features: (diagnostic::FEATURES.iter())
            .map(|code| {
                let chosen = current.as_ref().map_or(*code == "none", |c| c.feature == *code);
                (code.to_string(), tr(lang, &format!("web-case-feature-{code}")), chosen)
            })
            .collect(),
        entities: (docs.iter())
            .filter(|doc| !["Batch", "Member"].contains(&doc.name))
            .map(|doc| {
                let chosen = current
                    .as_ref()
                    .is_some_and(|c| c.data_needed.iter().any(|n| n == doc.name));
                (doc.name.to_string(), label(lang, doc.label_fr, doc.label_en), chosen)
            })
            .collect(),
        t,
    };
    Ok((form_status(error.is_some()), render(&page)).into_response())
}

/// `GET /atelier/solutions/{solution}`: a solution's use-case canvas, with the data available.
pub async fn use_case(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> Result<Response, WebError> {
    use_case_page(&state, lang, &signed, id, None).await
}

/// `POST /atelier/solutions/{solution}`: writes the canvas.
pub async fn write_use_case(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    // Several `data` fields: read as pairs.
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body)
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let case = ensemble_store::UseCase {
        solution_id: id,
        users: field("users"),
        decision: field("decision"),
        data_needed: pairs
            .iter()
            .filter(|(key, _)| key == "data")
            .map(|(_, v)| v.clone())
            .collect(),
        pooling: field("pooling"),
        personal_data: !field("personal").is_empty(),
        agreement: !field("agreement").is_empty(),
        outside_quebec: !field("outside").is_empty(),
        status: field("status"),
        feature: field("feature"),
        updated_on: state.clock.today(),
    };
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    match tokio::task::spawn_blocking(move || diagnostic::write_use_case(&store, &actor, &case)).await? {
        Ok(()) => Ok(Redirect::to(&format!("/atelier/solutions/{id}")).into_response()),
        Err(ActionError::Refused("solution-unknown")) => Err(WebError::NotFound),
        Err(ActionError::Refused(code @ ("use-case-invalid" | "text-invalid"))) => {
            let key = format!("error-{code}");
            use_case_page(&state, lang, &signed, id, Some(&key)).await
        }
        Err(error) => Err(error.into()),
    }
}
