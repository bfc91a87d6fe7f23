//! The office pages' download buttons (导出, docs/EXPORTS.md), in a catalogue apart from
//! [`super::Messages`] (which every bundle carries whole), so that only the bundles with an office
//! page carry it.

mod zh_cn;

/// The text of the download buttons.
pub struct DownloadMessages {
    /// Before the buttons: what they download.
    pub export: &'static str,
    /// Button: the CSV file.
    pub csv: &'static str,
    /// Button: the Excel file.
    pub xlsx: &'static str,
    /// While the link is asked for.
    pub preparing: &'static str,
}

pub use zh_cn::DL;
