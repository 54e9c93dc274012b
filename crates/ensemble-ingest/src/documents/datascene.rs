//! Reader under construction.

use ensemble_privacy::Pseudonymizer;

use crate::pipeline::{Collector, ImportError};
use crate::writer::Writer;

/// Imports the document.
pub fn import(
    _json: &serde_json::Value,
    _pseudonymizer: &Pseudonymizer,
    _collector: &mut Collector,
    _writer: &mut Writer<'_, '_>,
) -> Result<(), ImportError> {
    Ok(())
}
