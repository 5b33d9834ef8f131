//! The one progress bar style of every long command (sweep, map): on stderr, only when it is a
//! terminal and the user did not ask for quiet.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar over `total` units with elapsed time, percentage, ETA and a message.
pub fn bar(total: u64, quiet: bool) -> ProgressBar {
    let target = if quiet || !std::io::stderr().is_terminal() {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let pb = ProgressBar::with_draw_target(Some(total), target);
    pb.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {percent:>3}%  ETA {eta}  {msg}",
        )
        .expect("valid template"),
    );
    pb
}
