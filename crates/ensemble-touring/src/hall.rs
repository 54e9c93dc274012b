//! Hall fit: a show's technical rider against a hall's specifications, one verdict per
//! requirement. Green: the hall meets it. Amber: to check with the presenter (the hall's sheet
//! does not say, or it misses by little: a dimension within 10 %, one technician short, a lift
//! or street-level access instead of a dock). Red: the hall does not meet it.

use ensemble_model::{Hall, LoadingAccess, RiderItem, RiderRequirement};
use serde::Serialize;

/// A requirement's verdict, from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Met.
    Green,
    /// To check.
    Amber,
    /// Not met.
    Red,
}

impl Verdict {
    /// Its code (`green`, `amber`, `red`), also the key of its label.
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Green => "green",
            Verdict::Amber => "amber",
            Verdict::Red => "red",
        }
    }
}

/// Why a requirement got its verdict (the key of a message in the catalogues).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// The hall meets it.
    Met,
    /// The hall's sheet does not give this.
    Unknown,
    /// Short by at most 10 % (or one technician).
    SlightlyShort,
    /// Short.
    Short,
    /// A dock is asked; the hall has a lift or street-level access.
    NoDockButLevel,
    /// A dock is asked; loading is by stairs.
    Stairs,
}

impl Reason {
    /// Its code.
    pub fn code(self) -> &'static str {
        match self {
            Reason::Met => "met",
            Reason::Unknown => "unknown",
            Reason::SlightlyShort => "slightly-short",
            Reason::Short => "short",
            Reason::NoDockButLevel => "no-dock-but-level",
            Reason::Stairs => "stairs",
        }
    }
}

/// One requirement of the rider against the hall.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// What is required.
    pub item: RiderItem,
    /// The rider's minimum.
    pub required: f64,
    /// What the hall has, when its sheet says.
    pub available: Option<f64>,
    /// The verdict.
    pub verdict: Verdict,
    /// Why.
    pub reason: Reason,
}

/// The largest seated capacity among a hall's configurations.
pub fn seats(hall: &Hall) -> Option<u32> {
    hall.configurations.iter().map(|c| c.capacity).max()
}

/// Every requirement of `rider` against `hall`, in the rider's order (requirements without an
/// item are notes and are skipped).
pub fn fit(rider: &[RiderRequirement], hall: &Hall) -> Vec<Check> {
    rider
        .iter()
        .filter_map(|requirement| Some(check(requirement.item?, requirement.minimum, hall)))
        .collect()
}

/// The worst verdict of a fit (green when there is nothing to check).
pub fn overall(checks: &[Check]) -> Verdict {
    checks.iter().map(|c| c.verdict).max().unwrap_or(Verdict::Green)
}

fn check(item: RiderItem, required: f64, hall: &Hall) -> Check {
    let specs = &hall.specs;
    let available = match item {
        RiderItem::StageOpeningWidth => specs.stage_opening_width_m,
        RiderItem::StageDepth => specs.stage_depth_m,
        RiderItem::StageHeight => specs.stage_height_m,
        RiderItem::GridHeight => specs.grid_height_m,
        RiderItem::Power => specs.power_amps.map(f64::from),
        RiderItem::Crew => specs.crew.map(f64::from),
        RiderItem::Seats => seats(hall).map(f64::from),
        RiderItem::LoadingDock => specs.loading.map(|access| match access {
            LoadingAccess::Dock => 1.0,
            _ => 0.0,
        }),
    };
    let (verdict, reason) = match (item, available) {
        (_, None) => (Verdict::Amber, Reason::Unknown),
        (RiderItem::LoadingDock, Some(_)) if required <= 0.0 => (Verdict::Green, Reason::Met),
        (RiderItem::LoadingDock, Some(_)) => match specs.loading {
            Some(LoadingAccess::Dock) => (Verdict::Green, Reason::Met),
            Some(LoadingAccess::Stairs) => (Verdict::Red, Reason::Stairs),
            _ => (Verdict::Amber, Reason::NoDockButLevel),
        },
        (_, Some(have)) if have >= required => (Verdict::Green, Reason::Met),
        (RiderItem::Crew, Some(have)) if have + 1.0 >= required => (Verdict::Amber, Reason::SlightlyShort),
        (RiderItem::Crew | RiderItem::Power | RiderItem::Seats, Some(_)) => (Verdict::Red, Reason::Short),
        (_, Some(have)) if have >= 0.9 * required => (Verdict::Amber, Reason::SlightlyShort),
        (_, Some(_)) => (Verdict::Red, Reason::Short),
    };
    Check {
        item,
        required,
        available,
        verdict,
        reason,
    }
}
