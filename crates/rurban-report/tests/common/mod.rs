//! Helpers shared by the integration tests: fixtures and a small reader of
//! the report's SVG structure (figures, groups, elements, text positions).

#![allow(dead_code)]

use serde_json::Value;

/// A fixture from `tests/fixtures/`.
pub fn fixture(name: &str) -> Value {
    rurban_test_support::fixture_json(env!("CARGO_MANIFEST_DIR"), name)
}

/// The `<figure id="...">...</figure>` element, if present.
pub fn figure<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let start = html.find(&format!("<figure id=\"{id}\""))?;
    let end = html[start..].find("</figure>")? + start + "</figure>".len();
    Some(&html[start..end])
}

/// The `<svg>...</svg>` inside a figure.
pub fn svg(fig: &str) -> &str {
    let start = fig.find("<svg").expect("figure without <svg>");
    let end = fig.find("</svg>").expect("unclosed <svg>") + "</svg>".len();
    &fig[start..end]
}

/// The `<figcaption>` text.
pub fn caption(fig: &str) -> &str {
    let start = fig.find("<figcaption>").expect("figure without caption") + "<figcaption>".len();
    let end = fig.find("</figcaption>").expect("unclosed caption");
    &fig[start..end]
}

/// Contents of every `<g class="class">` group (nested groups included).
pub fn groups<'a>(svg: &'a str, class: &str) -> Vec<&'a str> {
    let open = format!("<g class=\"{class}\">");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = svg[from..].find(&open) {
        let body_start = from + i + open.len();
        let mut depth = 1;
        let mut j = body_start;
        while depth > 0 {
            let next_open = svg[j..].find("<g ").map(|k| k + j);
            let next_close = svg[j..].find("</g>").map(|k| k + j).expect("unclosed <g>");
            match next_open {
                Some(o) if o < next_close => {
                    depth += 1;
                    j = o + 3;
                }
                _ => {
                    depth -= 1;
                    j = next_close + 4;
                }
            }
        }
        out.push(&svg[body_start..j - 4]);
        from = j;
    }
    out
}

/// The single group of a class (panics when there is not exactly one).
pub fn group<'a>(svg: &'a str, class: &str) -> &'a str {
    let g = groups(svg, class);
    assert_eq!(
        g.len(),
        1,
        "expected one <g class=\"{class}\">, found {}",
        g.len()
    );
    g[0]
}

/// Number of `<tag ` elements.
pub fn count(s: &str, tag: &str) -> usize {
    s.matches(&format!("<{tag} ")).count()
}

fn attr(el: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let i = el.find(&key)? + key.len();
    let j = el[i..].find('"')? + i;
    Some(el[i..j].to_string())
}

/// `width` and `height` of the root `<svg>`.
pub fn svg_size(svg: &str) -> (f64, f64) {
    let head = &svg[..svg.find('>').unwrap()];
    let w = attr(head, "width")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let h = attr(head, "height")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    (w, h)
}

/// One `<text>` element: position, anchor, size and content.
#[derive(Debug, Clone)]
pub struct TextEl {
    pub x: f64,
    pub y: f64,
    pub anchor: String,
    /// Vertical alignment as plotters writes it (`0.76em` = top, `0.5ex` = centre, `-0.5ex` = bottom).
    pub dy: String,
    pub size: f64,
    pub content: String,
    pub rotated: bool,
}

/// Every `<text>` element in a fragment.
pub fn texts(s: &str) -> Vec<TextEl> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = s[from..].find("<text ") {
        let start = from + i;
        let head_end = s[start..].find('>').unwrap() + start;
        let head = &s[start..head_end];
        let close = s[head_end..].find("</text>").unwrap() + head_end;
        out.push(TextEl {
            x: attr(head, "x")
                .and_then(|v| v.parse().ok())
                .unwrap_or(f64::NAN),
            y: attr(head, "y")
                .and_then(|v| v.parse().ok())
                .unwrap_or(f64::NAN),
            anchor: attr(head, "text-anchor").unwrap_or_default(),
            dy: attr(head, "dy").unwrap_or_default(),
            size: attr(head, "font-size")
                .and_then(|v| v.parse().ok())
                .unwrap_or(f64::NAN),
            content: s[head_end + 1..close].trim().to_string(),
            rotated: head.contains("transform="),
        });
        from = close;
    }
    out
}

/// Every figure id the full report has.
pub const ALL_FIGURES: [&str; 10] = [
    "fig-weights",
    "fig-composite",
    "fig-heatmap",
    "fig-dimensions",
    "fig-kde",
    "fig-disparity",
    "fig-dagum",
    "fig-beta",
    "fig-grey",
    "fig-dendrogram",
];

/// The example's run (examples/heilongjiang, with [geo]) with `options`.
pub fn example_run_with(options: &rurban_pipeline::RunOptions) -> rurban_pipeline::RunOutput {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let spec = rurban_pipeline::read_spec(&root.join("examples/heilongjiang/index.toml")).unwrap();
    rurban_pipeline::run(&spec, options, &rurban_pipeline::Builtins).unwrap()
}

/// The example's run (examples/heilongjiang, with [geo]).
pub fn example_run() -> rurban_pipeline::RunOutput {
    example_run_with(&rurban_pipeline::RunOptions::default())
}
