//! Storage of the time bank (docs/TIME-BANK.md): the double-entry ledger, and what is read from
//! it (a person's summary and ledger page, a pool, the invariant check, the service record, the
//! certificates).
//!
//! Every transfer goes through [`post_transfer`] inside the transaction of the change that caused
//! it: both account rows are created if new and locked in the order of their keys (an upsert
//! that touches the row, which both backends treat as a row write), their balances read, the
//! rules applied (only the issue account goes below zero; a person's cap), then the balances
//! updated and the transfer written with its two movements. Locking in one fixed order means two
//! transfers between the same accounts in opposite directions wait for each other instead of
//! deadlocking. Nothing here updates or deletes a transfer or a
//! movement (the tables' triggers refuse it).

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use haolin_shared::api::TransferKind;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Backend, Store, StoreError, millis, opt_time, time, unique_violation};

/// A transaction of the store.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// An account of the ledger, by what it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Account {
    /// A person's spendable balance.
    Person(i64),
    /// A person's escrow: the prices of their live paid wishes.
    Escrow(i64),
    /// A community's pool.
    Pool(i64),
    /// The district's issue account: minus everything ever issued.
    Issue,
}

impl Account {
    /// Its kind and owner, as stored (the issue account's owner is 0).
    pub fn key(self) -> (&'static str, i64) {
        match self {
            Self::Person(id) => ("person", id),
            Self::Escrow(id) => ("escrow", id),
            Self::Pool(id) => ("pool", id),
            Self::Issue => ("issue", 0),
        }
    }
}

/// What to do when a credit would take a person over the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapRule {
    /// Refuse the transfer (gifts).
    Refuse,
    /// Move only what fits; the rest stays with the source (credits).
    Trim,
}

/// A transfer to write.
#[derive(Debug, Clone)]
pub struct NewTransfer {
    /// Why.
    pub kind: TransferKind,
    /// From.
    pub from: Account,
    /// To.
    pub to: Account,
    /// How many minutes (more than zero).
    pub minutes: i64,
    /// What for, as a person reads it.
    pub memo: String,
    /// The wish it belongs to.
    pub wish_id: Option<i64>,
    /// The activity it belongs to.
    pub activity_id: Option<i64>,
    /// The transfer it reverses.
    pub reverses_id: Option<i64>,
    /// Who made it; `None` for the system.
    pub actor_id: Option<i64>,
    /// Makes it happen once only (`wish:{id}` …).
    pub once_key: Option<String>,
    /// When: `None` is the moment it is written, taken once both accounts are locked (so each
    /// account's movements are in time order as in id order); a time is a record of history (the
    /// demo's last week).
    pub at: Option<DateTime<Utc>>,
    /// The most a person's account may hold, and what to do beyond it.
    pub cap: Option<(i64, CapRule)>,
    /// Change of the receiving person's lifetime earnings (service credits), and of the sending
    /// person's (a reversed credit), in minutes moved.
    pub earns: Earns,
}

impl NewTransfer {
    /// A transfer of `minutes` from `from` to `to` when written, by nobody in particular, about
    /// nothing else, repeatable, uncapped, earning nothing: set the rest with struct update syntax.
    pub fn new(kind: TransferKind, from: Account, to: Account, minutes: i64, memo: String) -> Self {
        Self {
            kind,
            from,
            to,
            minutes,
            memo,
            wish_id: None,
            activity_id: None,
            reverses_id: None,
            actor_id: None,
            once_key: None,
            at: None,
            cap: None,
            earns: Earns::No,
        }
    }

    /// A service credit to a person: once (`once_key`), trimmed by the cap, counted as earned.
    pub fn credit(self, once_key: String, cap: i64) -> Self {
        Self { once_key: Some(once_key), cap: Some((cap, CapRule::Trim)), earns: Earns::Receiver, ..self }
    }
}

/// Whether a transfer counts towards lifetime earnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Earns {
    /// It does not.
    #[default]
    No,
    /// The receiver earned it by service.
    Receiver,
    /// It takes back what the sender had earned (a reversed credit).
    SenderGivesBack,
}

/// A transfer written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posted {
    /// Its id.
    pub id: i64,
    /// The minutes moved (less than asked when trimmed by the cap).
    pub minutes: i64,
    /// The receiver's balance after it.
    pub to_balance: i64,
    /// When it was written.
    pub at: DateTime<Utc>,
}

/// Why a transfer was not written (the caller rolls its transaction back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The sender holds this much, less than asked.
    Insufficient {
        /// The sender's balance.
        balance: i64,
    },
    /// The receiver may take only this much more.
    OverCap {
        /// Room left under the cap.
        room: i64,
    },
    /// A transfer with the same once-key exists.
    Duplicate,
    /// The cap left no room at all (a trimmed credit of zero): nothing to write.
    Nothing,
    /// The sender's gifts today would pass the daily limit; this much is left.
    DailyLimit {
        /// Minutes still allowed today.
        left: i64,
    },
}

/// Creates the account when it is new and locks its row (an upsert that touches it, one round
/// trip): its id and balance.
async fn lock_account(tx: &mut Tx, account: Account, at: i64) -> Result<(i64, i64), sqlx::Error> {
    let (kind, owner) = account.key();
    let row = sqlx::query(
        "INSERT INTO ledger_accounts (kind, owner_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (kind, owner_id) DO UPDATE SET balance = ledger_accounts.balance RETURNING id, balance",
    )
    .bind(kind)
    .bind(owner)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?;
    Ok((row.try_get("id")?, row.try_get("balance")?))
}

/// Writes `t` inside `tx` (see the module's description). On a refusal nothing of `t` was
/// written, but the caller must still roll back: the account rows may have been created.
pub async fn post_transfer(tx: &mut Tx, t: &NewTransfer) -> Result<Result<Posted, Refusal>, StoreError> {
    let at = millis(t.at.unwrap_or_else(Utc::now));
    // The two account rows, locked in the order of their keys (so transfers in opposite directions
    // wait for each other rather than deadlock). A write first, too: a SQLite transaction then
    // takes the write lock at once (a read first could not upgrade while another writer commits).
    let ((from, from_balance), (to, to_balance)) = if t.from.key() <= t.to.key() {
        let from = lock_account(tx, t.from, at).await?;
        (from, lock_account(tx, t.to, at).await?)
    } else {
        let to = lock_account(tx, t.to, at).await?;
        (lock_account(tx, t.from, at).await?, to)
    };
    if let Some(key) = &t.once_key {
        let seen: Option<i64> = sqlx::query_scalar("SELECT id FROM ledger_transfers WHERE once_key = $1")
            .bind(key)
            .fetch_optional(&mut **tx)
            .await?;
        if seen.is_some() {
            return Ok(Err(Refusal::Duplicate));
        }
    }
    let at = if t.at.is_some() { at } else { millis(Utc::now()) };
    let mut minutes = t.minutes;
    if let (Some((cap, rule)), Account::Person(_)) = (t.cap, t.to) {
        let room = (cap - to_balance).max(0);
        if minutes > room {
            match rule {
                CapRule::Refuse => return Ok(Err(Refusal::OverCap { room })),
                CapRule::Trim => minutes = room,
            }
        }
    }
    if minutes <= 0 {
        return Ok(Err(Refusal::Nothing));
    }
    if t.from != Account::Issue && from_balance < minutes {
        return Ok(Err(Refusal::Insufficient { balance: from_balance }));
    }
    let (earned_to, earned_from) = match t.earns {
        Earns::No => (0, 0),
        Earns::Receiver => (minutes, 0),
        Earns::SenderGivesBack => (0, minutes),
    };
    sqlx::query("UPDATE ledger_accounts SET balance = balance - $1, earned = earned - $2 WHERE id = $3")
        .bind(minutes)
        .bind(earned_from)
        .bind(from)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE ledger_accounts SET balance = balance + $1, earned = earned + $2 WHERE id = $3")
        .bind(minutes)
        .bind(earned_to)
        .bind(to)
        .execute(&mut **tx)
        .await?;
    // `ON CONFLICT … DO NOTHING`: a once-key written by another transaction since the check above
    // must not abort a PostgreSQL transaction (its commit would silently roll back); it fails
    // this write instead, and the caller's transaction is dropped, balances and all.
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO ledger_transfers (kind, minutes, from_account, to_account, memo, wish_id, activity_id, \
         reverses_id, actor_id, once_key, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (once_key) DO NOTHING RETURNING id",
    )
    .bind(t.kind.as_str())
    .bind(minutes)
    .bind(from)
    .bind(to)
    .bind(&t.memo)
    .bind(t.wish_id)
    .bind(t.activity_id)
    .bind(t.reverses_id)
    .bind(t.actor_id)
    .bind(t.once_key.as_deref())
    .bind(at)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(id) = inserted else { return Err(StoreError::Ledger(Refusal::Duplicate)) };
    sqlx::query(
        "INSERT INTO ledger_movements (transfer_id, account_id, minutes, balance_after, at) \
         VALUES ($1, $2, $3, $4, $5), ($1, $6, $7, $8, $5)",
    )
    .bind(id)
    .bind(from)
    .bind(-minutes)
    .bind(from_balance - minutes)
    .bind(at)
    .bind(to)
    .bind(minutes)
    .bind(to_balance + minutes)
    .execute(&mut **tx)
    .await?;
    Ok(Ok(Posted { id, minutes, to_balance: to_balance + minutes, at: time(at)? }))
}

/// Writes a credit from a community's pool, or, when the pool cannot cover it, from the issue
/// account (the memo says so); other sources as [`post_transfer`].
pub async fn post_credit(tx: &mut Tx, t: &NewTransfer) -> Result<Result<Posted, Refusal>, StoreError> {
    match post_transfer(tx, t).await? {
        Err(Refusal::Insufficient { .. }) if matches!(t.from, Account::Pool(_)) => {
            let issued = NewTransfer {
                from: Account::Issue,
                memo: format!("{}（社区时长池不足，由区时间银行发放）", t.memo),
                ..t.clone()
            };
            post_transfer(tx, &issued).await
        }
        other => Ok(other),
    }
}

/// A person's standing in the time bank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PersonBalance {
    /// Spendable minutes.
    pub balance: i64,
    /// Lifetime service credits.
    pub earned: i64,
    /// Minutes in escrow.
    pub held: i64,
    /// Minutes given as gifts since the given instant (today, China time).
    pub gifted_today: i64,
}

/// One movement of a person's ledger page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    /// The movement's id.
    pub id: i64,
    /// The transfer's id.
    pub transfer_id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Signed minutes.
    pub minutes: i64,
    /// The balance after it.
    pub balance_after: i64,
    /// Why.
    pub kind: TransferKind,
    /// What for.
    pub memo: String,
    /// The other account's kind.
    pub other_kind: String,
    /// The other account's owner's name (a person's or a place's), when it has one.
    pub other_name: Option<String>,
    /// The wish.
    pub wish_id: Option<i64>,
    /// The activity.
    pub activity_id: Option<i64>,
}

/// A transfer as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRecord {
    /// The id.
    pub id: i64,
    /// Why.
    pub kind: TransferKind,
    /// Minutes moved.
    pub minutes: i64,
    /// From (kind, owner).
    pub from: (String, i64),
    /// To (kind, owner).
    pub to: (String, i64),
    /// What for.
    pub memo: String,
    /// The wish.
    pub wish_id: Option<i64>,
    /// The activity.
    pub activity_id: Option<i64>,
    /// The transfer it reverses.
    pub reverses_id: Option<i64>,
    /// When.
    pub at: DateTime<Utc>,
}

/// The invariant check's findings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LedgerFindings {
    /// Accounts.
    pub accounts: i64,
    /// Transfers.
    pub transfers: i64,
    /// Movements.
    pub movements: i64,
    /// The sum of all balances.
    pub balance_sum: i64,
    /// Accounts whose balance is not the sum of their movements, or below zero (not the issue).
    pub mismatched: Vec<i64>,
    /// Transfers whose movements are not two summing to zero, or do not match the transfer.
    pub unbalanced: Vec<i64>,
}

/// One credited service of a person's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRow {
    /// The transfer.
    pub transfer_id: i64,
    /// `wish` or `activity`.
    pub source: &'static str,
    /// The wish's or activity's title.
    pub service: String,
    /// The community (or the activity's place) name.
    pub place: String,
    /// The activity's address.
    pub address: Option<String>,
    /// When it started.
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended.
    pub ended_at: Option<DateTime<Utc>>,
    /// Minutes credited.
    pub minutes: i64,
    /// Who recorded it (the organiser), when a person did.
    pub recorded_by: Option<String>,
    /// When it was credited.
    pub credited_at: DateTime<Utc>,
}

/// A certificate as issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRecord {
    /// Its id (the number's first part).
    pub id: i64,
    /// The holder.
    pub user_id: i64,
    /// The holder's name.
    pub holder_name: String,
    /// Total minutes when issued.
    pub total_minutes: i64,
    /// Services when issued.
    pub services: i64,
    /// When.
    pub issued_at: DateTime<Utc>,
}

/// A page of a person's movements, one row each: `$1` the person, `$2` below this movement id,
/// `$3` how many. The account is resolved first (a constant for the planner), so both backends walk
/// `ledger_movements_by_account` backwards and stop at the page's end, however long the ledger.
const LEDGER_PAGE_ROWS: &str = "SELECT m.id, m.transfer_id, m.at, m.minutes, m.balance_after, t.kind, t.memo, \
     t.wish_id, t.activity_id, oa.kind AS other_kind, COALESCE(u.name, p.name) AS other_name \
     FROM ledger_movements m \
     JOIN ledger_transfers t ON t.id = m.transfer_id \
     JOIN ledger_accounts oa ON oa.id = CASE WHEN t.from_account = m.account_id THEN t.to_account \
        ELSE t.from_account END \
     LEFT JOIN users u ON oa.kind IN ('person', 'escrow') AND u.id = oa.owner_id \
     LEFT JOIN places p ON oa.kind = 'pool' AND p.id = oa.owner_id \
     WHERE m.account_id = (SELECT id FROM ledger_accounts WHERE kind = 'person' AND owner_id = $1) \
       AND m.id < $2 ORDER BY m.id DESC LIMIT $3";

/// The page's columns, in [`PageRow`]'s order.
const LEDGER_PAGE_COLUMNS: &str =
    "id, transfer_id, at, minutes, balance_after, kind, memo, wish_id, activity_id, other_kind, other_name";

/// [`LEDGER_PAGE_ROWS`] folded into one row: a JSON array with an array per movement, newest
/// first. sqlx's SQLite driver hands every row from the connection's thread to the request's, a
/// thread wake-up each; as one row the page costs what one movement would.
static LEDGER_PAGE_SQLITE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT json_group_array(json_array({LEDGER_PAGE_COLUMNS}) ORDER BY id DESC) AS page \
         FROM ({LEDGER_PAGE_ROWS}) page"
    )
});
static LEDGER_PAGE_POSTGRES: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT COALESCE(json_agg(json_build_array({LEDGER_PAGE_COLUMNS}) ORDER BY id DESC), '[]')::text AS page \
         FROM ({LEDGER_PAGE_ROWS}) page"
    )
});

/// The statement [`Store::ledger_page`] runs on a backend (the benchmark runs the same text for
/// its plans).
pub fn ledger_page_sql(postgres: bool) -> &'static str {
    if postgres { &LEDGER_PAGE_POSTGRES } else { &LEDGER_PAGE_SQLITE }
}

/// One movement as the page's JSON carries it, in [`LEDGER_PAGE_COLUMNS`]' order.
type PageRow = (i64, i64, i64, i64, i64, String, String, Option<i64>, Option<i64>, String, Option<String>);

const TRANSFER_SELECT: &str = "SELECT t.id, t.kind, t.minutes, fa.kind AS from_kind, fa.owner_id AS from_owner, \
     ta.kind AS to_kind, ta.owner_id AS to_owner, t.memo, t.wish_id, t.activity_id, t.reverses_id, t.at \
     FROM ledger_transfers t JOIN ledger_accounts fa ON fa.id = t.from_account \
     JOIN ledger_accounts ta ON ta.id = t.to_account";

fn kind_of(raw: &str) -> Result<TransferKind, sqlx::Error> {
    TransferKind::parse(raw).ok_or_else(|| sqlx::Error::Decode(format!("bad transfer kind {raw}").into()))
}

fn transfer_from_row(row: &AnyRow) -> Result<TransferRecord, sqlx::Error> {
    Ok(TransferRecord {
        id: row.try_get("id")?,
        kind: kind_of(&row.try_get::<String, _>("kind")?)?,
        minutes: row.try_get("minutes")?,
        from: (row.try_get("from_kind")?, row.try_get("from_owner")?),
        to: (row.try_get("to_kind")?, row.try_get("to_owner")?),
        memo: row.try_get("memo")?,
        wish_id: row.try_get("wish_id")?,
        activity_id: row.try_get("activity_id")?,
        reverses_id: row.try_get("reverses_id")?,
        at: time(row.try_get("at")?)?,
    })
}

impl Store {
    /// Writes one transfer in its own transaction, with its audit entry; `daily_limit` (the day's
    /// start, minutes) bounds the sender's gifts that day, counted after the sender's row is
    /// locked, so gifts at once see each other.
    pub async fn post_alone(
        &self,
        t: &NewTransfer,
        audit: Option<&super::audit::AuditEntry>,
        daily_limit: Option<(DateTime<Utc>, i64)>,
    ) -> Result<Result<Posted, Refusal>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let posted = match post_transfer(&mut tx, t).await? {
            Ok(posted) => posted,
            Err(refused) => {
                tx.rollback().await?;
                return Ok(Err(refused));
            }
        };
        if let (Some((since, limit)), Account::Person(giver)) = (daily_limit, t.from) {
            let given = gifted_since_in(&mut tx, giver, since).await?;
            if given > limit {
                tx.rollback().await?;
                return Ok(Err(Refusal::DailyLimit { left: (limit - (given - posted.minutes)).max(0) }));
            }
        }
        if let Some(entry) = audit {
            Store::insert_audit(&mut tx, entry, Some(posted.id)).await?;
        }
        tx.commit().await?;
        Ok(Ok(posted))
    }

    /// A person's balance, lifetime earnings, escrow and what they gave since `day_start`.
    pub async fn person_balance(&self, user_id: i64, day_start: DateTime<Utc>) -> Result<PersonBalance, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, id, balance, earned FROM ledger_accounts WHERE owner_id = $1 AND kind IN ('person', 'escrow')",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = PersonBalance::default();
        let mut person = None;
        for row in rows {
            let kind: String = row.try_get("kind")?;
            if kind == "person" {
                out.balance = row.try_get("balance")?;
                out.earned = row.try_get("earned")?;
                person = Some(row.try_get::<i64, _>("id")?);
            } else {
                out.held = row.try_get("balance")?;
            }
        }
        if let Some(account) = person {
            out.gifted_today = gifted_since(&self.pool, account, millis(day_start)).await?;
        }
        Ok(out)
    }

    /// A page of a person's movements, newest first, below movement id `before`
    /// ([`ledger_page_sql`]).
    pub async fn ledger_page(
        &self,
        user_id: i64,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<LedgerRow>, StoreError> {
        let page: String = sqlx::query_scalar(ledger_page_sql(self.backend == Backend::Postgres))
            .bind(user_id)
            .bind(before.unwrap_or(i64::MAX))
            .bind(i64::from(limit))
            .fetch_one(&self.pool)
            .await?;
        let rows: Vec<PageRow> =
            serde_json::from_str(&page).map_err(|e| sqlx::Error::Decode(format!("ledger page: {e}").into()))?;
        let read = |row: PageRow| -> Result<LedgerRow, sqlx::Error> {
            let (id, transfer_id, at, minutes, balance_after, kind, memo, wish_id, activity_id, other_kind, other_name) =
                row;
            Ok(LedgerRow {
                id,
                transfer_id,
                at: time(at)?,
                minutes,
                balance_after,
                kind: kind_of(&kind)?,
                memo,
                other_kind,
                other_name,
                wish_id,
                activity_id,
            })
        };
        Ok(rows.into_iter().map(read).collect::<Result<_, _>>()?)
    }

    /// A transfer.
    pub async fn transfer(&self, id: i64) -> Result<Option<TransferRecord>, StoreError> {
        let row =
            sqlx::query(&format!("{TRANSFER_SELECT} WHERE t.id = $1")).bind(id).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(transfer_from_row).transpose()?)
    }

    /// Whether transfer `id` was reversed already.
    pub async fn reversed(&self, id: i64) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM ledger_transfers WHERE reverses_id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.is_some())
    }

    /// A community pool's balance, what was minted into it and what it paid out in credits.
    pub async fn pool_summary(&self, community_id: i64) -> Result<(i64, i64, i64), StoreError> {
        let row = sqlx::query(
            "SELECT a.balance, \
             CAST(COALESCE((SELECT SUM(t.minutes) FROM ledger_transfers t WHERE t.to_account = a.id \
                AND t.kind = 'mint'), 0) AS BIGINT) AS minted, \
             CAST(COALESCE((SELECT SUM(t.minutes) FROM ledger_transfers t WHERE t.from_account = a.id \
                AND t.kind IN ('wish_credit', 'activity_credit')), 0) AS BIGINT) AS credited \
             FROM ledger_accounts a WHERE a.kind = 'pool' AND a.owner_id = $1",
        )
        .bind(community_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => (r.try_get("balance")?, r.try_get("minted")?, r.try_get("credited")?),
            None => (0, 0, 0),
        })
    }

    /// Checks the ledger's invariants over all of it.
    pub async fn check_ledger(&self) -> Result<LedgerFindings, StoreError> {
        let mut tx = self.pool.begin().await?;
        let counts = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM ledger_accounts) AS accounts, \
             (SELECT COUNT(*) FROM ledger_transfers) AS transfers, \
             (SELECT COUNT(*) FROM ledger_movements) AS movements, \
             CAST(COALESCE((SELECT SUM(balance) FROM ledger_accounts), 0) AS BIGINT) AS balance_sum",
        )
        .fetch_one(&mut *tx)
        .await?;
        let mismatched = sqlx::query_scalar(
            "SELECT a.id FROM ledger_accounts a LEFT JOIN (SELECT account_id, CAST(SUM(minutes) AS BIGINT) AS total \
             FROM ledger_movements GROUP BY account_id) m ON m.account_id = a.id \
             WHERE a.balance <> COALESCE(m.total, 0) OR (a.kind <> 'issue' AND a.balance < 0) ORDER BY a.id LIMIT 100",
        )
        .fetch_all(&mut *tx)
        .await?;
        let unbalanced = sqlx::query_scalar(
            "SELECT t.id FROM ledger_transfers t LEFT JOIN ( \
               SELECT transfer_id, COUNT(*) AS n, CAST(SUM(minutes) AS BIGINT) AS total, \
                 CAST(SUM(CASE WHEN minutes > 0 THEN minutes ELSE 0 END) AS BIGINT) AS moved \
               FROM ledger_movements GROUP BY transfer_id) m ON m.transfer_id = t.id \
             WHERE m.n IS NULL OR m.n <> 2 OR m.total <> 0 OR m.moved <> t.minutes ORDER BY t.id LIMIT 100",
        )
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(LedgerFindings {
            accounts: counts.try_get("accounts")?,
            transfers: counts.try_get("transfers")?,
            movements: counts.try_get("movements")?,
            balance_sum: counts.try_get("balance_sum")?,
            mismatched,
            unbalanced,
        })
    }

    /// A person's credited services (not reversed), newest first.
    pub async fn service_rows(&self, user_id: i64) -> Result<Vec<ServiceRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.id, t.kind, t.minutes, t.at, \
             w.title AS wish_title, wc.name AS wish_place, w.fulfilled_at, \
             (SELECT MAX(e.at) FROM wish_events e WHERE e.wish_id = w.id AND e.action IN ('claim', 'accept')) AS claimed_at, \
             ac.title AS activity_title, ap.name AS activity_place, ac.address, s.checked_in_at, s.checked_out_at, \
             cu.name AS confirmer \
             FROM ledger_accounts a \
             JOIN ledger_transfers t ON t.to_account = a.id \
               AND t.kind IN ('wish_credit', 'escrow_pay', 'activity_credit') \
             LEFT JOIN wishes w ON t.kind <> 'activity_credit' AND w.id = t.wish_id \
             LEFT JOIN places wc ON wc.id = w.community_id \
             LEFT JOIN activities ac ON t.kind = 'activity_credit' AND ac.id = t.activity_id \
             LEFT JOIN places ap ON ap.id = ac.place_id \
             LEFT JOIN activity_signups s ON s.activity_id = ac.id AND s.user_id = a.owner_id \
               AND s.confirmed_at IS NOT NULL \
             LEFT JOIN users cu ON cu.id = s.confirmed_by \
             WHERE a.kind = 'person' AND a.owner_id = $1 \
               AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.reverses_id = t.id) \
             ORDER BY t.id DESC",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        let read = |row: &AnyRow| -> Result<ServiceRow, sqlx::Error> {
            let kind: String = row.try_get("kind")?;
            let activity = kind == "activity_credit";
            Ok(ServiceRow {
                transfer_id: row.try_get("id")?,
                source: if activity { "activity" } else { "wish" },
                service: row
                    .try_get::<Option<String>, _>(if activity { "activity_title" } else { "wish_title" })?
                    .unwrap_or_default(),
                place: row
                    .try_get::<Option<String>, _>(if activity { "activity_place" } else { "wish_place" })?
                    .unwrap_or_default(),
                address: if activity { row.try_get("address")? } else { None },
                started_at: opt_time(row.try_get(if activity { "checked_in_at" } else { "claimed_at" })?)?,
                ended_at: opt_time(row.try_get(if activity { "checked_out_at" } else { "fulfilled_at" })?)?,
                minutes: row.try_get("minutes")?,
                recorded_by: if activity { row.try_get("confirmer")? } else { None },
                credited_at: time(row.try_get("at")?)?,
            })
        };
        Ok(rows.iter().map(read).collect::<Result<_, _>>()?)
    }

    /// Records a certificate.
    pub async fn issue_certificate(
        &self,
        user_id: i64,
        total_minutes: i64,
        services: i64,
        at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO service_certificates (user_id, total_minutes, services, issued_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(user_id)
        .bind(total_minutes)
        .bind(services)
        .bind(millis(at))
        .fetch_one(&self.pool)
        .await?)
    }

    /// A certificate.
    pub async fn certificate(&self, id: i64) -> Result<Option<CertificateRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT c.id, c.user_id, u.name, c.total_minutes, c.services, c.issued_at \
             FROM service_certificates c JOIN users u ON u.id = c.user_id WHERE c.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(CertificateRecord {
            id: row.try_get("id")?,
            user_id: row.try_get("user_id")?,
            holder_name: row.try_get("name")?,
            total_minutes: row.try_get("total_minutes")?,
            services: row.try_get("services")?,
            issued_at: time(row.try_get("issued_at")?)?,
        }))
    }
}

/// Minutes given as gifts from `account` since `since_ms`.
async fn gifted_since<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    exec: E,
    account: i64,
    since_ms: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(minutes), 0) AS BIGINT) FROM ledger_transfers \
         WHERE from_account = $1 AND kind = 'gift' AND at >= $2",
    )
    .bind(account)
    .bind(since_ms)
    .fetch_one(exec)
    .await
}

/// Minutes `user_id` gave as gifts since `since`, read inside `tx` after the giver's account row
/// was locked by the gift's own transfer, so two gifts at once see each other.
pub async fn gifted_since_in(tx: &mut Tx, user_id: i64, since: DateTime<Utc>) -> Result<i64, StoreError> {
    let account: Option<i64> =
        sqlx::query_scalar("SELECT id FROM ledger_accounts WHERE kind = 'person' AND owner_id = $1")
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?;
    match account {
        Some(a) => Ok(gifted_since(&mut **tx, a, millis(since)).await?),
        None => Ok(0),
    }
}

/// A family link as stored, with both names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyRecord {
    /// The id.
    pub id: i64,
    /// Who named the relative.
    pub user_id: i64,
    /// Their name.
    pub user_name: String,
    /// The relative.
    pub relative_id: i64,
    /// Their name.
    pub relative_name: String,
    /// What the relative is to the one who named them.
    pub relation: String,
    /// A parent's date of birth (`YYYY-MM-DD`).
    pub birth_date: Option<String>,
    /// When named.
    pub created_at: DateTime<Utc>,
    /// When accepted.
    pub accepted_at: Option<DateTime<Utc>>,
}

const FAMILY_SELECT: &str = "SELECT f.id, f.user_id, u.name AS user_name, f.relative_id, r.name AS relative_name, \
     f.relation, f.birth_date, f.created_at, f.accepted_at FROM family_links f \
     JOIN users u ON u.id = f.user_id JOIN users r ON r.id = f.relative_id";

fn family_from_row(row: &AnyRow) -> Result<FamilyRecord, sqlx::Error> {
    Ok(FamilyRecord {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        user_name: row.try_get("user_name")?,
        relative_id: row.try_get("relative_id")?,
        relative_name: row.try_get("relative_name")?,
        relation: row.try_get("relation")?,
        birth_date: row.try_get("birth_date")?,
        created_at: time(row.try_get("created_at")?)?,
        accepted_at: opt_time(row.try_get("accepted_at")?)?,
    })
}

impl Store {
    /// Names a relative (`AlreadyExists("phone")` when this pair is linked already).
    pub async fn add_family(
        &self,
        user_id: i64,
        relative_id: i64,
        relation: &str,
        birth_date: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        sqlx::query_scalar(
            "INSERT INTO family_links (user_id, relative_id, relation, birth_date, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user_id)
        .bind(relative_id)
        .bind(relation)
        .bind(birth_date)
        .bind(millis(at))
        .fetch_one(&self.pool)
        .await
        .map_err(|e| if unique_violation(&e) { StoreError::AlreadyExists("phone") } else { e.into() })
    }

    /// A family link.
    pub async fn family_link(&self, id: i64) -> Result<Option<FamilyRecord>, StoreError> {
        let row = sqlx::query(&format!("{FAMILY_SELECT} WHERE f.id = $1")).bind(id).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(family_from_row).transpose()?)
    }

    /// The links a person named or was named in, oldest first.
    pub async fn family_links(&self, user_id: i64) -> Result<Vec<FamilyRecord>, StoreError> {
        let rows = sqlx::query(&format!("{FAMILY_SELECT} WHERE f.user_id = $1 OR f.relative_id = $1 ORDER BY f.id"))
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(family_from_row).collect::<Result<_, _>>()?)
    }

    /// The named relative accepts (false when not theirs or accepted already).
    pub async fn accept_family(&self, id: i64, relative_id: i64, at: DateTime<Utc>) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE family_links SET accepted_at = $1 WHERE id = $2 AND relative_id = $3 AND accepted_at IS NULL",
        )
        .bind(millis(at))
        .bind(id)
        .bind(relative_id)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1)
    }

    /// Either side removes a link (false when it is not theirs).
    pub async fn remove_family(&self, id: i64, user_id: i64) -> Result<bool, StoreError> {
        Ok(sqlx::query("DELETE FROM family_links WHERE id = $1 AND (user_id = $2 OR relative_id = $2)")
            .bind(id)
            .bind(user_id)
            .execute(&self.pool)
            .await?
            .rows_affected()
            == 1)
    }
}

/// Where credits come from (the setting `time_bank.credit_source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditSource {
    /// Issued from the district's issue account as they are earned.
    #[default]
    Issue,
    /// Paid from the community's pool; what the pool cannot cover is issued.
    Pool,
}

/// The time bank's part of a wish's change, written in its transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WishSettlement {
    /// A confirmation: the member earns the wish's minutes (from the source, or from the
    /// resident's escrow for a paid wish).
    Confirmed {
        /// The member.
        member_id: i64,
        /// The resident (whose escrow pays a paid wish).
        resident_id: i64,
        /// The community (whose pool may pay).
        community_id: i64,
        /// The minutes.
        minutes: i64,
        /// Whether the resident paid (from escrow) rather than the source.
        paid: bool,
        /// Where unpaid credits come from.
        source: CreditSource,
        /// The member's cap.
        cap: i64,
        /// The wish's title, for the ledger.
        title: String,
    },
    /// A refusal or cancellation of a paid wish: the escrow goes back.
    Refund {
        /// The resident.
        resident_id: i64,
        /// The price held.
        minutes: i64,
        /// The wish's title.
        title: String,
    },
}

/// The escrow hold of a paid wish being posted as `id`.
pub(super) fn escrow_hold(wish: &super::NewWish, id: i64, price: i64) -> NewTransfer {
    let (person, escrow) = (Account::Person(wish.resident_id), Account::Escrow(wish.resident_id));
    NewTransfer {
        wish_id: Some(id),
        actor_id: Some(wish.posted_by),
        once_key: Some(format!("hold:{id}")),
        ..NewTransfer::new(TransferKind::EscrowHold, person, escrow, price, wish.title.clone())
    }
}

/// Writes a wish's settlement inside its transition's transaction. A credit happens once only
/// (`wish:{id}`): a second confirmation of the same wish, which the conditional transition
/// already prevents, would write nothing here either.
pub(super) async fn settle_wish(
    tx: &mut Tx,
    wish_id: i64,
    settlement: &WishSettlement,
    actor_id: Option<i64>,
) -> Result<(), StoreError> {
    let base = |kind, from, to, minutes, memo: &str, key: String| NewTransfer {
        wish_id: Some(wish_id),
        actor_id,
        once_key: Some(key),
        ..NewTransfer::new(kind, from, to, minutes, memo.to_owned())
    };
    match settlement {
        WishSettlement::Confirmed { member_id, resident_id, community_id, minutes, paid, source, cap, title } => {
            if *paid {
                let escrow = Account::Escrow(*resident_id);
                let pay =
                    base(TransferKind::EscrowPay, escrow, Account::Person(*member_id), *minutes, title, String::new())
                        .credit(format!("wish:{wish_id}"), *cap);
                let paid_out = match post_transfer(tx, &pay).await? {
                    Ok(posted) => posted.minutes,
                    Err(Refusal::Nothing) => 0,
                    Err(Refusal::Duplicate) => return Ok(()),
                    Err(other) => return Err(StoreError::Ledger(other)),
                };
                if paid_out < *minutes {
                    let back = base(
                        TransferKind::EscrowReturn,
                        Account::Escrow(*resident_id),
                        Account::Person(*resident_id),
                        minutes - paid_out,
                        &format!("{title}（服务者时长已达上限，余额退回）"),
                        format!("return:{wish_id}"),
                    );
                    post_transfer(tx, &back).await?.map_err(StoreError::Ledger)?;
                }
                return Ok(());
            }
            if *minutes <= 0 {
                return Ok(());
            }
            let from = if *source == CreditSource::Pool { Account::Pool(*community_id) } else { Account::Issue };
            let credit =
                base(TransferKind::WishCredit, from, Account::Person(*member_id), *minutes, title, String::new())
                    .credit(format!("wish:{wish_id}"), *cap);
            match post_credit(tx, &credit).await? {
                Ok(_) | Err(Refusal::Nothing | Refusal::Duplicate) => Ok(()),
                Err(other) => Err(StoreError::Ledger(other)),
            }
        }
        WishSettlement::Refund { resident_id, minutes, title } => {
            let back = base(
                TransferKind::EscrowReturn,
                Account::Escrow(*resident_id),
                Account::Person(*resident_id),
                *minutes,
                title,
                format!("return:{wish_id}"),
            );
            match post_transfer(tx, &back).await? {
                Ok(_) | Err(Refusal::Duplicate | Refusal::Nothing) => Ok(()),
                Err(other) => Err(StoreError::Ledger(other)),
            }
        }
    }
}
