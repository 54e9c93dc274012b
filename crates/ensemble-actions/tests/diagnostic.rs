//! The data diagnostic's maturity self-assessment, on a real SQLite file and on PostgreSQL: a
//! member's administrators answer every dimension (others are refused, incomplete or unknown
//! answers too, nothing kept); a second answer the same day replaces the first, a later one adds
//! to the history; the consortium's median is hidden until the disclosure rules' minimum of
//! members answered, then shown.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ensemble_actions::diagnostic::{self, BUILT_IN_MODEL, MaturityModel};
use ensemble_actions::{ActionError, Actor, Channel, Clock, members};
use ensemble_model::{DataCategory, DataFormat, DeclaredQuality, Frequency, Member, Role, ValueChainRole};
use ensemble_store::Store;
use ensemble_store::testing::TestUrl;

#[macro_use]
mod common;

on_both_backends! {
    check_a_member_assesses_its_maturity_and_the_median_waits_for_enough_members
        => sqlite_a_member_assesses_its_maturity_and_the_median_waits_for_enough_members,
           postgres_a_member_assesses_its_maturity_and_the_median_waits_for_enough_members;
    check_shared_problems_get_scored_solutions
        => sqlite_shared_problems_get_scored_solutions, postgres_shared_problems_get_scored_solutions;
    check_declared_assets_tell_who_holds_the_data_a_use_case_needs
        => sqlite_declared_assets_tell_who_holds_the_data_a_use_case_needs,
           postgres_declared_assets_tell_who_holds_the_data_a_use_case_needs;
}

fn admit(store: &Store, slug: &str) -> Member {
    let new = members::NewMember {
        slug: slug.to_string(),
        name: format!("Organisme fictif {slug}"),
        roles: vec![ValueChainRole::Presenter],
        municipality: None,
        region: None,
        postal_code: None,
    };
    members::admit(store, &Actor::operator(Clock::default()), &new).unwrap()
}

fn person(member: &Member, role: Role, day: &str) -> Actor {
    Actor {
        channel: Channel::Web,
        user_id: Some(7),
        member: Some(member.id),
        role,
        clock: Clock::default().on(day.parse().unwrap()),
    }
}

fn levels(model: &MaturityModel, level: i64) -> Vec<(String, i64)> {
    model.dimensions.iter().map(|d| (d.code.clone(), level)).collect()
}

fn refused(result: Result<(), ActionError>, code: &str) {
    match result {
        Err(ActionError::Refused(found)) => assert_eq!(found, code),
        other => panic!("expected {code}, got {other:?}"),
    }
}

fn check_a_member_assesses_its_maturity_and_the_median_waits_for_enough_members(place: &TestUrl) {
    let store = Store::open(&place.url).unwrap();
    let model = MaturityModel::parse(BUILT_IN_MODEL).unwrap();
    let members: Vec<Member> = ["salle-a", "salle-b", "salle-c", "salle-d", "salle-e"]
        .iter()
        .map(|slug| admit(&store, slug))
        .collect();
    let first = &members[0];
    let admin = person(first, Role::MemberAdmin, "2026-03-02");

    // Who may answer, and what.
    refused(
        diagnostic::assess(
            &store,
            &person(first, Role::MemberAnalyst, "2026-03-02"),
            &model,
            first,
            &levels(&model, 2),
        ),
        "member-not-yours",
    );
    refused(
        diagnostic::assess(
            &store,
            &person(&members[1], Role::MemberAdmin, "2026-03-02"),
            &model,
            first,
            &levels(&model, 2),
        ),
        "member-not-yours",
    );
    let mut missing = levels(&model, 2);
    missing.pop();
    refused(
        diagnostic::assess(&store, &admin, &model, first, &missing),
        "maturity-incomplete",
    );
    let mut twice = levels(&model, 2);
    twice[1].0 = twice[0].0.clone();
    refused(
        diagnostic::assess(&store, &admin, &model, first, &twice),
        "maturity-incomplete",
    );
    refused(
        diagnostic::assess(&store, &admin, &model, first, &levels(&model, 6)),
        "maturity-level-unknown",
    );
    refused(
        diagnostic::assess(&store, &admin, &model, first, &levels(&model, 0)),
        "maturity-level-unknown",
    );
    assert!(
        store.read(|s| s.maturity_answers(None)).unwrap().is_empty(),
        "nothing kept"
    );

    // Answered twice the same day: the second stands; a year later: history grows.
    diagnostic::assess(&store, &admin, &model, first, &levels(&model, 1)).unwrap();
    diagnostic::assess(&store, &admin, &model, first, &levels(&model, 2)).unwrap();
    diagnostic::assess(
        &store,
        &person(first, Role::MemberAdmin, "2027-03-01"),
        &model,
        first,
        &levels(&model, 3),
    )
    .unwrap();
    let view = diagnostic::view(&store, &model, first.id).unwrap();
    assert_eq!(view.history.len(), 2);
    assert!(view.history[0].1.iter().all(|(_, level)| *level == 2));
    assert!(view.dimensions.iter().all(|d| d.level == Some(3) && d.answered == 1));
    let trail = store.read(|s| s.audit_entries(Some(first.id), 10)).unwrap();
    assert_eq!(trail.iter().filter(|e| e.action == "maturity-assess").count(), 3);

    // The default rules ask for five members: four answers keep the median hidden.
    for (member, level) in members[1..4].iter().zip([1, 4, 5]) {
        let admin = person(member, Role::MemberAdmin, "2027-02-01");
        diagnostic::assess(&store, &admin, &model, member, &levels(&model, level)).unwrap();
    }
    let view = diagnostic::view(&store, &model, first.id).unwrap();
    assert_eq!(view.min_members, 5);
    assert!(view.dimensions.iter().all(|d| d.answered == 4 && d.median.is_none()));
    // The fifth: the median of 3, 1, 4, 5, 2 is 3.
    let last = &members[4];
    diagnostic::assess(
        &store,
        &person(last, Role::MemberAdmin, "2027-02-01"),
        &model,
        last,
        &levels(&model, 2),
    )
    .unwrap();
    let view = diagnostic::view(&store, &model, first.id).unwrap();
    assert!(
        view.dimensions.iter().all(|d| d.answered == 5 && d.median == Some(3.0)),
        "{view:?}"
    );
    assert!(store.read(|s| s.verify_audit()).unwrap().1.is_none());
}

fn check_shared_problems_get_scored_solutions(place: &TestUrl) {
    let store = Store::open(&place.url).unwrap();
    let (a, b) = (admit(&store, "salle-a"), admit(&store, "salle-b"));
    let (admin_a, admin_b) = (
        person(&a, Role::MemberAdmin, "2026-05-04"),
        person(&b, Role::MemberAdmin, "2026-05-04"),
    );
    refused(
        diagnostic::add_problem(&store, &admin_a, Some(&a), " ").map(|_| ()),
        "problem-title-missing",
    );
    refused(
        diagnostic::add_problem(&store, &admin_a, Some(&b), "X").map(|_| ()),
        "member-not-yours",
    );
    refused(
        diagnostic::add_problem(&store, &admin_a, None, "X").map(|_| ()),
        "member-not-yours",
    );
    let problem = diagnostic::add_problem(&store, &admin_a, Some(&a), "Les redditions arrivent en retard").unwrap();
    refused(
        diagnostic::share_problem(&store, &admin_b, &b, 99, true),
        "problem-unknown",
    );
    diagnostic::share_problem(&store, &admin_b, &b, problem.id, true).unwrap();
    let viewer = person(&a, Role::Viewer, "2026-05-04");
    refused(
        diagnostic::add_solution(&store, &viewer, problem.id, "Y").map(|_| ()),
        "member-not-yours",
    );
    let solution = diagnostic::add_solution(&store, &admin_a, problem.id, "Saisir une fois").unwrap();
    refused(
        diagnostic::score(&store, &admin_a, &a, solution.id, (6, 1)),
        "score-invalid",
    );
    refused(diagnostic::score(&store, &admin_a, &a, 99, (3, 3)), "solution-unknown");
    diagnostic::score(&store, &admin_a, &a, solution.id, (2, 2)).unwrap();
    diagnostic::score(&store, &admin_a, &a, solution.id, (5, 4)).unwrap();
    diagnostic::score(&store, &admin_b, &b, solution.id, (4, 2)).unwrap();
    let workshop = diagnostic::workshop(&store).unwrap();
    assert_eq!(workshop.len(), 1);
    let (found, solutions) = &workshop[0];
    assert_eq!(found.members, vec![a.id, b.id], "common: two members meet it");
    assert_eq!(solutions[0].scored, 2, "a member's second score replaces its first");
    assert_eq!(solutions[0].means, Some((4.5, 3.0)));
    // Withdrawn, it is one member's again.
    diagnostic::share_problem(&store, &admin_b, &b, problem.id, false).unwrap();
    assert_eq!(diagnostic::workshop(&store).unwrap()[0].0.members, vec![a.id]);
    assert!(store.read(|s| s.verify_audit()).unwrap().1.is_none());
}

fn asset(name: &str, categories: &[DataCategory], quality: DeclaredQuality) -> diagnostic::NewAsset {
    diagnostic::NewAsset {
        name: name.to_string(),
        categories: categories.to_vec(),
        system: Some("Tableur".to_string()),
        owner: Some("Direction administrative".to_string()),
        format: DataFormat::Spreadsheet,
        quality,
        contains_personal_data: false,
        record_count: Some(40),
        update_frequency: Frequency::PerSeason,
    }
}

/// A member's administrator declares assets with several categories, an owner, a format and a
/// quality (categories kept once each, in the list's order; none, a control character or an
/// analyst refused, nothing kept); a use case's "data available" then names the members whose
/// declared categories give each entity it needs, with the best quality they declare, though
/// Ensemble holds none of their records; a member declaring other data is not named.
fn check_declared_assets_tell_who_holds_the_data_a_use_case_needs(place: &TestUrl) {
    use DataCategory::{Crm, Finance, Grants, Ticketing};
    let store = Store::open(&place.url).unwrap();
    let (salle, fonds, vide) = (
        admit(&store, "salle-a"),
        admit(&store, "fonds-b"),
        admit(&store, "vide-c"),
    );
    let admin = |member: &Member| person(member, Role::MemberAdmin, "2026-03-02");

    let declared = diagnostic::declare_asset(
        &store,
        &admin(&salle),
        &salle,
        &asset("Ventes", &[Crm, Ticketing, Crm], DeclaredQuality::Partial),
    )
    .unwrap();
    assert_eq!(declared.categories, vec![Ticketing, Crm]);
    assert_eq!(declared.owner.as_deref(), Some("Direction administrative"));
    diagnostic::declare_asset(
        &store,
        &admin(&salle),
        &salle,
        &asset("Redditions", &[Finance, Ticketing], DeclaredQuality::Reliable),
    )
    .unwrap();
    diagnostic::declare_asset(
        &store,
        &admin(&fonds),
        &fonds,
        &asset("Rapports", &[Grants], DeclaredQuality::Poor),
    )
    .unwrap();

    let declare =
        |actor: &Actor, new: &diagnostic::NewAsset| diagnostic::declare_asset(&store, actor, &salle, new).map(|_| ());
    refused(
        declare(&admin(&salle), &asset("Sans catégorie", &[], DeclaredQuality::Unknown)),
        "asset-category-missing",
    );
    let mut hidden = asset("Caché", &[Crm], DeclaredQuality::Unknown);
    hidden.owner = Some("Direction\u{1b}[31m".to_string());
    refused(declare(&admin(&salle), &hidden), "text-invalid");
    let analyst = person(&salle, Role::MemberAnalyst, "2026-03-02");
    refused(
        declare(&analyst, &asset("Lu seulement", &[Crm], DeclaredQuality::Unknown)),
        "member-not-yours",
    );
    let kept = store.read(|session| session.declared_inventory(salle.id)).unwrap();
    assert_eq!(
        kept.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
        vec!["Ventes", "Redditions"]
    );
    let trail = store.read(|session| session.audit_entries(None, 50)).unwrap();
    assert_eq!(
        trail.iter().filter(|entry| entry.action == "inventory-change").count(),
        3
    );

    let case = ensemble_store::UseCase {
        solution_id: 1,
        users: "Les diffuseurs".to_string(),
        decision: "Quels spectacles reprendre".to_string(),
        data_needed: vec!["TicketSale".to_string(), "Grant".to_string(), "Tour".to_string()],
        pooling: String::new(),
        personal_data: false,
        agreement: true,
        outside_quebec: false,
        status: "idea".to_string(),
        feature: "none".to_string(),
        updated_on: "2026-03-02".parse().unwrap(),
    };
    let available = diagnostic::data_available(&store, &case).unwrap();
    let holders = |entity: &str| {
        let (_, holders) = available.iter().find(|(name, _)| name == entity).unwrap();
        holders
            .iter()
            .map(|h| (h.member, h.records, h.declared))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        holders("TicketSale"),
        vec![(salle.id, 0, Some(DeclaredQuality::Reliable))]
    );
    assert_eq!(holders("Grant"), vec![(fonds.id, 0, Some(DeclaredQuality::Poor))]);
    assert_eq!(holders("Tour"), vec![]);
    assert!(
        available
            .iter()
            .all(|(_, holders)| holders.iter().all(|h| h.member != vide.id))
    );
}
