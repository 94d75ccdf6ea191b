//! `cargo xtask bench [--quick]`: every run-time benchmark of issue 14 in one go, and one table
//! of ours against each baseline (README, "Performance").
//!
//! It runs, each in its own process, and collects their figures:
//! - the signing bench (`cloud-transport`, criterion): ours vs the bare crypto, both measured in
//!   the same alternating rounds (the bench's `paired` lines);
//! - the runtime bench (`cloudcall-tests`): client throughput, decoding and emulator
//!   throughput, which prints its own rows;
//! - the allocations bench (`cloudcall-tests`): heap allocations per client call, ours vs the
//!   same baseline as the client rows (a count, which the machine's load does not move);
//! - `scripts/bench-cli.sh` (hyperfine): CLI start-up, skipped with a note without hyperfine.
//!
//! Not a test: it measures and prints; it does not judge. `--quick` runs each for a few seconds.

use std::path::Path;
use std::process::Command;

use crate::cargo_env;

/// Runs the benchmarks and prints the table.
pub fn run(root: &Path, quick: bool) -> Result<(), String> {
    let mut rows: Vec<String> = Vec::new();

    let mut signing = vec![
        "bench",
        "-p",
        "cloud-transport",
        "--features",
        "tencent,huawei",
        "--bench",
        "signing",
        "--",
    ];
    if quick {
        signing.extend(["--warm-up-time", "0.5", "--measurement-time", "1"]);
    }
    let output = cargo(root, &signing)?;
    rows.extend(signing_rows(&output));

    let mut runtime = vec!["bench", "-p", "cloudcall-tests", "--bench", "runtime", "--"];
    if quick {
        runtime.push("--quick");
    }
    // The allocations bench counts rather than times: it is as short in both modes.
    let allocations = ["bench", "-p", "cloudcall-tests", "--bench", "allocations"];
    for args in [&runtime[..], &allocations[..]] {
        let output = cargo(root, args)?;
        rows.extend(
            output
                .lines()
                .filter(|line| line.starts_with("| ") && !line.starts_with("| what "))
                .map(str::to_owned),
        );
    }

    match cli_rows(root, quick) {
        Ok(cli) => rows.extend(cli),
        Err(note) => rows.push(format!("| CLI start-up | skipped: {note} | | | < 20 ms |")),
    }

    println!(
        "\nissue 14 benchmarks ({}), ours vs baseline in the same run",
        if quick { "quick" } else { "full" }
    );
    println!("| what | ours | baseline | ratio | goal |");
    println!("|---|---|---|---|---|");
    for row in rows {
        println!("{row}");
    }
    Ok(())
}

/// Runs cargo with `args` in `root`, its output shown as it comes and returned.
fn cargo(root: &Path, args: &[&str]) -> Result<String, String> {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(program);
    cmd.current_dir(root).args(args);
    cargo_env::remove_package_variables(&mut cmd);
    eprintln!("running cargo {}", args.join(" "));
    let output = cmd
        .output()
        .map_err(|e| format!("error: cannot run cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    print!("{stdout}");
    if !output.status.success() {
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        return Err(format!("error: cargo {} failed", args.join(" ")));
    }
    Ok(stdout)
}

/// The signing rows: the bench's `paired <group>/<what>: ours <t> us, bare crypto <t> us, ...`
/// lines (ours and the bare crypto from the same alternating rounds), and for a pair without such
/// a line, criterion's `<group>/<name>` then `time: [low mid high]` lines: each `ours, X` against
/// `bare crypto, X` (the `(...)` naming the function called is left out of the match).
fn signing_rows(output: &str) -> Vec<String> {
    let row = |what: &str, ours: f64, bare: f64| {
        format!(
            "| signing {what} | {:.2}us | {:.2}us | {:.2}x | <= 1.3x |",
            ours * 1e6,
            bare * 1e6,
            ours / bare
        )
    };
    let paired: Vec<(String, f64, f64)> = output.lines().filter_map(paired_line).collect();
    let mut times: Vec<(String, f64)> = Vec::new();
    let mut name: Option<String> = None;
    for line in output.lines() {
        let line = line.trim();
        if let Some(at) = line.find("time:") {
            let head = line[..at].trim();
            if !head.is_empty() {
                name = Some(head.to_owned());
            }
            if let (Some(name), Some(mid)) = (name.take(), middle_time(&line[at..])) {
                times.push((name, mid));
            }
        } else if line.starts_with("tc3/") || line.starts_with("huawei/") {
            name = Some(line.to_owned());
        }
    }
    let key = |name: &str, prefix: &str| -> Option<String> {
        let (group, rest) = name.split_once('/')?;
        let rest = rest.strip_prefix(prefix)?;
        let rest = rest.split(" (").next().unwrap_or(rest);
        Some(format!("{group}: {rest}"))
    };
    let mut rows = Vec::new();
    for (name, ours) in &times {
        let Some(what) = key(name, "ours, ") else {
            continue;
        };
        if let Some((_, ours, bare)) = paired.iter().find(|(w, _, _)| *w == what) {
            rows.push(row(&what, *ours, *bare));
            continue;
        }
        let Some((_, bare)) = times
            .iter()
            .find(|(other, _)| key(other, "bare crypto, ").as_deref() == Some(what.as_str()))
        else {
            continue;
        };
        rows.push(row(&what, *ours, *bare));
    }
    rows
}

/// `paired huawei/PUT ssl-option: ours 1.2345 us, bare crypto 0.9876 us, ratio 1.25x, ...` as
/// (`huawei: PUT ssl-option`, ours, bare) in seconds.
fn paired_line(line: &str) -> Option<(String, f64, f64)> {
    let rest = line.trim().strip_prefix("paired ")?;
    let (name, rest) = rest.split_once(": ours ")?;
    let (ours, rest) = rest.split_once(" us, bare crypto ")?;
    let (bare, _) = rest.split_once(" us")?;
    let (group, what) = name.split_once('/')?;
    let micros = |text: &str| text.trim().parse::<f64>().ok().map(|t| t * 1e-6);
    Some((format!("{group}: {what}"), micros(ours)?, micros(bare)?))
}

/// The middle of criterion's `time: [1.2 µs 1.3 µs 1.4 µs]`, in seconds.
fn middle_time(text: &str) -> Option<f64> {
    let inside = text.split_once('[')?.1.split_once(']')?.0;
    let words: Vec<&str> = inside.split_whitespace().collect();
    let (value, unit) = (words.get(2)?, words.get(3)?);
    let value: f64 = value.parse().ok()?;
    let scale = match *unit {
        "ns" => 1e-9,
        "µs" | "us" => 1e-6,
        "ms" => 1e-3,
        "s" => 1.0,
        _ => return None,
    };
    Some(value * scale)
}

/// `scripts/bench-cli.sh` through hyperfine: each command's mean, against `cloudcall
/// --version` (the process start-up floor).
fn cli_rows(root: &Path, quick: bool) -> Result<Vec<String>, String> {
    let have = Command::new("hyperfine").arg("--version").output();
    if !have.is_ok_and(|o| o.status.success()) {
        return Err("hyperfine is not installed (scripts/install-bench-tools.sh)".to_owned());
    }
    let json = root.join("target/bench-cli.json");
    let mut cmd = Command::new("bash");
    cmd.current_dir(root).arg("scripts/bench-cli.sh");
    if quick {
        cmd.arg("--quick");
    }
    cmd.arg(&json);
    cargo_env::remove_package_variables(&mut cmd);
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run scripts/bench-cli.sh: {e}"))?;
    if !status.success() {
        return Err("scripts/bench-cli.sh failed".to_owned());
    }
    let text = std::fs::read_to_string(&json).map_err(|e| format!("{}: {e}", json.display()))?;
    let report: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", json.display()))?;
    let results = report["results"].as_array().cloned().unwrap_or_default();
    let mean = |r: &serde_json::Value| r["mean"].as_f64().unwrap_or(f64::NAN);
    let floor = results
        .iter()
        .find(|r| r["command"].as_str().is_some_and(|c| c.contains("floor")))
        .map_or(f64::NAN, mean);
    Ok(results
        .iter()
        .filter(|r| r["command"].as_str().is_some_and(|c| !c.contains("floor")))
        .map(|r| {
            format!(
                "| CLI {} | {:.1} ms (min {:.1}) | {:.1} ms (--version) | {:.2}x | < 20 ms |",
                r["command"].as_str().unwrap_or("?"),
                mean(r) * 1e3,
                r["min"].as_f64().unwrap_or(f64::NAN) * 1e3,
                floor * 1e3,
                mean(r) / floor
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_lines_take_the_place_of_criterion_rows() {
        let output = "\
tc3/ours, cached key (Signer::authorization)
                        time:   [700.00 ns 800.00 ns 900.00 ns]
tc3/bare crypto, cached key
                        time:   [900.00 ns 1.0000 µs 1.1000 µs]
huawei/ours, PUT ssl-option
                        time:   [1.2000 µs 1.3000 µs 1.4000 µs]
huawei/ours, every string, PUT ssl-option
                        time:   [2.2000 µs 2.3000 µs 2.4000 µs]
huawei/bare crypto, PUT ssl-option
                        time:   [900.00 ns 1.0000 µs 1.1000 µs]
paired huawei/PUT ssl-option: ours 1.2000 us, bare crypto 1.0000 us, ratio 1.20x, samples 240
";
        assert_eq!(
            signing_rows(output),
            [
                "| signing tc3: cached key | 0.80us | 1.00us | 0.80x | <= 1.3x |",
                "| signing huawei: PUT ssl-option | 1.20us | 1.00us | 1.20x | <= 1.3x |",
            ]
        );
        assert_eq!(paired_line("paired x: ours 1 us"), None);
    }
}
