//! Charts drawn on the server as SVG (no script): a bar chart with a title and a description
//! that screen readers read, its values also written out in the description.

use std::fmt::Write;

/// One bar: its label (shown under it when `labelled`) and its value.
pub struct Bar {
    /// What the bar stands for (`septembre 2025`).
    pub label: String,
    /// Its value.
    pub value: u64,
    /// Whether its label is written under the axis (to keep labels apart).
    pub labelled: bool,
}

/// Text made safe inside SVG markup.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A vertical bar chart, `width` × 180 pixels, titled `title`, with `description` (which should
/// say what the bars hold) followed by every bar's label and value.
pub fn bars(id: &str, title: &str, description: &str, bars: &[Bar], format: impl Fn(u64) -> String) -> String {
    const HEIGHT: f64 = 140.0;
    const TOP: f64 = 16.0;
    const BOTTOM: f64 = 24.0;
    let width = (bars.len() as f64 * 18.0 + 40.0).max(240.0);
    let largest = bars.iter().map(|bar| bar.value).max().unwrap_or(0).max(1) as f64;
    let step = (width - 40.0) / bars.len().max(1) as f64;
    let mut svg = String::new();
    let values: Vec<String> = bars
        .iter()
        .map(|bar| format!("{} : {}", bar.label, format(bar.value)))
        .collect();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{id}-title {id}-desc" width="{width:.0}" height="{:.0}" viewBox="0 0 {width:.0} {:.0}"><title id="{id}-title">{}</title><desc id="{id}-desc">{}. {}</desc>"##,
        HEIGHT + TOP + BOTTOM,
        HEIGHT + TOP + BOTTOM,
        escape(title),
        escape(description),
        escape(&values.join(" ; ")),
    );
    let _ = write!(
        svg,
        r##"<text x="0" y="11" font-size="11" fill="#1a1a1a">{}</text>"##,
        escape(&format(largest as u64))
    );
    let _ = write!(
        svg,
        r##"<line x1="36" y1="{:.1}" x2="{width:.0}" y2="{:.1}" stroke="#6b6b6b"/>"##,
        TOP + HEIGHT,
        TOP + HEIGHT
    );
    for (index, bar) in bars.iter().enumerate() {
        let height = bar.value as f64 / largest * HEIGHT;
        let x = 40.0 + index as f64 * step;
        let _ = write!(
            svg,
            r##"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{height:.1}" fill="#0b4f8a"><title>{}</title></rect>"##,
            TOP + HEIGHT - height,
            (step - 3.0).max(1.0),
            escape(&format!("{} : {}", bar.label, format(bar.value))),
        );
        if bar.labelled {
            let _ = write!(
                svg,
                r##"<text x="{x:.1}" y="{:.1}" font-size="11" fill="#1a1a1a">{}</text>"##,
                TOP + HEIGHT + 16.0,
                escape(&bar.label),
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::{Bar, bars};

    #[test]
    fn bars_scale_to_the_largest_and_escape_their_text() {
        let chart = bars(
            "c",
            "Représentations <par> mois",
            "Nombre",
            &[
                Bar {
                    label: "sept. 2025".into(),
                    value: 10,
                    labelled: true,
                },
                Bar {
                    label: "oct. 2025".into(),
                    value: 5,
                    labelled: false,
                },
            ],
            |value| value.to_string(),
        );
        assert!(chart.starts_with("<svg") && chart.ends_with("</svg>"));
        assert!(chart.contains("&lt;par&gt;") && !chart.contains("<par>"));
        assert!(chart.contains(r#"height="140.0""#), "the largest bar is full height");
        assert!(chart.contains(r#"height="70.0""#), "half the largest is half height");
        assert!(
            chart.contains("sept. 2025 : 10 ; oct. 2025 : 5"),
            "values in the description"
        );
        assert_eq!(chart.matches("<text").count(), 2, "the scale and one label");
    }
}
