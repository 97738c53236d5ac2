//! The report in a real headless browser: Chromium loads it from disk,
//! dumps the DOM (every figure must be there, no resource may fail to load)
//! and takes a screenshot, kept as `target/test-artifacts/report.png`.
//!
//! Needs `/usr/bin/chromium` (Debian: `apt-get install chromium`; CI installs
//! it). Without it the test fails, unless `RURBAN_SKIP_BROWSER=1`.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{ALL_FIGURES, fixture};
use rurban_report::render_html;

const CHROMIUM: &str = "/usr/bin/chromium";

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let p = std::env::temp_dir().join(format!(
            "rurban-report-{tag}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `target/` of this build (the test binary lives in `target/<profile>/deps/`).
fn target_dir() -> PathBuf {
    if let Ok(exe) = std::env::current_exe() {
        for dir in exe.ancestors() {
            if dir.file_name().is_some_and(|n| n == "deps")
                && let Some(t) = dir.parent().and_then(Path::parent)
            {
                return t.to_path_buf();
            }
        }
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target")
}

/// Runs headless Chromium on `page` with extra arguments; returns (stdout, stderr).
fn chromium(page: &Path, extra: &[String]) -> (String, String) {
    let profile = TempDir::new("profile");
    let mut cmd = Command::new(CHROMIUM);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.0.display()))
    .args(extra)
    .arg(format!("file://{}", page.display()))
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {CHROMIUM}: {e}"));
    // Read the pipes on threads so a chatty browser cannot block on a full pipe.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut err, &mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let (stdout, stderr) = (t_out.join().unwrap(), t_err.join().unwrap());
    assert!(status.success(), "chromium failed ({status}):\n{stderr}");
    (stdout, stderr)
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(
        bytes.len() > 24 && bytes.starts_with(b"\x89PNG\r\n\x1a\n") && &bytes[12..16] == b"IHDR",
        "not a PNG"
    );
    let w = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    let h = u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
    (w, h)
}

fn check_in_browser(fixture_name: &str, shot_name: &str, regions_to_find: &[&str]) {
    let html = render_html(&fixture(fixture_name)).unwrap();
    let dir = TempDir::new("page");
    let page = dir.0.join("report.html");
    std::fs::write(&page, &html).unwrap();

    // The DOM as the browser built it, with console and network errors on stderr.
    let (dom, log) = chromium(
        &page,
        &[
            "--dump-dom".into(),
            "--enable-logging=stderr".into(),
            "--v=0".into(),
        ],
    );
    assert!(dom.contains("</html>"), "no DOM dumped:\n{log}");
    for id in ALL_FIGURES {
        let at = dom
            .find(&format!("<figure id=\"{id}\""))
            .unwrap_or_else(|| panic!("{id} not in the browser's DOM"));
        let fig = &dom[at..at + dom[at..].find("</figure>").unwrap()];
        assert!(
            fig.contains(&format!("<svg id=\"{id}-svg\"")),
            "{id}: no svg in the DOM"
        );
        assert!(fig.contains("<figcaption>"), "{id}: no caption in the DOM");
    }
    for r in regions_to_find {
        assert!(dom.contains(r), "{r} not in the DOM (encoding?)");
    }
    // Console messages appear as "INFO:CONSOLE:1]" (or "CONSOLE(1)" in older builds).
    for bad in [
        "Failed to load resource",
        "net::ERR_",
        "CONSOLE(",
        ":CONSOLE:",
    ] {
        assert!(!log.contains(bad), "browser log mentions {bad:?}:\n{log}");
    }

    // A screenshot of the top of the page.
    let shot = dir.0.join("report.png");
    chromium(
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,4000".into(),
        ],
    );
    let bytes =
        std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot at {}: {e}", shot.display()));
    assert!(!bytes.is_empty(), "empty screenshot");
    assert_eq!(png_size(&bytes), (1280, 4000));
    // A blank page of this size compresses to a few kilobytes; charts and text do not.
    assert!(
        bytes.len() > 100_000,
        "the screenshot looks blank ({} bytes)",
        bytes.len()
    );
    let artifacts = target_dir().join("test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    std::fs::write(artifacts.join(shot_name), &bytes).unwrap();
}

#[test]
fn report_renders_in_headless_chromium() {
    if !Path::new(CHROMIUM).exists() {
        if std::env::var("RURBAN_SKIP_BROWSER").as_deref() == Ok("1") {
            eprintln!("{CHROMIUM} not found; browser test skipped because RURBAN_SKIP_BROWSER=1");
            return;
        }
        panic!(
            "{CHROMIUM} not found: install it (Debian: `apt-get update && apt-get install -y chromium`; CI installs it), \
             or set RURBAN_SKIP_BROWSER=1 to skip this test"
        );
    }
    check_in_browser("summary_full.json", "report.png", &["Nanjing", "Suqian"]);
    check_example_maps();
    check_in_browser(
        "summary_zh.json",
        "report-zh.png",
        &["北京", "新疆", "城乡融合发展指数"],
    );
}

/// The example's run (examples/heilongjiang, with [geo]): the maps are in
/// the browser's DOM, each city a labelled region.
fn check_example_maps() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let spec = rurban_pipeline::read_spec(&root.join("examples/heilongjiang/index.toml")).unwrap();
    let out = rurban_pipeline::run(
        &spec,
        &rurban_pipeline::RunOptions::default(),
        &rurban_pipeline::Builtins,
    )
    .unwrap();
    let summary = rurban_pipeline::output::summary(&out);
    let maps = out.maps.as_ref().expect("the example has [geo]");
    let html =
        rurban_report::render_html_with_maps(&summary, Some(rurban_report::Maps::Input(maps)))
            .unwrap();
    let dir = TempDir::new("maps");
    let page = dir.0.join("report.html");
    std::fs::write(&page, &html).unwrap();
    let (dom, log) = chromium(&page, &["--dump-dom".into()]);
    assert!(dom.contains("</html>"), "no DOM dumped:\n{log}");
    const CITIES: [&str; 13] = [
        "Harbin",
        "Qiqihar",
        "Jixi",
        "Hegang",
        "Shuangyashan",
        "Daqing",
        "Yichun",
        "Jiamusi",
        "Qitaihe",
        "Mudanjiang",
        "Heihe",
        "Suihua",
        "Daxing'anling",
    ];
    for id in [
        "fig-map-choropleth",
        "fig-map-tiers",
        "fig-map-lisa",
        "fig-map-gravity",
    ] {
        let at = dom
            .find(&format!("<figure id=\"{id}\""))
            .unwrap_or_else(|| panic!("{id} not in the browser's DOM"));
        let fig = &dom[at..at + dom[at..].find("</figure>").unwrap()];
        for c in CITIES {
            let c = c.replace('\'', "&#39;");
            assert!(
                fig.contains(&format!("data-region=\"{c}\""))
                    || fig.contains(&format!("data-region=\"{}\"", c.replace("&#39;", "'"))),
                "{id}: {c} is not a region of the map"
            );
        }
    }
    assert!(dom.contains("id=\"tbl-moran\""));
    let shot = dir.0.join("maps.png");
    chromium(
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1300,6000".into(),
        ],
    );
    let bytes = std::fs::read(&shot).unwrap();
    assert_eq!(png_size(&bytes), (1300, 6000));
    let artifacts = target_dir().join("test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    std::fs::write(artifacts.join("report-maps.png"), &bytes).unwrap();
}
