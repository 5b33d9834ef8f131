//! what_matters.png: what each hyperparameter of an options sweep does, rate by rate (small
//! multiples, one panel per hyperparameter that takes two or more values, ranked by how much it
//! changes the best achievable share). In each panel one line per value: the share of nets that
//! solve XOR at each learning rate, pooled over the other hyperparameters, with its 95 % Wilson
//! interval. A pooled-over-everything dot per value (the view behind W&B's "parameter
//! importance") would average away an effect that reverses with the rate; the lines show it.
//! The numbers, the ranking and the sentences come from [`crate::report::matters`], which the
//! terminal summary and the page read too. Drawn only when the sweep varies a trainer option: a
//! sweep of the lesson's trainer keeps the charts it always had.

use plotters::prelude::*;

use super::axis::Axis;
use super::{
    Area, Backend, Heading, Hits, PAGE_WIDTH, Rendered, colour, finite_range, heading, hit_at,
    legend, line, png, svg,
};
use crate::format;
use crate::report::matters::{self, Matter};

pub const FILE: &str = "what_matters.png";

/// Drawn from the sweep's what-matters answer (`crate::report::answers::Answers`).
pub fn draw(matters: &[Matter]) -> anyhow::Result<Rendered> {
    let lrs = matters
        .iter()
        .flat_map(|m| m.levels.iter().flat_map(|l| l.by_lr.iter().map(|a| a.lr)));
    let (Some((lo, hi)), false) = (finite_range(lrs, true), matters.is_empty()) else {
        return Ok(Rendered::Skipped {
            file: FILE,
            why: "the sweep varies no trainer option".into(),
        });
    };
    let x = Axis::log(lo / 1.4, hi * 1.4);
    let n = matters.len();
    let cols = n.min(3);
    let rows = n.div_ceil(cols);
    let width = (460 * cols as u32 + 60).max(900);
    let height = 150 + 400 * rows as u32;
    let title = "What matters, rate by rate: the share of nets that solve XOR at each value of each hyperparameter";
    let subtitle = "one panel per hyperparameter, most important first (by the change in the best achievable share); one line per value: its share at each learning rate, pooled over the other hyperparameters; bars: 95% Wilson intervals";
    let png = png(width, height, |root| {
        let area = heading(root, title, subtitle)?;
        let panels = area.split_evenly((rows, cols));
        for (m, p) in matters.iter().zip(&panels) {
            panel(p, m, &x, &mut Hits::new())?;
        }
        Ok(())
    })?;
    let top = Heading::new(PAGE_WIDTH, title, subtitle).height;
    let svg = svg(top + 360 * n as u32, title, |root, hits| {
        let area = heading(root, title, subtitle)?;
        for (m, p) in matters.iter().zip(&area.split_evenly((n, 1))) {
            panel(p, m, &x, hits)?;
        }
        Ok(())
    })?;
    Ok(Rendered::Chart(super::Chart {
        file: FILE,
        title: title.into(),
        caption: caption(matters),
        png,
        svg,
    }))
}

/// The ranking, then the effects that depend on the rate (the page lists every finding).
fn caption(matters: &[Matter]) -> String {
    let mut s = String::from(
        "Solved share against the learning rate for each value of each hyperparameter, pooled over the others.",
    );
    if let Some(r) = matters::ranking(matters) {
        s.push(' ');
        s.push_str(&r);
    }
    for m in matters {
        for (c, l) in m.contrasts.iter().zip(&m.levels[1..]) {
            if !c.higher_at.is_empty() || !c.lower_at.is_empty() {
                s.push(' ');
                s.push_str(&matters::contrast_sentence(m.name, c, l));
            }
        }
    }
    s
}

/// One hyperparameter: a line per value over the learning rate, each point on its interval, a
/// legend naming each value with its best achievable share. The values' points are set a
/// little apart sideways so that their intervals do not hide each other.
fn panel<DB: Backend>(
    area: &Area<DB>,
    m: &Matter,
    x: &Axis,
    hits: &mut Hits,
) -> anyhow::Result<()> {
    let y = Axis::fraction();
    let mut chart = super::plot(
        area,
        Some(m.name),
        x,
        &y,
        "learning rate (log scale)",
        "solved",
    )?;
    let k = m.levels.len();
    for (i, (l, c)) in m.levels.iter().zip(colour::distinct(k)).enumerate() {
        let shift = 0.025 * (i as f64 - (k - 1) as f64 / 2.0);
        let pts: Vec<(f64, &matters::AtRate)> = l
            .by_lr
            .iter()
            .filter_map(|a| Some((x.to(a.lr)? + shift, a)))
            .filter(|(_, a)| a.share.share.is_finite())
            .collect();
        chart.draw_series(pts.iter().map(|(px, a)| {
            PathElement::new(
                vec![(*px, a.share.ci95.0), (*px, a.share.ci95.1)],
                c.mix(0.6).stroke_width(2),
            )
        }))?;
        let path: Vec<(f64, f64)> = pts.iter().map(|(px, a)| (*px, a.share.share)).collect();
        let name = match &l.best {
            Some(b) => format!(
                "{}: best {} (lr {})",
                l.value,
                format::share(b.cell.solved_fraction),
                format::value(b.cell.lr)
            ),
            None => format!("{}: never solved", l.value),
        };
        line(
            &mut chart,
            vec![path.clone()],
            c.stroke_width(2),
            Some(&name),
        )?;
        chart.draw_series(path.iter().map(|p| Circle::new(*p, 4, c.filled())))?;
        for (px, a) in &pts {
            let say = format!(
                "{} {} at learning rate {}: {} solved ({} of {}), 95% interval {}, pooled over the other hyperparameters",
                m.name,
                l.value,
                format::value(a.lr),
                format::share(a.share.share),
                a.share.solved,
                a.share.nets,
                format::share_range(a.share.ci95.0, a.share.ci95.1)
            );
            hit_at(&chart, (*px, a.share.share), say, hits);
        }
    }
    legend(&mut chart, SeriesLabelPosition::LowerLeft)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hyper::Setting;
    use crate::report::charts::data::{Cell, ChartData, test_cell};
    use crate::train::Activation;

    fn cell(id: u64, activation: Activation, lr: f64, solved: u64) -> Cell {
        let setting = Setting {
            options: crate::train::Options {
                activation,
                ..Default::default()
            },
            ..Setting::LESSON
        };
        test_cell(id, setting, lr, (solved, 100), None)
    }

    #[test]
    fn draws_a_line_per_value_and_skips_the_lesson_trainer() {
        let data = ChartData {
            cells: vec![
                cell(0, Activation::Sigmoid, 1.0, 10),
                cell(1, Activation::Sigmoid, 4.0, 30),
                cell(2, Activation::Tanh, 1.0, 90),
                cell(3, Activation::Tanh, 4.0, 70),
            ],
            ..ChartData::default()
        };
        assert!(super::super::fonts_registered());
        let Rendered::Chart(c) = draw(&matters::what_matters(&data)).unwrap() else {
            panic!("not drawn");
        };
        // Each value's line is labelled at its end, and each point reads out its numbers.
        assert!(
            c.svg.contains("sigmoid: best 30% (lr 4)") && c.svg.contains("tanh: best 90% (lr 1)")
        );
        assert!(
            c.svg
                .contains("activation tanh at learning rate 4: 70% solved (70 of 100)")
        );
        assert!(
            c.caption.contains(
                "activation tanh against sigmoid: solves more often at every learning rate"
            ),
            "{}",
            c.caption
        );
        let lesson_only = ChartData {
            cells: vec![
                cell(0, Activation::Sigmoid, 1.0, 10),
                cell(1, Activation::Sigmoid, 4.0, 30),
            ],
            ..ChartData::default()
        };
        assert!(matches!(
            draw(&matters::what_matters(&lesson_only)).unwrap(),
            Rendered::Skipped { .. }
        ));
    }
}
