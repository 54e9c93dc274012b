//! A person's rights under Law 25, handled by the consortium's coordination: a request opened from
//! their email or phone (keyed at once, never kept), their records exported, rectified, erased, a
//! consent withdrawn, the request closed; and the register of confidentiality incidents, kept by
//! the coordination for the commons and by each member for its own.

use chrono::NaiveDate;
use ensemble_model::{Member, MemberId, Performance, PersonKey, Purpose, Show};
use ensemble_privacy::{IdentifierKind, Pseudonymizer, SecretKey};
use ensemble_store::{AuditAction, Incident, ListFilter, PersonRecords, RightsRequest, Session, Store, StoreError};

use crate::{ActionError, Actor, only_if, typed};

/// The kinds of request, by code.
pub const KINDS: [&str; 4] = ["access", "portability", "rectification", "erasure"];

/// Opens a request of a kind of [`KINDS`] received on a day, from the person's email or phone,
/// keyed at once (the identifier itself is never kept). Refused: `rights-coordination-only`,
/// `rights-form-invalid` (an unknown kind, or an identifier that is neither an email nor a phone).
pub fn open_request(
    store: &Store,
    key: &SecretKey,
    actor: &Actor,
    kind: &str,
    identifier: &str,
    received_on: NaiveDate,
) -> Result<RightsRequest, ActionError> {
    only_if(actor.is_coordination(), "rights-coordination-only")?;
    let identifier = identifier.trim();
    let identifier_kind = if identifier.contains('@') {
        IdentifierKind::Email
    } else {
        IdentifierKind::Phone
    };
    let person = Pseudonymizer::new(key).key(identifier_kind, identifier);
    let (Some(person), true) = (person, KINDS.contains(&kind)) else {
        return Err(ActionError::Refused("rights-form-invalid"));
    };
    store.write(|session| {
        let request = session.insert_rights_request(kind, &person, received_on)?;
        let detail = serde_json::json!({"kind": request.kind, "due_on": request.due_on});
        let event = actor.event(
            None,
            AuditAction::RightsRequest,
            format!("request {}", request.id),
            detail,
        );
        session.append_audit(&event, actor.clock.now())?;
        Ok(request)
    })
}

/// What the person provided, from every member, as exported.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonExport {
    /// Each ticket line with its member, show, date and venue.
    pub lines: Vec<serde_json::Value>,
    /// Each consent with its member, purpose and dates.
    pub consents: Vec<serde_json::Value>,
}

/// The person's records for an export in `format` (`json` or `csv`), with its `rights-export`
/// audit entry. Refused: `rights-coordination-only`, `rights-request-unknown`.
pub fn export(store: &Store, actor: &Actor, request: i64, format: &'static str) -> Result<PersonExport, ActionError> {
    only_if(actor.is_coordination(), "rights-coordination-only")?;
    store.write(|session| {
        let found = session
            .rights_request(request)?
            .ok_or(ActionError::Refused("rights-request-unknown"))?;
        let records = session.person_records(&PersonKey(found.person_key.clone()))?;
        let members: Vec<Member> = session.list(&ListFilter::default())?;
        let slug = |member: Option<MemberId>| {
            member
                .and_then(|member| members.iter().find(|m| m.id == member))
                .map(|m| m.slug.clone())
        };
        let lines = export_lines(session, &records, &slug)?;
        let consents = records
            .consents
            .iter()
            .map(|consent| {
                serde_json::json!({
                    "member": slug(consent.provenance.member_id),
                    "purpose": consent.purpose.code(),
                    "granted": consent.granted,
                    "recorded_at": consent.recorded_at.to_rfc3339(),
                    "withdrawn_at": consent.withdrawn_at.map(|at| at.to_rfc3339()),
                })
            })
            .collect();
        let detail = serde_json::json!({"format": format, "ticket_lines": lines.len()});
        let event = actor.event(None, AuditAction::RightsExport, format!("request {request}"), detail);
        session.append_audit(&event, actor.clock.now())?;
        Ok(PersonExport { lines, consents })
    })
}

/// Each ticket line of the person with its member, show, date and venue name.
fn export_lines(
    session: &mut Session<'_>,
    records: &PersonRecords,
    slug: &dyn Fn(Option<MemberId>) -> Option<String>,
) -> Result<Vec<serde_json::Value>, StoreError> {
    let performance_ids: Vec<i64> = records.ticket_sales.iter().map(|sale| sale.performance_id.0).collect();
    let performances = session.get_many::<Performance>(&performance_ids)?;
    let show_ids: Vec<i64> = performances.values().map(|p| p.show_id.0).collect();
    let shows = session.get_many::<Show>(&show_ids)?;
    Ok(records
        .ticket_sales
        .iter()
        .map(|sale| {
            let performance = performances.get(&sale.performance_id.0);
            serde_json::json!({
                "member": slug(sale.provenance.member_id).unwrap_or_default(),
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

/// A step taken on an open request.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// The person's postal area becomes this one (three characters) on every ticket line.
    Rectify(String),
    /// The person is erased: ticket lines unlinked from them, consents deleted.
    Erase,
    /// The person withdraws a consent, in every member.
    Withdraw(Purpose),
    /// The request is closed with what was done.
    Close,
}

/// Takes a step on an open request, with its audit entry. Refused: `rights-coordination-only`,
/// `rights-request-unknown` (no open request of that number).
pub fn act(store: &Store, actor: &Actor, request: i64, step: &Step) -> Result<(), ActionError> {
    only_if(actor.is_coordination(), "rights-coordination-only")?;
    store.write(|session| {
        let found = session
            .rights_request(request)?
            .filter(|found| found.status == "open")
            .ok_or(ActionError::Refused("rights-request-unknown"))?;
        let person = PersonKey(found.person_key.clone());
        let now = actor.clock.now();
        let (action, detail) = match step {
            Step::Rectify(fsa) => {
                let changed = session.rectify_person_fsa(&person, fsa)?;
                (AuditAction::RightsRectify, serde_json::json!({"ticket_lines": changed}))
            }
            Step::Erase => {
                let (unlinked, deleted) = session.erase_person(&person)?;
                (
                    AuditAction::RightsErase,
                    serde_json::json!({"ticket_lines": unlinked, "consents": deleted}),
                )
            }
            Step::Withdraw(purpose) => {
                let members: Vec<MemberId> = session
                    .list::<Member>(&ListFilter::default())?
                    .into_iter()
                    .map(|member| member.id)
                    .collect();
                let changed = session.withdraw_consent(&person, *purpose, &members, now.fixed_offset())?;
                (
                    AuditAction::RightsWithdraw,
                    serde_json::json!({"purpose": purpose.code(), "consents": changed}),
                )
            }
            Step::Close => {
                let records = session.person_records(&person)?;
                // Kept as counts; the page words them in the reader's language.
                let outcome = serde_json::json!({
                    "ticket_lines": records.ticket_sales.len(),
                    "consents": records.consents.len(),
                });
                session.close_rights_request(request, actor.user_id, &outcome.to_string(), now.fixed_offset())?;
                (AuditAction::RightsClose, outcome)
            }
        };
        let event = actor.event(None, action, format!("request {request}"), detail);
        session.append_audit(&event, now)?;
        Ok(())
    })
}

/// A confidentiality incident to record, as the register asks for it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewIncident {
    /// When it happened, if known.
    pub occurred_on: Option<NaiveDate>,
    /// When it was found.
    pub discovered_on: NaiveDate,
    /// What happened.
    pub description: String,
    /// Which information it concerns.
    pub information_concerned: String,
    /// How many people, if known.
    pub people_affected: Option<i64>,
    /// Whether it risks serious injury (then the Commission and the people must be told).
    pub serious_injury_risk: bool,
    /// The assessment of that risk.
    pub risk_assessment: String,
    /// What was done.
    pub measures_taken: String,
    /// When the Commission d'accès à l'information was told.
    pub commission_notified_on: Option<NaiveDate>,
    /// When the people were told.
    pub people_notified_on: Option<NaiveDate>,
}

/// Records an incident in the register of `member` (its administrators or the coordination), or
/// of the commons when `member` is none (the coordination), with its audit entry. Refused:
/// `incident-not-yours`, `incident-form-invalid` (a text left empty, a negative count),
/// `text-invalid` (a text over 4,000 characters).
pub fn record_incident(
    store: &Store,
    actor: &Actor,
    member: Option<&Member>,
    new: &NewIncident,
) -> Result<Incident, ActionError> {
    let allowed = member.map_or_else(|| actor.is_coordination(), |member| actor.administers(member));
    only_if(allowed, "incident-not-yours")?;
    let text = |text: &str| typed(text, 4000, true);
    let (description, information_concerned, risk_assessment, measures_taken) = (
        text(&new.description)?,
        text(&new.information_concerned)?,
        text(&new.risk_assessment)?,
        text(&new.measures_taken)?,
    );
    let texts = [&description, &information_concerned, &risk_assessment, &measures_taken];
    if texts.iter().any(|text| text.is_empty()) || new.people_affected.is_some_and(|count| count < 0) {
        return Err(ActionError::Refused("incident-form-invalid"));
    }
    let incident = Incident {
        id: 0,
        member_id: member.map(|m| m.id),
        occurred_on: new.occurred_on,
        discovered_on: new.discovered_on,
        description,
        information_concerned,
        people_affected: new.people_affected,
        serious_injury_risk: new.serious_injury_risk,
        risk_assessment,
        measures_taken,
        commission_notified_on: new.commission_notified_on,
        people_notified_on: new.people_notified_on,
        recorded_by: actor.user_id,
        recorded_at: actor.clock.now().fixed_offset(),
    };
    store.write(|session| {
        let saved = session.insert_incident(&incident)?;
        let detail = serde_json::json!({"serious_injury_risk": saved.serious_injury_risk});
        let event = actor.event(
            saved.member_id,
            AuditAction::Incident,
            format!("incident {}", saved.id),
            detail,
        );
        session.append_audit(&event, actor.clock.now())?;
        Ok(saved)
    })
}
