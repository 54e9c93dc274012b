//! Sharing agreements as both sides see them: what a member gives (and to whom, at which level,
//! for what purpose, until when) and what it receives. A member's administration creates an
//! agreement as provider and may end it; nothing is shared before.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use chrono::NaiveDate;
use ensemble_actions::{ActionError, sharing};
use ensemble_i18n::{Lang, tr};
use ensemble_model::{Dataset, Member, MemberId, Organization, Purpose, Role, SharingAgreement, SharingLevel};
use ensemble_store::ListFilter;

use crate::error::WebError;
use crate::http::{MemberScope, Signed};
use crate::pages::{Texts, encode, form_status, label, read, render, texts};
use crate::policy::rank;
use crate::{AppState, PageLang};

/// An agreement as a line of the page.
pub struct AgreementLine {
    id: i64,
    other: String,
    dataset: String,
    level: String,
    purpose: String,
    period: String,
    leaves_quebec: bool,
    in_force: bool,
    can_end: bool,
}

#[derive(Template)]
#[template(path = "agreements.html")]
struct AgreementsPage {
    t: Texts,
    slug: String,
    given: Vec<AgreementLine>,
    received: Vec<AgreementLine>,
    admin: bool,
    members: Vec<(String, String)>,
    datasets: Vec<(String, String)>,
    levels: Vec<(String, String)>,
    purposes: Vec<(String, String)>,
    today: String,
    error: Option<String>,
}

fn choices<T: Copy>(
    all: &[T],
    lang: Lang,
    code: impl Fn(T) -> &'static str,
    fr: impl Fn(T) -> &'static str,
    en: impl Fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|item| (code(*item).to_string(), label(lang, fr(*item), en(*item))))
        .collect()
}

async fn page(state: &AppState, lang: Lang, signed: &Signed, member: &Member, error: Option<String>) -> Response {
    let clock = state.clock;
    let id = member.id;
    let found = read(state, lang, move |session| {
        let agreements = session.agreements_of(id)?;
        let members: Vec<Member> = session.list(&ListFilter::default())?;
        let mut names = Vec::new();
        for other in members {
            let name = session
                .get::<Organization>(other.organization_id.0)?
                .map_or_else(|| other.slug.clone(), |organization| organization.name);
            names.push((other.id, other.slug, name));
        }
        Ok((agreements, names))
    })
    .await;
    let (agreements, names) = match found {
        Ok(found) => found,
        Err(response) => return response,
    };
    let t = match texts(state, lang, Some(signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let today = clock.today();
    let admin = rank(signed.user.role) >= rank(Role::MemberAdmin);
    let name_of = |member: Option<MemberId>| match member {
        Some(member) => names
            .iter()
            .find(|(id, _, _)| *id == member)
            .map_or_else(|| member.0.to_string(), |(_, _, name)| name.clone()),
        None => tr(lang, "web-agreements-whole-consortium"),
    };
    let line = |agreement: &SharingAgreement, given: bool| AgreementLine {
        id: agreement.id.0,
        other: if given {
            name_of(agreement.recipient_member_id)
        } else {
            name_of(Some(agreement.provider_id))
        },
        dataset: label(lang, agreement.dataset.label_fr(), agreement.dataset.label_en()),
        level: label(lang, agreement.level.label_fr(), agreement.level.label_en()),
        purpose: label(lang, agreement.purpose.label_fr(), agreement.purpose.label_en()),
        period: match agreement.valid_until {
            Some(until) => format!(
                "{} – {}",
                ensemble_i18n::format::date(lang, agreement.valid_from),
                ensemble_i18n::format::date(lang, until)
            ),
            None => format!(
                "{} {}",
                tr(lang, "web-agreements-from"),
                ensemble_i18n::format::date(lang, agreement.valid_from)
            ),
        },
        leaves_quebec: agreement.leaves_quebec,
        in_force: agreement.valid_from <= today && agreement.valid_until.is_none_or(|until| today <= until),
        can_end: given && admin && agreement.valid_until.is_none_or(|until| today < until),
    };
    let given = agreements
        .iter()
        .filter(|agreement| agreement.provider_id == member.id)
        .map(|agreement| line(agreement, true))
        .collect();
    let received = agreements
        .iter()
        .filter(|agreement| agreement.provider_id != member.id)
        .map(|agreement| line(agreement, false))
        .collect();
    let status = form_status(error.is_some());
    let page = AgreementsPage {
        slug: member.slug.clone(),
        given,
        received,
        admin,
        members: names
            .iter()
            .filter(|(id, _, _)| *id != member.id)
            .map(|(_, slug, name)| (slug.clone(), name.clone()))
            .collect(),
        datasets: choices(Dataset::ALL, lang, Dataset::code, Dataset::label_fr, Dataset::label_en),
        levels: choices(
            &[SharingLevel::Aggregate, SharingLevel::Detail],
            lang,
            SharingLevel::code,
            SharingLevel::label_fr,
            SharingLevel::label_en,
        ),
        purposes: choices(Purpose::ALL, lang, Purpose::code, Purpose::label_fr, Purpose::label_en),
        today: today.to_string(),
        error,
        t,
    };
    (status, render(&page)).into_response()
}

/// `GET /membres/{member}/ententes`: what the member gives and receives.
pub async fn list(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
) -> Response {
    page(&state, lang, &signed, &member, None).await
}

/// What the form creating an agreement sends.
#[derive(Debug, serde::Deserialize)]
pub struct NewAgreement {
    recipient: String,
    dataset: String,
    level: String,
    purpose: String,
    valid_from: String,
    #[serde(default)]
    valid_until: String,
    #[serde(default)]
    leaves_quebec: Option<String>,
    #[serde(default)]
    assessment: Option<String>,
}

/// `POST /membres/{member}/ententes`: the member, as provider, shares a dataset.
pub async fn create(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Form(form): Form<NewAgreement>,
) -> Result<Response, WebError> {
    let parsed = (
        Dataset::from_code(&form.dataset),
        SharingLevel::from_code(&form.level).filter(|level| *level != SharingLevel::None),
        Purpose::from_code(&form.purpose),
        form.valid_from.parse::<NaiveDate>().ok(),
        match form.valid_until.trim() {
            "" => Some(None),
            text => text.parse::<NaiveDate>().ok().map(Some),
        },
    );
    let (Some(dataset), Some(level), Some(purpose), Some(valid_from), Some(valid_until)) = parsed else {
        return Ok(page(
            &state,
            lang,
            &signed,
            &member,
            Some(tr(lang, "web-agreements-form-invalid")),
        )
        .await);
    };
    let new = sharing::NewAgreement {
        recipient: Some(form.recipient.trim().to_string()).filter(|slug| slug != "*"),
        dataset,
        level,
        purpose,
        valid_from,
        valid_until,
        leaves_quebec: form.leaves_quebec.is_some(),
        assessment_on_file: form.assessment.is_some(),
    };
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let provider = member.clone();
    let outcome = tokio::task::spawn_blocking(move || sharing::create(&store, &actor, &provider, &new)).await?;
    let problem = match outcome {
        Ok(_) => {
            // The pool of pooled statistics may have changed.
            state.cache.clear();
            return Ok(Redirect::to(&format!("/membres/{}/ententes", encode(&member.slug))).into_response());
        }
        Err(ActionError::Refused("agreement-form-invalid")) => tr(lang, "web-agreements-form-invalid"),
        Err(ActionError::Invalid(problems)) => problems.first().map(|p| p.message(lang)).unwrap_or_default(),
        Err(error) => return Err(error.into()),
    };
    Ok(page(&state, lang, &signed, &member, Some(problem)).await)
}

/// `POST /membres/{member}/ententes/{agreement}/terminer`: the provider ends an agreement: it
/// stops yesterday and stays listed with its period (one that had not started is withdrawn).
pub async fn end(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Path((_, agreement)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let provider = member.clone();
    match tokio::task::spawn_blocking(move || sharing::end(&store, &actor, &provider, agreement)).await? {
        Ok(_) => {
            state.cache.clear();
            Ok(Redirect::to(&format!("/membres/{}/ententes", encode(&member.slug))).into_response())
        }
        Err(ActionError::Refused("agreement-unknown")) => Err(WebError::NotFound),
        Err(error) => Err(error.into()),
    }
}
