"""Markers the demo content uses to point at things the loader creates (images, pages, councils).

The content is plain data; the loader swaps each marker for the real object (or its id inside
StreamField data) once that object exists.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Img:
    """A demo image, by its key in `demo.images.SCENES` (or "logo")."""

    key: str


@dataclass(frozen=True)
class PageRef:
    """A demo page by its path below the home page, e.g. '/types-of-fostering/teenagers/'."""

    path: str


@dataclass(frozen=True)
class CouncilRef:
    """A partner council by its short name, e.g. 'derby'."""

    short_name: str


# StreamField block helpers: each returns raw StreamField data with markers inside.


def rich_text(html: str) -> dict:
    return {"type": "rich_text", "value": html}


def image(key: str, alt_text: str, caption: str = "") -> dict:
    return {"type": "image", "value": {"image": Img(key), "alt_text": alt_text, "caption": caption}}


def link(label: str, page: str | None = None, url: str = "") -> dict:
    return {"label": label, "page": PageRef(page) if page else None, "external_url": url}


def call_to_action(heading: str, text: str, label: str, page: str) -> dict:
    return {
        "type": "call_to_action",
        "value": {"heading": heading, "text": text, "link": link(label, page)},
    }


def quote(text: str, attribution: str, story: str | None = None) -> dict:
    return {
        "type": "quote",
        "value": {
            "quote": text,
            "attribution": attribution,
            "story": PageRef(story) if story else None,
        },
    }


def faq(heading: str, questions: list[tuple[str, str]]) -> dict:
    return {
        "type": "faq",
        "value": {
            "heading": heading,
            "questions": [{"question": q, "answer": a} for q, a in questions],
        },
    }


def key_figures(heading: str, figures: list[tuple[str, str]]) -> dict:
    return {
        "type": "key_figures",
        "value": {
            "heading": heading,
            "figures": [{"figure": f, "label": label} for f, label in figures],
        },
    }


def video(title: str, url: str, duration: str, transcript: str) -> dict:
    return {
        "type": "video",
        "value": {"title": title, "url": url, "duration": duration, "transcript": transcript},
    }


def p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def ul(*items: str) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def ol(*items: str) -> str:
    return "<ol>" + "".join(f"<li>{item}</li>" for item in items) + "</ol>"


def h2(text: str) -> str:
    return f"<h2>{text}</h2>"


def h3(text: str) -> str:
    return f"<h3>{text}</h3>"
