//! libFuzzer target `response_decoder`: the body is `fuzz_runner::targets::response_decoder::run`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fuzz_runner::targets::response_decoder::run(data);
});
