//! The `cloudcall` binary: see the library's documentation ([`cloudcall::run`]).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let services = cloudcall::services_for(&args);
    let status = cloudcall::run(args, &services, &mut cloudcall::Console::stdio());
    std::process::exit(status);
}
