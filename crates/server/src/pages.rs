//! The web app's pages, rendered on the server: stories (with search and filters), one story's
//! brief, one article, outlets. Plain HTML and the one style sheet; no scripts.
//!
//! **Invariant:** article content reaches the page only through `html::esc` (directly or via
//! `html::highlighted_text` / `html::word_diff`), and links to the outside only through
//! `html::safe_url`.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, FixedOffset};

use crate::AppState;
use crate::api::{Filters, corroboration_rate};
use crate::engine::{Snapshot, StoryEntry, by_storyline, outlet_name};
use crate::error::{ApiError, PageError};
use crate::html::{self, Highlight, esc, url_part};

type PageResult = Result<Response, PageError>;

pub async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        html::CSS,
    )
        .into_response()
}

fn day(t: &DateTime<FixedOffset>) -> String {
    t.format("%-d %b %Y").to_string()
}

fn span_text(first: Option<DateTime<FixedOffset>>, last: Option<DateTime<FixedOffset>>) -> String {
    match (first, last) {
        (Some(a), Some(b)) if a.date_naive() == b.date_naive() => day(&a),
        (Some(a), Some(b)) => format!("{} – {}", day(&a), day(&b)),
        _ => "undated".to_owned(),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn article_title(snapshot: &Snapshot, id: &str) -> String {
    snapshot
        .article(id)
        .and_then(|a| a.title.clone())
        .unwrap_or_else(|| "Untitled article".to_owned())
}

fn outlet_of(snapshot: &Snapshot, id: &str) -> String {
    snapshot
        .article(id)
        .map(|a| outlet_name(a))
        .unwrap_or_else(|| "?".to_owned())
}

/// A link to an article with a byte range to highlight, as a citation chip.
fn chip(snapshot: &Snapshot, article: &str, start: usize, end: usize) -> String {
    format!(
        "<a class=\"chip\" href=\"/articles/{id}?cite={start}-{end}#s-{start}-{end}\" \
         title=\"{title}\">{outlet}</a>",
        id = url_part(article),
        title = esc(&article_title(snapshot, article)),
        outlet = esc(&outlet_of(snapshot, article)),
    )
}

fn story_item(out: &mut String, e: &StoryEntry, snapshot: &Snapshot) {
    let _ = write!(
        out,
        "<li><a class=\"headline\" href=\"/stories/{}\">{}</a><div class=\"meta\">{} · {} · {}</div>",
        url_part(&e.id),
        esc(&e.headline),
        esc(&span_text(e.first_seen, e.last_seen)),
        plural(e.members.len(), "article", "articles"),
        plural(e.outlets.len(), "outlet", "outlets"),
    );
    if !e.people.is_empty() {
        out.push_str("<div class=\"tags\">");
        for p in &e.people {
            let _ = write!(out, "<span class=\"tag\">{}</span>", esc(p));
        }
        out.push_str("</div>");
    }
    // An event of a longer saga says so, and where the saga's timeline is.
    if let Some(line) = snapshot.storyline(&e.id).filter(|l| l.stories.len() > 1) {
        let place = line
            .stories
            .iter()
            .position(|s| *s == e.id)
            .map_or(0, |i| i + 1);
        let _ = write!(
            out,
            "<div class=\"meta\">event {place} of {} in <a href=\"/stories/{}#storyline\">a storyline</a></div>",
            line.stories.len(),
            url_part(&e.id),
        );
    }
    out.push_str("</li>");
}

pub async fn stories(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> PageResult {
    let filters = Filters::parse(&params)?;
    // `group=storyline` shows the page's stories under the storylines they are events of.
    let group = match params.get("group").map(|g| g.trim()) {
        None | Some("") => false,
        Some("storyline") => true,
        Some(other) => {
            return Err(PageError::from(ApiError::bad_query(format!(
                "group: expected storyline, got {other:?}"
            ))));
        }
    };
    // Without a search the list is a function of the snapshot: built once per snapshot.
    let snapshot = state.engine().snapshot();
    let key = filters
        .q
        .is_none()
        .then(|| format!("index:{}:{group}", filters.key()));
    if let Some(body) = key.as_ref().and_then(|k| state.cached(snapshot.version, k)) {
        return Ok(html_bytes(body));
    }
    let f = filters.clone();
    let (snapshot, (page, hits)) = state
        .blocking(move |s| {
            let r = f.apply(s, &snapshot);
            r.map(|r| (snapshot, r))
        })
        .await??;

    let outlets = snapshot.outlet_names();

    let mut b = String::new();
    b.push_str("<h1>Stories</h1>");
    b.push_str("<form class=\"search\" method=\"get\" action=\"/\" role=\"search\">");
    let _ = write!(
        b,
        "<label class=\"q\">Search articles<input type=\"search\" name=\"q\" value=\"{}\" \
         placeholder=\"words in any article\"></label>",
        esc(filters.q.as_deref().unwrap_or(""))
    );
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let _ = write!(
        b,
        "<label>From<input type=\"date\" name=\"from\" value=\"{}\"></label>\
         <label>To<input type=\"date\" name=\"to\" value=\"{}\"></label>",
        date(filters.from),
        date(filters.to)
    );
    b.push_str("<label>Outlet<select name=\"outlet\"><option value=\"\">All outlets</option>");
    for o in outlets {
        let selected = if filters.outlet.as_deref() == Some(o.as_str()) {
            " selected"
        } else {
            ""
        };
        let _ = write!(b, "<option{selected} value=\"{0}\">{0}</option>", esc(o));
    }
    b.push_str("</select></label>");
    let _ = write!(
        b,
        "<label>Group<select name=\"group\"><option value=\"\">No grouping</option>\
         <option value=\"storyline\"{}>By storyline</option></select></label>",
        if group { " selected" } else { "" }
    );
    b.push_str("<button type=\"submit\">Search</button></form>");

    if let Some(hits) = &hits {
        let _ = write!(
            b,
            "<h2 id=\"results\">Articles matching “{}”</h2>",
            esc(filters.q.as_deref().unwrap_or(""))
        );
        if hits.is_empty() {
            b.push_str("<p class=\"muted\">No article matches every word.</p>");
        } else {
            b.push_str("<ul class=\"plain results\">");
            for a in hits.iter() {
                let _ = write!(
                    b,
                    "<li class=\"result\"><a href=\"/articles/{}\">{}</a> <span class=\"meta\">{}{}</span></li>",
                    url_part(&a.id),
                    esc(a.title.as_deref().unwrap_or("Untitled article")),
                    esc(a.outlet.as_deref().unwrap_or("Unknown outlet")),
                    a.published
                        .map(|t| format!(" · {}", day(&t)))
                        .unwrap_or_default()
                );
            }
            b.push_str("</ul>");
        }
    }

    let list = &page.stories;
    let shown = if page.total > list.len() {
        format!(
            "{}–{} of {}",
            filters.offset + 1,
            filters.offset + list.len(),
            plural(page.total, "story", "stories")
        )
    } else {
        plural(page.total, "story", "stories")
    };
    let _ = write!(
        b,
        "<h2>{shown} <span class=\"muted\">newest first · {} stored</span></h2>",
        plural(snapshot.article_count(), "article", "articles")
    );
    if list.is_empty() {
        b.push_str(
            "<p class=\"notice\">No stories here. Ingest articles with <code>parallax ingest \
             PATH</code> or <code>POST /api/articles</code>, or loosen the filters.</p>",
        );
    }
    if group {
        storyline_groups(&mut b, list, &snapshot);
    } else {
        b.push_str("<ol class=\"stories\">");
        for e in list {
            story_item(&mut b, e, &snapshot);
        }
        b.push_str("</ol>");
    }
    pager(&mut b, &filters, group, page.total);
    let body = axum::body::Bytes::from(html::page_refreshed("Stories", &b, state.refresh()));
    if let Some(key) = key {
        state.cache(snapshot.version, key, body.clone());
    }
    Ok(html_bytes(body))
}

/// Links to the previous and next page of the stories list, keeping the filters.
/// The page's stories under their storylines: the storylines in the order of their newest
/// story on the page, each with its events on the page oldest first.
fn storyline_groups(b: &mut String, list: &[StoryEntry], snapshot: &Snapshot) {
    for (line_id, events) in by_storyline(list) {
        let line = snapshot.storyline(line_id);
        let _ = write!(
            b,
            "<section class=\"storyline-group\"><h3>{}</h3><p class=\"meta\">{} · {}</p>\
             <ol class=\"stories\">",
            esc(line.map_or("Storyline", |l| l.headline.as_str())),
            plural(
                line.map_or(events.len(), |l| l.stories.len()),
                "event",
                "events"
            ),
            esc(&line.map_or_else(String::new, |l| span_text(l.first_seen, l.last_seen))),
        );
        for e in events {
            story_item(b, e, snapshot);
        }
        b.push_str("</ol></section>");
    }
}

fn pager(b: &mut String, filters: &Filters, group: bool, total: usize) {
    let (offset, limit) = (filters.offset, filters.limit);
    let prev = (offset > 0).then(|| offset.saturating_sub(limit));
    let next = (offset + limit < total).then_some(offset + limit);
    if prev.is_none() && next.is_none() {
        return;
    }
    let link = |to: usize| {
        let mut query = Vec::new();
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
        for (k, v) in [
            ("q", filters.q.clone()),
            ("from", date(filters.from)),
            ("to", date(filters.to)),
            ("outlet", filters.outlet.clone()),
        ] {
            if let Some(v) = v {
                query.push(format!("{k}={}", url_part(&v)));
            }
        }
        if group {
            query.push("group=storyline".to_owned());
        }
        if limit != crate::api::PAGE_DEFAULT {
            query.push(format!("limit={limit}"));
        }
        query.push(format!("offset={to}"));
        format!("/?{}", query.join("&amp;"))
    };
    b.push_str("<nav class=\"pager\" aria-label=\"Pages of stories\">");
    if let Some(p) = prev {
        let _ = write!(b, "<a rel=\"prev\" href=\"{}\">Newer stories</a> ", link(p));
    }
    if let Some(n) = next {
        let _ = write!(b, "<a rel=\"next\" href=\"{}\">Older stories</a>", link(n));
    }
    b.push_str("</nav>");
}

pub async fn story(State(state): State<AppState>, Path(id): Path<String>) -> PageResult {
    let snapshot = state.engine().snapshot();
    if let Some(to) = snapshot.moved_to(&id) {
        return Ok(Redirect::permanent(&format!("/stories/{}", url_part(to))).into_response());
    }
    let entry = snapshot
        .story(&id)
        .ok_or_else(|| ApiError::not_found("story", &id))?
        .clone();
    let version = snapshot.version;
    let key = format!("page:{id}");
    if let Some(body) = state.cached(version, &key) {
        return Ok(html_bytes(body));
    }
    let (snapshot, brief) = state
        .blocking(move |s| {
            let b = snapshot.brief(&id, s.brief_config());
            (snapshot, b)
        })
        .await?;
    let brief = brief
        .ok_or_else(|| ApiError::internal("story vanished while its brief was computed"))?
        .map_err(|fault| ApiError::internal(fault.to_string()))?;
    let s = &*snapshot;

    let mut b = String::with_capacity(32 * 1024);
    let _ = write!(
        b,
        "<h1>{}</h1><p class=\"meta\">{} · {} · {}</p>",
        esc(&entry.headline),
        esc(&span_text(entry.first_seen, entry.last_seen)),
        plural(entry.members.len(), "article", "articles"),
        plural(entry.outlets.len(), "outlet", "outlets"),
    );
    if !entry.people.is_empty() {
        b.push_str("<div class=\"tags\">");
        for p in &entry.people {
            let _ = write!(b, "<span class=\"tag\">{}</span>", esc(p));
        }
        b.push_str("</div>");
    }

    // The saga this event is part of: every event of its storyline in time order.
    if let Some(line) = s.storyline(&entry.id).filter(|l| l.stories.len() > 1) {
        let _ = write!(
            b,
            "<h2 id=\"storyline\">Storyline: {} events</h2><ol class=\"storyline\">",
            line.stories.len()
        );
        for id in &line.stories {
            let Some(event) = s.story(id) else { continue };
            let when = event
                .first_seen
                .map_or_else(|| "undated".to_owned(), |t| day(&t));
            if event.id == entry.id {
                let _ = write!(
                    b,
                    "<li aria-current=\"page\"><span class=\"date\">{}</span>{} (this story)</li>",
                    esc(&when),
                    esc(&event.headline)
                );
            } else {
                let _ = write!(
                    b,
                    "<li><span class=\"date\">{}</span><a href=\"/stories/{}\">{}</a> · {}</li>",
                    esc(&when),
                    url_part(&event.id),
                    esc(&event.headline),
                    plural(event.members.len(), "article", "articles")
                );
            }
        }
        b.push_str("</ol>");
    }

    // Summary: one citation chip per source of each sentence.
    b.push_str("<h2 id=\"summary\">Summary</h2><div class=\"summary\">");
    for sentence in &brief.summary {
        let _ = write!(b, "<p class=\"sentence\">{}", esc(&sentence.text));
        for c in &sentence.citations {
            b.push_str(&chip(s, &c.article, c.start, c.end));
        }
        if sentence.corroborated {
            b.push_str("<span class=\"badge\">corroborated</span>");
        }
        b.push_str("</p>");
    }
    if brief.summary.is_empty() {
        b.push_str("<p class=\"muted\">No summary: the articles have no usable sentences.</p>");
    }
    b.push_str("</div>");

    // Coverage matrix: facts × outlets.
    let outlets = &entry.outlets;
    if !brief.facts.is_empty() {
        b.push_str(
            "<h2 id=\"coverage\">Coverage</h2><p class=\"muted\">Facts carried by more than \
             one article, and which outlet carried each.</p><div class=\"scroll\"><table \
             class=\"coverage\"><thead><tr><th>Fact</th>",
        );
        for o in outlets {
            let _ = write!(b, "<th class=\"outlet\" scope=\"col\">{}</th>", esc(o));
        }
        b.push_str("</tr></thead><tbody>");
        for f in &brief.facts {
            b.push_str("<tr><td class=\"fact\">");
            b.push_str(&esc(&f.text));
            if let Some(c) = f.citations.first() {
                b.push_str(&chip(s, &c.article, c.start, c.end));
            }
            b.push_str("</td>");
            let carried: Vec<String> = f.sources.iter().map(|id| outlet_of(s, id)).collect();
            for o in outlets {
                if carried.contains(o) {
                    let _ = write!(b, "<td class=\"yes\" title=\"{}\">●</td>", esc(o));
                } else {
                    b.push_str("<td class=\"no\">·</td>");
                }
            }
            b.push_str("</tr>");
        }
        b.push_str("</tbody></table></div>");
    }

    // Quotes by speaker, with each outlet's wording and the words it differs in.
    if !brief.quotes.is_empty() {
        b.push_str("<h2 id=\"quotes\">Quotes</h2>");
        let mut by_speaker: BTreeMap<String, Vec<&brief::QuoteGroup>> = BTreeMap::new();
        for q in &brief.quotes {
            by_speaker.entry(q.speaker_label()).or_default().push(q);
        }
        for (speaker, groups) in by_speaker {
            let _ = write!(b, "<h3>{}</h3>", esc(&speaker));
            for q in groups {
                let _ = write!(
                    b,
                    "<div class=\"quote\"><p class=\"said\">“{}”</p><ul class=\"plain\">",
                    esc(&q.text)
                );
                for a in &q.appearances {
                    b.push_str("<li>");
                    b.push_str(&chip(s, &a.article, a.start, a.end));
                    if a.text.trim() != q.text.trim() {
                        let _ = write!(b, " “{}”", html::word_diff(&q.text, &a.text));
                    } else {
                        b.push_str(" <span class=\"muted\">same wording</span>");
                    }
                    b.push_str("</li>");
                }
                b.push_str("</ul></div>");
            }
        }
    }

    // Exclusive content per outlet.
    if !brief.exclusive.is_empty() {
        b.push_str(
            "<h2 id=\"exclusive\">Only here</h2><p class=\"muted\">What each outlet reported \
             that no other article of the story did.</p>",
        );
        let mut by_outlet: BTreeMap<String, Vec<&brief::Excerpt>> = BTreeMap::new();
        for e in &brief.exclusive {
            by_outlet
                .entry(outlet_of(s, &e.article))
                .or_default()
                .push(e);
        }
        for (outlet, excerpts) in by_outlet {
            let _ = write!(b, "<h3>{}</h3><ul>", esc(&outlet));
            for e in excerpts {
                let _ = write!(b, "<li>{}", esc(&e.text));
                b.push_str(&chip(s, &e.article, e.start, e.end));
                b.push_str("</li>");
            }
            b.push_str("</ul>");
        }
    }

    if !brief.timeline.is_empty() {
        b.push_str("<h2 id=\"timeline\">Timeline</h2><ol class=\"plain timeline\">");
        for t in &brief.timeline {
            let _ = write!(
                b,
                "<li><span class=\"date\">{}</span>{}",
                esc(&t.date),
                esc(&t.text)
            );
            for c in &t.citations {
                b.push_str(&chip(s, &c.article, c.start, c.end));
            }
            b.push_str("</li>");
        }
        b.push_str("</ol>");
    }

    if !brief.duplicates.is_empty() {
        b.push_str("<h2 id=\"syndicated\">Syndicated copies</h2><ul>");
        for d in &brief.duplicates {
            let _ = write!(
                b,
                "<li><a href=\"/articles/{}\">{}</a> ({}) copies <a href=\"/articles/{}\">{}</a> ({})</li>",
                url_part(&d.article),
                esc(&article_title(s, &d.article)),
                esc(&outlet_of(s, &d.article)),
                url_part(&d.original),
                esc(&article_title(s, &d.original)),
                esc(&outlet_of(s, &d.original)),
            );
        }
        b.push_str("</ul>");
    }

    b.push_str("<h2 id=\"articles\">Articles</h2><ul class=\"plain\">");
    for id in &entry.members {
        let Some(a) = s.article(id) else { continue };
        let _ = write!(
            b,
            "<li><a href=\"/articles/{}\">{}</a> <span class=\"meta\"><a href=\"/outlets/{}\">{}</a>{}</span></li>",
            url_part(id),
            esc(a.title.as_deref().unwrap_or("Untitled article")),
            url_part(&outlet_name(a)),
            esc(&outlet_name(a)),
            a.published
                .map(|t| format!(" · {}", esc(&t.format("%-d %b %Y %H:%M").to_string())))
                .unwrap_or_default()
        );
    }
    b.push_str("</ul>");
    let body = axum::body::Bytes::from(html::page(&entry.headline, &b));
    state.cache(version, key, body.clone());
    Ok(html_bytes(body))
}

fn html_bytes(body: axum::body::Bytes) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// Parses `cite=START-END`.
fn parse_cite(v: &str, text: &str) -> Result<(usize, usize), ApiError> {
    let bad = || ApiError::bad_query(format!("cite: expected START-END byte offsets, got {v:?}"));
    let (a, b) = v.split_once('-').ok_or_else(bad)?;
    let (a, b): (usize, usize) = (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
    if a >= b || b > text.len() || !text.is_char_boundary(a) || !text.is_char_boundary(b) {
        return Err(ApiError::bad_query(format!(
            "cite: {a}-{b} is not a passage of this article"
        )));
    }
    Ok((a, b))
}

pub async fn article(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> PageResult {
    let snapshot = state.engine().snapshot();
    let a = snapshot
        .article(&id)
        .ok_or_else(|| ApiError::not_found("article", &id))?;
    let cite = params
        .get("cite")
        .map(|v| parse_cite(v, &a.text))
        .transpose()?;
    let extracted = snapshot.extracted(&id).cloned().unwrap_or_default();
    let title = a
        .title
        .clone()
        .unwrap_or_else(|| "Untitled article".to_owned());

    let mut b = String::with_capacity(a.text.len() * 2 + 2048);
    let _ = write!(b, "<h1>{}</h1><dl class=\"meta\">", esc(&title));
    let outlet = outlet_name(a);
    let _ = write!(
        b,
        "<dt>Outlet</dt><dd><a href=\"/outlets/{}\">{}</a></dd>",
        url_part(&outlet),
        esc(&outlet)
    );
    if let Some(t) = a.published {
        let _ = write!(b, "<dt>Published</dt><dd>{}</dd>", esc(&t.to_rfc3339()));
    }
    if !a.authors.is_empty() {
        let _ = write!(b, "<dt>By</dt><dd>{}</dd>", esc(&a.authors.join(", ")));
    }
    if let Some(d) = &a.dateline {
        let _ = write!(b, "<dt>Dateline</dt><dd>{}</dd>", esc(d));
    }
    if let Some(u) = &a.url {
        match html::safe_url(u) {
            Some(safe) => {
                let _ = write!(
                    b,
                    "<dt>Original</dt><dd><a rel=\"noopener noreferrer nofollow\" href=\"{0}\">{0}</a></dd>",
                    esc(safe)
                );
            }
            None => {
                let _ = write!(
                    b,
                    "<dt>Original</dt><dd>{} <span class=\"muted\">(not a web address; not linked)</span></dd>",
                    esc(u)
                );
            }
        }
    }
    if let Some(story) = snapshot.story_of(&id) {
        let _ = write!(
            b,
            "<dt>Story</dt><dd><a href=\"/stories/{}\">{}</a></dd>",
            url_part(&story.id),
            esc(&story.headline)
        );
    }
    let source = match a.source.record {
        Some(r) => format!("{}#{r}", a.source.path),
        None => a.source.path.clone(),
    };
    let _ = write!(b, "<dt>Source</dt><dd>{}</dd></dl>", esc(&source));
    if a.summary_only {
        b.push_str("<p class=\"notice\">Only the feed's summary of this article is stored.</p>");
    }
    if let Some((s, e)) = cite {
        let _ = write!(
            b,
            "<p class=\"notice\">The cited passage is highlighted below. \
             <a href=\"#s-{s}-{e}\">Jump to it</a>.</p>"
        );
    }

    let mut spans: Vec<Highlight> = Vec::new();
    for (span, _) in extracted.quotes.iter().flat_map(|q| q.parts()) {
        spans.push(Highlight {
            span: span.clone(),
            class: "q",
            id: None,
        });
    }
    for n in &extracted.names {
        spans.push(Highlight {
            span: n.span.clone(),
            class: "nm",
            id: None,
        });
    }
    if let Some((s, e)) = cite {
        spans.push(Highlight {
            span: s..e,
            class: "cite",
            id: Some(format!("s-{s}-{e}")),
        });
    }
    b.push_str("<div class=\"article-text\">");
    b.push_str(&html::highlighted_text(&a.text, &spans));
    b.push_str("</div>");
    if !a.warnings.is_empty() {
        b.push_str("<h2>Reading warnings</h2><ul>");
        for w in &a.warnings {
            let _ = write!(b, "<li>{}</li>", esc(w));
        }
        b.push_str("</ul>");
    }
    Ok(Html(html::page(&title, &b)).into_response())
}

pub async fn outlets(State(state): State<AppState>) -> PageResult {
    let list = state
        .blocking(|s| s.engine().snapshot().outlets(s.brief_config()))
        .await?;
    let mut b = String::from(
        "<h1>Outlets</h1><p class=\"muted\">Corroborated: facts an outlet reported that at \
         least one other independent outlet reported too (syndicated copies do not count).</p>\
         <div class=\"scroll\"><table><thead><tr><th>Outlet</th><th>Articles</th><th>Stories</th>\
         <th>Facts corroborated</th></tr></thead><tbody>",
    );
    for o in &list {
        let rate = corroboration_rate(o)
            .map(|r| {
                format!(
                    "{:.0}% ({} of {})",
                    r * 100.0,
                    o.corroborated,
                    o.corroborated + o.uncorroborated
                )
            })
            .unwrap_or_else(|| "–".to_owned());
        let _ = write!(
            b,
            "<tr><td><a href=\"/outlets/{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            url_part(&o.name),
            esc(&o.name),
            o.articles.len(),
            o.stories,
            esc(&rate)
        );
    }
    b.push_str("</tbody></table></div>");
    Ok(Html(html::page("Outlets", &b)).into_response())
}

pub async fn outlet(State(state): State<AppState>, Path(name): Path<String>) -> PageResult {
    let wanted = name.clone();
    let (snapshot, o) = state
        .blocking(move |s| {
            let snapshot = s.engine().snapshot();
            let o = snapshot.outlet(&wanted, s.brief_config());
            (snapshot, o)
        })
        .await?;
    let o = &o.ok_or_else(|| ApiError::not_found("outlet", &name))?;
    let mut b = String::new();
    let _ = write!(b, "<h1>{}</h1>", esc(&o.name));
    let _ = write!(
        b,
        "<p>{} in {}. ",
        plural(o.articles.len(), "article", "articles"),
        plural(o.stories, "story", "stories")
    );
    match corroboration_rate(o) {
        Some(r) => {
            let _ = write!(
                b,
                "{:.0}% of its facts ({} of {}) are corroborated by another independent outlet.</p>",
                r * 100.0,
                o.corroborated,
                o.corroborated + o.uncorroborated
            );
        }
        None => b.push_str("None of its facts could be compared with another outlet yet.</p>"),
    }
    b.push_str("<h2>Articles</h2><ul class=\"plain\">");
    for id in &o.articles {
        let Some(a) = snapshot.article(id) else {
            continue;
        };
        let _ = write!(
            b,
            "<li><a href=\"/articles/{}\">{}</a> <span class=\"meta\">{}",
            url_part(id),
            esc(a.title.as_deref().unwrap_or("Untitled article")),
            a.published
                .map(|t| day(&t))
                .unwrap_or_else(|| "undated".into())
        );
        if let Some(st) = snapshot.story_of(id) {
            let _ = write!(
                b,
                " · story: <a href=\"/stories/{}\">{}</a>",
                url_part(&st.id),
                esc(&st.headline)
            );
        }
        b.push_str("</span></li>");
    }
    b.push_str("</ul>");
    Ok(Html(html::page(&o.name, &b)).into_response())
}

/// The followed feeds: last fetch, status, items, the last error and the next poll.
pub async fn sources(State(state): State<AppState>) -> PageResult {
    let feeds = state
        .blocking(|s| s.engine().feeds())
        .await?
        .map_err(ApiError::from)?;
    let mut b = String::from("<h1>Sources</h1>");
    if feeds.is_empty() {
        b.push_str(
            "<p class=\"notice\">No feeds are followed. Follow some with <code>parallax follow \
             FEEDS</code> or <code>parallax serve --follow FEEDS</code>.</p>",
        );
    } else {
        let failing = feeds.iter().filter(|f| f.last_error.is_some()).count();
        let _ = write!(
            b,
            "<p class=\"muted\">{} followed, {failing} failing.</p><div class=\"scroll\"><table>\
             <thead><tr><th>Feed</th><th>Last fetch</th><th>Status</th><th>Items seen</th>\
             <th>New articles</th><th>Next poll</th><th>Last error</th></tr></thead><tbody>",
            plural(feeds.len(), "feed", "feeds")
        );
        for f in &feeds {
            let name = f.title.as_deref().unwrap_or(&f.url);
            let link = if f.url.starts_with("http://") || f.url.starts_with("https://") {
                format!("<a href=\"{}\">{}</a>", esc(&f.url), esc(name))
            } else {
                esc(name)
            };
            let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
                t.map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                    .unwrap_or_else(|| "–".to_owned())
            };
            let _ = write!(
                b,
                "<tr><td>{link}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td>{}</td></tr>",
                esc(&when(f.last_fetch)),
                esc(f.last_status.as_deref().unwrap_or("never polled")),
                f.items_seen,
                f.articles_new,
                esc(&when(chrono::DateTime::from_timestamp(f.next_poll, 0))),
                esc(&match (&f.last_error, f.failures) {
                    (Some(e), n) if n > 1 => format!("{e} ({n} failures in a row)"),
                    (Some(e), _) => e.clone(),
                    (None, _) => String::new(),
                }),
            );
        }
        b.push_str("</tbody></table></div>");
    }
    Ok(Html(html::page_refreshed("Sources", &b, state.refresh())).into_response())
}
