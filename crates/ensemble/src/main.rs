//! `ensemble`: the command-line program. Glue only: it parses arguments, calls the library
//! crates and prints their results in French or English.

/// Prints a line on standard output; when the reader has gone (`ensemble … | head`), stops quietly
/// instead of failing on the broken pipe.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(error) = writeln!(std::io::stdout().lock(), $($arg)*)
            && error.kind() == std::io::ErrorKind::BrokenPipe
        {
            std::process::exit(0);
        }
    }};
}

mod cli;
mod commands;
mod intake;
mod output;
mod people;
mod pooled;
mod publish;
mod referential;
mod touring;

use std::process::ExitCode;

fn main() -> ExitCode {
    let lang = cli::lang_from_args(std::env::args());
    let matches = match cli::command(lang).try_get_matches() {
        Ok(matches) => matches,
        Err(error) => return cli::report_usage_error(lang, error),
    };
    output::init_log(&matches);
    match commands::run(lang, &matches) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => output::report_error(lang, &error),
    }
}
