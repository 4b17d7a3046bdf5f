//! Faults while writing: `kill -9` at random moments during `index`,
//! `index --rebuild` and `retag`; a crash just before and just after the
//! commit; a full disk; afterwards the index must hold exactly the articles of
//! its last completed state, answer searches, and let the next run complete.
//!
//! The kill moments are random: each run prints its seed, and
//! `NEWSDEX_FAULT_SEED=<seed>` replays it. `NEWSDEX_FAULT_TRIALS` sets the
//! trials per command (default 8, so 24 in all).

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use tempfile::TempDir;

struct Rng(u64);

impl Rng {
    fn new(what: &str) -> Rng {
        let seed = std::env::var("NEWSDEX_FAULT_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        eprintln!("{what}: NEWSDEX_FAULT_SEED={seed}");
        Rng(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Uniform in [0, max).
    fn below(&mut self, max: Duration) -> Duration {
        let millis = max.as_millis().max(1) as u64;
        Duration::from_millis(self.next() % millis)
    }
}

fn trials() -> usize {
    std::env::var("NEWSDEX_FAULT_TRIALS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8)
}

/// Starts `cmd`, kills it with SIGKILL after `delay` (unless it finished
/// first); true if it was killed.
fn kill_after(cmd: &mut Command, delay: Duration) -> bool {
    let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let deadline = Instant::now() + delay;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{cmd:?} failed on its own: {status}");
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    true
}

/// How long a command takes to complete.
fn timed(cmd: &mut Command) -> Duration {
    let started = Instant::now();
    ok(cmd);
    started.elapsed()
}

/// The index opens, answers a search and a filter, and holds one of the
/// `allowed` article counts, each id once; returns the count.
fn check_consistent(index: &Path, allowed: &[u64], what: &str) -> u64 {
    let count = articles(index);
    assert!(
        allowed.contains(&count),
        "{what}: {count} articles, expected one of {allowed:?}"
    );
    assert_eq!(total(index, "*", &[]), count, "{what}");
    assert!(total(index, "trade security", &[]) <= count, "{what}");
    count
}

fn assert_unique_ids(index: &Path, expected: u64) {
    let ids = all_ids(index);
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(ids.len() as u64, expected);
    assert_eq!(unique.len(), ids.len(), "duplicate ids in the index");
}

struct Setup {
    _tmp: TempDir,
    index: PathBuf,
    a: PathBuf,
    b: PathBuf,
    na: u64,
    nb: u64,
}

/// An index of corpus A (100 articles), and corpus B (450 more) beside it.
fn setup() -> Setup {
    let tmp = TempDir::new().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    let na = generate_corpus(&a, "a", 1, 100);
    let nb = generate_corpus(&b, "b", 3, 150);
    let index = tmp.path().join("index");
    ok(newsdex(&index).args(["index", "--quiet"]).arg(&a));
    Setup {
        _tmp: tmp,
        index,
        a,
        b,
        na,
        nb,
    }
}

#[test]
fn kill_9_during_incremental_index() {
    let s = setup();
    let mut rng = Rng::new("index");
    let index_b = || {
        let mut cmd = newsdex(&s.index);
        cmd.args(["index", "--quiet", "--threads", "2"]).arg(&s.b);
        cmd
    };
    let full = timed(&mut index_b());
    ok(newsdex(&s.index).args(["delete", "--source", "b wire"]));
    let (mut old, mut new) = (0, 0);
    for trial in 0..trials() {
        let delay = rng.below(full.mul_f64(1.2));
        kill_after(&mut index_b(), delay);
        let what = format!("index trial {trial}, killed after {delay:?} of {full:?}");
        let count = check_consistent(&s.index, &[s.na, s.na + s.nb], &what);
        if count == s.na {
            old += 1;
        } else {
            new += 1;
            ok(newsdex(&s.index).args(["delete", "--source", "b wire"]));
        }
    }
    eprintln!("index: {} trials, {old} left the old state, {new} the new", trials());
    // The next run completes.
    ok(&mut index_b());
    assert_eq!(articles(&s.index), s.na + s.nb);
    assert_unique_ids(&s.index, s.na + s.nb);
}

#[test]
fn kill_9_during_rebuild() {
    let s = setup();
    let mut rng = Rng::new("rebuild");
    let rebuild = |both: bool| {
        let mut cmd = newsdex(&s.index);
        cmd.args(["index", "--rebuild", "--quiet", "--threads", "2"]).arg(&s.a);
        if both {
            cmd.arg(&s.b);
        }
        cmd
    };
    let full = timed(&mut rebuild(true));
    let mut current = s.na + s.nb;
    let (mut old, mut new) = (0, 0);
    for trial in 0..trials() {
        let both = trial % 2 == 1;
        let target = if both { s.na + s.nb } else { s.na };
        let delay = rng.below(full.mul_f64(1.2));
        kill_after(&mut rebuild(both), delay);
        let what = format!("rebuild trial {trial}, killed after {delay:?} of {full:?}");
        let count = check_consistent(&s.index, &[current, target], &what);
        if count == current && current != target {
            old += 1;
        } else {
            new += 1;
        }
        current = count;
    }
    eprintln!("rebuild: {} trials, {old} left the old state, {new} the new", trials());
    // The next run completes and clears what killed runs left.
    let had_leftovers = !leftovers(&s.index).is_empty();
    let r = ok(&mut rebuild(true));
    if had_leftovers {
        assert!(r.stderr.contains("removed "), "{}", r.stderr);
    }
    assert!(leftovers(&s.index).is_empty(), "{:?}", leftovers(&s.index));
    assert_eq!(articles(&s.index), s.na + s.nb);
    assert_unique_ids(&s.index, s.na + s.nb);
}

#[test]
fn kill_9_during_retag() {
    let s = setup();
    ok(newsdex(&s.index).args(["index", "--quiet"]).arg(&s.b));
    let all = s.na + s.nb;
    let tmp = TempDir::new().unwrap();
    let without_china = dictionaries_without_china(&tmp.path().join("schema"));
    let china_mentions = total(&s.index, "*", &["--mention", "/country/CHN"]);
    assert!(china_mentions > 0);
    let mut rng = Rng::new("retag");
    let retag = |builtin: bool| {
        let mut cmd = newsdex(&s.index);
        cmd.args(["retag", "--threads", "2"]);
        if !builtin {
            cmd.arg("--dictionaries").arg(&without_china);
        }
        cmd
    };
    let full = timed(&mut retag(false));
    ok(&mut retag(true));
    let (mut old, mut new) = (0, 0);
    let mut builtin_now = true;
    for trial in 0..trials() {
        let builtin = trial % 2 == 1;
        let delay = rng.below(full.mul_f64(1.2));
        kill_after(&mut retag(builtin), delay);
        let what = format!("retag trial {trial}, killed after {delay:?} of {full:?}");
        check_consistent(&s.index, &[all], &what);
        // Tags and the manifest that describes them change together.
        let manifest = stats(&s.index)["manifest"].clone();
        let is_builtin = manifest["dictionaries"] == "built-in";
        let expected = if is_builtin { china_mentions } else { 0 };
        assert_eq!(
            total(&s.index, "*", &["--mention", "/country/CHN"]),
            expected,
            "{what}: tags do not match the manifest's dictionaries {}",
            manifest["dictionaries"]
        );
        if is_builtin == builtin_now && builtin_now != builtin {
            old += 1;
        } else {
            new += 1;
        }
        builtin_now = is_builtin;
    }
    eprintln!("retag: {} trials, {old} left the old state, {new} the new", trials());
    ok(&mut retag(true));
    assert!(leftovers(&s.index).is_empty());
    assert_eq!(total(&s.index, "*", &["--mention", "/country/CHN"]), china_mentions);
    assert_unique_ids(&s.index, all);
}

#[test]
fn crash_just_before_and_just_after_the_commit() {
    if !cfg!(debug_assertions) {
        eprintln!("skipping: failpoints exist in debug builds only (run without --release)");
        return;
    }
    let s = setup();
    for (point, expected) in [("before-commit", s.na), ("after-commit", s.na + s.nb)] {
        let out = newsdex(&s.index)
            .args(["index", "--quiet"])
            .arg(&s.b)
            .env("NEWSDEX_FAILPOINT", point)
            .output()
            .unwrap();
        assert_no_panic(&point, &String::from_utf8_lossy(&out.stderr));
        assert!(!out.status.success(), "{point}: the failpoint did not fire");
        check_consistent(&s.index, &[expected], point);
    }
    // The next run completes: everything is already there.
    let r = ok(newsdex(&s.index).args(["index", "--quiet"]).arg(&s.a).arg(&s.b));
    assert_eq!(summary(&r.stderr)["unchanged"], s.na + s.nb, "{}", r.stderr);
}

/// A small file system for the index: a 384 KB tmpfs when this test may mount
/// one (root in a container that allows it), unmounted on drop.
struct SmallDisk {
    dir: TempDir,
    mounted: bool,
}

impl SmallDisk {
    fn new() -> SmallDisk {
        let dir = TempDir::new().unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=384k", "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        SmallDisk { dir, mounted }
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        if self.mounted {
            let _ = Command::new("umount").arg(self.dir.path()).status();
        }
    }
}

/// Runs newsdex so that writing runs out of room: on the small tmpfs, or,
/// where mounting is not allowed, under a file size limit (`ulimit -f`, with
/// SIGXFSZ ignored so writes fail with EFBIG instead of killing the process).
fn out_of_room(disk: &SmallDisk, index: &Path, args: &[std::ffi::OsString]) -> Run {
    let mut cmd = if disk.mounted {
        newsdex(index)
    } else {
        let mut cmd = Command::new("sh");
        cmd.env_clear()
            .env("NEWSDEX_INDEX", index)
            .current_dir(manifest_dir())
            .arg("-c")
            .arg("trap '' XFSZ; ulimit -f 256; exec \"$0\" \"$@\"")
            .arg(binary());
        cmd
    };
    run(cmd.args(args))
}

#[test]
fn a_full_disk_is_a_clear_error_and_the_index_stays() {
    let disk = SmallDisk::new();
    eprintln!(
        "disk full by {}",
        if disk.mounted { "a 384 KB tmpfs" } else { "ulimit -f" }
    );
    let tmp = TempDir::new().unwrap();
    let big = tmp.path().join("big");
    // Several times what the disk holds (merges now wait for the commit, so
    // a corpus the disk can hold unmerged is indexed).
    let n = generate_corpus(&big, "big", 4, 1200);
    let index = disk.dir.path().join("index");
    ok(newsdex(&index).args(["index", "--quiet"]).arg(corpus_dir()));
    let ids = all_ids(&index);

    for args in [vec!["index", "--quiet"], vec!["index", "--quiet", "--rebuild"]] {
        let mut argv: Vec<std::ffi::OsString> = args.iter().map(|a| a.into()).collect();
        argv.push(corpus_dir().into());
        argv.push(big.clone().into());
        let r = out_of_room(&disk, &index, &argv);
        assert_eq!(
            r.code, 2,
            "{args:?} indexed {n} articles into a tiny disk: {}",
            r.stderr
        );
        let error = r.stderr.lines().last().unwrap();
        assert!(error.starts_with("newsdex: error: "), "{args:?}: {}", r.stderr);
        assert!(error.contains("disk is full"), "{args:?}: {error}");
        assert!(error.contains("as it was before"), "{args:?}: {error}");
        assert_eq!(all_ids(&index), ids, "{args:?}: the previous index changed");
        assert!(leftovers(&index).is_empty(), "{args:?}: {:?}", leftovers(&index));
    }
    // Room enough for small changes still: a delete and a search work.
    ok(newsdex(&index).args(["delete", "--id", "wire-0002"]));
    assert_eq!(articles(&index), ids.len() as u64 - 1);
}
