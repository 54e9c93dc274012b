//! Intake, end to end on real SQLite files (and PostgreSQL when configured): one test binary
//! with a module per concern.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

mod common;
mod datascene;
mod datascene_records;
mod docs;
mod jsonld;
mod privacy;
mod rdf;
mod robustness;
mod scenepro;
mod scenepro_file;
mod tables;
mod values;
