//! `/resident/grid`: where I live — my home grid (or ten-household unit) with its path and code —
//! and choosing it, by drilling down the place tree or from my location. Wishes I post then carry
//! that grid.

use haolin_shared::api::{GeoPoint, PlaceLevel, PlaceRef, SetHomeRequest};
use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::api::places::PlaceSummary;
use crate::i18n::MESSAGES;
use crate::{api, state};

/// The place of `level` on a path (e.g. the grid of a unit, the community of a grid).
pub fn on_path(path: &[PlaceRef], level: PlaceLevel) -> Option<&PlaceRef> {
    path.iter().find(|p| p.level == level)
}

/// One step of the drill-down: the places to choose from (all of one parent) and the chosen id.
#[derive(Debug, Clone, PartialEq)]
struct Step {
    options: Vec<PlaceSummary>,
    chosen: String,
}

/// The place the steps choose as a home: the deepest chosen place, if it is a grid or a unit.
fn choice(steps: &[Step]) -> Option<&PlaceSummary> {
    steps
        .iter()
        .rev()
        .find_map(|s| s.options.iter().find(|p| p.id == s.chosen))
        .filter(|p| matches!(p.level, PlaceLevel::Grid | PlaceLevel::Unit))
}

/// Loads the places under `parent` (the top of the tree for `None`) as step `depth`, and keeps
/// going down while a step has a single place to offer (a district's only street…) or one on the
/// path of the registered home (`home`: the ids of that path, so the picker starts on it). Units
/// are never chosen for the resident unless they are the home: a grid is enough.
async fn drill(
    steps: RwSignal<Vec<Step>>,
    error: RwSignal<Option<String>>,
    home: Vec<String>,
    mut depth: usize,
    mut parent: Option<String>,
) {
    loop {
        let options: Vec<PlaceSummary> = match api::places::list_summaries(parent.as_deref(), 100).await {
            Ok(page) => page.items.into_iter().filter(|p| p.retired_at.is_none()).collect(),
            Err(e) => return error.set(Some(e.message())),
        };
        // The choice above may have changed while this loaded.
        let current = depth == 0 || steps.with_untracked(|s| s.get(depth - 1).map(|s| &s.chosen) == parent.as_ref());
        if !current || options.is_empty() {
            return;
        }
        let lone = (options.len() == 1 && options[0].level != PlaceLevel::Unit).then(|| options[0].id.clone());
        let at_home = options.iter().find(|p| home.contains(&p.id)).map(|p| (p.id.clone(), p.level));
        let chosen = lone.clone().or_else(|| at_home.as_ref().map(|(id, _)| id.clone())).unwrap_or_default();
        let next = lone.or(at_home.filter(|(_, level)| *level != PlaceLevel::Unit).map(|(id, _)| id));
        steps.update(|s| {
            s.truncate(depth);
            s.push(Step { options, chosen });
        });
        match next {
            Some(id) => {
                parent = Some(id);
                depth += 1;
            }
            None => return,
        }
    }
}

/// Why the browser gave no location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoLocation {
    /// The person (or the browser's settings) refused.
    Denied,
    /// It could not be found (no signal, a timeout, no geolocation at all).
    Failed,
}

/// The browser's location, or why there is none.
pub async fn locate() -> Result<GeoPoint, NoLocation> {
    let geolocation = web_sys::window().and_then(|w| w.navigator().geolocation().ok()).ok_or(NoLocation::Failed)?;
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        if geolocation.get_current_position_with_error_callback(&resolve, Some(&reject)).is_err() {
            let _ = reject.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let position = JsFuture::from(promise).await.map_err(|e| {
        // GeolocationPositionError.PERMISSION_DENIED is 1.
        let code = js_sys::Reflect::get(&e, &"code".into()).ok().and_then(|c| c.as_f64());
        if code == Some(1.0) { NoLocation::Denied } else { NoLocation::Failed }
    })?;
    let coords = js_sys::Reflect::get(&position, &"coords".into()).map_err(|_| NoLocation::Failed)?;
    let read = |key: &str| js_sys::Reflect::get(&coords, &key.into()).ok().and_then(|v| v.as_f64());
    match (read("longitude"), read("latitude")) {
        (Some(lng), Some(lat)) => Ok(GeoPoint { lng, lat }),
        _ => Err(NoLocation::Failed),
    }
}

/// `/resident/grid`.
#[component]
pub fn HomeGrid() -> impl IntoView {
    let home = RwSignal::new(None::<Option<PlaceSummary>>);
    let steps = RwSignal::new(Vec::<Step>::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    // One call site, so the loading future is compiled once.
    let open = move |path: Vec<String>, depth: usize, parent: Option<String>| {
        leptos::task::spawn_local(drill(steps, error, path, depth, parent))
    };
    // The home first, so the picker can start on it.
    leptos::task::spawn_local(async move {
        let path = match api::me::home().await {
            Ok(me) => {
                let path = me.home.as_ref().map(|h| h.path.iter().map(|p| p.id.clone()).collect()).unwrap_or_default();
                home.set(Some(me.home));
                path
            }
            Err(e) => {
                error.set(Some(e.message()));
                Vec::new()
            }
        };
        open(path, 0, None);
    });

    // Sends a registration (a chosen place, or else the browser's location) and shows its outcome.
    let send = move |place_id: Option<String>| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let located = place_id.is_none();
            let request = match place_id {
                Some(id) => Some(SetHomeRequest { place_id: Some(id), location: None }),
                None => locate().await.ok().map(|point| SetHomeRequest { place_id: None, location: Some(point) }),
            };
            let outcome = match request {
                None => Err(MESSAGES.location_unavailable.to_owned()),
                Some(r) => api::me::set_home(&r).await.map_err(|e| match e.status() {
                    Some(404) if located => MESSAGES.no_grid_here.to_owned(),
                    _ => e.message(),
                }),
            };
            match outcome {
                Ok(me) => {
                    home.set(Some(me.home));
                    state::toast(MESSAGES.home_saved);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let save = move |_| {
        let id = steps.with_untracked(|s| choice(s).map(|p| p.id.clone()));
        if id.is_some() {
            send(id);
        }
    };
    let choose = move |depth: usize, id: String| {
        let drill_on = steps.with_untracked(|s| {
            s.get(depth).and_then(|step| step.options.iter().find(|p| p.id == id)).map(|p| p.level != PlaceLevel::Unit)
        });
        steps.update(|s| {
            s.truncate(depth + 1);
            if let Some(step) = s.get_mut(depth) {
                step.chosen = id.clone();
            }
        });
        if drill_on == Some(true) {
            open(Vec::new(), depth + 1, Some(id));
        }
    };

    view! {
        <h1>{MESSAGES.nav_home}</h1>
        // Plain text that follows the signal: cheaper on the first load than views per state.
        <section class="detail" data-testid="home-current">
            <p class="label">{MESSAGES.my_home}</p>
            <p class="home-path" data-testid="home-path">{move || home.with(|h| match h {
                None => MESSAGES.loading.to_owned(),
                Some(None) => MESSAGES.no_home.to_owned(),
                Some(Some(p)) => p.path.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(" / "),
            })}</p>
        </section>
        {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="home-error">{e}</p> })}
        <button type="button" class="primary wide" data-testid="home-locate" disabled=busy
            on:click=move |_| send(None)>{MESSAGES.use_my_location}</button>
        <div class="form">
            <h2>{MESSAGES.choose_home}</h2>
            {move || steps.get().into_iter().enumerate().map(|(depth, step)| {
                let level = step.options.first().map_or(PlaceLevel::Grid, |p| p.level);
                let id = format!("pick-{}", level.as_str());
                let label = if level == PlaceLevel::Unit { MESSAGES.unit_optional } else { MESSAGES.place_level(level) };
                view! {
                    <label for=id.clone()>{label}</label>
                    <select id=id.clone() data-testid=id prop:value=step.chosen.clone()
                        on:change=move |ev| choose(depth, event_target_value(&ev))>
                        <option value="">{MESSAGES.please_choose}</option>
                        {step.options.into_iter().map(|p| view! { <option value=p.id>{p.name}</option> }).collect_view()}
                    </select>
                }
            }).collect_view()}
            <button type="button" class="primary" data-testid="home-save"
                disabled=move || busy.get() || steps.with(|s| choice(s).is_none())
                aria-describedby="home-save-hint" on:click=save>{MESSAGES.save_home}</button>
            // Why the button cannot be used yet (shown only while it is disabled: style.css).
            <p class="hint save-hint" id="home-save-hint" data-testid="home-save-hint">{MESSAGES.save_home_hint}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(id: &str, level: PlaceLevel) -> PlaceSummary {
        PlaceSummary {
            id: id.into(),
            code: format!("c{id}"),
            name: format!("n{id}"),
            level,
            path: vec![],
            retired_at: None,
        }
    }

    fn step(options: &[(&str, PlaceLevel)], chosen: &str) -> Step {
        Step { options: options.iter().map(|(id, l)| place(id, *l)).collect(), chosen: chosen.into() }
    }

    #[test]
    fn a_grid_or_a_unit_may_be_a_home_but_not_a_community() {
        let street = step(&[("1", PlaceLevel::Street)], "1");
        let community = step(&[("2", PlaceLevel::Community), ("3", PlaceLevel::Community)], "2");
        assert_eq!(choice(&[street.clone(), community.clone()]), None);
        let grids = step(&[("4", PlaceLevel::Grid)], "4");
        let units = step(&[("5", PlaceLevel::Unit)], "");
        let chosen = |steps: &[Step]| choice(steps).map(|p| p.id.clone());
        assert_eq!(chosen(&[street.clone(), community.clone(), grids.clone(), units.clone()]), Some("4".into()));
        let unit = Step { chosen: "5".into(), ..units };
        assert_eq!(chosen(&[street, community, grids, unit]), Some("5".into()));
    }

    #[test]
    fn the_grid_and_community_of_a_unit_come_from_its_path() {
        let r = |id: &str, level| PlaceRef { id: id.into(), code: id.into(), name: id.into(), level };
        let path = [
            r("1", PlaceLevel::Street),
            r("2", PlaceLevel::Community),
            r("3", PlaceLevel::Grid),
            r("4", PlaceLevel::Unit),
        ];
        assert_eq!(on_path(&path, PlaceLevel::Grid).map(|p| p.id.as_str()), Some("3"));
        assert_eq!(on_path(&path, PlaceLevel::Community).map(|p| p.id.as_str()), Some("2"));
        assert_eq!(on_path(&path[..1], PlaceLevel::Grid), None);
    }
}
