//! Reports on a small fixture whose figures are worked out by hand in the comments: a presenter
//! in Sherbrooke (member 1) shares its settlements with a producer in Montréal (member 2); the
//! producer's two shows play in Sherbrooke, Québec City, Toronto and Paris in season 2025-2026.
//! Then the workbook is read back, with calamine here and with openpyxl (Python) when it is there.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, NaiveDate};
use ensemble_i18n::Lang;
use ensemble_model::{
    Cents, Dataset, DisciplineCode, EventStatus, Hall, HallId, Member, MemberId, Organization, OrganizationId,
    Performance, PerformanceId, Place, PlaceId, Provenance, Purpose, RegionCode, Settlement, SettlementId,
    SharingAgreement, SharingAgreementId, SharingLevel, Show, ShowId,
};
use ensemble_reports::{Request, Value, export};
use ensemble_store::{ListFilter, Requester, Store};

fn owned(member: i64) -> Provenance {
    Provenance {
        member_id: Some(MemberId(member)),
        ..Default::default()
    }
}

/// Takes one record of each kind from the small demo as a pattern, then builds the fixture.
fn fixture() -> Store {
    let demo = Store::in_memory().unwrap();
    let config = ensemble_demo::DemoConfig {
        scale: ensemble_demo::Scale::Small,
        seed: 1,
    };
    let key = ensemble_privacy::SecretKey::from_bytes([1; 32]);
    ensemble_demo::generate(&demo, &config, &key, &mut |_| {}).unwrap();
    let all = ListFilter::default();
    let (organization, member, place, hall, show, settlement) = demo
        .read(|s| {
            Ok((
                s.list::<Organization>(&all)?.remove(0),
                s.list::<Member>(&all)?.remove(0),
                s.list::<Place>(&all)?.remove(0),
                s.list::<Hall>(&all)?.remove(0),
                s.list::<Show>(&all)?.remove(0),
                s.list_any::<Settlement>(&all)?.remove(0),
            ))
        })
        .unwrap();

    let store = Store::in_memory().unwrap();
    let org = |id: i64, name: &str, city: &str, postal: &str, region: &str| Organization {
        id: OrganizationId(id),
        name: name.to_string(),
        municipality: Some(city.to_string()),
        postal_code: Some(postal.to_string()),
        region_code: Some(RegionCode::new(region)),
        provenance: Provenance::default(),
        ..organization.clone()
    };
    let place_at = |id: i64, city: &str, region: Option<&str>, province: &str, country: &str, at: (f64, f64)| Place {
        id: PlaceId(id),
        name: format!("Salle de {city}"),
        municipality: Some(city.to_string()),
        postal_code: None,
        fsa: None,
        region_code: region.map(RegionCode::new),
        province: Some(province.to_string()),
        country: country.to_string(),
        latitude: Some(at.0),
        longitude: Some(at.1),
        operator_id: None,
        provenance: Provenance::default(),
        ..place.clone()
    };
    let hall_in = |id: i64| Hall {
        id: HallId(id),
        place_id: PlaceId(id),
        name: "Grande salle".to_string(),
        provenance: Provenance::default(),
        ..hall.clone()
    };
    let show_of = |id: i64, title: &str, discipline: &str| Show {
        id: ShowId(id),
        slug: format!("spectacle-{id}"),
        title_fr: title.to_string(),
        work_id: None,
        performer_group_id: None,
        agency_id: None,
        disciplines: vec![DisciplineCode::new(discipline)],
        producer_ids: vec![OrganizationId(2)],
        provenance: owned(2),
        ..show.clone()
    };
    let perf =
        |id: i64, show: i64, hall: i64, presenter: i64, when: &str, school: bool, status: EventStatus| Performance {
            id: PerformanceId(id),
            show_id: ShowId(show),
            hall_id: HallId(hall),
            presenter_id: OrganizationId(presenter),
            series_id: None,
            starts_at: DateTime::parse_from_rfc3339(when).unwrap(),
            time_zone: "America/Toronto".to_string(),
            status,
            school,
            provenance: Provenance::default(),
        };
    // (id, performance, member, offered, paid, complimentary, free admissions, gross, taxes, fee)
    let settle = |row: (i64, i64, i64, u32, u32, u32, u32, i64, i64, i64)| Settlement {
        id: SettlementId(row.0),
        performance_id: PerformanceId(row.1),
        capacity_offered: row.3,
        paid: row.4,
        complimentary: row.5,
        free_admissions: row.6,
        gross: Cents(row.7),
        taxes: Cents(row.8),
        fees: Cents(0),
        net: Cents(row.7 - row.8),
        artist_fee: Cents(row.9),
        provenance: owned(row.2),
        ..settlement.clone()
    };
    let scheduled = EventStatus::Scheduled;
    store
        .write(|s| {
            s.insert(&[
                org(1, "Diffusion Fictive", "Sherbrooke", "J1H 4A7", "05"),
                org(2, "Productions Imaginaires", "Montréal", "H2X 2V3", "06"),
                org(3, "Salle de Québec inc.", "Québec", "G1K 3X2", "03"),
            ])?;
            s.insert(&[
                Member {
                    id: MemberId(1),
                    slug: "diffusion-fictive".to_string(),
                    organization_id: OrganizationId(1),
                    provenance: Provenance::default(),
                    ..member.clone()
                },
                Member {
                    id: MemberId(2),
                    slug: "productions-imaginaires".to_string(),
                    organization_id: OrganizationId(2),
                    provenance: Provenance::default(),
                    ..member.clone()
                },
            ])?;
            s.insert(&[
                place_at(1, "Sherbrooke", Some("05"), "QC", "CA", (45.4042, -71.8929)),
                place_at(2, "Québec", Some("03"), "QC", "CA", (46.8139, -71.2080)),
                place_at(3, "Toronto", None, "ON", "CA", (43.6532, -79.3832)),
                place_at(4, "Paris", None, "", "FR", (48.8566, 2.3522)),
            ])?;
            s.insert(&[hall_in(1), hall_in(2), hall_in(3), hall_in(4)])?;
            s.insert(&[show_of(1, "Le Phare", "Theatre"), show_of(2, "Marées", "Danse")])?;
            s.insert(&[
                perf(1, 1, 1, 1, "2025-10-03T20:00:00-04:00", false, scheduled),
                perf(2, 1, 2, 3, "2025-11-07T20:00:00-05:00", false, scheduled),
                perf(3, 2, 3, 3, "2026-02-14T20:00:00-05:00", false, scheduled),
                perf(4, 2, 4, 3, "2026-03-20T20:00:00+01:00", false, scheduled),
                perf(5, 1, 1, 1, "2025-12-05T10:00:00-05:00", true, scheduled),
                perf(6, 1, 1, 1, "2026-05-01T19:00:00-04:00", false, scheduled),
                // Outside the season, and cancelled: never counted.
                perf(7, 1, 1, 1, "2026-09-10T20:00:00-04:00", false, scheduled),
                perf(8, 1, 1, 1, "2025-10-04T20:00:00-04:00", false, EventStatus::Cancelled),
            ])?;
            s.insert(&[
                // The presenter's settlements of its three Sherbrooke dates.
                settle((1, 1, 1, 500, 300, 20, 0, 1_150_000, 150_000, 250_000)),
                settle((2, 5, 1, 500, 450, 0, 0, 450_000, 0, 100_000)),
                settle((3, 6, 1, 500, 0, 0, 380, 0, 0, 0)),
                // The producer's own records: Québec City, Toronto, and its copy of the
                // Sherbrooke date, which says 301 paid tickets where the presenter says 300.
                settle((4, 2, 2, 400, 200, 10, 0, 660_000, 60_000, 200_000)),
                settle((5, 3, 2, 300, 250, 0, 0, 500_000, 0, 300_000)),
                settle((6, 1, 2, 500, 301, 20, 0, 1_150_000, 150_000, 250_000)),
            ])?;
            s.insert(&[SharingAgreement {
                id: SharingAgreementId(1),
                provider_id: MemberId(1),
                recipient_member_id: Some(MemberId(2)),
                dataset: Dataset::Settlements,
                level: SharingLevel::Detail,
                purpose: Purpose::Reporting,
                valid_from: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
                valid_until: None,
                leaves_quebec: false,
                privacy_impact_assessment_on_file: false,
                provenance: owned(1),
            }])
        })
        .unwrap();
    store
}

fn producer_report(store: &Store, template: &str) -> ensemble_reports::Report {
    let requester = Requester {
        channel: "cli",
        user_id: None,
        member: Some(MemberId(2)),
        purpose: Purpose::Reporting,
    };
    ensemble_reports::run(
        store,
        &requester,
        &Request {
            member: "productions-imaginaires",
            template,
            period: "2025-2026",
            templates: None,
            lang: Lang::Fr,
            today: NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
        },
    )
    .unwrap()
}

fn line<'r>(table: &'r ensemble_reports::Table, keys: &[&str]) -> &'r ensemble_reports::Line {
    table
        .lines
        .iter()
        .find(|line| line.keys.iter().map(|(code, _)| code.as_str()).eq(keys.iter().copied()))
        .unwrap_or_else(|| panic!("no line {keys:?} in {}", table.id))
}

#[test]
fn occq_indicators_by_hand() {
    let store = fixture();
    let report = producer_report(&store, "occq");
    // Performances 1 to 6 are the producer's (its two shows); 7 is after August 31, 8 cancelled.
    assert_eq!(
        report.facts.iter().map(|f| f.performance).collect::<Vec<_>>(),
        [1, 2, 5, 3, 4, 6]
    );
    let paid = &report.tables[0];
    assert_eq!(paid.id, "payantes-grand-public");
    // Sherbrooke (Estrie): the producer's own copy counts: 500 offered, 301 paid + 20 comp =
    // 321; box office 11,500 − 1,500 = 10,000 $; average 10,000 / 301 = 33.22 $; 321 / 500 = 64.2 %.
    assert_eq!(
        line(paid, &["Theatre", "05"]).values,
        [
            Value::Count(1),
            Value::Count(500),
            Value::Count(321),
            Value::Count(301),
            Value::Money(1_000_000),
            Value::Money(3_322),
            Value::Percent(Some(64.2))
        ]
    );
    // Québec City: 400 offered, 200 + 10 = 210; 6,600 − 600 = 6,000 $; 30.00 $; 52.5 %.
    assert_eq!(
        line(paid, &["Theatre", "03"]).values,
        [
            Value::Count(1),
            Value::Count(400),
            Value::Count(210),
            Value::Count(200),
            Value::Money(600_000),
            Value::Money(3_000),
            Value::Percent(Some(52.5))
        ]
    );
    // Outside Québec: Toronto (300 offered, 250 paid, 5,000 $) and Paris (no settlement yet).
    assert_eq!(
        line(paid, &["Danse", "outside-quebec"]).values,
        [
            Value::Count(2),
            Value::Count(300),
            Value::Count(250),
            Value::Count(250),
            Value::Money(500_000),
            Value::Money(2_000),
            Value::Percent(Some(250.0 * 100.0 / 300.0))
        ]
    );
    // Total: 4 performances, 1,200 offered, 781 attending, 751 paid, 21,000 $; 21,000 / 751 =
    // 27.96 $; 781 / 1,200 = 65.08 %.
    let total = paid.total.as_ref().unwrap();
    assert_eq!(
        total.values[..6],
        [
            Value::Count(4),
            Value::Count(1_200),
            Value::Count(781),
            Value::Count(751),
            Value::Money(2_100_000),
            Value::Money(2_796)
        ]
    );
    assert_eq!(total.performances, [1, 2, 3, 4]);
    // Free and school performances apart: the free Sherbrooke date (380 free admissions) and the
    // school date (450 paid, 4,500 $).
    assert_eq!(
        line(&report.tables[1], &["Theatre"]).values,
        [Value::Count(1), Value::Count(380)]
    );
    assert_eq!(
        line(&report.tables[2], &["Theatre"]).values,
        [
            Value::Count(1),
            Value::Count(450),
            Value::Count(450),
            Value::Money(450_000)
        ]
    );
    // What is missing: Paris has no settlement; the Sherbrooke copy differs from the presenter's.
    assert_eq!(report.completeness.unsettled, [4]);
    assert_eq!(report.completeness.differences, [(1, 1)]);
}

#[test]
fn calq_territories_and_canada_council_itinerary() {
    let store = fixture();
    let calq = producer_report(&store, "calq");
    let table = &calq.tables[0];
    // The producer is in Montréal (06): nothing in its region; Estrie has the three Sherbrooke
    // dates (321 + 450 + 380 = 1,151), Capitale-Nationale one (210), Ontario one (250), France one.
    assert_eq!(
        line(table, &["quebec", "Estrie"]).values[..2],
        [Value::Count(3), Value::Count(1_151)]
    );
    assert_eq!(
        line(table, &["quebec", "Capitale-Nationale"]).values[..2],
        [Value::Count(1), Value::Count(210)]
    );
    assert_eq!(
        line(table, &["canada", "ON"]).values[..2],
        [Value::Count(1), Value::Count(250)]
    );
    assert_eq!(
        line(table, &["abroad", "FR"]).values[..2],
        [Value::Count(1), Value::Count(0)]
    );
    assert!(table.lines.iter().all(|line| line.keys[0].0 != "home-region"));

    let council = producer_report(&store, "conseil-des-arts-du-canada");
    // Every date is away from Montréal: 6 dates, 1,611 attending (321 + 210 + 250 + 0 + 450 +
    // 380), 1,201 paid, 410 free (20 + 10 + 380), 25,500 $ box office, 8,500 $ of fees. From the
    // producer's postal area (H2X, Montréal): Sherbrooke about 120 km and Québec City about
    // 230 km are under 250; Toronto (about 500 km) and Paris are over.
    assert_eq!(
        line(&council.tables[0], &["tour"]).values,
        [
            Value::Count(6),
            Value::Count(1_611),
            Value::Count(1_201),
            Value::Count(410),
            Value::Money(2_550_000),
            Value::Money(850_000),
            Value::Count(2)
        ]
    );
    let itinerary = &council.tables[1];
    assert_eq!(itinerary.lines.len(), 6);
    let toronto = itinerary.lines.iter().find(|l| l.performances == [3]).unwrap();
    let Value::Km(Some(km)) = toronto.values[5] else {
        panic!("{toronto:?}")
    };
    assert!((450.0..560.0).contains(&km), "{km}");
    assert_eq!(toronto.values[6], Value::Flag(true));
}

#[test]
fn the_presenter_sees_only_its_own_and_a_stranger_sees_no_settlement() {
    let store = fixture();
    // The presenter's report counts its three dates with its own figures (300 paid).
    let requester = Requester {
        channel: "cli",
        user_id: None,
        member: Some(MemberId(1)),
        purpose: Purpose::Reporting,
    };
    let request = Request {
        member: "diffusion-fictive",
        template: "occq",
        period: "2025-2026",
        templates: None,
        lang: Lang::Fr,
        today: NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
    };
    let report = ensemble_reports::run(&store, &requester, &request).unwrap();
    assert_eq!(
        report.facts.iter().map(|f| f.performance).collect::<Vec<_>>(),
        [1, 5, 6]
    );
    assert_eq!(line(&report.tables[0], &["Theatre", "05"]).values[3], Value::Count(300));
    // Asking as the presenter for the producer's report: the producer's own settlements are not
    // shared with the presenter, so they are missing, not read.
    let report = ensemble_reports::run(
        &store,
        &requester,
        &Request {
            member: "productions-imaginaires",
            ..request
        },
    )
    .unwrap();
    assert_eq!(report.completeness.unsettled, [2, 3, 4]);
}

#[test]
fn templates_errors_and_periods_are_explained() {
    let store = fixture();
    let requester = Requester {
        channel: "cli",
        user_id: None,
        member: Some(MemberId(2)),
        purpose: Purpose::Reporting,
    };
    let mut request = Request {
        member: "productions-imaginaires",
        template: "inconnu",
        period: "2025-2026",
        templates: None,
        lang: Lang::Fr,
        today: NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
    };
    let error = ensemble_reports::run(&store, &requester, &request).unwrap_err();
    assert_eq!(error.code(), "report-template-unknown");
    let message = ensemble_i18n::tr_args(Lang::Fr, &format!("error-{}", error.code()), &error.args());
    assert!(
        message.contains("cadac, calq, conseil-des-arts-du-canada, occq"),
        "{message}"
    );
    request.template = "occq";
    for wrong in ["2025-2027", "25-26", "saison"] {
        request.period = wrong;
        let error = ensemble_reports::run(&store, &requester, &request).unwrap_err();
        assert_eq!(error.code(), "report-period-invalid", "{wrong}");
    }
    // A consortium's own template replaces or adds one, read from its folder.
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("ville.toml"),
        r#"name = "ville"
funder = { fr = "Ville", en = "City" }
title = { fr = "Activités", en = "Activities" }
about = { fr = "Par mois.", en = "By month." }
[[tables]]
id = "mois"
title = { fr = "Par mois", en = "By month" }
rows = ["month"]
measures = ["performances", "unsettled"]
"#,
    )
    .unwrap();
    request.period = "2026";
    request.template = "ville";
    request.templates = Some(folder.path());
    let report = ensemble_reports::run(&store, &requester, &request).unwrap();
    // Calendar 2026: February (Toronto), March (Paris, unsettled), May (free date), September
    // (the date after the season, unsettled).
    let months: Vec<(&str, &[Value])> = report.tables[0]
        .lines
        .iter()
        .map(|line| (line.keys[0].0.as_str(), line.values.as_slice()))
        .collect();
    assert_eq!(
        months,
        [
            ("2026-02", &[Value::Count(1), Value::Count(0)][..]),
            ("2026-03", &[Value::Count(1), Value::Count(1)][..]),
            ("2026-05", &[Value::Count(1), Value::Count(0)][..]),
            ("2026-09", &[Value::Count(1), Value::Count(1)][..])
        ]
    );
    std::fs::write(folder.path().join("ville.toml"), "name = \"ville\"\n[[tables]]\n").unwrap();
    let error = ensemble_reports::run(&store, &requester, &request).unwrap_err();
    assert_eq!(error.code(), "report-template-invalid");
}

#[test]
fn the_workbook_reads_back() {
    let store = fixture();
    let report = producer_report(&store, "occq");
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("occq.xlsx");
    export::write(&report, export::OutputFormat::Xlsx, &path, Lang::Fr).unwrap();
    use calamine::{Reader, open_workbook_auto};
    let mut workbook = open_workbook_auto(&path).unwrap();
    let names = workbook.sheet_names();
    assert_eq!(names, ["payantes-grand-public", "gratuites", "scolaires", "Détail"]);
    let sheet = workbook.worksheet_range("payantes-grand-public").unwrap();
    let text = |row: u32, column: u32| {
        sheet
            .get_value((row, column))
            .map(|cell| cell.to_string())
            .unwrap_or_default()
    };
    assert_eq!(text(3, 0), "Discipline");
    assert_eq!(text(3, 6), "Recettes hors taxes ($)");
    assert_eq!(text(3, 7), "Prix moyen ($)");
    // The total line: 4 performances and 21,000 $ of box office.
    let total_row = (4..20).find(|row| text(*row, 0) == "Total").unwrap();
    assert_eq!(text(total_row, 2), "4");
    assert_eq!(text(total_row, 6), "21000");
    let details = workbook.worksheet_range("Détail").unwrap();
    assert_eq!(details.height(), 1 + 6, "a line per performance");

    let csv = folder.path().join("occq.csv");
    let written = export::write(&report, export::OutputFormat::Csv, &csv, Lang::Fr).unwrap();
    assert_eq!(written.len(), 3);
    let first = std::fs::read_to_string(&written[0]).unwrap();
    assert!(
        first
            .lines()
            .last()
            .unwrap()
            .starts_with("Total,,4,1200,781,751,21000.00,27.96,65.1"),
        "{first}"
    );
}

#[test]
fn the_consortium_table_counts_each_performance_once_and_hides_what_one_member_gave() {
    let store = fixture();
    let pooled = |id: i64, member: i64| SharingAgreement {
        id: SharingAgreementId(id),
        provider_id: MemberId(member),
        recipient_member_id: None,
        dataset: Dataset::Settlements,
        level: SharingLevel::Aggregate,
        purpose: Purpose::PooledStatistics,
        valid_from: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        valid_until: None,
        leaves_quebec: false,
        privacy_impact_assessment_on_file: false,
        provenance: owned(member),
    };
    store
        .write(|s| {
            s.insert(&[pooled(2, 1), pooled(3, 2)])?;
            s.set_disclosure_rules(&ensemble_privacy::disclosure::Rules {
                min_people: 10,
                min_members: 2,
                round_to: 1,
            })
        })
        .unwrap();
    let requester = Requester {
        channel: "cli",
        user_id: None,
        member: None,
        purpose: Purpose::PooledStatistics,
    };
    let request = Request {
        member: "",
        template: "occq",
        period: "2025-2026",
        templates: None,
        lang: Lang::Fr,
        today: NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
    };
    let report = ensemble_reports::run_consortium(&store, &requester, &request, "Consortium").unwrap();
    // Performance 1 has two copies (the presenter's and the producer's): the presenter's counts,
    // once. Paris (4) has no settlement and is not in the pool's table.
    assert_eq!(
        report.facts.iter().map(|f| f.performance).collect::<Vec<_>>(),
        [1, 2, 5, 3, 6]
    );
    let paid = &report.tables[0];
    // Each line comes from one member: hidden. The total adds two members: 3 performances,
    // 320 (presenter's copy: 300 + 20) + 210 + 250 = 780 attending, shown.
    assert_eq!(paid.lines.len(), 3);
    for line in &paid.lines {
        assert!(
            line.values
                .iter()
                .all(|v| *v == Value::Hidden("too-few-members".to_string())),
            "{line:?}"
        );
    }
    let total = paid.total.as_ref().unwrap();
    assert_eq!(
        (&total.values[0], &total.values[2]),
        (&Value::Count(3), &Value::Count(780))
    );
    // Under the default rules (5 members), the total is hidden too.
    store
        .write(|s| s.set_disclosure_rules(&ensemble_privacy::disclosure::Rules::default()))
        .unwrap();
    let report = ensemble_reports::run_consortium(&store, &requester, &request, "Consortium").unwrap();
    assert!(matches!(
        report.tables[0].total.as_ref().unwrap().values[0],
        Value::Hidden(_)
    ));
}
