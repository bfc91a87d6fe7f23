//! The permission matrix: every operation of the OpenAPI document, called as each role on an
//! object that role must not touch, with the answer the contract gives (API.md,
//! docs/CONTRACT-NOTES.md), and as the rightful caller on the same object (positive control).
//! An operation of the document without a line in [`table`] fails the test with its name, so no
//! route is added without deciding who may call it. No answer to a caller may hold the phone
//! number of a resident that caller may not reach.
//!
//! # The table
//! One line per operation and object: `line(METHOD, PATH, OBJECT, BODY, EXPECT)`.
//! - `PATH` is the document's path; its `{…}` parameters are filled, in order, with the ids the
//!   `OBJECT` ([`Obj`]) makes (a fresh object for each line).
//! - `BODY` is JSON text (`""` for none; `csv:` then the text for a CSV body) in which `{C}` (the
//!   community), `{D}` (another community), `{grid}`, `{unit}`, `{street}`, `{A}`, `{B}`, `{m}` (the
//!   residents' and the member's ids), `{o0}`, `{o1}` (the object's ids), `{n}` (a fresh number),
//!   `{phone}` (a fresh phone number), `{fresh_phone}` (the phone of a freshly registered account),
//!   `{district}`, `{dept}` (the district, a department of it),
//!   `{refresh}` (a fresh account's refresh token), `{wx_login}` and `{wx_phone}` (fresh codes of
//!   the fake WeChat: a `wx.login()` code, a `getPhoneNumber` code) are replaced for each call;
//!   `{start}`, `{end}` (an activity's times, two days ahead) and `{checkin_code}` (the current
//!   check-in code of the object's activity, as its organiser B reads it) likewise.
//! - `EXPECT` is `role=answer` words: a status (`404`), `ok` (any 2xx) or `okp` (2xx, and the
//!   answer may show resident B's phone: the claimant). `*=` sets every role not named; anonymous
//!   is `401` unless named. Roles ([`Role`]): `anon`; `a`, `b` (residents; the objects are B's);
//!   `m` (a member of C, checked in and approved); `p` (a pending member of C); `fd` (a dispatcher
//!   of D); `gw` (the grid worker of C's grid); `hh` (the household head of B's unit); `adm`;
//!   `d`, `d2` (dispatchers of C).
//! - Refusals are called first, on one object; then each `ok` role, the first on the same object
//!   (so a refusal that changed it shows), the others on fresh ones.
//!
//! Lines call `GET /events/stream` reading only the status (it never ends), and a line with
//! [`Auth::Query`] sends the token as `?access_token=` instead of a header.

use std::collections::BTreeMap;

use haolin_tests::wechat_fake::FakeWechat;
use haolin_tests::{Actor, TestApp, spawn_app_with, str_of};
use reqwest::Method;
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    Anon,
    A,
    B,
    M,
    P,
    Fd,
    Gw,
    Hh,
    Adm,
    D,
    D2,
}

const ROLES: [Role; 11] =
    [Role::Anon, Role::A, Role::B, Role::M, Role::P, Role::Fd, Role::Gw, Role::Hh, Role::Adm, Role::D, Role::D2];

impl Role {
    fn parse(s: &str) -> Self {
        match s {
            "anon" => Self::Anon,
            "a" => Self::A,
            "b" => Self::B,
            "m" => Self::M,
            "p" => Self::P,
            "fd" => Self::Fd,
            "gw" => Self::Gw,
            "hh" => Self::Hh,
            "adm" => Self::Adm,
            "d" => Self::D,
            "d2" => Self::D2,
            other => panic!("unknown role `{other}` in the table"),
        }
    }
}

/// What a call must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Status(u16),
    Ok,
    /// Success, and the answer may show resident B's phone.
    OkPhone,
}

/// The objects the lines act on (made fresh for each line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Obj {
    /// Nothing in the path.
    None,
    /// B's wish in C, pending review.
    WishPending,
    /// B's wish in C, approved (open).
    WishOpen,
    /// B's wish in C, claimed by the member.
    WishClaimed,
    /// B's wish in C, dispatched to the member.
    WishAssigned,
    /// B's wish in C, claimed and fulfilled by the member.
    WishFulfilled,
    /// The dispatcher `d`'s own wish in C, pending review.
    WishOwnPending,
    /// The dispatcher `d`'s own wish in C, approved by `d2`.
    WishOwnOpen,
    /// A fresh resident's pending check-in to C.
    CheckinFresh,
    /// The dispatcher `d`'s own pending check-in to C.
    CheckinOwn,
    /// The pending member's check-in to C.
    CheckinOfP,
    /// A notification of B's.
    NotificationOfB,
    /// C.
    Community,
    /// A community that does not exist.
    CommunityMissing,
    /// C's grid (id).
    Grid,
    /// C's grid (code).
    GridCode,
    /// A fresh unit under C's grid.
    FreshUnit,
    /// A fresh street (for a new street committee).
    FreshStreet,
    /// A street committee at a fresh street.
    PartyOrg,
    /// A fresh account.
    FreshUser,
    /// A fresh account holding `household_head` at C's unit.
    FreshUserWithGrant,
    /// A fresh unit branch.
    Branch,
    /// A fresh unit branch's pending check-in to C: `[branch, check-in]`.
    BranchCheckin,
    /// A second session of B's (B logged in again).
    SessionOfB,
    /// A fresh resident whose registered home is C's unit.
    ResidentOfC,
    /// B's work order in C's grid, reported.
    OrderReported,
    /// B's work order escalated by `d` to the street.
    OrderEscalated,
    /// B's work order dispatched by `d` to C's grid (the grid worker leads).
    OrderDispatched,
    /// B's work order signed by the grid worker.
    OrderSigned,
    /// B's work order signed, with an extension asked by the grid worker.
    OrderExtension,
    /// B's work order resolved by the grid worker.
    OrderResolved,
    /// A fresh department at the district.
    Department,
    /// A fresh department with A on its staff.
    DepartmentWithA,
    /// The year 2027 (a calendar upload).
    Year2027,
    /// B's upload, not attached.
    PhotoOfB,
    /// B's photo posted with B's pending wish.
    PhotoOnWishPending,
    /// B's photo posted with B's wish, approved (open).
    PhotoOnWishOpen,
    /// B's photo reported with B's work order.
    PhotoOnOrder,
    /// B's pending wish and an unattached upload of B's: `[wish, photo]`.
    WishPendingAndUpload,
    /// A volunteer team at C led by B.
    TeamOfB,
    /// B's team with A an approved member.
    TeamOfBWithA,
    /// B's team with A asking to join: `[team, A, "approve"]`.
    TeamOfBAskedByA,
    /// An activity of B's team two days ahead.
    ActivityOfB,
    /// An activity of B's team starting in ten minutes, A seated.
    ActivityWithA,
    /// An activity of B's team that started two and a half hours ago, A seated:
    /// `[activity, A, checked_in_at, checked_out_at]` (45 minutes in it).
    ActivityStartedWithA,
    /// The same, with A's 45 minutes marked by B.
    ActivityMarkedForA,
    /// The member M earned an hour (a wish of B's confirmed).
    ServiceOfM,
    /// A certificate of M's (who earned an hour): `[number]`.
    CertificateOfM,
    /// A names B as spouse.
    FamilyAToB,
    /// M (who earned an hour) named A as spouse and A accepted.
    FamilyMToA,
    /// A transfer: an hour the admin minted into C's pool.
    MintTransfer,
    /// A fresh Open311 partner key for C.
    Open311Key,
    /// A service point of C, created by the admin.
    ServicePoint,
    /// A notice `d` posted to C (B lives in C's unit, M is a member of C).
    NoticeOfD,
    /// A fresh property company.
    PropertyCompany,
    /// A fresh property company with A on its staff.
    PropertyCompanyWithA,
    /// The estate covering C's grid (B's home is in it).
    PropertyEstateOfC,
    /// The same estate after B rated it this period.
    PropertyRatedByB,
    /// A fresh estate of a fresh grid of C.
    PropertyEstateFresh,
}

/// How the caller's token is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Auth {
    Header,
    Query,
}

struct Line {
    method: &'static str,
    path: &'static str,
    obj: Obj,
    body: &'static str,
    expect: &'static str,
    auth: Auth,
}

fn line(method: &'static str, path: &'static str, obj: Obj, body: &'static str, expect: &'static str) -> Line {
    Line { method, path, obj, body, expect, auth: Auth::Header }
}

const REASON: &str = r#"{"reason": "情况已核实，按规定处理"}"#;
const CHECKIN: &str =
    r#"{"community_id": "{C}", "certificate_no": "FWZ-2026-{n}", "letter_ref": "钟组介〔2026〕{n}号"}"#;

const SERVICE_POINT: &str = r#"{"community_id": "{C}", "name": "红帆驿站{n}", "address": "和平路 {n} 号", "location": {"lng": 106.83, "lat": 26.59}, "hours": {"weekly": [["09:00-17:00"], ["09:00-17:00"], ["09:00-17:00"], ["09:00-17:00"], ["09:00-17:00"], [], []], "follows_calendar": true}, "services": ["代收快递"], "contact": {"name": "王站长", "phone": "0858-8221234"}}"#;
const SERVICE_POINT_EDIT: &str = r#"{"name": "红帆驿站{n}", "address": "和平路 {n} 号", "location": {"lng": 106.83, "lat": 26.59}, "hours": {"weekly": [["09:00-17:00"], [], [], [], [], [], []]}, "services": ["代收快递", "休息饮水"], "contact": {"name": "王站长", "phone": "13800001234"}}"#;

/// The table (see the module documentation). Keep one line per operation and object.
#[rustfmt::skip]
fn table() -> Vec<Line> {
    use Obj::*;
    let mut lines = vec![
        line("GET", "/healthz", None, "", "*=ok anon=ok"),
        line("GET", "/readyz", None, "", "*=ok anon=ok"),
        line("POST", "/api/v1/auth/register", None, r#"{"phone": "{phone}", "password": "password-123", "name": "新居民"}"#, "*=ok anon=ok"),
        line("POST", "/api/v1/auth/login", None, r#"{"phone": "{fresh_phone}", "password": "password-123"}"#, "*=ok anon=ok"),
        line("POST", "/api/v1/auth/refresh", None, r#"{"refresh_token": "{refresh}"}"#, "*=ok anon=ok"),
        line("POST", "/api/v1/auth/wechat", None, r#"{"code": "{wx_login}"}"#, "*=ok anon=ok"),
        line("GET", "/api/v1/me", None, "", "*=ok"),
        line("GET", "/api/v1/me/wechat", None, "", "*=ok"),
        line("POST", "/api/v1/me/wechat", None, r#"{"code": "{wx_login}"}"#, "*=ok"),
        line("GET", "/api/v1/me/subscriptions", None, "", "*=ok"),
        line("POST", "/api/v1/me/subscriptions", None, r#"{"template_ids": ["tpl-wish-approved"]}"#, "*=ok"),
        line("GET", "/api/v1/notifications", None, "", "*=ok"),
        line("GET", "/api/v1/notifications/unread-count", None, "", "*=ok"),
        line("POST", "/api/v1/notifications/read-all", None, "", "*=ok"),
        line("POST", "/api/v1/notifications/{id}/read", NotificationOfB, "", "*=404 b=ok"),
        line("GET", "/api/v1/communities", None, "", "*=ok"),
        line("GET", "/api/v1/communities/{id}/stats", Community, "", "*=404 d=ok d2=ok adm=ok"),
        line("GET", "/api/v1/communities/{id}/stats", CommunityMissing, "", "*=404"),
        line("GET", "/api/v1/communities/{id}/members", Community, "", "*=404 d=ok d2=ok adm=ok"),
        line("GET", "/api/v1/communities/{id}/members", CommunityMissing, "", "*=404"),
        line("GET", "/api/v1/communities/{id}/checkin-stats", Community, "", "*=404 d=ok d2=ok adm=ok"),
        line("GET", "/api/v1/communities/{id}/checkin-stats", CommunityMissing, "", "*=404"),
        line("GET", "/api/v1/events/stream", None, "", "*=ok"),
        // The member sees B's phone on the wishes it holds (claimant).
        line("GET", "/api/v1/wishes", None, "", "*=ok m=okp"),
        line("POST", "/api/v1/wishes", None, r#"{"community_id": "{C}", "grid_id": "{grid}", "resident_id": "{B}", "title": "代办买药 {n}", "description": "帮忙去药店买常用药。", "category": "生活帮扶"}"#, "*=403 b=ok gw=ok hh=ok"),
        // Filing for an account without a registered home: only the account itself.
        line("POST", "/api/v1/wishes", None, r#"{"community_id": "{C}", "grid_id": "{grid}", "resident_id": "{A}", "title": "代办买药 {n}", "description": "帮忙去药店买常用药。", "category": "生活帮扶"}"#, "*=403 a=ok"),
        line("GET", "/api/v1/wishes/{id}", WishPending, "", "*=404 b=ok d=ok d2=ok adm=ok"),
        line("GET", "/api/v1/wishes/{id}", WishOpen, "", "*=404 b=ok m=ok d=ok d2=ok adm=ok"),
        line("GET", "/api/v1/wishes/{id}/events", WishPending, "", "*=404 b=ok d=ok d2=ok adm=ok"),
        line("POST", "/api/v1/wishes/{id}/approve", WishPending, "", "*=404 b=403 adm=403 d=ok d2=ok"),
        line("POST", "/api/v1/wishes/{id}/approve", WishOwnPending, "", "*=404 adm=403 d=403 d2=ok"),
        line("POST", "/api/v1/wishes/{id}/reject", WishPending, REASON, "*=404 b=403 adm=403 d=ok d2=ok"),
        line("POST", "/api/v1/wishes/{id}/dispatch", WishOpen, r#"{"member_id": "{m}"}"#, "*=404 b=403 m=403 adm=403 d=ok d2=ok"),
        line("POST", "/api/v1/wishes/{id}/dispatch", WishOwnOpen, r#"{"member_id": "{m}"}"#, "*=404 m=403 adm=403 d=403 d2=ok"),
        line("POST", "/api/v1/wishes/{id}/accept", WishAssigned, "", "*=404 b=403 d=403 d2=403 adm=403 m=okp"),
        line("POST", "/api/v1/wishes/{id}/decline", WishAssigned, "", "*=404 b=403 d=403 d2=403 adm=403 m=ok"),
        line("POST", "/api/v1/wishes/{id}/claim", WishOpen, "", "*=404 b=403 d=403 d2=403 adm=403 m=okp"),
        line("POST", "/api/v1/wishes/{id}/release", WishClaimed, REASON, "*=404 b=403 d=403 d2=403 adm=403 m=ok"),
        line("POST", "/api/v1/wishes/{id}/revoke", WishClaimed, REASON, "*=404 b=403 m=403 adm=403 d=ok d2=ok"),
        line("POST", "/api/v1/wishes/{id}/fulfil", WishClaimed, r#"{"note": "已经送到家"}"#, "*=404 b=403 d=403 d2=403 adm=403 m=okp"),
        line("POST", "/api/v1/wishes/{id}/dispute", WishFulfilled, REASON, "*=404 m=403 d=403 d2=403 adm=403 b=ok"),
        line("POST", "/api/v1/wishes/{id}/confirm", WishFulfilled, r#"{"rating": 5}"#, "*=404 m=403 d=403 d2=403 adm=403 b=ok"),
        line("POST", "/api/v1/wishes/{id}/cancel", WishPending, "", "*=404 adm=403 b=ok d=ok d2=ok"),
        line("GET", "/api/v1/checkins", None, "", "*=ok"),
        line("POST", "/api/v1/checkins/{id}/approve", CheckinFresh, "", "*=404 adm=403 d=ok d2=ok"),
        line("POST", "/api/v1/checkins/{id}/approve", CheckinOwn, "", "*=404 adm=403 d=403 d2=ok"),
        line("POST", "/api/v1/checkins/{id}/reject", CheckinFresh, REASON, "*=404 adm=403 d=ok d2=ok"),
        line("POST", "/api/v1/checkins/{id}/reject", CheckinOwn, REASON, "*=404 adm=403 d=403 d2=ok"),
        line("GET", "/api/v1/unit-branches", None, "", "*=ok"),
        line("POST", "/api/v1/unit-branches", None, r#"{"name": "区直单位{n}党支部"}"#, "*=403 adm=ok"),
        // Everyone may ask; the list holds only what the caller may see (admins all, dispatchers
        // their communities'): checkins.rs checks the filtering.
        line("GET", "/api/v1/unit-branches/{id}/checkins", Branch, "", "*=ok"),
        line("POST", "/api/v1/unit-branches/{id}/checkins", Branch, r#"{"community_id": "{C}", "letter_ref": "钟财函〔2026〕{n}号"}"#, "*=403 adm=ok"),
        line("POST", "/api/v1/unit-branches/{id}/checkins/{checkin_id}/approve", BranchCheckin, "", "*=404 adm=403 d=ok d2=ok"),
        line("POST", "/api/v1/unit-branches/{id}/checkins/{checkin_id}/reject", BranchCheckin, REASON, "*=404 adm=403 d=ok d2=ok"),
        line("GET", "/api/v1/places", None, "", "*=ok"),
        line("GET", "/api/v1/places/{id}", Grid, "", "*=ok"),
        line("GET", "/api/v1/places/by-code/{code}", GridCode, "", "*=ok"),
        line("GET", "/api/v1/places/locate?lng=106.83&lat=26.59", None, "", "*=ok"),
        line("POST", "/api/v1/admin/places", None, r#"{"level": "unit", "name": "新十联户{n}", "parent_id": "{grid}"}"#, "*=403 adm=ok"),
        line("PATCH", "/api/v1/admin/places/{id}", FreshUnit, r#"{"name": "改名十联户{n}"}"#, "*=403 adm=ok"),
        line("POST", "/api/v1/admin/places/{id}/retire", FreshUnit, "", "*=403 adm=ok"),
        line("POST", "/api/v1/admin/places/import", None, "csv:level,code,name,kind\n", "*=403 adm=ok"),
        line("GET", "/api/v1/party-orgs", None, "", "*=ok"),
        line("GET", "/api/v1/party-orgs/{id}", PartyOrg, "", "*=ok"),
        line("POST", "/api/v1/admin/party-orgs", FreshStreet, r#"{"level": "street_committee", "name": "街道党工委{n}", "place_id": "{o0}"}"#, "*=403 adm=ok"),
        line("PATCH", "/api/v1/admin/party-orgs/{id}", PartyOrg, r#"{"name": "改名党工委{n}"}"#, "*=403 adm=ok"),
        line("POST", "/api/v1/admin/party-orgs/{id}/retire", PartyOrg, "", "*=403 adm=ok"),
        line("POST", "/api/v1/admin/users", None, r#"{"phone": "{phone}", "password": "password-123", "name": "新账号", "roles": ["resident"], "community_ids": []}"#, "*=403 adm=ok"),
        line("POST", "/api/v1/admin/communities", None, r#"{"name": "新社区{n}", "code": "NC{n}000"}"#, "*=403 adm=ok"),
        line("GET", "/api/v1/admin/outbox", None, "", "*=403 adm=ok"),
        line("GET", "/api/v1/admin/users/{id}/roles", FreshUserWithGrant, "", "*=403 adm=ok"),
        line("POST", "/api/v1/admin/users/{id}/roles", FreshUser, r#"{"role": "household_head", "place_id": "{unit}"}"#, "*=403 adm=ok"),
        line("DELETE", "/api/v1/admin/users/{id}/roles", FreshUserWithGrant, r#"{"role": "household_head", "place_id": "{unit}"}"#, "*=403 adm=ok"),
        line("GET", "/api/v1/admin/audit", None, "", "*=403 adm=ok"),
        // Resident records: grid staff record people at a home in their grid; who serves anyone lists them.
        line("POST", "/api/v1/residents", None, r#"{"name": "王奶奶{n}", "home_id": "{unit}"}"#, "*=403 gw=ok"),
        line("GET", "/api/v1/residents", None, "", "*=403 gw=ok hh=ok"),
        // Reset codes: an admin for anyone, a dispatcher for the residents of their community.
        line("POST", "/api/v1/users/{id}/reset-codes", ResidentOfC, "", "*=403 d=ok d2=ok adm=ok"),
        // A wrong code is refused the same way for everyone (the right one: accounts.rs).
        line("POST", "/api/v1/auth/password-reset", None, r#"{"phone": "{fresh_phone}", "code": "00000000", "new_password": "password-456"}"#, "*=401 anon=401"),
        line("GET", "/api/v1/me/sessions", None, "", "*=ok"),
        line("DELETE", "/api/v1/me/sessions/{id}", SessionOfB, "", "*=404 b=ok"),
        line("POST", "/api/v1/me/sessions/sign-out-others", None, "", "*=ok"),
        // Work orders (工单): B reports in C's grid; C's dispatchers decide; the grid worker handles
        // what is dispatched to the grid; the admin stands for the street (whistle, supervision).
        line("GET", "/api/v1/work-orders/categories", None, "", "*=ok"),
        line("POST", "/api/v1/work-orders", None, r#"{"title": "路灯不亮 {n}", "description": "小区门口路灯坏了。", "category": "道路设施", "grid_id": "{grid}"}"#, "*=422 b=ok gw=ok d=ok d2=ok adm=ok"),
        line("GET", "/api/v1/work-orders", None, "", "*=ok"),
        line("GET", "/api/v1/work-orders/scorecard", None, "", "*=422"),
        line("GET", "/api/v1/work-orders/stream", None, "", "*=ok"),
        // Figures (docs/FIGURES.md): office roles read their own places (by default their widest);
        // residents and members only their own workload.
        line("GET", "/api/v1/figures", None, "", "*=403 fd=ok gw=ok adm=ok d=ok d2=ok"),
        line("GET", "/api/v1/figures/workload", None, "", "*=403 fd=ok gw=ok adm=ok d=ok d2=ok"),
        line("GET", "/api/v1/figures/places", None, "", "*=403 fd=ok gw=ok adm=ok d=ok d2=ok"),
        line("GET", "/api/v1/me/workload", None, "", "*=ok"),
        line("GET", "/api/v1/work-orders/{id}", OrderReported, "", "*=404 b=ok gw=ok d=ok d2=ok adm=ok"),
        line("GET", "/api/v1/work-orders/{id}/events", OrderReported, "", "*=404 b=ok gw=ok d=ok d2=ok adm=ok"),
        line("POST", "/api/v1/work-orders/{id}/accept", OrderReported, "", "*=404 b=403 gw=403 adm=403 d=ok d2=ok"),
        line("POST", "/api/v1/work-orders/{id}/decline", OrderReported, REASON, "*=404 b=403 gw=403 adm=403 d=ok d2=ok"),
        line("POST", "/api/v1/work-orders/{id}/dispatch", OrderReported, r#"{"grid_id": "{grid}"}"#, "*=404 b=403 gw=403 adm=403 d=ok d2=ok"),
        line("POST", "/api/v1/work-orders/{id}/escalate", OrderReported, REASON, "*=404 b=403 gw=403 adm=403 d=ok d2=ok"),
        line("POST", "/api/v1/work-orders/{id}/whistle", OrderEscalated, r#"{"lead_department_id": "{dept}"}"#, "*=404 b=403 gw=403 d=403 d2=403 adm=ok"),
        line("POST", "/api/v1/work-orders/{id}/sign", OrderDispatched, "", "*=404 b=403 d=403 d2=403 adm=403 gw=ok"),
        line("POST", "/api/v1/work-orders/{id}/return", OrderDispatched, REASON, "*=404 b=403 d=403 d2=403 adm=403 gw=ok"),
        line("POST", "/api/v1/work-orders/{id}/resolve", OrderSigned, r#"{"note": "已修复"}"#, "*=404 b=403 d=403 d2=403 adm=403 gw=ok"),
        line("POST", "/api/v1/work-orders/{id}/request_extension", OrderSigned, r#"{"days": 2, "reason": "等待配件"}"#, "*=404 b=403 d=403 d2=403 adm=403 gw=ok"),
        line("POST", "/api/v1/work-orders/{id}/grant_extension", OrderExtension, "", "*=404 b=403 gw=403 d=ok d2=ok adm=ok"),
        line("POST", "/api/v1/work-orders/{id}/refuse_extension", OrderExtension, REASON, "*=404 b=403 gw=403 d=ok d2=ok adm=ok"),
        line("POST", "/api/v1/work-orders/{id}/visit", OrderResolved, r#"{"satisfaction": "satisfied"}"#, "*=404 d=403 d2=403 adm=403 b=ok gw=ok"),
        line("POST", "/api/v1/work-orders/{id}/supervise", OrderReported, REASON, "*=404 b=403 gw=403 d=403 d2=403 adm=ok"),
        line("GET", "/api/v1/departments", None, "", "*=ok"),
        line("POST", "/api/v1/admin/departments", None, r#"{"name": "部门{n}", "place_id": "{district}"}"#, "*=403 adm=ok"),
        line("POST", "/api/v1/admin/departments/{id}/staff", Department, r#"{"user_id": "{A}"}"#, "*=403 adm=ok"),
        line("DELETE", "/api/v1/admin/departments/{id}/staff", DepartmentWithA, r#"{"user_id": "{A}"}"#, "*=403 adm=ok"),
        line("GET", "/api/v1/admin/calendar", None, "", "*=403 adm=ok"),
        line("PUT", "/api/v1/admin/calendar/{year}", Year2027, r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}"#, "*=403 adm=ok"),
        // Photos: every account uploads its own; a photo is seen by its uploader and by whoever may
        // see its wish or order; only the wish's resident adds photos to it.
        line("POST", "/api/v1/photos", None, "photo:", "*=ok"),
        line("GET", "/api/v1/photos/{id}", PhotoOfB, "", "*=404 b=ok"),
        line("GET", "/api/v1/photos/{id}", PhotoOnWishPending, "", "*=404 b=ok d=ok d2=ok adm=ok"),
        line("GET", "/api/v1/photos/{id}/thumb", PhotoOnWishOpen, "", "*=404 b=ok m=ok d=ok d2=ok adm=ok"),
        line("GET", "/api/v1/photos/{id}/thumb", PhotoOnOrder, "", "*=404 b=ok gw=ok d=ok d2=ok adm=ok"),
        line("POST", "/api/v1/wishes/{id}/photos", WishPendingAndUpload, r#"{"photos": ["{o1}"]}"#, "*=404 d=403 d2=403 adm=403 b=ok"),
        // Volunteer teams and activities (docs/TIME-BANK.md): B leads a team at C; the admin sees
        // a team's list and an activity's roster, but decides and organises nothing.
        line("GET", "/api/v1/teams", None, "", "*=ok"),
        line("POST", "/api/v1/teams", None, r#"{"name": "志愿服务队{n}", "place_id": "{C}", "leader_id": "{m}"}"#, "*=403 d=ok d2=ok adm=ok"),
        line("GET", "/api/v1/teams/{id}", TeamOfB, "", "*=ok"),
        line("POST", "/api/v1/teams/{id}/join", TeamOfB, r#"{"note": "周末有空"}"#, "*=ok"),
        // Not on the team, or its last leader: 409.
        line("POST", "/api/v1/teams/{id}/leave", TeamOfBWithA, "", "*=409 a=ok"),
        line("GET", "/api/v1/teams/{id}/members", TeamOfB, "", "*=403 b=ok adm=ok"),
        line("POST", "/api/v1/teams/{id}/members/{user_id}/{decision}", TeamOfBAskedByA, "", "*=403 b=ok"),
        line("POST", "/api/v1/teams/{id}/activities", TeamOfB, r#"{"title": "清洁家园", "description": "打扫楼道。", "place_id": "{C}", "address": "三号楼前", "starts_at": "{start}", "ends_at": "{end}", "capacity": 10}"#, "*=403 b=ok"),
        line("GET", "/api/v1/activities", None, "", "*=ok"),
        line("GET", "/api/v1/me/activities", None, "", "*=ok"),
        line("GET", "/api/v1/activities/{id}", ActivityOfB, "", "*=ok"),
        line("POST", "/api/v1/activities/{id}/signup", ActivityOfB, "", "*=ok"),
        line("POST", "/api/v1/activities/{id}/withdraw", ActivityWithA, "", "*=409 a=ok"),
        line("POST", "/api/v1/activities/{id}/cancel", ActivityOfB, "", "*=403 b=ok"),
        line("GET", "/api/v1/activities/{id}/code", ActivityOfB, "", "*=403 b=ok"),
        // Only a seated participant checks in (the code is right for everyone).
        line("POST", "/api/v1/activities/{id}/scan", ActivityWithA, r#"{"code": "{checkin_code}"}"#, "*=409 a=ok"),
        line("GET", "/api/v1/activities/{id}/roster", ActivityOfB, "", "*=403 b=ok adm=ok"),
        line("POST", "/api/v1/activities/{id}/roster/{user_id}", ActivityStartedWithA, r#"{"checked_in_at": "{o2}", "checked_out_at": "{o3}"}"#, "*=403 b=ok"),
        line("POST", "/api/v1/activities/{id}/confirm", ActivityMarkedForA, "", "*=403 b=ok"),
        // The time bank: every account its own; the pool for C's dispatchers and admins (a
        // dispatcher elsewhere: 404); the ledger's administration for admins.
        line("GET", "/api/v1/me/time-bank", None, "", "*=ok"),
        line("GET", "/api/v1/me/time-bank/ledger", None, "", "*=ok"),
        line("GET", "/api/v1/me/family", None, "", "*=ok"),
        line("POST", "/api/v1/me/family", None, r#"{"phone": "{fresh_phone}", "relation": "spouse"}"#, "*=ok"),
        line("POST", "/api/v1/me/family/{id}/accept", FamilyAToB, "", "*=404 a=403 b=ok"),
        line("DELETE", "/api/v1/me/family/{id}", FamilyAToB, "", "*=404 a=ok b=ok"),
        // Only the one who named the link gives along it.
        line("POST", "/api/v1/me/time-bank/gifts", FamilyMToA, r#"{"family_id": "{o0}", "minutes": 1}"#, "*=422 m=ok"),
        line("GET", "/api/v1/communities/{id}/time-bank", Community, "", "*=403 fd=404 d=ok d2=ok adm=ok"),
        line("GET", "/api/v1/communities/{id}/time-bank", CommunityMissing, "", "*=403 fd=404 d=404 d2=404 adm=404"),
        line("POST", "/api/v1/admin/time-bank/mint", None, r#"{"community_id": "{C}", "minutes": 60, "reason": "年度志愿服务预算"}"#, "*=403 adm=ok"),
        line("POST", "/api/v1/admin/time-bank/reversals", MintTransfer, r#"{"transfer_id": "{o0}", "reason": "录入有误，冲正"}"#, "*=403 adm=ok"),
        line("GET", "/api/v1/admin/time-bank/check", None, "", "*=403 adm=ok"),
        line("POST", "/api/v1/admin/open311-keys", None, r#"{"partner": "热线{n}", "place_id": "{C}", "contact_phone": "{phone}"}"#, "*=403 adm=ok"),
        line("GET", "/api/v1/admin/open311-keys", None, "", "*=403 adm=ok"),
        line("POST", "/api/v1/admin/open311-keys/{id}/revoke", Open311Key, "", "*=403 adm=ok"),
        // Service points (docs/SERVICE-POINTS.md): everyone signed in reads; C's dispatchers and
        // admins maintain C's points (the dispatcher of D is refused like any other).
        line("GET", "/api/v1/service-points", None, "", "*=ok"),
        line("GET", "/api/v1/service-points/map", None, "", "*=ok"),
        line("POST", "/api/v1/service-points", None, SERVICE_POINT, "*=403 d=ok d2=ok adm=ok"),
        line("GET", "/api/v1/service-points/{id}", ServicePoint, "", "*=ok"),
        line("PUT", "/api/v1/service-points/{id}", ServicePoint, SERVICE_POINT_EDIT, "*=403 d=ok d2=ok adm=ok"),
        line("POST", "/api/v1/service-points/{id}/retire", ServicePoint, "", "*=403 d=ok d2=ok adm=ok"),
        line("GET", "/api/v1/me/service-record", None, "", "*=ok"),
        line("GET", "/api/v1/me/service-record.csv", None, "", "*=ok"),
        // Exports (docs/EXPORTS.md): the office's lists for admins and dispatchers (work orders
        // also street officers); figures and workload for whoever reads the figures; anyone's own
        // service record.
        line("GET", "/api/v1/exports/wishes.csv", None, "", "*=403 fd=ok adm=ok d=ok d2=ok"),
        line("GET", "/api/v1/exports/wishes.xlsx", None, "", "*=403 fd=ok adm=ok d=ok d2=ok"),
        line("GET", "/api/v1/exports/checkins.csv", None, "", "*=403 fd=ok adm=ok d=ok d2=ok"),
        line("GET", "/api/v1/exports/checkins.xlsx", None, "", "*=403 fd=ok adm=ok d=ok d2=ok"),
        line("GET", "/api/v1/exports/work-orders.csv", None, "", "*=403 fd=ok adm=ok d=ok d2=ok"),
        line("GET", "/api/v1/exports/work-orders.xlsx", None, "", "*=403 fd=ok adm=ok d=ok d2=ok"),
        line("GET", "/api/v1/exports/figures.csv", None, "", "*=403 fd=ok gw=ok adm=ok d=ok d2=ok"),
        line("GET", "/api/v1/exports/figures.xlsx", None, "", "*=403 fd=ok gw=ok adm=ok d=ok d2=ok"),
        line("GET", "/api/v1/exports/workload.csv", None, "", "*=403 fd=ok gw=ok adm=ok d=ok d2=ok"),
        line("GET", "/api/v1/exports/workload.xlsx", None, "", "*=403 fd=ok gw=ok adm=ok d=ok d2=ok"),
        line("GET", "/api/v1/exports/service-record.csv", None, "", "*=ok"),
        line("GET", "/api/v1/exports/service-record.xlsx", None, "", "*=ok"),
        // Notices (docs/NOTICES.md): staff post within their scope; the audience (B at home in C,
        // the member M) and the staff of the place read; the poster (and admins) edit and withdraw.
        line("POST", "/api/v1/notices", None, r#"{"place_id": "{C}", "title": "通知", "body": "内容", "ends_at": "{end}"}"#, "*=403 adm=ok d=ok d2=ok"),
        line("GET", "/api/v1/notices", None, "", "*=ok"),
        line("GET", "/api/v1/notices/posted", None, "", "*=403 fd=ok adm=ok d=ok d2=ok"),
        line("GET", "/api/v1/notices/{id}", NoticeOfD, "", "*=404 b=ok m=ok adm=ok d=ok d2=ok"),
        line("POST", "/api/v1/notices/{id}/read", NoticeOfD, "", "*=404 b=ok m=ok adm=ok d=ok d2=ok"),
        line("PATCH", "/api/v1/notices/{id}", NoticeOfD, r#"{"title": "改"}"#, "*=404 d2=403 adm=ok d=ok"),
        line("POST", "/api/v1/notices/{id}/withdraw", NoticeOfD, "", "*=404 d2=403 adm=ok d=ok"),
        line("GET", "/api/v1/exports/property-ratings.csv", None, "", "*=403 fd=ok adm=ok d=ok d2=ok"),
        line("GET", "/api/v1/exports/property-ratings.xlsx", None, "", "*=403 fd=ok adm=ok d=ok d2=ok"),
        line("POST", "/api/v1/exports/links", None, r#"{"path": "/api/v1/exports/wishes.xlsx"}"#, "*=403 fd=ok adm=ok d=ok d2=ok"),
        // Property ratings (docs/PROPERTY.md): companies and estates kept by admins; the estate's
        // results and comments for whoever oversees it (C's dispatchers, fd for D's estates: none);
        // a rating only by a resident living in the estate (B). A is on a company's staff from the
        // staff line on (its company has no estate: empty lists).
        line("GET", "/api/v1/property/companies", None, "", "*=ok"),
        line("POST", "/api/v1/admin/property/companies", None, r#"{"name": "物业{n}"}"#, "*=403 adm=ok"),
        line("PATCH", "/api/v1/admin/property/companies/{id}", PropertyCompany, r#"{"name": "物业{n}"}"#, "*=403 adm=ok"),
        line("POST", "/api/v1/admin/property/companies/{id}/staff", PropertyCompany, r#"{"user_id": "{A}"}"#, "*=403 adm=ok"),
        line("DELETE", "/api/v1/admin/property/companies/{id}/staff", PropertyCompanyWithA, r#"{"user_id": "{A}"}"#, "*=403 adm=ok"),
        line("GET", "/api/v1/property/estates", None, "", "*=403 a=ok fd=ok adm=ok d=ok d2=ok"),
        line("GET", "/api/v1/property/estates/{id}", PropertyEstateOfC, "", "*=404 adm=ok d=ok d2=ok"),
        line("POST", "/api/v1/admin/property/estates", FreshUnit, r#"{"name": "小区{n}", "company_id": "{pco}", "place_ids": ["{o0}"]}"#, "*=403 adm=ok"),
        line("PATCH", "/api/v1/admin/property/estates/{id}", PropertyEstateFresh, r#"{"name": "小区{n}"}"#, "*=403 adm=ok"),
        line("POST", "/api/v1/admin/property/import", None, "csv:company,estate,places\n", "*=403 adm=ok"),
        line("GET", "/api/v1/property/mine", None, "", "*=ok"),
        line("PUT", "/api/v1/property/estates/{id}/rating", PropertyEstateOfC, r#"{"security": 4, "cleaning": 4, "greening": 5, "orderly": 3, "repair": 4, "comment": "{n}"}"#, "*=403 b=ok"),
        line("GET", "/api/v1/property/estates/{id}/rating", PropertyRatedByB, "", "*=403 b=ok"),
        line("GET", "/api/v1/property/results", None, "", "*=403 a=ok fd=ok adm=ok d=ok d2=ok"),
        line("GET", "/api/v1/property/company-results", None, "", "*=403 a=ok fd=ok adm=ok d=ok d2=ok"),
        line("GET", "/api/v1/property/comments", None, "", "*=403 a=ok fd=ok adm=ok d=ok d2=ok"),
        // Only someone with service gets a certificate: M (a wish confirmed) and A (the 45
        // minutes B confirmed on the `confirm` line above).
        line("POST", "/api/v1/me/certificates", ServiceOfM, "", "*=409 a=ok m=ok"),
        line("GET", "/api/v1/certificates/{number}", CertificateOfM, "", "*=ok anon=ok"),
        line("GET", "/verify/{number}", CertificateOfM, "", "*=ok anon=ok"),
        // Late: these change the callers themselves.
        line("POST", "/api/v1/checkins/{id}/withdraw", CheckinOfP, "", "*=404 d=403 d2=403 adm=403 p=ok"),
        line("POST", "/api/v1/checkins", None, CHECKIN, "*=ok m=409"),
        line("PUT", "/api/v1/me/home", None, r#"{"place_id": "{unit}"}"#, "*=ok"),
        line("DELETE", "/api/v1/me/home", None, "", "*=ok"),
        // Every caller changes their own password (the admin's is another one: refused).
        line("POST", "/api/v1/me/password", None, r#"{"current_password": "password-123", "new_password": "password-456"}"#, "*=ok adm=422"),
    ];
    // A token in the URL is for the event stream only (browsers' EventSource cannot send a header).
    for (path, expect) in [("/api/v1/events/stream", "*=ok"), ("/api/v1/me", "*=401"), ("/api/v1/wishes", "*=401")] {
        lines.push(Line { method: "GET", path, obj: Obj::None, body: "", expect, auth: Auth::Query });
    }
    lines.extend([
        // Last: each caller's phone becomes a fresh one, then each caller's session ends.
        line("POST", "/api/v1/me/phone", None, r#"{"code": "{wx_phone}"}"#, "*=ok"),
        line("POST", "/api/v1/auth/logout", None, "", "*=ok"),
    ]);
    lines
}

/// The people and places every line uses.
struct Fixture {
    wechat: FakeWechat,
    actors: BTreeMap<Role, Actor>,
    admin: String,
    vars: BTreeMap<&'static str, String>,
}

impl Fixture {
    fn token(&self, role: Role) -> Option<&str> {
        match role {
            Role::Anon => None,
            Role::Adm => Some(&self.admin),
            r => Some(&self.actors[&r].token),
        }
    }

    fn actor(&self, role: Role) -> &Actor {
        &self.actors[&role]
    }
}

async fn fixture(app: &TestApp, wechat: FakeWechat) -> Fixture {
    let admin = app.admin_token().await;
    let [_, street, community, grid, unit] = app.small_tree().await;
    let boundary = json!({"type": "Polygon", "coordinates": [[[106.82, 26.58], [106.84, 26.58], [106.84, 26.60], [106.82, 26.60], [106.82, 26.58]]]});
    app.patch(&format!("/api/v1/admin/places/{}", str_of(&grid, "id")), &admin, &json!({"boundary": boundary}))
        .await
        .expect_status(200);
    let c = str_of(&community, "id").to_owned();
    let d_community = app.create_community().await;
    let a = app.register_resident().await;
    let b = app.register_resident().await;
    app.put("/api/v1/me/home", &b.token, &json!({"place_id": str_of(&unit, "id")})).await.expect_status(200);
    let d = app.create_actor(&["resident"], &[]).await;
    app.grant_at(&d.id, "dispatcher", &community).await;
    let d2 = app.create_actor(&["resident"], &[]).await;
    app.grant_at(&d2.id, "dispatcher", &community).await;
    let fd = app.create_actor(&["dispatcher"], &[&d_community]).await;
    let gw = app.create_actor(&["resident"], &[]).await;
    app.grant_at(&gw.id, "grid_worker", &grid).await;
    let hh = app.create_actor(&["resident"], &[]).await;
    app.grant_at(&hh.id, "household_head", &unit).await;
    let m = app.register_resident().await;
    let checkin = check_in(app, &m, &c).await;
    app.post(&format!("/api/v1/checkins/{checkin}/approve"), &d.token, &json!({})).await.expect_status(200);
    let p = app.register_resident().await;
    let p_checkin = check_in(app, &p, &c).await;
    let mut vars = BTreeMap::new();
    vars.insert("C", c);
    vars.insert("D", d_community);
    vars.insert("grid", str_of(&grid, "id").to_owned());
    vars.insert("grid_code", str_of(&grid, "code").to_owned());
    vars.insert("unit", str_of(&unit, "id").to_owned());
    vars.insert("street", str_of(&street, "id").to_owned());
    vars.insert("district", str_of(&street, "parent_id").to_owned());
    vars.insert("A", a.id.clone());
    vars.insert("A_phone", a.phone.clone());
    vars.insert("B", b.id.clone());
    vars.insert("m", m.id.clone());
    vars.insert("p_checkin", p_checkin);
    let start = chrono::Utc::now() + chrono::Duration::days(2);
    let at = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    vars.insert("start", at(start));
    vars.insert("end", at(start + chrono::Duration::hours(2)));
    let dept_body = json!({"name": "区住建局", "place_id": str_of(&street, "parent_id")});
    let dept = app.post("/api/v1/admin/departments", &admin, &dept_body).await.expect_status(201).clone();
    vars.insert("dept", str_of(&dept, "id").to_owned());
    let pco = app.post("/api/v1/admin/property/companies", &admin, &json!({"name": "和平物业"})).await;
    let pco = str_of(pco.expect_status(201), "id").to_owned();
    let estate_body = json!({"name": "和平小区", "company_id": pco, "place_ids": [str_of(&grid, "id")]});
    let estate = app.post("/api/v1/admin/property/estates", &admin, &estate_body).await.expect_status(201).clone();
    vars.insert("pco", pco);
    vars.insert("estate", str_of(&estate, "id").to_owned());
    let actors = BTreeMap::from([
        (Role::A, a),
        (Role::B, b),
        (Role::M, m),
        (Role::P, p),
        (Role::Fd, fd),
        (Role::Gw, gw),
        (Role::Hh, hh),
        (Role::D, d),
        (Role::D2, d2),
    ]);
    Fixture { wechat, actors, admin, vars }
}

/// Files a pending check-in of `who` to `community`; returns its id.
async fn check_in(app: &TestApp, who: &Actor, community: &str) -> String {
    let n = app.next_n();
    let body = json!({"community_id": community, "certificate_no": format!("FWZ-{n}"), "letter_ref": format!("钟组介〔2026〕{n}号")});
    str_of(app.post("/api/v1/checkins", &who.token, &body).await.expect_status(201), "id").to_owned()
}

/// A fresh volunteer team at C led by B (created by the admin); returns its id.
async fn team_of_b(app: &TestApp, fx: &Fixture) -> String {
    let team = app.post_team(&fx.admin, &fx.vars["C"], &fx.actor(Role::B).id).await;
    str_of(team.expect_status(201), "id").to_owned()
}

/// Makes a fresh `obj`; returns the ids its line's path (and `{o0}`, `{o1}`) take.
async fn make(app: &TestApp, fx: &Fixture, obj: Obj) -> Vec<String> {
    let c = &fx.vars["C"];
    let b = fx.actor(Role::B);
    let d = fx.actor(Role::D);
    let d2 = fx.actor(Role::D2);
    let m = fx.actor(Role::M);
    let id = |v: &Value| str_of(v, "id").to_owned();
    let act = |token: String, wish: String, action: &'static str, body: Value| async move {
        app.act_ok(&token, &wish, action, body).await;
    };
    let upload = || async {
        let n = u8::try_from(app.next_n() % 250).unwrap_or(0);
        id(app
            .upload_photo(&b.token, haolin_tests::sample_jpeg(40, 30, n), "b.jpg", "image/jpeg")
            .await
            .expect_status(201))
    };
    match obj {
        Obj::None => vec![],
        Obj::WishPending => vec![id(&app.post_wish(&b.token, c).await)],
        Obj::PhotoOfB => vec![upload().await],
        Obj::PhotoOnWishPending | Obj::PhotoOnWishOpen => {
            let photo = upload().await;
            let mut body = app.wish_body(c);
            body["photos"] = json!([photo]);
            let wish = id(app.post("/api/v1/wishes", &b.token, &body).await.expect_status(201));
            if obj == Obj::PhotoOnWishOpen {
                act(d.token.clone(), wish, "approve", json!({})).await;
            }
            vec![photo]
        }
        Obj::PhotoOnOrder => {
            let photo = upload().await;
            let body = json!({"title": "路灯不亮", "description": "小区门口路灯坏了。", "category": "道路设施",
                "grid_id": fx.vars["grid"], "photos": [photo]});
            app.post("/api/v1/work-orders", &b.token, &body).await.expect_status(201);
            vec![photo]
        }
        Obj::WishPendingAndUpload => vec![id(&app.post_wish(&b.token, c).await), upload().await],
        Obj::WishOpen | Obj::WishClaimed | Obj::WishAssigned | Obj::WishFulfilled => {
            let wish = id(&app.post_wish(&b.token, c).await);
            act(d.token.clone(), wish.clone(), "approve", json!({})).await;
            match obj {
                Obj::WishClaimed | Obj::WishFulfilled => {
                    act(m.token.clone(), wish.clone(), "claim", json!({})).await;
                    if obj == Obj::WishFulfilled {
                        act(m.token.clone(), wish.clone(), "fulfil", json!({"note": "已经送到家"})).await;
                    }
                }
                Obj::WishAssigned => act(d.token.clone(), wish.clone(), "dispatch", json!({"member_id": m.id})).await,
                _ => {}
            }
            vec![wish]
        }
        Obj::WishOwnPending => vec![id(&app.post_wish(&d.token, c).await)],
        Obj::WishOwnOpen => {
            let wish = id(&app.post_wish(&d.token, c).await);
            act(d2.token.clone(), wish.clone(), "approve", json!({})).await;
            vec![wish]
        }
        Obj::CheckinFresh => {
            let who = app.register_resident().await;
            vec![check_in(app, &who, c).await]
        }
        Obj::CheckinOwn => {
            // One live check-in per member and community: withdraw what an earlier line left.
            let list = app.get("/api/v1/checkins", &d.token).await;
            for item in list.expect_status(200)["items"].as_array().into_iter().flatten() {
                let live = item["status"] == "pending" || item["status"] == "approved";
                if item["member"]["id"] == d.id.as_str() && live {
                    let path = format!("/api/v1/checkins/{}/withdraw", str_of(item, "id"));
                    app.post(&path, &d.token, &json!({})).await.expect_status(200);
                }
            }
            vec![check_in(app, d, c).await]
        }
        Obj::CheckinOfP => vec![fx.vars["p_checkin"].clone()],
        Obj::NotificationOfB => {
            let wish = id(&app.post_wish(&b.token, c).await);
            act(d.token.clone(), wish, "approve", json!({})).await;
            let list = app.get("/api/v1/notifications", &b.token).await;
            vec![str_of(&list.expect_status(200)["items"][0], "id").to_owned()]
        }
        Obj::Community => vec![c.clone()],
        Obj::CommunityMissing => vec!["987654321".to_owned()],
        Obj::Grid => vec![fx.vars["grid"].clone()],
        Obj::GridCode => vec![fx.vars["grid_code"].clone()],
        Obj::FreshUnit => {
            let name = format!("十联户{}", app.next_n());
            vec![id(&app.create_place("unit", &name, Some(&fx.vars["grid"]), json!({})).await)]
        }
        Obj::FreshStreet | Obj::PartyOrg => {
            let name = format!("街道{}", app.next_n());
            let street = id(&app.create_place("street", &name, Some(&fx.vars["district"]), json!({})).await);
            if obj == Obj::FreshStreet {
                return vec![street];
            }
            let body = json!({"level": "street_committee", "name": format!("{name}党工委"), "place_id": street});
            vec![id(app.post("/api/v1/admin/party-orgs", &fx.admin, &body).await.expect_status(201))]
        }
        Obj::FreshUser | Obj::FreshUserWithGrant => {
            let user = app.create_actor(&["resident"], &[]).await;
            if obj == Obj::FreshUserWithGrant {
                let body = json!({"role": "household_head", "place_id": fx.vars["unit"]});
                app.post(&format!("/api/v1/admin/users/{}/roles", user.id), &fx.admin, &body).await.expect_status(200);
            }
            vec![user.id]
        }
        Obj::Branch | Obj::BranchCheckin => {
            let body = json!({"name": format!("区直单位{}党支部", app.next_n())});
            let branch = id(app.post("/api/v1/unit-branches", &fx.admin, &body).await.expect_status(201));
            if obj == Obj::Branch {
                return vec![branch];
            }
            let body = json!({"community_id": c, "letter_ref": "钟财函〔2026〕3号"});
            let path = format!("/api/v1/unit-branches/{branch}/checkins");
            let checkin = id(app.post(&path, &fx.admin, &body).await.expect_status(201));
            vec![branch, checkin]
        }
        Obj::SessionOfB => {
            let login = app.login(&b.phone, haolin_tests::PASSWORD).await;
            let sessions = app.get("/api/v1/me/sessions", str_of(&login, "access_token")).await;
            let items = sessions.expect_status(200)["items"].as_array().cloned().unwrap_or_default();
            let current = items.iter().find(|s| s["current"] == true).expect("the new session is listed as current");
            vec![id(current)]
        }
        Obj::ResidentOfC => {
            let who = app.register_resident().await;
            let home = json!({"place_id": fx.vars["unit"]});
            app.put("/api/v1/me/home", &who.token, &home).await.expect_status(200);
            vec![who.id]
        }
        Obj::OrderReported
        | Obj::OrderEscalated
        | Obj::OrderDispatched
        | Obj::OrderSigned
        | Obj::OrderExtension
        | Obj::OrderResolved => {
            let body = json!({"title": format!("井盖破损 {}", app.next_n()), "description": "人行道井盖破损。", "category": "道路设施", "grid_id": fx.vars["grid"]});
            let order = app.post("/api/v1/work-orders", &b.token, &body).await.expect_status(201).clone();
            let order_id = str_of(&order, "id").to_owned();
            let step = |who: Role, action: &'static str, body: Value| {
                let path = format!("/api/v1/work-orders/{order_id}/{action}");
                let token = fx.token(who).unwrap_or_default().to_owned();
                async move { app.post(&path, &token, &body).await.expect_status(200).clone() }
            };
            match obj {
                Obj::OrderReported => {}
                Obj::OrderEscalated => {
                    step(Role::D, "escalate", json!({"reason": "需要街道协调"})).await;
                }
                _ => {
                    step(Role::D, "dispatch", json!({"grid_id": fx.vars["grid"]})).await;
                    if obj != Obj::OrderDispatched {
                        step(Role::Gw, "sign", json!({})).await;
                    }
                    if obj == Obj::OrderExtension {
                        step(Role::Gw, "request_extension", json!({"days": 2, "reason": "等待配件"})).await;
                    }
                    if obj == Obj::OrderResolved {
                        step(Role::Gw, "resolve", json!({"note": "已更换井盖"})).await;
                    }
                }
            }
            vec![order_id]
        }
        Obj::Department | Obj::DepartmentWithA => {
            let body = json!({"name": format!("部门{}", app.next_n()), "place_id": fx.vars["district"]});
            let dept = app.post("/api/v1/admin/departments", &fx.admin, &body).await.expect_status(201).clone();
            let id = str_of(&dept, "id").to_owned();
            if obj == Obj::DepartmentWithA {
                let staff = json!({"user_id": fx.vars["A"]});
                let added = app.post(&format!("/api/v1/admin/departments/{id}/staff"), &fx.admin, &staff).await;
                assert_eq!(added.status, 204, "{}", added.text);
            }
            vec![id]
        }
        Obj::Year2027 => vec!["2027".to_owned()],
        Obj::PropertyCompany | Obj::PropertyCompanyWithA => {
            let body = json!({"name": format!("物业{}", app.next_n())});
            let company =
                app.post("/api/v1/admin/property/companies", &fx.admin, &body).await.expect_status(201).clone();
            let id = str_of(&company, "id").to_owned();
            if obj == Obj::PropertyCompanyWithA {
                let staff = json!({"user_id": fx.vars["A"]});
                let added = app.post(&format!("/api/v1/admin/property/companies/{id}/staff"), &fx.admin, &staff).await;
                assert_eq!(added.status, 204, "{}", added.text);
            }
            vec![id]
        }
        Obj::PropertyEstateOfC => vec![fx.vars["estate"].clone()],
        Obj::PropertyRatedByB => {
            let estate = fx.vars["estate"].clone();
            let body = json!({"security": 5, "cleaning": 5, "greening": 4, "orderly": 4, "repair": 3});
            let rated = app.put(&format!("/api/v1/property/estates/{estate}/rating"), &b.token, &body).await;
            assert!(matches!(rated.status, 200 | 201), "{}", rated.text);
            vec![estate]
        }
        Obj::PropertyEstateFresh => {
            let name = format!("网格{}", app.next_n());
            let grid = app.create_place("grid", &name, Some(c), json!({"kind": "comprehensive"})).await;
            let body = json!({"name": format!("小区{}", app.next_n()), "company_id": fx.vars["pco"], "place_ids": [grid["id"]]});
            vec![id(app.post("/api/v1/admin/property/estates", &fx.admin, &body).await.expect_status(201))]
        }
        Obj::TeamOfB | Obj::TeamOfBWithA | Obj::TeamOfBAskedByA => {
            let team = team_of_b(app, fx).await;
            let a = fx.actor(Role::A);
            if obj == Obj::TeamOfB {
                return vec![team];
            }
            app.post(&format!("/api/v1/teams/{team}/join"), &a.token, &json!({})).await.expect_status(200);
            if obj == Obj::TeamOfBAskedByA {
                return vec![team, a.id.clone(), "approve".to_owned()];
            }
            let path = format!("/api/v1/teams/{team}/members/{}/approve", a.id);
            app.post(&path, &b.token, &json!({})).await.expect_status(200);
            vec![team]
        }
        Obj::ActivityOfB | Obj::ActivityWithA | Obj::ActivityStartedWithA | Obj::ActivityMarkedForA => {
            let team = team_of_b(app, fx).await;
            let starts_in = match obj {
                Obj::ActivityOfB => chrono::Duration::days(2),
                Obj::ActivityWithA => chrono::Duration::minutes(10),
                _ => chrono::Duration::hours(1),
            };
            let body = app.activity_body(c, starts_in, chrono::Duration::hours(2), 100);
            let path = format!("/api/v1/teams/{team}/activities");
            let activity = id(app.post(&path, &b.token, &body).await.expect_status(201));
            if obj == Obj::ActivityOfB {
                return vec![activity];
            }
            let a = fx.actor(Role::A);
            app.signup(&a.token, &activity).await.expect_status(201);
            if obj == Obj::ActivityWithA {
                return vec![activity];
            }
            app.shift_activity_back(&activity, chrono::Duration::minutes(210));
            let seen = app.activity(&b.token, &activity).await;
            let starts = haolin_tests::time_bank::parse_time(str_of(&seen, "starts_at"));
            let at = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let (from, to) = (at(starts + chrono::Duration::minutes(10)), at(starts + chrono::Duration::minutes(55)));
            if obj == Obj::ActivityMarkedForA {
                let path = format!("/api/v1/activities/{activity}/roster/{}", a.id);
                let body = json!({"checked_in_at": from, "checked_out_at": to});
                app.post(&path, &b.token, &body).await.expect_status(200);
                return vec![activity];
            }
            vec![activity, a.id.clone(), from, to]
        }
        Obj::ServiceOfM | Obj::CertificateOfM | Obj::FamilyMToA => {
            let wish = id(&app.post_wish(&b.token, c).await);
            act(d.token.clone(), wish.clone(), "approve", json!({})).await;
            act(m.token.clone(), wish.clone(), "claim", json!({})).await;
            act(m.token.clone(), wish.clone(), "fulfil", json!({"note": "已经送到家"})).await;
            act(b.token.clone(), wish, "confirm", json!({"rating": 5})).await;
            match obj {
                Obj::ServiceOfM => vec![],
                Obj::CertificateOfM => {
                    let cert = app.post("/api/v1/me/certificates", &m.token, &json!({})).await;
                    vec![str_of(cert.expect_status(201), "number").to_owned()]
                }
                _ => {
                    let a = fx.actor(Role::A);
                    let body = json!({"phone": a.phone, "relation": "spouse"});
                    let link = app.post("/api/v1/me/family", &m.token, &body).await;
                    let link = id(link.expect_status(201));
                    app.post(&format!("/api/v1/me/family/{link}/accept"), &a.token, &json!({}))
                        .await
                        .expect_status(200);
                    vec![link]
                }
            }
        }
        Obj::FamilyAToB => {
            // One link per pair: remove what an earlier line left.
            let a = fx.actor(Role::A);
            let links = app.get("/api/v1/me/family", &a.token).await;
            for link in links.expect_status(200)["items"].as_array().into_iter().flatten() {
                if link["person"]["id"] == b.id.as_str() {
                    let removed = app.delete(&format!("/api/v1/me/family/{}", str_of(link, "id")), &a.token).await;
                    assert_eq!(removed.status, 204, "{}", removed.text);
                }
            }
            let body = json!({"phone": b.phone, "relation": "spouse"});
            vec![id(app.post("/api/v1/me/family", &a.token, &body).await.expect_status(201))]
        }
        Obj::MintTransfer => {
            let body = json!({"community_id": c, "minutes": 60, "reason": "年度志愿服务预算"});
            vec![id(app.post("/api/v1/admin/time-bank/mint", &fx.admin, &body).await.expect_status(201))]
        }
        Obj::Open311Key => {
            let body = json!({"partner": "区12345热线", "place_id": c, "contact_phone": "13712345678"});
            let issued = app.post("/api/v1/admin/open311-keys", &fx.admin, &body).await;
            vec![str_of(&issued.expect_status(201)["key"], "id").to_owned()]
        }
        Obj::ServicePoint => {
            let body = SERVICE_POINT.replace("{C}", c).replace("{n}", "1");
            let body: Value = serde_json::from_str(&body).unwrap();
            vec![id(app.post("/api/v1/service-points", &fx.admin, &body).await.expect_status(201))]
        }
        Obj::NoticeOfD => {
            let ends_at = (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339();
            let body = json!({"place_id": c, "title": "社区通知", "body": "本周六义诊", "ends_at": ends_at});
            vec![id(app.post("/api/v1/notices", &d.token, &body).await.expect_status(201))]
        }
    }
}

/// Fills a path's `{…}` parameters with `ids`, in order.
fn fill_path(path: &str, ids: &[String]) -> String {
    let mut out = String::new();
    let mut ids = ids.iter();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e + 1);
        out.push_str(&rest[..start]);
        out.push_str(ids.next().map_or("0", String::as_str));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Fills a body's placeholders (see the module documentation).
async fn fill_body(app: &TestApp, fx: &Fixture, body: &str, ids: &[String]) -> String {
    let mut out = body.to_owned();
    for (key, value) in &fx.vars {
        out = out.replace(&format!("{{{key}}}"), value);
    }
    for (i, value) in ids.iter().enumerate() {
        out = out.replace(&format!("{{o{i}}}"), value);
    }
    // Logging in or refreshing shows the account's own phone: a fresh account's, seen by nobody else.
    if out.contains("{refresh}") {
        out = out.replace("{refresh}", &app.register_resident().await.refresh_token);
    }
    if out.contains("{wx_login}") {
        out = out.replace("{wx_login}", &fx.wechat.login_code(&format!("openid-{}", app.next_n())));
    }
    if out.contains("{wx_phone}") {
        out = out.replace("{wx_phone}", &fx.wechat.phone_code(&app.next_phone()));
    }
    if out.contains("{checkin_code}") {
        let code = app.get(&format!("/api/v1/activities/{}/code", ids[0]), &fx.actor(Role::B).token).await;
        out = out.replace("{checkin_code}", str_of(code.expect_status(200), "code"));
    }
    if out.contains("{fresh_phone}") {
        out = out.replace("{fresh_phone}", &app.register_resident().await.phone);
    }
    out.replace("{n}", &app.next_n().to_string()).replace("{phone}", &app.next_phone())
}

fn parse_expect(spec: &str) -> BTreeMap<Role, Expect> {
    let mut default = None;
    let mut named = BTreeMap::new();
    for word in spec.split_whitespace() {
        let (who, what) = word.split_once('=').unwrap_or_else(|| panic!("bad word `{word}` in `{spec}`"));
        let expect = match what {
            "ok" => Expect::Ok,
            "okp" => Expect::OkPhone,
            s => Expect::Status(s.parse().unwrap_or_else(|_| panic!("bad answer `{s}` in `{spec}`"))),
        };
        if who == "*" {
            default = Some(expect);
        } else {
            named.insert(Role::parse(who), expect);
        }
    }
    ROLES
        .iter()
        .map(|r| {
            let e = named.get(r).copied().or(if *r == Role::Anon { Some(Expect::Status(401)) } else { default });
            (*r, e.unwrap_or_else(|| panic!("`{spec}` decides nothing for {r:?}")))
        })
        .collect()
}

/// `(status, body text)` of one call; the event stream's body is not read.
async fn call(app: &TestApp, fx: &Fixture, line: &Line, role: Role, path: &str, body: &str) -> (u16, String) {
    let method = Method::from_bytes(line.method.as_bytes()).unwrap();
    let token = fx.token(role);
    let mut url_path = path.to_owned();
    let mut rb = match (line.auth, token) {
        (Auth::Query, Some(t)) => {
            url_path.push(if path.contains('?') { '&' } else { '?' });
            url_path.push_str("access_token=");
            url_path.push_str(t);
            app.request(method, &url_path, None)
        }
        (_, t) => app.request(method, &url_path, t),
    };
    if let Some(csv) = body.strip_prefix("csv:") {
        rb = rb.header("content-type", "text/csv").body(csv.to_owned());
    } else if body == "photo:" {
        let part = reqwest::multipart::Part::bytes(haolin_tests::sample_jpeg(40, 30, 1)).file_name("a.jpg");
        rb = rb.multipart(reqwest::multipart::Form::new().part("file", part));
    } else if !body.is_empty() {
        rb = rb.header("content-type", "application/json").body(body.to_owned());
    }
    if line.method == "POST" && line.path == "/api/v1/wishes" {
        rb = rb.header("Idempotency-Key", format!("matrix-{}", app.next_n()));
    }
    if path.starts_with("/api/v1/events/stream") || path.starts_with("/api/v1/work-orders/stream") {
        let resp = rb.send().await.unwrap_or_else(|e| panic!("{path}: {e}"));
        return (resp.status().as_u16(), String::new());
    }
    let resp = app.send(rb).await;
    (resp.status, resp.text)
}

/// The phone numbers `role` may not see in an answer expected as `expect`.
fn hidden_phones(fx: &Fixture, role: Role, expect: Expect) -> Vec<(Role, String)> {
    [Role::A, Role::B]
        .into_iter()
        .filter(|owner| *owner != role)
        // C's dispatchers see the contact phone of every wish filed in C, and A and B both file
        // there (A from line 252 on: the exports list them all).
        .filter(|owner| !(matches!(role, Role::D | Role::D2) || (*owner == Role::B && expect == Expect::OkPhone)))
        .map(|owner| (owner, fx.actor(owner).phone.clone()))
        .collect()
}

fn ok_status(status: u16) -> bool {
    (200..300).contains(&status)
}

#[tokio::test]
async fn every_operation_in_the_document_has_decided_permissions_and_each_holds() {
    // The member claims a wish for many lines; WeChat is the harness's fake, with one template.
    let wechat = FakeWechat::start();
    let app = spawn_app_with(|env| {
        wechat.configure(env);
        env.set("HAOLIN_WISHES__MAX_LIVE_CLAIMS", "1000")
            .set("HAOLIN_WECHAT__TEMPLATES__WISH_APPROVED__ID", "tpl-wish-approved");
    })
    .await;
    let fx = fixture(&app, wechat).await;
    let table = table();

    // Every operation of the document has a line, and every line an operation.
    let doc = app.get_anon("/api/openapi.json").await;
    let doc = doc.expect_status(200);
    let mut documented = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                documented.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    let listed: Vec<String> =
        table.iter().map(|l| format!("{} {}", l.method, l.path.split('?').next().unwrap_or(l.path))).collect();
    let missing: Vec<&String> = documented.iter().filter(|op| !listed.contains(op)).collect();
    assert!(
        missing.is_empty(),
        "operations without a line in the permission matrix (decide who may call them): {missing:#?}"
    );
    let stale: Vec<&String> = listed.iter().filter(|op| !documented.contains(op)).collect();
    assert!(stale.is_empty(), "lines of the permission matrix for operations the document does not have: {stale:#?}");

    let mut failures = Vec::new();
    for line in &table {
        let expect = parse_expect(line.expect);
        let ids = make(&app, &fx, line.obj).await;
        let path = fill_path(line.path, &ids);
        let label = format!(
            "{} {} ({:?}{})",
            line.method,
            line.path,
            line.obj,
            if line.auth == Auth::Query { ", token in the URL" } else { "" }
        );
        let check_phones = |role: Role, e: Expect, text: &str, failures: &mut Vec<String>| {
            for (owner, phone) in hidden_phones(&fx, role, e) {
                if text.contains(&phone) {
                    failures.push(format!("{label}: the answer to {role:?} shows {owner:?}'s phone: {text}"));
                }
            }
        };
        // Refusals first, all on the same object.
        for (role, e) in &expect {
            let Expect::Status(want) = *e else { continue };
            let body = fill_body(&app, &fx, line.body, &ids).await;
            let (status, text) = call(&app, &fx, line, *role, &path, &body).await;
            if status != want {
                failures.push(format!("{label}: {role:?} got {status}, expected {want}: {}", short(&text)));
            }
            check_phones(*role, *e, &text, &mut failures);
        }
        // Positive controls: the first on the same object, the others on fresh ones.
        let mut first = true;
        for (role, e) in &expect {
            if matches!(e, Expect::Status(_)) {
                continue;
            }
            let ids = if first { ids.clone() } else { make(&app, &fx, line.obj).await };
            first = false;
            let path = fill_path(line.path, &ids);
            let body = fill_body(&app, &fx, line.body, &ids).await;
            let (status, text) = call(&app, &fx, line, *role, &path, &body).await;
            if !ok_status(status) {
                failures.push(format!("{label}: {role:?} (rightful caller) got {status}: {}", short(&text)));
            }
            check_phones(*role, *e, &text, &mut failures);
            // A creation replayed with the same Idempotency-Key is rendered for its caller too.
            if line.method == "POST" && line.path == "/api/v1/wishes" && ok_status(status) {
                let key = format!("replay-{}", app.next_n());
                let send = || {
                    let rb = app
                        .request(Method::POST, &path, fx.token(*role))
                        .header("Idempotency-Key", key.clone())
                        .header("content-type", "application/json")
                        .body(body.clone());
                    app.send(rb)
                };
                let first = send().await;
                let replay = send().await;
                if replay.status != first.status {
                    failures
                        .push(format!("{label}: {role:?}'s replay answered {}, first {}", replay.status, first.status));
                }
                for (owner, phone) in hidden_phones(&fx, *role, *e) {
                    if first.text.contains(&phone) || replay.text.contains(&phone) {
                        let which = if first.text.contains(&phone) { "first answer" } else { "replayed answer" };
                        failures.push(format!(
                            "{label}: the {which} to {role:?} under an Idempotency-Key shows {owner:?}'s phone: {}",
                            short(&replay.text)
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} permission failures:\n{}", failures.len(), failures.join("\n"));
}

fn short(text: &str) -> String {
    text.chars().take(200).collect()
}
