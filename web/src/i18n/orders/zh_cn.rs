//! Simplified Chinese: the work-order pages.

use haolin_shared::domain::{ExtensionState, OrderStatus};

use super::{DeskMessages, OrderMessages};

/// The pages that show orders.
pub const ORDERS: OrderMessages = OrderMessages {
    report_title: "随手拍",
    report_intro: "发现身边的问题（路灯不亮、垃圾堆放、井盖缺失……），告诉社区，网格员和有关部门会跟进处理。",
    my_reports: "我的上报",
    no_home_grid: "还没有登记您所在的网格。请先登记“我的网格”，上报的问题才能交给您网格的网格员。",
    register_home: "去登记我的网格",
    location_hint: "位置选填：附上后，处理的人更容易找到问题所在。",
    location_set: "已附上您现在的位置",
    location_denied: "您没有允许使用位置。不附位置也可以提交。",
    location_failed: "暂时无法获取位置。不附位置也可以提交。",
    submit_report: "提交上报",
    report_sent: "已上报，社区会尽快受理",
    report_closed: "已记录，这件事已即报即办",
    patrol_title: "网格巡查",
    patrol_report: "上报巡查发现",
    patrol_inbox: "派给我网格的工单",
    grid_orders: "本网格的工单",
    on_spot: "即报即办：已当场解决",
    on_spot_note: "怎么解决的",
    choose_grid: "请选择网格",
    no_orders: "暂无工单",
    priority: "紧急程度",
    sign_due: "签收期限",
    resolve_due: "办结期限",
    overdue: "已超时",
    supervised: "督办",
    handler_grid: "承办网格",
    handlers: "承办部门",
    lead: "牵头",
    co: "协办",
    signed: "已报到",
    not_signed: "未报到",
    extension: "延期申请",
    working_days: " 个工作日",
    resolution: "办理结果",
    satisfaction: "回访结果",
    visit_question: "问题解决得怎么样？",
    visit_note: "您的意见（选填）",
    reopen_warn: "选择不满意后，这件事会退回重新办理。",
    visit_thanks: "谢谢您的评价",
    resolve_note: "办结说明",
    supervise_note: "督办意见",
    days: "延期天数（工作日）",
    days_invalid: "请填写 1 以上的整数",
    choose_lead: "请选择牵头部门",
    changed: "这张工单刚刚有了变化，已为您刷新，请再看一下",
    report_photos: "上报照片",
    resolve_photos: "处置照片",
    visit_photos: "回访照片",
};

/// The staff's desks.
pub const DESK: DeskMessages = DeskMessages {
    community_orders: "社区工单",
    goto_orders: "处理社区工单（随手拍、巡查上报）",
    goto_figures: "数据统计",
    goto_my_figures: "我的服务统计",
    by_status: "按状态查看",
    dispatch_grid: "派往网格",
    street_title: "街道吹哨",
    street: "街道",
    escalated: "待吹哨的工单",
    returned: "部门退回的工单",
    overdue_board: "超时工单",
    lead_department: "牵头部门",
    co_departments: "协办部门（可多选）",
    no_departments: "还没有可以吹哨的部门",
    scorecard: "考核指标",
    from: "开始日期",
    to: "结束日期",
    show: "查询",
    bad_range: "请填写开始和结束日期，开始不能晚于结束",
    score_heads: [
        "月份",
        "上报",
        "响应率",
        "按时办结率",
        "解决率",
        "满意率",
        "平均签收工时",
        "平均办结工时",
        "吹哨",
        "按时报到",
        "督办",
    ],
    total: "合计",
    department_title: "部门工单",
    department_intro: "街道吹哨后，请在期限内签收（报到）；牵头部门办结后写明办理结果。",
    no_street: "您还没有街道的职务",
};

/// An order's status in plain words, for its reporter.
pub(super) fn status_words(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Reported => "已上报，等社区受理",
        OrderStatus::Accepted => "社区已受理，正在安排",
        OrderStatus::Declined => "社区没有受理，可看原因",
        OrderStatus::Escalated => "已报给街道，等街道安排",
        OrderStatus::Dispatched => "已派给处理的人，等他们接手",
        OrderStatus::Signed => "正在处理",
        OrderStatus::Returned => "处理的人退回了，社区在重新安排",
        OrderStatus::Resolved => "已处理好，请您评价",
        OrderStatus::Reopened => "您不满意，正在重新办理",
        OrderStatus::Closed => "已办结",
    }
}

/// Where an extension request stands.
pub(super) fn extension_state(state: ExtensionState) -> &'static str {
    match state {
        ExtensionState::Requested => "待审批",
        ExtensionState::Granted => "已同意",
        ExtensionState::Refused => "未同意",
    }
}
