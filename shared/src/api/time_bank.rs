//! The time bank (时间银行): balances, the ledger, gifts to family, hours minted into a
//! community's pool, service records and certificates. Amounts are integer minutes. The rules are
//! in docs/TIME-BANK.md.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use super::PersonRef;

/// `GET /api/v1/me/time-bank`: the caller's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TimeBankSummary {
    /// What the caller may spend or give, in minutes.
    pub balance_minutes: i64,
    /// Held in escrow for the caller's live paid wishes.
    pub held_minutes: i64,
    /// Everything ever earned by service (wishes and activities), the star level's measure.
    pub lifetime_minutes: i64,
    /// 0–5.
    pub star: u8,
    /// Lifetime minutes needed for the next star; `null` at five stars.
    #[serde(default)]
    pub next_star_minutes: Option<i64>,
    /// The most an account may hold.
    pub cap_minutes: i64,
    /// What the caller may still give to family today.
    pub gift_left_today_minutes: i64,
}

/// Why minutes moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransferKind {
    /// An admin issued hours into a community's pool.
    Mint,
    /// A confirmed wish credited its member.
    WishCredit,
    /// A confirmed activity credited a participant.
    ActivityCredit,
    /// A resident's paid wish: the price held in escrow.
    EscrowHold,
    /// A paid wish confirmed: the escrow paid to the member.
    EscrowPay,
    /// A paid wish cancelled or refused: the escrow returned.
    EscrowReturn,
    /// A gift to family.
    Gift,
    /// A correction: the reverse of an earlier transfer.
    Reversal,
}

impl TransferKind {
    /// The wire and database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mint => "mint",
            Self::WishCredit => "wish_credit",
            Self::ActivityCredit => "activity_credit",
            Self::EscrowHold => "escrow_hold",
            Self::EscrowPay => "escrow_pay",
            Self::EscrowReturn => "escrow_return",
            Self::Gift => "gift",
            Self::Reversal => "reversal",
        }
    }

    /// Parses the wire and database spelling.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Mint,
            Self::WishCredit,
            Self::ActivityCredit,
            Self::EscrowHold,
            Self::EscrowPay,
            Self::EscrowReturn,
            Self::Gift,
            Self::Reversal,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// The Chinese name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Self::Mint => "发放时长",
            Self::WishCredit => "心愿服务",
            Self::ActivityCredit => "志愿活动",
            Self::EscrowHold => "心愿预付",
            Self::EscrowPay => "心愿支付",
            Self::EscrowReturn => "预付退回",
            Self::Gift => "亲情转赠",
            Self::Reversal => "冲正",
        }
    }
}

/// One movement on the caller's account (`GET /api/v1/me/time-bank/ledger`), newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LedgerEntry {
    /// The movement's id.
    pub id: String,
    /// The transfer it belongs to.
    pub transfer_id: String,
    /// When.
    pub at: String,
    /// Signed: positive in, negative out.
    pub minutes: i64,
    /// The balance after it.
    pub balance_after: i64,
    /// Why.
    pub kind: TransferKind,
    /// What it was for, as a person reads it (the wish's or activity's title, the gift's note).
    pub memo: String,
    /// The other side: a person, a team, a community's pool, the district's issue account.
    pub counterparty: String,
    /// The wish, for wish credits and escrow.
    #[serde(default)]
    pub wish_id: Option<String>,
    /// The activity, for activity credits.
    #[serde(default)]
    pub activity_id: Option<String>,
}

/// A family relation hours may be given along.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Husband or wife.
    Spouse,
    /// Father or mother, aged 60 or over on the day of a gift.
    Parent,
}

impl Relation {
    /// The wire and database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Spouse => "spouse",
            Self::Parent => "parent",
        }
    }

    /// Parses the wire and database spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "spouse" => Some(Self::Spouse),
            "parent" => Some(Self::Parent),
            _ => None,
        }
    }

    /// The Chinese name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Self::Spouse => "配偶",
            Self::Parent => "父母",
        }
    }
}

/// `POST /api/v1/me/family`: name a relative, who must accept before gifts can flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddFamilyRequest {
    /// The relative's registered phone number.
    pub phone: String,
    /// What they are to the caller.
    pub relation: Relation,
    /// A parent's date of birth (`YYYY-MM-DD`); required for `parent`.
    #[serde(default)]
    pub birth_date: Option<String>,
}

/// A family link, from the caller's side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FamilyLink {
    /// The id.
    pub id: String,
    /// The relative (name only).
    pub person: PersonRef,
    /// What the relative is to the one who named them.
    pub relation: Relation,
    /// Whether the caller named them (`true`) or was named (`false`).
    pub named_by_me: bool,
    /// Whether the named relative accepted.
    pub accepted: bool,
    /// When it was named.
    pub created_at: String,
}

/// `POST /api/v1/me/time-bank/gifts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GiftRequest {
    /// An accepted family link of the caller's (`GET /api/v1/me/family`).
    pub family_id: String,
    /// 1–6,000,000, within the caller's balance, the daily limit and the receiver's cap.
    pub minutes: i64,
    /// 1–100 characters, if given.
    #[serde(default)]
    pub note: Option<String>,
}

/// A transfer as its maker reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Transfer {
    /// The id.
    pub id: String,
    /// Why.
    pub kind: TransferKind,
    /// How many minutes moved.
    pub minutes: i64,
    /// When.
    pub at: String,
    /// What it was for.
    pub memo: String,
}

/// `POST /api/v1/admin/time-bank/mint`: issue hours into a community's pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MintRequest {
    /// The community whose pool receives them.
    pub community_id: String,
    /// 1–6,000,000 minutes.
    pub minutes: i64,
    /// 1–500 characters: why (a budget line, a decision).
    pub reason: String,
}

/// `POST /api/v1/admin/time-bank/reversals`: reverse an earlier transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReversalRequest {
    /// The transfer to reverse (once only; escrow holds are settled by their wish, not reversed).
    pub transfer_id: String,
    /// 1–500 characters.
    pub reason: String,
}

/// `GET /api/v1/communities/{id}/time-bank`: a community's pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PoolSummary {
    /// The community.
    pub community_id: String,
    /// What the pool still holds.
    pub balance_minutes: i64,
    /// Everything minted into it.
    pub minted_minutes: i64,
    /// Everything it paid out in credits.
    pub credited_minutes: i64,
}

/// `GET /api/v1/admin/time-bank/check`: the ledger's invariant, checked in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LedgerCheck {
    /// Whether every invariant holds.
    pub ok: bool,
    /// How many accounts.
    pub accounts: i64,
    /// How many transfers.
    pub transfers: i64,
    /// How many movements.
    pub movements: i64,
    /// The sum of all balances (0 when sound).
    pub balance_sum: i64,
    /// Accounts whose balance differs from the sum of their movements (at most 100).
    pub mismatched_accounts: Vec<String>,
    /// Transfers whose movements do not sum to zero (at most 100).
    pub unbalanced_transfers: Vec<String>,
}

/// One service in a person's record (per the Ministry of Civil Affairs' 2021 rules on volunteer
/// service records): what, where, when, how long, who recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ServiceRecordEntry {
    /// The service (the wish's or activity's title).
    pub service: String,
    /// `wish` or `activity`.
    pub source: String,
    /// Where: the community (and address for an activity).
    pub place: String,
    /// When it started (RFC 3339).
    pub started_at: String,
    /// When it ended.
    pub ended_at: String,
    /// Minutes of service (travel not counted).
    pub minutes: i64,
    /// Who recorded it: the activity's organiser, or the community for a wish.
    pub recorded_by: String,
    /// When the hours were credited.
    pub credited_at: String,
}

/// `GET /api/v1/me/service-record`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ServiceRecord {
    /// The holder (full name: it is their own record).
    pub holder: PersonRef,
    /// Every service, newest first.
    pub items: Vec<ServiceRecordEntry>,
    /// Their sum.
    pub total_minutes: i64,
}

/// `POST /api/v1/me/certificates`: a certificate of the caller's service to date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Certificate {
    /// The signed certificate number.
    pub number: String,
    /// The holder's full name (the certificate is theirs).
    pub holder_name: String,
    /// Total minutes of service when issued.
    pub total_minutes: i64,
    /// How many services.
    pub services: i64,
    /// The date it was issued (`YYYY-MM-DD`, China time).
    pub issued_on: String,
    /// The public verification page.
    pub verify_url: String,
    /// The QR code of `verify_url`, as SVG.
    pub qr_svg: String,
}

/// `GET /api/v1/certificates/{number}` (public): what anyone checking a certificate may read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CertificateVerification {
    /// The number checked.
    pub number: String,
    /// Always `true` here: a forged or unknown number is 404.
    pub genuine: bool,
    /// The holder's name, masked (`张*三`).
    pub holder_name: String,
    /// Total minutes of service when issued.
    pub total_minutes: i64,
    /// The date it was issued.
    pub issued_on: String,
}
