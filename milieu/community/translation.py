"""Machine translation of posts and comments, behind a pluggable interface.

A backend is a class with `translate(text, *, source, target) -> str` (raising
`TranslationUnavailable` when it cannot answer), named by the `TRANSLATION_BACKEND` setting
(a dotted path; empty: no translation, and the "translate" action is simply absent). The one
shipped, `LibreTranslateBackend`, asks a self-hosted LibreTranslate server
(`LIBRETRANSLATE_URL`, optional `LIBRETRANSLATE_API_KEY`): the text never leaves the
municipality's own infrastructure. Translations are cached per text and language pair.
"""

import hashlib
import json
import logging
import urllib.error
import urllib.request
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)
CACHE_SECONDS = 7 * 86_400
TIMEOUT_SECONDS = 10


class TranslationUnavailable(Exception):
    """The backend did not answer (down, refused, unknown language pair)."""


class TranslationBackend:
    def translate(self, text: str, *, source: str, target: str) -> str:  # pragma: no cover
        raise NotImplementedError


class LibreTranslateBackend(TranslationBackend):
    """POST {LIBRETRANSLATE_URL}/translate with {q, source, target, format, api_key}."""

    def __init__(self) -> None:
        self.url = settings.LIBRETRANSLATE_URL.rstrip("/") + "/translate"
        self.api_key = settings.LIBRETRANSLATE_API_KEY

    def translate(self, text: str, *, source: str, target: str) -> str:
        payload = {"q": text, "source": source, "target": target, "format": "text"}
        if self.api_key:
            payload["api_key"] = self.api_key
        request = urllib.request.Request(  # noqa: S310 - the operator's own server
            self.url,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                answer = json.loads(response.read().decode())
        except (urllib.error.URLError, TimeoutError, ValueError, OSError) as error:
            logger.warning("translation_failed", extra={"error": str(error)})
            raise TranslationUnavailable(str(error)) from None
        translated = answer.get("translatedText") if isinstance(answer, dict) else None
        if not isinstance(translated, str):
            raise TranslationUnavailable("no translatedText in the answer")
        return translated


@lru_cache(maxsize=4)
def _backend(path: str) -> TranslationBackend:
    return import_string(path)()


def backend() -> TranslationBackend | None:
    """The configured backend, or None when translation is not offered."""
    path = getattr(settings, "TRANSLATION_BACKEND", "")
    return _backend(path) if path else None


def available() -> bool:
    return backend() is not None


def translate(text: str, *, source: str, target: str) -> str:
    """`text` in `target`, from the cache or the backend. Raises `TranslationUnavailable`."""
    chosen = backend()
    if chosen is None:
        raise TranslationUnavailable("no translation backend configured")
    if source == target:
        return text
    digest = hashlib.sha256(f"{source}:{target}:{text}".encode()).hexdigest()
    key = f"community:translation:v1:{digest}"
    found = cache.get(key)
    if found is None:
        found = chosen.translate(text, source=source, target=target)
        cache.set(key, found, CACHE_SECONDS)
    return found
