//! Which of the web app's two bundles serves a client route — the one fact the server (which
//! sends the right `index.html`) and the web client (which reaches the other bundle with a full
//! page load) must agree on.
//!
//! The main bundle (`web/dist`, at `/`) holds what residents and party members use every day; it
//! is what a resident's phone loads first. The office bundle (`web/dist/office`, its files under
//! `/office/`) holds the staff pages and the member's check-in paperwork.

/// The office bundle's folder inside the built web app, and the URL path of its files.
pub const OFFICE_DIR: &str = "office";

/// The route prefixes of the office bundle: the admin's place tree, the dispatcher's desk, and
/// the member's dual check-in (双报到) with its printable certificate.
pub const OFFICE_ROUTES: [&str; 3] = ["/admin", "/dispatcher", "/checkins"];

/// Whether the client route `path` (without query) belongs to the office bundle: one of
/// [`OFFICE_ROUTES`] or below it.
pub fn is_office_route(path: &str) -> bool {
    OFFICE_ROUTES
        .iter()
        .any(|prefix| path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_routes_are_the_prefixes_and_what_lies_below_them() {
        for path in
            ["/admin", "/admin/", "/admin/places/3", "/dispatcher", "/dispatcher/checkins", "/checkins/4/certificate"]
        {
            assert!(is_office_route(path), "{path}");
        }
        for path in ["/", "/administer", "/resident", "/wishes/1", "/inbox", "/checkinsx", "/office"] {
            assert!(!is_office_route(path), "{path}");
        }
    }
}
