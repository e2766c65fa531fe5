//! supervisord's web UI on the HTTP server: the status page with its action links, the tail
//! page and the stylesheet they use (spec §4.1 rows 4–5, §4.4).

mod actions;
pub mod form;
mod render;
mod tail;

use std::collections::HashMap;
use std::time::UNIX_EPOCH;

use hyper::header::{CACHE_CONTROL, EXPIRES, HOST, HeaderValue, LOCATION, PRAGMA};
use hyper::{Method, Response, StatusCode};
use supvisors_proc::driver::ManagerHandle;
use supvisors_rpc::server::{
    PageFuture, PageRequest, Pages, RespBody, error_page, full, http_date,
};

pub use actions::Action;
pub use render::{Row, status_page, tail_page};

/// Our stylesheet, served at `/stylesheets/supervisor.css`.
const CSS: &str = include_str!("static/supervisor.css");

/// The web UI of one daemon, answering through its process manager.
#[derive(Clone, Debug)]
pub struct SupervisorUi {
    handle: ManagerHandle,
}

impl SupervisorUi {
    /// The UI over the model behind `handle`.
    pub fn new(handle: ManagerHandle) -> Self {
        Self { handle }
    }
}

/// The pages this UI claims for a (decoded) path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Page {
    Status,
    Tail,
    Stylesheet,
}

fn page_of(method: &Method, path: &str) -> Option<Page> {
    let name = path.trim_start_matches('/');
    let view = method == Method::GET || method == Method::POST;
    match name {
        "" | "index.html" if view => Some(Page::Status),
        "tail.html" if view => Some(Page::Tail),
        "stylesheets/supervisor.css" if method == Method::GET || method == Method::HEAD => {
            Some(Page::Stylesheet)
        }
        _ => None,
    }
}

/// `http://host[:port]` from the `Host` header, the port dropped when it is 80 (the
/// reference builds the redirection from it the same way).
fn server_url(request: &PageRequest) -> String {
    let host = request
        .headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map(str::to_owned)
        .or_else(|| request.uri.authority().map(|a| a.as_str().to_owned()))
        .unwrap_or_else(|| "localhost".to_owned());
    let host = host.strip_suffix(":80").unwrap_or(&host);
    format!("http://{host}")
}

/// The no-cache headers the reference's views put on every answer, redirections included.
fn no_cache(headers: &mut hyper::HeaderMap) {
    headers.insert(PRAGMA, HeaderValue::from_static("no-cache"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(v) = HeaderValue::from_str(&http_date(UNIX_EPOCH)) {
        headers.insert(EXPIRES, v);
    }
}

/// A page response.
fn html(body: String) -> Response<RespBody> {
    let mut response = full(StatusCode::OK, "text/html;charset=utf-8", body);
    no_cache(response.headers_mut());
    response
}

/// The `301` to the status page showing `message`.
fn redirect(request: &PageRequest, message: &str) -> Response<RespBody> {
    let mut response = error_page(StatusCode::MOVED_PERMANENTLY);
    no_cache(response.headers_mut());
    let location = format!("{}/?message={}", server_url(request), form::quote(message));
    if let Ok(v) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(LOCATION, v);
    }
    response
}

async fn status(
    handle: ManagerHandle,
    request: PageRequest,
    f: HashMap<String, String>,
) -> Response<RespBody> {
    if let Some(action) = f.get("action") {
        let Some(action) = Action::parse(action, f.get("processname").map(String::as_str)) else {
            return error_page(StatusCode::INTERNAL_SERVER_ERROR);
        };
        return match actions::perform(&handle, &action).await {
            Some(message) => redirect(&request, &message),
            None => error_page(StatusCode::INTERNAL_SERVER_ERROR),
        };
    }
    let rows = handle
        .with(|c, now| c.model.get_all_process_info(now, &c.host))
        .await;
    let rows: Vec<Row> = match rows {
        // In SHUTDOWN state `getProcessInfo` faults and the reference's view fails with a 500.
        Err(_) | Ok(Err(_)) => return error_page(StatusCode::INTERNAL_SERVER_ERROR),
        Ok(Ok(mut infos)) => {
            // The reference sorts (group, process) pairs, not namespec strings.
            infos.sort_by(|a, b| (&a.group, &a.name).cmp(&(&b.group, &b.name)));
            infos
                .into_iter()
                .map(|p| Row {
                    namespec: supvisors_proc::model::make_namespec(&p.group, &p.name),
                    state: p.state,
                    description: p.description,
                })
                .collect()
        }
    };
    html(status_page(&rows, f.get("message").map(String::as_str)))
}

impl Pages for SupervisorUi {
    fn handle(&self, request: PageRequest) -> Option<PageFuture> {
        let path = form::unquote(request.uri.path(), false);
        let page = page_of(&request.method, &path)?;
        if page == Page::Stylesheet {
            let response = full(StatusCode::OK, "text/css", CSS);
            return Some(Box::pin(async move { response }));
        }
        let query = request.uri.query().unwrap_or("");
        let body = String::from_utf8_lossy(&request.body);
        let f = form::parse_form(query, &body);
        let handle = self.handle.clone();
        Some(match page {
            Page::Tail => Box::pin(async move { html(tail::page(&handle, &f).await) }),
            _ => Box::pin(status(handle, request, f)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_claim_only_their_paths_and_methods() {
        assert_eq!(page_of(&Method::GET, "/"), Some(Page::Status));
        assert_eq!(page_of(&Method::POST, "//index.html"), Some(Page::Status));
        assert_eq!(page_of(&Method::GET, "/tail.html"), Some(Page::Tail));
        assert_eq!(
            page_of(&Method::HEAD, "/stylesheets/supervisor.css"),
            Some(Page::Stylesheet)
        );
        assert_eq!(page_of(&Method::HEAD, "/index.html"), None);
        assert_eq!(page_of(&Method::GET, "/ok.html"), None);
        assert_eq!(page_of(&Method::GET, "/nosuch.html"), None);
    }

    fn request(host: Option<&str>) -> PageRequest {
        let mut headers = hyper::HeaderMap::new();
        if let Some(h) = host {
            headers.insert(
                HOST,
                HeaderValue::from_str(h).unwrap_or(HeaderValue::from_static("x")),
            );
        }
        PageRequest {
            method: Method::GET,
            uri: hyper::Uri::from_static("/index.html?action=refresh"),
            headers,
            body: bytes::Bytes::new(),
        }
    }

    #[test]
    fn redirect_points_at_the_host_with_the_quoted_message() {
        let r = redirect(&request(Some("127.0.0.1:9001")), "Process a:b stopped");
        assert_eq!(r.status(), StatusCode::MOVED_PERMANENTLY);
        assert_eq!(
            r.headers().get(LOCATION).and_then(|v| v.to_str().ok()),
            Some("http://127.0.0.1:9001/?message=Process%20a%3Ab%20stopped")
        );
        let r = redirect(&request(Some("example.org:80")), "x");
        assert_eq!(
            r.headers().get(LOCATION).and_then(|v| v.to_str().ok()),
            Some("http://example.org/?message=x")
        );
    }

    #[test]
    fn views_are_html_and_not_cached() {
        let r = html("x".into());
        assert_eq!(
            r.headers()
                .get(hyper::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
            Some("text/html;charset=utf-8")
        );
        assert_eq!(
            r.headers().get(PRAGMA).and_then(|v| v.to_str().ok()),
            Some("no-cache")
        );
    }
}
