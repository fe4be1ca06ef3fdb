//! Any text as a checks file: parsing either succeeds or returns a located error whose
//! rendering (line, column, caret) never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(error) = learn::course::checks::parse("fuzz/checks.toml", text) {
            let shown = error.to_string();
            assert!(shown.contains("fuzz/checks.toml:"));
        }
    }
});
