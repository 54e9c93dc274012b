//! Errors as the person at the terminal reads them: a stable code, a message in their language
//! that says what to do, and an exit code (2 for something they can fix, 1 otherwise).

use std::path::PathBuf;
use std::process::ExitCode;

use ensemble_demo::DemoError;
use ensemble_i18n::{Arg, Lang, tr, tr_args};
use ensemble_ingest::{ImportError, QuarantineError};
use ensemble_privacy::KeyError;
use ensemble_store::StoreError;

/// Everything a command can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Storage.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Demo generation.
    #[error(transparent)]
    Demo(#[from] DemoError),
    /// The secret key file.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A file that cannot be written.
    #[error("cannot write {path}: {cause}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        cause: std::io::Error,
    },
    /// `--reset` on a database that is not a SQLite file.
    #[error("--reset only applies to a SQLite file")]
    ResetNotSqlite,
    /// An import.
    #[error(transparent)]
    Import(Box<ImportError>),
    /// The portal cannot be served.
    #[error(transparent)]
    Serve(#[from] ensemble_web::ServeError),
    /// A report cannot be made.
    #[error(transparent)]
    Report(#[from] ensemble_reports::ReportError),
    /// No import batch of the member has this number.
    #[error("no import batch {0} for this member")]
    UnknownBatch(i64),
    /// The audit trail is broken at an entry.
    #[error("the audit trail is broken at entry {entry} ({code})")]
    AuditBroken {
        /// `audit-entry-missing`, `audit-entry-altered`, `audit-entry-unchained` or
        /// `audit-head-missing`.
        code: &'static str,
        /// The entry.
        entry: i64,
    },
    /// A retention rule that cannot be set.
    #[error("retention rule refused ({code}): {value}")]
    Retention {
        /// `retention-dataset-unknown`, `retention-purpose-unknown` or `retention-months-invalid`.
        code: &'static str,
        /// The value given.
        value: String,
    },
    /// A quarantine operation.
    #[error(transparent)]
    Quarantine(#[from] QuarantineError),
    /// A tour plan cannot be made.
    #[error(transparent)]
    Tour(#[from] ensemble_touring::season::PlanError),
    /// A tour option that is not one of its values.
    #[error("tour option refused ({code}): {value}")]
    TourOption {
        /// `tour-mode-unknown` or `tour-scenario-unknown`.
        code: &'static str,
        /// The argument's name in the message (`mode`, `scenario`).
        name: &'static str,
        /// The value given.
        value: String,
    },
    /// An action's rule refused it (its code names the rule).
    #[error("refused: {0}")]
    Refused(&'static str),
    /// A value given on the command line that names nothing (a member, a login, a role), or a
    /// password that could not be read.
    #[error("{code}: {value}")]
    Given {
        /// `member-unknown`, `login-unknown`, `user-role-unknown`, `chain-role-unknown`,
        /// `password-needed` or `password-mismatch`.
        code: &'static str,
        /// The value given.
        value: String,
    },
    /// What would be written is not valid.
    #[error("invalid: {0:?}")]
    Invalid(Vec<ensemble_model::ValidationError>),
    /// The consortium's maturity model file cannot be used.
    #[error(transparent)]
    Maturity(#[from] ensemble_actions::diagnostic::ModelError),
    /// A backup cannot be written, verified or restored.
    #[error(transparent)]
    Backup(ensemble_store::BackupError),
    /// `ENSEMBLE_TIME_ZONE` names no time zone.
    #[error(transparent)]
    TimeZone(#[from] ensemble_actions::UnknownTimeZone),
}

impl From<ImportError> for Failure {
    fn from(error: ImportError) -> Self {
        match error {
            ImportError::Store(error) => Failure::Store(error),
            other => Failure::Import(Box::new(other)),
        }
    }
}

impl From<ensemble_actions::ActionError> for Failure {
    fn from(error: ensemble_actions::ActionError) -> Self {
        use ensemble_actions::ActionError;
        match error {
            ActionError::Refused(code) => Failure::Refused(code),
            ActionError::Store(error) => Failure::Store(error),
            ActionError::Import(error) => Failure::Import(error),
            ActionError::Quarantine(error) => Failure::Quarantine(error),
            ActionError::Invalid(problems) => Failure::Invalid(problems),
            ActionError::Backup(error) => Failure::Backup(error),
        }
    }
}

impl Failure {
    fn code(&self) -> &'static str {
        match self {
            Failure::Store(error) => error.code(),
            Failure::Demo(error) => error.code(),
            Failure::Key(error) => error.code(),
            Failure::Write { .. } => "file-unwritable",
            Failure::ResetNotSqlite => "reset-needs-sqlite",
            Failure::Import(error) => error.code(),
            Failure::UnknownBatch(_) => "batch-unknown",
            Failure::AuditBroken { code, .. } => code,
            Failure::Retention { code, .. } => code,
            Failure::Serve(error) => error.code(),
            Failure::Report(error) => error.code(),
            Failure::Tour(error) => error.code(),
            Failure::TourOption { code, .. } => code,
            Failure::TimeZone(_) => "time-zone-unknown",
            Failure::Refused(code) => code,
            Failure::Given { code, .. } => code,
            Failure::Backup(error) => error.code(),
            Failure::Maturity(_) => "maturity-model-invalid",
            Failure::Invalid(_) => "record-invalid",
            Failure::Quarantine(QuarantineError::Store(error)) => error.code(),
            Failure::Quarantine(error) => error.code(),
        }
    }

    /// Whether the person can fix it (wrong input or setting) rather than a fault of the program.
    fn is_usage(&self) -> bool {
        !matches!(
            self,
            Failure::Store(StoreError::Sql(_) | StoreError::Decode { .. } | StoreError::SchemaMismatch { .. })
                | Failure::AuditBroken { .. }
                | Failure::Report(ensemble_reports::ReportError::Store(_))
                | Failure::Tour(ensemble_touring::season::PlanError::Store(_))
                | Failure::Quarantine(QuarantineError::Store(
                    StoreError::Sql(_) | StoreError::Decode { .. } | StoreError::SchemaMismatch { .. }
                ))
        )
    }

    fn args(&self) -> Vec<(&'static str, Arg)> {
        match self {
            Failure::TimeZone(error) => vec![("value", Arg::from(error.0.as_str()))],
            Failure::Store(StoreError::UnsupportedUrl(url)) => vec![("url", Arg::from(url.as_str()))],
            Failure::Store(StoreError::Unreachable { target, cause }) => {
                vec![
                    ("target", Arg::from(target.as_str())),
                    ("cause", Arg::from(cause.as_str())),
                ]
            }
            Failure::Store(StoreError::NewerSchema { found, known }) => {
                vec![("found", Arg::from(*found)), ("known", Arg::from(*known))]
            }
            Failure::Store(StoreError::Migration { version, cause }) => {
                vec![("version", Arg::from(*version)), ("cause", Arg::from(cause.as_str()))]
            }
            Failure::Store(StoreError::BatchInUse(batch)) => vec![("batch", Arg::from(*batch))],
            Failure::Store(StoreError::Busy { waited_seconds }) => vec![("seconds", Arg::from(*waited_seconds))],
            Failure::Store(StoreError::NotReleased(month)) => vec![
                ("month", Arg::from(month.as_str())),
                ("days", Arg::from(ensemble_store::RELEASE_DELAY_DAYS)),
            ],
            Failure::Store(error) => vec![("cause", Arg::from(error.to_string()))],
            Failure::Import(error) => error.args(),
            Failure::Report(error) => error.args(),
            Failure::Tour(error) => error
                .args()
                .into_iter()
                .map(|(name, value)| (name, Arg::from(value)))
                .collect(),
            Failure::TourOption { name, value, .. } => vec![(*name, Arg::from(value.as_str()))],
            Failure::UnknownBatch(batch) => vec![("batch", Arg::from(*batch))],
            Failure::AuditBroken { entry, .. } => vec![("entry", Arg::from(*entry))],
            Failure::Retention { value, .. } | Failure::Given { value, .. } => {
                vec![("value", Arg::from(value.as_str()))]
            }
            Failure::Serve(ensemble_web::ServeError::Bind { address, cause }) => vec![
                ("address", Arg::from(address.to_string())),
                ("cause", Arg::from(cause.as_str())),
            ],
            Failure::Serve(error) => vec![("cause", Arg::from(error.to_string()))],
            Failure::Quarantine(QuarantineError::UnknownMember(member)) => {
                vec![("member", Arg::from(member.as_str()))]
            }
            Failure::Quarantine(QuarantineError::UnknownEntry(entry)) => vec![("entry", Arg::from(*entry))],
            Failure::Quarantine(QuarantineError::UnknownField { field, known }) => vec![
                ("field", Arg::from(field.as_str())),
                ("known", Arg::from(known.join(", "))),
            ],
            Failure::Quarantine(error) => vec![("cause", Arg::from(error.to_string()))],
            Failure::Demo(DemoError::Store(error)) => vec![("cause", Arg::from(error.to_string()))],
            Failure::Demo(DemoError::NotEmpty | DemoError::Password) => vec![],
            Failure::Key(error) => vec![("path", Arg::from(error.path().display().to_string()))],
            Failure::Write { path, cause } => vec![
                ("path", Arg::from(path.display().to_string())),
                ("cause", Arg::from(cause.to_string())),
            ],
            Failure::ResetNotSqlite | Failure::Refused(_) => vec![],
            Failure::Backup(ensemble_store::BackupError::SchemaDiffers { found, known }) => {
                vec![("found", Arg::from(*found)), ("known", Arg::from(*known))]
            }
            Failure::Backup(error) => vec![("cause", Arg::from(error.detail()))],
            Failure::Maturity(error) => vec![("cause", Arg::from(error.to_string()))],
            Failure::Invalid(problems) => vec![(
                "detail",
                Arg::from(problems.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ")),
            )],
        }
    }
}

/// The message of a failure in a language.
pub fn message(lang: Lang, failure: &Failure) -> String {
    tr_args(lang, &format!("error-{}", failure.code()), &failure.args())
}

/// The variable that sets what is logged: a level (`error`, `warn`, `info`, `debug`, `trace`,
/// `off`), or levels per module (`warn,ensemble_web=debug`).
pub const LOG_VARIABLE: &str = "ENSEMBLE_LOG";

/// Sends log lines to standard error: at the level of [`LOG_VARIABLE`], else `info` when the
/// command serves the portal (a line per request) and `warn` otherwise (failures of the program,
/// not of the person's input).
pub fn init_log(matches: &clap::ArgMatches) {
    let serving = match matches.subcommand() {
        Some(("serve", _)) => true,
        Some(("demo", sub)) => sub.get_flag("serve"),
        _ => false,
    };
    let default = if serving {
        tracing::Level::INFO
    } else {
        tracing::Level::WARN
    };
    let filter = std::env::var(LOG_VARIABLE)
        .ok()
        .and_then(|value| value.parse::<tracing_subscriber::filter::Targets>().ok())
        .unwrap_or_else(|| tracing_subscriber::filter::Targets::new().with_default(default));
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_max_level(tracing::Level::TRACE)
        .finish()
        .with(filter)
        .try_init();
}

/// Prints a failure, logs it, and gives the exit code.
pub fn report_error(lang: Lang, failure: &Failure) -> ExitCode {
    eprintln!(
        "{} [{}] {}",
        tr(lang, "cli-error"),
        failure.code(),
        message(lang, failure)
    );
    if failure.is_usage() {
        tracing::info!(target: "ensemble::command", code = failure.code(), "refused");
        ExitCode::from(2)
    } else {
        // The cause as the program knows it (an engine's message, never a record's values).
        tracing::error!(target: "ensemble::command", code = failure.code(), cause = %failure, "failed");
        ExitCode::from(1)
    }
}

/// Every failure code, for the test that each has a message.
#[cfg(test)]
pub const CODES: &[&str] = &[
    "database-url-unsupported",
    "database-unreachable",
    "database-error",
    "schema-mismatch",
    "schema-newer",
    "migration-failed",
    "record-unreadable",
    "demo-database-not-empty",
    "key-file-exists",
    "key-file-unreadable",
    "key-file-unwritable",
    "key-file-malformed",
    "key-file-too-open",
    "file-unwritable",
    "reset-needs-sqlite",
    "batch-in-use",
    "batch-unknown",
    "audit-entry-missing",
    "audit-entry-altered",
    "audit-entry-unchained",
    "audit-head-missing",
    "retention-dataset-unknown",
    "retention-purpose-unknown",
    "retention-months-invalid",
    "demo-password-failed",
    "serve-bind-failed",
    "serve-stopped",
    "import-file-unreadable",
    "import-file-empty",
    "import-file-encoding",
    "import-file-malformed",
    "import-format-unknown",
    "import-member-unknown",
    "import-profile-unknown",
    "import-profile-invalid",
    "import-profile-not-detected",
    "import-profile-format",
    "import-refused",
    "quarantine-entry-unknown",
    "quarantine-field-unknown",
    "quarantine-not-replayable",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failure_code_has_a_message_in_both_languages() {
        for lang in Lang::ALL {
            for code in CODES {
                assert!(
                    ensemble_i18n::catalog(lang).has(&format!("error-{code}")),
                    "{lang}: error-{code}"
                );
            }
        }
    }

    #[test]
    fn messages_fill_their_arguments() {
        let failure = Failure::Store(StoreError::UnsupportedUrl("mysql://x".to_string()));
        let french = message(Lang::Fr, &failure);
        let english = message(Lang::En, &failure);
        assert!(french.contains("mysql://x") && english.contains("mysql://x"));
        assert_ne!(french, english);
        assert!(!french.contains('{'), "{french}");
    }
}
