//! The app's client-side routes (a tiny router on the History API: no router crate to ship), and
//! which bundle of the web app draws each.

/// One of the web app's two bundles (see the crate docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// The main app at `/`.
    Main,
    /// The office app (`haolin_shared::bundles`): staff pages and the check-in paperwork.
    Office,
}

/// A page of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `/`: goes to the current role's home, or to login.
    Root,
    /// `/login`.
    Login,
    /// `/register`.
    Register,
    /// `/resident`: my wishes.
    Resident,
    /// `/resident/new`: post a wish.
    NewWish,
    /// `/resident/grid`: my home grid (where I live), and choosing it.
    HomeGrid,
    /// `/member`: the open-wish pool.
    Member,
    /// `/member/claims`: my claims.
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
    /// `/inbox`: my notifications.
    Inbox,
    /// `/wishes/:id`.
    Wish(String),
    /// `/admin`: the top of the place tree (office bundle).
    Admin,
    /// `/admin/places/:id`: one place of the tree with its children (office bundle).
    AdminPlace(String),
    /// Anything else.
    NotFound,
}

/// The one id segment of `rest`, if it is a single non-empty segment.
fn id_segment(rest: Option<&str>) -> Option<String> {
    rest.filter(|id| !id.is_empty() && !id.contains('/')).map(str::to_owned)
}

impl Route {
    /// The route of a path (query and fragment ignored, trailing slash tolerated).
    pub fn parse(path: &str) -> Self {
        let path = path.split(['?', '#']).next().unwrap_or("");
        let path = if path.len() > 1 { path.trim_end_matches('/') } else { path };
        match path {
            "" | "/" => Self::Root,
            "/login" => Self::Login,
            "/register" => Self::Register,
            "/resident" => Self::Resident,
            "/resident/new" => Self::NewWish,
            "/resident/grid" => Self::HomeGrid,
            "/member" => Self::Member,
            "/member/claims" => Self::Claims,
            "/checkins" => Self::Checkins,
            "/dispatcher" => Self::Dispatcher,
            "/dispatcher/checkins" => Self::CheckinReview,
            "/inbox" => Self::Inbox,
            "/admin" => Self::Admin,
            _ => {
                if let Some(id) = id_segment(path.strip_prefix("/wishes/")) {
                    Self::Wish(id)
                } else if let Some(id) = id_segment(path.strip_prefix("/admin/places/")) {
                    Self::AdminPlace(id)
                } else if let Some(id) =
                    id_segment(path.strip_prefix("/checkins/").and_then(|p| p.strip_suffix("/certificate")))
                {
                    Self::Certificate(id)
                } else {
                    Self::NotFound
                }
            }
        }
    }

    /// Whether the page needs a logged-in user.
    pub fn needs_login(&self) -> bool {
        !matches!(self, Self::Login | Self::Register | Self::NotFound)
    }

    /// The bundle that draws the page: the office bundle for the routes the server sends there
    /// (`haolin_shared::bundles::is_office_route`), else the main one.
    pub fn bundle(&self) -> Bundle {
        match self {
            Self::Dispatcher
            | Self::CheckinReview
            | Self::Checkins
            | Self::Certificate(_)
            | Self::Admin
            | Self::AdminPlace(_) => Bundle::Office,
            _ => Bundle::Main,
        }
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
            "/admin",
            "/admin/places/3",
        ];
        for path in paths {
            let office = haolin_shared::bundles::is_office_route(path);
            assert_eq!(Route::parse(path).bundle() == Bundle::Office, office, "{path}");
        }
        assert_eq!(Route::parse("/resident").bundle(), Bundle::Main);
        assert_eq!(Route::parse("/checkins").bundle(), Bundle::Office);
    }
}
