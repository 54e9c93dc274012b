//! What intake says about a file, a row or a value: a stable code, a message in French and
//! English (key `import-<code>`) and a suggested fix (key `import-<code>-fix`).

use ensemble_i18n::{Arg, Lang, tr, tr_args};
use ensemble_model::ValidationError;
use serde::{Deserialize, Serialize};

/// The stable code of a row or value diagnostic. Codes never change meaning; new ones are added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// A required value is empty.
    ValueMissing,
    /// A date cannot be read.
    DateInvalid,
    /// A date and time cannot be read.
    DatetimeInvalid,
    /// An amount of money cannot be read.
    AmountInvalid,
    /// A number cannot be read.
    NumberInvalid,
    /// A yes/no value cannot be read.
    BooleanInvalid,
    /// A value is not in the expected list.
    ValueUnknown,
    /// The row has more or fewer cells than the header.
    RowLength,
    /// The performance a ticket line is for cannot be found or created.
    VenueUnknown,
    /// A ticket line was cancelled or refunded: counted, not imported.
    TicketCancelled,
    /// A postal code cannot be read: the postal area is left empty.
    PostalCodeInvalid,
    /// A birth date cannot be read: the age band is left empty.
    BirthDateInvalid,
    /// A value that looks like an email or phone number sat in a column that should not hold one:
    /// it was masked.
    PersonalValueMasked,
    /// A record failed the data model's validation (the model code is in the arguments).
    ModelInvalid,
    /// A JSON record does not follow its schema.
    SchemaViolation,
    /// A JSON-LD node has a type Ensemble does not import.
    NodeSkipped,
    /// An external identifier is not well formed: the record is imported without it.
    IdentifierDropped,
    /// A vocabulary code is not in its vocabulary: the record is imported without it.
    VocabularyDropped,
    /// A JSON-LD context Ensemble does not know: its terms were read as schema.org terms.
    ContextAssumed,
    /// A node without a type was read as the one type its properties fit.
    TypeInferred,
}

impl Code {
    /// The code as text.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::ValueMissing => "value-missing",
            Code::DateInvalid => "date-invalid",
            Code::DatetimeInvalid => "datetime-invalid",
            Code::AmountInvalid => "amount-invalid",
            Code::NumberInvalid => "number-invalid",
            Code::BooleanInvalid => "boolean-invalid",
            Code::ValueUnknown => "value-unknown",
            Code::RowLength => "row-length",
            Code::VenueUnknown => "venue-unknown",
            Code::TicketCancelled => "ticket-cancelled",
            Code::PostalCodeInvalid => "postal-code-invalid",
            Code::BirthDateInvalid => "birth-date-invalid",
            Code::PersonalValueMasked => "personal-value-masked",
            Code::ModelInvalid => "model-invalid",
            Code::SchemaViolation => "schema-violation",
            Code::NodeSkipped => "node-skipped",
            Code::IdentifierDropped => "identifier-dropped",
            Code::VocabularyDropped => "vocabulary-dropped",
            Code::ContextAssumed => "context-assumed",
            Code::TypeInferred => "type-inferred",
        }
    }

    /// Every code, for documentation and tests.
    pub const ALL: &'static [Code] = &[
        Code::ValueMissing,
        Code::DateInvalid,
        Code::DatetimeInvalid,
        Code::AmountInvalid,
        Code::NumberInvalid,
        Code::BooleanInvalid,
        Code::ValueUnknown,
        Code::RowLength,
        Code::VenueUnknown,
        Code::TicketCancelled,
        Code::PostalCodeInvalid,
        Code::BirthDateInvalid,
        Code::PersonalValueMasked,
        Code::ModelInvalid,
        Code::SchemaViolation,
        Code::NodeSkipped,
        Code::IdentifierDropped,
        Code::VocabularyDropped,
        Code::ContextAssumed,
        Code::TypeInferred,
    ];

    /// How serious: errors keep the row out (quarantine), warnings and notices do not.
    pub fn severity(self) -> Severity {
        match self {
            Code::PostalCodeInvalid
            | Code::BirthDateInvalid
            | Code::PersonalValueMasked
            | Code::IdentifierDropped
            | Code::VocabularyDropped => Severity::Warning,
            Code::TicketCancelled | Code::NodeSkipped | Code::ContextAssumed | Code::TypeInferred => Severity::Notice,
            _ => Severity::Error,
        }
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// The row is not imported; it goes to quarantine.
    Error,
    /// The row is imported; one value was left empty or masked.
    Warning,
    /// For information.
    Notice,
}

/// One diagnostic on a row (or record) and field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Its code.
    pub code: Code,
    /// The row in the file (1 is the first line), or the record's position in a JSON file.
    pub row: u64,
    /// The target field (`event_start`, `amount`, ...).
    pub field: String,
    /// The column of the file the field was read from, when there is one.
    pub column: Option<String>,
    /// Values for the message; never personal data.
    pub args: Vec<(String, String)>,
}

impl Diagnostic {
    /// A diagnostic on a field of a row.
    pub fn new(code: Code, row: u64, field: &str) -> Diagnostic {
        Diagnostic {
            code,
            row,
            field: field.to_string(),
            column: None,
            args: Vec::new(),
        }
    }

    /// Adds a named value for the message.
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Diagnostic {
        self.args.push((name.to_string(), value.into()));
        self
    }

    /// A diagnostic from the data model's validation of a record built from the row.
    pub fn from_model(row: u64, entity: &str, error: &ValidationError) -> Diagnostic {
        let mut diagnostic = Diagnostic::new(Code::ModelInvalid, row, error.field)
            .with("entity", entity)
            .with("model_code", error.code.code());
        for (name, value) in &error.args {
            diagnostic.args.push(((*name).to_string(), value.clone()));
        }
        diagnostic
    }

    /// How serious it is.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    fn fluent_args(&self) -> Vec<(&str, Arg)> {
        let mut args: Vec<(&str, Arg)> = vec![
            ("row", Arg::from(self.row)),
            ("field", Arg::from(self.field.as_str())),
            (
                "column",
                Arg::from(self.column.clone().unwrap_or_else(|| self.field.clone())),
            ),
        ];
        for (name, value) in &self.args {
            args.push((name.as_str(), Arg::from(value.as_str())));
        }
        args
    }

    /// What is wrong, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let args = self.fluent_args();
        if self.code == Code::ModelInvalid {
            let model_code = self.arg("model_code").unwrap_or_default();
            let detail = tr_args(lang, &format!("model-{model_code}"), &args);
            let mut args = args;
            args.push(("detail", Arg::from(detail)));
            return tr_args(lang, "import-model-invalid", &args);
        }
        tr_args(lang, &format!("import-{}", self.code.as_str()), &args)
    }

    /// What to do about it, in `lang`.
    pub fn fix(&self, lang: Lang) -> String {
        tr_args(lang, &format!("import-{}-fix", self.code.as_str()), &self.fluent_args())
    }

    /// The value of a named argument.
    pub fn arg(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// The label of a severity, in `lang`.
pub fn severity_label(severity: Severity, lang: Lang) -> String {
    match severity {
        Severity::Error => tr(lang, "import-severity-error"),
        Severity::Warning => tr(lang, "import-severity-warning"),
        Severity::Notice => tr(lang, "import-severity-notice"),
    }
}
