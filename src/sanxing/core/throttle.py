"""Counting failed attempts in the shared cache (sign-in, API tokens, tracking codes)."""

from __future__ import annotations

import hashlib

from django.core.cache import cache


class AttemptCounter:
    """At most ``limit`` failures per key within ``window`` seconds (a fixed window)."""

    def __init__(self, name: str, *, limit: int, window: int):
        self.name, self.limit, self.window = name, limit, window

    def _key(self, *parts: str) -> str:
        digest = hashlib.sha256("|".join(p.strip().lower() for p in parts).encode()).hexdigest()
        return f"sanxing:{self.name}:{digest}"

    def blocked(self, *parts: str) -> bool:
        return (cache.get(self._key(*parts)) or 0) >= self.limit

    def fail(self, *parts: str) -> None:
        key = self._key(*parts)
        if cache.add(key, 1, timeout=self.window):
            return
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=self.window)

    def reset(self, *parts: str) -> None:
        cache.delete(self._key(*parts))
