//! The class report: a batch of graded submissions summed up for the instructor, as a
//! self-contained HTML page to look at and as Markdown for a CI job summary.
//!
//! `Class` is computed once from the batch's results; both renderers and the gradebook
//! CSV read it and compute nothing of their own.

use std::fmt::Write;
use std::path::{Component, Path};
use std::time::Duration;

use super::cell;
use crate::result::{CheckStatus, Problem, RunReport};

/// How many lines of a build's or server's output say why a submission did not run.
const WHY_LINES: usize = 6;

/// One graded submission, as the gradebook and the class report see it.
pub struct Entry {
    pub submission: String,
    /// Where its own reports are, as a link relative to the class report.
    pub link: Option<String>,
    pub score: f64,
    pub max: f64,
    pub passed: usize,
    /// Checks that did not pass (failed or skipped).
    pub failed: usize,
    /// `passed`, `failed`, `build_failed`, `server_failed`, `config_error`, `error`, ...
    pub status: String,
    /// Whether it makes the pass mark (every check, or `--min-score`).
    pub passing: bool,
    pub duration: Duration,
    /// Why no check ran (a failed build, a server that never started), in a few lines;
    /// empty when the checks ran.
    pub why: Vec<String>,
    /// Each check that ran: its id, status and the first line of its failure.
    pub checks: Vec<(String, CheckStatus, Option<String>)>,
}

impl Entry {
    /// A submission whose grading produced a report.
    pub fn graded(
        submission: &str,
        report: &RunReport,
        passing: bool,
        duration: Duration,
    ) -> Entry {
        let status = serde_json::to_value(report.outcome)
            .ok()
            .and_then(|value| value.as_str().map(str::to_string))
            .unwrap_or_default();
        let (why, checks) = match &report.problem {
            Some(problem) => (why_not_run(problem, report), Vec::new()),
            None => (
                Vec::new(),
                report
                    .checks
                    .iter()
                    .map(|check| {
                        let failure = check
                            .failure
                            .as_deref()
                            .and_then(|text| text.lines().next())
                            .map(str::to_string);
                        (check.id.clone(), check.status, failure)
                    })
                    .collect(),
            ),
        };
        Entry {
            submission: submission.to_string(),
            link: None,
            score: report.summary.points,
            max: report.summary.max_points,
            passed: report.summary.passed,
            failed: report.summary.failed + report.summary.skipped,
            status,
            passing,
            duration,
            why,
            checks,
        }
    }

    /// A submission that could not be graded at all, or whose reports could not be
    /// written: `status` says which, `message` why.
    pub fn ungraded(submission: &str, status: &str, message: &str, duration: Duration) -> Entry {
        Entry {
            submission: submission.to_string(),
            link: None,
            score: 0.0,
            max: 0.0,
            passed: 0,
            failed: 0,
            status: status.to_string(),
            passing: false,
            duration,
            why: message
                .lines()
                .take(WHY_LINES)
                .map(str::to_string)
                .collect(),
            checks: Vec::new(),
        }
    }

    /// Whether its checks ran (it built and its server started).
    pub fn ran(&self) -> bool {
        self.why.is_empty() && !self.checks.is_empty()
    }
}

/// Why no check ran: the problem in brief, then the first lines of what it printed.
fn why_not_run(problem: &Problem, report: &RunReport) -> Vec<String> {
    let mut lines = vec![super::problem_in_brief(problem)];
    let detail: Vec<String> = match problem {
        Problem::BuildFailed { output, .. } => output.clone(),
        Problem::Config { message } => message.lines().map(str::to_string).collect(),
        Problem::MissingTool { advice, .. } => vec![advice.clone()],
        Problem::DatabaseFailed { error } | Problem::ServiceFailed { error, .. } => {
            error.lines().map(str::to_string).collect()
        }
        Problem::ServerExited { .. } | Problem::ServerNotListening { .. } => {
            report.server_log.clone()
        }
    };
    lines.extend(
        detail
            .into_iter()
            .filter(|line| !line.trim().is_empty())
            .take(WHY_LINES - 1),
    );
    lines
}

/// One row of the check table.
pub struct CheckRow {
    pub id: String,
    pub title: String,
    pub points: f64,
    /// Submissions whose checks ran and that failed this one.
    pub failed: usize,
    /// Submissions whose checks ran and that skipped this one (a check it needs failed).
    pub skipped: usize,
    /// The most common first line of the failures, and how many submissions had it.
    pub common_failure: Option<(String, usize)>,
    /// The check's first hint, as every track reads it.
    pub hint: String,
}

impl CheckRow {
    pub fn not_passed(&self) -> usize {
        self.failed + self.skipped
    }
}

/// The whole class, ready to render.
pub struct Class {
    pub exercise: String,
    pub exercise_title: String,
    pub learn_version: &'static str,
    pub seed: u64,
    /// When grading ended, in UTC.
    pub date: String,
    /// The wall time of the whole batch.
    pub duration: Duration,
    pub max_points: f64,
    pub entries: Vec<Entry>,
    /// Most failed first.
    pub checks: Vec<CheckRow>,
    /// Submissions whose checks ran.
    pub ran: usize,
    pub passing: usize,
    pub median: f64,
    pub mean: f64,
    /// Submissions per score band: 0–9 %, 10–19 %, ..., 90–99 %, and 100 %.
    pub histogram: [usize; 11],
}

/// A check as the class report names it (the grader takes it from the course).
pub struct CheckInfo {
    pub id: String,
    pub title: String,
    pub points: f64,
    /// Its first hint, as every track reads it.
    pub hint: String,
}

/// What every submission of the batch was graded with.
pub struct Batch<'a> {
    pub exercise: (&'a str, &'a str),
    pub checks: Vec<CheckInfo>,
    pub seed: u64,
    pub duration: Duration,
}

impl Class {
    pub fn new(batch: &Batch, entries: Vec<Entry>) -> Class {
        let max_points: f64 = batch.checks.iter().map(|check| check.points).sum();
        let ran: Vec<&Entry> = entries.iter().filter(|entry| entry.ran()).collect();
        let mut checks: Vec<CheckRow> = batch
            .checks
            .iter()
            .map(|check| {
                let outcomes = ran.iter().filter_map(|entry| {
                    entry
                        .checks
                        .iter()
                        .find(|(id, _, _)| *id == check.id)
                        .map(|(_, status, failure)| (status, failure))
                });
                let mut failed = 0;
                let mut skipped = 0;
                let mut failures: Vec<(String, usize)> = Vec::new();
                for (status, failure) in outcomes {
                    match status {
                        CheckStatus::Failed => failed += 1,
                        CheckStatus::Skipped => skipped += 1,
                        CheckStatus::Passed => continue,
                    }
                    if *status == CheckStatus::Failed {
                        let message = failure.clone().unwrap_or_else(|| "failed".to_string());
                        match failures.iter_mut().find(|(seen, _)| *seen == message) {
                            Some((_, count)) => *count += 1,
                            None => failures.push((message, 1)),
                        }
                    }
                }
                // The most common; among equals, the first seen (submissions are in order).
                let common_failure = failures
                    .iter()
                    .enumerate()
                    .max_by_key(|(index, (_, count))| (*count, std::cmp::Reverse(*index)))
                    .map(|(_, failure)| failure.clone());
                CheckRow {
                    id: check.id.clone(),
                    title: check.title.clone(),
                    points: check.points,
                    failed,
                    skipped,
                    common_failure,
                    hint: check.hint.clone(),
                }
            })
            .collect();
        // Stable: checks failed as often stay in the course's order.
        checks.sort_by_key(|row| std::cmp::Reverse(row.not_passed()));
        let mut scores: Vec<f64> = entries.iter().map(|entry| entry.score).collect();
        scores.sort_by(f64::total_cmp);
        let mut histogram = [0; 11];
        for score in &scores {
            histogram[band(*score, max_points)] += 1;
        }
        Class {
            exercise: batch.exercise.0.to_string(),
            exercise_title: batch.exercise.1.to_string(),
            learn_version: env!("CARGO_PKG_VERSION"),
            seed: batch.seed,
            date: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
            duration: batch.duration,
            max_points,
            ran: ran.len(),
            passing: entries.iter().filter(|entry| entry.passing).count(),
            median: median(&scores),
            mean: if scores.is_empty() {
                0.0
            } else {
                scores.iter().sum::<f64>() / scores.len() as f64
            },
            histogram,
            entries,
            checks,
        }
    }

    /// The submissions that did not build or start (or could not be graded).
    pub fn not_run(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|entry| !entry.why.is_empty())
    }

    /// The share of submissions that make the pass mark, in percent.
    pub fn pass_rate(&self) -> f64 {
        if self.entries.is_empty() {
            0.0
        } else {
            100.0 * self.passing as f64 / self.entries.len() as f64
        }
    }

    /// The gradebook: one CSV row per submission (RFC 4180).
    pub fn gradebook_csv(&self) -> String {
        let mut csv = String::from("submission,score,max,passed,failed,status,duration\n");
        for entry in &self.entries {
            let fields = [
                entry.submission.clone(),
                super::points(entry.score),
                super::points(entry.max),
                entry.passed.to_string(),
                entry.failed.to_string(),
                entry.status.clone(),
                format!("{:.3}", entry.duration.as_secs_f64()),
            ];
            let quoted: Vec<String> = fields.iter().map(|field| csv_field(field)).collect();
            csv.push_str(&quoted.join(","));
            csv.push('\n');
        }
        csv
    }
}

/// The histogram band of a score: tenths of the maximum, and full marks on their own.
fn band(score: f64, max: f64) -> usize {
    if max <= 0.0 {
        return 0;
    }
    let share = (score / max).clamp(0.0, 1.0);
    if share >= 1.0 {
        10
    } else {
        ((share * 10.0).floor() as usize).min(9)
    }
}

fn band_label(band: usize) -> String {
    if band == 10 {
        "100%".to_string()
    } else {
        format!("{}–{}%", band * 10, band * 10 + 9)
    }
}

fn median(sorted: &[f64]) -> f64 {
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// RFC 4180: quote a field holding a comma, quote or line break; double its quotes.
pub fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// A relative link from a file in `from_dir` to `to`, each path segment
/// percent-encoded (both paths absolute).
pub fn relative_link(from_dir: &Path, to: &Path) -> String {
    let from: Vec<Component> = from_dir.components().collect();
    let target: Vec<Component> = to.components().collect();
    let shared = from.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut segments: Vec<String> = vec!["..".to_string(); from.len() - shared];
    segments.extend(target[shared..].iter().map(|part| {
        percent_encoding::utf8_percent_encode(&part.as_os_str().to_string_lossy(), SEGMENT)
            .to_string()
    }));
    let mut link = segments.join("/");
    link.push('/');
    link
}

/// What a link's path segment keeps as it is: RFC 3986's unreserved characters.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn percent(value: f64) -> String {
    format!("{value:.0}%")
}

fn seconds(duration: Duration) -> String {
    format!("{:.1} s", duration.as_secs_f64())
}

fn status_words(status: &str) -> String {
    status.replace('_', " ")
}

/// The page: inline CSS and SVG, no script, nothing fetched.
pub fn html(class: &Class) -> String {
    let mut out = String::new();
    let title = format!("Class report: {}", class.exercise_title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&title)
    );
    let _ = writeln!(
        out,
        "<header>\n<h1>{} <span class=\"id\">{}</span></h1>\n<p class=\"meta\">{} graded on {} \
         in {} · learn {} · seed {}</p>\n</header>",
        escape(&class.exercise_title),
        escape(&class.exercise),
        submissions(class.entries.len()),
        escape(&class.date),
        seconds(class.duration),
        escape(class.learn_version),
        class.seed
    );
    out.push_str("<section id=\"scores\">\n<h2>Scores</h2>\n<div class=\"stats\">\n");
    for (label, value) in [
        (
            "median",
            format!(
                "{} / {}",
                super::points(class.median),
                super::points(class.max_points)
            ),
        ),
        (
            "mean",
            format!("{:.1} / {}", class.mean, super::points(class.max_points)),
        ),
        (
            "pass rate",
            format!(
                "{} ({} of {})",
                percent(class.pass_rate()),
                class.passing,
                class.entries.len()
            ),
        ),
        (
            "did not run",
            format!("{}", class.entries.len() - class.ran),
        ),
    ] {
        let _ = writeln!(
            out,
            "<div class=\"stat\"><span class=\"label\">{label}</span><span class=\"value\">{}</span></div>",
            escape(&value)
        );
    }
    out.push_str("</div>\n");
    histogram_svg(&mut out, class);
    out.push_str("</section>\n");

    out.push_str(
        "<section id=\"checks\">\n<h2>Checks, most failed first</h2>\n\
         <table id=\"check-table\">\n<thead><tr><th>check</th><th class=\"num\">failed</th>\
         <th>most common failure</th><th>hint</th></tr></thead>\n<tbody>\n",
    );
    for row in &class.checks {
        let share = if class.ran == 0 {
            0.0
        } else {
            row.not_passed() as f64 / class.ran as f64
        };
        let skipped = if row.skipped > 0 {
            format!("<br><small>{} skipped</small>", row.skipped)
        } else {
            String::new()
        };
        let failure = match &row.common_failure {
            Some((message, count)) => format!(
                "<code>{}</code> <small>({} of {})</small>",
                escape(message),
                count,
                row.failed
            ),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code><br><small>{} · {}</small></td>\
             <td class=\"num\"><span class=\"meter\" style=\"--share:{:.3}\"></span>{} of {}{}</td>\
             <td>{}</td><td>{}</td></tr>",
            escape(&row.id),
            escape(&row.title),
            points_words(row.points),
            share,
            row.not_passed(),
            class.ran,
            skipped,
            failure,
            escape(&row.hint)
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");

    let not_run: Vec<&Entry> = class.not_run().collect();
    out.push_str("<section id=\"not-run\">\n<h2>Did not build or start</h2>\n");
    if not_run.is_empty() {
        out.push_str("<p>Every submission built and started.</p>\n");
    } else {
        out.push_str(
            "<table>\n<thead><tr><th>submission</th><th>status</th><th>why</th></tr></thead>\n<tbody>\n",
        );
        for entry in not_run {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td><pre>{}</pre></td></tr>",
                submission_cell(entry),
                escape(&status_words(&entry.status)),
                escape(&entry.why.join("\n"))
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");

    out.push_str(
        "<section id=\"submissions\">\n<h2>Submissions</h2>\n<table id=\"submission-table\">\n\
         <thead><tr><th>submission</th><th class=\"num\">score</th><th class=\"num\">checks passed</th>\
         <th>status</th><th class=\"num\">time</th></tr></thead>\n<tbody>\n",
    );
    for entry in &class.entries {
        let _ = writeln!(
            out,
            "<tr class=\"{}\"><td>{}</td><td class=\"num\">{} / {}</td><td class=\"num\">{} of {}</td>\
             <td>{}</td><td class=\"num\">{}</td></tr>",
            if entry.passing { "pass" } else { "fail" },
            submission_cell(entry),
            super::points(entry.score),
            super::points(entry.max),
            entry.passed,
            entry.passed + entry.failed,
            escape(&status_words(&entry.status)),
            seconds(entry.duration)
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n</body>\n</html>\n");
    out
}

fn points_words(points: f64) -> String {
    if points == 1.0 {
        "1 point".to_string()
    } else {
        format!("{} points", super::points(points))
    }
}

fn submissions(count: usize) -> String {
    if count == 1 {
        "1 submission".to_string()
    } else {
        format!("{count} submissions")
    }
}

fn submission_cell(entry: &Entry) -> String {
    match &entry.link {
        Some(link) => format!(
            "<a href=\"{}\">{}</a>",
            escape(link),
            escape(&entry.submission)
        ),
        None => escape(&entry.submission),
    }
}

/// The score histogram: one bar per band, its count above it, its band below.
fn histogram_svg(out: &mut String, class: &Class) {
    const BAR: f64 = 48.0;
    const GAP: f64 = 10.0;
    const HEIGHT: f64 = 160.0;
    const TOP: f64 = 22.0;
    const BOTTOM: f64 = 40.0;
    let width = 11.0 * (BAR + GAP) + GAP;
    let tallest = class.histogram.iter().copied().max().unwrap_or(0).max(1) as f64;
    let _ = writeln!(
        out,
        "<svg id=\"histogram\" viewBox=\"0 0 {width} {}\" role=\"img\" \
         aria-label=\"Submissions per score band\">",
        TOP + HEIGHT + BOTTOM
    );
    let baseline = TOP + HEIGHT;
    let _ = writeln!(
        out,
        "<line x1=\"0\" y1=\"{baseline}\" x2=\"{width}\" y2=\"{baseline}\" class=\"axis\"/>"
    );
    for (band, &count) in class.histogram.iter().enumerate() {
        let x = GAP + band as f64 * (BAR + GAP);
        let height = HEIGHT * count as f64 / tallest;
        let label = band_label(band);
        let _ = writeln!(
            out,
            "<rect class=\"bar{}\" x=\"{x}\" y=\"{:.1}\" width=\"{BAR}\" height=\"{height:.1}\">\
             <title>{}: {}</title></rect>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" class=\"count\">{count}</text>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" class=\"band\">{}</text>",
            if band == 10 { " full" } else { "" },
            baseline - height,
            escape(&label),
            submissions(count),
            x + BAR / 2.0,
            baseline - height - 6.0,
            x + BAR / 2.0,
            baseline + 18.0,
            escape(&label)
        );
    }
    out.push_str("</svg>\n");
}

const STYLE: &str = "
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --bar: #4f7cac; --full: #2e8540; --bad: #c0392b; }
body { font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: var(--ink); margin: 2rem auto; max-width: 72rem; padding: 0 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; } h1 .id { color: var(--muted); font-weight: normal; font-size: 1.1rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .75rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
.meta { color: var(--muted); margin: 0; }
.stats { display: flex; gap: 1rem; flex-wrap: wrap; margin-bottom: 1rem; }
.stat { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .9rem; min-width: 9rem; }
.stat .label { display: block; color: var(--muted); font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; }
.stat .value { font-size: 1.3rem; font-weight: 600; }
#histogram { width: 100%; max-width: 44rem; height: auto; display: block; }
#histogram .bar { fill: var(--bar); } #histogram .bar.full { fill: var(--full); }
#histogram .axis { stroke: var(--muted); stroke-width: 1; }
#histogram text { font-size: 12px; text-anchor: middle; fill: var(--ink); } #histogram .band { fill: var(--muted); font-size: 11px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .4rem .6rem; border-bottom: 1px solid var(--line); }
th { font-size: .8rem; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
td.num, th.num { text-align: right; white-space: nowrap; }
small { color: var(--muted); }
code { font-size: .85em; background: #f6f8fa; padding: 0 .2em; border-radius: 3px; word-break: break-word; }
pre { margin: 0; white-space: pre-wrap; font-size: .85em; }
.meter { display: inline-block; width: 4rem; height: .55rem; margin-right: .5rem; border-radius: 3px; vertical-align: middle;
  background: linear-gradient(to right, var(--bad) calc(var(--share) * 100%), var(--line) 0); }
tr.fail td:first-child { border-left: 3px solid var(--bad); } tr.pass td:first-child { border-left: 3px solid var(--full); }
a { color: #0969da; }
";

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in HTML text; show where they were.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The same summary in Markdown, for `$GITHUB_STEP_SUMMARY` or a file.
pub fn markdown(class: &Class) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Class report: {} (`{}`)\n",
        cell(&class.exercise_title),
        class.exercise
    );
    let _ = writeln!(
        out,
        "{} graded on {} in {} · learn {} · seed {}\n",
        submissions(class.entries.len()),
        class.date,
        seconds(class.duration),
        class.learn_version,
        class.seed
    );
    let _ = writeln!(
        out,
        "**Median** {} / {} · **mean** {:.1} · **pass rate** {} ({} of {}) · **did not run** {}\n",
        super::points(class.median),
        super::points(class.max_points),
        class.mean,
        percent(class.pass_rate()),
        class.passing,
        class.entries.len(),
        class.entries.len() - class.ran
    );
    out.push_str("| score | submissions | |\n| --- | ---: | --- |\n");
    let tallest = class.histogram.iter().copied().max().unwrap_or(0).max(1);
    for (band, &count) in class.histogram.iter().enumerate() {
        let bar = "█".repeat((count * 20).div_ceil(tallest));
        let _ = writeln!(out, "| {} | {count} | {bar} |", band_label(band));
    }
    out.push_str(
        "\n### Checks, most failed first\n\n| check | failed | most common failure | hint |\n| --- | ---: | --- | --- |\n",
    );
    for row in &class.checks {
        let failure = match &row.common_failure {
            Some((message, count)) => format!("{} ({count} of {})", cell(message), row.failed),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "| `{}` {} ({}) | {} of {} | {} | {} |",
            row.id,
            cell(&row.title),
            points_words(row.points),
            row.not_passed(),
            class.ran,
            failure,
            cell(&row.hint)
        );
    }
    let not_run: Vec<&Entry> = class.not_run().collect();
    if !not_run.is_empty() {
        out.push_str(
            "\n### Did not build or start\n\n| submission | status | why |\n| --- | --- | --- |\n",
        );
        for entry in not_run {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                cell(&entry.submission),
                status_words(&entry.status),
                cell(&entry.why.join(" ⏎ "))
            );
        }
    }
    out.push_str(
        "\n### Submissions\n\n| submission | score | checks passed | status | time |\n| --- | ---: | ---: | --- | ---: |\n",
    );
    for entry in &class.entries {
        let _ = writeln!(
            out,
            "| {} | {} / {} | {} of {} | {} | {} |",
            cell(&entry.submission),
            super::points(entry.score),
            super::points(entry.max),
            entry.passed,
            entry.passed + entry.failed,
            status_words(&entry.status),
            seconds(entry.duration)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_fall_in_tenths_and_full_marks_stand_alone() {
        assert_eq!(band(0.0, 16.0), 0);
        assert_eq!(band(1.5, 16.0), 0);
        assert_eq!(band(1.6, 16.0), 1);
        assert_eq!(band(15.99, 16.0), 9);
        assert_eq!(band(16.0, 16.0), 10);
        assert_eq!(band(3.0, 0.0), 0);
        assert_eq!(band_label(0), "0–9%");
        assert_eq!(band_label(10), "100%");
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&[]), 0.0);
        assert_eq!(median(&[3.0]), 3.0);
        assert_eq!(median(&[1.0, 2.0, 4.0, 9.0]), 3.0);
    }

    #[test]
    fn links_climb_out_and_encode_each_segment() {
        assert_eq!(
            relative_link(Path::new("/ci/out"), Path::new("/ci/reports/ann lee")),
            "../reports/ann%20lee/"
        );
        assert_eq!(
            relative_link(Path::new("/ci"), Path::new("/ci/reports/#1")),
            "reports/%231/"
        );
    }

    /// A class of three on hello-http: full marks, two failures, a failed build.
    fn three(checks: &[crate::course::Check]) -> Class {
        let ran = |failing: &[(&str, &str)]| -> Vec<(String, CheckStatus, Option<String>)> {
            checks
                .iter()
                .map(
                    |check| match failing.iter().find(|(id, _)| *id == check.id) {
                        Some((_, why)) => {
                            (check.id.clone(), CheckStatus::Failed, Some(why.to_string()))
                        }
                        None => (check.id.clone(), CheckStatus::Passed, None),
                    },
                )
                .collect()
        };
        let entry = |name: &str, score: f64, checks: Vec<(String, CheckStatus, Option<String>)>| {
            let passed = checks
                .iter()
                .filter(|(_, status, _)| *status == CheckStatus::Passed)
                .count();
            Entry {
                submission: name.to_string(),
                link: Some(format!("reports/{name}/")),
                score,
                max: 16.0,
                passed,
                failed: checks.len() - passed,
                status: if passed == checks.len() {
                    "passed"
                } else {
                    "failed"
                }
                .to_string(),
                passing: passed == checks.len(),
                duration: Duration::from_millis(2_340),
                why: Vec::new(),
                checks,
            }
        };
        let entries = vec![
            entry("ada", 16.0, ran(&[])),
            entry(
                "bo | b",
                13.0,
                ran(&[
                    ("health", "GET /health: status equals 200 — got 404"),
                    (
                        "echo-json",
                        "POST /echo: json $ equals {…} — got \"<html>\"",
                    ),
                ]),
            ),
            Entry::ungraded(
                "cy",
                "build_failed",
                "the build failed\nnpm ERR! missing script: start",
                Duration::from_millis(400),
            ),
        ];
        let batch = Batch {
            exercise: ("hello-http", "Hello, HTTP"),
            checks: checks
                .iter()
                .map(|check| CheckInfo {
                    id: check.id.clone(),
                    title: check.title.clone(),
                    points: check.points,
                    hint: check.hints[0].text.clone(),
                })
                .collect(),
            seed: 7,
            duration: Duration::from_millis(5_100),
        };
        let mut class = Class::new(&batch, entries);
        class.date = "2026-11-30 09:00 UTC".to_string();
        class
    }

    #[test]
    fn the_markdown_summary_reads_well() {
        let course = crate::course::Course::load(None).unwrap();
        let checks = course.exercise("hello-http").unwrap().checks().unwrap();
        let class = three(&checks);
        assert_eq!(
            (class.ran, class.passing, class.median, class.histogram[10]),
            (2, 1, 13.0, 1)
        );
        assert_eq!(class.checks[0].id, "health");
        insta::assert_snapshot!("class_markdown", markdown(&class));
        assert_eq!(
            class.gradebook_csv().lines().nth(2),
            Some("bo | b,13,16,10,2,failed,2.340")
        );
    }

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("alice"), "alice");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn text_cannot_become_markup() {
        assert_eq!(
            escape("<script>\"a\" & 'b'</script>\u{1b}"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;\u{FFFD}"
        );
    }
}
