//! `xorsweep map`: trainability maps. One net per pixel over a plane of two hyperparameters
//! (per-layer learning rates, an offset or scale of the initial weights, the gap of a
//! near-symmetric net), trained in lanes across threads, drawn as a picture of which nets learn
//! XOR, with the box-counting dimension of the boundary and zoom sequences into it — the
//! experiment of Sohl-Dickstein, "The boundary of neural network trainability is fractal"
//! (2024), on the lesson's 2-2-1 net.
//!
//! [`spec`] parses, [`compute`] trains (no I/O), [`fractal`] measures the boundary, the pictures
//! are drawn by `report::charts::map`, and [`output`] turns it all into bytes and writes them
//! through one function.

pub mod compute;
pub mod fractal;
pub mod output;
pub mod spec;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use serde::Serialize;

use crate::cli::PrecisionArg;
use crate::error::UsageError;
use crate::hints::Offer;
use crate::outdir::{Mode, OutDir};
use crate::report::charts::axis::tick_label;
use crate::report::charts::map as chart;
use crate::sweep::spec::INIT_SCHEMES;
use crate::train::{Precision, batch};
use compute::Pixel;
use fractal::Dimension;
use spec::{AxisKind, MapConfig, MapPatch, MapSpec};

#[derive(clap::Args, Debug, Default)]
pub struct MapArgs {
    /// A map.toml (written by every map) to rerun; flags given as well override it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Horizontal axis AXIS:LO..HI:N or AXIS:LO..HI:N:log. AXIS: lr, lr-hidden, lr-out, eps,
    /// scale or a weight w11 w12 b1 w21 w22 b2 v1 v2 c (an offset added to it); N up to 8192
    /// [default: lr-hidden:0.1..1000:512:log].
    #[arg(long, value_name = "AXIS", allow_hyphen_values = true, value_parser = Offer::new(spec::axis_names()), hide_possible_values = true)]
    pub x: Option<String>,
    /// Vertical axis, as --x [default: lr-out:0.1..1000:512:log].
    #[arg(long, value_name = "AXIS", allow_hyphen_values = true, value_parser = Offer::new(spec::axis_names()), hide_possible_values = true)]
    pub y: Option<String>,
    /// The base net every pixel starts from: lesson, or one draw of uniform:A, normal:SIGMA,
    /// symmetric:A or near-symmetric:A:EPS [default: lesson].
    #[arg(long, value_name = "SPEC", allow_hyphen_values = true, value_parser = Offer::new(INIT_SCHEMES), hide_possible_values = true)]
    pub init: Option<String>,
    /// Seed of the base draw and of the ε direction [default: 2026].
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    pub seed: Option<u64>,
    /// Learning rate of any layer no axis sets [default: 2].
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub lr: Option<f64>,
    /// Gradient steps per net [default: 1000].
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub epochs: Option<u32>,
    /// Arithmetic of the lanes [default: f64].
    #[arg(long, value_enum)]
    pub precision: Option<PrecisionArg>,
    /// Colouring of map.png: final-loss, mean-loss, solved-epoch or trained [default: trained
    /// nets by first solved epoch, the others by final loss].
    #[arg(long, value_name = "MEASURE")]
    pub measure: Option<String>,
    /// Zoom F-fold around (CX, CY) (in log space on log axes).
    #[arg(long, value_name = "CX,CY,F", allow_hyphen_values = true)]
    pub zoom: Option<String>,
    /// Render K frames into frames/, each --zoom-factor deeper around an intricate stretch of
    /// boundary near the centre of the one before, plus a contact sheet.
    #[arg(long, value_name = "K", allow_negative_numbers = true)]
    pub zoom_sequence: Option<u32>,
    /// Depth of each frame of --zoom-sequence over the one before [default: 10].
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    pub zoom_factor: Option<f64>,
    /// Also write map.csv (one row per pixel).
    #[arg(long)]
    pub csv: bool,
    /// Worker threads [default: all cores].
    #[arg(short = 'j', long, value_name = "N", allow_negative_numbers = true)]
    pub threads: Option<usize>,
    /// Output folder.
    #[arg(short, long, value_name = "DIR", default_value = "xorsweep-map")]
    pub out: PathBuf,
    /// Replace an earlier map's files in --out (only in a folder xorsweep made, and only the
    /// files it writes).
    #[arg(short, long)]
    pub force: bool,
    /// No progress bar and no summary (the output folder is still printed).
    #[arg(short, long)]
    pub quiet: bool,
}

impl MapArgs {
    fn patch(&self) -> MapPatch {
        MapPatch {
            x: self.x.clone(),
            y: self.y.clone(),
            init: self.init.clone(),
            seed: self.seed,
            lr: self.lr,
            epochs: self.epochs,
            precision: self.precision.map(Precision::from),
            measure: self.measure.clone(),
            zoom_sequence: self.zoom_sequence,
            zoom_factor: self.zoom_factor,
            csv: self.csv.then_some(true),
        }
    }
}

fn patch_from_toml(text: &str, path: &str) -> Result<MapPatch, UsageError> {
    toml::from_str(text).map_err(|e| crate::error::toml_error("--config", path, text, &e))
}

/// The resolved config and spec of a command line (config file, flags, zoom), or a usage error.
pub fn resolve(args: &MapArgs) -> Result<(MapConfig, MapSpec), UsageError> {
    let mut config = MapConfig::default();
    let mut file = None;
    if let Some(path) = &args.config {
        let shown = crate::escape::shown(path);
        let text = crate::fsio::read_text(path, crate::fsio::CONFIG_LIMIT)
            .map_err(|e| UsageError::new(format!("--config: {e}")))?;
        config = config.apply(patch_from_toml(&text, &shown)?);
        file = Some((text, shown));
    }
    config = config.apply(args.patch());
    let mut spec = config.validate().map_err(|e| match &file {
        // A bad value from the file is reported at its line and column.
        Some((text, shown)) => {
            let argv: Vec<String> = std::env::args_os()
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            crate::config_file::locate(e, text, shown, |f| crate::config_file::flag_given(&argv, f))
        }
        None => e,
    })?;
    if let Some(z) = &args.zoom {
        let (cx, cy, f) = spec::parse_zoom(z)?;
        spec = spec
            .zoomed(cx, cy, f)
            .map_err(|e| UsageError::new(format!("--zoom: {e}")))?;
        config.x = spec.x.to_string();
        config.y = spec.y.to_string();
    }
    crate::cli::check_threads(args.threads)?;
    Ok((config, spec))
}

/// One computed frame: its spec, pixels and boundary.
struct Frame {
    spec: MapSpec,
    zoom: f64,
    pixels: Vec<Pixel>,
    trained: f64,
    dimension: Option<Dimension>,
}

fn dimension_text(d: &Option<Dimension>) -> String {
    match d {
        Some(Dimension {
            value,
            stderr: Some(se),
            ..
        }) => format!("{value:.3} ± {se:.3}"),
        Some(d) => format!("{:.3}", d.value),
        None => "none (no boundary, or under 16 pixels a side)".into(),
    }
}

fn measure_frame(spec: MapSpec, zoom: f64, pixels: Vec<Pixel>) -> (Frame, Vec<bool>) {
    let (nx, ny) = (spec.x.n as usize, spec.y.n as usize);
    let trained: Vec<bool> = pixels.iter().map(|p| p.trained).collect();
    let mask = fractal::boundary(&trained, nx, ny);
    let dimension = fractal::box_dimension(&mask, nx.saturating_sub(1), ny.saturating_sub(1));
    let frac = trained.iter().filter(|t| **t).count() as f64 / trained.len() as f64;
    (
        Frame {
            spec,
            zoom,
            pixels,
            trained: frac,
            dimension,
        },
        mask,
    )
}

#[derive(Serialize)]
struct FrameInfo {
    frame: usize,
    zoom: f64,
    x: String,
    y: String,
    trained_fraction: f64,
    dimension: Option<Dimension>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    tool: &'static str,
    version: &'static str,
    config: &'a MapConfig,
    precision: &'static str,
    lane_type: &'static str,
    lane_width: usize,
    cpu_features_compiled: Vec<&'static str>,
    cpu_features_host: Vec<&'static str>,
    threads: usize,
    pixels_per_frame: usize,
    frames: Vec<FrameInfo>,
    net_epochs: f64,
    wall_seconds: f64,
    training_seconds: f64,
    net_epochs_per_second: f64,
    diverged: usize,
    files: Vec<String>,
}

fn title(spec: &MapSpec) -> String {
    format!(
        "Which nets learn XOR: {} × {}",
        spec.x.kind.description(),
        spec.y.kind.description()
    )
}

fn subtitle(f: &Frame) -> String {
    let s = &f.spec;
    let mut parts = vec![
        format!(
            "{}\u{a0}×\u{a0}{} nets, one per pixel, {} epochs each",
            s.x.n, s.y.n, s.epochs
        ),
        format!("base net: {}", s.init),
        format!("{:.1}% trained", 100.0 * f.trained),
        format!(
            "boundary box-counting dimension {}",
            dimension_text(&f.dimension)
        ),
    ];
    let kinds = [s.x.kind, s.y.kind];
    let both_rates_set = kinds.contains(&AxisKind::Lr)
        || (kinds.contains(&AxisKind::LrHidden) && kinds.contains(&AxisKind::LrOut));
    if !both_rates_set {
        parts.insert(
            2,
            format!("learning rate {} where no axis sets it", tick_label(s.lr)),
        );
    }
    if f.zoom > 1.0 {
        parts.insert(1, format!("zoom {}×", tick_label(f.zoom)));
    }
    let diverged = f.pixels.iter().filter(|p| p.diverged).count();
    if diverged > 0 {
        parts.push(format!("{diverged} diverged (black)"));
    }
    parts.join("; ")
}

/// The error of a map stopped by a signal: what it left, and what to run.
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

/// Make a map as the command line asks: train, measure, draw and write.
pub fn run(args: &MapArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    // From here on SIGINT/SIGTERM/SIGHUP are noted, not fatal: the map stops between pixel
    // tasks or files, removes its lock and says what to run.
    let signal = crate::signals::received();
    let stop = || crate::signals::pending(&signal).is_some();
    let (config, spec) = resolve(args)?;
    let mode = if args.force { Mode::Force } else { Mode::New };
    let dir = OutDir::prepare(&args.out, mode, "--out", &output::LAYOUT)?;
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = args.threads {
        builder = builder.num_threads(t);
    }
    let pool = builder.build().context("starting worker threads")?;
    let frames_wanted = spec.zoom_sequence.max(1) as usize;
    let pb = crate::progress::bar((spec.pixels() * frames_wanted) as u64, args.quiet);

    let mut frames: Vec<Frame> = Vec::new();
    let mut note = None;
    let mut training = 0.0;
    let mut current = Some((spec.clone(), 1.0));
    while let Some((s, zoom)) = current.take() {
        pb.set_message(format!("frame {} of {frames_wanted}", frames.len() + 1));
        let t0 = Instant::now();
        let Some(pixels) = pool.install(|| compute::compute_until(&s, &pb, &stop)) else {
            pb.finish_and_clear();
            return Err(interrupted(&signal, &args.out, false));
        };
        training += t0.elapsed().as_secs_f64();
        let (frame, mask) = measure_frame(s, zoom, pixels);
        let (w, h) = (frame.spec.x.n as usize - 1, frame.spec.y.n as usize - 1);
        if frames.len() + 1 < frames_wanted {
            match fractal::zoom_target(&mask, w, h) {
                Some((bi, bj)) => {
                    // Block (i, j) is centred between pixels i and i + 1.
                    let (cx, cy) = (
                        frame.spec.x.at((bi + 0.5) / f64::from(frame.spec.x.n)),
                        frame.spec.y.at((bj + 0.5) / f64::from(frame.spec.y.n)),
                    );
                    let f = frame.spec.zoom_factor;
                    match frame.spec.zoomed(cx, cy, f) {
                        Ok(next) => current = Some((next, zoom * f)),
                        Err(e) => note = Some(format!("zoom sequence stopped: {e}")),
                    }
                }
                None => {
                    note = Some(format!(
                        "zoom sequence stopped after frame {}: it has no boundary to zoom into",
                        frames.len() + 1
                    ))
                }
            }
        }
        frames.push(frame);
    }
    pb.finish_and_clear();

    let first = &frames[0];
    let (nx, ny) = (spec.x.n as usize, spec.y.n as usize);
    let toml = config.to_toml();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let colours = chart::colours(&first.pixels, spec.measure, spec.epochs);
    let map_png = chart::chart_png(&chart::MapChart {
        title: title(&spec),
        subtitle: subtitle(first),
        x: &spec.x,
        y: &spec.y,
        colours: &colours,
        measure: spec.measure,
        epochs: spec.epochs,
    })?;
    files.push(("map.png".into(), map_png.clone()));
    files.push(("map-raw.png".into(), chart::raw_png(nx, ny, &colours)?));
    drop(colours);
    files.extend(output::npy_files(&first.pixels, nx, ny));
    if spec.csv {
        let xs: Vec<f64> = (0..spec.x.n).map(|i| spec.x.value(i)).collect();
        let ys: Vec<f64> = (0..spec.y.n).map(|j| spec.y.value(j)).collect();
        files.push(("map.csv".into(), output::csv(&first.pixels, &xs, &ys)));
    }
    let mut sheet = None;
    if frames_wanted > 1 {
        let frame_colours: Vec<_> = frames
            .iter()
            .map(|f| chart::colours(&f.pixels, spec.measure, spec.epochs))
            .collect();
        for (k, (f, c)) in frames.iter().zip(&frame_colours).enumerate() {
            let png = chart::chart_png(&chart::MapChart {
                title: format!("{} — frame {}", title(&f.spec), k + 1),
                subtitle: subtitle(f),
                x: &f.spec.x,
                y: &f.spec.y,
                colours: c,
                measure: spec.measure,
                epochs: spec.epochs,
            })?;
            files.push((format!("frames/frame-{:02}.png", k + 1), png));
        }
        let thumbs: Vec<chart::Frame> = frames
            .iter()
            .zip(&frame_colours)
            .enumerate()
            .map(|(k, (f, c))| chart::Frame {
                nx: f.spec.x.n as usize,
                ny: f.spec.y.n as usize,
                colours: c,
                label: [
                    format!("frame {}: zoom {}×", k + 1, tick_label(f.zoom)),
                    format!("dimension {}", dimension_text(&f.dimension)),
                ],
            })
            .collect();
        let png = chart::contact_sheet(
            &format!("Zooming into the boundary: {}", title(&spec)),
            &format!(
                "each frame {}× deeper around an intricate stretch of boundary near the centre of the one before; {}",
                tick_label(spec.zoom_factor),
                note.clone()
                    .unwrap_or_else(|| "box-counting dimension under each".into())
            ),
            &thumbs,
        )?;
        files.push(("frames/contact-sheet.png".into(), png.clone()));
        sheet = Some(png);
    }
    let rows: Vec<output::FrameRow> = frames
        .iter()
        .enumerate()
        .map(|(k, f)| output::FrameRow {
            name: if frames.len() > 1 {
                format!("frame {}", k + 1)
            } else {
                "map".into()
            },
            zoom: f.zoom,
            x: f.spec.x.to_string(),
            y: f.spec.y.to_string(),
            trained: f.trained,
            dimension: dimension_text(&f.dimension),
        })
        .collect();
    files.push((
        "map.html".into(),
        output::html(&title(&spec), &map_png, sheet.as_deref(), &rows, &toml),
    ));
    files.push(("map.toml".into(), toml.into_bytes()));
    let net_epochs = frames.len() as f64 * spec.pixels() as f64 * f64::from(spec.epochs);
    let mut names: Vec<String> = files.iter().map(|f| f.0.clone()).collect();
    names.push("manifest.json".into());
    let manifest = Manifest {
        tool: "xorsweep map",
        version: env!("CARGO_PKG_VERSION"),
        config: &config,
        precision: spec.precision.name(),
        lane_type: batch::lane_name(spec.precision),
        lane_width: batch::lane_width(spec.precision),
        cpu_features_compiled: crate::cpu::compiled_features(),
        cpu_features_host: crate::cpu::host_features(),
        threads: pool.current_num_threads(),
        pixels_per_frame: spec.pixels(),
        frames: frames
            .iter()
            .enumerate()
            .map(|(k, f)| FrameInfo {
                frame: k + 1,
                zoom: f.zoom,
                x: f.spec.x.to_string(),
                y: f.spec.y.to_string(),
                trained_fraction: f.trained,
                dimension: f.dimension.clone(),
            })
            .collect(),
        net_epochs,
        wall_seconds: started.elapsed().as_secs_f64(),
        training_seconds: training,
        net_epochs_per_second: net_epochs / training,
        diverged: first.pixels.iter().filter(|p| p.diverged).count(),
        files: names,
    };
    let mut json = serde_json::to_vec_pretty(&manifest)?;
    json.push(b'\n');
    files.push(("manifest.json".into(), json));
    if !output::write_outputs(&dir, &files, &stop)? {
        return Err(interrupted(&signal, &args.out, true));
    }

    if !args.quiet {
        println!(
            "trained {} nets ({}×{}{}, {} epochs) in {:.2} s ({:.1} M net-epochs/s)",
            frames.len() * spec.pixels(),
            nx,
            ny,
            if frames.len() > 1 {
                format!(" × {} frames", frames.len())
            } else {
                String::new()
            },
            spec.epochs,
            training,
            net_epochs / training / 1e6
        );
        for (k, f) in frames.iter().enumerate() {
            println!(
                "frame {} (zoom {}×): {:.1}% trained, boundary dimension {}",
                k + 1,
                tick_label(f.zoom),
                100.0 * f.trained,
                dimension_text(&f.dimension)
            );
        }
        if let Some(n) = &note {
            println!("note: {n}");
        }
    }
    println!("results in {}", crate::escape::shown(&args.out));
    Ok(())
}
