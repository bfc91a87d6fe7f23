//! The XLSX sink: `rust_xlsxwriter` in constant-memory mode (each row goes to the worksheet's
//! temporary file as it is written), run on a blocking thread fed pages through a channel, saved
//! to a temporary file under the data dir. Text is written as strings, never formulas, so a title
//! beginning with `=` is shown as typed and not prefixed.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use tokio::sync::mpsc::Receiver;

use super::{Cell, Row, shanghai};

/// Days from Excel's epoch (1899-12-30) to the Unix epoch.
const UNIX_EPOCH_SERIAL: f64 = 25_569.0;

/// Removes the file when dropped (the export finished, failed or was abandoned).
pub struct TempFile(pub PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Writes the header and every page received on `pages` into a workbook saved at `path`, its
/// worksheet's rows spooled under `tmpdir`. Returns the rows written.
pub fn write(path: &Path, tmpdir: &Path, header: &[&str], mut pages: Receiver<Vec<Row>>) -> Result<u64, XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_tempdir(tmpdir)?;
    let bold = Format::new().set_bold();
    let time = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    for (col, name) in (0u16..).zip(header) {
        sheet.write_string_with_format(0, col, *name, &bold)?;
        sheet.set_column_width(col, 16)?;
    }
    let mut row_no: u32 = 0;
    while let Some(page) = pages.blocking_recv() {
        for row in page {
            row_no += 1;
            for (col, cell) in (0u16..).zip(&row) {
                match cell {
                    Cell::Text(t) => {
                        sheet.write_string(row_no, col, t)?;
                    }
                    // Excel's numbers are doubles; ids and minutes stay well inside 2^53.
                    #[allow(clippy::cast_precision_loss)]
                    Cell::Int(n) => {
                        sheet.write_number(row_no, col, *n as f64)?;
                    }
                    Cell::Number(x) => {
                        sheet.write_number(row_no, col, *x)?;
                    }
                    Cell::Time(t) => {
                        let local = t.with_timezone(&shanghai()).naive_local().and_utc();
                        #[allow(clippy::cast_precision_loss)]
                        let serial = local.timestamp() as f64 / 86_400.0 + UNIX_EPOCH_SERIAL;
                        sheet.write_number_with_format(row_no, col, serial, &time)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
    }
    workbook.save(path)?;
    Ok(u64::from(row_no))
}
