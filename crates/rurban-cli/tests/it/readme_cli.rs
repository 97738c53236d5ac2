//! Runs the README's short tour as a user would paste it, from the
//! repository root: every command must succeed and nothing may be written
//! into the repository (the tour works in a scratch directory).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the workspace root")
        .to_path_buf()
}

/// The body of the first `sh` block after the heading `heading`.
fn block_after(markdown: &str, heading: &str) -> String {
    let rest = &markdown[markdown.find(heading).expect("the heading")..];
    let start = rest.find("```sh\n").expect("a sh block") + "```sh\n".len();
    let body = &rest[start..];
    body[..body.find("\n```").expect("the block's end")].to_string()
}

fn entries(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn the_readme_tour_runs_and_writes_only_into_its_scratch_directory() {
    let root = workspace_root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let tour = block_after(&readme, "## A short tour");
    // `rurban` is the test's binary instead of the `cargo run` alias; the
    // plugin the last command loads is the one the plugin tests build
    // (building it here again would nest a release build in the tests).
    let merec = crate::plugins_cli::plugin_build::merec();
    let mut script = String::new();
    let mut dropped = 0;
    for line in tour.lines() {
        if line.starts_with("alias rurban=") || line.starts_with("cargo build") {
            dropped += 1;
            continue;
        }
        script.push_str(&line.replace(
            "target/release/librurban_plugin_merec_weights.so",
            &merec.to_string_lossy(),
        ));
        script.push('\n');
    }
    assert_eq!(dropped, 2, "the tour's alias and plugin build lines");
    assert!(script.contains("rurban run examples/heilongjiang/index.toml --out $T/out"));
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_rurban"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let before = entries(&root);
    let o = Command::new("sh")
        .args(["-e", "-c", &script])
        .current_dir(&root)
        .env("PATH", &path)
        .output()
        .expect("sh runs");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        !stderr.contains("panicked at"),
        "a command panicked:\n{stderr}"
    );
    assert!(
        o.status.success(),
        "the tour failed (exit {:?}):\n{script}\n--- stderr ---\n{stderr}",
        o.status.code()
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    // the last command lists the plugin's scheme
    assert!(stdout.contains("merec"), "{stdout}");
    assert_eq!(
        entries(&root),
        before,
        "the tour wrote into the repository root"
    );
}
