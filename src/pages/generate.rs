//! Yearbook-like class pages for tests and docs: a grid of the demo class's
//! generated portraits with each name typeset under it in a serif font, then
//! optional halftone and a slight rotation. No real people.

use ab_glyph::{Font, FontVec, PxScale, ScaleFont};
use image::{GrayImage, Luma, imageops};

/// Debian's fonts-dejavu-core (installed by .ci/run) or fonts-liberation.
const SERIF_FONTS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
];

/// Loads the first serif font found on this machine.
pub fn serif_font() -> Result<FontVec, String> {
    for path in SERIF_FONTS {
        if let Ok(bytes) = std::fs::read(path)
            && let Ok(font) = FontVec::try_from_vec(bytes)
        {
            return Ok(font);
        }
    }
    Err(format!(
        "no serif font found (tried {}); install fonts-dejavu-core",
        SERIF_FONTS.join(", ")
    ))
}

/// How a page looks.
pub struct PageSpec<'a> {
    pub columns: u32,
    pub rows: u32,
    /// Portrait size in pixels (about 150 dpi for a yearbook's 1 inch).
    pub photo_w: u32,
    pub photo_h: u32,
    /// Degrees, counter-clockwise; within ±3.
    pub rotate_deg: f32,
    pub halftone: bool,
    /// One caption per portrait, row by row; fewer names leave cells empty.
    pub names: &'a [String],
    /// Grayscale portraits, used in turn.
    pub portraits: &'a [GrayImage],
}

/// Draws `text` centred on `cx`, its top at `top`; returns the line height.
pub fn draw_text(
    img: &mut GrayImage,
    font: &FontVec,
    px: f32,
    cx: f32,
    top: f32,
    text: &str,
) -> f32 {
    let scaled = font.as_scaled(PxScale::from(px));
    let mut width = 0.0;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            width += scaled.kern(p, id);
        }
        width += scaled.h_advance(id);
        previous = Some(id);
    }
    let mut x = cx - width / 2.0;
    let baseline = top + scaled.ascent();
    previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            x += scaled.kern(p, id);
        }
        let glyph = id.with_scale_and_position(PxScale::from(px), ab_glyph::point(x, baseline));
        x += scaled.h_advance(id);
        previous = Some(id);
        if let Some(outline) = font.outline_glyph(glyph) {
            let b = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let px_x = b.min.x as i64 + i64::from(gx);
                let px_y = b.min.y as i64 + i64::from(gy);
                if px_x >= 0
                    && px_y >= 0
                    && (px_x as u32) < img.width()
                    && (px_y as u32) < img.height()
                {
                    let p = img.get_pixel_mut(px_x as u32, px_y as u32);
                    let ink = (coverage.clamp(0.0, 1.0) * 255.0) as u8;
                    p.0[0] = p.0[0].saturating_sub(ink);
                }
            });
        }
    }
    scaled.height() + scaled.line_gap()
}

/// Where a page's portrait `portrait` (an index into the spec's
/// `portraits`) lies on the page before it is turned: zoomed to
/// `zoomed` pixels, its top left `(dx, dy)` cut off, the rest drawn with
/// its top left at `(x, y)`. So a point `(sx, sy)` of the portrait lands
/// at `x + sx * zoomed.0 / width - dx` across (and likewise down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    pub portrait: usize,
    pub x: u32,
    pub y: u32,
    pub zoomed: (u32, u32),
    pub dx: u32,
    pub dy: u32,
}

/// The page's size and each portrait's place, in the order of the names.
pub fn layout(spec: &PageSpec<'_>) -> ((u32, u32), Vec<Placement>) {
    let (gap_x, gap_y) = gaps(spec);
    let margin = spec.photo_w / 2;
    let width = margin * 2 + spec.columns * spec.photo_w + (spec.columns - 1) * gap_x;
    let height = margin * 2 + spec.rows * (spec.photo_h + gap_y);
    let placed = spec
        .names
        .iter()
        .enumerate()
        .take((spec.columns * spec.rows) as usize)
        .filter(|_| !spec.portraits.is_empty())
        .map(|(i, name)| {
            let (col, row) = (i as u32 % spec.columns, i as u32 / spec.columns);
            let seed = i as u32 + name.len() as u32 * 31;
            let (zoomed, dx, dy) = framing(spec.photo_w, spec.photo_h, seed);
            Placement {
                portrait: i % spec.portraits.len(),
                x: margin + col * (spec.photo_w + gap_x),
                y: margin + row * (spec.photo_h + gap_y),
                zoomed,
                dx,
                dy,
            }
        })
        .collect();
    ((width, height), placed)
}

/// Paper between portraits: across, and down (the caption's room).
fn gaps(spec: &PageSpec<'_>) -> (u32, u32) {
    let caption_h = spec.photo_h * 2 / 5;
    (spec.photo_w / 3, caption_h + spec.photo_h / 8)
}

/// Makes one page; names wider than the cell are set on two lines.
pub fn page(spec: &PageSpec<'_>, font: &FontVec) -> GrayImage {
    let ((width, height), placed) = layout(spec);
    let mut img = GrayImage::from_pixel(width, height, Luma([255]));
    let px = spec.photo_h as f32 / 7.0;
    let cell_w = (spec.photo_w + gaps(spec).0) as f32 * 0.95;
    for (p, name) in placed.iter().zip(spec.names) {
        let big = imageops::resize(
            &spec.portraits[p.portrait],
            p.zoomed.0,
            p.zoomed.1,
            imageops::FilterType::Triangle,
        );
        let mut photo = imageops::crop_imm(&big, p.dx, p.dy, spec.photo_w, spec.photo_h).to_image();
        if spec.halftone {
            halftone(&mut photo);
        }
        imageops::replace(&mut img, &photo, i64::from(p.x), i64::from(p.y));
        let cx = p.x as f32 + spec.photo_w as f32 / 2.0;
        let top = (p.y + spec.photo_h) as f32 + px * 0.4;
        let lines = split_caption(name, |s| text_width(font, px, s) <= cell_w);
        let mut at = top;
        for line in lines {
            at += draw_text(&mut img, font, px, cx, at, &line);
        }
    }
    if spec.rotate_deg != 0.0 {
        img = super::rotate(&img, spec.rotate_deg.to_radians());
    }
    img
}

/// How one of a class's photographers framed a `w`×`h` portrait: zoomed
/// in by up to 10 % and shifted within that, by `seed`, so that faces sit
/// a little higher or lower, left or right, larger or smaller, as in a
/// real yearbook (the demo drawings' faces differ a little already).
/// Returns the zoomed size and the top left cut off.
fn framing(w: u32, h: u32, seed: u32) -> ((u32, u32), u32, u32) {
    // A small integer hash: three numbers in [0, 1) from the seed.
    let mut state = seed.wrapping_mul(0x9E37_79B9) ^ 0x5bd1_e995;
    let mut next = || {
        state ^= state >> 15;
        state = state.wrapping_mul(0x2C1B_3C6D);
        state ^= state >> 12;
        (state % 1000) as f32 / 1000.0
    };
    let zoom = 1.0 + 0.1 * next();
    let (zw, zh) = (
        (w as f32 * zoom).round() as u32,
        (h as f32 * zoom).round() as u32,
    );
    let (dx, dy) = (
        ((zw - w) as f32 * next()) as u32,
        ((zh - h) as f32 * next()) as u32,
    );
    ((zw, zh), dx, dy)
}

fn text_width(font: &FontVec, px: f32, text: &str) -> f32 {
    let scaled = font.as_scaled(PxScale::from(px));
    text.chars()
        .map(|c| scaled.h_advance(scaled.glyph_id(c)))
        .sum()
}

/// One line when it fits, else two split at the space nearest the middle.
fn split_caption(name: &str, fits: impl Fn(&str) -> bool) -> Vec<String> {
    if fits(name) {
        return vec![name.to_string()];
    }
    let middle = name.len() / 2;
    match name
        .match_indices(' ')
        .map(|(i, _)| i)
        .min_by_key(|i| i.abs_diff(middle))
    {
        Some(i) => vec![name[..i].to_string(), name[i + 1..].to_string()],
        None => vec![name.to_string()],
    }
}

/// Print-like ordered dithering of the portraits: dots on a 4-pixel grid.
pub(crate) fn halftone(img: &mut GrayImage) {
    const BAYER: [[u8; 4]; 4] = [[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]];
    for (x, y, p) in img.enumerate_pixels_mut() {
        let v = p.0[0];
        {
            let threshold = (BAYER[(y % 4) as usize][(x % 4) as usize] as u16 * 16 + 8) as u8;
            p.0[0] = if v > threshold { 235 } else { 40 };
        }
    }
}

/// The measured sample: 10 pages of two books, 120 made-up names.
pub const SAMPLE_PAGES: usize = 10;
const SAMPLE_FIRST: &[&str] = &[
    "Alice", "Brian", "Carol", "David", "Emily", "Frank", "Grace", "Henry", "Irene", "James",
    "Karen", "Louis",
];
const SAMPLE_LAST: &[&str] = &[
    "Walker",
    "Turner",
    "Hughes",
    "Porter",
    "Fisher",
    "Morgan",
    "Bishop",
    "Carter",
    "Palmer",
    "Montgomery",
];

/// The sample's 120 different names, some long enough for two lines.
pub fn sample_names() -> Vec<String> {
    (0..SAMPLE_PAGES * 12)
        .map(|i| {
            let first = SAMPLE_FIRST[i % SAMPLE_FIRST.len()];
            let last = SAMPLE_LAST[(i / SAMPLE_FIRST.len() + i) % SAMPLE_LAST.len()];
            if i % 9 == 4 {
                format!("{first} Christopher {last}")
            } else {
                format!("{first} {last}")
            }
        })
        .collect()
}

/// Sample page `n`: pages 0-5 the senior book, 6-9 the junior one (bigger
/// portraits), rotated up to 3° either way, every other halftoned; 12
/// portraits each, named by `names[n * 12..]` (see [`sample_names`]).
pub fn sample_spec<'a>(n: usize, names: &'a [String], portraits: &'a [GrayImage]) -> PageSpec<'a> {
    const TURNS: [f32; SAMPLE_PAGES] = [0.0, 1.5, -2.2, 3.0, -3.0, 0.6, 0.0, -1.1, 2.4, -0.4];
    let senior = n < 6;
    PageSpec {
        columns: 4,
        rows: 3,
        photo_w: if senior { 110 } else { 130 },
        photo_h: if senior { 140 } else { 160 },
        rotate_deg: TURNS[n % SAMPLE_PAGES],
        halftone: n % 2 == 1,
        names: &names[(n * 12).min(names.len())..((n + 1) * 12).min(names.len())],
        portraits: &portraits[(n * 5) % portraits.len().max(1)..],
    }
}
