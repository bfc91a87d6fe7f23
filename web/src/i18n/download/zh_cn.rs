//! Simplified Chinese: the download buttons.

use super::DownloadMessages;

/// The download buttons.
pub const DL: DownloadMessages =
    DownloadMessages {
        export: "导出：", csv: "CSV 表格", xlsx: "Excel 表格", preparing: "正在准备下载……"
    };
