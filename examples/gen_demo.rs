//! Generates the fictional demo class that `yearbook serve` shows when no
//! roster is given: `cargo run --release --example gen_demo -- data/demo`.
//!
//! Writes `roster.csv`, `photos/NN.jpg` (one procedurally drawn black-and-white
//! "1986 yearbook" portrait per classmate) and a short `README.md`. Every name
//! is made up and every face is pure pixel math: no real person is depicted.
//! The output is deterministic: the same seed always draws the same class.

use anyhow::{Context, Result};
use image::ExtendedColorType;
use image::codecs::jpeg::JpegEncoder;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

const W: usize = 320;
const H: usize = 400;
const SEED: u64 = 0x1986_C1A5_5DE4_0001;
const JPEG_QUALITY: u8 = 72;

// ---------------------------------------------------------------- the class

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Hair {
    Crop,
    FlatTop,
    SideSweep,
    Feathered,
    Curly,
    Afro,
    Balding,
    Long,
    Bob,
    Perm,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Clothes {
    Suit,
    Sweater,
    Drape,
    Blouse,
}

struct Person {
    name: &'static str,
    gender: &'static str,
    known_as: &'static str,
    in_memoriam: bool,
    /// 0.0: pick a random (light) skin tone
    skin: f32,
    hair: Option<Hair>,
}

impl Person {
    const fn new(name: &'static str, gender: &'static str) -> Self {
        Person {
            name,
            gender,
            known_as: "",
            in_memoriam: false,
            skin: 0.0,
            hair: None,
        }
    }
    const fn known_as(self, known_as: &'static str) -> Self {
        Person { known_as, ..self }
    }
    const fn memoriam(self) -> Self {
        Person {
            in_memoriam: true,
            ..self
        }
    }
    const fn skin(self, skin: f32) -> Self {
        Person { skin, ..self }
    }
    const fn hair(self, hair: Hair) -> Self {
        Person {
            hair: Some(hair),
            ..self
        }
    }
    fn surname_key(&self) -> String {
        let last = self.name.rsplit(' ').next().unwrap_or(self.name);
        format!("{} {}", last.to_lowercase(), self.name.to_lowercase())
    }
}

const fn f(name: &'static str) -> Person {
    Person::new(name, "F")
}
const fn m(name: &'static str) -> Person {
    Person::new(name, "M")
}
const fn x(name: &'static str) -> Person {
    Person::new(name, "")
}

/// The fictional class of 1986: 23 F, 23 M, 2 without a gender label.
const CLASS: [Person; 48] = [
    f("Jennifer Park")
        .known_as("Jenny Park-Holloway")
        .skin(0.66),
    f("Lisa Marchetti"),
    f("Kimberly Tate"),
    f("Michelle Dubois"),
    f("Amy Lindqvist"),
    f("Angela Whitcombe"),
    f("Melissa Garrity"),
    f("Tammy Rourke"),
    f("Heather Ashdown"),
    f("Stacy Kowalczyk"),
    f("Dawn Pettigrew"),
    f("Tracy Halvorsen"),
    f("Christine Abernathy"),
    f("Kelly Santangelo"),
    f("Laura Fenwick"),
    f("Denise Okafor").skin(0.36).hair(Hair::Curly),
    f("Wendy Brightwater"),
    f("Renee Castellano"),
    f("Sandra Nakamura").skin(0.64).hair(Hair::Bob),
    f("Karen Thistlewood"),
    f("Julie Vanderpool"),
    f("Tina Marlowe"),
    f("Zoë Quimby"),
    m("Michael Brandt"),
    m("David Esposito"),
    m("Jeffrey Hollis"),
    m("Scott Pennington"),
    m("Brian Szabo"),
    m("Todd Ransome"),
    m("Christopher Vance").known_as("Kit Vance"),
    m("Kevin O'Neil"),
    m("Mark Delacroix"),
    m("Troy Haverford").memoriam(),
    m("Darren Whitlock"),
    m("Greg Bannister"),
    m("Steven Kapoor").skin(0.5).hair(Hair::SideSweep),
    m("Tony Lombardi"),
    m("Eric Sundqvist"),
    m("Rodney Fairweather"),
    m("Jason Adeyemi").skin(0.33).hair(Hair::Afro),
    m("Keith Drummond"),
    m("Doug Pruitt"),
    m("Shawn McAllister"),
    m("Patrick Culhane"),
    m("José Alvarado").skin(0.56),
    m("Randy Kessler"),
    x("Jordan Ellery"),
    x("Casey Wexler"),
];

const FEMALE_STYLES: [Hair; 12] = [
    Hair::Long,
    Hair::Feathered,
    Hair::Perm,
    Hair::Bob,
    Hair::Feathered,
    Hair::Perm,
    Hair::Long,
    Hair::Curly,
    Hair::Feathered,
    Hair::Perm,
    Hair::Long,
    Hair::Bob,
];

const MALE_STYLES: [Hair; 12] = [
    Hair::Crop,
    Hair::SideSweep,
    Hair::Feathered,
    Hair::FlatTop,
    Hair::Curly,
    Hair::Crop,
    Hair::Balding,
    Hair::SideSweep,
    Hair::Feathered,
    Hair::Crop,
    Hair::Perm,
    Hair::FlatTop,
];

// ---------------------------------------------------------------- randomness

/// SplitMix64: tiny, seedable and stable across crate versions.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// uniform in [0, 1)
    fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }
    fn chance(&mut self, p: f32) -> bool {
        self.unit() < p
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    fn sign(&mut self) -> f32 {
        if self.chance(0.5) { 1.0 } else { -1.0 }
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

/// Smooth value noise on a grid of `sx` × `sy` pixel cells, values in [0, 1].
struct Noise {
    gw: usize,
    gh: usize,
    g: Vec<f32>,
    sx: f32,
    sy: f32,
}

impl Noise {
    fn new(rng: &mut Rng, sx: f32, sy: f32) -> Self {
        let gw = (W as f32 / sx) as usize + 4;
        let gh = (H as f32 / sy) as usize + 4;
        let g = (0..gw * gh).map(|_| rng.unit()).collect();
        Noise { gw, gh, g, sx, sy }
    }
    fn at(&self, x: f32, y: f32) -> f32 {
        let fx = (x / self.sx + 1.0).clamp(0.0, (self.gw - 2) as f32 - 0.001);
        let fy = (y / self.sy + 1.0).clamp(0.0, (self.gh - 2) as f32 - 0.001);
        let (ix, iy) = (fx as usize, fy as usize);
        let tx = smooth01(fx - ix as f32);
        let ty = smooth01(fy - iy as f32);
        let g = |i: usize, j: usize| self.g[j * self.gw + i];
        let top = g(ix, iy) + (g(ix + 1, iy) - g(ix, iy)) * tx;
        let bot = g(ix, iy + 1) + (g(ix + 1, iy + 1) - g(ix, iy + 1)) * tx;
        top + (bot - top) * ty
    }
}

// ---------------------------------------------------------------- geometry

fn smooth01(t: f32) -> f32 {
    let t = t.clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

fn smoothstep(e0: f32, e1: f32, v: f32) -> f32 {
    smooth01((v - e0) / (e1 - e0))
}

/// Antialiased coverage from a signed distance in pixels (negative inside).
fn aa(sd: f32) -> f32 {
    (0.5 - sd).clamp(0.0, 1.0)
}

fn mix(old: f32, tone: f32, c: f32) -> f32 {
    old + (tone - old) * c
}

#[derive(Clone, Copy)]
struct Ell {
    cx: f32,
    cy: f32,
    rx: f32,
    ry: f32,
}

fn ell(cx: f32, cy: f32, rx: f32, ry: f32) -> Ell {
    Ell { cx, cy, rx, ry }
}

impl Ell {
    /// normalised radius: 1.0 on the outline
    fn k(&self, x: f32, y: f32) -> f32 {
        let px = (x - self.cx) / self.rx;
        let py = (y - self.cy) / self.ry;
        (px * px + py * py).sqrt()
    }
    /// approximate signed distance in pixels
    fn sd(&self, x: f32, y: f32) -> f32 {
        let (dx, dy) = (x - self.cx, y - self.cy);
        let k0 = ((dx / self.rx).powi(2) + (dy / self.ry).powi(2)).sqrt();
        let k1 = ((dx / (self.rx * self.rx)).powi(2) + (dy / (self.ry * self.ry)).powi(2)).sqrt();
        if k1 < 1e-6 {
            -self.rx.min(self.ry)
        } else {
            k0 * (k0 - 1.0) / k1
        }
    }
    fn cov(&self, x: f32, y: f32) -> f32 {
        aa(self.sd(x, y))
    }
    /// soft-edged coverage, `feather` pixels either side of the outline
    fn soft(&self, x: f32, y: f32, feather: f32) -> f32 {
        1.0 - smoothstep(-feather, feather, self.sd(x, y))
    }
    /// an ellipse with a scalloped outline of `2 * n` bumps (curls)
    fn blob(&self, x: f32, y: f32, n: f32, amp: f32, phase: f32) -> f32 {
        let px = (x - self.cx) / self.rx;
        let py = (y - self.cy) / self.ry;
        let k = (px * px + py * py).sqrt();
        let th = py.atan2(px);
        let r = 1.0 + amp * ((n * th + phase).sin().abs() * 2.0 - 1.0);
        aa((k - r) * (self.rx * self.ry).sqrt())
    }
    fn grow(&self, d: f32) -> Ell {
        ell(self.cx, self.cy, self.rx + d, self.ry + d)
    }
}

/// Signed distance to a convex polygon (either winding).
fn poly_sd(x: f32, y: f32, pts: &[(f32, f32)]) -> f32 {
    let n = pts.len();
    let mut area = 0.0;
    for i in 0..n {
        let (a, b) = (pts[i], pts[(i + 1) % n]);
        area += a.0 * b.1 - b.0 * a.1;
    }
    let sgn = if area > 0.0 { 1.0 } else { -1.0 };
    let mut d = f32::MIN;
    for i in 0..n {
        let (a, b) = (pts[i], pts[(i + 1) % n]);
        let (ex, ey) = (b.0 - a.0, b.1 - a.1);
        let len = (ex * ex + ey * ey).sqrt().max(1e-6);
        d = d.max(((x - a.0) * ey - (y - a.1) * ex) / len * sgn);
    }
    d
}

fn poly_bounds(pts: &[(f32, f32)]) -> Ell {
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for &(px, py) in pts {
        x0 = x0.min(px);
        y0 = y0.min(py);
        x1 = x1.max(px);
        y1 = y1.max(py);
    }
    ell(
        (x0 + x1) / 2.0,
        (y0 + y1) / 2.0,
        (x1 - x0) / 2.0,
        (y1 - y0) / 2.0,
    )
}

/// A small rotation of the head around the base of the neck.
#[derive(Clone, Copy)]
struct Frame {
    px: f32,
    py: f32,
    c: f32,
    s: f32,
}

impl Frame {
    fn identity() -> Self {
        Frame {
            px: 0.0,
            py: 0.0,
            c: 1.0,
            s: 0.0,
        }
    }
    fn rotation(px: f32, py: f32, angle: f32) -> Self {
        Frame {
            px,
            py,
            c: angle.cos(),
            s: angle.sin(),
        }
    }
    fn local(&self, x: f32, y: f32) -> (f32, f32) {
        let (dx, dy) = (x - self.px, y - self.py);
        (
            self.px + self.c * dx + self.s * dy,
            self.py - self.s * dx + self.c * dy,
        )
    }
    fn image(&self, u: f32, v: f32) -> (f32, f32) {
        let (dx, dy) = (u - self.px, v - self.py);
        (
            self.px + self.c * dx - self.s * dy,
            self.py + self.s * dx + self.c * dy,
        )
    }
}

struct Canvas {
    px: Vec<f32>,
}

impl Canvas {
    /// Runs `f(u, v, old) -> new` on every pixel whose local coordinates may
    /// fall inside the box `bb` (centre ± radii, in local coordinates).
    fn fill(&mut self, fr: &Frame, bb: Ell, f: impl Fn(f32, f32, f32) -> f32) {
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for (sx, sy) in [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)] {
            let (ix, iy) = fr.image(bb.cx + sx * bb.rx, bb.cy + sy * bb.ry);
            x0 = x0.min(ix);
            y0 = y0.min(iy);
            x1 = x1.max(ix);
            y1 = y1.max(iy);
        }
        let xa = (x0 - 3.0).max(0.0) as usize;
        let ya = (y0 - 3.0).max(0.0) as usize;
        let xb = ((x1 + 3.0).max(0.0) as usize).min(W);
        let yb = ((y1 + 3.0).max(0.0) as usize).min(H);
        for y in ya..yb {
            let row = &mut self.px[y * W..(y + 1) * W];
            for (xi, p) in row.iter_mut().enumerate().take(xb).skip(xa) {
                let (u, v) = fr.local(xi as f32 + 0.5, y as f32 + 0.5);
                *p = f(u, v, *p);
            }
        }
    }
    /// paints `tone` with coverage `cov`
    fn paint(
        &mut self,
        fr: &Frame,
        bb: Ell,
        cov: impl Fn(f32, f32) -> f32,
        tone: impl Fn(f32, f32) -> f32,
    ) {
        self.fill(fr, bb, |u, v, old| {
            let c = cov(u, v);
            if c <= 0.0 {
                old
            } else {
                mix(old, tone(u, v), c)
            }
        });
    }
    /// multiplies by `factor` where `cov` is 1 (darkens below 1, lightens above)
    fn shade(&mut self, fr: &Frame, bb: Ell, factor: f32, cov: impl Fn(f32, f32) -> f32) {
        self.fill(fr, bb, |u, v, old| {
            let c = cov(u, v);
            old * (1.0 + (factor - 1.0) * c)
        });
    }
}

// ---------------------------------------------------------------- a face

struct Glasses {
    w: f32,
    h: f32,
    tone: f32,
    thick: f32,
    power: f32,
    taper: f32,
}

struct Look {
    female: bool,
    style: Hair,
    clothes: Clothes,
    skin: f32,
    hair: f32,
    fx: f32,
    fy: f32,
    a: f32,
    b: f32,
    jaw: f32,
    tilt: f32,
    vol: f32,
    bangs: bool,
    part: f32,
    fringe: f32,
    phase: f32,
    long_len: f32,
    eye_sp: f32,
    eye_w: f32,
    eye_h: f32,
    eye_y: f32,
    gaze: f32,
    iris: f32,
    brow_y: f32,
    brow_th: f32,
    brow_arch: f32,
    brow_tilt: f32,
    nose_w: f32,
    nose_len: f32,
    mouth_w: f32,
    mouth_y: f32,
    smile: f32,
    teeth: f32,
    lip: f32,
    lip_h: f32,
    glasses: Option<Glasses>,
    moustache: bool,
    stubble: bool,
    necklace: bool,
    cloth: f32,
    shirt: f32,
    tie: f32,
    shoulder_w: f32,
    bg: f32,
    bg_grad: f32,
    light: f32,
    lo: f32,
    hi: f32,
}

fn make_look(p: &Person, female: bool, style: Hair, r: &mut Rng) -> Look {
    let skin = if p.skin > 0.0 {
        p.skin + r.range(-0.02, 0.02)
    } else {
        r.range(0.6, 0.8)
    };
    let hair = if skin < 0.45 {
        r.range(0.05, 0.12)
    } else {
        match r.below(6) {
            0 => r.range(0.05, 0.12),
            1 | 2 => r.range(0.12, 0.25),
            3 | 4 => r.range(0.25, 0.42),
            _ => r.range(0.45, 0.62),
        }
    };
    let (a, b) = if female {
        (r.range(68.0, 75.0), r.range(88.0, 97.0))
    } else {
        (r.range(72.0, 80.0), r.range(92.0, 102.0))
    };
    let clothes = if female {
        [
            Clothes::Drape,
            Clothes::Blouse,
            Clothes::Sweater,
            Clothes::Drape,
        ][r.below(4)]
    } else {
        [
            Clothes::Suit,
            Clothes::Suit,
            Clothes::Sweater,
            Clothes::Suit,
        ][r.below(4)]
    };
    let glasses = r.chance(0.28).then(|| Glasses {
        w: r.range(1.45, 1.8),
        h: r.range(2.4, 3.4),
        tone: if r.chance(0.6) {
            r.range(0.06, 0.2)
        } else {
            r.range(0.55, 0.75)
        },
        thick: r.range(1.4, 3.0),
        power: r.range(2.2, 4.0),
        taper: r.range(-0.05, 0.2),
    });
    let mut look = Look {
        female,
        style,
        clothes,
        skin,
        hair,
        fx: 160.0 + r.range(-7.0, 7.0),
        fy: r.range(166.0, 178.0),
        a,
        b,
        jaw: r.range(0.12, 0.32),
        tilt: r.range(-0.06, 0.06),
        vol: r.range(0.95, 1.1),
        bangs: r.chance(0.45),
        part: r.sign() * r.range(0.3, 1.0),
        fringe: r.range(0.0, 1.0),
        phase: r.range(0.0, std::f32::consts::TAU),
        long_len: r.range(1.6, 2.3),
        eye_sp: r.range(0.34, 0.42),
        eye_w: r.range(0.16, 0.2),
        eye_h: r.range(0.05, 0.07),
        eye_y: r.range(-0.06, 0.02),
        gaze: r.range(-0.25, 0.25),
        iris: if r.chance(0.3) {
            r.range(0.38, 0.5)
        } else {
            r.range(0.12, 0.28)
        },
        brow_y: r.range(0.14, 0.2),
        brow_th: if female {
            r.range(2.2, 3.6)
        } else {
            r.range(3.2, 5.5)
        },
        brow_arch: r.range(1.0, 5.0),
        brow_tilt: r.range(-3.0, 3.0),
        nose_w: r.range(0.17, 0.26),
        nose_len: r.range(0.26, 0.36),
        mouth_w: r.range(0.3, 0.42),
        mouth_y: r.range(0.55, 0.63),
        smile: r.range(0.0, 5.0),
        teeth: if r.chance(0.45) {
            r.range(3.0, 6.0)
        } else {
            0.0
        },
        lip: if female {
            r.range(0.45, 0.65)
        } else {
            r.range(0.72, 0.86)
        },
        lip_h: r.range(3.0, 6.0),
        glasses,
        moustache: !female && r.chance(0.3),
        stubble: !female && r.chance(0.25),
        necklace: female && r.chance(0.4),
        cloth: if r.chance(0.7) {
            r.range(0.08, 0.3)
        } else {
            r.range(0.4, 0.7)
        },
        shirt: r.range(0.78, 0.92),
        tie: r.range(0.15, 0.6),
        shoulder_w: if female {
            r.range(0.86, 0.95)
        } else {
            r.range(0.95, 1.05)
        },
        bg: r.range(0.42, 0.68),
        bg_grad: r.range(-0.15, 0.15),
        light: r.sign(),
        lo: r.range(52.0, 72.0),
        hi: r.range(205.0, 228.0),
    };
    if look.clothes == Clothes::Drape {
        look.cloth = r.range(0.05, 0.18);
    }
    look
}

/// Shape parameters of the hair that frames the face.
struct Cap {
    wid: f32,
    hgt: f32,
    cy: f32,
    hairline: f32,
    temples: f32,
    side: f32,
    curtain: f32,
    bumps: f32,
    amp: f32,
    curly: bool,
    /// where the hairline peaks, in face half-widths from the centre
    part_x: f32,
    part_line: bool,
    flat: bool,
}

fn cap_for(l: &Look) -> Cap {
    let plain = Cap {
        wid: 1.05,
        hgt: 1.0,
        cy: -0.08,
        hairline: 0.55,
        temples: 0.35,
        side: 0.05,
        curtain: 0.0,
        bumps: 0.0,
        amp: 0.0,
        curly: false,
        part_x: 0.0,
        part_line: false,
        flat: false,
    };
    let bangs = if l.bangs { 0.3 } else { 0.46 };
    let part_x = if l.part.abs() < 0.55 {
        0.0
    } else {
        0.28 * l.part.signum()
    };
    match l.style {
        Hair::Crop => Cap {
            wid: 1.03,
            hgt: 0.96 + 0.1 * l.fringe,
            cy: -0.05 - 0.06 * l.fringe,
            hairline: 0.56 + 0.1 * l.fringe,
            temples: 0.45,
            side: 0.12,
            part_x: 0.5 * l.part.signum(),
            part_line: l.bangs,
            ..plain
        },
        Hair::FlatTop => Cap {
            wid: 1.03,
            hgt: 0.98,
            cy: -0.05,
            hairline: 0.64,
            temples: 0.5,
            side: 0.05,
            flat: true,
            ..plain
        },
        Hair::SideSweep => Cap {
            wid: 1.08,
            hgt: 1.04,
            cy: -0.16,
            hairline: 0.58,
            temples: 0.4,
            side: 0.12,
            part_x: 0.45 * l.part.signum(),
            part_line: true,
            ..plain
        },
        Hair::Feathered if l.female => Cap {
            wid: 1.24,
            hgt: 1.14,
            cy: 0.05,
            hairline: bangs + 0.04,
            temples: 0.25,
            side: 0.6,
            curtain: 0.07,
            part_x: if l.bangs { 0.0 } else { part_x },
            part_line: !l.bangs,
            ..plain
        },
        Hair::Feathered => Cap {
            wid: 1.12,
            hgt: 1.06,
            cy: -0.08,
            hairline: 0.55,
            temples: 0.32,
            side: 0.3,
            part_line: true,
            ..plain
        },
        Hair::Curly => Cap {
            wid: 1.14,
            hgt: 1.08,
            cy: -0.08,
            hairline: 0.5,
            temples: 0.3,
            side: if l.female { 0.45 } else { 0.12 },
            bumps: 9.0,
            amp: 0.05,
            curly: true,
            ..plain
        },
        Hair::Afro => Cap {
            wid: 1.34,
            hgt: 1.22,
            cy: -0.14,
            hairline: 0.52,
            temples: 0.3,
            side: 0.22,
            bumps: 12.0,
            amp: 0.035,
            curly: true,
            ..plain
        },
        Hair::Balding => Cap {
            wid: 1.05,
            hgt: 1.0,
            cy: -0.04,
            hairline: 2.0,
            temples: 0.0,
            side: 0.12,
            ..plain
        },
        Hair::Long => Cap {
            wid: 1.22,
            hgt: 1.16,
            cy: 0.05,
            hairline: bangs,
            temples: 0.3,
            side: 0.7,
            curtain: 0.1,
            part_x: if l.bangs { 0.0 } else { part_x },
            part_line: !l.bangs,
            ..plain
        },
        Hair::Bob => Cap {
            wid: 1.2,
            hgt: 1.1,
            cy: 0.0,
            hairline: 0.32,
            temples: 0.45,
            side: 0.72,
            curtain: 0.08,
            ..plain
        },
        Hair::Perm => Cap {
            wid: if l.female { 1.45 } else { 1.2 },
            hgt: if l.female { 1.28 } else { 1.12 },
            cy: if l.female { 0.08 } else { -0.06 },
            hairline: if l.female { 0.38 } else { 0.48 },
            temples: 0.2,
            side: if l.female { 0.9 } else { 0.2 },
            curtain: if l.female { 0.12 } else { 0.0 },
            bumps: 11.0,
            amp: 0.06,
            curly: true,
            ..plain
        },
    }
}

struct Textures {
    strands: Noise,
    curls: Noise,
    fine: Noise,
    mottle: Noise,
    mottle2: Noise,
    knit: Noise,
}

impl Look {
    fn face(&self) -> Ell {
        ell(self.fx, self.fy, self.a, self.b)
    }
    fn face_sd(&self, u: f32, v: f32) -> f32 {
        let t = ((v - self.fy) / self.b).max(0.0);
        let rx = self.a * (1.0 - self.jaw * t * t);
        ell(self.fx, self.fy, rx, self.b).sd(u, v)
    }
    fn face_k(&self, u: f32, v: f32) -> f32 {
        let t = ((v - self.fy) / self.b).max(0.0);
        let rx = self.a * (1.0 - self.jaw * t * t);
        ell(self.fx, self.fy, rx, self.b).k(u, v)
    }
    fn neck_base(&self) -> f32 {
        self.fy + self.b + 30.0
    }
    fn hair_tone(&self, tx: &Textures, u: f32, v: f32, curly: bool, edge: f32) -> f32 {
        let n = if curly {
            0.5 + 0.9 * (tx.curls.at(u, v) - 0.5) + 0.3 * (tx.fine.at(u, v) - 0.5)
        } else {
            0.5 + 0.8 * (tx.strands.at(u, v) - 0.5)
        };
        let sheen_x = self.fx - 0.3 * self.a * self.light;
        let sheen = (-((u - sheen_x) / (0.5 * self.a)).powi(2)
            - ((v - (self.fy - 0.75 * self.b)) / (0.22 * self.b)).powi(2))
        .exp();
        let base = self.hair * (0.7 + 0.6 * n) * (1.0 - 0.35 * edge);
        base + (0.1 + 0.25 * self.hair) * sheen
    }
}

// ---------------------------------------------------------------- drawing

fn render(l: &Look, r: &mut Rng) -> Vec<u8> {
    let tx = Textures {
        strands: Noise::new(r, 2.2, 13.0),
        curls: Noise::new(r, 4.0, 4.0),
        fine: Noise::new(r, 1.6, 1.6),
        mottle: Noise::new(r, 46.0, 46.0),
        mottle2: Noise::new(r, 15.0, 15.0),
        knit: Noise::new(r, 2.5, 2.0),
    };
    let mut c = Canvas {
        px: vec![0.0; W * H],
    };
    let body = Frame::identity();
    let nb = l.neck_base();
    let head = Frame::rotation(l.fx, nb, l.tilt);
    let (fx, fy, a, b) = (l.fx, l.fy, l.a, l.b);
    let cap = cap_for(l);

    // studio background: mottled, with a soft halo behind the head
    let full = ell(
        W as f32 / 2.0,
        H as f32 / 2.0,
        W as f32 / 2.0,
        H as f32 / 2.0,
    );
    c.fill(&body, full, |x, y, _| {
        let halo = (-((x - fx) / 150.0).powi(2) - ((y - fy) / 170.0).powi(2)).exp();
        let vig = ((x - 160.0) / 160.0).powi(2) + ((y - 200.0) / 200.0).powi(2);
        l.bg + 0.16 * halo - 0.1 * vig
            + 0.16 * (tx.mottle.at(x, y) - 0.5)
            + 0.07 * (tx.mottle2.at(x, y) - 0.5)
            + l.bg_grad * (y / H as f32 - 0.5)
    });

    draw_back_hair(&mut c, &head, l, &tx, &cap);
    draw_clothes(&mut c, &body, &head, l, &tx);

    // long hair falling over the shoulders, in front of the clothes
    if matches!(l.style, Hair::Long | Hair::Perm | Hair::Feathered) && l.female {
        let len = if l.style == Hair::Long {
            l.long_len
        } else {
            l.long_len * 0.75
        };
        let spread = if l.style == Hair::Perm { 1.12 } else { 1.0 };
        for s in [-1.0, 1.0] {
            let cx = fx + s * a * 1.02 * spread * l.vol;
            let top = fy + 0.3 * b;
            let bot = fy + len * b;
            let e = ell(cx, (top + bot) / 2.0, 0.36 * a * spread, (bot - top) / 2.0);
            let curly = l.style == Hair::Perm;
            c.paint(
                &head,
                e,
                |u, v| {
                    if curly {
                        e.blob(u, v, 7.0, 0.08, l.phase)
                    } else {
                        e.cov(u, v)
                    }
                },
                |u, v| {
                    l.hair_tone(
                        &tx,
                        u,
                        v,
                        curly,
                        0.3 + 0.5 * smoothstep(0.5, 1.0, e.k(u, v)),
                    )
                },
            );
        }
    }

    // ears
    for s in [-1.0, 1.0] {
        let e = ell(fx + s * a * 0.99, fy + 0.04 * b, 0.16 * a, 0.25 * b);
        c.paint(&head, e, |u, v| e.cov(u, v), |_, _| l.skin * 0.86);
        let inner = ell(fx + s * a * 1.0, fy + 0.05 * b, 0.06 * a, 0.15 * b);
        c.shade(&head, inner.grow(3.0), 0.78, |u, v| inner.soft(u, v, 2.0));
    }

    draw_face(&mut c, &head, l, &tx);
    draw_front_hair(&mut c, &head, l, &tx, &cap);
    if let Some(g) = &l.glasses {
        draw_glasses(&mut c, &head, l, g);
    }

    // blur once ([1 2 1] both ways) to soften it like an old print
    let mut tmp = c.px.clone();
    for y in 0..H {
        for x in 0..W {
            let l0 = c.px[y * W + x.saturating_sub(1)];
            let r0 = c.px[y * W + (x + 1).min(W - 1)];
            tmp[y * W + x] = (l0 + 2.0 * c.px[y * W + x] + r0) / 4.0;
        }
    }
    for y in 0..H {
        for x in 0..W {
            let t0 = tmp[y.saturating_sub(1) * W + x];
            let b0 = tmp[(y + 1).min(H - 1) * W + x];
            c.px[y * W + x] = (t0 + 2.0 * tmp[y * W + x] + b0) / 4.0;
        }
    }

    // washed out: compress into lo..hi, lift the shadows, add film grain
    c.px.iter()
        .map(|&v| {
            let v = v.clamp(0.0, 1.0).powf(0.85);
            let grain = (r.unit() + r.unit() - 1.0) * 7.0;
            (l.lo + (l.hi - l.lo) * v + grain).round().clamp(0.0, 255.0) as u8
        })
        .collect()
}

fn draw_back_hair(c: &mut Canvas, head: &Frame, l: &Look, tx: &Textures, cap: &Cap) {
    let (fx, fy, a, b) = (l.fx, l.fy, l.a, l.b);
    let darker = |t: f32| t * 0.5;
    match l.style {
        Hair::Long | Hair::Feathered if l.female => {
            let len = if l.style == Hair::Long {
                l.long_len
            } else {
                l.long_len * 0.75
            };
            let w = 1.25 * a * l.vol;
            let top = ell(fx, fy + 0.05 * b, w, 1.15 * b);
            let bot = fy + len * b;
            let bb = ell(
                fx,
                (fy - 1.2 * b + bot) / 2.0,
                w + 4.0,
                (bot - fy + 1.2 * b) / 2.0,
            );
            c.paint(
                head,
                bb,
                |u, v| {
                    let wave = 4.0 * ((u - fx) * 0.12 + l.phase).sin();
                    let rect = aa((u - fx).abs() - w) * aa(v - bot - wave) * aa(fy - v);
                    top.cov(u, v).max(rect)
                },
                |u, v| darker(l.hair_tone(tx, u, v, false, 0.4)),
            );
        }
        Hair::Perm if l.female => {
            let e = ell(fx, fy + 0.2 * b, cap.wid * 1.08 * a * l.vol, 1.4 * b);
            c.paint(
                head,
                e.grow(e.rx * 0.1),
                |u, v| e.blob(u, v, 11.0, 0.06, l.phase),
                |u, v| darker(l.hair_tone(tx, u, v, true, smoothstep(0.7, 1.0, e.k(u, v)))),
            );
        }
        Hair::Bob => {
            let e = ell(fx, fy + 0.02 * b, 1.2 * a * l.vol, 1.1 * b);
            c.paint(
                head,
                e,
                |u, v| {
                    let t = (u - fx) / e.rx;
                    e.cov(u, v) * aa(v - (fy + 0.78 * b - 0.1 * b * t * t))
                },
                |u, v| darker(l.hair_tone(tx, u, v, false, 0.3)),
            );
        }
        _ => {}
    }
}

fn draw_clothes(c: &mut Canvas, body: &Frame, head: &Frame, l: &Look, tx: &Textures) {
    let (fx, a) = (l.fx, l.a);
    let nb = l.neck_base();
    let nk = if l.female { 0.5 * a } else { 0.56 * a };
    let sh = ell(fx, nb - 22.0 + 150.0, 190.0 * l.shoulder_w, 150.0);
    let cloth_tone = |x: f32, y: f32, base: f32| {
        let side = smoothstep(0.45, 1.0, ((x - sh.cx) / sh.rx).abs());
        let fold = 0.06 * (tx.mottle2.at(x * 1.7, y * 0.6) - 0.5);
        let knit = if l.clothes == Clothes::Sweater {
            0.12 * (tx.knit.at(x, y) - 0.5)
        } else {
            0.0
        };
        let lit = 1.0 + 0.1 * l.light * (sh.cx - x) / sh.rx;
        (base * (1.0 - 0.35 * side) + fold + knit) * lit
    };
    // neck, shadowed under the chin
    let neck_top = l.fy + 0.4 * l.b;
    let neck_bot = if l.clothes == Clothes::Sweater {
        nb + 6.0
    } else {
        nb + 14.0
    };
    let neck_bb = ell(
        fx,
        (neck_top + neck_bot) / 2.0,
        nk * 1.3,
        (neck_bot - neck_top) / 2.0,
    );
    let neck_tone = |u: f32, v: f32| {
        let t = ((v - neck_top) / (neck_bot - neck_top)).clamp(0.0, 1.0);
        let w = nk * (1.0 + 0.35 * t * t);
        let side = ((u - fx) / w).powi(2);
        let chin = smoothstep(l.fy + l.b - 6.0, l.fy + l.b + 26.0, v);
        l.skin * 0.84 * (0.68 + 0.32 * chin) * (1.0 - 0.22 * side)
    };
    let neck_cov = |u: f32, v: f32| {
        let t = ((v - neck_top) / (neck_bot - neck_top)).clamp(0.0, 1.0);
        let w = nk * (1.0 + 0.35 * t * t);
        aa((u - fx).abs() - w) * aa(neck_top - v) * aa(v - neck_bot)
    };
    let skin_v = |pts: [(f32, f32); 3], c: &mut Canvas| {
        c.paint(
            body,
            poly_bounds(&pts),
            |x, y| aa(poly_sd(x, y, &pts)) * sh.cov(x, y),
            neck_tone,
        );
    };

    if l.clothes != Clothes::Sweater {
        c.paint(head, neck_bb, neck_cov, neck_tone);
    }
    c.paint(
        body,
        sh,
        |x, y| sh.cov(x, y),
        |x, y| cloth_tone(x, y, l.cloth),
    );

    match l.clothes {
        Clothes::Suit => {
            // shirt in the V of the jacket
            let v = [
                (fx - 0.62 * a, nb - 32.0),
                (fx + 0.62 * a, nb - 32.0),
                (fx, nb + 105.0),
            ];
            c.paint(
                body,
                poly_bounds(&v),
                |x, y| aa(poly_sd(x, y, &v)) * sh.cov(x, y),
                |x, _| l.shirt * (1.0 - 0.1 * ((x - fx) / (0.6 * a)).abs()),
            );
            // tie: knot and blade, with diagonal stripes
            let knot = [
                (fx - 8.0, nb - 4.0),
                (fx + 8.0, nb - 4.0),
                (fx + 5.0, nb + 10.0),
                (fx - 5.0, nb + 10.0),
            ];
            let blade = [
                (fx - 5.0, nb + 10.0),
                (fx + 5.0, nb + 10.0),
                (fx + 12.0, nb + 90.0),
                (fx, nb + 100.0),
                (fx - 12.0, nb + 90.0),
            ];
            let striped = l.tie > 0.35;
            let tie_tone = |x: f32, y: f32| {
                let stripe = if striped && ((x + y) * 0.35).sin() > 0.55 {
                    0.7
                } else {
                    1.0
                };
                l.tie * stripe
            };
            for p in [&knot[..], &blade[..]] {
                c.paint(body, poly_bounds(p), |x, y| aa(poly_sd(x, y, p)), tie_tone);
            }
            // collar points
            for s in [-1.0f32, 1.0] {
                let pts = [
                    (fx + s * (nk + 5.0), nb - 24.0),
                    (fx + s * 1.0, nb + 2.0),
                    (fx + s * 4.0, nb + 18.0),
                    (fx + s * (nk + 12.0), nb + 4.0),
                ];
                c.paint(
                    body,
                    poly_bounds(&pts),
                    |x, y| aa(poly_sd(x, y, &pts)),
                    |_, y| l.shirt * (0.96 - 0.002 * (y - nb)),
                );
                c.shade(body, poly_bounds(&pts), 0.75, |x, y| {
                    let d = poly_sd(x, y, &pts);
                    aa(d.abs() - 0.6)
                });
                // lapel edge: a darker band along the jacket opening
                let lapel = [
                    (fx + s * 0.62 * a, nb - 32.0),
                    (fx + s * (0.62 * a + 8.0), nb - 30.0),
                    (fx + s * 6.0, nb + 112.0),
                    (fx, nb + 105.0),
                ];
                c.shade(body, poly_bounds(&lapel), 0.7, |x, y| {
                    aa(poly_sd(x, y, &lapel)) * sh.cov(x, y)
                });
            }
        }
        Clothes::Sweater => {
            c.paint(head, neck_bb, neck_cov, neck_tone);
            // ribbed crew neckline, maybe with a shirt collar peeking out
            let ring = ell(fx, nb - 8.0, nk + 9.0, 20.0);
            let hole = ell(fx, nb - 12.0, nk + 1.0, 15.0);
            if l.female {
                c.shade(body, ring, 0.92, |x, y| {
                    ring.cov(x, y) * (1.0 - hole.cov(x, y))
                });
            } else {
                for s in [-1.0f32, 1.0] {
                    let pts = [
                        (fx + s * (nk - 2.0), nb - 12.0),
                        (fx + s * 2.0, nb + 3.0),
                        (fx + s * (nk + 2.0), nb + 10.0),
                    ];
                    c.paint(
                        body,
                        poly_bounds(&pts),
                        |x, y| aa(poly_sd(x, y, &pts)),
                        |_, _| l.shirt,
                    );
                }
            }
            c.paint(
                body,
                ring.grow(2.0),
                |x, y| {
                    let inside = ring.cov(x, y) * (1.0 - hole.cov(x, y));
                    inside * smoothstep(nb - 24.0, nb - 14.0, y)
                },
                |x, y| {
                    let rib = 0.85 + 0.15 * ((x - fx) * 1.3).sin();
                    cloth_tone(x, y, l.cloth) * rib
                },
            );
        }
        Clothes::Drape => {
            skin_v(
                [
                    (fx - nk * 1.3, nb - 24.0),
                    (fx + nk * 1.3, nb - 24.0),
                    (fx, nb + 70.0),
                ],
                c,
            );
            // soft folds of the velvet drape
            c.shade(body, sh, 0.8, |x, y| {
                let f = ((x - fx) * 0.05 + (y - nb) * 0.02).sin();
                smoothstep(0.6, 1.0, f) * sh.cov(x, y)
            });
        }
        Clothes::Blouse => {
            skin_v(
                [
                    (fx - nk * 1.15, nb - 24.0),
                    (fx + nk * 1.15, nb - 24.0),
                    (fx, nb + 32.0),
                ],
                c,
            );
            for s in [-1.0f32, 1.0] {
                let col = ell(fx + s * 0.42 * a, nb + 14.0, 0.42 * a, 20.0);
                c.paint(
                    body,
                    col,
                    |x, y| col.cov(x, y) * aa(s * (fx - x) - 1.0),
                    |x, y| (l.cloth.max(0.6) + 0.1) * (0.95 + 0.05 * (tx.knit.at(x, y) - 0.5)),
                );
                c.shade(body, col.grow(2.0), 0.7, |x, y| {
                    aa(col.sd(x, y).abs() - 0.7) * aa(s * (fx - x) - 1.0)
                });
            }
        }
    }

    if l.necklace && l.clothes != Clothes::Sweater {
        for j in -8..=8 {
            let t = j as f32 / 8.0;
            let (cx, cy) = (fx + t * 0.56 * a, nb + 2.0 + 22.0 * (1.0 - t * t));
            let pearl = ell(cx, cy, 2.6, 2.6);
            c.paint(
                body,
                pearl,
                |x, y| pearl.cov(x, y),
                |x, y| 0.92 - 0.25 * ((x - cx + 1.0).powi(2) + (y - cy + 1.0).powi(2)) / 7.0,
            );
        }
    }
}

fn draw_face(c: &mut Canvas, head: &Frame, l: &Look, tx: &Textures) {
    let (fx, fy, a, b) = (l.fx, l.fy, l.a, l.b);
    let face = l.face();
    let (lx, ly) = (fx - 0.35 * a * l.light, fy - 0.35 * b);
    c.paint(
        head,
        face,
        |u, v| aa(l.face_sd(u, v)),
        |u, v| {
            let d2 = ((u - lx) / (1.1 * a)).powi(2) + ((v - ly) / (1.2 * b)).powi(2);
            let lit = 0.8 + 0.26 * (-d2).exp();
            let edge = 1.0 - 0.3 * smoothstep(0.62, 1.0, l.face_k(u, v));
            l.skin * lit * edge
        },
    );
    // cheekbone and temple shadows
    for s in [-1.0f32, 1.0] {
        let cheek = ell(fx + s * 0.72 * a, fy + 0.38 * b, 0.25 * a, 0.3 * b);
        c.shade(head, cheek.grow(6.0), 0.93, |u, v| cheek.soft(u, v, 8.0));
    }
    if l.stubble {
        let chin = ell(fx, fy + 0.62 * b, 0.85 * a, 0.45 * b);
        c.shade(head, chin, 0.9, |u, v| {
            chin.soft(u, v, 10.0) * (0.7 + 0.6 * tx.fine.at(u, v)) * aa(-l.face_sd(u, v) - 2.0)
        });
    }

    let ey = fy + l.eye_y * b;
    let (ew, eh) = (l.eye_w * a, l.eye_h * b);
    let brow_tone = (l.hair * 0.7).min(0.28);
    for s in [-1.0f32, 1.0] {
        let ex = fx + s * l.eye_sp * a;
        // socket shadow
        let socket = ell(ex, ey - 0.02 * b, 0.3 * a, 0.14 * b);
        c.shade(head, socket.grow(6.0), 0.86, |u, v| socket.soft(u, v, 7.0));
        // almond-shaped eye white
        let half = move |u: f32, upper: bool| {
            let t = (u - ex) / ew;
            let k = (1.0 - t * t).max(0.0).powf(0.6);
            if upper { eh * k } else { eh * 0.75 * k }
        };
        let eye_cov = move |u: f32, v: f32| {
            let dy = v - ey;
            let hh = half(u, dy < 0.0);
            aa(dy.abs() - hh) * aa(((u - ex) / ew).abs() * ew - ew)
        };
        let bb = ell(ex, ey, ew + 2.0, eh + 6.0);
        c.paint(head, bb, eye_cov, |_, _| 0.78);
        // iris, pupil and catch light
        let (ix, iy) = (ex + l.gaze * ew * 0.3, ey + eh * 0.1);
        let ir = eh * 1.05;
        let iris = ell(ix, iy, ir, ir);
        c.paint(
            head,
            bb,
            |u, v| iris.cov(u, v).min(eye_cov(u, v)),
            |u, v| l.iris * (0.8 + 0.3 * iris.k(u, v)),
        );
        let pupil = ell(ix, iy, ir * 0.45, ir * 0.45);
        c.paint(
            head,
            bb,
            |u, v| pupil.cov(u, v).min(eye_cov(u, v)),
            |_, _| 0.05,
        );
        let glint = ell(ix - ir * 0.35 * l.light, iy - ir * 0.35, 1.3, 1.3);
        c.paint(head, bb, |u, v| glint.cov(u, v) * 0.9, |_, _| 0.97);
        // lids: a dark upper line (thicker with mascara), faint lower line
        let lid = if l.female { 1.5 } else { 0.95 };
        c.paint(
            head,
            bb.grow(2.0),
            |u, v| {
                let t = (u - ex) / ew;
                if t.abs() > 1.08 {
                    return 0.0;
                }
                aa((v - (ey - half(u, true) - lid * 0.5)).abs() - lid) * 0.85
            },
            |_, _| 0.12,
        );
        c.shade(head, bb.grow(2.0), 0.85, |u, v| {
            let t = (u - ex) / ew;
            if t.abs() > 1.0 {
                return 0.0;
            }
            aa((v - (ey + half(u, false) + 0.6)).abs() - 0.6)
        });
        // crease above the eye
        c.shade(head, bb.grow(6.0), 0.9, |u, v| {
            let t = (u - ex) / (ew * 1.05);
            if t.abs() > 1.0 {
                return 0.0;
            }
            let y = ey - half(u, true) - eh * 0.9 - 1.0;
            aa((v - y).abs() - 0.8) * (1.0 - t * t)
        });
        // eyebrow: a tapering arc from the inner end outwards
        let inner = fx + s * 0.1 * a;
        let len = 0.55 * a;
        let by = ey - l.brow_y * b;
        c.paint(
            head,
            ell(inner + s * len / 2.0, by, len / 2.0 + 3.0, 12.0),
            |u, v| {
                let t = (u - inner) * s / len;
                if !(-0.05..=1.05).contains(&t) {
                    return 0.0;
                }
                let tt = t.clamp(0.0, 1.0);
                let yc = by - l.brow_arch * 4.0 * tt * (1.0 - tt) * 0.8 + l.brow_tilt * tt;
                let th = l.brow_th * (1.0 - 0.55 * tt);
                let ends = smoothstep(-0.05, 0.06, t) * (1.0 - smoothstep(0.94, 1.05, t));
                aa((v - yc).abs() - th / 2.0) * ends * (0.75 + 0.25 * tx.strands.at(v * 3.0, u))
            },
            |_, _| brow_tone,
        );
    }

    // nose: shadow down one side, light on the tip, nostrils
    let ny = fy + l.nose_len * b;
    let nw = l.nose_w * a;
    let side = ell(fx + 0.09 * a * l.light, fy + 0.14 * b, 0.05 * a, 0.19 * b);
    c.shade(head, side.grow(5.0), 0.8, |u, v| side.soft(u, v, 4.0));
    let tip = ell(fx, ny - 0.05 * b, 0.1 * a, 0.05 * b);
    c.shade(head, tip.grow(4.0), 1.05, |u, v| tip.soft(u, v, 3.0));
    let under = ell(fx, ny + 0.03 * b, nw * 0.8, 0.045 * b);
    c.shade(head, under.grow(5.0), 0.75, |u, v| under.soft(u, v, 4.0));
    for s in [-1.0f32, 1.0] {
        let nos = ell(fx + s * nw * 0.42, ny, 0.055 * a, 0.022 * b);
        c.shade(head, nos.grow(3.0), 0.5, |u, v| nos.soft(u, v, 1.2));
        let wing = ell(fx + s * nw * 0.78, ny - 0.025 * b, 0.09 * a, 0.06 * b);
        c.shade(head, wing.grow(3.0), 0.88, |u, v| {
            aa(wing.sd(u, v).abs() - 0.9) * smoothstep(-2.0, 2.0, s * (u - wing.cx))
        });
    }

    // mouth: lips, the line between them, maybe teeth
    let my = fy + l.mouth_y * b;
    let mw = l.mouth_w * a;
    let open = l.teeth;
    let line = move |u: f32| {
        let t = (u - fx) / mw;
        my - l.smile * t * t + l.smile * 0.3
    };
    let upper_top = move |u: f32| {
        let t = ((u - fx) / mw).clamp(-1.0, 1.0);
        let bow = 1.2 * (-(t * 7.0).powi(2)).exp();
        line(u) - open * 0.35 * (1.0 - t * t) - l.lip_h * 0.75 * (1.0 - t * t).sqrt() + bow
    };
    let lower_bot = move |u: f32| {
        let t = ((u - fx) / mw).clamp(-1.0, 1.0);
        line(u) + open * (1.0 - t * t) + l.lip_h * (1.0 - t * t).sqrt()
    };
    let bb = ell(fx, my, mw + 4.0, 18.0);
    let within = move |u: f32| aa(((u - fx) / mw).abs() * mw - mw);
    c.paint(
        head,
        bb,
        |u, v| aa(upper_top(u) - v) * aa(v - lower_bot(u)) * within(u),
        |u, v| {
            let t = (u - fx) / mw;
            let hl = if v > line(u) + open * (1.0 - t * t) {
                1.12
            } else {
                0.95
            };
            l.skin * l.lip * hl
        },
    );
    if open > 0.0 {
        c.paint(
            head,
            bb,
            |u, v| {
                let t = (u - fx) / (mw * 0.88);
                if t.abs() >= 1.0 {
                    return 0.0;
                }
                let top = line(u) - open * 0.35 * (1.0 - t * t);
                let bot = line(u) + open * (1.0 - t * t);
                aa(top - v) * aa(v - bot)
            },
            |u, _| 0.8 - 0.25 * ((u - fx) / mw).powi(2),
        );
    }
    c.paint(
        head,
        bb,
        |u, v| {
            let t = (u - fx) / mw;
            if t.abs() > 1.02 {
                return 0.0;
            }
            let y = line(u)
                + if open > 0.0 {
                    open * (1.0 - t * t)
                } else {
                    0.0
                };
            aa((v - y).abs() - 0.7) * 0.85
        },
        |_, _| 0.15,
    );
    for s in [-1.0f32, 1.0] {
        let corner = ell(fx + s * mw, line(fx + s * mw) - 0.5, 2.0, 2.0);
        c.shade(head, corner.grow(3.0), 0.8, |u, v| corner.soft(u, v, 2.0));
    }
    let below = ell(fx, lower_bot(fx) + 4.0, mw * 0.55, 3.5);
    c.shade(head, below.grow(4.0), 0.86, |u, v| below.soft(u, v, 3.0));
    let chin = ell(fx, fy + 0.86 * b, 0.22 * a, 0.07 * b);
    c.shade(head, chin.grow(6.0), 1.05, |u, v| chin.soft(u, v, 6.0));

    if l.moustache {
        let tone = (l.hair * 0.85).min(0.32);
        // a full moustache from under the nose down over the upper lip,
        // arched on top, its ends reaching a little below the mouth corners
        let top = ny + 0.045 * b;
        c.paint(
            head,
            ell(fx, (top + my) / 2.0, mw * 1.3, (my - top) / 2.0 + 10.0),
            |u, v| {
                let t = (u - fx) / (mw * 1.08);
                if t.abs() > 1.0 {
                    return 0.0;
                }
                let bot = line(u.clamp(fx - mw, fx + mw)) - 1.5 + 3.0 * t.powi(4);
                let top_edge = top + (bot - top) * (0.15 + 0.75 * t * t);
                let ragged = 1.5 * (tx.strands.at(u * 2.0, v) - 0.5);
                let edge = |d: f32| smoothstep(-1.2, 1.2, d);
                edge(v - top_edge) * edge(bot + ragged - v) * (1.0 - smoothstep(0.85, 1.0, t.abs()))
            },
            |u, v| tone * (0.85 + 0.3 * tx.strands.at(u * 1.5, v * 2.0)),
        );
    }
}

fn draw_front_hair(c: &mut Canvas, head: &Frame, l: &Look, tx: &Textures, cap: &Cap) {
    let (fx, fy, a, b) = (l.fx, l.fy, l.a, l.b);
    let vol = if matches!(l.style, Hair::Balding | Hair::Crop | Hair::FlatTop) {
        1.0
    } else {
        l.vol
    };
    let e = ell(fx, fy + cap.cy * b, cap.wid * a * vol, cap.hgt * b * vol);
    let bb = if cap.flat {
        ell(fx, fy - 0.5 * b, a * 1.1, b * 0.85)
    } else {
        e.grow(e.rx * cap.amp + 2.0)
    };
    let sweep = if l.style == Hair::SideSweep {
        -0.07 * l.part.signum()
    } else {
        0.0
    };
    let px = fx + cap.part_x * a;
    let fringe_amp = if cap.curly {
        0.035
    } else if l.bangs && l.female {
        0.02 * l.fringe
    } else {
        0.0
    };
    let hairline = move |u: f32| {
        let t = (u - fx) / a;
        let peak = if cap.part_line {
            0.07 * b * (-((u - px) / (0.35 * a)).powi(2)).exp()
        } else {
            0.0
        };
        fy - cap.hairline * b + cap.temples * b * t * t + sweep * b * t - peak
            + fringe_amp * b * (t * 14.0 + l.phase).sin()
    };
    let bald = l.style == Hair::Balding;
    c.paint(
        head,
        bb,
        |u, v| {
            let mut outline = if cap.bumps > 0.0 {
                e.blob(u, v, cap.bumps, cap.amp, l.phase)
            } else {
                e.cov(u, v)
            };
            if cap.flat {
                // squared-off top and sides, rounded into the head
                let top = fy - 1.14 * b;
                let dx = ((u - fx).abs() - 0.72 * a).max(0.0);
                let dy = (top + 0.2 * a - v).max(0.0);
                let corner = (dx * dx + dy * dy).sqrt() - 0.2 * a;
                let flat = aa(corner) * aa(top - v) * aa(v - (fy - 0.55 * b));
                outline = outline.max(flat);
            }
            if outline <= 0.0 {
                return 0.0;
            }
            let in_face = aa(l.face_sd(u, v));
            let curtain = aa(a * (1.0 - cap.curtain) - (u - fx).abs());
            let framed = (1.0 - in_face).max(aa(v - hairline(u))).max(curtain);
            let sides = aa(v - (fy + cap.side * b));
            let mut cv = outline * framed * sides;
            if bald {
                cv *= smoothstep(fy - 0.55 * b, fy - 0.4 * b, v);
            }
            cv
        },
        |u, v| {
            let edge = smoothstep(0.75, 1.0, e.k(u, v));
            l.hair_tone(tx, u, v, cap.curly, edge)
        },
    );
    // a little shadow the hair casts on the forehead
    if !bald {
        c.shade(head, e, 0.88, |u, v| {
            let d = v - hairline(u);
            (smoothstep(-1.0, 0.0, d) * (1.0 - smoothstep(0.0, 7.0, d))) * aa(l.face_sd(u, v))
        });
        if cap.part_line {
            // the parting: a thin dark line running back from the hairline
            let stop = hairline(px) - 3.0;
            c.shade(head, bb, 0.72, |u, v| {
                let d = (v - stop) / b;
                let x = px - 0.12 * a * cap.part_x.signum() * d;
                aa((u - x).abs() - 0.6) * aa(v - stop) * aa(e.sd(u, v) + 4.0)
            });
        }
    } else {
        let shine = ell(fx - 0.2 * a * l.light, fy - 0.78 * b, 0.3 * a, 0.1 * b);
        c.shade(head, shine.grow(8.0), 1.1, |u, v| shine.soft(u, v, 8.0));
    }
}

fn draw_glasses(c: &mut Canvas, head: &Frame, l: &Look, g: &Glasses) {
    let (fx, fy, a, b) = (l.fx, l.fy, l.a, l.b);
    let ey = fy + l.eye_y * b + 1.0;
    let (gw, gh) = (g.w * l.eye_w * a, g.h * l.eye_h * b);
    let mut inner_x = [0.0f32; 2];
    for (i, s) in [-1.0f32, 1.0].into_iter().enumerate() {
        let ex = fx + s * l.eye_sp * a;
        inner_x[i] = ex - s * gw;
        let shape = move |u: f32, v: f32| {
            let dy = (v - ey) / gh;
            let rx = gw * (1.0 + g.taper * dy);
            let k = ((u - ex) / rx).abs().powf(g.power) + dy.abs().powf(g.power);
            (k.powf(1.0 / g.power) - 1.0) * gw.min(gh)
        };
        let bb = ell(ex, ey, gw * 1.3, gh + 4.0);
        // lens: a touch lighter, with a diagonal reflection
        c.shade(head, bb, 1.04, |u, v| aa(shape(u, v)));
        c.shade(head, bb, 1.12, |u, v| {
            let d = ((u - ex) * 0.7 + (v - ey) * 0.7 + gh * 0.3).abs();
            aa(shape(u, v) + 2.0) * aa(d - 2.0) * 0.8
        });
        c.paint(
            head,
            bb,
            |u, v| aa(shape(u, v).abs() - g.thick / 2.0),
            |_, v| g.tone * (1.0 + 0.4 * ((v - ey) / gh).max(0.0)),
        );
        // arm towards the ear
        let (x0, x1) = if s < 0.0 {
            (fx - a * 0.98, ex - gw * 0.95)
        } else {
            (ex + gw * 0.95, fx + a * 0.98)
        };
        let arm_y = ey - gh * 0.45;
        c.paint(
            head,
            ell((x0 + x1) / 2.0, arm_y, (x1 - x0) / 2.0, 3.0),
            |u, v| aa((v - arm_y).abs() - g.thick * 0.4) * aa(x0 - u) * aa(u - x1),
            |_, _| g.tone,
        );
    }
    // bridge
    let (x0, x1) = (inner_x[0] - 1.0, inner_x[1] + 1.0);
    let by = ey - gh * 0.35;
    c.paint(
        head,
        ell(fx, by, (x1 - x0) / 2.0 + 2.0, 6.0),
        |u, v| {
            let t = (u - fx) / ((x1 - x0) / 2.0);
            let y = by - 2.0 * (1.0 - t * t);
            aa((v - y).abs() - g.thick * 0.45) * aa(x0 - u) * aa(u - x1)
        },
        |_, _| g.tone,
    );
}

// ---------------------------------------------------------------- output

fn main() -> Result<()> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "data/demo".to_string());
    let out = Path::new(&out);
    let photos = out.join("photos");
    fs::create_dir_all(&photos).with_context(|| format!("creating {}", photos.display()))?;

    let mut class: Vec<&Person> = CLASS.iter().collect();
    class.sort_by_key(|p| p.surname_key());

    let mut rng = Rng(SEED);
    let mut numbers: Vec<usize> = (1..=class.len()).collect();
    rng.shuffle(&mut numbers);
    let mut female_styles = FEMALE_STYLES.to_vec();
    let mut male_styles = MALE_STYLES.to_vec();
    rng.shuffle(&mut female_styles);
    rng.shuffle(&mut male_styles);
    let (mut nf, mut nm) = (0, 0);

    let mut csv = csv::Writer::from_path(out.join("roster.csv"))?;
    csv.write_record(["name", "gender", "photo", "known_as", "in_memoriam"])?;
    let mut total = 0;
    for (i, (p, &n)) in class.iter().zip(&numbers).enumerate() {
        let mut r = Rng(SEED ^ (i as u64 + 1).wrapping_mul(0xA076_1D64_78BD_642F));
        let female = match p.gender {
            "F" => true,
            "M" => false,
            _ => r.chance(0.5),
        };
        let style = p.hair.unwrap_or_else(|| {
            if female {
                nf += 1;
                female_styles[(nf - 1) % female_styles.len()]
            } else {
                nm += 1;
                male_styles[(nm - 1) % male_styles.len()]
            }
        });
        let look = make_look(p, female, style, &mut r);
        let pixels = render(&look, &mut r);

        let rel = format!("photos/{n:02}.jpg");
        let path = out.join(&rel);
        let mut file = BufWriter::new(
            fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?,
        );
        JpegEncoder::new_with_quality(&mut file, JPEG_QUALITY).encode(
            &pixels,
            W as u32,
            H as u32,
            ExtendedColorType::L8,
        )?;
        file.flush()?;
        drop(file);
        let size = fs::metadata(&path)?.len();
        total += size;
        println!(
            "{rel}  {size:>6} B  {:<22} {:?} {:?}{}",
            p.name,
            style,
            look.clothes,
            if look.glasses.is_some() {
                " glasses"
            } else {
                ""
            }
        );

        csv.write_record([
            p.name,
            p.gender,
            &rel,
            p.known_as,
            if p.in_memoriam { "true" } else { "" },
        ])?;
    }
    csv.flush()?;

    fs::write(
        out.join("README.md"),
        "This demo class of 1986 is fictional: every name and every portrait was made up by \
         `examples/gen_demo.rs` (procedural pixel drawings, no real people).\n\
         Regenerate it with `cargo run --release --example gen_demo -- data/demo`.\n",
    )?;
    println!(
        "wrote {} classmates to {} ({} KiB of photos)",
        class.len(),
        out.display(),
        total / 1024
    );
    Ok(())
}
