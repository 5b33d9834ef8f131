//! The end-of-sweep summary for a terminal: a few plain sentences of what the sweep found, the
//! key to the table's words and marks (before the table, so that it is read first), then
//! one row per init scheme (near-symmetric schemes folded into one block by ε), then the notes
//! a row cannot hold (trade-offs, divergence). Every line fits the terminal's width (`$COLUMNS`,
//! 80 when unknown): a table that would not fit becomes one short block per init, and every
//! line is wrapped at the width. What it says comes from [`super::findings`], the same findings
//! report.html and the charts word.

use super::answers::Answers;
use super::findings::{self, Finding};
use crate::format::{epochs, exponent, opt_epochs, share_range, value as lr};

/// The width a summary is laid out for when the terminal does not say.
pub const DEFAULT_COLUMNS: usize = 80;

/// The narrowest layout the summary supports; a smaller `$COLUMNS` is taken as this.
pub const MIN_COLUMNS: usize = 30;

/// The terminal's width: `$COLUMNS` when it is a number, else [`DEFAULT_COLUMNS`].
pub fn columns(env_columns: Option<&str>) -> usize {
    env_columns
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
        .unwrap_or(DEFAULT_COLUMNS)
        .max(MIN_COLUMNS)
}

/// `text` wrapped at `width` columns on spaces, later lines indented by `indent` spaces; a word
/// longer than a line is cut.
pub fn wrap(text: &str, width: usize, first_indent: usize, indent: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = " ".repeat(first_indent);
    let mut len = first_indent;
    let mut fresh = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let gap = usize::from(!fresh);
            if len + gap + word.len() <= width {
                if !fresh {
                    line.push(' ');
                }
                line.extend(word.iter());
                len += gap + word.len();
                fresh = false;
                break;
            }
            if fresh {
                // Alone on its line and still too long: cut it.
                let room = width.saturating_sub(len).max(1);
                let rest = word.split_off(room.min(word.len()));
                line.extend(word.iter());
                lines.push(std::mem::take(&mut line));
                word = rest;
            } else {
                lines.push(std::mem::take(&mut line));
            }
            line = " ".repeat(indent);
            len = indent;
            fresh = true;
            if word.is_empty() {
                break;
            }
        }
    }
    if !fresh || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// One row's cells: init, solved, tied-best rates and their shares, fastest and its speed.
fn row(f: &Finding, label: String) -> [String; 5] {
    let solved = format!("{}/{}", f.solved, f.nets);
    let (Some(fast), Some(rates), Some((lo, hi))) =
        (&f.fastest, &f.tied_best_text, f.tied_solved_range)
    else {
        return [
            label,
            solved,
            "none solved XOR".into(),
            String::new(),
            String::new(),
        ];
    };
    let shares = if f.one_net_per_rate {
        "one net".to_string()
    } else {
        share_range(lo, hi)
    };
    let more = f.fastest_lrs.len().saturating_sub(1);
    let fastest = if more > 0 {
        format!("{} +{more}", lr(fast.lr))
    } else {
        lr(fast.lr)
    };
    let median = opt_epochs(fast.median_solved_epoch);
    let speed = match fast.median_solved_epoch_ci95 {
        _ if f.one_net_per_rate => median,
        Some((a, b)) => format!("{median} ({}–{})", epochs(a), epochs(b)),
        None => format!("{median} (no CI)"),
    };
    [
        label,
        solved,
        rates.clone(),
        shares,
        format!("{fastest}: {speed}"),
    ]
}

/// The rows of the table: one per scheme, near-symmetric schemes of one family folded under a
/// heading line (None: a heading, with its text in the first cell).
fn rows(findings: &[Finding]) -> Vec<(Option<[String; 5]>, String)> {
    let mut out = Vec::new();
    let mut folded: Option<String> = None;
    for f in findings {
        let family = f.eps.map(|_| {
            let base = f.init.rsplit_once(':').map_or(f.init.as_str(), |(b, _)| b);
            base.to_string()
        });
        match family {
            Some(base) => {
                if folded.as_deref() != Some(base.as_str()) {
                    out.push((None, format!("{base}, by ε:")));
                    folded = Some(base);
                }
                let eps = f
                    .eps
                    .map_or(String::new(), |e| format!("  ε {}", exponent(e)));
                out.push((Some(row(f, eps)), String::new()));
            }
            None => {
                folded = None;
                out.push((Some(row(f, f.init.clone())), String::new()));
            }
        }
    }
    out
}

const HEAD: [&str; 5] = [
    "init",
    "solved",
    "tied-best rates",
    "share",
    "fastest: epochs (95% CI)",
];

/// The table, if it fits in `width` columns.
fn table(findings: &[Finding], width: usize, first: &'static str) -> Option<Vec<String>> {
    let rows = rows(findings);
    let mut head = HEAD;
    head[0] = first;
    let cells: Vec<&[String; 5]> = rows.iter().filter_map(|(r, _)| r.as_ref()).collect();
    let w: Vec<usize> = (0..5)
        .map(|i| {
            cells
                .iter()
                .map(|c| {
                    if i == 2 {
                        short_rates(&c[i])
                    } else {
                        c[i].clone()
                    }
                })
                .map(|c| c.chars().count())
                .chain([head[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |c: [&str; 5]| {
        let mut l = String::new();
        for (i, x) in c.iter().enumerate() {
            l.push_str(x);
            if i < 4 {
                l.push_str(&" ".repeat(w[i] - x.chars().count() + 2));
            }
        }
        l.trim_end().to_string()
    };
    let mut out = vec![line(head)];
    for (r, heading) in &rows {
        match r {
            Some(c) => out.push(line([&c[0], &c[1], &short_rates(&c[2]), &c[3], &c[4]])),
            None => out.push(heading.clone()),
        }
    }
    out.iter()
        .all(|l| l.chars().count() <= width)
        .then_some(out)
}

/// The table's short spelling of the tied rates: "(12)" for "(12 rates)", ", not 20.8" for
/// "(all but 20.8)".
fn short_rates(rates: &str) -> String {
    match rates.split_once(" (all but ") {
        Some((span, out)) => format!("{span}, not {}", out.trim_end_matches(')')),
        None => rates.replace(" rates)", ")"),
    }
}

/// Two lines per scheme (init and solved count, then the tied-best rates and their shares; the
/// fastest below), or where even that is too wide, three short lines.
fn blocks(findings: &[Finding], width: usize) -> Vec<String> {
    let rows = rows(findings);
    let cells: Vec<&[String; 5]> = rows.iter().filter_map(|(r, _)| r.as_ref()).collect();
    let w0 = cells
        .iter()
        .map(|c| c[0].chars().count())
        .max()
        .unwrap_or(0);
    let w1 = cells
        .iter()
        .map(|c| c[1].chars().count())
        .max()
        .unwrap_or(0);
    let two_lines = w0 + w1 + 4 <= width / 2;
    let mut out = Vec::new();
    for (r, heading) in &rows {
        let Some([init, solved, rates, shares, fastest]) = r else {
            out.extend(wrap(heading, width, 0, 2));
            continue;
        };
        let tied = if shares.is_empty() {
            rates.clone()
        } else {
            format!("tied-best {rates}, {shares}")
        };
        if two_lines {
            let pad = |x: &str, w: usize| format!("{x}{}", " ".repeat(w - x.chars().count()));
            let prefix = format!("{}  {}  ", pad(init, w0), pad(solved, w1));
            let indent = prefix.chars().count();
            let mut first = wrap(&tied, width, indent, indent);
            first[0] = format!("{prefix}{}", first[0].trim_start());
            out.extend(first);
            if !fastest.is_empty() {
                out.extend(wrap(
                    &format!("fastest {fastest}"),
                    width,
                    indent,
                    indent + 2,
                ));
            }
            continue;
        }
        // Folded ε rows keep their indent under their heading.
        let indent = init.len() - init.trim_start().len();
        out.extend(wrap(
            &format!("{} {solved} solved", init.trim()),
            width,
            indent,
            indent + 4,
        ));
        if !shares.is_empty() {
            out.extend(wrap(&tied, width, indent + 2, indent + 4));
            out.extend(wrap(
                &format!("fastest {fastest}"),
                width,
                indent + 2,
                indent + 4,
            ));
        }
    }
    out
}

/// What the table's words and marks mean, printed above it.
const KEY: &str = "Tied-best: learning rates whose 95% Wilson interval of the solved share overlaps the best one's (share: the range of their shares). Fastest: of the rates whose share may be within 10% of the best's (upper bound ≥ 0.9 × the best's lower bound), the lowest median epoch of solving, with its 95% order-statistic interval; +k: k more rates tied on speed (intervals overlap); (no CI): under 6 nets solved, too few for an interval; one net: a scheme with one net per rate. Every number: --json.";

/// The summary, laid out for `width` columns (see the module docs): the overview, what
/// matters, the key, the table, the notes.
pub fn render(answers: &Answers, width: usize) -> String {
    let findings = &answers.summary;
    let width = width.max(MIN_COLUMNS);
    let mut lines = vec!["What the sweep found:".to_string()];
    for s in answers.overview() {
        lines.extend(wrap(&s, width, 2, 2));
    }
    let matters = answers.matters_lines();
    if !matters.is_empty() {
        lines.push(String::new());
        lines.push("What matters (every number and the pooled averages: --json):".into());
        for s in matters {
            lines.extend(wrap(&s, width, 2, 4));
        }
    }
    lines.push(String::new());
    // The key before the figures it explains.
    lines.extend(wrap(KEY, width, 0, 0));
    lines.push(String::new());
    lines.extend(
        table(findings, width, answers.shape.row_words())
            .unwrap_or_else(|| blocks(findings, width)),
    );
    let notes: Vec<String> = findings
        .iter()
        .filter_map(|f| {
            let mut s = match findings::trade_off(f) {
                Some(t) => format!("{}: {t}", f.init),
                None if f.one_net_per_rate => f.sentence.clone(),
                None => String::new(),
            };
            if f.diverged > 0 {
                if s.is_empty() {
                    s = format!("{}:", f.init);
                }
                s.push_str(&format!(" {} nets diverged.", f.diverged));
            }
            (!s.is_empty()).then_some(s)
        })
        .collect();
    if !notes.is_empty() {
        lines.push(String::new());
        for n in notes {
            lines.extend(wrap(&n, width, 0, 2));
        }
    }
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_the_width_and_cuts_long_words() {
        let lines = wrap("one two three four five six", 10, 2, 4);
        assert_eq!(
            lines,
            ["  one two", "    three", "    four", "    five", "    six"]
        );
        let long = wrap("abcdefghijklmnop", 6, 0, 0);
        assert!(long.iter().all(|l| l.chars().count() <= 6), "{long:?}");
        assert_eq!(long.concat(), "abcdefghijklmnop");
        assert_eq!(wrap("", 10, 0, 0), [""]);
    }

    #[test]
    fn columns_come_from_the_environment_or_default_to_80() {
        assert_eq!(columns(None), 80);
        assert_eq!(columns(Some("120")), 120);
        assert_eq!(columns(Some("wide")), 80);
        assert_eq!(columns(Some("5")), MIN_COLUMNS);
    }
}
