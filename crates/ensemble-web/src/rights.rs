//! Rights of the person and the incident register, for the consortium's coordination (and, for
//! incidents, each member's administration). A request is opened from the email or phone the
//! person gives: it is keyed with the intake secret at once and never stored; the request then
//! shows what every member holds under that pseudonym, exports it (JSON, CSV), rectifies the postal
//! area or erases the person, and is closed within 30 days. Every step is in the audit trail.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use chrono::NaiveDate;
use ensemble_i18n::{Lang, tr};
use ensemble_model::{Member, PersonKey, Purpose, geo};
use ensemble_store::{ListFilter, PersonRecords, RightsRequest};

use crate::error::WebError;
use crate::http::{MemberScope, Signed};
use crate::pages::{Texts, form_status, message, read, render, texts};
use crate::{AppState, PageLang};

use ensemble_actions::rights::KINDS;
use ensemble_actions::{ActionError, rights};

/// A request as a line of the list.
pub struct RequestLine {
    id: i64,
    kind: String,
    received: String,
    due: String,
    status: String,
    overdue: bool,
}

fn request_line(lang: Lang, request: &RightsRequest, today: NaiveDate) -> RequestLine {
    RequestLine {
        id: request.id,
        kind: tr(lang, &format!("web-rights-kind-{}", request.kind)),
        received: ensemble_i18n::format::date(lang, request.received_on),
        due: ensemble_i18n::format::date(lang, request.due_on),
        status: tr(lang, &format!("web-rights-status-{}", request.status)),
        overdue: request.status == "open" && request.due_on < today,
    }
}

#[derive(Template)]
#[template(path = "rights.html")]
struct RightsPage {
    t: Texts,
    requests: Vec<RequestLine>,
    kinds: Vec<(String, String)>,
    today: String,
    error: Option<String>,
}

async fn rights_page(state: &AppState, lang: Lang, signed: &Signed, error: Option<String>) -> Response {
    let clock = state.clock;
    let requests = match read(state, lang, |session| session.rights_requests()).await {
        Ok(requests) => requests,
        Err(response) => return response,
    };
    let t = match texts(state, lang, Some(signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let today = clock.today();
    let status = form_status(error.is_some());
    let page = RightsPage {
        requests: requests
            .iter()
            .map(|request| request_line(lang, request, today))
            .collect(),
        kinds: KINDS
            .iter()
            .map(|kind| ((*kind).to_string(), tr(lang, &format!("web-rights-kind-{kind}"))))
            .collect(),
        today: today.to_string(),
        error,
        t,
    };
    (status, render(&page)).into_response()
}

/// `GET /droits`: the requests, the open ones first by due date.
pub async fn list(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
) -> Response {
    rights_page(&state, lang, &signed, None).await
}

/// What the form opening a request sends.
#[derive(Debug, serde::Deserialize)]
pub struct NewRequest {
    kind: String,
    identifier: String,
    received_on: String,
}

/// `POST /droits`: opens a request from the person's email or phone (keyed at once, never kept).
pub async fn create(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Form(form): Form<NewRequest>,
) -> Result<Response, WebError> {
    let Ok(received) = form.received_on.parse::<NaiveDate>() else {
        return Ok(rights_page(&state, lang, &signed, Some(tr(lang, "web-rights-form-invalid"))).await);
    };
    let store = state.store.clone();
    let key = state.key.clone();
    let actor = signed.actor(state.clock);
    let opened = tokio::task::spawn_blocking(move || {
        rights::open_request(&store, &key, &actor, &form.kind, &form.identifier, received)
    })
    .await?;
    match opened {
        Ok(request) => Ok(Redirect::to(&format!("/droits/{}", request.id)).into_response()),
        Err(ActionError::Refused("rights-form-invalid")) => {
            Ok(rights_page(&state, lang, &signed, Some(tr(lang, "web-rights-form-invalid"))).await)
        }
        Err(error) => Err(error.into()),
    }
}

/// What one member holds about the person.
pub struct HeldLine {
    member: String,
    ticket_lines: u64,
    consents: u64,
}

#[derive(Template)]
#[template(path = "rights_request.html")]
struct RequestPage {
    t: Texts,
    request: RequestLine,
    open: bool,
    outcome: String,
    held: Vec<HeldLine>,
    ticket_lines: u64,
    consents: u64,
    purposes: Vec<(String, String)>,
}

async fn find(state: &AppState, lang: Lang, id: i64) -> Result<(RightsRequest, PersonRecords, Vec<Member>), Response> {
    let found = read(state, lang, move |session| {
        let Some(request) = session.rights_request(id)? else {
            return Ok(None);
        };
        let records = session.person_records(&PersonKey(request.person_key.clone()))?;
        let members: Vec<Member> = session.list(&ListFilter::default())?;
        Ok(Some((request, records, members)))
    })
    .await?;
    found.ok_or_else(|| message(lang, StatusCode::NOT_FOUND, "web-not-found"))
}

/// `GET /droits/{request}`: what every member holds about the person, and the actions.
pub async fn show(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Path(id): Path<i64>,
) -> Response {
    let clock = state.clock;
    let (request, records, members) = match find(&state, lang, id).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let t = match texts(&state, lang, Some(&signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let held = records
        .members()
        .into_iter()
        .map(|member| HeldLine {
            member: members
                .iter()
                .find(|m| m.id == member)
                .map_or_else(|| member.0.to_string(), |m| m.slug.clone()),
            ticket_lines: records
                .ticket_sales
                .iter()
                .filter(|sale| sale.provenance.member_id == Some(member))
                .count() as u64,
            consents: records
                .consents
                .iter()
                .filter(|consent| consent.provenance.member_id == Some(member))
                .count() as u64,
        })
        .collect();
    render(&RequestPage {
        request: request_line(lang, &request, clock.today()),
        open: request.status == "open",
        outcome: serde_json::from_str::<serde_json::Value>(&request.outcome)
            .ok()
            .map(|counts| {
                let count = |name: &str| ensemble_i18n::Arg::from(counts[name].as_u64().unwrap_or(0));
                ensemble_i18n::tr_args(
                    lang,
                    "web-rights-outcome-counts",
                    &[("lines", count("ticket_lines")), ("consents", count("consents"))],
                )
            })
            .unwrap_or_default(),
        held,
        ticket_lines: records.ticket_sales.len() as u64,
        consents: records.consents.len() as u64,
        purposes: ensemble_model::Purpose::ALL
            .iter()
            .map(|purpose| {
                let name = match lang {
                    Lang::Fr => purpose.label_fr(),
                    Lang::En => purpose.label_en(),
                };
                (purpose.code().to_string(), name.to_string())
            })
            .collect(),
        t,
    })
}

/// `GET /droits/{request}/export.json` and `.csv`: what the person provided, from every member.
pub async fn export(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    Path((id, format)): Path<(i64, String)>,
) -> Result<Response, WebError> {
    let csv = match format.as_str() {
        "export.json" => false,
        "export.csv" => true,
        _ => return Err(WebError::NotFound),
    };
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let format = if csv { "csv" } else { "json" };
    let built = tokio::task::spawn_blocking(move || rights::export(&store, &actor, id, format)).await?;
    let rights::PersonExport { lines, consents } = match built {
        Ok(found) => found,
        Err(ActionError::Refused("rights-request-unknown")) => return Err(WebError::NotFound),
        Err(error) => return Err(error.into()),
    };
    let name = format!("demande-{id}.{}", if csv { "csv" } else { "json" });
    let body = if csv {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let columns = [
            "member",
            "show",
            "performance_starts_at",
            "sold_at",
            "unit_price_cents",
            "quantity",
            "channel",
            "price_type",
            "postal_area",
            "age_band",
        ];
        let _ = writer.write_record(columns);
        for line in &lines {
            let cells: Vec<String> = columns
                .iter()
                .map(|column| match &line[*column] {
                    serde_json::Value::String(text) => ensemble_model::cells::spreadsheet_safe(text).into_owned(),
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                })
                .collect();
            let _ = writer.write_record(&cells);
        }
        writer.into_inner().unwrap_or_default()
    } else {
        serde_json::to_vec_pretty(&serde_json::json!({
            "request": id,
            "generated_at": state.clock.now().to_rfc3339(),
            "ticket_lines": lines,
            "consents": consents,
        }))
        .unwrap_or_default()
    };
    let content_type = if csv {
        "text/csv; charset=utf-8"
    } else {
        "application/json"
    };
    Ok((
        [
            (CONTENT_TYPE, content_type.to_string()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        body,
    )
        .into_response())
}

/// What the action forms of a request send.
#[derive(Debug, serde::Deserialize)]
pub struct RequestAction {
    action: String,
    #[serde(default)]
    postal_code: String,
    #[serde(default)]
    purpose: String,
}

/// `POST /droits/{request}`: rectify the postal area (`action=rectify`), withdraw a consent in
/// every member (`action=withdraw`, with its purpose), erase (`action=erase`), or close
/// (`action=close`) with what was done.
pub async fn act(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    Path(id): Path<i64>,
    Form(form): Form<RequestAction>,
) -> Result<Response, WebError> {
    let step = match form.action.as_str() {
        "rectify" => {
            let fsa = geo::normalize_postal_code(&form.postal_code)
                .and_then(|code| geo::fsa_of(&code))
                .or_else(|| {
                    let upper = form.postal_code.trim().to_uppercase();
                    (upper.len() == 3 && geo::fsa(&upper).is_some()).then_some(upper)
                });
            let Some(fsa) = fsa else {
                return Err(WebError::Message(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "web-rights-postal-code-invalid",
                ));
            };
            rights::Step::Rectify(fsa)
        }
        "erase" => rights::Step::Erase,
        "withdraw" => rights::Step::Withdraw(Purpose::from_code(&form.purpose).ok_or(WebError::NotFound)?),
        "close" => rights::Step::Close,
        _ => return Err(WebError::NotFound),
    };
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    match tokio::task::spawn_blocking(move || rights::act(&store, &actor, id, &step)).await? {
        Ok(()) => Ok(Redirect::to(&format!("/droits/{id}")).into_response()),
        Err(ActionError::Refused("rights-request-unknown")) => Err(WebError::NotFound),
        Err(error) => Err(error.into()),
    }
}

/// An incident as a line of the register.
pub struct IncidentLine {
    member: String,
    discovered: String,
    occurred: String,
    description: String,
    information: String,
    people: String,
    serious: bool,
    assessment: String,
    measures: String,
    commission: String,
    notified: String,
}

#[derive(Template)]
#[template(path = "incidents.html")]
struct IncidentsPage {
    t: Texts,
    action: String,
    scope: String,
    incidents: Vec<IncidentLine>,
    today: String,
    error: Option<String>,
}

async fn incidents_page(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    member: Option<&Member>,
    error: Option<String>,
) -> Response {
    let clock = state.clock;
    let id = member.map(|member| member.id);
    let found = read(state, lang, move |session| {
        let incidents = session.incidents(id)?;
        let members: Vec<Member> = session.list(&ListFilter::default())?;
        Ok((incidents, members))
    })
    .await;
    let (incidents, members) = match found {
        Ok(found) => found,
        Err(response) => return response,
    };
    let t = match texts(state, lang, Some(signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let day = |date: Option<NaiveDate>| date.map(|d| ensemble_i18n::format::date(lang, d)).unwrap_or_default();
    let status = form_status(error.is_some());
    let page = IncidentsPage {
        action: member.map_or_else(
            || "/incidents".to_string(),
            |m| format!("/membres/{}/incidents", m.slug),
        ),
        scope: member.map(|m| m.slug.clone()).unwrap_or_default(),
        incidents: incidents
            .iter()
            .map(|incident| IncidentLine {
                member: incident
                    .member_id
                    .and_then(|m| members.iter().find(|x| x.id == m))
                    .map_or_else(|| tr(lang, "web-incidents-consortium"), |m| m.slug.clone()),
                discovered: day(Some(incident.discovered_on)),
                occurred: day(incident.occurred_on),
                description: incident.description.clone(),
                information: incident.information_concerned.clone(),
                people: incident.people_affected.map(|n| n.to_string()).unwrap_or_default(),
                serious: incident.serious_injury_risk,
                assessment: incident.risk_assessment.clone(),
                measures: incident.measures_taken.clone(),
                commission: day(incident.commission_notified_on),
                notified: day(incident.people_notified_on),
            })
            .collect(),
        today: clock.today().to_string(),
        error,
        t,
    };
    (status, render(&page)).into_response()
}

/// `GET /incidents`: the consortium's whole register.
pub async fn incidents(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
) -> Response {
    incidents_page(&state, lang, &signed, None, None).await
}

/// `GET /membres/{member}/incidents`: a member's register.
pub async fn member_incidents(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
) -> Response {
    incidents_page(&state, lang, &signed, Some(&member), None).await
}

/// What the incident form sends.
#[derive(Debug, serde::Deserialize)]
pub struct NewIncident {
    #[serde(default)]
    occurred_on: String,
    discovered_on: String,
    description: String,
    information_concerned: String,
    #[serde(default)]
    people_affected: String,
    #[serde(default)]
    serious_injury_risk: Option<String>,
    risk_assessment: String,
    measures_taken: String,
    #[serde(default)]
    commission_notified_on: String,
    #[serde(default)]
    people_notified_on: String,
}

async fn record_incident(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    member: Option<&Member>,
    form: NewIncident,
) -> Result<Response, WebError> {
    let optional = |text: &str| -> Result<Option<NaiveDate>, ()> {
        match text.trim() {
            "" => Ok(None),
            text => text.parse().map(Some).map_err(|_| ()),
        }
    };
    let people = match form.people_affected.trim() {
        "" => Ok(None),
        text => text.parse::<i64>().map(Some).map_err(|_| ()),
    };
    let parsed = (
        optional(&form.occurred_on),
        form.discovered_on.trim().parse::<NaiveDate>().map_err(|_| ()),
        people,
        optional(&form.commission_notified_on),
        optional(&form.people_notified_on),
    );
    let invalid = || tr(lang, "web-incidents-form-invalid");
    let (Ok(occurred_on), Ok(discovered_on), Ok(people_affected), Ok(commission), Ok(notified)) = parsed else {
        return Ok(incidents_page(state, lang, signed, member, Some(invalid())).await);
    };
    let new = rights::NewIncident {
        occurred_on,
        discovered_on,
        description: form.description,
        information_concerned: form.information_concerned,
        people_affected,
        serious_injury_risk: form.serious_injury_risk.is_some(),
        risk_assessment: form.risk_assessment,
        measures_taken: form.measures_taken,
        commission_notified_on: commission,
        people_notified_on: notified,
    };
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let register = member.cloned();
    let saved =
        tokio::task::spawn_blocking(move || rights::record_incident(&store, &actor, register.as_ref(), &new)).await?;
    match saved {
        Ok(_) => Ok(Redirect::to(&member.map_or_else(
            || "/incidents".to_string(),
            |m| format!("/membres/{}/incidents", m.slug),
        ))
        .into_response()),
        Err(ActionError::Refused("incident-form-invalid")) => {
            Ok(incidents_page(state, lang, signed, member, Some(invalid())).await)
        }
        Err(error) => Err(error.into()),
    }
}

/// `POST /incidents`: the coordination records an incident of the commons.
pub async fn create_incident(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Form(form): Form<NewIncident>,
) -> Result<Response, WebError> {
    record_incident(&state, lang, &signed, None, form).await
}

/// `POST /membres/{member}/incidents`: a member's administration records one of its incidents.
pub async fn create_member_incident(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Form(form): Form<NewIncident>,
) -> Result<Response, WebError> {
    record_incident(&state, lang, &signed, Some(&member), form).await
}
