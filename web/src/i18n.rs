//! User-visible text. Every string the app shows lives in a catalogue of this shape; each locale
//! is one file under `i18n/` (today only `zh_cn.rs`), so adding a language is adding a file and
//! pointing [`MESSAGES`] at it. The names of statuses, levels and roles come from
//! `haolin_shared::labels`, the table the server's messages use too.

use haolin_shared::api::{GridKind, PlaceLevel, Role};
use haolin_shared::domain::{CheckinAction, CheckinStatus, WishAction, WishStatus};
use haolin_shared::labels::Label;

mod download;
mod figures;
mod notices;
mod orders;
mod points;
mod property;
mod volunteer;
mod zh_cn;

pub use download::{DL, DownloadMessages};
pub use figures::{FIG, FigureMessages};
pub use notices::{NOTE, NoticeMessages};
pub use orders::{DESK, DeskMessages, ORDERS, OrderMessages};
pub use points::{PTS, PointMessages};
pub use property::{PROP, PropertyMessages};
pub use volunteer::{VOL, VolunteerMessages};

/// One locale's messages.
pub struct Messages {
    /// The product name.
    pub product_name: &'static str,
    /// The one-line description of the service.
    pub motto: &'static str,
    /// Between a label and its value.
    pub colon: &'static str,
    /// Between parts of a line.
    pub separator: &'static str,
    /// Shown while something loads.
    pub loading: &'static str,
    /// Generic failure when the server cannot be reached.
    pub network_error: &'static str,
    /// Generic failure when the server's answer cannot be read.
    pub decode_error: &'static str,
    /// Generic failure with an HTTP status but no readable body.
    pub server_error: &'static str,
    /// Retry button.
    pub retry: &'static str,
    /// Shown for an empty list.
    pub empty_list: &'static str,
    /// Loads the next page of a list.
    pub load_more: &'static str,
    /// Page not found.
    pub not_found: &'static str,
    /// Back to the home page.
    pub go_home: &'static str,
    /// Phone number label.
    pub phone: &'static str,
    /// Password label.
    pub password: &'static str,
    /// Name label.
    pub name: &'static str,
    /// Login title and button.
    pub login: &'static str,
    /// Register title and button.
    pub register: &'static str,
    /// Link from login to register.
    pub goto_register: &'static str,
    /// Link from register to login.
    pub goto_login: &'static str,
    /// Password length rule.
    pub password_rule: &'static str,
    /// Logout button.
    pub logout: &'static str,
    /// Label of the role switcher.
    pub role_label: &'static str,
    /// Navigation: my wishes.
    pub nav_resident: &'static str,
    /// Navigation: post a wish.
    pub nav_new_wish: &'static str,
    /// Navigation: the pool.
    pub nav_member: &'static str,
    /// Navigation: my claims.
    pub nav_claims: &'static str,
    /// Navigation: the dispatcher's page.
    pub nav_dispatcher: &'static str,
    /// Home action: 随手拍 (report a problem).
    pub nav_report: &'static str,
    /// Home action: the work orders I reported.
    pub nav_my_reports: &'static str,
    /// Navigation: the dispatcher's work orders.
    pub nav_orders: &'static str,
    /// Navigation: the grid worker's patrol page.
    pub nav_patrol: &'static str,
    /// Navigation: the street officer's page.
    pub nav_street: &'static str,
    /// Navigation: a department's orders.
    pub nav_department: &'static str,
    /// Navigation and heading: the inbox.
    pub nav_inbox: &'static str,
    /// Marks every notification read.
    pub mark_all_read: &'static str,
    /// Shown for an empty inbox.
    pub no_notifications: &'static str,
    /// Heading: my wishes.
    pub my_wishes: &'static str,
    /// Heading: the pool.
    pub pool: &'static str,
    /// Heading: my claims.
    pub my_claims: &'static str,
    /// Heading: the review queue.
    pub review_queue: &'static str,
    /// Heading: every wish of the dispatcher's communities.
    pub community_wishes: &'static str,
    /// Heading: the overview by status.
    pub overview: &'static str,
    /// Heading: posting a wish.
    pub new_wish: &'static str,
    /// Field: community.
    pub community: &'static str,
    /// Field: category.
    pub category: &'static str,
    /// Placeholder option of the category select.
    pub choose_category: &'static str,
    /// Field: title.
    pub title: &'static str,
    /// Field: description.
    pub description: &'static str,
    /// Field: contact phone.
    pub contact_phone: &'static str,
    /// Hint under the contact phone.
    pub contact_phone_hint: &'static str,
    /// Field: expected date.
    pub expected_by: &'static str,
    /// Error: a date that is not a date.
    pub invalid_date: &'static str,
    /// Error: a date in the past.
    pub date_in_past: &'static str,
    /// Error: no community to post in.
    pub no_community: &'static str,
    /// Submit button of the wish form.
    pub submit_wish: &'static str,
    /// Shown after posting.
    pub wish_posted: &'static str,
    /// Label before the poster's name.
    pub posted_by: &'static str,
    /// Label before the claimant's name.
    pub claimed_by: &'static str,
    /// Label before the assignee's name.
    pub assigned_to: &'static str,
    /// Label before a deadline.
    pub deadline: &'static str,
    /// Label before the expected date.
    pub expected_label: &'static str,
    /// Label before the contact phone on the wish page.
    pub contact_label: &'static str,
    /// Label before the fulfilment note.
    pub note_label: &'static str,
    /// Label before the rating.
    pub rating_label: &'static str,
    /// Heading of the timeline.
    pub timeline: &'static str,
    /// The system as an actor.
    pub system_actor: &'static str,
    /// Heading of the actions.
    pub actions: &'static str,
    /// Field: reason.
    pub reason: &'static str,
    /// Field: optional reason.
    pub reason_optional: &'static str,
    /// Field: note.
    pub note: &'static str,
    /// Field: optional comment.
    pub comment_optional: &'static str,
    /// Rating legend.
    pub rating: &'static str,
    /// Stars' accessible label suffix ("N 星").
    pub stars_suffix: &'static str,
    /// Error: choose a rating.
    pub choose_rating: &'static str,
    /// Field: search members.
    pub search_member: &'static str,
    /// Error: choose a member.
    pub choose_member: &'static str,
    /// No member found.
    pub no_members: &'static str,
    /// Submit button of action forms.
    pub submit: &'static str,
    /// Closes an action form.
    pub close: &'static str,
    /// Shown after an action succeeded.
    pub done: &'static str,
    /// The lost claim race.
    pub lost_race: &'static str,
    /// Shown after a successful claim.
    pub claimed_ok: &'static str,
    /// Shown when a wish left the caller's view.
    pub left_view: &'static str,
    /// Live connection lost, reconnecting.
    pub reconnecting: &'static str,
    /// Session expired.
    pub session_expired: &'static str,
    /// Navigation: the member's dual check-in.
    pub nav_checkins: &'static str,
    /// Navigation: the dispatcher's check-in review.
    pub nav_checkin_review: &'static str,
    /// Navigation and heading: the admin's place tree.
    pub nav_places: &'static str,
    /// Link from a resident's page to the dual check-in.
    pub goto_checkins: &'static str,
    /// Heading: the dual check-in page.
    pub checkins_title: &'static str,
    /// What the dual check-in is.
    pub checkins_intro: &'static str,
    /// Heading: my check-ins.
    pub my_checkins: &'static str,
    /// Shown when I have no check-in.
    pub no_checkins: &'static str,
    /// Heading: the form of a new check-in.
    pub new_checkin: &'static str,
    /// Placeholder option and error: choose a community.
    pub choose_community: &'static str,
    /// Field: the optional work-unit branch.
    pub unit_branch: &'static str,
    /// Option: no unit branch.
    pub no_unit_branch: &'static str,
    /// Field: the service certificate number.
    pub certificate_no: &'static str,
    /// Hint under the certificate number.
    pub certificate_hint: &'static str,
    /// Field: the introduction letter's reference.
    pub letter_ref: &'static str,
    /// Shown after filing a check-in.
    pub checkin_filed: &'static str,
    /// Label before when a check-in was filed.
    pub filed_at: &'static str,
    /// Label before a rejection's reason.
    pub reject_reason: &'static str,
    /// Opens the service certificate.
    pub view_certificate: &'static str,
    /// Asks before withdrawing a check-in.
    pub withdraw_confirm: &'static str,
    /// Confirms the withdrawal.
    pub confirm_withdraw: &'static str,
    /// Shown after a withdrawal.
    pub withdrawn_ok: &'static str,
    /// Heading of the printable certificate.
    pub certificate_title: &'static str,
    /// The check-in has no certificate (not approved, or not mine).
    pub certificate_unavailable: &'static str,
    /// Certificate line: the community's code.
    pub community_code: &'static str,
    /// Certificate line: the unit branch.
    pub unit_branch_label: &'static str,
    /// Certificate line: the approval date.
    pub approved_on: &'static str,
    /// Shown for a missing value.
    pub none: &'static str,
    /// Print button.
    pub print: &'static str,
    /// Back link.
    pub back: &'static str,
    /// Heading: check-ins waiting for a decision.
    pub checkin_review: &'static str,
    /// Shown when no check-in waits.
    pub no_pending_checkins: &'static str,
    /// Heading: the dual check-in figures.
    pub checkin_figures: &'static str,
    /// Figure: unit branches checked in.
    pub figure_units: &'static str,
    /// Figure: members checked in.
    pub figure_members: &'static str,
    /// Figure: wishes they claimed.
    pub figure_claimed: &'static str,
    /// Figure: wishes they fulfilled.
    pub figure_fulfilled: &'static str,
    /// Accessible name of a place's path.
    pub place_path: &'static str,
    /// The top of the place tree.
    pub all_places: &'static str,
    /// Heading before the level of a place's children.
    pub children_of: &'static str,
    /// Shown for a place without children.
    pub no_places: &'static str,
    /// Badge of a retired place.
    pub retired: &'static str,
    /// Label before a place's level.
    pub level_label: &'static str,
    /// Label before a place's code.
    pub code: &'static str,
    /// Field: a place's name.
    pub place_name: &'static str,
    /// Error: a place needs a name.
    pub name_required: &'static str,
    /// Field: a district's code.
    pub district_code: &'static str,
    /// Field: a place's optional code.
    pub code_optional: &'static str,
    /// Field: a grid's kind.
    pub grid_kind_label: &'static str,
    /// Creates a place (before its level).
    pub create: &'static str,
    /// Opens the rename form.
    pub rename: &'static str,
    /// Saves a form.
    pub save: &'static str,
    /// Opens the move form.
    pub move_place: &'static str,
    /// Move form label, before the parent's level.
    pub new_parent_code_1: &'static str,
    /// Move form label, after the parent's level.
    pub new_parent_code_2: &'static str,
    /// Looks a code up.
    pub find: &'static str,
    /// Label before the found new parent.
    pub move_to: &'static str,
    /// Confirms the move.
    pub confirm_move: &'static str,
    /// Error before the level the new parent must have.
    pub parent_must_be: &'static str,
    /// Error: the new parent is retired.
    pub parent_retired: &'static str,
    /// Error: no place has the code.
    pub no_such_code: &'static str,
    /// Opens the retire confirmation.
    pub retire: &'static str,
    /// Asks before retiring a place.
    pub retire_confirm: &'static str,
    /// Confirms retiring.
    pub confirm_retire: &'static str,
    /// Navigation and heading: the resident's home grid.
    pub nav_home: &'static str,
    /// Label of the registered home.
    pub my_home: &'static str,
    /// Shown when no home is registered.
    pub no_home: &'static str,
    /// Finds the home grid from the browser's location.
    pub use_my_location: &'static str,
    /// Heading: choosing the home from the tree.
    pub choose_home: &'static str,
    /// Placeholder option of a choice.
    pub please_choose: &'static str,
    /// Field: the optional ten-household unit.
    pub unit_optional: &'static str,
    /// Registers the chosen home.
    pub save_home: &'static str,
    /// Shown after registering a home.
    pub home_saved: &'static str,
    /// The browser could not or would not tell the location.
    pub location_unavailable: &'static str,
    /// No grid holds the location.
    pub no_grid_here: &'static str,
    /// Label of the wish's grid on the wish form.
    pub wish_grid: &'static str,
    /// Link from the wish form to registering a home.
    pub set_home: &'static str,
    /// The elderly-mode (大字模式) switch.
    pub big_mode: &'static str,
    /// Shows the typed password.
    pub show_password: &'static str,
    /// Hides the typed password again.
    pub hide_password: &'static str,
    /// Opens the password reset on the login page.
    pub forgot_password: &'static str,
    /// How a resident gets a reset code.
    pub reset_intro: &'static str,
    /// Field: the reset code.
    pub reset_code: &'static str,
    /// Field: the new password.
    pub new_password: &'static str,
    /// Title and button of the password reset.
    pub reset_submit: &'static str,
    /// Shown once the password is reset.
    pub reset_done: &'static str,
    /// A refused reset: unknown phone, wrong or used code.
    pub reset_failed: &'static str,
    /// On the login page when a private page was opened with no saved session.
    pub login_needed: &'static str,
    /// Heading of a wish page whose wish cannot be shown.
    pub wish_missing: &'static str,
    /// How a resident reaches the member holding the wish.
    pub reach_claimant: &'static str,
    /// Why the home button is disabled.
    pub save_home_hint: &'static str,
    /// The question before approving a wish.
    pub approve_confirm: &'static str,
    /// The button that approves after the question.
    pub confirm_approve: &'static str,
    /// Shown after approving a wish.
    pub approved_ok: &'static str,
    /// Above the submit button of a step-back action.
    pub step_back_warn: &'static str,
    /// The submit button of a step-back action.
    pub confirm_submit: &'static str,
    /// The photo picker's label, with the most it takes (`MAX_PHOTOS`).
    pub photos_label: &'static str,
    /// The photo picker's words, one a line, in this order: its camera and gallery buttons,
    /// while a photo is sent, the progress bar's name, before a photo's name on its remove button,
    /// before and after a photo's number in its name, more photos chosen than it takes.
    pub picker_words: &'static str,
    /// Heading of the resident's photos of a wish.
    pub resident_photos: &'static str,
    /// Heading of the member's photos of a fulfilment.
    pub fulfil_photos: &'static str,
    /// Before a wish's title: the alt text of its card's photo.
    pub wish_photo_alt: &'static str,
    /// The resident's button adding photos to a live wish.
    pub add_photos: &'static str,
    /// Shown after photos were added to a wish.
    pub photos_added: &'static str,
    /// The homes' link to the volunteer pages (the volunteer bundle).
    pub nav_volunteer: &'static str,
}

impl Messages {
    /// The Chinese name of a wish status (`haolin_shared::labels`, as the server says it).
    pub fn status(&self, status: WishStatus) -> &'static str {
        status.label()
    }

    /// A wish's status in plain words, for the resident who posted it.
    pub fn status_words(&self, status: WishStatus) -> &'static str {
        zh_cn::status_words(status)
    }

    /// The Chinese name of a wish action (button text and timeline entry).
    pub fn action(&self, action: WishAction) -> &'static str {
        zh_cn::action(action)
    }

    /// The button text of a check-in action.
    pub fn checkin_action(&self, action: CheckinAction) -> &'static str {
        zh_cn::checkin_action(action)
    }

    /// The Chinese name of a role.
    pub fn role(&self, role: Role) -> &'static str {
        role.label()
    }

    /// The Chinese name of a check-in status.
    pub fn checkin_status(&self, status: CheckinStatus) -> &'static str {
        status.label()
    }

    /// The Chinese name of a place level.
    pub fn place_level(&self, level: PlaceLevel) -> &'static str {
        level.label()
    }

    /// The Chinese name of a grid kind.
    pub fn grid_kind(&self, kind: GridKind) -> &'static str {
        kind.label()
    }
}

/// The catalogue in use.
pub const MESSAGES: &Messages = &zh_cn::ZH_CN;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_action_and_role_has_a_chinese_name() {
        for s in WishStatus::ALL {
            assert!(!MESSAGES.status(s).is_empty());
        }
        // The plain words of each status differ, and never call a wish only fulfilled 已完成.
        let words: std::collections::HashSet<_> = WishStatus::ALL.iter().map(|s| MESSAGES.status_words(*s)).collect();
        assert_eq!(words.len(), WishStatus::ALL.len());
        assert!(!MESSAGES.status_words(WishStatus::Fulfilled).contains("已完成"));
        for a in WishAction::ALL {
            assert!(!MESSAGES.action(a).is_empty());
        }
        for r in Role::ALL {
            assert!(!MESSAGES.role(r).is_empty());
        }
        for l in PlaceLevel::ALL {
            assert!(!MESSAGES.place_level(l).is_empty());
        }
        for s in CheckinStatus::ALL {
            assert!(!MESSAGES.checkin_status(s).is_empty());
        }
        for a in CheckinAction::ALL {
            assert!(!MESSAGES.checkin_action(a).is_empty());
        }
    }

    #[test]
    fn the_lost_race_message_is_the_one_the_tests_look_for() {
        assert_eq!(MESSAGES.lost_race, "手慢了，该心愿已被他人认领");
    }
}
