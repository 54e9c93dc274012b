//! Settlements entered once: a presenter's administration enters (or corrects) the box-office
//! settlement of each performance it presented; the show's producer and agency then read it in
//! their reports under their agreement, without typing it again.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use ensemble_actions::ActionError;
use ensemble_actions::settlements::SettlementInput;
use ensemble_i18n::{Lang, tr};
use ensemble_ingest::values::parse_amount;
use ensemble_model::{Cents, Dataset, DealType, EventStatus, Member, Performance, Purpose, Settlement, Show};
use ensemble_store::{ListFilter, StoreError};

use crate::http::{MemberScope, Signed};
use crate::pages::{Texts, encode, label, local, message, render, texts};
use crate::policy::rank;
use crate::{AppState, PageLang};

/// Performances offered at once.
const SHOWN: usize = 60;

/// A performance of the member as the page lists it.
pub struct PerformanceLine {
    id: i64,
    date: String,
    show: String,
    settled: String,
    differs: bool,
}

/// The form's current values (dollars as typed).
#[derive(Default, Clone, serde::Deserialize)]
pub struct SettlementForm {
    #[serde(default)]
    representation: String,
    #[serde(default)]
    capacity_offered: String,
    #[serde(default)]
    paid: String,
    #[serde(default)]
    complimentary: String,
    #[serde(default)]
    free_admissions: String,
    #[serde(default)]
    gross: String,
    #[serde(default)]
    taxes: String,
    #[serde(default)]
    fees: String,
    #[serde(default)]
    artist_fee: String,
    #[serde(default)]
    deal_type: String,
    #[serde(default)]
    artist_share_percent: String,
}

#[derive(Template)]
#[template(path = "settlements.html")]
struct SettlementsPage {
    t: Texts,
    slug: String,
    admin: bool,
    pending: Vec<PerformanceLine>,
    settled: Vec<PerformanceLine>,
    chosen: Option<(i64, String)>,
    form: SettlementForm,
    deals: Vec<(String, String, bool)>,
    problem: Option<String>,
    saved: bool,
    differing: u64,
    /// The page is seen by someone who is not of the member (the coordination): it says what
    /// they may and may not see instead of lists that would look empty.
    outsider: bool,
}

fn dollars(cents: Cents) -> String {
    format!("{}.{:02}", cents.0 / 100, (cents.0 % 100).abs())
}

fn form_of(settlement: &Settlement) -> SettlementForm {
    SettlementForm {
        representation: settlement.performance_id.0.to_string(),
        capacity_offered: settlement.capacity_offered.to_string(),
        paid: settlement.paid.to_string(),
        complimentary: settlement.complimentary.to_string(),
        free_admissions: settlement.free_admissions.to_string(),
        gross: dollars(settlement.gross),
        taxes: dollars(settlement.taxes),
        fees: dollars(settlement.fees),
        artist_fee: dollars(settlement.artist_fee),
        deal_type: settlement
            .deal_type
            .map(|deal| deal.code().to_string())
            .unwrap_or_default(),
        artist_share_percent: settlement
            .artist_share_percent
            .map(|s| s.to_string())
            .unwrap_or_default(),
    }
}

/// The member's performances, the shows, its settlements by performance, and the performances
/// where another member's copy of the settlement differs.
type Loaded = (
    Vec<Performance>,
    HashMap<i64, Show>,
    HashMap<i64, Settlement>,
    std::collections::BTreeSet<i64>,
);

/// What the page reads: the member's presented performances that have taken place, newest
/// first, and its own settlements (read through a grant, audited).
async fn load(state: &AppState, lang: Lang, signed: &Signed, member: &Member) -> Result<Loaded, Response> {
    let store = state.store.clone();
    let asking = signed.requester(Purpose::Reporting);
    let member = member.clone();
    let clock = state.clock;
    let found = tokio::task::spawn_blocking(move || {
        store.write(|session| -> Result<_, StoreError> {
            let all = ListFilter::default();
            let now = clock.now();
            let mut performances: Vec<Performance> = session
                .list::<Performance>(&all)?
                .into_iter()
                .filter(|p| p.presenter_id == member.organization_id && p.status != EventStatus::Cancelled)
                .filter(|p| p.starts_at < now)
                .collect();
            performances.sort_by_key(|p| std::cmp::Reverse(p.starts_at));
            let shows = session.list::<Show>(&all)?.into_iter().map(|s| (s.id.0, s)).collect();
            let grant = session.grant(&asking, Dataset::Settlements, clock.today())?;
            let own = session
                .granted::<Settlement>(&grant, member.id, &all)?
                .into_iter()
                .map(|s| (s.performance_id.0, s))
                .collect();
            let differing = session
                .differing_settlements(member.id)?
                .into_iter()
                .map(|(performance, _)| performance)
                .collect();
            Ok((performances, shows, own, differing))
        })
    })
    .await;
    match found {
        Ok(Ok(found)) => Ok(found),
        _ => Err(message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable")),
    }
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    member: &Member,
    chosen: Option<i64>,
    typed: Option<SettlementForm>,
    problem: Option<String>,
    saved: bool,
) -> Response {
    if signed.user.member_id != Some(member.id) {
        return outsider_page(state, lang, signed, member, problem).await;
    }
    let (performances, shows, own, differing) = match load(state, lang, signed, member).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let t = match texts(state, lang, Some(signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let line = |p: &Performance| PerformanceLine {
        id: p.id.0,
        date: ensemble_i18n::format::date(lang, local(&p.starts_at, &p.time_zone).date()),
        show: shows.get(&p.show_id.0).map(|s| s.title_fr.clone()).unwrap_or_default(),
        settled: own
            .get(&p.id.0)
            .map(|s| ensemble_reports::Value::Count(ensemble_reports::facts::attendance(s)).text(lang))
            .unwrap_or_default(),
        differs: differing.contains(&p.id.0),
    };
    let pending: Vec<PerformanceLine> = performances
        .iter()
        .filter(|p| !own.contains_key(&p.id.0))
        .take(SHOWN)
        .map(line)
        .collect();
    let settled: Vec<PerformanceLine> = performances
        .iter()
        .filter(|p| own.contains_key(&p.id.0))
        .take(SHOWN)
        .map(line)
        .collect();
    let chosen = chosen.and_then(|id| performances.iter().find(|p| p.id.0 == id));
    let form = typed.unwrap_or_else(|| {
        chosen
            .and_then(|p| own.get(&p.id.0))
            .map(form_of)
            .unwrap_or_else(|| SettlementForm {
                representation: chosen.map(|p| p.id.0.to_string()).unwrap_or_default(),
                ..SettlementForm::default()
            })
    });
    let deals = DealType::ALL
        .iter()
        .map(|deal| {
            (
                deal.code().to_string(),
                label(lang, deal.label_fr(), deal.label_en()),
                form.deal_type == deal.code(),
            )
        })
        .collect();
    let status = if problem.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = SettlementsPage {
        slug: member.slug.clone(),
        admin: signed.user.member_id == Some(member.id)
            && rank(signed.user.role) >= rank(ensemble_model::Role::MemberAdmin),
        pending,
        settled,
        chosen: chosen.map(|p| {
            let l = line(p);
            (p.id.0, format!("{} · {}", l.date, l.show))
        }),
        form,
        deals,
        problem,
        saved,
        differing: differing.len() as u64,
        outsider: false,
        t,
    };
    (status, render(&page)).into_response()
}

/// The page as the coordination sees it: a presenter's settlements are its own; the coordination
/// reads pooled figures and consortium reports, and enters nothing here.
async fn outsider_page(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    member: &Member,
    problem: Option<String>,
) -> Response {
    let t = match texts(state, lang, Some(signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let status = if problem.is_some() {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::OK
    };
    let page = SettlementsPage {
        slug: member.slug.clone(),
        admin: false,
        pending: Vec::new(),
        settled: Vec::new(),
        chosen: None,
        form: SettlementForm::default(),
        deals: Vec::new(),
        problem,
        saved: false,
        differing: 0,
        outsider: true,
        t,
    };
    (status, render(&page)).into_response()
}

/// `GET /membres/{member}/redditions[?representation=N]`.
pub async fn list(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let chosen = query.get("representation").and_then(|id| id.parse().ok());
    let saved = query.contains_key("enregistree");
    page(&state, lang, &signed, &member, chosen, None, None, saved).await
}

fn count(text: &str) -> Option<u32> {
    let text = text.trim();
    if text.is_empty() {
        Some(0)
    } else {
        text.replace(' ', "").parse().ok()
    }
}

fn amount(text: &str) -> Option<Cents> {
    if text.trim().is_empty() {
        Some(Cents(0))
    } else {
        parse_amount(text)
    }
}

/// `POST /membres/{member}/redditions`: enters or corrects one performance's settlement.
pub async fn save(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Form(form): Form<SettlementForm>,
) -> Response {
    let performance: Option<i64> = form.representation.trim().parse().ok();
    let parsed = (
        count(&form.capacity_offered),
        count(&form.paid),
        count(&form.complimentary),
        count(&form.free_admissions),
        amount(&form.gross),
        amount(&form.taxes),
        amount(&form.fees),
        amount(&form.artist_fee),
    );
    let share = match form.artist_share_percent.trim() {
        "" => Some(None),
        text => text.parse::<u32>().ok().map(Some),
    };
    let deal = match form.deal_type.trim() {
        "" => Some(None),
        code => DealType::from_code(code).map(Some),
    };
    let (
        Some(performance),
        (Some(capacity), Some(paid), Some(complimentary), Some(free), Some(gross), Some(taxes), Some(fees), Some(fee)),
        Some(share),
        Some(deal),
    ) = (performance, parsed, share, deal)
    else {
        let chosen = performance;
        let problem = tr(lang, "web-settlements-invalid");
        return page(&state, lang, &signed, &member, chosen, Some(form), Some(problem), false).await;
    };
    let input = SettlementInput {
        performance,
        capacity_offered: capacity,
        paid,
        complimentary,
        free_admissions: free,
        gross,
        taxes,
        fees,
        artist_fee: fee,
        deal_type: deal,
        artist_share_percent: share,
    };
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let scope = member.clone();
    let outcome =
        tokio::task::spawn_blocking(move || ensemble_actions::settlements::enter(&store, &actor, &scope, &input)).await;
    let (status, problem) = match outcome {
        Ok(Ok(_)) => {
            state.cache.clear();
            return Redirect::to(&format!(
                "/membres/{}/redditions?enregistree={performance}",
                encode(&member.slug)
            ))
            .into_response();
        }
        Ok(Err(ActionError::Invalid(problems))) => (
            StatusCode::BAD_REQUEST,
            problems.first().map(|p| p.message(lang)).unwrap_or_default(),
        ),
        Ok(Err(ActionError::Refused(code @ "settlement-coordination-read-only"))) => {
            (StatusCode::FORBIDDEN, tr(lang, &format!("error-{code}")))
        }
        Ok(Err(ActionError::Refused(code))) => (StatusCode::BAD_REQUEST, tr(lang, &format!("error-{code}"))),
        _ => return message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable"),
    };
    let mut response = page(
        &state,
        lang,
        &signed,
        &member,
        Some(performance),
        Some(form),
        Some(problem),
        false,
    )
    .await;
    *response.status_mut() = status;
    response
}
