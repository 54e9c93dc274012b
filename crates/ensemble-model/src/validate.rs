//! Validation of records, with stable error codes. Each code has a French and an English message
//! (key `model-<code>` in the catalogues of `ensemble-i18n`) that says what to do.

use std::fmt;

use ensemble_i18n::{Arg, Lang};

use crate::entities::*;
use crate::geo;
use crate::identifiers::Identifiers;
use crate::vocab;

code_enum! {
    /// The stable code of a validation error. Codes never change meaning; new ones are added.
    ErrorCode {
        RequiredFieldEmpty = "required-field-empty" ("Champ obligatoire vide", "Required field empty"),
        InvalidArtsdataId = "invalid-artsdata-id" ("Identifiant Artsdata invalide", "Invalid Artsdata identifier"),
        InvalidWikidataId = "invalid-wikidata-id" ("Identifiant Wikidata invalide", "Invalid Wikidata identifier"),
        InvalidIsni = "invalid-isni" ("ISNI invalide", "Invalid ISNI"),
        InvalidNeq = "invalid-neq" ("NEQ invalide", "Invalid NEQ"),
        InvalidSceneProId = "invalid-scenepro-id" ("Identifiant Scène Pro invalide", "Invalid Scène Pro identifier"),
        InvalidPostalCode = "invalid-postal-code" ("Code postal invalide", "Invalid postal code"),
        InvalidFsa = "invalid-fsa" ("RTA invalide", "Invalid FSA"),
        FsaMismatch = "fsa-mismatch" ("RTA différente du code postal", "FSA does not match postal code"),
        UnknownCode = "unknown-code" ("Code inconnu", "Unknown code"),
        CoordinatesOutOfRange = "coordinates-out-of-range" ("Coordonnées hors limites", "Coordinates out of range"),
        NegativeAmount = "negative-amount" ("Montant négatif", "Negative amount"),
        CapacityZero = "capacity-zero" ("Capacité nulle", "Zero capacity"),
        DateRangeInverted = "date-range-inverted" ("Dates inversées", "Dates in the wrong order"),
        AttendanceExceedsCapacity = "attendance-exceeds-capacity" ("Assistance supérieure à la jauge", "Attendance above capacity"),
        NetDoesNotBalance = "net-does-not-balance" ("Recettes nettes incohérentes", "Net does not balance"),
        HoldLevelMissing = "hold-level-missing" ("Rang d'option manquant", "Hold level missing"),
        HoldLevelUnexpected = "hold-level-unexpected" ("Rang d'option inattendu", "Unexpected hold level"),
        InvalidCurrency = "invalid-currency" ("Devise invalide", "Invalid currency"),
        InvalidPersonKey = "invalid-person-key" ("Pseudonyme invalide", "Invalid pseudonym"),
        InvalidSlug = "invalid-slug" ("Code court invalide", "Invalid short code"),
        OutOfRange = "out-of-range" ("Valeur hors limites", "Value out of range"),
        InvalidTimeZone = "invalid-time-zone" ("Fuseau horaire inconnu", "Unknown time zone"),
        InvalidUrl = "invalid-url" ("Adresse web invalide", "Invalid web address"),
        InvalidLanguage = "invalid-language" ("Code de langue invalide", "Invalid language code"),
        InvalidCountry = "invalid-country" ("Code de pays invalide", "Invalid country code"),
        PrivacyAssessmentMissing = "privacy-assessment-missing" ("Évaluation des facteurs relatifs à la vie privée manquante", "Privacy impact assessment missing"),
        FreeOfferWithPrice = "free-offer-with-price" ("Offre gratuite avec un prix", "Free offer with a price"),
        QuantityZero = "quantity-zero" ("Quantité nulle", "Zero quantity"),
        ConsentWithdrawnBeforeRecorded = "consent-withdrawn-before-recorded" ("Retrait antérieur au consentement", "Withdrawal before consent"),
        InvalidChecksum = "invalid-checksum" ("Empreinte invalide", "Invalid checksum"),
    }
}

/// One problem found in a record: a stable code, the field, and values for the message.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationError {
    /// What is wrong.
    pub code: ErrorCode,
    /// The field concerned (`name`, `identifiers.wikidata`, ...).
    pub field: &'static str,
    /// Named values the message shows (never personal data).
    pub args: Vec<(&'static str, String)>,
}

impl ValidationError {
    /// A new error on `field`.
    pub fn new(code: ErrorCode, field: &'static str) -> Self {
        ValidationError {
            code,
            field,
            args: Vec::new(),
        }
    }

    /// Adds a named value for the message.
    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    /// The key of the message in the catalogues.
    pub fn message_key(&self) -> String {
        format!("model-{}", self.code.code())
    }

    /// The message for a person, in their language, saying what is wrong and what to do.
    pub fn message(&self, lang: Lang) -> String {
        let mut args: Vec<(&str, Arg)> = vec![("field", Arg::from(self.field))];
        args.extend(self.args.iter().map(|(name, value)| (*name, Arg::from(value.as_str()))));
        ensemble_i18n::tr_args(lang, &self.message_key(), &args)
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.code, self.field)
    }
}

/// A record that can check itself.
pub trait Validate {
    /// Every problem found; empty when the record is valid.
    fn validate(&self) -> Vec<ValidationError>;
}

/// Collects errors while checking one record.
struct Checker {
    errors: Vec<ValidationError>,
}

impl Checker {
    fn new() -> Self {
        Checker { errors: Vec::new() }
    }

    fn push(&mut self, error: ValidationError) {
        self.errors.push(error);
    }

    fn required(&mut self, field: &'static str, value: &str) {
        if value.trim().is_empty() {
            self.push(ValidationError::new(ErrorCode::RequiredFieldEmpty, field));
        }
    }

    fn identifiers(&mut self, identifiers: &Identifiers) {
        identifiers.validate("identifiers", &mut self.errors);
    }

    fn code(&mut self, field: &'static str, vocabulary: &'static str, code: &str) {
        if !vocab::contains(vocabulary, code) {
            self.push(
                ValidationError::new(ErrorCode::UnknownCode, field)
                    .with("value", code)
                    .with("vocabulary", vocabulary),
            );
        }
    }

    fn region(&mut self, region: &Option<RegionCode>) {
        if let Some(region) = region {
            self.code("region_code", RegionCode::VOCABULARY, region.as_str());
        }
    }

    fn postal_code(&mut self, value: &Option<String>) {
        if let Some(value) = value
            && geo::normalize_postal_code(value).is_none()
        {
            self.push(ValidationError::new(ErrorCode::InvalidPostalCode, "postal_code").with("value", value.clone()));
        }
    }

    fn fsa(&mut self, field: &'static str, value: &Option<String>) {
        if let Some(value) = value
            && !is_fsa(value)
        {
            self.push(ValidationError::new(ErrorCode::InvalidFsa, field).with("value", value.clone()));
        }
    }

    fn not_negative(&mut self, field: &'static str, amount: Cents) {
        if amount.0 < 0 {
            self.push(ValidationError::new(ErrorCode::NegativeAmount, field).with("value", amount.0.to_string()));
        }
    }

    fn currency(&mut self, value: &str) {
        if !(value.len() == 3 && value.bytes().all(|b| b.is_ascii_uppercase())) {
            self.push(ValidationError::new(ErrorCode::InvalidCurrency, "currency").with("value", value));
        }
    }

    fn date_range(&mut self, field: &'static str, start: chrono::NaiveDate, end: chrono::NaiveDate) {
        if end < start {
            self.push(
                ValidationError::new(ErrorCode::DateRangeInverted, field)
                    .with("start", start.to_string())
                    .with("end", end.to_string()),
            );
        }
    }

    fn url(&mut self, field: &'static str, value: &Option<String>) {
        if let Some(value) = value
            && !(value.starts_with("https://") || value.starts_with("http://"))
        {
            self.push(ValidationError::new(ErrorCode::InvalidUrl, field).with("value", value.clone()));
        }
    }

    fn done(self) -> Vec<ValidationError> {
        self.errors
    }
}

/// Whether the text is a postal area: letter, digit, letter, upper case.
pub fn is_fsa(text: &str) -> bool {
    matches!(text.as_bytes(), [first, digit, letter]
        if geo::is_postal_letter(*first, true) && digit.is_ascii_digit() && geo::is_postal_letter(*letter, false))
}

/// Whether the text is a lower-case short code: letters, digits and single hyphens.
pub fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && !text.starts_with('-')
        && !text.ends_with('-')
        && !text.contains("--")
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl Validate for Organization {
    fn validate(&self) -> Vec<ValidationError> {
        let mut check = Checker::new();
        check.required("name", &self.name);
        check.postal_code(&self.postal_code);
        check.region(&self.region_code);
        check.url("website", &self.website);
        check.identifiers(&self.identifiers);
        check.done()
    }
}

impl Validate for Member {
    fn validate(&self) -> Vec<ValidationError> {
        let mut check = Checker::new();
        if !is_slug(&self.slug) {
            check.push(ValidationError::new(ErrorCode::InvalidSlug, "slug").with("value", self.slug.clone()));
        }
        check.done()
    }
}

impl Validate for Person {
    fn validate(&self) -> Vec<ValidationError> {
        let mut check = Checker::new();
        check.required("name", &self.name);
        check.identifiers(&self.identifiers);
        check.done()
    }
}

impl Validate for Group {
    fn validate(&self) -> Vec<ValidationError> {
        let mut check = Checker::new();
        check.required("name", &self.name);
        for discipline in &self.disciplines {
            check.code("disciplines", DisciplineCode::VOCABULARY, discipline.as_str());
        }
        check.identifiers(&self.identifiers);
        check.done()
    }
}

impl Validate for Place {
    fn validate(&self) -> Vec<ValidationError> {
        let mut check = Checker::new();
        check.required("name", &self.name);
        check.postal_code(&self.postal_code);
        check.fsa("fsa", &self.fsa);
        if let (Some(postal_code), Some(fsa)) = (&self.postal_code, &self.fsa)
            && let Some(expected) = geo::fsa_of(postal_code)
            && &expected != fsa
        {
            check.push(
                ValidationError::new(ErrorCode::FsaMismatch, "fsa")
                    .with("value", fsa.clone())
                    .with("expected", expected),
            );
        }
        check.region(&self.region_code);
        if !(self.country.len() == 2 && self.country.bytes().all(|b| b.is_ascii_uppercase())) {
            check.push(ValidationError::new(ErrorCode::InvalidCountry, "country").with("value", self.country.clone()));
        }
        if let Some(latitude) = self.latitude
            && !(-90.0..=90.0).contains(&latitude)
        {
            check.push(
                ValidationError::new(ErrorCode::CoordinatesOutOfRange, "latitude").with("value", latitude.to_string()),
            );
        }
        if let Some(longitude) = self.longitude
            && !(-180.0..=180.0).contains(&longitude)
        {
            check.push(
                ValidationError::new(ErrorCode::CoordinatesOutOfRange, "longitude")
                    .with("value", longitude.to_string()),
            );
        }
        check.identifiers(&self.identifiers);
        check.done()
    }
}

impl Validate for Hall {
    fn validate(&self) -> Vec<ValidationError> {
        let mut check = Checker::new();
        check.required("name", &self.name);
        for configuration in &self.configurations {
            check.code(
                "configurations.kind",
                HallConfigurationCode::VOCABULARY,
                configuration.kind.as_str(),
            );
            if configuration.capacity == 0 {
                check.push(ValidationError::new(ErrorCode::CapacityZero, "configurations.capacity"));
            }
        }
        let lengths = [
            ("specs.stage_opening_width_m", self.specs.stage_opening_width_m),
            ("specs.stage_depth_m", self.specs.stage_depth_m),
            ("specs.stage_height_m", self.specs.stage_height_m),
            ("specs.grid_height_m", self.specs.grid_height_m),
        ];
        for (field, value) in lengths {
            if let Some(value) = value
                && !(0.0..=100.0).contains(&value)
            {
                check.push(
                    ValidationError::new(ErrorCode::OutOfRange, field)
                        .with("value", value.to_string())
                        .with("min", "0")
                        .with("max", "100"),
                );
            }
        }
        check.identifiers(&self.identifiers);
        check.done()
    }
}

fn check_contributions(check: &mut Checker, contributions: &[Contribution]) {
    for contribution in contributions {
        check.code(
            "contributions.role",
            ContributionRoleCode::VOCABULARY,
            contribution.role.as_str(),
        );
    }
}

impl Validate for Work {
    fn validate(&self) -> Vec<ValidationError> {
        let mut check = Checker::new();
        check.required("title", &self.title);
        check_contributions(&mut check, &self.contributions);
        check.identifiers(&self.identifiers);
        check.done()
    }
}

impl Validate for Show {
    fn validate(&self) -> Vec<ValidationError> {
        let mut check = Checker::new();
        if !is_slug(&self.slug) {
            check.push(ValidationError::new(ErrorCode::InvalidSlug, "slug").with("value", self.slug.clone()));
        }
        check.required("title_fr", &self.title_fr);
        for discipline in &self.disciplines {
            check.code("disciplines", DisciplineCode::VOCABULARY, discipline.as_str());
        }
        for genre in &self.genres {
            check.code("genres", GenreCode::VOCABULARY, genre.as_str());
        }
        for audience in &self.audiences {
            check.code("audiences", AudienceCode::VOCABULARY, audience.as_str());
        }
        for warning in &self.warnings {
            check.code("warnings", WarningCode::VOCABULARY, warning.as_str());
        }
        for language in &self.languages {
            if !(language.len() == 2 && language.bytes().all(|b| b.is_ascii_lowercase())) {
                check.push(
                    ValidationError::new(ErrorCode::InvalidLanguage, "languages").with("value", language.clone()),
                );
            }
        }
        if let Some(minutes) = self.duration_minutes
            && !(1..=1440).contains(&minutes)
        {
            check.push(
                ValidationError::new(ErrorCode::OutOfRange, "duration_minutes")
                    .with("value", minutes.to_string())
                    .with("min", "1")
                    .with("max", "1440"),
            );
        }
        check_contributions(&mut check, &self.contributions);
        check.identifiers(&self.identifiers);
        check.done()
    }
}

impl Validate for Series {
    fn validate(&self) -> Vec<ValidationError> {
        let mut check = Checker::new();
        check.required("name", &self.name);
        check.date_range("ends_on", self.starts_on, self.ends_on);
        check.done()
    }
}

impl Validate for Performance {
    fn validate(&self) -> Vec<ValidationError> {
        let mut check = Checker::new();
        if self.time_zone.parse::<chrono_tz::Tz>().is_err() {
            check.push(
                ValidationError::new(ErrorCode::InvalidTimeZone, "time_zone").with("value", self.time_zone.clone()),
            );
        }
        check.done()
    }
}

impl Validate for Offer {
    fn validate(&self) -> Vec<ValidationError> {
        let mut check = Checker::new();
        if let Some(price) = self.price {
            check.not_negative("price", price);
            if self.is_free && price.0 > 0 {
                check.push(
                    ValidationError::new(ErrorCode::FreeOfferWithPrice, "price").with("value", price.0.to_string()),
                );
            }
        }
        check.currency(&self.currency);
        check.url("url", &self.url);
        check.done()
    }
}

impl Validate for Engagement {
    fn validate(&self) -> Vec<ValidationError> {
        let mut check = Checker::new();
        match (self.status, self.hold_level) {
            (EngagementStatus::Hold, None) => {
                check.push(ValidationError::new(ErrorCode::HoldLevelMissing, "hold_level"))
            }
            (EngagementStatus::Hold, Some(0)) => check.push(
                ValidationError::new(ErrorCode::OutOfRange, "hold_level")
                    .with("value", "0")
                    .with("min", "1")
                    .with("max", "99"),
            ),
            (status, Some(level)) if status != EngagementStatus::Hold => check.push(
                ValidationError::new(ErrorCode::HoldLevelUnexpected, "hold_level")
                    .with("value", level.to_string())
                    .with("status", status.code()),
            ),
            _ => {}
        }
        if let Some(fee) = self.fee {
            check.not_negative("fee", fee);
        }
        check.currency(&self.currency);
        check.done()
    }
}

impl Validate for Tour {
    fn validate(&self) -> Vec<ValidationError> {
        let mut check = Checker::new();
        check.required("name", &self.name);
        check.date_range("ends_on", self.starts_on, self.ends_on);
        check.done()
    }
}

impl Validate for Availability {
    fn validate(&self) -> Vec<ValidationError> {
        let mut check = Checker::new();
        if self.show_id.is_none() && self.organization_id.is_none() {
            check.push(ValidationError::new(ErrorCode::RequiredFieldEmpty, "show_id"));
        }
        check.date_range("ends_on", self.starts_on, self.ends_on);
        check.done()
    }
}

impl Validate for Settlement {
    fn validate(&self) -> Vec<ValidationError> {
        let mut check = Checker::new();
        for (field, amount) in [
            ("gross", self.gross),
            ("taxes", self.taxes),
            ("fees", self.fees),
            ("artist_fee", self.artist_fee),
        ] {
            check.not_negative(field, amount);
        }
        if let Some(share) = self.artist_share_percent
            && share > 100
        {
            check.push(
                ValidationError::new(ErrorCode::OutOfRange, "artist_share_percent")
                    .with("value", share.to_string())
                    .with("min", "0")
                    .with("max", "100"),
            );
        }
        let attendance = u64::from(self.paid) + u64::from(self.complimentary) + u64::from(self.free_admissions);
        if attendance > u64::from(self.capacity_offered) {
            check.push(
                ValidationError::new(ErrorCode::AttendanceExceedsCapacity, "paid")
                    .with("attendance", attendance.to_string())
                    .with("capacity", self.capacity_offered.to_string()),
            );
        }
        let expected_net = self.gross.0 - self.taxes.0 - self.fees.0;
        if expected_net != self.net.0 {
            check.push(
                ValidationError::new(ErrorCode::NetDoesNotBalance, "net")
                    .with("value", self.net.0.to_string())
                    .with("expected", expected_net.to_string()),
            );
        }
        check.currency(&self.currency);
        check.done()
    }
}

impl Validate for TicketSale {
    fn validate(&self) -> Vec<ValidationError> {
        let mut check = Checker::new();
        check.not_negative("price", self.price);
        if self.quantity == 0 {
            check.push(ValidationError::new(ErrorCode::QuantityZero, "quantity"));
        }
        if let Some(key) = &self.buyer_key
            && !key.is_well_formed()
        {
            // The value is not shown: it could be a name or an email typed in the wrong column.
            check.push(ValidationError::new(ErrorCode::InvalidPersonKey, "buyer_key"));
        }
        check.fsa("fsa", &self.fsa);
        check.done()
    }
}

impl Validate for Grant {
    fn validate(&self) -> Vec<ValidationError> {
        let mut check = Checker::new();
        check.required("programme", &self.programme);
        check.not_negative("amount", self.amount);
        check.currency(&self.currency);
        check.date_range("ends_on", self.starts_on, self.ends_on);
        check.done()
    }
}

impl Validate for DataAsset {
    fn validate(&self) -> Vec<ValidationError> {
        let mut check = Checker::new();
        check.required("name", &self.name);
        if self.categories.is_empty() {
            check.push(ValidationError::new(ErrorCode::RequiredFieldEmpty, "categories"));
        }
        if let Some(count) = self.record_count
            && count < 0
        {
            check.push(
                ValidationError::new(ErrorCode::OutOfRange, "record_count")
                    .with("value", count.to_string())
                    .with("min", "0")
                    .with("max", i64::MAX.to_string()),
            );
        }
        check.done()
    }
}

impl Validate for SharingAgreement {
    fn validate(&self) -> Vec<ValidationError> {
        let mut check = Checker::new();
        if let Some(until) = self.valid_until {
            check.date_range("valid_until", self.valid_from, until);
        }
        if self.leaves_quebec && !self.privacy_impact_assessment_on_file {
            check.push(ValidationError::new(
                ErrorCode::PrivacyAssessmentMissing,
                "privacy_impact_assessment_on_file",
            ));
        }
        check.done()
    }
}

impl Validate for Consent {
    fn validate(&self) -> Vec<ValidationError> {
        let mut check = Checker::new();
        if !self.person_key.is_well_formed() {
            check.push(ValidationError::new(ErrorCode::InvalidPersonKey, "person_key"));
        }
        if let Some(withdrawn) = self.withdrawn_at
            && withdrawn < self.recorded_at
        {
            check.push(ValidationError::new(
                ErrorCode::ConsentWithdrawnBeforeRecorded,
                "withdrawn_at",
            ));
        }
        check.done()
    }
}

impl Validate for Batch {
    fn validate(&self) -> Vec<ValidationError> {
        let mut check = Checker::new();
        if let Some(sha) = &self.file_sha256
            && !(sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            check.push(ValidationError::new(ErrorCode::InvalidChecksum, "file_sha256"));
        }
        check.done()
    }
}
