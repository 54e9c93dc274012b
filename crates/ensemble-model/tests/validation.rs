//! Validation as data: each case spoils one field of a valid record and names the code and field
//! it must produce. Every code is covered, and every message exists in French and English.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate};
use ensemble_i18n::Lang;
use ensemble_model::*;

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn moment(text: &str) -> DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

fn organization() -> Organization {
    Organization {
        id: OrganizationId(1),
        name: "Théâtre du Quai fictif".to_string(),
        roles: vec![ValueChainRole::Presenter],
        municipality: Some("Rimouski".to_string()),
        postal_code: Some("G5L 1A1".to_string()),
        region_code: Some(RegionCode::new("01")),
        website: Some("https://quai.example".to_string()),
        identifiers: Identifiers {
            artsdata: Some("K11-211".to_string()),
            wikidata: Some("Q16675360".to_string()),
            isni: Some("0000 0001 2103 2683".to_string()),
            neq: Some("1140914632".to_string()),
            scenepro: Some("239".to_string()),
        },
        provenance: Provenance::default(),
    }
}

fn place() -> Place {
    Place {
        id: PlaceId(1),
        name: "Salle fictive".to_string(),
        street_address: Some("10, rue Principale".to_string()),
        municipality: Some("Rimouski".to_string()),
        postal_code: Some("G5L 1A1".to_string()),
        fsa: Some("G5L".to_string()),
        region_code: Some(RegionCode::new("01")),
        province: Some("QC".to_string()),
        country: "CA".to_string(),
        latitude: Some(48.45),
        longitude: Some(-68.52),
        operator_id: None,
        identifiers: Identifiers::default(),
        provenance: Provenance::default(),
    }
}

fn show() -> Show {
    Show {
        id: ShowId(1),
        slug: "les-heures-d-hiver".to_string(),
        title_fr: "Les heures d'hiver".to_string(),
        title_en: None,
        work_id: None,
        disciplines: vec![DisciplineCode::new("Theatre")],
        genres: vec![GenreCode::new("K6-100")],
        audiences: vec![AudienceCode::new("ToutPublics")],
        languages: vec!["fr".to_string()],
        duration_minutes: Some(80),
        warnings: vec![WarningCode::new("FumeeOuVapeur")],
        producer_ids: vec![],
        performer_group_id: None,
        agency_id: None,
        contributions: vec![Contribution {
            agent: AgentRef {
                kind: AgentKind::Person,
                agent_id: 1,
            },
            role: ContributionRoleCode::new("ArtisteSurScène"),
            billing_order: Some(1),
        }],
        rider: vec![],
        identifiers: Identifiers::default(),
        provenance: Provenance::default(),
    }
}

fn hall() -> Hall {
    Hall {
        id: HallId(1),
        place_id: PlaceId(1),
        name: "Grande salle".to_string(),
        configurations: vec![HallConfiguration {
            kind: HallConfigurationCode::new("Italienne"),
            capacity: 800,
        }],
        specs: TechnicalSpecs {
            stage_opening_width_m: Some(12.0),
            ..TechnicalSpecs::default()
        },
        identifiers: Identifiers::default(),
        provenance: Provenance::default(),
    }
}

fn settlement() -> Settlement {
    Settlement {
        id: SettlementId(1),
        performance_id: PerformanceId(1),
        capacity_offered: 500,
        paid: 400,
        complimentary: 20,
        free_admissions: 0,
        gross: Cents(2_000_000),
        taxes: Cents(260_000),
        fees: Cents(60_000),
        net: Cents(1_680_000),
        artist_fee: Cents(800_000),
        currency: "CAD".to_string(),
        deal_type: Some(DealType::BoxOfficeSplit),
        artist_share_percent: Some(100),
        provenance: Provenance::default(),
    }
}

fn engagement() -> Engagement {
    Engagement {
        id: EngagementId(1),
        show_id: ShowId(1),
        presenter_id: OrganizationId(1),
        hall_id: None,
        tour_id: None,
        performance_date: day("2026-10-03"),
        status: EngagementStatus::Hold,
        hold_level: Some(1),
        deal_type: DealType::FlatFee,
        fee: Some(Cents(500_000)),
        currency: "CAD".to_string(),
        radius_km: None,
        radius_days: None,
        provenance: Provenance::default(),
    }
}

fn ticket() -> TicketSale {
    TicketSale {
        id: TicketSaleId(1),
        performance_id: PerformanceId(1),
        sold_at: moment("2026-09-01T10:00:00-04:00"),
        price: Cents(4_500),
        quantity: 1,
        channel: SalesChannel::Web,
        price_type: PriceType::Regular,
        buyer_key: Some(PersonKey("a".repeat(64))),
        fsa: Some("H2X".to_string()),
        age_band: None,
        provenance: Provenance::default(),
    }
}

fn offer() -> Offer {
    Offer {
        id: OfferId(1),
        performance_id: PerformanceId(1),
        price_type: PriceType::Regular,
        price: Some(Cents(3_000)),
        currency: "CAD".to_string(),
        is_free: false,
        sold_out: false,
        url: Some("https://billets.example/1".to_string()),
        provenance: Provenance::default(),
    }
}

fn agreement() -> SharingAgreement {
    SharingAgreement {
        id: SharingAgreementId(1),
        provider_id: MemberId(1),
        recipient_member_id: None,
        dataset: Dataset::Settlements,
        level: SharingLevel::Aggregate,
        purpose: Purpose::Reporting,
        valid_from: day("2025-09-01"),
        valid_until: Some(day("2026-08-31")),
        leaves_quebec: false,
        privacy_impact_assessment_on_file: false,
        provenance: Provenance::default(),
    }
}

fn consent() -> Consent {
    Consent {
        id: ConsentId(1),
        person_key: PersonKey("b".repeat(64)),
        purpose: Purpose::Marketing,
        granted: true,
        recorded_at: moment("2025-01-01T12:00:00-05:00"),
        withdrawn_at: None,
        provenance: Provenance::default(),
    }
}

/// One spoiled record: what it is, its errors, and the code and field expected among them.
struct Case {
    name: &'static str,
    errors: Vec<ValidationError>,
    code: ErrorCode,
    field: &'static str,
}

fn case<T: Validate>(name: &'static str, record: T, code: ErrorCode, field: &'static str) -> Case {
    Case {
        name,
        errors: record.validate(),
        code,
        field,
    }
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    macro_rules! spoil {
        ($name:literal, $make:expr, |$r:ident| $change:expr, $code:ident, $field:literal) => {{
            let mut $r = $make;
            $change;
            cases.push(case($name, $r, ErrorCode::$code, $field));
        }};
    }
    spoil!(
        "empty name",
        organization(),
        |r| r.name = "  ".into(),
        RequiredFieldEmpty,
        "name"
    );
    spoil!(
        "artsdata",
        organization(),
        |r| r.identifiers.artsdata = Some("K11".into()),
        InvalidArtsdataId,
        "identifiers"
    );
    spoil!(
        "wikidata",
        organization(),
        |r| r.identifiers.wikidata = Some("P31".into()),
        InvalidWikidataId,
        "identifiers"
    );
    spoil!(
        "isni",
        organization(),
        |r| r.identifiers.isni = Some("0000000121032684".into()),
        InvalidIsni,
        "identifiers"
    );
    spoil!(
        "neq",
        organization(),
        |r| r.identifiers.neq = Some("9140914632".into()),
        InvalidNeq,
        "identifiers"
    );
    spoil!(
        "scenepro",
        organization(),
        |r| r.identifiers.scenepro = Some("abc".into()),
        InvalidSceneProId,
        "identifiers"
    );
    spoil!(
        "postal code",
        organization(),
        |r| r.postal_code = Some("12345".into()),
        InvalidPostalCode,
        "postal_code"
    );
    spoil!(
        "region",
        organization(),
        |r| r.region_code = Some(RegionCode::new("18")),
        UnknownCode,
        "region_code"
    );
    spoil!(
        "website",
        organization(),
        |r| r.website = Some("quai.example".into()),
        InvalidUrl,
        "website"
    );
    spoil!("fsa", place(), |r| r.fsa = Some("G5".into()), InvalidFsa, "fsa");
    spoil!(
        "fsa lower case",
        place(),
        |r| r.fsa = Some("g5l".into()),
        InvalidFsa,
        "fsa"
    );
    spoil!(
        "fsa with W first",
        place(),
        |r| r.fsa = Some("W5L".into()),
        InvalidFsa,
        "fsa"
    );
    spoil!("fsa with O", place(), |r| r.fsa = Some("G5O".into()), InvalidFsa, "fsa");
    spoil!(
        "fsa too long",
        place(),
        |r| r.fsa = Some("G5L 1".into()),
        InvalidFsa,
        "fsa"
    );
    spoil!(
        "fsa mismatch",
        place(),
        |r| r.fsa = Some("H2X".into()),
        FsaMismatch,
        "fsa"
    );
    spoil!(
        "latitude",
        place(),
        |r| r.latitude = Some(95.0),
        CoordinatesOutOfRange,
        "latitude"
    );
    spoil!(
        "country",
        place(),
        |r| r.country = "Canada".into(),
        InvalidCountry,
        "country"
    );
    spoil!(
        "capacity",
        hall(),
        |r| r.configurations[0].capacity = 0,
        CapacityZero,
        "configurations.capacity"
    );
    spoil!(
        "configuration",
        hall(),
        |r| r.configurations[0].kind = HallConfigurationCode::new("Arena"),
        UnknownCode,
        "configurations.kind"
    );
    spoil!(
        "stage width",
        hall(),
        |r| r.specs.stage_opening_width_m = Some(-1.0),
        OutOfRange,
        "specs.stage_opening_width_m"
    );
    spoil!(
        "artist share",
        settlement(),
        |r| r.artist_share_percent = Some(101),
        OutOfRange,
        "artist_share_percent"
    );
    spoil!("slug", show(), |r| r.slug = "Les Heures".into(), InvalidSlug, "slug");
    spoil!(
        "discipline",
        show(),
        |r| r.disciplines = vec![DisciplineCode::new("Chanson")],
        UnknownCode,
        "disciplines"
    );
    spoil!(
        "language",
        show(),
        |r| r.languages = vec!["fra".into()],
        InvalidLanguage,
        "languages"
    );
    spoil!(
        "duration",
        show(),
        |r| r.duration_minutes = Some(0),
        OutOfRange,
        "duration_minutes"
    );
    spoil!(
        "role",
        show(),
        |r| r.contributions[0].role = ContributionRoleCode::new("Star"),
        UnknownCode,
        "contributions.role"
    );
    spoil!(
        "attendance",
        settlement(),
        |r| r.paid = 600,
        AttendanceExceedsCapacity,
        "paid"
    );
    spoil!("net", settlement(), |r| r.net = Cents(1), NetDoesNotBalance, "net");
    spoil!(
        "negative gross",
        settlement(),
        |r| r.gross = Cents(-5),
        NegativeAmount,
        "gross"
    );
    spoil!(
        "currency",
        settlement(),
        |r| r.currency = "cad".into(),
        InvalidCurrency,
        "currency"
    );
    spoil!(
        "hold level",
        engagement(),
        |r| r.hold_level = None,
        HoldLevelMissing,
        "hold_level"
    );
    spoil!(
        "hold on offer",
        engagement(),
        |r| r.status = EngagementStatus::Offer,
        HoldLevelUnexpected,
        "hold_level"
    );
    spoil!(
        "buyer key",
        ticket(),
        |r| r.buyer_key = Some(PersonKey("camille@exemple.example".into())),
        InvalidPersonKey,
        "buyer_key"
    );
    spoil!("quantity", ticket(), |r| r.quantity = 0, QuantityZero, "quantity");
    spoil!(
        "free with price",
        offer(),
        |r| r.is_free = true,
        FreeOfferWithPrice,
        "price"
    );
    spoil!(
        "agreement dates",
        agreement(),
        |r| r.valid_until = Some(day("2025-01-01")),
        DateRangeInverted,
        "valid_until"
    );
    spoil!(
        "leaves Québec",
        agreement(),
        |r| r.leaves_quebec = true,
        PrivacyAssessmentMissing,
        "privacy_impact_assessment_on_file"
    );
    spoil!(
        "consent dates",
        consent(),
        |r| r.withdrawn_at = Some(moment("2024-01-01T00:00:00Z")),
        ConsentWithdrawnBeforeRecorded,
        "withdrawn_at"
    );
    spoil!(
        "consent key",
        consent(),
        |r| r.person_key = PersonKey("x".into()),
        InvalidPersonKey,
        "person_key"
    );
    let performance = Performance {
        id: PerformanceId(1),
        show_id: ShowId(1),
        hall_id: HallId(1),
        presenter_id: OrganizationId(1),
        series_id: None,
        starts_at: moment("2026-10-03T20:00:00-04:00"),
        time_zone: "America/Montreal".into(),
        status: EventStatus::Scheduled,
        school: false,
        provenance: Provenance::default(),
    };
    assert!(performance.validate().is_empty());
    spoil!(
        "time zone",
        performance.clone(),
        |r| r.time_zone = "Québec/Est".into(),
        InvalidTimeZone,
        "time_zone"
    );
    let batch = Batch {
        id: BatchId(1),
        kind: BatchKind::Import,
        file_name: Some("ventes.csv".into()),
        file_sha256: Some("0".repeat(64)),
        created_at: moment("2026-10-03T20:00:00-04:00"),
        status: BatchStatus::Committed,
        note: None,
        provenance: Provenance::default(),
    };
    assert!(batch.validate().is_empty());
    spoil!(
        "checksum",
        batch,
        |r| r.file_sha256 = Some("abc".into()),
        InvalidChecksum,
        "file_sha256"
    );
    cases
}

#[test]
fn valid_records_have_no_errors() {
    assert_eq!(organization().validate(), vec![]);
    assert_eq!(place().validate(), vec![]);
    assert_eq!(show().validate(), vec![]);
    assert_eq!(hall().validate(), vec![]);
    assert_eq!(settlement().validate(), vec![]);
    assert_eq!(engagement().validate(), vec![]);
    assert_eq!(ticket().validate(), vec![]);
    assert_eq!(offer().validate(), vec![]);
    assert_eq!(agreement().validate(), vec![]);
    assert_eq!(consent().validate(), vec![]);
}

#[test]
fn each_spoiled_field_gives_its_code() {
    for case in cases() {
        assert!(
            case.errors.iter().any(|e| e.code == case.code && e.field == case.field),
            "{}: expected {} on {}, got {:?}",
            case.name,
            case.code,
            case.field,
            case.errors
        );
    }
}

#[test]
fn every_code_is_exercised_and_has_a_message_in_both_languages() {
    let exercised: BTreeSet<ErrorCode> = cases().iter().map(|c| c.code).collect();
    for code in ErrorCode::ALL {
        assert!(exercised.contains(code), "no case produces {code}");
    }
    for case in cases() {
        for error in &case.errors {
            let french = error.message(Lang::Fr);
            let english = error.message(Lang::En);
            for message in [&french, &english] {
                assert!(
                    !message.starts_with('{'),
                    "{}: no message for {}",
                    case.name,
                    error.code
                );
                assert!(!message.contains("{$") && !message.contains("{ $"), "{message}");
                for (_, value) in &error.args {
                    assert!(message.contains(value.as_str()), "{message} lacks {value}");
                }
            }
            assert_ne!(french, english, "{}", error.code);
        }
    }
}

#[test]
fn a_pseudonym_error_never_repeats_the_value() {
    let mut spoiled = ticket();
    spoiled.buyer_key = Some(PersonKey("camille@exemple.example".into()));
    for error in spoiled.validate() {
        for lang in Lang::ALL {
            assert!(!error.message(lang).contains("camille"));
        }
    }
}

#[test]
fn a_performance_keeps_its_own_date_whatever_offset_the_database_gives_back() {
    use chrono::{DateTime, NaiveDate};
    let evening: DateTime<chrono::FixedOffset> = "2027-02-12T20:00:00-05:00".parse().unwrap();
    let utc: DateTime<chrono::FixedOffset> = "2027-02-13T01:00:00+00:00".parse().unwrap();
    for starts_at in [evening, utc] {
        let performance = Performance {
            id: PerformanceId(1),
            show_id: ShowId(1),
            hall_id: HallId(1),
            presenter_id: OrganizationId(1),
            series_id: None,
            starts_at,
            time_zone: "America/Toronto".to_string(),
            status: EventStatus::Scheduled,
            school: false,
            provenance: Provenance::default(),
        };
        assert_eq!(performance.local_date(), NaiveDate::from_ymd_opt(2027, 2, 12).unwrap());
        assert_eq!(performance.local_start().to_string(), "2027-02-12 20:00:00");
    }
}
