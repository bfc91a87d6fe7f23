//! The notices' text (通知公告), in a catalogue apart from [`super::Messages`] (which every bundle
//! carries whole): a `const`, so each bundle carries only the strings it uses — the home pages the
//! list's heading, marks and the neighbourhood links; the neighbourhood bundle the rest.

mod zh_cn;

pub use zh_cn::NOTE;

/// The text of the notices and of the neighbourhood links.
pub struct NoticeMessages {
    /// Heading and link: the notices.
    pub title: &'static str,
    /// Link: the service points.
    pub points: &'static str,
    /// Link: the property service ratings.
    pub property: &'static str,
    /// The pinned mark.
    pub pinned: &'static str,
    /// The unread mark.
    pub unread: &'static str,
    /// No notice for my places.
    pub none: &'static str,
    /// Until (before the end date).
    pub until: &'static str,
    /// Posted by (before the poster's name).
    pub posted_by: &'static str,
    /// Where it was sent (before the place's name).
    pub to_place: &'static str,
    /// Marks it read.
    pub mark_read: &'static str,
    /// Read already.
    pub read: &'static str,
    /// Link and heading: posting a notice.
    pub new: &'static str,
    /// Heading: the notices I posted or that were posted in my places.
    pub posted: &'static str,
    /// Label: the place addressed.
    pub place: &'static str,
    /// Label: the title.
    pub field_title: &'static str,
    /// Label: the text.
    pub field_body: &'static str,
    /// Label: pinned.
    pub field_pinned: &'static str,
    /// Label: the end date.
    pub field_ends: &'static str,
    /// Label: a photo.
    pub field_photo: &'static str,
    /// Posting button.
    pub post: &'static str,
    /// Posted toast.
    pub posted_ok: &'static str,
    /// Withdraw button.
    pub withdraw: &'static str,
    /// Withdrawn mark and toast.
    pub withdrawn: &'static str,
    /// Ended mark.
    pub ended: &'static str,
    /// Asked before withdrawing.
    pub confirm_withdraw: &'static str,
    /// Choose a place first.
    pub choose_place: &'static str,
}
