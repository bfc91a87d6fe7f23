//! Content safety: texts people write (wish titles and descriptions, fulfilment notes, comments)
//! pass WeChat's `wxa/msg_sec_check` (v2) when `wechat.content_check` is on.
//!
//! `risky` → 422 `content_risky` naming the field, and nothing is stored; `review` → stored, with
//! the wish flagged for its dispatchers; WeChat unavailable → accepted or refused (503) as
//! `wechat.content_check_fail_open` says. The v2 check is made on behalf of a mini-program user
//! (their `openid`), so it applies to authors with a WeChat identity; text from accounts without
//! one (the web app) is not sent.

use haolin_shared::api::ErrorCode;

use super::WechatError;
use crate::error::ApiError;
use crate::state::AppState;

/// `msg_sec_check` scene for comments and notes.
pub const SCENE_COMMENT: u8 = 2;
/// `msg_sec_check` scene for forum-like posts (wishes).
pub const SCENE_POST: u8 = 3;

/// Checks `texts` (`(field, text, scene)`) written by `user_id`; `Ok(true)` when one of them
/// must be reviewed by a dispatcher.
pub async fn check(state: &AppState, user_id: i64, texts: &[(&str, &str, u8)]) -> Result<bool, ApiError> {
    let settings = &state.settings.wechat;
    let (true, Some(client)) = (settings.content_check, state.wechat.as_deref()) else {
        return Ok(false);
    };
    if texts.iter().all(|(_, text, _)| text.trim().is_empty()) {
        return Ok(false);
    }
    let Some(openid) = state.store.wechat_openid(user_id).await? else {
        return Ok(false);
    };
    let mut review = false;
    for (field, text, scene) in texts.iter().filter(|(_, text, _)| !text.trim().is_empty()) {
        match client.check_text(&openid, text, *scene).await {
            Ok(suggest) if suggest == "risky" => {
                tracing::info!(user_id, field, "content refused by the safety check");
                let mut e = ApiError::new(ErrorCode::ContentRisky, "内容未通过安全检查，请修改后再提交");
                e.details.field = Some((*field).to_owned());
                return Err(e);
            }
            Ok(suggest) if suggest == "review" => review = true,
            Ok(_) => {}
            Err(e) if settings.content_check_fail_open => {
                tracing::warn!(error = %e, field, "content check unavailable; accepted (fail-open)");
            }
            Err(e) => return Err(unavailable(e)),
        }
    }
    Ok(review)
}

fn unavailable(e: WechatError) -> ApiError {
    tracing::warn!(error = %e, "content check unavailable; refused (fail-closed)");
    let mut err = ApiError::new(ErrorCode::WechatUnavailable, "内容安全检查暂时不可用，请稍后再试");
    err.retry_after = Some(5);
    err
}
