//! `robots.txt` (RFC 9309): which paths of a site a crawler named by its user agent may fetch,
//! and the site's `Crawl-delay` for it.
//!
//! The group whose `User-agent` is the longest one contained in our product token (the user
//! agent up to its first `/`, compared without case) applies, else the `*` group; groups that
//! name the same agent are merged. Within it the longest matching `Allow`/`Disallow` pattern
//! wins, `Allow` on a tie; `*` matches any run of characters and a final `$` anchors the end.
//! When there is no file the caller decides (RFC 9309: a 4xx means no rules, a 5xx or a network
//! failure means nothing may be fetched until the file can be read). Parsing is linear in the
//! file (at most [`MAX_BYTES`] of it is read) and never fails: lines it does not understand are
//! skipped, as crawlers do.

use std::time::Duration;

/// The part of a `robots.txt` that is read (RFC 9309 asks for at least 500 KiB).
pub const MAX_BYTES: usize = 512 * 1024;

/// The rules of one site for one user agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Robots {
    /// `(allow, pattern)`, in file order.
    rules: Vec<(bool, String)>,
    crawl_delay: Option<Duration>,
}

impl Robots {
    /// No rules: everything may be fetched.
    pub fn allow_all() -> Robots {
        Robots {
            rules: Vec::new(),
            crawl_delay: None,
        }
    }

    /// The rules for `user_agent` in a `robots.txt` body.
    pub fn parse(body: &[u8], user_agent: &str) -> Robots {
        let body = &body[..body.len().min(MAX_BYTES)];
        let text = String::from_utf8_lossy(body);
        let token = product_token(user_agent);
        // The best agent match so far: its length, 0 for `*`.
        let mut best: Option<usize> = None;
        let mut chosen = Robots::allow_all();
        // The group being read: the match length of its agents, if any matches us.
        let mut group: Option<Option<usize>> = None;
        let mut in_agents = false;
        let mut current = Robots::allow_all();
        let mut finish = |group: Option<Option<usize>>, current: &mut Robots| {
            let taken = std::mem::replace(current, Robots::allow_all());
            let Some(Some(score)) = group else { return };
            match best {
                Some(b) if b > score => {}
                Some(b) if b == score => {
                    chosen.rules.extend(taken.rules);
                    chosen.crawl_delay = chosen.crawl_delay.or(taken.crawl_delay);
                }
                _ => {
                    best = Some(score);
                    chosen = taken;
                }
            }
        };
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            match key.as_str() {
                "user-agent" => {
                    if !in_agents {
                        finish(group.take(), &mut current);
                        group = Some(None);
                        in_agents = true;
                    }
                    let agent = value.to_ascii_lowercase();
                    let score = if agent == "*" {
                        Some(0)
                    } else if !agent.is_empty() && token.contains(&agent) {
                        Some(agent.len())
                    } else {
                        None
                    };
                    group = Some(match (group.flatten(), score) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        (a, b) => a.or(b),
                    });
                }
                "allow" | "disallow" => {
                    in_agents = false;
                    // An empty `Disallow:` allows everything; it adds no rule.
                    if group.is_some() && !value.is_empty() {
                        current.rules.push((key == "allow", value.to_owned()));
                    }
                }
                "crawl-delay" => {
                    in_agents = false;
                    if group.is_some()
                        && let Ok(secs) = value.parse::<f64>()
                    {
                        current.crawl_delay = Duration::try_from_secs_f64(secs).ok();
                    }
                }
                // Sitemap and anything else: outside any group.
                _ => {}
            }
        }
        finish(group, &mut current);
        chosen
    }

    /// Whether `path` (a URL's path with its query) may be fetched; the rule that forbids it
    /// otherwise (`robots.txt has Disallow: /private`).
    pub fn check(&self, path: &str) -> Result<(), String> {
        let path = if path.is_empty() { "/" } else { path };
        let mut best: Option<(usize, bool, &str)> = None;
        for (allow, pattern) in &self.rules {
            if !matches(pattern, path) {
                continue;
            }
            let len = pattern.len();
            let better = match best {
                None => true,
                Some((l, a, _)) => len > l || (len == l && *allow && !a),
            };
            if better {
                best = Some((len, *allow, pattern));
            }
        }
        match best {
            Some((_, false, pattern)) => Err(format!("robots.txt has Disallow: {pattern}")),
            _ => Ok(()),
        }
    }

    /// The `Crawl-delay` of the group that applies.
    pub fn crawl_delay(&self) -> Option<Duration> {
        self.crawl_delay
    }
}

/// `Parallax/0.1 (+contact)` → `parallax`.
fn product_token(user_agent: &str) -> String {
    user_agent
        .split(['/', ' '])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Whether `pattern` (with `*` and a final `$`) matches the start of `path`. Greedy-free: a
/// two-pointer walk with one backtrack point, linear in practice and never recursive.
fn matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let p = pattern.as_bytes();
    let s = path.as_bytes();
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if i == p.len() {
            if !anchored || j == s.len() {
                return true;
            }
        } else if p[i] == b'*' {
            star = Some((i, j));
            i += 1;
            continue;
        } else if j < s.len() && p[i] == s[j] {
            i += 1;
            j += 1;
            continue;
        }
        // Mismatch (or an anchored end not reached): let the last `*` take one more byte.
        match star {
            Some((si, sj)) if sj < s.len() => {
                star = Some((si, sj + 1));
                i = si + 1;
                j = sj + 1;
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(robots: &str, path: &str, allowed: bool) {
        let r = Robots::parse(robots.as_bytes(), "Parallax/0.1");
        assert_eq!(r.check(path).is_ok(), allowed, "{path} in\n{robots}");
    }

    const SITE: &str = "User-agent: *\nDisallow: /private\nAllow: /private/open\n\
        Disallow: /*.pdf$\nCrawl-delay: 2\n\nUser-agent: OtherBot\nDisallow: /\n";

    #[test]
    fn star_group_applies_to_us() {
        check(SITE, "/news/1", true);
        check(SITE, "/private/x", false);
        check(SITE, "/private/open/y", true);
        check(SITE, "/files/a.pdf", false);
        check(SITE, "/files/a.pdf?x=1", true);
        check(SITE, "", true);
        let r = Robots::parse(SITE.as_bytes(), "Parallax/0.1");
        assert_eq!(r.crawl_delay(), Some(Duration::from_secs(2)));
    }

    #[test]
    fn our_own_group_wins_over_star() {
        let robots = "User-agent: *\nDisallow: /\n\nUser-agent: parallax\nUser-agent: other\n\
            Disallow: /drafts\n";
        check(robots, "/news", true);
        check(robots, "/drafts/1", false);
        // Another agent's group never applies.
        check("User-agent: OtherBot\nDisallow: /\n", "/news", true);
        // An empty Disallow allows everything.
        check("User-agent: *\nDisallow:\n", "/news", true);
    }

    #[test]
    fn longest_match_wins_and_allow_wins_ties() {
        check("User-agent: *\nDisallow: /a\nAllow: /a\n", "/a/b", true);
        check(
            "User-agent: *\nAllow: /a\nDisallow: /a/b\n",
            "/a/b/c",
            false,
        );
        check(
            "User-agent: *\nDisallow: /*/secret\n",
            "/x/y/secret/1",
            false,
        );
    }

    #[test]
    fn garbage_never_panics() {
        for body in [
            &b"\xff\xfe\x00junk:::\n"[..],
            b"Disallow: /before-any-group\n",
            b"User-agent: *\nCrawl-delay: -3\nCrawl-delay: nan\nDisallow: ****$$\n",
            b"User-agent: *\nDisallow: *\n",
        ] {
            let r = Robots::parse(body, "Parallax/0.1");
            let _ = r.check("/x");
        }
        check("Disallow: /before-any-group\n", "/before-any-group", true);
        check("User-agent: *\nDisallow: *\n", "/anything", false);
        assert!(matches("/a*b$", "/axxb"));
        assert!(!matches("/a*b$", "/axxbc"));
        assert!(matches("*", ""));
    }

    #[test]
    fn damaged_files_never_panic() {
        let sample = SITE.as_bytes();
        for at in 0..sample.len() {
            for b in [b'*', b'$', b':', b'#', b'\n', 0xc3] {
                let mut damaged = sample.to_vec();
                damaged[at] = b;
                let r = Robots::parse(&damaged, "Parallax/0.1");
                for path in ["/", "/private/open/x", "/a.pdf", "/ü$*"] {
                    let _ = r.check(path);
                }
            }
        }
    }
}
