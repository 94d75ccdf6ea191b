//! libFuzzer target `cli_values`: the body is `fuzz_runner::targets::cli_values::run`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fuzz_runner::targets::cli_values::run(data);
});
