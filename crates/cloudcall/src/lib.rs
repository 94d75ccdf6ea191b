//! `cloudcall`: call Tencent Cloud and Huawei Cloud database APIs from the command line.
//!
//! ```text
//! cloudcall [--endpoint URL] [--region REGION] [--project-id ID]
//!           [--output json|table|text|yaml] [--query JMESPATH] [--full-width] [--debug]
//!           <service> <operation> [--<param> VALUE]... [--cli-input-json JSON] [--wait]
//!           [--generate-cli-skeleton]
//! cloudcall completions <bash|zsh|fish|powershell>
//! cloudcall demo
//! ```
//!
//! Services, operations, flags, value parsing and help all come from the spec bundle
//! ([`cloud_spec::bundle::services`]); calls go through `cloud-transport`, like the generated
//! crates' calls. Exit status: [`EXIT_OK`] success, [`EXIT_FAILED`] the call failed,
//! [`EXIT_USAGE`] usage or configuration error.
//!
//! The binary is a thin wrapper around [`run`]; the library exists so the CLI can be run
//! in-process, e.g. by a test that calls every operation of a service without spawning a process
//! per call:
//!
//! ```no_run
//! let args = ["cloudcall", "tencent-cdb", "describe-ssl-status", "--instance-id", "cdb-1"];
//! let services = cloudcall::services_for(&args);
//! let (mut out, mut err) = (Vec::new(), Vec::new());
//! let status = cloudcall::run(args, &services, &mut cloudcall::Console::capture(&mut out, &mut err));
//! # let _ = status;
//! ```

#![forbid(unsafe_code)]
// docs.rs (nightly, `--cfg docsrs`) labels each feature-gated item with the features it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

#[cfg(feature = "audit")]
mod audit;
mod command;
mod completions;
mod console;
mod debug;
#[cfg(feature = "demo")]
mod demo;
#[cfg(test)]
mod fixture;
#[doc(hidden)]
pub mod fuzzing;
mod input;
mod meta;
mod names;
mod output;
mod query;
mod run;
mod skeleton;
mod suggest;
mod text;
mod values;
mod wait;

pub use cloud_transport::Environment;
pub use command::RESERVED_FLAGS;
pub use console::Console;
pub use run::{run, run_with_environment, EXIT_FAILED, EXIT_OK, EXIT_USAGE};

/// The specs a command line needs, from the bundle.
///
/// Parsing a spec and building its subcommands is the CLI's start-up cost, and it grows with
/// every operation bundled, so a command line that names one service loads only that one;
/// anything else (top-level help, `demo`, or a line naming several, e.g. a service name given as
/// a flag's value) loads them all. `args` includes the program name.
pub fn services_for<I, T>(args: I) -> Vec<cloud_spec::Service>
where
    I: IntoIterator<Item = T>,
    T: AsRef<std::ffi::OsStr>,
{
    let mut named: Vec<&'static str> = args
        .into_iter()
        .skip(1)
        .filter_map(|arg| {
            let arg = arg.as_ref().to_str()?;
            cloud_spec::bundle::crate_names().find(|name| *name == arg)
        })
        .collect();
    named.sort_unstable();
    named.dedup();
    match named.as_slice() {
        [one] => cloud_spec::bundle::service(one).into_iter().collect(),
        _ => cloud_spec::bundle::services(),
    }
}

#[cfg(test)]
mod tests {
    use super::services_for;

    fn names(args: &[&str]) -> Vec<String> {
        services_for(args).iter().map(|s| s.crate_name()).collect()
    }

    #[test]
    fn a_command_line_naming_one_service_loads_only_that_spec() {
        assert_eq!(
            names(&[
                "cloudcall",
                "tencent-cdb",
                "describe-ssl-status",
                "--instance-id",
                "x"
            ]),
            ["tencent-cdb"]
        );
        assert_eq!(
            names(&[
                "cloudcall",
                "--region",
                "r",
                "huawei-geminidb",
                "switch-ssl"
            ]),
            ["huawei-geminidb"]
        );
        // The program name is not an argument, even if it looks like a service.
        assert_eq!(
            names(&["tencent-cdb", "tencent-mongodb"]),
            ["tencent-mongodb"]
        );
    }

    #[test]
    fn anything_else_loads_every_spec() {
        let every: Vec<String> = cloud_spec::bundle::crate_names()
            .map(String::from)
            .collect();
        assert_eq!(names(&["cloudcall", "--help"]), every);
        assert_eq!(names(&["cloudcall", "demo"]), every);
        assert_eq!(
            names(&[
                "cloudcall",
                "tencent-cdb",
                "x",
                "--instance-id",
                "tencent-mongodb"
            ]),
            every
        );
    }
}
