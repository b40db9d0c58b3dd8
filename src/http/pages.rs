//! The HTML pages: askama shells; the game itself runs in `static/*.js`.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;

use super::AppError;
use super::api::{find_room, ip_of};
use crate::AppState;
use crate::i18n::{Lang, Source, Tr};
use crate::room::Room;
use crate::views;

/// JSON to embed in a `<script type="application/json">` (with `|safe`):
/// `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026`, so no name can end
/// the element (`</script>`) or keep a browser from ending it
/// (`<!--<script>`). JSON.parse reads them back unchanged.
pub(crate) fn json_for_script(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

pub(crate) fn render(page: impl Template) -> Response {
    match page.render() {
        Ok(html) => {
            // A page's words follow the request's language (crate::i18n::Tr).
            let mut response = Html(html).into_response();
            response.headers_mut().append(
                axum::http::header::VARY,
                axum::http::HeaderValue::from_static("Accept-Language, Cookie"),
            );
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            AppError::keyed(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "refusal-something-went-wrong",
            )
            .into_response()
        }
    }
}

pub async fn landing(State(state): State<Arc<AppState>>, t: Tr) -> Response {
    render(views::Landing {
        base: state.base.clone(),
        title: t.get("landing-page-title"),
        solo: state.solo.mode != crate::solo::SoloMode::Off,
        t,
    })
}

pub async fn join(State(state): State<Arc<AppState>>, t: Tr) -> Response {
    render(views::Join {
        base: state.base.clone(),
        title: t.get("join-page-title"),
        code: String::new(),
        t,
        then_now: "",
        keep_days: crate::thennow::TODAY_KEEP_DAYS,
    })
}

fn not_found(state: &AppState, raw: &str, t: Tr) -> Response {
    let page = views::NotFound {
        base: state.base.clone(),
        title: t.get("notfound-page-title"),
        message: t.arg("notfound-lead", "code", raw.trim()),
        t,
    };
    (StatusCode::NOT_FOUND, render(page)).into_response()
}

/// A page about one room: `draw` renders it when the code is known; an
/// unknown one gets the 404 page (or 429 past the address's allowance).
fn room_page(
    state: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
    raw: &str,
    draw: impl FnOnce(&Room) -> Response,
) -> Response {
    match find_room(state, raw, ip_of(state, peer, headers)) {
        Ok(room) => draw(&room),
        Err(e) if e.status == StatusCode::NOT_FOUND => not_found(state, raw, Tr::of(headers, None)),
        Err(e) => e.into_response(),
    }
}

pub async fn join_code(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    t: Tr,
) -> Response {
    room_page(&state, peer, &headers, &raw, |room| {
        render(views::Join {
            base: state.base.clone(),
            title: t.arg("join-page-title-room", "code", &room.code),
            code: room.code.to_string(),
            t,
            then_now: if room.then_now_enabled() { "on" } else { "off" },
            keep_days: state.rooms.deps().today_keep_days(room.class.reunion),
        })
    })
}

pub async fn host(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Response {
    room_page(&state, peer, &headers, &raw, |room| {
        let code = room.code.to_string();
        let join_url = state.join_url(&headers, room);
        // The room's screen speaks the room's language, not the browser's.
        let t = Tr {
            lang: Lang::parse(&room.settings().lang).unwrap_or(Lang::EN),
            source: Source::Chosen,
        };
        render(views::Host {
            base: state.base.clone(),
            title: t.arg("host-page-title", "code", &code),
            qr_svg: views::qr_svg(&join_url),
            event_title: state
                .reunions
                .get(room.class.reunion)
                .map(|r| r.title())
                .unwrap_or_default(),
            loopback_only: views::names_loopback(&join_url),
            then_now: room.then_now_enabled(),
            join_url,
            code,
            t,
        })
    })
}

/// The emcee's phone remote; the host key stays in the URL fragment.
pub async fn remote(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    t: Tr,
) -> Response {
    room_page(&state, peer, &headers, &raw, |room| {
        render(views::Remote {
            base: state.base.clone(),
            title: t.arg("remote-page-title", "code", &room.code),
            code: room.code.to_string(),
            t,
        })
    })
}

/// `/solo`, or `/solo?reunion=ID`: an event's class, for guests when the
/// event opened solo, for its organiser always (the preview).
pub async fn solo(
    State(state): State<Arc<AppState>>,
    local: Option<axum::Extension<super::organise::LocalUser>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    t: Tr,
) -> Response {
    let reunion = uri
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("reunion=")))
        .and_then(|id| id.parse::<u32>().ok())
        .unwrap_or(0);
    let off = match reunion {
        0 => (state.solo.mode == crate::solo::SoloMode::Off).then_some("solo-off-page"),
        id => {
            let organiser = super::organise::Organiser::of(&state, &headers, local.is_some())
                .is_some_and(|who| who.check(id).is_ok());
            let open = state.reunions.get(id).is_some_and(|r| r.meta().solo_open);
            (!organiser && !open).then_some("solo-closed")
        }
    };
    render(views::Solo {
        base: state.base.clone(),
        title: t.get("solo-page-title"),
        off: off.map(|key| t.get(key)),
        t,
    })
}

#[cfg(test)]
mod tests {
    use super::json_for_script;

    #[test]
    fn embedded_json_has_no_markup_and_reads_back_the_same() {
        let value = serde_json::json!({"name": "<!--<script></script> & >"});
        let embedded = json_for_script(&value);
        assert!(!embedded.contains(['<', '>', '&']), "{embedded}");
        let back: serde_json::Value = serde_json::from_str(&embedded).unwrap();
        assert_eq!(back, value);
    }
}
