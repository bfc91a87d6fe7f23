//! `/photos`: uploading a photo (shrunk in the browser first).

use js_sys::Function;
use wasm_bindgen::JsValue;

use crate::error::ApiError;
use crate::{http, session, upload};

/// `POST /photos` (`multipart/form-data`, field `file`): uploads the already shrunk `file`,
/// calling `progress` with the share sent (0 to 1). The answer's JSON (a `Photo`, unattached
/// until its id is sent with a wish, a fulfilment, a report or an action), left for the picker's
/// script to read.
pub async fn upload(file: &JsValue, progress: &Function) -> Result<String, ApiError> {
    let url = format!("{}/photos", http::BASE);
    let url = url.as_str();
    let (status, text) =
        session::authorized(|token| async move { upload::send(url, &token, file, progress).await }).await?;
    if (200..300).contains(&status) { Ok(text) } else { Err(ApiError::from_response(status, &text)) }
}
