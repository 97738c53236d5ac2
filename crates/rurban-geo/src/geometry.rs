//! Planar geometry of rings in (lon, lat) degrees.

use crate::boundaries::Polygon;

/// The area-weighted planar centroid of `polygons` in (lon, lat) degrees,
/// holes subtracted: each exterior ring counts with its absolute area, each
/// hole with minus its absolute area, whatever their orientation in the file.
/// `None` when the total area is zero.
///
/// Written out rather than taken from a geometry crate because the contract
/// defines it exactly and must not fall back to a lower-dimensional centroid
/// for degenerate shapes. Coordinates are taken relative to the first vertex
/// for accuracy.
pub fn centroid(polygons: &[Polygon]) -> Option<[f64; 2]> {
    let origin = polygons.first()?.first()?.first().copied()?;
    let (mut area, mut mx, mut my) = (0.0, 0.0, 0.0);
    for poly in polygons {
        for (r, ring) in poly.iter().enumerate() {
            let (a, cx, cy) = ring_moments(ring, origin);
            if a == 0.0 {
                continue;
            }
            // Orient the exterior positively and holes negatively.
            let sign = if (r == 0) == (a > 0.0) { 1.0 } else { -1.0 };
            area += sign * a;
            mx += sign * cx;
            my += sign * cy;
        }
    }
    if area == 0.0 || !area.is_finite() {
        return None;
    }
    Some([origin[0] + mx / area, origin[1] + my / area])
}

/// Signed area (shoelace, positive counter-clockwise) and first moments
/// (area times centroid) of a ring relative to `o`; an unclosed ring is
/// closed implicitly.
fn ring_moments(ring: &[[f64; 2]], o: [f64; 2]) -> (f64, f64, f64) {
    let n = ring.len();
    if n < 3 {
        return (0.0, 0.0, 0.0);
    }
    let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let p = ring[i];
        let q = ring[(i + 1) % n];
        let (x0, y0) = (p[0] - o[0], p[1] - o[1]);
        let (x1, y1) = (q[0] - o[0], q[1] - o[1]);
        let cross = x0 * y1 - x1 * y0;
        a += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
    }
    (a / 2.0, cx / 6.0, cy / 6.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f64, y0: f64, s: f64) -> Vec<[f64; 2]> {
        vec![
            [x0, y0],
            [x0 + s, y0],
            [x0 + s, y0 + s],
            [x0, y0 + s],
            [x0, y0],
        ]
    }

    #[test]
    fn centroid_of_a_square_is_its_centre_in_either_orientation() {
        let mut ring = square(10.0, 20.0, 2.0);
        assert_eq!(centroid(&[vec![ring.clone()]]), Some([11.0, 21.0]));
        ring.reverse();
        assert_eq!(centroid(&[vec![ring]]), Some([11.0, 21.0]));
    }

    #[test]
    fn holes_are_subtracted_and_parts_weighted_by_area() {
        // 4x4 square at the origin minus the 2x2 square [0,2]x[0,2]:
        // area 12, centroid (16*2 - 4*1) / 12 = 7/3 on both axes.
        let poly = vec![square(0.0, 0.0, 4.0), square(0.0, 0.0, 2.0)];
        let c = centroid(&[poly]).unwrap();
        assert!((c[0] - 7.0 / 3.0).abs() < 1e-12 && (c[1] - 7.0 / 3.0).abs() < 1e-12);
        // Two parts: unit square at (0.5, 0.5) and a 2x2 square at (11, 1):
        // x = (1 * 0.5 + 4 * 11) / 5.
        let c = centroid(&[vec![square(0.0, 0.0, 1.0)], vec![square(10.0, 0.0, 2.0)]]).unwrap();
        assert!((c[0] - 44.5 / 5.0).abs() < 1e-12 && (c[1] - 4.5 / 5.0).abs() < 1e-12);
    }

    #[test]
    fn zero_area_has_no_centroid() {
        let line = vec![[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [0.0, 0.0]];
        assert_eq!(centroid(&[vec![line]]), None);
    }
}
