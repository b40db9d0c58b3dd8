//! `yearbook export EVENT --out DIR`: a reunion as a roster folder
//! (`roster.csv` + `photos/`) that `yearbook check` accepts and
//! `serve --roster` plays. Reads the database query-only, so it works
//! while the server runs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::MAX_TEXT;
use super::store::{self, Meta, PersonRow, StoredPhoto, StoredReunion};
use crate::roster::csv::{MAX_LABEL_CHARS, name_key};

/// What an export wrote and left out, for its summary.
#[derive(Debug, Default)]
pub struct Exported {
    pub title: String,
    pub id: u32,
    pub people: usize,
    pub photos: usize,
    /// Not in the roster because the organiser left them out of games.
    pub not_included: Vec<String>,
    /// Not in the roster because they have no photo (the CSV needs one).
    pub without_photo: Vec<String>,
    /// Deleted in the editor: never exported, only counted.
    pub deleted: usize,
}

impl std::fmt::Display for Exported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "'{}' (event {}): {} people, {} photos",
            self.title, self.id, self.people, self.photos
        )?;
        if self.deleted > 0 {
            write!(f, "; {} deleted left out", self.deleted)?;
        }
        if !self.not_included.is_empty() {
            write!(
                f,
                "; left out as not included: {}",
                self.not_included.join(", ")
            )?;
        }
        if !self.without_photo.is_empty() {
            write!(
                f,
                "; left out without a photo: {}",
                self.without_photo.join(", ")
            )?;
        }
        Ok(())
    }
}

/// Writes reunion `event` (its id, or its exact title) of the database
/// `db` into `out`, which must be missing or empty.
pub fn export(db: &Path, event: &str, out: &Path) -> anyhow::Result<Exported> {
    refuse_non_empty(out)?;
    let conn = crate::store::backup::open_query_only(db)?;
    let metas = store::metas(&conn).with_context(|| format!("{} holds no events", db.display()))?;
    let meta = find(metas, event)?;
    // One read transaction: people and photos as of one moment. Each
    // photo's bytes are read when needed, one at a time.
    conn.execute_batch("BEGIN")?;
    let written = store::load_reunion(&conn, meta).and_then(|stored| {
        let id = stored.meta.id;
        write_folder(&stored, out, |p| {
            store::photo_bytes(&conn, id, p.person, p.idx)
        })
    });
    conn.execute_batch("COMMIT")?;
    written
}

fn refuse_non_empty(out: &Path) -> anyhow::Result<()> {
    match std::fs::read_dir(out) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                bail!(
                    "{} is not empty: an export never mixes with other files; choose a new folder",
                    out.display()
                );
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", out.display())),
    }
}

/// The event named by id or exact title; a title two events share asks for
/// the id.
fn find(metas: Vec<Meta>, event: &str) -> anyhow::Result<Meta> {
    let wanted = event.trim();
    let by_title: Vec<&Meta> = metas.iter().filter(|m| m.title == wanted).collect();
    if let [one] = by_title.as_slice() {
        return Ok((*one).clone());
    }
    if by_title.len() > 1 {
        let ids: Vec<String> = by_title.iter().map(|m| m.id.to_string()).collect();
        bail!(
            "{} events are titled '{wanted}' (ids {}): name one by its id",
            by_title.len(),
            ids.join(", ")
        );
    }
    if let Some(meta) = wanted
        .parse::<u32>()
        .ok()
        .and_then(|id| metas.iter().find(|m| m.id == id))
    {
        return Ok(meta.clone());
    }
    let known: Vec<String> = metas
        .iter()
        .map(|m| format!("{} '{}'", m.id, m.title))
        .collect();
    bail!(
        "no event '{wanted}' in this database; its events: {}",
        if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        }
    )
}

/// One row of `roster.csv`.
struct Row<'a> {
    person: &'a PersonRow,
    file: String,
    label: Option<String>,
}

/// `source` reads a photo's bytes.
fn write_folder(
    reunion: &StoredReunion,
    out: &Path,
    source: impl Fn(&StoredPhoto) -> anyhow::Result<Vec<u8>>,
) -> anyhow::Result<Exported> {
    let mut done = Exported {
        title: reunion.meta.title.clone(),
        id: reunion.meta.id,
        ..Exported::default()
    };
    let mut photos_of: BTreeMap<u32, Vec<&StoredPhoto>> = BTreeMap::new();
    for p in &reunion.photos {
        photos_of.entry(p.person).or_default().push(p);
    }
    let mut names: BTreeMap<String, &str> = BTreeMap::new();
    let mut files = UniqueFiles::default();
    let mut rows = Vec::new();
    let mut sources: Vec<(String, &StoredPhoto)> = Vec::new();
    for person in &reunion.people {
        if person.deleted {
            done.deleted += 1;
            continue;
        }
        if !person.included {
            done.not_included.push(person.name.clone());
            continue;
        }
        let Some(photos) = photos_of.get(&person.id) else {
            done.without_photo.push(person.name.clone());
            continue;
        };
        // The same name twice would read back as one person with two photos.
        if let Some(first) = names.insert(name_key(&person.name), &person.name) {
            bail!(
                "'{}' and '{first}' are the same name in this event: rename or delete one in the editor, then export again",
                person.name
            );
        }
        let labels = labels_for(photos);
        for (photo, label) in photos.iter().zip(labels) {
            let stem = match &label {
                Some(l) => format!("{} ({l})", person.name),
                None => person.name.clone(),
            };
            let file = files.take(&stem, extension_of(&source(photo)?));
            sources.push((file.clone(), photo));
            rows.push(Row {
                person,
                file,
                label,
            });
        }
        done.people += 1;
    }
    done.photos = rows.len();

    let photo_dir = out.join("photos");
    std::fs::create_dir_all(&photo_dir)
        .with_context(|| format!("cannot create {}", photo_dir.display()))?;
    for (file, photo) in &sources {
        let path = photo_dir.join(file);
        std::fs::write(&path, source(photo)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    write_csv(&out.join("roster.csv"), &rows)?;
    Ok(done)
}

/// Each photo's label as `check` needs them: with several photos, every
/// one labelled (`photo 2` for an unlabelled one) and no label twice; at
/// most [`MAX_LABEL_CHARS`] characters.
fn labels_for(photos: &[&StoredPhoto]) -> Vec<Option<String>> {
    let several = photos.len() > 1;
    let mut seen = BTreeSet::new();
    photos
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let given = p
                .label
                .as_deref()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| l.chars().take(MAX_LABEL_CHARS).collect::<String>());
            let base = match given {
                Some(l) => l,
                None if several => format!("photo {}", i + 1),
                None => return None,
            };
            let mut label = base.clone();
            let mut n = 2;
            while !seen.insert(label.trim().to_lowercase()) {
                let suffix = format!(" ({n})");
                let keep = MAX_LABEL_CHARS - suffix.chars().count();
                label = format!("{}{suffix}", base.chars().take(keep).collect::<String>());
                n += 1;
            }
            Some(label)
        })
        .collect()
}

/// `png` or `jpg` as the bytes say (the stored source, written as is).
fn extension_of(bytes: &[u8]) -> &'static str {
    match image::guess_format(bytes) {
        Ok(image::ImageFormat::Png) => "png",
        _ => "jpg",
    }
}

/// File names from people's names: letters, digits, spaces, `'`, `-`,
/// `(` and `)` only (no path, no dot-files), at most [`MAX_TEXT`]
/// characters, unique ignoring case (`Ann Lee 2.jpg`).
#[derive(Default)]
struct UniqueFiles {
    taken: BTreeSet<String>,
}

impl UniqueFiles {
    fn take(&mut self, stem: &str, ext: &str) -> String {
        let safe: String = stem
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || " '-()".contains(c) {
                    c
                } else {
                    ' '
                }
            })
            .collect();
        let mut safe = safe.split_whitespace().collect::<Vec<_>>().join(" ");
        safe = safe.chars().take(MAX_TEXT).collect();
        if safe.is_empty() {
            safe = "person".into();
        }
        let mut name = format!("{safe}.{ext}");
        let mut n = 2;
        while !self.taken.insert(name.to_lowercase()) {
            name = format!("{safe} {n}.{ext}");
            n += 1;
        }
        name
    }
}

fn write_csv(path: &PathBuf, rows: &[Row<'_>]) -> anyhow::Result<()> {
    let mut csv = ::csv::Writer::from_path(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    csv.write_record([
        "name",
        "gender",
        "photo",
        "label",
        "known_as",
        "in_memoriam",
    ])?;
    for row in rows {
        // Every row of a person says the same: nothing for `check` to
        // find disagreeing, whichever row a spreadsheet user edits.
        let p = row.person;
        csv.write_record([
            p.name.as_str(),
            p.gender.as_deref().unwrap_or(""),
            &format!("photos/{}", row.file),
            row.label.as_deref().unwrap_or(""),
            p.known_as.as_deref().unwrap_or(""),
            if p.in_memoriam { "yes" } else { "" },
        ])?;
    }
    csv.flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(label: Option<&str>) -> StoredPhoto {
        StoredPhoto {
            person: 1,
            idx: 0,
            label: label.map(Into::into),
            sha: String::new(),
        }
    }

    #[test]
    fn several_photos_each_get_a_distinct_label_within_the_limit() {
        let long = "x".repeat(60);
        let photos = [
            photo(None),
            photo(Some("1986")),
            photo(Some(" 1986")),
            photo(Some(&long)),
            photo(Some(&long)),
        ];
        let refs: Vec<&StoredPhoto> = photos.iter().collect();
        let labels: Vec<String> = labels_for(&refs).into_iter().flatten().collect();
        assert_eq!(&labels[..3], ["photo 1", "1986", "1986 (2)"]);
        assert_eq!(labels[3], "x".repeat(40));
        assert_eq!(labels[4], format!("{} (2)", "x".repeat(36)));
        assert_eq!(labels_for(&[&photo(None)]), vec![None], "one photo: none");
    }

    #[test]
    fn two_people_of_one_name_stop_the_export_before_anything_is_written() {
        let person = PersonRow::named;
        let pic = |who: u32| StoredPhoto {
            person: who,
            ..photo(None)
        };
        let reunion = StoredReunion {
            meta: Meta {
                id: 1,
                title: "T".into(),
                guest_code: None,
                solo_open: true,
                memoriam_default: true,
                then_now: true,
                today_keep_days: 30,
                created_at: 0,
                updated_at: 0,
            },
            people: vec![person(1, "Ann Lee"), person(2, "ann  LEE")],
            photos: vec![pic(1), pic(2)],
        };
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let err = write_folder(&reunion, &out, |_| Ok(Vec::new()))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("'ann  LEE' and 'Ann Lee' are the same name"),
            "{err}"
        );
        assert!(!out.exists(), "nothing written");
    }

    #[test]
    fn file_names_are_safe_and_unique_ignoring_case() {
        let mut files = UniqueFiles::default();
        assert_eq!(
            files.take("José O'Neil (1983)", "jpg"),
            "José O'Neil (1983).jpg"
        );
        assert_eq!(files.take("../../etc/passwd", "png"), "etc passwd.png");
        assert_eq!(files.take("ETC/PASSWD", "png"), "ETC PASSWD 2.png");
        assert_eq!(files.take("...", "png"), "person.png");
        assert_eq!(files.take("..", "png"), "person 2.png");
    }
}
