//! The shared referential in a real SQLite file and on PostgreSQL: a run gathers the catalogue's
//! organisations into entities under stable numbers; a person's decision that two records are two
//! entities (or one) is kept by every later run, even after the records are imported again, and
//! can be taken back; only the coordination decides; each step is in the audit trail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ensemble_actions::referential::{decide, run, undo};
use ensemble_actions::{ActionError, Actor, Channel, Clock};
use ensemble_model::{Identifiers, MemberId, Organization, OrganizationId, Provenance, Role};
use ensemble_store::Store;
use ensemble_store::testing::TestUrl;

#[macro_use]
mod common;

on_both_backends! {
    check_decisions_are_kept_across_runs_and_imports
        => sqlite_decisions_are_kept_across_runs_and_imports, postgres_decisions_are_kept_across_runs_and_imports;
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

    // Only the coordination decides; unknown tables and records are refused.
    let member = Actor {
        member: Some(MemberId(1)),
        role: Role::MemberAdmin,
        ..coordination()
    };
    let refusals = [
        decide(&store, &member, "organizations", 11, 12, true).err(),
        run(&store, &coordination(), "persons").err(),
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
            "referential-coordination-only",
            "referential-table-unknown",
            "referential-record-unknown",
            "referential-record-unknown"
        ]
    );
    let trail = store.read(|s| s.audit_entries(None, 50)).unwrap();
    assert_eq!(trail.iter().filter(|e| e.action == "referential-run").count(), 3);
    assert_eq!(trail.iter().filter(|e| e.action == "referential-decision").count(), 3);
}
