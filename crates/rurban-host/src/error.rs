//! The host's errors: each names the file (load errors) or the plugin
//! (result errors) and the reason, in one line.

use std::path::PathBuf;

/// Why a plugin could not be loaded, or why its result was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HostError {
    /// The library file does not exist.
    #[error("cannot load plugin '{}': file not found", path.display())]
    NotFound {
        /// The file, as given.
        path: PathBuf,
    },
    /// The dynamic loader refused the file.
    #[error("cannot load plugin '{}': {reason}", path.display())]
    Open {
        /// The file, as given.
        path: PathBuf,
        /// The loader's message.
        reason: String,
    },
    /// The library exports no entry symbol.
    #[error("'{}' is not a rurban plugin: it exports no '{symbol}' symbol", path.display())]
    NotAPlugin {
        /// The file, as given.
        path: PathBuf,
        /// The symbol looked for.
        symbol: String,
    },
    /// The library was built for another ABI version.
    #[error(
        "plugin '{}' was built for plugin ABI version {found}, but this rurban speaks ABI version {supported}: rebuild it against the rurban-plugin-api of this rurban",
        path.display()
    )]
    AbiVersion {
        /// The file, as given.
        path: PathBuf,
        /// The version the library declares.
        found: u32,
        /// The version this host speaks.
        supported: u32,
    },
    /// The declaration breaks a rule of the ABI.
    #[error("plugin '{}' has an invalid declaration: {reason}", path.display())]
    BadDeclaration {
        /// The file, as given.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The plugin's name is already registered.
    #[error("plugin '{}' is named '{name}', a name already taken by {taken_by}", path.display())]
    DuplicateName {
        /// The file, as given.
        path: PathBuf,
        /// The contested name.
        name: String,
        /// Who has it.
        taken_by: String,
    },
    /// A directory of the plugin search path cannot be read.
    #[error("plugin search path {var}: directory '{}': {reason}", dir.display())]
    SearchPath {
        /// The environment variable.
        var: String,
        /// The directory.
        dir: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The plugin reported an error or panicked.
    #[error("plugin '{plugin}' ({}) failed: {message}", file.display())]
    PluginFailed {
        /// The plugin's name.
        plugin: String,
        /// Its library file.
        file: PathBuf,
        /// Its message (a caught panic's message starts with
        /// [`rurban_plugin_api::PANIC_PREFIX`], `the plugin panicked (caught): `).
        message: String,
    },
    /// The plugin's result breaks a rule (non-finite or negative weight, ...).
    #[error("plugin '{plugin}' ({}) returned an invalid result: {reason}", file.display())]
    InvalidResult {
        /// The plugin's name.
        plugin: String,
        /// Its library file.
        file: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A derived indicator cannot be computed (wrong inputs or parameters).
    #[error("derived indicator '{kind}': {reason}")]
    Derived {
        /// The derived kind.
        kind: String,
        /// What is wrong.
        reason: String,
    },
}
