//! Tour planning in the portal: the demo agency plans one of its shows and reads three routes,
//! a timeline and a map, the calendar and the ranking; its downloads hold the route's dates; a
//! hall's report gives a verdict per requirement; releasing a hold moves the next one up and is
//! audited; another member cannot plan the agency's show.

use axum::http::{StatusCode, header};
use chrono::NaiveDate;
use ensemble_model::{Engagement, EngagementStatus, Member, Show};
use ensemble_store::ListFilter;

use crate::{TestApp, assert_translated, login};

const AGENCY: &str = "clair-de-scene";
const FROM: &str = "2027-01-10";
const TO: &str = "2027-03-20";

/// The agency's show with the most live engagements between the dates.
fn busiest(app: &TestApp) -> (Member, Show) {
    app.store
        .read(|s| {
            let member = s.member_by_slug(AGENCY)?.unwrap();
            let engagements: Vec<Engagement> = s.list_any(&ListFilter {
                member_id: Some(member.id),
                ..ListFilter::default()
            })?;
            let (from, to) = (FROM.parse::<NaiveDate>().unwrap(), TO.parse::<NaiveDate>().unwrap());
            let show = s
                .list::<Show>(&ListFilter::default())?
                .into_iter()
                .filter(|show| show.agency_id == Some(member.organization_id))
                .max_by_key(|show| {
                    engagements
                        .iter()
                        .filter(|e| e.show_id == show.id && e.status != EngagementStatus::Cancelled)
                        .filter(|e| e.performance_date >= from && e.performance_date <= to)
                        .count()
                })
                .unwrap();
            Ok((member, show))
        })
        .unwrap()
}

#[tokio::test]
async fn the_agency_plans_a_tour_and_downloads_its_dates() {
    let app = TestApp::new();
    let (_, show) = busiest(&app);
    let analyst = app.sign_in(&login("analyste", AGENCY));
    let empty = app
        .get(&format!("/membres/{AGENCY}/tournees"), Some(&analyst.cookie))
        .await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains(&show.title_fr), "the agency's shows are offered");
    assert!(!empty.body.contains("<svg"), "nothing planned before asking");

    let base = format!("/membres/{AGENCY}/tournees?spectacle={}&du={FROM}&au={TO}", show.slug);
    let page = app.get(&base, Some(&analyst.cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_translated(&page.body);
    for words in [
        "Meilleur revenu net",
        "Le plus de représentations",
        "Moins de kilomètres et de CO2",
        "Calendrier du spectacle",
        "Diffuseurs classés",
        "DESNZ",
    ] {
        assert!(page.body.contains(words), "{words}");
    }
    assert_eq!(page.body.matches("<svg").count(), 2, "a timeline and a map");
    assert!(page.body.contains(r#"id="timeline-title""#) && page.body.contains(r#"id="map-title""#));

    let route = format!("{base}&itineraire=least-carbon");
    let csv = app.get(&format!("{route}&format=csv"), Some(&analyst.cookie)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let rows = csv.body.lines().count() - 1;
    let ics = app.get(&format!("{route}&format=ics"), Some(&analyst.cookie)).await;
    assert!(ics.body.starts_with("BEGIN:VCALENDAR"));
    assert_eq!(ics.body.matches("BEGIN:VEVENT").count(), rows, "one event per date");
    let json = app.get(&format!("{route}&format=json"), Some(&analyst.cookie)).await;
    let plan: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    let least = plan["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "least-carbon")
        .unwrap();
    assert_eq!(least["stops"].as_array().unwrap().len(), rows);

    // The route's carbon on one page: its total is the plan's, its factors cite their source.
    let carbon = app.get(&format!("{route}&format=carbone"), Some(&analyst.cookie)).await;
    assert_eq!(carbon.status, StatusCode::OK);
    assert_translated(&carbon.body);
    let total = ensemble_i18n::format::integer(
        ensemble_i18n::Lang::Fr,
        least["co2_kg"].as_f64().unwrap().round() as i64,
    );
    assert!(
        carbon.body.contains(&format!("<strong>{total} kg</strong>")),
        "total {total}"
    );
    assert_eq!(
        carbon.body.matches("DESNZ 2025 — ").count(),
        6,
        "six factors, each with its source line"
    );
    assert!(
        carbon
            .body
            .contains("Les mêmes étapes si les personnes voyageaient autrement")
    );

    // The hall report of the best-ranked presenter: a verdict per requirement of the rider.
    let hall = page
        .body
        .split(r#"href="/membres/clair-de-scene/tournees/salle?"#)
        .nth(1)
        .unwrap();
    let link = format!(
        "/membres/{AGENCY}/tournees/salle?{}",
        hall.split('"')
            .next()
            .unwrap()
            .replace("&amp;", "&")
            .replace("&#38;", "&")
    );
    let report = app.get(&link, Some(&analyst.cookie)).await;
    assert_eq!(report.status, StatusCode::OK, "{link}");
    let requirements = show.rider.iter().filter(|r| r.item.is_some()).count();
    assert!(requirements > 0);
    let verdicts = report.body.matches(r#"<td><span class="verdict-"#).count();
    assert!(
        verdicts >= requirements && verdicts % requirements == 0,
        "{verdicts} verdicts"
    );

    // In English.
    let english = format!("{}; ensemble_lang=en", analyst.cookie);
    let english = app.get(&base, Some(&english)).await;
    assert_translated(&english.body);
    assert!(english.body.contains(r#"<html lang="en">"#) && english.body.contains("Best net income"));
}

/// The days of a route's stops, in order.
fn stop_days(scenario: &serde_json::Value) -> Vec<NaiveDate> {
    scenario["stops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|stop| stop["date"].as_str().unwrap().parse().unwrap())
        .collect()
}

#[tokio::test]
async fn the_plan_settings_change_the_plan_and_follow_its_links() {
    let app = TestApp::new();
    let (_, show) = busiest(&app);
    let analyst = app.sign_in(&login("analyste", AGENCY));
    let base = format!("/membres/{AGENCY}/tournees?spectacle={}&du={FROM}&au={TO}", show.slug);
    let settings = "&cachet=9+000&personnes=12&personnes-par=coach&decor-par=truck&km-jour=400&affilee=2";
    let page = app.get(&format!("{base}{settings}"), Some(&analyst.cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_translated(&page.body);
    for words in [
        "12 personnes en autocar, décor en camion",
        "Au plus 2 représentations de suite, puis relâche",
        "une étape de plus de 400 km",
        "<details open>",
        r#"value="9 000""#,
    ] {
        assert!(page.body.contains(words), "{words}");
    }
    // The other routes and the downloads keep the settings.
    assert!(
        page.body
            .contains("&amp;personnes=12&amp;personnes-par=coach&amp;decor-par=truck&amp;km-jour=400&amp;affilee=2&amp;itineraire=least-carbon")
            || page.body.contains("&#38;personnes=12&#38;personnes-par=coach"),
        "links carry the settings"
    );
    let json = app
        .get(&format!("{base}{settings}&format=json"), Some(&analyst.cookie))
        .await;
    let plan: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(plan["fee"], 900_000, "the fee typed, in cents");
    assert_eq!(plan["transport"]["people"], 12);
    assert_eq!(plan["transport"]["people_by"], "coach");
    assert_eq!(plan["transport"]["freight_by"], "truck");
    for scenario in plan["scenarios"].as_array().unwrap() {
        let days = stop_days(scenario);
        assert!(
            days.windows(3).all(|three| (three[2] - three[0]).num_days() > 2),
            "never three shows on three days in a row: {days:?}"
        );
        assert!(
            scenario["stops"]
                .as_array()
                .unwrap()
                .iter()
                .all(|stop| stop["fee"] == 900_000 || stop["kind"] != "proposed")
        );
    }
    let carbon = app
        .get(&format!("{base}{settings}&format=carbone"), Some(&analyst.cookie))
        .await;
    assert!(carbon.body.contains("12 personnes en autocar, décor en camion"));

    // Without settings, the defaults: four people in vans, five shows in a row.
    let plain = app.get(&format!("{base}&format=json"), Some(&analyst.cookie)).await;
    let plain: serde_json::Value = serde_json::from_str(&plain.body).unwrap();
    assert_eq!(plain["transport"]["people"], 4);
    assert_ne!(plain["fee"], 900_000);

    // Bad settings are named with what they take; an unknown town is explained in the portal's words.
    for (bad, words) in [
        ("&affilee=0", "Représentations de suite au plus avant une relâche"),
        ("&personnes-par=bateau", "Déplacement des personnes"),
        ("&cachet=beaucoup", "un montant entier en dollars"),
        ("&depart=Atlantide", "« Atlantide » n&#39;a pas de coordonnées connues"),
    ] {
        let refused = app.get(&format!("{base}{bad}"), Some(&analyst.cookie)).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(refused.body.contains(words), "{bad}: {}", refused.body);
        assert!(
            !refused.body.contains("--"),
            "no command-line option in the portal: {bad}"
        );
        assert!(!refused.body.contains("<svg"));
    }
    let english = format!("{}; ensemble_lang=en", analyst.cookie);
    let english = app.get(&format!("{base}&affilee=99"), Some(&english)).await;
    assert!(english.body.contains("a number from 1 to 14"), "{}", english.body);
}

/// Sends the availability form; it must be saved.
async fn record(app: &TestApp, cookie: &str, form: &str) {
    let saved = app
        .post(
            &format!("/membres/{AGENCY}/tournees/disponibilites"),
            form,
            Some(cookie),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
}

/// No route of the plan proposes a new date between the two days.
fn assert_nothing_proposed(plan: &serde_json::Value, from: &str, to: &str) {
    for scenario in plan["scenarios"].as_array().unwrap() {
        for stop in scenario["stops"].as_array().unwrap() {
            let day = stop["date"].as_str().unwrap();
            assert!(
                stop["kind"] != "proposed" || !(from..=to).contains(&day),
                "proposed on blocked {day}"
            );
        }
    }
}

#[tokio::test]
async fn another_member_cannot_plan_the_agencys_show_and_bad_dates_are_explained() {
    let app = TestApp::new();
    let (_, show) = busiest(&app);
    let other = app.sign_in(&login("analyste", "deux-rivieres"));
    let refused = app
        .get(
            &format!(
                "/membres/deux-rivieres/tournees?spectacle={}&du={FROM}&au={TO}",
                show.slug
            ),
            Some(&other.cookie),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("ne représente ni ne produit"), "{}", refused.body);
    assert!(!refused.body.contains("<svg"));
    let agency_page = app
        .get(
            &format!("/membres/{AGENCY}/tournees?spectacle={}", show.slug),
            Some(&other.cookie),
        )
        .await;
    assert_eq!(agency_page.status, StatusCode::FORBIDDEN);

    let analyst = app.sign_in(&login("analyste", AGENCY));
    let bad = app
        .get(
            &format!("/membres/{AGENCY}/tournees?spectacle={}&du=demain&au={TO}", show.slug),
            Some(&analyst.cookie),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("AAAA-MM-JJ"));
}

#[tokio::test]
async fn releasing_a_hold_moves_the_next_one_up_and_is_audited() {
    let app = TestApp::new();
    let (member, show) = busiest(&app);
    // A hold of the agency, and a second hold behind it on the same date at the same presenter.
    let (first, second) = app
        .store
        .write(|s| {
            let mine: Vec<Engagement> = s.list_any(&ListFilter {
                member_id: Some(member.id),
                ..ListFilter::default()
            })?;
            let mut hold = mine
                .iter()
                .find(|e| e.status == EngagementStatus::Hold && e.show_id == show.id)
                .or_else(|| mine.iter().find(|e| e.status == EngagementStatus::Hold))
                .cloned()
                .unwrap();
            hold.hold_level = Some(1);
            s.update(&hold)?;
            let behind = Engagement {
                id: ensemble_model::EngagementId(s.next_id::<Engagement>()?),
                hold_level: Some(2),
                ..hold.clone()
            };
            s.insert(std::slice::from_ref(&behind))?;
            Ok::<_, ensemble_store::StoreError>((hold.id.0, behind.id.0))
        })
        .unwrap();
    let path = format!("/membres/{AGENCY}/tournees/options/{first}/liberer");
    let analyst = app.sign_in(&login("analyste", AGENCY));
    let refused = app
        .post(&path, &format!("csrf={}", analyst.csrf), Some(&analyst.cookie))
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "an analyst does not release holds"
    );

    let admin = app.sign_in(&login("admin", AGENCY));
    let done = app
        .post(&path, &format!("csrf={}", admin.csrf), Some(&admin.cookie))
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let (released, promoted, audited) = app
        .store
        .read(|s| {
            Ok((
                s.get_any::<Engagement>(first)?.unwrap(),
                s.get_any::<Engagement>(second)?.unwrap(),
                s.audit_actions(member.id, ensemble_store::AuditAction::HoldReleased, 10)?
                    .len(),
            ))
        })
        .unwrap();
    assert_eq!(released.status, EngagementStatus::Cancelled);
    assert_eq!(promoted.hold_level, Some(1), "the second hold is now first");
    assert_eq!(audited, 1);

    // A cancelled engagement is no hold: nothing to release.
    let again = app
        .post(&path, &format!("csrf={}", admin.csrf), Some(&admin.cookie))
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_hold_taken_on_a_proposed_date_blocked_dates_and_a_closure_change_the_next_plan() {
    let app = TestApp::new();
    let (member, show) = busiest(&app);
    let admin = app.sign_in(&login("admin", AGENCY));
    let base = format!("/membres/{AGENCY}/tournees?spectacle={}&du={FROM}&au={TO}", show.slug);
    let plan = |body: &str| -> serde_json::Value { serde_json::from_str(body).unwrap() };
    let before = plan(&app.get(&format!("{base}&format=json"), Some(&admin.cookie)).await.body);
    let best = &before["scenarios"][0];
    let proposed = best["stops"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "proposed")
        .unwrap()
        .clone();
    let (presenter, date) = (
        proposed["presenter"].as_i64().unwrap(),
        proposed["date"].as_str().unwrap().to_string(),
    );

    // The page offers the hold on that date; taking it makes a first-level hold, audited.
    let page = app.get(&base, Some(&admin.cookie)).await;
    assert!(page.body.contains(&format!(r#"name="date" value="{date}""#)));
    let form = format!(
        "csrf={}&spectacle={}&diffuseur={presenter}&date={date}&cachet={}",
        admin.csrf,
        show.slug,
        proposed["fee"].as_i64().unwrap()
    );
    let taken = app
        .post(
            &format!("/membres/{AGENCY}/tournees/options"),
            &form,
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
    let holds: Vec<Engagement> = app
        .store
        .read(|s| {
            s.list_any(&ListFilter {
                member_id: Some(member.id),
                ..ListFilter::default()
            })
        })
        .unwrap();
    let hold = holds
        .iter()
        .find(|e| e.presenter_id.0 == presenter && e.performance_date.to_string() == date && e.show_id == show.id)
        .expect("the hold");
    assert_eq!((hold.status, hold.hold_level), (EngagementStatus::Hold, Some(1)));
    let audited = app
        .store
        .read(|s| s.audit_actions(member.id, ensemble_store::AuditAction::HoldTaken, 10))
        .unwrap();
    assert_eq!(audited.len(), 1);
    // The next plan keeps it as a hold on its date.
    let after = plan(&app.get(&format!("{base}&format=json"), Some(&admin.cookie)).await.body);
    let kept = after["scenarios"][0]["stops"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["kind"] == "hold" && s["presenter"] == presenter && s["date"] == date.as_str());
    assert!(kept, "the hold is in the next plan on its date");

    // Blocking a week: no new date is proposed in it.
    let form = format!(
        "csrf={}&spectacle={}&du=2027-02-08&au=2027-02-14&note=R%C3%A9sidence",
        admin.csrf, show.slug
    );
    record(&app, &admin.cookie, &form).await;
    let after = plan(&app.get(&format!("{base}&format=json"), Some(&admin.cookie)).await.body);
    assert_nothing_proposed(&after, "2027-02-08", "2027-02-14");
    let calendar = after["calendar"].as_array().unwrap();
    assert!(
        calendar
            .iter()
            .any(|m| m["kind"] == "blocked" && m["label"] == "Résidence")
    );
    // The producing company's blocked week: it shuts this show too, under the company's name.
    let company = app
        .store
        .read(|s| s.get::<ensemble_model::Organization>(show.producer_ids[0].0))
        .unwrap()
        .unwrap();
    let form = format!(
        "csrf={}&spectacle={}&genre=company-blocked&du=2027-03-01&au=2027-03-07",
        admin.csrf, show.slug
    );
    record(&app, &admin.cookie, &form).await;
    let after = plan(&app.get(&format!("{base}&format=json"), Some(&admin.cookie)).await.body);
    assert_nothing_proposed(&after, "2027-03-01", "2027-03-07");
    assert!(
        after["calendar"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["kind"] == "blocked" && m["label"] == company.name.as_str() && m["from"] == "2027-03-01"),
        "the company's week is on the calendar"
    );

    // A presenter closed for the whole period: it is proposed on no date any more.
    let closed = after["scenarios"][0]["stops"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "proposed")
        .unwrap()["presenter"]
        .as_i64()
        .unwrap();
    let form = format!(
        "csrf={}&spectacle={}&genre=blackout&diffuseur={closed}&du={FROM}&au={TO}",
        admin.csrf, show.slug
    );
    record(&app, &admin.cookie, &form).await;
    let after = plan(&app.get(&format!("{base}&format=json"), Some(&admin.cookie)).await.body);
    for scenario in after["scenarios"].as_array().unwrap() {
        assert!(
            scenario["stops"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["presenter"] != closed || s["kind"] != "proposed"),
            "a closed presenter is not proposed"
        );
    }
    // Backwards dates, and a closure without its presenter, are refused.
    for form in [
        format!(
            "csrf={}&spectacle={}&du=2027-02-14&au=2027-02-08",
            admin.csrf, show.slug
        ),
        format!(
            "csrf={}&spectacle={}&genre=blackout&du={FROM}&au={TO}",
            admin.csrf, show.slug
        ),
    ] {
        let refused = app
            .post(
                &format!("/membres/{AGENCY}/tournees/disponibilites"),
                &form,
                Some(&admin.cookie),
            )
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    }
}
