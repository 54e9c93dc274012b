//! The import wizard and what follows it: upload a file, see the detected profile, how each
//! column is used and the diagnostics of a trial run (nothing kept), then import; the history of
//! imports with rollback; the quarantine, where a rejected row is corrected and imported again
//! or set aside. Everything goes through `ensemble_ingest`, as the CLI does.

use std::collections::HashMap;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use ensemble_actions::{ActionError, imports};
use ensemble_i18n::{Lang, tr, tr_args};
use ensemble_ingest::{Diagnostic, ImportError, ImportReport, ImportRequest, Profile, ProfileChoice, QuarantineError};
use ensemble_model::{Batch, BatchKind, Dataset, Member, MemberId, Purpose, Role, entity_docs};
use ensemble_store::{ListFilter, QUARANTINE_OPEN, QuarantineEntry, StoreError};

use crate::error::WebError;
use crate::http::{MemberScope, Signed};
use crate::members::{BatchLine, batch_line};
use crate::pages::{Texts, encode, form_status, label, message, render, texts};
use crate::policy::rank;
use crate::{AppState, PageLang};

/// How long an uploaded file waits for its import before it is deleted.
const UPLOAD_TTL: Duration = Duration::from_secs(2 * 3600);
/// Diagnostics shown on a page (all are counted).
const SHOWN_DIAGNOSTICS: usize = 100;
/// Quarantined rows shown on a page.
const SHOWN_ENTRIES: usize = 200;

/// Files uploaded to the wizard and not yet imported: personal data as they came, so each is kept
/// in a folder of its own under a random name (folders 0700, files 0600), for the member that sent
/// it, and deleted once imported, after [`UPLOAD_TTL`], when the portal starts (what a stopped
/// portal left) and when it stops.
pub struct Uploads {
    dir: PathBuf,
    staged: Mutex<HashMap<String, Staged>>,
}

struct Staged {
    member: MemberId,
    path: PathBuf,
    at: Instant,
}

impl Default for Uploads {
    /// A folder of its own in the system's temporary folder (`ensemble serve` keeps its uploads
    /// beside the secret key instead, see [`crate::AppState::with_uploads`]).
    fn default() -> Self {
        let name = format!(
            "ensemble-uploads-{}-{}",
            std::process::id(),
            &ensemble_privacy::new_token()[..8]
        );
        Uploads::in_folder(std::env::temp_dir().join(name))
    }
}

impl Uploads {
    /// Uploads kept in `dir`, emptied now of what an earlier run left there.
    pub fn in_folder(dir: PathBuf) -> Uploads {
        let uploads = Uploads {
            dir,
            staged: Mutex::default(),
        };
        uploads.sweep();
        uploads
    }

    /// Deletes every upload kept, and the folder.
    pub fn sweep(&self) {
        self.lock().clear();
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Staged>> {
        self.staged.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A new folder for an upload, and its name; expired uploads are deleted first.
    fn reserve(&self) -> std::io::Result<(String, PathBuf)> {
        let expired: Vec<PathBuf> = {
            let mut staged = self.lock();
            let old: Vec<String> = staged
                .iter()
                .filter(|(_, staged)| staged.at.elapsed() > UPLOAD_TTL)
                .map(|(name, _)| name.clone())
                .collect();
            old.iter()
                .filter_map(|name| staged.remove(name))
                .filter_map(|staged| staged.path.parent().map(FsPath::to_path_buf))
                .collect()
        };
        for folder in expired {
            let _ = std::fs::remove_dir_all(folder);
        }
        let name = ensemble_privacy::new_token()[..32].to_string();
        let folder = self.dir.join(&name);
        private_folder(&self.dir)?;
        private_folder(&folder)?;
        Ok((name, folder))
    }

    fn keep(&self, name: &str, member: MemberId, path: PathBuf) {
        self.lock().insert(
            name.to_string(),
            Staged {
                member,
                path,
                at: Instant::now(),
            },
        );
    }

    /// The file of an upload of this member.
    fn path(&self, name: &str, member: MemberId) -> Option<PathBuf> {
        self.lock()
            .get(name)
            .filter(|staged| staged.member == member)
            .map(|staged| staged.path.clone())
    }

    fn forget(&self, name: &str) {
        if let Some(staged) = self.lock().remove(name)
            && let Some(folder) = staged.path.parent()
        {
            let _ = std::fs::remove_dir_all(folder);
        }
    }
}

impl Drop for Uploads {
    /// The portal is going: no upload outlives it.
    fn drop(&mut self) {
        self.sweep();
    }
}

/// Creates a folder only its owner can open (0700 on Unix).
fn private_folder(folder: &FsPath) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(folder)
}

/// A file name without folders or characters that a file system refuses.
fn safe_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|'))
        .take(150)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "fichier".to_string()
    } else {
        cleaned
    }
}

/// A profile as the wizard offers it.
pub struct ProfileOption {
    name: String,
    label: String,
    selected: bool,
}

fn profile_options(lang: Lang, current: &str) -> Vec<ProfileOption> {
    Profile::built_in()
        .into_iter()
        .map(|profile| ProfileOption {
            selected: profile.name == current,
            label: profile.label(lang).to_string(),
            name: profile.name,
        })
        .collect()
}

fn profile_label(lang: Lang, name: &str) -> String {
    Profile::built_in()
        .into_iter()
        .find(|profile| profile.name == name)
        .map_or_else(|| name.to_string(), |profile| profile.label(lang).to_string())
}

#[derive(Template)]
#[template(path = "wizard.html")]
struct WizardPage {
    t: Texts,
    slug: String,
    profiles: Vec<ProfileOption>,
    error: Option<String>,
}

async fn wizard_page(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    member: &Member,
    error: Option<String>,
) -> Response {
    let t = match texts(state, lang, Some(signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let status = form_status(error.is_some());
    let page = WizardPage {
        slug: member.slug.clone(),
        profiles: profile_options(lang, ""),
        error,
        t,
    };
    (status, render(&page)).into_response()
}

/// `GET /membres/{member}/importer`: step 1, choose a file.
pub async fn wizard(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
) -> Response {
    wizard_page(&state, lang, &signed, &member, None).await
}

/// A diagnostic as a page shows it.
pub struct DiagnosticLine {
    row: u64,
    column: String,
    code: String,
    message: String,
    fix: String,
}

fn diagnostic_line(lang: Lang, diagnostic: &Diagnostic) -> DiagnosticLine {
    DiagnosticLine {
        row: diagnostic.row,
        column: diagnostic.column.clone().unwrap_or_else(|| diagnostic.field.clone()),
        code: diagnostic.code.as_str().to_string(),
        message: diagnostic.message(lang),
        fix: diagnostic.fix(lang),
    }
}

/// How a column of the file is used.
pub struct ColumnLine {
    header: String,
    field: String,
}

#[derive(Template)]
#[template(path = "preview.html")]
struct PreviewPage {
    t: Texts,
    slug: String,
    upload: String,
    file: String,
    format: String,
    profile: String,
    profile_label: String,
    confidence: String,
    profiles: Vec<ProfileOption>,
    columns: Vec<ColumnLine>,
    rows_read: u64,
    rows_imported: u64,
    rows_quarantined: u64,
    rows_skipped: u64,
    created: Vec<(String, u64)>,
    already: u64,
    counts: Vec<(String, u64)>,
    diagnostics: Vec<DiagnosticLine>,
    more: u64,
    earlier: Vec<i64>,
    /// What the shared referential made of the new records, per table, in words.
    referential: Vec<String>,
    /// Some new records wait in the referential's review queue.
    to_review: bool,
    error: Option<String>,
}

fn entity_label(lang: Lang, name: &str) -> String {
    entity_docs()
        .into_iter()
        .find(|doc| doc.name == name)
        .map_or_else(|| name.to_string(), |doc| label(lang, doc.label_fr, doc.label_en))
}

/// The message of an import that could not run, for the wizard.
fn import_error_message(lang: Lang, error: &ImportError) -> String {
    match error {
        ImportError::NotDetected { .. } => tr(lang, "web-import-not-detected"),
        ImportError::ProfileFormat { .. } => tr(lang, "web-import-profile-format"),
        other => tr_args(lang, &format!("error-{}", other.code()), &other.args()),
    }
}

fn preview_page(
    t: Texts,
    member: &Member,
    upload: &str,
    file: String,
    outcome: Result<ImportReport, ImportError>,
) -> Response {
    let lang = t.lang();
    let (report, error) = match outcome {
        Ok(report) => (report, None),
        Err(error) => (ImportReport::default(), Some(import_error_message(lang, &error))),
    };
    let profile = report.profile.clone().unwrap_or_default();
    let total_diagnostics: u64 = report.diagnostic_counts.values().sum();
    let status = form_status(error.is_some());
    let page = PreviewPage {
        slug: member.slug.clone(),
        upload: upload.to_string(),
        file: if report.file_name.is_empty() {
            file
        } else {
            report.file_name.clone()
        },
        format: report
            .format
            .map(|format| format.as_str().to_string())
            .unwrap_or_default(),
        profile_label: profile_label(lang, &profile),
        confidence: report
            .confidence
            .map(|confidence| format!("{:.0}\u{a0}%", confidence * 100.0))
            .unwrap_or_default(),
        profiles: profile_options(lang, &profile),
        profile,
        columns: report
            .columns
            .iter()
            .map(|column| ColumnLine {
                header: column.header.clone(),
                field: column.field.clone().unwrap_or_default(),
            })
            .collect(),
        rows_read: report.rows_read,
        rows_imported: report.rows_imported,
        rows_quarantined: report.rows_quarantined,
        rows_skipped: report.rows_skipped,
        created: report
            .tally
            .created
            .iter()
            .map(|(entity, count)| (entity_label(lang, entity), *count))
            .collect(),
        already: report.tally.already_imported.values().sum(),
        counts: report
            .diagnostic_counts
            .iter()
            .map(|(code, count)| (code.clone(), *count))
            .collect(),
        diagnostics: report
            .diagnostics
            .iter()
            .take(SHOWN_DIAGNOSTICS)
            .map(|diagnostic| diagnostic_line(lang, diagnostic))
            .collect(),
        more: total_diagnostics.saturating_sub(SHOWN_DIAGNOSTICS.min(report.diagnostics.len()) as u64),
        earlier: report.earlier_batches.iter().map(|batch| batch.0).collect(),
        referential: report.referential.iter().map(|links| links.describe(lang)).collect(),
        to_review: report.referential.iter().any(|links| links.provisional > 0),
        error,
        t,
    };
    (status, render(&page)).into_response()
}

/// Runs the import of a staged file (a trial run when `dry_run`) as the signed-in person: the
/// report, or why the file was refused (shown on the preview).
async fn run_import(
    state: &AppState,
    signed: &Signed,
    member: &Member,
    path: PathBuf,
    profile: &str,
    dry_run: bool,
) -> Result<Result<ImportReport, ImportError>, WebError> {
    let store = state.store.clone();
    let key = state.key.clone();
    let actor = signed.actor(state.clock);
    let member = member.clone();
    let choice = if profile.is_empty() || profile == "auto" {
        ProfileChoice::Auto
    } else {
        ProfileChoice::Named(profile.to_string())
    };
    let outcome = tokio::task::spawn_blocking(move || {
        let request = ImportRequest {
            member: &member.slug,
            path: &path,
            profile: choice,
            dry_run,
            strict: false,
            now: actor.clock.local_now(),
        };
        imports::import(&store, &key, &actor, &member, &request, &mut |_| {})
    })
    .await?;
    match outcome {
        Ok(report) => Ok(Ok(report)),
        Err(ActionError::Import(error)) => Ok(Err(*error)),
        Err(error) => Err(error.into()),
    }
}

/// `POST /membres/{member}/importer`: step 2, the file is kept aside and tried (nothing imported).
pub async fn upload(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    mut multipart: Multipart,
) -> Response {
    let mut profile = String::new();
    let mut saved: Option<(String, PathBuf, String)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                return wizard_page(
                    &state,
                    lang,
                    &signed,
                    &member,
                    Some(tr(lang, "web-import-upload-failed")),
                )
                .await;
            }
        };
        match field.name() {
            Some("profile") => profile = field.text().await.unwrap_or_default(),
            Some("file") if saved.is_some() => {
                // One file per upload: a second one is refused, and the first deleted.
                if let Some((_, path, _)) = &saved
                    && let Some(folder) = path.parent()
                {
                    let _ = std::fs::remove_dir_all(folder);
                }
                let problem = tr(lang, "web-import-one-file");
                return wizard_page(&state, lang, &signed, &member, Some(problem)).await;
            }
            Some("file") => {
                let original = field.file_name().map(safe_file_name).unwrap_or_default();
                let Ok((name, folder)) = state.uploads.reserve() else {
                    return message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable");
                };
                let path = folder.join(&original);
                match write_field(field, &path).await {
                    Ok(0) => {
                        let _ = std::fs::remove_dir_all(&folder);
                    }
                    Ok(_) => saved = Some((name, path, original)),
                    Err(error) => {
                        let _ = std::fs::remove_dir_all(&folder);
                        let key = if error.kind() == std::io::ErrorKind::FileTooLarge {
                            "web-import-too-large"
                        } else {
                            "web-import-upload-failed"
                        };
                        return wizard_page(&state, lang, &signed, &member, Some(tr(lang, key))).await;
                    }
                }
            }
            _ => {}
        }
    }
    let Some((name, path, original)) = saved else {
        return wizard_page(&state, lang, &signed, &member, Some(tr(lang, "web-import-no-file"))).await;
    };
    state.uploads.keep(&name, member.id, path.clone());
    let outcome = match run_import(&state, &signed, &member, path, &profile, true).await {
        Ok(outcome) => outcome,
        Err(error) => return error.into_response(),
    };
    let t = match texts(&state, lang, Some(&signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    preview_page(t, &member, &name, original, outcome)
}

/// Writes an uploaded field to a file only its owner can read (0600 on Unix), at most
/// [`crate::UPLOAD_LIMIT`] bytes; returns its size.
async fn write_field(mut field: axum::extract::multipart::Field<'_>, path: &FsPath) -> std::io::Result<u64> {
    use tokio::io::AsyncWriteExt;
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(path).await?;
    let mut size = 0;
    while let Some(chunk) = field.chunk().await.map_err(std::io::Error::other)? {
        size += chunk.len() as u64;
        if size > crate::UPLOAD_LIMIT as u64 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                "upload too large",
            ));
        }
        file.write_all(&chunk).await?;
    }
    file.flush().await?;
    Ok(size)
}

/// What the preview's forms send.
#[derive(Debug, serde::Deserialize)]
pub struct CommitForm {
    #[serde(default)]
    profile: String,
    #[serde(default)]
    action: String,
}

/// `POST /membres/{member}/importer/{upload}`: try again with another profile (`action=preview`),
/// or step 3, import for good and show the import.
pub async fn commit(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Path((_, upload)): Path<(String, String)>,
    Form(form): Form<CommitForm>,
) -> Response {
    let Some(path) = state.uploads.path(&upload, member.id) else {
        return wizard_page(
            &state,
            lang,
            &signed,
            &member,
            Some(tr(lang, "web-import-upload-expired")),
        )
        .await;
    };
    let file = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dry_run = form.action != "import";
    let outcome = match run_import(&state, &signed, &member, path, &form.profile, dry_run).await {
        Ok(outcome) => outcome,
        Err(error) => return error.into_response(),
    };
    if let (false, Ok(report)) = (dry_run, &outcome) {
        state.uploads.forget(&upload);
        state.cache.clear();
        if let Some(batch) = report.batch_id {
            return Redirect::to(&format!("/membres/{}/imports/{}", encode(&member.slug), batch.0)).into_response();
        }
    }
    let t = match texts(&state, lang, Some(&signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    preview_page(t, &member, &upload, file, outcome)
}

/// An import as the history lists it, with its counts.
pub struct HistoryLine {
    batch: BatchLine,
    profile: String,
    rows_read: u64,
    rows_imported: u64,
    rows_quarantined: u64,
}

fn note(batch: &Batch) -> Option<ensemble_ingest::pipeline::BatchNote> {
    batch.note.as_deref().and_then(|note| serde_json::from_str(note).ok())
}

fn history_line(t: &Texts, batch: &Batch) -> HistoryLine {
    let note = note(batch);
    HistoryLine {
        batch: batch_line(t, batch),
        profile: note
            .as_ref()
            .and_then(|note| note.profile.as_ref())
            .map(|profile| profile.label(t.lang()).to_string())
            .unwrap_or_default(),
        rows_read: note.as_ref().map_or(0, |note| note.rows_read),
        rows_imported: note.as_ref().map_or(0, |note| note.rows_imported),
        rows_quarantined: note.as_ref().map_or(0, |note| note.rows_quarantined),
    }
}

fn is_admin(signed: &Signed) -> bool {
    rank(signed.user.role) >= rank(Role::MemberAdmin)
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    t: Texts,
    slug: String,
    lines: Vec<HistoryLine>,
    admin: bool,
    notice: Option<String>,
}

/// What a page reached after an action says.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Notice {
    fait: Option<String>,
}

fn notice(lang: Lang, notice: &Notice) -> Option<String> {
    let key = match notice.fait.as_deref()? {
        "annule" => "web-notice-rolled-back",
        "importee" => "web-notice-replayed",
        "corrigee" => "web-notice-corrected",
        "ecartee" => "web-notice-dismissed",
        _ => return None,
    };
    Some(tr(lang, key))
}

/// `GET /membres/{member}/imports`: the member's imports, newest first.
pub async fn history(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Query(done): Query<Notice>,
) -> Response {
    let clock = state.clock;
    let id = member.id;
    let asking = signed.requester(Purpose::Reporting);
    let store = state.store.clone();
    let batches = tokio::task::spawn_blocking(move || {
        store.write(|session| {
            let grant = session.grant(&asking, Dataset::DataInventory, clock.today())?;
            session.granted::<Batch>(&grant, id, &ListFilter::default())
        })
    })
    .await;
    let Ok(Ok(mut batches)) = batches else {
        return message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable");
    };
    batches.retain(|batch| batch.kind == BatchKind::Import);
    batches.reverse();
    let t = match texts(&state, lang, Some(&signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    render(&HistoryPage {
        slug: member.slug.clone(),
        lines: batches.iter().map(|batch| history_line(&t, batch)).collect(),
        admin: is_admin(&signed),
        notice: notice(lang, &done),
        t,
    })
}

/// A quarantined row as a page shows it.
pub struct EntryLine {
    id: i64,
    batch: i64,
    row: i64,
    status: String,
    open: bool,
    values: Vec<(String, String)>,
    diagnostics: Vec<DiagnosticLine>,
}

fn entry_line(lang: Lang, entry: &QuarantineEntry) -> EntryLine {
    let diagnostics: Vec<Diagnostic> = serde_json::from_value(entry.diagnostics.clone()).unwrap_or_default();
    EntryLine {
        id: entry.id,
        batch: entry.batch_id.0,
        row: entry.source_row,
        status: tr(lang, &format!("web-quarantine-status-{}", entry.status)),
        open: entry.status == QUARANTINE_OPEN,
        values: entry
            .raw
            .as_object()
            .map(|values| {
                values
                    .iter()
                    .map(|(field, value)| {
                        let text = match value {
                            serde_json::Value::String(text) => text.clone(),
                            serde_json::Value::Null => String::new(),
                            other => other.to_string(),
                        };
                        (field.clone(), text)
                    })
                    .collect()
            })
            .unwrap_or_default(),
        diagnostics: diagnostics
            .iter()
            .map(|diagnostic| diagnostic_line(lang, diagnostic))
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "batch.html")]
struct BatchPage {
    t: Texts,
    slug: String,
    line: HistoryLine,
    file_sha256: String,
    entries: Vec<EntryLine>,
    admin: bool,
}

/// `GET /membres/{member}/imports/{batch}`: one import, its counts and its rejected rows.
pub async fn batch(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Path((_, batch)): Path<(String, i64)>,
) -> Response {
    let clock = state.clock;
    let id = member.id;
    let asking = signed.requester(Purpose::Reporting);
    let store = state.store.clone();
    let found = tokio::task::spawn_blocking(move || {
        store.write(|session| {
            let grant = session.grant(&asking, Dataset::DataInventory, clock.today())?;
            let Some(batch) = session.granted_get::<Batch>(&grant, batch)? else {
                return Ok(None);
            };
            if batch.provenance.member_id != Some(id) || batch.kind != BatchKind::Import {
                return Ok(None);
            }
            let entries = session.granted_quarantine(&grant, id, Some(batch.id), None)?;
            Ok::<_, StoreError>(Some((batch, entries)))
        })
    })
    .await;
    let (batch, entries) = match found {
        Ok(Ok(Some(found))) => found,
        Ok(Ok(None)) => return message(lang, StatusCode::NOT_FOUND, "web-not-found"),
        _ => return message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable"),
    };
    let t = match texts(&state, lang, Some(&signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    render(&BatchPage {
        slug: member.slug.clone(),
        line: history_line(&t, &batch),
        file_sha256: batch.file_sha256.clone().unwrap_or_default(),
        entries: entries
            .iter()
            .take(SHOWN_ENTRIES)
            .map(|entry| entry_line(lang, entry))
            .collect(),
        admin: is_admin(&signed),
        t,
    })
}

/// `POST /membres/{member}/imports/{batch}/annuler`: removes everything an import added.
pub async fn roll_back(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Path((_, batch)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let scope = member.clone();
    let outcome = tokio::task::spawn_blocking(move || imports::roll_back(&store, &actor, &scope, batch)).await?;
    state.cache.clear();
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/membres/{}/imports?fait=annule", encode(&member.slug))).into_response()),
        Err(ActionError::Refused("batch-unknown")) => Err(WebError::NotFound),
        Err(ActionError::Store(StoreError::BatchInUse(_))) => {
            Err(WebError::Message(StatusCode::CONFLICT, "web-batch-in-use"))
        }
        Err(error) => Err(error.into()),
    }
}

#[derive(Template)]
#[template(path = "quarantine.html")]
struct QuarantinePage {
    t: Texts,
    slug: String,
    total: u64,
    entries: Vec<EntryLine>,
    admin: bool,
    notice: Option<String>,
}

/// `GET /membres/{member}/quarantaine`: the member's open rejected rows, with their diagnostics
/// and a form to correct each.
pub async fn quarantine(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Query(done): Query<Notice>,
) -> Response {
    let clock = state.clock;
    let id = member.id;
    let asking = signed.requester(Purpose::Reporting);
    let store = state.store.clone();
    let entries = tokio::task::spawn_blocking(move || {
        store.write(|session| {
            let grant = session.grant(&asking, Dataset::DataInventory, clock.today())?;
            session.granted_quarantine(&grant, id, None, Some(QUARANTINE_OPEN))
        })
    })
    .await;
    let Ok(Ok(entries)) = entries else {
        return message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable");
    };
    let t = match texts(&state, lang, Some(&signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    render(&QuarantinePage {
        slug: member.slug.clone(),
        total: entries.len() as u64,
        entries: entries
            .iter()
            .take(SHOWN_ENTRIES)
            .map(|entry| entry_line(lang, entry))
            .collect(),
        admin: is_admin(&signed),
        notice: notice(lang, &done),
        t,
    })
}

/// What a quarantined row's form sends.
#[derive(Debug, serde::Deserialize)]
pub struct EntryForm {
    action: String,
    #[serde(default)]
    field: String,
    #[serde(default)]
    value: String,
}

/// `POST /membres/{member}/quarantaine/{entry}`: corrects a field and imports the row when it now
/// passes (`action=correct`), or sets the row aside (`action=dismiss`).
pub async fn fix_entry(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Path((_, entry)): Path<(String, i64)>,
    Form(form): Form<EntryForm>,
) -> Result<Response, WebError> {
    let store = state.store.clone();
    let key = state.key.clone();
    let actor = signed.actor(state.clock);
    let scope = member.clone();
    let outcome = tokio::task::spawn_blocking(move || -> Result<&'static str, ActionError> {
        if form.action == "dismiss" {
            imports::dismiss(&store, &actor, &scope, &[entry])?;
            return Ok("ecartee");
        }
        let fields = [(form.field.trim().to_string(), form.value)];
        Ok(match imports::correct(&store, &key, &actor, &scope, entry, &fields)? {
            imports::Corrected::Imported => "importee",
            imports::Corrected::StillFailing(_) => "corrigee",
        })
    })
    .await?;
    state.cache.clear();
    match outcome {
        Ok(done) => {
            Ok(Redirect::to(&format!("/membres/{}/quarantaine?fait={done}", encode(&member.slug))).into_response())
        }
        Err(ActionError::Quarantine(QuarantineError::UnknownEntry(_))) => Err(WebError::NotFound),
        Err(ActionError::Quarantine(QuarantineError::UnknownField { .. })) => Err(WebError::Message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "web-quarantine-field-unknown",
        )),
        Err(ActionError::Quarantine(QuarantineError::NotReplayable)) => Err(WebError::Message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "web-quarantine-not-replayable",
        )),
        Err(error) => Err(error.into()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn uploaded_names_lose_their_folders() {
        assert_eq!(super::safe_file_name("C:\\Users\\x\\ventes.csv"), "ventes.csv");
        assert_eq!(super::safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(super::safe_file_name("..."), "fichier");
        assert_eq!(super::safe_file_name("saison 2026?.xlsx"), "saison 2026.xlsx");
    }
}
