//! issue 22: the templates, scripts and style sheets hold no words of
//! their own (all but `STILL_TO_DO`, which only shrinks), every key they
//! use is in the English catalogue, and every HTTP refusal's message comes
//! from a catalogue. docs/translating.md names the files still to do.

use std::collections::BTreeSet;
use std::path::Path;

use yearbook::i18n::{CATALOGUE, Lang};

/// Files of templates/ and static/ not converted yet. Every other
/// template, script and style sheet is scanned; this list only shrinks
/// (the projector's and the remote's files left it with issue 22).
const STILL_TO_DO: &[&str] = &[];

/// Every template, script and style sheet whose every user-facing string
/// comes from locales/: all of templates/ and static/ but [`STILL_TO_DO`].
fn converted() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["templates", "static"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            let path = format!("{dir}/{name}");
            let scanned = [".html", ".js", ".css"].iter().any(|e| name.ends_with(e));
            if scanned && !STILL_TO_DO.contains(&path.as_str()) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn the_scan_covers_every_page_file_and_the_list_still_to_do_is_real() {
    let files = converted();
    for must in [
        "templates/organise_reunion.html",
        "static/organise.js",
        "static/join.js",
    ] {
        assert!(
            files.iter().any(|f| f == must),
            "{must} is not scanned: {files:?}"
        );
    }
    for left in STILL_TO_DO {
        assert!(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(left).exists(),
            "{left} is gone: take it off STILL_TO_DO"
        );
    }
}

/// String literals of the converted scripts that look like words but are
/// not shown to anyone: header names, cookie attributes, class lists.
const NOT_PROSE: &[&str] = &[
    "use strict",
    "Accept",
    "Authorization",
    "Bearer ",
    "Content-Type",
    "; SameSite=Lax",
    "pic small",
    // KeyboardEvent.key values the projector's shortcuts compare with.
    "Enter",
    "Escape",
    "Spacebar",
    "Tab",
    "Shift",
    "Control",
    "Alt",
    "Meta",
    // The projector's class lists and the host socket's query.
    "choices photos",
    "step empty p",
    "chip more",
    "btn quiet",
    "btn quiet today-hide",
    "btn quiet let-back",
    "btn quiet claim-give",
    "btn quiet claim-refuse",
    "?role=host",
    "Upload-Offset",
    "Delete",
    "Backspace",
    "?file=",
];

/// A script's literal that is code, not words: a query string's start
/// (`?title=`), or the class list of `className: '…'`.
fn is_code(js: &str, literal: &str) -> bool {
    (literal.starts_with(['?', '&']) && literal.ends_with('='))
        || [
            format!("className: '{literal}'"),
            format!("className: '{literal}' +"),
        ]
        .iter()
        .any(|c| js.contains(c.as_str()))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Drops everything between `open` and `close` (both included).
fn strip(text: &str, open: &str, close: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(open) {
        out.push_str(&rest[..at]);
        match rest[at + open.len()..].find(close) {
            Some(end) => rest = &rest[at + open.len() + end + close.len()..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// Whether a piece of text would read as words to a person.
fn looks_like_prose(s: &str) -> bool {
    let letters: Vec<char> = s.chars().collect();
    if !letters
        .windows(2)
        .any(|w| w[0].is_alphabetic() && w[1].is_alphabetic())
    {
        return false;
    }
    let plain_words = s
        .split_whitespace()
        .filter(|w| w.chars().count() >= 2 && w.chars().all(char::is_alphabetic))
        .count();
    let capitalised = s.split_whitespace().any(|w| {
        let mut c = w.chars();
        c.next().is_some_and(char::is_uppercase)
            && c.clone().take(2).count() == 2
            && c.take(2).all(char::is_lowercase)
    });
    let sentence = s.contains(['…', '—', '–', '“', '”', '‘', '’', '!', '?']);
    plain_words >= 2 || capitalised || sentence
}

/// Text nodes and shown attributes of a template, with askama's parts out.
fn template_prose(html: &str) -> Vec<String> {
    let mut text = strip(html, "{#", "#}");
    for (open, close) in [("{{", "}}"), ("{%", "%}"), ("<!--", "-->")] {
        text = strip(&text, open, close);
    }
    text = strip(&text, "<script", "</script>");
    let mut found = Vec::new();
    // Text between tags.
    for piece in text.split('<') {
        let (tag, after) = piece.split_once('>').unwrap_or(("", piece));
        let words = after.trim();
        // An attribute a block adds to base.html's <html> is no text.
        if (words.chars().any(char::is_alphabetic) && !words.contains('='))
            || looks_like_prose(words)
        {
            found.push(words.to_string());
        }
        for attr in ["alt=\"", "placeholder=\"", "title=\"", "aria-label=\""] {
            if let Some(v) = tag.split(attr).nth(1).and_then(|v| v.split('"').next())
                && v.chars().any(char::is_alphabetic)
            {
                found.push(format!("{attr}{v}\""));
            }
        }
    }
    found
}

/// Words a style sheet puts on the page (`content: "It was"`).
fn css_prose(css: &str) -> Vec<String> {
    css.match_indices("content:")
        .filter(|&(at, _)| {
            !css[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphabetic() || c == '-')
        })
        .filter_map(|(at, _)| css[at + 8..].split([';', '}']).next())
        .map(str::trim)
        .filter(|v| v.starts_with(['"', '\'']) && looks_like_prose(v.trim_matches(['"', '\''])))
        .map(str::to_string)
        .collect()
}

/// The string literals of a script, comments left out. Regular
/// expressions pass as code: ours hold no quotes.
fn js_literals(js: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = js.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                for c in chars.by_ref() {
                    if prev == '*' && c == '/' {
                        break;
                    }
                    prev = c;
                }
            }
            '\'' | '"' | '`' => {
                let mut lit = String::new();
                while let Some(d) = chars.next() {
                    match d {
                        '\\' => {
                            if let Some(e) = chars.next() {
                                lit.push('\\');
                                lit.push(e);
                            }
                        }
                        d if d == c => break,
                        d => lit.push(d),
                    }
                }
                out.push(lit);
            }
            _ => {}
        }
    }
    out
}

#[test]
fn converted_files_hold_no_words_of_their_own() {
    let mut found = Vec::new();
    for path in &converted() {
        let path = path.as_str();
        let text = read(path);
        let prose = if path.ends_with(".css") {
            css_prose(&text)
        } else if path.ends_with(".js") {
            js_literals(&text)
                .into_iter()
                .filter(|s| {
                    !NOT_PROSE.contains(&s.as_str()) && !is_code(&text, s) && looks_like_prose(s)
                })
                .collect()
        } else {
            template_prose(&text)
        };
        found.extend(prose.into_iter().map(|s| format!("{path}: {s:?}")));
    }
    assert!(
        found.is_empty(),
        "words outside locales/ (move them to a catalogue):\n{}",
        found.join("\n")
    );
}

/// The scanners themselves: each kind of leftover is caught.
#[test]
fn the_scan_finds_words_where_they_would_hide() {
    let html = "<p class=\"x\">{{ t.get(\"a-b\") }}</p><p>Hello there</p>\
                <img alt=\"A face\"><b>✓</b>{# Not shown #}<!-- a note here -->";
    assert_eq!(template_prose(html), ["Hello there", "alt=\"A face\""]);
    let js = "say('Too late'); el('p', {className: 'btn claim-pick'}); // Not this\n\
              x = YB.t('join-x'); y = 'Paused'; z = 'also in '; /* Nor this */ w = \"Time’s\";";
    let prose: Vec<String> = js_literals(js)
        .into_iter()
        .filter(|s| looks_like_prose(s))
        .collect();
    assert_eq!(prose, ["Too late", "Paused", "also in ", "Time’s"]);
    let css = ".a { justify-content: center; } .b::before { content: \"It was\"; } \
               .c::before { content: \"\\2727\\00a0\"; }";
    assert_eq!(css_prose(css), ["\"It was\""]);
}

/// Where a call whose arguments start `rest` ends: its first unbalanced `)`.
fn call_end(rest: &str) -> usize {
    let mut depth = 0;
    rest.char_indices()
        .find(|&(_, c)| {
            match c {
                '(' => depth += 1,
                ')' if depth == 0 => return true,
                ')' => depth -= 1,
                _ => {}
            }
            false
        })
        .map_or(rest.len(), |(i, _)| i)
}

/// The keys a converted file asks for: `YB.t('…')` in scripts (each
/// literal inside the call that looks like a key), `t.get("…")`,
/// `t.arg("…"` and `t.num("…"` in templates.
fn keys_used(path: &str, text: &str) -> BTreeSet<String> {
    let is_key = |s: &str| {
        s.contains('-')
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    let mut keys = BTreeSet::new();
    if path.ends_with(".js") {
        for call in text.split("YB.t(").skip(1) {
            keys.extend(
                js_literals(&call[..call_end(call)])
                    .into_iter()
                    .filter(|s| is_key(s)),
            );
        }
    } else {
        for call in ["t.get(\"", "t.arg(\"", "t.num(\""] {
            for rest in text.split(call).skip(1) {
                if let Some(key) = rest.split('"').next() {
                    keys.insert(key.to_string());
                }
            }
        }
    }
    keys
}

#[test]
fn every_key_a_converted_file_uses_is_in_the_english_catalogue() {
    let english = CATALOGUE.variables(Lang::EN);
    let mut missing = Vec::new();
    let mut used = 0;
    for path in &converted() {
        let path = path.as_str();
        let text = read(path);
        let keys = keys_used(path, &text);
        used += keys.len();
        missing.extend(
            keys.into_iter()
                .filter(|k| !english.contains_key(k))
                .map(|k| format!("{path}: {k}")),
        );
    }
    assert!(used > 100, "only {used} keys found: is the scan broken?");
    assert!(
        missing.is_empty(),
        "keys not in locales/en:\n{}",
        missing.join("\n")
    );
}

/// Refusals whose `message` is not a catalogue's yet: what each says and
/// why. Every other `AppError` is made with `AppError::keyed` (or from a
/// guest page's `t.get`), so its message follows the client's language.
const REFUSALS_STILL_ENGLISH: &[(&str, &str)] = &[
    // A task that could not run: no person's mistake to explain.
    ("src/http/roster_zip.rs", "\"internal\", e.to_string()"),
    // Already in the guest's language: thennow::prepare takes it.
    ("src/http/today.rs", "r.code, r.message"),
    // The class pages' refusals, each built from the organiser's `tr`
    // before it gets here.
    ("src/http/class_pages.rs", "\"bad_boxes\", message"),
    (
        "src/http/class_pages.rs",
        "\"same_name\",\n            twice",
    ),
];

/// Every `AppError::new(…)`, `AppError::not_found(…)` and
/// `AppError::bad_request(…)` in `text`, up to its closing parenthesis.
fn plain_refusals(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for start in [
        "AppError::new(",
        "AppError::not_found(",
        "AppError::bad_request(",
    ] {
        for (at, _) in text.match_indices(start) {
            let rest = &text[at + start.len()..];
            out.push(rest[..call_end(rest)].to_string());
        }
    }
    out
}

#[test]
fn every_http_refusal_message_comes_from_a_catalogue() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
    let mut found = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    for file in files {
        let path = format!("src/http/{}", file.file_name().unwrap().to_string_lossy());
        let text = read(&path);
        // The constructors themselves (their own parameters).
        let text = text.replace(
            "pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>)",
            "",
        );
        for call in plain_refusals(&text) {
            // A page's `Tr` (`t`, `tr`: a key, a key in a variable, its
            // `Lang` with several variables) or a rule's message in the
            // client's language.
            let localised = [
                ".get(\"",
                ".arg(\"",
                ".arg(key,",
                ".num(",
                ".lang.with(",
                "rule_message(",
            ]
            .iter()
            .any(|said| call.contains(said));
            let known = REFUSALS_STILL_ENGLISH
                .iter()
                .any(|(f, what)| *f == path && call.contains(what));
            let parameter = call.trim() == "message" || call.contains("code, message");
            if !(localised || known || parameter) {
                found.push(format!("{path}: AppError::…({})", call.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "refusals in English only (use AppError::keyed and locales/*/refusals.ftl):\n{}",
        found.join("\n")
    );
}
