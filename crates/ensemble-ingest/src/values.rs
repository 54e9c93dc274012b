//! Cell values as Québec organisations type them in spreadsheets and ticketing exports: amounts
//! (`1 234,56 $`, `$1,234.56`), decimals, whole numbers, yes/no, dates (`28/11/2026`,
//! `2026-11-28`, `28 novembre 2026`, `November 28, 2026`), times (`19 h 30`, `7:30 PM`), moments
//! and spreadsheet serial dates.
//!
//! Every reader returns `None` for empty text and for anything it cannot read with confidence
//! (`1,234` is not a whole number: one thousand two hundred thirty-four in English, one point
//! two three four in French), and never panics: lengths are bounded and arithmetic is checked.

use chrono::{DateTime, Days, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone};
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
    /// 2026/04/03 (and 26/04/03) is 3 April.
    YearFirst,
}

// ---------------------------------------------------------------------------------------------
// Numbers and amounts

/// Words that mean an amount of zero.
const FREE: [&str; 3] = ["gratuit", "gratuite", "free"];

/// Currency markers accepted before or after an amount, longest first; all mean Canadian dollars.
const CURRENCY_MARKERS: [&str; 6] = ["$ CA", "$CA", "CA$", "CAD", "CA", "$"];

/// Spaces that separate thousands: ordinary, no-break, narrow no-break and thin.
fn is_group_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}')
}

/// The digits of an unsigned number as written, without its separators.
struct Digits {
    int: String,
    frac: String,
    /// A lone `,` or `.` followed by exactly three digits (`1,234`, `1.234`): a decimal mark or
    /// a thousands separator depending on who typed it.
    ambiguous: bool,
}

/// Reads `1 234,56`, `1,234.56`, `1.234,56`, `1234.5`; `english` says that a lone comma followed
/// by three digits after one to three digits (`1,234`) separates thousands.
fn read_unsigned(text: &str, english: bool) -> Option<Digits> {
    let text = text.trim();
    if text.is_empty()
        || !text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.') || is_group_space(c))
    {
        return None;
    }
    let (commas, dots) = (text.matches(',').count(), text.matches('.').count());
    let mark = match (commas, dots) {
        (0, 0) => None,
        (1, 0) => {
            let (int, frac) = text.split_once(',')?;
            let thousands = english && frac.len() == 3 && (1..=3).contains(&int.len());
            (!thousands || !int.bytes().all(|b| b.is_ascii_digit())).then_some(',')
        }
        (0, 1) => Some('.'),
        (_, 0) | (0, _) => None,
        _ if text.rfind(',') > text.rfind('.') => Some(','),
        _ => Some('.'),
    };
    let (int, frac) = match mark {
        Some(mark) => text.rsplit_once(mark)?,
        None => (text, ""),
    };
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ambiguous = mark.is_some() && commas + dots == 1 && frac.len() == 3 && !int.contains(is_group_space);
    let int = ungroup(int)?;
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    Some(Digits {
        int,
        frac: frac.to_string(),
        ambiguous,
    })
}

/// The digits of an integer part grouped by thousands with one kind of separator (`1 234 567`,
/// `1,234,567`, `1.234.567`): one to three digits, then groups of exactly three.
fn ungroup(int: &str) -> Option<String> {
    let mut separators = int.chars().filter(|c| !c.is_ascii_digit());
    if let Some(first) = separators.next() {
        let same_kind = |c: char| c == first || (is_group_space(c) && is_group_space(first));
        if !separators.all(same_kind) {
            return None;
        }
        let mut groups = int.split(|c: char| !c.is_ascii_digit());
        let lead = groups.next()?;
        if !(1..=3).contains(&lead.len()) || !groups.all(|group| group.len() == 3) {
            return None;
        }
    }
    Some(int.chars().filter(char::is_ascii_digit).collect())
}

/// A leading sign: `Some(true)` for a minus (`-` or `−`), `Some(false)` for a plus.
fn split_sign(text: &str) -> (Option<bool>, &str) {
    let text = text.trim();
    match text.chars().next() {
        Some(c @ ('-' | '−' | '+')) => (Some(c != '+'), text[c.len_utf8()..].trim_start()),
        _ => (None, text),
    }
}

/// `text` without a currency marker at its start or end, and whether the marker was a leading
/// `$` (English-looking context).
fn strip_currency(text: &str) -> (&str, bool) {
    for marker in CURRENCY_MARKERS {
        let prefix = text.get(..marker.len()).filter(|p| p.eq_ignore_ascii_case(marker));
        if prefix.is_some() {
            return (text[marker.len()..].trim_start(), matches!(marker, "$" | "CA$"));
        }
    }
    for marker in CURRENCY_MARKERS {
        let start = text.len().saturating_sub(marker.len());
        if text.get(start..).is_some_and(|s| s.eq_ignore_ascii_case(marker)) && start > 0 {
            return (text[..start].trim_end(), false);
        }
    }
    (text, false)
}

/// The time zone of a Canadian province or territory (two-letter code, most of its area: a few
/// regions keep another).
pub fn province_time_zone(province: &str) -> Option<&'static str> {
    Some(match province {
        "QC" | "ON" => "America/Toronto",
        "NS" | "NB" | "PE" => "America/Halifax",
        "NL" => "America/St_Johns",
        "MB" => "America/Winnipeg",
        "SK" => "America/Regina",
        "AB" => "America/Edmonton",
        "BC" => "America/Vancouver",
        "YT" => "America/Whitehorse",
        "NT" => "America/Yellowknife",
        "NU" => "America/Iqaluit",
        _ => return None,
    })
}

/// The two-letter code of a Canadian province or territory written as a code or a name.
pub fn province_code(text: &str) -> Option<String> {
    const PROVINCES: &[(&str, &[&str])] = &[
        ("QC", &["quebec"]),
        ("ON", &["ontario"]),
        ("NB", &["new brunswick", "nouveau brunswick"]),
        ("NS", &["nova scotia", "nouvelle ecosse"]),
        ("PE", &["prince edward island", "ile du prince edouard"]),
        ("NL", &["newfoundland and labrador", "terre neuve et labrador"]),
        ("MB", &["manitoba"]),
        ("SK", &["saskatchewan"]),
        ("AB", &["alberta"]),
        ("BC", &["british columbia", "colombie britannique"]),
        ("YT", &["yukon"]),
        ("NT", &["northwest territories", "territoires du nord ouest"]),
        ("NU", &["nunavut"]),
    ];
    let folded = ensemble_model::geo::fold_name(text);
    PROVINCES
        .iter()
        .find(|(code, names)| code.eq_ignore_ascii_case(&folded) || names.contains(&folded.as_str()))
        .map(|(code, _)| code.to_string())
}

/// Money, to cents: `1 234,56 $`, `$1,234.56`, `-12,50 $`, `(12.50)`, `CA$ 12.50`, `12.50 CAD`,
/// `1.234,56`, `gratuit`. More than two decimals are rounded half away from zero.
pub fn parse_amount(text: &str) -> Option<Cents> {
    let text = text.trim();
    if FREE.contains(&fold_name(text).as_str()) {
        return Some(Cents(0));
    }
    let (parenthesised, text) = match text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        Some(inner) => (true, inner.trim()),
        None => (false, text),
    };
    let (outer_sign, text) = split_sign(text);
    let (text, english) = strip_currency(text);
    let (inner_sign, text) = split_sign(text);
    let negative = match (parenthesised, outer_sign, inner_sign) {
        (_, Some(_), Some(_)) | (true, Some(_), _) | (true, _, Some(_)) => return None,
        (true, None, None) => true,
        (false, sign, None) | (false, None, sign) => sign == Some(true),
    };
    let digits = read_unsigned(text, english)?;
    let cents = to_cents(&digits)?;
    Some(Cents(if negative { -cents } else { cents }))
}

/// Whole cents from digits, the third decimal rounding half away from zero.
fn to_cents(digits: &Digits) -> Option<i64> {
    let mut frac = digits.frac.bytes().map(|b| i64::from(b - b'0'));
    let (tenths, hundredths) = (frac.next().unwrap_or(0), frac.next().unwrap_or(0));
    let round = i64::from(frac.next().unwrap_or(0) >= 5);
    let units = digits
        .int
        .bytes()
        .try_fold(0i64, |value, b| value.checked_mul(10)?.checked_add(i64::from(b - b'0')))?;
    units.checked_mul(100)?.checked_add(tenths * 10 + hundredths + round)
}

/// A decimal number: `3,5`, `3.5`, `1 234,5`, `-0,25`, `12`; a lone `.` or `,` is the decimal
/// mark (`1.234` is one point two three four).
pub fn parse_decimal(text: &str) -> Option<f64> {
    let (sign, text) = split_sign(text);
    let digits = read_unsigned(text, false)?;
    let minus = if sign == Some(true) { "-" } else { "" };
    let value: f64 = format!("{minus}0{}.{}0", digits.int, digits.frac).parse().ok()?;
    value.is_finite().then_some(value)
}

/// A whole number: `1 234`, `12`, `12,0`, `12.0`, `-3`; not `12,5`, and not `1,234` or `1.234`
/// (a thousands separator or three decimals, nobody can tell).
pub fn parse_integer(text: &str) -> Option<i64> {
    let (sign, text) = split_sign(text);
    let digits = read_unsigned(text, false)?;
    if digits.ambiguous || digits.frac.bytes().any(|b| b != b'0') {
        return None;
    }
    let minus = if sign == Some(true) { "-" } else { "" };
    format!("{minus}0{}", digits.int).parse().ok()
}

/// A duration in whole minutes: a number of minutes (`90`), or an ISO 8601 duration as APIs
/// write them (`PT90M`, `PT1H30M`, `PT5400S`, `P0DT1H30M0S`), rounded to the nearest minute.
/// Durations in months or years, which have no fixed length, are not read.
pub fn parse_minutes(text: &str) -> Option<u32> {
    let text = text.trim();
    if let Some(minutes) = parse_integer(text) {
        return u32::try_from(minutes).ok();
    }
    if !text.starts_with(['P', 'p']) {
        return None;
    }
    let upper = text.to_ascii_uppercase();
    let (rest, duration) = iso8601::parsers::parse_duration(upper.as_bytes()).ok()?;
    if !rest.is_empty() {
        return None;
    }
    let seconds: u64 = match duration {
        iso8601::Duration::Weeks(weeks) => u64::from(weeks) * 7 * 86_400,
        iso8601::Duration::YMDHMS {
            year: 0,
            month: 0,
            day,
            hour,
            minute,
            second,
            millisecond: _,
        } => u64::from(day) * 86_400 + u64::from(hour) * 3_600 + u64::from(minute) * 60 + u64::from(second),
        iso8601::Duration::YMDHMS { .. } => return None,
    };
    u32::try_from((seconds + 30) / 60).ok()
}

// ---------------------------------------------------------------------------------------------
// Yes and no

/// Words for yes and no, folded (lower case, no accents).
const TRUE_WORDS: [&str; 10] = ["oui", "o", "vrai", "true", "t", "yes", "y", "1", "x", "coche"];
const FALSE_WORDS: [&str; 7] = ["non", "n", "faux", "false", "f", "no", "0"];

/// Yes or no, in French or English, any case, with or without accents: `oui`/`non`, `o`/`n`,
/// `vrai`/`faux`, `true`/`false`, `yes`/`no`, `y`, `1`/`0`, `x`, `✓`, `coché`.
pub fn parse_bool(text: &str) -> Option<bool> {
    let text = text.trim();
    if matches!(text, "✓" | "✔" | "☑" | "✅") {
        return Some(true);
    }
    if matches!(text, "✗" | "✘" | "☐") {
        return Some(false);
    }
    let folded = fold_name(text);
    // Folding drops punctuation: `-1` or `1,0` must not read as `1`.
    if folded.bytes().any(|b| b.is_ascii_digit()) && folded != text {
        return None;
    }
    if TRUE_WORDS.contains(&folded.as_str()) {
        Some(true)
    } else if FALSE_WORDS.contains(&folded.as_str()) {
        Some(false)
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Dates

/// No date or time is longer than this: longer text is not read (and the splitting of a
/// date-time into its parts stays cheap).
const MAX_MOMENT_LEN: usize = 80;

/// Month names and abbreviations, French and English, folded (no accents, no final dot), in
/// month order.
const MONTHS: [&str; 12] = [
    "janvier janv jan january",
    "fevrier fevr fev february feb",
    "mars mar march",
    "avril avr april apr",
    "mai may",
    "juin june jun",
    "juillet juil july jul",
    "aout august aug",
    "septembre sept sep september",
    "octobre oct october",
    "novembre nov november",
    "decembre dec december",
];

/// Words a written date may carry that say nothing about which day it is: weekdays (French and
/// English, full and abbreviated) and articles. `mar` is both Tuesday and March.
const FILLER_WORDS: [&str; 4] = [
    "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "lun mar mer jeu ven sam dim le",
    "monday tuesday wednesday thursday friday saturday sunday",
    "mon tue tues wed thu thur thurs fri sat sun the on",
];

/// Suffixes of ordinal day numbers: `1er`, `1ᵉʳ`, `1st`, `2nd`, `3rd`, `28th`.
const ORDINAL_SUFFIXES: [&str; 6] = ["er", "ᵉʳ", "st", "nd", "rd", "th"];

fn month_number(word: &str) -> Option<u32> {
    let index = MONTHS
        .iter()
        .position(|names| names.split(' ').any(|name| name == word))?;
    u32::try_from(index + 1).ok()
}

fn is_filler(word: &str) -> bool {
    FILLER_WORDS
        .iter()
        .flat_map(|words| words.split(' '))
        .any(|filler| filler == word)
}

/// A date in the years the commons accepts (1900 to 2100).
fn make_date(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    (1900..=2100)
        .contains(&year)
        .then(|| NaiveDate::from_ymd_opt(year, month, day))?
}

/// A year written with four digits, or with two (00–69 are 2000–2069, 70–99 are 1970–1999).
fn full_year(year: u32, written_digits: usize) -> Option<i32> {
    let year = i32::try_from(year).ok()?;
    match written_digits {
        2 => Some(if year < 70 { 2000 + year } else { 1900 + year }),
        4 => Some(year),
        _ => None,
    }
}

/// `text` as a number if it is ASCII digits only, as many as `lengths` allows.
fn small_number(text: &str, lengths: std::ops::RangeInclusive<usize>) -> Option<u32> {
    (lengths.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.parse().ok())?
}

/// A date alone: all-numeric or with a month name.
fn date_only(text: &str, order: DateOrder) -> Option<NaiveDate> {
    numeric_date(text, order).or_else(|| words_date(text))
}

/// `20261128`, `2026-11-28`, `28/11/2026`, `28.11.26`, `11/28/2026`, `3/4/2026` (in `order`).
fn numeric_date(text: &str, order: DateOrder) -> Option<NaiveDate> {
    if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        return make_date(
            text[..4].parse().ok()?,
            text[4..6].parse().ok()?,
            text[6..].parse().ok()?,
        );
    }
    let separator = text
        .chars()
        .find(|c| !c.is_ascii_digit())
        .filter(|c| matches!(c, '-' | '/' | '.'))?;
    let parts: Vec<&str> = text.split(separator).collect();
    let [first, second, third] = parts.as_slice() else {
        return None;
    };
    let (a, b, c) = (
        small_number(first, 1..=4)?,
        small_number(second, 1..=2)?,
        small_number(third, 1..=4)?,
    );
    match (first.len(), third.len(), order) {
        (4, 1..=2, _) => make_date(full_year(a, 4)?, b, c),
        (1..=2, 2, DateOrder::YearFirst) => make_date(full_year(a, 2)?, b, c),
        (1..=2, 2 | 4, _) => {
            let (day, month) = if order == DateOrder::MonthFirst { (b, a) } else { (a, b) };
            // A "month" above 12 can only be the day: the other order was meant.
            let (day, month) = if month > 12 && day <= 12 {
                (month, day)
            } else {
                (day, month)
            };
            make_date(full_year(c, third.len())?, month, day)
        }
        _ => None,
    }
}

/// `28 novembre 2026`, `le samedi 28 nov. 2026`, `1er décembre 2026`, `November 28, 2026`,
/// `Saturday, November 28th, 2026`, `28-Nov-26`.
fn words_date(text: &str) -> Option<NaiveDate> {
    // Such a date names its month in letters: text without a letter (`2026-11-28 19:30`, read
    // whole before its parts) is not one, and folding it word by word would cost more than
    // every other step of reading a date.
    if !text.chars().any(char::is_alphabetic) {
        return None;
    }
    let folded = fold_name(text);
    let (mut months, mut weekday_months, mut numbers) = (Vec::new(), Vec::new(), Vec::new());
    for word in folded.split(' ') {
        match (month_number(word), is_filler(word)) {
            (Some(month), false) => months.push(month),
            (Some(month), true) => weekday_months.push(month),
            (None, true) => {}
            (None, false) => {
                let (digits, ordinal) = match ORDINAL_SUFFIXES.iter().find_map(|s| word.strip_suffix(s)) {
                    Some(digits) => (digits, true),
                    None => (word, false),
                };
                numbers.push((small_number(digits, 1..=4)?, digits.len(), ordinal));
            }
        }
    }
    let month = match (months.as_slice(), weekday_months.as_slice()) {
        ([month], _) | ([], [month]) => *month,
        _ => return None,
    };
    let (day, year) = match numbers.as_slice() {
        [(day, 1..=2, _), (year, 4, false)] | [(year, 4, false), (day, 1..=2, _)] => (*day, full_year(*year, 4)?),
        [(day, 1..=2, _), (year, 2, false)] => (*day, full_year(*year, 2)?),
        _ => return None,
    };
    make_date(year, month, day)
}

/// A date, a time and an offset read from one text; the time and offset may be absent.
type Moment = (NaiveDate, Option<NaiveTime>, Option<FixedOffset>);

/// Reads a date alone or a date followed by a time (after a space, `T`, `,`, ` à `, ` at `,
/// ` - `), the time possibly followed by an offset (`Z`, `-05:00`, `+0100`, ` UTC`).
fn read_moment(text: &str, order: DateOrder) -> Option<Moment> {
    let text = text.trim();
    if text.is_empty() || text.len() > MAX_MOMENT_LEN {
        return None;
    }
    if let Some(moment) = iso_moment(text) {
        return moment.map(|(date, time)| (date, Some(time), None));
    }
    read_any_moment(text, order)
}

/// `2026-11-28 19:30`, `2026-11-28T19:30:00`: the shape most exports write, read directly.
/// `None` when the text has another shape; else what [`read_any_moment`] reads from it (checked
/// by the tests), without trying the other shapes first.
fn iso_moment(text: &str) -> Option<Option<(NaiveDate, NaiveTime)>> {
    let bytes = text.as_bytes();
    let shaped = matches!(bytes.len(), 16 | 19)
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && matches!(bytes[10], b' ' | b'T')
        && bytes[13] == b':'
        && (bytes.len() == 16 || bytes[16] == b':');
    if !shaped {
        return None;
    }
    let number = |start: usize, length: usize| -> Option<u32> {
        bytes.get(start..start + length)?.iter().try_fold(0, |number, byte| {
            byte.is_ascii_digit().then(|| number * 10 + u32::from(byte - b'0'))
        })
    };
    let (year, month, day, hour, minute) = (
        number(0, 4)?,
        number(5, 2)?,
        number(8, 2)?,
        number(11, 2)?,
        number(14, 2)?,
    );
    let second = if bytes.len() == 19 { number(17, 2)? } else { 0 };
    let date = i32::try_from(year).ok().and_then(|year| make_date(year, month, day));
    Some(date.zip(NaiveTime::from_hms_opt(hour, minute, second)))
}

/// A date alone or a date and a time, in any of the shapes [`read_moment`] accepts.
fn read_any_moment(text: &str, order: DateOrder) -> Option<Moment> {
    if let Some(date) = date_only(text, order) {
        return Some((date, None, None));
    }
    if let Some((local, offset)) = split_offset(text)
        && let Some((date, time)) = date_and_time(local, order)
    {
        return Some((date, Some(time), Some(offset)));
    }
    date_and_time(text, order).map(|(date, time)| (date, Some(time), None))
}

/// `text` without a final UTC offset, and that offset: `Z`, ` UTC`, ` GMT`, `±hh:mm`, `±hhmm`,
/// `±hh` after a digit or a space.
fn split_offset(text: &str) -> Option<(&str, FixedOffset)> {
    let utc = FixedOffset::east_opt(0)?;
    for suffix in [" UTC", " GMT", "UTC", "Z"] {
        let start = text.len().saturating_sub(suffix.len());
        if start > 0 && text.get(start..).is_some_and(|s| s.eq_ignore_ascii_case(suffix)) {
            return Some((text[..start].trim_end(), utc));
        }
    }
    [6, 5, 3].into_iter().find_map(|length| {
        let start = text.len().checked_sub(length)?;
        let (local, offset) = (text.get(..start)?, text.get(start..)?);
        let (negative, digits) = match offset.strip_prefix('+') {
            Some(digits) => (false, digits),
            None => (true, offset.strip_prefix('-')?),
        };
        if !local.ends_with(|c: char| c.is_ascii_digit() || c == ' ') {
            return None;
        }
        let (hours, minutes) = match (digits.len(), digits.split_at_checked(2)?) {
            (5, (hours, minutes)) => (hours, minutes.strip_prefix(':')?),
            (4 | 2, (hours, minutes)) => (hours, if minutes.is_empty() { "00" } else { minutes }),
            _ => return None,
        };
        let minutes = small_number(minutes, 2..=2).filter(|m| *m < 60)?;
        let seconds = small_number(hours, 2..=2)? * 3600 + minutes * 60;
        let seconds = i32::try_from(seconds).ok()?;
        Some((
            local.trim_end(),
            FixedOffset::east_opt(if negative { -seconds } else { seconds })?,
        ))
    })
}

/// A date followed by a time: ISO `2026-11-28T19:30`, or a date and a time separated by spaces,
/// a comma or a joining word (`à`, `a`, `at`, `@`, `-`).
fn date_and_time(text: &str, order: DateOrder) -> Option<(NaiveDate, NaiveTime)> {
    if let Some(index) = text.find(['T', 't'])
        && text[..index].ends_with(|c: char| c.is_ascii_digit())
        && text[index + 1..].starts_with(|c: char| c.is_ascii_digit())
        && let (Some(date), Some(time)) = (date_only(&text[..index], order), parse_time(&text[index + 1..]))
    {
        return Some((date, time));
    }
    text.char_indices()
        .filter(|(_, c)| c.is_whitespace() || *c == ',')
        .find_map(|(index, _)| {
            let date = date_only(
                text[..index].trim_end_matches(|c: char| c.is_whitespace() || c == ','),
                order,
            )?;
            let mut rest = text[index..].trim_start_matches(|c: char| c.is_whitespace() || c == ',');
            for joiner in ["à", "a", "at", "@", "-", "–"] {
                if let Some(after) = rest.strip_prefix(joiner).filter(|r| r.starts_with(char::is_whitespace)) {
                    rest = after.trim_start();
                    break;
                }
            }
            Some((date, parse_time(rest)?))
        })
}

/// A date in the orders and languages Québec organisations write: `2026-11-28`, `20261128`,
/// `28/11/2026`, `28.11.26`, `3/4/2026` (read in `order`; `11/28/2026` is unambiguous),
/// `28 novembre 2026`, `1er déc. 2026`, `November 28, 2026`. A following time (and offset) is
/// ignored: the date is the one written, never converted to another zone. Years outside
/// 1900–2100 are refused.
pub fn parse_date(text: &str, order: DateOrder) -> Option<NaiveDate> {
    read_moment(text, order).map(|(date, _, _)| date)
}

// ---------------------------------------------------------------------------------------------
// Times and moments

/// `am`/`pm` suffixes (lower case) and whether each is afternoon.
const MERIDIEMS: [(&str, bool); 6] = [
    ("p.m.", true),
    ("p.m", true),
    ("pm", true),
    ("a.m.", false),
    ("a.m", false),
    ("am", false),
];

/// A time of day: `19:30`, `19:30:00`, `19 h 30`, `19h`, `7:30 PM`, `7:30 p.m.`, `7 pm`,
/// `12:00 AM` (midnight), `midi`, `minuit`.
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let text = text.trim().to_lowercase();
    if text.is_empty() || text.len() > MAX_MOMENT_LEN {
        return None;
    }
    match text.as_str() {
        "midi" | "noon" => return NaiveTime::from_hms_opt(12, 0, 0),
        "minuit" | "midnight" => return Some(NaiveTime::MIN),
        _ => {}
    }
    let (body, afternoon) = MERIDIEMS
        .iter()
        .find_map(|(suffix, pm)| Some((text.strip_suffix(suffix)?.trim_end(), Some(*pm))))
        .unwrap_or((text.as_str(), None));
    let (hour, minute, second) = if body.contains(':') {
        let parts: Vec<&str> = body.split(':').collect();
        let (hour, minute, second) = match parts.as_slice() {
            [hour, minute] => (hour, minute, "00"),
            [hour, minute, second] => (hour, minute, *second),
            _ => return None,
        };
        // Fractions of a second (`19:30:00.000`) are dropped.
        let second = second.split_once('.').map_or(second, |(whole, fraction)| {
            if fraction.bytes().all(|b| b.is_ascii_digit()) {
                whole
            } else {
                ""
            }
        });
        (
            small_number(hour, 1..=2)?,
            small_number(minute, 2..=2)?,
            small_number(second, 2..=2)?,
        )
    } else if let Some((hour, minute)) = body.split_once('h') {
        let minute = minute.trim();
        let minute = if minute.is_empty() {
            0
        } else {
            small_number(minute, 2..=2)?
        };
        (small_number(hour.trim_end(), 1..=2)?, minute, 0)
    } else if afternoon.is_some() {
        (small_number(body, 1..=2)?, 0, 0)
    } else {
        return None;
    };
    let hour = match afternoon {
        None => hour,
        Some(pm) if (1..=12).contains(&hour) => hour % 12 + if pm { 12 } else { 0 },
        Some(_) => return None,
    };
    NaiveTime::from_hms_opt(hour, minute, second)
}

/// A moment: with an explicit offset (`2026-11-28T19:30:00-05:00`, `...Z`) it is kept; a local
/// date-time is placed in `zone` (choose the earlier instant when ambiguous at a DST change and
/// the instant one hour later when it falls in a gap). A date alone means midnight local.
/// Dates and times are read as [`parse_date`] and [`parse_time`] read them, separated by a space,
/// `T`, `,`, ` à `, ` at ` or ` - `.
pub fn parse_datetime(text: &str, order: DateOrder, zone: chrono_tz::Tz) -> Option<DateTime<FixedOffset>> {
    let (date, time, offset) = read_moment(text, order)?;
    let local = date.and_time(time.unwrap_or(NaiveTime::MIN));
    match offset {
        Some(offset) => offset.from_local_datetime(&local).single(),
        None => in_zone(local, zone),
    }
}

/// A local date-time placed in a zone: the earlier instant when ambiguous, one hour later in a gap.
fn in_zone(local: NaiveDateTime, zone: chrono_tz::Tz) -> Option<DateTime<FixedOffset>> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(moment) | LocalResult::Ambiguous(moment, _) => Some(moment.fixed_offset()),
        LocalResult::None => {
            let later = local.checked_add_signed(TimeDelta::try_hours(1)?)?;
            zone.from_local_datetime(&later)
                .earliest()
                .map(|moment| moment.fixed_offset())
        }
    }
}

/// The serial of 10000-01-01, past the last date spreadsheets show.
const SERIAL_END: f64 = 2_958_466.0;

/// A date from a spreadsheet serial number (1900 date system as in Excel/LibreOffice, where
/// 45000 = 2023-03-15), fractional part = time of day (rounded to the second). Serial 60 is the
/// 29 February 1900 that Lotus 1-2-3 invented and Excel kept: `None`, like serials below 1.
pub fn date_from_serial(serial: f64) -> Option<NaiveDateTime> {
    if !serial.is_finite() || !(1.0..SERIAL_END).contains(&serial) {
        return None;
    }
    // Below SERIAL_END × 86 400 (about 2.6 × 10¹¹): the cast is exact.
    let seconds = (serial * 86_400.0).round() as i64;
    let (days, second_of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    if days == 60 {
        return None;
    }
    // Serials before the fictitious day count from 1899-12-31, the others from 1899-12-30.
    let epoch = NaiveDate::from_ymd_opt(1899, 12, if days < 60 { 31 } else { 30 })?;
    let date = epoch.checked_add_days(Days::new(u64::try_from(days).ok()?))?;
    let time = NaiveTime::from_num_seconds_from_midnight_opt(u32::try_from(second_of_day).ok()?, 0)?;
    Some(date.and_time(time))
}

#[cfg(test)]
mod tests {
    use super::*;
    use DateOrder::{DayFirst, MonthFirst, YearFirst};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn time(h: u32, m: u32, s: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, s).unwrap()
    }

    fn moment(rfc3339: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(rfc3339).unwrap()
    }

    #[test]
    fn amounts_as_they_are_typed() {
        let cases = [
            ("1 234,56 $", 123_456),
            ("1\u{a0}234,56\u{a0}$", 123_456),
            ("1\u{202f}234,56\u{202f}$", 123_456),
            ("1 234,56$", 123_456),
            ("1234,56", 123_456),
            ("$1,234.56", 123_456),
            ("1,234.56", 123_456),
            ("1234.5", 123_450),
            ("12 $", 1_200),
            ("12$", 1_200),
            ("-12,50 $", -1_250),
            ("(12.50)", -1_250),
            ("($12.50)", -1_250),
            ("-$12.50", -1_250),
            ("$-12.50", -1_250),
            ("CA$ 12.50", 1_250),
            ("12.50 CAD", 1_250),
            ("CAD 12,50", 1_250),
            ("12,50 $ CA", 1_250),
            ("12,50 $CA", 1_250),
            ("12,50 CA", 1_250),
            ("1.234,56", 123_456),
            ("1.234.567,89 $", 123_456_789),
            ("1,234,567", 123_456_700),
            ("0,00 $", 0),
            ("gratuit", 0),
            ("Gratuit", 0),
            ("FREE", 0),
            ("  45  ", 4_500),
            // A lone comma and three digits: thousands after `$`, decimals otherwise.
            ("$1,234", 123_400),
            ("$12,345", 1_234_500),
            ("12,345", 1_235),
            ("1,234 $", 123),
            // A lone dot and three digits: a decimal mark, rounded to cents.
            ("1.234", 123),
            ("1.235", 124),
            ("-1.235", -124),
            ("0,125 $", 13),
            ("0,124999 $", 12),
            ("99999999999,99 $", 9_999_999_999_999),
        ];
        for (text, cents) in cases {
            assert_eq!(parse_amount(text), Some(Cents(cents)), "{text}");
        }
    }

    #[test]
    fn amounts_refused() {
        for text in [
            "",
            "  ",
            "\u{a0}",
            "douze",
            "12 pommes",
            "1,2,3",
            "$",
            "--12",
            "-(12)",
            "(-12)",
            "1.2.3,4,5",
            "12 34",
            "1 2345",
            "1$2",
            "1CA2",
            "12 USD",
            "€12",
            "12 $ $",
            "1,234.567,89",
            "1 234.567.8",
            "99999999999999999999 $",
            "٣",
            "1e5",
        ] {
            assert_eq!(parse_amount(text), None, "{text:?}");
        }
    }

    #[test]
    fn decimals() {
        let cases = [
            ("3,5", 3.5),
            ("3.5", 3.5),
            ("1 234,5", 1234.5),
            ("1\u{a0}234,5", 1234.5),
            ("-0,25", -0.25),
            ("12", 12.0),
            ("1.234", 1.234),
            ("1,234", 1.234),
            ("1,234.5", 1234.5),
            ("45.5017", 45.5017),
            ("-73,5673", -73.5673),
            (",5", 0.5),
        ];
        for (text, value) in cases {
            assert_eq!(parse_decimal(text), Some(value), "{text}");
        }
        for text in [
            "",
            " ",
            "trois",
            "3,5 kg",
            "1,2,3",
            "NaN",
            "inf",
            "1e3",
            "--3",
            &"9".repeat(400),
        ] {
            assert_eq!(parse_decimal(text), None, "{text}");
        }
    }

    #[test]
    fn integers() {
        let cases = [
            ("1 234", 1234),
            ("1\u{202f}234", 1234),
            ("12", 12),
            ("12,0", 12),
            ("12.0", 12),
            ("12,00", 12),
            ("-3", -3),
            ("+3", 3),
            ("1,234,567", 1_234_567),
            ("1.234.567", 1_234_567),
            ("-9 223 372 036 854 775 808", i64::MIN),
        ];
        for (text, value) in cases {
            assert_eq!(parse_integer(text), Some(value), "{text}");
        }
        for text in [
            "",
            "12,5",
            "deux",
            "1,234",
            "1.234",
            "12,000",
            "9223372036854775808",
            "3 $",
            "-",
        ] {
            assert_eq!(parse_integer(text), None, "{text}");
        }
    }

    #[test]
    fn booleans() {
        let yes = [
            "oui", "Oui", "OUI", "o", "vrai", "Vrai", "true", "True", "TRUE", "yes", "y", "Y", "1", "x", "X",
        ];
        for text in yes.into_iter().chain(["✓", "✔", "coché", "Coché", "coche", " oui "]) {
            assert_eq!(parse_bool(text), Some(true), "{text}");
        }
        for text in ["non", "NON", "n", "faux", "Faux", "false", "False", "no", "No", "0"] {
            assert_eq!(parse_bool(text), Some(false), "{text}");
        }
        for text in ["", " ", "peut-être", "2", "oui non", "-", "-1", "1,0", "10"] {
            assert_eq!(parse_bool(text), None, "{text}");
        }
    }

    #[test]
    fn dates_in_every_usual_form() {
        let november_28 = date(2026, 11, 28);
        for text in [
            "2026-11-28",
            "2026/11/28",
            "2026.11.28",
            "20261128",
            "28/11/2026",
            "28-11-2026",
            "28.11.2026",
            "28/11/26",
            "11/28/2026",
            "28 novembre 2026",
            "28 Novembre 2026",
            "28 nov. 2026",
            "28 nov 2026",
            "28-nov-26",
            "le samedi 28 novembre 2026",
            "Samedi, le 28 novembre 2026",
            "November 28, 2026",
            "Nov 28, 2026",
            "Nov. 28 2026",
            "28 Nov 2026",
            "Saturday, November 28, 2026",
            "Saturday, November 28th, 2026",
            "2026-11-28 19:30",
            "2026-11-28T19:30:00",
            "2026-11-28T19:30:00-05:00",
            "28/11/2026 19 h 30",
            "28 novembre 2026 à 20 h",
            "  28/11/2026  ",
        ] {
            assert_eq!(parse_date(text, DayFirst), Some(november_28), "{text}");
        }
        let cases = [
            ("1er décembre 2026", DayFirst, date(2026, 12, 1)),
            ("1er decembre 2026", DayFirst, date(2026, 12, 1)),
            ("28 fév 2026", DayFirst, date(2026, 2, 28)),
            ("28 févr. 2026", DayFirst, date(2026, 2, 28)),
            ("28 fevrier 2026", DayFirst, date(2026, 2, 28)),
            ("3 août 2026", DayFirst, date(2026, 8, 3)),
            ("3 aout 2026", DayFirst, date(2026, 8, 3)),
            ("3 juil. 2026", DayFirst, date(2026, 7, 3)),
            ("3 mai 2026", DayFirst, date(2026, 5, 3)),
            ("May 3, 2026", DayFirst, date(2026, 5, 3)),
            ("3 sept. 2026", DayFirst, date(2026, 9, 3)),
            ("mar. 3 mars 2026", DayFirst, date(2026, 3, 3)),
            ("3 mar 2026", DayFirst, date(2026, 3, 3)),
            ("3/4/2026", DayFirst, date(2026, 4, 3)),
            ("3/4/2026", MonthFirst, date(2026, 3, 4)),
            ("28/11/2026", MonthFirst, date(2026, 11, 28)),
            ("2026/04/03", YearFirst, date(2026, 4, 3)),
            ("2026/04/03", MonthFirst, date(2026, 4, 3)),
            ("26/04/03", YearFirst, date(2026, 4, 3)),
            ("03/04/2026", YearFirst, date(2026, 4, 3)),
            ("28/11/69", DayFirst, date(2069, 11, 28)),
            ("28/11/70", DayFirst, date(1970, 11, 28)),
            ("01/01/1900", DayFirst, date(1900, 1, 1)),
            ("2100-12-31", DayFirst, date(2100, 12, 31)),
            ("29/02/2024", DayFirst, date(2024, 2, 29)),
        ];
        for (text, order, expected) in cases {
            assert_eq!(parse_date(text, order), Some(expected), "{text} {order:?}");
        }
    }

    #[test]
    fn the_usual_shape_of_a_moment_is_read_as_every_shape_is() {
        for text in [
            "2026-11-28 19:30",
            "2026-11-28 19:30:05",
            "2026-11-28T19:30",
            "2026-11-28T00:00:00",
            "2024-02-29 23:59:59",
            "2100-12-31 12:00",
            "1900-01-01 00:00",
            "2026-02-29 19:30",
            "2026-13-01 19:30",
            "2026-00-10 19:30",
            "2026-11-00 19:30",
            "2101-01-01 19:30",
            "1899-12-31 19:30",
            "2026-11-28 24:00",
            "2026-11-28 19:60",
            "2026-11-28 19:30:60",
            "0000-11-28 19:30",
        ] {
            assert!(iso_moment(text).is_some(), "{text}");
            for order in [DayFirst, MonthFirst, YearFirst] {
                let expected = read_any_moment(text, order).map(|(date, time, offset)| {
                    assert_eq!(offset, None, "{text}");
                    (date, time.expect(text))
                });
                assert_eq!(iso_moment(text), Some(expected), "{text} {order:?}");
            }
        }
        for text in [
            "2026-11-28",
            "2026-11-28 19:30-05:00",
            "2026-11-28T19:30:00Z",
            "2026-11-28 19h30",
            "2026-11-28 7:30",
            "2026-11-28  19:30",
            "2026/11/28 19:30",
            "28-11-2026 19:30",
            "2026-11-28t19:30",
            "2026-11-28 19:30:0",
            "+026-11-28 19:30",
        ] {
            assert_eq!(iso_moment(text), None, "{text}");
        }
    }

    #[test]
    fn dates_refused() {
        for text in [
            "",
            " ",
            "31/02/2026",
            "29/02/2026",
            "2026-13-01",
            "32/01/2026",
            "13/13/2026",
            "1850-01-01",
            "31/12/1899",
            "2101-01-01",
            "28/11/202",
            "28/11-2026",
            "28 11 2026",
            "demain",
            "28 novembre",
            "novembre 2026",
            "28 novembre 2026 vers 20 h",
            "2026-11-28 25:00",
            "mar 3 mar 2026",
            "28 novembre décembre 2026",
            "28 29 novembre 2026",
            "2026-11-28T",
            "2026",
        ] {
            assert_eq!(parse_date(text, DayFirst), None, "{text:?}");
        }
        assert_eq!(
            parse_date(&format!("28/11/2026 {}", " ".repeat(100)), DayFirst),
            Some(date(2026, 11, 28))
        );
        assert_eq!(
            parse_date(&format!("28/11/2026{}19:30", " ".repeat(100)), DayFirst),
            None
        );
    }

    #[test]
    fn times() {
        let cases = [
            ("19:30", time(19, 30, 0)),
            ("19:30:00", time(19, 30, 0)),
            ("19:30:15", time(19, 30, 15)),
            ("19:30:00.000", time(19, 30, 0)),
            ("9:05", time(9, 5, 0)),
            ("19 h 30", time(19, 30, 0)),
            ("19\u{a0}h\u{a0}30", time(19, 30, 0)),
            ("19h30", time(19, 30, 0)),
            ("19H30", time(19, 30, 0)),
            ("19 h", time(19, 0, 0)),
            ("19h", time(19, 0, 0)),
            ("7:30 PM", time(19, 30, 0)),
            ("7:30PM", time(19, 30, 0)),
            ("7:30 p.m.", time(19, 30, 0)),
            ("7:30 a.m.", time(7, 30, 0)),
            ("7 pm", time(19, 0, 0)),
            ("12:00 AM", time(0, 0, 0)),
            ("12:00 PM", time(12, 0, 0)),
            ("12 h 00", time(12, 0, 0)),
            ("0:00", time(0, 0, 0)),
            ("midi", time(12, 0, 0)),
            ("minuit", time(0, 0, 0)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_time(text), Some(expected), "{text}");
        }
        for text in [
            "", " ", "25:00", "24:00", "19:75", "19:3", "19 h 5", "soir", "13 pm", "0 am", "7", "1930", "19.30",
        ] {
            assert_eq!(parse_time(text), None, "{text}");
        }
    }

    #[test]
    fn moments_with_and_without_offsets() {
        let zone = chrono_tz::America::Toronto;
        let expected = moment("2026-11-28T19:30:00-05:00");
        for text in [
            "2026-11-28T19:30:00-05:00",
            "2026-11-28T19:30-05:00",
            "2026-11-28T19:30:00-0500",
            "2026-11-28T19:30:00-05",
            "2026-11-28T19:30:00.000-05:00",
            "2026-11-29T00:30:00Z",
            "2026-11-29T00:30:00.000Z",
            "2026-11-29 00:30 UTC",
            "2026-11-28T19:30:00",
            "2026-11-28T19:30",
            "2026-11-28 19:30:00",
            "2026-11-28 19:30",
            "28/11/2026 19 h 30",
            "28/11/2026, 19:30",
            "28/11/2026 - 19:30",
            "11/28/2026 7:30 PM",
            "November 28, 2026 at 7:30 PM",
            "Saturday, November 28, 2026 at 7:30 p.m.",
            "Nov 28, 2026 7:30 PM",
            "28 novembre 2026 à 19 h 30",
            "le samedi 28 novembre 2026, 19h30",
            "28 nov. 2026 19h30",
            "2026-11-28, 19:30",
        ] {
            assert_eq!(parse_datetime(text, DayFirst, zone), Some(expected), "{text}");
        }
        assert_eq!(parse_datetime("11/28/2026 19:30", MonthFirst, zone), Some(expected));
        assert_eq!(
            parse_datetime("2026-11-28T19:30:00+01:00", DayFirst, zone),
            Some(moment("2026-11-28T19:30:00+01:00"))
        );
        // A date alone is midnight local; summer dates take summer time.
        assert_eq!(
            parse_datetime("2026-11-28", DayFirst, zone),
            Some(moment("2026-11-28T00:00:00-05:00"))
        );
        assert_eq!(
            parse_datetime("1er juillet 2026", DayFirst, zone),
            Some(moment("2026-07-01T00:00:00-04:00"))
        );
        for text in [
            "",
            "31/02/2026 19:30",
            "2026-11-28 19:30 +25:00",
            "2026-11-28T19:30:00-05:00:00",
            "ce soir",
        ] {
            assert_eq!(parse_datetime(text, DayFirst, zone), None, "{text}");
        }
    }

    #[test]
    fn moments_at_daylight_saving_changes() {
        let zone = chrono_tz::America::Toronto;
        // 02:30 on 8 March 2026 does not exist in Toronto: one hour later, in summer time.
        assert_eq!(
            parse_datetime("2026-03-08 02:30", DayFirst, zone),
            Some(moment("2026-03-08T03:30:00-04:00"))
        );
        // 01:30 on 1 November 2026 happens twice: the earlier one, still in summer time.
        assert_eq!(
            parse_datetime("2026-11-01 01:30", DayFirst, zone),
            Some(moment("2026-11-01T01:30:00-04:00"))
        );
        // An explicit offset is kept even inside the repeated hour.
        assert_eq!(
            parse_datetime("2026-11-01T01:30:00-05:00", DayFirst, zone),
            Some(moment("2026-11-01T01:30:00-05:00"))
        );
    }

    #[test]
    fn spreadsheet_serials() {
        let at = |y, mo, d, h, mi, s| date(y, mo, d).and_time(time(h, mi, s));
        let cases = [
            (45000.0, at(2023, 3, 15, 0, 0, 0)),
            (45000.75, at(2023, 3, 15, 18, 0, 0)),
            (45000.5 + 1.0 / 86_400.0, at(2023, 3, 15, 12, 0, 1)),
            (1.0, at(1900, 1, 1, 0, 0, 0)),
            (59.0, at(1900, 2, 28, 0, 0, 0)),
            (61.0, at(1900, 3, 1, 0, 0, 0)),
            (46_354.0, at(2026, 11, 28, 0, 0, 0)),
            (2_958_465.0, at(9999, 12, 31, 0, 0, 0)),
        ];
        for (serial, expected) in cases {
            assert_eq!(date_from_serial(serial), Some(expected), "{serial}");
        }
        for serial in [
            60.0,
            60.5,
            0.0,
            0.5,
            -1.0,
            2_958_466.0,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(date_from_serial(serial), None, "{serial}");
        }
    }

    #[test]
    fn date_order_is_written_in_kebab_case() {
        let written: Vec<String> = [DayFirst, MonthFirst, YearFirst]
            .iter()
            .map(|o| serde_json::to_string(o).unwrap())
            .collect();
        assert_eq!(written, ["\"day-first\"", "\"month-first\"", "\"year-first\""]);
        assert_eq!(DateOrder::default(), DayFirst);
    }
}
