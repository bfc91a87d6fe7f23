//! The map view of the service points: the grid outlines of the district (one answer of
//! `/service-points/map`) drawn as SVG polygons, the listed points as markers linking to their
//! pages, and the user's location — no tiles, no map library. Positions are projected
//! equirectangularly around the middle latitude (longitude scaled by its cosine), plenty for a
//! district a few kilometres across.

use haolin_shared::api::{ServiceMap, ServicePoint};
use leptos::prelude::*;

use crate::api;
use crate::components::go;
use crate::i18n::PTS;

/// The drawing's width in SVG units; the height follows the area's shape.
const WIDTH: f64 = 1000.0;

/// A projection of `[west, south, east, north]` onto the drawing.
#[derive(Debug, Clone, Copy)]
struct Projection {
    west: f64,
    north: f64,
    scale: f64,
    cos: f64,
    height: f64,
}

impl Projection {
    fn new([w, s, e, n]: [f64; 4]) -> Self {
        let cos = ((s + n) / 2.0).to_radians().cos().max(0.01);
        let (dx, dy) = (((e - w) * cos).max(1e-6), (n - s).max(1e-6));
        let margin = 0.05;
        let scale = WIDTH / (dx * (1.0 + 2.0 * margin));
        let height = (dy * scale * (1.0 + 2.0 * margin)).clamp(200.0, 2000.0);
        Self { west: w - dx * margin / cos, north: n + dy * margin, scale, cos, height }
    }

    fn xy(&self, lng: f64, lat: f64) -> (f64, f64) {
        ((lng - self.west) * self.cos * self.scale, (self.north - lat) * self.scale)
    }
}

/// The box around the outlines, the points and the user.
fn bounds(map: &ServiceMap, items: &[ServicePoint], here: Option<(f64, f64)>) -> Option<[f64; 4]> {
    let mut b = map.bbox;
    let mut add = |x: f64, y: f64| {
        let v = b.get_or_insert([x, y, x, y]);
        *v = [v[0].min(x), v[1].min(y), v[2].max(x), v[3].max(y)];
    };
    for p in items {
        add(p.location.lng, p.location.lat);
    }
    if let Some((x, y)) = here {
        add(x, y);
    }
    b
}

/// One marker: a link to the point's page.
fn marker(p: &ServicePoint, pr: Projection) -> impl IntoView + use<> {
    let (x, y) = pr.xy(p.location.lng, p.location.lat);
    let link = super::route(&format!("/{}", p.id));
    let label = format!("{}（{}）", p.name, if p.open_now { PTS.open_now } else { PTS.closed_now });
    let class = if p.open_now { "marker open" } else { "marker closed" };
    let title = label.clone();
    view! {
        <g>
            <a href=link.href() on:click=go(link.clone()) data-testid="point-marker" data-id=p.id.clone() aria-label=label>
                <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="40" class="hit"/>
                <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="18" class=class/>
                <title>{title}</title>
            </a>
        </g>
    }
}

/// The SVG once the outlines came.
fn drawing(map: &ServiceMap, items: &[ServicePoint], here: Option<(f64, f64)>) -> AnyView {
    let Some(b) = bounds(map, items, here) else {
        return view! { <p class="hint" data-testid="point-map-empty">{PTS.empty}</p> }.into_any();
    };
    let pr = Projection::new(b);
    let grids = map
        .grids
        .iter()
        .map(|g| {
            let points = g
                .ring
                .iter()
                .map(|[x, y]| {
                    let (a, b) = pr.xy(*x, *y);
                    format!("{a:.1},{b:.1}")
                })
                .collect::<Vec<_>>()
                .join(" ");
            view! { <g><polygon class="grid" points=points/></g> }
        })
        .collect_view();
    let markers = items.iter().map(|p| marker(p, pr)).collect_view();
    let me = here.map(|(x, y)| {
        let (a, b) = pr.xy(x, y);
        view! {
            <g data-testid="point-here">
                <circle cx=format!("{a:.1}") cy=format!("{b:.1}") r="10" class="here"/>
                <title>{PTS.you_are_here}</title>
            </g>
        }
    });
    let view_box = format!("0 0 {WIDTH} {:.0}", pr.height);
    view! {
        <svg class="point-map" data-testid="point-map" viewBox=view_box aria-labelledby="point-map-title point-map-desc"
            preserveAspectRatio="xMidYMid meet">
            <title id="point-map-title">{PTS.map_title}</title>
            <desc id="point-map-desc">{PTS.map_desc}</desc>
            {grids}
            {markers}
            {me}
        </svg>
    }
    .into_any()
}

/// The map of `items` (and of `here`, the user's location when known).
#[component]
pub fn PointMap(items: RwSignal<Vec<ServicePoint>>, here: Signal<Option<(f64, f64)>>) -> impl IntoView {
    let outlines = RwSignal::new(None::<Result<ServiceMap, String>>);
    leptos::task::spawn_local(async move {
        outlines.set(Some(api::points::map().await.map_err(|e| e.message())));
    });
    move || match outlines.get() {
        None => view! { <p class="hint">{crate::i18n::MESSAGES.loading}</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
        Some(Ok(map)) => items.with(|items| drawing(&map, items, here.get())),
    }
}
