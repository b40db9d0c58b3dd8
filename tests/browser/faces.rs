//! Tells who a photo on the screen shows the way a classmate would: by
//! its likeness to the yearbook's photos. A photo is compared as a small
//! grey thumbnail with its mean and contrast taken out, so the server's
//! level stretch, JPEG, scaling, a tile's dimming and a letter badge in a
//! corner do not change who it looks like; what every photo shares (the
//! average face) is taken out too, so only what tells people apart counts.

use image::DynamicImage;
use image::imageops::FilterType;

/// Size photos are compared at (4:5, like every photo in the game).
const SIZE: (u32, u32) = (20, 25);

/// The likeness (a correlation, at most 1, once the average face is taken
/// out) a photo needs to its best match, and how far ahead of the second
/// best that match must be: the demo photos on the screen score 0.95 or
/// more against their originals, and at most about 0.7 against anyone else.
const SURE: f32 = 0.9;
const AHEAD: f32 = 0.2;

pub struct Faces {
    known: Vec<(String, Vec<f32>)>,
    /// The yearbook's average face: what all photos share (a head in the
    /// middle of a plain background) says nothing about who is on one.
    average: Vec<f32>,
}

/// The middle of `img` with the aspect ratio `w`:`h` (as `object-fit: cover`
/// shows it), as a zero-mean, unit-length vector of grey levels.
fn print(img: &DynamicImage, w: f64, h: f64) -> Vec<f32> {
    let (iw, ih) = (img.width() as f64, img.height() as f64);
    let (cw, ch) = if iw / ih > w / h {
        (ih * w / h, ih)
    } else {
        (iw, iw * h / w)
    };
    let (x, y) = ((iw - cw) / 2.0, (ih - ch) / 2.0);
    let grey = img
        .crop_imm(x as u32, y as u32, cw as u32, ch as u32)
        .resize_exact(SIZE.0, SIZE.1, FilterType::Triangle)
        .to_luma32f();
    let v: Vec<f32> = grey.pixels().map(|p| p.0[0]).collect();
    let mean = v.iter().sum::<f32>() / v.len() as f32;
    let v: Vec<f32> = v.iter().map(|x| x - mean).collect();
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
    v.iter().map(|x| x / norm).collect()
}

/// `v` less `average`, as a unit-length vector.
fn unit_diff(v: &[f32], average: &[f32]) -> Vec<f32> {
    let d: Vec<f32> = v.iter().zip(average).map(|(x, m)| x - m).collect();
    let norm = d.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
    d.iter().map(|x| x / norm).collect()
}

fn likeness(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

impl Faces {
    /// The yearbook: each person's name and photo file.
    pub fn new(people: impl IntoIterator<Item = (String, std::path::PathBuf)>) -> Faces {
        let prints: Vec<(String, Vec<f32>)> = people
            .into_iter()
            .map(|(name, path)| {
                let img = image::open(&path)
                    .unwrap_or_else(|e| panic!("yearbook photo {}: {e}", path.display()));
                (name, print(&img, 4.0, 5.0))
            })
            .collect();
        let n = prints.len() as f32;
        let mut average = vec![0.0; (SIZE.0 * SIZE.1) as usize];
        for (_, p) in &prints {
            average.iter_mut().zip(p).for_each(|(a, x)| *a += x / n);
        }
        let known = prints
            .into_iter()
            .map(|(name, p)| (name, unit_diff(&p, &average)))
            .collect();
        Faces { known, average }
    }

    /// Who `shot` (a photo as the screen shows it) is, by name; panics when
    /// it looks like nobody in particular.
    pub fn who(&self, shot: &DynamicImage) -> &str {
        let p = unit_diff(
            &print(shot, shot.width() as f64, shot.height() as f64),
            &self.average,
        );
        let mut scored: Vec<(f32, &str)> = self
            .known
            .iter()
            .map(|(name, k)| (likeness(&p, k), name.as_str()))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let (best, second) = (scored[0], scored[1]);
        assert!(
            best.0 >= SURE && best.0 - second.0 >= AHEAD,
            "cannot tell who a {}×{} photo shows: {:?}",
            shot.width(),
            shot.height(),
            &scored[..3]
        );
        best.1
    }
}
