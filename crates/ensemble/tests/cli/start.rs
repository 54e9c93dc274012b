//! A consortium started for real, from nothing, as its operator would: no demo. The consortium
//! and its coordinator, a member and its people, an import, both signing in to the portal, and a
//! backup taken while it serves, restored elsewhere.

use std::io::{BufRead, Read, Write};
use std::path::Path;
use std::process::{Output, Stdio};

use super::{command, ensemble, text};

/// Runs the program with `input` on its standard input.
fn with_input(dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child = command(dir, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    text(&output.stdout)
}

fn refused(output: &Output, code: &str) {
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains(&format!("[{code}]")),
        "{}",
        text(&output.stderr)
    );
}

/// One HTTP request to the portal: the status line, the headers and the body.
fn request(address: &str, method: &str, path: &str, cookies: &str, body: &str) -> String {
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nCookie: {cookies}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// The value of a cookie the response sets.
fn set_cookie(response: &str, name: &str) -> Option<String> {
    response.lines().find_map(|line| {
        let value = line
            .strip_prefix("set-cookie: ")
            .or_else(|| line.strip_prefix("Set-Cookie: "))?;
        let pair = value.split(';').next()?;
        pair.strip_prefix(&format!("{name}=")).map(str::to_string)
    })
}

/// Signs in through the form, as a browser does; the response to the form's submission.
fn sign_in(address: &str, login: &str, password: &str) -> String {
    let form = request(address, "GET", "/connexion", "", "");
    let form_cookie = form
        .lines()
        .find_map(|line| {
            line.to_lowercase()
                .starts_with("set-cookie: ")
                .then(|| line[12..].to_string())
        })
        .unwrap();
    let (name_value, _) = form_cookie.split_once(';').unwrap();
    let csrf = name_value.split_once('=').unwrap().1;
    let body = format!(
        "login={}&password={}&csrf={csrf}",
        login.replace('@', "%40"),
        password.replace(' ', "+")
    );
    request(address, "POST", "/connexion", name_value, &body)
}

/// Where a redirection sends the browser.
fn location(response: &str) -> Option<&str> {
    response
        .lines()
        .find_map(|line| {
            line.strip_prefix("location: ")
                .or_else(|| line.strip_prefix("Location: "))
        })
        .map(str::trim)
}

#[test]
fn a_consortium_starts_from_nothing_and_its_people_sign_in_and_import() {
    let dir = tempfile::tempdir().unwrap();
    let coordinator_password = "une phrase de passe fictive";
    let started = with_input(
        dir.path(),
        &[
            "init",
            "--consortium",
            "Regroupement fictif des Appalaches",
            "--coordinator",
            "coordination@appalaches.example",
            "--password-stdin",
        ],
        &format!("{coordinator_password}\n"),
    );
    let out = ok(&started);
    assert!(
        out.contains("Consortium « Regroupement fictif des Appalaches » démarré"),
        "{out}"
    );
    assert!(out.contains("ensemble member add"), "the next steps are said: {out}");
    // Once only.
    let again = with_input(
        dir.path(),
        &[
            "init",
            "--consortium",
            "Autre",
            "--coordinator",
            "autre@appalaches.example",
            "--password-stdin",
        ],
        &format!("{coordinator_password}\n"),
    );
    refused(&again, "consortium-started");
    // Without a password and without a terminal, nothing is made.
    let dir_without = tempfile::tempdir().unwrap();
    let without = with_input(
        dir_without.path(),
        &[
            "init",
            "--consortium",
            "Sans mot de passe",
            "--coordinator",
            "c@appalaches.example",
        ],
        "",
    );
    refused(&without, "password-needed");

    assert!(ok(&ensemble(dir.path(), &["member", "list"])).contains("Aucun membre encore"));
    let added = ensemble(
        dir.path(),
        &[
            "member",
            "add",
            "--code",
            "salle-fictive",
            "--name",
            "Salle fictive de Sherbrooke",
            "--role",
            "presenter,venue-operator",
            "--region",
            "05",
            "--postal-code",
            "j1h1a1",
        ],
    );
    assert!(ok(&added).contains("Membre salle-fictive admis"));
    refused(
        &ensemble(
            dir.path(),
            &[
                "member", "add", "--code", "autre", "--name", "Autre", "--role", "danseur",
            ],
        ),
        "chain-role-unknown",
    );
    refused(
        &ensemble(
            dir.path(),
            &[
                "member", "add", "--code", "autre", "--name", "Autre", "--role", "creator", "--region", "42",
            ],
        ),
        "member-region-unknown",
    );
    let listed: serde_json::Value =
        serde_json::from_str(&ok(&ensemble(dir.path(), &["member", "list", "--json"]))).unwrap();
    assert_eq!(listed[0]["code"], "salle-fictive");
    assert_eq!(listed[0]["region"], "05");
    assert_eq!(listed[0]["roles"], serde_json::json!(["presenter", "venue-operator"]));

    let admin_password = "une autre phrase fictive";
    let admin = with_input(
        dir.path(),
        &[
            "user",
            "add",
            "--member",
            "salle-fictive",
            "--login",
            "Admin@Salle-Fictive.example",
            "--role",
            "admin",
            "--password-stdin",
        ],
        &format!("{admin_password}\n"),
    );
    assert!(ok(&admin).contains("Compte admin@salle-fictive.example créé"));
    // A person added without a password gets a first one, printed once.
    let analyst = ok(&ensemble(
        dir.path(),
        &[
            "user",
            "add",
            "--member",
            "salle-fictive",
            "--login",
            "analyste@salle-fictive.example",
            "--role",
            "analyst",
        ],
    ));
    let first = analyst.split(" : ").last().unwrap().trim().to_string();
    assert_eq!(first.len(), 20, "{analyst}");
    refused(
        &ensemble(
            dir.path(),
            &[
                "user",
                "add",
                "--member",
                "inconnu",
                "--login",
                "x@y.example",
                "--role",
                "admin",
            ],
        ),
        "member-unknown",
    );
    refused(
        &ensemble(
            dir.path(),
            &[
                "user",
                "add",
                "--member",
                "salle-fictive",
                "--login",
                "x@y.example",
                "--role",
                "chef",
            ],
        ),
        "user-role-unknown",
    );
    refused(
        &with_input(
            dir.path(),
            &["user", "password", "analyste@salle-fictive.example", "--password-stdin"],
            "court\n",
        ),
        "password-too-short",
    );

    // The member imports a file.
    let venues = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ensemble-ingest/tests/data/vendors/venues.csv");
    let imported = ensemble(
        dir.path(),
        &["import", "--member", "salle-fictive", venues.to_str().unwrap()],
    );
    assert!(ok(&imported).contains("Lot"), "{}", text(&imported.stdout));

    // Both sign in to the portal; the analyst, once disabled, no longer can.
    let mut server = command(dir.path(), &["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
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
    let coordination = sign_in(&address, "coordination@appalaches.example", coordinator_password);
    assert!(coordination.starts_with("HTTP/1.1 303"), "{coordination}");
    let session = set_cookie(&coordination, "ensemble_session").unwrap();
    let home = request(&address, "GET", "/", &format!("ensemble_session={session}"), "");
    assert_eq!(location(&home), Some("/membres"), "{home}");
    let members = request(&address, "GET", "/membres", &format!("ensemble_session={session}"), "");
    assert!(members.contains("Salle fictive de Sherbrooke"), "{members}");

    let member_admin = sign_in(&address, "admin@salle-fictive.example", admin_password);
    let session = set_cookie(&member_admin, "ensemble_session").unwrap();
    let home = request(&address, "GET", "/", &format!("ensemble_session={session}"), "");
    assert_eq!(location(&home), Some("/membres/salle-fictive"), "{home}");

    assert!(sign_in(&address, "analyste@salle-fictive.example", &first).starts_with("HTTP/1.1 303"));
    ok(&ensemble(
        dir.path(),
        &["user", "disable", "analyste@salle-fictive.example"],
    ));
    assert!(sign_in(&address, "analyste@salle-fictive.example", &first).starts_with("HTTP/1.1 401"));

    // A backup while the portal serves, verified, then restored in another folder: the same
    // records, the trail intact; the secret key is not in it.
    let written = ok(&ensemble(dir.path(), &["backup", "--output", "sauvegarde.zip"]));
    assert!(
        written.contains("Sauvegarde écrite") && written.contains("clé secrète n'est pas"),
        "{written}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("sauvegarde.zip"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "a backup is readable by its owner only");
    }
    let key = std::fs::read_to_string(dir.path().join("ensemble.key")).unwrap();
    let archive = std::fs::read(dir.path().join("sauvegarde.zip")).unwrap();
    assert!(!archive.windows(key.trim().len()).any(|w| w == key.trim().as_bytes()));
    assert!(ok(&ensemble(dir.path(), &["backup", "verify", "sauvegarde.zip"])).contains("Sauvegarde intacte"));
    let elsewhere = tempfile::tempdir().unwrap();
    let backup = dir.path().join("sauvegarde.zip");
    let restored = ensemble(elsewhere.path(), &["restore", backup.to_str().unwrap()]);
    assert!(ok(&restored).contains("Sauvegarde restaurée"));
    refused(
        &ensemble(elsewhere.path(), &["restore", backup.to_str().unwrap()]),
        "backup-target-not-empty",
    );
    ok(&ensemble(elsewhere.path(), &["audit", "verify"]));
    let stats = |folder: &Path| {
        let mut stats: serde_json::Value = serde_json::from_str(&ok(&ensemble(folder, &["stats", "--json"]))).unwrap();
        stats.as_object_mut().unwrap().remove("database");
        stats
    };
    assert_eq!(stats(elsewhere.path()), stats(dir.path()));
    let member_list = |folder: &Path| ok(&ensemble(folder, &["member", "list", "--json"]));
    assert_eq!(member_list(elsewhere.path()), member_list(dir.path()));
    server.kill().unwrap();
    server.wait().unwrap();

    // Every step is in the trail, which holds; no demo was made.
    let trail = ok(&ensemble(
        dir.path(),
        &["--lang", "en", "audit", "list", "--json", "--limit", "100"],
    ));
    for action in [
        "consortium-start",
        "member-admit",
        "user-create",
        "import",
        "sign-in",
        "user-disable",
    ] {
        assert!(trail.contains(&format!("\"{action}\"")), "{action}: {trail}");
    }
    ok(&ensemble(dir.path(), &["audit", "verify"]));
    let stats: serde_json::Value = serde_json::from_str(&ok(&ensemble(dir.path(), &["stats", "--json"]))).unwrap();
    assert!(!stats.to_string().contains("deux-rivieres"), "{stats}");
}
