//! Scanned yearbook class pages in the organiser's event (issue 23; PROTOCOL
//! Extensions, "Class pages"): a page is read by the detector of
//! `crate::pages` off the async threads, kept as a draft (its boxes and the
//! names read) that the organiser fixes, and then each box is cut out and
//! goes into the event as an uploaded file would ([`super::uploads::import_files`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use image::{GrayImage, ImageFormat, imageops};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::Semaphore;

use super::organise::{Organiser, reunion_for};
use super::{AppError, Ids};
use crate::AppState;
use crate::i18n::Lang;
use crate::i18n::Tr;
use crate::pages::PageError;
use crate::reunion::ReunionStore;
use crate::reunion::drafts::{self, DraftBox, DraftPage, MAX_BOXES, MAX_PAGES, NewPage};

/// Reading a page takes a core for a second or more: one at a time, so
/// the games keep the other.
static DETECTING: Semaphore = Semaphore::const_new(1);
/// A page's body must arrive within this time (256 MiB, what a 600 dpi
/// scan needs, at about 2.4 Mbit/s).
const PAGE_READ_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// The largest page file taken, as `yearbook pages` takes.
const MAX_PAGE_BYTES: u64 = crate::pages::MAX_PAGE_BYTES;
/// Smallest box side the organiser may draw, in page pixels.
const MIN_BOX_SIDE: u32 = 8;

/// Whether a request is a page upload: its body (up to
/// [`MAX_PAGE_BYTES`]) is spooled to disk by [`upload`], not held to the
/// 64 KiB of other requests.
pub fn is_page_upload(state: &AppState, method: &Method, path: &str) -> bool {
    let path = path.strip_prefix(state.base.as_str()).unwrap_or(path);
    let parts: Vec<&str> = path.split('/').collect();
    method == Method::POST
        && matches!(
            parts.as_slice(),
            ["", "api", "organise", "reunions", _, "pages"]
        )
}

fn store_of(state: &AppState, tr: Tr) -> Result<ReunionStore, AppError> {
    state.reunions.store_handle().ok_or_else(|| {
        AppError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage_unavailable",
            tr.get("pages-no-store"),
        )
    })
}

fn storage_trouble(tr: Tr, e: impl std::fmt::Display) -> AppError {
    tracing::warn!("class pages: {e}");
    AppError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "storage_unavailable",
        tr.get("pages-save-failed"),
    )
}

/// Runs store work off the async threads.
async fn in_store<T: Send + 'static>(
    tr: Tr,
    store: ReunionStore,
    f: impl FnOnce(&ReunionStore) -> anyhow::Result<T> + Send + 'static,
) -> Result<T, AppError> {
    match tokio::task::spawn_blocking(move || f(&store)).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(storage_trouble(tr, format!("{e:#}"))),
        Err(e) => Err(storage_trouble(tr, e)),
    }
}

fn page_json(page: &DraftPage) -> Value {
    let mut v = serde_json::to_value(page).unwrap_or_default();
    v["image"] = json!(format!(
        "/api/organise/reunions/{}/pages/{}/image",
        page.reunion, page.id
    ));
    v
}

fn no_page(tr: Tr) -> AppError {
    AppError::not_found(tr.get("pages-no-such-page"))
}

/// The event's pages, once this organiser may see them, and the store.
async fn event_pages(
    state: &AppState,
    who: &Organiser,
    tr: Tr,
    id: u32,
) -> Result<(Vec<DraftPage>, ReunionStore), AppError> {
    reunion_for(state, who, id)?;
    let store = store_of(state, tr)?;
    let pages = in_store(tr, store.clone(), move |s| drafts::list(s, id)).await?;
    Ok((pages, store))
}

/// `GET /api/organise/reunions/{id}/pages` → `{pages: [...]}`, oldest first.
pub async fn list(
    State(state): State<Arc<AppState>>,
    who: Organiser,
    tr: Tr,
    Ids(id): Ids<u32>,
) -> Result<Response, AppError> {
    let (pages, _) = event_pages(&state, &who, tr, id).await?;
    let pages: Vec<Value> = pages.iter().map(page_json).collect();
    Ok(Json(json!({ "pages": pages })).into_response())
}

#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    #[serde(default)]
    file: String,
}

/// What reading a page gave: the straightened page as PNG, its size and
/// turn, and the boxes.
struct Read {
    png: Vec<u8>,
    width: u32,
    height: u32,
    skew: f32,
    boxes: Vec<DraftBox>,
}

/// Why a page gave nothing.
enum Unread {
    /// Not an image we take: the photo upload's own sentence.
    Refused(crate::uploads::check::Problem),
    /// More bytes than a page may be.
    TooLarge(u64),
    /// The detector's reason.
    NotClassPage(crate::pages::NotClass),
    Failed(String),
    Pdf(crate::pages::PdfError),
}

impl Unread {
    /// The refusal, in the organiser's language.
    fn refusal(self, tr: Tr) -> AppError {
        use crate::pages::PdfError;
        use crate::roster::photos::{MAX_PIXELS, MAX_SIDE};
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        match self {
            Self::Refused(problem) => problem.refused(),
            Self::TooLarge(bytes) => too_large(bytes),
            Self::NotClassPage(why) => AppError::new(
                status,
                "not_class_page",
                tr.arg("pages-not-class", "why", why.say(tr.lang)),
            ),
            Self::Failed(why) => {
                AppError::new(status, "unreadable", tr.arg("pages-unreadable", "why", why))
            }
            Self::Pdf(PdfError::NoPoppler) => AppError::new(status, "pdf", tr.get("pages-no-pdf")),
            Self::Pdf(PdfError::TooLarge { width, height }) => {
                AppError::keyed(status, "too_many_pixels", "pages-pdf-too-large")
                    .with("width", width)
                    .with("height", height)
                    .with("side", MAX_SIDE)
                    .with("mp", MAX_PIXELS / 1_000_000)
            }
            Self::Pdf(PdfError::Unreadable(why)) => AppError::new(
                status,
                "unreadable",
                tr.arg("pages-pdf-unreadable", "why", why),
            ),
            Self::Pdf(PdfError::Io(e)) => storage_trouble(tr, e),
        }
    }
}

/// 413 `too_large` for a page of `bytes`.
fn too_large(bytes: u64) -> AppError {
    AppError::keyed(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        "pages-too-large",
    )
    // One decimal, kept as tenths of a MiB: "286,1" in German.
    .with(
        "mb",
        super::Arg::Tenths((bytes as f64 / 104_857.6).round() as i64),
    )
    .with("max", MAX_PAGE_BYTES >> 20)
}

/// The page files an upload holds, each with its page number in a PDF:
/// the file itself (PNG, JPEG, TIFF), or a PDF's pages drawn into `dir`
/// as `yearbook pages` draws them.
fn pages_of_upload(spooled: &Path, dir: &Path) -> Result<Vec<(Option<usize>, PathBuf)>, Unread> {
    use std::io::Read as _;
    let mut head = Vec::with_capacity(1024);
    std::fs::File::open(spooled)
        .and_then(|f| f.take(1024).read_to_end(&mut head))
        .map_err(|e| Unread::Failed(e.to_string()))?;
    let is_pdf = crate::uploads::check::sniff_page(&head).map_err(Unread::Refused)?;
    if !is_pdf {
        return Ok(vec![(None, spooled.to_path_buf())]);
    }
    let drawn = crate::pages::draw_pdf(spooled, dir, "p").map_err(Unread::Pdf)?;
    if drawn.is_empty() {
        return Err(Unread::Pdf(crate::pages::PdfError::Unreadable(
            "no pages".into(),
        )));
    }
    Ok(drawn
        .into_iter()
        .enumerate()
        .map(|(n, p)| (Some(n + 1), p))
        .collect())
}

/// Reads one page file as `yearbook pages` reads it
/// ([`crate::pages::open_page`]: the same size and pixel limits).
/// A name not read says why in `lang`.
fn read(path: &Path, lang: Lang) -> Result<Read, Unread> {
    use crate::pages::PageFileError;
    let img = crate::pages::open_page(path).map_err(|e| match e {
        PageFileError::TooLarge { bytes } => Unread::TooLarge(bytes),
        PageFileError::Decode(e) => Unread::Refused(crate::uploads::check::decode_problem(e)),
        PageFileError::Io(e) => Unread::Failed(e.to_string()),
    })?;
    read_image(&img, lang)
}

/// [`read`] of a decoded page.
fn read_image(img: &GrayImage, lang: Lang) -> Result<Read, Unread> {
    let (straight, mut page) =
        crate::pages::read_page_straightened(img, crate::pages::tesseract_available()).map_err(
            |e| match e {
                PageError::NotClass(why) => Unread::NotClassPage(why),
                PageError::Failed(e) => Unread::Failed(e),
            },
        )?;
    let window = |w: &crate::pages::face::Window| {
        let x0 = w.x0.round().max(0.0) as u32;
        let y0 = w.y0.round().max(0.0) as u32;
        [
            x0,
            y0,
            ((w.x0 + w.w).round().max(0.0) as u32).max(x0 + 1),
            ((w.y0 + w.h).round().max(0.0) as u32).max(y0 + 1),
        ]
    };
    // Before framing: each box's photo and face, for framing its book
    // together at "Add to the class".
    let unframed: Vec<([u32; 4], Option<[f32; 3]>)> = page
        .found
        .iter()
        .map(|f| (window(&f.shown), f.face.map(|c| [c.cx, c.cy, c.size])))
        .collect();
    // The page framed alone: shown until the book is framed together.
    crate::pages::frame_class(std::slice::from_mut(&mut page));
    let boxes = page
        .found
        .iter()
        .zip(unframed)
        .map(|(f, (cell, face))| DraftBox {
            x0: f.rect.x0,
            y0: f.rect.y0,
            x1: f.rect.x1,
            y1: f.rect.y1,
            name: f.name.clone(),
            read: f.name.clone(),
            flag: f.flag.as_ref().map(|why| why.say(lang)),
            framed: Some(window(&f.shown)),
            cell: Some(cell),
            face,
        })
        .collect();
    let mut png = Vec::new();
    straight
        .write_to(&mut std::io::Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|e| Unread::Failed(e.to_string()))?;
    Ok(Read {
        png,
        width: straight.width(),
        height: straight.height(),
        skew: page.skew_deg,
        boxes,
    })
}

/// A private folder for one upload (the page as it arrived, a PDF's
/// pages drawn), in the uploads' staging folder when there is one (else
/// the system's temporary one), removed on drop whatever the outcome.
fn spool_dir(state: &AppState, tr: Tr) -> Result<tempfile::TempDir, AppError> {
    let base = match &state.uploads {
        Some(uploads) => uploads
            .spool_path()
            .map_err(|e| storage_trouble(tr, e))?
            .parent()
            .map(Path::to_path_buf),
        None => None,
    };
    tempfile::Builder::new()
        .prefix("yearbook-page-")
        .tempdir_in(base.unwrap_or_else(std::env::temp_dir))
        .map_err(|e| storage_trouble(tr, e))
}

/// The body written to `path` as it arrives, at most [`MAX_PAGE_BYTES`]
/// within [`PAGE_READ_TIMEOUT`]: a 200 MB scan never sits in memory.
async fn spool_page(tr: Tr, body: Body, path: &Path) -> Result<(), AppError> {
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(|e| storage_trouble(tr, e))?;
    super::spool_bounded(body, MAX_PAGE_BYTES as usize, PAGE_READ_TIMEOUT, &mut file)
        .await
        .map_err(|cut| match cut {
            Err(e) => storage_trouble(tr, e),
            Ok(cut) => cut.into_error(
                AppError::bad_request(tr.get("pages-cut")),
                AppError::bad_request(tr.arg("pages-slow", "seconds", PAGE_READ_TIMEOUT.as_secs())),
                |bytes| too_large(bytes as u64),
            ),
        })?;
    Ok(())
}

fn too_many_pages(tr: Tr) -> AppError {
    AppError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "too_many_pages",
        tr.num("pages-too-many", "max", MAX_PAGES as u64),
    )
}

/// `POST /api/organise/reunions/{id}/pages?file=NAME` with the page's
/// bytes (PNG, JPEG or TIFF, or a PDF of pages; at most 256 MiB, spooled
/// to disk): 201 with the (first) page, all pages made in `pages` and a
/// PDF's pages that gave nothing in `refused`; 422 `not_class_page` with
/// the detector's sentence; 413 `too_large`; the photo upload's other
/// refusals (422 `heic`, `not_image`, `too_many_pixels`, `unreadable`, …);
/// 422 `pdf` for a PDF on a server without poppler.
pub async fn upload(
    State(state): State<Arc<AppState>>,
    who: Organiser,
    tr: Tr,
    Ids(id): Ids<u32>,
    Query(query): Query<UploadQuery>,
    headers: axum::http::HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    reunion_for(&state, &who, id)?;
    // A body announced too large is refused before a byte is read.
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if let Some(bytes) = announced.filter(|&b| b > MAX_PAGE_BYTES) {
        return Err(too_large(bytes));
    }
    let store = store_of(&state, tr)?;
    let count = in_store(tr, store.clone(), move |s| Ok(drafts::list(s, id)?.len())).await?;
    if count >= MAX_PAGES {
        return Err(too_many_pages(tr));
    }
    let dir = spool_dir(&state, tr)?;
    let spooled = dir.path().join("upload");
    spool_page(tr, body, &spooled).await?;
    let file = crate::uploads::check::file_name(&query.file);
    let files = {
        let drawn = dir.path().join("drawn");
        tokio::task::spawn_blocking(move || pages_of_upload(&spooled, &drawn))
            .await
            .map_err(|e| storage_trouble(tr, e))?
            .map_err(|u| u.refusal(tr))?
    };
    if count + files.len() > MAX_PAGES {
        return Err(too_many_pages(tr));
    }
    let mut made = Vec::new();
    let mut refused = Vec::new();
    let mut first_refusal = None;
    for (number, path) in files {
        let name: String = match number {
            None => file.clone(),
            Some(n) => {
                use fluent_bundle::FluentValue;
                tr.lang.with(
                    "pages-pdf-page",
                    &[
                        ("file", FluentValue::from(file.as_str())),
                        ("page", FluentValue::from(n as u64)),
                    ],
                )
            }
        }
        .chars()
        .take(crate::reunion::MAX_TEXT)
        .collect();
        let read = {
            let _one_at_a_time = DETECTING
                .acquire()
                .await
                .map_err(|e| storage_trouble(tr, e))?;
            let lang = tr.lang;
            tokio::task::spawn_blocking(move || read(&path, lang))
                .await
                .map_err(|e| storage_trouble(tr, e))?
        };
        let read = match read {
            Ok(read) => read,
            // One page of a PDF that is not a class page (its title page)
            // leaves the others.
            Err(unread @ (Unread::NotClassPage(_) | Unread::Failed(_))) if number.is_some() => {
                let e = unread.refusal(tr);
                refused.push(json!({"file": name, "error": e.code, "message": e.message}));
                first_refusal.get_or_insert(e);
                continue;
            }
            Err(unread) => return Err(unread.refusal(tr)),
        };
        let at = crate::clock::Clock::new().now() as i64;
        let page = in_store(tr, store.clone(), move |s| {
            let new = NewPage {
                reunion: id,
                file: &name,
                png: &read.png,
                width: read.width,
                height: read.height,
                skew: read.skew,
                boxes: &read.boxes,
                at,
            };
            let page = drafts::insert(s, &new)?;
            drafts::list(s, id)?
                .into_iter()
                .find(|p| p.id == page)
                .ok_or_else(|| anyhow::anyhow!("a page kept is gone"))
        })
        .await?;
        made.push(page_json(&page));
    }
    let Some(first) = made.first() else {
        // Not one page of the PDF was a class page: its first page's word.
        return Err(first_refusal.unwrap_or_else(|| no_page(tr)));
    };
    let mut answer = first.clone();
    answer["pages"] = json!(made);
    answer["refused"] = json!(refused);
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

/// `GET /api/organise/reunions/{id}/pages/{page}/image`: the straightened
/// page (PNG), which the boxes' pixels refer to.
pub async fn image(
    State(state): State<Arc<AppState>>,
    who: Organiser,
    tr: Tr,
    Ids((id, page)): Ids<(u32, i64)>,
) -> Result<Response, AppError> {
    reunion_for(&state, &who, id)?;
    let store = store_of(&state, tr)?;
    let png = in_store(tr, store, move |s| drafts::image(s, id, page))
        .await?
        .ok_or_else(|| no_page(tr))?;
    let mut response = Bytes::from(png).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct PageEdit {
    #[serde(default)]
    label: String,
    boxes: Vec<DraftBox>,
}

/// The organiser's boxes, checked against the page: inside it, at least
/// [`MIN_BOX_SIDE`] each way, names of at most [`crate::reunion::MAX_TEXT`]
/// characters.
fn checked_boxes(
    tr: Tr,
    page: &DraftPage,
    boxes: Vec<DraftBox>,
) -> Result<Vec<DraftBox>, AppError> {
    let refuse =
        |message: String| AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_boxes", message);
    if boxes.len() > MAX_BOXES {
        return Err(refuse(tr.num(
            "pages-too-many-boxes",
            "max",
            MAX_BOXES as u64,
        )));
    }
    boxes
        .into_iter()
        .enumerate()
        .map(|(n, mut b)| {
            let inside = b.x0 + MIN_BOX_SIDE <= b.x1
                && b.y0 + MIN_BOX_SIDE <= b.y1
                && b.x1 <= page.width
                && b.y1 <= page.height;
            if !inside {
                return Err(refuse(tr.num("pages-box-outside", "n", n as u64 + 1)));
            }
            b.name = b.name.split_whitespace().collect::<Vec<_>>().join(" ");
            if b.name.chars().count() > crate::reunion::MAX_TEXT {
                return Err(refuse(tr.num(
                    "pages-name-too-long",
                    "max",
                    crate::reunion::MAX_TEXT as u64,
                )));
            }
            b.read = b.read.chars().take(crate::reunion::MAX_TEXT).collect();
            b.flag = b.flag.map(|f| f.chars().take(200).collect());
            // The framing is the server's: kept only for a box still where
            // it was (not moved, not resized), whatever the client sent.
            let found = page
                .boxes
                .iter()
                .find(|o| (o.x0, o.y0, o.x1, o.y1) == (b.x0, b.y0, b.x1, b.y1));
            b.framed = found.and_then(|o| o.framed);
            b.cell = found.and_then(|o| o.cell);
            b.face = found.and_then(|o| o.face);
            Ok(b)
        })
        .collect()
}

/// `PUT /api/organise/reunions/{id}/pages/{page}` `{label, boxes}`: the
/// organiser's boxes and names, saved whole (last write wins); 200 with
/// the page; 422 `bad_boxes` with a sentence.
pub async fn save(
    State(state): State<Arc<AppState>>,
    who: Organiser,
    tr: Tr,
    Ids((id, page)): Ids<(u32, i64)>,
    body: Bytes,
) -> Result<Response, AppError> {
    reunion_for(&state, &who, id)?;
    let edit: PageEdit = serde_json::from_slice(&body)
        .map_err(|e| AppError::bad_request(tr.arg("pages-bad-edit", "why", e)))?;
    let store = store_of(&state, tr)?;
    let pages = in_store(tr, store.clone(), move |s| drafts::list(s, id)).await?;
    let before = pages
        .into_iter()
        .find(|p| p.id == page)
        .ok_or_else(|| no_page(tr))?;
    let boxes = checked_boxes(tr, &before, edit.boxes)?;
    let label: String = edit
        .label
        .trim()
        .chars()
        .take(crate::roster::csv::MAX_LABEL_CHARS)
        .collect();
    let saved = in_store(tr, store, move |s| {
        if !drafts::update(s, id, page, &label, &boxes)? {
            return Ok(None);
        }
        Ok(drafts::list(s, id)?.into_iter().find(|p| p.id == page))
    })
    .await?
    .ok_or_else(|| no_page(tr))?;
    Ok(Json(page_json(&saved)).into_response())
}

/// `DELETE /api/organise/reunions/{id}/pages/{page}`: 204.
pub async fn remove(
    State(state): State<Arc<AppState>>,
    who: Organiser,
    tr: Tr,
    Ids((id, page)): Ids<(u32, i64)>,
) -> Result<StatusCode, AppError> {
    reunion_for(&state, &who, id)?;
    let store = store_of(&state, tr)?;
    if in_store(tr, store, move |s| drafts::delete(s, id, &[page])).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(no_page(tr))
    }
}

/// The file name a box's portrait is imported under: its name, as a
/// dropped `Ann Lee.png` would be.
fn file_for(name: &str) -> String {
    // A slash would make a folder of the name, a trailing "(1983)" a label.
    let name = name.replace(['/', '\\'], "-");
    format!("{name}.png")
}

/// Cuts out one box as drawn, as a PNG (the import's pipeline then levels
/// and sizes it); a box kept from before books were framed together is
/// cut at its own page's framing.
fn crop_png(page: &GrayImage, b: &DraftBox) -> Result<Vec<u8>, String> {
    let [x0, y0, x1, y1] = b.framed.unwrap_or([b.x0, b.y0, b.x1, b.y1]);
    let x1 = x1.min(page.width());
    let y1 = y1.min(page.height());
    if x0 >= x1 || y0 >= y1 {
        return Err("empty box".into());
    }
    png_of(&imageops::crop_imm(page, x0, y0, x1 - x0, y1 - y0).to_image())
}

fn png_of(img: &GrayImage) -> Result<Vec<u8>, String> {
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(png)
}

/// A box still where the detector found it, as the detector gave it
/// before framing (its photo and face), for [`crate::pages::frame_class`].
fn unframed(page: &GrayImage, b: &DraftBox) -> Option<crate::pages::Found> {
    b.framed?;
    let [x0, y0, x1, y1] = b.cell?;
    let (x1, y1) = (x1.min(page.width()), y1.min(page.height()));
    if x0 >= x1 || y0 >= y1 {
        return None;
    }
    let photo = imageops::crop_imm(page, x0, y0, x1 - x0, y1 - y0).to_image();
    Some(crate::pages::Found {
        rect: crate::pages::Rect {
            x0: b.x0,
            y0: b.y0,
            x1: b.x1,
            y1: b.y1,
        },
        shown: crate::pages::face::Window {
            x0: x0 as f32,
            y0: y0 as f32,
            w: photo.width() as f32,
            h: photo.height() as f32,
        },
        photo,
        name: b.name.clone(),
        flag: None,
        face: b
            .face
            .map(|[cx, cy, size]| crate::pages::face::Face { cx, cy, size }),
        framing: None,
    })
}

/// Every box of `pages` cut out as a PNG, page by page and box by box:
/// the unmoved boxes of one book (pages of one label, or all unlabelled
/// ones) framed together by [`crate::pages::frame_class`], as `yearbook
/// pages` frames a book, so that the same pages give the same crops; a box
/// the organiser drew, moved or resized is cut as drawn.
fn cut_boxes(
    store: &ReunionStore,
    id: u32,
    pages: &[DraftPage],
) -> anyhow::Result<Vec<Vec<Vec<u8>>>> {
    use crate::reunion::label_key;
    let mut cut: Vec<Vec<Vec<u8>>> = pages.iter().map(|_| Vec::new()).collect();
    let mut books: Vec<String> = Vec::new();
    for page in pages {
        let book = label_key(Some(&page.label));
        if !books.contains(&book) {
            books.push(book);
        }
    }
    for book in books {
        // Each page's framed boxes, and where each one's crop goes.
        let mut read = Vec::new();
        let mut slots = Vec::new();
        for (p, page) in pages.iter().enumerate() {
            if label_key(Some(&page.label)) != book {
                continue;
            }
            let png = drafts::image(store, id, page.id)?
                .ok_or_else(|| anyhow::anyhow!("page {} is gone", page.id))?;
            let img = image::load_from_memory(&png)?.into_luma8();
            let mut found = Vec::new();
            for (n, b) in page.boxes.iter().enumerate() {
                match unframed(&img, b) {
                    Some(f) => {
                        found.push(f);
                        slots.push((p, n));
                        cut[p].push(Vec::new());
                    }
                    None => cut[p].push(crop_png(&img, b).map_err(anyhow::Error::msg)?),
                }
            }
            read.push(crate::pages::PageResult {
                skew_deg: 0.0,
                found,
            });
        }
        crate::pages::frame_class(&mut read);
        let framed = read.iter().flat_map(|page| page.found.iter());
        for (f, (p, n)) in framed.zip(slots) {
            cut[p][n] = png_of(&f.photo).map_err(anyhow::Error::msg)?;
        }
    }
    Ok(cut)
}

/// Each box of `pages` with no name, as "page 2 (senior-2.png), portrait 6".
fn unnamed(tr: Tr, pages: &[DraftPage]) -> Vec<String> {
    pages
        .iter()
        .enumerate()
        .flat_map(|(p, page)| {
            page.boxes
                .iter()
                .enumerate()
                .filter(|(_, b)| b.name.trim().is_empty())
                .map(move |(n, _)| {
                    use fluent_bundle::FluentValue;
                    tr.lang.with(
                        "pages-unnamed-one",
                        &[
                            ("page", FluentValue::from((p + 1) as u64)),
                            ("file", FluentValue::from(page.file.as_str())),
                            ("portrait", FluentValue::from((n + 1) as u64)),
                        ],
                    )
                })
        })
        .collect()
}

/// Two boxes of one name are one person's two photos, which need a label
/// each, not the same one (two books: `1983`, `1986`); else the sentence
/// naming the first two that are not.
fn same_name_twice(tr: Tr, pages: &[DraftPage]) -> Option<String> {
    use crate::reunion::label_key;
    use crate::roster::csv::name_key;
    let boxes: Vec<(usize, usize, &DraftPage)> = pages
        .iter()
        .enumerate()
        .flat_map(|(p, page)| (0..page.boxes.len()).map(move |n| (p, n, page)))
        .collect();
    for (i, &(p, n, page)) in boxes.iter().enumerate() {
        let key = name_key(&page.boxes[n].name);
        let label = label_key(Some(&page.label));
        let clash = boxes[i + 1..].iter().find(|&&(_, m, other)| {
            name_key(&other.boxes[m].name) == key
                && (label.is_empty()
                    || other.label.trim().is_empty()
                    || label_key(Some(&other.label)) == label)
        });
        if let Some(&(q, m, _)) = clash {
            use fluent_bundle::FluentValue;
            return Some(tr.lang.with(
                "pages-same-name",
                &[
                    ("name", FluentValue::from(page.boxes[n].name.as_str())),
                    ("page", FluentValue::from((p + 1) as u64)),
                    ("portrait", FluentValue::from((n + 1) as u64)),
                    ("otherpage", FluentValue::from((q + 1) as u64)),
                    ("otherportrait", FluentValue::from((m + 1) as u64)),
                ],
            ));
        }
    }
    None
}

/// `POST /api/organise/reunions/{id}/pages/roster`: every box of every
/// page goes into the event as an uploaded photo named after it (with
/// its page's label), the same way as dropped files; the pages are then
/// done and dropped. 422 `names_missing` naming each box without a name,
/// 422 `same_name` for one name twice without a label each (nothing is
/// added); 200 `{added, uploads: [...]}` as the uploads list.
pub async fn to_roster(
    State(state): State<Arc<AppState>>,
    who: Organiser,
    tr: Tr,
    Ids(id): Ids<u32>,
) -> Result<Response, AppError> {
    let lang = tr.lang;
    let (pages, store) = event_pages(&state, &who, tr, id).await?;
    if pages.is_empty() {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "no_pages",
            tr.get("pages-none"),
        ));
    }
    let missing = unnamed(tr, &pages);
    if !missing.is_empty() {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "names_missing",
            tr.arg("pages-names-missing", "which", missing.join("; ")),
        ));
    }
    if let Some(twice) = same_name_twice(tr, &pages) {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "same_name",
            twice,
        ));
    }
    let cut_pages = pages.clone();
    let files = in_store(tr, store.clone(), move |s| {
        let cut = cut_boxes(s, id, &cut_pages)?;
        Ok(cut_pages
            .iter()
            .zip(cut)
            .flat_map(|(page, crops)| {
                page.boxes
                    .iter()
                    .zip(crops)
                    .map(|(b, crop)| (file_for(&b.name), page.label.clone(), crop))
            })
            .collect::<Vec<_>>())
    })
    .await?;
    let added = files.len();
    let uploads = super::uploads::import_files(&state, &who, lang, id, files).await?;
    let ids: Vec<i64> = pages.iter().map(|p| p.id).collect();
    in_store(tr, store, move |s| drafts::delete(s, id, &ids)).await?;
    Ok(Json(json!({ "added": added, "uploads": uploads })).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found_box(framed: Option<[u32; 4]>) -> DraftBox {
        DraftBox {
            x0: 10,
            y0: 20,
            x1: 70,
            y1: 100,
            name: "Ann Lee".into(),
            read: String::new(),
            flag: None,
            framed,
            cell: None,
            face: None,
        }
    }

    fn size_of(png: &[u8]) -> (u32, u32) {
        let img = image::load_from_memory(png).expect("a PNG");
        (img.width(), img.height())
    }

    #[test]
    fn a_box_is_cut_at_its_framing_while_it_has_one_else_as_drawn() {
        let page = GrayImage::new(200, 200);
        let framed = crop_png(&page, &found_box(Some([15, 25, 60, 85]))).expect("a crop");
        assert_eq!(size_of(&framed), (45, 60));
        let drawn = crop_png(&page, &found_box(None)).expect("a crop");
        assert_eq!(size_of(&drawn), (60, 80));
    }
}
