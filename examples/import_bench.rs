//! Benchmark of `yearbook import` and of start-up photo processing:
//! 200 generated scans (half ~1,300×1,500 PNG, half small JPEG) become a
//! roster; then the roster is loaded with a cold and a warm variant cache.
//!
//! `cargo run --release --example import_bench -- [PEOPLE]`

use std::io::Write;
use std::time::Instant;

use image::{DynamicImage, GrayImage, Luma};
use yearbook::roster::import::{self, ImportArgs};
use yearbook::roster::load_path;
use yearbook::roster::photos::Pipeline;
use yearbook::roster::urls::Size;

/// A washed-out, noisy grey "scan" that differs per person.
fn scan(i: u32, w: u32, h: u32) -> GrayImage {
    let mut state = 0x9E37_79B9u32.wrapping_mul(i + 1);
    GrayImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let (cx, cy) = (w as f32 / 2.0, h as f32 * 0.42);
        let d = ((x as f32 - cx).powi(2) / (w as f32 * 0.3).powi(2)
            + (y as f32 - cy).powi(2) / (h as f32 * 0.33).powi(2))
        .sqrt();
        let face = if d < 1.0 {
            150.0 + (i % 7) as f32 * 6.0
        } else {
            205.0
        };
        let noise = (state % 23) as f32 - 11.0;
        Luma([(face + noise).clamp(60.0, 230.0) as u8])
    })
}

fn main() -> anyhow::Result<()> {
    let people: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let dir = tempfile::tempdir()?;
    let scans = dir.path().join("scans");
    std::fs::create_dir_all(&scans)?;
    let mut genders = String::from("name,gender\n");
    for i in 0..people {
        let name = format!("Classmate {i:03} O'Test");
        if i % 2 == 0 {
            scan(i, 1300, 1500).save(scans.join(format!("{name}.png")))?;
        } else {
            DynamicImage::ImageLuma8(scan(i, 420, 520))
                .to_rgb8()
                .save(scans.join(format!("{name}.jpg")))?;
        }
        genders.push_str(&format!("{name},{}\n", if i % 2 == 0 { "F" } else { "M" }));
    }
    let genders_csv = dir.path().join("genders.csv");
    std::fs::write(&genders_csv, genders)?;
    let bytes: u64 = std::fs::read_dir(&scans)?
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "import bench: {people} scans ({:.1} MB; half 1300x1500 PNG, half 420x520 JPEG), {} cores",
        bytes as f64 / 1e6,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    let out = dir.path().join("class");
    let args = ImportArgs {
        photo_dir: scans.clone(),
        out: out.clone(),
        list: Some(genders_csv),
        accept_suggestions: false,
    };
    let started = Instant::now();
    let mut report = Vec::new();
    import::run(&args, &mut report)?;
    println!(
        "  import:                  {:>6.2} s",
        started.elapsed().as_secs_f64()
    );
    let last = String::from_utf8_lossy(&report);
    if let Some(line) = last.lines().find(|l| l.starts_with("imported")) {
        println!("    {line}");
    }

    let pipeline = Pipeline {
        enhance: true,
        cache_dir: Some(dir.path().join("cache")),
        ..Pipeline::default()
    };
    let csv = out.join("roster.csv");
    let started = Instant::now();
    let roster = load_path(&csv, &pipeline).map_err(|e| anyhow::anyhow!(e.join("\n")))?;
    println!(
        "  start, cold cache:       {:>6.2} s",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let _ = load_path(&csv, &pipeline).map_err(|e| anyhow::anyhow!(e.join("\n")))?;
    println!(
        "  start, warm cache:       {:>6.2} s",
        started.elapsed().as_secs_f64()
    );

    let (mut thumbs, mut photos) = (Vec::new(), Vec::new());
    // Served sizes: every photo of a size is padded to the largest.
    for person in 0..roster.people.len() {
        if let Some(v) = roster.photo(person, 0, Size::Thumb) {
            thumbs.push(v.bytes.len());
        }
        if let Some(v) = roster.photo(person, 0, Size::Photo) {
            photos.push(v.bytes.len());
        }
    }
    let kib = |v: &[usize], f: fn(&[usize]) -> usize| f(v) as f64 / 1024.0;
    let max = |v: &[usize]| v.iter().copied().max().unwrap_or(0);
    let mean = |v: &[usize]| v.iter().sum::<usize>() / v.len().max(1);
    println!(
        "  thumb: mean {:.1} KiB, max {:.1} KiB; photo: mean {:.1} KiB, max {:.1} KiB",
        kib(&thumbs, mean),
        kib(&thumbs, max),
        kib(&photos, mean),
        kib(&photos, max)
    );
    println!(
        "  a phone's round (4 thumbs) at most {:.1} KiB",
        kib(&thumbs, max) * 4.0
    );
    std::io::stdout().flush()?;
    Ok(())
}
