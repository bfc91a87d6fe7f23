//! Simplified Chinese: the property pages.

use super::PropertyMessages;

/// The property pages.
pub const PROP: PropertyMessages = PropertyMessages {
    title: "物业服务评价",
    nav: "物业评价",
    results_title: "物业服务评价结果",
    no_home: "请先登记您居住的网格或十联户，才能评价物业服务。",
    no_estate: "您登记的住址不在任何物业小区内。",
    estate: "小区",
    company: "物业服务企业",
    period: "评价周期",
    until: "可修改至",
    duties: ["保安", "保洁", "保绿", "保序", "保修"],
    stars: "星",
    comment: "意见建议（选填）",
    comment_hint: "评价不会向物业公开您的姓名和电话。",
    submit: "提交评价",
    change: "修改评价",
    pick_all: "请为五项服务都打分",
    saved: "评价已保存",
    yours: "您本期的评价",
    loading: "加载中……",
    by_estate: "各小区评价",
    by_company: "各物业企业评价",
    comments: "居民意见（匿名）",
    no_comments: "本期暂无意见",
    raters: "参评人数",
    satisfaction: "满意度",
    points: "得分",
    grade: "等级",
    list: "榜单",
    red: "红榜",
    black: "黑榜",
    show: "查询",
    none: "—",
};
