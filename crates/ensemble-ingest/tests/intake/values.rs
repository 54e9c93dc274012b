//! Properties of the cell value readers: no input makes them panic, and amounts, numbers, dates
//! and moments written the usual ways read back to what was written.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeDelta};
use ensemble_ingest::values::{
    DateOrder, date_from_serial, parse_amount, parse_bool, parse_date, parse_datetime, parse_decimal, parse_integer,
    parse_time,
};
use ensemble_model::Cents;
use proptest::prelude::*;

const ORDERS: [DateOrder; 3] = [DateOrder::DayFirst, DateOrder::MonthFirst, DateOrder::YearFirst];

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

/// `digits` grouped by three with `separator`: `1 234 567`.
fn grouped(digits: u64, separator: char) -> String {
    let digits = digits.to_string();
    let mut text = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            text.push(separator);
        }
        text.push(digit);
    }
    text
}

/// `-1 234,56 $` with `space` between groups and before the dollar sign.
fn french_amount(cents: i64, space: char) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{},{:02}{space}$", grouped(abs / 100, space), abs % 100)
}

/// `-$1,234.56`.
fn english_amount(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}${}.{:02}", grouped(abs / 100, ','), abs % 100)
}

/// Any date from 1900-01-01 to 2100-12-31.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
    let span = NaiveDate::from_ymd_opt(2100, 12, 31)
        .unwrap()
        .signed_duration_since(first)
        .num_days();
    (0..=span).prop_map(move |days| first + TimeDelta::days(days))
}

/// Text that looks like the values the readers expect, to reach deeper than random text does.
fn value_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9 ,.$()/:hHTZ+-]{0,30}",
        "[0-9]{1,4}[-/.][0-9]{1,4}[-/.][0-9]{1,4}( [0-9]{1,2}[:h][0-9]{0,2})?",
        "(le )?[0-9]{1,3}(er)? (janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc)[a-zé.]{0,6} [0-9]{1,5}",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?",
        "\\(?-?(CA\\$|\\$|CAD)? ?[0-9\u{a0}\u{202f} ]{0,20}[,.]?[0-9]{0,4} ?(\\$|CAD|\\$ CA)?\\)?",
    ]
}

fn read_everything(text: &str) {
    let _ = parse_amount(text);
    let _ = parse_decimal(text);
    let _ = parse_integer(text);
    let _ = parse_bool(text);
    let _ = parse_time(text);
    for order in ORDERS {
        let _ = parse_date(text, order);
        for zone in [
            chrono_tz::America::Toronto,
            chrono_tz::UTC,
            chrono_tz::Australia::Lord_Howe,
        ] {
            let _ = parse_datetime(text, order, zone);
        }
    }
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        read_everything(&text);
    }

    #[test]
    fn value_like_text_never_panics(text in value_like()) {
        read_everything(&text);
    }

    #[test]
    fn any_serial_never_panics(serial in proptest::num::f64::ANY) {
        let _ = date_from_serial(serial);
    }

    #[test]
    fn whole_serials_are_consecutive_days(serial in 61u32..2_958_465) {
        let day = date_from_serial(f64::from(serial)).unwrap();
        let next = date_from_serial(f64::from(serial + 1)).unwrap();
        prop_assert_eq!(next - day, TimeDelta::days(1));
        prop_assert_eq!(day.time(), NaiveTime::MIN);
    }

    #[test]
    fn amounts_read_back(cents in -1_000_000_000_000i64..=1_000_000_000_000) {
        prop_assert_eq!(parse_amount(&french_amount(cents, '\u{a0}')), Some(Cents(cents)));
        prop_assert_eq!(parse_amount(&french_amount(cents, '\u{202f}')), Some(Cents(cents)));
        prop_assert_eq!(parse_amount(&french_amount(cents, ' ')), Some(Cents(cents)));
        prop_assert_eq!(parse_amount(&english_amount(cents)), Some(Cents(cents)));
    }

    #[test]
    fn integers_read_back(value in any::<i64>()) {
        let sign = if value < 0 { "-" } else { "" };
        prop_assert_eq!(parse_integer(&value.to_string()), Some(value));
        prop_assert_eq!(parse_integer(&format!("{sign}{}", grouped(value.unsigned_abs(), '\u{a0}'))), Some(value));
    }

    #[test]
    fn decimals_read_back(value in -1_000_000_000i64..1_000_000_000) {
        let expected = value as f64 / 100.0;
        let sign = if value < 0 { "-" } else { "" };
        let abs = value.unsigned_abs();
        let french = format!("{sign}{},{:02}", grouped(abs / 100, ' '), abs % 100);
        prop_assert_eq!(parse_decimal(&french), Some(expected));
        prop_assert_eq!(parse_decimal(&format!("{sign}{}.{:02}", abs / 100, abs % 100)), Some(expected));
    }

    #[test]
    fn dates_read_back(date in any_date()) {
        let iso = date.format("%Y-%m-%d").to_string();
        let day_first = date.format("%d/%m/%Y").to_string();
        let month_first = date.format("%m/%d/%Y").to_string();
        let french = format!("{} {} {}", date.day(), FRENCH_MONTHS[date.month0() as usize], date.year());
        let english = date.format("%A, %B %-d, %Y").to_string();
        for order in ORDERS {
            prop_assert_eq!(parse_date(&iso, order), Some(date));
            prop_assert_eq!(parse_date(&french, order), Some(date));
            prop_assert_eq!(parse_date(&english, order), Some(date));
        }
        prop_assert_eq!(parse_date(&day_first, DateOrder::DayFirst), Some(date));
        prop_assert_eq!(parse_date(&month_first, DateOrder::MonthFirst), Some(date));
        prop_assert_eq!(parse_date(&date.format("%Y%m%d").to_string(), DateOrder::DayFirst), Some(date));
    }

    #[test]
    fn moments_read_back(date in any_date(), seconds in 0u32..86_400, offset_minutes in -12 * 60..=14 * 60i32) {
        let local = date.and_time(NaiveTime::from_num_seconds_from_midnight_opt(seconds, 0).unwrap());
        let offset = chrono::FixedOffset::east_opt(offset_minutes * 60).unwrap();
        let moment: DateTime<chrono::FixedOffset> = local.and_local_timezone(offset).unwrap();
        let zone = chrono_tz::America::Toronto;
        prop_assert_eq!(parse_datetime(&moment.to_rfc3339(), DateOrder::DayFirst, zone), Some(moment));
        let utc = local.and_utc().fixed_offset();
        let written = local.format("%Y-%m-%d %H:%M:%S").to_string();
        prop_assert_eq!(parse_datetime(&written, DateOrder::DayFirst, chrono_tz::UTC), Some(utc));
        prop_assert_eq!(parse_date(&written, DateOrder::DayFirst), Some(date));
        let french = format!("{} à {}", local.format("%d/%m/%Y"), local.format("%H h %M"));
        prop_assert_eq!(
            parse_datetime(&french, DateOrder::DayFirst, chrono_tz::UTC),
            Some(utc - TimeDelta::seconds(i64::from(seconds % 60)))
        );
    }

    #[test]
    fn local_moments_keep_their_wall_clock_outside_gaps(date in any_date(), minutes in 0u32..1440) {
        let zone = chrono_tz::America::Toronto;
        let local = date.and_time(NaiveTime::from_num_seconds_from_midnight_opt(minutes * 60, 0).unwrap());
        let moment = parse_datetime(&local.format("%Y-%m-%dT%H:%M").to_string(), DateOrder::DayFirst, zone).unwrap();
        // Only a wall-clock time skipped by the spring change moves, and by exactly one hour.
        if moment.naive_local() != local {
            prop_assert_eq!(moment.naive_local(), local + TimeDelta::hours(1));
            prop_assert_eq!(moment.offset().local_minus_utc(), -4 * 3600);
        }
    }
}

#[test]
fn durations_are_read_in_minutes_or_as_iso_8601() {
    use ensemble_ingest::values::parse_minutes;
    for (text, minutes) in [
        ("90", Some(90)),
        (" 100 ", Some(100)),
        ("PT90M", Some(90)),
        ("pt1h30m", Some(90)),
        ("PT1H", Some(60)),
        ("PT5400S", Some(90)),
        ("PT89M40S", Some(90)),
        ("P0DT1H30M0S", Some(90)),
        ("P1D", Some(1440)),
        ("P1M", None),
        ("P1Y", None),
        ("PT90Mx", None),
        ("quatre-vingt-dix", None),
        ("-5", None),
        ("", None),
    ] {
        assert_eq!(parse_minutes(text), minutes, "{text}");
    }
}

proptest! {
    #[test]
    fn any_duration_text_is_read_or_refused_without_panic(text in "\\PC{0,24}") {
        let _ = ensemble_ingest::values::parse_minutes(&text);
    }
}
