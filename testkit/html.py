"""Read rendered HTML the way a visitor meets it: text, links, headings and disclosures.

Tests assert on what people see and follow, not on template internals, so a template can change
its markup freely as long as the content and links are still there.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
SKIPPED = {"script", "style", "template"}


def clean(text: str) -> str:
    """Unescape, straighten curly apostrophes and collapse white space."""
    text = html.unescape(text).replace("\u2019", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Link:
    href: str
    text: str


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Disclosure:
    summary: str
    text: str


@dataclass
class _Open:
    tag: str
    attrs: dict[str, str | None]
    parts: list[str] = field(default_factory=list)


class Page(HTMLParser):
    """A parsed response: `text`, `links`, `headings`, `details`, `images`."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []
        self.headings: list[Heading] = []
        self.details: list[Disclosure] = []
        self.images: list[dict[str, str | None]] = []
        self._text: list[str] = []
        self._open: list[_Open] = []
        self._skipping = 0
        self.feed(source)
        self.close()
        self.text = clean(" ".join(self._text))

    # Collected text goes to the document and to every element still open that we track.
    def _add_text(self, data: str) -> None:
        if self._skipping:
            return
        self._text.append(data)
        for element in self._open:
            element.parts.append(data)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in SKIPPED:
            self._skipping += 1
            return
        if tag == "img":
            self.images.append(attributes)
            if attributes.get("alt"):
                for element in self._open:
                    element.parts.append(f" {attributes['alt']} ")
            return
        if tag in VOID:
            return
        if tag in HEADINGS or tag in {"a", "details", "summary"}:
            self._open.append(_Open(tag, attributes))
        self._add_text(" ")

    def handle_endtag(self, tag):
        if tag in SKIPPED:
            self._skipping = max(0, self._skipping - 1)
            return
        self._add_text(" ")
        for index in range(len(self._open) - 1, -1, -1):
            element = self._open[index]
            if element.tag != tag:
                continue
            del self._open[index]
            text = clean("".join(element.parts))
            if tag == "a":
                self.links.append(Link(element.attrs.get("href") or "", text))
            elif tag in HEADINGS:
                self.headings.append(Heading(int(tag[1]), text))
            elif tag == "summary":
                self._last_summary = text
            elif tag == "details":
                self.details.append(Disclosure(getattr(self, "_last_summary", ""), text))
            break

    def handle_data(self, data):
        self._add_text(data)

    # Queries the tests use.
    def has_text(self, text: str) -> bool:
        return clean(text).lower() in self.text.lower()

    def links_to(self, href: str) -> list[Link]:
        return [link for link in self.links if link.href == href]

    def heading_texts(self) -> list[str]:
        return [heading.text for heading in self.headings]

    def has_heading(self, text: str) -> bool:
        """A heading (any level) containing this text, ignoring case."""
        wanted = clean(text).lower()
        return any(wanted in heading.text.lower() for heading in self.headings)

    def position(self, text: str) -> int:
        """Where this text first appears in the page's text (-1 if absent)."""
        return self.text.lower().find(clean(text).lower())


def parse(response) -> Page:
    return Page(response.content.decode(response.charset or "utf-8"))
