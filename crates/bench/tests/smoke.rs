//! The smoke mode, in-process: every scenario and floor runs at tiny sizes;
//! only a broken benchmark fails, never a slow one.

#[test]
fn smoke_mode_runs_in_process() {
    let mut log = Vec::new();
    let report = bemx_bench::run(&bemx_bench::Options::smoke_in_process(), &mut log).expect("smoke run");
    assert_eq!(report.scenarios.len(), 2);
    for s in &report.scenarios {
        assert!(s.export.rows > 0 && s.import.rows == s.floor_insert.rows, "{}", s.name);
        assert!(s.pack.bytes == s.floor_pack.bytes && s.pack.bytes == s.composition.archive_bytes, "{}", s.name);
        assert_eq!(s.floor_verify.bytes, s.composition.archive_bytes, "{}", s.name);
    }
    assert!(report.scenarios[0].composition.documents > 0);
    assert!(report.inspect.inspect.get("entries") > 0.0);
    let text = bemx_bench::report::render(&report);
    assert!(text.contains("| A |") && text.contains("| B |") && text.contains("| I |"), "{text}");
}
