"""Random input never makes a server error: every form of the app gets random values in its own fields (and fields
it does not expect), and the journey import gets random files built from its layout, as someone the route lets in.
Whatever comes back, it is an answer (a page, a form with errors, a redirect), never a 500."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask, url_for
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from fidelity.monitoring.layout import example_row, header
from tests.test_access_matrix import MATRIX, POSTING_ROLE, World, signed_in_client, url_params
from tests.test_access_matrix import world as world  # the fixture: the same users, units and reviews

FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
EXAMPLES = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure can be repeated
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failing form is small enough to read as it is
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Values that break naive parsing: empty, huge, negative, non-numbers, odd dates, markup, control characters.
AWKWARD = st.sampled_from(
    ["", " ", "0", "-1", "6", "3.5", "1e309", "NaN", "2025-02-30", "9999-12-31", "0000-00-00", "<script>x</script>",
     "'; DROP TABLE reviews; --", "\x00", "ö" * 5000, "19121212-1212", "true", "on", "None", "[]", "{}"]
)  # fmt: skip
VALUE = st.one_of(AWKWARD, st.text(max_size=60), st.integers(-(10**12), 10**12).map(str), st.dates().map(str))
POSTS = sorted(e for e, m in MATRIX if m == "POST" and e not in ("auth.logout",))


FIELDS_SEEN: dict[str, list[str]] = {}
DEFAULT_FIELDS = ["name", "title", "score", "date", "status", "comment", "email"]  # for a form with no GET page


def field_names(client: Any, url: str) -> list[str]:
    """The fields of the form on the page at `url` (when the route also answers GET), without the CSRF token."""
    page = client.get(url)
    names = FIELD.findall(page.get_data(as_text=True)) if page.status_code == 200 else []
    return sorted({name for name in names if name != "csrf_token"})


@pytest.mark.parametrize("endpoint", POSTS)
@EXAMPLES
@given(data=st.data())
def test_random_form_fields_never_make_a_server_error(
    app: Flask, world: World, endpoint: str, data: st.DataObject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("fidelity.reports.area_routes.launch", lambda job_id: None)
    client, token = signed_in_client(app, world, POSTING_ROLE[endpoint.split(".")[0]])
    with app.test_request_context():
        url = url_for(endpoint, **url_params(world, endpoint, inside=True))
    # The fields as the form first had them: one example may change what the page shows the next (a correction
    # started by one redirects the next to it), and the data drawn must not depend on what an earlier example did.
    if endpoint not in FIELDS_SEEN:
        FIELDS_SEEN[endpoint] = field_names(client, url) or DEFAULT_FIELDS
    known = FIELDS_SEEN[endpoint]
    names = data.draw(st.lists(st.sampled_from(known) | st.text(min_size=1, max_size=12), max_size=len(known) + 3))
    form = {name: data.draw(VALUE) for name in names} | {"csrf_token": token}
    response = client.post(url, data=form)
    assert response.status_code < 500, f"{endpoint} answered {response.status_code} to {form!r}"


CELL = st.one_of(AWKWARD, st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=20))


@st.composite
def journey_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A journey file near the real layout: the header (perhaps shuffled or cut), rows of real and random cells, in
    CSV with random separators and encodings, or plain random bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(["journeys.csv", "journeys.xlsx", "journeys.txt"])), draw(st.binary(max_size=400))
    columns = header()
    if draw(st.booleans()):
        columns = draw(st.permutations(columns))[: draw(st.integers(1, len(columns)))]
    good = example_row()
    rows = [
        [draw(st.one_of(st.just(good.get(column, "")), CELL)) for column in columns]
        for _ in range(draw(st.integers(0, 6)))
    ]
    separator = draw(st.sampled_from([",", ";", "\t"]))
    text = "\n".join(separator.join(f'"{c}"' if separator in c else c for c in row) for row in [columns, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    return "journeys.csv", text.encode(encoding, errors="replace")


@EXAMPLES
@given(upload=journey_files())
def test_random_journey_files_never_make_a_server_error(app: Flask, world: World, upload: tuple[str, bytes]) -> None:
    client, token = signed_in_client(app, world, "frontline")
    with app.test_request_context():
        url = url_for("journeys.import_page", code=world.inside.code)
    name, content = upload
    response = client.post(
        url, data={"csrf_token": token, "file": (io.BytesIO(content), name)}, content_type="multipart/form-data"
    )
    assert response.status_code in (200, 302, 400), f"{name}: {response.status_code}"
