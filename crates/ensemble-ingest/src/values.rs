//! Cell values as Québec organisations type them in spreadsheets and ticketing exports: amounts
//! (`1 234,56 $`, `$1,234.56`), decimals, whole numbers, yes/no, dates (`28/11/2026`,
//! `2026-11-28`, `28 novembre 2026`, `November 28, 2026`), times (`19 h 30`, `7:30 PM`) and
//! moments. Every function returns `None` for what it cannot read with confidence and never
//! panics.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use ensemble_model::Cents;
use ensemble_model::geo::fold_name;

/// How to read an all-numeric date such as 03/04/2026.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateOrder {
    /// 03/04/2026 is 3 April (Québec's usual order).
    #[default]
    DayFirst,
    /// 03/04/2026 is 4 March.
    MonthFirst,
    /// 2026/04/03 is 3 April.
    YearFirst,
}

/// Spaces that separate thousands: ordinary, no-break and narrow no-break.
fn is_space(c: char) -> bool {
    c == ' ' || c == '\u{a0}' || c == '\u{202f}' || c == '\u{2009}'
}

/// Money, to cents.
pub fn parse_amount(text: &str) -> Option<Cents> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return None;
    }
    let folded = fold_name(trimmed);
    if matches!(folded.as_str(), "gratuit" | "free" | "gratuite") {
        return Some(Cents(0));
    }
    let mut body = trimmed.to_string();
    let mut negative = false;
    if body.starts_with('(') && body.ends_with(')') {
        negative = true;
        body = body[1..body.len() - 1].to_string();
    }
    let english = body.trim_start().starts_with('$') || body.trim_start().starts_with("CA$");
    // Currency markers, longest first.
    for marker in ["$ CA", "$CA", "CA$", "CAD", "CA", "$"] {
        body = body.replace(marker, " ");
    }
    let body = body.trim();
    let (negative, body) = match body.strip_prefix('-') {
        Some(rest) => (true, rest.trim()),
        None => (negative, body),
    };
    let decimal = decimal_digits(body, english)?;
    let cents = round_cents(&decimal)?;
    Some(Cents(if negative { -cents } else { cents }))
}

/// Normalises a number with thousands separators and a decimal comma or point to
/// `digits[.digits]`; `english` says a lone comma followed by three digits is a thousands mark.
fn decimal_digits(text: &str, english: bool) -> Option<String> {
    let text: String = text.chars().filter(|c| !is_space(*c)).collect();
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.') {
        return None;
    }
    if !text.starts_with(|c: char| c.is_ascii_digit()) && !text.starts_with(['.', ',']) {
        return None;
    }
    let commas = text.matches(',').count();
    let dots = text.matches('.').count();
    let normalised = match (commas, dots) {
        (0, 0) => text,
        (0, 1) => text,
        (1, 0) => {
            let (int, frac) = text.split_once(',')?;
            if english && frac.len() == 3 && (1..=3).contains(&int.len()) {
                format!("{int}{frac}")
            } else {
                format!("{int}.{frac}")
            }
        }
        (_, 0) => thousands(&text, ',')?,
        (0, _) => thousands(&text, '.')?,
        _ => {
            // Both: the last one is the decimal mark.
            let last_comma = text.rfind(',')?;
            let last_dot = text.rfind('.')?;
            let (group, mark) = if last_comma > last_dot { ('.', ',') } else { (',', '.') };
            let (int, frac) = text.rsplit_once(mark)?;
            if int.contains(mark) || frac.contains(group) {
                return None;
            }
            format!("{}.{frac}", thousands(int, group)?)
        }
    };
    let (int, frac) = normalised.split_once('.').unwrap_or((&normalised, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    Some(normalised)
}

/// `1,234,567` with `,` as the group mark: groups of three after the first.
fn thousands(text: &str, mark: char) -> Option<String> {
    let parts: Vec<&str> = text.split(mark).collect();
    let first = parts.first()?;
    if first.is_empty() || first.len() > 3 || parts[1..].iter().any(|p| p.len() != 3) {
        return None;
    }
    Some(parts.concat())
}

/// Cents from `digits[.digits]`, rounded half away from zero.
fn round_cents(decimal: &str) -> Option<i64> {
    let (int, frac) = decimal.split_once('.').unwrap_or((decimal, ""));
    let int: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut frac_digits = frac.bytes().map(|b| i64::from(b - b'0'));
    let tens = frac_digits.next().unwrap_or(0);
    let units = frac_digits.next().unwrap_or(0);
    let round = i64::from(frac_digits.next().unwrap_or(0) >= 5);
    int.checked_mul(100)?.checked_add(tens * 10 + units + round)
}

/// A decimal number (`3,5`, `3.5`, `1 234,5`, `-0,25`).
pub fn parse_decimal(text: &str) -> Option<f64> {
    let trimmed = text.trim();
    let (negative, body) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest.trim()),
        None => (false, trimmed),
    };
    let value: f64 = decimal_digits(body, false)?.parse().ok()?;
    value.is_finite().then_some(if negative { -value } else { value })
}

/// A whole number (`1 234`, `12`, `12,0`, `-3`).
pub fn parse_integer(text: &str) -> Option<i64> {
    let trimmed = text.trim();
    let (negative, body) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest.trim()),
        None => (false, trimmed),
    };
    let decimal = decimal_digits(body, false)?;
    let (int, frac) = decimal.split_once('.').unwrap_or((&decimal, ""));
    if frac.bytes().any(|b| b != b'0') || int.is_empty() {
        return None;
    }
    let value: i64 = int.parse().ok()?;
    Some(if negative { -value } else { value })
}

/// Yes or no, in French or English (`oui`, `non`, `vrai`, `True`, `1`, `x`, `✓`).
pub fn parse_bool(text: &str) -> Option<bool> {
    let trimmed = text.trim();
    if trimmed == "✓" || trimmed == "✔" {
        return Some(true);
    }
    match fold_name(trimmed).as_str() {
        "oui" | "o" | "vrai" | "true" | "yes" | "y" | "1" | "x" | "coche" | "t" => Some(true),
        "non" | "n" | "faux" | "false" | "no" | "0" | "f" => Some(false),
        _ => None,
    }
}

const MONTHS: &[(&str, u32)] = &[
    ("janvier", 1),
    ("janv", 1),
    ("jan", 1),
    ("january", 1),
    ("fevrier", 2),
    ("fevr", 2),
    ("fev", 2),
    ("february", 2),
    ("feb", 2),
    ("mars", 3),
    ("march", 3),
    ("mar", 3),
    ("avril", 4),
    ("avr", 4),
    ("april", 4),
    ("apr", 4),
    ("mai", 5),
    ("may", 5),
    ("juin", 6),
    ("june", 6),
    ("jun", 6),
    ("juillet", 7),
    ("juil", 7),
    ("july", 7),
    ("jul", 7),
    ("aout", 8),
    ("august", 8),
    ("aug", 8),
    ("septembre", 9),
    ("sept", 9),
    ("sep", 9),
    ("september", 9),
    ("octobre", 10),
    ("oct", 10),
    ("october", 10),
    ("novembre", 11),
    ("nov", 11),
    ("november", 11),
    ("decembre", 12),
    ("dec", 12),
    ("december", 12),
];

const WEEKDAYS: &[&str] = &[
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "lun",
    "mar",
    "mer",
    "jeu",
    "ven",
    "sam",
    "dim",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "le",
    "the",
];

fn month(word: &str) -> Option<u32> {
    MONTHS.iter().find(|(name, _)| *name == word).map(|(_, m)| *m)
}

fn year_of(text: &str) -> Option<i32> {
    let value: i32 = text.parse().ok()?;
    match text.len() {
        2 => Some(if value < 70 { 2000 + value } else { 1900 + value }),
        4 => Some(value),
        _ => None,
    }
}

fn make_date(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    if !(1900..=2100).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Splits a text into its date part and the rest (a time), at `T`, a space before digits and a
/// colon or `h`, ` à `, ` at `, `,` or ` - `.
fn split_date_time(text: &str) -> (&str, Option<&str>) {
    let text = text.trim();
    // ISO `2026-11-28T19:30`.
    if let Some(index) = text.find('T')
        && index >= 8
        && text[..index]
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'-' || b == b'/')
    {
        return (&text[..index], Some(&text[index + 1..]));
    }
    for separator in [" à ", " a ", " at ", " @ ", " - "] {
        if let Some(index) = text.find(separator) {
            let rest = &text[index + separator.len()..];
            if parse_time(rest).is_some() {
                return (&text[..index], Some(rest));
            }
        }
    }
    // The time is the last words that read as a time.
    let words: Vec<(usize, &str)> = text.match_indices([' ', ',']).collect();
    for (index, _) in words {
        let rest = text[index + 1..].trim();
        if !rest.is_empty() && rest.contains([':', 'h', 'H', 'm', 'M']) && parse_time(rest).is_some() {
            return (text[..index].trim_end_matches([',', ' ']), Some(rest));
        }
    }
    (text, None)
}

/// A date, in the orders and languages Québec organisations write; a trailing time is ignored.
pub fn parse_date(text: &str, order: DateOrder) -> Option<NaiveDate> {
    let (date, _) = split_date_time(text);
    parse_date_only(date.trim(), order)
}

fn parse_date_only(text: &str, order: DateOrder) -> Option<NaiveDate> {
    if text.is_empty() {
        return None;
    }
    if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        return make_date(
            text[..4].parse().ok()?,
            text[4..6].parse().ok()?,
            text[6..].parse().ok()?,
        );
    }
    let numeric: Vec<&str> = text.split(['-', '/', '.']).collect();
    if numeric.len() == 3
        && numeric
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return numeric_date(&numeric, order);
    }
    words_date(text)
}

fn numeric_date(parts: &[&str], order: DateOrder) -> Option<NaiveDate> {
    let number = |p: &str| p.parse::<u32>().ok();
    if parts[0].len() == 4 {
        return make_date(year_of(parts[0])?, number(parts[1])?, number(parts[2])?);
    }
    let year = year_of(parts[2])?;
    let (a, b) = (number(parts[0])?, number(parts[1])?);
    let (day, month) = match order {
        MonthFirst => (b, a),
        DayFirst | YearFirst => (a, b),
    };
    // A first number above 12 can only be a day; a second above 12 only a day too.
    let (day, month) = if month > 12 && day <= 12 {
        (month, day)
    } else {
        (day, month)
    };
    make_date(year, month, day)
}

use DateOrder::{DayFirst, MonthFirst, YearFirst};

fn words_date(text: &str) -> Option<NaiveDate> {
    let folded = fold_name(text);
    let words: Vec<&str> = folded
        .split(' ')
        .filter(|w| !w.is_empty() && !WEEKDAYS.contains(w) || month(w).is_some())
        .collect();
    let mut day = None;
    let mut month_number = None;
    let mut year = None;
    for word in words {
        if let Some(m) = month(word)
            && month_number.is_none()
        {
            month_number = Some(m);
        } else if let Some(d) = word
            .strip_suffix("er")
            .or(Some(word))
            .and_then(|w| w.parse::<u32>().ok())
            && word.len() <= 4
        {
            if word.len() == 4 {
                year = Some(d as i32);
            } else if day.is_none() {
                day = Some(d);
            } else {
                return None;
            }
        } else if let Some(d) = word
            .strip_suffix("st")
            .or(word.strip_suffix("nd"))
            .or(word.strip_suffix("rd"))
            .or(word.strip_suffix("th"))
            .and_then(|w| w.parse::<u32>().ok())
        {
            day = Some(d);
        } else {
            return None;
        }
    }
    make_date(year?, month_number?, day?)
}

/// A time of day (`19:30`, `19 h 30`, `19h`, `7:30 PM`, `7 p.m.`).
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let folded = text.trim().to_lowercase().replace('.', "");
    let folded = folded.trim();
    if folded.is_empty() {
        return None;
    }
    let (body, meridiem) = if let Some(rest) = folded.strip_suffix("pm") {
        (rest.trim(), Some(true))
    } else if let Some(rest) = folded.strip_suffix("am") {
        (rest.trim(), Some(false))
    } else {
        (folded, None)
    };
    let body: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let parts: Vec<&str> = if body.contains(':') {
        body.split(':').collect()
    } else if body.contains('h') {
        body.splitn(2, 'h').collect()
    } else if meridiem.is_some() {
        vec![body.as_str()]
    } else {
        return None;
    };
    let number = |p: &str| -> Option<u32> {
        if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
            None
        } else {
            p.parse().ok()
        }
    };
    let hour = number(parts.first()?)?;
    let minute = match parts.get(1) {
        Some(&"") => 0,
        Some(p) => number(p)?,
        None => 0,
    };
    let second = match parts.get(2) {
        Some(p) => number(p)?,
        None => 0,
    };
    if parts.len() > 3 {
        return None;
    }
    let hour = match meridiem {
        Some(pm) if (1..=12).contains(&hour) => hour % 12 + if pm { 12 } else { 0 },
        Some(_) => return None,
        None => hour,
    };
    NaiveTime::from_hms_opt(hour, minute, second)
}

/// A moment: with an explicit offset (`2026-11-28T19:30:00-05:00`, `...Z`) it is kept; a local
/// date-time is placed in `zone` (the earlier instant when ambiguous at a DST change, one hour
/// later when it falls in a gap). A date alone means midnight local.
pub fn parse_datetime(text: &str, order: DateOrder, zone: chrono_tz::Tz) -> Option<DateTime<FixedOffset>> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return None;
    }
    if let Some(local) = iso_local(trimmed) {
        return in_zone(local, zone);
    }
    if let Ok(moment) = DateTime::parse_from_rfc3339(trimmed) {
        return (1900..=2100).contains(&moment.year()).then_some(moment);
    }
    for format in [
        "%Y-%m-%d %H:%M:%S%:z",
        "%Y-%m-%d %H:%M:%S%z",
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%d %H:%M%:z",
    ] {
        if let Ok(moment) = DateTime::parse_from_str(trimmed, format) {
            return (1900..=2100).contains(&moment.year()).then_some(moment);
        }
    }
    let (date_text, time_text) = split_date_time(trimmed);
    let date = parse_date_only(date_text.trim(), order)?;
    let time = match time_text {
        Some(time) => parse_time(time.trim_end_matches('Z'))?,
        None => NaiveTime::MIN,
    };
    let local = date.and_time(time);
    if time_text.is_some_and(|t| t.ends_with('Z')) {
        return Some(chrono::Utc.from_utc_datetime(&local).fixed_offset());
    }
    in_zone(local, zone)
}

/// A local date-time placed in a zone: the earlier instant when ambiguous, one hour later in a gap.
fn in_zone(local: NaiveDateTime, zone: chrono_tz::Tz) -> Option<DateTime<FixedOffset>> {
    zone.from_local_datetime(&local)
        .earliest()
        .or_else(|| zone.from_local_datetime(&(local + Duration::hours(1))).earliest())
        .map(|moment| moment.fixed_offset())
}

/// The common export form `2026-11-28 19:30[:00]` (or with `T`), read without a format parser.
fn iso_local(text: &str) -> Option<NaiveDateTime> {
    let bytes = text.as_bytes();
    if !(bytes.len() == 16 || bytes.len() == 19)
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || !(bytes[10] == b' ' || bytes[10] == b'T')
        || bytes[13] != b':'
        || (bytes.len() == 19 && bytes[16] != b':')
    {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok())?
    };
    let date = make_date(number(0..4)? as i32, number(5..7)?, number(8..10)?)?;
    let seconds = if bytes.len() == 19 { number(17..19)? } else { 0 };
    Some(date.and_time(NaiveTime::from_hms_opt(number(11..13)?, number(14..16)?, seconds)?))
}

/// A date from a spreadsheet serial number (1900 date system as in Excel and LibreOffice, where
/// 45000 is 2023-03-15); the fractional part is the time of day.
pub fn date_from_serial(serial: f64) -> Option<NaiveDateTime> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) || serial.trunc() == 60.0 {
        return None;
    }
    let days = serial.trunc() as i64;
    // Serials before the fictitious 1900-02-29 are one day off the others.
    let epoch = NaiveDate::from_ymd_opt(1899, 12, if days < 60 { 31 } else { 30 })?;
    let date = epoch.checked_add_signed(Duration::days(days))?;
    let seconds = ((serial.fract() * 86_400.0).round() as u32).min(86_399);
    Some(date.and_time(NaiveTime::from_num_seconds_from_midnight_opt(seconds, 0)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn amounts_as_they_are_typed() {
        let cases = [
            ("1 234,56 $", 123_456),
            ("1\u{a0}234,56\u{a0}$", 123_456),
            ("1\u{202f}234,56$", 123_456),
            ("1234,56", 123_456),
            ("$1,234.56", 123_456),
            ("1,234.56", 123_456),
            ("1234.5", 123_450),
            ("12 $", 1_200),
            ("12$", 1_200),
            ("-12,50 $", -1_250),
            ("(12.50)", -1_250),
            ("CA$ 12.50", 1_250),
            ("12.50 CAD", 1_250),
            ("CAD 12,50", 1_250),
            ("1.234,56", 123_456),
            ("0,00 $", 0),
            ("gratuit", 0),
            ("Free", 0),
            ("12,345", 1_235),
            ("$12,345", 1_234_500),
            ("45", 4_500),
        ];
        for (text, cents) in cases {
            assert_eq!(parse_amount(text), Some(Cents(cents)), "{text}");
        }
        for text in ["", "  ", "douze", "12 pommes", "1,2,3", "$", "--12", "1.2.3,4,5"] {
            assert_eq!(parse_amount(text), None, "{text}");
        }
    }

    #[test]
    fn decimals_and_integers() {
        assert_eq!(parse_decimal("3,5"), Some(3.5));
        assert_eq!(parse_decimal("1 234,5"), Some(1234.5));
        assert_eq!(parse_decimal("-0,25"), Some(-0.25));
        assert_eq!(parse_decimal("45.5017"), Some(45.5017));
        assert_eq!(parse_integer("1 234"), Some(1234));
        assert_eq!(parse_integer("12,0"), Some(12));
        assert_eq!(parse_integer("-3"), Some(-3));
        assert_eq!(parse_integer("12,5"), None);
        assert_eq!(parse_integer("deux"), None);
    }

    #[test]
    fn booleans() {
        for text in ["oui", "O", "Vrai", "True", "TRUE", "yes", "1", "x", "✓", "coché"] {
            assert_eq!(parse_bool(text), Some(true), "{text}");
        }
        for text in ["non", "n", "faux", "false", "No", "0"] {
            assert_eq!(parse_bool(text), Some(false), "{text}");
        }
        assert_eq!(parse_bool("peut-être"), None);
    }

    #[test]
    fn dates_in_every_usual_form() {
        let d = date(2026, 11, 28);
        for text in [
            "2026-11-28",
            "2026/11/28",
            "20261128",
            "28/11/2026",
            "28-11-2026",
            "28.11.2026",
            "28/11/26",
            "11/28/2026",
            "28 novembre 2026",
            "28 nov. 2026",
            "le samedi 28 novembre 2026",
            "November 28, 2026",
            "Nov 28, 2026",
            "28 Nov 2026",
            "Saturday, November 28, 2026",
            "2026-11-28 19:30",
            "2026-11-28T19:30:00",
        ] {
            assert_eq!(parse_date(text, DateOrder::DayFirst), Some(d), "{text}");
        }
        assert_eq!(parse_date("1er décembre 2026", DayFirst), Some(date(2026, 12, 1)));
        assert_eq!(parse_date("28 févr. 2026", DayFirst), Some(date(2026, 2, 28)));
        assert_eq!(parse_date("3 août 2026", DayFirst), Some(date(2026, 8, 3)));
        assert_eq!(parse_date("3 aout 2026", DayFirst), Some(date(2026, 8, 3)));
        assert_eq!(parse_date("3 juil. 2026", DayFirst), Some(date(2026, 7, 3)));
        assert_eq!(parse_date("3/4/2026", DayFirst), Some(date(2026, 4, 3)));
        assert_eq!(parse_date("3/4/2026", MonthFirst), Some(date(2026, 3, 4)));
        assert_eq!(parse_date("2026/04/03", YearFirst), Some(date(2026, 4, 3)));
        for text in [
            "31/02/2026",
            "2026-13-01",
            "1850-01-01",
            "demain",
            "",
            "28 novembre",
            "32/01/2026",
        ] {
            assert_eq!(parse_date(text, DayFirst), None, "{text}");
        }
    }

    #[test]
    fn times() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        for (text, time) in [
            ("19:30", t(19, 30)),
            ("19:30:00", t(19, 30)),
            ("19 h 30", t(19, 30)),
            ("19h30", t(19, 30)),
            ("19 h", t(19, 0)),
            ("19h", t(19, 0)),
            ("7:30 PM", t(19, 30)),
            ("7:30 p.m.", t(19, 30)),
            ("7 pm", t(19, 0)),
            ("12:00 AM", t(0, 0)),
            ("12 h 00", t(12, 0)),
        ] {
            assert_eq!(parse_time(text), Some(time), "{text}");
        }
        for text in ["25:00", "19:75", "soir", "13 pm", "7"] {
            assert_eq!(parse_time(text), None, "{text}");
        }
    }

    #[test]
    fn moments_with_and_without_offsets() {
        let zone = chrono_tz::America::Toronto;
        let expected = DateTime::parse_from_rfc3339("2026-11-28T19:30:00-05:00").unwrap();
        for text in [
            "2026-11-28T19:30:00-05:00",
            "2026-11-29T00:30:00Z",
            "2026-11-28 19:30:00",
            "28/11/2026 19 h 30",
            "November 28, 2026 at 7:30 PM",
            "28 novembre 2026 à 19 h 30",
            "2026-11-28, 19:30",
        ] {
            assert_eq!(parse_datetime(text, DayFirst, zone), Some(expected), "{text}");
        }
        // A date alone is midnight local.
        assert_eq!(
            parse_datetime("2026-11-28", DayFirst, zone),
            DateTime::parse_from_rfc3339("2026-11-28T00:00:00-05:00").ok()
        );
        // 02:30 on 8 March 2026 does not exist in Toronto: one hour later.
        assert_eq!(
            parse_datetime("2026-03-08 02:30", DayFirst, zone),
            DateTime::parse_from_rfc3339("2026-03-08T03:30:00-04:00").ok()
        );
        // 01:30 on 1 November 2026 happens twice: the earlier one.
        assert_eq!(
            parse_datetime("2026-11-01 01:30", DayFirst, zone),
            DateTime::parse_from_rfc3339("2026-11-01T01:30:00-04:00").ok()
        );
        assert_eq!(parse_datetime("31/02/2026 19:30", DayFirst, zone), None);
    }

    #[test]
    fn spreadsheet_serials() {
        let at = |text: &str| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(date_from_serial(45000.75), Some(at("2023-03-15 18:00")));
        assert_eq!(date_from_serial(1.0), Some(at("1900-01-01 00:00")));
        assert_eq!(date_from_serial(61.0), Some(at("1900-03-01 00:00")));
        assert_eq!(date_from_serial(60.0), None);
        assert_eq!(date_from_serial(0.5), None);
        assert_eq!(date_from_serial(f64::NAN), None);
    }
}
