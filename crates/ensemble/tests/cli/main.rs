//! The `ensemble` program as a person runs it: real files, real exit codes, messages in French by
//! default and in English on request.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

mod audit;
mod diagnostic;
mod import;
mod pooled;
mod publish;
mod referential;
mod report;
mod retention;
mod start;
mod tour;

/// The program in a folder, with no setting from the environment that runs the tests.
fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ensemble"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("ENSEMBLE_DATABASE_URL")
        .env_remove("ENSEMBLE_KEY_FILE")
        .env_remove("ENSEMBLE_LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8");
    command
}

fn ensemble(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn init_creates_the_database_and_a_private_key_and_keeps_it_afterwards() {
    let dir = tempfile::tempdir().unwrap();
    let first = ensemble(dir.path(), &["init"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(
        text(&first.stdout).contains("Clé secrète créée"),
        "{}",
        text(&first.stdout)
    );
    let key = dir.path().join("ensemble.key");
    let content = std::fs::read_to_string(&key).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    }
    assert!(dir.path().join("ensemble.db").exists());
    let second = ensemble(dir.path(), &["--lang", "en", "init"]);
    assert!(second.status.success());
    assert!(
        text(&second.stdout).contains("Existing secret key kept"),
        "{}",
        text(&second.stdout)
    );
    assert_eq!(std::fs::read_to_string(&key).unwrap(), content);
}

#[test]
fn demo_then_stats_then_a_refused_second_demo() {
    let dir = tempfile::tempdir().unwrap();
    let demo = ensemble(dir.path(), &["demo", "--scale", "small", "--seed", "4"]);
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    let out = text(&demo.stdout);
    assert!(out.contains("Consortium de démonstration créé"), "{out}");
    assert!(out.contains("mot de passe commun : ensemble-demo"), "{out}");
    assert!(
        out.contains("coordination@ensemble.example") && out.contains("admin@deux-rivieres.example"),
        "{out}"
    );
    assert!(out.contains("deux-rivieres"), "{out}");

    let stats = ensemble(dir.path(), &["stats", "--json"]);
    assert!(stats.status.success());
    let json: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    let members = json["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["entity"] == "Member")
        .unwrap();
    assert_eq!(members["total"], 4);
    let tickets = json["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["entity"] == "TicketSale")
        .unwrap();
    assert!(tickets["per_member"]["deux-rivieres"].as_u64().unwrap() > 1000);

    let again = ensemble(dir.path(), &["demo", "--scale", "small"]);
    assert_eq!(again.status.code(), Some(2));
    let err = text(&again.stderr);
    assert!(
        err.contains("[demo-database-not-empty]") && err.contains("--reset"),
        "{err}"
    );

    let reset = ensemble(
        dir.path(),
        &["demo", "--scale", "small", "--seed", "4", "--reset", "--json"],
    );
    assert!(reset.status.success(), "{}", text(&reset.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&reset.stdout).unwrap();
    assert_eq!(summary["seed"], 4);
}

#[test]
fn the_same_seed_and_key_give_the_same_checksum_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str| {
        let url = format!("sqlite://./{name}.db");
        let out = ensemble(
            dir.path(),
            &[
                "--database",
                &url,
                "--key-file",
                "shared.key",
                "demo",
                "--scale",
                "small",
                "--json",
            ],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["checksum"].as_str().unwrap().to_string()
    };
    assert_eq!(run("a"), run("b"));
}

#[test]
fn bad_input_gets_a_code_and_a_message_in_the_chosen_language() {
    let dir = tempfile::tempdir().unwrap();
    let french = ensemble(dir.path(), &["--database", "mysql://x/y", "stats"]);
    assert_eq!(french.status.code(), Some(2));
    let err = text(&french.stderr);
    assert!(
        err.starts_with("Erreur [database-url-unsupported]") && err.contains("sqlite://"),
        "{err}"
    );

    let english = ensemble(dir.path(), &["--lang", "en", "--database", "mysql://x/y", "stats"]);
    let err = text(&english.stderr);
    assert!(
        err.starts_with("Error [database-url-unsupported]") && err.contains("is not recognised"),
        "{err}"
    );

    let missing_folder = ensemble(dir.path(), &["--database", "sqlite://./nowhere/x.db", "stats"]);
    assert_eq!(missing_folder.status.code(), Some(2));
    assert!(text(&missing_folder.stderr).contains("[database-unreachable]"));

    let unknown = ensemble(dir.path(), &["frobnicate"]);
    assert_eq!(unknown.status.code(), Some(2));
    let err = text(&unknown.stderr);
    assert!(err.contains("frobnicate") && err.contains("ensemble --help"), "{err}");

    let bad_value = ensemble(dir.path(), &["demo", "--scale", "huge"]);
    assert_eq!(bad_value.status.code(), Some(2));
    assert!(text(&bad_value.stderr).contains("huge"));
}

#[test]
fn a_key_file_readable_by_others_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    assert!(ensemble(dir.path(), &["init"]).status.success());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = dir.path().join("ensemble.key");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = ensemble(dir.path(), &["demo", "--scale", "small"]);
        assert_eq!(out.status.code(), Some(2));
        let err = text(&out.stderr);
        assert!(
            err.contains("[key-file-too-open]") && err.contains("chmod 600"),
            "{err}"
        );
    }
}

#[test]
fn model_docs_writes_the_dictionary_and_the_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let out = ensemble(dir.path(), &["model", "docs", "--output", "."]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let dictionary = std::fs::read_to_string(dir.path().join("docs/data-model.md")).unwrap();
    assert!(dictionary.contains("## Français") && dictionary.contains("## English"));
    let schemas = std::fs::read_dir(dir.path().join("docs/schema")).unwrap().count();
    assert_eq!(schemas, 21);
}

#[test]
fn help_follows_the_language() {
    let dir = tempfile::tempdir().unwrap();
    let french = text(&ensemble(dir.path(), &["--help"]).stdout);
    assert!(french.contains("Génère le consortium de démonstration"), "{french}");
    let english = text(&ensemble(dir.path(), &["--help", "--lang", "en"]).stdout);
    assert!(english.contains("Generate the demo consortium"), "{english}");
    let by_locale = Command::new(env!("CARGO_BIN_EXE_ensemble"))
        .arg("--help")
        .env_remove("ENSEMBLE_LANG")
        .env("LANG", "en_CA.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .unwrap();
    assert!(text(&by_locale.stdout).contains("Generate the demo consortium"));
}

/// `ensemble serve` listens, answers a browser's request in French, and a second server on the
/// same port gets a clear error.
#[test]
fn serve_answers_pages_and_reports_a_taken_port() {
    use std::io::{BufRead, Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let demo = ensemble(dir.path(), &["demo", "--scale", "small"]);
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    let mut server = command(dir.path(), &["serve", "--bind", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let address = line
        .split_whitespace()
        .find_map(|word| word.strip_prefix("http://"))
        .unwrap()
        .to_string();
    assert!(line.starts_with("Ensemble est servi sur"), "{line}");
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    write!(stream, "GET / HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("Membres du consortium"), "{response}");

    let taken = ensemble(dir.path(), &["serve", "--bind", &address]);
    assert_eq!(taken.status.code(), Some(2));
    assert!(
        text(&taken.stderr).contains("[serve-bind-failed]"),
        "{}",
        text(&taken.stderr)
    );
    server.kill().unwrap();
    server.wait().unwrap();
}

/// `ensemble … | head`: when the reader stops early, the program stops quietly (no panic, no error
/// message), as command-line tools do.
#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = command(dir.path(), &["import", "profiles"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end at once: every line the program writes meets a broken pipe.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = text(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(output.status.success(), "{:?} {stderr}", output.status);
}
