//! The figures bundle's text (统计, docs/FIGURES.md), in a catalogue apart from [`super::Messages`]
//! (which every bundle carries whole), so that no other bundle carries it (the desks' links to
//! these pages are [`super::DESK`]'s).

mod zh_cn;

/// The text of the figures pages.
pub struct FigureMessages {
    /// The figures page's heading.
    pub title: &'static str,
    /// The desks' link to the figures page.
    pub nav: &'static str,
    /// Heading and link: a member's own figures.
    pub mine_title: &'static str,
    /// Label of the place picker.
    pub place: &'static str,
    /// Label of the caller's own places.
    pub top_places: &'static str,
    /// Label of the places under the current one.
    pub below: &'static str,
    /// The empty choice of the places below.
    pub pick_below: &'static str,
    /// Before the trail of places above the current one.
    pub up: &'static str,
    /// Label: the first month.
    pub from: &'static str,
    /// Label: the last month.
    pub to: &'static str,
    /// Button: show the chosen range.
    pub apply: &'static str,
    /// The range is out of order.
    pub bad_range: &'static str,
    /// Before the first day shown.
    pub range_1: &'static str,
    /// Between the first and last day.
    pub range_2: &'static str,
    /// Heading of the totals.
    pub totals: &'static str,
    /// Heading of the charts.
    pub charts: &'static str,
    /// Heading of the table.
    pub table: &'static str,
    /// Under the charts: where their numbers are.
    pub table_note: &'static str,
    /// Column: the month.
    pub month: &'static str,
    /// Row: the whole range.
    pub total: &'static str,
    /// Wishes posted.
    pub posted: &'static str,
    /// Wishes taken.
    pub claimed: &'static str,
    /// Wishes reported done.
    pub fulfilled: &'static str,
    /// Wishes confirmed.
    pub confirmed: &'static str,
    /// Share confirmed automatically.
    pub auto_share: &'static str,
    /// Claims given back.
    pub released: &'static str,
    /// Claims that ran out.
    pub expired: &'static str,
    /// Median time to claim.
    pub claim_p50: &'static str,
    /// 90th percentile time to claim.
    pub claim_p90: &'static str,
    /// Median time to confirmation.
    pub confirm_p50: &'static str,
    /// Average rating.
    pub rating: &'static str,
    /// Ratings given.
    pub ratings: &'static str,
    /// Members' check-ins.
    pub checkins: &'static str,
    /// Service time credited.
    pub service: &'static str,
    /// Work orders: 响应率.
    pub response_rate: &'static str,
    /// Work orders: on time.
    pub on_time_rate: &'static str,
    /// Work orders: 解决率.
    pub solve_rate: &'static str,
    /// Work orders: 满意率.
    pub satisfaction_rate: &'static str,
    /// Property ratings given (红色物业).
    pub property_raters: &'static str,
    /// Their average stars.
    pub property_stars: &'static str,
    /// Their satisfaction.
    pub property_satisfaction: &'static str,
    /// Chart: posted, taken, confirmed per month.
    pub chart_wishes: &'static str,
    /// Chart: median time to claim.
    pub chart_claim: &'static str,
    /// Chart: average rating.
    pub chart_rating: &'static str,
    /// Chart: check-ins.
    pub chart_checkins: &'static str,
    /// Chart: service time, in hours.
    pub chart_service: &'static str,
    /// Chart: wishes a member took.
    pub chart_claimed: &'static str,
    /// Table caption, after the place's name.
    pub caption_2: &'static str,
    /// Heading: the members' workload.
    pub workload: &'static str,
    /// Distribution: before the active members.
    pub dist_1: &'static str,
    /// After the active members, before the takings.
    pub dist_2: &'static str,
    /// After the takings.
    pub dist_3: &'static str,
    /// After the members carrying half the load.
    pub dist_4: &'static str,
    /// Before the busiest tenth's share.
    pub dist_5: &'static str,
    /// After the share.
    pub dist_6: &'static str,
    /// Nobody took a wish.
    pub dist_none: &'static str,
    /// Column: the member.
    pub member: &'static str,
    /// Column: release rate.
    pub release_rate: &'static str,
    /// Column: expiry rate.
    pub expiry_rate: &'static str,
    /// Caption of the workload table.
    pub workload_caption: &'static str,
    /// Before how many members had activity.
    pub more_1: &'static str,
    /// Between that and how many are listed.
    pub more_2: &'static str,
    /// After how many are listed.
    pub more_3: &'static str,
    /// No member had activity.
    pub no_members: &'static str,
    /// Caption of my monthly table.
    pub mine_caption: &'static str,
    /// Unit: seconds.
    pub seconds: &'static str,
    /// Unit: minutes (alone).
    pub minutes: &'static str,
    /// Unit: minutes after hours.
    pub minutes_short: &'static str,
    /// Unit: hours.
    pub hours: &'static str,
    /// Unit: days.
    pub days: &'static str,
    /// No value.
    pub none: &'static str,
    /// Who may see a place's figures.
    pub mine_hint: &'static str,
}

/// The catalogue the pages read.
pub const FIG: &FigureMessages = &zh_cn::FIG;
