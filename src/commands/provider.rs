//! `learn provider`: learn's mock OAuth provider on its own, so a learner can try the
//! login of oauth-login in a browser, as the checks will.

use anyhow::Result;
use serde_json::Value;

use crate::services::oauth::Provider;

/// The port the scaffolds listen on when PORT is not set.
const SCAFFOLD_PORT: u16 = 8000;

pub fn provider(seed: u64) -> Result<u8> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let provider = Provider::start(seed).await.map_err(anyhow::Error::msg)?;
        let (watcher, mut calls) = tokio::sync::mpsc::unbounded_channel();
        provider.handle().watch(watcher);
        let user = provider.handle().snapshot()["user"].clone();
        println!("learn's mock OAuth provider is at {}.", provider.issuer);
        println!("Paste these lines into the terminal where you start your server:\n");
        for (name, value) in provider.env() {
            println!("  export {name}={value}");
        }
        println!("  export SESSION_SECRET=any-long-text-for-trying-by-hand");
        println!(
            "\nThen open http://127.0.0.1:{SCAFFOLD_PORT}/auth/login in a browser: the provider \
             logs you in at once as {} ({}). Ctrl-C stops it.\n",
            user["name"].as_str().unwrap_or("a test user"),
            user["email"].as_str().unwrap_or(""),
        );
        loop {
            tokio::select! {
                call = calls.recv() => match call {
                    Some(call) => println!("{}", describe(&call)),
                    None => break,
                },
                _ = tokio::signal::ctrl_c() => break,
            }
        }
        Ok(0)
    })
}

/// One call to the provider, on one line: `token  400  invalid_grant`.
fn describe(call: &Value) -> String {
    let endpoint = call["endpoint"].as_str().unwrap_or("?");
    let mut line = format!("{endpoint:<10} {}", call["status"]);
    if let Some(error) = call["error"].as_str() {
        line.push_str(&format!("  {error}"));
    }
    line
}
