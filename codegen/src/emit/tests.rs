//! Emitter tests on small specs built in code; the real specs are compiled and tested through the
//! generated crates themselves.
