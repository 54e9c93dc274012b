//! A presenter's audience insights on the demo consortium, in a real SQLite file and on
//! PostgreSQL: the buyers and tickets, and every figure shown of the channel, returning and
//! frequency distributions, worked out again from the member's raw ticket lines; no figure shown
//! for fewer than k buyers; only the member's own people read them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{HashMap, HashSet};

use ensemble_actions::audience::insights;
use ensemble_actions::{ActionError, Actor, Channel, Clock};
use ensemble_model::*;
use ensemble_privacy::disclosure::{Figure, Hidden};
use ensemble_store::barometer::Season;
use ensemble_store::testing::TestUrl;
use ensemble_store::{ListFilter, Store};

#[macro_use]
mod common;

on_both_backends! {
    check_a_presenter_reads_its_own_audience
        => sqlite_a_presenter_reads_its_own_audience,
           postgres_a_presenter_reads_its_own_audience;
}

fn person(member: &Member, role: Role) -> Actor {
    Actor {
        channel: Channel::Web,
        user_id: Some(1),
        member: Some(member.id),
        role,
        clock: Clock::default(),
    }
}

fn check_a_presenter_reads_its_own_audience(place: &TestUrl) {
    let store = Store::open(&place.url).unwrap();
    let config = ensemble_demo::DemoConfig {
        scale: ensemble_demo::Scale::Small,
        seed: 1,
    };
    let key = ensemble_privacy::SecretKey::from_bytes([1; 32]);
    ensemble_demo::generate(&store, &config, &key, &mut |_| {}).unwrap();
    let presenter = store.read(|s| s.member_by_slug("deux-rivieres")).unwrap().unwrap();
    let season = Season::parse("2024-2025").unwrap();
    let reader = person(&presenter, Role::Viewer);
    let audience = insights(&store, &reader, &presenter, season, None).unwrap();
    let k = audience.min_people;

    // The raw lines: the member's, for performances of the season.
    let performances: HashMap<i64, Performance> = store
        .list_any::<Performance>(&ListFilter::default())
        .unwrap()
        .into_iter()
        .map(|p| (p.id.0, p))
        .collect();
    let all_lines = store
        .list_any::<TicketSale>(&ListFilter {
            member_id: Some(presenter.id),
            ..Default::default()
        })
        .unwrap();
    let day = |line: &TicketSale| performances[&line.performance_id.0].local_date();
    let lines: Vec<&TicketSale> = all_lines
        .iter()
        .filter(|l| day(l) >= season.first_day() && day(l) < season.end())
        .collect();
    let buyers: HashSet<&str> = lines
        .iter()
        .filter_map(|l| l.buyer_key.as_ref().map(|b| b.0.as_str()))
        .collect();
    assert!(buyers.len() as u64 >= k);
    assert_eq!(audience.buyers, Figure::Shown(buyers.len() as u64));
    let tickets: u64 = lines.iter().map(|l| u64::from(l.quantity)).sum();
    assert_eq!(audience.tickets, Figure::Shown(tickets));

    // Each distribution's shown figures, worked out again; nothing shown below k.
    let earlier: HashSet<&str> = all_lines
        .iter()
        .filter(|l| day(l) < season.first_day())
        .filter_map(|l| l.buyer_key.as_ref().map(|b| b.0.as_str()))
        .collect();
    let mut seen: HashMap<&str, HashSet<i64>> = HashMap::new();
    let mut by_channel: HashMap<String, HashSet<&str>> = HashMap::new();
    for line in &lines {
        if let Some(buyer) = &line.buyer_key {
            seen.entry(buyer.0.as_str()).or_default().insert(line.performance_id.0);
            by_channel
                .entry(line.channel.code().to_string())
                .or_default()
                .insert(buyer.0.as_str());
        }
    }
    let mut expected: HashMap<(&str, String), u64> = HashMap::new();
    for (channel, people) in &by_channel {
        expected.insert(("channel", channel.clone()), people.len() as u64);
    }
    for (buyer, performances) in &seen {
        let returning = if earlier.contains(buyer) {
            "revenants"
        } else {
            "nouveaux"
        };
        *expected.entry(("returning", returning.to_string())).or_default() += 1;
        let frequency = match performances.len() {
            1 => "1",
            2 => "2",
            3..=5 => "3-5",
            _ => "6-et-plus",
        };
        *expected.entry(("frequency", frequency.to_string())).or_default() += 1;
    }
    let mut checked = 0;
    for distribution in &audience.distributions {
        assert_eq!(
            distribution.total,
            Figure::Shown(buyers.len() as u64),
            "{}",
            distribution.dimension
        );
        for (row, figure) in distribution.rows.iter().zip(&distribution.buyers) {
            match figure {
                Figure::Shown(value) => assert!(*value == 0 || *value >= k, "{} {row}", distribution.dimension),
                Figure::Hidden(Hidden::TooFewPeople | Hidden::Complementary) => {}
                Figure::Hidden(other) => panic!("{} {row}: {other:?}", distribution.dimension),
            }
            let dimension = distribution.dimension.as_str();
            if let (Some(want), Figure::Shown(value)) = (expected.get(&(dimension, row.clone())), figure) {
                assert_eq!(value, want, "{dimension} {row}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 4, "{checked} figures checked");

    // One show's performances only: fewer buyers.
    let show = store
        .list_any::<Show>(&ListFilter::default())
        .unwrap()
        .into_iter()
        .find(|s| lines.iter().any(|l| performances[&l.performance_id.0].show_id == s.id))
        .unwrap();
    let one = insights(&store, &reader, &presenter, season, Some(&show.slug)).unwrap();
    assert_eq!(one.show.as_deref(), Some(show.slug.as_str()));
    match one.buyers {
        Figure::Shown(count) => assert!(count < buyers.len() as u64),
        Figure::Hidden(reason) => assert_eq!(reason, Hidden::TooFewPeople),
    }

    // Only the member's own people.
    let members = store.list_any::<Member>(&ListFilter::default()).unwrap();
    let stranger = members.iter().find(|m| m.id != presenter.id).unwrap();
    let mut coordination = person(&presenter, Role::Coordinator);
    coordination.member = None;
    for (actor, show) in [
        (person(stranger, Role::MemberAdmin), None),
        (coordination, None),
        (reader.clone(), Some("pas-un-spectacle")),
    ] {
        let refused = insights(&store, &actor, &presenter, season, show).err();
        assert!(matches!(refused, Some(ActionError::Refused(_))), "{refused:?}");
    }
}
