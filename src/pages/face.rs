//! One framing for the class (issue 23): each portrait is cropped so that
//! its face sits at the same place and size in every crop. Faces are
//! found with `rustface` (SeetaFace's frontal detector); its model comes
//! from inside the crate's package and is embedded in the binary by
//! `build.rs`, so nothing is fetched at run time. A portrait without a
//! face found keeps its whole box, and says so.

use image::{GrayImage, imageops};

/// The SeetaFace frontal model from the rustface package (BSD-2-Clause).
static MODEL: &[u8] = include_bytes!(env!("YEARBOOK_FACE_MODEL"));

/// Faces are looked for in each portrait scaled to these widths (about a
/// 150 dpi scan's): the size a 600 dpi scan's would cost 16 times more.
const WORK_WIDTHS: [u32; 3] = [100, 120, 144];

/// Faces are centred across every crop.
pub const FACE_X: f32 = 0.5;
/// A class framing never shows the face wider than this share of the crop
/// (a face-only crop); past it, portraits are kept within their boxes.
const MOST_FACE_WIDTH: f32 = 0.85;
/// Share of a class's faces that may fall outside the framing (each kept
/// within its box, flagged) rather than zoom every other one in for it.
const OUTLIERS: f32 = 0.02;

/// A face found, in the pixels of the image searched: its box's centre
/// and side (the detector's boxes are square, brows to mouth).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Face {
    pub cx: f32,
    pub cy: f32,
    pub size: f32,
}

/// A face detector set for portraits: one face filling a fifth or more of
/// the image's width.
pub struct FaceFinder {
    detector: Box<dyn rustface::Detector>,
}

impl FaceFinder {
    pub fn new() -> Result<Self, String> {
        let model = rustface::read_model(MODEL)
            .map_err(|e| format!("the face model does not load: {e}"))?;
        let mut detector = rustface::create_detector_with_model(model);
        detector.set_score_thresh(2.0);
        // Finer than the default steps: the box's size and place are what
        // the framing is measured by.
        detector.set_pyramid_scale_factor(0.9);
        detector.set_slide_window_step(2, 2);
        Ok(Self { detector })
    }

    /// The face of `img` (one portrait), or `None`. The detector's box
    /// wanders by a few percent with the image's scale, so the face is
    /// found at [`WORK_WIDTHS`] and the boxes averaged; a halftone's dots
    /// are blurred away first (the detector reads them as texture).
    pub fn find(&mut self, img: &GrayImage) -> Option<Face> {
        // A halftone's dots need more blur than a photo's grain (measured
        // on the generated pages); if that finds nothing, the other.
        let sigmas = if is_halftone(img) {
            [2.2, 1.4]
        } else {
            [1.0, 1.6]
        };
        sigmas.into_iter().find_map(|sigma| {
            let found: Vec<Face> = WORK_WIDTHS
                .iter()
                .filter_map(|&width| self.find_at(img, width, sigma))
                .collect();
            let n = found.len() as f32;
            (n > 0.0).then(|| Face {
                cx: found.iter().map(|f| f.cx).sum::<f32>() / n,
                cy: found.iter().map(|f| f.cy).sum::<f32>() / n,
                size: found.iter().map(|f| f.size).sum::<f32>() / n,
            })
        })
    }

    /// The most certain face of `img` scaled to `width` pixels across,
    /// whose centre lies in its middle, in `img`'s pixels.
    fn find_at(&mut self, img: &GrayImage, width: u32, sigma: f32) -> Option<Face> {
        let scale = width as f32 / img.width().max(1) as f32;
        let (w, h) = (width, (img.height() as f32 * scale).round() as u32);
        // The detector's smallest window is 20 pixels.
        if h < 24 {
            return None;
        }
        let small = imageops::resize(img, w, h, imageops::FilterType::Triangle);
        let smooth = imageops::blur(&small, sigma * width as f32 / WORK_WIDTHS[0] as f32);
        // A portrait's face is a third of its width or more: no smaller
        // windows (they cost the most).
        self.detector.set_min_face_size((w * 3 / 10).max(20));
        self.detector.set_max_face_size(w.min(h));
        let faces = self
            .detector
            .detect(&rustface::ImageData::new(&smooth, w, h));
        faces
            .iter()
            .map(|f| {
                let b = f.bbox();
                let face = Face {
                    cx: (b.x() as f32 + b.width() as f32 / 2.0) / scale,
                    cy: (b.y() as f32 + b.height() as f32 / 2.0) / scale,
                    size: b.width() as f32 / scale,
                };
                (face, f.score())
            })
            .filter(|(f, _)| {
                let (across, down) = (f.cx / img.width() as f32, f.cy / img.height() as f32);
                (0.15..0.85).contains(&across) && (0.1..0.9).contains(&down)
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(face, _)| face)
    }
}

/// Whether `img` is printed in dots: neighbouring pixels differ a lot on
/// average (a photo's, even a grainy one's, by a few levels; a halftone's,
/// even turned and resampled, by 15 or more: at 30 a turned page's
/// halftone was taken for a photo and its face's size 24 % off).
pub fn is_halftone(img: &GrayImage) -> bool {
    let (w, h) = img.dimensions();
    if w < 2 {
        return false;
    }
    let steps: u64 = (0..h)
        .flat_map(|y| (1..w).map(move |x| (x, y)))
        .map(|(x, y)| u64::from(img.get_pixel(x, y).0[0].abs_diff(img.get_pixel(x - 1, y).0[0])))
        .sum();
    steps > 15 * u64::from(w - 1) * u64::from(h)
}

/// A window on a portrait's box, in its pixels (fractional).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub x0: f32,
    pub y0: f32,
    pub w: f32,
    pub h: f32,
}

/// The class framing: the face's width and its centre's height, as
/// shares of the crop (its centre across is [`FACE_X`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Framing {
    pub width: f32,
    pub y: f32,
}

/// A face in its box: (face, box width, box height).
pub type Placed = (Face, f32, f32);

impl Framing {
    /// The framing that shows the class's faces largest-box-first: the
    /// least zoom that lets (all but [`OUTLIERS`] of) the faces sit at one
    /// place and size in crops of shape `aspect` (width / height) cut from
    /// inside their boxes, at the best height for that. `None` without
    /// faces.
    pub fn of_class(faces: &[Placed], aspect: f32) -> Option<Framing> {
        if faces.is_empty() {
            return None;
        }
        // The face width share a face needs so that its window fits its
        // box when its centre is at `y` down the crop.
        let need = |&(f, bw, bh): &Placed, y: f32| {
            let across = f.size / (2.0 * (f.cx.min(bw - f.cx)).max(1.0));
            let above = y * f.size / (aspect * f.cy.max(1.0));
            let below = (1.0 - y) * f.size / (aspect * (bh - f.cy).max(1.0));
            across.max(above).max(below).max(f.size / bw)
        };
        let keep = ((faces.len() as f32 * (1.0 - OUTLIERS)).ceil() as usize).clamp(1, faces.len());
        (30..=60)
            .map(|percent| {
                let y = percent as f32 / 100.0;
                let mut needs: Vec<f32> = faces.iter().map(|p| need(p, y)).collect();
                needs.sort_by(f32::total_cmp);
                Framing {
                    width: needs[keep - 1].min(MOST_FACE_WIDTH),
                    y,
                }
            })
            .min_by(|a, b| a.width.total_cmp(&b.width))
    }

    /// The window of a `box_w`×`box_h` box that shows `face` in this
    /// framing in a crop of shape `aspect`, and whether it does: a face
    /// too large or too near the box's edge gets the nearest window that
    /// stays inside the box (no paper, no neighbour).
    pub fn window(&self, face: Face, box_w: f32, box_h: f32, aspect: f32) -> (Window, bool) {
        let mut w = face.size / self.width;
        let mut h = w / aspect;
        let fits_size = w <= box_w + 0.5 && h <= box_h + 0.5;
        if w > box_w || h > box_h {
            let shrink = (box_w / w).min(box_h / h);
            w *= shrink;
            h *= shrink;
        }
        let x0 = face.cx - FACE_X * w;
        let y0 = face.cy - self.y * h;
        let cx0 = x0.clamp(0.0, box_w - w);
        let cy0 = y0.clamp(0.0, box_h - h);
        // Half a pixel of slack: the crop is cut at whole pixels anyway.
        let fits = fits_size && (cx0 - x0).abs() <= 0.5 && (cy0 - y0).abs() <= 0.5;
        (
            Window {
                x0: cx0,
                y0: cy0,
                w,
                h,
            },
            fits,
        )
    }
}

/// `img`'s `window` scaled to `out_w`×`out_h`.
pub fn cut(img: &GrayImage, window: Window, out_w: u32, out_h: u32) -> GrayImage {
    let x0 = (window.x0.round().max(0.0) as u32).min(img.width().saturating_sub(1));
    let y0 = (window.y0.round().max(0.0) as u32).min(img.height().saturating_sub(1));
    let w = (window.w.round() as u32).clamp(1, img.width() - x0);
    let h = (window.h.round() as u32).clamp(1, img.height() - y0);
    let part = imageops::crop_imm(img, x0, y0, w, h).to_image();
    imageops::resize(&part, out_w, out_h, imageops::FilterType::Triangle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAMING: Framing = Framing {
        width: 0.5,
        y: 0.45,
    };

    #[test]
    fn a_face_is_put_at_the_class_framing() {
        // A 40-pixel face centred at (60, 70) of a 120×160 box, crop 3:4.
        let face = Face {
            cx: 60.0,
            cy: 70.0,
            size: 40.0,
        };
        let (win, fits) = FRAMING.window(face, 120.0, 160.0, 0.75);
        assert!(fits);
        assert_eq!(win.w, 80.0);
        assert!((win.h - 106.666_67).abs() < 1e-3);
        assert_eq!(win.x0 + FACE_X * win.w, 60.0);
        assert!((win.y0 + FRAMING.y * win.h - 70.0).abs() < 1e-3);
    }

    #[test]
    fn a_face_too_large_for_the_framing_stays_within_its_box() {
        let face = Face {
            cx: 60.0,
            cy: 80.0,
            size: 90.0,
        };
        let (win, fits) = FRAMING.window(face, 120.0, 160.0, 0.75);
        assert!(!fits);
        assert!(win.x0 >= 0.0 && win.x0 + win.w <= 120.001);
        assert!(win.y0 >= 0.0 && win.y0 + win.h <= 160.001);
    }

    #[test]
    fn the_class_framing_fits_every_face_in_its_box() {
        let placed: Vec<Placed> = [(60.0, 70.0, 40.0), (50.0, 80.0, 50.0), (70.0, 60.0, 36.0)]
            .map(|(cx, cy, size)| (Face { cx, cy, size }, 120.0, 160.0))
            .to_vec();
        let framing = Framing::of_class(&placed, 0.75).expect("a framing");
        for &(face, bw, bh) in &placed {
            assert!(
                framing.window(face, bw, bh, 0.75).1,
                "{face:?} in {framing:?}"
            );
        }
        // The face nearest the left edge (50 wide at 50) sets the zoom.
        assert!((framing.width - 0.5).abs() < 1e-3, "{framing:?}");
    }

    #[test]
    fn a_halftone_is_told_from_a_photo() {
        let photo = GrayImage::from_fn(40, 40, |x, y| image::Luma([(60 + x * 2 + y) as u8]));
        let dots = GrayImage::from_fn(40, 40, |x, y| {
            image::Luma([if (x + y) % 4 < 2 { 40 } else { 235 }])
        });
        assert!(!is_halftone(&photo));
        assert!(is_halftone(&dots));
    }
}
