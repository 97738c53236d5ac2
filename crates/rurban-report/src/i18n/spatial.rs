//! The spatial findings (Moran's I, LISA hot and cold spots, the centre of
//! gravity, the spatial Markov chain) written from their typed parts
//! (`findings.spatial` of the summary) and the spatial object they rest on,
//! through the catalogue. The numbers are formatted as the pipeline's
//! English sentences format them (I and coordinates with 4 decimals, p as
//! `p = 0.012` or `p < 0.001`, km with 1 decimal, degrees rounded), so the
//! English catalogue writes those very sentences; the report uses these
//! only in another language, where the English sentence is kept when a
//! part is missing.

use rurban_results::spatial::{
    GravityFinding, MarkovFinding, MoranFinding, SpatialAnalysis, SpotsFinding,
};
use rurban_trend::{Direction, format_p};

use super::Lang;

/// Moran's I of the composite from the first to the last year, with its
/// Mann-Kendall verdict (or the note that there are too few years).
pub(crate) fn moran(l: Lang, m: &MoranFinding) -> String {
    let (i0, i1) = (format!("{:.4}", m.first_i), format!("{:.4}", m.last_i));
    let (p0, p1) = (format_p(m.first_p), format_p(m.last_p));
    if m.first_year == m.last_year {
        return l.fill(
            "finding.moran.one",
            &[("y1", &m.last_year), ("i1", &i1), ("p1", &p1)],
        );
    }
    let span = l.fill(
        "finding.moran.span",
        &[
            ("y0", &m.first_year),
            ("i0", &i0),
            ("p0", &p0),
            ("y1", &m.last_year),
            ("i1", &i1),
            ("p1", &p1),
        ],
    );
    let key = match (m.direction, m.mann_kendall_p) {
        (Some(Direction::Increasing), Some(_)) => "finding.moran.up",
        (Some(Direction::Decreasing), Some(_)) => "finding.moran.down",
        (Some(Direction::NoTrend), Some(_)) => "finding.moran.none",
        _ => "finding.moran.untested",
    };
    let mk = m.mann_kendall_p.map(format_p).unwrap_or_default();
    l.fill(key, &[("span", &span), ("mk", &mk)])
}

/// The significant hot (HH) and cold (LL) spots of the last year's LISA at
/// the significance level `alpha`.
pub(crate) fn spots(l: Lang, s: &SpotsFinding, alpha: f64) -> String {
    let part = |spots: &[rurban_results::spatial::Spot], found: &str, none: &str| {
        if spots.is_empty() {
            return l.t(none).to_string();
        }
        let names: Vec<String> = spots
            .iter()
            .map(|x| {
                l.fill(
                    "finding.lisa.spot",
                    &[("region", &x.region), ("p", &format_p(x.p_sim))],
                )
            })
            .collect();
        l.fill(found, &[("names", &names.join(l.list_sep()))])
    };
    l.fill(
        "finding.lisa",
        &[
            ("year", &s.year),
            ("alpha", &alpha),
            (
                "hot",
                &part(&s.hot, "finding.lisa.hot", "finding.lisa.no_hot"),
            ),
            (
                "cold",
                &part(&s.cold, "finding.lisa.cold", "finding.lisa.no_cold"),
            ),
        ],
    )
}

/// How far and in which direction the centre of gravity moved, with the
/// two centres when the spatial object has them. `None` for a direction
/// the catalogue does not know.
pub(crate) fn gravity(l: Lang, g: &GravityFinding, a: Option<&SpatialAnalysis>) -> Option<String> {
    let towards = l.opt(&format!("compass.{}", g.towards))?;
    let centre = |key: &str| {
        a.and_then(|a| a.gravity.as_ref())
            .and_then(|gr| gr.groups.iter().find(|c| c.key == key))
            .map(|c| (format!("{:.4}", c.lon), format!("{:.4}", c.lat)))
    };
    let coords = match (centre(&g.from), centre(&g.to)) {
        (Some((lon0, lat0)), Some((lon1, lat1))) => l.fill(
            "finding.gravity.coords",
            &[
                ("lon0", &lon0),
                ("lat0", &lat0),
                ("lon1", &lon1),
                ("lat1", &lat1),
            ],
        ),
        _ => String::new(),
    };
    Some(l.fill(
        "finding.gravity",
        &[
            ("from", &g.from),
            ("to", &g.to),
            ("d", &format!("{:.1}", g.distance_km)),
            ("towards", &towards),
            ("b", &format!("{:.0}", g.bearing)),
            ("coords", &coords),
        ],
    ))
}

/// The chance of moving up a class with neighbours in the lowest against
/// the highest lag class; `k` classes of the composite, `m` lag classes.
pub(crate) fn markov(l: Lang, f: &MarkovFinding, k: usize, m: usize) -> String {
    let describe = |p: Option<f64>, up: u64, from: u64| match p {
        Some(p) => l.fill(
            "finding.markov.p",
            &[("p", &format!("{p:.4}")), ("u", &up), ("n", &from)],
        ),
        None => l.t("finding.markov.no_p").to_string(),
    };
    let verdict = match (f.low_p, f.high_p) {
        (Some(lo), Some(hi)) if hi > lo => l.t("finding.markov.rich_up"),
        (Some(lo), Some(hi)) if hi < lo => l.t("finding.markov.poor_up"),
        (Some(_), Some(_)) => l.t("finding.markov.same"),
        _ => "",
    };
    l.fill(
        "finding.markov",
        &[
            ("k", &k),
            ("m", &m),
            ("low", &describe(f.low_p, f.low_up, f.low_from)),
            ("high", &describe(f.high_p, f.high_up, f.high_from)),
            ("verdict", &verdict),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rurban_results::spatial::Spot;

    fn moran_finding(direction: Option<Direction>, mk: Option<f64>) -> MoranFinding {
        MoranFinding {
            first_year: "2011".into(),
            first_i: 0.1234,
            first_p: 0.0421,
            last_year: "2020".into(),
            last_i: 0.35675,
            last_p: 0.0004,
            mann_kendall_p: mk,
            direction,
        }
    }

    #[test]
    fn moran_rising_falling_flat_and_untested_in_chinese() {
        let up = moran(
            Lang::Zh,
            &moran_finding(Some(Direction::Increasing), Some(0.0123)),
        );
        assert_eq!(
            up,
            "综合得分的全局莫兰指数（Moran's I）由 2011 年的 0.1234（p = 0.042）变为 2020 年的 \
             0.3568（p < 0.001），经 Mann-Kendall 检验呈显著上升趋势（p = 0.012），\
             相近水平地区的空间集聚不断增强。"
        );
        let down = moran(
            Lang::Zh,
            &moran_finding(Some(Direction::Decreasing), Some(0.0004)),
        );
        assert!(
            down.contains("呈显著下降趋势（p < 0.001）") && down.contains("逐渐减弱"),
            "{down}"
        );
        let flat = moran(
            Lang::Zh,
            &moran_finding(Some(Direction::NoTrend), Some(0.4)),
        );
        assert!(
            flat.ends_with("，无显著变化（Mann-Kendall 检验 p = 0.400）。"),
            "{flat}"
        );
        let few = moran(Lang::Zh, &moran_finding(None, None));
        assert!(few.ends_with("（年份过少，未做趋势检验）。"), "{few}");
        let one = MoranFinding {
            first_year: "2020".into(),
            ..moran_finding(None, None)
        };
        assert_eq!(
            moran(Lang::Zh, &one),
            "2020 年综合得分的全局莫兰指数（Moran's I）为 0.3568（p < 0.001）。"
        );
        // The English catalogue words it as the pipeline does.
        assert_eq!(
            moran(
                Lang::En,
                &moran_finding(Some(Direction::NoTrend), Some(0.4))
            ),
            "Moran's I of the composite went from 0.1234 (p = 0.042) in 2011 to 0.3568 \
             (p < 0.001) in 2020, no significant change (Mann-Kendall p = 0.400)."
        );
    }

    #[test]
    fn hot_and_cold_spots_present_and_absent_in_chinese() {
        let spot = |r: &str, p: f64| Spot {
            region: r.into(),
            p_sim: p,
        };
        let s = SpotsFinding {
            year: "2020".into(),
            hot: vec![spot("Harbin", 0.001), spot("Daqing", 0.0234)],
            cold: vec![],
        };
        assert_eq!(
            spots(Lang::Zh, &s, 0.05),
            "2020 年局部空间自相关（LISA，显著性水平 0.05）分析显示：热点区（HH，高-高集聚）\
             为 Harbin（p = 0.001）、Daqing（p = 0.023）；无显著的冷点区（LL，低-低集聚）。"
        );
        let s = SpotsFinding {
            year: "2020".into(),
            hot: vec![],
            cold: vec![spot("Yichun", 0.0002)],
        };
        assert_eq!(
            spots(Lang::Zh, &s, 0.1),
            "2020 年局部空间自相关（LISA，显著性水平 0.1）分析显示：无显著的热点区（HH，\
             高-高集聚）；冷点区（LL，低-低集聚）为 Yichun（p < 0.001）。"
        );
        assert_eq!(
            spots(Lang::En, &s, 0.1),
            "In 2020 the LISA (alpha 0.1) finds no significant hot spots (HH, high among \
             high); cold spots (LL, low among low) in Yichun (p < 0.001)."
        );
    }

    #[test]
    fn the_centre_of_gravity_moves_so_many_km_in_a_direction() {
        let g = GravityFinding {
            from: "2011".into(),
            to: "2020".into(),
            distance_km: 12.345,
            bearing: 47.6,
            towards: "north-east".into(),
        };
        assert_eq!(
            gravity(Lang::Zh, &g, None).unwrap(),
            "2011—2020 年，综合得分的重心向东北方向移动了 12.3 km（方位角 48°）。"
        );
        let g = GravityFinding {
            towards: "west".into(),
            ..g
        };
        assert!(
            gravity(Lang::Zh, &g, None)
                .unwrap()
                .contains("向正西方向移动了 12.3 km")
        );
        // A direction the catalogue does not know: no sentence (the report
        // keeps the English one).
        let odd = GravityFinding {
            towards: "up".into(),
            ..g
        };
        assert_eq!(gravity(Lang::Zh, &odd, None), None);
    }

    #[test]
    fn the_spatial_markov_chain_in_chinese() {
        let f = MarkovFinding {
            low_up: 3,
            low_from: 20,
            high_up: 9,
            high_from: 18,
            low_p: Some(0.15),
            high_p: Some(0.5),
        };
        assert_eq!(
            markov(Lang::Zh, &f, 4, 4),
            "空间马尔可夫链（综合得分分为 4 种类型，空间滞后分为 4 种类型）显示：邻域处于最低滞后类型时，\
             地区向上转移的概率为 0.1500（自非最高类型出发的 20 次转移中有 3 次向上转移）；\
             邻域处于最高滞后类型时，该概率为 0.5000（自非最高类型出发的 18 次转移中有 9 次向上转移），\
             表明与高水平地区为邻有利于向上转移。"
        );
        let none = MarkovFinding {
            high_up: 0,
            high_from: 0,
            high_p: None,
            ..f
        };
        let z = markov(Lang::Zh, &none, 4, 3);
        assert!(
            z.contains("该概率无法估计（没有自非最高类型出发的转移）。"),
            "{z}"
        );
    }
}
