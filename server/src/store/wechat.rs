//! Storage for WeChat identities, in-app notifications, subscribe-message credits and the outbox.
//!
//! Notifications about a wish change are written by `transition_wish` and `create_wish` in the
//! same transaction as the change (see [`Notice`]), so a committed change always has its
//! notifications and a rolled-back one never does.

use chrono::{DateTime, Utc};

use sqlx::any::AnyRow;
use sqlx::{Any, Row};

use super::{NewUser, Store, StoreError, UserRecord, millis, opt_time, time, unique_violation};

/// Who a notice goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// One account.
    User(i64),
    /// Every dispatcher of the community, except the account that caused it.
    Dispatchers {
        /// The community.
        community_id: i64,
        /// The actor, who needs no notice of their own act.
        except: Option<i64>,
    },
    /// Everyone holding `role` at a place (street officers of a street, grid workers of a grid),
    /// except the actor.
    PlaceRole {
        /// The role's API name (`street_officer`, `grid_worker`).
        role: &'static str,
        /// The place.
        place_id: i64,
        /// The actor.
        except: Option<i64>,
    },
    /// The staff of a department, except the actor.
    DepartmentStaff {
        /// The department.
        department_id: i64,
        /// The actor.
        except: Option<i64>,
    },
}

/// What a notice is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A wish.
    Wish(i64),
    /// A work order.
    Order(i64),
    /// A notice (its notifications are written in bulk by `store::notices`).
    Notice(i64),
}

/// A notification to write with a wish change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Who gets it.
    pub to: Recipient,
    /// What happened (`wish_approved`, …).
    pub kind: &'static str,
    /// The one-line summary.
    pub title: String,
    /// More text (reason, note), possibly empty.
    pub body: String,
    /// The subscribe message to queue with it, for recipients with a WeChat identity and a credit.
    pub message: Option<OutboxMessage>,
}

/// A subscribe message to queue in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// The template id.
    pub template_id: String,
    /// The rendered `{"data": …, "page": …}`.
    pub payload: String,
}

/// A row of the outbox.
#[derive(Debug, Clone)]
pub struct OutboxRecord {
    /// The id.
    pub id: i64,
    /// The recipient.
    pub user_id: i64,
    /// The template id.
    pub template_id: String,
    /// The rendered `{"data": …, "page": …}`.
    pub payload: String,
    /// `pending`, `sending`, `sent`, `failed` or `skipped`.
    pub status: String,
    /// Attempts so far (including the one in progress).
    pub attempts: i64,
    /// Why the last attempt failed, or why it was skipped.
    pub last_error: Option<String>,
    /// When queued.
    pub created_at: DateTime<Utc>,
    /// When sent.
    pub sent_at: Option<DateTime<Utc>>,
}

/// How an outbox row ends (or waits) after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboxOutcome {
    /// WeChat accepted it.
    Sent,
    /// Not sent and never will be (no credit, no identity, 43101); the inbox has the notification.
    Skipped(String),
    /// Failed; try again at the given time.
    Retry(String, DateTime<Utc>),
    /// Failed for good after the last attempt.
    Failed(String),
}

/// A stored notification.
#[derive(Debug, Clone)]
pub struct NotificationRecord {
    /// The id (increasing).
    pub id: i64,
    /// The wish it is about.
    pub wish_id: Option<i64>,
    /// The notice (通知公告) it announces.
    pub notice_id: Option<i64>,
    /// What happened.
    pub kind: String,
    /// The summary.
    pub title: String,
    /// More text.
    pub body: String,
    /// When written.
    pub created_at: DateTime<Utc>,
    /// When read.
    pub read_at: Option<DateTime<Utc>>,
}

/// What binding a WeChat identity to an account did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindOutcome {
    /// Bound now, or already bound to this same account.
    Bound,
    /// The identity belongs to another account, or the account to another identity.
    Conflict,
}

/// A claim whose deadline is near: the wish, its title, the member and the deadline.
#[derive(Debug, Clone)]
pub struct ExpiringClaim {
    /// The wish.
    pub wish_id: i64,
    /// Its title.
    pub title: String,
    /// The claimant.
    pub member_id: i64,
    /// The deadline.
    pub claim_expires_at: DateTime<Utc>,
}

impl Store {
    /// Writes `notices` about `wish_id` on the transaction's connection.
    pub(super) async fn write_notices(
        conn: &mut <Any as sqlx::Database>::Connection,
        notices: &[crate::store::wechat::Notice],
        wish_id: i64,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        Self::write_notices_about(conn, notices, Subject::Wish(wish_id), at).await
    }

    /// Writes `notices` about a wish or a work order on the transaction's connection.
    pub(super) async fn write_notices_about(
        conn: &mut <Any as sqlx::Database>::Connection,
        notices: &[crate::store::wechat::Notice],
        subject: Subject,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        let (wish_id, order_id) = match subject {
            Subject::Wish(id) => (Some(id), None),
            Subject::Order(id) => (None, Some(id)),
            Subject::Notice(_) => (None, None),
        };
        for notice in notices {
            let users: Vec<i64> = match notice.to {
                Recipient::User(id) => vec![id],
                Recipient::Dispatchers { community_id, except } => {
                    sqlx::query_scalar(
                        "SELECT DISTINCT user_id FROM role_grants \
                             WHERE role = 'dispatcher' AND community_id = $1 AND user_id <> $2 ORDER BY user_id",
                    )
                    .bind(community_id)
                    .bind(except.unwrap_or(0))
                    .fetch_all(&mut *conn)
                    .await?
                }
                Recipient::PlaceRole { role, place_id, except } => {
                    sqlx::query_scalar(
                        "SELECT DISTINCT user_id FROM place_grants \
                             WHERE role = $1 AND place_id = $2 AND user_id <> $3 ORDER BY user_id",
                    )
                    .bind(role)
                    .bind(place_id)
                    .bind(except.unwrap_or(0))
                    .fetch_all(&mut *conn)
                    .await?
                }
                Recipient::DepartmentStaff { department_id, except } => {
                    sqlx::query_scalar(
                        "SELECT user_id FROM department_staff WHERE department_id = $1 AND user_id <> $2 \
                             ORDER BY user_id",
                    )
                    .bind(department_id)
                    .bind(except.unwrap_or(0))
                    .fetch_all(&mut *conn)
                    .await?
                }
            };
            for user in users {
                let notification_id: i64 = sqlx::query_scalar(
                    "INSERT INTO notifications (user_id, wish_id, work_order_id, kind, title, body, created_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(user)
                .bind(wish_id)
                .bind(order_id)
                .bind(notice.kind)
                .bind(&notice.title)
                .bind(&notice.body)
                .bind(at)
                .fetch_one(&mut *conn)
                .await?;
                // Queued only for someone who can receive it: a WeChat identity and a credit.
                if let Some(message) = &notice.message {
                    sqlx::query(
                        "INSERT INTO outbox (user_id, notification_id, template_id, payload, status, attempts, \
                                 next_attempt_at, created_at) \
                                 SELECT $1, $2, $3, $4, 'pending', 0, $5, $5 \
                                 WHERE EXISTS (SELECT 1 FROM wechat_identities WHERE user_id = $1) \
                                 AND EXISTS (SELECT 1 FROM subscription_credits \
                                             WHERE user_id = $1 AND template_id = $3 AND credits > 0)",
                    )
                    .bind(user)
                    .bind(notification_id)
                    .bind(&message.template_id)
                    .bind(&message.payload)
                    .bind(at)
                    .execute(&mut *conn)
                    .await?;
                }
            }
        }
        Ok(())
    }

    pub(super) fn notification_from_row(row: &AnyRow) -> Result<crate::store::wechat::NotificationRecord, sqlx::Error> {
        Ok(crate::store::wechat::NotificationRecord {
            id: row.try_get("id")?,
            wish_id: row.try_get("wish_id")?,
            notice_id: row.try_get("notice_id")?,
            kind: row.try_get("kind")?,
            title: row.try_get("title")?,
            body: row.try_get("body")?,
            created_at: time(row.try_get("created_at")?)?,
            read_at: opt_time(row.try_get("read_at")?)?,
        })
    }

    pub(super) fn outbox_from_row(row: &AnyRow) -> Result<crate::store::wechat::OutboxRecord, sqlx::Error> {
        Ok(crate::store::wechat::OutboxRecord {
            id: row.try_get("id")?,
            user_id: row.try_get("user_id")?,
            template_id: row.try_get("template_id")?,
            payload: row.try_get("payload")?,
            status: row.try_get("status")?,
            attempts: row.try_get("attempts")?,
            last_error: row.try_get("last_error")?,
            created_at: time(row.try_get("created_at")?)?,
            sent_at: opt_time(row.try_get("sent_at")?)?,
        })
    }
}

impl Store {
    /// The account bound to a WeChat `openid`.
    pub async fn user_by_openid(&self, openid: &str) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT u.id, u.phone, u.name, u.password_hash FROM wechat_identities w \
                     JOIN users u ON u.id = w.user_id WHERE w.openid = $1",
        )
        .bind(openid)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => self.user_from_row(&row).await.map(Some),
            None => Ok(None),
        }
    }

    /// Creates an account bound to `openid` in one transaction; `AlreadyExists("openid")` if it
    /// was bound meanwhile.
    pub async fn create_wechat_user(
        &self,
        openid: &str,
        unionid: Option<&str>,
        user: NewUser,
    ) -> Result<UserRecord, StoreError> {
        let now = millis(Utc::now());
        let mut tx = self.pool.begin().await?;
        let id = Self::insert_user(&mut tx, &user, now, "openid").await?;
        sqlx::query("INSERT INTO wechat_identities (openid, unionid, user_id, created_at) VALUES ($1, $2, $3, $4)")
            .bind(openid)
            .bind(unionid)
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(|e| if unique_violation(&e) { StoreError::AlreadyExists("openid") } else { e.into() })?;
        tx.commit().await?;
        Ok(user.stored_as(id))
    }

    /// Binds `openid` to the account, unless either is bound elsewhere.
    pub async fn bind_wechat(
        &self,
        user_id: i64,
        openid: &str,
        unionid: Option<&str>,
    ) -> Result<crate::store::wechat::BindOutcome, StoreError> {
        let inserted =
            sqlx::query("INSERT INTO wechat_identities (openid, unionid, user_id, created_at) VALUES ($1, $2, $3, $4)")
                .bind(openid)
                .bind(unionid)
                .bind(user_id)
                .bind(millis(Utc::now()))
                .execute(&self.pool)
                .await;
        match inserted {
            Ok(_) => Ok(BindOutcome::Bound),
            Err(e) if unique_violation(&e) => {
                let owner: Option<i64> = sqlx::query_scalar("SELECT user_id FROM wechat_identities WHERE openid = $1")
                    .bind(openid)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(if owner == Some(user_id) { BindOutcome::Bound } else { BindOutcome::Conflict })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The `openid` bound to the account.
    pub async fn wechat_openid(&self, user_id: i64) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT openid FROM wechat_identities WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Sets the account's phone number; `AlreadyExists("phone")` if another account has it.
    pub async fn set_phone(&self, user_id: i64, phone: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET phone = $1 WHERE id = $2")
            .bind(phone)
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(|e| if unique_violation(&e) { StoreError::AlreadyExists("phone") } else { e.into() })?;
        Ok(())
    }

    /// A page of the account's notifications, newest first, below `before_id`.
    pub async fn notifications(
        &self,
        user_id: i64,
        before_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<crate::store::wechat::NotificationRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, wish_id, notice_id, kind, title, body, created_at, read_at FROM notifications \
                     WHERE user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(user_id)
        .bind(before_id.unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(Self::notification_from_row).collect::<Result<_, _>>()?)
    }

    /// How many of the account's notifications are unread.
    pub async fn unread_notifications(&self, user_id: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await?)
    }

    /// Marks one of the account's notifications read; `false` if it has no such notification.
    pub async fn mark_notification_read(&self, user_id: i64, id: i64, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM notifications WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        if found.is_none() {
            return Ok(false);
        }
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE id = $2 AND user_id = $3 AND read_at IS NULL")
            .bind(millis(at))
            .bind(id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(true)
    }

    /// Marks every notification of the account read; returns how many changed.
    pub async fn mark_all_notifications_read(&self, user_id: i64, at: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
            .bind(millis(at))
            .bind(user_id)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    /// Claims due before `until` that have no reminder yet.
    pub async fn expiring_claims(
        &self,
        until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<crate::store::wechat::ExpiringClaim>, StoreError> {
        let rows = sqlx::query(
            "SELECT w.id, w.title, w.member_id, w.claim_expires_at FROM wishes w \
                     WHERE w.status = 'claimed' AND w.claim_expires_at <= $1 AND w.member_id IS NOT NULL \
                     AND NOT EXISTS (SELECT 1 FROM claim_reminders r \
                                     WHERE r.wish_id = w.id AND r.claim_expires_at = w.claim_expires_at) \
                     ORDER BY w.claim_expires_at LIMIT $2",
        )
        .bind(millis(until))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(crate::store::wechat::ExpiringClaim {
                    wish_id: r.try_get("id")?,
                    title: r.try_get("title")?,
                    member_id: r.try_get("member_id")?,
                    claim_expires_at: time(r.try_get("claim_expires_at")?)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// Records the reminder for one claim deadline and writes its notice, once: `false` if another
    /// instance (or an earlier round) already did.
    pub async fn remind_claim(
        &self,
        claim: &crate::store::wechat::ExpiringClaim,
        notice: &crate::store::wechat::Notice,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO claim_reminders (wish_id, claim_expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(claim.wish_id)
        .bind(millis(claim.claim_expires_at))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        Self::write_notices(&mut tx, std::slice::from_ref(notice), claim.wish_id, millis(at)).await?;
        tx.commit().await?;
        Ok(true)
    }
    /// Adds one subscribe-message credit per template for the account.
    pub async fn add_credits(&self, user_id: i64, template_ids: &[String]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for template in template_ids {
            sqlx::query(
                "INSERT INTO subscription_credits (user_id, template_id, credits) VALUES ($1, $2, 1) \
                         ON CONFLICT (user_id, template_id) DO UPDATE SET credits = subscription_credits.credits + 1",
            )
            .bind(user_id)
            .bind(template)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The account's credits, by template id.
    pub async fn credits(&self, user_id: i64) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT template_id, credits FROM subscription_credits WHERE user_id = $1 ORDER BY template_id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| Ok((r.try_get("template_id")?, r.try_get("credits")?)))
            .collect::<Result<_, sqlx::Error>>()?)
    }

    /// Spends one credit if there is one; `false` if none is left.
    pub async fn spend_credit(&self, user_id: i64, template_id: &str) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE subscription_credits SET credits = credits - 1 \
                     WHERE user_id = $1 AND template_id = $2 AND credits > 0",
        )
        .bind(user_id)
        .bind(template_id)
        .execute(&self.pool)
        .await?
        .rows_affected()
            > 0)
    }

    /// Gives back a credit spent on a message that was not delivered.
    pub async fn refund_credit(&self, user_id: i64, template_id: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE subscription_credits SET credits = credits + 1 WHERE user_id = $1 AND template_id = $2")
            .bind(user_id)
            .bind(template_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Drops every credit of the account for the template (WeChat answered 43101).
    pub async fn clear_credits(&self, user_id: i64, template_id: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE subscription_credits SET credits = 0 WHERE user_id = $1 AND template_id = $2")
            .bind(user_id)
            .bind(template_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ids of outbox rows due at `now` (pending, or sending with an expired lease), oldest first.
    pub async fn due_outbox(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM outbox WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1 \
                     ORDER BY id LIMIT $2",
        )
        .bind(millis(now))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Takes a due row for sending until `lease_until`, by a conditional write: `None` if another
    /// instance took it first or it is no longer due.
    pub async fn take_outbox(
        &self,
        id: i64,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Option<crate::store::wechat::OutboxRecord>, StoreError> {
        let row = sqlx::query(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = $1 \
                     WHERE id = $2 AND status IN ('pending', 'sending') AND next_attempt_at <= $3 \
                     RETURNING id, user_id, template_id, payload, status, attempts, last_error, created_at, sent_at",
        )
        .bind(millis(lease_until))
        .bind(id)
        .bind(millis(now))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(Self::outbox_from_row).transpose()?)
    }

    /// Records how an attempt ended.
    pub async fn finish_outbox(
        &self,
        id: i64,
        outcome: &crate::store::wechat::OutboxOutcome,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (status, error, next, sent) = match outcome {
            OutboxOutcome::Sent => ("sent", None, now, Some(millis(now))),
            OutboxOutcome::Skipped(why) => ("skipped", Some(why.as_str()), now, None),
            OutboxOutcome::Retry(why, at) => ("pending", Some(why.as_str()), *at, None),
            OutboxOutcome::Failed(why) => ("failed", Some(why.as_str()), now, None),
        };
        sqlx::query(
            "UPDATE outbox SET status = $1, last_error = $2, next_attempt_at = $3, sent_at = $4 \
                     WHERE id = $5 AND status = 'sending'",
        )
        .bind(status)
        .bind(error)
        .bind(millis(next))
        .bind(sent)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Outbox rows, newest first, optionally of one status, below `before_id`.
    pub async fn list_outbox(
        &self,
        status: Option<&str>,
        before_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<crate::store::wechat::OutboxRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, user_id, template_id, payload, status, attempts, last_error, created_at, sent_at \
                     FROM outbox WHERE ($1 = '' OR status = $1) AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(status.unwrap_or_default())
        .bind(before_id.unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(Self::outbox_from_row).collect::<Result<_, _>>()?)
    }

    /// How many outbox rows are waiting (`pending`, `sending`) or failed for good (`failed`), by
    /// status; every one of the three is listed, with 0 when there are none. Sent and skipped rows
    /// are history, not depth, and are not counted.
    pub async fn outbox_depth(&self) -> Result<Vec<(&'static str, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT status, COUNT(*) AS n FROM outbox WHERE status IN ('pending', 'sending', 'failed') GROUP BY status",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut depth = vec![("pending", 0), ("sending", 0), ("failed", 0)];
        for row in &rows {
            let status: String = row.try_get("status")?;
            let n: i64 = row.try_get("n")?;
            if let Some(slot) = depth.iter_mut().find(|(s, _)| *s == status) {
                slot.1 = n;
            }
        }
        Ok(depth)
    }
}
