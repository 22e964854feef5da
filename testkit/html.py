"""Read rendered HTML, with one parser: BeautifulSoup on Python's own html.parser.

Two ways in, both on the same parsed document:

- `soup(response)`: the document to query, when a test needs the markup itself (an input's
  attributes, a table's cells, a <picture>'s sources, a script's text): BeautifulSoup's find,
  find_all and select;
- `parse(response)`: the page the way a visitor meets it (its text, links, headings, disclosures
  and images). Tests assert on what people see and follow, not on template internals, so a
  template can change its markup freely as long as the content and links are still there.

`clean(text)` is how both compare words: unescaped, straight apostrophes, white space collapsed.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PreformattedString, Tag

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
SKIPPED = {"script", "style", "template"}
TRACKED = HEADINGS | {"a", "details", "summary"}
# A start tag as written (a quoted attribute value may hold ">"), to tell <br/> from <br>.
START_TAG = re.compile(r"""<[^\s/>]+(?:[^>"']|"[^"]*"|'[^']*')*>""")


def clean(text: str) -> str:
    """Unescape, straighten curly apostrophes and collapse white space."""
    text = html.unescape(text).replace("\u2019", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


def _source(response_or_markup) -> str | bytes:
    if isinstance(response_or_markup, str | bytes):
        return response_or_markup
    response = response_or_markup
    return response.content.decode(response.charset or "utf-8")


def soup(response_or_markup, **options) -> BeautifulSoup:
    """The document (a test client's response, or its markup as text or bytes) to query."""
    return BeautifulSoup(_source(response_or_markup), "html.parser", **options)


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
    attrs: dict[str, str]
    parts: list[str] = field(default_factory=list)


class Page:
    """A parsed response as a visitor reads it: `text`, `links`, `headings`, `details`, `images`.

    The text of the page and of each link, heading and disclosure is what a person reads:
    script, style and template contents left out, an image counted by its alternative text
    (within a link or heading), and a space wherever one element ends or another begins.
    """

    def __init__(self, source: str | bytes) -> None:
        self.links: list[Link] = []
        self.headings: list[Heading] = []
        self.details: list[Disclosure] = []
        self.images: list[dict[str, str]] = []
        self._text: list[str] = []
        self._open: list[_Open] = []
        self._skipping = 0
        self._last_summary = ""
        self._source = source if isinstance(source, str) else source.decode("utf-8")
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", self._source)]
        # Attribute values as written (class="a b" stays one string), as a visitor's reading
        # of the page needs no more.
        self._read(soup(self._source, multi_valued_attributes=None))
        self.text = clean(" ".join(self._text))

    # Collected text goes to the document and to every element still open that we track.
    def _add_text(self, data: str) -> None:
        if self._skipping:
            return
        self._text.append(data)
        for element in self._open:
            element.parts.append(data)

    def _read(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Tag):
                self._element(child)
            elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
                self._add_text(str(child))  # comments, doctypes and the like are not read

    def _element(self, element: Tag) -> None:
        tag, attributes = element.name, dict(element.attrs)
        if tag in SKIPPED:
            self._skipping += 1
            self._read(element)
            self._skipping = max(0, self._skipping - 1)
            return
        if tag == "img":
            self.images.append(attributes)
            if attributes.get("alt"):
                for open_element in self._open:
                    open_element.parts.append(f" {attributes['alt']} ")
        if tag in VOID:
            # No content. Written <br/>, it also ends where it starts (a space), as html.parser
            # reports it; written <br>, it does not: the reading these tests were written for.
            if self._self_closed(element):
                self._add_text(" ")
            return
        if tag in TRACKED:
            self._open.append(_Open(tag, attributes))
        self._add_text(" ")
        self._read(element)
        self._add_text(" ")
        if tag in TRACKED:
            self._close(tag)

    def _self_closed(self, element: Tag) -> bool:
        if element.sourceline is None or element.sourcepos is None:
            return False
        start = self._line_starts[element.sourceline - 1] + element.sourcepos
        written = START_TAG.match(self._source, start)
        return written is not None and written.group().endswith("/>")

    def _close(self, tag: str) -> None:
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
                self.details.append(Disclosure(self._last_summary, text))
            break

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
    """The page of a test client's response, as a visitor reads it."""
    return Page(_source(response))
