//! Simplified Chinese: the notices and the neighbourhood links.

use super::NoticeMessages;

/// The notices' text.
pub const NOTE: NoticeMessages = NoticeMessages {
    title: "通知公告",
    points: "服务驿站",
    property: "物业评价",
    pinned: "置顶",
    unread: "未读",
    none: "暂时没有通知",
    until: "有效期至",
    posted_by: "发布人",
    to_place: "发布范围",
    mark_read: "标为已读",
    read: "已读",
    new: "发布通知",
    posted: "已发布的通知",
    place: "发布范围",
    field_title: "标题",
    field_body: "正文",
    field_pinned: "置顶显示",
    field_ends: "截止日期",
    field_photo: "配图（可选）",
    post: "发布",
    posted_ok: "通知已发布",
    withdraw: "撤回",
    withdrawn: "已撤回",
    ended: "已结束",
    confirm_withdraw: "撤回后居民将看不到这条通知，确定撤回吗？",
    choose_place: "请选择发布范围",
};
