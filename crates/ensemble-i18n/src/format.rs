//! Numbers, money, dates and times as Québec writes them in French (`1 234,56 $`,
//! `28 novembre 2026`, `19 h 30`) and as Canadian English writes them (`$1,234.56`,
//! `November 28, 2026`, `19:30`). Times are on the 24-hour clock.

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};

use crate::Lang;

const MONTHS_FR: [&str; 12] = [
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
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A whole number with its thousands grouped: `1 234 567` (narrow no-break spaces) or `1,234,567`.
pub fn integer(lang: Lang, value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let separator = match lang {
        Lang::Fr => '\u{202f}',
        Lang::En => ',',
    };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (index, c) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// A number as a table shows it: whole numbers grouped (`1 234`), others with one decimal
/// (`61,5` / `61.5`).
pub fn decimal(lang: Lang, value: f64) -> String {
    let tenths = (value * 10.0).round() as i64;
    if tenths % 10 == 0 {
        return integer(lang, tenths / 10);
    }
    let point = match lang {
        Lang::Fr => ',',
        Lang::En => '.',
    };
    let sign = if tenths < 0 { "-" } else { "" };
    let whole = integer(lang, tenths.abs() / 10);
    format!("{sign}{whole}{point}{}", tenths.abs() % 10)
}

/// A weight with one decimal and its sign: `+8,9` / `-5,5` or `+8.9` / `-5.5`.
pub fn weight(lang: Lang, value: f64) -> String {
    let text = format!("{value:+.1}");
    match lang {
        Lang::Fr => text.replace('.', ","),
        Lang::En => text,
    }
}

/// An amount in cents: `1 234,56 $` or `$1,234.56` (negative: `-1 234,56 $`, `-$1,234.56`).
pub fn money(lang: Lang, cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let whole = integer(lang, (cents.unsigned_abs() / 100).min(i64::MAX as u64) as i64);
    let fraction = cents.unsigned_abs() % 100;
    match lang {
        Lang::Fr => format!("{sign}{whole},{fraction:02}\u{a0}$"),
        Lang::En => format!("{sign}${whole}.{fraction:02}"),
    }
}

/// A date: `28 novembre 2026` (`1er` for the first of the month) or `November 28, 2026`.
pub fn date(lang: Lang, date: NaiveDate) -> String {
    let month = date.month0() as usize;
    match lang {
        Lang::Fr if date.day() == 1 => format!("1er {} {}", MONTHS_FR[month], date.year()),
        Lang::Fr => format!("{} {} {}", date.day(), MONTHS_FR[month], date.year()),
        Lang::En => format!("{} {}, {}", MONTHS_EN[month], date.day(), date.year()),
    }
}

/// A month of a year: `septembre 2025` or `September 2025` (`month` from 1 to 12).
pub fn month(lang: Lang, year: i32, month: u32) -> String {
    let index = (month.clamp(1, 12) - 1) as usize;
    match lang {
        Lang::Fr => format!("{} {year}", MONTHS_FR[index]),
        Lang::En => format!("{} {year}", MONTHS_EN[index]),
    }
}

/// A time on the 24-hour clock: `19 h 30` (`19 h` on the hour) or `19:30`.
pub fn time(lang: Lang, time: NaiveTime) -> String {
    match lang {
        Lang::Fr if time.minute() == 0 => format!("{} h", time.hour()),
        Lang::Fr => format!("{} h {:02}", time.hour(), time.minute()),
        Lang::En => format!("{}:{:02}", time.hour(), time.minute()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months() {
        assert_eq!(month(Lang::Fr, 2025, 9), "septembre 2025");
        assert_eq!(month(Lang::En, 2026, 1), "January 2026");
    }

    #[test]
    fn quebec_forms() {
        assert_eq!(integer(Lang::Fr, 1_234_567), "1\u{202f}234\u{202f}567");
        assert_eq!(integer(Lang::En, -1_234), "-1,234");
        assert_eq!(integer(Lang::Fr, 12), "12");
        assert_eq!(money(Lang::Fr, 123_456), "1\u{202f}234,56\u{a0}$");
        assert_eq!(money(Lang::En, 123_456), "$1,234.56");
        assert_eq!(money(Lang::Fr, -5), "-0,05\u{a0}$");
        assert_eq!(money(Lang::En, i64::MIN), "-$92,233,720,368,547,758.08");
        let day = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(date(Lang::Fr, day), "28 novembre 2026");
        assert_eq!(date(Lang::En, day), "November 28, 2026");
        assert_eq!(
            date(Lang::Fr, NaiveDate::from_ymd_opt(2027, 8, 1).unwrap()),
            "1er août 2027"
        );
        assert_eq!(time(Lang::Fr, NaiveTime::from_hms_opt(19, 30, 0).unwrap()), "19 h 30");
        assert_eq!(time(Lang::Fr, NaiveTime::from_hms_opt(20, 0, 0).unwrap()), "20 h");
        assert_eq!(time(Lang::En, NaiveTime::from_hms_opt(9, 5, 0).unwrap()), "9:05");
    }
}
