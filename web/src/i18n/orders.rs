//! The work-order pages' text, in catalogues apart from [`super::Messages`] (which every bundle
//! carries whole), so that a bundle without these pages carries none of it: [`OrderMessages`] for
//! every page that shows orders (随手拍, my reports, patrol, the order cards) and [`DeskMessages`]
//! for the staff's desks only (the community's orders, the street, the department, the
//! scorecard). Statuses, actions, priorities and answers are named by
//! `haolin_shared::labels`.

use haolin_shared::domain::{ExtensionState, OrderAction, OrderStatus, Priority, Satisfaction};
use haolin_shared::labels::Label;

mod zh_cn;

/// The text of the pages that show work orders.
pub struct OrderMessages {
    /// Heading and home action: 随手拍.
    pub report_title: &'static str,
    /// What 随手拍 is for.
    pub report_intro: &'static str,
    /// Heading and home action: the orders I reported.
    pub my_reports: &'static str,
    /// A resident without a registered home grid.
    pub no_home_grid: &'static str,
    /// The link to registering the home grid.
    pub register_home: &'static str,
    /// Why the location is asked.
    pub location_hint: &'static str,
    /// Shown once the location is attached.
    pub location_set: &'static str,
    /// The location was refused.
    pub location_denied: &'static str,
    /// The location could not be found.
    pub location_failed: &'static str,
    /// Submit button of a report.
    pub submit_report: &'static str,
    /// Shown after a report.
    pub report_sent: &'static str,
    /// Shown after a report solved on the spot.
    pub report_closed: &'static str,
    /// Heading: the grid worker's page.
    pub patrol_title: &'static str,
    /// Heading: the grid worker's report form.
    pub patrol_report: &'static str,
    /// Heading: the orders dispatched to me.
    pub patrol_inbox: &'static str,
    /// Heading: my grid's orders.
    pub grid_orders: &'static str,
    /// The 即报即办 checkbox.
    pub on_spot: &'static str,
    /// Field: how it was solved on the spot.
    pub on_spot_note: &'static str,
    /// Error and placeholder: choose a grid.
    pub choose_grid: &'static str,
    /// Shown for an empty list.
    pub no_orders: &'static str,
    /// Label of the priority.
    pub priority: &'static str,
    /// Label before the signing deadline.
    pub sign_due: &'static str,
    /// Label before the resolving deadline.
    pub resolve_due: &'static str,
    /// Badge: a deadline passed.
    pub overdue: &'static str,
    /// Badge: supervised (督办).
    pub supervised: &'static str,
    /// Label before the grid handling it.
    pub handler_grid: &'static str,
    /// Label before the departments handling it.
    pub handlers: &'static str,
    /// A lead department (牵头).
    pub lead: &'static str,
    /// A co-handling department (协办).
    pub co: &'static str,
    /// A department that signed (报到).
    pub signed: &'static str,
    /// A department that has not signed yet.
    pub not_signed: &'static str,
    /// Label before an extension request.
    pub extension: &'static str,
    /// After the number of days.
    pub working_days: &'static str,
    /// Label before the resolution note.
    pub resolution: &'static str,
    /// Label before the call-back's answer.
    pub satisfaction: &'static str,
    /// The question of the call-back.
    pub visit_question: &'static str,
    /// Field: the optional comment of the call-back.
    pub visit_note: &'static str,
    /// Warning before an unsatisfied answer.
    pub reopen_warn: &'static str,
    /// Shown after the call-back.
    pub visit_thanks: &'static str,
    /// Field: the resolution note.
    pub resolve_note: &'static str,
    /// Field: the supervision note.
    pub supervise_note: &'static str,
    /// Field: the days of an extension.
    pub days: &'static str,
    /// Error: the days are not a whole number of at least one.
    pub days_invalid: &'static str,
    /// Error: choose the lead department.
    pub choose_lead: &'static str,
    /// The order changed under the caller (409): it was reloaded.
    pub changed: &'static str,
    /// Heading of the report's photos.
    pub report_photos: &'static str,
    /// Heading of the resolution's photos.
    pub resolve_photos: &'static str,
    /// Heading of the call-back's photos.
    pub visit_photos: &'static str,
}

/// The text of the staff's work-order desks (office bundle).
pub struct DeskMessages {
    /// Heading: the community's orders.
    pub community_orders: &'static str,
    /// Link from the dispatcher's desk to the community's orders.
    pub goto_orders: &'static str,
    /// The desks' link to the figures page (the figures bundle).
    pub goto_figures: &'static str,
    /// The member's link to their own figures (the figures bundle).
    pub goto_my_figures: &'static str,
    /// Label of the status tabs.
    pub by_status: &'static str,
    /// Field: the grid an order is dispatched to.
    pub dispatch_grid: &'static str,
    /// Heading: the street's page.
    pub street_title: &'static str,
    /// Field: the street (an officer of several).
    pub street: &'static str,
    /// Heading: the escalated orders.
    pub escalated: &'static str,
    /// Heading: whistled orders a department returned.
    pub returned: &'static str,
    /// Heading: the overdue orders.
    pub overdue_board: &'static str,
    /// Field: the lead department.
    pub lead_department: &'static str,
    /// Legend: the co-handling departments.
    pub co_departments: &'static str,
    /// No department to whistle.
    pub no_departments: &'static str,
    /// Heading: the scorecard.
    pub scorecard: &'static str,
    /// Field: the first day counted.
    pub from: &'static str,
    /// Field: the last day counted.
    pub to: &'static str,
    /// Loads the scorecard.
    pub show: &'static str,
    /// Error: the range is not two dates in order.
    pub bad_range: &'static str,
    /// The scorecard's column heads: the month, then each figure as the table shows it.
    pub score_heads: [&'static str; 11],
    /// The total row's name.
    pub total: &'static str,
    /// Heading: a department's inbox.
    pub department_title: &'static str,
    /// The department's page explained.
    pub department_intro: &'static str,
    /// The street's page without a street.
    pub no_street: &'static str,
}

impl OrderMessages {
    /// The Chinese name of an order status.
    pub fn status(&self, status: OrderStatus) -> &'static str {
        status.label()
    }

    /// An order's status in plain words, for the person who reported it.
    pub fn status_words(&self, status: OrderStatus) -> &'static str {
        zh_cn::status_words(status)
    }

    /// The button text (and log entry) of an order action.
    pub fn action(&self, action: OrderAction) -> &'static str {
        action.label()
    }

    /// The Chinese name of a priority.
    pub fn priority_name(&self, priority: Priority) -> &'static str {
        priority.label()
    }

    /// The Chinese name of a call-back answer.
    pub fn answer(&self, satisfaction: Satisfaction) -> &'static str {
        satisfaction.label()
    }

    /// Where an extension request stands, in words.
    pub fn extension_state(&self, state: ExtensionState) -> &'static str {
        zh_cn::extension_state(state)
    }
}

/// The catalogue of the pages that show orders.
pub const ORDERS: &OrderMessages = &zh_cn::ORDERS;

/// The catalogue of the staff's desks.
pub const DESK: &DeskMessages = &zh_cn::DESK;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_its_own_plain_words() {
        let words: std::collections::HashSet<_> = OrderStatus::ALL.iter().map(|s| ORDERS.status_words(*s)).collect();
        assert_eq!(words.len(), OrderStatus::ALL.len());
        assert!(!words.contains(""));
    }
}
