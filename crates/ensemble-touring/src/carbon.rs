//! Greenhouse-gas emissions of a tour's legs, by mode, for its people and its freight.
//!
//! Emission factors: UK Department for Energy Security and Net Zero (DESNZ), *Greenhouse gas
//! reporting: conversion factors 2025* (full set, kg CO2e, all gases), published under the Open
//! Government Licence v3.0. They are the most used published per-kilometre factors for every
//! mode a tour takes; Canada publishes no such set per vehicle-kilometre. Road vehicles are
//! counted per vehicle-kilometre, public transport per passenger-kilometre; a plane flies the
//! great-circle distance, everything else the road distance.

use serde::Serialize;

/// How people or freight travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// A car (up to 4 people).
    Car,
    /// A van (up to 3 people, with the set).
    Van,
    /// A rigid truck (the set).
    Truck,
    /// A coach (per passenger).
    Coach,
    /// A train (per passenger).
    Train,
    /// A plane (per passenger).
    Plane,
}

/// What a factor counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Per {
    /// Each vehicle, each kilometre.
    VehicleKm,
    /// Each passenger, each kilometre.
    PassengerKm,
}

/// A published emission factor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Factor {
    /// The mode.
    pub mode: Mode,
    /// Kilograms of CO2 equivalent.
    pub kg_co2e: f64,
    /// Per vehicle-km or passenger-km.
    pub per: Per,
    /// The line of the source it comes from.
    pub source: &'static str,
    /// The year of the source.
    pub year: u16,
}

const DESNZ: &str = "DESNZ, Greenhouse gas reporting: conversion factors 2025";

/// The factors, one per mode (DESNZ 2025, full set, "kg CO2e" total).
pub const FACTORS: [Factor; 6] = [
    Factor {
        mode: Mode::Car,
        kg_co2e: 0.16725,
        per: Per::VehicleKm,
        source: "DESNZ 2025 — Business travel- land, Cars (by size), Average car, Unknown fuel, km",
        year: 2025,
    },
    Factor {
        mode: Mode::Van,
        kg_co2e: 0.25561,
        per: Per::VehicleKm,
        source: "DESNZ 2025 — Freighting goods, Vans, Average (up to 3.5 tonnes), Diesel, km",
        year: 2025,
    },
    Factor {
        mode: Mode::Truck,
        kg_co2e: 0.83751,
        per: Per::VehicleKm,
        source: "DESNZ 2025 — Freighting goods, HGV (all diesel), All rigids, Average laden, km",
        year: 2025,
    },
    Factor {
        mode: Mode::Coach,
        kg_co2e: 0.02776,
        per: Per::PassengerKm,
        source: "DESNZ 2025 — Business travel- land, Bus, Coach, passenger.km",
        year: 2025,
    },
    Factor {
        mode: Mode::Train,
        kg_co2e: 0.03546,
        per: Per::PassengerKm,
        source: "DESNZ 2025 — Business travel- land, Rail, National rail, passenger.km",
        year: 2025,
    },
    Factor {
        mode: Mode::Plane,
        kg_co2e: 0.22928,
        per: Per::PassengerKm,
        source: "DESNZ 2025 — Business travel- air, Flights, Domestic, Average passenger, With RF, passenger.km",
        year: 2025,
    },
];

/// The source of every factor, as cited on summaries.
pub const SOURCE: &str = DESNZ;

impl Mode {
    /// Its factor.
    pub fn factor(self) -> &'static Factor {
        FACTORS.iter().find(|factor| factor.mode == self).unwrap_or(&FACTORS[0])
    }

    /// People one vehicle carries, for road vehicles counted per vehicle.
    pub fn seats(self) -> Option<u32> {
        match self {
            Mode::Car => Some(4),
            Mode::Van => Some(3),
            Mode::Truck => Some(2),
            Mode::Coach | Mode::Train | Mode::Plane => None,
        }
    }

    /// The mode named by its code (`car`, `van`, `truck`, `coach`, `train`, `plane`).
    pub fn parse(code: &str) -> Option<Mode> {
        match code {
            "car" => Some(Mode::Car),
            "van" => Some(Mode::Van),
            "truck" => Some(Mode::Truck),
            "coach" => Some(Mode::Coach),
            "train" => Some(Mode::Train),
            "plane" => Some(Mode::Plane),
            _ => None,
        }
    }

    /// Its code.
    pub fn code(self) -> &'static str {
        match self {
            Mode::Car => "car",
            Mode::Van => "van",
            Mode::Truck => "truck",
            Mode::Coach => "coach",
            Mode::Train => "train",
            Mode::Plane => "plane",
        }
    }
}

/// How a tour travels: its people by one mode, its set by another (or with the people).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Transport {
    /// People on the road (artists and crew).
    pub people: u32,
    /// How they travel.
    pub people_by: Mode,
    /// How the set travels; none when it rides with the people.
    pub freight_by: Option<Mode>,
}

impl Default for Transport {
    /// Four people and their set in two vans, a small tour.
    fn default() -> Self {
        Transport {
            people: 4,
            people_by: Mode::Van,
            freight_by: None,
        }
    }
}

/// A route's emissions, in kg CO2e.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// For the people.
    pub people_kg: f64,
    /// For the set.
    pub freight_kg: f64,
    /// Road km of the route.
    pub road_km: f64,
    /// The whole route with the same set and the people by each mode.
    pub by_mode: Vec<(Mode, f64)>,
}

impl Summary {
    /// People and set together.
    pub fn total_kg(&self) -> f64 {
        self.people_kg + self.freight_kg
    }
}

/// The emissions of one leg, in kg CO2e.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LegEmissions {
    /// For the people.
    pub people_kg: f64,
    /// For the set.
    pub freight_kg: f64,
}

impl LegEmissions {
    /// Both together.
    pub fn total_kg(&self) -> f64 {
        self.people_kg + self.freight_kg
    }
}

fn by(mode: Mode, count: u32, road_km: f64, great_circle_km: f64) -> f64 {
    let km = if mode == Mode::Plane { great_circle_km } else { road_km };
    let factor = mode.factor();
    let units = match (factor.per, mode.seats()) {
        (Per::VehicleKm, Some(seats)) => count.div_ceil(seats).max(1),
        _ => count,
    };
    factor.kg_co2e * f64::from(units) * km
}

impl Transport {
    /// The emissions of a leg of `road_km` by road and `great_circle_km` as the crow flies.
    pub fn leg(&self, road_km: f64, great_circle_km: f64) -> LegEmissions {
        let people_kg = if self.people == 0 {
            0.0
        } else {
            by(self.people_by, self.people, road_km, great_circle_km)
        };
        let freight_kg = self
            .freight_by
            .map_or(0.0, |mode| by(mode, 1, road_km, great_circle_km));
        LegEmissions { people_kg, freight_kg }
    }

    /// The emissions of a route given as (road km, great-circle km) per leg, and what they would
    /// be with the same set and the people travelling by each mode.
    pub fn summary(&self, legs: &[(f64, f64)]) -> Summary {
        let add = |transport: &Transport| {
            legs.iter()
                .map(|(road, crow)| transport.leg(*road, *crow))
                .fold((0.0, 0.0), |(p, f), leg| (p + leg.people_kg, f + leg.freight_kg))
        };
        let (people_kg, freight_kg) = add(self);
        let by_mode = [Mode::Car, Mode::Van, Mode::Coach, Mode::Train, Mode::Plane]
            .into_iter()
            .map(|mode| {
                let (people, freight) = add(&Transport {
                    people_by: mode,
                    ..*self
                });
                (mode, people + freight)
            })
            .collect();
        Summary {
            people_kg,
            freight_kg,
            road_km: legs.iter().map(|(road, _)| road).sum(),
            by_mode,
        }
    }

    /// Kilograms of CO2e per road kilometre (with the plane's part at the road's circuity).
    pub fn kg_per_road_km(&self, circuity: f64) -> f64 {
        self.leg(1.0, 1.0 / circuity.max(1.0)).total_kg()
    }
}
