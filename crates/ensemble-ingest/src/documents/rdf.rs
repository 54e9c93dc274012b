//! RDF documents (Turtle, N-Triples, RDF/XML), read with Oxigraph's parsers into the nodes the
//! JSON-LD mapping reads: the same statements give the same records whatever their syntax.

use std::io::{BufRead, BufReader};
use std::path::Path;

use oxrdf::{NamedOrBlankNode, Term};
use oxrdfio::{RdfFormat, RdfParseError, RdfParser};

use super::jsonld::{Graph, Value};
use crate::source::{Format, SourceError};

/// The most statements read from one document (a season of a large venue holds a few tens of
/// thousands); past it the file is refused rather than filling the memory.
pub const STATEMENT_LIMIT: usize = 2_000_000;

/// Relative addresses are read against this base (a document without `@base` may use them).
const BASE: &str = "urn:ensemble:document:";

/// Reads an RDF document as nodes.
pub(super) fn read(path: &Path, format: Format) -> Result<Graph, SourceError> {
    read_from(std::fs::File::open(path).map_err(SourceError::unreadable)?, format)
}

/// Reads RDF from any reader (a file, or bytes in tests).
pub(super) fn read_from(input: impl std::io::Read, format: Format) -> Result<Graph, SourceError> {
    let syntax = match format {
        Format::NTriples => RdfFormat::NTriples,
        Format::RdfXml => RdfFormat::RdfXml,
        _ => RdfFormat::Turtle,
    };
    let mut input = BufReader::new(input);
    // A byte order mark some editors write before UTF-8 text is not part of the document.
    if input
        .fill_buf()
        .map_err(SourceError::unreadable)?
        .starts_with(b"\xEF\xBB\xBF")
    {
        input.consume(3);
    }
    let parser = RdfParser::from_format(syntax)
        .with_base_iri(BASE)
        .map_err(|error| SourceError::Malformed(error.to_string()))?
        .lenient();
    let mut graph = Graph::default();
    for (count, quad) in parser.for_reader(input).enumerate() {
        if count >= STATEMENT_LIMIT {
            return Err(SourceError::DocumentTooLarge);
        }
        let quad = quad.map_err(|error| malformed(syntax, error))?;
        let (subject, blank) = match quad.subject {
            NamedOrBlankNode::NamedNode(node) => (node.into_string(), false),
            NamedOrBlankNode::BlankNode(node) => (format!("_:{}", node.as_str()), true),
        };
        let object = match quad.object {
            Term::NamedNode(node) => Value::Ref(node.into_string()),
            Term::BlankNode(node) => Value::Ref(format!("_:{}", node.as_str())),
            Term::Literal(literal) => {
                let (text, _, language) = literal.destruct();
                Value::Text { text, language }
            }
        };
        graph.statement(&subject, blank, quad.predicate.as_str(), object);
    }
    if graph.len() == 0 {
        return Err(SourceError::Empty);
    }
    graph.infer_types();
    Ok(graph)
}

/// A syntax error as its place in the file (never the text there, which may be personal).
fn malformed(syntax: RdfFormat, error: RdfParseError) -> SourceError {
    match error {
        RdfParseError::Io(error) => SourceError::unreadable(error),
        RdfParseError::Syntax(error) => SourceError::Malformed(match error.location() {
            Some(place) => format!(
                "{}, line {}, column {}",
                syntax.name(),
                place.start.line + 1,
                place.start.column + 1
            ),
            None => syntax.name().to_string(),
        }),
    }
}
