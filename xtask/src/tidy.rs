//! Tidy checks, run by `cargo test`: the crate map holds, every file says what it is, no work is
//! left unnamed, and every reference points inside the repository.
//!
//! 1. Dependencies point down: each workspace crate may depend only on the siblings listed in
//!    [`ALLOWED`] (the layering of ARCHITECTURE.md). A crate missing from the table fails too,
//!    so adding a crate means placing it in the map.
//! 2. Every Rust file starts with a `//!` doc comment.
//! 3. A to-do marker always names its owner and issue, as `TODO(name, #12)`.
//! 4. References stay in the repository, in every tracked text file (`git ls-files`):
//!    - no mention of the documents and folders that lived outside it before docs/science.md,
//!      docs/benchmarks.md and benches/peers/ existed ([`FORBIDDEN_REFERENCES`]);
//!    - every relative Markdown link or image target of a `*.md` file exists, relative to that
//!      file (anchors and titles stripped; links inside code are not links);
//!    - every mention of a repository path that starts with a top-level folder
//!      ([`TOP_LEVEL_FOLDERS`]) and ends with a checked extension ([`CHECKED_EXTENSIONS`])
//!      exists, relative to the repository root, to the mentioning file's package or to its
//!      folder. Mentions with placeholders (`<name>`, `*`, `{a,b}`, `...`) are patterns, not
//!      paths, and are skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Each workspace crate and the workspace crates it may depend on (normal, dev or build).
const ALLOWED: &[(&str, &[&str])] = &[
    ("dgnn-core", &[]),
    ("dgnn-plot", &["dgnn-core"]),
    ("dgnn-dynamics", &["dgnn-core"]),
    ("dgnn-lock", &["dgnn-core", "dgnn-dynamics"]),
    ("dgnn-glia", &["dgnn-core", "dgnn-dynamics"]),
    ("dgnn-evo", &["dgnn-core"]),
    ("dgnn-nas", &["dgnn-core", "dgnn-dynamics", "dgnn-glia", "dgnn-evo"]),
    (
        "dgnn-lab",
        &[
            "dgnn-core",
            "dgnn-plot",
            "dgnn-dynamics",
            "dgnn-lock",
            "dgnn-glia",
            "dgnn-evo",
            "dgnn-nas",
        ],
    ),
    // All MPI code (the transport behind its own `mpi` feature): the binary and xtask's
    // mpi-bench (the scaling model) use it; the libraries never see it.
    ("dgnn-mpi", &["dgnn-core", "dgnn-evo"]),
    (
        "dgnn",
        &[
            "dgnn-core",
            "dgnn-plot",
            "dgnn-dynamics",
            "dgnn-lock",
            "dgnn-glia",
            "dgnn-evo",
            "dgnn-nas",
            "dgnn-lab",
            "dgnn-mpi",
        ],
    ),
    // xtask's fuzz harness calls every reader as its command does, through the binary's
    // library and the crates behind it; search-scaling draws with dgnn-plot.
    (
        "xtask",
        &[
            "dgnn",
            "dgnn-core",
            "dgnn-evo",
            "dgnn-glia",
            "dgnn-lab",
            "dgnn-lock",
            "dgnn-mpi",
            "dgnn-nas",
            "dgnn-plot",
        ],
    ),
];

fn root() -> PathBuf {
    super::workspace_root()
}

#[test]
fn dependencies_point_down() {
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&output.stdout).expect("metadata is JSON");
    let members: Vec<&str> =
        meta["packages"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    let mut problems = Vec::new();
    for package in meta["packages"].as_array().unwrap() {
        let name = package["name"].as_str().unwrap();
        let Some((_, allowed)) = ALLOWED.iter().find(|(crate_name, _)| *crate_name == name) else {
            problems
                .push(format!("{name} is not placed in the crate map (xtask/src/tidy.rs ALLOWED)"));
            continue;
        };
        for dep in package["dependencies"].as_array().unwrap() {
            let dep_name = dep["name"].as_str().unwrap();
            if members.contains(&dep_name) && !allowed.contains(&dep_name) {
                problems.push(format!("{name} depends on {dep_name}, which the crate map forbids"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// All Rust files of the workspace, outside `target/`.
fn rust_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if path.is_dir() {
                if name != "target" && !name.starts_with('.') {
                    walk(&path, out);
                }
            } else if name.ends_with(".rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    for top in ["src", "crates", "xtask", "tests", "benches"] {
        walk(&root().join(top), &mut files);
    }
    files
}

#[test]
fn every_file_has_a_module_doc() {
    let missing: Vec<String> = rust_files()
        .into_iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            !text.lines().find(|l| !l.trim().is_empty()).is_some_and(|l| l.starts_with("//!"))
        })
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "files without a leading `//!` doc comment:\n{}",
        missing.join("\n")
    );
}

#[test]
fn no_bare_todo() {
    // Built from parts so that this file does not trip its own check.
    let markers = [concat!("TO", "DO"), concat!("FIX", "ME")];
    let mut bare = Vec::new();
    for path in rust_files() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for (line_no, line) in text.lines().enumerate() {
            for marker in markers {
                for (at, _) in line.match_indices(marker) {
                    let rest = &line[at + marker.len()..];
                    let named = rest.starts_with('(') && rest.contains('#') && rest.contains(')');
                    if !named {
                        bare.push(format!("{}:{}: {}", path.display(), line_no + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        bare.is_empty(),
        "to-do markers must read `{}(name, #issue)`:\n{}",
        markers[0],
        bare.join("\n")
    );
}

/// The one file allowed to lift the workspace's `unsafe_code = "deny"`: the AVX-512 kernels,
/// whose module docs give the safety argument.
const UNSAFE_ALLOWED_IN: &str = "crates/dgnn-dynamics/src/simd/avx512.rs";

#[test]
fn unsafe_code_stays_in_its_one_module() {
    // Built from parts so that this file does not trip its own check.
    let lifts = [concat!("allow(", "unsafe_code"), concat!("expect(", "unsafe_code")];
    let offenders: Vec<String> = rust_files()
        .into_iter()
        .filter(|path| !path.ends_with(UNSAFE_ALLOWED_IN))
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            lifts.iter().any(|lift| text.contains(lift))
        })
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "only {UNSAFE_ALLOWED_IN} may allow unsafe code:\n{}",
        offenders.join("\n")
    );
    assert!(root().join(UNSAFE_ALLOWED_IN).is_file(), "{UNSAFE_ALLOWED_IN} moved: update tidy");
}

/// Strings that name documents or folders outside the repository, each split in two so that this
/// file does not trip its own check.
const FORBIDDEN_REFERENCES: &[&str] = &[
    concat!("../", "shared"),
    concat!("/work/", "shared"),
    concat!("shared/", "peers"),
    concat!("SCIENCE", ".md"),
    concat!("BENCHMARKS", ".md"),
];

/// The top-level folders of the repository whose paths the mention check follows.
const TOP_LEVEL_FOLDERS: &[&str] =
    &["crates/", "src/", "docs/", "benches/", "tests/", "xtask/", ".ci/", ".cargo/"];

/// The file extensions of the mentions the check follows.
const CHECKED_EXTENSIONS: &[&str] = &[".md", ".rs", ".py", ".sh", ".csv", ".ron", ".toml"];

/// One tracked text file: its path relative to the repository root and its contents.
struct TextFile {
    path: PathBuf,
    text: String,
}

/// Every file `git ls-files` lists that exists and holds UTF-8 text without NUL bytes (so
/// binary files such as pictures and compressed data are skipped).
fn tracked_text_files() -> Vec<TextFile> {
    let output = Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root())
        .output()
        .expect("git runs (the reference checks read `git ls-files`)");
    assert!(output.status.success(), "git ls-files: {}", String::from_utf8_lossy(&output.stderr));
    output
        .stdout
        .split(|&byte| byte == 0)
        .filter(|name| !name.is_empty())
        .filter_map(|name| {
            let path = PathBuf::from(String::from_utf8_lossy(name).into_owned());
            let bytes = std::fs::read(root().join(&path)).ok()?;
            if bytes.contains(&0) {
                return None;
            }
            let text = String::from_utf8(bytes).ok()?;
            Some(TextFile { path, text })
        })
        .collect()
}

/// Lines of `problems` as `file:line: message`, or nothing when every reference resolves.
type Problems = Vec<String>;

/// Mentions of [`FORBIDDEN_REFERENCES`] in `file`.
fn forbidden_references(file: &TextFile) -> Problems {
    let mut problems = Vec::new();
    for (line_no, line) in file.text.lines().enumerate() {
        for forbidden in FORBIDDEN_REFERENCES {
            if line.contains(forbidden) {
                problems.push(format!(
                    "{}:{}: `{forbidden}` is not in the repository (point to docs/science.md, \
                     docs/benchmarks.md or benches/peers/ instead)",
                    file.path.display(),
                    line_no + 1
                ));
            }
        }
    }
    problems
}

/// `line` with the contents of its inline code spans (between backticks) replaced by spaces,
/// byte for byte, so that offsets into the result are offsets into `line`.
fn without_code_spans(line: &str) -> String {
    let mut inside = false;
    let blanked: Vec<u8> = line
        .bytes()
        .map(|byte| {
            if byte == b'`' {
                inside = !inside;
                byte
            } else if inside {
                b' '
            } else {
                byte
            }
        })
        .collect();
    String::from_utf8(blanked).expect("only ASCII bytes and whole characters are kept")
}

/// The targets of the inline links and images `[text](target "title")` of one Markdown line
/// (outside code spans), and of a reference definition `[label]: target`.
fn markdown_link_targets(line: &str) -> Vec<&str> {
    let visible = without_code_spans(line);
    let mut targets = Vec::new();
    for (at, _) in visible.match_indices("](") {
        let rest = &line[at + 2..];
        let end = rest.find(')').unwrap_or(rest.len());
        let target = rest[..end].split_whitespace().next().unwrap_or("");
        targets.push(target.trim_start_matches('<').trim_end_matches('>'));
    }
    let trimmed = line.trim_start();
    if trimmed.starts_with('[')
        && let Some(colon) = trimmed.find("]: ")
    {
        targets.extend(trimmed[colon + 3..].split_whitespace().next());
    }
    targets
}

/// Relative Markdown link targets of `file` that do not exist.
fn broken_markdown_links(file: &TextFile) -> Problems {
    let mut problems = Vec::new();
    let folder = file.path.parent().unwrap_or(Path::new(""));
    let mut in_fence = false;
    for (line_no, line) in file.text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        for target in markdown_link_targets(line) {
            let external =
                ["http://", "https://", "mailto:", "#"].iter().any(|p| target.starts_with(p));
            let path = target.split(['#', '?']).next().unwrap_or("");
            if external || path.is_empty() {
                continue;
            }
            let resolved = match path.strip_prefix('/') {
                Some(from_root) => root().join(from_root),
                None => root().join(folder).join(path),
            };
            if !resolved.exists() {
                problems.push(format!(
                    "{}:{}: link target `{target}` does not exist (looked for {})",
                    file.path.display(),
                    line_no + 1,
                    resolved.display()
                ));
            }
        }
    }
    problems
}

/// The repository paths `line` mentions: runs of path characters that start at one of
/// [`TOP_LEVEL_FOLDERS`] (not in the middle of a longer path) and end, after trailing
/// punctuation, with one of [`CHECKED_EXTENSIONS`]. Mentions with placeholders are skipped.
fn path_mentions(line: &str) -> Vec<&str> {
    let path_byte =
        |byte: u8| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.' | b'/');
    let placeholder_byte =
        |byte: u8| matches!(byte, b'<' | b'>' | b'*' | b'{' | b'}' | b',' | b'$');
    let bytes = line.as_bytes();
    let mut mentions = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let begins = TOP_LEVEL_FOLDERS
            .iter()
            .any(|folder| bytes[start..].starts_with(folder.as_bytes()))
            && (start == 0 || !(path_byte(bytes[start - 1]) || placeholder_byte(bytes[start - 1])));
        if !begins {
            start += 1;
            continue;
        }
        let mut end = start;
        while end < bytes.len() && (path_byte(bytes[end]) || placeholder_byte(bytes[end])) {
            end += 1;
        }
        let mention = line[start..end].trim_end_matches(['.', ',', ':', ';']);
        let is_pattern = mention.bytes().any(placeholder_byte) || mention.contains("...");
        if !is_pattern && CHECKED_EXTENSIONS.iter().any(|ext| mention.ends_with(ext)) {
            mentions.push(mention);
        }
        start = end.max(start + 1);
    }
    mentions
}

/// The folder of the package `path` (relative to the root) belongs to: its nearest ancestor
/// holding a `Cargo.toml`.
fn package_folder(path: &Path) -> PathBuf {
    path.ancestors()
        .skip(1)
        .find(|folder| root().join(folder).join("Cargo.toml").is_file())
        .unwrap_or(Path::new(""))
        .to_path_buf()
}

/// Mentions of repository paths in `file` that exist nowhere they could be relative to.
fn missing_path_mentions(file: &TextFile) -> Problems {
    let mut problems = Vec::new();
    let bases = [
        root(),
        root().join(package_folder(&file.path)),
        root().join(file.path.parent().unwrap_or(Path::new(""))),
    ];
    for (line_no, line) in file.text.lines().enumerate() {
        for mention in path_mentions(line) {
            if !bases.iter().any(|base| base.join(mention).exists()) {
                problems.push(format!(
                    "{}:{}: `{mention}` is not in the repository",
                    file.path.display(),
                    line_no + 1
                ));
            }
        }
    }
    problems
}

/// Every problem of check 4 (module docs) over the tracked text files.
fn reference_problems() -> Problems {
    let mut problems = Vec::new();
    for file in tracked_text_files() {
        problems.extend(forbidden_references(&file));
        if file.path.extension().is_some_and(|ext| ext == "md") {
            problems.extend(broken_markdown_links(&file));
        }
        problems.extend(missing_path_mentions(&file));
    }
    problems
}

#[test]
fn every_reference_points_inside_the_repository() {
    let problems = reference_problems();
    assert!(
        problems.is_empty(),
        "references to files that are not in the repository:\n{}",
        problems.join("\n")
    );
}

#[test]
fn reference_checks_catch_planted_mistakes() {
    // Planted paths that do not exist are built from parts, so that this file's own text never
    // mentions them and the repository-wide check above stays clean.
    let gone_doc = ["docs/", "gone.md"].concat();
    let gone_source = ["crates/dgnn-glia/src/", "gone.rs"].concat();
    let file =
        |path: &str, text: &str| TextFile { path: PathBuf::from(path), text: text.to_string() };

    let outside = file("src/lib.rs", &format!("// see {}", FORBIDDEN_REFERENCES[3]));
    assert_eq!(forbidden_references(&outside).len(), 1);
    let clean = file("src/lib.rs", "// see docs/science.md#hkb and `crates/<name>/src/lib.rs`");
    assert!(forbidden_references(&clean).is_empty());
    assert!(missing_path_mentions(&clean).is_empty());

    let readme = file(
        "README.md",
        &format!(
            "[ok](docs/science.md#hkb) [web](https://example.org/a.md) [anchor](#usage) \
             `[code](nowhere.md)` [gone]({gone_doc})"
        ),
    );
    let broken = broken_markdown_links(&readme);
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert!(broken[0].starts_with(&format!("README.md:1: link target `{gone_doc}`")), "{broken:?}");
    let fenced = file("README.md", &format!("```\n[gone]({gone_doc})\n```\n"));
    assert!(broken_markdown_links(&fenced).is_empty());
    let peers = file("benches/peers/README.md", "[up](../../docs/benchmarks.md) [no](../nope.md)");
    assert_eq!(broken_markdown_links(&peers).len(), 1);

    let sentence =
        format!("see crates/dgnn-glia/src/lib.rs, then `{gone_doc}`. Not src/a nor x/src/y.rs");
    assert_eq!(path_mentions(&sentence), ["crates/dgnn-glia/src/lib.rs", gone_doc.as_str()]);
    assert!(
        path_mentions("benches/peers/<script>.py, crates/*/tests/a.rs, src/{a,b}.rs").is_empty()
    );
    let stale = file("docs/science.md", &format!("moved to {gone_source}"));
    assert_eq!(
        missing_path_mentions(&stale),
        [format!("docs/science.md:1: `{gone_source}` is not in the repository")]
    );
    // A crate-relative mention resolves inside the mentioning file's package.
    let relative = file("crates/dgnn-glia/src/energy.rs", "// see src/lib.rs");
    assert!(missing_path_mentions(&relative).is_empty());
}
