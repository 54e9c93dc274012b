//! The market barometer as a member's staff reads it: the latest season over, in French and in
//! English, hidden figures marked and explained; a season written wrong, not over or with nothing
//! pooled answered in words (and nothing released for it); the same release through the API. And
//! a presenter's own audience, in the portal and through the API, for its own people only.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::Value;

use crate::{MEMBER, TestApp, assert_translated, login};

#[tokio::test]
async fn members_read_the_latest_season_and_bad_seasons_are_answered_in_words() {
    let app = TestApp::new();
    let person = app.sign_in(&login("consultation", MEMBER));
    let page = app.get("/barometre", Some(&person.cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_translated(&page.body);
    assert!(
        page.body.contains("Baromètre du marché · saison 2025-2026"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Offre et demande par région"));
    assert!(
        page.body.contains("Assistance 2024-2025"),
        "the previous season alongside"
    );
    assert!(page.body.contains("class=\"n masked\""), "hidden figures are marked");
    assert!(
        page.body.contains("moins de 2 membre(s) y contribuent"),
        "and explained"
    );
    let english = app
        .get("/barometre", Some(&format!("{}; ensemble_lang=en", person.cookie)))
        .await;
    assert!(english.body.contains("Market barometer · season 2025-2026"));

    for (season, words) in [
        ("2025", "Une saison s&#39;écrit avec ses deux années"),
        ("2026-2027", "deux semaines après sa fin"),
        ("1990-1991", "aucune représentation dans cette saison"),
    ] {
        let answer = app
            .get(&format!("/barometre?saison={season}"), Some(&person.cookie))
            .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{season}");
        assert!(answer.body.contains(words), "{season}: {}", answer.body);
    }
    let released = app
        .store
        .read(|s| {
            Ok(["1990-1991", "2024-2025", "2025-2026"].map(|season| {
                s.released_barometer(ensemble_store::barometer::Season::parse(season).unwrap())
                    .unwrap()
                    .is_some()
            }))
        })
        .unwrap();
    assert_eq!(
        released,
        [false, true, true],
        "nothing released for a season with nothing"
    );

    let anonymous = app.get("/barometre", None).await;
    assert!(anonymous.status.is_redirection());
}

#[tokio::test]
async fn the_api_gives_the_release_as_kept() {
    let app = TestApp::new();
    let token = crate::api::token(&app).await;
    let call = |path: &'static str| {
        let request = Request::get(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        app.send(request)
    };
    let answer = call("/api/v1/barometer").await;
    assert_eq!(answer.status, StatusCode::OK);
    let release: Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(release["season"], "2025-2026");
    assert_eq!(release["views"][0]["view"], "region");
    assert_eq!(release["views"][1]["measures"][2]["measure"], "attendance");
    let again: Value = serde_json::from_str(&call("/api/v1/barometer?season=2025-2026").await.body).unwrap();
    assert_eq!(again, release, "read back as released");
    for (path, status) in [
        ("/api/v1/barometer?season=2025", StatusCode::BAD_REQUEST),
        ("/api/v1/barometer?saison=2025-2026", StatusCode::BAD_REQUEST),
        ("/api/v1/barometer?season=2030-2031", StatusCode::NOT_FOUND),
        ("/api/v1/barometer?season=6007-1102", StatusCode::NOT_FOUND),
        ("/api/v1/barometer?season=1990-1991", StatusCode::NOT_FOUND),
    ] {
        assert_eq!(call(path).await.status, status, "{path}");
    }
}

/// A presenter's people read its audience, with its map; another member's people do not reach
/// it; the API gives the token's member's own.
#[tokio::test]
async fn a_presenter_reads_its_own_audience() {
    let app = TestApp::new();
    let presenter = "deux-rivieres";
    let person = app.sign_in(&login("consultation", presenter));
    let page = app
        .get(&format!("/membres/{presenter}/publics"), Some(&person.cookie))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_translated(&page.body);
    assert!(
        page.body.contains("Publics de Diffusion Deux-Rivières"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Nouveaux ou revenants"));
    assert!(page.body.contains("<svg viewBox"), "the map of where buyers live");
    let english = app
        .get(
            &format!("/membres/{presenter}/publics"),
            Some(&format!("{}; ensemble_lang=en", person.cookie)),
        )
        .await;
    assert!(english.body.contains("Who your buyers are"));
    let wrong = app
        .get(
            &format!("/membres/{presenter}/publics?saison=2025"),
            Some(&person.cookie),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    assert!(wrong.body.contains("Une saison s&#39;écrit"));

    let stranger = app.sign_in(&login("admin", "grande-ourse"));
    let refused = app
        .get(&format!("/membres/{presenter}/publics"), Some(&stranger.cookie))
        .await;
    assert!(refused.status.is_client_error(), "{}", refused.status);
}

#[tokio::test]
async fn the_api_gives_the_tokens_member_its_audience() {
    let app = TestApp::new();
    let token = crate::api::token(&app).await;
    let call = |path: &'static str| {
        let request = Request::get(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        app.send(request)
    };
    let answer = call("/api/v1/audience?season=2024-2025").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let audience: Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(audience["member"], MEMBER);
    assert_eq!(audience["distributions"][0]["dimension"], "returning");
    assert!(audience["buyers"]["shown"].as_u64().unwrap() > 0);
    for (path, status) in [
        ("/api/v1/audience?season=2025", StatusCode::BAD_REQUEST),
        ("/api/v1/audience?member=grande-ourse", StatusCode::BAD_REQUEST),
        ("/api/v1/audience?show=pas-un-spectacle", StatusCode::NOT_FOUND),
        ("/api/v1/audience?season=3385-9502", StatusCode::NOT_FOUND),
    ] {
        assert_eq!(call(path).await.status, status, "{path}");
    }
}
