//! Documents that carry their own structure: JSON-LD (schema.org, Artsdata), Datascène JSON and
//! the Scène Pro JSON. Each record (node) is one "row" of the report.

use ensemble_privacy::Pseudonymizer;

use crate::pipeline::{Collector, ImportError};
use crate::source::Format;
use crate::writer::Writer;

pub mod datascene;
pub mod jsonld;
pub mod scenepro;

/// Imports a document of one of these formats.
pub fn import(
    format: Format,
    json: &serde_json::Value,
    pseudonymizer: &Pseudonymizer,
    collector: &mut Collector,
    writer: &mut Writer<'_, '_>,
) -> Result<(), ImportError> {
    match format {
        Format::JsonLd => jsonld::import(json, pseudonymizer, collector, writer),
        Format::Datascene => datascene::import(json, pseudonymizer, collector, writer),
        Format::ScenePro => scenepro::import(json, pseudonymizer, collector, writer),
        Format::Csv | Format::Spreadsheet | Format::Json => Ok(()),
    }
}
