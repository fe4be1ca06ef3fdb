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
            let names: Vec<&str> = parsed.vars().collect();
            if names.len() == 1
                && text.trim() == format!("{{{{{}}}}}", names[0])
                && names[0].len() % 3 == 0
            {
                assert_eq!(value, json!(42));
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
