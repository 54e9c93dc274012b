//! Starting a consortium for real, its members and their people: `init --consortium`,
//! `member add | list`, `user add | disable | password`. Every write goes through the actions,
//! as the command line's operator.

use std::io::{BufRead, IsTerminal};

use clap::ArgMatches;
use ensemble_actions::{Actor, accounts, members};
use ensemble_i18n::{Arg, Lang, tr, tr_args};
use ensemble_model::{Member, Organization, Role, ValueChainRole};
use ensemble_store::{ListFilter, Store};

use crate::commands::{clock, open_store};
use crate::output::Failure;

fn text(matches: &ArgMatches, id: &str) -> Option<String> {
    matches.get_one::<String>(id).cloned()
}

/// A password from the first line of standard input (`--password-stdin`), else typed twice at
/// the terminal; `None` when neither is possible.
fn read_password(lang: Lang, matches: &ArgMatches) -> Result<Option<String>, Failure> {
    if matches.get_flag("password-stdin") {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|_| Failure::Given {
                code: "password-needed",
                value: String::new(),
            })?;
        let password = line.trim_end_matches(['\r', '\n']).to_string();
        return Ok(Some(password).filter(|p| !p.is_empty()));
    }
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    let ask = |key: &str| rpassword::prompt_password(format!("{} ", tr(lang, key))).ok();
    let (Some(first), Some(second)) = (ask("cli-password-prompt"), ask("cli-password-again")) else {
        return Ok(None);
    };
    if first != second {
        return Err(Failure::Given {
            code: "password-mismatch",
            value: String::new(),
        });
    }
    Ok(Some(first))
}

/// A first password, printed once: twenty characters of a random token.
fn first_password() -> String {
    ensemble_privacy::new_token()[..20].to_string()
}

/// `ensemble init --consortium NAME --coordinator LOGIN`: the consortium and its coordinator.
pub fn start(lang: Lang, store: &Store, matches: &ArgMatches) -> Result<(), Failure> {
    let (Some(name), Some(login)) = (text(matches, "consortium-name"), text(matches, "coordinator")) else {
        return Ok(());
    };
    let password = read_password(lang, matches)?.ok_or(Failure::Given {
        code: "password-needed",
        value: login.clone(),
    })?;
    let user = accounts::start(store, &Actor::operator(clock()?), &name, &login, &password)?;
    say!(
        "{}",
        tr_args(
            lang,
            "cli-init-consortium",
            &[
                ("name", Arg::from(name.as_str())),
                ("login", Arg::from(user.login.as_str()))
            ]
        )
    );
    say!("{}", tr(lang, "cli-init-next"));
    Ok(())
}

/// The member whose code is `code`, or `member-unknown`.
pub(crate) fn member_of(store: &Store, code: &str) -> Result<Member, Failure> {
    store
        .read(|session| session.member_by_slug(code))?
        .ok_or_else(|| Failure::Given {
            code: "member-unknown",
            value: code.to_string(),
        })
}

/// `ensemble member add --code CODE --name NAME --role ROLE[,ROLE] …`.
pub fn member_add(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let mut roles = Vec::new();
    for code in matches.get_many::<String>("chain-role").into_iter().flatten() {
        let role = ValueChainRole::from_code(code.trim()).ok_or_else(|| Failure::Given {
            code: "chain-role-unknown",
            value: code.clone(),
        })?;
        roles.push(role);
    }
    let new = members::NewMember {
        slug: text(matches, "code").unwrap_or_default(),
        name: text(matches, "organization-name").unwrap_or_default(),
        roles,
        municipality: text(matches, "municipality"),
        region: text(matches, "region"),
        postal_code: text(matches, "postal-code"),
    };
    let store = open_store(lang, url)?;
    let member = members::admit(&store, &Actor::operator(clock()?), &new)?;
    say!(
        "{}",
        tr_args(lang, "cli-member-added", &[("member", Arg::from(member.slug.as_str()))])
    );
    Ok(())
}

/// `ensemble member list [--json]`: each member with its organisation, roles, region and people.
pub fn member_list(lang: Lang, url: &str, json: bool) -> Result<(), Failure> {
    let store = open_store(lang, url)?;
    let (members, organizations, users) = store.read(|session| {
        Ok((
            session.list_any::<Member>(&ListFilter::default())?,
            session.list_any::<Organization>(&ListFilter::default())?,
            session.users(None)?,
        ))
    })?;
    let rows: Vec<serde_json::Value> = members
        .iter()
        .map(|member| {
            let organization = organizations.iter().find(|o| o.id == member.organization_id);
            let people = users
                .iter()
                .filter(|u| u.member_id == Some(member.id) && !u.disabled)
                .count();
            serde_json::json!({
                "code": member.slug,
                "name": organization.map(|o| o.name.as_str()),
                "roles": organization.map(|o| o.roles.iter().map(|r| r.code()).collect::<Vec<_>>()),
                "region": organization.and_then(|o| o.region_code.as_ref().map(|r| r.as_str())),
                "joined_on": member.joined_on,
                "people": people,
            })
        })
        .collect();
    if json {
        say!("{}", serde_json::to_string_pretty(&rows).unwrap_or_default());
        return Ok(());
    }
    if rows.is_empty() {
        say!("{}", tr(lang, "cli-member-none"));
        return Ok(());
    }
    say!("{}", tr(lang, "cli-member-heading"));
    for row in rows {
        say!(
            "  {:<24} {:<40} {}",
            row["code"].as_str().unwrap_or_default(),
            row["name"].as_str().unwrap_or_default(),
            tr_args(
                lang,
                "cli-member-people",
                &[("count", Arg::from(row["people"].as_u64().unwrap_or(0)))]
            )
        );
    }
    Ok(())
}

/// `ensemble user add --member CODE --login LOGIN --role admin|analyst|viewer [--name NAME]`.
pub fn user_add(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let role_text = text(matches, "user-role").unwrap_or_default();
    let role = match role_text.as_str() {
        "admin" => Role::MemberAdmin,
        "analyst" => Role::MemberAnalyst,
        "viewer" => Role::Viewer,
        _ => {
            return Err(Failure::Given {
                code: "user-role-unknown",
                value: role_text,
            });
        }
    };
    let login = text(matches, "login").unwrap_or_default();
    let given = read_password(lang, matches)?;
    let password = given.clone().unwrap_or_else(first_password);
    let hash = accounts::new_password_hash(&password)?;
    let store = open_store(lang, url)?;
    let member = member_of(&store, &text(matches, "user-member").unwrap_or_default())?;
    let new = members::NewUser {
        display_name: text(matches, "display-name")
            .unwrap_or_else(|| login.split('@').next().unwrap_or_default().to_string()),
        login,
        role,
    };
    let user = members::create_user(&store, &Actor::operator(clock()?), &member, &new, hash)?;
    say!(
        "{}",
        tr_args(
            lang,
            "cli-user-added",
            &[
                ("login", Arg::from(user.login.as_str())),
                ("member", Arg::from(member.slug.as_str()))
            ]
        )
    );
    if given.is_none() {
        say!(
            "{}",
            tr_args(lang, "cli-user-first-password", &[("password", Arg::from(password))])
        );
    }
    Ok(())
}

fn user_of(store: &Store, login: &str) -> Result<ensemble_store::User, Failure> {
    store
        .read(|session| session.user_by_login(login))?
        .ok_or_else(|| Failure::Given {
            code: "login-unknown",
            value: login.to_string(),
        })
}

/// `ensemble user disable LOGIN`.
pub fn user_disable(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let login = text(matches, "user-login").unwrap_or_default();
    let store = open_store(lang, url)?;
    let user = user_of(&store, &login)?;
    members::disable_user(&store, &Actor::operator(clock()?), user.id)?;
    say!(
        "{}",
        tr_args(lang, "cli-user-disabled", &[("login", Arg::from(user.login.as_str()))])
    );
    Ok(())
}

/// `ensemble user password LOGIN [--password-stdin]`: a new password (else one printed once);
/// the person's sessions end.
pub fn user_password(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let login = text(matches, "user-login").unwrap_or_default();
    let given = read_password(lang, matches)?;
    let password = given.clone().unwrap_or_else(first_password);
    let store = open_store(lang, url)?;
    let user = user_of(&store, &login)?;
    accounts::reset_password(&store, &Actor::operator(clock()?), user.id, &password)?;
    say!(
        "{}",
        tr_args(
            lang,
            "cli-user-password-set",
            &[("login", Arg::from(user.login.as_str()))]
        )
    );
    if given.is_none() {
        say!(
            "{}",
            tr_args(lang, "cli-user-first-password", &[("password", Arg::from(password))])
        );
    }
    Ok(())
}

/// What a manifest says, for people: when, how many tables and rows, the trail's head.
fn say_manifest(lang: Lang, key: &str, manifest: &ensemble_store::Manifest) {
    let rows: u64 = manifest.tables.iter().map(|table| table.rows).sum();
    let head = match &manifest.audit_head {
        Some(head) => tr_args(
            lang,
            "cli-backup-head",
            &[("id", Arg::from(head.id)), ("hash", Arg::from(head.hash.as_str()))],
        ),
        None => tr(lang, "cli-backup-head-none"),
    };
    say!(
        "{}",
        tr_args(
            lang,
            key,
            &[
                (
                    "taken",
                    Arg::from(manifest.taken_at.format("%Y-%m-%d %H:%M").to_string())
                ),
                ("tables", Arg::from(manifest.tables.len())),
                ("rows", Arg::from(rows)),
                ("schema", Arg::from(manifest.schema_version)),
                ("head", Arg::from(head)),
            ]
        )
    );
}

/// `ensemble backup --output FILE`: a consistent snapshot, while the portal serves.
pub fn backup(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let Some(output) = matches.get_one::<std::path::PathBuf>("backup-output") else {
        return Ok(());
    };
    let store = open_store(lang, url)?;
    let manifest = ensemble_actions::backups::take(&store, &Actor::operator(clock()?), output)?;
    say_manifest(lang, "cli-backup-written", &manifest);
    say!(
        "{}",
        tr_args(
            lang,
            "cli-backup-key",
            &[("file", Arg::from(output.display().to_string()))]
        )
    );
    Ok(())
}

/// `ensemble backup verify FILE [--json]`: checksums, schema version and the trail's head.
pub fn backup_verify(lang: Lang, matches: &ArgMatches) -> Result<(), Failure> {
    let Some(input) = matches.get_one::<std::path::PathBuf>("backup-file") else {
        return Ok(());
    };
    let manifest = ensemble_store::backup::verify(input).map_err(Failure::Backup)?;
    if matches.get_flag("json") {
        say!("{}", serde_json::to_string_pretty(&manifest).unwrap_or_default());
    } else {
        say_manifest(lang, "cli-backup-verified", &manifest);
    }
    Ok(())
}

/// `ensemble restore FILE [--force]`.
pub fn restore(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let Some(input) = matches.get_one::<std::path::PathBuf>("backup-file") else {
        return Ok(());
    };
    let store = open_store(lang, url)?;
    let actor = Actor::operator(clock()?);
    let manifest = ensemble_actions::backups::restore(&store, &actor, input, matches.get_flag("force"))?;
    say_manifest(lang, "cli-backup-restored", &manifest);
    Ok(())
}

/// `ensemble diagnostic report [--member CODE] --format html|xlsx|json --output FILE`.
pub fn diagnostic_report(lang: Lang, url: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let format = text(matches, "diagnostic-format").unwrap_or_default();
    let Some(output) = matches.get_one::<std::path::PathBuf>("diagnostic-output") else {
        return Ok(());
    };
    let store = open_store(lang, url)?;
    let member = match text(matches, "diagnostic-member") {
        Some(code) => Some(member_of(&store, &code)?),
        None => None,
    };
    let model = ensemble_actions::diagnostic::MaturityModel::from_environment()?;
    let today = clock()?.today();
    let document = ensemble_actions::diagnostic::report(&store, &model, member.as_ref(), lang, today)?;
    ensemble_reports::document::write(&document, &format, output, lang.tag())?;
    say!(
        "{}",
        tr_args(
            lang,
            "cli-diagnostic-written",
            &[("file", Arg::from(output.display().to_string()))]
        )
    );
    Ok(())
}
