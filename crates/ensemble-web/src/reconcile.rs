//! The W3C Reconciliation API over the shared referential, for OpenRefine and Artsdata-style
//! clients: public organisations, places, halls, groups and shows only (their records are public;
//! private records never reach the referential; credited people are left out: this API needs no
//! sign-in, and a person's publication needs their consent). Version 0.2, which OpenRefine
//! speaks, at `/reconcile`: the manifest, query batches (`queries=` by GET or a POST form), data
//! extension (`extend=`, with proposed properties), previews, and suggestions of entities,
//! properties and types; the 1.0 draft at `/reconcile/v1`: its manifest, `POST /match` with a JSON
//! batch, `POST /extend`, `/extend/propose` and the three suggestions. Every answer allows any
//! origin (CORS). Batches are bounded: at most [`MAX_QUERIES`] queries (or entities to extend) of
//! at most [`MAX_TEXT`] characters, [`MAX_LIMIT`] candidates each.

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

/// The types offered: id, table, the message key of its name. Never people.
const TYPES: [(&str, &str, &str); 5] = [
    ("Organization", "organizations", "web-referential-type-organization"),
    ("Place", "places", "web-referential-type-place"),
    ("Hall", "halls", "web-referential-type-hall"),
    ("PerformingGroup", "performing_groups", "web-referential-type-group"),
    ("CreativeWork", "shows", "web-referential-type-show"),
];

/// The properties data extension gives: id, and the golden record's field or the identifiers'
/// register it reads.
const PROPERTIES: [(&str, &str); 13] = [
    ("name", "name"),
    ("alternateName", "names"),
    ("streetAddress", "street"),
    ("addressLocality", "locality"),
    ("addressRegion", "region"),
    ("postalCode", "postal_code"),
    ("url", "url"),
    ("operator", "operator"),
    ("artsdata", "artsdata"),
    ("wikidata", "wikidata"),
    ("isni", "isni"),
    ("neq", "neq"),
    ("scenepro", "scenepro"),
];

/// A property's name in `lang`.
fn property_name(lang: Lang, field: &str) -> String {
    match field {
        "artsdata" => "Artsdata".to_string(),
        "wikidata" => "Wikidata".to_string(),
        "isni" => "ISNI".to_string(),
        "neq" => "NEQ".to_string(),
        "scenepro" => "Scène Pro".to_string(),
        "names" => tr(lang, "web-referential-field-names"),
        field => tr(lang, &format!("web-referential-field-{field}")),
    }
}

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
pub(crate) fn base(headers: &HeaderMap) -> String {
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
        "suggest": {
            "entity": {"service_url": format!("{base}/reconcile"), "service_path": "/suggest/entity"},
            "property": {"service_url": format!("{base}/reconcile"), "service_path": "/suggest/property"},
            "type": {"service_url": format!("{base}/reconcile"), "service_path": "/suggest/type"},
        },
        "extend": {
            "propose_properties": {"service_url": format!("{base}/reconcile"), "service_path": "/properties"},
            "property_settings": [],
        },
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
        "suggest": {"entity": true, "property": true, "type": true},
        "extend": {"proposeProperties": true, "propertySettings": []},
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

/// A data extension query (`{"ids": […], "properties": [{"id": …}]}`) read: the entities' numbers
/// and the properties asked (unknown ones are answered with no value); else the error's code.
fn extension_query(text: &[u8]) -> Result<(Vec<String>, Vec<String>), &'static str> {
    let Ok(query) = serde_json::from_slice::<Value>(text) else {
        return Err("reconcile-extend-invalid");
    };
    let (Some(ids), Some(properties)) = (
        query.get("ids").and_then(Value::as_array),
        query.get("properties").and_then(Value::as_array),
    ) else {
        return Err("reconcile-extend-invalid");
    };
    if ids.len() > MAX_QUERIES || properties.len() > PROPERTIES.len() * 2 {
        return Err("reconcile-batch-too-large");
    }
    let ids = ids.iter().filter_map(text_of).collect();
    let properties = properties
        .iter()
        .filter_map(|p| p.get("id").and_then(text_of))
        .collect();
    Ok((ids, properties))
}

/// What the referential holds of `ids`, then each entity's values of each property.
async fn extension(
    state: &AppState,
    ids: &[String],
    properties: &[String],
) -> Result<Vec<(String, Vec<Vec<Value>>)>, WebError> {
    let numbers: Vec<i64> = ids.iter().filter_map(|id| id.trim().parse().ok()).collect();
    let store = state.store.clone();
    let found = tokio::task::spawn_blocking(move || referential::entities(&store, &numbers)).await??;
    Ok(ids
        .iter()
        .map(|id| {
            let entity = found
                .iter()
                .find(|e| e.id.to_string() == id.trim() && offered(&e.table));
            let values = properties
                .iter()
                .map(|property| entity.map(|e| values_of(e, property)).unwrap_or_default())
                .collect();
            (id.clone(), values)
        })
        .collect())
}

/// Whether the API gives entities of `table` (never people).
fn offered(table: &str) -> bool {
    TYPES.iter().any(|(_, t, _)| *t == table)
}

/// An entity's values of one property: `{"str": …}` each.
fn values_of(entity: &referential::EntityView, property: &str) -> Vec<Value> {
    let Some((_, field)) = PROPERTIES.iter().find(|(id, _)| *id == property) else {
        return Vec::new();
    };
    let texts: Vec<String> = match *field {
        "names" => entity.names.iter().filter(|n| **n != entity.name).cloned().collect(),
        "artsdata" | "wikidata" | "isni" | "neq" | "scenepro" => entity
            .identifiers
            .iter()
            .filter(|i| i.register == *field)
            .map(|i| i.value.clone())
            .collect(),
        field => entity.value(field).map(String::from).into_iter().collect(),
    };
    texts.into_iter().map(|text| json!({"str": text})).collect()
}

fn extension_meta(lang: Lang, properties: &[String]) -> Value {
    Value::Array(
        properties
            .iter()
            .map(|id| {
                let name = PROPERTIES
                    .iter()
                    .find(|(p, _)| p == id)
                    .map_or_else(|| id.clone(), |(_, field)| property_name(lang, field));
                json!({"id": id, "name": name})
            })
            .collect(),
    )
}

/// A 0.2 data extension (`extend=`) answered: rows keyed by entity.
async fn extend_02(state: &AppState, lang: Lang, text: &str) -> Result<Response, WebError> {
    let (ids, properties) = match extension_query(text.as_bytes()) {
        Ok(query) => query,
        Err(code) => return Ok(refused(code)),
    };
    let mut rows = serde_json::Map::new();
    for (id, values) in extension(state, &ids, &properties).await? {
        let row: serde_json::Map<String, Value> = properties
            .iter()
            .cloned()
            .zip(values.into_iter().map(Value::Array))
            .collect();
        rows.insert(id, Value::Object(row));
    }
    let body = json!({"meta": extension_meta(lang, &properties), "rows": rows});
    Ok(cors(Json(body).into_response()))
}

/// `POST /reconcile/v1/extend`: a 1.0 draft data extension, rows in the order asked.
pub async fn extend_v1(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let lang = from_headers(&headers);
    let (ids, properties) = match extension_query(&body) {
        Ok(query) => query,
        Err(code) => return Ok(refused(code)),
    };
    let rows: Vec<Value> = extension(&state, &ids, &properties)
        .await?
        .into_iter()
        .map(|(id, values)| {
            let properties: Vec<Value> = properties
                .iter()
                .zip(values)
                .map(|(property, values)| json!({"id": property, "values": values}))
                .collect();
            json!({"id": id, "properties": properties})
        })
        .collect();
    let body = json!({"meta": extension_meta(lang, &properties), "rows": rows});
    Ok(cors(Json(body).into_response()))
}

/// The parameters of a property proposal.
#[derive(Debug, serde::Deserialize)]
pub struct ProposeParams {
    #[serde(rename = "type")]
    kind: Option<String>,
    limit: Option<usize>,
}

/// `GET /reconcile/properties` and `/reconcile/v1/extend/propose`: the properties data extension
/// gives for a type (the same for every type).
pub async fn propose(headers: HeaderMap, Query(params): Query<ProposeParams>) -> Response {
    let lang = from_headers(&headers);
    let kind = params.kind.unwrap_or_else(|| "Organization".to_string());
    if table_of(Some(&Value::String(kind.clone()))).is_none() {
        return refused("reconcile-type-unknown");
    }
    let properties: Vec<Value> = PROPERTIES
        .iter()
        .take(params.limit.unwrap_or(PROPERTIES.len()).clamp(1, PROPERTIES.len()))
        .map(|(id, field)| json!({"id": id, "name": property_name(lang, field)}))
        .collect();
    let mut body = json!({"type": kind, "properties": properties});
    if let Some(limit) = params.limit {
        body["limit"] = json!(limit);
    }
    cors(Json(body).into_response())
}

/// The parameters of `GET /reconcile`.
#[derive(Debug, serde::Deserialize)]
pub struct ServiceParams {
    queries: Option<String>,
    extend: Option<String>,
}

/// `GET /reconcile`: the 0.2 manifest, or with `queries=`, a batch answered, or with `extend=`,
/// a data extension.
pub async fn service(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<ServiceParams>,
) -> Result<Response, WebError> {
    let lang = from_headers(&headers);
    match (params.queries, params.extend) {
        (Some(queries), _) => batch_02(&state, lang, &queries).await,
        (None, Some(extend)) => extend_02(&state, lang, &extend).await,
        (None, None) => Ok(cors(Json(manifest_02(&base(&headers), lang)).into_response())),
    }
}

/// `POST /reconcile`: a 0.2 batch sent as the form field `queries`, or a data extension as
/// `extend`.
pub async fn service_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let lang = from_headers(&headers);
    let field = |wanted: &str| {
        form_urlencoded::parse(&body)
            .find(|(name, _)| name == wanted)
            .map(|(_, value)| value.into_owned())
    };
    match (field("queries"), field("extend")) {
        (Some(queries), _) => batch_02(&state, lang, &queries).await,
        (None, Some(extend)) => extend_02(&state, lang, &extend).await,
        (None, None) => Ok(refused("reconcile-batch-invalid")),
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

/// `GET /reconcile/suggest/property` and `/reconcile/v1/suggest/property`: the properties whose
/// id or name starts so.
pub async fn suggest_property(headers: HeaderMap, Query(params): Query<SuggestParams>) -> Response {
    let lang = from_headers(&headers);
    let prefix = ensemble_model::geo::fold_name(&params.prefix.unwrap_or_default());
    let result: Vec<Value> = PROPERTIES
        .iter()
        .map(|(id, field)| (*id, property_name(lang, field)))
        .filter(|(id, name)| {
            ensemble_model::geo::fold_name(id).starts_with(&prefix)
                || ensemble_model::geo::fold_name(name)
                    .split(' ')
                    .any(|w| w.starts_with(&prefix))
        })
        .map(|(id, name)| json!({"id": id, "name": name}))
        .collect();
    cors(Json(json!({"result": result})).into_response())
}

/// `GET /reconcile/suggest/type` and `/reconcile/v1/suggest/type`: the types whose id or name
/// starts so.
pub async fn suggest_type(headers: HeaderMap, Query(params): Query<SuggestParams>) -> Response {
    let lang = from_headers(&headers);
    let prefix = ensemble_model::geo::fold_name(&params.prefix.unwrap_or_default());
    let result: Vec<Value> = TYPES
        .iter()
        .map(|(id, _, key)| (*id, tr(lang, key)))
        .filter(|(id, name)| {
            ensemble_model::geo::fold_name(id).starts_with(&prefix)
                || ensemble_model::geo::fold_name(name).starts_with(&prefix)
        })
        .map(|(id, name)| json!({"id": id, "name": name}))
        .collect();
    cors(Json(json!({"result": result})).into_response())
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
    let Some(entity) = tokio::task::spawn_blocking(move || referential::entity(&store, id))
        .await??
        .filter(|e| offered(&e.table))
    else {
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
        &[("count", Arg::from(entity.mentions.len()))],
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
