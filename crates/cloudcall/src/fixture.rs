//! Small specs for unit tests: every member type the CLI parses, both vendors, a waiter.
//! Independent of the bundled specs so the tests pin the CLI's own behaviour.

use cloud_spec::Service;
use serde_json::json;

/// A Tencent service shaped like TencentDB for MongoDB, plus members of every type.
pub fn tencent() -> Service {
    serde_json::from_value(json!({
        "vendor": "tencent",
        "name": "mongodb",
        "service": "mongodb",
        "title": "TencentDB for MongoDB",
        "docs": "Manage MongoDB instances.",
        "version": "2019-07-25",
        "endpoint": {
            "global": "mongodb.tencentcloudapi.com",
            "regional": "mongodb.{region}.tencentcloudapi.com"
        },
        "operations": {
            "DescribeInstanceSSL": {
                "docs": "This API is used to view the enabling status of SSL for an instance.\n\nMore text.",
                "read_only": true,
                "rate_limit": 20,
                "input": {
                    "InstanceId": {"type": "string", "required": true, "docs": "Instance ID, in the format of cmgo-p8vnipr5."}
                },
                "output": {
                    "Status": {"type": "SslStatus", "nullable": true},
                    "CertUrl": {"type": "string", "nullable": true},
                    "RequestId": {"type": "string", "required": true}
                },
                "examples": [{
                    "title": "Viewing the status",
                    "input": {"InstanceId": "cmgo-eqmoaxxx"},
                    "output": {"Status": 1, "RequestId": "12345-abcdef"}
                }]
            },
            "InstanceEnableSSL": {
                "docs": "This API is used to set the SSL status for an instance.",
                "input": {
                    "InstanceId": {"type": "string", "required": true, "docs": "Instance ID."},
                    "Enable": {"type": "boolean", "required": true, "docs": "Whether to enable SSL."}
                },
                "output": {
                    "FlowId": {"type": "int64"},
                    "RequestId": {"type": "string", "required": true}
                },
                "waiter": {
                    "operation": "DescribeInstanceSSL",
                    "input": {"InstanceId": "InstanceId"},
                    "until": [
                        {"when": {"Enable": true}, "path": "Status", "equals": 1},
                        {"when": {"Enable": false}, "path": "Status", "equals": 0}
                    ]
                }
            },
            "DescribeEverything": {
                "docs": "An operation with every member type.",
                "input": {
                    "Limit": {"type": "int32", "docs": "Page size."},
                    "Offset": {"type": "uint64"},
                    "Weight": {"type": "float"},
                    "Since": {"type": "timestamp", "format": "%Y-%m-%d %H:%M:%S"},
                    "InstanceIds": {"type": "list<string>"},
                    "Ports": {"type": "list<int32>"},
                    "Status": {"type": "SslStatus"},
                    "Mode": {"type": "SslMode"},
                    "Filter": {"type": "Filter"},
                    "Tags": {"type": "map<string>"},
                    "Extra": {"type": "json"}
                },
                "output": {
                    "RequestId": {"type": "string", "required": true}
                }
            }
        },
        "shapes": {
            "SslStatus": {
                "enum": "integer",
                "values": [
                    {"value": 0, "name": "Disabled", "docs": "SSL is off."},
                    {"value": 1, "name": "Enabled", "docs": "SSL is on."}
                ]
            },
            "SslMode": {
                "enum": "string",
                "values": [
                    {"value": "ON", "name": "On"},
                    {"value": "OFF", "name": "Off"}
                ]
            },
            "Filter": {
                "docs": "A filter.",
                "members": {
                    "Name": {"type": "string", "required": true},
                    "Values": {"type": "list<string>"}
                }
            }
        }
    }))
    .expect("the Tencent fixture is a valid spec")
}

/// A Huawei service shaped like GeminiDB.
pub fn huawei() -> Service {
    serde_json::from_value(json!({
        "vendor": "huawei",
        "name": "geminidb",
        "service": "gaussdbfornosql",
        "title": "GeminiDB",
        "version": "v3",
        "endpoint": {
            "regional": "gaussdb-nosql.{region}.myhuaweicloud.com",
            "region_overrides": {"eu-west-101": "gaussdb-nosql.eu-west-101.myhuaweicloud.eu"}
        },
        "operations": {
            "ListSslCertDownloadAddresses": {
                "docs": "This API is used to obtain the SSL certificate download address.",
                "read_only": true,
                "http": {"method": "GET", "path": "/v3/{project_id}/instances/{instance_id}/ssl-cert/download-link"},
                "input": {
                    "instance_id": {"type": "string", "required": true, "location": "path", "docs": "Instance ID."},
                    "X-Auth-Token": {"type": "string", "location": "header", "docs": "User token."}
                },
                "output": {
                    "certs": {"type": "list<CertInfo>"}
                }
            },
            "SwitchSsl": {
                "docs": "This API is used to enable or disable SSL.",
                "http": {"method": "POST", "path": "/v3/{project_id}/instances/{instance_id}/ssl-option", "success_status": 202},
                "input": {
                    "instance_id": {"type": "string", "required": true, "location": "path"},
                    "ssl_option": {"type": "SslOption", "required": true, "docs": "on or off."}
                },
                "output": {
                    "job_id": {"type": "string"}
                }
            }
        },
        "shapes": {
            "CertInfo": {
                "members": {
                    "category": {"type": "string"},
                    "download_link": {"type": "string"}
                }
            },
            "SslOption": {
                "enum": "string",
                "values": [
                    {"value": "on", "name": "On"},
                    {"value": "off", "name": "Off"}
                ]
            }
        }
    }))
    .expect("the Huawei fixture is a valid spec")
}
