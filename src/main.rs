//! The `dgnn` binary: parses the command line and hands over to the application layer in
//! `lib.rs`. Errors end the process with a one-line message and exit code 1 (2 for usage errors,
//! which clap reports itself; 130 for a run stopped early by Ctrl-C; a command's own status where
//! it documents one, see `dgnn::exit_status`).

use clap::Parser;

fn main() {
    refuse_a_cpu_without_the_built_features();
    dgnn::output::mark_start();
    let cli = dgnn::Cli::parse();
    if let Err(error) = dgnn::run(cli) {
        if error.is::<dgnn::output::StoppedEarly>() {
            // A deliberate stop is no error: say how to continue.
            eprintln!("{error}");
        } else {
            eprintln!("error: {}", dgnn::output::one_line(&error));
        }
        std::process::exit(dgnn::exit_status(&error));
    }
}

/// A binary built for x86-64-v3 (the default, `.cargo/config.toml`) stops with a clear message
/// on a CPU without AVX2 and FMA, instead of dying on an illegal instruction.
fn refuse_a_cpu_without_the_built_features() {
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2", target_feature = "fma"))]
    if !(std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma"))
    {
        eprintln!(
            "error: this dgnn was built for x86-64-v3 CPUs (AVX2 and FMA), which this CPU is \
             not; build one for it with RUSTFLAGS=\"-C target-cpu=native\" cargo build --release"
        );
        std::process::exit(1);
    }
}
