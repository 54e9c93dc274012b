//! The shared referential in a real SQLite file and on PostgreSQL: a run gathers the catalogue's
//! organisations into entities under stable numbers; a person's decision that two records are two
//! entities (or one) is kept by every later run, even after the records are imported again, and
//! can be taken back; only the coordination decides; each step is in the audit trail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ensemble_actions::referential::{decide, entity, queue, run, undo};
use ensemble_actions::{ActionError, Actor, Channel, Clock};
use ensemble_model::{Group, GroupId, Identifiers, Member, MemberId, Organization, OrganizationId, Provenance, Role};
use ensemble_store::Store;
use ensemble_store::testing::TestUrl;

#[macro_use]
mod common;

on_both_backends! {
    check_decisions_are_kept_across_runs_and_imports
        => sqlite_decisions_are_kept_across_runs_and_imports, postgres_decisions_are_kept_across_runs_and_imports;
    check_members_review_their_own_records
        => sqlite_members_review_their_own_records, postgres_members_review_their_own_records;
}

fn organization(id: i64, name: &str, town: &str, wikidata: Option<&str>) -> Organization {
    Organization {
        id: OrganizationId(id),
        name: name.to_string(),
        roles: Vec::new(),
        municipality: Some(town.to_string()),
        postal_code: None,
        region_code: None,
        website: None,
        identifiers: Identifiers {
            wikidata: wikidata.map(String::from),
            ..Identifiers::default()
        },
        provenance: Provenance::default(),
    }
}

fn coordination() -> Actor {
    Actor {
        channel: Channel::Web,
        user_id: Some(1),
        member: None,
        role: Role::Coordinator,
        clock: Clock::default().on("2026-12-05".parse().unwrap()),
    }
}

fn check_decisions_are_kept_across_runs_and_imports(place: &TestUrl) {
    let store = Store::open(&place.url).unwrap();
    let names = [
        "Théâtre du Bic",
        "Salle Pauline-Julien",
        "Théâtre Outremont",
        "Centre culturel de Joliette",
        "Théâtre Gilles-Vigneault",
        "Salle Odyssée",
        "Théâtre Lionel-Groulx",
        "Diffusion Saguenay",
        "Spect'Art Rimouski",
        "Salle André-Mathieu",
    ];
    let mut records: Vec<Organization> = names
        .iter()
        .enumerate()
        .map(|(i, name)| organization(i as i64 + 1, name, "Québec", None))
        .collect();
    records.push(organization(11, "Ballet national du Canada", "Toronto", None));
    records.push(organization(12, "National Ballet of Canada", "Toronto", None));
    records.push(organization(13, "Théâtre Outremont", "Montréal", None));
    records.push(organization(
        14,
        "Festival TransAmériques",
        "Montréal",
        Some("Q3070463"),
    ));
    records.push(organization(
        15,
        "Maison de la culture de Gatineau",
        "Gatineau",
        Some("Q3070463"),
    ));
    store.write(|session| session.insert(&records)).unwrap();
    let entity = |record: i64| {
        store
            .read(|s| s.referential_mentions("organizations"))
            .unwrap()
            .into_iter()
            .find(|m| m.record_id == record)
            .unwrap()
            .entity_id
    };

    let first = run(&store, &coordination(), "organizations").unwrap();
    assert_eq!(first.records, 15);
    assert_eq!(entity(11), entity(12), "French and English names: one entity");
    assert_ne!(entity(14), entity(15), "one Wikidata id on two different organisations");
    assert_eq!(first.conflicts, 1, "the shared id is reported");
    let listed = queue(&store, "organizations", None, 10).unwrap().conflicts;
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].register.as_str(), listed[0].value.as_str()),
        ("wikidata", "Q3070463")
    );
    let holders: Vec<i64> = listed[0].records.iter().map(|r| r.id).collect();
    assert_eq!(holders, vec![14, 15], "listed with the records that carry it");
    let ballet = entity(11);

    // Two entities, says a person: every later run keeps them apart.
    let apart = decide(&store, &coordination(), "organizations", 12, 11, false).unwrap();
    assert_ne!(entity(11), entity(12));
    assert_eq!(apart.entities, first.entities + 1);
    assert_eq!(entity(11), ballet, "the entity keeps its number");
    run(&store, &coordination(), "organizations").unwrap();
    assert_ne!(entity(11), entity(12));

    // The records imported again (a name corrected): the decision holds.
    let mut again = organization(12, "The National Ballet of Canada", "Toronto", None);
    again.provenance = Provenance {
        member_id: None,
        ..Provenance::default()
    };
    store.write(|session| session.update(&again)).unwrap();
    run(&store, &coordination(), "organizations").unwrap();
    assert_ne!(entity(11), entity(12), "kept after a re-import");

    // One entity, says a person, across towns.
    decide(&store, &coordination(), "organizations", 3, 13, true).unwrap();
    assert_eq!(entity(3), entity(13));

    // Taken back: the engine decides again.
    let decisions = store.read(|s| s.referential_decisions("organizations")).unwrap();
    assert_eq!(decisions.len(), 2);
    undo(&store, &coordination(), "organizations", decisions[0].id).unwrap();
    assert_eq!(entity(11), entity(12));
    assert!(matches!(
        undo(&store, &coordination(), "organizations", decisions[0].id),
        Err(ActionError::Refused("referential-decision-unknown"))
    ));

    // A member's administrator decides only on its own records; unknown tables and records are
    // refused.
    let member = Actor {
        member: Some(MemberId(1)),
        role: Role::MemberAdmin,
        ..coordination()
    };
    let refusals = [
        decide(&store, &member, "organizations", 11, 12, true).err(),
        run(&store, &coordination(), "ticket_sales").err(),
        decide(&store, &coordination(), "organizations", 11, 999, true).err(),
        decide(&store, &coordination(), "organizations", 11, 11, true).err(),
    ];
    let codes: Vec<&str> = refusals
        .iter()
        .map(|e| match e {
            Some(ActionError::Refused(code)) => *code,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        codes,
        [
            "referential-not-yours",
            "referential-table-unknown",
            "referential-record-unknown",
            "referential-record-unknown"
        ]
    );
    let trail = store.read(|s| s.audit_entries(None, 50)).unwrap();
    assert_eq!(trail.iter().filter(|e| e.action == "referential-run").count(), 3);
    assert_eq!(trail.iter().filter(|e| e.action == "referential-decision").count(), 3);
}

/// A member's administrator.
fn administrator(member: i64, role: Role) -> Actor {
    Actor {
        member: Some(MemberId(member)),
        role,
        ..coordination()
    }
}

fn check_members_review_their_own_records(place: &TestUrl) {
    let store = Store::open(&place.url).unwrap();
    let organizations = vec![
        organization(20, "Diffusion du Bas-Saint-Laurent", "Rimouski", None),
        organization(21, "Diffusion de Gaspé", "Gaspé", None),
    ];
    store.write(|session| session.insert(&organizations)).unwrap();
    let members: Vec<Member> = [(1, "bic", 20), (2, "gaspe", 21)]
        .into_iter()
        .map(|(id, slug, organization)| Member {
            id: MemberId(id),
            slug: slug.to_string(),
            organization_id: OrganizationId(organization),
            joined_on: "2026-01-01".parse().unwrap(),
            privacy_officer_title: None,
            provenance: Provenance::default(),
        })
        .collect();
    store.write(|session| session.insert(&members)).unwrap();
    // The public catalogue's groups, and the member's own record of a group: the same words
    // but one, in the same town, a doubtful pair.
    let mut groups: Vec<Group> = [
        "Troupe La Bourrasque",
        "Cirque Plein Chant",
        "Cirque Rive Haute",
        "Ensemble La Passerelle",
        "Danse Les Funambules",
        "Danse Les Écluses",
        "Troupe La Marelle",
        "Théâtre La Bourrasque",
        "Ensemble Temps Doux",
    ]
    .iter()
    .enumerate()
    .map(|(i, name)| Group {
        id: GroupId(i as i64 + 1),
        name: name.to_string(),
        disciplines: Vec::new(),
        home_municipality: Some("Montréal".to_string()),
        identifiers: Identifiers::default(),
        provenance: Provenance::default(),
    })
    .collect();
    groups[2].identifiers.artsdata = Some("K10-100".to_string());
    let mut own = Group {
        id: GroupId(10),
        name: "Théâtre Rive Haute".to_string(),
        provenance: Provenance {
            member_id: Some(MemberId(1)),
            ..Provenance::default()
        },
        ..groups[0].clone()
    };
    groups.push(own.clone());
    store.write(|session| session.insert(&groups)).unwrap();
    let table = "performing_groups";
    let entity_of = |record: i64| {
        store
            .read(|s| s.referential_mentions(table))
            .unwrap()
            .into_iter()
            .find(|m| m.record_id == record)
            .map(|m| m.entity_id)
    };

    // Joined provisionally, and waiting for a person.
    let first = run(&store, &coordination(), table).unwrap();
    assert_eq!((first.review, first.provisional), (1, 1), "{first:?}");
    assert_eq!(entity_of(10), entity_of(3));
    let all = queue(&store, table, None, 10).unwrap();
    assert!(all.pairs[0].provisional && !all.pairs[0].held_apart);
    assert_eq!(all.pairs[0].left.member, None);
    assert_eq!(
        all.pairs[0].right.member.as_deref(),
        Some("Diffusion du Bas-Saint-Laurent")
    );
    let mine = queue(&store, table, Some(MemberId(1)), 10).unwrap();
    assert_eq!(mine.waiting, 1);
    assert_eq!(queue(&store, table, Some(MemberId(2)), 10).unwrap().waiting, 0);

    // The golden record: each field from the record that gives it, every identifier attached.
    let golden = entity(&store, entity_of(3).unwrap()).unwrap().unwrap();
    let name = &golden.fields[0];
    assert_eq!((name.field, name.agreeing, name.giving), ("name", 1, 2));
    assert_eq!(
        (name.record, golden.name.as_str()),
        (3, "Cirque Rive Haute"),
        "on a tie, the record a public register identifies"
    );
    assert_eq!(golden.value("locality"), Some("Montréal"));
    assert_eq!(golden.fields[1].agreeing, 2);
    assert_eq!(golden.identifiers.len(), 1);
    assert_eq!(golden.identifiers[0].records, vec![3]);
    let provisional: Vec<i64> = golden
        .mentions
        .iter()
        .filter(|m| m.provisional)
        .map(|m| m.record)
        .collect();
    assert_eq!(provisional, vec![10], "the later record joined provisionally");

    // Others' administrators and the member's viewers cannot decide; its administrator can.
    assert!(matches!(
        decide(&store, &administrator(2, Role::MemberAdmin), table, 3, 10, false),
        Err(ActionError::Refused("referential-not-yours"))
    ));
    assert!(matches!(
        decide(&store, &administrator(1, Role::Viewer), table, 3, 10, false),
        Err(ActionError::Refused("referential-coordination-only"))
    ));
    assert!(matches!(
        decide(&store, &administrator(1, Role::MemberAdmin), table, 1, 2, true),
        Err(ActionError::Refused("referential-not-yours"))
    ));
    let apart = decide(&store, &administrator(1, Role::MemberAdmin), table, 3, 10, false).unwrap();
    assert_eq!(apart.provisional, 0);
    assert_ne!(entity_of(10), entity_of(3));
    let trail = store.read(|s| s.audit_entries(None, 50)).unwrap();
    let decision = trail.iter().find(|e| e.action == "referential-decision").unwrap();
    assert_eq!(decision.member_id, Some(1), "the decision is in the member's trail");

    // The import that brought the record rolled back and brought again: a new number, the
    // decision still holds.
    store.write(|session| session.delete::<Group>(10)).unwrap();
    own.id = GroupId(12);
    store
        .write(|session| session.insert(std::slice::from_ref(&own)))
        .unwrap();
    run(&store, &coordination(), table).unwrap();
    assert_ne!(entity_of(12), entity_of(3), "kept for the record brought back");
    let decisions = store.read(|s| s.referential_decisions(table)).unwrap();
    assert_eq!((decisions[0].left, decisions[0].right), (3, 12));
    assert!(!decisions[0].same);

    // Its administrator takes the decision back: joined provisionally again.
    undo(&store, &administrator(1, Role::MemberAdmin), table, decisions[0].id).unwrap();
    assert_eq!(entity_of(12), entity_of(3));
}
