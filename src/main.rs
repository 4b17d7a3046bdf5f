//! The `newsdex` binary: parse, run, map the outcome to an exit code
//! (0 results, 1 no results, 2 error).

mod cli;
mod serve;

use std::io;
use std::process::ExitCode;

use clap::Parser;

// Tagging and tantivy's document building make many small, short-lived
// allocations; mimalloc serves them faster than glibc's malloc (about 12% off
// indexing the 1x bench corpus; CHANGELOG). The benches set it too.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    // A damaged index can make tantivy panic while reading it. Whatever the
    // cause, the user gets the same one-line error as for any other failure,
    // not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown failure".into());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "newsdex: error: internal failure ({}{place}); if the index is damaged, rebuild it with `newsdex index PATH... --rebuild`",
            message.lines().next().unwrap_or("")
        );
    }));
    match std::panic::catch_unwind(|| cli::run(cli)) {
        Ok(Ok(cli::Outcome::Success)) => ExitCode::SUCCESS,
        Ok(Ok(cli::Outcome::NoResults)) => ExitCode::from(1),
        Ok(Err(err)) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Ok(Err(err)) => {
            eprintln!("newsdex: error: {err:#}");
            ExitCode::from(2)
        }
        Err(_) => ExitCode::from(2),
    }
}

/// A reader that stopped reading (`newsdex search … | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
