//! Entry points for the fuzz targets (`crates/fuzz-runner`, `fuzz/`): the CLI's reading of a
//! command line, from words to the request input or a usage error, without sending anything.
//!
//! Not part of the public API (hidden from the docs, may change in any release). Each function
//! runs the code [`run`](crate::run) runs; nothing here is a copy of it. Text naming a file
//! (`file://` in `--cli-input-json`) is refused here, so that fuzzing never reads files.

use std::ffi::OsString;

use cloud_spec::{Service, TypeExpr};
use cloud_transport::Environment;
use serde_json::{Map, Value};

use crate::console::Console;
use crate::run::{self, Parsed};
use crate::{command, input, values};

/// What a command line comes to.
#[derive(Debug, Clone, PartialEq)]
pub enum CommandLine {
    /// A call, ready to send: its input, and the configuration error the call would report
    /// first, if any (a bad `--endpoint`, say).
    Call {
        /// The request input by wire name.
        input: Value,
        /// The configuration error, if the global options do not make a configuration.
        config_error: Option<String>,
    },
    /// `cloudcall demo` (not run).
    Demo,
    /// Another command of the CLI's own (`audit`, `completions`), not run.
    Builtin(&'static str),
    /// Help, version or a usage error: the exit status and what was printed.
    Exit {
        /// The exit status.
        status: i32,
        /// stdout then stderr.
        printed: String,
    },
    /// The line names a file; not parsed.
    NamesFile,
}

/// Parses `args` (the program name included) as [`run`](crate::run) does, up to the request.
pub fn parse_command_line(args: &[String], services: &[Service]) -> CommandLine {
    if args.iter().any(|a| a.contains("file://")) {
        return CommandLine::NamesFile;
    }
    let args: Vec<OsString> = args.iter().map(OsString::from).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let parsed = {
        let mut console = Console::capture(&mut out, &mut err);
        match run::parse(&args, services, &mut console) {
            Parsed::Call(call) => Ok((call.input, call.settings)),
            #[cfg(feature = "demo")]
            Parsed::Demo(_) => return CommandLine::Demo,
            #[cfg(feature = "audit")]
            Parsed::Audit(_) => return CommandLine::Builtin("audit"),
            Parsed::Completions(_) => return CommandLine::Builtin("completions"),
            Parsed::Exit(status) => Err(status),
        }
    };
    match parsed {
        Ok((input, settings)) => CommandLine::Call {
            input,
            config_error: settings
                .config(Environment::empty(), None)
                .err()
                .map(|e| e.to_string()),
        },
        Err(status) => {
            out.extend_from_slice(&err);
            CommandLine::Exit {
                status,
                printed: String::from_utf8_lossy(&out).into_owned(),
            }
        }
    }
}

/// Parses one occurrence of the flag of input member `member` of `operation`, as clap's value
/// parser for that flag does: a list flag's occurrence is its elements. `None` when there is
/// no such operation or flag.
pub fn parse_flag(
    service: &Service,
    operation: &str,
    member: &str,
    raw: &str,
) -> Option<Result<Value, String>> {
    let op = service.operations.get(operation)?;
    let params = command::params(op);
    let param = params.iter().find(|p| p.wire == member)?;
    Some(match &param.ty {
        TypeExpr::List(element) => {
            values::parse_list_occurrence(raw, element, &service.shapes).map(Value::Array)
        }
        ty => values::parse_flag_value(raw, ty, &service.shapes),
    })
}

/// Reads `raw` as the `--cli-input-json` of `operation`. `None` when there is no such
/// operation, or `raw` names a file.
pub fn parse_cli_input_json(
    service: &Service,
    operation: &str,
    raw: &str,
) -> Option<Result<Map<String, Value>, String>> {
    if raw.starts_with("file://") {
        return None;
    }
    let op = service.operations.get(operation)?;
    Some(input::from_cli_input_json(raw, op, &service.shapes))
}

/// The command lines (without the program name) of the documented examples of every
/// operation of `service`, as its `--help` shows them.
pub fn example_command_lines(service: &Service) -> Vec<Vec<String>> {
    let mut lines = Vec::new();
    for (name, op) in &service.operations {
        let params = command::params(op);
        for example in &op.examples {
            let mut line = vec![service.crate_name(), crate::names::cli_name(name)];
            for (flag, value) in command::example_flags(example, &params) {
                line.push(flag);
                line.push(value);
            }
            lines.push(line);
        }
    }
    lines
}
