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
    let csv = format!(
        "name,photo\nPerson 0,photos/p0.png\nPerson X,photos/x.png\n{}",
        rows(5)
            .lines()
            .skip(1)
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    );
    let dir = roster_folder(5, &csv);
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

#[test]
fn serve_refuses_a_bad_roster_before_listening() {
    let csv = format!(
        "name,photo\nPerson 0,photos/p0.png\nPerson X,photos/x.png\n{}",
        rows(5)
            .lines()
            .skip(1)
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    );
    let dir = roster_folder(5, &csv);
    let db = tempfile::tempdir().unwrap();
    let mut c = yearbook_cmd();
    c.arg("serve")
        .arg("--addr")
        .arg("127.0.0.1:0")
        .arg("--db")
        .arg(db.path().join("t.db"))
        .arg("--roster")
        .arg(dir.path().join("roster.csv"));
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
    let mut c = yearbook_cmd();
    c.arg("serve")
        .arg("--addr")
        .arg("127.0.0.1:0")
        .arg("--db")
        .arg(db.path().join("t2.db"))
        .env("YEARBOOK_ROSTER", dir.path().join("roster.csv"));
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
    let mut c = yearbook_cmd();
    c.arg("import")
        .arg(&photos)
        .arg("--out")
        .arg(&out_dir)
        .arg("--genders")
        .arg(&genders);
    let f = run_with_timeout(c, LIMIT);
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
