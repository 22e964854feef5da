"""The editor's words in the acknowledgement email, in the language the person enquired in.

The enquiry page's editors write the promised response time ("within two working days") and
"what happens next". An email in Polish or Urdu uses the words of the enquiry page's Polish or
Urdu translation; while that language has only the copy of the English page, the email leaves
the editor's words out (it says "We will contact you soon" in the person's language) rather
than putting English words in the middle of a Polish sentence.
"""

from __future__ import annotations

from html.parser import HTMLParser

from core.localization import own_words_in


def acknowledgement_words(hub, language_code: str) -> dict[str, str]:
    """{"response_time": ..., "what_happens_next": ...} for the acknowledgement email."""
    if not getattr(hub, "enquiry_page_id", None):
        return {}
    page = own_words_in(hub.enquiry_page.specific, language_code)
    if page is None:
        return {}
    return {
        "response_time": getattr(page, "response_time", "") or "",
        "what_happens_next": plain_text(str(getattr(page, "what_happens_next", "") or "")),
    }


class _PlainText(HTMLParser):
    """Rich text as a plain-text email shows it: paragraphs apart, list items numbered or
    bulleted, links as their words (the email is read where the page is not)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.lists: list[list] = []  # [kind, next number]

    def _end_line(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.lines.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("p", "h2", "h3", "h4", "br"):
            self._end_line()
        elif tag in ("ol", "ul"):
            self._end_line()
            self.lists.append([tag, 1])
        elif tag == "li":
            self._end_line()
            if self.lists and self.lists[-1][0] == "ol":
                self.current.append(f"{self.lists[-1][1]}. ")
                self.lists[-1][1] += 1
            else:
                self.current.append("- ")

    def handle_endtag(self, tag) -> None:
        if tag in ("p", "h2", "h3", "h4", "li"):
            self._end_line()
        elif tag in ("ol", "ul"):
            self._end_line()
            if self.lists:
                self.lists.pop()

    def handle_data(self, data) -> None:
        self.current.append(data)

    def text(self) -> str:
        self._end_line()
        return "\n".join(self.lines)


def plain_text(html: str) -> str:
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    return parser.text()
