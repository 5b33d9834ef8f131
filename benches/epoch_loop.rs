//! The epoch loop of each trainer, in net-epochs per second (criterion's element throughput).
//! One net-epoch = one full-batch gradient step of one 2-2-1 net over the four XOR cases.
//! Single-threaded: `xorsweep bench` measures threads.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use xorsweep::bench::{bench_nets, bench_spec};
use xorsweep::train::{Precision, batch, reference};

fn epoch_loop(c: &mut Criterion) {
    let epochs = 200;
    let spec = bench_spec(epochs);
    let mut group = c.benchmark_group("epoch_loop");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_millis(500));

    let (inits, lrs) = bench_nets(256);
    group.throughput(Throughput::Elements(inits.len() as u64 * u64::from(epochs)));
    group.bench_function("scalar_f64", |b| {
        b.iter(|| {
            for (p, lr) in inits.iter().zip(&lrs) {
                black_box(reference::train(*p, *lr, &spec));
            }
        })
    });

    let (inits, lrs) = bench_nets(4096);
    group.throughput(Throughput::Elements(inits.len() as u64 * u64::from(epochs)));
    for (name, precision) in [("simd_f64", Precision::F64), ("simd_f32", Precision::F32)] {
        group.bench_function(name, |b| {
            b.iter(|| black_box(batch::train(precision, &inits, &lrs, &spec)))
        });
    }
    group.finish();
}

criterion_group!(benches, epoch_loop);
criterion_main!(benches);
