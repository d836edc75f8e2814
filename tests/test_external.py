"""External reviews stage by stage: who may move each stage, what locks when, and that a final review never changes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from fidelity.models import AuditEntry, ConsensusScore, Rating, Review, ReviewKind, ReviewStatus, Role
from tests import factories
from tests.test_web import csrf_token, login


@dataclass
class Team:
    unit: Any
    manager: Any
    commissioner: Any
    first: Any
    second: Any
    outsider: Any  # an external reviewer not assigned to the review


@pytest.fixture
def team(session: Any) -> Team:
    area = factories.area()
    unit = factories.unit(area)
    return Team(
        unit=unit,
        manager=factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id),
        commissioner=factories.user(Role.SECOND_TIER_MANAGER, area_id=area.id),
        first=factories.user(Role.EXTERNAL_REVIEWER),
        second=factories.user(Role.EXTERNAL_REVIEWER),
        outsider=factories.user(Role.EXTERNAL_REVIEWER),
    )


def as_user(client: Any, user: Any) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, user.email)


def base(team: Team, review_id: int) -> str:
    return f"/units/{team.unit.code}/external/{review_id}"


def token(client: Any, url: str = "/login") -> str:
    """The session's CSRF token, read from a page that has one (the login page shows it to anyone)."""
    return csrf_token(client, url)


def revision(client: Any, url: str) -> str:
    match = re.search(r'name="revision" type="hidden" value="(\d+)"', client.get(url).get_data(as_text=True))
    assert match, f"no revision on {url}"
    return match.group(1)


def commission(
    client: Any, team: Team, reviewers: list[Any], start: str = "2026-03-10", end: str = "2026-03-11"
) -> Any:
    url = f"/units/{team.unit.code}/external/new"
    data = {
        "scale": "ips-25",
        "visit_start": start,
        "visit_end": end,
        "reviewers": [str(r.id) for r in reviewers],
        "csrf_token": token(client, url),
    }
    return client.post(url, data=data)


def rate(client: Any, team: Team, review_id: int, scores: dict[str, int], evidence: str = "") -> Any:
    url = base(team, review_id) + "/rate"
    data: dict[str, Any] = {f"score_{k}": str(v) for k, v in scores.items()}
    data |= {f"evidence_{k}": evidence for k in scores} if evidence else {}
    data |= {"revision": revision(client, url), "csrf_token": token(client, url), "save": "Save"}
    return client.post(url, data=data)


def step(client: Any, team: Team, review_id: int, name: str) -> Any:
    return client.post(base(team, review_id) + name, data={"csrf_token": token(client)})


def amend(client: Any, team: Team, review_id: int, reason: str = "V3 was scored from the wrong year.") -> Any:
    return client.post(base(team, review_id) + "/amend", data={"csrf_token": token(client), "reason": reason})


def save_consensus(client: Any, team: Team, review_id: int, fields: dict[str, str]) -> Any:
    url = base(team, review_id) + "/consensus"
    data = fields | {"revision": revision(client, url), "csrf_token": token(client, url), "save": "Save"}
    return client.post(url, data=data)


def audited(session: Any) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def reload(session: Any, review: Review) -> Review:
    """The review as the database holds it now (each request ends the session the test's objects came from)."""
    session.expire_all()
    return session.get(Review, review.id)


def latest_review(session: Any, team: Team) -> Review:
    return session.scalars(select(Review).where(Review.unit_id == team.unit.id).order_by(Review.id.desc())).first()


@pytest.fixture
def keys(registry: Any) -> tuple[str, ...]:
    return registry.get("ips-25").item_keys


def test_second_tier_managers_commission_with_two_or_more_reviewers(client: Any, session: Any, team: Team) -> None:
    login(client, team.manager.email)
    assert client.get(f"/units/{team.unit.code}/external/new").status_code == 403  # a frontline manager may not

    as_user(client, team.commissioner)
    refused = commission(client, team, [team.first])
    assert refused.status_code == 400 and "Choose at least 2 different reviewers." in refused.get_data(as_text=True)
    not_a_reviewer = commission(client, team, [team.first, team.manager])
    assert not_a_reviewer.status_code == 400
    # Every problem of the form at once: a visit that ends before it starts, in a mistyped year, with one reviewer.
    several = commission(client, team, [team.first], start="1900-01-02", end="1900-01-01")
    page = several.get_data(as_text=True)
    assert several.status_code == 400 and "Choose at least 2 different reviewers." in page
    assert "The visit cannot end before it starts." in page and "Dates before Jan 1, 2000 are not taken" in page
    assert session.scalar(select(func.count()).select_from(Review)) == 0

    response = commission(client, team, [team.first, team.second])
    review = latest_review(session, team)
    assert response.status_code == 302 and response.headers["Location"] == base(team, review.id)
    assert (review.kind, review.status, review.visit_start, review.visit_end, review.review_date) == (
        ReviewKind.EXTERNAL, ReviewStatus.DRAFT, date(2026, 3, 10), date(2026, 3, 11), date(2026, 3, 11)
    )  # fmt: skip
    assert {a.reviewer_id for a in review.reviewers} == {team.first.id, team.second.id}


def test_a_second_review_on_the_scale_waits_and_a_mistaken_one_is_withdrawn(
    client: Any, session: Any, team: Team, keys: tuple[str, ...]
) -> None:
    login(client, team.commissioner.email)
    assert 'id="under-way"' not in client.get(f"/units/{team.unit.code}/external/new").get_data(as_text=True)
    assert commission(client, team, [team.first, team.second]).status_code == 302
    mistaken = latest_review(session, team)
    # The start page says so before the form is filled in, with a link to the review under way.
    before = client.get(f"/units/{team.unit.code}/external/new").get_data(as_text=True)
    assert 'id="under-way"' in before and f'href="{base(team, mistaken.id)}"' in before
    assert "visit ending Mar 11, 2026" in before
    again = commission(client, team, [team.first, team.second], start="2026-04-01", end="2026-04-02")
    assert again.status_code == 400 and "already under way (visit ending Mar 11, 2026)" in again.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Review)) == 1

    # A reviewer has rated; the commissioner withdraws the review, after a page that says what goes.
    as_user(client, team.first)
    assert rate(client, team, mistaken.id, {"S1": 4}, "Seen").status_code == 302
    assert 'id="withdraw"' not in client.get(base(team, mistaken.id)).get_data(as_text=True)
    assert client.get(base(team, mistaken.id) + "/withdraw").status_code == 403  # reviewers may not
    as_user(client, team.commissioner)
    assert 'id="withdraw"' in client.get(base(team, mistaken.id)).get_data(as_text=True)
    confirm = client.get(base(team, mistaken.id) + "/withdraw").get_data(as_text=True)
    assert "1 rating given by the reviewers" in confirm and "0 consensus scores" in confirm
    url = base(team, mistaken.id) + "/withdraw"
    assert client.post(url, data={}).status_code == 400  # no CSRF token: nothing happens
    done = client.post(url, data={"csrf_token": token(client, url)})
    assert done.status_code == 303 and done.headers["Location"] == f"/units/{team.unit.code}"
    assert session.scalar(select(func.count()).select_from(Review)) == 0
    assert session.scalar(select(func.count()).select_from(Rating)) == 0
    deleted = {e.entity for e in session.scalars(select(AuditEntry).where(AuditEntry.action == "delete"))}
    assert {"reviews", "ratings", "review_reviewers"} <= deleted
    # Now the right one can start.
    assert commission(client, team, [team.first, team.second], start="2026-04-01", end="2026-04-02").status_code == 302


def test_a_final_review_is_never_withdrawn(client: Any, session: Any, team: Team, final_review: Review) -> None:
    as_user(client, team.commissioner)
    assert 'id="withdraw"' not in client.get(base(team, final_review.id)).get_data(as_text=True)
    url = base(team, final_review.id) + "/withdraw"
    assert client.get(url).status_code == 409
    refused = client.post(url, data={"csrf_token": token(client, base(team, final_review.id))})
    assert refused.status_code == 409 and "cannot be withdrawn" in refused.get_data(as_text=True)
    assert reload(session, final_review).status is ReviewStatus.FINAL


def test_reviewers_rate_on_their_own_and_see_only_their_own(
    client: Any, session: Any, team: Team, keys: tuple[str, ...]
) -> None:
    review = factories.external_review(team.unit, [team.first, team.second], date(2026, 3, 11))
    login(client, team.first.email)
    assert rate(client, team, review.id, {"S1": 4}, "Caseload list: 19 per specialist").status_code == 302

    as_user(client, team.second)
    own_page = client.get(base(team, review.id) + "/rate").get_data(as_text=True)
    assert "Caseload list: 19 per specialist" not in own_page
    overview = client.get(base(team, review.id)).get_data(as_text=True)
    assert "1 of 25 items scored" in overview and "Caseload list" not in overview
    assert "Without evidence or sources" not in overview  # the other reviewer's items are theirs until consensus
    assert rate(client, team, review.id, {"S1": 2}, "Interviews").status_code == 302
    # A score without a source (or without evidence) is pointed out to its reviewer, and in consensus.
    overview = " ".join(client.get(base(team, review.id)).get_data(as_text=True).split())
    assert "Without evidence or sources: S1" in overview
    url = base(team, review.id) + "/rate"
    fields = {"score_S1": "2", "evidence_S1": "Interviews", "sources_S1": "INT", "save": "Save"}
    client.post(url, data=fields | {"revision": revision(client, url), "csrf_token": token(client, url)})
    assert "Without evidence or sources" not in client.get(base(team, review.id)).get_data(as_text=True)
    stored = {r.rater_id: r.score for r in session.scalars(select(Rating).where(Rating.review_id == review.id))}
    assert stored == {team.first.id: 4, team.second.id: 2}

    for user, status in ((team.outsider, 403), (team.manager, 403), (team.commissioner, 403)):
        as_user(client, user)
        expected = 404 if user is team.outsider else status  # the outsider cannot even see the unit
        assert client.get(base(team, review.id) + "/rate").status_code == expected


def test_the_audit_trail_keeps_a_reviewers_ratings_back_until_consensus(
    client: Any, session: Any, team: Team, keys: tuple[str, ...]
) -> None:
    review = factories.external_review(team.unit, [team.first, team.second], date(2026, 3, 11))
    login(client, team.first.email)
    rate(client, team, review.id, {"S1": 4}, "Caseload list: 19 per specialist")
    rate(client, team, review.id, {"S1": 3}, "Caseload list: 23 per specialist")  # a change names no review
    for user in (team.manager, team.commissioner):
        as_user(client, user)
        trail = client.get(f"/units/{team.unit.code}/audit").get_data(as_text=True)
        assert "rating <strong>S1</strong>" in trail and "Shown once consensus starts" in trail
        assert "Caseload list" not in trail and '<span title="score">Score</span>' not in trail

    full_ratings(client, team, review.id, keys, 4, 4)
    step(client, team, review.id, "/consensus/start")
    as_user(client, team.manager)
    trail = client.get(f"/units/{team.unit.code}/audit").get_data(as_text=True)
    assert "Caseload list: 23 per specialist" in trail and '<span title="score">Score</span>' in trail
    assert "Shown once consensus starts" not in trail


def test_a_save_from_an_older_window_is_refused_and_shows_both(client: Any, session: Any, team: Team) -> None:
    review = factories.external_review(team.unit, [team.first, team.second], date(2026, 3, 11))
    login(client, team.first.email)
    url = base(team, review.id) + "/rate"
    old = revision(client, url)
    assert rate(client, team, review.id, {"S1": 3}, "First window").status_code == 302
    late = client.post(url, data={"score_S1": "5", "revision": old, "csrf_token": token(client, url), "save": "S"})
    page = " ".join(late.get_data(as_text=True).split())
    assert late.status_code == 409 and "Saved by you, in another tab or window:</strong> 3 · First window" in page
    assert session.scalars(select(Rating.score).where(Rating.review_id == review.id)).one() == 3


def test_a_refused_rating_save_is_announced_at_the_top_with_a_link_to_each_item(
    client: Any, session: Any, team: Team, keys: tuple[str, ...]
) -> None:
    review = factories.external_review(team.unit, [team.first, team.second], date(2026, 3, 11))
    login(client, team.first.email)
    url = base(team, review.id) + "/rate"
    data = {"score_S1": "4", "evidence_S3": "x" * 5001, "revision": revision(client, url)}
    refused = client.post(url, data=data | {"csrf_token": token(client, url), "save": "Save"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    summary = page[page.index('<div class="form-errors"') : page.index('<form method="post" class="scoring"')]
    assert "Some items need attention; nothing was saved." in summary and '<a href="#item-S3">S3</a>' in summary
    assert 'href="#item-S1"' not in summary
    assert not session.scalars(select(Rating).where(Rating.review_id == review.id)).all()


def full_ratings(client: Any, team: Team, review_id: int, keys: tuple[str, ...], first: int, second: int) -> None:
    """Both reviewers score every item: `first` and `second`, except that S1 differs by 2 and V1 by 1."""
    login(client, team.first.email)
    rate(client, team, review_id, dict.fromkeys(keys, first) | {"S1": 4, "V1": 3}, "Seen in the records")
    as_user(client, team.second)
    rate(client, team, review_id, dict.fromkeys(keys, second) | {"S1": 2, "V1": 4}, "Heard in interviews")


def at_consensus(client: Any, team: Team, keys: tuple[str, ...]) -> Review:
    """An external review both reviewers have rated (`full_ratings`), at consensus; the second is logged in."""
    review = factories.external_review(team.unit, [team.first, team.second], date(2026, 3, 11))
    full_ratings(client, team, review.id, keys, 4, 4)
    step(client, team, review.id, "/consensus/start")
    return review


def test_consensus_needs_every_rating_then_locks_them(
    client: Any, session: Any, team: Team, keys: tuple[str, ...]
) -> None:
    review = factories.external_review(team.unit, [team.first, team.second], date(2026, 3, 11))
    login(client, team.first.email)
    rate(client, team, review.id, dict.fromkeys(keys, 4))
    early = step(client, team, review.id, "/consensus/start")
    assert early.status_code == 409
    assert f"Items still to score: {team.second.display_name}: 25 items." in early.get_data(as_text=True)
    assert review.status is ReviewStatus.DRAFT
    # A few items left are named, so that they can be found.
    as_user(client, team.second)
    rate(client, team, review.id, {k: 4 for k in keys if k not in ("O1", "V14")})
    nearly = step(client, team, review.id, "/consensus/start")
    assert f"Items still to score: {team.second.display_name}: O1, V14." in nearly.get_data(as_text=True)
    as_user(client, team.first)

    full_ratings(client, team, review.id, keys, 4, 4)
    as_user(client, team.manager)
    assert step(client, team, review.id, "/consensus/start").status_code == 403  # not a reviewer of it
    as_user(client, team.first)
    assert step(client, team, review.id, "/consensus/start").status_code == 302
    assert reload(session, review).status is ReviewStatus.CONSENSUS

    before = audited(session)
    locked = client.post(
        base(team, review.id) + "/rate",
        data={"score_S1": "1", "revision": "99", "csrf_token": token(client, base(team, review.id)), "save": "S"},
    )
    assert locked.status_code == 409 and "locked" in locked.get_data(as_text=True)
    assert audited(session) == before
    # Once consensus starts, everyone who may see the unit sees both reviewers' scores side by side.
    as_user(client, team.manager)
    page = client.get(base(team, review.id)).get_data(as_text=True)
    assert team.first.display_name in page and team.second.display_name in page and "2 apart" in page


def test_the_consensus_page_flags_divergence_and_shows_agreement(
    client: Any, session: Any, team: Team, keys: tuple[str, ...]
) -> None:
    review = at_consensus(client, team, keys)
    page = " ".join(client.get(base(team, review.id) + "/consensus").get_data(as_text=True).split())
    assert 'id="consensus-S1"' in page and "Reviewers 2 points apart" in page
    assert page.count("points apart</span>") == 1  # V1 is one point apart: not flagged
    # 23 of 25 items agree exactly, 24 within one point.
    assert "92%" in page and "96%" in page
    assert "Seen in the records" in page and "Heard in interviews" in page
    assert page.count("No sources named.") == 50  # the two reviewers named none for any of the 25 items
    assert "No evidence written." not in page
    # The previous review's scores say which review they come from.
    factories.self_assessment(team.unit, team.manager, dict.fromkeys(keys, 3), date(2025, 9, 15))
    page = " ".join(client.get(base(team, review.id) + "/consensus").get_data(as_text=True).split())
    assert "Previous review (self-assessment, Sep 15, 2025): <strong>3</strong>" in page


def consensus_fields(keys: tuple[str, ...], score: int, **overrides: str) -> dict[str, str]:
    fields = {f"consensus_{k}": str(score) for k in keys} | {"strengths": "A committed team."}
    return fields | overrides


def test_a_consensus_score_is_explicit_and_needs_a_reason_when_nobody_gave_it(
    client: Any, session: Any, team: Team, keys: tuple[str, ...]
) -> None:
    review = at_consensus(client, team, keys)
    # S1 was rated 4 and 2: a consensus of 3 differs from both and needs a rationale.
    refused = save_consensus(client, team, review.id, consensus_fields(keys, 4, consensus_S1="3"))
    assert refused.status_code == 400 and "say why in the rationale" in refused.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(ConsensusScore)) == 0
    saved = save_consensus(
        client, team, review.id, consensus_fields(keys, 4, consensus_S1="3", rationale_S1="Caseload grew in March")
    )
    assert saved.status_code == 302
    rows = {c.item_key: c for c in session.scalars(select(ConsensusScore).where(ConsensusScore.review_id == review.id))}
    assert rows["S1"].score == 3 and rows["S1"].rationale == "Caseload grew in March" and len(rows) == 25
    # Nothing is chosen for the reviewers: an item left blank stays without a consensus score.
    save_consensus(client, team, review.id, consensus_fields(keys, 4) | {"consensus_V2": ""} | {"rationale_S1": ""})
    session.expire_all()
    assert session.scalars(select(ConsensusScore.score).where(ConsensusScore.item_key == "V2")).one() is None


def test_a_consensus_the_fields_refuse_says_what_and_where(
    client: Any, session: Any, team: Team, keys: tuple[str, ...]
) -> None:
    """Browsers cannot send these (radio choices, maxlength), but a hand-made or damaged post still gets a reason."""
    review = at_consensus(client, team, keys)
    fields = consensus_fields(keys, 4, consensus_S2="9", recommendation_V1="x" * 6000, strengths="y" * 6000)
    refused = save_consensus(client, team, review.id, fields)
    page = " ".join(refused.get_data(as_text=True).split())
    assert refused.status_code == 400 and "Some items need attention; nothing was saved." in page
    assert '<a href="#consensus-S2">S2</a>: ' in page and "Not a valid choice" in page
    assert '<a href="#consensus-V1">V1</a>: Recommendation: ' in page
    assert '<a href="#strengths">Strengths of the unit</a>: ' in page
    assert session.scalar(select(func.count()).select_from(ConsensusScore)) == 0
    url = base(team, review.id) + "/consensus"
    expired = client.post(url, data=consensus_fields(keys, 4) | {"csrf_token": token(client, url), "save": "Save"})
    assert expired.status_code == 400 and "open the consensus again" in expired.get_data(as_text=True)


def test_sign_off_needs_recommendations_and_every_reviewer(
    client: Any, session: Any, team: Team, keys: tuple[str, ...]
) -> None:
    review = at_consensus(client, team, keys)
    save_consensus(client, team, review.id, consensus_fields(keys, 4, consensus_S1="2"))
    # The page says what is missing, and offers no sign-off until it is there; a sign-off sent anyway is refused.
    page = client.get(base(team, review.id)).get_data(as_text=True)
    assert '<button type="submit" disabled aria-describedby="before-signing-off">Sign off</button>' in page
    refused = step(client, team, review.id, "/sign-off")
    assert refused.status_code == 409 and "Write a recommendation for every item below 4: S1" in refused.get_data(
        as_text=True
    )
    save_consensus(client, team, review.id, consensus_fields(keys, 4, consensus_S1="2", recommendation_S1="Hire"))
    assert step(client, team, review.id, "/sign-off").status_code == 302
    review = reload(session, review)
    assert review.status is ReviewStatus.CONSENSUS  # one of two has signed
    signed = {a.reviewer_id: a.signed_off_at is not None for a in review.reviewers}
    assert signed == {team.first.id: False, team.second.id: True}
    # The reviewer who signed sees it done, on a button that cannot be pressed again.
    page = client.get(base(team, review.id)).get_data(as_text=True)
    assert '<button type="submit" disabled>Signed off</button>' in page and ">Sign off</button>" not in page
    # The unit's own records are a link away, and the reviewer may open them.
    links = [f"/units/{team.unit.code}/{name}" for name in ("waiting-list", "outcomes", "staffing")]
    assert all(f'href="{link}"' in page for link in links)
    assert all(client.get(link).status_code == 200 for link in links)

    # A change to the consensus withdraws the sign-offs given to what it said before.
    as_user(client, team.first)
    save_consensus(client, team, review.id, consensus_fields(keys, 4, consensus_S1="2", recommendation_S1="Hire one"))
    assert all(a.signed_off_at is None for a in reload(session, review).reviewers)
    assert step(client, team, review.id, "/sign-off").status_code == 302
    as_user(client, team.second)
    assert step(client, team, review.id, "/sign-off").status_code == 302
    review = reload(session, review)
    assert review.status is ReviewStatus.FINAL and review.submitted_at is not None
    assert (review.total, review.scored_items) == (98, 25)  # the consensus's total, kept as it becomes final

    # The unit's page now counts the external review: 23 x 4 + 2 + 4 (V1 agreed at 4) = 98.
    as_user(client, team.manager)
    unit_page = client.get(f"/units/{team.unit.code}").get_data(as_text=True)
    assert '<strong class="latest-total">98</strong>' in unit_page


def test_a_late_consensus_save_shows_what_the_other_reviewer_saved_so_a_second_save_knows_what_it_replaces(
    client: Any, session: Any, team: Team, keys: tuple[str, ...]
) -> None:
    review = at_consensus(client, team, keys)
    url = base(team, review.id) + "/consensus"
    opened = revision(client, url)  # the second reviewer opens the consensus page
    as_user(client, team.first)
    agreed = consensus_fields(keys, 4, rationale_V1="Agreed after the visit.\nBoth sources.")
    assert save_consensus(client, team, review.id, agreed).status_code == 302
    as_user(client, team.second)
    late = consensus_fields(keys, 4, rationale_S1="Seen in the team meeting")
    data = late | {"revision": opened, "csrf_token": token(client, url), "save": "Save"}
    refused = client.post(url, data=data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "Another reviewer saved the consensus after you opened it" in page
    assert f"last saved by {team.first.display_name}." in page  # as the page's columns name the reviewers
    # Both versions of the items that differ are shown and linked from the top; the others are not marked.
    assert 'href="#consensus-V1"' in page and 'href="#consensus-S1"' in page and 'href="#consensus-O1"' not in page
    assert "Agreed after the visit.\nBoth sources." in page and 'id="consensus-V1"' in page
    assert re.search(r'class="item consensus-item[^"]* differs" id="consensus-V1"', page)
    assert not re.search(r'class="item consensus-item[^"]* differs" id="consensus-O1"', page)
    saved = {c.item_key: c.rationale for c in session.scalars(select(ConsensusScore))}
    assert saved["V1"] == "Agreed after the visit.\nBoth sources." and saved["S1"] == ""
    # Saving again from the refused page keeps its entries, now knowingly.
    match = re.search(r'name="revision" type="hidden" value="(\d+)"', page)
    assert match
    again = client.post(url, data=data | {"revision": match.group(1)})
    assert again.status_code == 302
    session.expire_all()
    saved = {c.item_key: c.rationale for c in session.scalars(select(ConsensusScore))}
    assert saved["S1"] == "Seen in the team meeting" and saved["V1"] == ""


@pytest.fixture
def final_review(client: Any, session: Any, team: Team, keys: tuple[str, ...]) -> Review:
    review = at_consensus(client, team, keys)
    save_consensus(client, team, review.id, consensus_fields(keys, 4))
    step(client, team, review.id, "/sign-off")
    as_user(client, team.first)
    step(client, team, review.id, "/sign-off")
    review = reload(session, review)
    assert review.status is ReviewStatus.FINAL
    return review


WRITES = ["/rate", "/consensus/start", "/consensus", "/sign-off"]


@pytest.mark.parametrize("route", WRITES)
def test_every_write_route_refuses_a_final_review(
    client: Any, session: Any, team: Team, keys: tuple[str, ...], final_review: Review, route: str
) -> None:
    before = audited(session)
    url = base(team, final_review.id)
    data = consensus_fields(keys, 1) | {f"score_{k}": "1" for k in keys} | {"revision": "1", "strengths": "x"}
    response = client.post(url + route, data=data | {"csrf_token": token(client, url)})
    assert response.status_code == 409
    assert "final" in response.get_data(as_text=True) or "locked" in response.get_data(as_text=True)
    assert audited(session) == before
    final_review = reload(session, final_review)
    assert final_review.status is ReviewStatus.FINAL
    assert {c.score for c in final_review.consensus} == {4}


def test_a_final_review_is_amended_by_a_linked_review(
    client: Any, session: Any, team: Team, keys: tuple[str, ...], final_review: Review
) -> None:
    as_user(client, team.outsider)
    assert amend(client, team, final_review.id).status_code == 404
    as_user(client, team.first)
    asked = client.get(base(team, final_review.id) + "/amend").get_data(as_text=True)
    assert "Amend the external review of" in asked and 'name="reason"' in asked
    # An amendment says why it is made: without a reason nothing is started.
    refused = amend(client, team, final_review.id, reason="")
    assert refused.status_code == 400 and "Say what needs changing and why" in refused.get_data(as_text=True)
    assert latest_review(session, team).id == final_review.id
    response = amend(client, team, final_review.id)
    amendment = latest_review(session, team)
    assert response.status_code == 302 and response.headers["Location"] == base(team, amendment.id) + "/consensus"
    assert (amendment.corrects_id, amendment.status) == (final_review.id, ReviewStatus.CONSENSUS)
    assert amendment.change_reason == "V3 was scored from the wrong year."
    assert {c.item_key: c.score for c in amendment.consensus} == dict.fromkeys(keys, 4)
    # The amendment's consensus page shows the original reviewers' own ratings; the original is untouched.
    page = client.get(base(team, amendment.id) + "/consensus").get_data(as_text=True)
    assert "Reviewers 2 points apart" in page and "Reason given: V3 was scored from the wrong year." in page
    save_consensus(client, team, amendment.id, consensus_fields(keys, 4, consensus_V3="5", rationale_V3="Re-read"))
    assert {c.score for c in reload(session, final_review).consensus} == {4}
    original = client.get(base(team, final_review.id)).get_data(as_text=True)
    assert (
        f'Being amended: <a href="{base(team, amendment.id)}">the amending review #{amendment.id}</a> is at the '
        "stage Consensus. This review counts until the amendment is final." in original
    )
    assert "Reason given: V3 was scored from the wrong year." in original
    # Asking again, the other reviewer goes on with the same amendment rather than a second one, told so.
    as_user(client, team.second)
    assert client.get(base(team, final_review.id) + "/amend").headers["Location"] == base(team, amendment.id) + (
        "/consensus"
    )
    again = client.get(base(team, amendment.id) + "/consensus").get_data(as_text=True)
    assert f"An amendment of this review is already open, started by {team.first.display_name}" in again
    assert latest_review(session, team).id == amendment.id


def test_a_review_already_amended_is_not_amended_again_from_its_old_values(
    client: Any, session: Any, team: Team, keys: tuple[str, ...], final_review: Review
) -> None:
    as_user(client, team.first)
    amend(client, team, final_review.id)
    amendment = latest_review(session, team)
    save_consensus(client, team, amendment.id, consensus_fields(keys, 4, consensus_V3="5", rationale_V3="Re-read"))
    step(client, team, amendment.id, "/sign-off")
    as_user(client, team.second)
    step(client, team, amendment.id, "/sign-off")
    assert reload(session, amendment).status is ReviewStatus.FINAL
    # The original says the amendment counts in its place, and no longer offers an amendment: one made from it
    # would drop the V3 the amendment corrected.
    page = client.get(base(team, final_review.id)).get_data(as_text=True)
    assert f"the amending review #{amendment.id}</a> is final and counts in this review's place." in page
    assert f"{base(team, final_review.id)}/amend" not in page
    response = amend(client, team, final_review.id)
    assert response.status_code == 409 and f"#{amendment.id}" in response.get_data(as_text=True)
    assert latest_review(session, team).id == amendment.id
    # The amendment itself is amended, from its own values.
    response = amend(client, team, amendment.id)
    again = latest_review(session, team)
    assert (again.corrects_id, response.headers["Location"]) == (amendment.id, base(team, again.id) + "/consensus")
    assert {c.item_key: c.score for c in again.consensus}["V3"] == 5


def test_a_final_review_offers_its_recommendations_as_actions_to_the_unit(client: Any, team: Team) -> None:
    review = factories.final_external_review(
        team.unit,
        [team.first, team.second],
        date(2026, 3, 11),
        {"S1": (3, "Bring caseloads down to 20"), "S2": (5, "")},
    )
    login(client, team.manager.email)
    page = client.get(base(team, review.id)).get_data(as_text=True)
    link = f"/units/{team.unit.code}/actions/new?review={review.id}&amp;item=S1"
    assert "Bring caseloads down to 20" in page and link in page and "item=S2" not in page
    form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert 'value="Bring caseloads down to 20"' in form
    as_user(client, team.first)  # a reviewer cannot plan for the unit, so is not offered the link
    assert link not in client.get(base(team, review.id)).get_data(as_text=True)
