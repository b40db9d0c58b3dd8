//! issue 22: the files converted to the catalogues (locales/) hold no
//! words of their own, and every key they use is in the English catalogue.
//! The list grows each time a page is converted; docs/translating.md names
//! the files still to do.

use std::collections::BTreeSet;
use std::path::Path;

use yearbook::i18n::{CATALOGUE, Lang};

/// Files whose every user-facing string comes from locales/.
const CONVERTED: &[&str] = &[
    "templates/base.html",
    "templates/join.html",
    "templates/notfound.html",
    "templates/lang_switch.html",
    "templates/solo.html",
    "templates/landing.html",
    "static/landing.js",
    "static/solo.js",
    "static/join.js",
    "static/common.js",
    "static/style.css",
    "templates/host.html",
    "static/host.js",
    "static/sound.js",
    "static/remote-offer.js",
    "templates/remote.html",
    "static/remote.js",
    "templates/organise.html",
    "templates/organise_gate.html",
    "templates/organise_invite.html",
    "templates/organise_reunion.html",
    "templates/organise_upload_section.html",
    "static/organise.js",
    "static/organise-upload.js",
    "static/organise-zip.js",
    "static/organise-upload.css",
    "templates/organise_pages_section.html",
    "static/organise-pages.js",
    "static/organise-pages.css",
];

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
    for path in CONVERTED {
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
            // Up to the call's end: its first unbalanced ')'.
            let mut depth = 0;
            let end = call
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' if depth == 0 => return true,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    false
                })
                .map_or(call.len(), |(i, _)| i);
            keys.extend(js_literals(&call[..end]).into_iter().filter(|s| is_key(s)));
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
    for path in CONVERTED {
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
