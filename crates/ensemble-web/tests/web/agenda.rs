//! The public agenda as a person without an account and a search engine use it: the members'
//! announced performances, filtered by member and region; a performance's page with its JSON-LD
//! (the same graph `ensemble publish` writes); a show not yet announced never shown; the sitemap;
//! no credited person on any page.

use axum::http::{StatusCode, header};
use ensemble_model::{Member, Performance, Person};
use ensemble_store::ListFilter;

use crate::{TestApp, assert_translated};

/// The ids of the performances the agenda links to.
fn linked(body: &str) -> Vec<i64> {
    body.split("href=\"/agenda/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect()
}

#[tokio::test]
async fn anyone_reads_the_announced_performances_with_their_linked_data() {
    let app = TestApp::new();
    // The demo's seasons are over: from today, nothing; from their start, what was announced.
    let today = app.get("/agenda", None).await;
    assert_eq!(today.status, StatusCode::OK);
    assert_translated(&today.body);
    assert!(today.body.contains("Aucune représentation annoncée pour ces choix"));
    let page = app.get("/agenda?du=2023-01-01", None).await;
    assert_translated(&page.body);
    let all = linked(&page.body);
    assert!(!all.is_empty(), "the demo announced performances");

    // One member's, and one region's: fewer.
    let mine = linked(&app.get("/agenda?du=2023-01-01&membre=deux-rivieres", None).await.body);
    assert!(!mine.is_empty() && mine.len() < all.len());
    let presenter = app.store.read(|s| s.member_by_slug("deux-rivieres")).unwrap().unwrap();
    let performances = app.store.list_any::<Performance>(&ListFilter::default()).unwrap();
    let by_id = |id: i64| performances.iter().find(|p| p.id.0 == id).unwrap();
    assert!(
        mine.iter()
            .all(|id| by_id(*id).presenter_id == presenter.organization_id)
    );
    let nowhere = app.get("/agenda?region=99&du=pas-une-date&au=", None).await;
    assert_eq!(nowhere.status, StatusCode::OK);
    assert!(linked(&nowhere.body).is_empty());

    // A performance's page: its JSON-LD, the one the published files hold.
    let id = all[0];
    let event = app.get(&format!("/agenda/{id}"), None).await;
    assert_eq!(event.status, StatusCode::OK);
    let script = event
        .body
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .unwrap();
    let document: serde_json::Value = serde_json::from_str(script).unwrap();
    let node = &document["@graph"][0];
    assert_eq!(node["@type"], "Event");
    assert!(node["@id"].as_str().unwrap().ends_with(&format!("/agenda/{id}")));
    assert!(node["location"]["address"]["postalCode"].is_string());
    let english = app.get(&format!("/agenda/{id}"), Some("ensemble_lang=en")).await;
    assert!(english.body.contains("Back to the agenda"));

    // Not announced (a performance of a show its presenter does not publish): not found.
    let published: Vec<i64> = {
        let members = app.store.list_any::<Member>(&ListFilter::default()).unwrap();
        let catalogue =
            ensemble_actions::publication::programme(&app.store, &members, ensemble_actions::Clock::default().today())
                .unwrap();
        catalogue.performances.iter().map(|p| p.id.0).collect()
    };
    let hidden = performances.iter().find(|p| !published.contains(&p.id.0)).unwrap();
    assert_eq!(
        app.get(&format!("/agenda/{}", hidden.id.0), None).await.status,
        StatusCode::NOT_FOUND
    );

    // The sitemap lists the agenda's pages.
    let sitemap = app.get("/sitemap.xml", None).await;
    assert_eq!(sitemap.status, StatusCode::OK);
    assert!(
        sitemap.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/xml")
    );
    assert!(sitemap.body.contains(&format!("/agenda/{id}</loc>")));

    // No credited person anywhere.
    for person in app.store.list_any::<Person>(&ListFilter::default()).unwrap() {
        for body in [&page.body, &event.body, &sitemap.body] {
            assert!(!body.contains(&person.name), "a credited person is shown");
        }
    }
}

/// A member's administrator chooses on its open-data page what the member publishes: a show
/// withdrawn leaves the agenda, published again it comes back; a date that is not one is answered
/// in words; the member's viewers and other members do not reach the page.
#[tokio::test]
async fn a_member_chooses_what_it_publishes() {
    let app = TestApp::new();
    let admin = app.sign_in(&crate::login("admin", "deux-rivieres"));
    let page = app
        .get("/membres/deux-rivieres/donnees-ouvertes", Some(&admin.cookie))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_translated(&page.body);
    assert!(page.body.contains("Publié à partir du"), "{}", page.body);
    let show = page
        .body
        .split("name=\"show\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    let listed = |body: &str| linked(body).len();
    let before = listed(&app.get("/agenda?du=2023-01-01&membre=deux-rivieres", None).await.body);

    let withdrawn = app
        .post(
            "/membres/deux-rivieres/donnees-ouvertes",
            &format!("csrf={}&show={show}", admin.csrf),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
    let after = listed(&app.get("/agenda?du=2023-01-01&membre=deux-rivieres", None).await.body);
    assert!(after < before, "{after} < {before}");

    let bad = app
        .post(
            "/membres/deux-rivieres/donnees-ouvertes",
            &format!("csrf={}&show={show}&from=demain", admin.csrf),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("n&#39;est pas une date"), "{}", bad.body);
    let again = app
        .post(
            "/membres/deux-rivieres/donnees-ouvertes",
            &format!("csrf={}&show={show}&from=2020-01-01", admin.csrf),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(
        listed(&app.get("/agenda?du=2023-01-01&membre=deux-rivieres", None).await.body),
        before
    );
    let trail = app.store.read(|s| s.audit_entries(None, 50)).unwrap();
    assert_eq!(trail.iter().filter(|e| e.action == "publication-set").count(), 2);

    for who in [
        crate::login("consultation", "deux-rivieres"),
        crate::login("admin", "grande-ourse"),
    ] {
        let person = app.sign_in(&who);
        let refused = app
            .get("/membres/deux-rivieres/donnees-ouvertes", Some(&person.cookie))
            .await;
        assert!(refused.status.is_client_error(), "{who}: {}", refused.status);
    }
}

/// The published files under their stable path, as a crawler polls them: each with its media
/// type, an `ETag` and a `Last-Modified`; asked again with either, "304 Not Modified" and no body;
/// after a member's choice changes it, the new file. No file outside the published ones.
#[tokio::test]
async fn crawlers_poll_the_published_files_cheaply() {
    let app = TestApp::new();
    let index = app.get("/donnees-ouvertes", None).await;
    assert_eq!(index.status, StatusCode::OK);
    assert_translated(&index.body);
    for path in [
        "consortium.jsonld",
        "consortium.datascene.json",
        "consortium.ics",
        "deux-rivieres.jsonld",
    ] {
        assert!(index.body.contains(&format!("/donnees-ouvertes/{path}\"")), "{path}");
    }
    let first = app.get("/donnees-ouvertes/deux-rivieres.jsonld", None).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.headers[header::CONTENT_TYPE], "application/ld+json");
    assert_eq!(first.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let document: serde_json::Value = serde_json::from_str(&first.body).unwrap();
    assert!(document["@graph"].as_array().is_some_and(|g| !g.is_empty()));
    let tag = first.headers[header::ETAG].to_str().unwrap().to_string();
    let modified = first.headers[header::LAST_MODIFIED].to_str().unwrap().to_string();
    assert!(modified.ends_with(" GMT"), "{modified}");

    let conditional = |name: header::HeaderName, value: String| {
        let request = axum::http::Request::get("/donnees-ouvertes/deux-rivieres.jsonld")
            .header(name, value)
            .body(axum::body::Body::empty())
            .unwrap();
        app.send(request)
    };
    let again = conditional(header::IF_NONE_MATCH, tag.clone()).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    let since = conditional(header::IF_MODIFIED_SINCE, modified.clone()).await;
    assert_eq!(since.status, StatusCode::NOT_MODIFIED);
    let other = conditional(header::IF_NONE_MATCH, "\"autre\"".to_string()).await;
    assert_eq!(other.status, StatusCode::OK);

    for (path, media) in [
        ("consortium.datascene.json", "application/json"),
        ("consortium.ics", "text/calendar; charset=utf-8"),
    ] {
        let file = app.get(&format!("/donnees-ouvertes/{path}"), None).await;
        assert_eq!(file.status, StatusCode::OK, "{path}");
        assert_eq!(file.headers[header::CONTENT_TYPE], media);
    }
    let venue = first
        .body
        .split("/lieux/")
        .nth(1)
        .and_then(|rest| rest.split(['"', '#']).next())
        .unwrap()
        .to_string();
    let feed = app.get(&format!("/donnees-ouvertes/lieux/{venue}.ics"), None).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.body.contains("BEGIN:VEVENT"));
    for missing in [
        "personne.jsonld",
        "consortium.txt",
        "lieux/999999.ics",
        "../secret",
        "lieux/1/2.ics",
    ] {
        let answer = app.get(&format!("/donnees-ouvertes/{missing}"), None).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{missing}");
    }

    // A show withdrawn: the file changes, its tag with it.
    let admin = app.sign_in(&crate::login("admin", "deux-rivieres"));
    let show = document["@graph"][0]["workPerformed"]["@id"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    app.post(
        "/membres/deux-rivieres/donnees-ouvertes",
        &format!("csrf={}&show={show}", admin.csrf),
        Some(&admin.cookie),
    )
    .await;
    let changed = conditional(header::IF_NONE_MATCH, tag.clone()).await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_ne!(changed.headers[header::ETAG].to_str().unwrap(), tag);
}

/// A member's administrator records a credited person's consent on the open-data page: the
/// person is then in the member's published file, and leaves it when the consent is withdrawn.
#[tokio::test]
async fn a_member_records_a_credited_persons_consent() {
    let app = TestApp::new();
    let admin = app.sign_in(&crate::login("admin", "deux-rivieres"));
    let page = app
        .get("/membres/deux-rivieres/donnees-ouvertes", Some(&admin.cookie))
        .await;
    assert!(
        page.body.contains("Pas de consentement : jamais publiée"),
        "{}",
        page.body
    );
    let person: i64 = page
        .body
        .split("name=\"person\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .parse()
        .unwrap();
    let name = app.store.get::<Person>(person).unwrap().unwrap().name;
    let published = || async { app.get("/donnees-ouvertes/deux-rivieres.jsonld", None).await.body };
    assert!(!published().await.contains(&name));

    let given = app
        .post(
            "/membres/deux-rivieres/donnees-ouvertes/consentements",
            &format!("csrf={}&person={person}&given=oui", admin.csrf),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(given.status, StatusCode::SEE_OTHER);
    assert!(published().await.contains(&name));
    let page = app
        .get("/membres/deux-rivieres/donnees-ouvertes", Some(&admin.cookie))
        .await;
    assert!(page.body.contains("Consentement consigné le"));

    app.post(
        "/membres/deux-rivieres/donnees-ouvertes/consentements",
        &format!("csrf={}&person={person}&given=non", admin.csrf),
        Some(&admin.cookie),
    )
    .await;
    assert!(!published().await.contains(&name));
    let stranger = app
        .post(
            "/membres/deux-rivieres/donnees-ouvertes/consentements",
            &format!("csrf={}&person=987654&given=oui", admin.csrf),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(stranger.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        stranger.body.contains("n&#39;est créditée dans aucun spectacle"),
        "{}",
        stranger.body
    );
}
