//! The public programme as Datascène records, on the fictional season: every record valid
//! against Datascène's published JSON Schemas (compiled by the importer that reads them), places
//! with the halls used, shows with their terms, performances and offers, and nothing of the
//! credited person who did not consent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ensemble_ingest::documents::datascene::violations;
use ensemble_opendata::LeftOut;
use ensemble_opendata::datascene::records;
use ensemble_opendata::sample::{BASE, NOT_CONSENTED, season};
use serde_json::{Value, json};

fn written() -> (Vec<Value>, Vec<(i64, LeftOut)>) {
    let season = season();
    let done = records(&season.programme(BASE));
    (done.records, done.left_out)
}

#[test]
fn every_record_is_valid_against_the_schemas() {
    let (records, left_out) = written();
    assert_eq!(records.len(), 2, "one place, one show: {records:#?}");
    for record in &records {
        assert_eq!(violations(record), Vec::<(String, String)>::new(), "{record:#}");
    }
    assert_eq!(left_out, vec![(103, LeftOut::AddressIncomplete)]);
}

#[test]
fn a_place_comes_with_the_halls_used() {
    let (records, _) = written();
    let place = &records[0];
    assert_eq!(place["type"], "Place");
    assert_eq!(
        place["identifier"],
        json!([
            "https://ensemble.example/lieux/1",
            "http://kg.artsdata.ca/resource/K99-1"
        ])
    );
    assert_eq!(place["address"]["addressCountry"], "CAN");
    assert_eq!(place["address"]["postalCode"], "J1H 1A1");
    let rooms = place["inRoom"].as_array().unwrap();
    assert_eq!(rooms.len(), 1);
    assert_eq!(rooms[0]["name"], json!([{"lang": "fr", "value": "Grande salle"}]));
    assert_eq!(rooms[0]["roomAccessibility"][0]["code"], "AccessibleFauteuilRoulant");
    assert_eq!(rooms[0]["roomConfiguration"][0]["layout"]["code"], "Cabaret");
    assert_eq!(rooms[0]["roomConfiguration"][0]["capacity"], 180);
}

#[test]
fn a_show_with_its_terms_performances_and_offers() {
    let (records, _) = written();
    let show = &records[1];
    assert_eq!(show["@context"], "https://datascence.ca/context.jsonld");
    assert_eq!(
        show["name"],
        json!([{"lang": "fr", "value": "Les Marées"}, {"lang": "en", "value": "The Tides"}])
    );
    assert_eq!(show["discipline"][0]["code"], "Theatre");
    assert_eq!(
        show["discipline"][0]["identifier"],
        json!(["http://scenepro.ca/taxonomies/Disciplines-asq#Theatre"])
    );
    assert_eq!(show["audience"][0]["code"], "ToutPublics");
    assert_eq!(show["contentWarning"][0]["code"], "FumeeOuVapeur");
    assert_eq!(show["inLanguage"], json!(["fr"]));
    assert_eq!(show["showWithoutWords"], false);
    let performances = show["hasPerformance"].as_array().unwrap();
    assert_eq!(performances.len(), 3);
    let first = &performances[0];
    assert_eq!(first["identifier"], json!(["https://ensemble.example/agenda/100"]));
    assert_eq!(first["startDateTime"], "2026-10-01T20:00:00-04:00");
    assert_eq!(first["duration"], "PT90M");
    let offer = &first["hasOffer"][0];
    assert_eq!(offer["price"], "34.50");
    assert_eq!(offer["isSoldout"], false, "one of two offers is sold out");
    assert_eq!(offer["ticketLink"], "https://billets.example/marees");
    assert_eq!(offer["inRoom"]["identifier"][0], "https://ensemble.example/salles/10");
    assert_eq!(performances[1]["hasOffer"][0]["offerStatus"], "EventCancelled");
    let bare = &performances[1]["hasOffer"][0];
    assert_eq!(bare["ticketLinkNotAvailable"], true, "no offer recorded: {bare}");
    assert!(bare.get("price").is_none());
}

#[test]
fn credits_are_contributions_of_those_who_may_be_published() {
    let (records, _) = written();
    let credits = records[1]["hasContribution"].as_array().unwrap();
    let names: Vec<&Value> = credits.iter().map(|c| &c["contributor"]["name"][0]["value"]).collect();
    assert_eq!(names, vec!["Collectif des Marées", "Camille Fictive"]);
    assert_eq!(credits[0]["contributor"]["contributorType"], "Group");
    assert_eq!(credits[1]["contributor"]["contributorType"], "Person");
    assert_eq!(credits[1]["contributionType"][0]["code"], "ArtisteSurScène");
    let text = serde_json::to_string(&records).unwrap();
    assert!(!text.contains(&format!("personnes/{NOT_CONSENTED}")), "{text}");
}

#[test]
fn large_amounts_take_commas_between_thousands() {
    let mut season = season();
    season.offers[0].price = Some(ensemble_model::Cents(123_456_789));
    let done = records(&season.programme(BASE));
    let offer = &done.records[1]["hasPerformance"][0]["hasOffer"][0];
    assert_eq!(offer["price"], "1,234,567.89");
    assert!(violations(&done.records[1]).is_empty());
}
