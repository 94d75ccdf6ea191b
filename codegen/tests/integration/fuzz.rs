//! No input makes the loader, the validator or the generator panic or hang: random bytes, every
//! truncation of the example specs, and random edits of them. Deterministic (fixed seeds) and
//! bounded (a few thousand inputs, a few seconds).

use crate::common;

use std::time::{Duration, Instant};

use codegen::load::load_str;

/// xorshift64*: tiny, deterministic, good enough to pick positions and bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Specs that validate are also emitted, but emitting (syn + prettyplease) is slow in debug
/// builds: at most this many per test.
const EMIT_BUDGET: usize = 40;

/// Runs the whole pipeline on one input; any panic fails the test with the input shown.
fn exercise(file: &str, source: &str, emitted: &mut usize) {
    let outcome = std::panic::catch_unwind(|| match load_str(file, source) {
        Ok(spec) => match codegen::validate::validate(&spec) {
            Ok(()) => {
                if *emitted < EMIT_BUDGET {
                    let _ = codegen::generate::generate_from(std::slice::from_ref(&spec));
                }
                true
            }
            Err(errors) => {
                check_located(&errors);
                false
            }
        },
        Err(errors) => {
            check_located(&errors);
            false
        }
    });
    match outcome {
        Ok(valid) => *emitted += usize::from(valid),
        Err(_) => panic!("panicked on input ({} bytes):\n{source}", source.len()),
    }
}

fn check_located(errors: &codegen::error::SpecErrors) {
    assert!(!errors.0.is_empty());
    for error in &errors.0 {
        assert!(error.line >= 1 && error.column >= 1, "unlocated: {error}");
        assert!(!error.message.is_empty());
    }
}

/// Characters that matter to YAML, plus some that matter to nobody.
const ALPHABET: &[u8] = b" \n\t:-?[]{},#&*!|>'\"%@`~.0123456789abcxyzABCXYZ_<>/\\\r";

const DEADLINE: Duration = Duration::from_secs(60);

#[test]
fn random_bytes() {
    let start = Instant::now();
    let mut emitted = 0;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let len = rng.below(200);
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                if rng.below(8) == 0 {
                    rng.next() as u8
                } else {
                    ALPHABET[rng.below(ALPHABET.len())]
                }
            })
            .collect();
        exercise(
            "specs/tencent/fuzz.yaml",
            &String::from_utf8_lossy(&bytes),
            &mut emitted,
        );
        assert!(start.elapsed() < DEADLINE, "too slow");
    }
}

#[test]
fn every_truncation_of_the_examples() {
    let start = Instant::now();
    let mut emitted = 0;
    for (file, source) in [
        ("specs/tencent/mongodb.yaml", common::TENCENT),
        ("specs/huawei/geminidb.yaml", common::HUAWEI),
    ] {
        for (cut, _) in source.char_indices() {
            exercise(file, &source[..cut], &mut emitted);
        }
        assert!(start.elapsed() < DEADLINE, "too slow");
    }
}

#[test]
fn random_edits_of_the_examples() {
    let start = Instant::now();
    let mut emitted = 0;
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    for round in 0..2000 {
        let (file, base) = if round % 2 == 0 {
            ("specs/tencent/mongodb.yaml", common::TENCENT)
        } else {
            ("specs/huawei/geminidb.yaml", common::HUAWEI)
        };
        let mut lines: Vec<String> = base.lines().map(str::to_owned).collect();
        for _ in 0..1 + rng.below(3) {
            let i = rng.below(lines.len());
            match rng.below(6) {
                0 => {
                    lines.remove(i);
                }
                1 => {
                    let copy = lines[i].clone();
                    lines.insert(rng.below(lines.len()), copy);
                }
                2 => {
                    let at = rng.below(lines[i].len() + 1);
                    if lines[i].is_char_boundary(at) {
                        lines[i].insert(at, ALPHABET[rng.below(ALPHABET.len())] as char);
                    }
                }
                3 => lines[i] = format!(" {}", lines[i]),
                4 => lines[i] = lines[i].trim_start().to_owned(),
                _ => {
                    let j = rng.below(lines.len());
                    lines.swap(i, j);
                }
            }
        }
        exercise(file, &(lines.join("\n") + "\n"), &mut emitted);
        if round % 100 == 0 {
            assert!(start.elapsed() < DEADLINE, "too slow");
        }
    }
    // Edits that keep a spec valid (a docs line moved, a comment) must occur, or the emitter
    // would never be exercised here.
    assert!(emitted > 0, "no edited spec stayed valid");
}

#[test]
fn truncations_of_the_checked_in_specs() {
    let root = common::repo_root();
    let Ok(files) = codegen::generate::find_specs(&root) else {
        return;
    };
    let mut emitted = 0;
    for file in files {
        let source = std::fs::read_to_string(root.join(&file)).unwrap();
        let step = (source.len() / 150).max(1);
        let name = file.to_string_lossy().into_owned();
        for (cut, _) in source.char_indices().step_by(step) {
            exercise(&name, &source[..cut], &mut emitted);
        }
    }
}
