//! The audit trail as the coordination (every entry) and a member's administration (entries about
//! the member) read it, with the result of walking the chain.

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use ensemble_i18n::{Arg, Lang, tr, tr_args};
use ensemble_store::AuditEntry;

use crate::http::{MemberScope, Signed};
use crate::pages::{Texts, read, render, texts};
use crate::{AppState, PageLang};

/// Entries shown on the page.
const SHOWN: u64 = 200;

/// An entry as the page shows it.
pub struct EntryLine {
    id: i64,
    when: String,
    who: String,
    action: String,
    subject: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    t: Texts,
    scope: String,
    sound: u64,
    broken: Option<String>,
    entries: Vec<EntryLine>,
}

async fn page(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    member: Option<(ensemble_model::MemberId, String)>,
) -> Response {
    let id = member.as_ref().map(|(id, _)| *id);
    let found = read(state, lang, move |session| {
        let entries = session.audit_entries(id, SHOWN)?;
        let (sound, broken) = session.verify_audit()?;
        let names: HashMap<i64, String> = session
            .users(None)?
            .into_iter()
            .map(|user| (user.id, user.display_name))
            .collect();
        Ok((entries, sound, broken, names))
    })
    .await;
    let (entries, sound, broken, names) = match found {
        Ok(found) => found,
        Err(response) => return response,
    };
    let t = match texts(state, lang, Some(signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let line = |entry: &AuditEntry| EntryLine {
        id: entry.id,
        when: format!("{}, {}", t.date(&entry.at), t.time(&entry.at)),
        who: match entry.user_id {
            Some(user) => names.get(&user).cloned().unwrap_or_else(|| format!("#{user}")),
            None => tr(lang, "web-audit-command-line"),
        },
        action: tr(lang, &format!("web-audit-action-{}", entry.action)),
        subject: entry.subject.clone(),
        detail: entry.detail.clone(),
    };
    let entries = entries.iter().map(line).collect();
    render(&AuditPage {
        scope: member.map(|(_, slug)| slug).unwrap_or_default(),
        sound,
        broken: broken.map(|broken| {
            tr_args(
                lang,
                &format!("error-{}", broken.code()),
                &[("entry", Arg::from(broken.id()))],
            )
        }),
        entries,
        t,
    })
}

/// `GET /audit`: the whole trail, for the coordination.
pub async fn all(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
) -> Response {
    page(&state, lang, &signed, None).await
}

/// `GET /membres/{member}/journal`: the entries about one member, for its administration.
pub async fn member(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
) -> Response {
    page(&state, lang, &signed, Some((member.id, member.slug.clone()))).await
}

#[cfg(test)]
mod tests {
    use ensemble_i18n::{Lang, catalog};
    use ensemble_store::AuditAction;

    #[test]
    fn every_audit_action_has_a_label_in_both_languages() {
        for lang in [Lang::Fr, Lang::En] {
            let missing: Vec<&str> = AuditAction::ALL
                .iter()
                .map(|action| action.code())
                .filter(|code| !catalog(lang).has(&format!("web-audit-action-{code}")))
                .collect();
            assert!(missing.is_empty(), "{lang:?}: no label for {missing:?}");
        }
    }
}
