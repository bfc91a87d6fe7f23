//! What the OpenAPI document says beyond each handler's `#[utoipa::path]`: the answers every route
//! of a kind can give, and the real constraints of the request fields, so that a client (or the
//! schema fuzzer, `scripts/schemathesis.sh`) can tell a valid request from an invalid one by the
//! document alone.
//!
//! Applied once, to the JSON of the collected document, at start-up ([`complete`]):
//! - every operation that needs a token answers 401; one with a JSON body 400 (malformed), 413
//!   (too large), 415 (not JSON) and 422; one with query parameters 422 (and 400 for a bad
//!   `cursor`); one with a path parameter 404 (absent or not visible);
//! - `limit` is 1–100, `cursor` is exactly what the server hands out, ids are positive integers
//!   written in decimal;
//! - request fields carry the length, pattern and range the server checks ([`FIELD_RULES`]).
//!
//! Rules the document cannot state (a referenced place of the right level, a role held at that
//! level, an id that exists) stay 422 or 404 answers, documented on each operation.

use haolin_shared::domain::{
    CertificateNo, Comment, LetterRef, Note, PersonName, PlaceName, Reason, WishDescription, WishTitle,
};
use haolin_shared::domain::{NoticeText, NoticeTitle};
use serde_json::{Map, Value, json};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// An id as the API writes it: a positive integer in decimal, at most 18 digits.
pub const ID_PATTERN: &str = "^[1-9][0-9]{0,17}$";

/// A page cursor exactly as the server writes one: `k<id>` in unpadded URL-safe base64
/// (`crate::extract::encode_cursor`), or empty (the first page). Any other value is a 400.
pub const CURSOR_PATTERN: &str = "^(?:az[EIMQUYcgk](?:[w-z0-5](?:(?:[MN][DTjz]|O[DT])[AEIMQUYcgk][w-z0-5])*\
                                  (?:(?:[MN][AQgw]|O[AQ])|(?:[MN][DTjz]|O[DT])[AEIMQUYcgk])?)?)?$";
use crate::extract::CURSOR_MAX_LENGTH;

/// A mainland mobile number (`shared::domain::PhoneNumber` also accepts spaces, dashes and `+86`).
pub const PHONE_PATTERN: &str = "^1[3-9][0-9]{9}$";

/// Characters no text field takes (`shared::domain::text`): C0/C1 controls, DEL, line and paragraph
/// separators and bidi controls. Multi-line fields take `\n` (class [`MULTI_LINE_FORBIDDEN`]).
const ONE_LINE_FORBIDDEN: &str = r"\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069";
const MULTI_LINE_FORBIDDEN: &str = r"\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069";
/// Characters that do not make a text non-empty: white space and zero-width characters.
const BLANK: &str = r"\s\u200b-\u200d\u2060\ufeff";

/// The constraint of one request field.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Text of `min..=max` characters with at least one visible one and none forbidden.
    Text { max: usize, multiline: bool },
    /// Exactly `min..=max` characters of `pattern`.
    Pattern { pattern: &'static str, min: usize, max: usize },
    /// An id ([`ID_PATTERN`]).
    Id,
    /// An integer in `min..=max`.
    Int { min: i64, max: i64 },
    /// A list of 1–`max` distinct-or-not strings, each of 1–`item_max` characters.
    Strings { max: usize, item_max: usize },
}

/// `(schema, property, rule)` for every constrained request field.
const FIELD_RULES: &[(&str, &str, Rule)] = &[
    ("RegisterRequest", "phone", Rule::Pattern { pattern: PHONE_PATTERN, min: 11, max: 11 }),
    ("RegisterRequest", "password", Rule::Pattern { pattern: "^[\\s\\S]*$", min: 8, max: 128 }),
    ("RegisterRequest", "name", Rule::Text { max: PersonName::MAX_CHARS, multiline: false }),
    ("LoginRequest", "phone", Rule::Pattern { pattern: "^[\\s\\S]*$", min: 1, max: 64 }),
    ("LoginRequest", "password", Rule::Pattern { pattern: "^[\\s\\S]*$", min: 1, max: 128 }),
    ("RefreshRequest", "refresh_token", Rule::Pattern { pattern: "^[\\s\\S]*$", min: 1, max: 512 }),
    ("WechatLoginRequest", "code", Rule::Pattern { pattern: "\\S", min: 1, max: 128 }),
    ("CreateUserRequest", "phone", Rule::Pattern { pattern: PHONE_PATTERN, min: 11, max: 11 }),
    ("CreateUserRequest", "password", Rule::Pattern { pattern: "^[\\s\\S]*$", min: 8, max: 128 }),
    ("CreateUserRequest", "name", Rule::Text { max: PersonName::MAX_CHARS, multiline: false }),
    ("CreateCommunityRequest", "name", Rule::Text { max: PlaceName::MAX_CHARS, multiline: false }),
    ("CreateCommunityRequest", "code", Rule::Pattern { pattern: "^[A-Za-z0-9]*$", min: 6, max: 32 }),
    ("CreateCommunityRequest", "street_code", Rule::Pattern { pattern: "^[A-Za-z0-9]*$", min: 6, max: 32 }),
    ("CreateWishRequest", "community_id", Rule::Id),
    ("CreateWishRequest", "title", Rule::Text { max: WishTitle::MAX_CHARS, multiline: false }),
    ("CreateWishRequest", "description", Rule::Text { max: WishDescription::MAX_CHARS, multiline: true }),
    ("CreateWishRequest", "contact_phone", Rule::Pattern { pattern: PHONE_PATTERN, min: 11, max: 11 }),
    ("CreateWishRequest", "grid_id", Rule::Id),
    ("CreateWishRequest", "resident_id", Rule::Id),
    ("ReasonRequest", "reason", Rule::Text { max: Reason::MAX_CHARS, multiline: true }),
    ("OptionalReasonRequest", "reason", Rule::Text { max: Reason::MAX_CHARS, multiline: true }),
    ("RejectCheckinRequest", "reason", Rule::Text { max: Reason::MAX_CHARS, multiline: true }),
    ("FulfilRequest", "note", Rule::Text { max: Note::MAX_CHARS, multiline: true }),
    ("ConfirmRequest", "rating", Rule::Int { min: 1, max: 5 }),
    ("ConfirmRequest", "comment", Rule::Text { max: Comment::MAX_CHARS, multiline: true }),
    ("DispatchRequest", "member_id", Rule::Id),
    ("CreateCheckinRequest", "community_id", Rule::Id),
    ("CreateCheckinRequest", "unit_branch_id", Rule::Id),
    (
        "CreateCheckinRequest",
        "certificate_no",
        Rule::Pattern { pattern: "^[A-Za-z0-9-]*$", min: 1, max: CertificateNo::MAX_CHARS },
    ),
    ("CreateCheckinRequest", "letter_ref", Rule::Text { max: LetterRef::MAX_CHARS, multiline: false }),
    ("CreateUnitBranchCheckinRequest", "community_id", Rule::Id),
    ("CreateUnitBranchCheckinRequest", "letter_ref", Rule::Text { max: LetterRef::MAX_CHARS, multiline: false }),
    ("CreateUnitBranchRequest", "name", Rule::Text { max: PlaceName::MAX_CHARS, multiline: false }),
    ("CreatePlaceRequest", "name", Rule::Text { max: PlaceName::MAX_CHARS, multiline: false }),
    ("CreatePlaceRequest", "parent_id", Rule::Id),
    ("CreatePlaceRequest", "code", Rule::Pattern { pattern: "^[0-9]*$", min: 6, max: 24 }),
    ("CreatePlaceRequest", "households", Rule::Strings { max: 30, item_max: 50 }),
    ("UpdatePlaceRequest", "name", Rule::Text { max: PlaceName::MAX_CHARS, multiline: false }),
    ("UpdatePlaceRequest", "parent_id", Rule::Id),
    ("UpdatePlaceRequest", "households", Rule::Strings { max: 30, item_max: 50 }),
    ("CreatePartyOrgRequest", "name", Rule::Text { max: PlaceName::MAX_CHARS, multiline: false }),
    ("CreatePartyOrgRequest", "place_id", Rule::Id),
    ("CreatePartyOrgRequest", "leader_id", Rule::Id),
    ("UpdatePartyOrgRequest", "name", Rule::Text { max: PlaceName::MAX_CHARS, multiline: false }),
    ("UpdatePartyOrgRequest", "leader_id", Rule::Id),
    ("PlaceGrant", "place_id", Rule::Id),
    ("WechatCodeRequest", "code", Rule::Pattern { pattern: "\\S", min: 1, max: 128 }),
    ("SetHomeRequest", "place_id", Rule::Id),
    ("CreateResidentRequest", "name", Rule::Text { max: PersonName::MAX_CHARS, multiline: false }),
    ("CreateResidentRequest", "home_id", Rule::Id),
    ("CreateResidentRequest", "phone", Rule::Pattern { pattern: PHONE_PATTERN, min: 11, max: 11 }),
    ("ChangePasswordRequest", "current_password", Rule::Pattern { pattern: "^[\\s\\S]*$", min: 1, max: 128 }),
    ("ChangePasswordRequest", "new_password", Rule::Pattern { pattern: "^[\\s\\S]*$", min: 8, max: 128 }),
    ("ResetPasswordRequest", "phone", Rule::Pattern { pattern: PHONE_PATTERN, min: 11, max: 11 }),
    ("ResetPasswordRequest", "new_password", Rule::Pattern { pattern: "^[\\s\\S]*$", min: 8, max: 128 }),
    ("VersionGuard", "version", Rule::Int { min: 1, max: i64::MAX }),
    ("ReasonRequest", "version", Rule::Int { min: 1, max: i64::MAX }),
    ("OptionalReasonRequest", "version", Rule::Int { min: 1, max: i64::MAX }),
    ("DispatchRequest", "version", Rule::Int { min: 1, max: i64::MAX }),
    ("FulfilRequest", "version", Rule::Int { min: 1, max: i64::MAX }),
    ("ConfirmRequest", "version", Rule::Int { min: 1, max: i64::MAX }),
    ("ReportOrderRequest", "title", Rule::Text { max: WishTitle::MAX_CHARS, multiline: false }),
    ("ReportOrderRequest", "description", Rule::Text { max: WishDescription::MAX_CHARS, multiline: true }),
    ("ReportOrderRequest", "grid_id", Rule::Id),
    ("ReportOrderRequest", "reporter_id", Rule::Id),
    ("ReportOrderRequest", "resolved_on_spot", Rule::Text { max: Note::MAX_CHARS, multiline: true }),
    ("OrderActionRequest", "version", Rule::Int { min: 1, max: i64::MAX }),
    ("CreateWishRequest", "paid_minutes", Rule::Int { min: 1, max: 6000 }),
    ("CreateNoticeRequest", "place_id", Rule::Id),
    ("CreateNoticeRequest", "title", Rule::Text { max: NoticeTitle::MAX_CHARS, multiline: false }),
    ("CreateNoticeRequest", "body", Rule::Text { max: NoticeText::MAX_CHARS, multiline: true }),
    ("UpdateNoticeRequest", "title", Rule::Text { max: NoticeTitle::MAX_CHARS, multiline: false }),
    ("UpdateNoticeRequest", "body", Rule::Text { max: NoticeText::MAX_CHARS, multiline: true }),
    ("CreateTeamRequest", "name", Rule::Text { max: 50, multiline: false }),
    ("CreateTeamRequest", "description", Rule::Text { max: 500, multiline: true }),
    ("CreateTeamRequest", "place_id", Rule::Id),
    ("CreateTeamRequest", "leader_id", Rule::Id),
    ("JoinTeamRequest", "note", Rule::Text { max: 200, multiline: true }),
    ("TeamDecisionRequest", "reason", Rule::Text { max: Reason::MAX_CHARS, multiline: true }),
    ("CreateActivityRequest", "title", Rule::Text { max: 50, multiline: false }),
    ("CreateActivityRequest", "description", Rule::Text { max: 2000, multiline: true }),
    ("CreateActivityRequest", "place_id", Rule::Id),
    ("CreateActivityRequest", "address", Rule::Text { max: 200, multiline: false }),
    ("CreateActivityRequest", "capacity", Rule::Int { min: 1, max: 10_000 }),
    ("CreateActivityRequest", "skills", Rule::Strings { max: 10, item_max: 20 }),
    ("ScanRequest", "code", Rule::Pattern { pattern: "^(?:[0-9]{6}|[0-9]{1,18}\\.[0-9a-f]{20})$", min: 6, max: 39 }),
    ("AddFamilyRequest", "phone", Rule::Pattern { pattern: PHONE_PATTERN, min: 11, max: 11 }),
    ("AddFamilyRequest", "birth_date", Rule::Pattern { pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", min: 10, max: 10 }),
    ("GiftRequest", "family_id", Rule::Id),
    ("GiftRequest", "minutes", Rule::Int { min: 1, max: crate::time_bank::MAX_MINUTES }),
    ("GiftRequest", "note", Rule::Text { max: 100, multiline: false }),
    ("MintRequest", "community_id", Rule::Id),
    ("MintRequest", "minutes", Rule::Int { min: 1, max: crate::time_bank::MAX_MINUTES }),
    ("MintRequest", "reason", Rule::Text { max: Reason::MAX_CHARS, multiline: true }),
    ("ReversalRequest", "transfer_id", Rule::Id),
    (
        "CreateOpen311KeyRequest",
        "partner",
        Rule::Text { max: crate::open311::keys::PARTNER_MAX_CHARS, multiline: false },
    ),
    ("CreateOpen311KeyRequest", "place_id", Rule::Id),
    ("CreateOpen311KeyRequest", "contact_phone", Rule::Pattern { pattern: PHONE_PATTERN, min: 11, max: 11 }),
    ("ReversalRequest", "reason", Rule::Text { max: Reason::MAX_CHARS, multiline: true }),
    ("OrderActionRequest", "reason", Rule::Text { max: Reason::MAX_CHARS, multiline: true }),
    ("OrderActionRequest", "note", Rule::Text { max: Note::MAX_CHARS, multiline: true }),
    ("OrderActionRequest", "grid_id", Rule::Id),
    ("OrderActionRequest", "lead_department_id", Rule::Id),
    ("OrderActionRequest", "days", Rule::Int { min: 1, max: 365 }),
    ("CreateDepartmentRequest", "name", Rule::Text { max: PlaceName::MAX_CHARS, multiline: false }),
    ("CreateDepartmentRequest", "place_id", Rule::Id),
    ("DepartmentStaffRequest", "user_id", Rule::Id),
    // Property ratings (docs/PROPERTY.md).
    ("PropertyCompanyRequest", "name", Rule::Text { max: PlaceName::MAX_CHARS, multiline: false }),
    ("CreatePropertyEstateRequest", "name", Rule::Text { max: PlaceName::MAX_CHARS, multiline: false }),
    ("CreatePropertyEstateRequest", "company_id", Rule::Id),
    ("UpdatePropertyEstateRequest", "name", Rule::Text { max: PlaceName::MAX_CHARS, multiline: false }),
    ("UpdatePropertyEstateRequest", "company_id", Rule::Id),
    ("PropertyStaffRequest", "user_id", Rule::Id),
    ("RatePropertyRequest", "security", Rule::Int { min: 1, max: 5 }),
    ("RatePropertyRequest", "cleaning", Rule::Int { min: 1, max: 5 }),
    ("RatePropertyRequest", "greening", Rule::Int { min: 1, max: 5 }),
    ("RatePropertyRequest", "orderly", Rule::Int { min: 1, max: 5 }),
    ("RatePropertyRequest", "repair", Rule::Int { min: 1, max: 5 }),
];

/// The query parameters holding ids.
const ID_PARAMETERS: &[&str] = &["community_id", "parent_id", "place_id", "grid_id", "street_id"];

/// What the document says that depends on this deployment's settings.
#[derive(Debug, Clone, Default)]
pub struct Deployment {
    /// The wish categories residents choose from.
    pub categories: Vec<String>,
    /// The subscribe-message template ids configured.
    pub template_ids: Vec<String>,
    /// The most photos one request may attach (`files.max_per_subject`).
    pub max_photos: usize,
}

/// Completes the document's JSON in place (see the module documentation).
pub fn complete(doc: &mut Value, deployment: &Deployment) {
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            for method in METHODS {
                if let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) {
                    complete_operation(path, op);
                }
            }
        }
    }
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for (schema, property, rule) in FIELD_RULES {
            if let Some(prop) =
                schemas.get_mut(*schema).and_then(|s| s.get_mut("properties")).and_then(|p| p.get_mut(*property))
            {
                apply(prop, *rule);
            }
        }
    }
    complete_schemas(doc, deployment);
}

/// The schema rules that are not about one field alone, or that depend on settings.
fn complete_schemas(doc: &mut Value, deployment: &Deployment) {
    let mut put = |pointer: &str, key: &str, value: Value| {
        if let Some(obj) = doc.pointer_mut(pointer).and_then(Value::as_object_mut) {
            obj.insert(key.to_owned(), value);
        }
    };
    let base = "/components/schemas";
    put(&format!("{base}/CreateWishRequest/properties/category"), "enum", json!(deployment.categories));
    put(
        &format!("{base}/SubscriptionsRequest/properties/template_ids"),
        "items",
        json!({"type": "string", "enum": deployment.template_ids}),
    );
    put(&format!("{base}/SubscriptionsRequest/properties/template_ids"), "minItems", json!(1));
    put(&format!("{base}/SubscriptionsRequest/properties/template_ids"), "maxItems", json!(20));
    // `POST /admin/users` grants roles held everywhere or in communities; grid leaders and
    // household heads are granted at a place (`/admin/users/{id}/roles`).
    let account_roles =
        ["resident", "member", "dispatcher", "grid_worker", "street_officer", "department_officer", "admin"];
    put(
        &format!("{base}/CreateUserRequest/properties/roles"),
        "items",
        json!({"type": "string", "enum": account_roles}),
    );
    put(
        &format!("{base}/CreateUserRequest/properties/community_ids"),
        "items",
        json!({"type": "string", "pattern": ID_PATTERN}),
    );
    // Photo ids sent with a change: the caller's own uploads, no repeats, up to the setting.
    for (schema, min) in [
        ("CreateWishRequest", 0),
        ("FulfilRequest", 0),
        ("ReportOrderRequest", 0),
        ("OrderActionRequest", 0),
        ("AttachPhotosRequest", 1),
    ] {
        let pointer = format!("{base}/{schema}/properties/photos");
        put(&pointer, "items", json!({"type": "string", "pattern": ID_PATTERN}));
        put(&pointer, "maxItems", json!(deployment.max_photos));
        put(&pointer, "minItems", json!(min));
        put(&pointer, "uniqueItems", json!(true));
    }
    // Roles held at a place.
    let place_roles = ["member", "dispatcher", "grid_leader", "grid_worker", "household_head", "street_officer"];
    put(&format!("{base}/PlaceGrant/properties/role"), "enum", json!(place_roles));
    // A home is a place or a location, exactly one of the two.
    put(
        &format!("{base}/SetHomeRequest"),
        "oneOf",
        json!([
            {"required": ["place_id"], "properties": {"place_id": {"type": "string"}, "location": {"type": "null"}}},
            {"required": ["location"], "properties": {"place_id": {"type": "null"}, "location": {"type": "object"}}}
        ]),
    );
}

/// Adds the generic answers and the parameters' constraints to one operation.
fn complete_operation(path: &str, op: &mut Map<String, Value>) {
    let public = op
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|reqs| reqs.iter().any(|r| r.as_object().is_some_and(Map::is_empty)) || reqs.is_empty());
    let has_body = op.contains_key("requestBody");
    let mut has_query = false;
    let mut has_cursor = false;
    let mut has_path = false;
    if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
        for param in params {
            let name = param.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
            match param.get("in").and_then(Value::as_str) {
                Some("path") => has_path = true,
                Some("query") => {
                    has_query = true;
                    let Some(schema) = param.get_mut("schema") else { continue };
                    match name.as_str() {
                        "limit" => {
                            schema["minimum"] = json!(1);
                            schema["maximum"] = json!(100);
                        }
                        "cursor" => {
                            has_cursor = true;
                            schema["pattern"] = json!(CURSOR_PATTERN);
                            schema["maxLength"] = json!(CURSOR_MAX_LENGTH);
                        }
                        "lng" => {
                            schema["minimum"] = json!(-180);
                            schema["maximum"] = json!(180);
                        }
                        "lat" => {
                            schema["minimum"] = json!(-90);
                            schema["maximum"] = json!(90);
                        }
                        "status" if path.starts_with("/api/v1/checkins") => {
                            schema["enum"] = json!(["pending", "approved", "rejected", "withdrawn"]);
                        }
                        "status" if path.starts_with("/api/v1/admin/outbox") => {
                            schema["enum"] = json!(["pending", "sending", "sent", "failed", "skipped"]);
                        }
                        // The wish list reads an empty value as no filter.
                        n if ID_PARAMETERS.contains(&n) && path == "/api/v1/wishes" => {
                            schema["pattern"] = json!(format!("^(?:{})?$", &ID_PATTERN[1..ID_PATTERN.len() - 1]));
                        }
                        n if ID_PARAMETERS.contains(&n) => schema["pattern"] = json!(ID_PATTERN),
                        _ => {}
                    }
                }
                _ => {}
            }
        }
    }
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { return };
    let mut add = |status: &str, description: &str| {
        responses.entry(status.to_owned()).or_insert_with(|| error_response(description));
    };
    if !public {
        add("401", "no token, or a bad, expired or revoked one");
    }
    if has_body {
        add("400", "malformed JSON");
        add("413", "body over the size limit");
        add("415", "body not of a documented content type");
        add("422", "invalid field (details.field names it)");
    }
    if has_query {
        add("422", "invalid query parameter (details.field names it)");
    }
    if has_cursor {
        add("400", "a cursor the server did not hand out");
    }
    if has_path {
        add("404", "absent, or not visible to the caller");
    }
}

/// An error answer in API.md's shape.
fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    })
}

/// Sets `rule` on a property schema (for `T | null` properties, on the non-null branch).
fn apply(prop: &mut Value, rule: Rule) {
    match rule {
        Rule::Text { max, multiline } => {
            let forbidden = if multiline { MULTI_LINE_FORBIDDEN } else { ONE_LINE_FORBIDDEN };
            let pattern = format!("^[^{forbidden}]*[^{BLANK}{forbidden}][^{forbidden}]*$");
            set(prop, &[("minLength", json!(1)), ("maxLength", json!(max)), ("pattern", json!(pattern))]);
        }
        Rule::Pattern { pattern, min, max } => {
            set(prop, &[("minLength", json!(min)), ("maxLength", json!(max)), ("pattern", json!(pattern))]);
        }
        Rule::Id => set(prop, &[("pattern", json!(ID_PATTERN))]),
        Rule::Int { min, max } => set(prop, &[("minimum", json!(min)), ("maximum", json!(max))]),
        Rule::Strings { max, item_max } => {
            set(prop, &[("maxItems", json!(max))]);
            let pattern = format!("^[^{ONE_LINE_FORBIDDEN}]*[^{BLANK}{ONE_LINE_FORBIDDEN}][^{ONE_LINE_FORBIDDEN}]*$");
            let items = json!({"type": "string", "minLength": 1, "maxLength": item_max, "pattern": pattern});
            set(prop, &[("items", items)]);
        }
    }
}

fn set(prop: &mut Value, entries: &[(&str, Value)]) {
    let Some(obj) = prop.as_object_mut() else { return };
    for (key, value) in entries {
        obj.insert((*key).to_owned(), value.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_names_a_field_of_the_document() {
        let json = serde_json::to_value(crate::startup::openapi_document()).unwrap();
        for (schema, property, _) in FIELD_RULES {
            assert!(
                json.pointer(&format!("/components/schemas/{schema}/properties/{property}")).is_some(),
                "{schema}.{property} is not in the document"
            );
        }
    }
}
