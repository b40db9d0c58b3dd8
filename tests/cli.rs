//! The command line: `check`, `import`, and `serve` refusing a bad roster.

mod common;

use std::path::Path;
use std::time::Duration;

use common::*;

const LIMIT: Duration = Duration::from_secs(30);

fn check(csv: &Path) -> Finished {
    let mut c = yearbook_cmd();
    c.arg("check").arg(csv);
    run_with_timeout(c, LIMIT)
}

/// Output lines that name `roster.csv:N:` for some N.
fn problem_lines(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| {
            l.split("roster.csv:").skip(1).any(|rest| {
                let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
                !digits.is_empty() && rest[digits.len()..].starts_with(':')
            })
        })
        .map(str::to_string)
        .collect()
}

fn line_for(out: &str, line: u32) -> String {
    let tag = format!("roster.csv:{line}:");
    let hits: Vec<String> = out
        .lines()
        .filter(|l| l.contains(&tag))
        .map(str::to_string)
        .collect();
    assert_eq!(hits.len(), 1, "exactly one line naming {tag} in:\n{out}");
    hits[0].clone()
}

fn assert_fails(f: &Finished, what: &str) {
    assert_eq!(
        f.code(),
        Some(1),
        "{what}: exit status 1 expected; output:\n{}",
        f.all_output()
    );
}

fn assert_ok(f: &Finished, what: &str) {
    assert_eq!(
        f.code(),
        Some(0),
        "{what}: exit status 0 expected; output:\n{}",
        f.all_output()
    );
}

fn rows(n: usize) -> String {
    (0..n)
        .map(|i| format!("Person {i},photos/p{i}.png\n"))
        .collect()
}

/// Five people with photos, and on line 3 `Person X` whose photo is not
/// in the folder.
fn roster_with_a_missing_photo() -> tempfile::TempDir {
    let csv = format!(
        "name,photo\nPerson 0,photos/p0.png\nPerson X,photos/x.png\n{}",
        rows(5)
            .lines()
            .skip(1)
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    );
    roster_folder(5, &csv)
}

#[test]
fn check_accepts_the_demo_roster() {
    let f = check(Path::new("data/demo/roster.csv"));
    assert_ok(&f, "check data/demo/roster.csv");
    assert!(
        problem_lines(&f.all_output()).is_empty(),
        "{}",
        f.all_output()
    );
}

#[test]
fn check_accepts_bare_numbers_aliases_quotes_and_unknown_columns() {
    let csv = "image,name,gender,shoe_size\n\
               photos/p0.png,\"Balog, Tarus\",m,44\n\
               photos/p1.png,Ann Lee,,\n\
               17,Bob Ray,m,\n\
               18,Cy Dee,F,\n";
    let dir = roster_folder(2, csv);
    write_png(&dir.path().join("17.png"), 2);
    write_jpg(&dir.path().join("18.jpg"), 3);
    let f = check(&dir.path().join("roster.csv"));
    assert_ok(&f, "a good roster");

    // And it serves: the solo names come from it.
    let server = TestServer::builder()
        .roster(&dir.path().join("roster.csv"))
        .start();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (st, r) = server
            .post_json("/api/solo/round", &serde_json::json!({}))
            .await;
        assert!(matches!(st, 200 | 201), "{st} {r}");
        let name = r["name"].as_str().unwrap();
        assert!(
            ["Balog, Tarus", "Ann Lee", "Bob Ray", "Cy Dee"].contains(&name),
            "{name}"
        );
        for c in r["choices"].as_array().unwrap() {
            server.fetch_bytes(c.as_str().unwrap()).await;
        }
    });
}

#[test]
fn check_reports_a_missing_photo_with_its_line() {
    let dir = roster_with_a_missing_photo();
    let f = check(&dir.path().join("roster.csv"));
    assert_fails(&f, "missing photo");
    let out = f.all_output();
    let l = line_for(&out, 3);
    assert!(
        l.contains("not found") && l.contains("x.png"),
        "missing-photo line: {l}"
    );
    assert_eq!(
        problem_lines(&out).len(),
        1,
        "one problem, one line:\n{out}"
    );
}

#[test]
fn check_reports_a_missing_bare_number_photo() {
    let csv = format!("name,photo\n{}Person N,19\n", rows(4));
    let dir = roster_folder(4, &csv);
    let f = check(&dir.path().join("roster.csv"));
    assert_fails(&f, "bare number without a file");
    let l = line_for(&f.all_output(), 6);
    assert!(l.contains("not found"), "{l}");
}

#[test]
fn check_reports_a_duplicate_name() {
    let csv = format!("name,photo\n{}Person 1,photos/p4.png\n", rows(4));
    let dir = roster_folder(5, &csv);
    let f = check(&dir.path().join("roster.csv"));
    assert_fails(&f, "duplicate name");
    let l = line_for(&f.all_output(), 6);
    assert!(
        l.contains("Person 1"),
        "the duplicate line names the person: {l}"
    );
}

#[test]
fn check_reports_an_undecodable_photo() {
    let csv = "name,photo\nA,photos/p0.png\nB,photos/p1.png\nC,photos/bad.png\nD,photos/p2.png\nE,photos/p3.png\n";
    let dir = roster_folder(4, csv);
    std::fs::write(
        dir.path().join("photos/bad.png"),
        b"this is not a PNG at all, just bytes",
    )
    .unwrap();
    let f = check(&dir.path().join("roster.csv"));
    assert_fails(&f, "garbage photo");
    let out = f.all_output();
    let l = line_for(&out, 4);
    assert!(l.contains("bad.png"), "names the file: {l}");
    assert_eq!(problem_lines(&out).len(), 1, "{out}");
}

#[test]
fn check_reports_every_problem_on_its_own_line() {
    let csv = "name,photo\n\
               A,photos/p0.png\n\
               B,photos/gone.png\n\
               C,photos/p1.png\n\
               A,photos/p2.png\n\
               D,photos/bad.png\n\
               E,photos/p3.png\n";
    let dir = roster_folder(4, csv);
    std::fs::write(
        dir.path().join("photos/bad.png"),
        [0u8, 1, 2, 3, 4, 5, 6, 7],
    )
    .unwrap();
    let f = check(&dir.path().join("roster.csv"));
    assert_fails(&f, "three problems");
    let out = f.all_output();
    assert!(line_for(&out, 3).contains("not found"));
    line_for(&out, 5);
    line_for(&out, 6);
    assert_eq!(problem_lines(&out).len(), 3, "one line per problem:\n{out}");
}

#[test]
fn check_needs_four_people() {
    let dir = roster_folder(3, &format!("name,photo\n{}", rows(3)));
    let f = check(&dir.path().join("roster.csv"));
    assert_fails(&f, "three people");
    assert!(
        f.all_output().contains("roster.csv"),
        "names the file:\n{}",
        f.all_output()
    );
    let dir = roster_folder(4, &format!("name,photo\n{}", rows(4)));
    assert_ok(&check(&dir.path().join("roster.csv")), "four people");
}

#[test]
fn check_needs_name_and_photo_columns() {
    let body: String = (0..4)
        .map(|i| format!("Person {i},photos/p{i}.png\n"))
        .collect();
    let dir = roster_folder(4, &format!("who,photo\n{body}"));
    let f = check(&dir.path().join("roster.csv"));
    assert_fails(&f, "no name column");
    let out = f.all_output();
    assert!(
        out.contains("roster.csv") && out.contains("name"),
        "says the name column is missing:\n{out}"
    );

    let dir = roster_folder(4, &format!("name,picture\n{body}"));
    let f = check(&dir.path().join("roster.csv"));
    assert_fails(&f, "no photo column");
    let out = f.all_output();
    assert!(
        out.contains("roster.csv") && out.contains("photo"),
        "says the photo column is missing:\n{out}"
    );
}

/// `yearbook serve` on any free port with its database at `db`.
fn serve_cmd(db: &Path) -> std::process::Command {
    let mut c = yearbook_cmd();
    c.arg("serve")
        .arg("--addr")
        .arg("127.0.0.1:0")
        .arg("--db")
        .arg(db);
    c
}

#[test]
fn serve_refuses_a_bad_roster_before_listening() {
    let dir = roster_with_a_missing_photo();
    let db = tempfile::tempdir().unwrap();
    let mut c = serve_cmd(&db.path().join("t.db"));
    c.arg("--roster").arg(dir.path().join("roster.csv"));
    let f = run_with_timeout(c, Duration::from_secs(15));
    assert!(
        f.status.is_some(),
        "serve with a bad roster must exit, it kept running:\n{}",
        f.all_output()
    );
    assert_fails(&f, "serve --roster bad.csv");
    assert!(
        !f.stdout.contains("listening on"),
        "must not listen:\n{}",
        f.stdout
    );
    let l = line_for(&f.all_output(), 3);
    assert!(l.contains("not found"), "the same line as check: {l}");

    // The environment variable works the same way.
    let mut c = serve_cmd(&db.path().join("t2.db"));
    c.env("YEARBOOK_ROSTER", dir.path().join("roster.csv"));
    let f = run_with_timeout(c, Duration::from_secs(15));
    assert_eq!(
        f.code(),
        Some(1),
        "YEARBOOK_ROSTER=bad.csv:\n{}",
        f.all_output()
    );
    assert!(!f.stdout.contains("listening on"));
}

#[test]
fn serve_refuses_then_and_now_flags_out_of_range_before_listening() {
    let db = tempfile::tempdir().unwrap();
    for (flag, value, says) in [
        ("--today-keep-days", "0", "1..=365"),
        ("--today-keep-days", "366", "1..=365"),
        ("--then-now", "maybe", "--then-now"),
    ] {
        let mut c = serve_cmd(&db.path().join("t.db"));
        c.arg(flag).arg(value);
        let f = run_with_timeout(c, Duration::from_secs(15));
        assert_eq!(f.code(), Some(2), "{flag} {value}:\n{}", f.all_output());
        assert!(
            f.all_output().contains(says),
            "{flag} {value}: {}",
            f.all_output()
        );
        assert!(!f.stdout.contains("listening on"));
    }
}

/// `yearbook import PHOTOS --out OUT --list LIST` (`--genders` is the
/// older name, used by `import_handles_awkward_names_broken_files_and_reruns`).
fn import_cmd(
    photos: &std::path::Path,
    out: &std::path::Path,
    list: &std::path::Path,
) -> std::process::Command {
    let mut c = yearbook_cmd();
    c.arg("import")
        .arg(photos)
        .arg("--out")
        .arg(out)
        .arg("--list")
        .arg(list);
    c
}

/// The roster's rows as `name → [gender, known_as, in_memoriam]`.
fn roster_columns(csv: &Path) -> std::collections::BTreeMap<String, [String; 3]> {
    let mut rdr = csv::Reader::from_path(csv).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = |n: &str| headers.iter().position(|h| h == n).unwrap();
    let cols = [col("gender"), col("known_as"), col("in_memoriam")];
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            (r[col("name")].to_string(), cols.map(|c| r[c].to_string()))
        })
        .collect()
}

/// A list with every column, as European Excel saves it (BOM, `;`, CRLF,
/// a header in words): its columns reach the roster; a typo is shown beside
/// its photo but not taken until `--accept-suggestions`, which keeps what
/// the organiser typed into the roster for that photo meanwhile.
#[test]
fn import_takes_a_full_name_list_and_suggests_but_never_guesses() {
    let src = tempfile::tempdir().unwrap();
    let scans = src.path().join("scans");
    for (i, n) in ["José Núñez", "Kevin O'Neil", "Ann Lee", "Bob Ray"]
        .iter()
        .enumerate()
    {
        write_png(&scans.join(format!("{n}.png")), i);
    }
    let list = src.path().join("names.csv");
    std::fs::write(
        &list,
        "\u{feff}Name;Gender;Known as;In memoriam\r\n\
         Jose Nunez;m;;x\r\n\
         Kevin O’Neill;m;;\r\n\
         ann lee;f;Annie Park;\r\n\
         Nobody Here;f;;maybe\r\n",
    )
    .unwrap();
    let out = src.path().join("class");
    let csv_path = out.join("roster.csv");

    let first = run_with_timeout(import_cmd(&scans, &out, &list), LIMIT);
    assert_ok(&first, "import --list");
    let report = first.all_output();
    let side_by_side = report
        .lines()
        .find(|l| l.contains("Kevin O’Neill") && l.contains("<->"))
        .unwrap_or_else(|| panic!("the typo beside its photo:\n{report}"));
    assert!(side_by_side.contains("Kevin O'Neil.png?"), "{side_by_side}");
    assert!(
        report.contains("names.csv:5: 'maybe' in the in memoriam column"),
        "{report}"
    );
    assert!(
        report.contains("in the list but no photo: Nobody Here"),
        "{report}"
    );
    assert!(
        report.contains("photo but not in the list: Bob Ray.png"),
        "{report}"
    );
    let rows = roster_columns(&csv_path);
    let cells = |name: &str| rows[name].iter().map(String::as_str).collect::<Vec<_>>();
    assert_eq!(cells("José Núñez"), ["m", "", "yes"]);
    assert_eq!(cells("Ann Lee"), ["f", "Annie Park", ""]);
    assert_eq!(cells("Kevin O'Neil"), ["", "", ""], "a typo is not guessed");
    assert_eq!(rows.len(), 4);

    // The organiser fills in a cell for the photo, then takes the suggestion.
    let edited = std::fs::read_to_string(&csv_path)
        .unwrap()
        .lines()
        .map(|l| match l.strip_prefix("Kevin O'Neil,") {
            // name,gender,photo,known_as,in_memoriam
            Some(rest) => format!("Kevin O'Neil,{},Kev,", rest.trim_end_matches(',')),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&csv_path, edited).unwrap();
    assert_eq!(roster_columns(&csv_path)["Kevin O'Neil"][1], "Kev");
    let mut accept = import_cmd(&scans, &out, &list);
    accept.arg("--accept-suggestions");
    let second = run_with_timeout(accept, LIMIT);
    assert_ok(&second, "import --accept-suggestions");
    assert!(
        second
            .all_output()
            .contains("took the suggestion: Kevin O’Neill  <->  Kevin O'Neil.png"),
        "{}",
        second.all_output()
    );
    let rows = roster_columns(&csv_path);
    assert!(!rows.contains_key("Kevin O'Neil"), "{rows:?}");
    assert_eq!(rows["Kevin O’Neill"], ["m", "Kev", ""].map(String::from));
    assert_ok(&check(&csv_path), "check of the imported roster");
}

/// A name list as Excel on Windows saves it in Europe: Windows-1252,
/// semicolons, CRLF; its accented names still match their photos.
#[test]
fn import_reads_a_name_list_as_excel_saves_it() {
    let src = tempfile::tempdir().unwrap();
    for (i, n) in ["José Núñez", "Zoë Quimby"].iter().enumerate() {
        write_png(&src.path().join(format!("{n}.png")), i);
    }
    let genders = src.path().join("genders.csv");
    std::fs::write(
        &genders,
        b"name;gender\r\nJos\xe9 N\xfa\xf1ez;m\r\nZo\xeb Quimby;f\r\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("class");
    let f = run_with_timeout(import_cmd(src.path(), &out_dir, &genders), LIMIT);
    assert_ok(&f, "import");
    let mut rdr = csv::Reader::from_path(out_dir.join("roster.csv")).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = |h: &str| headers.iter().position(|x| x == h).unwrap();
    let (name, gender) = (col("name"), col("gender"));
    let mut got: Vec<(String, String)> = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[name].to_string(), r[gender].to_string())
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("José Núñez".to_string(), "m".to_string()),
            ("Zoë Quimby".to_string(), "f".to_string())
        ],
        "{}",
        f.all_output()
    );
}

#[test]
fn import_builds_a_roster_that_checks() {
    let src = tempfile::tempdir().unwrap();
    let people = ["Ann Lee", "Bob Ray", "Cy Dunn", "Dora Fox", "Eve Gray"];
    for (i, n) in people.iter().enumerate() {
        if i == 1 {
            write_jpg(&src.path().join(format!("{n}.jpg")), i);
        } else {
            write_png(&src.path().join(format!("{n}.png")), i);
        }
    }
    let genders = src.path().join("genders.csv");
    std::fs::write(
        &genders,
        "name,gender\nAnn Lee,f\nBob Ray,m\nNobody Here,m\n",
    )
    .unwrap();
    let photos = src.path().to_path_buf();
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("class");
    let f = run_with_timeout(import_cmd(&photos, &out_dir, &genders), LIMIT);
    assert_ok(&f, "import");
    assert!(
        f.all_output().contains("Nobody Here"),
        "import names what it could not match:\n{}",
        f.all_output()
    );

    let roster =
        std::fs::read_to_string(out_dir.join("roster.csv")).expect("import writes roster.csv");
    let mut lines = roster.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(|h| h.trim().to_string())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let name_col = col("name").expect("name column");
    let photo_col = col("photo").or_else(|| col("image")).expect("photo column");
    let gender_col = col("gender").expect("gender column");
    let mut seen = Vec::new();
    for l in lines.filter(|l| !l.trim().is_empty()) {
        let cells: Vec<&str> = l.split(',').map(|c| c.trim_matches('"')).collect();
        let name = cells[name_col];
        let photo = cells[photo_col];
        for word in name.split(' ') {
            assert!(
                !photo.to_lowercase().contains(&word.to_lowercase()),
                "photo file {photo} is not opaque for {name}"
            );
        }
        let expected_gender = match name {
            "Ann Lee" => "f",
            "Bob Ray" => "m",
            _ => "",
        };
        assert_eq!(cells[gender_col], expected_gender, "gender of {name}");
        let path = out_dir.join(if photo.contains('/') || photo.contains('.') {
            photo.to_string()
        } else {
            format!("{photo}.png")
        });
        assert!(
            path.exists() || out_dir.join(format!("{photo}.jpg")).exists(),
            "photo of {name} copied: {photo}"
        );
        seen.push(name.to_string());
    }
    seen.sort();
    assert_eq!(seen, people, "every scan is in the roster");
    assert!(out_dir.join("photos").is_dir(), "photos/ under --out");
    let copied = std::fs::read_dir(out_dir.join("photos")).unwrap().count();
    assert_eq!(copied, 5, "one photo per person");
    assert_ok(
        &check(&out_dir.join("roster.csv")),
        "check of the imported roster",
    );
}

/// The roster's rows as `name → (gender, photo)`, read with a real CSV parser.
fn roster_rows(csv: &Path) -> std::collections::BTreeMap<String, (String, String)> {
    let mut rdr = csv::Reader::from_path(csv).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = |n: &str| headers.iter().position(|h| h == n).unwrap();
    let (name, gender, photo) = (col("name"), col("gender"), col("photo"));
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[name].to_string(),
                (r[gender].to_string(), r[photo].to_string()),
            )
        })
        .collect()
}

#[test]
fn import_handles_awkward_names_broken_files_and_reruns() {
    let src = tempfile::tempdir().unwrap();
    let scans = src.path().join("scans");
    let awkward = [
        ("Kevin O'Neil", "png"),
        ("Zoe\u{308} Quimby", "PNG"),
        ("Smith, Robert Jr.", "jpg"),
        ("José Álvarez", "JPEG"),
        ("  Ann Lee ", "png"),
    ];
    for (i, (name, ext)) in awkward.iter().enumerate() {
        let path = scans.join(format!("{name}.{ext}"));
        if ext.eq_ignore_ascii_case("png") {
            write_png(&path, i);
        } else {
            write_jpg(&path, i);
        }
    }
    std::fs::write(
        scans.join("Broken Photo.png"),
        b"\x89PNG\r\n\x1a\nnot really",
    )
    .unwrap();
    std::fs::write(scans.join("notes.txt"), "who is who").unwrap();
    let genders = src.path().join("genders.csv");
    std::fs::write(
        &genders,
        "name,gender\n\"smith, robert jr.\",M\nJose Alvarez,M\nzoë quimby,F\nKevin O'Neill,M\n",
    )
    .unwrap();
    let out = src.path().join("class");
    let import = || {
        let mut c = yearbook_cmd();
        c.arg("import")
            .arg(&scans)
            .arg("--out")
            .arg(&out)
            .arg("--genders")
            .arg(&genders);
        run_with_timeout(c, LIMIT)
    };
    let first = import();
    assert_ok(&first, "import");
    let report = first.all_output();
    assert!(
        report.contains("notes.txt"),
        "non-images are named: {report}"
    );
    assert!(
        report.contains("Broken Photo.png"),
        "broken images are named: {report}"
    );
    // A typo on one side shows up on both.
    assert!(report.contains("Kevin O'Neill"), "{report}");
    assert!(
        report
            .lines()
            .any(|l| l.contains("Kevin O'Neil") && !l.contains("O'Neill")),
        "{report}"
    );

    let rows = roster_rows(&out.join("roster.csv"));
    let names: Vec<&str> = rows.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "Ann Lee",
            "José Álvarez",
            "Kevin O'Neil",
            "Smith, Robert Jr.",
            "Zo\u{eb} Quimby"
        ],
        "trimmed, NFC, broken file left out"
    );
    assert_eq!(
        rows["Smith, Robert Jr."].0, "M",
        "exact match ignoring case"
    );
    assert_eq!(
        rows["José Álvarez"].0, "M",
        "unambiguous match ignoring accents"
    );
    assert_eq!(rows["Zo\u{eb} Quimby"].0, "F");
    assert_eq!(rows["Kevin O'Neil"].0, "", "a typo is not guessed");
    for (name, (_, photo)) in &rows {
        let file = photo.trim_start_matches("photos/");
        let stem = file.split('.').next().unwrap();
        assert!(
            stem.len() == 16 && stem.chars().all(|c| c.is_ascii_hexdigit()),
            "{name}: photo name {photo} must be opaque"
        );
    }

    // Run it again after the organiser filled in a column: same files, same
    // names, nothing duplicated, the organiser's column kept.
    let csv_path = out.join("roster.csv");
    let edited = std::fs::read_to_string(&csv_path)
        .unwrap()
        .replacen("Ann Lee,,", "Ann Lee,F,", 1);
    std::fs::write(&csv_path, &edited).unwrap();
    let before: Vec<_> = rows.values().map(|(_, p)| p.clone()).collect();
    assert_ok(&import(), "second import");
    let again = roster_rows(&csv_path);
    let after: Vec<_> = again.values().map(|(_, p)| p.clone()).collect();
    assert_eq!(before, after, "same photo names on a re-run");
    assert_eq!(again["Ann Lee"].0, "F", "the organiser's own edit is kept");
    assert_eq!(std::fs::read_dir(out.join("photos")).unwrap().count(), 5);
    assert_ok(&check(&csv_path), "check of the imported roster");
}

#[test]
fn check_refuses_an_image_too_large_to_decode_safely() {
    // A tiny PNG whose header claims 100,000 × 100,000 pixels.
    let dir = roster_with_bomb(100_000);
    let f = check(&dir.path().join("roster.csv"));
    assert_eq!(f.code(), Some(1), "{}", f.all_output());
    let line = line_for(&f.all_output(), 5);
    assert!(line.contains("bomb.png"), "{line}");
}

/// Four good photos and, on line 5, `bomb.png`: a small PNG whose header
/// claims `side` × `side` pixels, followed by the start of its data.
fn roster_with_bomb(side: u32) -> tempfile::TempDir {
    let dir = roster_folder(
        4,
        "name,photo\nA,photos/p0.png\nB,photos/p1.png\nC,photos/p2.png\nD,bomb.png\n",
    );
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for chunk in [&ihdr[..], b"IDAT\x78\x9c", b"IEND"] {
        png.extend_from_slice(&(chunk.len() as u32 - 4).to_be_bytes());
        png.extend_from_slice(chunk);
        png.extend_from_slice(&crc32(chunk).to_be_bytes());
    }
    std::fs::write(dir.path().join("bomb.png"), png).unwrap();
    dir
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
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

/// `check` and `serve` on `csv`, both expected to refuse it: their outputs.
fn refused(csv: &Path, what: &str) -> (String, String) {
    let f = check(csv);
    assert_fails(&f, what);
    (f.all_output(), serve_refusing(csv))
}

/// `serve` on `csv`, expected to refuse it: its output.
fn serve_refusing(csv: &Path) -> String {
    let db = tempfile::tempdir().unwrap();
    let mut c = yearbook_cmd();
    c.arg("serve")
        .arg("--addr")
        .arg("127.0.0.1:0")
        .arg("--db")
        .arg(db.path().join("t.db"))
        .arg("--roster")
        .arg(csv);
    let f = run_with_timeout(c, Duration::from_secs(15));
    assert_fails(&f, "serve with a bad roster");
    assert!(!f.stdout.contains("listening on"), "{}", f.stdout);
    f.all_output()
}

#[test]
fn line_numbers_are_right_with_crlf_a_bom_and_a_field_over_two_lines() {
    // Line 1 header, 2–3 Ann (her known_as is quoted over two lines),
    // 4 Bob, 5 Cy, 6 Dee, 7 Bob again, 8 a missing photo.
    let lf = "name,photo,known_as\n\
              Ann,photos/p0.png,\"Ann\nLee\"\n\
              Bob,photos/p1.png,\n\
              Cy,photos/p2.png,\n\
              Dee,photos/p3.png,\n\
              bob,photos/p4.png,\n\
              Eve,photos/gone.png,\n";
    let crlf = lf.replace('\n', "\r\n");
    let excel = format!("\u{feff}{crlf}");
    for (what, csv) in [
        ("LF", lf.to_string()),
        ("CRLF", crlf),
        ("BOM + CRLF", excel),
    ] {
        let dir = roster_folder(5, &csv);
        let (out, served) = refused(&dir.path().join("roster.csv"), what);
        let dup = line_for(&out, 7);
        assert!(dup.contains("first on line 4"), "{what}: {dup}");
        assert!(line_for(&out, 8).contains("gone.png"), "{what}:\n{out}");
        assert_eq!(problem_lines(&out).len(), 2, "{what}:\n{out}");
        assert!(
            line_for(&served, 8).contains("gone.png"),
            "{what}: serve:\n{served}"
        );
    }
}

#[test]
#[cfg(unix)]
fn photos_outside_the_roster_folder_are_refused_with_their_line() {
    let outer = tempfile::tempdir().unwrap();
    let dir = outer.path().join("roster");
    write_png(&outer.path().join("secret.png"), 5);
    for i in 0..4 {
        write_png(&dir.join(format!("photos/p{i}.png")), i);
    }
    let absolute = outer.path().join("secret.png");
    std::os::unix::fs::symlink(&absolute, dir.join("photos/link.png")).unwrap();
    // A link that stays inside the folder is fine.
    std::os::unix::fs::symlink("p3.png", dir.join("photos/inside.png")).unwrap();
    let csv = format!(
        "name,photo\n\
         A,photos/p0.png\n\
         B,photos/p1.png\n\
         C,photos/p2.png\n\
         D,photos/inside.png\n\
         E,../secret.png\n\
         F,{}\n\
         G,photos/link.png\n\
         H,photos/../../secret.png\n",
        absolute.display()
    );
    std::fs::write(dir.join("roster.csv"), csv).unwrap();
    let (out, served) = refused(&dir.join("roster.csv"), "photos outside the folder");
    for line in 6..=9 {
        assert!(
            line_for(&out, line).contains("outside the roster's folder"),
            "line {line}:\n{out}"
        );
    }
    assert_eq!(problem_lines(&out).len(), 4, "{out}");
    assert!(
        line_for(&served, 7).contains("outside the roster's folder"),
        "{served}"
    );
}

#[test]
fn a_photo_too_large_says_its_size_and_the_largest_accepted() {
    // 12,000 × 12,000 in its header (the decompression bomb of the issue).
    let dir = roster_with_bomb(12_000);
    let expected = "roster.csv:5: photo 'bomb.png' is 12000×12000; \
                    the largest accepted is 8000×8000 and 40 megapixels";
    let (out, served) = refused(&dir.path().join("roster.csv"), "12000×12000");
    assert_eq!(line_for(&out, 5), expected);
    assert_eq!(line_for(&served, 5), expected);
}

#[test]
fn serve_removes_half_written_cache_files_left_by_an_earlier_run() {
    let server = TestServer::start();
    let cache = server.dir().join("t.db.photos");
    std::fs::create_dir_all(&cache).unwrap();
    let cached = std::fs::read_dir(&cache).unwrap().count();
    // What a run killed mid-write (or on a full disk) used to leave.
    for i in 0..19 {
        std::fs::write(cache.join(format!("{i:016x}-thumb-v1e.tmp")), b"half").unwrap();
    }
    let server = server.restart_after_kill9();
    let left: Vec<String> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "stale tmp files: {left:?}");
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), cached);
    drop(server);
}

/// `(name, label, gender)` of every row of an imported roster, in order.
fn labelled_rows(csv: &Path) -> Vec<(String, String, String)> {
    let mut rdr = csv::Reader::from_path(csv).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = |n: &str| headers.iter().position(|h| h == n).unwrap();
    let (name, label, gender) = (col("name"), col("label"), col("gender"));
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            (r[name].into(), r[label].into(), r[gender].into())
        })
        .collect()
}

#[test]
fn import_reads_labels_from_brackets_and_label_folders() {
    let src = tempfile::tempdir().unwrap();
    let scans = src.path().join("scans");
    let files = [
        "Ann Lee (1983).png",
        "1986/Ann Lee.png",
        "Bob Ray (1983).png",
        "1986/Bob Ray.png",
        "Cy Dunn.png",
        "Cy Dunn (25th reunion).png",
        "Dora Fox.png",
        "1986/Eve Gray.png",
        "Fay Hill (1983).png",
        "Fay Hill (1983).jpg",
        "Robert (Bob) Smith.png",
    ];
    for (i, f) in files.iter().enumerate() {
        let path = scans.join(f);
        if f.ends_with(".jpg") {
            write_jpg(&path, i);
        } else {
            write_png(&path, i);
        }
    }
    let genders = src.path().join("genders.csv");
    std::fs::write(&genders, "name,gender\nAnn Lee,f\nBob Ray,m\n").unwrap();
    let out_dir = src.path().join("class");
    let f = run_with_timeout(import_cmd(&scans, &out_dir, &genders), LIMIT);
    assert_ok(&f, "import");
    let report = f.all_output();
    assert!(
        report.contains("Cy Dunn.png': Cy Dunn has labelled photos too"),
        "{report}"
    );
    assert!(report.contains("same name and label as"), "{report}");
    assert!(
        report.contains("imported 7 people with 9 photos"),
        "{report}"
    );
    let row = |n: &str, l: &str, g: &str| (n.to_string(), l.to_string(), g.to_string());
    assert_eq!(
        labelled_rows(&out_dir.join("roster.csv")),
        [
            row("Ann Lee", "1983", "f"),
            row("Ann Lee", "1986", ""),
            row("Bob Ray", "1983", "m"),
            row("Bob Ray", "1986", ""),
            row("Cy Dunn", "25th reunion", ""),
            row("Dora Fox", "", ""),
            row("Eve Gray", "1986", ""),
            row("Fay Hill", "1983", ""),
            row("Robert (Bob) Smith", "", ""),
        ]
    );
    let checked = check(&out_dir.join("roster.csv"));
    assert_ok(&checked, "check of the imported roster");
    assert!(
        checked
            .stdout
            .contains("7 people (f 1, m 1, no gender 5), 0 in memoriam, 9 photos (1983 3, 1986 3, 25th reunion 1, no label 2)"),
        "{}",
        checked.all_output()
    );
    assert!(
        checked.stdout.contains(
            "warning: label '25th reunion' has photos of only 1 person: a game asking from it alone needs 4"
        ),
        "{}",
        checked.all_output()
    );
    // Imported again (a gender typed by hand since): nothing changes but it.
    let csv = std::fs::read_to_string(out_dir.join("roster.csv")).unwrap();
    std::fs::write(
        out_dir.join("roster.csv"),
        csv.replace("Dora Fox,,", "Dora Fox,f,"),
    )
    .unwrap();
    let again = run_with_timeout(import_cmd(&scans, &out_dir, &genders), LIMIT);
    assert_ok(&again, "import again");
    let rows = labelled_rows(&out_dir.join("roster.csv"));
    assert_eq!(rows[5], row("Dora Fox", "", "f"), "{rows:?}");
}

#[test]
fn check_reports_label_problems_on_their_lines() {
    let csv = "name,photo,label,gender\n\
               Ann Lee,photos/p0.png,1983,f\n\
               Ann Lee,photos/p1.png,1983,\n\
               Bob Ray,photos/p2.png,,m\n\
               Bob Ray,photos/p3.png,1986,\n\
               Cy Dunn,photos/p4.png,1983,m\n\
               Cy Dunn,photos/p5.png,1986,f\n\
               Dora Fox,photos/p6.png,1983,f\n\
               Dora Fox,photos/gone.png,1986,\n";
    let dir = roster_folder(7, csv);
    let f = check(&dir.path().join("roster.csv"));
    assert_fails(&f, "label problems");
    let out = f.all_output();
    assert_eq!(
        problem_lines(&out),
        [
            "roster.csv:3: 'Ann Lee' has two photos labelled '1983' (first on line 2)",
            "roster.csv:5: duplicate name 'Bob Ray' (first on line 4); to give a person another photo, fill the label of each of their rows",
            "roster.csv:7: gender 'f' differs from 'm' on line 6 for the same person; leave it empty on this row or write the same",
            "roster.csv:9: photo 'photos/gone.png' not found",
        ],
        "{out}"
    );
}

fn png_bytes(i: usize) -> Vec<u8> {
    let mut png = Vec::new();
    portrait(i)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png
}

/// `dir`'s files zipped, each name prefixed by `prefix` (a folder, or "").
fn zip_folder(dir: &Path, prefix: &str) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let mut files = vec![dir.join("roster.csv")];
    for e in std::fs::read_dir(dir.join("photos")).unwrap() {
        files.push(e.unwrap().path());
    }
    for f in files {
        let rel = f.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
        zip.start_file(format!("{prefix}{rel}"), opts).unwrap();
        zip.write_all(&std::fs::read(&f).unwrap()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn export_cmd(db: &Path, event: &str, out: &Path) -> Finished {
    let mut c = yearbook_cmd();
    c.arg("export")
        .arg(event)
        .arg("--db")
        .arg(db)
        .arg("--out")
        .arg(out);
    run_with_timeout(c, LIMIT)
}

/// `name -> [(label, photo path, gender, known_as, in_memoriam)]`, by row.
type ExportedRows = std::collections::BTreeMap<String, Vec<[String; 5]>>;

fn exported_rows(csv: &Path) -> ExportedRows {
    let mut r = ::csv::Reader::from_path(csv).unwrap();
    let head = r.headers().unwrap().clone();
    assert_eq!(
        head.iter().collect::<Vec<_>>(),
        [
            "name",
            "gender",
            "photo",
            "label",
            "known_as",
            "in_memoriam"
        ]
    );
    let mut out = ExportedRows::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        out.entry(rec[0].to_string()).or_default().push([
            rec[3].to_string(),
            rec[2].to_string(),
            rec[1].to_string(),
            rec[4].to_string(),
            rec[5].to_string(),
        ]);
    }
    out
}

/// (name, gender, known_as, in memoriam, [(label, portrait)])
type Classmate = (
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static [(&'static str, usize)],
);

#[test]
fn an_event_exports_to_a_folder_that_checks_and_serves_the_same_class() {
    let server = TestServer::start();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let class: [Classmate; 7] = [
        (
            "José Núñez",
            "m",
            "Pepe",
            false,
            &[("1983", 0), ("1986", 8)],
        ),
        ("Ann O'Neil", "f", "", true, &[("1986", 1)]),
        ("Bea Lee", "f", "", false, &[("1986", 2)]),
        ("Cid/Ray", "m", "", false, &[("1986", 3)]),
        ("Dot Fox", "f", "", false, &[("1986", 4)]),
        ("Eve Ash", "f", "", false, &[("1986", 5)]),
        ("Fay Nophoto", "f", "", false, &[]),
    ];
    rt.block_on(async {
        let (st, r) = server
            .post_json(
                "/api/organise/reunions",
                &serde_json::json!({"title": "Lincoln High 1986"}),
            )
            .await;
        assert_eq!(st, 201, "{r}");
        let id = r["id"].as_u64().unwrap();
        let mut people = vec![id];
        for (name, gender, known_as, memoriam, photos) in class {
            let photos: Vec<serde_json::Value> = photos
                .iter()
                .map(|(l, i)| serde_json::json!({"label": l, "data": portrait_b64(*i)}))
                .collect();
            let (st, p) = server
                .post_json(
                    &format!("/api/organise/reunions/{id}/people"),
                    &serde_json::json!({"name": name, "gender": gender, "known_as": known_as,
                        "in_memoriam": memoriam, "photos": photos}),
                )
                .await;
            assert_eq!(st, 201, "{p}");
            people.push(p["id"].as_u64().unwrap());
        }
        // Dot deleted, Eve left out of games.
        let r = server
            .http
            .delete(server.url(&format!("/api/organise/reunions/{id}/people/{}", people[5])))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let r = server
            .http
            .patch(server.url(&format!("/api/organise/reunions/{id}/people/{}", people[6])))
            .json(&serde_json::json!({"version": 1, "included": false}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
    });

    // While the server runs, by title.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("lincoln");
    let f = export_cmd(&server.db_path(), "Lincoln High 1986", &out);
    assert_ok(&f, "export");
    assert!(
        f.stdout
            .contains("'Lincoln High 1986' (event 1): 4 people, 5 photos")
            && f.stdout.contains("1 deleted left out")
            && f.stdout.contains("left out as not included: Eve Ash")
            && f.stdout.contains("left out without a photo: Fay Nophoto"),
        "{}",
        f.all_output()
    );
    let csv = out.join("roster.csv");
    let rows = exported_rows(&csv);
    let p = |name: &str, label: &str, n: usize| format!("photos/{name} ({label}).png {n}");
    let folder = out.as_path();
    let shown: Vec<String> = rows
        .iter()
        .flat_map(|(name, rs)| {
            rs.iter().map(move |r| {
                let bytes = std::fs::read(folder.join(&r[1])).unwrap();
                format!(
                    "{name}|{}|{}|{}|{}|{} {}",
                    r[0],
                    r[2],
                    r[3],
                    r[4],
                    r[1],
                    identify_portrait(&bytes)
                )
            })
        })
        .collect();
    assert_eq!(
        shown,
        [
            format!("Ann O'Neil|1986|f||yes|{}", p("Ann O'Neil", "1986", 1)),
            format!("Bea Lee|1986|f|||{}", p("Bea Lee", "1986", 2)),
            format!("Cid/Ray|1986|m|||{}", p("Cid Ray", "1986", 3)),
            format!("José Núñez|1983|m|Pepe||{}", p("José Núñez", "1983", 0)),
            format!("José Núñez|1986|m|Pepe||{}", p("José Núñez", "1986", 8)),
        ]
    );
    // The source bytes as uploaded, not a re-encoding.
    assert_eq!(
        std::fs::read(out.join("photos/Bea Lee (1986).png")).unwrap(),
        png_bytes(2)
    );
    assert_ok(&check(&csv), "check of the export");

    // Never into a folder with something in it; by id works too.
    let again = export_cmd(&server.db_path(), "1", &out);
    assert_fails(&again, "a non-empty folder");
    assert!(again.stderr.contains("is not empty"), "{}", again.stderr);
    let unknown = export_cmd(&server.db_path(), "Lincoln High", &dir.path().join("x"));
    assert_fails(&unknown, "an unknown event");
    assert!(
        unknown.stderr.contains("no event 'Lincoln High'")
            && unknown.stderr.contains("1 'Lincoln High 1986'"),
        "{}",
        unknown.stderr
    );
    let by_id = export_cmd(&server.db_path(), "1", &dir.path().join("by-id"));
    assert_ok(&by_id, "export by id");

    // The folder, zipped, makes a new event in the browser's API.
    rt.block_on(async {
        let post_zip = |zip: Vec<u8>, title: &str| {
            server
                .http
                .post(server.url(&format!("/api/organise/reunions/from-roster?title={title}")))
                .header("Content-Type", "application/zip")
                .body(zip)
                .send()
        };
        let (st, r) = status_and_json(
            post_zip(zip_folder(&out, "lincoln/"), "Again")
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(st, 201, "{r}");
        assert_eq!(
            (r["people"].as_u64(), r["photos"].as_u64()),
            (Some(4), Some(5)),
            "{r}"
        );
        let id = r["reunion"]["id"].as_u64().unwrap();
        let (st, r) = server
            .get_json(&format!("/api/organise/reunions/{id}"))
            .await;
        assert_eq!(st, 200, "{r}");
        assert_eq!(r["reunion"]["title"], "Again");
        let mut people: Vec<String> = r["people"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let labels: Vec<&str> = p["photos"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|ph| ph["label"].as_str().unwrap())
                    .collect();
                format!(
                    "{}|{}|{}|{}|{}",
                    p["name"].as_str().unwrap(),
                    p["gender"].as_str().unwrap_or(""),
                    p["known_as"].as_str().unwrap_or(""),
                    p["in_memoriam"],
                    labels.join(",")
                )
            })
            .collect();
        people.sort();
        assert_eq!(
            people,
            [
                "Ann O'Neil|f||true|1986",
                "Bea Lee|f||false|1986",
                "Cid/Ray|m||false|1986",
                "José Núñez|m|Pepe|false|1983,1986",
            ]
        );
        assert_eq!(r["problems"], serde_json::Value::Null, "{r}");

        // A roster check refuses: its lines, and no event made.
        std::fs::remove_file(out.join("photos/Bea Lee (1986).png")).unwrap();
        let before = server.get_json("/api/organise/reunions").await.1;
        let (st, r) =
            status_and_json(post_zip(zip_folder(&out, ""), "Broken").await.unwrap()).await;
        assert_eq!(st, 422, "{r}");
        assert_eq!(r["error"], "roster_problems");
        assert_eq!(
            r["problems"],
            serde_json::json!(["roster.csv:5: photo 'photos/Bea Lee (1986).png' not found"]),
            "{r}"
        );
        let (st, r) = status_and_json(post_zip(b"not a zip".to_vec(), "X").await.unwrap()).await;
        assert_eq!((st, r["error"].as_str()), (422, Some("bad_zip")), "{r}");
        assert_eq!(server.get_json("/api/organise/reunions").await.1, before);
    });
    drop(server);

    // `serve --roster` plays the same class: its people, its labels.
    // (The by-id copy: the first one lost a photo above.)
    let served = TestServer::builder()
        .roster(&dir.path().join("by-id/roster.csv"))
        .start();
    rt.block_on(async {
        let (code, key) = create_room(&served, serde_json::json!({"rounds": 4})).await;
        let mut host = connect_host(&served, &code, &key).await;
        assert_eq!(
            host.state["labels"],
            serde_json::json!(["1983", "1986"]),
            "{}",
            host.state
        );
        let (mut phone, _) = join(&served, &code, "Classmate").await;
        let mut asked = Vec::new();
        for _ in 0..4 {
            host.send(serde_json::json!({"type": "start_round"})).await;
            let round = phone.recv_type("round").await;
            asked.push(round["prompt"]["name"].as_str().unwrap().to_string());
            phone.vote(round["round"].as_u64().unwrap(), 0).await;
            let reveal = host.recv_type("reveal").await;
            if asked.last().unwrap() == "José Núñez" {
                assert_eq!(reveal["also"][0]["label"], "1983", "{reveal}");
            }
        }
        asked.sort();
        assert_eq!(asked, ["Ann O'Neil", "Bea Lee", "Cid/Ray", "José Núñez"]);
    });
}

#[tokio::test]
async fn check_and_serve_take_a_roster_folder_as_its_roster_csv() {
    // What `export` and `import` write, named as the folder alone.
    let roster = standard_roster();
    let folder = roster.dir.path();
    let f = check(folder);
    assert_ok(&f, "check of a folder");
    assert!(f.stdout.contains("ok, 8 people"), "{}", f.all_output());
    let server = TestServer::builder()
        .arg("--roster")
        .arg(folder.to_str().unwrap())
        .start();
    let (code, key) = create_room(&server, serde_json::json!({"rounds": 1})).await;
    let mut host = connect_host(&server, &code, &key).await;
    let (_phone, _) = join(&server, &code, "Dana").await;
    host.send(serde_json::json!({"type": "start_round"})).await;
    let round = host.recv_type("round").await;
    let name = round["prompt"]["name"].as_str().unwrap();
    assert!(roster.names().contains(&name), "{round}");
    // A folder without a roster.csv says which file it looked for.
    let empty = tempfile::tempdir().unwrap();
    let f = check(empty.path());
    assert_fails(&f, "a folder without roster.csv");
    assert!(
        f.stdout.contains("roster.csv: cannot read"),
        "{}",
        f.all_output()
    );
}
