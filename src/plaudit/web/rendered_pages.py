"""Credential pages already rendered, keyed by everything they show.

Rendering `credential.html` took about a sixth of a page view's CPU. A page is a pure function
of its template context (the credential, its group, issuer and department, its state today,
whether the visitor is its recipient, the base URL): the key is that whole context, so a
changed row, another day or another kind of visitor is another key, and nothing stale or
meant for someone else can be served. Who may see the page at all is decided before
(web/credential_access.py). Bounded: least recently used pages go first.
"""

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

MAX_PAGES = 1024


class RenderedPages:
    def __init__(self, max_pages: int = MAX_PAGES) -> None:
        self.max_pages = max_pages
        self._pages: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(
        self, template: str, context: dict[str, Any], render: Callable[[], str]
    ) -> str:
        key = json.dumps([template, context], sort_keys=True, default=repr)
        with self._lock:
            html = self._pages.get(key)
            if html is not None:
                self._pages.move_to_end(key)
                return html
        html = render()
        with self._lock:
            self._pages[key] = html
            if len(self._pages) > self.max_pages:
                self._pages.popitem(last=False)
        return html

    def __len__(self) -> int:
        return len(self._pages)
