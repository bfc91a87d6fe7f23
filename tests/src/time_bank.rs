//! Helpers for volunteer teams, activities and the time bank (docs/TIME-BANK.md): the ledger's
//! invariant as the admin endpoint proves it, a person's ledger re-summed page by page, and the
//! few steps most tests take (a team with a leader, an activity, a person's earnings).
//!
//! Every test of `tests/api/volunteers.rs` and `tests/api/time_bank.rs` ends with
//! [`TestApp::assert_ledger_sound`].

use std::collections::BTreeSet;

use chrono::{DateTime, Duration as ChronoDuration, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::{Actor, ApiResponse, TestApp, World, int_of, run_sql, str_of, urlencode};

/// What `GET /api/v1/admin/time-bank/check` answered, after checking it proves the invariant.
#[derive(Debug, Clone)]
pub struct LedgerCheck {
    /// How many accounts.
    pub accounts: i64,
    /// How many transfers.
    pub transfers: i64,
    /// How many movements.
    pub movements: i64,
}

/// An RFC 3339 time (UTC, milliseconds) `offset` from now.
pub fn rfc3339_in(offset: ChronoDuration) -> String {
    (Utc::now() + offset).to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses an RFC 3339 time the server wrote.
pub fn parse_time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap_or_else(|e| panic!("`{s}` is not RFC 3339: {e}")).with_timezone(&Utc)
}

/// The array at `key`, panicking if absent.
pub fn array_of<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v.get(key).and_then(Value::as_array).unwrap_or_else(|| panic!("no array `{key}` in {v}"))
}

/// A team with its first leader, at the world's community, created by the admin.
#[derive(Debug, Clone)]
pub struct TeamFixture {
    /// The team as created.
    pub team: Value,
    /// Its id.
    pub id: String,
    /// Its first leader (a member of the world's community).
    pub leader: Actor,
}

impl TestApp {
    // ---- the ledger's invariant ----------------------------------------------------------------

    /// `GET /api/v1/admin/time-bank/check` as the admin; asserts that the whole ledger is sound:
    /// `ok`, all balances summing to zero, no account whose balance differs from its movements, no
    /// transfer whose movements do not sum to zero, two movements per transfer.
    pub async fn assert_ledger_sound(&self) -> LedgerCheck {
        let admin = self.admin_token().await;
        let resp = self.get("/api/v1/admin/time-bank/check", &admin).await;
        let check = resp.expect_status(200);
        assert_eq!(check["ok"], true, "the ledger check failed: {check}");
        assert_eq!(int_of(check, "balance_sum"), 0, "the balances do not sum to zero: {check}");
        assert!(array_of(check, "mismatched_accounts").is_empty(), "accounts differ from their movements: {check}");
        assert!(array_of(check, "unbalanced_transfers").is_empty(), "unbalanced transfers: {check}");
        let (accounts, transfers, movements) =
            (int_of(check, "accounts"), int_of(check, "transfers"), int_of(check, "movements"));
        assert_eq!(movements, 2 * transfers, "every transfer writes exactly two movements: {check}");
        assert!(accounts >= 0 && transfers >= 0, "{check}");
        LedgerCheck { accounts, transfers, movements }
    }

    /// `GET /api/v1/me/time-bank` as `token` (200).
    pub async fn time_bank(&self, token: &str) -> Value {
        self.get("/api/v1/me/time-bank", token).await.expect_status(200).clone()
    }

    /// The caller's spendable balance in minutes.
    pub async fn balance(&self, token: &str) -> i64 {
        int_of(&self.time_bank(token).await, "balance_minutes")
    }

    /// Every entry of the caller's ledger, all pages, newest first (`limit` per page).
    pub async fn ledger_pages(&self, token: &str, limit: u32) -> Vec<Value> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        let mut seen_cursors = BTreeSet::new();
        loop {
            let mut path = format!("/api/v1/me/time-bank/ledger?limit={limit}");
            if let Some(c) = &cursor {
                path.push_str("&cursor=");
                path.push_str(&urlencode(c));
            }
            let resp = self.get(&path, token).await;
            let body = resp.expect_status(200);
            let page = array_of(body, "items");
            assert!(page.len() <= limit as usize, "a page longer than its limit {limit}: {body}");
            items.extend(page.iter().cloned());
            match body.get("next_cursor").and_then(Value::as_str) {
                Some(c) => {
                    assert!(!page.is_empty(), "an empty page with a next cursor: {body}");
                    assert!(seen_cursors.insert(c.to_owned()), "the ledger's cursor does not advance: {c}");
                    cursor = Some(c.to_owned());
                }
                None => return items,
            }
        }
    }

    /// Every entry of the caller's ledger, newest first.
    pub async fn ledger(&self, token: &str) -> Vec<Value> {
        self.ledger_pages(token, 100).await
    }

    /// Re-sums the caller's ledger independently (small pages, so paging is exercised) and checks
    /// it against the summary: the movements sum to `balance_minutes`, the newest `balance_after`
    /// is the balance, each entry's `balance_after` is the one before it plus its minutes, no
    /// balance is ever negative, no entry is listed twice, and entries are newest first. Returns
    /// the summary.
    pub async fn assert_ledger_adds_up(&self, token: &str) -> Value {
        let summary = self.time_bank(token).await;
        let entries = self.ledger_pages(token, 7).await;
        let balance = int_of(&summary, "balance_minutes");
        let sum: i64 = entries.iter().map(|e| int_of(e, "minutes")).sum();
        assert_eq!(sum, balance, "the ledger's movements do not sum to the balance {summary}: {entries:#?}");
        let ids: BTreeSet<&str> = entries.iter().map(|e| str_of(e, "id")).collect();
        assert_eq!(ids.len(), entries.len(), "an entry is listed twice: {entries:#?}");
        if let Some(newest) = entries.first() {
            assert_eq!(int_of(newest, "balance_after"), balance, "the newest balance_after is not the balance");
        }
        let mut previous = 0;
        for e in entries.iter().rev() {
            let minutes = int_of(e, "minutes");
            assert_ne!(minutes, 0, "a movement of no minutes: {e}");
            let after = int_of(e, "balance_after");
            assert_eq!(after, previous + minutes, "balance_after does not follow from the entry before: {e}");
            assert!(after >= 0, "a person's balance went below zero: {e}");
            previous = after;
        }
        for pair in entries.windows(2) {
            let (newer, older) = (parse_time(str_of(&pair[0], "at")), parse_time(str_of(&pair[1], "at")));
            assert!(newer >= older, "the ledger is not newest first: {pair:#?}");
        }
        // The whole ledger in one page says the same.
        assert_eq!(self.ledger(token).await, entries, "pages of 7 and of 100 list different ledgers");
        summary
    }

    // ---- teams and activities ------------------------------------------------------------------

    /// `POST /api/v1/teams` as `token`.
    pub async fn post_team(&self, token: &str, place_id: &str, leader_id: &str) -> ApiResponse {
        let body = json!({
            "name": format!("红马甲志愿服务队{}", self.next_n()),
            "description": "帮助邻里，服务社区。",
            "place_id": place_id,
            "leader_id": leader_id,
        });
        self.post("/api/v1/teams", token, &body).await
    }

    /// A team at the world's community, created by the admin, led by a fresh member of it.
    pub async fn team(&self, world: &World) -> TeamFixture {
        let leader = self.create_actor(&["member"], &[world.community_id.as_str()]).await;
        let admin = self.admin_token().await;
        let team = self.post_team(&admin, &world.community_id, &leader.id).await.expect_status(201).clone();
        TeamFixture { id: str_of(&team, "id").to_owned(), team, leader }
    }

    /// A valid activity body at `place_id`: starting `starts_in` from now, lasting `length`.
    pub fn activity_body(
        &self,
        place_id: &str,
        starts_in: ChronoDuration,
        length: ChronoDuration,
        capacity: i64,
    ) -> Value {
        let starts = Utc::now() + starts_in;
        let ends = starts + length;
        json!({
            "title": format!("清洁家园 {}", self.next_n()),
            "description": "一起打扫小区公共区域，清理楼道杂物。",
            "place_id": place_id,
            "address": "和平社区三号楼前广场",
            "starts_at": starts.to_rfc3339_opts(SecondsFormat::Millis, true),
            "ends_at": ends.to_rfc3339_opts(SecondsFormat::Millis, true),
            "capacity": capacity,
            "skills": ["打扫", "搬运"],
        })
    }

    /// Publishes an activity of `team` as its leader (201); returns it.
    pub async fn create_activity(&self, team: &TeamFixture, body: &Value) -> Value {
        let resp = self.post(&format!("/api/v1/teams/{}/activities", team.id), &team.leader.token, body).await;
        resp.expect_status(201).clone()
    }

    /// `POST /api/v1/activities/{id}/signup` as `token`.
    pub async fn signup(&self, token: &str, activity_id: &str) -> ApiResponse {
        self.post(&format!("/api/v1/activities/{activity_id}/signup"), token, &json!({})).await
    }

    /// `GET /api/v1/activities/{id}` as `token` (200).
    pub async fn activity(&self, token: &str, activity_id: &str) -> Value {
        self.get(&format!("/api/v1/activities/{activity_id}"), token).await.expect_status(200).clone()
    }

    /// The roster's entries as the organiser sees them (200).
    pub async fn roster(&self, token: &str, activity_id: &str) -> Vec<Value> {
        let resp = self.get(&format!("/api/v1/activities/{activity_id}/roster"), token).await;
        array_of(resp.expect_status(200), "items").clone()
    }

    /// Moves an activity `by` into the past, straight in the database: the API only creates
    /// activities in the future, and the tests cannot wait hours for one to start or end.
    pub fn shift_activity_back(&self, activity_id: &str, by: ChronoDuration) {
        let ms = by.num_milliseconds();
        run_sql(
            &self.database_url,
            &format!(
                "UPDATE activities SET starts_at = starts_at - {ms}, ends_at = ends_at - {ms} WHERE id = {activity_id}"
            ),
        );
    }

    // ---- earning ------------------------------------------------------------------------------

    /// `member` (checked in to the world's community) earns `wishes` confirmed wishes: each posted
    /// by the world's resident, approved by its dispatcher, claimed and fulfilled by `member`,
    /// confirmed by the resident. Returns the wishes' ids.
    pub async fn earn_by_wishes(&self, world: &World, member: &Actor, wishes: usize) -> Vec<String> {
        let mut ids = Vec::new();
        for _ in 0..wishes {
            let wish = self.post_wish(&world.resident.token, &world.community_id).await;
            let id = str_of(&wish, "id").to_owned();
            self.act_ok(&world.dispatcher.token, &id, "approve", json!({})).await;
            self.act_ok(&member.token, &id, "claim", json!({})).await;
            self.act_ok(&member.token, &id, "fulfil", json!({"note": "已经办好"})).await;
            self.act_ok(&world.resident.token, &id, "confirm", json!({"rating": 5})).await;
            ids.push(id);
        }
        ids
    }
}

/// `text` holds none of `phones`.
pub fn assert_no_phones(text: &str, phones: &[&str], what: &str) {
    for phone in phones {
        assert!(!text.contains(phone), "{what} shows the phone number {phone}: {text}");
    }
}
