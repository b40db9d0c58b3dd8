//! The command line (PROTOCOL §1): one clap struct per command, flags with
//! environment fallbacks.

use std::path::PathBuf;

use clap::builder::BoolishValueParser;
use clap::{ArgAction, Args, Parser, Subcommand};

use crate::http::throttle::TrustedProxies;
use crate::solo::SoloMode;

#[derive(Debug, Parser)]
#[command(
    name = "yearbook",
    version,
    about = "The yearbook party game: match classmates' names to their photos."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the game server (the default).
    Serve(ServeArgs),
    /// Turn a folder of `First Last.png` scans into a roster folder.
    Import {
        /// Folder with one photo per person, named after them.
        photo_dir: PathBuf,
        /// Where to write `roster.csv` and `photos/`.
        #[arg(long)]
        out: PathBuf,
        /// A name list, `name,gender[,known_as,in_memoriam]`, to merge by
        /// name (`--genders` is its older name).
        #[arg(long = "list", visible_alias = "genders", value_name = "CSV")]
        list: Option<PathBuf>,
        /// Take the closest suggestion for each name the list and the
        /// photos do not share (they are only listed otherwise).
        #[arg(long)]
        accept_suggestions: bool,
    },
    /// Find the portraits on scanned yearbook class pages and read the
    /// name under each (with tesseract), writing a roster folder.
    Pages {
        /// The page images (PNG or JPEG), or one folder of them per book
        /// (senior/ junior/): a person in several books becomes one person
        /// with a photo labelled by each folder's name.
        #[arg(required = true)]
        pages: Vec<PathBuf>,
        /// The folder to write; made if missing, refused unless empty.
        #[arg(long)]
        out: PathBuf,
    },
    /// Validate a roster CSV without serving it.
    Check {
        /// The roster CSV (or its folder, holding roster.csv); photo paths
        /// are relative to its folder.
        roster: PathBuf,
    },
    /// Write an event as a roster folder (roster.csv + photos/) that
    /// `check` accepts and `serve --roster` plays.
    Export {
        /// The event: its id or its exact title.
        event: String,
        /// The server's database file (its --db); only read.
        #[arg(long, env = "YEARBOOK_DB", default_value = "yearbook.db")]
        db: PathBuf,
        /// The folder to write; made if missing, refused unless empty.
        #[arg(long)]
        out: PathBuf,
    },
    /// Copy the database, safely while the server runs, into a new file.
    Backup {
        /// The server's database file (its --db).
        #[arg(long, env = "YEARBOOK_DB", default_value = "yearbook.db")]
        db: PathBuf,
        /// The copy to make; refused if the file exists.
        #[arg(long)]
        out: PathBuf,
    },
    /// Moved: the load generator is its own binary, `yearbook-loadgen`.
    #[command(hide = true, disable_help_flag = true)]
    Loadgen {
        /// Whatever followed, ignored: only the pointer is printed.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "YEARBOOK_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Roster CSV (or the folder holding its roster.csv) to serve instead
    /// of the bundled demo class.
    #[arg(long, env = "YEARBOOK_ROSTER")]
    pub roster: Option<PathBuf>,
    /// Database file.
    #[arg(long, env = "YEARBOOK_DB", default_value = "yearbook.db")]
    pub db: PathBuf,
    /// Serve everything under this path prefix (behind a reverse proxy).
    #[arg(long, env = "YEARBOOK_BASE_PATH", default_value = "/")]
    pub base_path: String,
    /// Require this password (as a Bearer token) to create rooms.
    #[arg(long, env = "YEARBOOK_HOST_PASSWORD")]
    pub host_password: Option<String>,
    /// The organiser's password for /organise (without it only a server
    /// listening on loopback opens it, to the local user).
    #[arg(long, env = "YEARBOOK_ADMIN_PASSWORD")]
    pub admin_password: Option<String>,
    /// The URL people reach this server at (QR code and join links use it).
    #[arg(long, env = "YEARBOOK_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Require this code once per browser for pages and photos.
    #[arg(long, env = "YEARBOOK_EVENT_CODE")]
    pub event_code: Option<String>,
    /// Most players in one room.
    #[arg(long, env = "YEARBOOK_MAX_PLAYERS", default_value_t = 5000)]
    pub max_players: usize,
    /// Believe X-Forwarded-* headers (only behind a proxy you run).
    #[arg(long, env = "YEARBOOK_TRUST_PROXY", action = ArgAction::SetTrue, value_parser = BoolishValueParser::new())]
    pub trust_proxy: bool,
    /// The proxies to believe, `ADDR[,ADDR|CIDR...]` (implies
    /// --trust-proxy); with --trust-proxy alone, 127.0.0.0/8 and ::1.
    #[arg(long, env = "YEARBOOK_TRUSTED_PROXY", value_parser = parse_trusted_proxies)]
    pub trusted_proxy: Option<TrustedProxies>,
    /// Days a game is kept after its last activity (0: for ever).
    #[arg(long, env = "YEARBOOK_KEEP_DAYS", default_value_t = 30)]
    pub keep_days: u32,
    /// Serve photos as scanned, without the automatic contrast stretch.
    #[arg(long, env = "YEARBOOK_NO_ENHANCE", action = ArgAction::SetTrue, value_parser = BoolishValueParser::new())]
    pub no_enhance: bool,
    /// Test knob, not for organisers: the server's clock stands still and
    /// moves only by `skip MS` lines on stdin (timeouts tested, not waited).
    #[arg(long, hide = true)]
    pub test_clock: bool,
    /// Keep the database under this many MiB: past it the game behaves as
    /// on a full disk (for tests, or to keep a shared disk from filling).
    #[arg(long, env = "YEARBOOK_DB_MAX_MB", value_parser = clap::value_parser!(u64).range(1..))]
    pub db_max_mb: Option<u64>,
    /// Solo play: `on`, `off`, or `idle` (closed while any room has a
    /// question open, so nobody looks answers up in solo mid-game).
    #[arg(long, env = "YEARBOOK_SOLO", value_enum, default_value_t = SoloMode::On)]
    pub solo: SoloMode,
    /// Then & now for the built-in class: guests say who they are and add
    /// a photo of today (`on`, `off`). Events have their own setting.
    #[arg(long, env = "YEARBOOK_THEN_NOW", value_name = "on|off", default_value = "on",
          action = ArgAction::Set, value_parser = BoolishValueParser::new())]
    pub then_now: bool,
    /// Days the built-in class's guests' photos of today are kept at most
    /// (1 to 365). Events have their own setting.
    #[arg(long, env = "YEARBOOK_TODAY_KEEP_DAYS", value_name = "N", default_value_t = crate::thennow::TODAY_KEEP_DAYS,
          value_parser = clap::value_parser!(u32).range(1..=365))]
    pub today_keep_days: u32,
}

impl Default for ServeArgs {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:0".into(),
            roster: None,
            db: "yearbook.db".into(),
            base_path: "/".into(),
            host_password: None,
            admin_password: None,
            public_url: None,
            event_code: None,
            max_players: 5000,
            trust_proxy: false,
            trusted_proxy: None,
            keep_days: 30,
            no_enhance: false,
            test_clock: false,
            db_max_mb: None,
            solo: SoloMode::On,
            then_now: true,
            today_keep_days: crate::thennow::TODAY_KEEP_DAYS,
        }
    }
}

fn parse_trusted_proxies(list: &str) -> Result<TrustedProxies, String> {
    let parsed = TrustedProxies::parse(list)?;
    if parsed.is_empty() {
        return Err("name at least one address or network".into());
    }
    Ok(parsed)
}

impl ServeArgs {
    /// Whose `X-Forwarded-*` to believe: the named proxies, or with
    /// `--trust-proxy` alone a proxy on this machine, or nobody.
    pub fn trusted_proxies(&self) -> TrustedProxies {
        match (&self.trusted_proxy, self.trust_proxy) {
            (Some(named), _) => named.clone(),
            (None, true) => TrustedProxies::loopback(),
            (None, false) => TrustedProxies::default(),
        }
    }

    /// `--then-now` and `--today-keep-days`: the built-in class's.
    pub fn then_now(&self) -> crate::thennow::EventSettings {
        crate::thennow::EventSettings {
            on: self.then_now,
            keep_days: self.today_keep_days,
        }
    }

    /// `--keep-days` as a duration; `None` (0 days): keep for ever.
    pub fn keep(&self) -> Option<std::time::Duration> {
        (self.keep_days > 0)
            .then(|| std::time::Duration::from_secs(u64::from(self.keep_days) * 24 * 60 * 60))
    }
}

/// `/`, `` → ``; `/reunion/1984/` → `/reunion/1984`. Refuses anything that
/// is not a plain path.
pub fn normalize_base_path(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim().trim_end_matches('/');
    if trimmed.is_empty() {
        return Ok(String::new());
    }
    let ok = trimmed.starts_with('/')
        && trimmed.split('/').skip(1).all(|seg| {
            !seg.is_empty()
                && seg != "."
                && seg != ".."
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
        });
    if ok {
        Ok(trimmed.to_string())
    } else {
        Err(format!(
            "--base-path '{raw}' must look like /reunion/1984 (letters, digits, - . _ ~)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths_are_normalised() {
        assert_eq!(normalize_base_path("/").unwrap(), "");
        assert_eq!(normalize_base_path("").unwrap(), "");
        assert_eq!(
            normalize_base_path("/reunion/1984/").unwrap(),
            "/reunion/1984"
        );
        assert!(normalize_base_path("reunion").is_err());
        assert!(normalize_base_path("/a/../b").is_err());
        assert!(normalize_base_path("/a b").is_err());
    }
}

/// `yearbook` with no command: `serve` with its flags taken from the environment.
#[derive(Debug, Parser)]
struct ServeOnly {
    #[command(flatten)]
    args: ServeArgs,
}

impl ServeArgs {
    pub fn from_env() -> Self {
        ServeOnly::parse_from(["yearbook"]).args
    }
}
