//! `cloudcall`: call Tencent Cloud and Huawei Cloud database APIs from the command line.
//!
//! ```text
//! cloudcall [--endpoint URL] [--region REGION] [--project-id ID] [--output json|table]
//!           <service> <operation> [--<param> VALUE]... [--cli-input-json JSON] [--wait]
//! cloudcall demo
//! ```
//!
//! Services, operations, flags, value parsing and help all come from the spec bundle
//! ([`cloud_spec::bundle::services`]); calls go through `cloud-transport`, like the generated
//! crates' calls. Exit status: 0 success, 1 the call failed, 2 usage or configuration error.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod command;
mod demo;
#[cfg(test)]
mod fixture;
mod input;
mod meta;
mod names;
mod output;
mod run;
mod values;
mod wait;

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let services = services_for(&args);
    let status = run::main_with(args, &services);
    std::process::exit(status);
}

/// The specs a command line needs. Parsing a spec and building its subcommands is the CLI's
/// start-up cost, and it grows with every operation bundled, so a call that names one service
/// loads only that one; anything else (top-level help, `demo`, or a line naming several, e.g. a
/// service name given as a flag's value) loads them all.
fn services_for(args: &[std::ffi::OsString]) -> Vec<cloud_spec::Service> {
    let mut named: Vec<&str> = args
        .iter()
        .skip(1)
        .filter_map(|arg| arg.to_str())
        .filter(|arg| cloud_spec::bundle::crate_names().any(|name| name == *arg))
        .collect();
    named.sort_unstable();
    named.dedup();
    match named.as_slice() {
        [one] => cloud_spec::bundle::service(one).into_iter().collect(),
        _ => cloud_spec::bundle::services(),
    }
}
