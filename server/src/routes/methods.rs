//! What an API path answers when no route matched: 405 with an `Allow` header for a path the
//! document lists called with a method it does not list for that path, else 404, both in API.md's
//! error shape.

use actix_web::dev::ServiceResponse;
use actix_web::http::header;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use haolin_shared::api::ErrorCode;
use serde_json::Value;

use crate::error::ApiError;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Every documented path (as segments; `None` for a `{parameter}`) with its methods.
#[derive(Debug, Clone, Default)]
pub struct KnownPaths {
    paths: Vec<(Vec<Option<String>>, Vec<&'static str>)>,
}

impl KnownPaths {
    /// The paths and methods of the OpenAPI document's JSON, plus the document itself.
    pub fn from_document(doc: &Value) -> Self {
        let mut paths = vec![(segments("/api/openapi.json"), vec!["GET"])];
        if let Some(items) = doc.get("paths").and_then(Value::as_object) {
            for (path, item) in items {
                let methods: Vec<&'static str> = METHODS
                    .iter()
                    .filter(|m| item.get(**m).is_some())
                    .map(|m| match *m {
                        "get" => "GET",
                        "post" => "POST",
                        "put" => "PUT",
                        "patch" => "PATCH",
                        _ => "DELETE",
                    })
                    .collect();
                paths.push((segments(path), methods));
            }
        }
        Self { paths }
    }

    /// The methods of the documented path `path` matches, if any: the most literal one when
    /// several match (`/places/locate` rather than `/places/{id}`).
    fn allowed(&self, path: &str) -> Option<Vec<&'static str>> {
        let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        self.paths
            .iter()
            .filter(|(pattern, _)| {
                pattern.len() == parts.len()
                    && pattern.iter().zip(&parts).all(|(p, s)| match p {
                        Some(p) => p == s,
                        None => !s.is_empty(),
                    })
            })
            .min_by_key(|(pattern, _)| pattern.iter().filter(|p| p.is_none()).count())
            .map(|(_, methods)| methods.clone())
    }
}

fn segments(path: &str) -> Vec<Option<String>> {
    path.trim_end_matches('/')
        .split('/')
        .map(|s| if s.starts_with('{') && s.ends_with('}') { None } else { Some(s.to_owned()) })
        .collect()
}

/// The default service of the API: 405 (with `Allow`) for a documented path called with another
/// method, else 404.
pub async fn unmatched(req: HttpRequest, known: Option<web::Data<KnownPaths>>) -> HttpResponse {
    let allowed = known.and_then(|k| k.allowed(req.path())).filter(|m| !m.contains(&req.method().as_str()));
    match allowed {
        Some(methods) => not_allowed(&methods),
        None => ApiError::not_found().error_response(),
    }
}

/// 405 in the API's shape with `Allow: methods`.
fn not_allowed(methods: &[&str]) -> HttpResponse {
    let mut res = ApiError::new(ErrorCode::MethodNotAllowed, "该地址不支持此请求方法").error_response();
    if let Ok(value) = header::HeaderValue::from_str(&methods.join(", ")) {
        res.headers_mut().insert(header::ALLOW, value);
    }
    res
}

/// For `ErrorHandlers`: actix's own 405 (a resource such as `/healthz` whose routes' method
/// guards all refused the request) in the API's shape, with `Allow`.
pub fn method_not_allowed<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    if res.headers().contains_key(header::ALLOW) {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let known = res.request().app_data::<web::Data<KnownPaths>>().cloned();
    let methods = known.and_then(|k| k.allowed(res.request().path())).unwrap_or_default();
    let (req, _) = res.into_parts();
    Ok(ErrorHandlerResponse::Response(ServiceResponse::new(req, not_allowed(&methods)).map_into_right_body()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_documented_path_lists_its_methods_and_an_unknown_one_none() {
        let doc = json!({"paths": {
            "/api/v1/wishes": {"get": {}, "post": {}},
            "/api/v1/wishes/{id}": {"get": {}},
            "/api/v1/wishes/{id}/approve": {"post": {}},
        }});
        let known = KnownPaths::from_document(&doc);
        assert_eq!(known.allowed("/api/v1/wishes"), Some(vec!["GET", "POST"]));
        assert_eq!(known.allowed("/api/v1/wishes/12"), Some(vec!["GET"]));
        assert_eq!(known.allowed("/api/v1/wishes/12/approve"), Some(vec!["POST"]));
        assert_eq!(known.allowed("/api/openapi.json"), Some(vec!["GET"]));
        assert_eq!(known.allowed("/api/v1/wishes//approve"), None);
        let doc = json!({"paths": {"/p/{id}": {"patch": {}}, "/p/import": {"post": {}}}});
        assert_eq!(KnownPaths::from_document(&doc).allowed("/p/import"), Some(vec!["POST"]));
        assert_eq!(known.allowed("/api/v1/nothing"), None);
    }
}
