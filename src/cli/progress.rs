//! Progress and notices while a writing command runs: a progress bar on a
//! terminal, the first few messages of each kind, and the rejects file.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use newsdex::ops::{Notice, Observer};

/// Prints notices to stderr (the first few of each kind), writes rejections
/// to the rejects file, and drives the progress bar.
pub struct CliObserver {
    bar: ProgressBar,
    quiet: bool,
    rejects: Option<Mutex<BufWriter<File>>>,
    rejects_error: Mutex<Option<io::Error>>,
    shown: [AtomicUsize; 3],
}

const SHOWN_PER_KIND: usize = 20;

impl CliObserver {
    pub fn new(total_bytes: u64, quiet: bool, rejects: Option<Mutex<BufWriter<File>>>) -> CliObserver {
        let bar = if quiet || !io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} · {msg}")
                    .expect("valid template"),
            );
            bar
        };
        CliObserver {
            bar,
            quiet,
            rejects,
            rejects_error: Mutex::new(None),
            shown: Default::default(),
        }
    }

    fn say(&self, kind: usize, line: String) {
        if self.quiet {
            return;
        }
        let shown = self.shown[kind].fetch_add(1, Ordering::Relaxed);
        if shown < SHOWN_PER_KIND {
            self.bar.suspend(|| eprintln!("{line}"));
        }
    }

    pub fn finish(&self) -> Result<()> {
        self.bar.finish_and_clear();
        if let Some(err) = self.rejects_error.lock().expect("lock").take() {
            return Err(err).context("writing the rejects file failed");
        }
        if let Some(file) = &self.rejects {
            file.lock()
                .expect("lock")
                .flush()
                .context("writing the rejects file failed")?;
        }
        if !self.quiet {
            for (kind, name) in ["rejected records", "warnings", "duplicate ids"].iter().enumerate() {
                let shown = self.shown[kind].load(Ordering::Relaxed);
                if shown > SHOWN_PER_KIND {
                    let hint = if kind == 0 {
                        "; --rejects FILE lists them all"
                    } else {
                        ""
                    };
                    eprintln!("… and {} more {name}{hint}", shown - SHOWN_PER_KIND);
                }
            }
        }
        Ok(())
    }
}

impl Observer for CliObserver {
    fn notice(&self, notice: Notice<'_>) {
        match notice {
            Notice::Rejected(rejection) => {
                if let Some(file) = &self.rejects {
                    let mut file = file.lock().expect("lock");
                    let written = serde_json::to_writer(&mut *file, rejection)
                        .map_err(io::Error::from)
                        .and_then(|()| writeln!(file));
                    if let Err(err) = written {
                        self.rejects_error.lock().expect("lock").get_or_insert(err);
                    }
                }
                self.say(0, format!("rejected {}: {}", rejection.location, rejection.reason));
            }
            Notice::Warning { location, message } => self.say(1, format!("warning {location}: {message}")),
            Notice::Cleaned { path } => self.bar.suspend(|| say_cleaned(path)),
            Notice::Duplicate {
                location,
                id,
                same_content,
            } => {
                let what = if same_content {
                    "repeats"
                } else {
                    "reuses, with different content,"
                };
                self.say(
                    2,
                    format!("duplicate {location}: {what} id {id:?} seen earlier in this run; kept the first"),
                );
            }
        }
    }

    fn progress(&self, bytes: u64, articles: u64) {
        self.bar.set_position(bytes);
        self.bar.set_message(format!("{articles} articles"));
    }
}

/// Tells the user that an interrupted run's leftovers were removed.
pub fn say_cleaned(path: &Path) {
    eprintln!(
        "removed {}: an unfinished index left by an interrupted run",
        path.display()
    );
}
