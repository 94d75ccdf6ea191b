//! The specs in `specs/README.md` are valid, and the test fixtures are the same text.

use crate::common;

#[test]
fn readme_examples_load_and_validate() {
    let readme = std::fs::read_to_string(common::repo_root().join("specs/README.md")).unwrap();
    let specs = common::markdown_specs(&readme);
    assert_eq!(
        specs.len(),
        2,
        "the README shows one Tencent and one Huawei spec"
    );
    for (spec, file) in specs
        .iter()
        .zip(["specs/tencent/mongodb.yaml", "specs/huawei/geminidb.yaml"])
    {
        if let Err(errors) = common::check(file, spec) {
            panic!("README example {file} is invalid:\n{errors}");
        }
    }
    // The fixtures the error tests edit are exactly the documented examples.
    assert_eq!(specs[0], common::TENCENT);
    assert_eq!(specs[1], common::HUAWEI);
}
