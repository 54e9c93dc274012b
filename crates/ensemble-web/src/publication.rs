//! A member's open-data page (`/membres/{member}/donnees-ouvertes`, its administrators): the shows
//! it presents, each published from its announcement date or not, a date to publish it from, and
//! a button to stop (the audited action `ensemble_actions::publication::set`); and the people
//! credited in those shows, each published only once the member records their consent, which it
//! can withdraw (`ensemble_actions::publication::consent`).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use chrono::NaiveDate;
use ensemble_actions::ActionError;
use ensemble_actions::publication::{CreditedPerson, ShowChoice, choices, consent, credited, set};
use ensemble_i18n::{Arg, Lang, tr, tr_args};
use ensemble_model::{Member, PersonId};

use crate::error::WebError;
use crate::http::{MemberScope, Signed};
use crate::pages::{Texts, form_status, render, texts};
use crate::{AppState, PageLang};

/// A show as a line of the page.
pub struct ChoiceLine {
    slug: String,
    title: String,
    /// "3 représentations, dès le 12 septembre 2023".
    performances: String,
    /// "Publié à partir du 18 juillet 2023", or "Non publié".
    state: String,
    published: bool,
    /// The date proposed in the form (the one chosen, else eight weeks before the first).
    proposed: String,
}

/// A credited person as a line of the page.
pub struct PersonLine {
    id: i64,
    name: String,
    /// The member's shows that credit them.
    shows: String,
    /// "Consentement consigné le 3 mars 2026", or "Pas de consentement : jamais publiée".
    state: String,
    consented: bool,
}

#[derive(Template)]
#[template(path = "publication.html")]
struct PublicationPage {
    t: Texts,
    slug: String,
    lines: Vec<ChoiceLine>,
    people: Vec<PersonLine>,
    error: Option<String>,
}

fn person_line(lang: Lang, person: &CreditedPerson) -> PersonLine {
    PersonLine {
        id: person.person.0,
        name: person.name.clone(),
        shows: person.shows.join(", "),
        state: match person.consented_on {
            Some(day) => tr_args(
                lang,
                "web-publication-consented",
                &[("day", Arg::from(ensemble_i18n::format::date(lang, day)))],
            ),
            None => tr(lang, "web-publication-not-consented"),
        },
        consented: person.consented_on.is_some(),
    }
}

fn line(lang: Lang, choice: &ShowChoice) -> ChoiceLine {
    let first = ensemble_i18n::format::date(lang, choice.first);
    ChoiceLine {
        slug: choice.slug.clone(),
        title: choice.title.clone(),
        performances: tr_args(
            lang,
            "web-publication-performances",
            &[("count", Arg::from(choice.performances)), ("first", Arg::from(first))],
        ),
        state: match choice.announced_on {
            Some(day) => tr_args(
                lang,
                "web-publication-from",
                &[("day", Arg::from(ensemble_i18n::format::date(lang, day)))],
            ),
            None => tr(lang, "web-publication-not-published"),
        },
        published: choice.announced_on.is_some(),
        proposed: choice
            .announced_on
            .unwrap_or(choice.first - chrono::Duration::weeks(8))
            .to_string(),
    }
}

async fn page(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    member: &Member,
    error: Option<String>,
) -> Result<Response, WebError> {
    let store = state.store.clone();
    let owner = member.clone();
    let (found, people) = tokio::task::spawn_blocking(move || {
        Ok::<_, ActionError>((choices(&store, &owner)?, credited(&store, &owner)?))
    })
    .await??;
    let t = match texts(state, lang, Some(signed)).await {
        Ok(t) => t,
        Err(response) => return Ok(response),
    };
    let status = form_status(error.is_some());
    let page = PublicationPage {
        t,
        slug: member.slug.clone(),
        lines: found.iter().map(|choice| line(lang, choice)).collect(),
        people: people.iter().map(|person| person_line(lang, person)).collect(),
        error,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /membres/{member}/donnees-ouvertes`.
pub async fn show(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
) -> Result<Response, WebError> {
    page(&state, lang, &signed, &member, None).await
}

/// What the form sends: the show, and the date to publish it from (none to stop).
#[derive(Debug, serde::Deserialize)]
pub struct ChoiceForm {
    show: String,
    from: Option<String>,
}

/// `POST /membres/{member}/donnees-ouvertes`: publish a show from a date, or stop.
pub async fn choose(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Form(form): Form<ChoiceForm>,
) -> Result<Response, WebError> {
    let from = match form.from.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => match text.parse::<NaiveDate>() {
            Ok(day) => Some(day),
            Err(_) => {
                let message = tr(lang, "web-publication-date-invalid");
                return page(&state, lang, &signed, &member, Some(message)).await;
            }
        },
    };
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let owner = member.clone();
    let done = tokio::task::spawn_blocking(move || set(&store, &actor, &owner, &form.show, from)).await?;
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/membres/{}/donnees-ouvertes", member.slug)).into_response()),
        Err(ActionError::Refused(code @ ("publication-show-unknown" | "publication-not-published"))) => {
            page(&state, lang, &signed, &member, Some(tr(lang, &format!("error-{code}")))).await
        }
        Err(error) => Err(error.into()),
    }
}

/// What the consent form sends: the person, and whether the consent is given or withdrawn.
#[derive(Debug, serde::Deserialize)]
pub struct ConsentForm {
    person: i64,
    given: String,
}

/// `POST /membres/{member}/donnees-ouvertes/consentements`: records a credited person's consent
/// as of today, or withdraws it.
pub async fn record_consent(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Form(form): Form<ConsentForm>,
) -> Result<Response, WebError> {
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let given_on = (form.given == "oui").then(|| state.clock.today());
    let owner = member.clone();
    let person = PersonId(form.person);
    let done = tokio::task::spawn_blocking(move || consent(&store, &actor, &owner, person, given_on)).await?;
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/membres/{}/donnees-ouvertes#personnes", member.slug)).into_response()),
        Err(ActionError::Refused(code @ ("publication-person-unknown" | "publication-no-consent"))) => {
            page(&state, lang, &signed, &member, Some(tr(lang, &format!("error-{code}")))).await
        }
        Err(error) => Err(error.into()),
    }
}
