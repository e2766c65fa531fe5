//! Python 3.11's `fnmatch` patterns as `pathlib` compiles them on POSIX: case-sensitive,
//! matched against a whole file name, `*` and `?` matching any character (dot files and
//! newlines included), `[...]` sets read exactly as `fnmatch.translate` rewrites them.
//!
//! The reference turns a pattern into a regular expression; this module parses it into
//! tokens instead and matches them with the classic two-pointer wildcard algorithm, which
//! accepts the same names (the atomic groups of `translate` only avoid backtracking).

use crate::error::BreedError;

/// A compiled name pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePattern {
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(char),
    AnyChar,
    Star,
    Set(CharSet),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum CharSet {
    /// `[]` after empty-range removal: matches nothing.
    Never,
    /// `[!]`: matches any character.
    Any,
    /// Characters and inclusive ranges, possibly negated.
    Items {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

impl CharSet {
    fn contains(&self, c: char) -> bool {
        match self {
            CharSet::Never => false,
            CharSet::Any => true,
            CharSet::Items { negated, ranges } => {
                ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
            }
        }
    }
}

impl NamePattern {
    /// Compiles one path component of a glob pattern.
    pub fn new(pattern: &str) -> Result<Self, BreedError> {
        let pat: Vec<char> = pattern.chars().collect();
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < pat.len() {
            let c = pat[i];
            i += 1;
            match c {
                '*' => {
                    if tokens.last() != Some(&Token::Star) {
                        tokens.push(Token::Star);
                    }
                }
                '?' => tokens.push(Token::AnyChar),
                '[' => match set_end(&pat, i) {
                    None => tokens.push(Token::Literal('[')),
                    Some(j) => {
                        let set = parse_set(&pat, i, j).ok_or_else(|| BreedError::Pattern {
                            pattern: pattern.to_string(),
                            reason: "bad character range in a [...] set".to_string(),
                        })?;
                        tokens.push(Token::Set(set));
                        i = j + 1;
                    }
                },
                c => tokens.push(Token::Literal(c)),
            }
        }
        Ok(NamePattern { tokens })
    }

    /// Whether the whole `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        let name: Vec<char> = name.chars().collect();
        let (mut t, mut n) = (0usize, 0usize);
        // Position after the last star and the name position it is currently matched to.
        let mut backtrack: Option<(usize, usize)> = None;
        while n < name.len() {
            match self.tokens.get(t) {
                Some(Token::Star) => {
                    backtrack = Some((t + 1, n));
                    t += 1;
                    continue;
                }
                Some(tok) if single_matches(tok, name[n]) => {
                    t += 1;
                    n += 1;
                    continue;
                }
                _ => {}
            }
            match backtrack {
                Some((bt, bn)) => {
                    t = bt;
                    n = bn + 1;
                    backtrack = Some((bt, bn + 1));
                }
                None => return false,
            }
        }
        self.tokens[t..].iter().all(|tok| *tok == Token::Star)
    }
}

fn single_matches(tok: &Token, c: char) -> bool {
    match tok {
        Token::Literal(l) => *l == c,
        Token::AnyChar => true,
        Token::Set(set) => set.contains(c),
        Token::Star => false,
    }
}

/// Index of the `]` closing a set opened just before `i`, as `translate` finds it: a `!` and
/// then a `]` right after the bracket belong to the set.
fn set_end(pat: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    if pat.get(j) == Some(&'!') {
        j += 1;
    }
    if pat.get(j) == Some(&']') {
        j += 1;
    }
    while j < pat.len() && pat[j] != ']' {
        j += 1;
    }
    (j < pat.len()).then_some(j)
}

/// The set `pat[i..j]`, following `translate`'s rewriting (hyphen chunks, removal of empty
/// ranges) and then the regular expression engine's reading of the result. `None` where
/// Python would raise (an index error or a bad range).
fn parse_set(pat: &[char], i: usize, j: usize) -> Option<CharSet> {
    let stuff: Vec<char> = pat[i..j].to_vec();
    // Each element is one char of the regex set body, `true` when it is a range hyphen.
    let mut body: Vec<(char, bool)> = Vec::new();
    if !stuff.contains(&'-') {
        body.extend(stuff.iter().map(|&c| (c, false)));
    } else {
        let mut chunks: Vec<Vec<char>> = Vec::new();
        let mut start = i;
        let mut k = if pat[i] == '!' { i + 2 } else { i + 1 };
        while let Some(pos) = (k..j).find(|&p| pat[p] == '-') {
            chunks.push(pat[start..pos].to_vec());
            start = pos + 1;
            k = pos + 3;
        }
        let last = pat[start.min(j)..j].to_vec();
        if last.is_empty() {
            chunks.last_mut()?.push('-');
        } else {
            chunks.push(last);
        }
        for k in (1..chunks.len()).rev() {
            let prev_last = *chunks[k - 1].last()?;
            let next_first = *chunks[k].first()?;
            if prev_last > next_first {
                let tail: Vec<char> = chunks[k][1..].to_vec();
                chunks[k - 1].pop();
                chunks[k - 1].extend(tail);
                chunks.remove(k);
            }
        }
        for (n, chunk) in chunks.iter().enumerate() {
            if n > 0 {
                body.push(('-', true));
            }
            body.extend(chunk.iter().map(|&c| (c, false)));
        }
    }
    if body.is_empty() {
        return Some(CharSet::Never);
    }
    if body.len() == 1 && body[0] == ('!', false) {
        return Some(CharSet::Any);
    }
    let negated = body[0] == ('!', false);
    let items = if negated { &body[1..] } else { &body[..] };
    // Literal characters are escaped by `translate`, so only range hyphens are special.
    let mut ranges = Vec::new();
    let mut p = 0;
    while p < items.len() {
        let lo = items[p].0;
        p += 1;
        if items.get(p).is_some_and(|&(_, hyphen)| hyphen) {
            p += 1;
            match items.get(p) {
                None => {
                    ranges.push((lo, lo));
                    ranges.push(('-', '-'));
                }
                Some(&(hi, _)) => {
                    p += 1;
                    if hi < lo {
                        return None;
                    }
                    ranges.push((lo, hi));
                }
            }
        } else {
            ranges.push((lo, lo));
        }
    }
    Some(CharSet::Items { negated, ranges })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, name: &str) -> bool {
        NamePattern::new(pattern)
            .expect("valid pattern")
            .matches(name)
    }

    #[test]
    fn stars_and_question_marks() {
        assert!(m("*.ini", "group.ini"));
        assert!(m("*.ini", ".ini"));
        assert!(m("*.ini", ".hidden.ini"));
        assert!(!m("*.ini", "group.ini.bak"));
        assert!(m("g*p*.ini", "group_player.ini"));
        assert!(m("?.ini", "a.ini"));
        assert!(!m("?.ini", "ab.ini"));
        assert!(m("*", ""));
        assert!(!m("a", "A"));
        assert!(m("*a*b", "xaxxbab"));
    }

    #[test]
    fn sets_as_translate_reads_them() {
        assert!(m("[gp]*.ini", "group.ini"));
        assert!(!m("[!gp]*.ini", "group.ini"));
        assert!(m("[a-c].ini", "b.ini"));
        assert!(m("[]a].ini", "].ini"));
        assert!(m("[!]a].ini", "b.ini"));
        assert!(m("[a-].ini", "-.ini"));
        assert!(m("[-a].ini", "-.ini"));
        // An empty range is removed with its ends: `[c-a]` matches nothing.
        assert!(!m("[c-a]", "b"));
        assert!(!m("[c-a]", "c"));
        // `[!]` has no closing bracket of its own: three literal characters.
        assert!(m("[!]", "[!]"));
        assert!(!m("[!]", "x"));
        // An unclosed bracket is a literal.
        assert!(m("[ab", "[ab"));
        assert!(m("a\\b", "a\\b"));
    }
}
