//! `yearbook import`: a folder of `First Last.png` scans (plus an optional
//! name list, `name,gender[,known_as,in_memoriam]`) becomes a roster folder
//! the server can serve. Who is who comes from [`plan`](super::plan), as in
//! the browser's import.
//!
//! Photos are copied under their content hash, so file names say nothing of
//! the person and re-running on the same folder changes nothing.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use unicode_normalization::UnicodeNormalization;

use unicode_width::UnicodeWidthStr;

use super::csv::name_key;
use super::namelist::{self, NameList};
use super::photos;
use super::plan::{self, How, ImportPlan, PhotoFile, PlannedPerson, Suggestion};

/// What the organiser asked for.
#[derive(Debug, Clone)]
pub struct ImportArgs {
    pub photo_dir: PathBuf,
    pub out: PathBuf,
    /// The name list (`--list`, once `--genders`).
    pub list: Option<PathBuf>,
    /// Take the best suggestion for each name left unmatched.
    pub accept_suggestions: bool,
}

/// A scan found in the folder.
#[derive(Debug)]
struct Scan {
    photo: PhotoFile,
    path: PathBuf,
}

/// What the organiser typed by hand in an earlier roster: kept on re-import.
#[derive(Debug, Default, Clone)]
struct Kept {
    gender: String,
    known_as: String,
    in_memoriam: String,
}

/// The name as a person would compare it: NFC, trimmed.
pub fn clean_name(stem: &str) -> String {
    stem.nfc().collect::<String>().trim().to_string()
}

/// Runs the import, writing a report of what it did to `out`.
pub fn run(args: &ImportArgs, report: &mut impl Write) -> anyhow::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&args.photo_dir)
        .with_context(|| format!("cannot read the folder {}", args.photo_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| args.list.as_deref() != Some(p.as_path()))
        .collect();
    entries.sort();
    let files: Vec<String> = entries
        .iter()
        .map(|p| p.file_name().unwrap_or_default().to_string_lossy().into())
        .collect();
    let (found, skipped) = plan::photo_files(&files);
    for problem in skipped {
        writeln!(report, "{}", problem.message)?;
    }
    let scans: Vec<Scan> = found
        .into_iter()
        .map(|photo| Scan {
            path: entries[photo.index].clone(),
            photo,
        })
        .collect();

    let photos_dir = args.out.join("photos");
    std::fs::create_dir_all(&photos_dir)
        .with_context(|| format!("cannot create {}", photos_dir.display()))?;

    let bar = ProgressBar::new(scans.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let checked = check_all(&scans, &bar);
    bar.finish_and_clear();

    let kept = read_kept(&args.out.join("roster.csv"));
    let (list, list_label) = match &args.list {
        Some(path) => (read_list(path)?, path.display().to_string()),
        None => (NameList::default(), String::new()),
    };
    let mut readable = Vec::new();
    let mut copied = 0;
    for (scan, result) in scans.iter().zip(checked) {
        let bytes = match result {
            Ok(bytes) => bytes,
            Err(e) => {
                writeln!(report, "skipped '{}': the photo {e}", scan.path.display())?;
                continue;
            }
        };
        let ext = match scan.photo.file.rsplit_once('.') {
            Some((_, ext)) if ext.eq_ignore_ascii_case("png") => "png",
            _ => "jpg",
        };
        let file = format!("{}.{ext}", photos::photo_id(&bytes));
        let target = photos_dir.join(&file);
        if !target.exists() {
            std::fs::write(&target, &bytes)
                .with_context(|| format!("cannot write {}", target.display()))?;
            copied += 1;
        }
        readable.push((scan.photo.clone(), format!("photos/{file}")));
    }
    if readable.is_empty() {
        bail!("no readable photos in {}", args.photo_dir.display());
    }

    let photo_list: Vec<PhotoFile> = readable.iter().map(|(p, _)| p.clone()).collect();
    let mut plan = plan::plan_photos(&photo_list, &list, &[]);
    if args.list.is_some() {
        let accepted = if args.accept_suggestions {
            plan.best_suggestions()
        } else {
            Vec::new()
        };
        if !accepted.is_empty() {
            plan = plan::plan_photos(&photo_list, &list, &accepted);
        }
        report_plan(&plan, &list_label, report)?;
    }

    let out_csv = args.out.join("roster.csv");
    let mut w = csv::Writer::from_path(&out_csv)
        .with_context(|| format!("cannot write {}", out_csv.display()))?;
    w.write_record(["name", "gender", "photo", "known_as", "in_memoriam"])?;
    let mut rows: Vec<(&PlannedPerson, &str)> = plan
        .people
        .iter()
        .zip(&readable)
        .map(|(person, (_, photo))| (person, photo.as_str()))
        .collect();
    rows.sort_by_key(|(person, _)| name_key(&person.name));
    for (person, photo) in &rows {
        // The list's cells win; a blank keeps what an earlier roster had.
        let old = kept.get(&person.name, photo);
        let in_memoriam = match person.in_memoriam {
            Some(true) => "yes".to_string(),
            Some(false) => String::new(),
            None => old.in_memoriam,
        };
        w.write_record([
            person.name.as_str(),
            person.gender.as_deref().unwrap_or(&old.gender),
            photo,
            person.known_as.as_deref().unwrap_or(&old.known_as),
            &in_memoriam,
        ])?;
    }
    w.flush()?;
    writeln!(
        report,
        "imported {} people into {} ({copied} photos copied, {} already there)",
        rows.len(),
        out_csv.display(),
        rows.len() - copied
    )?;
    writeln!(report, "next: yearbook check {}", out_csv.display())?;
    Ok(())
}

/// The list's problems, the suggestions taken, and what is left on either
/// side, each unmatched list name beside the photos it might be.
fn report_plan(plan: &ImportPlan, list_label: &str, report: &mut impl Write) -> anyhow::Result<()> {
    for problem in &plan.problems {
        writeln!(report, "{}", problem.render(list_label))?;
    }
    for m in plan.matched.iter().filter(|m| m.how == How::Accepted) {
        writeln!(
            report,
            "took the suggestion: {}  <->  {}",
            m.list_name, m.file
        )?;
    }
    let options = |suggestions: &[Suggestion], side: fn(&Suggestion) -> &str| {
        suggestions
            .iter()
            .map(|s| format!("{}? ({} alike)", side(s), s.percent()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let width = plan
        .unmatched_list
        .iter()
        .filter(|u| !u.suggestions.is_empty())
        .map(|u| u.name.width())
        .max()
        .unwrap_or(0);
    let mut shown = Vec::new();
    for u in &plan.unmatched_list {
        if u.suggestions.is_empty() {
            writeln!(report, "in the list but no photo: {}", u.name)?;
        } else {
            let pad = " ".repeat(width - u.name.width());
            let files = options(&u.suggestions, |s| &s.file);
            writeln!(
                report,
                "in the list but no photo: {}{pad}  <->  {files}",
                u.name
            )?;
            shown.extend(u.suggestions.iter().map(|s| (s.list_line, s.person)));
        }
    }
    for u in &plan.unmatched_files {
        // A pair already shown beside its list name is not shown again.
        let fresh: Vec<Suggestion> = u
            .suggestions
            .iter()
            .filter(|s| !shown.contains(&(s.list_line, s.person)))
            .cloned()
            .collect();
        if fresh.is_empty() {
            writeln!(report, "photo but not in the list: {}", u.file)?;
        } else {
            let names = options(&fresh, |s| &s.list_name);
            writeln!(
                report,
                "photo but not in the list: {}  <->  {names}",
                u.file
            )?;
        }
    }
    if !plan.suggestions.is_empty() {
        writeln!(
            report,
            "the names with '<->' are close but not the same, so none was taken: \
             fix the spelling on one side, or run again with --accept-suggestions \
             to take the first suggestion of each"
        )?;
    }
    Ok(())
}

/// Reads and decodes every scan (in parallel: decoding is the slow part).
fn check_all(scans: &[Scan], bar: &ProgressBar) -> Vec<Result<Vec<u8>, String>> {
    super::par_map(scans, |scan| {
        let result = std::fs::read(&scan.path)
            .map_err(|e| format!("cannot be read: {e}"))
            .and_then(|bytes| {
                photos::decode(&bytes)
                    .map(|_| bytes)
                    .map_err(|e| e.to_string())
            });
        bar.inc(1);
        result
    })
}

/// The name list, as a spreadsheet saved it.
fn read_list(path: &Path) -> anyhow::Result<NameList> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(namelist::parse(&bytes))
}

/// The organiser's own columns from an earlier roster in the same place,
/// by name and by photo (a name changed by an accepted suggestion keeps
/// its row through its photo, whose file name is its content's hash).
#[derive(Debug, Default)]
struct KeptRows {
    by_name: HashMap<String, Kept>,
    by_photo: HashMap<String, Kept>,
}

impl KeptRows {
    fn get(&self, name: &str, photo: &str) -> Kept {
        self.by_name
            .get(&name_key(name))
            .or_else(|| self.by_photo.get(photo))
            .cloned()
            .unwrap_or_default()
    }
}

fn read_kept(path: &Path) -> KeptRows {
    let mut kept = KeptRows::default();
    let Ok(mut rdr) = csv::Reader::from_path(path) else {
        return kept;
    };
    let Ok(headers) = rdr.headers().cloned() else {
        return kept;
    };
    let find = |want: &str| headers.iter().position(|h| h.trim() == want);
    let get = |r: &csv::StringRecord, col: &str| {
        find(col)
            .and_then(|c| r.get(c))
            .unwrap_or("")
            .trim()
            .to_string()
    };
    for r in rdr.records().filter_map(Result::ok) {
        let row = Kept {
            gender: get(&r, "gender"),
            known_as: get(&r, "known_as"),
            in_memoriam: get(&r, "in_memoriam"),
        };
        kept.by_photo.insert(get(&r, "photo"), row.clone());
        kept.by_name.insert(name_key(&get(&r, "name")), row);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_nfc_and_trimmed() {
        // "Zoë" written with a combining diaeresis.
        assert_eq!(clean_name(" Zoe\u{308} Smith "), "Zo\u{eb} Smith");
    }
}
