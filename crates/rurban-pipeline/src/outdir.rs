//! The output directory: committing a run's files so that the directory
//! always holds one complete set of them.
//!
//! An [`OutputSet`] holds the files in memory. [`OutputSet::commit_with`]
//! then, in order:
//!
//! 1. creates the directory if needed and takes an exclusive lock on
//!    [`LOCK_FILE`] inside it (waiting at most [`CommitOptions::lock_wait`]
//!    for another run to finish, then failing with "another rurban run is
//!    writing into DIR");
//! 2. completes or discards what an interrupted earlier commit left (see
//!    below);
//! 3. refuses a file name that would overwrite an input of the run (same
//!    canonical path, or same device and inode), or a directory;
//! 4. writes every file into a fresh staging directory
//!    (`.rurban-staging-*`, created exclusively inside the output directory),
//!    each created with `create_new` (never through a link), hashed and
//!    fsynced on its own task of the rayon pool (a streamed file is also
//!    generated on its task; the largest first, a streamed file's size
//!    taken from the previous manifest), then, once all of them are
//!    durable, the new manifest ([`MANIFEST_FILE`]) and the plan of the
//!    swap, written last;
//! 5. swaps the files into place one by one: the version a name had (if any)
//!    is first kept in the staging directory (a hard link, or moved when
//!    links are not possible), then the new file is renamed over the name.
//!    Files that the previous manifest lists, that this commit does not
//!    write and that still have the size and hash recorded there are moved
//!    into the staging directory too ([`Previous::Remove`]). The manifest is
//!    renamed last: that rename is the commit point;
//! 6. on any failure before the commit point every name is restored from the
//!    kept versions, in reverse order, and the staging directory removed; after
//!    it, the staging directory (with the old versions) is removed.
//!
//! A commit killed half-way leaves its staging directory. The next commit
//! into the directory (under the lock, so no other commit is running) finds
//! it: one with a complete plan is carried through (the directory ends with
//! that commit's complete set), one without is deleted (nothing was swapped
//! yet). See "Output directory guarantees" in `docs/ARCHITECTURE.md`.
//!
//! The manifest's hash only tells whether a file the previous commit wrote
//! is still as it was (so that removing it loses nothing), so it need not
//! be cryptographic: new manifests (version 2) record the XXH3-128 of each
//! file (`xxh3`, 32 hex digits), about 20 times cheaper than SHA-256.
//! Manifests written before (version 1) record SHA-256 (`sha256`); their
//! entries are still checked with SHA-256, and kept as they are when a
//! commit keeps the file ([`Previous::Keep`]).

use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use xxhash_rust::xxh3::Xxh3;

use crate::PipelineError;

/// The lock file inside an output directory; a commit holds an exclusive
/// lock on it from start to end. It is left in place (removing a lock file
/// that another process may have opened would break the lock).
pub const LOCK_FILE: &str = ".rurban.lock";

/// The manifest inside an output directory: the files the last commit
/// wrote, with their sizes and hashes (XXH3-128; SHA-256 in manifests of
/// version 1).
pub const MANIFEST_FILE: &str = ".rurban-manifest.json";

/// Prefix of the staging directories inside an output directory.
pub const STAGING_PREFIX: &str = ".rurban-staging-";

/// How long [`CommitOptions::default`] waits for another run's lock.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(10);

/// The buffer between a streamed file's writer and the file (1 MiB). A
/// stream that buffers itself and writes blocks at least this large passes
/// it by without a copy.
pub const STREAM_BUFFER: usize = 1 << 20;

/// The plan of a swap, inside the staging directory; written last, so a
/// staging directory without it never started swapping.
const PLAN_FILE: &str = "plan.json";
/// Where the previous versions are kept, inside the staging directory.
const OLD_DIR: &str = "old";

/// Files to write into an output directory, in memory until
/// [`OutputSet::commit`] or [`OutputSet::commit_with`].
#[derive(Debug, Default, Clone)]
pub struct OutputSet {
    files: Vec<(String, Content)>,
}

/// Writes a file's content into the writer it is given (a buffered writer
/// of the staged file); see [`OutputSet::add_stream`].
pub type StreamFn = dyn Fn(&mut dyn Write) -> std::io::Result<()> + Send + Sync;

/// A file of an [`OutputSet`]: bytes in memory, or written when committed.
#[derive(Clone)]
enum Content {
    Bytes(Vec<u8>),
    Stream(std::sync::Arc<StreamFn>),
}

impl std::fmt::Debug for Content {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Content::Bytes(b) => write!(f, "{} bytes", b.len()),
            Content::Stream(_) => f.write_str("streamed when committed"),
        }
    }
}

/// A writer that passes everything on and keeps the XXH3-128 and the
/// length of what it passed, for the manifest of a streamed file. It sits
/// under the streamed file's buffer, so it hashes each buffer-full as it
/// goes to the file, while it is still in the cache; it copies nothing.
struct Digesting<W> {
    inner: W,
    hasher: Xxh3,
    len: u64,
}

impl<W: Write> Write for Digesting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// What a commit does with the files that the previous commit into the
/// directory wrote and this one does not.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Previous {
    /// Keep them and their manifest entries: this set adds to the previous
    /// one (`rurban report` adding the renderings to a run's files).
    #[default]
    Keep,
    /// Remove them, if they are still as written: this set replaces the
    /// previous one (`rurban run`).
    Remove,
}

/// A file the run read, that a commit must not overwrite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// What the file is, for messages ("data file", "spec", ...).
    pub role: String,
    /// Its path.
    pub path: PathBuf,
}

impl Input {
    /// An input with its role.
    pub fn new(role: impl Into<String>, path: impl Into<PathBuf>) -> Input {
        Input {
            role: role.into(),
            path: path.into(),
        }
    }
}

/// How to commit.
#[derive(Debug, Clone)]
pub struct CommitOptions {
    /// What to do with the previous commit's files that this one does not write.
    pub previous: Previous,
    /// Files the run read; writing over one of them is refused.
    pub inputs: Vec<Input>,
    /// How long to wait for another run holding the directory's lock.
    pub lock_wait: Duration,
    /// Fault injection for tests: the k-th rename of the swap (1-based)
    /// fails as if the file system had refused it.
    #[doc(hidden)]
    pub fail_at_rename: Option<usize>,
    /// Fault injection for tests: with `fail_at_rename`, stop there as if
    /// the process had been killed (no rollback, staging directory left).
    #[doc(hidden)]
    pub crash: bool,
}

impl Default for CommitOptions {
    fn default() -> Self {
        CommitOptions {
            previous: Previous::Keep,
            inputs: Vec::new(),
            lock_wait: DEFAULT_LOCK_WAIT,
            fail_at_rename: None,
            crash: false,
        }
    }
}

/// What a commit did.
#[derive(Debug, Clone, Default)]
pub struct Committed {
    /// The files written, in the order added.
    pub written: Vec<PathBuf>,
    /// Files of the previous commit removed.
    pub removed: Vec<PathBuf>,
    /// Things the user should know (a file of the previous commit left in
    /// place because it changed since, an interrupted commit completed).
    pub warnings: Vec<String>,
}

/// One file of a manifest: its name, size and one hash (an entry with
/// neither hash never counts as unchanged, so its file is never removed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// The file name inside the output directory.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its XXH3-128, 32 lower-case hex digits (manifests of version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xxh3: Option<String>,
    /// Its SHA-256, lower-case hex (manifests of version 1, still honoured).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// The version of the manifests this build writes: 2, with `xxh3` hashes
/// (version 1 had `sha256`).
pub const MANIFEST_VERSION: u32 = 2;

/// The files a commit wrote ([`MANIFEST_FILE`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version: [`MANIFEST_VERSION`] when written by this build.
    pub version: u32,
    /// The files, in the order written.
    pub files: Vec<ManifestEntry>,
}

/// What a staging directory will do, written into it before any swap.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Plan {
    /// Staged files to rename into place, in order; the manifest is last.
    write: Vec<String>,
    /// Files of the previous commit to remove, as the manifest recorded them.
    remove: Vec<ManifestEntry>,
}

impl OutputSet {
    /// Adds (or replaces) a file.
    pub fn add(&mut self, name: impl Into<String>, bytes: Vec<u8>) {
        let name = name.into();
        self.files.retain(|(n, _)| *n != name);
        self.files.push((name, Content::Bytes(bytes)));
    }

    /// Adds (or replaces) a file that is written only when the set is
    /// committed: `write` is called once per commit with a buffered writer
    /// of the staged file, so a large file (`summary.json`) is serialised
    /// straight into it and never held in memory. `write` runs on a thread
    /// of the rayon pool, beside the other files' writes. Its size and hash
    /// for the manifest are taken from what `write` wrote; an error from
    /// `write` fails the commit as a failed write does.
    pub fn add_stream(
        &mut self,
        name: impl Into<String>,
        write: impl Fn(&mut dyn Write) -> std::io::Result<()> + Send + Sync + 'static,
    ) {
        let name = name.into();
        self.files.retain(|(n, _)| *n != name);
        self.files
            .push((name, Content::Stream(std::sync::Arc::new(write))));
    }

    /// Names of the files, in the order added.
    pub fn names(&self) -> Vec<&str> {
        self.files.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// The bytes of a file, if added with [`OutputSet::add`] (a file added
    /// with [`OutputSet::add_stream`] has none before it is written).
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, c)| match c {
                Content::Bytes(b) => Some(b.as_slice()),
                Content::Stream(_) => None,
            })
    }

    /// The content of a file: the bytes of one added with
    /// [`OutputSet::add`], or what the stream of one added with
    /// [`OutputSet::add_stream`] writes, rendered into memory.
    pub fn render(&self, name: &str) -> Option<std::io::Result<Vec<u8>>> {
        let (_, c) = self.files.iter().find(|(n, _)| n == name)?;
        Some(match c {
            Content::Bytes(b) => Ok(b.clone()),
            Content::Stream(f) => {
                let mut out = Vec::new();
                f(&mut out).map(|()| out)
            }
        })
    }

    /// Writes every file into `dir` (created if needed) with the default
    /// [`CommitOptions`]: the previous commit's other files are kept.
    pub fn commit(&self, dir: &Path) -> Result<Vec<PathBuf>, PipelineError> {
        Ok(self.commit_with(dir, &CommitOptions::default())?.written)
    }

    /// Writes every file into `dir` (created if needed), all or nothing;
    /// see the module documentation.
    pub fn commit_with(
        &self,
        dir: &Path,
        opts: &CommitOptions,
    ) -> Result<Committed, PipelineError> {
        for (name, _) in &self.files {
            if !plain_name(name) {
                return Err(other(format!(
                    "{}: not a plain file name for the output directory",
                    dir.join(name).display()
                )));
            }
        }
        std::fs::create_dir_all(dir).map_err(|e| fail("create the output directory", dir, e))?;
        make_subdirs(dir, self.files.iter().map(|(n, _)| n.as_str()))
            .map_err(|e| fail("create a subdirectory of the output directory", dir, e))?;
        let _lock = DirLock::acquire(dir, opts.lock_wait)?;
        let mut done = Committed::default();
        recover(dir, &mut done.warnings)?;
        let old = read_manifest(dir, &mut done.warnings);
        // Checks before anything is written.
        self.check_targets(dir, opts)?;
        // the previous files kept; this commit's own entries come first,
        // once staging has written them and knows their sizes and digests
        let mut kept = Manifest {
            version: MANIFEST_VERSION,
            files: Vec::new(),
        };
        let remove = self.previous_files(dir, opts, &old, &mut kept, &mut done.warnings);
        let staging = create_staging(dir)?;
        let plan = self.stage(&staging, kept, remove, &old)?;
        swap(dir, &staging, &plan, opts)?;
        let _ = sync_dir(dir);
        if let Err(e) = std::fs::remove_dir_all(&staging) {
            done.warnings.push(format!(
                "{}: cannot remove the staging directory: {e}",
                staging.display()
            ));
        }
        done.written = self.files.iter().map(|(n, _)| dir.join(n)).collect();
        done.removed = plan.remove.iter().map(|e| dir.join(&e.name)).collect();
        Ok(done)
    }

    /// No file would overwrite an input of the run or a directory.
    fn check_targets(&self, dir: &Path, opts: &CommitOptions) -> Result<(), PipelineError> {
        for (name, _) in &self.files {
            let target = dir.join(name);
            if let Some(input) = same_as_input(&target, &opts.inputs) {
                return Err(other(format!(
                    "{}: refusing to write over the {} of the run ({}); choose another output directory",
                    target.display(),
                    input.role,
                    input.path.display()
                )));
            }
            if let Ok(m) = std::fs::symlink_metadata(&target)
                && m.is_dir()
            {
                return Err(other(format!(
                    "{}: is a directory; rurban would write its file of that name there",
                    target.display()
                )));
            }
        }
        Ok(())
    }

    /// What happens to the previous commit's files this one does not write:
    /// kept (and listed in `manifest` while unchanged) or, under
    /// [`Previous::Remove`], returned for removal when unchanged and not an
    /// input of the run (else left with a warning).
    fn previous_files(
        &self,
        dir: &Path,
        opts: &CommitOptions,
        old: &Manifest,
        manifest: &mut Manifest,
        warnings: &mut Vec<String>,
    ) -> Vec<ManifestEntry> {
        let written: BTreeSet<&str> = self.names().into_iter().collect();
        let mut remove = Vec::new();
        for e in old
            .files
            .iter()
            .filter(|e| !written.contains(e.name.as_str()))
        {
            let target = dir.join(&e.name);
            match opts.previous {
                Previous::Keep => {
                    if unchanged(&target, e) {
                        manifest.files.push(e.clone());
                    }
                }
                Previous::Remove => {
                    if std::fs::symlink_metadata(&target).is_err() {
                        continue;
                    }
                    if let Some(input) = same_as_input(&target, &opts.inputs) {
                        warnings.push(format!(
                            "{}: left in place although this run does not write it: it is the {} of the run",
                            target.display(),
                            input.role
                        ));
                    } else if unchanged(&target, e) {
                        remove.push(e.clone());
                    } else {
                        warnings.push(format!(
                            "{}: left in place although this run does not write it: it changed since rurban wrote it",
                            target.display()
                        ));
                    }
                }
            }
        }
        remove
    }

    /// Writes this set's files into `staging`, each created, written (a
    /// stream generated), hashed and fsynced on its own task; returns their
    /// manifest entries in the order of the set. The tasks run on the rayon
    /// pool, each worker taking the next file not yet taken, the largest
    /// first, so that the big files start at once and the small ones fill
    /// in: a file in memory by its length, a streamed one by the size the
    /// previous manifest (`old`) records for its name, or, when it has
    /// none, before all others, the last added first (`summary.json`, the
    /// largest, is added last). After the first failure
    /// no further file is started; the error returned is the first in the
    /// order of the set.
    fn write_staged(&self, staging: &Path, old: &Manifest) -> std::io::Result<Vec<ManifestEntry>> {
        use std::cmp::Reverse;
        use std::sync::Mutex;
        use std::sync::atomic::{AtomicBool, AtomicUsize};
        let n = self.files.len();
        let size = |i: usize| -> (u64, usize) {
            let (name, content) = &self.files[i];
            match content {
                Content::Bytes(b) => (b.len() as u64, 0),
                Content::Stream(_) => match old.files.iter().find(|e| e.name == *name) {
                    Some(e) => (e.size, 0),
                    None => (u64::MAX, i),
                },
            }
        };
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&i| Reverse(size(i)));
        let next = AtomicUsize::new(0);
        let failed = AtomicBool::new(false);
        let done: Mutex<Vec<Option<Written>>> = Mutex::new((0..n).map(|_| None).collect());
        let work = || {
            loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= n || failed.load(Ordering::Relaxed) {
                    return;
                }
                let i = order[k];
                let (name, content) = &self.files[i];
                let path = staging.join(name);
                let r = match content {
                    Content::Bytes(bytes) => write_bytes(&path, bytes),
                    Content::Stream(f) => write_stream(&path, f.as_ref()),
                };
                if r.is_err() {
                    failed.store(true, Ordering::Relaxed);
                }
                if let Ok(mut d) = done.lock() {
                    d[i] = Some(r);
                }
            }
        };
        let workers = rayon::current_num_threads().clamp(1, n.max(1));
        rayon::scope(|s| {
            for _ in 0..workers {
                s.spawn(|_| work());
            }
        });
        let done = done
            .into_inner()
            .map_err(|_| std::io::Error::other("a file's writer panicked"))?;
        let mut entries = Vec::with_capacity(n);
        for ((name, _), r) in self.files.iter().zip(done) {
            // None: not started after another file failed
            let Some(r) = r else { continue };
            let (size, xxh3) = r?;
            entries.push(ManifestEntry {
                name: name.clone(),
                size,
                xxh3: Some(xxh3),
                sha256: None,
            });
        }
        if entries.len() < n {
            return Err(std::io::Error::other("a file was not written"));
        }
        Ok(entries)
    }

    /// Writes the files, the manifest and last the plan into `staging`;
    /// removes `staging` again when that fails.
    fn stage(
        &self,
        staging: &Path,
        kept: Manifest,
        remove: Vec<ManifestEntry>,
        old: &Manifest,
    ) -> Result<Plan, PipelineError> {
        let staged = (|| -> std::io::Result<Plan> {
            std::fs::create_dir(staging.join(OLD_DIR))?;
            for sub in SUBDIRS {
                std::fs::create_dir(staging.join(sub))?;
                std::fs::create_dir(staging.join(OLD_DIR).join(sub))?;
            }
            let mut manifest = Manifest {
                version: MANIFEST_VERSION,
                files: self.write_staged(staging, old)?,
            };
            let mut write: Vec<String> = self.files.iter().map(|(n, _)| n.clone()).collect();
            manifest.files.extend(kept.files);
            let text = serde_json::to_vec_pretty(&manifest).map_err(std::io::Error::other)?;
            write_new(&staging.join(MANIFEST_FILE), &text)?;
            write.push(MANIFEST_FILE.to_string());
            let plan = Plan { write, remove };
            let text = serde_json::to_vec_pretty(&plan).map_err(std::io::Error::other)?;
            for sub in SUBDIRS {
                sync_dir(&staging.join(sub))?;
            }
            sync_dir(staging)?;
            write_new(&staging.join(PLAN_FILE), &text)?;
            sync_dir(staging)?;
            Ok(plan)
        })();
        staged.map_err(|e| {
            let _ = std::fs::remove_dir_all(staging);
            fail("write into the output directory", staging, e)
        })
    }
}

/// Renames the staged files into place; when a rename fails, rolls back to
/// the previous files (or, simulating a crash, leaves the directory for the
/// next run to complete).
fn swap(
    dir: &Path,
    staging: &Path,
    plan: &Plan,
    opts: &CommitOptions,
) -> Result<(), PipelineError> {
    let mut r = Renamer {
        count: 0,
        fail_at: opts.fail_at_rename,
    };
    let Err((path, e)) = apply(dir, staging, plan, &mut r) else {
        return Ok(());
    };
    if opts.crash {
        return Err(fail("rename into place", &path, e));
    }
    match rollback(dir, staging, plan) {
        Ok(()) => {
            // The plan first, so that a staging directory only half
            // removed is never carried through later.
            let _ = std::fs::remove_file(staging.join(PLAN_FILE));
            let _ = std::fs::remove_dir_all(staging);
            let _ = sync_dir(dir);
            Err(other(format!(
                "{}: cannot rename into place: {e}; the output directory was left as it was",
                path.display()
            )))
        }
        Err((rpath, re)) => Err(other(format!(
            "{}: cannot rename into place: {e}; restoring the previous files failed too ({}: {re}); \
             the next run into {} completes this one",
            path.display(),
            rpath.display(),
            dir.display()
        ))),
    }
}

/// Reads the manifest of an output directory (empty when there is none).
pub fn read_manifest_of(dir: &Path) -> Manifest {
    read_manifest(dir, &mut Vec::new())
}

fn read_manifest(dir: &Path, warnings: &mut Vec<String>) -> Manifest {
    let path = dir.join(MANIFEST_FILE);
    let bytes = match read_nofollow(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == ErrorKind::NotFound => return Manifest::default(),
        Err(e) => {
            warnings.push(format!(
                "{}: cannot read ({e}); no file of an earlier run is removed",
                path.display()
            ));
            return Manifest::default();
        }
    };
    match serde_json::from_slice::<Manifest>(&bytes) {
        Ok(mut m) => {
            m.files.retain(|e| plain_name(&e.name));
            m
        }
        Err(e) => {
            warnings.push(format!(
                "{}: not a valid manifest ({e}); no file of an earlier run is removed",
                path.display()
            ));
            Manifest::default()
        }
    }
}

/// The subdirectories a run writes files into (`stages/denominated.csv`).
pub const SUBDIRS: [&str; 1] = ["stages"];

/// A name that stays inside the directory and is not one of rurban's own:
/// a plain file name, or one inside one of the [`SUBDIRS`].
fn plain_name(name: &str) -> bool {
    if let Some((dir, file)) = name.split_once('/') {
        return SUBDIRS.contains(&dir) && simple_name(file);
    }
    simple_name(name)
}

/// Creates the [`SUBDIRS`] of `dir` that the files need; a subdirectory
/// that is not a real directory (a link, a file) is refused.
fn make_subdirs<'a>(dir: &Path, names: impl Iterator<Item = &'a str>) -> std::io::Result<()> {
    let mut made = BTreeSet::new();
    for name in names {
        if let Some((sub, _)) = name.split_once('/')
            && made.insert(sub.to_string())
        {
            let p = dir.join(sub);
            match std::fs::symlink_metadata(&p) {
                Ok(m) if m.is_dir() => {}
                Ok(_) => {
                    return Err(std::io::Error::other(format!(
                        "{} is not a directory",
                        p.display()
                    )));
                }
                Err(_) => std::fs::create_dir(&p)?,
            }
        }
    }
    Ok(())
}

/// A plain file name.
fn simple_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && !name.starts_with(".rurban")
        && Path::new(name).file_name().is_some_and(|f| f == name)
}

fn other(msg: String) -> PipelineError {
    PipelineError::Other(msg)
}

fn fail(what: &str, p: &Path, e: std::io::Error) -> PipelineError {
    other(format!("{}: cannot {what}: {e}", p.display()))
}

/// The XXH3-128 of bytes, as the manifest records it.
pub fn xxh3_hex(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}

/// The SHA-256 of bytes, lower-case hex, as manifests of version 1 record it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(2 * bytes.len());
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// True when `path` is a regular file (not a link) with the recorded size
/// and hash: the XXH3-128 if the entry has one, else the SHA-256 of a
/// version 1 manifest; an entry with neither is never unchanged. The file
/// is read through a buffer, never whole into memory.
fn unchanged(path: &Path, e: &ManifestEntry) -> bool {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() && m.len() == e.size => {
            if let Some(want) = &e.xxh3 {
                let mut h = Xxh3::new();
                read_chunks(path, |b| h.update(b)).is_ok()
                    && format!("{:032x}", h.digest128()) == *want
            } else if let Some(want) = &e.sha256 {
                let mut h = Sha256::new();
                read_chunks(path, |b| h.update(b)).is_ok() && hex(&h.finalize()) == *want
            } else {
                false
            }
        }
        _ => false,
    }
}

/// Reads a regular file (opened without following a final link) through a
/// 1 MiB buffer, handing each piece to `f`.
fn read_chunks(path: &Path, mut f: impl FnMut(&[u8])) -> std::io::Result<()> {
    let mut o = OpenOptions::new();
    o.read(true);
    nofollow(&mut o);
    let mut file = o.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(k) => f(&buf[..k]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// The input `target` is the same file as, if any.
fn same_as_input<'a>(target: &Path, inputs: &'a [Input]) -> Option<&'a Input> {
    let tm = std::fs::metadata(target).ok()?;
    let tc = std::fs::canonicalize(target).ok();
    inputs.iter().find(|i| {
        let Ok(im) = std::fs::metadata(&i.path) else {
            return false;
        };
        if tc.is_some() && tc == std::fs::canonicalize(&i.path).ok() {
            return true;
        }
        same_inode(&tm, &im)
    })
}

#[cfg(unix)]
fn same_inode(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_inode(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    false
}

/// Opens for reading without following a final symbolic link (on Unix).
fn read_nofollow(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut o = OpenOptions::new();
    o.read(true);
    nofollow(&mut o);
    let mut f = o.open(path)?;
    if !f.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut buf = Vec::new();
    f.read_to_end(&mut buf)?;
    Ok(buf)
}

#[cfg(unix)]
fn nofollow(o: &mut OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt;
    o.custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC);
}

#[cfg(not(unix))]
fn nofollow(_: &mut OpenOptions) {}

/// Creates a new file (never through an existing name or link), writes and syncs it.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// A staged file's size and XXH3-128 (hex), or why it could not be written.
type Written = std::io::Result<(u64, String)>;

/// [`write_new`] for a file of the set held in memory; returns its size
/// and XXH3-128 (hex).
fn write_bytes(path: &Path, bytes: &[u8]) -> Written {
    write_new(path, bytes)?;
    Ok((bytes.len() as u64, xxh3_hex(bytes)))
}

/// [`write_new`] for a streamed file: the content goes through a 1 MiB
/// buffer into the new file; returns its size and XXH3-128 (hex).
fn write_stream(path: &Path, write: &StreamFn) -> Written {
    let f = OpenOptions::new().write(true).create_new(true).open(path)?;
    let mut w = std::io::BufWriter::with_capacity(
        STREAM_BUFFER,
        Digesting {
            inner: f,
            hasher: Xxh3::new(),
            len: 0,
        },
    );
    write(&mut w)?;
    let d = w
        .into_inner()
        .map_err(std::io::IntoInnerError::into_error)?;
    d.inner.sync_all()?;
    Ok((d.len, format!("{:032x}", d.hasher.digest128())))
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_: &Path) -> std::io::Result<()> {
    Ok(())
}

/// A fresh staging directory inside `dir`, created exclusively.
fn create_staging(dir: &Path) -> Result<PathBuf, PipelineError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    loop {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(
            "{STAGING_PREFIX}{}-{nanos:x}-{n}",
            std::process::id()
        ));
        match std::fs::create_dir(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(fail("create a staging directory", &path, e)),
        }
    }
}

/// The exclusive lock on an output directory, released on drop.
struct DirLock(File);

impl DirLock {
    fn acquire(dir: &Path, wait: Duration) -> Result<DirLock, PipelineError> {
        let path = dir.join(LOCK_FILE);
        let mut o = OpenOptions::new();
        o.read(true).write(true).create(true).truncate(false);
        nofollow(&mut o);
        let f = o
            .open(&path)
            .map_err(|e| fail("open the lock file", &path, e))?;
        match f.metadata() {
            Ok(m) if m.is_file() => {}
            _ => return Err(other(format!("{}: not a regular file", path.display()))),
        }
        let start = Instant::now();
        loop {
            match f.try_lock() {
                Ok(()) => return Ok(DirLock(f)),
                Err(std::fs::TryLockError::WouldBlock) => {
                    if start.elapsed() >= wait {
                        return Err(other(format!(
                            "another rurban run is writing into {} (it holds {}); wait for it to finish or write elsewhere",
                            dir.display(),
                            path.display()
                        )));
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(fail("lock the output directory", &path, e));
                }
            }
        }
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

type StepError = (PathBuf, std::io::Error);

/// A rename of the swap, counted for fault injection.
struct Renamer {
    count: usize,
    fail_at: Option<usize>,
}

impl Renamer {
    fn rename(&mut self, from: &Path, to: &Path) -> Result<(), StepError> {
        self.count += 1;
        if self.fail_at == Some(self.count) {
            return Err((to.to_path_buf(), std::io::Error::other("injected failure")));
        }
        std::fs::rename(from, to).map_err(|e| (to.to_path_buf(), e))
    }
}

fn exists(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok()
}

/// Puts one staged file in place, keeping the previous version first.
fn put(dir: &Path, staging: &Path, name: &str, r: &mut Renamer) -> Result<(), StepError> {
    let staged = staging.join(name);
    if !exists(&staged) {
        return Ok(()); // already in place
    }
    let target = dir.join(name);
    let kept = staging.join(OLD_DIR).join(name);
    if !exists(&kept)
        && let Ok(m) = std::fs::symlink_metadata(&target)
    {
        // A hard link keeps the name valid throughout; where links are not
        // possible (or the name is not a regular file) it is moved away.
        if !(m.is_file() && std::fs::hard_link(&target, &kept).is_ok()) {
            r.rename(&target, &kept)?;
        }
    }
    r.rename(&staged, &target)
}

/// Moves the staged files into place (see the module documentation).
/// Idempotent: a staging directory left by an interrupted commit (or by a
/// rollback that failed half-way) is carried through by calling it again.
fn apply(dir: &Path, staging: &Path, plan: &Plan, r: &mut Renamer) -> Result<(), StepError> {
    let (last, files) = match plan.write.split_last() {
        Some((l, f)) => (Some(l), f),
        None => (None, &[][..]),
    };
    for name in files {
        put(dir, staging, name, r)?;
    }
    for e in &plan.remove {
        let target = dir.join(&e.name);
        let kept = staging.join(OLD_DIR).join(&e.name);
        if !exists(&kept) && unchanged(&target, e) {
            r.rename(&target, &kept)?;
        }
    }
    if let Some(name) = last {
        put(dir, staging, name, r)?;
    }
    Ok(())
}

/// Undoes [`apply`] after a failure before the commit point: every new file
/// goes back into the staging directory and every kept version back to its
/// name, so that a rollback failing half-way still leaves a state that
/// [`apply`] carries through.
fn rollback(dir: &Path, staging: &Path, plan: &Plan) -> Result<(), StepError> {
    let old = staging.join(OLD_DIR);
    let back =
        |from: &Path, to: &Path| std::fs::rename(from, to).map_err(|e| (to.to_path_buf(), e));
    if let Some(name) = plan.write.last() {
        undo_put(dir, staging, name)?;
    }
    for e in plan.remove.iter().rev() {
        let kept = old.join(&e.name);
        if exists(&kept) {
            back(&kept, &dir.join(&e.name))?;
        }
    }
    for name in plan.write.iter().rev().skip(1) {
        undo_put(dir, staging, name)?;
    }
    Ok(())
}

fn undo_put(dir: &Path, staging: &Path, name: &str) -> Result<(), StepError> {
    let back =
        |from: &Path, to: &Path| std::fs::rename(from, to).map_err(|e| (to.to_path_buf(), e));
    let target = dir.join(name);
    let staged = staging.join(name);
    let kept = staging.join(OLD_DIR).join(name);
    if !exists(&staged) && exists(&target) {
        back(&target, &staged)?;
    }
    if exists(&kept) {
        back(&kept, &target)?;
    }
    Ok(())
}

/// Completes (with a plan) or discards (without) the staging directories
/// of interrupted commits. Runs under the lock, so none is in use.
fn recover(dir: &Path, warnings: &mut Vec<String>) -> Result<(), PipelineError> {
    let entries = std::fs::read_dir(dir).map_err(|e| fail("list the output directory", dir, e))?;
    let mut leftovers: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(STAGING_PREFIX))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    leftovers.sort();
    for staging in leftovers {
        let plan = read_nofollow(&staging.join(PLAN_FILE))
            .ok()
            .and_then(|b| serde_json::from_slice::<Plan>(&b).ok())
            .filter(|p| {
                p.write.iter().all(|n| n == MANIFEST_FILE || plain_name(n))
                    && p.remove.iter().all(|e| plain_name(&e.name))
            });
        if let Some(plan) = plan {
            let mut r = Renamer {
                count: 0,
                fail_at: None,
            };
            apply(dir, &staging, &plan, &mut r)
                .map_err(|(p, e)| fail("complete an interrupted commit into place", &p, e))?;
            let _ = sync_dir(dir);
            warnings.push(format!(
                "{}: an earlier run was interrupted while writing its files; its files were put in place before this run's",
                dir.display()
            ));
        }
        std::fs::remove_dir_all(&staging).map_err(|e| {
            fail(
                "remove an interrupted commit's staging directory",
                &staging,
                e,
            )
        })?;
    }
    Ok(())
}
