//! Every string a person reads, in their language: Fluent catalogues in
//! `locales/<tag>/*.ftl`, built into the binary. Pages get their strings
//! rendered here; the browser's scripts get the same messages as JSON
//! ([`Catalogue::page_json`]) and render them with `YB.t` (static/common.js),
//! so no Fluent parser runs in JavaScript. docs/translating.md says how to
//! add a language or a string.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::LazyLock;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use include_dir::{Dir, include_dir};
use serde_json::{Value, json};
use unic_langid::LanguageIdentifier;

use crate::game::RuleError;

static LOCALES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/locales");

/// The languages offered, each with its own name for the switch: a new
/// language is its `locales/<tag>/` folder and one line here. English
/// comes first: it is the fallback and the reference every other
/// catalogue is checked against.
pub const LANGUAGES: &[(&str, &str)] = &[("en", "English"), ("de", "Deutsch"), ("es", "Español")];

/// The cookie the language switch sets (static/common.js), read before
/// `Accept-Language` so a chosen language holds on every page.
pub const COOKIE: &str = "yb_lang";

/// One of [`LANGUAGES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Lang(usize);

impl Lang {
    pub const EN: Lang = Lang(0);

    /// The language of a tag (`de`, `de-AT`, `ES`); `None` when not offered.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        LANGUAGES.iter().position(|(t, _)| *t == primary).map(Lang)
    }

    /// The first offered language of an `Accept-Language` header, in the
    /// order the browser lists them.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let requested = fluent_langneg::parse_accepted_languages(header);
        let available = available_ids();
        fluent_langneg::negotiate_languages(
            &requested,
            &available,
            None,
            fluent_langneg::NegotiationStrategy::Lookup,
        )
        .first()
        .and_then(|id| Lang::parse(id.language.as_str()))
    }

    pub fn tag(self) -> &'static str {
        LANGUAGES[self.0].0
    }

    /// Its place in [`LANGUAGES`], for tables kept per language.
    pub fn index(self) -> usize {
        self.0
    }

    pub fn all() -> impl Iterator<Item = Lang> {
        (0..LANGUAGES.len()).map(Lang)
    }

    /// The message `key`, in this language (else in English).
    pub fn get(self, key: &str) -> String {
        CATALOGUE.format(self, key, None)
    }

    /// The message `key` with its variables.
    pub fn with(self, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            fluent.set(*name, value.clone());
        }
        CATALOGUE.format(self, key, Some(&fluent))
    }

    /// The message `key` with number variables (each chooses its plural).
    pub fn numbers(self, key: &str, args: &[(&str, u64)]) -> String {
        let args: Vec<(&str, FluentValue)> = args
            .iter()
            .map(|(name, n)| (*name, FluentValue::from(*n)))
            .collect();
        self.with(key, &args)
    }
}

fn available_ids() -> Vec<LanguageIdentifier> {
    LANGUAGES
        .iter()
        .filter_map(|(tag, _)| tag.parse().ok())
        .collect()
}

/// How a page's language was chosen: the page's script may look further
/// (`navigator.languages`) only when the browser said nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `?lang=` or the switch's cookie.
    Chosen,
    Browser,
    Default,
}

/// The language of one request, for a page: `?lang=`, then the switch's
/// cookie, then `Accept-Language`, then English.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
    pub source: Source,
}

impl Tr {
    pub fn of(headers: &HeaderMap, query: Option<&str>) -> Tr {
        let asked = query
            .into_iter()
            .flat_map(|q| q.split('&'))
            .find_map(|kv| kv.strip_prefix("lang="))
            .and_then(Lang::parse);
        let cookie = headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|c| c.trim().strip_prefix(COOKIE)?.strip_prefix('='))
            .and_then(Lang::parse);
        if let Some(lang) = asked.or(cookie) {
            return Tr {
                lang,
                source: Source::Chosen,
            };
        }
        let accept = headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.trim().is_empty());
        match accept {
            Some(header) => Tr {
                lang: Lang::from_accept_language(header).unwrap_or(Lang::EN),
                source: Source::Browser,
            },
            None => Tr {
                lang: Lang::EN,
                source: Source::Default,
            },
        }
    }

    pub fn tag(&self) -> &'static str {
        self.lang.tag()
    }

    pub fn source(&self) -> &'static str {
        match self.source {
            Source::Chosen => "chosen",
            Source::Browser => "browser",
            Source::Default => "default",
        }
    }

    pub fn get(&self, key: &str) -> String {
        self.lang.get(key)
    }

    /// A message with one variable (templates have no tuple literals).
    pub fn arg(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.lang
            .with(key, &[(name, FluentValue::from(value.to_string()))])
    }

    /// A message with one number (chooses the plural form).
    pub fn num(&self, key: &str, name: &str, value: u64) -> String {
        self.lang.with(key, &[(name, FluentValue::from(value))])
    }

    /// A message with one number, as HTML with that number in
    /// `<span id="{id}">` (a script changes it later); for `|safe`.
    pub fn num_marked(&self, key: &str, name: &str, value: &u32, id: &str) -> String {
        let value = u64::from(*value);
        let line = escape_html(&self.num(key, name, value));
        let number = value.to_string();
        match line.find(&number) {
            Some(at) => format!(
                "{}<span id=\"{}\">{number}</span>{}",
                &line[..at],
                escape_html(id),
                &line[at + number.len()..]
            ),
            None => line,
        }
    }

    /// The page's messages of these groups (the key's first word;
    /// `"common join"`) as JSON for a `<script type="application/json">`,
    /// with the switch's languages.
    pub fn json(&self, groups: &str) -> String {
        let groups: Vec<&str> = groups.split_whitespace().collect();
        crate::http::pages::json_for_script(&CATALOGUE.page_json(self.lang, &groups))
    }

    /// The page's writing direction: none of ours is right-to-left yet,
    /// but pages say it so that one can be added with its catalogue.
    pub fn dir(&self) -> &'static str {
        match self.tag() {
            "ar" | "fa" | "he" | "ur" => "rtl",
            _ => "ltr",
        }
    }

    /// This page's language in its own name (`Deutsch`).
    pub fn name(&self) -> &'static str {
        LANGUAGES[self.lang.0].1
    }

    /// The languages the switch offers: (tag, own name, is this page's).
    pub fn languages(&self) -> Vec<(&'static str, &'static str, bool)> {
        Lang::all()
            .map(|l| (l.tag(), LANGUAGES[l.0].1, l == self.lang))
            .collect()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Tr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Tr::of(&parts.headers, parts.uri.query()))
    }
}

/// How a language writes numbers (CLDR's symbols, as the browser's
/// `Intl.NumberFormat` writes them for `YB.t`): its decimal mark, its
/// group separator, and the fewest digits before the first group for
/// grouping to start (Spanish writes 1779 but 17.790).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digits {
    decimal: char,
    group: char,
    min_grouping: usize,
}

/// English's way (`1,779.5`): every language not in [`DIGITS`] writes so.
const ENGLISH_DIGITS: Digits = Digits {
    decimal: '.',
    group: ',',
    min_grouping: 1,
};

/// The languages that write numbers otherwise than English.
const DIGITS: &[(&str, Digits)] = &[
    (
        "de",
        Digits {
            decimal: ',',
            group: '.',
            min_grouping: 1,
        },
    ),
    (
        "es",
        Digits {
            decimal: ',',
            group: '.',
            min_grouping: 2,
        },
    ),
];

impl Digits {
    fn of(lang: &str) -> Digits {
        DIGITS
            .iter()
            .find(|(tag, _)| *tag == lang)
            .map_or(ENGLISH_DIGITS, |(_, d)| *d)
    }

    /// `n` written this way: its fraction digits as its options ask
    /// (`NUMBER($n, minimumFractionDigits: 1)`, or a [`tenths`] value),
    /// at most 3 by default as in the browser.
    fn write(self, n: &fluent_bundle::types::FluentNumber) -> String {
        let options = &n.options;
        let min = options.minimum_fraction_digits.unwrap_or(0);
        let max = options.maximum_fraction_digits.unwrap_or(3).max(min);
        if !n.value.is_finite() {
            return n.as_string().into_owned();
        }
        let fixed = format!("{:.*}", max, n.value.abs());
        let (whole, fraction) = fixed.split_once('.').unwrap_or((&fixed, ""));
        let mut fraction = fraction.to_string();
        while fraction.len() > min && fraction.ends_with('0') {
            fraction.pop();
        }
        let mut out = String::new();
        if n.value < 0.0 && fixed.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
            out.push('-');
        }
        let grouped = options.use_grouping && whole.len() >= 3 + self.min_grouping;
        for (i, digit) in whole.chars().enumerate() {
            if grouped && i > 0 && (whole.len() - i) % 3 == 0 {
                out.push(self.group);
            }
            out.push(digit);
        }
        if !fraction.is_empty() {
            out.push(self.decimal);
            out.push_str(&fraction);
        }
        out
    }
}

impl intl_memoizer::Memoizable for Digits {
    type Args = ();
    type Error = std::convert::Infallible;

    fn construct(lang: LanguageIdentifier, _: ()) -> Result<Self, Self::Error> {
        Ok(Digits::of(lang.language.as_str()))
    }
}

/// The bundles' formatter: numbers in their language's way, the rest
/// as Fluent writes them.
fn write_number(
    value: &FluentValue,
    intls: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    let FluentValue::Number(n) = value else {
        return None;
    };
    intls
        .with_try_get::<Digits, _, _>((), |digits| digits.write(n))
        .ok()
}

/// A number with one decimal, given in tenths (`256` is 25.6, `250` is
/// 25.0): each language writes its own decimal mark (`25,0` in German).
pub fn tenths(tenths: i64) -> FluentValue<'static> {
    use fluent_bundle::types::{FluentNumber, FluentNumberOptions};
    FluentValue::Number(FluentNumber::new(
        tenths as f64 / 10.0,
        FluentNumberOptions {
            minimum_fraction_digits: Some(1),
            maximum_fraction_digits: Some(1),
            ..Default::default()
        },
    ))
}

/// A refused rule's message in `lang`.
pub fn rule_message(e: RuleError, lang: Lang) -> String {
    let key = match e {
        RuleError::NameTaken => "error-name-taken",
        RuleError::BadName(why) => why.key(),
        RuleError::RoomFull => "error-room-full",
        RuleError::RoundClosed => "error-round-closed",
        RuleError::AlreadyVoted => "error-already-voted",
        RuleError::BadChoice => "error-bad-choice",
        RuleError::WrongPhase => "error-wrong-phase",
        RuleError::RoomClosed => "error-room-closed",
        RuleError::Kicked => "error-kicked",
        RuleError::NameBanned => "error-name-banned",
        RuleError::ItsYou => "error-its-you",
        RuleError::ClaimWhileAsking => "error-claim-while-asking",
        RuleError::UnknownPerson => "error-unknown-person",
        RuleError::UnknownLang => {
            // Names the languages there are, each in its own name.
            let names: Vec<&str> = LANGUAGES.iter().map(|(_, name)| *name).collect();
            return lang.with(
                "error-unknown-lang",
                &[("languages", FluentValue::from(names.join(", ")))],
            );
        }
        RuleError::UnknownPlayer => "error-unknown-player",
        RuleError::NoClaimToDecide => "error-no-claim",
        RuleError::BadSettings(why) => return lang.numbers(why.key(), &why.args()),
        RuleError::ThenNow(why) => return lang.numbers(why.key(), &why.args()),
    };
    lang.get(key)
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
}

/// What English pages show that are not converted yet: `common` strings
/// that static/common.js needs on every page.
pub fn default_json() -> String {
    crate::http::pages::json_for_script(&CATALOGUE.page_json(Lang::EN, &["common"]))
}

/// A message as the browser renders it: a string, or a list of parts,
/// each a string, `{"$": var}` or `{"select": var, "variants": {key:
/// message}, "default": key, "ordinal": bool}`.
type Exported = Value;

pub struct Catalogue {
    bundles: Vec<FluentBundle<FluentResource>>,
    /// Per language: each message's exported form (English's where the
    /// language lacks one).
    exported: Vec<BTreeMap<String, Exported>>,
    /// Per language: the problems found while loading (parse errors,
    /// messages the exporter cannot express); the tests want none.
    pub problems: Vec<Vec<String>>,
}

pub static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(Catalogue::load);

/// One language's `.ftl` sources, by file name.
pub fn sources(lang: Lang) -> Vec<(String, &'static str)> {
    let Some(dir) = LOCALES.get_dir(lang.tag()) else {
        return Vec::new();
    };
    let mut files: Vec<_> = dir
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "ftl"))
        .filter_map(|f| Some((f.path().display().to_string(), f.contents_utf8()?)))
        .collect();
    files.sort();
    files
}

impl Catalogue {
    fn load() -> Catalogue {
        let mut bundles = Vec::new();
        let mut exported = Vec::new();
        let mut problems = Vec::new();
        for lang in Lang::all() {
            let mut found = Vec::new();
            let id: LanguageIdentifier = lang.tag().parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // The marks around variables would end up in every string
            // compared or shown; names are isolated by the page's CSS.
            bundle.set_use_isolating(false);
            // Numbers in the language's way (`25,0 MB`, `1.779 Punkte`).
            bundle.set_formatter(Some(write_number));
            // NUMBER(): ordinals ("3rd") choose their form by it.
            if let Err(e) = bundle.add_builtins() {
                found.push(format!("builtins: {e:?}"));
            }
            let mut messages = BTreeMap::new();
            for (file, text) in sources(lang) {
                let resource = FluentResource::try_new(text.to_string()).unwrap_or_else(
                    |(resource, errors)| {
                        found.extend(errors.iter().map(|e| format!("{file}: {e:?}")));
                        resource
                    },
                );
                let terms = terms_of(&resource);
                for entry in resource.entries() {
                    if let ast::Entry::Message(m) = entry
                        && let Some(value) = &m.value
                    {
                        match export(value, &terms, 0) {
                            Ok(v) => {
                                messages.insert(m.id.name.to_string(), simplify(v));
                            }
                            Err(e) => found.push(format!("{file}: {}: {e}", m.id.name)),
                        }
                    }
                }
                if let Err(errors) = bundle.add_resource(resource) {
                    found.extend(errors.iter().map(|e| format!("{file}: {e:?}")));
                }
            }
            bundles.push(bundle);
            exported.push(messages);
            problems.push(found);
        }
        // A missing translation shows the English one, never a key.
        let english = exported.first().cloned().unwrap_or_default();
        for messages in exported.iter_mut().skip(1) {
            for (key, value) in &english {
                messages.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
        Catalogue {
            bundles,
            exported,
            problems,
        }
    }

    fn format(&self, lang: Lang, key: &str, args: Option<&FluentArgs>) -> String {
        for bundle in [&self.bundles[lang.0], &self.bundles[0]] {
            if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, args, &mut errors);
                if !errors.is_empty() {
                    tracing::warn!(key, lang = lang.tag(), ?errors, "message formatting");
                }
                return text.into_owned();
            }
        }
        tracing::error!(key, "no such message");
        key.to_string()
    }

    /// The messages of `groups` (`join` is every `join-…` key) in `lang`.
    pub fn page_json(&self, lang: Lang, groups: &[&str]) -> Value {
        let messages: serde_json::Map<String, Value> = self.exported[lang.0]
            .iter()
            .filter(|(key, _)| groups.contains(&key.split('-').next().unwrap_or("")))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let languages: Vec<Value> = LANGUAGES
            .iter()
            .map(|(tag, name)| json!({"tag": tag, "name": name}))
            .collect();
        json!({"lang": lang.tag(), "languages": languages, "messages": messages})
    }

    /// Each message of `lang`'s own files and the variables it uses.
    pub fn variables(&self, lang: Lang) -> BTreeMap<String, BTreeSet<String>> {
        let mut out = BTreeMap::new();
        for (_, text) in sources(lang) {
            let Ok(resource) = fluent_syntax::parser::parse(text) else {
                continue;
            };
            for entry in &resource.body {
                if let ast::Entry::Message(m) = entry {
                    let mut vars = BTreeSet::new();
                    if let Some(value) = &m.value {
                        pattern_vars(value, &mut vars);
                    }
                    out.insert(m.id.name.to_string(), vars);
                }
            }
        }
        out
    }
}

fn terms_of(resource: &FluentResource) -> HashMap<String, ast::Pattern<String>> {
    resource
        .entries()
        .filter_map(|e| match e {
            ast::Entry::Term(t) => Some((t.id.name.to_string(), owned(&t.value))),
            _ => None,
        })
        .collect()
}

fn owned(p: &ast::Pattern<&str>) -> ast::Pattern<String> {
    // Terms are few and plain text (`-game = Yearbook`): cloning through
    // the text keeps the exporter on one string type.
    ast::Pattern {
        elements: p
            .elements
            .iter()
            .filter_map(|e| match e {
                ast::PatternElement::TextElement { value } => {
                    Some(ast::PatternElement::TextElement {
                        value: value.to_string(),
                    })
                }
                _ => None,
            })
            .collect(),
    }
}

fn export<S: AsRef<str>>(
    p: &ast::Pattern<S>,
    terms: &HashMap<String, ast::Pattern<String>>,
    depth: u8,
) -> Result<Vec<Value>, String> {
    if depth > 4 {
        return Err("selectors nested too deep".into());
    }
    let mut parts = Vec::new();
    for element in &p.elements {
        match element {
            ast::PatternElement::TextElement { value } => parts.push(json!(value.as_ref())),
            ast::PatternElement::Placeable { expression } => match expression {
                ast::Expression::Inline(inline) => parts.push(inline_part(inline, terms)?),
                ast::Expression::Select { selector, variants } => {
                    let (var, ordinal) = selector_var(selector)?;
                    let mut map = serde_json::Map::new();
                    let mut default = None;
                    for v in variants {
                        let key = match &v.key {
                            ast::VariantKey::Identifier { name } => name.as_ref().to_string(),
                            ast::VariantKey::NumberLiteral { value } => value.as_ref().to_string(),
                        };
                        if v.default {
                            default = Some(key.clone());
                        }
                        map.insert(key, simplify(export(&v.value, terms, depth + 1)?));
                    }
                    parts.push(json!({"select": var, "ordinal": ordinal,
                        "default": default, "variants": map}));
                }
            },
        }
    }
    Ok(parts)
}

fn inline_part<S: AsRef<str>>(
    inline: &ast::InlineExpression<S>,
    terms: &HashMap<String, ast::Pattern<String>>,
) -> Result<Value, String> {
    match inline {
        ast::InlineExpression::VariableReference { id } => Ok(json!({"$": id.name.as_ref()})),
        ast::InlineExpression::StringLiteral { value } => Ok(json!(value.as_ref())),
        ast::InlineExpression::FunctionReference { .. } => {
            let (var, _) = selector_var(inline)?;
            Ok(json!({"$": var}))
        }
        ast::InlineExpression::TermReference { id, .. } => {
            let term = terms
                .get(id.name.as_ref())
                .ok_or_else(|| format!("no term -{}", id.name.as_ref()))?;
            Ok(simplify(export(term, terms, 0)?))
        }
        _ => Err("only variables, NUMBER(), terms and string literals".into()),
    }
}

/// The variable a selector or `NUMBER($n, type: "ordinal")` reads.
fn selector_var<S: AsRef<str>>(e: &ast::InlineExpression<S>) -> Result<(String, bool), String> {
    match e {
        ast::InlineExpression::VariableReference { id } => Ok((id.name.as_ref().into(), false)),
        ast::InlineExpression::FunctionReference { id, arguments }
            if id.name.as_ref() == "NUMBER" =>
        {
            let var = match arguments.positional.first() {
                Some(ast::InlineExpression::VariableReference { id }) => id.name.as_ref(),
                _ => return Err("NUMBER() of a variable only".into()),
            };
            let ordinal = arguments.named.iter().any(|a| {
                a.name.name.as_ref() == "type"
                    && matches!(&a.value, ast::InlineExpression::StringLiteral { value } if value.as_ref() == "ordinal")
            });
            Ok((var.into(), ordinal))
        }
        _ => Err("select on a variable or NUMBER() only".into()),
    }
}

/// Adjacent text joined; a message of text only becomes one string.
fn simplify(parts: Vec<Value>) -> Value {
    let mut out: Vec<Value> = Vec::new();
    for part in parts {
        let flat = match part {
            Value::Array(inner) => inner,
            other => vec![other],
        };
        for p in flat {
            match (out.last_mut(), &p) {
                (Some(Value::String(prev)), Value::String(s)) => prev.push_str(s),
                _ => out.push(p),
            }
        }
    }
    match out.as_slice() {
        [] => json!(""),
        [Value::String(s)] => json!(s),
        _ => Value::Array(out),
    }
}

fn pattern_vars<S: AsRef<str>>(p: &ast::Pattern<S>, vars: &mut BTreeSet<String>) {
    for element in &p.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            match expression {
                ast::Expression::Inline(inline) => inline_vars(inline, vars),
                ast::Expression::Select { selector, variants } => {
                    inline_vars(selector, vars);
                    for v in variants {
                        pattern_vars(&v.value, vars);
                    }
                }
            }
        }
    }
}

fn inline_vars<S: AsRef<str>>(e: &ast::InlineExpression<S>, vars: &mut BTreeSet<String>) {
    match e {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.as_ref().to_string());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, vars);
            }
        }
        ast::InlineExpression::Placeable { expression } => {
            if let ast::Expression::Inline(inner) = expression.as_ref() {
                inline_vars(inner, vars);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::thennow::ThenNowError;
    use crate::game::{NameRefusal, SettingsRefusal};

    #[test]
    fn every_catalogue_loads_without_problems() {
        for lang in Lang::all() {
            assert!(
                !sources(lang).is_empty(),
                "no .ftl files for {}",
                lang.tag()
            );
            assert_eq!(
                CATALOGUE.problems[lang.0],
                Vec::<String>::new(),
                "{}",
                lang.tag()
            );
        }
    }

    /// Adding a string to English without German and Spanish (or the
    /// reverse), or with other variables, fails here.
    #[test]
    fn every_language_has_exactly_the_english_keys_and_variables() {
        let english = CATALOGUE.variables(Lang::EN);
        assert!(english.len() > 20, "English catalogue looks empty");
        let mut wrong = Vec::new();
        for lang in Lang::all().skip(1) {
            let other = CATALOGUE.variables(lang);
            for (key, vars) in &english {
                match other.get(key) {
                    None => wrong.push(format!("{}: missing {key}", lang.tag())),
                    Some(v) if v != vars => wrong.push(format!(
                        "{}: {key} uses {v:?}, English {vars:?}",
                        lang.tag()
                    )),
                    Some(_) => {}
                }
            }
            for key in other.keys().filter(|k| !english.contains_key(*k)) {
                wrong.push(format!("{}: {key} is not in English", lang.tag()));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    /// Name and WebSocket handshake refusals read in their person's
    /// language whatever their English says: each key is in every
    /// catalogue, with no variables.
    #[test]
    fn every_name_and_handshake_refusal_has_its_key_in_every_catalogue() {
        use crate::delivery::upgrade::HandshakeProblem;
        let mut refusals: Vec<(String, &str)> = NameRefusal::ALL
            .iter()
            .map(|why| (format!("{why:?}"), why.key()))
            .collect();
        refusals.extend(
            HandshakeProblem::ALL
                .iter()
                .map(|why| (format!("{why:?}"), why.key())),
        );
        for lang in Lang::all() {
            let keys = CATALOGUE.variables(lang);
            for (why, key) in &refusals {
                assert_eq!(
                    keys.get(*key),
                    Some(&BTreeSet::new()),
                    "{}: {key} for {why}",
                    lang.tag()
                );
            }
        }
    }

    /// Settings and then & now refusals read in the client's language
    /// whatever their English says: each key is in every catalogue, with
    /// the variables the refusal passes (a new variant without its
    /// translation fails here, rather than falling back to English).
    #[test]
    fn every_settings_and_then_now_refusal_has_its_key_and_numbers() {
        let mut refusals: Vec<_> = SettingsRefusal::ALL
            .iter()
            .map(|why| (RuleError::BadSettings(*why), why.key(), why.args()))
            .collect();
        refusals.extend(
            ThenNowError::ALL
                .iter()
                .map(|why| (RuleError::ThenNow(*why), why.key(), why.args())),
        );
        for lang in Lang::all() {
            let keys = CATALOGUE.variables(lang);
            for (e, key, args) in &refusals {
                let passed: BTreeSet<String> = args.iter().map(|(n, _)| n.to_string()).collect();
                assert_eq!(
                    keys.get(*key),
                    Some(&passed),
                    "{}: {key} for {e:?}",
                    lang.tag()
                );
            }
        }
        let de = Lang::parse("de").unwrap();
        let es = Lang::parse("es").unwrap();
        let too_few = |have| RuleError::ThenNow(ThenNowError::TooFewPeople { have });
        assert_eq!(
            rule_message(RuleError::BadSettings(SettingsRefusal::Seconds), de),
            "Die Sekunden müssen zwischen 2 und 300 liegen."
        );
        assert!(rule_message(too_few(1), de).ends_with("; bisher eine Person."));
        assert!(rule_message(too_few(3), de).ends_with("; bisher 3."));
        assert!(rule_message(too_few(1), es).ends_with("; por ahora hay 1."));
        assert_eq!(
            rule_message(RuleError::BadSettings(SettingsRefusal::TooFew), es),
            "Hacen falta al menos 4 compañeros para una pregunta."
        );
    }

    /// A roster's, a name list's or a photo file's reason reads in the
    /// organiser's language: each key is in every catalogue with exactly
    /// the variables the reason passes.
    #[test]
    fn every_roster_reason_has_its_key_and_variables() {
        use crate::roster::why::Why;
        for lang in Lang::all() {
            let keys = CATALOGUE.variables(lang);
            for why in Why::all() {
                let reason = why.reason(lang);
                let passed: BTreeSet<String> = reason.args.iter().map(|(n, _)| n.clone()).collect();
                assert_eq!(
                    keys.get(&reason.key),
                    Some(&passed),
                    "{}: {} for {why:?}",
                    lang.tag(),
                    reason.key
                );
                assert_ne!(why.say(lang), reason.key, "{why:?} unsaid");
            }
        }
        // The class-page detector's reasons, and why a name was not read:
        // (key, variables) of each.
        let names = |args: Vec<&str>| -> BTreeSet<String> {
            args.into_iter().map(str::to_string).collect()
        };
        let mut pages: Vec<(&str, BTreeSet<String>)> = crate::pages::NotClass::ALL
            .iter()
            .map(|why| (why.key(), names(why.args().iter().map(|a| a.0).collect())))
            .collect();
        pages.extend(
            crate::pages::Unnamed::all()
                .iter()
                .map(|why| (why.key(), names(why.args().iter().map(|a| a.0).collect()))),
        );
        pages.push((crate::pages::why::NOT_CLASS, names(vec!["why"])));
        for lang in Lang::all() {
            let keys = CATALOGUE.variables(lang);
            for (key, passed) in &pages {
                assert_eq!(keys.get(*key), Some(passed), "{}: {key}", lang.tag());
            }
        }
        let de = Lang::parse("de").unwrap();
        assert_eq!(
            crate::pages::NotClass::TooFewBoxes { count: 2 }.to_string(),
            "not a class page (2 portrait-like boxes, a class page has 4 or more); nothing cropped"
        );
        assert_eq!(
            crate::pages::NotClass::TooFewBoxes { count: 1 }.say(de),
            "keine Klassenseite (1 porträtartiges Kästchen, eine Klassenseite hat 4 oder mehr); \
             nichts ausgeschnitten"
        );
        let lone = Why::LoneGender {
            gender: "mm".into(),
            others: vec!["f".into(), "m".into()],
        };
        assert!(lone.say(de).contains("(die anderen sagen f oder m)"));
        assert!(lone.to_string().contains("(the others say f or m)"));
        let twice = Why::DuplicateName {
            name: "Ann".into(),
            first: 1234,
        };
        assert_eq!(
            twice.to_string(),
            "duplicate name 'Ann' (first on line 1234)"
        );
        assert_eq!(
            Why::TooFewPeople { count: 1 }.say(de),
            "nur eine Person; für eine Frage braucht es mindestens 4"
        );
    }

    /// Old clients (no `lang`) read exactly the messages they always did.
    #[test]
    fn english_rule_messages_are_the_rules_own() {
        let mut errors: Vec<RuleError> = NameRefusal::ALL.map(RuleError::BadName).to_vec();
        errors.extend([
            RuleError::NameTaken,
            RuleError::RoomFull,
            RuleError::RoundClosed,
            RuleError::AlreadyVoted,
            RuleError::BadChoice,
            RuleError::WrongPhase,
            RuleError::RoomClosed,
            RuleError::Kicked,
            RuleError::NameBanned,
            RuleError::ItsYou,
            RuleError::ClaimWhileAsking,
            RuleError::UnknownPerson,
        ]);
        errors.extend(ThenNowError::ALL.map(RuleError::ThenNow));
        errors.push(RuleError::ThenNow(ThenNowError::TooFewPeople { have: 7 }));
        let de = Lang::parse("de").unwrap();
        assert_eq!(
            Lang::EN.get("error-then-now-off"),
            crate::thennow::OFF_MESSAGE
        );
        assert_eq!(
            Lang::EN.get("error-vote-not-saved"),
            crate::protocol::STORAGE_MESSAGE
        );
        for e in errors {
            assert_eq!(rule_message(e, Lang::EN), e.to_string());
            assert_ne!(rule_message(e, de), e.to_string(), "{e:?} has no German");
        }
        // Settings refusals read capitalised on a socket (HTTP's lower
        // case stays HTTP's until it is converted).
        for why in SettingsRefusal::ALL {
            let e = RuleError::BadSettings(why);
            let mut english = e.to_string();
            english[..1].make_ascii_uppercase();
            assert_eq!(rule_message(e, Lang::EN), format!("{english}."));
        }
        for e in [
            crate::room::HostRefused::Closed,
            crate::room::HostRefused::TooMany,
        ] {
            assert_eq!(e.message(Lang::EN), e.to_string());
            assert_ne!(e.message(de), e.to_string(), "{e:?} has no German");
        }
    }

    #[test]
    fn accept_language_picks_the_first_offered_language() {
        let pick = |h: &str| Lang::from_accept_language(h).map(Lang::tag);
        assert_eq!(pick("de-AT,de;q=0.9,en;q=0.5"), Some("de"));
        assert_eq!(pick("fr-FR,es-MX;q=0.8,en;q=0.5"), Some("es"));
        assert_eq!(pick("fr-FR,pl"), None);
        assert_eq!(Lang::parse("ES"), Some(Lang(2)));
        assert_eq!(Lang::parse("xx"), None);
    }

    #[test]
    fn the_switch_cookie_beats_the_browser() {
        let mut headers = HeaderMap::new();
        headers.insert("accept-language", "de".parse().unwrap());
        assert_eq!(Tr::of(&headers, None).tag(), "de");
        headers.insert("cookie", "a=b; yb_lang=es".parse().unwrap());
        assert_eq!(Tr::of(&headers, None).tag(), "es");
        assert_eq!(Tr::of(&headers, Some("x=1&lang=en")).tag(), "en");
        assert_eq!(Tr::of(&HeaderMap::new(), None).source, Source::Default);
    }

    #[test]
    fn numbers_are_written_in_each_languages_way() {
        let de = Lang::parse("de").unwrap();
        let es = Lang::parse("es").unwrap();
        let n = |l: Lang, k: u64| l.with("common-points", &[("count", FluentValue::from(k))]);
        assert_eq!(n(de, 1779), "1.779 Punkte");
        assert_eq!(n(Lang::EN, 1779), "1,779 points");
        assert_eq!(
            n(es, 1779),
            "1779 puntos",
            "Spanish groups from five digits"
        );
        assert_eq!(n(es, 17790), "17.790 puntos");
        assert_eq!(n(de, 1_234_567), "1.234.567 Punkte");
        assert_eq!(n(de, 999), "999 Punkte");
        let mb = |l: Lang, t: i64| {
            l.with(
                "upload-too-large",
                &[("mb", tenths(t)), ("max", FluentValue::from(25))],
            )
        };
        assert!(
            mb(de, 250).starts_with("Diese Datei hat 25,0 MB;"),
            "{}",
            mb(de, 250)
        );
        assert!(mb(es, 1256).starts_with("Este archivo ocupa 125,6 MB;"));
        assert!(mb(Lang::EN, 1256).starts_with("This file is 125.6 MB;"));
        assert!(mb(Lang::EN, 12_345).starts_with("This file is 1,234.5 MB;"));
    }

    #[test]
    fn plurals_and_selectors_are_each_languages_own() {
        let de = Lang::parse("de").unwrap();
        let n =
            |l: Lang, key: &str, name: &str, k: u64| l.with(key, &[(name, FluentValue::from(k))]);
        assert_eq!(n(de, "common-points", "count", 1), "1 Punkt");
        assert_eq!(n(de, "common-points", "count", 2), "2 Punkte");
        assert_eq!(n(Lang::EN, "common-points", "count", 1), "1 point");
        let ordinals: Vec<String> = [1, 2, 3, 4, 11, 22]
            .into_iter()
            .map(|k| n(Lang::EN, "common-ordinal", "n", k))
            .collect();
        assert_eq!(ordinals, ["1st", "2nd", "3rd", "4th", "11th", "22nd"]);
        // The browser gets the same choice as data, not as Fluent syntax.
        let exported = &CATALOGUE.page_json(de, &["common"])["messages"]["common-points"];
        assert_eq!(exported[0]["select"], "count");
        assert_eq!(exported[0]["variants"]["one"][1], " Punkt", "{exported}");
        let ordinal = &CATALOGUE.page_json(Lang::EN, &["common"])["messages"]["common-ordinal"];
        assert_eq!(ordinal[0]["ordinal"], true, "{ordinal}");
    }
}
