//! Part of the organiser's JSON API (guarded by [`Organiser`] like the rest
//! of `organise.rs`): `POST /api/organise/namelist/preview` reads a pasted
//! or uploaded name list and matches it to photo file names, answering the
//! [`ImportPlan`] that `yearbook import` would follow. It stores nothing.
//!
//! On an event's page the list meets the event's stored people instead:
//! `.../reunions/{id}/namelist/preview` compares, `.../apply` writes the
//! matched rows' gender, known as and in memoriam (never a name, never a
//! new or deleted person).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Deserialize;
use serde_json::json;

use super::api::json_body;
use super::organise::{Organiser, reunion_for, signed_by, stale_response};
use super::{AppError, Ids};
use crate::AppState;
use crate::i18n::Tr;
use crate::reunion::namelist::{Accepted, Comparison, compare};
use crate::roster::namelist;
use crate::roster::plan::{self, Accept, ImportPlan};

/// The body: the list as pasted text (`list`) or as the bytes of the file
/// the organiser chose (`list_base64`, so a Windows-1252 or UTF-16 file is
/// decoded here, as the CLI does); the photos' file names; the suggestions
/// accepted so far.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PreviewRequest {
    pub list: Option<String>,
    pub list_base64: Option<String>,
    pub files: Vec<String>,
    pub accepted: Vec<Accept>,
}

/// The list's bytes: the pasted text, or the chosen file's bytes.
fn list_bytes(list: Option<String>, list_base64: Option<String>) -> Result<Vec<u8>, AppError> {
    match (list, list_base64) {
        (Some(text), None) => Ok(text.into_bytes()),
        (None, Some(encoded)) => base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|_| {
                AppError::keyed(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    "refusal-lists-file-did-not",
                )
            }),
        _ => Err(AppError::keyed(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "refusal-paste-name-list-choose",
        )),
    }
}

/// `POST /api/organise/namelist/preview` → 200 with the plan; 400
/// `bad_request` without a list or with a `list_base64` that is not base64.
pub async fn preview(
    _who: Organiser,
    t: Tr,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let req: PreviewRequest = json_body(body)?;
    let bytes = list_bytes(req.list, req.list_base64)?;
    let plan: ImportPlan = plan::plan(&req.files, &namelist::parse(&bytes), &req.accepted);
    Ok(Json(plan.said(t.lang)).into_response())
}

/// A name list against an event's people: the list as in
/// [`PreviewRequest`], the suggestions accepted (`{list_line, person}`),
/// and, to apply, the version of each matched person the page showed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EventListRequest {
    pub list: Option<String>,
    pub list_base64: Option<String>,
    pub accepted: Vec<Accepted>,
    /// Person id → the version the preview showed.
    pub seen: HashMap<u32, u32>,
    pub by: Option<String>,
}

/// The request read and compared with the event's people as they are now.
fn compare_now(
    state: &AppState,
    who: &Organiser,
    id: u32,
    body: Result<Bytes, BytesRejection>,
) -> Result<(Comparison, EventListRequest), AppError> {
    let r = reunion_for(state, who, id)?;
    let mut req: EventListRequest = json_body(body)?;
    let bytes = list_bytes(req.list.take(), req.list_base64.take())?;
    let people: Vec<_> = r.snapshot().people.into_iter().map(|e| e.row).collect();
    let comparison = compare(&people, &namelist::parse(&bytes), &req.accepted);
    Ok((comparison, req))
}

/// `POST /api/organise/reunions/{id}/namelist/preview` → 200 with the
/// [`Comparison`]; stores nothing.
pub async fn event_preview(
    State(state): State<Arc<AppState>>,
    who: Organiser,
    Ids(id): Ids<u32>,
    t: Tr,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let (comparison, _) = compare_now(&state, &who, id, body)?;
    Ok(Json(comparison.said(t.lang)).into_response())
}

/// `POST /api/organise/reunions/{id}/namelist/apply`: writes what the
/// preview showed, all or nothing, each person on the version in `seen`
/// (409 `edited_elsewhere` naming who changed whom, nothing written).
/// Answers `{changed: [{id, name, version, before}], unchanged, no_row}`:
/// `before` undoes it through `people/batch`; `no_row` are the people the
/// list has no row for (never deleted).
pub async fn event_apply(
    State(state): State<Arc<AppState>>,
    who: Organiser,
    Ids(id): Ids<u32>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let (comparison, req) = match compare_now(&state, &who, id, body) {
        Ok(ok) => ok,
        Err(e) => return e.into_response(),
    };
    let by = signed_by(&state, &who, req.by.as_deref());
    // A person the page did not show at this version: someone moved on.
    let edits = comparison
        .edits()
        .map(|m| {
            let version = req.seen.get(&m.person).copied().unwrap_or(0);
            (m.person, version, m.changes.patch())
        })
        .collect();
    let rows = match state.reunions.update_people(id, edits, &by).await {
        Ok(rows) => rows,
        Err(e) => return stale_response(e),
    };
    let changed: Vec<_> = comparison
        .edits()
        .zip(&rows)
        .map(|(m, row)| {
            // Only the fields the list changed (a blank one as null), so
            // undo touches no other.
            let mut before = serde_json::Map::new();
            if let Some(c) = &m.changes.gender {
                before.insert("gender".into(), json!(c.from));
            }
            if let Some(c) = &m.changes.known_as {
                before.insert("known_as".into(), json!(c.from));
            }
            if let Some(c) = &m.changes.in_memoriam {
                before.insert("in_memoriam".into(), json!(c.from));
            }
            json!({"id": row.id, "name": row.name, "version": row.version, "before": before})
        })
        .collect();
    let no_row: Vec<_> = comparison
        .unmatched_people
        .iter()
        .map(|p| json!({"id": p.person, "name": p.name}))
        .collect();
    Json(json!({
        "changed": changed,
        "unchanged": comparison.matched.len().saturating_sub(rows.len()),
        "no_row": no_row,
    }))
    .into_response()
}
