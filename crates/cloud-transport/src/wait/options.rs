//! [`WaitOptions`]: how long and how often a waiter polls, and who hears about it.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

/// How long a wait lasts unless [`WaitOptions::timeout`] says otherwise: long enough for the
/// slowest documented change (creating an instance takes minutes, a large one tens of minutes).
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// The delay after the first poll.
pub const DEFAULT_FIRST_INTERVAL: Duration = Duration::from_secs(1);
/// The longest delay between polls.
pub const DEFAULT_MAX_INTERVAL: Duration = Duration::from_secs(15);
/// How much the delay grows after each poll.
pub const DEFAULT_BACKOFF: f64 = 1.5;

/// The progress callback: called after every poll, on every tick (when
/// [`WaitOptions::tick_every`] is set) and once at the end.
pub type ProgressFn = Arc<dyn Fn(&WaitProgress<'_>) + Send + Sync>;

/// What a waiter reports to the progress callback.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum WaitProgress<'a> {
    /// A poll answered.
    Polled {
        /// 1 for the first poll.
        attempt: u32,
        /// Time since the wait started.
        elapsed: Duration,
        /// The status the answer shows (a task's status, a resource's state, the value of a
        /// condition's member); `None` when the answer does not show one.
        status: Option<&'a Value>,
    },
    /// Time passed between polls (only with [`WaitOptions::tick_every`]), for a live display.
    Tick {
        /// Time since the wait started.
        elapsed: Duration,
    },
    /// The wait ended.
    Finished {
        /// Time since the wait started.
        elapsed: Duration,
        /// Whether it ended with what it waited for.
        succeeded: bool,
    },
}

/// How a waiter polls: a deadline (every wait has one), the delays between polls and a
/// progress callback.
///
/// The first poll goes out at once; the delay after it is `first_interval`, and each following
/// delay is the previous one times `backoff`, up to `max_interval`. When the deadline comes,
/// the wait ends with [`WaitError::Timeout`](super::WaitError::Timeout); a poll in flight is
/// cut short at the deadline too.
///
/// ```
/// use std::time::Duration;
/// use cloud_transport::wait::WaitOptions;
///
/// let options = WaitOptions::new()
///     .timeout(Duration::from_secs(600))
///     .first_interval(Duration::from_secs(2))
///     .max_interval(Duration::from_secs(20))
///     .backoff(2.0)
///     .on_progress(|progress| eprintln!("{progress:?}"));
/// assert_eq!(options.get_timeout(), Duration::from_secs(600));
/// ```
#[derive(Clone)]
pub struct WaitOptions {
    timeout: Duration,
    first_interval: Duration,
    max_interval: Duration,
    backoff: f64,
    tick: Option<Duration>,
    progress: Option<ProgressFn>,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            timeout: DEFAULT_WAIT_TIMEOUT,
            first_interval: DEFAULT_FIRST_INTERVAL,
            max_interval: DEFAULT_MAX_INTERVAL,
            backoff: DEFAULT_BACKOFF,
            tick: None,
            progress: None,
        }
    }
}

impl fmt::Debug for WaitOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitOptions")
            .field("timeout", &self.timeout)
            .field("first_interval", &self.first_interval)
            .field("max_interval", &self.max_interval)
            .field("backoff", &self.backoff)
            .field("tick", &self.tick)
            .field("progress", &self.progress.as_ref().map(|_| "callback"))
            .finish()
    }
}

impl WaitOptions {
    /// The defaults: [`DEFAULT_WAIT_TIMEOUT`], [`DEFAULT_FIRST_INTERVAL`],
    /// [`DEFAULT_MAX_INTERVAL`], [`DEFAULT_BACKOFF`], no callback.
    pub fn new() -> Self {
        WaitOptions::default()
    }

    /// Gives up after this long.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The delay after the first poll.
    pub fn first_interval(mut self, interval: Duration) -> Self {
        self.first_interval = interval;
        self
    }

    /// The longest delay between polls.
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval;
        self
    }

    /// How much the delay grows after each poll: `1.0` polls at a fixed interval. Values below
    /// `1.0` (and NaN) count as `1.0`; the delay never exceeds `max_interval` anyway.
    pub fn backoff(mut self, factor: f64) -> Self {
        self.backoff = if factor >= 1.0 { factor } else { 1.0 };
        self
    }

    /// Also calls the progress callback with [`WaitProgress::Tick`] this often between polls
    /// (a spinner on a terminal).
    pub fn tick_every(mut self, tick: Duration) -> Self {
        self.tick = Some(tick).filter(|t| !t.is_zero());
        self
    }

    /// Calls `callback` after every poll and at the end (and on ticks, see
    /// [`tick_every`](Self::tick_every)). Progress also goes to `tracing` either way.
    pub fn on_progress(
        mut self,
        callback: impl Fn(&WaitProgress<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.progress = Some(Arc::new(callback));
        self
    }

    /// The deadline, counted from the start of the wait.
    pub fn get_timeout(&self) -> Duration {
        self.timeout
    }

    /// The delay after the first poll.
    pub fn get_first_interval(&self) -> Duration {
        self.first_interval
    }

    /// The longest delay between polls.
    pub fn get_max_interval(&self) -> Duration {
        self.max_interval
    }

    /// The growth factor of the delay.
    pub fn get_backoff(&self) -> f64 {
        self.backoff
    }

    /// The delay after `previous`: times the backoff, at most `max_interval`.
    pub(crate) fn next_interval(&self, previous: Duration) -> Duration {
        // `mul_f64` panics on overflow; the cap keeps the product small.
        let grown = previous.min(self.max_interval).as_secs_f64() * self.backoff;
        Duration::try_from_secs_f64(grown)
            .unwrap_or(self.max_interval)
            .min(self.max_interval)
    }

    pub(crate) fn tick(&self) -> Option<Duration> {
        self.tick.filter(|_| self.progress.is_some())
    }

    pub(crate) fn report(&self, progress: &WaitProgress<'_>) {
        if let Some(callback) = &self.progress {
            callback(progress);
        }
    }

    /// These options with `timeout` instead, for the second stage of a wait that shares one
    /// deadline.
    pub(crate) fn with_timeout_left(&self, timeout: Duration) -> Self {
        WaitOptions {
            timeout,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_grow_by_the_factor_up_to_the_cap() {
        let options = WaitOptions::new()
            .first_interval(Duration::from_secs(1))
            .max_interval(Duration::from_secs(3))
            .backoff(2.0);
        let second = options.next_interval(Duration::from_secs(1));
        assert_eq!(second, Duration::from_secs(2));
        assert_eq!(options.next_interval(second), Duration::from_secs(3));
        assert_eq!(
            options.next_interval(Duration::MAX),
            Duration::from_secs(3),
            "no overflow"
        );
        let fixed = WaitOptions::new().backoff(f64::NAN).backoff(0.5);
        assert_eq!(fixed.get_backoff(), 1.0);
        assert_eq!(
            fixed.next_interval(Duration::from_millis(10)),
            Duration::from_millis(10)
        );
    }

    #[test]
    fn ticks_need_a_callback_and_debug_hides_it() {
        let options = WaitOptions::new().tick_every(Duration::from_millis(5));
        assert_eq!(options.tick(), None);
        let options = options.on_progress(|_| {});
        assert_eq!(options.tick(), Some(Duration::from_millis(5)));
        assert!(format!("{options:?}").contains("callback"));
    }
}
