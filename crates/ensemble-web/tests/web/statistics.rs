//! Pooled statistics against differencing: every member (and the coordination) gets the same
//! release; asking again after one person withdrew or one member joined the pool changes
//! nothing; and every figure shown, recomputed here from the raw ticket lines, counts at least k
//! people, enough members, and at least k people that any one contributing member does not
//! already know.

use std::collections::{BTreeSet, HashMap};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Datelike;
use ensemble_model::{
    Dataset, MemberId, Performance, Purpose, SharingAgreement, SharingAgreementId, SharingLevel, Show, TicketSale,
    vocab,
};
use ensemble_store::ListFilter;
use serde_json::Value;

use crate::{COORDINATOR, MEMBER, OTHER_MEMBER, TestApp, login};

/// What the raw lines of one cell count: tickets, and each buyer with the members they bought from.
#[derive(Default)]
struct Raw {
    tickets: u64,
    members: BTreeSet<i64>,
    buyers: HashMap<String, BTreeSet<i64>>,
}

/// The raw cells of every month: (month, discipline row code, channel code) -> what they count,
/// without the people who refused or withdrew their consent to pooled statistics.
fn raw_cells(app: &TestApp) -> HashMap<(String, String, String), Raw> {
    let (lines, performances, shows, left_out) = app
        .store
        .read(|s| {
            Ok((
                s.list_any::<TicketSale>(&ListFilter::default())?,
                s.list_any::<Performance>(&ListFilter::default())?,
                s.list_any::<Show>(&ListFilter::default())?,
                s.left_out_of_pooling(Purpose::PooledStatistics, chrono::Utc::now().fixed_offset())?,
            ))
        })
        .unwrap();
    assert!(!left_out.is_empty(), "the demo has people who withdrew");
    let disciplines = vocab::vocabulary("disciplines-asq").unwrap();
    let show_row: HashMap<i64, String> = shows
        .iter()
        .map(|show| {
            let row = show
                .disciplines
                .first()
                .and_then(|code| disciplines.top_of(code.as_str()))
                .map_or("autre".to_string(), |term| term.code.clone());
            (show.id.0, row)
        })
        .collect();
    let performance_of: HashMap<i64, (String, String)> = performances
        .iter()
        .map(|p| {
            let local = p.starts_at.with_timezone(&chrono_tz::America::Toronto);
            let month = format!("{:04}-{:02}", local.year(), local.month());
            (p.id.0, (month, show_row[&p.show_id.0].clone()))
        })
        .collect();
    let mut cells: HashMap<(String, String, String), Raw> = HashMap::new();
    for line in lines {
        if line.buyer_key.as_ref().is_some_and(|buyer| left_out.contains(&buyer.0)) {
            continue;
        }
        let (month, row) = performance_of[&line.performance_id.0].clone();
        let member = line.provenance.member_id.unwrap().0;
        let raw = cells.entry((month, row, line.channel.code().to_string())).or_default();
        raw.tickets += u64::from(line.quantity);
        raw.members.insert(member);
        if let Some(buyer) = &line.buyer_key {
            raw.buyers.entry(buyer.0.clone()).or_default().insert(member);
        }
    }
    cells
}

async fn api(app: &TestApp, path: &str, token: &str) -> (StatusCode, Value) {
    let request = Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let reply = app.send(request).await;
    (reply.status, serde_json::from_str(&reply.body).unwrap())
}

async fn token_of(app: &TestApp, member: &str) -> String {
    app.new_token(&app.sign_in(&login("consultation", member)), "statistiques")
        .await
}

#[tokio::test]
async fn pooled_figures_are_the_same_for_all_never_change_once_released_and_expose_nobody() {
    let app = TestApp::new();
    let raw = raw_cells(&app);
    // The month with the most cells that several members sell in, then the most tickets.
    let mut months: HashMap<String, (usize, u64)> = HashMap::new();
    for ((month, _, _), cell) in &raw {
        let entry = months.entry(month.clone()).or_default();
        entry.0 += usize::from(cell.members.len() > 1);
        entry.1 += cell.tickets;
    }
    let (month, _) = months
        .iter()
        .max_by_key(|(month, counts)| (**counts, (*month).clone()))
        .unwrap();
    let month = month.clone();

    let mine = token_of(&app, MEMBER).await;
    let theirs = token_of(&app, OTHER_MEMBER).await;
    let path = format!("/api/v1/statistics/ticket-sales?month={month}");
    let (status, released) = api(&app, &path, &mine).await;
    assert_eq!(status, StatusCode::OK, "{released}");
    let (_, seen_by_other) = api(&app, &path, &theirs).await;
    assert_eq!(released, seen_by_other, "every member sees the same release");

    // Every figure shown, checked against the raw lines; at least one is shown and one hidden.
    let rules = &released["rules"];
    let k = rules["min_people"].as_u64().unwrap();
    let min_members = rules["min_members"].as_u64().unwrap() as usize;
    assert_eq!((k, min_members), (10, 2), "the demo consortium's rules");
    let pool = released["pool_members"].as_u64().unwrap();
    assert_eq!(
        pool, 3,
        "the three members selling tickets share them for pooled statistics"
    );
    let rows: Vec<String> = serde_json::from_value(released["rows"].clone()).unwrap();
    let columns: Vec<String> = serde_json::from_value(released["columns"].clone()).unwrap();
    let (mut shown, mut hidden) = (0, 0);
    for (r, row) in rows.iter().enumerate() {
        for (c, column) in columns.iter().enumerate() {
            let figure = &released["figures"]["cells"][r][c];
            let Some(cell) = raw.get(&(month.clone(), row.clone(), column.clone())) else {
                assert_eq!(figure["shown"], 0, "{row} {column}: nothing sold");
                continue;
            };
            match figure["shown"].as_u64() {
                Some(value) => {
                    shown += 1;
                    assert_eq!(value, cell.tickets, "{row} {column}");
                    assert!(cell.buyers.len() as u64 >= k, "{row} {column}: k people");
                    assert!(cell.members.len() >= min_members, "{row} {column}: members");
                    for member in &cell.members {
                        let unknown_to_it = cell
                            .buyers
                            .values()
                            .filter(|sellers| sellers.iter().any(|seller| seller != member))
                            .count() as u64;
                        assert!(
                            unknown_to_it >= k,
                            "{row} {column}: member {member} would see too few others"
                        );
                    }
                }
                None => hidden += 1,
            }
        }
    }
    assert!(shown > 0 && hidden > 0, "shown {shown}, hidden {hidden}");

    // One person withdraws their consent, and the fourth member joins the pool: asking again, as
    // another member, gives the very same release.
    let buyer = raw
        .iter()
        .filter(|((m, _, _), _)| *m == month)
        .flat_map(|(_, cell)| cell.buyers.keys())
        .min()
        .unwrap()
        .clone();
    let agency = app.store.read(|s| s.member_by_slug("clair-de-scene")).unwrap().unwrap();
    app.store
        .write(|s| {
            let members: Vec<MemberId> = (1..=4).map(MemberId).collect();
            s.withdraw_consent(
                &ensemble_model::PersonKey(buyer.clone()),
                Purpose::PooledStatistics,
                &members,
                chrono::Utc::now().fixed_offset(),
            )?;
            let id = s.next_id::<SharingAgreement>()?;
            s.insert(&[SharingAgreement {
                id: SharingAgreementId(id),
                provider_id: agency.id,
                recipient_member_id: None,
                dataset: Dataset::TicketAggregates,
                level: SharingLevel::Aggregate,
                purpose: Purpose::PooledStatistics,
                valid_from: chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
                valid_until: None,
                leaves_quebec: false,
                privacy_impact_assessment_on_file: false,
                provenance: ensemble_model::Provenance {
                    member_id: Some(agency.id),
                    ..Default::default()
                },
            }])
        })
        .unwrap();
    let (_, again) = api(&app, &path, &theirs).await;
    assert_eq!(again, released, "a released month never changes");

    // The page shows the same month to the coordination, with the reasons for hidden figures.
    let coordinator = app.sign_in(COORDINATOR);
    let page = app
        .get(&format!("/statistiques?mois={month}"), Some(&coordinator.cookie))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Billets vendus par discipline et canal de vente"));
    assert!(page.body.contains("Mis en commun par 3 membre(s)"));
    assert!(page.body.contains("masqué ("));

    // Without a month, the page opens on the latest month with pooled sales.
    let latest = raw.keys().map(|(month, _, _)| month.clone()).max().unwrap();
    let (year, number) = latest.split_once('-').unwrap();
    let label = ensemble_i18n::format::month(ensemble_i18n::Lang::Fr, year.parse().unwrap(), number.parse().unwrap());
    let default = app.get("/statistiques", Some(&coordinator.cookie)).await;
    assert!(
        default.body.contains(&format!("canal de vente · {label}</caption>")),
        "{label}: {}",
        default.body
    );

    // Every read and the one release are in the audit trail.
    let entries = app.store.read(|s| s.audit_entries(None, 1_000)).unwrap();
    let about = |action: &str| {
        entries
            .iter()
            .filter(|entry| entry.action == action && entry.subject.ends_with(&month))
            .count()
    };
    assert_eq!((about("pooled-release"), about("pooled-query")), (1, 4));
}

#[tokio::test]
async fn months_not_released_or_not_valid_get_a_clear_answer() {
    let app = TestApp::new();
    let person = app.sign_in(&login("consultation", MEMBER));
    // With nobody sharing for pooled statistics, the page says so and how to start.
    app.store
        .write(|s| {
            for agreement in s.list_any::<SharingAgreement>(&ListFilter::default())? {
                if agreement.purpose == Purpose::PooledStatistics {
                    s.delete::<SharingAgreement>(agreement.id.0)?;
                }
            }
            Ok::<(), ensemble_store::StoreError>(())
        })
        .unwrap();
    let empty = app.get("/statistiques", Some(&person.cookie)).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("Aucun chiffre mutualisé pour l"), "{}", empty.body);

    let next_year = chrono::Utc::now().year() + 1;
    let future = app
        .get(&format!("/statistiques?mois={next_year}-01"), Some(&person.cookie))
        .await;
    assert_eq!(future.status, StatusCode::NOT_FOUND);
    assert!(future.body.contains("ne sont pas encore diffusés"), "{}", future.body);
    let wrong = app.get("/statistiques?mois=2025-13", Some(&person.cookie)).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.body.contains("pas valide"), "{}", wrong.body);
    let english = app
        .get(
            "/statistiques?mois=2025-13",
            Some(&format!("{}; {}=en", person.cookie, ensemble_web::LANG_COOKIE)),
        )
        .await;
    assert!(english.body.contains("This month is not valid"), "{}", english.body);

    let token = token_of(&app, MEMBER).await;
    let future = format!("/api/v1/statistics/ticket-sales?month={next_year}-01");
    for (path, status, code) in [
        (
            "/api/v1/statistics/ticket-sales?month=2025-13",
            StatusCode::BAD_REQUEST,
            "api-invalid-parameter",
        ),
        (
            "/api/v1/statistics/ticket-sales?mois=2025-10",
            StatusCode::BAD_REQUEST,
            "api-unknown-parameter",
        ),
        (future.as_str(), StatusCode::NOT_FOUND, "api-not-released"),
    ] {
        let (got, body) = api(&app, path, &token).await;
        assert_eq!((got, body["error"]["code"].as_str()), (status, Some(code)), "{path}");
        assert!(!body["error"]["message"]["fr"].as_str().unwrap().is_empty());
        assert!(!body["error"]["message"]["en"].as_str().unwrap().is_empty());
    }
}
