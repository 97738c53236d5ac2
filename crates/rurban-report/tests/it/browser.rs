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

/// What the layout check measured in the browser.
struct Layout {
    /// Milliseconds from navigation start to the load event.
    load_ms: f64,
    /// Tables wider than their container (index and caption).
    overflow: Vec<String>,
    /// Tables checked.
    tables: usize,
}

/// Loads `html` in Chromium at 1280 px with a measuring script appended (to
/// a copy: the report itself has no script): the load time, and every
/// table whose box is wider than its container or than the page's `main`.
fn measure_layout(html: &str, dir: &Path) -> Layout {
    const SCRIPT: &str = r#"<script>
window.addEventListener('load', function () {
  var nav = performance.getEntriesByType('navigation')[0];
  var main = document.querySelector('main').getBoundingClientRect();
  var over = [];
  var tables = document.querySelectorAll('table');
  tables.forEach(function (t, i) {
    var box = t.parentElement;
    var r = t.getBoundingClientRect();
    var wide = r.right > main.right + 1 || r.left < main.left - 1;
    if (box.classList.contains('table-wrap') && box.scrollWidth > box.clientWidth + 1) wide = true;
    if (wide) {
      var c = t.querySelector('caption');
      over.push(i + ': ' + (c ? c.textContent : ''));
    }
  });
  var pre = document.createElement('pre');
  pre.id = 'rurban-measure';
  pre.textContent = JSON.stringify({load_ms: nav ? nav.loadEventStart : performance.now(), overflow: over, tables: tables.length});
  document.body.appendChild(pre);
});
</script>"#;
    let page = dir.join("measure.html");
    std::fs::write(&page, html.replace("</body>", &format!("{SCRIPT}</body>"))).unwrap();
    let (dom, log) = chromium(
        &page,
        &[
            "--dump-dom".into(),
            "--window-size=1280,1000".into(),
            "--virtual-time-budget=10000".into(),
        ],
    );
    let at = dom
        .find("<pre id=\"rurban-measure\">")
        .unwrap_or_else(|| panic!("the measuring script did not run:\n{log}"));
    let text = &dom[at + "<pre id=\"rurban-measure\">".len()..];
    let text = &text[..text.find("</pre>").unwrap()];
    let text = text.replace("&quot;", "\"").replace("&amp;", "&");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    Layout {
        load_ms: v["load_ms"].as_f64().unwrap(),
        overflow: v["overflow"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect(),
        tables: v["tables"].as_u64().unwrap() as usize,
    }
}

/// The page count of a PDF: the largest `/Count` of its page tree (every
/// PDF Chromium writes has one), cross-checked with `pdfinfo` when it is
/// installed.
fn pdf_pages(pdf: &Path) -> usize {
    let bytes = std::fs::read(pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let mut count = 0;
    let needle = b"/Count ";
    for i in 0..bytes.len().saturating_sub(needle.len()) {
        if &bytes[i..i + needle.len()] == needle {
            let digits: String = bytes[i + needle.len()..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .map(|&b| b as char)
                .collect();
            if let Ok(n) = digits.parse::<usize>() {
                count = count.max(n);
            }
        }
    }
    if let Ok(out) = Command::new("pdfinfo").arg(pdf).output()
        && out.status.success()
    {
        let info = String::from_utf8_lossy(&out.stdout);
        if let Some(line) = info.lines().find(|l| l.starts_with("Pages:")) {
            let n: usize = line["Pages:".len()..].trim().parse().unwrap();
            if count > 0 {
                assert_eq!(n, count, "pdfinfo and /Count disagree");
            }
            count = n;
        }
    }
    count
}

/// Prints `html` to PDF with Chromium; returns (pages, bytes).
fn print_pdf(html: &str, dir: &Path, name: &str) -> (usize, usize) {
    let page = dir.join(format!("{name}.html"));
    std::fs::write(&page, html).unwrap();
    let pdf = dir.join(format!("{name}.pdf"));
    chromium(
        &page,
        &[
            format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer".into(),
        ],
    );
    let size = std::fs::metadata(&pdf)
        .unwrap_or_else(|e| panic!("no PDF at {}: {e}", pdf.display()))
        .len() as usize;
    let pages = pdf_pages(&pdf);
    std::fs::copy(&pdf, {
        let a = target_dir().join("test-artifacts");
        std::fs::create_dir_all(&a).unwrap();
        a.join(format!("{name}.pdf"))
    })
    .unwrap();
    (pages, size)
}

/// Layout in the browser and in print: no table wider than the page, a
/// sane number of A4 pages, and the county report's drawing time printed.
fn check_layout_and_print() {
    let dir = TempDir::new("layout");
    for (name, lang) in [
        ("summary_full.json", rurban_report::Lang::En),
        ("summary_zh.json", rurban_report::Lang::Zh),
    ] {
        let summary = rurban_report::read_summary(&fixture(name)).unwrap();
        let html = rurban_report::render_html_summary_in(&summary, lang).unwrap();
        let layout = measure_layout(&html, &dir.0);
        assert!(layout.tables >= 5, "{name}: {} tables", layout.tables);
        assert!(
            layout.overflow.is_empty(),
            "{name}: tables wider than the page: {:?}",
            layout.overflow
        );
        let stem = name.trim_end_matches(".json");
        if lang == rurban_report::Lang::Zh {
            // The report in Chinese, as a reader sees it.
            let page = dir.0.join("zh-lang.html");
            std::fs::write(&page, &html).unwrap();
            let shot = dir.0.join("zh-lang.png");
            chromium(
                &page,
                &[
                    format!("--screenshot={}", shot.display()),
                    "--window-size=1280,6000".into(),
                ],
            );
            let bytes = std::fs::read(&shot).unwrap();
            assert_eq!(png_size(&bytes), (1280, 6000));
            let artifacts = target_dir().join("test-artifacts");
            std::fs::create_dir_all(&artifacts).unwrap();
            std::fs::write(artifacts.join("report-zh-lang.png"), &bytes).unwrap();
        }
        let (pages, bytes) = print_pdf(&html, &dir.0, stem);
        eprintln!("{name}: {pages} PDF pages, {bytes} bytes");
        assert!((4..=80).contains(&pages), "{name}: {pages} pages");
        assert!(bytes > 50_000, "{name}: a {bytes}-byte PDF looks empty");
    }
    // A 20-year σ table (the case that was cut off) fits too.
    let mut s = fixture("summary_full.json");
    let sigma: Vec<serde_json::Value> = (0..20)
        .map(|i| serde_json::json!({"year": 2001 + i, "cv": 0.5 - 0.01 * f64::from(i)}))
        .collect();
    s["analysis"]["convergence"]["sigma"] = serde_json::Value::Array(sigma);
    let layout = measure_layout(&render_html(&s).unwrap(), &dir.0);
    assert!(layout.overflow.is_empty(), "{:?}", layout.overflow);

    // The county report: drawn and printed in reasonable time.
    let county = crate::scale::big_summary(2851, 30);
    let html = render_html(&county).unwrap();
    let started = Instant::now();
    let layout = measure_layout(&html, &dir.0);
    let wall = started.elapsed().as_secs_f64();
    eprintln!(
        "county report ({} bytes): load event after {:.0} ms in Chromium ({:.1} s with browser start-up)",
        html.len(),
        layout.load_ms,
        wall
    );
    assert!(layout.overflow.is_empty(), "{:?}", layout.overflow);
    // A generous sanity bound (the target is under 3 s on a desktop).
    assert!(layout.load_ms < 30_000.0, "{} ms", layout.load_ms);
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
    check_layout_and_print();
}

/// The example's run (examples/heilongjiang, with [geo]): the maps are in
/// the browser's DOM, each city a labelled region.
fn check_example_maps() {
    let out = crate::common::example_run();
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
