//! The pages: each handler reads through the store in a blocking task and renders a template.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use ensemble_i18n::{Lang, tr};
use ensemble_model::{Member, Organization, geo};
use ensemble_store::ListFilter;

use crate::auth::Viewer;
use crate::{AppState, PageLang};

/// The catalogue as templates see it (`{{ t.get("web-…") }}`), with who is signed in.
pub struct Texts {
    lang: Lang,
    /// The signed-in person's name and the session's form token.
    pub signed_in: Option<(String, String)>,
}

impl Texts {
    /// The texts of a page, for the signed-in person if any.
    pub fn new(lang: Lang, viewer: Option<&(ensemble_store::User, String)>) -> Texts {
        Texts {
            lang,
            signed_in: viewer.map(|(user, csrf)| (user.display_name.clone(), csrf.clone())),
        }
    }

    /// A message of the catalogue.
    pub fn get(&self, key: &str) -> String {
        tr(self.lang, key)
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
}

/// One member as the home page lists it.
pub struct MemberLine {
    name: String,
    slug: String,
    roles: String,
    place: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    t: Texts,
    members: Vec<MemberLine>,
}

#[derive(Template)]
#[template(path = "message.html")]
struct Message {
    t: Texts,
    title: String,
    text: String,
}

pub(crate) fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

pub(crate) fn message(lang: Lang, status: StatusCode, key: &str) -> Response {
    let page = Message {
        t: Texts::new(lang, None),
        title: tr(lang, &format!("{key}-title")),
        text: tr(lang, &format!("{key}-text")),
    };
    (status, render(&page)).into_response()
}

/// `GET /`: the consortium's members.
pub async fn home(State(state): State<AppState>, PageLang(lang): PageLang, Viewer(viewer): Viewer) -> Response {
    let store = state.store.clone();
    let members = tokio::task::spawn_blocking(move || {
        let members: Vec<Member> = store.list(&ListFilter::default())?;
        members
            .into_iter()
            .map(|member| {
                let organization = store.get::<Organization>(member.organization_id.0)?;
                Ok((member, organization))
            })
            .collect::<Result<Vec<_>, ensemble_store::StoreError>>()
    })
    .await;
    let Ok(Ok(members)) = members else {
        return message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable");
    };
    let members = members
        .into_iter()
        .filter_map(|(member, organization)| organization.map(|o| (member, o)))
        .map(|(member, organization)| MemberLine {
            roles: organization
                .roles
                .iter()
                .map(|role| {
                    if lang == Lang::Fr {
                        role.label_fr()
                    } else {
                        role.label_en()
                    }
                })
                .collect::<Vec<_>>()
                .join(", "),
            place: [
                organization.municipality.clone(),
                organization
                    .region_code
                    .as_ref()
                    .and_then(|code| geo::region_name(code.as_str()))
                    .map(str::to_string),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · "),
            name: organization.name,
            slug: member.slug,
        })
        .collect();
    render(&Home {
        t: Texts::new(lang, viewer.as_ref()),
        members,
    })
}

/// Any other path: a page that says so, in the person's language.
pub async fn not_found(PageLang(lang): PageLang) -> Response {
    message(lang, StatusCode::NOT_FOUND, "web-not-found")
}
