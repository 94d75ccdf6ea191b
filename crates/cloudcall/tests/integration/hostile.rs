//! A hostile or broken endpoint cannot reach the user's terminal through the CLI: the control
//! characters in what it sends are shown, not obeyed.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use cloud_emulator::demo_data::{GEMINIDB_INSTANCE, MONGODB_OTHER_INSTANCE, TENCENT_REGION};

use crate::common::{demo_env, run_binary};

/// Serves `connections` requests on a loopback port, each answered with `body` (HTTP 200, JSON),
/// then stops; returns the base URL.
fn fixed_answer_server(body: &'static str, connections: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    std::thread::spawn(move || {
        for stream in listener.incoming().take(connections) {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            // Read the request head and body (small: one signed JSON call) before answering.
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                request.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&request);
                if let Some(head_end) = text.find("\r\n\r\n") {
                    let length = text[..head_end]
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    if request.len() >= head_end + 4 + length {
                        break;
                    }
                }
            }
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    url
}

#[test]
fn server_error_texts_reach_stderr_with_their_control_characters_escaped() {
    // ESC sequences (set the window title, clear the screen), BEL, CR and a C1 CSI in the
    // code, the message and the request id.
    const BODY: &str = r#"{"Response":{"Error":{"Code":"Bad\u001b]0;pwned\u0007Code","Message":"looks fine\r\u001b[2Jgone \u009b31m"},"RequestId":"req\u001b[1A-1"}}"#;
    let url = fixed_answer_server(BODY, 4);
    let home = std::env::temp_dir().join(format!("cloudcall-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&home).expect("temp home");
    let args: Vec<String> = [
        "--endpoint",
        url.as_str(),
        "tencent-mongodb",
        "describe-instance-ssl",
        "--instance-id",
        MONGODB_OTHER_INSTANCE,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let run = run_binary(&args, &demo_env(), &home);
    let _ = std::fs::remove_dir_all(&home);
    run.expect_status(1);
    for raw in ['\u{1b}', '\u{7}', '\r', '\u{9b}'] {
        assert!(
            !run.stderr.contains(raw) && !run.stdout.contains(raw),
            "raw {raw:?} reached the terminal:\n{:?}",
            run.stderr
        );
    }
    // What the server said is still all there, made visible.
    for shown in [
        r"Bad\u{1b}]0;pwned\u{7}Code",
        r"looks fine\u{d}\u{1b}[2Jgone \u{9b}31m",
        r"req\u{1b}[1A-1",
    ] {
        assert!(
            run.stderr.contains(shown),
            "{shown} missing in:\n{}",
            run.stderr
        );
    }
}

#[test]
fn endless_or_huge_files_fail_at_once_with_the_limit_named() {
    let h = crate::common::Harness::start(Duration::from_millis(50));
    // --cli-input-json from a device that never ends: a usage error, nothing sent.
    let run = h.cloudcall(&[
        "tencent-mongodb",
        "describe-instance-ssl",
        "--cli-input-json",
        "file:///dev/zero",
    ]);
    run.expect_status(2);
    assert!(
        run.stderr.contains("limit of 10485760 bytes"),
        "{}",
        run.stderr
    );
    assert!(
        run.elapsed < Duration::from_secs(20),
        "took {:?}",
        run.elapsed
    );

    // A credentials file that never ends: a credentials error naming the file, nothing sent.
    let env: Vec<(&str, String)> = vec![
        ("TENCENTCLOUD_CREDENTIALS_FILE", "/dev/zero".to_owned()),
        ("TENCENTCLOUD_REGION", TENCENT_REGION.to_owned()),
    ];
    let run = h.cloudcall_env(
        &[
            "tencent-mongodb",
            "describe-instance-ssl",
            "--instance-id",
            MONGODB_OTHER_INSTANCE,
        ],
        &env,
    );
    run.expect_status(1);
    assert!(
        run.stderr.contains("/dev/zero") && run.stderr.contains("limit of 1048576 bytes"),
        "{}",
        run.stderr
    );
    assert_eq!(h.emulator.request_count("DescribeInstanceSSL"), 0);
}

#[test]
fn proxy_variables_never_carry_a_loopback_request() {
    // A "proxy" that counts the connections it gets and answers none of them usefully.
    let proxy = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let proxy_url = format!("http://{}", proxy.local_addr().expect("address"));
    proxy.set_nonblocking(true).expect("nonblocking");
    let h = crate::common::Harness::start(Duration::from_millis(50));
    let mut env = demo_env();
    for var in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"] {
        env.push((var, proxy_url.clone()));
    }
    let run = h.cloudcall_env(
        &[
            "tencent-mongodb",
            "describe-instance-ssl",
            "--instance-id",
            MONGODB_OTHER_INSTANCE,
        ],
        &env,
    );
    let proxied = std::iter::from_fn(|| proxy.accept().ok()).count();
    assert_eq!(proxied, 0, "the signed request went through the proxy");
    run.expect_status(0);
    assert_eq!(h.emulator.request_count("DescribeInstanceSSL"), 1);
}

#[test]
fn a_missing_region_is_a_usage_error_and_nothing_is_sent() {
    let h = crate::common::Harness::start(Duration::from_millis(50));
    let env: Vec<(&str, String)> = demo_env()
        .into_iter()
        .filter(|(k, _)| !k.ends_with("_REGION"))
        .collect();
    for args in [
        [
            "tencent-mongodb",
            "describe-instance-ssl",
            "--instance-id",
            MONGODB_OTHER_INSTANCE,
        ],
        [
            "huawei-geminidb",
            "list-instances",
            "--id",
            GEMINIDB_INSTANCE,
        ],
    ] {
        let run = h.cloudcall_env(&args, &env);
        run.expect_status(2);
        assert!(
            run.stderr.contains("need a region") && run.stderr.contains("--region"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(h.emulator.request_count("DescribeInstanceSSL"), 0);
    assert_eq!(h.emulator.request_count("ListInstances"), 0);
}
