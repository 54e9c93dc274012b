//! Documents that carry their own structure: JSON-LD (schema.org, Artsdata), RDF in Turtle,
//! N-Triples or RDF/XML (mapped as JSON-LD is), Datascène JSON and the Scène Pro JSON. Each
//! record (node) is one "row" of the report.

use std::path::Path;

use ensemble_privacy::Pseudonymizer;

use crate::pipeline::{Collector, ImportError};
use crate::source::{self, Format, SourceError};
use crate::writer::Writer;

pub mod datascene;
pub mod jsonld;
pub mod rdf;
pub mod scenepro;

/// A document read whole, before its records are written.
pub(crate) enum Document {
    Json(serde_json::Value),
    Rdf(jsonld::Graph),
}

impl Document {
    /// Reads a document of one of these formats.
    pub(crate) fn read(path: &Path, format: Format) -> Result<Document, SourceError> {
        match format {
            Format::Turtle | Format::NTriples | Format::RdfXml => rdf::read(path, format).map(Document::Rdf),
            _ => source::read_json(path).map(Document::Json),
        }
    }
}

/// Imports a document of one of these formats.
pub(crate) fn import(
    format: Format,
    document: &Document,
    pseudonymizer: &Pseudonymizer,
    collector: &mut Collector,
    writer: &mut Writer<'_, '_>,
) -> Result<(), ImportError> {
    match (format, document) {
        (_, Document::Rdf(graph)) => jsonld::import_graph(graph, pseudonymizer, collector, writer),
        (Format::JsonLd, Document::Json(json)) => jsonld::import(json, pseudonymizer, collector, writer),
        (Format::Datascene, Document::Json(json)) => datascene::import(json, pseudonymizer, collector, writer),
        (Format::ScenePro, Document::Json(json)) => scenepro::import(json, pseudonymizer, collector, writer),
        (_, Document::Json(_)) => Ok(()),
    }
}
