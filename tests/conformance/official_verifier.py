#!/usr/bin/env python3
"""A local server that accepts a request only if the vendors' OFFICIAL signing code agrees.

Issue 5, part 4: our clients' requests must verify under the official signers. Every request is
checked by recomputing its signature with the official SDK code, not with a re-implementation:

- Tencent TC3-HMAC-SHA256: `tencentcloud.common.abstract_client.AbstractClient._get_tc3_signature`
  (canonical request, string to sign and `Sign.sign_tc3`), fed the request as received: method,
  path, the query string (GET) or body bytes (POST), `Content-Type`, `Host`, `X-TC-Timestamp`,
  `X-TC-Content-SHA256`. The official code signs exactly `content-type;host`, so a request that
  signs other headers is rejected as something the official signer would never produce. The
  credential scope's date must be the timestamp's UTC date, within 5 minutes of now.
- Huawei SDK-HMAC-SHA256: `huaweicloudsdkcore.signer.signer.Signer.sign` on an `SdkRequest` built
  from the request as received (method, raw path, query pairs, body bytes) holding exactly the
  headers the request lists in `SignedHeaders`; the official signer must then produce the same
  `Authorization` header (same signed headers, same signature). `X-Sdk-Date` must be within 15
  minutes of now. Temporary credentials must send (and sign) their `X-Security-Token`.

A request that verifies is routed by the spec bundle (Tencent: the credential scope's service,
`X-TC-Version`, `X-TC-Action`; Huawei: method and path template, the template with the most
literal segments winning), its required members are checked, and it is answered with the
operation's documented example (the one whose input matches best; without examples, an output
with every top-level member empty; an operation answering HTTP 204 gets no body), so callers
decode a real vendor-shaped answer. A request that does not verify gets the vendor's signature
error (Tencent `AuthFailure.SignatureFailure` in a `Response.Error`, Huawei HTTP 401
`APIGW.0301`).

Every request appends one tab-separated line to the `--log` file before it is answered:
`<verdict>\t<crate>\t<operation>\t<request id>\t<detail>` with verdict `verified`, `rejected`,
`unrouted` or `invalid` (`-` where unknown); for `verified`, `<detail>` is the answer (JSON) and a
sixth field the input as received (JSON, by wire name: Tencent the JSON body or the query; Huawei
path, query (a repeated key as a list) and header members as text, body members as sent).
Readers can therefore count a caller's requests, and compare what was sent with what the caller
was asked to send, as soon as the caller has its answers.

The first stdout line is `listening on http://127.0.0.1:<port>`. The server stops when its stdin
closes (the parent exits or closes the pipe) or after `--max-seconds`, whichever comes first.

Keys come from the environment: CONFORMANCE_VERIFIER_KEYS is JSON
`{"tencent": [{"id": ..., "secret": ..., "token": null}], "huawei": [{"id": ..., "secret": ..., "token": ...}]}`.

Usage: official_verifier.py --log FILE [--port 0] [--max-seconds 900]
"""

import argparse
import hmac
import json
import os
import re
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer as HuaweiSigner
from tencentcloud.common.abstract_client import AbstractClient as TencentClient
from tencentcloud.common.http.request import RequestInternal as TencentRequest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUNDLE_DIR = os.path.join(REPO, "crates", "cloud-spec", "bundle")
TENCENT_MAX_SKEW = 5 * 60
HUAWEI_MAX_SKEW = 15 * 60
MAX_BODY = 1 << 20
# What the official TC3 code signs, always (abstract_client._get_tc3_signature).
TENCENT_SIGNED_HEADERS = "content-type;host"


class Rejected(Exception):
    """The request does not verify. The message (sent back) says why; `detail` (log only) may
    add what the official code computed, which a caller must not be told."""

    def __init__(self, message, detail=""):
        super().__init__(message)
        self.detail = detail


class Unrouted(Exception):
    """The request verifies but names no operation of the specs."""


# ---------------------------------------------------------------------------------------------
# The specs: routing and answers
# ---------------------------------------------------------------------------------------------

def load_services():
    services = []
    for name in sorted(os.listdir(BUNDLE_DIR)):
        if name.endswith(".json"):
            with open(os.path.join(BUNDLE_DIR, name), encoding="utf-8") as f:
                services.append(json.load(f)["service"])
    return services


def crate(svc):
    return "%s-%s" % (svc["vendor"], svc["name"])


def huawei_routes(services):
    routes = []
    for svc in services:
        if svc["vendor"] != "huawei":
            continue
        for op_name, op in svc["operations"].items():
            http = op.get("http") or {}
            if not http:
                continue
            names = re.findall(r"\{([^}]+)\}", http["path"])
            pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(http["path"])) + "/?$"
            literals = len([s for s in http["path"].split("/") if s and not s.startswith("{")])
            routes.append((http["method"].upper(), re.compile(pattern), names, svc, op_name, literals))
    # `/instances/backups` before `/instances/{instance_id}`: more literal segments first.
    routes.sort(key=lambda route: -route[5])
    return routes


def empty_value(type_name):
    if type_name.startswith("list<"):
        return []
    if type_name.startswith("map<") or type_name == "json":
        return {}
    return {"string": "", "boolean": False, "int32": 0, "int64": 0, "uint64": 0, "float": 0.0,
            "timestamp": ""}.get(type_name, {})


def answer(op, wire_input):
    """The documented output whose example input matches `wire_input` best."""
    examples = op.get("examples") or []
    if not examples:
        return {name: empty_value(m["type"]) for name, m in op.get("output", {}).items()
                if name != "RequestId"}

    def score(ex):
        return sum(1 for k, v in ex.get("input", {}).items() if wire_input.get(k) == v)

    best = max(examples, key=score)
    return {k: v for k, v in best.get("output", {}).items() if k != "RequestId"}


def missing_required(op, wire_input):
    return [name for name, m in op.get("input", {}).items()
            if m.get("required") and name not in wire_input]


# ---------------------------------------------------------------------------------------------
# Verification with the official code
# ---------------------------------------------------------------------------------------------

def auth_fields(value, algorithm):
    if not value.startswith(algorithm + " "):
        raise Rejected("Authorization is not %s: %r" % (algorithm, value[:40]))
    fields = {}
    for part in value[len(algorithm) + 1:].split(","):
        key, sep, val = part.strip().partition("=")
        if not sep:
            raise Rejected("malformed Authorization field %r" % part)
        fields[key] = val
    return fields


def verify_tencent(method, path, query, headers, body, keys):
    fields = auth_fields(headers.get("Authorization", ""), "TC3-HMAC-SHA256")
    try:
        secret_id, date, service, terminator = fields["Credential"].split("/")
        signed_headers, signature = fields["SignedHeaders"], fields["Signature"]
    except (KeyError, ValueError):
        raise Rejected("Authorization lacks Credential=<id>/<date>/<service>/tc3_request, "
                       "SignedHeaders or Signature")
    if terminator != "tc3_request":
        raise Rejected("credential scope does not end in tc3_request")
    key = keys.get(secret_id)
    if key is None:
        raise Rejected("AuthFailure.SecretIdNotFound: unknown SecretId %s" % secret_id)
    if signed_headers != TENCENT_SIGNED_HEADERS:
        raise Rejected("SignedHeaders=%s; the official TC3 code signs exactly %s"
                       % (signed_headers, TENCENT_SIGNED_HEADERS))
    try:
        timestamp = int(headers.get("X-TC-Timestamp", ""))
    except ValueError:
        raise Rejected("X-TC-Timestamp missing or not an integer")
    if abs(time.time() - timestamp) > TENCENT_MAX_SKEW:
        raise Rejected("AuthFailure.SignatureExpire: X-TC-Timestamp %d is more than 5 minutes off" % timestamp)
    if datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d") != date:
        raise Rejected("credential scope date %s is not the UTC date of X-TC-Timestamp %d" % (date, timestamp))
    if key["token"] is not None and headers.get("X-TC-Token") != key["token"]:
        raise Rejected("AuthFailure.TokenFailure: temporary credentials without their X-TC-Token")
    for name in ("Content-Type", "Host"):
        if headers.get(name) is None:
            raise Rejected("the signed header %s is missing" % name)

    request = TencentRequest(headers["Host"], method, path, header={
        "Content-Type": headers["Content-Type"],
        "Host": headers["Host"],
        "X-TC-Timestamp": headers["X-TC-Timestamp"],
    })
    if headers.get("X-TC-Content-SHA256") is not None:
        request.header["X-TC-Content-SHA256"] = headers["X-TC-Content-SHA256"]
    request.data = query if method == "GET" else body
    expected = TencentClient._get_tc3_signature(None, {}, request, date, service, key["secret"])
    if not hmac.compare_digest(expected, signature):
        raise Rejected("AuthFailure.SignatureFailure: the signature does not verify under the "
                       "official TC3 code", "official %s, request %s" % (expected, signature))
    return service


def parse_query(raw):
    """(key, value) pairs, percent-decoded as sent (no `+`-to-space: the signers encode spaces)."""
    pairs = []
    for part in raw.split("&") if raw else []:
        key, _, value = part.partition("=")
        pairs.append((unquote(key), unquote(value)))
    return pairs


def query_members(pairs):
    """Query pairs by key; a repeated key is a list of its values, in order."""
    members = {}
    for key, value in pairs:
        if key in members:
            previous = members[key]
            members[key] = (previous if isinstance(previous, list) else [previous]) + [value]
        else:
            members[key] = value
    return members


def verify_huawei(method, path, query, headers, body, keys):
    received = headers.get("Authorization", "")
    fields = auth_fields(received, "SDK-HMAC-SHA256")
    try:
        ak, signed_headers = fields["Access"], fields["SignedHeaders"].split(";")
    except KeyError:
        raise Rejected("Authorization lacks Access or SignedHeaders")
    key = keys.get(ak)
    if key is None:
        raise Rejected("APIGW.0301: unknown access key %s" % ak)
    sdk_date = headers.get("X-Sdk-Date")
    if sdk_date is None or "x-sdk-date" not in signed_headers:
        raise Rejected("X-Sdk-Date is missing or not signed")
    try:
        signed_at = datetime.strptime(sdk_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        raise Rejected("X-Sdk-Date %r is not yyyyMMddTHHmmssZ" % sdk_date)
    if abs(time.time() - signed_at.timestamp()) > HUAWEI_MAX_SKEW:
        raise Rejected("X-Sdk-Date %s is more than 15 minutes off" % sdk_date)
    if key["token"] is not None:
        if headers.get("X-Security-Token") != key["token"]:
            raise Rejected("temporary credentials without their X-Security-Token")
        if "x-security-token" not in signed_headers:
            raise Rejected("X-Security-Token is not signed (the official client signs it)")
    header_params = {}
    for name in signed_headers:
        value = headers.get(name)
        if value is None:
            raise Rejected("the signed header %s is missing" % name)
        header_params[name] = value

    request = SdkRequest(method=method, schema="http", host=headers.get("Host"), resource_path=path,
                         query_params=parse_query(query), header_params=header_params,
                         body=body if body else "")
    HuaweiSigner(BasicCredentials(ak, key["secret"])).sign(request)
    expected = request.header_params["Authorization"]
    if not hmac.compare_digest(expected, received):
        raise Rejected("APIGW.0301: the signature does not verify under the official AK/SK signer",
                       "official %r, request %r" % (expected, received))


def rejection_code(vendor, reason):
    """Tencent: the AuthFailure code a reason starts with, else SignatureFailure; Huawei: APIGW.0301."""
    if vendor == "huawei":
        return "APIGW.0301"
    code = reason.split(":", 1)[0]
    return code if code.startswith("AuthFailure.") else "AuthFailure.SignatureFailure"


# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------

class Verifier:
    def __init__(self, keys, log_path):
        self.keys = {vendor: {k["id"]: {"secret": k["secret"], "token": k.get("token")}
                              for k in keys.get(vendor, [])} for vendor in ("tencent", "huawei")}
        self.services = load_services()
        self.tencent = {(s["service"], s["version"]): s for s in self.services if s["vendor"] == "tencent"}
        self.routes = huawei_routes(self.services)
        self.log_path = log_path
        self.lock = threading.Lock()
        open(log_path, "w").close()

    def log(self, verdict, svc, op_name, request_id, detail, received=None):
        fields = [verdict, crate(svc) if svc else "-", op_name or "-", request_id, detail]
        if received is not None:
            fields.append(received)
        line = "\t".join(f.replace("\t", " ").replace("\n", " ") for f in fields)
        with self.lock, open(self.log_path, "a", encoding="utf-8") as f:
            f.write(line + "\n")
            f.flush()
        if verdict != "verified":
            sys.stderr.write("official_verifier: %s\n" % line)
            sys.stderr.flush()

    def handle(self, method, target, headers, body):
        """Returns (status, headers, body bytes)."""
        path, _, query = target.partition("?")
        request_id = str(uuid.uuid4())
        authorization = headers.get("Authorization", "")
        vendor = "tencent" if authorization.startswith("TC3-") else "huawei"
        svc = op_name = None
        try:
            if vendor == "tencent":
                service = verify_tencent(method, path, query, headers, body, self.keys["tencent"])
                svc = self.tencent.get((service, headers.get("X-TC-Version")))
                op_name = headers.get("X-TC-Action")
                if svc is None or op_name not in svc["operations"]:
                    raise Unrouted("no spec has service %s version %s action %s"
                                   % (service, headers.get("X-TC-Version"), op_name))
                wire_input = json.loads(body or b"{}") if method == "POST" else dict(parse_query(query))
            else:
                verify_huawei(method, path, query, headers, body, self.keys["huawei"])
                route = next(((r, m) for r in self.routes for m in [r[1].match(path)]
                              if r[0] == method and m), None)
                if route is None:
                    raise Unrouted("no Huawei operation is %s %s" % (method, path))
                (_, _, names, svc, op_name, _), match = route
                wire_input = {n: unquote(v) for n, v in zip(names, match.groups()) if n != "project_id"}
                wire_input.update(query_members(parse_query(query)))
                for name, member in svc["operations"][op_name].get("input", {}).items():
                    if member.get("location") == "header" and headers.get(name) is not None:
                        wire_input[name] = headers.get(name)
                if body:
                    wire_input.update(json.loads(body))
        except Rejected as e:
            self.log("rejected", svc, op_name, request_id, ("%s (%s)" % (e, e.detail)) if e.detail else str(e))
            code = rejection_code(vendor, str(e))
            message = str(e)[len(code) + 2:] if str(e).startswith(code + ": ") else str(e)
            return self.error(vendor, request_id, code, 401, message)
        except Unrouted as e:
            self.log("unrouted", svc, op_name, request_id, str(e))
            return self.error(vendor, request_id, "InvalidAction", 404, str(e))
        except ValueError as e:
            self.log("invalid", svc, op_name, request_id, "body is not JSON: %s" % e)
            return self.error(vendor, request_id, "InvalidParameter", 400, "body is not JSON")

        op = svc["operations"][op_name]
        missing = missing_required(op, wire_input)
        if missing:
            self.log("invalid", svc, op_name, request_id, "missing required %s" % missing)
            return self.error(vendor, request_id, "MissingParameter", 400, "missing %s" % missing)
        status = (op.get("http") or {}).get("success_status", 200)
        output = {} if status == 204 else answer(op, wire_input)
        self.log("verified", svc, op_name, request_id, json.dumps(output, sort_keys=True),
                 json.dumps(wire_input, sort_keys=True, ensure_ascii=False))
        if vendor == "tencent":
            output["RequestId"] = request_id
            return 200, {"Content-Type": "application/json"}, json.dumps({"Response": output}).encode()
        if status == 204:
            return status, {"X-Request-Id": request_id}, b""
        return status, {"Content-Type": "application/json", "X-Request-Id": request_id}, json.dumps(output).encode()

    @staticmethod
    def error(vendor, request_id, code, http_status, message):
        if vendor == "tencent":
            body = {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id}}
            return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()
        body = {"error_code": code, "error_msg": message, "request_id": request_id}
        return http_status, {"Content-Type": "application/json", "X-Request-Id": request_id}, json.dumps(body).encode()


def make_handler(verifier):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body are separate writes: with Nagle's algorithm on, each keep-alive answer
        # waits out the client's delayed ACK (~40 ms a request).
        disable_nagle_algorithm = True

        def log_message(self, fmt, *args):  # quiet: the log file is the record
            pass

        def serve(self):
            length = int(self.headers.get("Content-Length") or 0)
            if self.headers.get("Transfer-Encoding") or length > MAX_BODY:
                self.send_response(411 if self.headers.get("Transfer-Encoding") else 413)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = self.rfile.read(length) if length else b""
            status, headers, payload = verifier.handle(self.command, self.path, self.headers, body)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if status != 204:  # a 204 has no body and no Content-Length (RFC 9110 8.6)
                self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = serve

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--log", required=True, help="file to append one line per request to")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--max-seconds", type=float, default=900, help="stop after this long")
    args = parser.parse_args()
    try:
        keys = json.loads(os.environ["CONFORMANCE_VERIFIER_KEYS"])
    except (KeyError, ValueError) as e:
        raise SystemExit("official_verifier: CONFORMANCE_VERIFIER_KEYS must hold the keys as JSON (%s)" % e)
    verifier = Verifier(keys, args.log)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(verifier))
    server.daemon_threads = True
    print("listening on http://127.0.0.1:%d" % server.server_address[1], flush=True)

    def stop_when_stdin_closes():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except OSError:
            pass
        server.shutdown()

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    timer = threading.Timer(args.max_seconds, server.shutdown)
    timer.daemon = True
    timer.start()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        timer.cancel()
        server.server_close()


if __name__ == "__main__":
    main()
