//! Reading back the QR codes the server draws.

use std::collections::BTreeSet;

/// The dark modules of the QR `<svg>` the pages draw (the `qrcode`
/// crate's SVG renderer: one `M x y h w v h …` per module, a 4-module quiet
/// zone) compared with the QR code of `text`: whether the page's QR code
/// encodes exactly `text`.
pub fn qr_encodes(svg: &str, text: &str) -> bool {
    let expected = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let n = expected.width() as u32;
    let colors = expected.to_colors();
    let width: u32 = svg
        .split("width=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("QR svg without a width: {}", &svg[..svg.len().min(200)]));
    if !width.is_multiple_of(n + 8) {
        return false; // another number of modules: another text
    }
    let unit = width / (n + 8);
    let d = svg
        .split(" d=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("QR svg without a path");
    let mut dark = BTreeSet::new();
    for cmd in d.split('M').skip(1) {
        let (xy, _) = cmd.split_once('h').expect("M x y h…");
        let mut it = xy.split_whitespace().map(|v| v.parse::<u32>().unwrap());
        let (x, y) = (it.next().unwrap(), it.next().unwrap());
        dark.insert((x / unit - 4, y / unit - 4));
    }
    let want: BTreeSet<(u32, u32)> = (0..n)
        .flat_map(|y| (0..n).map(move |x| (x, y)))
        .filter(|&(x, y)| colors[(y * n + x) as usize] == qrcode::Color::Dark)
        .collect();
    dark == want
}
