//! Open data: what each member publishes (a show it presents, from its announcement date: nothing
//! of it is published before that day), and the published programme built from those choices:
//! the member's own performances of its published shows, with their shows, halls, places,
//! presenter and offers; and, for the member's page, the shows it presents with its choices. Only
//! public records are read; people are not published (their consent is not yet kept). Each choice
//! is one audited write.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use ensemble_model::{Hall, Member, Offer, Organization, Performance, Place, Show};
use ensemble_opendata::Catalogue;
use ensemble_store::publication::PublishedShow;
use ensemble_store::{AuditAction, ListFilter, Store};

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

/// What `members` publish on `today`: each member's performances (those it presents) of the
/// shows it published from a day on or before `today`, with what they need.
pub fn programme(store: &Store, members: &[Member], today: NaiveDate) -> Result<Catalogue, ActionError> {
    store
        .read(|session| {
            let mut published: HashSet<(i64, i64)> = HashSet::new();
            for member in members {
                for choice in session.published_shows(Some(member.id))? {
                    if choice.announced_on <= today {
                        published.insert((member.organization_id.0, choice.show_id.0));
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
            let presenter_ids: HashSet<i64> = performances.iter().map(|p| p.presenter_id.0).collect();
            let halls: Vec<Hall> = session
                .list_any::<Hall>(&all)?
                .into_iter()
                .filter(|h| hall_ids.contains(&h.id.0))
                .collect();
            let place_ids: HashSet<i64> = halls.iter().map(|h| h.place_id.0).collect();
            Ok(Catalogue {
                shows: session
                    .list_any::<Show>(&all)?
                    .into_iter()
                    .filter(|s| show_ids.contains(&s.id.0))
                    .collect(),
                offers: session
                    .list_any::<Offer>(&all)?
                    .into_iter()
                    .filter(|o| performance_ids.contains(&o.performance_id.0))
                    .collect(),
                organizations: session
                    .list_any::<Organization>(&all)?
                    .into_iter()
                    .filter(|o| presenter_ids.contains(&o.id.0))
                    .collect(),
                places: session
                    .list_any::<Place>(&all)?
                    .into_iter()
                    .filter(|p| place_ids.contains(&p.id.0))
                    .collect(),
                halls,
                performances,
            })
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
