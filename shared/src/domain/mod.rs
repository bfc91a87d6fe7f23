//! The domain: values that are valid by construction, and the rules that move a wish and a
//! check-in.

pub mod calendar;
mod category;
mod certificate;
pub mod checkin;
mod phone;
pub mod property;
mod rating;
pub mod service_point;
mod text;
pub mod time_bank;
mod wish;
pub mod work_order;

pub use calendar::{
    CalendarError, Date, HolidayDay, HolidayYear, WorkCalendar, WorkingHours, parse_holiday_year, shipped_years,
};
pub use category::{Category, DEFAULT_CATEGORIES};
pub use certificate::CertificateNo;
pub use checkin::{CheckinAction, CheckinKind, CheckinRefusal, CheckinRelations, CheckinStatus};
pub use phone::PhoneNumber;
pub use rating::Rating;
pub use text::{
    Comment, LetterRef, NewPassword, Note, PersonName, PlaceName, Reason, WishDescription, WishTitle, parse_text_field,
};
pub use text::{NoticeText, NoticeTitle};
pub use wish::{Refusal, Relations, WishAction, WishStatus, available_actions, transition};
pub use work_order::{
    ExtensionState, OrderAction, OrderRefusal, OrderRelations, OrderStatus, Priority, Satisfaction,
    available_order_actions,
};

/// Why a raw value was refused by one of the domain newtypes.
///
/// The message is Simplified Chinese because the web client shows it under the field as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// Nothing left after trimming.
    #[error("不能为空")]
    Empty,
    /// More characters than allowed (counted as Unicode scalar values after trimming).
    #[error("不能超过 {max} 个字")]
    TooLong {
        /// The largest number of characters allowed.
        max: usize,
    },
    /// Fewer characters than required.
    #[error("至少需要 {min} 个字")]
    TooShort {
        /// The smallest number of characters allowed.
        min: usize,
    },
    /// A control character such as NUL, a bell or a line separator where none may be.
    #[error("不能包含控制字符")]
    ControlCharacter,
    /// Not a mainland mobile number.
    #[error("请输入 11 位手机号码")]
    Phone,
    /// A rating outside 1–5.
    #[error("评分须为 1 到 5 的整数")]
    Rating,
    /// A category that is not on the configured list.
    #[error("请选择有效的类别")]
    Category,
    /// A service certificate number with a character other than an ASCII letter, a digit or `-`.
    #[error("只能包含字母、数字和连字符“-”")]
    CertificateChars,
}
