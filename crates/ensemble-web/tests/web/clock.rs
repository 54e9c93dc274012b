//! One clock for every page and API route: at 23:30 in Montréal (04:30 UTC the next day), an
//! agreement ending that day still grants everywhere, and the next morning it grants nowhere.

use axum::http::{StatusCode, header};
use chrono::{NaiveDate, TimeZone, Utc};
use ensemble_actions::sharing::{NewAgreement, create};
use ensemble_actions::{Actor, Clock};
use ensemble_model::{Dataset, Purpose, SharingLevel};

use crate::{MEMBER, TestApp, login};

const RECIPIENT: &str = "grande-ourse";

/// How many of the provider's settlements the recipient reads through the API.
async fn shared_settlements(app: &TestApp, token: &str, provider: i64) -> usize {
    let request = axum::http::Request::get("/api/v1/settlements?limit=500")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let listed: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["member_id"] == provider)
        .count()
}

/// [`shared_settlements`], and what the recipient's and the provider's agreement pages say of the
/// agreement ending on the 14th of January 2027.
async fn seen(app: &TestApp, token: &str, provider: i64) -> (usize, bool, bool) {
    let from_provider = shared_settlements(app, token, provider).await;
    let recipient = app.sign_in(&login("admin", RECIPIENT));
    let page = app
        .get(&format!("/membres/{RECIPIENT}/ententes"), Some(&recipient.cookie))
        .await;
    let provider_admin = app.sign_in(&login("admin", MEMBER));
    let own = app
        .get(&format!("/membres/{MEMBER}/ententes"), Some(&provider_admin.cookie))
        .await;
    let in_force = |html: &str| {
        // The agreement's row: its period ends on the 14th of January 2027.
        html.split("<tr>")
            .find(|row| row.contains("14 janvier 2027") && row.contains("Redditions de comptes"))
            .map(|row| row.contains("en vigueur") && !row.contains("pas en vigueur"))
            .unwrap()
    };
    (from_provider, in_force(&page.body), in_force(&own.body))
}

#[tokio::test]
async fn an_agreement_ending_today_grants_until_midnight_in_montreal_everywhere() {
    let app = TestApp::new();
    let zone = chrono_tz::America::Toronto;
    let last_day = NaiveDate::from_ymd_opt(2027, 1, 14).unwrap();
    let late = Clock::fixed(zone, Utc.with_ymd_and_hms(2027, 1, 15, 4, 30, 0).unwrap());
    let morning = Clock::fixed(zone, Utc.with_ymd_and_hms(2027, 1, 15, 13, 0, 0).unwrap());
    assert_eq!(late.today(), last_day, "23:30 in Montréal is still the 14th");
    assert_eq!(morning.today(), last_day.succ_opt().unwrap());

    let provider = app.store.read(|s| s.member_by_slug(MEMBER)).unwrap().unwrap();
    let agreement = NewAgreement {
        recipient: Some(RECIPIENT.to_string()),
        dataset: Dataset::Settlements,
        level: SharingLevel::Detail,
        purpose: Purpose::Reporting,
        valid_from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        valid_until: Some(last_day),
        leaves_quebec: false,
        assessment_on_file: false,
    };
    let recipient = app.sign_in(&login("admin", RECIPIENT));
    let token = app.new_token(&recipient, "boundary").await;
    // What other agreements of the demo already give the recipient (none: it is the creator).
    let before = shared_settlements(&app.on_clock(late), &token, provider.id.0).await;
    create(&app.store, &Actor::operator(late), &provider, &agreement).unwrap();

    let (shared, recipient_page, provider_page) = seen(&app.on_clock(late), &token, provider.id.0).await;
    assert!(
        shared > before,
        "all the provider's settlements are read at 23:30 on the last day"
    );
    assert!(recipient_page && provider_page, "both sides see it in force");

    let (shared, recipient_page, provider_page) = seen(&app.on_clock(morning), &token, provider.id.0).await;
    assert_eq!(
        shared, before,
        "the next morning only what other agreements give is read"
    );
    assert!(!recipient_page && !provider_page, "both sides see it ended");
}
