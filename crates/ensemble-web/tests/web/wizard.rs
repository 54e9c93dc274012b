//! The import wizard end to end through the router: upload a real vendor file, see the detected
//! profile, the columns and the diagnostics of a trial run, import, correct a quarantined row so
//! that it is imported, and roll the import back. No page ever shows a personal value.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use ensemble_model::{Batch, BatchStatus, TicketSale};

use crate::{MEMBER, OTHER_MEMBER, Person, Reply, TestApp, assert_translated, login};

const BOUNDARY: &str = "----ensemble-test-boundary";

fn sample(name: &str) -> (String, Vec<u8>) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ensemble-ingest/tests/data/vendors")
        .join(name);
    (name.to_string(), std::fs::read(path).unwrap())
}

fn multipart(fields: &[(&str, &str)], file: Option<&(String, Vec<u8>)>) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        body.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n")
                .as_bytes(),
        );
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn upload(app: &TestApp, member: &str, person: &Person, csrf: &str, file: Option<&(String, Vec<u8>)>) -> Reply {
    let request = Request::post(format!("/membres/{member}/importer"))
        .header(header::COOKIE, &person.cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(multipart(&[("csrf", csrf), ("profile", "auto")], file)))
        .unwrap();
    app.send(request).await
}

/// Personal values of the sample file: none may appear on a page.
const PERSONAL: [&str; 3] = ["a@example.com", "b@example.com", "J1H 5N4"];

fn assert_no_personal_values(html: &str) {
    for value in PERSONAL {
        assert!(!html.contains(value), "{value} shown");
    }
    assert_translated(html);
}

fn tickets(app: &TestApp) -> u64 {
    app.store.count::<TicketSale>().unwrap()
}

#[tokio::test]
async fn a_file_goes_through_the_wizard_then_a_row_is_corrected_and_the_import_rolled_back() {
    let app = TestApp::new();
    let admin = app.sign_in(&login("admin", MEMBER));
    let before = tickets(&app);

    let form = app
        .get(&format!("/membres/{MEMBER}/importer"), Some(&admin.cookie))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"enctype="multipart/form-data""#) && form.body.contains(r#"<label for="file">"#));

    let file = sample("generic-tickets-bad.csv");
    let preview = upload(&app, MEMBER, &admin, &admin.csrf, Some(&file)).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("<h1>Vérifier avant d&#39;importer</h1>"));
    assert!(preview.body.contains("Billetterie générique"), "profile detected");
    assert!(preview.body.contains("<td>Courriel</td>"), "columns listed");
    assert!(
        preview.body.contains("date-invalid") && preview.body.contains("amount-invalid"),
        "diagnostics"
    );
    assert!(preview.body.contains("Rien n&#39;est encore enregistré"));
    assert_no_personal_values(&preview.body);
    assert_eq!(tickets(&app), before, "a trial run keeps nothing");

    // Another member cannot use this upload.
    let upload_id = preview
        .body
        .split(&format!("/membres/{MEMBER}/importer/"))
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let stranger = app.sign_in(&login("admin", OTHER_MEMBER));
    let stolen = app
        .post(
            &format!("/membres/{OTHER_MEMBER}/importer/{upload_id}"),
            &format!("csrf={}&action=import&profile=generic-tickets", stranger.csrf),
            Some(&stranger.cookie),
        )
        .await;
    assert!(stolen.body.contains("n&#39;est plus disponible"), "{}", stolen.status);
    assert_eq!(tickets(&app), before);

    let imported = app
        .post(
            &format!("/membres/{MEMBER}/importer/{upload_id}"),
            &format!("csrf={}&action=import&profile=generic-tickets", admin.csrf),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(imported.status, StatusCode::SEE_OTHER, "{}", imported.body);
    let batch_path = imported.location().to_string();
    assert!(batch_path.starts_with(&format!("/membres/{MEMBER}/imports/")));
    let after_import = tickets(&app);
    assert!(after_import > before);

    let batch_page = app.get(&batch_path, Some(&admin.cookie)).await;
    assert_eq!(batch_page.status, StatusCode::OK);
    assert!(batch_page.body.contains("generic-tickets-bad.csv"));
    assert!(batch_page.body.contains("Lignes rejetées") && batch_page.body.contains("date-invalid"));
    assert_no_personal_values(&batch_page.body);

    let quarantine = app
        .get(&format!("/membres/{MEMBER}/quarantaine"), Some(&admin.cookie))
        .await;
    assert_eq!(quarantine.status, StatusCode::OK);
    assert_no_personal_values(&quarantine.body);
    let member = app.store.read(|s| s.member_by_slug(MEMBER)).unwrap().unwrap();
    let open = app
        .store
        .read(|s| s.quarantine_any(member.id, None, Some(ensemble_store::QUARANTINE_OPEN)))
        .unwrap();
    let bad_date = open
        .iter()
        .find(|entry| entry.diagnostics.to_string().contains("date-invalid"))
        .unwrap();
    let field = bad_date.diagnostics[0]["field"].as_str().unwrap().to_string();
    assert!(
        quarantine
            .body
            .contains(&format!("/membres/{MEMBER}/quarantaine/{}", bad_date.id))
    );

    let corrected = app
        .post(
            &format!("/membres/{MEMBER}/quarantaine/{}", bad_date.id),
            &format!("csrf={}&action=correct&field={field}&value=2026-02-28", admin.csrf),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(corrected.status, StatusCode::SEE_OTHER);
    assert_eq!(
        corrected.location(),
        format!("/membres/{MEMBER}/quarantaine?fait=importee")
    );
    assert_eq!(tickets(&app), after_import + 1, "the corrected row is imported");
    let notice = app.get(corrected.location(), Some(&admin.cookie)).await;
    assert!(notice.body.contains("La ligne corrigée a été importée"));

    let history = app
        .get(&format!("/membres/{MEMBER}/imports"), Some(&admin.cookie))
        .await;
    assert!(history.body.contains("generic-tickets-bad.csv"));
    let batch_id: i64 = batch_path.rsplit('/').next().unwrap().parse().unwrap();
    let rolled = app
        .post(
            &format!("{batch_path}/annuler"),
            &format!("csrf={}", admin.csrf),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(rolled.status, StatusCode::SEE_OTHER);
    assert_eq!(tickets(&app), before, "everything the import added is gone");
    let batch = app.store.get_any::<Batch>(batch_id).unwrap().unwrap();
    assert_eq!(batch.status, BatchStatus::RolledBack);

    // The audit trail holds each step, by the admin's user number, and no personal value.
    let admin_id = app
        .store
        .read(|s| s.user_by_login(&login("admin", MEMBER)))
        .unwrap()
        .unwrap()
        .id;
    let entries = app.store.read(|s| s.audit_entries(None, 20)).unwrap();
    let actions: Vec<&str> = entries
        .iter()
        .map(|entry| entry.action.as_str())
        .filter(|action| *action != "data-access")
        .collect();
    assert_eq!(actions, vec!["rollback", "quarantine", "import"], "newest first");
    // Reading the member's imports (history, one import, the rollback) went through a grant,
    // recorded each time.
    let accesses: Vec<_> = entries.iter().filter(|entry| entry.action == "data-access").collect();
    assert!(accesses.len() >= 2, "{accesses:?}");
    assert!(accesses.iter().all(|entry| entry.subject == "data-inventory"));
    for entry in &entries {
        assert_eq!((entry.channel.as_str(), entry.user_id), ("web", Some(admin_id)));
        assert_eq!(entry.member_id, Some(member.id.0));
        assert_no_personal_values(&format!("{} {}", entry.subject, entry.detail));
    }
    assert_eq!(
        app.store.read(|s| s.verify_audit()).unwrap(),
        (entries.len() as u64, None)
    );
}

#[tokio::test]
async fn an_upload_without_a_file_or_with_an_unknown_layout_says_what_to_do() {
    let app = TestApp::new();
    let admin = app.sign_in(&login("admin", MEMBER));
    let empty = upload(&app, MEMBER, &admin, &admin.csrf, None).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Aucun fichier reçu"));

    let odd = ("notes.csv".to_string(), b"couleur;humeur\nbleu;calme\n".to_vec());
    let preview = upload(&app, MEMBER, &admin, &admin.csrf, Some(&odd)).await;
    assert_eq!(preview.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(preview.body.contains("Aucun profil ne reconnaît"), "{}", preview.body);
    assert!(
        preview.body.contains(r#"<select id="profile""#),
        "another profile can be chosen"
    );

    let refused = upload(&app, MEMBER, &admin, "faux", Some(&odd)).await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "a multipart form needs the token too"
    );
}

/// The uploads kept in `folder`: one folder each, with its files.
fn staged(folder: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(folder)
        .map(|entries| entries.flatten().map(|entry| entry.path()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_large_upload_goes_through_stays_private_and_is_gone_once_imported_or_on_restart() {
    let app = TestApp::new();
    let folder = tempfile::tempdir().unwrap();
    let uploads = folder.path().join("ensemble-uploads");
    let app = app.with_uploads(&uploads);
    let admin = app.sign_in(&login("admin", MEMBER));
    // A 3 MB file: over the 2 MiB that a form reader takes by default.
    let (name, bytes) = sample("generic-tickets-fr.csv");
    let header_end = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
    let mut large = bytes[..header_end].to_vec();
    while large.len() < 3_000_000 {
        large.extend_from_slice(&bytes[header_end..]);
    }
    let preview = upload(&app, MEMBER, &admin, &admin.csrf, Some(&(name, large))).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(
        preview.body.contains("Vérifier avant d&#39;importer"),
        "{}",
        preview.body
    );
    let kept = staged(&uploads);
    assert_eq!(kept.len(), 1, "one folder for the upload");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&uploads), 0o700);
        assert_eq!(mode(&kept[0]), 0o700);
        let file = std::fs::read_dir(&kept[0]).unwrap().next().unwrap().unwrap().path();
        assert_eq!(mode(&file), 0o600);
    }

    // Imported: the file is gone.
    let upload_name = kept[0].file_name().unwrap().to_str().unwrap().to_string();
    let imported = app
        .post(
            &format!("/membres/{MEMBER}/importer/{upload_name}"),
            &format!("csrf={}&profile=auto&action=import", admin.csrf),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(imported.status, StatusCode::SEE_OTHER, "{}", imported.body);
    assert!(staged(&uploads).is_empty(), "nothing left once imported");

    // Previewed but never imported, then the portal restarts: the file is gone too.
    let preview = upload(
        &app,
        MEMBER,
        &admin,
        &admin.csrf,
        Some(&sample("generic-tickets-fr.csv")),
    )
    .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert_eq!(staged(&uploads).len(), 1);
    let _restarted = app.with_uploads(&uploads);
    assert!(staged(&uploads).is_empty(), "swept when the portal starts again");
}

#[tokio::test]
async fn an_upload_sends_one_file_and_its_form_token_first() {
    let app = TestApp::new();
    let folder = tempfile::tempdir().unwrap();
    let uploads = folder.path().join("ensemble-uploads");
    let app = app.with_uploads(&uploads);
    let admin = app.sign_in(&login("admin", MEMBER));
    let file = sample("generic-tickets-fr.csv");

    // Two files in one request: refused, nothing kept.
    let mut body = multipart(&[("csrf", &admin.csrf)], Some(&file));
    let second = multipart(&[], Some(&file));
    body.truncate(body.len() - format!("--{BOUNDARY}--\r\n").len());
    body.extend(second);
    let request = Request::post(format!("/membres/{MEMBER}/importer"))
        .header(header::COOKIE, &admin.cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .unwrap();
    let refused = app.send(request).await;
    assert!(refused.body.contains("un seul fichier"), "{}", refused.body);
    assert!(staged(&uploads).iter().all(|folder| staged(folder).is_empty()));

    // The form token after the file: refused before the file is read.
    let late = multipart(&[("profile", "auto")], Some(&file));
    let late = [
        late,
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n",
            admin.csrf
        )
        .into_bytes(),
    ]
    .concat();
    let request = Request::post(format!("/membres/{MEMBER}/importer"))
        .header(header::COOKIE, &admin.cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(late))
        .unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::FORBIDDEN);

    // A wrong token with an endless body: refused after reading its first part only.
    let endless = futures_util::stream::iter(std::iter::repeat_with(|| {
        Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![b'x'; 64 * 1024]))
    }));
    let head = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nfaux\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n"
    );
    let stream = futures_util::StreamExt::chain(
        futures_util::stream::once(async move { Ok::<_, std::io::Error>(axum::body::Bytes::from(head)) }),
        endless,
    );
    let request = Request::post(format!("/membres/{MEMBER}/importer"))
        .header(header::COOKIE, &admin.cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from_stream(stream))
        .unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::FORBIDDEN);

    // A URL-encoded form larger than any form of the portal: refused before it is kept whole.
    let huge = format!("csrf={}&title={}", admin.csrf, "a".repeat(2 * 1024 * 1024));
    let refused = app.post("/deconnexion", &huge, Some(&admin.cookie)).await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(refused.body.contains("Formulaire trop long"));
}
