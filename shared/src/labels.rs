//! The names a person reads for statuses, levels and roles, in Simplified Chinese: one table,
//! used by the server's messages and notifications and by the web app's catalogue, so that a
//! status is called the same wherever it shows.

use crate::api::{GridKind, PartyOrgLevel, PlaceLevel, Role};
use crate::domain::{CheckinStatus, OrderAction, OrderStatus, Priority, Satisfaction, WishStatus};

/// A value with a name people read.
pub trait Label: Copy {
    /// The Simplified Chinese name.
    fn label(self) -> &'static str;
}

impl Label for WishStatus {
    fn label(self) -> &'static str {
        match self {
            Self::PendingReview => "待审核",
            Self::Rejected => "未通过",
            Self::Open => "待认领",
            Self::Assigned => "已派单",
            Self::Claimed => "进行中",
            Self::Fulfilled => "待确认",
            Self::Confirmed => "已完成",
            Self::Cancelled => "已取消",
        }
    }
}

impl Label for CheckinStatus {
    fn label(self) -> &'static str {
        match self {
            Self::Pending => "待审核",
            Self::Approved => "已通过",
            Self::Rejected => "未通过",
            Self::Withdrawn => "已撤回",
        }
    }
}

impl Label for PlaceLevel {
    fn label(self) -> &'static str {
        match self {
            Self::District => "区",
            Self::Street => "街道",
            Self::Community => "社区",
            Self::Grid => "网格",
            Self::Unit => "十联户",
        }
    }
}

impl Label for GridKind {
    fn label(self) -> &'static str {
        match self {
            Self::Comprehensive => "综合网格",
            Self::Dedicated => "专属网格",
        }
    }
}

impl Label for Role {
    fn label(self) -> &'static str {
        match self {
            Self::Resident => "居民",
            Self::Member => "党员",
            Self::Dispatcher => "派单员",
            Self::GridWorker => "网格员",
            Self::GridLeader => "网格长",
            Self::HouseholdHead => "联户长",
            Self::StreetOfficer => "街道",
            Self::DepartmentOfficer => "职能部门",
            Self::Admin => "管理员",
        }
    }
}

impl Label for PartyOrgLevel {
    fn label(self) -> &'static str {
        match self {
            Self::StreetCommittee => "街道党工委",
            Self::CommunityBranch => "社区党支部",
            Self::GridBranch => "网格党支部",
            Self::PartyGroup => "网格党小组",
            Self::CentralHousehold => "党员中心户",
        }
    }
}

impl Label for OrderStatus {
    fn label(self) -> &'static str {
        match self {
            Self::Reported => "待受理",
            Self::Accepted => "已受理",
            Self::Declined => "不予受理",
            Self::Escalated => "已上报街道",
            Self::Dispatched => "待签收",
            Self::Signed => "办理中",
            Self::Returned => "已退单",
            Self::Resolved => "待回访",
            Self::Reopened => "重办",
            Self::Closed => "已办结",
        }
    }
}

impl Label for OrderAction {
    fn label(self) -> &'static str {
        match self {
            Self::Report => "上报",
            Self::ResolveOnSpot => "即报即办",
            Self::Accept => "受理",
            Self::Decline => "不予受理",
            Self::Dispatch => "派单",
            Self::Escalate => "上报街道",
            Self::Whistle => "吹哨",
            Self::Sign => "签收",
            Self::Return => "退单",
            Self::Resolve => "办结",
            Self::Visit => "回访",
            Self::RequestExtension => "申请延期",
            Self::GrantExtension => "同意延期",
            Self::RefuseExtension => "不同意延期",
            Self::Supervise => "督办",
            Self::FlagOverdue => "超时督办",
        }
    }
}

impl Label for Priority {
    fn label(self) -> &'static str {
        match self {
            Self::Urgent => "紧急",
            Self::Normal => "一般",
            Self::Complex => "复杂",
        }
    }
}

impl Label for Satisfaction {
    fn label(self) -> &'static str {
        match self {
            Self::Satisfied => "满意",
            Self::Basic => "基本满意",
            Self::Unsatisfied => "不满意",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn distinct<T: Label>(all: &[T]) -> bool {
        let names: HashSet<_> = all.iter().map(|v| v.label()).collect();
        names.len() == all.len() && !names.contains("")
    }

    #[test]
    fn every_value_has_its_own_non_empty_name() {
        assert!(distinct(&WishStatus::ALL));
        assert!(distinct(&CheckinStatus::ALL));
        assert!(distinct(&PlaceLevel::ALL));
        assert!(distinct(&[GridKind::Comprehensive, GridKind::Dedicated]));
        assert!(distinct(&Role::ALL));
        assert!(distinct(&PartyOrgLevel::ALL));
        assert!(distinct(&OrderStatus::ALL));
        assert!(distinct(&OrderAction::ALL));
        assert!(distinct(&Priority::ALL));
        assert!(distinct(&Satisfaction::ALL));
    }

    #[test]
    fn a_refusal_reads_the_same_for_wishes_and_check_ins() {
        assert_eq!(WishStatus::Rejected.label(), CheckinStatus::Rejected.label());
        assert_eq!(WishStatus::PendingReview.label(), CheckinStatus::Pending.label());
    }
}
