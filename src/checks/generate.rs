//! Unique test data from a seed, so a run can be repeated exactly (`--seed`).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;

pub struct Generator {
    rng: StdRng,
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        Generator {
            rng: StdRng::seed_from_u64(seed),
        }
    }

    /// A fresh value for a built-in template name (see `course::template::BUILTINS`).
    pub fn make(&mut self, name: &str) -> Option<Value> {
        Some(match name {
            "uuid" => {
                let bytes: [u8; 16] = self.rng.random();
                Value::String(
                    uuid::Builder::from_random_bytes(bytes)
                        .into_uuid()
                        .to_string(),
                )
            }
            "random_word" => Value::String(self.word()),
            "random_int" => Value::from(self.rng.random_range(1..=1_000_000u32)),
            "random_email" => Value::String(format!("{}@example.com", self.word())),
            _ => return None,
        })
    }

    fn word(&mut self) -> String {
        (0..8)
            .map(|_| char::from(self.rng.random_range(b'a'..=b'z')))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::template::BUILTINS;

    #[test]
    fn the_same_seed_gives_the_same_values() {
        let mut first = Generator::new(7);
        let mut second = Generator::new(7);
        for name in BUILTINS {
            let value = first.make(name).expect("every built-in is generated");
            assert_eq!(Some(value), second.make(name));
        }
        let word = first.make("random_word").unwrap();
        assert_eq!(word.as_str().unwrap().len(), 8);
        assert_ne!(Some(word), first.make("random_word"));
        assert!(uuid::Uuid::try_parse(first.make("uuid").unwrap().as_str().unwrap()).is_ok());
    }
}
