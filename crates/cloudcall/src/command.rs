//! The command tree, built at run time from the specs: one subcommand per service, one per
//! operation, one flag per input member, help text from the docs. Only the parts a command line
//! can reach get their flags ([`Reach`]).

use std::collections::HashSet;
use std::ffi::OsString;
use std::sync::Arc;

use clap::builder::ValueParser;
use clap::{Arg, ArgAction, Command};
use cloud_spec::{Example, Member, Operation, Service, TypeExpr};
use serde_json::Value;

use crate::names::cli_name;
use crate::text;
use crate::values::{self, Shapes};

/// Options every invocation accepts, before or after the service and operation.
pub mod global {
    /// `--endpoint URL`
    pub const ENDPOINT: &str = "endpoint";
    /// `--region REGION`
    pub const REGION: &str = "region";
    /// `--project-id ID`
    pub const PROJECT_ID: &str = "project-id";
    /// `--profile NAME`
    pub const PROFILE: &str = "profile";
    /// `--output json|table|text|yaml`
    pub const OUTPUT: &str = "output";
    /// `--query EXPR`: JMESPath applied to the answer.
    pub const QUERY: &str = "query";
    /// `--full-width`: tables as wide as their cells.
    pub const FULL_WIDTH: &str = "full-width";
    /// `--debug`
    pub const DEBUG: &str = "debug";
    /// `--allow-insecure-http`
    pub const ALLOW_INSECURE_HTTP: &str = "allow-insecure-http";
}

/// Options of each operation besides its members.
pub mod op_flags {
    /// `--cli-input-json JSON`: the whole input, by wire name.
    pub const CLI_INPUT_JSON: &str = "cli-input-json";
    /// `--generate-cli-skeleton`: print an input JSON with every member, send nothing.
    pub const GENERATE_CLI_SKELETON: &str = "generate-cli-skeleton";
    /// `--wait`: wait for the asynchronous change to show.
    pub const WAIT: &str = "wait";
    /// `--wait-timeout SECS`
    pub const WAIT_TIMEOUT: &str = "wait-timeout";
    /// `--page-all`: every page of a paged operation, as one answer.
    pub const PAGE_ALL: &str = "page-all";
    /// `--max-items N`: at most N items, over as many pages as that takes.
    pub const MAX_ITEMS: &str = "max-items";
}

/// The default `--wait-timeout`, in seconds. Enabling SSL restarts instances; ten minutes covers
/// what the vendors document without letting a script hang for long.
pub const DEFAULT_WAIT_TIMEOUT_SECS: u64 = 600;

/// Flag names the CLI itself uses; a member with one of these names gets `--param-<name>`.
pub const RESERVED_FLAGS: &[&str] = &[
    global::ENDPOINT,
    global::REGION,
    global::PROJECT_ID,
    global::PROFILE,
    global::OUTPUT,
    global::QUERY,
    global::FULL_WIDTH,
    global::DEBUG,
    global::ALLOW_INSECURE_HTTP,
    op_flags::CLI_INPUT_JSON,
    op_flags::GENERATE_CLI_SKELETON,
    op_flags::WAIT,
    op_flags::WAIT_TIMEOUT,
    op_flags::PAGE_ALL,
    op_flags::MAX_ITEMS,
    "help",
    "version",
];

/// One input member as a command-line flag.
#[derive(Debug, Clone)]
pub struct Param<'a> {
    /// Wire name: the key in the request (`InstanceId`, `ssl_option`).
    pub wire: &'a str,
    /// Flag name without dashes (`instance-id`).
    pub flag: String,
    /// The member's type.
    pub ty: &'a TypeExpr,
    /// The member.
    pub member: &'a Member,
}

impl Param<'_> {
    /// The clap id of the flag: the wire name in a namespace of its own, so a member named like
    /// a global option's id (`region`, `output`) cannot be mistaken for it.
    pub fn id(&self) -> String {
        format!("input:{}", self.wire)
    }

    /// `--flag`, as users type it.
    pub fn dashed(&self) -> String {
        format!("--{}", self.flag)
    }

    /// Whether the flag may be given more than once (lists).
    pub fn is_list(&self) -> bool {
        matches!(self.ty, TypeExpr::List(_))
    }
}

/// Whether the transport, not the user, provides this member (authentication headers).
pub fn is_transport_provided(wire: &str, member: &Member) -> bool {
    cloud_spec::transport_members::is_transport_header_member(wire, member)
}

/// The flags of an operation, in spec order.
pub fn params(op: &Operation) -> Vec<Param<'_>> {
    let mut out: Vec<Param<'_>> = Vec::new();
    for (wire, member) in &op.input {
        if is_transport_provided(wire, member) {
            continue;
        }
        let ty = &member.ty;
        let mut flag = cli_name(wire);
        if RESERVED_FLAGS.contains(&flag.as_str()) {
            flag = format!("param-{flag}");
        }
        if out.iter().any(|p| p.flag == flag) {
            // Two wire names with one kebab form (`InstanceId`, `instance_id`): keep the later one
            // reachable under its wire name.
            flag = wire.clone();
        }
        out.push(Param {
            wire,
            flag,
            ty,
            member,
        });
    }
    out
}

/// Which parts of the command tree a command line can reach.
///
/// clap matches a subcommand only by its name or alias, so a service or operation whose name is
/// not among the command line's words can never be matched: it needs its name and one-line
/// description (for help listings and suggestions) but not its flags. Building the flags of only
/// the operation named keeps start-up cost flat as operations are added.
#[derive(Debug, Clone)]
pub struct Reach {
    /// The command line's words; `None` reaches everything.
    words: Option<HashSet<String>>,
}

impl Reach {
    /// Every service and operation fully built (for completion scripts and tests of the whole
    /// tree).
    pub fn everything() -> Reach {
        Reach { words: None }
    }

    /// What the command line `args` can reach.
    pub fn of(args: &[OsString]) -> Reach {
        Reach {
            words: Some(
                args.iter()
                    .filter_map(|a| a.to_str())
                    .map(str::to_owned)
                    .collect(),
            ),
        }
    }

    fn reaches(&self, names: &[&str]) -> bool {
        match &self.words {
            None => true,
            Some(words) => names.iter().any(|n| words.contains(*n)),
        }
    }
}

/// The root command for `services`, with the parts `reach` can reach fully built.
pub fn build(services: &[Service], reach: &Reach) -> Command {
    let mut root = Command::new("cloudcall")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Call Tencent Cloud and Huawei Cloud database APIs from the command line")
        .long_about(text::wrap(
            "Call Tencent Cloud and Huawei Cloud database APIs from the command line.\n\n\
             Services, operations, flags, value checks and help come from the cloudcall API specs; \
             `cloudcall <service> --help` lists the operations, `cloudcall <service> <operation> \
             --help` their parameters.\n\n\
             Credentials come from the same chain as the cloudcall libraries. Tencent Cloud: \
             TENCENTCLOUD_SECRET_ID + TENCENTCLOUD_SECRET_KEY (+ TENCENTCLOUD_TOKEN), else \
             ~/.tencentcloud/credentials; region from --region or TENCENTCLOUD_REGION. Huawei Cloud: \
             HUAWEICLOUD_SDK_AUTH_TOKEN (an IAM token), or HUAWEICLOUD_SDK_USER_NAME + \
             HUAWEICLOUD_SDK_PASSWORD + HUAWEICLOUD_SDK_DOMAIN_NAME (IAM login, token mode), or \
             HUAWEICLOUD_SDK_AK + HUAWEICLOUD_SDK_SK (signing), else ~/.huaweicloud/credentials; \
             region from --region or HUAWEICLOUD_SDK_REGION; project id from --project-id, \
             HUAWEICLOUD_SDK_PROJECT_ID or an IAM lookup. Instance roles, assumed roles and web or \
             federated identity work as in the libraries; --profile NAME picks a named profile. \
             Secrets are never printed.\n\n\
             Start with `cloudcall demo` (in the default build): it runs the whole SSL lifecycle \
             against a local emulator, with no account and no network.",
            text::WRAP_WIDTH,
        ))
        .after_help(text::wrap(
            "Exit status: 0 success; 1 the call failed (service error, network, timeout, credentials); \
             2 usage or configuration error (nothing was sent); 3 `cloudcall audit --fail-if` \
             matched.",
            text::WRAP_WIDTH,
        ))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(global_args());
    #[cfg(feature = "demo")]
    {
        root = root.subcommand(demo_command());
    }
    #[cfg(feature = "audit")]
    {
        root = root.subcommand(crate::audit::command());
    }
    root = root.subcommand(crate::completions::command());
    for service in services {
        root = root.subcommand(service_command(service, reach));
    }
    root
}

/// `cloudcall demo` (feature `demo`, on by default: it embeds the emulator).
#[cfg(feature = "demo")]
fn demo_command() -> Command {
    Command::new("demo")
        .about("Run the SSL lifecycle of every service against an in-process emulator")
        .long_about(text::wrap(
            "Starts the cloudcall emulator on a loopback port and walks every service twice. The \
             SSL walk: describe, enable and disable (waiting for each change), describe again, \
             fetch the certificate links. The lifecycle walk: create an instance and wait until it \
             runs, enable SSL and wait, fetch the certificate link, list every page, isolate and \
             delete it and wait until it is gone. The audit: `cloudcall audit` over a seeded \
             fleet (SSL off, certificates expiring at chosen dates). Prints each step and a \
             summary table; exits 0 \
             only if every step did what it should. Needs no account and no network.\n\n\
             With --endpoint, talks to that emulator instead (e.g. a `cloud-emulator` started \
             with its default demo credentials) and leaves it running.",
            text::WRAP_WIDTH,
        ))
        .arg(
            Arg::new("delay-ms")
                .long("delay-ms")
                .value_name("MS")
                .value_parser(clap::value_parser!(u64).range(0..=60_000))
                .default_value("300")
                .help("How long the emulator takes to finish an asynchronous change"),
        )
        .arg(
            Arg::new("part")
                .long("part")
                .value_name("PART")
                .value_parser(crate::demo::PARTS)
                .default_value("all")
                .help("Which part to run: the SSL walk on seeded instances, the lifecycle walk on a new instance, the audit of a seeded fleet, or all"),
        )
}

/// Help heading of the options every command accepts, listed after the operation's own.
const GLOBAL_HEADING: &str = "Global options";

fn global_args() -> Vec<Arg> {
    let args = vec![
        Arg::new(global::ENDPOINT)
            .long(global::ENDPOINT)
            .value_name("URL")
            .global(true)
            .help("Send requests to this URL instead of the vendor's endpoint (e.g. a cloud-emulator)"),
        Arg::new(global::REGION)
            .long(global::REGION)
            .value_name("REGION")
            .global(true)
            .help("Region, e.g. ap-guangzhou or cn-north-4 (default: from the environment)"),
        Arg::new(global::PROJECT_ID)
            .long(global::PROJECT_ID)
            .value_name("ID")
            .global(true)
            .help("Huawei project id (default: HUAWEICLOUD_SDK_PROJECT_ID, the profile, or an IAM lookup)"),
        Arg::new(global::PROFILE)
            .long(global::PROFILE)
            .value_name("NAME")
            .global(true)
            .help("Credentials profile: section [NAME] of the SDK credentials file, else tccli's ~/.tccli/NAME.credential or KooCLI's profile NAME in ~/.hcloud/config.json"),
        Arg::new(global::OUTPUT)
            .long(global::OUTPUT)
            .value_name("FORMAT")
            .value_parser(crate::output::FORMAT_NAMES)
            .default_value("json")
            .global(true)
            .help("Output format: json, table (fitted to the terminal), text (tab-separated), yaml or csv"),
        Arg::new(global::QUERY)
            .long(global::QUERY)
            .value_name("JMESPATH")
            .global(true)
            .help("Show only what this JMESPath expression selects from the answer, e.g. 'InstanceDetails[].InstanceId'"),
        Arg::new(global::FULL_WIDTH)
            .long(global::FULL_WIDTH)
            .action(ArgAction::SetTrue)
            .global(true)
            .help("Print tables as wide as their cells instead of fitting them to the terminal"),
        Arg::new(global::DEBUG)
            .long(global::DEBUG)
            .action(ArgAction::SetTrue)
            .global(true)
            .help("Print the settings and every HTTP attempt on stderr: request line, headers, body, status and timing (credentials and secrets redacted)"),
        Arg::new(global::ALLOW_INSECURE_HTTP)
            .long(global::ALLOW_INSECURE_HTTP)
            .action(ArgAction::SetTrue)
            .global(true)
            .help("Allow an http:// --endpoint that is not on loopback (signatures and tokens travel in clear text)"),
    ];
    args.into_iter()
        .enumerate()
        .map(|(i, a)| a.help_heading(GLOBAL_HEADING).display_order(1000 + i))
        .collect()
}

fn service_command(service: &Service, reach: &Reach) -> Command {
    let name = service.crate_name();
    let about = format!(
        "{} (API {}, {} operations)",
        service.title,
        service.version,
        service.operations.len()
    );
    if !reach.reaches(&[&name]) {
        return Command::new(name).about(about);
    }
    let mut long = service.title.clone();
    if !service.docs.trim().is_empty() {
        long.push_str("\n\n");
        long.push_str(&text::wrap(
            &text::plain(service.docs.trim()),
            text::WRAP_WIDTH,
        ));
    }
    long.push_str(&format!(
        "\n\nAPI version {} ({}), {} operations.",
        service.version,
        service.service,
        service.operations.len()
    ));
    let mut cmd = Command::new(name.clone())
        .about(about)
        .long_about(long)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand_value_name("OPERATION")
        .subcommand_help_heading("Operations")
        // No terminal-width heuristics: clap would otherwise move every description under its
        // name (two lines per operation) as soon as one long name and one long line meet.
        .term_width(0)
        .after_help(format!(
            "`cloudcall {name} <OPERATION> --help` shows an operation's parameters. The \
             vendor's spelling of an operation name (e.g. `{}`) works too.",
            service
                .operations
                .keys()
                .next()
                .map_or("DescribeX", String::as_str)
        ));
    // One `Arc` of the shapes for every flag's value parser, instead of a copy per flag.
    let shapes = Arc::new(service.shapes.clone());
    for (op_name, op) in &service.operations {
        cmd = cmd.subcommand(operation_command(service, op_name, op, reach, &shapes));
    }
    cmd
}

/// An operation's subcommand: its name, vendor alias and one-line description, plus, when the
/// command line can reach it, its flags and full help.
fn operation_command(
    service: &Service,
    name: &str,
    op: &Operation,
    reach: &Reach,
    shapes: &Arc<Shapes>,
) -> Command {
    let cli = cli_name(name);
    let mut about = text::one_line(&op.docs);
    if op.deprecated {
        about = format!("[deprecated] {about}");
    }
    let cmd = Command::new(cli.clone())
        .alias(name.to_owned())
        .about(about);
    if !reach.reaches(&[&cli, name]) {
        return cmd;
    }
    let mut long = text::wrap(&text::plain(op.docs.trim()), text::WRAP_WIDTH);
    long.push_str(&format!("\n\nAPI: {name}"));
    if let Some(http) = &op.http {
        long.push_str(&format!(" ({} {})", http.method.as_str(), http.path));
    }
    if let Some(limit) = op.rate_limit {
        long.push_str(&format!("\nRate limit: {limit} requests per second."));
    }
    if !op.regions.is_empty() {
        long.push_str(&format!("\nOnly served in: {}.", op.regions.join(", ")));
    }
    let mut cmd = cmd.long_about(long);

    let params = params(op);
    for (index, p) in params.iter().enumerate() {
        cmd = cmd.arg(member_arg(p, shapes).display_order(index));
    }
    let examples = examples_text(service, name, op, &params);
    if !examples.is_empty() {
        cmd = cmd.after_long_help(examples);
    }
    cmd = cmd.arg(
        Arg::new(op_flags::CLI_INPUT_JSON)
            .long(op_flags::CLI_INPUT_JSON)
            .value_name("JSON")
            .display_order(900)
            .help("The whole input as JSON by wire name (file://PATH reads a file); flags override it"),
    )
    .arg(
        Arg::new(op_flags::GENERATE_CLI_SKELETON)
            .long(op_flags::GENERATE_CLI_SKELETON)
            .action(ArgAction::SetTrue)
            .display_order(901)
            .help("Print an input JSON with every member (placeholders by type) for --cli-input-json, and send nothing"),
    );
    if let Some(what) = crate::wait::describe(service, name) {
        cmd = cmd
            .arg(
                Arg::new(op_flags::WAIT)
                    .long(op_flags::WAIT)
                    .action(ArgAction::SetTrue)
                    .display_order(901)
                    .help(format!("Wait for {what} (progress on stderr)")),
            )
            .arg(
                Arg::new(op_flags::WAIT_TIMEOUT)
                    .long(op_flags::WAIT_TIMEOUT)
                    .value_name("SECS")
                    .display_order(902)
                    .value_parser(clap::value_parser!(u64).range(1..=86_400))
                    .default_value(DEFAULT_WAIT_TIMEOUT_SECS.to_string())
                    .help("Give up waiting after this many seconds"),
            );
    }
    if let Some(pagination) = &op.pagination {
        cmd = cmd
            .arg(
                Arg::new(op_flags::PAGE_ALL)
                    .long(op_flags::PAGE_ALL)
                    .action(ArgAction::SetTrue)
                    .display_order(903)
                    .help(format!(
                        "Fetch every page ({} per call unless --{} is given) and print one answer \
                         with all of `{}`",
                        pagination.max_page_size,
                        cli_name(&pagination.limit),
                        pagination.items
                    )),
            )
            .arg(
                Arg::new(op_flags::MAX_ITEMS)
                    .long(op_flags::MAX_ITEMS)
                    .value_name("N")
                    .display_order(904)
                    .value_parser(clap::value_parser!(u64).range(1..))
                    .help("Fetch pages until N items (implies --page-all)"),
            );
    }
    cmd
}

/// A list flag's value: the elements of one occurrence.
#[derive(Debug, Clone)]
pub struct ListOccurrence(pub Vec<Value>);

/// Enum values listed in a flag's one-line help, at most; the long help lists them all.
const SHORT_HELP_ENUM_VALUES: usize = 8;

/// A member's flag. Short help (`-h`): one line, `(required)`, the docs' first sentence and the
/// enum values. Long help (`--help`): the whole docs, the type (with a structure's members), the
/// documented values and the example.
fn member_arg(p: &Param<'_>, shapes: &Arc<Shapes>) -> Arg {
    let placeholder = placeholder(p.ty, shapes);
    let enum_shape =
        p.ty.shape_name()
            .and_then(|n| shapes.get(n))
            .filter(|s| s.enum_kind.is_some() && !s.values.is_empty());
    let mut flags_note = Vec::new();
    if p.member.deprecated {
        flags_note.push("[deprecated]".to_owned());
    }
    if p.member.required {
        flags_note.push("(required)".to_owned());
    }
    let mut help = flags_note.clone();
    let sentence = text::one_line(&p.member.docs);
    if !sentence.is_empty() {
        help.push(sentence);
    }
    if let Some(shape) = enum_shape {
        let mut shown: Vec<String> = shape
            .values
            .iter()
            .take(SHORT_HELP_ENUM_VALUES)
            .map(|v| values::wire_text(&v.value))
            .collect();
        if shape.values.len() > SHORT_HELP_ENUM_VALUES {
            shown.push("…".into());
        }
        help.push(format!("[values: {}]", shown.join(", ")));
    }
    if p.is_list() {
        help.push("[repeatable]".into());
    }
    let help = help.join(" ");

    let mut long_help = flags_note;
    let docs = text::plain(&p.member.docs);
    if !docs.is_empty() {
        long_help.push(docs);
    }
    let mut long_help = text::wrap(&long_help.join(" "), text::WRAP_WIDTH);
    if !long_help.is_empty() {
        long_help.push('\n');
    }
    long_help.push_str(&format!("Type: {}.", values::describe_type(p.ty, shapes)));
    if let Some(layout) = structure_layout(p.ty, shapes) {
        long_help.push_str(&format!(
            "\n{}",
            text::wrap(&format!("JSON: {layout}"), text::WRAP_WIDTH)
        ));
    }
    if let Some(shape) = enum_shape {
        long_help.push_str("\nValues:");
        for v in &shape.values {
            long_help.push_str(&format!("\n  {} ({})", values::wire_text(&v.value), v.name));
            let docs = text::one_line(&v.docs);
            if !docs.is_empty() {
                long_help.push_str(&format!(": {docs}"));
            }
        }
    }
    if p.is_list() {
        long_help.push_str("\nRepeat the flag for each element, or give a JSON array.");
    }
    if let Some(example) = &p.member.example {
        long_help.push_str(&format!(
            "\nExample: {}",
            text::truncate(&values::wire_text(example), 300)
        ));
    }

    let mut arg = Arg::new(p.id())
        .long(p.flag.clone())
        .value_name(placeholder)
        .help(help)
        .long_help(long_help)
        .allow_hyphen_values(true);
    if p.member.required {
        // The whole input may come from --cli-input-json instead; `input::collect` checks that case.
        // (or a skeleton is asked for, which needs no input).
        arg = arg.required_unless_present_any([
            op_flags::CLI_INPUT_JSON,
            op_flags::GENERATE_CLI_SKELETON,
        ]);
    }
    let shapes_for_parser = Arc::clone(shapes);
    match p.ty {
        TypeExpr::List(element) => {
            let element = (**element).clone();
            arg.action(ArgAction::Append)
                .value_parser(ValueParser::new(move |raw: &str| {
                    values::parse_list_occurrence(raw, &element, &shapes_for_parser)
                        .map(ListOccurrence)
                }))
        }
        ty => {
            let ty = ty.clone();
            arg.action(ArgAction::Set)
                .value_parser(ValueParser::new(move |raw: &str| {
                    values::parse_flag_value(raw, &ty, &shapes_for_parser)
                }))
        }
    }
}

/// The JSON layout of a structure type (or a list or map of one), one level deep:
/// `{"Name": string (required), "Values": [string]}`.
fn structure_layout(ty: &TypeExpr, shapes: &Shapes) -> Option<String> {
    let (wrap_open, wrap_close, name) = match ty {
        TypeExpr::Shape(name) => ("", "", name),
        TypeExpr::List(inner) => match &**inner {
            TypeExpr::Shape(name) => ("[", ", ...]", name),
            _ => return None,
        },
        TypeExpr::Map(inner) => match &**inner {
            TypeExpr::Shape(name) => ("{\"KEY\": ", ", ...}", name),
            _ => return None,
        },
        _ => return None,
    };
    let members = shapes.get(name)?.members.as_ref()?;
    let fields: Vec<String> = members
        .iter()
        .map(|(wire, member)| {
            let ty = values::describe_type(&member.ty, shapes);
            let required = if member.required { " (required)" } else { "" };
            format!("\"{wire}\": {ty}{required}")
        })
        .collect();
    Some(format!("{wrap_open}{{{}}}{wrap_close}", fields.join(", ")))
}

/// The value placeholder in usage lines: `<true|false>`, `<0|1>`, `<INT32>`, `<JSON>`.
fn placeholder(ty: &TypeExpr, shapes: &Shapes) -> String {
    match ty {
        TypeExpr::String => "STRING".into(),
        TypeExpr::Boolean => "true|false".into(),
        TypeExpr::Integer(w) => {
            values::describe_type(&TypeExpr::Integer(*w), shapes).to_uppercase()
        }
        TypeExpr::Float => "NUMBER".into(),
        TypeExpr::Timestamp => "TIME".into(),
        TypeExpr::Json | TypeExpr::Map(_) => "JSON".into(),
        TypeExpr::List(inner) => placeholder(inner, shapes),
        TypeExpr::Shape(name) => match shapes.get(name) {
            Some(shape)
                if shape.enum_kind.is_some()
                    && !shape.values.is_empty()
                    && shape.values.len() <= 6 =>
            {
                shape
                    .values
                    .iter()
                    .map(|v| values::wire_text(&v.value))
                    .collect::<Vec<_>>()
                    .join("|")
            }
            Some(shape) if shape.enum_kind.is_some() => "VALUE".into(),
            _ => "JSON".into(),
        },
    }
}

/// `Examples:` from the spec's documented examples, as command lines.
fn examples_text(service: &Service, name: &str, op: &Operation, params: &[Param<'_>]) -> String {
    let mut out = String::new();
    for example in &op.examples {
        let mut line = format!("  cloudcall {} {}", service.crate_name(), cli_name(name));
        for (flag, value) in example_flags(example, params) {
            line.push_str(&format!(" {flag} {}", shell_quote(&value)));
        }
        out.push_str(&format!("  # {}\n{line}\n", example.title.trim()));
    }
    if out.is_empty() {
        out
    } else {
        format!("Examples (from the API docs):\n{out}")
    }
}

/// The flags (`--flag`, value) that give a documented example's input: a list of scalars as
/// one flag per element, anything else as one flag.
pub fn example_flags(example: &Example, params: &[Param<'_>]) -> Vec<(String, String)> {
    let mut flags = Vec::new();
    for (wire, value) in &example.input {
        let Some(p) = params.iter().find(|p| p.wire == wire) else {
            continue;
        };
        match value {
            Value::Array(items)
                if p.is_list() && items.iter().all(|i| !i.is_object() && !i.is_array()) =>
            {
                for item in items {
                    flags.push((p.dashed(), values::wire_text(item)));
                }
            }
            other => flags.push((p.dashed(), values::wire_text(other))),
        }
    }
    flags
}

/// Quotes a value for a POSIX shell when it needs it.
fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:/@,+=".contains(c));
    if plain {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;

    fn root() -> Command {
        build(
            &[fixture::tencent(), fixture::huawei()],
            &Reach::everything(),
        )
    }

    #[test]
    fn the_tree_is_a_valid_clap_command() {
        root().debug_assert();
    }

    #[test]
    fn services_and_operations_are_kebab_case() {
        let root = root();
        let names: Vec<&str> = root.get_subcommands().map(|c| c.get_name()).collect();
        // The CLI's own commands (demo, audit: by feature), then the services.
        assert!(names.contains(&"completions"), "{names:?}");
        let services: Vec<&str> = names.into_iter().filter(|n| n.contains('-')).collect();
        assert_eq!(services, ["tencent-mongodb", "huawei-geminidb"]);
        let mongo = root.find_subcommand("tencent-mongodb").unwrap();
        let ops: Vec<&str> = mongo.get_subcommands().map(|c| c.get_name()).collect();
        assert_eq!(
            ops,
            [
                "describe-instance-ssl",
                "instance-enable-ssl",
                "describe-everything"
            ]
        );
    }

    #[test]
    fn transport_headers_are_not_flags() {
        let service = fixture::huawei();
        let op = &service.operations["ListSslCertDownloadAddresses"];
        let flags: Vec<String> = params(op).into_iter().map(|p| p.flag).collect();
        assert_eq!(flags, ["instance-id"]);
    }

    #[test]
    fn only_waitable_operations_have_wait() {
        let root = root();
        let mongo = root.find_subcommand("tencent-mongodb").unwrap();
        let has_wait = |op: &str| {
            mongo
                .find_subcommand(op)
                .unwrap()
                .get_arguments()
                .any(|a| a.get_id() == op_flags::WAIT)
        };
        assert!(has_wait("instance-enable-ssl"));
        assert!(!has_wait("describe-instance-ssl"));
    }

    #[test]
    fn help_shows_docs_types_and_examples() {
        let mut root = root();
        let mongo = root.find_subcommand_mut("tencent-mongodb").unwrap();
        let op = mongo.find_subcommand_mut("describe-instance-ssl").unwrap();
        let help = op.render_long_help().to_string();
        assert!(help.contains("view the enabling status of SSL"), "{help}");
        assert!(help.contains("--instance-id <STRING>"), "{help}");
        assert!(help.contains("(required) Instance ID"), "{help}");
        assert!(
            help.contains(
                "cloudcall tencent-mongodb describe-instance-ssl --instance-id cmgo-eqmoaxxx"
            ),
            "{help}"
        );
        assert!(help.contains("Rate limit: 20"), "{help}");

        let every = mongo.find_subcommand_mut("describe-everything").unwrap();
        let help = every.render_long_help().to_string();
        assert!(help.contains("--status <0|1>"), "{help}");
        assert!(help.contains("1 (Enabled): SSL is on."), "{help}");
        assert!(help.contains("--filter <JSON>"), "{help}");
        assert!(help.contains("Repeat the flag"), "{help}");
    }

    #[test]
    fn reserved_names_are_prefixed() {
        let mut service = fixture::tencent();
        let op = service.operations.get_mut("DescribeEverything").unwrap();
        let member = op.input["Limit"].clone();
        op.input.insert("Region".into(), member);
        let flags: Vec<String> = params(op).into_iter().map(|p| p.flag).collect();
        assert!(flags.contains(&"param-region".to_owned()), "{flags:?}");
        build(&[service], &Reach::everything()).debug_assert();
    }

    /// clap checks a command's consistency (unique names, flags, ids) in debug builds and panics
    /// on a bad one; every bundled operation must pass, fully built.
    #[test]
    fn every_bundled_operation_builds_a_valid_command() {
        let services = cloud_spec::bundle::services();
        let root = build(&services, &Reach::everything());
        root.clone().debug_assert();
        let operations: usize = root
            .get_subcommands()
            .map(|service| service.get_subcommands().count())
            .sum();
        let expected: usize = services.iter().map(|s| s.operations.len()).sum();
        assert_eq!(operations, expected);
    }

    #[test]
    fn a_command_line_builds_only_the_operation_it_names() {
        let services = [fixture::tencent(), fixture::huawei()];
        let args: Vec<OsString> = [
            "cloudcall",
            "tencent-mongodb",
            "describe-instance-ssl",
            "-h",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        let root = build(&services, &Reach::of(&args));
        let flag_count = |service: &str, op: &str| {
            root.find_subcommand(service)
                .and_then(|s| s.find_subcommand(op))
                .map(|c| c.get_arguments().count())
        };
        assert!(flag_count("tencent-mongodb", "describe-instance-ssl").unwrap() >= 2);
        // Listed (for help and suggestions) but without flags.
        assert_eq!(
            flag_count("tencent-mongodb", "instance-enable-ssl"),
            Some(0)
        );
        // A service not named: no operations at all.
        let huawei = root.find_subcommand("huawei-geminidb").unwrap();
        assert_eq!(huawei.get_subcommands().count(), 0);
        // The vendor spelling reaches the operation too.
        let args: Vec<OsString> = ["cloudcall", "tencent-mongodb", "InstanceEnableSSL"]
            .iter()
            .map(OsString::from)
            .collect();
        let root = build(&services, &Reach::of(&args));
        let mongo = root.find_subcommand("tencent-mongodb").unwrap();
        assert!(
            mongo
                .find_subcommand("instance-enable-ssl")
                .unwrap()
                .get_arguments()
                .count()
                >= 2
        );
    }
}
