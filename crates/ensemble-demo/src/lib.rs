//! The demo consortium: the four founding members (an artist-management agency, a presenter with
//! two halls, a creator and a producer), every Scène Pro presenter and venue as non-member
//! organisations, about 60 shows, three seasons of performances, engagements, tours, settlements,
//! grants, data inventories and, at full scale, about a million ticket lines with fictional,
//! pseudonymised buyers. The same seed and key give the same records, byte for byte.
//!
//! Architecture invariant: fictional buyers' names, emails and phones exist only in memory in
//! [`tickets`]; what is stored is their keyed pseudonym, postal area and age band.

mod names;
pub mod scenepro;
pub mod tickets;
pub mod world;

use std::io::Write;

use chrono::Duration;
use ensemble_model::{Consent, ConsentId, Entity, Provenance, Purpose};
use ensemble_privacy::{Pseudonymizer, SecretKey};
use ensemble_store::{Session, Store, StoreError};
use sha2::{Digest, Sha256};

pub use tickets::{FictionalBuyer, Population};
pub use world::{MEMBER_SLUGS, World};

/// How much to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// A few thousand records and some fifteen thousand ticket lines: a couple of seconds.
    Small,
    /// Several thousand performances and about a million ticket lines.
    Full,
}

impl std::str::FromStr for Scale {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "small" | "petite" => Ok(Scale::Small),
            "full" | "complete" | "complète" => Ok(Scale::Full),
            other => Err(other.to_string()),
        }
    }
}

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct DemoConfig {
    /// How much.
    pub scale: Scale,
    /// The seed of every random draw.
    pub seed: u64,
}

/// A step of the generation, for progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Building the consortium in memory.
    Building,
    /// Storing records other than ticket lines.
    Storing,
    /// Generating and storing ticket lines.
    Tickets,
    /// Committing.
    Committing,
}

/// Progress of a step: `done` out of `total` units.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// The step.
    pub step: Step,
    /// Units done.
    pub done: u64,
    /// Units in all (an estimate for ticket lines).
    pub total: u64,
}

/// What the generation produced.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DemoSummary {
    /// Records stored per entity, in storage order.
    pub counts: Vec<(&'static str, u64)>,
    /// SHA-256 of every record stored, in order: equal for equal seed, scale and key.
    pub checksum: String,
    /// The demo's portal accounts: one coordinator, then an administrator, an analyst and a
    /// viewer per member. All use [`DEMO_PASSWORD`].
    pub logins: Vec<DemoLogin>,
}

/// The password of every demo account (printed with the logins; fictional accounts only).
pub const DEMO_PASSWORD: &str = "ensemble-demo";

/// The demo consortium's disclosure rules: it has four members, three of which sell tickets, so a
/// pooled figure needs 2 contributing members instead of the default 5 (k stays 10 people).
pub const DEMO_RULES: ensemble_privacy::disclosure::Rules = ensemble_privacy::disclosure::Rules {
    min_people: 10,
    min_members: 2,
    round_to: 1,
};

/// One demo account.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DemoLogin {
    /// What to type to sign in.
    pub login: String,
    /// Its role.
    pub role: ensemble_model::Role,
    /// Its member's short code; `None` for the coordinator.
    pub member: Option<String>,
}

/// The demo accounts for these members.
fn demo_users(members: &[ensemble_model::Member]) -> Result<Vec<(ensemble_store::User, DemoLogin)>, DemoError> {
    use ensemble_model::Role;
    let created_at = world::reference_moment();
    let hash = ensemble_privacy::hash_password(DEMO_PASSWORD).ok_or(DemoError::Password)?;
    let mut accounts = vec![(None, Role::Coordinator, "coordination@ensemble.example".to_string())];
    for member in members {
        for (role, prefix) in [
            (Role::MemberAdmin, "admin"),
            (Role::MemberAnalyst, "analyste"),
            (Role::Viewer, "consultation"),
        ] {
            accounts.push((Some(member), role, format!("{prefix}@{}.example", member.slug)));
        }
    }
    Ok(accounts
        .into_iter()
        .enumerate()
        .map(|(index, (member, role, login))| {
            let user = ensemble_store::User {
                id: index as i64 + 1,
                login: login.clone(),
                display_name: format!(
                    "{} ({})",
                    role.label_fr(),
                    member.map_or("Ensemble", |m| m.slug.as_str())
                ),
                member_id: member.map(|m| m.id),
                role,
                // One hash for all: the password is the same and printed anyway.
                password_hash: hash.clone(),
                created_at,
                disabled: false,
            };
            let shown = DemoLogin {
                login,
                role,
                member: member.map(|m| m.slug.clone()),
            };
            (user, shown)
        })
        .collect())
}

/// What can stop a demo generation.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The database already holds records; the demo is only written into an empty one.
    #[error("the database is not empty")]
    NotEmpty,
    /// Storage failed; nothing was kept.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The demo password could not be hashed (the system's random generator failed).
    #[error("the demo password cannot be hashed")]
    Password,
}

impl DemoError {
    /// The stable code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            DemoError::NotEmpty => "demo-database-not-empty",
            DemoError::Store(error) => error.code(),
            DemoError::Password => "demo-password-failed",
        }
    }
}

struct HashWriter<'a>(&'a mut Sha256);

impl Write for HashWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn digest<E: Entity>(hasher: &mut Sha256, record: &E) {
    // Serialising into a hasher cannot fail for model records.
    let _ = serde_json::to_writer(HashWriter(hasher), record);
    hasher.update(b"\n");
}

struct Writer<'s, 'c> {
    session: &'s mut Session<'c>,
    hasher: Sha256,
    counts: Vec<(&'static str, u64)>,
}

impl Writer<'_, '_> {
    fn put<E: Entity>(&mut self, name: &'static str, records: &[E]) -> Result<(), StoreError> {
        for record in records {
            digest(&mut self.hasher, record);
        }
        let stored = self.session.insert(records)?;
        self.counts.push((name, stored));
        Ok(())
    }
}

/// Generates the demo consortium into an empty store, in one transaction: on any error nothing is
/// kept. `progress` is called as the work advances.
pub fn generate(
    store: &Store,
    config: &DemoConfig,
    key: &SecretKey,
    progress: &mut dyn FnMut(Progress),
) -> Result<DemoSummary, DemoError> {
    if !store.read(|session| session.is_empty())? {
        return Err(DemoError::NotEmpty);
    }
    progress(Progress {
        step: Step::Building,
        done: 0,
        total: 1,
    });
    let world = world::build(config);
    progress(Progress {
        step: Step::Building,
        done: 1,
        total: 1,
    });
    let population = Population::new(config.seed, config.scale);
    let pseudonymizer = Pseudonymizer::new(key);
    let estimated_lines: u64 = world
        .ticket_plans
        .iter()
        .map(|plan| (f64::from(plan.capacity) * (plan.occupancy * 0.96 + 0.03)) as u64)
        .sum();
    store.write(|session| {
        let mut writer = Writer {
            session,
            hasher: Sha256::new(),
            counts: Vec::new(),
        };
        let steps = 18;
        let mut step = 0;
        let mut advance = |progress: &mut dyn FnMut(Progress)| {
            step += 1;
            progress(Progress {
                step: Step::Storing,
                done: step,
                total: steps,
            });
        };
        writer.put("Batch", &world.batches)?;
        advance(progress);
        writer.put("Organization", &world.organizations)?;
        writer.put("Member", &world.members)?;
        advance(progress);
        writer.put("Person", &world.persons)?;
        writer.put("Group", &world.groups)?;
        advance(progress);
        writer.put("Place", &world.places)?;
        writer.put("Hall", &world.halls)?;
        advance(progress);
        writer.put("Work", &world.works)?;
        writer.put("Show", &world.shows)?;
        advance(progress);
        writer.put("Series", &world.series)?;
        writer.put("Performance", &world.performances)?;
        advance(progress);
        writer.put("Offer", &world.offers)?;
        advance(progress);
        writer.put("Tour", &world.tours)?;
        writer.put("Engagement", &world.engagements)?;
        writer.put("Availability", &world.availabilities)?;
        advance(progress);
        writer.put("Grant", &world.grants)?;
        writer.put("DataAsset", &world.data_assets)?;
        writer.put("SharingAgreement", &world.sharing_agreements)?;
        advance(progress);

        let mut lines = tickets::TicketLines::new(&world.ticket_plans, &population, &pseudonymizer, config.seed);
        let stored = {
            let hasher = &mut writer.hasher;
            let mut produced = 0u64;
            let stream = (&mut lines).inspect(|line| {
                digest(hasher, line);
                produced += 1;
                if produced.is_multiple_of(20_000) {
                    progress(Progress {
                        step: Step::Tickets,
                        done: produced,
                        total: estimated_lines.max(produced),
                    });
                }
            });
            writer.session.insert_iter(stream)?
        };
        progress(Progress {
            step: Step::Tickets,
            done: stored,
            total: stored,
        });
        writer.counts.push(("TicketSale", stored));

        let mut settlements = world.settlements.clone();
        settlements.extend(lines.settlements());
        settlements.sort_by_key(|settlement| settlement.id);
        writer.put("Settlement", &settlements)?;

        let consents = consents(&lines, config.seed);
        writer.put("Consent", &consents)?;
        let mut logins = Vec::new();
        for (user, login) in demo_users(&world.members)? {
            writer.session.insert_user(&user)?;
            logins.push(login);
        }
        writer.session.set_disclosure_rules(&DEMO_RULES)?;
        writer.session.insert_consortium(&ensemble_store::Consortium {
            name: "Consortium de démonstration".to_string(),
            started_at: world::reference_moment() - Duration::days(800),
        })?;
        writer.session.put_maturity(&maturity(&world.members))?;
        let (activities, exchanges) = value_chain(&world.members);
        for activity in &activities {
            writer
                .session
                .put_chain_activity(activity.member_id, &activity.activity, Some(activity))?;
        }
        for exchange in &exchanges {
            writer.session.insert_chain_exchange(exchange)?;
        }
        workshop(writer.session, &world.members)?;
        for published in publications(&world) {
            writer.session.put_published_show(&published)?;
        }
        progress(Progress {
            step: Step::Committing,
            done: 0,
            total: 1,
        });
        let checksum = hex::encode(writer.hasher.finalize());
        let order: Vec<&str> = ensemble_model::entity_docs().iter().map(|doc| doc.name).collect();
        let mut counts = writer.counts;
        counts.sort_by_key(|(name, _)| order.iter().position(|entity| entity == name));
        Ok::<DemoSummary, DemoError>(DemoSummary {
            counts,
            checksum,
            logins,
        })
    })
}

/// What the members publish as open data: every show a member presents, announced eight weeks
/// before its first performance there (shows of a later season are not yet announced).
fn publications(world: &world::World) -> Vec<ensemble_store::publication::PublishedShow> {
    let mut first: std::collections::BTreeMap<(i64, i64), chrono::NaiveDate> = std::collections::BTreeMap::new();
    for performance in &world.performances {
        let Some(member) = world
            .members
            .iter()
            .find(|m| m.organization_id == performance.presenter_id)
        else {
            continue;
        };
        let day = performance.local_date();
        let earliest = first.entry((member.id.0, performance.show_id.0)).or_insert(day);
        *earliest = (*earliest).min(day);
    }
    first
        .into_iter()
        .map(|((member, show), day)| ensemble_store::publication::PublishedShow {
            member_id: ensemble_model::MemberId(member),
            show_id: ensemble_model::ShowId(show),
            announced_on: day - Duration::weeks(8),
        })
        .collect()
}

/// The founding members' data-maturity self-assessments, a year apart: the presenter, which holds
/// the ticketing, ahead; the creator behind; everyone a little further on the second time.
fn maturity(members: &[ensemble_model::Member]) -> Vec<ensemble_store::MaturityAnswer> {
    const DIMENSIONS: [&str; 7] = [
        "governance",
        "collection",
        "quality",
        "analysis",
        "sharing",
        "skills",
        "ethics",
    ];
    const LEVELS: [(&str, [i64; 7], [i64; 7]); 4] = [
        ("clair-de-scene", [2, 2, 2, 2, 3, 2, 2], [3, 2, 3, 3, 3, 2, 3]),
        ("deux-rivieres", [3, 3, 3, 3, 2, 3, 3], [3, 4, 3, 4, 3, 3, 4]),
        ("grande-ourse", [1, 2, 1, 1, 2, 1, 2], [2, 2, 2, 2, 3, 2, 2]),
        ("aurore-boreale", [2, 3, 2, 2, 2, 2, 2], [3, 3, 3, 2, 3, 2, 3]),
    ];
    let last = world::reference_moment().date_naive() - Duration::days(30);
    let first = last - Duration::days(365);
    let mut answers = Vec::new();
    for (slug, before, after) in LEVELS {
        let Some(member) = members.iter().find(|member| member.slug == slug) else {
            continue;
        };
        for (day, levels) in [(first, before), (last, after)] {
            answers.extend(
                DIMENSIONS
                    .iter()
                    .zip(levels)
                    .map(|(dimension, level)| ensemble_store::MaturityAnswer {
                        member_id: member.id,
                        assessed_on: day,
                        dimension: dimension.to_string(),
                        level,
                        assessed_by: None,
                    }),
            );
        }
    }
    answers
}

/// The founding members' value chain as their think tank first described it: each one's links
/// with the issues met there, and the files they send each other by email and spreadsheet.
fn value_chain(
    members: &[ensemble_model::Member],
) -> (Vec<ensemble_store::ChainActivity>, Vec<ensemble_store::ChainExchange>) {
    const LINKS: [(&str, &str, &str, &str, &str); 8] = [
        (
            "clair-de-scene",
            "representation",
            "Les dates de tournée sont négociées par courriel, diffuseur par diffuseur ; les options se perdent.",
            "Options et confirmations, cachets, fiches techniques",
            "Tableur partagé, courriel",
        ),
        (
            "clair-de-scene",
            "funding",
            "Les rapports aux bailleurs de fonds demandent les chiffres de salle que les diffuseurs envoient tard.",
            "Redditions de comptes reçues des diffuseurs",
            "Tableur",
        ),
        (
            "deux-rivieres",
            "presenting",
            "La programmation se fait sans savoir ce que les publics d'ailleurs ont aimé.",
            "Programmation, jauges, ententes de cachet",
            "Tableur, logiciel de billetterie",
        ),
        (
            "deux-rivieres",
            "ticketing",
            "Les exports de billetterie sont refaits à la main pour chaque producteur.",
            "Ventes par représentation, acheteurs, consentements",
            "Logiciel de billetterie",
        ),
        (
            "grande-ourse",
            "creation",
            "Les dossiers de création reprennent chaque fois les mêmes informations.",
            "Distribution, durée, fiche technique",
            "Traitement de texte",
        ),
        (
            "grande-ourse",
            "production",
            "Les chiffres de tournée arrivent de chaque diffuseur dans un format différent.",
            "Redditions de comptes, coûts de production",
            "Tableur",
        ),
        (
            "aurore-boreale",
            "production",
            "Les budgets de tournée sont refaits sans données sur les distances ni les émissions.",
            "Budgets, itinéraires, cachets",
            "Tableur",
        ),
        (
            "aurore-boreale",
            "outreach",
            "Les listes d'envoi de chaque diffuseur ne peuvent pas être croisées.",
            "Statistiques de publics reçues des diffuseurs",
            "Courriel",
        ),
    ];
    const EXCHANGES: [(&str, Option<&str>, Option<&str>, &str, &str); 5] = [
        (
            "deux-rivieres",
            Some("grande-ourse"),
            None,
            "Redditions de comptes après chaque représentation",
            "spreadsheet",
        ),
        (
            "deux-rivieres",
            Some("aurore-boreale"),
            None,
            "Redditions de comptes après chaque représentation",
            "spreadsheet",
        ),
        (
            "clair-de-scene",
            Some("deux-rivieres"),
            None,
            "Offres de spectacles et disponibilités",
            "email",
        ),
        (
            "grande-ourse",
            Some("clair-de-scene"),
            None,
            "Fiche technique et calendrier de la compagnie",
            "email",
        ),
        (
            "grande-ourse",
            None,
            Some("Conseil des arts et des lettres du Québec"),
            "Rapport annuel d'activités",
            "platform",
        ),
    ];
    let id = |slug: &str| {
        members
            .iter()
            .find(|member| member.slug == slug)
            .map(|member| member.id)
    };
    let day = world::reference_moment().date_naive() - Duration::days(380);
    let activities = LINKS
        .iter()
        .filter_map(|(slug, activity, issues, data, systems)| {
            Some(ensemble_store::ChainActivity {
                member_id: id(slug)?,
                activity: activity.to_string(),
                issues: issues.to_string(),
                data: data.to_string(),
                systems: systems.to_string(),
                updated_on: day,
            })
        })
        .collect();
    let exchanges = EXCHANGES
        .iter()
        .filter_map(|(from, to, partner, what, how)| {
            Some(ensemble_store::ChainExchange {
                id: 0,
                from_member: id(from)?,
                to_member: to.and_then(id),
                partner: partner.map(str::to_string),
                what: what.to_string(),
                how: how.to_string(),
                created_on: day,
            })
        })
        .collect();
    (activities, exchanges)
}

/// The founders' first workshop: three common problems, the solutions they scored, and the use
/// cases that led to Ensemble's funder reports, tour planning and pooled statistics.
fn workshop(
    session: &mut ensemble_store::Session<'_>,
    members: &[ensemble_model::Member],
) -> Result<(), ensemble_store::StoreError> {
    let id = |slug: &str| {
        members
            .iter()
            .find(|member| member.slug == slug)
            .map(|member| member.id)
    };
    let day = world::reference_moment().date_naive() - Duration::days(360);
    let all: Vec<ensemble_model::MemberId> = world::MEMBER_SLUGS.iter().filter_map(|slug| id(slug)).collect();
    type Case<'a> = (&'a str, &'a str, &'a [&'a str], &'a str, bool, bool, &'a str, &'a str);
    let problems: [(&str, Vec<&str>, &str, [i64; 8], Case<'_>); 3] = [
        (
            "Les chiffres de chaque représentation sont retapés pour chaque rapport de subvention.",
            vec!["clair-de-scene", "deux-rivieres", "grande-ourse", "aurore-boreale"],
            "Saisir chaque reddition de comptes une fois, chez le diffuseur, et en tirer les rapports.",
            [5, 4, 5, 4, 4, 3, 5, 4],
            (
                "Les producteurs, les agences et les diffuseurs",
                "Remplir les rapports aux bailleurs de fonds sans retaper les chiffres",
                &["Settlement", "Performance"],
                "Le diffuseur partage ses redditions en détail avec le producteur et l'agence du spectacle.",
                false,
                true,
                "live",
                "funder-reports",
            ),
        ),
        (
            "Les tournées se bâtissent par courriel, sans voir les distances ni les disponibilités des diffuseurs.",
            vec!["clair-de-scene", "grande-ourse", "aurore-boreale"],
            "Planifier les tournées à partir des disponibilités partagées, avec les kilomètres et le CO2.",
            [5, 3, 4, 3, 5, 4, 4, 3],
            (
                "Les agences et les producteurs",
                "Quels diffuseurs approcher, dans quel ordre, pour quel itinéraire",
                &["Hall", "Performance", "Place"],
                "Les diffuseurs partagent leurs fenêtres de programmation et leurs salles.",
                false,
                true,
                "pilot",
                "tour-planning",
            ),
        ),
        (
            "Aucun membre ne sait, seul, ce que les publics d'ailleurs achètent.",
            vec!["deux-rivieres", "aurore-boreale"],
            "Des chiffres de ventes mis en commun, protégés pour n'exposer personne.",
            [4, 2, 4, 3, 3, 2, 4, 2],
            (
                "Les diffuseurs et les producteurs",
                "Quelle discipline programmer, par quel canal vendre",
                &["TicketSale"],
                "Chaque membre verse ses ventes ; seuls des chiffres agrégés, assez grands, sont montrés.",
                true,
                true,
                "pilot",
                "pooled-statistics",
            ),
        ),
    ];
    for (title, meeting, solution, scores, case) in problems {
        let problem = session.put_problem(&ensemble_store::Problem {
            id: 0,
            title: title.to_string(),
            members: meeting.iter().filter_map(|slug| id(slug)).collect(),
            created_on: day,
        })?;
        let solution = session.insert_solution(&ensemble_store::Solution {
            id: 0,
            problem_id: problem.id,
            title: solution.to_string(),
            created_on: day,
        })?;
        for (member, pair) in all.iter().zip(scores.chunks(2)) {
            session.put_score(&ensemble_store::Score {
                solution_id: solution.id,
                member_id: *member,
                value: pair[0],
                feasibility: pair[1],
                scored_on: day,
            })?;
        }
        let (users, decision, data, pooling, personal, agreement, status, feature) = case;
        session.put_use_case(&ensemble_store::UseCase {
            solution_id: solution.id,
            users: users.to_string(),
            decision: decision.to_string(),
            data_needed: data.iter().map(|name| name.to_string()).collect(),
            pooling: pooling.to_string(),
            personal_data: personal,
            agreement,
            outside_quebec: false,
            status: status.to_string(),
            feature: feature.to_string(),
            updated_on: day,
        })?;
    }
    Ok(())
}

/// Marketing consents given to the presenter by some of its buyers, a few later withdrawn.
fn consents(lines: &tickets::TicketLines<'_>, seed: u64) -> Vec<Consent> {
    let recorded_at = world::reference_moment() - Duration::days(400);
    lines
        .keyed_buyers()
        .filter(|(index, _)| (*index as u64 + seed).is_multiple_of(7))
        .enumerate()
        .map(|(position, (index, key))| Consent {
            id: ConsentId(position as i64 + 1),
            person_key: key.clone(),
            purpose: if index % 3 == 0 {
                Purpose::PooledStatistics
            } else {
                Purpose::Marketing
            },
            granted: true,
            recorded_at: recorded_at + Duration::days((index % 300) as i64),
            withdrawn_at: (index % 11 == 0).then(|| recorded_at + Duration::days(350)),
            provenance: Provenance {
                member_id: Some(world::PRESENTER),
                batch_id: Some(world::member_batch(world::PRESENTER)),
                source_row: None,
            },
        })
        .collect()
}
