#!/usr/bin/env python3
"""Computes signing vectors with the vendors' OFFICIAL Python signers.

Nothing here re-implements a signature. Tencent vectors come from
`tencentcloud.common.abstract_client.AbstractClient` (`_build_req_inter`, the path every SDK
call takes, or `_get_tc3_signature` directly for bodies the SDK's JSON encoder never produces);
Huawei vectors come from `huaweicloudsdkcore.auth.credentials.BasicCredentials.sign_request`,
which runs `huaweicloudsdkcore.signer.signer.Signer`. This script only feeds inputs in, pins the
clock, and records what the official code computed:

- the canonical request and string to sign are captured by wrapping the official functions that
  hash them (Tencent: the `hashlib` the SDK module uses; Huawei: `Signer._process_canonical_request`
  and `Signer._process_string_to_sign`), and each capture is checked against the final string to
  sign, so a capture can never silently be the wrong string;
- the signature and Authorization header are what the SDK put on the request.

Output: <out-dir>/tencent.json and <out-dir>/huawei.json, sorted keys, 2-space indent, UTF-8,
trailing newline, vectors sorted by name: the same SDK versions always produce the same bytes.
The SDK versions are not written into the files (requirements.txt pins them), so a version bump
that signs the same way leaves the files unchanged.

Usage: gen_vectors.py [--out-dir DIR]   (default: crates/cloud-transport/tests/vectors)
"""

import argparse
import hashlib
import json
import os
import sys
from datetime import datetime, timezone
from urllib.parse import quote

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(REPO, "crates", "cloud-transport", "tests", "vectors")

# ---------------------------------------------------------------------------------------------
# Tencent Cloud: TC3-HMAC-SHA256
# ---------------------------------------------------------------------------------------------

from tencentcloud.common import abstract_client as tc_abstract_client  # noqa: E402
from tencentcloud.common.abstract_client import AbstractClient  # noqa: E402
from tencentcloud.common.credential import Credential  # noqa: E402
from tencentcloud.common.http.request import RequestInternal  # noqa: E402
from tencentcloud.common.profile.client_profile import ClientProfile  # noqa: E402
from tencentcloud.common.profile.http_profile import HttpProfile  # noqa: E402
from tencentcloud.common.sign import Sign as TcSign  # noqa: E402

PUBLISHED_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
PUBLISHED_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
# The headers the SDK sets that are not about signing and change with the SDK version.
TC_UNSTABLE_HEADERS = {"X-TC-RequestClient"}


class _RecordingHashlib:
    """Stands in for `hashlib` inside the SDK module and remembers every sha256 input."""

    def __init__(self):
        self.inputs = []

    def sha256(self, data=b""):
        self.inputs.append(bytes(data))
        return hashlib.sha256(data)

    def __getattr__(self, name):
        return getattr(hashlib, name)


class _FixedTime:
    """Stands in for `time` inside the SDK module so `X-TC-Timestamp` is the vector's."""

    def __init__(self, timestamp):
        self.timestamp = timestamp

    def time(self):
        return float(self.timestamp)

    def __getattr__(self, name):
        import time

        return getattr(time, name)


class _Capture:
    """Installs the recorders for one official signing call and restores the module after."""

    def __init__(self, timestamp):
        self.timestamp = timestamp
        self.hashlib = _RecordingHashlib()
        self.strings_to_sign = []

    def __enter__(self):
        self._saved = (tc_abstract_client.hashlib, tc_abstract_client.time, TcSign.sign_tc3)
        tc_abstract_client.hashlib = self.hashlib
        tc_abstract_client.time = _FixedTime(self.timestamp)
        original = self._saved[2]
        capture = self

        def recording_sign_tc3(secret_key, date, service, str2sign):
            capture.strings_to_sign.append(str2sign)
            return original(secret_key, date, service, str2sign)

        TcSign.sign_tc3 = staticmethod(recording_sign_tc3)
        return self

    def __exit__(self, *exc):
        tc_abstract_client.hashlib, tc_abstract_client.time, sign_tc3 = self._saved
        TcSign.sign_tc3 = staticmethod(sign_tc3)
        return False

    def canonical_request(self):
        """The canonical request: the sha256 input whose digest ends the string to sign."""
        assert len(self.strings_to_sign) == 1, self.strings_to_sign
        sts = self.strings_to_sign[0]
        digest = sts.rsplit("\n", 1)[1]
        matches = [i for i in self.hashlib.inputs if hashlib.sha256(i).hexdigest() == digest]
        assert len(matches) == 1, "canonical request not captured"
        return matches[0].decode("utf-8"), sts


def _tc_client(service, version, region, endpoint, method, unsigned, language, secret_id,
               secret_key, token):
    class VectorClient(AbstractClient):
        _apiVersion = version
        _service = service
        _endpoint = service + ".tencentcloudapi.com"

    http_profile = HttpProfile(endpoint=endpoint, reqMethod=method)
    profile = ClientProfile(httpProfile=http_profile)
    profile.unsignedPayload = unsigned
    profile.language = language
    return VectorClient(Credential(secret_id, secret_key, token), region, profile)


def tencent_client_vector(name, *, action, params, service="cvm", version="2017-03-12",
                          region="ap-guangzhou", endpoint=None, method="POST", timestamp=1551113065,
                          secret_id=PUBLISHED_ID, secret_key=PUBLISHED_KEY, token=None,
                          unsigned=False, language="zh-CN", note=""):
    """A request built and signed by the SDK's own client code path (`_build_req_inter`)."""
    host = endpoint or (service + ".tencentcloudapi.com")
    client = _tc_client(service, version, region, endpoint or host, method, unsigned, language,
                        secret_id, secret_key, token)
    req = RequestInternal(host, method, "/", header={})
    with _Capture(timestamp) as cap:
        client._build_req_inter(action, params, req)
    canonical, sts = cap.canonical_request()
    body = "" if method == "GET" else req.data
    query = req.data if method == "GET" else ""
    return _tc_record(name, note, "client", secret_id, secret_key, token, service, timestamp,
                      method, host, query, req.header["Content-Type"], body, unsigned, region,
                      action, version, language, req.header, canonical, sts)


def tencent_direct_vector(name, *, body, content_type="application/json", method="POST", query="",
                          service="cvm", host=None, timestamp=1551113065, secret_id=PUBLISHED_ID,
                          secret_key=PUBLISHED_KEY, unsigned=False, note=""):
    """Exact body bytes the SDK's JSON encoder would not produce, signed by the SDK's
    `_get_tc3_signature` on a request carrying the headers the SDK sets before calling it."""
    host = host or (service + ".tencentcloudapi.com")
    date = datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d")
    req = RequestInternal(host, method, "/", header={
        "Content-Type": content_type,
        "Host": host,
        "X-TC-Timestamp": str(timestamp),
    })
    if unsigned:
        req.header["X-TC-Content-SHA256"] = "UNSIGNED-PAYLOAD"
    req.data = query if method == "GET" else body
    with _Capture(timestamp) as cap:
        signature = AbstractClient._get_tc3_signature(None, {}, req, date, service, secret_key)
    canonical, sts = cap.canonical_request()
    # The SDK's own header format, filled with the SDK's own signature.
    req.header["Authorization"] = (
        "TC3-HMAC-SHA256 Credential=%s/%s/%s/tc3_request, SignedHeaders=content-type;host, "
        "Signature=%s" % (secret_id, date, service, signature))
    body_out = "" if method == "GET" else body
    return _tc_record(name, note, "direct", secret_id, secret_key, None, service, timestamp, method,
                      host, query, content_type, body_out, unsigned, None, None, None, None,
                      req.header, canonical, sts)


def _tc_record(name, note, mode, secret_id, secret_key, token, service, timestamp, method, host,
               query, content_type, body, unsigned, region, action, version, language, headers,
               canonical, sts):
    if isinstance(body, str):
        body = body.encode("utf-8")
    authorization = headers["Authorization"]
    signature = authorization.rsplit("Signature=", 1)[1]
    assert sts.split("\n")[1] == str(timestamp)
    return {
        "name": name,
        "note": note,
        "mode": mode,
        "input": {
            "secret_id": secret_id,
            "secret_key": secret_key,
            "token": token,
            "service": service,
            "timestamp": timestamp,
            "method": method,
            "host": host,
            "query": query,
            "content_type": content_type,
            "body": body.decode("utf-8"),
            "unsigned_payload": unsigned,
            "region": region,
            "action": action,
            "version": version,
            "language": language,
        },
        "headers": {k: v for k, v in headers.items() if k not in TC_UNSTABLE_HEADERS},
        "expected": {
            "canonical_request": canonical,
            "string_to_sign": sts,
            "signature": signature,
            "authorization": authorization,
        },
    }


def tencent_vectors():
    big_filters = [{"Name": "instance-id", "Values": ["cmgo-%08d" % i for i in range(800)]}]
    v = [
        tencent_direct_vector(
            "published-signature-v3-example",
            body='{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
            content_type="application/json; charset=utf-8",
            note="Tencent's published example: body bytes hold the \\u escapes literally"),
        tencent_client_vector(
            "post-describe-instances-escaped-unicode",
            action="DescribeInstances",
            params={"Limit": 1, "Filters": [{"Values": ["未命名"], "Name": "instance-name"}]},
            note="the SDK's json.dumps escapes non-ASCII as \\uXXXX"),
        tencent_client_vector("post-empty-object", action="DescribeRegions", params={},
                              note="no parameters: body is {}"),
        tencent_direct_vector("post-empty-body", body="", note="zero-length body"),
        tencent_direct_vector("post-raw-utf8-body",
                              body='{"InstanceName": "数据库-实例 ✓", "Emoji": "😀"}',
                              note="raw UTF-8 body bytes, hashed as sent"),
        tencent_direct_vector("post-json-escapes",
                              body='{"A": "quote \\" backslash \\\\ newline \\n tab \\t", "B": "/"}'),
        tencent_direct_vector("post-crlf-in-body", body='{\r\n  "Limit": 1\r\n}\r\n'),
        tencent_client_vector("post-large-body", action="DescribeDBInstances",
                              service="mongodb", version="2019-07-25", params={"Filters": big_filters},
                              note="~17 KB body"),
        tencent_client_vector("post-temporary-credentials", action="DescribeDBInstances",
                              service="mongodb", version="2019-07-25",
                              params={"InstanceIds": ["cmgo-p8vnipr5"]},
                              secret_id="AKIDtemporaryEXAMPLE", token="tmp-token-EXAMPLE/+=",
                              note="X-TC-Token is sent but not signed"),
        tencent_client_vector("post-no-region", action="DescribeRegions", service="cvm",
                              region=None, params={}, note="no X-TC-Region header"),
        tencent_client_vector("post-empty-region", action="DescribeRegions", service="cvm",
                              region="", params={}, note="an empty region is left out too"),
        tencent_client_vector("post-cdb-ssl", action="DescribeSSLStatus", service="cdb",
                              version="2017-03-20", region="ap-shanghai",
                              params={"InstanceId": "cdb-1a2b3c4d"}),
        tencent_client_vector("post-postgres-ssl", action="ModifyDBInstanceSSLConfig",
                              service="postgres", version="2017-03-12", region="ap-beijing",
                              params={"DBInstanceId": "postgres-6r233v55", "SSLEnabled": True,
                                      "ConnectAddress": "gz-postgres-abcd.sql.tencentcdb.com"}),
        tencent_client_vector("post-lowercase-action", action="describeInstances", params={"Limit": 2},
                              note="the SDK capitalizes X-TC-Action; not signed"),
        tencent_client_vector("post-language-en", action="DescribeInstances", params={},
                              language="en-US"),
        tencent_client_vector("post-no-language", action="DescribeInstances", params={},
                              language=None),
        tencent_client_vector("post-unsigned-payload", action="DescribeInstances",
                              params={"Limit": 1}, unsigned=True,
                              note="payload hash is sha256('UNSIGNED-PAYLOAD'), not the literal"),
        tencent_client_vector("get-with-params", action="DescribeInstances", method="GET",
                              params={"Limit": 10, "Offset": 0, "InstanceName": "my db/1+2~"},
                              note="query = urlencode: space as +, / as %2F"),
        tencent_client_vector("get-nested-params", action="DescribeInstances", method="GET",
                              params={"Filters": [{"Name": "instance-name", "Values": ["未命名", "a b"]}],
                                      "InstanceIds": ["ins-1", "ins-2"]},
                              note="nested params flattened as Filters.0.Name; UTF-8 percent-encoded"),
        tencent_client_vector("get-no-params", action="DescribeRegions", method="GET", params={}),
        tencent_client_vector("get-unsigned-payload", action="DescribeRegions", method="GET",
                              params={"Limit": 1}, unsigned=True),
        tencent_client_vector("date-boundary-last-second", action="DescribeInstances", params={},
                              timestamp=1704153599, note="2024-01-01T23:59:59Z"),
        tencent_client_vector("date-boundary-first-second", action="DescribeInstances", params={},
                              timestamp=1704153600, note="2024-01-02T00:00:00Z"),
        tencent_client_vector("date-leap-day", action="DescribeInstances", params={},
                              timestamp=951782400 + 3600, note="2000-02-29T01:00:00Z"),
        tencent_client_vector("date-far-future", action="DescribeInstances", params={},
                              timestamp=4102444800, note="2100-01-01T00:00:00Z"),
        tencent_client_vector("endpoint-with-port", action="DescribeDBInstances",
                              service="mongodb", version="2019-07-25", endpoint="127.0.0.1:18080",
                              params={}, note="an emulator endpoint: Host includes the port"),
        tencent_client_vector("secret-key-with-symbols", action="DescribeInstances", params={},
                              secret_key="k+/=é中EXAMPLE", note="non-ASCII SecretKey, UTF-8 bytes"),
    ]
    return v


# ---------------------------------------------------------------------------------------------
# Huawei Cloud: SDK-HMAC-SHA256
# ---------------------------------------------------------------------------------------------

from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402
from huaweicloudsdkcore.sdk_request import SdkRequest  # noqa: E402
from huaweicloudsdkcore.signer.signer import Signer as HwSigner  # noqa: E402

HW_AK = "HPUAEXAMPLEAK0000001"
HW_SK = "hwSKexample0123456789abcdefghijklmnopqrst"
HW_PROJECT = "0123456789abcdef0123456789abcdef"
HW_HOST = "gaussdb-nosql.cn-north-4.myhuaweicloud.com"
HW_USER_AGENT = "huaweicloud-usdk-python/3.0"


class _HwCapture:
    """Records what the official Signer computes for one request."""

    def __enter__(self):
        self.canonical, self.sts = [], []
        self._saved = (HwSigner._process_canonical_request, HwSigner._process_string_to_sign)
        orig_cr, orig_sts = self._saved
        cap = self

        def canonical_request(signer, request, signed_headers):
            out = orig_cr(signer, request, signed_headers)
            cap.canonical.append(out)
            return out

        def string_to_sign(signer, canonical_request, t):
            out = orig_sts(signer, canonical_request, t)
            cap.sts.append(out)
            return out

        HwSigner._process_canonical_request = canonical_request
        HwSigner._process_string_to_sign = string_to_sign
        return self

    def __exit__(self, *exc):
        HwSigner._process_canonical_request, HwSigner._process_string_to_sign = self._saved
        return False


def _client_path(template, path_params):
    """Fills path parameters the way the SDK client does (`quote(str(v), safe='')`)."""
    for k, v in path_params.items():
        template = template.replace("{%s}" % k, quote(str(v), safe=""))
    return template


def _to_utf8(value):
    """Undoes the SDK's in-place re-encoding of sent header values (UTF-8 bytes as ISO-8859-1)."""
    try:
        return value.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def huawei_vector(name, *, method="GET", path="/v3/{project_id}/instances", path_params=None,
                  query=None, headers=None, body=b"", date="20240102T030405Z", host=HW_HOST,
                  ak=HW_AK, sk=HW_SK, project_id=HW_PROJECT, security_token=None,
                  content_type="application/json", note=""):
    path_params = dict(path_params or {})
    if project_id and "{project_id}" in path:
        path_params.setdefault("project_id", project_id)
    resource_path = _client_path(path, path_params)
    header_params = {"User-Agent": HW_USER_AGENT}
    if content_type is not None:
        header_params["Content-Type"] = content_type
    header_params.update(headers or {})
    header_params["X-Sdk-Date"] = date
    headers_in = dict(header_params)
    query_in = [list(kv) for kv in (query or [])]
    if isinstance(body, str):
        body = body.encode("utf-8")
    request = SdkRequest(method=method, schema="https", host=host, resource_path=resource_path,
                         query_params=[tuple(kv) for kv in (query or [])],
                         header_params=header_params, body=body)
    # The client adds UNSIGNED-PAYLOAD before signing for non-JSON content types; the Signer does
    # the same check itself, so this is the SDK's behaviour either way.
    creds = BasicCredentials(ak, sk, project_id)
    if security_token:
        creds = creds.with_security_token(security_token)
    with _HwCapture() as cap:
        signed = creds.sign_request(request)
    assert len(cap.canonical) == 1 and len(cap.sts) == 1
    canonical, sts = cap.canonical[0], cap.sts[0]
    assert sts.split("\n")[2] == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    sent_headers = {k: _to_utf8(v) for k, v in signed.header_params.items()}
    authorization = sent_headers["Authorization"]
    fields = dict(part.split("=", 1) for part in authorization.split(" ", 1)[1].split(", "))
    return {
        "name": name,
        "note": note,
        "input": {
            "ak": ak,
            "sk": sk,
            "project_id": project_id,
            "security_token": security_token,
            "method": method,
            "host": host,
            "path": resource_path,
            "query": query_in,
            "headers": headers_in,
            "body": body.decode("utf-8"),
        },
        "sent": {
            "headers": sent_headers,
            "uri": signed.uri,
        },
        "expected": {
            "canonical_request": canonical,
            "string_to_sign": sts,
            "signed_headers": fields["SignedHeaders"],
            "signature": fields["Signature"],
            "authorization": authorization,
        },
    }


def huawei_vectors():
    inst = "/v3/{project_id}/instances/{instance_id}"
    ssl = "/v3/{project_id}/instances/{instance_id}/ssl-option"
    return [
        huawei_vector("get-list-no-query", note="empty body, no query"),
        huawei_vector("get-query-ints", query=[("offset", 0), ("limit", 100)],
                      note="int values are str()-ed; sorted by key"),
        huawei_vector("get-query-space", query=[("name", "my instance")], note="space as %20"),
        huawei_vector("get-query-tilde", query=[("name", "a~b")], note="~ kept"),
        huawei_vector("get-query-plus", query=[("name", "a+b")], note="+ as %2B"),
        huawei_vector("get-query-slash", query=[("name", "a/b")], note="/ as %2F"),
        huawei_vector("get-query-unicode", query=[("name", "实例-é")], note="UTF-8 percent-encoded"),
        huawei_vector("get-query-repeated-keys",
                      query=[("id", "b"), ("mode", "x"), ("id", "a"), ("id", "c")],
                      note="repeated keys kept, sorted by value"),
        huawei_vector("get-query-list-value", query=[("id", ["z", "y", "x"])],
                      note="a list value is sorted and emitted as repeated keys"),
        huawei_vector("get-query-bool", query=[("detail", True), ("force", False)],
                      note="bools as true/false"),
        huawei_vector("get-query-key-encoding", query=[("a b", "1"), ("x[0]", "="), ("k&", "v&w")],
                      note="keys encoded too; = and & encoded in values"),
        huawei_vector("get-query-empty-value", query=[("marker", "")]),
        huawei_vector("get-path-needs-encoding", path=inst,
                      path_params={"instance_id": "inst 1/中"},
                      note="client quotes the value with safe=''; signer unquotes then re-encodes"
                           " each segment, so the encoded / splits the segment"),
        huawei_vector("get-path-trailing-slash", path="/v3/{project_id}/instances/",
                      note="no second slash appended"),
        huawei_vector("get-path-tilde-and-reserved", path="/v3/{project_id}/a~b/c;d/e@f,g"),
        huawei_vector("post-json-body", method="POST", path="/v3/{project_id}/instances",
                      body='{"name":"geminidb-1","datastore":{"type":"cassandra","version":"3.11"}}'),
        huawei_vector("post-empty-object", method="POST", path=inst,
                      path_params={"instance_id": "054e292c9880d4992f02c0196d3ea468in06"},
                      body="{}"),
        huawei_vector("post-empty-body", method="POST", path=inst + "/restart",
                      path_params={"instance_id": "abc"}, body=b"",
                      note="empty body hashes as the empty string"),
        huawei_vector("put-ssl-option-raw-unicode", method="PUT", path=ssl,
                      path_params={"instance_id": "054e292c9880d4992f02c0196d3ea468in06"},
                      body='{"ssl_option":"on","remark":"开启 SSL ✓"}',
                      headers={"X-Language": "zh-cn"}),
        huawei_vector("put-escaped-unicode", method="PUT", path=ssl,
                      path_params={"instance_id": "abc"},
                      body='{"remark":"\\u5f00\\u542f"}'),
        huawei_vector("post-large-body", method="POST", path="/v3/{project_id}/instances/batch-tag",
                      body=json.dumps({"tags": [{"key": "k%05d" % i, "value": "v" * 20}
                                                for i in range(400)]}, sort_keys=True),
                      note="~17 KB body"),
        huawei_vector("unsigned-payload-octet-stream", method="PUT", path="/v3/{project_id}/objects/x",
                      content_type="application/octet-stream", body=b"binary-ish payload",
                      note="the Signer adds X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD for non-JSON"),
        huawei_vector("unsigned-payload-explicit-json", method="POST",
                      headers={"X-Sdk-Content-Sha256": "UNSIGNED-PAYLOAD"}, body="{}",
                      note="explicit header: the literal replaces the hash"),
        huawei_vector("unsigned-payload-empty-body", method="POST",
                      headers={"X-Sdk-Content-Sha256": "UNSIGNED-PAYLOAD"}, body=b"",
                      note="quirk: empty body still hashes as the empty string"),
        huawei_vector("temporary-credentials", security_token="tmp/Token+EXAMPLE==",
                      note="X-Security-Token added and signed"),
        huawei_vector("no-project-id-header", project_id=None, path="/v3/global/things",
                      note="no X-Project-Id when the credentials have none"),
        huawei_vector("date-leap-day", date="20000229T235959Z"),
        huawei_vector("date-new-year", date="20231231T235959Z"),
        huawei_vector("date-far-future", date="21000101T000000Z"),
        huawei_vector("lowercase-method", method="delete", path=inst,
                      path_params={"instance_id": "abc"}, note="method uppercased in canonical form"),
        huawei_vector("underscore-header-skipped", headers={"X_Custom_Header": "x", "X-Custom": "y"},
                      note="names with _ are not signed"),
        huawei_vector("header-value-whitespace", headers={"X-Language": "  en-us \t"},
                      note="values stripped"),
        huawei_vector("host-with-port", host="127.0.0.1:18443", note="an emulator endpoint"),
        huawei_vector("no-content-type-get", content_type=None,
                      note="no Content-Type header (ignore_content_type_for_get_request)"),
        huawei_vector("sk-with-symbols", sk="sk+/=é中EXAMPLE"),
    ]


# ---------------------------------------------------------------------------------------------


def dump(path, payload):
    text = json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def check_unique(vectors):
    names = [v["name"] for v in vectors]
    dupes = sorted({n for n in names if names.count(n) > 1})
    assert not dupes, "duplicate vector names: %s" % dupes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out-dir", default=DEFAULT_OUT)
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    tencent = tencent_vectors()
    huawei = huawei_vectors()
    for vectors in (tencent, huawei):
        check_unique(vectors)
    dump(os.path.join(args.out_dir, "tencent.json"), {
        "generator": "tests/conformance/gen_vectors.py",
        "vectors": sorted(tencent, key=lambda v: v["name"]),
    })
    dump(os.path.join(args.out_dir, "huawei.json"), {
        "generator": "tests/conformance/gen_vectors.py",
        "vectors": sorted(huawei, key=lambda v: v["name"]),
    })
    print("gen_vectors: %d tencent, %d huawei vectors in %s"
          % (len(tencent), len(huawei), args.out_dir))


if __name__ == "__main__":
    sys.exit(main())
