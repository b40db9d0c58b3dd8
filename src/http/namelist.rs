//! Part of the organiser's JSON API (guarded by [`Organiser`] like the rest
//! of `organise.rs`): `POST /api/organise/namelist/preview` reads a pasted
//! or uploaded name list and matches it to photo file names, answering the
//! [`ImportPlan`] that `yearbook import` would follow. It stores nothing.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Deserialize;

use super::AppError;
use super::api::json_body;
use super::organise::Organiser;
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

/// `POST /api/organise/namelist/preview` → 200 with the plan; 400
/// `bad_request` without a list or with a `list_base64` that is not base64.
pub async fn preview(
    _who: Organiser,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let req: PreviewRequest = json_body(body)?;
    let bytes = match (req.list, req.list_base64) {
        (Some(text), None) => text.into_bytes(),
        (None, Some(encoded)) => base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|_| {
                AppError::bad_request("The list's file did not arrive whole; choose it again.")
            })?,
        _ => {
            return Err(AppError::bad_request(
                "Paste the name list, or choose its file (one of the two).",
            ));
        }
    };
    let plan: ImportPlan = plan::plan(&req.files, &namelist::parse(&bytes), &req.accepted);
    Ok(Json(plan).into_response())
}
