//! The market barometer on the demo consortium, in a real SQLite file and on PostgreSQL: a season
//! not over is refused in words; every figure shown is the sum worked out again from the raw
//! settlements of the pool (one per performance, the presenter's copy first, cancelled ones out)
//! and meets the rules (k admissions, the members' minimum, what the largest contributor could
//! not see); a figure hidden for a rule breaks it; a released season is read back unchanged after
//! the rules tighten and a member leaves the pool; each release and each read is audited.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;

use ensemble_actions::pooled::{barometer, barometer_seasons};
use ensemble_actions::{ActionError, Actor, Clock};
use ensemble_model::*;
use ensemble_privacy::disclosure::{Figure, Hidden, Rules};
use ensemble_store::barometer::{BAROMETER, HALL_SIZES, MEASURES, Season, UNKNOWN, hall_size};
use ensemble_store::testing::TestUrl;
use ensemble_store::{ListFilter, Store};

#[macro_use]
mod common;

on_both_backends! {
    check_the_barometer_shows_only_what_the_rules_allow
        => sqlite_the_barometer_shows_only_what_the_rules_allow,
           postgres_the_barometer_shows_only_what_the_rules_allow;
}

/// What a cell adds up, worked out from the raw rows: values per measure, admissions per member.
#[derive(Default, Clone, Debug)]
struct Raw {
    values: [u64; 5],
    admissions: HashMap<i64, u64>,
}

impl Raw {
    fn add(&mut self, member: i64, values: [u64; 5]) {
        for (sum, value) in self.values.iter_mut().zip(values) {
            *sum += value;
        }
        *self.admissions.entry(member).or_default() += values[2];
    }

    fn people(&self) -> u64 {
        self.admissions.values().sum()
    }

    /// The first rule the cell breaks, if any.
    fn breaks(&self, rules: &Rules) -> Option<Hidden> {
        let people = self.people();
        let largest = self.admissions.values().copied().max().unwrap_or(0);
        if self.values[0] == 0 {
            None
        } else if people < rules.min_people {
            Some(Hidden::TooFewPeople)
        } else if (self.admissions.len() as u64) < rules.min_members {
            Some(Hidden::TooFewMembers)
        } else if self.admissions.len() >= 2 && people - largest < rules.min_people {
            Some(Hidden::MostlyOneMember)
        } else {
            None
        }
    }
}

/// The season's cells by (view, row, discipline), from the raw tables.
fn raw_cells(store: &Store, season: Season, pool: &[i64]) -> HashMap<(String, String, String), Raw> {
    let all = ListFilter::default();
    let members: HashMap<i64, i64> = store
        .list_any::<Member>(&all)
        .unwrap()
        .iter()
        .map(|m| (m.id.0, m.organization_id.0))
        .collect();
    let settlements = store.list_any::<Settlement>(&all).unwrap();
    let shows: HashMap<i64, Show> = store
        .list_any::<Show>(&all)
        .unwrap()
        .into_iter()
        .map(|s| (s.id.0, s))
        .collect();
    let halls: HashMap<i64, Hall> = store
        .list_any::<Hall>(&all)
        .unwrap()
        .into_iter()
        .map(|h| (h.id.0, h))
        .collect();
    let places: HashMap<i64, Place> = store
        .list_any::<Place>(&all)
        .unwrap()
        .into_iter()
        .map(|p| (p.id.0, p))
        .collect();
    let disciplines = vocab::vocabulary("disciplines-asq").unwrap();
    let mut cells: HashMap<(String, String, String), Raw> = HashMap::new();
    for performance in store.list_any::<Performance>(&all).unwrap() {
        let day = performance.local_date();
        if performance.status == EventStatus::Cancelled || day < season.first_day() || day >= season.end() {
            continue;
        }
        let mut copies: Vec<&Settlement> = settlements
            .iter()
            .filter(|s| s.performance_id == performance.id)
            .filter(|s| s.provenance.member_id.is_some_and(|m| pool.contains(&m.0)))
            .collect();
        copies.sort_by_key(|s| s.provenance.member_id.map(|m| m.0));
        let presenters = copies
            .iter()
            .find(|s| members.get(&s.provenance.member_id.unwrap().0) == Some(&performance.presenter_id.0));
        let Some(settlement) = presenters.or(copies.first()) else {
            continue;
        };
        let member = settlement.provenance.member_id.unwrap().0;
        let show = &shows[&performance.show_id.0];
        let discipline = show
            .disciplines
            .first()
            .and_then(|code| disciplines.top_of(code.as_str()))
            .map_or("autre".to_string(), |term| term.code.clone());
        let hall = &halls[&performance.hall_id.0];
        let region = places[&hall.place_id.0]
            .region_code
            .as_ref()
            .map_or(UNKNOWN.to_string(), |code| code.as_str().to_string());
        let seated = hall
            .configurations
            .iter()
            .filter(|c| c.kind.as_str() != "Debout")
            .map(|c| c.capacity)
            .max()
            .or_else(|| hall.configurations.iter().map(|c| c.capacity).max());
        let size = hall_size(seated.or(Some(settlement.capacity_offered))).to_string();
        let attendance =
            u64::from(settlement.paid) + u64::from(settlement.complimentary) + u64::from(settlement.free_admissions);
        let values = [
            1,
            u64::from(settlement.capacity_offered),
            attendance,
            u64::from(settlement.paid),
            ((settlement.gross.0 - settlement.taxes.0).max(0) / 100) as u64,
        ];
        for (view, row) in [("region", region.clone()), ("hall-size", size.clone())] {
            for (row, column) in [
                (row.clone(), discipline.clone()),
                (row.clone(), "*".to_string()),
                ("*".to_string(), discipline.clone()),
                ("*".to_string(), "*".to_string()),
            ] {
                cells
                    .entry((view.to_string(), row, column))
                    .or_default()
                    .add(member, values);
            }
        }
    }
    cells
}

fn check_the_barometer_shows_only_what_the_rules_allow(place: &TestUrl) {
    let store = Store::open(&place.url).unwrap();
    let config = ensemble_demo::DemoConfig {
        scale: ensemble_demo::Scale::Small,
        seed: 1,
    };
    let key = ensemble_privacy::SecretKey::from_bytes([1; 32]);
    ensemble_demo::generate(&store, &config, &key, &mut |_| {}).unwrap();
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let clock = Clock::default().on(day(2026, 10, 1));
    let coordination = Actor::operator(clock);

    // The season under way is not released; the seasons over are listed.
    let running = Season::of(clock.today());
    assert!(matches!(
        barometer(&store, &coordination, running),
        Err(ActionError::Refused("barometer-not-released"))
    ));
    let seasons = barometer_seasons(&store, &coordination).unwrap();
    assert_eq!(
        seasons.iter().map(Season::to_string).collect::<Vec<_>>(),
        ["2025-2026", "2024-2025", "2023-2024"]
    );

    let season = seasons[1];
    let released = barometer(&store, &coordination, season).unwrap();
    let rules = released.rules;
    assert_eq!(released.season, "2024-2025");
    let pool = store
        .read(|s| s.pool(Dataset::Settlements, clock.today()))
        .unwrap()
        .members()
        .iter()
        .map(|m| m.0)
        .collect::<Vec<_>>();
    assert_eq!(released.pool_members as usize, pool.len());
    let raw = raw_cells(&store, season, &pool);
    let (mut shown, mut hidden) = (0, 0);
    for view in &released.views {
        assert_eq!(view.measures.len(), MEASURES.len());
        if view.view == "hall-size" {
            assert_eq!(view.rows.len(), HALL_SIZES.len() + 1);
        }
        for (index, measure) in view.measures.iter().enumerate() {
            let mut check = |row: &str, column: &str, figure: &Figure| {
                let cell = raw
                    .get(&(view.view.clone(), row.to_string(), column.to_string()))
                    .cloned()
                    .unwrap_or_default();
                match figure {
                    Figure::Shown(value) => {
                        assert_eq!(
                            *value, cell.values[index],
                            "{} {row} {column} {}",
                            view.view, measure.measure
                        );
                        assert_eq!(cell.breaks(&rules), None, "{} {row} {column}: {cell:?}", view.view);
                        if cell.values[0] > 0 {
                            shown += 1;
                        }
                    }
                    Figure::Hidden(Hidden::Complementary) => hidden += 1,
                    Figure::Hidden(reason) => {
                        assert_eq!(cell.breaks(&rules), Some(*reason), "{} {row} {column}", view.view);
                        hidden += 1;
                    }
                }
            };
            let figures = &measure.figures;
            for (row, cells) in view.rows.iter().zip(&figures.cells) {
                for (column, figure) in released.disciplines.iter().zip(cells) {
                    check(row, column, figure);
                }
            }
            for (row, figure) in view.rows.iter().zip(&figures.row_totals) {
                check(row, "*", figure);
            }
            for (column, figure) in released.disciplines.iter().zip(&figures.column_totals) {
                check("*", column, figure);
            }
            check("*", "*", &figures.total);
        }
    }
    assert!(shown > 0 && hidden > 0, "{shown} shown, {hidden} hidden");

    // Released once: tighter rules and a member out of the pool change nothing of it.
    store
        .write(|s| {
            s.set_disclosure_rules(&Rules {
                min_people: 1_000,
                ..rules
            })
        })
        .unwrap();
    let agreement = store
        .list_any::<SharingAgreement>(&ListFilter::default())
        .unwrap()
        .into_iter()
        .find(|a| a.recipient_member_id.is_none() && a.dataset == Dataset::Settlements)
        .unwrap();
    store
        .write(|s| {
            s.update(&SharingAgreement {
                valid_until: Some(day(2024, 9, 2)),
                ..agreement
            })
        })
        .unwrap();
    assert_eq!(barometer(&store, &coordination, season).unwrap(), released);
    let trail = store.read(|s| s.audit_entries(None, 100)).unwrap();
    let subject = format!("{BAROMETER} 2024-2025");
    let count = |action: &str| {
        trail
            .iter()
            .filter(|e| e.action == action && e.subject == subject)
            .count()
    };
    assert_eq!((count("pooled-release"), count("pooled-query")), (1, 2));
}
