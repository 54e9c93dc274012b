//! Settlements entered once: the presenter's administration corrects a settlement in the portal,
//! and the producer's report, which reads the presenter's settlement under their agreement, shows
//! the new figure at once; a wrong figure and another presenter's performance are refused clearly.

use axum::http::StatusCode;
use chrono::NaiveDate;
use ensemble_model::{MemberId, Purpose};
use ensemble_store::Requester;

use crate::{MEMBER, TestApp, login};

const PRODUCER: &str = "aurore-boreale";

fn producer_report(app: &TestApp, producer: MemberId) -> ensemble_reports::Report {
    let requester = Requester {
        channel: "web",
        user_id: None,
        member: Some(producer),
        purpose: Purpose::Reporting,
    };
    let request = ensemble_reports::Request {
        member: PRODUCER,
        template: "cadac",
        period: "2025-2026",
        templates: None,
        lang: ensemble_i18n::Lang::Fr,
        today: NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
    };
    ensemble_reports::run(&app.store, &requester, &request).unwrap()
}

#[tokio::test]
async fn a_settlement_corrected_by_the_presenter_reaches_the_producers_report() {
    let app = TestApp::new();
    let presenter = app.store.read(|s| s.member_by_slug(MEMBER)).unwrap().unwrap();
    let producer = app.store.read(|s| s.member_by_slug(PRODUCER)).unwrap().unwrap();
    let before = producer_report(&app, producer.id);
    let fact = before
        .facts
        .iter()
        .find(|fact| fact.settlement_from == Some(presenter.id.0))
        .expect("a producer's date presented and settled by the presenter");
    let settlement = fact.settlement.clone().unwrap();
    let performance = fact.performance;

    let admin = app.sign_in(&login("admin", MEMBER));
    let form = app
        .get(
            &format!("/membres/{MEMBER}/redditions?representation={performance}"),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&format!(
        r#"name="paid" inputmode="numeric" value="{}""#,
        settlement.paid
    )));

    let paid = settlement.paid - 1;
    let body = |paid: u32, performance: i64| {
        format!(
            "csrf={}&representation={performance}&capacity_offered={}&paid={paid}&complimentary={}&free_admissions={}\
             &gross={}&taxes={}&fees={}&artist_fee={}&deal_type=box-office-split&artist_share_percent=70",
            admin.csrf,
            settlement.capacity_offered,
            settlement.complimentary,
            settlement.free_admissions,
            settlement.gross.0 as f64 / 100.0,
            settlement.taxes.0 as f64 / 100.0,
            settlement.fees.0 as f64 / 100.0,
            settlement.artist_fee.0 as f64 / 100.0,
        )
    };
    let saved = app
        .post(
            &format!("/membres/{MEMBER}/redditions"),
            &body(paid, performance),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let after = producer_report(&app, producer.id);
    let changed = after.facts.iter().find(|fact| fact.performance == performance).unwrap();
    let now = changed.settlement.as_ref().unwrap();
    assert_eq!(
        (now.paid, now.deal_type.map(|d| d.code())),
        (paid, Some("box-office-split"))
    );

    // More tickets than seats: refused with the model's message, nothing changed.
    let too_many = app
        .post(
            &format!("/membres/{MEMBER}/redditions"),
            &body(settlement.capacity_offered + 1, performance),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(too_many.status, StatusCode::BAD_REQUEST);
    assert!(too_many.body.contains(r#"class="problem""#), "{}", too_many.body);
    // Another presenter's performance: refused.
    let theirs = before
        .facts
        .iter()
        .find(|fact| fact.settlement_from == Some(producer.id.0))
        .map(|fact| fact.performance)
        .expect("a date the producer presented itself");
    let refused = app
        .post(
            &format!("/membres/{MEMBER}/redditions"),
            &body(1, theirs),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("Seul le diffuseur"), "{}", refused.body);
    let entries = app.store.read(|s| s.audit_entries(Some(presenter.id), 50)).unwrap();
    assert!(entries.iter().any(|entry| entry.action == "settlement-update"));

    // The producer keeps its own copy of that date, with other figures: the presenter is told
    // that a copy differs (not its figures), and the producer's report lists the difference.
    let before_page = app
        .get(&format!("/membres/{MEMBER}/redditions"), Some(&admin.cookie))
        .await;
    assert!(!before_page.body.contains("une autre copie diffère"));
    app.store
        .write(|s| {
            let id = s.next_id::<ensemble_model::Settlement>()?;
            s.insert(&[ensemble_model::Settlement {
                id: ensemble_model::SettlementId(id),
                paid: paid - 1,
                provenance: ensemble_model::Provenance {
                    member_id: Some(producer.id),
                    ..Default::default()
                },
                ..now.clone()
            }])
        })
        .unwrap();
    let told = app
        .get(&format!("/membres/{MEMBER}/redditions"), Some(&admin.cookie))
        .await;
    assert!(told.body.contains("une autre copie diffère"), "{}", told.body);
    assert!(told.body.contains("Pour 1 représentation,"), "{}", told.body);
    let report = producer_report(&app, producer.id);
    assert_eq!(report.completeness.differences, [(performance, presenter.id.0)]);
}

async fn token_of(app: &TestApp, member: &str) -> String {
    app.new_token(&app.sign_in(&login("analyste", member)), "redditions")
        .await
}

async fn settlements(app: &TestApp, token: &str, query: &str) -> (StatusCode, serde_json::Value) {
    let request = axum::http::Request::get(format!("/api/v1/settlements{query}"))
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let reply = app.send(request).await;
    (reply.status, serde_json::from_str(&reply.body).unwrap())
}

#[tokio::test]
async fn the_api_gives_own_and_shared_settlements_and_nothing_else() {
    let app = TestApp::new();
    let presenter = app.store.read(|s| s.member_by_slug(MEMBER)).unwrap().unwrap();
    let owners = |body: &serde_json::Value| -> std::collections::BTreeSet<i64> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["member_id"].as_i64().unwrap())
            .collect()
    };
    // The producer reads its own and the presenter's (shared with it for reporting).
    let producer = app.store.read(|s| s.member_by_slug(PRODUCER)).unwrap().unwrap();
    let (status, body) = settlements(&app, &token_of(&app, PRODUCER).await, "?limit=500").await;
    assert_eq!(status, StatusCode::OK);
    assert!(owners(&body).contains(&presenter.id.0), "{:?}", owners(&body));
    assert!(owners(&body).is_subset(&[presenter.id.0, producer.id.0].into()));
    // The creator has no agreement with the presenter: its own only.
    let creator = app.store.read(|s| s.member_by_slug("grande-ourse")).unwrap().unwrap();
    let (_, body) = settlements(&app, &token_of(&app, "grande-ourse").await, "?limit=500").await;
    assert!(body["total"].as_u64().unwrap() > 0);
    assert_eq!(owners(&body), [creator.id.0].into());
    let (status, body) = settlements(&app, &token_of(&app, "grande-ourse").await, "?performance=abc").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("api-invalid-parameter"))
    );
}

/// The coordination reaches a presenter's settlements page but not its figures: the page says
/// what it may and may not see, and a form sent anyway is refused (403) without changing the
/// presenter's figures or adding a second settlement.
#[tokio::test]
async fn the_coordination_neither_sees_nor_writes_a_presenters_settlements() {
    let app = TestApp::new();
    let presenter = app.store.read(|s| s.member_by_slug(MEMBER)).unwrap().unwrap();
    let all = |app: &TestApp| -> Vec<ensemble_model::Settlement> {
        app.store
            .read(|s| s.list_any::<ensemble_model::Settlement>(&ensemble_store::ListFilter::default()))
            .unwrap()
    };
    let before = all(&app);
    let kept = before
        .iter()
        .find(|s| s.provenance.member_id == Some(presenter.id) && s.paid > 10)
        .expect("a settlement of the presenter")
        .clone();
    let coordination = app.sign_in(crate::COORDINATOR);
    let page = app
        .get(&format!("/membres/{MEMBER}/redditions"), Some(&coordination.cookie))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Les redditions appartiennent au diffuseur"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("Représentations sans reddition"),
        "no list that looks empty"
    );
    assert!(!page.body.contains(r#"name="paid""#), "no form");
    let body = format!(
        "csrf={}&representation={}&capacity_offered=100&paid=10&complimentary=0&free_admissions=0\
         &gross=100&taxes=0&fees=0&artist_fee=0",
        coordination.csrf, kept.performance_id.0
    );
    for _ in 0..2 {
        let refused = app
            .post(
                &format!("/membres/{MEMBER}/redditions"),
                &body,
                Some(&coordination.cookie),
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        assert!(
            refused.body.contains("La coordination ne saisit ni ne corrige"),
            "{}",
            refused.body
        );
    }
    assert_eq!(all(&app), before, "nothing changed, no second settlement");
}
