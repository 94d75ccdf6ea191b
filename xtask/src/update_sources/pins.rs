//! `scripts/vendor-sources.txt`: the pinned vendor packages. PyPI lines are pip requirements
//! (`name==version --hash=sha256:...`, checked with `--require-hashes`); the crates.io crate is a
//! `# crate: name==version` line (pip reads it as a comment; cargo checks its checksum).

use std::collections::BTreeMap;

/// Where a package comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registry {
    /// PyPI (a wheel, pinned by its sha256).
    PyPi,
    /// crates.io (checked against the index checksum; no hash in the list).
    CratesIo,
}

/// One pinned package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// The package name as the list spells it.
    pub name: String,
    /// The pinned version.
    pub version: String,
    /// The sha256 hashes allowed (PyPI; empty for the crate).
    pub hashes: Vec<String>,
    /// Where it comes from.
    pub registry: Registry,
}

/// A new version for a pin: the version and, for PyPI, the wheel hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The version.
    pub version: String,
    /// The sha256 of each wheel of that version (PyPI).
    pub hashes: Vec<String>,
}

/// Reads the pins of a list.
pub fn parse(text: &str) -> Result<Vec<Pin>, String> {
    let mut pins = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        let (registry, spec) = if let Some(crate_spec) = line.strip_prefix("# crate:") {
            (Registry::CratesIo, crate_spec.trim())
        } else if line.is_empty() || line.starts_with('#') {
            continue;
        } else {
            (Registry::PyPi, line)
        };
        let mut words = spec.split_whitespace();
        let requirement = words.next().unwrap_or_default();
        let Some((name, version)) = requirement.split_once("==") else {
            return Err(format!(
                "scripts/vendor-sources.txt:{}: expected `name==version`, found `{requirement}`",
                i + 1
            ));
        };
        let hashes: Vec<String> = words
            .filter_map(|w| w.strip_prefix("--hash=sha256:"))
            .map(str::to_owned)
            .collect();
        if registry == Registry::PyPi && hashes.is_empty() {
            return Err(format!(
                "scripts/vendor-sources.txt:{}: `{name}` has no --hash=sha256:...",
                i + 1
            ));
        }
        pins.push(Pin {
            name: name.to_owned(),
            version: version.to_owned(),
            hashes,
            registry,
        });
    }
    Ok(pins)
}

/// The list with the versions (and hashes) in `updates` (by package name); every other line,
/// comments included, stays as it is.
pub fn rewrite(text: &str, updates: &BTreeMap<String, Release>) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let trimmed = line.trim();
        let crate_spec = trimmed.strip_prefix("# crate:").map(str::trim);
        let requirement = match crate_spec {
            Some(spec) => spec.split_whitespace().next(),
            None if trimmed.is_empty() || trimmed.starts_with('#') => None,
            None => trimmed.split_whitespace().next(),
        };
        let update = requirement
            .and_then(|r| r.split_once("=="))
            .and_then(|(name, _)| updates.get(name).map(|u| (name, u)));
        match (update, crate_spec) {
            (Some((name, release)), Some(_)) => {
                out.push_str(&format!("# crate: {name}=={}", release.version))
            }
            (Some((name, release)), None) => {
                out.push_str(&format!("{name}=={}", release.version));
                for hash in &release.hashes {
                    out.push_str(&format!(" --hash=sha256:{hash}"));
                }
            }
            (None, _) => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "# comment\n\
                        tccli-intl-en==3.1.1 --hash=sha256:aa\n\
                        # crate: swagger-defs==0.1.2\n";

    #[test]
    fn reads_pypi_and_crate_pins() {
        let pins = parse(LIST).unwrap();
        assert_eq!(pins.len(), 2);
        assert_eq!(
            (
                pins[0].name.as_str(),
                pins[0].version.as_str(),
                pins[0].hashes.as_slice()
            ),
            ("tccli-intl-en", "3.1.1", ["aa".to_owned()].as_slice())
        );
        assert_eq!(pins[1].registry, Registry::CratesIo);
        assert!(parse("x==1\n").unwrap_err().contains("no --hash"));
        assert!(parse("x>=1 --hash=sha256:a\n")
            .unwrap_err()
            .contains("name==version"));
    }

    #[test]
    fn rewrites_only_the_updated_lines() {
        let updates = BTreeMap::from([
            (
                "tccli-intl-en".to_owned(),
                Release {
                    version: "3.1.2".to_owned(),
                    hashes: vec!["bb".to_owned(), "cc".to_owned()],
                },
            ),
            (
                "swagger-defs".to_owned(),
                Release {
                    version: "0.1.3".to_owned(),
                    hashes: Vec::new(),
                },
            ),
        ]);
        assert_eq!(
            rewrite(LIST, &updates),
            "# comment\n\
             tccli-intl-en==3.1.2 --hash=sha256:bb --hash=sha256:cc\n\
             # crate: swagger-defs==0.1.3\n"
        );
        assert_eq!(rewrite(LIST, &BTreeMap::new()), LIST);
    }
}
