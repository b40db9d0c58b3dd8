//! Benchmark of `yearbook pages` (issue 23): the 10 generated sample pages
//! (two books, 120 made-up names under the demo class's drawings, some
//! turned up to 3°, some halftoned) are saved as PNG, read back into a
//! roster as the command does, and the names compared with the truth.
//!
//! `cargo run --release --example pages_bench`

use yearbook::pages::{self, generate};

fn main() -> anyhow::Result<()> {
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
    Ok(())
}
