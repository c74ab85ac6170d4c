use crate::check::blocking::BlockingPattern;

crate::declare_rule! {
    /// ## What it does
    /// Reports synchronous HTTP calls in an async function: `requests` module
    /// functions and `requests.Session` methods, `urllib.request.urlopen`,
    /// `urllib3` `PoolManager.request/urlopen`, `httpx` module functions and
    /// sync `httpx.Client` methods, and `http.client` connection
    /// `request`/`getresponse`.
    ///
    /// Receivers are known by local facts only: `s = requests.Session()`,
    /// `with httpx.Client() as c`, `self.http = requests.Session()` in the same
    /// class, or an annotation such as `s: requests.Session`.
    ///
    /// ## Why is this bad?
    /// A synchronous HTTP request holds the event loop's thread for the whole
    /// round trip (DNS, connect, TLS, server time, body): every other task
    /// stalls, often for seconds.
    ///
    /// ## Example
    /// ```python
    /// import requests
    ///
    /// async def fetch_user(user_id):
    ///     return requests.get(f"https://api.example.com/users/{user_id}").json()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import httpx
    ///
    /// async def fetch_user(client: httpx.AsyncClient, user_id):
    ///     response = await client.get(f"https://api.example.com/users/{user_id}")
    ///     return response.json()
    /// ```
    /// or, to keep a sync library, `await asyncio.to_thread(requests.get, url)`.
    pub static BLOCKING_HTTP_CALL = {
        code: "AD502",
        name: "blocking-http-call",
        knowledge: "loop-blocked",
        default_enabled: true,
        origin: Static,
        help: "Use an async client (`httpx.AsyncClient`, `aiohttp.ClientSession`) or `await asyncio.to_thread(...)`",
    };
}

const REQUESTS_HELP: &str = "Use `httpx.AsyncClient` or `aiohttp.ClientSession`, or `await asyncio.to_thread(requests.get, ...)`";
const HTTPX_HELP: &str = "Use `httpx.AsyncClient` and `await` its methods";

pub const PATTERNS: &[BlockingPattern] = &[
    BlockingPattern::new("requests.get").help(REQUESTS_HELP),
    BlockingPattern::new("requests.post").help(REQUESTS_HELP),
    BlockingPattern::new("requests.put").help(REQUESTS_HELP),
    BlockingPattern::new("requests.patch").help(REQUESTS_HELP),
    BlockingPattern::new("requests.delete").help(REQUESTS_HELP),
    BlockingPattern::new("requests.head").help(REQUESTS_HELP),
    BlockingPattern::new("requests.options").help(REQUESTS_HELP),
    BlockingPattern::new("requests.request").help(REQUESTS_HELP),
    BlockingPattern::new("requests.api.get").help(REQUESTS_HELP),
    BlockingPattern::new("requests.api.post").help(REQUESTS_HELP),
    BlockingPattern::new("requests.api.request").help(REQUESTS_HELP),
    BlockingPattern::new("requests.Session.get").help(REQUESTS_HELP),
    BlockingPattern::new("requests.Session.post").help(REQUESTS_HELP),
    BlockingPattern::new("requests.Session.put").help(REQUESTS_HELP),
    BlockingPattern::new("requests.Session.patch").help(REQUESTS_HELP),
    BlockingPattern::new("requests.Session.delete").help(REQUESTS_HELP),
    BlockingPattern::new("requests.Session.head").help(REQUESTS_HELP),
    BlockingPattern::new("requests.Session.options").help(REQUESTS_HELP),
    BlockingPattern::new("requests.Session.request").help(REQUESTS_HELP),
    BlockingPattern::new("requests.Session.send").help(REQUESTS_HELP),
    BlockingPattern::new("urllib.request.urlopen"),
    BlockingPattern::new("urllib.request.urlretrieve"),
    BlockingPattern::new("urllib3.request"),
    BlockingPattern::new("urllib3.PoolManager.request"),
    BlockingPattern::new("urllib3.PoolManager.urlopen"),
    BlockingPattern::new("urllib3.PoolManager.request_encode_url"),
    BlockingPattern::new("urllib3.PoolManager.request_encode_body"),
    BlockingPattern::new("httpx.get").help(HTTPX_HELP),
    BlockingPattern::new("httpx.post").help(HTTPX_HELP),
    BlockingPattern::new("httpx.put").help(HTTPX_HELP),
    BlockingPattern::new("httpx.patch").help(HTTPX_HELP),
    BlockingPattern::new("httpx.delete").help(HTTPX_HELP),
    BlockingPattern::new("httpx.head").help(HTTPX_HELP),
    BlockingPattern::new("httpx.options").help(HTTPX_HELP),
    BlockingPattern::new("httpx.request").help(HTTPX_HELP),
    BlockingPattern::new("httpx.stream").help(HTTPX_HELP),
    BlockingPattern::new("httpx.Client.get").help(HTTPX_HELP),
    BlockingPattern::new("httpx.Client.post").help(HTTPX_HELP),
    BlockingPattern::new("httpx.Client.put").help(HTTPX_HELP),
    BlockingPattern::new("httpx.Client.patch").help(HTTPX_HELP),
    BlockingPattern::new("httpx.Client.delete").help(HTTPX_HELP),
    BlockingPattern::new("httpx.Client.head").help(HTTPX_HELP),
    BlockingPattern::new("httpx.Client.options").help(HTTPX_HELP),
    BlockingPattern::new("httpx.Client.request").help(HTTPX_HELP),
    BlockingPattern::new("httpx.Client.send").help(HTTPX_HELP),
    BlockingPattern::new("httpx.Client.stream").help(HTTPX_HELP),
    BlockingPattern::new("http.client.HTTPConnection.request"),
    BlockingPattern::new("http.client.HTTPConnection.getresponse"),
];
