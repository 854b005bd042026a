//! The data sets compiled into the crate: iris, wine, WDBC (breast cancer) and digits
//! (`data/README.md` gives their provenance, licence and citations).

use super::Dataset;
use crate::GliaError;
use serde::{Deserialize, Serialize};
use std::io::Read;

/// The data sets compiled into the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Builtin {
    /// Fisher's iris: 150 × 4, 3 classes.
    Iris,
    /// Wine recognition: 178 × 13, 3 classes.
    Wine,
    /// Wisconsin diagnostic breast cancer: 569 × 30, 2 classes.
    Wdbc,
    /// Optical handwritten digits: 1797 × 64, 10 classes.
    Digits,
}

impl Builtin {
    /// Every bundled data set.
    pub const ALL: [Self; 4] = [Self::Iris, Self::Wine, Self::Wdbc, Self::Digits];

    /// The data set's canonical name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Iris => "iris",
            Self::Wine => "wine",
            Self::Wdbc => "wdbc",
            Self::Digits => "digits",
        }
    }

    /// Looks a data set up by name (`breast_cancer` is accepted for `wdbc`).
    pub fn from_name(name: &str) -> Result<Self, GliaError> {
        match name.to_ascii_lowercase().as_str() {
            "iris" => Ok(Self::Iris),
            "wine" | "wine_data" => Ok(Self::Wine),
            "wdbc" | "breast_cancer" | "breast-cancer" => Ok(Self::Wdbc),
            "digits" => Ok(Self::Digits),
            _ => Err(GliaError::UnknownDataset { name: name.into() }),
        }
    }

    /// Loads the data set.
    pub fn load(self) -> Result<Dataset, GliaError> {
        let (bytes, gz): (&[u8], bool) = match self {
            Self::Iris => (include_bytes!("../../data/iris.csv"), false),
            Self::Wine => (include_bytes!("../../data/wine_data.csv"), false),
            Self::Wdbc => (include_bytes!("../../data/breast_cancer.csv"), false),
            Self::Digits => (include_bytes!("../../data/digits.csv.gz"), true),
        };
        let text = if gz {
            let mut out = String::new();
            flate2::read::GzDecoder::new(bytes).read_to_string(&mut out).map_err(|e| {
                GliaError::Data { name: self.name().into(), problem: format!("bundled file: {e}") }
            })?;
            out
        } else {
            String::from_utf8_lossy(bytes).into_owned()
        };
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let class_names: Vec<String> = if gz {
            (0..10).map(|d| d.to_string()).collect()
        } else {
            let head = lines.next().unwrap_or_default();
            head.split(',').skip(2).map(|s| s.trim().to_string()).collect()
        };
        let feature_names = builtin_feature_names(self);
        let d = feature_names.len();
        let mut features = Vec::new();
        let mut labels = Vec::new();
        for line in lines {
            let fields: Vec<&str> = line.split(',').collect();
            let bad = || GliaError::Data {
                name: self.name().into(),
                problem: format!("bundled file has a malformed line `{line}`"),
            };
            if fields.len() != d + 1 {
                return Err(bad());
            }
            for f in &fields[..d] {
                features.push(f.trim().parse::<f64>().map_err(|_| bad())?);
            }
            labels.push(fields[d].trim().parse::<usize>().map_err(|_| bad())?);
        }
        Dataset::new(self.name(), features, d, labels, class_names, feature_names)
    }
}

fn builtin_feature_names(set: Builtin) -> Vec<String> {
    let owned = |v: &[&str]| v.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
    match set {
        Builtin::Iris => owned(&[
            "sepal length (cm)",
            "sepal width (cm)",
            "petal length (cm)",
            "petal width (cm)",
        ]),
        Builtin::Wine => owned(&[
            "alcohol",
            "malic acid",
            "ash",
            "alcalinity of ash",
            "magnesium",
            "total phenols",
            "flavanoids",
            "nonflavanoid phenols",
            "proanthocyanins",
            "color intensity",
            "hue",
            "od280/od315 of diluted wines",
            "proline",
        ]),
        Builtin::Wdbc => {
            let base = [
                "radius",
                "texture",
                "perimeter",
                "area",
                "smoothness",
                "compactness",
                "concavity",
                "concave points",
                "symmetry",
                "fractal dimension",
            ];
            let mut names: Vec<String> = base.iter().map(|b| format!("mean {b}")).collect();
            names.extend(base.iter().map(|b| format!("{b} error")));
            names.extend(base.iter().map(|b| format!("worst {b}")));
            names
        }
        Builtin::Digits => (0..64).map(|i| format!("pixel_{}_{}", i / 8, i % 8)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_sets_have_their_published_shapes() {
        // Shapes and class counts from the UCI descriptions (data/README.md):
        // iris 50/50/50, wine 59/71/48, WDBC 212 malignant / 357 benign, digits 1797 × 64.
        let iris = Dataset::builtin("iris").unwrap();
        assert_eq!((iris.len(), iris.n_features()), (150, 4));
        assert_eq!(iris.class_counts(), vec![50, 50, 50]);
        let wine = Dataset::builtin("wine").unwrap();
        assert_eq!((wine.len(), wine.n_features()), (178, 13));
        assert_eq!(wine.class_counts(), vec![59, 71, 48]);
        let wdbc = Dataset::builtin("breast_cancer").unwrap();
        assert_eq!((wdbc.len(), wdbc.n_features()), (569, 30));
        assert_eq!(wdbc.class_counts(), vec![212, 357]);
        assert_eq!(wdbc.class_names(), ["malignant", "benign"]);
        let digits = Dataset::builtin("digits").unwrap();
        assert_eq!((digits.len(), digits.n_features(), digits.n_classes()), (1797, 64, 10));
        assert!(digits.features().iter().all(|&v| (0.0..=16.0).contains(&v)));
        // Fisher's first iris sample is (5.1, 3.5, 1.4, 0.2), setosa.
        assert_eq!(iris.row(0), [5.1, 3.5, 1.4, 0.2]);
        assert!(matches!(Dataset::builtin("mnist"), Err(GliaError::UnknownDataset { .. })));
    }
}
