//! `learn verify`'s table: per exercise, one row per subject and database, then every
//! problem in full.

use std::fmt::Write;

use colored::Colorize;

use crate::result::Proof;

pub fn render(proof: &Proof) -> String {
    let mut out = String::new();
    for exercise in &proof.exercises {
        let _ = writeln!(
            out,
            "\n{}  {} · {} · {} · {:.1} s of runs",
            exercise.id.bold(),
            count(exercise.checks, "check"),
            count(exercise.mutants, "mutant"),
            count(exercise.alternatives, "alternative"),
            exercise.duration_ms as f64 / 1000.0
        );
        let subject_width = exercise
            .rows
            .iter()
            .map(|row| row.subject.chars().count())
            .max()
            .unwrap_or(0);
        // The database column only for an exercise that has one.
        let database_width = if exercise.rows.iter().any(|row| row.database.is_some()) {
            "postgres".len()
        } else {
            0
        };
        for row in &exercise.rows {
            let mark = if row.ok { "✓".green() } else { "✗".red() };
            let time = if row.duration_ms > 0 {
                format!("{:>6.1} s", row.duration_ms as f64 / 1000.0)
            } else {
                String::new()
            };
            let line = format!(
                "  {mark} {:<subject_width$}  {:<database_width$}  {:<40} {time}",
                row.subject,
                row.database.as_deref().unwrap_or(""),
                row.result,
            );
            let _ = writeln!(out, "{}", line.trim_end());
        }
        for problem in &exercise.problems {
            let _ = writeln!(out, "  {} {problem}", "problem:".red().bold());
        }
    }
    let seconds = proof.duration_ms as f64 / 1000.0;
    let _ = writeln!(
        out,
        "\n{}",
        match proof.problems {
            0 => format!(
                "{} The course is proven ({}, seed {}, {seconds:.1} s).",
                "✓".green(),
                count(proof.exercises.len(), "exercise"),
                proof.seed
            ),
            n => format!(
                "{} {}: the course is not proven (seed {}, {seconds:.1} s).",
                "✗".red(),
                count(n, "problem"),
                proof.seed
            ),
        }
    );
    out
}

/// `1 check`, `3 checks`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
