//! Storage of dual check-ins (双报到): unit branches and members' check-ins. An approved check-in
//! writes the member's `role_grants` row for the community in the same transaction, and a
//! withdrawal removes it, so every existing membership rule follows the check-in.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use haolin_shared::domain::CheckinStatus;

use sqlx::Row;
use sqlx::any::AnyRow;

use super::audit::AuditEntry;
use super::sql_builder::SqlBuilder;
use super::{Backend, Recorded, Store, StoreError, TransitionWrite, WishRecord, millis, time};

/// A check-in as stored, with the member's name.
#[derive(Debug, Clone)]
pub struct CheckinRecord {
    /// The id.
    pub id: i64,
    /// The member.
    pub member_id: i64,
    /// The member's name.
    pub member_name: String,
    /// The community.
    pub community_id: i64,
    /// The work-unit branch.
    pub unit_branch_id: Option<i64>,
    /// The service certificate number.
    pub certificate_no: String,
    /// The introduction letter's reference.
    pub letter_ref: String,
    /// Where the check-in stands.
    pub status: CheckinStatus,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// When filed.
    pub created_at: DateTime<Utc>,
    /// When decided.
    pub decided_at: Option<DateTime<Utc>>,
}

/// A work-unit branch's check-in as stored.
#[derive(Debug, Clone)]
pub struct BranchCheckinRecord {
    /// The id.
    pub id: i64,
    /// The branch.
    pub unit_branch_id: i64,
    /// The community.
    pub community_id: i64,
    /// The introduction letter's reference.
    pub letter_ref: String,
    /// `pending`, `approved` or `rejected`.
    pub status: CheckinStatus,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// When filed.
    pub created_at: DateTime<Utc>,
    /// When decided.
    pub decided_at: Option<DateTime<Utc>>,
}

/// A check-in to file, validated.
#[derive(Debug, Clone)]
pub struct NewCheckin {
    /// The member.
    pub member_id: i64,
    /// The community.
    pub community_id: i64,
    /// The work-unit branch.
    pub unit_branch_id: Option<i64>,
    /// The service certificate number.
    pub certificate_no: String,
    /// The introduction letter's reference.
    pub letter_ref: String,
}

/// Which check-ins a caller may list, and how they narrowed it.
#[derive(Debug, Clone, Default)]
pub struct CheckinQuery {
    /// Every check-in (admins).
    pub sees_all: bool,
    /// The caller (sees their own).
    pub viewer_id: i64,
    /// Communities the caller dispatches for (sees theirs).
    pub dispatcher_of: Vec<i64>,
    /// Only this community.
    pub community_id: Option<i64>,
    /// Only this status.
    pub status: Option<CheckinStatus>,
}

/// A withdrawal to write: the check-in, what the workflow saw, and the releases it planned.
#[derive(Debug, Clone)]
pub struct CheckinWithdrawal {
    /// The check-in.
    pub id: i64,
    /// Its member.
    pub member_id: i64,
    /// Its community.
    pub community_id: i64,
    /// The status the decision was made on.
    pub expected: CheckinStatus,
    /// Now.
    pub at: DateTime<Utc>,
    /// One release (or decline) for every wish the member holds in the community.
    pub releases: Vec<TransitionWrite>,
}

const BRANCH_SELECT: &str = "SELECT id, unit_branch_id, community_id, letter_ref, status, reason, \
                 created_at, decided_at FROM unit_branch_checkins";

fn branch_from_row(row: &AnyRow) -> Result<BranchCheckinRecord, sqlx::Error> {
    Ok(BranchCheckinRecord {
        id: row.try_get("id")?,
        unit_branch_id: row.try_get("unit_branch_id")?,
        community_id: row.try_get("community_id")?,
        letter_ref: row.try_get("letter_ref")?,
        status: checkin_status(row.try_get("status")?)?,
        reason: row.try_get("reason")?,
        created_at: time(row.try_get("created_at")?)?,
        decided_at: row.try_get::<Option<i64>, _>("decided_at")?.map(time).transpose()?,
    })
}

const SELECT: &str = "SELECT c.id, c.member_id, u.name AS member_name, c.community_id, c.unit_branch_id, \
                 c.certificate_no, c.letter_ref, c.status, c.reason, c.created_at, c.decided_at \
                 FROM checkins c JOIN users u ON u.id = c.member_id";

fn from_row(row: &AnyRow) -> Result<CheckinRecord, sqlx::Error> {
    Ok(CheckinRecord {
        id: row.try_get("id")?,
        member_id: row.try_get("member_id")?,
        member_name: row.try_get("member_name")?,
        community_id: row.try_get("community_id")?,
        unit_branch_id: row.try_get("unit_branch_id")?,
        certificate_no: row.try_get("certificate_no")?,
        letter_ref: row.try_get("letter_ref")?,
        status: checkin_status(row.try_get("status")?)?,
        reason: row.try_get("reason")?,
        created_at: time(row.try_get("created_at")?)?,
        decided_at: row.try_get::<Option<i64>, _>("decided_at")?.map(time).transpose()?,
    })
}

/// A stored check-in status.
fn checkin_status(raw: String) -> Result<CheckinStatus, sqlx::Error> {
    CheckinStatus::parse(&raw).ok_or_else(|| sqlx::Error::Decode(format!("bad check-in status {raw}").into()))
}

/// The filter of the wishes a member (`$1`) holds in a community (`$2`): the statuses
/// `WishStatus::is_held` names.
const HELD_WHERE: &str = "w.member_id = $1 AND w.community_id = $2 AND w.status IN ('assigned', 'claimed')";

/// The ids of the wishes a member holds in a community, in order.
static HELD_IDS: LazyLock<String> =
    LazyLock::new(|| format!("SELECT w.id FROM wishes w WHERE {HELD_WHERE} ORDER BY w.id"));

/// The wishes a member holds in a community, in order.
static HELD_WISHES: LazyLock<String> =
    LazyLock::new(|| format!("{} WHERE {HELD_WHERE} ORDER BY w.id", *super::WISH_SELECT));

fn taken(field: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::AlreadyExists(field),
        _ => e.into(),
    }
}

impl Store {
    /// Registers a work-unit branch (`AlreadyExists("name")` when the name is taken).
    pub async fn create_unit_branch(&self, name: &str, at: DateTime<Utc>) -> Result<i64, StoreError> {
        sqlx::query_scalar("INSERT INTO unit_branches (name, created_at) VALUES ($1, $2) RETURNING id")
            .bind(name)
            .bind(at.timestamp_millis())
            .fetch_one(&self.pool)
            .await
            .map_err(taken("name"))
    }

    /// Every unit branch, by name.
    pub async fn unit_branches(&self) -> Result<Vec<(i64, String)>, StoreError> {
        let rows = sqlx::query("SELECT id, name FROM unit_branches ORDER BY name, id LIMIT 1000")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("name")?))).collect::<Result<_, sqlx::Error>>()?)
    }

    /// Files a check-in as pending (`AlreadyExists("community_id")` when one is live already).
    pub async fn create_checkin(&self, c: NewCheckin, at: DateTime<Utc>) -> Result<i64, StoreError> {
        sqlx::query_scalar(
            "INSERT INTO checkins (member_id, community_id, unit_branch_id, certificate_no, letter_ref, \
                         status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(c.member_id)
        .bind(c.community_id)
        .bind(c.unit_branch_id)
        .bind(&c.certificate_no)
        .bind(&c.letter_ref)
        .bind(CheckinStatus::Pending.as_str())
        .bind(at.timestamp_millis())
        .fetch_one(&self.pool)
        .await
        .map_err(taken("community_id"))
    }

    /// One check-in.
    pub async fn checkin(&self, id: i64) -> Result<Option<CheckinRecord>, StoreError> {
        let row = sqlx::query(&format!("{SELECT} WHERE c.id = $1")).bind(id).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(from_row).transpose()?)
    }

    /// The check-ins a caller may see, newest first (at most 100).
    pub async fn list_checkins(&self, query: &CheckinQuery) -> Result<Vec<CheckinRecord>, StoreError> {
        let mut q = SqlBuilder::new(SELECT);
        q.push(" WHERE 1 = 1");
        if !query.sees_all {
            q.push(" AND (c.member_id = ").push_bind(query.viewer_id);
            for community in &query.dispatcher_of {
                q.push(" OR c.community_id = ").push_bind(*community);
            }
            q.push(")");
        }
        if let Some(community) = query.community_id {
            q.push(" AND c.community_id = ").push_bind(community);
        }
        if let Some(status) = &query.status {
            q.push(" AND c.status = ").push_bind(status.as_str());
        }
        q.push(" ORDER BY c.id DESC LIMIT 100");
        let rows = q.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
    }

    /// Moves a check-in from `from` to `to` (the state machine's decision), with the reason and who
    /// decided; approving grants the member the community's `member` role in the same transaction.
    /// Says whether the check-in was still at `from`; `audit` is recorded only if it was.
    #[allow(clippy::too_many_arguments)]
    pub async fn decide_checkin(
        &self,
        id: i64,
        from: CheckinStatus,
        to: CheckinStatus,
        reason: Option<&str>,
        by: i64,
        at: DateTime<Utc>,
        audit: Option<&AuditEntry>,
    ) -> Result<bool, StoreError> {
        let at = at.timestamp_millis();
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE checkins SET status = $1, reason = $2, decided_by = $3, decided_at = $4 \
                         WHERE id = $5 AND status = $6",
        )
        .bind(to.as_str())
        .bind(reason)
        .bind(by)
        .bind(at)
        .bind(id)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done > 0 && to == CheckinStatus::Approved {
            sqlx::query(
                "INSERT INTO role_grants (user_id, role, community_id, created_at) \
                             SELECT member_id, 'member', community_id, $1 FROM checkins WHERE id = $2 \
                             ON CONFLICT DO NOTHING",
            )
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        if done > 0
            && let Some(entry) = audit
        {
            Self::insert_audit(&mut tx, entry, None).await?;
        }
        tx.commit().await?;
        Ok(done > 0)
    }

    /// Withdraws a check-in and gives back the wishes its member held in the community, all in
    /// one transaction: the check-in moves from `expected` to `withdrawn` (an approved one's
    /// membership ends), and each planned release is written as [`Store::transition_wish`] writes
    /// it. The member's row is locked first, and the wishes they hold in the community must be
    /// exactly the planned ones; when the check-in or any of those wishes has moved on, nothing is
    /// written and the answer is `None`, for the workflow to read again and re-plan.
    pub async fn withdraw_checkin(&self, w: CheckinWithdrawal) -> Result<Option<Vec<Recorded>>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE checkins SET status = $1, withdrawn_at = $2 WHERE id = $3 AND status = $4 \
             AND member_id = $5 AND community_id = $6",
        )
        .bind(CheckinStatus::Withdrawn.as_str())
        .bind(millis(w.at))
        .bind(w.id)
        .bind(w.expected.as_str())
        .bind(w.member_id)
        .bind(w.community_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        if self.backend == Backend::Postgres {
            // The member's claims lock this row too: none can slip in between the check below and
            // the commit.
            sqlx::query("SELECT id FROM users WHERE id = $1 FOR UPDATE").bind(w.member_id).execute(&mut *tx).await?;
        }
        if w.expected == CheckinStatus::Approved {
            sqlx::query("DELETE FROM role_grants WHERE user_id = $1 AND role = 'member' AND community_id = $2")
                .bind(w.member_id)
                .bind(w.community_id)
                .execute(&mut *tx)
                .await?;
        }
        let held: Vec<i64> =
            sqlx::query_scalar(HELD_IDS.as_str()).bind(w.member_id).bind(w.community_id).fetch_all(&mut *tx).await?;
        let mut planned: Vec<i64> = w.releases.iter().map(|r| r.wish_id).collect();
        planned.sort_unstable();
        if held != planned {
            tx.rollback().await?;
            return Ok(None);
        }
        let mut released = Vec::with_capacity(w.releases.len());
        for write in &w.releases {
            let Some(event_id) = self.write_transition(&mut tx, write).await? else {
                tx.rollback().await?;
                return Ok(None);
            };
            let wish = self.after_write(write, &mut tx).await?;
            released.push(Recorded { wish, event_id });
        }
        tx.commit().await?;
        Ok(Some(released))
    }

    /// `(units, members, wishes claimed, wishes fulfilled)` of a community's approved check-ins.
    pub async fn checkin_figures(&self, community_id: i64) -> Result<(i64, i64, i64, i64), StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(DISTINCT b.unit_branch_id) FROM unit_branch_checkins b \
                            WHERE b.community_id = $1 AND b.status = $2) AS units, \
                         COUNT(DISTINCT member_id) AS members, \
                         (SELECT COUNT(DISTINCT e.wish_id) FROM wish_events e WHERE e.community_id = $1 \
                            AND e.action IN ('claim', 'accept') AND e.actor_id IN \
                            (SELECT member_id FROM checkins WHERE community_id = $1 AND status = $2)) AS claimed, \
                         (SELECT COUNT(DISTINCT e.wish_id) FROM wish_events e WHERE e.community_id = $1 \
                            AND e.action = 'fulfil' AND e.actor_id IN \
                            (SELECT member_id FROM checkins WHERE community_id = $1 AND status = $2)) AS fulfilled \
                         FROM checkins WHERE community_id = $1 AND status = $2",
        )
        .bind(community_id)
        .bind(CheckinStatus::Approved.as_str())
        .fetch_one(&self.pool)
        .await?;
        Ok((row.try_get("units")?, row.try_get("members")?, row.try_get("claimed")?, row.try_get("fulfilled")?))
    }

    /// The wishes of a community that a member holds live (assigned or claimed), by id.
    pub async fn held_wishes_in(&self, member_id: i64, community_id: i64) -> Result<Vec<WishRecord>, StoreError> {
        let rows = sqlx::query(HELD_WISHES.as_str()).bind(member_id).bind(community_id).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(Store::wish_from_row).collect::<Result<_, _>>()?)
    }

    /// Whether a work-unit branch exists.
    pub async fn unit_branch_exists(&self, id: i64) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar::<_, i64>("SELECT id FROM unit_branches WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .is_some())
    }

    /// Files a branch's check-in as pending (`AlreadyExists("community_id")` when one is live).
    pub async fn create_branch_checkin(
        &self,
        unit_branch_id: i64,
        community_id: i64,
        letter_ref: &str,
        at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        sqlx::query_scalar(
            "INSERT INTO unit_branch_checkins (unit_branch_id, community_id, letter_ref, status, created_at) \
                         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(unit_branch_id)
        .bind(community_id)
        .bind(letter_ref)
        .bind(CheckinStatus::Pending.as_str())
        .bind(at.timestamp_millis())
        .fetch_one(&self.pool)
        .await
        .map_err(taken("community_id"))
    }

    /// One branch check-in.
    pub async fn branch_checkin(&self, id: i64) -> Result<Option<BranchCheckinRecord>, StoreError> {
        let row = sqlx::query(&format!("{BRANCH_SELECT} WHERE id = $1")).bind(id).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(branch_from_row).transpose()?)
    }

    /// A branch's check-ins, newest first.
    pub async fn branch_checkins(&self, unit_branch_id: i64) -> Result<Vec<BranchCheckinRecord>, StoreError> {
        let rows = sqlx::query(&format!("{BRANCH_SELECT} WHERE unit_branch_id = $1 ORDER BY id DESC LIMIT 500"))
            .bind(unit_branch_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(branch_from_row).collect::<Result<_, _>>()?)
    }

    /// Moves a branch check-in from `from` to `to` (the state machine's decision); says whether it
    /// was still at `from`.
    pub async fn decide_branch_checkin(
        &self,
        id: i64,
        from: CheckinStatus,
        to: CheckinStatus,
        reason: Option<&str>,
        by: i64,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE unit_branch_checkins SET status = $1, reason = $2, decided_by = $3, decided_at = $4 \
                         WHERE id = $5 AND status = $6",
        )
        .bind(to.as_str())
        .bind(reason)
        .bind(by)
        .bind(at.timestamp_millis())
        .bind(id)
        .bind(from.as_str())
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(done > 0)
    }
}
