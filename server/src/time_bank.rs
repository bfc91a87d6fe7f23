//! The time bank's rules (docs/TIME-BANK.md): what a wish's change settles in the ledger, gifts to
//! family, hours minted into a pool, reversals, the invariant check, and what a person reads of
//! their account. The ledger's writes are `store::time_bank`; certificates and the signed codes
//! are in `time_bank/certificates.rs` and `time_bank/codes.rs`.

pub mod certificates;
pub mod codes;

use chrono::{DateTime, NaiveDate, Utc};
use haolin_shared::api::{
    AddFamilyRequest, AuditAction, AuditTargetKind, ErrorCode, FamilyLink, GiftRequest, LedgerCheck, LedgerEntry,
    MintRequest, Page, PersonRef, PoolSummary, Relation, ReversalRequest, Role, TimeBankSummary, Transfer,
    TransferKind,
};
use haolin_shared::domain::calendar::{shanghai_date, shanghai_instant};
use haolin_shared::domain::time_bank::{next_star_minutes, star_level};
use haolin_shared::domain::{PhoneNumber, Reason, WishAction, WishStatus};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{decode_cursor, encode_cursor, field_id};
use crate::state::AppState;
use crate::store::WishRecord;
use crate::store::time_bank::{
    Account, CapRule, Earns, FamilyRecord, LedgerRow, NewTransfer, Posted, Refusal, TransferRecord, WishSettlement,
};

/// The key of the time bank's signatures (check-in codes, certificate numbers), derived from the
/// token secret so every instance agrees.
pub struct Signer {
    key: [u8; 32],
}

impl Signer {
    /// The signer for the server secret `secret`.
    pub fn new(secret: &[u8]) -> Self {
        Self { key: Sha256::new().chain_update(b"haolin time bank\0").chain_update(secret).finalize().into() }
    }

    /// HMAC-SHA256 of `message`.
    pub fn mac(&self, message: &str) -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!("any key length"));
        mac.update(message.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

/// The most minutes one gift or mint may move (100,000 hours).
pub const MAX_MINUTES: i64 = 6_000_000;

/// The answer to a refused transfer.
pub fn refusal(refused: Refusal) -> ApiError {
    match refused {
        Refusal::Insufficient { balance } => {
            ApiError::new(ErrorCode::InsufficientHours, format!("时长余额不足（现有 {}）", minutes_text(balance)))
        }
        Refusal::OverCap { room } => {
            let mut e = ApiError::new(
                ErrorCode::HoursLimitReached,
                format!("对方的时长已接近上限，最多还能接收 {}", minutes_text(room)),
            );
            e.details.max = u32::try_from(room).ok();
            e
        }
        Refusal::DailyLimit { left } => {
            let mut e = ApiError::new(
                ErrorCode::HoursLimitReached,
                format!("超过每日转赠上限，今天还能转赠 {}", minutes_text(left)),
            );
            e.details.max = u32::try_from(left).ok();
            e
        }
        Refusal::Duplicate => ApiError::new(ErrorCode::AlreadyExists, "这笔时长已经记过账"),
        Refusal::Nothing => ApiError::new(ErrorCode::HoursLimitReached, "对方的时长已达上限"),
    }
}

fn minutes_text(m: i64) -> String {
    haolin_shared::domain::time_bank::format_minutes(m)
}

use crate::views::rfc3339;

/// The start of today in China, as an instant.
pub fn china_day_start(now: DateTime<Utc>) -> DateTime<Utc> {
    let ms = shanghai_instant(shanghai_date(now.timestamp_millis()), 0);
    DateTime::from_timestamp_millis(ms).unwrap_or(now)
}

/// What a wish's change settles in the time bank, if anything: a confirmation credits the member
/// (or pays them from the resident's escrow); a refusal or cancellation of a paid wish refunds it.
pub fn settlement(state: &AppState, wish: &WishRecord, action: WishAction, next: WishStatus) -> Option<WishSettlement> {
    let settings = &state.settings.time_bank;
    match (action, next) {
        (WishAction::Confirm | WishAction::AutoConfirm, WishStatus::Confirmed) => {
            let member_id = wish.member_id?;
            Some(WishSettlement::Confirmed {
                member_id,
                resident_id: wish.resident_id,
                community_id: wish.community_id,
                minutes: wish.paid_minutes.unwrap_or(wish.credit_minutes),
                paid: wish.paid_minutes.is_some(),
                source: settings.credit_source,
                cap: settings.cap_minutes(),
                title: wish.title.clone(),
            })
        }
        (_, WishStatus::Rejected | WishStatus::Cancelled) => wish.paid_minutes.map(|minutes| WishSettlement::Refund {
            resident_id: wish.resident_id,
            minutes,
            title: wish.title.clone(),
        }),
        _ => None,
    }
}

/// The caller's account.
pub async fn summary(state: &AppState, caller: &Caller) -> Result<TimeBankSummary, ApiError> {
    let settings = &state.settings.time_bank;
    let now = Utc::now();
    let b = state.store.person_balance(caller.id(), china_day_start(now)).await?;
    Ok(TimeBankSummary {
        balance_minutes: b.balance,
        held_minutes: b.held,
        lifetime_minutes: b.earned,
        star: star_level(b.earned, &settings.star_hours),
        next_star_minutes: next_star_minutes(b.earned, &settings.star_hours),
        cap_minutes: settings.cap_minutes(),
        gift_left_today_minutes: (settings.gift_daily_minutes - b.gifted_today).max(0),
    })
}

fn counterparty(row: &LedgerRow) -> String {
    match (row.other_kind.as_str(), &row.other_name) {
        ("issue", _) => "区时间银行".to_owned(),
        ("pool", Some(place)) => format!("{place}时长池"),
        ("escrow", _) => "心愿预付（冻结）".to_owned(),
        (_, Some(name)) => name.clone(),
        _ => String::new(),
    }
}

/// A page of the caller's ledger, newest first.
pub async fn ledger(
    state: &AppState,
    caller: &Caller,
    cursor: Option<&str>,
    limit: u32,
) -> Result<Page<LedgerEntry>, ApiError> {
    let before = cursor.map(decode_cursor).transpose()?;
    let mut rows = state.store.ledger_page(caller.id(), before, limit + 1).await?;
    let next = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|r| encode_cursor(r.id))
    } else {
        None
    };
    let items = rows
        .iter()
        .map(|r| LedgerEntry {
            id: r.id.to_string(),
            transfer_id: r.transfer_id.to_string(),
            at: rfc3339(r.at),
            minutes: r.minutes,
            balance_after: r.balance_after,
            kind: r.kind,
            memo: r.memo.clone(),
            counterparty: counterparty(r),
            wish_id: r.wish_id.map(|id| id.to_string()),
            activity_id: r.activity_id.map(|id| id.to_string()),
        })
        .collect();
    Ok(Page { items, next_cursor: next })
}

fn family_view(caller: &Caller, f: &FamilyRecord) -> FamilyLink {
    let mine = f.user_id == caller.id();
    FamilyLink {
        id: f.id.to_string(),
        person: if mine {
            PersonRef { id: f.relative_id.to_string(), name: f.relative_name.clone() }
        } else {
            PersonRef { id: f.user_id.to_string(), name: f.user_name.clone() }
        },
        relation: Relation::parse(&f.relation).unwrap_or(Relation::Spouse),
        named_by_me: mine,
        accepted: f.accepted_at.is_some(),
        created_at: rfc3339(f.created_at),
    }
}

/// The family links the caller named or was named in.
pub async fn family(state: &AppState, caller: &Caller) -> Result<Vec<FamilyLink>, ApiError> {
    Ok(state.store.family_links(caller.id()).await?.iter().map(|f| family_view(caller, f)).collect())
}

fn age_on(birth: NaiveDate, day: NaiveDate) -> i32 {
    use chrono::Datelike;
    let mut age = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

fn china_today(now: DateTime<Utc>) -> NaiveDate {
    let d = shanghai_date(now.timestamp_millis());
    NaiveDate::from_ymd_opt(d.year, u32::from(d.month), u32::from(d.day)).unwrap_or_default()
}

/// Names a relative by their registered phone number.
pub async fn add_family(state: &AppState, caller: &Caller, req: &AddFamilyRequest) -> Result<FamilyLink, ApiError> {
    let phone = PhoneNumber::parse(&req.phone).map_err(|e| ApiError::invalid_field("phone", e.to_string()))?;
    let birth = match (req.relation, req.birth_date.as_deref()) {
        (Relation::Parent, None) => return Err(ApiError::invalid_field("birth_date", "请填写父母的出生日期")),
        (_, None) => None,
        (_, Some(raw)) => {
            let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
                .ok()
                .filter(|d| *d <= china_today(Utc::now()) && age_on(*d, china_today(Utc::now())) <= 130)
                .ok_or_else(|| ApiError::invalid_field("birth_date", "出生日期应为 YYYY-MM-DD 格式的过去日期"))?;
            Some(date.format("%Y-%m-%d").to_string())
        }
    };
    let relative = state
        .store
        .user_by_phone(phone.as_str())
        .await?
        .map(|u| u.id)
        .ok_or_else(|| ApiError::invalid_field("phone", "该手机号尚未注册好邻"))?;
    if relative == caller.id() {
        return Err(ApiError::invalid_field("phone", "不能添加自己"));
    }
    let id = state
        .store
        .add_family(caller.id(), relative, req.relation.as_str(), birth.as_deref(), Utc::now())
        .await
        .map_err(|e| match e {
        crate::store::StoreError::AlreadyExists(_) => ApiError::new(ErrorCode::AlreadyExists, "已添加过这位家人"),
        other => other.into(),
    })?;
    let link = state.store.family_link(id).await?.ok_or_else(ApiError::internal)?;
    Ok(family_view(caller, &link))
}

/// The named relative accepts a link.
pub async fn accept_family(state: &AppState, caller: &Caller, id: i64) -> Result<FamilyLink, ApiError> {
    let link = state.store.family_link(id).await?.filter(|f| f.user_id == caller.id() || f.relative_id == caller.id());
    let link = link.ok_or_else(ApiError::not_found)?;
    if link.relative_id != caller.id() {
        return Err(ApiError::new(ErrorCode::Forbidden, "需要由对方确认"));
    }
    if link.accepted_at.is_none() {
        state.store.accept_family(id, caller.id(), Utc::now()).await?;
    }
    let link = state.store.family_link(id).await?.ok_or_else(ApiError::not_found)?;
    Ok(family_view(caller, &link))
}

/// Either side removes a link.
pub async fn remove_family(state: &AppState, caller: &Caller, id: i64) -> Result<(), ApiError> {
    if state.store.remove_family(id, caller.id()).await? { Ok(()) } else { Err(ApiError::not_found()) }
}

fn transfer_view(kind: TransferKind, posted: &Posted, memo: &str) -> Transfer {
    Transfer { id: posted.id.to_string(), kind, minutes: posted.minutes, at: rfc3339(posted.at), memo: memo.to_owned() }
}

/// Gives minutes to family along an accepted link the caller named.
pub async fn gift(state: &AppState, caller: &Caller, req: &GiftRequest) -> Result<Transfer, ApiError> {
    let settings = &state.settings.time_bank;
    let link_id = field_id("family_id", &req.family_id)?;
    if !(1..=MAX_MINUTES).contains(&req.minutes) {
        return Err(ApiError::invalid_field("minutes", "转赠时长须为 1 到 6,000,000 分钟"));
    }
    let note = req.note.as_deref().map(|n| crate::volunteers::text("note", n, 100, false)).transpose()?;
    let link = state
        .store
        .family_link(link_id)
        .await?
        .filter(|f| f.user_id == caller.id())
        .ok_or_else(|| ApiError::invalid_field("family_id", "只能转赠给自己添加的家人"))?;
    if link.accepted_at.is_none() {
        return Err(ApiError::new(ErrorCode::InvalidState, "对方尚未确认家人关系，暂不能转赠"));
    }
    let now = Utc::now();
    if link.relation == Relation::Parent.as_str() {
        let old_enough = link
            .birth_date
            .as_deref()
            .and_then(|b| NaiveDate::parse_from_str(b, "%Y-%m-%d").ok())
            .is_some_and(|b| age_on(b, china_today(now)) >= 60);
        if !old_enough {
            return Err(ApiError::invalid_field("family_id", "只能转赠给年满 60 周岁的父母"));
        }
    }
    let memo = match note {
        Some(n) => format!("转赠给{}：{n}", link.relative_name),
        None => format!("转赠给{}", link.relative_name),
    };
    let (from, to) = (Account::Person(caller.id()), Account::Person(link.relative_id));
    let t = NewTransfer {
        actor_id: Some(caller.id()),
        cap: Some((settings.cap_minutes(), CapRule::Refuse)),
        ..NewTransfer::new(TransferKind::Gift, from, to, req.minutes, memo.clone())
    };
    let limit = Some((china_day_start(now), settings.gift_daily_minutes));
    let posted = state.store.post_alone(&t, None, limit).await?.map_err(refusal)?;
    Ok(transfer_view(TransferKind::Gift, &posted, &memo))
}

/// An admin issues hours into a community's pool.
pub async fn mint(state: &AppState, caller: &Caller, req: &MintRequest) -> Result<Transfer, ApiError> {
    caller.require_admin()?;
    let community = field_id("community_id", &req.community_id)?;
    if !is_community(state, community).await? {
        return Err(ApiError::invalid_field("community_id", "没有这个社区"));
    }
    if !(1..=MAX_MINUTES).contains(&req.minutes) {
        return Err(ApiError::invalid_field("minutes", "发放时长须为 1 到 6,000,000 分钟"));
    }
    let reason = Reason::parse(&req.reason).map_err(|e| ApiError::invalid_field("reason", e.to_string()))?;
    let memo = format!("发放：{}", reason.as_str());
    let t = NewTransfer {
        actor_id: Some(caller.id()),
        ..NewTransfer::new(TransferKind::Mint, Account::Issue, Account::Pool(community), req.minutes, memo.clone())
    };
    let entry = crate::audit::entry(
        caller,
        AuditAction::HoursMinted,
        AuditTargetKind::Transfer,
        None,
        serde_json::json!({ "community_id": req.community_id, "minutes": req.minutes, "reason": reason.as_str() }),
    );
    let posted = state.store.post_alone(&t, Some(&entry), None).await?.map_err(refusal)?;
    Ok(transfer_view(TransferKind::Mint, &posted, &memo))
}

async fn is_community(state: &AppState, id: i64) -> Result<bool, ApiError> {
    Ok(state
        .store
        .place(id)
        .await?
        .is_some_and(|p| p.level == haolin_shared::api::PlaceLevel::Community && p.retired_at.is_none()))
}

fn account_of(kind: &str, owner: i64) -> Option<Account> {
    match kind {
        "person" => Some(Account::Person(owner)),
        "escrow" => Some(Account::Escrow(owner)),
        "pool" => Some(Account::Pool(owner)),
        "issue" => Some(Account::Issue),
        _ => None,
    }
}

/// An admin reverses a transfer: the same minutes back, once.
pub async fn reverse(state: &AppState, caller: &Caller, req: &ReversalRequest) -> Result<Transfer, ApiError> {
    caller.require_admin()?;
    let id = field_id("transfer_id", &req.transfer_id)?;
    let reason = Reason::parse(&req.reason).map_err(|e| ApiError::invalid_field("reason", e.to_string()))?;
    let original: TransferRecord =
        state.store.transfer(id).await?.ok_or_else(|| ApiError::invalid_field("transfer_id", "没有这笔记录"))?;
    match original.kind {
        TransferKind::Reversal => {
            return Err(ApiError::invalid_field("transfer_id", "冲正记录不能再冲正，请另行发放"));
        }
        TransferKind::EscrowHold => {
            return Err(ApiError::invalid_field("transfer_id", "心愿预付随心愿结算或取消自动退回，不能冲正"));
        }
        _ => {}
    }
    let (Some(from), Some(to)) =
        (account_of(&original.to.0, original.to.1), account_of(&original.from.0, original.from.1))
    else {
        return Err(ApiError::internal());
    };
    let earns = match original.kind {
        TransferKind::WishCredit | TransferKind::ActivityCredit | TransferKind::EscrowPay => Earns::SenderGivesBack,
        _ => Earns::No,
    };
    let memo = format!("冲正：{}（{}）", original.memo, reason.as_str());
    let t = NewTransfer {
        wish_id: original.wish_id,
        activity_id: original.activity_id,
        reverses_id: Some(original.id),
        actor_id: Some(caller.id()),
        once_key: Some(format!("reversal:{}", original.id)),
        earns,
        ..NewTransfer::new(TransferKind::Reversal, from, to, original.minutes, memo.clone())
    };
    let entry = crate::audit::entry(
        caller,
        AuditAction::TransferReversed,
        AuditTargetKind::Transfer,
        Some(original.id),
        serde_json::json!({ "minutes": original.minutes, "reason": reason.as_str() }),
    );
    match state.store.post_alone(&t, Some(&entry), None).await? {
        Ok(posted) => Ok(transfer_view(TransferKind::Reversal, &posted, &memo)),
        Err(Refusal::Duplicate) => Err(ApiError::new(ErrorCode::AlreadyExists, "这笔记录已经冲正过")),
        Err(other) => Err(refusal(other)),
    }
}

/// The ledger's invariant, checked in full (admins).
pub async fn check(state: &AppState, caller: &Caller) -> Result<LedgerCheck, ApiError> {
    caller.require_admin()?;
    let f = state.store.check_ledger().await?;
    Ok(LedgerCheck {
        ok: f.balance_sum == 0 && f.mismatched.is_empty() && f.unbalanced.is_empty(),
        accounts: f.accounts,
        transfers: f.transfers,
        movements: f.movements,
        balance_sum: f.balance_sum,
        mismatched_accounts: f.mismatched.iter().map(i64::to_string).collect(),
        unbalanced_transfers: f.unbalanced.iter().map(i64::to_string).collect(),
    })
}

/// A community's pool (its dispatchers, admins).
pub async fn pool(state: &AppState, caller: &Caller, community: i64) -> Result<PoolSummary, ApiError> {
    if !is_community(state, community).await? || !caller.manages(community) {
        return Err(if caller.has_role(Role::Dispatcher) || caller.is_admin() {
            ApiError::not_found()
        } else {
            ApiError::forbidden()
        });
    }
    let (balance, minted, credited) = state.store.pool_summary(community).await?;
    Ok(PoolSummary {
        community_id: community.to_string(),
        balance_minutes: balance,
        minted_minutes: minted,
        credited_minutes: credited,
    })
}
