//! The `dgnn` binary: parses the command line and hands over to the application layer in
//! `lib.rs`. Errors end the process with a one-line message and exit code 1 (2 for usage errors,
//! which clap reports itself; 130 for a run stopped early by Ctrl-C; a command's own status where
//! it documents one, see `dgnn::exit_status`).

use clap::Parser;

fn main() {
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
