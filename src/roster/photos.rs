//! Web-sized photo variants: every photo of one size class has the same
//! pixel dimensions (a centred 4:5 crop), EXIF orientation applied, all
//! metadata dropped, washed-out scans stretched to full contrast.
//! Variants are cached on disk by content hash, so a restart redoes nothing.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
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

/// Decoder limits: a scan is a few megapixels; anything far larger is a
/// mistake or a decompression bomb.
fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(512 * 1024 * 1024);
    limits
}

/// Decodes an image whatever its extension says, within [`limits`], and
/// turns it upright as its EXIF orientation says.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    Ok(img)
}

/// Stable opaque id of a photo: derived from its bytes, so it carries nothing
/// of the person's name and survives restarts.
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
pub fn variants(img: &DynamicImage, enhance: bool) -> Result<(Variant, Variant), String> {
    let mut img = img.clone();
    if enhance {
        stretch_levels(&mut img);
    }
    let grey = is_grey(&img);
    Ok((
        encode(&img, THUMB, THUMB_MAX_BYTES, grey)?,
        encode(&img, PHOTO, PHOTO_MAX_BYTES, grey)?,
    ))
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
            (!bytes.is_empty()).then(|| Variant {
                bytes: Bytes::from(bytes),
                content_type: "image/jpeg",
            })
        };
        Some((read("thumb")?, read("photo")?))
    }

    fn store(&self, id: &str, thumb: &Variant, photo: &Variant) {
        let Some(dir) = &self.cache_dir else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        for (kind, v) in [("thumb", thumb), ("photo", photo)] {
            if let Some(path) = self.cache_path(id, kind) {
                // Write then rename: a crash never leaves half a file behind.
                let tmp = path.with_extension("tmp");
                if std::fs::write(&tmp, &v.bytes).is_ok() {
                    let _ = std::fs::rename(&tmp, &path);
                }
            }
        }
    }

    /// The variants of one source photo, from the cache when it has them.
    pub fn process(&self, source: &[u8]) -> Result<(String, Variant, Variant), String> {
        let id = photo_id(source);
        if let Some((thumb, photo)) = self.cached(&id) {
            return Ok((id, thumb, photo));
        }
        let img = decode(source)?;
        let (thumb, photo) = variants(&img, self.enhance)?;
        self.store(&id, &thumb, &photo);
        Ok((id, thumb, photo))
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
        let (thumb, photo) = variants(&washed_out(), true).unwrap();
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
        };
        let mut png = Vec::new();
        washed_out()
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let (id, thumb, _) = pipeline.process(&png).unwrap();
        // A cache hit does not decode: corrupt the cached thumb to prove it is read.
        let path = pipeline.cache_path(&id, "thumb").unwrap();
        std::fs::write(&path, b"cached").unwrap();
        let (_, again, _) = pipeline.process(&png).unwrap();
        assert_eq!(&again.bytes[..], b"cached");
        assert_ne!(thumb.bytes, again.bytes);
    }
}
