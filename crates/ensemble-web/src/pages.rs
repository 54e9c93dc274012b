//! What every page shares: the catalogue and formats as templates see them ([`Texts`]), the
//! header's navigation, rendering, message pages, paging, and the landing page.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, FixedOffset};
use ensemble_i18n::{Arg, Lang, format, tr, tr_args};
use ensemble_model::{Member, Organization, Role, geo};
use ensemble_store::{ListFilter, Session, StoreError};

use crate::http::Signed;
use crate::http::Viewer;
use crate::{AppState, PageLang};

/// Rows per page of a listing.
pub const PAGE_SIZE: u64 = 50;

/// The signed-in person as the header shows them.
pub struct Nav {
    /// Their name.
    pub name: String,
    /// The session's form token, for the forms of the page.
    pub csrf: String,
    /// Their member's short code (none for the coordination).
    pub member: Option<String>,
    /// Whether they coordinate the consortium.
    pub coordinator: bool,
}

/// The catalogue and formats as templates see them (`{{ t.get("web-…") }}`), with who is signed in.
pub struct Texts {
    lang: Lang,
    /// The signed-in person, if any.
    pub nav: Option<Nav>,
}

impl Texts {
    /// The texts of a page for the signed-in person, if any. `member` is their member's short
    /// code, found by the caller.
    pub fn new(lang: Lang, signed: Option<&Signed>, member: Option<String>) -> Texts {
        Texts {
            lang,
            nav: signed.map(|signed| Nav {
                name: signed.user.display_name.clone(),
                csrf: signed.csrf.clone(),
                member,
                coordinator: signed.user.role == Role::Coordinator,
            }),
        }
    }

    /// Whether the signed-in person may open this member's pages (theirs, or any for the
    /// coordination); the access guard decides, this only hides links that would be refused.
    pub fn can_open(&self, slug: &str) -> bool {
        self.nav
            .as_ref()
            .is_some_and(|nav| nav.coordinator || nav.member.as_deref() == Some(slug))
    }

    /// A message of the catalogue.
    pub fn get(&self, key: &str) -> String {
        tr(self.lang, key)
    }

    /// A message with one number in it (`{ $count }`).
    pub fn count(&self, key: &str, count: &u64) -> String {
        tr_args(self.lang, key, &[("count", Arg::from(*count))])
    }

    /// The page's language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The page's language tag (`fr`, `en`).
    pub fn tag(&self) -> &'static str {
        self.lang.tag()
    }

    /// The language the switch offers.
    pub fn other(&self) -> Lang {
        match self.lang {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        }
    }

    /// A whole number in the page's language (`1 234`).
    pub fn int(&self, value: &u64) -> String {
        format::integer(self.lang, (*value).min(i64::MAX as u64) as i64)
    }

    /// A moment as its date in Québec (`28 novembre 2026`).
    pub fn date(&self, moment: &DateTime<FixedOffset>) -> String {
        format::date(self.lang, local(moment, "").date())
    }

    /// A moment as its time in Québec on the 24-hour clock (`19 h 30`).
    pub fn time(&self, moment: &DateTime<FixedOffset>) -> String {
        format::time(self.lang, local(moment, "").time())
    }
}

/// A moment on the wall clock of an IANA time zone (America/Toronto when the name is empty or
/// unknown): the engines may give moments back in any offset.
pub fn local(moment: &DateTime<FixedOffset>, zone: &str) -> chrono::NaiveDateTime {
    let zone: chrono_tz::Tz = zone.parse().unwrap_or(chrono_tz::America::Toronto);
    moment.with_timezone(&zone).naive_local()
}

/// A label in a language: the first for French, the second for English.
pub fn label(lang: Lang, fr: &str, en: &str) -> String {
    match lang {
        Lang::Fr => fr.to_string(),
        Lang::En => en.to_string(),
    }
}

/// A region's name from its code.
pub fn region(code: Option<&str>) -> String {
    code.and_then(geo::region_name).unwrap_or_default().to_string()
}

/// Paging of a listing: which page, how many, and the links to the others.
pub struct Pager {
    /// This page (from 1).
    pub page: u64,
    /// How many pages.
    pub pages: u64,
    /// How many results in all.
    pub total: u64,
    /// The query string of the previous page, if any.
    pub previous: Option<String>,
    /// The query string of the next page, if any.
    pub next: Option<String>,
}

impl Pager {
    /// The window of rows for `page` (from 1).
    pub fn window(page: Option<u64>) -> ensemble_store::Window {
        ensemble_store::Window {
            limit: PAGE_SIZE,
            offset: page.unwrap_or(1).max(1).saturating_sub(1).saturating_mul(PAGE_SIZE),
        }
    }

    /// The pager of a listing of `total` rows now on `page`; `query` is the filters' query string.
    pub fn new(page: Option<u64>, total: u64, query: &[(&str, String)]) -> Pager {
        let page = page.unwrap_or(1).max(1);
        let pages = total.div_ceil(PAGE_SIZE).max(1);
        let link = |number: u64| {
            let mut pairs: Vec<String> = query
                .iter()
                .filter(|(_, value)| !value.is_empty())
                .map(|(name, value)| format!("{name}={}", encode(value)))
                .collect();
            pairs.push(format!("page={number}"));
            format!("?{}", pairs.join("&"))
        };
        Pager {
            page,
            pages,
            total,
            previous: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The status of a page with a form: 422 when it is shown again with a problem, else 200.
pub(crate) fn form_status(problem: bool) -> StatusCode {
    if problem {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

pub(crate) fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct Message {
    t: Texts,
    title: String,
    text: String,
}

pub(crate) fn message(lang: Lang, status: StatusCode, key: &str) -> Response {
    let page = Message {
        t: Texts::new(lang, None, None),
        title: tr(lang, &format!("{key}-title")),
        text: tr(lang, &format!("{key}-text")),
    };
    (status, render(&page)).into_response()
}

/// A page message whose title and text are any two messages, the text with arguments.
pub(crate) fn notice(lang: Lang, status: StatusCode, title: &str, text: &str, args: &[(&str, Arg)]) -> Response {
    let page = Message {
        t: Texts::new(lang, None, None),
        title: tr(lang, title),
        text: tr_args(lang, text, args),
    };
    (status, render(&page)).into_response()
}

/// Runs store work in a blocking task; a failure becomes the "unavailable" page.
pub(crate) async fn read<T: Send + 'static>(
    state: &AppState,
    lang: Lang,
    work: impl FnOnce(&mut Session<'_>) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, Response> {
    let store = state.store.clone();
    match tokio::task::spawn_blocking(move || store.read(work)).await {
        Ok(Ok(value)) => Ok(value),
        _ => Err(message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable")),
    }
}

/// The header's texts for a signed-in person (their member's short code looked up).
pub(crate) async fn texts(state: &AppState, lang: Lang, signed: Option<&Signed>) -> Result<Texts, Response> {
    let member = signed.and_then(|signed| signed.user.member_id);
    let slug = match member {
        Some(member) => {
            read(state, lang, move |session| {
                Ok(session.get::<Member>(member.0)?.map(|member| member.slug))
            })
            .await?
        }
        None => None,
    };
    Ok(Texts::new(lang, signed, slug))
}

/// One member as the landing page lists it.
pub struct MemberLine {
    /// The organisation's name.
    pub name: String,
    /// The member's short code.
    pub slug: String,
    /// Its value-chain roles.
    pub roles: String,
    /// Its municipality and region.
    pub place: String,
}

/// The members of the consortium with their organisations, by short code.
pub(crate) fn member_lines(session: &mut Session<'_>, lang: Lang) -> Result<Vec<MemberLine>, StoreError> {
    let members: Vec<Member> = session.list(&ListFilter::default())?;
    let mut lines = Vec::new();
    for member in members {
        let Some(organization) = session.get::<Organization>(member.organization_id.0)? else {
            continue;
        };
        lines.push(MemberLine {
            roles: organization
                .roles
                .iter()
                .map(|role| label(lang, role.label_fr(), role.label_en()))
                .collect::<Vec<_>>()
                .join(", "),
            place: [
                organization.municipality.clone(),
                Some(region(organization.region_code.as_ref().map(|code| code.as_str()))).filter(|r| !r.is_empty()),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · "),
            name: organization.name,
            slug: member.slug,
        });
    }
    Ok(lines)
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    t: Texts,
    members: Vec<MemberLine>,
}

/// `GET /`: the consortium's members; a signed-in person goes to their member's page (the
/// coordination to the list of members).
pub async fn home(State(state): State<AppState>, PageLang(lang): PageLang, Viewer(viewer): Viewer) -> Response {
    if let Some(signed) = &viewer {
        let texts = match texts(&state, lang, Some(signed)).await {
            Ok(texts) => texts,
            Err(response) => return response,
        };
        return match texts.nav.and_then(|nav| nav.member) {
            Some(slug) => Redirect::to(&format!("/membres/{}", encode(&slug))).into_response(),
            None => Redirect::to("/membres").into_response(),
        };
    }
    let members = match read(&state, lang, move |session| member_lines(session, lang)).await {
        Ok(members) => members,
        Err(response) => return response,
    };
    render(&Home {
        t: Texts::new(lang, None, None),
        members,
    })
}

/// Any other path: a page that says so, in the person's language.
pub async fn not_found(PageLang(lang): PageLang) -> Response {
    message(lang, StatusCode::NOT_FOUND, "web-not-found")
}

#[cfg(test)]
mod tests {
    use ensemble_i18n::{Lang, catalog};

    /// Every page message the sources name with its status (`message(lang, StatusCode::…,
    /// "web-…")`, `WebError::Message(StatusCode::…, "web-…")`) has its title and text in both
    /// languages.
    #[test]
    fn every_page_message_has_a_title_and_a_text() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut keys = Vec::new();
        for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
            let source = std::fs::read_to_string(entry.path()).unwrap_or_default();
            for after in source.split("StatusCode::").skip(1) {
                // `NAME, "web-…"`: the status, then at once the message's key.
                let rest = after.trim_start_matches(|c: char| c.is_ascii_uppercase() || c == '_');
                let Some(rest) = rest.strip_prefix(',').map(str::trim_start) else {
                    continue;
                };
                if let Some(key) = rest
                    .strip_prefix('"')
                    .and_then(|rest| rest.split('"').next())
                    .filter(|key| key.starts_with("web-") && !key.ends_with("-title"))
                {
                    keys.push(key.to_string());
                }
            }
        }
        keys.sort();
        keys.dedup();
        assert!(keys.len() > 5, "{keys:?}");
        for lang in [Lang::Fr, Lang::En] {
            let missing: Vec<String> = keys
                .iter()
                .flat_map(|key| [format!("{key}-title"), format!("{key}-text")])
                .filter(|key| !catalog(lang).has(key))
                .collect();
            assert!(missing.is_empty(), "{lang:?}: {missing:?}");
        }
    }
}

#[derive(Template)]
#[template(path = "guide.html")]
struct Guide {
    t: Texts,
    /// Each link of the chain: its name, what pooling brings there, the Ensemble feature.
    links: Vec<(String, String, String)>,
    places: Vec<String>,
    ethics: Vec<String>,
}

/// `GET /guide`: a primer for members who are not data people: what pooling and putting data to
/// use mean at each link of the chain, where their data hides, and what to check first.
pub async fn guide(State(state): State<AppState>, PageLang(lang): PageLang, Viewer(viewer): Viewer) -> Response {
    let t = match viewer.as_ref() {
        Some(signed) => match texts(&state, lang, Some(signed)).await {
            Ok(t) => t,
            Err(response) => return response,
        },
        None => Texts::new(lang, None, None),
    };
    let links = [
        "creation",
        "production",
        "presenting",
        "representation",
        "ticketing",
        "outreach",
        "funding",
    ]
    .iter()
    .map(|code| {
        (
            tr(lang, &format!("web-chain-activity-{code}")),
            tr(lang, &format!("web-guide-value-{code}")),
            tr(lang, &format!("web-guide-feature-{code}")),
        )
    })
    .collect();
    let list = |prefix: &str, count: usize| (1..=count).map(|n| tr(lang, &format!("{prefix}-{n}"))).collect();
    render(&Guide {
        links,
        places: list("web-guide-hiding", 5),
        ethics: list("web-guide-ethics", 5),
        t,
    })
}
