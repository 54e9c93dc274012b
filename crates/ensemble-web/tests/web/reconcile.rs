//! The Reconciliation API as OpenRefine and Artsdata-style clients use it, every answer checked
//! against the W3C specification's own JSON Schemas (versions 0.2 and 1.0 draft, in
//! `tests/data/reconciliation`): the manifests; batches sent as OpenRefine sends them (a POST form
//! field `queries`, or `GET ?queries=`) and as JSON to `/match`; a venue found from its name
//! without accents and its town, and marked a certain match; suggestions and previews; data
//! extension from the golden record; CORS; and bad batches refused with a stable code.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};

use crate::TestApp;

/// A validator of one of the specification's schemas, its relative references resolved among
/// the copied schemas (the swagger security definitions, never used here, stand in as "anything").
fn validator(version: &str, schema: &str) -> jsonschema::Validator {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/reconciliation")
        .join(version);
    let base = if version == "0.2" {
        "https://reconciliation-api.github.io/specs/0.2/schemas/"
    } else {
        "https://reconciliation-api.github.io/specs/draft/schemas/"
    };
    // The schemas name the meta-schema "http://json-schema.org/schema#" (the latest draft, which
    // they were written for as draft 7): named so here for the validator.
    let read = |name: &str| {
        let mut schema: Value = serde_json::from_str(&std::fs::read_to_string(folder.join(name)).unwrap()).unwrap();
        if schema["$schema"] == "http://json-schema.org/schema#" {
            schema["$schema"] = json!("http://json-schema.org/draft-07/schema#");
        }
        schema
    };
    let mut resources: Vec<(String, jsonschema::Resource)> = ["type.json", "lang.json", "dir.json"]
        .iter()
        .filter(|name| folder.join(name).exists())
        .map(|name| (format!("{base}{name}"), jsonschema::Resource::from_contents(read(name))))
        .collect();
    let swagger = json!({"definitions": {"securityDefinitions": {"additionalProperties": {}}}});
    resources.push((
        "http://swagger.io/v2/schema.json".to_string(),
        jsonschema::Resource::from_contents(swagger),
    ));
    jsonschema::options()
        .with_resources(resources.into_iter())
        .build(&read(&format!("{schema}.json")))
        .unwrap()
}

fn conforms(version: &str, schema: &str, value: &Value) {
    let errors: Vec<String> = validator(version, schema)
        .iter_errors(value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{version} {schema}: {errors:?}\n{value:#}");
}

fn json_of(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|_| panic!("not JSON: {body}"))
}

/// A demo place with a town and an accented name, and its entity's number.
fn accented_place(app: &TestApp) -> (ensemble_model::Place, i64) {
    let places = app
        .store
        .list_any::<ensemble_model::Place>(&ensemble_store::ListFilter::default())
        .unwrap();
    let place = places
        .into_iter()
        .find(|p| p.municipality.is_some() && p.name.contains('é') && p.name.split(' ').count() >= 2)
        .unwrap();
    let mentions = app.store.read(|s| s.referential_mentions("places")).unwrap();
    let entity = mentions.iter().find(|m| m.record_id == place.id.0).unwrap().entity_id;
    (place, entity)
}

#[tokio::test]
async fn openrefine_reconciles_a_venue_and_every_answer_follows_the_specification() {
    let app = TestApp::new();
    app.run_referential();
    let (place, entity) = accented_place(&app);
    let plain = place.name.replace('é', "e");
    let town = place.municipality.clone().unwrap();

    let manifest = app.get("/reconcile", None).await;
    assert_eq!(manifest.status, StatusCode::OK);
    assert_eq!(manifest.headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(), "*");
    conforms("0.2", "manifest", &json_of(&manifest.body));

    // OpenRefine's request: a form field `queries`, with a type and a property.
    let batch = json!({
        "q0": {"query": plain, "type": "Place", "type_strict": "should", "limit": 3,
               "properties": [{"pid": "addressLocality", "v": town}]},
        "q1": {"query": "Zzyzx Qwerty Nulle Part", "type": "Organization"},
    });
    let form = format!(
        "queries={}",
        form_urlencoded::byte_serialize(batch.to_string().as_bytes()).collect::<String>()
    );
    let answered = app.post("/reconcile", &form, None).await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);
    let results = json_of(&answered.body);
    conforms("0.2", "reconciliation-result-batch", &results);
    let best = &results["q0"]["result"][0];
    assert_eq!(best["id"], entity.to_string(), "{results:#}");
    assert_eq!(best["match"], true);
    assert_eq!(best["type"][0]["id"], "Place");
    assert!(best["features"].as_array().unwrap().iter().any(|f| f["id"] == "name"));
    assert_eq!(results["q1"]["result"], json!([]), "nothing like it");

    // The same batch by GET.
    let by_get = app.get(&format!("/reconcile?{form}"), None).await;
    assert_eq!(json_of(&by_get.body)["q0"]["result"][0]["id"], entity.to_string());

    // 1.0 draft: manifest, then a JSON batch to /match.
    let manifest = app.get("/reconcile/v1", None).await;
    conforms("1.0-draft", "manifest", &json_of(&manifest.body));
    let batch = json!({"queries": [{"type": "Place", "limit": 2, "conditions": [
        {"matchType": "name", "propertyValue": plain},
        {"matchType": "property", "propertyId": "addressLocality", "propertyValue": town, "required": false}
    ]}]});
    let request = Request::post("/reconcile/v1/match")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(batch.to_string()))
        .unwrap();
    let matched = app.send(request).await;
    assert_eq!(matched.status, StatusCode::OK, "{}", matched.body);
    let results = json_of(&matched.body);
    conforms("1.0-draft", "reconciliation-result-batch", &results);
    assert_eq!(results["results"][0]["candidates"][0]["id"], entity.to_string());
    let preflight = app
        .send(Request::options("/reconcile/v1/match").body(Body::empty()).unwrap())
        .await;
    assert_eq!(preflight.status, StatusCode::NO_CONTENT);
    assert!(preflight.headers.get(header::ACCESS_CONTROL_ALLOW_METHODS).is_some());

    // Suggestions and the preview.
    // Every word's beginning, as a person types it (without its accents).
    let typed: String = plain
        .split(' ')
        .map(|w| w.chars().take(4).collect::<String>())
        .collect::<Vec<_>>()
        .join(" ");
    for (version, path) in [
        ("0.2", "/reconcile/suggest/entity"),
        ("1.0-draft", "/reconcile/v1/suggest/entity"),
    ] {
        let suggested = app
            .get(
                &format!(
                    "{path}?prefix={}&type=Place",
                    form_urlencoded::byte_serialize(typed.as_bytes()).collect::<String>()
                ),
                None,
            )
            .await;
        let suggested = json_of(&suggested.body);
        conforms(version, "suggest-entities-response", &suggested);
        assert!(
            suggested["result"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["id"].as_str() == Some(entity.to_string().as_str())),
            "{suggested:#}"
        );
    }
    let preview = app.get(&format!("/reconcile/preview?id={entity}"), None).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(
        preview.body.contains(&town) && preview.body.contains("Lieu"),
        "{}",
        preview.body
    );
    assert_eq!(
        app.get("/reconcile/preview?id=999999", None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn bad_batches_are_refused_with_a_stable_code() {
    let app = TestApp::new();
    app.run_referential();
    let many: serde_json::Map<String, Value> = (0..51).map(|i| (format!("q{i}"), json!({"query": "Salle"}))).collect();
    let cases = [
        ("queries=pas-du-json".to_string(), "reconcile-batch-invalid"),
        ("autre=1".to_string(), "reconcile-batch-invalid"),
        (
            format!(
                "queries={}",
                form_urlencoded::byte_serialize(Value::Object(many).to_string().as_bytes()).collect::<String>()
            ),
            "reconcile-batch-too-large",
        ),
        (
            format!(
                "queries={}",
                form_urlencoded::byte_serialize(
                    json!({"q0": {"query": "Salle", "type": "Person"}})
                        .to_string()
                        .as_bytes()
                )
                .collect::<String>()
            ),
            "reconcile-type-unknown",
        ),
        (
            format!(
                "queries={}",
                form_urlencoded::byte_serialize(json!({"q0": {"query": "  "}}).to_string().as_bytes())
                    .collect::<String>()
            ),
            "reconcile-query-invalid",
        ),
    ];
    for (form, code) in cases {
        let refused = app.post("/reconcile", &form, None).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{form}");
        let error = &json_of(&refused.body)["error"];
        assert_eq!(error["code"], code, "{form}");
        assert!(error["message"]["fr"].as_str().unwrap().len() > 20 && error["message"]["en"].is_string());
    }
    let request = Request::post("/reconcile/v1/match")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"queries\": 3}"))
        .unwrap();
    assert_eq!(
        json_of(&app.send(request).await.body)["error"]["code"],
        "reconcile-batch-invalid"
    );
}

/// OpenRefine's "add columns from reconciled values": the properties proposed for a type, then
/// each entity's values of them, from its golden record; properties and types suggested as typed.
#[tokio::test]
async fn data_extension_gives_the_golden_record_and_follows_the_specification() {
    let app = TestApp::new();
    app.run_referential();
    let (place, entity) = accented_place(&app);
    let town = place.municipality.clone().unwrap();

    for (version, path) in [
        ("0.2", "/reconcile/properties?type=Place"),
        ("1.0-draft", "/reconcile/v1/extend/propose?type=Place&limit=4"),
    ] {
        let proposed = json_of(&app.get(path, None).await.body);
        conforms(version, "data-extension-property-proposal", &proposed);
        assert!(
            proposed["properties"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["id"] == "addressLocality")
        );
    }
    let query = json!({"ids": [entity.to_string(), "999999"], "properties": [{"id": "name"}, {"id": "addressLocality"}, {"id": "nothing"}]});
    conforms("0.2", "data-extension-query", &query);
    conforms("1.0-draft", "data-extension-query", &query);

    // 0.2: the query in the form field `extend`; rows keyed by entity.
    let form = format!(
        "extend={}",
        form_urlencoded::byte_serialize(query.to_string().as_bytes()).collect::<String>()
    );
    let extended = app.post("/reconcile", &form, None).await;
    assert_eq!(extended.status, StatusCode::OK, "{}", extended.body);
    let extended = json_of(&extended.body);
    conforms("0.2", "data-extension-response", &extended);
    let row = &extended["rows"][entity.to_string()];
    assert_eq!(row["addressLocality"][0]["str"], town.as_str(), "{extended:#}");
    assert_eq!(row["name"][0]["str"], place.name.as_str());
    assert_eq!(row["nothing"], json!([]));
    assert_eq!(
        extended["rows"]["999999"]["name"],
        json!([]),
        "an unknown entity has no value"
    );
    assert_eq!(extended["meta"][1]["name"], "Municipalité");

    // 1.0 draft: a JSON body to /extend; rows in the order asked.
    let request = Request::post("/reconcile/v1/extend")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, "ensemble_lang=en")
        .body(Body::from(query.to_string()))
        .unwrap();
    let extended = app.send(request).await;
    assert_eq!(extended.status, StatusCode::OK, "{}", extended.body);
    let extended = json_of(&extended.body);
    conforms("1.0-draft", "data-extension-response", &extended);
    assert_eq!(extended["rows"][0]["id"], entity.to_string());
    assert_eq!(extended["rows"][0]["properties"][1]["values"][0]["str"], town.as_str());
    assert_eq!(extended["meta"][1]["name"], "Municipality");

    // Suggestions of properties and types.
    for (version, prefix) in [("0.2", "/reconcile"), ("1.0-draft", "/reconcile/v1")] {
        let properties = json_of(
            &app.get(&format!("{prefix}/suggest/property?prefix=munic"), None)
                .await
                .body,
        );
        conforms(version, "suggest-properties-response", &properties);
        assert_eq!(properties["result"][0]["id"], "addressLocality", "{properties:#}");
        let types = json_of(&app.get(&format!("{prefix}/suggest/type?prefix=sal"), None).await.body);
        conforms(version, "suggest-types-response", &types);
        assert_eq!(types["result"][0]["id"], "Hall", "{types:#}");
    }

    // A query that cannot be read, or too many entities, is refused with its code.
    let bad = app.post("/reconcile", "extend=%7B%22ids%22%3A1%7D", None).await;
    assert_eq!(json_of(&bad.body)["error"]["code"], "reconcile-extend-invalid");
    let many: Vec<String> = (0..51).map(|i| i.to_string()).collect();
    let request = Request::post("/reconcile/v1/extend")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"ids": many, "properties": [{"id": "name"}]}).to_string(),
        ))
        .unwrap();
    assert_eq!(
        json_of(&app.send(request).await.body)["error"]["code"],
        "reconcile-batch-too-large"
    );
}

/// Credited people are in the referential but never in this open API: no type, no preview, no
/// values.
#[tokio::test]
async fn people_are_not_offered() {
    let app = TestApp::new();
    app.run_referential();
    let person = app.store.read(|s| s.referential_mentions("persons")).unwrap()[0].entity_id;
    assert_eq!(
        app.get(&format!("/reconcile/preview?id={person}"), None).await.status,
        StatusCode::NOT_FOUND
    );
    let query = json!({"ids": [person.to_string()], "properties": [{"id": "name"}, {"id": "addressLocality"}]});
    let form = format!(
        "extend={}",
        form_urlencoded::byte_serialize(query.to_string().as_bytes()).collect::<String>()
    );
    let extended = json_of(&app.post("/reconcile", &form, None).await.body);
    assert_eq!(extended["rows"][person.to_string()]["name"], json!([]), "{extended:#}");
    let manifest = json_of(&app.get("/reconcile", None).await.body);
    assert!(
        !manifest["defaultTypes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == "Person")
    );
    let suggested = app.get("/reconcile/suggest/entity?prefix=a&type=Person", None).await;
    assert_eq!(suggested.status, StatusCode::BAD_REQUEST);
}
