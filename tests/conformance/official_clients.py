#!/usr/bin/env python3
"""Drives the vendors' OFFICIAL Python SDK clients against a running cloud-emulator.

Issue 5, part 3: the official clients must work against our emulator. For every operation of
every service in the spec bundle (crates/cloud-spec/bundle/*.json, generated from specs/) that
the official SDK has, this script calls it through the official client pointed at the emulator
(Tencent: `HttpProfile(protocol="http", endpoint="127.0.0.1:<port>")`; Huawei: the client
builder's `with_endpoint("http://127.0.0.1:<port>")`, which keeps an `http` scheme) and checks:

1. **Examples**: each documented example's input, sent by the official client, decodes through
   the official response model to the documented output (read-only operations exactly; for
   mutations every member except the id of the async task it starts, which must be present, of
   the declared type and new on every call). Official request and response models must know
   every member the spec sends and the emulator returns (Tencent models warn "fileds are
   useless" on unknown members; Huawei models drop them silently, so the raw body is compared
   with the decoded model). An operation without examples that filters by instance (GeminiDB
   ListInstances `id`) must list exactly the instance asked for, for each documented instance.
2. **Wrong secret** on every operation: the vendor's signature error (Tencent
   `AuthFailure.SignatureFailure`; Huawei HTTP 401 `APIGW.0301`). Tencent also: unknown SecretId
   `AuthFailure.SecretIdNotFound`; temporary credentials work with their token and fail with
   `AuthFailure.TokenFailure` with a wrong one. Huawei temporary credentials (X-Security-Token).
3. **Unknown instance** on every operation that names one: the documented not-found code (the
   operation's own `*NotFound*` code, else the one its service documents for instances, else
   the common `ResourceNotFound`; GeminiDB: HTTP 404 `DBS.200002` from its error-code page). An
   instance filter that matches nothing lists nothing instead.
4. **Enable then describe**: every mutation with a waiter in the spec is called to flip the
   state; the polled operation still shows the old state right after the call and the new one
   after the emulator's async delay, not before.
5. **Rate limit**: a Tencent operation with a documented `rate_limit` called faster than that
   answers `RequestLimitExceeded` through the official client.

Output, one line each, flushed: `PASS <case>`, `FAIL <case>: <why>`, `COVERED <crate> <Op>`
(the official client called it successfully), `ABSENT <crate> <Op>: <why>` (the official SDK has
no such method), and last `DONE <passed> <failed>`. Exit status 0 only if nothing failed.

Usage: official_clients.py --endpoint http://127.0.0.1:PORT --async-delay-ms N
       official_clients.py --endpoint http://127.0.0.1:PORT --verifier-control
(the second form calibrates official_verifier.py: the official clients' requests must verify
there, and the credential cases must be refused with the vendor's codes.)
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

# Output members that carry the id of the asynchronous task a mutation starts ("Process ID",
# "Task ID", "Asynchronous request ID"): new on every call, so never equal to the example's.
TASK_ID_MEMBER = re.compile(r"(?i)^(flow|task|job|asyncrequest)_?id$")
# Input members that name the instance an operation acts on (`InstanceId`, `DBInstanceId`,
# `instance_id`) or filters by (`id` of Huawei list operations).
INSTANCE_MEMBER = re.compile(r"(?i)^((db)?instance_?id|id)$")
UNKNOWN_INSTANCE = "conformance-no-such-instance-0000"

# GeminiDB error-code page: 404 DBS.200002 "The DB instance does not exist." The GeminiDB spec
# lists no per-operation codes (its pages say "See Error Codes"), so it is named here.
HUAWEI_NOT_FOUND = {"gaussdbfornosql": (404, "DBS.200002")}
TENCENT_REGION = "ap-guangzhou"
# A value that needs percent-encoding in a Huawei path or query (space, `+`, `~`, `/`, `%`,
# non-ASCII) and escaping in a Tencent JSON body.
TRICKY = "a b+c~d/é%"
POLL_INTERVAL = 0.1  # 10 describe calls per second, well under the 20/s rate limits


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------

class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def emit(self, line):
        sys.stdout.write(line.replace("\n", "\\n") + "\n")
        sys.stdout.flush()

    def ok(self, case):
        self.passed += 1
        self.emit("PASS " + case)

    def fail(self, case, why):
        self.failed += 1
        self.emit("FAIL %s: %s" % (case, why))

    def check(self, case, fn):
        """Runs `fn`; it returns None (pass) or a reason (fail); an exception is a failure too."""
        try:
            why = fn()
        except CaseFailure as e:
            why = str(e)
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
# Spec helpers
# ---------------------------------------------------------------------------------------------

def load_services():
    services = []
    for name in sorted(os.listdir(BUNDLE_DIR)):
        if name.endswith(".json"):
            with open(os.path.join(BUNDLE_DIR, name), encoding="utf-8") as f:
                services.append(json.load(f)["service"])
    if not services:
        raise SystemExit("official_clients: no spec bundle files in %s" % BUNDLE_DIR)
    return services


def crate(svc):
    return "%s-%s" % (svc["vendor"], svc["name"])


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


def instance_member(op):
    for name, member in op.get("input", {}).items():
        if INSTANCE_MEMBER.match(name) and member.get("type") == "string":
            return name
    return None


def is_filter(op, member):
    return op["input"][member].get("location") == "query" and not op["input"][member].get("required")


def not_found_code(svc, op_name):
    """The code a call on an unknown instance must return (see the module docs)."""
    if svc["vendor"] == "huawei":
        return HUAWEI_NOT_FOUND.get(svc["service"])
    def about_instances(e):
        return "NotFound" in e["code"] and "nstance" in e["code"] + " " + e.get("docs", "")

    own = [e["code"] for e in svc["operations"][op_name].get("errors", []) if about_instances(e)]
    if own:
        return own[0]
    for other in svc["operations"].values():
        for e in other.get("errors", []):
            if about_instances(e):
                return e["code"]
    return "ResourceNotFound"


def python_type_ok(spec_type, value):
    if spec_type in ("int32", "int64", "uint64"):
        return isinstance(value, int) and not isinstance(value, bool)
    if spec_type == "string":
        return isinstance(value, str) and value != ""
    return value is not None


def known_instances(svc):
    """Instance ids the service's examples use (the emulator seeds each of them)."""
    ids = []
    for op in svc["operations"].values():
        for ex in op.get("examples", []):
            for name, value in ex.get("input", {}).items():
                if INSTANCE_MEMBER.match(name) and isinstance(value, str) and value not in ids:
                    ids.append(value)
    return ids


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
        self.env = env
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

    def has(self, op_name):
        if not callable(getattr(self.client_cls, op_name, None)):
            return "%s has no method %s" % (self.client_cls.__name__, op_name)
        if not hasattr(self.models, op_name + "Request"):
            return "the SDK has no model %sRequest" % op_name
        return None

    def client(self, creds=None, region=TENCENT_REGION):
        from tencentcloud.common.credential import Credential

        secret_id, secret_key, token = creds or self.good
        return self.client_cls(Credential(secret_id, secret_key, token), region, self.profile)

    def call(self, op_name, wire_input, creds=None, region=TENCENT_REGION):
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
        return decoded


class HuaweiAdapter:
    def __init__(self, svc, endpoint, env):
        self.svc = svc
        self.env = env
        self.endpoint = endpoint.rstrip("/")
        self.pkg = importlib.import_module("huaweicloudsdk%s.%s" % (svc["service"], svc["version"]))
        from huaweicloudsdkcore.client import Client

        self.client_cls = next(
            c for name, c in vars(self.pkg).items()
            if isinstance(c, type) and issubclass(c, Client) and not name.endswith("AsyncClient")
            and hasattr(c, "new_builder"))
        self.project_id = env["CONFORMANCE_HUAWEI_PROJECT_ID"]
        self.good = (env["CONFORMANCE_HUAWEI_AK"], env["CONFORMANCE_HUAWEI_SK"], None)

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
        from huaweicloudsdkcore.auth.credentials import BasicCredentials
        from huaweicloudsdkcore.http.http_config import HttpConfig

        ak, sk, token = creds or self.good
        credentials = BasicCredentials(ak, sk, self.project_id)
        if token:
            credentials = credentials.with_security_token(token)
        config = HttpConfig.get_default_config()
        config.timeout = (5, 15)
        return (self.client_cls.new_builder().with_http_config(config).with_credentials(credentials)
                .with_endpoint(self.endpoint).build())

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
        except hx.ClientRequestException as e:
            raise ServiceError(e.error_code, e.error_msg, e.request_id, e.status_code)
        except hx.ServerResponseException as e:
            raise ServiceError(e.error_code, e.error_msg, e.request_id, e.status_code)
        raw = response.to_json_object() or {}
        unknown = unknown_members(raw, response, "")
        expect(not unknown, "the official response model does not know: %s" % unknown)
        decoded = to_wire(response)
        differs = [p for p in leaf_paths(raw) if get_path(decoded, p) != get_path(raw, p)
                   and get_path(raw, p) is not None]
        expect(not differs, "the official model decodes these members to other values than sent "
               "(type mismatch between the spec and the SDK): %s" % differs[:5])
        return decoded


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


def adapter_for(svc, endpoint, env):
    return (TencentAdapter if svc["vendor"] == "tencent" else HuaweiAdapter)(svc, endpoint, env)


def call(adapter, op_name, wire_input, **kw):
    return adapter.call(op_name, wire_input, **kw)


def wrong_secret(secret):
    return secret[:-1] + ("x" if secret[-1] != "x" else "y")


# ---------------------------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------------------------

class Driver:
    def __init__(self, endpoint, async_delay, env):
        self.endpoint = endpoint
        self.delay = async_delay
        self.env = env
        self.results = Results()
        self.services = []  # (svc, adapter, [operation names the SDK has])
        self.task_ids = set()
        self.covered = set()

    def cover(self, svc, op_name):
        if (crate(svc), op_name) not in self.covered:
            self.covered.add((crate(svc), op_name))
            self.results.emit("COVERED %s %s" % (crate(svc), op_name))

    def setup(self):
        for svc in load_services():
            name = crate(svc)

            def make(svc=svc):
                adapter = adapter_for(svc, self.endpoint, self.env)
                self.services.append((svc, adapter, []))

            self.results.check("%s: the official SDK client is found and points at the emulator" % name, make)
        for svc, adapter, ops in self.services:
            for op_name in svc["operations"]:
                absent = adapter.has(op_name)
                if absent:
                    self.results.emit("ABSENT %s %s: %s" % (crate(svc), op_name, absent))
                else:
                    ops.append(op_name)

    # 1. examples ------------------------------------------------------------------------------

    def examples(self):
        # Read-only operations first, on the state the emulator starts with.
        for read_only in (True, False):
            for svc, adapter, ops in self.services:
                for op_name in ops:
                    op = svc["operations"][op_name]
                    if bool(op.get("read_only")) != read_only:
                        continue
                    if not op.get("examples"):
                        self.results.check(
                            "%s %s: filtered by each documented instance, the official client "
                            "decodes exactly that instance" % (crate(svc), op_name),
                            lambda svc=svc, adapter=adapter, op_name=op_name:
                                self.no_example(svc, adapter, op_name))
                    for i, ex in enumerate(op.get("examples", [])):
                        self.results.check(
                            "%s %s: example %d (%s) decodes through the official client to the "
                            "documented output" % (crate(svc), op_name, i + 1, ex["title"]),
                            lambda svc=svc, adapter=adapter, op_name=op_name, ex=ex:
                                self.example(svc, adapter, op_name, ex))

    def example(self, svc, adapter, op_name, ex):
        op = svc["operations"][op_name]
        decoded = call(adapter, op_name, ex["input"])
        self.cover(svc, op_name)
        problems = []
        for name, expected in ex["output"].items():
            if name == "RequestId":
                continue
            got = decoded.get(name)
            if not op.get("read_only") and TASK_ID_MEMBER.match(name):
                continue
            if got != expected:
                problems.append("%s: documented %r, decoded %r" % (name, expected, got))
        for name, member in op["output"].items():
            if not op.get("read_only") and TASK_ID_MEMBER.match(name):
                problems += self.task_id_problems(name, member, decoded)
            elif member.get("required") and decoded.get(name) is None:
                problems.append("required member %s missing" % name)
        return "; ".join(problems) or None

    def task_id_problems(self, name, member, decoded):
        value = decoded.get(name)
        if not python_type_ok(member["type"], value):
            return ["%s (the async task id) is %r, not a %s" % (name, value, member["type"])]
        if (name, value) in self.task_ids:
            return ["%s %r was returned before: task ids must be new per call" % (name, value)]
        self.task_ids.add((name, value))
        return []

    def no_example(self, svc, adapter, op_name):
        op = svc["operations"][op_name]
        member = instance_member(op)
        if member is None:
            call(adapter, op_name, {})
            self.cover(svc, op_name)
            return None
        expected = known_instances(svc)
        expect(expected, "the service's examples name no instance to look for")
        for instance in expected:
            decoded = call(adapter, op_name, {member: instance})
            self.cover(svc, op_name)
            listed = [x.get("id") for v in decoded.values() if isinstance(v, list)
                      for x in v if isinstance(x, dict)]
            expect(listed == [instance], "%s=%s lists %s" % (member, instance, listed))
            counts = [v for k, v in decoded.items() if k.endswith("count")]
            expect(all(c == 1 for c in counts), "%s=%s: count members %s, 1 instance listed"
                   % (member, instance, counts))
        return None

    # 2. credentials ---------------------------------------------------------------------------

    def credentials(self):
        env = self.env
        for svc, adapter, ops in self.services:
            for op_name in ops:
                good_input = self.some_input(svc, op_name)
                if svc["vendor"] == "tencent":
                    sid, key = env["CONFORMANCE_TENCENT_SECRET_ID"], env["CONFORMANCE_TENCENT_SECRET_KEY"]
                    self.expect_error(
                        "%s %s: wrong SecretKey -> AuthFailure.SignatureFailure" % (crate(svc), op_name),
                        adapter, op_name, good_input, "AuthFailure.SignatureFailure", None,
                        creds=(sid, wrong_secret(key), None))
                else:
                    ak, sk = env["CONFORMANCE_HUAWEI_AK"], env["CONFORMANCE_HUAWEI_SK"]
                    self.expect_error(
                        "%s %s: wrong SK -> HTTP 401 APIGW.0301" % (crate(svc), op_name),
                        adapter, op_name, good_input, "APIGW.0301", 401, creds=(ak, wrong_secret(sk), None))
            if not ops:
                continue
            op_name = ops[0]
            good_input = self.some_input(svc, op_name)
            if svc["vendor"] == "tencent":
                temp = (env["CONFORMANCE_TENCENT_TEMP_SECRET_ID"], env["CONFORMANCE_TENCENT_TEMP_SECRET_KEY"],
                        env["CONFORMANCE_TENCENT_TEMP_TOKEN"])
                self.results.check(
                    "%s %s: temporary credentials with their X-TC-Token succeed" % (crate(svc), op_name),
                    lambda adapter=adapter, op_name=op_name, good_input=good_input, temp=temp:
                        call(adapter, op_name, good_input, creds=temp) and None)
                self.expect_error(
                    "%s %s: temporary credentials with a wrong token -> AuthFailure.TokenFailure"
                    % (crate(svc), op_name), adapter, op_name, good_input, "AuthFailure.TokenFailure",
                    None, creds=(temp[0], temp[1], temp[2] + "-wrong"))
                self.expect_error(
                    "%s %s: unknown SecretId -> AuthFailure.SecretIdNotFound" % (crate(svc), op_name),
                    adapter, op_name, good_input, "AuthFailure.SecretIdNotFound", None,
                    creds=("AKIDCONFORMANCEUNKNOWN00000000000000", "x" * 32, None))
            else:
                temp = (env["CONFORMANCE_HUAWEI_TEMP_AK"], env["CONFORMANCE_HUAWEI_TEMP_SK"],
                        env["CONFORMANCE_HUAWEI_TEMP_SECURITY_TOKEN"])
                self.results.check(
                    "%s %s: temporary AK/SK with their X-Security-Token succeed" % (crate(svc), op_name),
                    lambda adapter=adapter, op_name=op_name, good_input=good_input, temp=temp:
                        call(adapter, op_name, good_input, creds=temp) and None)

    def some_input(self, svc, op_name):
        examples = svc["operations"][op_name].get("examples", [])
        return dict(examples[0]["input"]) if examples else {}

    def expect_error(self, case, adapter, op_name, wire_input, code, http_status, **kw):
        def run():
            try:
                decoded = call(adapter, op_name, wire_input, **kw)
            except ServiceError as e:
                expect(e.code == code, "expected %s, the official client reported %s" % (code, e))
                expect(http_status is None or e.http_status == http_status,
                       "expected HTTP %s, got %s" % (http_status, e))
                expect(e.request_id, "the error has no request id: %s" % e)
                return None
            return "expected %s, the call succeeded: %s" % (code, decoded)

        self.results.check(case, run)

    # 3. unknown instances ---------------------------------------------------------------------

    def unknown_instances(self):
        for svc, adapter, ops in self.services:
            for op_name in ops:
                op = svc["operations"][op_name]
                member = instance_member(op)
                if member is None:
                    continue
                wire_input = self.some_input(svc, op_name)
                wire_input[member] = UNKNOWN_INSTANCE
                if is_filter(op, member):
                    self.results.check(
                        "%s %s: filtering by an unknown instance lists nothing" % (crate(svc), op_name),
                        lambda adapter=adapter, op_name=op_name, wire_input=wire_input:
                            self.lists_nothing(adapter, op_name, wire_input))
                    continue
                if svc["vendor"] == "tencent":
                    code, status = not_found_code(svc, op_name), None
                else:
                    status, code = not_found_code(svc, op_name)
                self.expect_error(
                    "%s %s: unknown instance -> %s" % (crate(svc), op_name, code),
                    adapter, op_name, wire_input, code, status)

    def lists_nothing(self, adapter, op_name, wire_input):
        decoded = call(adapter, op_name, wire_input)
        lists = {k: v for k, v in decoded.items() if isinstance(v, list) and v}
        counts = {k: v for k, v in decoded.items() if k.endswith("count") and v}
        expect(not lists and not counts, "expected an empty list, got %s" % decoded)
        return None

    # 4. enable then describe -------------------------------------------------------------------

    def lifecycles(self):
        for svc, adapter, ops in self.services:
            groups = {}  # (polled op, polled input) -> [(mutation, input, path, target)]
            for op_name in ops:
                op = svc["operations"][op_name]
                waiter = op.get("waiter")
                if not waiter or not op.get("examples") or waiter["operation"] not in ops:
                    continue
                base = dict(op["examples"][0]["input"])
                polled_input = {p: base[m] for p, m in waiter["input"].items() if m in base}
                for clause in waiter["until"]:
                    when = clause.get("when", {})
                    mutation_input = next(
                        (dict(ex["input"]) for ex in op["examples"]
                         if all(ex["input"].get(k) == v for k, v in when.items())),
                        dict(base, **when))
                    key = (waiter["operation"], json.dumps(polled_input, sort_keys=True))
                    groups.setdefault(key, []).append(
                        (op_name, mutation_input, clause["path"], clause["equals"]))
            for (polled, polled_json), steps in groups.items():
                self.lifecycle(svc, adapter, polled, json.loads(polled_json), steps)

    def lifecycle(self, svc, adapter, polled, polled_input, steps):
        def observe(path):
            return get_path(call(adapter, polled, polled_input), path)

        remaining = list(steps)
        while remaining:
            try:
                current = {path: observe(path) for (_, _, path, _) in remaining}
            except Exception as e:  # noqa: BLE001
                self.results.fail("%s %s: describe before a change" % (crate(svc), polled), str(e))
                return
            step = next((s for s in remaining if current[s[2]] != s[3]), remaining[0])
            remaining.remove(step)
            op_name, mutation_input, path, target = step
            shown = ", ".join("%s=%s" % (k, json.dumps(v)) for k, v in mutation_input.items())
            case = ("%s %s(%s): %s.%s shows %s after the async delay, not before"
                    % (crate(svc), op_name, shown, polled, path, json.dumps(target)))
            self.results.check(case, lambda: self.transition(
                svc, adapter, op_name, mutation_input, observe, path, target, current[path]))

    def transition(self, svc, adapter, op_name, mutation_input, observe, path, target, before):
        op = svc["operations"][op_name]
        started = time.monotonic()
        decoded = call(adapter, op_name, mutation_input)
        self.cover(svc, op_name)
        problems = []
        for name, member in op["output"].items():
            if TASK_ID_MEMBER.match(name):
                problems += self.task_id_problems(name, member, decoded)
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

    # 5. rate limit -----------------------------------------------------------------------------

    def rate_limits(self):
        for svc, adapter, ops in self.services:
            if svc["vendor"] != "tencent":
                continue
            op_name = next((o for o in ops if svc["operations"][o].get("read_only")
                            and svc["operations"][o].get("rate_limit")
                            and svc["operations"][o].get("examples")), None)
            if op_name is None:
                continue
            limit = svc["operations"][op_name]["rate_limit"]
            self.results.check(
                "%s %s: more than %d calls in a second -> RequestLimitExceeded"
                % (crate(svc), op_name, limit),
                lambda svc=svc, adapter=adapter, op_name=op_name, limit=limit:
                    self.rate_limit(svc, adapter, op_name, limit))

    def rate_limit(self, svc, adapter, op_name, limit):
        wire_input = self.some_input(svc, op_name)

        def one(_):
            try:
                call(adapter, op_name, wire_input)
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

    def verifier_control(self):
        """Against the verifier: every operation signed by the official SDK is accepted, and the
        credential cases are refused with the vendor's codes. Proves the verifier accepts what
        the official signers produce, so a rejection of our client's request is our fault."""
        for svc, adapter, ops in self.services:
            for op_name in ops:
                self.results.check(
                    "%s %s: the official client's request verifies" % (crate(svc), op_name),
                    lambda svc=svc, adapter=adapter, op_name=op_name:
                        self.cover(svc, op_name) if call(adapter, op_name, self.some_input(svc, op_name))
                        else "empty answer")
                tricky = self.tricky_input(svc, op_name)
                if tricky is not None:
                    self.results.check(
                        "%s %s: the official client's request with %s = %r verifies"
                        % (crate(svc), op_name, "/".join(sorted(tricky[1])), TRICKY),
                        lambda adapter=adapter, op_name=op_name, tricky=tricky:
                            None if call(adapter, op_name, tricky[0]) else "empty answer")
        self.credentials()

    def tricky_input(self, svc, op_name):
        """The operation's input with every string member (Huawei: in the path or query) set to
        a value that needs percent-encoding or JSON escaping; None if it has no such member."""
        op = svc["operations"][op_name]
        wire_input = self.some_input(svc, op_name)
        names = [n for n, m in op["input"].items() if m.get("type") == "string"
                 and (svc["vendor"] == "tencent" or m.get("location") in ("path", "query"))]
        if not names:
            return None
        wire_input.update({n: TRICKY for n in names})
        return wire_input, names

    def run(self):
        self.setup()
        self.examples()
        self.credentials()
        self.unknown_instances()
        self.lifecycles()
        self.rate_limits()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", required=True, help="the emulator, http://127.0.0.1:PORT")
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
    driver = Driver(args.endpoint, (args.async_delay_ms or 0) / 1000.0, os.environ)
    if args.verifier_control:
        driver.setup()
        driver.verifier_control()
    else:
        driver.run()
    results = driver.results
    results.emit("DONE %d %d" % (results.passed, results.failed))
    sys.exit(1 if results.failed else 0)


if __name__ == "__main__":
    main()
