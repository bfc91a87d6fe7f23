//! The generator's time bank (docs/TIME-BANK.md): the ledger's history replayed in time order, as
//! `store::time_bank::post_transfer` would have written it one transfer at a time. Every confirmed
//! wish credits its member from the district's issue account (`wish:{id}`), every confirmed
//! attendance its participant (`activity:{id}:{user}`); a paid wish holds its price in the
//! resident's escrow when posted (`hold:{id}`) and pays the member on confirmation (`wish:{id}`), or
//! returns it when refused or cancelled (`return:{id}`); admins mint hours into the communities' pools; party members give hours to the
//! relatives who accepted their family links. Accounts are numbered as first used, each movement
//! carries its account's running balance, credits stop at the cap, and nobody but the issue account
//! goes below zero: a paid wish is only drawn where the resident's earlier credits cover every
//! price they commit to ([`Budget`]), and a gift never exceeds the giver's balance at the time.

use std::borrow::Cow;
use std::collections::HashMap;

use super::volunteers::Credit;
use super::{GenerateError, Rng};
use crate::store::StoreError;
use crate::store::bulk::{BulkLoader, BulkTable, int, text};
use crate::store::time_bank::Account;

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// What a confirmed wish earns its member (`time_bank.wish_minutes`).
pub const WISH_MINUTES: i64 = 60;
/// The most an account may hold (`time_bank.cap_hours`, 1,500 hours).
const CAP: i64 = 1_500 * 60;
/// What one person may give a day (`time_bank.gift_daily_minutes`).
const GIFT_DAILY: i64 = 600;

/// What a gift's giver writes (the memo is `转赠给{name}：{note}`, as a gift through the API).
const GIFT_NOTES: [&str; 4] = ["给爸妈的志愿时长", "亲情转赠", "一点心意", "留着以后用"];

/// What a wish leaves in the ledger.
#[derive(Debug, Clone, Copy)]
pub enum WishEntry {
    /// A confirmed wish: its member's credit from the issue account.
    Credit {
        /// The wish.
        wish: i64,
        /// Its member.
        member: i64,
        /// The resident who confirmed it.
        resident: i64,
        /// When.
        at: i64,
        /// Its title.
        title: &'static str,
    },
    /// A paid wish: the price held from the resident when posted, then paid, returned or held.
    Paid {
        /// The wish.
        wish: i64,
        /// The resident who posted it.
        resident: i64,
        /// When it was posted.
        posted: i64,
        /// The price in minutes.
        price: i64,
        /// Its title.
        title: &'static str,
        /// How it ended.
        end: PaidEnd,
    },
}

/// How a paid wish's escrow ended.
#[derive(Debug, Clone, Copy)]
pub enum PaidEnd {
    /// Confirmed: paid to the member (who confirmed: the resident).
    Pay {
        /// The member.
        member: i64,
        /// When.
        at: i64,
    },
    /// Refused or cancelled: returned to the resident by `actor`.
    Return {
        /// Who refused or cancelled it.
        actor: i64,
        /// When.
        at: i64,
    },
    /// Still live: held.
    Held,
}

/// Which paid wishes a resident can afford: what their confirmed attendances had earned them
/// before an instant, less every price already committed (whenever it was held). A wish drawn
/// later in the loop may be posted earlier in time, so the check is against everything committed;
/// then every hold is covered at its instant by the credits before it.
pub struct Budget {
    earned: HashMap<i64, Vec<(i64, i64)>>,
    committed: HashMap<i64, i64>,
}

impl Budget {
    /// The earnings of each participant from `credits`.
    pub fn new(credits: &[Credit]) -> Self {
        let mut by_user: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
        for c in credits {
            by_user.entry(c.user).or_default().push((c.at, c.minutes));
        }
        for list in by_user.values_mut() {
            list.sort_unstable();
            let mut sum = 0;
            for entry in list.iter_mut() {
                sum += entry.1;
                entry.1 = sum;
            }
        }
        Self { earned: by_user, committed: HashMap::new() }
    }

    /// Whether `resident` could hold `price` at `at`; if so, it is committed.
    pub fn reserve(&mut self, resident: i64, at: i64, price: i64) -> bool {
        let Some(list) = self.earned.get(&resident) else { return false };
        let before = list.partition_point(|(t, _)| *t < at);
        let earned = if before == 0 { 0 } else { list[before - 1].1 };
        let committed = self.committed.entry(resident).or_default();
        if earned - *committed < price {
            return false;
        }
        *committed += price;
        true
    }
}

/// Who gives to whom: family links (the generator's party members naming a resident).
pub struct Family {
    links: Vec<Link>,
}

/// A family link: named by `giver`, accepted (or not yet) by `relative`.
struct Link {
    id: i64,
    giver: i64,
    relative: i64,
    relation: &'static str,
    birth_date: Option<String>,
    created: i64,
    accepted: Option<i64>,
}

/// A transfer to replay.
struct Event {
    at: i64,
    kind: &'static str,
    from: Account,
    to: Account,
    minutes: i64,
    memo: Cow<'static, str>,
    wish: Option<i64>,
    activity: Option<i64>,
    actor: Option<i64>,
    once: Option<Cow<'static, str>>,
    /// A service credit (counts towards the receiver's `earned`, trimmed by the cap).
    earns: bool,
}

/// A transfer as replayed: the event, the minutes moved, the two accounts (indexes) and their
/// balances after it.
struct Posted {
    event: usize,
    minutes: i64,
    from: usize,
    to: usize,
    from_after: i64,
    to_after: i64,
}

/// An account as replayed.
struct Row {
    key: Account,
    balance: i64,
    earned: i64,
    created: i64,
}

/// What was written.
#[derive(Debug, Default, Clone, Copy)]
pub struct Written {
    /// Ledger accounts.
    pub accounts: usize,
    /// Transfers.
    pub transfers: usize,
    /// Movements.
    pub movements: usize,
}

impl Family {
    /// One party member in six names a resident of their community: a spouse, or a parent born
    /// 1940–1960; nine in ten accepted.
    pub async fn draw(
        bulk: &BulkLoader,
        rng: &mut Rng,
        members_of: &[Vec<i64>],
        residents_of: &[Vec<i64>],
        now: i64,
    ) -> Result<Self, StoreError> {
        let mut next = bulk.max_id(BulkTable::FamilyLinks).await? + 1;
        let mut links = Vec::new();
        for (c, members) in members_of.iter().enumerate() {
            for member in members.iter().copied() {
                if rng.below(6) != 0 || residents_of[c].is_empty() {
                    continue;
                }
                let relative = *rng.pick(&residents_of[c]);
                let (relation, birth) = if rng.below(2) == 0 {
                    ("spouse", None)
                } else {
                    let year = 1940 + rng.below(21);
                    ("parent", Some(format!("{year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28))))
                };
                let created = now - (30 + rng.below(300) as i64) * DAY;
                let accepted = (rng.below(10) != 0).then(|| created + HOUR + (rng.below(72) as i64) * HOUR);
                links.push(Link { id: next, giver: member, relative, relation, birth_date: birth, created, accepted });
                next += 1;
            }
        }
        let mut rows = bulk.table(BulkTable::FamilyLinks);
        for l in &links {
            let birth = l.birth_date.as_deref().map_or_else(|| "NULL".to_owned(), text);
            rows.row(format!(
                "({}, {}, {}, '{}', {birth}, {}, {})",
                l.id,
                l.giver,
                l.relative,
                l.relation,
                l.created,
                int(l.accepted)
            ))
            .await?;
        }
        rows.finish().await?;
        Ok(Self { links })
    }

    /// How many links.
    pub fn count(&self) -> usize {
        self.links.len()
    }
}

/// Replays the ledger and writes its accounts, transfers and movements.
#[allow(clippy::too_many_arguments)]
pub async fn write_ledger(
    bulk: &BulkLoader,
    rng: &mut Rng,
    wishes: &[WishEntry],
    credits: &[Credit],
    family: &Family,
    pools: &[i64],
    names: &dyn Fn(i64) -> String,
    now: i64,
) -> Result<Written, GenerateError> {
    let mut events = Vec::with_capacity(wishes.len() + credits.len() + 2 * family.links.len());
    for w in wishes {
        push_wish(&mut events, w);
    }
    for c in credits {
        events.push(Event {
            at: c.at,
            kind: "activity_credit",
            from: Account::Issue,
            to: Account::Person(c.user),
            minutes: c.minutes,
            memo: Cow::Borrowed(c.title),
            wish: None,
            activity: Some(c.activity),
            actor: Some(c.organiser),
            once: Some(Cow::Owned(format!("activity:{}:{}", c.activity, c.user))),
            earns: true,
        });
    }
    let year = chrono::DateTime::from_timestamp_millis(now + 8 * HOUR).map_or(2026, |t| {
        use chrono::Datelike;
        t.year()
    });
    for pool in pools {
        for batch in 0..2 + rng.below(2) {
            events.push(Event {
                at: now - 360 * DAY + (batch as i64) * 120 * DAY + (rng.below(30 * 24) as i64) * HOUR,
                kind: "mint",
                from: Account::Issue,
                to: Account::Pool(*pool),
                minutes: 60 * (100 + 50 * rng.below(5) as i64),
                memo: Cow::Owned(format!("发放：{year}年度社区志愿服务时间银行专项（第{}批）", batch + 1)),
                wish: None,
                activity: None,
                actor: None,
                once: None,
                earns: false,
            });
        }
    }
    // Gifts: wished amounts, cut to the giver's balance and daily room when replayed.
    for Link { giver, relative, accepted, .. } in &family.links {
        let Some(accepted) = accepted else { continue };
        let mut at = accepted + (1 + rng.below(20) as i64) * DAY;
        while at < now {
            events.push(Event {
                at: at + (rng.below(12 * 60) as i64) * MINUTE,
                kind: "gift",
                from: Account::Person(*giver),
                to: Account::Person(*relative),
                minutes: 30 * (1 + rng.below(6) as i64),
                memo: Cow::Owned(format!("转赠给{}：{}", names(*relative), rng.pick(&GIFT_NOTES))),
                wish: None,
                activity: None,
                actor: Some(*giver),
                once: None,
                earns: false,
            });
            at += (20 + rng.below(40) as i64) * DAY;
        }
    }
    events.sort_by_key(|e| e.at);
    let (accounts, posted) = replay(&events)?;
    Ok(write(bulk, &events, &accounts, &posted).await?)
}

fn push_wish(events: &mut Vec<Event>, w: &WishEntry) {
    let event = |at, kind, from, to, minutes, title: &'static str, wish, actor, once: Option<String>, earns| Event {
        at,
        kind,
        from,
        to,
        minutes,
        memo: Cow::Borrowed(title),
        wish: Some(wish),
        activity: None,
        actor: Some(actor),
        once: once.map(Cow::Owned),
        earns,
    };
    match *w {
        WishEntry::Credit { wish, member, resident, at, title } => events.push(event(
            at,
            "wish_credit",
            Account::Issue,
            Account::Person(member),
            WISH_MINUTES,
            title,
            wish,
            resident,
            Some(format!("wish:{wish}")),
            true,
        )),
        WishEntry::Paid { wish, resident, posted, price, title, end } => {
            let (person, escrow) = (Account::Person(resident), Account::Escrow(resident));
            let hold = Some(format!("hold:{wish}"));
            events.push(event(posted, "escrow_hold", person, escrow, price, title, wish, resident, hold, false));
            match end {
                PaidEnd::Pay { member, at } => events.push(event(
                    at,
                    "escrow_pay",
                    escrow,
                    Account::Person(member),
                    price,
                    title,
                    wish,
                    resident,
                    Some(format!("wish:{wish}")),
                    true,
                )),
                PaidEnd::Return { actor, at } => {
                    let key = Some(format!("return:{wish}"));
                    events.push(event(at, "escrow_return", escrow, person, price, title, wish, actor, key, false))
                }
                PaidEnd::Held => {}
            }
        }
    }
}

/// Replays `events` (in time order) the way `post_transfer` applies each one.
fn replay(events: &[Event]) -> Result<(Vec<Row>, Vec<Posted>), GenerateError> {
    let mut accounts: Vec<Row> = Vec::new();
    let mut index: HashMap<Account, usize> = HashMap::new();
    let mut gifted: HashMap<(usize, i64), i64> = HashMap::new();
    let mut posted = Vec::with_capacity(events.len());
    let mut open = |key: Account, at: i64, accounts: &mut Vec<Row>| {
        *index.entry(key).or_insert_with(|| {
            accounts.push(Row { key, balance: 0, earned: 0, created: at });
            accounts.len() - 1
        })
    };
    open(Account::Issue, events.first().map_or(0, |e| e.at), &mut accounts);
    for (n, e) in events.iter().enumerate() {
        let from = open(e.from, e.at, &mut accounts);
        let to = open(e.to, e.at, &mut accounts);
        let room = if matches!(e.to, Account::Person(_)) { (CAP - accounts[to].balance).max(0) } else { i64::MAX };
        let mut minutes = e.minutes;
        if e.kind == "gift" {
            let day = (e.at + 8 * HOUR).div_euclid(DAY);
            let given = gifted.get(&(from, day)).copied().unwrap_or(0);
            minutes = minutes.min(accounts[from].balance).min(GIFT_DAILY - given);
            if minutes <= 0 || minutes > room {
                continue;
            }
            *gifted.entry((from, day)).or_default() += minutes;
        } else if e.earns {
            minutes = minutes.min(room);
            if minutes <= 0 {
                continue;
            }
        }
        if e.from != Account::Issue && accounts[from].balance < minutes {
            return Err(GenerateError::Ledger(format!("account {:?} at {} ({})", e.from, e.at, e.kind)));
        }
        accounts[from].balance -= minutes;
        accounts[to].balance += minutes;
        if e.earns {
            accounts[to].earned += minutes;
        }
        posted.push(Posted {
            event: n,
            minutes,
            from,
            to,
            from_after: accounts[from].balance,
            to_after: accounts[to].balance,
        });
    }
    Ok((accounts, posted))
}

async fn write(
    bulk: &BulkLoader,
    events: &[Event],
    accounts: &[Row],
    posted: &[Posted],
) -> Result<Written, StoreError> {
    let first_account = bulk.max_id(BulkTable::LedgerAccounts).await? + 1;
    let mut next_transfer = bulk.max_id(BulkTable::LedgerTransfers).await? + 1;
    let mut next_movement = bulk.max_id(BulkTable::LedgerMovements).await? + 1;
    let mut rows = bulk.table(BulkTable::LedgerAccounts);
    for (i, a) in accounts.iter().enumerate() {
        let (kind, owner) = a.key.key();
        rows.row(format!(
            "({}, '{kind}', {owner}, {}, {}, {})",
            first_account + i as i64,
            a.balance,
            a.earned,
            a.created
        ))
        .await?;
    }
    let mut written = Written { accounts: rows.finish().await?, ..Written::default() };
    let mut transfers = bulk.table(BulkTable::LedgerTransfers);
    let mut movements = bulk.table(BulkTable::LedgerMovements);
    for (n, p) in posted.iter().enumerate() {
        if n % 5_000 == 0 {
            transfers.flush().await?;
            movements.flush().await?;
        }
        let e = &events[p.event];
        let id = next_transfer;
        next_transfer += 1;
        let (from, to) = (first_account + p.from as i64, first_account + p.to as i64);
        transfers
            .row(format!(
                "({id}, '{}', {}, {from}, {to}, {}, {}, {}, NULL, {}, {}, {})",
                e.kind,
                p.minutes,
                text(&e.memo),
                int(e.wish),
                int(e.activity),
                int(e.actor),
                e.once.as_deref().map_or_else(|| "NULL".to_owned(), text),
                e.at
            ))
            .await?;
        for (account, minutes, after) in [(from, -p.minutes, p.from_after), (to, p.minutes, p.to_after)] {
            movements.row(format!("({next_movement}, {id}, {account}, {minutes}, {after}, {})", e.at)).await?;
            next_movement += 1;
        }
    }
    written.transfers = transfers.finish().await?;
    written.movements = movements.finish().await?;
    Ok(written)
}
