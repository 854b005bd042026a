//! Structure-aware mutation of valid seed files: the mutants stay close enough to the format
//! to reach past the first parse (numbers replaced by extreme values, lines repeated into huge
//! counts, fields spliced in from other seeds) while bit flips and truncation test the parsers
//! themselves. Every choice comes from the caller's seeded generator, so a run is repeatable.

use rand::{Rng, RngExt};

/// The largest mutant, in bytes: a reader must refuse or accept far larger files, but the
/// harness looks for blow-ups out of proportion to the input, not for slow reading of big files.
pub const MAX_LEN: usize = 1 << 20;

/// Values that break naive numeric code: zero, signs, the edges of f64 and of the integer
/// types, non-finite spellings, huge counts.
const EXTREMES: &[&str] = &[
    "0",
    "-0",
    "-1",
    "0.0",
    "1e308",
    "-1e308",
    "1e-320",
    "5e-324",
    "1e309",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "255",
    "256",
    "65536",
    "2147483647",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "18446744073709551615",
    "18446744073709551616",
    "100000000",
    "1000000000000",
    "1e9",
    "0.5",
    "1",
    "2",
    "3",
];

/// Fragments that change the structure of RON, JSON, CSV and WFDB headers.
const FRAGMENTS: &[&str] = &[
    ",", "\n", "\"", "(", ")", "[", "]", "{", "}", ":", "\t", " ", "\0", "\u{feff}", "é", "\r\n",
    "//", "/*", "Some(", "None", "true", "#", "x", "-", ".", "e", "/", "\\",
];

/// One mutant of `seed`: one to four mutations in a row; `others` are the target's other
/// seeds, the source of spliced fragments.
pub fn mutate(seed: &[u8], others: &[&[u8]], rng: &mut impl Rng) -> Vec<u8> {
    let mut data = seed.to_vec();
    let count = rng.random_range(1..=4);
    for _ in 0..count {
        mutate_once(&mut data, others, rng);
        data.truncate(MAX_LEN);
    }
    data
}

fn mutate_once(data: &mut Vec<u8>, others: &[&[u8]], rng: &mut impl Rng) {
    match rng.random_range(0..10) {
        0 => flip_bit(data, rng),
        1 => {
            if !data.is_empty() {
                data.truncate(rng.random_range(0..data.len()));
            }
        }
        2 => splice(data, others, rng),
        3 | 4 => extreme_number(data, rng),
        5 => repeat_line(data, rng),
        6 => delete_range(data, rng),
        7 => {
            let at = rng.random_range(0..=data.len());
            let fragment = FRAGMENTS[rng.random_range(0..FRAGMENTS.len())];
            data.splice(at..at, fragment.bytes());
        }
        8 => swap_words(data, rng),
        _ => {
            // A random byte anywhere, control characters and invalid UTF-8 included.
            let at = rng.random_range(0..=data.len());
            data.insert(at, rng.random());
        }
    }
}

fn flip_bit(data: &mut [u8], rng: &mut impl Rng) {
    if !data.is_empty() {
        let at = rng.random_range(0..data.len());
        data[at] ^= 1 << rng.random_range(0..8);
    }
}

/// Replaces a range of `data` with a range of another seed (or of itself).
fn splice(data: &mut Vec<u8>, others: &[&[u8]], rng: &mut impl Rng) {
    let source: Vec<u8> = if others.is_empty() {
        data.clone()
    } else {
        others[rng.random_range(0..others.len())].to_vec()
    };
    if source.is_empty() {
        return;
    }
    let start = rng.random_range(0..source.len());
    let end = rng.random_range(start..=source.len().min(start + 256));
    let at = rng.random_range(0..=data.len());
    let cut = rng.random_range(at..=data.len().min(at + 64));
    data.splice(at..cut, source[start..end].iter().copied());
}

/// The byte ranges of the numbers in `data`: `[-+]?digits[.digits][(e|E)[-+]digits]`.
fn number_spans(data: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < data.len() {
        if !data[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut start = i;
        if start > 0 && (data[start - 1] == b'-' || data[start - 1] == b'+') {
            start -= 1;
        }
        while i < data.len() && (data[i].is_ascii_digit() || data[i] == b'.') {
            i += 1;
        }
        if i < data.len() && (data[i] == b'e' || data[i] == b'E') {
            let mut j = i + 1;
            if j < data.len() && (data[j] == b'-' || data[j] == b'+') {
                j += 1;
            }
            if j < data.len() && data[j].is_ascii_digit() {
                i = j;
                while i < data.len() && data[i].is_ascii_digit() {
                    i += 1;
                }
            }
        }
        spans.push((start, i));
    }
    spans
}

fn extreme_number(data: &mut Vec<u8>, rng: &mut impl Rng) {
    let spans = number_spans(data);
    if spans.is_empty() {
        return;
    }
    let (start, end) = spans[rng.random_range(0..spans.len())];
    let value = EXTREMES[rng.random_range(0..EXTREMES.len())];
    data.splice(start..end, value.bytes());
}

/// The byte ranges of the lines of `data`, each with its newline.
fn line_spans(data: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, byte) in data.iter().enumerate() {
        if *byte == b'\n' {
            spans.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < data.len() {
        spans.push((start, data.len()));
    }
    spans
}

/// Repeats one line 2 to 4096 times: a huge count of rows, fields or records.
fn repeat_line(data: &mut Vec<u8>, rng: &mut impl Rng) {
    let lines = line_spans(data);
    if lines.is_empty() {
        return;
    }
    let (start, end) = lines[rng.random_range(0..lines.len())];
    let times = 1usize << rng.random_range(1..=12);
    let line = data[start..end].to_vec();
    let room = MAX_LEN.saturating_sub(data.len()) / line.len().max(1);
    let copies = times.min(room);
    let repeated: Vec<u8> = line.iter().copied().cycle().take(line.len() * copies).collect();
    data.splice(end..end, repeated);
}

fn delete_range(data: &mut Vec<u8>, rng: &mut impl Rng) {
    if data.is_empty() {
        return;
    }
    if rng.random_bool(0.5) {
        let lines = line_spans(data);
        let (start, end) = lines[rng.random_range(0..lines.len())];
        data.drain(start..end);
    } else {
        let start = rng.random_range(0..data.len());
        let end = rng.random_range(start..=data.len().min(start + 32));
        data.drain(start..end);
    }
}

/// The byte ranges of the words (`[A-Za-z_][A-Za-z0-9_]*`) of `data`.
fn word_spans(data: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < data.len() {
        if data[i].is_ascii_alphabetic() || data[i] == b'_' {
            let start = i;
            while i < data.len() && (data[i].is_ascii_alphanumeric() || data[i] == b'_') {
                i += 1;
            }
            spans.push((start, i));
        } else {
            i += 1;
        }
    }
    spans
}

/// Replaces one word with another word of the same file: a field name where a variant was, a
/// variant of one enum in another's place.
fn swap_words(data: &mut Vec<u8>, rng: &mut impl Rng) {
    let words = word_spans(data);
    if words.len() < 2 {
        return;
    }
    let (start, end) = words[rng.random_range(0..words.len())];
    let (from, to) = words[rng.random_range(0..words.len())];
    let word = data[from..to].to_vec();
    data.splice(start..end, word);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn number_spans_cover_signs_fractions_and_exponents() {
        let text = b"a: -1.5e-3, b: 42, c: x7";
        let spans = number_spans(text);
        let numbers: Vec<&[u8]> = spans.iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(numbers, [&b"-1.5e-3"[..], b"42", b"7"]);
    }

    #[test]
    fn mutants_are_repeatable_bounded_and_varied() {
        let seed = b"(population: 40, generations: 40, rate: 0.01)\nline two\n".as_slice();
        let run = |s: u64| {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(s);
            (0..200).map(|_| mutate(seed, &[seed], &mut rng)).collect::<Vec<_>>()
        };
        let first = run(1);
        assert_eq!(first, run(1), "the same seed gives the same mutants");
        assert!(first.iter().all(|m| m.len() <= MAX_LEN));
        let distinct: std::collections::HashSet<&Vec<u8>> = first.iter().collect();
        assert!(distinct.len() > 150, "only {} distinct mutants of 200", distinct.len());
        assert!(first.iter().any(|m| m.len() > 10 * seed.len()), "no huge count was made");
    }
}
