//! Benchmark of `yearbook pages` (issue 23): the 10 generated sample pages
//! (two books, 120 made-up names under the demo class's drawings, some
//! turned up to 3°, some halftoned) are saved as PNG, read back into a
//! roster as the command does, and the names compared with the truth.
//!
//! `cargo run --release --example pages_bench`
//! `cargo run --release --example pages_bench -- --docs docs/img` also
//! writes the first sample page and its portraits' crops (a contact
//! sheet) as small JPEGs for docs/your-yearbook.md.

use std::path::Path;

use image::{GrayImage, Luma, codecs::jpeg::JpegEncoder, imageops};
use yearbook::pages::{self, generate};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let docs = args
        .iter()
        .position(|a| a == "--docs")
        .and_then(|i| args.get(i + 1));
    let font = generate::serif_font().map_err(anyhow::Error::msg)?;
    let (names, portraits) = (
        generate::sample_names(),
        yearbook::roster::load::demo_portraits(),
    );
    let tmp = tempfile::tempdir()?;
    let mut files = Vec::new();
    for n in 0..generate::SAMPLE_PAGES {
        let spec = generate::sample_spec(n, &names, &portraits);
        let path = tmp.path().join(format!("page{n}.png"));
        generate::page(&spec, &font).save(&path)?;
        files.push(path);
    }
    let out = tmp.path().join("roster");
    pages::run(&files, &out, &mut std::io::stdout())?;
    let csv = std::fs::read_to_string(out.join("roster.csv"))?;
    let read: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(",,").next().unwrap_or(""))
        .collect();
    let exact = read.iter().zip(&names).filter(|(r, n)| *r == n).count();
    println!("{exact} of {} names exact", names.len());
    if let Some(dir) = docs {
        write_docs(Path::new(dir), &files[0], &out)?;
    }
    Ok(())
}

/// The first page and a contact sheet of its 12 crops (4 × 3, as on the
/// page), as JPEGs small enough to keep in the repository.
fn write_docs(dir: &Path, page: &Path, roster: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let page = image::open(page)?.into_luma8();
    save_jpeg(&page, &dir.join("pages-sample.jpg"))?;
    let crops: Vec<GrayImage> = (1..=12)
        .map(|i| image::open(roster.join(format!("photos/page0-{i}.png"))).map(|p| p.into_luma8()))
        .collect::<Result<_, _>>()?;
    let (w, h) = crops[0].dimensions();
    let gap = 8;
    let mut sheet = GrayImage::from_pixel(4 * w + 5 * gap, 3 * h + 4 * gap, Luma([255]));
    for (i, crop) in crops.iter().enumerate() {
        let (col, row) = (i as u32 % 4, i as u32 / 4);
        let x = gap + col * (w + gap);
        let y = gap + row * (h + gap);
        imageops::replace(&mut sheet, crop, i64::from(x), i64::from(y));
    }
    save_jpeg(&sheet, &dir.join("pages-crops.jpg"))?;
    println!(
        "wrote {} and {}",
        dir.join("pages-sample.jpg").display(),
        dir.join("pages-crops.jpg").display()
    );
    Ok(())
}

fn save_jpeg(img: &GrayImage, path: &Path) -> anyhow::Result<()> {
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    img.write_with_encoder(JpegEncoder::new_with_quality(file, 80))?;
    Ok(())
}
