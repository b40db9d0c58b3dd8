//! Finds the face detector's model inside the `rustface` crate's own
//! package (it ships `model/seeta_fd_frontal_v1.0.bin`, BSD-2-Clause) so
//! that `src/pages/face.rs` embeds it: nothing is downloaded, at build or
//! run time. `YEARBOOK_FACE_MODEL=/path/to/model.bin` overrides the search.

use std::path::PathBuf;
use std::process::Command;

const MODEL: &str = "model/seeta_fd_frontal_v1.0.bin";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-env-changed=YEARBOOK_FACE_MODEL");
    let path = std::env::var_os("YEARBOOK_FACE_MODEL")
        .map(PathBuf::from)
        .or_else(from_registry)
        .or_else(from_metadata)
        .unwrap_or_else(|| {
            panic!(
                "the rustface crate's {MODEL} was not found; set YEARBOOK_FACE_MODEL to its path"
            )
        });
    println!("cargo:rerun-if-changed={}", path.display());
    println!("cargo:rustc-env=YEARBOOK_FACE_MODEL={}", path.display());
}

/// The model in cargo's unpacked registry copy of the locked rustface
/// version (`$CARGO_HOME/registry/src/<index>/rustface-<version>/`), where
/// cargo has just put it to build it.
fn from_registry() -> Option<PathBuf> {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    let lock = std::fs::read_to_string(manifest_dir.join("Cargo.lock")).ok()?;
    let version = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"rustface\""))?
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))?
        .trim_end_matches('"')
        .to_string();
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| Some(PathBuf::from(std::env::var_os("HOME")?).join(".cargo")))?;
    std::fs::read_dir(home.join("registry").join("src"))
        .ok()?
        .filter_map(|index| {
            Some(
                index
                    .ok()?
                    .path()
                    .join(format!("rustface-{version}"))
                    .join(MODEL),
            )
        })
        .find(|p| p.is_file())
}

/// The model beside rustface's Cargo.toml wherever cargo keeps the
/// package (a vendor folder, another registry): each package's
/// `manifest_path` in `cargo metadata`.
fn from_metadata() -> Option<PathBuf> {
    let cargo = std::env::var_os("CARGO")?;
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?).join("Cargo.toml");
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--offline",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(&manifest)
        .output()
        .ok()?;
    let json = String::from_utf8(out.stdout).ok()?;
    // No JSON parser as a build dependency: manifest paths are plain
    // strings in its output (escaped backslashes on Windows undone).
    json.split("\"manifest_path\":\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|p| PathBuf::from(p.replace("\\\\", "\\")))
        .filter(|p| {
            p.components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with("rustface"))
        })
        .filter_map(|p| Some(p.parent()?.join(MODEL)))
        .find(|p| p.is_file())
}
