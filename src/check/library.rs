//! What asyncdoctor knows about library types: which constructors and factory
//! functions return which type, and what methods and attributes give. Rules use
//! it through [`crate::check::semantic::Resolver::type_of`]; blocking-call
//! patterns themselves live in each rule's file.

use rustc_hash::{FxHashMap, FxHashSet};

/// Callee → the type of what it returns (constructors and factories).
const FUNCTION_RETURNS: &[(&str, &str)] = &[
    // files and paths
    ("builtins.open", "io.IOBase"),
    ("io.open", "io.IOBase"),
    ("os.fdopen", "io.IOBase"),
    ("pathlib.Path", "pathlib.Path"),
    ("pathlib.PosixPath", "pathlib.Path"),
    ("pathlib.WindowsPath", "pathlib.Path"),
    ("pathlib.Path.home", "pathlib.Path"),
    ("pathlib.Path.cwd", "pathlib.Path"),
    // HTTP
    ("requests.Session", "requests.Session"),
    ("requests.session", "requests.Session"),
    ("requests.sessions.Session", "requests.Session"),
    ("httpx.Client", "httpx.Client"),
    ("urllib3.PoolManager", "urllib3.PoolManager"),
    ("urllib3.ProxyManager", "urllib3.PoolManager"),
    ("urllib3.HTTPConnectionPool", "urllib3.PoolManager"),
    ("urllib3.HTTPSConnectionPool", "urllib3.PoolManager"),
    ("urllib3.connection_from_url", "urllib3.PoolManager"),
    ("http.client.HTTPConnection", "http.client.HTTPConnection"),
    ("http.client.HTTPSConnection", "http.client.HTTPConnection"),
    // processes
    ("subprocess.Popen", "subprocess.Popen"),
    // databases
    ("sqlite3.connect", "sqlite3.Connection"),
    ("sqlite3.Connection", "sqlite3.Connection"),
    ("psycopg2.connect", "psycopg2.Connection"),
    ("psycopg.connect", "psycopg.Connection"),
    ("psycopg.Connection.connect", "psycopg.Connection"),
    ("pymysql.connect", "pymysql.Connection"),
    ("pymysql.Connect", "pymysql.Connection"),
    ("pymysql.connections.Connection", "pymysql.Connection"),
    ("MySQLdb.connect", "MySQLdb.Connection"),
    ("MySQLdb.Connect", "MySQLdb.Connection"),
    ("pymongo.MongoClient", "pymongo.MongoClient"),
    ("pymongo.mongo_client.MongoClient", "pymongo.MongoClient"),
    ("redis.Redis", "redis.Redis"),
    ("redis.StrictRedis", "redis.Redis"),
    ("redis.client.Redis", "redis.Redis"),
    ("redis.Redis.from_url", "redis.Redis"),
    ("redis.from_url", "redis.Redis"),
    // sockets
    ("socket.socket", "socket.socket"),
    ("socket.create_connection", "socket.socket"),
    ("socket.create_server", "socket.socket"),
    ("socket.fromfd", "socket.socket"),
    // threads, queues, futures
    ("threading.Lock", "threading.Lock"),
    ("threading.RLock", "threading.Lock"),
    ("threading.Semaphore", "threading.Lock"),
    ("threading.BoundedSemaphore", "threading.Lock"),
    ("threading.Condition", "threading.Condition"),
    ("threading.Event", "threading.Event"),
    ("threading.Thread", "threading.Thread"),
    ("threading.Barrier", "threading.Barrier"),
    ("queue.Queue", "queue.Queue"),
    ("queue.LifoQueue", "queue.Queue"),
    ("queue.PriorityQueue", "queue.Queue"),
    ("queue.SimpleQueue", "queue.Queue"),
    ("multiprocessing.Queue", "queue.Queue"),
    ("multiprocessing.JoinableQueue", "queue.Queue"),
    (
        "concurrent.futures.ThreadPoolExecutor",
        "concurrent.futures.Executor",
    ),
    (
        "concurrent.futures.ProcessPoolExecutor",
        "concurrent.futures.Executor",
    ),
    (
        "concurrent.futures.thread.ThreadPoolExecutor",
        "concurrent.futures.Executor",
    ),
    (
        "concurrent.futures.process.ProcessPoolExecutor",
        "concurrent.futures.Executor",
    ),
    ("concurrent.futures.Future", "concurrent.futures.Future"),
    (
        "asyncio.run_coroutine_threadsafe",
        "concurrent.futures.Future",
    ),
    ("multiprocessing.Pool", "multiprocessing.pool.Pool"),
    ("multiprocessing.pool.Pool", "multiprocessing.pool.Pool"),
    (
        "multiprocessing.pool.ThreadPool",
        "multiprocessing.pool.Pool",
    ),
    ("multiprocessing.dummy.Pool", "multiprocessing.pool.Pool"),
    ("multiprocessing.Process", "multiprocessing.Process"),
    // asyncio loops and primitives
    ("asyncio.get_event_loop", "asyncio.AbstractEventLoop"),
    ("asyncio.get_running_loop", "asyncio.AbstractEventLoop"),
    ("asyncio.new_event_loop", "asyncio.AbstractEventLoop"),
    ("asyncio.events.get_event_loop", "asyncio.AbstractEventLoop"),
    (
        "asyncio.events.get_running_loop",
        "asyncio.AbstractEventLoop",
    ),
    ("asyncio.events.new_event_loop", "asyncio.AbstractEventLoop"),
    ("asyncio.AbstractEventLoop", "asyncio.AbstractEventLoop"),
    ("asyncio.BaseEventLoop", "asyncio.AbstractEventLoop"),
    ("asyncio.SelectorEventLoop", "asyncio.AbstractEventLoop"),
    ("asyncio.ProactorEventLoop", "asyncio.AbstractEventLoop"),
    (
        "asyncio.events.AbstractEventLoop",
        "asyncio.AbstractEventLoop",
    ),
    ("uvloop.new_event_loop", "asyncio.AbstractEventLoop"),
    ("asyncio.Queue", "asyncio.Queue"),
    ("asyncio.LifoQueue", "asyncio.Queue"),
    ("asyncio.PriorityQueue", "asyncio.Queue"),
    ("asyncio.queues.Queue", "asyncio.Queue"),
    // asyncio
    ("asyncio.get_event_loop", "asyncio.AbstractEventLoop"),
    ("asyncio.new_event_loop", "asyncio.AbstractEventLoop"),
    ("asyncio.get_running_loop", "asyncio.AbstractEventLoop"),
    ("asyncio.events.get_event_loop", "asyncio.AbstractEventLoop"),
    ("asyncio.AbstractEventLoop", "asyncio.AbstractEventLoop"),
    ("asyncio.Future", "asyncio.Future"),
    ("asyncio.Queue", "asyncio.Queue"),
    ("asyncio.LifoQueue", "asyncio.Queue"),
    ("asyncio.PriorityQueue", "asyncio.Queue"),
    ("asyncio.Lock", "asyncio.Lock"),
    ("asyncio.Event", "asyncio.Event"),
    ("asyncio.Condition", "asyncio.Condition"),
    ("asyncio.Semaphore", "asyncio.Semaphore"),
    ("asyncio.BoundedSemaphore", "asyncio.Semaphore"),
    ("asyncio.Runner", "asyncio.Runner"),
    ("asyncio.timeout", "asyncio.Timeout"),
    ("asyncio.TaskGroup", "asyncio.TaskGroup"),
    ("asyncio.StreamWriter", "asyncio.StreamWriter"),
    ("aiohttp.ClientSession", "aiohttp.ClientSession"),
    ("httpx.AsyncClient", "httpx.AsyncClient"),
];

/// (receiver type, method) → the type of what the method returns.
const METHOD_RETURNS: &[(&str, &str, &str)] = &[
    ("sqlite3.Connection", "cursor", "sqlite3.Cursor"),
    ("sqlite3.Connection", "execute", "sqlite3.Cursor"),
    ("sqlite3.Cursor", "execute", "sqlite3.Cursor"),
    ("psycopg2.Connection", "cursor", "psycopg2.Cursor"),
    ("psycopg.Connection", "cursor", "psycopg.Cursor"),
    ("psycopg.Connection", "execute", "psycopg.Cursor"),
    ("pymysql.Connection", "cursor", "pymysql.Cursor"),
    ("MySQLdb.Connection", "cursor", "MySQLdb.Cursor"),
    ("redis.Redis", "pipeline", "redis.Pipeline"),
    ("pymongo.MongoClient", "get_database", "pymongo.Database"),
    (
        "pymongo.MongoClient",
        "get_default_database",
        "pymongo.Database",
    ),
    ("pymongo.Database", "get_collection", "pymongo.Collection"),
    (
        "concurrent.futures.Executor",
        "submit",
        "concurrent.futures.Future",
    ),
    ("pathlib.Path", "resolve", "pathlib.Path"),
    ("pathlib.Path", "absolute", "pathlib.Path"),
    ("pathlib.Path", "expanduser", "pathlib.Path"),
    ("pathlib.Path", "joinpath", "pathlib.Path"),
    ("pathlib.Path", "with_name", "pathlib.Path"),
    ("pathlib.Path", "with_suffix", "pathlib.Path"),
    ("pathlib.Path", "with_stem", "pathlib.Path"),
    ("pathlib.Path", "open", "io.IOBase"),
    (
        "asyncio.AbstractEventLoop",
        "create_future",
        "asyncio.Future",
    ),
];

/// (receiver type, attribute) → the attribute's type; `*` matches any name.
const ATTRIBUTE_TYPES: &[(&str, &str, &str)] = &[
    ("pathlib.Path", "parent", "pathlib.Path"),
    ("pymongo.MongoClient", "*", "pymongo.Database"),
    ("pymongo.Database", "*", "pymongo.Collection"),
];

/// receiver type → the type of `receiver[...]`.
const ITEM_TYPES: &[(&str, &str)] = &[
    ("pymongo.MongoClient", "pymongo.Database"),
    ("pymongo.Database", "pymongo.Collection"),
];

/// Methods whose receiver type is not modelled on `ATTRIBUTE_TYPES` `*`
/// (they are methods, not sub-databases or collections).
const NOT_MEMBERS: &[&str] = &[
    "close",
    "get_database",
    "get_default_database",
    "get_collection",
    "list_database_names",
    "list_collection_names",
    "command",
    "drop_database",
    "server_info",
    "start_session",
    "watch",
    "address",
    "name",
    "client",
    "codec_options",
    "read_preference",
    "write_concern",
];

/// Types whose blocking behaviour an annotation cannot tell.
const UNKNOWN_MODE_FROM_ANNOTATION: &[&str] = &["socket.socket"];

/// Type facts, plus the types and callables a user declared in config
/// (`blocking-calls = ["mycorp.db.Session.execute"]` makes `mycorp.db.Session`
/// a constructor of its own type).
pub struct Library {
    function_returns: FxHashMap<&'static str, &'static str>,
    method_returns: FxHashMap<(&'static str, &'static str), &'static str>,
    attribute_types: FxHashMap<(&'static str, &'static str), &'static str>,
    item_types: FxHashMap<&'static str, &'static str>,
    known_types: FxHashSet<&'static str>,
}

impl Library {
    /// `configured_types`: type names users declared (leaked once per run).
    pub fn new(configured_types: &[&'static str]) -> Self {
        let mut known_types: FxHashSet<&'static str> = FxHashSet::default();
        let mut function_returns: FxHashMap<_, _> = FUNCTION_RETURNS.iter().copied().collect();
        for (_, ty) in FUNCTION_RETURNS {
            known_types.insert(ty);
        }
        for (_, _, ty) in METHOD_RETURNS {
            known_types.insert(ty);
        }
        for ty in configured_types {
            function_returns.entry(ty).or_insert(ty);
            known_types.insert(ty);
        }
        Library {
            function_returns,
            method_returns: METHOD_RETURNS
                .iter()
                .map(|(t, m, r)| ((*t, *m), *r))
                .collect(),
            attribute_types: ATTRIBUTE_TYPES
                .iter()
                .map(|(t, a, r)| ((*t, *a), *r))
                .collect(),
            item_types: ITEM_TYPES.iter().copied().collect(),
            known_types,
        }
    }

    pub fn returns_of_function(&self, callee: &str) -> Option<&'static str> {
        self.function_returns.get(callee).copied()
    }

    pub fn returns_of_method(&self, receiver: &'static str, method: &str) -> Option<&'static str> {
        // Keys borrow 'static strs; look up through a temporary key of the same shape.
        self.method_returns
            .iter()
            .find(|((t, m), _)| *t == receiver && *m == method)
            .map(|(_, r)| *r)
    }

    pub fn attribute_type(&self, receiver: &'static str, attr: &str) -> Option<&'static str> {
        if let Some((_, r)) = self
            .attribute_types
            .iter()
            .find(|((t, a), _)| *t == receiver && *a == attr)
        {
            return Some(r);
        }
        if NOT_MEMBERS.contains(&attr) || attr.starts_with('_') {
            return None;
        }
        self.attribute_types.get(&(receiver, "*")).copied()
    }

    pub fn item_type(&self, receiver: &'static str) -> Option<&'static str> {
        self.item_types.get(receiver).copied()
    }

    pub fn div_type(&self, left: &'static str) -> Option<&'static str> {
        (left == "pathlib.Path").then_some("pathlib.Path")
    }

    /// An annotation names a type we know (`conn: sqlite3.Connection`).
    /// `socket.socket` is not followed from annotations: whether such a socket
    /// blocks depends on where it was made, which the annotation does not say.
    pub fn annotation_type(&self, qualified: &str) -> Option<&'static str> {
        if UNKNOWN_MODE_FROM_ANNOTATION.contains(&qualified) {
            return None;
        }
        if let Some(ty) = self.known_types.get(qualified) {
            return Some(ty);
        }
        // Annotations name classes: `sqlite3.Connection`, `requests.Session`, `socket.socket`.
        self.function_returns.get(qualified).copied().filter(|ty| {
            *ty == qualified || qualified.ends_with(ty.rsplit('.').next().unwrap_or(""))
        })
    }
}
