//! The stable-Rust runner: a deterministic mutational loop over a target's seeds, guided by the
//! labels the target returns, with panics caught (and their inputs saved) and hangs detected
//! by a watchdog thread.
//!
//! It finds what random edits of good inputs find, without instrumentation; the long runs
//! belong to cargo-fuzz (`fuzz/`), which calls the same target functions. A crash that kills
//! the process (a stack overflow, an abort) cannot be caught here: the watchdog is gone with
//! it. Reproduce those with cargo-fuzz, or with `--seed` and `--runs` here.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::label::message_shape;
use crate::mutate::{mutate, Rng};
use crate::regressions;
use crate::targets::Target;

/// How long and how a target runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Stop after this long (seeds included).
    pub time: Option<Duration>,
    /// Stop after this many executions (seeds included).
    pub runs: Option<u64>,
    /// The PRNG seed: the same seed and runs give the same inputs.
    pub seed: u64,
    /// Where crashing and hanging inputs are written (`<dir>/<target>/...`).
    pub crash_dir: PathBuf,
    /// An execution longer than this is a hang: its input is saved and the process exits.
    pub hang_after: Duration,
    /// The most inputs kept in the corpus.
    pub max_corpus: usize,
    /// Print progress every this often (never when `None`).
    pub progress: Option<Duration>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            time: Some(Duration::from_secs(3)),
            runs: None,
            seed: 1,
            crash_dir: PathBuf::from("target/fuzz-runner"),
            hang_after: Duration::from_secs(20),
            max_corpus: 20_000,
            progress: None,
        }
    }
}

/// A distinct crash.
#[derive(Debug, Clone)]
pub struct Crash {
    /// The panic message and location.
    pub message: String,
    /// The smallest input seen to cause it.
    pub input: Vec<u8>,
    /// Where the input was written, if it could be.
    pub saved: Option<PathBuf>,
}

/// What a run did.
#[derive(Debug, Clone)]
pub struct Report {
    /// The target's name.
    pub target: &'static str,
    /// Inputs run, seeds included.
    pub executions: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// Seeds the run started from.
    pub seeds: usize,
    /// Inputs in the corpus at the end.
    pub corpus: usize,
    /// Distinct labels seen.
    pub labels: usize,
    /// The slowest execution.
    pub slowest: Duration,
    /// Distinct crashes (by message and location).
    pub crashes: Vec<Crash>,
}

/// The message of the last panic on any thread, set by the hook [`run`] installs.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// The input being executed and since when, for the watchdog.
type Current = Arc<Mutex<Option<(Instant, Vec<u8>)>>>;

/// Runs `target` as `options` say.
pub fn run(target: &Target, options: &Options) -> Report {
    let started = Instant::now();
    // Seeds first, with the default panic hook: a seed builder that fails says why.
    let mut seeds = (target.seeds)();
    seeds.extend(
        regressions::inputs(target.name)
            .into_iter()
            .map(|(_, input)| input),
    );
    let seed_count = seeds.len();
    let previous_hook = panic::take_hook();
    panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        *LAST_PANIC.lock().unwrap_or_else(|p| p.into_inner()) =
            Some(format!("{message}{location}"));
    }));
    let current: Current = Arc::new(Mutex::new(None));
    let watchdog = spawn_watchdog(target.name, current.clone(), options.clone());

    let mut state = State {
        target,
        options,
        current,
        rng: Rng::new(options.seed),
        corpus: Vec::new(),
        labels: HashSet::new(),
        crashes: Vec::new(),
        crash_shapes: HashMap::new(),
        executions: 0,
        slowest: Duration::ZERO,
        started,
        last_progress: started,
    };
    // Seeds in random order, for at most half the time: a short run still mutates, and still
    // meets seeds of every kind. Every seed joins the corpus, run or not.
    for i in (1..seeds.len()).rev() {
        let j = state.rng.below(i + 1);
        seeds.swap(i, j);
    }
    let seed_time = options.time.map(|t| t / 2);
    for seed in seeds {
        let in_seed_budget = seed_time.is_none_or(|t| started.elapsed() < t);
        if in_seed_budget && !state.out_of_budget() {
            state.execute(&seed);
        }
        state.corpus.push(seed);
    }
    let seeds_in_corpus = state.corpus.len();
    while !state.out_of_budget() {
        let mut input = state.corpus[state.rng.below(state.corpus.len())].clone();
        mutate(
            &mut state.rng,
            &mut input,
            target.dictionary,
            &state.corpus,
            target.max_len,
        );
        if let Some(label) = state.execute(&input) {
            if state.labels.insert(label) {
                if state.corpus.len() < options.max_corpus {
                    state.corpus.push(input);
                } else if state.corpus.len() > seeds_in_corpus {
                    let at =
                        seeds_in_corpus + state.rng.below(state.corpus.len() - seeds_in_corpus);
                    state.corpus[at] = input;
                }
            }
        }
    }
    drop(watchdog);
    *state.current.lock().unwrap_or_else(|p| p.into_inner()) = None;
    panic::set_hook(previous_hook);
    Report {
        target: target.name,
        executions: state.executions,
        elapsed: started.elapsed(),
        seeds: seed_count,
        corpus: state.corpus.len(),
        labels: state.labels.len(),
        slowest: state.slowest,
        crashes: state.crashes,
    }
}

struct State<'a> {
    target: &'a Target,
    options: &'a Options,
    current: Current,
    rng: Rng,
    corpus: Vec<Vec<u8>>,
    labels: HashSet<u64>,
    crashes: Vec<Crash>,
    /// Crash shape (message without values, and location) → index in `crashes`.
    crash_shapes: HashMap<String, usize>,
    executions: u64,
    slowest: Duration,
    started: Instant,
    last_progress: Instant,
}

impl State<'_> {
    fn out_of_budget(&self) -> bool {
        self.options
            .runs
            .is_some_and(|runs| self.executions >= runs)
            || self
                .options
                .time
                .is_some_and(|time| self.started.elapsed() >= time)
    }

    /// Runs one input; `None` when it panicked (recorded as a crash).
    fn execute(&mut self, input: &[u8]) -> Option<u64> {
        let began = Instant::now();
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = Some((began, input.to_vec()));
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| (self.target.run)(input)));
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = None;
        let took = began.elapsed();
        self.slowest = self.slowest.max(took);
        self.executions += 1;
        if let Some(every) = self.options.progress {
            if self.last_progress.elapsed() >= every {
                self.last_progress = Instant::now();
                let secs = self.started.elapsed().as_secs_f64();
                eprintln!(
                    "{}: {} runs in {:.0} s ({:.0}/s), corpus {}, labels {}, crashes {}, slowest {:?}",
                    self.target.name,
                    self.executions,
                    secs,
                    self.executions as f64 / secs.max(1e-9),
                    self.corpus.len(),
                    self.labels.len(),
                    self.crashes.len(),
                    self.slowest
                );
            }
        }
        match outcome {
            Ok(label) => Some(label),
            Err(_) => {
                let message = LAST_PANIC
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .take()
                    .unwrap_or_else(|| "a panic".to_owned());
                self.record_crash(message, input);
                None
            }
        }
    }

    fn record_crash(&mut self, message: String, input: &[u8]) {
        // The same bug panics with different values in its message: keep one crash per shape
        // (the smallest input), and the location.
        let location = message.rsplit(" at ").next().unwrap_or("");
        let shape = format!("{}{location}", message_shape(&message));
        if let Some(&known) = self.crash_shapes.get(&shape) {
            let known = &mut self.crashes[known];
            if input.len() < known.input.len() {
                known.input = input.to_vec();
                known.saved = save(&self.options.crash_dir, self.target.name, "crash", input);
            }
            return;
        }
        self.crash_shapes.insert(shape, self.crashes.len());
        let saved = save(&self.options.crash_dir, self.target.name, "crash", input);
        eprintln!(
            "{}: CRASH: {message}\n  input ({} bytes) saved to {}",
            self.target.name,
            input.len(),
            saved.as_deref().map_or_else(
                || "nowhere (cannot write)".into(),
                |p| p.display().to_string()
            )
        );
        self.crashes.push(Crash {
            message,
            input: input.to_vec(),
            saved,
        });
    }
}

/// Writes `input` to `<dir>/<target>/<kind>-<hash>`; returns the path.
pub fn save(dir: &Path, target: &str, kind: &str, input: &[u8]) -> Option<PathBuf> {
    let mut hasher = DefaultHasher::new();
    input.hash(&mut hasher);
    let dir = dir.join(target);
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join(format!("{kind}-{:016x}", hasher.finish()));
    std::fs::write(&path, input).ok()?;
    Some(path)
}

/// Stops the watchdog when dropped.
struct Watchdog(Arc<Mutex<bool>>);

impl Drop for Watchdog {
    fn drop(&mut self) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = true;
    }
}

/// A thread that ends the process when one execution takes longer than `hang_after`, after
/// saving its input: a hang would otherwise stop the run without a word.
fn spawn_watchdog(target: &'static str, current: Current, options: Options) -> Watchdog {
    let stop = Arc::new(Mutex::new(false));
    let stopped = stop.clone();
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(200));
        if *stopped.lock().unwrap_or_else(|p| p.into_inner()) {
            return;
        }
        let hung = current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .filter(|(began, _)| began.elapsed() > options.hang_after)
            .map(|(_, input)| input.clone());
        if let Some(input) = hung {
            let saved = save(&options.crash_dir, target, "hang", &input);
            eprintln!(
                "{target}: HANG: one input ran longer than {:?}; input ({} bytes) saved to {}",
                options.hang_after,
                input.len(),
                saved.map_or_else(|| "nowhere".into(), |p| p.display().to_string())
            );
            std::process::exit(3);
        }
    });
    Watchdog(stop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counting(data: &[u8]) -> u64 {
        data.len() as u64 % 7
    }

    fn panicking(data: &[u8]) -> u64 {
        assert!(!data.contains(&b'!'), "found a bang");
        0
    }

    fn seeds() -> Vec<Vec<u8>> {
        vec![b"hello".to_vec()]
    }

    /// `run` installs a process-wide panic hook and puts the previous one back when it ends: two
    /// runs at once in one test process would undo each other's hook (the tests run on threads).
    static ONE_RUN_AT_A_TIME: Mutex<()> = Mutex::new(());

    fn run_alone(target: &Target, options: &Options) -> Report {
        let _alone = ONE_RUN_AT_A_TIME
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        run(target, options)
    }

    fn target(run: fn(&[u8]) -> u64) -> Target {
        Target {
            name: "test",
            about: "",
            run,
            seeds,
            dictionary: &[b"!"],
            max_len: 64,
        }
    }

    #[test]
    fn runs_the_budget_and_keeps_new_labels() {
        let options = Options {
            time: None,
            runs: Some(2000),
            ..Options::default()
        };
        let report = run_alone(&target(counting), &options);
        assert_eq!(report.executions, 2000);
        assert!(report.crashes.is_empty());
        assert!(report.labels >= 5, "{report:?}");
    }

    #[test]
    fn catches_panics_once_per_kind_and_saves_the_input() {
        let dir = std::env::temp_dir().join(format!("fuzz-runner-test-{}", std::process::id()));
        let options = Options {
            time: None,
            runs: Some(3000),
            crash_dir: dir.clone(),
            ..Options::default()
        };
        let report = run_alone(&target(panicking), &options);
        assert_eq!(report.crashes.len(), 1, "{:?}", report.crashes);
        let crash = &report.crashes[0];
        assert!(crash.message.contains("found a bang"), "{}", crash.message);
        assert!(crash.input.contains(&b'!'));
        let saved = std::fs::read(crash.saved.as_ref().expect("saved")).expect("readable");
        assert_eq!(saved, crash.input);
        let _ = std::fs::remove_dir_all(dir);
    }
}
