//! Helpers for the place hierarchy: creating places, PATCH, and CSV imports.

use reqwest::Method;
use serde_json::{Value, json};

use crate::{ApiResponse, TestApp, str_of};

impl TestApp {
    /// `PATCH path` with a JSON body and a token.
    pub async fn patch(&self, path: &str, token: &str, body: &Value) -> ApiResponse {
        self.send(self.request(Method::PATCH, path, Some(token)).json(body)).await
    }

    /// `PUT path` with a JSON body and a token.
    pub async fn put(&self, path: &str, token: &str, body: &Value) -> ApiResponse {
        self.send(self.request(Method::PUT, path, Some(token)).json(body)).await
    }

    /// `DELETE path` with a token.
    pub async fn delete(&self, path: &str, token: &str) -> ApiResponse {
        self.send(self.request(Method::DELETE, path, Some(token))).await
    }

    /// Grants `role` at `place` to the account `user_id`, as the admin (200).
    pub async fn grant_at(&self, user_id: &str, role: &str, place: &Value) {
        let admin = self.admin_token().await;
        let body = json!({"role": role, "place_id": str_of(place, "id")});
        self.post(&format!("/api/v1/admin/users/{user_id}/roles"), &admin, &body).await.expect_status(200);
    }

    /// Creates a place as the admin; returns the created place (201).
    pub async fn create_place(&self, level: &str, name: &str, parent_id: Option<&str>, extra: Value) -> Value {
        let admin = self.admin_token().await;
        let mut body = json!({"level": level, "name": name, "parent_id": parent_id});
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        let resp = self.post("/api/v1/admin/places", &admin, &body).await;
        resp.expect_status(201).clone()
    }

    /// A district (code 520201) with one street, community, comprehensive grid and unit;
    /// returns the five places top-down.
    pub async fn small_tree(&self) -> [Value; 5] {
        let district = self.create_place("district", "钟山区", None, json!({"code": "520201"})).await;
        let street = self.create_place("street", "荷泉街道", Some(str_of(&district, "id")), json!({})).await;
        let community = self.create_place("community", "和平社区", Some(str_of(&street, "id")), json!({})).await;
        let grid = self
            .create_place("grid", "第一网格", Some(str_of(&community, "id")), json!({"kind": "comprehensive"}))
            .await;
        let unit = self.create_place("unit", "一号楼十联户", Some(str_of(&grid, "id")), json!({})).await;
        [district, street, community, grid, unit]
    }

    /// `POST /api/v1/admin/places/import` with a CSV body as `token`.
    pub async fn import_csv(&self, token: &str, csv: &str) -> ApiResponse {
        self.post_raw("/api/v1/admin/places/import", Some(token), Some("text/csv"), csv.to_owned()).await
    }
}
