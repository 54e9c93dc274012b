//! A member's performances of a period as reports see them: where each took place (the member's
//! region, elsewhere in Québec, the rest of Canada, abroad; at home or on tour; how far from the
//! member's home base) and its settlement, read through a grant.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use ensemble_model::{
    Dataset, EventStatus, Hall, Member, Organization, Performance, Place, Settlement, SharingLevel, Show, geo, vocab,
};
use ensemble_store::{ListFilter, Requester, Session};
use serde::Serialize;

use crate::ReportError;

/// A reporting period: a season (September 1 to August 31) or a calendar year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    /// First day.
    pub start: NaiveDate,
    /// Day after the last.
    pub end: NaiveDate,
    /// As written (`2025-2026`, `2025`).
    pub label: String,
}

impl Period {
    /// `2025-2026` (a season) or `2025` (a year).
    pub fn parse(text: &str) -> Result<Period, ReportError> {
        let wrong = || ReportError::Period(text.to_string());
        let text = text.trim();
        let year = |digits: &str| -> Option<i32> {
            (digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit()))
                .then(|| digits.parse().ok())
                .flatten()
        };
        let (start, end) = match text.split_once('-') {
            Some((first, second)) => {
                let (first, second) = (year(first).ok_or_else(wrong)?, year(second).ok_or_else(wrong)?);
                if second != first + 1 {
                    return Err(wrong());
                }
                (
                    NaiveDate::from_ymd_opt(first, 9, 1),
                    NaiveDate::from_ymd_opt(second, 9, 1),
                )
            }
            None => {
                let first = year(text).ok_or_else(wrong)?;
                (
                    NaiveDate::from_ymd_opt(first, 1, 1),
                    NaiveDate::from_ymd_opt(first + 1, 1, 1),
                )
            }
        };
        Ok(Period {
            start: start.ok_or_else(wrong)?,
            end: end.ok_or_else(wrong)?,
            label: text.to_string(),
        })
    }
}

/// Where a performance took place, seen from the member's home.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Territory {
    /// The member's administrative region.
    HomeRegion,
    /// Another region of Québec.
    Quebec,
    /// Another province or territory of Canada.
    Canada,
    /// Another country.
    Abroad,
}

impl Territory {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Territory::HomeRegion => "home-region",
            Territory::Quebec => "quebec",
            Territory::Canada => "canada",
            Territory::Abroad => "abroad",
        }
    }
}

/// One performance as reports count it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fact {
    /// The performance's number.
    pub performance: i64,
    /// Its date in Québec.
    pub date: NaiveDate,
    /// The show's title.
    pub show: String,
    /// The show's top discipline (`autre` when not in the vocabulary).
    pub discipline: String,
    /// The venue and hall.
    pub venue: String,
    /// The venue's municipality.
    pub municipality: String,
    /// Whether the venue is in Québec.
    pub in_quebec: bool,
    /// Its administrative region, when in Québec and known.
    pub region: Option<String>,
    /// Territory from the member's home.
    pub territory: Territory,
    /// The region's name, the province or the country.
    pub territory_detail: String,
    /// In the member's own municipality.
    pub at_home: bool,
    /// A school performance.
    pub school: bool,
    /// Free admission (a settlement with neither paid tickets nor box office).
    pub free: bool,
    /// Great-circle distance from the member's home base, km.
    pub distance_km: Option<f64>,
    /// Its settlement, if any.
    pub settlement: Option<Settlement>,
    /// The member whose settlement it is (the member itself, or the presenter sharing it).
    pub settlement_from: Option<i64>,
}

/// What the member's data still lacks for its reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Completeness {
    /// Performances without a settlement.
    pub unsettled: Vec<i64>,
    /// Halls in Québec whose region is unknown.
    pub halls_without_region: Vec<i64>,
    /// Halls whose place has no coordinates.
    pub halls_without_coordinates: Vec<i64>,
    /// Performances whose settlement, as the member keeps it, differs from the presenter's: (performance, presenter member).
    pub differences: Vec<(i64, i64)>,
}

/// Paid, complimentary and free admissions.
pub fn attendance(settlement: &Settlement) -> i64 {
    i64::from(settlement.paid) + i64::from(settlement.complimentary) + i64::from(settlement.free_admissions)
}

fn same_figures(a: &Settlement, b: &Settlement) -> bool {
    (a.capacity_offered, a.paid, a.complimentary, a.free_admissions)
        == (b.capacity_offered, b.paid, b.complimentary, b.free_admissions)
        && (a.gross, a.taxes, a.fees, a.net, a.artist_fee) == (b.gross, b.taxes, b.fees, b.net, b.artist_fee)
}

/// A place's coordinates, or its postal area's centroid.
fn coordinates(place: &Place) -> Option<(f64, f64)> {
    match (place.latitude, place.longitude) {
        (Some(latitude), Some(longitude)) => Some((latitude, longitude)),
        _ => place
            .postal_code
            .as_deref()
            .and_then(geo::fsa_of)
            .and_then(|fsa| geo::fsa(&fsa))
            .map(|fsa| (fsa.latitude, fsa.longitude)),
    }
}

/// Where a member stands: what "at home", "the member's region" and distances are measured from.
#[derive(Debug, Clone, Default)]
struct Home {
    /// The member's municipality, folded.
    municipality: Option<String>,
    /// Its administrative region.
    region: Option<String>,
    /// Its postal area's centroid.
    at: Option<(f64, f64)>,
}

/// The public records a report reads: shows, halls and places by number.
struct Catalogue {
    shows: HashMap<i64, Show>,
    halls: HashMap<i64, Hall>,
    places: HashMap<i64, Place>,
}

impl Catalogue {
    fn read(session: &mut Session<'_>) -> Result<Catalogue, ReportError> {
        let all = ListFilter::default();
        Ok(Catalogue {
            shows: session.list::<Show>(&all)?.into_iter().map(|s| (s.id.0, s)).collect(),
            halls: session.list::<Hall>(&all)?.into_iter().map(|h| (h.id.0, h)).collect(),
            places: session.list::<Place>(&all)?.into_iter().map(|p| (p.id.0, p)).collect(),
        })
    }
}

/// The performances of the period that `keep` retains, cancelled ones left out.
fn performances_of(
    session: &mut Session<'_>,
    period: &Period,
    keep: impl Fn(&Performance) -> bool,
) -> Result<Vec<Performance>, ReportError> {
    Ok(session
        .list::<Performance>(&ListFilter::default())?
        .into_iter()
        .filter(|p| p.status != EventStatus::Cancelled)
        .filter(|p| {
            let day = p.local_date();
            period.start <= day && day < period.end
        })
        .filter(keep)
        .collect())
}

/// The member's performances of the period with their settlements, read on behalf of `requester`
/// (a grant of settlements for reporting, written to the audit trail), and what they lack.
pub fn facts(
    session: &mut Session<'_>,
    requester: &Requester,
    member: &Member,
    period: &Period,
    today: NaiveDate,
) -> Result<(Vec<Fact>, Completeness), ReportError> {
    let organization: Option<Organization> = session.get(member.organization_id.0)?;
    let home = Home {
        municipality: organization
            .as_ref()
            .and_then(|o| o.municipality.as_deref())
            .map(geo::fold_name),
        region: organization.as_ref().and_then(|o| {
            o.region_code
                .as_ref()
                .map(|code| code.as_str().to_string())
                .or_else(|| {
                    o.municipality
                        .as_deref()
                        .and_then(geo::region_of_municipality)
                        .map(str::to_string)
                })
        }),
        at: organization
            .as_ref()
            .and_then(|o| o.postal_code.as_deref())
            .and_then(geo::fsa_of)
            .and_then(|fsa| geo::fsa(&fsa))
            .map(|fsa| (fsa.latitude, fsa.longitude)),
    };
    let catalogue = Catalogue::read(session)?;
    let org_id = member.organization_id;
    let ours = |show: &Show| {
        show.provenance.member_id == Some(member.id)
            || show.producer_ids.contains(&org_id)
            || show.agency_id == Some(org_id)
    };
    let performances = performances_of(session, period, |p| {
        p.presenter_id == org_id || catalogue.shows.get(&p.show_id.0).is_some_and(ours)
    })?;

    // Settlements: the member's own, and the presenters' shared in detail for reporting.
    let all = ListFilter::default();
    let grant = session.grant(requester, Dataset::Settlements, today)?;
    let mut own: HashMap<i64, Settlement> = HashMap::new();
    let mut shared: HashMap<i64, (i64, Settlement)> = HashMap::new();
    for provider in grant.members_at(SharingLevel::Detail) {
        for settlement in session.granted::<Settlement>(&grant, provider, &all)? {
            if provider == member.id {
                own.insert(settlement.performance_id.0, settlement);
            } else {
                shared.insert(settlement.performance_id.0, (provider.0, settlement));
            }
        }
    }
    let mut differences = Vec::new();
    let settlements = performances
        .iter()
        .filter_map(|performance| {
            let id = performance.id.0;
            match (own.remove(&id), shared.remove(&id)) {
                (Some(mine), Some((presenter, theirs))) => {
                    if !same_figures(&mine, &theirs) {
                        differences.push((id, presenter));
                    }
                    Some((id, (member.id.0, mine)))
                }
                (Some(mine), None) => Some((id, (member.id.0, mine))),
                (None, Some(theirs)) => Some((id, theirs)),
                (None, None) => None,
            }
        })
        .collect();
    let (facts, mut completeness) = describe(performances, &catalogue, &home, settlements);
    completeness.differences = differences;
    Ok((facts, completeness))
}

/// Every performance of the period with a settlement from the pool of members that share their
/// settlements with the whole consortium for pooled statistics (one per performance: the
/// presenter's when it is pooled, else the pooled member's with the lowest number), for a
/// consortium-wide table. Territory and distance mean nothing there (no home).
pub fn consortium_facts(
    session: &mut Session<'_>,
    period: &Period,
    today: NaiveDate,
) -> Result<(Vec<Fact>, Completeness, ensemble_store::Pool), ReportError> {
    let catalogue = Catalogue::read(session)?;
    let pool = session.pool(Dataset::Settlements, today)?;
    let organizations: HashMap<i64, i64> = session
        .list::<Member>(&ListFilter::default())?
        .into_iter()
        .map(|member| (member.organization_id.0, member.id.0))
        .collect();
    let mut pooled: HashMap<i64, Vec<(i64, Settlement)>> = HashMap::new();
    for member in pool.members() {
        for settlement in session.pooled::<Settlement>(&pool, *member)? {
            pooled
                .entry(settlement.performance_id.0)
                .or_default()
                .push((member.0, settlement));
        }
    }
    let performances = performances_of(session, period, |p| pooled.contains_key(&p.id.0))?;
    let settlements = performances
        .iter()
        .filter_map(|performance| {
            let mut copies = pooled.remove(&performance.id.0)?;
            copies.sort_by_key(|(member, _)| *member);
            let presenter = organizations.get(&performance.presenter_id.0).copied();
            let index = copies
                .iter()
                .position(|(member, _)| Some(*member) == presenter)
                .unwrap_or(0);
            Some((performance.id.0, copies.swap_remove(index)))
        })
        .collect();
    let (facts, completeness) = describe(performances, &catalogue, &Home::default(), settlements);
    Ok((facts, completeness, pool))
}

/// The facts of performances, with their settlements by performance number.
fn describe(
    performances: Vec<Performance>,
    catalogue: &Catalogue,
    home: &Home,
    mut settlements: HashMap<i64, (i64, Settlement)>,
) -> (Vec<Fact>, Completeness) {
    let disciplines = vocab::vocabulary("disciplines-asq");
    let mut completeness = Completeness::default();
    let (mut no_region, mut no_coordinates) = (BTreeSet::new(), BTreeSet::new());
    let mut facts = Vec::new();
    for performance in performances {
        let show = catalogue.shows.get(&performance.show_id.0);
        let hall = catalogue.halls.get(&performance.hall_id.0);
        let place = hall.and_then(|hall| catalogue.places.get(&hall.place_id.0));
        let discipline = show
            .and_then(|show| show.disciplines.first())
            .and_then(|code| disciplines.and_then(|v| v.top_of(code.as_str())))
            .map_or_else(|| "autre".to_string(), |term| term.code.clone());
        let in_canada = place.is_none_or(|p| p.country == "CA");
        let province = place.and_then(|p| p.province.clone()).unwrap_or_default();
        let in_quebec = in_canada && (province.is_empty() || province == "QC");
        let region = place.filter(|_| in_quebec).and_then(|p| {
            p.region_code
                .as_ref()
                .map(|code| code.as_str().to_string())
                .or_else(|| {
                    p.municipality
                        .as_deref()
                        .and_then(geo::region_of_municipality)
                        .map(str::to_string)
                })
        });
        if in_quebec && region.is_none() {
            no_region.insert(performance.hall_id.0);
        }
        let (territory, territory_detail) = if !in_canada {
            (Territory::Abroad, place.map(|p| p.country.clone()).unwrap_or_default())
        } else if !in_quebec {
            (Territory::Canada, province.clone())
        } else {
            let name = region
                .as_deref()
                .and_then(geo::region_name)
                .unwrap_or_default()
                .to_string();
            if region.is_some() && region == home.region {
                (Territory::HomeRegion, name)
            } else {
                (Territory::Quebec, name)
            }
        };
        let distance_km = match (home.at, place.and_then(coordinates)) {
            (Some((lat1, lon1)), Some((lat2, lon2))) => Some(geo::distance_km(lat1, lon1, lat2, lon2)),
            (Some(_), None) => {
                no_coordinates.insert(performance.hall_id.0);
                None
            }
            (None, _) => None,
        };
        let municipality = place.and_then(|p| p.municipality.clone()).unwrap_or_default();
        let at_home = home.municipality.as_deref() == Some(geo::fold_name(&municipality).as_str());
        let id = performance.id.0;
        let (settlement_from, settlement) = match settlements.remove(&id) {
            Some((from, settlement)) => (Some(from), Some(settlement)),
            None => {
                completeness.unsettled.push(id);
                (None, None)
            }
        };
        let free = settlement.as_ref().is_some_and(|s| s.paid == 0 && s.gross.0 == 0);
        facts.push(Fact {
            performance: id,
            date: performance.local_date(),
            show: show.map(|s| s.title_fr.clone()).unwrap_or_default(),
            discipline,
            venue: match (place, hall) {
                (Some(place), Some(hall)) => format!("{} · {}", place.name, hall.name),
                _ => String::new(),
            },
            municipality,
            in_quebec,
            region,
            territory,
            territory_detail,
            at_home,
            school: performance.school,
            free,
            distance_km,
            settlement,
            settlement_from,
        });
    }
    facts.sort_by_key(|fact| (fact.date, fact.performance));
    completeness.halls_without_region = no_region.into_iter().collect();
    completeness.halls_without_coordinates = no_coordinates.into_iter().collect();
    (facts, completeness)
}
