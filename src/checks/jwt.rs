//! JSON Web Tokens in the checks: read one (the `jwt` filter), tell whether a key
//! signed it (`signed_with`), and make the tokens an attacker would send (a `mint`
//! step: valid, expired, not yet valid, signed with another key, `alg: none`, or a
//! real token with its payload edited).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{Map, Value, json};

use crate::course::checks::MintKind;

/// How far from now the minted times sit: well past the minute of leeway servers may
/// allow for clocks.
const OFFSET: i64 = 600;

/// A token's header and claims, for assertions: `{"header": ..., "claims": ...}`, with
/// `lifetime` (`exp` − `iat`, in seconds) when both are numbers, and `expires_in`
/// (`exp` − now) when `exp` is. Not verified.
pub fn decode(token: &str) -> Result<Value, String> {
    let parts: Vec<&str> = token.trim().split('.').collect();
    let [header, claims, _signature] = parts.as_slice() else {
        return Err(format!(
            "not a JWT: a JWT has three parts separated by dots, this has {}",
            parts.len()
        ));
    };
    let header = part(header, "header")?;
    let claims = part(claims, "payload")?;
    let mut decoded = json!({ "header": header, "claims": claims });
    // Whole seconds stay whole, so that `lifetime` equals an integer `expires_in`.
    if let Some(exp) = claims["exp"].as_f64() {
        decoded["expires_in"] = json!((exp - chrono::Utc::now().timestamp() as f64).round() as i64);
    }
    if let (Some(iat), Some(exp)) = (claims["iat"].as_i64(), claims["exp"].as_i64()) {
        decoded["lifetime"] = json!(exp - iat);
    } else if let (Some(iat), Some(exp)) = (claims["iat"].as_f64(), claims["exp"].as_f64()) {
        decoded["lifetime"] = json!(exp - iat);
    }
    Ok(decoded)
}

fn part(text: &str, name: &str) -> Result<Value, String> {
    let bytes = URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|_| format!("not a JWT: its {name} is not base64url"))?;
    let value: Value =
        serde_json::from_slice(&bytes).map_err(|_| format!("not a JWT: its {name} is not JSON"))?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(format!("not a JWT: its {name} is not a JSON object"))
    }
}

/// Ok when `token` carries a valid HS256 signature made with `key` (its times are not
/// judged here); otherwise what is wrong.
pub fn verify(token: &str, key: &str) -> Result<(), String> {
    let decoded = decode(token)?;
    let algorithm = &decoded["header"]["alg"];
    if algorithm != "HS256" {
        return Err(format!(
            "its header says \"alg\": {algorithm}, not \"HS256\""
        ));
    }
    let mut validation = Validation::new(Algorithm::HS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    let key = DecodingKey::from_secret(key.as_bytes()).map_err(|error| error.to_string())?;
    jsonwebtoken::decode::<Value>(token.trim(), &key, &validation)
        .map(|_| ())
        .map_err(|error| match error.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => {
                "its signature was not made with that key".to_string()
            }
            _ => format!("it cannot be verified: {error}"),
        })
}

/// A token made as `kind` says, at `now` (seconds since 1970), with `claims` laid over
/// the times the kind sets. `key` signs it; `other_key` signs a `wrong_key` token;
/// `token` is the real token a `tampered` one edits. The header and claims come back
/// with the token, for the report.
pub struct Minted {
    pub token: String,
    pub header: Value,
    pub claims: Value,
}

pub fn mint(
    kind: MintKind,
    now: i64,
    claims: &Map<String, Value>,
    key: &str,
    other_key: &str,
    token: Option<&str>,
) -> Result<Minted, String> {
    let (iat, nbf, exp) = match kind {
        MintKind::Expired => (now - 2 * OFFSET, None, now - OFFSET),
        MintKind::NotYetValid => (now, Some(now + OFFSET), now + 2 * OFFSET),
        _ => (now, None, now + OFFSET),
    };
    let mut payload = Map::new();
    payload.insert("iat".into(), json!(iat));
    if let Some(nbf) = nbf {
        payload.insert("nbf".into(), json!(nbf));
    }
    payload.insert("exp".into(), json!(exp));
    match kind {
        MintKind::Tampered => {
            let token = token.ok_or("a tampered token edits a `token`; none was given")?;
            let original = decode(token)?;
            let mut edited = original["claims"].as_object().cloned().unwrap_or_default();
            edited.extend(claims.clone());
            let parts: Vec<&str> = token.trim().split('.').collect();
            let payload = URL_SAFE_NO_PAD.encode(Value::Object(edited.clone()).to_string());
            Ok(Minted {
                token: format!("{}.{payload}.{}", parts[0], parts[2]),
                header: original["header"].clone(),
                claims: Value::Object(edited),
            })
        }
        MintKind::AlgNone => {
            payload.extend(claims.clone());
            let header = json!({ "alg": "none", "typ": "JWT" });
            let token = format!(
                "{}.{}.",
                URL_SAFE_NO_PAD.encode(header.to_string()),
                URL_SAFE_NO_PAD.encode(Value::Object(payload.clone()).to_string())
            );
            Ok(Minted {
                token,
                header,
                claims: Value::Object(payload),
            })
        }
        MintKind::Valid | MintKind::Expired | MintKind::NotYetValid | MintKind::WrongKey => {
            payload.extend(claims.clone());
            let signing = if kind == MintKind::WrongKey {
                other_key
            } else {
                key
            };
            let key = EncodingKey::from_secret(signing.as_bytes())
                .map_err(|error| format!("cannot sign with that key: {error}"))?;
            let header = Header::new(Algorithm::HS256);
            let token = jsonwebtoken::encode(&header, &payload, &key)
                .map_err(|error| format!("could not sign the token: {error}"))?;
            Ok(Minted {
                token,
                header: json!({ "alg": "HS256", "typ": "JWT" }),
                claims: Value::Object(payload),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0123456789abcdef0123456789abcdef";
    const NOW: i64 = 1_800_000_000;

    fn made(kind: MintKind, claims: Value, token: Option<&str>) -> Minted {
        let claims = claims.as_object().cloned().unwrap();
        mint(kind, NOW, &claims, KEY, "another key", token).unwrap()
    }

    #[test]
    fn a_valid_token_decodes_and_verifies_with_its_key_only() {
        let minted = made(MintKind::Valid, json!({"sub": "7"}), None);
        let decoded = decode(&minted.token).unwrap();
        assert_eq!(decoded["header"]["alg"], "HS256");
        assert_eq!(decoded["claims"]["sub"], "7");
        assert_eq!(decoded["claims"]["iat"], NOW);
        assert_eq!(decoded["lifetime"], 600);
        let now = chrono::Utc::now().timestamp();
        let fresh = mint(MintKind::Valid, now, &Map::new(), KEY, "", None).unwrap();
        let left = decode(&fresh.token).unwrap()["expires_in"]
            .as_i64()
            .unwrap();
        assert!((599..=600).contains(&left), "{left}");
        assert_eq!(verify(&minted.token, KEY), Ok(()));
        assert_eq!(
            verify(&minted.token, "not the key"),
            Err("its signature was not made with that key".to_string())
        );
        let wrong = made(MintKind::WrongKey, json!({"sub": "7"}), None);
        assert!(verify(&wrong.token, KEY).is_err());
        assert_eq!(verify(&wrong.token, "another key"), Ok(()));
    }

    #[test]
    fn times_and_attacks_are_as_named() {
        let expired = made(MintKind::Expired, json!({}), None);
        assert!(expired.claims["exp"].as_i64().unwrap() < NOW - 60);
        let early = made(MintKind::NotYetValid, json!({}), None);
        assert!(early.claims["nbf"].as_i64().unwrap() > NOW + 60);
        let none = made(MintKind::AlgNone, json!({"sub": "1"}), None);
        assert!(none.token.ends_with('.'));
        assert_eq!(decode(&none.token).unwrap()["header"]["alg"], "none");
        assert!(verify(&none.token, KEY).unwrap_err().contains("\"none\""));
        let real = made(MintKind::Valid, json!({"sub": "1"}), None);
        let tampered = made(MintKind::Tampered, json!({"sub": "2"}), Some(&real.token));
        assert_eq!(decode(&tampered.token).unwrap()["claims"]["sub"], "2");
        assert_eq!(
            tampered.token.rsplit('.').next(),
            real.token.rsplit('.').next(),
            "the signature is kept"
        );
        assert!(verify(&tampered.token, KEY).is_err());
    }

    #[test]
    fn what_is_not_a_jwt_says_why() {
        assert!(decode("abc").unwrap_err().contains("three parts"));
        assert!(decode("a.b.c").unwrap_err().contains("header"));
        let no_object = format!("{}.e30.x", URL_SAFE_NO_PAD.encode("[1]"));
        assert!(
            decode(&no_object)
                .unwrap_err()
                .contains("not a JSON object")
        );
    }
}
