//! The shared referential's review pages: for the consortium's coordination (every pair) and for
//! a member's administrators (the pairs of the member's own records). For organisations, places,
//! halls, groups, people and shows: how many records and entities, the pairs waiting for a person
//! (doubtful ones, some joined provisionally, and probable ones a rule held apart) with each
//! field's weight drawn as bars, the decisions taken (each can be taken back), and for the
//! coordination a new run. Every step is an audited action. Each entity has its page: its golden
//! record, each field with the record it comes from, its identifiers and its records.

use std::fmt::Write as _;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use ensemble_actions::ActionError;
use ensemble_actions::referential::{self, EntityView, PairView, Queue, RecordView};
use ensemble_i18n::{Arg, Lang, tr, tr_args};
use ensemble_model::Member;

use crate::chart::escape;
use crate::error::WebError;
use crate::http::{MemberScope, Signed};
use crate::pages::{Texts, form_status, render, texts};
use crate::{AppState, PageLang};

/// The pairs shown per table.
const SHOWN: usize = 30;

/// The tables as the page's addresses name them: address, table, heading key, and the key of
/// one record's kind.
const SECTIONS: [(&str, &str, &str, &str); 6] = [
    (
        "organisations",
        "organizations",
        "web-referential-organizations",
        "web-referential-type-organization",
    ),
    (
        "lieux",
        "places",
        "web-referential-places",
        "web-referential-type-place",
    ),
    ("salles", "halls", "web-referential-halls", "web-referential-type-hall"),
    (
        "groupes",
        "performing_groups",
        "web-referential-groups",
        "web-referential-type-group",
    ),
    (
        "personnes",
        "persons",
        "web-referential-persons",
        "web-referential-type-person",
    ),
    (
        "spectacles",
        "shows",
        "web-referential-shows",
        "web-referential-type-show",
    ),
];

fn table_of(slug: &str) -> Option<&'static str> {
    SECTIONS.iter().find(|(s, ..)| *s == slug).map(|(_, table, ..)| *table)
}

/// A record as a line of the page.
pub struct RecordLine {
    id: i64,
    /// Its entity's number.
    entity: i64,
    name: String,
    place: String,
    /// "n° 12" / "no. 12".
    number: String,
}

/// A pair as shown.
pub struct PairLine {
    left: RecordLine,
    right: RecordLine,
    probability: String,
    held_apart: bool,
    provisional: bool,
    /// Each field's part in words.
    reasons: Vec<String>,
    /// The same as bars.
    chart: String,
}

/// A decision as shown.
pub struct DecisionLine {
    id: i64,
    left: RecordLine,
    right: RecordLine,
    verdict: String,
    on: String,
}

/// One table's part of the page.
pub struct Section {
    slug: &'static str,
    heading: String,
    /// Pairs waiting, in words ("6 paires en attente").
    waiting: String,
    summary: String,
    pairs: Vec<PairLine>,
    decisions: Vec<DecisionLine>,
    /// Identifiers on records held apart: register and value, and the records.
    conflicts: Vec<(String, String, Vec<RecordLine>)>,
}

#[derive(Template)]
#[template(path = "referential.html")]
struct ReferentialPage {
    t: Texts,
    /// Where the page's forms post: `/referentiel` or `/membres/{member}/referentiel`.
    base: String,
    /// The coordination's page (every pair, and new runs).
    coordination: bool,
    sections: Vec<Section>,
    error: Option<String>,
}

/// Whose pairs a page shows: every pair (the coordination's page) or one member's.
fn base(member: Option<&Member>) -> String {
    member.map_or_else(
        || "/referentiel".to_string(),
        |m| format!("/membres/{}/referentiel", m.slug),
    )
}

fn record_line(lang: Lang, record: &RecordView) -> RecordLine {
    let source = record
        .member
        .as_ref()
        .map_or_else(|| tr(lang, "web-referential-catalogue"), |slug| slug.clone());
    let place = [record.locality.clone(), source]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    RecordLine {
        id: record.id,
        entity: record.entity,
        name: record.name.clone(),
        place,
        number: tr_args(lang, "web-referential-record", &[("id", Arg::from(record.id))]),
    }
}

fn level_key(level: &str) -> String {
    format!("web-referential-level-{}", level.replace(' ', "-"))
}

/// One field's part in words: "Nom : proche (+9,4)", "Name: close (+9.4)".
fn reason(lang: Lang, field: &str, level: &str, weight: f64) -> String {
    let colon = if lang == Lang::Fr { " :" } else { ":" };
    format!(
        "{}{colon} {} ({})",
        tr(lang, &format!("web-referential-field-{field}")),
        tr(lang, &level_key(level)),
        ensemble_i18n::format::weight(lang, weight)
    )
}

/// Each field's weight as a horizontal bar from a middle axis: to the right for one entity, to
/// the left against; its text says the same.
fn weights_chart(lang: Lang, id: &str, pair: &PairView) -> String {
    const WIDTH: f64 = 300.0;
    const ROW: f64 = 20.0;
    const LABEL: f64 = 110.0;
    let middle = LABEL + (WIDTH - LABEL) / 2.0;
    let scale = (WIDTH - LABEL) / 2.0 / 16.0;
    let height = ROW * pair.evidence.len().max(1) as f64 + 4.0;
    let described: Vec<String> = pair
        .evidence
        .iter()
        .map(|(field, level, weight)| reason(lang, field, level, *weight))
        .collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{id}-title {id}-desc" width="{WIDTH:.0}" height="{height:.0}" viewBox="0 0 {WIDTH:.0} {height:.0}"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"##,
        escape(&tr(lang, "web-referential-weights")),
        escape(&described.join(" ; ")),
    );
    let _ = write!(
        svg,
        r##"<line x1="{middle:.1}" y1="0" x2="{middle:.1}" y2="{height:.0}" stroke="#6b6b6b"/>"##
    );
    for (row, (field, _, weight)) in pair.evidence.iter().enumerate() {
        let y = row as f64 * ROW + 4.0;
        let length = (weight.abs() * scale).min((WIDTH - LABEL) / 2.0);
        let (x, colour) = if *weight >= 0.0 {
            (middle, "#1b6e3a")
        } else {
            (middle - length, "#a3261b")
        };
        let _ = write!(
            svg,
            r##"<text x="0" y="{:.1}" font-size="11" fill="#1a1a1a">{}</text><rect x="{x:.1}" y="{y:.1}" width="{length:.1}" height="{:.1}" fill="{colour}"/>"##,
            y + 11.0,
            escape(&tr(lang, &format!("web-referential-field-{field}"))),
            ROW - 8.0,
        );
    }
    svg.push_str("</svg>");
    svg
}

fn section(lang: Lang, slug: &'static str, heading: &str, queue: &Queue) -> Section {
    let summary = tr_args(
        lang,
        "web-referential-summary",
        &[
            ("records", Arg::from(queue.records)),
            ("entities", Arg::from(queue.entities)),
            ("waiting", Arg::from(queue.waiting)),
        ],
    );
    let pairs = queue
        .pairs
        .iter()
        .enumerate()
        .map(|(index, pair)| PairLine {
            left: record_line(lang, &pair.left),
            right: record_line(lang, &pair.right),
            probability: format!(
                "{} %",
                ensemble_i18n::format::integer(lang, (pair.probability * 100.0).round() as i64)
            ),
            held_apart: pair.held_apart,
            provisional: pair.provisional,
            reasons: pair
                .evidence
                .iter()
                .map(|(field, level, weight)| reason(lang, field, level, *weight))
                .collect(),
            chart: weights_chart(lang, &format!("{slug}-{index}"), pair),
        })
        .collect();
    let decisions = queue
        .decisions
        .iter()
        .map(|decision| DecisionLine {
            id: decision.id,
            left: record_line(lang, &decision.left),
            right: record_line(lang, &decision.right),
            verdict: tr(
                lang,
                if decision.same {
                    "web-referential-same"
                } else {
                    "web-referential-different"
                },
            ),
            on: ensemble_i18n::format::date(lang, decision.decided_on),
        })
        .collect();
    let conflicts = queue
        .conflicts
        .iter()
        .map(|c| {
            (
                register_label(lang, &c.register),
                c.value.clone(),
                c.records.iter().map(|r| record_line(lang, r)).collect(),
            )
        })
        .collect();
    Section {
        conflicts,
        slug,
        heading: tr(lang, heading),
        waiting: tr_args(
            lang,
            "web-referential-waiting-count",
            &[("count", Arg::from(queue.waiting))],
        ),
        summary,
        pairs,
        decisions,
    }
}

async fn page(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    member: Option<&Member>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let store = state.store.clone();
    let scope = member.map(|m| m.id);
    let queues = tokio::task::spawn_blocking(move || {
        SECTIONS
            .iter()
            .map(|(_, table, ..)| referential::queue(&store, table, scope, SHOWN))
            .collect::<Result<Vec<_>, _>>()
    })
    .await??;
    let t = match texts(state, lang, Some(signed)).await {
        Ok(t) => t,
        Err(response) => return Ok(response),
    };
    let sections = SECTIONS
        .iter()
        .zip(&queues)
        .map(|((slug, _, heading, _), queue)| section(lang, slug, heading, queue))
        .collect();
    let status = form_status(error.is_some());
    let page = ReferentialPage {
        t,
        base: base(member),
        coordination: member.is_none(),
        sections,
        error,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /referentiel`: the coordination's review page.
pub async fn show(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
) -> Result<Response, WebError> {
    page(&state, lang, &signed, None, None).await
}

/// `GET /membres/{member}/referentiel`: the pairs of the member's own records.
pub async fn show_member(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
) -> Result<Response, WebError> {
    page(&state, lang, &signed, Some(&member), None).await
}

/// `POST /referentiel/{table}/recalculer`: works the referential out again.
pub async fn rerun(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let table = table_of(&slug).ok_or(WebError::NotFound)?;
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    tokio::task::spawn_blocking(move || referential::run(&store, &actor, table)).await??;
    Ok(Redirect::to(&format!("/referentiel#{slug}")).into_response())
}

/// What the form deciding on a pair sends.
#[derive(Debug, serde::Deserialize)]
pub struct PairForm {
    left: i64,
    right: i64,
    same: String,
}

async fn decided(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    member: Option<&Member>,
    slug: &str,
    form: PairForm,
) -> Result<Response, WebError> {
    let table = table_of(slug).ok_or(WebError::NotFound)?;
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let same = form.same == "1";
    let decided =
        tokio::task::spawn_blocking(move || referential::decide(&store, &actor, table, form.left, form.right, same))
            .await?;
    match decided {
        Ok(_) => Ok(Redirect::to(&format!("{}#{slug}", base(member))).into_response()),
        Err(ActionError::Refused(code @ ("referential-record-unknown" | "referential-not-yours"))) => {
            page(state, lang, signed, member, Some(tr(lang, &format!("error-{code}")))).await
        }
        Err(error) => Err(error.into()),
    }
}

/// `POST /referentiel/{table}/paires`: one entity or two, says the coordination.
pub async fn decide(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Path(slug): Path<String>,
    Form(form): Form<PairForm>,
) -> Result<Response, WebError> {
    decided(&state, lang, &signed, None, &slug, form).await
}

/// `POST /membres/{member}/referentiel/{table}/paires`: one entity or two, says a member's
/// administrator, on a pair where one record is the member's.
pub async fn decide_member(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Path((_, slug)): Path<(String, String)>,
    Form(form): Form<PairForm>,
) -> Result<Response, WebError> {
    decided(&state, lang, &signed, Some(&member), &slug, form).await
}

async fn undone(
    state: &AppState,
    signed: &Signed,
    member: Option<&Member>,
    slug: &str,
    decision: i64,
) -> Result<Response, WebError> {
    let table = table_of(slug).ok_or(WebError::NotFound)?;
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    match tokio::task::spawn_blocking(move || referential::undo(&store, &actor, table, decision)).await? {
        Ok(_) => Ok(Redirect::to(&format!("{}#{slug}", base(member))).into_response()),
        Err(ActionError::Refused("referential-decision-unknown" | "referential-not-yours")) => Err(WebError::NotFound),
        Err(error) => Err(error.into()),
    }
}

/// `POST /referentiel/{table}/decisions/{decision}/annuler`: takes a decision back.
pub async fn undo(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    Path((slug, decision)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    undone(&state, &signed, None, &slug, decision).await
}

/// `POST /membres/{member}/referentiel/{table}/decisions/{decision}/annuler`: a member's
/// administrator takes back a decision on the member's records.
pub async fn undo_member(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Path((_, slug, decision)): Path<(String, String, i64)>,
) -> Result<Response, WebError> {
    undone(&state, &signed, Some(&member), &slug, decision).await
}

/// A register's name followed by a colon, as each language writes it ("Wikidata :", "Wikidata:").
fn register_label(lang: Lang, register: &str) -> String {
    let colon = if lang == Lang::Fr { " :" } else { ":" };
    format!("{}{colon}", tr(lang, &format!("web-referential-register-{register}")))
}

/// A field of the golden record as shown.
pub struct FieldLine {
    label: String,
    value: String,
    /// "3 fiches sur 4 · fiche n° 12 (Théâtre X)".
    provenance: String,
}

/// A record of the entity as shown.
pub struct MentionLine {
    record: RecordLine,
    probability: String,
    provisional: bool,
    batch: String,
}

#[derive(Template)]
#[template(path = "referential_entity.html")]
struct EntityPage {
    t: Texts,
    heading: String,
    kind: String,
    fields: Vec<FieldLine>,
    identifiers: Vec<(String, String, String)>,
    mentions: Vec<MentionLine>,
}

fn entity_page(lang: Lang, t: Texts, entity: &EntityView) -> EntityPage {
    let name_of = |record: i64| {
        entity
            .mentions
            .iter()
            .find(|m| m.record == record)
            .map_or_else(String::new, |m| {
                m.member
                    .clone()
                    .unwrap_or_else(|| tr(lang, "web-referential-catalogue"))
            })
    };
    let fields = entity
        .fields
        .iter()
        .map(|f| FieldLine {
            label: tr(lang, &format!("web-referential-field-{}", f.field)),
            value: f.value.clone(),
            provenance: tr_args(
                lang,
                "web-referential-provenance",
                &[
                    ("agreeing", Arg::from(f.agreeing)),
                    ("giving", Arg::from(f.giving)),
                    ("record", Arg::from(f.record)),
                    ("source", Arg::from(name_of(f.record))),
                ],
            ),
        })
        .collect();
    let identifiers = entity
        .identifiers
        .iter()
        .map(|i| {
            let records = i
                .records
                .iter()
                .map(|r| tr_args(lang, "web-referential-record", &[("id", Arg::from(*r))]))
                .collect::<Vec<_>>()
                .join(", ");
            (register_label(lang, &i.register), i.value.clone(), records)
        })
        .collect();
    let mentions = entity
        .mentions
        .iter()
        .map(|m| MentionLine {
            record: record_line(
                lang,
                &RecordView {
                    id: m.record,
                    name: m.name.clone(),
                    locality: m.locality.clone(),
                    member: m.member.clone(),
                    entity: entity.id,
                },
            ),
            probability: format!(
                "{} %",
                ensemble_i18n::format::integer(lang, (m.probability * 100.0).round() as i64)
            ),
            provisional: m.provisional,
            batch: m.batch.map_or_else(String::new, |b| {
                tr_args(lang, "web-referential-batch", &[("batch", Arg::from(b))])
            }),
        })
        .collect();
    let kind = SECTIONS
        .iter()
        .find(|(_, table, ..)| *table == entity.table)
        .map_or_else(String::new, |(.., key)| tr(lang, key));
    EntityPage {
        t,
        heading: entity.name.clone(),
        kind: tr_args(
            lang,
            "web-referential-preview-kind",
            &[("kind", Arg::from(kind)), ("id", Arg::from(entity.id))],
        ),
        fields,
        identifiers,
        mentions,
    }
}

/// `GET /referentiel/entites/{entity}`: an entity's golden record, identifiers and records (the
/// public catalogue: anyone signed in).
pub async fn entity(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let store = state.store.clone();
    let found = tokio::task::spawn_blocking(move || referential::entity(&store, id)).await??;
    let entity = found.ok_or(WebError::NotFound)?;
    let t = match texts(&state, lang, Some(&signed)).await {
        Ok(t) => t,
        Err(response) => return Ok(response),
    };
    Ok(render(&entity_page(lang, t, &entity)).into_response())
}
