//! The committed data dictionary and JSON Schemas are the ones the code generates today.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

#[test]
fn committed_dictionary_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut stale = Vec::new();
    for file in ensemble_model::dictionary::generated_files() {
        let on_disk = std::fs::read_to_string(root.join(&file.path)).unwrap_or_default();
        if on_disk != file.contents {
            stale.push(file.path);
        }
    }
    assert!(
        stale.is_empty(),
        "out of date: {stale:?}; regenerate with `cargo run -p ensemble -- model docs`"
    );
}

#[test]
fn every_entity_is_documented_in_both_languages() {
    let docs = ensemble_model::entity_docs();
    assert_eq!(docs.len(), 21);
    let markdown = ensemble_model::dictionary::markdown(&docs);
    for entity in &docs {
        assert!(markdown.contains(entity.label_fr) && markdown.contains(entity.label_en));
        for field in &entity.fields {
            assert!(
                !field.label_fr.is_empty() && !field.label_en.is_empty(),
                "{}.{}",
                entity.name,
                field.name
            );
        }
    }
}

#[test]
fn schemas_accept_the_shape_of_a_record() {
    let show = ensemble_model::dictionary::json_schema(&<ensemble_model::Show as ensemble_model::Entity>::doc());
    let properties = show["properties"].as_object().unwrap();
    assert!(properties.contains_key("title_fr"));
    assert!(properties.contains_key("member_id"));
    assert_eq!(show["properties"]["disciplines"]["type"], "array");
    let required: Vec<&str> = show["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(required.contains(&"title_fr") && !required.contains(&"title_en"));
}
