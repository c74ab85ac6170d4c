use ruff_python_ast::{self as ast, Expr};

use crate::check::blocking::{BlockingPattern, argument};

crate::declare_rule! {
    /// ## What it does
    /// Reports blocking socket calls in an async function:
    /// `socket.create_connection`, the blocking DNS lookups
    /// `socket.getaddrinfo/gethostbyname/gethostbyname_ex/gethostbyaddr/getnameinfo/getfqdn`,
    /// and `connect/recv/recv_into/recvfrom/send/sendall/sendto/accept/makefile`
    /// on sockets known by local facts to come from `socket.socket()` or
    /// `socket.create_connection()`, unless the same scope switches them to
    /// non-blocking mode (`sock.setblocking(False)`, `sock.settimeout(0)`).
    /// A lookup that cannot reach a name server is not reported:
    /// `getaddrinfo` with `AI_NUMERICHOST` in its flags, and `getaddrinfo`/
    /// `gethostbyname` of `None` or of an IP address literal.
    ///
    /// ## Why is this bad?
    /// A blocking socket waits for the network on the loop's thread; a DNS
    /// lookup through the C resolver can take seconds when a name server is
    /// slow, and nothing else runs meanwhile.
    ///
    /// ## Example
    /// ```python
    /// import socket
    ///
    /// async def resolve(host):
    ///     return socket.gethostbyname(host)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio
    ///
    /// async def resolve(host):
    ///     loop = asyncio.get_running_loop()
    ///     infos = await loop.getaddrinfo(host, None)
    ///     return infos[0][4][0]
    /// ```
    /// and `await asyncio.open_connection(host, port)` instead of raw sockets.
    pub static BLOCKING_SOCKET_CALL = {
        code: "AD506",
        name: "blocking-socket-call",
        knowledge: "loop-blocked",
        default_enabled: true,
        origin: Static,
        help: "Use `await asyncio.open_connection(...)`, `await loop.getaddrinfo(...)` or the `loop.sock_*` methods on a non-blocking socket",
    };
}

const DNS_HELP: &str = "Use `await asyncio.get_running_loop().getaddrinfo(...)`";

pub const PATTERNS: &[BlockingPattern] = &[
    BlockingPattern::new("socket.create_connection")
        .help("Use `await asyncio.open_connection(host, port)`"),
    BlockingPattern::new("socket.getaddrinfo")
        .help(DNS_HELP)
        .when(getaddrinfo_may_resolve),
    BlockingPattern::new("socket.gethostbyname")
        .help(DNS_HELP)
        .when(host_may_resolve),
    BlockingPattern::new("socket.gethostbyname_ex")
        .help(DNS_HELP)
        .when(host_may_resolve),
    BlockingPattern::new("socket.gethostbyaddr")
        .help("Use `await asyncio.get_running_loop().getnameinfo(...)`"),
    BlockingPattern::new("socket.getnameinfo")
        .help("Use `await asyncio.get_running_loop().getnameinfo(...)`"),
    BlockingPattern::new("socket.getfqdn")
        .help("Use `await asyncio.to_thread(socket.getfqdn, ...)`"),
    BlockingPattern::new("socket.socket.connect"),
    BlockingPattern::new("socket.socket.recv"),
    BlockingPattern::new("socket.socket.recv_into"),
    BlockingPattern::new("socket.socket.recvfrom"),
    BlockingPattern::new("socket.socket.recvfrom_into"),
    BlockingPattern::new("socket.socket.send"),
    BlockingPattern::new("socket.socket.sendall"),
    BlockingPattern::new("socket.socket.sendto"),
    BlockingPattern::new("socket.socket.accept"),
    BlockingPattern::new("socket.socket.makefile"),
];

/// The host is not `None` or an IP address literal (those need no name server).
fn host_may_resolve(call: &ast::ExprCall) -> bool {
    match argument(call, 0, "host").or_else(|| argument(call, 0, "hostname")) {
        Some(Expr::NoneLiteral(_)) => false,
        Some(Expr::StringLiteral(s)) => s.value.to_str().parse::<std::net::IpAddr>().is_err(),
        _ => true,
    }
}

/// `getaddrinfo(..., flags=AI_NUMERICHOST)` only parses an address.
fn getaddrinfo_may_resolve(call: &ast::ExprCall) -> bool {
    let numeric_only = argument(call, 5, "flags").is_some_and(mentions_numeric_host);
    !numeric_only && host_may_resolve(call)
}

fn mentions_numeric_host(flags: &Expr) -> bool {
    match flags {
        Expr::Attribute(a) => a.attr.as_str() == "AI_NUMERICHOST",
        Expr::Name(n) => n.id.as_str() == "AI_NUMERICHOST",
        // `AI_NUMERICHOST | AI_PASSIVE`: a set bit stays set.
        Expr::BinOp(b) if b.op == ast::Operator::BitOr => {
            mentions_numeric_host(&b.left) || mentions_numeric_host(&b.right)
        }
        _ => false,
    }
}
