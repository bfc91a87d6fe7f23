//! Who hears about a wish change, and what they read: the in-app notifications written with
//! each change (see `store::wechat::Notice`).
//!
//! The resident hears that their wish was approved, rejected, claimed (or accepted after a
//! dispatch) and fulfilled; the member that a wish was assigned to them or disputed; the
//! dispatchers of the community that a new wish waits for review. Nobody is told of their own act.
//! Statuses are named as everywhere else (`haolin_shared::labels`).

use haolin_shared::domain::{WishAction, WishStatus};
use haolin_shared::labels::Label;

use crate::store::WishRecord;
use chrono::Utc;
use serde_json::{Map, Value, json};

use crate::settings::WechatSettings;
use crate::store::wechat::{Notice, OutboxMessage, Recipient};

/// The notice to the community's dispatchers about a wish just posted (`flagged`: the content
/// safety check asked for a review).
pub fn for_post(community_id: i64, title: &str, posted_by: i64, flagged: bool) -> Vec<Notice> {
    vec![Notice {
        to: Recipient::Dispatchers { community_id, except: Some(posted_by) },
        kind: "wish_pending_review",
        title: format!("新心愿「{title}」{}", WishStatus::PendingReview.label()),
        body: if flagged { "内容安全检查建议人工复核".to_owned() } else { String::new() },
        message: None,
    }]
}

/// The notices about `action` on `wish` (as it was before), taken by `actor_id`, moving the wish
/// to be held by `member_after`; `text` is the reason or note given.
pub fn for_transition(
    wish: &WishRecord,
    action: WishAction,
    actor_id: Option<i64>,
    member_after: Option<i64>,
    text: Option<&str>,
) -> Vec<Notice> {
    let title = &wish.title;
    let body = text.unwrap_or_default().to_owned();
    let resident = Recipient::User(wish.resident_id);
    let (to, kind, summary) = match action {
        WishAction::Approve => (resident, "wish_approved", format!("您的心愿「{title}」已通过审核")),
        WishAction::Reject => {
            (resident, "wish_rejected", format!("您的心愿「{title}」{}审核", WishStatus::Rejected.label()))
        }
        WishAction::Claim | WishAction::Accept => {
            (resident, "wish_claimed", format!("您的心愿「{title}」已有党员接单"))
        }
        // "已完成" is the name of a confirmed wish; a fulfilled one still waits for the resident.
        WishAction::Fulfil => (resident, "wish_fulfilled", format!("党员已办完您的心愿「{title}」，请确认并评价")),
        WishAction::Dispatch => match member_after {
            Some(member) => {
                (Recipient::User(member), "wish_assigned", format!("您被指派了心愿「{title}」，请接受或婉拒"))
            }
            None => return Vec::new(),
        },
        WishAction::Dispute => match wish.member_id {
            Some(member) => {
                (Recipient::User(member), "wish_disputed", format!("居民对心愿「{title}」的完成情况有异议"))
            }
            None => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    if matches!(to, Recipient::User(id) if Some(id) == actor_id) {
        return Vec::new();
    }
    vec![Notice { to, kind, title: summary, body, message: None }]
}

/// The reminder to a member that their claim on `title` expires within the hour.
pub fn claim_expiring(member_id: i64, title: &str) -> Notice {
    Notice {
        to: Recipient::User(member_id),
        kind: "claim_expiring",
        title: format!("您认领的心愿「{title}」将在一小时内到期"),
        body: String::new(),
        message: None,
    }
}

/// How long before a claim's deadline its member is reminded.
pub const CLAIM_REMINDER_BEFORE: chrono::Duration = chrono::Duration::hours(1);

/// Reminds members whose claim expires within the hour, once per claim deadline (several
/// instances running this at once write each reminder once); returns how many were written.
pub async fn remind_expiring_claims(state: &crate::state::AppState) -> Result<usize, crate::store::StoreError> {
    let now = chrono::Utc::now();
    let due = state.store.expiring_claims(now + CLAIM_REMINDER_BEFORE, 200).await?;
    let mut written = 0;
    for claim in due {
        let notice = claim_expiring(claim.member_id, &claim.title);
        let notice = with_messages(&state.settings.wechat, vec![notice], Some(claim.wish_id), &claim.title)
            .pop()
            .ok_or_else(|| crate::store::StoreError::Other(sqlx::Error::RowNotFound))?;
        if state.store.remind_claim(&claim, &notice, now).await? {
            written += 1;
        }
    }
    Ok(written)
}

/// The longest value of each template field type WeChat accepts, in characters.
fn field_limit(key: &str) -> Option<usize> {
    let kind = key.trim_end_matches(|c: char| c.is_ascii_digit());
    match kind {
        "thing" => Some(20),
        "character_string" => Some(32),
        "name" => Some(10),
        "phrase" => Some(5),
        "number" | "letter" | "symbol" => Some(32),
        _ => None,
    }
}

/// Cuts `value` to what the template field `key` accepts (`thing` fields: 20 characters).
pub fn fit_field(key: &str, value: &str) -> String {
    match field_limit(key) {
        Some(max) => value.chars().take(max).collect(),
        None => value.to_owned(),
    }
}

/// Adds the subscribe message to every notice whose kind has a template in the settings.
pub fn with_messages(
    settings: &WechatSettings,
    notices: Vec<Notice>,
    wish_id: Option<i64>,
    wish_title: &str,
) -> Vec<Notice> {
    let page = match wish_id {
        Some(id) => format!("{}?id={id}", settings.page),
        None => settings.page.clone(),
    };
    attach(settings, notices, &page, wish_title)
}

/// The subscribe messages of notices about work order `order_id` (templates by notice kind, as
/// for wishes: `order_resolved`, `order_dispatched`, …; `wish_title` fills with the order's
/// title). The page opened is `wechat.order_page` with `?id=`.
pub fn with_order_messages(settings: &WechatSettings, notices: Vec<Notice>, order_id: i64, title: &str) -> Vec<Notice> {
    attach(settings, notices, &format!("{}?id={order_id}", settings.order_page), title)
}

/// The subscribe message of a notice's notification (template kind `notice_posted`; `wish_title`
/// fills with the notice's title). The page opened is `wechat.notice_page` with `?id=`
/// [`NOTICE_ID_SLOT`], which the posting transaction replaces with the notice's id.
pub fn notice_message(settings: &WechatSettings, notice: Notice, title: &str) -> Option<OutboxMessage> {
    attach(settings, vec![notice], &format!("{}?id={NOTICE_ID_SLOT}", settings.notice_page), title).pop()?.message
}

/// Where a notice's subscribe message names the notice's id before it is known.
pub const NOTICE_ID_SLOT: &str = "{notice_id}";

fn attach(settings: &WechatSettings, mut notices: Vec<Notice>, page: &str, wish_title: &str) -> Vec<Notice> {
    // China Standard Time, as people read it.
    let now = (Utc::now() + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string();
    for notice in &mut notices {
        let Some(template) = settings.templates.get(notice.kind) else { continue };
        let defaults = [("thing1", "wish_title"), ("thing2", "summary"), ("time3", "time")];
        let fields: Vec<(String, String)> = if template.fields.is_empty() {
            defaults.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
        } else {
            let mut f: Vec<_> = template.fields.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            f.sort();
            f
        };
        let mut data = Map::new();
        for (key, source) in fields {
            let value = match source.as_str() {
                "wish_title" => wish_title.to_owned(),
                "summary" => notice.title.clone(),
                "body" if notice.body.is_empty() => "-".to_owned(),
                "body" => notice.body.clone(),
                "time" => now.clone(),
                literal => literal.to_owned(),
            };
            data.insert(key.clone(), json!({ "value": fit_field(&key, &value) }));
        }
        let payload = json!({ "data": Value::Object(data), "page": page });
        notice.message = Some(OutboxMessage { template_id: template.id.clone(), payload: payload.to_string() });
    }
    notices
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thing_fields_are_cut_to_twenty_characters_and_others_by_their_own_limit() {
        let long = "一二三四五六七八九十一二三四五六七八九十一二三";
        assert_eq!(fit_field("thing1", long).chars().count(), 20);
        assert_eq!(fit_field("thing12", "短"), "短");
        assert_eq!(fit_field("phrase3", "已通过审核了").chars().count(), 5);
        assert_eq!(fit_field("time4", "2026-11-28 20:00"), "2026-11-28 20:00");
    }

    #[test]
    fn a_template_turns_a_notice_into_a_message_with_the_default_fields() {
        let mut settings_templates = std::collections::HashMap::new();
        settings_templates.insert(
            "wish_approved".to_owned(),
            crate::settings::TemplateSettings { id: "tmpl".into(), fields: Default::default() },
        );
        let settings = WechatSettings {
            timeout: std::time::Duration::from_secs(1),
            token_wait: std::time::Duration::from_secs(1),
            token_margin: std::time::Duration::from_secs(60),
            templates: settings_templates,
            page: "pages/wish".into(),
            order_page: "pages/order".into(),
            notice_page: "pages/notice".into(),
            miniprogram_state: "formal".into(),
            outbox_interval: std::time::Duration::from_secs(1),
            outbox_backoff: std::time::Duration::from_secs(1),
            outbox_max_attempts: 3,
            content_check: false,
            content_check_fail_open: true,
        };
        let notice = Notice {
            to: Recipient::User(1),
            kind: "wish_approved",
            title: "您的心愿已通过审核".into(),
            body: String::new(),
            message: None,
        };
        let other = Notice { kind: "wish_rejected", ..notice.clone() };
        let out = with_messages(&settings, vec![notice, other], Some(7), "帮忙买菜");
        let message = out[0].message.as_ref().map(|m| (m.template_id.clone(), m.payload.clone()));
        let (id, payload) = message.unwrap_or_default();
        assert_eq!(id, "tmpl");
        let payload: Value = serde_json::from_str(&payload).unwrap_or_default();
        assert_eq!(payload["page"], "pages/wish?id=7");
        assert_eq!(payload["data"]["thing1"]["value"], "帮忙买菜");
        assert!(payload["data"]["time3"]["value"].as_str().is_some_and(|t| t.len() == 16));
        assert!(out[1].message.is_none(), "no template, no message");
    }
}
