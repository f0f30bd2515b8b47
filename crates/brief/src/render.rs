//! Renderers: Markdown for the terminal and one self-contained HTML page (inline CSS, no
//! scripts, no external assets). Article content is untrusted: in HTML every piece of it is
//! escaped. Renderers only format; they never change which text is cited.

use std::fmt::Write;

use crate::model::{Brief, Degree, Excerpt, StoryBrief};

/// The brief as Markdown, stories separated by a rule.
pub fn markdown(brief: &Brief) -> String {
    let mut out = String::new();
    for (k, story) in brief.stories.iter().enumerate() {
        if k > 0 {
            out.push_str("\n---\n\n");
        }
        story_markdown(story, &mut out);
    }
    out
}

fn story_markdown(story: &StoryBrief, out: &mut String) {
    let num = Numbering::new(story);
    let _ = writeln!(out, "# {}\n", one_line(&story.headline));
    let outlets = {
        let mut o: Vec<&str> = story
            .articles
            .iter()
            .filter_map(|a| a.outlet.as_deref())
            .collect();
        o.sort_unstable();
        o.dedup();
        o.len()
    };
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let _ = writeln!(
        out,
        "{}, {}. Story `{}`.\n",
        plural(story.articles.len(), "article", "articles"),
        plural(outlets, "named outlet", "named outlets"),
        story.id
    );
    if !story.summary.is_empty() {
        out.push_str("## Summary\n\n");
        for s in &story.summary {
            let mark = if s.corroborated {
                ""
            } else {
                " (single source)"
            };
            let _ = writeln!(
                out,
                "{} {}{}\n",
                one_line(&s.text),
                num.refs(&s.sources),
                mark
            );
        }
    }
    if !story.facts.is_empty() {
        out.push_str("## Facts carried by several articles\n\n");
        for f in &story.facts {
            let mark = if f.corroborated {
                match f.degree {
                    Degree::Full => format!("corroborated by {} outlets", f.independent),
                    Degree::Partial => {
                        format!(
                            "partly corroborated by {} outlets: one says more",
                            f.independent
                        )
                    }
                    Degree::Disputed => format!(
                        "disputed by {} outlets: other figures or the opposite polarity",
                        f.independent
                    ),
                }
            } else {
                "syndicated copies only".to_owned()
            };
            let _ = writeln!(
                out,
                "- {} {} ({mark})",
                one_line(&f.text),
                num.refs(&f.sources)
            );
        }
        out.push('\n');
    }
    if !story.quotes.is_empty() {
        out.push_str("## Quotes\n\n");
        for q in &story.quotes {
            let who = q.speaker_label();
            let ids: Vec<String> = q.appearances.iter().map(|e| e.article.clone()).collect();
            let _ = writeln!(
                out,
                "- **{who}**: \u{201c}{}\u{201d} {}",
                one_line(&q.text),
                num.refs(&ids)
            );
        }
        out.push('\n');
    }
    if !story.people.is_empty() {
        out.push_str("## People and names\n\n");
        for p in &story.people {
            let _ = writeln!(
                out,
                "- {} ({}) {}",
                p.name,
                mentions(p.mentions),
                num.refs(&p.articles)
            );
        }
        out.push('\n');
    }
    if !story.timeline.is_empty() {
        out.push_str("## Timeline\n\n");
        for t in &story.timeline {
            let _ = writeln!(
                out,
                "- **{}** ({}): {} {}",
                t.date,
                one_line(&t.expression),
                one_line(&t.text),
                num.refs(&t.sources)
            );
        }
        out.push('\n');
    }
    if !story.exclusive.is_empty() {
        out.push_str("## Only in one article\n\n");
        for e in &story.exclusive {
            let _ = writeln!(
                out,
                "- {} {}",
                one_line(&e.text),
                num.refs(std::slice::from_ref(&e.article))
            );
        }
        out.push('\n');
    }
    if !story.duplicates.is_empty() {
        out.push_str("## Syndicated copies\n\n");
        for d in &story.duplicates {
            let _ = writeln!(
                out,
                "- {} is a copy of {}",
                num.refs(std::slice::from_ref(&d.article)),
                num.refs(std::slice::from_ref(&d.original))
            );
        }
        out.push('\n');
    }
    out.push_str("## Sources\n\n");
    for (i, a) in story.articles.iter().enumerate() {
        let title = a.title.as_deref().unwrap_or("(untitled)");
        let outlet = a.outlet.as_deref().unwrap_or("unknown outlet");
        let date = a.published.as_deref().unwrap_or("undated");
        let _ = writeln!(
            out,
            "{}. {outlet}: {} ({date}) `{}`",
            i + 1,
            one_line(title),
            a.source
        );
    }
    for w in &story.warnings {
        let _ = writeln!(out, "\nwarning: {w}");
    }
}

/// The brief as one HTML page.
pub fn html(brief: &Brief) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Parallax brief</title>\n<style>\n\
         body{font:16px/1.5 Georgia,serif;max-width:46em;margin:2em auto;padding:0 1em;color:#222}\n\
         h1{font-size:1.6em;margin-bottom:.2em} h2{font-size:1.1em;border-bottom:1px solid #ccc}\n\
         sup a{text-decoration:none;color:#06c} .meta{color:#666;font-size:.9em}\n\
         .single{color:#a60;font-size:.8em} li{margin:.3em 0} details{margin:.2em 0 .6em 1em}\n\
         </style>\n</head>\n<body>\n",
    );
    for story in &brief.stories {
        story_html(story, &mut out);
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn story_html(story: &StoryBrief, out: &mut String) {
    let num = Numbering::new(story);
    let sid = escape(&story.id);
    let _ = writeln!(
        out,
        "<article id=\"story-{sid}\">\n<h1>{}</h1>",
        escape(&story.headline)
    );
    let _ = writeln!(
        out,
        "<p class=\"meta\">{} articles &middot; story {sid}</p>",
        story.articles.len()
    );
    if !story.summary.is_empty() {
        out.push_str("<h2>Summary</h2>\n");
        for s in &story.summary {
            let single = if s.corroborated {
                ""
            } else {
                " <span class=\"single\">single source</span>"
            };
            let _ = writeln!(
                out,
                "<p>{}{}{single}</p>\n{}",
                escape(&s.text),
                num.html_refs(&story.id, &s.sources),
                citations_html(&s.citations[1.min(s.citations.len())..], &num)
            );
        }
    }
    if !story.facts.is_empty() {
        out.push_str("<h2>Facts carried by several articles</h2>\n<ul>\n");
        for f in &story.facts {
            let _ = writeln!(
                out,
                "<li>{}{} <span class=\"meta\">{} independent{}</span></li>",
                escape(&f.text),
                num.html_refs(&story.id, &f.sources),
                f.independent,
                match f.degree {
                    Degree::Full => "",
                    Degree::Partial => ", partial",
                    Degree::Disputed => ", disputed",
                }
            );
        }
        out.push_str("</ul>\n");
    }
    if !story.quotes.is_empty() {
        out.push_str("<h2>Quotes</h2>\n<ul>\n");
        for q in &story.quotes {
            let ids: Vec<String> = q.appearances.iter().map(|e| e.article.clone()).collect();
            let _ = writeln!(
                out,
                "<li><b>{}</b>: &ldquo;{}&rdquo;{}</li>",
                escape(&q.speaker_label()),
                escape(&q.text),
                num.html_refs(&story.id, &ids)
            );
        }
        out.push_str("</ul>\n");
    }
    if !story.people.is_empty() {
        out.push_str("<h2>People and names</h2>\n<ul>\n");
        for p in &story.people {
            let _ = writeln!(
                out,
                "<li>{} <span class=\"meta\">{}</span>{}</li>",
                escape(&p.name),
                mentions(p.mentions),
                num.html_refs(&story.id, &p.articles)
            );
        }
        out.push_str("</ul>\n");
    }
    if !story.timeline.is_empty() {
        out.push_str("<h2>Timeline</h2>\n<ul>\n");
        for t in &story.timeline {
            let _ = writeln!(
                out,
                "<li><b>{}</b> <span class=\"meta\">({})</span> {}{}</li>",
                escape(&t.date),
                escape(&t.expression),
                escape(&t.text),
                num.html_refs(&story.id, &t.sources)
            );
        }
        out.push_str("</ul>\n");
    }
    if !story.exclusive.is_empty() {
        out.push_str("<h2>Only in one article</h2>\n<ul>\n");
        for e in &story.exclusive {
            let _ = writeln!(
                out,
                "<li>{}{}</li>",
                escape(&e.text),
                num.html_refs(&story.id, std::slice::from_ref(&e.article))
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("<h2>Sources</h2>\n<ol>\n");
    for a in &story.articles {
        let title = escape(a.title.as_deref().unwrap_or("(untitled)"));
        // Links only to web addresses: a `javascript:` URL from an article must not run.
        let title = match a.url.as_deref() {
            Some(u) if u.starts_with("https://") || u.starts_with("http://") => {
                format!("<a href=\"{}\">{title}</a>", escape(u))
            }
            _ => title,
        };
        let _ = writeln!(
            out,
            "<li id=\"{}-{}\">{}: {title} <span class=\"meta\">{} &middot; {}</span></li>",
            sid,
            escape(&a.id),
            escape(a.outlet.as_deref().unwrap_or("unknown outlet")),
            escape(a.published.as_deref().unwrap_or("undated")),
            escape(&a.source)
        );
    }
    out.push_str("</ol>\n</article>\n");
}

fn citations_html(citations: &[Excerpt], num: &Numbering) -> String {
    if citations.is_empty() {
        return String::new();
    }
    let mut out = String::from("<details><summary class=\"meta\">also reported as</summary><ul>");
    for c in citations {
        let _ = write!(out, "<li>[{}] {}</li>", num.of(&c.article), escape(&c.text));
    }
    out.push_str("</ul></details>");
    out
}

/// "1 mention", "3 mentions".
fn mentions(n: usize) -> String {
    if n == 1 {
        "1 mention".to_owned()
    } else {
        format!("{n} mentions")
    }
}

/// Article numbers as shown in the Sources list.
struct Numbering<'a> {
    ids: Vec<&'a str>,
}

impl<'a> Numbering<'a> {
    fn new(story: &'a StoryBrief) -> Self {
        Numbering {
            ids: story.articles.iter().map(|a| a.id.as_str()).collect(),
        }
    }

    fn of(&self, id: &str) -> String {
        match self.ids.iter().position(|&a| a == id) {
            Some(i) => (i + 1).to_string(),
            None => "?".to_owned(),
        }
    }

    /// Each article once, in first-seen order.
    fn unique(ids: &[String]) -> Vec<&String> {
        let mut out: Vec<&String> = Vec::with_capacity(ids.len());
        for id in ids {
            if !out.contains(&id) {
                out.push(id);
            }
        }
        out
    }

    fn refs(&self, ids: &[String]) -> String {
        Self::unique(ids)
            .into_iter()
            .map(|id| format!("[{}]", self.of(id)))
            .collect()
    }

    fn html_refs(&self, story: &str, ids: &[String]) -> String {
        Self::unique(ids)
            .into_iter()
            .map(|id| {
                format!(
                    "<sup><a href=\"#{}-{}\">[{}]</a></sup>",
                    escape(story),
                    escape(id),
                    self.of(id)
                )
            })
            .collect()
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Escapes text for HTML element content and double-quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
