"""Vendor SDK (synchronous)."""
import urllib.request


def fetch_stock(sku):
    with urllib.request.urlopen(f"https://inventory.example.com/stock/{sku}") as r:
        return int(r.read())


class Client:
    def reserve(self, sku, qty):
        return fetch_stock(sku) >= qty
