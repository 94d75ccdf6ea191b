//! Child processes for the conformance checks, every wait bounded: local servers that announce
//! their address on their first stdout line (the emulator, the official verifier) and commands
//! whose output is captured.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// How long a server may take to print its `listening on http://...` line.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// How long to wait for a finished command's pipes to close.
const PIPE_DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// A server started for one check. Dropping it kills the process and waits for it, so a check
/// that fails half-way (or panics) never leaves a server behind.
pub struct Server {
    child: Child,
    /// Held open: the official verifier stops when its stdin closes.
    _stdin: Option<ChildStdin>,
    /// `http://127.0.0.1:<port>`, from the first stdout line.
    pub url: String,
    /// Where the server's stderr goes (shown when something fails).
    pub stderr_log: std::path::PathBuf,
    name: String,
}

impl Server {
    /// Starts `cmd` and waits (bounded) for its first stdout line, which must be
    /// `listening on http://127.0.0.1:<port>`. Stderr goes to `stderr_log`.
    pub fn start(name: &str, mut cmd: Command, stderr_log: &Path) -> Result<Server, String> {
        let stderr = File::create(stderr_log)
            .map_err(|e| format!("cannot create {}: {e}", stderr_log.display()))?;
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .map_err(|e| format!("cannot start the {name}: {e}"))?;
        let stdin = child.stdin.take();
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("the {name}'s stdout was not captured"));
        };
        let (first_line, lines) = mpsc::channel();
        // Reads the first line, then drains stdout so the server never blocks on a full pipe.
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = first_line.send(reader.read_line(&mut line).map(|_| line));
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let mut server = Server {
            child,
            _stdin: stdin,
            url: String::new(),
            stderr_log: stderr_log.to_path_buf(),
            name: name.to_owned(),
        };
        let line = match lines.recv_timeout(STARTUP_TIMEOUT) {
            Ok(Ok(line)) => line,
            Ok(Err(e)) => return Err(format!("reading the {name}'s stdout failed: {e}")),
            Err(_) => {
                return Err(format!(
                    "the {name} printed no `listening on` line within {} s{}",
                    STARTUP_TIMEOUT.as_secs(),
                    server.stderr_tail()
                ))
            }
        };
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_default();
        if !url.starts_with("http://127.0.0.1:") {
            return Err(format!(
                "the {name}'s first stdout line is {:?}, not `listening on http://127.0.0.1:<port>`{}",
                line.trim(),
                server.stderr_tail()
            ));
        }
        server.url = url.trim_end_matches('/').to_owned();
        Ok(server)
    }

    /// The last lines of the server's stderr, formatted to follow an error message.
    pub fn stderr_tail(&self) -> String {
        tail_of_file(&self.stderr_log, &format!("{} stderr", self.name))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a command printed until it finished or was killed.
pub struct Captured {
    /// How it exited.
    pub status: ExitStatus,
    /// It did not finish in time and was killed; the output is what it printed until then.
    pub timed_out: bool,
    /// Everything on stdout.
    pub stdout: String,
    /// Everything on stderr.
    pub stderr: String,
}

/// Runs `cmd` to completion with stdout and stderr captured, killing it after `timeout` (the
/// output printed until then is kept: a driver's finished cases still count).
pub fn run_captured(cmd: &mut Command, timeout: Duration) -> Result<Captured, String> {
    run(cmd.stderr(Stdio::piped()), timeout)
}

/// Like [`run_captured`], but stderr goes to ours (for cargo's progress and errors).
pub fn run_stdout_captured(cmd: &mut Command, timeout: Duration) -> Result<Captured, String> {
    run(cmd.stderr(Stdio::inherit()), timeout)
}

fn run(cmd: &mut Command, timeout: Duration) -> Result<Captured, String> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start `{program}`: {e}"))?;
    let stdout = child.stdout.take().map(read_in_background);
    let stderr = child.stderr.take().map(read_in_background);
    let deadline = Instant::now() + timeout;
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                timed_out = true;
                let _ = child.kill();
                match child.wait() {
                    Ok(status) => break status,
                    Err(e) => return Err(format!("waiting for `{program}` failed: {e}")),
                }
            }
            Ok(None) => thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("waiting for `{program}` failed: {e}")),
        }
    };
    // A grandchild that outlives the command (a test binary of a killed `cargo test`) may hold
    // the pipes open: what was read by then is enough.
    let collect = |reader: Option<mpsc::Receiver<String>>| {
        reader
            .and_then(|r| r.recv_timeout(PIPE_DRAIN_TIMEOUT).ok())
            .unwrap_or_default()
    };
    Ok(Captured {
        status,
        timed_out,
        stdout: collect(stdout),
        stderr: collect(stderr),
    })
}

fn read_in_background(mut pipe: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        let _ = sender.send(String::from_utf8_lossy(&bytes).into_owned());
    });
    receiver
}

/// The last lines of a text, formatted to follow an error message (empty if there are none).
pub fn tail(text: &str, label: &str) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return String::new();
    }
    let start = lines.len().saturating_sub(8);
    format!("\n    {label}:\n      {}", lines[start..].join("\n      "))
}

fn tail_of_file(path: &Path, label: &str) -> String {
    std::fs::read_to_string(path)
        .map(|text| tail(&text, label))
        .unwrap_or_default()
}
