//! The JSON API (documented in `docs/openapi.yaml`): the same content as the pages, as DTOs.
//! Briefs are served in the `brief` crate's versioned JSON shape (`docs/brief.schema.json`).

use std::collections::{HashMap, HashSet};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Serialize;

use crate::engine::{Hits, OutletStats, Snapshot, StoryEntry, StorylineEntry, outlet_name};
use crate::error::ApiError;
use crate::html::url_part;
use crate::{AppState, MAX_BODY_BYTES};

/// Longest accepted search query, in bytes.
const MAX_QUERY: usize = 500;
/// Search results returned at most.
pub(crate) const SEARCH_LIMIT: usize = 50;

/// A story in a list.
#[derive(Debug, Serialize)]
pub struct StorySummary {
    pub id: String,
    pub headline: String,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub articles: usize,
    pub outlets: Vec<String>,
    pub people: Vec<String>,
    /// The storyline (saga) it is part of: `/api/storylines/{storyline}`.
    pub storyline: String,
}

impl StorySummary {
    fn of(e: &StoryEntry) -> Self {
        StorySummary {
            id: e.id.clone(),
            headline: e.headline.clone(),
            first_seen: e.first_seen.map(|t| t.to_rfc3339()),
            last_seen: e.last_seen.map(|t| t.to_rfc3339()),
            articles: e.members.len(),
            outlets: e.outlets.clone(),
            people: e.people.clone(),
            storyline: e.storyline.clone(),
        }
    }
}

/// A storyline with its stories, oldest first.
#[derive(Debug, Serialize)]
struct StorylineSummary {
    id: String,
    headline: String,
    first_seen: Option<String>,
    last_seen: Option<String>,
    articles: usize,
    stories: Vec<StorySummary>,
}

impl StorylineSummary {
    fn of(l: &StorylineEntry, snapshot: &Snapshot) -> Self {
        StorylineSummary {
            id: l.id.clone(),
            headline: l.headline.clone(),
            first_seen: l.first_seen.map(|t| t.to_rfc3339()),
            last_seen: l.last_seen.map(|t| t.to_rfc3339()),
            articles: l.articles,
            stories: (l.stories.iter())
                .filter_map(|id| snapshot.story(id))
                .map(StorySummary::of)
                .collect(),
        }
    }
}

#[derive(Debug, Serialize)]
struct StorylineList {
    storylines: Vec<StorylineSummary>,
    total: usize,
    offset: usize,
    limit: usize,
}

/// `GET /api/storylines?limit&offset`: storylines, newest first, each with its stories.
pub async fn storylines(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    if let Some(k) = params
        .keys()
        .find(|k| !matches!(k.as_str(), "limit" | "offset"))
    {
        return Err(ApiError::bad_query(format!(
            "{k}: storylines take only limit and offset"
        )));
    }
    let (limit, offset) = paging(&params)?;
    let snapshot = state.engine().snapshot();
    let version = snapshot.version;
    let key = format!("api-storylines:{limit}:{offset}");
    if let Some(body) = state.cached(version, &key) {
        return Ok(json_bytes(body));
    }
    let all = snapshot.storylines();
    let body = serde_json::to_vec(&StorylineList {
        storylines: (all.iter().skip(offset).take(limit))
            .map(|l| StorylineSummary::of(l, &snapshot))
            .collect(),
        total: all.len(),
        offset,
        limit,
    })
    .map_err(|e| ApiError::internal(format!("serialising storylines: {e}")))?;
    let body = Bytes::from(body);
    state.cache(version, key, body.clone());
    Ok(json_bytes(body))
}

/// `GET /api/storylines/{id}`: the storyline `id` names (its own id or any of its stories').
pub async fn storyline(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let snapshot = state.engine().snapshot();
    let line = snapshot
        .storyline(&id)
        .ok_or_else(|| ApiError::not_found("storyline", &id))?;
    let body = serde_json::to_vec(&StorylineSummary::of(line, &snapshot))
        .map_err(|e| ApiError::internal(format!("serialising a storyline: {e}")))?;
    Ok(json_bytes(Bytes::from(body)))
}

#[derive(Debug, Serialize)]
struct StoryList {
    stories: Vec<StorySummary>,
    /// Stories that pass the filters on all pages.
    total: usize,
    offset: usize,
    limit: usize,
}

#[derive(Debug, Serialize)]
struct ArticleDetail {
    id: String,
    source: String,
    url: Option<String>,
    outlet: Option<String>,
    title: Option<String>,
    authors: Vec<String>,
    published: Option<String>,
    dateline: Option<String>,
    language: Option<String>,
    summary_only: bool,
    story: Option<String>,
    text: String,
    quotes: Vec<QuoteSpan>,
    names: Vec<NameSpan>,
    warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
struct QuoteSpan {
    text: String,
    start: usize,
    end: usize,
    speaker: Option<String>,
}

#[derive(Debug, Serialize)]
struct NameSpan {
    name: String,
    start: usize,
    end: usize,
}

#[derive(Debug, Serialize)]
struct SearchResults {
    query: String,
    results: Vec<ArticleSummary>,
}

/// An article in a list.
#[derive(Debug, Serialize)]
pub struct ArticleSummary {
    pub id: String,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub published: Option<String>,
    pub story: Option<String>,
}

#[derive(Debug, Serialize)]
struct OutletSummary {
    name: String,
    articles: usize,
    stories: usize,
    corroborated_facts: usize,
    uncorroborated_facts: usize,
    /// Share of the outlet's facts that another independent outlet also carries.
    corroboration_rate: Option<f64>,
}

impl OutletSummary {
    fn of(s: &OutletStats) -> Self {
        OutletSummary {
            name: s.name.clone(),
            articles: s.articles.len(),
            stories: s.stories,
            corroborated_facts: s.corroborated,
            uncorroborated_facts: s.uncorroborated,
            corroboration_rate: corroboration_rate(s),
        }
    }
}

pub(crate) fn corroboration_rate(s: &OutletStats) -> Option<f64> {
    let all = s.corroborated + s.uncorroborated;
    (all > 0).then(|| s.corroborated as f64 / all as f64)
}

#[derive(Debug, Serialize)]
struct OutletList {
    outlets: Vec<OutletSummary>,
}

#[derive(Debug, Serialize)]
struct OutletDetail {
    outlet: OutletSummary,
    articles: Vec<ArticleSummary>,
}

#[derive(Debug, Serialize)]
struct IngestResult {
    articles: Vec<IngestedArticle>,
    errors: Vec<String>,
}

#[derive(Debug, Serialize)]
struct IngestedArticle {
    id: String,
    new: bool,
    story: Option<String>,
}

/// The story list's filters, shared with the stories page.
#[derive(Debug, Default, Clone)]
pub(crate) struct Filters {
    pub q: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub outlet: Option<String>,
    /// The page: at most `limit` stories from the `offset`-th on (of those that pass).
    pub limit: usize,
    pub offset: usize,
}

/// Stories per page of the list when the request does not say.
pub(crate) const PAGE_DEFAULT: usize = 50;
/// The most stories one page gives: a page is built per request from the snapshot.
pub(crate) const PAGE_MAX: usize = 500;

/// One page of the stories that pass the filters.
pub(crate) struct Page {
    pub stories: Vec<StoryEntry>,
    /// Stories that pass the filters, on every page together.
    pub total: usize,
}

/// `limit` (1 to `PAGE_MAX`, default `PAGE_DEFAULT`) and `offset` (default 0) of a list.
fn paging(params: &HashMap<String, String>) -> Result<(usize, usize), ApiError> {
    let number = |k: &str, default: usize| {
        params
            .get(k)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map_or(Ok(default), |v| {
                v.parse::<usize>().map_err(|_| {
                    ApiError::bad_query(format!("{k}: expected a whole number, got {v:?}"))
                })
            })
    };
    let limit = number("limit", PAGE_DEFAULT)?;
    if !(1..=PAGE_MAX).contains(&limit) {
        return Err(ApiError::bad_query(format!(
            "limit: expected 1 to {PAGE_MAX}, got {limit}"
        )));
    }
    Ok((limit, number("offset", 0)?))
}

impl Filters {
    pub fn parse(params: &HashMap<String, String>) -> Result<Filters, ApiError> {
        let non_empty = |k: &str| params.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
        let date = |k: &str| {
            non_empty(k)
                .map(|v| {
                    NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
                        ApiError::bad_query(format!(
                            "{k}: expected a date like 2026-01-31, got {v:?}"
                        ))
                    })
                })
                .transpose()
        };
        let q = non_empty("q").map(str::to_owned);
        if let Some(q) = &q {
            check_query(q)?;
        }
        let (limit, offset) = paging(params)?;
        let filters = Filters {
            q,
            from: date("from")?,
            to: date("to")?,
            outlet: non_empty("outlet").map(str::to_owned),
            limit,
            offset,
        };
        if let (Some(f), Some(t)) = (filters.from, filters.to)
            && f > t
        {
            return Err(ApiError::bad_query(format!("from ({f}) is after to ({t})")));
        }
        Ok(filters)
    }

    /// What identifies the filters and page apart from the search words, for caching.
    pub fn key(&self) -> String {
        format!(
            "{:?}|{:?}|{:?}|{}|{}",
            self.from, self.to, self.outlet, self.limit, self.offset
        )
    }

    fn matches(&self, e: &StoryEntry, hits: Option<&HashSet<String>>) -> bool {
        if let Some(o) = &self.outlet
            && !e.outlets.iter().any(|x| x == o)
        {
            return false;
        }
        if let Some(from) = self.from
            && e.last_seen.is_none_or(|t| t.date_naive() < from)
        {
            return false;
        }
        if let Some(to) = self.to
            && e.first_seen.is_none_or(|t| t.date_naive() > to)
        {
            return false;
        }
        hits.is_none_or(|h| e.members.iter().any(|m| h.contains(m)))
    }

    /// The page of stories that pass, newest first, and the search hits when there is a query.
    /// Only the page's stories are copied out of the snapshot.
    pub fn apply(
        &self,
        state: &AppState,
        snapshot: &Snapshot,
    ) -> Result<(Page, Option<Hits>), ApiError> {
        let hits = match &self.q {
            Some(q) => Some(state.engine().search(q, SEARCH_LIMIT)?),
            None => None,
        };
        let ids: Option<HashSet<String>> = hits
            .as_ref()
            .map(|h| h.iter().map(|a| a.id.clone()).collect());
        let mut total = 0;
        let mut stories = Vec::new();
        for e in snapshot.stories() {
            if self.matches(e, ids.as_ref()) {
                if total >= self.offset && stories.len() < self.limit {
                    stories.push(e.clone());
                }
                total += 1;
            }
        }
        Ok((Page { stories, total }, hits))
    }
}

fn check_query(q: &str) -> Result<(), ApiError> {
    if q.len() > MAX_QUERY {
        return Err(ApiError::bad_query(format!(
            "query longer than {MAX_QUERY} bytes"
        )));
    }
    Ok(())
}

pub(crate) fn article_summary(snapshot: &Snapshot, a: &store::ArticleSummary) -> ArticleSummary {
    ArticleSummary {
        id: a.id.clone(),
        title: a.title.clone(),
        outlet: a.outlet.clone(),
        published: a.published.map(|t| t.to_rfc3339()),
        story: snapshot.story_of(&a.id).map(|s| s.id.clone()),
    }
}

pub async fn stories(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let filters = Filters::parse(&params)?;
    let (offset, limit) = (filters.offset, filters.limit);
    // Without a search the list is a function of the snapshot: built once per snapshot.
    let snapshot = state.engine().snapshot();
    let version = snapshot.version;
    let key = filters
        .q
        .is_none()
        .then(|| format!("api-index:{}", filters.key()));
    if let Some(body) = key.as_ref().and_then(|k| state.cached(version, k)) {
        return Ok(json_bytes(body));
    }
    let page = state
        .blocking(move |s| filters.apply(s, &snapshot).map(|(page, _)| page))
        .await??;
    let body = serde_json::to_vec(&StoryList {
        stories: page.stories.iter().map(StorySummary::of).collect(),
        total: page.total,
        offset,
        limit,
    })
    .map_err(|e| ApiError::internal(format!("serialising stories: {e}")))?;
    let body = Bytes::from(body);
    if let Some(key) = key {
        state.cache(version, key, body.clone());
    }
    Ok(json_bytes(body))
}

pub async fn story(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let snapshot = state.engine().snapshot();
    if let Some(to) = snapshot.moved_to(&id) {
        return Ok(Redirect::permanent(&format!("/api/stories/{}", url_part(to))).into_response());
    }
    let entry = snapshot
        .story(&id)
        .ok_or_else(|| ApiError::not_found("story", &id))?
        .clone();
    let version = snapshot.version;
    let key = format!("api:{id}");
    if let Some(body) = state.cached(version, &key) {
        return Ok(json_bytes(body));
    }
    let brief = state
        .blocking(move |s| snapshot.brief(&id, s.brief_config()))
        .await?
        .ok_or_else(|| ApiError::internal("story vanished while its brief was computed"))?
        .map_err(|fault| ApiError::internal(fault.to_string()))?;
    #[derive(Serialize)]
    struct Detail<'a> {
        story: StorySummary,
        brief: &'a brief::StoryBrief,
    }
    let body = serde_json::to_vec(&Detail {
        story: StorySummary::of(&entry),
        brief: &brief,
    })
    .map_err(|e| ApiError::internal(format!("serialising a brief: {e}")))?;
    let body = Bytes::from(body);
    state.cache(version, key, body.clone());
    Ok(json_bytes(body))
}

fn json_bytes(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

pub async fn article(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let snapshot = state.engine().snapshot();
    let a = snapshot
        .article(&id)
        .ok_or_else(|| ApiError::not_found("article", &id))?;
    let extracted = snapshot.extracted(&id).cloned().unwrap_or_default();
    let detail = ArticleDetail {
        id: a.id.clone(),
        source: match a.source.record {
            Some(r) => format!("{}#{r}", a.source.path),
            None => a.source.path.clone(),
        },
        url: a.url.clone(),
        outlet: a.outlet.clone(),
        title: a.title.clone(),
        authors: a.authors.clone(),
        published: a.published.map(|t| t.to_rfc3339()),
        dateline: a.dateline.clone(),
        language: a.language.clone(),
        summary_only: a.summary_only,
        story: snapshot.story_of(&id).map(|s| s.id.clone()),
        text: a.text.clone(),
        // One span per part: a quotation split around its attribution has several.
        quotes: extracted
            .quotes
            .iter()
            .flat_map(|q| {
                q.parts().map(|(span, _)| QuoteSpan {
                    text: a.text[span.clone()].to_owned(),
                    start: span.start,
                    end: span.end,
                    speaker: q.speaker.as_ref().and_then(|s| s.name.clone()),
                })
            })
            .collect(),
        names: extracted
            .names
            .iter()
            .map(|n| NameSpan {
                name: n.name.clone(),
                start: n.span.start,
                end: n.span.end,
            })
            .collect(),
        warnings: a.warnings.clone(),
    };
    Ok(Json(detail).into_response())
}

pub async fn search(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let q = params
        .get("q")
        .map(|q| q.trim().to_owned())
        .filter(|q| !q.is_empty())
        .ok_or_else(|| ApiError::bad_query("missing query: give ?q=words"))?;
    check_query(&q)?;
    let limit = match params.get("limit") {
        None => SEARCH_LIMIT,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=200).contains(n))
            .ok_or_else(|| ApiError::bad_query(format!("limit: expected 1 to 200, got {l:?}")))?,
    };
    let query = q.clone();
    let hits = state
        .blocking(move |s| s.engine().search(&query, limit))
        .await??;
    let snapshot = state.engine().snapshot();
    Ok(Json(SearchResults {
        query: q,
        results: hits.iter().map(|a| article_summary(&snapshot, a)).collect(),
    })
    .into_response())
}

pub async fn outlets(State(state): State<AppState>) -> Result<Response, ApiError> {
    let list = state
        .blocking(|s| s.engine().snapshot().outlets(s.brief_config()))
        .await?;
    Ok(Json(OutletList {
        outlets: list.iter().map(OutletSummary::of).collect(),
    })
    .into_response())
}

pub async fn outlet(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    let wanted = name.clone();
    let (snapshot, stats) = state
        .blocking(move |s| {
            let snapshot = s.engine().snapshot();
            let stats = snapshot.outlet(&wanted, s.brief_config());
            (snapshot, stats)
        })
        .await?;
    let stats = stats.ok_or_else(|| ApiError::not_found("outlet", &name))?;
    let articles = stats
        .articles
        .iter()
        .filter_map(|id| snapshot.article(id))
        .map(|a| ArticleSummary {
            id: a.id.clone(),
            title: a.title.clone(),
            outlet: Some(outlet_name(a)),
            published: a.published.map(|t| t.to_rfc3339()),
            story: snapshot.story_of(&a.id).map(|s| s.id.clone()),
        })
        .collect();
    Ok(Json(OutletDetail {
        outlet: OutletSummary::of(&stats),
        articles,
    })
    .into_response())
}

/// `POST /api/articles`: a JSON record (or JSON lines), or an HTML page, stored and clustered.
pub async fn ingest(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    authorize(state.token(), &headers)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let name = match content_type.as_str() {
        "application/json" => "request.json",
        "application/x-ndjson" | "application/jsonl" | "application/jsonlines" => "request.jsonl",
        "text/html" | "application/xhtml+xml" => "request.html",
        other => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                format!(
                    "content type {other:?} not accepted: send application/json, \
                     application/x-ndjson or text/html"
                ),
            ));
        }
    };
    if body.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_article",
            "empty request body",
        ));
    }
    debug_assert!(body.len() <= MAX_BODY_BYTES);
    let (outcome, errors) = state
        .blocking(move |s| {
            let mut articles = Vec::new();
            let mut errors = Vec::new();
            for r in ingest::read_bytes(name, &body) {
                match r {
                    Ok(a) => articles.push(a),
                    Err(e) => errors.push(e.to_string()),
                }
            }
            if articles.is_empty() {
                return Ok((None, errors));
            }
            s.engine().ingest(articles).map(|i| (Some(i), errors))
        })
        .await??;
    let Some(outcome) = outcome else {
        let message = if errors.is_empty() {
            "no article found in the request body".to_owned()
        } else {
            errors.join("; ")
        };
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_article",
            message,
        ));
    };
    let snapshot = state.engine().snapshot();
    let any_new = outcome.articles.iter().any(|(_, new)| *new);
    let result = IngestResult {
        articles: outcome
            .articles
            .into_iter()
            .map(|(id, new)| IngestedArticle {
                story: snapshot.story_of(&id).map(|s| s.id.clone()),
                id,
                new,
            })
            .collect(),
        errors,
    };
    let status = if any_new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(result)).into_response())
}

/// Ingest needs a configured token, given as `Authorization: Bearer <token>`.
fn authorize(token: Option<&str>, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(token) = token else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "ingest_disabled",
            "ingest is disabled: start the server with --ingest-token or PARALLAX_TOKEN",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "missing_token",
            "ingest needs an Authorization: Bearer <token> header",
        )),
        Some(g) if constant_time_eq(g.as_bytes(), token.as_bytes()) => Ok(()),
        Some(_) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "bad_token",
            "the bearer token is not the one the server was started with",
        )),
    }
}

/// Compares without stopping at the first difference, so timing does not leak the token.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for (i, x) in a.iter().enumerate() {
        diff |= usize::from(x ^ b.get(i % b.len().max(1)).copied().unwrap_or(0));
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"a"));
        assert!(constant_time_eq(b"", b""));
    }
}

/// One followed feed, as `GET /api/sources` lists it.
#[derive(Debug, Serialize)]
struct Source {
    url: String,
    title: Option<String>,
    /// RFC 3339, UTC; null when never polled.
    last_fetch: Option<String>,
    /// `200`, `304`, another HTTP status, `error` (no response) or `robots` (not allowed).
    last_status: Option<String>,
    last_error: Option<String>,
    failures: u32,
    /// RFC 3339, UTC.
    next_poll: Option<String>,
    items_seen: u64,
    articles_new: u64,
}

#[derive(Debug, Serialize)]
struct SourceList {
    sources: Vec<Source>,
}

pub async fn sources(State(state): State<AppState>) -> Result<Response, ApiError> {
    let feeds = state.blocking(|s| s.engine().feeds()).await??;
    let rfc3339 =
        |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let sources = feeds
        .into_iter()
        .map(|f| Source {
            last_fetch: f.last_fetch.map(rfc3339),
            next_poll: chrono::DateTime::from_timestamp(f.next_poll, 0).map(rfc3339),
            url: f.url,
            title: f.title,
            last_status: f.last_status,
            last_error: f.last_error,
            failures: f.failures,
            items_seen: f.items_seen,
            articles_new: f.articles_new,
        })
        .collect();
    Ok(Json(SourceList { sources }).into_response())
}
