//! Runs every command block of `docs/tutorial.md`, in order, in a scratch
//! copy of the repository's surroundings, so the tutorial cannot go stale:
//! a block marked `sh` must succeed, a block marked `sh fails` must fail
//! with an `error:` line. No block is skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{TempDir, shared_data};

/// The command blocks of a markdown page: `(info string, body)` of every
/// fenced block whose info string starts with `sh`.
fn sh_blocks(markdown: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in markdown.lines() {
        match &mut current {
            None => {
                if let Some(info) = line.strip_prefix("```") {
                    let info = info.trim();
                    current = Some((info.to_string(), String::new()));
                }
            }
            Some((info, body)) => {
                if line.trim_end() == "```" {
                    if info == "sh" || info.starts_with("sh ") {
                        blocks.push((info.clone(), std::mem::take(body)));
                    }
                    current = None;
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    blocks
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the workspace root")
        .to_path_buf()
}

#[test]
fn the_blocks_of_a_page_are_found() {
    let md = "text\n```sh\na\nb\n```\n```text\nno\n```\n```sh fails\nc\n```\n";
    assert_eq!(
        sh_blocks(md),
        [
            ("sh".to_string(), "a\nb\n".to_string()),
            ("sh fails".to_string(), "c\n".to_string())
        ]
    );
}

#[test]
fn every_command_of_the_tutorial_runs() {
    let page = std::fs::read_to_string(workspace_root().join("docs/tutorial.md"))
        .expect("docs/tutorial.md");
    let blocks = sh_blocks(&page);
    assert!(
        blocks.len() >= 5,
        "too few command blocks: {}",
        blocks.len()
    );
    // `../shared/data` must resolve from the working directory as it does
    // from the repository root: a scratch `repo/` beside a link to the data.
    let data = shared_data("china-provinces/provinces_2005_2024.csv");
    let shared = data
        .ancestors()
        .nth(3)
        .expect("the directory holding data/")
        .to_path_buf();
    let dir = TempDir::new("tutorial");
    let repo = dir.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&shared, dir.join("shared")).unwrap();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_rurban"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for (i, (info, body)) in blocks.iter().enumerate() {
        let o = Command::new("sh")
            .args(["-e", "-c", body])
            .current_dir(&repo)
            .env("PATH", &path)
            .output()
            .expect("sh runs");
        let stderr = String::from_utf8_lossy(&o.stderr);
        let context = format!(
            "block {} ({info}):\n{body}\n--- exit {:?}\n--- stderr ---\n{stderr}",
            i + 1,
            o.status.code()
        );
        assert!(
            !stderr.contains("panicked at"),
            "a command panicked\n{context}"
        );
        if info == "sh fails" {
            assert!(!o.status.success(), "expected a failure\n{context}");
            assert!(
                stderr.lines().next().unwrap_or("").starts_with("error: "),
                "no error line\n{context}"
            );
        } else {
            assert!(o.status.success(), "a command failed\n{context}");
        }
    }
    // The run of the study period wrote its coverage and a report.
    let out = repo.join("tutorial/out");
    for f in ["coverage.csv", "scores.csv", "summary.json", "report.html"] {
        assert!(out.join(f).is_file(), "{f} not written");
    }
}
