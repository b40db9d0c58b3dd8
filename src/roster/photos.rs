//! Web-sized photo variants: every photo of one size class has the same
//! pixel dimensions (a centred 4:5 crop), EXIF orientation applied, all
//! metadata dropped, washed-out scans stretched to full contrast.
//! Variants are cached on disk by content hash, so a restart redoes nothing.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};

/// Phone tiles.
pub const THUMB: (u32, u32) = (192, 240);
/// The projector.
pub const PHOTO: (u32, u32) = (576, 720);
/// Byte budgets: a round on a phone is four thumbs, well under 100 KiB.
pub const THUMB_MAX_BYTES: usize = 25 * 1024;
pub const PHOTO_MAX_BYTES: usize = 120 * 1024;
/// Bumped whenever the variants change, so old cache entries are not used.
const PIPELINE_VERSION: u32 = 1;

/// The largest photo accepted, per side and in all: a 600 dpi scan of a
/// whole yearbook page is about 5100 × 6600 (34 megapixels). Checked from
/// the file's header before decoding, so a small file claiming huge
/// dimensions (a decompression bomb) costs nothing.
pub const MAX_SIDE: u32 = 8000;
pub const MAX_PIXELS: u64 = 40_000_000;

/// Decoder limits as a second line of defence: within [`MAX_SIDE`], and
/// no more memory than a 40-megapixel 16-bit RGBA image needs.
fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 8);
    limits
}

/// Why a photo cannot be used; `Display` continues "photo 'x.png' …".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    TooLarge { width: u32, height: u32 },
    Unreadable(String),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooLarge { width, height } => write!(
                f,
                "is {width}×{height}; the largest accepted is {MAX_SIDE}×{MAX_SIDE} \
                 and {} megapixels",
                MAX_PIXELS / 1_000_000
            ),
            Self::Unreadable(e) => write!(f, "cannot be read as an image: {e}"),
        }
    }
}

fn reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, DecodeError> {
    ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| DecodeError::Unreadable(e.to_string()))
}

/// Decodes an image whatever its extension says, after checking its
/// dimensions from the header, and turns it upright as its EXIF
/// orientation says.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, DecodeError> {
    decode_formats(|| reader(bytes), &[ImageFormat::Png, ImageFormat::Jpeg])
}

/// [`decode`], TIFF too: scanned yearbook pages (`yearbook pages`), which
/// a scanner may save as TIFF; photos stay PNG and JPEG.
pub fn decode_page(bytes: &[u8]) -> Result<DynamicImage, DecodeError> {
    decode_formats(|| reader(bytes), PAGE_FORMATS)
}

const PAGE_FORMATS: &[ImageFormat] = &[ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::Tiff];

/// [`decode_page`] of a file, read as it is decoded: a 200 MB TIFF is
/// never in memory twice (its bytes and its pixels).
pub fn decode_page_file(path: &Path) -> Result<DynamicImage, DecodeError> {
    let open = || {
        ImageReader::open(path)
            .and_then(ImageReader::with_guessed_format)
            .map_err(|e| DecodeError::Unreadable(e.to_string()))
    };
    decode_formats(open, PAGE_FORMATS)
}

/// Decodes what `open` opens (each call opens it afresh: the header is
/// read before the pixels), if it is one of `formats`.
fn decode_formats<R: std::io::BufRead + std::io::Seek>(
    open: impl Fn() -> Result<ImageReader<R>, DecodeError>,
    formats: &[ImageFormat],
) -> Result<DynamicImage, DecodeError> {
    // The same words as the decoder's for a format it was built without.
    if let Some(format) = open()?.format()
        && !formats.contains(&format)
    {
        return Err(DecodeError::Unreadable(format!(
            "The image format {format:?} is not supported"
        )));
    }
    let (width, height) = open()?
        .into_dimensions()
        .map_err(|e| DecodeError::Unreadable(e.to_string()))?;
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(DecodeError::TooLarge { width, height });
    }
    let mut reader = open()?;
    reader.limits(limits());
    let bad = |e: image::ImageError| DecodeError::Unreadable(e.to_string());
    let mut decoder = reader.into_decoder().map_err(bad)?;
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(bad)?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    Ok(img)
}

/// Id of a source photo, from its bytes: names its cache entries and finds
/// the same image twice in a roster. Never shown to clients (their URLs
/// are per room: `urls.rs`).
pub fn photo_id(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    hex::encode(&digest[..8])
}

/// One encoded variant.
#[derive(Debug, Clone)]
pub struct Variant {
    pub bytes: Bytes,
    pub content_type: &'static str,
}

/// How variants are made.
#[derive(Debug, Clone, Default)]
pub struct Pipeline {
    /// Stretch washed-out scans to full contrast.
    pub enhance: bool,
    /// Where variants are kept between runs; `None` = always recompute.
    pub cache_dir: Option<PathBuf>,
    /// Free space the cache leaves on its disk; `None`: [`CACHE_RESERVE_BYTES`].
    pub reserve_bytes: Option<u64>,
    /// Set after a failed cache write: the rest of the run keeps its
    /// variants in memory only.
    pub cache_failed: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// Maps the darkest and brightest 0.5 % of pixels to black and white: a
/// faded print gets its contrast back, a good one barely changes.
pub fn stretch_levels(img: &mut DynamicImage) {
    let luma = img.to_luma8();
    let mut hist = [0u64; 256];
    for p in luma.pixels() {
        hist[p.0[0] as usize] += 1;
    }
    let total: u64 = hist.iter().sum();
    if total == 0 {
        return;
    }
    let cut = total / 200;
    let percentile = |from_top: bool| {
        let mut seen = 0;
        let order: Box<dyn Iterator<Item = usize>> = if from_top {
            Box::new((0..256).rev())
        } else {
            Box::new(0..256)
        };
        for v in order {
            seen += hist[v];
            if seen > cut {
                return v as u8;
            }
        }
        if from_top { 255 } else { 0 }
    };
    let (lo, hi) = (percentile(false), percentile(true));
    if hi <= lo || (lo < 8 && hi > 247) {
        return;
    }
    let scale = 255.0 / f32::from(hi - lo);
    let map: Vec<u8> = (0..=255u8)
        .map(|v| {
            ((f32::from(v.saturating_sub(lo))) * scale)
                .round()
                .clamp(0.0, 255.0) as u8
        })
        .collect();
    match img {
        DynamicImage::ImageLuma8(g) => g.pixels_mut().for_each(|p| p.0[0] = map[p.0[0] as usize]),
        _ => {
            let mut rgb = img.to_rgb8();
            rgb.pixels_mut()
                .for_each(|p| p.0.iter_mut().for_each(|c| *c = map[*c as usize]));
            *img = DynamicImage::ImageRgb8(rgb);
        }
    }
}

fn is_grey(img: &DynamicImage) -> bool {
    if !img.color().has_color() {
        return true;
    }
    // Scans saved as RGB are often grey anyway: one channel is a third the bytes.
    let rgb = img.to_rgb8();
    rgb.pixels()
        .step_by(7)
        .all(|p| p.0[0].abs_diff(p.0[1]) < 6 && p.0[1].abs_diff(p.0[2]) < 6)
}

/// Encodes within `max_bytes`, lowering the quality until it fits.
fn encode(
    img: &DynamicImage,
    (w, h): (u32, u32),
    max_bytes: usize,
    grey: bool,
) -> Result<Variant, String> {
    let resized = img.resize_to_fill(w, h, FilterType::CatmullRom);
    let resized = if grey {
        DynamicImage::ImageLuma8(resized.to_luma8())
    } else {
        DynamicImage::ImageRgb8(resized.to_rgb8())
    };
    let mut out = Vec::new();
    for quality in [82u8, 74, 66, 58, 50, 40] {
        out.clear();
        resized
            .write_with_encoder(JpegEncoder::new_with_quality(&mut out, quality))
            .map_err(|e| e.to_string())?;
        if out.len() <= max_bytes {
            break;
        }
    }
    Ok(Variant {
        bytes: Bytes::from(out),
        content_type: "image/jpeg",
    })
}

/// `(thumb, photo)` for a decoded image. Re-encoding drops all metadata.
pub fn variants(mut img: DynamicImage, enhance: bool) -> Result<(Variant, Variant), String> {
    if enhance {
        stretch_levels(&mut img);
    }
    let grey = is_grey(&img);
    Ok((
        encode(&img, THUMB, THUMB_MAX_BYTES, grey)?,
        encode(&img, PHOTO, PHOTO_MAX_BYTES, grey)?,
    ))
}

/// The photo cache never takes the last of its disk: the database, on the
/// same disk as a rule, needs the room more (a nearly full disk at start
/// once went to the cache and left none for the database).
pub const CACHE_RESERVE_BYTES: u64 = 100 * 1024 * 1024;

/// Bytes an unprivileged process may still write on `dir`'s disk.
#[cfg(unix)]
pub(crate) fn free_bytes(dir: &Path) -> Option<u64> {
    let s = rustix::fs::statvfs(dir).ok()?;
    Some(s.f_bavail.saturating_mul(s.f_frsize))
}

#[cfg(not(unix))]
pub(crate) fn free_bytes(_dir: &Path) -> Option<u64> {
    None
}

/// The smallest JPEG comment segment: marker and length, no text.
const MIN_SEGMENT: usize = 4;
/// The largest: a segment's length field counts itself and tops out at 65535.
const MAX_SEGMENT: usize = 2 + 65_535;

/// Pads every JPEG to the same length (the largest one's, or four bytes
/// more when a gap of 1–3 bytes could not be filled by a segment), so a
/// photo's size tells nothing of who is on it. The padding is comment
/// (COM) segments after the APPn headers, which every decoder skips.
pub fn pad_to_same_length(variants: &mut [Variant]) {
    let Some(longest) = variants.iter().map(|v| v.bytes.len()).max() else {
        return;
    };
    let awkward = variants
        .iter()
        .any(|v| (1..MIN_SEGMENT).contains(&(longest - v.bytes.len())));
    let target = if awkward {
        longest + MIN_SEGMENT
    } else {
        longest
    };
    for v in variants {
        v.bytes = pad_jpeg(&v.bytes, target);
    }
}

/// `jpeg` grown to exactly `target` bytes (`target - len` is 0 or at least 4).
fn pad_jpeg(jpeg: &[u8], target: usize) -> Bytes {
    let mut gap = target.saturating_sub(jpeg.len());
    if gap == 0 {
        return Bytes::copy_from_slice(jpeg);
    }
    let at = after_app_headers(jpeg);
    let mut out = Vec::with_capacity(target);
    out.extend_from_slice(&jpeg[..at]);
    while gap > 0 {
        let mut segment = gap.min(MAX_SEGMENT);
        // Never leave a remainder too small for a segment of its own.
        if (1..MIN_SEGMENT).contains(&(gap - segment)) {
            segment -= MIN_SEGMENT;
        }
        let len = u16::try_from(segment - 2).unwrap_or(u16::MAX);
        out.extend_from_slice(&[0xFF, 0xFE]);
        out.extend_from_slice(&len.to_be_bytes());
        out.resize(out.len() + segment - MIN_SEGMENT, b' ');
        gap -= segment;
    }
    out.extend_from_slice(&jpeg[at..]);
    Bytes::from(out)
}

/// Where the SOI marker and the APPn segments (JFIF, EXIF) end: JFIF wants
/// its header first, so the padding goes after them. A file that is not
/// a JPEG gets its padding at the start (never the case for our variants).
fn after_app_headers(jpeg: &[u8]) -> usize {
    if !jpeg.starts_with(&[0xFF, 0xD8]) {
        return 0;
    }
    let mut at = 2;
    while at + 4 <= jpeg.len() && jpeg[at] == 0xFF && (0xE0..=0xEF).contains(&jpeg[at + 1]) {
        let len = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        if at + 2 + len > jpeg.len() {
            break;
        }
        at += 2 + len;
    }
    at
}

/// A whole JPEG (start and end markers): a cache file cut short by a full
/// disk or a crash is not used.
fn is_whole_jpeg(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8]) && bytes.ends_with(&[0xFF, 0xD9])
}

impl Pipeline {
    fn cache_path(&self, id: &str, kind: &str) -> Option<PathBuf> {
        let tag = if self.enhance { "e" } else { "n" };
        self.cache_dir
            .as_ref()
            .map(|d| d.join(format!("{id}-{kind}-v{PIPELINE_VERSION}{tag}.jpg")))
    }

    fn cached(&self, id: &str) -> Option<(Variant, Variant)> {
        let read = |kind| {
            let bytes = std::fs::read(self.cache_path(id, kind)?).ok()?;
            is_whole_jpeg(&bytes).then(|| Variant {
                bytes: Bytes::from(bytes),
                content_type: "image/jpeg",
            })
        };
        Some((read("thumb")?, read("photo")?))
    }

    /// The variants the cache holds for photo `id` (its [`photo_id`]),
    /// without reading or decoding the source.
    pub fn cached_variants(&self, id: &str) -> Option<(Variant, Variant)> {
        self.cached(id)
    }

    /// Before a load: creates the cache folder and removes the `*.tmp`
    /// files an earlier run left when it died mid-write. On failure the
    /// photos are made in memory at every start; the error says why.
    pub fn prepare_cache(&self) -> Result<(), String> {
        let Some(dir) = &self.cache_dir else {
            return Ok(());
        };
        let failed = |e: std::io::Error| {
            self.cache_failed
                .store(true, std::sync::atomic::Ordering::Relaxed);
            format!(
                "the photo cache {} cannot be used ({e}); photos are made in memory at each start",
                dir.display()
            )
        };
        std::fs::create_dir_all(dir).map_err(failed)?;
        for entry in std::fs::read_dir(dir).map_err(failed)?.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "tmp") && path.is_file() {
                std::fs::remove_file(&path).map_err(failed)?;
            }
        }
        Ok(())
    }

    /// Writes both variants; on any failure nothing half-written stays
    /// behind and the error names the file.
    fn store(&self, id: &str, thumb: &Variant, photo: &Variant) -> Result<(), String> {
        if let Some(dir) = &self.cache_dir {
            std::fs::create_dir_all(dir).map_err(|e| {
                format!(
                    "cannot create the photo cache {} ({e}); photos are made in memory instead",
                    dir.display()
                )
            })?;
            let reserve = self.reserve_bytes.unwrap_or(CACHE_RESERVE_BYTES);
            let needed = (thumb.bytes.len() + photo.bytes.len()) as u64;
            if let Some(free) = free_bytes(dir)
                && free < reserve.saturating_add(needed)
            {
                return Err(format!(
                    "only {} MiB free on the disk of the photo cache {}: it keeps {} MiB \
                     for the database, so photos are made in memory instead",
                    free >> 20,
                    dir.display(),
                    reserve >> 20
                ));
            }
        }
        for (kind, v) in [("thumb", thumb), ("photo", photo)] {
            let Some(path) = self.cache_path(id, kind) else {
                return Ok(());
            };
            // Write then rename: a crash never leaves half a file under the real name.
            let tmp = path.with_extension("tmp");
            let written =
                std::fs::write(&tmp, &v.bytes).and_then(|()| std::fs::rename(&tmp, &path));
            if let Err(e) = written {
                let _ = std::fs::remove_file(&tmp);
                return Err(format!(
                    "cannot write the photo cache file {} ({e}); photos are made in memory instead",
                    path.display()
                ));
            }
        }
        Ok(())
    }

    /// The variants of one source photo, from the cache when it has them.
    pub fn process(&self, source: &[u8]) -> Result<(String, Variant, Variant), String> {
        let id = photo_id(source);
        if let Some((thumb, photo)) = self.cached(&id) {
            return Ok((id, thumb, photo));
        }
        let img = decode(source).map_err(|e| e.to_string())?;
        let (thumb, photo) = variants(img, self.enhance)?;
        if !self.cache_failed.load(std::sync::atomic::Ordering::Relaxed)
            && let Err(e) = self.store(&id, &thumb, &photo)
        {
            self.warn_once(e);
        }
        Ok((id, thumb, photo))
    }

    /// One warning per run for a cache that cannot be written (a full
    /// disk would otherwise log once per photo), and no more tries.
    fn warn_once(&self, message: String) {
        if !self
            .cache_failed
            .swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            tracing::warn!("{message}");
        }
    }
}

/// The cache folder for a database file: beside it.
pub fn cache_dir_for(db: &Path) -> PathBuf {
    let name = db
        .file_name()
        .map_or_else(|| "yearbook".into(), |n| n.to_string_lossy().to_string());
    db.with_file_name(format!("{name}.photos"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, Luma};

    fn washed_out() -> DynamicImage {
        let mut g = GrayImage::new(100, 120);
        for (x, y, p) in g.enumerate_pixels_mut() {
            *p = Luma([90 + ((x + y) % 60) as u8]);
        }
        DynamicImage::ImageLuma8(g)
    }

    #[test]
    fn a_faded_scan_is_stretched_to_full_range() {
        let mut img = washed_out();
        stretch_levels(&mut img);
        let g = img.to_luma8();
        let (min, max) = g
            .pixels()
            .fold((255, 0), |(lo, hi), p| (lo.min(p.0[0]), hi.max(p.0[0])));
        assert!(min < 10 && max > 245, "{min}..{max}");
    }

    #[test]
    fn variants_have_fixed_sizes_and_fit_their_budgets() {
        let (thumb, photo) = variants(washed_out(), true).unwrap();
        let t = image::load_from_memory(&thumb.bytes).unwrap();
        let p = image::load_from_memory(&photo.bytes).unwrap();
        assert_eq!((t.width(), t.height()), THUMB);
        assert_eq!((p.width(), p.height()), PHOTO);
        assert!(thumb.bytes.len() <= THUMB_MAX_BYTES);
        assert!(photo.bytes.len() <= PHOTO_MAX_BYTES);
    }

    #[test]
    fn the_cache_is_used_on_the_second_run() {
        let dir = tempfile::tempdir().unwrap();
        let pipeline = Pipeline {
            enhance: true,
            cache_dir: Some(dir.path().join("c")),
            reserve_bytes: Some(0),
            ..Pipeline::default()
        };
        let png = png_of(&washed_out());
        let (id, thumb, _) = pipeline.process(&png).unwrap();
        // A cache hit does not decode: replace the cached thumb to prove it is read.
        let path = pipeline.cache_path(&id, "thumb").unwrap();
        std::fs::write(&path, b"\xFF\xD8cached\xFF\xD9").unwrap();
        let (_, again, _) = pipeline.process(&png).unwrap();
        assert_eq!(&again.bytes[..], b"\xFF\xD8cached\xFF\xD9");
        assert_ne!(thumb.bytes, again.bytes);
        // One cut short (a full disk, a crash) is made again instead.
        std::fs::write(&path, b"\xFF\xD8cut").unwrap();
        let (_, remade, _) = pipeline.process(&png).unwrap();
        assert_eq!(remade.bytes, thumb.bytes);
    }

    fn png_of(img: &DynamicImage) -> Vec<u8> {
        let mut png = Vec::new();
        img.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        png
    }

    fn tmp_files(dir: &Path) -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "tmp"))
            .collect()
    }

    #[test]
    fn stale_tmp_files_are_removed_and_a_failed_write_leaves_none() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("c");
        std::fs::create_dir_all(&cache).unwrap();
        for i in 0..3 {
            std::fs::write(cache.join(format!("{i}-thumb-v1e.tmp")), b"half").unwrap();
        }
        let pipeline = Pipeline {
            enhance: true,
            cache_dir: Some(cache.clone()),
            ..Pipeline::default()
        };
        pipeline.prepare_cache().unwrap();
        assert!(tmp_files(&cache).is_empty(), "stale tmp files removed");

        // The final name is taken by a folder: the rename fails, as a
        // write to a full disk would. The photo is still served.
        let png = png_of(&washed_out());
        let id = photo_id(&png);
        std::fs::create_dir_all(pipeline.cache_path(&id, "thumb").unwrap()).unwrap();
        let (_, thumb, photo) = pipeline.process(&png).unwrap();
        assert!(!thumb.bytes.is_empty() && !photo.bytes.is_empty());
        assert!(tmp_files(&cache).is_empty(), "no tmp file left behind");
        assert!(
            pipeline
                .cache_failed
                .load(std::sync::atomic::Ordering::Relaxed)
        );
    }

    #[test]
    #[cfg(unix)]
    fn the_cache_leaves_the_last_of_the_disk_to_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("c");
        let pipeline = Pipeline {
            enhance: false,
            cache_dir: Some(cache.clone()),
            // No disk has this much free: as if it were nearly full.
            reserve_bytes: Some(u64::MAX / 2),
            ..Pipeline::default()
        };
        let png = png_of(&washed_out());
        assert!(pipeline.process(&png).is_ok(), "served from memory");
        assert!(
            pipeline
                .cache_failed
                .load(std::sync::atomic::Ordering::Relaxed)
        );
        assert_eq!(
            std::fs::read_dir(&cache).unwrap().count(),
            0,
            "nothing written"
        );
        let roomy = Pipeline {
            reserve_bytes: Some(0),
            cache_failed: Default::default(),
            ..pipeline
        };
        roomy.process(&png).unwrap();
        assert_eq!(
            std::fs::read_dir(&cache).unwrap().count(),
            2,
            "both sizes cached"
        );
    }

    #[test]
    fn a_cache_folder_that_cannot_be_made_is_said_and_photos_still_made() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"x").unwrap();
        let pipeline = Pipeline {
            enhance: false,
            cache_dir: Some(blocker.join("c")),
            ..Pipeline::default()
        };
        let err = pipeline.prepare_cache().unwrap_err();
        assert!(
            err.contains("photo cache") && err.contains("in memory"),
            "{err}"
        );
        assert!(pipeline.process(&png_of(&washed_out())).is_ok());
    }

    #[test]
    fn padded_jpegs_have_one_length_and_still_decode() {
        let mut vs: Vec<Variant> = [40u32, 60, 80, 120]
            .iter()
            .map(|&w| {
                let mut g = GrayImage::new(w, w);
                for (x, y, p) in g.enumerate_pixels_mut() {
                    *p = Luma([((x * 7 + y * 13) % 256) as u8]);
                }
                variants(DynamicImage::ImageLuma8(g), false).unwrap().0
            })
            .collect();
        let before: Vec<DynamicImage> = vs
            .iter()
            .map(|v| image::load_from_memory(&v.bytes).unwrap())
            .collect();
        // A gap of 1–3 bytes cannot hold a segment: the target grows by 4.
        let mut awkward = vs[0].clone();
        let mut bytes = awkward.bytes.to_vec();
        bytes.truncate(bytes.len() - 2);
        bytes.extend_from_slice(&[0xFF, 0xD9]);
        awkward.bytes = Bytes::from(bytes);
        vs.push(awkward);
        pad_to_same_length(&mut vs);
        let len = vs[0].bytes.len();
        assert!(vs.iter().all(|v| v.bytes.len() == len));
        for (v, was) in vs.iter().zip(&before) {
            let now = image::load_from_memory(&v.bytes).unwrap();
            assert_eq!(now.to_luma8(), was.to_luma8(), "same pixels after padding");
        }
        // Over 64 KiB of padding takes more than one segment.
        let mut big = vec![vs[0].clone(), vs[0].clone()];
        big[1].bytes = pad_jpeg(&big[1].bytes, len + 150_000);
        pad_to_same_length(&mut big);
        assert_eq!(big[0].bytes.len(), len + 150_000);
        assert_eq!(
            image::load_from_memory(&big[0].bytes).unwrap().to_luma8(),
            before[0].to_luma8()
        );
    }

    #[test]
    fn a_huge_image_is_refused_from_its_header() {
        // A small JPEG whose header claims 12,000 × 12,000 is refused
        // before any decoding (the same check holds for every format).
        let mut jpeg = variants(washed_out(), false).unwrap().0.bytes.to_vec();
        let sof = jpeg
            .windows(2)
            .position(|w| w == [0xFF, 0xC0])
            .expect("a baseline JPEG");
        let mut set_size = |w: u16, h: u16| {
            jpeg[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
            jpeg[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
            decode(&jpeg)
        };
        let err = set_size(12_000, 12_000).unwrap_err();
        assert_eq!(
            err,
            DecodeError::TooLarge {
                width: 12_000,
                height: 12_000
            }
        );
        assert_eq!(
            err.to_string(),
            "is 12000×12000; the largest accepted is 8000×8000 and 40 megapixels"
        );
        // Within each side but over the pixel count: 7000 × 7000 = 49 MP.
        assert!(matches!(
            set_size(7_000, 7_000),
            Err(DecodeError::TooLarge { .. })
        ));
    }
}
