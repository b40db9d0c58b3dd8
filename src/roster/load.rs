//! Loading a roster: the CSV, then every photo (exists, decodes), then the
//! web variants. All problems are collected, each naming its line.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use include_dir::{Dir, include_dir};

use super::csv::{self, Problem, RowPhoto};
use super::photos::{self, Pipeline, Variant};
use super::urls::Size;
use super::why::{self, Labelled, Why};
use crate::game::Pool;

static DEMO: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/data/demo");

/// The demo class's photos (generated drawings, no real people), decoded
/// to grey in file-name order: the portraits of `pages::generate`'s pages.
pub fn demo_portraits() -> Vec<image::GrayImage> {
    let mut files: Vec<_> = DEMO
        .get_dir("photos")
        .map(|d| d.files().collect())
        .unwrap_or_default();
    files.sort_by_key(|f| f.path());
    files
        .iter()
        .filter_map(|f| image::load_from_memory(f.contents()).ok())
        .map(|img| img.into_luma8())
        .collect()
}

/// One classmate as served.
#[derive(Debug, Clone)]
pub struct Person {
    pub name: String,
    pub known_as: Option<String>,
    pub gender: Option<String>,
    pub in_memoriam: bool,
    /// Content hash of the first photo ([`photos::photo_id`]); never
    /// shown to clients, whose URLs are per room (`urls.rs`).
    pub photo_id: String,
    /// Every photo, the first row's first (at least one).
    pub photos: Vec<PersonPhoto>,
}

/// One photo of a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonPhoto {
    /// `1983`, `25th reunion`; `None` for an unlabelled photo.
    pub label: Option<String>,
    /// Content hash of the source ([`photos::photo_id`]).
    pub id: String,
}

/// A loaded, validated class with its photo variants in memory.
#[derive(Debug)]
pub struct Roster {
    pub people: Vec<Person>,
    pub pool: Arc<Pool>,
    /// Per person, per photo: (thumb, photo), each padded to its size
    /// class's length.
    photos: Vec<Vec<(Variant, Variant)>>,
}

impl Roster {
    /// Photo `photo` (0 = the first) of a person at one size.
    pub fn photo(&self, person: usize, photo: usize, size: Size) -> Option<&Variant> {
        let (thumb, photo) = self.photos.get(person)?.get(photo)?;
        let variant = match size {
            Size::Thumb => thumb,
            Size::Photo => photo,
        };
        // A reunion's person may have no photo yet ([`Roster::assemble`]).
        (!variant.bytes.is_empty()).then_some(variant)
    }

    /// The revision ([`super::urls::revision`]) of photo `photo` of
    /// `person`, which their photo URLs carry.
    pub fn photo_rev(&self, person: usize, photo: usize) -> Option<u32> {
        let p = self.people.get(person)?.photos.get(photo)?;
        Some(super::urls::revision(&p.id))
    }

    /// [`Roster::photo`] if it is still at revision `rev`: a URL made
    /// before the photo changed names other bytes.
    pub fn photo_at(&self, person: usize, photo: usize, rev: u32, size: Size) -> Option<&Variant> {
        (self.photo_rev(person, photo)? == rev)
            .then(|| self.photo(person, photo, size))
            .flatten()
    }

    /// A class put together in the server (a reunion's, `src/reunion`):
    /// `photos[i]` is person i's (thumb, photo) variants, one per entry of
    /// their `Person::photos`, empty while they have none; `excluded[i]`
    /// leaves person i out of every question (left out by the organiser,
    /// deleted, or without a photo).
    pub fn assemble(
        people: Vec<Person>,
        mut photos: Vec<Vec<(Variant, Variant)>>,
        mut excluded: Vec<bool>,
    ) -> Roster {
        excluded.resize(people.len(), false);
        photos.resize(people.len(), Vec::new());
        for (left_out, theirs) in excluded.iter_mut().zip(&photos) {
            *left_out |= theirs.is_empty();
        }
        pad_sizes(&mut photos);
        let mut pool = pool_of(&people);
        pool.excluded = excluded;
        Roster {
            people,
            pool: Arc::new(pool),
            photos,
        }
    }

    /// Not errors, but worth telling the organiser: a gender label shared by
    /// fewer than four people gives those people mixed distractors.
    pub fn warnings(&self) -> Vec<String> {
        let mut groups: BTreeMap<String, (String, usize)> = BTreeMap::new();
        for p in &self.people {
            if let Some(g) = &p.gender {
                let entry = groups
                    .entry(g.trim().to_lowercase())
                    .or_insert_with(|| (g.clone(), 0));
                entry.1 += 1;
            }
        }
        let mut warnings: Vec<String> = groups
            .values()
            .filter(|(_, n)| *n < 4)
            .map(|(label, n)| {
                format!(
                    "warning: gender '{label}' has only {n} {}: their distractors will be drawn from everyone",
                    if *n == 1 { "person" } else { "people" }
                )
            })
            .collect();
        // A label too few people have cannot be a game's only label.
        for (index, label) in self.pool.labels.iter().enumerate() {
            let n = (0..self.people.len())
                .filter(|&p| self.pool.photos_of(p).contains(&Some(index as u32)))
                .count();
            if n < 4 {
                warnings.push(format!(
                    "warning: label '{label}' has photos of only {n} {}: a game asking from it alone needs 4",
                    if n == 1 { "person" } else { "people" }
                ));
            }
        }
        warnings
    }

    /// "48 people (F 24, M 22, no gender 2), 1 in memoriam"
    pub fn summary(&self) -> String {
        let mut groups: BTreeMap<String, usize> = BTreeMap::new();
        for p in &self.people {
            let label = p.gender.clone().unwrap_or_else(|| "no gender".into());
            *groups.entry(label).or_default() += 1;
        }
        let groups: Vec<String> = groups.iter().map(|(g, n)| format!("{g} {n}")).collect();
        let memoriam = self.people.iter().filter(|p| p.in_memoriam).count();
        let mut summary = format!(
            "{} people ({}), {memoriam} in memoriam",
            self.people.len(),
            groups.join(", ")
        );
        // "…, 9 photos (1983 4, 1986 4, no label 1)" once photos have labels.
        if !self.pool.labels.is_empty() {
            let mut by_label: BTreeMap<&str, usize> = BTreeMap::new();
            let photos = self.people.iter().flat_map(|p| &p.photos);
            for photo in photos.clone() {
                *by_label
                    .entry(photo.label.as_deref().unwrap_or("no label"))
                    .or_default() += 1;
            }
            let labels: Vec<String> = by_label.iter().map(|(l, n)| format!("{l} {n}")).collect();
            summary.push_str(&format!(
                ", {} photos ({})",
                photos.count(),
                labels.join(", ")
            ));
        }
        summary
    }
}

/// What loading does with the photos.
#[derive(Debug, Clone, Copy)]
enum Work<'a> {
    /// Check that each decodes (for `yearbook check`).
    Check,
    /// Make the web variants (for serving).
    Serve(&'a Pipeline),
}

/// The bundled fictional demo class.
pub fn load_demo(pipeline: &Pipeline) -> Result<Roster, Vec<String>> {
    let csv = DEMO
        .get_file("roster.csv")
        .map(|f| f.contents())
        .unwrap_or_default();
    load("demo/roster.csv", csv, Work::Serve(pipeline), |rel| {
        Ok(DEMO
            .get_file(rel.trim_start_matches("./"))
            .map(|f| f.contents().to_vec()))
    })
    .map_err(why::english)
}

/// A roster CSV on disk, ready to serve; photo paths are relative to its folder.
pub fn load_path(csv_path: &Path, pipeline: &Pipeline) -> Result<Roster, Vec<String>> {
    load_path_with(csv_path, Work::Serve(pipeline)).map_err(why::english)
}

/// Validates a roster CSV on disk (every photo decodes) without making variants.
pub fn check_path(csv_path: &Path) -> Result<Roster, Vec<String>> {
    load_path_with(csv_path, Work::Check).map_err(why::english)
}

/// A roster given as its folder (what `yearbook export` and `import`
/// write) means the `roster.csv` in it.
fn csv_in(path: &Path) -> std::borrow::Cow<'_, Path> {
    if path.is_dir() {
        path.join("roster.csv").into()
    } else {
        path.into()
    }
}

fn load_path_with(csv_path: &Path, work: Work<'_>) -> Result<Roster, Vec<Labelled>> {
    let csv_path = &*csv_in(csv_path);
    let label = csv_path.file_name().map_or_else(
        || csv_path.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    let (csv, root) = read_csv_and_folder(csv_path)?;
    load(&label, &csv, work, |rel| read_inside(&root, rel))
}

/// The CSV's bytes and its folder, canonical.
fn read_csv_and_folder(csv_path: &Path) -> Result<(Vec<u8>, std::path::PathBuf), Vec<Labelled>> {
    let cannot_read = |path: &Path, e: std::io::Error| {
        vec![Labelled {
            label: path.display().to_string(),
            problem: Problem::file(Why::CannotRead {
                detail: e.to_string(),
            }),
        }]
    };
    let csv = std::fs::read(csv_path).map_err(|e| cannot_read(csv_path, e))?;
    let dir = csv_path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".").to_path_buf()
    } else {
        dir
    };
    let root = dir.canonicalize().map_err(|e| cannot_read(&dir, e))?;
    Ok((csv, root))
}

/// A person as written, with each photo's source bytes in row order.
pub type RowWithPhotos = (csv::Row, Vec<Vec<u8>>);

/// A roster folder that `check` accepts, as its people with each photo's
/// label and source bytes (to make an event of it); else `check`'s lines.
pub fn read_people(csv_path: &Path) -> Result<Vec<RowWithPhotos>, Vec<Labelled>> {
    let csv_path = &*csv_in(csv_path);
    load_path_with(csv_path, Work::Check)?;
    let (csv, root) = read_csv_and_folder(csv_path)?;
    let (rows, _) = csv::parse(csv.as_slice());
    rows.into_iter()
        .map(|row| {
            let photos = row
                .photos
                .iter()
                .map(|photo| {
                    candidates(&photo.photo)
                        .iter()
                        .find_map(|c| read_inside(&root, c).transpose())
                        .unwrap_or_else(|| {
                            Err(Why::PhotoNotFound {
                                photo: photo.photo.clone(),
                            })
                        })
                        .map_err(|why| {
                            vec![Labelled {
                                label: csv_path.display().to_string(),
                                problem: Problem::at(photo.line, why),
                            }]
                        })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok((row, photos))
        })
        .collect()
}

/// Largest photo file read: far above any scan (they are a few MB).
pub const MAX_PHOTO_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A photo under `root` (the roster's folder, canonical): `Ok(None)` when
/// there is no such file; refused when the path, after following `..` and
/// symlinks, leads outside the folder, or is not a plain file of sane size.
fn read_inside(root: &Path, rel: &str) -> Result<Option<Vec<u8>>, Why> {
    let Ok(real) = root.join(rel).canonicalize() else {
        return Ok(None);
    };
    let photo = rel.to_string();
    if !real.starts_with(root) {
        return Err(Why::PhotoOutside {
            photo,
            folder: root.display().to_string(),
        });
    }
    let meta = std::fs::metadata(&real).map_err(|e| Why::PhotoIo {
        photo: photo.clone(),
        detail: e.to_string(),
    })?;
    if !meta.is_file() {
        return Err(Why::PhotoNotFile { photo });
    }
    if meta.len() > MAX_PHOTO_FILE_BYTES {
        return Err(Why::PhotoTooBig {
            photo,
            mb: meta.len() / 1_000_000,
            max: MAX_PHOTO_FILE_BYTES / 1024 / 1024,
        });
    }
    std::fs::read(&real)
        .map(Some)
        .map_err(|e| Why::PhotoCannotRead {
            photo,
            detail: e.to_string(),
        })
}

/// `17` means `17.png` or `17.jpg` beside the CSV.
fn candidates(photo: &str) -> Vec<String> {
    if !photo.is_empty() && photo.chars().all(|c| c.is_ascii_digit()) {
        ["png", "jpg", "jpeg", "PNG", "JPG", "JPEG"]
            .iter()
            .map(|ext| format!("{photo}.{ext}"))
            .collect()
    } else {
        vec![photo.to_string()]
    }
}

/// One photo read from the folder, of `rows[person]`.
struct Loaded {
    person: usize,
    photo: RowPhoto,
    bytes: Vec<u8>,
}

/// `read` gives a photo's bytes, `Ok(None)` when there is no such file,
/// or why it is refused.
fn load<F>(label: &str, csv_bytes: &[u8], work: Work<'_>, read: F) -> Result<Roster, Vec<Labelled>>
where
    F: Fn(&str) -> Result<Option<Vec<u8>>, Why>,
{
    if let Work::Serve(pipeline) = work
        && let Err(e) = pipeline.prepare_cache()
    {
        tracing::warn!("{e}");
    }
    let (rows, mut problems) = csv::parse(csv_bytes);
    let mut loaded = Vec::with_capacity(rows.len());
    for (person, row) in rows.iter().enumerate() {
        for photo in &row.photos {
            let found = candidates(&photo.photo)
                .iter()
                .find_map(|c| read(c).transpose());
            match found {
                Some(Ok(bytes)) => loaded.push(Loaded {
                    person,
                    photo: photo.clone(),
                    bytes,
                }),
                Some(Err(refused)) => problems.push(Problem::at(photo.line, refused)),
                None => problems.push(Problem::at(
                    photo.line,
                    Why::PhotoNotFound {
                        photo: photo.photo.clone(),
                    },
                )),
            }
        }
    }

    let processed = process_all(&loaded, work);
    let mut by_person: Vec<Vec<(PersonPhoto, (Variant, Variant))>> = vec![Vec::new(); rows.len()];
    let mut by_id: HashMap<String, u64> = HashMap::new();
    for (item, result) in loaded.iter().zip(processed) {
        let photo = &item.photo;
        match result {
            // `e` continues the sentence: "is 12000×12000; …", "cannot be read …".
            Err(e) => problems.push(Problem::at(
                photo.line,
                Why::PhotoUnusable {
                    photo: photo.photo.clone(),
                    detail: e.to_string(),
                },
            )),
            Ok((id, thumb, big)) => {
                if let Some(first) = by_id.insert(id.clone(), photo.line) {
                    problems.push(Problem::at(
                        photo.line,
                        Why::SameImage {
                            photo: photo.photo.clone(),
                            first,
                        },
                    ));
                    continue;
                }
                let tag = photo.label.clone();
                by_person[item.person].push((PersonPhoto { label: tag, id }, (thumb, big)));
            }
        }
    }
    let mut people = Vec::with_capacity(rows.len());
    let mut photos = Vec::with_capacity(rows.len());
    for (row, found) in rows.iter().zip(by_person) {
        // A person with a photo missing is a problem already reported.
        if found.len() != row.photos.len() {
            continue;
        }
        let (theirs, variants): (Vec<PersonPhoto>, Vec<(Variant, Variant)>) =
            found.into_iter().unzip();
        photos.push(variants);
        people.push(Person {
            name: row.name.clone(),
            known_as: row.known_as.clone(),
            gender: row.gender.clone(),
            in_memoriam: row.in_memoriam,
            photo_id: theirs[0].id.clone(),
            photos: theirs,
        });
    }
    if problems.is_empty() && people.len() < 4 {
        problems.push(Problem::file(Why::TooFewPeople {
            count: people.len(),
        }));
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(problems
            .into_iter()
            .map(|problem| Labelled {
                label: label.to_string(),
                problem,
            })
            .collect());
    }
    let pool = Arc::new(pool_of(&people));
    pad_sizes(&mut photos);
    Ok(Roster {
        people,
        pool,
        photos,
    })
}

/// Gender labels compare trimmed and ignoring case.
fn pool_of(people: &[Person]) -> Pool {
    let mut labels: HashMap<String, u32> = HashMap::new();
    let groups = people
        .iter()
        .map(|p| {
            p.gender.as_ref().map(|g| {
                let next = labels.len() as u32;
                *labels.entry(g.trim().to_lowercase()).or_insert(next)
            })
        })
        .collect();
    // Labels compare as names do; the first spelling met is shown.
    let mut spelled: BTreeMap<String, String> = BTreeMap::new();
    for photo in people.iter().flat_map(|p| &p.photos) {
        if let Some(label) = &photo.label {
            spelled
                .entry(csv::name_key(label))
                .or_insert_with(|| label.clone());
        }
    }
    let index: HashMap<&String, u32> = spelled.keys().zip(0..).collect();
    let photos = people
        .iter()
        .map(|p| {
            p.photos
                .iter()
                .map(|ph| {
                    let key = csv::name_key(ph.label.as_deref()?);
                    index.get(&key).copied()
                })
                .collect()
        })
        .collect();
    Pool {
        groups,
        in_memoriam: people.iter().map(|p| p.in_memoriam).collect(),
        labels: spelled.into_values().collect(),
        photos,
        excluded: Vec::new(),
    }
}

/// Every thumb as long as every other thumb, and the same for the photos:
/// a response's length must not say whose photo it is.
fn pad_sizes(photos: &mut [Vec<(Variant, Variant)>]) {
    let (mut thumbs, mut big): (Vec<Variant>, Vec<Variant>) =
        photos.iter().flatten().cloned().unzip();
    photos::pad_to_same_length(&mut thumbs);
    photos::pad_to_same_length(&mut big);
    let mut padded = thumbs.into_iter().zip(big);
    for slot in photos.iter_mut().flatten() {
        if let Some(pair) = padded.next() {
            *slot = pair;
        }
    }
}

type Processed = Result<(String, Variant, Variant), String>;

/// Decoding and resizing are the slow part: spread them over the cores.
fn process_all(loaded: &[Loaded], work: Work<'_>) -> Vec<Processed> {
    super::par_map(loaded, |item| process_one(item, work))
}

fn process_one(item: &Loaded, work: Work<'_>) -> Processed {
    match work {
        Work::Serve(pipeline) => pipeline.process(&item.bytes),
        Work::Check => {
            photos::decode(&item.bytes).map_err(|e| e.to_string())?;
            let none = Variant {
                bytes: bytes::Bytes::new(),
                content_type: "image/jpeg",
            };
            Ok((photos::photo_id(&item.bytes), none.clone(), none))
        }
    }
}
