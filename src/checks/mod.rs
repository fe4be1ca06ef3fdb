//! Running the hidden checks against a started server. Produces the result model and
//! knows nothing about terminals.

mod cookie;
mod database;
mod diff;
mod generate;
mod headers;
mod http;
mod jwt;
pub mod openapi;
mod predicate;
mod query;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::course::checks::{
    Assertion, Body, Check, FileStep, Inspection, Mint, OAuthStep, Predicate, Query, Read, Request,
    Step,
};
use crate::course::template::{self, Scope, Template};
use crate::result::{
    AssertionResult, CaptureRecord, CheckResult, CheckStatus, Conformance, DatabaseRead, Exchange,
    FileRead, MintRecord, ServiceRead, StepResult,
};
use crate::server::Supervisor;
use crate::services::{Services, Target};
use generate::Generator;

pub use diff::show as show_value;

/// Server lines kept with a failed check.
const SERVER_LINES_PER_CHECK: usize = 12;

pub struct Options {
    pub seed: u64,
    pub request_timeout: Duration,
    /// The most one check may take, all its steps together.
    pub check_timeout: Duration,
    /// When the whole run must be over: checks not started by then are failed as not
    /// run, and no request waits past it.
    pub deadline: Option<Instant>,
}

impl Options {
    /// The exercise's own limits, the whole run starting now.
    pub fn for_run(timeouts: &crate::course::Timeouts, seed: u64) -> Options {
        Options {
            seed,
            request_timeout: timeouts.request,
            check_timeout: timeouts.check,
            deadline: Some(Instant::now() + timeouts.run),
        }
    }

    /// `limit`, shortened to what is left before the deadline.
    pub fn bounded(&self, limit: Duration) -> Duration {
        match self.deadline {
            Some(deadline) => limit.min(deadline.saturating_duration_since(Instant::now())),
            None => limit,
        }
    }
}

/// Why checks were not run when the deadline passed.
pub const OUT_OF_TIME: &str = "the time limit of the whole run ran out";
/// Why the checks after a hung server's first timeout do not run.
pub const HUNG: &str = "your server stopped answering anything";
/// How long a server whose request timed out gets to answer anything else, before it
/// counts as hung: a server slow on one route answers a request for `/` at once.
const HUNG_PROBE: Duration = Duration::from_secs(3);

/// The checks `only` selects: it and, transitively, what it requires or reads values
/// from. `None` selects all.
pub fn select<'a>(checks: &'a [Check], only: Option<&str>) -> Result<Vec<&'a Check>, String> {
    let Some(only) = only else {
        return Ok(checks.iter().collect());
    };
    if !checks.iter().any(|check| check.id == only) {
        let ids = checks.iter().map(|check| check.id.as_str());
        return Err(match crate::suggest::closest(only, ids) {
            Some(best) => format!("this exercise has no check `{only}`. Did you mean `{best}`?"),
            None => format!("this exercise has no check `{only}`; the report lists their ids"),
        });
    }
    Ok(with_dependencies(checks, &[only]))
}

/// The checks named in `ids` and, transitively, every check they require or read a
/// bound value from, in file order. Unknown ids select nothing.
pub fn with_dependencies<'a>(checks: &'a [Check], ids: &[&str]) -> Vec<&'a Check> {
    let mut wanted: HashSet<&str> = ids.iter().copied().collect();
    // `requires` and `reads_from` only name earlier checks, so one pass from the end
    // gathers the whole closure.
    for check in checks.iter().rev() {
        if wanted.contains(check.id.as_str()) {
            wanted.extend(check.requires.iter().map(String::as_str));
            wanted.extend(check.reads_from.iter().map(String::as_str));
        }
    }
    checks
        .iter()
        .filter(|check| wanted.contains(check.id.as_str()))
        .collect()
}

/// What `run` tells as it goes: a check starts; a check's result is known.
pub enum Event<'a> {
    Started(&'a Check),
    Finished(&'a CheckResult),
}

/// What a run of the checks is given besides the server.
pub struct Given<'a> {
    /// The learner's track: hints come in its words where the checks have them.
    pub track: &'a str,
    /// The values the server was given, which the checks see as `{{NAME}}`.
    pub secrets: &'a [(String, String)],
    /// Where the server serves its own OpenAPI document, when every response is held
    /// to it.
    pub openapi: Option<&'a str>,
}

/// Run `checks` in order against `server`; state (captures) carries from one to the
/// next. With an OpenAPI document, the record says how many responses were held to it.
pub async fn run(
    checks: &[&Check],
    server: &mut Supervisor,
    services: &Services,
    given: &Given<'_>,
    options: &Options,
    observe: &mut dyn FnMut(Event),
) -> (Vec<CheckResult>, Option<Conformance>) {
    let Given {
        track,
        secrets,
        openapi,
    } = *given;
    let client = http::Client::new(server.port());
    let conformance = match openapi {
        Some(path) => Some(Held::fetch(&client, path, options.request_timeout).await),
        None => None,
    };
    let mut state = State {
        vars: secrets
            .iter()
            .map(|(name, value)| (name.clone(), Value::String(value.clone())))
            .collect(),
        generator: Generator::new(options.seed),
        database: services.database.clone(),
        server: format!("http://127.0.0.1:{}", server.port()),
        oauth: services.oauth.as_ref().map(|provider| provider.handle()),
        follow_ports: std::iter::once(server.port())
            .chain(services.ports())
            .collect(),
        jars: HashMap::new(),
        conformance,
    };
    let mut passed = HashSet::new();
    let mut results = Vec::new();
    let mut hung = false;
    for check in checks {
        if hung {
            for result in not_run(&[check], HUNG) {
                observe(Event::Finished(&result));
                results.push(result);
            }
            continue;
        }
        let needs: Vec<String> = check
            .requires
            .iter()
            .filter(|id| !passed.contains(*id))
            .cloned()
            .collect();
        let mut result = CheckResult {
            id: check.id.clone(),
            title: check.title.clone(),
            status: CheckStatus::Skipped,
            points: 0.0,
            max_points: check.points,
            visibility: check.visibility.clone(),
            duration_ms: 0,
            needs,
            failure: None,
            hint: None,
            steps: Vec::new(),
            server_lines: Vec::new(),
        };
        if options
            .deadline
            .is_some_and(|deadline| Instant::now() >= deadline)
        {
            for result in not_run(&[check], OUT_OF_TIME) {
                observe(Event::Finished(&result));
                results.push(result);
            }
            continue;
        }
        if result.needs.is_empty() {
            observe(Event::Started(check));
            let mark = server.log().lock().expect("log lock").total();
            let started = Instant::now();
            let failure = run_check(
                check,
                &client,
                &mut state,
                server,
                options,
                &mut result.steps,
            )
            .await;
            result.duration_ms = started.elapsed().as_millis() as u64;
            match failure {
                None => {
                    result.status = CheckStatus::Passed;
                    result.points = check.points;
                    passed.insert(check.id.clone());
                }
                Some(mut failure) => {
                    // A request that timed out: one slow route, or a server that answers
                    // nothing at all? Then nothing after can pass: stop here.
                    if failure.ends_with(http::TIMED_OUT)
                        && !http::answers_at_all(server.port(), HUNG_PROBE).await
                    {
                        hung = true;
                        failure.push_str(
                            ". Your server accepted the connection but never answered, not \
                             even a request for / a moment later: a handler that never sends \
                             a response? The checks after this one did not run.",
                        );
                    }
                    // Give the server a moment to print what went wrong (a traceback).
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    result.status = CheckStatus::Failed;
                    result.failure = Some(failure);
                    result.hint = check
                        .hints
                        .first()
                        .map(|hint| hint.for_track(track).to_string());
                    result.server_lines = server
                        .log()
                        .lock()
                        .expect("log lock")
                        .since(mark, SERVER_LINES_PER_CHECK);
                }
            }
        }
        observe(Event::Finished(&result));
        results.push(result);
    }
    (results, state.conformance.map(|held| held.record))
}

/// Results for checks that could not run (the build or the server failed): each failed,
/// with the reason, so a grade report still lists every check.
pub fn not_run(checks: &[&Check], reason: &str) -> Vec<CheckResult> {
    checks
        .iter()
        .map(|check| CheckResult {
            id: check.id.clone(),
            title: check.title.clone(),
            status: CheckStatus::Failed,
            points: 0.0,
            max_points: check.points,
            visibility: check.visibility.clone(),
            duration_ms: 0,
            needs: Vec::new(),
            failure: Some(format!("not run: {reason}")),
            hint: None,
            steps: Vec::new(),
            server_lines: Vec::new(),
        })
        .collect()
}

struct State {
    vars: BTreeMap<String, Value>,
    generator: Generator,
    /// The server's database, for database steps.
    database: Option<Target>,
    /// Each named client's cookies ("" is the default client's).
    jars: HashMap<String, cookie::Jar>,
    /// The server's address, `http://127.0.0.1:PORT`, under which relative paths go.
    server: String,
    /// The mock OAuth provider, for oauth steps.
    oauth: Option<crate::services::oauth::Handle>,
    /// The loopback ports a client following redirects may go to: the server's and
    /// learn's services'.
    follow_ports: Vec<u16>,
    /// The server's own OpenAPI document, when every response is held to it.
    conformance: Option<Held>,
}

/// The OpenAPI document responses are held to, and the tally so far.
struct Held {
    document: Option<openapi::Document>,
    record: Conformance,
}

impl Held {
    /// Read the document the server serves at `path`; what goes wrong is recorded.
    async fn fetch(client: &http::Client, path: &str, timeout: Duration) -> Held {
        let outgoing = http::Outgoing {
            method: "GET".to_string(),
            path: path.to_string(),
            query: Vec::new(),
            headers: vec![("Accept".to_string(), "application/json".to_string())],
            body: None,
        };
        let (_, response) = client.send(outgoing, timeout).await;
        let document = match response {
            Err(error) => Err(format!("GET {path}: {error}")),
            Ok(response) if response.status != 200 => {
                Err(format!("GET {path} answered {}, not 200", response.status))
            }
            Ok(response) => match response.json() {
                Err(error) => Err(format!("GET {path}: {error}")),
                Ok(doc) => {
                    openapi::Document::new(doc.clone()).map_err(|why| format!("GET {path}: {why}"))
                }
            },
        };
        let (document, unavailable) = match document {
            Ok(document) => (Some(document), None),
            Err(why) => (None, Some(why)),
        };
        Held {
            document,
            record: Conformance {
                document: path.to_string(),
                responses_checked: 0,
                responses_failed: 0,
                unavailable,
            },
        }
    }

    /// Hold one response to the document: the assertion it adds to the exchange, if
    /// the document declares the request's operation.
    fn judge(
        &mut self,
        record: &crate::result::RequestRecord,
        response: &http::Response,
    ) -> Option<AssertionResult> {
        let document = self.document.as_ref()?;
        if response.truncated {
            return None;
        }
        let verdict = document.judge(
            &record.method,
            &record.target,
            response.status,
            response.header("Content-Type"),
            &response.body,
        );
        let openapi::Verdict::Judged { operation, result } = verdict else {
            return None;
        };
        self.record.responses_checked += 1;
        if result.is_err() {
            self.record.responses_failed += 1;
        }
        Some(AssertionResult {
            query: "response".to_string(),
            predicate: format!("matches {} ({operation})", self.record.document),
            passed: result.is_ok(),
            actual: None,
            message: result.err(),
        })
    }
}

impl Scope for State {
    fn lookup(&mut self, name: &str) -> Result<Value, String> {
        if let Some(value) = self.generator.make(name) {
            return Ok(value);
        }
        self.vars.get(name).cloned().ok_or_else(|| {
            format!("`{{{{{name}}}}}` has no value: the earlier step that captures it did not pass")
        })
    }
}

/// The time one check has left: its own limit, or the run's, whichever ends first.
struct Budget {
    until: Instant,
    /// What the failure says when it runs out.
    why: String,
}

impl Budget {
    fn for_check(options: &Options) -> Budget {
        let own = Instant::now() + options.check_timeout;
        match options.deadline {
            Some(deadline) if deadline <= own => Budget {
                until: deadline,
                why: OUT_OF_TIME.to_string(),
            },
            _ => Budget {
                until: own,
                why: format!(
                    "the check ran out of time: {:.0} s is the most one check may take",
                    options.check_timeout.as_secs_f64()
                ),
            },
        }
    }

    fn left(&self) -> Option<Duration> {
        let left = self.until.saturating_duration_since(Instant::now());
        (!left.is_zero()).then_some(left)
    }
}

/// Run one check's steps, recording each; the failure, if any, in one sentence.
async fn run_check(
    check: &Check,
    client: &http::Client,
    state: &mut State,
    server: &mut Supervisor,
    options: &Options,
    steps: &mut Vec<StepResult>,
) -> Option<String> {
    for (name, template) in &check.lets {
        match template.render_value(state) {
            Ok(value) => {
                state.vars.insert(name.clone(), value);
            }
            Err(error) => return Some(error),
        }
    }
    let budget = Budget::for_check(options);
    for step in &check.steps {
        match step {
            Step::Sleep(duration) => {
                let Some(left) = budget.left() else {
                    return Some(budget.why);
                };
                tokio::time::sleep((*duration).min(left)).await;
                steps.push(StepResult::Sleep {
                    ms: duration.as_millis() as u64,
                });
            }
            Step::Restart => {
                let started = Instant::now();
                let restarted = server.restart().await;
                steps.push(StepResult::Restart {
                    ms: started.elapsed().as_millis() as u64,
                });
                if let Err(problem) = restarted {
                    return Some(format!(
                        "the server did not come back after a restart: {}",
                        describe(&problem)
                    ));
                }
            }
            Step::Request(request) if request.concurrent > 1 => {
                let Some(left) = budget.left() else {
                    return Some(budget.why);
                };
                let timeout = options.request_timeout.min(left);
                let exchanges = send_at_once(request, client, state, server, timeout).await;
                let (exchanges, failure) = match exchanges {
                    Ok(sent) => sent,
                    Err(error) => return Some(error),
                };
                let mut captured = Captured::new(request);
                for exchange in exchanges {
                    captured.add(&exchange);
                    steps.push(StepResult::Request(Box::new(exchange)));
                }
                if failure.is_some() {
                    return failure;
                }
                captured.bind(&mut state.vars);
            }
            Step::Request(request) => {
                let mut captured = Captured::new(request);
                for _ in 0..request.repeat {
                    let Some(left) = budget.left() else {
                        return Some(budget.why);
                    };
                    let timeout = options.request_timeout.min(left);
                    let sent = Instant::now();
                    let (redirects, exchange, mut failure) =
                        send(request, client, state, server, timeout).await;
                    let cut_short = timeout < options.request_timeout && sent.elapsed() >= timeout;
                    if failure.is_some() && cut_short {
                        // The request waited all the time the check (or the run) had left.
                        failure = Some(budget.why.clone());
                    }
                    for redirect in redirects {
                        steps.push(StepResult::Request(Box::new(redirect)));
                    }
                    let exchange = match exchange {
                        Some(exchange) => exchange,
                        None => return failure,
                    };
                    captured.add(&exchange);
                    steps.push(StepResult::Request(Box::new(exchange)));
                    if failure.is_some() {
                        return failure;
                    }
                }
                captured.bind(&mut state.vars);
            }
            Step::OAuth(step) => {
                let (read, failure) = use_provider(step, state);
                bind(&read.captures, &mut state.vars);
                steps.push(StepResult::Service(Box::new(read)));
                if failure.is_some() {
                    return failure;
                }
            }
            Step::Mint(mint) => {
                let record = make_token(mint, state);
                let failure = record.error.clone();
                steps.push(StepResult::Mint(Box::new(record)));
                if failure.is_some() {
                    return failure;
                }
            }
            Step::File(file) => {
                let (read, failure) = read_file(file, server.dir(), state);
                bind(&read.captures, &mut state.vars);
                steps.push(StepResult::File(Box::new(read)));
                if failure.is_some() {
                    return failure;
                }
            }
            Step::Database(inspection) => {
                let Some(left) = budget.left() else {
                    return Some(budget.why);
                };
                let timeout = options.request_timeout.min(left);
                let (read, failure) = inspect(inspection, state, timeout).await;
                bind(&read.captures, &mut state.vars);
                steps.push(StepResult::Database(Box::new(read)));
                if failure.is_some() {
                    return failure;
                }
            }
        }
    }
    None
}

/// Bind what a step captured, for the steps after it.
fn bind(captures: &[CaptureRecord], vars: &mut BTreeMap<String, Value>) {
    for capture in captures {
        vars.insert(capture.name.clone(), capture.value.clone());
    }
}

/// What a request step's captures took from each of its responses.
struct Captured<'a> {
    request: &'a Request,
    values: Vec<Vec<Value>>,
}

impl<'a> Captured<'a> {
    fn new(request: &'a Request) -> Captured<'a> {
        Captured {
            request,
            values: vec![Vec::new(); request.capture.len()],
        }
    }

    fn add(&mut self, exchange: &Exchange) {
        for (values, capture) in self.values.iter_mut().zip(&exchange.captures) {
            values.push(capture.value.clone());
        }
    }

    /// Bind each capture: the value of the one response, or with `repeat` or
    /// `concurrent`, the array of every response's value.
    fn bind(self, vars: &mut BTreeMap<String, Value>) {
        let one = self.request.repeat == 1 && self.request.concurrent == 1;
        for ((name, _), mut values) in self.request.capture.iter().zip(self.values) {
            let value = if one {
                values.remove(0)
            } else {
                Value::Array(values)
            };
            vars.insert(name.clone(), value);
        }
    }
}

/// Send one request and judge its response: the exchange (if a request could be made)
/// and the failure, if any.
/// The most redirects a client following them takes for one step.
const MAX_REDIRECTS: usize = 10;

/// Send one request and judge its response: the redirects followed on the way (with
/// `follow`), the judged exchange (none when no request could be made, or a redirect
/// led nowhere the checks go) and the failure, if any.
async fn send(
    request: &Request,
    client: &http::Client,
    state: &mut State,
    server: &mut Supervisor,
    timeout: Duration,
) -> (Vec<Exchange>, Option<Exchange>, Option<String>) {
    let mut outgoing = match render(request, state) {
        Ok(outgoing) => outgoing,
        Err(error) => return (Vec::new(), None, Some(error)),
    };
    let mut hops = Vec::new();
    loop {
        let summary = format!("{} {}", outgoing.method, outgoing.path);
        let at = client.absolute(&outgoing.path);
        let next = request
            .follow
            .then(|| (outgoing.method.clone(), outgoing.body.clone()));
        let (record, response) = client.send(outgoing, timeout).await;
        keep_cookies(request, &at, &response, state);
        let redirect = match (&response, next) {
            (Ok(response), Some(next)) if (300..400).contains(&response.status) => response
                .header("Location")
                .map(|location| (location.to_string(), response.status, next)),
            _ => None,
        };
        let Some((location, status, (method, body))) = redirect else {
            let (exchange, failure) =
                judge(request, &summary, record, response, state, server).await;
            return (hops, Some(exchange), failure);
        };
        let response = response.expect("a redirect is a response");
        hops.push(Exchange {
            followed: true,
            request: record,
            response: Some(response.record()),
            error: None,
            assertions: Vec::new(),
            captures: Vec::new(),
        });
        let target = match reqwest::Url::parse(&at).and_then(|base| base.join(&location)) {
            Ok(target) => target,
            Err(error) => {
                return (
                    hops,
                    None,
                    Some(format!(
                        "{summary} redirected to `{location}`, which is not a valid URL ({error})"
                    )),
                );
            }
        };
        let inside = matches!(target.host_str(), Some("127.0.0.1" | "localhost"))
            && target
                .port_or_known_default()
                .is_some_and(|port| state.follow_ports.contains(&port));
        if !inside {
            return (
                hops,
                None,
                Some(format!(
                    "{summary} redirected to {target}: the checks follow redirects only to your \
                     server and learn's own services"
                )),
            );
        }
        if hops.len() > MAX_REDIRECTS {
            return (
                hops,
                None,
                Some(format!(
                    "more than {MAX_REDIRECTS} redirects in a row, the last to {target}"
                )),
            );
        }
        // As browsers do: 303 (and 301 or 302 after a POST) go on with a GET; 307
        // and 308 repeat the request. The step's own headers stay with the first hop.
        let keep = status == 307 || status == 308 || (status != 303 && method == "GET");
        let mut headers = Vec::new();
        let path = target.to_string();
        if let Some(cookies) = cookies_for(state, &request.client, &target) {
            headers.push(("Cookie".to_string(), cookies));
        }
        outgoing = http::Outgoing {
            method: if keep { method } else { "GET".to_string() },
            path,
            query: Vec::new(),
            headers,
            body: if keep { body } else { None },
        };
    }
}

/// Send `request.concurrent` copies at once, each rendered on its own (so each gets its
/// own generated values), then judge every response: the exchanges in sending order
/// and the first failure. An error when the copies cannot be rendered.
async fn send_at_once(
    request: &Request,
    client: &http::Client,
    state: &mut State,
    server: &mut Supervisor,
    timeout: Duration,
) -> Result<(Vec<Exchange>, Option<String>), String> {
    let copies = request.concurrent as usize;
    let outgoing = (0..copies)
        .map(|_| render(request, state))
        .collect::<Result<Vec<_>, _>>()?;
    let summaries: Vec<String> = outgoing
        .iter()
        .map(|outgoing| format!("{} {}", outgoing.method, outgoing.path))
        .collect();
    let paths: Vec<String> = outgoing
        .iter()
        .map(|outgoing| client.absolute(&outgoing.path))
        .collect();
    let sent = futures_util::future::join_all(
        outgoing
            .into_iter()
            .map(|outgoing| client.send(outgoing, timeout)),
    )
    .await;
    let mut exchanges = Vec::with_capacity(copies);
    let mut first_failure = None;
    for (number, (summary, (record, response))) in summaries.iter().zip(sent).enumerate() {
        keep_cookies(request, &paths[number], &response, state);
        let (exchange, failure) = judge(request, summary, record, response, state, server).await;
        exchanges.push(exchange);
        if let Some(failure) = failure {
            first_failure.get_or_insert_with(|| {
                format!("{failure} (copy {} of {copies} sent at once)", number + 1)
            });
        }
    }
    Ok((exchanges, first_failure))
}

/// The Cookie header `client` sends to `url`, if its jar holds any for it.
fn cookies_for(state: &State, client: &str, url: &reqwest::Url) -> Option<String> {
    state.jars.get(client).and_then(|jar| jar.header(url))
}

/// Keep the cookies a response to `url` set, in the jar of the client that sent the
/// request.
fn keep_cookies(
    request: &Request,
    url: &str,
    response: &Result<http::Response, String>,
    state: &mut State,
) {
    if let (Ok(response), Ok(url)) = (response, reqwest::Url::parse(url)) {
        state
            .jars
            .entry(request.client.clone())
            .or_default()
            .store(&url, &response.headers);
    }
}

/// Set what an oauth step sets on the provider, then judge what it saw.
fn use_provider(step: &OAuthStep, state: &mut State) -> (ServiceRead, Option<String>) {
    let mut read = ServiceRead {
        service: "oauth".to_string(),
        set: None,
        seen: Value::Null,
        assertions: Vec::new(),
        captures: Vec::new(),
    };
    let Some(provider) = state.oauth.clone() else {
        return (read, Some("this run has no OAuth provider".to_string()));
    };
    let mut set = serde_json::Map::new();
    if let Some(user) = &step.user {
        match template::render_json(user, state) {
            Ok(user) => {
                set.insert("user".into(), user.clone());
                provider.set_user(user);
            }
            Err(error) => return (read, Some(error)),
        }
    }
    if let Some(misbehaviour) = step.misbehave {
        provider.misbehave(misbehaviour);
        set.insert(
            "misbehave".into(),
            provider.snapshot()["misbehaviour"].clone(),
        );
    }
    read.set = (!set.is_empty()).then_some(Value::Object(set));
    read.seen = provider.snapshot();
    let seen = read.seen.clone();
    let (assertions, captures, failure) = assess(
        &step.expect,
        &step.capture,
        |query, vars| query::evaluate_rows(query, &seen, vars),
        state,
        "the OAuth provider's log",
        "the OAuth provider",
    );
    read.assertions = assertions;
    read.captures = captures;
    (read, failure)
}

/// Make a mint step's token and bind it; the record says what was made, or why not.
fn make_token(mint: &Mint, state: &mut State) -> MintRecord {
    let mut record = MintRecord {
        made: mint.kind.name().to_string(),
        into: mint.into.clone(),
        token: None,
        header: None,
        claims: None,
        error: None,
    };
    let made = (|| {
        let key = match &mint.key {
            Some(key) => key.render_text(state)?,
            None => String::new(),
        };
        let token = match &mint.token {
            Some(token) => Some(token.render_text(state)?),
            None => None,
        };
        let claims = template::render_json(&mint.claims, state)?;
        let claims = claims.as_object().cloned().unwrap_or_default();
        // Another key, made from the seed like every generated value.
        let other_key = template::as_text(&state.lookup("uuid")?);
        let now = chrono::Utc::now().timestamp();
        jwt::mint(mint.kind, now, &claims, &key, &other_key, token.as_deref())
    })();
    match made {
        Ok(minted) => {
            state
                .vars
                .insert(mint.into.clone(), Value::String(minted.token.clone()));
            record.token = Some(minted.token);
            record.header = Some(minted.header);
            record.claims = Some(minted.claims);
        }
        Err(error) => record.error = Some(format!("could not make the token: {error}")),
    }
    record
}

/// Judge one response (or the error in its place) against a request step's assertions,
/// and take its captures.
async fn judge(
    request: &Request,
    summary: &str,
    record: crate::result::RequestRecord,
    response: Result<http::Response, String>,
    state: &mut State,
    server: &mut Supervisor,
) -> (Exchange, Option<String>) {
    let mut exchange = Exchange {
        followed: false,
        request: record,
        response: None,
        error: None,
        assertions: Vec::new(),
        captures: Vec::new(),
    };
    let response = match response {
        Ok(response) => response,
        Err(error) => {
            // A dropped connection often means the server just died: let that be seen.
            for _ in 0..10 {
                if server.exit_status().is_some() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            let error = match (server.exit_status(), server.killed_because()) {
                (_, Some(reason)) => {
                    format!("the server stopped while answering {summary}: {reason}")
                }
                (Some(status), None) => {
                    format!("the server stopped ({status}) while answering {summary}")
                }
                (None, None) => format!("{summary}: {error}"),
            };
            exchange.error = Some(error.clone());
            return (exchange, Some(error));
        }
    };
    exchange.response = Some(response.record());
    let (assertions, captures, failure) = assess(
        &request.expect,
        &request.capture,
        |query, vars| query::evaluate(query, &response, vars),
        state,
        &format!("the response to {summary}"),
        summary,
    );
    exchange.assertions = assertions;
    exchange.captures = captures;
    let mut failure = failure;
    let held = state
        .conformance
        .as_mut()
        .and_then(|held| held.judge(&exchange.request, &response));
    if let Some(held) = held {
        if let (None, Some(message)) = (&failure, &held.message) {
            failure = Some(format!("{summary}: {message}"));
        }
        exchange.assertions.push(held);
    }
    (exchange, failure)
}

/// Read the database as a database step says, and judge what was read.
async fn inspect(
    inspection: &Inspection,
    state: &mut State,
    timeout: Duration,
) -> (DatabaseRead, Option<String>) {
    let started = Instant::now();
    let mut read = DatabaseRead {
        read: String::new(),
        rows: None,
        error: None,
        assertions: Vec::new(),
        captures: Vec::new(),
        duration_ms: 0,
    };
    let target = state.database.clone();
    let rows = match (&inspection.read, &target) {
        (_, None) => Err(NO_DATABASE.to_string()),
        (Read::Sql(template), Some(target)) => match template.render_sql(state) {
            Ok(sql) => {
                read.read = sql;
                database::rows(target, &read.read, timeout).await
            }
            Err(error) => Err(error),
        },
        (Read::Schema(schema), Some(target)) => {
            read.read = format!("schema: {schema}");
            database::schema(target, schema, timeout).await
        }
    };
    read.duration_ms = started.elapsed().as_millis() as u64;
    let rows = match rows {
        Ok(rows) => rows,
        Err(error) => {
            let failure = format!("reading the database failed: {error}");
            read.error = Some(error);
            return (read, Some(failure));
        }
    };
    let (assertions, captures, failure) = assess(
        &inspection.expect,
        &inspection.capture,
        |query, vars| query::evaluate_rows(query, &rows, vars),
        state,
        "the database",
        "in the database",
    );
    read.rows = Some(rows);
    read.assertions = assertions;
    read.captures = captures;
    (read, failure)
}

/// Read a file of the workspace and check what the step expects of its text.
fn read_file(
    step: &FileStep,
    root: &std::path::Path,
    state: &mut State,
) -> (FileRead, Option<String>) {
    let mut read = FileRead {
        path: step.path.clone(),
        text: None,
        error: None,
        assertions: Vec::new(),
        captures: Vec::new(),
    };
    match workspace_file(root, &step.path) {
        Ok(text) => read.text = text,
        Err(error) => {
            let failure = format!("{} cannot be read: {error}", step.path);
            read.error = Some(error);
            return (read, Some(failure));
        }
    }
    let text = read.text.clone();
    let (assertions, captures, failure) = assess(
        &step.expect,
        &step.capture,
        |query, vars| query::evaluate_text(query, text.as_deref(), vars),
        state,
        &format!("the file {}", step.path),
        &format!("in {}", step.path),
    );
    read.assertions = assertions;
    read.captures = captures;
    (read, failure)
}

/// The most of a workspace file a file step reads.
const FILE_LIMIT: u64 = 1024 * 1024;

/// The text of `relative` under `root`: None when there is no such file; an error when
/// it leads outside the workspace (a symlink, as a grader reads strangers' files), is
/// not a regular file, is too big or is not UTF-8.
fn workspace_file(root: &std::path::Path, relative: &str) -> Result<Option<String>, String> {
    let root = std::fs::canonicalize(root).map_err(|error| error.to_string())?;
    let real = match std::fs::canonicalize(root.join(relative)) {
        Ok(real) => real,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error.to_string()),
    };
    if !real.starts_with(&root) {
        return Err("it leads outside the workspace".to_string());
    }
    let (file, size) = crate::atomic::open_regular_no_follow(&real)
        .map_err(|_| "it is not a regular file".to_string())?;
    if size > FILE_LIMIT {
        return Err(format!(
            "it is {size} bytes, more than the {FILE_LIMIT} a check reads"
        ));
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(file, FILE_LIMIT), &mut bytes)
        .map_err(|error| error.to_string())?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| "it is not UTF-8 text".to_string())
}

/// Why a database step cannot run: no database was made for the run. The checks
/// parser refuses database steps in an exercise without one, so this is only a guard.
const NO_DATABASE: &str = "this run has no database to read";

/// Check `expect` and, when all of it holds, take `capture`, reading values with
/// `evaluate` (given the values bound so far). `source` names where values come from
/// ("the response to GET /x") and `summary` starts a failure's sentence.
fn assess(
    expect: &[Assertion],
    capture: &[(String, Query)],
    evaluate: impl Fn(&Query, &BTreeMap<String, Value>) -> Result<Option<Value>, String>,
    state: &mut State,
    source: &str,
    summary: &str,
) -> (Vec<AssertionResult>, Vec<CaptureRecord>, Option<String>) {
    let mut assertions = Vec::new();
    let mut captures = Vec::new();
    let mut failure = None;
    for assertion in expect {
        let found = evaluate(&assertion.query, &state.vars);
        let root = query::root(&assertion.query);
        for predicate in &assertion.predicates {
            let rendered = render_predicate(predicate, state);
            let outcome = match (&found, &rendered) {
                (_, Err(error)) => Err(error.clone()),
                (Err(error), _) => Err(error.clone()),
                (Ok(value), Ok(rendered)) => predicate::evaluate(rendered, value.as_ref(), root),
            };
            let shown = rendered.as_ref().unwrap_or(predicate).to_string();
            let query = assertion.query.to_string();
            if let Err(message) = &outcome {
                failure.get_or_insert_with(|| format!("{summary}: {query} {shown} — {message}"));
            }
            assertions.push(AssertionResult {
                query,
                predicate: shown,
                passed: outcome.is_ok(),
                actual: found.as_ref().ok().cloned().flatten(),
                message: outcome.err(),
            });
        }
    }
    if failure.is_none() {
        for (name, query) in capture {
            match evaluate(query, &state.vars) {
                Ok(Some(value)) => captures.push(CaptureRecord {
                    name: name.clone(),
                    value,
                }),
                Ok(None) => {
                    failure = Some(format!(
                        "could not read `{query}` from {source}: it is missing"
                    ));
                    break;
                }
                Err(error) => {
                    failure = Some(format!("could not read `{query}` from {source}: {error}"));
                    break;
                }
            }
        }
    }
    (assertions, captures, failure)
}

/// Fill the templates of a request step.
fn render(request: &Request, state: &mut State) -> Result<http::Outgoing, String> {
    let pairs =
        |list: &[(String, Template)], state: &mut State| -> Result<Vec<(String, String)>, String> {
            list.iter()
                .map(|(name, value)| Ok((name.clone(), value.render_text(state)?)))
                .collect()
        };
    let mut headers = pairs(&request.headers, state)?;
    let path = request.path.render_text(state)?;
    let sets_cookie = headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("cookie"));
    let url = reqwest::Url::parse(&http::absolute(&state.server, &path));
    if let Some(cookies) = url
        .ok()
        .and_then(|url| cookies_for(state, &request.client, &url))
        .filter(|_| !sets_cookie)
    {
        headers.push(("Cookie".to_string(), cookies));
    }
    let body = match &request.body {
        Body::Empty => None,
        Body::Raw(template) => Some(template.render_text(state)?),
        Body::Json(value) => {
            if !headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
            {
                headers.push(("Content-Type".to_string(), "application/json".to_string()));
            }
            Some(template::render_json(value, state)?.to_string())
        }
    };
    Ok(http::Outgoing {
        method: request.method.clone(),
        path,
        query: pairs(&request.query, state)?,
        headers,
        body,
    })
}

fn render_predicate(predicate: &Predicate, state: &mut State) -> Result<Predicate, String> {
    let mut value = |value: &Value| template::render_json(value, state);
    Ok(match predicate {
        Predicate::Equals { expected, strict } => Predicate::Equals {
            expected: value(expected)?,
            strict: *strict,
        },
        Predicate::NotEquals { expected, strict } => Predicate::NotEquals {
            expected: value(expected)?,
            strict: *strict,
        },
        Predicate::Contains(expected) => Predicate::Contains(value(expected)?),
        Predicate::NotContains(expected) => Predicate::NotContains(value(expected)?),
        Predicate::ContainsAll(expected) => Predicate::ContainsAll(value(expected)?),
        Predicate::SameSet(expected) => Predicate::SameSet(value(expected)?),
        Predicate::SignedWith(key) => Predicate::SignedWith(value(key)?),
        Predicate::Gt(bound) => Predicate::Gt(value(bound)?),
        Predicate::Gte(bound) => Predicate::Gte(value(bound)?),
        Predicate::Lt(bound) => Predicate::Lt(value(bound)?),
        Predicate::Lte(bound) => Predicate::Lte(value(bound)?),
        Predicate::OneOf(options) => {
            Predicate::OneOf(options.iter().map(value).collect::<Result<_, _>>()?)
        }
        other => other.clone(),
    })
}

/// Why a restarted server did not come back, in a few words.
fn describe(problem: &crate::result::Problem) -> String {
    use crate::result::Problem;
    match problem {
        Problem::ServerExited {
            exit_code: Some(code),
            ..
        } => format!("it stopped at start (exit code {code})"),
        Problem::ServerExited {
            killed_because: Some(reason),
            ..
        } => reason.clone(),
        Problem::ServerExited { .. } => "it stopped at start".to_string(),
        Problem::ServerNotListening {
            port, waited_ms, ..
        } => {
            format!(
                "it did not accept connections on port {port} within {:.0} s",
                *waited_ms as f64 / 1000.0
            )
        }
        Problem::MissingTool { tool, .. } => format!("`{tool}` is not installed"),
        Problem::BuildFailed { .. } => "its build failed".to_string(),
        Problem::DatabaseFailed { error }
        | Problem::ServiceFailed { error, .. }
        | Problem::Config { message: error } => error.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::checks::{parse, tests::CHAIN};

    #[test]
    fn a_selection_brings_what_its_checks_require_and_read() {
        let checks = parse("checks.toml", CHAIN).unwrap();
        let ids = |selected: Vec<&Check>| -> Vec<String> {
            selected.iter().map(|check| check.id.clone()).collect()
        };
        assert_eq!(ids(with_dependencies(&checks, &["c"])), ["a", "b", "c"]);
        assert_eq!(
            ids(with_dependencies(&checks, &["d", "b"])),
            ["a", "b", "d"]
        );
        assert_eq!(ids(select(&checks, Some("b")).unwrap()), ["b"]);
        assert_eq!(select(&checks, None).unwrap().len(), 4);
        assert!(
            select(&checks, Some("cc"))
                .unwrap_err()
                .contains("Did you mean `c`?")
        );
    }
}
