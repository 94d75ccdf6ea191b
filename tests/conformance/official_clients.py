#!/usr/bin/env python3
"""Drives the vendors' OFFICIAL Python SDK clients against a running cloud-emulator.

Issue 5, part 3: the official clients must work against our emulator. What to call and what to
expect comes from the run's plan (`--plan`, written by `cargo xtask conformance` from the spec
bundle; see tests/conformance/README.md): per operation, the documented examples to call (an
example repeating an earlier one's input is skipped, with the reason), or one input synthesized
by `cloud_spec::sample::sample_input` when the docs have none; the member naming the instance
and the code an unknown one must answer with; and the output members the emulator generates per
call. This script synthesizes nothing itself. The spec bundle (crates/cloud-spec/bundle/*.json)
gives the structure: member locations, output types, waiters.

Every operation the official SDK has is called through its official client pointed at the
emulator (Tencent: `HttpProfile(protocol="http", endpoint="127.0.0.1:<port>")`; Huawei: the
client builder's `with_endpoint("http://127.0.0.1:<port>")`), and:

1. **Calls**: each planned input, sent by the official client, decodes through the official
   response model. Against a documented output, every member must be equal (absent and null
   are the same, at every level), except the members the emulator generates per call, which
   must be present, of the declared type and new on every call. Every required output member
   must be present. Official request and response models must know every member the plan sends
   and the emulator returns (Tencent models warn "fileds are useless" on unknown members;
   Huawei models drop them silently, so the raw body is compared with the decoded model).
   Huawei: the HTTP status is the documented success status, and an operation answering 204
   answers no body (there is nothing to decode).
2. **Instance filters**: a listing filtered by each documented instance lists exactly that one.
3. **Wrong secret** on every operation: the vendor's signature error (Tencent
   `AuthFailure.SignatureFailure`; Huawei HTTP 401 `APIGW.0301`). Per service also: Tencent
   unknown SecretId `AuthFailure.SecretIdNotFound`, temporary credentials with their token
   succeed and with a wrong one fail `AuthFailure.TokenFailure`; Huawei temporary AK/SK.
4. **Unknown instance** on every operation that names one: the planned not-found code; a
   listing filtered by an unknown instance lists nothing instead.
5. **Enable then describe**: every mutation with a waiter in the spec flips the state; the
   polled operation still shows the old state right after the call and the new one after the
   emulator's async delay, not before.
6. **Rate limit**: a Tencent operation with a documented `rate_limit` called faster than that
   answers `RequestLimitExceeded`.

Output, one tab-separated line each, flushed: `PASS\t<case>`, `FAIL\t<case>\t<why>`,
`SKIP\t<case>\t<category>: <detail>`, `COVERED\t<crate> <Op>` (the official client called it
successfully), and last `DONE\t<passed>\t<failed>\t<skipped>`. Every case starts with its crate
name. Exit status 0 only if nothing failed.

Usage: official_clients.py --plan PLAN.json --endpoint http://127.0.0.1:PORT --async-delay-ms N
       official_clients.py --plan PLAN.json --endpoint http://127.0.0.1:PORT --verifier-control
(the second form calibrates official_verifier.py: the official clients' requests, with the
planned sample input and with values needing percent-encoding, must verify there, and the
credential cases must be refused with the vendor's codes.)
Credentials (the ones the emulator was started with) come from the environment:
CONFORMANCE_TENCENT_SECRET_ID/_KEY, CONFORMANCE_TENCENT_TEMP_SECRET_ID/_KEY/_TOKEN,
CONFORMANCE_HUAWEI_AK/_SK, CONFORMANCE_HUAWEI_TEMP_AK/_SK/_SECURITY_TOKEN,
CONFORMANCE_HUAWEI_PROJECT_ID.
"""

import argparse
import concurrent.futures
import importlib
import json
import os
import re
import sys
import time
import traceback
import warnings

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUNDLE_DIR = os.path.join(REPO, "crates", "cloud-spec", "bundle")
TENCENT_REGION = "ap-guangzhou"
POLL_INTERVAL = 0.1  # 10 describe calls per second, well under the 20/s rate limits
# Skip categories (the part before ": " is what the run's summary counts).
ABSENT = "the official SDK lacks this operation"


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------

def one_line(text):
    return str(text).replace("\t", " ").replace("\n", "\\n")


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.skipped = 0

    def emit(self, *fields):
        sys.stdout.write("\t".join(one_line(f) for f in fields) + "\n")
        sys.stdout.flush()

    def ok(self, case):
        self.passed += 1
        self.emit("PASS", case)

    def fail(self, case, why):
        self.failed += 1
        self.emit("FAIL", case, why)

    def skip(self, case, reason):
        self.skipped += 1
        self.emit("SKIP", case, reason)

    def check(self, case, fn):
        """Runs `fn`; it returns None (pass) or a reason (fail); an exception is a failure too."""
        try:
            why = fn()
        except CaseFailure as e:
            why = str(e)
        except ServiceError as e:
            why = "the call failed: %s" % e
        except Exception as e:  # noqa: BLE001 - every surprise is reported as the case's failure
            why = "unexpected %s: %s\n%s" % (type(e).__name__, e, traceback.format_exc(limit=3))
        if why is None:
            self.ok(case)
        else:
            self.fail(case, why)


class CaseFailure(Exception):
    pass


def expect(condition, why):
    if not condition:
        raise CaseFailure(why)


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------

def normalized(value):
    """`value` with every null member removed, at every level: absent and null are alike."""
    if isinstance(value, dict):
        return {k: normalized(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [normalized(v) for v in value]
    return value


def get_path(value, path):
    """`instances.0.ssl` in a decoded (wire-named) response; None where it does not exist."""
    for part in path.split("."):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return None
    return value


def python_type_ok(spec_type, value):
    if spec_type in ("int32", "int64", "uint64"):
        return isinstance(value, int) and not isinstance(value, bool)
    if spec_type == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if spec_type == "string":
        return isinstance(value, str) and value != ""
    if spec_type.startswith("list<"):
        return isinstance(value, list) and len(value) > 0
    return value is not None


def shown(value, limit=600):
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= limit else text[:limit] + "..."


# ---------------------------------------------------------------------------------------------
# Vendor adapters: call an operation by wire-named input, return a wire-named decoded output
# ---------------------------------------------------------------------------------------------

class ServiceError(Exception):
    """An error answer, as the official client reported it."""

    def __init__(self, code, message, request_id, http_status=None):
        super().__init__("%s: %s (request id %s, HTTP %s)" % (code, message, request_id, http_status))
        self.code = code
        self.http_status = http_status
        self.request_id = request_id


class TencentAdapter:
    def __init__(self, svc, endpoint, env):
        self.svc = svc
        host = endpoint.split("://", 1)[1].rstrip("/")
        base = "tencentcloud.%s.v%s" % (svc["service"], svc["version"].replace("-", ""))
        self.models = importlib.import_module(base + ".models")
        client_mod = importlib.import_module("%s.%s_client" % (base, svc["service"]))
        from tencentcloud.common.abstract_client import AbstractClient

        self.client_cls = next(
            c for c in vars(client_mod).values()
            if isinstance(c, type) and issubclass(c, AbstractClient) and c is not AbstractClient
            and getattr(c, "_service", None) == svc["service"])
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile

        self.profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=host, reqTimeout=15))
        self.good = (env["CONFORMANCE_TENCENT_SECRET_ID"], env["CONFORMANCE_TENCENT_SECRET_KEY"], None)
        self.clients = {}

    def has(self, op_name):
        if not callable(getattr(self.client_cls, op_name, None)):
            return "%s has no method %s" % (self.client_cls.__name__, op_name)
        if not hasattr(self.models, op_name + "Request"):
            return "the SDK has no model %sRequest" % op_name
        return None

    def client(self, creds=None, region=TENCENT_REGION):
        """One client per credentials and region, reused (it keeps its connection)."""
        from tencentcloud.common.credential import Credential

        key = (creds or self.good, region)
        if key not in self.clients:
            secret_id, secret_key, token = key[0]
            self.clients[key] = self.client_cls(Credential(secret_id, secret_key, token), region, self.profile)
        return self.clients[key]

    def call(self, op_name, wire_input, creds=None, region=TENCENT_REGION):
        """The decoded output; `status` is None (Tencent answers HTTP 200 to everything)."""
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            request = getattr(self.models, op_name + "Request")()
            request.from_json_string(json.dumps(wire_input))
            unknown_in = [str(w.message) for w in caught if "useless" in str(w.message)]
            expect(not unknown_in, "the official request model does not know: %s" % unknown_in)
            try:
                response = getattr(self.client(creds, region), op_name)(request)
            except TencentCloudSDKException as e:
                raise ServiceError(e.code, e.message, e.requestId)
            unknown_out = [str(w.message) for w in caught if "useless" in str(w.message)]
        expect(not unknown_out, "the official response model does not know: %s" % unknown_out)
        decoded = json.loads(response.to_json_string())
        expect(decoded.get("RequestId"), "the decoded response has no RequestId")
        return Answer(decoded, None, True)


class HuaweiAdapter:
    def __init__(self, svc, endpoint, env):
        self.svc = svc
        self.endpoint = endpoint.rstrip("/")
        self.pkg = importlib.import_module("huaweicloudsdk%s.%s" % (svc["service"], svc["version"]))
        from huaweicloudsdkcore.client import Client

        self.client_cls = next(
            c for name, c in vars(self.pkg).items()
            if isinstance(c, type) and issubclass(c, Client) and not name.endswith("AsyncClient")
            and hasattr(c, "new_builder"))
        self.project_id = env["CONFORMANCE_HUAWEI_PROJECT_ID"]
        self.good = (env["CONFORMANCE_HUAWEI_AK"], env["CONFORMANCE_HUAWEI_SK"], None)
        self.clients = {}

    @staticmethod
    def method_name(op_name):
        return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", op_name).lower()

    def has(self, op_name):
        if not callable(getattr(self.client_cls, self.method_name(op_name), None)):
            return "%s has no method %s" % (self.client_cls.__name__, self.method_name(op_name))
        if not hasattr(self.pkg, op_name + "Request"):
            return "the SDK has no model %sRequest" % op_name
        return None

    def client(self, creds=None):
        """One client per credentials, reused."""
        from huaweicloudsdkcore.auth.credentials import BasicCredentials
        from huaweicloudsdkcore.http.http_config import HttpConfig

        key = creds or self.good
        if key not in self.clients:
            ak, sk, token = key
            credentials = BasicCredentials(ak, sk, self.project_id)
            if token:
                credentials = credentials.with_security_token(token)
            config = HttpConfig.get_default_config()
            config.timeout = (5, 15)
            self.clients[key] = (self.client_cls.new_builder().with_http_config(config)
                                 .with_credentials(credentials).with_endpoint(self.endpoint).build())
        return self.clients[key]

    def request(self, op_name, wire_input):
        op = self.svc["operations"][op_name]
        request_cls = getattr(self.pkg, op_name + "Request")
        kwargs, body, used = {}, {}, set()
        for attr, wire in request_cls.attribute_map.items():
            if wire in wire_input and op["input"].get(wire, {}).get("location") != "body":
                kwargs[attr] = wire_input[wire]
                used.add(wire)
        body_members = {k: v for k, v in wire_input.items()
                        if op["input"].get(k, {}).get("location") == "body"}
        if body_members:
            body_cls = getattr(self.pkg, request_cls.openapi_types["body"])
            for attr, wire in body_cls.attribute_map.items():
                if wire in body_members:
                    body[attr] = body_members[wire]
                    used.add(wire)
            kwargs["body"] = body_cls(**body)
        missing = sorted(set(wire_input) - used)
        expect(not missing, "the official request model has no member %s" % missing)
        return request_cls(**kwargs)

    def call(self, op_name, wire_input, creds=None):
        from huaweicloudsdkcore.exceptions import exceptions as hx

        request = self.request(op_name, wire_input)
        try:
            response = getattr(self.client(creds), self.method_name(op_name))(request)
        except (hx.ClientRequestException, hx.ServerResponseException) as e:
            raise ServiceError(e.error_code, e.error_msg, e.request_id, e.status_code)
        has_body = bool(response.raw_content)
        raw = response.to_json_object() or {}
        unknown = unknown_members(raw, response, "")
        expect(not unknown, "the official response model does not know: %s" % unknown)
        decoded = to_wire(response)
        differs = [p for p in leaf_paths(raw) if get_path(decoded, p) != get_path(raw, p)
                   and get_path(raw, p) is not None]
        expect(not differs, "the official model decodes these members to other values than sent "
               "(type mismatch between the spec and the SDK): %s" % differs[:5])
        return Answer(decoded, response.status_code, has_body)


class Answer:
    """A decoded answer: wire-named members, the HTTP status (Huawei) and whether it had a body."""

    def __init__(self, members, status, has_body):
        self.members = members
        self.status = status
        self.has_body = has_body


def is_model(obj):
    return hasattr(obj, "attribute_map") and hasattr(obj, "openapi_types")


def to_wire(obj):
    if is_model(obj):
        out = {}
        for attr, wire in obj.attribute_map.items():
            value = getattr(obj, attr, None)
            if value is not None:
                out[wire] = to_wire(value)
        return out
    if isinstance(obj, list):
        return [to_wire(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_wire(v) for k, v in obj.items()}
    return obj


def unknown_members(raw, decoded, prefix):
    found = []
    if is_model(decoded) and isinstance(raw, dict):
        by_wire = {wire: attr for attr, wire in decoded.attribute_map.items()}
        for key, value in raw.items():
            if key not in by_wire:
                found.append(prefix + key)
            else:
                found += unknown_members(value, getattr(decoded, by_wire[key], None), prefix + key + ".")
    elif isinstance(raw, list) and isinstance(decoded, list):
        for i, (r, d) in enumerate(zip(raw, decoded)):
            found += unknown_members(r, d, "%s%d." % (prefix, i))
    return found


def leaf_paths(value, prefix=""):
    if isinstance(value, dict) and value:
        for k, v in value.items():
            yield from leaf_paths(v, prefix + k + ".")
    elif isinstance(value, list) and value:
        for i, v in enumerate(value):
            yield from leaf_paths(v, "%s%d." % (prefix, i))
    elif prefix:
        yield prefix[:-1]


def wrong_secret(secret):
    return secret[:-1] + ("x" if secret[-1] != "x" else "y")


# ---------------------------------------------------------------------------------------------
# The plan and the specs
# ---------------------------------------------------------------------------------------------

def load_bundle():
    services = {}
    for name in sorted(os.listdir(BUNDLE_DIR)):
        if name.endswith(".json"):
            with open(os.path.join(BUNDLE_DIR, name), encoding="utf-8") as f:
                svc = json.load(f)["service"]
            services["%s-%s" % (svc["vendor"], svc["name"])] = svc
    if not services:
        raise SystemExit("official_clients: no spec bundle files in %s" % BUNDLE_DIR)
    return services


class Service:
    """One service of the plan: its spec, its official client and its planned operations."""

    def __init__(self, plan, spec, adapter):
        self.plan = plan
        self.crate = plan["crate"]
        self.spec = spec
        self.adapter = adapter
        self.vendor = plan["vendor"]
        self.ops = []  # the planned operations the official SDK has

    def op_spec(self, op):
        return self.spec["operations"][op["name"]]

    def case(self, op, what):
        return "%s %s: %s" % (self.crate, op["name"] if isinstance(op, dict) else op, what)


# ---------------------------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------------------------

class Driver:
    def __init__(self, plan, endpoint, async_delay, env):
        self.plan = plan
        self.endpoint = endpoint
        self.delay = async_delay
        self.env = env
        self.results = Results()
        self.services = []
        self.generated_seen = set()
        self.covered = set()

    def cover(self, svc, op_name):
        if (svc.crate, op_name) not in self.covered:
            self.covered.add((svc.crate, op_name))
            self.results.emit("COVERED", "%s %s" % (svc.crate, op_name))

    def setup(self):
        bundle = load_bundle()
        for plan in self.plan["services"]:
            spec = bundle.get(plan["crate"])
            if spec is None:
                self.results.fail("%s: the plan's service is in the spec bundle" % plan["crate"],
                                  "the bundle has no %s; regenerate the plan" % plan["crate"])
                continue
            holder = []

            def make(plan=plan, spec=spec, holder=holder):
                adapter = (TencentAdapter if plan["vendor"] == "tencent" else HuaweiAdapter)(
                    spec, self.endpoint, self.env)
                holder.append(Service(plan, spec, adapter))

            self.results.check("%s: the official SDK client is found and points at the server"
                               % plan["crate"], make)
            if not holder:
                continue
            svc = holder[0]
            self.services.append(svc)
            for op in plan["operations"]:
                absent = svc.adapter.has(op["name"])
                if absent:
                    self.results.skip(svc.case(op, "every case"), "%s: %s" % (ABSENT, absent))
                else:
                    svc.ops.append(op)

    def call(self, svc, op, wire_input, **kw):
        """Calls through the official client; checks what every successful answer must be."""
        answer = svc.adapter.call(op["name"], wire_input, **kw)
        http = svc.op_spec(op).get("http") or {}
        if svc.vendor == "huawei":
            expected = http.get("success_status", 200)
            expect(answer.status == expected, "HTTP %s, the spec's success status is %s"
                   % (answer.status, expected))
        if op["empty_response"]:
            expect(not answer.has_body, "the operation answers without a body (HTTP %s), the "
                   "emulator sent %s" % (http.get("success_status"), shown(answer.members)))
        return answer.members

    # 1. calls ---------------------------------------------------------------------------------

    def calls(self):
        # Read-only operations first, on the state the emulator starts with.
        for read_only in (True, False):
            for svc in self.services:
                for op in svc.ops:
                    if bool(svc.op_spec(op).get("read_only")) != read_only:
                        continue
                    for skip in op["skips"]:
                        self.results.skip(svc.case(op, skip["case"]), skip["reason"])
                    for planned in op["calls"]:
                        what = ("%s decodes through the official client to the documented output"
                                if planned["output"] is not None else
                                "%s succeeds through the official client with every required "
                                "output member")
                        self.results.check(svc.case(op, what % planned["case"]),
                                           lambda svc=svc, op=op, planned=planned:
                                               self.planned_call(svc, op, planned))

    def planned_call(self, svc, op, planned):
        spec = svc.op_spec(op)
        decoded = self.call(svc, op, planned["input"])
        self.cover(svc, op["name"])
        problems = []
        generated = set(op["generated"])
        for name, expected in (planned["output"] or {}).items():
            if name == "RequestId" or name in generated:
                continue
            got = normalized(decoded.get(name))
            if got != normalized(expected):
                problems.append("%s: documented %s, decoded %s" % (name, shown(expected), shown(got)))
        fresh = set(op.get("fresh", op["generated"]))
        for name in op["generated"]:
            if name in fresh:
                problems += self.generated_problems(spec, name, decoded)
            elif name not in decoded:
                problems.append("%s (answered from the emulator's state) is missing" % name)
        for name, member in spec.get("output", {}).items():
            if member.get("required") and name not in generated and decoded.get(name) is None:
                problems.append("required member %s missing" % name)
        return "; ".join(problems) or None

    def generated_problems(self, spec, name, decoded):
        member = spec.get("output", {}).get(name)
        if member is None:
            return ["the emulator says it generates %s, which the spec's output lacks" % name]
        value = decoded.get(name)
        if not python_type_ok(member["type"], value):
            return ["%s (generated per call) is %r, not a %s" % (name, value, member["type"])]
        seen = (name, json.dumps(value, sort_keys=True))
        if seen in self.generated_seen:
            return ["%s %r was returned before: generated ids must be new per call" % (name, value)]
        self.generated_seen.add(seen)
        return []

    # 2. instance filters ----------------------------------------------------------------------

    def instance_filters(self):
        for svc in self.services:
            for op in svc.ops:
                instance = op["instance"]
                if not instance or not instance["filter"]:
                    continue
                self.results.check(
                    svc.case(op, "filtered by each documented instance (%d), the official client "
                                 "decodes exactly that instance" % len(svc.plan["instances"])),
                    lambda svc=svc, op=op: self.lists_each_instance(svc, op))

    def lists_each_instance(self, svc, op):
        instance = op["instance"]
        listing, item_member = instance["filter"]["list"], instance["filter"]["item_member"]
        expect(svc.plan["instances"], "the service's examples name no instance to look for")
        for id_ in svc.plan["instances"]:
            decoded = self.call(svc, op, {instance["member"]: id_})
            self.cover(svc, op["name"])
            listed = [x.get(item_member) for x in decoded.get(listing) or []]
            expect(listed == [id_], "%s=%s lists %s" % (instance["member"], id_, listed))
            counts = [v for k, v in decoded.items() if k.endswith("count")]
            expect(all(c == 1 for c in counts), "%s=%s: count members %s, 1 instance listed"
                   % (instance["member"], id_, counts))
        return None

    # 3. credentials ---------------------------------------------------------------------------

    def credentials(self):
        env = self.env
        for svc in self.services:
            for op in svc.ops:
                if svc.vendor == "tencent":
                    sid, key = env["CONFORMANCE_TENCENT_SECRET_ID"], env["CONFORMANCE_TENCENT_SECRET_KEY"]
                    self.expect_error(svc, op, "wrong SecretKey", op["sample"],
                                      "AuthFailure.SignatureFailure", None,
                                      creds=(sid, wrong_secret(key), None))
                else:
                    ak, sk = env["CONFORMANCE_HUAWEI_AK"], env["CONFORMANCE_HUAWEI_SK"]
                    self.expect_error(svc, op, "wrong SK", op["sample"], "APIGW.0301", 401,
                                      creds=(ak, wrong_secret(sk), None))
            self.temporary_credentials(svc)

    def temporary_credentials(self, svc):
        env = self.env
        # A read-only operation, so calling it again changes nothing.
        op = next((o for o in svc.ops if svc.op_spec(o).get("read_only")), svc.ops[0] if svc.ops else None)
        if op is None:
            return
        if svc.vendor == "tencent":
            temp = (env["CONFORMANCE_TENCENT_TEMP_SECRET_ID"], env["CONFORMANCE_TENCENT_TEMP_SECRET_KEY"],
                    env["CONFORMANCE_TENCENT_TEMP_TOKEN"])
            self.results.check(svc.case(op, "temporary credentials with their X-TC-Token succeed"),
                               lambda: self.succeeds(svc, op, op["sample"], creds=temp))
            self.expect_error(svc, op, "temporary credentials with a wrong token", op["sample"],
                              "AuthFailure.TokenFailure", None, creds=(temp[0], temp[1], temp[2] + "-wrong"))
            self.expect_error(svc, op, "unknown SecretId", op["sample"], "AuthFailure.SecretIdNotFound",
                              None, creds=("AKIDCONFORMANCEUNKNOWN00000000000000", "x" * 32, None))
        else:
            temp = (env["CONFORMANCE_HUAWEI_TEMP_AK"], env["CONFORMANCE_HUAWEI_TEMP_SK"],
                    env["CONFORMANCE_HUAWEI_TEMP_SECURITY_TOKEN"])
            self.results.check(svc.case(op, "temporary AK/SK with their X-Security-Token succeed"),
                               lambda: self.succeeds(svc, op, op["sample"], creds=temp))

    def expect_error(self, svc, op, what, wire_input, code, http_status, **kw):
        def run():
            try:
                decoded = svc.adapter.call(op["name"], wire_input, **kw).members
            except ServiceError as e:
                expect(e.code == code, "expected %s, the official client reported %s" % (code, e))
                expect(http_status is None or e.http_status == http_status,
                       "expected HTTP %s, got %s" % (http_status, e))
                expect(e.request_id, "the error has no request id: %s" % e)
                return None
            return "expected %s, the call succeeded: %s" % (code, shown(decoded))

        status = " HTTP %d" % http_status if http_status else ""
        self.results.check(svc.case(op, "%s ->%s %s" % (what, status, code)), run)

    # 4. unknown instances ---------------------------------------------------------------------

    def unknown_instances(self):
        unknown = self.plan["unknown_instance"]
        for svc in self.services:
            for op in svc.ops:
                instance = op["instance"]
                if not instance:
                    continue
                wire_input = dict(op["sample"], **{instance["member"]: unknown})
                if instance["filter"]:
                    self.results.check(svc.case(op, "filtering by an unknown instance lists nothing"),
                                       lambda svc=svc, op=op, wire_input=wire_input:
                                           self.lists_nothing(svc, op, wire_input))
                    continue
                not_found = instance["not_found"]
                self.expect_error(svc, op, "unknown instance", wire_input, not_found["code"],
                                  not_found["http_status"])

    def lists_nothing(self, svc, op, wire_input):
        decoded = self.call(svc, op, wire_input)
        listing = decoded.get(op["instance"]["filter"]["list"])
        counts = {k: v for k, v in decoded.items() if k.endswith("count") and v}
        expect(not listing and not counts, "expected an empty list, got %s" % shown(decoded))
        return None

    # 5. enable then describe ------------------------------------------------------------------

    def lifecycles(self):
        for svc in self.services:
            names = {op["name"] for op in svc.ops}
            groups = {}  # (polled op, polled input) -> [(mutation, input, path, target)]
            for op in svc.ops:
                spec = svc.op_spec(op)
                waiter = spec.get("waiter")
                if not waiter or not spec.get("examples") or waiter["operation"] not in names:
                    continue
                base = dict(spec["examples"][0]["input"])
                polled_input = {p: base[m] for p, m in waiter["input"].items() if m in base}
                for clause in waiter["until"]:
                    when = clause.get("when", {})
                    mutation_input = next(
                        (dict(ex["input"]) for ex in spec["examples"]
                         if all(ex["input"].get(k) == v for k, v in when.items())),
                        dict(base, **when))
                    key = (waiter["operation"], json.dumps(polled_input, sort_keys=True))
                    groups.setdefault(key, []).append(
                        (op, mutation_input, clause["path"], clause["equals"]))
            polled_ops = {op["name"]: op for op in svc.ops}
            for (polled, polled_json), steps in groups.items():
                self.lifecycle(svc, polled_ops[polled], json.loads(polled_json), steps)

    def lifecycle(self, svc, polled, polled_input, steps):
        def observe(path):
            return get_path(self.call(svc, polled, polled_input), path)

        remaining = list(steps)
        while remaining:
            try:
                current = {path: observe(path) for (_, _, path, _) in remaining}
            except Exception as e:  # noqa: BLE001
                self.results.fail(svc.case(polled, "describe before a change"), str(e))
                return
            step = next((s for s in remaining if current[s[2]] != s[3]), remaining[0])
            remaining.remove(step)
            op, mutation_input, path, target = step
            args = ", ".join("%s=%s" % (k, json.dumps(v)) for k, v in mutation_input.items())
            case = svc.case(op, "(%s): %s.%s shows %s after the async delay, not before"
                            % (args, polled["name"], path, json.dumps(target)))
            self.results.check(case, lambda: self.transition(
                svc, op, mutation_input, observe, path, target, current[path]))

    def transition(self, svc, op, mutation_input, observe, path, target, before):
        spec = svc.op_spec(op)
        started = time.monotonic()
        decoded = self.call(svc, op, mutation_input)
        self.cover(svc, op["name"])
        problems = []
        for name in op["generated"]:
            problems += self.generated_problems(spec, name, decoded)
        expect(not problems, "; ".join(problems))
        right_after = observe(path)
        if before != target:
            if time.monotonic() - started < self.delay:
                expect(right_after == before, "the change showed at once (%s -> %s) instead of after "
                       "the %.1f s async delay" % (json.dumps(before), json.dumps(right_after), self.delay))
            else:
                raise CaseFailure("the machine is too slow to observe the state before the %.1f s "
                                  "async delay; raise --async-delay-ms" % self.delay)
        deadline = started + self.delay + 15
        while True:
            value = observe(path)
            seen = time.monotonic()
            if value == target:
                break
            expect(seen < deadline, "%s is still %s %.1f s after the call (async delay %.1f s)"
                   % (path, json.dumps(value), seen - started, self.delay))
            time.sleep(POLL_INTERVAL)
        if before != target:
            expect(seen - started >= self.delay, "the change showed %.2f s after the call, before "
                   "the %.1f s async delay" % (seen - started, self.delay))
        return None

    # 6. rate limit ----------------------------------------------------------------------------

    def rate_limits(self):
        for svc in self.services:
            if svc.vendor != "tencent":
                continue
            op = next((o for o in svc.ops if svc.op_spec(o).get("read_only")
                       and svc.op_spec(o).get("rate_limit")
                       and o["sample"] and svc.op_spec(o).get("examples")), None)
            if op is None:
                continue
            limit = svc.op_spec(op)["rate_limit"]
            self.results.check(
                svc.case(op, "more than %d calls in a second -> RequestLimitExceeded" % limit),
                lambda svc=svc, op=op, limit=limit: self.rate_limit(svc, op, limit))

    def rate_limit(self, svc, op, limit):
        def one(_):
            try:
                svc.adapter.call(op["name"], op["sample"])
                return "ok"
            except ServiceError as e:
                return e.code

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            outcomes = list(pool.map(one, range(limit * 2)))
        limited = outcomes.count("RequestLimitExceeded")
        others = [o for o in outcomes if o not in ("ok", "RequestLimitExceeded")]
        expect(not others, "unexpected answers: %s" % sorted(set(others)))
        expect(limited > 0, "%d calls at once, none limited" % len(outcomes))
        expect(outcomes.count("ok") > 0, "every call was limited")
        return None

    # Calibration of the official verifier (official_verifier.py) ------------------------------

    def succeeds(self, svc, op, wire_input, **kw):
        """A check that passes when the call succeeds (`call` raises otherwise)."""
        self.call(svc, op, wire_input, **kw)
        self.cover(svc, op["name"])
        return None

    def verifier_control(self):
        """Against the verifier: every operation signed by the official SDK is accepted, and the
        credential cases are refused with the vendor's codes. Proves the verifier accepts what
        the official signers produce, so a rejection of our client's request is our fault."""
        tricky = self.plan["tricky"]
        for svc in self.services:
            for op in svc.ops:
                self.results.check(
                    svc.case(op, "the official client's request (%s input) verifies" % op["sample_source"]),
                    lambda svc=svc, op=op: self.succeeds(svc, op, op["sample"]))
                if op["tricky"]:
                    self.results.check(
                        svc.case(op, "the official client's request with %s = %r verifies"
                                 % ("/".join(op["tricky"]["members"]), tricky)),
                        lambda svc=svc, op=op: self.succeeds(svc, op, op["tricky"]["input"]))
        self.credentials()

    def run(self):
        self.setup()
        self.calls()
        self.instance_filters()
        self.credentials()
        self.unknown_instances()
        self.lifecycles()
        self.rate_limits()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plan", required=True, help="the run's plan (JSON, from cargo xtask conformance)")
    parser.add_argument("--endpoint", required=True, help="the server, http://127.0.0.1:PORT")
    parser.add_argument("--async-delay-ms", type=int, default=None,
                        help="the emulator's --async-delay-ms")
    parser.add_argument("--verifier-control", action="store_true",
                        help="the endpoint is official_verifier.py: only check that it accepts "
                             "the official clients' requests and refuses bad credentials")
    args = parser.parse_args()
    if not args.verifier_control and args.async_delay_ms is None:
        parser.error("--async-delay-ms is required against the emulator")
    if not re.match(r"^http://127\.0\.0\.1:\d+/?$", args.endpoint):
        raise SystemExit("official_clients: --endpoint must be http://127.0.0.1:PORT")
    needed = ["CONFORMANCE_TENCENT_SECRET_ID", "CONFORMANCE_TENCENT_SECRET_KEY",
              "CONFORMANCE_TENCENT_TEMP_SECRET_ID", "CONFORMANCE_TENCENT_TEMP_SECRET_KEY",
              "CONFORMANCE_TENCENT_TEMP_TOKEN", "CONFORMANCE_HUAWEI_AK", "CONFORMANCE_HUAWEI_SK",
              "CONFORMANCE_HUAWEI_TEMP_AK", "CONFORMANCE_HUAWEI_TEMP_SK",
              "CONFORMANCE_HUAWEI_TEMP_SECURITY_TOKEN", "CONFORMANCE_HUAWEI_PROJECT_ID"]
    missing = [n for n in needed if not os.environ.get(n)]
    if missing:
        raise SystemExit("official_clients: set %s" % ", ".join(missing))
    try:
        with open(args.plan, encoding="utf-8") as f:
            plan = json.load(f)
    except (OSError, ValueError) as e:
        raise SystemExit("official_clients: cannot read the plan %s: %s" % (args.plan, e))
    driver = Driver(plan, args.endpoint, (args.async_delay_ms or 0) / 1000.0, os.environ)
    if args.verifier_control:
        driver.setup()
        driver.verifier_control()
    else:
        driver.run()
    results = driver.results
    results.emit("DONE", results.passed, results.failed, results.skipped)
    sys.exit(1 if results.failed else 0)


if __name__ == "__main__":
    main()
