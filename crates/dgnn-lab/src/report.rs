//! The report of a finished experiment, `report.md`: the question and the design, the decision
//! rule as declared, the results with intervals and pictures, the verdict the rule gave, and
//! how the run was made.

use std::fmt::Write as _;

use crate::experiment::{Analysis, Experiment, Table};
use crate::rule::{Decision, Side, Status};
use crate::stats::Interval;

/// Facts about the run that the report states.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunFacts {
    /// Wall time of the items this process ran, in seconds.
    pub item_seconds: f64,
    /// Items kept from an earlier, stopped process.
    pub resumed_items: usize,
    /// Items in the run.
    pub items: usize,
}

/// An interval as `estimate [low, high]` with four significant digits.
#[must_use]
pub fn format_interval(interval: &Interval) -> String {
    format!(
        "{} [{}, {}]",
        significant(interval.estimate),
        significant(interval.low),
        significant(interval.high)
    )
}

/// The median of the finite `values` for a table cell ([`significant`]); "—" without any.
#[must_use]
pub fn median_cell(values: Vec<f64>) -> String {
    let m = crate::stats::median(values);
    if m.is_nan() { "—".into() } else { significant(m) }
}

/// A number with four significant digits, in plain or scientific notation.
#[must_use]
pub fn significant(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let magnitude = x.abs();
    if magnitude != 0.0 && !(1e-3..1e5).contains(&magnitude) {
        format!("{x:.3e}")
    } else {
        let decimals = if magnitude == 0.0 {
            0
        } else {
            (3 - magnitude.log10().floor() as i32).max(0) as usize
        };
        format!("{x:.decimals$}")
    }
}

/// A Markdown table.
#[must_use]
pub fn markdown_table(table: &Table) -> String {
    let mut text = String::new();
    if !table.title.is_empty() {
        let _ = writeln!(text, "**{}**\n", table.title);
    }
    let _ = writeln!(text, "| {} |", table.header.join(" | "));
    let _ = writeln!(text, "|{}|", vec!["---"; table.header.len()].join("|"));
    for row in &table.rows {
        let cells: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
        let _ = writeln!(text, "| {} |", cells.join(" | "));
    }
    text
}

fn side_text(side: Side) -> String {
    match side {
        Side::Above(t) => format!("lies above {}", significant(t)),
        Side::Below(t) => format!("lies below {}", significant(t)),
    }
}

fn status_text(status: Status) -> &'static str {
    match status {
        Status::Met => "met (the whole interval lies on the required side)",
        Status::Failed => "failed (the whole interval lies on the other side)",
        Status::Open => "open (the interval contains the threshold)",
        Status::Missing => "not estimable (too few usable items)",
    }
}

/// The whole report (module docs).
pub(crate) fn write_report<E: Experiment>(
    experiment: &E,
    config: &E::Config,
    analysis: &Analysis,
    decisions: &[Decision],
    version: &str,
    facts: &RunFacts,
) -> String {
    let info = experiment.info();
    let common = experiment.common(config);
    let level = common.bootstrap.level;
    let mut md = String::new();
    let _ = writeln!(md, "# Experiment `{}`\n", info.name);
    let _ = writeln!(md, "> {}\n", info.question);
    for (rule, decision) in common.rules.iter().zip(decisions) {
        let _ = writeln!(md, "**{}: {}.**\n", rule.claim, decision.verdict);
    }
    let _ = writeln!(md, "{}\n", analysis.answer);
    let _ = writeln!(md, "## Question and design\n\n{}\n", experiment.design(config).trim());
    let _ = writeln!(md, "## Decision rules (declared in the config before the run)\n");
    let _ = writeln!(
        md,
        "A claim is **supported** if every one of its conditions holds for the whole {:.0} % \
         interval, **not supported** if any interval lies wholly on the wrong side, and \
         **inconclusive** otherwise.\n",
        level * 100.0
    );
    for rule in &common.rules {
        let _ = writeln!(md, "Claim: *{}*\n", rule.claim);
        for c in &rule.conditions {
            let meaning = experiment
                .quantities()
                .iter()
                .find(|q| q.name == c.quantity)
                .map_or("", |q| q.meaning);
            let _ = writeln!(md, "- `{}` ({meaning}) {}", c.quantity, side_text(c.holds_if));
        }
        let _ = writeln!(md);
    }
    let _ = writeln!(md, "## Results\n");
    let _ = writeln!(
        md,
        "Intervals are {:.0} % percentile bootstrap intervals over {} seeds ({} resamples).\n",
        level * 100.0,
        common.seeds.len(),
        common.bootstrap.resamples
    );
    let mut estimates = Table {
        title: "Estimates of the declared quantities".into(),
        header: vec!["quantity".into(), "meaning".into(), "estimate [interval]".into()],
        rows: Vec::new(),
    };
    for quantity in experiment.quantities() {
        let shown = analysis.estimates.get(quantity.name).map_or("—".into(), format_interval);
        estimates.rows.push(vec![format!("`{}`", quantity.name), quantity.meaning.into(), shown]);
    }
    let _ = writeln!(md, "{}", markdown_table(&estimates));
    for table in &analysis.tables {
        let _ = writeln!(md, "{}", markdown_table(table));
    }
    for figure in &analysis.figures {
        let _ =
            writeln!(md, "![{}]({}.png)\n\n*{}*\n", figure.caption, figure.stem, figure.caption);
    }
    let _ = writeln!(md, "## Verdicts\n");
    for (rule, decision) in common.rules.iter().zip(decisions) {
        let _ = writeln!(md, "*{}*: **{}**\n", rule.claim, decision.verdict);
        for outcome in &decision.outcomes {
            let shown = outcome.interval.as_ref().map_or("—".into(), format_interval);
            let _ = writeln!(
                md,
                "- `{}` = {} (required: {}): {}",
                outcome.condition.quantity,
                shown,
                side_text(outcome.condition.holds_if),
                status_text(outcome.status)
            );
        }
        let _ = writeln!(md);
    }
    for note in &analysis.notes {
        let _ = writeln!(md, "{note}\n");
    }
    let _ = writeln!(md, "## How this was made\n");
    let _ = writeln!(
        md,
        "dgnn {version}; {} items (seeds {:?}); items run by this process took {:.0} s of wall \
         time{}. The full config is `config.ron`, one row per item is in `results.csv`, the \
         estimates and the decision are in `result.json`. Re-run with \
         `dgnn experiment {} config.ron`: every item depends only on the config, so the \
         numbers are the same for any thread count.",
        facts.items,
        common.seeds,
        facts.item_seconds,
        if facts.resumed_items > 0 {
            format!(" ({} items were kept from a stopped run)", facts.resumed_items)
        } else {
            String::new()
        },
        info.name,
    );
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_digits() {
        assert_eq!(significant(1234.5678), "1235");
        assert_eq!(significant(0.012_345_6), "0.01235");
        assert_eq!(significant(3.0), "3.000");
        assert_eq!(significant(4.2e8), "4.200e8");
        assert_eq!(significant(0.0), "0");
    }
}
