//! The data diagnostic a consortium starts with. Its maturity self-assessment: the model (its
//! dimensions and their levels described in words, `data/diagnostic/maturity.toml`, which a
//! consortium may replace), a member's assessment kept with its audit entry, and what the portal
//! shows of it: the member's latest levels, its history, and the consortium's median on each
//! dimension only when enough members answered (the disclosure rules' minimum of members).

use chrono::NaiveDate;
use ensemble_model::{
    DataAsset, DataAssetId, DataCategory, DataFormat, DeclaredQuality, Frequency, Member, MemberId, Provenance,
};
use ensemble_store::{
    AuditAction, ChainActivity, ChainExchange, MaturityAnswer, Problem, Score, Solution, Store, StoreError, UseCase,
};

use crate::{ActionError, Actor, only_if, typed};

/// The maturity model shipped with Ensemble.
pub const BUILT_IN_MODEL: &str = include_str!("../../../data/diagnostic/maturity.toml");

/// The variable naming a consortium's own maturity model file.
pub const MODEL_VARIABLE: &str = "ENSEMBLE_MATURITY_MODEL";

/// The dimensions of data maturity, each with its levels in words.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct MaturityModel {
    /// In the order they are shown.
    pub dimensions: Vec<Dimension>,
}

/// One dimension of the maturity model.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Dimension {
    /// Its stable code (answers are kept by it).
    pub code: String,
    /// Its name in French.
    pub label_fr: String,
    /// Its name in English.
    pub label_en: String,
    /// Its levels in French, from 1.
    pub levels_fr: Vec<String>,
    /// Its levels in English, from 1.
    pub levels_en: Vec<String>,
}

/// Why a maturity model file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The file cannot be read.
    #[error("cannot read {path}: {cause}")]
    Unreadable {
        /// The file.
        path: String,
        /// Why.
        cause: String,
    },
    /// The file is not a maturity model: its TOML, a dimension without levels, levels not the
    /// same in both languages, two dimensions with one code.
    #[error("{0}")]
    Invalid(String),
}

impl MaturityModel {
    /// Reads a model from its TOML text and checks it.
    pub fn parse(text: &str) -> Result<MaturityModel, ModelError> {
        let model: MaturityModel = toml::from_str(text).map_err(|e| ModelError::Invalid(e.to_string()))?;
        if model.dimensions.is_empty() {
            return Err(ModelError::Invalid("no dimension".to_string()));
        }
        for (index, dimension) in model.dimensions.iter().enumerate() {
            let valid = !dimension.code.is_empty()
                && (2..=10).contains(&dimension.levels_fr.len())
                && dimension.levels_fr.len() == dimension.levels_en.len();
            if !valid {
                return Err(ModelError::Invalid(format!("dimension {}", dimension.code)));
            }
            if model.dimensions[..index]
                .iter()
                .any(|other| other.code == dimension.code)
            {
                return Err(ModelError::Invalid(format!("two dimensions {}", dimension.code)));
            }
        }
        Ok(model)
    }

    /// The consortium's model: the file [`MODEL_VARIABLE`] names, else the built-in one.
    pub fn from_environment() -> Result<MaturityModel, ModelError> {
        match std::env::var(MODEL_VARIABLE) {
            Ok(path) if !path.trim().is_empty() => {
                let text = std::fs::read_to_string(&path).map_err(|e| ModelError::Unreadable {
                    path: path.clone(),
                    cause: e.kind().to_string(),
                })?;
                MaturityModel::parse(&text)
            }
            _ => MaturityModel::parse(BUILT_IN_MODEL),
        }
    }

    /// The dimension of this code.
    pub fn dimension(&self, code: &str) -> Option<&Dimension> {
        self.dimensions.iter().find(|dimension| dimension.code == code)
    }
}

/// Keeps `member`'s self-assessment of today: one level per dimension of the model, from 1.
/// Refused: `member-not-yours` (not one of its administrators), `maturity-incomplete` (a dimension
/// without an answer, or one the model does not have), `maturity-level-unknown`.
pub fn assess(
    store: &Store,
    actor: &Actor,
    model: &MaturityModel,
    member: &Member,
    levels: &[(String, i64)],
) -> Result<(), ActionError> {
    only_if(actor.administers(member), "member-not-yours")?;
    let answered = |code: &str| levels.iter().filter(|(given, _)| given == code).count();
    let complete = levels.len() == model.dimensions.len()
        && model.dimensions.iter().all(|dimension| answered(&dimension.code) == 1);
    only_if(complete, "maturity-incomplete")?;
    let known = levels.iter().all(|(code, level)| {
        model
            .dimension(code)
            .is_some_and(|dimension| (1..=dimension.levels_fr.len() as i64).contains(level))
    });
    only_if(known, "maturity-level-unknown")?;
    let today = actor.clock.today();
    let answers: Vec<MaturityAnswer> = levels
        .iter()
        .map(|(dimension, level)| MaturityAnswer {
            member_id: member.id,
            assessed_on: today,
            dimension: dimension.clone(),
            level: *level,
            assessed_by: actor.user_id,
        })
        .collect();
    store.write(|session| {
        session.put_maturity(&answers)?;
        let detail: serde_json::Map<String, serde_json::Value> = (levels.iter())
            .map(|(code, level)| (code.clone(), serde_json::Value::from(*level)))
            .collect();
        actor.record(
            session,
            Some(member.id),
            AuditAction::MaturityAssess,
            member.slug.clone(),
            serde_json::Value::Object(detail),
        )?;
        Ok(())
    })
}

/// One dimension as the portal shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DimensionView {
    /// The dimension's code.
    pub code: String,
    /// The member's latest level, if it answered.
    pub level: Option<i64>,
    /// The consortium's median of each member's latest level, when enough members answered.
    pub median: Option<f64>,
    /// How many members answered this dimension.
    pub answered: usize,
}

/// What the portal shows of a member's maturity: its latest levels beside the consortium's
/// medians, and its history (each day it assessed itself, with its levels by dimension code).
#[derive(Debug, Clone, PartialEq)]
pub struct MaturityView {
    /// In the model's order.
    pub dimensions: Vec<DimensionView>,
    /// The fewest members whose answers make a median shown.
    pub min_members: usize,
    /// Oldest first.
    pub history: Vec<(NaiveDate, Vec<(String, i64)>)>,
}

/// The median of some levels (the mean of the two middle ones when even).
fn median(mut levels: Vec<i64>) -> Option<f64> {
    levels.sort_unstable();
    let middle = levels.len() / 2;
    match levels.len() {
        0 => None,
        n if n % 2 == 1 => Some(levels[middle] as f64),
        _ => Some((levels[middle - 1] + levels[middle]) as f64 / 2.0),
    }
}

/// `member`'s maturity beside the consortium's. The consortium's median of a dimension is given
/// only when at least the disclosure rules' minimum of members answered it: with fewer, each
/// member's level could be read back from it.
pub fn view(store: &Store, model: &MaturityModel, member: MemberId) -> Result<MaturityView, StoreError> {
    let (answers, rules) = store.read(|session| Ok((session.maturity_answers(None)?, session.disclosure_rules()?)))?;
    let min_members = usize::try_from(rules.min_members).unwrap_or(usize::MAX);
    // Each member's latest answer on each dimension (answers come oldest first).
    let mut latest: std::collections::BTreeMap<(MemberId, &str), i64> = Default::default();
    for answer in &answers {
        latest.insert((answer.member_id, answer.dimension.as_str()), answer.level);
    }
    let dimensions = model
        .dimensions
        .iter()
        .map(|dimension| {
            let levels: Vec<i64> = (latest.iter())
                .filter(|((_, code), _)| *code == dimension.code)
                .map(|(_, level)| *level)
                .collect();
            let answered = levels.len();
            DimensionView {
                code: dimension.code.clone(),
                level: latest.get(&(member, dimension.code.as_str())).copied(),
                median: (answered >= min_members).then(|| median(levels)).flatten(),
                answered,
            }
        })
        .collect();
    let mut history: Vec<(NaiveDate, Vec<(String, i64)>)> = Vec::new();
    for answer in answers.iter().filter(|answer| answer.member_id == member) {
        match history.last_mut() {
            Some((day, levels)) if *day == answer.assessed_on => levels.push((answer.dimension.clone(), answer.level)),
            _ => history.push((answer.assessed_on, vec![(answer.dimension.clone(), answer.level)])),
        }
    }
    Ok(MaturityView {
        dimensions,
        min_members,
        history,
    })
}

/// A data asset a member declares in its inventory.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAsset {
    /// What it is called at the member ("Ventes de billets").
    pub name: String,
    /// Its categories, one at least.
    pub categories: Vec<DataCategory>,
    /// The software or medium that holds it.
    pub system: Option<String>,
    /// Who looks after it: a role or a team ("Direction des communications"), not a person.
    pub owner: Option<String>,
    /// The form it takes.
    pub format: DataFormat,
    /// How good the member says it is.
    pub quality: DeclaredQuality,
    /// Whether it holds personal information.
    pub contains_personal_data: bool,
    /// About how many records.
    pub record_count: Option<i64>,
    /// How often it changes.
    pub update_frequency: Frequency,
}

/// Adds an asset to `member`'s declared data inventory (its administrators). Refused:
/// `member-not-yours`, `asset-name-missing`, `asset-category-missing` (no category),
/// `asset-count-invalid` (a negative count), `text-invalid`.
pub fn declare_asset(store: &Store, actor: &Actor, member: &Member, new: &NewAsset) -> Result<DataAsset, ActionError> {
    only_if(actor.administers(member), "member-not-yours")?;
    let name = typed(&new.name, 200, false)?;
    only_if(!name.is_empty(), "asset-name-missing")?;
    let mut categories = new.categories.clone();
    categories.sort_by_key(|category| DataCategory::ALL.iter().position(|c| c == category));
    categories.dedup();
    only_if(!categories.is_empty(), "asset-category-missing")?;
    let system = typed(new.system.as_deref().unwrap_or_default(), 200, false)?;
    let owner = typed(new.owner.as_deref().unwrap_or_default(), 200, false)?;
    only_if(new.record_count.is_none_or(|count| count >= 0), "asset-count-invalid")?;
    store.write(|session| {
        let asset = DataAsset {
            id: DataAssetId(session.next_id::<DataAsset>()?),
            name: name.clone(),
            categories,
            system: Some(system).filter(|system| !system.is_empty()),
            owner: Some(owner).filter(|owner| !owner.is_empty()),
            format: new.format,
            quality: new.quality,
            contains_personal_data: new.contains_personal_data,
            record_count: new.record_count,
            update_frequency: new.update_frequency,
            sent_to: Vec::new(),
            provenance: Provenance {
                member_id: Some(member.id),
                ..Provenance::default()
            },
        };
        session.insert(std::slice::from_ref(&asset))?;
        let categories: Vec<&str> = asset.categories.iter().map(|category| category.code()).collect();
        let detail = serde_json::json!({"asset": asset.id.0, "categories": categories});
        actor.record(
            session,
            Some(member.id),
            AuditAction::InventoryChange,
            member.slug.clone(),
            detail,
        )?;
        Ok(asset)
    })
}

/// Removes one of `member`'s declared assets. Refused: `member-not-yours`, `asset-unknown` (not
/// one of the member's).
pub fn remove_asset(store: &Store, actor: &Actor, member: &Member, asset: i64) -> Result<(), ActionError> {
    only_if(actor.administers(member), "member-not-yours")?;
    store.write(|session| {
        let found = session.get_any::<DataAsset>(asset)?;
        if found.is_none_or(|found| found.provenance.member_id != Some(member.id)) {
            return Err(ActionError::Refused("asset-unknown"));
        }
        session.delete::<DataAsset>(asset)?;
        let detail = serde_json::json!({"asset": asset, "removed": true});
        actor.record(
            session,
            Some(member.id),
            AuditAction::InventoryChange,
            member.slug.clone(),
            detail,
        )?;
        Ok(())
    })
}

/// The links of the performing-arts value chain a member describes itself at, in order.
pub const ACTIVITIES: &[&str] = &[
    "creation",
    "production",
    "presenting",
    "representation",
    "ticketing",
    "outreach",
    "funding",
];

/// How data goes from one organisation to another.
pub const CHANNELS: &[&str] = &["email", "spreadsheet", "platform", "paper", "meeting"];

/// Describes what `member` does at one link of the value chain: the issues met, the data
/// produced or used, the systems holding them (each up to 2,000 characters, lines allowed); all
/// three empty removes the link. Refused: `member-not-yours`, `chain-activity-unknown`,
/// `text-invalid`.
pub fn describe_activity(
    store: &Store,
    actor: &Actor,
    member: &Member,
    activity: &str,
    (issues, data, systems): (&str, &str, &str),
) -> Result<(), ActionError> {
    only_if(actor.administers(member), "member-not-yours")?;
    only_if(ACTIVITIES.contains(&activity), "chain-activity-unknown")?;
    let (issues, data, systems) = (
        typed(issues, 2000, true)?,
        typed(data, 2000, true)?,
        typed(systems, 2000, true)?,
    );
    let described = (!(issues.is_empty() && data.is_empty() && systems.is_empty())).then(|| ChainActivity {
        member_id: member.id,
        activity: activity.to_string(),
        issues,
        data,
        systems,
        updated_on: actor.clock.today(),
    });
    store.write(|session| {
        session.put_chain_activity(member.id, activity, described.as_ref())?;
        let detail = serde_json::json!({"activity": activity, "described": described.is_some()});
        actor.record(
            session,
            Some(member.id),
            AuditAction::ValueChainChange,
            member.slug.clone(),
            detail,
        )?;
        Ok(())
    })
}

/// Notes that `member` sends `what` to another member or to a partner outside, `how`. Refused:
/// `member-not-yours`, `chain-exchange-invalid` (no recipient, both, the member itself, an
/// unknown member or channel, nothing said of what), `text-invalid`.
pub fn add_exchange(
    store: &Store,
    actor: &Actor,
    member: &Member,
    (to_member, partner): (Option<MemberId>, &str),
    what: &str,
    how: &str,
) -> Result<ChainExchange, ActionError> {
    only_if(actor.administers(member), "member-not-yours")?;
    let partner = typed(partner, 200, false)?;
    let what = typed(what, 500, false)?;
    let valid = !what.is_empty()
        && CHANNELS.contains(&how)
        && (to_member.is_some() == partner.is_empty())
        && to_member != Some(member.id);
    only_if(valid, "chain-exchange-invalid")?;
    store.write(|session| {
        if let Some(to) = to_member
            && session.get::<Member>(to.0)?.is_none()
        {
            return Err(ActionError::Refused("chain-exchange-invalid"));
        }
        let exchange = session.insert_chain_exchange(&ChainExchange {
            id: 0,
            from_member: member.id,
            to_member,
            partner: Some(partner.clone()).filter(|p| !p.is_empty()),
            what: what.clone(),
            how: how.to_string(),
            created_on: actor.clock.today(),
        })?;
        let detail = serde_json::json!({"exchange": exchange.id, "to": to_member.map(|m| m.0), "how": how});
        actor.record(
            session,
            Some(member.id),
            AuditAction::ValueChainChange,
            member.slug.clone(),
            detail,
        )?;
        Ok(exchange)
    })
}

/// Removes an exchange `member` sends. Refused: `member-not-yours`, `chain-exchange-unknown`.
pub fn remove_exchange(store: &Store, actor: &Actor, member: &Member, exchange: i64) -> Result<(), ActionError> {
    only_if(actor.administers(member), "member-not-yours")?;
    store.write(|session| {
        if !session.delete_chain_exchange(member.id, exchange)? {
            return Err(ActionError::Refused("chain-exchange-unknown"));
        }
        let detail = serde_json::json!({"exchange": exchange, "removed": true});
        actor.record(
            session,
            Some(member.id),
            AuditAction::ValueChainChange,
            member.slug.clone(),
            detail,
        )?;
        Ok(())
    })
}

/// Writes a problem `member` meets (the coordination may write one no member has claimed yet).
/// Refused: `member-not-yours`, `problem-title-missing`, `text-invalid`.
pub fn add_problem(store: &Store, actor: &Actor, member: Option<&Member>, title: &str) -> Result<Problem, ActionError> {
    only_if(
        member.map_or(actor.is_coordination(), |m| actor.administers(m)),
        "member-not-yours",
    )?;
    let title = typed(title, 300, false)?;
    only_if(!title.is_empty(), "problem-title-missing")?;
    store.write(|session| {
        let problem = session.put_problem(&Problem {
            id: 0,
            title,
            members: member.map(|m| m.id).into_iter().collect(),
            created_on: actor.clock.today(),
        })?;
        let detail = serde_json::json!({"problem": problem.id});
        actor.record(
            session,
            member.map(|m| m.id),
            AuditAction::WorkshopChange,
            format!("problem {}", problem.id),
            detail,
        )?;
        Ok(problem)
    })
}

/// Says that `member` meets a problem too (`meets`), or no longer. Refused: `member-not-yours`,
/// `problem-unknown`.
pub fn share_problem(
    store: &Store,
    actor: &Actor,
    member: &Member,
    problem: i64,
    meets: bool,
) -> Result<(), ActionError> {
    only_if(actor.administers(member), "member-not-yours")?;
    store.write(|session| {
        let Some(mut found) = session.problems()?.into_iter().find(|p| p.id == problem) else {
            return Err(ActionError::Refused("problem-unknown"));
        };
        found.members.retain(|m| *m != member.id);
        if meets {
            found.members.push(member.id);
            found.members.sort();
        }
        session.put_problem(&found)?;
        let detail = serde_json::json!({"problem": problem, "meets": meets});
        actor.record(
            session,
            Some(member.id),
            AuditAction::WorkshopChange,
            format!("problem {problem}"),
            detail,
        )?;
        Ok(())
    })
}

/// Proposes a solution to a problem (a member's administrators or the coordination). Refused:
/// `member-not-yours` (a viewer or an analyst), `problem-unknown`, `solution-title-missing`,
/// `text-invalid`.
pub fn add_solution(store: &Store, actor: &Actor, problem: i64, title: &str) -> Result<Solution, ActionError> {
    only_if(
        actor.is_coordination() || crate::rank(actor.role) >= crate::rank(ensemble_model::Role::MemberAdmin),
        "member-not-yours",
    )?;
    let title = typed(title, 300, false)?;
    only_if(!title.is_empty(), "solution-title-missing")?;
    store.write(|session| {
        if !session.problems()?.iter().any(|p| p.id == problem) {
            return Err(ActionError::Refused("problem-unknown"));
        }
        let solution = session.insert_solution(&Solution {
            id: 0,
            problem_id: problem,
            title,
            created_on: actor.clock.today(),
        })?;
        let detail = serde_json::json!({"problem": problem, "solution": solution.id});
        actor.record(
            session,
            actor.member,
            AuditAction::WorkshopChange,
            format!("solution {}", solution.id),
            detail,
        )?;
        Ok(solution)
    })
}

/// `member`'s score of a solution: its value and feasibility, 1 to 5. Refused: `member-not-yours`,
/// `solution-unknown`, `score-invalid`.
pub fn score(
    store: &Store,
    actor: &Actor,
    member: &Member,
    solution: i64,
    (value, feasibility): (i64, i64),
) -> Result<(), ActionError> {
    only_if(actor.administers(member), "member-not-yours")?;
    only_if(
        (1..=5).contains(&value) && (1..=5).contains(&feasibility),
        "score-invalid",
    )?;
    store.write(|session| {
        if !session.solutions()?.iter().any(|s| s.id == solution) {
            return Err(ActionError::Refused("solution-unknown"));
        }
        session.put_score(&Score {
            solution_id: solution,
            member_id: member.id,
            value,
            feasibility,
            scored_on: actor.clock.today(),
        })?;
        let detail = serde_json::json!({"solution": solution, "value": value, "feasibility": feasibility});
        actor.record(
            session,
            Some(member.id),
            AuditAction::WorkshopChange,
            format!("solution {solution}"),
            detail,
        )?;
        Ok(())
    })
}

/// A solution as the workshop shows it: its scores' means, how many members scored it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredSolution {
    /// The solution.
    pub solution: Solution,
    /// The mean value and feasibility, once a member scored it.
    pub means: Option<(f64, f64)>,
    /// How many members scored it.
    pub scored: usize,
}

/// The workshop: problems (common ones, met by two members or more, first), each with its
/// solutions and their mean scores.
pub fn workshop(store: &Store) -> Result<Vec<(Problem, Vec<ScoredSolution>)>, StoreError> {
    let (mut problems, solutions, scores) =
        store.read(|session| Ok((session.problems()?, session.solutions()?, session.scores()?)))?;
    problems.sort_by_key(|p| (p.members.len() < 2, p.id));
    Ok(problems
        .into_iter()
        .map(|problem| {
            let answers = (solutions.iter())
                .filter(|s| s.problem_id == problem.id)
                .map(|solution| {
                    let mine: Vec<&Score> = scores.iter().filter(|s| s.solution_id == solution.id).collect();
                    let count = mine.len();
                    let mean =
                        |pick: fn(&Score) -> i64| mine.iter().map(|s| pick(s) as f64).sum::<f64>() / count as f64;
                    ScoredSolution {
                        solution: solution.clone(),
                        means: (count > 0).then(|| (mean(|s| s.value), mean(|s| s.feasibility))),
                        scored: count,
                    }
                })
                .collect();
            (problem, answers)
        })
        .collect())
}

/// A use case's status.
pub const STATUSES: &[&str] = &["idea", "pilot", "live"];

/// The Ensemble features a use case may be served by (`none` when none is yet).
pub const FEATURES: &[&str] = &["funder-reports", "tour-planning", "pooled-statistics", "import", "none"];

/// Writes out a solution as a use case (the coordination, or an administrator of a member that
/// meets its problem). Refused: `member-not-yours`, `solution-unknown`, `use-case-invalid` (an
/// unknown status, feature or entity, nothing said of its users or decision), `text-invalid`.
pub fn write_use_case(store: &Store, actor: &Actor, case: &UseCase) -> Result<(), ActionError> {
    let users = typed(&case.users, 1000, true)?;
    let decision = typed(&case.decision, 1000, true)?;
    let pooling = typed(&case.pooling, 1000, true)?;
    let entities: Vec<&str> = ensemble_model::entity_docs().iter().map(|doc| doc.name).collect();
    let valid = !users.is_empty()
        && !decision.is_empty()
        && STATUSES.contains(&case.status.as_str())
        && FEATURES.contains(&case.feature.as_str())
        && case.data_needed.iter().all(|name| entities.contains(&name.as_str()));
    only_if(valid, "use-case-invalid")?;
    store.write(|session| {
        let solution = session.solutions()?.into_iter().find(|s| s.id == case.solution_id);
        let Some(solution) = solution else {
            return Err(ActionError::Refused("solution-unknown"));
        };
        let problem = session.problems()?.into_iter().find(|p| p.id == solution.problem_id);
        let meets = problem.is_some_and(|p| actor.member.is_some_and(|m| p.members.contains(&m)));
        let allowed = actor.is_coordination()
            || (meets && crate::rank(actor.role) >= crate::rank(ensemble_model::Role::MemberAdmin));
        only_if(allowed, "member-not-yours")?;
        let mut data_needed = case.data_needed.clone();
        data_needed.sort();
        data_needed.dedup();
        session.put_use_case(&UseCase {
            users,
            decision,
            pooling,
            data_needed,
            updated_on: actor.clock.today(),
            ..case.clone()
        })?;
        let detail = serde_json::json!({"solution": case.solution_id, "status": case.status, "feature": case.feature});
        actor.record(
            session,
            actor.member,
            AuditAction::WorkshopChange,
            format!("use case {}", case.solution_id),
            detail,
        )?;
        Ok(())
    })
}

/// A member that holds data of an entity, in Ensemble or by its own declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct Holder {
    /// The member.
    pub member: MemberId,
    /// How many records of the entity Ensemble holds for it (none: declared only).
    pub records: u64,
    /// The share of the entity's key fields filled in those records.
    pub completeness: Option<f64>,
    /// The best quality the member declares for assets whose categories give the entity.
    pub declared: Option<DeclaredQuality>,
}

/// Which members hold data of each entity a use case needs, and at what quality: from what
/// Ensemble measures (how many records, how complete) and from the declared inventories (an
/// asset whose categories give the entity, with the quality its member declares), so data
/// still outside the pool shows too.
pub fn data_available(store: &Store, case: &UseCase) -> Result<Vec<(String, Vec<Holder>)>, StoreError> {
    let members = store.read(|session| session.list_any::<Member>(&ensemble_store::ListFilter::default()))?;
    let mut inventories = Vec::new();
    for member in &members {
        let (measured, declared) = store.read(|session| {
            Ok((
                session.measured_inventory(member.id)?,
                session.declared_inventory(member.id)?,
            ))
        })?;
        inventories.push((member.id, measured, declared));
    }
    let rank = |quality: &DeclaredQuality| DeclaredQuality::ALL.iter().position(|q| q == quality);
    Ok(case
        .data_needed
        .iter()
        .map(|entity| {
            let holders = (inventories.iter())
                .filter_map(|(member, measured, declared)| {
                    let found = measured.iter().find(|m| m.entity == entity.as_str());
                    let declared = (declared.iter())
                        .filter(|asset| (asset.categories.iter()).any(|c| c.entities().contains(&entity.as_str())))
                        .map(|asset| asset.quality)
                        .min_by_key(rank);
                    (found.is_some() || declared.is_some()).then(|| Holder {
                        member: *member,
                        records: found.map_or(0, |m| m.records),
                        completeness: found.and_then(|m| m.completeness),
                        declared,
                    })
                })
                .collect();
            (entity.clone(), holders)
        })
        .collect())
}

/// The diagnostic's report, in `lang`: for one member, its maturity beside the consortium's
/// (medians under the same rule as the portal), its history, its declared and measured
/// inventory, its value chain and exchanges; for the consortium, the medians only (never a
/// member's own levels), each member's inventory in figures, and every member's chain; in both,
/// the workshop's problems, scored solutions and use cases.
pub fn report(
    store: &Store,
    model: &MaturityModel,
    member: Option<&Member>,
    lang: ensemble_i18n::Lang,
    today: NaiveDate,
) -> Result<ensemble_reports::document::Document, StoreError> {
    use ensemble_i18n::{Arg, format, tr, tr_args};
    use ensemble_reports::document::{Cell, Document, DocumentTable, Section};
    let text = |value: &str| Cell::Text(value.to_string());
    let label = |fr: &str, en: &str| match lang {
        ensemble_i18n::Lang::Fr => fr.to_string(),
        ensemble_i18n::Lang::En => en.to_string(),
    };
    let (consortium, members, organizations) = store.read(|session| {
        Ok((
            session.consortium()?,
            session.list_any::<Member>(&ensemble_store::ListFilter::default())?,
            session.list_any::<ensemble_model::Organization>(&ensemble_store::ListFilter::default())?,
        ))
    })?;
    let name_of = |id: MemberId| {
        let member = members.iter().find(|m| m.id == id);
        member
            .and_then(|m| organizations.iter().find(|o| o.id == m.organization_id))
            .map_or_else(
                || member.map(|m| m.slug.clone()).unwrap_or_default(),
                |o| o.name.clone(),
            )
    };
    let view = view(store, model, member.map_or(MemberId(0), |m| m.id))?;
    let dimension_name = |code: &str| {
        model
            .dimension(code)
            .map_or_else(|| code.to_string(), |d| label(&d.label_fr, &d.label_en))
    };
    let mut sections = Vec::new();

    // Maturity.
    let mut headers = vec![tr(lang, "web-maturity-dimension")];
    if member.is_some() {
        headers.push(tr(lang, "web-maturity-level"));
    }
    headers.extend([tr(lang, "web-maturity-median"), tr(lang, "report-diagnostic-answered")]);
    let rows = (view.dimensions.iter())
        .map(|d| {
            let mut row = vec![Cell::Text(dimension_name(&d.code))];
            if member.is_some() {
                row.push(d.level.map_or_else(|| text(""), |level| Cell::Number(level as f64)));
            }
            row.push(d.median.map_or_else(
                || {
                    Cell::Text(tr_args(
                        lang,
                        "web-maturity-median-hidden",
                        &[
                            ("answered", Arg::from(d.answered)),
                            ("needed", Arg::from(view.min_members)),
                        ],
                    ))
                },
                Cell::Number,
            ));
            row.push(Cell::Number(d.answered as f64));
            row
        })
        .collect();
    let mut tables = vec![DocumentTable {
        caption: tr(lang, "web-maturity-table"),
        sheet: tr(lang, "web-maturity-title"),
        headers,
        rows,
    }];
    if member.is_some() && !view.history.is_empty() {
        let mut headers = vec![tr(lang, "web-column-date")];
        headers.extend(model.dimensions.iter().map(|d| label(&d.label_fr, &d.label_en)));
        let rows = (view.history.iter())
            .map(|(day, levels)| {
                let mut row = vec![Cell::Text(format::date(lang, *day))];
                row.extend(model.dimensions.iter().map(|d| {
                    levels
                        .iter()
                        .find(|(code, _)| *code == d.code)
                        .map_or_else(|| text(""), |(_, level)| Cell::Number(*level as f64))
                }));
                row
            })
            .collect();
        tables.push(DocumentTable {
            caption: tr(lang, "web-maturity-history"),
            sheet: tr(lang, "web-maturity-history"),
            headers,
            rows,
        });
    }
    sections.push(Section {
        heading: tr(lang, "web-maturity-title"),
        text: tr(lang, "web-maturity-intro"),
        tables,
    });

    // Inventory.
    let mut tables = Vec::new();
    match member {
        Some(member) => {
            let (declared, measured) = store.read(|session| {
                Ok((
                    session.declared_inventory(member.id)?,
                    session.measured_inventory(member.id)?,
                ))
            })?;
            tables.push(DocumentTable {
                caption: tr(lang, "web-inventory-declared"),
                sheet: tr(lang, "web-inventory-declared"),
                headers: [
                    "web-column-name",
                    "web-inventory-categories",
                    "web-inventory-system",
                    "web-inventory-owner",
                    "web-inventory-format",
                    "web-inventory-quality",
                    "web-inventory-personal",
                    "web-inventory-records",
                    "web-inventory-frequency",
                ]
                .iter()
                .map(|key| tr(lang, key))
                .collect(),
                rows: declared
                    .iter()
                    .map(|asset| {
                        vec![
                            text(&asset.name),
                            Cell::Text(
                                (asset.categories.iter())
                                    .map(|c| label(c.label_fr(), c.label_en()))
                                    .collect::<Vec<_>>()
                                    .join(", "),
                            ),
                            text(asset.system.as_deref().unwrap_or_default()),
                            text(asset.owner.as_deref().unwrap_or_default()),
                            Cell::Text(label(asset.format.label_fr(), asset.format.label_en())),
                            Cell::Text(label(asset.quality.label_fr(), asset.quality.label_en())),
                            Cell::Text(tr(
                                lang,
                                if asset.contains_personal_data {
                                    "web-yes"
                                } else {
                                    "web-no"
                                },
                            )),
                            asset
                                .record_count
                                .map_or_else(|| text(""), |count| Cell::Number(count as f64)),
                            Cell::Text(label(
                                asset.update_frequency.label_fr(),
                                asset.update_frequency.label_en(),
                            )),
                        ]
                    })
                    .collect(),
            });
            let docs = ensemble_model::entity_docs();
            tables.push(DocumentTable {
                caption: tr(lang, "web-inventory-measured"),
                sheet: tr(lang, "web-inventory-measured"),
                headers: [
                    "web-inventory-entity",
                    "web-inventory-count",
                    "web-inventory-completeness",
                    "web-inventory-updated",
                ]
                .iter()
                .map(|key| tr(lang, key))
                .collect(),
                rows: measured
                    .iter()
                    .map(|found| {
                        let entity = docs
                            .iter()
                            .find(|doc| doc.name == found.entity)
                            .map_or_else(|| found.entity.to_string(), |doc| label(doc.label_fr, doc.label_en));
                        vec![
                            Cell::Text(entity),
                            Cell::Number(found.records as f64),
                            found
                                .completeness
                                .map_or_else(|| text(""), |share| Cell::Number((share * 1000.0).round() / 10.0)),
                            found.updated_at.map_or_else(
                                || text(""),
                                |moment| Cell::Text(format::date(lang, moment.date_naive())),
                            ),
                        ]
                    })
                    .collect(),
            });
        }
        None => {
            let mut rows = Vec::new();
            for each in &members {
                let (declared, measured) = store.read(|session| {
                    Ok((
                        session.declared_inventory(each.id)?,
                        session.measured_inventory(each.id)?,
                    ))
                })?;
                rows.push(vec![
                    Cell::Text(name_of(each.id)),
                    Cell::Number(declared.len() as f64),
                    Cell::Number(declared.iter().filter(|asset| asset.contains_personal_data).count() as f64),
                    Cell::Number(measured.iter().map(|found| found.records).sum::<u64>() as f64),
                ]);
            }
            tables.push(DocumentTable {
                caption: tr(lang, "report-diagnostic-inventories"),
                sheet: tr(lang, "web-inventory-title"),
                headers: [
                    "report-diagnostic-member",
                    "report-diagnostic-declared",
                    "report-diagnostic-personal",
                    "report-diagnostic-held",
                ]
                .iter()
                .map(|key| tr(lang, key))
                .collect(),
                rows,
            });
        }
    }
    sections.push(Section {
        heading: tr(lang, "web-inventory-title"),
        text: tr(lang, "web-inventory-intro"),
        tables,
    });

    // Value chain.
    let scope = member.map(|m| m.id);
    let (activities, exchanges) =
        store.read(|session| Ok((session.chain_activities(scope)?, session.chain_exchanges(scope)?)))?;
    let activity_name = |code: &str| tr(lang, &format!("web-chain-activity-{code}"));
    let links = DocumentTable {
        caption: tr(lang, "web-chain-links"),
        sheet: tr(lang, "web-chain-links"),
        headers: [
            "report-diagnostic-member",
            "web-chain-link",
            "web-chain-issues",
            "web-chain-data",
            "web-chain-systems",
        ]
        .iter()
        .map(|key| tr(lang, key))
        .collect(),
        rows: activities
            .iter()
            .map(|a| {
                vec![
                    Cell::Text(name_of(a.member_id)),
                    Cell::Text(activity_name(&a.activity)),
                    text(&a.issues),
                    text(&a.data),
                    text(&a.systems),
                ]
            })
            .collect(),
    };
    let exchanges = DocumentTable {
        caption: tr(lang, "web-chain-exchanges"),
        sheet: tr(lang, "web-chain-exchanges"),
        headers: [
            "web-chain-number",
            "web-chain-from",
            "web-chain-to",
            "web-chain-what",
            "web-chain-how",
        ]
        .iter()
        .map(|key| tr(lang, key))
        .collect(),
        rows: exchanges
            .iter()
            .map(|e| {
                vec![
                    Cell::Number(e.id as f64),
                    Cell::Text(name_of(e.from_member)),
                    Cell::Text(
                        e.to_member
                            .map_or_else(|| e.partner.clone().unwrap_or_default(), name_of),
                    ),
                    text(&e.what),
                    Cell::Text(tr(lang, &format!("web-chain-how-{}", e.how))),
                ]
            })
            .collect(),
    };
    sections.push(Section {
        heading: tr(lang, "web-chain-title"),
        text: tr(lang, "web-chain-intro"),
        tables: vec![links, exchanges],
    });

    // From issues to solutions, and their use cases.
    let workshop = workshop(store)?;
    let cases = store.read(|session| session.use_cases())?;
    let number = |mean: f64| Cell::Number((mean * 10.0).round() / 10.0);
    let problems = DocumentTable {
        caption: tr(lang, "report-diagnostic-problems"),
        sheet: tr(lang, "report-diagnostic-problems"),
        headers: [
            "web-chain-number",
            "web-workshop-problem",
            "report-diagnostic-meeting",
            "web-workshop-common",
        ]
        .iter()
        .map(|key| tr(lang, key))
        .collect(),
        rows: workshop
            .iter()
            .map(|(problem, _)| {
                vec![
                    Cell::Number(problem.id as f64),
                    text(&problem.title),
                    Cell::Text(
                        problem
                            .members
                            .iter()
                            .map(|id| name_of(*id))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                    Cell::Text(tr(
                        lang,
                        if problem.members.len() >= 2 {
                            "web-yes"
                        } else {
                            "web-no"
                        },
                    )),
                ]
            })
            .collect(),
    };
    let solutions = DocumentTable {
        caption: tr(lang, "web-workshop-solutions"),
        sheet: tr(lang, "web-workshop-solutions"),
        headers: [
            "web-chain-number",
            "report-diagnostic-problem-number",
            "web-workshop-solution",
            "web-workshop-value",
            "web-workshop-feasibility",
            "web-workshop-scored",
        ]
        .iter()
        .map(|key| tr(lang, key))
        .collect(),
        rows: workshop
            .iter()
            .flat_map(|(_, solutions)| solutions)
            .map(|scored| {
                vec![
                    Cell::Number(scored.solution.id as f64),
                    Cell::Number(scored.solution.problem_id as f64),
                    text(&scored.solution.title),
                    scored.means.map_or_else(|| text(""), |(value, _)| number(value)),
                    scored
                        .means
                        .map_or_else(|| text(""), |(_, feasibility)| number(feasibility)),
                    Cell::Number(scored.scored as f64),
                ]
            })
            .collect(),
    };
    let docs = ensemble_model::entity_docs();
    let entity_label = |name: &str| {
        (docs.iter())
            .find(|doc| doc.name == name)
            .map_or_else(|| name.to_string(), |doc| label(doc.label_fr, doc.label_en))
    };
    let mut rows = Vec::new();
    for case in &cases {
        // Per entity needed, who holds it (in Ensemble or declared): "Représentation : A, B".
        let available = (data_available(store, case)?.into_iter())
            .map(|(entity, holders)| {
                let names: Vec<String> = holders.iter().map(|holder| name_of(holder.member)).collect();
                let names = if names.is_empty() {
                    "—".to_string()
                } else {
                    names.join(", ")
                };
                let colon = if lang == ensemble_i18n::Lang::Fr { " :" } else { ":" };
                format!("{}{colon} {names}", entity_label(&entity))
            })
            .collect::<Vec<_>>();
        rows.push(vec![
            Cell::Number(case.solution_id as f64),
            text(&case.users),
            text(&case.decision),
            Cell::Text(available.join(" ; ")),
            Cell::Text(tr(lang, &format!("web-case-status-{}", case.status))),
            Cell::Text(tr(lang, &format!("web-case-feature-{}", case.feature))),
        ]);
    }
    let use_cases = DocumentTable {
        caption: tr(lang, "report-diagnostic-use-cases"),
        sheet: tr(lang, "report-diagnostic-use-cases"),
        headers: [
            "report-diagnostic-solution-number",
            "web-case-users",
            "web-case-decision",
            "report-diagnostic-data-holders",
            "web-case-status",
            "web-case-feature",
        ]
        .iter()
        .map(|key| tr(lang, key))
        .collect(),
        rows,
    };
    sections.push(Section {
        heading: tr(lang, "web-workshop-title"),
        text: tr(lang, "web-workshop-intro"),
        tables: vec![problems, solutions, use_cases],
    });

    let whom = member.map_or_else(
        || {
            consortium
                .as_ref()
                .map_or_else(|| tr(lang, "report-diagnostic-consortium"), |c| c.name.clone())
        },
        |m| name_of(m.id),
    );
    Ok(Document {
        title: tr_args(lang, "report-diagnostic-title", &[("whom", Arg::from(whom))]),
        subtitle: tr_args(
            lang,
            "report-diagnostic-subtitle",
            &[("date", Arg::from(format::date(lang, today)))],
        ),
        sections,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_model_has_seven_dimensions_of_five_levels_in_both_languages() {
        let model = MaturityModel::parse(BUILT_IN_MODEL).unwrap();
        let codes: Vec<&str> = model.dimensions.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "governance",
                "collection",
                "quality",
                "analysis",
                "sharing",
                "skills",
                "ethics"
            ]
        );
        assert!(
            model
                .dimensions
                .iter()
                .all(|d| d.levels_fr.len() == 5 && d.levels_en.len() == 5)
        );
    }

    #[test]
    fn a_model_that_does_not_hold_together_is_refused() {
        let one = |levels_en: &str| {
            format!(
                "[[dimensions]]\ncode = \"a\"\nlabel-fr = \"A\"\nlabel-en = \"A\"\nlevels-fr = [\"1\", \"2\"]\nlevels-en = {levels_en}\n"
            )
        };
        assert!(MaturityModel::parse(&one("[\"1\", \"2\"]")).is_ok());
        assert!(
            MaturityModel::parse(&one("[\"1\"]")).is_err(),
            "levels differ between languages"
        );
        assert!(MaturityModel::parse(&format!("{}{}", one("[\"1\", \"2\"]"), one("[\"1\", \"2\"]"))).is_err());
        assert!(MaturityModel::parse("dimensions = []").is_err());
        assert!(MaturityModel::parse("not toml [").is_err());
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(vec![3, 1, 2]), Some(2.0));
        assert_eq!(median(vec![4, 1, 2, 3]), Some(2.5));
        assert_eq!(median(Vec::new()), None);
    }
}
