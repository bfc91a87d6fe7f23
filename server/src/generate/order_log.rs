//! One generated work order and its event log, written the way `work_orders::actions` writes
//! them: each step changes the order's columns as the real action does (a new round resets its
//! handler, deadlines and signatures; a flag sets `overdue_at` and `supervised_at` once) and adds
//! the event rows the scorecards sum (department, on time, working minutes, satisfaction, month).

use haolin_shared::domain::Priority;
use haolin_shared::domain::calendar::WorkCalendar;

use crate::work_orders::deadlines::{Clocks, minutes_taken};

/// One event row of `work_order_events` (the order's places are added when written).
#[derive(Debug, Clone)]
pub struct Event {
    /// When (UTC ms).
    pub at: i64,
    /// Who (none: the system).
    pub actor: Option<i64>,
    /// The action's API name.
    pub action: &'static str,
    /// The status before.
    pub from: &'static str,
    /// The status after.
    pub to: &'static str,
    /// The reason or note.
    pub note: Option<&'static str>,
    /// The round it belongs to.
    pub round: i64,
    /// The department concerned.
    pub department: Option<i64>,
    /// Within the deadline (signatures, resolutions).
    pub on_time: Option<bool>,
    /// Minutes of the order's clock taken since dispatch (signatures, resolutions).
    pub minutes: Option<i64>,
    /// The call-back's answer.
    pub satisfaction: Option<&'static str>,
}

/// A department of one whistle round: `(round, department, lead, sign deadline, signed at)`.
pub type RoundDepartment = (i64, i64, bool, i64, Option<i64>);

/// A work order's columns as its last write left them, and its log.
#[derive(Debug, Clone)]
pub struct OrderLog {
    /// How urgent (decides the clock the minutes are counted on).
    pub priority: Priority,
    /// Its status now.
    pub status: &'static str,
    /// One per write, starting at 1 with the report.
    pub version: i64,
    /// Dispatch rounds.
    pub round: i64,
    /// `community` or `street`: who dispatched the current round.
    pub level: Option<&'static str>,
    /// The grid handling the current round.
    pub handler_grid: Option<i64>,
    /// The lead department of the current round.
    pub lead: Option<i64>,
    /// The current round's start.
    pub dispatched_at: Option<i64>,
    /// The current round's clocks.
    pub clocks: Option<Clocks>,
    /// When the lead signed in this round.
    pub signed_at: Option<i64>,
    /// When resolved in this round (or on the spot).
    pub resolved_at: Option<i64>,
    /// How.
    pub resolution_note: Option<&'static str>,
    /// When first supervised.
    pub supervised_at: Option<i64>,
    /// The latest supervision note.
    pub supervision_note: Option<&'static str>,
    /// When flagged overdue in this round.
    pub overdue_at: Option<i64>,
    /// The call-back's answer in this round.
    pub satisfaction: Option<&'static str>,
    /// Its note.
    pub visit_note: Option<&'static str>,
    /// The last change.
    pub updated_at: i64,
    /// Every whistle round's departments.
    pub departments: Vec<RoundDepartment>,
    /// The log, in the order it was written.
    pub events: Vec<Event>,
}

impl OrderLog {
    /// An order reported at `at` by `filed_by` (its first event).
    pub fn reported(priority: Priority, at: i64, filed_by: i64) -> Self {
        let mut log = Self {
            priority,
            status: "reported",
            version: 1,
            round: 0,
            level: None,
            handler_grid: None,
            lead: None,
            dispatched_at: None,
            clocks: None,
            signed_at: None,
            resolved_at: None,
            resolution_note: None,
            supervised_at: None,
            supervision_note: None,
            overdue_at: None,
            satisfaction: None,
            visit_note: None,
            updated_at: at,
            departments: Vec::new(),
            events: Vec::new(),
        };
        log.push(at, Some(filed_by), "report", "reported", None);
        log
    }

    fn push(
        &mut self,
        at: i64,
        actor: Option<i64>,
        action: &'static str,
        to: &'static str,
        note: Option<&'static str>,
    ) {
        self.events.push(Event {
            at,
            actor,
            action,
            from: self.status,
            to,
            note,
            round: self.round,
            department: None,
            on_time: None,
            minutes: None,
            satisfaction: None,
        });
    }

    fn last(&mut self) -> &mut Event {
        let n = self.events.len() - 1;
        &mut self.events[n]
    }

    /// A write of one action: the status, the version and the time move.
    fn write(&mut self, at: i64, to: &'static str) {
        self.status = to;
        self.version += 1;
        self.updated_at = at;
    }

    /// The lead department, on a street round (rows of a grid round carry none).
    fn lead_department(&self) -> Option<i64> {
        self.lead.filter(|_| self.level == Some("street"))
    }

    /// 即报即办: resolved on the spot by the grid worker who reported it (same write).
    pub fn resolve_on_spot(&mut self, at: i64, worker: i64, note: &'static str) {
        self.push(at, Some(worker), "resolve_on_spot", "closed", Some(note));
        self.last().on_time = Some(true);
        self.status = "closed";
        self.resolved_at = Some(at);
        self.resolution_note = Some(note);
    }

    /// 受理.
    pub fn accept(&mut self, at: i64, dispatcher: i64) {
        self.push(at, Some(dispatcher), "accept", "accepted", None);
        self.write(at, "accepted");
    }

    /// 不予受理.
    pub fn decline(&mut self, at: i64, dispatcher: i64, reason: &'static str) {
        self.push(at, Some(dispatcher), "decline", "declined", Some(reason));
        self.write(at, "declined");
    }

    /// 上报街道.
    pub fn escalate(&mut self, at: i64, dispatcher: i64, reason: &'static str) {
        self.push(at, Some(dispatcher), "escalate", "escalated", Some(reason));
        self.write(at, "escalated");
    }

    fn new_round(&mut self, at: i64, level: &'static str, grid: Option<i64>, lead: Option<i64>, clocks: Clocks) {
        self.round += 1;
        self.level = Some(level);
        self.handler_grid = grid;
        self.lead = lead;
        self.dispatched_at = Some(at);
        self.clocks = Some(clocks);
        self.signed_at = None;
        self.resolved_at = None;
        self.resolution_note = None;
        self.overdue_at = None;
        self.satisfaction = None;
        self.visit_note = None;
    }

    /// 派单 to a grid, starting a round with `clocks`.
    pub fn dispatch(&mut self, at: i64, dispatcher: i64, grid: i64, clocks: Clocks) {
        self.new_round(at, "community", Some(grid), None, clocks);
        self.push(at, Some(dispatcher), "dispatch", "dispatched", None);
        self.write(at, "dispatched");
    }

    /// 吹哨 to a lead and co-handlers: one event row per department, one write.
    pub fn whistle(&mut self, at: i64, officer: i64, lead: i64, co: &[i64], clocks: Clocks) {
        self.new_round(at, "street", None, Some(lead), clocks);
        self.push(at, Some(officer), "whistle", "dispatched", None);
        self.last().department = Some(lead);
        self.write(at, "dispatched");
        self.departments.push((self.round, lead, true, clocks.sign_due, None));
        for d in co {
            self.push(at, Some(officer), "whistle", "dispatched", None);
            self.last().department = Some(*d);
            self.departments.push((self.round, *d, false, clocks.sign_due, None));
        }
    }

    fn minutes_since_dispatch(&self, calendar: &WorkCalendar, at: i64) -> i64 {
        minutes_taken(calendar, self.priority, self.dispatched_at.unwrap_or(at), at)
    }

    /// The lead's 签收 (the order moves to `signed`).
    pub fn sign(&mut self, calendar: &WorkCalendar, at: i64, who: i64) {
        let due = self.clocks.map(|c| c.sign_due);
        let department = self.lead_department();
        let minutes = self.minutes_since_dispatch(calendar, at);
        self.push(at, Some(who), "sign", "signed", None);
        let event = self.last();
        event.department = department;
        event.on_time = Some(due.is_none_or(|d| at <= d));
        event.minutes = Some(minutes);
        self.write(at, "signed");
        self.signed_at = Some(at);
        self.sign_round_department(department, at);
    }

    /// A co-handler's 报到: recorded, the status stays.
    pub fn co_sign(&mut self, calendar: &WorkCalendar, at: i64, who: i64, department: i64) {
        let due = self.departments.iter().find(|d| d.0 == self.round && d.1 == department).map(|d| d.3);
        let minutes = self.minutes_since_dispatch(calendar, at);
        let status = self.status;
        self.push(at, Some(who), "sign", status, None);
        let event = self.last();
        event.department = Some(department);
        event.on_time = Some(due.is_none_or(|d| at <= d));
        event.minutes = Some(minutes);
        self.write(at, status);
        self.sign_round_department(Some(department), at);
    }

    fn sign_round_department(&mut self, department: Option<i64>, at: i64) {
        let round = self.round;
        if let Some(row) = self.departments.iter_mut().find(|d| d.0 == round && Some(d.1) == department) {
            row.4 = Some(at);
        }
    }

    /// 退单 by the lead, back with whoever dispatched it.
    pub fn give_back(&mut self, at: i64, who: i64, reason: &'static str) {
        let department = self.lead_department();
        self.push(at, Some(who), "return", "returned", Some(reason));
        self.last().department = department;
        self.write(at, "returned");
    }

    /// 办结 by the lead.
    pub fn resolve(&mut self, calendar: &WorkCalendar, at: i64, who: i64, note: &'static str) {
        let due = self.clocks.map(|c| c.resolve_due);
        let department = self.lead_department();
        let minutes = self.minutes_since_dispatch(calendar, at);
        self.push(at, Some(who), "resolve", "resolved", Some(note));
        let event = self.last();
        event.department = department;
        event.on_time = Some(due.is_none_or(|d| at <= d));
        event.minutes = Some(minutes);
        self.write(at, "resolved");
        self.resolved_at = Some(at);
        self.resolution_note = Some(note);
    }

    /// 回访: 满意 / 基本满意 close it, 不满意 reopens it.
    pub fn visit(&mut self, at: i64, who: i64, answer: &'static str, note: Option<&'static str>) {
        let to = if answer == "unsatisfied" { "reopened" } else { "closed" };
        let department = self.lead_department();
        self.push(at, Some(who), "visit", to, note);
        let event = self.last();
        event.department = department;
        event.satisfaction = Some(answer);
        self.write(at, to);
        self.satisfaction = Some(answer);
        self.visit_note = note;
    }

    /// 督办 by a street officer.
    pub fn supervise(&mut self, at: i64, officer: i64, note: &'static str) {
        let status = self.status;
        self.push(at, Some(officer), "supervise", status, Some(note));
        self.write(at, status);
        self.supervised_at.get_or_insert(at);
        self.supervision_note = Some(note);
    }

    /// The job's overdue flag (once per round): supervised by the system.
    pub fn flag_overdue(&mut self, at: i64) {
        let status = self.status;
        let note = if status == "dispatched" { "超过签收时限" } else { "超过办结时限" };
        self.push(at, None, "flag_overdue", status, Some(note));
        self.write(at, status);
        if self.supervised_at.is_none() {
            self.supervised_at = Some(at);
            self.supervision_note = Some("超过时限，系统自动督办");
        }
        self.overdue_at = Some(at);
    }

    /// The instant of the last event.
    pub fn last_at(&self) -> i64 {
        self.events.last().map_or(self.updated_at, |e| e.at)
    }
}
