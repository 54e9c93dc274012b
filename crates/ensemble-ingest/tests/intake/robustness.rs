//! Random and truncated files never panic: any bytes as CSV or JSON, and real exports cut at any
//! byte or with a byte changed. (The value readers have their own properties in `values.rs`.)

use crate::common::{Fixture, data};
use ensemble_ingest::ProfileChoice;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any bytes, under any name, give a report or an error: never a panic.
    #[test]
    fn random_files_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000), csv in any::<bool>()) {
        let fixture = Fixture::new();
        let path = fixture.dir.path().join(if csv { "hasard.csv" } else { "hasard.json" });
        std::fs::write(&path, &bytes).unwrap();
        let _ = fixture.import(&path, ProfileChoice::Auto);
        let _ = fixture.import(&path, ProfileChoice::Named("generic-tickets".into()));
    }

    /// A real export cut at any byte, or with a byte changed, gives a report or an error.
    #[test]
    fn truncated_and_mutated_exports_never_panic(
        file in prop::sample::select(vec![
            "vendors/eventbrite-attendees-fr.csv",
            "vendors/generic-tickets-fr.csv",
            "vendors/tour-dates.xlsx",
            "vendors/spektrix-instances.json",
            "vendors/spektrix-events-instances.json",
        ]),
        cut in 0.0f64..1.0,
        flip in any::<(usize, u8)>(),
    ) {
        let fixture = Fixture::new();
        let mut bytes = std::fs::read(data(file)).unwrap();
        let length = (bytes.len() as f64 * cut) as usize;
        bytes.truncate(length);
        if !bytes.is_empty() {
            let at = flip.0 % bytes.len();
            bytes[at] = flip.1;
        }
        let name = file.rsplit('/').next().unwrap();
        let path = fixture.dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let _ = fixture.import(&path, ProfileChoice::Auto);
    }
}
