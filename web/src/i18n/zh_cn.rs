//! Simplified Chinese, the app's language.

use haolin_shared::api::{GridKind, PlaceLevel, Role};
use haolin_shared::domain::{WishAction, WishStatus};

use super::Messages;

/// The Simplified Chinese catalogue.
pub const ZH_CN: Messages = Messages {
    product_name: "好邻",
    motto: "群众点单、社区派单、党员接单",
    colon: "：",
    separator: " · ",
    loading: "加载中…",
    network_error: "网络连接失败，请稍后再试",
    decode_error: "服务器返回了无法识别的内容",
    server_error: "服务器出错了，请稍后再试",
    retry: "重试",
    empty_list: "暂无心愿",
    load_more: "加载更多",
    not_found: "页面不存在",
    go_home: "返回首页",
    phone: "手机号",
    password: "密码",
    name: "姓名",
    login: "登录",
    register: "注册",
    goto_register: "没有账号？注册为居民",
    goto_login: "已有账号？去登录",
    password_rule: "密码需 8 到 128 个字符",
    logout: "退出登录",
    role_label: "当前身份",
    nav_resident: "我的心愿",
    nav_new_wish: "发布心愿",
    nav_member: "心愿池",
    nav_claims: "我的认领",
    nav_dispatcher: "审核派单",
    nav_inbox: "消息",
    mark_all_read: "全部已读",
    no_notifications: "暂无消息",
    my_wishes: "我的心愿",
    pool: "待认领的心愿",
    my_claims: "我认领的心愿",
    review_queue: "待审核",
    community_wishes: "社区心愿",
    overview: "心愿概况",
    new_wish: "发布微心愿",
    community: "社区",
    category: "类别",
    choose_category: "请选择类别",
    title: "标题",
    description: "详细描述",
    contact_phone: "联系电话（选填）",
    contact_phone_hint: "不填则使用账号手机号",
    expected_by: "期望完成日期（选填）",
    invalid_date: "请输入有效日期",
    date_in_past: "日期不能早于今天",
    no_community: "暂无可选社区",
    submit_wish: "提交心愿",
    wish_posted: "心愿已提交，等待社区审核",
    posted_by: "发布人",
    claimed_by: "认领人",
    assigned_to: "指派给",
    deadline: "认领截止",
    expected_label: "期望完成",
    contact_label: "联系电话",
    note_label: "完成说明",
    rating_label: "评分",
    timeline: "进展记录",
    system_actor: "系统",
    actions: "可执行操作",
    reason: "原因",
    reason_optional: "原因（选填）",
    note: "完成说明",
    comment_optional: "评价（选填）",
    rating: "评分",
    stars_suffix: " 星",
    choose_rating: "请选择 1 到 5 星",
    search_member: "搜索党员姓名",
    choose_member: "请选择一位党员",
    no_members: "没有找到党员",
    submit: "提交",
    close: "取消",
    done: "操作成功",
    lost_race: "手慢了，该心愿已被他人认领",
    claimed_ok: "认领成功，请按时完成",
    left_view: "该心愿已不在您的可见范围",
    reconnecting: "实时连接中断，正在重连…",
    session_expired: "登录已过期，请重新登录",
    nav_places: "地点管理",
    place_path: "所在位置",
    all_places: "全部地点",
    children_of: "下级",
    no_places: "暂无下级",
    retired: "已撤销",
    level_label: "层级",
    code: "编码",
    place_name: "名称",
    name_required: "请输入名称",
    district_code: "行政区划代码（6 位数字）",
    code_optional: "编码（选填，留空则自动编号）",
    grid_kind_label: "网格类型",
    create: "新建",
    rename: "改名",
    save: "保存",
    move_place: "迁移",
    new_parent_code_1: "新上级（",
    new_parent_code_2: "）的编码",
    find: "查找",
    move_to: "迁移到",
    confirm_move: "确定迁移",
    parent_must_be: "新上级须为",
    parent_retired: "该地点已撤销，不能作为新上级",
    no_such_code: "没有这个编码的地点",
    retire: "撤销",
    retire_confirm: "撤销后该地点保留编码和历史记录，但不再接受新的工作。确定撤销吗？",
    confirm_retire: "确定撤销",
};

/// Wish statuses.
pub(super) fn status(status: WishStatus) -> &'static str {
    match status {
        WishStatus::PendingReview => "待审核",
        WishStatus::Rejected => "未通过",
        WishStatus::Open => "待认领",
        WishStatus::Assigned => "已派单",
        WishStatus::Claimed => "进行中",
        WishStatus::Fulfilled => "待确认",
        WishStatus::Confirmed => "已完成",
        WishStatus::Cancelled => "已取消",
    }
}

/// Wish actions.
pub(super) fn action(action: WishAction) -> &'static str {
    match action {
        WishAction::Post => "发布",
        WishAction::Approve => "审核通过",
        WishAction::Reject => "驳回",
        WishAction::Dispatch => "派单",
        WishAction::Accept => "接受派单",
        WishAction::Decline => "拒绝派单",
        WishAction::Claim => "认领",
        WishAction::Release => "放弃认领",
        WishAction::Revoke => "收回",
        WishAction::Fulfil => "完成",
        WishAction::Dispute => "未完成，申诉",
        WishAction::Confirm => "确认并评价",
        WishAction::Cancel => "取消心愿",
        WishAction::Expire => "认领超时",
        WishAction::AutoConfirm => "自动确认",
    }
}

/// Roles.
pub(super) fn role(role: Role) -> &'static str {
    match role {
        Role::Resident => "居民",
        Role::Member => "党员",
        Role::Dispatcher => "派单员",
        Role::GridWorker => "网格员",
        Role::GridLeader => "网格长",
        Role::HouseholdHead => "联户长",
        Role::StreetOfficer => "街道",
        Role::DepartmentOfficer => "职能部门",
        Role::Admin => "管理员",
    }
}

/// Place levels.
pub(super) fn place_level(level: PlaceLevel) -> &'static str {
    match level {
        PlaceLevel::District => "区",
        PlaceLevel::Street => "街道",
        PlaceLevel::Community => "社区",
        PlaceLevel::Grid => "网格",
        PlaceLevel::Unit => "十联户",
    }
}

/// Grid kinds.
pub(super) fn grid_kind(kind: GridKind) -> &'static str {
    match kind {
        GridKind::Comprehensive => "综合网格",
        GridKind::Dedicated => "专属网格",
    }
}
