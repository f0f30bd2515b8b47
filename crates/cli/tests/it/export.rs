//! `parallax export`: CSV read back with the csv crate, JSON lines, `--since` and `--story`.

use crate::Dir;

fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (headers, rows)
}

fn dated(n: usize, day: u32) -> String {
    format!(
        "{{\"title\": \"Dam bursts above Kessel, part {n}\", \"outlet\": \"Wire {n}\", \
         \"published\": \"2026-01-{day:02}T08:00:00Z\", \"text\": \"KESSEL (NWS) - The Upper Aske \
         dam gave way early on Monday, flooding the valley, part {n}. \\\"We will find out who \
         is responsible, and quickly,\\\" Interior Minister Tomas Brekke said.\"}}\n"
    )
}

#[test]
fn articles_stories_and_quotes_export_as_csv_and_jsonl() {
    let dir = Dir::new();
    dir.write(
        "a.jsonl",
        format!("{}{}{}", dated(1, 12), dated(2, 13), dated(3, 20)),
    );
    dir.ok(&["ingest", "a.jsonl"]);

    let (headers, rows) = csv_rows(&dir.ok(&["export", "articles"]).stdout());
    assert_eq!(
        headers,
        [
            "id",
            "story",
            "published",
            "outlet",
            "title",
            "url",
            "authors",
            "dateline",
            "language",
            "summary_only",
            "words",
            "source",
            "ingested_at",
            "text"
        ]
    );
    assert_eq!(rows.len(), 3);
    assert!(rows[0][13].contains("\"We will find out who is responsible"));
    assert_eq!(rows[0][2], "2026-01-12T08:00:00Z");

    let since = csv_rows(
        &dir.ok(&["export", "articles", "--since", "2026-01-13"])
            .stdout(),
    )
    .1;
    assert_eq!(since.len(), 2);

    let jsonl = dir.ok(&["export", "articles", "--format", "jsonl"]).jsonl();
    assert_eq!(jsonl.len(), 3);
    assert_eq!(jsonl[1]["title"], "Dam bursts above Kessel, part 2");

    let (headers, stories) = csv_rows(&dir.ok(&["export", "stories"]).stdout());
    assert_eq!(headers[..3], ["id", "storyline", "headline"]);
    assert!(!stories.is_empty());
    let story = &stories[0][0];
    let members = csv_rows(&dir.ok(&["export", "articles", "--story", story]).stdout()).1;
    assert!(!members.is_empty() && members.iter().all(|r| &r[1] == story));

    let (headers, quotes) = csv_rows(&dir.ok(&["export", "quotes"]).stdout());
    assert_eq!(
        headers[..6],
        ["article", "story", "published", "outlet", "kind", "class"]
    );
    assert_eq!(quotes.len(), 3, "{quotes:?}");
    assert!(quotes.iter().all(|q| q[6] == "Tomas Brekke"), "{quotes:?}");

    let run = dir.run(&["export", "articles", "--since", "soon"]);
    assert_eq!(run.code(), 2);
}

#[test]
fn entities_export_one_row_per_entity_with_the_first_mention_span() {
    let dir = Dir::new();
    dir.write("a.jsonl", dated(1, 12));
    dir.ok(&["ingest", "a.jsonl"]);
    let (headers, rows) = csv_rows(&dir.ok(&["export", "entities"]).stdout());
    assert_eq!(
        headers,
        [
            "article",
            "story",
            "published",
            "outlet",
            "kind",
            "name",
            "roles",
            "mentions",
            "start",
            "end"
        ]
    );
    let brekke = rows
        .iter()
        .find(|r| r[5].contains("Brekke"))
        .unwrap_or_else(|| panic!("no Brekke in {rows:?}"));
    assert_eq!(brekke[4], "person");
    assert!(brekke[6].contains("Interior Minister"), "{brekke:?}");
    // The span slices the stored text to the mention.
    let text = &dir.ok(&["export", "articles", "--format", "jsonl"]).jsonl()[0]["text"];
    let text = text.as_str().unwrap();
    let (start, end): (usize, usize) = (brekke[8].parse().unwrap(), brekke[9].parse().unwrap());
    assert!(text[start..end].contains("Brekke"), "{}", &text[start..end]);
    let jsonl = dir.ok(&["export", "entities", "--format", "jsonl"]).jsonl();
    assert_eq!(jsonl.len(), rows.len());
}

/// The columns and rows of a Parquet file, every value as text (`None` for null).
fn parquet_rows(bytes: Vec<u8>, dir: &Dir) -> (Vec<String>, Vec<Vec<Option<String>>>) {
    use arrow_array::Array;
    use arrow_array::cast::AsArray;
    let path = dir.write("export.parquet", bytes);
    let file = std::fs::File::open(path).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut names = Vec::new();
    let mut rows = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        names = batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        for i in 0..batch.num_rows() {
            let row = batch
                .columns()
                .iter()
                .map(|c| {
                    if c.is_null(i) {
                        return None;
                    }
                    Some(match c.data_type() {
                        arrow_schema::DataType::Utf8 => c.as_string::<i32>().value(i).to_owned(),
                        arrow_schema::DataType::UInt64 => c
                            .as_primitive::<arrow_array::types::UInt64Type>()
                            .value(i)
                            .to_string(),
                        arrow_schema::DataType::Boolean => c.as_boolean().value(i).to_string(),
                        other => panic!("unexpected column type {other}"),
                    })
                })
                .collect();
            rows.push(row);
        }
    }
    (names, rows)
}

#[test]
fn parquet_export_reads_back_with_the_csv_columns_and_values() {
    let dir = Dir::new();
    dir.write(
        "a.jsonl",
        format!("{}{}{}", dated(1, 12), dated(2, 13), dated(3, 20)),
    );
    dir.ok(&["ingest", "a.jsonl"]);
    for what in ["articles", "stories", "quotes", "entities"] {
        let (headers, csv) = csv_rows(&dir.ok(&["export", what]).stdout());
        let out = dir.ok(&["export", what, "--format", "parquet"]);
        let (names, rows) = parquet_rows(out.0.stdout.clone(), &dir);
        assert_eq!(names, headers, "{what}");
        assert_eq!(rows.len(), csv.len(), "{what}");
        assert!(!rows.is_empty(), "{what}");
        // The same values as the CSV, a missing value being an empty field there.
        for (p, c) in rows.iter().zip(&csv) {
            let p: Vec<String> = p.iter().map(|v| v.clone().unwrap_or_default()).collect();
            assert_eq!(&p, c, "{what}");
        }
    }
}
