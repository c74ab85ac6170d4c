import sqlite3
import threading

import redis

_cache_lock = threading.Lock()


class Repository:
    def __init__(self, path: str):
        self.conn = sqlite3.connect(path)
        self.cache = redis.Redis()

    async def product(self, sku):
        cached = self.cache.get(f"product:{sku}")          # AD505: sync redis client
        if cached:
            return cached
        cur = self.conn.cursor()
        cur.execute("SELECT * FROM products WHERE sku = ?", (sku,))   # AD505
        return cur.fetchone()                               # AD505

    async def refresh_cache(self, fetch):
        with _cache_lock:                                   # AD507: held across await
            rows = await fetch()
            self.cache.mset(rows)                           # AD505
