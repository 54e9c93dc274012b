//! Intake: members' files become model records. Readers for CSV (any delimiter and the encodings
//! Excel writes), workbooks, JSON, JSON-LD, Datascène and Scène Pro JSON; mapping profiles with
//! automatic detection; diagnostics with stable codes; a quarantine for bad rows; privacy at the
//! edge (personal values become keyed pseudonyms before anything is stored); natural keys so that
//! re-imports create no duplicates; linking to the organisations, venues and shows already held.
//!
//! Architecture invariant: everything a file brings passes [`target::privatize`] (tables) or the
//! document readers' own pseudonymisation before it reaches [`writer::Writer`] or the quarantine.

pub mod diagnostic;
pub mod documents;
pub mod pipeline;
pub mod profile;
pub mod source;
pub mod table;
pub mod target;
pub mod values;
pub mod writer;

pub use diagnostic::{Code, Diagnostic, Severity};
pub use pipeline::{
    ImportError, ImportReport, ImportRequest, OnCommit, ProfileChoice, Progress, QuarantineError, ReferentialLinks,
    ReplayReport, dismiss, import, keep_correction, prepare_correction, replay,
};
pub use profile::{Profile, ProfileError};
pub use source::{Format, SourceError};
