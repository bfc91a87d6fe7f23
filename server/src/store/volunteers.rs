//! Storage of volunteer teams, their members and activities, sign-ups with the waitlist, and
//! attendance (docs/TIME-BANK.md).
//!
//! Every change to an activity's sign-ups begins by locking the activity's row (a no-op update,
//! which takes SQLite's write lock and PostgreSQL's row lock at once), then reads and writes
//! freely: the seat counters on the row and the sign-up rows stay consistent under any race, and
//! the unique index on live sign-ups keeps one per person.

use chrono::{DateTime, Utc};
use haolin_shared::api::{PlaceLevel, TeamRole};
use haolin_shared::domain::time_bank::{ActivityStatus, SignupStatus};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::sql_builder::SqlBuilder;
use super::time_bank::{NewTransfer, Posted, Refusal, Tx, post_credit};
use super::{Store, StoreError, millis, opt_time, time, unique_violation};

/// A team as stored, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamRecord {
    /// The id.
    pub id: i64,
    /// The name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// Its place.
    pub place_id: i64,
    /// The place's code.
    pub place_code: String,
    /// The place's name.
    pub place_name: String,
    /// The place's level.
    pub place_level: PlaceLevel,
    /// Approved members, leaders included.
    pub member_count: i64,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Its leaders (id, name).
    pub leaders: Vec<(i64, String)>,
}

/// A team to create, validated.
#[derive(Debug, Clone)]
pub struct NewTeam {
    /// The name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// A district, street or community in service.
    pub place_id: i64,
    /// Who creates it.
    pub created_by: i64,
    /// The first leader.
    pub leader_id: i64,
    /// Now.
    pub at: DateTime<Utc>,
}

/// One person on a team's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    /// The account.
    pub user_id: i64,
    /// Their name.
    pub name: String,
    /// Their standing.
    pub role: TeamRole,
    /// Their note.
    pub note: Option<String>,
    /// When they asked.
    pub requested_at: DateTime<Utc>,
    /// When approved.
    pub joined_at: Option<DateTime<Utc>>,
}

/// A leader's decision about a person on the team's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberChange {
    /// A pending request becomes a member.
    Approve,
    /// A pending request is removed.
    Refuse,
    /// A member becomes a leader.
    MakeLeader,
    /// A member or leader leaves (or is removed); the last leader cannot.
    Remove,
}

/// What happened to a member change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberOutcome {
    /// Done.
    Done,
    /// The person is not in the standing the change needs.
    NotApplicable,
    /// The team would be left without a leader.
    LastLeader,
}

/// An activity as stored, with its team, place and organiser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRecord {
    /// The id.
    pub id: i64,
    /// The team.
    pub team_id: i64,
    /// The team's name.
    pub team_name: String,
    /// The title.
    pub title: String,
    /// The description.
    pub description: String,
    /// The place.
    pub place_id: i64,
    /// The place's code.
    pub place_code: String,
    /// The place's name.
    pub place_name: String,
    /// The place's level.
    pub place_level: PlaceLevel,
    /// The community of the place (none for a street or district).
    pub community_id: Option<i64>,
    /// The address.
    pub address: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Seats.
    pub capacity: i64,
    /// Seats taken.
    pub seats_taken: i64,
    /// Waitlisted.
    pub waitlist: i64,
    /// Skills.
    pub skills: Vec<String>,
    /// Status.
    pub status: ActivityStatus,
    /// Who published it.
    pub organiser_id: i64,
    /// Their name.
    pub organiser_name: String,
}

/// An activity to create, validated.
#[derive(Debug, Clone)]
pub struct NewActivity {
    /// The team.
    pub team_id: i64,
    /// The title.
    pub title: String,
    /// The description.
    pub description: String,
    /// The place.
    pub place_id: i64,
    /// The place's community, if it is at or below one.
    pub community_id: Option<i64>,
    /// The address.
    pub address: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Seats.
    pub capacity: i64,
    /// Skills.
    pub skills: Vec<String>,
    /// The organiser.
    pub organiser_id: i64,
    /// Now.
    pub at: DateTime<Utc>,
}

/// A sign-up as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignupRecord {
    /// The id (the waitlist's order).
    pub id: i64,
    /// The activity.
    pub activity_id: i64,
    /// The person.
    pub user_id: i64,
    /// Their name.
    pub name: String,
    /// Seated, waitlisted, withdrawn.
    pub status: SignupStatus,
    /// While waitlisted: 1 is next.
    pub waitlist_position: Option<i64>,
    /// When.
    pub signed_up_at: DateTime<Utc>,
    /// Checked in.
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Checked out.
    pub checked_out_at: Option<DateTime<Utc>>,
    /// Minutes counted.
    pub minutes: Option<i64>,
    /// Confirmed.
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// Why a sign-up change did not happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignupRefusal {
    /// No such activity.
    Missing,
    /// Cancelled, or already over.
    Closed,
    /// The person has no live sign-up.
    NotSignedUp,
    /// Checked in already: the seat is theirs.
    CheckedIn,
}

/// The activities a list shows.
#[derive(Debug, Clone, Default)]
pub struct ActivityQuery {
    /// At these places exactly.
    pub places: Vec<i64>,
    /// Or in these communities (at them or below them).
    pub communities: Vec<i64>,
    /// Of this team.
    pub team_id: Option<i64>,
    /// Not ended before this instant.
    pub not_ended_before: Option<DateTime<Utc>>,
    /// After this activity in (start, id) order.
    pub after: Option<i64>,
    /// How many (one more is read to tell whether there is a next page).
    pub limit: u32,
}

const TEAM_SELECT: &str = "SELECT t.id, t.name, t.description, t.place_id, p.code AS place_code, \
     p.name AS place_name, p.level AS place_level, t.member_count, t.created_at FROM teams t JOIN places p ON p.id = t.place_id";

const ACTIVITY_SELECT: &str = "SELECT a.id, a.team_id, t.name AS team_name, a.title, a.description, a.place_id, \
     p.code AS place_code, p.name AS place_name, p.level AS place_level, a.community_id, a.address, a.starts_at, a.ends_at, a.capacity, \
     a.seats_taken, a.waitlist, a.skills, a.status, a.organiser_id, u.name AS organiser_name \
     FROM activities a JOIN teams t ON t.id = a.team_id JOIN places p ON p.id = a.place_id \
     JOIN users u ON u.id = a.organiser_id";

const SIGNUP_SELECT: &str = "SELECT s.id, s.activity_id, s.user_id, u.name, s.status, s.signed_up_at, \
     s.checked_in_at, s.checked_out_at, s.minutes, s.confirmed_at, \
     CASE WHEN s.status = 'waitlisted' THEN (SELECT COUNT(*) FROM activity_signups w \
        WHERE w.activity_id = s.activity_id AND w.status = 'waitlisted' AND w.id <= s.id) END AS position \
     FROM activity_signups s JOIN users u ON u.id = s.user_id";

fn decode<T>(what: &str, raw: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, sqlx::Error> {
    parse(raw).ok_or_else(|| sqlx::Error::Decode(format!("bad {what} {raw}").into()))
}

fn team_from_row(row: &AnyRow) -> Result<TeamRecord, sqlx::Error> {
    Ok(TeamRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        place_id: row.try_get("place_id")?,
        place_code: row.try_get("place_code")?,
        place_name: row.try_get("place_name")?,
        place_level: decode("place level", &row.try_get::<String, _>("place_level")?, PlaceLevel::parse)?,
        member_count: row.try_get("member_count")?,
        created_at: time(row.try_get("created_at")?)?,
        leaders: Vec::new(),
    })
}

fn activity_from_row(row: &AnyRow) -> Result<ActivityRecord, sqlx::Error> {
    let skills: String = row.try_get("skills")?;
    Ok(ActivityRecord {
        id: row.try_get("id")?,
        team_id: row.try_get("team_id")?,
        team_name: row.try_get("team_name")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        place_id: row.try_get("place_id")?,
        place_code: row.try_get("place_code")?,
        place_name: row.try_get("place_name")?,
        place_level: decode("place level", &row.try_get::<String, _>("place_level")?, PlaceLevel::parse)?,
        community_id: row.try_get("community_id")?,
        address: row.try_get("address")?,
        starts_at: time(row.try_get("starts_at")?)?,
        ends_at: time(row.try_get("ends_at")?)?,
        capacity: row.try_get("capacity")?,
        seats_taken: row.try_get("seats_taken")?,
        waitlist: row.try_get("waitlist")?,
        skills: serde_json::from_str(&skills).map_err(|e| sqlx::Error::Decode(e.into()))?,
        status: decode("activity status", &row.try_get::<String, _>("status")?, ActivityStatus::parse)?,
        organiser_id: row.try_get("organiser_id")?,
        organiser_name: row.try_get("organiser_name")?,
    })
}

fn signup_from_row(row: &AnyRow) -> Result<SignupRecord, sqlx::Error> {
    Ok(SignupRecord {
        id: row.try_get("id")?,
        activity_id: row.try_get("activity_id")?,
        user_id: row.try_get("user_id")?,
        name: row.try_get("name")?,
        status: decode("sign-up status", &row.try_get::<String, _>("status")?, SignupStatus::parse)?,
        waitlist_position: row.try_get("position")?,
        signed_up_at: time(row.try_get("signed_up_at")?)?,
        checked_in_at: opt_time(row.try_get("checked_in_at")?)?,
        checked_out_at: opt_time(row.try_get("checked_out_at")?)?,
        minutes: row.try_get("minutes")?,
        confirmed_at: opt_time(row.try_get("confirmed_at")?)?,
    })
}

/// Locks an activity's row: its status, end and title, or `None` when there is no such activity.
async fn lock_activity(tx: &mut Tx, id: i64) -> Result<Option<(String, i64, String)>, sqlx::Error> {
    let row =
        sqlx::query("UPDATE activities SET seats_taken = seats_taken WHERE id = $1 RETURNING status, ends_at, title")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    row.map(|r| Ok((r.try_get("status")?, r.try_get("ends_at")?, r.try_get("title")?))).transpose()
}

/// Tells one person something about their volunteering, in the change's transaction (their inbox;
/// no wish or work order to link).
async fn notify(
    tx: &mut Tx,
    user_id: i64,
    kind: &str,
    title: String,
    body: String,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO notifications (user_id, kind, title, body, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(user_id)
        .bind(kind)
        .bind(title)
        .bind(body)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn live_signup_in(tx: &mut Tx, activity_id: i64, user_id: i64) -> Result<Option<SignupRecord>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "{SIGNUP_SELECT} WHERE s.activity_id = $1 AND s.user_id = $2 AND s.status <> 'withdrawn'"
    ))
    .bind(activity_id)
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(signup_from_row).transpose()
}

fn posted_to(credit: &NewTransfer) -> i64 {
    match credit.to {
        super::time_bank::Account::Person(id) | super::time_bank::Account::Escrow(id) => id,
        _ => 0,
    }
}

impl Store {
    async fn with_leaders(&self, mut teams: Vec<TeamRecord>) -> Result<Vec<TeamRecord>, StoreError> {
        if teams.is_empty() {
            return Ok(teams);
        }
        let mut q = SqlBuilder::new(
            "SELECT m.team_id, u.id, u.name FROM team_members m JOIN users u ON u.id = m.user_id \
             WHERE m.role = 'leader' AND m.team_id IN (",
        );
        q.push_binds(teams.iter().map(|t| t.id)).push(") ORDER BY m.joined_at, u.id");
        for row in q.build().fetch_all(&self.pool).await? {
            let team: i64 = row.try_get("team_id")?;
            if let Some(t) = teams.iter_mut().find(|t| t.id == team) {
                t.leaders.push((row.try_get("id")?, row.try_get("name")?));
            }
        }
        Ok(teams)
    }

    /// Creates a team with its first leader (`AlreadyExists("name")` when the name is taken at
    /// the place).
    pub async fn create_team(&self, new: &NewTeam) -> Result<i64, StoreError> {
        let at = millis(new.at);
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO teams (name, description, place_id, created_by, created_at, member_count) \
             VALUES ($1, $2, $3, $4, $5, 1) RETURNING id",
        )
        .bind(&new.name)
        .bind(&new.description)
        .bind(new.place_id)
        .bind(new.created_by)
        .bind(at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| if unique_violation(&e) { StoreError::AlreadyExists("name") } else { e.into() })?;
        sqlx::query(
            "INSERT INTO team_members (team_id, user_id, role, requested_at, joined_at) VALUES ($1, $2, 'leader', $3, $3)",
        )
        .bind(id)
        .bind(new.leader_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A team.
    pub async fn team(&self, id: i64) -> Result<Option<TeamRecord>, StoreError> {
        let row = sqlx::query(&format!("{TEAM_SELECT} WHERE t.id = $1")).bind(id).fetch_optional(&self.pool).await?;
        let Some(team) = row.as_ref().map(team_from_row).transpose()? else { return Ok(None) };
        Ok(self.with_leaders(vec![team]).await?.pop())
    }

    /// Teams at a place, or those `member` is on the list of, by id, after `after`.
    pub async fn teams(
        &self,
        place_id: Option<i64>,
        member: Option<i64>,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<TeamRecord>, StoreError> {
        let mut q = SqlBuilder::new(TEAM_SELECT);
        q.push(" WHERE t.id > ").push_bind(after.unwrap_or(0));
        if let Some(place) = place_id {
            q.push(" AND t.place_id = ").push_bind(place);
        }
        if let Some(user) = member {
            q.push(" AND t.id IN (SELECT team_id FROM team_members WHERE user_id = ").push_bind(user).push(")");
        }
        q.push(" ORDER BY t.id LIMIT ").push_bind(i64::from(limit) + 1);
        let rows = q.build().fetch_all(&self.pool).await?;
        let teams = rows.iter().map(team_from_row).collect::<Result<Vec<_>, _>>()?;
        self.with_leaders(teams).await
    }

    /// The standing of `user_id` in each of `team_ids`.
    pub async fn team_roles(&self, user_id: i64, team_ids: &[i64]) -> Result<Vec<(i64, TeamRole)>, StoreError> {
        if team_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = SqlBuilder::new("SELECT team_id, role FROM team_members WHERE user_id = ");
        q.push_bind(user_id).push(" AND team_id IN (").push_binds(team_ids.iter().copied()).push(")");
        let rows = q.build().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let role: String = r.try_get("role")?;
                Ok((r.try_get("team_id")?, decode("team role", &role, TeamRole::parse)?))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// The teams `user_id` leads.
    pub async fn led_teams(&self, user_id: i64) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar("SELECT team_id FROM team_members WHERE user_id = $1 AND role = 'leader'")
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Asks to join (nothing changes when already on the list).
    pub async fn request_join(
        &self,
        team_id: i64,
        user_id: i64,
        note: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO team_members (team_id, user_id, role, note, requested_at) VALUES ($1, $2, 'pending', $3, $4) \
             ON CONFLICT (team_id, user_id) DO NOTHING",
        )
        .bind(team_id)
        .bind(user_id)
        .bind(note)
        .bind(millis(at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Applies a leader's decision (or a member leaving), keeping the member count.
    pub async fn change_member(
        &self,
        team_id: i64,
        user_id: i64,
        change: MemberChange,
        at: DateTime<Utc>,
    ) -> Result<MemberOutcome, StoreError> {
        let mut tx = self.pool.begin().await?;
        // The team's row first: member changes of one team are serialised, so the last leader
        // cannot be removed twice at once.
        sqlx::query("UPDATE teams SET member_count = member_count WHERE id = $1")
            .bind(team_id)
            .execute(&mut *tx)
            .await?;
        let role: Option<String> =
            sqlx::query_scalar("SELECT role FROM team_members WHERE team_id = $1 AND user_id = $2")
                .bind(team_id)
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
        let role = role.as_deref().and_then(TeamRole::parse);
        let (sql, delta) = match (change, role) {
            (MemberChange::Approve, Some(TeamRole::Pending)) => {
                ("UPDATE team_members SET role = 'member', joined_at = $3 WHERE team_id = $1 AND user_id = $2", 1)
            }
            (MemberChange::Refuse, Some(TeamRole::Pending)) => {
                ("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2 AND $3 > 0", 0)
            }
            (MemberChange::MakeLeader, Some(TeamRole::Member)) => {
                ("UPDATE team_members SET role = 'leader' WHERE team_id = $1 AND user_id = $2 AND $3 > 0", 0)
            }
            (MemberChange::Remove, Some(TeamRole::Member | TeamRole::Leader)) => {
                if role == Some(TeamRole::Leader) {
                    let leaders: i64 =
                        sqlx::query_scalar("SELECT COUNT(*) FROM team_members WHERE team_id = $1 AND role = 'leader'")
                            .bind(team_id)
                            .fetch_one(&mut *tx)
                            .await?;
                    if leaders <= 1 {
                        tx.rollback().await?;
                        return Ok(MemberOutcome::LastLeader);
                    }
                }
                ("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2 AND $3 > 0", -1)
            }
            _ => {
                tx.rollback().await?;
                return Ok(MemberOutcome::NotApplicable);
            }
        };
        sqlx::query(sql).bind(team_id).bind(user_id).bind(millis(at)).execute(&mut *tx).await?;
        if change == MemberChange::Approve {
            let team: String =
                sqlx::query_scalar("SELECT name FROM teams WHERE id = $1").bind(team_id).fetch_one(&mut *tx).await?;
            notify(
                &mut tx,
                user_id,
                "team_joined",
                format!("已加入{team}"),
                "队长通过了你的入队申请。".into(),
                millis(at),
            )
            .await?;
        }
        if delta != 0 {
            sqlx::query("UPDATE teams SET member_count = member_count + $1 WHERE id = $2")
                .bind(delta)
                .bind(team_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(MemberOutcome::Done)
    }

    /// A team's list: the given standings, leaders first, then by request time.
    pub async fn team_members(
        &self,
        team_id: i64,
        roles: &[TeamRole],
        offset: i64,
        limit: u32,
    ) -> Result<Vec<MemberRecord>, StoreError> {
        let mut q = SqlBuilder::new(
            "SELECT m.user_id, u.name, m.role, m.note, m.requested_at, m.joined_at FROM team_members m \
             JOIN users u ON u.id = m.user_id WHERE m.team_id = ",
        );
        q.push_bind(team_id)
            .push(" AND m.role IN (")
            .push_binds(roles.iter().map(|r| r.as_str()))
            .push(") ORDER BY CASE m.role WHEN 'leader' THEN 0 WHEN 'member' THEN 1 ELSE 2 END, m.requested_at, m.user_id")
            .push(" LIMIT ")
            .push_bind(i64::from(limit) + 1)
            .push(" OFFSET ")
            .push_bind(offset);
        let rows = q.build().fetch_all(&self.pool).await?;
        let read = |r: &AnyRow| -> Result<MemberRecord, sqlx::Error> {
            Ok(MemberRecord {
                user_id: r.try_get("user_id")?,
                name: r.try_get("name")?,
                role: decode("team role", &r.try_get::<String, _>("role")?, TeamRole::parse)?,
                note: r.try_get("note")?,
                requested_at: time(r.try_get("requested_at")?)?,
                joined_at: opt_time(r.try_get("joined_at")?)?,
            })
        };
        Ok(rows.iter().map(read).collect::<Result<_, _>>()?)
    }

    /// Publishes an activity.
    pub async fn create_activity(&self, new: &NewActivity) -> Result<i64, StoreError> {
        let skills = serde_json::to_string(&new.skills).unwrap_or_else(|_| "[]".into());
        Ok(sqlx::query_scalar(
            "INSERT INTO activities (team_id, title, description, place_id, community_id, address, starts_at, ends_at, \
             capacity, skills, status, organiser_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'published', $11, $12) RETURNING id",
        )
        .bind(new.team_id)
        .bind(&new.title)
        .bind(&new.description)
        .bind(new.place_id)
        .bind(new.community_id)
        .bind(&new.address)
        .bind(millis(new.starts_at))
        .bind(millis(new.ends_at))
        .bind(new.capacity)
        .bind(skills)
        .bind(new.organiser_id)
        .bind(millis(new.at))
        .fetch_one(&self.pool)
        .await?)
    }

    /// An activity.
    pub async fn activity(&self, id: i64) -> Result<Option<ActivityRecord>, StoreError> {
        let row =
            sqlx::query(&format!("{ACTIVITY_SELECT} WHERE a.id = $1")).bind(id).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(activity_from_row).transpose()?)
    }

    /// Activities by the query, soonest first.
    pub async fn activities(&self, query: &ActivityQuery) -> Result<Vec<ActivityRecord>, StoreError> {
        let mut q = SqlBuilder::new(ACTIVITY_SELECT);
        q.push(" WHERE a.status <> 'cancelled'");
        if let Some(team) = query.team_id {
            q.push(" AND a.team_id = ").push_bind(team);
        }
        if !query.places.is_empty() || !query.communities.is_empty() {
            q.push(" AND (a.place_id IN (").push_binds(query.places.iter().copied().chain([0]));
            q.push(") OR a.community_id IN (").push_binds(query.communities.iter().copied().chain([0])).push("))");
        }
        if let Some(t) = query.not_ended_before {
            q.push(" AND a.ends_at > ").push_bind(millis(t));
        }
        if let Some(after) = query.after {
            q.push(" AND EXISTS (SELECT 1 FROM activities c WHERE c.id = ")
                .push_bind(after)
                .push(" AND (a.starts_at > c.starts_at OR (a.starts_at = c.starts_at AND a.id > c.id)))");
        }
        q.push(" ORDER BY a.starts_at, a.id LIMIT ").push_bind(i64::from(query.limit) + 1);
        let rows = q.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(activity_from_row).collect::<Result<_, _>>()?)
    }

    /// The activities `user_id` signed up for (their latest sign-up each), newest sign-up first,
    /// below sign-up id `before`: (sign-up id, activity).
    pub async fn signed_up_activities(
        &self,
        user_id: i64,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<(i64, ActivityRecord)>, StoreError> {
        let select = ACTIVITY_SELECT.replacen("SELECT ", "SELECT s.signup_id, ", 1);
        let rows = sqlx::query(&format!(
            "{select} JOIN (SELECT activity_id, MAX(id) AS signup_id FROM activity_signups \
             WHERE user_id = $1 GROUP BY activity_id) s ON s.activity_id = a.id \
             WHERE s.signup_id < $2 ORDER BY s.signup_id DESC LIMIT $3"
        ))
        .bind(user_id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(i64::from(limit) + 1)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("signup_id")?, activity_from_row(r)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// The latest sign-up of `user_id` for each of `activity_ids`.
    pub async fn signups_of(&self, user_id: i64, activity_ids: &[i64]) -> Result<Vec<SignupRecord>, StoreError> {
        if activity_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = SqlBuilder::new(SIGNUP_SELECT);
        q.push(" WHERE s.user_id = ")
            .push_bind(user_id)
            .push(" AND s.activity_id IN (")
            .push_binds(activity_ids.iter().copied())
            .push(") ORDER BY s.id");
        let rows = q.build().fetch_all(&self.pool).await?;
        let all = rows.iter().map(signup_from_row).collect::<Result<Vec<_>, _>>()?;
        // The latest per activity (ids grow, so the last seen wins).
        let mut latest: Vec<SignupRecord> = Vec::new();
        for s in all {
            match latest.iter_mut().find(|l| l.activity_id == s.activity_id) {
                Some(l) => *l = s,
                None => latest.push(s),
            }
        }
        Ok(latest)
    }

    /// An activity's roster: seated in sign-up order, then the waitlist in order.
    pub async fn roster(&self, activity_id: i64) -> Result<Vec<SignupRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "{SIGNUP_SELECT} WHERE s.activity_id = $1 AND s.status <> 'withdrawn' \
             ORDER BY CASE s.status WHEN 'seated' THEN 0 ELSE 1 END, s.id"
        ))
        .bind(activity_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(signup_from_row).collect::<Result<_, _>>()?)
    }

    /// The live sign-up of a person for an activity.
    pub async fn live_signup(&self, activity_id: i64, user_id: i64) -> Result<Option<SignupRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "{SIGNUP_SELECT} WHERE s.activity_id = $1 AND s.user_id = $2 AND s.status <> 'withdrawn'"
        ))
        .bind(activity_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(signup_from_row).transpose()?)
    }

    /// Signs a person up: a seat while there is one, else the end of the waitlist. Returns the
    /// sign-up and whether it is new (an existing live one is returned as it is).
    pub async fn sign_up(
        &self,
        activity_id: i64,
        user_id: i64,
        at: DateTime<Utc>,
    ) -> Result<Result<(SignupRecord, bool), SignupRefusal>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let Some((status, ends_at, _)) = lock_activity(&mut tx, activity_id).await? else {
            tx.rollback().await?;
            return Ok(Err(SignupRefusal::Missing));
        };
        if let Some(existing) = live_signup_in(&mut tx, activity_id, user_id).await? {
            tx.rollback().await?;
            return Ok(Ok((existing, false)));
        }
        if status != ActivityStatus::Published.as_str() || ends_at <= millis(at) {
            tx.rollback().await?;
            return Ok(Err(SignupRefusal::Closed));
        }
        let seated =
            sqlx::query("UPDATE activities SET seats_taken = seats_taken + 1 WHERE id = $1 AND seats_taken < capacity")
                .bind(activity_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
        if !seated {
            sqlx::query("UPDATE activities SET waitlist = waitlist + 1 WHERE id = $1")
                .bind(activity_id)
                .execute(&mut *tx)
                .await?;
        }
        let state = if seated { SignupStatus::Seated } else { SignupStatus::Waitlisted };
        sqlx::query(
            "INSERT INTO activity_signups (activity_id, user_id, status, signed_up_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(activity_id)
        .bind(user_id)
        .bind(state.as_str())
        .bind(millis(at))
        .execute(&mut *tx)
        .await?;
        let signup = live_signup_in(&mut tx, activity_id, user_id).await?.ok_or(sqlx::Error::RowNotFound)?;
        tx.commit().await?;
        Ok(Ok((signup, true)))
    }

    /// Withdraws a person's live sign-up; a freed seat goes to the first on the waitlist in the
    /// same transaction. Returns the withdrawn sign-up.
    pub async fn withdraw(
        &self,
        activity_id: i64,
        user_id: i64,
    ) -> Result<Result<SignupRecord, SignupRefusal>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let Some((_, _, title)) = lock_activity(&mut tx, activity_id).await? else {
            tx.rollback().await?;
            return Ok(Err(SignupRefusal::Missing));
        };
        let Some(signup) = live_signup_in(&mut tx, activity_id, user_id).await? else {
            tx.rollback().await?;
            return Ok(Err(SignupRefusal::NotSignedUp));
        };
        if signup.checked_in_at.is_some() {
            tx.rollback().await?;
            return Ok(Err(SignupRefusal::CheckedIn));
        }
        sqlx::query("UPDATE activity_signups SET status = 'withdrawn' WHERE id = $1")
            .bind(signup.id)
            .execute(&mut *tx)
            .await?;
        let counter = if signup.status == SignupStatus::Seated {
            let next = sqlx::query(
                "SELECT id, user_id FROM activity_signups WHERE activity_id = $1 AND status = 'waitlisted' \
                 ORDER BY id LIMIT 1",
            )
            .bind(activity_id)
            .fetch_optional(&mut *tx)
            .await?;
            match next {
                Some(next) => {
                    let (next_id, next_user): (i64, i64) = (next.try_get("id")?, next.try_get("user_id")?);
                    sqlx::query("UPDATE activity_signups SET status = 'seated' WHERE id = $1")
                        .bind(next_id)
                        .execute(&mut *tx)
                        .await?;
                    notify(
                        &mut tx,
                        next_user,
                        "activity_seated",
                        format!("候补转正：{title}"),
                        "有人退出了活动，你已从候补转为正式报名，请按时参加。".into(),
                        millis(Utc::now()),
                    )
                    .await?;
                    "waitlist = waitlist - 1"
                }
                None => "seats_taken = seats_taken - 1",
            }
        } else {
            "waitlist = waitlist - 1"
        };
        sqlx::query(&format!("UPDATE activities SET {counter} WHERE id = $1"))
            .bind(activity_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Ok(SignupRecord { status: SignupStatus::Withdrawn, waitlist_position: None, ..signup }))
    }

    /// Cancels a published activity (sign-ups stay as they were; nothing is credited).
    pub async fn cancel_activity(&self, id: i64) -> Result<bool, StoreError> {
        Ok(sqlx::query("UPDATE activities SET status = 'cancelled' WHERE id = $1 AND status = 'published'")
            .bind(id)
            .execute(&self.pool)
            .await?
            .rows_affected()
            == 1)
    }

    /// Records attendance on a seated, unconfirmed sign-up whose attendance is still as `expect`
    /// (check-in, check-out) says; false when it changed meanwhile.
    pub async fn record_attendance(
        &self,
        signup_id: i64,
        expect: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
        checked_in: Option<DateTime<Utc>>,
        checked_out: Option<DateTime<Utc>>,
        minutes: Option<i64>,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE activity_signups SET checked_in_at = $1, checked_out_at = $2, minutes = $3 \
             WHERE id = $4 AND status = 'seated' AND confirmed_at IS NULL \
             AND COALESCE(checked_in_at, -1) = $5 AND COALESCE(checked_out_at, -1) = $6",
        )
        .bind(checked_in.map(millis))
        .bind(checked_out.map(millis))
        .bind(minutes)
        .bind(signup_id)
        .bind(expect.0.map_or(-1, millis))
        .bind(expect.1.map_or(-1, millis))
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1)
    }

    /// Confirms one attendance and credits it, in one transaction: the sign-up's confirmation
    /// (only while unconfirmed) and the transfer (once only). `None` when it was confirmed
    /// already; the ledger's refusal when the transfer could not be written (nothing was).
    pub async fn confirm_attendance(
        &self,
        signup_id: i64,
        activity_id: i64,
        confirmed_by: i64,
        credit: &NewTransfer,
    ) -> Result<Option<Result<Posted, Refusal>>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let at = millis(credit.at.unwrap_or_else(Utc::now));
        let updated = sqlx::query(
            "UPDATE activity_signups SET confirmed_at = $1, confirmed_by = $2 \
             WHERE id = $3 AND status = 'seated' AND confirmed_at IS NULL AND minutes > 0",
        )
        .bind(at)
        .bind(confirmed_by)
        .bind(signup_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        sqlx::query("UPDATE activities SET status = 'confirmed' WHERE id = $1 AND status = 'published'")
            .bind(activity_id)
            .execute(&mut *tx)
            .await?;
        match post_credit(&mut tx, credit).await? {
            // A credit trimmed to nothing by the cap (or written already) still confirms the
            // attendance.
            Err(refused @ (Refusal::Nothing | Refusal::Duplicate)) => {
                tx.commit().await?;
                Ok(Some(Err(refused)))
            }
            Ok(posted) => {
                let body = format!("+{} 分钟，已计入你的时间银行。", posted.minutes);
                notify(
                    &mut tx,
                    posted_to(credit),
                    "hours_credited",
                    format!("志愿时长已入账：{}", credit.memo),
                    body,
                    at,
                )
                .await?;
                tx.commit().await?;
                Ok(Some(Ok(posted)))
            }
            Err(refused) => {
                tx.rollback().await?;
                Ok(Some(Err(refused)))
            }
        }
    }
}
