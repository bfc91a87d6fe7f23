//! How each generated work order's story is told: who reports what where, which route it takes
//! (a grid, or the street's whistle), how each round goes (signatures on time or late, the job's
//! flag, a street officer's supervision, the resolution) and how the call-back answers.
//!
//! Every order draws from a generator of its own (seeded from the run's seed and its number), so
//! its story is the same for the same seed. The instants follow from those draws, the working-day
//! calendar and the time of the run: handlers act in working hours, deadlines are
//! `work_orders::deadlines::clocks`, minutes `deadlines::minutes_taken`. A story that would end
//! after the run is told a week earlier. The last orders stay open, a few in each live status;
//! those past a deadline carry the job's overdue flag, so the running server finds nothing to flag.

use haolin_shared::domain::Priority;
use haolin_shared::domain::calendar::{WorkCalendar, shanghai_date, shanghai_instant};

use super::Rng;
use super::order_log::OrderLog;
use super::orders::{
    DECLINE, DISTRICT_DEPARTMENTS, Department, District, ESCALATE, ON_SPOT, RESOLVE, RETURN, Reported, STAFF,
    SUPERVISE, leads, problems,
};
use crate::settings::WorkOrderSettings;
use crate::work_orders::deadlines::{clocks, minutes_taken};

/// The live statuses, a few orders left in each.
pub(super) const LIVE: [&str; 8] =
    ["reported", "accepted", "escalated", "dispatched", "signed", "returned", "resolved", "reopened"];

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// How an order is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    /// The community dispatches it to a grid.
    Grid,
    /// The community escalates it; the street whistles departments.
    Whistle,
}

/// Who handles one round.
enum Handler {
    /// A grid (its worker).
    Grid(usize),
    /// A lead department and co-handlers (indexes into `Story::departments`).
    Departments(usize, Vec<usize>),
}

/// Everything an order's story is told with.
pub(super) struct Story<'a> {
    pub(super) district: &'a District,
    pub(super) settings: &'a WorkOrderSettings,
    pub(super) calendar: WorkCalendar,
    pub(super) officers: Vec<i64>,
    pub(super) departments: Vec<Department>,
    pub(super) street_departments: Vec<Vec<usize>>,
    pub(super) categories: Vec<String>,
    pub(super) now: i64,
    pub(super) seed: u64,
    pub(super) first_live: usize,
}

impl Story<'_> {
    /// Order `n`: its report and its log, told so that it ends before now.
    pub(super) fn order(&self, n: usize) -> (Reported, OrderLog) {
        let live = (n >= self.first_live)
            .then(|| (LIVE[(n - self.first_live) % LIVE.len()], (n - self.first_live) / LIVE.len()));
        let mut told = self.tell(n, live, 0);
        for shift in 1..=60 {
            if self.settled(&told.1, live.map(|l| l.0)) {
                break;
            }
            told = self.tell(n, live, shift);
        }
        if let Some((target, _)) = live {
            self.flag_if_overdue(&mut told.1, target);
        }
        told
    }

    /// Whether a told order ended before now and, open, is not within two hours of a deadline
    /// (so the server's job would not flag it while a test reads the log).
    fn settled(&self, log: &OrderLog, live: Option<&str>) -> bool {
        if log.last_at() > self.now - MINUTE {
            return false;
        }
        match (live, log.clocks) {
            (Some("dispatched"), Some(c)) => !(self.now - MINUTE..self.now + 2 * HOUR).contains(&c.sign_due),
            (Some("signed"), Some(c)) => !(self.now - MINUTE..self.now + 2 * HOUR).contains(&c.resolve_due),
            _ => true,
        }
    }

    fn flag_if_overdue(&self, log: &mut OrderLog, target: &str) {
        let due = match (target, log.clocks) {
            ("dispatched", Some(c)) if log.status == "dispatched" => c.sign_due,
            ("signed", Some(c)) if log.status == "signed" => c.resolve_due,
            _ => return,
        };
        if due < self.now - MINUTE && log.overdue_at.is_none() {
            log.flag_overdue(due + 1 + (self.now - due).min(30_000) / 2);
        }
    }

    fn street_of(&self, grid: usize) -> usize {
        self.district.communities[self.district.grids[grid].1].1
    }

    /// `minutes` of the order's clock after `from`: clock minutes for urgent orders, working
    /// minutes otherwise.
    fn after(&self, priority: Priority, from: i64, minutes: i64) -> i64 {
        match priority {
            Priority::Urgent => from + minutes * MINUTE,
            _ => self.calendar.add_working_minutes(from, minutes),
        }
    }

    /// Between `lo` and `hi` working minutes after `from` (people at their desks).
    fn desk(&self, r: &mut Rng, from: i64, lo: usize, hi: usize) -> i64 {
        self.calendar.add_working_minutes(from, (lo + r.below(hi - lo + 1)) as i64)
    }

    fn sign_allowance(&self, p: Priority) -> i64 {
        if p == Priority::Urgent { self.settings.urgent_sign_minutes } else { self.settings.sign_working_minutes }
    }

    fn day_minutes(&self) -> i64 {
        i64::from(self.calendar.hours().day_minutes())
    }

    /// Tells order `n` (its `live` target status and variant, if it stays open), `shift` weeks (or,
    /// open, days) earlier than first drawn.
    fn tell(&self, n: usize, live: Option<(&'static str, usize)>, shift: i64) -> (Reported, OrderLog) {
        let mut r = Rng(self.seed ^ (n as u64 + 1).wrapping_mul(0xD6E8_FEB8_6659_FD93));
        r.next();
        let d = self.district;
        let target = live.map(|l| l.0);
        // One order in 150 is declined (at least one at every scale).
        let declined = target.is_none() && n % 150 == 75;
        let source = match (r.below(100), target) {
            (0..=4, None) if !declined => "on_spot",
            (0..=44, _) => "patrol",
            _ => "resident",
        };
        let (reporter, grid) = if source == "resident" {
            d.residents[r.below(d.residents.len())]
        } else {
            let g = r.below(d.grids.len());
            (d.grid_workers[g], g)
        };
        let category = self.categories[r.below(self.categories.len())].clone();
        let &(title, description) = r.pick(problems(&category));
        let priority = match (r.below(100), category.as_str()) {
            (_, "燃气安全") | (0..=7, _) => Priority::Urgent,
            (8..=19, _) => Priority::Complex,
            _ => Priority::Normal,
        };
        let roll = r.below(1000);
        let route = match (target, roll) {
            (Some("escalated"), _) => Route::Whistle,
            (Some("dispatched" | "signed"), _) if live.is_some_and(|l| l.1 % 2 == 1) => Route::Whistle,
            (Some(_), _) => Route::Grid,
            (None, 0..=99) => Route::Whistle,
            (None, _) => Route::Grid,
        };
        let returned =
            target == Some("returned") || (target.is_none() && route == Route::Grid && (106..126).contains(&roll));
        let reopen = target == Some("reopened") || (target.is_none() && r.below(100) < 3);
        let age = match (target, live.map_or(0, |l| l.1)) {
            (None, _) => DAY + (r.next() % (364 * DAY as u64)) as i64 + shift * 7 * DAY,
            (Some("reported"), _) => 10 * MINUTE + r.below(600) as i64 * MINUTE + shift * DAY,
            (Some("dispatched" | "signed"), v) if v % 2 == 1 => 12 * DAY + r.below(600) as i64 * MINUTE + shift * DAY,
            (Some("dispatched" | "signed"), _) => 3 * HOUR + r.below(120) as i64 * MINUTE + shift * DAY,
            _ => DAY + r.below(3 * 24 * 60) as i64 * MINUTE + shift * DAY,
        };
        let community = d.grids[grid].1;
        let street = self.street_of(grid);
        let drawn = self.now - age;
        let created = if source == "resident" {
            // Residents report from 07:00 to 22:00.
            shanghai_instant(shanghai_date(drawn), (7 * 60 + r.below(15 * 60)) as u32).min(self.now - MINUTE)
        } else {
            self.desk(&mut r, drawn, 1, 30)
        };
        let reported = Reported {
            community: d.communities[community].0,
            street: d.streets[street].0,
            grid: d.grids[grid].0,
            reporter,
            filed_by: reporter,
            source,
            title,
            description,
            category: category.clone(),
            created,
        };
        let mut log = OrderLog::reported(priority, created, reporter);
        if source == "on_spot" {
            log.resolve_on_spot(created, reporter, ON_SPOT[r.below(ON_SPOT.len())]);
            return (reported, log);
        }
        let dispatcher = d.dispatchers[community];
        let officer = self.officers[street];
        if target == Some("reported") {
            return (reported, log);
        }
        let at = self.desk(&mut r, created, 5, 180);
        if declined {
            log.decline(at, dispatcher, DECLINE[r.below(DECLINE.len())]);
            return (reported, log);
        }
        log.accept(at, dispatcher);
        if target == Some("accepted") {
            return (reported, log);
        }
        let handler = match route {
            Route::Grid => Handler::Grid(grid),
            Route::Whistle => self.pick_departments(&mut r, &category, street),
        };
        let mut at = log.updated_at;
        for round in 0..2 {
            at = match &handler {
                Handler::Grid(g) => {
                    let at = self.desk(&mut r, at, 1, 60);
                    let g0 = self.district.grids[*g].0;
                    log.dispatch(at, dispatcher, g0, clocks(self.settings, &self.calendar, priority, at));
                    if target == Some("dispatched") {
                        return (reported, log);
                    }
                    if returned && round == 0 {
                        let window = self.settings.return_window_minutes.min(self.sign_allowance(priority)) - 1;
                        let back = self.after(priority, at, 1 + r.below(window.max(1) as usize) as i64);
                        log.give_back(back, self.district.grid_workers[*g], RETURN[r.below(RETURN.len())]);
                        if target == Some("returned") {
                            return (reported, log);
                        }
                        let other = self.neighbour(&mut r, *g);
                        let again = self.desk(&mut r, back, 10, 120);
                        let g1 = self.district.grids[other].0;
                        log.dispatch(again, dispatcher, g1, clocks(self.settings, &self.calendar, priority, again));
                        self.handle(&mut r, &mut log, (&Handler::Grid(other), officer), target)
                    } else {
                        self.handle(&mut r, &mut log, (&handler, officer), target)
                    }
                }
                Handler::Departments(lead, co) => {
                    let up = self.desk(&mut r, at, 5, 120);
                    log.escalate(up, dispatcher, ESCALATE[r.below(ESCALATE.len())]);
                    if target == Some("escalated") {
                        return (reported, log);
                    }
                    let at = self.desk(&mut r, up, 10, 240);
                    let ids: Vec<i64> = co.iter().map(|c| self.departments[*c].id).collect();
                    let c = clocks(self.settings, &self.calendar, priority, at);
                    log.whistle(at, officer, self.departments[*lead].id, &ids, c);
                    if target == Some("dispatched") {
                        return (reported, log);
                    }
                    self.handle(&mut r, &mut log, (&handler, officer), target)
                }
            };
            if matches!(target, Some("signed" | "resolved")) {
                return (reported, log);
            }
            // The call-back: the reporter, or the grid worker for a resident.
            let visitor = if source == "resident" && r.below(100) < 85 { reporter } else { d.grid_workers[grid] };
            let answer = match (round, reopen, r.below(100)) {
                (0, true, _) => "unsatisfied",
                (_, _, 0..=84) => "satisfied",
                _ => "basic",
            };
            let note = match answer {
                "unsatisfied" => Some("问题仍未解决"),
                "basic" => Some("处理了，但速度较慢"),
                _ => None,
            };
            let visit_at = at + HOUR + r.below(47 * 60) as i64 * MINUTE;
            log.visit(visit_at, visitor, answer, note);
            if answer != "unsatisfied" || target == Some("reopened") {
                break;
            }
            at = visit_at;
        }
        (reported, log)
    }

    /// Another grid of the same community, if it has one.
    fn neighbour(&self, r: &mut Rng, g: usize) -> usize {
        let community = self.district.grids[g].1;
        let others: Vec<usize> =
            (0..self.district.grids.len()).filter(|o| *o != g && self.district.grids[*o].1 == community).collect();
        if others.is_empty() { g } else { *r.pick(&others) }
    }

    /// A lead department (by the category, or the street's own) and up to three co-handlers.
    fn pick_departments(&self, r: &mut Rng, category: &str, street: usize) -> Handler {
        let own = &self.street_departments[street];
        let lead = if own.is_empty() || r.below(100) < 75 { *r.pick(leads(category)) } else { *r.pick(own) };
        let mut pool: Vec<usize> = leads(category).to_vec();
        pool.extend(own.iter().copied());
        pool.push(r.below(DISTRICT_DEPARTMENTS.len()));
        let wanted = match r.below(10) {
            0..=2 => 0,
            3..=6 => 1,
            7..=8 => 2,
            _ => 3,
        };
        let mut co = Vec::new();
        for _ in 0..wanted * 2 {
            let d = *r.pick(&pool);
            if d != lead && !co.contains(&d) && co.len() < wanted {
                co.push(d);
            }
        }
        Handler::Departments(lead, co)
    }

    fn staff_of(&self, r: &mut Rng, department: usize) -> i64 {
        self.departments[department].staff[r.below(STAFF)]
    }

    /// One round after its dispatch or whistle: signatures (the lead's and each co-handler's),
    /// the job's flag when a deadline passes, a street officer's supervision, the resolution.
    /// Stops after the lead's signature for an order left `signed`, after the resolution for
    /// one left `resolved`. Answers when the last of them happened.
    fn handle(
        &self,
        r: &mut Rng,
        log: &mut OrderLog,
        (handler, officer): (&Handler, i64),
        target: Option<&str>,
    ) -> i64 {
        let p = log.priority;
        let (Some(start), Some(c)) = (log.dispatched_at, log.clocks) else { return log.updated_at };
        let allowance = self.sign_allowance(p);
        let live = target.is_some();
        let sign_late = !live && r.below(100) >= 95;
        let sign_at = if sign_late {
            self.after(p, c.sign_due, 10 + r.below(240) as i64)
        } else {
            self.after(p, start, 1 + r.below(allowance as usize) as i64)
        };
        let (lead_staff, co): (i64, Vec<(i64, usize)>) = match handler {
            Handler::Grid(g) => (self.district.grid_workers[*g], Vec::new()),
            Handler::Departments(lead, co) => {
                let co = co.iter().map(|d| (self.staff_of(r, *d), *d)).collect();
                (self.staff_of(r, *lead), co)
            }
        };
        if target == Some("signed") {
            log.sign(&self.calendar, sign_at, lead_staff);
            return sign_at;
        }
        let resolve_late = !live && !sign_late && r.below(100) >= 92;
        let resolve_at = if resolve_late {
            self.after(p, c.resolve_due, 30 + r.below(3 * self.day_minutes() as usize) as i64)
        } else {
            let left = minutes_taken(&self.calendar, p, sign_at, c.resolve_due);
            let least = left.min(30);
            let u = r.below(1000) as i64;
            self.after(p, sign_at, least + (left - least) * u * u / 1_000_000)
        };
        // Everything of the round, in the order it happened.
        let mut steps: Vec<(i64, Step)> = vec![(sign_at, Step::Sign), (resolve_at, Step::Resolve)];
        for (staff, d) in &co {
            let at = if r.below(100) < 92 {
                self.after(p, start, 1 + r.below(allowance as usize) as i64)
            } else {
                self.after(p, c.sign_due, 10 + r.below(240) as i64)
            };
            steps.push((at, Step::CoSign(*staff, self.departments[*d].id)));
        }
        if sign_late {
            steps.push((c.sign_due + 1 + r.below(30_000) as i64, Step::Flag));
        } else if resolve_late {
            steps.push((c.resolve_due + 1 + r.below(30_000) as i64, Step::Flag));
        }
        // A quarter of the whistled rounds are supervised by the street, in working hours halfway.
        let halfway = self.calendar.working_minutes_between(sign_at, resolve_at) / 2;
        if matches!(handler, Handler::Departments(..)) && r.below(100) < 25 && halfway > 0 {
            steps.push((self.calendar.add_working_minutes(sign_at, halfway), Step::Supervise));
        }
        steps.sort_by_key(|(at, step)| (*at, step.rank()));
        let note = RESOLVE[r.below(RESOLVE.len())];
        let supervision = SUPERVISE[r.below(SUPERVISE.len())];
        let mut last = resolve_at;
        for (at, step) in steps {
            match step {
                Step::Sign => log.sign(&self.calendar, at, lead_staff),
                Step::CoSign(staff, department) => log.co_sign(&self.calendar, at, staff, department),
                Step::Flag => log.flag_overdue(at),
                Step::Supervise => log.supervise(at, officer, supervision),
                Step::Resolve => log.resolve(&self.calendar, at, lead_staff, note),
            }
            last = last.max(at);
        }
        last
    }
}

/// A step of a round, put in time order.
#[derive(Debug, Clone, Copy)]
enum Step {
    Sign,
    CoSign(i64, i64),
    Flag,
    Supervise,
    Resolve,
}

impl Step {
    /// At the same instant: the lead signs before co-handlers, a resolution comes last.
    fn rank(self) -> u8 {
        match self {
            Self::Flag => 0,
            Self::Sign => 1,
            Self::CoSign(..) => 2,
            Self::Supervise => 3,
            Self::Resolve => 4,
        }
    }
}
