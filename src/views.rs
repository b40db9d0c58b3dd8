//! Askama page templates and the plain data they show; no game decisions here.

use askama::Template;

#[derive(Template)]
#[template(path = "landing.html")]
pub struct Landing {
    pub base: String,
    pub title: String,
    /// Whether to offer solo play (`--solo off` hides it).
    pub solo: bool,
    /// The visitor's language.
    pub t: crate::i18n::Tr,
}

#[derive(Template)]
#[template(path = "host.html")]
pub struct Host {
    pub base: String,
    pub title: String,
    pub code: String,
    pub join_url: String,
    /// Server-rendered QR code of `join_url`, an `<svg>` element.
    pub qr_svg: String,
    /// The title of the organiser's event the room plays (empty: the
    /// server's built-in class).
    pub event_title: String,
    /// The join URL names this computer only (127.0.0.1, localhost, ::1):
    /// the page warns the organiser before guests try to scan it.
    pub loopback_only: bool,
    /// Then & now is on in this room: the lobby counts its photos.
    pub then_now: bool,
    /// The room's language (its settings' `lang`).
    pub t: crate::i18n::Tr,
}

/// The emcee's phone remote; the host key comes in the URL fragment.
#[derive(Template)]
#[template(path = "remote.html")]
pub struct Remote {
    pub base: String,
    pub title: String,
    pub code: String,
    /// The emcee's own language (the request's).
    pub t: crate::i18n::Tr,
}

#[derive(Template)]
#[template(path = "join.html")]
pub struct Join {
    pub base: String,
    pub title: String,
    /// Empty when the phone came to `/join` without a code.
    pub code: String,
    /// The guest's language.
    pub t: crate::i18n::Tr,
    /// The room's then & now: `on`, `off`, or empty (no room yet: the
    /// page asks once the phone is in).
    pub then_now: &'static str,
    /// Days the room's event keeps a photo of today, for the consent line.
    pub keep_days: u32,
}

#[derive(Template)]
#[template(path = "solo.html")]
pub struct Solo {
    pub base: String,
    pub title: String,
    /// Why solo is closed here (`--solo off`, or an event's solo closed):
    /// the page says so instead of asking.
    pub off: Option<String>,
    /// The guest's language.
    pub t: crate::i18n::Tr,
}

#[derive(Template)]
#[template(path = "notfound.html")]
pub struct NotFound {
    pub base: String,
    pub title: String,
    pub message: String,
    pub t: crate::i18n::Tr,
}

/// An SVG QR code for `url`, sized by CSS.
/// Whether a URL's host is this computer only (`127.0.0.0/8`, `::1`,
/// `localhost`), an address no phone can reach.
pub fn names_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.split(':').next().unwrap_or(""),
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

pub fn qr_svg(url: &str) -> String {
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(320, 320)
            .quiet_zone(true)
            .dark_color(qrcode::render::svg::Color("#000000"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .build()
            .replacen("<?xml version=\"1.0\" standalone=\"yes\"?>", "", 1),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::names_loopback;

    #[test]
    fn loopback_join_urls_are_told_apart_from_reachable_ones() {
        for url in [
            "http://127.0.0.1:8080/join/QXRT",
            "http://127.8.9.1/join/QXRT?e=x",
            "http://localhost:8080/join/QXRT",
            "http://LOCALHOST./join",
            "http://[::1]:8080/join/QXRT",
            "http://user@127.0.0.1:80/",
        ] {
            assert!(names_loopback(url), "{url} is this computer only");
        }
        for url in [
            "http://192.168.1.20:8080/join/QXRT",
            "https://reunion.example.org/yearbook/join/QXRT",
            "http://[fe80::1]:8080/join",
            "http://0.0.0.0:8080/join",
            "http://localhost.example.org/join",
        ] {
            assert!(!names_loopback(url), "{url} may be reachable");
        }
    }
}
