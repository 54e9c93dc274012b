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
use chrono::{NaiveDate, Utc};
use ensemble_i18n::{Lang, tr};
use ensemble_model::{Member, MemberId, Performance, PersonKey, Show, geo};
use ensemble_privacy::{IdentifierKind, Pseudonymizer};
use ensemble_store::{Incident, ListFilter, PersonRecords, RightsRequest, StoreError};

use crate::pages::{Texts, form_status, message, read, render, texts};
use crate::policy::{MemberScope, Signed, event};
use crate::{AppState, PageLang};

const KINDS: [&str; 4] = ["access", "portability", "rectification", "erasure"];

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
) -> Response {
    let identifier = form.identifier.trim();
    let kind = if identifier.contains('@') {
        IdentifierKind::Email
    } else {
        IdentifierKind::Phone
    };
    let person = Pseudonymizer::new(&state.key).key(kind, identifier);
    let received = form.received_on.parse::<NaiveDate>().ok();
    let (Some(person), Some(received), true) = (person, received, KINDS.contains(&form.kind.as_str())) else {
        return rights_page(&state, lang, &signed, Some(tr(lang, "web-rights-form-invalid"))).await;
    };
    let store = state.store.clone();
    let actor = signed.clone();
    let kind_code = form.kind.clone();
    let created = tokio::task::spawn_blocking(move || {
        store.write(|session| -> Result<RightsRequest, StoreError> {
            let request = session.insert_rights_request(&kind_code, &person, received)?;
            let detail = serde_json::json!({"kind": request.kind, "due_on": request.due_on});
            let subject = format!("request {}", request.id);
            session.append_audit(&event(&actor, None, "rights-request", subject, detail), Utc::now())?;
            Ok(request)
        })
    })
    .await;
    match created {
        Ok(Ok(request)) => Redirect::to(&format!("/droits/{}", request.id)).into_response(),
        _ => message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable"),
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

/// The person's data as exported: each ticket line with its member, show, date and venue name.
fn export_rows(
    session: &mut ensemble_store::Session<'_>,
    records: &PersonRecords,
    members: &[Member],
) -> Result<Vec<serde_json::Value>, StoreError> {
    let performance_ids: Vec<i64> = records.ticket_sales.iter().map(|sale| sale.performance_id.0).collect();
    let performances = session.get_many::<Performance>(&performance_ids)?;
    let show_ids: Vec<i64> = performances.values().map(|p| p.show_id.0).collect();
    let shows = session.get_many::<Show>(&show_ids)?;
    let slug = |member: Option<MemberId>| {
        member
            .and_then(|member| members.iter().find(|m| m.id == member))
            .map(|m| m.slug.clone())
            .unwrap_or_default()
    };
    Ok(records
        .ticket_sales
        .iter()
        .map(|sale| {
            let performance = performances.get(&sale.performance_id.0);
            serde_json::json!({
                "member": slug(sale.provenance.member_id),
                "show": performance.and_then(|p| shows.get(&p.show_id.0)).map(|s| s.title_fr.clone()),
                "performance_starts_at": performance.map(|p| p.starts_at.to_rfc3339()),
                "sold_at": sale.sold_at.to_rfc3339(),
                "unit_price_cents": sale.price.0,
                "quantity": sale.quantity,
                "channel": sale.channel.code(),
                "price_type": sale.price_type.code(),
                "postal_area": sale.fsa,
                "age_band": sale.age_band.map(|band| band.code()),
            })
        })
        .collect())
}

/// `GET /droits/{request}/export.json` and `.csv`: what the person provided, from every member.
pub async fn export(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Path((id, format)): Path<(i64, String)>,
) -> Response {
    let csv = match format.as_str() {
        "export.json" => false,
        "export.csv" => true,
        _ => return message(lang, StatusCode::NOT_FOUND, "web-not-found"),
    };
    let store = state.store.clone();
    let actor = signed.clone();
    let built = tokio::task::spawn_blocking(move || {
        store.write(|session| -> Result<Option<(Vec<serde_json::Value>, Vec<serde_json::Value>)>, StoreError> {
            let Some(request) = session.rights_request(id)? else {
                return Ok(None);
            };
            let records = session.person_records(&PersonKey(request.person_key.clone()))?;
            let members: Vec<Member> = session.list(&ListFilter::default())?;
            let lines = export_rows(session, &records, &members)?;
            let consents = records
                .consents
                .iter()
                .map(|consent| {
                    serde_json::json!({
                        "member": consent.provenance.member_id.and_then(|m| members.iter().find(|x| x.id == m)).map(|m| m.slug.clone()),
                        "purpose": consent.purpose.code(),
                        "granted": consent.granted,
                        "recorded_at": consent.recorded_at.to_rfc3339(),
                        "withdrawn_at": consent.withdrawn_at.map(|at| at.to_rfc3339()),
                    })
                })
                .collect();
            let detail = serde_json::json!({"format": if csv { "csv" } else { "json" }, "ticket_lines": lines.len()});
            session.append_audit(&event(&actor, None, "rights-export", format!("request {id}"), detail), Utc::now())?;
            Ok(Some((lines, consents)))
        })
    })
    .await;
    let (lines, consents) = match built {
        Ok(Ok(Some(found))) => found,
        Ok(Ok(None)) => return message(lang, StatusCode::NOT_FOUND, "web-not-found"),
        _ => return message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable"),
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
                    serde_json::Value::String(text) => text.clone(),
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
            "generated_at": Utc::now().to_rfc3339(),
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
    (
        [
            (CONTENT_TYPE, content_type.to_string()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        body,
    )
        .into_response()
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
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Path(id): Path<i64>,
    Form(form): Form<RequestAction>,
) -> Response {
    let fsa = geo::normalize_postal_code(&form.postal_code)
        .and_then(|code| geo::fsa_of(&code))
        .or_else(|| {
            let upper = form.postal_code.trim().to_uppercase();
            (upper.len() == 3 && geo::fsa(&upper).is_some()).then_some(upper)
        });
    if form.action == "rectify" && fsa.is_none() {
        return message(lang, StatusCode::UNPROCESSABLE_ENTITY, "web-rights-postal-code-invalid");
    }
    let store = state.store.clone();
    let actor = signed.clone();
    let action = form.action.clone();
    let purpose = form.purpose.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        store.write(|session| -> Result<bool, StoreError> {
            let Some(request) = session.rights_request(id)? else {
                return Ok(false);
            };
            if request.status != "open" {
                return Ok(false);
            }
            let person = PersonKey(request.person_key.clone());
            let now = Utc::now();
            let (audit_action, detail) = match action.as_str() {
                "rectify" => {
                    let changed = session.rectify_person_fsa(&person, fsa.as_deref().unwrap_or_default())?;
                    ("rights-rectify", serde_json::json!({"ticket_lines": changed}))
                }
                "erase" => {
                    let (unlinked, deleted) = session.erase_person(&person)?;
                    (
                        "rights-erase",
                        serde_json::json!({"ticket_lines": unlinked, "consents": deleted}),
                    )
                }
                "withdraw" => {
                    let Some(purpose) = ensemble_model::Purpose::from_code(&purpose) else {
                        return Ok(false);
                    };
                    let members: Vec<MemberId> = session
                        .list::<Member>(&ListFilter::default())?
                        .into_iter()
                        .map(|member| member.id)
                        .collect();
                    let changed = session.withdraw_consent(&person, purpose, &members, now.fixed_offset())?;
                    (
                        "rights-withdraw",
                        serde_json::json!({"purpose": purpose.code(), "consents": changed}),
                    )
                }
                "close" => {
                    let records = session.person_records(&person)?;
                    // Kept as counts; the page words them in the reader's language.
                    let outcome = serde_json::json!({
                        "ticket_lines": records.ticket_sales.len(),
                        "consents": records.consents.len(),
                    });
                    session.close_rights_request(id, Some(actor.user.id), &outcome.to_string(), now.fixed_offset())?;
                    ("rights-close", outcome)
                }
                _ => return Ok(false),
            };
            session.append_audit(&event(&actor, None, audit_action, format!("request {id}"), detail), now)?;
            Ok(true)
        })
    })
    .await;
    match outcome {
        Ok(Ok(true)) => Redirect::to(&format!("/droits/{id}")).into_response(),
        Ok(Ok(false)) => message(lang, StatusCode::NOT_FOUND, "web-not-found"),
        _ => message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable"),
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
) -> Response {
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
    let required = [
        &form.description,
        &form.information_concerned,
        &form.risk_assessment,
        &form.measures_taken,
    ];
    let (Ok(occurred_on), Ok(discovered_on), Ok(people_affected), Ok(commission), Ok(notified)) = parsed else {
        return incidents_page(
            state,
            lang,
            signed,
            member,
            Some(tr(lang, "web-incidents-form-invalid")),
        )
        .await;
    };
    if required.iter().any(|text| text.trim().is_empty()) {
        return incidents_page(
            state,
            lang,
            signed,
            member,
            Some(tr(lang, "web-incidents-form-invalid")),
        )
        .await;
    }
    let incident = Incident {
        id: 0,
        member_id: member.map(|m| m.id),
        occurred_on,
        discovered_on,
        description: form.description.trim().to_string(),
        information_concerned: form.information_concerned.trim().to_string(),
        people_affected,
        serious_injury_risk: form.serious_injury_risk.is_some(),
        risk_assessment: form.risk_assessment.trim().to_string(),
        measures_taken: form.measures_taken.trim().to_string(),
        commission_notified_on: commission,
        people_notified_on: notified,
        recorded_by: Some(signed.user.id),
        recorded_at: Utc::now().fixed_offset(),
    };
    let store = state.store.clone();
    let actor = signed.clone();
    let saved = tokio::task::spawn_blocking(move || {
        store.write(|session| -> Result<(), StoreError> {
            let saved = session.insert_incident(&incident)?;
            let detail = serde_json::json!({"serious_injury_risk": saved.serious_injury_risk});
            let subject = format!("incident {}", saved.id);
            session.append_audit(&event(&actor, saved.member_id, "incident", subject, detail), Utc::now())?;
            Ok(())
        })
    })
    .await;
    match saved {
        Ok(Ok(())) => Redirect::to(&member.map_or_else(
            || "/incidents".to_string(),
            |m| format!("/membres/{}/incidents", m.slug),
        ))
        .into_response(),
        _ => message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable"),
    }
}

/// `POST /incidents`: the coordination records an incident of the commons.
pub async fn create_incident(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Form(form): Form<NewIncident>,
) -> Response {
    record_incident(&state, lang, &signed, None, form).await
}

/// `POST /membres/{member}/incidents`: a member's administration records one of its incidents.
pub async fn create_member_incident(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Form(form): Form<NewIncident>,
) -> Response {
    record_incident(&state, lang, &signed, Some(&member), form).await
}
