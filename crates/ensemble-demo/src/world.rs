//! Everything of the demo consortium except ticket lines, built in memory from a seed.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Weekday};
use chrono_tz::America::Toronto;
use ensemble_model::*;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::names::*;
use crate::scenepro::{self, seated_capacity, typical_specs};
use crate::{DemoConfig, Scale};

/// The seasons of performances: (label, first day, last day).
/// A day as (year, month, day).
pub type Day = (i32, u32, u32);

/// A season: its label, first and last day.
pub type Season = (&'static str, Day, Day);

pub const SEASONS: [Season; 3] = [
    ("2023-2024", (2023, 9, 1), (2024, 8, 31)),
    ("2024-2025", (2024, 9, 1), (2025, 8, 31)),
    ("2025-2026", (2025, 9, 1), (2026, 8, 31)),
];

/// The planning season, with holds and offers still open.
pub const PLANNING_SEASON: Season = ("2026-2027", (2026, 9, 1), (2027, 6, 30));

/// The moment the demo describes: its batches are dated then.
pub fn reference_moment() -> DateTime<FixedOffset> {
    local(date(2026, 8, 31), 12, 0)
}

/// The four founding members.
pub const MEMBER_SLUGS: [&str; 4] = ["clair-de-scene", "deux-rivieres", "grande-ourse", "aurore-boreale"];

pub(crate) fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// A local time in Québec as a moment with its offset.
pub(crate) fn local(day: NaiveDate, hour: u32, minute: u32) -> DateTime<FixedOffset> {
    let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN);
    let naive = day.and_time(time);
    match Toronto.from_local_datetime(&naive).earliest() {
        Some(moment) => moment.fixed_offset(),
        // A time skipped by the spring change: an hour later exists.
        None => Toronto
            .from_local_datetime(&(naive + Duration::hours(1)))
            .earliest()
            .map_or_else(|| naive.and_utc().fixed_offset(), |m| m.fixed_offset()),
    }
}

/// The kinds of show, with what drives their figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Theatre,
    Music,
    Humour,
    Dance,
    Circus,
    Family,
    Variety,
}

impl Kind {
    fn discipline(self, rng: &mut ChaCha8Rng) -> Vec<DisciplineCode> {
        let (top, subs): (&str, &[&str]) = match self {
            Kind::Theatre => (
                "Theatre",
                &["Creation", "Comedie", "Drame", "Repertoire", "Documentaire"],
            ),
            Kind::Music => (
                "Musique",
                &["PopRock", "Folk", "Jazz", "Classique", "TraditionsDuMonde", "Populaire"],
            ),
            Kind::Humour => ("Humour", &["StandUp", "Observation", "Personnages", "Sketch"]),
            Kind::Dance => ("Danse", &["ContemporaineEtModerne", "Urbaine", "Ballet"]),
            Kind::Circus => ("Cirque", &["Acrobatie", "Aerien", "ArtClownesque", "Equilibre"]),
            Kind::Family => ("Theatre", &["Marionnettes", "DObjets", "Creation"]),
            Kind::Variety => ("Variete", &["Magie", "Cabaret", "MusicHall"]),
        };
        let sub = subs.choose(rng).copied().unwrap_or(top);
        vec![DisciplineCode::new(top), DisciplineCode::new(sub)]
    }

    fn genre(self) -> &'static str {
        match self {
            Kind::Theatre => "K6-100",
            Kind::Music => "K6-300",
            Kind::Humour => "K6-902",
            Kind::Dance => "K6-200",
            Kind::Circus => "K6-901",
            Kind::Family => "K6-904",
            Kind::Variety => "K6-903",
        }
    }

    fn occupancy(self) -> f64 {
        match self {
            Kind::Humour => 0.84,
            Kind::Circus => 0.78,
            Kind::Family => 0.76,
            Kind::Music => 0.70,
            Kind::Variety => 0.70,
            Kind::Theatre => 0.67,
            Kind::Dance => 0.58,
        }
    }

    /// Regular ticket price range in dollars.
    fn price_range(self) -> (i64, i64) {
        match self {
            Kind::Humour => (42, 72),
            Kind::Music => (34, 68),
            Kind::Circus => (35, 58),
            Kind::Variety => (30, 52),
            Kind::Theatre => (29, 49),
            Kind::Dance => (30, 46),
            Kind::Family => (14, 22),
        }
    }

    fn pick(rng: &mut ChaCha8Rng) -> Kind {
        let weights = [
            (Kind::Theatre, 24),
            (Kind::Music, 24),
            (Kind::Humour, 16),
            (Kind::Dance, 11),
            (Kind::Circus, 8),
            (Kind::Family, 11),
            (Kind::Variety, 6),
        ];
        let total: u32 = weights.iter().map(|(_, w)| w).sum();
        let mut draw = rng.random_range(0..total);
        for (kind, weight) in weights {
            if draw < weight {
                return kind;
            }
            draw -= weight;
        }
        Kind::Theatre
    }
}

/// What the generator knows of a show beyond its record.
#[derive(Debug, Clone)]
pub(crate) struct ShowPlan {
    id: ShowId,
    kind: Kind,
    owner: Option<MemberId>,
    popularity: f64,
    regular_price: i64,
    fee: i64,
    seasons: Vec<usize>,
    min_capacity: u32,
    /// Self-presented run: the member rents a hall and sells its own tickets.
    run: Option<MemberId>,
}

/// A hall that can host performances, with what the generator needs of it.
#[derive(Debug, Clone)]
pub(crate) struct Stage {
    hall: HallId,
    presenter: OrganizationId,
    capacity: u32,
    latitude: f64,
    longitude: f64,
}

/// One performance whose tickets are sold by a member: its ticket lines are generated.
#[derive(Debug, Clone)]
pub struct TicketPlan {
    /// The performance.
    pub performance: PerformanceId,
    /// The member that sells the tickets.
    pub member: MemberId,
    /// The member's demo batch.
    pub batch: BatchId,
    /// When it starts.
    pub starts_at: DateTime<FixedOffset>,
    /// Seats offered.
    pub capacity: u32,
    /// Share of seats sold.
    pub occupancy: f64,
    /// Regular price in cents.
    pub regular_price: i64,
    /// Family show: child prices.
    pub family: bool,
    /// Where the hall is.
    pub latitude: f64,
    /// Where the hall is.
    pub longitude: f64,
    /// Artist fee in cents (flat fee part).
    pub artist_fee: i64,
    /// Deal type of the artist's fee.
    pub deal: DealType,
}

/// The demo consortium in memory.
#[derive(Default)]
pub struct World {
    pub batches: Vec<Batch>,
    pub organizations: Vec<Organization>,
    pub members: Vec<Member>,
    pub persons: Vec<Person>,
    pub groups: Vec<Group>,
    pub places: Vec<Place>,
    pub halls: Vec<Hall>,
    pub works: Vec<Work>,
    pub shows: Vec<Show>,
    pub series: Vec<Series>,
    pub performances: Vec<Performance>,
    pub offers: Vec<Offer>,
    pub tours: Vec<Tour>,
    pub engagements: Vec<Engagement>,
    pub availabilities: Vec<Availability>,
    pub settlements: Vec<Settlement>,
    pub grants: Vec<Grant>,
    pub data_assets: Vec<DataAsset>,
    pub sharing_agreements: Vec<SharingAgreement>,
    pub consents: Vec<Consent>,
    /// Performances whose ticket lines are generated, in performance order.
    pub ticket_plans: Vec<TicketPlan>,
}

fn next<T>(records: &[T]) -> i64 {
    records.len() as i64 + 1
}

fn provenance(member: Option<MemberId>, batch: BatchId) -> Provenance {
    Provenance {
        member_id: member,
        batch_id: Some(batch),
        source_row: None,
    }
}

struct Sizes {
    shows_agency: usize,
    shows_producer: usize,
    shows_creator: usize,
    shows_other: usize,
    persons: usize,
    groups: usize,
    touring_dates: (usize, usize),
    presenter_nights: [usize; 2],
    run_length: (usize, usize),
}

fn sizes(scale: Scale) -> Sizes {
    match scale {
        Scale::Small => Sizes {
            shows_agency: 8,
            shows_producer: 4,
            shows_creator: 3,
            shows_other: 9,
            persons: 90,
            groups: 10,
            touring_dates: (3, 6),
            presenter_nights: [12, 8],
            run_length: (4, 7),
        },
        Scale::Full => Sizes {
            shows_agency: 16,
            shows_producer: 10,
            shows_creator: 6,
            shows_other: 28,
            persons: 220,
            groups: 24,
            touring_dates: (10, 26),
            presenter_nights: [240, 190],
            run_length: (20, 32),
        },
    }
}

/// Member ids, fixed: 1 agency, 2 presenter, 3 creator, 4 producer.
pub(crate) const AGENCY: MemberId = MemberId(1);
pub(crate) const PRESENTER: MemberId = MemberId(2);
pub(crate) const CREATOR: MemberId = MemberId(3);
pub(crate) const PRODUCER: MemberId = MemberId(4);

/// Batches: 1 reference data, 2 shared demo records, 3 to 6 one per member.
const REFERENCE_BATCH: BatchId = BatchId(1);
const COMMON_BATCH: BatchId = BatchId(2);

pub(crate) fn member_batch(member: MemberId) -> BatchId {
    BatchId(2 + member.0)
}

struct Builder {
    rng: ChaCha8Rng,
    sizes: Sizes,
    world: World,
    stages: Vec<Stage>,
    shows: Vec<ShowPlan>,
    member_orgs: BTreeMap<MemberId, OrganizationId>,
    funders: Vec<OrganizationId>,
    presenter_stages: Vec<usize>,
    run_stages: BTreeMap<MemberId, usize>,
    booked: BTreeSet<(HallId, NaiveDate)>,
}

/// Builds the demo consortium for a configuration.
pub fn build(config: &DemoConfig) -> World {
    let mut builder = Builder {
        rng: ChaCha8Rng::seed_from_u64(config.seed),
        sizes: sizes(config.scale),
        world: World::default(),
        stages: Vec::new(),
        shows: Vec::new(),
        member_orgs: BTreeMap::new(),
        funders: Vec::new(),
        presenter_stages: Vec::new(),
        run_stages: BTreeMap::new(),
        booked: BTreeSet::new(),
    };
    builder.batches(config);
    builder.reference();
    builder.members();
    builder.funders();
    builder.artists();
    builder.shows();
    for season in 0..SEASONS.len() {
        builder.season(season);
    }
    builder.planning();
    builder.grants();
    builder.inventory();
    builder.agreements();
    builder.world
}

impl Builder {
    fn chance(&mut self, probability: f64) -> bool {
        self.rng.random_bool(probability.clamp(0.0, 1.0))
    }

    fn between(&mut self, low: usize, high: usize) -> usize {
        if high <= low {
            low
        } else {
            self.rng.random_range(low..=high)
        }
    }

    fn person_name(&mut self) -> String {
        let first = FIRST_NAMES.choose(&mut self.rng).copied().unwrap_or("Camille");
        let last = LAST_NAMES.choose(&mut self.rng).copied().unwrap_or("Roybel");
        format!("{first} {last}")
    }

    fn batches(&mut self, config: &DemoConfig) {
        let moment = reference_moment();
        let scale = match config.scale {
            Scale::Small => "small",
            Scale::Full => "full",
        };
        let mut add = |kind: BatchKind, member: Option<MemberId>, file: Option<&str>, note: String| {
            let id = BatchId(next(&self.world.batches));
            self.world.batches.push(Batch {
                id,
                kind,
                file_name: file.map(str::to_string),
                file_sha256: None,
                created_at: moment,
                status: BatchStatus::Committed,
                note: Some(note),
                provenance: Provenance {
                    member_id: member,
                    batch_id: None,
                    source_row: None,
                },
            });
        };
        add(
            BatchKind::Reference,
            None,
            Some("data/reference/raw/artsdata-scenepro/entities.json"),
            "Scène Pro presenters and venues (Artsdata, CC0)".to_string(),
        );
        let note = format!("demo consortium, scale {scale}, seed {}", config.seed);
        add(BatchKind::Demo, None, None, note.clone());
        for member in [AGENCY, PRESENTER, CREATOR, PRODUCER] {
            add(BatchKind::Demo, Some(member), None, note.clone());
        }
    }

    fn reference(&mut self) {
        for (row, presenter) in scenepro::presenters().into_iter().enumerate() {
            let organization = OrganizationId(next(&self.world.organizations));
            let postal_code = presenter.zip_code.as_deref().and_then(geo::normalize_postal_code);
            let region = presenter
                .city
                .as_deref()
                .and_then(geo::region_of_municipality)
                .map(RegionCode::new);
            self.world.organizations.push(Organization {
                id: organization,
                name: presenter.name.trim().to_string(),
                roles: presenter.roles(),
                municipality: presenter
                    .city
                    .as_deref()
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_string),
                postal_code,
                region_code: region,
                website: presenter.website_url(),
                identifiers: presenter.identifiers(),
                provenance: Provenance {
                    member_id: None,
                    batch_id: Some(REFERENCE_BATCH),
                    source_row: Some(row as i64 + 1),
                },
            });
            for venue in &presenter.venues {
                let place = PlaceId(next(&self.world.places));
                let postal_code = venue.zip_code.as_deref().and_then(geo::normalize_postal_code);
                let fsa = postal_code.as_deref().and_then(geo::fsa_of);
                let centroid = fsa.as_deref().and_then(geo::fsa).filter(|f| f.latitude < 63.0);
                let city = venue.city.as_deref().map(str::trim).filter(|c| !c.is_empty());
                let region = city.and_then(geo::region_of_municipality).map(str::to_string);
                let province = scenepro::province_code(venue.other_state.as_deref());
                // Every Scène Pro venue is in Canada.
                let country = "CA";
                self.world.places.push(Place {
                    id: place,
                    name: venue.name.trim().to_string(),
                    street_address: venue
                        .address1
                        .as_deref()
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(str::to_string),
                    municipality: city.map(str::to_string),
                    postal_code,
                    fsa: fsa.clone(),
                    region_code: region.clone().map(RegionCode::new),
                    province,
                    country: country.to_string(),
                    latitude: centroid.map(|c| c.latitude),
                    longitude: centroid.map(|c| c.longitude),
                    operator_id: Some(organization),
                    identifiers: venue.identifiers(),
                    provenance: Provenance {
                        member_id: None,
                        batch_id: Some(REFERENCE_BATCH),
                        source_row: Some(row as i64 + 1),
                    },
                });
                let configurations = venue.hall_configurations();
                let capacity = seated_capacity(&configurations);
                let variation = 0.8 + self.rng.random::<f64>() * 0.4;
                let hall = HallId(next(&self.world.halls));
                self.world.halls.push(Hall {
                    id: hall,
                    place_id: place,
                    name: venue.name.trim().to_string(),
                    configurations,
                    specs: typical_specs(capacity, variation),
                    identifiers: Identifiers::default(),
                    provenance: Provenance {
                        member_id: None,
                        batch_id: Some(REFERENCE_BATCH),
                        source_row: Some(row as i64 + 1),
                    },
                });
                if capacity >= 80
                    && let Some(centroid) = centroid
                {
                    self.stages.push(Stage {
                        hall,
                        presenter: organization,
                        capacity,
                        latitude: centroid.latitude,
                        longitude: centroid.longitude,
                    });
                }
            }
        }
    }

    fn organization(
        &mut self,
        name: &str,
        roles: Vec<ValueChainRole>,
        municipality: &str,
        postal_code: Option<&str>,
        member: Option<MemberId>,
        batch: BatchId,
    ) -> OrganizationId {
        let id = OrganizationId(next(&self.world.organizations));
        self.world.organizations.push(Organization {
            id,
            name: name.to_string(),
            roles,
            municipality: Some(municipality.to_string()),
            postal_code: postal_code.map(str::to_string),
            region_code: geo::region_of_municipality(municipality).map(RegionCode::new),
            website: None,
            identifiers: Identifiers::default(),
            provenance: provenance(member, batch),
        });
        id
    }

    fn place_with_halls(
        &mut self,
        owner: MemberId,
        name: &str,
        municipality: &str,
        postal_code: &str,
        operator: OrganizationId,
        halls: &[(&str, &[(&str, u32)])],
    ) -> Vec<usize> {
        let place = PlaceId(next(&self.world.places));
        let fsa = geo::fsa_of(postal_code);
        let centroid = fsa.as_deref().and_then(geo::fsa);
        let region = geo::region_of_municipality(municipality).map(str::to_string);
        let street = STREETS.choose(&mut self.rng).copied().unwrap_or("rue Principale");
        let number = self.rng.random_range(10..2000);
        self.world.places.push(Place {
            id: place,
            name: name.to_string(),
            street_address: Some(format!("{number}, {street}")),
            municipality: Some(municipality.to_string()),
            postal_code: Some(postal_code.to_string()),
            fsa: fsa.clone(),
            region_code: region.clone().map(RegionCode::new),
            province: Some("QC".to_string()),
            country: "CA".to_string(),
            latitude: centroid.map(|c| c.latitude),
            longitude: centroid.map(|c| c.longitude),
            operator_id: Some(operator),
            identifiers: Identifiers::default(),
            provenance: provenance(Some(owner), member_batch(owner)),
        });
        let mut stages = Vec::new();
        for (hall_name, configurations) in halls {
            let configurations: Vec<HallConfiguration> = configurations
                .iter()
                .map(|(kind, capacity)| HallConfiguration {
                    kind: HallConfigurationCode::new(*kind),
                    capacity: *capacity,
                })
                .collect();
            let capacity = seated_capacity(&configurations);
            let hall = HallId(next(&self.world.halls));
            self.world.halls.push(Hall {
                id: hall,
                place_id: place,
                name: (*hall_name).to_string(),
                configurations,
                specs: typical_specs(capacity, 1.1),
                identifiers: Identifiers::default(),
                provenance: provenance(Some(owner), member_batch(owner)),
            });
            stages.push(self.stages.len());
            self.stages.push(Stage {
                hall,
                presenter: operator,
                capacity,
                latitude: centroid.map_or(45.5, |c| c.latitude),
                longitude: centroid.map_or(-73.6, |c| c.longitude),
            });
        }
        stages
    }

    fn members(&mut self) {
        let specs: [(MemberId, &str, Vec<ValueChainRole>, &str, &str); 4] = [
            (
                AGENCY,
                "Agence Clair de Scène",
                vec![ValueChainRole::Agency],
                "Montréal",
                "H2T 1S4",
            ),
            (
                PRESENTER,
                "Diffusion Deux-Rivières",
                vec![ValueChainRole::Presenter, ValueChainRole::VenueOperator],
                "Sherbrooke",
                "J1H 4A7",
            ),
            (
                CREATOR,
                "Théâtre de la Grande Ourse",
                vec![ValueChainRole::Creator, ValueChainRole::Producer],
                "Québec",
                "G1K 3X2",
            ),
            (
                PRODUCER,
                "Productions Aurore boréale",
                vec![ValueChainRole::Producer],
                "Montréal",
                "H2X 2V3",
            ),
        ];
        for (index, (member, name, roles, city, postal_code)) in specs.into_iter().enumerate() {
            let organization =
                self.organization(name, roles, city, Some(postal_code), Some(member), member_batch(member));
            self.member_orgs.insert(member, organization);
            self.world.members.push(Member {
                id: member,
                slug: MEMBER_SLUGS[index].to_string(),
                organization_id: organization,
                joined_on: date(2023, 6, 1 + index as u32),
                privacy_officer_title: Some("Direction administrative".to_string()),
                provenance: provenance(Some(member), member_batch(member)),
            });
        }
        let presenter = self.member_orgs[&PRESENTER];
        self.presenter_stages = self.place_with_halls(
            PRESENTER,
            "Centre des arts Deux-Rivières",
            "Sherbrooke",
            "J1H 4A7",
            presenter,
            &[
                ("Grande salle", &[("Italienne", 1_580), ("Debout", 1_900)]),
                ("Studio", &[("Cabaret", 380), ("Debout", 520)]),
            ],
        );
        // The producer and the creator rent a hall in their city for their own runs.
        let producer = self.member_orgs[&PRODUCER];
        let producer_stage = self.place_with_halls(
            PRODUCER,
            "Espace Fleurdelune",
            "Montréal",
            "H2X 1Y6",
            producer,
            &[("Salle Fleurdelune", &[("Theatre", 460)])],
        );
        let creator = self.member_orgs[&CREATOR];
        let creator_stage = self.place_with_halls(
            CREATOR,
            "La Fabrique du Nord",
            "Québec",
            "G1K 4B1",
            creator,
            &[("Salle de la Fabrique", &[("Theatre", 310)])],
        );
        if let (Some(p), Some(c)) = (producer_stage.first(), creator_stage.first()) {
            self.run_stages.insert(PRODUCER, *p);
            self.run_stages.insert(CREATOR, *c);
        }
    }

    fn funders(&mut self) {
        for (name, city, postal_code) in [
            ("Conseil des arts et des lettres du Québec", "Québec", "G1R 5G5"),
            ("Conseil des arts du Canada", "Ottawa", "K1P 5V8"),
            ("Conseil des arts de Montréal", "Montréal", "H2X 1Z4"),
        ] {
            let id = self.organization(
                name,
                vec![ValueChainRole::Funder],
                city,
                Some(postal_code),
                None,
                COMMON_BATCH,
            );
            self.funders.push(id);
        }
    }

    fn artists(&mut self) {
        for _ in 0..self.sizes.persons {
            let id = PersonId(next(&self.world.persons));
            let name = self.person_name();
            let home = [
                "Montréal",
                "Québec",
                "Sherbrooke",
                "Gatineau",
                "Trois-Rivières",
                "Rimouski",
            ]
            .choose(&mut self.rng)
            .copied()
            .unwrap_or("Montréal");
            self.world.persons.push(Person {
                id,
                name,
                home_municipality: Some(home.to_string()),
                identifiers: Identifiers::default(),
                provenance: provenance(None, COMMON_BATCH),
            });
        }
        let mut used = BTreeSet::new();
        while self.world.groups.len() < self.sizes.groups {
            let first = COMPANY_FIRST.choose(&mut self.rng).copied().unwrap_or("Compagnie");
            let second = COMPANY_SECOND.choose(&mut self.rng).copied().unwrap_or("Vent d'Est");
            let name = format!("{first} {second}");
            if !used.insert(name.clone()) {
                continue;
            }
            let kind = Kind::pick(&mut self.rng);
            let disciplines = kind.discipline(&mut self.rng);
            let id = GroupId(next(&self.world.groups));
            self.world.groups.push(Group {
                id,
                name,
                disciplines: disciplines.into_iter().take(1).collect(),
                home_municipality: Some("Montréal".to_string()),
                identifiers: Identifiers::default(),
                provenance: provenance(None, COMMON_BATCH),
            });
        }
    }

    fn title(&mut self, used: &mut BTreeSet<String>) -> String {
        loop {
            let first = TITLE_FIRST.choose(&mut self.rng).copied().unwrap_or("Les heures");
            let second = TITLE_SECOND.choose(&mut self.rng).copied().unwrap_or("d'hiver");
            let title = format!("{first} {second}");
            if used.insert(title.clone()) {
                return title;
            }
        }
    }

    fn shows(&mut self) {
        let mut owners = Vec::new();
        owners.extend(std::iter::repeat_n(Some(AGENCY), self.sizes.shows_agency));
        owners.extend(std::iter::repeat_n(Some(PRODUCER), self.sizes.shows_producer));
        owners.extend(std::iter::repeat_n(Some(CREATOR), self.sizes.shows_creator));
        owners.extend(std::iter::repeat_n(None, self.sizes.shows_other));
        let mut other_producers = Vec::new();
        for name in [
            "Spectacles Horizon",
            "Productions du Quai",
            "Les Tournées Vent d'Ouest",
            "Créations Mi-Carême",
        ] {
            let id = self.organization(
                name,
                vec![ValueChainRole::Producer],
                "Montréal",
                None,
                None,
                COMMON_BATCH,
            );
            other_producers.push(id);
        }
        let mut titles = BTreeSet::new();
        for (index, owner) in owners.into_iter().enumerate() {
            let kind = match owner {
                Some(CREATOR) => {
                    if self.chance(0.4) {
                        Kind::Family
                    } else {
                        Kind::Theatre
                    }
                }
                _ => Kind::pick(&mut self.rng),
            };
            let title = self.title(&mut titles);
            let show_id = ShowId(next(&self.world.shows));
            let work_id = WorkId(next(&self.world.works));
            let author = PersonId(self.rng.random_range(1..=self.sizes.persons as i64));
            let director = PersonId(self.rng.random_range(1..=self.sizes.persons as i64));
            let designer = PersonId(self.rng.random_range(1..=self.sizes.persons as i64));
            let group = if matches!(kind, Kind::Humour) || self.chance(0.3) {
                None
            } else {
                Some(GroupId(self.rng.random_range(1..=self.sizes.groups as i64)))
            };
            let mut contributions = vec![
                Contribution {
                    agent: AgentRef {
                        kind: AgentKind::Person,
                        agent_id: author.0,
                    },
                    role: ContributionRoleCode::new("AuteurCréateur"),
                    billing_order: Some(1),
                },
                Contribution {
                    agent: AgentRef {
                        kind: AgentKind::Person,
                        agent_id: director.0,
                    },
                    role: ContributionRoleCode::new("DirectionArtistiqueCréative"),
                    billing_order: Some(2),
                },
            ];
            let performers = self.between(1, 5);
            for order in 0..performers {
                let performer = PersonId(self.rng.random_range(1..=self.sizes.persons as i64));
                contributions.push(Contribution {
                    agent: AgentRef {
                        kind: AgentKind::Person,
                        agent_id: performer.0,
                    },
                    role: ContributionRoleCode::new("ArtisteSurScène"),
                    billing_order: Some(3 + order as u32),
                });
            }
            contributions.push(Contribution {
                agent: AgentRef {
                    kind: AgentKind::Person,
                    agent_id: designer.0,
                },
                role: ContributionRoleCode::new("PersonnelTechnique"),
                billing_order: None,
            });
            let producer = match owner {
                Some(member) if member != AGENCY => self.member_orgs[&member],
                _ => other_producers
                    .choose(&mut self.rng)
                    .copied()
                    .unwrap_or(OrganizationId(1)),
            };
            let year = 2019 + self.rng.random_range(0..7);
            self.world.works.push(Work {
                id: work_id,
                title: title.clone(),
                year: Some(year),
                contributions: contributions.iter().take(1).cloned().collect(),
                identifiers: Identifiers::default(),
                provenance: provenance(owner, owner.map_or(COMMON_BATCH, member_batch)),
            });
            let audiences = match kind {
                Kind::Family => vec![AudienceCode::new("Familles"), AudienceCode::new("Enfance")],
                Kind::Humour => vec![AudienceCode::new("Adultes")],
                _ => vec![AudienceCode::new("ToutPublics")],
            };
            let languages = match kind {
                Kind::Dance | Kind::Circus => vec![],
                Kind::Music if self.chance(0.3) => vec!["en".to_string()],
                _ if self.chance(0.08) => vec!["fr".to_string(), "en".to_string()],
                _ => vec!["fr".to_string()],
            };
            let warnings = if self.chance(0.2) {
                vec![WarningCode::new(if self.chance(0.5) {
                    "FumeeOuVapeur"
                } else {
                    "ClignotementsEtEffetsStroboscopiques"
                })]
            } else {
                vec![]
            };
            let big = matches!(kind, Kind::Circus | Kind::Humour) && self.chance(0.5);
            let min_capacity = if big { 600 } else { self.between(1, 4) as u32 * 100 };
            let rider = vec![
                RiderRequirement {
                    item: Some(RiderItem::StageOpeningWidth),
                    minimum: if big {
                        12.0
                    } else {
                        7.0 + self.rng.random_range(0..4) as f64
                    },
                    note: None,
                },
                RiderRequirement {
                    item: Some(RiderItem::StageDepth),
                    minimum: if big {
                        10.0
                    } else {
                        6.0 + self.rng.random_range(0..3) as f64
                    },
                    note: None,
                },
                RiderRequirement {
                    item: Some(RiderItem::GridHeight),
                    minimum: if matches!(kind, Kind::Circus) { 9.0 } else { 5.5 },
                    note: if matches!(kind, Kind::Circus) {
                        Some("Points d'accroche pour les numéros aériens".to_string())
                    } else {
                        None
                    },
                },
                RiderRequirement {
                    item: Some(RiderItem::Power),
                    minimum: if big { 400.0 } else { 100.0 },
                    note: None,
                },
                RiderRequirement {
                    item: Some(RiderItem::Seats),
                    minimum: f64::from(min_capacity),
                    note: None,
                },
            ];
            let slug = slug_of(&title);
            let agency_id = (owner == Some(AGENCY)).then(|| self.member_orgs[&AGENCY]);
            self.world.shows.push(Show {
                id: show_id,
                slug,
                title_fr: title,
                title_en: None,
                work_id: Some(work_id),
                disciplines: kind.discipline(&mut self.rng),
                genres: vec![GenreCode::new(kind.genre())],
                audiences,
                languages,
                duration_minutes: Some(match kind {
                    Kind::Family => 50,
                    Kind::Humour | Kind::Music => 90 + 15 * self.rng.random_range(0..3),
                    _ => 70 + 10 * self.rng.random_range(0..5),
                }),
                warnings,
                producer_ids: vec![producer],
                performer_group_id: group,
                agency_id,
                contributions,
                rider,
                identifiers: Identifiers::default(),
                provenance: provenance(owner, owner.map_or(COMMON_BATCH, member_batch)),
            });
            let first_season = index % SEASONS.len();
            let length = 1 + self.rng.random_range(0..SEASONS.len());
            let seasons: Vec<usize> = (first_season..first_season + length)
                .filter(|s| *s < SEASONS.len())
                .collect();
            let (low, high) = kind.price_range();
            let run = match owner {
                Some(member @ (PRODUCER | CREATOR)) if self.chance(0.7) => Some(member),
                _ => None,
            };
            self.shows.push(ShowPlan {
                id: show_id,
                kind,
                owner,
                popularity: 0.75 + self.rng.random::<f64>() * 0.4,
                regular_price: self.rng.random_range(low..=high) * 100 - 1,
                fee: (self.rng.random_range(20..=120) as i64) * 25_000,
                seasons: if seasons.is_empty() {
                    vec![SEASONS.len() - 1]
                } else {
                    seasons
                },
                min_capacity,
                run,
            });
        }
    }

    /// A performance date in the season, following Québec's seasonality and week.
    fn performance_day(&mut self, season: usize, months: &[u32]) -> NaiveDate {
        let (_, (year, _, _), _) = SEASONS[season];
        loop {
            let month = months.choose(&mut self.rng).copied().unwrap_or(10);
            let year = if month >= 9 { year } else { year + 1 };
            let day = self.rng.random_range(1..=28);
            let candidate = date(year, month, day);
            let keep = match candidate.weekday() {
                Weekday::Mon => 0.15,
                Weekday::Tue => 0.35,
                Weekday::Wed => 0.6,
                Weekday::Thu => 0.9,
                Weekday::Fri | Weekday::Sat => 1.0,
                Weekday::Sun => 0.55,
            };
            if self.chance(keep) {
                return candidate;
            }
        }
    }

    fn season_months(&mut self) -> Vec<u32> {
        // Weighted list: autumn and late winter are busiest; summer is quiet.
        let weights: [(u32, usize); 12] = [
            (9, 7),
            (10, 12),
            (11, 13),
            (12, 8),
            (1, 6),
            (2, 10),
            (3, 12),
            (4, 11),
            (5, 9),
            (6, 4),
            (7, 1),
            (8, 1),
        ];
        weights
            .iter()
            .flat_map(|(month, weight)| std::iter::repeat_n(*month, *weight))
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn add_performance(
        &mut self,
        show: &ShowPlan,
        stage_index: usize,
        day: NaiveDate,
        owner: Option<MemberId>,
        series: Option<SeriesId>,
        ticket_seller: Option<MemberId>,
        deal: DealType,
    ) -> Option<PerformanceId> {
        let stage = self.stages.get(stage_index)?.clone();
        if !self.booked.insert((stage.hall, day)) {
            return None;
        }
        let (hour, minute, school) = match (show.kind, day.weekday()) {
            (Kind::Family, Weekday::Tue | Weekday::Wed | Weekday::Thu) if self.chance(0.6) => (10, 0, true),
            (_, Weekday::Sun) => (14, 0, false),
            _ if self.chance(0.3) => (19, 30, false),
            _ => (20, 0, false),
        };
        let starts_at = local(day, hour, minute);
        let status = if self.chance(0.015) {
            EventStatus::Cancelled
        } else if self.chance(0.01) {
            EventStatus::Rescheduled
        } else {
            EventStatus::Scheduled
        };
        let id = PerformanceId(next(&self.world.performances));
        let batch = owner.map_or(COMMON_BATCH, member_batch);
        self.world.performances.push(Performance {
            id,
            show_id: show.id,
            hall_id: stage.hall,
            presenter_id: stage.presenter,
            series_id: series,
            starts_at,
            time_zone: "America/Toronto".to_string(),
            status,
            school,
            provenance: provenance(owner, batch),
        });
        let price = if school { 1_200 } else { show.regular_price };
        let add_offer = |price_type: PriceType, cents: i64, world: &mut World| {
            let offer = OfferId(next(&world.offers));
            world.offers.push(Offer {
                id: offer,
                performance_id: id,
                price_type,
                price: Some(Cents(cents)),
                currency: "CAD".to_string(),
                is_free: false,
                sold_out: false,
                url: None,
                provenance: provenance(owner, batch),
            });
        };
        add_offer(PriceType::Regular, price, &mut self.world);
        if !school {
            add_offer(PriceType::Senior, price * 9 / 10, &mut self.world);
            add_offer(PriceType::Student, price * 7 / 10, &mut self.world);
        }
        if status == EventStatus::Cancelled {
            return Some(id);
        }
        let month_factor = match day.month() {
            12 => 0.9,
            6..=8 => 0.85,
            _ => 1.0,
        };
        let noise = (self.rng.random::<f64>() - 0.5) * 0.2;
        let fit = (f64::from(show.min_capacity.max(150)) / f64::from(stage.capacity.max(1))).clamp(0.85, 1.1);
        let occupancy = (show.kind.occupancy() * show.popularity * month_factor * fit.sqrt() + noise).clamp(0.12, 1.0);
        let artist_fee = show.fee * i64::from(stage.capacity.min(1_600)) / 800;
        if let Some(member) = ticket_seller {
            self.world.ticket_plans.push(TicketPlan {
                performance: id,
                member,
                batch: member_batch(member),
                starts_at,
                capacity: stage.capacity,
                occupancy,
                regular_price: price,
                family: show.kind == Kind::Family,
                latitude: stage.latitude,
                longitude: stage.longitude,
                artist_fee,
                deal,
            });
        } else if let Some(member) = show.owner {
            // The presenter sent its settlement to the show's member, who keeps its copy.
            let capacity = stage.capacity;
            let paid = (f64::from(capacity) * occupancy * 0.95) as u32;
            let complimentary = (f64::from(capacity) * 0.03) as u32;
            let gross = i64::from(paid) * price * 92 / 100;
            let settlement = settlement_figures(id, capacity, paid, complimentary, gross, artist_fee, deal, member);
            self.world.settlements.push(settlement);
        }
        Some(id)
    }

    fn season(&mut self, season: usize) {
        let months = self.season_months();
        let (label, start, end) = SEASONS[season];
        // The presenter member's season, in its two halls.
        let presenter_org = self.member_orgs[&PRESENTER];
        let series = SeriesId(next(&self.world.series));
        self.world.series.push(Series {
            id: series,
            name: format!("Saison {label}"),
            kind: SeriesKind::Season,
            presenter_id: Some(presenter_org),
            starts_on: date(start.0, start.1, start.2),
            ends_on: date(end.0, end.1, end.2),
            provenance: provenance(Some(PRESENTER), member_batch(PRESENTER)),
        });
        let active: Vec<ShowPlan> = self
            .shows
            .iter()
            .filter(|s| s.seasons.contains(&season))
            .cloned()
            .collect();
        let presenter_stages = self.presenter_stages.clone();
        for (hall_index, stage_index) in presenter_stages.iter().enumerate() {
            let target = self.sizes.presenter_nights.get(hall_index).copied().unwrap_or(0);
            let capacity = self.stages.get(*stage_index).map_or(0, |s| s.capacity);
            // The big hall takes the shows that fill it; the studio the intimate ones.
            let fitting: Vec<&ShowPlan> = active
                .iter()
                .filter(|show| {
                    if hall_index == 0 {
                        show.min_capacity >= 200
                    } else {
                        show.min_capacity <= capacity
                    }
                })
                .collect();
            let mut nights = 0;
            let mut attempts = 0;
            while nights < target && attempts < target * 20 && !fitting.is_empty() {
                attempts += 1;
                let Some(show) = fitting.choose(&mut self.rng).copied().cloned() else {
                    break;
                };
                let day = self.performance_day(season, &months);
                let run = self.between(1, if show.kind == Kind::Humour { 4 } else { 2 });
                let deal = if self.chance(0.6) {
                    DealType::FlatFee
                } else {
                    DealType::GuaranteeVersusPercentage
                };
                for offset in 0..run {
                    let day = day + Duration::days(offset as i64);
                    if self
                        .add_performance(
                            &show,
                            *stage_index,
                            day,
                            Some(PRESENTER),
                            Some(series),
                            Some(PRESENTER),
                            deal,
                        )
                        .is_some()
                    {
                        nights += 1;
                    }
                }
            }
        }
        // Touring dates at the other presenters of Québec.
        for show in &active {
            let (low, high) = self.sizes.touring_dates;
            let dates = self.between(low, high);
            let fitting: Vec<usize> = (0..self.stages.len())
                .filter(|i| {
                    let stage = &self.stages[*i];
                    stage.capacity >= show.min_capacity / 2
                        && stage.capacity <= show.min_capacity * 4 + 400
                        && !presenter_stages.contains(i)
                        && self.run_stages.values().all(|r| r != i)
                })
                .collect();
            for _ in 0..dates {
                let Some(stage) = fitting.choose(&mut self.rng).copied() else {
                    break;
                };
                let day = self.performance_day(season, &months);
                let deal = if self.chance(0.7) {
                    DealType::FlatFee
                } else {
                    DealType::BoxOfficeSplit
                };
                self.add_performance(show, stage, day, show.owner, None, None, deal);
            }
        }
        // Runs that the producer and the creator present themselves.
        for show in active.iter().filter(|s| s.run.is_some()) {
            let Some(member) = show.run else { continue };
            let Some(stage) = self.run_stages.get(&member).copied() else {
                continue;
            };
            let (low, high) = self.sizes.run_length;
            let length = self.between(low, high);
            let first = self.performance_day(season, &months);
            let mut day = first;
            let mut played = 0;
            while played < length && day < first + Duration::days(60) {
                if day.weekday() != Weekday::Mon
                    && self
                        .add_performance(
                            show,
                            stage,
                            day,
                            Some(member),
                            None,
                            Some(member),
                            DealType::CoPresentation,
                        )
                        .is_some()
                {
                    played += 1;
                }
                day += Duration::days(1);
            }
        }
        // The agency keeps a contracted engagement for each of its shows' dates this season.
        let performances: Vec<(ShowId, HallId, OrganizationId, NaiveDate)> = self
            .world
            .performances
            .iter()
            .filter(|p| {
                let day = p.starts_at.date_naive();
                day >= date(start.0, start.1, start.2) && day <= date(end.0, end.1, end.2)
            })
            .map(|p| (p.show_id, p.hall_id, p.presenter_id, p.starts_at.date_naive()))
            .collect();
        for (show_id, hall, presenter, day) in performances {
            let Some(plan) = self
                .shows
                .iter()
                .find(|s| s.id == show_id && s.owner == Some(AGENCY))
                .cloned()
            else {
                continue;
            };
            let id = EngagementId(next(&self.world.engagements));
            self.world.engagements.push(Engagement {
                id,
                show_id,
                presenter_id: presenter,
                hall_id: Some(hall),
                tour_id: None,
                performance_date: day,
                status: EngagementStatus::Contracted,
                hold_level: None,
                deal_type: DealType::FlatFee,
                fee: Some(Cents(plan.fee)),
                currency: "CAD".to_string(),
                radius_km: None,
                radius_days: None,
                provenance: provenance(Some(AGENCY), member_batch(AGENCY)),
            });
        }
    }

    /// The next season: tours in preparation, holds, offers and availabilities.
    fn planning(&mut self) {
        let (label, start, end) = PLANNING_SEASON;
        let start = date(start.0, start.1, start.2);
        let end = date(end.0, end.1, end.2);
        let agency_shows: Vec<ShowPlan> = self.shows.iter().filter(|s| s.owner == Some(AGENCY)).cloned().collect();
        let mut holds: BTreeMap<(OrganizationId, NaiveDate), u32> = BTreeMap::new();
        for show in &agency_shows {
            let tour = TourId(next(&self.world.tours));
            self.world.tours.push(Tour {
                id: tour,
                show_id: show.id,
                name: format!("Tournée {label}"),
                starts_on: start,
                ends_on: end,
                home_municipality: Some("Montréal".to_string()),
                provenance: provenance(Some(AGENCY), member_batch(AGENCY)),
            });
            let blocked_start = start + Duration::days(self.rng.random_range(20..200));
            self.world.availabilities.push(Availability {
                id: AvailabilityId(next(&self.world.availabilities)),
                show_id: Some(show.id),
                organization_id: None,
                kind: AvailabilityKind::Blocked,
                starts_on: blocked_start,
                ends_on: blocked_start + Duration::days(self.rng.random_range(3..15)),
                note: Some("Artiste en création".to_string()),
                provenance: provenance(Some(AGENCY), member_batch(AGENCY)),
            });
            let count = self.between(6, 18);
            let candidates: Vec<usize> = (0..self.stages.len())
                .filter(|i| self.stages[*i].capacity >= show.min_capacity / 2)
                .collect();
            for _ in 0..count {
                let Some(stage) = candidates.choose(&mut self.rng).map(|i| self.stages[*i].clone()) else {
                    break;
                };
                let day = start + Duration::days(self.rng.random_range(14..290));
                let draw = self.rng.random::<f64>();
                let status = match draw {
                    d if d < 0.22 => EngagementStatus::Inquiry,
                    d if d < 0.55 => EngagementStatus::Hold,
                    d if d < 0.70 => EngagementStatus::Offer,
                    d if d < 0.84 => EngagementStatus::Confirmed,
                    d if d < 0.95 => EngagementStatus::Contracted,
                    _ => EngagementStatus::Cancelled,
                };
                let hold_level = (status == EngagementStatus::Hold).then(|| {
                    let level = holds.entry((stage.presenter, day)).or_insert(0);
                    *level += 1;
                    *level
                });
                let radius = self.chance(0.25);
                let deal_type = if self.chance(0.75) {
                    DealType::FlatFee
                } else {
                    DealType::GuaranteeVersusPercentage
                };
                self.world.engagements.push(Engagement {
                    id: EngagementId(next(&self.world.engagements)),
                    show_id: show.id,
                    presenter_id: stage.presenter,
                    hall_id: Some(stage.hall),
                    tour_id: Some(tour),
                    performance_date: day,
                    status,
                    hold_level,
                    deal_type,
                    fee: Some(Cents(show.fee)),
                    currency: "CAD".to_string(),
                    radius_km: radius.then_some(50),
                    radius_days: radius.then_some(30),
                    provenance: provenance(Some(AGENCY), member_batch(AGENCY)),
                });
            }
        }
        // Season windows and blackout dates of a few presenters, as the agency knows them.
        let presenters: Vec<OrganizationId> = self
            .stages
            .iter()
            .map(|s| s.presenter)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        for presenter in presenters.iter().step_by(4) {
            self.world.availabilities.push(Availability {
                id: AvailabilityId(next(&self.world.availabilities)),
                show_id: None,
                organization_id: Some(*presenter),
                kind: AvailabilityKind::SeasonWindow,
                starts_on: date(2026, 9, 15),
                ends_on: date(2027, 5, 31),
                note: None,
                provenance: provenance(Some(AGENCY), member_batch(AGENCY)),
            });
            self.world.availabilities.push(Availability {
                id: AvailabilityId(next(&self.world.availabilities)),
                show_id: None,
                organization_id: Some(*presenter),
                kind: AvailabilityKind::Blackout,
                starts_on: date(2026, 12, 21),
                ends_on: date(2027, 1, 6),
                note: Some("Fermeture des Fêtes".to_string()),
                provenance: provenance(Some(AGENCY), member_batch(AGENCY)),
            });
        }
    }

    fn grants(&mut self) {
        let programmes = [
            (0usize, "Soutien à la mission", 18_000_000i64),
            (1, "Subventions de base", 14_000_000),
            (0, "Soutien à la diffusion et à la tournée", 4_500_000),
            (2, "Programme de soutien à la création et à la production", 3_000_000),
        ];
        for member in [AGENCY, PRESENTER, CREATOR, PRODUCER] {
            for year in 2023..=2026 {
                let picks = self.between(1, 3);
                for (funder_index, programme, base) in programmes.iter().take(picks) {
                    let Some(funder) = self.funders.get(*funder_index).copied() else {
                        continue;
                    };
                    if *funder_index == 2 && member == PRESENTER {
                        continue;
                    }
                    let starts_on = date(year, 4, 1);
                    let ends_on = date(year + 1, 3, 31);
                    let amount = base * self.rng.random_range(40..120) / 100 / 10_000 * 10_000;
                    self.world.grants.push(Grant {
                        id: GrantId(next(&self.world.grants)),
                        funder_id: funder,
                        programme: (*programme).to_string(),
                        amount: Cents(amount),
                        currency: "CAD".to_string(),
                        starts_on,
                        ends_on,
                        report_due_dates: vec![date(year, 11, 30), date(year + 1, 6, 30)],
                        provenance: provenance(Some(member), member_batch(member)),
                    });
                }
            }
        }
    }

    fn inventory(&mut self) {
        let presenter = self.member_orgs[&PRESENTER];
        let producer = self.member_orgs[&PRODUCER];
        let agency = self.member_orgs[&AGENCY];
        let creator = self.member_orgs[&CREATOR];
        let funder = self.funders.first().copied().unwrap_or(OrganizationId(1));
        use DataCategory::{Crm, Finance, Grants, Programming, Survey, Ticketing, Touring, WebEvents};
        use DataFormat::{Documents, Software, Spreadsheet, Web};
        use DeclaredQuality::{Partial, Poor, Reliable};
        /// Member, name, categories, system, owner, format, quality, personal, records,
        /// frequency, sent to.
        type AssetSpec = (
            MemberId,
            &'static str,
            &'static [DataCategory],
            &'static str,
            &'static str,
            DataFormat,
            DeclaredQuality,
            bool,
            i64,
            Frequency,
            Vec<OrganizationId>,
        );
        #[rustfmt::skip]
        let assets: Vec<AssetSpec> = vec![
            (PRESENTER, "Ventes de billets", &[Ticketing, Crm], "Logiciel de billetterie", "Billetterie",
                Software, Reliable, true, 950_000, Frequency::Continuous, vec![]),
            (PRESENTER, "Fichier clients et abonnés", &[Crm], "Logiciel de billetterie", "Direction des communications",
                Software, Partial, true, 210_000, Frequency::Continuous, vec![]),
            (PRESENTER, "Redditions de comptes par représentation", &[Finance, Ticketing], "Tableur", "Direction administrative",
                Spreadsheet, Reliable, false, 900, Frequency::PerSeason, vec![producer, agency, creator]),
            (PRESENTER, "Programmation de saison", &[Programming], "Tableur", "Direction artistique",
                Spreadsheet, Partial, false, 300, Frequency::PerSeason, vec![]),
            (PRESENTER, "Sondage de satisfaction", &[Survey], "Formulaire en ligne", "Direction des communications",
                Software, Poor, true, 4_000, Frequency::Yearly, vec![]),
            (AGENCY, "Calendrier des tournées", &[Touring, Programming], "Tableur partagé", "Agents de tournée",
                Spreadsheet, Partial, false, 1_200, Frequency::Weekly, vec![presenter]),
            (AGENCY, "Contrats et cachets", &[Finance, Touring], "Dossiers numérisés", "Direction générale",
                Documents, Poor, false, 800, Frequency::Monthly, vec![]),
            (AGENCY, "Fiches techniques des spectacles", &[Touring], "Documents PDF", "Direction technique",
                Documents, Partial, false, 40, Frequency::PerSeason, vec![presenter]),
            (PRODUCER, "Ventes des spectacles en salle louée", &[Ticketing], "Plateforme de billetterie en ligne", "Administration",
                Software, Reliable, true, 160_000, Frequency::Continuous, vec![]),
            (PRODUCER, "Rapports de subvention", &[Grants, Finance], "Tableur", "Direction générale",
                Spreadsheet, Partial, false, 30, Frequency::Yearly, vec![funder]),
            (PRODUCER, "Événements publiés en ligne", &[WebEvents, Programming], "Site web", "Communications",
                Web, Partial, false, 400, Frequency::Weekly, vec![]),
            (CREATOR, "Ventes de la salle de création", &[Ticketing], "Plateforme de billetterie en ligne", "Administration",
                Software, Reliable, true, 50_000, Frequency::Continuous, vec![]),
            (CREATOR, "Rapports de subvention", &[Grants], "Tableur", "Direction générale",
                Spreadsheet, Poor, false, 20, Frequency::Yearly, vec![funder]),
        ];
        for (member, name, categories, system, owner, format, quality, personal, count, frequency, sent_to) in assets {
            self.world.data_assets.push(DataAsset {
                id: DataAssetId(next(&self.world.data_assets)),
                name: name.to_string(),
                categories: categories.to_vec(),
                system: Some(system.to_string()),
                owner: Some(owner.to_string()),
                format,
                quality,
                contains_personal_data: personal,
                record_count: Some(count),
                update_frequency: frequency,
                sent_to,
                provenance: provenance(Some(member), member_batch(member)),
            });
        }
    }

    fn agreements(&mut self) {
        let agreements = [
            (
                PRESENTER,
                Some(PRODUCER),
                Dataset::Settlements,
                SharingLevel::Detail,
                Purpose::Reporting,
            ),
            (
                PRESENTER,
                Some(AGENCY),
                Dataset::Settlements,
                SharingLevel::Detail,
                Purpose::Reporting,
            ),
            (
                PRESENTER,
                None,
                Dataset::TicketAggregates,
                SharingLevel::Aggregate,
                Purpose::PooledStatistics,
            ),
            (
                PRODUCER,
                None,
                Dataset::TicketAggregates,
                SharingLevel::Aggregate,
                Purpose::PooledStatistics,
            ),
            (
                CREATOR,
                None,
                Dataset::TicketAggregates,
                SharingLevel::Aggregate,
                Purpose::PooledStatistics,
            ),
            (
                PRODUCER,
                Some(AGENCY),
                Dataset::Performances,
                SharingLevel::Detail,
                Purpose::Touring,
            ),
            // The three members that settle performances pool their settlements for the
            // consortium-wide tables (OCCQ).
            (
                PRESENTER,
                None,
                Dataset::Settlements,
                SharingLevel::Aggregate,
                Purpose::PooledStatistics,
            ),
            (
                PRODUCER,
                None,
                Dataset::Settlements,
                SharingLevel::Aggregate,
                Purpose::PooledStatistics,
            ),
            (
                CREATOR,
                None,
                Dataset::Settlements,
                SharingLevel::Aggregate,
                Purpose::PooledStatistics,
            ),
        ];
        for (provider, recipient, dataset, level, purpose) in agreements {
            self.world.sharing_agreements.push(SharingAgreement {
                id: SharingAgreementId(next(&self.world.sharing_agreements)),
                provider_id: provider,
                recipient_member_id: recipient,
                dataset,
                level,
                purpose,
                valid_from: date(2024, 9, 1),
                valid_until: Some(date(2027, 8, 31)),
                leaves_quebec: false,
                privacy_impact_assessment_on_file: false,
                provenance: provenance(Some(provider), member_batch(provider)),
            });
        }
    }
}

/// A settlement from box-office figures, with Québec's sales taxes (GST 5 % and QST 9.975 %)
/// included in the gross and ticketing fees of 3 %.
#[allow(clippy::too_many_arguments)]
pub(crate) fn settlement_figures(
    performance: PerformanceId,
    capacity: u32,
    paid: u32,
    complimentary: u32,
    gross: i64,
    flat_fee: i64,
    deal: DealType,
    member: MemberId,
) -> Settlement {
    let taxes = gross - (gross as f64 / 1.149_75).round() as i64;
    let fees = gross * 3 / 100;
    let net = gross - taxes - fees;
    let share = match deal {
        DealType::FlatFee => None,
        DealType::BoxOfficeSplit => Some(70),
        DealType::GuaranteeVersusPercentage => Some(60),
        DealType::CoPresentation => Some(80),
    };
    let artist_fee = match (deal, share) {
        (DealType::GuaranteeVersusPercentage, Some(share)) => flat_fee.max(net * share / 100),
        (_, Some(share)) => net * share / 100,
        (_, None) => flat_fee,
    };
    Settlement {
        id: SettlementId(performance.0),
        performance_id: performance,
        capacity_offered: capacity,
        paid: paid.min(capacity),
        complimentary: complimentary.min(capacity - paid.min(capacity)),
        free_admissions: 0,
        gross: Cents(gross),
        taxes: Cents(taxes),
        fees: Cents(fees),
        net: Cents(net),
        artist_fee: Cents(artist_fee),
        currency: "CAD".to_string(),
        deal_type: Some(deal),
        artist_share_percent: share.map(|share| share as u32),
        provenance: provenance(Some(member), member_batch(member)),
    }
}

/// A short code from a title: lower case, no accents, hyphens.
pub(crate) fn slug_of(title: &str) -> String {
    geo::fold_name(title).replace(' ', "-")
}
