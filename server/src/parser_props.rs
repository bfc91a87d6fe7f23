//! Property tests of every parser that takes outside input: the CSV place import, GeoJSON
//! boundaries (as JSON bodies and as CSV cells), keyset cursors, ids, page limits and the shared
//! text rule. Arbitrary input never panics, is refused with a field-naming error or accepted, and
//! what is accepted round-trips. (That a refused import writes nothing is tested over HTTP in
//! `tests/tests/api/places_import.rs`.)

use haolin_shared::api::GeoPolygon;
use haolin_shared::domain::{PersonName, PlaceName, WishTitle};
use proptest::prelude::*;

use crate::extract::{decode_cursor, encode_cursor, field_id, page_limit, path_id};
use crate::places::geo::{boundary_of, check_boundary, contains};
use crate::places::import;

/// Text that looks like a CSV import: a plausible header or garbage, then lines of fields drawn
/// from the import's own vocabulary, quotes, separators and arbitrary characters.
fn csv_like() -> impl Strategy<Value = String> {
    let field = prop_oneof![
        Just(String::new()),
        Just("community".to_owned()),
        Just("grid".to_owned()),
        Just("unit".to_owned()),
        Just("comprehensive".to_owned()),
        Just("520201001001".to_owned()),
        Just("\"a,b\"".to_owned()),
        Just("\"".to_owned()),
        Just("\"\"\"".to_owned()),
        Just("{\"type\":\"Polygon\",\"coordinates\":[[[106,26],[106.1,26],[106.1,26.1],[106,26]]]}".to_owned()),
        Just("1;2;3".to_owned()),
        any::<String>(),
    ];
    let line = prop::collection::vec(field, 0..8).prop_map(|f| f.join(","));
    let header = prop_oneof![
        Just("level,code,name,kind,boundary,households".to_owned()),
        Just("\u{feff}level,code,name".to_owned()),
        any::<String>(),
    ];
    (header, prop::collection::vec(line, 0..12), prop_oneof![Just("\n"), Just("\r\n")])
        .prop_map(|(h, lines, nl)| std::iter::once(h).chain(lines).collect::<Vec<_>>().join(nl))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_csv_import_parser_never_panics_and_every_error_names_a_line_of_the_file(text in csv_like()) {
        let (rows, errors) = import::parse(&text);
        let lines = text.lines().count().max(1) as u64;
        for e in &errors {
            prop_assert!(e.line >= 1 && e.line <= lines, "error on line {} of {lines}", e.line);
            prop_assert!(!e.message.is_empty());
        }
        for row in &rows {
            prop_assert!(row.line >= 2 && row.line <= lines);
            prop_assert!(PlaceName::parse(&row.name).is_ok(), "an accepted name breaks the text rule: {:?}", row.name);
        }
    }

    #[test]
    fn the_csv_import_parser_takes_arbitrary_text(text in any::<String>()) {
        let _ = import::parse(&text);
    }

    #[test]
    fn a_boundary_from_arbitrary_json_is_checked_without_panicking(
        ring in prop::collection::vec((any::<f64>(), any::<f64>()), 0..12),
        kind in prop_oneof![Just("Polygon".to_owned()), any::<String>()],
        point in (any::<f64>(), any::<f64>()),
    ) {
        let coordinates: Vec<Vec<[f64; 2]>> = vec![ring.iter().map(|(a, b)| [*a, *b]).collect()];
        let polygon = GeoPolygon { kind, coordinates };
        if let Ok(stored) = check_boundary(&polygon) {
            let back = boundary_of(Some(&stored));
            prop_assert!(back.is_some(), "an accepted boundary does not read back");
            let _ = contains(&back.unwrap_or(polygon), [point.0, point.1]);
        }
    }

    #[test]
    fn stored_boundary_text_of_any_shape_reads_back_or_is_none(text in any::<String>()) {
        let _ = boundary_of(Some(&text));
    }

    #[test]
    fn a_cursor_round_trips_and_arbitrary_cursors_are_refused_not_panicked_on(id in 1..i64::MAX, raw in any::<String>()) {
        prop_assert_eq!(decode_cursor(&encode_cursor(id)).ok(), Some(id));
        if let Ok(decoded) = decode_cursor(&raw) {
            prop_assert!(decoded > 0);
        }
    }

    #[test]
    fn ids_and_limits_from_arbitrary_text_are_positive_or_refused(raw in any::<String>()) {
        if let Ok(id) = path_id(&raw) { prop_assert!(id > 0); }
        if let Ok(id) = field_id("id", &raw) { prop_assert!(id > 0); }
        if let Ok(limit) = page_limit(Some(&raw)) { prop_assert!((1..=100).contains(&limit)); }
    }

    #[test]
    fn accepted_text_obeys_the_text_rule_whatever_came_in(raw in any::<String>()) {
        for parsed in [
            WishTitle::parse(&raw).map(WishTitle::into_inner),
            PersonName::parse(&raw).map(PersonName::into_inner),
            PlaceName::parse(&raw).map(PlaceName::into_inner),
        ]
        .into_iter()
        .flatten()
        {
            prop_assert!(!parsed.is_empty());
            prop_assert!(parsed.chars().any(|c| !c.is_whitespace()));
            let hidden = |c: char| {
                c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
            };
            prop_assert!(!parsed.chars().any(hidden), "{:?}", parsed);
        }
    }
}
