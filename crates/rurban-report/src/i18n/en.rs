//! English: every text of the report, by key (see the module above for the
//! placeholders). Keep the keys in step with `zh.rs`.

/// `(key, text)`.
pub(crate) const TEXTS: &[(&str, &str)] = &[
    // The page.
    ("page.title_suffix", "report"),
    ("page.kicker", "Composite index report"),
    ("page.contents", "Contents"),
    ("page.tag_not_run", "not run"),
    ("page.not_in_run", "Not in this run"),
    (
        "page.footer",
        "Rendered by rurban {version} from summary.json. Charts are inline SVG; the file needs nothing else to display.",
    ),
    ("not_run.label", "Not run:"),
    ("figure.label", "Figure {n}. "),
    ("figure.stop", "."),
    ("sep.list", ", "),
    ("meta.data", "Data"),
    ("meta.spec", "Specification"),
    ("meta.method", "Method"),
    ("meta.weights", "{w} weights"),
    ("meta.scope", "{scope} scope"),
    ("meta.shift", "shift {shift}"),
    ("meta.impute", "imputation: {impute}"),
    ("meta.size", "Regions × years"),
    (
        "meta.size_value",
        "{n} × {t} ({y0}–{y1}), {nt} region-years",
    ),
    ("meta.system", "Index system"),
    ("meta.system_value", "{nd} dimensions, {ni} indicators"),
    ("meta.imputed", "Imputed cells"),
    // Sections.
    ("sec.findings", "Findings"),
    ("sec.system", "Index system and weights"),
    ("sec.scores", "Composite and dimension scores"),
    ("sec.spatial", "Maps and spatial structure"),
    ("sec.kde", "Distribution dynamics"),
    ("sec.disparity", "Regional disparity"),
    ("sec.convergence", "Convergence"),
    ("sec.grey", "Grey relational analysis"),
    ("sec.clusters", "Clusters and tiers"),
    ("sec.warnings", "Warnings"),
    // What is not in the run, and why.
    (
        "absent.switched_off",
        "the section is absent from summary.json: it was switched off in the spec's [analysis] section or could not run on the data (any reason is listed under Warnings)",
    ),
    (
        "absent.no_analysis",
        "summary.json has no analysis section, so {what} was not computed",
    ),
    ("what.density", "the density"),
    ("what.disparity", "disparity"),
    ("what.convergence", "convergence"),
    ("what.grey", "grey relational analysis"),
    ("what.cluster", "clustering"),
    (
        "missing.findings_empty",
        "the findings section has no sentences",
    ),
    (
        "missing.findings_absent",
        "summary.json has no findings section (the findings are written when the analysis runs)",
    ),
    ("missing.kde", "Kernel density"),
    ("missing.kde_no_groups", "analysis.kde has no groups"),
    ("missing.kde_absent", "Kernel density (analysis.kde)"),
    ("missing.dagum", "Dagum decomposition"),
    (
        "missing.dagum_why",
        "the disparity results carry no decomposition: no groups were given in the spec",
    ),
    (
        "missing.disparity_no_composite",
        "analysis.disparity has no composite results",
    ),
    (
        "missing.disparity",
        "Regional disparity (analysis.disparity)",
    ),
    ("missing.beta_chart", "β convergence chart"),
    (
        "missing.beta_chart_why",
        "fewer than 2 regions have a positive composite score in both the first and the last year",
    ),
    ("missing.beta", "β convergence"),
    (
        "missing.beta_why",
        "analysis.convergence has no beta results",
    ),
    ("missing.convergence", "Convergence (analysis.convergence)"),
    ("missing.grey_mean", "Grey grades of the yearly means"),
    (
        "missing.grey_mean_why",
        "analysis.grey has no `mean` results",
    ),
    ("missing.grey", "Grey relational analysis (analysis.grey)"),
    ("missing.dendrogram", "Dendrogram"),
    (
        "missing.dendrogram_why",
        "the clustering has no merges (k-means draws no tree); the tiers are listed below",
    ),
    ("missing.cluster", "Clustering (analysis.cluster)"),
    ("missing.spatial", "Maps and spatial structure (spatial)"),
    (
        "missing.spatial_why",
        "the spec has no [geo] table, so summary.json has no spatial object (add [geo] with the regions' GeoJSON to map the composite and test its spatial structure)",
    ),
    ("missing.maps", "Maps"),
    ("missing.maps_why", "no geometry was given to draw them"),
    ("missing.time_charts", "Charts over the years"),
    (
        "missing.time_charts_why",
        "the panel has a single year ({year}): the cross-section is shown instead (ranked composite and dimension profiles)",
    ),
    // Table captions and headers.
    ("cap.system", "Index system"),
    (
        "cap.system_yearly",
        "Index system (scope = year: mean weight over the years, range in brackets)",
    ),
    ("cap.kde_table", "Density summary by year"),
    (
        "cap.disparity_table",
        "Disparity of the composite score by year",
    ),
    (
        "cap.dagum_table",
        "Dagum decomposition by year (contributions, share of the total in brackets; within-group Gini per group)",
    ),
    (
        "cap.dagum_between",
        "Between-group Gini and relative economic affluence D in {year}",
    ),
    (
        "cap.dim_disparity",
        "Disparity of the dimension scores: coefficient of variation in the first and the last year",
    ),
    (
        "cap.beta_table",
        "Absolute β convergence of the composite score",
    ),
    (
        "cap.sigma_table",
        "σ convergence: coefficient of variation (ddof 1) of the composite score across regions",
    ),
    (
        "cap.grey_regions",
        "Grey relational grades per region (each region's composite series against its dimension series; the highest grade in bold)",
    ),
    (
        "cap.grey_regions_limited",
        "Grey relational grades of the {shown} regions with the highest and lowest mean composite, of {n} (the highest grade in bold; every region is in grey.csv)",
    ),
    (
        "cap.tiers",
        "Tiers (tier 1 = highest mean composite); regions within a tier by mean composite, highest first",
    ),
    (
        "cap.moran",
        "Global Moran's I of the composite per year ({kind} weights, transform {transform}, {permutations} permutations)",
    ),
    ("tiers.more", "… and {more} more (all in clusters.csv)"),
    ("col.dimension", "Dimension"),
    ("col.indicator", "Indicator"),
    ("col.direction", "Direction"),
    ("col.unit", "Unit"),
    ("col.weight", "Weight"),
    ("col.year", "Year"),
    ("col.bandwidth", "Bandwidth"),
    ("col.mode", "Mode"),
    ("col.peaks", "Peaks"),
    ("col.peak_positions", "Peak positions"),
    ("col.peak_height", "Peak height"),
    ("col.spread", "Spread"),
    ("col.mean", "Mean"),
    ("col.std", "Std"),
    ("col.theil", "Theil"),
    ("col.gini", "Gini"),
    ("col.theil_within", "Theil within"),
    ("col.theil_between", "Theil between"),
    ("col.total", "Total"),
    ("col.within", "Within"),
    ("col.between", "Between"),
    ("col.transvariation", "Transvariation"),
    ("col.groups", "Groups (higher mean first)"),
    ("col.gini_between", "Gini between"),
    ("col.gini_in", "Gini in {group}"),
    ("col.first_year", "First year"),
    ("col.last_year", "Last year"),
    ("col.change", "Change"),
    ("col.half_life", "Half-life (years)"),
    ("col.lambda", "λ (per year)"),
    ("col.region", "Region"),
    ("col.leading", "Leading dimension"),
    ("col.tier", "Tier"),
    ("col.cluster", "Cluster"),
    ("col.regions", "Regions"),
    ("col.mean_composite", "Mean composite"),
    ("col.mean_composite_in", "Mean composite {year}"),
    ("col.geary", "Geary's c"),
    ("col.z_random", "z (randomisation)"),
    ("col.p_random", "p (randomisation)"),
    ("dir.benefit", "+ (benefit)"),
    ("dir.cost", "− (cost)"),
    ("tier.name", "Tier {t}"),
    (
        "sigma.fell",
        "The coefficient of variation fell from {a} ({y0}) to {b} ({y1}): σ convergence.",
    ),
    (
        "sigma.rose",
        "The coefficient of variation rose from {a} ({y0}) to {b} ({y1}): no σ convergence.",
    ),
    (
        "sigma.same",
        "The coefficient of variation stayed the same from {a} ({y0}) to {b} ({y1}): no σ convergence.",
    ),
    // Axes.
    ("axis.year", "Year"),
    ("axis.group", "Group"),
    ("axis.composite", "Composite score (index, 0–1)"),
    ("axis.density", "Density"),
    ("axis.weight", "Weight (weights sum to 1)"),
    (
        "axis.dimension_score",
        "Score in {year} (dimension scores add up to the composite)",
    ),
    ("axis.value", "Value (dimensionless)"),
    (
        "axis.gini_contribution",
        "Contribution to the Gini coefficient",
    ),
    ("axis.beta_x", "ln composite score in {t0}"),
    ("axis.beta_y", "Mean annual log growth {t0}–{t1}"),
    (
        "axis.grey",
        "Grey relational grade (0–1, higher = closer to the composite)",
    ),
    (
        "axis.merge_height",
        "Merge height ({method} linkage distance)",
    ),
    ("sep.clause", "; "),
    ("sep.comma", ", "),
    ("sep.sentence", ". "),
    ("change.fell", "fell"),
    ("change.rose", "rose"),
    ("change.stayed", "stayed"),
    // Weights.
    ("weights.title", "Indicator weights by dimension"),
    (
        "weights.cap",
        "Weights of the {n} indicators ({method} method), grouped by dimension; each bar is labelled with its weight. ",
    ),
    (
        "weights.cap.yearly",
        "Weights of the {n} indicators ({method} method, scope = year: bars show the mean weight over the years, whiskers the range from the smallest to the largest yearly weight), grouped by dimension; each bar is labelled with its weight. ",
    ),
    ("weights.cap.totals", "Dimension totals: {totals}. "),
    (
        "weights.cap.extremes",
        "Largest weight: {top} ({tv}); smallest: {low} ({lv}). The weights shown sum to {sum}.",
    ),
    // Composite over the years.
    ("composite.title", "Composite score over the years"),
    ("composite.mean", "Mean"),
    (
        "composite.cap.every",
        "Composite score of each of the {n} regions from {y0} to {y1} (thin coloured lines, labelled at the right end) and the cross-region mean (thick black line with dots).",
    ),
    (
        "composite.cap.highlight",
        "Composite score of the {n} regions from {y0} to {y1}: every region as a thin grey line, the {k} highest and the {k} lowest regions of the last year in colour and labelled at the right end, and the cross-region mean (thick black line with dots).",
    ),
    (
        "composite.cap.bands",
        "Composite score of the {n} regions from {y0} to {y1}, too many for a line each: the light grey band spans the 10th to the 90th percentile of the regions in each year, the darker band the 25th to the 75th, the grey line is the median; the {k} highest and the {k} lowest regions of the last year are drawn in colour and labelled, the thick black line with dots is the cross-region mean (every region's scores are in scores.csv).",
    ),
    (
        "composite.cap.mean",
        "The mean went from {m0} in {y0} to {m1} in {y1} ({change}).",
    ),
    (
        "composite.cap.extremes",
        " In {y1} the highest score is {hi} ({hv}), the lowest {lo} ({lv}).",
    ),
    (
        "composite.cap.gain",
        " The largest gain is {region} ({gain}).",
    ),
    // Heatmap.
    ("heatmap.title", "Composite score by region and year"),
    (
        "heatmap.cap",
        "Composite score of each region (rows, ordered by the region's mean over the years, highest first) in each year (columns); darker cells are higher scores, on a scale from {lo} to {hi}",
    ),
    (
        "heatmap.cap.binned",
        "Composite score of the {total} regions, ordered by their mean over the years (highest first) and binned by rank into {bins} rows (the label gives the ranks; a cell is the mean score of the row's regions in that year; every region-year is in scores.csv); darker cells are higher scores, on a scale from {lo} to {hi}",
    ),
    (
        "heatmap.cap.values",
        "; cell values are rounded to 2 decimals",
    ),
    ("heatmap.cap.stop", ". "),
    (
        "heatmap.cap.extremes",
        "Highest: {hi} in {hy} ({hv}); lowest: {lo} in {ly} ({lv}).",
    ),
    (
        "heatmap.cap.extremes_binned",
        "Highest row: ranks {hi} in {hy} ({hv}); lowest: ranks {lo} in {ly} ({lv}).",
    ),
    (
        "heatmap.cap.missing",
        " {missing} region-year(s) have no score (grey, n/a).",
    ),
    ("heatmap.scale", "score"),
    // Dimension scores.
    ("dimensions.title", "Dimension scores in {year}"),
    (
        "dimensions.cap",
        "Scores of the {nd} dimensions in {year}, stacked per region (regions ordered by their composite score in {year}, highest first; the number at the end of each bar is the composite). ",
    ),
    (
        "dimensions.cap.ends",
        "Of the {n} regions the {k} highest and the {k} lowest are shown ({left} in between are left out; all are in scores.csv). ",
    ),
    (
        "dimensions.cap.mean",
        "Mean contribution over the regions: ",
    ),
    (
        "dimensions.cap.top",
        " The top region, {region} ({value}), draws most from {dim} ({score}).",
    ),
    // Kernel density.
    ("kde.title", "Kernel density of the composite score"),
    (
        "kde.cap",
        "Density of the composite score across regions ({kernel} kernel{rule}), one curve per year on a common axis; the colour runs with time from the first year (light green) to the last (dark purple), dots mark the peaks (local maxima of at least 1% of the curve's maximum); spread is the width of the range where the density is at least 5% of its maximum. ",
    ),
    ("kde.cap.rule", ", {rule} bandwidth"),
    (
        "kde.cap.reflected",
        "The scores lie on [0, 1], so the curves are drawn boundary-corrected, reflected at 0 and 1 (f(x) + f(−x) + f(2 − x)), and do not spill outside the possible range; the table, the peaks' positions and kde.csv keep the plain kernel estimate. ",
    ),
    (
        "kde.cap.group",
        "{key}: mode {mode}, {peaks} peak(s), peak height {height}, spread {spread}, bandwidth {bandwidth}",
    ),
    ("kde.legend_year", "Year:"),
    ("kde.legend_peak", "peak"),
    // Disparity.
    (
        "disparity.title",
        "Regional disparity of the composite score",
    ),
    ("disparity.cv", "Coefficient of variation"),
    ("disparity.theil", "Theil index"),
    ("disparity.gini", "Gini coefficient"),
    (
        "disparity.cap",
        "Coefficient of variation (std{ddof} / mean), Theil index and Gini coefficient of the composite score across regions, per year. ",
    ),
    ("disparity.cap.ddof", " with ddof {k}"),
    (
        "disparity.cap.change",
        "From {a} to {b}: CV {cv} from {cv0} to {cv1}, Theil {theil} from {t0} to {t1}, Gini {gini} from {g0} to {g1}.",
    ),
    ("dagum.title", "Dagum decomposition of the Gini coefficient"),
    ("dagum.within", "Within groups"),
    ("dagum.between", "Between groups (net)"),
    ("dagum.transvariation", "Transvariation"),
    (
        "dagum.cap",
        "Dagum (1997) decomposition of the Gini coefficient of the composite score into within-group, net between-group and transvariation contributions, stacked, per year; the stack height (dots) is the total Gini. Groups: {groups}. ",
    ),
    (
        "dagum.cap.year",
        "{key}: G = {g} = within {w} ({wp}) + between {b} ({bp}) + transvariation {t} ({tp})",
    ),
    // Beta convergence.
    ("beta.title", "Absolute beta convergence"),
    (
        "beta.cap",
        "Each dot is a region: x = ln of its composite score in {t0}, y = mean annual log growth g = ln(x{t1} / x{t0}) / {span}. The line is the OLS fit g = a + b·ln x0 with b = {b}",
    ),
    ("beta.cap.a", " and a = {a}"),
    (
        "beta.cap.a_computed",
        " (computed from the points as mean(g) − b·mean(ln x0))",
    ),
    (
        "beta.cap.converge_speed",
        "b < 0: regions that started lower grew faster (absolute β convergence), at a speed λ = {lambda} per year, half-life {half} years.",
    ),
    (
        "beta.cap.converge",
        "b < 0: regions that started lower grew faster (absolute β convergence).",
    ),
    (
        "beta.cap.none",
        "b ≥ 0: no absolute β convergence (no speed or half-life).",
    ),
    (
        "beta.cap.unlabelled",
        " {k} of the {n} dots are not named because their label would overlap another label or dot.",
    ),
    ("beta.legend_region", "region"),
    ("beta.legend_fit", "fit: {eq}"),
    // Grey relational analysis.
    ("grey.title", "Grey relational grades of the dimensions"),
    (
        "grey.cap",
        "Grey relational grade of each dimension's yearly mean score with the yearly mean composite ({norm} normalisation, ρ = {rho}), ranked: rank 1 moves most closely with the composite. ",
    ),
    // Dendrogram.
    ("dendrogram.title", "Cluster dendrogram"),
    (
        "dendrogram.cap",
        "Hierarchical clustering ({method} linkage) of the {n} regions on their composite scores over the years (one feature per year); the leaves, coloured squares and the links inside one tier carry the tier colour (tier 1 = highest mean composite), links that join several tiers are grey. ",
    ),
    (
        "dendrogram.cap.truncated",
        "With {n} regions the tree is cut back to its last {p} clusters, as SciPy's truncate_mode=\"lastp\" draws it: a leaf in brackets is a cluster and gives its number of regions (every region's cluster is in clusters.csv). ",
    ),
    (
        "dendrogram.cap.cut",
        "The dashed line at height {cut} cuts the tree into {k} clusters. ",
    ),
    (
        "dendrogram.cap.tier",
        "tier {t}: {members} region(s), mean composite {mean}",
    ),
    (
        "dendrogram.cap.tallest",
        ". The tallest merge is at height {h}.",
    ),
    ("dendrogram.legend_mixed", "joins several tiers"),
    // Maps (English titles and captions come from the maps module itself).
    ("map.choropleth.title", "Composite score by class"),
    (
        "map.choropleth.cap",
        "Composite score by {method} class in {years}, {classes} classes, one scheme for all years.",
    ),
    ("map.tiers.title", "Cluster tiers"),
    (
        "map.tiers.cap",
        "Cluster tiers of {n} regions ({k} tiers); tier 1 is the highest level.",
    ),
    ("map.lisa.title", "Local Moran (LISA) clusters"),
    (
        "map.lisa.cap",
        "Local Moran (LISA) clusters of the composite in {year}, significant at p ≤ {alpha}: {hh} HH, {ll} LL, {lh} LH, {hl} HL; {ns} not significant (grey); {islands} island(s) circled.",
    ),
    ("map.gravity.title", "Centre of gravity"),
    (
        "map.gravity.cap",
        "Path of the centre of gravity of the composite, {y0}–{y1} ({n} positions); arrows run in year order.",
    ),
    ("missing.maps_error", "the maps cannot be drawn: {error}"),
    // Method names as the report writes them.
    ("method.entropy", "entropy"),
    ("method.critic", "CRITIC"),
    ("method.stddev", "standard deviation"),
    ("method.cv", "coefficient of variation"),
    ("method.equal", "equal"),
    ("method.ward", "ward"),
    ("method.complete", "complete"),
    ("method.average", "average"),
    ("method.single", "single"),
    ("method.kmeans", "k-means"),
    ("method.gaussian", "gaussian"),
    ("method.epanechnikov", "epanechnikov"),
    ("method.silverman", "silverman"),
    ("method.scott", "scott"),
    ("method.initial", "initial"),
    ("method.mean", "mean"),
    ("method.hierarchical", "hierarchical"),
    ("method.quantile", "quantile"),
    ("method.natural-breaks", "natural-breaks"),
    ("method.equal-interval", "equal-interval"),
    // Findings (English sentences come from summary.json; these are the
    // catalogue's wording of the same facts).
    ("finding.untested", "too few years for a trend test"),
    ("finding.mk_up", "rising by the Mann-Kendall test (p = {p})"),
    (
        "finding.mk_down",
        "falling by the Mann-Kendall test (p = {p})",
    ),
    (
        "finding.mk_none",
        "no significant change by the Mann-Kendall test (p = {p})",
    ),
    (
        "finding.trend",
        "The mean composite score went from {m0} in {y0} to {m1} in {y1}: {verdict}, {declines}.",
    ),
    ("finding.trend.no_decline", "with no year-on-year decline"),
    (
        "finding.trend.declines",
        "with short-term declines in {years}",
    ),
    ("finding.gaps", "Regional gaps"),
    (
        "finding.gaps.narrowed",
        "Regional gaps narrowed (sigma convergence)",
    ),
    (
        "finding.gaps.widened",
        "Regional gaps widened (sigma divergence)",
    ),
    (
        "finding.disparity",
        "{lead}: the coefficient of variation of the composite went from {cv0} in {y0} to {cv1} in {y1} ({change}), the Gini coefficient from {g0} to {g1}; the yearly CV series: {verdict}.",
    ),
    (
        "finding.sources",
        "In {year} the Gini coefficient of the composite, {g}, comes mostly from {main}: within groups {w} ({wp}%), between groups {b} ({bp}%), transvariation {t} ({tp}%) (Dagum decomposition).",
    ),
    (
        "finding.polarisation",
        "Observed in the density of the composite: the main peak lies at {m0} in {y0} and at {m1} in {y1} (height {h0} to {h1}, spread {s0} to {s1}), with {p0} peak(s) in {y0} and {p1} in {y1}; the yearly number of peaks: {verdict}.",
    ),
    (
        "finding.grey",
        "By grey relational grade with the composite, '{lead}' leads ({lg}) and '{base}' is the base ({bg}); the full order is {order}.",
    ),
    (
        "finding.tiers",
        "Clustering the regions' composite series ({method}, k = {k}) gives {parts}.",
    ),
    ("finding.tiers.part", "tier {t} ({n} regions): {names}"),
    ("finding.tiers.more", " and {more} more"),
];
