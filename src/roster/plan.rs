//! The import plan: photo files (named after the person, maybe labelled:
//! `Ann Lee (1983).png`) and a name list in, who is who out. The same plan serves `yearbook import` and the
//! organiser's browser import; it reads no file and decodes no image.
//!
//! A list name and a photo are matched when they are the same name
//! (ignoring case and spaces), or the only two that fold alike (accents,
//! apostrophes, hyphens: [`fold`](super::matching::fold)). Anything less is
//! a suggestion with a score, taken only when the organiser accepts it.
//!
//! [`plan`] takes bare file names (a folder part is dropped). A caller that
//! knows labels from elsewhere (the CLI's `1983/` folders, an upload's
//! folder) builds its [`PhotoFile`]s itself, then [`sort_out`] and
//! [`plan_photos`], as `import.rs` does.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::csv::{Problem, name_key};
use super::import::name_and_label;
use super::matching::{NameKey, best, fold, richer_or_equal};
use super::namelist::{ListEntry, NameList};
use super::why::Why;
use crate::i18n::Lang;

/// A photo file the plan can use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhotoFile {
    /// Where it was in the input given to [`photo_files`].
    pub index: usize,
    /// The file name without any folder (`C:\scans\Ann Bell.png` → `Ann Bell.png`).
    pub file: String,
    /// The person's name from the file name: `Ann Bell`.
    pub name: String,
    /// `1983` from `Ann Bell (1983).png` (or, in the CLI, a label folder).
    pub label: Option<String>,
}

/// Why a file is left out, in a sentence for the organiser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileProblem {
    pub file: String,
    /// `why` in English.
    pub message: String,
    #[serde(skip)]
    pub why: Why,
}

impl FileProblem {
    fn new(file: String, why: Why) -> Self {
        Self {
            file,
            message: why.say(Lang::EN),
            why,
        }
    }
}

/// What the plan found wrong, on either side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "about", rename_all = "snake_case")]
pub enum PlanProblem {
    /// A line of the name list (`line` is `None` for the whole list).
    List {
        line: Option<u64>,
        message: String,
        #[serde(skip)]
        why: Why,
    },
    /// A photo file, left out.
    Photo {
        file: String,
        message: String,
        #[serde(skip)]
        why: Why,
    },
}

impl PlanProblem {
    /// `genders.csv:4: …` for the list, the message alone for a photo.
    pub fn render(&self, list_label: &str) -> String {
        match self {
            PlanProblem::List { line, why, .. } => {
                Problem::new(*line, why.clone()).render(list_label)
            }
            PlanProblem::Photo { message, .. } => message.clone(),
        }
    }

    /// The same problem with its message in `lang`.
    pub fn said(mut self, lang: Lang) -> Self {
        match &mut self {
            PlanProblem::List { message, why, .. } | PlanProblem::Photo { message, why, .. } => {
                *message = why.say(lang)
            }
        }
        self
    }
}

/// One photo of a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedPhoto {
    /// The file name, no folder (the CLI: the path inside the scans folder).
    pub file: String,
    pub label: Option<String>,
    /// Index into the photos given to [`plan_photos`] (or the files given to [`plan`]).
    pub index: usize,
}

/// One person of the class to be, with every photo of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedPerson {
    /// From the list when matched (the spelling that kept its accents and
    /// capitals when both fold alike), else from the file name.
    pub name: String,
    /// In the order given; at least one.
    pub photos: Vec<PlannedPhoto>,
    pub gender: Option<String>,
    pub known_as: Option<String>,
    pub in_memoriam: Option<bool>,
    /// The list line this person was matched to.
    pub list_line: Option<u64>,
}

/// How a list name and a photo were matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// The same name, ignoring case and spaces.
    Same,
    /// The only two that fold alike (accents, apostrophes, hyphens).
    Folded,
    /// A suggestion the organiser accepted.
    Accepted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Match {
    pub list_line: u64,
    pub list_name: String,
    /// The person's first photo file.
    pub file: String,
    /// Index into [`ImportPlan::people`].
    pub person: usize,
    pub how: How,
}

/// "Jose Nunez ↔ José Núñez.png?", with how alike they are (0..1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub list_line: u64,
    pub list_name: String,
    /// The person's first photo file.
    pub file: String,
    /// Index into [`ImportPlan::people`].
    pub person: usize,
    pub score: f64,
}

impl Suggestion {
    /// What accepting it sends back.
    pub fn pair(&self) -> Accept {
        Accept {
            list_line: self.list_line,
            file: self.file.clone(),
        }
    }

    /// The score as a person reads it: `97%`.
    pub fn percent(&self) -> String {
        format!("{:.0}%", self.score * 100.0)
    }
}

/// A suggestion the organiser took: this list line is the person of this
/// photo file (any of their photos).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Accept {
    pub list_line: u64,
    pub file: String,
}

/// A list name with no photo, with the photos it might be, best first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnmatchedName {
    pub list_line: u64,
    pub name: String,
    pub suggestions: Vec<Suggestion>,
}

/// A person's photos with no list name, with the names they might be,
/// best first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnmatchedFile {
    /// The name from the file names.
    pub name: String,
    pub files: Vec<String>,
    /// Index into [`ImportPlan::people`].
    pub person: usize,
    pub suggestions: Vec<Suggestion>,
}

/// Who is who, what is left on either side, and what might match.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportPlan {
    pub people: Vec<PlannedPerson>,
    pub matched: Vec<Match>,
    pub unmatched_list: Vec<UnmatchedName>,
    pub unmatched_files: Vec<UnmatchedFile>,
    /// Every suggestion once, best first.
    pub suggestions: Vec<Suggestion>,
    pub problems: Vec<PlanProblem>,
}

impl ImportPlan {
    /// The plan with its problems in `lang`.
    pub fn said(mut self, lang: Lang) -> Self {
        self.problems = self.problems.into_iter().map(|p| p.said(lang)).collect();
        self
    }

    /// The best suggestion for each unmatched list name, no photo taken
    /// twice: the closest pairs first. What `--accept-suggestions` takes.
    pub fn best_suggestions(&self) -> Vec<Accept> {
        let mut taken_lines = HashSet::new();
        let mut taken_files = HashSet::new();
        let mut out = Vec::new();
        for s in &self.suggestions {
            if !taken_lines.contains(&s.list_line) && !taken_files.contains(&s.person) {
                taken_lines.insert(s.list_line);
                taken_files.insert(s.person);
                out.push(s.pair());
            }
        }
        out
    }
}

/// Image files the import reads.
pub fn is_image_ext(ext: &str) -> bool {
    matches!(ext, "png" | "jpg" | "jpeg")
}

/// Why a file of this type cannot be used, and what to do instead.
pub fn not_a_photo(file: &str, ext: &str) -> Why {
    let file = file.to_string();
    match ext {
        "heic" | "heif" => Why::Heic { file },
        "pdf" => Why::Pdf { file },
        _ => Why::NotImage { file },
    }
}

/// The file name alone: a browser or an archive may send
/// `../x/Ann Bell.png` or `C:\scans\Ann Bell.png`.
pub fn last_component(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The photos among `files` (names, maybe with a folder), each with the
/// person's name and label from its file name; the rest each with a
/// sentence saying why it is left out (see [`sort_out`]).
pub fn photo_files<S: AsRef<str>>(files: &[S]) -> (Vec<PhotoFile>, Vec<FileProblem>) {
    let mut candidates = Vec::new();
    let mut problems = Vec::new();
    for (index, given) in files.iter().enumerate() {
        let file = last_component(given.as_ref()).to_string();
        let (stem, ext) = match file.rsplit_once('.') {
            Some((stem, ext)) => (stem, ext.to_lowercase()),
            None => (file.as_str(), String::new()),
        };
        let why = if !is_image_ext(&ext) {
            not_a_photo(&file, &ext)
        } else {
            let (name, label) = name_and_label(stem);
            match too_long(&file, &name, label.as_deref()) {
                Some(why) => why,
                None => {
                    candidates.push(PhotoFile {
                        index,
                        file,
                        name,
                        label,
                    });
                    continue;
                }
            }
        };
        problems.push(FileProblem::new(file, why));
    }
    let (photos, more) = sort_out(candidates);
    problems.extend(more);
    (photos, problems)
}

/// Why a file's name cannot be used: no name, or a label too long.
pub fn too_long(file: &str, name: &str, label: Option<&str>) -> Option<Why> {
    let max = super::csv::MAX_LABEL_CHARS;
    let file = file.to_string();
    // `name_and_label` leaves it empty when the file names nobody.
    if name.is_empty() {
        Some(Why::FileNoName { file })
    } else if label.is_some_and(|l| l.chars().count() > max) {
        Some(Why::FileLabelTooLong { file, max })
    } else {
        None
    }
}

/// Leaves out, with a sentence each, a second file for one person and
/// label (`Ann.png` and `Ann.jpg`) and an unlabelled photo of someone who
/// has labelled ones (which yearbook would it be?).
pub fn sort_out(candidates: Vec<PhotoFile>) -> (Vec<PhotoFile>, Vec<FileProblem>) {
    let mut problems = Vec::new();
    let mut by_key: HashMap<(String, Option<String>), usize> = HashMap::new();
    let mut unique: Vec<PhotoFile> = Vec::new();
    for photo in candidates {
        let key = (name_key(&photo.name), photo.label.as_deref().map(name_key));
        if let Some(&first) = by_key.get(&key) {
            let why = Why::SameFile {
                file: photo.file.clone(),
                first: unique[first].file.clone(),
                labelled: photo.label.is_some(),
            };
            problems.push(FileProblem::new(photo.file, why));
            continue;
        }
        by_key.insert(key, unique.len());
        unique.push(photo);
    }
    let labelled: HashSet<String> = unique
        .iter()
        .filter(|p| p.label.is_some())
        .map(|p| name_key(&p.name))
        .collect();
    let (kept, unlabelled): (Vec<PhotoFile>, Vec<PhotoFile>) = unique
        .into_iter()
        .partition(|p| p.label.is_some() || !labelled.contains(&name_key(&p.name)));
    for photo in unlabelled {
        let ext = photo
            .file
            .rsplit_once('.')
            .map_or("", |(_, e)| e)
            .to_lowercase();
        let why = Why::UnlabelledAmongLabelled {
            file: photo.file.clone(),
            name: photo.name,
            ext,
        };
        problems.push(FileProblem::new(photo.file, why));
    }
    (kept, problems)
}

/// The plan for `files` (names, maybe with a folder) and a name list.
pub fn plan<S: AsRef<str>>(files: &[S], list: &NameList, accepted: &[Accept]) -> ImportPlan {
    let (photos, file_problems) = photo_files(files);
    let mut plan = plan_photos(&photos, list, accepted);
    plan.problems
        .extend(file_problems.into_iter().map(|p| PlanProblem::Photo {
            file: p.file,
            message: p.message,
            why: p.why,
        }));
    plan
}

/// The plan for photos already sorted out by [`photo_files`] (and, in the
/// CLI, decoded), with the suggestions in `accepted` taken. Photos of one
/// name are one person.
pub fn plan_photos(photos: &[PhotoFile], list: &NameList, accepted: &[Accept]) -> ImportPlan {
    let entries = &list.entries;
    // Each person: the photos (indices into `photos`) of one name.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: HashMap<String, usize> = HashMap::new();
    for (p, photo) in photos.iter().enumerate() {
        let key = name_key(&photo.name);
        let g = *group_of.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(p);
    }
    // Of one name's spellings, the one that kept its accents and capitals.
    let names: Vec<&str> = groups
        .iter()
        .map(|g| {
            g.iter()
                .map(|&p| photos[p].name.as_str())
                .fold("", |best, n| {
                    if best.is_empty() || !richer_or_equal(best, n) {
                        n
                    } else {
                        best
                    }
                })
        })
        .collect();
    let first_file = |g: usize| photos[groups[g][0]].file.clone();

    // person → (list index, how)
    let mut of_person: Vec<Option<(usize, How)>> = vec![None; groups.len()];
    let mut list_taken = vec![false; entries.len()];
    // Each side at most once: the first way that pairs them holds.
    let pair = |of_person: &mut [Option<(usize, How)>],
                list_taken: &mut [bool],
                person: usize,
                entry: usize,
                how: How| {
        if of_person[person].is_none() && !list_taken[entry] {
            of_person[person] = Some((entry, how));
            list_taken[entry] = true;
        }
    };

    for a in accepted {
        let entry = entries.iter().position(|e| e.line == a.list_line);
        let person = photos
            .iter()
            .position(|p| p.file == a.file)
            .and_then(|p| group_of.get(&name_key(&photos[p].name)).copied());
        if let (Some(entry), Some(person)) = (entry, person) {
            pair(
                &mut of_person,
                &mut list_taken,
                person,
                entry,
                How::Accepted,
            );
        }
    }
    let by_key: HashMap<String, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (name_key(&e.name), i))
        .collect();
    for (g, name) in names.iter().enumerate() {
        if let Some(&entry) = by_key.get(&name_key(name)) {
            pair(&mut of_person, &mut list_taken, g, entry, How::Same);
        }
    }
    // Folded alike: only where one name and one person are left with that form.
    let mut folded: HashMap<String, (Vec<usize>, Vec<usize>)> = HashMap::new();
    for (i, e) in entries.iter().enumerate().filter(|(i, _)| !list_taken[*i]) {
        folded.entry(fold(&e.name)).or_default().0.push(i);
    }
    for (g, name) in names.iter().enumerate() {
        if of_person[g].is_none() {
            folded.entry(fold(name)).or_default().1.push(g);
        }
    }
    for (list_side, people_side) in folded.values() {
        if let ([entry], [person]) = (list_side.as_slice(), people_side.as_slice()) {
            pair(
                &mut of_person,
                &mut list_taken,
                *person,
                *entry,
                How::Folded,
            );
        }
    }

    let people: Vec<PlannedPerson> = groups
        .iter()
        .enumerate()
        .map(|(g, group)| {
            let shots = group
                .iter()
                .map(|&p| PlannedPhoto {
                    file: photos[p].file.clone(),
                    label: photos[p].label.clone(),
                    index: photos[p].index,
                })
                .collect();
            person(
                names[g],
                shots,
                of_person[g].map(|(e, how)| (&entries[e], how)),
            )
        })
        .collect();
    let matched = (0..groups.len())
        .filter_map(|g| {
            let (e, how) = of_person[g]?;
            Some(Match {
                list_line: entries[e].line,
                list_name: entries[e].name.clone(),
                file: first_file(g),
                person: g,
                how,
            })
        })
        .collect();

    let free_people: Vec<usize> = (0..groups.len())
        .filter(|g| of_person[*g].is_none())
        .collect();
    let free_entries: Vec<usize> = (0..entries.len()).filter(|e| !list_taken[*e]).collect();
    let suggestion = |e: usize, g: usize, score: f64| Suggestion {
        list_line: entries[e].line,
        list_name: entries[e].name.clone(),
        file: first_file(g),
        person: g,
        score,
    };
    // Every unmatched name meets every unmatched person, scored once.
    let entry_keys: Vec<NameKey> = free_entries
        .iter()
        .map(|&e| NameKey::new(&entries[e].name))
        .collect();
    let person_keys: Vec<NameKey> = free_people
        .iter()
        .map(|&g| NameKey::new(names[g]))
        .collect();
    let scores: Vec<Vec<f64>> = entry_keys
        .iter()
        .map(|e| person_keys.iter().map(|g| e.similarity(g)).collect())
        .collect();
    let unmatched_list: Vec<UnmatchedName> = free_entries
        .iter()
        .enumerate()
        .map(|(i, &e)| UnmatchedName {
            list_line: entries[e].line,
            name: entries[e].name.clone(),
            suggestions: best(scores[i].iter().copied().enumerate())
                .into_iter()
                .map(|(j, score)| suggestion(e, free_people[j], score))
                .collect(),
        })
        .collect();
    let unmatched_files: Vec<UnmatchedFile> = free_people
        .iter()
        .enumerate()
        .map(|(j, &g)| UnmatchedFile {
            name: names[g].to_string(),
            files: groups[g].iter().map(|&p| photos[p].file.clone()).collect(),
            person: g,
            suggestions: best(scores.iter().map(|row| row[j]).enumerate())
                .into_iter()
                .map(|(i, score)| suggestion(free_entries[i], g, score))
                .collect(),
        })
        .collect();
    // Every suggestion once: a pair may be on both sides' lists.
    let mut seen = HashSet::new();
    let mut suggestions: Vec<Suggestion> = unmatched_list
        .iter()
        .flat_map(|u| &u.suggestions)
        .chain(unmatched_files.iter().flat_map(|u| &u.suggestions))
        .filter(|s| seen.insert((s.list_line, s.person)))
        .cloned()
        .collect();
    suggestions.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.list_line.cmp(&b.list_line))
            .then(a.person.cmp(&b.person))
    });

    ImportPlan {
        people,
        matched,
        unmatched_list,
        unmatched_files,
        suggestions,
        problems: list
            .problems
            .iter()
            .map(|p| PlanProblem::List {
                line: p.line,
                message: p.message.clone(),
                why: p.why.clone(),
            })
            .collect(),
    }
}

/// The person of some photos, with what the list says of them.
fn person(
    from_files: &str,
    photos: Vec<PlannedPhoto>,
    hit: Option<(&ListEntry, How)>,
) -> PlannedPerson {
    let Some((entry, how)) = hit else {
        return PlannedPerson {
            name: from_files.to_string(),
            photos,
            gender: None,
            known_as: None,
            in_memoriam: None,
            list_line: None,
        };
    };
    // The list is the organiser's own spelling, unless it only lost accents
    // or capitals the file name kept.
    let name = if how == How::Accepted || richer_or_equal(&entry.name, from_files) {
        entry.name.clone()
    } else {
        from_files.to_string()
    };
    PlannedPerson {
        name,
        photos,
        gender: entry.gender.clone(),
        known_as: entry.known_as.clone(),
        in_memoriam: entry.in_memoriam,
        list_line: Some(entry.line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::namelist;

    fn list(text: &str) -> NameList {
        namelist::parse(text.as_bytes())
    }

    fn names(plan: &ImportPlan) -> Vec<&str> {
        plan.people.iter().map(|p| p.name.as_str()).collect()
    }

    #[test]
    fn accents_case_and_apostrophes_match_and_the_richer_spelling_wins() {
        let files = ["José Núñez.png", "kevin o'brien.jpg", "ANN LEE.png"];
        let l = list("name,gender\nJose Nunez,m\nKevin O’Brien,m\nAnn Lee,f\n");
        let plan = plan(&files, &l, &[]);
        assert_eq!(names(&plan), ["José Núñez", "Kevin O’Brien", "ANN LEE"]);
        let how: Vec<How> = plan.matched.iter().map(|m| m.how).collect();
        assert_eq!(how, [How::Folded, How::Folded, How::Same]);
        assert!(plan.people.iter().all(|p| p.gender.is_some()));
        assert_eq!(plan.unmatched_list, []);
        assert_eq!(plan.unmatched_files, []);
        assert_eq!(plan.suggestions, []);
    }

    #[test]
    fn typos_and_swapped_order_are_suggested_never_taken() {
        let files = ["Kevin O'Neil.png", "Núñez, José.png", "Bob Ray.png"];
        let l = list("Kevin O'Neill;m\nJose Nunez;m\nNobody Here;f\n");
        let plan = plan(&files, &l, &[]);
        assert_eq!(plan.matched, []);
        assert_eq!(names(&plan), ["Kevin O'Neil", "Núñez, José", "Bob Ray"]);
        assert!(plan.people.iter().all(|p| p.gender.is_none()));
        let pairs: Vec<(&str, &str)> = plan
            .suggestions
            .iter()
            .map(|s| (s.list_name.as_str(), s.file.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("Jose Nunez", "Núñez, José.png"),
                ("Kevin O'Neill", "Kevin O'Neil.png")
            ]
        );
        let nobody = &plan.unmatched_list[2];
        assert_eq!(
            (nobody.name.as_str(), nobody.suggestions.len()),
            ("Nobody Here", 0)
        );
        let bob = &plan.unmatched_files[2];
        assert_eq!(
            (bob.files.join(", ").as_str(), bob.suggestions.len()),
            ("Bob Ray.png", 0)
        );
    }

    #[test]
    fn accepted_suggestions_take_the_list_name_and_columns() {
        let files = ["Kevin O'Neil.png", "Kevin Oneal.png"];
        let l = list("name;gender;known_as\nKevin O'Neill;m;Kev\n");
        let first = plan(&files, &l, &[]);
        let best = first.best_suggestions();
        assert_eq!(
            best,
            [Accept {
                list_line: 2,
                file: "Kevin O'Neil.png".into()
            }]
        );
        let second = plan(&files, &l, &best);
        assert_eq!(names(&second), ["Kevin O'Neill", "Kevin Oneal"]);
        assert_eq!(second.people[0].known_as.as_deref(), Some("Kev"));
        assert_eq!(second.matched[0].how, How::Accepted);
        assert_eq!(second.unmatched_list, []);
        assert_eq!(second.unmatched_files.len(), 1);
        assert_eq!(second.suggestions, []);
    }

    #[test]
    fn best_suggestions_never_give_one_photo_to_two_names() {
        let files = ["Jon Smith.png"];
        let l = list("John Smith\nJon Smyth\n");
        let plan = plan(&files, &l, &[]);
        assert_eq!(plan.suggestions.len(), 2);
        assert_eq!(plan.best_suggestions().len(), 1);
    }

    #[test]
    fn names_that_fold_alike_twice_are_only_suggested() {
        let files = ["Zoe Quimby.png", "Zoë Quimby.png"];
        let l = list("ZOE QUIMBY\n");
        let plan = plan(&files, &l, &[]);
        assert_eq!(
            plan.matched.len(),
            1,
            "the same name (ignoring case) matches"
        );
        assert_eq!(plan.matched[0].file, "Zoe Quimby.png");
        let l = list("Zoë Quimby\nZoe Quimby\n");
        let plan2 = plan_photos(&photo_files(&["ZOË QUIMBY.png"]).0, &l, &[]);
        assert_eq!(plan2.matched[0].list_name, "Zoë Quimby");
        let l = list("Zoé Quimby\nZoè Quimby\n");
        let plan3 = plan_photos(&photo_files(&["Zoe Quimby.png"]).0, &l, &[]);
        assert_eq!(plan3.matched, [], "two list names fold alike: not guessed");
        assert_eq!(plan3.unmatched_files[0].suggestions.len(), 2);
    }

    #[test]
    fn file_names_with_folders_use_the_last_part_and_odd_files_are_explained() {
        let files = [
            "../x/Ann Bell.png",
            "C:\\scans\\Bob Ray.JPG",
            "IMG_0001.HEIC",
            "class.pdf",
            "notes.txt",
            "scans/.png",
            "ann bell.jpg",
        ];
        let plan = plan(&files, &NameList::default(), &[]);
        let got: Vec<(&str, &str)> = plan
            .people
            .iter()
            .map(|p| (p.photos[0].file.as_str(), p.name.as_str()))
            .collect();
        assert_eq!(
            got,
            [("Ann Bell.png", "Ann Bell"), ("Bob Ray.JPG", "Bob Ray")]
        );
        let messages: Vec<String> = plan.problems.iter().map(|p| p.render("list")).collect();
        assert_eq!(messages.len(), 5, "{messages:?}");
        assert!(messages[0].contains("HEIC") && messages[0].contains("JPEG"));
        assert!(messages[1].contains("PDF"));
        assert_eq!(messages[2], "skipped 'notes.txt': not a .png or .jpg image");
        assert_eq!(messages[3], "skipped '.png': the file name gives no name");
        assert_eq!(
            messages[4],
            "skipped 'ann bell.jpg': same name as 'Ann Bell.png'"
        );
    }

    #[test]
    fn labelled_photos_of_one_name_are_one_person_matched_once() {
        let files = [
            "Ann Lee (1983).png",
            "ann lee (1986).jpg",
            "Ann Lee.png",
            "Kevin O'Neil (1983).png",
            "Kevin O'Neil (1986).png",
        ];
        let l = list("Ann Lee;f\nKevin O'Neill;m\n");
        let first = plan(&files, &l, &[]);
        assert_eq!(names(&first), ["Ann Lee", "Kevin O'Neil"]);
        let labels: Vec<Option<&str>> = first.people[0]
            .photos
            .iter()
            .map(|p| p.label.as_deref())
            .collect();
        assert_eq!(labels, [Some("1983"), Some("1986")]);
        assert_eq!(first.people[0].gender.as_deref(), Some("f"));
        assert_eq!(
            first.problems[0].render("list"),
            "skipped 'Ann Lee.png': Ann Lee has labelled photos too; \
             name it 'Ann Lee (1986).png' or put it in a label folder"
        );
        assert_eq!(
            first.unmatched_files[0].files,
            ["Kevin O'Neil (1983).png", "Kevin O'Neil (1986).png"]
        );
        assert_eq!(first.suggestions.len(), 1, "one suggestion for the person");
        // Accepting through either photo takes the person, both photos.
        let accept = Accept {
            list_line: 2,
            file: "Kevin O'Neil (1986).png".into(),
        };
        let second = plan(&files, &l, &[accept]);
        assert_eq!(names(&second), ["Ann Lee", "Kevin O'Neill"]);
        assert_eq!(second.people[1].photos.len(), 2);
        assert_eq!(second.unmatched_files, []);
    }

    #[test]
    fn a_second_file_for_one_name_and_label_is_left_out() {
        let (photos, problems) = photo_files(&["Fay Hill (1983).jpg", "Fay Hill (1983).png"]);
        assert_eq!(photos.len(), 1);
        assert_eq!(
            problems[0].message,
            "skipped 'Fay Hill (1983).png': same name and label as 'Fay Hill (1983).jpg'"
        );
    }

    #[test]
    fn list_problems_carry_their_lines_into_the_plan() {
        let l = list("name,gender\nAnn,f\nann,f\n");
        let plan = plan(&["Ann.png"], &l, &[]);
        assert_eq!(
            plan.problems[0].render("names.csv"),
            "names.csv:3: 'ann' is already on line 2, so this line is left out"
        );
    }

    #[test]
    fn the_plan_serialises_for_the_browser() {
        let l = list("Kevin O'Neill;m\n");
        let plan = plan(&["Kevin O'Neil.png", "x.heic"], &l, &[]);
        let json = serde_json::to_value(&plan).unwrap();
        assert_eq!(json["people"][0]["name"], "Kevin O'Neil");
        assert_eq!(
            json["unmatched_list"][0]["suggestions"][0]["file"],
            "Kevin O'Neil.png"
        );
        assert_eq!(json["suggestions"][0]["list_line"], 1);
        assert_eq!(json["problems"][0]["about"], "photo");
        let accept: Accept =
            serde_json::from_str(r#"{"list_line":1,"file":"Kevin O'Neil.png"}"#).unwrap();
        assert_eq!(accept, plan.best_suggestions()[0]);
    }
}

#[cfg(test)]
mod props {
    use proptest::prelude::*;

    use super::*;
    use crate::roster::matching::{SUGGEST_AT_LEAST, fold};
    use crate::roster::namelist;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        // Whatever a browser sends: no panic, each usable photo in exactly
        // one person, each list line matched at most once, and nothing less
        // than a folded-equal name taken unasked.
        #[test]
        fn any_list_and_file_names_make_a_consistent_plan(
            lines in proptest::collection::vec("[AaBbOoéÉ' ,;\"\t\r-]{0,12}", 0..8),
            files in proptest::collection::vec("[AaBbOoéÉ' ()19./\\-]{0,12}(\\.png|\\.jpg|\\.heic)?", 0..10),
            raw in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            let mut bytes = lines.join("\n").into_bytes();
            bytes.extend(raw);
            let list = namelist::parse(&bytes);
            let plan = plan(&files, &list, &[]);
            let usable = photo_files(&files).0.len();
            let placed: usize = plan.people.iter().map(|p| p.photos.len()).sum();
            prop_assert_eq!(placed, usable);
            let mut lines_taken: Vec<u64> = plan.matched.iter().map(|m| m.list_line).collect();
            lines_taken.sort_unstable();
            lines_taken.dedup();
            prop_assert_eq!(lines_taken.len(), plan.matched.len());
            for m in &plan.matched {
                prop_assert!(m.how != How::Accepted);
                prop_assert_eq!(fold(&plan.people[m.person].name), fold(&m.list_name));
            }
            for s in &plan.suggestions {
                prop_assert!((SUGGEST_AT_LEAST..=1.0).contains(&s.score));
            }
            let taken = plan.best_suggestions();
            let again = super::plan(&files, &list, &taken);
            prop_assert_eq!(again.matched.len(), plan.matched.len() + taken.len());
            prop_assert!(serde_json::to_string(&again).is_ok());
        }
    }
}
