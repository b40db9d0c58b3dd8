//! A name list against an event's stored people: which row is whom, what
//! the list would change (gender, known as, in memoriam), and the names
//! left on either side with close-match suggestions. The matching is the
//! import plan's ([`plan_photos`]), each stored person standing in for a
//! photo file, so the browser and `yearbook import --list` agree.
//!
//! A list never renames, adds or deletes anyone, and a blank cell never
//! clears what the organiser filled in.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::store::{PersonPatch, PersonRow};
use crate::i18n::Lang;
use crate::roster::csv::Problem;
use crate::roster::namelist::{ListEntry, NameList};
use crate::roster::plan::{Accept, How, ImportPlan, PhotoFile, PlanProblem, plan_photos};
use crate::roster::why::Why;

/// A suggestion the organiser took: list line `list_line` is person `person`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct Accepted {
    pub list_line: u64,
    pub person: u32,
}

/// One field as it is and as the list would make it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change<T> {
    pub from: T,
    pub to: T,
}

/// What the list would change on one person; absent fields stay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<Change<Option<String>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known_as: Option<Change<Option<String>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_memoriam: Option<Change<bool>>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }

    /// The change as an edit of the person.
    pub fn patch(&self) -> PersonPatch {
        PersonPatch {
            gender: self.gender.as_ref().map(|c| c.to.clone()),
            known_as: self.known_as.as_ref().map(|c| c.to.clone()),
            in_memoriam: self.in_memoriam.as_ref().map(|c| c.to),
            ..PersonPatch::default()
        }
    }
}

/// A list row matched to a stored person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowMatch {
    pub list_line: u64,
    pub list_name: String,
    pub person: u32,
    pub name: String,
    /// The person's version compared with: applying on a newer one is refused.
    pub version: u32,
    pub how: How,
    pub changes: Changes,
}

/// "Might be this person", with how alike the names are (0..1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonSuggestion {
    pub person: u32,
    pub name: String,
    pub score: f64,
}

/// "Might be this list row".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineSuggestion {
    pub list_line: u64,
    pub list_name: String,
    pub score: f64,
}

/// A list name that is nobody here yet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnmatchedLine {
    pub list_line: u64,
    pub name: String,
    pub suggestions: Vec<PersonSuggestion>,
}

/// A stored person the list has no row for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnmatchedPerson {
    pub person: u32,
    pub name: String,
    pub suggestions: Vec<LineSuggestion>,
}

/// The whole answer, as the page shows it side by side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub matched: Vec<RowMatch>,
    pub unmatched_list: Vec<UnmatchedLine>,
    pub unmatched_people: Vec<UnmatchedPerson>,
    /// Lines left out, each with its line number and a sentence.
    pub problems: Vec<Problem>,
}

impl Comparison {
    /// The comparison with its problems in `lang`.
    pub fn said(mut self, lang: Lang) -> Self {
        self.problems = self.problems.iter().map(|p| p.said(lang)).collect();
        self
    }

    /// The matched people the list changes, with their edits.
    pub fn edits(&self) -> impl Iterator<Item = &RowMatch> {
        self.matched.iter().filter(|m| !m.changes.is_empty())
    }
}

/// What `entry` would change on `row`.
fn changes(row: &PersonRow, entry: &ListEntry) -> Changes {
    fn text(now: &Option<String>, given: &Option<String>) -> Option<Change<Option<String>>> {
        let to = given.as_deref().and_then(super::clean_text)?;
        (now.as_deref() != Some(to.as_str())).then(|| Change {
            from: now.clone(),
            to: Some(to),
        })
    }
    Changes {
        gender: text(&row.gender, &entry.gender),
        known_as: text(&row.known_as, &entry.known_as),
        in_memoriam: entry
            .in_memoriam
            .filter(|to| *to != row.in_memoriam)
            .map(|to| Change {
                from: row.in_memoriam,
                to,
            }),
    }
}

/// Compares `list` with the event's `people` (deleted ones are left out),
/// with the suggestions in `accepted` taken.
pub fn compare(people: &[PersonRow], list: &NameList, accepted: &[Accepted]) -> Comparison {
    let alive: Vec<&PersonRow> = people.iter().filter(|p| !p.deleted).collect();
    // Each person stands in for a photo file named by their id.
    let files: Vec<PhotoFile> = alive
        .iter()
        .enumerate()
        .map(|(index, p)| PhotoFile {
            index,
            file: p.id.to_string(),
            name: p.name.clone(),
            label: None,
        })
        .collect();
    let accept: Vec<Accept> = accepted
        .iter()
        .map(|a| Accept {
            list_line: a.list_line,
            file: a.person.to_string(),
        })
        .collect();
    let plan = plan_photos(&files, list, &accept);
    // Two people of one name are one planned person: the row is for both.
    let rows_of = |g: usize| -> Vec<&PersonRow> {
        plan.people
            .get(g)
            .map(|p| p.photos.iter().map(|f| alive[f.index]).collect())
            .unwrap_or_default()
    };
    let entry_at = |line: u64| list.entries.iter().find(|e| e.line == line);

    let matched = plan
        .matched
        .iter()
        .flat_map(|m| {
            let entry = entry_at(m.list_line);
            rows_of(m.person).into_iter().map(move |row| RowMatch {
                list_line: m.list_line,
                list_name: m.list_name.clone(),
                person: row.id,
                name: row.name.clone(),
                version: row.version,
                how: m.how,
                changes: entry.map(|e| changes(row, e)).unwrap_or_default(),
            })
        })
        .collect();
    let unmatched_list = plan
        .unmatched_list
        .iter()
        .map(|u| UnmatchedLine {
            list_line: u.list_line,
            name: u.name.clone(),
            suggestions: u
                .suggestions
                .iter()
                .filter_map(|s| {
                    let row = *rows_of(s.person).first()?;
                    Some(PersonSuggestion {
                        person: row.id,
                        name: row.name.clone(),
                        score: s.score,
                    })
                })
                .collect(),
        })
        .collect();
    let unmatched_people = plan
        .unmatched_files
        .iter()
        .flat_map(|u| {
            let suggestions: Vec<LineSuggestion> = u
                .suggestions
                .iter()
                .map(|s| LineSuggestion {
                    list_line: s.list_line,
                    list_name: s.list_name.clone(),
                    score: s.score,
                })
                .collect();
            rows_of(u.person)
                .into_iter()
                .map(move |row| UnmatchedPerson {
                    person: row.id,
                    name: row.name.clone(),
                    suggestions: suggestions.clone(),
                })
        })
        .collect();
    let mut problems = list_problems(plan);
    problems.extend(lone_genders(list));
    problems.sort_by_key(|p| p.line);
    Comparison {
        matched,
        unmatched_list,
        unmatched_people,
        problems,
    }
}

/// How many lines must share a gender before one on its own is pointed
/// at: in a short list a single label is as likely to be right.
const LONE_AGAINST: usize = 3;

/// A gender no other line gives while the others share theirs: most
/// likely a typo (`mm`, `w`), and a label of one gets distractors from
/// everyone. Said, not refused: the label is applied as written.
fn lone_genders(list: &NameList) -> Vec<Problem> {
    let key = |g: &str| g.trim().to_lowercase();
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for g in list.entries.iter().filter_map(|e| e.gender.as_deref()) {
        *count.entry(key(g)).or_default() += 1;
    }
    let shared: Vec<&str> = count
        .iter()
        .filter(|(_, n)| **n >= LONE_AGAINST)
        .map(|(g, _)| g.as_str())
        .collect();
    if shared.is_empty() {
        return Vec::new();
    }
    list.entries
        .iter()
        .filter_map(|e| {
            let g = e.gender.as_deref()?;
            (count.get(&key(g)) == Some(&1)).then(|| {
                Problem::at(
                    e.line,
                    Why::LoneGender {
                        gender: g.to_string(),
                        others: shared.iter().map(|s| s.to_string()).collect(),
                    },
                )
            })
        })
        .collect()
}

fn list_problems(plan: ImportPlan) -> Vec<Problem> {
    plan.problems
        .into_iter()
        .filter_map(|p| match p {
            PlanProblem::List { line, why, .. } => Some(Problem::new(line, why)),
            PlanProblem::Photo { .. } => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::namelist;

    fn row(id: u32, name: &str) -> PersonRow {
        PersonRow::named(id, name)
    }

    #[test]
    fn matched_rows_say_what_changes_and_blanks_change_nothing() {
        let mut ann = row(1, "Ann Lee");
        ann.gender = Some("f".into());
        ann.known_as = Some("Annie".into());
        let people = [ann, row(2, "José Núñez"), row(3, "Bob Ray")];
        let list = namelist::parse(
            b"name;gender;known as;in memoriam\r\nAnn Lee;f;;\r\nJose Nunez;m;Pepe;x\r\n",
        );
        let c = compare(&people, &list, &[]);
        assert_eq!(c.matched.len(), 2);
        assert!(c.matched[0].changes.is_empty(), "{:?}", c.matched[0]);
        let jose = &c.matched[1].changes;
        assert_eq!(
            jose.gender.as_ref().map(|g| g.to.as_deref()),
            Some(Some("m"))
        );
        assert_eq!(
            jose.known_as.as_ref().map(|g| g.to.as_deref()),
            Some(Some("Pepe"))
        );
        assert_eq!(jose.in_memoriam.as_ref().map(|m| m.to), Some(true));
        assert_eq!(c.matched[1].how, How::Folded);
        assert_eq!(c.edits().count(), 1);
        assert_eq!(c.unmatched_people.len(), 1);
        assert_eq!(c.unmatched_people[0].name, "Bob Ray");
    }

    #[test]
    fn a_gender_no_other_line_gives_is_pointed_at_with_its_line() {
        let list = namelist::parse(b"Ann,f\nBea,F\nCy,m\nDee,m\nEd,mm\nFay,f\nGus,M\n");
        let c = compare(&[], &list, &[]);
        let lines: Vec<Option<u64>> = c.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [Some(5)], "{:?}", c.problems);
        assert!(c.problems[0].message.contains("'mm'"));
        assert!(c.problems[0].message.contains("f or m"));
        // A short list: one label alone is as likely right.
        let c = compare(&[], &namelist::parse(b"Ann,f\nCy,m\nDee,m\n"), &[]);
        assert_eq!(c.problems, []);
    }

    #[test]
    fn a_typo_is_only_suggested_until_accepted_and_deleted_people_are_left_out() {
        let mut gone = row(4, "Kevin O'Neill");
        gone.deleted = true;
        let people = [row(3, "Kevin O'Neil"), gone];
        let list = namelist::parse(b"Kevin O'Neill,m\n");
        let c = compare(&people, &list, &[]);
        assert_eq!(c.matched, []);
        assert_eq!(c.unmatched_list[0].suggestions[0].person, 3);
        assert_eq!(c.unmatched_people[0].suggestions[0].list_line, 1);
        let c = compare(
            &people,
            &list,
            &[Accepted {
                list_line: 1,
                person: 3,
            }],
        );
        assert_eq!(c.matched[0].person, 3);
        assert_eq!(c.matched[0].how, How::Accepted);
        assert_eq!(c.unmatched_list, []);
        assert_eq!(c.unmatched_people, []);
    }
}
