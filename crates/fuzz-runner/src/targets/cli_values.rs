//! Target `cli_values`: the CLI's reading of values (`cloudcall::fuzzing`): whole command
//! lines for any operation of the four services (clap, flags, `--cli-input-json`, required
//! members, `--wait`, global options), single flag values of any member, and
//! `--cli-input-json` texts of any operation. Every input must give an input or a usage error.
//!
//! Input: the first byte picks the form of the rest:
//!
//! | `byte % 3` | rest |
//! |---|---|
//! | 0 | the command line's words after `cloudcall`, one per line |
//! | 1 | `service operation member` on the first line, the flag's text after it |
//! | 2 | `service operation` on the first line, the `--cli-input-json` text after it |
//!
//! Checks: a usage error exits 2 with a message (help and version exit 0); a flag value the
//! flag's parser accepts is accepted as that member's value in `--cli-input-json` too.

use std::sync::OnceLock;

use cloud_spec::Service;
use cloudcall::fuzzing::{self, CommandLine};
use serde_json::{Map, Value};

use crate::label::Label;

/// What the target feeds and checks.
pub const ABOUT: &str = "command line / flag text / --cli-input-json of any operation -> cloudcall's parsing: input or usage error";

/// Flag and JSON tokens.
pub const DICTIONARY: &[&[u8]] = &[
    b"\n--cli-input-json\n",
    b"\n--region\n",
    b"\n--endpoint\n",
    b"\n--project-id\n",
    b"\n--output\ntable",
    b"\n--wait",
    b"\n--wait-timeout\n",
    b"\n--help",
    b"\n-h",
    b"\n--debug",
    b"\n--allow-insecure-http",
    b"\n--",
    b"\n=",
    b"http://127.0.0.1:1",
    b"https://[::1]:99999/x",
    b"tencent-mongodb",
    b"tencent-cdb",
    b"tencent-postgres",
    b"huawei-geminidb",
    b"describe-instance-ssl",
    b"instance-enable-ssl",
    b"switch-ssl",
    b"--instance-id",
    b"--enable",
    b"--ssl-option",
    b"true",
    b"false",
    b"on",
    b"off",
    b"null",
    b"[",
    b"]",
    b"{",
    b"}",
    b"\"",
    b",",
    b":",
    b"[1,2]",
    b"{\"a\":1}",
    b"-1",
    b"1e400",
    b"4294967296",
    b"-9223372036854775809",
    b"0.5",
    b" ",
    b"\xe2\x80\x8b",
];

fn services() -> &'static [Service] {
    static SERVICES: OnceLock<Vec<Service>> = OnceLock::new();
    SERVICES.get_or_init(cloud_spec::bundle::services)
}

/// Each service alone, as `cloudcall::services_for` gives a command line naming one (cloned
/// once here, not per input).
fn singles() -> &'static [Vec<Service>] {
    static SINGLES: OnceLock<Vec<Vec<Service>>> = OnceLock::new();
    SINGLES.get_or_init(|| services().iter().map(|s| vec![s.clone()]).collect())
}

fn service(name: &str) -> Option<&'static Service> {
    services().iter().find(|s| s.crate_name() == name)
}

/// Runs one input.
pub fn run(data: &[u8]) -> u64 {
    let Some((&mode, rest)) = data.split_first() else {
        return Label::new("empty").finish();
    };
    let text = String::from_utf8_lossy(rest);
    match mode % 3 {
        0 => command_line(&text),
        1 => flag(&text),
        _ => cli_input_json(&text),
    }
}

fn command_line(text: &str) -> u64 {
    let mut args = vec!["cloudcall".to_owned()];
    args.extend(text.split('\n').map(str::to_owned));
    // As `cloudcall::services_for`: the one service named, else all of them (the bundle is
    // parsed once here rather than per input).
    let named: Vec<usize> = services()
        .iter()
        .enumerate()
        .filter(|(_, s)| args[1..].iter().any(|a| *a == s.crate_name()))
        .map(|(i, _)| i)
        .collect();
    let specs: &[Service] = match named[..] {
        [single] => &singles()[single],
        _ => services(),
    };
    match fuzzing::parse_command_line(&args, specs) {
        CommandLine::Call {
            input,
            config_error,
        } => {
            assert!(input.is_object(), "the input is not an object: {input}");
            Label::new("call")
                .number(input.as_object().map_or(0, Map::len).min(8) as u64)
                .message(config_error.as_deref().unwrap_or(""))
                .finish()
        }
        CommandLine::Exit { status, printed } => {
            assert!(
                status == cloudcall::EXIT_USAGE || status == cloudcall::EXIT_OK,
                "exit status {status} before anything was sent:\n{printed}"
            );
            assert!(
                !printed.trim().is_empty(),
                "exit {status} without a message"
            );
            Label::new("exit")
                .number(status as u64)
                .message(printed.lines().next().unwrap_or(""))
                .finish()
        }
        CommandLine::Demo => Label::new("demo").finish(),
        CommandLine::Builtin(name) => Label::new(name).finish(),
        CommandLine::NamesFile => Label::new("file").finish(),
    }
}

/// `service operation member` and the text after the first line.
fn header_and_rest(text: &str) -> (Vec<&str>, &str) {
    let (head, rest) = text.split_once('\n').unwrap_or((text, ""));
    (head.split(' ').collect(), rest)
}

fn flag(text: &str) -> u64 {
    let (head, raw) = header_and_rest(text);
    let [service_name, operation, member] = head[..] else {
        return Label::new("flag: no header").finish();
    };
    let Some(service) = service(service_name) else {
        return Label::new("flag: no service").finish();
    };
    match fuzzing::parse_flag(service, operation, member, raw) {
        None => Label::new("flag: no flag").finish(),
        Some(Err(message)) => {
            assert!(
                !message.is_empty(),
                "a refused flag value without a message"
            );
            Label::new("flag: refused").message(&message).finish()
        }
        Some(Ok(value)) => {
            // What a flag accepts, the same member accepts in --cli-input-json.
            let json =
                Value::Object(Map::from_iter([(member.to_owned(), value.clone())])).to_string();
            if let Some(Err(message)) = fuzzing::parse_cli_input_json(service, operation, &json) {
                panic!(
                    "{service_name} {operation}: --{member} `{raw}` reads as {value}, which \
                     --cli-input-json refuses: {message}"
                );
            }
            Label::new("flag: ok").message(kind(&value)).finish()
        }
    }
}

fn cli_input_json(text: &str) -> u64 {
    let (head, raw) = header_and_rest(text);
    let [service_name, operation] = head[..] else {
        return Label::new("json: no header").finish();
    };
    let Some(service) = service(service_name) else {
        return Label::new("json: no service").finish();
    };
    match fuzzing::parse_cli_input_json(service, operation, raw) {
        None => Label::new("json: no operation").finish(),
        Some(Err(message)) => {
            assert!(
                !message.is_empty(),
                "a refused --cli-input-json without a message"
            );
            Label::new("json: refused").message(&message).finish()
        }
        Some(Ok(members)) => Label::new("json: ok")
            .number(members.len().min(8) as u64)
            .finish(),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The documented examples of every operation of the four services: as command lines, as
/// each flag's text, and as `--cli-input-json`.
pub fn seeds() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for service in services() {
        let name = service.crate_name();
        for line in fuzzing::example_command_lines(service) {
            let mut seed = vec![0];
            seed.extend(line.join("\n").into_bytes());
            seeds.push(seed);
        }
        for (op_name, op) in &service.operations {
            for example in &op.examples {
                for (member, value) in &example.input {
                    let text = match value {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    let mut seed = vec![1];
                    seed.extend(format!("{name} {op_name} {member}\n{text}").into_bytes());
                    seeds.push(seed);
                }
                let json = Value::Object(example.input.clone().into_iter().collect()).to_string();
                let mut seed = vec![2];
                seed.extend(format!("{name} {op_name}\n{json}").into_bytes());
                seeds.push(seed);
            }
        }
    }
    for line in [
        "--help",
        "tencent-mongodb\n--help",
        "tencent-mongodb\ndescribe-instance-sll",
        "--region\nap-guangzhou\n--endpoint\nhttp://127.0.0.1:9\ntencent-cdb\nopen-ssl\n--instance-id\ncdb-1\n--wait",
        "huawei-geminidb\nswitch-ssl\n--instance-id\nx\n--ssl-option\nof",
        "demo\n--delay-ms\n10",
    ] {
        let mut seed = vec![0];
        seed.extend(line.as_bytes());
        seeds.push(seed);
    }
    seeds
}
