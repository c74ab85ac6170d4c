use crate::check::blocking::BlockingPattern;

crate::declare_rule! {
    /// ## What it does
    /// Reports blocking socket calls in an async function:
    /// `socket.create_connection`, the blocking DNS lookups
    /// `socket.getaddrinfo/gethostbyname/gethostbyname_ex/gethostbyaddr/getnameinfo/getfqdn`,
    /// and `connect/recv/recv_into/recvfrom/send/sendall/sendto/accept/makefile`
    /// on sockets known by local facts to come from `socket.socket()` or
    /// `socket.create_connection()`, unless the same scope switches them to
    /// non-blocking mode (`sock.setblocking(False)`, `sock.settimeout(0)`).
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
    BlockingPattern::new("socket.getaddrinfo").help(DNS_HELP),
    BlockingPattern::new("socket.gethostbyname").help(DNS_HELP),
    BlockingPattern::new("socket.gethostbyname_ex").help(DNS_HELP),
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
