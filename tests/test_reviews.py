"""Self-assessment in the browser: start, score, save drafts, submit, correct, and stale saves."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from fidelity.models import AuditEntry, Rating, Review, ReviewStatus, Role
from fidelity.reviews.operations import previous_review
from tests import factories
from tests.test_web import csrf_token, login


@pytest.fixture
def unit_and_manager(session: Any) -> tuple[Any, Any]:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    return unit, manager


@pytest.fixture
def ips_keys(registry: Any) -> tuple[str, ...]:
    return registry.get("ips-25").item_keys


def start(client: Any, unit: Any, scale: str = "ips-25", when: str = "2026-03-15") -> Any:
    token = csrf_token(client, f"/units/{unit.code}/reviews/new")
    return client.post(
        f"/units/{unit.code}/reviews/new", data={"scale": scale, "review_date": when, "csrf_token": token}
    )


def edit_url(unit: Any, review_id: int) -> str:
    return f"/units/{unit.code}/reviews/{review_id}/edit"


def form_state(client: Any, url: str) -> dict[str, str]:
    """The CSRF token and draft revision of the scoring page."""
    page = client.get(url).get_data(as_text=True)
    revision = re.search(r'name="revision" type="hidden" value="(\d+)"', page)
    assert revision, "no revision on the scoring page"
    return {"csrf_token": csrf_token(client, url), "revision": revision.group(1)}


def scoring_data(scores: dict[str, int], evidence: dict[str, str] | None = None, **extra: str) -> dict[str, Any]:
    data: dict[str, Any] = {f"score_{k}": str(v) for k, v in scores.items()}
    for key, text in (evidence or {}).items():
        data[f"evidence_{key}"] = text
    data.update(extra)
    return data


def reload(session: Any, review: Review) -> Review:
    session.expire_all()
    return session.get(Review, review.id)


def review_of(session: Any, unit: Any) -> Review:
    return session.scalars(select(Review).where(Review.unit_id == unit.id).order_by(Review.id.desc())).first()


def test_a_manager_starts_saves_a_draft_and_submits(
    client: Any, session: Any, unit_and_manager: Any, ips_keys: Any
) -> None:
    unit, manager = unit_and_manager
    login(client, manager.email)
    response = start(client, unit)
    assert response.status_code == 302
    review = review_of(session, unit)
    assert response.headers["Location"] == edit_url(unit, review.id)
    assert (review.status, review.scale_id, review.review_date) == (ReviewStatus.DRAFT, "ips-25", date(2026, 3, 15))

    page = client.get(edit_url(unit, review.id)).get_data(as_text=True)
    assert "Caseload size" in page and "20 or fewer people per full-time specialist" in page  # anchors shown
    assert "No earlier score." in page

    half = dict.fromkeys(ips_keys[:12], 4)
    state = form_state(client, edit_url(unit, review.id))
    response = client.post(
        edit_url(unit, review.id),
        data=scoring_data(half, {"S1": "Caseload list, March"}, sources_S1=["MIS", "DOC"], save="Save draft", **state),
    )
    assert response.status_code == 302
    page = client.get(edit_url(unit, review.id)).get_data(as_text=True)
    assert "Draft saved." in page and "12 of 25 items scored" in page and "<strong>48</strong>" in page
    session.expire_all()
    s1 = session.scalars(select(Rating).where(Rating.review_id == review.id, Rating.item_key == "S1")).one()
    assert (s1.score, s1.evidence, s1.sources) == (4, "Caseload list, March", ["MIS", "DOC"])

    # Submitting with items missing saves the draft and names what is missing.
    state = form_state(client, edit_url(unit, review.id))
    response = client.post(
        edit_url(unit, review.id), data=scoring_data(half | {"V14": 2}, submit_review="Submit", **state)
    )
    assert response.status_code == 400
    missing = ", ".join(ips_keys[12:-1])  # the first twelve and V14 are scored
    assert f"Missing: {missing}." in response.get_data(as_text=True)
    session.expire_all()
    assert review_of(session, unit).status is ReviewStatus.DRAFT

    state = form_state(client, edit_url(unit, review.id))
    everything = dict.fromkeys(ips_keys, 4) | {"V14": 2}
    response = client.post(edit_url(unit, review.id), data=scoring_data(everything, submit_review="Submit", **state))
    assert response.status_code == 302 and response.headers["Location"] == f"/units/{unit.code}"
    session.expire_all()
    review = review_of(session, unit)
    assert review.status is ReviewStatus.SUBMITTED and review.submitted_by_id == manager.id
    assert (review.total, review.scored_items) == (24 * 4 + 2, 25)  # kept as it starts to count
    page = client.get(f"/units/{unit.code}").get_data(as_text=True)
    assert '<strong class="latest-total">98</strong> / 125' in page and "Fair fidelity" in page
    assert "<svg" in page and "Fair fidelity 74" in page  # the trend chart with its band lines


def test_a_submitted_review_never_changes_and_a_correction_links_both(
    client: Any, session: Any, unit_and_manager: Any, ips_keys: Any
) -> None:
    unit, manager = unit_and_manager
    original = factories.self_assessment(unit, manager, dict.fromkeys(ips_keys, 3), date(2026, 3, 15))
    login(client, manager.email)
    token = csrf_token(client, f"/units/{unit.code}")
    refused = client.post(
        edit_url(unit, original.id),
        data=scoring_data(dict.fromkeys(ips_keys, 5), csrf_token=token, revision="1", save="Save"),
    )
    assert refused.status_code == 409 and "submitted after you opened it" in refused.get_data(as_text=True)
    session.expire_all()
    assert {r.score for r in session.get(Review, original.id).ratings} == {3}

    correct = f"/units/{unit.code}/reviews/{original.id}/correct"
    asked = client.get(correct).get_data(as_text=True)
    assert "Correct the self-assessment of" in asked and 'name="reason"' in asked
    # A correction says why it is made: without a reason nothing is started.
    refused = client.post(correct, data={"csrf_token": token, "reason": "  "})
    assert refused.status_code == 400 and "Say what needs changing and why" in refused.get_data(as_text=True)
    assert review_of(session, unit).id == original.id
    # Browsers send each line break as two characters: a reason the browser let through at its length is taken.
    too_long_raw = "\r\n".join(["x" * 9] * 200)  # 2,198 characters sent, 1,999 typed
    long_form = client.post(correct, data={"csrf_token": token, "reason": too_long_raw + "!" * 2})
    assert long_form.status_code == 400 and review_of(session, unit).id == original.id  # 2,001 typed: too long
    response = client.post(
        correct, data={"csrf_token": token, "reason": "Item 3 was scored\r\nfrom last year's plan. "}
    )
    correction = review_of(session, unit)
    assert response.headers["Location"] == edit_url(unit, correction.id)
    assert correction.corrects_id == original.id and correction.status is ReviewStatus.DRAFT
    assert correction.change_reason == "Item 3 was scored\nfrom last year's plan."
    assert {r.item_key: r.score for r in correction.ratings} == dict.fromkeys(ips_keys, 3)
    assert "from last year&#39;s plan." in client.get(edit_url(unit, correction.id)).get_data(as_text=True)
    # Asking again goes on with the open correction, which keeps its reason; a different one typed is repeated.
    again = client.post(correct, data={"csrf_token": token, "reason": "Another reason"}, follow_redirects=True)
    assert review_of(session, unit).id == correction.id
    assert "Yours was not saved: Another reason" in again.get_data(as_text=True)
    assert reload(session, correction).change_reason == "Item 3 was scored\nfrom last year's plan."
    assert client.get(correct).headers["Location"] == edit_url(unit, correction.id)

    state = form_state(client, edit_url(unit, correction.id))
    client.post(
        edit_url(unit, correction.id), data=scoring_data(dict.fromkeys(ips_keys, 4), submit_review="Submit", **state)
    )
    original_page = client.get(f"/units/{unit.code}/reviews/{original.id}").get_data(as_text=True)
    assert f'Corrected by\n    <a href="/units/{unit.code}/reviews/{correction.id}">' in original_page
    assert "Reason given: Item 3 was scored\nfrom last year&#39;s plan." in original_page
    made = select(AuditEntry).where(AuditEntry.entity == "reviews", AuditEntry.entity_id == str(correction.id))
    entry = session.scalars(made.order_by(AuditEntry.id)).first()
    assert entry.changes["change_reason"] == [None, "Item 3 was scored\nfrom last year's plan."]
    unit_page = client.get(f"/units/{unit.code}").get_data(as_text=True)
    assert f"Corrects #{original.id}" in unit_page and f"Corrected by #{correction.id}" in unit_page
    assert '<strong class="latest-total">100</strong>' in unit_page  # the correction counts, not the original


def test_a_review_s_previous_is_never_its_own_correction(session: Any, unit_and_manager: Any, ips_keys: Any) -> None:
    """A correction keeps the date of the review it corrects: the original still compares with the review before
    it, as does the correction; the review after them compares with the correction that counts."""
    unit, manager = unit_and_manager
    earlier = factories.self_assessment(unit, manager, dict.fromkeys(ips_keys, 2), date(2025, 9, 15))
    original = factories.self_assessment(unit, manager, dict.fromkeys(ips_keys, 3), date(2026, 3, 15))
    correction = factories.self_assessment(unit, manager, dict.fromkeys(ips_keys, 4), date(2026, 3, 15))
    second = factories.self_assessment(unit, manager, dict.fromkeys(ips_keys, 4), date(2026, 3, 15))
    correction.corrects_id, second.corrects_id = original.id, correction.id  # corrected, and corrected again
    later = factories.self_assessment(unit, manager, dict.fromkeys(ips_keys, 5), date(2026, 9, 15))
    session.commit()
    assert previous_review(original) == earlier
    assert previous_review(correction) == earlier and previous_review(second) == earlier
    assert previous_review(later) == second
    # Another review of the same day, made after the original: it comes after the original and its corrections,
    # and none of them comes after it.
    other = factories.self_assessment(unit, manager, dict.fromkeys(ips_keys, 3), date(2026, 3, 15))
    assert previous_review(other) == second
    assert previous_review(original) == earlier and previous_review(second) == earlier


def test_a_self_assessment_already_corrected_is_not_corrected_again_from_its_old_values(
    client: Any, session: Any, unit_and_manager: Any, ips_keys: Any
) -> None:
    unit, manager = unit_and_manager
    original = factories.self_assessment(unit, manager, dict.fromkeys(ips_keys, 3), date(2026, 3, 15))
    login(client, manager.email)
    token = csrf_token(client, f"/units/{unit.code}")
    correct = f"/units/{unit.code}/reviews/{original.id}/correct"
    client.post(correct, data={"csrf_token": token, "reason": "S1"})
    correction = review_of(session, unit)
    state = form_state(client, edit_url(unit, correction.id))
    client.post(
        edit_url(unit, correction.id),
        data=scoring_data(dict.fromkeys(ips_keys, 3) | {"S1": 5}, submit_review="Submit", **state),
    )
    assert reload(session, correction).status is ReviewStatus.SUBMITTED
    # The original no longer offers a correction: one made from it would drop the S1 the correction changed.
    page = client.get(f"/units/{unit.code}/reviews/{original.id}").get_data(as_text=True)
    assert correct not in page
    refused = client.post(correct, data={"csrf_token": token, "reason": "S1"}, follow_redirects=True)
    assert f"already been corrected by #{correction.id}" in refused.get_data(as_text=True)
    assert review_of(session, unit).id == correction.id  # no second correction
    # The correction itself is corrected, from its own values.
    client.post(f"/units/{unit.code}/reviews/{correction.id}/correct", data={"csrf_token": token, "reason": "S2"})
    again = review_of(session, unit)
    assert again.corrects_id == correction.id
    assert {r.item_key: r.score for r in again.ratings}["S1"] == 5


def test_starting_again_continues_the_open_draft_on_that_scale(
    client: Any, session: Any, unit_and_manager: Any, ips_keys: Any
) -> None:
    unit, manager = unit_and_manager
    login(client, manager.email)
    start(client, unit, when="2026-03-15")
    draft = review_of(session, unit)
    page = client.get(f"/units/{unit.code}/reviews/new").get_data(as_text=True)
    assert f'href="{edit_url(unit, draft.id)}"' in page  # the start page points to the open draft
    again = start(client, unit, when="2026-04-01")
    assert again.headers["Location"] == edit_url(unit, draft.id)
    assert review_of(session, unit).id == draft.id  # no second draft
    followed = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "already open, dated Mar 15, 2026" in followed
    # Once it is submitted, a new self-assessment starts as before.
    state = form_state(client, edit_url(unit, draft.id))
    submitted = scoring_data(dict.fromkeys(ips_keys, 3), submit_review="Submit", **state)
    client.post(edit_url(unit, draft.id), data=submitted)
    assert reload(session, draft).status is ReviewStatus.SUBMITTED
    start(client, unit, when="2026-09-15")
    assert review_of(session, unit).id != draft.id and review_of(session, unit).status is ReviewStatus.DRAFT


def test_a_save_the_fields_refuse_is_listed_at_the_top_and_nothing_is_saved(
    client: Any, session: Any, unit_and_manager: Any
) -> None:
    unit, manager = unit_and_manager
    login(client, manager.email)
    start(client, unit)
    review = review_of(session, unit)
    state = form_state(client, edit_url(unit, review.id))
    too_long = scoring_data({"S1": 4, "V2": 3}, {"S1": "x" * 6000}, save="Save", **state)
    refused = client.post(edit_url(unit, review.id), data=too_long)
    page = " ".join(refused.get_data(as_text=True).split())
    assert refused.status_code == 400 and "Some items need attention; nothing was saved." in page
    assert '<a href="#item-S1">S1</a>: Evidence: Field cannot be longer than 5000 characters.' in page
    assert session.scalars(select(Rating).where(Rating.review_id == review.id)).all() == []
    expired = client.post(
        edit_url(unit, review.id), data=scoring_data({"S1": 4}, save="Save", csrf_token=state["csrf_token"])
    )
    assert expired.status_code == 400 and "open the self-assessment again" in expired.get_data(as_text=True)


def test_a_save_from_a_page_opened_before_submission_keeps_what_was_typed_on_the_page(
    client: Any, app: Any, session: Any, unit_and_manager: Any, ips_keys: Any
) -> None:
    unit, manager = unit_and_manager
    colleague = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    login(client, manager.email)
    start(client, unit)
    review = review_of(session, unit)
    mine = form_state(client, edit_url(unit, review.id))
    other = app.test_client()
    login(other, colleague.email)
    theirs = form_state(other, edit_url(unit, review.id))
    other.post(
        edit_url(unit, review.id), data=scoring_data(dict.fromkeys(ips_keys, 3), submit_review="Submit", **theirs)
    )
    assert reload(session, review).status is ReviewStatus.SUBMITTED

    late = client.post(
        edit_url(unit, review.id), data=scoring_data({"V14": 5}, {"V14": "Counted again in May"}, save="Save", **mine)
    )
    assert late.status_code == 409
    page = " ".join(late.get_data(as_text=True).split())
    assert "This self-assessment was submitted after you opened it" in page and colleague.display_name in page
    assert "Yours:</strong> 5 · Counted again in May" in page  # what was typed is on the page, not lost
    assert f'href="/units/{unit.code}/reviews/{review.id}/correct"' in page and 'name="save"' not in page
    session.expire_all()
    v14 = session.scalars(select(Rating).where(Rating.review_id == review.id, Rating.item_key == "V14")).one()
    assert (v14.score, v14.evidence) == (3, "")  # the submitted self-assessment is as it was


def test_a_stale_save_is_refused_and_shows_both_values(
    client: Any, app: Any, session: Any, unit_and_manager: Any
) -> None:
    unit, manager = unit_and_manager
    colleague = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    login(client, manager.email)
    start(client, unit)
    review = review_of(session, unit)
    other = app.test_client()
    login(other, colleague.email)

    mine = form_state(client, edit_url(unit, review.id))
    theirs = form_state(other, edit_url(unit, review.id))
    assert mine["revision"] == theirs["revision"] == "1"
    first = other.post(
        edit_url(unit, review.id), data=scoring_data({"S1": 3}, {"S1": "Counted in March"}, save="Save", **theirs)
    )
    assert first.status_code == 302
    late = client.post(edit_url(unit, review.id), data=scoring_data({"S1": 5}, {"S1": "My count"}, save="Save", **mine))
    assert late.status_code == 409
    page = " ".join(late.get_data(as_text=True).split())
    assert "Someone else saved this draft after you opened it" in page
    assert f"Saved by {colleague.display_name}:</strong> 3 · Counted in March" in page
    assert "Yours:</strong> 5 · My count" in page
    session.expire_all()
    s1 = session.scalars(select(Rating).where(Rating.review_id == review.id, Rating.item_key == "S1")).one()
    assert (s1.score, s1.evidence) == (3, "Counted in March")  # nothing silently overwritten
    # Saving again from the refreshed page is deliberate and goes through.
    again = re.search(r'name="revision" type="hidden" value="(\d+)"', page)
    assert again and again.group(1) == "2"
    resave = client.post(
        edit_url(unit, review.id),
        data=scoring_data({"S1": 5}, save="Save", revision="2", csrf_token=mine["csrf_token"]),
    )
    assert resave.status_code == 302
    session.expire_all()
    assert (
        session.scalars(select(Rating.score).where(Rating.review_id == review.id, Rating.item_key == "S1")).one() == 5
    )


def test_the_scoring_page_shows_last_times_score_and_evidence(
    client: Any, session: Any, unit_and_manager: Any, ips_keys: Any
) -> None:
    unit, manager = unit_and_manager
    earlier = factories.self_assessment(unit, manager, dict.fromkeys(ips_keys, 4), date(2025, 9, 15))
    earlier.ratings[0].evidence = "Twelve people per specialist"
    session.commit()
    login(client, manager.email)
    start(client, unit)
    page = client.get(edit_url(unit, review_of(session, unit).id)).get_data(as_text=True)
    assert "Last time (self-assessment, Sep 15, 2025):" in page and "Twelve people per specialist" in page


def test_the_summary_follows_the_scores_in_the_query(
    client: Any, session: Any, unit_and_manager: Any, ips_keys: Any
) -> None:
    unit, manager = unit_and_manager
    login(client, manager.email)
    start(client, unit)
    review = review_of(session, unit)
    query = "&".join(f"score_{k}=5" for k in ips_keys if k != "S1") + "&score_S1=9&score_junk=1"
    page = client.get(f"/units/{unit.code}/reviews/{review.id}/summary?{query}").get_data(as_text=True)
    assert "<strong>120</strong>" in page and "24 of 25 items scored" in page  # S1=9 is ignored
    full = "&".join(f"score_{k}=5" for k in ips_keys)
    page = client.get(f"/units/{unit.code}/reviews/{review.id}/summary?{full}").get_data(as_text=True)
    assert "Exemplary fidelity" in page


def test_a_scale_the_unit_does_not_offer_cannot_be_chosen(client: Any, session: Any, unit_and_manager: Any) -> None:
    unit, manager = unit_and_manager  # offers IPS only
    login(client, manager.email)
    response = start(client, unit, scale="sed")
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
    future = start(client, unit, when="2999-01-01")
    assert future.status_code == 400 and "cannot be in the future" in future.get_data(as_text=True)
    assert review_of(session, unit) is None


def test_who_may_score(client: Any, session: Any, unit_and_manager: Any) -> None:
    unit, _manager = unit_and_manager
    second_tier = factories.user(Role.SECOND_TIER_MANAGER, area_id=unit.area_id)
    login(client, second_tier.email)
    assert client.get(f"/units/{unit.code}").status_code == 200
    assert client.get(f"/units/{unit.code}/reviews/new").status_code == 403
    stranger = factories.user(Role.FRONTLINE_MANAGER, unit_id=factories.unit().id)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, stranger.email)
    assert client.get(f"/units/{unit.code}").status_code == 404
    assert client.get(f"/units/{unit.code}/reviews/new").status_code == 404


def test_the_unit_page_marks_items_that_fell_by_two(
    client: Any, session: Any, unit_and_manager: Any, ips_keys: Any
) -> None:
    unit, manager = unit_and_manager
    factories.self_assessment(unit, manager, dict.fromkeys(ips_keys, 4), date(2025, 3, 15))
    factories.self_assessment(unit, manager, dict.fromkeys(ips_keys, 4) | {"O6": 2, "V4": 3}, date(2025, 9, 15))
    login(client, manager.email)
    page = client.get(f"/units/{unit.code}").get_data(as_text=True)
    assert page.count('class="drop"') == 1 and "fell by 2" in page
    assert "Mar 15, 2025" in page and "Sep 15, 2025" in page


def test_managers_see_their_units_audit_trail(client: Any, session: Any, unit_and_manager: Any) -> None:
    unit, manager = unit_and_manager
    login(client, manager.email)
    start(client, unit)
    review = review_of(session, unit)
    state = form_state(client, edit_url(unit, review.id))
    client.post(edit_url(unit, review.id), data=scoring_data({"S1": 3}, save="Save", **state))
    page = client.get(f"/units/{unit.code}/audit").get_data(as_text=True)
    assert "created review" in page and "created rating <strong>S1</strong>" in page and manager.email in page
    entries = session.scalars(select(AuditEntry).where(AuditEntry.unit_id == unit.id)).all()
    assert {e.entity for e in entries} >= {"reviews", "ratings"}
    assert {e.actor_id for e in entries if e.entity in ("reviews", "ratings")} == {manager.id}
    reviewer = factories.user(Role.EXTERNAL_REVIEWER)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, reviewer.email)
    assert client.get(f"/units/{unit.code}/audit").status_code == 404


def test_a_submitted_self_assessment_shows_its_score_not_a_score_so_far(
    client: Any, session: Any, unit_and_manager: Any, ips_keys: Any
) -> None:
    unit, manager = unit_and_manager
    submitted = factories.self_assessment(unit, manager, dict.fromkeys(ips_keys, 4), date(2026, 3, 15))
    draft = factories.draft_self_assessment(unit, manager, date(2026, 9, 15))
    login(client, manager.email)
    shown = client.get(f"/units/{unit.code}/reviews/{submitted.id}").get_data(as_text=True)
    assert '<h2 class="panel-title">Score</h2>' in shown and "Score so far" not in shown
    assert '<h2 class="panel-title">Score so far</h2>' in client.get(edit_url(unit, draft.id)).get_data(as_text=True)


@pytest.mark.parametrize("when", ["1900-01-01", "1999-12-31"])
def test_a_self_assessment_dated_before_2000_is_a_mistyped_year(
    client: Any, session: Any, unit_and_manager: Any, when: str
) -> None:
    unit, manager = unit_and_manager
    login(client, manager.email)
    refused = start(client, unit, when=when)
    assert refused.status_code == 400
    assert "Dates before Jan 1, 2000 are not taken: check the year." in refused.get_data(as_text=True)
    assert review_of(session, unit) is None
    assert start(client, unit, when="2000-01-01").status_code == 302


def test_last_time_from_an_external_review_says_its_text_is_the_consensus_note(
    client: Any, session: Any, unit_and_manager: Any, ips_keys: Any
) -> None:
    unit, manager = unit_and_manager
    reviewers = [factories.user(Role.EXTERNAL_REVIEWER), factories.user(Role.EXTERNAL_REVIEWER)]
    agreed = dict.fromkeys(ips_keys, (4, "")) | {"S1": (3, "Hire a second specialist")}
    factories.final_external_review(unit, reviewers, date(2025, 9, 15), agreed)
    session.commit()
    login(client, manager.email)
    start(client, unit)
    page = client.get(edit_url(unit, review_of(session, unit).id)).get_data(as_text=True)
    assert "The external review's consensus note: Hire a second specialist" in page
    assert page.count("The external review's consensus note:") == 1  # only where there is a note


def test_a_reason_is_counted_as_it_was_typed(app: Any) -> None:
    """A browser sends each line break as CRLF: 200 lines of 9 characters are 1,999 typed and 2,198 sent. The form
    takes them within its 2,000 and keeps plain line breaks."""
    from fidelity.reviews.forms import REASON_MAX, ChangeReasonForm

    sent = " " + "\r\n".join(["x" * 9] * 200) + "\r\n"
    assert len(sent) > REASON_MAX
    with app.test_request_context(method="POST", data={"reason": sent}):
        form = ChangeReasonForm(meta={"csrf": False})
        assert form.validate(), form.errors
        assert form.reason.data == "\n".join(["x" * 9] * 200)


def test_an_education_scale_says_how_it_reads_the_ips_principles(client: Any, session: Any, registry: Any) -> None:
    unit = factories.unit(sed=True)  # offers IPS and SEd
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    note = "The IPS principles, read for education"
    assert start(client, unit, scale="sed").status_code == 302
    sed_review = review_of(session, unit)
    assert note in client.get(edit_url(unit, sed_review.id)).get_data(as_text=True)
    assert start(client, unit, scale="ips-25", when="2026-03-16").status_code == 302
    ips_review = session.scalars(select(Review).where(Review.unit_id == unit.id, Review.scale_id == "ips-25")).one()
    assert note not in client.get(edit_url(unit, ips_review.id)).get_data(as_text=True)
    # The unit page's chart of the latest SEd review's principles says so too, once there is one.
    keys = registry.get("sed").item_keys
    factories.self_assessment(unit, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id), dict.fromkeys(keys, 3),
                              date(2026, 2, 1), scale_id="sed")  # fmt: skip
    assert client.get(f"/units/{unit.code}").get_data(as_text=True).count(note) == 1
