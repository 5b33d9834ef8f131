//! The epoch loop of each trainer, in net-epochs per second (criterion's element throughput).
//! One net-epoch = one full-batch gradient step of one 2-2-1 net over the four XOR cases.
//! Single-threaded: `xorsweep bench` measures threads.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use xorsweep::bench::{bench_nets, bench_spec};
use xorsweep::train::{Options, Precision, batch, reference};

fn epoch_loop(c: &mut Criterion) {
    let epochs = 200;
    let spec = bench_spec(epochs);
    let mut group = c.benchmark_group("epoch_loop");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_millis(500));

    let nets = bench_nets(256, Options::LESSON);
    group.throughput(Throughput::Elements(nets.len() as u64 * u64::from(epochs)));
    group.bench_function("scalar_f64", |b| {
        b.iter(|| {
            for net in &nets {
                black_box(reference::train(net, &spec));
            }
        })
    });

    let nets = bench_nets(4096, Options::LESSON);
    group.throughput(Throughput::Elements(nets.len() as u64 * u64::from(epochs)));
    for (name, precision) in [("simd_f64", Precision::F64), ("simd_f32", Precision::F32)] {
        group.bench_function(name, |b| {
            b.iter(|| black_box(batch::train(precision, &nets, &spec)))
        });
    }
    group.finish();
}

criterion_group!(benches, epoch_loop);
criterion_main!(benches);
