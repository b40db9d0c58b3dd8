//! `yearbook pages`: scanned yearbook class pages become a roster folder.
//! Each page is deskewed, its grid of portraits found from projection
//! profiles, each portrait cropped to the class's common size and the
//! caption under it read with the `tesseract` command (issue 23). A caption
//! that cannot be read, or a machine without tesseract, leaves the name
//! empty and flagged: nothing is guessed.

pub mod face;
pub mod generate;
pub mod register;
pub mod why;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use image::{GrayImage, ImageFormat, Luma, imageops};

use crate::roster::photos;
pub use why::{NotClass, PageError, Unnamed};

/// Paper is lighter than this; anything darker is ink or photo.
const PAPER: u8 = 235;
/// Deskew search: ±4° in 0.1° steps, enough for a hand-placed scan.
const MAX_SKEW_DEG: f32 = 4.0;
const SKEW_STEP_DEG: f32 = 0.1;
/// One page's OCR may not hang the import.
const OCR_TIMEOUT: Duration = Duration::from_secs(60);
/// Paper between two captions stacked for one OCR run, in pixels.
const CAPTION_GAP: u32 = 30;

/// A portrait's box on the deskewed page, in pixels (end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
}

impl Rect {
    fn width(&self) -> u32 {
        self.x1 - self.x0
    }
    fn height(&self) -> u32 {
        self.y1 - self.y0
    }
}

/// One portrait found: its crop and the caption read under it.
#[derive(Debug)]
pub struct Found {
    pub rect: Rect,
    pub photo: GrayImage,
    /// Empty when unread; then `flag` says why.
    pub name: String,
    pub flag: Option<Unnamed>,
    /// The face found, in `photo`'s pixels.
    pub face: Option<face::Face>,
    /// What `photo` shows of the straightened page, in its pixels.
    pub shown: face::Window,
    /// `None` when the crop shows the face in the class framing
    /// ([`frame_class`]); else why not (no face found: the whole box).
    pub framing: Option<String>,
}

/// What a page gave.
#[derive(Debug)]
pub struct PageResult {
    pub skew_deg: f32,
    pub found: Vec<Found>,
}

/// Turns `img` by `radians` counter-clockwise about its centre, same size,
/// paper-white where nothing maps (bilinear).
pub fn rotate(img: &GrayImage, radians: f32) -> GrayImage {
    let (w, h) = img.dimensions();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let (sin, cos) = radians.sin_cos();
    let mut out = GrayImage::from_pixel(w, h, Luma([255]));
    for (x, y, p) in out.enumerate_pixels_mut() {
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        let sx = cx + cos * dx - sin * dy;
        let sy = cy + sin * dx + cos * dy;
        if sx < 0.0 || sy < 0.0 || sx >= (w - 1) as f32 || sy >= (h - 1) as f32 {
            continue;
        }
        let (x0, y0) = (sx as u32, sy as u32);
        let (fx, fy) = (sx - x0 as f32, sy - y0 as f32);
        let at = |x: u32, y: u32| f32::from(img.get_pixel(x, y).0[0]);
        let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1, y0) * fx;
        let bottom = at(x0, y0 + 1) * (1.0 - fx) + at(x0 + 1, y0 + 1) * fx;
        p.0[0] = (top * (1.0 - fy) + bottom * fy).round() as u8;
    }
    out
}

/// The turn (radians, for [`rotate`]) that makes the page's rows of ink
/// sharpest: the grid's horizontal edges line up when the page is straight.
pub fn find_skew(img: &GrayImage) -> f32 {
    let (w, h) = img.dimensions();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    // Every other pixel each way is plenty for a profile.
    let ink: Vec<(f32, f32)> = (0..h)
        .step_by(2)
        .flat_map(|y| (0..w).step_by(2).map(move |x| (x, y)))
        .filter(|&(x, y)| img.get_pixel(x, y).0[0] < PAPER)
        .map(|(x, y)| (x as f32 - cx, y as f32 - cy))
        .collect();
    let steps = (MAX_SKEW_DEG / SKEW_STEP_DEG).round() as i32;
    let mut best = (f64::MIN, 0.0f32);
    let mut rows = vec![0u32; h as usize * 2];
    for step in -steps..=steps {
        let theta = (step as f32 * SKEW_STEP_DEG).to_radians();
        let (sin, cos) = theta.sin_cos();
        rows.iter_mut().for_each(|r| *r = 0);
        for &(dx, dy) in &ink {
            // Bins two pixels high, as the sampling: one-pixel bins would
            // leave every other bin empty at 0° only and so favour it.
            let y = (-sin * dx + cos * dy + h as f32) / 2.0;
            if let Some(r) = rows.get_mut(y.max(0.0) as usize) {
                *r += 1;
            }
        }
        let score: f64 = rows.iter().map(|&r| f64::from(r) * f64::from(r)).sum();
        if score > best.0 {
            best = (score, theta);
        }
    }
    best.1
}

/// Runs of indices where `profile[i] >= threshold`, as (start, end).
fn runs(profile: &[f32], threshold: f32) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, &v) in profile.iter().chain(std::iter::once(&f32::MIN)).enumerate() {
        match (start, v >= threshold) {
            (None, true) => start = Some(i as u32),
            (Some(s), false) => {
                out.push((s, i as u32));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// `profile` averaged over `window` neighbours (centred): a halftone's
/// rows and columns of dots alternate between dense and sparse, which
/// would otherwise split a portrait's run into dozens of short ones.
fn smoothed(profile: &[f32], window: usize) -> Vec<f32> {
    let mut sums = Vec::with_capacity(profile.len() + 1);
    sums.push(0.0f64);
    for &v in profile {
        sums.push(sums[sums.len() - 1] + f64::from(v));
    }
    let half = window / 2;
    (0..profile.len())
        .map(|i| {
            let (a, b) = (i.saturating_sub(half), (i + half + 1).min(profile.len()));
            ((sums[b] - sums[a]) / (b - a) as f64) as f32
        })
        .collect()
}

/// Keeps the runs at least `share` of the longest one: portraits, not text.
fn long_runs(found: Vec<(u32, u32)>, share: f32) -> Vec<(u32, u32)> {
    let longest = found.iter().map(|(a, b)| b - a).max().unwrap_or(0);
    found
        .into_iter()
        .filter(|(a, b)| (b - a) as f32 >= longest as f32 * share)
        .collect()
}

/// The grid of portraits on a straight page, row by row, or why this is
/// not a class page.
pub fn find_portraits(img: &GrayImage) -> Result<Vec<Rect>, NotClass> {
    let (w, h) = img.dimensions();
    let is_ink = |x: u32, y: u32| img.get_pixel(x, y).0[0] < PAPER;
    // Wider than a halftone's dots at any scan's resolution, far narrower
    // than a portrait.
    let window = (w.max(h) / 200).max(5) as usize;
    let rows: Vec<f32> = (0..h)
        .map(|y| (0..w).filter(|&x| is_ink(x, y)).count() as f32)
        .collect();
    let rows = smoothed(&rows, window);
    let top = rows.iter().copied().fold(0.0, f32::max);
    let bands = long_runs(runs(&rows, top * 0.5), 0.6);
    let mut rects = Vec::new();
    for &(y0, y1) in &bands {
        let cols: Vec<f32> = (0..w)
            .map(|x| (y0..y1).filter(|&y| is_ink(x, y)).count() as f32)
            .collect();
        let cols = smoothed(&cols, window);
        let most = cols.iter().copied().fold(0.0, f32::max);
        for (x0, x1) in long_runs(runs(&cols, most * 0.5), 0.6) {
            rects.push(Rect { x0, y0, x1, y1 });
        }
    }
    if rects.len() < 4 {
        return Err(NotClass::TooFewBoxes { count: rects.len() });
    }
    let median = |mut v: Vec<u32>| {
        v.sort_unstable();
        v[v.len() / 2]
    };
    let mw = median(rects.iter().map(Rect::width).collect()) as f32;
    let mh = median(rects.iter().map(Rect::height).collect()) as f32;
    let off = |v: u32, m: f32| (v as f32 - m).abs() > m * 0.2;
    if rects
        .iter()
        .any(|r| off(r.width(), mw) || off(r.height(), mh))
    {
        return Err(NotClass::MixedSizes);
    }
    if !(0.7..=2.0).contains(&(mh / mw)) {
        return Err(NotClass::NotPortraitShaped);
    }
    let area: f32 = rects
        .iter()
        .map(|r| r.width() as f32 * r.height() as f32)
        .sum();
    if area < (w as f32 * h as f32) * 0.1 {
        return Err(NotClass::TooLittleCovered);
    }
    Ok(rects)
}

/// Whether the `tesseract` command runs here.
pub fn tesseract_available() -> bool {
    Command::new("tesseract")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A word tesseract read: the middle row of its box, and its text.
struct Word {
    middle_y: u32,
    text: String,
}

/// The words tesseract reads in `img` (one block, any number of lines), in
/// reading order, from its TSV output.
fn ocr_words(img: &GrayImage) -> Result<Vec<Word>, String> {
    let tsv = ocr(img)?;
    // level page block par line word left top width height conf text
    Ok(tsv
        .lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let number = |i: usize| f.get(i).and_then(|v| v.parse::<u32>().ok());
            let text = f.get(11)?.trim();
            let middle_y = number(7)? + number(9)? / 2;
            (number(0)? == 5 && !text.is_empty()).then(|| Word {
                middle_y,
                text: text.to_string(),
            })
        })
        .collect())
}

/// Tesseract's TSV for `img` (one block, any number of lines).
fn ocr(img: &GrayImage) -> Result<String, String> {
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    let mut child = Command::new("tesseract")
        .args(["stdin", "stdout", "-l", "eng", "--psm", "6", "tsv"])
        // OpenMP threads only slow a small image down on a busy machine.
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("tesseract cannot run: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("tesseract has no stdin")?;
    let writer = std::thread::spawn(move || stdin.write_all(&png));
    let mut stdout = child.stdout.take().ok_or("tesseract has no stdout")?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).map(|_| text)
    });
    let started = Instant::now();
    loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(_) => break,
            None if started.elapsed() > OCR_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("tesseract took too long".into());
            }
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    }
    let _ = writer.join();
    reader
        .join()
        .map_err(|_| "tesseract output lost".to_string())?
        .map_err(|e| e.to_string())
}

/// A caption's lines joined into one name; `None` when it does not look
/// like a name (empty, or characters no name has).
fn clean_caption(text: &str) -> Option<String> {
    // Stray marks at either end (a photo's edge read as `r` or `'`) are
    // not words of a name: a word starts with a capital and has 2 letters.
    let word = |w: &&str| {
        w.chars().next().is_some_and(char::is_uppercase)
            && w.chars().filter(|c| c.is_alphabetic()).count() >= 2
    };
    let words: Vec<&str> = text.split_whitespace().collect();
    let first = words.iter().position(&word).unwrap_or(words.len());
    let last = words.iter().rposition(&word).map_or(first, |l| l + 1);
    let name = words[first..last.max(first)].join(" ");
    let plausible = name
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '.' | '’'));
    (!name.is_empty() && plausible).then_some(name)
}

/// Finds, crops and names the portraits of one page, framed alike (the
/// page's faces set the framing; [`frame_class`] does it for a book).
pub fn read_page(img: &GrayImage, with_ocr: bool) -> Result<PageResult, PageError> {
    let mut page = read_page_unframed(img, with_ocr)?;
    frame_class(std::slice::from_mut(&mut page));
    Ok(page)
}

/// [`read_page`] before framing: each photo is its whole box (trimmed of
/// its blurred edge), with the face found in it.
pub fn read_page_unframed(img: &GrayImage, with_ocr: bool) -> Result<PageResult, PageError> {
    read_page_straightened(img, with_ocr).map(|(_, page)| page)
}

/// [`read_page_unframed`], with the straightened page its boxes are on
/// (the organiser's page shows and cuts that one, as the CLI does).
pub fn read_page_straightened(
    img: &GrayImage,
    with_ocr: bool,
) -> Result<(GrayImage, PageResult), PageError> {
    let theta = find_skew(img);
    let straight = rotate(img, theta);
    let rects = find_portraits(&straight).map_err(PageError::NotClass)?;
    let mut faces = face::FaceFinder::new()?;
    let mut found = Vec::new();
    for r in &rects {
        let (inset_x, inset_y) = (r.width() / 40 + 1, r.height() / 40 + 1);
        let cell = imageops::crop_imm(
            &straight,
            r.x0 + inset_x,
            r.y0 + inset_y,
            r.width().saturating_sub(2 * inset_x).max(1),
            r.height().saturating_sub(2 * inset_y).max(1),
        )
        .to_image();
        found.push(Found {
            rect: *r,
            face: faces.find(&cell),
            shown: face::Window {
                x0: (r.x0 + inset_x) as f32,
                y0: (r.y0 + inset_y) as f32,
                w: cell.width() as f32,
                h: cell.height() as f32,
            },
            photo: cell,
            name: String::new(),
            flag: None,
            framing: None,
        });
    }
    let captions = caption_images(&straight, &rects);
    let names = read_captions(&captions, with_ocr);
    for (f, (name, flag)) in found.iter_mut().zip(names) {
        f.name = name;
        f.flag = flag;
    }
    let page = PageResult {
        // The page's turn is the opposite of the one that straightens it
        // (+ 0.0: a straight page says 0.0°, not -0.0°).
        skew_deg: -theta.to_degrees() + 0.0,
        found,
    };
    Ok((straight, page))
}

/// Crops every portrait of `pages` (from [`read_page_unframed`]: one book)
/// to one size, the median box's, with its face (registered to the class's
/// mean face: [`register::to_mean_face`]) at the class's framing
/// ([`face::Framing::of_class`]). A portrait without a face found keeps
/// its whole box, one whose face does not fit the framing the nearest
/// window inside its box; `framing` says which.
pub fn frame_class(pages: &mut [PageResult]) {
    let all = || pages.iter().flat_map(|p| p.found.iter());
    let median = |mut v: Vec<u32>| {
        v.sort_unstable();
        v.get(v.len() / 2).copied().unwrap_or(1).max(1)
    };
    let out_w = median(all().map(|f| f.photo.width()).collect());
    let out_h = median(all().map(|f| f.photo.height()).collect());
    let aspect = out_w as f32 / out_h as f32;
    // The detector's box wanders by a tenth in size (a quarter on a
    // halftone): each face is registered to the class's mean face, made
    // of the photo-tone portraits where there are any.
    let detected: Vec<(&GrayImage, face::Face)> =
        all().filter_map(|f| Some((&f.photo, f.face?))).collect();
    let clean: Vec<bool> = detected
        .iter()
        .map(|(photo, _)| !face::is_halftone(photo))
        .collect();
    let mut registered = register::to_mean_face(&detected, &clean).into_iter();
    let faces: Vec<Option<face::Face>> = all()
        .map(|f| f.face.and_then(|_| registered.next()))
        .collect();
    let placed: Vec<face::Placed> = all()
        .zip(&faces)
        .filter_map(|(f, face)| Some(((*face)?, f.photo.width() as f32, f.photo.height() as f32)))
        .collect();
    let framing = face::Framing::of_class(&placed, aspect);
    for (f, sized) in pages.iter_mut().flat_map(|p| p.found.iter_mut()).zip(faces) {
        f.face = sized;
        let (bw, bh) = (f.photo.width() as f32, f.photo.height() as f32);
        let (window, why) = match (f.face, framing) {
            (Some(face), Some(framing)) => match framing.window(face, bw, bh, aspect) {
                (window, true) => (window, None),
                (window, false) => (
                    window,
                    Some(
                        "face too large or too near the edge for the class framing: kept within its box",
                    ),
                ),
            },
            _ => (
                face::Window {
                    x0: 0.0,
                    y0: 0.0,
                    w: bw,
                    h: bh,
                },
                Some("no face found: cropped to its box"),
            ),
        };
        let page_scale = f.shown.w / bw;
        f.shown = face::Window {
            x0: f.shown.x0 + window.x0 * page_scale,
            y0: f.shown.y0 + window.y0 * page_scale,
            w: window.w * page_scale,
            h: window.h * page_scale,
        };
        f.photo = face::cut(&f.photo, window, out_w, out_h);
        f.framing = why.map(String::from);
        // The face, now in the crop's pixels.
        let scale = out_w as f32 / window.w;
        f.face = f.face.map(|face| face::Face {
            cx: (face.cx - window.x0) * scale,
            cy: (face.cy - window.y0) * scale,
            size: face.size * scale,
        });
    }
}

/// Each portrait's caption as one image (its lines stacked), or `None`
/// when no text lies under it. Captions are found row of portraits by row:
/// the text lines in the strip under the row come from a row profile, and each line's
/// runs of ink are shared out among the portraits so that each one's share
/// is centred under it. So a line wider than its portrait (a long name set
/// on two lines) is read whole, and a neighbour's letters are left out.
fn caption_images(img: &GrayImage, rects: &[Rect]) -> Vec<Option<GrayImage>> {
    let (pw, ph) = img.dimensions();
    let mut out = Vec::with_capacity(rects.len());
    let mut start = 0;
    while start < rects.len() {
        let y1 = rects[start].y1;
        let end = start + rects[start..].iter().take_while(|r| r.y1 == y1).count();
        let row = &rects[start..end];
        start = end;
        let height = row[0].height();
        let width = row[0].width();
        let next_top = rects[end..].first().map_or(ph, |r| r.y0);
        let bottom = next_top.min(y1 + height * 3 / 5).min(ph);
        let x0 = row[0].x0.saturating_sub(width);
        let x1 = row.last().map_or(pw, |r| r.x1 + width).min(pw);
        if bottom <= y1 || x1 <= x0 {
            out.extend(row.iter().map(|_| None));
            continue;
        }
        // The strip under the row, in its own coordinates, without the
        // portraits' own (blurred, maybe slanted) bottom edges.
        let mut strip = imageops::crop_imm(img, x0, y1, x1 - x0, bottom - y1).to_image();
        for r in row {
            let from = r.x0.saturating_sub(2).max(x0) - x0;
            let to = (r.x1 + 2).min(x1) - x0;
            clear_photo_edge(&mut strip, from..to, height / 3);
        }
        let is_ink = |x: u32, y: u32| strip.get_pixel(x, y).0[0] < PAPER;
        let (sw, sh) = strip.dimensions();
        let lines = text_lines(
            &(0..sh)
                .map(|y| (0..sw).filter(|&x| is_ink(x, y)).count())
                .collect::<Vec<_>>(),
        );
        let centres: Vec<f32> = row
            .iter()
            .map(|r| (r.x0 + r.x1) as f32 / 2.0 - x0 as f32)
            .collect();
        // Per portrait: (x0, x1, y0, y1) of its share of each line.
        let mut shares: Vec<Vec<(u32, u32, u32, u32)>> = vec![Vec::new(); row.len()];
        for &(ly0, ly1) in &lines {
            let cols: Vec<usize> = (0..sw)
                .map(|x| (ly0..ly1).filter(|&y| is_ink(x, y)).count())
                .collect();
            let pieces = runs_of_ink(&cols);
            for (portrait, group) in share_out(&pieces, &centres).into_iter().enumerate() {
                if let Some((first, last)) = group {
                    shares[portrait].push((pieces[first].0, pieces[last].1, ly0, ly1));
                }
            }
        }
        out.extend(shares.iter().map(|lines| stack_lines(&strip, lines)));
    }
    out
}

/// Paints paper over what hangs down from a portrait into the strip under
/// it (columns `xs`): in each column, the ink from the strip's top down,
/// across gaps of up to 3 rows (a halftone's dots), at most `most` rows.
/// Captions are set further down than that gap.
fn clear_photo_edge(strip: &mut GrayImage, xs: std::ops::Range<u32>, most: u32) {
    const GAP: u32 = 3;
    let most = most.min(strip.height());
    for x in xs {
        let mut y = 0;
        while y < most {
            let ink_within =
                (y..(y + GAP + 1).min(most)).find(|&k| strip.get_pixel(x, k).0[0] < PAPER);
            let Some(k) = ink_within else {
                break;
            };
            for cleared in y..=k {
                strip.put_pixel(x, cleared, Luma([255]));
            }
            y = k + 1;
        }
    }
}

/// Text lines in a caption's row profile (ink per row), as row ranges: the
/// first line, and each next one that follows it closely (a caption's
/// second line), not what lies further down (a page number).
fn text_lines(rows: &[usize]) -> Vec<(u32, u32)> {
    let mut lines: Vec<(u32, u32)> = Vec::new();
    for (a, b) in runs_of_ink(rows) {
        // A speck row or two is not a line of text.
        if b - a < 3 {
            continue;
        }
        if let Some(&(pa, pb)) = lines.last()
            && a - pb > (pb - pa)
        {
            break;
        }
        lines.push((a, b));
    }
    lines
}

/// Runs of indices with ink (`> 0`), as (start, end exclusive).
fn runs_of_ink(counts: &[usize]) -> Vec<(u32, u32)> {
    let profile: Vec<f32> = counts.iter().map(|&c| c as f32).collect();
    runs(&profile, 0.5)
}

/// Shares a line's runs of ink (left to right) among the portraits of a
/// row (their centres, left to right): each portrait gets a consecutive
/// group, maybe none, chosen so that the groups sit as centred under their
/// portraits as they can (least squares, by dynamic programming). Returns
/// each portrait's (first, last) run.
fn share_out(pieces: &[(u32, u32)], centres: &[f32]) -> Vec<Option<(usize, usize)>> {
    let (n, m) = (pieces.len(), centres.len());
    let offset = |j: usize, first: usize, last: usize| {
        let middle = (pieces[first].0 + pieces[last].1) as f32 / 2.0;
        (middle - centres[j]).powi(2)
    };
    // A cut between two portraits' groups is where the widest gaps are:
    // wider gaps earn more. (Without it, three names centred under the
    // middle portrait would cost no more than one under each.)
    let cut = |s: usize| match s {
        0 => 0.0,
        s if s == n => 0.0,
        s => (pieces[s].0 - pieces[s - 1].1) as f32,
    };
    // cost[j][k]: the first k runs shared among the first j portraits;
    // from[j][k]: where portrait j-1's group starts.
    let mut cost = vec![vec![f32::INFINITY; n + 1]; m + 1];
    let mut from = vec![vec![0usize; n + 1]; m + 1];
    cost[0][0] = 0.0;
    for j in 1..=m {
        for k in 0..=n {
            for s in 0..=k {
                let here = if s == k {
                    0.0
                } else {
                    offset(j - 1, s, k - 1) - cut(s).powi(2)
                };
                let total = cost[j - 1][s] + here;
                if total < cost[j][k] {
                    cost[j][k] = total;
                    from[j][k] = s;
                }
            }
        }
    }
    let mut groups = vec![None; m];
    let mut k = n;
    for j in (1..=m).rev() {
        let s = from[j][k];
        if s < k {
            groups[j - 1] = Some((s, k - 1));
        }
        k = s;
    }
    groups
}

/// One image of a portrait's caption lines, one under the other, on paper
/// with a margin (tesseract reads text with a border around it best),
/// doubled in size for small print.
fn stack_lines(img: &GrayImage, lines: &[(u32, u32, u32, u32)]) -> Option<GrayImage> {
    let line_h = lines.iter().map(|l| l.3 - l.2).max()?;
    let margin = line_h / 2 + 2;
    let gap = line_h / 3 + 1;
    let width = lines.iter().map(|l| l.1 - l.0).max()? + 2 * margin;
    let height = lines.iter().map(|l| l.3 - l.2 + gap).sum::<u32>() - gap + 2 * margin;
    let mut out = GrayImage::from_pixel(width, height, Luma([255]));
    let mut y = margin;
    for &(x0, x1, y0, y1) in lines {
        let part = imageops::crop_imm(img, x0, y0, x1 - x0, y1 - y0).to_image();
        let x = (width - (x1 - x0)) / 2;
        imageops::replace(&mut out, &part, i64::from(x), i64::from(y));
        y += y1 - y0 + gap;
    }
    Some(imageops::resize(
        &out,
        width * 2,
        height * 2,
        imageops::FilterType::CatmullRom,
    ))
}

/// Each caption's name, or an empty one and why. A page's captions are
/// read in one tesseract run (starting it costs more than reading a
/// name): stacked in one image with paper between, each word then goes
/// to the caption whose place holds its middle.
fn read_captions(captions: &[Option<GrayImage>], with_ocr: bool) -> Vec<(String, Option<Unnamed>)> {
    let flagged = |why: Unnamed| (String::new(), Some(why));
    if !with_ocr {
        return captions
            .iter()
            .map(|_| flagged(Unnamed::NoTesseract))
            .collect();
    }
    let width = captions.iter().flatten().map(GrayImage::width).max();
    let mut places = Vec::with_capacity(captions.len());
    let mut height = 0;
    for caption in captions {
        places.push(caption.as_ref().map(|c| (height, height + c.height())));
        if let Some(c) = caption {
            height += c.height() + CAPTION_GAP;
        }
    }
    let words = match width {
        None => Ok(Vec::new()),
        Some(width) => {
            let mut stack = GrayImage::from_pixel(width, height, Luma([255]));
            for (caption, place) in captions.iter().zip(&places) {
                if let (Some(c), Some((top, _))) = (caption, place) {
                    imageops::replace(&mut stack, c, 0, i64::from(*top));
                }
            }
            ocr_words(&stack)
        }
    };
    places
        .iter()
        .map(|place| {
            let Some((top, bottom)) = place else {
                return flagged(Unnamed::NoCaption);
            };
            let words = match &words {
                Ok(words) => words,
                Err(e) => return flagged(Unnamed::Ocr { detail: e.clone() }),
            };
            let text: Vec<&str> = words
                .iter()
                .filter(|w| (*top..*bottom).contains(&w.middle_y))
                .map(|w| w.text.as_str())
                .collect();
            let text = text.join(" ");
            match clean_caption(&text) {
                Some(name) => (name, None),
                None => flagged(Unnamed::Unreadable { text }),
            }
        })
        .collect()
}

/// A page file larger than this is refused before it is read: a 600 dpi
/// letter page saved as uncompressed 16-bit RGB TIFF is about 200 MB.
pub const MAX_PAGE_BYTES: u64 = 256 * 1024 * 1024;

/// Why a page file was not read.
#[derive(Debug)]
pub enum PageFileError {
    /// Larger on disk than [`MAX_PAGE_BYTES`].
    TooLarge {
        bytes: u64,
    },
    Decode(photos::DecodeError),
    Io(std::io::Error),
}

/// Reads a page file (PNG, JPEG or TIFF), refusing one too large before
/// reading it (its size on disk) and before decoding it (its pixels, from
/// its header: within [`photos::MAX_SIDE`] a side and
/// [`photos::MAX_PIXELS`], so decoding takes at most a few hundred MB).
/// The CLI's and the organiser's page both read pages with it.
pub fn open_page(path: &Path) -> Result<GrayImage, PageFileError> {
    let bytes = std::fs::metadata(path).map_err(PageFileError::Io)?.len();
    if bytes > MAX_PAGE_BYTES {
        return Err(PageFileError::TooLarge { bytes });
    }
    let img = photos::decode_page_file(path).map_err(PageFileError::Decode)?;
    Ok(img.into_luma8())
}

/// [`open_page`], its refusal in a sentence naming the file.
pub fn load_page(path: &Path) -> anyhow::Result<GrayImage> {
    open_page(path).map_err(|e| match e {
        PageFileError::TooLarge { bytes } => anyhow::anyhow!(
            "{} is {} MB, more than a page file may be ({} MB): scan at 300 to 600 dpi in grey, or save as PNG or JPEG",
            path.display(),
            bytes / (1024 * 1024),
            MAX_PAGE_BYTES / (1024 * 1024)
        ),
        PageFileError::Decode(e) => anyhow::anyhow!("{} {e}", path.display()),
        PageFileError::Io(e) => anyhow::Error::new(e).context(format!("{}", path.display())),
    })
}

/// The pages to read: each file, with its book's label when the pages
/// were given as one folder per book (`senior/`, `junior/`: the label is
/// the folder's name, as `yearbook import` reads a `1986/` folder).
pub fn pages_of(args: &[PathBuf]) -> anyhow::Result<Vec<(PathBuf, Option<String>)>> {
    let folders = args.iter().filter(|a| a.is_dir()).count();
    if folders == 0 {
        return Ok(args.iter().map(|p| (p.clone(), None)).collect());
    }
    if folders < args.len() {
        bail!(
            "give either page files (one book) or one folder per book (its name is the book's label), not both"
        );
    }
    let mut pages = Vec::new();
    for folder in args {
        let label = folder
            .file_name()
            .map(|n| n.to_string_lossy().trim().to_string())
            .filter(|n| !n.is_empty())
            .with_context(|| format!("{}: a book's folder needs a name", folder.display()))?;
        let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
            .with_context(|| format!("{}", folder.display()))?
            .filter_map(|e| Some(e.ok()?.path()))
            .filter(|p| p.is_file() && is_page_file(p))
            .collect();
        if files.is_empty() {
            bail!(
                "{}: no page images (.png, .jpg, .jpeg, .tif, .tiff, .pdf) in this folder",
                folder.display()
            );
        }
        // Page files are read in name order within a book.
        files.sort();
        pages.extend(files.into_iter().map(|f| (f, Some(label.clone()))));
    }
    Ok(pages)
}

fn is_page_file(path: &Path) -> bool {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|e| matches!(e.as_str(), "png" | "jpg" | "jpeg" | "tif" | "tiff" | "pdf"))
}

/// PDF pages are drawn at this resolution, as a scan's.
const PDF_DPI: u32 = 300;

fn is_pdf(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case("pdf"))
}

/// Why a PDF's pages were not drawn.
#[derive(Debug)]
pub enum PdfError {
    /// poppler-utils (`pdfinfo`, `pdftoppm`) is not installed.
    NoPoppler,
    /// A page would be larger than a page image may be, at [`PDF_DPI`].
    TooLarge {
        width: u64,
        height: u64,
    },
    /// poppler's words.
    Unreadable(String),
    Io(std::io::Error),
}

impl PdfError {
    /// The CLI's sentence for `path`.
    fn said(&self, path: &Path) -> String {
        let path = path.display();
        match self {
            Self::NoPoppler => format!(
                "{path} is a PDF: reading one needs poppler's pdftoppm (apt-get install poppler-utils), or save its pages as PNG"
            ),
            Self::TooLarge { width, height } => format!(
                "{path} has a page of {width}×{height} pixels at {PDF_DPI} dpi, more than a page may be ({} a side, {} megapixels)",
                photos::MAX_SIDE,
                photos::MAX_PIXELS / 1_000_000
            ),
            Self::Unreadable(why) => format!("{path} cannot be read as a PDF: {why}"),
            Self::Io(e) => format!("{path}: {e}"),
        }
    }
}

/// Each PDF among `pages` replaced by its pages ([`draw_pdf`] into `dir`).
fn expand_pdfs(
    pages: Vec<(PathBuf, Option<String>)>,
    dir: &Path,
) -> anyhow::Result<Vec<(PathBuf, Option<String>)>> {
    let mut out = Vec::new();
    for (n, (path, label)) in pages.into_iter().enumerate() {
        if !is_pdf(&path) {
            out.push((path, label));
            continue;
        }
        let stem = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let drawn =
            draw_pdf(&path, dir, &n.to_string()).map_err(|e| anyhow::anyhow!(e.said(&path)))?;
        for (page, file) in drawn.into_iter().enumerate() {
            let named = dir.join(format!("{stem}-{}.png", page + 1));
            std::fs::rename(&file, &named)?;
            out.push((named, label.clone()));
        }
    }
    Ok(out)
}

/// The pages of the PDF at `path`, drawn as grey PNGs into `dir` (as
/// `{prefix}-N.png`) by poppler's `pdftoppm` at [`PDF_DPI`], in page
/// order. `pdfinfo` first: a page that would be larger than a page image
/// may be is refused before it is drawn.
pub fn draw_pdf(path: &Path, dir: &Path, prefix: &str) -> Result<Vec<PathBuf>, PdfError> {
    let info = Command::new("pdfinfo")
        .args(["-f", "1", "-l", "100000"])
        .arg(path)
        .output()
        .map_err(|_| PdfError::NoPoppler)?;
    if !info.status.success() {
        return Err(PdfError::Unreadable(
            String::from_utf8_lossy(&info.stderr).trim().to_string(),
        ));
    }
    // "Page    1 size: 612 x 792 pts (letter)", in points (1/72 inch).
    for line in String::from_utf8_lossy(&info.stdout).lines() {
        let Some(size) = line.split("size:").nth(1) else {
            continue;
        };
        let sides: Vec<f64> = size
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .take(2)
            .collect();
        let px = |pt: f64| (pt / 72.0 * f64::from(PDF_DPI)).round() as u64;
        if let [w, h] = sides[..] {
            let (width, height) = (px(w), px(h));
            if width > u64::from(photos::MAX_SIDE)
                || height > u64::from(photos::MAX_SIDE)
                || width * height > photos::MAX_PIXELS
            {
                return Err(PdfError::TooLarge { width, height });
            }
        }
    }
    std::fs::create_dir_all(dir).map_err(PdfError::Io)?;
    let drawn = Command::new("pdftoppm")
        .args(["-r", &PDF_DPI.to_string(), "-gray", "-png"])
        .arg(path)
        .arg(dir.join(prefix))
        .output()
        .map_err(|_| PdfError::NoPoppler)?;
    if !drawn.status.success() {
        return Err(PdfError::Unreadable(
            String::from_utf8_lossy(&drawn.stderr).trim().to_string(),
        ));
    }
    // pdftoppm names them `{prefix}-1.png`, zero-padded to the count.
    let mut files: Vec<(u32, PathBuf)> = std::fs::read_dir(dir)
        .map_err(PdfError::Io)?
        .filter_map(|e| Some(e.ok()?.path()))
        .filter_map(|p| {
            let name = p.file_stem()?.to_string_lossy().into_owned();
            let page = name.strip_prefix(&format!("{prefix}-"))?.parse().ok()?;
            Some((page, p))
        })
        .collect();
    files.sort();
    Ok(files.into_iter().map(|(_, p)| p).collect())
}

/// One portrait on its way to the roster.
struct Entry<'a> {
    found: &'a Found,
    file: String,
    label: Option<&'a str>,
    /// Its place on its page: number, row, column (from 1).
    place: (usize, usize, usize),
}

/// `yearbook pages PAGES… --out DIR`: writes `roster.csv` and `photos/`
/// as `yearbook import` does, reporting each page to `report`. PAGES are
/// page files, or one folder per book ([`pages_of`]): then a person found
/// in several books (the same name, as `yearbook import` compares names)
/// is one person with a photo labelled by each book.
pub fn run(pages: &[PathBuf], out: &Path, report: &mut impl Write) -> anyhow::Result<()> {
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        bail!("{} is not empty; give a new or empty folder", out.display());
    }
    // A PDF's pages are drawn into the output folder, then removed.
    let drawn = out.join(".pdf-pages");
    let pages = expand_pdfs(pages_of(pages)?, &drawn)?;
    let with_ocr = tesseract_available();
    if !with_ocr {
        writeln!(
            report,
            "tesseract is not installed: portraits are kept with empty names (apt-get install tesseract-ocr tesseract-ocr-eng)"
        )?;
    }
    std::fs::create_dir_all(out.join("photos"))?;
    // A labelled page's photos are named after its book and file.
    let named: Vec<PathBuf> = pages
        .iter()
        .map(|(path, label)| match label {
            Some(l) => PathBuf::from(format!(
                "{l}-{}",
                path.file_name().unwrap_or_default().to_string_lossy()
            )),
            None => path.clone(),
        })
        .collect();
    let stems = photo_stems(&named);
    let started = Instant::now();
    // First every page read, then one framing for the whole class.
    let mut read = Vec::new();
    let mut read_from = Vec::new();
    for ((path, label), stem) in pages.iter().zip(&stems) {
        let page_started = Instant::now();
        let img = load_page(path)?;
        let page = match read_page_unframed(&img, with_ocr) {
            Ok(page) => page,
            Err(why) => {
                writeln!(report, "{}: {why}", path.display())?;
                continue;
            }
        };
        let flagged = page.found.iter().filter(|f| f.flag.is_some()).count();
        writeln!(
            report,
            "{}: {} portraits, {} names read, {flagged} flagged (skew {:.1}°, {:.2} s)",
            path.display(),
            page.found.len(),
            page.found.len() - flagged,
            page.skew_deg,
            page_started.elapsed().as_secs_f64()
        )?;
        read.push(page);
        read_from.push((stem, label.as_deref()));
    }
    frame_class(&mut read);
    let mut entries = Vec::new();
    for (page, (stem, label)) in read.iter().zip(read_from) {
        let (mut row, mut column) = (0, 0);
        for (n, f) in page.found.iter().enumerate() {
            match page.found[..n].last() {
                Some(before) if before.rect.y0 == f.rect.y0 => column += 1,
                Some(_) => (row, column) = (row + 1, 0),
                None => {}
            }
            let file = format!("photos/{stem}-{}.png", n + 1);
            f.photo.save(out.join(&file))?;
            entries.push(Entry {
                found: f,
                file,
                label,
                place: (n + 1, row + 1, column + 1),
            });
        }
    }
    let entries = one_person_together(entries);
    let labelled = pages.iter().any(|(_, l)| l.is_some());
    let mut csv = String::from(if labelled {
        "name,gender,photo,label\n"
    } else {
        "name,gender,photo\n"
    });
    let (mut unnamed, mut unframed) = (0, 0);
    for (i, e) in entries.iter().enumerate() {
        let (n, row, column) = e.place;
        let (file, f) = (&e.file, e.found);
        // The CSV's header is line 1, so this row is line i + 2.
        if let Some(flag) = &f.flag {
            unnamed += 1;
            writeln!(
                report,
                "  portrait {n} (row {row}, column {column}), {file}: no name ({flag}); type it on line {} of roster.csv",
                i + 2
            )?;
        }
        if let Some(why) = &f.framing {
            unframed += 1;
            writeln!(
                report,
                "  portrait {n} (row {row}, column {column}), {file}: not in the class framing ({why}); look at it before a game",
            )?;
        }
        csv.push_str(&format!("{},,{file}", csv_field(&f.name)));
        if labelled {
            csv.push_str(&format!(",{}", csv_field(e.label.unwrap_or_default())));
        }
        csv.push('\n');
    }
    std::fs::write(out.join("roster.csv"), csv)?;
    if drawn.exists() {
        std::fs::remove_dir_all(&drawn)?;
    }
    let kept = entries.len();
    let seconds = started.elapsed().as_secs_f64();
    let people = {
        let mut keys: Vec<String> = entries
            .iter()
            .map(|e| e.found.name.as_str())
            .filter(|n| !n.is_empty())
            .map(crate::roster::csv::name_key)
            .collect();
        keys.sort();
        keys.dedup();
        keys.len() + unnamed
    };
    let who = if people == kept {
        String::new()
    } else {
        format!(" of {people} people")
    };
    writeln!(
        report,
        "{kept} portraits{who} written to {} ({} pages in {seconds:.1} s, {:.2} s per page)",
        out.join("roster.csv").display(),
        pages.len(),
        seconds / pages.len().max(1) as f64
    )?;
    for line in close_names_apart(&entries) {
        writeln!(report, "{line}")?;
    }
    writeln!(report, "faces framed alike: {} of {kept}", kept - unframed)?;
    if unnamed > 0 {
        writeln!(
            report,
            "names still to type: {unnamed}; type each one into roster.csv before a game (`yearbook check {}` lists them)",
            out.display()
        )?;
    }
    Ok(())
}

/// The entries with each person's photos one after the other, in the
/// order each person first appears: the same name (as `yearbook import`
/// compares names) is one person. Unread names stay apart.
fn one_person_together(entries: Vec<Entry<'_>>) -> Vec<Entry<'_>> {
    let mut order: Vec<Vec<Entry<'_>>> = Vec::new();
    let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for e in entries {
        if e.found.name.is_empty() {
            order.push(vec![e]);
            continue;
        }
        let key = crate::roster::csv::name_key(&e.found.name);
        match at.get(&key) {
            Some(&i) => order[i].push(e),
            None => {
                at.insert(key, order.len());
                order.push(vec![e]);
            }
        }
    }
    order.into_iter().flatten().collect()
}

/// A line for each two names of different books that are close but not
/// the same (an OCR slip, a changed spelling): kept as two people, never
/// merged by a guess.
fn close_names_apart(entries: &[Entry<'_>]) -> Vec<String> {
    let key = |e: &Entry<'_>| crate::roster::csv::name_key(&e.found.name);
    let mut lines = Vec::new();
    for (i, a) in entries.iter().enumerate() {
        for b in &entries[i + 1..] {
            let (ka, kb) = (key(a), key(b));
            if a.label == b.label || a.found.name.is_empty() || b.found.name.is_empty() || ka == kb
            {
                continue;
            }
            if strsim::jaro_winkler(&ka, &kb) >= 0.92 {
                lines.push(format!(
                    "close names in two books, kept as two people: '{}' ({}) <-> '{}' ({}); if they are one person, type one spelling on both lines of roster.csv",
                    a.found.name,
                    a.label.unwrap_or_default(),
                    b.found.name,
                    b.label.unwrap_or_default()
                ));
            }
        }
    }
    lines
}

/// Each page's name for its portraits' files: its file name's letters and
/// digits, with its place in the list when two pages share one.
fn photo_stems(pages: &[PathBuf]) -> Vec<String> {
    let stems: Vec<String> = pages
        .iter()
        .map(|p| {
            let stem: String = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            if stem.is_empty() { "page".into() } else { stem }
        })
        .collect();
    let named: Vec<String> = stems
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if stems.iter().filter(|o| *o == s).count() > 1 {
                format!("{s}-{}", i + 1)
            } else {
                s.clone()
            }
        })
        .collect();
    // Should that still give one name twice ("a-2" beside a second "a"),
    // the pages' places alone.
    let unique: std::collections::HashSet<&String> = named.iter().collect();
    if unique.len() == named.len() {
        named
    } else {
        (1..=pages.len()).map(|i| format!("page{i}")).collect()
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wide_line_goes_whole_to_the_portrait_it_is_centred_under() {
        // Portraits centred at 100 and 247. Under the first, a line from 0
        // to 200 ("Emily Christopher", wider than its portrait: its first
        // word is nearer the left neighbour's middle than its own); under
        // the second, 217 to 277 ("Karen").
        let mut pieces: Vec<(u32, u32)> = (0..10).map(|i| (i * 20, i * 20 + 16)).collect();
        pieces.extend((0..5).map(|i| (217 + i * 12, 217 + i * 12 + 10)));
        let groups = share_out(&pieces, &[-47.0, 100.0, 247.0]);
        assert_eq!(groups, vec![None, Some((0, 9)), Some((10, 14))]);
    }

    #[test]
    fn three_names_are_not_all_given_to_the_middle_portrait() {
        // Three captions 60 wide under portraits at 100, 247 and 394, the
        // outer ones 2 pixels off (as print is), cut by wide gaps: the
        // whole line is centred under the middle portrait exactly.
        let pieces = vec![(72, 132), (217, 277), (362, 422)];
        let groups = share_out(&pieces, &[100.0, 247.0, 394.0]);
        assert_eq!(groups, vec![Some((0, 0)), Some((1, 1)), Some((2, 2))]);
    }

    #[test]
    fn a_caption_is_its_first_lines_not_what_lies_further_down() {
        // Two caption lines 20 rows high 5 apart, a speck, then a page
        // number 40 rows further down.
        let mut rows = vec![0usize; 140];
        rows[10..30].fill(40);
        rows[35..55].fill(30);
        rows[60] = 1;
        rows[100..118].fill(8);
        assert_eq!(text_lines(&rows), vec![(10, 30), (35, 55)]);
    }
}
