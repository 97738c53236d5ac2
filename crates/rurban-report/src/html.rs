//! The HTML page: header, contents, findings, tables and figures.

use std::fmt::Write;

use crate::ReportError;
use crate::charts::{self, Figure};
use crate::draw::FONT_STACK;
use crate::fmt::{fx, pct, pval};
use crate::i18n::Lang;
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
struct Missing(Vec<(String, String)>, Lang);

impl Missing {
    fn add(&mut self, what: &str, why: &str) -> String {
        self.0.push((what.to_string(), why.to_string()));
        format!(
            "<p class=\"not-run\"><strong>{}</strong> {} — {}</p>\n",
            self.1.t("not_run.label"),
            esc(what),
            esc(why)
        )
    }
}

struct Figures {
    n: usize,
    lang: Lang,
}

impl Figures {
    fn html(&mut self, f: &Figure) -> String {
        self.n += 1;
        format!(
            "<figure id=\"{id}\" data-chart=\"{id}\">\n{svg}<figcaption><strong>{label}{title}{stop}</strong> {cap}</figcaption>\n</figure>\n",
            id = f.id,
            svg = f.svg,
            label = self.lang.fill("figure.label", &[("n", &self.n)]),
            stop = self.lang.t("figure.stop"),
            title = esc(&f.title),
            cap = esc(&f.caption)
        )
    }
}

/// The whole document.
pub(crate) fn page(s: &Summary, maps: Option<crate::Maps<'_>>) -> Result<String, ReportError> {
    let mut missing = Missing(Vec::new(), s.lang);
    let mut figs = Figures { n: 0, lang: s.lang };
    let m = &mut missing;
    let f = &mut figs;
    let mut sections = vec![
        // Findings first: the report in words.
        findings_section(s, m),
        system_section(s, f)?,
        scores_section(s, f, m)?,
        spatial_section(s, maps, f, m)?,
        kde_section(s, f, m)?,
        disparity_section(s, f, m)?,
        convergence_section(s, f, m)?,
        grey_section(s, f, m)?,
        clusters_section(s, f, m)?,
        robustness_section(s, f, m)?,
    ];
    if let Some(body) = crate::construction::body(s, &mut |fig| f.html(fig)) {
        sections.push(Section::new(
            "sec-construction",
            s.lang.t("sec.construction"),
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
        // The run's own reason, when a warning names this step as skipped.
        let step = what.trim_start_matches("what.");
        let step = if step == "density" { "kde" } else { step };
        if let Some(w) = s.warnings.iter().find(|w| {
            let w = w.to_ascii_lowercase();
            w.contains(step) && (w.contains("skipped") || w.contains("could not"))
        }) {
            return s.lang.fill("absent.warning", &[("warning", w)]);
        }
        s.lang.t("absent.switched_off").to_string()
    } else {
        s.lang
            .fill("absent.no_analysis", &[("what", &s.lang.t(what))])
    }
}

/// "Robustness": rank uncertainty, Sobol indices, rank correlations
/// (`charts::robustness`).
fn robustness_section(
    s: &Summary,
    figs: &mut Figures,
    missing: &mut Missing,
) -> Result<Section, ReportError> {
    let (body, run) = match charts::robustness::parts(s)? {
        Some((figures, rest)) => (
            figures.iter().map(|f| figs.html(f)).collect::<String>() + &rest,
            true,
        ),
        None => (
            missing.add(s.lang.t("robust.what"), s.lang.t("robust.missing")),
            false,
        ),
    };
    Ok(Section::new(
        "robustness",
        s.lang.t("robust.sec"),
        body,
        run,
    ))
}

/// "Findings": the numbered sentences.
fn findings_section(s: &Summary, missing: &mut Missing) -> Section {
    let mut body = String::new();
    let run = match &s.findings {
        Some(f) if !f.sentences.is_empty() => {
            body.push_str("<ol class=\"findings\">\n");
            let sentences = crate::i18n::findings::sentences(s, f);
            for (i, sentence) in sentences.iter().enumerate() {
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
            body.push_str(
                &missing.add(s.lang.t("sec.findings"), s.lang.t("missing.findings_empty")),
            );
            false
        }
        None => {
            body.push_str(&missing.add(
                s.lang.t("sec.findings"),
                s.lang.t("missing.findings_absent"),
            ));
            false
        }
    };
    Section::new("sec-findings", s.lang.t("sec.findings"), body, run)
}

/// "Index system and weights": the system table and the weights chart.
fn system_section(s: &Summary, figs: &mut Figures) -> Result<Section, ReportError> {
    let mut body = system_table(s);
    body.push_str(&figs.html(&charts::weights(s)?));
    Ok(Section::new(
        "sec-system",
        s.lang.t("sec.system"),
        body,
        true,
    ))
}

/// "Composite and dimension scores": composite, heatmap and dimension
/// charts; a single-year panel has no charts over the years, only the
/// cross-section (the ranked dimension profiles).
fn scores_section(
    s: &Summary,
    figs: &mut Figures,
    missing: &mut Missing,
) -> Result<Section, ReportError> {
    let mut body = String::new();
    if s.years.len() > 1 {
        body.push_str(&figs.html(&charts::composite(s)?));
        body.push_str(&figs.html(&charts::heatmap(s)?));
    } else {
        body.push_str(
            &missing.add(
                s.lang.t("missing.time_charts"),
                &s.lang
                    .fill("missing.time_charts_why", &[("year", &s.years[0])]),
            ),
        );
    }
    body.push_str(&figs.html(&charts::dimensions(s)?));
    Ok(Section::new(
        "sec-scores",
        s.lang.t("sec.scores"),
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
            // Scores on [0, 1] get the boundary-corrected curves.
            let bounded = s
                .composite
                .iter()
                .flatten()
                .filter(|v| v.is_finite())
                .all(|v| (0.0..=1.0).contains(v));
            body.push_str(&figs.html(&charts::kde(k, bounded, s.lang)?));
            body.push_str(&kde_table(k, s.lang));
            true
        }
        Some(_) => {
            body.push_str(&missing.add(s.lang.t("missing.kde"), s.lang.t("missing.kde_no_groups")));
            false
        }
        None => {
            body.push_str(&missing.add(s.lang.t("missing.kde_absent"), &absent(s, "what.density")));
            false
        }
    };
    Ok(Section::new("sec-kde", s.lang.t("sec.kde"), body, run))
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
            body.push_str(&figs.html(&charts::disparity(d, s.lang)?));
            body.push_str(&disparity_table(d, s.lang));
            match charts::dagum(d, s.lang)? {
                Some(f) => {
                    body.push_str(&figs.html(&f));
                    body.push_str(&dagum_table(d, s.lang));
                }
                None => body.push_str(
                    &missing.add(s.lang.t("missing.dagum"), s.lang.t("missing.dagum_why")),
                ),
            }
            if !a.disparity_dimensions.is_empty() {
                body.push_str(&dimension_disparity_table(s));
            }
            true
        }
        _ => {
            let why = if a.disparity_present {
                s.lang.t("missing.disparity_no_composite").to_string()
            } else {
                absent(s, "what.disparity")
            };
            body.push_str(&missing.add(s.lang.t("missing.disparity"), &why));
            false
        }
    };
    Ok(Section::new(
        "sec-disparity",
        s.lang.t("sec.disparity"),
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
                        s.lang.t("missing.beta_chart"),
                        s.lang.t("missing.beta_chart_why"),
                    )),
                },
                None => body
                    .push_str(&missing.add(s.lang.t("missing.beta"), s.lang.t("missing.beta_why"))),
            }
            body.push_str(&convergence_table(c, s.lang));
            true
        }
        None => {
            body.push_str(&missing.add(
                s.lang.t("missing.convergence"),
                &absent(s, "what.convergence"),
            ));
            false
        }
    };
    Ok(Section::new(
        "sec-convergence",
        s.lang.t("sec.convergence"),
        body,
        run,
    ))
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
                    s.lang.t("missing.grey_mean"),
                    s.lang.t("missing.grey_mean_why"),
                )),
            }
            if !g.regions.is_empty() {
                body.push_str(&grey_regions_table(s, &g.regions));
            }
            true
        }
        None => {
            body.push_str(&missing.add(s.lang.t("missing.grey"), &absent(s, "what.grey")));
            false
        }
    };
    Ok(Section::new("sec-grey", s.lang.t("sec.grey"), body, run))
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
                s.lang.t("missing.dendrogram"),
                s.lang.t("missing.dendrogram_why"),
            )),
        }
    } else {
        body.push_str(&missing.add(s.lang.t("missing.cluster"), &absent(s, "what.cluster")));
    }
    if let Some(t) = s.tiers() {
        run = true;
        body.push_str(&tier_table(s, t));
    }
    Ok(Section::new(
        "sec-clusters",
        s.lang.t("sec.clusters"),
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
    Some(Section::new(
        "sec-warnings",
        s.lang.t("sec.warnings"),
        body,
        true,
    ))
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
        body.push_str(&missing.add(s.lang.t("missing.spatial"), s.lang.t("missing.spatial_why")));
        return Ok(Section {
            id: "sec-spatial",
            title: s.lang.t("sec.spatial"),
            body,
            run: false,
        });
    };
    match maps {
        Some(crate::Maps::Input(input)) => {
            for m in crate::maps::maps_figures_in(input, s.lang)? {
                body.push_str(&figs.html(&Figure {
                    id: m.id,
                    title: m.title,
                    svg: m.svg,
                    caption: m.caption,
                }));
            }
        }
        Some(crate::Maps::Unavailable(why)) => {
            body.push_str(&missing.add(s.lang.t("missing.maps"), why));
        }
        None => body.push_str(&missing.add(s.lang.t("missing.maps"), s.lang.t("missing.maps_why"))),
    }
    if let Some(m) = &sp.moran {
        body.push_str(&moran_table(m, s.lang));
    }
    if !s.spatial_sentences.is_empty() {
        // In the report's language, from their typed parts (English when a
        // part is missing).
        body.push_str("<ul class=\"spatial-findings\">\n");
        for t in &crate::i18n::findings::spatial_sentences(s) {
            let _ = writeln!(body, "<li>{}</li>", esc(t));
        }
        body.push_str("</ul>\n");
    }
    Ok(Section {
        id: "sec-spatial",
        title: s.lang.t("sec.spatial"),
        body,
        run: true,
    })
}

/// Moran's I of the composite per year.
fn moran_table(m: &rurban_results::spatial::MoranAnalysis, l: Lang) -> String {
    let transform = serde_json::to_value(m.weights.transform)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    let mut out = format!(
        "<div class=\"table-wrap\"><table id=\"tbl-moran\"><caption>{}</caption>\n",
        esc(&l.fill(
            "cap.moran",
            &[
                ("kind", &l.method_name(&m.weights.kind)),
                ("transform", &transform),
                ("permutations", &m.permutations)
            ]
        ))
    );
    out.push_str(&th(&[
        (l.t("col.year"), false),
        ("n", true),
        ("I", true),
        ("E[I]", true),
        (l.t("col.z_random"), true),
        (l.t("col.p_random"), true),
        (l.t("col.geary"), true),
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
    out.push_str("</tbody></table></div>\n");
    out
}

/// The page around the sections: head, header, contents, the "not in this
/// run" box, the sections and the footer.
fn document(s: &Summary, sections: &[Section], missing: &Missing) -> String {
    let mut out = String::with_capacity(1 << 20);
    let title = esc(&s.name);
    let l = s.lang;
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"rurban {}\">\n<title>{title} — {}</title>\n<style>\n{}</style>\n</head>\n<body>\n<main>\n",
        l.html(),
        env!("CARGO_PKG_VERSION"),
        l.t("page.title_suffix"),
        css()
    );

    header(&mut out, s, &title);
    contents(&mut out, sections, l);
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
        "<footer>{}</footer>\n</main>\n</body>\n</html>\n",
        esc(&l.fill("page.footer", &[("version", &env!("CARGO_PKG_VERSION"))]))
    );
    out
}

/// The header: title and the run's particulars (data, spec, method, size).
fn header(out: &mut String, s: &Summary, title: &str) {
    let l = s.lang;
    let _ = writeln!(
        out,
        "<header>\n<p class=\"kicker\">{}</p>",
        l.t("page.kicker")
    );
    let _ = writeln!(out, "<h1>{title}</h1>");
    out.push_str("<dl class=\"meta\">\n");
    let mut meta = |k: &str, v: String| {
        let _ = writeln!(out, "<div><dt>{}</dt><dd>{}</dd></div>", esc(k), v);
    };
    if let Some(d) = &s.data {
        meta(l.t("meta.data"), format!("<code>{}</code>", esc(d)));
    }
    if let Some(sp) = &s.spec {
        meta(l.t("meta.spec"), format!("<code>{}</code>", esc(sp)));
    }
    let mut method = Vec::new();
    if let Some(w) = &s.method.weighting {
        method.push(l.fill("meta.weights", &[("w", &esc(&l.method_name(w)))]));
    }
    if let Some(sc) = &s.method.scope {
        method.push(l.fill("meta.scope", &[("scope", &esc(&l.method_name(sc)))]));
    }
    if let Some(sh) = s.method.shift {
        method.push(l.fill("meta.shift", &[("shift", &sh)]));
    }
    if let Some(i) = &s.method.impute {
        method.push(l.fill("meta.impute", &[("impute", &esc(&l.method_name(i)))]));
    }
    if !method.is_empty() {
        meta(l.t("meta.method"), method.join(" · "));
    }
    let (y0, y1) = (s.years[0], s.years[s.years.len() - 1]);
    meta(
        l.t("meta.size"),
        l.fill(
            "meta.size_value",
            &[
                ("n", &s.regions.len()),
                ("t", &s.years.len()),
                ("y0", &y0),
                ("y1", &y1),
                ("nt", &(s.regions.len() * s.years.len())),
            ],
        ),
    );
    let nind: usize = s.dimensions.iter().map(|d| d.indicators.len()).sum();
    meta(
        l.t("meta.system"),
        l.fill(
            "meta.system_value",
            &[("nd", &s.dimensions.len()), ("ni", &nind)],
        ),
    );
    if s.imputed > 0 {
        meta(l.t("meta.imputed"), s.imputed.to_string());
    }
    out.push_str("</dl>\n</header>\n");
}

/// The table of contents; sections not run are marked.
fn contents(out: &mut String, sections: &[Section], l: Lang) {
    let _ = writeln!(
        out,
        "<nav class=\"toc\" aria-label=\"{c}\">\n<h2>{c}</h2>\n<ol>",
        c = l.t("page.contents")
    );
    for sec in sections {
        let _ = writeln!(
            out,
            "<li{}><a href=\"#{}\">{}</a>{}</li>",
            if sec.run { "" } else { " class=\"off\"" },
            sec.id,
            esc(sec.title),
            if sec.run {
                String::new()
            } else {
                format!(" <span class=\"tag\">{}</span>", l.t("page.tag_not_run"))
            }
        );
    }
    out.push_str("</ol>\n</nav>\n");
}

/// The "Not in this run" box listing everything missing, with the reason.
fn not_run_box(out: &mut String, missing: &Missing) {
    if !missing.0.is_empty() {
        let _ = writeln!(
            out,
            "<aside class=\"notice\" id=\"not-run\">\n<h2>{}</h2>\n<ul>",
            missing.1.t("page.not_in_run")
        );
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
html[lang="zh-CN"] body {{ font-family: {stack}; line-height: 1.75; }}
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
.table-wrap {{ overflow-x: auto; max-width: 100%; }}
table.sigma tr.years th {{ border-bottom: 1px solid var(--ink); font-weight: 600; }}
table.sigma tbody tr:nth-child(even) td {{ background: none; }}
table.sigma tr.years:not(:first-child) th {{ padding-top: 12px; }}
ul.warnings li {{ margin: 4px 0; }}
footer {{ margin-top: 48px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--rule); padding-top: 10px; }}
@media print {{
  @page {{ size: A4; margin: 16mm 14mm; }}
  body {{ background: #fff; font-size: 11pt; }}
  main {{ box-shadow: none; margin: 0; padding: 0; max-width: none; }}
  figure, aside.notice {{ break-inside: avoid; }}
  table {{ break-inside: auto; font-size: 9pt; }}
  tr {{ break-inside: avoid; }}
  thead {{ display: table-header-group; }}
  .table-wrap {{ overflow: visible; }}
  thead th {{ white-space: normal; }}
  td, th {{ overflow-wrap: anywhere; padding: 3px 5px; }}
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
    let l = s.lang;
    let yearly = !s.year_weights.is_empty();
    let mut out = String::from("<div class=\"table-wrap\"><table class=\"system\">\n");
    let _ = writeln!(
        out,
        "<caption>{}</caption>",
        l.t(if yearly {
            "cap.system_yearly"
        } else {
            "cap.system"
        })
    );
    out.push_str(&th(&[
        (l.t("col.dimension"), false),
        (l.t("col.indicator"), false),
        (l.t("col.direction"), false),
        (l.t("col.unit"), false),
        (l.t("col.weight"), true),
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
                "+" => l.t("dir.benefit"),
                "-" => l.t("dir.cost"),
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

fn kde_table(k: &crate::model::Kde, l: Lang) -> String {
    let mut out = format!(
        "<div class=\"table-wrap\"><table>\n<caption>{}</caption>\n",
        l.t("cap.kde_table")
    );
    out.push_str(&th(&[
        (l.t("col.year"), false),
        ("n", true),
        (l.t("col.bandwidth"), true),
        (l.t("col.mode"), true),
        (l.t("col.peaks"), true),
        (l.t("col.peak_positions"), false),
        (l.t("col.peak_height"), true),
        (l.t("col.spread"), true),
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

fn disparity_table(d: &Disparity, l: Lang) -> String {
    let theil = d.groups.iter().any(|g| g.theil_decomposition.is_some());
    let mut cols = vec![
        (l.t("col.year"), false),
        ("n", true),
        (l.t("col.mean"), true),
        (l.t("col.std"), true),
        ("CV", true),
        (l.t("col.theil"), true),
        (l.t("col.gini"), true),
    ];
    if theil {
        cols.push((l.t("col.theil_within"), true));
        cols.push((l.t("col.theil_between"), true));
    }
    let mut out = format!(
        "<div class=\"table-wrap\"><table>\n<caption>{}</caption>\n",
        l.t("cap.disparity_table")
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

fn dagum_table(d: &Disparity, l: Lang) -> String {
    let groups: Vec<String> = d
        .groups
        .iter()
        .find_map(|g| g.dagum.as_ref())
        .map(|g| g.within_groups.iter().map(|w| w.0.clone()).collect())
        .unwrap_or_default();
    let mut cols: Vec<(String, bool)> = vec![
        (l.t("col.year").to_string(), false),
        (l.t("col.total").to_string(), true),
        (l.t("col.within").to_string(), true),
        (l.t("col.between").to_string(), true),
        (l.t("col.transvariation").to_string(), true),
    ];
    for g in &groups {
        cols.push((l.fill("col.gini_in", &[("group", g)]), true));
    }
    let col_refs: Vec<(&str, bool)> = cols.iter().map(|(c, n)| (c.as_str(), *n)).collect();
    let mut out = format!(
        "<div class=\"table-wrap\"><table>\n<caption>{}</caption>\n",
        l.t("cap.dagum_table")
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
    dagum_between_table(&mut out, d, l);
    out
}

/// Between-group Gini and relative affluence D of the last year, when the
/// decomposition has pairs of groups.
fn dagum_between_table(out: &mut String, d: &Disparity, l: Lang) {
    if let Some(last) = d
        .groups
        .last()
        .and_then(|g| g.dagum.as_ref().map(|dg| (g, dg)))
        && !last.1.between_groups.is_empty()
    {
        let _ = write!(
            out,
            "<div class=\"table-wrap\"><table>\n<caption>{}</caption>\n",
            esc(&l.fill("cap.dagum_between", &[("year", &last.0.key)]))
        );
        out.push_str(&th(&[
            (l.t("col.groups"), false),
            (l.t("col.gini_between"), true),
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
    let l = s.lang;
    let mut out = format!(
        "<div class=\"table-wrap\"><table>\n<caption>{}</caption>\n",
        l.t("cap.dim_disparity")
    );
    out.push_str(&th(&[
        (l.t("col.dimension"), false),
        (l.t("col.first_year"), false),
        ("CV", true),
        (l.t("col.last_year"), false),
        ("CV", true),
        (l.t("col.change"), true),
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

/// Years per row of the σ table.
const SIGMA_COLUMNS: usize = 10;

fn convergence_table(c: &crate::model::Convergence, l: Lang) -> String {
    let mut out = String::new();
    if let Some(b) = &c.beta {
        let _ = writeln!(
            out,
            "<div class=\"table-wrap\"><table>\n<caption>{}</caption>",
            l.t("cap.beta_table")
        );
        out.push_str(&th(&[
            ("b", true),
            ("se", true),
            ("t", true),
            ("p", true),
            ("R²", true),
            (l.t("col.lambda"), true),
            (l.t("col.half_life"), true),
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
        // At most SIGMA_COLUMNS years per row pair, so the table never
        // grows wider than the page however many years there are.
        let _ = writeln!(
            out,
            "<div class=\"table-wrap\"><table class=\"sigma\">\n<caption>{}</caption>",
            l.t("cap.sigma_table"),
        );
        out.push_str("<tbody>\n");
        for chunk in c.sigma.chunks(SIGMA_COLUMNS) {
            let _ = write!(out, "<tr class=\"years\"><th>{}</th>", l.t("col.year"));
            for (y, _) in chunk {
                let _ = write!(out, "<th class=\"n\">{y}</th>");
            }
            out.push_str("</tr>\n<tr><td>CV</td>");
            for (_, v) in chunk {
                out.push_str(&tdn(fx(*v, 4)));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table></div>\n");
        if let (Some(a), Some(b)) = (c.sigma.first(), c.sigma.last())
            && c.sigma.len() > 1
        {
            let key = if b.1 < a.1 {
                "sigma.fell"
            } else if b.1 > a.1 {
                "sigma.rose"
            } else {
                "sigma.same"
            };
            let _ = writeln!(
                out,
                "<p>{}</p>",
                esc(&l.fill(
                    key,
                    &[
                        ("a", &fx(a.1, 4)),
                        ("y0", &a.0),
                        ("b", &fx(b.1, 4)),
                        ("y1", &b.0)
                    ]
                ))
            );
        }
    }
    out
}

fn grey_regions_table(s: &Summary, regions: &[(String, crate::model::Grey)]) -> String {
    let l = s.lang;
    let mut cols: Vec<String> = Vec::new();
    for (_, g) in regions {
        for (c, _, _) in &g.grades {
            if !cols.contains(c) {
                cols.push(c.clone());
            }
        }
    }
    let mut heads: Vec<(String, bool)> = vec![(l.t("col.region").to_string(), false)];
    heads.extend(cols.iter().map(|c| (s.dim_name(c).to_string(), true)));
    heads.push((l.t("col.leading").to_string(), false));
    let refs: Vec<(&str, bool)> = heads.iter().map(|(c, n)| (c.as_str(), *n)).collect();
    let caption = if regions.len() > charts::MANY_REGIONS {
        l.fill(
            "cap.grey_regions_limited",
            &[("shown", &(2 * TABLE_ENDS)), ("n", &regions.len())],
        )
    } else {
        l.t("cap.grey_regions").to_string()
    };
    let mut out = format!(
        "<div class=\"table-wrap\"><table class=\"grades\">\n<caption>{}</caption>\n",
        esc(&caption)
    );
    out.push_str(&th(&refs));
    out.push_str("<tbody>\n");
    // Many regions: the top and bottom by mean composite only.
    let shown: Vec<&(String, crate::model::Grey)> = if regions.len() > charts::MANY_REGIONS {
        let means = s.region_mean();
        let index = charts::region_index(&s.regions);
        let mean_of = |name: &str| index.get(name).map_or(f64::NAN, |&r| means[r]);
        // Each region's mean looked up once, then the same stable sort.
        let mut sorted: Vec<(f64, &(String, crate::model::Grey))> =
            regions.iter().map(|r| (mean_of(&r.0), r)).collect();
        sorted.sort_by(|(x, _), (y, _)| y.partial_cmp(x).unwrap_or(std::cmp::Ordering::Equal));
        let k = TABLE_ENDS;
        let mut v: Vec<&(String, crate::model::Grey)> = sorted[..k].iter().map(|p| p.1).collect();
        v.extend(sorted[sorted.len() - k..].iter().map(|p| p.1));
        v
    } else {
        regions.iter().collect()
    };
    for (region, g) in shown {
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

/// Rows shown at each end of a per-region table of many regions.
const TABLE_ENDS: usize = 10;
/// Regions named per tier in the tier table; the rest are counted.
const TIER_NAMES: usize = 40;

/// The members of a tier as text: all of them, or with many the first
/// [`TIER_NAMES`] and how many more.
fn tier_members(members: &[&crate::model::ClusterLabel], l: Lang) -> String {
    let names: Vec<&str> = members
        .iter()
        .take(TIER_NAMES)
        .map(|m| m.label.as_str())
        .collect();
    let mut text = names.join(l.list_sep());
    if members.len() > TIER_NAMES {
        text.push(' ');
        text.push_str(&l.fill("tiers.more", &[("more", &(members.len() - TIER_NAMES))]));
    }
    text
}

fn tier_table(s: &Summary, labels: &[crate::model::ClusterLabel]) -> String {
    let l = s.lang;
    let mut tiers: Vec<i64> = labels.iter().map(|l| l.tier).collect();
    tiers.sort();
    tiers.dedup();
    let means = s.region_mean();
    let ny = s.years.len();
    let index = charts::region_index(&s.regions);
    let idx = |name: &str| index.get(name).copied();
    let mut out = format!(
        "<div class=\"table-wrap\"><table class=\"tiers\">\n<caption>{}</caption>\n",
        l.t("cap.tiers")
    );
    let last_head = l.fill("col.mean_composite_in", &[("year", &s.years[ny - 1])]);
    out.push_str(&th(&[
        (l.t("col.tier"), false),
        (l.t("col.cluster"), true),
        (l.t("col.regions"), false),
        ("n", true),
        (l.t("col.mean_composite"), true),
        (last_head.as_str(), true),
    ]));
    out.push_str("<tbody>\n");
    for t in tiers {
        // Each member's mean looked up once, then the same stable sort.
        let mut keyed: Vec<(f64, &crate::model::ClusterLabel)> = labels
            .iter()
            .filter(|l| l.tier == t)
            .map(|l| (idx(&l.label).map(|r| means[r]).unwrap_or(f64::NAN), l))
            .collect();
        keyed.sort_by(|(ma, _), (mb, _)| mb.total_cmp(ma));
        let members: Vec<&crate::model::ClusterLabel> = keyed.into_iter().map(|p| p.1).collect();
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
            "<tr><td class=\"nw\"><span class=\"swatch\" style=\"background:#{:02x}{:02x}{:02x}\"></span>{}</td>{}{}{}{}{}</tr>",
            c.0,
            c.1,
            c.2,
            l.fill("tier.name", &[("t", &t)]),
            tdn(clusters
                .iter()
                .map(std::string::ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")),
            td(&tier_members(&members, l)),
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
