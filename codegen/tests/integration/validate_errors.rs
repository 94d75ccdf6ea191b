//! Specs that load but say something impossible: one test per validation rule, each checking the
//! message, the location and the path.

use crate::common;

use common::{check, edit, errors, HUAWEI, TENCENT};

const T: &str = "specs/tencent/mongodb.yaml";
const H: &str = "specs/huawei/geminidb.yaml";

/// The output member `Status` of `DescribeInstanceSSL` (the first `type: SslStatus`).
const STATUS_TYPE: &str = "      Status:\n        type: SslStatus\n        nullable: true\n        docs: SSL enabling status.\n      ExpiredTime:\n        type: timestamp\n        format: \"%Y-%m-%d %H:%M:%S\"\n        nullable: true\n        docs: Certificate expiration";

#[test]
fn dangling_shape_reference_suggests_the_near_name() {
    let spec = edit(
        TENCENT,
        STATUS_TYPE,
        &STATUS_TYPE.replacen("SslStatus", "SslStaus", 1),
    );
    assert_eq!(
        errors(T, &spec),
        [
            "specs/tencent/mongodb.yaml:30:15: operations.DescribeInstanceSSL.output.Status.type: \
          shape `SslStaus` is not defined under `shapes`; did you mean `SslStatus`?"
        ]
    );
    // Through lists and maps too.
    let spec = edit(
        TENCENT,
        STATUS_TYPE,
        &STATUS_TYPE.replacen("SslStatus", "list<map<Missing>>", 1),
    );
    assert!(errors(T, &spec)[0].contains("shape `Missing` is not defined"));
}

#[test]
fn unparsable_type_expression() {
    let spec = edit(
        TENCENT,
        STATUS_TYPE,
        &STATUS_TYPE.replacen("SslStatus", "list<SslStatus", 1),
    );
    assert_eq!(
        errors(T, &spec),
        [
            "specs/tencent/mongodb.yaml:30:15: operations.DescribeInstanceSSL.output.Status.type: \
          invalid type `list<SslStatus`: expected string, boolean, int32, int64, uint64, float, \
          timestamp, json, list<T>, map<T> or a shape name"
        ]
    );
}

#[test]
fn operations_whose_rust_names_collide() {
    let spec = edit(
        TENCENT,
        "  InstanceEnableSSL:\n",
        "  DescribeInstanceSsl:\n",
    );
    let found = errors(T, &spec);
    assert!(found.contains(&"specs/tencent/mongodb.yaml:60:3: operations.DescribeInstanceSsl: operations \
        `DescribeInstanceSSL` and `DescribeInstanceSsl` both become the Rust method `describe_instance_ssl`".to_owned()), "{found:#?}");
    let spec = edit(
        TENCENT,
        "  InstanceEnableSSL:\n",
        "  Describeinstancessl:\n",
    );
    let found = errors(T, &spec);
    assert!(found.contains(&"specs/tencent/mongodb.yaml:60:3: operations.Describeinstancessl: operations `DescribeInstanceSSL` and `Describeinstancessl` differ only in case".to_owned()), "{found:#?}");
}

#[test]
fn invalid_identifiers() {
    let spec = edit(
        TENCENT,
        "  InstanceEnableSSL:\n",
        "  instance-enable-ssl:\n",
    );
    let spec = edit(
        &spec,
        "        name: Disabled\n",
        "        name: disabled\n",
    );
    let spec = edit(&spec, "      Enable:\n", "      9Enable:\n");
    let spec = edit(&spec, "  SslStatus:\n", "  Ssl-Status:\n");
    let found = errors(T, &spec);
    let expect = [
        "specs/tencent/mongodb.yaml:60:3: operations.instance-enable-ssl: operation name `instance-enable-ssl` must be PascalCase",
        "specs/tencent/mongodb.yaml:69:7: operations.instance-enable-ssl.input.9Enable: `9Enable` is not a member name",
        "specs/tencent/mongodb.yaml:119:3: shapes.Ssl-Status: shape name `Ssl-Status` must start with an upper-case letter",
        "specs/tencent/mongodb.yaml:124:15: shapes.Ssl-Status.values[0].name: variant name `disabled` must be PascalCase",
    ];
    for expected in expect {
        assert!(
            found.iter().any(|f| f.starts_with(expected)),
            "missing {expected}\nin {found:#?}"
        );
    }
}

#[test]
fn member_names_that_collide_in_rust() {
    let spec = edit(
        TENCENT,
        "      Enable:\n        type: boolean\n",
        "      enable:\n        type: boolean\n      Enable:\n        type: boolean\n",
    );
    let found = errors(T, &spec);
    assert!(found.iter().any(|f| f.starts_with("specs/tencent/mongodb.yaml:71:7: operations.InstanceEnableSSL.input.Enable: members `enable` and `Enable` both become the Rust field `enable`; set `rust_name` on one")), "{found:#?}");
}

#[test]
fn enum_values_must_fit_the_kind_and_be_unique() {
    let spec = edit(
        TENCENT,
        "      - value: 1\n        name: Enabled\n",
        "      - value: \"1\"\n        name: Enabled\n      - value: 0\n        name: Off\n",
    );
    let found = errors(T, &spec);
    assert_eq!(
        found,
        [
            "specs/tencent/mongodb.yaml:126:16: shapes.SslStatus.values[1].value: \"1\" is not an integer, as `enum: integer` requires",
            "specs/tencent/mongodb.yaml:128:16: shapes.SslStatus.values[2].value: value 0 is listed twice",
        ]
    );
    let spec = edit(TENCENT, "    enum: integer\n", "    enum: string\n");
    let found = errors(T, &spec);
    assert_eq!(
        found.len(),
        2 + 2 + 2,
        "both values, both example outputs and both waiter conditions are integers: {found:#?}"
    );
    assert!(found.contains(&"specs/tencent/mongodb.yaml:123:16: shapes.SslStatus.values[0].value: 0 is not a string (quote it), as `enum: string` requires".to_owned()));
    assert!(found.contains(&"specs/tencent/mongodb.yaml:114:19: operations.InstanceEnableSSL.waiter.until[0].equals: expected a string (SslStatus), found number 1".to_owned()));
}

#[test]
fn a_shape_is_a_structure_or_an_enum() {
    let spec = edit(
        TENCENT,
        "    enum: integer\n",
        "    enum: integer\n    members: {}\n",
    );
    assert_eq!(
        errors(T, &spec),
        ["specs/tencent/mongodb.yaml:119:3: shapes.SslStatus: a shape is either a structure (`members`) or an enum (`enum` + `values`), not both"]
    );
    let spec = edit(TENCENT, "    enum: integer\n", "");
    assert!(errors(T, &spec).contains(&"specs/tencent/mongodb.yaml:119:3: shapes.SslStatus: a shape needs `members` (a structure) or `enum` and `values` (an enum)".to_owned()));
}

#[test]
fn examples_must_match_their_operation() {
    let spec = edit(TENCENT, "        input:\n          InstanceId: cmgo-eqmoaxxx\n        output:\n          Status: 1\n", "        input:\n          InstanceID: cmgo-eqmoaxxx\n        output:\n          Status: true\n");
    assert_eq!(
        errors(T, &spec),
        [
            "specs/tencent/mongodb.yaml:53:9: operations.DescribeInstanceSSL.examples[0].input: `InstanceId` is missing; it is a required request member",
            "specs/tencent/mongodb.yaml:54:11: operations.DescribeInstanceSSL.examples[0].input.InstanceID: `InstanceID` is not a member here; did you mean `InstanceId`?",
            "specs/tencent/mongodb.yaml:56:19: operations.DescribeInstanceSSL.examples[0].output.Status: expected an integer (SslStatus), found boolean true",
        ]
    );
}

#[test]
fn example_numbers_as_strings_are_accepted_only_in_responses() {
    // FlowId is int64: a response may carry "123" (Tencent drift), a request may not.
    let spec = edit(
        TENCENT,
        "          RequestId: 5297ebe2-63f8-465f-be7d-41058ce438\n",
        "          RequestId: 5297ebe2-63f8-465f-be7d-41058ce438\n          FlowId: \"123\"\n",
    );
    assert!(common::check(T, &spec).is_ok());
    let spec = edit(
        TENCENT,
        "          Enable: true\n",
        "          Enable: \"true\"\n",
    );
    assert_eq!(
        errors(T, &spec),
        ["specs/tencent/mongodb.yaml:101:19: operations.InstanceEnableSSL.examples[0].input.Enable: expected true or false, found string \"true\""]
    );
}

#[test]
fn nulls_in_examples() {
    let nullable = edit(
        TENCENT,
        "          CertUrl: http://sample/cert\n",
        "          CertUrl: null\n",
    );
    assert!(common::check(T, &nullable).is_ok(), "CertUrl is nullable");
    let spec = edit(
        TENCENT,
        "          RequestId: 12345-abcdef\n",
        "          RequestId: ~\n",
    );
    assert!(errors(T, &spec)[0]
        .ends_with("`RequestId` is null, but the member is `required` and not `nullable`"));
    let spec = edit(
        TENCENT,
        "          InstanceId: cmgo-eqmoaxxx\n          Enable: true\n",
        "          InstanceId: cmgo-eqmoaxxx\n          Enable: null\n",
    );
    assert!(errors(T, &spec)[0]
        .ends_with("input.Enable: requests never send null; leave the member out"));
}

#[test]
fn example_integers_must_fit_their_width() {
    let spec = edit(
        TENCENT,
        "      FlowId:\n        type: int64\n",
        "      FlowId:\n        type: int32\n",
    );
    let spec = edit(
        &spec,
        "          RequestId: 5297ebe2-63f8-465f-be7d-41058ce438\n",
        "          RequestId: 5297ebe2-63f8-465f-be7d-41058ce438\n          FlowId: 3000000000\n",
    );
    assert!(errors(T, &spec)[0]
        .ends_with("output.FlowId: expected an integer that fits int32, found number 3000000000"));
}

#[test]
fn tencent_rules() {
    let spec = edit(
        TENCENT,
        "    rate_limit: 20\n    read_only: true\n",
        "    rate_limit: 20\n    read_only: true\n    http:\n      method: GET\n      path: /\n",
    );
    let spec = edit(&spec, "        type: string\n        required: true\n        docs: Instance ID, in", "        type: string\n        location: query\n        required: true\n        docs: Instance ID, in");
    let spec = edit(&spec, "      FlowId:\n        type: int64\n        docs: Process ID of the asynchronous change.\n      RequestId:\n        type: string\n        required: true\n        docs: The unique request ID, returned for every request.\n", "      FlowId:\n        type: int64\n        docs: Process ID of the asynchronous change.\n");
    let spec = edit(
        &spec,
        "          RequestId: 5297ebe2-63f8-465f-be7d-41058ce438\n",
        "",
    );
    assert_eq!(
        errors(T, &spec),
        [
            "specs/tencent/mongodb.yaml:21:5: operations.DescribeInstanceSSL.http: Tencent operations are always `POST /` with the action in a header; remove `http`",
            "specs/tencent/mongodb.yaml:28:19: operations.DescribeInstanceSSL.input.InstanceId.location: Tencent requests are a JSON body; `location` is for Huawei REST operations",
            "specs/tencent/mongodb.yaml:78:7: operations.InstanceEnableSSL.output: Tencent responses carry `RequestId`; add it to the output (`type: string`, `required: true`)",
        ]
    );
    let spec = edit(
        TENCENT,
        "      RequestId:\n        type: string\n        required: true\n        docs: The unique request ID, returned for every request.\n    errors:\n      - code: InvalidParameterValue.NotFoundInstance",
        "      RequestId:\n        type: string\n        docs: The unique request ID, returned for every request.\n    errors:\n      - code: InvalidParameterValue.NotFoundInstance",
    );
    assert_eq!(
        errors(T, &spec),
        ["specs/tencent/mongodb.yaml:42:7: operations.DescribeInstanceSSL.output.RequestId: `RequestId` is sent with every response: `type: string`, `required: true`, not `nullable`"]
    );
}

#[test]
fn huawei_path_and_members_must_agree() {
    let spec = edit(
        HUAWEI,
        "      path: /v3/{project_id}/instances/{instance_id}/ssl-option",
        "      path: /v3/{project_id}/instances/{instance}/ssl-option",
    );
    assert_eq!(
        errors(H, &spec),
        [
            "specs/huawei/geminidb.yaml:17:13: operations.SwitchSsl.http.path: `{instance}` has no input member; add `instance` with `location: path`",
            "specs/huawei/geminidb.yaml:20:7: operations.SwitchSsl.input.instance_id: `location: path`, but the path has no `{instance_id}`",
        ]
    );
    let spec = edit(
        HUAWEI,
        "        required: true\n        location: path\n",
        "        location: path\n",
    );
    assert_eq!(
        errors(H, &spec),
        ["specs/huawei/geminidb.yaml:21:9: operations.SwitchSsl.input.instance_id: a path member is always needed: add `required: true`"]
    );
    let spec = edit(HUAWEI, "      method: POST\n", "      method: GET\n");
    assert!(errors(H, &spec)[0].ends_with("operations.SwitchSsl.input.ssl_option: GET requests have no body: give this member `location: query`, `path` or `header`"));
    let spec = edit(HUAWEI, "    http:\n      method: POST\n      path: /v3/{project_id}/instances/{instance_id}/ssl-option\n      success_status: 202\n", "");
    let found = errors(H, &spec);
    assert!(found.iter().any(|f| f == "specs/huawei/geminidb.yaml:14:5: operations.SwitchSsl: Huawei operations need `http` (method and path)"), "{found:#?}");
}

#[test]
fn waiters_must_point_at_real_operations_and_members() {
    let spec = edit(
        TENCENT,
        "        - when: { Enable: false }\n          path: Status\n          equals: 0",
        "        - when: { Enabled: false }\n          path: State\n          equals: 0",
    );
    assert_eq!(
        errors(T, &spec),
        [
            "specs/tencent/mongodb.yaml:115:19: operations.InstanceEnableSSL.waiter.until[1].when.Enabled: this operation has no input member `Enabled`",
            "specs/tencent/mongodb.yaml:116:17: operations.InstanceEnableSSL.waiter.until[1].path: `State`: the output has no member `State`",
        ]
    );
    let spec = edit(
        TENCENT,
        "      operation: DescribeInstanceSSL\n",
        "      operation: DescribeInstanceSsl\n",
    );
    assert!(errors(T, &spec)[0].ends_with(
        "waiter.operation: operation `DescribeInstanceSsl` does not exist in this spec"
    ));
    let spec = edit(TENCENT, "          equals: 0", "          equals: \"0\"");
    assert!(errors(T, &spec)[0]
        .ends_with("waiter.until[1].equals: expected an integer (SslStatus), found string \"0\""));
}

#[test]
fn regions_and_endpoints_are_well_formed() {
    let spec = edit(TENCENT, "    rate_limit: 20\n    read_only: true\n", "    rate_limit: 20\n    regions: [ap-guangzhou, Guangzhou, ap-guangzhou]\n    read_only: true\n");
    let spec = edit(
        &spec,
        "  international: mongodb.intl.tencentcloudapi.com\n",
        "  international: https://mongodb.intl.tencentcloudapi.com/\n",
    );
    let spec = edit(
        &spec,
        "  regional: mongodb.{region}.tencentcloudapi.com\n",
        "  regional: mongodb.tencentcloudapi.com\n",
    );
    assert_eq!(
        errors(T, &spec),
        [
            "specs/tencent/mongodb.yaml:11:13: endpoint.regional: `mongodb.tencentcloudapi.com` must be a host name containing `{region}` exactly once (no scheme, port or path)",
            "specs/tencent/mongodb.yaml:12:18: endpoint.international: `https://mongodb.intl.tencentcloudapi.com/` is not a host name (no scheme, port, path or placeholder)",
            "specs/tencent/mongodb.yaml:20:29: operations.DescribeInstanceSSL.regions[1]: `Guangzhou` is not a region name like `ap-guangzhou`",
            "specs/tencent/mongodb.yaml:20:40: operations.DescribeInstanceSSL.regions[2]: region `ap-guangzhou` is listed twice",
        ]
    );
}

#[test]
fn schema_header_and_file_place_are_checked() {
    let spec = TENCENT.replacen("# yaml-language-server: $schema=../schema.json\n", "", 1);
    assert_eq!(
        errors(T, &spec),
        ["specs/tencent/mongodb.yaml:1:1: (document): the first line must be `# yaml-language-server: $schema=../schema.json` so editors check the file against the schema"]
    );
    let found = errors("specs/huawei/mongo.yaml", TENCENT);
    assert_eq!(
        found,
        [
            "specs/huawei/mongo.yaml:2:9: vendor: the file is under specs/huawei/ but says `vendor: tencent`",
            "specs/huawei/mongo.yaml:3:7: name: the file is mongo.yaml but says `name: mongodb`; they must agree",
        ]
    );
}

#[test]
fn structures_may_not_contain_themselves_directly() {
    let spec = format!("{TENCENT}  Node:\n    members:\n      Next:\n        type: Wrapper\n  Wrapper:\n    members:\n      Inner:\n        type: Node\n  Tree:\n    members:\n      Children:\n        type: list<Tree>\n");
    assert_eq!(
        errors(T, &spec),
        ["specs/tencent/mongodb.yaml:129:3: shapes.Node: structures contain each other without a list or map in between (Node -> Wrapper -> Node), which has no finite size"]
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let spec = edit(
        TENCENT,
        STATUS_TYPE,
        &STATUS_TYPE.replacen("SslStatus", "SslStaus", 1),
    );
    let spec = edit(&spec, "          equals: 0", "          equals: \"0\"");
    let spec = edit(
        &spec,
        "      - code: InvalidParameterValue.LockFailed\n",
        "      - code: Invalid Code\n",
    );
    let spec = edit(
        &spec,
        "    rate_limit: 20\n    idempotent: true\n",
        "    rate_limit: 0\n    idempotent: true\n",
    );
    let spec = edit(&spec, "title: TencentDB for MongoDB\n", "title: \"\"\n");
    let found = errors(T, &spec);
    // The waiter's `equals: "0"` is not checked against the broken `Status` type: no cascades.
    assert_eq!(found.len(), 4, "{found:#?}");
    assert!(
        found[3].ends_with(
            "errors[0].code: `Invalid Code` is not an error code (letters, digits, `.`, `_`, `-`)"
        ),
        "{found:#?}"
    );
    // The combined message ends with the count.
    let all = common::check(T, &spec).unwrap_err().to_string();
    assert!(all.ends_with("\n4 errors"), "{all}");
}

#[test]
fn waiter_paths_index_only_lists() {
    let spec = edit(
        TENCENT,
        "        - when: { Enable: false }\n          path: Status\n",
        "        - when: { Enable: false }\n          path: Status.0\n",
    );
    let found = errors(T, &spec);
    assert!(
        found.iter().any(|f| f.ends_with(
            "waiter.until[1].path: `Status.0`: `0` indexes a list, but the member before it is not a list"
        )),
        "{found:#?}"
    );
}

#[test]
fn only_text_members_can_be_secret() {
    // A secret string is fine; a secret timestamp or enum is a mistake.
    let spec = edit(
        TENCENT,
        "      CertUrl:\n        type: string\n        nullable: true\n        docs: Certificate download",
        "      CertUrl:\n        type: string\n        sensitive: true\n        nullable: true\n        docs: Certificate download",
    );
    let loaded = check(T, &spec).expect("a secret string is valid");
    let cert_url = &loaded.service.operations["DescribeInstanceSSL"].output["CertUrl"];
    assert!(cert_url.sensitive);
    let spec = edit(
        TENCENT,
        STATUS_TYPE,
        &STATUS_TYPE.replacen(
            "        nullable: true\n",
            "        nullable: true\n        sensitive: true\n",
            1,
        ),
    );
    assert_eq!(
        errors(T, &spec),
        ["specs/tencent/mongodb.yaml:32:20: operations.DescribeInstanceSSL.output.Status.sensitive: \
          `sensitive` marks text that holds a secret (`string`, `json`, or a list or map of them), \
          not `SslStatus`; for a structure, mark its secret members"]
    );
}
