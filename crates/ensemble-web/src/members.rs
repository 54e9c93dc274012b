//! The consortium's members and their people: the list of members (the coordination adds one),
//! a member's home (what it holds, what others share with it, what needs fixing, recent imports),
//! user administration, and a person's own account with their API tokens.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use ensemble_actions::{ActionError, accounts, members};
use ensemble_i18n::{Arg, Lang, tr, tr_args};
use ensemble_model::{Batch, Member, Organization, Role, ValueChainRole, entity_docs};

use crate::error::WebError;
use crate::http::{MemberScope, Signed};
use crate::pages::{MemberLine, Texts, encode, form_status, label, member_lines, message, read, render, texts};
use crate::policy::rank;
use crate::{AppState, PageLang};

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage {
    t: Texts,
    members: Vec<MemberLine>,
    roles: Vec<(String, String)>,
    error: Option<String>,
}

fn value_chain_roles(lang: Lang) -> Vec<(String, String)> {
    ValueChainRole::ALL
        .iter()
        .map(|role| (role.code().to_string(), label(lang, role.label_fr(), role.label_en())))
        .collect()
}

async fn members_page(state: &AppState, lang: Lang, signed: &Signed, error: Option<&str>) -> Response {
    let members = match read(state, lang, move |session| member_lines(session, lang)).await {
        Ok(members) => members,
        Err(response) => return response,
    };
    let t = match texts(state, lang, Some(signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let status = form_status(error.is_some());
    (
        status,
        render(&MembersPage {
            t,
            members,
            roles: value_chain_roles(lang),
            error: error.map(|key| tr(lang, key)),
        }),
    )
        .into_response()
}

/// `GET /membres`: the consortium's members; the coordination also sees the form to add one.
pub async fn list(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
) -> Response {
    members_page(&state, lang, &signed, None).await
}

/// What the form adding a member sends (roles come as repeated `role` fields).
#[derive(Debug, Default)]
struct NewMember {
    name: String,
    slug: String,
    municipality: String,
    role: Vec<String>,
}

impl NewMember {
    fn parse(body: &[u8]) -> NewMember {
        let mut form = NewMember::default();
        for (name, value) in form_urlencoded::parse(body) {
            match name.as_ref() {
                "name" => form.name = value.into_owned(),
                "slug" => form.slug = value.into_owned(),
                "municipality" => form.municipality = value.into_owned(),
                "role" => form.role.push(value.into_owned()),
                _ => {}
            }
        }
        form
    }
}

/// `POST /membres`: the coordination admits a member (its organisation is created with it).
pub async fn create(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let form = NewMember::parse(&body);
    let new = members::NewMember {
        slug: form.slug,
        name: form.name,
        roles: form
            .role
            .iter()
            .filter_map(|code| ValueChainRole::from_code(code))
            .collect(),
        municipality: Some(form.municipality),
        region: None,
        postal_code: None,
    };
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let admitted = tokio::task::spawn_blocking(move || members::admit(&store, &actor, &new)).await?;
    state.cache.clear();
    match admitted {
        Ok(member) => Ok(Redirect::to(&format!("/membres/{}", encode(&member.slug))).into_response()),
        Err(ActionError::Refused("member-form-invalid")) => {
            Ok(members_page(&state, lang, &signed, Some("web-member-form-invalid")).await)
        }
        Err(ActionError::Refused("member-slug-taken")) => {
            Ok(members_page(&state, lang, &signed, Some("web-member-slug-taken")).await)
        }
        Err(error) => Err(error.into()),
    }
}

/// What the member holds of one entity.
pub struct Holding {
    label: String,
    count: u64,
}

/// An agreement under which another member shares with this one.
pub struct SharedLine {
    provider: String,
    dataset: String,
    level: String,
    purpose: String,
    until: String,
}

/// An import as the home and the history list it.
pub struct BatchLine {
    /// Its number.
    pub id: i64,
    /// The file name.
    pub file: String,
    /// When.
    pub date: String,
    /// Its status.
    pub status: String,
    /// Whether it can still be rolled back.
    pub active: bool,
}

/// A batch as a line of a list.
pub fn batch_line(t: &Texts, batch: &Batch) -> BatchLine {
    let lang = t.lang();
    BatchLine {
        id: batch.id.0,
        file: batch
            .file_name
            .clone()
            .unwrap_or_else(|| label(lang, batch.kind.label_fr(), batch.kind.label_en())),
        date: format!("{}, {}", t.date(&batch.created_at), t.time(&batch.created_at)),
        status: label(lang, batch.status.label_fr(), batch.status.label_en()),
        active: batch.status == ensemble_model::BatchStatus::Committed,
    }
}

#[derive(Template)]
#[template(path = "member.html")]
struct MemberHome {
    t: Texts,
    slug: String,
    name: String,
    holdings: Vec<Holding>,
    shared: Vec<SharedLine>,
    quarantined: u64,
    officer: String,
    chart: Option<String>,
    imports: Vec<BatchLine>,
    deadlines: Vec<DeadlineLine>,
    admin: bool,
    analyst: bool,
    /// One of the member's own people (its audience is theirs alone).
    own: bool,
}

/// A grant's report due date as the member's home shows it.
pub struct DeadlineLine {
    funder: String,
    programme: String,
    due: String,
    status: String,
    overdue: bool,
    lacks: Vec<String>,
}

/// A report due date of one of the member's grants, with what its period still lacks.
#[derive(Clone)]
pub struct Deadline {
    funder: String,
    programme: String,
    due: chrono::NaiveDate,
    today: chrono::NaiveDate,
    lacks: ensemble_reports::Completeness,
}

/// The report due dates of the member's grants within a year either side of today, the nearest
/// first, each with what the member's data still lacks over the grant's period.
fn deadlines(
    session: &mut ensemble_store::Session<'_>,
    asking: &ensemble_store::Requester,
    inventory: &ensemble_store::Grant,
    member: &Member,
    today: chrono::NaiveDate,
) -> Result<Vec<Deadline>, ensemble_reports::ReportError> {
    let grants: Vec<ensemble_model::Grant> =
        session.granted(inventory, member.id, &ensemble_store::ListFilter::default())?;
    let mut lacks_by_period: std::collections::HashMap<
        (chrono::NaiveDate, chrono::NaiveDate),
        ensemble_reports::Completeness,
    > = std::collections::HashMap::new();
    let mut found = Vec::new();
    for grant in grants {
        let dues: Vec<chrono::NaiveDate> = grant
            .report_due_dates
            .iter()
            .copied()
            .filter(|due| (*due - today).num_days().abs() <= 365)
            .collect();
        if dues.is_empty() {
            continue;
        }
        let key = (grant.starts_on, grant.ends_on);
        if let std::collections::hash_map::Entry::Vacant(entry) = lacks_by_period.entry(key) {
            let period = ensemble_reports::Period {
                start: grant.starts_on,
                end: grant.ends_on + chrono::Duration::days(1),
                label: format!("{} – {}", grant.starts_on, grant.ends_on),
            };
            entry.insert(ensemble_reports::facts(session, asking, member, &period, today)?.1);
        }
        let funder = session
            .get::<Organization>(grant.funder_id.0)?
            .map_or_else(String::new, |organization| organization.name);
        for due in dues {
            found.push(Deadline {
                funder: funder.clone(),
                programme: grant.programme.clone(),
                due,
                today,
                lacks: lacks_by_period.get(&key).cloned().unwrap_or_default(),
            });
        }
    }
    found.sort_by_key(|deadline| ((deadline.due - today).num_days().abs(), deadline.due));
    Ok(found)
}

/// `GET /membres/{member}`: what the member holds, what others share with it, what needs fixing
/// and its recent imports.
pub async fn home(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
) -> Response {
    let clock = state.clock;
    let id = member.id;
    let found = read(&state, lang, move |session| {
        let organization = session.get::<Organization>(member.organization_id.0)?;
        let mut shared = Vec::new();
        for agreement in session.agreements_of(id)? {
            if agreement.provider_id != id {
                let provider = session.get::<Member>(agreement.provider_id.0)?;
                let provider_name = match provider {
                    Some(provider) => session
                        .get::<Organization>(provider.organization_id.0)?
                        .map_or(provider.slug, |organization| organization.name),
                    None => String::new(),
                };
                shared.push((agreement, provider_name));
            }
        }
        // The latest imports, as the audit trail tells them (no private record is read).
        let imports = session.audit_actions(id, ensemble_store::AuditAction::Import, 5)?;
        Ok((organization, shared, imports))
    })
    .await;
    let (organization, shared, imports) = match found {
        Ok(found) => found,
        Err(response) => return response,
    };
    // What the member holds is read through a grant of its data inventory (recorded), and
    // counting its ticket lines takes a while: the figures are kept a minute, per member and
    // per member asking.
    let key = format!("member-{}-for-{:?}", id.0, signed.user.member_id.map(|m| m.0));
    let asking = signed.requester(ensemble_model::Purpose::Reporting);
    let store = state.store.clone();
    // The member's own people also see its report deadlines and what each report still lacks.
    let own = signed.user.member_id == Some(id);
    let scope = member.clone();
    let counted = state.cache.get_or(&key, async move {
        let counted = tokio::task::spawn_blocking(move || {
            store.write(|session| {
                let today = clock.today();
                let grant = session.grant(&asking, ensemble_model::Dataset::DataInventory, today)?;
                let deadlines = if own {
                    deadlines(session, &asking, &grant, &scope, today)?
                } else {
                    Vec::new()
                };
                Ok::<_, ensemble_reports::ReportError>((
                    session.granted_holdings(&grant, id)?,
                    session.granted_open_quarantine_count(&grant, id)?,
                    session.performance_moments(id)?,
                    deadlines,
                ))
            })
        })
        .await;
        match counted {
            Ok(Ok(counted)) => Ok(counted),
            _ => Err(message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable")),
        }
    });
    let (holdings, quarantined, moments, due) = match counted.await {
        Ok(counted) => (counted.0.clone(), counted.1, counted.2.clone(), counted.3.clone()),
        Err(response) => return response,
    };
    let t = match texts(&state, lang, Some(&signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let docs = entity_docs();
    let own_or_coordinator = signed.user.role == Role::Coordinator || signed.user.member_id == Some(id);
    render(&MemberHome {
        slug: member.slug.clone(),
        name: organization.map_or_else(|| member.slug.clone(), |organization| organization.name),
        holdings: holdings
            .into_iter()
            .map(|(table, count)| Holding {
                label: docs
                    .iter()
                    .find(|doc| doc.table == table)
                    .map_or_else(|| table.to_string(), |doc| label(lang, doc.label_fr, doc.label_en)),
                count,
            })
            .collect(),
        shared: shared
            .into_iter()
            .map(|(agreement, provider)| SharedLine {
                provider,
                dataset: label(lang, agreement.dataset.label_fr(), agreement.dataset.label_en()),
                level: label(lang, agreement.level.label_fr(), agreement.level.label_en()),
                purpose: label(lang, agreement.purpose.label_fr(), agreement.purpose.label_en()),
                until: agreement
                    .valid_until
                    .map(|date| ensemble_i18n::format::date(lang, date))
                    .unwrap_or_default(),
            })
            .collect(),
        quarantined,
        officer: member.privacy_officer_title.clone().unwrap_or_default(),
        chart: performances_chart(lang, &moments),
        imports: imports
            .iter()
            .map(|entry| BatchLine {
                id: serde_json::from_str::<serde_json::Value>(&entry.detail)
                    .ok()
                    .and_then(|detail| detail["batch"].as_i64())
                    .unwrap_or_default(),
                file: entry.subject.clone(),
                date: format!("{}, {}", t.date(&entry.at), t.time(&entry.at)),
                status: String::new(),
                active: true,
            })
            .collect(),
        deadlines: due
            .iter()
            .map(|deadline| DeadlineLine {
                funder: deadline.funder.clone(),
                programme: deadline.programme.clone(),
                due: ensemble_i18n::format::date(lang, deadline.due),
                status: {
                    let days = (deadline.due - deadline.today).num_days();
                    if days >= 0 {
                        tr_args(lang, "web-member-due-in", &[("count", Arg::from(days))])
                    } else {
                        tr_args(lang, "web-member-due-past", &[("count", Arg::from(-days))])
                    }
                },
                overdue: deadline.due < deadline.today,
                lacks: ensemble_reports::completeness_lines(&deadline.lacks, lang),
            })
            .collect(),
        admin: own_or_coordinator && rank(signed.user.role) >= rank(Role::MemberAdmin),
        analyst: own_or_coordinator && rank(signed.user.role) >= rank(Role::MemberAnalyst),
        own: signed.user.member_id == Some(id),
        t,
    })
}

/// The member's performances per month, Québec time, as an SVG bar chart (none without any).
fn performances_chart(lang: Lang, moments: &[chrono::DateTime<chrono::FixedOffset>]) -> Option<String> {
    use chrono::Datelike;
    let months: Vec<(i32, u32)> = moments
        .iter()
        .map(|moment| {
            let local = crate::pages::local(moment, "");
            (local.year(), local.month())
        })
        .collect();
    let (first, last) = (*months.first()?, *months.last()?);
    let mut bars = Vec::new();
    let (mut year, mut month) = first;
    while (year, month) <= last {
        let value = months.iter().filter(|m| **m == (year, month)).count() as u64;
        bars.push(crate::chart::Bar {
            label: ensemble_i18n::format::month(lang, year, month),
            value,
            labelled: month == 9 || (year, month) == first,
        });
        (year, month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    }
    Some(crate::chart::bars(
        "representations-par-mois",
        &tr(lang, "web-member-chart-title"),
        &tr(lang, "web-member-chart-description"),
        &bars,
        |value| ensemble_i18n::format::integer(lang, value as i64),
    ))
}

/// What the form naming the person in charge of personal information sends.
#[derive(Debug, serde::Deserialize)]
pub struct Officer {
    title: String,
}

/// `POST /membres/{member}/responsable`: the member's administration names, by title, the person
/// in charge of personal information (a title, not a name: it outlives whoever holds it).
pub async fn set_officer(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Form(form): Form<Officer>,
) -> Result<Response, WebError> {
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let scope = member.clone();
    tokio::task::spawn_blocking(move || members::name_privacy_officer(&store, &actor, &scope, &form.title)).await??;
    Ok(Redirect::to(&format!("/membres/{}", encode(&member.slug))).into_response())
}

/// A user as the administration lists them.
pub struct UserLine {
    id: i64,
    name: String,
    login: String,
    role: String,
    disabled: bool,
    myself: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    t: Texts,
    slug: String,
    users: Vec<UserLine>,
    roles: Vec<(String, String)>,
    error: Option<String>,
    /// A password given (the account created, or a new password): heading, login, password.
    given: Option<(String, String, String)>,
}

/// The roles a person may give: their own and below, never the coordination's.
fn grantable(state: &AppState, lang: Lang, signed: &Signed) -> Vec<(String, String)> {
    members::grantable_roles(&signed.actor(state.clock))
        .into_iter()
        .map(|role| (role.code().to_string(), label(lang, role.label_fr(), role.label_en())))
        .collect()
}

async fn users_page(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    member: &Member,
    error: Option<&str>,
    given: Option<(&str, String, String)>,
) -> Response {
    let id = member.id;
    let users = match read(state, lang, move |session| session.users(Some(id))).await {
        Ok(users) => users,
        Err(response) => return response,
    };
    let t = match texts(state, lang, Some(signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let status = form_status(error.is_some());
    let page = UsersPage {
        slug: member.slug.clone(),
        users: users
            .into_iter()
            .map(|user| UserLine {
                myself: user.id == signed.user.id,
                id: user.id,
                name: user.display_name,
                login: user.login,
                role: label(lang, user.role.label_fr(), user.role.label_en()),
                disabled: user.disabled,
            })
            .collect(),
        roles: grantable(state, lang, signed),
        error: error.map(|key| tr(lang, key)),
        given: given.map(|(heading, login, password)| (tr(lang, heading), login, password)),
        t,
    };
    (status, render(&page)).into_response()
}

/// `GET /membres/{member}/utilisateurs`: the member's people and the form to add one.
pub async fn users(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
) -> Response {
    users_page(&state, lang, &signed, &member, None, None).await
}

/// What the form adding a user sends.
#[derive(Debug, serde::Deserialize)]
pub struct NewUser {
    name: String,
    login: String,
    role: String,
}

/// `POST /membres/{member}/utilisateurs`: adds a person with a first password shown once.
pub async fn create_user(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Form(form): Form<NewUser>,
) -> Result<Response, WebError> {
    let Some(role) = Role::from_code(&form.role) else {
        return Ok(users_page(&state, lang, &signed, &member, Some("web-user-form-invalid"), None).await);
    };
    let new = members::NewUser {
        login: form.login,
        display_name: form.name,
        role,
    };
    let password = ensemble_privacy::new_token()[..20].to_string();
    let hash = ensemble_privacy::hash_password(&password)
        .ok_or_else(|| WebError::Unavailable("the password could not be hashed".to_string()))?;
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let scope = member.clone();
    let created = tokio::task::spawn_blocking(move || members::create_user(&store, &actor, &scope, &new, hash)).await?;
    match created {
        Ok(user) => {
            let given = Some(("web-users-created", user.login, password));
            Ok(users_page(&state, lang, &signed, &member, None, given).await)
        }
        Err(ActionError::Refused("user-form-invalid")) => {
            Ok(users_page(&state, lang, &signed, &member, Some("web-user-form-invalid"), None).await)
        }
        Err(ActionError::Refused("user-login-taken")) => {
            Ok(users_page(&state, lang, &signed, &member, Some("web-user-login-taken"), None).await)
        }
        Err(error) => Err(error.into()),
    }
}

/// `POST /membres/{member}/utilisateurs/{user}/desactiver`: disables a person of the member (not
/// oneself) and ends their sessions and tokens.
pub async fn disable_user(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Path((_, user)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    match tokio::task::spawn_blocking(move || members::disable_user(&store, &actor, user)).await? {
        Ok(()) => Ok(Redirect::to(&format!("/membres/{}/utilisateurs", encode(&member.slug))).into_response()),
        Err(ActionError::Refused("user-unknown" | "user-disable-self")) => Err(WebError::NotFound),
        Err(error) => Err(error.into()),
    }
}

/// `POST /membres/{member}/utilisateurs/{user}/mot-de-passe`: gives one of the member's people
/// a new password, shown once; their sessions end.
pub async fn reset_password(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Path((_, user)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    let found = match read(&state, lang, move |session| session.user(user)).await {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let login = found
        .filter(|found| found.member_id == Some(member.id))
        .ok_or(WebError::NotFound)?
        .login;
    let password = ensemble_privacy::new_token()[..20].to_string();
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let new = password.clone();
    match tokio::task::spawn_blocking(move || accounts::reset_password(&store, &actor, user, &new)).await? {
        Ok(()) => {
            let given = Some(("web-users-password-given", login, password));
            Ok(users_page(&state, lang, &signed, &member, None, given).await)
        }
        Err(ActionError::Refused("user-unknown" | "password-reset-self")) => Err(WebError::NotFound),
        Err(error) => Err(error.into()),
    }
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    t: Texts,
    login: String,
    role: String,
    /// Each token's reference, label and creation date.
    tokens: Vec<(String, String, String)>,
    created: Option<String>,
    error: Option<String>,
    notice: Option<String>,
    /// Why the password was not changed.
    password_error: Option<String>,
}

async fn account_page(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    created: Option<String>,
    (error, notice): (Option<&str>, Option<&str>),
) -> Response {
    account_page_with(state, lang, signed, created, (error, notice), None).await
}

async fn account_page_with(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    created: Option<String>,
    (error, notice): (Option<&str>, Option<&str>),
    password_error: Option<&str>,
) -> Response {
    let user = signed.user.id;
    let tokens = match read(state, lang, move |session| session.api_tokens(user)).await {
        Ok(tokens) => tokens,
        Err(response) => return response,
    };
    let t = match texts(state, lang, Some(signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    render(&AccountPage {
        login: signed.user.login.clone(),
        role: label(lang, signed.user.role.label_fr(), signed.user.role.label_en()),
        tokens: tokens
            .into_iter()
            .map(|token| (token.reference, token.label, t.date(&token.created_at)))
            .collect(),
        created,
        error: error.map(|key| tr(lang, key)),
        notice: notice.map(|key| tr(lang, key)),
        password_error: password_error.map(|key| tr(lang, key)),
        t,
    })
}

/// `GET /compte`: the person's account and API tokens.
pub async fn account(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
) -> Response {
    account_page(&state, lang, &signed, None, (None, None)).await
}

/// What the form changing one's password sends.
#[derive(Debug, serde::Deserialize)]
pub struct NewPassword {
    current: String,
    new: String,
    confirm: String,
}

/// `POST /compte/mot-de-passe`: changes the person's own password; every session of theirs ends
/// and they sign in again with the new one.
pub async fn change_password(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    headers: axum::http::HeaderMap,
    Form(form): Form<NewPassword>,
) -> Result<Response, WebError> {
    if form.new != form.confirm {
        let page = account_page_with(&state, lang, &signed, None, (None, None), Some("web-password-mismatch"));
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page.await).into_response());
    }
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let changed =
        tokio::task::spawn_blocking(move || accounts::change_password(&store, &actor, &form.current, &form.new));
    match changed.await? {
        Ok(()) => {
            let mut response = crate::auth::sign_in_page(
                lang,
                StatusCode::OK,
                &signed.user.login,
                (None, Some("web-password-changed")),
                &headers,
            );
            let expired = format!(
                "{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax",
                crate::http::SESSION_COOKIE
            );
            if let Ok(value) = axum::http::HeaderValue::from_str(&expired) {
                response.headers_mut().append(axum::http::header::SET_COOKIE, value);
            }
            Ok(response)
        }
        Err(ActionError::Refused(code @ ("password-wrong" | "password-too-short" | "password-invalid"))) => {
            let key = format!("error-{code}");
            let page = account_page_with(&state, lang, &signed, None, (None, None), Some(&key)).await;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(error) => Err(error.into()),
    }
}

/// What the form creating an API token sends.
#[derive(Debug, serde::Deserialize)]
pub struct NewToken {
    label: String,
}

/// `POST /compte/jetons`: a new API token, shown once (only its digest is kept).
pub async fn create_token(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Form(form): Form<NewToken>,
) -> Result<Response, WebError> {
    let token = ensemble_privacy::new_token();
    let digest = ensemble_privacy::token_digest(&token);
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    match tokio::task::spawn_blocking(move || members::create_token(&store, &actor, &form.label, &digest)).await? {
        Ok(()) => Ok(account_page(&state, lang, &signed, Some(token), (None, None)).await),
        Err(ActionError::Refused("token-label-missing")) => {
            Ok(account_page(&state, lang, &signed, None, (Some("web-token-label-missing"), None)).await)
        }
        Err(error) => Err(error.into()),
    }
}

/// `POST /compte/jetons/{token}/revoquer`: revokes one of the person's tokens, at once.
pub async fn revoke_token(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Path(reference): Path<String>,
) -> Result<Response, WebError> {
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let revoked = tokio::task::spawn_blocking(move || {
        members::revoke_token(&store, &actor, members::TokenToRevoke::Reference(&reference))
    })
    .await?;
    match revoked {
        Ok(()) => Ok(account_page(&state, lang, &signed, None, (None, Some("web-tokens-revoked"))).await),
        Err(ActionError::Refused("token-unknown")) => Err(WebError::NotFound),
        Err(error) => Err(error.into()),
    }
}
