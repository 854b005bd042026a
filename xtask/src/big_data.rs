//! `cargo xtask make-big-data [--rows N] [--features D] [--classes K] [--separation S] [--seed
//! X] [--out FILE]`: a large classification table of known structure, for measuring `dgnn
//! search` and `dgnn train` on data far larger than the bundled sets (issue 15: 1,000,000 rows,
//! 50 features, 5 classes by default).
//!
//! The structure: the label c of each row is uniform on 0..K; feature j < K is
//! `S·[j = c] + ε_j` and every other feature is pure noise `ε_j`, all ε independent standard
//! normal. So only the first K features carry information, and the Bayes-optimal rule is the
//! argmax of the first K features (the class means are equidistant, the noise isotropic). Its
//! accuracy is `∫ φ(z) Φ(z + S)^(K−1) dz`, computed here by quadrature and printed with the
//! table, along with the rule's accuracy on the rows written: the ceiling any network can reach.
//! Values carry four decimals. The same arguments give the same file, byte for byte.

use anyhow::{Context, Result, bail};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal, Uniform};
use statrs::distribution::{Continuous, ContinuousCDF, Normal};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What to generate.
pub struct Shape {
    /// Rows of the table.
    pub rows: usize,
    /// Feature columns (the first `classes` informative, the rest noise).
    pub features: usize,
    /// Classes, uniform.
    pub classes: usize,
    /// The informative features' shift S for the row's own class.
    pub separation: f64,
    /// The generator's seed.
    pub seed: u64,
    /// The file written.
    pub out: PathBuf,
}

impl Shape {
    /// The default shape of issue 15 (1,000,000 × 50, 5 classes, S = 2, seed 15) into `out`.
    pub fn default_into(out: PathBuf) -> Self {
        Self { rows: 1_000_000, features: 50, classes: 5, separation: 2.0, seed: 15, out }
    }
}

/// What a written table holds: its size and the Bayes-optimal rule's accuracy on its rows.
pub struct Written {
    /// Bytes of the file.
    pub bytes: u64,
    /// The share of rows the Bayes-optimal rule classifies right.
    pub bayes_on_rows: f64,
}

/// `cargo xtask make-big-data …` (module docs).
pub fn make_big_data(root: &Path, args: &[String]) -> Result<()> {
    let shape = parse(root, args)?;
    let started = std::time::Instant::now();
    let written = write_table(&shape, true)?;
    let expected = bayes_accuracy(shape.classes, shape.separation);
    println!(
        "{}: {} rows × {} features, {} classes ({:.1} MB, {:.1} s)",
        shape.out.display(),
        shape.rows,
        shape.features,
        shape.classes,
        written.bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    println!(
        "Bayes-optimal accuracy: {expected:.4} in theory, {:.4} on these rows (argmax of the \
         first {} features; the other {} are noise)",
        written.bayes_on_rows,
        shape.classes,
        shape.features - shape.classes
    );
    Ok(())
}

/// Writes the table of `shape` (module docs), with progress on stderr when `loud`.
pub fn write_table(shape: &Shape, loud: bool) -> Result<Written> {
    if let Some(dir) = shape.out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = std::fs::File::create(&shape.out)
        .with_context(|| format!("creating {}", shape.out.display()))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let names: Vec<String> = (0..shape.features).map(|j| format!("x{j}")).collect();
    writeln!(out, "{},label", names.join(","))?;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(shape.seed);
    let class = Uniform::new(0, shape.classes)?;
    let mut row = vec![0.0f64; shape.features];
    let mut line = String::with_capacity(16 * shape.features);
    let mut bayes_correct = 0usize;
    for i in 0..shape.rows {
        let c = class.sample(&mut rng);
        for (j, x) in row.iter_mut().enumerate() {
            let noise: f64 = StandardNormal.sample(&mut rng);
            *x = noise + if j == c { shape.separation } else { 0.0 };
        }
        let guess = (0..shape.classes).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap_or(0);
        bayes_correct += usize::from(guess == c);
        line.clear();
        for x in &row {
            use std::fmt::Write as _;
            write!(line, "{x:.4},")?;
        }
        writeln!(out, "{line}c{c}")?;
        if loud && (i + 1) % 100_000 == 0 {
            eprintln!("make-big-data: {} of {} rows", i + 1, shape.rows);
        }
    }
    out.flush()?;
    Ok(Written {
        bytes: std::fs::metadata(&shape.out)?.len(),
        bayes_on_rows: bayes_correct as f64 / shape.rows as f64,
    })
}

/// `∫ φ(z) Φ(z + s)^(k−1) dz` by Simpson's rule on [−12, 12] (the integrand is below 1e−30
/// outside).
pub fn bayes_accuracy(classes: usize, separation: f64) -> f64 {
    let normal = Normal::standard();
    let f = |z: f64| normal.pdf(z) * normal.cdf(z + separation).powi(classes as i32 - 1);
    let (a, b, n) = (-12.0, 12.0, 4000);
    let h = (b - a) / n as f64;
    let inner: f64 = (1..n).map(|i| f(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 }).sum();
    (f(a) + f(b) + inner) * h / 3.0
}

fn parse(root: &Path, args: &[String]) -> Result<Shape> {
    let mut shape = Shape::default_into(root.join("target/big-data/big.csv"));
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().with_context(|| format!("{flag} needs a value"))?;
        let count =
            || value.parse::<usize>().with_context(|| format!("{flag} {value}: give a count"));
        match flag.as_str() {
            "--rows" => shape.rows = count()?,
            "--features" => shape.features = count()?,
            "--classes" => shape.classes = count()?,
            "--seed" => shape.seed = value.parse().with_context(|| format!("--seed {value}"))?,
            "--separation" => {
                shape.separation =
                    value.parse().with_context(|| format!("--separation {value}"))?;
            }
            "--out" => shape.out = PathBuf::from(value),
            other => bail!(
                "unknown flag {other}: cargo xtask make-big-data [--rows N] [--features D] \
                 [--classes K] [--separation S] [--seed X] [--out FILE]"
            ),
        }
    }
    if shape.rows == 0 || shape.classes < 2 || shape.features < shape.classes {
        bail!("give --rows ≥ 1, --classes ≥ 2 and --features ≥ --classes");
    }
    if !(shape.separation.is_finite() && shape.separation >= 0.0) {
        bail!("--separation must be a finite number ≥ 0");
    }
    Ok(shape)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bayes_accuracy_matches_closed_forms() {
        // No separation: chance, 1/k.
        assert!((bayes_accuracy(5, 0.0) - 0.2).abs() < 1e-9);
        // Two classes: P(ε₀ + s > ε₁) = Φ(s/√2).
        let normal = Normal::standard();
        let two = normal.cdf(2.0 / 2f64.sqrt());
        assert!((bayes_accuracy(2, 2.0) - two).abs() < 1e-9);
    }
}
