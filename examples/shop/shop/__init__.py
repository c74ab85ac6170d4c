"""A small async web shop backend used to demonstrate asyncdoctor."""
