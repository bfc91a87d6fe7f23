//! The property pages' text (红色物业, docs/PROPERTY.md), in a catalogue apart from
//! [`super::Messages`] so that only the neighbourhood bundle carries it.

mod zh_cn;

pub use zh_cn::PROP;

/// The text of the property pages.
pub struct PropertyMessages {
    /// The rating page's heading.
    pub title: &'static str,
    /// The desk's link to the results.
    pub nav: &'static str,
    /// The results page's heading.
    pub results_title: &'static str,
    /// The caller has no registered home.
    pub no_home: &'static str,
    /// The caller's home lies in no estate.
    pub no_estate: &'static str,
    /// Label: the estate.
    pub estate: &'static str,
    /// Label: the company.
    pub company: &'static str,
    /// Label: the period.
    pub period: &'static str,
    /// Before the last day a rating may change.
    pub until: &'static str,
    /// The five duties, in the API's order.
    pub duties: [&'static str; 5],
    /// After a number of stars (`3星`).
    pub stars: &'static str,
    /// Label of the comment.
    pub comment: &'static str,
    /// Hint under the comment.
    pub comment_hint: &'static str,
    /// Button: submit the rating.
    pub submit: &'static str,
    /// Button: change the rating.
    pub change: &'static str,
    /// Every duty needs stars.
    pub pick_all: &'static str,
    /// The rating was saved.
    pub saved: &'static str,
    /// Heading of the saved rating.
    pub yours: &'static str,
    /// Loading.
    pub loading: &'static str,
    /// Heading of the estates' results.
    pub by_estate: &'static str,
    /// Heading of the companies' results.
    pub by_company: &'static str,
    /// Heading of the comments.
    pub comments: &'static str,
    /// No comments.
    pub no_comments: &'static str,
    /// Column: raters.
    pub raters: &'static str,
    /// Column: satisfaction.
    pub satisfaction: &'static str,
    /// Column: points.
    pub points: &'static str,
    /// Column: grade.
    pub grade: &'static str,
    /// Column: list.
    pub list: &'static str,
    /// The red list.
    pub red: &'static str,
    /// The black list.
    pub black: &'static str,
    /// Button: show the chosen period.
    pub show: &'static str,
    /// No grade (no raters).
    pub none: &'static str,
}
