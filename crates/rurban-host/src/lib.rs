//! Loads rurban plugins and keeps the registry of weighting schemes, derived
//! indicators, and plugin normalisations and aggregations.
//!
//! A [`Registry`] holds the built-in weighting schemes of `rurban-weighting`
//! (`entropy`, `critic`, `stddev`, `cv`, `equal`), the built-in derived
//! indicator kinds (`ratio`, `difference`, `per_capita`) and every plugin
//! loaded into it, behind the same traits
//! ([`rurban_weighting::Weighting`], [`DerivedIndicator`], and
//! `rurban-index`'s [`Normaliser`](rurban_index::Normaliser) and
//! [`Aggregator`](rurban_index::Aggregator) for plugins of those kinds). The
//! rest of the program resolves names through it and cannot tell a plugin
//! from a built-in.
//!
//! # Loading
//!
//! [`Registry::load`] opens a shared library with `libloading`, looks up
//! `rurban_plugin_entry_v1`, reads the ABI version word of the declaration it
//! returns before anything else, then the name, version, kind and
//! functions. The word holds a major and a minor version
//! ([`rurban_plugin_api::split_abi_version`]): a declaration of minor 0 (a
//! plugin built before minor versions existed) is read as its 64 bytes and
//! no further; one of minor 1 or later has its `size` read next, which must
//! cover minor 1's fields, and then only the fields this host knows. A
//! library is refused, with an error naming the file and the
//! reason, when the file is missing, it exports no entry symbol, its major
//! ABI version is not [`rurban_plugin_api::ABI_VERSION`] (both versions
//! named), its declaration is null or its size too small, its name or
//! version is null, empty or not UTF-8, its kind is unknown (or a
//! normaliser or aggregator declares minor 0), a function is missing, or its
//! name is already taken by a built-in or another plugin (all kinds share
//! one namespace, which also holds the built-in normalisation and
//! aggregation names of [`BUILTIN_STAGE_NAMES`]). Loading the same file twice is a no-op, whatever
//! the path it is reached by (a symbolic link, or a hard link: on Unix files
//! are compared by device and inode). A file that is not a complete ELF
//! shared object (Linux and other ELF systems) is refused before the dynamic
//! loader sees it, and a name or version with control characters is refused. A library, once
//! opened, is never unloaded: unloading Rust `cdylib`s that use thread-locals
//! is unsound, so it stays for the life of the process.
//!
//! # Checking results
//!
//! Every plugin result is checked before anyone sees it: weights must be
//! finite, `>= 0` and sum to 1 within `1e-9`; entropy values, when given,
//! finite; a derived value finite or NaN (missing); a normalised value
//! finite where the raw value is and missing where it is missing; a
//! composite or dimension score finite or NaN. A plugin's error status,
//! or a panic it caught, surfaces as an error carrying its message. Every
//! such error names the plugin and its file.
//!
//! # Built-in derived kinds
//!
//! Each takes exactly two inputs `[a, b]`, row by row; a missing input gives
//! a missing result:
//! * `ratio`: `a / b`, missing when `b = 0`; no parameters.
//! * `difference`: `a - b`; no parameters.
//! * `per_capita`: `a / b * scale`, missing when `b = 0`; parameter
//!   `scale` (a number > 0, default 1).
//!
//! A result that overflows to infinity is an error naming the row.

mod derived;
#[cfg(all(unix, not(target_vendor = "apple")))]
mod elf;
mod error;
mod loader;
mod plugin;
mod stages;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rurban_weighting::Weighting;

pub use derived::{BuiltinDerived, builtin_derived_names};
pub use error::HostError;
pub use stages::{Aggregated, PluginAggregator, PluginNormaliser};

/// The names of `rurban-index`'s built-in normalisations and aggregations,
/// with their kind: a plugin may not take them (a spec names them in the
/// same keys as plugin normalisations and aggregations).
pub const BUILTIN_STAGE_NAMES: [(&str, &str); 10] = [
    ("minmax", "normalisation"),
    ("zscore", "normalisation"),
    ("rank", "normalisation"),
    ("goalposts", "normalisation"),
    ("target", "normalisation"),
    ("arithmetic", "aggregation"),
    ("arithmetic-mean", "aggregation"),
    ("geometric", "aggregation"),
    ("harmonic", "aggregation"),
    ("topsis", "aggregation"),
];

/// A derived indicator: computes one new column of the panel from named
/// input columns. Built-in kinds and indicator plugins implement it alike.
pub trait DerivedIndicator: Send + Sync {
    /// The kind a `[[derived]]` table selects it by.
    fn name(&self) -> &str;
    /// One line describing it.
    fn description(&self) -> &str {
        ""
    }
    /// One value per row of `input` (NaN = missing). For plugins the values
    /// are checked: each finite or NaN.
    fn compute(&self, input: &DerivedInput<'_>) -> Result<Vec<f64>, HostError>;
}

/// The input of a derived indicator: named columns over the panel's rows
/// with each row's region and year.
#[derive(Debug, Clone, Copy)]
pub struct DerivedInput<'a> {
    /// Input indicator names, in the spec's order.
    pub names: &'a [String],
    /// One column per name, each as long as `regions` (NaN = missing).
    pub columns: &'a [&'a [f64]],
    /// Region of each row.
    pub regions: &'a [String],
    /// Year of each row.
    pub years: &'a [i64],
    /// Parameters as a JSON object text (`{}` when none).
    pub params: &'a str,
}

impl DerivedInput<'_> {
    /// Checks that the lengths agree; `kind` names the indicator in the error.
    pub fn check_shape(&self, kind: &str) -> Result<usize, HostError> {
        let n = self.regions.len();
        let bad = |reason: String| {
            Err(HostError::Derived {
                kind: kind.to_string(),
                reason,
            })
        };
        if self.years.len() != n {
            return bad(format!("{} years for {n} regions", self.years.len()));
        }
        if self.names.len() != self.columns.len() {
            return bad(format!(
                "{} names for {} input columns",
                self.names.len(),
                self.columns.len()
            ));
        }
        for (name, col) in self.names.iter().zip(self.columns) {
            if col.len() != n {
                return bad(format!(
                    "input '{name}' has {} values for {n} rows",
                    col.len()
                ));
            }
        }
        Ok(n)
    }
}

/// One line of `rurban plugins`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PluginInfo {
    /// The name it is selected by.
    pub name: String,
    /// `"weighting"`, `"indicator"` (a derived indicator), `"normaliser"`
    /// or `"aggregator"`.
    pub kind: String,
    /// The plugin's version (rurban's for built-ins).
    pub version: String,
    /// The plugin ABI version the library declared, `"1.0"`, `"1.1"`, ...
    /// (`None` for built-ins).
    pub abi: Option<String>,
    /// The library file it was loaded from (`None` for built-ins).
    pub file: Option<String>,
    /// True for built-ins.
    pub builtin: bool,
    /// One line describing it.
    pub description: String,
}

enum Implementation {
    Weighting(Arc<dyn Weighting>),
    Derived(Arc<dyn DerivedIndicator>),
    Normaliser(Arc<PluginNormaliser>),
    Aggregator(Arc<PluginAggregator>),
}

struct Entry {
    info: PluginInfo,
    imp: Implementation,
}

/// The weighting schemes and derived-indicator kinds a run can use:
/// built-ins and loaded plugins, looked up by name.
pub struct Registry {
    entries: Vec<Entry>,
    /// Canonical paths of the libraries loaded, with the path as given.
    files: Vec<(PathBuf, PathBuf)>,
    /// Device and inode of each library loaded (Unix), so that a hard link
    /// to a loaded file is the same file.
    identities: Vec<(u64, u64)>,
    /// Errors of plugin normalisers and aggregators called through the
    /// infallible trait methods.
    failures: stages::Failures,
    /// Warnings of the loads (a plugin of a later minor ABI version).
    warnings: Vec<String>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry::with_builtins()
    }
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.entries.iter().map(|e| &e.info))
            .finish()
    }
}

/// Device and inode of a file (Unix): one file reached by several names
/// (hard links) has one identity.
#[cfg(unix)]
fn file_identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// Other systems: canonical paths only.
#[cfg(not(unix))]
fn file_identity(_path: &Path) -> Option<(u64, u64)> {
    None
}

impl Registry {
    /// The built-in weighting schemes (`entropy`, `critic`, `stddev`, `cv`,
    /// `equal`) and derived kinds (`ratio`, `difference`, `per_capita`).
    pub fn with_builtins() -> Registry {
        let version = env!("CARGO_PKG_VERSION").to_string();
        let mut entries = Vec::new();
        for name in rurban_weighting::builtin_names() {
            if let Some(scheme) = rurban_weighting::builtin(name) {
                let scheme: Arc<dyn Weighting> = Arc::from(scheme);
                entries.push(Entry {
                    info: PluginInfo {
                        name: scheme.name().to_string(),
                        kind: "weighting".into(),
                        version: version.clone(),
                        abi: None,
                        file: None,
                        builtin: true,
                        description: scheme.description().to_string(),
                    },
                    imp: Implementation::Weighting(scheme),
                });
            }
        }
        for kind in BuiltinDerived::all() {
            entries.push(Entry {
                info: PluginInfo {
                    name: kind.name().to_string(),
                    kind: "indicator".into(),
                    version: version.clone(),
                    abi: None,
                    file: None,
                    builtin: true,
                    description: kind.description().to_string(),
                },
                imp: Implementation::Derived(Arc::new(kind)),
            });
        }
        Registry {
            entries,
            files: Vec::new(),
            identities: Vec::new(),
            failures: stages::Failures::default(),
            warnings: Vec::new(),
        }
    }

    /// Loads one plugin library. Loading a file already loaded (the same
    /// file by any path) does nothing.
    pub fn load(&mut self, path: &Path) -> Result<(), HostError> {
        if !path.exists() {
            return Err(HostError::NotFound {
                path: path.to_path_buf(),
            });
        }
        let canonical = path.canonicalize().map_err(|e| HostError::Open {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        if self.files.iter().any(|(c, _)| *c == canonical) {
            return Ok(());
        }
        let identity = file_identity(&canonical);
        if identity.is_some_and(|id| self.identities.contains(&id)) {
            return Ok(());
        }
        if !canonical.is_file() {
            return Err(HostError::Open {
                path: path.to_path_buf(),
                reason: "not a file".into(),
            });
        }
        let loaded = loader::open(path, &canonical)?;
        if let Some(existing) = self.entries.iter().find(|e| e.info.name == loaded.name) {
            let taken_by = match &existing.info.file {
                None => format!(
                    "the built-in {} '{}'",
                    existing.info.kind, existing.info.name
                ),
                Some(f) => format!("the plugin loaded from '{f}'"),
            };
            return Err(HostError::DuplicateName {
                path: path.to_path_buf(),
                name: loaded.name,
                taken_by,
            });
        }
        if let Some((_, kind)) = BUILTIN_STAGE_NAMES.iter().find(|(n, _)| *n == loaded.name) {
            return Err(HostError::DuplicateName {
                path: path.to_path_buf(),
                name: loaded.name,
                taken_by: format!("a built-in {kind}"),
            });
        }
        let file = path.display().to_string();
        if loaded.minor > rurban_plugin_api::ABI_MINOR {
            self.warnings.push(format!(
                "plugin '{}' ({file}) was built for plugin ABI version {}.{}; this rurban knows {}.{} and ignores what later minor versions added",
                loaded.name,
                rurban_plugin_api::ABI_VERSION,
                loaded.minor,
                rurban_plugin_api::ABI_VERSION,
                rurban_plugin_api::ABI_MINOR
            ));
        }
        let info = PluginInfo {
            name: loaded.name.clone(),
            kind: match loaded.function {
                loader::Function::Weigh(_) => "weighting".into(),
                loader::Function::Compute(_) => "indicator".into(),
                loader::Function::Normalise(_) => "normaliser".into(),
                loader::Function::Aggregate(_) => "aggregator".into(),
            },
            version: loaded.version.clone(),
            abi: Some(format!(
                "{}.{}",
                rurban_plugin_api::ABI_VERSION,
                loaded.minor
            )),
            file: Some(file),
            builtin: false,
            description: loaded.description.clone(),
        };
        let imp = match loaded.function {
            loader::Function::Weigh(weigh) => {
                Implementation::Weighting(Arc::new(plugin::PluginWeighting {
                    name: loaded.name,
                    description: loaded.description,
                    file: path.to_path_buf(),
                    weigh,
                    last_error: loaded.last_error,
                }))
            }
            loader::Function::Compute(compute) => {
                Implementation::Derived(Arc::new(plugin::PluginIndicator {
                    name: loaded.name,
                    description: loaded.description,
                    file: path.to_path_buf(),
                    compute,
                    last_error: loaded.last_error,
                }))
            }
            loader::Function::Normalise(normalise) => {
                Implementation::Normaliser(Arc::new(PluginNormaliser {
                    name: loaded.name,
                    description: loaded.description,
                    file: path.to_path_buf(),
                    normalise,
                    last_error: loaded.last_error,
                    params: "{}".into(),
                    failures: self.failures.clone(),
                }))
            }
            loader::Function::Aggregate(aggregate) => {
                Implementation::Aggregator(Arc::new(PluginAggregator {
                    name: loaded.name,
                    description: loaded.description,
                    file: path.to_path_buf(),
                    aggregate,
                    last_error: loaded.last_error,
                    params: "{}".into(),
                    failures: self.failures.clone(),
                }))
            }
        };
        self.entries.push(Entry { info, imp });
        self.files.push((canonical, path.to_path_buf()));
        self.identities.extend(identity);
        Ok(())
    }

    /// Loads every plugin library (files ending in the platform's library
    /// extension: `.so`, `.dylib` or `.dll`) in each directory of the search
    /// path held by the environment variable `var` (directories separated as
    /// [`std::env::split_paths`] does), in name order. An unset or empty
    /// variable loads nothing; a listed directory that does not exist is an
    /// error.
    pub fn load_search_path(&mut self, var: &str) -> Result<(), HostError> {
        let Some(value) = std::env::var_os(var) else {
            return Ok(());
        };
        for dir in std::env::split_paths(&value) {
            if dir.as_os_str().is_empty() {
                continue;
            }
            let err = |reason: String| HostError::SearchPath {
                var: var.to_string(),
                dir: dir.clone(),
                reason,
            };
            if !dir.is_dir() {
                return Err(err(if dir.exists() {
                    "not a directory".into()
                } else {
                    "no such directory".into()
                }));
            }
            let mut files = Vec::new();
            for entry in std::fs::read_dir(&dir).map_err(|e| err(e.to_string()))? {
                let p = entry.map_err(|e| err(e.to_string()))?.path();
                if p.is_file()
                    && p.extension()
                        .is_some_and(|e| e == std::env::consts::DLL_EXTENSION)
                {
                    files.push(p);
                }
            }
            files.sort();
            for f in files {
                self.load(&f)?;
            }
        }
        Ok(())
    }

    /// The weighting scheme called `name`. Plugin schemes are wrapped so
    /// that their results are checked.
    pub fn weighting(&self, name: &str) -> Option<Arc<dyn Weighting>> {
        self.entries.iter().find_map(|e| match &e.imp {
            Implementation::Weighting(w) if e.info.name == name => Some(Arc::clone(w)),
            _ => None,
        })
    }

    /// The derived-indicator kind called `kind`.
    pub fn derived(&self, kind: &str) -> Option<Arc<dyn DerivedIndicator>> {
        self.entries.iter().find_map(|e| match &e.imp {
            Implementation::Derived(d) if e.info.name == kind => Some(Arc::clone(d)),
            _ => None,
        })
    }

    /// The plugin normalisation called `name` (called with parameters `{}`),
    /// its results checked. Built-in normalisations are not in the registry.
    pub fn normaliser(&self, name: &str) -> Option<Arc<dyn rurban_index::Normaliser>> {
        self.plugin_normaliser(name)
            .map(|n| n as Arc<dyn rurban_index::Normaliser>)
    }

    /// The plugin normalisation called `name` as its concrete adapter (for
    /// [`PluginNormaliser::with_params`] and the fallible
    /// [`PluginNormaliser::try_call`]).
    pub fn plugin_normaliser(&self, name: &str) -> Option<Arc<PluginNormaliser>> {
        self.entries.iter().find_map(|e| match &e.imp {
            Implementation::Normaliser(n) if e.info.name == name => Some(Arc::clone(n)),
            _ => None,
        })
    }

    /// The plugin aggregation called `name` (called with parameters `{}`),
    /// its results checked. Built-in aggregations are not in the registry.
    pub fn aggregator(&self, name: &str) -> Option<Arc<dyn rurban_index::Aggregator>> {
        self.plugin_aggregator(name)
            .map(|a| a as Arc<dyn rurban_index::Aggregator>)
    }

    /// The plugin aggregation called `name` as its concrete adapter (for
    /// [`PluginAggregator::with_params`] and the fallible
    /// [`PluginAggregator::try_call`]).
    pub fn plugin_aggregator(&self, name: &str) -> Option<Arc<PluginAggregator>> {
        self.entries.iter().find_map(|e| match &e.imp {
            Implementation::Aggregator(a) if e.info.name == name => Some(Arc::clone(a)),
            _ => None,
        })
    }

    /// The errors plugin normalisers and aggregators met in calls through
    /// the infallible trait methods ([`rurban_index::Normaliser::normalise`],
    /// [`rurban_index::Aggregator::aggregate`], which return NaN instead),
    /// oldest first, each once (at most 32 between two calls); the list is
    /// emptied. A caller that used those methods checks this before
    /// trusting the values.
    pub fn take_failures(&self) -> Vec<HostError> {
        self.failures.take()
    }

    /// Warnings of the loads so far, in load order: a plugin built for a
    /// later minor ABI version than this host knows (it loads; the fields
    /// that version added are not read).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Everything registered: built-ins first (weightings, then derived
    /// kinds), then plugins in load order.
    pub fn list(&self) -> Vec<PluginInfo> {
        self.entries.iter().map(|e| e.info.clone()).collect()
    }

    /// Names of the weighting schemes, in [`Registry::list`] order.
    pub fn weighting_names(&self) -> Vec<String> {
        self.names_of("weighting")
    }

    /// Names of the derived-indicator kinds, in [`Registry::list`] order.
    pub fn derived_names(&self) -> Vec<String> {
        self.names_of("indicator")
    }

    /// Names of the plugin normalisations, in load order.
    pub fn normaliser_names(&self) -> Vec<String> {
        self.names_of("normaliser")
    }

    /// Names of the plugin aggregations, in load order.
    pub fn aggregator_names(&self) -> Vec<String> {
        self.names_of("aggregator")
    }

    fn names_of(&self, kind: &str) -> Vec<String> {
        self.entries
            .iter()
            .filter(|e| e.info.kind == kind)
            .map(|e| e.info.name.clone())
            .collect()
    }
}

/// The file name a library crate's `cdylib` gets on this platform:
/// `libNAME.so` (Linux), `libNAME.dylib` (macOS), `NAME.dll` (Windows).
/// `lib_name` is the crate name with `-` replaced by `_`.
pub fn library_file_name(lib_name: &str) -> String {
    format!(
        "{}{}{}",
        std::env::consts::DLL_PREFIX,
        lib_name,
        std::env::consts::DLL_SUFFIX
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_listed_in_order() {
        let r = Registry::with_builtins();
        assert_eq!(
            r.weighting_names(),
            vec!["entropy", "critic", "stddev", "cv", "equal"]
        );
        assert_eq!(r.derived_names(), vec!["ratio", "difference", "per_capita"]);
        let list = r.list();
        assert_eq!(list.len(), 8);
        assert!(list.iter().all(|i| i.builtin && i.file.is_none()));
        assert_eq!(list[0].kind, "weighting");
        assert_eq!(list[7].kind, "indicator");
        let json = serde_json::to_value(&list[5]).unwrap();
        assert_eq!(json["name"], "ratio");
        assert_eq!(json["kind"], "indicator");
        assert_eq!(json["file"], serde_json::Value::Null);
        assert_eq!(json["builtin"], true);
    }

    #[test]
    fn lookups_respect_kind_and_exact_name() {
        let r = Registry::with_builtins();
        assert_eq!(r.weighting("critic").unwrap().name(), "critic");
        assert!(r.weighting("Critic").is_none());
        assert!(r.weighting("ratio").is_none());
        assert_eq!(r.derived("per_capita").unwrap().name(), "per_capita");
        assert!(r.derived("entropy").is_none());
    }

    #[test]
    fn builtin_weighting_through_the_registry_matches_the_crate() {
        // Equal weights over 3 columns: 1/3 each.
        let r = Registry::with_builtins();
        let raw = ndarray::array![[1.0, 2.0, 3.0], [2.0, 1.0, 5.0]];
        let names: Vec<String> = ["a", "b", "c"].iter().map(ToString::to_string).collect();
        let dirs = [rurban_core::Direction::Positive; 3];
        let w = rurban_weighting::compute(
            &*r.weighting("equal").unwrap(),
            &names,
            raw.view(),
            &dirs,
            0.0,
            "{}",
        )
        .unwrap();
        assert_eq!(w.weights, vec![1.0 / 3.0; 3]);
    }

    #[test]
    fn missing_file_is_refused_naming_it() {
        let mut r = Registry::with_builtins();
        let e = r.load(Path::new("no/such/libplugin.so")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot load plugin 'no/such/libplugin.so': file not found"
        );
    }

    #[test]
    fn a_directory_or_a_non_library_is_refused() {
        let mut r = Registry::with_builtins();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let e = r.load(&dir).unwrap_err();
        assert!(e.to_string().ends_with("/src': not a file"), "{e}");
        let text = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        let e = r.load(&text).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("cannot load plugin '") && msg.contains("Cargo.toml"),
            "{msg}"
        );
        // Still usable afterwards.
        assert!(r.weighting("entropy").is_some());
    }

    #[test]
    fn search_path_variable_unset_loads_nothing() {
        let mut r = Registry::with_builtins();
        r.load_search_path("RURBAN_HOST_TEST_VARIABLE_THAT_IS_NEVER_SET")
            .unwrap();
        assert_eq!(r.list().len(), 8);
    }

    #[test]
    fn library_file_names_follow_the_platform() {
        let f = library_file_name("rurban_plugin_merec_weights");
        if cfg!(target_os = "linux") {
            assert_eq!(f, "librurban_plugin_merec_weights.so");
        } else if cfg!(target_os = "macos") {
            assert_eq!(f, "librurban_plugin_merec_weights.dylib");
        } else if cfg!(windows) {
            assert_eq!(f, "rurban_plugin_merec_weights.dll");
        }
    }
}
