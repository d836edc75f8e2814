"""The shared part of refusing a save made from a page opened before the record changed (fidelity/stale.py), and
helpers for the tests of each kind of record: test_journey_conflicts, test_action_conflicts,
test_adaptation_conflicts, test_staffing_conflicts."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from typing import Any

from fidelity.stale import Changed, digest

HIDDEN = re.compile(r"<input [^>]*>")


def hidden_fields(page: str) -> dict[str, str]:
    """The hidden inputs of the page's forms, by name (the first of each name): the CSRF token, `seen` and the like."""
    found: dict[str, str] = {}
    for tag in HIDDEN.findall(page):
        name, value = re.search(r'name="([^"]*)"', tag), re.search(r'value="([^"]*)"', tag)
        if 'type="hidden"' in tag and name:
            found.setdefault(name.group(1), html.unescape(value.group(1)) if value else "")
    return found


def opened(client: Any, url: str) -> dict[str, str]:
    """What a tab that opens `url` will send back unseen: its hidden fields, the record's digest or snapshot among
    them."""
    fields = hidden_fields(client.get(url).get_data(as_text=True))
    seen = fields.get("seen", "")
    assert re.fullmatch(r"[0-9a-f]{32}", seen) or isinstance(json.loads(seen or "0"), dict), f"no seen on {url}"
    return fields


def flashed(client: Any, response: Any) -> str:
    """The text of the page a save redirected to, with its flashed messages."""
    assert response.status_code == 302
    return text_of(client.get(response.headers["Location"]))


def text_of(response: Any) -> str:
    """The page's text with its spaces collapsed (non-breaking ones too)."""
    return " ".join(response.get_data(as_text=True).split())


class Refused(Changed[str]):
    pass


def test_the_digest_of_a_page_from_before_snapshots() -> None:
    content = {"title": "A", "since": date(2026, 1, 5), "items": ["b", "a"], "fte": 0.0}
    seen = digest(content)
    assert digest(dict(reversed(content.items()))) == seen and len(seen) == 32  # keys in any order
    assert digest(content | {"fte": 0.5}) != seen
    refused = Refused("it")
    assert refused.record == "it" and refused.merged is None


def test_a_merge_keeps_what_each_side_changed_and_finds_what_both_changed() -> None:
    from datetime import date

    from fidelity.stale import merge, snapshot

    shown = {"title": "A", "due": date(2026, 1, 1), "owner": 3, "hours": 20.0, "note": None}
    seen = snapshot(shown)
    assert seen == '{"due": "2026-01-01", "hours": 20.0, "note": null, "owner": 3, "title": "A"}'
    stored = shown | {"title": "B", "hours": 25.0}  # someone else changed the title and the hours
    # This person changed the due date and left the rest as shown: both changes stand, nothing to settle.
    merged = merge(seen, stored, shown | {"due": date(2026, 2, 1), "hours": 20})
    assert merged.values == {"title": "B", "due": date(2026, 2, 1), "owner": 3, "hours": 25.0, "note": None}
    assert merged.kept == [("title", "B"), ("hours", 25.0)] and merged.conflicts == []
    # The title changed by both, to different things: a conflict; the same change on both sides is none.
    merged = merge(seen, stored, shown | {"title": "C", "hours": 25})
    assert merged.conflicts == [("title", "B")] and merged.values["title"] == "C" and merged.kept == []
    # A script's form (no snapshot) is taken as it is; a page's digest from before snapshots counts as shown only
    # when it is the stored record's.
    assert merge(None, stored, shown).values == shown
    assert merge(digest(stored), stored, stored | {"note": "x"}).conflicts == []
    # Otherwise every field where what was typed differs from what is stored is for the person to settle.
    assert merge(digest(shown), stored, shown | {"note": "x"}).conflicts == [("title", "B"), ("hours", 25.0),
                                                                           ("note", None)]  # fmt: skip
