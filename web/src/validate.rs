//! Checks of the wish, check-in and work-order forms with the shared newtypes, so the browser
//! refuses exactly what the server would.

use haolin_shared::api::{CreateCheckinRequest, CreateWishRequest};
use haolin_shared::domain::{
    Category, CertificateNo, DEFAULT_CATEGORIES, LetterRef, PhoneNumber, WishDescription, WishTitle,
};

use crate::i18n::MESSAGES;
use crate::time::parse_rfc3339;

mod orders;

pub use orders::{
    ActionInput, DESCRIPTION_MAX, Needs, ReportErrors, ReportForm, action_request, check_report, needs,
    order_description_error, order_title_error, steps_back,
};

/// What the resident typed into the wish form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WishForm {
    /// The chosen community's id.
    pub community_id: String,
    /// The resident's home grid in that community (empty for none: the server then takes the
    /// registered home grid if it is there).
    pub grid_id: String,
    /// The chosen category (empty when none is chosen).
    pub category: String,
    /// The title as typed.
    pub title: String,
    /// The description as typed.
    pub description: String,
    /// The contact phone as typed (empty for none).
    pub contact_phone: String,
    /// The expected date, `YYYY-MM-DD` (empty for none).
    pub expected_by: String,
    /// The ids of the photos uploaded for it.
    pub photos: Vec<String>,
}

/// The error under each field, `None` where the field is fine.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WishFormErrors {
    /// Under the community.
    pub community: Option<String>,
    /// Under the category.
    pub category: Option<String>,
    /// Under the title.
    pub title: Option<String>,
    /// Under the description.
    pub description: Option<String>,
    /// Under the contact phone.
    pub contact_phone: Option<String>,
    /// Under the expected date.
    pub expected_by: Option<String>,
}

impl WishFormErrors {
    /// Whether every field is fine.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The error of the title field.
pub fn title_error(raw: &str) -> Option<String> {
    WishTitle::parse(raw).err().map(|e| e.to_string())
}

/// The error of the description field.
pub fn description_error(raw: &str) -> Option<String> {
    WishDescription::parse(raw).err().map(|e| e.to_string())
}

/// The error of the category field.
pub fn category_error(raw: &str) -> Option<String> {
    Category::parse(raw, &DEFAULT_CATEGORIES).err().map(|e| e.to_string())
}

/// The error of the optional contact phone.
pub fn contact_phone_error(raw: &str) -> Option<String> {
    if raw.trim().is_empty() { None } else { PhoneNumber::parse(raw).err().map(|e| e.to_string()) }
}

/// The error of the optional expected date, given today's local date (`YYYY-MM-DD`).
pub fn expected_by_error(raw: &str, today: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    if raw.len() != 10 || parse_rfc3339(raw).is_none() {
        return Some(MESSAGES.invalid_date.to_owned());
    }
    // Both are zero-padded `YYYY-MM-DD`, so text order is date order.
    (raw < today).then(|| MESSAGES.date_in_past.to_owned())
}

/// The `photos` of a request: `None` (left out) without any.
pub fn photo_ids(ids: &[String]) -> Option<Vec<String>> {
    (!ids.is_empty()).then(|| ids.to_vec())
}

/// Checks every field; on success the request to send.
pub fn check_wish(form: &WishForm, today: &str) -> Result<CreateWishRequest, Box<WishFormErrors>> {
    let errors = WishFormErrors {
        community: form.community_id.is_empty().then(|| MESSAGES.no_community.to_owned()),
        category: category_error(&form.category),
        title: title_error(&form.title),
        description: description_error(&form.description),
        contact_phone: contact_phone_error(&form.contact_phone),
        expected_by: expected_by_error(&form.expected_by, today),
    };
    if !errors.is_empty() {
        return Err(Box::new(errors));
    }
    let contact_phone = PhoneNumber::parse(&form.contact_phone).ok().map(PhoneNumber::into_inner);
    Ok(CreateWishRequest {
        community_id: form.community_id.clone(),
        title: WishTitle::parse(&form.title).map(WishTitle::into_inner).unwrap_or_default(),
        description: WishDescription::parse(&form.description).map(WishDescription::into_inner).unwrap_or_default(),
        category: form.category.trim().to_owned(),
        contact_phone,
        expected_by: Some(form.expected_by.trim().to_owned()).filter(|d| !d.is_empty()),
        grid_id: Some(form.grid_id.clone()).filter(|g| !g.is_empty()),
        resident_id: None,
        photos: photo_ids(&form.photos),
        paid_minutes: None,
    })
}

/// What the member typed into the check-in form (双报到).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckinForm {
    /// The chosen community's id (empty when none is chosen).
    pub community_id: String,
    /// The chosen unit branch's id (empty for none).
    pub unit_branch_id: String,
    /// The service certificate number as typed.
    pub certificate_no: String,
    /// The introduction letter's reference as typed.
    pub letter_ref: String,
}

/// The error of the certificate number field.
pub fn certificate_error(raw: &str) -> Option<String> {
    CertificateNo::parse(raw).err().map(|e| e.to_string())
}

/// The error of the letter reference field.
pub fn letter_error(raw: &str) -> Option<String> {
    LetterRef::parse(raw).err().map(|e| e.to_string())
}

/// Checks the check-in form; on success the request to send, else whether any field is wrong.
pub fn check_checkin(form: &CheckinForm) -> Option<CreateCheckinRequest> {
    let certificate_no = CertificateNo::parse(&form.certificate_no).ok()?.into_inner();
    let letter_ref = LetterRef::parse(&form.letter_ref).ok()?.into_inner();
    if form.community_id.is_empty() {
        return None;
    }
    Some(CreateCheckinRequest {
        community_id: form.community_id.clone(),
        unit_branch_id: Some(form.unit_branch_id.clone()).filter(|b| !b.is_empty()),
        certificate_no,
        letter_ref,
    })
}

#[cfg(test)]
mod checkin_tests {
    use super::*;

    fn valid() -> CheckinForm {
        CheckinForm {
            community_id: "3".into(),
            unit_branch_id: String::new(),
            certificate_no: " FWZ-2026-0001 ".into(),
            letter_ref: "钟组介〔2026〕12号".into(),
        }
    }

    #[test]
    fn a_valid_check_in_becomes_a_trimmed_request_without_a_branch() {
        let req = check_checkin(&valid());
        assert_eq!(req.as_ref().map(|r| r.certificate_no.as_str()), Some("FWZ-2026-0001"));
        assert_eq!(req.and_then(|r| r.unit_branch_id), None);
        let with_branch = CheckinForm { unit_branch_id: "9".into(), ..valid() };
        assert_eq!(check_checkin(&with_branch).and_then(|r| r.unit_branch_id), Some("9".into()));
    }

    #[test]
    fn a_certificate_number_with_chinese_or_spaces_is_refused_and_nothing_is_sent() {
        assert_eq!(certificate_error("服务证 12").as_deref(), Some("只能包含字母、数字和连字符“-”"));
        assert_eq!(check_checkin(&CheckinForm { certificate_no: "FWZ 1".into(), ..valid() }), None);
        assert_eq!(certificate_error("FWZ-1"), None);
    }

    #[test]
    fn the_letter_and_the_community_are_required() {
        assert_eq!(letter_error("  ").as_deref(), Some("不能为空"));
        assert_eq!(check_checkin(&CheckinForm { letter_ref: String::new(), ..valid() }), None);
        assert_eq!(check_checkin(&CheckinForm { community_id: String::new(), ..valid() }), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> WishForm {
        WishForm {
            community_id: "1".into(),
            grid_id: String::new(),
            category: "生活帮扶".into(),
            title: "  帮忙买菜 ".into(),
            description: "腿脚不便，想请人帮忙买菜".into(),
            contact_phone: "".into(),
            expected_by: "".into(),
            photos: vec![],
        }
    }

    #[test]
    fn a_valid_form_becomes_a_trimmed_request() {
        let req = check_wish(&valid(), "2026-11-28").map_err(|e| format!("{e:?}"));
        let req =
            req.as_ref().map(|r| (r.title.as_str(), r.contact_phone.clone(), r.expected_by.clone(), r.grid_id.clone()));
        assert_eq!(req, Ok(("帮忙买菜", None, None, None)));
        let at_home = WishForm { grid_id: "7".into(), ..valid() };
        assert_eq!(check_wish(&at_home, "2026-11-28").ok().and_then(|r| r.grid_id), Some("7".into()));
    }

    #[test]
    fn a_title_of_fifty_one_characters_is_refused_under_the_title() {
        let form = WishForm { title: "好".repeat(51), ..valid() };
        let errors = check_wish(&form, "2026-11-28").err().unwrap_or_default();
        assert_eq!(errors.title.as_deref(), Some("不能超过 50 个字"));
        assert_eq!(errors.description, None);
    }

    #[test]
    fn an_empty_form_names_every_required_field() {
        let errors = check_wish(&WishForm::default(), "2026-11-28").err().unwrap_or_default();
        assert!(errors.community.is_some() && errors.category.is_some());
        assert!(errors.title.is_some() && errors.description.is_some());
        assert!(errors.contact_phone.is_none() && errors.expected_by.is_none());
    }

    #[test]
    fn a_bad_contact_phone_is_refused_and_a_good_one_normalised() {
        assert!(contact_phone_error("12345").is_some());
        let form = WishForm { contact_phone: "138 0013 8000".into(), ..valid() };
        assert_eq!(check_wish(&form, "2026-11-28").ok().and_then(|r| r.contact_phone), Some("13800138000".into()));
    }

    #[test]
    fn an_expected_date_in_the_past_is_refused_but_today_is_fine() {
        assert_eq!(expected_by_error("2026-11-27", "2026-11-28").as_deref(), Some(MESSAGES.date_in_past));
        assert_eq!(expected_by_error("2026-11-28", "2026-11-28"), None);
        assert_eq!(expected_by_error("2026-02-3x", "2026-11-28").as_deref(), Some(MESSAGES.invalid_date));
    }

    #[test]
    fn an_unknown_category_is_refused() {
        assert!(category_error("").is_some());
        assert!(category_error("买彩票").is_some());
        assert!(category_error("其他").is_none());
    }
}
