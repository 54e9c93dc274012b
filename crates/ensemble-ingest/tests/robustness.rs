//! Random and truncated inputs never panic: value readers, CSV files (any bytes, cut anywhere)
//! and JSON; amounts and dates written the usual ways read back to what was written.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{Datelike, NaiveDate};
use common::{Fixture, data};
use ensemble_ingest::ProfileChoice;
use ensemble_ingest::values::{self, DateOrder};
use ensemble_model::Cents;
use proptest::prelude::*;

const ORDERS: [DateOrder; 3] = [DateOrder::DayFirst, DateOrder::MonthFirst, DateOrder::YearFirst];

fn french_amount(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let digits = (abs / 100).to_string();
    let mut grouped = String::new();
    for (index, c) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped},{:02}\u{a0}$", abs % 100)
}

fn english_amount(cents: i64) -> String {
    let abs = cents.unsigned_abs();
    let digits = (abs / 100).to_string();
    let mut grouped = String::new();
    for (index, c) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}${grouped}.{:02}", abs % 100)
}

const FRENCH_MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

proptest! {
    #[test]
    fn value_readers_never_panic(text in ".{0,40}") {
        let _ = values::parse_amount(&text);
        let _ = values::parse_decimal(&text);
        let _ = values::parse_integer(&text);
        let _ = values::parse_bool(&text);
        let _ = values::parse_time(&text);
        for order in ORDERS {
            let _ = values::parse_date(&text, order);
            let _ = values::parse_datetime(&text, order, chrono_tz::America::Toronto);
        }
    }

    #[test]
    fn numeric_looking_text_never_panics(text in "[0-9 ,.$()/:hH-]{0,30}", serial in proptest::num::f64::ANY) {
        let _ = values::parse_amount(&text);
        let _ = values::parse_integer(&text);
        let _ = values::parse_date(&text, DateOrder::DayFirst);
        let _ = values::parse_datetime(&text, DateOrder::MonthFirst, chrono_tz::America::Toronto);
        let _ = values::date_from_serial(serial);
    }

    #[test]
    fn amounts_read_back(cents in -1_000_000_000_000i64..1_000_000_000_000i64) {
        prop_assert_eq!(values::parse_amount(&french_amount(cents)), Some(Cents(cents)));
        prop_assert_eq!(values::parse_amount(&english_amount(cents)), Some(Cents(cents)));
    }

    #[test]
    fn dates_read_back(days in 0i64..73_000) {
        let date = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days);
        prop_assume!(date.year() <= 2100);
        let iso = date.format("%Y-%m-%d").to_string();
        let dmy = date.format("%d/%m/%Y").to_string();
        let long = format!("{} {} {}", date.day(), FRENCH_MONTHS[date.month0() as usize], date.year());
        prop_assert_eq!(values::parse_date(&iso, DateOrder::DayFirst), Some(date));
        prop_assert_eq!(values::parse_date(&dmy, DateOrder::DayFirst), Some(date));
        prop_assert_eq!(values::parse_date(&long, DateOrder::DayFirst), Some(date));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any bytes, under any name, give a report or an error: never a panic.
    #[test]
    fn random_files_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000), csv in any::<bool>()) {
        let fixture = Fixture::new();
        let path = fixture.dir.path().join(if csv { "hasard.csv" } else { "hasard.json" });
        std::fs::write(&path, &bytes).unwrap();
        let _ = fixture.import(&path, ProfileChoice::Auto);
        let _ = fixture.import(&path, ProfileChoice::Named("generic-tickets".into()));
    }

    /// A real export cut at any byte, or with a byte changed, gives a report or an error.
    #[test]
    fn truncated_and_mutated_exports_never_panic(
        file in prop::sample::select(vec![
            "vendors/eventbrite-attendees-fr.csv",
            "vendors/generic-tickets-fr.csv",
            "vendors/tour-dates.xlsx",
            "vendors/spektrix-instances.json",
        ]),
        cut in 0.0f64..1.0,
        flip in any::<(usize, u8)>(),
    ) {
        let fixture = Fixture::new();
        let mut bytes = std::fs::read(data(file)).unwrap();
        let length = (bytes.len() as f64 * cut) as usize;
        bytes.truncate(length);
        if !bytes.is_empty() {
            let at = flip.0 % bytes.len();
            bytes[at] = flip.1;
        }
        let name = file.rsplit('/').next().unwrap();
        let path = fixture.dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let _ = fixture.import(&path, ProfileChoice::Auto);
    }
}
