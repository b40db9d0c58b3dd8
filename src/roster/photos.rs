//! Web-sized photo variants: every photo of one size class has the same
//! pixel dimensions (a centred 4:5 crop), so the four tiles line up.

use std::io::Cursor;

use bytes::Bytes;
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageReader, Limits};
use sha2::{Digest, Sha256};

/// Phone tiles.
pub const THUMB: (u32, u32) = (192, 240);
/// The projector.
pub const PHOTO: (u32, u32) = (576, 720);
const JPEG_QUALITY: u8 = 80;

/// Decoder limits: a scan is a few megapixels; anything far larger is a
/// mistake or a decompression bomb.
fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(512 * 1024 * 1024);
    limits
}

/// Decodes an image whatever its extension says, within [`limits`].
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    reader.limits(limits());
    reader.decode().map_err(|e| e.to_string())
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

fn encode(img: &DynamicImage, (w, h): (u32, u32)) -> Result<Variant, String> {
    let resized = img.resize_to_fill(w, h, FilterType::CatmullRom);
    let mut out = Vec::new();
    let encoder = JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
    // Grey scans stay one channel: a third of the bytes.
    let result = if img.color().has_color() {
        DynamicImage::ImageRgb8(resized.to_rgb8()).write_with_encoder(encoder)
    } else {
        DynamicImage::ImageLuma8(resized.to_luma8()).write_with_encoder(encoder)
    };
    result.map_err(|e| e.to_string())?;
    Ok(Variant {
        bytes: Bytes::from(out),
        content_type: "image/jpeg",
    })
}

/// `(thumb, photo)` for a decoded image. Re-encoding drops all metadata.
pub fn variants(img: &DynamicImage) -> Result<(Variant, Variant), String> {
    Ok((encode(img, THUMB)?, encode(img, PHOTO)?))
}
