//! The store conformance suite: every store operation, checked the same way on SQLite (a real
//! temporary file) and on PostgreSQL.
//!
//! Each check is a plain function that receives a freshly migrated [`Store`] (and, when it has to
//! reopen the database, its URL). The `conformance!` macro turns each check into two tests,
//! `sqlite_<name>` and `postgres_<name>`.
//!
//! PostgreSQL runs when `ENSEMBLE_TEST_POSTGRES_URL` is set (see `scripts/postgres-test-setup.sh`);
//! each test then works in its own schema, dropped at the end. When the variable is unset the
//! PostgreSQL tests say so on stderr and return, unless `ENSEMBLE_REQUIRE_POSTGRES=1` (as in CI),
//! in which case they fail.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Debug;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, NaiveDate};
use ensemble_model::{
    AgeBand, AgentKind, AgentRef, AudienceCode, Availability, AvailabilityId, AvailabilityKind, Batch, BatchId,
    BatchKind, BatchStatus, Cents, Consent, ConsentId, Contribution, ContributionRoleCode, DataAsset, DataAssetId,
    DataCategory, DataFormat, Dataset, DealType, DeclaredQuality, DisciplineCode, Engagement, EngagementId,
    EngagementStatus, Entity, EventStatus, Frequency, GenreCode, Grant, GrantId, Group, GroupId, Hall,
    HallConfiguration, HallConfigurationCode, HallId, Identifiers, LoadingAccess, Member, MemberId, Offer, OfferId,
    Organization, OrganizationId, Performance, PerformanceId, Person, PersonId, PersonKey, Place, PlaceId, PriceType,
    Provenance, Purpose, RegionCode, RiderItem, RiderRequirement, Role, SalesChannel, Series, SeriesId, SeriesKind,
    Settlement, SettlementId, SharingAgreement, SharingAgreementId, SharingLevel, Show, ShowId, TechnicalSpecs,
    TicketSale, TicketSaleId, Tour, TourId, Validate, ValueChainRole, WarningCode, Work, WorkId, for_each_entity,
};
use ensemble_store::testing::TestUrl;
use ensemble_store::{Backend, ListFilter, Location, QUARANTINE_OPEN, QuarantineEntry, Store, StoreError, Value};

// ---------------------------------------------------------------------------------------------
// The suite
// ---------------------------------------------------------------------------------------------

/// `check(args) => sqlite_test, postgres_test;` makes two tests that run `check` on a fresh store.
/// The arguments name what the check receives: `store` (a `&Store`) and optionally `url` (a `&str`
/// to reopen the same database).
macro_rules! conformance {
    ($($check:ident ($($arg:ident),+) => $sqlite:ident, $postgres:ident;)+) => {
        $(
            #[test]
            fn $sqlite() {
                let database = TestDatabase::sqlite();
                $check($(&database.$arg),+);
            }

            #[test]
            fn $postgres() {
                let Some(database) = TestDatabase::postgres(stringify!($postgres)) else {
                    return;
                };
                $check($(&database.$arg),+);
            }
        )+
    };
}

conformance! {
    check_migrations_apply_once(store, url) => sqlite_migrations_apply_once, postgres_migrations_apply_once;
    check_tables_match_model(store, url) => sqlite_tables_match_model, postgres_tables_match_model;
    check_every_entity_round_trips(store) => sqlite_every_entity_round_trips, postgres_every_entity_round_trips;
    check_records_convert_as_their_json(store, url)
        => sqlite_records_convert_as_their_json, postgres_records_convert_as_their_json;
    check_get_missing_is_none(store) => sqlite_get_missing_is_none, postgres_get_missing_is_none;
    check_list_filters_and_pages(store) => sqlite_list_filters_and_pages, postgres_list_filters_and_pages;
    check_update(store) => sqlite_update, postgres_update;
    check_delete(store) => sqlite_delete, postgres_delete;
    check_count_and_next_id(store) => sqlite_count_and_next_id, postgres_count_and_next_id;
    check_stats_per_member(store) => sqlite_stats_per_member, postgres_stats_per_member;
    check_is_empty(store) => sqlite_is_empty, postgres_is_empty;
    check_member_by_slug(store) => sqlite_member_by_slug, postgres_member_by_slug;
    check_write_rolls_back_on_error(store) => sqlite_write_rolls_back_on_error, postgres_write_rolls_back_on_error;
    check_roll_back_batch(store) => sqlite_roll_back_batch, postgres_roll_back_batch;
    check_bulk_insert(store) => sqlite_bulk_insert, postgres_bulk_insert;
    check_foreign_key_violation_is_refused(store)
        => sqlite_foreign_key_violation_is_refused, postgres_foreign_key_violation_is_refused;
    check_unique_violation_is_refused(store) => sqlite_unique_violation_is_refused, postgres_unique_violation_is_refused;
    check_newer_schema_is_refused(store, url) => sqlite_newer_schema_is_refused, postgres_newer_schema_is_refused;
    check_size_bytes(store) => sqlite_size_bytes, postgres_size_bytes;
    check_record_keys(store) => sqlite_record_keys, postgres_record_keys;
    check_accounts(store) => sqlite_accounts, postgres_accounts;
    check_quarantine(store) => sqlite_quarantine, postgres_quarantine;
    check_roll_back_refuses_referenced_batch(store)
        => sqlite_roll_back_refuses_referenced_batch, postgres_roll_back_refuses_referenced_batch;
    check_catalog_pages_and_filters(store) => sqlite_catalog_pages_and_filters, postgres_catalog_pages_and_filters;
    check_readers_see_what_was_written(store, url)
        => sqlite_readers_see_what_was_written, postgres_readers_see_what_was_written;
    check_audit_chain_shows_edits_and_deletions(store, url)
        => sqlite_audit_chain_shows_edits_and_deletions, postgres_audit_chain_shows_edits_and_deletions;
    check_grants_follow_agreements(store) => sqlite_grants_follow_agreements, postgres_grants_follow_agreements;
    check_rights_requests_and_incidents(store)
        => sqlite_rights_requests_and_incidents, postgres_rights_requests_and_incidents;
    check_purge_follows_retention(store) => sqlite_purge_follows_retention, postgres_purge_follows_retention;
    check_pooled_figures_are_protected_and_released_once(store)
        => sqlite_pooled_figures_are_protected_and_released_once, postgres_pooled_figures_are_protected_and_released_once;
    check_differing_settlements_are_told_without_figures(store)
        => sqlite_differing_settlements_are_told_without_figures, postgres_differing_settlements_are_told_without_figures;
    check_consent_withdrawal_leaves_people_out_of_pooling(store)
        => sqlite_consent_withdrawal_leaves_people_out_of_pooling, postgres_consent_withdrawal_leaves_people_out_of_pooling;
    check_one_settlement_per_performance_and_keeper(store)
        => sqlite_one_settlement_per_performance_and_keeper, postgres_one_settlement_per_performance_and_keeper;
}

#[test]
fn sqlite_declared_inventory_migration() {
    check_declared_inventory_migration(&TestUrl::sqlite(), Backend::Sqlite);
}

#[test]
fn postgres_declared_inventory_migration() {
    let Some(place) = TestUrl::postgres("postgres_declared_inventory_migration") else {
        return;
    };
    check_declared_inventory_migration(&place, Backend::Postgres);
}

/// Migration 16 makes each declared asset's family its one category, with the format "other"
/// and the quality "unknown" until its member says; nothing else of the asset changes.
fn check_declared_inventory_migration(place: &TestUrl, backend: Backend) {
    let mut database = raw(&place.url);
    database
        .execute_batch(
            "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )
        .unwrap();
    for migration in ensemble_store::MIGRATIONS.iter().filter(|m| m.version < 16) {
        database.execute_batch(migration.sql(backend)).unwrap();
        database
            .execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                &[
                    Value::Int(migration.version),
                    Value::from(migration.name),
                    Value::from("2026-01-01T00:00:00Z"),
                ],
            )
            .unwrap();
    }
    database
        .execute_batch(
            "INSERT INTO data_assets (id, name, category, system, contains_personal_data, record_count, update_frequency, sent_to) \
             VALUES (7, 'Rapports de subvention', 'grants', 'Tableur', TRUE, 20, 'yearly', '[3]')",
        )
        .unwrap();
    drop(database);

    let store = Store::connect(&place.url).unwrap();
    assert_eq!(store.migrate(&mut |_| {}).unwrap(), vec![16, 17, 18, 19, 20]);
    let asset = store.read(|session| session.get_any::<DataAsset>(7)).unwrap().unwrap();
    assert_eq!(asset.categories, vec![DataCategory::Grants]);
    assert_eq!(asset.format, DataFormat::Other);
    assert_eq!(asset.quality, DeclaredQuality::Unknown);
    assert_eq!(asset.owner, None);
    assert_eq!(
        (
            asset.name.as_str(),
            asset.system.as_deref(),
            asset.contains_personal_data
        ),
        ("Rapports de subvention", Some("Tableur"), true)
    );
    assert_eq!(
        (asset.record_count, asset.update_frequency),
        (Some(20), Frequency::Yearly)
    );
    assert_eq!(asset.sent_to, vec![OrganizationId(3)]);
}

/// A member keeps at most one settlement per performance: a second copy is refused by the
/// database itself and nothing of its transaction is kept; another member's copy is allowed.
fn check_one_settlement_per_performance_and_keeper(store: &Store) {
    insert_world(store);
    insert_second_member(store);
    assert_eq!(store.write(|s| s.kept_settlement(1, MemberId(1))).unwrap(), Some(1));
    assert_eq!(store.write(|s| s.kept_settlement(1, MemberId(2))).unwrap(), None);
    let second = Settlement {
        paid: 7,
        ..Settlement::fixture_with(2, provenance(1, 1, 2))
    };
    let refused = store.write(|s| {
        s.insert(&[Performance::fixture_with(9, provenance(1, 1, 9))])?;
        s.insert(std::slice::from_ref(&second))
    });
    assert!(matches!(refused, Err(StoreError::Sql(_))), "{refused:?}");
    assert_eq!(store.count::<Settlement>().unwrap(), 1);
    assert!(
        store.get_any::<Performance>(9).unwrap().is_none(),
        "nothing of the write is kept"
    );
    let theirs = Settlement::fixture_with(2, provenance(2, 1, 2));
    store.write(|s| s.insert(std::slice::from_ref(&theirs))).unwrap();
    assert_eq!(store.write(|s| s.kept_settlement(1, MemberId(2))).unwrap(), Some(2));
}

/// Two members' copies of one performance's settlement: told apart when a figure differs, on
/// both sides, and not when they agree.
fn check_differing_settlements_are_told_without_figures(store: &Store) {
    insert_world(store);
    insert_second_member(store);
    let copy = Settlement {
        paid: 511,
        ..Settlement::fixture_with(2, provenance(2, 1, 2))
    };
    store.write(|s| s.insert(std::slice::from_ref(&copy))).unwrap();
    let differing = |member: i64| store.write(|s| s.differing_settlements(MemberId(member))).unwrap();
    assert_eq!((differing(1), differing(2)), (vec![(1, 2)], vec![(1, 1)]));
    store
        .write(|s| {
            s.update(&Settlement {
                paid: 512,
                ..copy.clone()
            })
        })
        .unwrap();
    assert!(differing(1).is_empty() && differing(2).is_empty());
}

/// Tickets sold in a month across the pool: only members sharing with the whole consortium for
/// pooled statistics count; a figure from one member, or one that a contributing member could
/// subtract its own people from to see fewer than k others, is hidden; a month is released once
/// and asking again after a person withdrew or a member joined gives the same figures; people who
/// withdrew count nowhere in months released after.
fn check_pooled_figures_are_protected_and_released_once(store: &Store) {
    use ensemble_privacy::disclosure::{Figure, Hidden, Rules};
    use ensemble_store::{Month, Requester, StoreError};
    insert_world(store);
    insert_second_member(store);
    assert_eq!(store.write(|s| s.disclosure_rules()).unwrap(), Rules::default());
    let refused = store.write(|s| {
        s.set_disclosure_rules(&Rules {
            min_members: 0,
            ..Rules::default()
        })
    });
    assert!(matches!(refused, Err(StoreError::InvalidRules)), "{refused:?}");
    let rules = Rules {
        min_members: 2,
        ..Rules::default()
    };
    store.write(|s| s.set_disclosure_rules(&rules)).unwrap();
    assert_eq!(store.write(|s| s.disclosure_rules()).unwrap(), rules);

    let sharing = |id: i64, member: i64, recipient: Option<i64>| SharingAgreement {
        provider_id: MemberId(member),
        recipient_member_id: recipient.map(MemberId),
        dataset: Dataset::TicketAggregates,
        level: SharingLevel::Aggregate,
        purpose: Purpose::PooledStatistics,
        valid_from: date(2025, 1, 1),
        valid_until: None,
        leaves_quebec: false,
        privacy_impact_assessment_on_file: false,
        ..SharingAgreement::fixture_with(id, provenance(member, 1, id))
    };
    let november = Performance {
        starts_at: moment("2025-11-05T20:00:00-05:00"),
        ..Performance::fixture_with(2, provenance(1, 1, 2))
    };
    let mut next = 100;
    let mut lines = Vec::new();
    let mut sell = |member: i64, performance: i64, channel: SalesChannel, buyers: std::ops::Range<u64>| {
        for buyer in buyers {
            next += 1;
            lines.push(TicketSale {
                performance_id: PerformanceId(performance),
                quantity: 1,
                channel,
                buyer_key: Some(key(buyer)),
                ..TicketSale::fixture_with(next, provenance(member, 1, next))
            });
        }
    };
    // October (performance 1, circus): the web has 12 + 12 people from two members; the box
    // office one member's 15; the phone 15 people of member 1 and 3 of member 2.
    sell(1, 1, SalesChannel::Web, 1_000..1_012);
    sell(2, 1, SalesChannel::Web, 2_000..2_012);
    sell(1, 1, SalesChannel::BoxOffice, 1_100..1_115);
    sell(1, 1, SalesChannel::Phone, 1_200..1_215);
    sell(2, 1, SalesChannel::Phone, 2_100..2_103);
    // November (performance 2): 10 and 11 on the web.
    sell(1, 2, SalesChannel::Web, 1_000..1_010);
    sell(2, 2, SalesChannel::Web, 2_000..2_011);
    store
        .write(|s| {
            s.delete::<SharingAgreement>(1)?;
            s.delete::<TicketSale>(1)?;
            s.insert(std::slice::from_ref(&november))?;
            s.insert(&lines)?;
            // Member 1 and 2 share with the consortium; member 2 also with member 1 alone, in
            // detail, which changes nothing to the pool.
            s.insert(&[
                sharing(10, 1, None),
                sharing(11, 2, None),
                SharingAgreement {
                    level: SharingLevel::Detail,
                    ..sharing(12, 2, Some(1))
                },
            ])
        })
        .unwrap();
    let asking = |member: i64| Requester {
        channel: "web",
        user_id: Some(member),
        member: Some(MemberId(member)),
        purpose: Purpose::PooledStatistics,
    };
    let now = |text: &str| moment(text).with_timezone(&chrono::Utc);
    let october = Month::parse("2025-10").unwrap();
    let released = store
        .write(|s| s.pooled_ticket_sales(&asking(1), october, now("2026-11-28T10:00:00-05:00")))
        .unwrap();
    assert_eq!(released.pool_members, 2);
    assert_eq!(released.agreements, vec![10, 11]);
    let row = released.rows.iter().position(|code| code == "Cirque").unwrap();
    let column = |channel: SalesChannel| released.columns.iter().position(|code| code == channel.code()).unwrap();
    let cells = &released.figures.cells[row];
    assert_eq!(cells[column(SalesChannel::Web)], Figure::Shown(24));
    assert_eq!(
        cells[column(SalesChannel::BoxOffice)],
        Figure::Hidden(Hidden::TooFewMembers)
    );
    assert_eq!(
        cells[column(SalesChannel::Phone)],
        Figure::Hidden(Hidden::MostlyOneMember)
    );
    assert_eq!(cells[column(SalesChannel::Reseller)], Figure::Shown(0));
    assert_eq!(released.figures.total, Figure::Shown(57));

    // Asked again by another member, after a buyer withdrew and a third member joined the
    // pool: the same release.
    store
        .write(|s| {
            s.withdraw_consent(
                &key(2_000),
                Purpose::PooledStatistics,
                &[MemberId(1), MemberId(2)],
                moment("2026-11-28T11:00:00-05:00"),
            )?;
            s.insert(&[sharing(13, 1, None)])
        })
        .unwrap();
    let again = store
        .write(|s| s.pooled_ticket_sales(&asking(2), october, now("2026-11-29T10:00:00-05:00")))
        .unwrap();
    assert_eq!(again, released, "a released month never changes");

    // November, released after the withdrawal: the person counts nowhere (21 tickets, 20 shown).
    let later = store
        .write(|s| {
            s.pooled_ticket_sales(
                &asking(1),
                Month::parse("2025-11").unwrap(),
                now("2026-11-29T10:00:00-05:00"),
            )
        })
        .unwrap();
    assert_eq!(later.figures.cells[row][column(SalesChannel::Web)], Figure::Shown(20));

    let months = store.write(|s| s.pooled_months(date(2026, 11, 29))).unwrap();
    assert_eq!(
        months.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["2025-11", "2025-10"],
        "the months with pooled sales, the latest first"
    );

    // A month not over two weeks ago is not released.
    let early = store.write(|s| {
        s.pooled_ticket_sales(
            &asking(1),
            Month::parse("2026-11").unwrap(),
            now("2026-12-14T10:00:00-05:00"),
        )
    });
    assert!(
        matches!(early, Err(StoreError::NotReleased(ref month)) if month == "2026-11"),
        "{early:?}"
    );

    let actions: Vec<String> = store
        .write(|s| s.audit_entries(None, 100))
        .unwrap()
        .into_iter()
        .map(|entry| entry.action)
        .collect();
    let count = |action: &str| actions.iter().filter(|a| *a == action).count();
    assert_eq!((count("pooled-release"), count("pooled-query")), (2, 3));
}

/// Withdrawing a consent ends it in every member from then on (a refusal is recorded where none
/// was), and the person is left out of figures pooled for that purpose after, not before.
fn check_consent_withdrawal_leaves_people_out_of_pooling(store: &Store) {
    insert_world(store);
    insert_second_member(store);
    store.write(|s| s.delete::<Consent>(1)).unwrap();
    let person = key(77);
    store
        .insert(&[Consent {
            person_key: person.clone(),
            purpose: Purpose::PooledStatistics,
            granted: true,
            withdrawn_at: None,
            recorded_at: moment("2025-01-01T10:00:00-05:00"),
            ..Consent::fixture_with(300, provenance(1, 1, 300))
        }])
        .unwrap();
    let before = moment("2026-11-01T00:00:00-04:00");
    let when = moment("2026-11-28T10:00:00-05:00");
    let after = moment("2026-11-29T00:00:00-05:00");
    assert!(
        !store
            .read(|s| s.left_out_of_pooling(Purpose::PooledStatistics, after))
            .unwrap()
            .contains(&person.0)
    );
    let changed = store
        .write(|s| s.withdraw_consent(&person, Purpose::PooledStatistics, &[MemberId(1), MemberId(2)], when))
        .unwrap();
    assert_eq!(changed, 2, "withdrawn at member 1, refusal recorded at member 2");
    let consents = store.read(|s| s.person_records(&person)).unwrap().consents;
    assert_eq!(consents.len(), 2);
    assert!(consents.iter().all(|c| c.withdrawn_at.is_some()));
    let left_out = |at| {
        store
            .read(|s| s.left_out_of_pooling(Purpose::PooledStatistics, at))
            .unwrap()
    };
    assert!(left_out(after).contains(&person.0));
    assert!(
        !left_out(before).contains(&person.0),
        "figures pooled before the withdrawal stand"
    );
    assert!(
        !store
            .read(|s| s.left_out_of_pooling(Purpose::Marketing, after))
            .unwrap()
            .contains(&person.0),
        "another purpose is not affected"
    );
}

/// The purge unlinks buyers whose last purchase at a member is older than the longest rule (a
/// later purchase keeps all their lines there), deletes consents withdrawn too long ago and
/// settled quarantine; a dry run only counts.
fn check_purge_follows_retention(store: &Store) {
    use ensemble_store::RetentionRule;
    insert_world(store);
    insert_second_member(store);
    store.write(|s| s.delete::<Consent>(1)).unwrap();
    store
        .write(|s| {
            s.set_retention_rule(&RetentionRule {
                dataset: "buyer-links".into(),
                purpose: "research".into(),
                months: 24,
            })?;
            s.set_retention_rule(&RetentionRule {
                dataset: "buyer-links".into(),
                purpose: "pooled-statistics".into(),
                months: 24,
            })
        })
        .unwrap();
    let rules = store.read(|s| s.retention_rules()).unwrap();
    assert!(
        rules
            .iter()
            .any(|r| r.dataset == "buyer-links" && r.purpose == "marketing" && r.months == 36)
    );
    // The longest buyer-links rule is 36 months: on 2026-11-28 the cutoff is 2023-11-28.
    let sale = |id: i64, member: i64, buyer: u64, at: &str| TicketSale {
        buyer_key: Some(key(buyer)),
        fsa: Some("H2X".to_string()),
        sold_at: moment(at),
        ..TicketSale::fixture_with(id, provenance(member, 1, id))
    };
    store
        .insert(&[
            sale(200, 1, 7, "2023-06-01T20:00:00-04:00"),
            sale(201, 1, 7, "2023-10-01T20:00:00-04:00"),
            sale(202, 2, 7, "2025-01-10T20:00:00-05:00"),
            sale(203, 1, 8, "2023-06-01T20:00:00-04:00"),
            sale(204, 1, 8, "2024-02-01T20:00:00-05:00"),
            sale(205, 1, 9, "2023-11-29T12:00:00-05:00"),
        ])
        .unwrap();
    store
        .insert(&[
            Consent {
                person_key: key(7),
                withdrawn_at: Some(moment("2025-10-01T10:00:00-04:00")),
                ..Consent::fixture_with(200, provenance(1, 1, 200))
            },
            Consent {
                person_key: key(8),
                withdrawn_at: Some(moment("2026-01-15T10:00:00-05:00")),
                ..Consent::fixture_with(201, provenance(1, 1, 201))
            },
        ])
        .unwrap();
    let today = date(2026, 11, 28);
    let plan = store.write(|s| s.purge(today, true)).unwrap();
    assert_eq!(
        (plan.buyer_lines, plan.buyers),
        (2, 1),
        "buyer 7 at member 1 only: {plan:?}"
    );
    assert_eq!(plan.consents, 1, "withdrawn more than 12 months ago");
    assert_eq!(plan.cutoffs[0], ("buyer-links".to_string(), Some(date(2023, 11, 28))));
    assert!(
        store.get_any::<TicketSale>(200).unwrap().unwrap().buyer_key.is_some(),
        "a dry run keeps all"
    );
    let done = store.write(|s| s.purge(today, false)).unwrap();
    assert_eq!(done, plan);
    for (id, linked) in [
        (200, false),
        (201, false),
        (202, true),
        (203, true),
        (204, true),
        (205, true),
    ] {
        let sale = store.get_any::<TicketSale>(id).unwrap().unwrap();
        assert_eq!(sale.buyer_key.is_some(), linked, "line {id}");
        assert_eq!(sale.fsa.is_some(), linked, "line {id}");
    }
    assert!(store.get_any::<Consent>(200).unwrap().is_none());
    assert!(store.get_any::<Consent>(201).unwrap().is_some());
    assert_eq!(
        store.write(|s| s.purge(today, false)).unwrap().buyer_lines,
        0,
        "nothing left"
    );
}

/// A person's records are found in every member by pseudonym; erasure unlinks their ticket lines
/// and deletes their consents without touching anyone else's; requests are due in 30 days;
/// incidents are kept with the regulation's fields.
fn check_rights_requests_and_incidents(store: &Store) {
    insert_world(store);
    insert_second_member(store);
    let person = key(42);
    let other = key(43);
    let sale = |id: i64, member: i64, buyer: &PersonKey| TicketSale {
        buyer_key: Some(buyer.clone()),
        fsa: Some("H2X".to_string()),
        ..TicketSale::fixture_with(id, provenance(member, 1, id))
    };
    store
        .insert(&[sale(100, 1, &person), sale(101, 2, &person), sale(102, 1, &other)])
        .unwrap();
    store
        .insert(&[Consent {
            person_key: person.clone(),
            ..Consent::fixture_with(100, provenance(2, 1, 100))
        }])
        .unwrap();
    let found = store.read(|s| s.person_records(&person)).unwrap();
    assert_eq!(
        found.ticket_sales.iter().map(|s| s.id.0).collect::<Vec<_>>(),
        vec![100, 101]
    );
    assert_eq!(found.consents.len(), 1);
    assert_eq!(found.members(), vec![MemberId(1), MemberId(2)]);

    let request = store
        .write(|s| s.insert_rights_request("erasure", &person, date(2026, 11, 28)))
        .unwrap();
    assert_eq!(request.due_on, date(2026, 12, 28));
    assert_eq!(store.write(|s| s.rectify_person_fsa(&person, "G1R")).unwrap(), 2);
    assert_eq!(store.write(|s| s.erase_person(&person)).unwrap(), (2, 1));
    assert!(
        store
            .read(|s| s.person_records(&person))
            .unwrap()
            .ticket_sales
            .is_empty()
    );
    let kept = store.get_any::<TicketSale>(100).unwrap().unwrap();
    assert_eq!(
        (kept.buyer_key, kept.fsa.as_deref()),
        (None, None),
        "the sale stays, unlinked"
    );
    assert_eq!(store.read(|s| s.person_records(&other)).unwrap().ticket_sales.len(), 1);
    assert!(
        store
            .write(|s| s.close_rights_request(
                request.id,
                Some(1),
                "2 lines, 1 consent",
                moment("2026-12-01T10:00:00-05:00")
            ))
            .unwrap()
    );
    let listed = store.read(|s| s.rights_requests()).unwrap();
    assert_eq!(listed[0].status, "closed");
    assert_eq!(listed[0].outcome, "2 lines, 1 consent");

    let incident = ensemble_store::Incident {
        id: 0,
        member_id: Some(MemberId(2)),
        occurred_on: None,
        discovered_on: date(2026, 11, 20),
        description: "Courriel envoyé au mauvais destinataire".to_string(),
        information_concerned: "Liste d'abonnés (pseudonymes)".to_string(),
        people_affected: Some(12),
        serious_injury_risk: false,
        risk_assessment: "Faible : pseudonymes seulement".to_string(),
        measures_taken: "Rappel du message".to_string(),
        commission_notified_on: None,
        people_notified_on: Some(date(2026, 11, 21)),
        recorded_by: Some(1),
        recorded_at: moment("2026-11-21T09:00:00-05:00"),
    };
    let saved = store.write(|s| s.insert_incident(&incident)).unwrap();
    assert_eq!(saved.id, 1);
    let register = store.read(|s| s.incidents(Some(MemberId(2)))).unwrap();
    assert_eq!(register, vec![saved]);
    assert!(store.read(|s| s.incidents(Some(MemberId(1)))).unwrap().is_empty());
}

/// A grant gives a member its own data in detail and another member's only under an agreement in
/// force on the day, for that dataset and purpose, to that member or the whole consortium, with an
/// assessment on file when the data leaves Québec; each grant is written to the audit trail.
fn check_grants_follow_agreements(store: &Store) {
    use ensemble_store::Requester;
    insert_world(store);
    insert_second_member(store);
    store.write(|session| session.delete::<SharingAgreement>(1)).unwrap();
    let today = date(2026, 11, 28);
    let base = SharingAgreement {
        provider_id: MemberId(1),
        recipient_member_id: Some(MemberId(2)),
        dataset: Dataset::Settlements,
        level: SharingLevel::Detail,
        purpose: Purpose::Reporting,
        valid_from: date(2026, 1, 1),
        valid_until: None,
        leaves_quebec: false,
        privacy_impact_assessment_on_file: false,
        ..SharingAgreement::fixture_with(10, provenance(1, 1, 10))
    };
    let asking = |member: Option<i64>, purpose: Purpose| Requester {
        channel: "web",
        user_id: Some(7),
        member: member.map(MemberId),
        purpose,
    };
    let cases: Vec<(&str, Option<SharingAgreement>, Option<i64>, Purpose, SharingLevel)> = vec![
        ("no agreement", None, Some(2), Purpose::Reporting, SharingLevel::None),
        (
            "in force",
            Some(base.clone()),
            Some(2),
            Purpose::Reporting,
            SharingLevel::Detail,
        ),
        (
            "another purpose",
            Some(base.clone()),
            Some(2),
            Purpose::Marketing,
            SharingLevel::None,
        ),
        (
            "another dataset",
            Some(SharingAgreement {
                dataset: Dataset::Engagements,
                ..base.clone()
            }),
            Some(2),
            Purpose::Reporting,
            SharingLevel::None,
        ),
        (
            "ended yesterday",
            Some(SharingAgreement {
                valid_until: Some(date(2026, 11, 27)),
                ..base.clone()
            }),
            Some(2),
            Purpose::Reporting,
            SharingLevel::None,
        ),
        (
            "ends today",
            Some(SharingAgreement {
                valid_until: Some(today),
                ..base.clone()
            }),
            Some(2),
            Purpose::Reporting,
            SharingLevel::Detail,
        ),
        (
            "starts today",
            Some(SharingAgreement {
                valid_from: today,
                ..base.clone()
            }),
            Some(2),
            Purpose::Reporting,
            SharingLevel::Detail,
        ),
        (
            "starts tomorrow",
            Some(SharingAgreement {
                valid_from: date(2026, 11, 29),
                ..base.clone()
            }),
            Some(2),
            Purpose::Reporting,
            SharingLevel::None,
        ),
        (
            "whole consortium",
            Some(SharingAgreement {
                recipient_member_id: None,
                level: SharingLevel::Aggregate,
                ..base.clone()
            }),
            Some(2),
            Purpose::Reporting,
            SharingLevel::Aggregate,
        ),
        (
            "not to the coordination",
            Some(SharingAgreement {
                recipient_member_id: None,
                ..base.clone()
            }),
            None,
            Purpose::Reporting,
            SharingLevel::None,
        ),
        (
            "leaves Québec, no assessment",
            Some(SharingAgreement {
                leaves_quebec: true,
                ..base.clone()
            }),
            Some(2),
            Purpose::Reporting,
            SharingLevel::None,
        ),
        (
            "leaves Québec, assessed",
            Some(SharingAgreement {
                leaves_quebec: true,
                privacy_impact_assessment_on_file: true,
                ..base.clone()
            }),
            Some(2),
            Purpose::Reporting,
            SharingLevel::Detail,
        ),
        (
            "to someone else",
            Some(SharingAgreement {
                recipient_member_id: Some(MemberId(1)),
                ..base.clone()
            }),
            Some(2),
            Purpose::Reporting,
            SharingLevel::None,
        ),
    ];
    for (name, agreement, member, purpose, expected) in cases {
        store.write(|session| session.delete::<SharingAgreement>(10)).unwrap();
        if let Some(agreement) = agreement {
            store.insert(&[agreement]).unwrap();
        }
        let grant = store
            .write(|session| session.grant(&asking(member, purpose), Dataset::Settlements, today))
            .unwrap();
        assert_eq!(grant.level(MemberId(1)), expected, "{name}");
        if let Some(own) = member {
            assert_eq!(grant.level(MemberId(own)), SharingLevel::Detail, "{name}: own data");
        }
        let entry = store.read(|session| session.audit_head()).unwrap().unwrap();
        assert_eq!(
            (entry.action.as_str(), entry.subject.as_str()),
            ("data-access", "settlements"),
            "{name}"
        );
    }
    let trail = store.read(|session| session.verify_audit()).unwrap();
    assert_eq!(trail, (13, None));

    // Reads through a grant: the dataset and the level must match.
    store.write(|session| session.delete::<SharingAgreement>(10)).unwrap();
    store.insert(std::slice::from_ref(&base)).unwrap();
    let granted = |dataset: Dataset| {
        store
            .write(|session| session.grant(&asking(Some(2), Purpose::Reporting), dataset, today))
            .unwrap()
    };
    let settlements = granted(Dataset::Settlements);
    let read: Vec<Settlement> = store
        .read(|session| session.granted(&settlements, MemberId(1), &ListFilter::default()))
        .unwrap();
    assert_eq!(read.len(), 1, "member 1's settlement, under the agreement");
    let other_dataset: Vec<TicketSale> = store
        .read(|session| session.granted(&settlements, MemberId(1), &ListFilter::default()))
        .unwrap();
    assert!(other_dataset.is_empty(), "a settlements grant reads no ticket line");
    assert!(
        store
            .read(|session| session.granted_get::<Settlement>(&settlements, 1))
            .unwrap()
            .is_some()
    );
    let tickets = granted(Dataset::TicketAggregates);
    assert!(
        store
            .read(|session| session.granted::<TicketSale>(&tickets, MemberId(1), &ListFilter::default()))
            .unwrap()
            .is_empty(),
        "no agreement on ticket data"
    );
    let given = store.read(|session| session.agreements_of(MemberId(2))).unwrap();
    assert_eq!(given.len(), 1, "the agreement in force names member 2");
    assert_eq!(
        store.read(|session| session.agreements_of(MemberId(1))).unwrap().len(),
        1
    );
}

/// The audit trail is a chain: editing an entry, even with its hash recomputed, or deleting one is
/// found at the first broken link; deleting the last one changes the head.
fn check_audit_chain_shows_edits_and_deletions(store: &Store, url: &str) {
    use ensemble_store::{AuditEvent, Broken};
    insert_world(store);
    let now = chrono::Utc::now();
    for number in 1..=5 {
        let event = AuditEvent {
            channel: "web",
            user_id: Some(number),
            member_id: Some(MemberId(1)),
            action: if number == 4 {
                ensemble_store::AuditAction::PooledQuery
            } else {
                ensemble_store::AuditAction::Import
            },
            subject: format!("lot {number}"),
            detail: serde_json::json!({"rows": number * 10, "fichier": "ventes-2026.csv"}),
        };
        let entry = store.write(|session| session.append_audit(&event, now)).unwrap();
        assert_eq!(entry.id, number);
    }
    let verify = || store.read(|session| session.verify_audit()).unwrap();
    assert_eq!(verify(), (5, None));
    let head = store.read(|session| session.audit_head()).unwrap().unwrap();
    assert_eq!(head.id, 5);
    let listed = store
        .read(|session| session.audit_entries(Some(MemberId(1)), 2))
        .unwrap();
    assert_eq!(listed.iter().map(|entry| entry.id).collect::<Vec<_>>(), vec![5, 4]);
    let imports = store
        .read(|session| session.audit_actions(MemberId(1), ensemble_store::AuditAction::Import, 3))
        .unwrap();
    assert_eq!(imports.iter().map(|entry| entry.id).collect::<Vec<_>>(), vec![5, 3, 2]);

    let mut database = raw(url);
    database
        .execute("UPDATE audit_log SET subject = 'lot 99' WHERE id = 3", &[])
        .unwrap();
    assert_eq!(verify(), (2, Some(Broken::Altered { id: 3 })));
    // Recomputing the edited entry's hash moves the break to the next entry.
    let mut edited = store.read(|session| session.audit_entries(None, 10)).unwrap().remove(2);
    assert_eq!(edited.id, 3);
    edited.hash = edited.expected_hash();
    database
        .execute(
            "UPDATE audit_log SET hash = ? WHERE id = 3",
            &[Value::from(edited.hash.as_str())],
        )
        .unwrap();
    assert_eq!(verify(), (3, Some(Broken::Unchained { id: 4 })));
    database.execute("DELETE FROM audit_log WHERE id = 2", &[]).unwrap();
    assert_eq!(verify(), (1, Some(Broken::Missing { id: 2 })));

    // A fresh chain whose last entry is deleted still verifies, but its head is no longer the
    // one noted before.
    database.execute("DELETE FROM audit_log", &[]).unwrap();
    for number in 1..=3 {
        let event = AuditEvent {
            channel: "cli",
            user_id: None,
            member_id: None,
            action: ensemble_store::AuditAction::Rollback,
            subject: format!("lot {number}"),
            detail: serde_json::json!({}),
        };
        store.write(|session| session.append_audit(&event, now)).unwrap();
    }
    let noted = store.read(|session| session.audit_head()).unwrap().unwrap().hash;
    database.execute("DELETE FROM audit_log WHERE id = 3", &[]).unwrap();
    assert_eq!(verify(), (2, None));
    assert_ne!(store.read(|session| session.audit_head()).unwrap().unwrap().hash, noted);
}

/// Extra reading connections see every committed write at once and serve reads from several
/// threads side by side; a failed write leaves them nothing to see.
fn check_readers_see_what_was_written(_store: &Store, url: &str) {
    let mut served = Store::open(url).unwrap();
    served.add_readers(url, 2).unwrap();
    insert_world(&served);
    assert_eq!(served.count::<Performance>().unwrap(), 1);
    let failed: Result<(), StoreError> = served.write(|session| {
        session.insert(&[Performance::fixture_with(2, provenance(1, 1, 2))])?;
        Err(StoreError::Sql("abandoned".into()))
    });
    assert!(failed.is_err());
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                // Before the concurrent write, 1; after, 2; never back.
                let mut seen = 1;
                for _ in 0..20 {
                    let now = served.count::<Performance>().unwrap();
                    assert!(now == seen || (seen == 1 && now == 2), "{seen} then {now}");
                    seen = now;
                    assert!(served.get::<Show>(1).unwrap().is_some());
                }
            });
        }
        scope.spawn(|| {
            served
                .write(|session| session.insert(&[Performance::fixture_with(3, provenance(1, 1, 3))]))
                .unwrap();
        });
    });
    assert_eq!(
        served.count::<Performance>().unwrap(),
        2,
        "the write is seen by the readers"
    );
}

/// The catalogue's pages: filters by season (boundaries in Québec time), region, discipline
/// codes, place, text; totals over all pages; related records attached; holdings per member.
fn check_catalog_pages_and_filters(store: &Store) {
    use ensemble_store::{OrganizationFilter, PerformanceFilter, PlaceFilter, ShowFilter, Window};
    insert_world(store);
    store
        .write(|session| {
            session.insert(&[Place {
                name: "Salle Fictive de Montréal".to_string(),
                municipality: Some("Montréal".to_string()),
                region_code: Some(RegionCode::new("06")),
                ..Place::fixture_with(2, provenance(1, 1, 2))
            }])?;
            session.insert(&[Hall {
                place_id: PlaceId(2),
                ..Hall::fixture_with(2, provenance(1, 1, 2))
            }])?;
            session.insert(&[Show {
                title_fr: "Danse imaginaire".to_string(),
                disciplines: vec![DisciplineCode::new("Ballet")],
                ..Show::fixture_with(2, provenance(1, 1, 2))
            }])?;
            let performance = |id: i64, show: i64, hall: i64, at: &str| Performance {
                show_id: ShowId(show),
                hall_id: HallId(hall),
                starts_at: moment(at),
                ..Performance::fixture_with(id, provenance(1, 1, id))
            };
            session.insert(&[
                performance(2, 2, 2, "2025-08-31T20:00:00-04:00"),
                performance(3, 2, 2, "2025-09-01T19:30:00-04:00"),
                performance(4, 1, 2, "2026-08-31T20:00:00-04:00"),
                performance(5, 2, 1, "2026-09-12T20:00:00-04:00"),
            ])
        })
        .unwrap();
    let all = Window { limit: 100, offset: 0 };
    let performances = |filter: PerformanceFilter, window: Window| {
        store
            .read(|session| session.performances_page(&filter, window))
            .unwrap()
    };
    let ids = |page: &ensemble_store::Page<ensemble_store::PerformanceView>| -> Vec<i64> {
        page.items.iter().map(|view| view.performance.id.0).collect()
    };
    let everything = performances(PerformanceFilter::default(), all);
    assert_eq!(everything.total, 5);
    assert_eq!(ids(&everything), vec![2, 3, 1, 4, 5], "by date");
    let first = &everything.items[0];
    assert_eq!(first.show.as_ref().unwrap().title_fr, "Danse imaginaire");
    assert_eq!(first.place.as_ref().unwrap().id, PlaceId(2));
    assert!(first.hall.is_some() && first.presenter.is_some());

    let season = |year| {
        performances(
            PerformanceFilter {
                season: Some(year),
                ..Default::default()
            },
            all,
        )
    };
    assert_eq!(ids(&season(2024)), vec![2]);
    assert_eq!(ids(&season(2025)), vec![3, 1, 4]);
    assert_eq!(ids(&season(2026)), vec![5]);
    let montreal = performances(
        PerformanceFilter {
            region: Some("06".into()),
            ..Default::default()
        },
        all,
    );
    assert_eq!(ids(&montreal), vec![2, 3, 4]);
    let dance = performances(
        PerformanceFilter {
            disciplines: vec!["Danse".into(), "Ballet".into()],
            ..Default::default()
        },
        all,
    );
    assert_eq!(ids(&dance), vec![2, 3, 5]);
    let at_place = performances(
        PerformanceFilter {
            place: Some(1),
            ..Default::default()
        },
        all,
    );
    assert_eq!(ids(&at_place), vec![1, 5]);
    let second_page = performances(PerformanceFilter::default(), Window { limit: 2, offset: 2 });
    assert_eq!((ids(&second_page), second_page.total), (vec![1, 4], 5));

    let shows = store
        .read(|session| {
            session.shows_page(
                &ShowFilter {
                    text: Some("DANSE".into()),
                    ..Default::default()
                },
                all,
            )
        })
        .unwrap();
    assert_eq!(shows.items.iter().map(|show| show.id.0).collect::<Vec<_>>(), vec![2]);
    // `%`, `_` and `\` are searched as letters, not as patterns that match every title: only
    // the title with a backslash (the tricky text) holds one of them.
    for (text, expected) in [("%", 0), ("_", 0), ("%_", 0), ("\\", 1), ("c:\\sc", 1)] {
        let found = store
            .read(|session| {
                session.shows_page(
                    &ShowFilter {
                        text: Some(text.into()),
                        ..Default::default()
                    },
                    all,
                )
            })
            .unwrap();
        assert_eq!(found.total, expected, "{text}");
    }
    let places = store
        .read(|session| {
            session.places_page(
                &PlaceFilter {
                    region: Some("06".into()),
                    ..Default::default()
                },
                all,
            )
        })
        .unwrap();
    assert_eq!(places.total, 1);
    assert_eq!(places.items[0].halls.len(), 1);
    let organizations = store
        .read(|session| session.organizations_page(&OrganizationFilter::default(), all))
        .unwrap();
    assert_eq!(organizations.total, 1);
    assert_eq!(
        store.read(|session| session.performance_seasons()).unwrap(),
        vec![2024, 2025, 2026]
    );
    let holdings = store.read(|session| session.holdings_any(MemberId(1))).unwrap();
    assert!(holdings.contains(&("performances", 5)), "{holdings:?}");
    assert_eq!(
        store
            .read(|session| session.open_quarantine_count_any(MemberId(1)))
            .unwrap(),
        0
    );
}

/// Users, sessions and API tokens: logins without regard to case, expired sessions and disabled
/// accounts refused, tokens found by digest only.
fn check_accounts(store: &Store) {
    insert_world(store);
    let user = |id: i64, login: &str, member: Option<i64>, role: Role| ensemble_store::User {
        id,
        login: login.to_string(),
        display_name: "Personne Fictive".to_string(),
        member_id: member.map(MemberId),
        role,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2VsZmljdGlm$aGFzaGZpY3RpZg".to_string(),
        created_at: moment("2026-11-28T09:00:00-05:00"),
        disabled: false,
    };
    let now = moment("2026-11-28T12:00:00-05:00");
    store
        .write(|session| {
            assert_eq!(session.next_user_id()?, 1);
            session.insert_user(&user(1, "Coordination@Ensemble.example", None, Role::Coordinator))?;
            session.insert_user(&user(2, "admin@membre.example", Some(1), Role::MemberAdmin))?;
            session.insert_user(&ensemble_store::User {
                disabled: true,
                ..user(3, "parti@membre.example", Some(1), Role::Viewer)
            })?;
            session.insert_session("jeton-valide", 2, "csrf-1", now, moment("2026-11-28T20:00:00-05:00"))?;
            session.insert_session("jeton-expire", 2, "csrf-2", now, moment("2026-11-28T11:00:00-05:00"))?;
            session.insert_session("jeton-desactive", 3, "csrf-3", now, moment("2026-11-28T20:00:00-05:00"))?;
            session.insert_api_token("api-1", 2, "tableur", now)?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
    let found = store
        .read(|s| s.user_by_login(" COORDINATION@ensemble.example "))
        .unwrap()
        .unwrap();
    assert_eq!(found.login, "coordination@ensemble.example");
    assert_eq!((found.role, found.member_id), (Role::Coordinator, None));
    assert_eq!(found.created_at, moment("2026-11-28T09:00:00-05:00"));
    assert_eq!(store.read(|s| s.users(Some(MemberId(1)))).unwrap().len(), 2);
    assert_eq!(store.read(|s| s.users(None)).unwrap().len(), 3);
    let (user2, csrf) = store.read(|s| s.session_user("jeton-valide", now)).unwrap().unwrap();
    assert_eq!((user2.id, csrf.as_str()), (2, "csrf-1"));
    assert!(store.read(|s| s.session_user("jeton-expire", now)).unwrap().is_none());
    assert!(
        store
            .read(|s| s.session_user("jeton-desactive", now))
            .unwrap()
            .is_none()
    );
    assert!(store.read(|s| s.session_user("inconnu", now)).unwrap().is_none());
    assert_eq!(store.read(|s| s.api_token_user("api-1")).unwrap().unwrap().id, 2);
    assert!(store.write(|s| s.delete_session("jeton-valide")).unwrap());
    assert!(store.read(|s| s.session_user("jeton-valide", now)).unwrap().is_none());
    // A login is unique whatever its case.
    let duplicate = store.write(|s| s.insert_user(&user(4, "ADMIN@membre.example", Some(1), Role::Viewer)));
    assert!(duplicate.is_err());
}

/// Natural keys are found per member and table, listed, and forgotten with their batch.
fn check_record_keys(store: &Store) {
    insert_world(store);
    insert_second_member(store);
    store
        .write(|session| {
            session.insert(&[batch(2, 1)])?;
            let keys: Vec<String> = (0..2500).map(|n| format!("{n:032x}")).collect();
            session.insert_keys(
                MemberId(1),
                BatchId(2),
                keys.iter()
                    .enumerate()
                    .map(|(n, key)| ("ticket_sales", key.as_str(), n as i64 + 10)),
            )?;
            session.insert_keys(MemberId(1), BatchId(1), [("places", "lieu", 1)].into_iter())?;
            session.insert_keys(
                MemberId(2),
                BatchId(1),
                [("ticket_sales", keys[0].as_str(), 99)].into_iter(),
            )
        })
        .unwrap();
    let wanted: Vec<String> = vec![format!("{:032x}", 0), format!("{:032x}", 2499), "absente".to_string()];
    let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
    let found = store
        .read(|session| session.existing_keys(MemberId(1), "ticket_sales", &wanted))
        .unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(found[&format!("{:032x}", 0)], 10);
    assert_eq!(found[&format!("{:032x}", 2499)], 2509);
    let other = store
        .read(|session| session.existing_keys(MemberId(2), "ticket_sales", &wanted))
        .unwrap();
    assert_eq!(other.values().copied().collect::<Vec<_>>(), vec![99]);
    let places = store.read(|session| session.keys_of(MemberId(1), "places")).unwrap();
    assert_eq!(places, vec![("lieu".to_string(), 1)]);

    // A duplicate key for the same member and table is refused.
    let duplicate =
        store.write(|session| session.insert_keys(MemberId(1), BatchId(1), [("places", "lieu", 2)].into_iter()));
    assert!(duplicate.is_err());

    store.write(|session| session.roll_back_batch(BatchId(2))).unwrap();
    let after = store
        .read(|session| session.existing_keys(MemberId(1), "ticket_sales", &wanted))
        .unwrap();
    assert!(after.is_empty());
    assert_eq!(
        store
            .read(|session| session.keys_of(MemberId(1), "places"))
            .unwrap()
            .len(),
        1
    );
}

/// Quarantined rows are stored with their JSON, filtered, updated, and removed with their batch.
fn check_quarantine(store: &Store) {
    insert_world(store);
    let entry = |id: i64, batch: i64| QuarantineEntry {
        id,
        member_id: MemberId(1),
        batch_id: BatchId(batch),
        source_row: id + 1,
        target: "tickets".to_string(),
        profile: "generic-tickets".to_string(),
        raw: serde_json::json!({ "event_name": TRICKY_TEXT, "event_date": "31/02/2026" }),
        diagnostics: serde_json::json!([{ "code": "date-invalid", "row": id + 1 }]),
        status: QUARANTINE_OPEN.to_string(),
        record_id: None,
        updated_at: moment("2026-11-28T10:00:00-05:00"),
    };
    store
        .write(|session| {
            session.insert(&[batch(2, 1)])?;
            assert_eq!(session.next_quarantine_id()?, 1);
            session.insert_quarantine(&[entry(1, 1), entry(2, 2), entry(3, 2)])
        })
        .unwrap();
    let all = store
        .read(|session| session.quarantine_any(MemberId(1), None, None))
        .unwrap();
    assert_eq!(all, vec![entry(1, 1), entry(2, 2), entry(3, 2)]);
    let of_batch = store
        .read(|session| session.quarantine_any(MemberId(1), Some(BatchId(2)), Some(QUARANTINE_OPEN)))
        .unwrap();
    assert_eq!(of_batch.len(), 2);
    assert!(
        store
            .read(|session| session.quarantine_any(MemberId(2), None, None))
            .unwrap()
            .is_empty()
    );

    let mut replayed = entry(2, 2);
    replayed.status = ensemble_store::QUARANTINE_REPLAYED.to_string();
    replayed.record_id = Some(7);
    replayed.raw["event_date"] = serde_json::json!("2026-02-28");
    assert!(store.write(|session| session.update_quarantine(&replayed)).unwrap());
    let open = store
        .read(|session| session.quarantine_any(MemberId(1), None, Some(QUARANTINE_OPEN)))
        .unwrap();
    assert_eq!(open.iter().map(|e| e.id).collect::<Vec<_>>(), vec![1, 3]);
    let stored = store
        .read(|session| session.quarantine_any(MemberId(1), None, None))
        .unwrap();
    assert_eq!(stored[1], replayed);

    store.write(|session| session.roll_back_batch(BatchId(2))).unwrap();
    let left = store
        .read(|session| session.quarantine_any(MemberId(1), None, None))
        .unwrap();
    assert_eq!(left, vec![entry(1, 1)]);
}

/// A batch whose records are pointed to by another batch's records cannot be rolled back; the
/// refusal keeps everything and leaves the connection usable.
fn check_roll_back_refuses_referenced_batch(store: &Store) {
    insert_world(store);
    let second = provenance(1, 2, 1);
    let third = provenance(1, 3, 1);
    store
        .write(|session| {
            session.insert(&[batch(2, 1), batch(3, 1)])?;
            session.insert(&[Show::fixture_with(2, second.clone())])?;
            session.insert(&[Performance {
                show_id: ShowId(2),
                ..Performance::fixture_with(2, third.clone())
            }])?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
    let refused = store.write(|session| session.roll_back_batch(BatchId(2)));
    assert!(matches!(refused, Err(StoreError::BatchInUse(2))), "{refused:?}");
    assert_eq!(store.count::<Show>().unwrap(), 2);
    assert_eq!(
        store.get_any::<Batch>(2).unwrap().unwrap().status,
        BatchStatus::Committed
    );
    // Rolling back the later batch first, then the earlier one, works.
    store.write(|session| session.roll_back_batch(BatchId(3))).unwrap();
    store.write(|session| session.roll_back_batch(BatchId(2))).unwrap();
    assert_eq!(store.count::<Show>().unwrap(), 1);
}

/// The migrations ran once (in [`TestDatabase`]); reopening applies none and the version table
/// holds exactly versions 1 to 3.
fn check_migrations_apply_once(store: &Store, url: &str) {
    assert!(store.pending_migrations().unwrap().is_empty());

    let reopened = Store::connect(url).unwrap();
    assert!(reopened.pending_migrations().unwrap().is_empty());
    assert_eq!(reopened.migrate(&mut |_| {}).unwrap(), Vec::<i64>::new());
    drop(reopened);
    Store::open(url).unwrap();

    let rows = raw(url)
        .query("SELECT version, name FROM schema_migrations ORDER BY version", &[])
        .unwrap();
    let versions: Vec<(i64, String)> = rows.iter().map(|row| (row.int(0), row.text(1))).collect();
    assert_eq!(
        versions,
        vec![
            (1, "initial".to_string()),
            (2, "intake".to_string()),
            (3, "accounts".to_string()),
            (4, "audit".to_string()),
            (5, "rights".to_string()),
            (6, "retention".to_string()),
            (7, "pooling".to_string()),
            (8, "audit-actions".to_string()),
            (9, "settlement-deals".to_string()),
            (10, "one-settlement-per-keeper".to_string()),
            (11, "consortium".to_string()),
            (12, "maturity".to_string()),
            (13, "value-chain".to_string()),
            (14, "problems".to_string()),
            (15, "use-cases".to_string()),
            (16, "declared-inventory".to_string()),
            (17, "referential".to_string()),
            (18, "referential-keys".to_string()),
            (19, "publication".to_string()),
            (20, "publication-consents".to_string())
        ]
    );
}

/// Every table has the model's fields as columns, in order; a table that differs is refused.
fn check_tables_match_model(store: &Store, url: &str) {
    let mut database = raw(url);
    let mut tables = Vec::new();
    macro_rules! compare {
        ($entity:ident) => {{
            let table = <$entity as Entity>::TABLE;
            let columns: Vec<String> = database
                .columns(table)
                .unwrap()
                .into_iter()
                .map(|(name, _)| name)
                .collect();
            let fields: Vec<String> = <$entity as Entity>::doc()
                .fields
                .iter()
                .map(|field| field.name.to_string())
                .collect();
            assert_eq!(columns, fields, "table {table}");
            tables.push(table);
        }};
    }
    for_each_entity!(compare);
    assert_eq!(tables.len(), 21);

    database
        .execute_batch("ALTER TABLE tours ADD COLUMN surplus TEXT")
        .unwrap();
    drop(database);
    let error = Store::open(url).err().expect("a table with an extra column is refused");
    assert_eq!(error.code(), "schema-mismatch", "{error}");
    assert!(error.to_string().contains("tours"), "{error}");
    // The store opened before the change keeps working on the other tables.
    assert_eq!(store.count::<Show>().unwrap(), 0);
}

/// One fully populated record of every entity is stored in one transaction and read back equal.
fn check_every_entity_round_trips(store: &Store) {
    insert_world(store);
    macro_rules! round_trip {
        ($entity:ident) => {{
            let expected = <$entity as Fixture>::fixture();
            assert!(
                expected.validate().is_empty(),
                "{}: {:?}",
                stringify!($entity),
                expected.validate()
            );
            assert_round_trip(store, &expected);
        }};
    }
    for_each_entity!(round_trip);

    // The tricky values are really there, not just equal on both sides by accident.
    let show: Show = store.get(1).unwrap().unwrap();
    assert_eq!(show.title_fr, TRICKY_TEXT);
    let performance: Performance = store.get(1).unwrap().unwrap();
    assert_eq!(performance.starts_at, moment("2025-10-03T20:00:00-04:00"));
    assert_eq!(performance.starts_at, moment("2025-10-04T00:00:00Z"));
    let hall: Hall = store.get(1).unwrap().unwrap();
    assert_eq!(hall.specs.loading, Some(LoadingAccess::Dock));
}

/// Records are written through `values_of`, field by field: for a record of every entity (and
/// one with its optional fields empty), each column gets the value it gets from the record's
/// whole JSON document, with this backend's column kinds.
fn check_records_convert_as_their_json(_store: &Store, url: &str) {
    let mut database = raw(url);
    let mut checked = 0;
    macro_rules! convert {
        ($entity:ident) => {{
            let table = <$entity as Entity>::TABLE;
            let schema = ensemble_store::TableSchema {
                table: table.to_string(),
                columns: database.columns(table).unwrap(),
            };
            let full = <$entity as Fixture>::fixture();
            let bare = <$entity as Fixture>::fixture_with(2, Provenance::default());
            for record in [full, bare] {
                let through_json =
                    ensemble_store::records::to_values(&schema, serde_json::to_value(&record).unwrap()).unwrap();
                assert_eq!(
                    ensemble_store::records::values_of(&schema, &record).unwrap(),
                    through_json,
                    "{table}"
                );
            }
            checked += 1;
        }};
    }
    for_each_entity!(convert);
    assert_eq!(checked, 21);

    // A record that does not fit its table is refused the same way.
    let shows = ensemble_store::TableSchema {
        table: "shows".to_string(),
        columns: database.columns("shows").unwrap(),
    };
    let error = ensemble_store::records::values_of(&shows, &Performance::fixture()).unwrap_err();
    assert_eq!(error.code(), "schema-mismatch", "{error}");
    let error = ensemble_store::records::values_of(&shows, &42).unwrap_err();
    assert_eq!(error.code(), "schema-mismatch", "{error}");
}

fn assert_round_trip<E: Entity + PartialEq + Debug>(store: &Store, expected: &E) {
    let table = E::TABLE;
    assert_eq!(
        store.get_any::<E>(expected.id()).unwrap().as_ref(),
        Some(expected),
        "get from {table}"
    );
    assert_eq!(
        store
            .read(|session| session.get_any::<E>(expected.id()))
            .unwrap()
            .as_ref(),
        Some(expected),
        "session get from {table}"
    );
    assert_eq!(
        store.list_any::<E>(&ListFilter::default()).unwrap(),
        vec![expected.clone()],
        "list of {table}"
    );
    assert_eq!(store.count::<E>().unwrap(), 1, "count of {table}");
}

/// A missing id gives `None`, on an empty table and on a filled one.
fn check_get_missing_is_none(store: &Store) {
    macro_rules! missing {
        ($entity:ident) => {
            assert_eq!(
                store.get_any::<$entity>(1).unwrap(),
                None,
                "{}",
                stringify!($entity)
            );
        };
    }
    for_each_entity!(missing);
    insert_world(store);
    macro_rules! still_missing {
        ($entity:ident) => {
            assert_eq!(
                store.get_any::<$entity>(2).unwrap(),
                None,
                "{}",
                stringify!($entity)
            );
            assert_eq!(
                store.get_any::<$entity>(-1).unwrap(),
                None,
                "{}",
                stringify!($entity)
            );
        };
    }
    for_each_entity!(still_missing);
}

/// Lists filter by member and batch, come back ordered by id and page with limit and offset.
fn check_list_filters_and_pages(store: &Store) {
    insert_world(store);
    insert_second_member(store);
    store.insert(&[batch(2, 2)]).unwrap();
    // Persons 2 to 11, inserted in reverse order: even ids belong to member 2 and batch 2.
    let persons: Vec<Person> = (2..=11)
        .rev()
        .map(|id| {
            let owner = if id % 2 == 0 { 2 } else { 1 };
            Person::fixture_with(id, provenance(owner, owner, id))
        })
        .collect();
    store.insert(&persons).unwrap();

    let ids = |filter: ListFilter| -> Vec<i64> {
        store
            .list::<Person>(&filter)
            .unwrap()
            .iter()
            .map(|person| person.id.0)
            .collect()
    };
    assert_eq!(ids(ListFilter::default()), (1..=11).collect::<Vec<_>>());
    let member_two = ListFilter {
        member_id: Some(MemberId(2)),
        ..ListFilter::default()
    };
    assert_eq!(ids(member_two.clone()), vec![2, 4, 6, 8, 10]);
    let batch_one = ListFilter {
        batch_id: Some(BatchId(1)),
        ..ListFilter::default()
    };
    assert_eq!(ids(batch_one), vec![1, 3, 5, 7, 9, 11]);
    let member_and_batch = ListFilter {
        member_id: Some(MemberId(1)),
        batch_id: Some(BatchId(2)),
        ..ListFilter::default()
    };
    assert_eq!(ids(member_and_batch), Vec::<i64>::new());
    let page = ListFilter {
        limit: Some(3),
        offset: 2,
        ..ListFilter::default()
    };
    assert_eq!(ids(page), vec![3, 4, 5]);
    let last_page = ListFilter {
        limit: Some(5),
        offset: 9,
        ..ListFilter::default()
    };
    assert_eq!(ids(last_page), vec![10, 11]);
    let offset_only = ListFilter {
        offset: 8,
        ..ListFilter::default()
    };
    assert_eq!(ids(offset_only), vec![9, 10, 11]);
    let nothing = ListFilter {
        limit: Some(0),
        ..ListFilter::default()
    };
    assert_eq!(ids(nothing), Vec::<i64>::new());
    let member_page = ListFilter {
        limit: Some(2),
        offset: 1,
        ..member_two
    };
    assert_eq!(ids(member_page), vec![4, 6]);
    assert_eq!(
        store
            .read(|session| session.list::<Person>(&ListFilter::default()))
            .unwrap()
            .len(),
        11
    );
}

/// An update replaces every field of the row with that id; a missing id gives false.
fn check_update(store: &Store) {
    insert_world(store);
    let mut show = Show::fixture();
    show.title_fr = "Titre révisé\t« nouveau »".to_string();
    show.title_en = None;
    show.languages = vec!["fr".to_string()];
    show.duration_minutes = Some(75);
    show.rider.clear();
    show.provenance.source_row = None;
    assert!(store.write(|session| session.update(&show)).unwrap());
    assert_eq!(store.get::<Show>(1).unwrap(), Some(show.clone()));

    let mut performance = Performance::fixture();
    performance.starts_at = moment("2026-01-15T19:30:00-05:00");
    performance.status = EventStatus::Rescheduled;
    performance.school = false;
    assert!(store.write(|session| session.update(&performance)).unwrap());
    assert_eq!(store.get::<Performance>(1).unwrap(), Some(performance));

    let absent = Show { id: ShowId(99), ..show };
    assert!(!store.write(|session| session.update(&absent)).unwrap());
    assert_eq!(store.get::<Show>(99).unwrap(), None);
    assert_eq!(store.count::<Show>().unwrap(), 1);
}

/// A delete removes one row; deleting it again gives false.
fn check_delete(store: &Store) {
    insert_world(store);
    store
        .insert(&[TicketSale::fixture_with(2, provenance(1, 1, 2))])
        .unwrap();
    assert!(store.write(|session| session.delete::<TicketSale>(1)).unwrap());
    assert_eq!(store.get_any::<TicketSale>(1).unwrap(), None);
    assert!(store.get_any::<TicketSale>(2).unwrap().is_some());
    assert_eq!(store.count::<TicketSale>().unwrap(), 1);
    assert!(!store.write(|session| session.delete::<TicketSale>(1)).unwrap());
    assert!(!store.read(|session| session.delete::<TicketSale>(404)).unwrap());
    assert!(store.read(|session| session.delete::<TicketSale>(2)).unwrap());
    assert_eq!(store.count::<TicketSale>().unwrap(), 0);
}

/// Counts follow inserts; the next id is one more than the largest.
fn check_count_and_next_id(store: &Store) {
    assert_eq!(store.count::<Person>().unwrap(), 0);
    assert_eq!(store.read(|session| session.next_id::<Person>()).unwrap(), 1);
    let persons = [
        Person::fixture_with(5, Provenance::default()),
        Person::fixture_with(7, Provenance::default()),
    ];
    store.insert(&persons).unwrap();
    assert_eq!(store.count::<Person>().unwrap(), 2);
    assert_eq!(store.read(|session| session.count::<Person>()).unwrap(), 2);
    assert_eq!(store.read(|session| session.next_id::<Person>()).unwrap(), 8);
    assert_eq!(
        store
            .write(|session| {
                let id = session.next_id::<Person>()?;
                session.insert(&[Person::fixture_with(id, Provenance::default())])?;
                session.next_id::<Person>()
            })
            .unwrap(),
        9
    );
    assert_eq!(store.count::<Person>().unwrap(), 3);
    assert_eq!(store.read(|session| session.next_id::<Organization>()).unwrap(), 1);
}

/// Statistics list every entity in model order with totals and counts per member, reference rows
/// (no member) first under `None`.
fn check_stats_per_member(store: &Store) {
    insert_world(store);
    insert_second_member(store);
    store
        .insert(&[Organization::fixture_with(
            3,
            Provenance {
                member_id: None,
                batch_id: None,
                source_row: None,
            },
        )])
        .unwrap();

    let stats = store.stats().unwrap();
    assert_eq!(stats, store.read(|session| session.stats()).unwrap());
    let mut names = Vec::new();
    macro_rules! name {
        ($entity:ident) => {
            names.push((stringify!($entity), <$entity as Entity>::TABLE));
        };
    }
    for_each_entity!(name);
    let found: Vec<(&str, &str)> = stats.iter().map(|count| (count.entity, count.table)).collect();
    assert_eq!(found, names);

    for count in &stats {
        match count.entity {
            "Organization" => {
                assert_eq!(count.total, 3);
                assert_eq!(
                    count.per_member,
                    vec![(None, 1), (Some(MemberId(1)), 1), (Some(MemberId(2)), 1)]
                );
            }
            "Member" => {
                assert_eq!(count.total, 2);
                assert_eq!(count.per_member, vec![(Some(MemberId(1)), 1), (Some(MemberId(2)), 1)]);
            }
            _ => {
                assert_eq!(count.total, 1, "{}", count.entity);
                assert_eq!(count.per_member, vec![(Some(MemberId(1)), 1)], "{}", count.entity);
            }
        }
    }
}

/// A fresh store is empty; one record makes it not empty.
fn check_is_empty(store: &Store) {
    assert!(store.read(|session| session.is_empty()).unwrap());
    assert!(
        store
            .stats()
            .unwrap()
            .iter()
            .all(|count| count.total == 0 && count.per_member.is_empty())
    );
    store
        .insert(&[Organization::fixture_with(1, Provenance::default())])
        .unwrap();
    assert!(!store.read(|session| session.is_empty()).unwrap());
}

/// A member is found by its short code.
fn check_member_by_slug(store: &Store) {
    assert_eq!(store.read(|session| session.member_by_slug(MEMBER_SLUG)).unwrap(), None);
    insert_world(store);
    insert_second_member(store);
    assert_eq!(
        store.read(|session| session.member_by_slug(MEMBER_SLUG)).unwrap(),
        Some(Member::fixture())
    );
    assert_eq!(
        store
            .read(|session| session.member_by_slug("diffusion-imaginaire"))
            .unwrap()
            .map(|member| member.id),
        Some(MemberId(2))
    );
    assert_eq!(store.read(|session| session.member_by_slug("inconnu")).unwrap(), None);
    assert_eq!(store.read(|session| session.member_by_slug("")).unwrap(), None);
}

/// An error returned from a write undoes all of it; the store stays usable.
fn check_write_rolls_back_on_error(store: &Store) {
    #[derive(Debug)]
    enum WorkError {
        Abandoned,
        Store(StoreError),
    }
    impl From<StoreError> for WorkError {
        fn from(error: StoreError) -> Self {
            WorkError::Store(error)
        }
    }

    let result: Result<(), WorkError> = store.write(|session| {
        insert_world_in(session)?;
        // Inside the transaction the records are visible.
        assert_eq!(session.count::<TicketSale>()?, 1);
        assert!(session.get::<Show>(1)?.is_some());
        Err(WorkError::Abandoned)
    });
    assert!(matches!(result, Err(WorkError::Abandoned)), "{result:?}");
    assert!(store.read(|session| session.is_empty()).unwrap());

    let result: Result<(), StoreError> = store.write(|session| {
        session.insert(&[Organization::fixture()])?;
        Err(StoreError::Sql("abandoned on purpose".to_string()))
    });
    assert_eq!(result.unwrap_err().code(), "database-error");
    assert!(store.read(|session| session.is_empty()).unwrap());
    assert!(matches!(
        store.write(|_| Err::<(), WorkError>(WorkError::Store(StoreError::Sql("x".to_string())))),
        Err(WorkError::Store(error)) if error.code() == "database-error"
    ));

    // The store is usable after the rollbacks, and a successful write keeps everything.
    let value = store
        .write(|session| {
            insert_world_in(session)?;
            Ok::<_, StoreError>(42)
        })
        .unwrap();
    assert_eq!(value, 42);
    assert_eq!(store.count::<TicketSale>().unwrap(), 1);
}

/// Rolling a batch back removes exactly its records, in every table, and marks it rolled back.
fn check_roll_back_batch(store: &Store) {
    insert_world(store);
    let second = provenance(1, 2, 1);
    store
        .write(|session| {
            session.insert(&[batch(2, 1)])?;
            session.insert(&[
                Person::fixture_with(2, second.clone()),
                Person::fixture_with(3, second.clone()),
            ])?;
            session.insert(&[Organization::fixture_with(2, second.clone())])?;
            session.insert(&[Show::fixture_with(2, second.clone())])?;
            session.insert(&[Performance::fixture_with(2, second.clone())])?;
            session.insert_iter((2..=4).map(|id| TicketSale::fixture_with(id, second.clone())))?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
    assert_eq!(store.count::<TicketSale>().unwrap(), 4);

    let removed = store.write(|session| session.roll_back_batch(BatchId(2))).unwrap();
    assert_eq!(removed, 2 + 1 + 1 + 1 + 3);

    let rolled_back: Batch = store.get_any(2).unwrap().unwrap();
    assert_eq!(rolled_back.status, BatchStatus::RolledBack);
    assert_eq!(
        rolled_back,
        Batch {
            status: BatchStatus::RolledBack,
            ..batch(2, 1)
        }
    );
    assert_eq!(
        store.get_any::<Batch>(1).unwrap().unwrap().status,
        BatchStatus::Committed
    );

    // Batch 1 is untouched: one record of every entity, plus the second batch itself.
    macro_rules! untouched {
        ($entity:ident) => {{
            let expected = if stringify!($entity) == "Batch" { 2 } else { 1 };
            assert_eq!(store.count::<$entity>().unwrap(), expected, "{}", stringify!($entity));
            let batch_two = ListFilter {
                batch_id: Some(BatchId(2)),
                ..ListFilter::default()
            };
            assert!(
                store.list_any::<$entity>(&batch_two).unwrap().is_empty(),
                "{}",
                stringify!($entity)
            );
        }};
    }
    for_each_entity!(untouched);
    assert_round_trip(store, &TicketSale::fixture());

    // Rolling back again removes nothing.
    assert_eq!(store.write(|session| session.roll_back_batch(BatchId(2))).unwrap(), 0);
}

/// Twenty thousand rows stream in through `insert_iter` in one transaction.
fn check_bulk_insert(store: &Store) {
    const ROWS: i64 = 20_000;
    insert_world(store);
    let inserted = store
        .write(|session| session.insert_iter((2..ROWS + 2).map(bulk_ticket_sale)))
        .unwrap();
    assert_eq!(inserted, ROWS as u64);
    assert_eq!(store.count::<TicketSale>().unwrap(), ROWS as u64 + 1);
    assert_eq!(store.read(|session| session.next_id::<TicketSale>()).unwrap(), ROWS + 2);
    for id in [2, 777, ROWS + 1] {
        assert_eq!(store.get_any::<TicketSale>(id).unwrap(), Some(bulk_ticket_sale(id)));
    }
    let page = ListFilter {
        limit: Some(3),
        offset: 10_000,
        ..ListFilter::default()
    };
    let ids: Vec<i64> = store
        .list_any::<TicketSale>(&page)
        .unwrap()
        .iter()
        .map(|sale| sale.id.0)
        .collect();
    assert_eq!(ids, vec![10_001, 10_002, 10_003]);
}

/// A record pointing to a missing record is refused at commit, and nothing is kept.
fn check_foreign_key_violation_is_refused(store: &Store) {
    let orphan = Hall {
        place_id: PlaceId(404),
        ..Hall::fixture_with(1, Provenance::default())
    };
    let error = store
        .write(|session| session.insert(std::slice::from_ref(&orphan)))
        .unwrap_err();
    assert_eq!(error.code(), "database-error", "{error}");
    assert_eq!(store.count::<Hall>().unwrap(), 0);
    assert_eq!(store.get::<Hall>(1).unwrap(), None);

    let error = store.insert(std::slice::from_ref(&orphan)).unwrap_err();
    assert_eq!(error.code(), "database-error", "{error}");
    assert!(store.read(|session| session.is_empty()).unwrap());

    // The store stays usable: the same hall is accepted once its place exists.
    store
        .write(|session| {
            session.insert(&[Place {
                operator_id: None,
                ..Place::fixture_with(404, Provenance::default())
            }])?;
            session.insert(std::slice::from_ref(&orphan))
        })
        .unwrap();
    assert_eq!(store.get::<Hall>(1).unwrap(), Some(orphan));
}

/// Two members with the same short code are refused with the database error code.
fn check_unique_violation_is_refused(store: &Store) {
    insert_world(store);
    let twin = Member {
        id: MemberId(2),
        ..Member::fixture()
    };
    let error = store.insert(&[twin]).unwrap_err();
    assert_eq!(error.code(), "database-error", "{error}");
    assert_eq!(store.count::<Member>().unwrap(), 1);

    let duplicate_id = Person {
        name: "Doublon".to_string(),
        ..Person::fixture()
    };
    let error = store.insert(&[duplicate_id]).unwrap_err();
    assert_eq!(error.code(), "database-error", "{error}");
    assert_eq!(store.get::<Person>(1).unwrap(), Some(Person::fixture()));

    insert_second_member(store);
    assert_eq!(store.count::<Member>().unwrap(), 2);

    // A bulk insert that fails far into its rows (in a statement of many rows, or among the last
    // rows written one by one) ends its transaction: what came before is not kept, and a write attempted afterwards
    // in the same transaction fails instead of being kept on its own.
    for rows in [255, 300] {
        let mut people: Vec<Person> = (10..10 + rows)
            .map(|id| Person::fixture_with(id, provenance(1, 1, id)))
            .collect();
        people.push(Person::fixture_with(12, provenance(1, 1, 12)));
        let after = store.write(|s| {
            s.insert(&[Person::fixture_with(5, provenance(1, 1, 5))])?;
            let refused = s.insert(&people).unwrap_err();
            assert_eq!(refused.code(), "database-error", "{refused}");
            let later = s.insert(&[Person::fixture_with(6, provenance(1, 1, 6))]);
            assert!(later.is_err(), "{later:?}");
            assert!(s.count::<Person>().is_err());
            Err::<(), StoreError>(refused)
        });
        assert!(after.is_err());
        assert_eq!(store.count::<Person>().unwrap(), 1, "{rows} rows");
    }
    let people: Vec<Person> = (10..310)
        .map(|id| Person::fixture_with(id, provenance(1, 1, id)))
        .collect();
    store.insert(&people).unwrap();
    assert_eq!(store.count::<Person>().unwrap(), 301);
    assert_eq!(store.get::<Person>(309).unwrap(), Some(people[299].clone()));
}

/// A database migrated by a newer program is refused.
fn check_newer_schema_is_refused(store: &Store, url: &str) {
    raw(url)
        .execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
            &[
                Value::Int(999),
                Value::from("from-the-future"),
                Value::from("2099-01-01T00:00:00+00:00"),
            ],
        )
        .unwrap();
    let error = Store::open(url).err().expect("a newer schema is refused");
    assert_eq!(error.code(), "schema-newer", "{error}");
    assert!(
        matches!(error, StoreError::NewerSchema { found: 999, known } if known == ensemble_store::MIGRATIONS.len() as i64),
        "{error:?}"
    );
    let error = Store::connect(url).unwrap().migrate(&mut |_| {}).unwrap_err();
    assert_eq!(error.code(), "schema-newer", "{error}");
    // The store opened before keeps its connection.
    assert_eq!(store.count::<Member>().unwrap(), 0);
}

/// The database reports a size.
fn check_size_bytes(store: &Store) {
    insert_world(store);
    assert!(store.size_bytes().unwrap() > 0);
}

// ---------------------------------------------------------------------------------------------
// Checks that need no database server
// ---------------------------------------------------------------------------------------------

#[test]
fn location_parse_every_form() {
    let file = |path: &str| Location::SqliteFile(PathBuf::from(path));
    let cases = [
        ("sqlite://./ensemble.db", file("./ensemble.db")),
        ("sqlite://ensemble.db", file("ensemble.db")),
        ("sqlite:ensemble.db", file("ensemble.db")),
        ("sqlite:data/saison 2025.db", file("data/saison 2025.db")),
        (
            "sqlite:///var/lib/ensemble/ensemble.db",
            file("/var/lib/ensemble/ensemble.db"),
        ),
        ("sqlite://ensemble.db?mode=rwc", file("ensemble.db")),
        ("  sqlite://ensemble.db\n", file("ensemble.db")),
        ("sqlite::memory:", Location::SqliteMemory),
        ("sqlite://:memory:", Location::SqliteMemory),
        (
            "postgres://ensemble:secret@db.example:5432/ensemble",
            Location::Postgres("postgres://ensemble:secret@db.example:5432/ensemble".to_string()),
        ),
        (
            "postgresql://localhost/ensemble?sslmode=disable",
            Location::Postgres("postgresql://localhost/ensemble?sslmode=disable".to_string()),
        ),
    ];
    for (url, expected) in cases {
        assert_eq!(Location::parse(url).unwrap(), expected, "{url:?}");
    }
    assert_eq!(
        Location::parse(ensemble_store::DEFAULT_DATABASE_URL).unwrap(),
        file("./ensemble.db")
    );
}

#[test]
fn unsupported_urls_are_refused() {
    for url in [
        "mysql://ensemble:secret@db.example/ensemble",
        "ensemble.db",
        "",
        "sqlite:",
        "sqlite://",
        "sqlite://?mode=rwc",
        "http://example.org/ensemble",
    ] {
        let error = Location::parse(url).unwrap_err();
        assert_eq!(error.code(), "database-url-unsupported", "{url:?}");
        assert!(!error.to_string().contains("secret"), "{error}");
        let error = Store::open(url).err().unwrap();
        assert_eq!(error.code(), "database-url-unsupported", "{url:?}");
    }
}

#[test]
fn unreachable_postgres_is_reported() {
    let error = Store::open("postgres://postgres:x@127.0.0.1:1/none").err().unwrap();
    assert_eq!(error.code(), "database-unreachable", "{error}");
    assert!(!error.to_string().contains(":x@"), "the password is hidden: {error}");
}

#[test]
fn sqlite_in_a_missing_folder_is_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("absent").join("ensemble.db").display());
    let error = Store::open(&url).err().unwrap();
    assert_eq!(error.code(), "database-unreachable", "{error}");
}

#[test]
fn sqlite_in_memory_round_trips() {
    let store = Store::in_memory().unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    check_every_entity_round_trips(&store);
}

// ---------------------------------------------------------------------------------------------
// Test databases
// ---------------------------------------------------------------------------------------------

/// A freshly migrated store, its URL and what removes it afterwards. Fields drop in order: the
/// store closes its connection before the file or schema goes away.
struct TestDatabase {
    store: Store,
    url: String,
    _place: TestUrl,
}

impl TestDatabase {
    /// A store in a SQLite file of a new temporary folder.
    fn sqlite() -> TestDatabase {
        TestDatabase::on(TestUrl::sqlite(), Backend::Sqlite)
    }

    /// A store in a new schema of the PostgreSQL database, or `None` when none is configured.
    fn postgres(test: &str) -> Option<TestDatabase> {
        Some(TestDatabase::on(TestUrl::postgres(test)?, Backend::Postgres))
    }

    fn on(place: TestUrl, backend: Backend) -> TestDatabase {
        TestDatabase {
            store: migrated(&place.url, backend),
            url: place.url.clone(),
            _place: place,
        }
    }
}

/// Opens the database and checks that the first migration applies exactly once.
fn migrated(url: &str, backend: Backend) -> Store {
    let store = Store::connect(url).unwrap();
    assert_eq!(store.backend(), backend);
    let pending: Vec<i64> = store
        .pending_migrations()
        .unwrap()
        .iter()
        .map(|migration| migration.version)
        .collect();
    assert_eq!(pending, (1..=20).collect::<Vec<_>>());
    let mut reported = Vec::new();
    let applied = store.migrate(&mut |migration| reported.push(migration.name)).unwrap();
    assert_eq!(applied, (1..=20).collect::<Vec<_>>());
    assert_eq!(
        reported,
        vec![
            "initial",
            "intake",
            "accounts",
            "audit",
            "rights",
            "retention",
            "pooling",
            "audit-actions",
            "settlement-deals",
            "one-settlement-per-keeper",
            "consortium",
            "maturity",
            "value-chain",
            "problems",
            "use-cases",
            "declared-inventory",
            "referential",
            "referential-keys",
            "publication",
            "publication-consents"
        ]
    );
    store
}

/// A raw connection to the same database, for what the store API does not do on purpose.
fn raw(url: &str) -> Box<dyn ensemble_store::Database> {
    Location::parse(url).unwrap().connect().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Test data: one fictional consortium member and one record of every entity
// ---------------------------------------------------------------------------------------------

/// Text with accents, a tab, a newline, a backslash and quotes, as spreadsheets deliver it.
const TRICKY_TEXT: &str = "L'Été « fictif »\tacte\u{a0}1\nC:\\scènes\\\"guillemets\" 'apostrophes' — œ ç É";
const MEMBER_SLUG: &str = "theatre-du-fictif";

/// A record of an entity, with id 1 in the fixture world, pointing only to records with id 1.
trait Fixture: Sized {
    /// The record with this id and provenance.
    fn fixture_with(id: i64, provenance: Provenance) -> Self;

    /// The record of the fixture world (id 1, member 1, batch 1).
    fn fixture() -> Self {
        Self::fixture_with(1, provenance(1, 1, 1))
    }
}

fn provenance(member: i64, batch: i64, source_row: i64) -> Provenance {
    Provenance {
        member_id: Some(MemberId(member)),
        batch_id: Some(BatchId(batch)),
        source_row: Some(source_row),
    }
}

fn moment(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn key(n: u64) -> PersonKey {
    PersonKey(format!("{n:064x}"))
}

fn identifiers() -> Identifiers {
    Identifiers {
        artsdata: Some("K11-99999".to_string()),
        wikidata: Some("Q999999999".to_string()),
        isni: Some("0000 0004 9999 9992".to_string()),
        neq: Some("1199999999".to_string()),
        scenepro: Some("99999".to_string()),
    }
}

fn contributions() -> Vec<Contribution> {
    vec![
        Contribution {
            agent: AgentRef {
                kind: AgentKind::Person,
                agent_id: 1,
            },
            role: ContributionRoleCode::new("ArtisteSurScène"),
            billing_order: Some(1),
        },
        Contribution {
            agent: AgentRef {
                kind: AgentKind::Group,
                agent_id: 1,
            },
            role: ContributionRoleCode::new("AuteurCréateur"),
            billing_order: Some(2),
        },
    ]
}

/// A batch with id `id` owned by `member`.
fn batch(id: i64, member: i64) -> Batch {
    Batch::fixture_with(
        id,
        Provenance {
            member_id: Some(MemberId(member)),
            batch_id: None,
            source_row: None,
        },
    )
}

/// Stores one record of every entity (id 1), in model order, in one transaction.
fn insert_world(store: &Store) {
    store.write(insert_world_in).unwrap();
}

fn insert_world_in(session: &mut ensemble_store::Session<'_>) -> Result<(), StoreError> {
    macro_rules! insert {
        ($entity:ident) => {
            assert_eq!(session.insert(&[<$entity as Fixture>::fixture()])?, 1);
        };
    }
    for_each_entity!(insert);
    Ok(())
}

/// A second member (id 2, slug `diffusion-imaginaire`) with its organization (id 2).
fn insert_second_member(store: &Store) {
    store
        .write(|session| {
            session.insert(&[Organization::fixture_with(2, provenance(2, 1, 2))])?;
            session.insert(&[Member {
                slug: "diffusion-imaginaire".to_string(),
                organization_id: OrganizationId(2),
                ..Member::fixture_with(2, provenance(2, 1, 3))
            }])
        })
        .unwrap();
}

fn bulk_ticket_sale(id: i64) -> TicketSale {
    let channels = [SalesChannel::Web, SalesChannel::BoxOffice, SalesChannel::Phone];
    TicketSale {
        price: Cents(2_500 + id % 7 * 500),
        quantity: (id % 4 + 1) as u32,
        channel: channels[(id % 3) as usize],
        buyer_key: if id % 5 == 0 { None } else { Some(key(id as u64)) },
        sold_at: moment("2025-09-01T09:00:00-04:00") + chrono::Duration::minutes(id),
        ..TicketSale::fixture_with(id, provenance(1, 1, id))
    }
}

impl Fixture for Batch {
    fn fixture_with(id: i64, provenance: Provenance) -> Self {
        Batch {
            id: BatchId(id),
            kind: BatchKind::Import,
            file_name: Some("saison-2025 «été».xlsx".to_string()),
            file_sha256: Some("ab".repeat(32)),
            created_at: moment("2025-06-20T14:05:09-04:00"),
            status: BatchStatus::Committed,
            note: Some(TRICKY_TEXT.to_string()),
            provenance,
        }
    }
}

impl Fixture for Organization {
    fn fixture_with(id: i64, provenance: Provenance) -> Self {
        Organization {
            id: OrganizationId(id),
            name: "Théâtre du Fictif".to_string(),
            roles: vec![ValueChainRole::Producer, ValueChainRole::Presenter],
            municipality: Some("Trois-Rivières".to_string()),
            postal_code: Some("G9A 1A1".to_string()),
            region_code: Some(RegionCode::new("04")),
            website: Some("https://theatre-du-fictif.example/".to_string()),
            identifiers: identifiers(),
            provenance,
        }
    }
}

impl Fixture for Member {
    fn fixture_with(id: i64, provenance: Provenance) -> Self {
        Member {
            id: MemberId(id),
            slug: MEMBER_SLUG.to_string(),
            organization_id: OrganizationId(1),
            joined_on: date(2024, 9, 1),
            privacy_officer_title: Some("Direction générale et responsable des données".to_string()),
            provenance,
        }
    }
}

impl Fixture for Person {
    fn fixture_with(id: i64, provenance: Provenance) -> Self {
        Person {
            id: PersonId(id),
            name: "Éloïse Tremblay-Imaginaire".to_string(),
            home_municipality: Some("Rimouski".to_string()),
            identifiers: identifiers(),
            provenance,
        }
    }
}

impl Fixture for Group {
    fn fixture_with(id: i64, provenance: Provenance) -> Self {
        Group {
            id: GroupId(id),
            name: "Les Acrobates du Néant".to_string(),
            disciplines: vec![DisciplineCode::new("Cirque"), DisciplineCode::new("Acrobatie")],
            home_municipality: Some("Saguenay".to_string()),
            identifiers: identifiers(),
            provenance,
        }
    }
}

impl Fixture for Place {
    fn fixture_with(id: i64, provenance: Provenance) -> Self {
        Place {
            id: PlaceId(id),
            name: "Salle de l'Imaginaire".to_string(),
            street_address: Some("123, rue des Songes".to_string()),
            municipality: Some("Trois-Rivières".to_string()),
            postal_code: Some("G9A 1A1".to_string()),
            fsa: Some("G9A".to_string()),
            region_code: Some(RegionCode::new("04")),
            province: Some("QC".to_string()),
            country: "CA".to_string(),
            latitude: Some(46.3432),
            longitude: Some(-72.5421),
            operator_id: Some(OrganizationId(1)),
            identifiers: identifiers(),
            provenance,
        }
    }
}

impl Fixture for Hall {
    fn fixture_with(id: i64, provenance: Provenance) -> Self {
        Hall {
            id: HallId(id),
            place_id: PlaceId(1),
            name: "Grande salle \"Rêverie\"".to_string(),
            configurations: vec![
                HallConfiguration {
                    kind: HallConfigurationCode::new("Cabaret"),
                    capacity: 240,
                },
                HallConfiguration {
                    kind: HallConfigurationCode::new("Amphitheatre"),
                    capacity: 612,
                },
            ],
            specs: TechnicalSpecs {
                stage_opening_width_m: Some(12.5),
                stage_depth_m: Some(9.75),
                stage_height_m: Some(6.1),
                grid_height_m: Some(14.0),
                power_amps: Some(400),
                crew: Some(4),
                loading: Some(LoadingAccess::Dock),
                wheelchair_accessible: Some(true),
            },
            identifiers: identifiers(),
            provenance,
        }
    }
}

impl Fixture for Work {
    fn fixture_with(id: i64, provenance: Provenance) -> Self {
        Work {
            id: WorkId(id),
            title: "Le Songe d'une nuit d'hiver".to_string(),
            year: Some(2023),
            contributions: contributions(),
            identifiers: identifiers(),
            provenance,
        }
    }
}

impl Fixture for Show {
    fn fixture_with(id: i64, provenance: Provenance) -> Self {
        Show {
            id: ShowId(id),
            slug: format!("songe-d-hiver-{id}"),
            title_fr: TRICKY_TEXT.to_string(),
            title_en: Some("A Winter Night's Dream".to_string()),
            work_id: Some(WorkId(1)),
            disciplines: vec![DisciplineCode::new("Cirque")],
            genres: vec![GenreCode::new("K6-100"), GenreCode::new("K6-201")],
            audiences: vec![AudienceCode::new("Adultes"), AudienceCode::new("Aines")],
            languages: vec!["fr".to_string(), "en".to_string()],
            duration_minutes: Some(95),
            warnings: vec![WarningCode::new("FumeeOuVapeur")],
            producer_ids: vec![OrganizationId(1)],
            performer_group_id: Some(GroupId(1)),
            agency_id: Some(OrganizationId(1)),
            contributions: contributions(),
            rider: vec![
                RiderRequirement {
                    item: Some(RiderItem::StageDepth),
                    minimum: 8.5,
                    note: Some("Profondeur \"utile\"\tsans coulisses".to_string()),
                },
                RiderRequirement {
                    item: Some(RiderItem::Power),
                    minimum: 200.0,
                    note: Some("Triphasé\\208 V\nà jardin".to_string()),
                },
            ],
            identifiers: identifiers(),
            provenance,
        }
    }
}

impl Fixture for Series {
    fn fixture_with(id: i64, provenance: Provenance) -> Self {
        Series {
            id: SeriesId(id),
            name: "Saison 2025-2026".to_string(),
            kind: SeriesKind::Season,
            presenter_id: Some(OrganizationId(1)),
            starts_on: date(2025, 9, 1),
            ends_on: date(2026, 6, 30),
            provenance,
        }
    }
}

impl Fixture for Performance {
    fn fixture_with(id: i64, provenance: Provenance) -> Self {
        Performance {
            id: PerformanceId(id),
            show_id: ShowId(1),
            hall_id: HallId(1),
            presenter_id: OrganizationId(1),
            series_id: Some(SeriesId(1)),
            starts_at: moment("2025-10-03T20:00:00-04:00"),
            time_zone: "America/Toronto".to_string(),
            status: EventStatus::Scheduled,
            school: true,
            provenance,
        }
    }
}

impl Fixture for Offer {
    fn fixture_with(id: i64, provenance: Provenance) -> Self {
        Offer {
            id: OfferId(id),
            performance_id: PerformanceId(1),
            price_type: PriceType::Senior,
            price: Some(Cents(3_450)),
            currency: "CAD".to_string(),
            is_free: false,
            sold_out: true,
            url: Some("https://billets.example/songe?date=2025-10-03&prix=aîné".to_string()),
            provenance,
        }
    }
}

impl Fixture for Tour {
    fn fixture_with(id: i64, provenance: Provenance) -> Self {
        Tour {
            id: TourId(id),
            show_id: ShowId(1),
            name: "Tournée des régions 2025".to_string(),
            starts_on: date(2025, 9, 15),
            ends_on: date(2025, 12, 12),
            home_municipality: Some("Gaspé".to_string()),
            provenance,
        }
    }
}

impl Fixture for Engagement {
    fn fixture_with(id: i64, provenance: Provenance) -> Self {
        Engagement {
            id: EngagementId(id),
            show_id: ShowId(1),
            presenter_id: OrganizationId(1),
            hall_id: Some(HallId(1)),
            tour_id: Some(TourId(1)),
            performance_date: date(2025, 10, 3),
            status: EngagementStatus::Hold,
            hold_level: Some(2),
            deal_type: DealType::GuaranteeVersusPercentage,
            fee: Some(Cents(650_000)),
            currency: "CAD".to_string(),
            radius_km: Some(80),
            radius_days: Some(45),
            provenance,
        }
    }
}

impl Fixture for Availability {
    fn fixture_with(id: i64, provenance: Provenance) -> Self {
        Availability {
            id: AvailabilityId(id),
            show_id: Some(ShowId(1)),
            organization_id: Some(OrganizationId(1)),
            kind: AvailabilityKind::Blocked,
            starts_on: date(2025, 11, 1),
            ends_on: date(2025, 11, 9),
            note: Some("Relâche : « répétitions »\n2e ligne".to_string()),
            provenance,
        }
    }
}

impl Fixture for Settlement {
    fn fixture_with(id: i64, provenance: Provenance) -> Self {
        Settlement {
            id: SettlementId(id),
            performance_id: PerformanceId(1),
            capacity_offered: 600,
            paid: 512,
            complimentary: 30,
            free_admissions: 8,
            gross: Cents(1_843_200),
            taxes: Cents(240_300),
            fees: Cents(55_296),
            net: Cents(1_547_604),
            artist_fee: Cents(650_000),
            currency: "CAD".to_string(),
            deal_type: Some(DealType::BoxOfficeSplit),
            artist_share_percent: Some(70),
            provenance,
        }
    }
}

impl Fixture for TicketSale {
    fn fixture_with(id: i64, provenance: Provenance) -> Self {
        TicketSale {
            id: TicketSaleId(id),
            performance_id: PerformanceId(1),
            sold_at: moment("2025-09-15T10:30:00-04:00"),
            price: Cents(3_450),
            quantity: 2,
            channel: SalesChannel::Web,
            price_type: PriceType::Senior,
            buyer_key: Some(key(1)),
            fsa: Some("G9A".to_string()),
            age_band: Some(AgeBand::From65),
            provenance,
        }
    }
}

impl Fixture for Grant {
    fn fixture_with(id: i64, provenance: Provenance) -> Self {
        Grant {
            id: GrantId(id),
            funder_id: OrganizationId(1),
            programme: "Programme fictif de soutien à la diffusion".to_string(),
            amount: Cents(2_500_000),
            currency: "CAD".to_string(),
            starts_on: date(2025, 4, 1),
            ends_on: date(2026, 3, 31),
            report_due_dates: vec![date(2025, 10, 31), date(2026, 6, 30)],
            provenance,
        }
    }
}

impl Fixture for DataAsset {
    fn fixture_with(id: i64, provenance: Provenance) -> Self {
        DataAsset {
            id: DataAssetId(id),
            name: "Exportations de billetterie".to_string(),
            categories: vec![DataCategory::Ticketing, DataCategory::Crm],
            system: Some("Logiciel de billetterie fictif".to_string()),
            owner: Some("Billetterie".to_string()),
            format: DataFormat::Software,
            quality: DeclaredQuality::Partial,
            contains_personal_data: true,
            record_count: Some(125_000),
            update_frequency: Frequency::Weekly,
            sent_to: vec![OrganizationId(1)],
            provenance,
        }
    }
}

impl Fixture for SharingAgreement {
    fn fixture_with(id: i64, provenance: Provenance) -> Self {
        SharingAgreement {
            id: SharingAgreementId(id),
            provider_id: MemberId(1),
            recipient_member_id: Some(MemberId(1)),
            dataset: Dataset::TicketAggregates,
            level: SharingLevel::Aggregate,
            purpose: Purpose::PooledStatistics,
            valid_from: date(2025, 1, 1),
            valid_until: Some(date(2027, 12, 31)),
            leaves_quebec: true,
            privacy_impact_assessment_on_file: true,
            provenance,
        }
    }
}

impl Fixture for Consent {
    fn fixture_with(id: i64, provenance: Provenance) -> Self {
        Consent {
            id: ConsentId(id),
            person_key: key(2),
            purpose: Purpose::Marketing,
            granted: true,
            recorded_at: moment("2025-03-10T08:15:00-05:00"),
            withdrawn_at: Some(moment("2025-11-02T23:59:59-05:00")),
            provenance,
        }
    }
}
