//! Plots for dgnn reports: one small builder, SVG or PNG by file extension.
//!
//! A [`Plot`] is a set of layers on one pair of real axes: lines, point clouds, bars, labelled
//! text, heat-map cells and colour-coded scatter, with an optional colour bar. It covers every
//! figure dgnn writes (densities against theory, r(t), tongues, synchrograms, Pareto fronts,
//! energy breakdowns, training curves) without each crate learning plotters.
//!
//! Text is drawn with DejaVu Sans embedded in the binary (see `assets/FONT-LICENSE.md`), so a
//! plot never fails for lack of system fonts.
//!
//! A density against its theory, drawn as SVG and PNG:
//!
//! ```
//! use dgnn_plot::Plot;
//! // The HKB stationary density p ∝ exp(−2V/Q), V = −a cos φ − b cos 2φ (a = 1, b = 0.5, Q = 0.5).
//! let v = |phi: f64| -phi.cos() - 0.5 * (2.0 * phi).cos();
//! let exact: Vec<(f64, f64)> = (0..=100)
//!     .map(|i| -std::f64::consts::PI + i as f64 * std::f64::consts::TAU / 100.0)
//!     .map(|phi| (phi, (-2.0 * v(phi) / 0.5).exp()))
//!     .collect();
//! let dir = std::env::temp_dir().join("dgnn-plot-doc");
//! std::fs::create_dir_all(&dir)?;
//! Plot::new("HKB stationary density (unnormalised)")
//!     .x_label("φ (rad)")
//!     .y_label("exp(−2V/Q)")
//!     .line("exact", exact)
//!     .points("a few samples", vec![(0.0, 403.4), (1.0, 60.0)])
//!     .save_both(&dir, "density")?;
//! assert!(dir.join("density.svg").exists() && dir.join("density.png").exists());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Ranges are checked before anything is drawn: a plot whose data or fixed range is not finite,
//! or too wide to pad in double precision, is refused with [`PlotError::Range`] instead of
//! handing plotters an infinite axis.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;
use std::path::Path;
use std::sync::Once;

/// Errors from drawing or writing a plot.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// The file extension is neither `.svg` nor `.png`.
    #[error("unsupported plot file `{0}`: use a .svg or .png extension")]
    UnsupportedFormat(String),
    /// The plot has nothing finite to draw.
    #[error("plot `{0}` has no finite data to draw")]
    Empty(String),
    /// An axis range is not finite (data near ±f64::MAX, or a fixed range with NaN, ±∞ or
    /// low ≥ high).
    #[error("plot `{title}`: the {axis} axis range [{low}, {high}] is not a finite interval")]
    Range {
        /// The plot's title.
        title: String,
        /// `x` or `y`.
        axis: &'static str,
        /// The range's lower end.
        low: f64,
        /// The range's upper end.
        high: f64,
    },
    /// The drawing backend failed (usually an I/O error while writing the file).
    #[error("drawing `{path}` failed: {message}")]
    Backend {
        /// The file being drawn.
        path: String,
        /// The backend's message.
        message: String,
    },
}

/// How a series of points is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mark {
    Line,
    Points,
    /// Vertical bars from zero, of the given width in x units.
    Bars(f64),
}

#[derive(Debug, Clone)]
struct Series {
    name: String,
    points: Vec<(f64, f64)>,
    mark: Mark,
}

/// A rectangular cell coloured by a value (heat maps, tongue diagrams).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    /// Lower-left corner.
    pub x0: f64,
    /// Lower-left corner.
    pub y0: f64,
    /// Upper-right corner.
    pub x1: f64,
    /// Upper-right corner.
    pub y1: f64,
    /// The value mapped to colour.
    pub value: f64,
}

/// A plot under construction; see the crate docs.
#[derive(Debug, Clone)]
#[must_use]
pub struct Plot {
    title: String,
    x_label: String,
    y_label: String,
    x_range: Option<(f64, f64)>,
    y_range: Option<(f64, f64)>,
    size: (u32, u32),
    series: Vec<Series>,
    labels: Vec<(f64, f64, String)>,
    cells: Vec<Cell>,
    coloured_points: Vec<(f64, f64, f64)>,
    colour_label: Option<String>,
    category_ticks: Option<Vec<String>>,
}

const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
];

static FONT: Once = Once::new();

fn register_font() {
    FONT.call_once(|| {
        let bytes: &'static [u8] = include_bytes!("../assets/DejaVuSans.ttf");
        // The embedded font is a valid TrueType file; failure here is a build bug.
        plotters::style::register_font("sans-serif", FontStyle::Normal, bytes)
            .unwrap_or_else(|_| panic!("embedded DejaVu Sans is not a valid font"));
    });
}

impl Plot {
    /// A new, empty plot with a title, 900 × 600 pixels.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            x_label: String::new(),
            y_label: String::new(),
            x_range: None,
            y_range: None,
            size: (900, 600),
            series: Vec::new(),
            labels: Vec::new(),
            cells: Vec::new(),
            coloured_points: Vec::new(),
            colour_label: None,
            category_ticks: None,
        }
    }

    /// Sets the x-axis label.
    pub fn x_label(mut self, label: impl Into<String>) -> Self {
        self.x_label = label.into();
        self
    }

    /// Sets the y-axis label.
    pub fn y_label(mut self, label: impl Into<String>) -> Self {
        self.y_label = label.into();
        self
    }

    /// Fixes the x range instead of fitting it to the data.
    pub fn x_range(mut self, low: f64, high: f64) -> Self {
        self.x_range = Some((low, high));
        self
    }

    /// Fixes the y range instead of fitting it to the data.
    pub fn y_range(mut self, low: f64, high: f64) -> Self {
        self.y_range = Some((low, high));
        self
    }

    /// Sets the image size in pixels.
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.size = (width, height);
        self
    }

    /// Adds a named polyline.
    pub fn line(mut self, name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        self.series.push(Series { name: name.into(), points, mark: Mark::Line });
        self
    }

    /// Adds a named cloud of points.
    pub fn points(mut self, name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        self.series.push(Series { name: name.into(), points, mark: Mark::Points });
        self
    }

    /// Adds named vertical bars from zero at the given x positions (histograms).
    pub fn bars(mut self, name: impl Into<String>, points: Vec<(f64, f64)>, width: f64) -> Self {
        self.series.push(Series { name: name.into(), points, mark: Mark::Bars(width) });
        self
    }

    /// A bar chart of named categories: bars at x = 0, 1, 2 … labelled with the names.
    pub fn category_bars(mut self, name: impl Into<String>, categories: &[(String, f64)]) -> Self {
        let points = categories.iter().enumerate().map(|(i, (_, v))| (i as f64, *v)).collect();
        self.category_ticks = Some(categories.iter().map(|(c, _)| c.clone()).collect());
        self.x_range = Some((-0.6, categories.len() as f64 - 0.4));
        self.series.push(Series { name: name.into(), points, mark: Mark::Bars(0.7) });
        self
    }

    /// Adds a text label at a data position.
    pub fn label(mut self, x: f64, y: f64, text: impl Into<String>) -> Self {
        self.labels.push((x, y, text.into()));
        self
    }

    /// Adds heat-map cells coloured by value (viridis), with a colour bar titled `colour_label`.
    pub fn cells(mut self, cells: Vec<Cell>, colour_label: impl Into<String>) -> Self {
        self.cells.extend(cells);
        self.colour_label = Some(colour_label.into());
        self
    }

    /// Adds points `(x, y, value)` coloured by value (viridis), with a colour bar.
    pub fn coloured_points(
        mut self,
        points: Vec<(f64, f64, f64)>,
        colour_label: impl Into<String>,
    ) -> Self {
        self.coloured_points.extend(points);
        self.colour_label = Some(colour_label.into());
        self
    }

    /// Draws the plot to `path`; the extension (`.svg` or `.png`) picks the format.
    pub fn save(&self, path: &Path) -> Result<(), PlotError> {
        register_font();
        let shown = path.display().to_string();
        let backend_error = |e: &dyn std::fmt::Display| PlotError::Backend {
            path: shown.clone(),
            message: e.to_string(),
        };
        let svg = match path.extension().and_then(|e| e.to_str()) {
            Some("svg") => true,
            Some("png") => false,
            _ => return Err(PlotError::UnsupportedFormat(shown)),
        };
        // Bounds are checked before a backend exists, so a refused plot leaves no file.
        let bounds = self.data_bounds().map_err(|e| self.plot_error(e, &shown))?;
        if svg {
            let root = SVGBackend::new(path, self.size).into_drawing_area();
            self.draw(&root, bounds).map_err(|e| self.plot_error(e, &shown))?;
            root.present().map_err(|e| backend_error(&e))
        } else {
            let root = BitMapBackend::new(path, self.size).into_drawing_area();
            self.draw(&root, bounds).map_err(|e| self.plot_error(e, &shown))?;
            root.present().map_err(|e| backend_error(&e))
        }
    }

    /// The public error for a drawing failure of this plot, written to `path`.
    fn plot_error(&self, failure: DrawFailure, path: &str) -> PlotError {
        match failure {
            DrawFailure::Empty => PlotError::Empty(self.title.clone()),
            DrawFailure::Range { axis, low, high } => {
                PlotError::Range { title: self.title.clone(), axis, low, high }
            }
            DrawFailure::Backend(message) => PlotError::Backend { path: path.into(), message },
        }
    }

    /// Draws the plot as both `<stem>.svg` and `<stem>.png` in `dir`.
    pub fn save_both(&self, dir: &Path, stem: &str) -> Result<(), PlotError> {
        self.save(&dir.join(format!("{stem}.svg")))?;
        self.save(&dir.join(format!("{stem}.png")))
    }

    fn data_bounds(&self) -> Result<Bounds, DrawFailure> {
        let mut xs: Vec<f64> = Vec::new();
        let mut ys: Vec<f64> = Vec::new();
        for s in &self.series {
            for &(x, y) in &s.points {
                xs.push(x);
                ys.push(y);
                if let Mark::Bars(w) = s.mark {
                    xs.extend([x - w / 2.0, x + w / 2.0]);
                    ys.push(0.0);
                }
            }
        }
        for c in &self.cells {
            xs.extend([c.x0, c.x1]);
            ys.extend([c.y0, c.y1]);
        }
        for &(x, y, _) in &self.coloured_points {
            xs.push(x);
            ys.push(y);
        }
        for (x, y, _) in &self.labels {
            xs.push(*x);
            ys.push(*y);
        }
        let fit = |v: &[f64]| -> Option<(f64, f64)> {
            let finite: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
            let low = finite.iter().copied().fold(f64::INFINITY, f64::min);
            let high = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if !low.is_finite() {
                return None;
            }
            let pad = if high > low { 0.03 * (high - low) } else { 0.5 * low.abs().max(1.0) };
            Some((low - pad, high + pad))
        };
        let x = self.x_range.or_else(|| fit(&xs)).ok_or(DrawFailure::Empty)?;
        let y = self.y_range.or_else(|| fit(&ys)).ok_or(DrawFailure::Empty)?;
        for (axis, (low, high)) in [("x", x), ("y", y)] {
            // Plotters' tick search loops forever on an infinite span: refuse it here.
            if !(low.is_finite() && high.is_finite() && (high - low).is_finite() && high > low) {
                return Err(DrawFailure::Range { axis, low, high });
            }
        }
        Ok(Bounds { x, y })
    }

    fn colour_span(&self) -> (f64, f64) {
        let values =
            self.cells.iter().map(|c| c.value).chain(self.coloured_points.iter().map(|p| p.2));
        let (low, high) = values
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| (l.min(v), h.max(v)));
        if (high - low).is_finite() && high > low {
            (low, high)
        } else if low.is_finite() && (high - low).is_finite() {
            // One value (low = high, the least and greatest of the finite values).
            (low.min(0.0), low.max(0.0) + 1.0)
        } else {
            // No finite colour value, or a span beyond f64 (fuzzed result files): a unit span,
            // the values clamped into it.
            (0.0, 1.0)
        }
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        Bounds { x: (x0, x1), y: (y0, y1) }: Bounds,
    ) -> Result<(), DrawFailure> {
        let fail = |e: &dyn std::fmt::Display| DrawFailure::Backend(e.to_string());
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        let has_colour = self.colour_label.is_some();
        let (main, bar_area) = if has_colour {
            let (m, b) = root.split_horizontally(self.size.0.saturating_sub(110));
            (m, Some(b))
        } else {
            (root.clone(), None)
        };
        let mut chart = ChartBuilder::on(&main)
            .caption(&self.title, ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(|e| fail(&e))?;
        let ticks = self.category_ticks.clone();
        let x_scale = (x1 - x0).abs();
        let mut mesh = chart.configure_mesh();
        mesh.x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .label_style(("sans-serif", 14));
        let formatter = move |x: &f64| -> String {
            match &ticks {
                Some(names) => {
                    let i = x.round();
                    if (x - i).abs() < 1e-9 && i >= 0.0 && (i as usize) < names.len() {
                        names[i as usize].clone()
                    } else {
                        String::new()
                    }
                }
                None => format_tick(*x, x_scale),
            }
        };
        if let Some(names) = &self.category_ticks {
            mesh.x_labels(names.len() * 2 + 1);
        }
        let y_scale = (y1 - y0).abs();
        let y_formatter = move |y: &f64| format_tick(*y, y_scale);
        mesh.x_label_formatter(&formatter).y_label_formatter(&y_formatter);
        mesh.draw().map_err(|e| fail(&e))?;

        let (c_low, c_high) = self.colour_span();
        let colour_of = |v: f64| viridis((v - c_low) / (c_high - c_low));
        if !self.cells.is_empty() {
            chart
                .draw_series(self.cells.iter().filter(|c| c.value.is_finite()).map(|c| {
                    Rectangle::new([(c.x0, c.y0), (c.x1, c.y1)], colour_of(c.value).filled())
                }))
                .map_err(|e| fail(&e))?;
        }
        if !self.coloured_points.is_empty() {
            chart
                .draw_series(
                    self.coloured_points
                        .iter()
                        .filter(|p| p.0.is_finite() && p.1.is_finite())
                        .map(|&(x, y, v)| Circle::new((x, y), 5, colour_of(v).filled())),
                )
                .map_err(|e| fail(&e))?;
        }
        let mut any_named = false;
        for (i, s) in self.series.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            let finite: Vec<(f64, f64)> =
                s.points.iter().copied().filter(|p| p.0.is_finite() && p.1.is_finite()).collect();
            let drawn = match s.mark {
                Mark::Line => chart.draw_series(LineSeries::new(finite, colour.stroke_width(2))),
                Mark::Points => chart
                    .draw_series(finite.into_iter().map(|p| Circle::new(p, 3, colour.filled()))),
                Mark::Bars(w) => chart.draw_series(finite.into_iter().map(|(x, y)| {
                    Rectangle::new([(x - w / 2.0, 0.0), (x + w / 2.0, y)], colour.mix(0.6).filled())
                })),
            }
            .map_err(|e| fail(&e))?;
            if !s.name.is_empty() {
                any_named = true;
                drawn.label(s.name.as_str()).legend(move |(x, y)| {
                    Rectangle::new([(x, y - 4), (x + 16, y + 4)], colour.filled())
                });
            }
        }
        chart
            .draw_series(
                self.labels
                    .iter()
                    .map(|(x, y, t)| Text::new(t.clone(), (*x, *y), ("sans-serif", 13))),
            )
            .map_err(|e| fail(&e))?;
        if any_named {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .label_font(("sans-serif", 14))
                .draw()
                .map_err(|e| fail(&e))?;
        }
        if let (Some(area), Some(label)) = (bar_area, &self.colour_label) {
            draw_colour_bar(&area, label, c_low, c_high).map_err(|e| fail(&e))?;
        }
        Ok(())
    }
}

/// The checked, finite axis ranges of a plot: `(low, high)` with low < high.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    x: (f64, f64),
    y: (f64, f64),
}

enum DrawFailure {
    Empty,
    Range { axis: &'static str, low: f64, high: f64 },
    Backend(String),
}

fn draw_colour_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    label: &str,
    low: f64,
    high: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let mut bar = ChartBuilder::on(area)
        .caption(label, ("sans-serif", 14))
        .margin_top(40)
        .margin_bottom(57)
        .margin_right(10)
        .y_label_area_size(55)
        .build_cartesian_2d(0.0..1.0, low..high)?;
    bar.configure_mesh()
        .disable_x_mesh()
        .disable_x_axis()
        .y_label_formatter(&|y| format_tick(*y, (high - low).abs()))
        .label_style(("sans-serif", 12))
        .draw()?;
    let steps = 100;
    bar.draw_series((0..steps).map(|i| {
        let a = low + (high - low) * i as f64 / steps as f64;
        let b = low + (high - low) * (i + 1) as f64 / steps as f64;
        let colour = viridis(i as f64 / steps as f64);
        Rectangle::new([(0.0, a), (1.0, b)], colour.filled())
    }))?;
    Ok(())
}

/// The viridis colour at `t` of [0, 1] (clamped; the middle for a non-finite `t`, whose value
/// would make plotters' colour map panic).
fn viridis(t: f64) -> RGBColor {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.5 };
    ViridisRGB::get_color_normalized(t as f32, 0.0, 1.0)
}

/// A compact tick label: plain for moderate magnitudes, scientific otherwise. `span` is the
/// axis length: a tick within rounding of zero on that axis (|v| < 1e-9·span, for example the
/// -2.2e-16 that tick arithmetic produces) is written "0".
fn format_tick(v: f64, span: f64) -> String {
    let a = v.abs();
    if a <= 1e-9 * span {
        "0".into()
    } else if !(1e-3..1e5).contains(&a) {
        format!("{v:.1e}")
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_svg_and_png_with_text() {
        let dir = tempfile::tempdir().unwrap();
        let plot = Plot::new("test φ")
            .x_label("x")
            .y_label("y")
            .line("line", vec![(0.0, 0.0), (1.0, 1.0)])
            .points("pts", vec![(0.5, 0.4)])
            .bars("bars", vec![(0.2, 0.3)], 0.1)
            .label(0.5, 0.5, "1/2");
        plot.save_both(dir.path(), "p").unwrap();
        let svg = std::fs::read_to_string(dir.path().join("p.svg")).unwrap();
        assert!(svg.contains("test φ"));
        let png = std::fs::read(dir.path().join("p.png")).unwrap();
        assert_eq!(&png[1..4], b"PNG");
    }

    #[test]
    fn colour_values_that_are_not_finite_or_span_beyond_f64_still_draw() {
        // The fuzzer's result files: a NaN accuracy made plotters' colour map panic, and so
        // would a span of ±1e308 (its width overflows) or values only of NaN.
        let dir = tempfile::tempdir().unwrap();
        for values in [[0.5, f64::NAN], [-1e308, 1e308], [f64::NAN, f64::INFINITY]] {
            let points = vec![(0.0, 0.0, values[0]), (1.0, 1.0, values[1])];
            Plot::new("colours")
                .coloured_points(points, "accuracy")
                .save(&dir.path().join("c.png"))
                .unwrap();
        }
        assert_eq!(viridis(f64::NAN), viridis(0.5));
        assert_eq!(viridis(-3.0), viridis(0.0));
    }

    #[test]
    fn heat_map_and_category_bars_render() {
        let dir = tempfile::tempdir().unwrap();
        let cells = (0..4)
            .map(|i| Cell { x0: i as f64, y0: 0.0, x1: i as f64 + 1.0, y1: 1.0, value: i as f64 })
            .collect();
        Plot::new("heat").cells(cells, "value").save(&dir.path().join("h.png")).unwrap();
        Plot::new("energy")
            .category_bars("ATP", &[("spikes".into(), 2.0), ("synapses".into(), 5.0)])
            .save(&dir.path().join("b.svg"))
            .unwrap();
        let svg = std::fs::read_to_string(dir.path().join("b.svg")).unwrap();
        assert!(svg.contains("synapses"));
    }

    #[test]
    fn empty_or_unknown_format_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(Plot::new("e").save(&dir.path().join("e.svg")), Err(PlotError::Empty(_))));
        let p = Plot::new("x").line("a", vec![(0.0, 1.0)]);
        assert!(matches!(p.save(&dir.path().join("e.jpg")), Err(PlotError::UnsupportedFormat(_))));
    }

    #[test]
    fn infinite_or_unpaddable_ranges_are_refused_not_drawn() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.svg");
        // Data near f64::MAX: padding the span overflows to infinity (this used to hang in
        // plotters' tick search).
        let huge = Plot::new("huge").line("v", vec![(0.0, -1e308), (1.0, 1e308)]);
        assert!(matches!(huge.save(&path), Err(PlotError::Range { axis: "y", .. })));
        let nan_range = Plot::new("nan").line("v", vec![(0.0, 1.0)]).x_range(0.0, f64::NAN);
        assert!(matches!(nan_range.save(&path), Err(PlotError::Range { axis: "x", .. })));
        let reversed = Plot::new("rev").line("v", vec![(0.0, 1.0)]).y_range(2.0, 1.0);
        assert!(matches!(reversed.save(&path), Err(PlotError::Range { axis: "y", .. })));
        assert!(!path.exists(), "a refused plot must leave no file");
    }

    #[test]
    fn ticks_are_compact() {
        assert_eq!(format_tick(0.5, 1.0), "0.5");
        assert_eq!(format_tick(2.0, 1.0), "2");
        assert_eq!(format_tick(1.5e-7, 1e-6), "1.5e-7");
        // Rounding residue of tick arithmetic is zero on its axis, a real tiny value is not.
        assert_eq!(format_tick(-2.2e-16, 4.0), "0");
        assert_eq!(format_tick(-2.2e-16, 1e-15), "-2.2e-16");
    }
}
