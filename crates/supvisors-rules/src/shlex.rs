//! Python's `shlex.shlex(text)` in its default non-POSIX mode, with `/.+-():` added to the word
//! characters, as Supervisor's `dict_of_key_value_pairs` uses it.
//!
//! Quirks kept on purpose: quotes stay in the token; a quote inside a word does not start a
//! quoted string; `#` drops the rest of the line but a word in progress continues on the next
//! line; any other character is a one-character token; an empty token ends the stream.

/// Splits `text` into tokens, or fails with `No closing quotation`.
pub fn tokens(text: &str) -> Result<Vec<String>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut lexer = Lexer {
        chars: &chars,
        pos: 0,
        pushback: None,
    };
    loop {
        let token = lexer.read_token()?;
        if token.is_empty() {
            return Ok(out);
        }
        out.push(token);
    }
}

struct Lexer<'a> {
    chars: &'a [char],
    pos: usize,
    pushback: Option<char>,
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_/.+-():".contains(c)
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Blank,
    Word,
    Quote(char),
}

impl Lexer<'_> {
    fn next_char(&mut self) -> Option<char> {
        if let Some(c) = self.pushback.take() {
            return Some(c);
        }
        let c = self.chars.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    /// Skips to just after the next newline (Python's `readline`).
    fn skip_line(&mut self) {
        while let Some(c) = self.next_char() {
            if c == '\n' {
                break;
            }
        }
    }

    fn read_token(&mut self) -> Result<String, String> {
        let mut state = State::Blank;
        let mut token = String::new();
        loop {
            let next = self.next_char();
            match state {
                State::Blank => match next {
                    None => return Ok(token),
                    Some(c) if is_blank(c) => {
                        if !token.is_empty() {
                            return Ok(token);
                        }
                    }
                    Some('#') => self.skip_line(),
                    Some(c) if is_word(c) => {
                        token.push(c);
                        state = State::Word;
                    }
                    Some(c) if c == '\'' || c == '"' => {
                        token.push(c);
                        state = State::Quote(c);
                    }
                    Some(c) => {
                        token.push(c);
                        return Ok(token);
                    }
                },
                State::Quote(q) => match next {
                    None => return Err("No closing quotation".into()),
                    Some(c) => {
                        token.push(c);
                        if c == q {
                            return Ok(token);
                        }
                    }
                },
                State::Word => match next {
                    None => return Ok(token),
                    Some(c) if is_blank(c) => return Ok(token),
                    Some('#') => self.skip_line(),
                    Some(c) if is_word(c) || c == '\'' || c == '"' => token.push(c),
                    Some(c) => {
                        self.pushback = Some(c);
                        return Ok(token);
                    }
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        tokens(s).unwrap_or_else(|e| vec![format!("ERR {e}")])
    }

    #[test]
    fn tokens_match_python_shlex() {
        assert_eq!(
            toks("A=1,B=\"v, 2\",C='x'"),
            [
                "A", "=", "1", ",", "B", "=", "\"v, 2\"", ",", "C", "=", "'x'"
            ]
        );
        assert_eq!(toks("A=1;B=2"), ["A", "=", "1", ";", "B", "=", "2"]);
        assert_eq!(toks("A=a#c\nB=2"), ["A", "=", "aB", "=", "2"]);
        assert_eq!(toks("A=é"), ["A", "=", "é"]);
        assert_eq!(toks("A=b c,D=1"), ["A", "=", "b", "c", ",", "D", "=", "1"]);
        assert_eq!(toks("A==x"), ["A", "=", "=", "x"]);
        assert_eq!(toks("p=/a/b:c(d).e+f-g"), ["p", "=", "/a/b:c(d).e+f-g"]);
        assert_eq!(toks("a\"b c\""), ["a\"b", "c\""]);
    }

    #[test]
    fn unterminated_quote_fails() {
        assert_eq!(tokens("A=\"x"), Err("No closing quotation".to_string()));
    }
}
