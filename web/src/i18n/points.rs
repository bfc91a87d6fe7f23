//! The service points' text (红帆驿站, docs/SERVICE-POINTS.md), in a catalogue apart from
//! [`super::Messages`] (which every bundle carries whole), so that only the neighbourhood bundle
//! carries it (the desks' links use [`PointMessages::nav`] through this catalogue's one string).

mod zh_cn;

pub use zh_cn::PTS;

/// The text of the service-point pages.
pub struct PointMessages {
    /// The list page's heading.
    pub title: &'static str,
    /// The desks' link to the service points.
    pub nav: &'static str,
    /// Under the heading: what the points are.
    pub intro: &'static str,
    /// Button: sort by the browser's location.
    pub use_location: &'static str,
    /// Button: sort from the home grid.
    pub use_home: &'static str,
    /// Hint: sorted from the browser's location.
    pub from_location: &'static str,
    /// Hint: sorted from the home grid.
    pub from_home: &'static str,
    /// Hint: no origin.
    pub unsorted: &'static str,
    /// While the browser locates.
    pub locating: &'static str,
    /// The browser refused the location.
    pub location_denied: &'static str,
    /// The location could not be found.
    pub location_failed: &'static str,
    /// Toggle: the list view.
    pub show_list: &'static str,
    /// Toggle: the map view.
    pub show_map: &'static str,
    /// Badge: open now.
    pub open_now: &'static str,
    /// Badge: closed now.
    pub closed_now: &'static str,
    /// After a distance in metres.
    pub metres: &'static str,
    /// After a distance in kilometres.
    pub kilometres: &'static str,
    /// Link: call the contact.
    pub call: &'static str,
    /// Label: services offered.
    pub services: &'static str,
    /// Label: opening hours.
    pub hours: &'static str,
    /// Label: the address.
    pub address: &'static str,
    /// Label: the contact.
    pub contact: &'static str,
    /// Label: the community.
    pub community: &'static str,
    /// A day without hours.
    pub closed_day: &'static str,
    /// Note: follows the working-day calendar.
    pub follows_calendar: &'static str,
    /// The map's SVG title.
    pub map_title: &'static str,
    /// The map's SVG description.
    pub map_desc: &'static str,
    /// The user's marker.
    pub you_are_here: &'static str,
    /// No point listed.
    pub empty: &'static str,
    /// Button: the next page.
    pub more: &'static str,
    /// Link: a new point.
    pub new_point: &'static str,
    /// Link: edit the point.
    pub edit: &'static str,
    /// Button: retire the point.
    pub retire: &'static str,
    /// Asked before retiring.
    pub retire_confirm: &'static str,
    /// Shown on a retired point.
    pub retired: &'static str,
    /// Button: save.
    pub save: &'static str,
    /// Toast: saved.
    pub saved: &'static str,
    /// The editor's heading for a new point.
    pub editor_new: &'static str,
    /// The editor's heading for an edit.
    pub editor_edit: &'static str,
    /// Label: the community.
    pub field_community: &'static str,
    /// Label: the name.
    pub field_name: &'static str,
    /// Label: the address.
    pub field_address: &'static str,
    /// Label: longitude.
    pub field_lng: &'static str,
    /// Label: latitude.
    pub field_lat: &'static str,
    /// Button: take the browser's location.
    pub field_here: &'static str,
    /// Hint under the hours.
    pub field_hours_hint: &'static str,
    /// Checkbox: follows the calendar.
    pub field_follows: &'static str,
    /// Label: services, comma separated.
    pub field_services: &'static str,
    /// Label: contact name.
    pub field_contact_name: &'static str,
    /// Label: contact phone.
    pub field_contact_phone: &'static str,
    /// Link: back to the list.
    pub back: &'static str,
    /// The days of the week, Monday first.
    pub weekdays: [&'static str; 7],
}
