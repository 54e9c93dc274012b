//! Where imported records go: linking to what the database already holds (same external
//! identifier, or same normalised name in the same municipality), natural keys so that nothing is
//! imported twice, and buffered writes for the large tables.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, FixedOffset, NaiveDate};
use ensemble_model::geo::fold_name;
use ensemble_model::*;
use ensemble_store::{Session, StoreError};

/// Ticket lines and consents are written in chunks of this many.
const CHUNK: usize = 5000;

/// Their natural keys are written this many at a time, in key order: keys are keyed hashes, so
/// each run visits the pages of the key index in one sweep, and the longer the run, the fewer
/// times each page is visited (a million keys: 5.5 s in runs of 50,000 against 6.6 s in runs of
/// 5,000 for SQLite alone). About 10 MB.
const KEY_CHUNK: usize = 100_000;

/// What happened to the records of an import, per entity.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Tally {
    /// New records, per entity name.
    pub created: BTreeMap<&'static str, u64>,
    /// Rows that attached to a record already there, per entity name.
    pub linked: BTreeMap<&'static str, u64>,
    /// Existing records changed by a newer export, per entity name.
    pub updated: BTreeMap<&'static str, u64>,
    /// Rows already imported before (same natural key), per entity name.
    pub already_imported: BTreeMap<&'static str, u64>,
}

impl Tally {
    fn bump(map: &mut BTreeMap<&'static str, u64>, entity: &'static str, by: u64) {
        if by > 0 {
            *map.entry(entity).or_default() += by;
        }
    }

    /// All new records.
    pub fn created_total(&self) -> u64 {
        self.created.values().sum()
    }
}

/// An index of records by external identifier and by folded name (and municipality).
#[derive(Default)]
struct NameIndex {
    by_identifier: HashMap<String, i64>,
    by_name_and_place: HashMap<(String, String), i64>,
    by_name: HashMap<String, Vec<i64>>,
    /// Each record's municipality, folded, when known.
    municipality: HashMap<i64, String>,
    /// Whether this is the index of places: an identifier links only records of one municipality
    /// (a source may give one id to venues of several towns; an organisation that moved keeps its
    /// NEQ), and a name that says only the kind of room ("Main Stage") never links without one.
    places: bool,
}

impl NameIndex {
    /// The index of places.
    fn of_places() -> NameIndex {
        NameIndex {
            places: true,
            ..NameIndex::default()
        }
    }

    fn identifier_keys(identifiers: &Identifiers) -> Vec<String> {
        [
            ("artsdata", &identifiers.artsdata),
            ("wikidata", &identifiers.wikidata),
            ("isni", &identifiers.isni),
            ("neq", &identifiers.neq),
            ("scenepro", &identifiers.scenepro),
        ]
        .into_iter()
        .filter_map(|(kind, value)| value.as_ref().map(|v| format!("{kind}:{}", v.trim())))
        .collect()
    }

    fn add(&mut self, id: i64, name: &str, municipality: Option<&str>, identifiers: &Identifiers) {
        for key in Self::identifier_keys(identifiers) {
            self.by_identifier.entry(key).or_insert(id);
        }
        let name = fold_name(name);
        if name.is_empty() {
            return;
        }
        if let Some(municipality) = municipality.map(fold_name).filter(|m| !m.is_empty()) {
            self.municipality.entry(id).or_insert_with(|| municipality.clone());
            self.by_name_and_place.entry((name.clone(), municipality)).or_insert(id);
        }
        self.by_name.entry(name).or_default().push(id);
    }

    /// The record with one of these identifiers (for places, unless it is in another
    /// municipality: one id given by a source to venues of several towns keeps them apart, and the
    /// shared referential reports the id); else with this name in this municipality; else the only
    /// record with this name when the municipality is not known, unless it is a place's generic
    /// name. What is not found here is created, and the shared referential, run after the import,
    /// joins it to its entity or queues it for review.
    fn find(&self, name: &str, municipality: Option<&str>, identifiers: &Identifiers) -> Option<i64> {
        let town = municipality.map(fold_name).filter(|m| !m.is_empty());
        let same_town = |id: &i64| match (&town, self.municipality.get(id)) {
            (Some(incoming), Some(known)) if self.places => incoming == known,
            _ => true,
        };
        if let Some(id) = Self::identifier_keys(identifiers)
            .iter()
            .filter_map(|key| self.by_identifier.get(key))
            .find(|id| same_town(id))
        {
            return Some(*id);
        }
        let name = fold_name(name);
        if name.is_empty() {
            return None;
        }
        match town {
            Some(municipality) => self.by_name_and_place.get(&(name, municipality)).copied(),
            None if self.places && ensemble_referential::compare::generic_place_name(&name) => None,
            None => match self.by_name.get(&name).map(Vec::as_slice) {
                Some([only]) => Some(*only),
                _ => None,
            },
        }
    }
}

/// An organisation named in a file.
#[derive(Debug, Clone, Default)]
pub struct OrganizationCandidate {
    /// Its name.
    pub name: String,
    /// Its municipality.
    pub municipality: Option<String>,
    /// Its postal code.
    pub postal_code: Option<String>,
    /// Its roles.
    pub roles: Vec<ValueChainRole>,
    /// Its website.
    pub website: Option<String>,
    /// Its identifiers.
    pub identifiers: Identifiers,
}

/// A place named in a file.
#[derive(Debug, Clone, Default)]
pub struct PlaceCandidate {
    /// Its name.
    pub name: String,
    /// Street address (of a venue: public information).
    pub street_address: Option<String>,
    /// Its municipality.
    pub municipality: Option<String>,
    /// Its postal code.
    pub postal_code: Option<String>,
    /// Province code.
    pub province: Option<String>,
    /// ISO country code.
    pub country: Option<String>,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
    /// Its operator.
    pub operator_id: Option<OrganizationId>,
    /// Its identifiers.
    pub identifiers: Identifiers,
}

/// The outcome of linking: the record and whether it was already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Linked<T> {
    /// The record.
    pub id: T,
    /// True when an existing record was found.
    pub existing: bool,
}

/// Writes an import's records in the caller's transaction.
pub struct Writer<'a, 's> {
    session: &'a mut Session<'s>,
    /// The importing member.
    pub member: Member,
    /// The batch records are written in.
    pub batch: BatchId,
    /// The source row of the records being made.
    pub row: u64,
    next_ids: HashMap<&'static str, i64>,
    keys: HashMap<(&'static str, String), i64>,
    new_keys: Vec<(&'static str, String, i64)>,
    organizations: NameIndex,
    places: NameIndex,
    persons: NameIndex,
    groups: NameIndex,
    shows: NameIndex,
    show_slugs: HashSet<String>,
    /// The records already given the identifiers a row brought (table, record, identifiers).
    enriched: HashSet<(&'static str, i64, String)>,
    halls: HashMap<i64, Vec<(i64, String)>>,
    performances: HashMap<(i64, NaiveDate), Vec<(i64, DateTime<FixedOffset>)>>,
    default_hall: Option<HallId>,
    tickets: Vec<(String, TicketSale)>,
    consents: Vec<(String, Consent)>,
    /// Natural keys of written ticket lines and consents, not yet written themselves.
    bulk_keys: Vec<(&'static str, String, i64)>,
    bulk_seen: HashSet<u128, std::hash::BuildHasherDefault<KeyBitsHasher>>,
    /// Per bulk table, whether the member held keys before this import (when not, nothing needs
    /// looking up: keys repeated within the import are caught by `bulk_seen`).
    bulk_had_keys: HashMap<&'static str, bool>,
    /// What happened so far.
    pub tally: Tally,
}

fn provenance(member: MemberId, batch: BatchId, row: u64) -> Provenance {
    Provenance {
        member_id: Some(member),
        batch_id: Some(batch),
        source_row: Some(row as i64),
    }
}

impl<'a, 's> Writer<'a, 's> {
    /// Loads what linking needs (organisations, places, halls, people, groups, shows,
    /// performances, and the member's natural keys of those).
    pub fn new(session: &'a mut Session<'s>, member: Member, batch: BatchId) -> Result<Self, StoreError> {
        let all = ensemble_store::ListFilter::default();
        let mut writer = Writer {
            member,
            batch,
            row: 0,
            next_ids: HashMap::new(),
            keys: HashMap::new(),
            new_keys: Vec::new(),
            organizations: NameIndex::default(),
            places: NameIndex::of_places(),
            persons: NameIndex::default(),
            groups: NameIndex::default(),
            shows: NameIndex::default(),
            show_slugs: HashSet::new(),
            enriched: HashSet::new(),
            halls: HashMap::new(),
            performances: HashMap::new(),
            default_hall: None,
            tickets: Vec::new(),
            consents: Vec::new(),
            bulk_keys: Vec::new(),
            bulk_seen: HashSet::default(),
            bulk_had_keys: HashMap::new(),
            tally: Tally::default(),
            session,
        };
        for organization in writer.session.list::<Organization>(&all)? {
            writer.organizations.add(
                organization.id.0,
                &organization.name,
                organization.municipality.as_deref(),
                &organization.identifiers,
            );
        }
        let member_org = writer.member.organization_id;
        let mut operated = Vec::new();
        for place in writer.session.list::<Place>(&all)? {
            writer.places.add(
                place.id.0,
                &place.name,
                place.municipality.as_deref(),
                &place.identifiers,
            );
            if place.operator_id == Some(member_org) {
                operated.push(place.id.0);
            }
        }
        for hall in writer.session.list::<Hall>(&all)? {
            writer
                .halls
                .entry(hall.place_id.0)
                .or_default()
                .push((hall.id.0, fold_name(&hall.name)));
        }
        writer.default_hall = operated
            .iter()
            .find_map(|place| writer.halls.get(place).and_then(|halls| halls.first()))
            .map(|(hall, _)| HallId(*hall));
        for person in writer.session.list::<Person>(&all)? {
            writer.persons.add(
                person.id.0,
                &person.name,
                person.home_municipality.as_deref(),
                &person.identifiers,
            );
        }
        for group in writer.session.list::<Group>(&all)? {
            writer.groups.add(
                group.id.0,
                &group.name,
                group.home_municipality.as_deref(),
                &group.identifiers,
            );
        }
        for show in writer.session.list::<Show>(&all)? {
            writer.shows.add(show.id.0, &show.title_fr, None, &show.identifiers);
            if let Some(title) = &show.title_en {
                writer.shows.add(show.id.0, title, None, &Identifiers::default());
            }
            writer.show_slugs.insert(show.slug.clone());
        }
        for performance in writer.session.list::<Performance>(&all)? {
            writer
                .performances
                .entry((performance.show_id.0, performance.local_date()))
                .or_default()
                .push((performance.id.0, performance.starts_at));
        }
        let member_id = writer.member.id;
        for table in [
            Organization::TABLE,
            Place::TABLE,
            Hall::TABLE,
            Person::TABLE,
            Group::TABLE,
            Show::TABLE,
            Performance::TABLE,
            Engagement::TABLE,
            Grant::TABLE,
            Offer::TABLE,
            Settlement::TABLE,
        ] {
            for (key, id) in writer.session.keys_of(member_id, table)? {
                writer.keys.insert((table, key), id);
            }
        }
        Ok(writer)
    }

    /// The session, for reads.
    pub fn session(&mut self) -> &mut Session<'s> {
        self.session
    }

    /// A fresh id for a new record of `E`.
    pub fn allocate<E: Entity>(&mut self) -> Result<i64, StoreError> {
        let next = match self.next_ids.get(E::TABLE) {
            Some(next) => *next,
            None => self.session.next_id::<E>()?,
        };
        self.next_ids.insert(E::TABLE, next + 1);
        Ok(next)
    }

    /// Provenance for a record made from the current row.
    pub fn provenance(&self) -> Provenance {
        provenance(self.member.id, self.batch, self.row)
    }

    /// The record this member's natural key already points to.
    pub fn known<E: Entity>(&self, key: &str) -> Option<i64> {
        self.keys.get(&(E::TABLE, key.to_string())).copied()
    }

    /// The settlement this member already keeps for a performance (entered in the portal, or
    /// imported under another key): an import then corrects it instead of adding a second copy.
    pub fn kept_settlement(&mut self, key: &str, performance: i64) -> Result<(), StoreError> {
        if self.known::<ensemble_model::Settlement>(key).is_none()
            && let Some(id) = self.session.kept_settlement(performance, self.member.id)?
        {
            self.remember::<ensemble_model::Settlement>(Some(key), id);
        }
        Ok(())
    }

    fn remember<E: Entity>(&mut self, key: Option<&str>, id: i64) {
        if let Some(key) = key
            && !self.keys.contains_key(&(E::TABLE, key.to_string()))
        {
            self.keys.insert((E::TABLE, key.to_string()), id);
            self.new_keys.push((E::TABLE, key.to_string(), id));
        }
    }

    fn created<E: Entity>(&mut self, record: E) -> Result<(), StoreError> {
        self.session.insert(std::slice::from_ref(&record))?;
        Tally::bump(&mut self.tally.created, E::doc().name, 1);
        Ok(())
    }

    fn linked<E: Entity>(&mut self) {
        Tally::bump(&mut self.tally.linked, E::doc().name, 1);
    }

    /// Gives record `id` the identifiers of the registers it lacks that the file gives it (a
    /// source's Artsdata id on a record found by its name), so that the next source carrying only
    /// that id finds it too; counted as updated.
    fn add_identifiers<E: Entity>(
        &mut self,
        id: i64,
        incoming: &Identifiers,
        identifiers: impl Fn(&mut E) -> &mut Identifiers,
    ) -> Result<(), StoreError> {
        let keys = NameIndex::identifier_keys(incoming);
        if keys.is_empty() || !self.enriched.insert((E::TABLE, id, keys.join(" "))) {
            return Ok(());
        }
        let Some(mut record) = self.session.get_any::<E>(id)? else {
            return Ok(());
        };
        if !identifiers(&mut record).fill_from(incoming) {
            return Ok(());
        }
        let index = if E::TABLE == Place::TABLE {
            &mut self.places
        } else {
            &mut self.organizations
        };
        for key in NameIndex::identifier_keys(identifiers(&mut record)) {
            index.by_identifier.entry(key).or_insert(id);
        }
        self.session.update(&record)?;
        Tally::bump(&mut self.tally.updated, E::doc().name, 1);
        Ok(())
    }

    /// The organisation this candidate names: found by identifier or name and municipality, or
    /// created.
    pub fn organization(&mut self, candidate: OrganizationCandidate) -> Result<Linked<OrganizationId>, StoreError> {
        let found = self.organizations.find(
            &candidate.name,
            candidate.municipality.as_deref(),
            &candidate.identifiers,
        );
        if let Some(id) = found {
            self.linked::<Organization>();
            self.add_identifiers::<Organization>(id, &candidate.identifiers, |o| &mut o.identifiers)?;
            return Ok(Linked {
                id: OrganizationId(id),
                existing: true,
            });
        }
        let id = self.allocate::<Organization>()?;
        let region_code = candidate
            .municipality
            .as_deref()
            .and_then(geo::region_of_municipality)
            .map(|code| RegionCode(code.to_string()));
        self.organizations.add(
            id,
            &candidate.name,
            candidate.municipality.as_deref(),
            &candidate.identifiers,
        );
        let record = Organization {
            id: OrganizationId(id),
            name: candidate.name.trim().to_string(),
            roles: candidate.roles,
            municipality: candidate.municipality,
            postal_code: candidate.postal_code.as_deref().and_then(geo::normalize_postal_code),
            region_code,
            website: candidate.website,
            identifiers: candidate.identifiers,
            provenance: self.provenance(),
        };
        self.created(record)?;
        Ok(Linked {
            id: OrganizationId(id),
            existing: false,
        })
    }

    /// The place this candidate names: found or created.
    pub fn place(&mut self, candidate: PlaceCandidate) -> Result<Linked<PlaceId>, StoreError> {
        let found = self.places.find(
            &candidate.name,
            candidate.municipality.as_deref(),
            &candidate.identifiers,
        );
        if let Some(id) = found {
            self.linked::<Place>();
            self.add_identifiers::<Place>(id, &candidate.identifiers, |p| &mut p.identifiers)?;
            return Ok(Linked {
                id: PlaceId(id),
                existing: true,
            });
        }
        let id = self.allocate::<Place>()?;
        self.places.add(
            id,
            &candidate.name,
            candidate.municipality.as_deref(),
            &candidate.identifiers,
        );
        let postal_code = candidate.postal_code.as_deref().and_then(geo::normalize_postal_code);
        let fsa = postal_code.as_deref().and_then(geo::fsa_of);
        let region_code = candidate
            .municipality
            .as_deref()
            .and_then(geo::region_of_municipality)
            .map(|code| RegionCode(code.to_string()));
        let province = candidate.province.or_else(|| {
            postal_code
                .as_ref()
                .filter(|code| "GHJ".contains(&code[..1]))
                .map(|_| "QC".to_string())
        });
        let record = Place {
            id: PlaceId(id),
            name: candidate.name.trim().to_string(),
            street_address: candidate.street_address,
            municipality: candidate.municipality,
            postal_code,
            fsa,
            region_code,
            province,
            country: candidate.country.unwrap_or_else(|| "CA".to_string()),
            latitude: candidate.latitude,
            longitude: candidate.longitude,
            operator_id: candidate.operator_id,
            identifiers: candidate.identifiers,
            provenance: self.provenance(),
        };
        self.created(record)?;
        Ok(Linked {
            id: PlaceId(id),
            existing: false,
        })
    }

    /// The hall of a place with this name (or its only or first hall when no name is given),
    /// created when the place has none by that name.
    pub fn hall(
        &mut self,
        place: PlaceId,
        name: Option<&str>,
        configurations: Vec<HallConfiguration>,
    ) -> Result<Linked<HallId>, StoreError> {
        let halls = self.halls.get(&place.0).cloned().unwrap_or_default();
        let wanted = name.map(fold_name).filter(|n| !n.is_empty());
        let found = match &wanted {
            Some(wanted) => halls.iter().find(|(_, name)| name == wanted),
            None => halls.first(),
        };
        if let Some((id, _)) = found {
            self.linked::<Hall>();
            return Ok(Linked {
                id: HallId(*id),
                existing: true,
            });
        }
        let id = self.allocate::<Hall>()?;
        let name = name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or("Salle principale")
            .to_string();
        self.halls.entry(place.0).or_default().push((id, fold_name(&name)));
        let record = Hall {
            id: HallId(id),
            place_id: place,
            name,
            configurations,
            specs: TechnicalSpecs::default(),
            identifiers: Identifiers::default(),
            provenance: self.provenance(),
        };
        self.created(record)?;
        Ok(Linked {
            id: HallId(id),
            existing: false,
        })
    }

    /// The hall where the member presents when a file names no venue: the first hall of a place
    /// it operates.
    pub fn default_hall(&self) -> Option<HallId> {
        self.default_hall
    }

    /// The show with this title or identifiers (or this natural key), found or created.
    pub fn show(
        &mut self,
        title: &str,
        identifiers: Identifiers,
        key: Option<&str>,
    ) -> Result<Linked<ShowId>, StoreError> {
        if let Some(id) = key.and_then(|key| self.known::<Show>(key)) {
            self.linked::<Show>();
            return Ok(Linked {
                id: ShowId(id),
                existing: true,
            });
        }
        if let Some(id) = self.shows.find(title, None, &identifiers) {
            self.remember::<Show>(key, id);
            self.linked::<Show>();
            return Ok(Linked {
                id: ShowId(id),
                existing: true,
            });
        }
        let id = self.allocate::<Show>()?;
        self.shows.add(id, title, None, &identifiers);
        let slug = self.unique_slug(title);
        let record = Show {
            id: ShowId(id),
            slug,
            title_fr: title.trim().to_string(),
            title_en: None,
            work_id: None,
            disciplines: Vec::new(),
            genres: Vec::new(),
            audiences: Vec::new(),
            languages: Vec::new(),
            duration_minutes: None,
            warnings: Vec::new(),
            producer_ids: Vec::new(),
            performer_group_id: None,
            agency_id: None,
            contributions: Vec::new(),
            rider: Vec::new(),
            identifiers,
            provenance: self.provenance(),
        };
        self.created(record)?;
        self.remember::<Show>(key, id);
        Ok(Linked {
            id: ShowId(id),
            existing: false,
        })
    }

    fn unique_slug(&mut self, title: &str) -> String {
        let mut base: String = fold_name(title)
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        while base.contains("--") {
            base = base.replace("--", "-");
        }
        let mut base = base.trim_matches('-').chars().take(56).collect::<String>();
        base = base.trim_matches('-').to_string();
        if base.is_empty() {
            base = "spectacle".to_string();
        }
        let mut slug = base.clone();
        let mut n = 2;
        while self.show_slugs.contains(&slug) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        self.show_slugs.insert(slug.clone());
        slug
    }

    /// The performance of a show starting at this moment, or by its natural key; when the file
    /// gives only a date (`time_known` false), the show's only performance that day. Created in
    /// `hall` (else the member's default hall) when there is none.
    #[allow(clippy::too_many_arguments)]
    pub fn performance(
        &mut self,
        show: ShowId,
        starts_at: DateTime<FixedOffset>,
        time_zone: &str,
        hall: Option<HallId>,
        presenter: OrganizationId,
        status: EventStatus,
        key: Option<&str>,
        time_known: bool,
    ) -> Result<Option<Linked<PerformanceId>>, StoreError> {
        if let Some(id) = key.and_then(|key| self.known::<Performance>(key)) {
            self.linked::<Performance>();
            return Ok(Some(Linked {
                id: PerformanceId(id),
                existing: true,
            }));
        }
        let same_day = self
            .performances
            .get(&(show.0, starts_at.date_naive()))
            .cloned()
            .unwrap_or_default();
        let found = same_day
            .iter()
            .find(|(_, at)| *at == starts_at)
            .or(if !time_known && same_day.len() == 1 {
                same_day.first()
            } else {
                None
            });
        if let Some((id, _)) = found {
            self.remember::<Performance>(key, *id);
            self.linked::<Performance>();
            return Ok(Some(Linked {
                id: PerformanceId(*id),
                existing: true,
            }));
        }
        let Some(hall) = hall.or(self.default_hall) else {
            return Ok(None);
        };
        let id = self.allocate::<Performance>()?;
        self.performances
            .entry((show.0, starts_at.date_naive()))
            .or_default()
            .push((id, starts_at));
        let record = Performance {
            id: PerformanceId(id),
            show_id: show,
            hall_id: hall,
            presenter_id: presenter,
            series_id: None,
            starts_at,
            time_zone: time_zone.to_string(),
            status,
            school: false,
            provenance: self.provenance(),
        };
        self.created(record)?;
        self.remember::<Performance>(key, id);
        Ok(Some(Linked {
            id: PerformanceId(id),
            existing: false,
        }))
    }

    /// A person credited in the arts, found or created.
    pub fn person(&mut self, name: &str, identifiers: Identifiers) -> Result<Linked<PersonId>, StoreError> {
        if let Some(id) = self.persons.find(name, None, &identifiers) {
            self.linked::<Person>();
            return Ok(Linked {
                id: PersonId(id),
                existing: true,
            });
        }
        let id = self.allocate::<Person>()?;
        self.persons.add(id, name, None, &identifiers);
        let record = Person {
            id: PersonId(id),
            name: name.trim().to_string(),
            home_municipality: None,
            identifiers,
            provenance: self.provenance(),
        };
        self.created(record)?;
        Ok(Linked {
            id: PersonId(id),
            existing: false,
        })
    }

    /// Stores a record the member owns under a natural key: a new record, or, when the key is
    /// known, the existing record replaced by this one (its id and first provenance kept) if
    /// anything changed. `make` receives the id to use.
    pub fn upsert<E: Entity + PartialEq>(
        &mut self,
        key: &str,
        make: impl FnOnce(i64, Provenance) -> E,
    ) -> Result<i64, StoreError> {
        if let Some(id) = self.known::<E>(key)
            && let Some(existing) = self.session.get_any::<E>(id)?
        {
            let candidate = make(id, existing.provenance().clone());
            if candidate != existing {
                self.session.update(&candidate)?;
                Tally::bump(&mut self.tally.updated, E::doc().name, 1);
            } else {
                Tally::bump(&mut self.tally.already_imported, E::doc().name, 1);
            }
            return Ok(id);
        }
        let id = self.allocate::<E>()?;
        let record = make(id, self.provenance());
        self.created(record)?;
        self.remember::<E>(Some(key), id);
        Ok(id)
    }

    /// Queues a ticket line under its natural key (written in chunks; a key already imported is
    /// counted, not written).
    pub fn ticket(&mut self, key: String, ticket: TicketSale) -> Result<(), StoreError> {
        if !self.bulk_seen.insert(key_bits(&key)) {
            Tally::bump(&mut self.tally.already_imported, "TicketSale", 1);
            return Ok(());
        }
        self.tickets.push((key, ticket));
        if self.tickets.len() >= CHUNK {
            self.flush_tickets()?;
        }
        Ok(())
    }

    /// Queues a consent under its natural key.
    pub fn consent(&mut self, key: String, consent: Consent) -> Result<(), StoreError> {
        if !self.bulk_seen.insert(key_bits(&key)) {
            return Ok(());
        }
        self.consents.push((key, consent));
        if self.consents.len() >= CHUNK {
            self.flush_consents()?;
        }
        Ok(())
    }

    fn flush_tickets(&mut self) -> Result<(), StoreError> {
        let pending = std::mem::take(&mut self.tickets);
        self.flush(pending, |ticket: &mut TicketSale, id| ticket.id = TicketSaleId(id))
    }

    fn flush_consents(&mut self) -> Result<(), StoreError> {
        let pending = std::mem::take(&mut self.consents);
        self.flush(pending, |consent: &mut Consent, id| consent.id = ConsentId(id))
    }

    /// Writes queued records whose keys are new; their keys are queued.
    fn flush<E: Entity>(&mut self, mut pending: Vec<(String, E)>, set_id: fn(&mut E, i64)) -> Result<(), StoreError> {
        let fresh = self.drop_known::<E, _>(&mut pending)?;
        let first = self.allocate_many::<E>(fresh.len())?;
        let keys = &mut self.bulk_keys;
        let records = fresh.into_iter().enumerate().map(|(offset, (key, mut record))| {
            let id = first + offset as i64;
            set_id(&mut record, id);
            keys.push((E::TABLE, key, id));
            record
        });
        let count = self.session.insert_iter(records)?;
        Tally::bump(&mut self.tally.created, E::doc().name, count);
        if self.bulk_keys.len() >= KEY_CHUNK {
            self.flush_keys()?;
        }
        Ok(())
    }

    /// Writes the queued natural keys, in key order.
    fn flush_keys(&mut self) -> Result<(), StoreError> {
        let mut keys = std::mem::take(&mut self.bulk_keys);
        keys.sort_unstable();
        self.session.insert_keys(
            self.member.id,
            self.batch,
            keys.iter().map(|(table, key, id)| (*table, key.as_str(), *id)),
        )?;
        Ok(())
    }

    fn drop_known<E: Entity, T>(&mut self, pending: &mut Vec<(String, T)>) -> Result<Vec<(String, T)>, StoreError> {
        let had_keys = match self.bulk_had_keys.get(E::TABLE) {
            Some(had) => *had,
            None => {
                let had = self.session.has_keys(self.member.id, E::TABLE)?;
                self.bulk_had_keys.insert(E::TABLE, had);
                had
            }
        };
        if !had_keys {
            return Ok(std::mem::take(pending));
        }
        let keys: Vec<&str> = pending.iter().map(|(key, _)| key.as_str()).collect();
        let known = self.session.existing_keys(self.member.id, E::TABLE, &keys)?;
        let before = pending.len();
        let fresh: Vec<(String, T)> = pending.drain(..).filter(|(key, _)| !known.contains_key(key)).collect();
        Tally::bump(
            &mut self.tally.already_imported,
            E::doc().name,
            (before - fresh.len()) as u64,
        );
        Ok(fresh)
    }

    fn allocate_many<E: Entity>(&mut self, count: usize) -> Result<i64, StoreError> {
        let first = self.allocate::<E>()?;
        self.next_ids.insert(E::TABLE, first + count as i64);
        Ok(first)
    }

    /// Writes everything still queued and the natural keys of linked and created records.
    pub fn finish(&mut self) -> Result<Tally, StoreError> {
        if !self.tickets.is_empty() {
            self.flush_tickets()?;
        }
        if !self.consents.is_empty() {
            self.flush_consents()?;
        }
        self.flush_keys()?;
        let new_keys = std::mem::take(&mut self.new_keys);
        self.session.insert_keys(
            self.member.id,
            self.batch,
            new_keys.iter().map(|(table, key, id)| (*table, key.as_str(), *id)),
        )?;
        Ok(self.tally.clone())
    }
}

/// Hashes the bits of natural keys, which are keyed hashes and so already evenly spread: their
/// two halves are folded together rather than hashed again (a million lines, a million lookups).
#[derive(Default)]
struct KeyBitsHasher(u64);

impl std::hash::Hasher for KeyBitsHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u128(&mut self, bits: u128) {
        self.0 ^= (bits as u64) ^ ((bits >> 64) as u64);
    }
}

/// The first 128 bits of a hexadecimal key (natural keys are keyed hashes, so these are as good
/// as the whole key for telling rows of one file apart).
fn key_bits(key: &str) -> u128 {
    let prefix = key.get(..32).unwrap_or(key);
    u128::from_str_radix(prefix, 16).unwrap_or_else(|_| {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut hasher);
        u128::from(hasher.finish())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wikidata(id: &str) -> Identifiers {
        Identifiers {
            wikidata: Some(id.to_string()),
            ..Identifiers::default()
        }
    }

    /// One id given by a source to halls of three towns links none of them across towns; in its
    /// own town, or when the town is not known, the id still links; the name in its town links.
    /// Organisations are not bound to a town.
    #[test]
    fn an_identifier_does_not_link_places_of_different_towns() {
        let mut index = NameIndex::of_places();
        index.add(1, "Salle Desjardins", Some("Gatineau"), &wikidata("Q107015474"));
        assert_eq!(
            index.find("Salle Desjardins", Some("La Sarre"), &wikidata("Q107015474")),
            None
        );
        assert_eq!(
            index.find("Salle Desjardins", Some("Gatineau"), &wikidata("Q107015474")),
            Some(1)
        );
        assert_eq!(
            index.find("Salle Desjardins (Gatineau)", None, &wikidata("Q107015474")),
            Some(1)
        );
        assert_eq!(
            index.find("Autre nom", Some("gatineau"), &wikidata("Q107015474")),
            Some(1)
        );
        index.add(2, "Salle Desjardins", Some("La Sarre"), &wikidata("Q107015474"));
        assert_eq!(
            index.find("Salle Desjardins", Some("La Sarre"), &wikidata("Q107015474")),
            Some(2)
        );
        assert_eq!(
            index.find("Salle Desjardins", Some("La Sarre"), &Identifiers::default()),
            Some(2)
        );
    }

    /// A place named only by its kind of room never links on its name alone: the Main Stage of
    /// Guelph is not the Main Stage a file names without its town. A telling name does, when the
    /// file gives no town and only one place has it.
    #[test]
    fn a_generic_place_name_needs_its_town() {
        let mut index = NameIndex::of_places();
        index.add(1, "Main Stage", Some("Guelph"), &Identifiers::default());
        index.add(2, "Salle Albert-Rousseau", Some("Québec"), &Identifiers::default());
        assert_eq!(index.find("Main Stage", None, &Identifiers::default()), None);
        assert_eq!(
            index.find("Main Stage", Some("Guelph"), &Identifiers::default()),
            Some(1)
        );
        assert_eq!(
            index.find("Salle Albert-Rousseau", None, &Identifiers::default()),
            Some(2)
        );
        let mut organizations = NameIndex::default();
        organizations.add(3, "Main Stage", Some("Guelph"), &Identifiers::default());
        assert_eq!(organizations.find("Main Stage", None, &Identifiers::default()), Some(3));
    }
}
