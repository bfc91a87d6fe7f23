//! Service records and certificates: the record per the Ministry of Civil Affairs' 2021 rules on
//! volunteer service records (who, what, where, when, how long, who recorded it) as JSON and CSV,
//! and certificates whose number carries its own signature (`HL-{id}-{signature}`), so a forged
//! number is refused before anything is read; the public verification shows a masked name only.

use chrono::{DateTime, Utc};
use haolin_shared::api::{
    Certificate, CertificateVerification, ErrorCode, PersonRef, ServiceRecord, ServiceRecordEntry,
};
use haolin_shared::domain::calendar::shanghai_date;
use qrcode::QrCode;
use qrcode::render::svg;

use super::Signer;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::time_bank::{CertificateRecord, ServiceRow};

use crate::views::rfc3339;

/// A name as the public may read it: `张*`, `张*三`, `欧**锋`.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_owned(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

fn entry(row: &ServiceRow) -> ServiceRecordEntry {
    let place = match &row.address {
        Some(addr) if !addr.is_empty() => format!("{} {addr}", row.place),
        _ => row.place.clone(),
    };
    ServiceRecordEntry {
        service: row.service.clone(),
        source: row.source.to_owned(),
        place,
        started_at: rfc3339(row.started_at.unwrap_or(row.credited_at)),
        ended_at: rfc3339(row.ended_at.unwrap_or(row.credited_at)),
        minutes: row.minutes,
        recorded_by: row.recorded_by.clone().unwrap_or_else(|| format!("{}社区", row.place.trim_end_matches("社区"))),
        credited_at: rfc3339(row.credited_at),
    }
}

/// The caller's service record.
pub async fn record(state: &AppState, caller: &Caller) -> Result<ServiceRecord, ApiError> {
    let rows = state.store.service_rows(caller.id()).await?;
    let items: Vec<ServiceRecordEntry> = rows.iter().map(entry).collect();
    Ok(ServiceRecord {
        holder: PersonRef { id: caller.id().to_string(), name: caller.user.name.clone() },
        total_minutes: items.iter().map(|e| e.minutes).sum(),
        items,
    })
}

fn csv_field(s: &str) -> String {
    // Quote every field; a leading formula character is neutralised for spreadsheets.
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_owned() };
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn china_time(s: &str) -> String {
    DateTime::parse_from_rfc3339(s)
        .map(|t| (t.with_timezone(&Utc) + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| s.to_owned())
}

/// The record as CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese), China time.
pub fn csv(record: &ServiceRecord) -> String {
    let mut out =
        String::from("\u{feff}姓名,服务内容,类别,服务地点,开始时间,结束时间,服务时长(分钟),记录人,记录时间\r\n");
    for e in &record.items {
        let kind = if e.source == "activity" { "志愿活动" } else { "微心愿" };
        let line = [
            csv_field(&record.holder.name),
            csv_field(&e.service),
            csv_field(kind),
            csv_field(&e.place),
            csv_field(&china_time(&e.started_at)),
            csv_field(&china_time(&e.ended_at)),
            e.minutes.to_string(),
            csv_field(&e.recorded_by),
            csv_field(&china_time(&e.credited_at)),
        ]
        .join(",");
        out.push_str(&line);
        out.push_str("\r\n");
    }
    out
}

fn signature(signer: &Signer, c: &CertificateRecord) -> String {
    let mac = signer.mac(&format!(
        "certificate:{}:{}:{}:{}:{}",
        c.id,
        c.user_id,
        c.total_minutes,
        c.services,
        c.issued_at.timestamp_millis()
    ));
    mac[..5].iter().map(|b| format!("{b:02X}")).collect()
}

/// The number printed on a certificate.
pub fn number(signer: &Signer, c: &CertificateRecord) -> String {
    format!("HL-{}-{}", c.id, signature(signer, c))
}

fn issued_on(at: DateTime<Utc>) -> String {
    let d = shanghai_date(at.timestamp_millis());
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

/// The QR code of `text` as SVG.
pub fn qr_svg(text: &str) -> String {
    QrCode::new(text.as_bytes())
        .map(|code| code.render::<svg::Color<'_>>().min_dimensions(160, 160).quiet_zone(true).build())
        .unwrap_or_default()
}

/// The public verification page's path of a number.
pub fn verify_path(number: &str) -> String {
    format!("/verify/{number}")
}

/// Issues a certificate of the caller's service to date.
pub async fn issue(state: &AppState, caller: &Caller, base_url: &str) -> Result<Certificate, ApiError> {
    let record = record(state, caller).await?;
    if record.items.is_empty() {
        return Err(ApiError::new(ErrorCode::InvalidState, "还没有记录的志愿服务时长，暂不能开具证明"));
    }
    let now = Utc::now();
    let services = i64::try_from(record.items.len()).unwrap_or(i64::MAX);
    let id = state.store.issue_certificate(caller.id(), record.total_minutes, services, now).await?;
    let stored = state.store.certificate(id).await?.ok_or_else(ApiError::internal)?;
    let number = number(&state.signer, &stored);
    let verify_url = format!("{base_url}{}", verify_path(&number));
    Ok(Certificate {
        holder_name: stored.holder_name.clone(),
        total_minutes: stored.total_minutes,
        services: stored.services,
        issued_on: issued_on(stored.issued_at),
        qr_svg: qr_svg(&verify_url),
        verify_url,
        number,
    })
}

/// What the public may read of a certificate number; `None` when it is forged or unknown.
pub async fn verify(state: &AppState, number: &str) -> Result<Option<CertificateVerification>, ApiError> {
    let mut parts = number.trim().splitn(3, '-');
    let (Some("HL"), Some(id), Some(sig)) = (parts.next(), parts.next(), parts.next()) else { return Ok(None) };
    let Some(id) = id.parse::<i64>().ok().filter(|id| *id > 0) else { return Ok(None) };
    if sig.len() != 10 || !sig.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let Some(stored) = state.store.certificate(id).await? else { return Ok(None) };
    let expected = signature(&state.signer, &stored);
    let genuine = expected.len() == sig.len()
        && expected.bytes().zip(sig.to_ascii_uppercase().bytes()).fold(0u8, |a, (x, y)| a | (x ^ y)) == 0;
    if !genuine {
        return Ok(None);
    }
    Ok(Some(CertificateVerification {
        number: number.trim().to_owned(),
        genuine: true,
        holder_name: mask_name(&stored.holder_name),
        total_minutes: stored.total_minutes,
        issued_on: issued_on(stored.issued_at),
    }))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The public verification page (plain HTML, no script).
pub fn verify_page(number: &str, found: Option<&CertificateVerification>) -> String {
    let body = match found {
        Some(v) => format!(
            "<h1 class=ok>✔ 证书真实有效</h1><dl><dt>证书编号</dt><dd>{}</dd><dt>持证人</dt><dd>{}</dd>\
             <dt>累计志愿服务时长</dt><dd>{}</dd><dt>开具日期</dt><dd>{}</dd></dl>\
             <p>本证明由好邻时间银行依据志愿服务记录开具。</p>",
            escape(&v.number),
            escape(&v.holder_name),
            escape(&haolin_shared::domain::time_bank::format_minutes(v.total_minutes)),
            escape(&v.issued_on)
        ),
        None => format!(
            "<h1 class=bad>✘ 证书无效</h1><p>编号 {} 不是好邻开具的志愿服务证明，或已被篡改。请向持证人所在社区核实。</p>",
            escape(number)
        ),
    };
    format!(
        "<!doctype html><html lang=zh-CN><head><meta charset=utf-8>\
         <meta name=viewport content=\"width=device-width,initial-scale=1\"><title>志愿服务证明核验</title>\
         <style>body{{font:16px/1.6 system-ui,sans-serif;max-width:36em;margin:2em auto;padding:0 1em;color:#222}}\
         .ok{{color:#1a7f37}}.bad{{color:#b42318}}dt{{color:#666;font-size:14px}}dd{{margin:0 0 .8em}}</style></head>\
         <body>{body}</body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_masked() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("张小三"), "张*三");
        assert_eq!(mask_name("欧阳小锋"), "欧**锋");
        assert_eq!(mask_name("李"), "*");
    }

    #[test]
    fn csv_quotes_and_neutralises() {
        assert_eq!(csv_field("a\"b"), "\"a\"\"b\"");
        assert_eq!(csv_field("=1+1"), "\"'=1+1\"");
    }
}
