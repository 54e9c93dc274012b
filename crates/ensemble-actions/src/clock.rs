//! The consortium's one clock: what "now" and "today" mean for every grant, deadline, season,
//! release, retention and plan. Today is the date on the consortium's wall clock (Québec's by
//! default), never the UTC date: an agreement ending on a day ends at midnight in Montréal.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use chrono_tz::Tz;

/// The environment variable that names the consortium's time zone (an IANA name).
pub const TIME_ZONE_VARIABLE: &str = "ENSEMBLE_TIME_ZONE";

/// The consortium's clock: its time zone, and the real time or, in tests, a fixed moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    zone: Tz,
    fixed: Option<DateTime<Utc>>,
}

impl Default for Clock {
    /// Québec's time (America/Toronto in the IANA database), running.
    fn default() -> Self {
        Clock {
            zone: chrono_tz::America::Toronto,
            fixed: None,
        }
    }
}

impl Clock {
    /// The running clock of a time zone.
    pub fn new(zone: Tz) -> Clock {
        Clock { zone, fixed: None }
    }

    /// The clock of the zone named in `ENSEMBLE_TIME_ZONE`, or Québec's when it is not set; an
    /// unknown name is refused with the name.
    pub fn from_environment() -> Result<Clock, UnknownTimeZone> {
        match std::env::var(TIME_ZONE_VARIABLE) {
            Ok(name) if !name.trim().is_empty() => Clock::named(&name),
            _ => Ok(Clock::default()),
        }
    }

    /// The running clock of a zone given by its IANA name.
    pub fn named(name: &str) -> Result<Clock, UnknownTimeZone> {
        name.trim()
            .parse::<Tz>()
            .map(Clock::new)
            .map_err(|_| UnknownTimeZone(name.to_string()))
    }

    /// A clock stopped at `moment` (tests, and replays).
    pub fn fixed(zone: Tz, moment: DateTime<Utc>) -> Clock {
        Clock {
            zone,
            fixed: Some(moment),
        }
    }

    /// The same clock stopped at noon of `day` on its wall clock (a command run as of a day).
    pub fn on(self, day: NaiveDate) -> Clock {
        let noon = day
            .and_hms_opt(12, 0, 0)
            .and_then(|noon| noon.and_local_timezone(self.zone).earliest())
            .map_or_else(|| self.now(), |moment| moment.with_timezone(&Utc));
        Clock::fixed(self.zone, noon)
    }

    /// The consortium's time zone.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// Now.
    pub fn now(&self) -> DateTime<Utc> {
        self.fixed.unwrap_or_else(Utc::now)
    }

    /// Now, on the consortium's wall clock (with its offset from UTC).
    pub fn local_now(&self) -> DateTime<FixedOffset> {
        self.now().with_timezone(&self.zone).fixed_offset()
    }

    /// Today, on the consortium's wall clock.
    pub fn today(&self) -> NaiveDate {
        self.now().with_timezone(&self.zone).date_naive()
    }
}

/// A time zone name that the IANA database does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown time zone {0}")]
pub struct UnknownTimeZone(pub String);

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn today_is_the_date_in_montreal_not_in_greenwich() {
        // 23:30 in Montréal on March 31 is 03:30 UTC on April 1.
        let moment = Utc.with_ymd_and_hms(2026, 4, 1, 3, 30, 0).single().unwrap_or_default();
        let clock = Clock::fixed(chrono_tz::America::Toronto, moment);
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2026, 3, 31).unwrap_or_default());
        assert_eq!(
            clock.now().date_naive(),
            NaiveDate::from_ymd_opt(2026, 4, 1).unwrap_or_default()
        );
        let paris = Clock::fixed(chrono_tz::Europe::Paris, moment);
        assert_eq!(paris.today(), NaiveDate::from_ymd_opt(2026, 4, 1).unwrap_or_default());
    }

    #[test]
    fn a_zone_is_named_by_its_iana_name() {
        assert_eq!(
            Clock::named("America/Vancouver").map(|c| c.zone()),
            Ok(chrono_tz::America::Vancouver)
        );
        assert_eq!(
            Clock::named("Mars/Olympus"),
            Err(UnknownTimeZone("Mars/Olympus".into()))
        );
    }
}
