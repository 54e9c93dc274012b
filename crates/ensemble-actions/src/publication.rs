//! Open data: what each member publishes (a show it presents, from its announcement date: nothing
//! of it is published before that day), whose names it may publish with those shows (the credited
//! people who consented, as the member recorded it), and the published programme built from those
//! choices: the member's own performances of its published shows, with their shows, halls,
//! places, presenter, offers, credited groups and organisations, and the credited people who
//! consented to that member; and, for the member's page, the shows it presents and the people
//! credited in them, with its choices. Only public records are read. Each choice is one audited
//! write.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use ensemble_model::{AgentKind, Group, Hall, Member, Offer, Organization, Performance, Person, PersonId, Place, Show};
use ensemble_opendata::Catalogue;
use ensemble_store::publication::{PublicationConsent, PublishedShow};
use ensemble_store::{AuditAction, ListFilter, Session, Store, StoreError};

use crate::{ActionError, Actor, only_if};

/// Publishes `show` (its code) for `member` from `announced_on`, or with `None` stops publishing
/// it. The member's administrators and the coordination. Refused: `publication-not-yours`,
/// `publication-show-unknown`, `publication-not-published` (stopping a show not published).
pub fn set(
    store: &Store,
    actor: &Actor,
    member: &Member,
    show: &str,
    announced_on: Option<NaiveDate>,
) -> Result<(), ActionError> {
    only_if(actor.administers(member), "publication-not-yours")?;
    store.write(|session| {
        let found = session
            .list_any::<Show>(&ListFilter::default())?
            .into_iter()
            .find(|s| s.slug == show.trim())
            .ok_or(ActionError::Refused("publication-show-unknown"))?;
        match announced_on {
            Some(day) => session.put_published_show(&PublishedShow {
                member_id: member.id,
                show_id: found.id,
                announced_on: day,
            })?,
            None => only_if(
                session.delete_published_show(member.id, found.id)?,
                "publication-not-published",
            )?,
        }
        let detail = serde_json::json!({"show": found.slug, "from": announced_on});
        actor.record(
            session,
            Some(member.id),
            AuditAction::PublicationSet,
            found.slug.clone(),
            detail,
        )?;
        Ok(())
    })
}

/// The shows `member` presents (its organisation presents one of their performances).
fn presented_shows(session: &mut Session<'_>, member: &Member) -> Result<HashSet<i64>, StoreError> {
    Ok(session
        .list_any::<Performance>(&ListFilter::default())?
        .into_iter()
        .filter(|p| p.presenter_id == member.organization_id)
        .map(|p| p.show_id.0)
        .collect())
}

/// The people credited in `shows`.
fn credited_in(shows: &[Show]) -> HashSet<i64> {
    shows
        .iter()
        .flat_map(|show| &show.contributions)
        .filter(|c| c.agent.kind == AgentKind::Person)
        .map(|c| c.agent.agent_id)
        .collect()
}

/// Records that `person`, credited in a show `member` presents, consents to the member publishing
/// their name with its shows, from `given_on` (the day it is recorded); with `None`, withdraws
/// it. The member's administrators and the coordination. Refused: `publication-not-yours`,
/// `publication-person-unknown` (no one so credited in the member's shows),
/// `publication-no-consent` (withdrawing a consent not recorded). The audit entry names the
/// person by number only.
pub fn consent(
    store: &Store,
    actor: &Actor,
    member: &Member,
    person: PersonId,
    given_on: Option<NaiveDate>,
) -> Result<(), ActionError> {
    only_if(actor.administers(member), "publication-not-yours")?;
    store.write(|session| {
        let presented = presented_shows(session, member)?;
        let shows: Vec<Show> = session
            .list_any::<Show>(&ListFilter::default())?
            .into_iter()
            .filter(|s| presented.contains(&s.id.0))
            .collect();
        only_if(credited_in(&shows).contains(&person.0), "publication-person-unknown")?;
        match given_on {
            Some(day) => session.put_publication_consent(&PublicationConsent {
                member_id: member.id,
                person_id: person,
                given_on: day,
            })?,
            None => only_if(
                session.delete_publication_consent(member.id, person)?,
                "publication-no-consent",
            )?,
        }
        let detail = serde_json::json!({"person": person.0, "given_on": given_on});
        actor.record(
            session,
            Some(member.id),
            AuditAction::PublicationConsent,
            person.0.to_string(),
            detail,
        )?;
        Ok(())
    })
}

/// What `members` publish on `today`: each member's performances (those it presents) of the
/// shows it published from a day on or before `today`, with what they need, and the people
/// credited in those shows who consented to that member.
pub fn programme(store: &Store, members: &[Member], today: NaiveDate) -> Result<Catalogue, ActionError> {
    store
        .read(|session| {
            let mut published: HashSet<(i64, i64)> = HashSet::new();
            // The people each published show may name: those who consented to its publisher.
            let mut consented: HashMap<i64, HashSet<i64>> = HashMap::new();
            for member in members {
                let consents: HashSet<i64> = session
                    .publication_consents(Some(member.id))?
                    .into_iter()
                    .filter(|c| c.given_on <= today)
                    .map(|c| c.person_id.0)
                    .collect();
                for choice in session.published_shows(Some(member.id))? {
                    if choice.announced_on <= today {
                        published.insert((member.organization_id.0, choice.show_id.0));
                        consented
                            .entry(choice.show_id.0)
                            .or_default()
                            .extend(consents.iter().copied());
                    }
                }
            }
            let all = ListFilter::default();
            let performances: Vec<Performance> = session
                .list_any::<Performance>(&all)?
                .into_iter()
                .filter(|p| published.contains(&(p.presenter_id.0, p.show_id.0)))
                .collect();
            let show_ids: HashSet<i64> = performances.iter().map(|p| p.show_id.0).collect();
            let hall_ids: HashSet<i64> = performances.iter().map(|p| p.hall_id.0).collect();
            let performance_ids: HashSet<i64> = performances.iter().map(|p| p.id.0).collect();
            let shows: Vec<Show> = session
                .list_any::<Show>(&all)?
                .into_iter()
                .filter(|s| show_ids.contains(&s.id.0))
                .collect();
            let mut organization_ids: HashSet<i64> = performances.iter().map(|p| p.presenter_id.0).collect();
            let mut group_ids: HashSet<i64> = HashSet::new();
            let mut person_ids: HashSet<i64> = HashSet::new();
            for show in &shows {
                group_ids.extend(show.performer_group_id.map(|g| g.0));
                for credit in &show.contributions {
                    let id = credit.agent.agent_id;
                    match credit.agent.kind {
                        AgentKind::Organization => organization_ids.insert(id),
                        AgentKind::Group => group_ids.insert(id),
                        AgentKind::Person => {
                            consented.get(&show.id.0).is_some_and(|c| c.contains(&id)) && person_ids.insert(id)
                        }
                    };
                }
            }
            let halls: Vec<Hall> = session
                .list_any::<Hall>(&all)?
                .into_iter()
                .filter(|h| hall_ids.contains(&h.id.0))
                .collect();
            let place_ids: HashSet<i64> = halls.iter().map(|h| h.place_id.0).collect();
            Ok(Catalogue {
                shows,
                offers: session
                    .list_any::<Offer>(&all)?
                    .into_iter()
                    .filter(|o| performance_ids.contains(&o.performance_id.0))
                    .collect(),
                organizations: session
                    .list_any::<Organization>(&all)?
                    .into_iter()
                    .filter(|o| organization_ids.contains(&o.id.0))
                    .collect(),
                places: session
                    .list_any::<Place>(&all)?
                    .into_iter()
                    .filter(|p| place_ids.contains(&p.id.0))
                    .collect(),
                groups: session
                    .list_any::<Group>(&all)?
                    .into_iter()
                    .filter(|g| group_ids.contains(&g.id.0))
                    .collect(),
                people: session
                    .list_any::<Person>(&all)?
                    .into_iter()
                    .filter(|p| person_ids.contains(&p.id.0))
                    .collect(),
                halls,
                performances,
            })
        })
        .map_err(ActionError::Store)
}

/// A person credited in the shows a member presents, with the member's record of their consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditedPerson {
    /// The person.
    pub person: PersonId,
    /// Their name.
    pub name: String,
    /// The French titles of the member's shows that credit them.
    pub shows: Vec<String>,
    /// The day the member recorded their consent, if it did.
    pub consented_on: Option<NaiveDate>,
}

/// The people credited in the shows `member` presents, by name, with its record of their consent.
pub fn credited(store: &Store, member: &Member) -> Result<Vec<CreditedPerson>, ActionError> {
    store
        .read(|session| {
            let presented = presented_shows(session, member)?;
            let consents: HashMap<i64, NaiveDate> = session
                .publication_consents(Some(member.id))?
                .into_iter()
                .map(|c| (c.person_id.0, c.given_on))
                .collect();
            let mut shows: Vec<Show> = session
                .list_any::<Show>(&ListFilter::default())?
                .into_iter()
                .filter(|s| presented.contains(&s.id.0))
                .collect();
            shows.sort_by(|a, b| a.title_fr.cmp(&b.title_fr));
            let credited = credited_in(&shows);
            let mut found: Vec<CreditedPerson> = session
                .list_any::<Person>(&ListFilter::default())?
                .into_iter()
                .filter(|p| credited.contains(&p.id.0))
                .map(|person| CreditedPerson {
                    shows: shows
                        .iter()
                        .filter(|show| {
                            show.contributions
                                .iter()
                                .any(|c| c.agent.kind == AgentKind::Person && c.agent.agent_id == person.id.0)
                        })
                        .map(|show| show.title_fr.clone())
                        .collect(),
                    consented_on: consents.get(&person.id.0).copied(),
                    person: person.id,
                    name: person.name,
                })
                .collect();
            found.sort_by_key(|p| (ensemble_model::geo::fold_name(&p.name), p.person.0));
            Ok(found)
        })
        .map_err(ActionError::Store)
}

/// A show a member presents, with what it publishes of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowChoice {
    /// The show's code.
    pub slug: String,
    /// Its French title.
    pub title: String,
    /// How many of its performances the member presents.
    pub performances: usize,
    /// The first of them, on its own wall clock.
    pub first: NaiveDate,
    /// The day it is published from, if it is.
    pub announced_on: Option<NaiveDate>,
}

/// The shows `member` presents, the soonest first, with its publication choices.
pub fn choices(store: &Store, member: &Member) -> Result<Vec<ShowChoice>, ActionError> {
    store
        .read(|session| {
            let all = ListFilter::default();
            let published: HashMap<i64, NaiveDate> = session
                .published_shows(Some(member.id))?
                .into_iter()
                .map(|p| (p.show_id.0, p.announced_on))
                .collect();
            let mut presented: HashMap<i64, (usize, NaiveDate)> = HashMap::new();
            for performance in session.list_any::<Performance>(&all)? {
                if performance.presenter_id == member.organization_id {
                    let day = performance.local_date();
                    let entry = presented.entry(performance.show_id.0).or_insert((0, day));
                    entry.0 += 1;
                    entry.1 = entry.1.min(day);
                }
            }
            let mut found: Vec<ShowChoice> = session
                .list_any::<Show>(&all)?
                .into_iter()
                .filter_map(|show| {
                    let (performances, first) = presented.get(&show.id.0)?;
                    Some(ShowChoice {
                        announced_on: published.get(&show.id.0).copied(),
                        slug: show.slug,
                        title: show.title_fr,
                        performances: *performances,
                        first: *first,
                    })
                })
                .collect();
            found.sort_by(|a, b| a.first.cmp(&b.first).then(a.slug.cmp(&b.slug)));
            Ok(found)
        })
        .map_err(ActionError::Store)
}
