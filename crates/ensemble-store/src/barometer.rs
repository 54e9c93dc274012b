//! The market barometer: supply and demand of a season across the pool of settlements, by
//! administrative region and by hall size (rows) and discipline (columns), released once per
//! season through the same path as every pooled figure ([`crate::pooling`]): one fixed pool, the
//! consortium's disclosure rules, secondary suppression, one release kept as released, audited.
//!
//! A season runs from 1 September to 31 August and is released [`RELEASE_DELAY_DAYS`] days after
//! it ends, when its settlements are in. Its figures are final: performances given, seats offered,
//! attendance, paid admissions and box office (gross less taxes, in dollars), each a table of its
//! own; occupancy and average price are worked out from two shown figures, never released alone.
//!
//! A settlement holds no person: its cell counts its admissions as the people behind it (as the
//! consortium's funder reports do), the members who gave the settlements, and the admissions left
//! once the largest contributor's own are taken out (what that member could not see). Each
//! performance counts once, from its presenter's copy of the settlement when the presenter shares
//! it, else from the first copy in the pool. Cancelled performances are not counted.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use ensemble_model::{
    Dataset, EventStatus, Hall, HallConfigurationCode, Member, MemberId, Performance, Place, Purpose, Settlement, Show,
    vocab,
};
use ensemble_privacy::disclosure::{Cell, Released, Rules, Table, protect};
use serde::{Deserialize, Serialize};

use crate::pooling::{OTHER_DISCIPLINE, RELEASE_DELAY_DAYS};
use crate::sharing::Pool;
use crate::{AuditEvent, ListFilter, Requester, Session, StoreError};

/// The pooled figure of the barometer.
pub const BAROMETER: &str = "barometer";

/// The row of places with no administrative region (or outside Québec), and of halls whose size
/// is not known.
pub const UNKNOWN: &str = "inconnue";

/// Hall-size bands: the seats at most in each (the last has none).
pub const HALL_SIZES: [(&str, u32); 4] = [
    ("moins-de-300", 299),
    ("300-599", 599),
    ("600-999", 999),
    ("1000-et-plus", u32::MAX),
];

/// The measures, each one table: performances, seats offered, attendance, paid admissions, box
/// office in dollars.
pub const MEASURES: [&str; 5] = ["performances", "seats", "attendance", "paid", "box-office"];

/// A season, from 1 September of its first year to 31 August of the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Season {
    /// The year it starts.
    pub first_year: i32,
}

impl Season {
    /// A season written `2025-2026`.
    pub fn parse(text: &str) -> Option<Season> {
        let (first, second) = text.trim().split_once('-')?;
        let first_year: i32 = first.parse().ok().filter(|_| first.len() == 4)?;
        let second: i32 = second.parse().ok().filter(|_| second.len() == 4)?;
        (second == first_year + 1 && (1900..3000).contains(&first_year)).then_some(Season { first_year })
    }

    /// The season a day falls in.
    pub fn of(day: NaiveDate) -> Season {
        let first_year = if day.month() >= 9 { day.year() } else { day.year() - 1 };
        Season { first_year }
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.first_year, 9, 1).unwrap_or_default()
    }

    /// The first day of the next season.
    pub fn end(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.first_year + 1, 9, 1).unwrap_or_default()
    }

    /// The season before.
    pub fn previous(self) -> Season {
        Season {
            first_year: self.first_year - 1,
        }
    }

    /// The day its barometer is released.
    pub fn released_on(self) -> NaiveDate {
        self.end() + Duration::days(RELEASE_DELAY_DAYS)
    }

    /// The latest season released on `today`.
    pub fn latest_released(today: NaiveDate) -> Season {
        let mut season = Season::of(today);
        while season.released_on() > today {
            season = season.previous();
        }
        season
    }
}

impl std::fmt::Display for Season {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.first_year, self.first_year + 1)
    }
}

/// One measure of one view, as released.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureTable {
    /// One of [`MEASURES`].
    pub measure: String,
    /// The figures, hidden where the rules say.
    pub figures: Released,
}

/// The barometer seen one way: rows, and a table per measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BarometerView {
    /// `region` (administrative regions, then [`UNKNOWN`]) or `hall-size` ([`HALL_SIZES`], then
    /// [`UNKNOWN`]).
    pub view: String,
    /// Row codes.
    pub rows: Vec<String>,
    /// One table per measure, in the order of [`MEASURES`].
    pub measures: Vec<MeasureTable>,
}

/// A season's barometer as released: what every member sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Barometer {
    /// [`BAROMETER`].
    pub figure: String,
    /// The season, `2025-2026`.
    pub season: String,
    /// When it was computed.
    pub released_at: DateTime<FixedOffset>,
    /// The rules it was protected under.
    pub rules: Rules,
    /// How many members the pool had.
    pub pool_members: u64,
    /// The agreements the pool rested on, by number.
    pub agreements: Vec<i64>,
    /// Column codes: top disciplines, then [`OTHER_DISCIPLINE`].
    pub disciplines: Vec<String>,
    /// By region, then by hall size.
    pub views: Vec<BarometerView>,
}

/// What one cell adds up before protection: a value per measure, and who is behind them.
#[derive(Default, Clone)]
struct Tally {
    values: [u64; 5],
    /// Admissions by the member that gave the settlement.
    admissions: HashMap<MemberId, u64>,
}

impl Tally {
    fn add(&mut self, member: MemberId, values: [u64; 5]) {
        for (sum, value) in self.values.iter_mut().zip(values) {
            *sum += value;
        }
        *self.admissions.entry(member).or_default() += values[2];
    }

    fn cell(&self, measure: usize) -> Cell {
        let people: u64 = self.admissions.values().sum();
        let largest = self.admissions.values().copied().max().unwrap_or(0);
        Cell {
            value: self.values[measure],
            people,
            members: self.admissions.len() as u64,
            others: people - largest,
        }
    }
}

/// The seats of a hall: its largest seated configuration, else its largest.
fn seats(hall: &Hall) -> Option<u32> {
    let standing = HallConfigurationCode::new("Debout");
    let seated = hall
        .configurations
        .iter()
        .filter(|c| c.kind != standing)
        .map(|c| c.capacity)
        .max();
    seated.or_else(|| hall.configurations.iter().map(|c| c.capacity).max())
}

/// The band of a hall of `seats`.
pub fn hall_size(seats: Option<u32>) -> &'static str {
    match seats.filter(|s| *s > 0) {
        Some(seats) => HALL_SIZES
            .iter()
            .find(|(_, most)| seats <= *most)
            .map_or(UNKNOWN, |(code, _)| code),
        None => UNKNOWN,
    }
}

impl Session<'_> {
    /// A season's barometer as released (released now if it is the first time anyone asks), on
    /// behalf of `requester`; refused with `NotReleased` before its release day.
    pub fn pooled_barometer(
        &mut self,
        requester: &Requester,
        season: Season,
        now: DateTime<Utc>,
    ) -> Result<Barometer, StoreError> {
        let today = now.with_timezone(&chrono_tz::America::Toronto).date_naive();
        if season.released_on() > today {
            return Err(StoreError::NotReleased(season.to_string()));
        }
        let period = season.to_string();
        let barometer = match self.stored_content::<Barometer>(BAROMETER, &period)? {
            Some(barometer) => barometer,
            None => {
                let pool = self.pool(Dataset::Settlements, today)?;
                let barometer = self.release_barometer(&pool, season, now)?;
                self.store_content(BAROMETER, &period, barometer.released_at, &barometer)?;
                let event = AuditEvent {
                    channel: requester.channel,
                    user_id: requester.user_id,
                    member_id: requester.member,
                    action: crate::AuditAction::PooledRelease,
                    subject: format!("{BAROMETER} {period}"),
                    detail: serde_json::json!({
                        "pool": pool.members().iter().map(|m| m.0).collect::<Vec<_>>(),
                        "agreements": pool.agreements(),
                        "rules": barometer.rules,
                    }),
                };
                self.append_audit(&event, now)?;
                barometer
            }
        };
        let event = AuditEvent {
            channel: requester.channel,
            user_id: requester.user_id,
            member_id: requester.member,
            action: crate::AuditAction::PooledQuery,
            subject: format!("{BAROMETER} {period}"),
            detail: serde_json::json!({
                "purpose": Purpose::PooledStatistics.code(),
                "agreements": barometer.agreements,
            }),
        };
        self.append_audit(&event, now)?;
        Ok(barometer)
    }

    /// A season's barometer if it was released, without a read of it (nothing audited).
    pub fn released_barometer(&mut self, season: Season) -> Result<Option<Barometer>, StoreError> {
        self.stored_content(BAROMETER, &season.to_string())
    }

    /// The seasons released on `today` in which the pool of settlements has performances, the
    /// latest first.
    pub fn barometer_seasons(&mut self, today: NaiveDate) -> Result<Vec<Season>, StoreError> {
        let pool = self.pool(Dataset::Settlements, today)?;
        let latest = Season::latest_released(today);
        let settled: BTreeSet<i64> = self
            .list_any::<Settlement>(&ListFilter::default())?
            .iter()
            .filter(|s| s.provenance.member_id.is_some_and(|m| pool.members().contains(&m)))
            .map(|s| s.performance_id.0)
            .collect();
        let seasons: BTreeSet<Season> = self
            .list_any::<Performance>(&ListFilter::default())?
            .iter()
            .filter(|p| settled.contains(&p.id.0))
            .map(|p| Season::of(p.local_date()))
            .filter(|season| *season <= latest)
            .collect();
        Ok(seasons.into_iter().rev().collect())
    }

    /// The settlements a pooled figure counts for the performances of a season: one per
    /// performance not cancelled, the presenter's copy first, with the member that gave it.
    fn pooled_settlements(
        &mut self,
        pool: &Pool,
        season: Season,
    ) -> Result<Vec<(Performance, Settlement, MemberId)>, StoreError> {
        let all = ListFilter::default();
        let members: HashMap<i64, i64> = self
            .list_any::<Member>(&all)?
            .iter()
            .map(|m| (m.id.0, m.organization_id.0))
            .collect();
        let mut copies: HashMap<i64, Vec<Settlement>> = HashMap::new();
        for settlement in self.list_any::<Settlement>(&all)? {
            if settlement
                .provenance
                .member_id
                .is_some_and(|m| pool.members().contains(&m))
            {
                copies.entry(settlement.performance_id.0).or_default().push(settlement);
            }
        }
        let mut found = Vec::new();
        for performance in self.list_any::<Performance>(&all)? {
            let day = performance.local_date();
            if performance.status == EventStatus::Cancelled || day < season.first_day() || day >= season.end() {
                continue;
            }
            let Some(mut settlements) = copies.remove(&performance.id.0) else {
                continue;
            };
            settlements.sort_by_key(|s| s.provenance.member_id.map(|m| m.0));
            let presenter = performance.presenter_id.0;
            let chosen = settlements
                .iter()
                .position(|s| {
                    s.provenance
                        .member_id
                        .and_then(|m| members.get(&m.0))
                        .is_some_and(|organization| *organization == presenter)
                })
                .unwrap_or(0);
            let settlement = settlements.swap_remove(chosen);
            if let Some(member) = settlement.provenance.member_id {
                found.push((performance, settlement, member));
            }
        }
        Ok(found)
    }

    /// Computes a season's barometer over a pool, protected under today's rules.
    fn release_barometer(&mut self, pool: &Pool, season: Season, now: DateTime<Utc>) -> Result<Barometer, StoreError> {
        let rules = self.disclosure_rules()?;
        let vocabulary = vocab::vocabulary("disciplines-asq");
        let mut disciplines: Vec<String> = vocabulary
            .map(|v| v.top_terms().iter().map(|term| term.code.clone()).collect())
            .unwrap_or_default();
        disciplines.push(OTHER_DISCIPLINE.to_string());
        let mut regions: Vec<String> = ensemble_model::geo::REGIONS
            .iter()
            .map(|(code, _)| code.to_string())
            .collect();
        regions.push(UNKNOWN.to_string());
        let mut sizes: Vec<String> = HALL_SIZES.iter().map(|(code, _)| code.to_string()).collect();
        sizes.push(UNKNOWN.to_string());

        let settled = if pool.members().is_empty() {
            Vec::new()
        } else {
            self.pooled_settlements(pool, season)?
        };
        let all = ListFilter::default();
        let shows: HashMap<i64, Show> = self.list_any::<Show>(&all)?.into_iter().map(|s| (s.id.0, s)).collect();
        let halls: HashMap<i64, Hall> = self.list_any::<Hall>(&all)?.into_iter().map(|h| (h.id.0, h)).collect();
        let places: HashMap<i64, Place> = self.list_any::<Place>(&all)?.into_iter().map(|p| (p.id.0, p)).collect();

        let mut by_region = Grid::new(regions.len(), disciplines.len());
        let mut by_size = Grid::new(sizes.len(), disciplines.len());
        for (performance, settlement, member) in &settled {
            let top = shows
                .get(&performance.show_id.0)
                .and_then(|show| show.disciplines.first())
                .and_then(|code| vocabulary.and_then(|v| v.top_of(code.as_str())))
                .map_or(OTHER_DISCIPLINE, |term| term.code.as_str());
            let column = disciplines
                .iter()
                .position(|d| d == top)
                .unwrap_or(disciplines.len() - 1);
            let hall = halls.get(&performance.hall_id.0);
            let region = hall
                .and_then(|hall| places.get(&hall.place_id.0))
                .and_then(|place| place.region_code.as_ref())
                .map_or(UNKNOWN, |code| code.as_str());
            let size = hall_size(hall.and_then(seats).or(Some(settlement.capacity_offered)));
            let attendance = u64::from(settlement.paid)
                + u64::from(settlement.complimentary)
                + u64::from(settlement.free_admissions);
            let box_office = (settlement.gross.0 - settlement.taxes.0).max(0) as u64 / 100;
            let values = [
                1,
                u64::from(settlement.capacity_offered),
                attendance,
                u64::from(settlement.paid),
                box_office,
            ];
            let row = regions.iter().position(|r| r == region).unwrap_or(regions.len() - 1);
            by_region.add(row, column, *member, values);
            let row = sizes.iter().position(|s| s == size).unwrap_or(sizes.len() - 1);
            by_size.add(row, column, *member, values);
        }
        let released_at = Utc
            .timestamp_opt(now.timestamp(), 0)
            .single()
            .unwrap_or(now)
            .fixed_offset();
        Ok(Barometer {
            figure: BAROMETER.to_string(),
            season: season.to_string(),
            released_at,
            rules,
            pool_members: pool.members().len() as u64,
            agreements: pool.agreements().to_vec(),
            disciplines,
            views: vec![
                by_region.view("region", regions, &rules),
                by_size.view("hall-size", sizes, &rules),
            ],
        })
    }
}

/// The tallies of one view, with their margins.
struct Grid {
    cells: Vec<Vec<Tally>>,
    rows: Vec<Tally>,
    columns: Vec<Tally>,
    total: Tally,
}

impl Grid {
    fn new(rows: usize, columns: usize) -> Grid {
        Grid {
            cells: vec![vec![Tally::default(); columns]; rows],
            rows: vec![Tally::default(); rows],
            columns: vec![Tally::default(); columns],
            total: Tally::default(),
        }
    }

    fn add(&mut self, row: usize, column: usize, member: MemberId, values: [u64; 5]) {
        self.cells[row][column].add(member, values);
        self.rows[row].add(member, values);
        self.columns[column].add(member, values);
        self.total.add(member, values);
    }

    fn view(&self, view: &str, rows: Vec<String>, rules: &Rules) -> BarometerView {
        let measures = MEASURES
            .iter()
            .enumerate()
            .map(|(index, measure)| {
                let table = Table {
                    cells: self
                        .cells
                        .iter()
                        .map(|row| row.iter().map(|t| t.cell(index)).collect())
                        .collect(),
                    row_totals: self.rows.iter().map(|t| t.cell(index)).collect(),
                    column_totals: self.columns.iter().map(|t| t.cell(index)).collect(),
                    total: self.total.cell(index),
                };
                MeasureTable {
                    measure: measure.to_string(),
                    figures: protect(&table, rules),
                }
            })
            .collect();
        BarometerView {
            view: view.to_string(),
            rows,
            measures,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seasons_run_from_september_and_are_released_two_weeks_after_they_end() {
        let season = Season::parse("2025-2026").unwrap();
        assert_eq!(season.first_day(), NaiveDate::from_ymd_opt(2025, 9, 1).unwrap());
        assert_eq!(season.released_on(), NaiveDate::from_ymd_opt(2026, 9, 15).unwrap());
        assert_eq!(season.previous().to_string(), "2024-2025");
        for wrong in ["2025-2027", "2025", "25-26", "2025/2026", "", "abcd-efgh"] {
            assert_eq!(Season::parse(wrong), None, "{wrong}");
        }
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert_eq!(Season::of(day(8, 31)).to_string(), "2025-2026");
        assert_eq!(Season::of(day(9, 1)).to_string(), "2026-2027");
        assert_eq!(Season::latest_released(day(9, 14)).to_string(), "2024-2025");
        assert_eq!(Season::latest_released(day(9, 15)).to_string(), "2025-2026");
    }

    #[test]
    fn halls_fall_in_their_size_band() {
        assert_eq!(hall_size(Some(299)), "moins-de-300");
        assert_eq!(hall_size(Some(300)), "300-599");
        assert_eq!(hall_size(Some(1000)), "1000-et-plus");
        assert_eq!(hall_size(Some(0)), UNKNOWN);
        assert_eq!(hall_size(None), UNKNOWN);
    }

    #[test]
    fn a_cell_counts_admissions_as_people_and_what_the_largest_member_cannot_see() {
        let mut tally = Tally::default();
        tally.add(MemberId(1), [1, 500, 400, 350, 9_000]);
        tally.add(MemberId(2), [1, 300, 120, 100, 2_000]);
        tally.add(MemberId(1), [1, 500, 380, 300, 8_000]);
        let cell = tally.cell(4);
        assert_eq!(
            (cell.value, cell.people, cell.members, cell.others),
            (19_000, 900, 2, 120)
        );
    }
}
