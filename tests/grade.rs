//! `learn grade` as a CI job runs it: every format from one run, scores that add up,
//! and a report even when nothing could be checked.

mod common;

use std::fs;
use std::path::Path;

use serde_json::Value;

use common::{copy_dir, learn, mutants, processes_inside, repo};

fn ids_of_failed_testcases(xml: &str) -> (usize, Vec<String>) {
    let document = roxmltree::Document::parse(xml).expect("the JUnit report is XML");
    let cases: Vec<_> = document
        .descendants()
        .filter(|node| node.has_tag_name("testcase"))
        .collect();
    let failed = cases
        .iter()
        .filter(|case| case.children().any(|child| child.has_tag_name("failure")))
        .map(|case| case.attribute("name").unwrap().to_string())
        .collect();
    (cases.len(), failed)
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

#[test]
fn every_format_from_one_run_with_the_tracks_recipe() {
    let temp = tempfile::tempdir().unwrap();
    let sub = temp.path().join("submission");
    copy_dir(&repo().join("tests/solutions/hello-http/python"), &sub);
    fs::remove_file(sub.join("learn.toml")).unwrap();
    let app = sub.join("app.py");
    let source = fs::read_to_string(&app).unwrap();
    fs::write(
        &app,
        source.replace("jsonify(status=\"ok\")", "jsonify(status=\"OK\")"),
    )
    .unwrap();
    let out = temp.path().join("out");
    let summary = temp.path().join("summary.md");
    let grade = |extra: &[&str]| {
        learn(&temp.path().join("data"))
            .args([
                "grade",
                "--exercise",
                "hello-http",
                "--track",
                "python",
                "--seed",
                "3",
            ])
            .args(["--format", "json", "--output"])
            .arg(out.join("report.json"))
            .args(["--format", "junit", "--output"])
            .arg(out.join("junit.xml"))
            .args(["--format", "gradescope", "--output"])
            .arg(out.join("results.json"))
            .args(["--format", "tap", "--output"])
            .arg(out.join("report.tap"))
            .args(["--format", "html", "--output"])
            .arg(out.join("report.html"))
            .arg("--class-report")
            .arg(out.join("class.md"))
            .args(["--format", "github"])
            .args(extra)
            .arg(&sub)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .output()
            .unwrap()
    };
    let output = grade(&[]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let report: Value =
        serde_json::from_str(&fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(
        (
            report["summary"]["points"].as_f64(),
            report["summary"]["max_points"].as_f64()
        ),
        (Some(15.0), Some(16.0))
    );

    let (cases, failed) =
        ids_of_failed_testcases(&fs::read_to_string(out.join("junit.xml")).unwrap());
    assert_eq!((cases, failed), (12, vec!["health".to_string()]));

    let results: Value =
        serde_json::from_str(&fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    assert_eq!(
        keys(&results),
        ["execution_time", "max_score", "output", "score", "tests"]
    );
    let tests = results["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 12);
    for test in tests {
        assert_eq!(
            keys(test),
            [
                "max_score",
                "name",
                "output",
                "score",
                "status",
                "visibility"
            ]
        );
        assert_eq!(test["visibility"], "visible");
    }
    let sum: f64 = tests
        .iter()
        .map(|test| test["score"].as_f64().unwrap())
        .sum();
    let max: f64 = tests
        .iter()
        .map(|test| test["max_score"].as_f64().unwrap())
        .sum();
    assert_eq!(
        (results["score"].as_f64(), results["max_score"].as_f64()),
        (Some(sum), Some(max))
    );
    assert_eq!((sum, max), (15.0, 16.0));
    let failed: Vec<&Value> = tests
        .iter()
        .filter(|test| test["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(
        failed[0]["output"]
            .as_str()
            .unwrap()
            .contains("$.status: expected \"ok\", got \"OK\"")
    );

    let tap = fs::read_to_string(out.join("report.tap")).unwrap();
    assert!(tap.starts_with("TAP version 14\n1..12\n"));
    assert_eq!(tap.matches("\nnot ok ").count(), 1);

    let stdout = String::from_utf8(output.stdout).unwrap();
    let errors: Vec<&str> = stdout
        .lines()
        .filter(|line| line.starts_with("::error "))
        .collect();
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with("::error title=health%3A "));
    assert!(stdout.contains("::notice title=Autograding complete::Points 15/16"));
    let summary_text = fs::read_to_string(&summary).unwrap();
    assert!(summary_text.starts_with("## hello-http (python): 15/16 points"));
    assert_eq!(summary_text.matches("\n| ✅ |").count(), 11);
    assert_eq!(summary_text.matches("\n| ❌ |").count(), 1);

    // The class report of one: the same numbers, as a page and as Markdown.
    let page = scraper::Html::parse_document(&fs::read_to_string(out.join("report.html")).unwrap());
    assert!(page.errors.is_empty(), "{:?}", page.errors);
    let cells: Vec<String> = page
        .select(&scraper::Selector::parse("#submission-table td").unwrap())
        .map(|cell| cell.text().collect())
        .collect();
    assert_eq!(cells[..4], ["submission", "15 / 16", "11 of 12", "failed"]);
    let class = fs::read_to_string(out.join("class.md")).unwrap();
    assert!(class.contains("**pass rate** 0% (0 of 1)"), "{class}");
    assert!(
        class.contains("| `health` GET /health answers 200"),
        "{class}"
    );
    assert!(
        class.contains("| 90–99% | 1 | ████████████████████ |"),
        "{class}"
    );

    let passing_mark = grade(&["--min-score", "15"]);
    assert_eq!(passing_mark.status.code(), Some(0));

    // The same submission and seed give the same JSON report, apart from timings.
    let first = fs::read_to_string(out.join("report.json")).unwrap();
    grade(&[]);
    let second = fs::read_to_string(out.join("report.json")).unwrap();
    let (first_lines, second_lines) = (without_timings(&first), without_timings(&second));
    let differing = first_lines
        .lines()
        .zip(second_lines.lines())
        .find(|(a, b)| a != b);
    assert_eq!(differing, None, "the reports differ");
    assert_eq!(first_lines.lines().count(), second_lines.lines().count());
    assert!(first.contains("\"seed\": 3"));
}

/// A JSON report with durations and timestamps (the server's log, `Date` headers) blanked.
fn without_timings(report: &str) -> String {
    let rules = [
        (r#""duration_ms": \d+"#, "\"duration_ms\": 0"),
        (r"\[\d\d/\w+/\d{4} \d\d:\d\d:\d\d\]", "[TIME]"),
        (r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT", "[DATE]"),
    ];
    rules
        .iter()
        .fold(report.to_string(), |text, (pattern, blank)| {
            regex::Regex::new(pattern)
                .unwrap()
                .replace_all(&text, *blank)
                .into_owned()
        })
}

#[test]
fn the_flag_chooses_the_exercise_not_the_submission() {
    let temp = tempfile::tempdir().unwrap();
    let sub = temp.path().join("submission");
    // A hello-http solution handed in for crud-app: its learn.toml names the easier exercise.
    copy_dir(&repo().join("tests/solutions/hello-http/node"), &sub);
    let output = learn(&temp.path().join("data"))
        .args([
            "grade",
            "--exercise",
            "crud-app",
            "--format",
            "json",
            "--seed",
            "1",
        ])
        .arg(&sub)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["exercise"], "crud-app");
    assert_eq!(report["summary"]["checks"], 21);
    assert!(report["summary"]["passed"].as_u64().unwrap() < 21);
    let warnings = report["warnings"].as_array().unwrap();
    assert!(
        warnings[0]
            .as_str()
            .unwrap()
            .contains("names the exercise `hello-http`; it was graded on `crud-app`")
    );
}

#[test]
fn a_failed_build_still_writes_every_report_with_every_check() {
    let temp = tempfile::tempdir().unwrap();
    let sub = temp.path().join("submission");
    fs::create_dir_all(&sub).unwrap();
    fs::write(
        sub.join("learn.toml"),
        "exercise = \"hello-http\"\ntrack = \"python\"\nbuild = \"echo 'no such package' >&2; exit 1\"\nrun = \"true\"\n",
    )
    .unwrap();
    let out = temp.path().join("out");
    let output = learn(&temp.path().join("data"))
        .args([
            "grade",
            "--exercise",
            "hello-http",
            "--format",
            "junit",
            "--output",
        ])
        .arg(out.join("junit.xml"))
        .args(["--format", "json", "--output"])
        .arg(out.join("report.json"))
        .arg(&sub)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let report: Value =
        serde_json::from_str(&fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["outcome"], "build_failed");
    let checks = report["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 12);
    assert!(checks.iter().all(
        |check| check["status"] == "failed" && check["failure"] == "not run: the build failed"
    ));
    let (cases, failed) =
        ids_of_failed_testcases(&fs::read_to_string(out.join("junit.xml")).unwrap());
    assert_eq!((cases, failed.len()), (12, 12));
    assert!(!Path::new(&sub.join("checks.toml")).exists());
}

#[test]
fn a_batch_grades_each_submission_on_its_own() {
    let temp = tempfile::tempdir().unwrap();
    let subs = temp.path().join("submissions");
    let solution = repo().join("tests/solutions/hello-http/node");
    copy_dir(&solution, &subs.join("a-solution"));
    copy_dir(
        &repo().join("scaffolds/hello-http/node"),
        &subs.join("b-scaffold"),
    );
    let mutants = mutants("hello-http", "node");
    for (folder, name) in [
        ("c-mutant", "health-plain-text"),
        ("d-mutant", "greeting-always-json"),
    ] {
        copy_dir(&solution, &subs.join(folder));
        let mutant = mutants.iter().find(|m| m.name == name).unwrap();
        mutant.apply(&subs.join(folder)).unwrap();
    }
    for (folder, build, run) in [
        (
            "e-build-fails",
            "echo 'npm ERR! missing script' >&2; exit 1",
            "node server.js",
        ),
        (
            "f-never-listens",
            "",
            "node -e 'setInterval(() => {}, 1000)'",
        ),
    ] {
        fs::create_dir_all(subs.join(folder)).unwrap();
        let config = format!(
            "exercise = \"hello-http\"\ntrack = \"node\"\nbuild = {build:?}\nrun = {run:?}\n"
        );
        fs::write(subs.join(folder).join("learn.toml"), config).unwrap();
    }
    let reports = temp.path().join("reports");
    let gradebook = temp.path().join("gradebook.csv");
    let output = learn(&temp.path().join("data"))
        .args([
            "grade",
            "--exercise",
            "hello-http",
            "--each",
            "--jobs",
            "3",
            "--start-timeout",
            "3",
        ])
        .args(["--format", "json", "--format", "junit", "--report-dir"])
        .arg(&reports)
        .arg("--gradebook")
        .arg(&gradebook)
        .arg("--class-report")
        .arg(temp.path().join("class/report.html"))
        .arg(&subs)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", temp.path().join("summary.md"))
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let csv = fs::read_to_string(&gradebook).unwrap();
    let rows: Vec<Vec<&str>> = csv.lines().map(|line| line.split(',').collect()).collect();
    assert_eq!(
        rows[0],
        [
            "submission",
            "score",
            "max",
            "passed",
            "failed",
            "status",
            "duration"
        ]
    );
    let row = |name: &str| {
        rows.iter()
            .find(|row| row[0] == name)
            .unwrap_or_else(|| panic!("no row for {name}: {csv}"))
    };
    assert_eq!(row("a-solution")[1..6], ["16", "16", "12", "0", "passed"]);
    assert_eq!(row("b-scaffold")[5], "failed");
    assert_eq!(row("c-mutant")[1..6], ["15", "16", "11", "1", "failed"]);
    assert_eq!(row("d-mutant")[1..6], ["14", "16", "10", "2", "failed"]);
    assert_eq!(
        row("e-build-fails")[1..6],
        ["0", "16", "0", "12", "build_failed"]
    );
    assert_eq!(
        row("f-never-listens")[1..6],
        ["0", "16", "0", "12", "server_failed"]
    );
    assert_eq!(rows.len(), 7);
    for name in [
        "a-solution",
        "b-scaffold",
        "c-mutant",
        "d-mutant",
        "e-build-fails",
        "f-never-listens",
    ] {
        let report: Value = serde_json::from_str(
            &fs::read_to_string(reports.join(name).join("report.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(report["checks"].as_array().unwrap().len(), 12, "{name}");
        assert!(reports.join(name).join("junit.xml").is_file());
    }
    let scaffold: Value =
        serde_json::from_str(&fs::read_to_string(reports.join("b-scaffold/report.json")).unwrap())
            .unwrap();
    let passed = scaffold["summary"]["passed"].as_u64().unwrap();
    assert!((1..12).contains(&passed));
    assert_eq!(
        processes_inside(temp.path()),
        Vec::<String>::new(),
        "processes left behind"
    );
    class_report_matches_the_gradebook(&temp.path().join("class/report.html"), &csv);
    let summary = fs::read_to_string(temp.path().join("summary.md")).unwrap();
    assert!(
        summary.contains("## Class report: Hello, HTTP (`hello-http`)"),
        "{summary}"
    );
    assert!(
        summary.contains(
            "| e-build-fails | build failed | the build failed ⏎ npm ERR! missing script |"
        ),
        "{summary}"
    );
    assert!(
        summary.contains("| a-solution | 16 / 16 | 12 of 12 | passed |"),
        "{summary}"
    );
}

/// The class report says what the gradebook says, is HTML a browser parses without an
/// error, fetches nothing, and shows its histogram and check table in a real browser.
fn class_report_matches_the_gradebook(page: &Path, csv: &str) {
    let html = fs::read_to_string(page).unwrap();
    let document = scraper::Html::parse_document(&html);
    assert_eq!(
        document.errors,
        Vec::<std::borrow::Cow<str>>::new(),
        "HTML errors"
    );
    let select = |css: &str| scraper::Selector::parse(css).unwrap();
    for element in document.select(&select("[href], [src]")) {
        for attribute in ["href", "src"] {
            if let Some(url) = element.value().attr(attribute) {
                assert!(
                    !url.contains(':') && !url.starts_with("//"),
                    "an external URL: {url}"
                );
            }
        }
    }
    assert!(
        !html.contains("@import") && !html.contains("url("),
        "CSS that fetches"
    );
    let text = |element: scraper::ElementRef| element.text().collect::<String>();
    // One row per submission, with the gradebook's score and status, linking its folder.
    let rows: Vec<Vec<String>> = document
        .select(&select("#submission-table tbody tr"))
        .map(|row| row.select(&select("td")).map(text).collect())
        .collect();
    let book: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|line| line.split(',').collect())
        .collect();
    assert_eq!(rows.len(), book.len());
    for (row, line) in rows.iter().zip(&book) {
        assert_eq!(row[0], line[0]);
        assert_eq!(row[1], format!("{} / {}", line[1], line[2]));
        assert_eq!(row[3], line[5].replace('_', " "));
    }
    let links: Vec<&str> = document
        .select(&select("#submission-table a"))
        .map(|link| link.value().attr("href").unwrap())
        .collect();
    assert!(links.contains(&"../reports/a-solution/"), "{links:?}");
    // The histogram counts every submission once: one at full marks.
    let bars: Vec<u32> = document
        .select(&select("#histogram text.count"))
        .map(|count| text(count).parse().unwrap())
        .collect();
    assert_eq!(bars.len(), 11);
    assert_eq!(bars.iter().sum::<u32>() as usize, book.len());
    assert_eq!(bars[10], 1);
    let stats: Vec<String> = document.select(&select(".stat .value")).map(text).collect();
    let passing = book.iter().filter(|line| line[5] == "passed").count();
    let rate = 100.0 * passing as f64 / book.len() as f64;
    assert_eq!(
        stats[2],
        format!("{rate:.0}% ({passing} of {})", book.len())
    );
    assert_eq!(
        stats[3], "2",
        "the build failure and the server that never listened"
    );
    // The checks: most failed first, counted over the four that ran; the health check
    // (failed by the plain-text mutant) says how it failed.
    let checks: Vec<Vec<String>> = document
        .select(&select("#check-table tbody tr"))
        .map(|row| row.select(&select("td")).map(text).collect())
        .collect();
    assert_eq!(checks.len(), 12);
    let failed: Vec<usize> = checks
        .iter()
        .map(|row| row[1].split(' ').next().unwrap().parse().unwrap())
        .collect();
    assert!(
        failed.windows(2).all(|pair| pair[0] >= pair[1]),
        "{failed:?}"
    );
    assert!(
        checks.iter().all(|row| row[1].contains(" of 4")),
        "{checks:?}"
    );
    let health = checks
        .iter()
        .find(|row| row[0].starts_with("health"))
        .unwrap();
    assert!(health[2].contains("(1 of"), "{health:?}");
    let not_run: Vec<String> = document
        .select(&select("#not-run tbody tr"))
        .map(text)
        .collect();
    assert_eq!(not_run.len(), 2);
    assert!(not_run[0].contains("e-build-fails") && not_run[0].contains("npm ERR! missing script"));
    assert!(not_run[1].contains("f-never-listens"));
    browser_shows(page);
}

/// Headless Chromium lays the page out: the histogram's bars and the check table take
/// room on screen. The screenshot stays in target/tmp for a person to look at.
fn browser_shows(page: &Path) {
    let folder = page.parent().unwrap();
    let measure = folder.join("measure.html");
    let script = "<pre id=\"boxes\"></pre><script>\
        const box = (element) => { const b = element.getBoundingClientRect(); return [b.width, b.height]; };\
        document.getElementById('boxes').textContent = JSON.stringify({\
          bars: [...document.querySelectorAll('#histogram rect.bar')].map(box),\
          table: box(document.getElementById('check-table')),\
          rows: document.querySelectorAll('#check-table tbody tr').length });\
        </script></body>";
    let html = fs::read_to_string(page).unwrap().replace("</body>", script);
    fs::write(&measure, html).unwrap();
    let chromium = |args: &[&str], url: &Path| {
        let output = std::process::Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
            ])
            .arg(format!(
                "--user-data-dir={}",
                folder.join("chromium").display()
            ))
            .args(args)
            .arg(format!("file://{}", url.display()))
            .output()
            .expect("Debian's chromium package (.ci/run installs it)");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let dom = chromium(&["--window-size=1280,1800", "--dump-dom"], &measure);
    let start = dom
        .find("<pre id=\"boxes\">")
        .expect("the measuring script ran")
        + 16;
    let end = start + dom[start..].find("</pre>").unwrap();
    let boxes: Value = serde_json::from_str(&dom[start..end]).unwrap();
    let bars = boxes["bars"].as_array().unwrap();
    assert_eq!(bars.len(), 11);
    let visible = |size: &Value| size[0].as_f64().unwrap() > 1.0 && size[1].as_f64().unwrap() > 1.0;
    assert!(
        bars.iter().filter(|bar| visible(bar)).count() >= 2,
        "{boxes}"
    );
    assert!(visible(&boxes["table"]), "{boxes}");
    assert_eq!(boxes["rows"], 12);
    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("class-report.png");
    let _ = fs::remove_file(&screenshot);
    chromium(
        &[
            "--window-size=1280,2600",
            &format!("--screenshot={}", screenshot.display()),
        ],
        page,
    );
    let png = fs::read(&screenshot).expect("chromium took the screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "{} bytes",
        png.len()
    );
}

/// The `learn grade` line of a CI file, as arguments (the files quote nothing).
fn grade_line(file: &str) -> Vec<String> {
    let text = fs::read_to_string(repo().join("docs/ci").join(file)).unwrap();
    let readme = fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(
        readme.contains(text.trim_end()),
        "the README shows docs/ci/{file} as it is"
    );
    let lines: Vec<&str> = text
        .lines()
        .filter(|line| line.contains("learn grade "))
        .collect();
    assert_eq!(lines.len(), 1, "docs/ci/{file} runs learn grade once");
    let command = &lines[0][lines[0].find("learn grade ").unwrap()..];
    command
        .split_whitespace()
        .skip(1)
        .map(str::to_string)
        .collect()
}

#[test]
fn the_ready_ci_files_run_as_written() {
    let temp = tempfile::tempdir().unwrap();
    let sub = temp.path().join("submission");
    copy_dir(&repo().join("tests/solutions/crud-app/python"), &sub);
    let summary = temp.path().join("summary.md");
    let run = |args: &[String]| {
        learn(&temp.path().join("data"))
            .args(args)
            .current_dir(&sub)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .output()
            .unwrap()
    };

    let github = run(&grade_line("github-classroom.yml"));
    assert_eq!(
        github.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&github.stderr)
    );
    assert!(
        String::from_utf8_lossy(&github.stdout)
            .contains("::notice title=Autograding complete::Points 38/38")
    );
    assert_eq!(
        ids_of_failed_testcases(&fs::read_to_string(sub.join("junit.xml")).unwrap()).0,
        21
    );
    assert!(
        fs::read_to_string(&summary)
            .unwrap()
            .contains("38/38 points")
    );
    fs::remove_file(sub.join("junit.xml")).unwrap();

    let gitlab = run(&grade_line("gitlab-ci.yml"));
    assert_eq!(gitlab.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&gitlab.stdout).contains("All 21 checks passed"));
    assert_eq!(
        ids_of_failed_testcases(&fs::read_to_string(sub.join("junit.xml")).unwrap()),
        (21, Vec::new())
    );

    // Gradescope's fixed folders, moved under the test's own.
    let autograder = temp.path().join("autograder");
    let gradescope: Vec<String> = grade_line("run_autograder")
        .into_iter()
        .map(|arg| arg.replace("/autograder/", &format!("{}/", autograder.display())))
        .collect();
    let output = run(&gradescope);
    assert_eq!(output.status.code(), Some(0));
    let results: Value =
        serde_json::from_str(&fs::read_to_string(autograder.join("results/results.json")).unwrap())
            .unwrap();
    assert_eq!(
        (results["score"].as_f64(), results["max_score"].as_f64()),
        (Some(38.0), Some(38.0))
    );
}

/// `--timeout` bounds a whole grade: a server slow on every request (but never hung)
/// gets what it answered within the time, and the rest is not run.
#[test]
fn the_timeout_bounds_a_grade_whose_server_is_slow() {
    let temp = tempfile::tempdir().unwrap();
    let sub = temp.path().join("submission");
    fs::create_dir_all(&sub).unwrap();
    // Answers every request, 404, after 3 s: not hung, but a whole run would take
    // half a minute.
    let server = "import os, socket, time\ns = socket.socket()\ns.bind(('127.0.0.1', int(os.environ['PORT'])))\ns.listen(64)\nwhile True:\n    c, _ = s.accept()\n    if not c.recv(65536):\n        continue\n    time.sleep(3)\n    c.sendall(b'HTTP/1.1 404 Not Found\\r\\nContent-Length: 0\\r\\nConnection: close\\r\\n\\r\\n')\n    c.close()\n";
    fs::write(sub.join("server.py"), server).unwrap();
    fs::write(
        sub.join("learn.toml"),
        "exercise = \"hello-http\"\ntrack = \"python\"\nrun = \"python3 server.py\"\n",
    )
    .unwrap();
    let started = std::time::Instant::now();
    let output = learn(&temp.path().join("data"))
        .args([
            "grade",
            "--exercise",
            "hello-http",
            "--timeout",
            "8",
            "--format",
            "json",
        ])
        .arg(&sub)
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        elapsed < std::time::Duration::from_secs(20),
        "an 8 s grade took {elapsed:?}"
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let checks = report["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 12);
    assert!(checks.iter().all(|check| check["status"] == "failed"));
    // Two checks get their (slow) answers in 6 s; the third request gets what is left
    // of the 8 s, and the checks after it do not run.
    let failures: Vec<&str> = checks
        .iter()
        .map(|check| check["failure"].as_str().unwrap())
        .collect();
    assert_eq!(failures[0], "GET /: status equals 200 — got 404");
    assert_eq!(failures[1], "GET /health: status equals 200 — got 404");
    assert_eq!(failures[2], "the time limit of the whole run ran out");
    assert!(
        failures[3..]
            .iter()
            .all(|failure| *failure == "not run: the time limit of the whole run ran out"),
        "{failures:?}"
    );
    assert_eq!(processes_inside(temp.path()), Vec::<String>::new());
}

/// A secret in the grader's environment (a CI token) never reaches the build or the
/// server of a submission; what the toolchain needs (PATH, HOME, pip's cache) does.
#[test]
fn the_graders_environment_does_not_reach_the_submission() {
    let temp = tempfile::tempdir().unwrap();
    let sub = temp.path().join("submission");
    fs::create_dir_all(&sub).unwrap();
    fs::write(
        sub.join("learn.toml"),
        "exercise = \"hello-http\"\ntrack = \"python\"\nbuild = \"env > build-env.txt\"\nrun = \"python3 server.py\"\n",
    )
    .unwrap();
    fs::write(
        sub.join("server.py"),
        r#"import os
from http.server import BaseHTTPRequestHandler, HTTPServer
build = open("build-env.txt").read()
print("canary:", os.environ.get("LEARN_CANARY", "none"), "pip:", "PIP_CACHE_DIR" in os.environ, flush=True)
print("build canary:", "s3cret" in build, "path:", "PATH=" in build, "pip:", "PIP_CACHE_DIR=" in build, flush=True)
HTTPServer(("127.0.0.1", int(os.environ["PORT"])), BaseHTTPRequestHandler).serve_forever()
"#,
    )
    .unwrap();
    let output = learn(&temp.path().join("data"))
        .args(["grade", "--exercise", "hello-http", "--format", "json"])
        .arg(&sub)
        .env("LEARN_CANARY", "s3cret-token-42")
        .env("GITHUB_TOKEN", "s3cret-token-42")
        .env("PIP_CACHE_DIR", temp.path().join("pip-cache"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(!report.contains("s3cret-token-42"), "{report}");
    assert!(report.contains("canary: none pip: True"), "{report}");
    assert!(
        report.contains("build canary: False path: True pip: True"),
        "{report}"
    );
}

/// What a submission plants where learn reads or writes (a FIFO as a build input, a
/// `.learn` that points elsewhere, a report name that is a symlink) neither blocks learn
/// nor sends its writes outside; a report path that is a folder stops no other report.
#[test]
fn planted_files_neither_block_nor_redirect_learn() {
    let temp = tempfile::tempdir().unwrap();
    let sub = temp.path().join("submission");
    fs::create_dir_all(&sub).unwrap();
    fs::write(
        sub.join("learn.toml"),
        "exercise = \"hello-http\"\ntrack = \"python\"\nbuild = \"true\"\n\
         build_inputs = [\"fifo\", \"../outside.txt\", \"server.py\"]\nrun = \"python3 server.py\"\n",
    )
    .unwrap();
    fs::write(
        sub.join("server.py"),
        "import os\nfrom http.server import BaseHTTPRequestHandler, HTTPServer\n\
         HTTPServer((\"127.0.0.1\", int(os.environ[\"PORT\"])), BaseHTTPRequestHandler).serve_forever()\n",
    )
    .unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(sub.join("fifo"))
        .status()
        .unwrap();
    assert!(fifo.success());
    fs::write(temp.path().join("outside.txt"), "outside").unwrap();
    let elsewhere = temp.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, sub.join(".learn")).unwrap();
    let target = temp.path().join("target.txt");
    fs::write(&target, "untouched").unwrap();
    std::os::unix::fs::symlink(&target, sub.join("report.json")).unwrap();
    fs::create_dir_all(sub.join("junit.xml")).unwrap();

    let output = learn(&temp.path().join("data"))
        .current_dir(&sub)
        .args(["grade", "--exercise", "hello-http", "--start-timeout", "5"])
        .args(["--format", "junit", "--output", "junit.xml"])
        .args(["--format", "json", "--output", "report.json"])
        .arg(".")
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("junit.xml: it is a folder; name a file"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&target).unwrap(), "untouched");
    let written = fs::symlink_metadata(sub.join("report.json")).unwrap();
    assert!(written.is_file(), "the symlink is replaced by the report");
    let report: Value =
        serde_json::from_str(&fs::read_to_string(sub.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["outcome"], "failed");
    assert_eq!(
        fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "nothing written through .learn"
    );
    assert_eq!(
        fs::read_to_string(temp.path().join("outside.txt")).unwrap(),
        "outside"
    );
}

/// A submission whose learn.toml cannot be used (a symlink to a system file, a `run` of
/// white space) still gets every report asked for, at zero points, with exit code 2;
/// what the symlink points at is never read.
#[test]
fn an_unusable_learn_toml_still_gets_every_report() {
    let temp = tempfile::tempdir().unwrap();
    let secret = temp.path().join("secret.toml");
    fs::write(
        &secret,
        "exercise = \"hello-http\"\ntrack = \"node\"\nrun = \"echo s3cret-line\"\n",
    )
    .unwrap();
    for (name, plant) in [("symlink", true), ("blank-run", false)] {
        let sub = temp.path().join(name);
        fs::create_dir_all(&sub).unwrap();
        if plant {
            std::os::unix::fs::symlink(&secret, sub.join("learn.toml")).unwrap();
        } else {
            fs::write(
                sub.join("learn.toml"),
                "exercise = \"hello-http\"\ntrack = \"node\"\nrun = \"   \"\n",
            )
            .unwrap();
        }
        let out = temp.path().join(format!("{name}-out"));
        let output = learn(&temp.path().join("data"))
            .args(["grade", "--exercise", "hello-http"])
            .args(["--format", "json", "--output"])
            .arg(out.join("report.json"))
            .args(["--format", "junit", "--output"])
            .arg(out.join("junit.xml"))
            .args(["--format", "human"])
            .arg(&sub)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stdout}{stderr}");
        assert!(!stdout.contains("s3cret-line") && !stderr.contains("s3cret-line"));
        assert!(
            stdout.contains("The submission cannot be graded: its learn.toml cannot be used."),
            "{stdout}"
        );
        let report: Value =
            serde_json::from_str(&fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
        assert_eq!(report["outcome"], "config_error");
        assert_eq!(report["summary"]["points"], 0.0);
        assert_eq!(report["checks"].as_array().unwrap().len(), 12);
        let message = report["problem"]["message"].as_str().unwrap();
        let expected = if plant {
            "is a symbolic link"
        } else {
            "`run` is empty"
        };
        assert!(message.contains(expected), "{name}: {message}");
        let (cases, failed) =
            ids_of_failed_testcases(&fs::read_to_string(out.join("junit.xml")).unwrap());
        assert_eq!((cases, failed.len()), (12, 12));
    }
}

/// In grade mode the build runs under limits of its own (generous for pip and npm):
/// the shell that runs it reports them.
#[test]
fn the_build_runs_under_limits() {
    let temp = tempfile::tempdir().unwrap();
    let sub = temp.path().join("submission");
    fs::create_dir_all(&sub).unwrap();
    fs::write(
        sub.join("learn.toml"),
        "exercise = \"hello-http\"\ntrack = \"python\"\n\
         build = \"echo limits $(ulimit -t) $(ulimit -f) $(ulimit -d) $(ulimit -n); exit 1\"\n\
         run = \"python3 -c pass\"\n",
    )
    .unwrap();
    let output = learn(&temp.path().join("data"))
        .args(["grade", "--exercise", "hello-http", "--format", "json"])
        .arg(&sub)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "the build fails");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    // 600 s of CPU, 512 MiB files (in 512-byte blocks), 4 GiB of data memory (KiB),
    // 4096 open files.
    assert_eq!(
        report["problem"]["output"][0],
        "limits 600 1048576 4194304 4096"
    );
}

/// A report sent to a device (`--output /dev/stdout`, or here its /proc twin) is written
/// there, never put in its place by a rename.
#[test]
fn a_report_can_go_to_standard_output_by_name() {
    let temp = tempfile::tempdir().unwrap();
    let sub = temp.path().join("submission");
    fs::create_dir_all(&sub).unwrap();
    fs::write(
        sub.join("learn.toml"),
        "exercise = \"hello-http\"\ntrack = \"python\"\nbuild = \"exit 1\"\nrun = \"true\"\n",
    )
    .unwrap();
    let output = learn(&temp.path().join("data"))
        .args(["grade", "--exercise", "hello-http", "--format", "json"])
        .args(["--output", "/proc/self/fd/1"])
        .arg(&sub)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["outcome"], "build_failed");
}
