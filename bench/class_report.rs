//! The class report of 100 graded submissions of crud-app: the model built from the
//! batch's results, then rendered as HTML and as Markdown.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use learn::course::Course;
use learn::report::class::{self, Batch, CheckInfo, Class, Entry};
use learn::result::CheckStatus;

fn hundred(checks: &[learn::course::Check]) -> Vec<Entry> {
    (0..100)
        .map(|n| {
            if n % 10 == 9 {
                return Entry::ungraded(
                    &format!("student-{n:03}"),
                    "build_failed",
                    "the build failed\nnpm ERR! code ENOENT\nnpm ERR! syscall open",
                    Duration::from_millis(300),
                );
            }
            let results: Vec<(String, CheckStatus, Option<String>)> = checks
                .iter()
                .enumerate()
                .map(|(index, check)| {
                    if (index * 7 + n) % 5 == 0 {
                        let why = format!("POST /posts: status equals 201 — got {}", 400 + n % 3);
                        (check.id.clone(), CheckStatus::Failed, Some(why))
                    } else {
                        (check.id.clone(), CheckStatus::Passed, None)
                    }
                })
                .collect();
            let passed = results
                .iter()
                .filter(|(_, status, _)| *status == CheckStatus::Passed)
                .count();
            Entry {
                submission: format!("student-{n:03}"),
                link: Some(format!("reports/student-{n:03}/")),
                score: passed as f64,
                max: checks.len() as f64,
                passed,
                failed: results.len() - passed,
                status: "failed".to_string(),
                passing: false,
                duration: Duration::from_millis(2_000 + n as u64),
                why: Vec::new(),
                checks: results,
            }
        })
        .collect()
}

fn class_report(c: &mut Criterion) {
    let course = Course::load(None).expect("the built-in course loads");
    let exercise = course
        .exercise("crud-app")
        .expect("crud-app is in the course");
    let checks = exercise.checks().expect("its checks load");
    let batch = Batch {
        exercise: ("crud-app", "A CRUD app"),
        checks: checks
            .iter()
            .map(|check| CheckInfo {
                id: check.id.clone(),
                title: check.title.clone(),
                points: check.points,
                hint: check.hints[0].text.clone(),
            })
            .collect(),
        seed: 1,
        duration: Duration::from_secs(120),
    };
    c.bench_function("class report of 100: model, HTML and Markdown", |b| {
        b.iter(|| {
            let class = Class::new(&batch, hundred(&checks));
            (class::html(&class).len(), class::markdown(&class).len())
        })
    });
    let class = Class::new(&batch, hundred(&checks));
    println!(
        "HTML {} bytes, Markdown {} bytes",
        class::html(&class).len(),
        class::markdown(&class).len()
    );
}

criterion_group!(benches, class_report);
criterion_main!(benches);
