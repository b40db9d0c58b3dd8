//! Askama page templates and the plain data they show; no game decisions here.

use askama::Template;

#[derive(Template)]
#[template(path = "landing.html")]
pub struct Landing {
    pub base: String,
    pub title: String,
    /// Whether to offer solo play (`--solo off` hides it).
    pub solo: bool,
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
}

#[derive(Template)]
#[template(path = "join.html")]
pub struct Join {
    pub base: String,
    pub title: String,
    /// Empty when the phone came to `/join` without a code.
    pub code: String,
}

#[derive(Template)]
#[template(path = "solo.html")]
pub struct Solo {
    pub base: String,
    pub title: String,
    /// `--solo off`: the page says so instead of asking.
    pub off: bool,
}

#[derive(Template)]
#[template(path = "notfound.html")]
pub struct NotFound {
    pub base: String,
    pub title: String,
    pub message: String,
}

/// An SVG QR code for `url`, sized by CSS.
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
