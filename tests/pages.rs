//! `yearbook pages` (issue 23): generated yearbook class pages, measured.
//! Portraits are the demo class's generated drawings; names are made up.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use image::GrayImage;
use yearbook::pages::{self, generate};

const FIRST: &[&str] = &[
    "Alice", "Brian", "Carol", "David", "Emily", "Frank", "Grace", "Henry", "Irene", "James",
    "Karen", "Louis",
];
const LAST: &[&str] = &[
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

fn portraits() -> Vec<GrayImage> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo/photos");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("demo photos")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| image::open(f).expect("demo photo").into_luma8())
        .collect()
}

/// 120 different names, some long enough to take two caption lines.
fn names() -> Vec<String> {
    (0..120)
        .map(|i| {
            let first = FIRST[i % FIRST.len()];
            let last = LAST[(i / FIRST.len() + i) % LAST.len()];
            if i % 9 == 4 {
                format!("{first} Christopher {last}")
            } else {
                format!("{first} {last}")
            }
        })
        .collect()
}

/// Page `n` of the 10: pages 0-5 the senior book, 6-9 the junior one
/// (bigger portraits), rotated up to 3° either way, every other halftoned.
fn spec<'a>(n: usize, names: &'a [String], portraits: &'a [GrayImage]) -> generate::PageSpec<'a> {
    const TURNS: [f32; 10] = [0.0, 1.5, -2.2, 3.0, -3.0, 0.6, 0.0, -1.1, 2.4, -0.4];
    let senior = n < 6;
    generate::PageSpec {
        columns: 4,
        rows: 3,
        photo_w: if senior { 110 } else { 130 },
        photo_h: if senior { 140 } else { 160 },
        rotate_deg: TURNS[n],
        halftone: n % 2 == 1,
        names: &names[n * 12..(n + 1) * 12],
        portraits: &portraits[(n * 5) % portraits.len()..],
    }
}

/// Under `CI=true` a missing tesseract is a failure; elsewhere a skip.
fn tesseract_or_skip() -> bool {
    if pages::tesseract_available() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "tesseract is missing under CI; .ci/run installs tesseract-ocr tesseract-ocr-eng"
    );
    eprintln!(
        "SKIPPED: tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng)"
    );
    false
}

#[test]
fn ten_generated_pages_give_their_portraits_and_names() {
    if !tesseract_or_skip() {
        return;
    }
    let font = generate::serif_font().expect("a serif font");
    let (names, portraits) = (names(), portraits());
    let (mut found, mut exact, mut flagged, mut wrong) = (0, 0, 0, Vec::new());
    let started = Instant::now();
    for n in 0..10 {
        let spec = spec(n, &names, &portraits);
        let page = generate::page(&spec, &font);
        let result = pages::read_page(&page, true).unwrap_or_else(|e| panic!("page {n}: {e}"));
        assert!(
            result.found.len() <= spec.names.len(),
            "page {n}: {} boxes for {} portraits (false ones)",
            result.found.len(),
            spec.names.len()
        );
        found += result.found.len();
        let side = |f: &pages::Found| (f.photo.width(), f.photo.height());
        assert!(
            result
                .found
                .iter()
                .all(|f| side(f) == side(&result.found[0])),
            "page {n}: crops of different sizes"
        );
        for (f, want) in result.found.iter().zip(spec.names) {
            if f.name == *want {
                exact += 1;
            } else if f.flag.is_some() {
                assert!(f.name.is_empty(), "a flagged name is left empty");
                flagged += 1;
            } else {
                wrong.push(format!("page {n}: read {:?} for {want:?}", f.name));
            }
        }
    }
    let per_page = started.elapsed().as_secs_f64() / 10.0;
    eprintln!(
        "pages: {found}/120 portraits, {exact} names exact, {flagged} flagged, {} wrong, {per_page:.2} s per page",
        wrong.len()
    );
    assert!(
        found * 100 >= 120 * 98,
        "only {found} of 120 portraits found"
    );
    assert!(
        exact * 100 >= 120 * 95,
        "only {exact} of 120 names exact; {wrong:#?}"
    );
}

#[test]
fn a_page_that_is_not_a_class_page_is_refused() {
    let font = generate::serif_font().expect("a serif font");
    // A page of text only.
    let mut text = GrayImage::from_pixel(800, 1000, image::Luma([255]));
    for line in 0..20 {
        generate::draw_text(
            &mut text,
            &font,
            24.0,
            400.0,
            40.0 + line as f32 * 40.0,
            "Minutes of the class meeting, spring term",
        );
    }
    let err = pages::read_page(&text, false).expect_err("text page refused");
    assert!(err.contains("not a class page"), "{err}");
    // One big photo.
    let photo = &portraits()[0];
    let mut single = GrayImage::from_pixel(800, 1000, image::Luma([255]));
    let big = image::imageops::resize(photo, 500, 600, image::imageops::FilterType::Triangle);
    image::imageops::replace(&mut single, &big, 150, 150);
    let err = pages::read_page(&single, false).expect_err("single photo refused");
    assert!(err.contains("not a class page"), "{err}");
}

#[test]
fn the_cli_writes_a_roster_that_check_accepts() {
    let tmp = tempfile::tempdir().expect("tmp");
    let font = generate::serif_font().expect("a serif font");
    let (names, portraits) = (names(), portraits());
    let mut files = Vec::new();
    for n in [0, 7] {
        let path = tmp.path().join(format!("page{n}.png"));
        generate::page(&spec(n, &names, &portraits), &font)
            .save(&path)
            .expect("save page");
        files.push(path);
    }
    // A page too large is refused before decoding: a PNG header claiming
    // 9000×9000 pixels.
    let huge = tmp.path().join("huge.png");
    image::GrayImage::new(1, 1).save(&huge).expect("save");
    let mut bytes = std::fs::read(&huge).expect("read");
    bytes[16..20].copy_from_slice(&9000u32.to_be_bytes());
    bytes[20..24].copy_from_slice(&9000u32.to_be_bytes());
    // The header's CRC covers its type and data (bytes 12..29).
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    std::fs::write(&huge, bytes).expect("write");
    let bin = env!("CARGO_BIN_EXE_yearbook");
    let refused = Command::new(bin)
        .arg("pages")
        .arg(&huge)
        .arg("--out")
        .arg(tmp.path().join("nope"))
        .output()
        .expect("run");
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("9000×9000"), "{said}");

    let out = tmp.path().join("roster");
    let run = Command::new(bin)
        .arg("pages")
        .args(&files)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run");
    let said = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(said.contains("page0.png: 12 portraits"), "{said}");
    assert!(said.contains("page7.png: 12 portraits"), "{said}");
    let check = Command::new(bin)
        .arg("check")
        .arg(&out)
        .output()
        .expect("check");
    let checked = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{checked}");
    assert!(checked.contains("24"), "{checked}");
}

/// PNG's CRC-32 (ISO 3309), bit by bit: a header is 17 bytes.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
