//! The adversarial suite: one member plants private data that only it (and the coordination, for
//! the registers) may see: an import with its file name, rejected rows, an incident, a sharing
//! agreement with a third member, audit entries, users, a rights request. Another member's
//! administrator then walks every route of the router (enumerated from `routes()`), with the
//! first member's short code, numbers and every query parameter the pages and the API take,
//! and with its own short code; no answer may show any of the planted markers.

use axum::http::Method;
use ensemble_web::{Access, routes};

use crate::{COORDINATOR, MEMBER, OTHER_MEMBER, TestApp, import_as_operator, login};

/// Words only the first member's private data holds.
const MARKERS: [&str; 4] = [
    "ventes-secretes-riviere.csv",
    "Fuite imaginaire au guichet",
    "camille.secrete@deux-rivieres.example",
    "Camille Secrète",
];

fn plant(app: &TestApp) -> Vec<i64> {
    // An import with a distinctive file name and rejected rows.
    let dir = tempfile::tempdir().unwrap();
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ensemble-ingest/tests/data/vendors/generic-tickets-bad.csv");
    let path = dir.path().join(MARKERS[0]);
    std::fs::copy(source, &path).unwrap();
    let request = ensemble_ingest::ImportRequest {
        member: MEMBER,
        path: &path,
        profile: ensemble_ingest::ProfileChoice::Auto,
        dry_run: false,
        strict: false,
        now: chrono::Utc::now().fixed_offset(),
    };
    let key = ensemble_privacy::SecretKey::from_bytes([3; 32]);
    let report = import_as_operator(app, &key, &request).unwrap();
    let batch = report.batch_id.unwrap().0;
    let member = app.store.read(|s| s.member_by_slug(MEMBER)).unwrap().unwrap();
    let entries: Vec<i64> = app
        .store
        .read(|s| s.quarantine_any(member.id, None, None))
        .unwrap()
        .iter()
        .map(|entry| entry.id)
        .collect();
    // An incident, a user and an agreement with a third member, through the store.
    app.store
        .write(|s| {
            s.insert_incident(&ensemble_store::Incident {
                id: 0,
                member_id: Some(member.id),
                occurred_on: None,
                discovered_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
                description: MARKERS[1].to_string(),
                information_concerned: "pseudonymes".to_string(),
                people_affected: Some(3),
                serious_injury_risk: false,
                risk_assessment: "faible".to_string(),
                measures_taken: "aucune".to_string(),
                commission_notified_on: None,
                people_notified_on: None,
                recorded_by: None,
                recorded_at: chrono::Utc::now().fixed_offset(),
            })?;
            let id = s.next_user_id()?;
            s.insert_user(&ensemble_store::User {
                id,
                login: MARKERS[2].to_string(),
                display_name: MARKERS[3].to_string(),
                member_id: Some(member.id),
                role: ensemble_model::Role::Viewer,
                password_hash: String::new(),
                created_at: chrono::Utc::now().fixed_offset(),
                disabled: false,
            })
        })
        .unwrap();
    let third = app.store.read(|s| s.member_by_slug("aurore-boreale")).unwrap().unwrap();
    let agreement = ensemble_model::SharingAgreement {
        id: ensemble_model::SharingAgreementId(
            app.store
                .read(|s| s.next_id::<ensemble_model::SharingAgreement>())
                .unwrap(),
        ),
        provider_id: member.id,
        recipient_member_id: Some(third.id),
        dataset: ensemble_model::Dataset::Engagements,
        level: ensemble_model::SharingLevel::Detail,
        purpose: ensemble_model::Purpose::Touring,
        valid_from: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        valid_until: None,
        leaves_quebec: false,
        privacy_impact_assessment_on_file: false,
        provenance: ensemble_model::Provenance {
            member_id: Some(member.id),
            ..Default::default()
        },
    };
    let agreement_id = agreement.id.0;
    app.store.insert(&[agreement]).unwrap();
    let mut numbers = vec![batch, agreement_id];
    numbers.extend(entries.first());
    numbers.extend(entries.last());
    numbers
}

/// Every query the pages and the API take, with the planted numbers and the member's short code.
fn queries(numbers: &[i64]) -> Vec<String> {
    let mut queries = vec![String::new()];
    for name in [
        "member",
        "membre",
        "q",
        "region",
        "discipline",
        "season",
        "lieu",
        "spectacle",
        "place",
        "show",
        "role",
        "page",
        "limit",
        "offset",
        "fait",
        "batch",
        "entry",
        "mois",
        "month",
    ] {
        for value in [MEMBER.to_string(), "%".to_string()]
            .into_iter()
            .chain(numbers.iter().take(2).map(i64::to_string))
        {
            queries.push(format!("?{name}={value}"));
        }
    }
    queries
}

fn fill(pattern: &str, member: &str, number: i64) -> String {
    pattern
        .replace("{member}", member)
        .replace("{code}", "fr")
        .replace("{batch}", &number.to_string())
        .replace("{entry}", &number.to_string())
        .replace("{upload}", "x")
        .replace("{user}", &number.to_string())
        .replace("{agreement}", &number.to_string())
        .replace("{request}", &number.to_string())
        .replace("{file}", "export.json")
}

#[tokio::test]
async fn another_member_finds_nothing_private_through_any_route_or_filter() {
    let app = TestApp::new();
    let numbers = plant(&app);
    // The planted data is there, for the member itself.
    let owner = app.sign_in(&login("admin", MEMBER));
    let own = app
        .get(&format!("/membres/{MEMBER}/imports"), Some(&owner.cookie))
        .await;
    assert!(own.body.contains(MARKERS[0]), "the member sees its own import");
    let own = app
        .get(&format!("/membres/{MEMBER}/incidents"), Some(&owner.cookie))
        .await;
    assert!(own.body.contains(MARKERS[1]));

    let stranger = app.sign_in(&login("admin", OTHER_MEMBER));
    let token = app.new_token(&stranger, "sonde").await;
    let mut requests = 0;
    for route in routes() {
        if route.method != Method::GET {
            continue;
        }
        let numbered = ["{batch}", "{entry}", "{user}", "{agreement}", "{request}"]
            .iter()
            .any(|placeholder| route.path.contains(placeholder));
        let tried: &[i64] = if numbered { &numbers } else { &numbers[..1] };
        for member in [MEMBER, OTHER_MEMBER] {
            for number in tried {
                let path = fill(route.path, member, *number);
                for query in queries(&numbers) {
                    let url = format!("{path}{query}");
                    let request = axum::http::Request::get(&url);
                    let request = if route.access == Access::Token {
                        request.header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
                    } else {
                        request.header(axum::http::header::COOKIE, &stranger.cookie)
                    };
                    let reply = app.send(request.body(axum::body::Body::empty()).unwrap()).await;
                    requests += 1;
                    for marker in MARKERS {
                        assert!(
                            !reply.body.to_lowercase().contains(&marker.to_lowercase()),
                            "{url} shows {marker:?} to another member"
                        );
                    }
                }
            }
        }
    }
    assert!(requests > 1000, "{requests}");
    // The agreement the first member gave a third one is not among the other member's.
    let request = axum::http::Request::get("/api/v1/agreements?limit=500")
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let listed: serde_json::Value = serde_json::from_str(&app.send(request).await.body).unwrap();
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["id"] != numbers[1]),
        "an agreement between two other members is not listed"
    );
    // The coordination, which keeps the registers, does see the incident; the other member's own
    // register does not.
    let coordinator = app.sign_in(COORDINATOR);
    let register = app.get("/incidents", Some(&coordinator.cookie)).await;
    assert!(register.body.contains(MARKERS[1]));
}
