//! The command line, declared once with clap and translated from the catalogues: every about and
//! help text comes from the key `cli-<command path>-about` or `cli-arg-<argument>`.

use clap::error::ErrorKind;
use clap::{Arg, ArgAction, Command, value_parser};
use ensemble_i18n::{Arg as MessageArg, Lang, tr, tr_args};
use std::process::ExitCode;

/// The language asked for on the command line (`--lang xx` or `--lang=xx`), else the environment's.
pub fn lang_from_args(args: impl Iterator<Item = String>) -> Lang {
    let args: Vec<String> = args.collect();
    for (index, arg) in args.iter().enumerate() {
        if let Some(value) = arg.strip_prefix("--lang=") {
            return value.parse().unwrap_or_default();
        }
        if arg == "--lang"
            && let Some(value) = args.get(index + 1)
        {
            return value.parse().unwrap_or_default();
        }
    }
    Lang::from_env()
}

/// The whole command tree, before translation.
fn tree() -> Command {
    let database = Arg::new("database")
        .long("database")
        .env("ENSEMBLE_DATABASE_URL")
        .value_name("URL")
        .global(true)
        .default_value(ensemble_store::DEFAULT_DATABASE_URL);
    let key_file = Arg::new("key-file")
        .long("key-file")
        .env("ENSEMBLE_KEY_FILE")
        .value_name("FILE")
        .global(true);
    let lang = Arg::new("lang")
        .long("lang")
        .value_name("fr|en")
        .global(true)
        .value_parser(["fr", "en"]);
    let json = Arg::new("json").long("json").action(ArgAction::SetTrue);
    let bind = Arg::new("bind")
        .long("bind")
        .value_name("ADRESSE:PORT")
        .value_parser(value_parser!(std::net::SocketAddr))
        .default_value("127.0.0.1:8080");
    let help = Arg::new("help")
        .short('h')
        .long("help")
        .action(ArgAction::Help)
        .global(true);
    let password_stdin = Arg::new("password-stdin")
        .long("password-stdin")
        .action(ArgAction::SetTrue);
    let user_login = Arg::new("user-login").value_name("COURRIEL").required(true);
    let backup_file = Arg::new("backup-file")
        .value_name("FICHIER")
        .required(true)
        .value_parser(value_parser!(std::path::PathBuf));
    let version = Arg::new("version")
        .short('V')
        .long("version")
        .action(ArgAction::Version);
    Command::new("ensemble")
        .version(env!("CARGO_PKG_VERSION"))
        .disable_help_flag(true)
        .disable_version_flag(true)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(help)
        .arg(version)
        .arg(database)
        .arg(key_file)
        .arg(lang)
        .subcommand(
            Command::new("init")
                .arg(
                    Arg::new("consortium-name")
                        .long("consortium")
                        .value_name("NOM")
                        .requires("coordinator"),
                )
                .arg(
                    Arg::new("coordinator")
                        .long("coordinator")
                        .value_name("COURRIEL")
                        .requires("consortium-name"),
                )
                .arg(password_stdin.clone()),
        )
        .subcommand(
            Command::new("diagnostic").subcommand_required(true).subcommand(
                Command::new("report")
                    .arg(Arg::new("diagnostic-member").long("member").value_name("CODE"))
                    .arg(
                        Arg::new("diagnostic-format")
                            .long("format")
                            .value_name("html|xlsx|json")
                            .value_parser(["html", "xlsx", "json"])
                            .required(true),
                    )
                    .arg(
                        Arg::new("diagnostic-output")
                            .long("output")
                            .value_name("FICHIER")
                            .required(true)
                            .value_parser(value_parser!(std::path::PathBuf)),
                    ),
            ),
        )
        .subcommand(
            Command::new("backup")
                .args_conflicts_with_subcommands(true)
                .subcommand_negates_reqs(true)
                .arg(
                    Arg::new("backup-output")
                        .long("output")
                        .value_name("FICHIER")
                        .required(true)
                        .value_parser(value_parser!(std::path::PathBuf)),
                )
                .subcommand(Command::new("verify").arg(backup_file.clone()).arg(json.clone())),
        )
        .subcommand(
            Command::new("restore")
                .arg(backup_file)
                .arg(Arg::new("force").long("force").action(ArgAction::SetTrue)),
        )
        .subcommand(
            Command::new("member")
                .subcommand_required(true)
                .subcommand(
                    Command::new("add")
                        .arg(Arg::new("code").long("code").value_name("CODE").required(true))
                        .arg(
                            Arg::new("organization-name")
                                .long("name")
                                .value_name("NOM")
                                .required(true),
                        )
                        .arg(
                            Arg::new("chain-role")
                                .long("role")
                                .value_name("RÔLE[,RÔLE]")
                                .value_delimiter(',')
                                .required(true),
                        )
                        .arg(Arg::new("region").long("region").value_name("NN"))
                        .arg(Arg::new("postal-code").long("postal-code").value_name("A1A 1A1"))
                        .arg(Arg::new("municipality").long("municipality").value_name("VILLE")),
                )
                .subcommand(Command::new("list").arg(json.clone())),
        )
        .subcommand(
            Command::new("user")
                .subcommand_required(true)
                .subcommand(
                    Command::new("add")
                        .arg(Arg::new("user-member").long("member").value_name("CODE").required(true))
                        .arg(Arg::new("login").long("login").value_name("COURRIEL").required(true))
                        .arg(
                            Arg::new("user-role")
                                .long("role")
                                .value_name("admin|analyst|viewer")
                                .required(true),
                        )
                        .arg(Arg::new("display-name").long("name").value_name("NOM"))
                        .arg(password_stdin.clone()),
                )
                .subcommand(Command::new("disable").arg(user_login.clone()))
                .subcommand(Command::new("password").arg(user_login).arg(password_stdin)),
        )
        .subcommand(
            Command::new("demo")
                .arg(
                    Arg::new("scale")
                        .long("scale")
                        .value_name("small|full")
                        .value_parser(["small", "full"])
                        .default_value("full"),
                )
                .arg(
                    Arg::new("seed")
                        .long("seed")
                        .value_name("N")
                        .value_parser(value_parser!(u64))
                        .default_value("2026"),
                )
                .arg(Arg::new("reset").long("reset").action(ArgAction::SetTrue))
                .arg(Arg::new("serve").long("serve").action(ArgAction::SetTrue))
                .arg(bind.clone())
                .arg(json.clone()),
        )
        .subcommand(
            Command::new("referential")
                .subcommand_required(true)
                .subcommand(
                    Command::new("run").arg(
                        Arg::new("referential-table")
                            .long("kind")
                            .value_name("organization|place|hall|group|person|show")
                            .value_parser(["organization", "place", "hall", "group", "person", "show"]),
                    ),
                )
                .subcommand(
                    Command::new("dedupe")
                        .arg(
                            Arg::new("dedupe-kind")
                                .long("kind")
                                .value_name("organization|place|person|show")
                                .required(true),
                        )
                        .arg(
                            Arg::new("dedupe-input")
                                .value_name("FICHIER.csv")
                                .required(true)
                                .value_parser(value_parser!(std::path::PathBuf)),
                        )
                        .arg(
                            Arg::new("dedupe-output")
                                .long("output")
                                .value_name("FICHIER.csv")
                                .required(true)
                                .value_parser(value_parser!(std::path::PathBuf)),
                        )
                        .arg(
                            Arg::new("dedupe-pairs")
                                .long("pairs")
                                .value_name("FICHIER.csv")
                                .value_parser(value_parser!(std::path::PathBuf)),
                        )
                        .arg(
                            Arg::new("dedupe-candidates")
                                .long("candidates")
                                .value_name("FICHIER.csv")
                                .value_parser(value_parser!(std::path::PathBuf)),
                        ),
                ),
        )
        .subcommand(Command::new("stats").arg(json.clone()))
        .subcommand(
            Command::new("audience")
                .arg(
                    Arg::new("audience-member")
                        .long("member")
                        .value_name("CODE")
                        .required(true),
                )
                .arg(Arg::new("audience-show").long("show").value_name("CODE"))
                .arg(Arg::new("audience-season").long("season").value_name("AAAA-AAAA"))
                .arg(
                    Arg::new("audience-xlsx")
                        .long("xlsx")
                        .value_name("FICHIER")
                        .value_parser(value_parser!(std::path::PathBuf)),
                )
                .arg(json.clone()),
        )
        .subcommand(
            Command::new("barometer")
                .arg(Arg::new("barometer-season").long("season").value_name("AAAA-AAAA"))
                .arg(
                    Arg::new("barometer-xlsx")
                        .long("xlsx")
                        .value_name("FICHIER")
                        .value_parser(value_parser!(std::path::PathBuf)),
                )
                .arg(json.clone()),
        )
        .subcommand(intake_commands(&json))
        .subcommand(Command::new("serve").arg(bind))
        .subcommand(
            Command::new("report")
                .arg(
                    Arg::new("member")
                        .long("member")
                        .value_name("CODE")
                        .required_unless_present("consortium")
                        .conflicts_with("consortium"),
                )
                .arg(Arg::new("consortium").long("consortium").action(ArgAction::SetTrue))
                .arg(
                    Arg::new("template")
                        .long("template")
                        .value_name("MODÈLE")
                        .required(true),
                )
                .arg(Arg::new("period").long("period").value_name("PÉRIODE").required(true))
                .arg(
                    Arg::new("format")
                        .long("format")
                        .value_name("FORMAT")
                        .default_value("xlsx"),
                )
                .arg(
                    Arg::new("report-output")
                        .long("output")
                        .value_name("FICHIER")
                        .required(true)
                        .value_parser(value_parser!(std::path::PathBuf)),
                )
                .arg(
                    Arg::new("templates")
                        .long("templates")
                        .value_name("DOSSIER")
                        .env("ENSEMBLE_TEMPLATES")
                        .value_parser(value_parser!(std::path::PathBuf)),
                ),
        )
        .subcommand(
            Command::new("purge")
                .arg(Arg::new("dry-run").long("dry-run").action(ArgAction::SetTrue))
                .arg(
                    Arg::new("today")
                        .long("today")
                        .value_name("AAAA-MM-JJ")
                        .value_parser(value_parser!(chrono::NaiveDate)),
                )
                .arg(json.clone()),
        )
        .subcommand(
            Command::new("retention")
                .subcommand_required(true)
                .subcommand(Command::new("list").arg(json.clone()))
                .subcommand(
                    Command::new("set")
                        .arg(Arg::new("dataset").value_name("DONNÉES").required(true))
                        .arg(Arg::new("purpose").value_name("FINALITÉ").required(true))
                        .arg(
                            Arg::new("months")
                                .value_name("MOIS")
                                .required(true)
                                .value_parser(value_parser!(i64)),
                        ),
                ),
        )
        .subcommand(
            Command::new("publish")
                .args_conflicts_with_subcommands(true)
                .subcommand_negates_reqs(true)
                .arg(
                    Arg::new("publish-output")
                        .long("output")
                        .value_name("DOSSIER")
                        .required(true)
                        .value_parser(value_parser!(std::path::PathBuf)),
                )
                .arg(Arg::new("publish-member").long("member").value_name("CODE"))
                .arg(
                    Arg::new("publish-base")
                        .long("base")
                        .value_name("URL")
                        .default_value("http://127.0.0.1:8080"),
                )
                .subcommand(
                    Command::new("show")
                        .arg(
                            Arg::new("publish-member")
                                .long("member")
                                .value_name("CODE")
                                .required(true),
                        )
                        .arg(Arg::new("publish-show").long("show").value_name("CODE").required(true))
                        .arg(
                            Arg::new("publish-from")
                                .long("from")
                                .value_name("AAAA-MM-JJ")
                                .required_unless_present("publish-withdraw")
                                .conflicts_with("publish-withdraw")
                                .value_parser(value_parser!(chrono::NaiveDate)),
                        )
                        .arg(Arg::new("publish-withdraw").long("withdraw").action(ArgAction::SetTrue)),
                )
                .subcommand(
                    Command::new("people").arg(
                        Arg::new("publish-member")
                            .long("member")
                            .value_name("CODE")
                            .required(true),
                    ),
                )
                .subcommand(
                    Command::new("consent")
                        .arg(
                            Arg::new("publish-member")
                                .long("member")
                                .value_name("CODE")
                                .required(true),
                        )
                        .arg(
                            Arg::new("publish-person")
                                .long("person")
                                .value_name("N")
                                .required(true)
                                .value_parser(value_parser!(i64)),
                        )
                        .arg(
                            Arg::new("publish-consent-withdraw")
                                .long("withdraw")
                                .action(ArgAction::SetTrue),
                        ),
                ),
        )
        .subcommand(
            Command::new("tour").subcommand_required(true).subcommand(
                Command::new("plan")
                    .arg(Arg::new("show").long("show").value_name("CODE").required(true))
                    .arg(
                        Arg::new("tour-from")
                            .long("from")
                            .value_name("AAAA-MM-JJ")
                            .required(true)
                            .value_parser(value_parser!(chrono::NaiveDate)),
                    )
                    .arg(
                        Arg::new("tour-to")
                            .long("to")
                            .value_name("AAAA-MM-JJ")
                            .required(true)
                            .value_parser(value_parser!(chrono::NaiveDate)),
                    )
                    .arg(Arg::new("planner").long("member").value_name("CODE"))
                    .arg(
                        Arg::new("fee")
                            .long("fee")
                            .value_name("DOLLARS")
                            .value_parser(value_parser!(u32)),
                    )
                    .arg(Arg::new("home").long("home").value_name("VILLE"))
                    .arg(
                        Arg::new("matrix")
                            .long("matrix")
                            .value_name("FICHIER")
                            .value_parser(value_parser!(std::path::PathBuf)),
                    )
                    .arg(
                        Arg::new("people")
                            .long("people")
                            .value_name("N")
                            .value_parser(value_parser!(u32))
                            .default_value("4"),
                    )
                    .arg(
                        Arg::new("people-by")
                            .long("people-by")
                            .value_name("MODE")
                            .default_value("van"),
                    )
                    .arg(Arg::new("freight-by").long("freight-by").value_name("MODE"))
                    .arg(
                        Arg::new("km-per-day")
                            .long("km-per-day")
                            .value_name("KM")
                            .value_parser(value_parser!(u32).range(100..=1500)),
                    )
                    .arg(
                        Arg::new("in-a-row")
                            .long("in-a-row")
                            .value_name("N")
                            .value_parser(value_parser!(u32).range(1..=14)),
                    )
                    .arg(
                        Arg::new("scenario")
                            .long("scenario")
                            .value_name("ITINÉRAIRE")
                            .default_value("best-net"),
                    )
                    .arg(
                        Arg::new("ics")
                            .long("ics")
                            .value_name("FICHIER")
                            .value_parser(value_parser!(std::path::PathBuf)),
                    )
                    .arg(
                        Arg::new("csv")
                            .long("csv")
                            .value_name("FICHIER")
                            .value_parser(value_parser!(std::path::PathBuf)),
                    )
                    .arg(json.clone()),
            ),
        )
        .subcommand(
            Command::new("disclosure")
                .subcommand_required(true)
                .subcommand(Command::new("show").arg(json.clone()))
                .subcommand(
                    Command::new("set")
                        .arg(
                            Arg::new("min-people")
                                .long("min-people")
                                .value_name("K")
                                .value_parser(value_parser!(u64)),
                        )
                        .arg(
                            Arg::new("min-members")
                                .long("min-members")
                                .value_name("N")
                                .value_parser(value_parser!(u64)),
                        )
                        .arg(
                            Arg::new("round-to")
                                .long("round-to")
                                .value_name("BASE")
                                .value_parser(value_parser!(u64)),
                        ),
                ),
        )
        .subcommand(
            Command::new("audit")
                .subcommand_required(true)
                .subcommand(
                    Command::new("verify")
                        .arg(Arg::new("head").long("head").value_name("HASH"))
                        .arg(json.clone()),
                )
                .subcommand(
                    Command::new("list")
                        .arg(Arg::new("member").long("member").value_name("CODE"))
                        .arg(
                            Arg::new("limit")
                                .long("limit")
                                .value_name("N")
                                .value_parser(value_parser!(u64))
                                .default_value("50"),
                        )
                        .arg(json.clone()),
                ),
        )
        .subcommand(Command::new("model").subcommand_required(true).subcommand(
            Command::new("docs").arg(Arg::new("output").long("output").value_name("DIR").default_value(".")),
        ))
}

/// `import`, `profiles`, `batches` and `quarantine` (grouped as returned by [`intake_commands`]).
fn intake_commands(json: &Arg) -> Command {
    let member = Arg::new("member").long("member").value_name("CODE").required(true);
    let entries = Arg::new("entries")
        .value_name("N")
        .num_args(1..)
        .value_parser(value_parser!(i64));
    Command::new("import")
        .args_conflicts_with_subcommands(true)
        .subcommand_negates_reqs(true)
        .arg(member.clone())
        .arg(Arg::new("file").value_name("FILE").required(true))
        .arg(
            Arg::new("profile")
                .long("profile")
                .value_name("NAME|auto")
                .default_value("auto"),
        )
        .arg(Arg::new("dry-run").long("dry-run").action(ArgAction::SetTrue))
        .arg(Arg::new("strict").long("strict").action(ArgAction::SetTrue))
        .arg(json.clone())
        .subcommand(Command::new("profiles").arg(json.clone()))
        .subcommand(Command::new("batches").arg(member.clone()).arg(json.clone()))
        .subcommand(
            Command::new("rollback").arg(member.clone()).arg(
                Arg::new("batch")
                    .value_name("N")
                    .required(true)
                    .value_parser(value_parser!(i64)),
            ),
        )
        .subcommand(
            Command::new("quarantine")
                .arg(member.clone())
                .arg(
                    Arg::new("batch")
                        .long("batch")
                        .value_name("N")
                        .value_parser(value_parser!(i64)),
                )
                .arg(Arg::new("all").long("all").action(ArgAction::SetTrue))
                .arg(json.clone()),
        )
        .subcommand(
            Command::new("correct")
                .arg(member.clone())
                .arg(
                    Arg::new("entry")
                        .value_name("N")
                        .required(true)
                        .value_parser(value_parser!(i64)),
                )
                .arg(
                    Arg::new("assignment")
                        .value_name("CHAMP=VALEUR")
                        .required(true)
                        .num_args(1..),
                ),
        )
        .subcommand(Command::new("replay").arg(member.clone()).arg(entries.clone()))
        .subcommand(Command::new("dismiss").arg(member).arg(entries.required(true)))
}

/// Sets every text of a command and its subcommands from the catalogue.
fn translate(command: Command, path: &str, lang: Lang) -> Command {
    let key = if path.is_empty() {
        "cli-about".to_string()
    } else {
        format!("cli-{path}-about")
    };
    let usage = tr(lang, "cli-usage");
    let template = format!("{{about-with-newline}}\n{usage} {{usage}}\n\n{{all-args}}{{after-help}}");
    let mut command = command
        .about(tr(lang, &key))
        .help_template(template)
        .subcommand_help_heading(tr(lang, "cli-heading-commands"))
        .next_help_heading(tr(lang, "cli-heading-options"))
        .disable_help_subcommand(true);
    let ids: Vec<String> = command.get_arguments().map(|arg| arg.get_id().to_string()).collect();
    for id in ids {
        let help = tr(lang, &format!("cli-arg-{id}"));
        // Defaults, allowed values and variables are said in the translated help itself.
        command = command.mut_arg(id.as_str(), |arg| {
            let takes_value = arg.get_action().takes_values();
            let arg = arg.help(help).help_heading(tr(lang, "cli-heading-options"));
            if takes_value {
                arg.hide_default_value(true).hide_possible_values(true).hide_env(true)
            } else {
                arg
            }
        });
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_string())
        .collect();
    for name in names {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}-{name}")
        };
        command = command.mut_subcommand(name.as_str(), |sub| translate(sub, &sub_path, lang));
    }
    command
}

/// The command tree in a language.
pub fn command(lang: Lang) -> Command {
    translate(tree(), "", lang)
}

/// Prints a usage error (or the help or version that clap reports as one) and gives the exit code.
pub fn report_usage_error(lang: Lang, error: clap::Error) -> ExitCode {
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        kind => {
            let key = match kind {
                ErrorKind::InvalidSubcommand => "cli-error-unknown-command",
                ErrorKind::UnknownArgument => "cli-error-unknown-argument",
                ErrorKind::InvalidValue | ErrorKind::ValueValidation => "cli-error-invalid-value",
                ErrorKind::MissingRequiredArgument | ErrorKind::MissingSubcommand => "cli-error-missing",
                _ => "cli-error-usage",
            };
            let detail = error
                .get(clap::error::ContextKind::InvalidArg)
                .or_else(|| error.get(clap::error::ContextKind::InvalidSubcommand))
                .map(ToString::to_string)
                .unwrap_or_default();
            let value = error
                .get(clap::error::ContextKind::InvalidValue)
                .map(ToString::to_string)
                .unwrap_or_default();
            let message = tr_args(
                lang,
                key,
                &[
                    ("argument", MessageArg::from(detail)),
                    ("value", MessageArg::from(value)),
                ],
            );
            eprintln!(
                "{} [{}] {message}",
                tr(lang, "cli-error"),
                key.trim_start_matches("cli-error-")
            );
            eprintln!("{}", tr(lang, "cli-error-see-help"));
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_commands(command: &Command, path: String, out: &mut Vec<(String, Vec<String>)>) {
        let args = command.get_arguments().map(|arg| arg.get_id().to_string()).collect();
        out.push((path.clone(), args));
        for sub in command.get_subcommands() {
            let sub_path = if path.is_empty() {
                sub.get_name().to_string()
            } else {
                format!("{path}-{}", sub.get_name())
            };
            all_commands(sub, sub_path, out);
        }
    }

    #[test]
    fn every_command_and_argument_has_a_text_in_both_languages() {
        let mut commands = Vec::new();
        all_commands(&tree(), String::new(), &mut commands);
        for lang in Lang::ALL {
            let catalog = ensemble_i18n::catalog(lang);
            for (path, args) in &commands {
                let key = if path.is_empty() {
                    "cli-about".to_string()
                } else {
                    format!("cli-{path}-about")
                };
                assert!(catalog.has(&key), "{lang}: missing {key}");
                for arg in args {
                    assert!(catalog.has(&format!("cli-arg-{arg}")), "{lang}: missing cli-arg-{arg}");
                }
            }
        }
        assert!(commands.len() >= 5);
    }

    #[test]
    fn help_is_french_by_default_and_english_on_request() {
        let french = command(Lang::Fr).render_long_help().to_string();
        let english = command(Lang::En).render_long_help().to_string();
        assert!(french.contains("Utilisation"), "{french}");
        assert!(english.contains("Usage"), "{english}");
        assert_ne!(french, english);
        command(Lang::Fr).debug_assert();
    }

    #[test]
    fn language_from_arguments() {
        let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>().into_iter();
        assert_eq!(lang_from_args(args(&["ensemble", "--lang", "en", "stats"])), Lang::En);
        assert_eq!(lang_from_args(args(&["ensemble", "stats", "--lang=fr"])), Lang::Fr);
    }
}
