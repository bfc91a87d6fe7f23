//! Which of the web app's bundles serves a client route — the one fact the server (which
//! sends the right `index.html`) and the web client (which reaches the other bundle with a full
//! page load) must agree on.
//!
//! The main bundle (`web/dist`) holds what residents use every day (their wishes, posting one,
//! the wish page); it is what a resident's phone loads after the login
//! page. The office bundle (`web/dist/office`, its files under `/office/`) holds the staff pages,
//! the party member's pages (the pool, claims, check-ins), the inbox and the pages opened once (a
//! resident's home grid). The orders bundle (`web/dist/orders`, its files under `/orders/`) holds
//! the work-order pages (工单): the community's orders, the street's whistle, a department's inbox,
//! a resident's 随手拍 and reports, a grid worker's patrol page — so neither a resident's first
//! load nor a dispatcher's desk carries them. The volunteer bundle (`web/dist/volunteer`, its files
//! under `/volunteer/`) holds the volunteer service and time bank pages (志愿服务、时间银行:
//! activities, sign-up, check-in, hours, certificates, teams), reached from the homes by one link.
//! The figures bundle (`web/dist/figures`, its files under `/figures/`) holds the figures pages
//! (统计, docs/FIGURES.md): a place's monthly figures as charts and a table, its members'
//! workload, and a member's own figures, reached from the office desks and the member's pool.
//! The neighbourhood bundle (`web/dist/neighbourhood`, its files under `/neighbourhood/`) holds the
//! pages residents open weekly rather than daily and their office side: rating the property
//! service (红色物业, `/property`), the service points (红帆驿站, `/points`: a list by distance and a
//! map drawn over the grid boundaries) and the notices (通知公告, `/notices`), reached from the
//! homes and desks by one link.
//!
//! The entry point is neither: `/`, `/login` and `/register` are served by the login page
//! (`web/dist/login`, plain HTML and a few lines of script, no wasm), which sends a visitor with
//! a session, or one who just logged in or registered, to the home of their role, so a
//! dispatcher never loads the main bundle.

/// The office bundle's folder inside the built web app, and the URL path of its files.
pub const OFFICE_DIR: &str = "office";

/// The orders bundle's folder inside the built web app, and the URL path of its files.
pub const ORDERS_DIR: &str = "orders";

/// The volunteer bundle's folder inside the built web app, and the URL path of its files.
pub const VOLUNTEER_DIR: &str = "volunteer";

/// The figures bundle's folder inside the built web app, and the URL path of its files.
pub const FIGURES_DIR: &str = "figures";

/// The neighbourhood bundle's folder inside the built web app, and the URL path of its files.
pub const NEIGHBOURHOOD_DIR: &str = "neighbourhood";

/// The login page's folder inside the built web app.
pub const LOGIN_DIR: &str = "login";

/// Whether the client route `path` (without query) is served by the login page: `/`, `/login` and
/// `/register`.
pub fn is_login_route(path: &str) -> bool {
    matches!(path, "/" | "" | "/login" | "/login/" | "/register" | "/register/")
}

/// The route prefixes of the office bundle: the admin's place tree, the dispatcher's desk, the
/// party member's pool and claims, the member's dual check-in (双报到) with its printable
/// certificate, and the resident's home grid (chosen once, so not in a resident's first load).
/// (The office bundle also draws the wish page and the inbox when they are opened from its pages;
/// loaded directly, the wish page comes from the main bundle and the inbox from the neighbourhood
/// bundle.)
pub const OFFICE_ROUTES: [&str; 5] = ["/admin", "/dispatcher", "/member", "/checkins", "/resident/grid"];

/// The route prefixes of the orders bundle: the work-order pages (`/dispatcher/orders` is the
/// community's orders, below the dispatcher's desk but not in the office bundle).
pub const ORDERS_ROUTES: [&str; 6] = ["/dispatcher/orders", "/street", "/department", "/report", "/reports", "/patrol"];

/// The route prefixes of the volunteer bundle: every volunteer and time-bank page lives below
/// `/volunteer` (the certificate check `/verify/{number}` is the server's own HTML page).
pub const VOLUNTEER_ROUTES: [&str; 1] = ["/volunteer"];

/// The route prefixes of the figures bundle: every figures page lives below `/figures` (the
/// office figures page at `/figures`, a member's own at `/figures/me`).
pub const FIGURES_ROUTES: [&str; 1] = ["/figures"];

/// The route prefixes of the neighbourhood bundle: the property service ratings (`/property…`),
/// the service points (`/points…`), the notices (`/notices…`) and the inbox (`/inbox`: out of the
/// main bundle since the notices took its bytes on the resident's home, issue #17; a resident opens
/// it from the unread badge, one page load to this bundle, a third of the office bundle's size).
pub const NEIGHBOURHOOD_ROUTES: [&str; 4] = ["/property", "/points", "/notices", "/inbox"];

fn under(prefixes: &[&str], path: &str) -> bool {
    prefixes.iter().any(|prefix| path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
}

/// Whether the client route `path` (without query) belongs to the orders bundle: one of
/// [`ORDERS_ROUTES`] or below it.
pub fn is_orders_route(path: &str) -> bool {
    under(&ORDERS_ROUTES, path)
}

/// Whether the client route `path` (without query) belongs to the volunteer bundle: one of
/// [`VOLUNTEER_ROUTES`] or below it.
pub fn is_volunteer_route(path: &str) -> bool {
    under(&VOLUNTEER_ROUTES, path)
}

/// Whether the client route `path` (without query) belongs to the figures bundle: one of
/// [`FIGURES_ROUTES`] or below it.
pub fn is_figures_route(path: &str) -> bool {
    under(&FIGURES_ROUTES, path)
}

/// Whether the client route `path` (without query) belongs to the neighbourhood bundle: one of
/// [`NEIGHBOURHOOD_ROUTES`] or below it.
pub fn is_neighbourhood_route(path: &str) -> bool {
    under(&NEIGHBOURHOOD_ROUTES, path)
}

/// Whether the client route `path` (without query) belongs to the office bundle: one of
/// [`OFFICE_ROUTES`] or below it, and not an orders route.
pub fn is_office_route(path: &str) -> bool {
    !is_orders_route(path) && under(&OFFICE_ROUTES, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_routes_are_the_prefixes_and_what_lies_below_them() {
        for path in [
            "/admin",
            "/admin/",
            "/admin/places/3",
            "/dispatcher",
            "/dispatcher/checkins",
            "/checkins/4/certificate",
            "/member",
            "/member/claims",
            "/resident/grid",
        ] {
            assert!(is_office_route(path), "{path}");
            assert!(!is_orders_route(path), "{path}");
        }
        for path in ["/dispatcher/orders", "/street", "/department/", "/report", "/reports", "/patrol"] {
            assert!(is_orders_route(path), "{path}");
            assert!(!is_office_route(path), "{path}");
        }
        for path in [
            "/",
            "/administer",
            "/resident",
            "/wishes/1",
            "/inbox",
            "/checkinsx",
            "/office",
            "/members",
            "/resident/new",
            "/resident/gridx",
            "/reportx",
            "/patrols",
            "/streets",
            "/departments",
        ] {
            assert!(!is_office_route(path), "{path}");
        }
    }

    #[test]
    fn volunteer_routes_are_their_prefix_and_what_lies_below_it() {
        for path in ["/volunteer", "/volunteer/", "/volunteer/activities/3", "/volunteer/scan", "/volunteer/hours"] {
            assert!(is_volunteer_route(path), "{path}");
            assert!(!is_office_route(path) && !is_orders_route(path) && !is_login_route(path), "{path}");
        }
        for path in ["/volunteers", "/verify/HL-1-abc", "/resident", "/", "/member"] {
            assert!(!is_volunteer_route(path), "{path}");
        }
    }

    #[test]
    fn figures_routes_are_their_prefix_and_what_lies_below_it() {
        for path in ["/figures", "/figures/", "/figures/me"] {
            assert!(is_figures_route(path), "{path}");
            assert!(
                !is_office_route(path) && !is_orders_route(path) && !is_volunteer_route(path) && !is_login_route(path),
                "{path}"
            );
        }
        for path in ["/figuresx", "/figure", "/dispatcher", "/", "/member", "/volunteer/hours"] {
            assert!(!is_figures_route(path), "{path}");
        }
    }

    #[test]
    fn neighbourhood_routes_are_their_prefixes_and_what_lies_below_them() {
        for path in ["/property", "/property/ratings", "/points", "/points/3", "/notices", "/notices/7/", "/inbox"] {
            assert!(is_neighbourhood_route(path), "{path}");
            assert!(
                !is_office_route(path)
                    && !is_orders_route(path)
                    && !is_volunteer_route(path)
                    && !is_figures_route(path)
                    && !is_login_route(path),
                "{path}"
            );
        }
        for path in ["/propertyx", "/point", "/noticesx", "/resident", "/", "/dispatcher"] {
            assert!(!is_neighbourhood_route(path), "{path}");
        }
    }

    #[test]
    fn the_login_page_serves_the_entry_point_login_and_registration_only() {
        for path in ["/", "/login", "/login/", "/register"] {
            assert!(is_login_route(path), "{path}");
        }
        for path in ["/registered", "/resident", "/loginx", "/login/x", "/dispatcher", "/index.html"] {
            assert!(!is_login_route(path), "{path}");
        }
    }
}
