//! The HTML page: header, contents, findings, tables and figures.

use std::fmt::Write;

use crate::ReportError;
use crate::charts::{self, Figure};
use crate::draw::FONT_STACK;
use crate::fmt::{fx, pct, pval};
use crate::model::{Disparity, Summary, mean};

/// Escapes text for HTML content.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for an attribute value.
pub(crate) fn attr(s: &str) -> String {
    esc(s)
}

/// One section of the page.
struct Section {
    id: &'static str,
    title: &'static str,
    body: String,
    /// Present in this run (false: only a "not run" note).
    run: bool,
}

/// Everything not in this run, for the notice at the top.
struct Missing(Vec<(String, String)>);

impl Missing {
    fn add(&mut self, what: &str, why: &str) -> String {
        self.0.push((what.to_string(), why.to_string()));
        format!(
            "<p class=\"not-run\"><strong>Not run:</strong> {} — {}</p>\n",
            esc(what),
            esc(why)
        )
    }
}

struct Figures {
    n: usize,
}

impl Figures {
    fn html(&mut self, f: &Figure) -> String {
        self.n += 1;
        format!(
            "<figure id=\"{id}\" data-chart=\"{id}\">\n{svg}<figcaption><strong>Figure {n}. {title}.</strong> {cap}</figcaption>\n</figure>\n",
            id = f.id,
            svg = f.svg,
            n = self.n,
            title = esc(&f.title),
            cap = esc(&f.caption)
        )
    }
}

const SECTION_ABSENT: &str = "the section is absent from summary.json: it was switched off in the spec's [analysis] section or could not run on the data (any reason is listed under Warnings)";

/// The whole document.
pub(crate) fn page(s: &Summary, maps: Option<crate::Maps<'_>>) -> Result<String, ReportError> {
    let mut missing = Missing(Vec::new());
    let mut figs = Figures { n: 0 };
    let m = &mut missing;
    let f = &mut figs;
    let mut sections = vec![
        // Findings first: the report in words.
        findings_section(s, m),
        system_section(s, f)?,
        scores_section(s, f)?,
        spatial_section(s, maps, f, m)?,
        kde_section(s, f, m)?,
        disparity_section(s, f, m)?,
        convergence_section(s, f, m)?,
        grey_section(s, f, m)?,
        clusters_section(s, f, m)?,
    ];
    if let Some(body) = crate::construction::body(s, &mut |fig| f.html(fig)) {
        sections.push(Section::new(
            "sec-construction",
            "Construction, coupling and obstacles",
            body,
            true,
        ));
    }
    sections.extend(warnings_section(s));
    Ok(document(s, &sections, &missing))
}

impl Section {
    fn new(id: &'static str, title: &'static str, body: String, run: bool) -> Self {
        Section {
            id,
            title,
            body,
            run,
        }
    }
}

/// Why an analysis section is not in the report: switched off or not
/// computable, or the summary has no analysis at all.
fn absent(s: &Summary, what: &str) -> String {
    if s.analysis_present {
        SECTION_ABSENT.to_string()
    } else {
        format!("summary.json has no analysis section, so {what} was not computed")
    }
}

/// "Findings": the numbered sentences.
fn findings_section(s: &Summary, missing: &mut Missing) -> Section {
    let mut body = String::new();
    let run = match &s.findings {
        Some(f) if !f.sentences.is_empty() => {
            body.push_str("<ol class=\"findings\">\n");
            for (i, sentence) in f.sentences.iter().enumerate() {
                let _ = writeln!(
                    body,
                    "<li id=\"finding-{n}\"><span class=\"num\">{n}</span><span class=\"text\">{}</span></li>",
                    esc(sentence),
                    n = i + 1
                );
            }
            body.push_str("</ol>\n");
            true
        }
        Some(_) => {
            body.push_str(&missing.add("Findings", "the findings section has no sentences"));
            false
        }
        None => {
            body.push_str(&missing.add(
                "Findings",
                "summary.json has no findings section (the findings are written when the analysis runs)",
            ));
            false
        }
    };
    Section::new("sec-findings", "Findings", body, run)
}

/// "Index system and weights": the system table and the weights chart.
fn system_section(s: &Summary, figs: &mut Figures) -> Result<Section, ReportError> {
    let mut body = system_table(s);
    body.push_str(&figs.html(&charts::weights(s)?));
    Ok(Section::new(
        "sec-system",
        "Index system and weights",
        body,
        true,
    ))
}

/// "Composite and dimension scores": composite, heatmap and dimension charts.
fn scores_section(s: &Summary, figs: &mut Figures) -> Result<Section, ReportError> {
    let mut body = String::new();
    body.push_str(&figs.html(&charts::composite(s)?));
    body.push_str(&figs.html(&charts::heatmap(s)?));
    body.push_str(&figs.html(&charts::dimensions(s)?));
    Ok(Section::new(
        "sec-scores",
        "Composite and dimension scores",
        body,
        true,
    ))
}

/// "Distribution dynamics": the kernel densities and their table.
fn kde_section(
    s: &Summary,
    figs: &mut Figures,
    missing: &mut Missing,
) -> Result<Section, ReportError> {
    let mut body = String::new();
    let run = match &s.analysis.kde {
        Some(k) if !k.groups.is_empty() => {
            body.push_str(&figs.html(&charts::kde(k)?));
            body.push_str(&kde_table(k));
            true
        }
        Some(_) => {
            body.push_str(&missing.add("Kernel density", "analysis.kde has no groups"));
            false
        }
        None => {
            body.push_str(&missing.add("Kernel density (analysis.kde)", &absent(s, "the density")));
            false
        }
    };
    Ok(Section::new("sec-kde", "Distribution dynamics", body, run))
}

/// "Regional disparity": the disparity chart and table, the Dagum
/// decomposition when there are groups, the dimensions' disparity.
fn disparity_section(
    s: &Summary,
    figs: &mut Figures,
    missing: &mut Missing,
) -> Result<Section, ReportError> {
    let a = &s.analysis;
    let mut body = String::new();
    let run = match &a.disparity_composite {
        Some(d) if !d.groups.is_empty() => {
            body.push_str(&figs.html(&charts::disparity(d)?));
            body.push_str(&disparity_table(d));
            match charts::dagum(d)? {
                Some(f) => {
                    body.push_str(&figs.html(&f));
                    body.push_str(&dagum_table(d));
                }
                None => body.push_str(&missing.add(
                    "Dagum decomposition",
                    "the disparity results carry no decomposition: no groups were given in the spec",
                )),
            }
            if !a.disparity_dimensions.is_empty() {
                body.push_str(&dimension_disparity_table(s));
            }
            true
        }
        _ => {
            let why = if a.disparity_present {
                "analysis.disparity has no composite results".to_string()
            } else {
                absent(s, "disparity")
            };
            body.push_str(&missing.add("Regional disparity (analysis.disparity)", &why));
            false
        }
    };
    Ok(Section::new(
        "sec-disparity",
        "Regional disparity",
        body,
        run,
    ))
}

/// "Convergence": the β chart and the convergence table.
fn convergence_section(
    s: &Summary,
    figs: &mut Figures,
    missing: &mut Missing,
) -> Result<Section, ReportError> {
    let mut body = String::new();
    let run = match &s.analysis.convergence {
        Some(c) => {
            match &c.beta {
                Some(b) => match charts::beta(s, b)? {
                    Some(f) => body.push_str(&figs.html(&f)),
                    None => body.push_str(&missing.add(
                        "β convergence chart",
                        "fewer than 2 regions have a positive composite score in both the first and the last year",
                    )),
                },
                None => body.push_str(&missing.add(
                    "β convergence",
                    "analysis.convergence has no beta results",
                )),
            }
            body.push_str(&convergence_table(c));
            true
        }
        None => {
            body.push_str(&missing.add(
                "Convergence (analysis.convergence)",
                &absent(s, "convergence"),
            ));
            false
        }
    };
    Ok(Section::new("sec-convergence", "Convergence", body, run))
}

/// "Grey relational analysis": the grades of the yearly means and the
/// regions' table.
fn grey_section(
    s: &Summary,
    figs: &mut Figures,
    missing: &mut Missing,
) -> Result<Section, ReportError> {
    let mut body = String::new();
    let run = match &s.analysis.grey {
        Some(g) => {
            match &g.mean {
                Some(m) if !m.grades.is_empty() => {
                    body.push_str(&figs.html(&charts::grey(s, m)?));
                }
                _ => body.push_str(&missing.add(
                    "Grey grades of the yearly means",
                    "analysis.grey has no `mean` results",
                )),
            }
            if !g.regions.is_empty() {
                body.push_str(&grey_regions_table(s, &g.regions));
            }
            true
        }
        None => {
            body.push_str(&missing.add(
                "Grey relational analysis (analysis.grey)",
                &absent(s, "grey relational analysis"),
            ));
            false
        }
    };
    Ok(Section::new(
        "sec-grey",
        "Grey relational analysis",
        body,
        run,
    ))
}

/// "Clusters and tiers": the dendrogram and the tier table.
fn clusters_section(
    s: &Summary,
    figs: &mut Figures,
    missing: &mut Missing,
) -> Result<Section, ReportError> {
    let mut body = String::new();
    let mut run = false;
    if let Some(c) = &s.analysis.cluster {
        run = true;
        match charts::dendrogram(s, c)? {
            Some(f) => body.push_str(&figs.html(&f)),
            None => body.push_str(&missing.add(
                "Dendrogram",
                "the clustering has no merges (k-means draws no tree); the tiers are listed below",
            )),
        }
    } else {
        body.push_str(&missing.add("Clustering (analysis.cluster)", &absent(s, "clustering")));
    }
    if let Some(t) = s.tiers() {
        run = true;
        body.push_str(&tier_table(s, t));
    }
    Ok(Section::new(
        "sec-clusters",
        "Clusters and tiers",
        body,
        run,
    ))
}

/// "Warnings", only when the run has any.
fn warnings_section(s: &Summary) -> Option<Section> {
    if s.warnings.is_empty() {
        return None;
    }
    let mut body = String::from("<ul class=\"warnings\">\n");
    for w in &s.warnings {
        let _ = writeln!(body, "<li>{}</li>", esc(w));
    }
    body.push_str("</ul>\n");
    Some(Section::new("sec-warnings", "Warnings", body, true))
}

/// "Maps and spatial structure": the maps (choropleth of the first, middle
/// and last year, tiers, LISA of the last year, centre of gravity), Moran's
/// I per year and the spatial findings.
fn spatial_section(
    s: &Summary,
    maps: Option<crate::Maps<'_>>,
    figs: &mut Figures,
    missing: &mut Missing,
) -> Result<Section, ReportError> {
    let mut body = String::new();
    let Some(sp) = &s.spatial else {
        body.push_str(&missing.add(
            "Maps and spatial structure (spatial)",
            "the spec has no [geo] table, so summary.json has no spatial object (add [geo] with the regions' GeoJSON to map the composite and test its spatial structure)",
        ));
        return Ok(Section {
            id: "sec-spatial",
            title: "Maps and spatial structure",
            body,
            run: false,
        });
    };
    match maps {
        Some(crate::Maps::Input(input)) => {
            for m in crate::maps::maps_figures(input)? {
                body.push_str(&figs.html(&Figure {
                    id: m.id,
                    title: m.title,
                    svg: m.svg,
                    caption: m.caption,
                }));
            }
        }
        Some(crate::Maps::Unavailable(why)) => {
            body.push_str(&missing.add("Maps", why));
        }
        None => body.push_str(&missing.add("Maps", "no geometry was given to draw them")),
    }
    if let Some(m) = &sp.moran {
        body.push_str(&moran_table(m));
    }
    if !s.spatial_sentences.is_empty() {
        body.push_str("<ul class=\"spatial-findings\">\n");
        for t in &s.spatial_sentences {
            let _ = writeln!(body, "<li>{}</li>", esc(t));
        }
        body.push_str("</ul>\n");
    }
    Ok(Section {
        id: "sec-spatial",
        title: "Maps and spatial structure",
        body,
        run: true,
    })
}

/// Moran's I of the composite per year.
fn moran_table(m: &rurban_results::spatial::MoranAnalysis) -> String {
    let mut out = format!(
        "<table id=\"tbl-moran\"><caption>Global Moran's I of the composite per year ({} weights, transform {}, {} permutations)</caption>\n",
        esc(&m.weights.kind),
        esc(serde_json::to_value(m.weights.transform)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .as_deref()
            .unwrap_or("")),
        m.permutations
    );
    out.push_str(&th(&[
        ("year", false),
        ("n", true),
        ("I", true),
        ("E[I]", true),
        ("z (randomisation)", true),
        ("p (randomisation)", true),
        ("Geary's c", true),
        ("p_sim", true),
    ]));
    out.push_str("<tbody>\n");
    for g in &m.groups {
        let _ = writeln!(
            out,
            "<tr>{}{}{}{}{}{}{}{}</tr>",
            td(&g.key),
            tdn(g.n.to_string()),
            tdn(format!("{:.4}", g.i)),
            tdn(format!("{:.4}", g.expected)),
            tdn(format!("{:.3}", g.z_random)),
            tdn(format!("{:.3}", g.p_random)),
            tdn(format!("{:.4}", g.geary_c)),
            tdn(g.p_sim.map_or("—".to_string(), |p| format!("{p:.3}"))),
        );
    }
    out.push_str("</tbody></table>\n");
    out
}

/// The page around the sections: head, header, contents, the "not in this
/// run" box, the sections and the footer.
fn document(s: &Summary, sections: &[Section], missing: &Missing) -> String {
    let mut out = String::with_capacity(1 << 20);
    let title = esc(&s.name);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"rurban {}\">\n<title>{title} — report</title>\n<style>\n{}</style>\n</head>\n<body>\n<main>\n",
        env!("CARGO_PKG_VERSION"),
        css()
    );

    header(&mut out, s, &title);
    contents(&mut out, sections);
    not_run_box(&mut out, missing);
    for sec in sections {
        let _ = write!(
            out,
            "<section id=\"{}\">\n<h2>{}</h2>\n{}</section>\n",
            sec.id,
            esc(sec.title),
            sec.body
        );
    }
    let _ = write!(
        out,
        "<footer>Rendered by rurban {} from summary.json. Charts are inline SVG; the file needs nothing else to display.</footer>\n</main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
    out
}

/// The header: title and the run's particulars (data, spec, method, size).
fn header(out: &mut String, s: &Summary, title: &str) {
    out.push_str("<header>\n<p class=\"kicker\">Composite index report</p>\n");
    let _ = writeln!(out, "<h1>{title}</h1>");
    out.push_str("<dl class=\"meta\">\n");
    let mut meta = |k: &str, v: String| {
        let _ = writeln!(out, "<div><dt>{}</dt><dd>{}</dd></div>", esc(k), v);
    };
    if let Some(d) = &s.data {
        meta("Data", format!("<code>{}</code>", esc(d)));
    }
    if let Some(sp) = &s.spec {
        meta("Specification", format!("<code>{}</code>", esc(sp)));
    }
    let mut method = Vec::new();
    if let Some(w) = &s.method.weighting {
        method.push(format!("{} weights", esc(w)));
    }
    if let Some(sc) = &s.method.scope {
        method.push(format!("{} scope", esc(sc)));
    }
    if let Some(sh) = s.method.shift {
        method.push(format!("shift {sh}"));
    }
    if let Some(i) = &s.method.impute {
        method.push(format!("imputation: {}", esc(i)));
    }
    if !method.is_empty() {
        meta("Method", method.join(" · "));
    }
    let (y0, y1) = (s.years[0], s.years[s.years.len() - 1]);
    meta(
        "Regions × years",
        format!(
            "{} × {} ({y0}–{y1}), {} region-years",
            s.regions.len(),
            s.years.len(),
            s.regions.len() * s.years.len()
        ),
    );
    let nind: usize = s.dimensions.iter().map(|d| d.indicators.len()).sum();
    meta(
        "Index system",
        format!("{} dimensions, {nind} indicators", s.dimensions.len()),
    );
    if s.imputed > 0 {
        meta("Imputed cells", s.imputed.to_string());
    }
    out.push_str("</dl>\n</header>\n");
}

/// The table of contents; sections not run are marked.
fn contents(out: &mut String, sections: &[Section]) {
    out.push_str("<nav class=\"toc\" aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n");
    for sec in sections {
        let _ = writeln!(
            out,
            "<li{}><a href=\"#{}\">{}</a>{}</li>",
            if sec.run { "" } else { " class=\"off\"" },
            sec.id,
            esc(sec.title),
            if sec.run {
                ""
            } else {
                " <span class=\"tag\">not run</span>"
            }
        );
    }
    out.push_str("</ol>\n</nav>\n");
}

/// The "Not in this run" box listing everything missing, with the reason.
fn not_run_box(out: &mut String, missing: &Missing) {
    if !missing.0.is_empty() {
        out.push_str("<aside class=\"notice\" id=\"not-run\">\n<h2>Not in this run</h2>\n<ul>\n");
        for (what, why) in &missing.0 {
            let _ = writeln!(
                out,
                "<li><strong>{}</strong> — {}</li>",
                esc(what),
                esc(why)
            );
        }
        out.push_str("</ul>\n</aside>\n");
    }
}

fn css() -> String {
    format!(
        r#":root {{ --ink: #222; --muted: #5f6368; --rule: #e3e5e8; --accent: #0b5394; --soft: #f4f6f8; }}
* {{ box-sizing: border-box; }}
html {{ -webkit-text-size-adjust: 100%; }}
body {{ margin: 0; background: #eef0f3; color: var(--ink);
  font: 15px/1.6 -apple-system, "Segoe UI", "Helvetica Neue", Arial, {stack}; }}
main {{ max-width: 1000px; margin: 24px auto; background: #fff; padding: 44px 40px 56px;
  box-shadow: 0 1px 3px rgba(0,0,0,.08); }}
h1 {{ font-size: 30px; line-height: 1.25; margin: 0 0 18px; font-weight: 650; }}
h2 {{ font-size: 21px; margin: 44px 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--ink); }}
h3 {{ font-size: 16px; margin: 28px 0 8px; }}
.kicker {{ text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--accent); margin: 0 0 6px; font-weight: 600; }}
dl.meta {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 6px 24px; margin: 0; }}
dl.meta div {{ border-left: 3px solid var(--rule); padding-left: 10px; }}
dl.meta dt {{ font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }}
dl.meta dd {{ margin: 0; overflow-wrap: anywhere; }}
code {{ font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 13px; background: var(--soft); padding: 1px 4px; border-radius: 3px; }}
nav.toc {{ margin-top: 28px; background: var(--soft); padding: 12px 20px 14px; border-radius: 4px; }}
nav.toc h2 {{ border: 0; margin: 0 0 4px; font-size: 15px; padding: 0; }}
nav.toc ol {{ margin: 0; padding-left: 22px; columns: 2; column-gap: 32px; }}
nav.toc a {{ color: var(--accent); text-decoration: none; }}
nav.toc li.off a {{ color: var(--muted); }}
.tag {{ font-size: 11px; color: #8a5a00; background: #fff4dc; padding: 0 5px; border-radius: 3px; margin-left: 4px; }}
aside.notice {{ margin-top: 18px; border-left: 4px solid #e0a100; background: #fffaf0; padding: 10px 18px; }}
aside.notice h2 {{ border: 0; margin: 0; padding: 0; font-size: 15px; }}
aside.notice ul {{ margin: 6px 0 0; padding-left: 20px; font-size: 14px; }}
p.not-run {{ color: var(--muted); background: var(--soft); padding: 8px 12px; border-radius: 4px; font-size: 14px; }}
ol.findings {{ list-style: none; padding: 0; margin: 0; counter-reset: none; }}
ol.findings li {{ display: flex; gap: 12px; padding: 8px 0; border-bottom: 1px solid var(--rule); }}
ol.findings .num {{ flex: 0 0 26px; height: 26px; border-radius: 50%; background: var(--accent); color: #fff;
  font-size: 13px; font-weight: 600; display: flex; align-items: center; justify-content: center; margin-top: 1px; }}
figure {{ margin: 26px 0 30px; }}
figure svg {{ display: block; width: 100%; height: auto; }}
figure svg text {{ font-family: {stack}; }}
figcaption {{ font-size: 13.5px; line-height: 1.55; color: #444; margin-top: 8px; padding-top: 8px; border-top: 1px solid var(--rule); }}
table {{ border-collapse: collapse; width: 100%; font-size: 13.5px; margin: 14px 0 8px; font-variant-numeric: tabular-nums; }}
caption {{ caption-side: top; text-align: left; font-weight: 600; font-size: 14px; padding-bottom: 6px; }}
th, td {{ padding: 5px 8px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }}
thead th {{ border-bottom: 2px solid var(--ink); font-weight: 600; white-space: nowrap; }}
td.n, th.n {{ text-align: right; }}
tbody tr:nth-child(even) td {{ background: #fafbfc; }}
table.system tbody tr td {{ background: none; }}
table.system tr.first td {{ border-top: 1px solid #b9bec4; }}
table.grades thead th {{ white-space: normal; vertical-align: bottom; }}
td.best {{ font-weight: 700; }}
td.nw {{ white-space: nowrap; }}
.muted {{ color: var(--muted); }}
.swatch {{ display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }}
.table-wrap {{ overflow-x: auto; }}
ul.warnings li {{ margin: 4px 0; }}
footer {{ margin-top: 48px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--rule); padding-top: 10px; }}
@media print {{
  body {{ background: #fff; font-size: 11pt; }}
  main {{ box-shadow: none; margin: 0; padding: 0; max-width: none; }}
  figure, table, aside.notice {{ break-inside: avoid; }}
  h2 {{ break-after: avoid; }}
  nav.toc a {{ color: inherit; }}
}}
"#,
        stack = FONT_STACK
    )
}

fn th(cols: &[(&str, bool)]) -> String {
    let mut s = String::from("<thead><tr>");
    for (c, num) in cols {
        let _ = write!(
            s,
            "<th{}>{}</th>",
            if *num { " class=\"n\"" } else { "" },
            esc(c)
        );
    }
    s.push_str("</tr></thead>\n");
    s
}

fn td(v: &str) -> String {
    format!("<td>{}</td>", esc(v))
}

fn tdn(v: String) -> String {
    format!("<td class=\"n\">{v}</td>")
}

fn system_table(s: &Summary) -> String {
    let yearly = !s.year_weights.is_empty();
    let mut out = String::from("<div class=\"table-wrap\"><table class=\"system\">\n");
    let _ = writeln!(
        out,
        "<caption>Index system{}</caption>",
        if yearly {
            " (scope = year: mean weight over the years, range in brackets)"
        } else {
            ""
        }
    );
    out.push_str(&th(&[
        ("Dimension", false),
        ("Indicator", false),
        ("Direction", false),
        ("Unit", false),
        ("Weight", true),
    ]));
    out.push_str("<tbody>\n");
    for (d, dim) in s.dimensions.iter().enumerate() {
        let c = crate::draw::category_colour(d);
        for (j, ind) in dim.indicators.iter().enumerate() {
            out.push_str(if j == 0 && d > 0 {
                "<tr class=\"first\">"
            } else {
                "<tr>"
            });
            if j == 0 {
                let _ = write!(
                    out,
                    "<td rowspan=\"{}\"><span class=\"swatch\" style=\"background:#{:02x}{:02x}{:02x}\"></span>{}</td>",
                    dim.indicators.len(),
                    c.0,
                    c.1,
                    c.2,
                    esc(&dim.name)
                );
            }
            let (w, lo, hi) = s.shown_weight(ind);
            let dir = match ind.direction.as_str() {
                "+" => "+ (benefit)",
                "-" => "− (cost)",
                other => other,
            };
            let name = if ind.name != ind.id {
                format!("{} <code>{}</code>", esc(&ind.name), esc(&ind.id))
            } else {
                esc(&ind.name)
            };
            let _ = write!(
                out,
                "<td>{name}</td><td class=\"nw\">{}</td><td class=\"nw\">{}</td>",
                esc(dir),
                esc(&ind.unit)
            );
            if yearly {
                out.push_str(&tdn(format!("{} [{}, {}]", fx(w, 4), fx(lo, 4), fx(hi, 4))));
            } else {
                out.push_str(&tdn(fx(w, 4)));
            }
            out.push_str("</tr>\n");
        }
    }
    out.push_str("</tbody>\n</table></div>\n");
    out
}

fn kde_table(k: &crate::model::Kde) -> String {
    let mut out = String::from(
        "<div class=\"table-wrap\"><table>\n<caption>Density summary by year</caption>\n",
    );
    out.push_str(&th(&[
        ("Year", false),
        ("n", true),
        ("Bandwidth", true),
        ("Mode", true),
        ("Peaks", true),
        ("Peak positions", false),
        ("Peak height", true),
        ("Spread", true),
    ]));
    out.push_str("<tbody>\n");
    for g in &k.groups {
        let pos: Vec<String> = g.peaks.iter().map(|p| fx(p.0, 3)).collect();
        let _ = writeln!(
            out,
            "<tr>{}{}{}{}{}{}{}{}</tr>",
            td(&g.key),
            tdn(g.n.map(|n| n.to_string()).unwrap_or_else(|| "–".into())),
            tdn(fx(g.bandwidth, 4)),
            tdn(fx(g.mode, 3)),
            tdn(g.peaks.len().to_string()),
            td(&pos.join(", ")),
            tdn(fx(g.peak_height, 3)),
            tdn(fx(g.spread, 3))
        );
    }
    out.push_str("</tbody>\n</table></div>\n");
    out
}

fn disparity_table(d: &Disparity) -> String {
    let theil = d.groups.iter().any(|g| g.theil_decomposition.is_some());
    let mut cols = vec![
        ("Year", false),
        ("n", true),
        ("Mean", true),
        ("Std", true),
        ("CV", true),
        ("Theil", true),
        ("Gini", true),
    ];
    if theil {
        cols.push(("Theil within", true));
        cols.push(("Theil between", true));
    }
    let mut out = String::from(
        "<div class=\"table-wrap\"><table>\n<caption>Disparity of the composite score by year</caption>\n",
    );
    out.push_str(&th(&cols));
    out.push_str("<tbody>\n");
    for g in &d.groups {
        let _ = write!(
            out,
            "<tr>{}{}{}{}{}{}{}",
            td(&g.key),
            tdn(g.n.map(|n| n.to_string()).unwrap_or_else(|| "–".into())),
            tdn(fx(g.mean, 4)),
            tdn(fx(g.std, 4)),
            tdn(fx(g.cv, 4)),
            tdn(fx(g.theil, 4)),
            tdn(fx(g.gini, 4))
        );
        if theil {
            let (w, b) = g.theil_decomposition.unwrap_or((f64::NAN, f64::NAN));
            let _ = write!(out, "{}{}", tdn(fx(w, 4)), tdn(fx(b, 4)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n");
    out
}

fn dagum_table(d: &Disparity) -> String {
    let groups: Vec<String> = d
        .groups
        .iter()
        .find_map(|g| g.dagum.as_ref())
        .map(|g| g.within_groups.iter().map(|w| w.0.clone()).collect())
        .unwrap_or_default();
    let mut cols: Vec<(String, bool)> = vec![
        ("Year".into(), false),
        ("Total".into(), true),
        ("Within".into(), true),
        ("Between".into(), true),
        ("Transvariation".into(), true),
    ];
    for g in &groups {
        cols.push((format!("Gini in {g}"), true));
    }
    let col_refs: Vec<(&str, bool)> = cols.iter().map(|(c, n)| (c.as_str(), *n)).collect();
    let mut out = String::from(
        "<div class=\"table-wrap\"><table>\n<caption>Dagum decomposition by year (contributions, share of the total in brackets; within-group Gini per group)</caption>\n",
    );
    out.push_str(&th(&col_refs));
    out.push_str("<tbody>\n");
    for g in &d.groups {
        let Some(dg) = &g.dagum else { continue };
        let share = |v: f64| {
            format!(
                "{} <span class=\"muted\">({})</span>",
                fx(v, 4),
                pct(v, dg.total)
            )
        };
        let _ = write!(
            out,
            "<tr>{}{}{}{}{}",
            td(&g.key),
            tdn(fx(dg.total, 4)),
            tdn(share(dg.within)),
            tdn(share(dg.between)),
            tdn(share(dg.transvariation))
        );
        for name in &groups {
            let v = dg
                .within_groups
                .iter()
                .find(|w| &w.0 == name)
                .map(|w| w.1)
                .unwrap_or(f64::NAN);
            out.push_str(&tdn(fx(v, 4)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n");
    dagum_between_table(&mut out, d);
    out
}

/// Between-group Gini and relative affluence D of the last year, when the
/// decomposition has pairs of groups.
fn dagum_between_table(out: &mut String, d: &Disparity) {
    if let Some(last) = d
        .groups
        .last()
        .and_then(|g| g.dagum.as_ref().map(|dg| (g, dg)))
        && !last.1.between_groups.is_empty()
    {
        let _ = write!(
            out,
            "<div class=\"table-wrap\"><table>\n<caption>Between-group Gini and relative economic affluence D in {}</caption>\n",
            esc(&last.0.key)
        );
        out.push_str(&th(&[
            ("Groups (higher mean first)", false),
            ("Gini between", true),
            ("D", true),
        ]));
        out.push_str("<tbody>\n");
        for p in &last.1.between_groups {
            let _ = writeln!(
                out,
                "<tr>{}{}{}</tr>",
                td(&format!("{} – {}", p.a, p.b)),
                tdn(fx(p.gini, 4)),
                tdn(fx(p.d, 4))
            );
        }
        out.push_str("</tbody>\n</table></div>\n");
    }
}

fn dimension_disparity_table(s: &Summary) -> String {
    let mut out = String::from(
        "<div class=\"table-wrap\"><table>\n<caption>Disparity of the dimension scores: coefficient of variation in the first and the last year</caption>\n",
    );
    out.push_str(&th(&[
        ("Dimension", false),
        ("First year", false),
        ("CV", true),
        ("Last year", false),
        ("CV", true),
        ("Change", true),
    ]));
    out.push_str("<tbody>\n");
    for (id, d) in &s.analysis.disparity_dimensions {
        let (Some(a), Some(b)) = (d.groups.first(), d.groups.last()) else {
            continue;
        };
        let _ = writeln!(
            out,
            "<tr>{}{}{}{}{}{}</tr>",
            td(s.dim_name(id)),
            td(&a.key),
            tdn(fx(a.cv, 4)),
            td(&b.key),
            tdn(fx(b.cv, 4)),
            tdn(crate::fmt::signed(b.cv - a.cv, 4))
        );
    }
    out.push_str("</tbody>\n</table></div>\n");
    out
}

fn convergence_table(c: &crate::model::Convergence) -> String {
    let mut out = String::new();
    if let Some(b) = &c.beta {
        out.push_str("<div class=\"table-wrap\"><table>\n<caption>Absolute β convergence of the composite score</caption>\n");
        out.push_str(&th(&[
            ("b", true),
            ("se", true),
            ("t", true),
            ("p", true),
            ("R²", true),
            ("λ (per year)", true),
            ("Half-life (years)", true),
            ("n", true),
        ]));
        let o = |v: Option<f64>, d: usize| v.map(|x| fx(x, d)).unwrap_or_else(|| "–".into());
        let _ = writeln!(
            out,
            "<tbody><tr>{}{}{}{}{}{}{}{}</tr></tbody>\n</table></div>",
            tdn(fx(b.b, 5)),
            tdn(o(b.se, 5)),
            tdn(o(b.t, 3)),
            tdn(b.p.map(pval).unwrap_or_else(|| "–".into())),
            tdn(o(b.r2, 4)),
            tdn(o(b.lambda, 4)),
            tdn(o(b.half_life, 2)),
            tdn(b.n.map(|n| n.to_string()).unwrap_or_else(|| "–".into()))
        );
    }
    if !c.sigma.is_empty() {
        out.push_str("<div class=\"table-wrap\"><table class=\"sigma\">\n<caption>σ convergence: coefficient of variation (ddof 1) of the composite score across regions</caption>\n<thead><tr><th>Year</th>");
        for (y, _) in &c.sigma {
            let _ = write!(out, "<th class=\"n\">{y}</th>");
        }
        out.push_str("</tr></thead>\n<tbody><tr><td>CV</td>");
        for (_, v) in &c.sigma {
            out.push_str(&tdn(fx(*v, 4)));
        }
        out.push_str("</tr></tbody>\n</table></div>\n");
        if let (Some(a), Some(b)) = (c.sigma.first(), c.sigma.last())
            && c.sigma.len() > 1
        {
            let _ = writeln!(
                out,
                "<p>The coefficient of variation {} from {} ({}) to {} ({}){}.</p>",
                if b.1 < a.1 {
                    "fell"
                } else if b.1 > a.1 {
                    "rose"
                } else {
                    "stayed the same"
                },
                fx(a.1, 4),
                a.0,
                fx(b.1, 4),
                b.0,
                if b.1 < a.1 {
                    ": σ convergence"
                } else {
                    ": no σ convergence"
                }
            );
        }
    }
    out
}

fn grey_regions_table(s: &Summary, regions: &[(String, crate::model::Grey)]) -> String {
    let mut cols: Vec<String> = Vec::new();
    for (_, g) in regions {
        for (c, _, _) in &g.grades {
            if !cols.contains(c) {
                cols.push(c.clone());
            }
        }
    }
    let mut heads: Vec<(String, bool)> = vec![("Region".into(), false)];
    heads.extend(cols.iter().map(|c| (s.dim_name(c).to_string(), true)));
    heads.push(("Leading dimension".into(), false));
    let refs: Vec<(&str, bool)> = heads.iter().map(|(c, n)| (c.as_str(), *n)).collect();
    let mut out = String::from(
        "<div class=\"table-wrap\"><table class=\"grades\">\n<caption>Grey relational grades per region (each region's composite series against its dimension series; the highest grade in bold)</caption>\n",
    );
    out.push_str(&th(&refs));
    out.push_str("<tbody>\n");
    for (region, g) in regions {
        let best = g
            .grades
            .iter()
            .filter(|x| x.1.is_finite())
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|x| x.0.clone());
        let _ = write!(out, "<tr>{}", td(region));
        for c in &cols {
            let v = g
                .grades
                .iter()
                .find(|x| &x.0 == c)
                .map(|x| x.1)
                .unwrap_or(f64::NAN);
            if best.as_deref() == Some(c.as_str()) {
                let _ = write!(out, "<td class=\"n best\">{}</td>", fx(v, 3));
            } else {
                out.push_str(&tdn(fx(v, 3)));
            }
        }
        out.push_str(&td(best.as_deref().map(|b| s.dim_name(b)).unwrap_or("–")));
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n");
    out
}

fn tier_table(s: &Summary, labels: &[crate::model::ClusterLabel]) -> String {
    let mut tiers: Vec<i64> = labels.iter().map(|l| l.tier).collect();
    tiers.sort();
    tiers.dedup();
    let means = s.region_mean();
    let ny = s.years.len();
    let idx = |name: &str| s.regions.iter().position(|r| r == name);
    let mut out = String::from(
        "<div class=\"table-wrap\"><table class=\"tiers\">\n<caption>Tiers (tier 1 = highest mean composite); regions within a tier by mean composite, highest first</caption>\n",
    );
    let last_head = format!("Mean composite {}", s.years[ny - 1]);
    out.push_str(&th(&[
        ("Tier", false),
        ("Cluster", true),
        ("Regions", false),
        ("n", true),
        ("Mean composite", true),
        (last_head.as_str(), true),
    ]));
    out.push_str("<tbody>\n");
    for t in tiers {
        let mut members: Vec<&crate::model::ClusterLabel> =
            labels.iter().filter(|l| l.tier == t).collect();
        members.sort_by(|a, b| {
            let ma = idx(&a.label).map(|r| means[r]).unwrap_or(f64::NAN);
            let mb = idx(&b.label).map(|r| means[r]).unwrap_or(f64::NAN);
            mb.total_cmp(&ma)
        });
        let mut clusters: Vec<i64> = members.iter().map(|l| l.cluster).collect();
        clusters.sort();
        clusters.dedup();
        let m = mean(
            members
                .iter()
                .filter_map(|l| idx(&l.label))
                .map(|r| means[r]),
        );
        let ml = mean(
            members
                .iter()
                .filter_map(|l| idx(&l.label))
                .map(|r| s.composite[r][ny - 1]),
        );
        let c = crate::draw::tier_colour(t);
        let _ = writeln!(
            out,
            "<tr><td><span class=\"swatch\" style=\"background:#{:02x}{:02x}{:02x}\"></span>Tier {t}</td>{}{}{}{}{}</tr>",
            c.0,
            c.1,
            c.2,
            tdn(clusters
                .iter()
                .map(std::string::ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")),
            td(&members
                .iter()
                .map(|l| l.label.as_str())
                .collect::<Vec<_>>()
                .join(", ")),
            tdn(members.len().to_string()),
            tdn(fx(m, 3)),
            tdn(fx(ml, 3))
        );
    }
    out.push_str("</tbody>\n</table></div>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            esc("Huai'an <&> \"x\""),
            "Huai&#39;an &lt;&amp;&gt; &quot;x&quot;"
        );
    }
}
