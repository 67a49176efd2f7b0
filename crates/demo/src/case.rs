//! BEM cases and what hangs off them: actions (with participants, results
//! and tasks), measures, funding applications, surveys and the sick days
//! counted after a case closed.

use rusqlite::params;

use crate::calendar::date;
use crate::error::Result;
use crate::generator::Generator;
use crate::words::{ANSWERS, QUESTIONS, RESULTS, TASKS, TOPICS, WORDS};

const INSERT_CASE: &str = "INSERT INTO bem_cases (client_id, trigger, status, ended_by, start_date, end_date, locked)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
const INSERT_ACTION: &str =
    "INSERT INTO actions (case_id, action_type_id, date, minutes, topic, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
const INSERT_PARTICIPANT: &str = "INSERT INTO action_participants (action_id, job_function_id) VALUES (?1, ?2)";
const INSERT_RESULT: &str = "INSERT INTO action_results (action_id, text, binding) VALUES (?1, ?2, ?3)";
const INSERT_TASK: &str = "INSERT INTO action_tasks (action_id, text, due_date, done) VALUES (?1, ?2, ?3, ?4)";
const INSERT_MEASURE: &str = "INSERT INTO measures (case_id, measure_id, description, planned_from, planned_to,
    status, effectiveness_review) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
const INSERT_FUNDING: &str = "INSERT INTO funding_applications (case_id, funding_body_id, funding_type_id, applicant,
    applied_on, decided_on, status, amount_requested_cents, amount_granted_cents, reference_no)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
const INSERT_SURVEY: &str = "INSERT INTO surveys (case_id, kind, planned_date, done_date) VALUES (?1, ?2, ?3, ?4)";
const INSERT_ANSWER: &str = "INSERT INTO survey_answers (survey_id, question_code, answer) VALUES (?1, ?2, ?3)";
const INSERT_SICK_DAYS_AFTER: &str = "INSERT INTO sick_days_after (case_id, year, days) VALUES (?1, ?2, ?3)";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Open,
    Running,
    Closed,
    Aborted,
    Refused,
}

use Status::{Aborted, Closed, Open, Refused, Running};

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Open => "open",
            Running => "running",
            Closed => "closed",
            Aborted => "aborted",
            Refused => "refused",
        }
    }

    fn ended(self) -> bool {
        matches!(self, Closed | Aborted | Refused)
    }
}

// Repeated entries weight the draw.
/// A client's earlier case has ended, mostly closed.
const EARLIER_CASE: &[Status] = &[Closed, Closed, Closed, Closed, Closed, Closed, Closed, Aborted, Aborted, Refused];
/// The latest case may still be open or running.
const LATEST_CASE: &[Status] =
    &[Open, Open, Running, Running, Running, Running, Closed, Closed, Closed, Aborted, Refused];
const TRIGGERS: &[&str] = &["six_weeks", "six_weeks", "six_weeks", "six_weeks", "six_weeks", "own_wish", "preventive"];

/// The end of a client's last case, for the deletion schedule.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LastCase {
    pub(crate) end: i64,
    pub(crate) refused: bool,
}

/// A case drawn before its rows are written.
struct CasePlan {
    status: Status,
    trigger: &'static str,
    start: i64,
    /// Action type ids and days, in order.
    actions: Vec<(i64, i64)>,
    /// The last action's day plus one more gap: where the next case counts
    /// from if this one has not ended.
    after_actions: i64,
    /// Day of the last action, for ended cases.
    end: Option<i64>,
    ended_by: Option<&'static str>,
    with_funding: bool,
}

impl Generator<'_> {
    /// One or two cases, one after the other; returns the last one if it
    /// ended. `showcase` makes the first case closed with the
    /// seed-specific action type, so every run's first client carries the
    /// catalogue code that only this seed parity has.
    pub(crate) fn cases(
        &mut self,
        client_id: i64,
        showcase: bool,
        count: u32,
        first_start: i64,
        survey_consent: bool,
    ) -> Result<Option<LastCase>> {
        let mut start = first_start;
        let mut last = None;
        for k in 0..count {
            let plan = self.plan_case(start, showcase && k == 0, k + 1 == count);
            last = self.case(client_id, &plan, survey_consent)?;
            // A next case starts 90 to 400 days later, unless that falls in
            // the last 30 days before "today". Drawn after the last case too:
            // the draw order is part of the output.
            let next = plan.end.unwrap_or(plan.after_actions) + self.rng.range(90, 400);
            if next >= self.today - 30 {
                break;
            }
            start = next;
        }
        Ok(last)
    }

    /// The case row and everything under it; returns the case if it ended.
    fn case(&mut self, client_id: i64, plan: &CasePlan, survey_consent: bool) -> Result<Option<LastCase>> {
        let case_id = self.rows.insert(
            INSERT_CASE,
            params![
                client_id,
                plan.trigger,
                plan.status.as_str(),
                plan.ended_by,
                date(plan.start),
                plan.end.map(date),
                plan.status == Closed, // locked: closed cases only
            ],
        )?;
        self.actions(case_id, plan)?;
        self.measures(case_id, plan)?;
        if plan.with_funding {
            self.funding_applications(case_id, plan)?;
        }
        let Some(end) = plan.end else { return Ok(None) };
        // Surveys need the client's consent; a refused BEM has nothing to ask about.
        if survey_consent && plan.status != Refused {
            self.surveys(case_id, end)?;
        }
        if plan.status == Closed {
            self.sick_days_after(case_id, end)?;
        }
        Ok(Some(LastCase { end, refused: plan.status == Refused }))
    }

    fn plan_case(&mut self, start: i64, showcase: bool, latest: bool) -> CasePlan {
        let status = if showcase {
            Closed
        } else if latest {
            *self.rng.pick(LATEST_CASE)
        } else {
            *self.rng.pick(EARLIER_CASE)
        };
        let trigger = *self.rng.pick(TRIGGERS);
        let count = self.action_count(status);
        let with_funding = matches!(status, Running | Closed) && self.rng.chance(40);
        let mut types = self.action_types(status, count, with_funding);
        if showcase && types.len() >= 3 {
            types[1] = self.cat.extra_action;
        }
        let mut day = start;
        let mut actions = Vec::with_capacity(types.len());
        for action_type in types {
            actions.push((action_type, day));
            day += self.rng.range(3, 40);
        }
        let end = status.ended().then(|| actions.last().map_or(start, |&(_, d)| d));
        let ended_by = self.ended_by(status);
        CasePlan { status, trigger, start, actions, after_actions: day, end, ended_by, with_funding }
    }

    fn action_count(&mut self, status: Status) -> i64 {
        match status {
            Open => 1,
            Refused => self.rng.range(2, 3),
            Running => self.rng.range(2, 6),
            Aborted => self.rng.range(2, 5),
            Closed => self.rng.range(3, 8),
        }
    }

    /// A case opens with the first contact and an ended case ends with its
    /// closing or refusal action; a funded case applies right after the
    /// first contact. The rest are ordinary actions.
    fn action_types(&mut self, status: Status, count: i64, with_funding: bool) -> Vec<i64> {
        let mut types = vec![self.cat.first_contact];
        for i in 1..count {
            let last = i + 1 == count;
            types.push(match status {
                Closed if last => self.cat.case_closed,
                Aborted | Refused if last => self.cat.refusal_abort,
                _ if with_funding && i == 1 => self.cat.funding_application,
                _ => *self.rng.pick(&self.cat.user_actions),
            });
        }
        types
    }

    fn ended_by(&mut self, status: Status) -> Option<&'static str> {
        match status {
            Closed => Some(*self.rng.pick(&["mutual", "mutual", "team"])),
            Aborted => Some(*self.rng.pick(&["client", "team"])),
            Refused => Some("client"),
            Open | Running => None,
        }
    }

    /// Each action with its participants, results and tasks.
    fn actions(&mut self, case_id: i64, plan: &CasePlan) -> Result<()> {
        for &(action_type, day) in &plan.actions {
            let details = self.rng.chance(70).then(|| self.words(5, 25));
            let minutes = self.rng.range(10, 120);
            let topic = *self.rng.pick(TOPICS);
            let action_id =
                self.rows.insert(INSERT_ACTION, params![case_id, action_type, date(day), minutes, topic, details])?;
            self.participants(action_id)?;
            self.results(action_id)?;
            self.tasks(action_id, day)?;
        }
        Ok(())
    }

    /// `lo..=hi` words of free text.
    fn words(&mut self, lo: i64, hi: i64) -> String {
        (0..self.rng.range(lo, hi)).map(|_| *self.rng.pick(WORDS)).collect::<Vec<_>>().join(" ")
    }

    /// The coordinator takes part in every action, up to two others join.
    fn participants(&mut self, action_id: i64) -> Result<()> {
        self.rows.insert(INSERT_PARTICIPANT, params![action_id, self.cat.coordinator])?;
        for _ in 0..self.rng.range(0, 2) {
            let job_function = *self.rng.pick(&self.cat.job_functions);
            if job_function != self.cat.coordinator {
                self.rows.insert(INSERT_PARTICIPANT, params![action_id, job_function])?;
            }
        }
        Ok(())
    }

    fn results(&mut self, action_id: i64) -> Result<()> {
        for _ in 0..self.rng.range(0, 2) {
            let text = *self.rng.pick(RESULTS);
            let binding = self.rng.chance(50);
            self.rows.insert(INSERT_RESULT, params![action_id, text, binding])?;
        }
        Ok(())
    }

    /// Tasks due before "today" are mostly done.
    fn tasks(&mut self, action_id: i64, day: i64) -> Result<()> {
        for _ in 0..self.rng.range(0, 2) {
            let due = day + self.rng.range(7, 60);
            let done = due < self.today && self.rng.chance(85);
            let text = *self.rng.pick(TASKS);
            self.rows.insert(INSERT_TASK, params![action_id, text, date(due), done])?;
        }
        Ok(())
    }

    /// Up to three measures for cases that got that far; their status
    /// follows the case's.
    fn measures(&mut self, case_id: i64, plan: &CasePlan) -> Result<()> {
        if !matches!(plan.status, Running | Closed | Aborted) {
            return Ok(());
        }
        for _ in 0..self.rng.range(0, 3) {
            let from = plan.start + self.rng.range(10, 60);
            let status = match plan.status {
                Closed => *self.rng.pick(&["done", "done", "cancelled"]),
                Aborted => "cancelled",
                _ => *self.rng.pick(&["planned", "running", "done"]),
            };
            let review = (status == "done").then(|| *self.rng.pick(&["wirksam", "teilweise wirksam", "nicht wirksam"]));
            let measure = *self.rng.pick(&self.cat.measures);
            let description = *self.rng.pick(RESULTS);
            let to = from + self.rng.range(30, 180);
            self.rows
                .insert(INSERT_MEASURE, params![case_id, measure, description, date(from), date(to), status, review])?;
        }
        Ok(())
    }

    /// One or two applications, filed on the day of the case's
    /// FUNDING_APPLICATION action (its second one).
    fn funding_applications(&mut self, case_id: i64, plan: &CasePlan) -> Result<()> {
        for _ in 0..self.rng.range(1, 2) {
            let (body, prefix) = *self.rng.pick(&self.cat.funding_bodies);
            let applied = plan.actions.get(1).map_or(plan.start, |&(_, day)| day);
            let status =
                *self.rng.pick(&["submitted", "granted", "granted", "partly_granted", "rejected", "withdrawn"]);
            let decided =
                matches!(status, "granted" | "partly_granted" | "rejected").then(|| applied + self.rng.range(20, 90));
            let requested = self.rng.range(500, 25_000) * 100;
            let granted = match status {
                "granted" => Some(requested),
                "partly_granted" => Some(requested * self.rng.range(30, 90) / 100),
                "rejected" => Some(0),
                _ => None,
            };
            let funding_type = *self.rng.pick(&self.cat.funding_types);
            let applicant = *self.rng.pick(&["Arbeitgeber", "Beschäftigte/r"]);
            let applied_on = date(applied);
            let reference = format!("{prefix}-{}-{:06}", &applied_on[..4], self.rng.range(1, 999_999));
            self.rows.insert(
                INSERT_FUNDING,
                params![
                    case_id,
                    body,
                    funding_type,
                    applicant,
                    applied_on,
                    decided.map(date),
                    status,
                    requested,
                    granted,
                    reference,
                ],
            )?;
        }
        Ok(())
    }

    /// A first survey a month after the end, sometimes a follow-up a year
    /// after; answered only once done, and only if done by "today".
    fn surveys(&mut self, case_id: i64, end: i64) -> Result<()> {
        let mut plans = vec![("first", end + 30)];
        if self.rng.chance(50) {
            plans.push(("follow_up", end + 365));
        }
        for (kind, planned) in plans {
            let done = planned + self.rng.range(0, 30);
            let done = (done <= self.today).then_some(done);
            let survey_id = self.rows.insert(INSERT_SURVEY, params![case_id, kind, date(planned), done.map(date)])?;
            if done.is_some() {
                for question in QUESTIONS.iter().take(self.rng.range(4, 6) as usize) {
                    let answer = *self.rng.pick(ANSWERS);
                    self.rows.insert(INSERT_ANSWER, params![survey_id, question, answer])?;
                }
            }
        }
        Ok(())
    }

    /// Sick days in each of the three years after closing that is over by
    /// "today": what shows whether the BEM helped.
    fn sick_days_after(&mut self, case_id: i64, end: i64) -> Result<()> {
        for year in 1..=3 {
            if end + 365 * year <= self.today {
                let days = self.rng.range(0, 40);
                self.rows.insert(INSERT_SICK_DAYS_AFTER, params![case_id, year, days])?;
            }
        }
        Ok(())
    }
}
