//! The stable runner's mutations: a seeded PRNG and byte-level edits (bit flips, interesting
//! bytes and numbers, inserts, deletes, copies, dictionary tokens, splices with other inputs),
//! stacked a few at a time, as libFuzzer's mutator does.

/// xorshift64* seeded through SplitMix64: tiny, deterministic, plenty for picking edits.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed` (any value, zero included).
    pub fn new(seed: u64) -> Self {
        // SplitMix64 spreads close seeds apart and never yields the all-zero state.
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Rng((z ^ (z >> 31)) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// True once in `n` times.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// A length in `1..=max`, small ones far more likely.
    fn small_len(&mut self, max: usize) -> usize {
        let max = max.max(1);
        let cap = match self.below(4) {
            0 => 1,
            1 => 4,
            2 => 16,
            _ => max,
        };
        1 + self.below(cap.min(max))
    }
}

/// Bytes that change how text parsers branch.
const INTERESTING_BYTES: &[u8] = &[
    0, 0xff, 0x7f, 0x80, 0xc0, 0xe2, b'\n', b'\r', b'\t', b' ', b'"', b'\'', b'\\', b'{', b'}',
    b'[', b']', b':', b',', b'-', b'#', b'&', b'*', b'!', b'%', b'=', b'?', b'/', b';', b'0', b'9',
    0x1b,
];

/// Numbers at the edges of the integer widths and float parsing.
const INTERESTING_NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "127",
    "-129",
    "255",
    "256",
    "32767",
    "-32769",
    "65535",
    "65536",
    "2147483647",
    "-2147483649",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "1e308",
    "1e999",
    "-1e999",
    "1.5",
    "0.1e-400",
    "1E2",
    "0x10",
    "NaN",
    "inf",
    "00",
    "1.0",
];

/// Mutates `input` in place with 1 to 8 stacked edits. `dictionary` holds tokens of the
/// target's input language; `corpus` other inputs to splice from. The result is at most
/// `max_len` bytes.
pub fn mutate(
    rng: &mut Rng,
    input: &mut Vec<u8>,
    dictionary: &[&[u8]],
    corpus: &[Vec<u8>],
    max_len: usize,
) {
    let spread = 1 << rng.below(4);
    let edits = 1 + rng.below(spread).min(7);
    for _ in 0..edits {
        edit(rng, input, dictionary, corpus);
    }
    input.truncate(max_len);
}

fn edit(rng: &mut Rng, input: &mut Vec<u8>, dictionary: &[&[u8]], corpus: &[Vec<u8>]) {
    let len = input.len();
    match rng.below(13) {
        0 if len > 0 => {
            let at = rng.below(len);
            input[at] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let at = rng.below(len);
            input[at] = rng.next_u64() as u8;
        }
        2 if len > 0 => {
            let at = rng.below(len);
            input[at] = INTERESTING_BYTES[rng.below(INTERESTING_BYTES.len())];
        }
        3 if len > 0 => {
            let at = rng.below(len);
            let count = rng.small_len(len - at);
            input.drain(at..at + count);
        }
        4 => {
            let at = rng.below(len + 1);
            let count = rng.small_len(8);
            let bytes: Vec<u8> = (0..count).map(|_| rng.next_u64() as u8).collect();
            input.splice(at..at, bytes);
        }
        5 if len > 0 => {
            // Copy a range elsewhere: repeats structure (nesting, list items, keys).
            let from = rng.below(len);
            let count = rng.small_len(len - from);
            let chunk = input[from..from + count].to_vec();
            let at = rng.below(len + 1);
            input.splice(at..at, chunk);
        }
        6 | 7 if !dictionary.is_empty() => {
            let token = dictionary[rng.below(dictionary.len())];
            let at = rng.below(len + 1);
            if rng.one_in(2) || at == len {
                input.splice(at..at, token.iter().copied());
            } else {
                let end = (at + token.len()).min(len);
                input.splice(at..end, token.iter().copied());
            }
        }
        8 if !corpus.is_empty() => {
            let other = &corpus[rng.below(corpus.len())];
            if !other.is_empty() {
                let from = rng.below(other.len());
                let count = rng.small_len(other.len() - from);
                let at = rng.below(len + 1);
                input.splice(at..at, other[from..from + count].iter().copied());
            }
        }
        9 => replace_number(rng, input),
        10 if len > 0 => input.truncate(rng.below(len)),
        11 if len > 1 => {
            let (a, b) = (rng.below(len), rng.below(len));
            input.swap(a, b);
        }
        12 if len > 0 => {
            // Repeat one byte: long runs, deep nesting.
            let at = rng.below(len);
            let count = rng.small_len(256);
            let byte = input[at];
            input.splice(at..at, std::iter::repeat_n(byte, count));
        }
        _ => {
            let at = rng.below(len + 1);
            input.insert(at, INTERESTING_BYTES[rng.below(INTERESTING_BYTES.len())]);
        }
    }
}

/// Replaces a run of ASCII digits (or inserts at random) with an interesting number.
fn replace_number(rng: &mut Rng, input: &mut Vec<u8>) {
    let number = INTERESTING_NUMBERS[rng.below(INTERESTING_NUMBERS.len())].as_bytes();
    let digits: Vec<usize> = input
        .iter()
        .enumerate()
        .filter(|(_, b)| b.is_ascii_digit())
        .map(|(i, _)| i)
        .collect();
    if digits.is_empty() {
        let at = rng.below(input.len() + 1);
        input.splice(at..at, number.iter().copied());
        return;
    }
    let start = digits[rng.below(digits.len())];
    let end = input[start..]
        .iter()
        .position(|b| !b.is_ascii_digit() && *b != b'.')
        .map_or(input.len(), |n| start + n);
    input.splice(start..end, number.iter().copied());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_mutations() {
        let run = |seed| {
            let mut rng = Rng::new(seed);
            let mut input = b"{\"Response\": {\"Status\": 1}}".to_vec();
            for _ in 0..100 {
                mutate(&mut rng, &mut input, &[b"null"], &[b"[1]".to_vec()], 4096);
            }
            input
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }

    #[test]
    fn mutations_respect_the_length_limit_and_change_inputs() {
        let mut rng = Rng::new(1);
        let mut changed = 0;
        for _ in 0..1000 {
            let mut input = b"abc 123 def".to_vec();
            mutate(&mut rng, &mut input, &[b"token"], &[], 16);
            assert!(input.len() <= 16);
            changed += usize::from(input != b"abc 123 def");
        }
        assert!(changed > 900, "only {changed} of 1000 inputs changed");
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = Rng::new(0);
        assert!((0..10_000).all(|_| rng.below(3) < 3));
        assert_eq!(rng.below(0), 0);
    }
}
