//! Built-in dimensions and indicators with yearbook-like names, units and
//! value ranges, used when a configuration does not list its own.
//!
//! Five themes of eight indicators each; the first four of every theme are
//! the twenty indicators of the Heilongjiang example. `low` and `high` are the
//! values at the lowest and highest latent development level of the panel
//! (reversed for a `-` indicator).

use crate::config::{DimensionConfig, Direction, IndicatorSpec};

/// One catalogue entry: id, name, direction, unit, low, high.
type Entry = (
    &'static str,
    &'static str,
    Direction,
    &'static str,
    f64,
    f64,
);

use Direction::{Negative as N, Positive as P};

/// The five themes: (dimension id, dimension name, indicators).
#[rustfmt::skip]
pub(crate) const THEMES: [(&str, &str, [Entry; 8]); 5] = [
    (
        "economy",
        "Industrial economic integration",
        [
            ("income_ratio", "Urban-rural per-capita disposable income ratio", N, "ratio", 1.6, 2.9),
            ("consumption_ratio", "Urban-rural per-capita consumption expenditure ratio", N, "ratio", 1.4, 2.6),
            ("nonfarm_share", "Share of non-agricultural industries in GDP", P, "%", 55.0, 92.0),
            ("urbanisation_rate", "Urbanisation rate of the resident population", P, "%", 35.0, 72.0),
            ("gdp_per_capita", "GDP per capita", P, "10,000 yuan", 2.0, 9.0),
            ("productivity_ratio", "Non-agricultural to agricultural labour productivity ratio", N, "ratio", 1.8, 5.5),
            ("machinery_per_ha", "Agricultural machinery power per hectare of sown area", P, "kW/ha", 2.0, 6.5),
            ("rural_income", "Rural per-capita disposable income", P, "yuan", 8000.0, 20000.0),
        ],
    ),
    (
        "social",
        "Social life integration",
        [
            ("engel_ratio", "Urban-rural Engel coefficient ratio", N, "ratio", 1.02, 1.4),
            ("hospital_beds", "Hospital beds per 10,000 residents", P, "per 10,000", 35.0, 75.0),
            ("doctors_per_10k", "Licensed doctors per 10,000 residents", P, "per 10,000", 15.0, 35.0),
            ("pension_coverage", "Basic pension insurance coverage", P, "%", 55.0, 95.0),
            ("allowance_ratio", "Urban-rural minimum living allowance standard ratio", N, "ratio", 1.2, 2.2),
            ("medical_insurance", "Rural medical insurance participation", P, "%", 80.0, 98.0),
            ("tap_water_rural", "Rural tap water coverage", P, "%", 55.0, 97.0),
            ("social_spending_share", "Social security and employment share of public spending", P, "%", 10.0, 24.0),
        ],
    ),
    (
        "talent",
        "Talent cultivation integration",
        [
            ("teacher_ratio_gap", "Urban-rural teacher-student ratio gap", N, "ratio", 1.05, 1.6),
            ("edu_spending_share", "Education share of public spending", P, "%", 9.0, 20.0),
            ("college_per_10k", "College students per 10,000 residents", P, "per 10,000", 50.0, 400.0),
            ("library_books_pc", "Public library books per capita", P, "volumes", 0.25, 1.2),
            ("rural_schooling_years", "Average years of schooling of the rural labour force", P, "years", 7.2, 9.8),
            ("rural_teacher_degree", "Rural teachers with a bachelor's degree or above", P, "%", 40.0, 85.0),
            ("vocational_per_10k", "Vocational training participants per 10,000 rural residents", P, "per 10,000", 80.0, 450.0),
            ("culture_stations_per_10k", "Township cultural stations per 10,000 rural residents", P, "per 10,000", 0.6, 2.4),
        ],
    ),
    (
        "ecology",
        "Ecological environment integration",
        [
            ("green_coverage", "Green coverage of built-up areas", P, "%", 28.0, 42.0),
            ("fertiliser_per_ha", "Chemical fertiliser use per hectare of sown area", N, "kg/ha", 150.0, 330.0),
            ("sewage_treatment", "Urban sewage treatment rate", P, "%", 60.0, 96.0),
            ("pm25", "Annual mean PM2.5 concentration", N, "µg/m³", 22.0, 60.0),
            ("sanitary_toilets", "Rural sanitary toilet coverage", P, "%", 30.0, 85.0),
            ("pesticide_per_ha", "Pesticide use per hectare of sown area", N, "kg/ha", 2.0, 8.0),
            ("waste_treatment", "Harmless treatment rate of domestic waste", P, "%", 55.0, 97.0),
            ("energy_per_gdp", "Energy consumption per unit of GDP", N, "tce/10,000 yuan", 0.45, 1.6),
        ],
    ),
    (
        "space",
        "Spatial development integration",
        [
            ("road_density", "Road network density", P, "km/km²", 0.15, 0.75),
            ("bus_per_10k", "Public buses per 10,000 urban residents", P, "per 10,000", 6.0, 16.0),
            ("internet_rural", "Rural broadband internet penetration", P, "%", 20.0, 75.0),
            ("housing_area_ratio", "Urban-rural per-capita housing floor area ratio", N, "ratio", 0.95, 1.45),
            ("paved_villages", "Villages with paved road access", P, "%", 65.0, 97.0),
            ("cars_per_100hh", "Rural household cars per 100 households", P, "per 100 households", 5.0, 35.0),
            ("gas_coverage", "Gas supply coverage", P, "%", 45.0, 96.0),
            ("travel_time", "Average travel time from villages to the county seat", N, "minutes", 25.0, 85.0),
        ],
    ),
];

fn spec(e: &Entry, id: String, name: String, direction: Direction) -> IndicatorSpec {
    IndicatorSpec {
        id,
        name,
        direction,
        unit: e.3.to_string(),
        low: e.4,
        high: e.5,
        ceiling: None,
    }
}

/// The first `per_dimension` catalogue indicators of each of the five themes,
/// with their catalogue directions (used by the Heilongjiang preset).
pub(crate) fn themed(per_dimension: usize) -> Vec<DimensionConfig> {
    THEMES
        .iter()
        .map(|(id, name, entries)| DimensionConfig {
            id: id.to_string(),
            name: name.to_string(),
            indicator: entries
                .iter()
                .take(per_dimension)
                .map(|e| spec(e, e.0.to_string(), e.1.to_string(), e.2))
                .collect(),
        })
        .collect()
}

/// Generated dimensions: `count` indicators spread over `dimensions`
/// dimensions as evenly as possible (the first `count mod dimensions`
/// dimensions get one more).
///
/// Dimension `d` takes theme `d mod 5`, indicator `k` of a dimension takes
/// entry `k mod 8` of its theme; repeats get the suffix `_<d div 5 + 1>_<k div 8 + 1>`
/// (ids) and ` (<d div 5 + 1>)` / ` (<d div 5 + 1>.<k div 8 + 1>)` (names).
///
/// With `negative_share = None` every indicator keeps its catalogue
/// direction. With `Some(p)`, exactly `n = round(p * count)` indicators are
/// negative, at positions `floor((2q + 1) count / (2 n))`, `q = 0..n`, of the
/// dimension-major indicator order; the others are positive, and all of them
/// get generic ids `<dimension id>_<k + 1>` and names
/// `<dimension name>, indicator <k + 1>`, since a catalogue name would no
/// longer match its direction.
pub(crate) fn generated(
    count: usize,
    dimensions: usize,
    negative_share: Option<f64>,
) -> Vec<DimensionConfig> {
    let negatives: Option<Vec<bool>> = negative_share.map(|p| {
        let n = (p * count as f64).round() as usize;
        let mut neg = vec![false; count];
        for q in 0..n {
            neg[((2 * q + 1) * count) / (2 * n)] = true;
        }
        neg
    });
    let mut out = Vec::with_capacity(dimensions);
    let mut position = 0;
    for d in 0..dimensions {
        let (tid, tname, entries) = &THEMES[d % THEMES.len()];
        let rep = d / THEMES.len();
        let (id, name) = if rep == 0 {
            (tid.to_string(), tname.to_string())
        } else {
            (
                format!("{tid}_{}", rep + 1),
                format!("{tname} ({})", rep + 1),
            )
        };
        let size = count / dimensions + usize::from(d < count % dimensions);
        let mut indicator = Vec::with_capacity(size);
        for k in 0..size {
            let e = &entries[k % entries.len()];
            let krep = k / entries.len();
            let ind = match &negatives {
                Some(neg) => {
                    let dir = if neg[position] { N } else { P };
                    spec(
                        e,
                        format!("{id}_{}", k + 1),
                        format!("{name}, indicator {}", k + 1),
                        dir,
                    )
                }
                None if rep == 0 && krep == 0 => spec(e, e.0.to_string(), e.1.to_string(), e.2),
                None => spec(
                    e,
                    format!("{}_{}_{}", e.0, rep + 1, krep + 1),
                    format!("{} ({}.{})", e.1, rep + 1, krep + 1),
                    e.2,
                ),
            };
            indicator.push(ind);
            position += 1;
        }
        out.push(DimensionConfig {
            id,
            name,
            indicator,
        });
    }
    out
}
