//! What rows become: the target fields of each kind of file, the privacy step that turns personal
//! values into pseudonyms before anything else sees them, and the conversion to model records.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use ensemble_model::geo::fold_name;
use ensemble_model::*;
use ensemble_privacy::Pseudonymizer;
use ensemble_store::StoreError;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::profile::Profile;
use crate::values;
use crate::writer::{OrganizationCandidate, PlaceCandidate, Writer};

/// What the rows of a file become.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// Ticket lines (with their performances and shows when new).
    Tickets,
    /// A tour-dates spreadsheet: engagements.
    TourDates,
    /// A venue list: places and halls.
    Venues,
    /// A grants list.
    Grants,
    /// Performances (event instances).
    Performances,
    /// Shows (events).
    Shows,
    /// Box-office settlements, one per performance.
    Settlements,
}

/// Which kind of personal value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Personal {
    /// An email address.
    Email,
    /// A phone number.
    Phone,
    /// A first name.
    FirstName,
    /// A last name.
    LastName,
    /// A full name.
    Name,
    /// A street address.
    Address,
    /// A postal code: only its first three characters (FSA) are kept.
    PostalCode,
    /// A birth date: only the age band is kept.
    BirthDate,
}

/// A target field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// Its name in profiles.
    pub name: &'static str,
    /// Whether it holds a personal value, and which.
    pub personal: Option<Personal>,
}

const fn field(name: &'static str) -> Field {
    Field { name, personal: None }
}

const fn personal(name: &'static str, kind: Personal) -> Field {
    Field {
        name,
        personal: Some(kind),
    }
}

const TICKET_FIELDS: &[Field] = &[
    field("event_id"),
    field("event_name"),
    field("event_start"),
    field("event_date"),
    field("event_time"),
    field("venue_name"),
    field("venue_municipality"),
    field("order_id"),
    field("line_id"),
    field("sold_at"),
    field("quantity"),
    field("unit_price"),
    field("line_total"),
    field("price_type"),
    field("channel"),
    field("status"),
    personal("buyer_email", Personal::Email),
    personal("buyer_phone", Personal::Phone),
    personal("buyer_first_name", Personal::FirstName),
    personal("buyer_last_name", Personal::LastName),
    personal("buyer_name", Personal::Name),
    personal("buyer_address", Personal::Address),
    personal("buyer_postal_code", Personal::PostalCode),
    personal("buyer_birth_date", Personal::BirthDate),
    field("buyer_consent"),
    // Written by the privacy step, never read from a file.
    field("buyer_key"),
    field("buyer_fsa"),
    field("buyer_age_band"),
];

const TOUR_FIELDS: &[Field] = &[
    field("show"),
    field("date"),
    field("time"),
    field("venue_name"),
    field("municipality"),
    field("presenter"),
    field("status"),
    field("hold_level"),
    field("radius_km"),
    field("radius_days"),
    field("deal_type"),
    field("fee"),
    field("currency"),
    field("note"),
];

const VENUE_FIELDS: &[Field] = &[
    field("name"),
    field("street_address"),
    field("municipality"),
    field("postal_code"),
    field("province"),
    field("country"),
    field("latitude"),
    field("longitude"),
    field("hall_name"),
    field("capacity"),
    field("website"),
    field("artsdata_id"),
    field("wikidata_id"),
    field("scenepro_id"),
];

const GRANT_FIELDS: &[Field] = &[
    field("funder"),
    field("programme"),
    field("amount"),
    field("starts_on"),
    field("ends_on"),
    field("report_due_dates"),
    field("currency"),
];

const PERFORMANCE_FIELDS: &[Field] = &[
    field("event_id"),
    field("line_id"),
    field("event_name"),
    field("event_start"),
    field("duration_minutes"),
    field("venue_name"),
    field("venue_municipality"),
    field("venue_region"),
    field("status"),
];

const SETTLEMENT_FIELDS: &[Field] = &[
    field("event_id"),
    field("event_name"),
    field("event_start"),
    field("event_date"),
    field("event_time"),
    field("venue_name"),
    field("venue_municipality"),
    field("capacity_offered"),
    field("paid"),
    field("complimentary"),
    field("free_admissions"),
    field("gross"),
    field("taxes"),
    field("fees"),
    field("net"),
    field("artist_fee"),
    field("deal_type"),
    field("artist_share_percent"),
    field("currency"),
];

const SHOW_FIELDS: &[Field] = &[
    field("event_id"),
    field("title"),
    field("duration_minutes"),
    field("description"),
    field("first_start"),
    field("last_end"),
    field("venue_name"),
    field("venue_municipality"),
    field("venue_region"),
];

impl Target {
    /// Every target.
    pub const ALL: &'static [Target] = &[
        Target::Tickets,
        Target::TourDates,
        Target::Venues,
        Target::Grants,
        Target::Performances,
        Target::Shows,
        Target::Settlements,
    ];

    /// Its code.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Tickets => "tickets",
            Target::TourDates => "tour-dates",
            Target::Venues => "venues",
            Target::Grants => "grants",
            Target::Performances => "performances",
            Target::Shows => "shows",
            Target::Settlements => "settlements",
        }
    }

    /// Its code parsed.
    pub fn from_code(code: &str) -> Option<Target> {
        Target::ALL.iter().copied().find(|t| t.as_str() == code)
    }

    /// Its fields.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Target::Tickets => TICKET_FIELDS,
            Target::TourDates => TOUR_FIELDS,
            Target::Venues => VENUE_FIELDS,
            Target::Grants => GRANT_FIELDS,
            Target::Performances => PERFORMANCE_FIELDS,
            Target::Shows => SHOW_FIELDS,
            Target::Settlements => SETTLEMENT_FIELDS,
        }
    }

    /// What a file must provide: each inner list is "one of these fields".
    pub fn requirements(self) -> &'static [&'static [&'static str]] {
        match self {
            Target::Tickets => &[
                &["event_name", "event_id"],
                &["event_start", "event_date"],
                &["unit_price", "line_total"],
            ],
            Target::TourDates => &[&["show"], &["date"], &["presenter"]],
            Target::Venues => &[&["name"]],
            Target::Grants => &[&["funder"], &["programme"], &["amount"], &["starts_on"], &["ends_on"]],
            Target::Performances => &[&["event_id"], &["event_start"]],
            Target::Shows => &[&["title"]],
            Target::Settlements => &[
                &["event_name", "event_id"],
                &["event_start", "event_date"],
                &["capacity_offered"],
                &["paid"],
                &["gross"],
            ],
        }
    }

    fn index(self, name: &str) -> Option<usize> {
        self.fields().iter().position(|f| f.name == name)
    }
}

/// One row of a file as the target's fields (text, before reading values).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The row in the file.
    pub number: u64,
    /// Its target.
    pub target: Target,
    values: Vec<Option<String>>,
}

impl Row {
    /// An empty row.
    pub fn new(target: Target, number: u64) -> Row {
        Row {
            number,
            target,
            values: vec![None; target.fields().len()],
        }
    }

    /// A field's text, trimmed; `None` when absent or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.target.index(name).and_then(|index| self.values[index].as_deref())
    }

    /// Sets a field, trimmed; blank is absent (ignored for a name the target does not have).
    pub fn set(&mut self, name: &str, value: Option<String>) {
        if let Some(index) = self.target.index(name) {
            self.values[index] = value
                .map(|text| {
                    if text.trim().len() == text.len() {
                        text
                    } else {
                        text.trim().to_string()
                    }
                })
                .filter(|text| !text.is_empty());
        }
    }

    /// The non-empty fields as a JSON object (what quarantine keeps).
    pub fn to_json(&self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        for (field, value) in self.target.fields().iter().zip(&self.values) {
            if let Some(value) = value.as_deref().filter(|v| !v.trim().is_empty()) {
                map.insert(field.name.to_string(), serde_json::Value::String(value.to_string()));
            }
        }
        serde_json::Value::Object(map)
    }

    /// A row back from quarantine's JSON.
    pub fn from_json(target: Target, number: u64, json: &serde_json::Value) -> Row {
        let mut row = Row::new(target, number);
        if let Some(map) = json.as_object() {
            for (name, value) in map {
                if let Some(text) = value.as_str() {
                    row.set(name, Some(text.to_string()));
                }
            }
        }
        row
    }
}

/// Replaces a row's personal values by what may be kept: a keyed pseudonym of the buyer, the
/// postal area, the age band. Values that look like an email or a phone number in other fields
/// are masked. Returns warnings (which never quote the value).
pub fn privatize(row: &mut Row, pseudonymizer: &Pseudonymizer, today: NaiveDate) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    let number = row.number;
    if row.target == Target::Tickets {
        let email = row.get("buyer_email").map(str::to_string);
        let phone = row.get("buyer_phone").map(str::to_string);
        let name = match (
            row.get("buyer_first_name"),
            row.get("buyer_last_name"),
            row.get("buyer_name"),
        ) {
            (_, _, Some(full)) => Some(full.to_string()),
            (Some(first), Some(last), None) => Some(format!("{first} {last}")),
            (Some(one), None, None) | (None, Some(one), None) => Some(one.to_string()),
            (None, None, None) => None,
        };
        let postal = row.get("buyer_postal_code").map(str::to_string);
        let key = pseudonymizer.person_key(
            email.as_deref(),
            phone.as_deref(),
            name.as_deref().zip(postal.as_deref()),
        );
        if row.get("buyer_key").is_none() {
            row.set("buyer_key", key.map(|k| k.0));
        }
        if let Some(postal) = &postal {
            match ensemble_privacy::generalize_postal_code(postal) {
                Some(fsa) => row.set("buyer_fsa", Some(fsa)),
                None => warnings.push(Diagnostic::new(Code::PostalCodeInvalid, number, "buyer_postal_code")),
            }
        }
        if let Some(birth) = row.get("buyer_birth_date") {
            match values::parse_date(birth, values::DateOrder::YearFirst)
                .or_else(|| values::parse_date(birth, values::DateOrder::DayFirst))
                .and_then(|born| ensemble_privacy::age_band(born, today))
            {
                Some(band) => row.set("buyer_age_band", Some(band.code().to_string())),
                None => warnings.push(Diagnostic::new(Code::BirthDateInvalid, number, "buyer_birth_date")),
            }
        }
    }
    let fields = row.target.fields();
    for (index, field) in fields.iter().enumerate() {
        if field.personal.is_some() {
            row.values[index] = None;
        } else if field.name != "buyer_key"
            && let Some(value) = &row.values[index]
            && looks_personal(value)
        {
            row.values[index] = Some(MASK.to_string());
            warnings.push(Diagnostic::new(Code::PersonalValueMasked, number, field.name));
        }
    }
    warnings
}

/// What replaces a personal value found where it should not be.
pub const MASK: &str = "[masqué]";

/// Whether a text holds something shaped like an email address or a North American phone number.
pub fn looks_personal(text: &str) -> bool {
    // Most values hold no `@`: the word by word search is for those that do.
    let has_email = text.contains('@')
        && text.split_whitespace().any(|word| {
            let word = word.trim_matches(|c: char| "<>()[],;\"'".contains(c));
            match word.split_once('@') {
                Some((local, domain)) => !local.is_empty() && domain.contains('.') && !domain.starts_with('.'),
                None => false,
            }
        });
    if has_email {
        return true;
    }
    // A phone: ten or eleven digits written with the usual separators.
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let separators = text
        .chars()
        .filter(|c| matches!(c, '-' | ' ' | '(' | ')' | '.' | '+'))
        .count();
    (10..=11).contains(&digits)
        && separators >= 2
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '(' | ')' | '.' | '+'))
}

/// What a conversion needs besides the row.
pub struct Context<'p> {
    /// The profile.
    pub profile: &'p Profile,
    /// Keys natural keys and pseudonyms.
    pub pseudonymizer: &'p Pseudonymizer,
    /// Events already resolved in this import, by the text that named them: their performance
    /// (`None` when no venue could be found).
    events: HashMap<String, Option<PerformanceId>>,
    /// Occurrences of identical ticket lines without an identifier, to tell them apart.
    occurrences: HashMap<u128, u32>,
}

impl<'p> Context<'p> {
    /// A context for one import.
    pub fn new(profile: &'p Profile, pseudonymizer: &'p Pseudonymizer) -> Context<'p> {
        Context {
            profile,
            pseudonymizer,
            events: HashMap::new(),
            occurrences: HashMap::new(),
        }
    }
}

/// What became of one row.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Imported (or linked, or already there).
    Imported,
    /// Not imported, on purpose (a cancelled ticket): counted with a notice.
    Skipped(Vec<Diagnostic>),
    /// Not imported: goes to quarantine with these diagnostics.
    Rejected(Vec<Diagnostic>),
}

/// Reads a row's values, checking each; collects diagnostics.
struct Reader<'r> {
    row: &'r Row,
    profile: &'r Profile,
    problems: Vec<Diagnostic>,
}

impl<'r> Reader<'r> {
    fn new(row: &'r Row, profile: &'r Profile) -> Reader<'r> {
        Reader {
            row,
            profile,
            problems: Vec::new(),
        }
    }

    fn text(&self, name: &str) -> Option<&'r str> {
        self.row
            .get(name)
            .or_else(|| self.profile.defaults.get(name).map(String::as_str))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    fn code(&self, name: &str) -> Option<&'r str> {
        self.text(name).map(|value| self.profile.translate(name, value))
    }

    fn problem(&mut self, code: Code, name: &str) {
        self.problems.push(Diagnostic::new(code, self.row.number, name));
    }

    fn required(&mut self, name: &str) -> Option<&'r str> {
        let value = self.text(name);
        if value.is_none() {
            self.problem(Code::ValueMissing, name);
        }
        value
    }

    fn parsed<T>(&mut self, name: &str, code: Code, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
        let text = self.text(name)?;
        let value = parse(text);
        if value.is_none() {
            self.problem(code, name);
        }
        value
    }

    fn amount(&mut self, name: &str) -> Option<Cents> {
        self.parsed(name, Code::AmountInvalid, values::parse_amount)
    }

    fn date(&mut self, name: &str) -> Option<NaiveDate> {
        let order = self.profile.date_order;
        self.parsed(name, Code::DateInvalid, |text| values::parse_date(text, order))
    }

    fn datetime(&mut self, name: &str) -> Option<DateTime<FixedOffset>> {
        self.datetime_in(name, self.profile.zone())
    }

    /// A date and time; without an offset, on the clock of `zone`.
    fn datetime_in(&mut self, name: &str, zone: chrono_tz::Tz) -> Option<DateTime<FixedOffset>> {
        let order = self.profile.date_order;
        self.parsed(name, Code::DatetimeInvalid, |text| {
            values::parse_datetime(text, order, zone)
        })
    }

    /// The time zone of the row's venue, by its province (`venue_region`), else the profile's.
    fn venue_zone(&self) -> chrono_tz::Tz {
        self.text("venue_region")
            .and_then(values::province_code)
            .and_then(|code| values::province_time_zone(&code))
            .and_then(|zone| zone.parse().ok())
            .unwrap_or_else(|| self.profile.zone())
    }

    fn count(&mut self, name: &str) -> Option<u32> {
        self.parsed(name, Code::NumberInvalid, |text| {
            values::parse_integer(text).and_then(|n| u32::try_from(n).ok())
        })
    }

    /// A duration in minutes, written as a number or as an ISO 8601 duration (`PT90M`).
    fn minutes(&mut self, name: &str) -> Option<u32> {
        self.parsed(name, Code::NumberInvalid, values::parse_minutes)
    }

    fn ok(&self) -> bool {
        self.problems.iter().all(|p| p.severity() != Severity::Error)
    }
}

fn local_moment(date: NaiveDate, time: NaiveTime, zone: chrono_tz::Tz) -> Option<DateTime<FixedOffset>> {
    let local = date.and_time(time);
    zone.from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            zone.from_local_datetime(&(local + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|moment| moment.fixed_offset())
}

/// The time given to a performance created from a file that names only its date.
fn default_curtain() -> NaiveTime {
    NaiveTime::from_hms_opt(20, 0, 0).unwrap_or(NaiveTime::MIN)
}

fn is_cancelled(status: &str) -> bool {
    let folded = fold_name(status);
    [
        "cancel",
        "annul",
        "refund",
        "rembours",
        "not attending",
        "void",
        "returned",
        "retourn",
    ]
    .iter()
    .any(|word| folded.contains(word))
}

fn channel_of(text: &str) -> Option<SalesChannel> {
    if let Some(code) = SalesChannel::from_code(text) {
        return Some(code);
    }
    let folded = fold_name(text);
    let has = |words: &[&str]| words.iter().any(|w| folded.contains(w));
    if has(&["web", "internet", "en ligne", "online", "eventbrite", "site"]) {
        Some(SalesChannel::Web)
    } else if has(&[
        "guichet",
        "billetterie",
        "box",
        "comptoir",
        "sur place",
        "door",
        "porte",
    ]) {
        Some(SalesChannel::BoxOffice)
    } else if has(&["tel", "phone"]) {
        Some(SalesChannel::Phone)
    } else if has(&["revend", "resell", "partenaire", "partner", "reseau", "agent"]) {
        Some(SalesChannel::Reseller)
    } else {
        None
    }
}

fn price_type_of(text: &str) -> PriceType {
    if let Some(code) = PriceType::from_code(text) {
        return code;
    }
    let folded = fold_name(text);
    let has = |words: &[&str]| words.iter().any(|w| folded.contains(w));
    if has(&["etudiant", "student"]) {
        PriceType::Student
    } else if has(&["aine", "senior", "65", "age d or"]) {
        PriceType::Senior
    } else if has(&["enfant", "child", "jeune", "youth", "kid"]) {
        PriceType::Child
    } else if has(&["abonn", "subscri", "forfait", "passeport"]) {
        PriceType::Subscription
    } else if has(&["groupe", "group"]) {
        PriceType::Group
    } else if has(&["faveur", "comp", "invit", "gracieu"]) {
        PriceType::Complimentary
    } else if has(&["gratuit", "free", "libre"]) {
        PriceType::Free
    } else {
        PriceType::Regular
    }
}

/// Converts a ticket line whose values were read beforehand ([`read_ticket`]).
pub fn convert_ticket(
    row: &Row,
    values: TicketValues,
    context: &mut Context<'_>,
    writer: &mut Writer<'_, '_>,
) -> Result<Outcome, StoreError> {
    writer.row = row.number;
    ticket(row, values, context, writer)
}

/// Converts one (privatized) row and writes what it becomes.
pub fn convert(row: &Row, context: &mut Context<'_>, writer: &mut Writer<'_, '_>) -> Result<Outcome, StoreError> {
    writer.row = row.number;
    match row.target {
        Target::Tickets => {
            let values = read_ticket(row, context.profile, context.pseudonymizer);
            ticket(row, values, context, writer)
        }
        Target::TourDates => tour_date(row, context, writer),
        Target::Venues => venue(row, context, writer),
        Target::Grants => grant(row, context, writer),
        Target::Performances => performance(row, context, writer),
        Target::Shows => show(row, context, writer),
        Target::Settlements => settlement(row, context, writer),
    }
}

/// A settlement: the performance it settles (found, or created as for ticket lines) and its
/// figures; taxes, fees, complimentary tickets and free admissions are 0 when not given, and the
/// net is gross less taxes and fees unless the file gives it (then it must balance).
fn settlement(row: &Row, context: &mut Context<'_>, writer: &mut Writer<'_, '_>) -> Result<Outcome, StoreError> {
    let profile = context.profile;
    let mut read = Reader::new(row, profile);
    if read.text("event_name").is_none() && read.text("event_id").is_none() {
        read.problem(Code::ValueMissing, "event_name");
    }
    let start = event_start(&mut read, profile);
    let time_known = read.text("event_start").is_some() || read.text("event_time").is_some();
    let whole = |read: &mut Reader<'_>, name: &str, required: bool| match read.text(name) {
        Some(_) => read.count(name),
        None if required => {
            read.problem(Code::ValueMissing, name);
            None
        }
        None => Some(0),
    };
    let capacity = whole(&mut read, "capacity_offered", true);
    let paid = whole(&mut read, "paid", true);
    let complimentary = whole(&mut read, "complimentary", false);
    let free = whole(&mut read, "free_admissions", false);
    let money = |read: &mut Reader<'_>, name: &str, required: bool| match read.text(name) {
        Some(_) => read.amount(name),
        None if required => {
            read.problem(Code::ValueMissing, name);
            None
        }
        None => Some(Cents(0)),
    };
    let gross = money(&mut read, "gross", true);
    let taxes = money(&mut read, "taxes", false);
    let fees = money(&mut read, "fees", false);
    let artist_fee = money(&mut read, "artist_fee", false);
    let net = read.text("net").is_some().then(|| read.amount("net")).flatten();
    let deal_type = match read.code("deal_type") {
        Some(text) => match DealType::from_code(text) {
            Some(deal) => Some(deal),
            None => {
                read.problem(Code::ValueUnknown, "deal_type");
                None
            }
        },
        None => None,
    };
    let share = read
        .text("artist_share_percent")
        .is_some()
        .then(|| read.count("artist_share_percent"))
        .flatten();
    let currency = read.text("currency").unwrap_or(&profile.currency).to_ascii_uppercase();
    if !read.ok() {
        return Ok(Outcome::Rejected(read.problems));
    }
    let (
        Some(start),
        Some(capacity),
        Some(paid),
        Some(complimentary),
        Some(free),
        Some(gross),
        Some(taxes),
        Some(fees),
        Some(artist_fee),
    ) = (
        start,
        capacity,
        paid,
        complimentary,
        free,
        gross,
        taxes,
        fees,
        artist_fee,
    )
    else {
        return Ok(Outcome::Rejected(read.problems));
    };
    let event = EventRef {
        id: row.get("event_id"),
        name: row.get("event_name"),
        start,
        time_known,
        venue: row.get("venue_name"),
        municipality: row.get("venue_municipality"),
        zone: None,
        duration: None,
    };
    let Some(performance) = resolve_performance(context, writer, event)? else {
        return Ok(Outcome::Rejected(vec![Diagnostic::new(
            Code::VenueUnknown,
            row.number,
            "venue_name",
        )]));
    };
    let key = context
        .pseudonymizer
        .record_key(&["settlement", &performance.0.to_string()]);
    let record = |id: i64, provenance: Provenance| Settlement {
        id: SettlementId(id),
        performance_id: performance,
        capacity_offered: capacity,
        paid,
        complimentary,
        free_admissions: free,
        gross,
        taxes,
        fees,
        net: net.unwrap_or_else(|| Settlement::net_of(gross, taxes, fees)),
        artist_fee,
        currency: currency.clone(),
        deal_type,
        artist_share_percent: share,
        provenance,
    };
    let problems = model_problems(row.number, "Settlement", &record(0, writer.provenance()));
    if !problems.is_empty() {
        return Ok(Outcome::Rejected(problems));
    }
    writer.kept_settlement(&key, performance.0)?;
    writer.upsert(&key, record)?;
    Ok(Outcome::Imported)
}

fn model_problems<E: Validate>(row: u64, entity: &str, record: &E) -> Vec<Diagnostic> {
    record
        .validate()
        .iter()
        .map(|error| Diagnostic::from_model(row, entity, error))
        .collect()
}

/// The start of the event a ticket line is for: one date-time column, or a date and a time.
fn event_start(read: &mut Reader<'_>, profile: &Profile) -> Option<DateTime<FixedOffset>> {
    if read.text("event_start").is_some() {
        return read.datetime("event_start");
    }
    if read.text("event_date").is_none() {
        read.problem(Code::ValueMissing, "event_date");
        return None;
    }
    let date = read.date("event_date");
    let time = read.parsed("event_time", Code::DatetimeInvalid, values::parse_time);
    date.and_then(|date| local_moment(date, time.unwrap_or_else(default_curtain), profile.zone()))
}

/// A ticket line's values, read and checked without the database (so a reading thread can do it).
pub struct TicketValues {
    /// Problems found; any error keeps the line out.
    problems: Vec<Diagnostic>,
    /// The line was cancelled or refunded.
    cancelled: bool,
    /// The text that names the event (its identifier, name, moment and venue), for caching.
    event_text: String,
    start: Option<DateTime<FixedOffset>>,
    time_known: bool,
    quantity: u32,
    price_type: PriceType,
    price: Option<Cents>,
    sold_at: Option<DateTime<FixedOffset>>,
    channel: SalesChannel,
    consent: Option<bool>,
    /// The natural key, when the file numbers its lines.
    numbered_key: Option<String>,
}

/// Reads a ticket line's values.
pub fn read_ticket(row: &Row, profile: &Profile, pseudonymizer: &Pseudonymizer) -> TicketValues {
    let mut read = Reader::new(row, profile);
    let cancelled = read.text("status").is_some_and(is_cancelled);
    if read.text("event_name").is_none() && read.text("event_id").is_none() {
        read.problem(Code::ValueMissing, "event_name");
    }
    let event_text = [
        "event_id",
        "event_name",
        "event_start",
        "event_date",
        "event_time",
        "venue_name",
        "venue_municipality",
    ]
    .iter()
    .map(|name| read.text(name).unwrap_or(""))
    .collect::<Vec<_>>()
    .join("\u{1f}");
    let start = event_start(&mut read, profile);
    let time_known = read.text("event_start").is_some() || read.text("event_time").is_some();
    let quantity = read.count("quantity").unwrap_or(1);
    if quantity == 0 && read.text("quantity").is_some() {
        read.problem(Code::NumberInvalid, "quantity");
    }
    let price_type = read.code("price_type").map_or(PriceType::Regular, price_type_of);
    let price = match (read.text("unit_price"), read.text("line_total")) {
        (Some(_), _) => read.amount("unit_price"),
        (None, Some(_)) => read
            .amount("line_total")
            .map(|total| Cents(total.0 / i64::from(quantity.max(1)))),
        (None, None) if matches!(price_type, PriceType::Free | PriceType::Complimentary) => Some(Cents(0)),
        (None, None) => {
            read.problem(Code::ValueMissing, "unit_price");
            None
        }
    };
    let sold_at = read
        .text("sold_at")
        .is_some()
        .then(|| read.datetime("sold_at"))
        .flatten();
    let channel = match read.code("channel") {
        Some(text) => match channel_of(text) {
            Some(channel) => channel,
            None => {
                read.problem(Code::ValueUnknown, "channel");
                SalesChannel::Web
            }
        },
        None => SalesChannel::Web,
    };
    let consent = read.parsed("buyer_consent", Code::BooleanInvalid, values::parse_bool);
    let numbered_key = read.text("line_id").map(|line| {
        let order = read.text("order_id").unwrap_or("");
        pseudonymizer.record_key(&["ticket", profile.source.as_str(), order, line])
    });
    TicketValues {
        problems: read.problems,
        cancelled,
        event_text,
        start,
        time_known,
        quantity,
        price_type,
        price,
        sold_at,
        channel,
        consent,
        numbered_key,
    }
}

fn ticket(
    row: &Row,
    values: TicketValues,
    context: &mut Context<'_>,
    writer: &mut Writer<'_, '_>,
) -> Result<Outcome, StoreError> {
    if values.cancelled {
        return Ok(Outcome::Skipped(vec![Diagnostic::new(
            Code::TicketCancelled,
            row.number,
            "status",
        )]));
    }
    if values.problems.iter().any(|p| p.severity() == Severity::Error) {
        return Ok(Outcome::Rejected(values.problems));
    }
    let (Some(start), Some(price)) = (values.start, values.price) else {
        return Ok(Outcome::Rejected(values.problems));
    };
    // Resolve the performance once per distinct event named in the file.
    let performance = match context.events.get(&values.event_text).copied() {
        Some(found) => found,
        None => {
            let event = EventRef {
                id: row.get("event_id"),
                name: row.get("event_name"),
                start,
                time_known: values.time_known,
                venue: row.get("venue_name"),
                municipality: row.get("venue_municipality"),
                zone: None,
                duration: None,
            };
            let found = resolve_performance(context, writer, event)?;
            context.events.insert(values.event_text.clone(), found);
            found
        }
    };
    let Some(performance) = performance else {
        let mut problems = values.problems;
        problems.push(Diagnostic::new(Code::VenueUnknown, row.number, "venue_name"));
        return Ok(Outcome::Rejected(problems));
    };
    let buyer_key = row.get("buyer_key").map(|k| PersonKey(k.to_string()));
    let sale = TicketSale {
        id: TicketSaleId(0),
        performance_id: performance,
        sold_at: values.sold_at.unwrap_or(start),
        price,
        quantity: values.quantity,
        channel: values.channel,
        price_type: values.price_type,
        buyer_key: buyer_key.clone(),
        fsa: row.get("buyer_fsa").map(str::to_string),
        age_band: row.get("buyer_age_band").and_then(AgeBand::from_code),
        provenance: writer.provenance(),
    };
    let problems = model_problems(row.number, "TicketSale", &sale);
    if !problems.is_empty() {
        return Ok(Outcome::Rejected(problems));
    }
    let key = match values.numbered_key {
        Some(key) => key,
        None => unnumbered_ticket_key(row, context, performance),
    };
    let sold_at = sale.sold_at;
    writer.ticket(key, sale)?;
    if let (Some(granted), Some(person)) = (values.consent, buyer_key) {
        let key = context
            .pseudonymizer
            .record_key(&["consent", &person.0, Purpose::Marketing.code()]);
        writer.consent(
            key,
            Consent {
                id: ConsentId(0),
                person_key: person,
                purpose: Purpose::Marketing,
                granted,
                recorded_at: sold_at,
                withdrawn_at: None,
                provenance: writer.provenance(),
            },
        )?;
    }
    Ok(Outcome::Imported)
}

/// The natural key of a ticket line the file does not number: its values and its occurrence
/// among identical lines.
fn unnumbered_ticket_key(row: &Row, context: &mut Context<'_>, performance: PerformanceId) -> String {
    let source = context.profile.source.as_str();
    let order = row.get("order_id").unwrap_or("");
    let performance = performance.0.to_string();
    let mut parts = vec!["ticket", source, order, performance.as_str()];
    let content: Vec<&str> = [
        "sold_at",
        "quantity",
        "unit_price",
        "line_total",
        "price_type",
        "channel",
        "buyer_key",
    ]
    .iter()
    .map(|name| row.get(name).unwrap_or(""))
    .collect();
    parts.extend(content);
    let base = context.pseudonymizer.record_key(&parts);
    let bits = u128::from_str_radix(base.get(..32).unwrap_or(&base), 16).unwrap_or_default();
    let occurrence = context.occurrences.entry(bits).or_default();
    *occurrence += 1;
    if *occurrence == 1 {
        base
    } else {
        context
            .pseudonymizer
            .record_key(&[base.as_str(), &occurrence.to_string()])
    }
}

/// An event as a file names it.
struct EventRef<'a> {
    id: Option<&'a str>,
    name: Option<&'a str>,
    start: DateTime<FixedOffset>,
    /// False when the file gives only a date.
    time_known: bool,
    venue: Option<&'a str>,
    municipality: Option<&'a str>,
    /// The performance's time zone when the file says where the venue is; else the profile's.
    zone: Option<chrono_tz::Tz>,
    /// The show's length, kept when the show is new.
    duration: Option<u32>,
}

fn resolve_performance(
    context: &Context<'_>,
    writer: &mut Writer<'_, '_>,
    event: EventRef<'_>,
) -> Result<Option<PerformanceId>, StoreError> {
    let EventRef {
        id: event_id,
        name: event_name,
        start,
        time_known,
        venue,
        municipality,
        zone,
        duration,
    } = event;
    let source = context.profile.source.as_str();
    let performance_key = event_id.map(|id| {
        context
            .pseudonymizer
            .record_key(&["performance", source, id, &start.to_rfc3339()])
    });
    if let Some(id) = performance_key
        .as_deref()
        .and_then(|key| writer.known::<Performance>(key))
    {
        return Ok(Some(PerformanceId(id)));
    }
    let show_key = event_id.map(|id| context.pseudonymizer.record_key(&["show", source, id]));
    let show = match (event_name, show_key.as_deref()) {
        (Some(name), key) => {
            let linked = writer.show(name, Identifiers::default(), key)?;
            if !linked.existing
                && let Some(minutes) = duration
            {
                set_duration(writer, linked.id, minutes)?;
            }
            linked.id
        }
        (None, Some(key)) => match writer.known::<Show>(key) {
            Some(id) => ShowId(id),
            None => return Ok(None),
        },
        (None, None) => return Ok(None),
    };
    let hall = match venue {
        Some(venue) => {
            let place = writer.place(PlaceCandidate {
                name: venue.to_string(),
                municipality: municipality.map(str::to_string),
                ..Default::default()
            })?;
            Some(writer.hall(place.id, None, Vec::new())?.id)
        }
        None => None,
    };
    let presenter = writer.member.organization_id;
    let zone = zone.unwrap_or_else(|| context.profile.zone());
    Ok(writer
        .performance(
            show,
            start,
            zone.name(),
            hall,
            presenter,
            EventStatus::Scheduled,
            performance_key.as_deref(),
            time_known,
        )?
        .map(|linked| linked.id))
}

fn tour_date(row: &Row, context: &mut Context<'_>, writer: &mut Writer<'_, '_>) -> Result<Outcome, StoreError> {
    let profile = context.profile;
    let mut read = Reader::new(row, profile);
    let show = read.required("show");
    let date = match read.text("date") {
        Some(_) => read.date("date"),
        None => {
            read.problem(Code::ValueMissing, "date");
            None
        }
    };
    let presenter = read.required("presenter");
    let status = match read.code("status") {
        Some(text) => match EngagementStatus::from_code(text).or_else(|| engagement_status_of(text)) {
            Some(status) => status,
            None => {
                read.problem(Code::ValueUnknown, "status");
                EngagementStatus::Confirmed
            }
        },
        None => EngagementStatus::Confirmed,
    };
    let deal_type = match read.code("deal_type") {
        Some(text) => match DealType::from_code(text) {
            Some(deal) => deal,
            None => {
                read.problem(Code::ValueUnknown, "deal_type");
                DealType::FlatFee
            }
        },
        None => DealType::FlatFee,
    };
    let hold_level = read.count("hold_level");
    let (radius_km, radius_days) = (read.count("radius_km"), read.count("radius_days"));
    let fee = read.amount("fee");
    let currency = read.text("currency").unwrap_or(&profile.currency).to_ascii_uppercase();
    if !read.ok() {
        return Ok(Outcome::Rejected(read.problems));
    }
    let (Some(show), Some(date), Some(presenter)) = (show, date, presenter) else {
        return Ok(Outcome::Rejected(read.problems));
    };
    let municipality = read.text("municipality");
    let show_id = writer.show(show, Identifiers::default(), None)?.id;
    let presenter_id = writer
        .organization(OrganizationCandidate {
            name: presenter.to_string(),
            municipality: municipality.map(str::to_string),
            roles: vec![ValueChainRole::Presenter],
            ..Default::default()
        })?
        .id;
    let hall_id = match read.text("venue_name") {
        Some(venue) => {
            let place = writer.place(PlaceCandidate {
                name: venue.to_string(),
                municipality: municipality.map(str::to_string),
                operator_id: Some(presenter_id),
                ..Default::default()
            })?;
            Some(writer.hall(place.id, None, Vec::new())?.id)
        }
        None => None,
    };
    let hold_level = match status {
        EngagementStatus::Hold => Some(hold_level.unwrap_or(1)),
        _ => None,
    };
    let key = context.pseudonymizer.record_key(&[
        "engagement",
        &show_id.0.to_string(),
        &presenter_id.0.to_string(),
        &date.to_string(),
    ]);
    let record = |id: i64, provenance: Provenance| Engagement {
        id: EngagementId(id),
        show_id,
        presenter_id,
        hall_id,
        tour_id: None,
        performance_date: date,
        status,
        hold_level,
        deal_type,
        fee,
        currency: currency.clone(),
        radius_km,
        radius_days,
        provenance,
    };
    let problems = model_problems(row.number, "Engagement", &record(0, writer.provenance()));
    if !problems.is_empty() {
        return Ok(Outcome::Rejected(problems));
    }
    writer.upsert(&key, record)?;
    Ok(Outcome::Imported)
}

fn engagement_status_of(text: &str) -> Option<EngagementStatus> {
    let folded = fold_name(text);
    let has = |words: &[&str]| words.iter().any(|w| folded.contains(w));
    if has(&["annul", "cancel"]) {
        Some(EngagementStatus::Cancelled)
    } else if has(&["contrat", "contract", "signe", "signed"]) {
        Some(EngagementStatus::Contracted)
    } else if has(&["confirm"]) {
        Some(EngagementStatus::Confirmed)
    } else if has(&["option", "hold", "reserv"]) {
        Some(EngagementStatus::Hold)
    } else if has(&["offre", "offer", "propos"]) {
        Some(EngagementStatus::Offer)
    } else if has(&["demande", "inquir", "request", "contact"]) {
        Some(EngagementStatus::Inquiry)
    } else {
        None
    }
}

fn venue(row: &Row, context: &mut Context<'_>, writer: &mut Writer<'_, '_>) -> Result<Outcome, StoreError> {
    let mut read = Reader::new(row, context.profile);
    let name = read.required("name");
    let latitude = read.parsed("latitude", Code::NumberInvalid, values::parse_decimal);
    let longitude = read.parsed("longitude", Code::NumberInvalid, values::parse_decimal);
    let capacity = read.count("capacity");
    let identifiers = Identifiers {
        artsdata: read.text("artsdata_id").map(str::to_string),
        wikidata: read.text("wikidata_id").map(str::to_string),
        scenepro: read.text("scenepro_id").map(str::to_string),
        ..Default::default()
    };
    let mut problems = read.problems.clone();
    let mut errors = Vec::new();
    identifiers.validate("identifiers", &mut errors);
    problems.extend(errors.iter().map(|e| Diagnostic::from_model(row.number, "Place", e)));
    if problems.iter().any(|p| p.severity() == Severity::Error) {
        return Ok(Outcome::Rejected(problems));
    }
    let Some(name) = name else {
        return Ok(Outcome::Rejected(problems));
    };
    let candidate = PlaceCandidate {
        name: name.to_string(),
        street_address: read.text("street_address").map(str::to_string),
        municipality: read.text("municipality").map(str::to_string),
        postal_code: read.text("postal_code").map(str::to_string),
        province: read.text("province").map(str::to_string),
        country: read.text("country").map(str::to_string),
        latitude,
        longitude,
        operator_id: None,
        identifiers,
    };
    let place = writer.place(candidate)?;
    let configurations = capacity
        .filter(|c| *c > 0)
        .map(|capacity| {
            vec![HallConfiguration {
                kind: HallConfigurationCode::new("Italienne"),
                capacity,
            }]
        })
        .unwrap_or_default();
    if read.text("hall_name").is_some() || capacity.is_some() || !place.existing {
        writer.hall(place.id, read.text("hall_name"), configurations)?;
    }
    Ok(Outcome::Imported)
}

fn grant(row: &Row, context: &mut Context<'_>, writer: &mut Writer<'_, '_>) -> Result<Outcome, StoreError> {
    let profile = context.profile;
    let mut read = Reader::new(row, profile);
    let funder = read.required("funder");
    let programme = read.required("programme");
    let amount = match read.text("amount") {
        Some(_) => read.amount("amount"),
        None => {
            read.problem(Code::ValueMissing, "amount");
            None
        }
    };
    let mut dates = [None, None];
    for (slot, name) in dates.iter_mut().zip(["starts_on", "ends_on"]) {
        *slot = match read.text(name) {
            Some(_) => read.date(name),
            None => {
                read.problem(Code::ValueMissing, name);
                None
            }
        };
    }
    let mut due = Vec::new();
    if let Some(text) = read.text("report_due_dates") {
        for part in text.split([';', ',', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
            match values::parse_date(part, profile.date_order) {
                Some(date) => due.push(date),
                None => read.problem(Code::DateInvalid, "report_due_dates"),
            }
        }
    }
    let currency = read.text("currency").unwrap_or(&profile.currency).to_ascii_uppercase();
    if !read.ok() {
        return Ok(Outcome::Rejected(read.problems));
    }
    let (Some(funder), Some(programme), Some(amount), [Some(starts_on), Some(ends_on)]) =
        (funder, programme, amount, dates)
    else {
        return Ok(Outcome::Rejected(read.problems));
    };
    let funder_id = writer
        .organization(OrganizationCandidate {
            name: funder.to_string(),
            roles: vec![ValueChainRole::Funder],
            ..Default::default()
        })?
        .id;
    let key = context.pseudonymizer.record_key(&[
        "grant",
        &funder_id.0.to_string(),
        &fold_name(programme),
        &starts_on.to_string(),
    ]);
    let record = |id: i64, provenance: Provenance| Grant {
        id: GrantId(id),
        funder_id,
        programme: programme.to_string(),
        amount,
        currency: currency.clone(),
        starts_on,
        ends_on,
        report_due_dates: due.clone(),
        provenance,
    };
    let problems = model_problems(row.number, "Grant", &record(0, writer.provenance()));
    if !problems.is_empty() {
        return Ok(Outcome::Rejected(problems));
    }
    writer.upsert(&key, record)?;
    Ok(Outcome::Imported)
}

fn performance(row: &Row, context: &mut Context<'_>, writer: &mut Writer<'_, '_>) -> Result<Outcome, StoreError> {
    let mut read = Reader::new(row, context.profile);
    let event_id = read.required("event_id");
    // A local start is on the venue's clock: its province's, else the profile's.
    let zone = read.venue_zone();
    let start = match read.text("event_start") {
        Some(_) => read.datetime_in("event_start", zone),
        None => {
            read.problem(Code::ValueMissing, "event_start");
            None
        }
    };
    let duration = read.minutes("duration_minutes");
    let cancelled = read
        .text("status")
        .is_some_and(|s| is_cancelled(s) || values::parse_bool(s) == Some(true));
    if !read.ok() {
        return Ok(Outcome::Rejected(read.problems));
    }
    let (Some(event_id), Some(start)) = (event_id, start) else {
        return Ok(Outcome::Rejected(read.problems));
    };
    let event = EventRef {
        id: Some(event_id),
        name: read.text("event_name"),
        start,
        time_known: true,
        venue: read.text("venue_name"),
        municipality: read.text("venue_municipality"),
        zone: Some(zone),
        duration,
    };
    let resolved = resolve_performance(context, writer, event)?;
    match resolved {
        Some(id) => {
            if cancelled
                && let Some(mut record) = writer.session().get::<Performance>(id.0)?
                && record.status != EventStatus::Cancelled
                && record.provenance.member_id == Some(writer.member.id)
            {
                record.status = EventStatus::Cancelled;
                writer.session().update(&record)?;
            }
            Ok(Outcome::Imported)
        }
        None => {
            let code = if read.text("event_name").is_none() {
                Code::ValueMissing
            } else {
                Code::VenueUnknown
            };
            let field = if code == Code::ValueMissing {
                "event_name"
            } else {
                "venue_name"
            };
            Ok(Outcome::Rejected(vec![Diagnostic::new(code, row.number, field)]))
        }
    }
}

fn show(row: &Row, context: &mut Context<'_>, writer: &mut Writer<'_, '_>) -> Result<Outcome, StoreError> {
    let mut read = Reader::new(row, context.profile);
    let title = read.required("title");
    let duration = read.minutes("duration_minutes");
    let zone = read.venue_zone();
    let first = read.datetime_in("first_start", zone);
    let last_end = read.datetime_in("last_end", zone);
    if !read.ok() {
        return Ok(Outcome::Rejected(read.problems));
    }
    let Some(title) = title else {
        return Ok(Outcome::Rejected(read.problems));
    };
    let source = context.profile.source.as_str();
    let key = read
        .text("event_id")
        .map(|id| context.pseudonymizer.record_key(&["show", source, id]));
    let linked = writer.show(title, Identifiers::default(), key.as_deref())?;
    if !linked.existing
        && let Some(minutes) = duration
    {
        set_duration(writer, linked.id, minutes)?;
    }
    // An event that gives its first performance's start and its last one's end (Spektrix's
    // `firstInstanceDateTime`, `lastInstanceDateTime`) gives those two performances; the ones in
    // between come with the instances.
    let last = last_end
        .zip(duration)
        .map(|(end, minutes)| end - chrono::Duration::minutes(i64::from(minutes)));
    let mut starts: Vec<DateTime<FixedOffset>> = first.into_iter().chain(last).collect();
    starts.dedup();
    for start in starts {
        let event = EventRef {
            id: read.text("event_id"),
            name: Some(title),
            start,
            time_known: true,
            venue: read.text("venue_name"),
            municipality: read.text("venue_municipality"),
            zone: Some(zone),
            duration,
        };
        resolve_performance(context, writer, event)?;
    }
    Ok(Outcome::Imported)
}

/// Sets the length of a show just created.
fn set_duration(writer: &mut Writer<'_, '_>, show: ShowId, minutes: u32) -> Result<(), StoreError> {
    if let Some(mut record) = writer.session().get::<Show>(show.0)? {
        record.duration_minutes = Some(minutes);
        writer.session().update(&record)?;
    }
    Ok(())
}
