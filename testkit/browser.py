"""Helpers of the journeys (headless Chromium, Playwright): axe-core's findings, what has the
keyboard focus and how big a target is, an authenticator app's code, and filling in the
enquiry form by pointer."""

from __future__ import annotations

import time
from base64 import b32decode

from django_otp.oath import TOTP

# WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Addresses the enquiries the enquiry journeys send use, so each test can remove what it sent.
EMAIL_DOMAIN = "browser-test.example.org"


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page with the WCAG A/AA rules and return its violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return results.response["violations"]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
    )


def app_code(key: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for this key (django-otp's own TOTP)."""
    totp = TOTP(b32decode(key.replace(" ", "")))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            return {
                id: el.id,
                tag: el.tagName.toLowerCase(),
                name: el.getAttribute('name'),
                type: el.getAttribute('type'),
                href: el.getAttribute('href'),
                classes: el.className,
                inHeader: !!el.closest('header'),
                checked: !!el.checked,
                outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
                shadow: style.boxShadow !== 'none',
                width: box.width,
                height: box.height,
            };
        }"""
    )


def assert_target_size(current: dict) -> None:
    assert current["width"] >= 24 and current["height"] >= 24, f"{current} is under 24x24px"


def fill_by_pointer(tab, phone: str = "0115 496 0000") -> None:
    """Fill every answer the way a mouse or touch user would (no keyboard journey)."""
    tab.fill("#first_name", "Jo")
    tab.fill("#last_name", "Adeyemi")
    tab.fill("#email", f"jo@{EMAIL_DOMAIN}")
    tab.fill("#phone", phone)
    tab.fill("#postcode", "NG1 5AA")
    tab.get_by_label("Yes", exact=True).check()
    tab.get_by_label("Email", exact=True).check()
    tab.get_by_label("Any time").check()
