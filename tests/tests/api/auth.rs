//! Accounts and tokens: register, login, `/me`, refresh rotation, logout, and every way a bearer
//! token can be bad (missing, garbage, tampered, other secret, other algorithm, `alg: none`,
//! expired, revoked session).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use haolin_tests::{ADMIN_PHONE, JWT_SECRET, PASSWORD, assert_error, spawn_app, str_of};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

/// The claims of a JWT, decoded without checking anything.
fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT has three parts");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url payload")).expect("JSON claims")
}

fn forge(claims: &Value, secret: &str, alg: Algorithm) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret.as_bytes())).expect("encode a JWT")
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Claims like the server's (`sub`, `sid` of a live session) with the given times.
fn claims_with_times(real: &Value, iat: i64, exp: i64) -> Value {
    json!({"sub": real["sub"].clone(), "sid": real["sid"].clone(), "iat": iat, "exp": exp})
}

#[tokio::test]
async fn a_registered_account_is_a_resident_and_can_log_in() {
    let app = spawn_app().await;
    let body = json!({"phone": "13812345678", "password": PASSWORD, "name": "赵阿姨"});
    let resp = app.post_anon("/api/v1/auth/register", &body).await;
    let reg = resp.expect_status(201).clone();
    let user = &reg["user"];
    assert_eq!(user["phone"], "13812345678");
    assert_eq!(user["name"], "赵阿姨");
    assert_eq!(user["roles"], json!(["resident"]));
    assert_eq!(user["community_ids"], json!([]));
    assert!(!str_of(&reg, "access_token").is_empty());
    assert!(!str_of(&reg, "refresh_token").is_empty());
    assert!(user["id"].is_string(), "ids are strings: {user}");

    let me = app.get("/api/v1/me", str_of(&reg, "access_token")).await;
    let me = me.expect_status(200);
    assert_eq!(me["id"], user["id"]);
    assert_eq!(me["name"], "赵阿姨");
    assert_eq!(me["phone"], "13812345678");
    assert_eq!(me["roles"], json!(["resident"]));
    assert_eq!(me["community_ids"], json!([]));

    let login = app.login("13812345678", PASSWORD).await;
    assert_eq!(login["user"]["id"], user["id"]);
    let me = app.get("/api/v1/me", str_of(&login, "access_token")).await;
    assert_eq!(me.expect_status(200)["id"], user["id"]);
}

#[tokio::test]
async fn registering_a_taken_phone_is_already_exists() {
    let app = spawn_app().await;
    let resident = app.register_resident().await;
    let body = json!({"phone": resident.phone, "password": "another-password", "name": "冒名"});
    let resp = app.post_anon("/api/v1/auth/register", &body).await;
    assert_error(&resp, 409, "already_exists");
    // The admin's phone is taken too.
    let body = json!({"phone": ADMIN_PHONE, "password": "another-password", "name": "冒名"});
    assert_error(&app.post_anon("/api/v1/auth/register", &body).await, 409, "already_exists");
    // The first account's password still works.
    app.login(&resident.phone, PASSWORD).await;
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_phone_get_the_same_invalid_credentials() {
    let app = spawn_app().await;
    let resident = app.register_resident().await;
    let wrong_password =
        app.post_anon("/api/v1/auth/login", &json!({"phone": resident.phone, "password": "not-the-password"})).await;
    let unknown_phone =
        app.post_anon("/api/v1/auth/login", &json!({"phone": "13999999999", "password": PASSWORD})).await;
    assert_error(&wrong_password, 401, "invalid_credentials");
    assert_error(&unknown_phone, 401, "invalid_credentials");
    assert_eq!(wrong_password.body, unknown_phone.body, "the two answers differ");
}

#[tokio::test]
async fn the_configured_admin_can_log_in_and_holds_the_admin_role() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let me = app.get("/api/v1/me", &token).await;
    let me = me.expect_status(200);
    assert_eq!(me["phone"], ADMIN_PHONE);
    let roles = me["roles"].as_array().unwrap();
    assert!(roles.contains(&json!("admin")), "{me}");
}

#[tokio::test]
async fn an_admin_created_account_holds_exactly_the_roles_named_in_its_communities() {
    let app = spawn_app().await;
    let c1 = app.create_community().await;
    let c2 = app.create_community().await;
    let actor = app.create_actor(&["member", "dispatcher"], &[&c1, &c2]).await;
    let me = app.get("/api/v1/me", &actor.token).await;
    let me = me.expect_status(200);
    let mut roles: Vec<String> = serde_json::from_value(me["roles"].clone()).unwrap();
    roles.sort();
    assert_eq!(roles, ["dispatcher", "member"]);
    let mut communities: Vec<String> = serde_json::from_value(me["community_ids"].clone()).unwrap();
    communities.sort();
    let mut expected = vec![c1, c2];
    expected.sort();
    assert_eq!(communities, expected);
}

#[tokio::test]
async fn admin_paths_without_the_admin_role_are_forbidden() {
    let app = spawn_app().await;
    let world = app.world().await;
    for token in [&world.resident.token, &world.dispatcher.token, &world.member.token] {
        let resp = app
            .post(
                "/api/v1/admin/users",
                token,
                &json!({"phone": "13611112222", "password": PASSWORD, "name": "x", "roles": ["admin"], "community_ids": []}),
            )
            .await;
        assert_error(&resp, 403, "forbidden");
        let resp = app.post("/api/v1/admin/communities", token, &json!({"name": "黑社区", "code": "EVIL0001"})).await;
        assert_error(&resp, 403, "forbidden");
    }
    // Nothing was created.
    assert_error(
        &app.post_anon("/api/v1/auth/login", &json!({"phone": "13611112222", "password": PASSWORD})).await,
        401,
        "invalid_credentials",
    );
    let list = app.get("/api/v1/communities", &world.resident.token).await;
    let items = list.expect_status(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1, "{items:?}");
}

#[tokio::test]
async fn any_logged_in_user_lists_the_communities() {
    let app = spawn_app().await;
    let id = app.create_community().await;
    let resident = app.register_resident().await;
    let list = app.get("/api/v1/communities", &resident.token).await;
    let list = list.expect_status(200);
    assert!(list.get("next_cursor").is_some(), "list shape: {list}");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], id.as_str());
    assert!(items[0]["name"].is_string() && items[0]["code"].is_string(), "{list}");
}

#[tokio::test]
async fn a_request_without_a_token_is_missing_token() {
    let app = spawn_app().await;
    for path in ["/api/v1/me", "/api/v1/wishes", "/api/v1/communities", "/api/v1/wishes/1"] {
        let resp = app.get_anon(path).await;
        assert_error(&resp, 401, "missing_token");
    }
    let resp = app.post_anon("/api/v1/wishes", &json!({})).await;
    assert_error(&resp, 401, "missing_token");
    let resp = app.post_anon("/api/v1/auth/logout", &json!({})).await;
    assert_error(&resp, 401, "missing_token");
}

#[tokio::test]
async fn a_garbage_token_is_invalid_token() {
    let app = spawn_app().await;
    for garbage in ["not-a-jwt", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30.", "Bearer"] {
        let resp = app
            .send(
                app.request(reqwest::Method::GET, "/api/v1/me", None)
                    .header("Authorization", format!("Bearer {garbage}")),
            )
            .await;
        assert_error(&resp, 401, "invalid_token");
    }
}

#[tokio::test]
async fn a_token_with_a_tampered_signature_is_invalid_token() {
    let app = spawn_app().await;
    let resident = app.register_resident().await;
    let mut parts: Vec<String> = resident.token.split('.').map(str::to_owned).collect();
    assert_eq!(parts.len(), 3);
    let mut sig: Vec<char> = parts[2].chars().collect();
    let mid = sig.len() / 2;
    sig[mid] = if sig[mid] == 'A' { 'B' } else { 'A' };
    parts[2] = sig.into_iter().collect();
    let tampered = parts.join(".");
    assert_error(&app.get("/api/v1/me", &tampered).await, 401, "invalid_token");
    // The genuine token still works.
    app.get("/api/v1/me", &resident.token).await.expect_status(200);
}

#[tokio::test]
async fn a_token_with_a_tampered_payload_is_invalid_token() {
    let app = spawn_app().await;
    let resident = app.register_resident().await;
    let admin = app.admin_token().await;
    let admin_claims = claims_of(&admin);
    let mut claims = claims_of(&resident.token);
    claims["sub"] = admin_claims["sub"].clone();
    let parts: Vec<&str> = resident.token.split('.').collect();
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
    let tampered = format!("{}.{}.{}", parts[0], payload, parts[2]);
    assert_error(&app.get("/api/v1/me", &tampered).await, 401, "invalid_token");
}

#[tokio::test]
async fn an_access_token_carries_sub_sid_iat_and_exp() {
    let app = spawn_app().await;
    let resident = app.register_resident().await;
    let claims = claims_of(&resident.token);
    assert_eq!(claims["sub"], resident.id.as_str(), "{claims}");
    assert!(claims.get("sid").is_some_and(|s| !s.is_null()), "{claims}");
    let iat = claims["iat"].as_i64().expect("numeric iat");
    let exp = claims["exp"].as_i64().expect("numeric exp");
    assert!((iat - now()).abs() < 120, "iat {iat} is not now");
    // Default access TTL: 15 minutes.
    assert!((exp - iat - 15 * 60).abs() <= 5, "exp - iat = {}", exp - iat);
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(resident.token.split('.').next().unwrap()).unwrap()).unwrap();
    assert_eq!(header["alg"], "HS256");
}

#[tokio::test]
async fn a_token_forged_with_the_known_secret_for_a_live_session_is_accepted() {
    // Proves the forging below is faithful, so the refusals that follow are about what they change.
    let app = spawn_app().await;
    let resident = app.register_resident().await;
    let real = claims_of(&resident.token);
    let token = forge(&claims_with_times(&real, now() - 10, now() + 600), JWT_SECRET, Algorithm::HS256);
    let me = app.get("/api/v1/me", &token).await;
    assert_eq!(me.expect_status(200)["id"], resident.id.as_str());
}

#[tokio::test]
async fn an_expired_token_is_token_expired() {
    let app = spawn_app().await;
    let resident = app.register_resident().await;
    let real = claims_of(&resident.token);
    let token = forge(&claims_with_times(&real, now() - 7200, now() - 3600), JWT_SECRET, Algorithm::HS256);
    assert_error(&app.get("/api/v1/me", &token).await, 401, "token_expired");
}

#[tokio::test]
async fn a_token_signed_with_another_secret_is_invalid_token() {
    let app = spawn_app().await;
    let resident = app.register_resident().await;
    let real = claims_of(&resident.token);
    let token =
        forge(&claims_with_times(&real, now(), now() + 600), "some-other-secret-entirely-0123456789", Algorithm::HS256);
    assert_error(&app.get("/api/v1/me", &token).await, 401, "invalid_token");
}

#[tokio::test]
async fn a_token_signed_with_another_algorithm_is_invalid_token() {
    let app = spawn_app().await;
    let resident = app.register_resident().await;
    let real = claims_of(&resident.token);
    for alg in [Algorithm::HS512, Algorithm::HS384] {
        let token = forge(&claims_with_times(&real, now(), now() + 600), JWT_SECRET, alg);
        assert_error(&app.get("/api/v1/me", &token).await, 401, "invalid_token");
    }
}

#[tokio::test]
async fn an_alg_none_token_is_invalid_token() {
    let app = spawn_app().await;
    let resident = app.register_resident().await;
    let real = claims_of(&resident.token);
    let claims = claims_with_times(&real, now(), now() + 600);
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
    for token in [format!("{header}.{payload}."), format!("{header}.{payload}")] {
        assert_error(&app.get("/api/v1/me", &token).await, 401, "invalid_token");
    }
    // Also with the original signature kept.
    let sig = resident.token.split('.').nth(2).unwrap();
    let token = format!("{header}.{payload}.{sig}");
    assert_error(&app.get("/api/v1/me", &token).await, 401, "invalid_token");
}

#[tokio::test]
async fn a_token_for_an_unknown_session_is_invalid_token() {
    let app = spawn_app().await;
    let resident = app.register_resident().await;
    let claims = json!({"sub": resident.id, "sid": "no-such-session-424242", "iat": now(), "exp": now() + 600});
    let token = forge(&claims, JWT_SECRET, Algorithm::HS256);
    assert_error(&app.get("/api/v1/me", &token).await, 401, "invalid_token");
}

#[tokio::test]
async fn refresh_gives_a_new_pair_and_the_old_refresh_token_stops_working() {
    let app = spawn_app().await;
    let resident = app.register_resident().await;
    let resp = app.post_anon("/api/v1/auth/refresh", &json!({"refresh_token": resident.refresh_token})).await;
    let pair = resp.expect_status(200).clone();
    let access = str_of(&pair, "access_token").to_owned();
    let refresh = str_of(&pair, "refresh_token").to_owned();
    assert_ne!(refresh, resident.refresh_token);
    let me = app.get("/api/v1/me", &access).await;
    assert_eq!(me.expect_status(200)["id"], resident.id.as_str());

    // Using the old refresh token a second time fails...
    let again = app.post_anon("/api/v1/auth/refresh", &json!({"refresh_token": resident.refresh_token})).await;
    assert_error(&again, 401, "invalid_refresh_token");
    // ...and revokes the whole session: the newer refresh token and the access tokens too.
    let newer = app.post_anon("/api/v1/auth/refresh", &json!({"refresh_token": refresh})).await;
    assert_error(&newer, 401, "invalid_refresh_token");
    assert_error(&app.get("/api/v1/me", &access).await, 401, "invalid_token");
    assert_error(&app.get("/api/v1/me", &resident.token).await, 401, "invalid_token");
    // The account itself still works.
    app.login(&resident.phone, PASSWORD).await;
}

#[tokio::test]
async fn a_refresh_chain_keeps_working_while_each_token_is_used_once() {
    let app = spawn_app().await;
    let resident = app.register_resident().await;
    let mut refresh = resident.refresh_token.clone();
    for _ in 0..3 {
        let resp = app.post_anon("/api/v1/auth/refresh", &json!({"refresh_token": refresh})).await;
        let pair = resp.expect_status(200).clone();
        app.get("/api/v1/me", str_of(&pair, "access_token")).await.expect_status(200);
        refresh = str_of(&pair, "refresh_token").to_owned();
    }
}

#[tokio::test]
async fn an_unknown_refresh_token_is_invalid_refresh_token() {
    let app = spawn_app().await;
    let resp = app.post_anon("/api/v1/auth/refresh", &json!({"refresh_token": "definitely-not-a-refresh-token"})).await;
    assert_error(&resp, 401, "invalid_refresh_token");
}

#[tokio::test]
async fn logout_revokes_the_refresh_and_access_tokens_of_that_session_only() {
    let app = spawn_app().await;
    let resident = app.register_resident().await;
    let other_session = app.login(&resident.phone, PASSWORD).await;

    let resp = app.send(app.request(reqwest::Method::POST, "/api/v1/auth/logout", Some(&resident.token))).await;
    assert_eq!(resp.status, 204, "{}", resp.text);

    let refresh = app.post_anon("/api/v1/auth/refresh", &json!({"refresh_token": resident.refresh_token})).await;
    assert_error(&refresh, 401, "invalid_refresh_token");
    assert_error(&app.get("/api/v1/me", &resident.token).await, 401, "invalid_token");

    // The other session is untouched.
    app.get("/api/v1/me", str_of(&other_session, "access_token")).await.expect_status(200);
    let resp =
        app.post_anon("/api/v1/auth/refresh", &json!({"refresh_token": str_of(&other_session, "refresh_token")})).await;
    resp.expect_status(200);
}
