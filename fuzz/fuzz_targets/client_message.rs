//! Whatever a phone sends, parsing it never panics, and a name that parses
//! keeps the promises `PlayerName` makes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yearbook::game::PlayerName;
use yearbook::protocol::ClientMsg;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(ClientMsg::Join { name, .. }) = ClientMsg::parse(text)
        && let Ok(parsed) = PlayerName::parse(&name)
    {
        let shown = parsed.as_str();
        assert!(!shown.is_empty() && shown.chars().count() <= 24);
        assert!(!shown.chars().any(char::is_control));
        let _ = parsed.is_rude();
    }
    let _ = PlayerName::parse(text);
});
