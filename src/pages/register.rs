//! Registration of each portrait's face to the class's mean face (issue
//! 23). The detector's box wanders by a tenth in size from one scan to the
//! next, by a quarter on a halftone; the faces themselves are what stays.
//! So each face, cut where the detector put it, is compared with the
//! average of the class's faces cut the same way, and moved and scaled to
//! where it matches that average best (normalised cross-correlation over
//! the face, blurred enough to lose a halftone's dots). The class's faces
//! then sit alike, whatever each box's error was. Pure: no I/O.

use image::{GrayImage, imageops};

use super::face::Face;

/// Each face is compared in a copy of its photo scaled so that the
/// detector's box is this many pixels across, then blurred by [`BLUR`]:
/// at that size a printed halftone's dots are a pixel or two apart.
const WORK_FACE: f32 = 48.0;
const BLUR: f32 = 1.2;
/// Samples per face size (the detector's box side) in the compared region.
const PER_FACE: f32 = 24.0;
/// The compared region, in face sizes from the face's centre: cheeks to
/// cheeks across, hairline to chin down (not the hair or the clothes,
/// which differ from person to person more than the face does).
const ACROSS: (f32, f32) = (-0.7, 0.7);
const DOWN: (f32, f32) = (-0.8, 0.85);
/// The search: the face's size times 0.8 to 1.25 and its centre moved by
/// up to a tenth of its size, coarse first, then refined around the best
/// (wider was slower and no better on the sample pages).
const SIZES: (f32, f32) = (0.8, 1.25);
const COARSE_SIZES: usize = 10;
const SHIFT_STEP: f32 = 0.033;
const SHIFT_STEPS: i32 = 3;
const REFINE: usize = 3;
/// A best match weaker than this is no face like the class's: the
/// detector's box is kept.
const LEAST_MATCH: f32 = 0.3;
/// The average is made twice: from the detector's boxes, then from the
/// faces registered to the first one (sharper, so a finer match).
const PASSES: usize = 2;

/// A photo scaled and blurred for comparing; `scale` is its pixels per
/// photo pixel.
struct Work {
    w: usize,
    h: usize,
    px: Vec<f32>,
    scale: f32,
}

impl Work {
    fn new(photo: &GrayImage, face: Face) -> Self {
        let scale = (WORK_FACE / face.size.max(1.0)).min(1.0);
        let w = ((photo.width() as f32 * scale).round() as u32).max(1);
        let h = ((photo.height() as f32 * scale).round() as u32).max(1);
        let small = imageops::resize(photo, w, h, imageops::FilterType::Triangle);
        let smooth = imageops::blur(&small, BLUR);
        Work {
            w: w as usize,
            h: h as usize,
            px: smooth.pixels().map(|p| f32::from(p.0[0])).collect(),
            scale,
        }
    }

    /// Bilinear sample at photo pixel `(x, y)`, the edge repeated outside.
    fn at(&self, x: f32, y: f32) -> f32 {
        let x = (x * self.scale - 0.5).clamp(0.0, (self.w - 1) as f32);
        let y = (y * self.scale - 0.5).clamp(0.0, (self.h - 1) as f32);
        let (x0, y0) = (x as usize, y as usize);
        let (x1, y1) = ((x0 + 1).min(self.w - 1), (y0 + 1).min(self.h - 1));
        let (fx, fy) = (x - x0 as f32, y - y0 as f32);
        let row = |y: usize| {
            let r = &self.px[y * self.w..];
            r[x0] * (1.0 - fx) + r[x1] * fx
        };
        row(y0) * (1.0 - fy) + row(y1) * fy
    }
}

/// The compared region's grid: (columns, rows).
fn grid() -> (usize, usize) {
    (
        ((ACROSS.1 - ACROSS.0) * PER_FACE).round() as usize,
        ((DOWN.1 - DOWN.0) * PER_FACE).round() as usize,
    )
}

/// The region around `face`, sampled on the grid's every `stride`th point
/// (row by row).
fn samples(work: &Work, face: Face, stride: usize) -> impl Iterator<Item = f32> + '_ {
    let (cols, rows) = grid();
    (0..rows).step_by(stride).flat_map(move |j| {
        let y = face.cy + (DOWN.0 + (j as f32 + 0.5) / PER_FACE) * face.size;
        (0..cols).step_by(stride).map(move |i| {
            let x = face.cx + (ACROSS.0 + (i as f32 + 0.5) / PER_FACE) * face.size;
            work.at(x, y)
        })
    })
}

/// `values` less their mean, over their root sum of squares (all zero
/// when flat).
fn normalised(mut values: Vec<f32>) -> Vec<f32> {
    let n = values.len().max(1) as f32;
    let mean = values.iter().sum::<f32>() / n;
    values.iter_mut().for_each(|v| *v -= mean);
    let norm = values.iter().map(|v| v * v).sum::<f32>().sqrt();
    if norm > 0.0 {
        values.iter_mut().for_each(|v| *v /= norm);
    }
    values
}

/// Normalised cross-correlation of the region around `face` with
/// `template` (the full grid), on every `stride`th point.
fn correlation(work: &Work, face: Face, template: &[f32], stride: usize) -> f32 {
    let (cols, _) = grid();
    let (mut n, mut st, mut sp, mut stt, mut spp, mut stp) = (0.0f32, 0.0, 0.0, 0.0, 0.0, 0.0);
    let picked = template
        .chunks(cols)
        .step_by(stride)
        .flat_map(|row| row.iter().step_by(stride));
    for (&t, p) in picked.zip(samples(work, face, stride)) {
        n += 1.0;
        st += t;
        sp += p;
        stt += t * t;
        spp += p * p;
        stp += t * p;
    }
    let var_t = stt - st * st / n;
    let var_p = spp - sp * sp / n;
    if var_t <= 0.0 || var_p <= 0.0 {
        return -1.0;
    }
    (stp - st * sp / n) / (var_t * var_p).sqrt()
}

/// `face` scaled by `size` and moved by `(dx, dy)` of its size.
fn moved(face: Face, size: f32, dx: f32, dy: f32) -> Face {
    Face {
        cx: face.cx + dx * face.size,
        cy: face.cy + dy * face.size,
        size: face.size * size,
    }
}

/// Where `face` matches `template` best, and how well.
fn best_match(work: &Work, face: Face, template: &[f32]) -> (Face, f32) {
    let ratio = (SIZES.1 / SIZES.0).ln() / COARSE_SIZES as f32;
    let mut best = (0.0f32, 0.0f32, 0.0f32, f32::MIN);
    for k in 0..=COARSE_SIZES {
        let log_size = SIZES.0.ln() + k as f32 * ratio;
        for i in -SHIFT_STEPS..=SHIFT_STEPS {
            for j in -SHIFT_STEPS..=SHIFT_STEPS {
                let (dx, dy) = (i as f32 * SHIFT_STEP, j as f32 * SHIFT_STEP);
                let score = correlation(work, moved(face, log_size.exp(), dx, dy), template, 2);
                if score > best.3 {
                    best = (log_size, dx, dy, score);
                }
            }
        }
    }
    let (mut step_size, mut step_shift) = (ratio, SHIFT_STEP);
    let at = |b: (f32, f32, f32)| correlation(work, moved(face, b.0.exp(), b.1, b.2), template, 1);
    best.3 = at((best.0, best.1, best.2));
    for _ in 0..REFINE {
        step_size /= 2.0;
        step_shift /= 2.0;
        let centre = best;
        for k in -1..=1 {
            for i in -1..=1 {
                for j in -1..=1 {
                    let b = (
                        centre.0 + k as f32 * step_size,
                        centre.1 + i as f32 * step_shift,
                        centre.2 + j as f32 * step_shift,
                    );
                    if (k, i, j) == (0, 0, 0) {
                        continue;
                    }
                    let score = at(b);
                    if score > best.3 {
                        best = (b.0, b.1, b.2, score);
                    }
                }
            }
        }
    }
    (moved(face, best.0.exp(), best.1, best.2), best.3)
}

/// Each of `faces` (a photo and the face the detector found in it, in its
/// pixels) registered to the mean face of those marked in `in_mean` (all
/// of them when none is: e.g. only halftoned ones). A face that matches
/// the mean face too little keeps the detector's box.
pub fn to_mean_face(faces: &[(&GrayImage, Face)], in_mean: &[bool]) -> Vec<Face> {
    let works: Vec<Work> = faces.iter().map(|&(img, f)| Work::new(img, f)).collect();
    let detected: Vec<Face> = faces.iter().map(|&(_, f)| f).collect();
    let any_marked = in_mean.iter().any(|&m| m);
    let mut current = detected.clone();
    for _ in 0..PASSES {
        let (cols, rows) = grid();
        let mut sum = vec![0.0f32; cols * rows];
        for (k, (work, &face)) in works.iter().zip(&current).enumerate() {
            if any_marked && !in_mean.get(k).copied().unwrap_or(false) {
                continue;
            }
            let patch = normalised(samples(work, face, 1).collect());
            sum.iter_mut().zip(patch).for_each(|(s, p)| *s += p);
        }
        let template = normalised(sum);
        // Each pass searches from the detector's box: a miss in one pass
        // is not carried into the next.
        current = works
            .iter()
            .zip(&detected)
            .map(|(work, &found)| match best_match(work, found, &template) {
                (better, score) if score >= LEAST_MATCH => better,
                _ => found,
            })
            .collect();
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// A drawn face (oval, brows, eyes, nose, mouth, hair) of side `size`
    /// centred at `(cx, cy)` of a `w`×`h` photo.
    fn drawing(w: u32, h: u32, cx: f32, cy: f32, size: f32) -> GrayImage {
        let ellipse = |x: f32, y: f32, ex: f32, ey: f32, rx: f32, ry: f32| {
            ((x - ex) / rx).powi(2) + ((y - ey) / ry).powi(2) <= 1.0
        };
        GrayImage::from_fn(w, h, |x, y| {
            // In face sizes from the centre.
            let (u, v) = ((x as f32 - cx) / size, (y as f32 - cy) / size);
            let shade = if ellipse(u, v, -0.2, -0.08, 0.09, 0.05)
                || ellipse(u, v, 0.2, -0.08, 0.09, 0.05)
            {
                40
            } else if ellipse(u, v, 0.0, 0.32, 0.16, 0.05) {
                70
            } else if ellipse(u, v, -0.2, -0.22, 0.12, 0.025)
                || ellipse(u, v, 0.2, -0.22, 0.12, 0.025)
            {
                60
            } else if ellipse(u, v, 0.0, 0.12, 0.05, 0.08) {
                150
            } else if ellipse(u, v, 0.0, 0.05, 0.45, 0.62) {
                200
            } else if ellipse(u, v, 0.0, -0.15, 0.55, 0.7) {
                50
            } else {
                235
            };
            Luma([shade])
        })
    }

    fn dotted(mut img: GrayImage) -> GrayImage {
        crate::pages::generate::halftone(&mut img);
        img
    }

    #[test]
    fn a_face_found_too_large_or_off_is_moved_to_the_class_face() {
        // (cx, cy, size) of each drawn face; the detector's box for each:
        // right for most, 12 % too large and off for one, 10 % too small
        // and off for a halftoned one.
        let truth = [
            (55.0, 62.0, 60.0),
            (52.0, 66.0, 64.0),
            (58.0, 60.0, 56.0),
            (54.0, 64.0, 62.0),
            (56.0, 63.0, 58.0),
            (55.0, 65.0, 60.0),
        ];
        let photos: Vec<GrayImage> = truth
            .iter()
            .enumerate()
            .map(|(k, &(cx, cy, size))| {
                let img = drawing(110, 140, cx, cy, size);
                if k == 5 { dotted(img) } else { img }
            })
            .collect();
        let face = |(cx, cy, size): (f32, f32, f32)| Face { cx, cy, size };
        let mut found: Vec<Face> = truth.iter().map(|&t| face(t)).collect();
        found[4] = face((56.0 + 4.0, 63.0 - 3.0, 58.0 * 1.12));
        found[5] = face((55.0 - 3.0, 65.0 + 4.0, 60.0 * 0.9));
        let pairs: Vec<(&GrayImage, Face)> = photos.iter().zip(found).collect();
        let in_mean = [true, true, true, true, true, false];
        let registered = to_mean_face(&pairs, &in_mean);
        for (k, (got, want)) in registered.iter().zip(truth.map(face)).enumerate() {
            assert!(
                (got.size / want.size - 1.0).abs() <= 0.02,
                "face {k}: size {} for {}",
                got.size,
                want.size
            );
            let off = (got.cx - want.cx).hypot(got.cy - want.cy) / want.size;
            assert!(
                off <= 0.02,
                "face {k}: at ({}, {}) for {want:?}",
                got.cx,
                got.cy
            );
        }
    }
}
