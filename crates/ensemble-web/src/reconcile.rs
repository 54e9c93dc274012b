//! The W3C Reconciliation API over the shared referential, for OpenRefine and Artsdata-style
//! clients: public organisations and places only (their records are public; private records never
//! reach the referential). Version 0.2, which OpenRefine speaks, at `/reconcile`: the manifest, query
//! batches (`queries=` by GET or a POST form), previews and entity suggestions; the 1.0 draft at
//! `/reconcile/v1`: its manifest, `POST /match` with a JSON batch, and suggestions. Every answer
//! allows any origin (CORS). Batches are bounded: at most [`MAX_QUERIES`] queries of at most
//! [`MAX_TEXT`] characters, [`MAX_LIMIT`] candidates each.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN, HOST,
};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use ensemble_actions::referential::{self, Candidate, Wanted};
use serde_json::{Value, json};

use crate::AppState;
use crate::error::WebError;
use crate::lang::from_headers;
use ensemble_i18n::{Arg, Lang, tr, tr_args};

/// The most queries in one batch.
pub const MAX_QUERIES: usize = 50;
/// The longest name or property value read, in characters.
pub const MAX_TEXT: usize = 500;
/// The most candidates returned for one query.
pub const MAX_LIMIT: usize = 25;

/// The types offered: id, table, the message key of its name.
const TYPES: [(&str, &str, &str); 2] = [
    ("Organization", "organizations", "web-referential-type-organization"),
    ("Place", "places", "web-referential-type-place"),
];

fn cors(mut response: Response) -> Response {
    use axum::http::HeaderValue;
    let headers = response.headers_mut();
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(
        ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("Content-Type"));
    response
}

/// A client error in the API's terms: its stable code and its message in both languages (the
/// JSON API's shape).
fn refused(code: &str) -> Response {
    cors(crate::api::error(StatusCode::BAD_REQUEST, code))
}

/// Batches scored at once: the engine is heavy, and the API is open to anyone.
const AT_ONCE: usize = 2;

fn running() -> &'static tokio::sync::Semaphore {
    static RUNNING: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    RUNNING.get_or_init(|| tokio::sync::Semaphore::new(AT_ONCE))
}

/// The portal's address as the client reached it.
fn base(headers: &HeaderMap) -> String {
    let host = headers.get(HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

fn default_types(lang: Lang) -> Value {
    Value::Array(
        TYPES
            .iter()
            .map(|(id, _, key)| json!({"id": id, "name": tr(lang, key)}))
            .collect(),
    )
}

fn manifest_02(base: &str, lang: Lang) -> Value {
    json!({
        "versions": ["0.2"],
        "name": tr(lang, "web-referential-service"),
        // The referential's entities (their Ensemble numbers) in this consortium's portal.
        "identifierSpace": format!("{base}/reconcile/entite/"),
        "schemaSpace": "http://schema.org/",
        "documentation": format!("{base}/guide"),
        "defaultTypes": default_types(lang),
        "view": {"url": format!("{base}/reconcile/preview?id={{{{id}}}}")},
        "preview": {"url": format!("{base}/reconcile/preview?id={{{{id}}}}"), "width": 400, "height": 140},
        "suggest": {"entity": {"service_url": format!("{base}/reconcile"), "service_path": "/suggest/entity"}},
    })
}

fn manifest_10(base: &str, lang: Lang) -> Value {
    json!({
        "versions": ["1.0-draft"],
        "name": tr(lang, "web-referential-service"),
        "documentation": format!("{base}/guide"),
        "defaultTypes": default_types(lang),
        "view": {"url": format!("{base}/reconcile/preview?id={{id}}")},
        "preview": {"width": 400, "height": 140},
        "suggest": {"entity": true, "property": false, "type": false},
    })
}

/// A property value as clients send it: text, a number, `{"id": …}`, or a list of those.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Object(object) => object.get("id").or_else(|| object.get("name")).and_then(text_of),
        Value::Array(items) => items.iter().find_map(text_of),
        _ => None,
    }
    .map(|text| text.trim().chars().take(MAX_TEXT).collect::<String>())
    .filter(|text| !text.is_empty())
}

/// What one property says of the wanted record (unknown properties are ignored).
fn apply(wanted: &mut Wanted, property: &str, value: &Value) {
    let Some(text) = text_of(value) else {
        return;
    };
    match property {
        "locality" | "addressLocality" | "municipality" => wanted.locality = Some(text),
        "postalCode" | "postal_code" => wanted.postal_code = Some(text),
        "streetAddress" | "street" => wanted.street = Some(text),
        "url" | "website" => wanted.url = Some(text),
        "wikidata" | "artsdata" | "isni" | "neq" | "scenepro" => wanted.identifiers.push((property.to_string(), text)),
        _ => {}
    }
}

fn table_of(kind: Option<&Value>) -> Option<&'static str> {
    let id = match kind {
        None | Some(Value::Null) => return Some("organizations"),
        Some(value) => text_of(value)?,
    };
    let id = id.rsplit(['/', ':']).next().unwrap_or(&id).to_string();
    TYPES
        .iter()
        .find(|(name, _, _)| *name == id)
        .map(|(_, table, _)| *table)
}

fn type_of(lang: Lang, table: &str) -> Value {
    TYPES
        .iter()
        .find(|(_, t, _)| *t == table)
        .map_or(Value::Null, |(id, _, key)| json!([{"id": id, "name": tr(lang, key)}]))
}

fn limit_of(value: Option<&Value>) -> usize {
    value
        .and_then(Value::as_u64)
        .map_or(3, |n| n as usize)
        .clamp(1, MAX_LIMIT)
}

/// Reconciles `queries` (table and wanted record each), answering a list per query; `None` when
/// [`AT_ONCE`] batches are already being scored.
async fn run(state: &AppState, queries: Vec<(&'static str, Wanted)>) -> Result<Option<Vec<Vec<Candidate>>>, WebError> {
    let Ok(_permit) = running().try_acquire() else {
        return Ok(None);
    };
    let store = state.store.clone();
    Ok(tokio::task::spawn_blocking(move || {
        let mut answers = vec![Vec::new(); queries.len()];
        for (table, _) in referential::TABLES {
            let indexes: Vec<usize> = (0..queries.len()).filter(|&i| queries[i].0 == *table).collect();
            if indexes.is_empty() {
                continue;
            }
            let wanted: Vec<Wanted> = indexes.iter().map(|&i| queries[i].1.clone()).collect();
            for (found, index) in referential::reconcile(&store, table, &wanted)?
                .into_iter()
                .zip(&indexes)
            {
                answers[*index] = found;
            }
        }
        Ok::<_, ensemble_actions::ActionError>(Some(answers))
    })
    .await??)
}

/// The answer when the engine is busy: try again in a few seconds.
fn busy() -> Response {
    let mut response = cors(crate::api::error(StatusCode::SERVICE_UNAVAILABLE, "reconcile-busy"));
    response.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from_static("5"),
    );
    response
}

fn candidate_json(lang: Lang, candidate: &Candidate, table: &str, named_features: bool) -> Value {
    let description = [candidate.locality.as_str()]
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let features: Vec<Value> = candidate
        .features
        .iter()
        .map(|(field, weight)| {
            if named_features {
                json!({"id": field, "name": field, "value": weight})
            } else {
                json!({"id": field, "value": weight})
            }
        })
        .collect();
    json!({
        "id": candidate.entity.to_string(),
        "name": candidate.name,
        "description": description,
        "score": (candidate.probability * 1000.0).round() / 10.0,
        "match": candidate.matched,
        "type": type_of(lang, table),
        "features": features,
    })
}

/// A 0.2 batch (`{"q0": {"query": …, "type": …, "limit": …, "properties": […]}}`) answered.
async fn batch_02(state: &AppState, lang: Lang, text: &str) -> Result<Response, WebError> {
    let Ok(Value::Object(batch)) = serde_json::from_str::<Value>(text) else {
        return Ok(refused("reconcile-batch-invalid"));
    };
    if batch.len() > MAX_QUERIES {
        return Ok(refused("reconcile-batch-too-large"));
    }
    let mut queries = Vec::new();
    let mut keys = Vec::new();
    for (key, query) in &batch {
        let Some(name) = query.get("query").and_then(text_of) else {
            return Ok(refused("reconcile-query-invalid"));
        };
        let Some(table) = table_of(query.get("type")) else {
            return Ok(refused("reconcile-type-unknown"));
        };
        let mut wanted = Wanted {
            name,
            limit: limit_of(query.get("limit")),
            ..Wanted::default()
        };
        for property in query.get("properties").and_then(Value::as_array).into_iter().flatten() {
            if let Some(pid) = property.get("pid").and_then(Value::as_str) {
                apply(&mut wanted, pid, property.get("v").unwrap_or(&Value::Null));
            }
        }
        keys.push((key.clone(), table));
        queries.push((table, wanted));
    }
    let Some(answers) = run(state, queries).await? else {
        return Ok(busy());
    };
    let mut out = serde_json::Map::new();
    for ((key, table), found) in keys.iter().zip(&answers) {
        let result: Vec<Value> = found.iter().map(|c| candidate_json(lang, c, table, false)).collect();
        out.insert(key.clone(), json!({"result": result}));
    }
    Ok(cors(Json(Value::Object(out)).into_response()))
}

/// The parameters of `GET /reconcile`.
#[derive(Debug, serde::Deserialize)]
pub struct ServiceParams {
    queries: Option<String>,
}

/// `GET /reconcile`: the 0.2 manifest, or with `queries=`, a batch answered.
pub async fn service(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<ServiceParams>,
) -> Result<Response, WebError> {
    match params.queries {
        Some(queries) => batch_02(&state, from_headers(&headers), &queries).await,
        None => Ok(cors(
            Json(manifest_02(&base(&headers), from_headers(&headers))).into_response(),
        )),
    }
}

/// `POST /reconcile`: a 0.2 batch sent as the form field `queries`.
pub async fn service_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let queries = form_urlencoded::parse(&body)
        .find(|(name, _)| name == "queries")
        .map(|(_, value)| value.into_owned());
    match queries {
        Some(queries) => batch_02(&state, from_headers(&headers), &queries).await,
        None => Ok(refused("reconcile-batch-invalid")),
    }
}

/// `GET /reconcile/v1`: the 1.0 draft manifest.
pub async fn manifest_v1(headers: HeaderMap) -> Response {
    cors(Json(manifest_10(&base(&headers), from_headers(&headers))).into_response())
}

/// `POST /reconcile/v1/match`: a 1.0 draft batch (`{"queries": [{"type", "limit", "conditions"}]}`).
pub async fn match_v1(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let lang = from_headers(&headers);
    let Ok(batch) = serde_json::from_slice::<Value>(&body) else {
        return Ok(refused("reconcile-batch-invalid"));
    };
    let Some(list) = batch.get("queries").and_then(Value::as_array) else {
        return Ok(refused("reconcile-batch-invalid"));
    };
    if list.len() > MAX_QUERIES {
        return Ok(refused("reconcile-batch-too-large"));
    }
    let mut queries = Vec::new();
    for query in list {
        let Some(table) = table_of(query.get("type")) else {
            return Ok(refused("reconcile-type-unknown"));
        };
        let mut wanted = Wanted {
            limit: limit_of(query.get("limit")),
            ..Wanted::default()
        };
        for condition in query.get("conditions").and_then(Value::as_array).into_iter().flatten() {
            let value = condition.get("propertyValue").unwrap_or(&Value::Null);
            match condition.get("matchType").and_then(Value::as_str) {
                Some("name") => wanted.name = text_of(value).unwrap_or_default(),
                Some("property") => {
                    if let Some(pid) = condition.get("propertyId").and_then(Value::as_str) {
                        apply(&mut wanted, pid, value);
                    }
                }
                _ => {}
            }
        }
        if wanted.name.is_empty() {
            return Ok(refused("reconcile-query-invalid"));
        }
        queries.push((table, wanted));
    }
    let tables: Vec<&'static str> = queries.iter().map(|(t, _)| *t).collect();
    let Some(answers) = run(&state, queries).await? else {
        return Ok(busy());
    };
    let results: Vec<Value> = answers
        .iter()
        .zip(&tables)
        .map(|(found, table)| json!({"candidates": found.iter().map(|c| candidate_json(lang, c, table, true)).collect::<Vec<_>>()}))
        .collect();
    Ok(cors(Json(json!({"results": results})).into_response()))
}

/// `OPTIONS`: the CORS preflight of a JSON POST.
pub async fn preflight() -> Response {
    cors(StatusCode::NO_CONTENT.into_response())
}

/// The parameters of a suggestion.
#[derive(Debug, serde::Deserialize)]
pub struct SuggestParams {
    prefix: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// `GET /reconcile/suggest/entity` and `/reconcile/v1/suggest/entity`: entities whose name starts
/// so (`{"result": [{"id", "name", "description"}]}`).
pub async fn suggest(State(state): State<AppState>, Query(params): Query<SuggestParams>) -> Result<Response, WebError> {
    let prefix: String = params.prefix.unwrap_or_default().chars().take(MAX_TEXT).collect();
    let Some(table) = table_of(params.kind.map(Value::String).as_ref()) else {
        return Ok(refused("reconcile-type-unknown"));
    };
    let store = state.store.clone();
    let found = tokio::task::spawn_blocking(move || referential::suggest(&store, table, &prefix, 10)).await??;
    let result: Vec<Value> = found
        .into_iter()
        .map(|(id, name, locality)| json!({"id": id.to_string(), "name": name, "description": locality}))
        .collect();
    Ok(cors(Json(json!({"result": result})).into_response()))
}

/// The parameters of a preview.
#[derive(Debug, serde::Deserialize)]
pub struct PreviewParams {
    id: Option<String>,
}

/// `GET /reconcile/preview?id=N` (and `/reconcile/v1/preview`): a small HTML card of the entity (its names, municipalities and
/// how many records mention it), for OpenRefine's preview pane.
pub async fn preview(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<PreviewParams>,
) -> Result<Response, WebError> {
    let lang = from_headers(&headers);
    let Some(id) = params.id.and_then(|id| id.trim().parse::<i64>().ok()) else {
        return Err(WebError::NotFound);
    };
    let store = state.store.clone();
    let Some(entity) = tokio::task::spawn_blocking(move || referential::entity(&store, id)).await?? else {
        return Err(WebError::NotFound);
    };
    let escape = crate::chart::escape;
    let names = entity.names.iter().map(|n| escape(n)).collect::<Vec<_>>().join(" · ");
    let places = entity
        .localities
        .iter()
        .map(|n| escape(n))
        .collect::<Vec<_>>()
        .join(", ");
    let kind = TYPES
        .iter()
        .find(|(_, t, _)| *t == entity.table)
        .map_or_else(String::new, |(_, _, key)| tr(lang, key));
    let kind = tr_args(
        lang,
        "web-referential-preview-kind",
        &[("kind", Arg::from(kind)), ("id", Arg::from(entity.id))],
    );
    let records = tr_args(
        lang,
        "web-referential-preview-records",
        &[("count", Arg::from(entity.records))],
    );
    let place = if places.is_empty() {
        String::new()
    } else {
        format!(" — {places}")
    };
    let body = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{names}</title></head><body style=\"font-family:sans-serif;margin:8px\"><p><strong>{names}</strong></p><p>{}{place}</p><p>{}</p></body></html>",
        escape(&kind),
        escape(&records),
    );
    Ok(cors(Html(body).into_response()))
}
