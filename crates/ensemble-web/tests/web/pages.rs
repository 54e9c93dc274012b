//! Pages in French by default and in English after the switch, Québec formats, filters, paging,
//! and signing in and out.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};

use crate::{COORDINATOR, MEMBER, TestApp, assert_translated, login};

#[tokio::test]
async fn the_landing_page_lists_the_members_in_french_by_default() {
    let app = TestApp::new();
    let page = app.get("/", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.body.contains(r#"<html lang="fr">"#));
    assert!(page.body.contains("Membres du consortium"));
    for slug in ensemble_demo::MEMBER_SLUGS {
        assert!(page.body.contains(slug), "{slug}");
    }
    assert!(page.body.contains("Diffusion Deux-Rivières"));
    assert!(page.body.contains("Diffuseur"), "roles in French");
    assert!(page.body.contains(r#"href="/langue/en""#));
    assert_translated(&page.body);
}

#[tokio::test]
async fn the_switch_keeps_english_and_returns_to_the_page() {
    let app = TestApp::new();
    let request = axum::http::Request::get("/langue/en")
        .header(header::REFERER, "http://127.0.0.1:8080/representations?season=2025")
        .body(axum::body::Body::empty())
        .unwrap();
    let switched = app.send(request).await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    assert_eq!(switched.location(), "/representations?season=2025");
    let cookie = switched.set_cookie(ensemble_web::LANG_COOKIE).unwrap();
    assert!(cookie.starts_with("ensemble_lang=en;") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));

    let page = app.get("/", Some("ensemble_lang=en")).await;
    assert!(page.body.contains(r#"<html lang="en">"#));
    assert!(page.body.contains("Consortium members"));
    assert!(page.body.contains("Presenter"), "roles in English");
    assert!(page.body.contains(r#"href="/langue/fr""#));
    assert_translated(&page.body);
    assert_eq!(app.get("/langue/de", None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_unknown_address_gets_a_translated_page() {
    let app = TestApp::new();
    let page = app.get("/nulle-part", None).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Page introuvable"));
    assert_translated(&page.body);
    let page = app.get("/nowhere", Some("theme=dark; ensemble_lang=en")).await;
    assert!(page.body.contains("Page not found"));
}

/// Every page of the route table answers the coordination without a server error, in both
/// languages, with no missing translation.
#[tokio::test]
async fn every_page_renders_in_both_languages() {
    let app = TestApp::new();
    let coordinator = app.sign_in(COORDINATOR);
    for route in ensemble_web::routes() {
        // The JSON API, the Reconciliation API, the sitemap and the published files answer
        // machines (see api.rs, reconcile.rs and agenda.rs).
        if route.method != Method::GET
            || route.path.starts_with("/api/")
            || route.path.starts_with("/reconcile")
            || route.path.ends_with(".xml")
            || route.path.starts_with("/donnees-ouvertes/")
        {
            continue;
        }
        let path = crate::isolation::concrete(&app, route.path);
        for lang in ["fr", "en"] {
            let cookie = format!("{}; ensemble_lang={lang}", coordinator.cookie);
            let page = app.get(&path, Some(&cookie)).await;
            assert!(!page.status.is_server_error(), "{path}: {}", page.status);
            assert_translated(&page.body);
            assert!(
                page.body.contains(&format!(r#"<html lang="{lang}">"#)) || page.status.is_redirection(),
                "{path}"
            );
        }
    }
}

/// The rows of the first table of a page.
fn rows(html: &str) -> usize {
    html.split("<tbody>")
        .nth(1)
        .map_or(0, |body| body.split("</tbody>").next().unwrap().matches("<tr>").count())
}

/// The number of results the pager announces.
fn total(html: &str) -> u64 {
    let pager = html.split(r#"class="pager""#).nth(1).unwrap();
    let count = pager.split("<span>").nth(1).unwrap().split(" résultat").next().unwrap();
    count
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn performances_filter_by_season_region_discipline_and_venue() {
    let app = TestApp::new();
    let viewer = app.sign_in(&login("consultation", MEMBER));
    let all = app.get("/representations", Some(&viewer.cookie)).await;
    assert_eq!(all.status, StatusCode::OK);
    assert_translated(&all.body);
    let everything = total(&all.body);
    assert!(everything > 50, "{everything}");
    assert_eq!(rows(&all.body), 50, "one page");
    assert!(all.body.contains(r#"rel="next""#));
    // Québec forms: French month names, 24-hour time with "h".
    assert!(
        [
            "septembre",
            "octobre",
            "novembre",
            "décembre",
            "janvier",
            "février",
            "mars",
            "avril",
            "mai"
        ]
        .iter()
        .any(|month| all.body.contains(month))
    );
    assert!(all.body.contains(" h"));

    let seasons: Vec<u64> = {
        let mut found = Vec::new();
        for year in 2020..2030 {
            let page = app
                .get(&format!("/representations?season={year}"), Some(&viewer.cookie))
                .await;
            let count = total(&page.body);
            if count > 0 {
                found.push(count);
            }
        }
        found
    };
    assert!(seasons.len() >= 2, "{seasons:?}");
    assert_eq!(
        seasons.iter().sum::<u64>(),
        everything,
        "seasons split the performances: {seasons:?}"
    );

    let montreal = total(&app.get("/representations?region=06", Some(&viewer.cookie)).await.body);
    assert!(montreal > 0 && montreal < everything, "{montreal} of {everything}");

    let dance = app.get("/representations?discipline=Danse", Some(&viewer.cookie)).await;
    let theatre = app
        .get("/representations?discipline=Theatre", Some(&viewer.cookie))
        .await;
    assert!(total(&dance.body) + total(&theatre.body) <= everything);
    assert!(total(&dance.body) < everything);

    // The next page's link keeps the filters.
    let filtered = app
        .get("/representations?season=2025&region=06", Some(&viewer.cookie))
        .await;
    if total(&filtered.body) > 50 {
        assert!(
            filtered
                .body
                .contains(r#"href="?season=2025&amp;region=06&amp;page=2" rel="next""#)
        );
    }
    let second = app.get("/representations?page=2", Some(&viewer.cookie)).await;
    assert!(second.body.contains(r#"rel="prev""#));
}

#[tokio::test]
async fn shows_places_and_organisations_are_listed_and_searched() {
    let app = TestApp::new();
    let viewer = app.sign_in(&login("consultation", MEMBER));
    for (path, heading) in [
        ("/spectacles", "Spectacles"),
        ("/lieux", "Lieux et salles"),
        ("/organisations", "Organisations"),
        ("/membres", "Membres du consortium"),
    ] {
        let page = app.get(path, Some(&viewer.cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.body.contains(&format!("<h1>{heading}</h1>")), "{path}");
        assert_translated(&page.body);
    }
    let presenters = app.get("/organisations?role=presenter", Some(&viewer.cookie)).await;
    let all = app.get("/organisations", Some(&viewer.cookie)).await;
    assert!(total(&presenters.body) > 0 && total(&presenters.body) < total(&all.body));
    let searched = app.get("/organisations?q=deux-rivi", Some(&viewer.cookie)).await;
    assert!(searched.body.contains("Diffusion Deux-Rivières"), "{}", searched.body);
    let venues = app.get("/lieux", Some(&viewer.cookie)).await;
    assert!(
        venues.body.contains("places)") || venues.body.contains(" places"),
        "capacities"
    );
}

#[tokio::test]
async fn a_member_home_shows_holdings_quality_and_imports() {
    let app = TestApp::new();
    let admin = app.sign_in(&login("admin", MEMBER));
    let home = app.get("/", Some(&admin.cookie)).await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location(), format!("/membres/{MEMBER}"));
    let page = app.get(home.location(), Some(&admin.cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Diffusion Deux-Rivières"));
    assert!(page.body.contains("Ce que le membre détient"));
    assert!(page.body.contains("Représentation"), "holdings by entity");
    assert!(page.body.contains("Qualité des données"));
    assert!(
        page.body
            .contains(r#"<svg xmlns="http://www.w3.org/2000/svg" role="img""#),
        "chart of performances"
    );
    assert!(page.body.contains("Représentations du membre par mois"));
    assert!(
        !page.body.contains("<td>Lot</td>"),
        "bookkeeping tables are not holdings"
    );
    assert!(
        page.body.contains(&format!(r#"href="/membres/{MEMBER}/importer""#)),
        "admin can import"
    );
    let named = app
        .post(
            &format!("/membres/{MEMBER}/responsable"),
            &format!("csrf={}&title=Direction+g%C3%A9n%C3%A9rale", admin.csrf),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(named.status, StatusCode::SEE_OTHER);
    let viewer = app.sign_in(&login("consultation", MEMBER));
    let page = app.get(&format!("/membres/{MEMBER}"), Some(&viewer.cookie)).await;
    assert!(!page.body.contains("/importer"), "a viewer is not offered the wizard");
    assert!(
        page.body.contains("Direction générale"),
        "the person in charge is shown to all"
    );
}

#[tokio::test]
async fn sign_in_with_a_demo_account_then_sign_out() {
    let app = TestApp::new();
    let form = app.get("/connexion", None).await;
    assert_eq!(form.status, StatusCode::OK);
    let form_cookie = form.set_cookie(ensemble_web::FORM_COOKIE).unwrap();
    assert!(form_cookie.contains("HttpOnly") && form_cookie.contains("SameSite=Lax"));
    assert!(form.body.contains(r#"<label for="password">Mot de passe</label>"#));

    let body = format!(
        "login={}&password={}&csrf=jeton",
        COORDINATOR.replace('@', "%40"),
        ensemble_demo::DEMO_PASSWORD
    );
    let signed = app.post("/connexion", &body, Some("ensemble_form=jeton")).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    let session = signed.set_cookie(ensemble_web::SESSION_COOKIE).unwrap();
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax") && !session.contains("Secure"));
    let token = session.split(';').next().unwrap().to_string();
    let raw = token.split('=').nth(1).unwrap().to_string();
    assert!(
        app.store
            .read(|s| s.session_user(&raw, chrono::Utc::now().fixed_offset()))
            .unwrap()
            .is_none(),
        "only the digest is stored"
    );
    let page = app.get("/membres", Some(&token)).await;
    assert!(page.body.contains("Se déconnecter"), "{}", page.body);
    let csrf = page
        .body
        .split(r#"name="csrf" value=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        app.post("/deconnexion", "csrf=mauvais", Some(&token)).await.status,
        StatusCode::FORBIDDEN
    );
    let out = app.post("/deconnexion", &format!("csrf={csrf}"), Some(&token)).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let after = app.get("/membres", Some(&token)).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert_eq!(after.location(), "/connexion");
}

#[tokio::test]
async fn wrong_passwords_forms_without_token_and_guessing_are_refused() {
    let app = TestApp::new();
    let login = login("admin", MEMBER);
    let body =
        |password: &str, csrf: &str| format!("login={}&password={password}&csrf={csrf}", login.replace('@', "%40"));
    let no_token = app
        .post(
            "/connexion",
            &body(ensemble_demo::DEMO_PASSWORD, "autre"),
            Some("ensemble_form=jeton"),
        )
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    assert!(no_token.body.contains("Le formulaire a expiré"));
    for _ in 0..ensemble_web::THROTTLE_FAILURES {
        let wrong = app
            .post("/connexion", &body("devine", "jeton"), Some("ensemble_form=jeton"))
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(wrong.body.contains("Courriel ou mot de passe incorrect"));
        assert!(
            wrong.body.contains(r#"value="admin@deux-rivieres.example""#),
            "the login is kept"
        );
    }
    let blocked = app
        .post(
            "/connexion",
            &body(ensemble_demo::DEMO_PASSWORD, "jeton"),
            Some("ensemble_form=jeton"),
        )
        .await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(blocked.set_cookie(ensemble_web::SESSION_COOKIE).is_none());
}

#[tokio::test]
async fn a_member_admin_adds_and_disables_a_user_and_the_coordination_admits_a_member() {
    let app = TestApp::new();
    let admin = app.sign_in(&login("admin", MEMBER));
    let path = format!("/membres/{MEMBER}/utilisateurs");
    let created = app
        .post(
            &path,
            &format!(
                "csrf={}&name=Cam%C3%A9lia+Fictive&login=camelia%40deux-rivieres.example&role=member-analyst",
                admin.csrf
            ),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    assert!(created.body.contains("camelia@deux-rivieres.example"));
    let password = created
        .body
        .split(r#"class="secret">"#)
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap();
    let user = app
        .store
        .read(|s| s.user_by_login("camelia@deux-rivieres.example"))
        .unwrap()
        .unwrap();
    assert!(ensemble_privacy::verify_password(password, &user.password_hash));
    assert_eq!(user.role, ensemble_model::Role::MemberAnalyst);

    // An admin cannot create a coordinator.
    let refused = app
        .post(
            &path,
            &format!("csrf={}&name=X&login=x%40y.example&role=coordinator", admin.csrf),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.store.read(|s| s.user_by_login("x@y.example")).unwrap().is_none());

    let disabled = app
        .post(
            &format!("{path}/{}/desactiver", user.id),
            &format!("csrf={}", admin.csrf),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(disabled.status, StatusCode::SEE_OTHER);
    assert!(app.store.read(|s| s.user(user.id)).unwrap().unwrap().disabled);

    let coordinator = app.sign_in(COORDINATOR);
    let admitted = app
        .post(
            "/membres",
            &format!("csrf={}&name=Th%C3%A9%C3%A2tre+Fictif&slug=theatre-fictif&municipality=Rimouski&role=presenter&role=producer", coordinator.csrf),
            Some(&coordinator.cookie),
        )
        .await;
    assert_eq!(admitted.status, StatusCode::SEE_OTHER, "{}", admitted.body);
    assert_eq!(admitted.location(), "/membres/theatre-fictif");
    let page = app.get("/membres/theatre-fictif", Some(&coordinator.cookie)).await;
    assert!(page.body.contains("Théâtre Fictif"));
    let again = app
        .post(
            "/membres",
            &format!("csrf={}&name=Autre&slug=theatre-fictif", coordinator.csrf),
            Some(&coordinator.cookie),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again.body.contains("déjà celui d&#39;un autre membre"),
        "escaped apostrophe"
    );

    // The trail: the coordination sees every entry, a member's admin those about the member.
    let actions: Vec<String> = app
        .store
        .read(|s| s.audit_entries(None, 10))
        .unwrap()
        .into_iter()
        .map(|entry| entry.action)
        .filter(|action| action != "data-access")
        .collect();
    assert_eq!(
        actions,
        vec!["member-admit", "user-disable", "user-create"],
        "newest first"
    );
    // Opening the new member's page asked for a grant of its inventory: recorded, and empty, since
    // the coordination's role reaches no member's private data.
    let access = app
        .store
        .read(|s| s.audit_entries(None, 10))
        .unwrap()
        .into_iter()
        .find(|entry| entry.action == "data-access")
        .unwrap();
    let detail: serde_json::Value = serde_json::from_str(&access.detail).unwrap();
    assert_eq!(detail["detail"], serde_json::json!([]), "{detail}");
    let trail = app.get("/audit", Some(&coordinator.cookie)).await;
    assert_eq!(trail.status, StatusCode::OK);
    assert!(trail.body.contains("Chaîne intacte"), "{}", trail.body);
    assert!(trail.body.contains("création de compte") && trail.body.contains("admission d&#39;un membre"));
    assert_translated(&trail.body);
    let own = app
        .get(&format!("/membres/{MEMBER}/journal"), Some(&admin.cookie))
        .await;
    assert!(own.body.contains("désactivation de compte"));
    assert!(
        !own.body.contains("admission d&#39;un membre"),
        "another member's entries are not shown"
    );
}

#[tokio::test]
async fn guessing_from_one_address_does_not_lock_the_real_person_out() {
    use axum::extract::ConnectInfo;
    let app = TestApp::new();
    let login = login("admin", MEMBER);
    let attempt = |from: [u8; 4], who: &str, password: &str| {
        let body = format!("login={}&password={password}&csrf=jeton", who.replace('@', "%40"));
        let mut request = Request::post("/connexion")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, "ensemble_form=jeton")
            .body(Body::from(body))
            .unwrap();
        let address = std::net::SocketAddr::from((from, 40000));
        request.extensions_mut().insert(ConnectInfo(address));
        app.send(request)
    };
    let attacker = [192, 0, 2, 66];
    for _ in 0..ensemble_web::THROTTLE_FAILURES {
        assert_eq!(
            attempt(attacker, &login, "devine").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let held = attempt(attacker, &login, ensemble_demo::DEMO_PASSWORD).await;
    assert_eq!(held.status, StatusCode::TOO_MANY_REQUESTS, "the guesser waits");
    let real = attempt([198, 51, 100, 7], &login, ensemble_demo::DEMO_PASSWORD).await;
    assert_eq!(
        real.status,
        StatusCode::SEE_OTHER,
        "the real person signs in from elsewhere"
    );
    assert!(real.set_cookie(ensemble_web::SESSION_COOKIE).is_some());

    // An address that tries many logins waits out the window, for every login.
    let sprayer = [203, 0, 113, 9];
    for number in 0..ensemble_web::ADDRESS_FAILURES {
        let who = format!("personne{number}@exemple.test");
        assert_eq!(attempt(sprayer, &who, "devine").await.status, StatusCode::UNAUTHORIZED);
    }
    let other = crate::login("admin", crate::OTHER_MEMBER);
    let sprayed = attempt(sprayer, &other, ensemble_demo::DEMO_PASSWORD).await;
    assert_eq!(sprayed.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        attempt([198, 51, 100, 8], &other, ensemble_demo::DEMO_PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

/// A person changes their own password on the account page (the current one required, the new
/// one typed twice and long enough) and signs in again with it; an administrator gives one of the
/// member's people a new password, shown once, never another member's.
#[tokio::test]
async fn a_person_changes_their_password_and_an_administrator_gives_a_new_one() {
    let app = TestApp::new();
    let analyst = app.sign_in(&login("analyste", MEMBER));
    let page = app.get("/compte", Some(&analyst.cookie)).await;
    assert!(page.body.contains(r#"action="/compte/mot-de-passe""#), "{}", page.body);
    assert!(page.body.contains(r#"autocomplete="new-password""#));
    let change = |current: &str, new: &str, confirm: &str| {
        format!(
            "csrf={}&current={}&new={}&confirm={}",
            analyst.csrf,
            current.replace(' ', "+"),
            new.replace(' ', "+"),
            confirm.replace(' ', "+")
        )
    };
    let fresh = "une nouvelle phrase fictive";
    for (body, message) in [
        (
            change("pas le bon", fresh, fresh),
            "Le mot de passe actuel ne correspond pas",
        ),
        (
            change(ensemble_demo::DEMO_PASSWORD, "court", "court"),
            "au moins 12 caractères",
        ),
        (
            change(ensemble_demo::DEMO_PASSWORD, fresh, "autre chose encore"),
            "diffèrent",
        ),
    ] {
        let refused = app.post("/compte/mot-de-passe", &body, Some(&analyst.cookie)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains(message), "{message}: {}", refused.body);
        assert_translated(&refused.body);
    }
    let changed = app
        .post(
            "/compte/mot-de-passe",
            &change(ensemble_demo::DEMO_PASSWORD, fresh, fresh),
            Some(&analyst.cookie),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK);
    assert!(
        changed.body.contains("Reconnectez-vous avec le nouveau"),
        "{}",
        changed.body
    );
    assert!(
        changed
            .set_cookie(ensemble_web::SESSION_COOKIE)
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(
        app.get("/compte", Some(&analyst.cookie)).await.status,
        StatusCode::SEE_OTHER,
        "the session has ended"
    );
    let sign_in = |password: &str| {
        format!(
            "login={}&password={}&csrf=jeton",
            login("analyste", MEMBER).replace('@', "%40"),
            password.replace(' ', "+")
        )
    };
    let old = app
        .post(
            "/connexion",
            &sign_in(ensemble_demo::DEMO_PASSWORD),
            Some("ensemble_form=jeton"),
        )
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = app
        .post("/connexion", &sign_in(fresh), Some("ensemble_form=jeton"))
        .await;
    assert_eq!(new.status, StatusCode::SEE_OTHER);

    // The member's administrator gives the analyst a new password, shown once.
    let admin = app.sign_in(&login("admin", MEMBER));
    let analyst_id = app
        .store
        .read(|s| s.user_by_login(&login("analyste", MEMBER)))
        .unwrap()
        .unwrap()
        .id;
    let path = format!("/membres/{MEMBER}/utilisateurs/{analyst_id}/mot-de-passe");
    let given = app
        .post(&path, &format!("csrf={}", admin.csrf), Some(&admin.cookie))
        .await;
    assert_eq!(given.status, StatusCode::OK, "{}", given.body);
    assert!(given.body.contains("Nouveau mot de passe donné à"), "{}", given.body);
    let password = given
        .body
        .split(r#"class="secret">"#)
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    let with_given = app
        .post("/connexion", &sign_in(&password), Some("ensemble_form=jeton"))
        .await;
    assert_eq!(with_given.status, StatusCode::SEE_OTHER);
    // Another member's administrator cannot, even through their own member's address.
    let other = app.sign_in(&login("admin", crate::OTHER_MEMBER));
    let foreign = format!(
        "/membres/{}/utilisateurs/{analyst_id}/mot-de-passe",
        crate::OTHER_MEMBER
    );
    let refused = app
        .post(&foreign, &format!("csrf={}", other.csrf), Some(&other.cookie))
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let trail = app.store.read(|s| s.audit_entries(None, 20)).unwrap();
    let actions: Vec<&str> = trail.iter().map(|entry| entry.action.as_str()).collect();
    assert!(
        actions.contains(&"password-change") && actions.contains(&"password-reset"),
        "{actions:?}"
    );
}

/// A consortium just started, without the demo: the landing page says it is starting, and the
/// coordination's members page says what to do first, in both languages; once a member is
/// admitted, the list shows it.
#[tokio::test]
async fn a_consortium_without_members_shows_its_first_steps() {
    let app = TestApp::started();
    let landing = app.get("/", None).await;
    assert!(landing.body.contains("Ce consortium démarre"), "{}", landing.body);
    let coordination = app.sign_in(COORDINATOR);
    let members = app.get("/membres", Some(&coordination.cookie)).await;
    assert_eq!(members.status, StatusCode::OK);
    assert!(members.body.contains("Premiers pas du consortium"), "{}", members.body);
    assert!(
        members.body.contains(r#"action="/membres""#),
        "the form to admit one is there"
    );
    let english = app
        .get("/membres", Some(&format!("{}; ensemble_lang=en", coordination.cookie)))
        .await;
    assert!(
        english.body.contains("The consortium&#39;s first steps"),
        "{}",
        english.body
    );
    assert_translated(&english.body);
    let admitted = app
        .post(
            "/membres",
            &format!(
                "csrf={}&name=Salle+fictive&slug=salle-fictive&municipality=Sherbrooke&role=presenter",
                coordination.csrf
            ),
            Some(&coordination.cookie),
        )
        .await;
    assert!(
        admitted.status.is_redirection() || admitted.status == StatusCode::OK,
        "{}",
        admitted.body
    );
    let members = app.get("/membres", Some(&coordination.cookie)).await;
    assert!(!members.body.contains("Premiers pas du consortium"));
    assert!(members.body.contains("Salle fictive"));
}

/// A member's data maturity: the demo's two assessments in the history, the radar and the
/// consortium's median (the demo's rules ask for two members), in both languages; its
/// administrator answers again and the page shows it; an analyst or another member cannot.
#[tokio::test]
async fn a_member_reads_and_takes_its_maturity_self_assessment() {
    let app = TestApp::new();
    let admin = app.sign_in(&login("admin", MEMBER));
    let path = format!("/membres/{MEMBER}/maturite");
    let page = app.get(&path, Some(&admin.cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_translated(&page.body);
    assert!(page.body.contains("Maturité des données"), "{}", page.body);
    assert!(
        page.body.contains(r#"role="img""#) && page.body.contains("stroke-dasharray"),
        "radar and median"
    );
    assert_eq!(
        page.body.matches("<tr><th scope=\"row\">").count(),
        7 + 2,
        "seven dimensions, two assessments"
    );
    let english = app
        .get(&path, Some(&format!("{}; ensemble_lang=en", admin.cookie)))
        .await;
    assert!(english.body.contains("Data maturity") && english.body.contains("Governance and strategy"));
    assert_translated(&english.body);

    let mut form = format!("csrf={}", admin.csrf);
    for code in [
        "governance",
        "collection",
        "quality",
        "analysis",
        "sharing",
        "skills",
        "ethics",
    ] {
        form.push_str(&format!("&{code}=5"));
    }
    let saved = app.post(&path, &form, Some(&admin.cookie)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = app.get(&path, Some(&admin.cookie)).await;
    assert!(
        page.body.contains("5 : Les données font partie du plan stratégique"),
        "{}",
        page.body
    );
    let incomplete = app
        .post(&path, &format!("csrf={}&governance=3", admin.csrf), Some(&admin.cookie))
        .await;
    assert_eq!(incomplete.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        incomplete.body.contains("L'autoévaluation est incomplète")
            || incomplete.body.contains("L&#39;autoévaluation est incomplète")
    );

    let analyst = app.sign_in(&login("analyste", MEMBER));
    let read = app.get(&path, Some(&analyst.cookie)).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(!read.body.contains(r#"type="radio""#), "only administrators answer");
    let refused = app
        .post(&path, &form.replace(&admin.csrf, &analyst.csrf), Some(&analyst.cookie))
        .await;
    assert!(refused.status.is_client_error(), "{}", refused.status);
    let other = app.sign_in(&login("admin", crate::OTHER_MEMBER));
    assert!(app.get(&path, Some(&other.cookie)).await.status.is_client_error());
}

/// A member's data inventory: what it declares beside what Ensemble measures; its administrator
/// declares an asset and removes it (each in the trail); a bad count is refused with its reason;
/// an analyst reads but cannot change it.
#[tokio::test]
async fn a_member_declares_its_data_beside_what_ensemble_measures() {
    let app = TestApp::new();
    let admin = app.sign_in(&login("admin", MEMBER));
    let path = format!("/membres/{MEMBER}/inventaire");
    let page = app.get(&path, Some(&admin.cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_translated(&page.body);
    assert!(
        page.body.contains("Ventes de billets"),
        "the demo's declared assets: {}",
        page.body
    );
    assert!(page.body.contains("Ce qu&#39;Ensemble mesure") || page.body.contains("Ce qu'Ensemble mesure"));
    assert!(
        page.body.contains("Représentation") && page.body.contains(" %"),
        "measured records with their completeness"
    );

    let form = |categories: &str, records: &str| {
        format!(
            "csrf={}&name=Liste+d%27envoi+fictive{categories}&system=Tableur&owner=Direction+des+communications\
             &format=spreadsheet&quality=partial&personal=1&records={records}&frequency=monthly",
            admin.csrf
        )
    };
    let both = "&category=crm&category=survey";
    let refused = app.post(&path, &form(both, "-4"), Some(&admin.cookie)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("ne peut pas être négatif"), "{}", refused.body);
    let refused = app.post(&path, &form("", "12"), Some(&admin.cookie)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("Cochez au moins une catégorie"),
        "{}",
        refused.body
    );
    let refused = app
        .post(&path, &form("&category=horoscope", "12"), Some(&admin.cookie))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("choisissez le format"), "{}", refused.body);
    let added = app.post(&path, &form(both, "1+200"), Some(&admin.cookie)).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let page = app.get(&path, Some(&admin.cookie)).await;
    assert!(
        page.body.contains("Liste d&#39;envoi fictive") || page.body.contains("Liste d'envoi fictive"),
        "{}",
        page.body
    );
    let asset = app
        .store
        .list_any::<ensemble_model::DataAsset>(&ensemble_store::ListFilter::default())
        .unwrap()
        .into_iter()
        .find(|asset| asset.name == "Liste d'envoi fictive")
        .unwrap();
    assert_eq!((asset.record_count, asset.contains_personal_data), (Some(1200), true));
    assert_eq!(
        asset.categories,
        vec![ensemble_model::DataCategory::Crm, ensemble_model::DataCategory::Survey]
    );
    assert_eq!(asset.owner.as_deref(), Some("Direction des communications"));
    assert_eq!(
        (asset.format, asset.quality),
        (
            ensemble_model::DataFormat::Spreadsheet,
            ensemble_model::DeclaredQuality::Partial
        )
    );
    assert!(
        page.body.contains("Relations avec les publics, Sondages") && page.body.contains("Partielle"),
        "categories and quality listed: {}",
        page.body
    );

    let analyst = app.sign_in(&login("analyste", MEMBER));
    let read = app.get(&path, Some(&analyst.cookie)).await;
    assert!(
        read.body.contains("Liste d") && !read.body.contains("/retirer"),
        "analysts read only"
    );
    let removal = format!("{path}/{}/retirer", asset.id.0);
    assert!(
        app.post(&removal, &format!("csrf={}", analyst.csrf), Some(&analyst.cookie))
            .await
            .status
            .is_client_error()
    );
    let removed = app
        .post(&removal, &format!("csrf={}", admin.csrf), Some(&admin.cookie))
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert!(
        app.store
            .get_any::<ensemble_model::DataAsset>(asset.id.0)
            .unwrap()
            .is_none()
    );
    let trail = app.store.read(|s| s.audit_entries(None, 10)).unwrap();
    assert_eq!(
        trail.iter().filter(|entry| entry.action == "inventory-change").count(),
        2
    );
}

/// A member's value chain: its administrator describes a link and notes exchanges with another
/// member and with a partner outside; the member's page and the consortium's flow show them, in
/// both languages; a bad exchange is refused with its reason; a viewer reads but cannot change it.
#[tokio::test]
async fn a_member_describes_its_value_chain_and_the_consortium_sees_the_flow() {
    let app = TestApp::new();
    let admin = app.sign_in(&login("admin", MEMBER));
    let path = format!("/membres/{MEMBER}/chaine");
    let described = app
        .post(
            &path,
            &format!(
                "csrf={}&activity=ticketing&issues=Exports+refaits+%C3%A0+la+main&data=Ventes+par+repr%C3%A9sentation&systems=Logiciel+de+billetterie",
                admin.csrf
            ),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(described.status, StatusCode::SEE_OTHER, "{}", described.body);
    let exchange = |to: &str, partner: &str| {
        format!(
            "csrf={}&what=Redditions+de+comptes&how=spreadsheet&to={to}&partner={partner}",
            admin.csrf
        )
    };
    assert_eq!(
        app.post(
            &format!("{path}/echanges"),
            &exchange(crate::OTHER_MEMBER, ""),
            Some(&admin.cookie)
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.post(
            &format!("{path}/echanges"),
            &exchange("", "Conseil+fictif"),
            Some(&admin.cookie)
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let both = app
        .post(
            &format!("{path}/echanges"),
            &exchange(crate::OTHER_MEMBER, "Conseil+fictif"),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(both.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(both.body.contains("pas les deux"), "{}", both.body);

    let page = app.get(&path, Some(&admin.cookie)).await;
    assert_translated(&page.body);
    assert!(
        page.body.contains("Exports refaits à la main") && page.body.contains("Conseil fictif"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(r#"role="img""#) && page.body.contains("marker-end"),
        "the flow is drawn"
    );
    let viewer = app.sign_in(&login("consultation", MEMBER));
    let consortium = app.get("/chaine", Some(&viewer.cookie)).await;
    assert_eq!(consortium.status, StatusCode::OK);
    assert!(consortium.body.contains("Partenaires externes") && consortium.body.contains("Redditions de comptes"));
    let english = app
        .get("/chaine", Some(&format!("{}; ensemble_lang=en", viewer.cookie)))
        .await;
    assert!(english.body.contains("Value chain") && english.body.contains("Outside partners"));
    assert_translated(&english.body);
    assert!(
        app.post(
            &format!("{path}/echanges"),
            &exchange("", "X").replace(&admin.csrf, &viewer.csrf),
            Some(&viewer.cookie)
        )
        .await
        .status
        .is_client_error()
    );
    let trail = app.store.read(|s| s.audit_entries(None, 10)).unwrap();
    assert_eq!(
        trail
            .iter()
            .filter(|entry| entry.action == "value-chain-change")
            .count(),
        3
    );
}

/// The primer for members who are not data people: public, in both languages, every link of the
/// chain with what pooling brings and the feature that serves it, and the points to check.
#[tokio::test]
async fn the_primer_explains_pooling_in_plain_words_in_both_languages() {
    let app = TestApp::new();
    let page = app.get("/guide", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_translated(&page.body);
    assert!(page.body.contains("Les données, simplement"));
    assert_eq!(
        page.body.matches("<tr><th scope=\"row\">").count(),
        7,
        "the seven links"
    );
    assert!(page.body.contains("Loi 25"));
    let english = app.get("/guide", Some("ensemble_lang=en")).await;
    assert!(english.body.contains("Data, simply") && english.body.contains("Law 25"));
    assert_translated(&english.body);
    assert!(
        app.get("/", None).await.body.contains(r#"href="/guide""#),
        "linked from the landing page"
    );
}

/// The diagnostic's workshop: a member's administrator writes a problem, another member says it
/// meets it too (it becomes common), a solution is proposed and scored by both, and the priority
/// matrix places it at the means; a viewer reads but writes nothing; an empty title is refused.
#[tokio::test]
async fn members_turn_shared_problems_into_scored_solutions() {
    let app = TestApp::new();
    let first = app.sign_in(&login("admin", MEMBER));
    let second = app.sign_in(&login("admin", crate::OTHER_MEMBER));
    let app = &app;
    let post = |person: &crate::Person, body: String| {
        let cookie = person.cookie.clone();
        let body = format!("csrf={}&{body}", person.csrf);
        async move { app.post("/atelier", &body, Some(&cookie)).await }
    };
    let written = post(
        &first,
        "action=problem&title=Les+redditions+arrivent+en+retard".to_string(),
    )
    .await;
    assert_eq!(written.status, StatusCode::SEE_OTHER, "{}", written.body);
    let page = app.get("/atelier", Some(&first.cookie)).await;
    assert!(page.body.contains("Rencontré par un membre"), "{}", page.body);
    let problem = app.store.read(|s| s.problems()).unwrap().last().unwrap().id;
    assert_eq!(
        post(&second, format!("action=share&problem={problem}&meets=yes"))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post(
            &first,
            format!("action=solution&problem={problem}&title=Saisir+les+redditions+une+fois")
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let solution = app.store.read(|s| s.solutions()).unwrap().last().unwrap().id;
    post(
        &first,
        format!("action=score&solution={solution}&value=5&feasibility=4"),
    )
    .await;
    post(
        &second,
        format!("action=score&solution={solution}&value=4&feasibility=2"),
    )
    .await;
    let page = app.get("/atelier", Some(&first.cookie)).await;
    assert_translated(&page.body);
    assert!(page.body.contains("Problème commun"), "{}", page.body);
    assert!(
        page.body
            .contains("<td class=\"n\">4,5</td><td class=\"n\">3,0</td><td class=\"n\">2</td>"),
        "means: {}",
        page.body
    );
    assert!(page.body.contains("<circle"), "the matrix");
    let refused = post(&first, "action=problem&title=".to_string()).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad_score = post(
        &first,
        format!("action=score&solution={solution}&value=9&feasibility=1"),
    )
    .await;
    assert_eq!(bad_score.status, StatusCode::UNPROCESSABLE_ENTITY);

    let viewer = app.sign_in(&login("consultation", MEMBER));
    let read = app.get("/atelier", Some(&viewer.cookie)).await;
    assert!(read.body.contains("Saisir les redditions une fois") && !read.body.contains("name=\"action\""));
    assert!(
        post(&viewer, "action=problem&title=X".to_string())
            .await
            .status
            .is_client_error()
    );
    let english = app
        .get("/atelier", Some(&format!("{}; ensemble_lang=en", viewer.cookie)))
        .await;
    assert!(english.body.contains("From issues to solutions") && english.body.contains("Common problem"));
    let trail = app.store.read(|s| s.audit_entries(None, 20)).unwrap();
    assert_eq!(
        trail.iter().filter(|entry| entry.action == "workshop-change").count(),
        5
    );
}

/// A solution written out as a use case: an administrator of a member that meets the problem
/// writes the canvas; "data available" is computed from what members hold (the demo presenter
/// holds performances); another member's administrator, who does not meet the problem, cannot
/// write it; an unknown entity is refused.
#[tokio::test]
async fn a_use_case_canvas_shows_the_data_available_from_the_inventories() {
    let app = TestApp::new();
    let admin = app.sign_in(&login("admin", MEMBER));
    let post = |path: &str, body: String| {
        let (path, cookie) = (path.to_string(), admin.cookie.clone());
        let body = format!("csrf={}&{body}", admin.csrf);
        let app = &app;
        async move { app.post(&path, &body, Some(&cookie)).await }
    };
    post(
        "/atelier",
        "action=problem&title=Les+tourn%C3%A9es+co%C3%BBtent+trop".to_string(),
    )
    .await;
    let problem = app.store.read(|s| s.problems()).unwrap().last().unwrap().id;
    post(
        "/atelier",
        format!("action=solution&problem={problem}&title=Planifier+ensemble"),
    )
    .await;
    let solution = app.store.read(|s| s.solutions()).unwrap().last().unwrap().id;
    let path = format!("/atelier/solutions/{solution}");
    let canvas = "users=Les+agences&decision=Quels+diffuseurs+approcher&data=Performance&data=Hall&pooling=Calendriers+partag%C3%A9s&agreement=1&status=pilot&feature=tour-planning";
    let written = post(&path, canvas.to_string()).await;
    assert_eq!(written.status, StatusCode::SEE_OTHER, "{}", written.body);
    let page = app.get(&path, Some(&admin.cookie)).await;
    assert_translated(&page.body);
    assert!(
        page.body.contains("Projet pilote") && page.body.contains("Planification de tournée"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Données disponibles"));
    let holders = page.body.split("id=\"disponibles\"").nth(1).unwrap();
    assert!(
        holders.contains("Diffusion Deux-Rivières : ") && holders.contains("enregistrements dans Ensemble ("),
        "who holds performances, how many and how complete: {holders}"
    );
    assert!(
        holders.contains("qualité déclarée : Fiable"),
        "the quality its inventory declares: {holders}"
    );
    let refused = post(&path, canvas.replace("data=Hall", "data=Inconnue")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let other = app.sign_in(&login("admin", crate::OTHER_MEMBER));
    let foreign = app
        .post(&path, &format!("csrf={}&{canvas}", other.csrf), Some(&other.cookie))
        .await;
    assert!(foreign.status.is_client_error(), "{}", foreign.status);
    let english = app
        .get(&path, Some(&format!("{}; ensemble_lang=en", admin.cookie)))
        .await;
    assert!(english.body.contains("Data available") && english.body.contains("Pilot"));
    assert_eq!(
        app.get("/atelier/solutions/999", Some(&admin.cookie)).await.status,
        StatusCode::NOT_FOUND
    );
}
