//! `yearbook import`: a folder of `First Last.png` scans (plus an optional
//! `name,gender` list) becomes a roster folder the server can serve. A
//! labelled photo is `First Last (1983).png` or `1983/First Last.png`.
//!
//! Photos are copied under their content hash, so file names say nothing of
//! the person and re-running on the same folder changes nothing.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::csv::name_key;
use super::photos;

/// What the organiser asked for.
#[derive(Debug, Clone)]
pub struct ImportArgs {
    pub photo_dir: PathBuf,
    pub out: PathBuf,
    pub genders: Option<PathBuf>,
}

/// A scan found in the folder.
#[derive(Debug)]
struct Scan {
    name: String,
    /// From `(1983)` at the end of the name, or the subfolder it is in.
    label: Option<String>,
    path: PathBuf,
    ext: String,
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

/// Accent-insensitive key: `Zoë` and `Zoe` meet here.
fn loose_key(name: &str) -> String {
    name_key(name)
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect()
}

fn is_image_ext(ext: &str) -> bool {
    matches!(ext, "png" | "jpg" | "jpeg")
}

/// Runs the import, writing a report of what it did to `out`.
pub fn run(args: &ImportArgs, report: &mut impl Write) -> anyhow::Result<()> {
    let scans = list_scans(args, report)?;

    // Two files for one person and label (Ann.png and Ann.jpg) is a
    // mistake to show; so is an unlabelled photo of someone with labelled ones.
    let mut by_key: HashMap<(String, Option<String>), usize> = HashMap::new();
    let mut unique: Vec<Scan> = Vec::new();
    for scan in scans {
        let key = (name_key(&scan.name), scan.label.as_deref().map(name_key));
        match by_key.get(&key) {
            Some(&i) => {
                let first: &Scan = &unique[i];
                writeln!(
                    report,
                    "skipped '{}': same name{} as '{}'",
                    scan.path.display(),
                    if scan.label.is_some() {
                        " and label"
                    } else {
                        ""
                    },
                    first.path.display()
                )?;
            }
            None => {
                by_key.insert(key, unique.len());
                unique.push(scan);
            }
        }
    }
    let labelled: std::collections::HashSet<String> = unique
        .iter()
        .filter(|s| s.label.is_some())
        .map(|s| name_key(&s.name))
        .collect();
    unique.retain(|scan| {
        let keep = scan.label.is_some() || !labelled.contains(&name_key(&scan.name));
        if !keep {
            let _ = writeln!(
                report,
                "skipped '{}': {} has labelled photos too; name it '{} (1986).{}' or put it in a label folder",
                scan.path.display(),
                scan.name,
                scan.name,
                scan.ext
            );
        }
        keep
    });

    let photos_dir = args.out.join("photos");
    std::fs::create_dir_all(&photos_dir)
        .with_context(|| format!("cannot create {}", photos_dir.display()))?;

    let bar = ProgressBar::new(unique.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let checked = check_all(&unique, &bar);
    bar.finish_and_clear();

    let kept = read_kept(&args.out.join("roster.csv"));
    let genders = match &args.genders {
        Some(path) => read_genders(path)?,
        None => Vec::new(),
    };
    let mut rows = Vec::new();
    let mut copied = 0;
    for (scan, result) in unique.iter().zip(checked) {
        let bytes = match result {
            Ok(bytes) => bytes,
            Err(e) => {
                writeln!(report, "skipped '{}': the photo {e}", scan.path.display())?;
                continue;
            }
        };
        let ext = if scan.ext == "jpeg" { "jpg" } else { &scan.ext };
        let file = format!("{}.{ext}", photos::photo_id(&bytes));
        let target = photos_dir.join(&file);
        if !target.exists() {
            std::fs::write(&target, &bytes)
                .with_context(|| format!("cannot write {}", target.display()))?;
            copied += 1;
        }
        rows.push((
            scan.name.clone(),
            format!("photos/{file}"),
            scan.label.clone(),
        ));
    }
    if rows.is_empty() {
        bail!("no readable photos in {}", args.photo_dir.display());
    }

    // One entry per person for the gender list, however many photos.
    let mut people: Vec<(String, String)> = Vec::new();
    for (name, photo, _) in &rows {
        if !people.iter().any(|(n, _)| name_key(n) == name_key(name)) {
            people.push((name.clone(), photo.clone()));
        }
    }
    let assigned = merge_genders(&people, &genders, report)?;
    let out_csv = args.out.join("roster.csv");
    let mut w = csv::Writer::from_path(&out_csv)
        .with_context(|| format!("cannot write {}", out_csv.display()))?;
    let with_labels = rows.iter().any(|(_, _, label)| label.is_some());
    let mut header = vec!["name", "gender", "photo", "known_as", "in_memoriam"];
    if with_labels {
        header.push("label");
    }
    w.write_record(&header)?;
    // A person's rows together, their labels in order; the other cells
    // only on their first row (a repeat may leave them empty).
    rows.sort_by_key(|(name, _, label)| (name_key(name), label.as_deref().map(name_key)));
    let mut previous: Option<String> = None;
    for (name, photo, label) in &rows {
        let key = name_key(name);
        let repeat = previous.as_ref() == Some(&key);
        previous = Some(key.clone());
        let old = kept.get(&key).cloned().unwrap_or_default();
        let gender = assigned.get(&key).cloned().unwrap_or(old.gender);
        let mut record = if repeat {
            vec![name.as_str(), "", photo, "", ""]
        } else {
            vec![
                name.as_str(),
                &gender,
                photo,
                &old.known_as,
                &old.in_memoriam,
            ]
        };
        if with_labels {
            record.push(label.as_deref().unwrap_or(""));
        }
        w.write_record(&record)?;
    }
    w.flush()?;
    let photo_count = rows.len();
    if photo_count == people.len() {
        writeln!(
            report,
            "imported {} people into {} ({copied} photos copied, {} already there)",
            people.len(),
            out_csv.display(),
            photo_count - copied
        )?;
    } else {
        writeln!(
            report,
            "imported {} people with {photo_count} photos into {} ({copied} photos copied, {} already there)",
            people.len(),
            out_csv.display(),
            photo_count - copied
        )?;
    }
    writeln!(report, "next: yearbook check {}", out_csv.display())?;
    Ok(())
}

/// `First Last (1983)` is `First Last` labelled `1983`: a last bracket
/// that starts with a digit is a label (a nickname in brackets is not).
pub fn name_and_label(stem: &str) -> (String, Option<String>) {
    let stem = clean_name(stem);
    if let Some(open) = stem.rfind('(')
        && let Some(inside) = stem[open + 1..].strip_suffix(')')
        && inside.trim().starts_with(|c: char| c.is_ascii_digit())
    {
        let name = clean_name(&stem[..open]);
        if !name.is_empty() {
            return (name, Some(clean_name(inside)));
        }
    }
    (stem, None)
}

/// The scans of the folder and of its label subfolders (`1983/…`), sorted.
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
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_default();
        if args.genders.as_deref() == Some(path.as_path()) {
            continue;
        }
        if !is_image_ext(&ext) {
            writeln!(report, "skipped '{file}': not a .png or .jpg image")?;
            continue;
        }
        let (name, label) = name_and_label(
            &path
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default(),
        );
        if name.is_empty() {
            writeln!(report, "skipped '{file}': the file name gives no name")?;
            continue;
        }
        if label
            .as_ref()
            .is_some_and(|l| l.chars().count() > super::csv::MAX_LABEL_CHARS)
        {
            writeln!(
                report,
                "skipped '{file}': a label is at most {} characters",
                super::csv::MAX_LABEL_CHARS
            )?;
            continue;
        }
        // The file's own label wins over its folder's.
        let label = label.or(folder_label);
        scans.push(Scan {
            name,
            label,
            path,
            ext,
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

/// `name,gender` rows from the hand-typed list.
fn read_genders(path: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    // As Excel or LibreOffice saved it, on any system.
    let text = super::csv::spreadsheet_text(&bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(super::csv::sniff_delimiter(&text))
        .from_reader(text.as_bytes());
    let headers = rdr.headers()?.clone();
    let find = |want: &str| {
        headers.iter().position(|h| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .eq_ignore_ascii_case(want)
        })
    };
    let (Some(name_col), Some(gender_col)) = (find("name"), find("gender")) else {
        bail!(
            "{}: the header needs 'name' and 'gender' columns",
            path.display()
        );
    };
    let mut out = Vec::new();
    for record in rdr.records() {
        let record = record.with_context(|| format!("{}: unreadable row", path.display()))?;
        let name = clean_name(record.get(name_col).unwrap_or(""));
        if !name.is_empty() {
            out.push((
                name,
                record.get(gender_col).unwrap_or("").trim().to_string(),
            ));
        }
    }
    Ok(out)
}

/// Matches the list to the photos: exact (ignoring case) first, then
/// ignoring accents where that is unambiguous. Reports both leftovers.
fn merge_genders(
    rows: &[(String, String)],
    genders: &[(String, String)],
    report: &mut impl Write,
) -> anyhow::Result<HashMap<String, String>> {
    let mut assigned = HashMap::new();
    if genders.is_empty() {
        return Ok(assigned);
    }
    let exact: HashMap<String, &str> = rows
        .iter()
        .map(|(n, _)| (name_key(n), n.as_str()))
        .collect();
    let mut loose: HashMap<String, Vec<&str>> = HashMap::new();
    for (n, _) in rows {
        loose.entry(loose_key(n)).or_default().push(n);
    }
    let mut unmatched_list = Vec::new();
    for (name, gender) in genders {
        let hit = exact.get(&name_key(name)).copied().or_else(|| {
            match loose.get(&loose_key(name)).map(Vec::as_slice) {
                Some([only]) => Some(*only),
                _ => None,
            }
        });
        match hit {
            Some(photo_name) => {
                assigned.insert(name_key(photo_name), gender.clone());
            }
            None => unmatched_list.push(name.as_str()),
        }
    }
    for name in &unmatched_list {
        writeln!(report, "in the gender list but no photo: {name}")?;
    }
    for (name, _) in rows {
        if !assigned.contains_key(&name_key(name)) {
            writeln!(report, "photo but not in the gender list: {name}")?;
        }
    }
    Ok(assigned)
}

/// The organiser's own columns from an earlier roster in the same place.
fn read_kept(path: &Path) -> HashMap<String, Kept> {
    let Ok(mut rdr) = csv::Reader::from_path(path) else {
        return HashMap::new();
    };
    let Ok(headers) = rdr.headers().cloned() else {
        return HashMap::new();
    };
    let find = |want: &str| headers.iter().position(|h| h.trim() == want);
    let name_col = find("name");
    let get = |r: &csv::StringRecord, col: Option<usize>| {
        col.and_then(|c| r.get(c)).unwrap_or("").trim().to_string()
    };
    // A person's repeated rows (other photos) may leave these empty.
    let mut kept: HashMap<String, Kept> = HashMap::new();
    for r in rdr.records().filter_map(Result::ok) {
        let entry = kept.entry(name_key(&get(&r, name_col))).or_default();
        for (field, column) in [
            (&mut entry.gender, "gender"),
            (&mut entry.known_as, "known_as"),
            (&mut entry.in_memoriam, "in_memoriam"),
        ] {
            if field.is_empty() {
                *field = get(&r, find(column));
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
        assert_eq!(got("(1983)"), ("(1983)".into(), None), "no name left");
    }

    #[test]
    fn genders_match_ignoring_case_then_accents_when_unambiguous() {
        let rows = vec![
            ("Zoë Smith".to_string(), "p1".to_string()),
            ("Ann Lee".to_string(), "p2".to_string()),
        ];
        let genders = vec![
            ("zoe smith".to_string(), "F".to_string()),
            ("ANN LEE".to_string(), "F".to_string()),
            ("Bob".to_string(), "M".to_string()),
        ];
        let mut report = Vec::new();
        let got = merge_genders(&rows, &genders, &mut report).unwrap();
        assert_eq!(got.get("zoë smith").map(String::as_str), Some("F"));
        assert_eq!(got.get("ann lee").map(String::as_str), Some("F"));
        let report = String::from_utf8(report).unwrap();
        assert!(report.contains("no photo: Bob"), "{report}");
    }
}
