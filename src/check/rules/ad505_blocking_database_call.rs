use std::sync::LazyLock;

use crate::check::blocking::BlockingPattern;

crate::declare_rule! {
    /// ## What it does
    /// Reports synchronous database driver calls in an async function: the
    /// constructors `sqlite3.connect`, `psycopg2.connect`, `psycopg.connect`
    /// (the sync one), `pymysql.connect`, `MySQLdb.connect`,
    /// `pymongo.MongoClient`, `redis.Redis`/`redis.StrictRedis`; and the query
    /// and transaction methods (`execute*`, `fetch*`, `commit`, `rollback`,
    /// `query`; pymongo's `find*`/`insert*`/`update*`/`delete*`/`aggregate`/...;
    /// redis commands) on connections, cursors (`cur = conn.cursor()`),
    /// databases and collections known by local facts to come from them.
    ///
    /// `close()` and `cursor()` themselves are not reported. Async drivers
    /// (`asyncpg`, `aiosqlite`, `psycopg.AsyncConnection`, `redis.asyncio`,
    /// `motor`) are different names and are never reported.
    ///
    /// ## Why is this bad?
    /// A sync driver waits for the database server on the loop's thread: one
    /// slow query stalls every request the process is serving.
    ///
    /// ## Example
    /// ```python
    /// import sqlite3
    ///
    /// async def get_user(user_id):
    ///     conn = sqlite3.connect("app.db")
    ///     return conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import aiosqlite
    ///
    /// async def get_user(user_id):
    ///     async with aiosqlite.connect("app.db") as conn:
    ///         async with conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)) as cur:
    ///             return await cur.fetchone()
    /// ```
    pub static BLOCKING_DATABASE_CALL = {
        code: "AD505",
        name: "blocking-database-call",
        knowledge: "loop-blocked",
        default_enabled: true,
        origin: Static,
        help: "Use an async driver (asyncpg, aiosqlite, psycopg's AsyncConnection, redis.asyncio, motor) or `await asyncio.to_thread(...)`",
    };
}

const CONSTRUCTORS: &[&str] = &[
    "sqlite3.connect",
    "psycopg2.connect",
    "psycopg.connect",
    "psycopg.Connection.connect",
    "pymysql.connect",
    "pymysql.Connect",
    "MySQLdb.connect",
    "MySQLdb.Connect",
    "pymongo.MongoClient",
    "pymongo.mongo_client.MongoClient",
    "redis.Redis",
    "redis.StrictRedis",
    "redis.client.Redis",
    "redis.Redis.from_url",
    "redis.from_url",
];

/// DB-API connections and cursors.
const SQL_TYPES: &[&str] = &[
    "sqlite3.Connection",
    "sqlite3.Cursor",
    "psycopg2.Connection",
    "psycopg2.Cursor",
    "psycopg.Connection",
    "psycopg.Cursor",
    "pymysql.Connection",
    "pymysql.Cursor",
    "MySQLdb.Connection",
    "MySQLdb.Cursor",
];

const SQL_METHODS: &[&str] = &[
    "execute",
    "executemany",
    "executescript",
    "fetchone",
    "fetchall",
    "fetchmany",
    "commit",
    "rollback",
    "query",
    "callproc",
    "copy_expert",
    "copy_from",
    "copy_to",
    "nextset",
];

const MONGO_COLLECTION_METHODS: &[&str] = &[
    "find",
    "find_one",
    "find_one_and_delete",
    "find_one_and_replace",
    "find_one_and_update",
    "insert_one",
    "insert_many",
    "update_one",
    "update_many",
    "replace_one",
    "delete_one",
    "delete_many",
    "count_documents",
    "estimated_document_count",
    "aggregate",
    "distinct",
    "bulk_write",
    "create_index",
    "create_indexes",
    "drop",
    "drop_index",
    "list_indexes",
];

const MONGO_DATABASE_METHODS: &[&str] = &[
    "command",
    "list_collection_names",
    "create_collection",
    "drop_collection",
];

const MONGO_CLIENT_METHODS: &[&str] = &["list_database_names", "server_info", "drop_database"];

/// Redis commands (the client's other methods, such as `pipeline()`,
/// `pubsub()`, `lock()` and `close()`, do no I/O of their own).
const REDIS_COMMANDS: &[&str] = &[
    "get",
    "set",
    "setex",
    "setnx",
    "psetex",
    "mget",
    "mset",
    "msetnx",
    "getset",
    "getdel",
    "getex",
    "incr",
    "incrby",
    "incrbyfloat",
    "decr",
    "decrby",
    "append",
    "strlen",
    "delete",
    "exists",
    "expire",
    "expireat",
    "pexpire",
    "ttl",
    "pttl",
    "persist",
    "keys",
    "scan",
    "scan_iter",
    "type",
    "rename",
    "hget",
    "hset",
    "hmset",
    "hmget",
    "hgetall",
    "hdel",
    "hexists",
    "hincrby",
    "hkeys",
    "hvals",
    "hlen",
    "hscan",
    "lpush",
    "rpush",
    "lpop",
    "rpop",
    "blpop",
    "brpop",
    "brpoplpush",
    "lrange",
    "llen",
    "lindex",
    "lrem",
    "ltrim",
    "lset",
    "sadd",
    "srem",
    "smembers",
    "sismember",
    "scard",
    "spop",
    "sscan",
    "zadd",
    "zrem",
    "zrange",
    "zrevrange",
    "zrangebyscore",
    "zscore",
    "zincrby",
    "zcard",
    "zcount",
    "zrank",
    "xadd",
    "xread",
    "xreadgroup",
    "xack",
    "xrange",
    "xlen",
    "publish",
    "ping",
    "flushdb",
    "flushall",
    "info",
    "dbsize",
    "eval",
    "evalsha",
    "execute_command",
    "watch",
    "unwatch",
    "pfadd",
    "pfcount",
    "getbit",
    "setbit",
    "bitcount",
];

static PATTERNS: LazyLock<Vec<BlockingPattern>> = LazyLock::new(|| {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let mut out: Vec<BlockingPattern> = CONSTRUCTORS
        .iter()
        .map(|c| BlockingPattern::new(c))
        .collect();
    for ty in SQL_TYPES {
        for m in SQL_METHODS {
            out.push(BlockingPattern::new(leak(format!("{ty}.{m}"))));
        }
    }
    for m in MONGO_COLLECTION_METHODS {
        out.push(BlockingPattern::new(leak(format!(
            "pymongo.Collection.{m}"
        ))));
    }
    for m in MONGO_DATABASE_METHODS {
        out.push(BlockingPattern::new(leak(format!("pymongo.Database.{m}"))));
    }
    for m in MONGO_CLIENT_METHODS {
        out.push(BlockingPattern::new(leak(format!(
            "pymongo.MongoClient.{m}"
        ))));
    }
    for m in REDIS_COMMANDS {
        out.push(BlockingPattern::new(leak(format!("redis.Redis.{m}"))));
    }
    out.push(BlockingPattern::new("redis.Pipeline.execute"));
    out
});

pub fn patterns() -> &'static [BlockingPattern] {
    &PATTERNS
}
