//! The arguments of the subcommands that run the importers (`import`, `spec-diff`,
//! `update-sources`). They are parsed in every build of xtask, so `cargo xtask --help` and
//! argument errors are the same everywhere; the subcommands themselves run in the build with
//! feature `import` (the `spec-import` crate), which the plain build re-runs itself as.

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// The subcommands that run the importers.
#[derive(Debug, Subcommand)]
pub enum ImporterTask {
    /// Import a spec from the vendors' machine-readable sources or a captured doc page.
    Import(ImportArgs),
    /// Compare two versions of specs: what changed, breaking or additive, and the semver bump.
    SpecDiff(SpecDiffArgs),
    /// The "vendor's docs changed" job: newest vendor packages, re-import, regenerate, plan.
    UpdateSources(UpdateSourcesArgs),
}

/// `cargo xtask import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub(crate) source: ImportSource,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ImportSource {
    /// Import a Tencent service from tccli-intl-en (api.json, examples.json) and the Python SDK's
    /// errorcodes.py, merged with `specs/overlays/tencent/{_common,<service>}.yaml`.
    Tencent {
        /// The tccli service name: mongodb, cdb, postgres, ...
        #[arg(long)]
        service: String,
        /// API version (`2019-07-25`) when the package has several; default: the newest.
        #[arg(long)]
        api_version: Option<String>,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Import a Huawei service from huaweicloudsdkgaussdbfornosql (operations, models) and the
    /// Swagger files of huawei-cloud-api-definitions-GaussDBforNoSQL (success statuses, examples).
    Huawei {
        /// The spec's service name; only `geminidb` is known.
        #[arg(long)]
        service: String,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Turn one captured vendor doc page into the spec of its operation (YAML on stdout).
    Doc {
        /// The captured page (text).
        page: PathBuf,
        /// Merge the operation into this spec file instead (validated before writing).
        #[arg(long)]
        merge: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct CommonArgs {
    /// Directory filled by scripts/fetch-vendor-sources.sh. Default: target/vendor-sources.
    #[arg(long)]
    pub(crate) source: Option<PathBuf>,
    /// Import only these operations (comma-separated), and the shapes they reach.
    #[arg(long, conflicts_with = "only_curated")]
    pub(crate) only: Option<String>,
    /// Import only the operations the committed spec has.
    #[arg(long)]
    pub(crate) only_curated: bool,
    /// Where to write the spec. Default: `specs/<vendor>/<service>.yaml`.
    #[arg(long, conflicts_with_all = ["stdout", "check"])]
    pub(crate) out: Option<PathBuf>,
    /// Print the spec instead of writing it.
    #[arg(long)]
    pub(crate) stdout: bool,
    /// Write nothing; fail if the committed spec differs from the import.
    #[arg(long)]
    pub(crate) check: bool,
    /// Print a draft overlay that turns the raw import into the committed spec, for its
    /// operations (a starting point for specs/overlays/...; add the reasons as comments).
    #[arg(long, conflicts_with_all = ["out", "stdout", "check"])]
    pub(crate) derive_overlay: bool,
    /// Print, as YAML entries to fill in, the Chinese texts the translation memory
    /// (`specs/overlays/<vendor>/<service>.en.yaml`) has no English for; write nothing.
    #[arg(long, conflicts_with_all = ["out", "stdout", "check", "derive_overlay"])]
    pub(crate) memory_todo: bool,
}

/// `cargo xtask spec-diff`.
#[derive(Debug, Args)]
pub struct SpecDiffArgs {
    /// Two spec files to compare: OLD NEW. Without them, every spec in specs/ is compared with
    /// the git revision given by --against.
    #[arg(num_args = 0..=2)]
    pub(crate) paths: Vec<PathBuf>,
    /// The git revision the working tree's specs are compared with (default: HEAD).
    #[arg(long, conflicts_with = "paths")]
    pub(crate) against: Option<String>,
    /// Fail (exit code 1) when a change is breaking.
    #[arg(long)]
    pub(crate) deny_breaking: bool,
}

/// `cargo xtask update-sources`.
#[derive(Debug, Args)]
pub struct UpdateSourcesArgs {
    /// Pin this version instead of the newest (repeatable): `NAME==VERSION`, NAME as in
    /// scripts/vendor-sources.txt.
    #[arg(long = "to", value_name = "NAME==VERSION")]
    pub(crate) to: Vec<String>,
    /// Write nothing in the tree: say what would change (with no network: from the pinned state).
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Passed on to the release plan printed at the end.
    #[arg(long)]
    pub(crate) no_semver_checks: bool,
}
