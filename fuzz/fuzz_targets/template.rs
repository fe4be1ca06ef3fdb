//! Any text as a template, alone and inside JSON: parsing and rendering never panic,
//! and a lone `{{name}}` keeps its value's type.
#![no_main]

use learn::course::template::{self, Scope, Template};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

struct Values;

impl Scope for Values {
    fn lookup(&mut self, name: &str) -> Result<Value, String> {
        match name.len() % 3 {
            0 => Ok(json!(42)),
            1 => Ok(json!("text {{not_a_template}}")),
            _ => Err(format!("no value for {name}")),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(parsed) = Template::parse(text) {
        let _ = parsed.render_text(&mut Values);
        if let Ok(value) = parsed.render_value(&mut Values) {
            // Exactly one `{{name}}` and nothing around it keeps the value's type; any
            // text around it (even white space) makes a string.
            let names: Vec<&str> = parsed.vars().collect();
            let alone =
                text.starts_with("{{") && text[2..].find("}}").map(|at| at + 4) == Some(text.len());
            if names.len() == 1 && names[0].len() % 3 == 0 {
                if alone {
                    assert_eq!(value, json!(42));
                } else {
                    assert!(value.is_string(), "{text:?} gave {value}");
                }
            }
        }
    }
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        let mut names = Vec::new();
        if template::json_vars(&value, &mut names).is_ok() {
            let _ = template::render_json(&value, &mut Values);
        }
    }
});
