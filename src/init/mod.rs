//! `credgate init`: a first run that writes `credgate.toml` from what a scan finds. The scan and
//! the file are the edges; what goes into the file is [`render::render`], a pure function of the
//! inventory. An existing file is never overwritten without `--force` (exit 2, file untouched).

pub mod render;

use crate::cli::InitArgs;
use crate::config::{Config, DEFAULT_FILE};
use crate::scan::{self, ScanRequest};
use crate::walk::WalkOptions;
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where the file goes: a path, or standard output (`-o -`, to look before writing).
enum Target {
    File(PathBuf),
    Stdout,
}

/// Runs `credgate init`: refuses an existing file without `--force` before scanning, builds the
/// tree's inventory offline with the built-in defaults (an existing `credgate.toml` is not read:
/// it is what is being replaced), renders and writes the file, and says what it suggests.
pub fn run(args: &InitArgs) -> Result<i32> {
    let root = args.path.as_deref().unwrap_or_else(|| Path::new("."));
    if !root.is_dir() {
        bail!("not a folder: {}", root.display());
    }
    let target = match &args.output {
        Some(path) if path.as_os_str() == "-" => Target::Stdout,
        Some(path) => Target::File(path.clone()),
        None => Target::File(root.join(DEFAULT_FILE)),
    };
    if let Target::File(path) = &target {
        if path.exists() && !args.force {
            bail!(refusal(path));
        }
    }
    // The inventory is all the file is rendered from: the secret rules and the checks are
    // `credgate scan`'s, which the file tells the reader to run next.
    let scanned = scan::inventory(&request(root), &Config::default())?;
    let github_workflows = github_workflows(root);
    let (text, counts) = render::render(&render::Input {
        inventory: &scanned.inventory,
        names: &scanned.names,
        environments: &scanned.environments(),
        github_workflows: &github_workflows,
        azure_pipelines: &scanned.pipeline_paths,
    });
    let shown = match &target {
        Target::Stdout => {
            crate::app::write_stdout(&text)?;
            "the suggestion to standard output".to_string()
        }
        Target::File(path) => {
            write(path, &text, args.force)?;
            path.display().to_string()
        }
    };
    if !args.quiet {
        eprintln!(
            "credgate: wrote {shown}: {} environment(s), {} id(s) and {} variable name(s) to \
             confirm, {} shared app(s) to decide; review the commented lines, then run \
             `credgate scan`",
            counts.environments, counts.ids, counts.variables, counts.shared_apps
        );
    }
    Ok(crate::app::EXIT_OK)
}

/// The message for a file that is there already.
fn refusal(path: &Path) -> String {
    format!(
        "{} exists; it was left as it is. `credgate init --force` replaces it, `-o FILE` writes \
         elsewhere, `-o -` prints the suggestion",
        path.display()
    )
}

/// Writes the file: with `--force` over whatever is there, else only if it does not exist yet
/// (checked again at creation, so a file that appeared meanwhile is never replaced).
fn write(path: &Path, text: &str, force: bool) -> Result<()> {
    crate::app::create_parent(path)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = match options.open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(refusal(path)),
        Err(e) => return Err(e).with_context(|| format!("cannot write {}", path.display())),
    };
    file.write_all(text.as_bytes())
        .and_then(|_| file.flush())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// What `init` reads: the whole tree, no history, no process variables.
fn request(root: &Path) -> ScanRequest {
    ScanRequest {
        root: root.to_path_buf(),
        root_display: scan::display_root(root),
        staged: false,
        walk: WalkOptions {
            max_file_size: crate::cli::DEFAULT_MAX_FILE_SIZE,
            threads: 0,
            extra_ignores: Vec::new(),
        },
        environments: Vec::new(),
        variables: Vec::new(),
        plain_credentials: false,
        history: None,
    }
}

/// The GitHub workflow files at the root, relative and sorted (an unreadable folder is none).
fn github_workflows(root: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root.join(".github/workflows")) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yml") || n.ends_with(".yaml"))
        .map(|n| format!(".github/workflows/{n}"))
        .collect();
    out.sort();
    out
}
