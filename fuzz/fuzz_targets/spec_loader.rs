//! libFuzzer target `spec_loader`: the body is `fuzz_runner::targets::spec_loader::run`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fuzz_runner::targets::spec_loader::run(data);
});
