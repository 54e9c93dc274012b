//! The JSON API under `/api/v1`: the catalogue's resources, paged and filtered as the pages are,
//! for a personal token (`Authorization: Bearer …`, created on the account page). Errors are JSON
//! with a stable code and a message in French and English. The OpenAPI 3.1 document is built from
//! the route table and the model's own documentation, so it cannot drift from the code.

use std::collections::HashMap;

use axum::Extension;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ensemble_i18n::{Arg, Lang, tr, tr_args};
use ensemble_model::{Entity, Member, Organization, Performance, Place, Show, vocab};
use ensemble_store::{ListFilter, OrganizationFilter, PerformanceFilter, PlaceFilter, ShowFilter, Window};
use serde_json::{Value, json};

use crate::AppState;
use crate::http::Signed;

/// Results per page unless `limit` says otherwise.
const DEFAULT_LIMIT: u64 = 50;
/// The largest `limit`.
const MAX_LIMIT: u64 = 500;

/// A JSON error with its stable code and its message in both languages.
pub fn error(status: StatusCode, code: &str) -> Response {
    error_with(status, code, &[])
}

pub(crate) fn error_with(status: StatusCode, code: &str, args: &[(&str, Arg)]) -> Response {
    let body = json!({
        "error": {
            "code": code,
            "message": {
                "fr": tr_args(Lang::Fr, code, args),
                "en": tr_args(Lang::En, code, args),
            }
        }
    });
    (status, Json(body)).into_response()
}

/// One documented query parameter.
struct Parameter {
    name: &'static str,
    kind: Kind,
    en: &'static str,
    fr: &'static str,
}

/// What a parameter's value may be: what the API checks, and what the document says.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Any text.
    Text,
    /// A whole number (a season, a record's number).
    Integer,
    /// Results per page, 1 to [`MAX_LIMIT`].
    Limit,
    /// Results to skip, from 0.
    Offset,
    /// A month, `YYYY-MM`, or empty.
    Month,
    /// A season, `YYYY-YYYY`, or empty.
    Season,
}

impl Kind {
    fn is_integer(self) -> bool {
        matches!(self, Kind::Integer | Kind::Limit | Kind::Offset)
    }

    /// The value's JSON Schema in the OpenAPI document.
    fn schema(self) -> Value {
        match self {
            Kind::Text => json!({"type": "string"}),
            Kind::Integer => json!({"type": "integer", "format": "int64", "minimum": i64::MIN, "maximum": i64::MAX}),
            Kind::Limit => json!({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}),
            Kind::Offset => json!({"type": "integer", "minimum": 0, "maximum": i64::MAX}),
            // Empty, it is left out (the latest month released).
            Kind::Month => json!({"type": "string", "pattern": "^([0-9]{4}-(0[1-9]|1[0-2]))?$"}),
            Kind::Season => json!({"type": "string", "pattern": "^([0-9]{4}-[0-9]{4})?$"}),
        }
    }
}

const PAGING: [Parameter; 2] = [
    Parameter {
        name: "limit",
        kind: Kind::Limit,
        en: "Results per page (1 to 500, 50 by default).",
        fr: "Résultats par page (1 à 500, 50 par défaut).",
    },
    Parameter {
        name: "offset",
        kind: Kind::Offset,
        en: "Results to skip.",
        fr: "Résultats à sauter.",
    },
];

/// What the OpenAPI document says of one API route.
struct Endpoint {
    path: &'static str,
    en: &'static str,
    fr: &'static str,
    answer: Answer,
    filters: &'static [Parameter],
}

/// What an API route answers, by a component's name.
enum Answer {
    /// A page of items of this schema (with `limit` and `offset`).
    Listing(&'static str),
    /// One object of this schema.
    One(&'static str),
}

const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "/api/v1/me",
        en: "The account the token belongs to.",
        fr: "Le compte auquel appartient le jeton.",
        answer: Answer::One("Me"),
        filters: &[],
    },
    Endpoint {
        path: "/api/v1/organizations",
        en: "Organisations of the referential, by name.",
        fr: "Les organisations du référentiel, par nom.",
        answer: Answer::Listing("Organization"),
        filters: &[
            Parameter {
                name: "q",
                kind: Kind::Text,
                en: "Words the name or municipality contains.",
                fr: "Mots contenus dans le nom ou la municipalité.",
            },
            Parameter {
                name: "role",
                kind: Kind::Text,
                en: "A value-chain role code (presenter, producer, ...).",
                fr: "Un code de rôle dans la chaîne de valeur (presenter, producer, ...).",
            },
            Parameter {
                name: "region",
                kind: Kind::Text,
                en: "A Québec administrative region code (01 to 17).",
                fr: "Un code de région administrative du Québec (01 à 17).",
            },
        ],
    },
    Endpoint {
        path: "/api/v1/shows",
        en: "Shows, by French title.",
        fr: "Les spectacles, par titre français.",
        answer: Answer::Listing("Show"),
        filters: &[
            Parameter {
                name: "q",
                kind: Kind::Text,
                en: "Words the title contains.",
                fr: "Mots contenus dans le titre.",
            },
            Parameter {
                name: "discipline",
                kind: Kind::Text,
                en: "An ASQ discipline code; narrower disciplines match too.",
                fr: "Un code de discipline ASQ ; les disciplines plus fines comptent aussi.",
            },
        ],
    },
    Endpoint {
        path: "/api/v1/performances",
        en: "Performances by date, each with its show, hall, place and presenter.",
        fr: "Les représentations par date, chacune avec son spectacle, sa salle, son lieu et son diffuseur.",
        answer: Answer::Listing("PerformanceView"),
        filters: &[
            Parameter {
                name: "season",
                kind: Kind::Integer,
                en: "The season starting in September of this year (2025 is 2025-2026).",
                fr: "La saison qui commence en septembre de cette année (2025 : 2025-2026).",
            },
            Parameter {
                name: "region",
                kind: Kind::Text,
                en: "The place's administrative region code.",
                fr: "Le code de région administrative du lieu.",
            },
            Parameter {
                name: "discipline",
                kind: Kind::Text,
                en: "An ASQ discipline code of the show; narrower disciplines match too.",
                fr: "Un code de discipline ASQ du spectacle ; les disciplines plus fines comptent aussi.",
            },
            Parameter {
                name: "place",
                kind: Kind::Integer,
                en: "The place's id.",
                fr: "L'identifiant du lieu.",
            },
            Parameter {
                name: "show",
                kind: Kind::Integer,
                en: "The show's id.",
                fr: "L'identifiant du spectacle.",
            },
        ],
    },
    Endpoint {
        path: "/api/v1/places",
        en: "Places by name, each with its halls.",
        fr: "Les lieux par nom, chacun avec ses salles.",
        answer: Answer::Listing("PlaceView"),
        filters: &[
            Parameter {
                name: "q",
                kind: Kind::Text,
                en: "Words the name or municipality contains.",
                fr: "Mots contenus dans le nom ou la municipalité.",
            },
            Parameter {
                name: "region",
                kind: Kind::Text,
                en: "A Québec administrative region code.",
                fr: "Un code de région administrative du Québec.",
            },
        ],
    },
    Endpoint {
        path: "/api/v1/agreements",
        en: "The sharing agreements the token's member gives or receives (those addressed to the whole consortium included).",
        fr: "Les ententes de partage que le membre du jeton accorde ou reçoit (y compris celles adressées à tout le consortium).",
        answer: Answer::Listing("SharingAgreement"),
        filters: &[],
    },
    Endpoint {
        path: "/api/v1/statistics/ticket-sales",
        en: "Tickets sold in a month across the members that share their ticket aggregates with the consortium, by discipline and sales channel, as released under the disclosure rules (the same for everyone; hidden figures say why).",
        fr: "Les billets vendus dans un mois par les membres qui partagent leurs agrégats de billetterie avec le consortium, par discipline et canal de vente, tels que diffusés selon les règles de diffusion (les mêmes pour tous ; les chiffres masqués disent pourquoi).",
        answer: Answer::One("PooledRelease"),
        filters: &[Parameter {
            name: "month",
            kind: Kind::Month,
            en: "The month of the performances, YYYY-MM (the latest released by default; a month is released 14 days after it ends).",
            fr: "Le mois des représentations, AAAA-MM (le dernier diffusé par défaut ; un mois est diffusé 14 jours après sa fin).",
        }],
    },
    Endpoint {
        path: "/api/v1/barometer",
        en: "A season's market barometer across the members that pool their settlements: performances, seats offered, attendance, paid admissions and box office (dollars) by administrative region and by hall size (rows) and discipline (columns), as released once under the disclosure rules (hidden figures say why).",
        fr: "Le baromètre du marché d'une saison, sur les membres qui mettent leurs redditions de comptes en commun : représentations, places offertes, assistance, entrées payantes et recettes (dollars) par région administrative et par taille de salle (lignes) et discipline (colonnes), tels que diffusés une fois selon les règles de diffusion (les chiffres masqués disent pourquoi).",
        answer: Answer::One("Barometer"),
        filters: &[Parameter {
            name: "season",
            kind: Kind::Season,
            en: "The season, YYYY-YYYY, 1 September to 31 August (the latest released by default; a season is released on the following 15 September).",
            fr: "La saison, AAAA-AAAA, du 1er septembre au 31 août (la dernière diffusée par défaut ; une saison est diffusée le 15 septembre suivant).",
        }],
    },
    Endpoint {
        path: "/api/v1/audience",
        en: "The token's member's own audience for a season: buyers and tickets, then buyers by new or returning, frequency, distance travelled, booking lead time, sales channel, price band and FSA, no figure standing for fewer than the consortium's k buyers (hidden figures say why).",
        fr: "Les publics du membre du jeton pour une saison : acheteurs et billets, puis acheteurs selon nouveaux ou revenants, fréquence, distance parcourue, délai d'achat, canal de vente, tranche de prix et RTA, aucun chiffre ne représentant moins de k acheteurs du consortium (les chiffres masqués disent pourquoi).",
        answer: Answer::One("Audience"),
        filters: &[
            Parameter {
                name: "season",
                kind: Kind::Season,
                en: "The season, YYYY-YYYY, 1 September to 31 August (the previous season by default).",
                fr: "La saison, AAAA-AAAA, du 1er septembre au 31 août (la saison précédente par défaut).",
            },
            Parameter {
                name: "show",
                kind: Kind::Text,
                en: "Only this show's performances (its code).",
                fr: "Seulement les représentations de ce spectacle (son code).",
            },
        ],
    },
    Endpoint {
        path: "/api/v1/settlements",
        en: "Settlements the token's member may read for reporting: its own, and those presenters share with it in detail (the read is written to the audit trail).",
        fr: "Les redditions de comptes que le membre du jeton peut lire pour ses rapports : les siennes, et celles que des diffuseurs lui partagent en détail (la lecture est inscrite au journal d'audit).",
        answer: Answer::Listing("Settlement"),
        filters: &[Parameter {
            name: "performance",
            kind: Kind::Integer,
            en: "The performance's id.",
            fr: "L'identifiant de la représentation.",
        }],
    },
    Endpoint {
        path: "/api/v1/members",
        en: "Members of the consortium.",
        fr: "Les membres du consortium.",
        answer: Answer::Listing("Member"),
        filters: &[],
    },
];

/// The query of a listing, checked: only known parameters, numbers where numbers are expected.
struct Checked {
    window: Window,
    values: HashMap<String, String>,
}

/// A refused query: the error code and the parameter at fault.
struct BadParameter(&'static str, String);

impl IntoResponse for BadParameter {
    fn into_response(self) -> Response {
        error_with(
            StatusCode::BAD_REQUEST,
            self.0,
            &[("parameter", Arg::from(self.1.as_str()))],
        )
    }
}

fn check(path: &str, query: HashMap<String, String>) -> Result<Checked, BadParameter> {
    let endpoint = ENDPOINTS.iter().find(|endpoint| endpoint.path == path);
    let filters = endpoint.map_or(&[][..], |endpoint| endpoint.filters);
    let mut values = HashMap::new();
    for (name, value) in query {
        let Some(parameter) = PAGING.iter().chain(filters).find(|parameter| parameter.name == name) else {
            return Err(BadParameter("api-unknown-parameter", name));
        };
        let value = value.trim().to_string();
        if parameter.kind.is_integer() && value.parse::<i64>().is_err() {
            return Err(BadParameter("api-invalid-parameter", name));
        }
        if !value.is_empty() {
            values.insert(name, value);
        }
    }
    let number = |name: &str| values.get(name).map(|value| value.parse::<u64>().ok());
    let limit = match number("limit") {
        None => DEFAULT_LIMIT,
        Some(Some(limit)) if (1..=MAX_LIMIT).contains(&limit) => limit,
        Some(_) => return Err(BadParameter("api-invalid-parameter", "limit".to_string())),
    };
    let offset = match number("offset") {
        None => 0,
        Some(Some(offset)) => offset,
        Some(None) => return Err(BadParameter("api-invalid-parameter", "offset".to_string())),
    };
    Ok(Checked {
        window: Window { limit, offset },
        values,
    })
}

impl Checked {
    fn text(&self, name: &str) -> Option<String> {
        self.values.get(name).cloned()
    }

    fn number(&self, name: &str) -> Option<i64> {
        self.values.get(name).and_then(|value| value.parse().ok())
    }

    fn disciplines(&self) -> Vec<String> {
        self.text("discipline")
            .and_then(|code| vocab::vocabulary("disciplines-asq").map(|v| v.with_narrower(&code)))
            .unwrap_or_default()
    }
}

/// A page of results as JSON, serialised straight from the records.
fn page<T: serde::Serialize>(items: &[T], total: u64, window: Window) -> Response {
    #[derive(serde::Serialize)]
    struct Listing<'a, T> {
        items: &'a [T],
        total: u64,
        limit: u64,
        offset: u64,
    }
    Json(Listing {
        items,
        total,
        limit: window.limit,
        offset: window.offset,
    })
    .into_response()
}

/// A performance with its show, hall, place and presenter, as the API gives it.
#[derive(serde::Serialize)]
struct PerformanceItem<'a> {
    performance: &'a Performance,
    show: &'a Option<Show>,
    hall: &'a Option<ensemble_model::Hall>,
    place: &'a Option<Place>,
    presenter: &'a Option<Organization>,
}

/// A place with its halls, as the API gives it.
#[derive(serde::Serialize)]
struct PlaceItem<'a> {
    place: &'a Place,
    halls: &'a [ensemble_model::Hall],
}

async fn run<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&mut ensemble_store::Session<'_>) -> Result<T, ensemble_store::StoreError> + Send + 'static,
) -> Result<T, Response> {
    let store = state.store.clone();
    match tokio::task::spawn_blocking(move || store.read(work)).await {
        Ok(Ok(value)) => Ok(value),
        _ => Err(error(StatusCode::SERVICE_UNAVAILABLE, "api-unavailable")),
    }
}

/// `DELETE /api/v1/token`: revokes the token the request came with; 204, then every request
/// with it is refused.
pub async fn revoke(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    headers: axum::http::HeaderMap,
) -> Result<Response, crate::error::WebError> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or_default();
    let digest = ensemble_privacy::token_digest(token);
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    tokio::task::spawn_blocking(move || {
        ensemble_actions::members::revoke_token(
            &store,
            &actor,
            ensemble_actions::members::TokenToRevoke::Digest(&digest),
        )
    })
    .await??;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/v1/me`: the token's account.
pub async fn me(State(state): State<AppState>, Extension(signed): Extension<Signed>) -> Response {
    let member = signed.user.member_id;
    let slug = match run(&state, move |session| match member {
        Some(member) => Ok(session.get::<Member>(member.0)?.map(|member| member.slug)),
        None => Ok(None),
    })
    .await
    {
        Ok(slug) => slug,
        Err(response) => return response,
    };
    Json(json!({
        "id": signed.user.id,
        "login": signed.user.login,
        "display_name": signed.user.display_name,
        "role": signed.user.role.code(),
        "member": slug,
    }))
    .into_response()
}

/// `GET /api/v1/organizations`.
pub async fn organizations(State(state): State<AppState>, Query(query): Query<HashMap<String, String>>) -> Response {
    let checked = match check("/api/v1/organizations", query) {
        Ok(checked) => checked,
        Err(refused) => return refused.into_response(),
    };
    let filter = OrganizationFilter {
        text: checked.text("q"),
        role: checked.text("role"),
        region: checked.text("region"),
    };
    let window = checked.window;
    match run(&state, move |session| session.organizations_page(&filter, window)).await {
        Ok(found) => page(&found.items, found.total, window),
        Err(response) => response,
    }
}

/// `GET /api/v1/shows`.
pub async fn shows(State(state): State<AppState>, Query(query): Query<HashMap<String, String>>) -> Response {
    let checked = match check("/api/v1/shows", query) {
        Ok(checked) => checked,
        Err(refused) => return refused.into_response(),
    };
    let filter = ShowFilter {
        text: checked.text("q"),
        disciplines: checked.disciplines(),
    };
    let window = checked.window;
    match run(&state, move |session| session.shows_page(&filter, window)).await {
        Ok(found) => page(&found.items, found.total, window),
        Err(response) => response,
    }
}

/// `GET /api/v1/performances`.
pub async fn performances(State(state): State<AppState>, Query(query): Query<HashMap<String, String>>) -> Response {
    let checked = match check("/api/v1/performances", query) {
        Ok(checked) => checked,
        Err(refused) => return refused.into_response(),
    };
    let filter = PerformanceFilter {
        season: checked.number("season").and_then(|year| i32::try_from(year).ok()),
        region: checked.text("region"),
        disciplines: checked.disciplines(),
        place: checked.number("place"),
        show: checked.number("show"),
    };
    let window = checked.window;
    match run(&state, move |session| session.performances_page(&filter, window)).await {
        Ok(found) => {
            let items: Vec<PerformanceItem<'_>> = found
                .items
                .iter()
                .map(|view| PerformanceItem {
                    performance: &view.performance,
                    show: &view.show,
                    hall: &view.hall,
                    place: &view.place,
                    presenter: &view.presenter,
                })
                .collect();
            page(&items, found.total, window)
        }
        Err(response) => response,
    }
}

/// `GET /api/v1/places`.
pub async fn places(State(state): State<AppState>, Query(query): Query<HashMap<String, String>>) -> Response {
    let checked = match check("/api/v1/places", query) {
        Ok(checked) => checked,
        Err(refused) => return refused.into_response(),
    };
    let filter = PlaceFilter {
        text: checked.text("q"),
        region: checked.text("region"),
    };
    let window = checked.window;
    match run(&state, move |session| session.places_page(&filter, window)).await {
        Ok(found) => {
            let items: Vec<PlaceItem<'_>> = found
                .items
                .iter()
                .map(|view| PlaceItem {
                    place: &view.place,
                    halls: &view.halls,
                })
                .collect();
            page(&items, found.total, window)
        }
        Err(response) => response,
    }
}

/// `GET /api/v1/settlements`: the settlements the token's member may read for reporting: its own
/// and those presenters share with it in detail (through a grant, audited), by performance.
pub async fn settlements(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let clock = state.clock;
    let checked = match check("/api/v1/settlements", query) {
        Ok(checked) => checked,
        Err(refused) => return refused.into_response(),
    };
    let window = checked.window;
    let performance = checked.number("performance");
    let asking = signed.requester(ensemble_model::Purpose::Reporting);
    let store = state.store.clone();
    let found = tokio::task::spawn_blocking(move || {
        store.write(
            |session| -> Result<Vec<ensemble_model::Settlement>, ensemble_store::StoreError> {
                let grant = session.grant(&asking, ensemble_model::Dataset::Settlements, clock.today())?;
                let mut all = Vec::new();
                for member in grant.members_at(ensemble_model::SharingLevel::Detail) {
                    all.extend(session.granted::<ensemble_model::Settlement>(
                        &grant,
                        member,
                        &ListFilter::default(),
                    )?);
                }
                all.retain(|s| performance.is_none_or(|p| s.performance_id.0 == p));
                all.sort_by_key(|s| (s.performance_id.0, s.id.0));
                Ok(all)
            },
        )
    })
    .await;
    match found {
        Ok(Ok(all)) => {
            let start = usize::try_from(window.offset).unwrap_or(usize::MAX).min(all.len());
            let end = start
                .saturating_add(usize::try_from(window.limit).unwrap_or(usize::MAX))
                .min(all.len());
            page(&all[start..end], all.len() as u64, window)
        }
        _ => error(StatusCode::SERVICE_UNAVAILABLE, "api-unavailable"),
    }
}

/// `GET /api/v1/agreements`: the agreements of the token's member (none for the coordination).
pub async fn agreements(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let checked = match check("/api/v1/agreements", query) {
        Ok(checked) => checked,
        Err(refused) => return refused.into_response(),
    };
    let window = checked.window;
    let member = signed.user.member_id;
    let found = run(&state, move |session| match member {
        Some(member) => session.agreements_of(member),
        None => Ok(Vec::new()),
    })
    .await;
    match found {
        Ok(all) => {
            let start = usize::try_from(window.offset).unwrap_or(usize::MAX).min(all.len());
            let end = start
                .saturating_add(usize::try_from(window.limit).unwrap_or(usize::MAX))
                .min(all.len());
            page(&all[start..end], all.len() as u64, window)
        }
        Err(response) => response,
    }
}

/// `GET /api/v1/members`.
pub async fn members(State(state): State<AppState>, Query(query): Query<HashMap<String, String>>) -> Response {
    let checked = match check("/api/v1/members", query) {
        Ok(checked) => checked,
        Err(refused) => return refused.into_response(),
    };
    let window = checked.window;
    let filter = ListFilter {
        limit: Some(window.limit),
        offset: window.offset,
        ..Default::default()
    };
    match run(&state, move |session| {
        Ok((session.list::<Member>(&filter)?, session.count::<Member>()?))
    })
    .await
    {
        Ok((found, total)) => page(&found, total, window),
        Err(response) => response,
    }
}

/// The schema of one entity as an OpenAPI component.
fn component<E: Entity>() -> (String, Value) {
    let doc = E::doc();
    let mut schema = ensemble_model::dictionary::json_schema(&doc);
    if let Some(object) = schema.as_object_mut() {
        object.remove("$schema");
        object.remove("$id");
    }
    (doc.name.to_string(), schema)
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn nullable_reference(name: &str) -> Value {
    json!({"oneOf": [reference(name), {"type": "null"}]})
}

/// The OpenAPI 3.1 document of the API: one path per API route of [`crate::routes`].
pub fn document() -> Value {
    let mut schemas = serde_json::Map::new();
    for (name, schema) in [
        component::<Organization>(),
        component::<Member>(),
        component::<Show>(),
        component::<Performance>(),
        component::<Place>(),
        component::<ensemble_model::Hall>(),
        component::<ensemble_model::SharingAgreement>(),
        component::<ensemble_model::Settlement>(),
    ] {
        schemas.insert(name, schema);
    }
    schemas.insert(
        "PerformanceView".to_string(),
        json!({
            "type": "object",
            "properties": {
                "performance": reference("Performance"),
                "show": nullable_reference("Show"),
                "hall": nullable_reference("Hall"),
                "place": nullable_reference("Place"),
                "presenter": nullable_reference("Organization"),
            },
            "required": ["performance", "show", "hall", "place", "presenter"],
        }),
    );
    schemas.insert(
        "PlaceView".to_string(),
        json!({
            "type": "object",
            "properties": {"place": reference("Place"), "halls": {"type": "array", "items": reference("Hall")}},
            "required": ["place", "halls"],
        }),
    );
    schemas.insert(
        "Error".to_string(),
        json!({
            "type": "object",
            "properties": {"error": {
                "type": "object",
                "properties": {
                    "code": {"type": "string", "enum": ERROR_CODES},
                    "message": {
                        "type": "object",
                        "properties": {"fr": {"type": "string"}, "en": {"type": "string"}},
                        "required": ["fr", "en"],
                    },
                },
                "required": ["code", "message"],
            }},
            "required": ["error"],
        }),
    );
    let figure = json!({"oneOf": [
        {"type": "object", "properties": {"shown": {"type": "integer"}}, "required": ["shown"]},
        {"type": "object", "properties": {"hidden": {"type": "string", "enum": ["too-few-people", "too-few-members", "mostly-one-member", "complementary"]}}, "required": ["hidden"]},
    ]});
    let figures = json!({"type": "array", "items": figure});
    let rules = json!({
        "type": "object",
        "properties": {
            "min_people": {"type": "integer"},
            "min_members": {"type": "integer"},
            "round_to": {"type": "integer"},
        },
        "required": ["min_people", "min_members", "round_to"],
    });
    let released = json!({
        "type": "object",
        "properties": {
            "cells": {"type": "array", "items": figures},
            "row_totals": figures,
            "column_totals": figures,
            "total": figure,
        },
        "required": ["cells", "row_totals", "column_totals", "total"],
    });
    schemas.insert(
        "Audience".to_string(),
        json!({
            "type": "object",
            "properties": {
                "member": {"type": "string"},
                "season": {"type": "string"},
                "show": {"type": ["string", "null"]},
                "min_people": {"type": "integer"},
                "buyers": figure,
                "tickets": figure,
                "distributions": {"type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "dimension": {"type": "string", "enum": ["returning", "frequency", "distance", "lead-time", "channel", "price", "fsa"]},
                        "rows": {"type": "array", "items": {"type": "string"}},
                        "buyers": figures,
                        "total": figure,
                    },
                    "required": ["dimension", "rows", "buyers", "total"],
                }},
            },
            "required": ["member", "season", "show", "min_people", "buyers", "tickets", "distributions"],
        }),
    );
    schemas.insert(
        "Barometer".to_string(),
        json!({
            "type": "object",
            "properties": {
                "figure": {"type": "string"},
                "season": {"type": "string"},
                "released_at": {"type": "string", "format": "date-time"},
                "rules": rules,
                "pool_members": {"type": "integer"},
                "agreements": {"type": "array", "items": {"type": "integer"}},
                "disciplines": {"type": "array", "items": {"type": "string"}},
                "views": {"type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "view": {"type": "string", "enum": ["region", "hall-size"]},
                        "rows": {"type": "array", "items": {"type": "string"}},
                        "measures": {"type": "array", "items": {
                            "type": "object",
                            "properties": {
                                "measure": {"type": "string", "enum": ["performances", "seats", "attendance", "paid", "box-office"]},
                                "figures": released,
                            },
                            "required": ["measure", "figures"],
                        }},
                    },
                    "required": ["view", "rows", "measures"],
                }},
            },
            "required": ["figure", "season", "released_at", "rules", "pool_members", "agreements", "disciplines", "views"],
        }),
    );
    schemas.insert(
        "PooledRelease".to_string(),
        json!({
            "type": "object",
            "properties": {
                "figure": {"type": "string"},
                "month": {"type": "string"},
                "released_at": {"type": "string", "format": "date-time"},
                "rules": rules,
                "pool_members": {"type": "integer"},
                "agreements": {"type": "array", "items": {"type": "integer"}},
                "rows": {"type": "array", "items": {"type": "string"}},
                "columns": {"type": "array", "items": {"type": "string"}},
                "figures": released,
            },
            "required": ["figure", "month", "released_at", "rules", "pool_members", "agreements", "rows", "columns", "figures"],
        }),
    );
    schemas.insert(
        "Me".to_string(),
        json!({
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "login": {"type": "string"},
                "display_name": {"type": "string"},
                "role": {"type": "string", "enum": ensemble_model::Role::ALL.iter().map(|role| role.code()).collect::<Vec<_>>()},
                "member": {"type": ["string", "null"]},
            },
            "required": ["id", "login", "display_name", "role", "member"],
        }),
    );
    let error_response = |description: &str| json!({"description": description, "content": {"application/json": {"schema": reference("Error")}}});
    let mut paths = serde_json::Map::new();
    for route in crate::routes() {
        if !route.path.starts_with("/api/v1/") {
            continue;
        }
        let Some(endpoint) = ENDPOINTS.iter().find(|endpoint| endpoint.path == route.path) else {
            if route.path == "/api/v1/token" {
                paths.insert(
                    route.path.to_string(),
                    json!({"delete": {
                        "operationId": "token-revoke",
                        "summary": "Revokes the token this request carries; every later request with it is refused.",
                        "x-summary-fr": "Révoque le jeton de cette requête ; toute requête qui le porte ensuite est refusée.",
                        "responses": {
                            "204": {"description": "Revoked."},
                            "401": error_response("The token is missing, unknown or revoked."),
                            "503": error_response("The database does not answer."),
                        },
                    }}),
                );
            }
            if route.path == "/api/v1/openapi.json" {
                paths.insert(
                    route.path.to_string(),
                    json!({"get": {
                        "summary": "This document.",
                        "x-summary-fr": "Ce document.",
                        "security": [],
                        "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}},
                    }}),
                );
            }
            continue;
        };
        let schema = match endpoint.answer {
            Answer::Listing(item) => json!({
                "type": "object",
                "properties": {
                    "items": {"type": "array", "items": reference(item)},
                    "total": {"type": "integer"},
                    "limit": {"type": "integer"},
                    "offset": {"type": "integer"},
                },
                "required": ["items", "total", "limit", "offset"],
            }),
            Answer::One(body) => reference(body),
        };
        let paging: &[Parameter] = match endpoint.answer {
            Answer::Listing(_) => &PAGING,
            Answer::One(_) => &[],
        };
        let parameters: Vec<Value> = paging
            .iter()
            .chain(endpoint.filters)
            .map(|parameter| {
                json!({
                    "name": parameter.name,
                    "in": "query",
                    "required": false,
                    "description": parameter.en,
                    "x-description-fr": parameter.fr,
                    "schema": parameter.kind.schema(),
                })
            })
            .collect();
        let operation = route.path.trim_start_matches("/api/v1/").replace('/', "-");
        let mut responses = json!({
            "200": {"description": "OK", "content": {"application/json": {"schema": schema}}},
            "400": error_response("A parameter is unknown or not valid."),
            "401": error_response("The token is missing, unknown or revoked."),
            "503": error_response("The database does not answer."),
        });
        if matches!(endpoint.answer, Answer::One("PooledRelease" | "Barometer")) {
            responses["404"] =
                error_response("The period asked for is not one, is not released yet, or has nothing pooled.");
        }
        if matches!(endpoint.answer, Answer::One("Audience")) {
            responses["403"] = error_response("The token's person is not one of a member's own people.");
            responses["404"] = error_response("No show has this code, or the season asked for is not one.");
        }
        paths.insert(
            route.path.to_string(),
            json!({"get": {
                "operationId": operation,
                "summary": endpoint.en,
                "x-summary-fr": endpoint.fr,
                "parameters": parameters,
                "responses": responses,
            }}),
        );
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Ensemble API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": tr(Lang::En, "api-description"),
            "x-description-fr": tr(Lang::Fr, "api-description"),
        },
        "servers": [{"url": "/"}],
        "security": [{"token": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
    })
}

/// Every error code of the API.
pub const ERROR_CODES: [&str; 7] = [
    "api-unauthorized",
    "api-not-released",
    "api-forbidden",
    "api-not-found",
    "api-unavailable",
    "api-unknown-parameter",
    "api-invalid-parameter",
];

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Response {
    Json(document()).into_response()
}
