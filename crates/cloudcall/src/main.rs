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
    let services = cloud_spec::bundle::services();
    let status = run::main_with(std::env::args_os().collect(), &services);
    std::process::exit(status);
}
