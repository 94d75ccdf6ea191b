//! The request input: `--cli-input-json` first, flags on top, then the required-member check.

use clap::parser::ValueSource;
use clap::ArgMatches;
use cloud_spec::Operation;
use serde_json::{Map, Value};

use crate::command::{self, op_flags, ListOccurrence, Param};
use crate::values::{self, Shapes};

/// Why the input could not be built: a usage error naming the flag or JSON member at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    /// Required parameters are missing (after merging `--cli-input-json` and the flags).
    Missing(String),
    /// A value is malformed, of the wrong type, or names an unknown member.
    Invalid(String),
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputError::Missing(m) | InputError::Invalid(m) => f.write_str(m),
        }
    }
}

/// Builds the wire input of `op` from the parsed command line.
pub fn collect(op: &Operation, shapes: &Shapes, matches: &ArgMatches) -> Result<Value, InputError> {
    let params = command::params(op);
    let mut input = match matches.get_one::<String>(op_flags::CLI_INPUT_JSON) {
        Some(raw) => from_cli_input_json(raw, op, shapes).map_err(InputError::Invalid)?,
        None => Map::new(),
    };
    for p in &params {
        let id = p.id();
        if matches.value_source(&id) != Some(ValueSource::CommandLine) {
            continue;
        }
        let value = if p.is_list() {
            let items: Vec<Value> = matches
                .get_many::<ListOccurrence>(&id)
                .into_iter()
                .flatten()
                .flat_map(|occurrence| occurrence.0.iter().cloned())
                .collect();
            Value::Array(items)
        } else {
            match matches.get_one::<Value>(&id) {
                Some(v) => v.clone(),
                None => continue,
            }
        };
        input.insert(p.wire.to_owned(), value);
    }
    check_required(&params, &input).map_err(InputError::Missing)?;
    Ok(Value::Object(input))
}

/// The largest `--cli-input-json file://` read: above any request body the vendors accept
/// (Tencent's limit is 10 MB), so a mistaken `/dev/zero` or log file fails at once.
pub const MAX_INPUT_FILE_BYTES: u64 = 10 << 20;

/// Reads `--cli-input-json`: inline JSON, or `file://PATH`.
pub(crate) fn from_cli_input_json(
    raw: &str,
    op: &Operation,
    shapes: &Shapes,
) -> Result<Map<String, Value>, String> {
    let text = match raw.strip_prefix("file://") {
        Some(path) => {
            let bytes = cloud_transport::read_file_limited(
                std::path::Path::new(path),
                MAX_INPUT_FILE_BYTES,
            )
            .map_err(|e| format!("--cli-input-json: cannot read {path}: {e}"))?;
            String::from_utf8(bytes)
                .map_err(|_| format!("--cli-input-json: {path} is not valid UTF-8"))?
        }
        None => raw.to_owned(),
    };
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| format!("--cli-input-json: not valid JSON: {e}"))?;
    let Value::Object(map) = value else {
        return Err(
            "--cli-input-json: expected a JSON object with the input members by wire name".into(),
        );
    };
    for (key, v) in &map {
        let Some(member) = op.input.get(key) else {
            let known: Vec<&str> = op.input.keys().map(String::as_str).collect();
            return Err(format!(
                "--cli-input-json: unknown member `{key}` (expected one of: {})",
                known.join(", ")
            ));
        };
        values::check_json(v, &member.ty, shapes, key)
            .map_err(|e| format!("--cli-input-json: {e}"))?;
    }
    Ok(map)
}

/// Every required member with a flag must be set. Members without one (authentication headers)
/// are the transport's to fill.
fn check_required(params: &[Param<'_>], input: &Map<String, Value>) -> Result<(), String> {
    let missing: Vec<String> = params
        .iter()
        .filter(|p| p.member.required && !input.contains_key(p.wire))
        .map(|p| p.dashed())
        .collect();
    match missing.len() {
        0 => Ok(()),
        1 => Err(format!(
            "the required parameter {} was not provided",
            missing[0]
        )),
        _ => Err(format!(
            "the required parameters {} were not provided",
            missing.join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;
    use serde_json::json;

    fn run(args: &[&str]) -> Result<Value, String> {
        let (op, service, matches) = parse(args)?;
        collect(&service.operations[&op], &service.shapes, &matches).map_err(|e| e.to_string())
    }

    fn parse(args: &[&str]) -> Result<(String, cloud_spec::Service, ArgMatches), String> {
        let service = fixture::tencent();
        let root = command::build(
            std::slice::from_ref(&service),
            &command::Reach::everything(),
        );
        let mut argv = vec!["cloudcall", "tencent-mongodb"];
        argv.extend_from_slice(args);
        let matches = root.try_get_matches_from(argv).map_err(|e| e.to_string())?;
        let (_, svc) = matches.subcommand().unwrap();
        let (op_cli_name, op_matches) = svc.subcommand().unwrap();
        let op = service
            .operations
            .keys()
            .find(|n| crate::names::cli_name(n) == op_cli_name)
            .unwrap()
            .clone();
        let op_matches = op_matches.clone();
        Ok((op, service, op_matches))
    }

    #[test]
    fn members_named_like_global_options_are_separate_flags() {
        let mut service = fixture::tencent();
        let op = service.operations.get_mut("DescribeEverything").unwrap();
        let member = op.input["Limit"].clone();
        op.input.insert("region".into(), member.clone());
        op.input.insert("Output".into(), member);
        let root = command::build(
            std::slice::from_ref(&service),
            &command::Reach::everything(),
        );
        let argv = [
            "cloudcall",
            "--region",
            "ap-guangzhou",
            "tencent-mongodb",
            "describe-everything",
            "--param-region",
            "5",
            "--param-output",
            "6",
            "--output",
            "table",
        ];
        let matches = root.try_get_matches_from(argv).unwrap();
        let (_, svc) = matches.subcommand().unwrap();
        let (_, op_matches) = svc.subcommand().unwrap();
        let input = collect(
            &service.operations["DescribeEverything"],
            &service.shapes,
            op_matches,
        )
        .unwrap();
        assert_eq!(input, json!({"region": 5, "Output": 6}));
        assert_eq!(
            op_matches
                .get_one::<String>(command::global::REGION)
                .unwrap(),
            "ap-guangzhou"
        );
        assert_eq!(
            op_matches
                .get_one::<String>(command::global::OUTPUT)
                .unwrap(),
            "table"
        );
    }

    #[test]
    fn flags_become_wire_members() {
        let input = run(&[
            "instance-enable-ssl",
            "--instance-id",
            "cmgo-1",
            "--enable",
            "true",
        ])
        .unwrap();
        assert_eq!(input, json!({"InstanceId": "cmgo-1", "Enable": true}));
    }

    #[test]
    fn the_vendor_spelling_of_an_operation_is_an_alias() {
        let input = run(&[
            "InstanceEnableSSL",
            "--instance-id",
            "cmgo-1",
            "--enable",
            "0",
        ])
        .unwrap();
        assert_eq!(input, json!({"InstanceId": "cmgo-1", "Enable": false}));
    }

    #[test]
    fn every_type_on_one_command_line() {
        let input = run(&[
            "describe-everything",
            "--limit",
            "10",
            "--offset",
            "0",
            "--weight",
            "0.5",
            "--since",
            "2023-05-01 12:00:00",
            "--instance-ids",
            "a",
            "--instance-ids",
            "b",
            "--ports",
            "[1, 2]",
            "--status",
            "enabled",
            "--mode",
            "off",
            "--filter",
            r#"{"Name":"zone"}"#,
            "--tags",
            r#"{"env":"dev"}"#,
            "--extra",
            "-3",
        ])
        .unwrap();
        assert_eq!(
            input,
            json!({
                "Limit": 10, "Offset": 0, "Weight": 0.5, "Since": "2023-05-01 12:00:00",
                "InstanceIds": ["a", "b"], "Ports": [1, 2], "Status": 1, "Mode": "OFF",
                "Filter": {"Name": "zone"}, "Tags": {"env": "dev"}, "Extra": -3
            })
        );
    }

    #[test]
    fn flags_override_cli_input_json() {
        let input = run(&[
            "instance-enable-ssl",
            "--cli-input-json",
            r#"{"InstanceId":"cmgo-json","Enable":false}"#,
            "--enable",
            "true",
        ])
        .unwrap();
        assert_eq!(input, json!({"InstanceId": "cmgo-json", "Enable": true}));
    }

    #[test]
    fn missing_required_names_the_flags() {
        // Without --cli-input-json, clap itself refuses and names the flags.
        let e = run(&["instance-enable-ssl"]).unwrap_err();
        assert!(e.contains("required arguments were not provided"), "{e}");
        assert!(
            e.contains("--instance-id <STRING>") && e.contains("--enable <true|false>"),
            "{e}"
        );
        // With it, the merged input is checked.
        let e = run(&["instance-enable-ssl", "--cli-input-json", "{}"]).unwrap_err();
        assert_eq!(
            e,
            "the required parameters --instance-id, --enable were not provided"
        );
        let e = run(&[
            "instance-enable-ssl",
            "--cli-input-json",
            r#"{"Enable":true}"#,
        ])
        .unwrap_err();
        assert_eq!(e, "the required parameter --instance-id was not provided");
        let ok = run(&[
            "instance-enable-ssl",
            "--cli-input-json",
            r#"{"Enable":true}"#,
            "--instance-id",
            "c",
        ]);
        assert_eq!(ok.unwrap(), json!({"Enable": true, "InstanceId": "c"}));
    }

    #[test]
    fn bad_values_name_the_flag() {
        let e = run(&[
            "instance-enable-ssl",
            "--instance-id",
            "x",
            "--enable",
            "maybe",
        ])
        .unwrap_err();
        assert!(
            e.contains("--enable") && e.contains("expected true or false"),
            "{e}"
        );
        let e = run(&["describe-everything", "--limit", "99999999999"]).unwrap_err();
        assert!(e.contains("--limit") && e.contains("out of range"), "{e}");
        let e = run(&["describe-everything", "--nope", "1"]).unwrap_err();
        assert!(e.contains("--nope"), "{e}");
        let e = run(&[
            "instance-enable-ssl",
            "--cli-input-json",
            r#"{"InstanceID":"x"}"#,
        ])
        .unwrap_err();
        assert!(e.contains("unknown member `InstanceID`"), "{e}");
        let e = run(&[
            "instance-enable-ssl",
            "--cli-input-json",
            r#"{"Enable":"yes"}"#,
        ])
        .unwrap_err();
        assert!(e.contains("Enable") && e.contains("true or false"), "{e}");
    }
}
