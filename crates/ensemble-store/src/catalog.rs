//! Browsing the public catalogue: pages of organisations, shows, performances and places, with
//! the filters the portal and the JSON API offer. Records come back whole (decoded through the
//! same code path as [`Session::get`]); a performance comes with its show, hall, place and
//! presenter.

use std::collections::HashMap;

use chrono::{FixedOffset, NaiveDate, TimeZone};
use ensemble_model::{Entity, Hall, Organization, Performance, Place, Show};

use crate::{Session, StoreError, Value};

/// One page of results and how many there are in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The results of this page.
    pub items: Vec<T>,
    /// How many match the filter, over every page.
    pub total: u64,
}

/// Which rows of a listing: at most `limit`, after skipping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// At most this many.
    pub limit: u64,
    /// Skip this many first.
    pub offset: u64,
}

/// Filters on organisations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrganizationFilter {
    /// Words the name contains (case-insensitive for unaccented letters).
    pub text: Option<String>,
    /// A value-chain role code (`presenter`, `producer`, ...).
    pub role: Option<String>,
    /// An administrative region code (`06`).
    pub region: Option<String>,
}

/// Filters on shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShowFilter {
    /// Words the French or English title contains.
    pub text: Option<String>,
    /// Discipline codes: a show matches when it has any of them.
    pub disciplines: Vec<String>,
}

/// Filters on performances.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PerformanceFilter {
    /// The season starting in September of this year (`2025` is 2025-2026).
    pub season: Option<i32>,
    /// The administrative region code of the place.
    pub region: Option<String>,
    /// Discipline codes of the show: a performance matches when its show has any of them.
    pub disciplines: Vec<String>,
    /// The place.
    pub place: Option<i64>,
    /// The show.
    pub show: Option<i64>,
}

/// Filters on places.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlaceFilter {
    /// Words the name or municipality contains.
    pub text: Option<String>,
    /// The administrative region code.
    pub region: Option<String>,
}

/// A performance with what a listing shows of it.
#[derive(Debug, Clone, PartialEq)]
pub struct PerformanceView {
    /// The performance.
    pub performance: Performance,
    /// Its show.
    pub show: Option<Show>,
    /// Its hall.
    pub hall: Option<Hall>,
    /// The hall's place.
    pub place: Option<Place>,
    /// Its presenter.
    pub presenter: Option<Organization>,
}

/// A place with its halls.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceView {
    /// The place.
    pub place: Place,
    /// Its halls, by name.
    pub halls: Vec<Hall>,
}

/// Conditions of a WHERE clause and their parameters.
#[derive(Default)]
struct Conditions {
    sql: Vec<String>,
    params: Vec<Value>,
}

/// `text` matched as it is by `LIKE … ESCAPE '\'`: its backslashes, `%` and `_` escaped.
fn like_escaped(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

impl Conditions {
    fn push(&mut self, sql: &str, params: impl IntoIterator<Item = Value>) {
        self.sql.push(sql.to_string());
        self.params.extend(params);
    }

    /// `column` contains `text`, case-insensitively (for unaccented letters); `%` and `_` in the
    /// text are letters like the others.
    fn contains(&mut self, columns: &[&str], text: &Option<String>) {
        let Some(text) = text.as_deref().map(str::trim).filter(|text| !text.is_empty()) else {
            return;
        };
        let pattern = format!("%{}%", like_escaped(&text.to_lowercase()));
        let ors: Vec<String> = columns
            .iter()
            .map(|column| format!("LOWER(COALESCE({column}, '')) LIKE ? ESCAPE '\\'"))
            .collect();
        self.push(
            &format!("({})", ors.join(" OR ")),
            columns.iter().map(|_| Value::from(pattern.as_str())),
        );
    }

    /// The JSON list in `column` holds one of `codes`.
    fn any_code(&mut self, column: &str, codes: &[String]) {
        if codes.is_empty() {
            return;
        }
        let ors: Vec<String> = codes
            .iter()
            .map(|_| format!("CAST({column} AS TEXT) LIKE ? ESCAPE '\\'"))
            .collect();
        self.push(
            &format!("({})", ors.join(" OR ")),
            codes
                .iter()
                .map(|code| Value::from(format!("%\"{}\"%", like_escaped(code)))),
        );
    }

    fn clause(&self) -> String {
        if self.sql.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.sql.join(" AND "))
        }
    }
}

/// The first moment of the season starting in September of `year`, in Québec's winter offset
/// (good to the hour, which is all a season boundary needs).
fn season_start(year: i32) -> Value {
    NaiveDate::from_ymd_opt(year, 9, 1)
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .zip(FixedOffset::west_opt(4 * 3600))
        .and_then(|(local, offset)| offset.from_local_datetime(&local).single())
        .map_or(Value::Null, Value::Timestamp)
}

impl Session<'_> {
    fn columns_of<E: Entity>(&self, alias: &str) -> Result<String, StoreError> {
        Ok(self
            .schema::<E>()?
            .names()
            .iter()
            .map(|name| format!("{alias}.{name}"))
            .collect::<Vec<_>>()
            .join(", "))
    }

    /// Records of `E` selected by `from_where` (everything after `FROM`), in its order.
    fn select<E: Entity>(
        &mut self,
        alias: &str,
        from_where: &str,
        params: &[Value],
        order: &str,
        window: Window,
    ) -> Result<Page<E>, StoreError> {
        let count_sql = format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {from_where}");
        let total = self
            .database
            .query(&count_sql, params)?
            .first()
            .map_or(0, |row| row.int(0)) as u64;
        let sql = format!(
            "SELECT {} FROM {from_where} ORDER BY {order} LIMIT {} OFFSET {}",
            self.columns_of::<E>(alias)?,
            window.limit,
            window.offset
        );
        let schema = self.schema::<E>()?.clone();
        let rows = self.database.query(&sql, params)?;
        let items = rows
            .iter()
            .map(|row| Self::decode(&schema, row))
            .collect::<Result<Vec<E>, _>>()?;
        Ok(Page { items, total })
    }

    /// The public records of `E` with these ids, by id.
    pub fn get_many<E: ensemble_model::Public>(&mut self, ids: &[i64]) -> Result<HashMap<i64, E>, StoreError> {
        self.get_many_any(ids)
    }

    /// The records of any entity with these ids, by id, without a grant (see [`Session::get_any`]).
    pub fn get_many_any<E: Entity>(&mut self, ids: &[i64]) -> Result<HashMap<i64, E>, StoreError> {
        let mut found = HashMap::new();
        let mut unique: Vec<i64> = ids.to_vec();
        unique.sort_unstable();
        unique.dedup();
        for chunk in unique.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let schema = self.schema::<E>()?.clone();
            let sql = format!(
                "SELECT {} FROM {} WHERE id IN ({marks})",
                schema.names().join(", "),
                E::TABLE
            );
            let params: Vec<Value> = chunk.iter().map(|id| Value::Int(*id)).collect();
            for row in self.database.query(&sql, &params)? {
                let record: E = Self::decode(&schema, &row)?;
                found.insert(row.int(0), record);
            }
        }
        Ok(found)
    }

    /// A page of organisations, by name.
    pub fn organizations_page(
        &mut self,
        filter: &OrganizationFilter,
        window: Window,
    ) -> Result<Page<Organization>, StoreError> {
        let mut conditions = Conditions::default();
        conditions.contains(&["o.name", "o.municipality"], &filter.text);
        if let Some(role) = &filter.role {
            conditions.push(
                "CAST(o.roles AS TEXT) LIKE ? ESCAPE '\\'",
                [Value::from(format!("%\"{}\"%", like_escaped(role)))],
            );
        }
        if let Some(region) = &filter.region {
            conditions.push("o.region_code = ?", [Value::from(region.as_str())]);
        }
        let from = format!("organizations o{}", conditions.clause());
        self.select("o", &from, &conditions.params, "o.name, o.id", window)
    }

    /// A page of shows, by French title.
    pub fn shows_page(&mut self, filter: &ShowFilter, window: Window) -> Result<Page<Show>, StoreError> {
        let mut conditions = Conditions::default();
        conditions.contains(&["s.title_fr", "s.title_en"], &filter.text);
        conditions.any_code("s.disciplines", &filter.disciplines);
        let from = format!("shows s{}", conditions.clause());
        self.select("s", &from, &conditions.params, "s.title_fr, s.id", window)
    }

    /// A page of performances, by date, each with its show, hall, place and presenter.
    pub fn performances_page(
        &mut self,
        filter: &PerformanceFilter,
        window: Window,
    ) -> Result<Page<PerformanceView>, StoreError> {
        let mut conditions = Conditions::default();
        if let Some(year) = filter.season {
            conditions.push(
                "p.starts_at >= ? AND p.starts_at < ?",
                [season_start(year), season_start(year + 1)],
            );
        }
        if let Some(region) = &filter.region {
            conditions.push("pl.region_code = ?", [Value::from(region.as_str())]);
        }
        if !filter.disciplines.is_empty() {
            // Shows are few: finding theirs first spares matching every performance's show.
            let shows = self.shows_with_disciplines(&filter.disciplines)?;
            if shows.is_empty() {
                return Ok(Page {
                    items: Vec::new(),
                    total: 0,
                });
            }
            let marks = vec!["?"; shows.len()].join(", ");
            conditions.push(&format!("p.show_id IN ({marks})"), shows.into_iter().map(Value::Int));
        }
        if let Some(place) = filter.place {
            conditions.push("pl.id = ?", [Value::Int(place)]);
        }
        if let Some(show) = filter.show {
            conditions.push("p.show_id = ?", [Value::Int(show)]);
        }
        let from = format!(
            "performances p JOIN shows s ON s.id = p.show_id JOIN halls h ON h.id = p.hall_id \
             JOIN places pl ON pl.id = h.place_id{}",
            conditions.clause()
        );
        let page: Page<Performance> = self.select("p", &from, &conditions.params, "p.starts_at, p.id", window)?;
        let show_ids: Vec<i64> = page.items.iter().map(|p| p.show_id.0).collect();
        let hall_ids: Vec<i64> = page.items.iter().map(|p| p.hall_id.0).collect();
        let presenter_ids: Vec<i64> = page.items.iter().map(|p| p.presenter_id.0).collect();
        let shows = self.get_many::<Show>(&show_ids)?;
        let halls = self.get_many::<Hall>(&hall_ids)?;
        let place_ids: Vec<i64> = halls.values().map(|hall| hall.place_id.0).collect();
        let places = self.get_many::<Place>(&place_ids)?;
        let presenters = self.get_many::<Organization>(&presenter_ids)?;
        let items = page
            .items
            .into_iter()
            .map(|performance| {
                let hall = halls.get(&performance.hall_id.0).cloned();
                PerformanceView {
                    show: shows.get(&performance.show_id.0).cloned(),
                    place: hall.as_ref().and_then(|hall| places.get(&hall.place_id.0).cloned()),
                    presenter: presenters.get(&performance.presenter_id.0).cloned(),
                    hall,
                    performance,
                }
            })
            .collect();
        Ok(Page {
            items,
            total: page.total,
        })
    }

    /// The ids of the shows that have one of these discipline codes.
    fn shows_with_disciplines(&mut self, codes: &[String]) -> Result<Vec<i64>, StoreError> {
        let mut conditions = Conditions::default();
        conditions.any_code("s.disciplines", codes);
        let sql = format!("SELECT s.id FROM shows s{} ORDER BY s.id", conditions.clause());
        Ok(self
            .database
            .query(&sql, &conditions.params)?
            .iter()
            .map(|row| row.int(0))
            .collect())
    }

    /// A page of places, by name, each with its halls.
    pub fn places_page(&mut self, filter: &PlaceFilter, window: Window) -> Result<Page<PlaceView>, StoreError> {
        let mut conditions = Conditions::default();
        conditions.contains(&["pl.name", "pl.municipality"], &filter.text);
        if let Some(region) = &filter.region {
            conditions.push("pl.region_code = ?", [Value::from(region.as_str())]);
        }
        let from = format!("places pl{}", conditions.clause());
        let page: Page<Place> = self.select("pl", &from, &conditions.params, "pl.name, pl.id", window)?;
        let mut halls = self.halls_of(&page.items.iter().map(|place| place.id.0).collect::<Vec<_>>())?;
        let items = page
            .items
            .into_iter()
            .map(|place| PlaceView {
                halls: halls.remove(&place.id.0).unwrap_or_default(),
                place,
            })
            .collect();
        Ok(Page {
            items,
            total: page.total,
        })
    }

    /// The halls of these places, by place, each list by name.
    pub fn halls_of(&mut self, places: &[i64]) -> Result<HashMap<i64, Vec<Hall>>, StoreError> {
        let mut by_place: HashMap<i64, Vec<Hall>> = HashMap::new();
        for chunk in places.chunks(500) {
            if chunk.is_empty() {
                continue;
            }
            let marks = vec!["?"; chunk.len()].join(", ");
            let from = format!("halls h WHERE h.place_id IN ({marks})");
            let params: Vec<Value> = chunk.iter().map(|id| Value::Int(*id)).collect();
            let page: Page<Hall> = self.select(
                "h",
                &from,
                &params,
                "h.name, h.id",
                Window {
                    limit: i64::MAX as u64,
                    offset: 0,
                },
            )?;
            for hall in page.items {
                by_place.entry(hall.place_id.0).or_default().push(hall);
            }
        }
        Ok(by_place)
    }

    /// The seasons (by starting year) that performances cover, oldest first.
    pub fn performance_seasons(&mut self) -> Result<Vec<i32>, StoreError> {
        let rows = self
            .database
            .query("SELECT MIN(starts_at), MAX(starts_at) FROM performances", &[])?;
        let Some(row) = rows.first() else {
            return Ok(Vec::new());
        };
        let (Some(first), Some(last)) = (crate::value::timestamp(row.get(0)), crate::value::timestamp(row.get(1)))
        else {
            return Ok(Vec::new());
        };
        // Seasons follow Québec's calendar, whatever offset the engine gives the moments back in.
        let season = |moment: chrono::DateTime<FixedOffset>| {
            use chrono::Datelike;
            let local = moment.with_timezone(&chrono_tz::America::Toronto);
            if local.month() >= 9 {
                local.year()
            } else {
                local.year() - 1
            }
        };
        Ok((season(first)..=season(last)).collect())
    }

    /// The places where performances take place, by name, as (id, name, municipality).
    pub fn performance_places(&mut self) -> Result<Vec<(i64, String, Option<String>)>, StoreError> {
        let rows = self.database.query(
            "SELECT DISTINCT pl.id, pl.name, pl.municipality FROM performances p \
             JOIN halls h ON h.id = p.hall_id JOIN places pl ON pl.id = h.place_id ORDER BY pl.name, pl.id",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|row| {
                let municipality = row.get(2).as_str().map(str::to_string);
                (row.int(0), row.text(1), municipality)
            })
            .collect())
    }
}

impl Session<'_> {
    /// How many records a member holds, per entity table (tables where it holds none left out, and
    /// the member's own record and its batches, which are bookkeeping), in declaration order.
    pub fn holdings_any(&mut self, member: ensemble_model::MemberId) -> Result<Vec<(&'static str, u64)>, StoreError> {
        let mut counts = Vec::new();
        let bookkeeping = [ensemble_model::Batch::TABLE, ensemble_model::Member::TABLE];
        for table in crate::intake::entity_tables() {
            if bookkeeping.contains(&table) {
                continue;
            }
            let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table} WHERE member_id = ?");
            let count = self
                .database
                .query(&sql, &[Value::Int(member.0)])?
                .first()
                .map_or(0, |row| row.int(0)) as u64;
            if count > 0 {
                counts.push((table, count));
            }
        }
        Ok(counts)
    }

    /// When the member's performances start, oldest first.
    pub fn performance_moments(
        &mut self,
        member: ensemble_model::MemberId,
    ) -> Result<Vec<chrono::DateTime<FixedOffset>>, StoreError> {
        let rows = self.database.query(
            "SELECT starts_at FROM performances WHERE member_id = ? ORDER BY starts_at",
            &[Value::Int(member.0)],
        )?;
        Ok(rows
            .iter()
            .filter_map(|row| crate::value::timestamp(row.get(0)))
            .collect())
    }

    /// How many open quarantined rows a member has.
    pub fn open_quarantine_count_any(&mut self, member: ensemble_model::MemberId) -> Result<u64, StoreError> {
        let rows = self.database.query(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM quarantine WHERE member_id = ? AND status = ?",
            &[Value::Int(member.0), Value::from(crate::QUARANTINE_OPEN)],
        )?;
        Ok(rows.first().map_or(0, |row| row.int(0)) as u64)
    }
}
