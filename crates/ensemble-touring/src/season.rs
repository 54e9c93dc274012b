//! A show's tour plan between two dates, from the data its planner may see: the planner's own
//! engagements and availabilities (through a grant for tour planning, audited), and the public
//! catalogue (presenters' performances, halls, places). Presenters are ranked ([`crate::fit`]),
//! the best become candidates with their windows, blackouts and radius clauses, and the
//! optimiser returns three alternatives: the best net, the most engagements, and the fewest
//! kilometres and CO2.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use chrono::NaiveDate;
use ensemble_model::{
    Availability, AvailabilityKind, Dataset, Engagement, EngagementStatus, Hall, Member, Organization, OrganizationId,
    Performance, Place, Show,
};
use ensemble_store::{ListFilter, Requester, Session, Store, StoreError};
use serde::Serialize;

use crate::carbon::{LegEmissions, Transport};
use crate::fit::{Presenter, Score, Wanted, score};
use crate::hall::{Verdict, fit, overall};
use crate::optimise::{Budget, Objective, Options, optimise_for};
use crate::{Evaluation, Instance, Kind, Matrix, Model, Node};

/// Why a plan cannot be made (each has a stable code and a message in the catalogues).
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// No show with that short code.
    #[error("unknown show {0}")]
    UnknownShow(String),
    /// No member with that short code.
    #[error("unknown member {0}")]
    UnknownMember(String),
    /// The planner neither represents nor produces the show.
    #[error("member {member} does not represent show {show}")]
    NotYourShow {
        /// The member.
        member: String,
        /// The show.
        show: String,
    },
    /// The dates are backwards or too far apart.
    #[error("invalid period {from} to {to}")]
    Period {
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
    },
    /// No fee is known for the show and none was given.
    #[error("no fee known for show {0}")]
    NoFee(String),
    /// The home base has no known coordinates.
    #[error("home base {0} has no coordinates")]
    NoHome(String),
    /// The confirmed dates cannot all be played: this one cannot be reached from the ones before.
    #[error("the confirmed date of {date} cannot be reached")]
    ConfirmedInfeasible {
        /// Its date.
        date: NaiveDate,
        /// Its presenter.
        presenter: String,
    },
    /// An imported distance matrix cannot be read.
    #[error("distance matrix {path}: {detail}")]
    Matrix {
        /// The file.
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl PlanError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            PlanError::UnknownShow(_) => "tour-show-unknown",
            PlanError::UnknownMember(_) => "tour-member-unknown",
            PlanError::NotYourShow { .. } => "tour-not-your-show",
            PlanError::Period { .. } => "tour-period-invalid",
            PlanError::NoFee(_) => "tour-no-fee",
            PlanError::NoHome(_) => "tour-no-home",
            PlanError::ConfirmedInfeasible { .. } => "tour-confirmed-infeasible",
            PlanError::Matrix { .. } => "tour-matrix-invalid",
            PlanError::Store(error) => error.code(),
        }
    }

    /// The message's arguments.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            PlanError::UnknownShow(show) => vec![("show", show.clone())],
            PlanError::UnknownMember(member) => vec![("member", member.clone())],
            PlanError::NotYourShow { member, show } => vec![("member", member.clone()), ("show", show.clone())],
            PlanError::Period { from, to } => vec![("from", from.to_string()), ("to", to.to_string())],
            PlanError::NoFee(show) => vec![("show", show.clone())],
            PlanError::NoHome(home) => vec![("home", home.clone())],
            PlanError::ConfirmedInfeasible { date, presenter } => {
                vec![("date", date.to_string()), ("presenter", presenter.clone())]
            }
            PlanError::Matrix { path, detail } => vec![("path", path.clone()), ("detail", detail.clone())],
            PlanError::Store(error) => vec![("cause", error.to_string())],
        }
    }
}

/// How a plan is made; the defaults suit a small tour by road.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    /// Road kilometres at most in a day.
    pub max_km_per_day: f64,
    /// Driving hours at most in a day (used with imported driving times).
    pub max_hours_per_day: f64,
    /// Road distance over great-circle distance.
    pub circuity: f64,
    /// Cost of a road kilometre, in dollars.
    pub km_cost: f64,
    /// Shows in a row at most before a day off.
    pub max_shows_in_a_row: Option<u32>,
    /// Presenters kept as candidates, best scores first.
    pub candidates: usize,
    /// How people and set travel.
    pub transport: Transport,
    /// Rounds of the search for each alternative: the plan depends on them, never on the
    /// machine's speed.
    pub rounds: u32,
    /// A safety cap on each alternative's search; a plan whose search hit it says so
    /// ([`TourPlan::capped`]).
    pub time_cap: Duration,
    /// For the low-carbon alternative: the longest detour, in road km, an engagement is worth.
    pub low_carbon_detour_km: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_km_per_day: 600.0,
            max_hours_per_day: 8.0,
            circuity: 1.3,
            km_cost: 1.0,
            max_shows_in_a_row: Some(5),
            candidates: 40,
            transport: Transport::default(),
            rounds: 4_000,
            time_cap: Duration::from_secs(10),
            low_carbon_detour_km: 100.0,
        }
    }
}

/// Road distances, and driving hours when known, imported for some pairs of towns (others:
/// great-circle times circuity).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoadMatrix {
    km: HashMap<(String, String), (f64, Option<f64>)>,
}

impl RoadMatrix {
    /// Reads a CSV file with a header and the columns `from,to,km`, and optionally `hours` of
    /// driving (town names; both directions are taken when only one is given).
    pub fn read(path: &std::path::Path) -> Result<RoadMatrix, PlanError> {
        let fail = |detail: String| PlanError::Matrix {
            path: path.display().to_string(),
            detail,
        };
        let mut reader = csv::Reader::from_path(path).map_err(|e| fail(e.to_string()))?;
        let mut km = HashMap::new();
        for (line, row) in reader.records().enumerate() {
            let row = row.map_err(|e| fail(e.to_string()))?;
            let (Some(from), Some(to), Some(value)) = (row.get(0), row.get(1), row.get(2)) else {
                return Err(fail(format!("line {}: from,to,km", line + 2)));
            };
            let value: f64 = value
                .trim()
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| fail(format!("line {}: km « {value} »", line + 2)))?;
            let hours = match row.get(3).map(str::trim).filter(|h| !h.is_empty()) {
                None => None,
                Some(text) => Some(
                    text.parse::<f64>()
                        .ok()
                        .filter(|h| h.is_finite() && *h >= 0.0)
                        .ok_or_else(|| fail(format!("line {}: hours « {text} »", line + 2)))?,
                ),
            };
            let (from, to) = (normalise(from), normalise(to));
            km.entry((to.clone(), from.clone())).or_insert((value, hours));
            km.insert((from, to), (value, hours));
        }
        Ok(RoadMatrix { km })
    }

    fn get(&self, from: &str, to: &str) -> Option<(f64, Option<f64>)> {
        self.km.get(&(normalise(from), normalise(to))).copied()
    }
}

fn normalise(town: &str) -> String {
    town.trim().to_lowercase()
}

/// What is asked.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The show's short code.
    pub show: &'a str,
    /// The planning member's short code (default: the member that represents the show).
    pub member: Option<&'a str>,
    /// First day of the tour.
    pub from: NaiveDate,
    /// Last day it may be back home.
    pub to: NaiveDate,
    /// The fee per engagement in cents (default: the median of the show's engagements).
    pub fee: Option<i64>,
    /// The home base's town (default: the tour's or the member's).
    pub home: Option<&'a str>,
    /// Imported road distances.
    pub matrix: Option<&'a RoadMatrix>,
    /// How the plan is made.
    pub settings: Settings,
    /// Today.
    pub today: NaiveDate,
}

/// What a stop of a route is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StopKind {
    /// A confirmed or contracted engagement.
    Confirmed,
    /// A hold or an offer already made.
    Hold,
    /// A date proposed by the plan.
    Proposed,
}

/// A stop of a route.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stop {
    /// Its date.
    pub date: NaiveDate,
    /// The presenter.
    pub presenter: OrganizationId,
    /// The presenter's name.
    pub name: String,
    /// Its town.
    pub municipality: Option<String>,
    /// The hall, when known.
    pub hall: Option<String>,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// The fee in cents.
    pub fee: i64,
    /// Confirmed, hold or proposed.
    pub kind: StopKind,
    /// The hold's level, for a hold.
    pub hold_level: Option<u32>,
}

/// A leg between two stops.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Leg {
    /// Where from.
    pub from: String,
    /// Where to.
    pub to: String,
    /// Road km.
    pub km: f64,
    /// Great-circle km (what a plane flies).
    pub crow_km: f64,
    /// Days it takes.
    pub days: u32,
    /// Its emissions.
    pub emissions: LegEmissions,
}

/// Which alternative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScenarioKind {
    /// The most fees less the road.
    BestNet,
    /// The most engagements.
    MostEngagements,
    /// Fewer kilometres, hence less CO2: an engagement is kept only when its detour is short.
    LeastCarbon,
}

impl ScenarioKind {
    /// Its code.
    pub fn code(self) -> &'static str {
        match self {
            ScenarioKind::BestNet => "best-net",
            ScenarioKind::MostEngagements => "most-engagements",
            ScenarioKind::LeastCarbon => "least-carbon",
        }
    }
}

/// One alternative route.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    /// Which.
    pub kind: ScenarioKind,
    /// Its stops, in order.
    pub stops: Vec<Stop>,
    /// Its legs, from home to home.
    pub legs: Vec<Leg>,
    /// The day it is back home.
    pub home_on: NaiveDate,
    /// Fees, in cents.
    pub fees: i64,
    /// Road km.
    pub km: f64,
    /// Fees less the road, in dollars.
    pub net: f64,
    /// Days away spent waiting (neither driving nor on a leg's show day).
    pub idle_days: u32,
    /// kg CO2e.
    pub co2_kg: f64,
}

/// A day of the calendar view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mark {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// What it is (`blocked`, `confirmed`, `hold`, `offer`, `blackout`).
    pub kind: &'static str,
    /// What it says (a presenter, a note).
    pub label: String,
    /// The hold's level.
    pub level: Option<u32>,
    /// The engagement, for an engagement's mark.
    pub engagement: Option<i64>,
}

/// Something in the planner's own data that cannot all hold: a confirmed date on the show's
/// blocked days or in its presenter's closure. The plan keeps confirmed dates as they are and says
/// so.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    /// The date.
    pub date: NaiveDate,
    /// The message (`tour-conflict-...`).
    pub key: &'static str,
    /// Its arguments.
    pub args: Vec<(&'static str, String)>,
}

/// A ranked presenter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    /// What is known of it.
    pub presenter: Presenter,
    /// Its score and the reasons.
    pub score: Score,
    /// Whether it became a candidate of the plan.
    pub candidate: bool,
}

/// A tour plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TourPlan {
    /// The show.
    pub show: Show,
    /// The planning member's short code.
    pub member: String,
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// The home base: town, latitude, longitude.
    pub home: (String, f64, f64),
    /// The fee per engagement, cents.
    pub fee: i64,
    /// The show's availability and the presenters' known closures in the period.
    pub calendar: Vec<Mark>,
    /// Confirmed dates that contradict other data.
    pub conflicts: Vec<Conflict>,
    /// Presenters, best first.
    pub ranking: Vec<Ranked>,
    /// The alternatives.
    pub scenarios: Vec<Scenario>,
    /// How it travels.
    pub transport: Transport,
    /// How it was made (driving a day, shows in a row, ...).
    pub settings: Settings,
    /// Whether some distances came from an imported matrix.
    pub imported_distances: usize,
    /// Whether a search was stopped by the time cap before its rounds were done (the routes may
    /// then differ from one machine to another).
    pub capped: bool,
    /// The problem solved.
    #[serde(skip)]
    pub instance: Instance,
}

/// What was read for a plan.
struct Gathered {
    show: Show,
    catalogue: Vec<Show>,
    member: Member,
    engagements: Vec<Engagement>,
    availabilities: Vec<Availability>,
    performances: Vec<Performance>,
    halls: Vec<Hall>,
    places: Vec<Place>,
    organizations: Vec<Organization>,
}

fn gather(session: &mut Session<'_>, requester: &Requester, request: &Request<'_>) -> Result<Gathered, PlanError> {
    let catalogue: Vec<Show> = session.list(&ListFilter::default())?;
    let show = catalogue
        .iter()
        .find(|show| show.slug == request.show)
        .cloned()
        .ok_or_else(|| PlanError::UnknownShow(request.show.to_string()))?;
    let members: Vec<Member> = session.list(&ListFilter::default())?;
    let member = match request.member {
        Some(slug) => members
            .into_iter()
            .find(|member| member.slug == slug)
            .ok_or_else(|| PlanError::UnknownMember(slug.to_string()))?,
        None => members
            .into_iter()
            .find(|member| represents(member, &show))
            .ok_or_else(|| PlanError::UnknownMember(String::new()))?,
    };
    if !represents(&member, &show) || requester.member.is_some_and(|asking| asking != member.id) {
        return Err(PlanError::NotYourShow {
            member: member.slug.clone(),
            show: show.slug.clone(),
        });
    }
    let grant = session.grant(requester, Dataset::Engagements, request.today)?;
    let engagements: Vec<Engagement> = session
        .granted::<Engagement>(&grant, member.id, &ListFilter::default())?
        .into_iter()
        .filter(|e| e.show_id == show.id)
        .collect();
    let availabilities: Vec<Availability> = session
        .granted::<Availability>(&grant, member.id, &ListFilter::default())?
        .into_iter()
        .filter(|a| a.show_id.is_none_or(|id| id == show.id))
        .collect();
    Ok(Gathered {
        show,
        catalogue,
        member,
        engagements,
        availabilities,
        performances: session.list(&ListFilter::default())?,
        halls: session.list(&ListFilter::default())?,
        places: session.list(&ListFilter::default())?,
        organizations: session.list(&ListFilter::default())?,
    })
}

/// The member that plans a show's tours by default: its agency's member, else its producer's.
pub fn planner_of(store: &Store, show: &str) -> Result<Option<Member>, PlanError> {
    Ok(store.read(|session| {
        let shows: Vec<Show> = session.list(&ListFilter::default())?;
        let members: Vec<Member> = session.list(&ListFilter::default())?;
        Ok(shows.iter().find(|s| s.slug == show).and_then(|show| {
            members
                .iter()
                .find(|m| show.agency_id == Some(m.organization_id))
                .or_else(|| members.iter().find(|m| represents(m, show)))
                .cloned()
        }))
    })?)
}

/// Whether a member represents (agency) or produces the show.
fn represents(member: &Member, show: &Show) -> bool {
    show.agency_id == Some(member.organization_id) || show.producer_ids.contains(&member.organization_id)
}

/// Great-circle kilometres.
pub fn great_circle_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2) + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0088 * h.sqrt().asin()
}

/// A presenter's halls (by the places it operates or the halls it presented in) and where.
struct Venue {
    halls: Vec<Hall>,
    place: Place,
}

/// Makes the plan.
pub fn plan(store: &Store, requester: &Requester, request: &Request<'_>) -> Result<TourPlan, PlanError> {
    if request.to <= request.from || (request.to - request.from).num_days() > 400 {
        return Err(PlanError::Period {
            from: request.from,
            to: request.to,
        });
    }
    let gathered = store.write(|session| gather(session, requester, request))?;
    build(gathered, request)
}

/// The plan's days: day 0 is the departure, the day before the first possible show.
#[derive(Debug, Clone, Copy)]
struct Days {
    origin: NaiveDate,
}

impl Days {
    fn day(self, date: NaiveDate) -> u32 {
        (date - self.origin).num_days().clamp(0, i64::from(u32::MAX)) as u32
    }

    fn date(self, day: u32) -> NaiveDate {
        self.origin + chrono::Duration::days(i64::from(day))
    }
}

/// What the route's nodes stand for: presenter, kind, hold level and hall (none at home), and
/// each node's town.
struct Labels {
    meta: Vec<Meta>,
    towns: Vec<String>,
}

fn build(g: Gathered, request: &Request<'_>) -> Result<TourPlan, PlanError> {
    let settings = &request.settings;
    let (from, to) = (request.from, request.to);
    let days = Days {
        origin: from - chrono::Duration::days(1),
    };
    let day = |date: NaiveDate| days.day(date);
    let names: HashMap<i64, &Organization> = g.organizations.iter().map(|o| (o.id.0, o)).collect();
    let venues = venues(&g);
    // Home base.
    let home_town = request
        .home
        .map(str::to_string)
        .or_else(|| {
            names
                .get(&g.member.organization_id.0)
                .and_then(|o| o.municipality.clone())
        })
        .unwrap_or_else(|| "Montréal".to_string());
    let home = locate(&home_town, &g.places).ok_or_else(|| PlanError::NoHome(home_town.clone()))?;

    // The fee.
    let mut fees: Vec<i64> = g.engagements.iter().filter_map(|e| e.fee.map(|f| f.0)).collect();
    fees.sort_unstable();
    let fee = request
        .fee
        .or_else(|| fees.get(fees.len() / 2).copied())
        .filter(|fee| *fee > 0)
        .ok_or_else(|| PlanError::NoFee(g.show.slug.clone()))?;

    // Engagements in the period.
    let in_period = |e: &&Engagement| e.performance_date >= from && e.performance_date <= to;
    let confirmed: Vec<&Engagement> = g
        .engagements
        .iter()
        .filter(in_period)
        .filter(|e| matches!(e.status, EngagementStatus::Confirmed | EngagementStatus::Contracted))
        .collect();
    let holds: Vec<&Engagement> = g
        .engagements
        .iter()
        .filter(in_period)
        .filter(|e| matches!(e.status, EngagementStatus::Hold | EngagementStatus::Offer))
        .collect();

    let calendar = calendar(&g, &names, from, to);
    let conflicts = conflicts(&g, &names, &confirmed, settings.max_shows_in_a_row);

    // The show's blocked days, and a confirmed availability without a presenter.
    let blocked: Vec<(u32, u32)> = g
        .availabilities
        .iter()
        .filter(|a| blocks(a, &g.show))
        .filter(|a| a.ends_on >= from && a.starts_on <= to)
        .map(|a| (day(a.starts_on.max(from)), day(a.ends_on.min(to))))
        .collect();

    let (mut ranking, closures) = rank(&g, &venues, &names, request, fee, &home, &confirmed);
    let (nodes, meta) = nodes(
        &g,
        &venues,
        &names,
        request,
        fee,
        &home,
        (&confirmed, &holds),
        &mut ranking,
        &closures,
        days,
    );
    let towns: Vec<String> = meta
        .iter()
        .map(|m| match m {
            None => home.0.clone(),
            Some((presenter, ..)) => venues
                .get(&presenter.0)
                .and_then(|v| v.place.municipality.clone())
                .unwrap_or_default(),
        })
        .collect();
    let (road_km, travel_days, imported) = distances(&nodes, &towns, request);
    let count = nodes.len();
    let back = (0..count).map(|a| travel_days[a][0]).max().unwrap_or(1);
    let instance = Instance {
        name: format!("{} {from} {to}", g.show.slug),
        nodes,
        model: Model {
            start_day: 0,
            end_day_max: day(to).max(back),
            km_cost_per_km: settings.km_cost,
            max_shows_in_a_row: settings.max_shows_in_a_row,
            blocked,
        },
        matrix: Matrix { road_km, travel_days },
    };

    // The confirmed dates must fit together: name the first that does not.
    let mut fixed: Vec<(u32, usize)> = instance
        .nodes
        .iter()
        .filter(|n| n.kind == Kind::Confirmed)
        .filter_map(|n| Some((n.window?.0, n.id)))
        .collect();
    fixed.sort_unstable();
    for end in 1..=fixed.len() {
        let order: Vec<usize> = fixed[..end].iter().map(|(_, id)| *id).collect();
        if crate::schedule(&instance, &order).is_none() {
            let (on, node) = fixed[end - 1];
            return Err(PlanError::ConfirmedInfeasible {
                date: days.date(on),
                presenter: instance.nodes[node].name.clone(),
            });
        }
    }

    let labels = Labels { meta, towns };
    let (scenarios, capped) = alternatives(&instance, &labels, settings, fee, days)?;
    Ok(TourPlan {
        show: g.show,
        member: g.member.slug,
        from,
        to,
        home,
        fee,
        calendar,
        conflicts,
        ranking,
        scenarios,
        transport: settings.transport,
        settings: settings.clone(),
        imported_distances: imported,
        capped,
        instance,
    })
}

/// Every presenter's halls, from the places it operates and the halls it presented in.
fn venues(g: &Gathered) -> BTreeMap<i64, Venue> {
    let places: HashMap<i64, &Place> = g.places.iter().map(|p| (p.id.0, p)).collect();
    let halls: HashMap<i64, &Hall> = g.halls.iter().map(|h| (h.id.0, h)).collect();
    let mut venues: BTreeMap<i64, Venue> = BTreeMap::new();
    let mut add_hall = |presenter: i64, hall: &Hall| {
        let Some(place) = places.get(&hall.place_id.0) else {
            return;
        };
        if place.latitude.is_none() || place.longitude.is_none() {
            return;
        }
        let venue = venues.entry(presenter).or_insert_with(|| Venue {
            halls: Vec::new(),
            place: (*place).clone(),
        });
        if !venue.halls.iter().any(|h| h.id == hall.id) {
            venue.halls.push(hall.clone());
        }
    };
    for hall in &g.halls {
        if let Some(operator) = places.get(&hall.place_id.0).and_then(|p| p.operator_id) {
            add_hall(operator.0, hall);
        }
    }
    for performance in &g.performances {
        if let Some(hall) = halls.get(&performance.hall_id.0) {
            add_hall(performance.presenter_id.0, hall);
        }
    }

    venues
}

/// Whether an availability shuts the show's days: the show's own blocked or confirmed dates, or
/// the blocked dates of a company that produces it.
fn blocks(a: &Availability, show: &Show) -> bool {
    match (a.kind, a.organization_id) {
        (AvailabilityKind::Blocked | AvailabilityKind::Confirmed, None) => true,
        (AvailabilityKind::Blocked, Some(company)) => show.producer_ids.contains(&company),
        _ => false,
    }
}

/// The show's blocked and confirmed days, its engagements and the presenters' closures in the
/// period, in day order.
fn calendar(g: &Gathered, names: &HashMap<i64, &Organization>, from: NaiveDate, to: NaiveDate) -> Vec<Mark> {
    let in_period = |e: &&Engagement| e.performance_date >= from && e.performance_date <= to;
    let live = |e: &&Engagement| e.status != EngagementStatus::Cancelled;
    let mut calendar = Vec::new();
    for a in &g.availabilities {
        if a.ends_on < from || a.starts_on > to {
            continue;
        }
        let (kind, label) = match (a.kind, a.organization_id) {
            (AvailabilityKind::Blocked, None) => ("blocked", a.note.clone().unwrap_or_default()),
            (AvailabilityKind::Blocked, Some(company)) if blocks(a, &g.show) => {
                ("blocked", a.note.clone().unwrap_or_else(|| org_name(names, company)))
            }
            (AvailabilityKind::Confirmed, None) => ("confirmed", a.note.clone().unwrap_or_default()),
            (AvailabilityKind::Blackout, Some(o)) => ("blackout", org_name(names, o)),
            _ => continue,
        };
        calendar.push(Mark {
            from: a.starts_on.max(from),
            to: a.ends_on.min(to),
            kind,
            label,
            level: None,
            engagement: None,
        });
    }
    for e in g.engagements.iter().filter(in_period).filter(live) {
        let kind = match e.status {
            EngagementStatus::Confirmed | EngagementStatus::Contracted => "confirmed",
            EngagementStatus::Hold => "hold",
            EngagementStatus::Offer => "offer",
            _ => continue,
        };
        calendar.push(Mark {
            from: e.performance_date,
            to: e.performance_date,
            kind,
            label: org_name(names, e.presenter_id),
            level: e.hold_level,
            engagement: Some(e.id.0),
        });
    }
    calendar.sort_by(|a, b| (a.from, a.kind, &a.label).cmp(&(b.from, b.kind, &b.label)));

    calendar
}

/// The confirmed dates that fall on the show's blocked days or in their presenter's closure, and
/// the runs of confirmed dates on consecutive days longer than the shows allowed in a row (two
/// confirmed dates on one day make the plan impossible: `ConfirmedInfeasible` names them).
fn conflicts(
    g: &Gathered,
    names: &HashMap<i64, &Organization>,
    confirmed: &[&Engagement],
    in_a_row: Option<u32>,
) -> Vec<Conflict> {
    let mut found = Vec::new();
    if let Some(limit) = in_a_row {
        let dates: BTreeSet<NaiveDate> = confirmed.iter().map(|e| e.performance_date).collect();
        let dates: Vec<NaiveDate> = dates.into_iter().collect();
        for run in dates.chunk_by(|a, b| a.succ_opt() == Some(*b)) {
            if let (Some(first), Some(last)) = (run.first(), run.last())
                && run.len() > limit as usize
            {
                found.push(Conflict {
                    date: *first,
                    key: "tour-conflict-in-a-row",
                    args: vec![
                        ("first", first.to_string()),
                        ("last", last.to_string()),
                        ("count", run.len().to_string()),
                        ("limit", limit.to_string()),
                    ],
                });
            }
        }
    }
    for engagement in confirmed {
        let (date, presenter) = (engagement.performance_date, org_name(names, engagement.presenter_id));
        for a in &g.availabilities {
            if a.starts_on > date || date > a.ends_on {
                continue;
            }
            let key = match (a.kind, a.organization_id) {
                (AvailabilityKind::Blocked, _) if blocks(a, &g.show) => "tour-conflict-blocked",
                (AvailabilityKind::Blackout, Some(o)) if o == engagement.presenter_id => "tour-conflict-blackout",
                _ => continue,
            };
            found.push(Conflict {
                date,
                key,
                args: vec![
                    ("date", date.to_string()),
                    ("presenter", presenter.clone()),
                    (
                        "note",
                        a.note
                            .as_deref()
                            .filter(|note| !note.is_empty())
                            .map(|note| format!(" ({note})"))
                            .unwrap_or_default(),
                    ),
                ],
            });
        }
    }
    found.sort_by_key(|c| c.date);
    found
}

/// Every presenter with a located hall, scored and best first; and the days each is shut out by
/// a radius clause.
#[allow(clippy::type_complexity)]
fn rank(
    g: &Gathered,
    venues: &BTreeMap<i64, Venue>,
    names: &HashMap<i64, &Organization>,
    request: &Request<'_>,
    fee: i64,
    home: &(String, f64, f64),
    confirmed: &[&Engagement],
) -> (Vec<Ranked>, HashMap<i64, Vec<(NaiveDate, NaiveDate)>>) {
    let settings = &request.settings;
    let (from, to) = (request.from, request.to);
    let wanted = Wanted {
        fee: Some(fee),
        has_audiences: !g.show.audiences.is_empty(),
        from,
    };
    let history = history(g, from);
    let point = |presenter: OrganizationId| {
        let place = &venues.get(&presenter.0)?.place;
        Some((place.latitude?, place.longitude?))
    };
    let fixed_points: Vec<(f64, f64)> = confirmed.iter().filter_map(|e| point(e.presenter_id)).collect();
    let clauses: Vec<(&Engagement, (f64, f64))> = g
        .engagements
        .iter()
        .filter(|e| matches!(e.status, EngagementStatus::Confirmed | EngagementStatus::Contracted))
        .filter(|e| e.radius_km.is_some() && e.radius_days.is_some())
        .filter_map(|e| Some((e, point(e.presenter_id)?)))
        .collect();
    let mut ranking = Vec::new();
    let mut closures: HashMap<i64, Vec<(NaiveDate, NaiveDate)>> = HashMap::new();
    for (presenter, venue) in venues {
        let (Some(lat), Some(lon)) = (venue.place.latitude, venue.place.longitude) else {
            continue;
        };
        let (performances, in_disciplines, for_audiences, last_hosted) =
            history.get(presenter).copied().unwrap_or_default();
        let best_hall = venue
            .halls
            .iter()
            .map(|hall| (hall.name.clone(), fit(&g.show.rider, hall)))
            .min_by_key(|(_, checks)| {
                (
                    overall(checks),
                    checks.iter().filter(|c| c.verdict != Verdict::Green).count(),
                )
            });
        let km_from_fixed = fixed_points
            .iter()
            .chain(fixed_points.is_empty().then_some(&(home.1, home.2)))
            .map(|p| great_circle_km(*p, (lat, lon)) * settings.circuity)
            .fold(f64::INFINITY, f64::min);
        let mut radius_clause: Option<(String, NaiveDate, NaiveDate)> = None;
        for (engagement, at) in &clauses {
            if engagement.presenter_id.0 == *presenter
                || great_circle_km(*at, (lat, lon)) > f64::from(engagement.radius_km.unwrap_or(0))
            {
                continue;
            }
            let days = chrono::Duration::days(i64::from(engagement.radius_days.unwrap_or(0)));
            let (start, end) = (engagement.performance_date - days, engagement.performance_date + days);
            if end < from || start > to {
                continue;
            }
            closures.entry(*presenter).or_default().push((start, end));
            if radius_clause.as_ref().is_none_or(|(_, _, kept)| end > *kept) {
                radius_clause = Some((org_name(names, engagement.presenter_id), start, end));
            }
        }
        let facts = Presenter {
            organization_id: OrganizationId(*presenter),
            name: names
                .get(presenter)
                .map_or_else(|| venue.place.name.clone(), |o| o.name.clone()),
            municipality: venue.place.municipality.clone(),
            lat,
            lon,
            performances,
            in_disciplines,
            for_audiences,
            fees_seen: g
                .engagements
                .iter()
                .filter(|e| e.presenter_id.0 == *presenter)
                .filter_map(|e| e.fee.map(|f| f.0))
                .collect(),
            best_hall,
            km_from_fixed,
            last_hosted,
            radius_clause,
        };
        let score = score(&facts, &wanted);
        ranking.push(Ranked {
            presenter: facts,
            score,
            candidate: false,
        });
    }
    ranking.sort_by(|a, b| {
        b.score
            .total
            .cmp(&a.score.total)
            .then(a.presenter.name.cmp(&b.presenter.name))
    });

    (ranking, closures)
}

/// The route's nodes: home, the confirmed dates, the holds and offers, then the best-ranked
/// presenters whose best hall is not red, with their windows and closed days.
#[allow(clippy::too_many_arguments)]
fn nodes(
    g: &Gathered,
    venues: &BTreeMap<i64, Venue>,
    names: &HashMap<i64, &Organization>,
    request: &Request<'_>,
    fee: i64,
    home: &(String, f64, f64),
    (confirmed, holds): (&[&Engagement], &[&Engagement]),
    ranking: &mut [Ranked],
    closures: &HashMap<i64, Vec<(NaiveDate, NaiveDate)>>,
    days: Days,
) -> (Vec<Node>, Vec<Meta>) {
    let settings = &request.settings;
    let (from, to) = (request.from, request.to);
    let day = |date: NaiveDate| days.day(date);
    let halls: HashMap<i64, &Hall> = g.halls.iter().map(|h| (h.id.0, h)).collect();
    let point = |presenter: OrganizationId| {
        let place = &venues.get(&presenter.0)?.place;
        Some((place.latitude?, place.longitude?))
    };
    let mut nodes = vec![Node {
        id: 0,
        name: home.0.clone(),
        lat: home.1,
        lon: home.2,
        kind: Kind::Home,
        value: 0.0,
        window: None,
        closed: Vec::new(),
    }];
    let mut meta: Vec<Option<(OrganizationId, StopKind, Option<u32>, Option<String>)>> = vec![None];
    let mut taken: BTreeSet<i64> = BTreeSet::new();
    let dollars = |cents: i64| cents as f64 / 100.0;
    for (engagement, kind) in confirmed
        .iter()
        .map(|e| (*e, StopKind::Confirmed))
        .chain(holds.iter().map(|e| (*e, StopKind::Hold)))
    {
        let Some((lat, lon)) = point(engagement.presenter_id) else {
            continue;
        };
        if kind == StopKind::Hold && taken.contains(&engagement.presenter_id.0) {
            continue;
        }
        taken.insert(engagement.presenter_id.0);
        let on = day(engagement.performance_date);
        nodes.push(Node {
            id: nodes.len(),
            name: org_name(names, engagement.presenter_id),
            lat,
            lon,
            kind: if kind == StopKind::Confirmed {
                Kind::Confirmed
            } else {
                Kind::Optional
            },
            value: dollars(engagement.fee.map_or(fee, |f| f.0)),
            window: Some((on, on)),
            closed: Vec::new(),
        });
        let hall = engagement.hall_id.and_then(|h| halls.get(&h.0)).map(|h| h.name.clone());
        meta.push(Some((engagement.presenter_id, kind, engagement.hold_level, hall)));
    }
    let windows = season_windows(&g.availabilities, from, to);
    let mut kept = 0;
    for ranked in ranking.iter_mut() {
        if kept >= settings.candidates {
            break;
        }
        let presenter = ranked.presenter.organization_id;
        let red = ranked
            .presenter
            .best_hall
            .as_ref()
            .is_some_and(|(_, checks)| overall(checks) == Verdict::Red);
        if taken.contains(&presenter.0) || red {
            continue;
        }
        let (first, last) = windows.get(&presenter.0).copied().unwrap_or((from, to));
        if last < first {
            continue;
        }
        let mut closed: Vec<(u32, u32)> = g
            .availabilities
            .iter()
            .filter(|a| a.organization_id == Some(presenter) && a.kind == AvailabilityKind::Blackout)
            .map(|a| (a.starts_on, a.ends_on))
            .chain(closures.get(&presenter.0).into_iter().flatten().copied())
            .filter(|(start, end)| *end >= from && *start <= to)
            .map(|(start, end)| (day(start.max(from)), day(end.min(to))))
            .collect();
        closed.sort_unstable();
        nodes.push(Node {
            id: nodes.len(),
            name: ranked.presenter.name.clone(),
            lat: ranked.presenter.lat,
            lon: ranked.presenter.lon,
            kind: Kind::Optional,
            value: dollars(fee),
            window: Some((day(first), day(last))),
            closed,
        });
        let hall = ranked.presenter.best_hall.as_ref().map(|(name, _)| name.clone());
        meta.push(Some((presenter, StopKind::Proposed, None, hall)));
        ranked.candidate = true;
        kept += 1;
    }
    (nodes, meta)
}

/// Road km and travel days between every two nodes: imported for the pairs of towns the matrix
/// has, great-circle times circuity for the others; and how many were imported.
fn distances(nodes: &[Node], towns: &[String], request: &Request<'_>) -> (Vec<Vec<f64>>, Vec<Vec<u32>>, usize) {
    let settings = &request.settings;
    let mut imported = 0;
    let count = nodes.len();
    let mut road_km = vec![vec![0.0; count]; count];
    let mut travel_days = vec![vec![0u32; count]; count];
    for a in 0..count {
        for b in 0..count {
            if a == b {
                continue;
            }
            let (km, hours) = match request.matrix.and_then(|m| m.get(&towns[a], &towns[b])) {
                Some(found) => {
                    imported += 1;
                    found
                }
                None => (
                    great_circle_km((nodes[a].lat, nodes[a].lon), (nodes[b].lat, nodes[b].lon)) * settings.circuity,
                    None,
                ),
            };
            road_km[a][b] = (km * 10.0).round() / 10.0;
            let by_km = (km / settings.max_km_per_day).ceil() as u32;
            let by_hours = hours.map_or(0, |h| (h / settings.max_hours_per_day).ceil() as u32);
            travel_days[a][b] = by_km.max(by_hours).max(1);
        }
    }
    (road_km, travel_days, imported)
}

/// The three alternatives, each searched with its own objective; then each keeps the best route
/// found by any search for its own measure. True beside them when a search hit the time cap.
fn alternatives(
    instance: &Instance,
    labels: &Labels,
    settings: &Settings,
    fee: i64,
    days: Days,
) -> Result<(Vec<Scenario>, bool), PlanError> {
    let dollars = |cents: i64| cents as f64 / 100.0;
    let objectives = [
        (ScenarioKind::BestNet, Objective::profit(instance)),
        (
            ScenarioKind::MostEngagements,
            Objective {
                visit_bonus: dollars(fee) * 10.0,
                km_weight: settings.km_cost,
            },
        ),
        (
            ScenarioKind::LeastCarbon,
            // An engagement is worth its detour only up to `low_carbon_detour_km` of road.
            Objective {
                visit_bonus: 0.0,
                km_weight: dollars(fee) / settings.low_carbon_detour_km.max(1.0),
            },
        ),
    ];
    let mut found = Vec::new();
    let mut capped = false;
    for (kind, objective) in objectives {
        let options = Options {
            budget: Budget::Rounds(settings.rounds),
            time_cap: settings.time_cap,
            seed: 2026,
        };
        let solution = optimise_for(instance, objective, &options).ok_or_else(|| PlanError::ConfirmedInfeasible {
            date: days.date(1),
            presenter: String::new(),
        })?;
        capped |= solution.capped;
        found.push(scenario(
            kind,
            instance,
            &solution.route,
            &solution.evaluation,
            labels,
            &settings.transport,
            days,
        ));
    }
    let pick = |kind: ScenarioKind, better: &dyn Fn(&Scenario, &Scenario) -> bool| {
        let mut chosen = found
            .iter()
            .find(|s| s.kind == kind)
            .cloned()
            .unwrap_or_else(|| found[0].clone());
        for other in &found {
            if better(other, &chosen) {
                chosen = Scenario { kind, ..other.clone() };
            }
        }
        chosen
    };
    let scenarios = vec![
        pick(ScenarioKind::BestNet, &|a, b| a.net > b.net + 1e-6),
        pick(ScenarioKind::MostEngagements, &|a, b| {
            a.stops.len() > b.stops.len() || a.stops.len() == b.stops.len() && a.net > b.net + 1e-6
        }),
        pick(ScenarioKind::LeastCarbon, &|a, b| a.co2_kg < b.co2_kg - 1e-6),
    ];
    Ok((scenarios, capped))
}

type Meta = Option<(OrganizationId, StopKind, Option<u32>, Option<String>)>;

fn scenario(
    kind: ScenarioKind,
    instance: &Instance,
    route: &[(usize, u32)],
    evaluation: &Evaluation,
    labels: &Labels,
    transport: &Transport,
    days: Days,
) -> Scenario {
    let date = |day: u32| days.date(day);
    let mut stops = Vec::new();
    for &(node, day) in &route[1..route.len() - 1] {
        let Some((presenter, kind, hold_level, hall)) = labels.meta[node].clone() else {
            continue;
        };
        let n = &instance.nodes[node];
        stops.push(Stop {
            date: date(day),
            presenter,
            name: n.name.clone(),
            municipality: Some(labels.towns[node].clone()).filter(|town| !town.is_empty()),
            hall,
            lat: n.lat,
            lon: n.lon,
            fee: (n.value * 100.0).round() as i64,
            kind,
            hold_level,
        });
    }
    let mut legs = Vec::new();
    let mut driving = 0;
    for pair in route.windows(2) {
        let ((a, _), (b, _)) = (pair[0], pair[1]);
        let km = instance.matrix.road_km[a][b];
        let crow = great_circle_km(
            (instance.nodes[a].lat, instance.nodes[a].lon),
            (instance.nodes[b].lat, instance.nodes[b].lon),
        );
        let days = instance.matrix.travel_days[a][b];
        driving += days;
        legs.push(Leg {
            from: instance.nodes[a].name.clone(),
            to: instance.nodes[b].name.clone(),
            km,
            crow_km: crow,
            days,
            emissions: transport.leg(km, crow),
        });
    }
    let home_day = route.last().map_or(0, |stop| stop.1);
    let away = home_day.saturating_sub(route.first().map_or(0, |stop| stop.1));
    Scenario {
        kind,
        fees: stops.iter().map(|s| s.fee).sum(),
        km: evaluation.km,
        net: evaluation.profit,
        idle_days: away.saturating_sub(driving),
        co2_kg: legs.iter().map(|l| l.emissions.total_kg()).sum(),
        home_on: date(home_day),
        stops,
        legs,
    }
}

/// Each presenter's season window inside the period (the period itself when none is known).
fn season_windows(
    availabilities: &[Availability],
    from: NaiveDate,
    to: NaiveDate,
) -> HashMap<i64, (NaiveDate, NaiveDate)> {
    let mut windows = HashMap::new();
    for a in availabilities {
        if let (AvailabilityKind::SeasonWindow, Some(presenter)) = (a.kind, a.organization_id) {
            windows.insert(presenter.0, (a.starts_on.max(from), a.ends_on.min(to)));
        }
    }
    windows
}

/// For each presenter: performances in the three years before `from`, those in the show's
/// disciplines, those for its audiences, and when it last hosted the show.
fn history(g: &Gathered, from: NaiveDate) -> HashMap<i64, (u32, u32, u32, Option<NaiveDate>)> {
    let shows: HashMap<i64, &Show> = g.catalogue.iter().map(|s| (s.id.0, s)).collect();
    let since = from - chrono::Duration::days(3 * 365);
    let mut found: HashMap<i64, (u32, u32, u32, Option<NaiveDate>)> = HashMap::new();
    for p in &g.performances {
        let on = p.local_date();
        if on >= from {
            continue;
        }
        let entry = found.entry(p.presenter_id.0).or_insert((0, 0, 0, None));
        if p.show_id == g.show.id {
            entry.3 = entry.3.max(Some(on));
        }
        if on < since {
            continue;
        }
        entry.0 += 1;
        if let Some(show) = shows.get(&p.show_id.0) {
            if show.disciplines.iter().any(|d| g.show.disciplines.contains(d)) {
                entry.1 += 1;
            }
            if show.audiences.iter().any(|a| g.show.audiences.contains(a)) {
                entry.2 += 1;
            }
        }
    }
    found
}

fn org_name(names: &HashMap<i64, &Organization>, id: OrganizationId) -> String {
    names.get(&id.0).map_or_else(|| id.0.to_string(), |o| o.name.clone())
}

/// A town's coordinates: the mean of its places' coordinates.
fn locate(town: &str, places: &[Place]) -> Option<(String, f64, f64)> {
    let wanted = normalise(town);
    let found: Vec<(f64, f64)> = places
        .iter()
        .filter(|p| p.municipality.as_deref().map(normalise).as_deref() == Some(wanted.as_str()))
        .filter_map(|p| Some((p.latitude?, p.longitude?)))
        .collect();
    if found.is_empty() {
        return None;
    }
    let n = found.len() as f64;
    Some((
        town.to_string(),
        found.iter().map(|p| p.0).sum::<f64>() / n,
        found.iter().map(|p| p.1).sum::<f64>() / n,
    ))
}
