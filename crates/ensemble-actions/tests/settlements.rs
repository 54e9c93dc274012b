//! Entering a settlement on the small demo, in a real SQLite file: the presenter's administrator
//! corrects its copy (still one per performance, with its audit entry), the coordination, another
//! member, an analyst and a performance presented by someone else are refused with their codes
//! and change nothing, and when the audit entry cannot be written nothing is kept.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ensemble_actions::settlements::{Entered, SettlementInput, enter};
use ensemble_actions::{ActionError, Actor, Channel, Clock};
use ensemble_model::{Cents, Member, Role, Settlement};
use ensemble_store::{ListFilter, Location, Store};

const PRESENTER: &str = "deux-rivieres";
const OTHER: &str = "grande-ourse";

struct Demo {
    store: Store,
    url: String,
    _dir: tempfile::TempDir,
}

fn demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("ensemble.db").display());
    let store = Store::open(&url).unwrap();
    let config = ensemble_demo::DemoConfig {
        scale: ensemble_demo::Scale::Small,
        seed: 1,
    };
    let key = ensemble_privacy::SecretKey::from_bytes([1; 32]);
    ensemble_demo::generate(&store, &config, &key, &mut |_| {}).unwrap();
    Demo { store, url, _dir: dir }
}

fn member(store: &Store, slug: &str) -> Member {
    store.read(|s| s.member_by_slug(slug)).unwrap().unwrap()
}

fn person(member: Option<&Member>, role: Role) -> Actor {
    Actor {
        channel: Channel::Web,
        user_id: Some(1),
        member: member.map(|m| m.id),
        role,
        clock: Clock::default(),
    }
}

/// The presenter's own settlement of one of its performances, as an input with one figure changed.
fn a_settled_performance(store: &Store, presenter: &Member) -> (Settlement, SettlementInput) {
    let kept: Settlement = store
        .read(|s| {
            s.list_any::<Settlement>(&ListFilter {
                member_id: Some(presenter.id),
                ..ListFilter::default()
            })
        })
        .unwrap()
        .into_iter()
        .find(|s| s.paid > 10)
        .expect("a settled performance");
    let input = SettlementInput {
        performance: kept.performance_id.0,
        capacity_offered: kept.capacity_offered,
        paid: kept.paid - 1,
        complimentary: kept.complimentary,
        free_admissions: kept.free_admissions,
        gross: kept.gross,
        taxes: kept.taxes,
        fees: kept.fees,
        artist_fee: kept.artist_fee,
        deal_type: kept.deal_type,
        artist_share_percent: kept.artist_share_percent,
    };
    (kept, input)
}

fn copies(store: &Store, performance: i64) -> Vec<Settlement> {
    store
        .read(|s| s.list_any::<Settlement>(&ListFilter::default()))
        .unwrap()
        .into_iter()
        .filter(|s| s.performance_id.0 == performance)
        .collect()
}

fn audit_count(store: &Store) -> usize {
    store.read(|s| s.audit_entries(None, 100_000)).unwrap().len()
}

#[test]
fn only_the_presenters_administrators_enter_its_settlement() {
    let demo = demo();
    let store = &demo.store;
    let presenter = member(store, PRESENTER);
    let other = member(store, OTHER);
    let (kept, input) = a_settled_performance(store, &presenter);
    let before = copies(store, input.performance);
    let entries = audit_count(store);

    for (actor, code) in [
        (person(None, Role::Coordinator), "settlement-coordination-read-only"),
        (person(Some(&other), Role::MemberAdmin), "settlement-not-yours"),
        (person(Some(&presenter), Role::MemberAnalyst), "settlement-not-yours"),
    ] {
        let refused = enter(store, &actor, &presenter, &input).unwrap_err();
        assert_eq!(refused.code(), code, "{actor:?}");
        assert_eq!(copies(store, input.performance), before, "nothing changed");
        assert_eq!(audit_count(store), entries, "no audit entry for a refusal");
    }

    let admin = person(Some(&presenter), Role::MemberAdmin);
    assert_eq!(
        enter(store, &admin, &presenter, &input).unwrap(),
        Entered::Corrected(kept.id)
    );
    assert_eq!(
        enter(store, &admin, &presenter, &input).unwrap(),
        Entered::Corrected(kept.id)
    );
    let now = copies(store, input.performance);
    assert_eq!(now.len(), before.len(), "a correction adds no copy");
    let mine: Vec<&Settlement> = now
        .iter()
        .filter(|s| s.provenance.member_id == Some(presenter.id))
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (mine[0].paid, mine[0].net),
        (kept.paid - 1, Cents(kept.gross.0 - kept.taxes.0 - kept.fees.0))
    );
    assert_eq!(mine[0].provenance, kept.provenance, "where the copy came from is kept");
    let latest = store.read(|s| s.audit_entries(Some(presenter.id), 1)).unwrap();
    assert_eq!(latest[0].action, "settlement-update");
    assert_eq!(audit_count(store), entries + 2);

    // A performance the member did not present.
    let (_, theirs) = a_settled_performance(store, &other);
    let refused = enter(store, &admin, &presenter, &theirs).unwrap_err();
    assert_eq!(refused.code(), "settlement-not-yours");

    // More paid tickets than seats: the model refuses it.
    let too_many = SettlementInput {
        paid: input.capacity_offered + 1,
        ..input.clone()
    };
    assert!(matches!(
        enter(store, &admin, &presenter, &too_many),
        Err(ActionError::Invalid(_))
    ));
}

#[test]
fn when_the_audit_entry_cannot_be_written_nothing_is_kept() {
    let demo = demo();
    let store = &demo.store;
    let presenter = member(store, PRESENTER);
    let (kept, input) = a_settled_performance(store, &presenter);
    let entries = audit_count(store);
    let mut raw = Location::parse(&demo.url).unwrap().connect().unwrap();
    raw.execute_batch(
        "CREATE TRIGGER audit_unavailable BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END",
    )
    .unwrap();
    let admin = person(Some(&presenter), Role::MemberAdmin);
    let failed = enter(store, &admin, &presenter, &input).unwrap_err();
    assert_eq!(failed.code(), "database-error");
    assert_eq!(
        copies(store, input.performance).iter().find(|s| s.id == kept.id),
        Some(&kept)
    );
    raw.execute_batch("DROP TRIGGER audit_unavailable").unwrap();
    assert_eq!(audit_count(store), entries);
    assert_eq!(store.read(|s| s.verify_audit()).unwrap().1, None);
}
