//! The output directory's guarantees: one run at a time, links never
//! followed, all or nothing, only rurban's own unchanged files removed, and
//! no input overwritten.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use rurban_pipeline::outdir::{
    CommitOptions, Input, LOCK_FILE, MANIFEST_FILE, OutputSet, Previous, STAGING_PREFIX,
    read_manifest_of,
};

/// A scratch directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "rurban-outdir-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Scratch(p)
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A run's files: every byte says which run wrote it, and the files are
/// large enough that two writers interleaving would show.
fn set(tag: &str, names: &[&str]) -> OutputSet {
    let mut s = OutputSet::default();
    for (i, n) in names.iter().enumerate() {
        let line = format!("{tag}:{n}\n");
        s.add(*n, line.repeat(4000 + 97 * i).into_bytes());
    }
    s
}

/// Every entry of a directory, name to content (directories as `<dir>`).
fn listing(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().into_string().unwrap();
            let ft = e.file_type().unwrap();
            let bytes = if ft.is_dir() {
                b"<dir>".to_vec()
            } else if ft.is_symlink() {
                format!("<link {}>", std::fs::read_link(e.path()).unwrap().display()).into_bytes()
            } else {
                std::fs::read(e.path()).unwrap()
            };
            (name, bytes)
        })
        .collect()
}

fn remove_opts() -> CommitOptions {
    CommitOptions {
        previous: Previous::Remove,
        ..CommitOptions::default()
    }
}

const FULL: [&str; 4] = ["weights.csv", "scores.csv", "summary.json", "report.html"];
const BARE: [&str; 3] = ["weights.csv", "scores.csv", "summary.json"];

/// The directory holds exactly `expected`'s files (besides the lock, the
/// manifest and the `extra` files of the user), byte for byte, and a
/// manifest listing exactly them.
fn assert_holds(dir: &Path, expected: &OutputSet, extra: &[&str]) {
    let files = listing(dir);
    let mut names: Vec<&str> = files.keys().map(String::as_str).collect();
    names.retain(|n| *n != LOCK_FILE && *n != MANIFEST_FILE && !extra.contains(n));
    let mut want = expected.names();
    want.sort();
    assert_eq!(names, want, "files of the directory");
    for n in expected.names() {
        assert!(
            files[n] == expected.get(n).unwrap(),
            "{n} is not wholly the expected run's"
        );
    }
    let m = read_manifest_of(dir);
    let listed: Vec<&str> = m.files.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(listed, expected.names(), "manifest");
    for e in &m.files {
        assert_eq!(e.size, expected.get(&e.name).unwrap().len() as u64);
    }
}

// ------------------------------------------------------ defect 1: concurrency

#[test]
fn concurrent_commits_leave_one_whole_set_and_no_leftovers() {
    let scratch = Scratch::new("race");
    let dir = scratch.path().join("out");
    let a = Arc::new(set("run-a", &FULL));
    let b = Arc::new(set("run-b", &BARE));
    for round in 0..40 {
        let barrier = Arc::new(Barrier::new(2));
        let handles: Vec<_> = [a.clone(), b.clone()]
            .into_iter()
            .map(|s| {
                let barrier = barrier.clone();
                let dir = dir.clone();
                std::thread::spawn(move || {
                    barrier.wait();
                    s.commit_with(&dir, &remove_opts())
                })
            })
            .collect();
        for h in handles {
            let r = h.join().unwrap();
            assert!(r.is_ok(), "round {round}: {}", r.unwrap_err());
        }
        // Whichever committed last owns every file; nothing else is left.
        let summary = std::fs::read(dir.join("summary.json")).unwrap();
        let last = if summary == a.get("summary.json").unwrap() {
            &*a
        } else {
            &*b
        };
        assert_holds(&dir, last, &[]);
    }
}

#[test]
fn a_second_run_waits_for_the_lock_or_fails_naming_the_directory() {
    let scratch = Scratch::new("lock");
    let dir = scratch.path();
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(dir.join(LOCK_FILE))
        .unwrap();
    lock.lock().unwrap();
    let s = set("x", &BARE);
    let e = s
        .commit_with(
            dir,
            &CommitOptions {
                lock_wait: Duration::ZERO,
                ..CommitOptions::default()
            },
        )
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&format!(
            "another rurban run is writing into {}",
            dir.display()
        )),
        "{e}"
    );
    assert_eq!(listing(dir).keys().collect::<Vec<_>>(), [LOCK_FILE]);
    // Released while the second one waits: it goes ahead.
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        lock.unlock().unwrap();
    });
    s.commit_with(
        dir,
        &CommitOptions {
            lock_wait: Duration::from_secs(20),
            ..CommitOptions::default()
        },
    )
    .unwrap();
    t.join().unwrap();
    assert_holds(dir, &s, &[]);
}

// ---------------------------------------------------- defect 2: planted links

#[cfg(unix)]
#[test]
fn planted_symlinks_are_not_followed() {
    use std::os::unix::fs::symlink;
    let scratch = Scratch::new("links");
    let outside = scratch.path().join("outside.txt");
    std::fs::write(&outside, "secret").unwrap();
    let dir = scratch.path().join("out");
    std::fs::create_dir(&dir).unwrap();
    for name in ["scores.csv.partial", "scores.csv", MANIFEST_FILE] {
        symlink(&outside, dir.join(name)).unwrap();
    }
    let s = set("new", &BARE);
    let done = s.commit_with(&dir, &remove_opts()).unwrap();
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "secret");
    // The link named like a file of the run was replaced by the file; the
    // stray .partial link is the user's and stays as it was.
    assert_holds(&dir, &s, &["scores.csv.partial"]);
    assert!(
        std::fs::symlink_metadata(dir.join("scores.csv.partial"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        done.warnings.iter().any(|w| w.contains(MANIFEST_FILE)),
        "{:?}",
        done.warnings
    );
    // A linked lock file is refused, the target untouched.
    let dir2 = scratch.path().join("out2");
    std::fs::create_dir(&dir2).unwrap();
    symlink(&outside, dir2.join(LOCK_FILE)).unwrap();
    let e = s.commit(&dir2).unwrap_err().to_string();
    assert!(e.contains(LOCK_FILE), "{e}");
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "secret");
    assert_eq!(listing(&dir2).len(), 1);
}

// --------------------------------------------------- defect 3: all or nothing

#[test]
fn a_rename_failing_at_any_step_leaves_exactly_the_old_set() {
    let scratch = Scratch::new("fault");
    let dir = scratch.path();
    let old = set("old", &FULL);
    old.commit_with(dir, &remove_opts()).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let before = listing(dir);
    // A new set that replaces three files, drops one and adds one.
    let new = set(
        "new",
        &["weights.csv", "scores.csv", "summary.json", "kde.csv"],
    );
    let mut k = 1;
    loop {
        let r = new.commit_with(
            dir,
            &CommitOptions {
                previous: Previous::Remove,
                fail_at_rename: Some(k),
                ..CommitOptions::default()
            },
        );
        match r {
            Err(e) => {
                let e = e.to_string();
                assert!(e.contains("injected failure"), "{e}");
                assert!(e.contains("left as it was"), "{e}");
                assert!(
                    listing(dir) == before,
                    "rename {k} failing changed the directory"
                );
                k += 1;
            }
            Ok(done) => {
                // Every rename of the swap was made to fail once before.
                assert!(k > 4, "only {} renames", k - 1);
                assert_eq!(done.removed, [dir.join("report.html")]);
                assert_holds(dir, &new, &["notes.txt"]);
                break;
            }
        }
        assert!(k < 100);
    }
}

#[test]
fn a_commit_killed_at_any_step_is_completed_by_the_next() {
    let new = set(
        "new",
        &["weights.csv", "scores.csv", "summary.json", "kde.csv"],
    );
    let extra = set("extra", &["notes.csv"]);
    for k in 1..=6 {
        let scratch = Scratch::new("killed");
        let dir = scratch.path();
        set("old", &FULL).commit_with(dir, &remove_opts()).unwrap();
        let killed = CommitOptions {
            previous: Previous::Remove,
            fail_at_rename: Some(k),
            crash: true,
            ..CommitOptions::default()
        };
        assert!(new.commit_with(dir, &killed).is_err());
        assert!(
            listing(dir).keys().any(|n| n.starts_with(STAGING_PREFIX)),
            "k = {k}: no staging directory left"
        );
        // The next commit adds one file and finds the killed one.
        let done = extra.commit_with(dir, &CommitOptions::default()).unwrap();
        assert!(
            done.warnings.iter().any(|w| w.contains("interrupted")),
            "k = {k}: {:?}",
            done.warnings
        );
        let mut both = new.clone();
        both.add("notes.csv", extra.get("notes.csv").unwrap().to_vec());
        let files = listing(dir);
        let mut names: Vec<&str> = files.keys().map(String::as_str).collect();
        names.retain(|n| *n != LOCK_FILE && *n != MANIFEST_FILE);
        let mut want = both.names();
        want.sort();
        assert_eq!(names, want, "k = {k}");
        for n in both.names() {
            assert!(files[n] == both.get(n).unwrap(), "k = {k}: {n}");
        }
    }
}

#[test]
fn an_interrupted_commit_without_a_plan_is_discarded() {
    let scratch = Scratch::new("interrupted");
    let dir = scratch.path();
    let stale = dir.join(format!("{STAGING_PREFIX}12345-0-0"));
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(stale.join("scores.csv"), "half").unwrap();
    let s = set("x", &BARE);
    s.commit(dir).unwrap();
    assert_holds(dir, &s, &[]);
}

// ------------------------------------------------------ defect 4: stale files

#[test]
fn only_unchanged_files_of_the_previous_manifest_are_removed() {
    let scratch = Scratch::new("stale");
    let dir = scratch.path();
    // A user's report.html, never written by rurban.
    std::fs::write(dir.join("report.html"), "my own report").unwrap();
    let bare = set("a", &BARE);
    let done = bare.commit_with(dir, &remove_opts()).unwrap();
    assert!(done.removed.is_empty());
    // The user's report was overwritten only because the run writes that
    // name; then a run without it removes rurban's version.
    let full = set("b", &FULL);
    full.commit_with(dir, &remove_opts()).unwrap();
    let done = bare.commit_with(dir, &remove_opts()).unwrap();
    assert_eq!(done.removed, [dir.join("report.html")]);
    assert_holds(dir, &bare, &[]);
    // A file rurban wrote and the user then changed is left, with a warning.
    full.commit_with(dir, &remove_opts()).unwrap();
    std::fs::write(dir.join("report.html"), "edited").unwrap();
    let done = bare.commit_with(dir, &remove_opts()).unwrap();
    assert!(done.removed.is_empty());
    assert_eq!(
        std::fs::read_to_string(dir.join("report.html")).unwrap(),
        "edited"
    );
    assert!(
        done.warnings
            .iter()
            .any(|w| w.contains("report.html") && w.contains("changed since rurban wrote it")),
        "{:?}",
        done.warnings
    );
    assert_holds(dir, &bare, &["report.html"]);
    // Without a manifest nothing is removed.
    let dir2 = scratch.path().join("nomanifest");
    std::fs::create_dir(&dir2).unwrap();
    std::fs::write(dir2.join("report.html"), "x").unwrap();
    std::fs::write(dir2.join("clusters.csv"), "y").unwrap();
    bare.commit_with(&dir2, &remove_opts()).unwrap();
    assert_holds(&dir2, &bare, &["report.html", "clusters.csv"]);
}

#[test]
fn keep_adds_to_the_previous_set() {
    let scratch = Scratch::new("keep");
    let dir = scratch.path();
    let bare = set("run", &BARE);
    bare.commit_with(dir, &remove_opts()).unwrap();
    let report = set("report", &["report.html"]);
    let done = report.commit(dir).unwrap();
    assert_eq!(done, [dir.join("report.html")]);
    let m = read_manifest_of(dir);
    let names: Vec<&str> = m.files.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        ["report.html", "weights.csv", "scores.csv", "summary.json"]
    );
    for n in BARE {
        assert!(std::fs::read(dir.join(n)).unwrap() == bare.get(n).unwrap());
    }
    // And a later run without a report removes it.
    bare.commit_with(dir, &remove_opts()).unwrap();
    assert_holds(dir, &bare, &[]);
}

// ------------------------------------------------------- inputs of the run

#[test]
fn writing_over_an_input_is_refused_naming_both() {
    let scratch = Scratch::new("inputs");
    let dir = scratch.path();
    let data = dir.join("scores.csv");
    std::fs::write(&data, "region,year,a\n").unwrap();
    let s = set("x", &BARE);
    // Reached through another spelling of the same path.
    let other = dir.join(".").join("scores.csv");
    let opts = CommitOptions {
        inputs: vec![
            Input::new("spec", "/nonexistent.toml"),
            Input::new("data file", &other),
        ],
        ..CommitOptions::default()
    };
    let e = s.commit_with(dir, &opts).unwrap_err().to_string();
    assert!(e.contains(&data.display().to_string()), "{e}");
    assert!(e.contains("data file"), "{e}");
    assert!(e.contains(&other.display().to_string()), "{e}");
    assert_eq!(std::fs::read_to_string(&data).unwrap(), "region,year,a\n");
    let mut names: Vec<String> = listing(dir).into_keys().collect();
    names.sort();
    assert_eq!(names, [LOCK_FILE, "scores.csv"]);
}

#[cfg(unix)]
#[test]
fn a_hard_link_to_an_input_is_refused() {
    let scratch = Scratch::new("hardlink");
    let data = scratch.path().join("panel.csv");
    std::fs::write(&data, "region,year,a\n").unwrap();
    let dir = scratch.path().join("out");
    std::fs::create_dir(&dir).unwrap();
    std::fs::hard_link(&data, dir.join("weights.csv")).unwrap();
    let opts = CommitOptions {
        inputs: vec![Input::new("data file", &data)],
        ..CommitOptions::default()
    };
    let e = set("x", &BARE)
        .commit_with(&dir, &opts)
        .unwrap_err()
        .to_string();
    assert!(e.contains("weights.csv") && e.contains("panel.csv"), "{e}");
    assert_eq!(
        std::fs::read_to_string(dir.join("weights.csv")).unwrap(),
        "region,year,a\n"
    );
}

#[test]
fn names_that_leave_the_directory_are_refused() {
    let scratch = Scratch::new("names");
    let dir = scratch.path().join("out");
    for bad in ["../x.csv", "a/b.csv", "..", "", ".rurban-manifest.json"] {
        let mut s = OutputSet::default();
        s.add(bad, b"x".to_vec());
        let e = s.commit(&dir).unwrap_err().to_string();
        assert!(e.contains("not a plain file name"), "{bad}: {e}");
    }
    assert!(!dir.exists());
    assert!(!scratch.path().join("x.csv").exists());
}

#[test]
fn streamed_file_is_written_and_listed_with_its_digest() {
    let tmp = Scratch::new("stream");
    let dir = tmp.path().join("out");
    let body: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let mut files = set("a", &["weights.csv"]);
    let expect = body.clone();
    files.add_stream("summary.json", move |w| w.write_all(&expect));
    // a streamed file has no bytes before it is written
    assert!(files.get("summary.json").is_none());
    assert_eq!(files.names(), ["weights.csv", "summary.json"]);
    files.commit(&dir).unwrap();
    assert_eq!(std::fs::read(dir.join("summary.json")).unwrap(), body);
    let m = read_manifest_of(&dir);
    let e = m.files.iter().find(|e| e.name == "summary.json").unwrap();
    assert_eq!(e.size, body.len() as u64);
    // the digest is the one of the bytes on disk (XXH3-128 recorded by
    // tests/fixtures/xxh3.py): an unchanged file is recognised, so a later
    // run without it removes it
    assert_eq!(
        e.xxh3.as_deref(),
        Some(fixture("stream_body_3e6_mod_251").as_str())
    );
    assert_eq!(e.sha256, None);
    assert_eq!(m.version, 2);
    let later = set("b", &["weights.csv"]);
    later
        .commit_with(
            &dir,
            &CommitOptions {
                previous: Previous::Remove,
                ..CommitOptions::default()
            },
        )
        .unwrap();
    assert!(!dir.join("summary.json").exists());
    assert_holds(&dir, &later, &[]);
}

#[test]
fn a_failing_stream_leaves_the_previous_files() {
    let tmp = Scratch::new("stream-fail");
    let dir = tmp.path().join("out");
    let first = set("a", &["weights.csv", "summary.json"]);
    first.commit(&dir).unwrap();
    let mut second = set("b", &["weights.csv"]);
    second.add_stream("summary.json", |w| {
        w.write_all(b"{\"partial\":")?;
        Err(std::io::Error::other("serialisation failed"))
    });
    let err = second.commit(&dir).unwrap_err().to_string();
    assert!(err.contains("serialisation failed"), "{err}");
    assert_holds(&dir, &first, &[]);
}

/// A value of tests/fixtures/xxh3.json (made by tests/fixtures/xxh3.py).
fn fixture(key: &str) -> String {
    let text = include_str!("../fixtures/xxh3.json");
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    v[key].as_str().unwrap().to_string()
}

#[test]
fn the_manifest_hash_is_xxh3_128() {
    use rurban_pipeline::outdir::xxh3_hex;
    assert_eq!(xxh3_hex(b""), fixture("empty"));
    assert_eq!(xxh3_hex(b"abc"), fixture("abc"));
}

/// Rewrites a directory's manifest as rurban wrote it before version 2:
/// `"version": 1` and a `sha256` per file.
fn downgrade_manifest(dir: &Path) {
    use sha2::Digest;
    let m = read_manifest_of(dir);
    let files: Vec<serde_json::Value> = m
        .files
        .iter()
        .map(|e| {
            let bytes = std::fs::read(dir.join(&e.name)).unwrap();
            let hex: String = sha2::Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            serde_json::json!({"name": e.name, "size": e.size, "sha256": hex})
        })
        .collect();
    let text =
        serde_json::to_vec_pretty(&serde_json::json!({"version": 1, "files": files})).unwrap();
    std::fs::write(dir.join(MANIFEST_FILE), text).unwrap();
}

#[test]
fn a_version_1_manifest_still_protects_changed_files() {
    let tmp = Scratch::new("v1");
    let dir = tmp.path().join("out");
    let first = set("a", &FULL);
    first.commit(&dir).unwrap();
    downgrade_manifest(&dir);
    assert_eq!(read_manifest_of(&dir).version, 1);
    // the user edits report.html, keeping its size: only the hash tells
    let mut edited = std::fs::read(dir.join("report.html")).unwrap();
    edited[0] = b'Z';
    std::fs::write(dir.join("report.html"), &edited).unwrap();
    let second = set("b", &["weights.csv", "scores.csv"]);
    let done = second.commit_with(&dir, &remove_opts()).unwrap();
    // summary.json is as the old manifest's SHA-256 says: removed;
    // report.html changed: left, with a warning naming it
    assert!(!dir.join("summary.json").exists());
    assert_eq!(std::fs::read(dir.join("report.html")).unwrap(), edited);
    assert_eq!(done.removed, [dir.join("summary.json")]);
    assert!(
        done.warnings
            .iter()
            .any(|w| w.contains("report.html") && w.contains("changed since")),
        "{:?}",
        done.warnings
    );
    // the new manifest is version 2 and lists only this commit's files
    let m = read_manifest_of(&dir);
    assert_eq!(m.version, 2);
    let names: Vec<&str> = m.files.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["weights.csv", "scores.csv"]);
    assert!(
        m.files
            .iter()
            .all(|e| e.xxh3.is_some() && e.sha256.is_none())
    );
}

#[test]
fn keeping_a_version_1_entry_keeps_its_sha256() {
    let tmp = Scratch::new("v1-keep");
    let dir = tmp.path().join("out");
    set("a", &FULL).commit(&dir).unwrap();
    downgrade_manifest(&dir);
    let old = read_manifest_of(&dir);
    set("b", &["report.html"]).commit(&dir).unwrap();
    let m = read_manifest_of(&dir);
    assert_eq!(m.files.len(), FULL.len());
    assert_eq!(m.files[0].name, "report.html");
    assert!(m.files[0].xxh3.is_some());
    // the others as the old manifest had them, SHA-256 and all, so a later
    // run that replaces the set still removes them
    for e in &m.files[1..] {
        let was = old.files.iter().find(|o| o.name == e.name).unwrap();
        assert_eq!(e, was);
        assert!(e.sha256.is_some());
    }
    let last = set("c", &["report.html"]);
    let done = last.commit_with(&dir, &remove_opts()).unwrap();
    assert_eq!(done.removed.len(), 3, "{done:?}");
    assert_holds(&dir, &last, &[]);
}

#[test]
fn an_entry_without_a_hash_is_never_removed() {
    let tmp = Scratch::new("nohash");
    let dir = tmp.path().join("out");
    set("a", &FULL).commit(&dir).unwrap();
    let size = std::fs::metadata(dir.join("summary.json")).unwrap().len();
    let text =
        format!(r#"{{"version": 2, "files": [{{"name": "summary.json", "size": {size}}}]}}"#);
    std::fs::write(dir.join(MANIFEST_FILE), text).unwrap();
    let done = set("b", &BARE).commit_with(&dir, &remove_opts()).unwrap();
    assert!(done.removed.is_empty());
    assert!(dir.join("summary.json").exists());
}

/// Many files, in memory and streamed, of many sizes (a stream written in
/// small pieces, one in a single large write).
fn mixed_set(tag: &str) -> (OutputSet, Vec<(String, Vec<u8>)>) {
    let mut s = OutputSet::default();
    let mut want = Vec::new();
    for i in 0..24usize {
        let name = if i % 5 == 0 {
            format!("stages/s{i}.csv")
        } else {
            format!("f{i}.csv")
        };
        let body: Vec<u8> = format!("{tag}:{i};")
            .repeat(1 + (i * 7919) % 300_000)
            .into_bytes();
        if i % 3 == 0 {
            let b = body.clone();
            s.add_stream(name.clone(), move |w| {
                for piece in b.chunks(1 + i * 13) {
                    w.write_all(piece)?;
                }
                Ok(())
            });
        } else if i % 3 == 1 {
            let b = body.clone();
            s.add_stream(name.clone(), move |w| w.write_all(&b));
        } else {
            s.add(name.clone(), body.clone());
        }
        want.push((name, body));
    }
    (s, want)
}

#[test]
fn parallel_writing_gives_the_files_and_manifest_of_a_serial_one() {
    use rurban_pipeline::outdir::xxh3_hex;
    let tmp = Scratch::new("parallel");
    let (files, want) = mixed_set("p");
    let mut listings = Vec::new();
    for threads in [1, 2, 5] {
        let dir = tmp.path().join(format!("out{threads}"));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let done = pool.install(|| files.commit(&dir)).unwrap();
        assert_eq!(done.len(), want.len());
        for (name, body) in &want {
            assert_eq!(&std::fs::read(dir.join(name)).unwrap(), body, "{name}");
        }
        // the manifest lists the files in the order of the set
        let m = read_manifest_of(&dir);
        assert_eq!(m.files.len(), want.len());
        for (e, (name, body)) in m.files.iter().zip(&want) {
            assert_eq!(&e.name, name);
            assert_eq!(e.size, body.len() as u64);
            assert_eq!(e.xxh3.as_deref(), Some(xxh3_hex(body).as_str()));
        }
        let mut l = listing(&dir);
        for (name, bytes) in listing(&dir.join("stages")) {
            l.insert(format!("stages/{name}"), bytes);
        }
        listings.push(l);
    }
    assert_eq!(listings[0], listings[1]);
    assert_eq!(listings[0], listings[2]);
}

#[test]
fn a_stream_failing_among_many_leaves_the_previous_files() {
    let tmp = Scratch::new("parallel-fail");
    let dir = tmp.path().join("out");
    let first = set("a", &FULL);
    first.commit(&dir).unwrap();
    let (mut second, _) = mixed_set("b");
    second.add_stream("broken.json", |w| {
        w.write_all(b"{\"partial\":")?;
        Err(std::io::Error::other("serialisation failed"))
    });
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    let err = pool
        .install(|| second.commit_with(&dir, &remove_opts()))
        .unwrap_err()
        .to_string();
    assert!(err.contains("serialisation failed"), "{err}");
    // (the subdirectory is made before anything else, and stays, empty)
    assert_holds(&dir, &first, &["stages"]);
    assert_eq!(std::fs::read_dir(dir.join("stages")).unwrap().count(), 0);
}
