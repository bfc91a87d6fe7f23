//! The volunteer bundle's text (志愿服务、时间银行), in a catalogue apart from [`super::Messages`]
//! (which every bundle carries whole), so that no other bundle carries it. Statuses, kinds and
//! relations are named by `haolin_shared` (`label()`).

mod zh_cn;

/// The text of the volunteer and time-bank pages.
pub struct VolunteerMessages {
    /// The section's name.
    pub title: &'static str,
    /// Tab: activities near me.
    pub nav_activities: &'static str,
    /// Tab and heading: my activities.
    pub nav_mine: &'static str,
    /// Tab and button: checking in.
    pub nav_scan: &'static str,
    /// Tab: my hours.
    pub nav_hours: &'static str,
    /// Tab: the teams.
    pub nav_teams: &'static str,
    /// Heading: my hours.
    pub nav_hours_title: &'static str,
    /// Heading: activities near me.
    pub near_me: &'static str,
    /// What near me means.
    pub near_me_hint: &'static str,
    /// No activity.
    pub no_activities: &'static str,
    /// I signed up for nothing.
    pub no_my_activities: &'static str,
    /// Before the seats taken / capacity.
    pub seats_taken: &'static str,
    /// Before the waitlist's length.
    pub waitlist: &'static str,
    /// Before my waitlist position.
    pub waitlist_pos_1: &'static str,
    /// After my waitlist position.
    pub waitlist_pos_2: &'static str,
    /// Label: the team.
    pub team: &'static str,
    /// Label: when.
    pub when: &'static str,
    /// Label: where.
    pub where_: &'static str,
    /// Label: the organiser.
    pub organiser: &'static str,
    /// Label: the skills that help.
    pub skills: &'static str,
    /// Heading: my sign-up.
    pub my_signup: &'static str,
    /// I have not signed up.
    pub not_signed_up: &'static str,
    /// Label: check-in time.
    pub checked_in_at: &'static str,
    /// Label: check-out time.
    pub checked_out_at: &'static str,
    /// Label: the minutes counted.
    pub minutes_label: &'static str,
    /// Label: when the hours were confirmed.
    pub confirmed_at: &'static str,
    /// Button: sign up.
    pub sign_up: &'static str,
    /// Button: withdraw.
    pub withdraw: &'static str,
    /// The question before withdrawing.
    pub withdraw_confirm: &'static str,
    /// Toast: signed up with a seat.
    pub seated_ok: &'static str,
    /// Toast: on the waitlist.
    pub waitlisted_ok: &'static str,
    /// Toast: withdrawn.
    pub withdrawn_ok: &'static str,
    /// Link to the organiser's page.
    pub organise: &'static str,
    /// Heading of the scan page.
    pub scan_title: &'static str,
    /// How to check in.
    pub scan_hint: &'static str,
    /// Button: scan with the camera.
    pub camera: &'static str,
    /// The camera could not be used.
    pub camera_failed: &'static str,
    /// A QR code that is not a check-in code.
    pub not_our_code: &'static str,
    /// Label: the activity.
    pub activity: &'static str,
    /// Error: no activity chosen.
    pub choose_activity: &'static str,
    /// Label: the six digits.
    pub code_label: &'static str,
    /// Error: not six digits.
    pub code_rule: &'static str,
    /// Button: send the code.
    pub scan_submit: &'static str,
    /// After checking in, before the time.
    pub checked_in_ok: &'static str,
    /// After checking out, before the time.
    pub checked_out_ok: &'static str,
    /// Before the minutes served.
    pub served: &'static str,
    /// Label: the balance.
    pub balance: &'static str,
    /// Label: the minutes held in escrow.
    pub held: &'static str,
    /// Label: lifetime hours.
    pub lifetime: &'static str,
    /// After the star count.
    pub star_level: &'static str,
    /// Before the minutes to the next star.
    pub next_star_1: &'static str,
    /// Between the minutes and the next star.
    pub next_star_2: &'static str,
    /// After the next star's number.
    pub star_unit: &'static str,
    /// At five stars.
    pub top_star: &'static str,
    /// Before the cap.
    pub cap_1: &'static str,
    /// After the cap.
    pub cap_2: &'static str,
    /// Heading: the ledger.
    pub ledger: &'static str,
    /// No movement yet.
    pub no_ledger: &'static str,
    /// Before the balance after a movement.
    pub balance_after: &'static str,
    /// Heading and link: family gifts.
    pub family_title: &'static str,
    /// What family gifts are.
    pub family_intro: &'static str,
    /// No family link.
    pub no_family: &'static str,
    /// A link I made.
    pub named_by_me: &'static str,
    /// A link naming me.
    pub named_me: &'static str,
    /// An accepted link.
    pub link_accepted: &'static str,
    /// A link waiting for the relative.
    pub link_waiting: &'static str,
    /// Button: accept a link.
    pub accept: &'static str,
    /// Button: remove a link.
    pub remove: &'static str,
    /// Toast: accepted.
    pub accepted_ok: &'static str,
    /// Toast: removed.
    pub removed_ok: &'static str,
    /// Heading: giving hours.
    pub gift_title: &'static str,
    /// Before what may still be given today.
    pub gift_left: &'static str,
    /// Label: to whom.
    pub gift_to: &'static str,
    /// Label: how many minutes.
    pub gift_minutes: &'static str,
    /// Label: a note.
    pub gift_note: &'static str,
    /// Button: give.
    pub give: &'static str,
    /// Error: no relative or no minutes.
    pub gift_rule: &'static str,
    /// Toast before the minutes given.
    pub gift_ok: &'static str,
    /// Heading and button: name a relative.
    pub name_relative: &'static str,
    /// Label: the relative's phone.
    pub relative_phone: &'static str,
    /// Label: the relation.
    pub relation: &'static str,
    /// Label: a parent's date of birth.
    pub birth_date: &'static str,
    /// Error: a parent without a date of birth.
    pub birth_needed: &'static str,
    /// The parent's age rule.
    pub parent_rule: &'static str,
    /// Toast: named.
    pub named_ok: &'static str,
    /// Heading and link: my service record.
    pub record_title: &'static str,
    /// What the record is.
    pub record_intro: &'static str,
    /// Label: the holder.
    pub holder: &'static str,
    /// Label: total hours.
    pub total_hours: &'static str,
    /// Label: the number of services.
    pub services: &'static str,
    /// Button: the CSV.
    pub download_csv: &'static str,
    /// The CSV's file name.
    pub csv_name: &'static str,
    /// Button: issue a certificate.
    pub issue_certificate: &'static str,
    /// No service yet.
    pub no_record: &'static str,
    /// A service that was an activity.
    pub source_activity: &'static str,
    /// A service that was a wish.
    pub source_wish: &'static str,
    /// Label: who recorded it.
    pub recorded_by: &'static str,
    /// Heading of the certificate.
    pub certificate_title: &'static str,
    /// The certificate's first line.
    pub certificate_lead: &'static str,
    /// Label: the issue date.
    pub issued_on: &'static str,
    /// Label: the number.
    pub certificate_no: &'static str,
    /// The QR code's accessible name.
    pub verify_qr: &'static str,
    /// How to check it.
    pub verify_hint: &'static str,
    /// Button: print on A4.
    pub print_a4: &'static str,
    /// Button: print on A5.
    pub print_a5: &'static str,
    /// Heading: teams.
    pub teams_title: &'static str,
    /// What a team is.
    pub teams_intro: &'static str,
    /// No team.
    pub no_teams: &'static str,
    /// After a count of people.
    pub people: &'static str,
    /// Label: the leaders.
    pub leaders: &'static str,
    /// Button: ask to join.
    pub join: &'static str,
    /// Toast: asked.
    pub join_sent: &'static str,
    /// Button: leave.
    pub leave: &'static str,
    /// Toast: left.
    pub left_ok: &'static str,
    /// Badge: asked to join.
    pub role_pending: &'static str,
    /// Badge: member.
    pub role_member: &'static str,
    /// Badge: leader.
    pub role_leader: &'static str,
    /// Heading: members.
    pub members: &'static str,
    /// Heading: requests to join.
    pub pending_requests: &'static str,
    /// Button: approve a request.
    pub approve: &'static str,
    /// Button: refuse a request.
    pub refuse: &'static str,
    /// Toast: approved.
    pub approved_ok: &'static str,
    /// Toast: refused.
    pub refused_ok: &'static str,
    /// Heading: the team's activities.
    pub team_activities: &'static str,
    /// Heading and link: publish an activity.
    pub new_activity: &'static str,
    /// Label: an activity's title.
    pub activity_title: &'static str,
    /// Label: the address.
    pub address: &'static str,
    /// Label: the start.
    pub starts: &'static str,
    /// Label: the end.
    pub ends: &'static str,
    /// Label: the seats.
    pub capacity: &'static str,
    /// Label: optional skills.
    pub skills_optional: &'static str,
    /// Button: publish.
    pub publish: &'static str,
    /// Toast: published.
    pub published_ok: &'static str,
    /// Error: a required field is empty.
    pub fill_required: &'static str,
    /// Error: the times are not in order.
    pub bad_times: &'static str,
    /// Error: the seats.
    pub bad_capacity: &'static str,
    /// Heading: the check-in code.
    pub code_title: &'static str,
    /// The check-in QR code's accessible name.
    pub code_qr: &'static str,
    /// Before the seconds until the code changes.
    pub refresh_1: &'static str,
    /// After the seconds.
    pub refresh_2: &'static str,
    /// Heading: the roster.
    pub roster: &'static str,
    /// Nobody signed up.
    pub no_roster: &'static str,
    /// Before the attendance span.
    pub attended: &'static str,
    /// Not checked in.
    pub not_checked_in: &'static str,
    /// Badge: hours confirmed.
    pub confirmed: &'static str,
    /// Button: mark attendance by hand.
    pub mark: &'static str,
    /// Toast: marked.
    pub marked_ok: &'static str,
    /// What confirming does.
    pub confirm_hint: &'static str,
    /// Button: confirm hours.
    pub confirm_hours: &'static str,
    /// Toast before the count.
    pub confirmed_1: &'static str,
    /// Toast after the count.
    pub confirmed_2: &'static str,
    /// Button: cancel the activity.
    pub cancel_activity: &'static str,
    /// The question before cancelling.
    pub cancel_confirm: &'static str,
    /// Toast: cancelled.
    pub cancelled_ok: &'static str,
    /// Link to the activity's own page.
    pub activity_page: &'static str,
}

/// The catalogue of the volunteer pages.
pub const VOL: &VolunteerMessages = &zh_cn::VOL;
