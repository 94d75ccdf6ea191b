//! Where the default chain reads settings from: environment variables and the home directory.
//!
//! The client never reads `std::env` directly; it asks an [`Environment`]. The default is the
//! process environment; tests and embedders can pass a fixed one instead, so nothing depends on
//! (or races on) the global environment.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// The source of environment variables and of the home directory for the default chain.
///
/// `Debug` shows variable names, never values.
#[derive(Clone, Default)]
pub struct Environment {
    source: Source,
}

#[derive(Clone, Default)]
enum Source {
    /// `std::env` and `$HOME` (`%USERPROFILE%` on Windows).
    #[default]
    Process,
    /// Fixed variables and home directory.
    Fixed {
        vars: BTreeMap<String, String>,
        home: Option<PathBuf>,
    },
}

impl Environment {
    /// The process environment and the user's home directory (the default).
    pub fn process() -> Self {
        Environment {
            source: Source::Process,
        }
    }

    /// No variables and no home directory: only settings given to the builder count.
    pub fn empty() -> Self {
        Environment {
            source: Source::Fixed {
                vars: BTreeMap::new(),
                home: None,
            },
        }
    }

    /// Exactly these variables, and no home directory (add one with [`Environment::with_home`]).
    pub fn from_vars<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        Environment {
            source: Source::Fixed {
                vars: vars
                    .into_iter()
                    .map(|(k, v)| (k.into(), v.into()))
                    .collect(),
                home: None,
            },
        }
    }

    /// Uses `home` as the home directory (where `.tencentcloud/` and `.huaweicloud/` are looked
    /// for). Turns a process environment into a fixed one holding a snapshot of its variables
    /// (a fixed environment has no metadata step unless a variable names the service).
    pub fn with_home(self, home: impl Into<PathBuf>) -> Self {
        let vars = match self.source {
            Source::Process => std::env::vars().collect(),
            Source::Fixed { vars, .. } => vars,
        };
        Environment {
            source: Source::Fixed {
                vars,
                home: Some(home.into()),
            },
        }
    }

    /// The value of variable `name`, trimmed; `None` when unset, empty or not Unicode.
    pub fn var(&self, name: &str) -> Option<String> {
        let value = match &self.source {
            Source::Process => std::env::var(name).ok(),
            Source::Fixed { vars, .. } => vars.get(name).cloned(),
        }?;
        let trimmed = value.trim();
        (!trimmed.is_empty()).then(|| trimmed.to_owned())
    }

    /// Whether this is the process environment (not a fixed one): only then does the default
    /// chain ask the real metadata services unless told otherwise.
    pub fn is_process(&self) -> bool {
        matches!(self.source, Source::Process)
    }

    /// The home directory, if known.
    pub fn home(&self) -> Option<PathBuf> {
        match &self.source {
            Source::Process => std::env::var_os("HOME")
                .or_else(|| std::env::var_os("USERPROFILE"))
                .filter(|h| !h.is_empty())
                .map(PathBuf::from),
            Source::Fixed { home, .. } => home.clone(),
        }
    }
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Source::Process => f.write_str("Environment::Process"),
            Source::Fixed { vars, home } => f
                .debug_struct("Environment::Fixed")
                .field("vars", &vars.keys().collect::<Vec<_>>())
                .field("home", home)
                .finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_environment_trims_and_hides_values() {
        let env = Environment::from_vars([("A", "  x "), ("EMPTY", "  "), ("SECRET", "hunter2")])
            .with_home("/home/u");
        assert_eq!(env.var("A").as_deref(), Some("x"));
        assert_eq!(env.var("EMPTY"), None);
        assert_eq!(env.var("MISSING"), None);
        assert_eq!(env.home(), Some(PathBuf::from("/home/u")));
        let shown = format!("{env:?}");
        assert!(
            shown.contains("SECRET") && !shown.contains("hunter2"),
            "{shown}"
        );
        assert_eq!(Environment::empty().home(), None);
    }
}

/// Reads at most `limit` bytes of the file at `path`: the whole file when it is that small,
/// else an error of kind [`std::io::ErrorKind::FileTooLarge`] naming the limit.
///
/// Why: credentials files, token files and input files are small; a path that names
/// `/dev/zero`, a device or a huge file by mistake must fail at once instead of reading until
/// memory runs out.
pub fn read_file_limited(path: &std::path::Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!("larger than the limit of {limit} bytes"),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod read_tests {
    use super::*;

    #[test]
    fn files_over_the_limit_fail_without_being_read_whole() {
        let dir = std::env::temp_dir().join(format!("cloudcall-env-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let small = dir.join("small");
        std::fs::write(&small, b"12345").unwrap();
        assert_eq!(read_file_limited(&small, 5).unwrap(), b"12345");
        let e = read_file_limited(&small, 4).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::FileTooLarge);
        assert!(e.to_string().contains("limit of 4 bytes"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
        #[cfg(unix)]
        {
            // An endless device stops at the limit.
            let e = read_file_limited(std::path::Path::new("/dev/zero"), 1 << 20).unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::FileTooLarge);
        }
    }
}
