//! The map's grid outlines: every grid's boundary in one read, its outer ring simplified
//! (consecutive positions closer than about 5 m dropped) and rounded to 5 decimals (about 1 m),
//! so the app draws the whole district as SVG from one small answer — no tiles, no map library.

use haolin_shared::api::{GeoPolygon, GridOutline, ServiceMap};
use haolin_shared::domain::service_point::distance_m;

use crate::error::ApiError;
use crate::places::geo;
use crate::state::AppState;

/// Positions closer than this to the last one kept are dropped.
const MIN_STEP_M: f64 = 5.0;

/// The mean of a boundary's outer-ring positions (the closing repeat left out).
pub fn centre(polygon: &GeoPolygon) -> Option<[f64; 2]> {
    let ring = polygon.coordinates.first()?;
    let open = &ring[..ring.len().saturating_sub(1)];
    if open.is_empty() {
        return None;
    }
    #[allow(clippy::cast_precision_loss)]
    let n = open.len() as f64;
    let (lng, lat) = open.iter().fold((0.0, 0.0), |(x, y), [a, b]| (x + a, y + b));
    Some([lng / n, lat / n])
}

fn round5(v: f64) -> f64 {
    (v * 100_000.0).round() / 100_000.0
}

/// The outer ring, simplified and rounded, still closed; `None` if fewer than 4 positions remain.
pub fn simplify(polygon: &GeoPolygon) -> Option<Vec<[f64; 2]>> {
    let ring = polygon.coordinates.first()?;
    let (first, rest) = ring.split_first()?;
    let mut kept = vec![*first];
    for p in rest {
        if kept.last().is_some_and(|last| distance_m(*last, *p) >= MIN_STEP_M) {
            kept.push(*p);
        }
    }
    if kept.last() != Some(first) {
        kept.push(*first);
    }
    let rounded: Vec<[f64; 2]> = kept.into_iter().map(|[x, y]| [round5(x), round5(y)]).collect();
    (rounded.len() >= 4).then_some(rounded)
}

/// The outlines of the grids under `place_id` (a district, street or community), or of all.
pub async fn outlines(state: &AppState, place_id: Option<i64>) -> Result<ServiceMap, ApiError> {
    if let Some(id) = place_id {
        state.store.place(id).await?.ok_or_else(ApiError::not_found)?;
    }
    let mut grids = Vec::new();
    let mut bbox: Option<[f64; 4]> = None;
    for shape in state.store.grid_shapes(place_id).await? {
        let Some(ring) = geo::boundary_of(Some(&shape.boundary)).as_ref().and_then(simplify) else { continue };
        for [x, y] in &ring {
            let b = bbox.get_or_insert([*x, *y, *x, *y]);
            *b = [b[0].min(*x), b[1].min(*y), b[2].max(*x), b[3].max(*y)];
        }
        grids.push(GridOutline {
            id: shape.id.to_string(),
            name: shape.name,
            community_id: shape.community_id.to_string(),
            ring,
        });
    }
    Ok(ServiceMap { grids, bbox })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(step: f64) -> GeoPolygon {
        GeoPolygon {
            kind: "Polygon".into(),
            coordinates: vec![vec![
                [120.0, 30.0],
                [120.0 + step, 30.0],
                [120.0 + step, 30.0 + step],
                [120.0, 30.0 + step],
                [120.0, 30.0],
            ]],
        }
    }

    #[test]
    fn the_centre_is_the_mean_of_the_ring() {
        let [x, y] = centre(&square(0.002)).unwrap();
        assert!((x - 120.001).abs() < 1e-9 && (y - 30.001).abs() < 1e-9, "{x} {y}");
    }

    #[test]
    fn tiny_steps_are_dropped_and_the_ring_stays_closed() {
        let big = simplify(&square(0.002)).unwrap();
        assert_eq!(big.len(), 5);
        assert_eq!(big.first(), big.last());
        assert!(simplify(&square(0.000_01)).is_none(), "a 1 m square collapses");
    }
}
