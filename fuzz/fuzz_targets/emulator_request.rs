//! libFuzzer target `emulator_request`: the body is `fuzz_runner::targets::emulator_request::run`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fuzz_runner::targets::emulator_request::run(data);
});
