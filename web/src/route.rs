//! The app's client-side routes (a tiny router on the History API: no router crate to ship), and
//! which bundle of the web app draws each. Every in-app link and navigation builds its path with
//! [`Route::href`], so each path is spelled once, here.

use haolin_shared::api::Role;

/// One of the web app's two bundles (see the crate docs), or the login page at the entry point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// The login page served for `/`, `/login` and `/register` (`bundles::is_login_route`):
    /// plain HTML and a few lines of script (`web/login/index.html`), no wasm.
    LoginPage,
    /// The main app at `/`.
    Main,
    /// The office app (`haolin_shared::bundles`): the staff pages, the member's pages and the
    /// check-in paperwork, with the wish page and the inbox they open from there.
    Office,
    /// The orders app (`haolin_shared::bundles::ORDERS_ROUTES`): the work-order pages.
    Orders,
    /// The volunteer app (`haolin_shared::bundles::VOLUNTEER_ROUTES`): volunteer service and the
    /// time bank.
    Volunteer,
    /// The figures app (`haolin_shared::bundles::FIGURES_ROUTES`): a place's figures, its
    /// members' workload, a member's own figures.
    Figures,
    /// The neighbourhood app (`haolin_shared::bundles::NEIGHBOURHOOD_ROUTES`): property service
    /// ratings, service points, notices.
    Neighbourhood,
}

/// A page of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `/`: goes to the current role's home, or to login (the login page).
    Root,
    /// `/login` (the login page).
    Login,
    /// `/register` (the login page).
    Register,
    /// `/resident`: my wishes.
    Resident,
    /// `/resident/new`: post a wish.
    NewWish,
    /// `/resident/grid`: my home grid (where I live), and choosing it (office bundle).
    HomeGrid,
    /// `/member`: the open-wish pool (office bundle).
    Member,
    /// `/member/claims`: my claims (office bundle).
    Claims,
    /// `/checkins`: my dual check-ins (双报到) and a new one (office bundle).
    Checkins,
    /// `/checkins/:id/certificate`: the printable service certificate of an approved check-in
    /// (office bundle).
    Certificate(String),
    /// `/dispatcher`: review queue and overview (office bundle).
    Dispatcher,
    /// `/dispatcher/checkins`: the check-ins waiting for my communities' decision (office bundle).
    CheckinReview,
    /// `/dispatcher/orders`: my communities' work orders by status (office bundle).
    DispatcherOrders,
    /// `/report`: 随手拍, report a problem to the community.
    Report,
    /// `/reports`: the work orders I reported, with the call-back.
    MyReports,
    /// `/patrol`: a grid worker's page: report a find, and my grids' orders.
    Patrol,
    /// `/street`: a street officer's page: the whistle, the overdue board, the scorecard (office
    /// bundle).
    Street,
    /// `/department`: a department's inbox of whistled orders (office bundle).
    Department,
    /// `/inbox`: my notifications.
    Inbox,
    /// `/wishes/:id`.
    Wish(String),
    /// `/admin`: the top of the place tree (office bundle).
    Admin,
    /// `/admin/places/:id`: one place of the tree with its children (office bundle).
    AdminPlace(String),
    /// `/volunteer…`: a page of the volunteer bundle; the path below `/volunteer` (empty for
    /// `/volunteer` itself), which `pages::volunteer` reads.
    Volunteer(String),
    /// `/figures…`: a page of the figures bundle; the path below `/figures` (empty for the
    /// office figures page, `/me` for a member's own), which `pages::figures` reads.
    Figures(String),
    /// `/property…`, `/points…`, `/notices…`: a page of the neighbourhood bundle; the whole path
    /// (e.g. `/points/3`), which `pages::neighbourhood` reads.
    Neighbourhood(String),
    /// Anything else.
    NotFound,
}

/// The paths of the pages, each spelled only here.
mod paths {
    pub const ROOT: &str = "/";
    pub const LOGIN: &str = "/login";
    pub const REGISTER: &str = "/register";
    pub const RESIDENT: &str = "/resident";
    pub const NEW_WISH: &str = "/resident/new";
    pub const HOME_GRID: &str = "/resident/grid";
    pub const MEMBER: &str = "/member";
    pub const CLAIMS: &str = "/member/claims";
    pub const CHECKINS: &str = "/checkins";
    pub const DISPATCHER: &str = "/dispatcher";
    pub const CHECKIN_REVIEW: &str = "/dispatcher/checkins";
    pub const DISPATCHER_ORDERS: &str = "/dispatcher/orders";
    pub const REPORT: &str = "/report";
    pub const MY_REPORTS: &str = "/reports";
    pub const PATROL: &str = "/patrol";
    pub const STREET: &str = "/street";
    pub const DEPARTMENT: &str = "/department";
    pub const INBOX: &str = "/inbox";
    pub const ADMIN: &str = "/admin";
    /// The volunteer bundle's pages are this path and everything below it.
    pub const VOLUNTEER: &str = "/volunteer";
    /// The figures bundle's pages are this path and everything below it.
    pub const FIGURES: &str = "/figures";
    /// No page lives there: it parses back to `NotFound`.
    pub const NOT_FOUND: &str = "/not-found";
    /// The start of a wish page's path (`/wishes/:id`).
    pub const WISH_PREFIX: &str = "/wishes/";
    /// The start of an admin place page's path (`/admin/places/:id`).
    pub const PLACE_PREFIX: &str = "/admin/places/";
    /// The start and end of a certificate's path (`/checkins/:id/certificate`).
    pub const CERTIFICATE_PREFIX: &str = "/checkins/";
    pub const CERTIFICATE_SUFFIX: &str = "/certificate";
}

/// The one id segment of `rest`, if it is a single non-empty segment.
fn id_segment(rest: Option<&str>) -> Option<String> {
    rest.filter(|id| !id.is_empty() && !id.contains('/')).map(str::to_owned)
}

impl Route {
    /// The route of a path (query and fragment ignored, trailing slash tolerated).
    pub fn parse(path: &str) -> Self {
        use paths::*;
        let path = path.split(['?', '#']).next().unwrap_or("");
        let path = if path.len() > 1 { path.trim_end_matches('/') } else { path };
        match path {
            "" | ROOT => Self::Root,
            LOGIN => Self::Login,
            REGISTER => Self::Register,
            RESIDENT => Self::Resident,
            NEW_WISH => Self::NewWish,
            HOME_GRID => Self::HomeGrid,
            MEMBER => Self::Member,
            CLAIMS => Self::Claims,
            CHECKINS => Self::Checkins,
            DISPATCHER => Self::Dispatcher,
            CHECKIN_REVIEW => Self::CheckinReview,
            DISPATCHER_ORDERS => Self::DispatcherOrders,
            REPORT => Self::Report,
            MY_REPORTS => Self::MyReports,
            PATROL => Self::Patrol,
            STREET => Self::Street,
            DEPARTMENT => Self::Department,
            INBOX => Self::Inbox,
            ADMIN => Self::Admin,
            _ => {
                if let Some(id) = id_segment(path.strip_prefix(WISH_PREFIX)) {
                    Self::Wish(id)
                } else if let Some(rest) =
                    path.strip_prefix(VOLUNTEER).filter(|rest| rest.is_empty() || rest.starts_with('/'))
                {
                    Self::Volunteer(rest.to_owned())
                } else if let Some(rest) =
                    path.strip_prefix(FIGURES).filter(|rest| rest.is_empty() || rest.starts_with('/'))
                {
                    Self::Figures(rest.to_owned())
                } else if haolin_shared::bundles::is_neighbourhood_route(path) {
                    Self::Neighbourhood(path.to_owned())
                } else if let Some(id) = id_segment(path.strip_prefix(PLACE_PREFIX)) {
                    Self::AdminPlace(id)
                } else if let Some(id) =
                    id_segment(path.strip_prefix(CERTIFICATE_PREFIX).and_then(|p| p.strip_suffix(CERTIFICATE_SUFFIX)))
                {
                    Self::Certificate(id)
                } else {
                    Self::NotFound
                }
            }
        }
    }

    /// The path of the page: what links show and navigation pushes. [`Route::parse`] reads it
    /// back as the same route.
    pub fn href(&self) -> String {
        use paths::*;
        let fixed = match self {
            Self::Root => ROOT,
            Self::Login => LOGIN,
            Self::Register => REGISTER,
            Self::Resident => RESIDENT,
            Self::NewWish => NEW_WISH,
            Self::HomeGrid => HOME_GRID,
            Self::Member => MEMBER,
            Self::Claims => CLAIMS,
            Self::Checkins => CHECKINS,
            Self::Dispatcher => DISPATCHER,
            Self::CheckinReview => CHECKIN_REVIEW,
            Self::DispatcherOrders => DISPATCHER_ORDERS,
            Self::Report => REPORT,
            Self::MyReports => MY_REPORTS,
            Self::Patrol => PATROL,
            Self::Street => STREET,
            Self::Department => DEPARTMENT,
            Self::Inbox => INBOX,
            Self::Admin => ADMIN,
            Self::NotFound => NOT_FOUND,
            Self::Wish(id) => return format!("{WISH_PREFIX}{id}"),
            Self::AdminPlace(id) => return format!("{PLACE_PREFIX}{id}"),
            Self::Volunteer(rest) => return format!("{VOLUNTEER}{rest}"),
            Self::Figures(rest) => return format!("{FIGURES}{rest}"),
            Self::Neighbourhood(path) => return path.clone(),
            Self::Certificate(id) => return format!("{CERTIFICATE_PREFIX}{id}{CERTIFICATE_SUFFIX}"),
        };
        fixed.to_owned()
    }

    /// The home page of a role.
    pub fn home(role: Role) -> Self {
        match role {
            Role::Member => Self::Member,
            Role::Dispatcher => Self::Dispatcher,
            Role::Admin => Self::Admin,
            Role::GridWorker => Self::Patrol,
            Role::StreetOfficer => Self::Street,
            Role::DepartmentOfficer => Self::Department,
            _ => Self::Resident,
        }
    }

    /// Whether the page needs a logged-in user.
    pub fn needs_login(&self) -> bool {
        !matches!(self, Self::Login | Self::Register | Self::NotFound)
    }

    /// The bundle the server sends for the page's path: the login page for `/`, `/login` and
    /// `/register`, the office bundle for its routes (`haolin_shared::bundles::is_office_route`),
    /// else the main one.
    pub fn bundle(&self) -> Bundle {
        match self {
            Self::Root | Self::Login | Self::Register => Bundle::LoginPage,
            Self::HomeGrid
            | Self::Member
            | Self::Claims
            | Self::Dispatcher
            | Self::CheckinReview
            | Self::Checkins
            | Self::Certificate(_)
            | Self::Admin
            | Self::AdminPlace(_) => Bundle::Office,
            Self::Inbox => Bundle::Neighbourhood,
            Self::DispatcherOrders
            | Self::Street
            | Self::Department
            | Self::Report
            | Self::MyReports
            | Self::Patrol => Bundle::Orders,
            Self::Volunteer(_) => Bundle::Volunteer,
            Self::Figures(_) => Bundle::Figures,
            Self::Neighbourhood(_) => Bundle::Neighbourhood,
            _ => Bundle::Main,
        }
    }

    /// Whether `bundle` draws the page, so reaching it needs no page load: its own pages, and in
    /// the office bundle also the wish page and the inbox, which members and staff open from
    /// their pages there.
    pub fn drawn_by(&self, bundle: Bundle) -> bool {
        self.bundle() == bundle || (bundle == Bundle::Office && matches!(self, Self::Wish(_) | Self::Inbox))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_of_the_contract_parses() {
        assert_eq!(Route::parse("/"), Route::Root);
        assert_eq!(Route::parse("/login"), Route::Login);
        assert_eq!(Route::parse("/register"), Route::Register);
        assert_eq!(Route::parse("/resident"), Route::Resident);
        assert_eq!(Route::parse("/resident/new"), Route::NewWish);
        assert_eq!(Route::parse("/resident/grid"), Route::HomeGrid);
        assert_eq!(Route::parse("/member"), Route::Member);
        assert_eq!(Route::parse("/member/claims/"), Route::Claims);
        assert_eq!(Route::parse("/dispatcher?x=1"), Route::Dispatcher);
        assert_eq!(Route::parse("/dispatcher/checkins"), Route::CheckinReview);
        assert_eq!(Route::parse("/wishes/42"), Route::Wish("42".into()));
        assert_eq!(Route::parse("/inbox"), Route::Inbox);
        assert_eq!(Route::parse("/checkins"), Route::Checkins);
        assert_eq!(Route::parse("/checkins/7/certificate"), Route::Certificate("7".into()));
        assert_eq!(Route::parse("/admin/"), Route::Admin);
        assert_eq!(Route::parse("/admin/places/12"), Route::AdminPlace("12".into()));
        assert_eq!(Route::parse("/dispatcher/orders"), Route::DispatcherOrders);
        assert_eq!(Route::parse("/report"), Route::Report);
        assert_eq!(Route::parse("/reports/"), Route::MyReports);
        assert_eq!(Route::parse("/patrol"), Route::Patrol);
        assert_eq!(Route::parse("/street"), Route::Street);
        assert_eq!(Route::parse("/department"), Route::Department);
        assert_eq!(Route::parse("/volunteer"), Route::Volunteer(String::new()));
        assert_eq!(Route::parse("/volunteer/activities/3?x=1"), Route::Volunteer("/activities/3".into()));
        assert_eq!(Route::parse("/volunteers"), Route::NotFound);
        assert_eq!(Route::parse("/figures"), Route::Figures(String::new()));
        assert_eq!(Route::parse("/figures/me/"), Route::Figures("/me".into()));
        assert_eq!(Route::parse("/figuresx"), Route::NotFound);
        assert_eq!(Route::parse("/points"), Route::Neighbourhood("/points".into()));
        assert_eq!(Route::parse("/notices/7?x=1"), Route::Neighbourhood("/notices/7".into()));
        assert_eq!(Route::parse("/pointsx"), Route::NotFound);
    }

    #[test]
    fn every_route_reads_back_from_its_href() {
        let routes = [
            Route::Root,
            Route::Login,
            Route::Register,
            Route::Resident,
            Route::NewWish,
            Route::HomeGrid,
            Route::Member,
            Route::Claims,
            Route::Checkins,
            Route::Dispatcher,
            Route::CheckinReview,
            Route::DispatcherOrders,
            Route::Report,
            Route::MyReports,
            Route::Patrol,
            Route::Street,
            Route::Department,
            Route::Inbox,
            Route::Admin,
            Route::NotFound,
            Route::Wish("42".into()),
            Route::AdminPlace("12".into()),
            Route::Certificate("7".into()),
            Route::Volunteer(String::new()),
            Route::Volunteer("/hours".into()),
            Route::Figures(String::new()),
            Route::Figures("/me".into()),
            Route::Neighbourhood("/property".into()),
            Route::Neighbourhood("/points/3".into()),
            Route::Neighbourhood("/notices".into()),
        ];
        for route in routes {
            assert_eq!(Route::parse(&route.href()), route, "{}", route.href());
        }
        assert_eq!(Route::Wish("42".into()).href(), "/wishes/42");
        assert_eq!(Route::Certificate("7".into()).href(), "/checkins/7/certificate");
        assert_eq!(Route::AdminPlace("12".into()).href(), "/admin/places/12");
    }

    #[test]
    fn each_role_starts_on_its_own_home() {
        assert_eq!(Route::home(Role::Resident).href(), "/resident");
        assert_eq!(Route::home(Role::Member).href(), "/member");
        assert_eq!(Route::home(Role::Dispatcher).href(), "/dispatcher");
        assert_eq!(Route::home(Role::Admin).href(), "/admin");
        assert_eq!(Route::home(Role::GridWorker).href(), "/patrol");
        assert_eq!(Route::home(Role::StreetOfficer).href(), "/street");
        assert_eq!(Route::home(Role::DepartmentOfficer).href(), "/department");
    }

    #[test]
    fn unknown_paths_are_not_found() {
        for path in
            ["/wishes/", "/wishes/1/events", "/checkins/7", "/checkins//certificate", "/admin/places/", "/admin/x"]
        {
            assert_eq!(Route::parse(path), Route::NotFound, "{path}");
        }
        assert!(!Route::NotFound.needs_login());
        assert!(Route::Resident.needs_login());
    }

    #[test]
    fn each_page_is_in_the_bundle_the_server_serves_its_path_from() {
        let paths = [
            "/",
            "/login",
            "/register",
            "/resident",
            "/resident/new",
            "/resident/grid",
            "/member",
            "/member/claims",
            "/inbox",
            "/wishes/1",
            "/checkins",
            "/checkins/4/certificate",
            "/dispatcher",
            "/dispatcher/checkins",
            "/dispatcher/orders",
            "/report",
            "/reports",
            "/patrol",
            "/street",
            "/department",
            "/admin",
            "/admin/places/3",
            "/volunteer",
            "/volunteer/scan",
            "/figures",
            "/figures/me",
            "/property",
            "/points",
            "/notices/3",
        ];
        for path in paths {
            let office = haolin_shared::bundles::is_office_route(path);
            assert_eq!(Route::parse(path).bundle() == Bundle::Office, office, "{path}");
            let orders = haolin_shared::bundles::is_orders_route(path);
            assert_eq!(Route::parse(path).bundle() == Bundle::Orders, orders, "{path}");
            let volunteer = haolin_shared::bundles::is_volunteer_route(path);
            assert_eq!(Route::parse(path).bundle() == Bundle::Volunteer, volunteer, "{path}");
            let figures = haolin_shared::bundles::is_figures_route(path);
            assert_eq!(Route::parse(path).bundle() == Bundle::Figures, figures, "{path}");
            let neighbourhood = haolin_shared::bundles::is_neighbourhood_route(path);
            assert_eq!(Route::parse(path).bundle() == Bundle::Neighbourhood, neighbourhood, "{path}");
            let login = haolin_shared::bundles::is_login_route(path);
            assert_eq!(Route::parse(path).bundle() == Bundle::LoginPage, login, "{path}");
        }
        assert_eq!(Route::parse("/resident").bundle(), Bundle::Main);
        assert_eq!(Route::parse("/checkins").bundle(), Bundle::Office);
        assert_eq!(Route::parse("/member/claims").bundle(), Bundle::Office);
        // Every work-order page is in the orders bundle: neither a resident's first load nor the
        // dispatcher's desk carries them.
        for path in ["/report", "/reports", "/patrol", "/dispatcher/orders", "/street", "/department"] {
            assert_eq!(Route::parse(path).bundle(), Bundle::Orders, "{path}");
        }
    }

    #[test]
    fn the_office_bundle_also_draws_the_wish_page_and_the_inbox() {
        let wish = Route::Wish("3".into());
        assert_eq!(wish.bundle(), Bundle::Main, "served by the main bundle");
        assert!(wish.drawn_by(Bundle::Main) && wish.drawn_by(Bundle::Office));
        // The inbox is the office bundle's alone (issue #17: the main bundle's bytes went to the
        // notices on the resident's home).
        assert_eq!(Route::Inbox.bundle(), Bundle::Neighbourhood);
        assert!(Route::Inbox.drawn_by(Bundle::Office) && Route::Inbox.drawn_by(Bundle::Neighbourhood));
        assert!(!Route::Inbox.drawn_by(Bundle::Main));
        assert!(!Route::Member.drawn_by(Bundle::Main));
        assert!(!Route::Resident.drawn_by(Bundle::Office));
        assert!(!Route::Register.drawn_by(Bundle::Office) && !Route::Register.drawn_by(Bundle::Main));
        assert!(!Route::Login.drawn_by(Bundle::Main) && !Route::Root.drawn_by(Bundle::Office));
    }
}
