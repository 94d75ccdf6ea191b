//! The release plan, as pure logic: from what changed in each crate since its last release (and
//! how severe it is), the next version of every crate, why, the changelog entry, and the publish
//! order. Nothing here runs git or cargo: `changes.rs` observes, this decides, so the decisions
//! are tested on their own.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use codegen::diff::{bump, Severity};

/// The changelog lines of one release, by Keep a Changelog section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notes {
    /// `### Added`.
    pub added: Vec<String>,
    /// `### Changed`.
    pub changed: Vec<String>,
    /// `### Removed`.
    pub removed: Vec<String>,
}

impl Notes {
    /// Whether there is nothing to say.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }

    /// The sections in Keep a Changelog order, empty ones left out.
    pub fn sections(&self) -> Vec<(&'static str, &[String])> {
        [
            ("Added", self.added.as_slice()),
            ("Changed", self.changed.as_slice()),
            ("Removed", self.removed.as_slice()),
        ]
        .into_iter()
        .filter(|(_, lines)| !lines.is_empty())
        .collect()
    }
}

/// What was observed about one crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    /// The crate.
    pub name: String,
    /// Its version in the working tree.
    pub current: String,
    /// Its version at the revision it is compared with (its last release).
    pub previous: String,
    /// That revision: a release tag, or the `--since` revision before the first release.
    pub base: String,
    /// Every version with a release tag.
    pub released: BTreeSet<String>,
    /// The publishable workspace crates it depends on.
    pub dependencies: BTreeSet<String>,
    /// How severe the changes since `base` are (`None`: nothing changed).
    pub severity: Option<Severity>,
    /// Why that severity: the source of the verdict (spec-diff, semver-checks, generator).
    pub why: Vec<String>,
    /// The changelog lines for those changes.
    pub notes: Notes,
}

/// What the plan does with one crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CratePlan {
    /// The crate.
    pub name: String,
    /// Its version now.
    pub current: String,
    /// The version to publish next; equal to `current` when no bump is needed.
    pub next: String,
    /// Whether `next` still has to be published (it has no release tag).
    pub publish: bool,
    /// The bump's severity, after the dependencies' breaking changes are taken in.
    pub severity: Option<Severity>,
    /// Why, in words.
    pub reasons: Vec<String>,
    /// The changelog entry's lines.
    pub notes: Notes,
    /// The publishable workspace crates it depends on.
    pub dependencies: BTreeSet<String>,
    /// The version it was compared with.
    pub previous: String,
}

impl CratePlan {
    /// Whether `release apply` writes a new version for it.
    pub fn bumps(&self) -> bool {
        self.next != self.current
    }

    /// Whether a user of the previous version must change a requirement to get the next one
    /// (`0.1.x` → `0.2.0`, `1.x` → `2.0.0`).
    pub fn breaks_requirements(&self) -> bool {
        compatibility_class(&self.previous) != compatibility_class(&self.next)
    }
}

/// The whole plan, in publish order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Every publishable crate, dependencies first.
    pub crates: Vec<CratePlan>,
}

impl Plan {
    /// The crates that get published, in order.
    pub fn to_publish(&self) -> impl Iterator<Item = &CratePlan> {
        self.crates.iter().filter(|c| c.publish)
    }

    /// The plan of `name`.
    pub fn get(&self, name: &str) -> Option<&CratePlan> {
        self.crates.iter().find(|c| c.name == name)
    }
}

/// Decides every crate's next version. `observed` must be in publish order (dependencies
/// first), as [`super::workspace::publish_order`] gives it.
pub fn decide(observed: &[Observed]) -> Result<Plan, String> {
    let mut decided: BTreeMap<String, CratePlan> = BTreeMap::new();
    let mut crates = Vec::new();
    for o in observed {
        let mut severity = o.severity;
        let mut reasons = o.why.clone();
        let mut notes = o.notes.clone();
        for dep in &o.dependencies {
            let Some(dep_plan) = decided.get(dep) else {
                return Err(format!(
                    "error: {} is planned before its dependency {dep}",
                    o.name
                ));
            };
            if dep_plan.breaks_requirements() {
                // Every workspace dependency is treated as exposed (the generated crates
                // re-export cloud-transport's types, the CLI and emulator take cloud-spec's):
                // a dependency's breaking change is one for its dependents too.
                severity = severity.max(Some(Severity::Breaking));
                reasons.push(format!(
                    "depends on {dep}, which breaks ({} → {}) and whose types it exposes",
                    dep_plan.previous, dep_plan.next
                ));
                notes.changed.push(format!(
                    "**Breaking:** requires `{dep}` {} (was {}), whose types this crate exposes.",
                    dep_plan.next, dep_plan.previous
                ));
            }
        }
        let required = match severity {
            Some(s) => Some(bump(&o.previous, s).ok_or_else(|| {
                format!(
                    "error: {}: version {} is not MAJOR.MINOR.PATCH",
                    o.name, o.previous
                )
            })?),
            None => None,
        };
        let next = match (&required, o.current != o.previous) {
            (Some(required), true) if version_less(&o.current, required) => {
                reasons.push(format!(
                    "{} (set since {}) is not enough for a {} change",
                    o.current,
                    o.base,
                    severity.map_or("", severity_word)
                ));
                required.clone()
            }
            (_, true) => {
                reasons.push(format!("{} already set since {}", o.current, o.base));
                o.current.clone()
            }
            (Some(required), false) => required.clone(),
            (None, false) => o.current.clone(),
        };
        let publish = !o.released.contains(&next);
        if publish && severity.is_some() {
            // Runtime changes: a dependency released in the same plan without breaking; the
            // workspace requirement (and so this crate's) moves to its new version.
            for dep in &o.dependencies {
                if let Some(d) = decided
                    .get(dep)
                    .filter(|d| d.bumps() && !d.breaks_requirements())
                {
                    notes.changed.push(format!(
                        "Requires `{dep}` {} (was {}; see its changelog).",
                        d.next, d.current
                    ));
                }
            }
        }
        if publish && severity.is_none() && next == o.current {
            reasons.push(if o.released.is_empty() {
                "never released: publish as is".to_owned()
            } else {
                format!("{} has no release tag yet", o.current)
            });
        }
        if !publish && severity.is_none() {
            reasons.push(format!("no changes since {}", o.base));
        }
        let plan = CratePlan {
            name: o.name.clone(),
            current: o.current.clone(),
            next,
            publish,
            severity,
            reasons,
            notes,
            dependencies: o.dependencies.clone(),
            previous: o.previous.clone(),
        };
        decided.insert(o.name.clone(), plan.clone());
        crates.push(plan);
    }
    Ok(Plan { crates })
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Breaking => "breaking",
        Severity::Additive => "additive",
        Severity::Patch => "patch",
    }
}

fn parts(version: &str) -> Option<(u64, u64, u64)> {
    let mut it = version.split('.').map(|p| p.parse::<u64>().ok());
    let parsed = (it.next()??, it.next()??, it.next()??);
    it.next().is_none().then_some(parsed)
}

/// `a < b`, comparing `MAJOR.MINOR.PATCH` numerically (anything else compares as text).
pub fn version_less(a: &str, b: &str) -> bool {
    match (parts(a), parts(b)) {
        (Some(a), Some(b)) => a < b,
        _ => a < b,
    }
}

/// The versions a caret requirement on `version` accepts share this: the major, or `0.minor`,
/// or the whole version for `0.0.x`.
fn compatibility_class(version: &str) -> String {
    match parts(version) {
        Some((0, 0, patch)) => format!("0.0.{patch}"),
        Some((0, minor, _)) => format!("0.{minor}"),
        Some((major, _, _)) => major.to_string(),
        None => version.to_owned(),
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "release plan (publish order):")?;
        for (i, c) in self.crates.iter().enumerate() {
            let what = match (c.publish, c.bumps()) {
                (false, _) => format!("{} (released; nothing to do)", c.current),
                (true, true) => format!(
                    "{} → {} ({})",
                    c.current,
                    c.next,
                    c.severity.map_or("first release", severity_word)
                ),
                (true, false) => format!("{} (publish as is)", c.current),
            };
            writeln!(f, "{:>2}. {} {what}", i + 1, c.name)?;
            for reason in &c.reasons {
                writeln!(f, "      why: {reason}")?;
            }
            for (section, lines) in c.notes.sections() {
                writeln!(f, "      {section}:")?;
                for line in lines {
                    writeln!(f, "        - {line}")?;
                }
            }
        }
        let order: Vec<String> = self
            .to_publish()
            .map(|c| format!("{} {}", c.name, c.next))
            .collect();
        if order.is_empty() {
            write!(f, "nothing to publish")
        } else {
            write!(f, "publish order: {}", order.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observed(name: &str, version: &str, deps: &[&str], severity: Option<Severity>) -> Observed {
        Observed {
            name: name.to_owned(),
            current: version.to_owned(),
            previous: version.to_owned(),
            base: format!("{name}-v{version}"),
            released: [version.to_owned()].into(),
            dependencies: deps.iter().map(|d| (*d).to_owned()).collect(),
            severity,
            why: Vec::new(),
            notes: Notes::default(),
        }
    }

    #[test]
    fn bumps_follow_the_severity() {
        let plan = decide(&[
            observed("a", "0.1.0", &[], Some(Severity::Breaking)),
            observed("b", "0.1.0", &[], Some(Severity::Additive)),
            observed("c", "1.2.3", &[], Some(Severity::Additive)),
            observed("d", "1.2.3", &[], Some(Severity::Patch)),
            observed("e", "1.2.3", &[], None),
        ])
        .unwrap();
        let next: Vec<(&str, bool)> = plan
            .crates
            .iter()
            .map(|c| (c.next.as_str(), c.publish))
            .collect();
        assert_eq!(
            next,
            [
                ("0.2.0", true),
                ("0.1.1", true),
                ("1.3.0", true),
                ("1.2.4", true),
                ("1.2.3", false)
            ]
        );
    }

    #[test]
    fn a_breaking_dependency_bumps_its_dependents() {
        let plan = decide(&[
            observed("cloud-transport", "0.1.0", &[], Some(Severity::Breaking)),
            observed("tencent-cdb", "0.3.2", &["cloud-transport"], None),
        ])
        .unwrap();
        let cdb = plan.get("tencent-cdb").unwrap();
        assert_eq!(cdb.next, "0.4.0");
        assert!(
            cdb.reasons[0].contains("cloud-transport"),
            "{:?}",
            cdb.reasons
        );
        assert!(cdb.notes.changed[0].contains("requires `cloud-transport` 0.2.0"));
    }

    #[test]
    fn a_dependents_release_names_the_dependencys_new_version() {
        let plan = decide(&[
            observed("cloud-transport", "0.1.0", &[], Some(Severity::Patch)),
            observed(
                "tencent-cdb",
                "0.3.2",
                &["cloud-transport"],
                Some(Severity::Additive),
            ),
        ])
        .unwrap();
        let cdb = plan.get("tencent-cdb").unwrap();
        assert_eq!(cdb.next, "0.3.3");
        assert_eq!(
            cdb.notes.changed,
            ["Requires `cloud-transport` 0.1.1 (was 0.1.0; see its changelog)."]
        );
    }

    #[test]
    fn an_additive_dependency_leaves_dependents_alone() {
        let plan = decide(&[
            observed("cloud-transport", "0.1.0", &[], Some(Severity::Additive)),
            observed("tencent-cdb", "0.3.2", &["cloud-transport"], None),
        ])
        .unwrap();
        assert!(!plan.get("tencent-cdb").unwrap().publish);
    }

    #[test]
    fn a_version_already_set_is_kept_unless_too_small() {
        let mut kept = observed("a", "0.2.0", &[], Some(Severity::Breaking));
        kept.previous = "0.1.0".to_owned();
        kept.released = ["0.1.0".to_owned()].into();
        let mut raised = observed("b", "0.1.1", &[], Some(Severity::Breaking));
        raised.previous = "0.1.0".to_owned();
        raised.released = ["0.1.0".to_owned()].into();
        let plan = decide(&[kept, raised]).unwrap();
        assert_eq!(plan.get("a").unwrap().next, "0.2.0");
        assert!(!plan.get("a").unwrap().bumps());
        assert_eq!(plan.get("b").unwrap().next, "0.2.0");
    }

    #[test]
    fn a_crate_never_released_is_published_as_is() {
        let mut first = observed("a", "0.1.0", &[], None);
        first.released.clear();
        let plan = decide(&[first]).unwrap();
        let a = plan.get("a").unwrap();
        assert!(a.publish && !a.bumps());
        assert!(plan.to_string().contains("publish order: a 0.1.0"));
    }

    #[test]
    fn dependencies_must_come_first() {
        let error = decide(&[observed("b", "0.1.0", &["a"], None)]).unwrap_err();
        assert!(error.contains("before its dependency a"), "{error}");
    }

    #[test]
    fn versions_compare_as_numbers() {
        assert!(version_less("0.9.0", "0.10.0"));
        assert!(!version_less("1.0.0", "0.10.0"));
        assert_eq!(compatibility_class("0.3.1"), "0.3");
        assert_eq!(compatibility_class("2.3.1"), "2");
    }
}
