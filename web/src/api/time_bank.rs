//! `/me/time-bank`, `/me/family`, `/me/service-record` and `/me/certificates`: the caller's
//! hours, ledger, family gifts, service record and certificate (docs/TIME-BANK.md). Used by the
//! volunteer bundle only.

use std::future::Future;

use haolin_shared::api::{
    AddFamilyRequest, Certificate, FamilyLink, GiftRequest, Items, LedgerEntry, Page, ServiceRecord, TimeBankSummary,
    Transfer,
};

use super::{Empty, get, post, send};
use crate::error::ApiError;
use crate::session;

/// `GET /me/time-bank`: balance, held, lifetime, star level.
pub fn summary() -> impl Future<Output = Result<TimeBankSummary, ApiError>> {
    get("/me/time-bank".to_owned())
}

/// `GET /me/time-bank/ledger`: my movements, newest first, a page at a time.
pub fn ledger(cursor: Option<&str>) -> impl Future<Output = Result<Page<LedgerEntry>, ApiError>> + use<> {
    get(match cursor {
        Some(c) => format!("/me/time-bank/ledger?cursor={}", js_sys::encode_uri_component(c)),
        None => "/me/time-bank/ledger".to_owned(),
    })
}

/// `GET /me/family`: the relatives I named and those who named me.
pub fn family() -> impl Future<Output = Result<Items<FamilyLink>, ApiError>> {
    get("/me/family".to_owned())
}

/// `POST /me/family`: names a relative.
pub fn add_family(request: &AddFamilyRequest) -> impl Future<Output = Result<FamilyLink, ApiError>> + use<> {
    post("/me/family".to_owned(), request)
}

/// `POST /me/family/{id}/accept`: the named relative accepts.
pub fn accept_family(id: &str) -> impl Future<Output = Result<FamilyLink, ApiError>> + use<> {
    post(format!("/me/family/{id}/accept"), &Empty {})
}

/// `DELETE /me/family/{id}`: either side ends the link (204).
pub fn remove_family(id: &str) -> impl Future<Output = Result<(), ApiError>> + use<> {
    send("DELETE", format!("/me/family/{id}"), &Empty {})
}

/// `POST /me/time-bank/gifts`: gives minutes along an accepted family link.
pub fn give(request: &GiftRequest) -> impl Future<Output = Result<Transfer, ApiError>> + use<> {
    post("/me/time-bank/gifts".to_owned(), request)
}

/// `GET /me/service-record`: every credited service.
pub fn service_record() -> impl Future<Output = Result<ServiceRecord, ApiError>> {
    get("/me/service-record".to_owned())
}

/// `GET /me/service-record.csv`: the record as CSV text (the browser's decoding drops the byte
/// order mark the server sends; whoever saves it puts one back for Excel).
pub async fn service_record_csv() -> Result<String, ApiError> {
    let (status, text) = session::exchange("GET", "/me/service-record.csv", None, None).await?;
    if (200..300).contains(&status) { Ok(text) } else { Err(ApiError::from_response(status, &text)) }
}

/// `POST /me/certificates`: a certificate of my service to date.
pub fn issue_certificate() -> impl Future<Output = Result<Certificate, ApiError>> {
    post("/me/certificates".to_owned(), &Empty {})
}
