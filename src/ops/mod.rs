//! One function per command: load the model, plan, hand the plan to the executor.
pub mod breaking;
pub mod bump;
pub mod docs_rs;
pub mod init;
pub mod notes;
pub mod publish;
pub mod published;
pub mod spots;
pub mod status;
pub mod sync;
pub mod verify;
pub mod yank;

use crate::cli::{Cli, Command};
use crate::error::Exit;
use crate::shell::Shell;

/// Runs the command and returns how it ended (errors are returned, not printed).
pub fn dispatch(cli: &Cli, shell: &Shell) -> anyhow::Result<Exit> {
    match &cli.command {
        Command::Status(args) => status::run(&cli.global, args, shell),
        Command::Sync(args) => sync::run(&cli.global, args, shell),
        Command::Bump(args) => bump::run(&cli.global, args, shell),
        Command::Verify(args) => verify::run(&cli.global, args, shell),
        Command::Publish(args) => publish::run(&cli.global, args, shell),
        Command::Yank(args) => yank::run(&cli.global, args, shell),
        Command::Notes(args) => notes::run(&cli.global, args, shell),
        Command::Init(args) => init::run(&cli.global, args, shell),
    }
}

/// The tag a GitHub Actions run was started from (`$GITHUB_REF_NAME` when
/// `$GITHUB_REF_TYPE` is `tag`).
pub fn ci_tag() -> Option<String> {
    (std::env::var("GITHUB_REF_TYPE").as_deref() == Ok("tag"))
        .then(|| std::env::var("GITHUB_REF_NAME").ok())
        .flatten()
}

/// Today's date in UTC, from the system clock (days since the epoch to a
/// proleptic Gregorian date, after Howard Hinnant's `civil_from_days`).
pub fn today_utc() -> String {
    let (y, m, d) = civil_from_days(unix_now() / 86_400);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Seconds since the epoch, from the system clock.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}
