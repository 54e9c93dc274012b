//! Writes the sample season's JSON-LD to standard output, for the SHACL check of `.ci/run`
//! (`scripts/shacl-check.py`): `cargo run -q -p ensemble-opendata --example programme`.

fn main() {
    let season = ensemble_opendata::sample::season();
    let published = ensemble_opendata::jsonld(&season.programme(ensemble_opendata::sample::BASE));
    println!("{:#}", published.document);
}
