//! The demo consortium on a real SQLite file: deterministic for a seed, valid record by record,
//! and free of any buyer's name, email or phone in the stored bytes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ensemble_demo::{DemoConfig, DemoError, Population, Scale, World, generate};
use ensemble_model::Validate;
use ensemble_privacy::SecretKey;
use ensemble_store::Store;

const KEY: [u8; 32] = [42; 32];

fn small(seed: u64) -> DemoConfig {
    DemoConfig {
        scale: Scale::Small,
        seed,
    }
}

fn generate_into_file(config: &DemoConfig) -> (tempfile::TempDir, std::path::PathBuf, ensemble_demo::DemoSummary) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let store = Store::open(&format!("sqlite://{}", path.display())).unwrap();
    let summary = generate(&store, config, &SecretKey::from_bytes(KEY), &mut |_| {}).unwrap();
    drop(store);
    (dir, path, summary)
}

#[test]
fn same_seed_same_records_other_seed_other_records() {
    let (_a, _, first) = generate_into_file(&small(7));
    let (_b, _, second) = generate_into_file(&small(7));
    let (_c, _, other) = generate_into_file(&small(8));
    assert_eq!(first.counts, second.counts);
    assert_eq!(first.checksum, second.checksum);
    assert_ne!(first.checksum, other.checksum);
    assert_eq!(first.checksum.len(), 64);
}

#[test]
fn the_same_seed_with_another_key_changes_only_pseudonyms() {
    let store = Store::in_memory().unwrap();
    let with_other_key = generate(&store, &small(7), &SecretKey::from_bytes([1; 32]), &mut |_| {}).unwrap();
    let (_a, _, reference) = generate_into_file(&small(7));
    assert_eq!(with_other_key.counts, reference.counts);
    assert_ne!(with_other_key.checksum, reference.checksum);
}

#[test]
fn counts_match_the_store_and_the_brief() {
    let store = Store::in_memory().unwrap();
    let summary = generate(&store, &small(2026), &SecretKey::from_bytes(KEY), &mut |_| {}).unwrap();
    let stats = store.stats().unwrap();
    for (entity, count) in &summary.counts {
        let stored = stats.iter().find(|s| s.entity == *entity).unwrap().total;
        assert_eq!(stored, *count, "{entity}");
    }
    let count = |name: &str| summary.counts.iter().find(|(entity, _)| *entity == name).unwrap().1;
    assert_eq!(count("Member"), 4);
    // Every Scène Pro presenter and venue, plus the members' own organisations and places.
    assert!(count("Organization") >= 167 + 4);
    assert!(count("Place") >= 223 + 3);
    assert!(count("TicketSale") > 10_000);
    assert!(count("Performance") > 200);
    assert!(count("Settlement") > 100);
    for entity in ensemble_model::entity_docs() {
        assert!(count(entity.name) > 0, "the demo has no {}", entity.name);
    }
}

#[test]
fn a_second_demo_into_the_same_database_is_refused_and_changes_nothing() {
    let store = Store::in_memory().unwrap();
    let first = generate(&store, &small(1), &SecretKey::from_bytes(KEY), &mut |_| {}).unwrap();
    let again = generate(&store, &small(1), &SecretKey::from_bytes(KEY), &mut |_| {});
    assert!(matches!(again, Err(DemoError::NotEmpty)));
    assert_eq!(again.err().map(|e| e.code()), Some("demo-database-not-empty"));
    let total: u64 = store.stats().unwrap().iter().map(|s| s.total).sum();
    assert_eq!(total, first.counts.iter().map(|(_, n)| n).sum::<u64>());
}

fn assert_valid<T: Validate + std::fmt::Debug>(name: &str, records: &[T]) {
    for record in records {
        let errors = record.validate();
        assert!(errors.is_empty(), "{name}: {errors:?} in {record:?}");
    }
}

#[test]
fn every_generated_record_is_valid() {
    for scale in [Scale::Small, Scale::Full] {
        let world: World = ensemble_demo::world::build(&DemoConfig { scale, seed: 3 });
        assert_valid("batches", &world.batches);
        assert_valid("organizations", &world.organizations);
        assert_valid("members", &world.members);
        assert_valid("persons", &world.persons);
        assert_valid("groups", &world.groups);
        assert_valid("places", &world.places);
        assert_valid("halls", &world.halls);
        assert_valid("works", &world.works);
        assert_valid("shows", &world.shows);
        assert_valid("series", &world.series);
        assert_valid("performances", &world.performances);
        assert_valid("offers", &world.offers);
        assert_valid("tours", &world.tours);
        assert_valid("engagements", &world.engagements);
        assert_valid("availabilities", &world.availabilities);
        assert_valid("settlements", &world.settlements);
        assert_valid("grants", &world.grants);
        assert_valid("data_assets", &world.data_assets);
        assert_valid("sharing_agreements", &world.sharing_agreements);
    }
}

#[test]
fn stored_tickets_settlements_and_consents_are_valid() {
    let store = Store::in_memory().unwrap();
    generate(&store, &small(5), &SecretKey::from_bytes(KEY), &mut |_| {}).unwrap();
    let all = ensemble_store::ListFilter::default();
    assert_valid(
        "ticket_sales",
        &store.list_any::<ensemble_model::TicketSale>(&all).unwrap(),
    );
    assert_valid(
        "settlements",
        &store.list_any::<ensemble_model::Settlement>(&all).unwrap(),
    );
    assert_valid("consents", &store.list_any::<ensemble_model::Consent>(&all).unwrap());
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    let needle = needle.as_bytes();
    haystack.windows(needle.len()).any(|window| window == needle)
}

#[test]
fn no_buyer_name_email_or_phone_is_stored_in_clear() {
    let config = small(11);
    let (_dir, path, _) = generate_into_file(&config);
    let mut bytes = std::fs::read(&path).unwrap();
    if let Ok(wal) = std::fs::read(format!("{}-wal", path.display())) {
        bytes.extend(wal);
    }
    let population = Population::new(config.seed, config.scale);
    assert!(population.len() > 1_000);
    // The scan would find them if they were there: the pseudonyms themselves are in the file.
    let store = Store::open(&format!("sqlite://{}", path.display())).unwrap();
    let some_line = store
        .list_any::<ensemble_model::TicketSale>(&ensemble_store::ListFilter {
            limit: Some(1),
            ..Default::default()
        })
        .unwrap();
    let key = some_line[0].buyer_key.clone().unwrap();
    assert!(contains(&bytes, &key.0));
    // Every buyer of the population, all at once.
    let mut needles = Vec::new();
    for index in 0..population.len() {
        let buyer = population.buyer(index);
        needles.extend([buyer.email, buyer.name, buyer.phone]);
    }
    let matcher = aho_corasick::AhoCorasick::new(&needles).unwrap();
    let found: Vec<&String> = matcher
        .find_iter(&bytes)
        .map(|m| &needles[m.pattern().as_usize()])
        .take(3)
        .collect();
    assert!(
        found.is_empty(),
        "personal data stored in clear: {} matches",
        found.len()
    );
    assert!(
        matcher.find(needles[0].as_bytes()).is_some(),
        "the matcher finds what it looks for"
    );
    assert!(!contains(&bytes, &hex_key()), "the secret key is stored");
}

fn hex_key() -> String {
    KEY.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_demo_has_one_coordinator_and_three_accounts_per_member_with_the_printed_password() {
    let (_dir, path, summary) = generate_into_file(&small(7));
    let store = Store::open(&format!("sqlite://{}", path.display())).unwrap();
    let users = store.read(|session| session.users(None)).unwrap();
    assert_eq!(users.len(), 1 + 3 * ensemble_demo::MEMBER_SLUGS.len());
    assert_eq!(summary.logins.len(), users.len());
    let coordinator = store
        .read(|session| session.user_by_login("coordination@ensemble.example"))
        .unwrap()
        .unwrap();
    assert_eq!(
        (coordinator.role, coordinator.member_id),
        (ensemble_model::Role::Coordinator, None)
    );
    for slug in ensemble_demo::MEMBER_SLUGS {
        let admin = store
            .read(|session| session.user_by_login(&format!("admin@{slug}.example")))
            .unwrap()
            .unwrap();
        assert_eq!(admin.role, ensemble_model::Role::MemberAdmin);
        assert!(admin.member_id.is_some());
    }
    for user in &users {
        assert!(user.password_hash.starts_with("$argon2id$"));
        assert!(ensemble_privacy::verify_password(
            ensemble_demo::DEMO_PASSWORD,
            &user.password_hash
        ));
        assert!(!ensemble_privacy::verify_password("autre", &user.password_hash));
    }
}
