//! A consortium started from an empty database, on a real SQLite file and on PostgreSQL: the
//! operator starts it once with its coordinator; members and people are added; passwords are
//! changed by their owner (the current one required) or given anew by an administrator of the
//! person's member (never another member's), ending their sessions; each with its audit entry.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ensemble_actions::{ActionError, Actor, Channel, Clock, accounts, members};
use ensemble_model::{Member, Role, ValueChainRole};
use ensemble_store::testing::TestUrl;
use ensemble_store::{AuditAction, Store, User};

#[macro_use]
mod common;

on_both_backends! {
    check_a_consortium_starts_once_with_its_coordinator
        => sqlite_a_consortium_starts_once_with_its_coordinator,
           postgres_a_consortium_starts_once_with_its_coordinator;
    check_passwords_change_with_the_current_one_or_by_an_administrator
        => sqlite_passwords_change_with_the_current_one_or_by_an_administrator,
           postgres_passwords_change_with_the_current_one_or_by_an_administrator;
}

const PASSWORD: &str = "une phrase de passe fictive";

fn operator() -> Actor {
    Actor::operator(Clock::default())
}

fn person(user: &User) -> Actor {
    Actor {
        channel: Channel::Web,
        user_id: Some(user.id),
        member: user.member_id,
        role: user.role,
        clock: Clock::default(),
    }
}

fn refused(result: Result<impl std::fmt::Debug, ActionError>, code: &str) {
    match result {
        Err(ActionError::Refused(found)) => assert_eq!(found, code),
        other => panic!("expected {code}, got {other:?}"),
    }
}

fn actions(store: &Store) -> Vec<String> {
    store
        .read(|s| s.audit_entries(None, 100))
        .unwrap()
        .into_iter()
        .map(|entry| entry.action)
        .collect()
}

fn admit(store: &Store, slug: &str) -> Member {
    let new = members::NewMember {
        slug: slug.to_string(),
        name: format!("Organisme fictif {slug}"),
        roles: vec![ValueChainRole::Presenter],
        municipality: Some("Sherbrooke".to_string()),
        region: None,
        postal_code: Some("j1h 1a1".to_string()),
    };
    members::admit(store, &operator(), &new).unwrap()
}

fn add(store: &Store, member: &Member, login: &str, role: Role) -> User {
    let new = members::NewUser {
        login: login.to_string(),
        display_name: login.to_string(),
        role,
    };
    let hash = accounts::new_password_hash(PASSWORD).unwrap();
    members::create_user(store, &operator(), member, &new, hash).unwrap()
}

fn check_a_consortium_starts_once_with_its_coordinator(place: &TestUrl) {
    let store = Store::open(&place.url).unwrap();
    // Only the operator, with a name, an email as login and a long enough password.
    let web = Actor {
        channel: Channel::Web,
        user_id: Some(1),
        member: None,
        role: Role::Coordinator,
        clock: Clock::default(),
    };
    refused(
        accounts::start(&store, &web, "Fictif", "c@fictif.example", PASSWORD),
        "consortium-operator-only",
    );
    refused(
        accounts::start(&store, &operator(), " ", "c@fictif.example", PASSWORD),
        "consortium-name-missing",
    );
    refused(
        accounts::start(&store, &operator(), "Fictif", "coordination", PASSWORD),
        "user-form-invalid",
    );
    refused(
        accounts::start(&store, &operator(), "Fictif", "c@fictif.example", "court"),
        "password-too-short",
    );
    refused(
        accounts::start(
            &store,
            &operator(),
            "Fictif",
            "c@fictif.example",
            "une phrase\u{0}invisible",
        ),
        "password-invalid",
    );
    assert!(store.read(|s| s.consortium()).unwrap().is_none(), "nothing kept");
    assert!(actions(&store).is_empty());

    let coordinator =
        accounts::start(&store, &operator(), "Regroupement fictif", "C@Fictif.example", PASSWORD).unwrap();
    assert_eq!(coordinator.login, "c@fictif.example");
    assert_eq!((coordinator.role, coordinator.member_id), (Role::Coordinator, None));
    assert_eq!(
        store.read(|s| s.consortium()).unwrap().unwrap().name,
        "Regroupement fictif"
    );
    assert!(
        accounts::sign_in(&store, Clock::default(), "c@fictif.example", PASSWORD)
            .unwrap()
            .is_some()
    );
    refused(
        accounts::start(&store, &operator(), "Autre", "d@fictif.example", PASSWORD),
        "consortium-started",
    );
    // The coordinator admits a member: region from the municipality, postal code written properly.
    let member = members::admit(
        &store,
        &person(&coordinator),
        &members::NewMember {
            slug: "salle-fictive".to_string(),
            name: "Salle fictive".to_string(),
            roles: vec![ValueChainRole::Presenter],
            municipality: Some("Sherbrooke".to_string()),
            region: None,
            postal_code: Some("j1h1a1".to_string()),
        },
    )
    .unwrap();
    let organization = store
        .read(|s| s.get::<ensemble_model::Organization>(member.organization_id.0))
        .unwrap()
        .unwrap();
    assert_eq!(organization.region_code.as_ref().map(|r| r.as_str()), Some("05"));
    assert_eq!(organization.postal_code.as_deref(), Some("J1H 1A1"));
    let bad = |region: Option<&str>, postal: Option<&str>| members::NewMember {
        slug: "autre".to_string(),
        name: "Autre".to_string(),
        roles: Vec::new(),
        municipality: None,
        region: region.map(str::to_string),
        postal_code: postal.map(str::to_string),
    };
    refused(
        members::admit(&store, &operator(), &bad(Some("18"), None)),
        "member-region-unknown",
    );
    refused(
        members::admit(&store, &operator(), &bad(None, Some("12345"))),
        "member-postal-code-invalid",
    );
    assert_eq!(
        actions(&store),
        // Newest first.
        [
            AuditAction::MemberAdmit.code(),
            AuditAction::SignIn.code(),
            AuditAction::ConsortiumStart.code()
        ]
        .map(str::to_string)
    );
    assert!(store.read(|s| s.verify_audit()).unwrap().1.is_none(), "the chain holds");
}

fn check_passwords_change_with_the_current_one_or_by_an_administrator(place: &TestUrl) {
    let store = Store::open(&place.url).unwrap();
    accounts::start(&store, &operator(), "Regroupement fictif", "c@fictif.example", PASSWORD).unwrap();
    let (quai, pins) = (admit(&store, "salle-du-quai"), admit(&store, "theatre-des-pins"));
    let admin = add(&store, &quai, "admin@quai.example", Role::MemberAdmin);
    let analyst = add(&store, &quai, "analyste@quai.example", Role::MemberAnalyst);
    let other_admin = add(&store, &pins, "admin@pins.example", Role::MemberAdmin);

    // One's own: the current password is needed, the new one keeps the rule; sessions end.
    let opened = accounts::sign_in(&store, Clock::default(), "analyste@quai.example", PASSWORD)
        .unwrap()
        .unwrap();
    refused(
        accounts::change_password(&store, &person(&analyst), "pas le bon", "une nouvelle phrase fictive"),
        "password-wrong",
    );
    refused(
        accounts::change_password(&store, &person(&analyst), PASSWORD, "court"),
        "password-too-short",
    );
    refused(
        accounts::change_password(&store, &operator(), PASSWORD, "une nouvelle phrase fictive"),
        "password-needs-a-person",
    );
    accounts::change_password(&store, &person(&analyst), PASSWORD, "une nouvelle phrase fictive").unwrap();
    let digest = ensemble_privacy::token_digest(&opened.token);
    assert!(
        store
            .read(|s| s.session_user(&digest, chrono::Utc::now().fixed_offset()))
            .unwrap()
            .is_none()
    );
    assert!(
        accounts::sign_in(&store, Clock::default(), "analyste@quai.example", PASSWORD)
            .unwrap()
            .is_none()
    );
    assert!(
        accounts::sign_in(
            &store,
            Clock::default(),
            "analyste@quai.example",
            "une nouvelle phrase fictive"
        )
        .unwrap()
        .is_some()
    );

    // Another's, by an administrator of their member: not another member's, not one's own.
    refused(
        accounts::reset_password(&store, &person(&other_admin), analyst.id, "une phrase donnée fictive"),
        "user-unknown",
    );
    refused(
        accounts::reset_password(&store, &person(&analyst), admin.id, "une phrase donnée fictive"),
        "user-unknown",
    );
    refused(
        accounts::reset_password(&store, &person(&admin), admin.id, "une phrase donnée fictive"),
        "password-reset-self",
    );
    accounts::reset_password(&store, &person(&admin), analyst.id, "une phrase donnée fictive").unwrap();
    assert!(
        accounts::sign_in(
            &store,
            Clock::default(),
            "analyste@quai.example",
            "une phrase donnée fictive"
        )
        .unwrap()
        .is_some()
    );
    // The operator may give anyone one, a coordinator too; and disable a member's person.
    accounts::reset_password(&store, &operator(), other_admin.id, "une phrase donnée fictive").unwrap();
    refused(
        members::disable_user(&store, &person(&other_admin), analyst.id),
        "user-unknown",
    );
    members::disable_user(&store, &operator(), analyst.id).unwrap();
    assert!(
        accounts::sign_in(
            &store,
            Clock::default(),
            "analyste@quai.example",
            "une phrase donnée fictive"
        )
        .unwrap()
        .is_none()
    );

    let trail = actions(&store);
    assert_eq!(
        trail
            .iter()
            .filter(|a| *a == AuditAction::PasswordChange.code())
            .count(),
        1
    );
    assert_eq!(
        trail.iter().filter(|a| *a == AuditAction::PasswordReset.code()).count(),
        2
    );
    assert_eq!(trail.first().map(String::as_str), Some(AuditAction::UserDisable.code()));
}
