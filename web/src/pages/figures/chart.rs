//! Small charts of monthly series, drawn here as SVG (no chart library: a few lines of text
//! per chart). Each chart is `aria-hidden`: its numbers are the page's table, which a screen
//! reader reads instead. Every bar and point carries its month and value (`data-month`,
//! `data-value`) so a test can read what was drawn.

use std::fmt::Write;

use leptos::prelude::*;

/// The drawing's size in SVG units (it scales to the width of its box).
const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 170.0;
const LEFT: f64 = 4.0;
const RIGHT: f64 = 4.0;
const TOP: f64 = 26.0;
const BOTTOM: f64 = 26.0;

/// One series of a chart: its key (`data-series`), its name in the legend and a value per month
/// (`None`: nothing to draw that month).
pub struct Series {
    pub key: &'static str,
    pub name: &'static str,
    pub values: Vec<Option<f64>>,
}

/// How a chart draws its series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Bars side by side per month.
    Bars,
    /// A line through the months with a value.
    Line,
}

/// A number as `data-value` writes it: whole numbers without decimals.
fn number(v: f64) -> String {
    if v.fract() == 0.0 { format!("{}", v as i64) } else { format!("{:.2}", v) }
}

/// `3月` for `2026-03`.
fn short_month(month: &str) -> String {
    let m = month.get(5..7).and_then(|m| m.parse::<u32>().ok()).unwrap_or(0);
    format!("{m}月")
}

/// The SVG of `series` over `months`: bars or a line scaled to the largest value (or `top`,
/// when given), the largest value written at the top left by `label`, a month under every
/// group (every second or third… when there are more than six).
pub fn svg(months: &[String], series: &[Series], kind: Kind, top: Option<f64>, label: fn(f64) -> String) -> String {
    let n = months.len().max(1) as f64;
    let largest = series.iter().flat_map(|s| s.values.iter().flatten().copied()).fold(0.0_f64, f64::max);
    let max = top.unwrap_or(largest).max(largest).max(f64::MIN_POSITIVE);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let group = plot_w / n;
    let y_of = |v: f64| TOP + plot_h - (v / max * plot_h);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" focusable=\"false\">\
         <text class=\"fig-axis\" x=\"{LEFT}\" y=\"18\">{}</text>\
         <line class=\"fig-base\" x1=\"{LEFT}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\"/>",
        label(if largest > 0.0 { largest } else { 0.0 }),
        WIDTH - RIGHT,
        b = TOP + plot_h,
    );
    let k = series.len().max(1) as f64;
    for (j, s) in series.iter().enumerate() {
        let mut points = String::new();
        for (i, (month, value)) in months.iter().zip(&s.values).enumerate() {
            let Some(v) = *value else {
                // A month without a value breaks the line.
                if kind == Kind::Line && !points.is_empty() {
                    let _ = write!(out, "<polyline class=\"fig-line fig-s{j}\" points=\"{}\"/>", points.trim_end());
                    points.clear();
                }
                continue;
            };
            let x0 = LEFT + i as f64 * group;
            match kind {
                Kind::Bars => {
                    let w = group * 0.8 / k;
                    let x = x0 + group * 0.1 + j as f64 * w;
                    let y = y_of(v);
                    let _ = write!(
                        out,
                        "<rect class=\"fig-s{j}\" data-series=\"{}\" data-month=\"{month}\" data-value=\"{}\" \
                         x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\"/>",
                        s.key,
                        number(v),
                        TOP + plot_h - y
                    );
                }
                Kind::Line => {
                    let (x, y) = (x0 + group / 2.0, y_of(v));
                    let _ = write!(points, "{x:.1},{y:.1} ");
                    let _ = write!(
                        out,
                        "<circle class=\"fig-s{j}\" data-series=\"{}\" data-month=\"{month}\" data-value=\"{}\" \
                         cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"2.5\"/>",
                        s.key,
                        number(v)
                    );
                }
            }
        }
        if kind == Kind::Line && !points.is_empty() {
            let _ = write!(out, "<polyline class=\"fig-line fig-s{j}\" points=\"{}\"/>", points.trim_end());
        }
    }
    // At most six month names, so that they stay legible (14 px, 18 px in 大字模式) on a phone.
    let step = months.len().div_ceil(6).max(1);
    for (i, month) in months.iter().enumerate().filter(|(i, _)| i % step == 0) {
        let x = LEFT + i as f64 * group + group / 2.0;
        let _ = write!(
            out,
            "<text class=\"fig-axis\" x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            HEIGHT - 5.0,
            short_month(month)
        );
    }
    out.push_str("</svg>");
    out
}

/// A chart with its title and (for several series) its legend; the drawing is hidden from
/// screen readers, which read the table.
pub fn chart(
    testid: &'static str,
    title: &'static str,
    months: &[String],
    series: Vec<Series>,
    kind: Kind,
    top: Option<f64>,
    label: fn(f64) -> String,
) -> impl IntoView + use<> {
    let drawing = svg(months, &series, kind, top, label);
    let legend = (series.len() > 1).then(|| {
        view! {
            <ul class="fig-legend" aria-hidden="true">
                {series.iter().enumerate().map(|(j, s)| view! {
                    <li><span class=format!("fig-swatch fig-s{j}")></span>{s.name}</li>
                }).collect_view()}
            </ul>
        }
    });
    view! {
        <figure class="fig-chart" data-testid=testid>
            <figcaption>{title}</figcaption>
            <div class="fig-svg" aria-hidden="true" inner_html=drawing></div>
            {legend}
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn months() -> Vec<String> {
        vec!["2026-01".into(), "2026-02".into(), "2026-03".into()]
    }

    #[test]
    fn bars_carry_their_month_and_value_and_scale_to_the_largest() {
        let series = [Series { key: "posted", name: "发布", values: vec![Some(2.0), Some(0.0), Some(4.0)] }];
        let s = svg(&months(), &series, Kind::Bars, None, number);
        assert_eq!(s.matches("<rect").count(), 3);
        assert!(s.contains("data-month=\"2026-03\" data-value=\"4\""), "{s}");
        // The largest bar fills the plot's height, the others in proportion.
        let plot = HEIGHT - TOP - BOTTOM;
        assert!(s.contains(&format!("height=\"{plot:.1}\"")), "{s}");
        assert!(s.contains(&format!("height=\"{:.1}\"", plot / 2.0)), "{s}");
        assert!(s.contains(">1月<") && s.contains(">3月<"));
        // Twelve months: every second name.
        let year: Vec<String> = (1..=12).map(|m| format!("2026-{m:02}")).collect();
        let series = [Series { key: "posted", name: "发布", values: vec![Some(1.0); 12] }];
        let s = svg(&year, &series, Kind::Bars, None, number);
        assert!(s.contains(">1月<") && s.contains(">11月<") && !s.contains(">2月<"), "{s}");
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
    }

    #[test]
    fn a_line_skips_months_without_a_value() {
        let series = [Series { key: "rating", name: "评分", values: vec![Some(4.5), None, Some(5.0)] }];
        let s = svg(&months(), &series, Kind::Line, Some(5.0), number);
        assert_eq!(s.matches("<circle").count(), 2);
        assert_eq!(s.matches("<polyline").count(), 2, "{s}");
        assert!(s.contains("data-value=\"4.50\""));
    }

    #[test]
    fn an_empty_range_draws_without_dividing_by_zero() {
        let series = [Series { key: "posted", name: "发布", values: vec![Some(0.0); 3] }];
        let s = svg(&months(), &series, Kind::Bars, None, number);
        assert!(!s.contains("NaN") && !s.contains("inf"), "{s}");
    }
}
