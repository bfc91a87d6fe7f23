//! The app's client-side routes (a tiny router on the History API: no router crate to ship).

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
    /// `/member`: the open-wish pool.
    Member,
    /// `/member/claims`: my claims.
    Claims,
    /// `/dispatcher`: review queue and overview.
    Dispatcher,
    /// `/inbox`: my notifications.
    Inbox,
    /// `/wishes/:id`.
    Wish(String),
    /// Anything else.
    NotFound,
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
            "/member" => Self::Member,
            "/member/claims" => Self::Claims,
            "/dispatcher" => Self::Dispatcher,
            "/inbox" => Self::Inbox,
            _ => match path.strip_prefix("/wishes/") {
                Some(id) if !id.is_empty() && !id.contains('/') => Self::Wish(id.to_owned()),
                _ => Self::NotFound,
            },
        }
    }

    /// Whether the page needs a logged-in user.
    pub fn needs_login(&self) -> bool {
        !matches!(self, Self::Login | Self::Register | Self::NotFound)
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
        assert_eq!(Route::parse("/member"), Route::Member);
        assert_eq!(Route::parse("/member/claims/"), Route::Claims);
        assert_eq!(Route::parse("/dispatcher?x=1"), Route::Dispatcher);
        assert_eq!(Route::parse("/wishes/42"), Route::Wish("42".into()));
        assert_eq!(Route::parse("/inbox"), Route::Inbox);
    }

    #[test]
    fn unknown_paths_are_not_found() {
        assert_eq!(Route::parse("/wishes/"), Route::NotFound);
        assert_eq!(Route::parse("/wishes/1/events"), Route::NotFound);
        assert_eq!(Route::parse("/admin"), Route::NotFound);
        assert!(!Route::NotFound.needs_login());
        assert!(Route::Resident.needs_login());
    }
}
