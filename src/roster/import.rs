//! `yearbook import`: a folder of `First Last.png` scans (plus an optional
//! `name,gender` list) becomes a roster folder the server can serve.
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
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&args.photo_dir)
        .with_context(|| format!("cannot read the folder {}", args.photo_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    entries.sort();

    let mut scans = Vec::new();
    for path in entries {
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
        let name = clean_name(
            &path
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default(),
        );
        if name.is_empty() {
            writeln!(report, "skipped '{file}': the file name gives no name")?;
            continue;
        }
        scans.push(Scan { name, path, ext });
    }

    // Two files for one person (Ann.png and Ann.jpg) is a mistake to show.
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut unique = Vec::new();
    for scan in scans {
        match by_key.get(&name_key(&scan.name)) {
            Some(&i) => {
                let first: &Scan = &unique[i];
                writeln!(
                    report,
                    "skipped '{}': same name as '{}'",
                    scan.path.display(),
                    first.path.display()
                )?;
            }
            None => {
                by_key.insert(name_key(&scan.name), unique.len());
                unique.push(scan);
            }
        }
    }

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
        rows.push((scan.name.clone(), format!("photos/{file}")));
    }
    if rows.is_empty() {
        bail!("no readable photos in {}", args.photo_dir.display());
    }

    let assigned = merge_genders(&rows, &genders, report)?;
    let out_csv = args.out.join("roster.csv");
    let mut w = csv::Writer::from_path(&out_csv)
        .with_context(|| format!("cannot write {}", out_csv.display()))?;
    w.write_record(["name", "gender", "photo", "known_as", "in_memoriam"])?;
    rows.sort_by_key(|(name, _)| name_key(name));
    for (name, photo) in &rows {
        let old = kept.get(&name_key(name)).cloned().unwrap_or_default();
        let gender = assigned.get(&name_key(name)).cloned().unwrap_or(old.gender);
        w.write_record([
            name.as_str(),
            &gender,
            photo,
            &old.known_as,
            &old.in_memoriam,
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
    rdr.records()
        .filter_map(Result::ok)
        .map(|r| {
            (
                name_key(&get(&r, name_col)),
                Kept {
                    gender: get(&r, find("gender")),
                    known_as: get(&r, find("known_as")),
                    in_memoriam: get(&r, find("in_memoriam")),
                },
            )
        })
        .collect()
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
