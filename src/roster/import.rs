//! `yearbook import`: a folder of `First Last.png` scans (plus an optional
//! name list, `name,gender[,known_as,in_memoriam]`) becomes a roster folder
//! the server can serve. A labelled photo is `First Last (1983).png` or
//! `1983/First Last.png`. Who is who comes from [`plan`](super::plan), as
//! in the browser's import.
//!
//! Photos are copied under their content hash, so file names say nothing of
//! the person and re-running on the same folder changes nothing.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use unicode_normalization::UnicodeNormalization;
use unicode_width::UnicodeWidthStr;

use super::csv::name_key;
use super::namelist::{self, NameList};
use super::photos;
use super::plan::{self, How, ImportPlan, PhotoFile, PlannedPerson, PlannedPhoto, Suggestion};

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
    /// Its name and label; `file` is its path inside the scans folder.
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
    let mut scans = list_scans(args, report)?;
    // A second file for one name and label, an unlabelled photo beside
    // labelled ones: each named in the report, as in the browser.
    let (unique, skipped) = plan::sort_out(scans.iter().map(|s| s.photo.clone()).collect());
    for problem in skipped {
        writeln!(report, "{}", problem.message)?;
    }
    let keep: HashSet<usize> = unique.iter().map(|p| p.index).collect();
    scans.retain(|s| keep.contains(&s.photo.index));

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
    // The readable photos, and each one's file in the roster folder.
    let mut readable: Vec<PhotoFile> = Vec::new();
    let mut stored: Vec<String> = Vec::new();
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
        // Indexed by position in `readable` from here on.
        readable.push(PhotoFile {
            index: readable.len(),
            ..scan.photo.clone()
        });
        stored.push(format!("photos/{file}"));
    }
    if readable.is_empty() {
        bail!("no readable photos in {}", args.photo_dir.display());
    }

    let mut plan = plan::plan_photos(&readable, &list, &[]);
    if args.list.is_some() {
        let accepted = if args.accept_suggestions {
            plan.best_suggestions()
        } else {
            Vec::new()
        };
        if !accepted.is_empty() {
            plan = plan::plan_photos(&readable, &list, &accepted);
        }
        report_plan(&plan, &list_label, report)?;
    }

    let out_csv = args.out.join("roster.csv");
    let mut w = csv::Writer::from_path(&out_csv)
        .with_context(|| format!("cannot write {}", out_csv.display()))?;
    let with_labels = readable.iter().any(|p| p.label.is_some());
    let mut header = vec!["name", "gender", "photo", "known_as", "in_memoriam"];
    if with_labels {
        header.push("label");
    }
    w.write_record(&header)?;
    let mut people: Vec<&PlannedPerson> = plan.people.iter().collect();
    people.sort_by_key(|person| name_key(&person.name));
    for person in &people {
        // The list's cells win; a blank keeps what an earlier roster had.
        let files: Vec<&str> = person
            .photos
            .iter()
            .map(|p| stored[p.index].as_str())
            .collect();
        let old = kept.get(&person.name, &files);
        let in_memoriam = match person.in_memoriam {
            Some(true) => "yes".to_string(),
            Some(false) => String::new(),
            None => old.in_memoriam,
        };
        // A person's rows together, their labels in order; the other cells
        // only on their first row (a repeat may leave them empty).
        let mut shots: Vec<&PlannedPhoto> = person.photos.iter().collect();
        shots.sort_by_key(|p| p.label.as_deref().map(name_key));
        for (n, shot) in shots.iter().enumerate() {
            let mut record = if n > 0 {
                vec![person.name.as_str(), "", &stored[shot.index], "", ""]
            } else {
                vec![
                    person.name.as_str(),
                    person.gender.as_deref().unwrap_or(&old.gender),
                    &stored[shot.index],
                    person.known_as.as_deref().unwrap_or(&old.known_as),
                    &in_memoriam,
                ]
            };
            if with_labels {
                record.push(shot.label.as_deref().unwrap_or(""));
            }
            w.write_record(&record)?;
        }
    }
    w.flush()?;
    let photo_count = readable.len();
    let with_photos = if photo_count == people.len() {
        String::new()
    } else {
        format!(" with {photo_count} photos")
    };
    writeln!(
        report,
        "imported {} people{with_photos} into {} ({copied} photos copied, {} already there)",
        people.len(),
        out_csv.display(),
        photo_count - copied
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
        let files = u.files.join(", ");
        // A pair already shown beside its list name is not shown again.
        let fresh: Vec<Suggestion> = u
            .suggestions
            .iter()
            .filter(|s| !shown.contains(&(s.list_line, s.person)))
            .cloned()
            .collect();
        if fresh.is_empty() {
            writeln!(report, "photo but not in the list: {files}")?;
        } else {
            let names = options(&fresh, |s| &s.list_name);
            writeln!(report, "photo but not in the list: {files}  <->  {names}")?;
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

/// `First Last (1983)` is `First Last` labelled `1983`: a last bracket
/// that starts with a digit is a label (a nickname in brackets is not).
/// The one reading of a photo's file name (import, the name-list plan,
/// uploads): the name is empty when the file names nobody, being only a
/// label or only dashes, dots and other marks (`(1983)`, `--`).
pub fn name_and_label(stem: &str) -> (String, Option<String>) {
    let stem = clean_name(stem);
    let (name, label) = if let Some(open) = stem.rfind('(')
        && let Some(inside) = stem[open + 1..].strip_suffix(')')
        && inside.trim().starts_with(|c: char| c.is_ascii_digit())
    {
        (clean_name(&stem[..open]), Some(clean_name(inside)))
    } else {
        (stem.clone(), None)
    };
    // What folds to nothing would match any other such name.
    if super::matching::fold(&name).is_empty() {
        return (String::new(), label);
    }
    (name, label)
}

/// The scans of the folder and of its label subfolders (`1983/…`), sorted,
/// each named by its path inside the folder; what is not a photo is named
/// in the report.
fn list_scans(args: &ImportArgs, report: &mut impl Write) -> anyhow::Result<Vec<Scan>> {
    let read = |dir: &Path| -> anyhow::Result<Vec<PathBuf>> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read the folder {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        Ok(entries)
    };
    let mut files: Vec<(PathBuf, Option<String>)> = Vec::new();
    for path in read(&args.photo_dir)? {
        if path.is_file() {
            files.push((path, None));
            continue;
        }
        let folder = path
            .file_name()
            .map(|f| clean_name(&f.to_string_lossy()))
            .unwrap_or_default();
        // Hidden folders, and the roster being written, are not labels.
        if !path.is_dir() || folder.is_empty() || folder.starts_with('.') || path == args.out {
            continue;
        }
        if folder.chars().count() > super::csv::MAX_LABEL_CHARS {
            writeln!(
                report,
                "skipped the folder '{folder}': a label is at most {} characters",
                super::csv::MAX_LABEL_CHARS
            )?;
            continue;
        }
        for inner in read(&path)? {
            if inner.is_file() {
                files.push((inner, Some(folder.clone())));
            }
        }
    }
    let mut scans = Vec::new();
    for (path, folder_label) in files {
        if args.list.as_deref() == Some(path.as_path()) {
            continue;
        }
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let file = path
            .strip_prefix(&args.photo_dir)
            .unwrap_or(&path)
            .to_string_lossy()
            .to_string();
        if !plan::is_image_ext(&ext) {
            writeln!(report, "{}", plan::not_a_photo(&file, &ext))?;
            continue;
        }
        let (name, label) = name_and_label(
            &path
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default(),
        );
        if let Some(message) = plan::too_long(&file, &name, label.as_deref()) {
            writeln!(report, "{message}")?;
            continue;
        }
        // The file's own label wins over its folder's.
        let label = label.or(folder_label);
        scans.push(Scan {
            photo: PhotoFile {
                index: scans.len(),
                file,
                name,
                label,
            },
            path,
        });
    }
    Ok(scans)
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
/// by name, and the name of each photo's row (so a name changed by an
/// accepted suggestion keeps its cells through its photos, whose file
/// names are their content's hash).
#[derive(Debug, Default)]
struct KeptRows {
    by_name: HashMap<String, Kept>,
    name_of_photo: HashMap<String, String>,
}

impl KeptRows {
    fn get(&self, name: &str, photos: &[&str]) -> Kept {
        std::iter::once(name_key(name))
            .chain(
                photos
                    .iter()
                    .filter_map(|p| self.name_of_photo.get(*p).cloned()),
            )
            .find_map(|key| self.by_name.get(&key))
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
        let key = name_key(&get(&r, "name"));
        kept.name_of_photo.insert(get(&r, "photo"), key.clone());
        // A person's repeated rows (other photos) may leave these empty.
        let entry = kept.by_name.entry(key).or_default();
        for (field, column) in [
            (&mut entry.gender, "gender"),
            (&mut entry.known_as, "known_as"),
            (&mut entry.in_memoriam, "in_memoriam"),
        ] {
            if field.is_empty() {
                *field = get(&r, column);
            }
        }
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

    #[test]
    fn a_digit_in_the_last_brackets_is_a_label() {
        let got = |stem| name_and_label(stem);
        assert_eq!(
            got("Ann Lee (1983)"),
            ("Ann Lee".into(), Some("1983".into()))
        );
        assert_eq!(
            got(" Ann Lee ( 25th reunion ) "),
            ("Ann Lee".into(), Some("25th reunion".into()))
        );
        assert_eq!(
            got("Robert (Bob) Smith"),
            ("Robert (Bob) Smith".into(), None)
        );
        assert_eq!(got("Smith (Bob)"), ("Smith (Bob)".into(), None));
        assert_eq!(
            got("(1983)"),
            ("".into(), Some("1983".into())),
            "only a label"
        );
        assert_eq!(got("-- "), ("".into(), None), "only marks");
        assert_eq!(got("... (1983)"), ("".into(), Some("1983".into())));
    }
}
