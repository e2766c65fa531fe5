//! HTTP Basic authentication as medusa's `auth_handler` with Supervisor's `{SHA}` passwords.

use base64::Engine as _;
use hyper::HeaderMap;
use hyper::header::{AUTHORIZATION, CONNECTION, HeaderValue, WWW_AUTHENTICATE};
use hyper::{Response, StatusCode};
use sha1::{Digest, Sha1};

use super::body::{RespBody, error_page};

/// The credentials a server checks on every request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth {
    /// Expected user name.
    pub username: String,
    /// Expected password, in clear or as `{SHA}` + lower-case hex SHA-1.
    pub password: String,
}

impl Auth {
    /// Whether the request headers carry matching Basic credentials.
    pub fn accepts(&self, headers: &HeaderMap) -> bool {
        let Some(value) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
            return false;
        };
        let Some((scheme, payload)) = value.trim().split_once(' ') else {
            return false;
        };
        if !scheme.eq_ignore_ascii_case("basic") {
            return false;
        }
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(payload.trim()) else {
            return false;
        };
        let decoded = String::from_utf8_lossy(&decoded);
        // The reference answers 500 for a payload without ':'; refusing is safer and allowed.
        let Some((user, password)) = decoded.split_once(':') else {
            return false;
        };
        user == self.username && self.password_matches(password)
    }

    fn password_matches(&self, supplied: &str) -> bool {
        if supplied == self.password {
            return true;
        }
        match self.password.strip_prefix("{SHA}") {
            Some(expected) => {
                let digest = Sha1::digest(supplied.as_bytes());
                let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
                hex == expected
            }
            None => false,
        }
    }
}

/// The 401 reply: it closes the connection, and says so.
pub fn unauthorized() -> Response<RespBody> {
    let mut response = error_page(StatusCode::UNAUTHORIZED);
    let headers = response.headers_mut();
    headers.insert(CONNECTION, HeaderValue::from_static("close"));
    headers.insert(
        WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"default\""),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(AUTHORIZATION, v);
        }
        h
    }

    fn basic(user_pass: &str) -> HeaderMap {
        headers(&format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(user_pass)
        ))
    }

    #[test]
    fn plain_and_sha_passwords() {
        let plain = Auth {
            username: "user".into(),
            password: "123".into(),
        };
        assert!(plain.accepts(&basic("user:123")));
        assert!(!plain.accepts(&basic("user:124")));
        assert!(!plain.accepts(&basic("other:123")));
        assert!(!plain.accepts(&basic("user123")));
        assert!(!plain.accepts(&HeaderMap::new()));
        assert!(!plain.accepts(&headers("Digest abc")));
        let sha = Auth {
            username: "user".into(),
            password: "{SHA}82ab876d1387bfafe46cc1c8a2ef074eae50cb1d".into(),
        };
        assert!(sha.accepts(&basic("user:thepassword")));
        assert!(!sha.accepts(&basic("user:wrong")));
    }
}
