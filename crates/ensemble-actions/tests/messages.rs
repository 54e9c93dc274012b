//! Every rule an action can refuse with has its message, `error-<code>`, in French and English.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ensemble_i18n::{Lang, catalog};

#[test]
fn every_refusal_has_a_message_in_both_languages() {
    let mut folders = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    let mut files = Vec::new();
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    let mut codes = Vec::new();
    for path in files {
        let source = std::fs::read_to_string(path).unwrap();
        for piece in source.split("Refused(\"").skip(1) {
            codes.push(piece.split('"').next().unwrap().to_string());
        }
    }
    assert!(codes.len() >= 10, "refusals found: {codes:?}");
    for lang in [Lang::Fr, Lang::En] {
        let missing: Vec<&String> = codes
            .iter()
            .filter(|code| !catalog(lang).has(&format!("error-{code}")))
            .collect();
        assert!(missing.is_empty(), "{lang:?}: no message for {missing:?}");
    }
}
