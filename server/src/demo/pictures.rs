//! The demo's pictures, drawn here (the binary ships no image files): a dripping tap over a sink,
//! stored through the same path as an upload.

use haolin_shared::api::PhotoStage;
use image::codecs::jpeg::JpegEncoder;
use image::{ImageEncoder, Rgb, RgbImage};

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::photos::PhotoAttach;

/// A 1200 × 900 picture of a tap dripping into a sink, as a JPEG.
fn dripping_tap() -> Vec<u8> {
    let (w, h) = (1200u32, 900u32);
    let img = RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let tile = if (x / 150 + y / 150) % 2 == 0 { 236 } else { 226 };
        let mut px = Rgb([tile, tile, tile - 8]);
        // The sink: a steel basin across the lower half.
        if (200..1000).contains(&x) && y > 560 {
            let shade = 170 - ((fy - 560.0) / 6.0) as u8;
            px = Rgb([shade, shade + 6, shade + 12]);
        }
        // The tap: a chrome spout from the wall.
        if (520..680).contains(&x) && (180..240).contains(&y) || (640..680).contains(&x) && (180..330).contains(&y) {
            px = Rgb([150, 156, 166]);
        }
        // Drops falling from the spout.
        for (cy, r) in [(380.0, 14.0f32), (470.0, 11.0), (540.0, 8.0)] {
            if (fx - 660.0).powi(2) + (fy - cy).powi(2) < r * r {
                px = Rgb([90, 150, 220]);
            }
        }
        px
    });
    let mut out = Vec::new();
    // Encoding a picture drawn in memory cannot fail; an empty one would be refused on upload.
    let _ = JpegEncoder::new_with_quality(&mut out, 88).write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8);
    out
}

/// Stores the dripping tap as `uploader`'s upload; what a wish posted with it attaches.
pub async fn tap_photo(state: &AppState, uploader: i64) -> Result<PhotoAttach, ApiError> {
    let now = chrono::Utc::now().timestamp_millis();
    let row = crate::photos::keep(state, uploader, now, || Ok(dripping_tap())).await?;
    Ok(PhotoAttach {
        ids: vec![row.id],
        owner: uploader,
        stage: PhotoStage::Post,
        max: state.settings.files.max_per_subject,
    })
}
