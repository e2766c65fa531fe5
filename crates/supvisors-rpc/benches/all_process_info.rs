//! `getAllProcessInfo` with 1,000 processes, without the HTTP layer: converting the model's
//! infos to XML-RPC values, then encoding the response body.

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use supvisors_proc::model::{ProcessInfo, ProcessState};
use supvisors_rpc::Value;
use supvisors_rpc::codec::encode_response;
use supvisors_rpc::supervisor_ns::convert;

fn infos() -> Vec<ProcessInfo> {
    (0..1000)
        .map(|i| ProcessInfo {
            name: format!("p{i:04}"),
            group: format!("p{i:04}"),
            start: 1_764_000_000,
            stop: 0,
            now: 1_764_000_100,
            state: ProcessState::Running,
            spawnerr: String::new(),
            exitstatus: 0,
            stdout_logfile: String::new(),
            stderr_logfile: String::new(),
            pid: 100_000 + i,
            description: format!("pid {}, uptime 0:01:40", 100_000 + i),
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let infos = infos();
    c.bench_function("all_process_info/convert_encode", |b| {
        b.iter(|| {
            let value = Value::Array(infos.iter().map(convert::process_info).collect());
            encode_response(&value).len()
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
