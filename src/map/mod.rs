//! `xorsweep map`: trainability maps. One net per pixel over a plane of two hyperparameters
//! (per-layer learning rates, an offset or scale of the initial weights, the gap of a
//! near-symmetric net), trained in lanes across threads, drawn as a picture of which nets learn
//! XOR, with the box-counting dimension of the boundary and zoom sequences into it — the
//! experiment of Sohl-Dickstein, "The boundary of neural network trainability is fractal"
//! (2024), on the lesson's 2-2-1 net.
//!
//! [`spec`] holds the typed config (flags and map.toml are one [`spec::MapPatch`]), [`compute`]
//! trains (no I/O), [`fractal`] measures the boundary, [`chaos`] how much of it is rounding,
//! [`draw`] colours the pictures (drawn by the pixel-grid charts of `report::charts::map`), and
//! [`output`] turns it all into bytes and writes them through one function. [`make`] runs a
//! map and returns what the caller prints; [`dry_run`] makes the same checks and sizes it up
//! without writing.

pub mod chaos;
pub mod compute;
pub mod draw;
pub mod fractal;
pub mod output;
pub mod page;
pub mod spec;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use serde::Serialize;

use crate::format::{percent, tick as tick_label};
use crate::outdir::{Mode, OutDir};
use crate::report::charts::map as chart;
use crate::report::manifest::RunInfo;
use crate::train::options::HyperParam;
use chaos::{BoundaryChaos, Chaos, Nudge, Sample};
use compute::Pixel;
use fractal::{Dimension, Dimensions, Target};
use spec::{AxisSpec, MapConfig, MapSpec, Verdict};

/// Where and how a map is made (the command line's part that is not the map itself).
#[derive(Clone, Debug)]
pub struct Destination {
    pub out: PathBuf,
    pub force: bool,
    /// Worker threads (None: all cores).
    pub threads: Option<usize>,
    /// No progress bar.
    pub quiet: bool,
}

impl Destination {
    fn mode(&self) -> Mode {
        if self.force { Mode::Force } else { Mode::New }
    }

    fn pool(&self) -> anyhow::Result<rayon::ThreadPool> {
        let mut builder = rayon::ThreadPoolBuilder::new();
        if let Some(t) = self.threads {
            builder = builder.num_threads(t);
        }
        builder.build().context("starting worker threads")
    }
}

/// The files a map of `spec` writes, frames at most as `frames/…` (a zoom sequence may stop
/// sooner), manifest.json last.
fn file_names(spec: &MapSpec) -> Vec<String> {
    let mut names: Vec<String> = output::OUTPUTS
        .iter()
        .filter(|f| spec.csv || **f != "map.csv")
        .map(|f| f.to_string())
        .collect();
    if spec.zoom_sequence > 1 {
        let n = spec.zoom_sequence;
        names.insert(
            names.len() - 1,
            format!(
                "{}/frame-01.png … frame-{n:02}.png (up to {n} frames)",
                output::FRAMES
            ),
        );
        names.insert(
            names.len() - 1,
            format!("{}/contact-sheet.png", output::FRAMES),
        );
    }
    names
}

/// Size up a map without writing anything (see [`DryRun`]): the run's own checks of the
/// output folder and threads first, so that it refuses what the run would refuse.
pub fn dry_run(spec: &MapSpec, to: &Destination) -> anyhow::Result<DryRun> {
    OutDir::check(&to.out, to.mode(), "--out", &output::LAYOUT)?;
    let pool = to.pool()?;
    let threads = pool.current_num_threads();
    // Calibrate on the map's own first rows: about 512 nets a thread, at most 200 epochs.
    let rows = (512 * threads as u32).div_ceil(spec.x.n).clamp(1, spec.y.n);
    let sample = MapSpec {
        y: AxisSpec { n: rows, ..spec.y },
        epochs: spec.epochs.min(200),
        ..spec.clone()
    };
    let hidden = indicatif::ProgressBar::hidden();
    // Best of three short runs: a busy machine only ever slows a run down.
    let (mut best, mut pixels) = (f64::INFINITY, Vec::new());
    for _ in 0..3 {
        let t = Instant::now();
        pixels = pool.install(|| compute::compute(&sample, &hidden));
        best = best.min(t.elapsed().as_secs_f64());
    }
    let rate = sample.pixels() as f64 * f64::from(sample.epochs) / best.max(1e-9);
    // The boundary's share of the calibration rows stands for the frame's.
    let verdicts: Vec<bool> = pixels.iter().map(|p| p.verdict(spec.verdict())).collect();
    let on_boundary = chaos::boundary_pixels(&verdicts, spec.x.n as usize, rows as usize).len();
    let boundary = (on_boundary * spec.pixels() / verdicts.len().max(1)).min(chaos::MAX_BOUNDARY);
    let sampled = Sample::of(spec.x.n as usize, spec.y.n as usize)
        .pixels
        .len();
    let frames = spec.zoom_sequence.max(1);
    let expected = (spec.pixels() + sampled + 3 * boundary) * frames as usize;
    let nets = nets_per_frame(spec) * frames as usize;
    let net_epochs = nets as f64 * f64::from(spec.epochs);
    Ok(DryRun {
        out: to.out.clone(),
        nx: spec.x.n,
        ny: spec.y.n,
        pixels_per_frame: spec.pixels(),
        frames,
        epochs: spec.epochs,
        nets,
        net_epochs,
        threads,
        calibrated_net_epochs_per_second: rate,
        estimated_seconds: expected as f64 * f64::from(spec.epochs) / rate,
        files: file_names(spec),
    })
}

/// One computed frame: its spec, pixels, boundary and chaos.
struct Frame {
    spec: MapSpec,
    zoom: f64,
    pixels: Vec<Pixel>,
    trained: f64,
    converged: f64,
    dimension: Option<Dimension>,
    dimensions: Option<Dimensions>,
    chaos: Chaos,
    boundary: BoundaryChaos,
    collapse: Option<String>,
    /// Nets trained for it, the nudged ones included.
    nets: usize,
    /// Where the sequence went next, and the axes of the next frame, if it went on.
    next: Option<(Target, AxisSpec, AxisSpec)>,
}

impl Frame {
    /// Rounding decides the boundary at pixel scale, or neighbouring pixels are the same net.
    fn rounding_dominated(&self) -> bool {
        self.boundary.rounding_dominated || self.collapse.is_some()
    }
}

/// What a map says about one frame (manifest.json, the terminal, map.html).
#[derive(Clone, Debug, Serialize)]
pub struct FrameInfo {
    pub frame: usize,
    pub zoom: f64,
    pub x: AxisSpec,
    pub y: AxisSpec,
    pub trained_fraction: f64,
    pub converged_fraction: f64,
    /// The verdict whose boundary is measured: trained or converged.
    pub boundary: &'static str,
    /// Over the whole frame (a sample of it): lenient, most pixels lie far from the boundary.
    pub chaotic_share: Chaos,
    /// On the boundary, under three nudges (see `chaos`): what decides `rounding_dominated`.
    pub boundary_chaos: BoundaryChaos,
    /// Neighbouring pixels whose axis values are the same number in the lanes' precision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub axis_collapse: Option<String>,
    /// Box counting of the primary boundary (2×2 blocks) at the frame's resolution.
    pub dimension: Option<Dimension>,
    /// Both boundary definitions at this and coarser resolutions: a fractal dimension with its
    /// range unless `rounding_dominated`.
    pub dimensions: Option<Dimensions>,
    /// One-ulp nudges flip at least half as many boundary pixels as a half-pixel shift, or the
    /// axes collapse: the box count measures rounding, not a fractal boundary.
    pub rounding_dominated: bool,
    /// Where the zoom went next: the target's local boundary chaos and intricacy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_target: Option<Target>,
}

impl FrameInfo {
    /// "dimension 1.49 (1.32–1.73)", or the box count labelled as rounding-dominated.
    pub fn dimension_text(&self) -> String {
        let count = self.dimensions.as_ref().map(|d| d.text());
        match (&self.axis_collapse, count) {
            (Some(c), Some(d)) => {
                format!("axes collapse ({c}): box count {d}, not a fractal dimension")
            }
            (Some(c), None) => format!("axes collapse ({c}): no dimension"),
            (None, None) => "no dimension (no boundary, or under 16 pixels a side)".into(),
            (None, Some(d)) if self.rounding_dominated => {
                format!("rounding-dominated (box count {d}, not a fractal dimension)")
            }
            (None, Some(d)) => format!("dimension {d}"),
        }
    }

    /// "one ulp flips 1.2 % (0.8–1.9), ½ pixel 41.0 %": the boundary chaos under a thumbnail.
    pub fn boundary_chaos_short(&self) -> String {
        let b = &self.boundary_chaos;
        if b.sampled == 0 {
            return "no boundary".into();
        }
        let ulp = b.ulp();
        format!(
            "one ulp flips {} ({}–{}), ½ pixel {}",
            percent(ulp.share),
            crate::format::fixed(100.0 * ulp.wilson.0, 1),
            crate::format::fixed(100.0 * ulp.wilson.1, 1),
            percent(b.half_pixel.share)
        )
    }

    /// "boundary chaos 1.2 % (0.8–1.9 %) vs 41.0 % (…) for half a pixel".
    pub fn boundary_chaos_text(&self) -> String {
        let b = &self.boundary_chaos;
        if b.sampled == 0 {
            return "no boundary".into();
        }
        let ulp = b.ulp();
        format!(
            "boundary chaos {} vs {} for half a pixel",
            ulp.text(),
            b.half_pixel.text()
        )
    }

    /// "chaotic 3.2 % (of 4096)".
    pub fn chaos_text(&self) -> String {
        let c = &self.chaotic_share;
        let of = if c.stride == 1 {
            "all pixels".to_string()
        } else {
            format!("a sample of {}", c.sampled)
        };
        format!("chaotic {} ({of})", percent(c.share))
    }
}

/// What a finished map reports (`map --json` prints it).
#[derive(Debug, Serialize)]
pub struct Made {
    pub out: PathBuf,
    /// The page to open: `out`/map.html.
    pub html: PathBuf,
    /// Every file written in `out`, manifest.json last.
    pub files: Vec<String>,
    pub nx: u32,
    pub ny: u32,
    pub epochs: u32,
    pub frames: Vec<FrameInfo>,
    /// Nets trained, the nudged ones of the chaotic shares included.
    pub nets: usize,
    pub training_seconds: f64,
    pub net_epochs: f64,
    /// Why a zoom sequence stopped early.
    pub note: Option<String>,
}

/// What `map --dry-run` reports: the map's size, an estimate of its time from a short
/// calibration run of its own first pixels, and the files it would write. Nothing is written.
#[derive(Debug, Serialize)]
pub struct DryRun {
    pub out: PathBuf,
    pub nx: u32,
    pub ny: u32,
    pub pixels_per_frame: usize,
    /// Frames at most (a zoom sequence may stop sooner).
    pub frames: u32,
    pub epochs: u32,
    /// Nets at most: every frame's pixels, the nudged sample of its chaotic share and up to
    /// [`chaos::MAX_BOUNDARY`] boundary pixels under each of three nudges.
    pub nets: usize,
    pub net_epochs: f64,
    pub threads: usize,
    /// Net-epochs per second of the calibration run (this machine, these threads).
    pub calibrated_net_epochs_per_second: f64,
    pub estimated_seconds: f64,
    /// The files the map would write in `out`.
    pub files: Vec<String>,
}

impl Frame {
    fn info(&self, k: usize) -> FrameInfo {
        FrameInfo {
            frame: k + 1,
            zoom: self.zoom,
            x: self.spec.x,
            y: self.spec.y,
            trained_fraction: self.trained,
            converged_fraction: self.converged,
            boundary: self.spec.verdict().name(),
            chaotic_share: self.chaos.clone(),
            boundary_chaos: self.boundary.clone(),
            axis_collapse: self.collapse.clone(),
            dimension: self.dimension.clone(),
            dimensions: self.dimensions.clone(),
            rounding_dominated: self.rounding_dominated(),
            next_target: self.next.map(|n| n.0),
        }
    }
}

fn title(spec: &MapSpec) -> String {
    format!(
        "Which nets {}: {} × {}",
        match spec.verdict() {
            Verdict::Trained => "learn XOR",
            Verdict::Converged => "converge",
        },
        spec.x.kind.description(),
        spec.y.kind.description()
    )
}

/// "f64 lanes", "double-double (dd) lanes".
fn lanes_text(p: crate::train::Precision) -> String {
    match p {
        crate::train::Precision::Dd => "double-double (dd) lanes".into(),
        other => format!("{other} lanes"),
    }
}

fn subtitle(f: &Frame, info: &FrameInfo) -> String {
    let s = &f.spec;
    let mut parts = vec![format!(
        "{}\u{a0}×\u{a0}{} nets, one per pixel, {} epochs each",
        s.x.n, s.y.n, s.epochs
    )];
    if f.zoom > 1.0 {
        parts.push(format!("zoom {}×", tick_label(f.zoom)));
    }
    parts.push(format!("base net: {}", s.init));
    if s.precision != crate::train::Precision::F64 {
        parts.push(lanes_text(s.precision));
    }
    let trainer = trainer_text(s);
    if !trainer.is_empty() {
        parts.push(trainer);
    }
    parts.push(match s.verdict() {
        Verdict::Trained => format!(
            "{} trained (all four outputs right after the last epoch)",
            percent(f.trained)
        ),
        Verdict::Converged => format!(
            "{} converged (every loss finite, mean loss/loss₀ below 1)",
            percent(f.converged)
        ),
    });
    parts.push(format!(
        "{} boundary {}",
        s.verdict().name(),
        info.dimension_text()
    ));
    parts.push(info.boundary_chaos_text());
    let diverged = f.pixels.iter().filter(|p| p.diverged).count();
    if diverged > 0 {
        parts.push(format!("{diverged} diverged (black)"));
    }
    parts.join("; ")
}

/// The trainer the axes do not set, as a person reads it: `tanh · linear output · learning
/// rate 2` (the lesson's options are not named).
fn trainer_text(s: &MapSpec) -> String {
    let kinds = [s.x.kind, s.y.kind];
    let mut hyper = s.hyper;
    for &p in HyperParam::ALL {
        if kinds.iter().any(|k| k.sets(p)) {
            hyper.set(p, p.default());
        }
    }
    let setting = crate::hyper::Setting::of(&hyper, s.options, false);
    let mut parts = vec![setting.describe()];
    let sets = |p: HyperParam| kinds.iter().any(|k| k.sets(p));
    let (h, o) = (s.hyper.lr_hidden, s.hyper.lr_out);
    match (sets(HyperParam::LrHidden), sets(HyperParam::LrOut)) {
        (false, false) if h == o => parts.push(format!("learning rate {}", tick_label(h))),
        (false, false) => parts.push(format!(
            "learning rates {} (hidden), {} (output)",
            tick_label(h),
            tick_label(o)
        )),
        (false, true) => parts.push(format!("hidden learning rate {}", tick_label(h))),
        (true, false) => parts.push(format!("output learning rate {}", tick_label(o))),
        (true, true) => {}
    }
    parts.retain(|p| !p.is_empty());
    parts.join(" · ")
}

/// The verdicts of the pixels `sample` of `spec` under `nudge`; None if `stop` said stop.
fn nudged_verdicts(
    spec: &MapSpec,
    sample: &[usize],
    nudge: Nudge,
    (pool, pb): (&rayon::ThreadPool, &indicatif::ProgressBar),
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<bool>> {
    let pixels = pool.install(|| compute::compute_nudged(spec, sample, nudge, pb, stop))?;
    Some(pixels.iter().map(|p| p.verdict(spec.verdict())).collect())
}

/// The boundary chaos of a map whose pixels have `verdicts`: its boundary pixels trained again
/// under the three nudges (see `chaos`); None if `stop` said stop. What decides that a frame
/// of a map, or a view of `xorsweep serve`, is rounding-dominated.
pub fn boundary_chaos(
    spec: &MapSpec,
    verdicts: &[bool],
    (pool, pb): (&rayon::ThreadPool, &indicatif::ProgressBar),
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<BoundaryChaos> {
    let (nx, ny) = (spec.x.n as usize, spec.y.n as usize);
    let on_boundary = chaos::boundary_pixels(verdicts, nx, ny);
    let picked = chaos::boundary_sample(&on_boundary);
    pb.inc_length(3 * picked.len() as u64);
    let mut flips = Vec::with_capacity(3);
    for nudge in Nudge::ALL {
        flips.push(nudged_verdicts(spec, &picked, nudge, (pool, pb), stop)?);
    }
    Some(BoundaryChaos::measure(
        verdicts,
        on_boundary.len(),
        &picked,
        [&flips[0], &flips[1], &flips[2]],
    ))
}

/// Whether rounding decides a map's pixels, in the words of its manifest and map.html, by the
/// rule of [`FrameInfo::rounding_dominated`]: neighbouring axis values collapse (`collapse`),
/// or one-ulp nudges flip at least half as many boundary pixels as half a pixel does.
pub fn rounding_text(b: &BoundaryChaos, collapse: Option<&str>) -> String {
    if let Some(c) = collapse {
        return format!(
            "rounding decides pixels here: neighbouring axis values collapse ({c}), so pixels repeat one net"
        );
    }
    if b.sampled == 0 {
        return "no boundary here to measure rounding on".into();
    }
    let flips = format!(
        "one-ulp nudges flip {} of boundary pixels vs {} for half a pixel",
        b.ulp().text(),
        b.half_pixel.text()
    );
    if b.rounding_dominated {
        format!("rounding decides pixels here ({flips})")
    } else {
        format!("the dynamics decide pixels here, not rounding ({flips})")
    }
}

/// "12 of 199 neighbouring x values are the same f32": neighbouring pixels of an axis that the
/// lanes see as one number; None if every pixel has its own.
pub fn collapse(spec: &MapSpec) -> Option<String> {
    let same = |a: &AxisSpec| {
        let lane = |i: u32| compute::lane_value(a.value(i), spec.precision);
        (1..a.n).filter(|&i| lane(i) == lane(i - 1)).count()
    };
    let words: Vec<String> = [("x", &spec.x), ("y", &spec.y)]
        .into_iter()
        .map(|(name, a)| (name, a.n, same(a)))
        .filter(|t| t.2 > 0)
        .map(|(name, n, k)| {
            format!(
                "{k} of {} neighbouring {name} values are the same {}",
                n - 1,
                spec.precision
            )
        })
        .collect();
    (!words.is_empty()).then(|| words.join(", "))
}

/// Train one frame, its nudged samples (the whole frame's, then the boundary's under each
/// nudge), and measure it.
fn frame(
    spec: MapSpec,
    zoom: f64,
    pool: &rayon::ThreadPool,
    pb: &indicatif::ProgressBar,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<(Frame, Vec<bool>)> {
    let (nx, ny) = (spec.x.n as usize, spec.y.n as usize);
    let pixels = pool.install(|| compute::compute_until(&spec, pb, stop))?;
    let verdicts: Vec<bool> = pixels.iter().map(|p| p.verdict(spec.verdict())).collect();
    let sample = Sample::of(nx, ny);
    let nudged = nudged_verdicts(&spec, &sample.pixels, Nudge::Axes, (pool, pb), stop)?;
    let chaos = Chaos::measure(&verdicts, &sample, &nudged, spec.precision);
    let boundary = boundary_chaos(&spec, &verdicts, (pool, pb), stop)?;
    let mask = fractal::boundary(&verdicts, nx, ny);
    let dimension = fractal::box_dimension(&mask, nx.saturating_sub(1), ny.saturating_sub(1));
    let share =
        |f: fn(&Pixel) -> bool| pixels.iter().filter(|p| f(p)).count() as f64 / pixels.len() as f64;
    let (trained, converged) = (share(|p| p.trained), share(|p| p.converged));
    Some((
        Frame {
            nets: pixels.len() + sample.pixels.len() + 3 * boundary.sampled,
            dimensions: fractal::dimensions(&verdicts, nx, ny),
            collapse: collapse(&spec),
            spec,
            zoom,
            pixels,
            trained,
            converged,
            dimension,
            chaos,
            boundary,
            next: None,
        },
        mask,
    ))
}

/// Nets a frame trains at most: its pixels, the whole frame's nudged sample and up to
/// [`chaos::MAX_BOUNDARY`] boundary pixels under each of the three nudges.
fn nets_per_frame(spec: &MapSpec) -> usize {
    let (nx, ny) = (spec.x.n as usize, spec.y.n as usize);
    spec.pixels() + Sample::of(nx, ny).pixels.len() + 3 * spec.pixels().min(chaos::MAX_BOUNDARY)
}

/// Where a zoom sequence goes after `frame` (the `k`-th): the next frame and its zoom, or why
/// it stops there.
fn next_frame(frame: &mut Frame, mask: &[bool], k: usize) -> Result<(MapSpec, f64), String> {
    let (nx, ny) = (frame.spec.x.n as usize, frame.spec.y.n as usize);
    if let Some(c) = &frame.collapse {
        return Err(format!(
            "zoom sequence stopped after frame {k}: {c}, so deeper frames cannot tell pixels apart"
        ));
    }
    let local = frame.boundary.local(nx, ny);
    // Blocks [i0, i1) × [j0, j1) cover pixels [i0, i1 + 1) × [j0, j1 + 1).
    let chaos = |(i0, j0): (usize, usize), (i1, j1): (usize, usize)| {
        local.share((i0, j0), ((i1 + 1).min(nx), (j1 + 1).min(ny)))
    };
    let Some(target) = fractal::zoom_target(mask, nx - 1, ny - 1, chaos::CALM, chaos) else {
        return Err(format!(
            "zoom sequence stopped after frame {k}: it has no boundary to zoom into"
        ));
    };
    if frame.rounding_dominated() && !target.calm {
        return Err(format!(
            "zoom sequence stopped after frame {k}: rounding dominates its boundary ({}) and no stretch of it is calm (the calmest flips {} under a one-ulp nudge)",
            frame.boundary.ulp().text(),
            percent(target.chaos)
        ));
    }
    let (bi, bj) = target.at;
    let s = &frame.spec;
    let (cx, cy) = (
        s.x.at((bi + 0.5) / f64::from(s.x.n)),
        s.y.at((bj + 0.5) / f64::from(s.y.n)),
    );
    let next = s
        .zoomed(cx, cy, s.zoom_factor)
        .map_err(|e| format!("zoom sequence stopped: {e}"))?;
    frame.next = Some((target, next.x, next.y));
    Ok((next, frame.zoom * s.zoom_factor))
}

/// The frames of a map: one, or a zoom sequence that goes `zoom_factor` deeper per frame
/// around a calm, intricate stretch of boundary near the centre, until `zoom_sequence` frames,
/// a frame without boundary, a frame whose axes collapse, or a rounding-dominated frame with no
/// calm stretch of boundary left (kept, and the last); `None` if `stop` said stop.
fn frames(
    spec: &MapSpec,
    pool: &rayon::ThreadPool,
    pb: &indicatif::ProgressBar,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<(Vec<Frame>, f64, Option<String>)> {
    let wanted = spec.zoom_sequence.max(1) as usize;
    let (mut frames, mut note, mut training): (Vec<Frame>, _, _) = (Vec::new(), None, 0.0);
    let mut current = Some((spec.clone(), spec.zoom));
    while let Some((s, zoom)) = current.take() {
        pb.set_message(format!("frame {} of at most {wanted}", frames.len() + 1));
        let t0 = Instant::now();
        let (mut frame, mask) = frame(s, zoom, pool, pb, stop)?;
        training += t0.elapsed().as_secs_f64();
        let k = frames.len() + 1;
        if k < wanted {
            match next_frame(&mut frame, &mask, k) {
                Ok(next) => current = Some(next),
                Err(why) => note = Some(why),
            }
        }
        frames.push(frame);
    }
    Some((frames, training, note))
}

/// map.png of one frame (or a frame of a zoom sequence).
fn chart_of(
    spec: &MapSpec,
    f: &Frame,
    info: &FrameInfo,
    colours: &[plotters::style::RGBColor],
    title: String,
) -> anyhow::Result<Vec<u8>> {
    chart::chart_png(&chart::MapChart {
        title,
        subtitle: subtitle(f, info),
        x: draw::chart_axis(&f.spec.x),
        y: draw::chart_axis(&f.spec.y),
        x_desc: f.spec.x.kind.description(),
        y_desc: f.spec.y.kind.description(),
        nx: f.spec.x.n as usize,
        ny: f.spec.y.n as usize,
        colours,
        bars: draw::bars(spec.measure, spec.epochs, &f.pixels),
        inset: f
            .next
            .map(|(_, x, y)| draw::inset((&f.spec.x, &f.spec.y), &x, &y)),
    })
}

/// The smallest step between neighbouring pixels of an axis (at its low end on a log axis).
fn pixel_step(a: &AxisSpec) -> f64 {
    if a.n > 1 {
        a.value(1) - a.value(0)
    } else {
        a.hi - a.lo
    }
}

/// `x` with just enough digits to tell it from a value `step` away: "17.1712", "0.1",
/// "2.5e-9".
fn resolving(x: f64, step: f64) -> String {
    if x == 0.0 || !x.is_finite() || step.is_nan() || step <= 0.0 {
        return format!("{x}");
    }
    let digits = ((x.abs() / step).log10().ceil() as i32 + 1).clamp(1, 17);
    let m = x.abs();
    if (1e-4..1e7).contains(&m) {
        crate::format::decimal(x, digits as usize)
    } else {
        let s = format!("{:.*e}", (digits - 1) as usize, x);
        match s.split_once('e') {
            Some((mant, exp)) if mant.contains('.') => {
                format!("{}e{exp}", mant.trim_end_matches('0').trim_end_matches('.'))
            }
            _ => s,
        }
    }
}

/// "0.1 – 1000": an axis's ends with the digits that tell its pixels apart.
fn range_text(a: &AxisSpec) -> String {
    let step = pixel_step(a);
    format!("{} – {}", resolving(a.lo, step), resolving(a.hi, step))
}

/// "lr-hidden 0.1 – 1000, 1024 pixels, log".
fn axis_text(a: &AxisSpec) -> String {
    format!(
        "{} {}, {} pixels{}",
        a.kind,
        range_text(a),
        a.n,
        if a.log { ", log" } else { "" }
    )
}

/// Every file of a map but its manifest, as bytes.
fn render(
    config: &MapConfig,
    spec: &MapSpec,
    frames: &[Frame],
    infos: &[FrameInfo],
    note: Option<&str>,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let (nx, ny) = (spec.x.n as usize, spec.y.n as usize);
    let toml = config.to_toml();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let first = &frames[0];
    let colours: Vec<_> = frames
        .iter()
        .map(|f| draw::colours(&f.pixels, spec.measure, spec.epochs))
        .collect();
    let map_png = chart_of(spec, first, &infos[0], &colours[0], title(spec))?;
    files.push(("map.png".into(), map_png));
    files.push(("map-raw.png".into(), chart::raw_png(nx, ny, &colours[0])?));
    files.extend(output::npy_files(&first.pixels, nx, ny));
    if spec.csv {
        let xs: Vec<f64> = (0..spec.x.n).map(|i| spec.x.value(i)).collect();
        let ys: Vec<f64> = (0..spec.y.n).map(|j| spec.y.value(j)).collect();
        files.push(("map.csv".into(), output::csv(&first.pixels, &xs, &ys)));
    }
    if spec.zoom_sequence > 1 {
        files.extend(sequence_files(spec, frames, infos, &colours, note)?);
    }
    let html = page_html(spec, frames, infos, &colours, &toml)?;
    files.push(("map.html".into(), html));
    files.push(("map.toml".into(), toml.into_bytes()));
    Ok(files)
}

/// A zoom sequence's frames/: each frame's chart and the contact sheet.
fn sequence_files(
    spec: &MapSpec,
    frames: &[Frame],
    infos: &[FrameInfo],
    colours: &[Vec<plotters::style::RGBColor>],
    note: Option<&str>,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for (k, ((f, info), c)) in frames.iter().zip(infos).zip(colours).enumerate() {
        let heading = format!("{} — frame {}", title(&f.spec), k + 1);
        let png = chart_of(spec, f, info, c, heading)?;
        files.push((format!("{}/frame-{:02}.png", output::FRAMES, k + 1), png));
    }
    let thumbs: Vec<chart::Frame> = frames
        .iter()
        .zip(infos)
        .zip(colours)
        .map(|((f, info), c)| chart::Frame {
            nx: f.spec.x.n as usize,
            ny: f.spec.y.n as usize,
            colours: c,
            label: vec![
                format!("frame {}: zoom {}×", info.frame, tick_label(f.zoom)),
                info.boundary_chaos_short(),
                format!("{}: {}", f.spec.x.kind, range_text(&f.spec.x)),
                format!("{}: {}", f.spec.y.kind, range_text(&f.spec.y)),
                info.dimension_text(),
            ],
            inset: f
                .next
                .map(|(_, x, y)| draw::inset((&f.spec.x, &f.spec.y), &x, &y)),
        })
        .collect();
    let png = chart::contact_sheet(
        &format!("Zooming into the boundary: {}", title(spec)),
        &format!(
            "each frame {}× deeper around a calm, intricate stretch of boundary near the centre of the one before (white box); boundary chaos = share of boundary pixels whose verdict flips under a one-ulp nudge, against half a pixel; {}",
            tick_label(spec.zoom_factor),
            note.unwrap_or("coordinates and box-counting dimension under each")
        ),
        &thumbs,
    )?;
    files.push((format!("{}/contact-sheet.png", output::FRAMES), png));
    Ok(files)
}

/// map.html: every frame, the table of their measures, map.toml.
fn page_html(
    spec: &MapSpec,
    frames: &[Frame],
    infos: &[FrameInfo],
    colours: &[Vec<plotters::style::RGBColor>],
    toml: &str,
) -> anyhow::Result<Vec<u8>> {
    let sequence = frames.len() > 1;
    let rows: Vec<page::FrameRow> = infos
        .iter()
        .map(|i| page::FrameRow {
            name: if sequence {
                format!("frame {}", i.frame)
            } else {
                "map".into()
            },
            zoom: i.zoom,
            x: axis_text(&i.x),
            y: axis_text(&i.y),
            share: match spec.verdict() {
                Verdict::Trained => i.trained_fraction,
                Verdict::Converged => i.converged_fraction,
            },
            chaotic: i.chaos_text(),
            boundary_chaos: i.boundary_chaos_text(),
            dimension: i.dimension_text(),
        })
        .collect();
    let raw: Vec<Vec<u8>> = frames
        .iter()
        .zip(colours)
        .map(|(f, c)| chart::raw_png(f.spec.x.n as usize, f.spec.y.n as usize, c))
        .collect::<anyhow::Result<_>>()?;
    let views = frames
        .iter()
        .zip(infos)
        .zip(&raw)
        .map(|((f, info), raw_png)| page::FrameIn {
            heading: if sequence {
                format!("Frame {} (zoom {}×)", info.frame, tick_label(f.zoom))
            } else {
                String::new()
            },
            x: &f.spec.x,
            y: &f.spec.y,
            raw_png,
            legend: draw::legend(spec.measure, spec.epochs, &f.pixels),
            inset: f
                .next
                .map(|(_, x, y)| draw::inset((&f.spec.x, &f.spec.y), &x, &y)),
            depth: f.zoom / frames[0].zoom,
        })
        .collect();
    page::html(page::PageIn {
        title: &title(spec),
        verdict: spec.verdict().name(),
        lanes: &lanes_text(spec.precision),
        frames: views,
        rows: &rows,
        toml,
        zoom_factor: spec.zoom_factor,
    })
}

fn interrupted(
    signal: &std::sync::atomic::AtomicUsize,
    out: &std::path::Path,
    writing: bool,
) -> anyhow::Error {
    let s = crate::signals::pending(signal).unwrap_or(0);
    let left = if writing {
        "an unfinished map (some files, no manifest.json)"
    } else {
        "no file of this map"
    };
    crate::error::Interrupted {
        signal: s,
        message: format!(
            "interrupted by {}: {} holds {left}. Run the same command again to make it (no --force needed)",
            crate::signals::name(s),
            crate::escape::shown(out)
        ),
    }
    .into()
}

#[derive(Serialize)]
struct Manifest<'a> {
    #[serde(flatten)]
    run: RunInfo,
    config: &'a MapConfig,
    pixels_per_frame: usize,
    frames: &'a [FrameInfo],
    /// Why a zoom sequence stopped before its last frame.
    #[serde(skip_serializing_if = "Option::is_none")]
    zoom_note: Option<&'a str>,
    diverged: usize,
    files: Vec<String>,
}

/// Make a map: prepare the folder, train, measure, draw and write; the caller prints.
pub fn make(config: &MapConfig, spec: &MapSpec, to: &Destination) -> anyhow::Result<Made> {
    let started = Instant::now();
    // From here on SIGINT/SIGTERM/SIGHUP are noted, not fatal: the map stops between pixel
    // tasks or files, removes its lock and says what to run.
    let signal = crate::signals::received();
    let stop = || crate::signals::pending(&signal).is_some();
    let dir = OutDir::prepare(&to.out, to.mode(), "--out", &output::LAYOUT)?;
    let pool = to.pool()?;
    let wanted = spec.zoom_sequence.max(1) as usize;
    // The boundary's nudged pixels are added to the bar as each frame finds them.
    let sampled = Sample::of(spec.x.n as usize, spec.y.n as usize)
        .pixels
        .len();
    let pb = crate::progress::bar(((spec.pixels() + sampled) * wanted) as u64, to.quiet);
    let Some((frames, training, note)) = frames(spec, &pool, &pb, &stop) else {
        pb.finish_and_clear();
        return Err(interrupted(&signal, &to.out, false));
    };
    pb.finish_and_clear();

    let infos: Vec<FrameInfo> = frames.iter().enumerate().map(|(k, f)| f.info(k)).collect();
    let mut files = render(config, spec, &frames, &infos, note.as_deref())?;
    let nets: usize = frames.iter().map(|f| f.nets).sum();
    let net_epochs = nets as f64 * f64::from(spec.epochs);
    let mut names: Vec<String> = files.iter().map(|f| f.0.clone()).collect();
    names.push("manifest.json".into());
    let manifest = Manifest {
        run: RunInfo::new(
            "xorsweep map",
            spec.precision,
            pool.current_num_threads(),
            net_epochs,
            (started.elapsed().as_secs_f64(), training),
        ),
        config,
        pixels_per_frame: spec.pixels(),
        frames: &infos,
        zoom_note: note.as_deref(),
        diverged: frames[0].pixels.iter().filter(|p| p.diverged).count(),
        files: names,
    };
    let mut json = serde_json::to_vec_pretty(&manifest)?;
    json.push(b'\n');
    files.push(("manifest.json".into(), json));
    if !output::write_outputs(&dir, &files, &stop)? {
        return Err(interrupted(&signal, &to.out, true));
    }
    Ok(Made {
        out: to.out.clone(),
        html: to.out.join("map.html"),
        files: files.into_iter().map(|f| f.0).collect(),
        nx: spec.x.n,
        ny: spec.y.n,
        epochs: spec.epochs,
        frames: infos,
        nets,
        training_seconds: training,
        net_epochs,
        note,
    })
}

impl Made {
    /// What the terminal shows after a map (unless --quiet).
    pub fn summary(&self) -> String {
        let frames = self.frames.len();
        let mut lines = vec![format!(
            "ran {} nets ({}×{}{}, {} epochs each, with the nudged pixels of the chaos measures) in {:.2} s ({:.1} M net-epochs/s)",
            self.nets,
            self.nx,
            self.ny,
            if frames > 1 {
                format!(" × {frames} frames")
            } else {
                String::new()
            },
            self.epochs,
            self.training_seconds,
            self.net_epochs / self.training_seconds / 1e6
        )];
        for f in &self.frames {
            let share = if f.boundary == "converged" {
                f.converged_fraction
            } else {
                f.trained_fraction
            };
            let defined = match f.boundary {
                _ if f.frame > 1 => "",
                "trained" => " (all four outputs right after the last epoch)",
                _ => " (every loss finite, mean loss/loss₀ below 1)",
            };
            lines.push(format!(
                "frame {} (zoom {}×): {:.1}% {}{defined}, {}, boundary {}",
                f.frame,
                tick_label(f.zoom),
                100.0 * share,
                f.boundary,
                f.boundary_chaos_text(),
                f.dimension_text()
            ));
        }
        if let Some(n) = &self.note {
            lines.push(format!("note: {n}"));
        }
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A frame of 8 boundary pixels, `ulp` of which flip under a one-ulp nudge of the axes and
    /// `half` under a half-pixel shift.
    fn info(ulp: usize, half: usize) -> FrameInfo {
        let verdicts = [true; 8];
        let sample: Vec<usize> = (0..8).collect();
        let flip = |n: usize| -> Vec<bool> { (0..8).map(|k| k >= n).collect() };
        let boundary =
            BoundaryChaos::measure(&verdicts, 8, &sample, [&flip(ulp), &flip(0), &flip(half)]);
        let whole = Sample::of(8, 1);
        let dimension = Dimension {
            value: 1.5,
            stderr: Some(0.02),
            sizes: vec![2, 4, 8],
            counts: vec![100, 35, 12],
        };
        FrameInfo {
            frame: 1,
            zoom: 1.0,
            x: "lr:1..2:8".parse().unwrap(),
            y: "w11:0..1:1".parse().unwrap(),
            trained_fraction: 0.5,
            converged_fraction: 0.5,
            boundary: "trained",
            chaotic_share: Chaos::measure(
                &verdicts,
                &whole,
                &flip(ulp),
                crate::train::Precision::F64,
            ),
            rounding_dominated: boundary.rounding_dominated,
            boundary_chaos: boundary,
            axis_collapse: None,
            dimensions: Some(Dimensions {
                value: 1.5,
                low: 1.4,
                high: 1.62,
                fits: vec![fractal::Fit {
                    definition: fractal::BLOCKS,
                    nx: 8,
                    ny: 1,
                    dimension: dimension.clone(),
                }],
            }),
            dimension: Some(dimension),
            next_target: None,
        }
    }

    #[test]
    fn ranges_have_the_digits_that_tell_pixels_apart() {
        assert_eq!(resolving(17.171234567, 3e-4), "17.1712");
        assert_eq!(resolving(0.1, 9e-4), "0.1");
        assert_eq!(resolving(1000.0, 9e-4), "1000");
        assert_eq!(resolving(2.5e-9, 1e-11), "2.5e-9");
        assert_eq!(resolving(-0.25, 0.01), "-0.25");
        let a: AxisSpec = "lr-hidden:0.1..1000:1024:log".parse().unwrap();
        assert_eq!(range_text(&a), "0.1 – 1000");
        let z = a.zoomed(17.25, 1000.0).unwrap();
        let text = range_text(&z);
        let (lo, hi) = text.split_once(" – ").unwrap();
        // Enough digits that the printed ends are within a pixel of the true ones, no more
        // than two beyond that.
        let step = pixel_step(&z);
        assert!((lo.parse::<f64>().unwrap() - z.lo).abs() < step, "{text}");
        assert!((hi.parse::<f64>().unwrap() - z.hi).abs() < step, "{text}");
        assert!(lo.len() <= 9 && hi.len() <= 9, "{text}");
    }

    #[test]
    fn a_rounding_dominated_frame_has_no_fractal_dimension() {
        // One ulp flips 1 of 8, half a pixel 4 of 8: the dynamics decide.
        assert_eq!(info(1, 4).dimension_text(), "dimension 1.50 (1.40–1.62)");
        // One ulp flips as often as half a pixel does: rounding decides.
        let noisy = info(2, 4).dimension_text();
        assert!(noisy.starts_with("rounding-dominated"), "{noisy}");
        assert!(noisy.contains("not a fractal dimension"), "{noisy}");
        assert_eq!(info(4, 4).chaos_text(), "chaotic 50.0\u{a0}% (all pixels)");
        let text = info(2, 4).boundary_chaos_text();
        assert!(
            text.starts_with("boundary chaos 25.0\u{a0}% (7.1–59.1\u{a0}%) vs 50.0"),
            "{text}"
        );
        let mut collapsed = info(0, 4);
        collapsed.axis_collapse = Some("3 of 7 neighbouring x values are the same f32".into());
        assert!(
            collapsed
                .dimension_text()
                .starts_with("axes collapse (3 of 7")
        );
    }

    #[test]
    fn rounding_text_follows_the_frames_rule() {
        let text = |ulp, half, collapse| rounding_text(&info(ulp, half).boundary_chaos, collapse);
        assert_eq!(
            text(2, 4, None),
            "rounding decides pixels here (one-ulp nudges flip 25.0\u{a0}% (7.1–59.1\u{a0}%) of boundary pixels vs 50.0\u{a0}% (21.5–78.5\u{a0}%) for half a pixel)"
        );
        assert!(text(1, 4, None).starts_with("the dynamics decide pixels here"));
        let collapsed = text(0, 4, Some("3 of 7 neighbouring x values are the same f32"));
        assert!(collapsed.starts_with(
            "rounding decides pixels here: neighbouring axis values collapse (3 of 7"
        ));
    }
}
