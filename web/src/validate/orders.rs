//! Checks of the work-order forms (a report, and what each action needs) with the shared
//! newtypes, so the browser refuses what the server would and sends exactly the fields an action
//! takes.

use haolin_shared::api::{GeoPoint, OrderActionRequest, ReportOrderRequest};
use haolin_shared::domain::{Note, OrderAction, Priority, Reason, Satisfaction, ValueError, WishTitle};

use super::photo_ids;
use crate::i18n::ORDERS;

/// The longest description of a report (`ReportOrderRequest::description`).
pub const DESCRIPTION_MAX: usize = 2000;

/// The error of a report's title.
pub fn order_title_error(raw: &str) -> Option<String> {
    WishTitle::parse(raw).err().map(|e| e.to_string())
}

/// The error of a report's description: 1–2,000 characters once trimmed.
pub fn order_description_error(raw: &str) -> Option<String> {
    match raw.trim().chars().count() {
        0 => Some(ValueError::Empty.to_string()),
        n if n > DESCRIPTION_MAX => Some(ValueError::TooLong { max: DESCRIPTION_MAX }.to_string()),
        _ => None,
    }
}

/// What was typed into a report (随手拍, or a grid worker's find).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportForm {
    /// The title as typed.
    pub title: String,
    /// The description as typed.
    pub description: String,
    /// The chosen category (empty when none is chosen).
    pub category: String,
    /// The grid where the problem is (empty when none is known).
    pub grid_id: String,
    /// The browser's location, when it was given.
    pub location: Option<GeoPoint>,
    /// A grid worker's 即报即办: how it was solved on the spot (`None` when not ticked).
    pub on_spot: Option<String>,
    /// The ids of the photos uploaded for it.
    pub photos: Vec<String>,
}

/// The error under each field of a report, `None` where the field is fine.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportErrors {
    /// Under the title.
    pub title: Option<String>,
    /// Under the description.
    pub description: Option<String>,
    /// Under the category.
    pub category: Option<String>,
    /// About the grid.
    pub grid: Option<String>,
    /// Under the on-the-spot note.
    pub on_spot: Option<String>,
}

/// Checks a report; on success the request to send.
pub fn check_report(form: &ReportForm) -> Result<ReportOrderRequest, Box<ReportErrors>> {
    let on_spot = form.on_spot.as_deref().map(Note::parse);
    let errors = ReportErrors {
        title: order_title_error(&form.title),
        description: order_description_error(&form.description),
        category: form.category.trim().is_empty().then(|| ValueError::Category.to_string()),
        grid: form.grid_id.is_empty().then(|| ORDERS.choose_grid.to_owned()),
        on_spot: on_spot.as_ref().and_then(|n| n.as_ref().err()).map(ToString::to_string),
    };
    if errors != ReportErrors::default() {
        return Err(Box::new(errors));
    }
    Ok(ReportOrderRequest {
        title: WishTitle::parse(&form.title).map(WishTitle::into_inner).unwrap_or_default(),
        description: form.description.trim().to_owned(),
        category: form.category.trim().to_owned(),
        grid_id: form.grid_id.clone(),
        location: form.location,
        priority: None,
        reporter_id: None,
        resolved_on_spot: on_spot.and_then(Result::ok).map(Note::into_inner),
        photos: photo_ids(&form.photos),
    })
}

/// What was typed into an action's form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActionInput {
    /// The reason or note as typed.
    pub text: String,
    /// The days of an extension as typed.
    pub days: String,
    /// The grid to dispatch to.
    pub grid_id: String,
    /// The lead department of a whistle.
    pub lead: String,
    /// The co-handling departments of a whistle.
    pub co: Vec<String>,
    /// The priority chosen with a dispatch or a whistle.
    pub priority: Option<Priority>,
    /// The call-back's answer.
    pub satisfaction: Option<Satisfaction>,
    /// The ids of the photos uploaded for a resolution or a call-back.
    pub photos: Vec<String>,
}

/// What an action needs from the person before it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Nothing: one tap sends it.
    Nothing,
    /// A reason (`reason`).
    Reason,
    /// A note (`note`).
    Note,
    /// Days and a reason.
    Days,
    /// A grid (and a priority).
    Grid,
    /// Departments (and a priority).
    Departments,
    /// The call-back's answer (and an optional note).
    Answer,
}

/// What `action` needs.
pub fn needs(action: OrderAction) -> Needs {
    use OrderAction as A;
    match action {
        A::Decline | A::Return | A::Escalate | A::Supervise | A::RefuseExtension => Needs::Reason,
        A::Resolve => Needs::Note,
        A::RequestExtension => Needs::Days,
        A::Dispatch => Needs::Grid,
        A::Whistle => Needs::Departments,
        A::Visit => Needs::Answer,
        _ => Needs::Nothing,
    }
}

/// Whether `action` steps back (refuses, returns, sends back to be redone): drawn outlined before
/// the main action, and sent only after its form says it cannot be undone.
pub fn steps_back(action: OrderAction, input: &ActionInput) -> bool {
    matches!(action, OrderAction::Decline | OrderAction::Return | OrderAction::RefuseExtension)
        || (action == OrderAction::Visit && input.satisfaction == Some(Satisfaction::Unsatisfied))
}

/// The body of `action` on an order at `version`, or the error to show instead of sending it.
pub fn action_request(action: OrderAction, version: i64, input: &ActionInput) -> Result<OrderActionRequest, String> {
    let text = |r: Result<String, ValueError>| r.map(Some).map_err(|e| e.to_string());
    let reason = || text(Reason::parse(&input.text).map(Reason::into_inner));
    let note = || text(Note::parse(&input.text).map(Note::into_inner));
    let mut request = OrderActionRequest { version: Some(version), ..OrderActionRequest::default() };
    match needs(action) {
        Needs::Nothing => {}
        Needs::Reason => request.reason = reason()?,
        Needs::Note => {
            request.note = note()?;
            request.photos = photo_ids(&input.photos);
        }
        Needs::Days => {
            let days = input.days.trim().parse::<u32>().ok().filter(|d| *d >= 1);
            request.days = Some(days.ok_or_else(|| ORDERS.days_invalid.to_owned())?);
            request.reason = reason()?;
        }
        Needs::Grid => {
            if input.grid_id.is_empty() {
                return Err(ORDERS.choose_grid.to_owned());
            }
            request.grid_id = Some(input.grid_id.clone());
            request.priority = input.priority;
        }
        Needs::Departments => {
            if input.lead.is_empty() {
                return Err(ORDERS.choose_lead.to_owned());
            }
            request.lead_department_id = Some(input.lead.clone());
            request.co_department_ids = Some(input.co.iter().filter(|d| **d != input.lead).cloned().collect());
            request.priority = input.priority;
        }
        Needs::Answer => {
            request.satisfaction = Some(input.satisfaction.unwrap_or(Satisfaction::Satisfied));
            if !input.text.trim().is_empty() {
                request.note = note()?;
            }
            request.photos = photo_ids(&input.photos);
        }
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> ReportForm {
        ReportForm {
            title: " 路灯不亮 ".into(),
            description: "三号楼下的路灯坏了".into(),
            category: "市容环境".into(),
            grid_id: "4".into(),
            ..ReportForm::default()
        }
    }

    #[test]
    fn a_report_becomes_a_trimmed_request_and_an_empty_one_names_every_field() {
        let request = check_report(&report()).map_err(|e| format!("{e:?}"));
        assert_eq!(request.as_ref().map(|r| (r.title.as_str(), r.resolved_on_spot.clone())), Ok(("路灯不亮", None)));
        let errors = check_report(&ReportForm::default()).err().unwrap_or_default();
        assert!(errors.title.is_some() && errors.description.is_some() && errors.category.is_some());
        assert_eq!(errors.grid.as_deref(), Some(ORDERS.choose_grid));
        assert_eq!(errors.on_spot, None);
    }

    #[test]
    fn a_report_solved_on_the_spot_needs_its_note() {
        let ticked = ReportForm { on_spot: Some("  ".into()), ..report() };
        assert!(check_report(&ticked).err().is_some_and(|e| e.on_spot.is_some()));
        let noted = ReportForm { on_spot: Some("已清理".into()), ..report() };
        assert_eq!(check_report(&noted).ok().and_then(|r| r.resolved_on_spot), Some("已清理".into()));
    }

    #[test]
    fn a_description_may_be_two_thousand_characters() {
        assert_eq!(order_description_error(&"字".repeat(2000)), None);
        assert_eq!(order_description_error(&"字".repeat(2001)).as_deref(), Some("不能超过 2000 个字"));
    }

    #[test]
    fn each_action_sends_exactly_what_it_needs() {
        let input = |text: &str| ActionInput { text: text.into(), ..ActionInput::default() };
        assert_eq!(
            action_request(OrderAction::Accept, 3, &input("")),
            Ok(OrderActionRequest { version: Some(3), ..Default::default() })
        );
        assert!(action_request(OrderAction::Decline, 3, &input(" ")).is_err());
        assert_eq!(
            action_request(OrderAction::Return, 3, &input(" 不归我们管 ")).map(|r| r.reason),
            Ok(Some("不归我们管".into()))
        );
        assert_eq!(
            action_request(OrderAction::Resolve, 3, &input("已修好")).map(|r| (r.note, r.reason)),
            Ok((Some("已修好".into()), None))
        );
        let days = ActionInput { days: "0".into(), ..input("材料未到") };
        assert_eq!(action_request(OrderAction::RequestExtension, 3, &days), Err(ORDERS.days_invalid.to_owned()));
        let days = ActionInput { days: " 3 ".into(), ..days };
        assert_eq!(action_request(OrderAction::RequestExtension, 3, &days).map(|r| r.days), Ok(Some(3)));
    }

    #[test]
    fn a_dispatch_needs_a_grid_and_a_whistle_a_lead_never_also_a_co_handler() {
        assert_eq!(
            action_request(OrderAction::Dispatch, 1, &ActionInput::default()),
            Err(ORDERS.choose_grid.to_owned())
        );
        assert_eq!(
            action_request(OrderAction::Whistle, 1, &ActionInput::default()),
            Err(ORDERS.choose_lead.to_owned())
        );
        let whistle = ActionInput {
            lead: "2".into(),
            co: vec!["2".into(), "5".into()],
            priority: Some(Priority::Urgent),
            ..ActionInput::default()
        };
        let request = action_request(OrderAction::Whistle, 1, &whistle);
        assert_eq!(request.as_ref().map(|r| r.co_department_ids.clone()), Ok(Some(vec!["5".to_owned()])));
        assert_eq!(request.map(|r| r.priority), Ok(Some(Priority::Urgent)));
    }

    #[test]
    fn an_unsatisfied_answer_steps_back_and_a_satisfied_one_is_one_tap() {
        let unsatisfied = ActionInput { satisfaction: Some(Satisfaction::Unsatisfied), ..ActionInput::default() };
        assert!(steps_back(OrderAction::Visit, &unsatisfied));
        assert!(!steps_back(
            OrderAction::Visit,
            &ActionInput { satisfaction: Some(Satisfaction::Satisfied), ..unsatisfied.clone() }
        ));
        let request = action_request(OrderAction::Visit, 2, &unsatisfied);
        assert_eq!(request.map(|r| (r.satisfaction, r.note)), Ok((Some(Satisfaction::Unsatisfied), None)));
        for a in [OrderAction::Decline, OrderAction::Return, OrderAction::RefuseExtension] {
            assert!(steps_back(a, &ActionInput::default()), "{a:?}");
            assert_ne!(needs(a), Needs::Nothing, "{a:?} asks first");
        }
        assert!(!steps_back(OrderAction::Resolve, &ActionInput::default()));
    }

    #[test]
    fn photos_go_with_a_report_a_resolution_and_a_call_back_only() {
        let photos = vec!["p1".to_owned(), "p2".to_owned()];
        let with = ReportForm { photos: photos.clone(), ..report() };
        assert_eq!(check_report(&with).ok().and_then(|r| r.photos), Some(photos.clone()));
        assert_eq!(check_report(&report()).ok().map(|r| r.photos), Some(None));
        let input = ActionInput { text: "已修好".into(), photos: photos.clone(), ..ActionInput::default() };
        for a in [OrderAction::Resolve, OrderAction::Visit] {
            assert_eq!(action_request(a, 1, &input).map(|r| r.photos), Ok(Some(photos.clone())), "{a:?}");
        }
        let reason = ActionInput { text: "不归我们管".into(), ..input };
        assert_eq!(action_request(OrderAction::Return, 1, &reason).map(|r| r.photos), Ok(None));
    }
}
