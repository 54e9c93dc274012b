//! `ensemble tour plan` as the demo agency runs it: the plan in French, its JSON, the chosen
//! route as ICS and CSV with one entry per date, and clear refusals in both languages.

use crate::{ensemble, text};

const SHOW: &str = "la-courtepointe-de-poche";

/// The agency's plan of the show over ten weeks.
const PLAN: [&str; 8] = [
    "tour",
    "plan",
    "--show",
    SHOW,
    "--from",
    "2027-01-10",
    "--to",
    "2027-03-20",
];

#[test]
fn the_demo_agency_plans_a_tour_and_exports_its_holds() {
    let dir = tempfile::tempdir().unwrap();
    let out = ensemble(dir.path(), &["demo", "--scale", "small"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (ics, csv) = (dir.path().join("dates.ics"), dir.path().join("dates.csv"));
    let (ics_text, csv_text) = (ics.display().to_string(), csv.display().to_string());
    let args = PLAN;
    let mut with_files: Vec<&str> = args.to_vec();
    with_files.extend(["--scenario", "least-carbon", "--ics", &ics_text, "--csv", &csv_text]);
    let made = ensemble(dir.path(), &with_files);
    assert!(made.status.success(), "{}", text(&made.stderr));
    let printed = text(&made.stdout);
    assert!(printed.contains("Tournée de « La courtepointe de poche »"), "{printed}");
    assert!(
        printed.contains("Itinéraire « Moins de kilomètres et de CO2 »"),
        "{printed}"
    );
    assert!(printed.contains("DESNZ"), "the emission factors' source is cited");

    let rows: Vec<csv::StringRecord> = csv::Reader::from_path(&csv)
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect();
    let calendar = std::fs::read_to_string(&ics).unwrap();
    assert!(!rows.is_empty());
    assert_eq!(
        calendar.matches("BEGIN:VEVENT").count(),
        rows.len(),
        "one event per date"
    );
    for row in &rows {
        let day = row.get(0).unwrap().replace('-', "");
        assert!(
            calendar.contains(&format!("DTSTART;VALUE=DATE:{day}")),
            "{day} in the calendar"
        );
        assert!(["confirmed", "hold", "proposed"].contains(&row.get(1).unwrap()));
    }

    let mut json_args: Vec<&str> = args.to_vec();
    json_args.push("--json");
    let json = ensemble(dir.path(), &json_args);
    assert!(json.status.success(), "{}", text(&json.stderr));
    let plan: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let scenarios = plan["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 3);
    let least = scenarios.iter().find(|s| s["kind"] == "least-carbon").unwrap();
    assert_eq!(
        least["stops"].as_array().unwrap().len(),
        rows.len(),
        "the CSV is that route"
    );
    assert_eq!(plan["settings"]["max_shows_in_a_row"], 5, "the default rest rule");

    // Two shows in a row at most and 300 km a day: the plan says so and keeps to it.
    let mut strict: Vec<&str> = json_args.clone();
    strict.extend(["--in-a-row", "2", "--km-per-day", "300"]);
    let strict = ensemble(dir.path(), &strict);
    assert!(strict.status.success(), "{}", text(&strict.stderr));
    let strict: serde_json::Value = serde_json::from_slice(&strict.stdout).unwrap();
    assert_eq!(strict["settings"]["max_shows_in_a_row"], 2);
    assert_eq!(strict["settings"]["max_km_per_day"], 300.0);
    for scenario in strict["scenarios"].as_array().unwrap() {
        let stops: Vec<(chrono::NaiveDate, &str)> = scenario["stops"]
            .as_array()
            .unwrap()
            .iter()
            .map(|stop| {
                (
                    stop["date"].as_str().unwrap().parse().unwrap(),
                    stop["kind"].as_str().unwrap(),
                )
            })
            .collect();
        let days: Vec<chrono::NaiveDate> = stops.iter().map(|stop| stop.0).collect();
        for run in stops.chunk_by(|a, b| (b.0 - a.0).num_days() == 1) {
            assert!(
                run.len() <= 2 || run.iter().all(|stop| stop.1 == "confirmed"),
                "never three shows on three days in a row unless all were confirmed: {stops:?}"
            );
        }
        let legs = scenario["legs"].as_array().unwrap();
        for (i, leg) in legs.iter().enumerate() {
            let km = leg["km"].as_f64().unwrap();
            let travel = leg["days"].as_u64().unwrap();
            assert_eq!(travel, ((km / 300.0).ceil() as u64).max(1), "a day per 300 km: {leg}");
            if i > 0 && i < days.len() {
                let between = (days[i] - days[i - 1]).num_days() as u64;
                assert!(between >= travel, "{km} km take {travel} days, {between} given");
            }
        }
    }
}

#[test]
fn bad_tour_requests_are_refused_with_their_code() {
    let dir = tempfile::tempdir().unwrap();
    let out = ensemble(dir.path(), &["demo", "--scale", "small"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let refused = |args: &[&str], code: &str, words: &str| {
        let out = ensemble(dir.path(), args);
        assert!(!out.status.success());
        let said = text(&out.stderr);
        assert!(said.contains(&format!("[{code}]")) && said.contains(words), "{said}");
    };
    let base = [
        "tour",
        "plan",
        "--show",
        SHOW,
        "--from",
        "2027-01-10",
        "--to",
        "2027-03-20",
    ];
    let with = |extra: &[&'static str]| -> Vec<&'static str> { base.iter().chain(extra).copied().collect() };
    refused(
        &with(&["--member", "deux-rivieres"]),
        "tour-not-your-show",
        "ne représente ni ne produit",
    );
    refused(
        &with(&["--people-by", "bicycle"]),
        "tour-mode-unknown",
        "car, van, truck",
    );
    refused(&with(&["--in-a-row", "0"]), "invalid-value", "--in-a-row");
    refused(
        &with(&["--lang", "en", "--scenario", "fastest"]),
        "tour-scenario-unknown",
        "Unknown route",
    );
    refused(
        &[
            "tour",
            "plan",
            "--show",
            "rien",
            "--from",
            "2027-01-10",
            "--to",
            "2027-03-20",
        ],
        "tour-show-unknown",
        "Aucun spectacle",
    );
}

/// One request gives one plan: the search is bounded by rounds, not time, so the JSON is the
/// same byte for byte when the machine is quiet and when every core is kept busy.
#[test]
fn the_same_request_gives_the_same_plan_on_a_busy_machine() {
    let dir = tempfile::tempdir().unwrap();
    let out = ensemble(dir.path(), &["demo", "--scale", "small"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut args = PLAN.to_vec();
    args.extend(["--json", "--in-a-row", "2", "--km-per-day", "300"]);
    let quiet = ensemble(dir.path(), &args);
    assert!(quiet.status.success(), "{}", text(&quiet.stderr));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let burners: Vec<_> = (0..4)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut x = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
                }
            })
        })
        .collect();
    let busy = ensemble(dir.path(), &args);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for burner in burners {
        burner.join().unwrap();
    }
    assert!(busy.status.success(), "{}", text(&busy.stderr));
    let plan: serde_json::Value = serde_json::from_slice(&quiet.stdout).unwrap();
    assert_eq!(plan["capped"], false, "the search did all its rounds");
    assert!(quiet.stdout == busy.stdout, "the same plan, byte for byte");
}
