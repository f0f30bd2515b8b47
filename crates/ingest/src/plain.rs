//! Plain-text articles, as wire services and copy desks write them: an optional headline line,
//! an optional `By ...` line, then the body, whose dateline opening [`crate::Draft::finish`]
//! reads. The body is kept as written; only the headline and byline lines are taken off.

use crate::{Draft, ReadError, decode};

/// Reads one plain-text article from `bytes`; `location` names it in messages.
pub(crate) fn read(location: &str, bytes: &[u8]) -> Result<Draft, ReadError> {
    let (text, warning) = decode::decode(bytes, None);
    let mut draft = Draft {
        warnings: warning.into_iter().collect(),
        ..Draft::default()
    };
    let text = text.trim_start_matches('\u{feff}');
    let mut rest = text.trim_start();
    if rest.is_empty() {
        return Err(ReadError::BadInput {
            location: location.to_owned(),
            message: "no article text found (the file holds only whitespace)".into(),
        });
    }
    if let Some((first, after)) = first_paragraph(rest)
        && !after.trim().is_empty()
        && looks_like_headline(first)
    {
        draft.title = Some(first.trim().to_owned());
        rest = after.trim_start();
    }
    if let Some((first, after)) = first_paragraph(rest)
        && let Some(authors) = byline(first)
        && !after.trim().is_empty()
    {
        draft.authors = authors;
        rest = after.trim_start();
    }
    draft.body = rest.to_owned();
    Ok(draft)
}

/// The first paragraph of `text` when it is a single line, and the text after it.
fn first_paragraph(text: &str) -> Option<(&str, &str)> {
    let end = text.find('\n').unwrap_or(text.len());
    let (line, after) = text.split_at(end);
    // The line must stand alone: followed by a blank line or the end.
    let next = after.strip_prefix('\n').unwrap_or(after);
    let next = next.strip_prefix('\r').unwrap_or(next);
    let blank_next = next.lines().next().is_none_or(|l| l.trim().is_empty());
    blank_next.then_some((line.trim_end_matches('\r'), after))
}

/// Whether a standalone first line reads as a headline rather than the body's opening.
fn looks_like_headline(line: &str) -> bool {
    text::looks_like_headline(line) && text::dateline(line).is_none()
}

/// The authors of a `By Jane Doe and John Roe` line.
fn byline(line: &str) -> Option<Vec<String>> {
    let line = line.trim();
    let names = line
        .strip_prefix("By ")
        .or_else(|| line.strip_prefix("BY "))?;
    if line.chars().count() > 120 || line.ends_with('.') && !line.ends_with(" Jr.") {
        return None;
    }
    let authors: Vec<String> = names
        .split(" and ")
        .flat_map(|s| s.split(','))
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    (!authors.is_empty() && authors.len() <= 6).then_some(authors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, title: Option<&str>, authors: &[&str], body_start: &str) {
        let draft = read("test.txt", input.as_bytes()).expect("readable");
        assert_eq!(draft.title.as_deref(), title, "title of {input:?}");
        assert_eq!(draft.authors, authors, "authors of {input:?}");
        assert!(
            draft.body.starts_with(body_start),
            "body of {input:?} is {:?}",
            draft.body
        );
    }

    #[test]
    fn wire_stories() {
        check(
            "Council approves new bridge\n\nWASHINGTON (Reuters) - The council voted.\n",
            Some("Council approves new bridge"),
            &[],
            "WASHINGTON (Reuters)",
        );
        check(
            "Council approves new bridge\n\nBy Ana Ruiz and Tom Hale\n\nLONDON — The council voted.",
            Some("Council approves new bridge"),
            &["Ana Ruiz", "Tom Hale"],
            "LONDON —",
        );
        check(
            "The council voted on Tuesday to approve the bridge.\n\nIt will open in May.",
            None,
            &[],
            "The council voted",
        );
        check(
            "A hard-wrapped first line of a paragraph\ncontinues here.\n\nMore.",
            None,
            &[],
            "A hard-wrapped",
        );
        check("Only one line here", None, &[], "Only one line here");
        check(
            "WASHINGTON (Reuters) - Short opening\n\nMore text.",
            None,
            &[],
            "WASHINGTON",
        );
    }

    #[test]
    fn whitespace_only_is_an_error() {
        let err = read("blank.txt", b" \n\t\n").unwrap_err();
        assert!(
            err.to_string().starts_with("blank.txt: no article text"),
            "{err}"
        );
    }
}
