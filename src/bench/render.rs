//! Printing benchmark results, hyperfine style: one block per configuration, then comparisons.

use super::ratio::{Spread, scaling, speedup};
use super::roofline::{Limit, Ports, ProbeRates, Roofline};
use super::{Impl, Measurement};

fn spread(m: &Measurement) -> Spread {
    m.spread()
}

fn label(m: &Measurement) -> String {
    let trainer = if m.trainer == "lesson" {
        String::new()
    } else {
        format!("[{}] ", m.trainer)
    };
    format!(
        "{trainer}{} {} × {}",
        m.implementation.name(),
        m.precision,
        plural(m.threads, "thread")
    )
}

/// The header: what the binary was built with and what it is about to measure.
/// "1 thread", "2 threads".
pub fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

pub fn header(threads: usize, nets: usize, epochs: u32, repeats: usize) -> String {
    let unused = crate::cpu::unused_host_features();
    let mut s = format!(
        "CPU features compiled in: {}\nCPU features of this host: {}\nlanes: {} (f64), {} (f32); {} available\n",
        crate::cpu::compiled_features().join(" "),
        crate::cpu::host_features().join(" "),
        crate::train::batch::lane_name(crate::train::Precision::F64),
        crate::train::batch::lane_name(crate::train::Precision::F32),
        plural(threads, "thread"),
    );
    if !unused.is_empty() {
        s.push_str(&format!(
            "warning: this build does not use {} that this CPU has: build with RUSTFLAGS=\"-C target-cpu=native\"\n",
            unused.join(" ")
        ));
    }
    s.push_str(&format!(
        "{nets} nets × {epochs} epochs, {}; one net-epoch = one full-batch step of one net\n\n",
        plural(repeats, "repeat")
    ));
    s
}

/// One configuration's block.
pub fn measurement(m: &Measurement) -> String {
    format!(
        "{}: {:.1} M net-epochs/s ± {:.1}  (median of {}; min {:.1}, max {:.1})\n",
        label(m),
        m.median / 1e6,
        m.mad / 1e6,
        m.rates.len(),
        m.min / 1e6,
        m.max / 1e6
    )
}

/// Comparisons: each lane configuration against the scalar reference on the same threads, and
/// each multi-thread configuration against its single-thread self.
pub fn comparisons(all: &[Measurement]) -> String {
    let mut s = String::new();
    for m in all {
        if m.implementation == Impl::Simd
            && let Some(base) = all.iter().find(|b| {
                b.implementation == Impl::Scalar && b.threads == m.threads && b.trainer == m.trainer
            })
        {
            let (r, e) = speedup(&spread(m), &spread(base));
            s.push_str(&format!(
                "{}: {:.1} M net-epochs/s, {r:.2} ± {e:.2} times faster than {}\n",
                label(m),
                m.median / 1e6,
                label(base)
            ));
        }
        if m.threads > 1
            && let Some(one) = all.iter().find(|b| {
                b.implementation == m.implementation
                    && b.precision == m.precision
                    && b.threads == 1
                    && b.trainer == m.trainer
            })
        {
            let (r, e) = speedup(&spread(m), &spread(one));
            let eff = scaling(&spread(m), &spread(one), m.threads);
            s.push_str(&format!(
                "{}: {r:.2} ± {e:.2} times 1 thread ({:.0} % parallel efficiency)\n",
                label(m),
                eff * 100.0
            ));
        }
    }
    if !s.is_empty() {
        s.insert(0, '\n');
    }
    s
}

/// A rate in G/s to three significant digits, with its MAD: "5.72 G ± 0.03".
fn giga(r: &Spread) -> String {
    let d = if r.median >= 10e9 {
        1
    } else if r.median >= 1e9 {
        2
    } else {
        3
    };
    format!("{:.d$} G ± {:.d$}", r.median / 1e9, r.mad / 1e9)
}

/// The probe's rates of one lane type.
pub fn probe(r: &ProbeRates) -> String {
    let ports = match Ports::judge(r) {
        Ports::Shared => "FMA and add share ports",
        Ports::Apart => "FMA and add have ports apart",
    };
    format!(
        "roofline probe, {} ops/s on 1 thread (median ± MAD of {}):\n  \
         fma {}, add {}, div {}\n  fma+add pairs {}: {ports}\n\n",
        r.lane_type,
        super::roofline::PROBE_REPEATS,
        giga(&r.fma),
        giga(&r.add),
        giga(&r.div),
        giga(&r.fma_add_pairs),
    )
}

/// A measurement's roofline, under its measurement line.
pub fn roofline(r: &Roofline) -> String {
    let o = &r.ops_per_net_epoch;
    let (chosen, other, name, other_name, other_share) = match r.ports {
        Ports::Shared => (
            &r.limit_shared,
            &r.limit_apart,
            "shared",
            "apart",
            r.share_apart,
        ),
        Ports::Apart => (
            &r.limit_apart,
            &r.limit_shared,
            "apart",
            "shared",
            r.share_shared,
        ),
    };
    let limit = |l: &Limit| {
        (
            format!("{:.1} M", l.net_epochs_per_second / 1e6),
            l.bound.name(),
        )
    };
    let ((lim, bound), (other_lim, other_bound)) = (limit(chosen), limit(other));
    format!(
        "  vector ops per net-epoch ({}, {} nets each): {:.2} mul/fma,\n    \
         {:.2} add, {:.2} div, {:.2} other (compare, select, logic, integer)\n  \
         issue limit per core, ports {name}: {lim} net-epochs/s ({bound})\n    \
         ports {other_name}: {other_lim} ({other_bound})\n  \
         kernel: {:.1} M net-epochs per CPU-second ± {:.1} on 1 thread,\n    \
         {:.1} ± {:.1} % of the limit ({:.1} % if ports {other_name})\n",
        r.rates.lane_type,
        r.lanes,
        o.fma,
        o.add,
        o.div,
        o.other,
        r.measured / 1e6,
        r.measured_mad / 1e6,
        100.0 * r.share,
        100.0 * r.share_error,
        100.0 * other_share,
    )
}
