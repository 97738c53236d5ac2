//! `rurban plugins`: the weighting schemes, derived-indicator kinds,
//! normalisations and aggregations this process knows, built-in and loaded
//! from plugin libraries.

use crate::output::outln;
use anyhow::Result;
use clap::Args;
use rurban_host::{PluginInfo, Registry};

use crate::output::{Format, emit_json, print_warnings, table};

/// Arguments of `rurban plugins`.
#[derive(Debug, Args)]
pub struct PluginsArgs {
    /// Output format: a table, or `json` for `{"plugins": [{name, kind,
    /// version, abi, file, builtin, description}, ...], "warnings": [...]}`.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `rurban plugins`: lists built-ins first, then plugins in load order;
/// the registry's load warnings go to stderr (and into the JSON document).
pub fn run(args: PluginsArgs, registry: &Registry) -> Result<()> {
    let list = registry.list();
    match args.format {
        Format::Json => emit_json(document(&list), registry.warnings())?,
        Format::Human => {
            outln!("{}", render_table(&list))?;
            print_warnings(registry.warnings());
        }
    }
    Ok(())
}

/// The JSON document printed by `--format json` (before its warnings).
fn document(list: &[PluginInfo]) -> serde_json::Value {
    serde_json::json!({ "plugins": list })
}

/// The table printed for people: name, kind, version, ABI, file.
fn render_table(list: &[PluginInfo]) -> String {
    let mut t = table(&["name", "kind", "version", "abi", "file"]);
    for p in list {
        let file = match &p.file {
            Some(f) => f.clone(),
            None => "(built-in)".to_string(),
        };
        t.add_row(vec![
            p.name.clone(),
            p.kind.clone(),
            p.version.clone(),
            p.abi.clone().unwrap_or_default(),
            file,
        ]);
    }
    t.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_listed_in_both_formats() {
        let list = Registry::with_builtins().list();
        let text = render_table(&list);
        for name in [
            "entropy",
            "critic",
            "stddev",
            "cv",
            "equal",
            "ratio",
            "difference",
            "per_capita",
        ] {
            assert!(text.contains(name), "{name} missing from:\n{text}");
        }
        assert!(text.contains("(built-in)"));
        let json = document(&list);
        let arr = json["plugins"].as_array().unwrap();
        assert_eq!(arr.len(), 8);
        assert_eq!(arr[0]["name"], "entropy");
        assert_eq!(arr[0]["kind"], "weighting");
        assert_eq!(arr[0]["builtin"], true);
        assert_eq!(arr[0]["file"], serde_json::Value::Null);
        assert_eq!(arr[0]["abi"], serde_json::Value::Null);
        assert_eq!(arr[7]["name"], "per_capita");
        assert_eq!(arr[7]["kind"], "indicator");
    }
}
