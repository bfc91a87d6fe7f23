//! Grid boundaries (GeoJSON Polygons), units' household lists, and finding the grid that holds a
//! location point.

use haolin_shared::api::GeoPolygon;

use crate::error::ApiError;
use crate::places::parse_name;

/// The most positions a boundary may have.
const MAX_POSITIONS: usize = 2_000;
/// The most households a unit may list.
const MAX_HOUSEHOLDS: usize = 30;

/// Checks a boundary (type `Polygon`, closed rings of ≥ 4 positions within WGS 84 ranges) and
/// renders it as stored JSON.
pub fn check_boundary(polygon: &GeoPolygon) -> Result<String, ApiError> {
    let bad = |m: &'static str| ApiError::invalid_field("boundary", m);
    if polygon.kind != "Polygon" {
        return Err(bad("边界须为 GeoJSON Polygon"));
    }
    if polygon.coordinates.is_empty() || polygon.coordinates.iter().map(Vec::len).sum::<usize>() > MAX_POSITIONS {
        return Err(bad("边界须有 1 个外环，且不超过 2000 个坐标点"));
    }
    for ring in &polygon.coordinates {
        if ring.len() < 4 || ring.first() != ring.last() {
            return Err(bad("每个环至少 4 个坐标点，且首尾相同"));
        }
        if ring.iter().any(|[lng, lat]| !(-180.0..=180.0).contains(lng) || !(-90.0..=90.0).contains(lat)) {
            return Err(bad("坐标须为 [经度, 纬度]，在有效范围内"));
        }
    }
    serde_json::to_string(polygon).map_err(|_| ApiError::internal())
}

/// Checks a household list (at most 30 entries of 1–50 characters) and renders it as stored JSON.
pub fn check_households(list: &[String]) -> Result<String, ApiError> {
    if list.len() > MAX_HOUSEHOLDS {
        return Err(ApiError::invalid_field("households", "十联户最多列 30 户"));
    }
    let cleaned = list
        .iter()
        .map(|h| parse_name(h))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|m| ApiError::invalid_field("households", m))?;
    serde_json::to_string(&cleaned).map_err(|_| ApiError::internal())
}

/// A stored boundary.
pub fn boundary_of(stored: Option<&str>) -> Option<GeoPolygon> {
    stored.and_then(|s| serde_json::from_str(s).ok())
}

/// A stored household list.
pub fn households_of(stored: Option<&str>) -> Vec<String> {
    stored.and_then(|s| serde_json::from_str(s).ok()).unwrap_or_default()
}

/// Whether a point lies inside a ring (ray casting; points on the edge may fall either way).
fn in_ring(ring: &[[f64; 2]], [x, y]: [f64; 2]) -> bool {
    let mut inside = false;
    for pair in ring.windows(2) {
        let ([x1, y1], [x2, y2]) = (pair[0], pair[1]);
        if (y1 > y) != (y2 > y) && x < (x2 - x1) * (y - y1) / (y2 - y1) + x1 {
            inside = !inside;
        }
    }
    inside
}

/// Whether a point lies inside the polygon: in its outer ring and in none of its holes.
pub fn contains(polygon: &GeoPolygon, point: [f64; 2]) -> bool {
    match polygon.coordinates.split_first() {
        Some((outer, holes)) => in_ring(outer, point) && !holes.iter().any(|h| in_ring(h, point)),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f64, y0: f64, size: f64) -> Vec<[f64; 2]> {
        vec![[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]
    }

    #[test]
    fn a_point_is_inside_the_outer_ring_but_not_in_a_hole() {
        let polygon =
            GeoPolygon { kind: "Polygon".into(), coordinates: vec![square(0.0, 0.0, 10.0), square(4.0, 4.0, 2.0)] };
        assert!(contains(&polygon, [1.0, 1.0]));
        assert!(!contains(&polygon, [5.0, 5.0]));
        assert!(!contains(&polygon, [11.0, 1.0]));
    }

    #[test]
    fn an_open_ring_or_a_wrong_type_is_refused() {
        let mut open = square(0.0, 0.0, 1.0);
        open.pop();
        assert!(check_boundary(&GeoPolygon { kind: "Polygon".into(), coordinates: vec![open] }).is_err());
        assert!(
            check_boundary(&GeoPolygon { kind: "Point".into(), coordinates: vec![square(0.0, 0.0, 1.0)] }).is_err()
        );
        assert!(
            check_boundary(&GeoPolygon { kind: "Polygon".into(), coordinates: vec![square(0.0, 0.0, 1.0)] }).is_ok()
        );
    }
}
