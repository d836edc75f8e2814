"""The API's OpenAPI 3.1 document, served at /api/v1/openapi.json.

Written out by hand, field by field, with every object closed (`additionalProperties: false`) and every field
required, so that a response that drifts from it fails the schema test. Enumerations come from the models and the
quarterly figures from their dataclass, so those cannot drift.
"""

from __future__ import annotations

import enum
from typing import Any

from fidelity.access import API_PREFIX
from fidelity.api.queries import MAX_PAGE, MAX_PER_PAGE
from fidelity.models import AdaptationReason, HostType, ReviewKind, ReviewStatus
from fidelity.monitoring.outcome_pages import RATE_AFTER
from fidelity.monitoring.outcomes import FEW_SERVED, KEPT_FIELDS, SUPERVISION_LIMIT, QuarterFigures

Schema = dict[str, Any]

STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
COUNT: Schema = {"type": "integer", "minimum": 0}
BOOLEAN: Schema = {"type": "boolean"}
DAY: Schema = {"type": "string", "format": "date"}
MOMENT: Schema = {"type": "string", "format": "date-time"}


def nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def choice(values: type[enum.Enum]) -> Schema:
    return {"type": "string", "enum": [member.value for member in values]}


def closed(properties: dict[str, Schema], description: str = "") -> Schema:
    """An object with exactly these fields, every one always present (null where the schema allows it)."""
    schema: Schema = {
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
    }
    return schema | ({"description": description} if description else {})


def paged(item: str) -> Schema:
    return closed(
        {
            "items": array(ref(item)),
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "total": COUNT,
        },
        f"One page of {item} objects and how many there are in all.",
    )


def _figure(name: str) -> Schema:
    """A kept figure's schema from its type in QuarterFigures: a count, a count that may be missing (one kept only
    since a later version of the definitions), or a median or staffing that may be missing."""
    kind = str(QuarterFigures.__dataclass_fields__[name].type)
    if kind == "int":
        return COUNT
    return nullable(COUNT if kind == "int | None" else {"type": "number", "minimum": 0})


SHARE = nullable({"type": "number", "minimum": 0, "maximum": 1})

BAND = closed({"key": STRING, "label": STRING, "min": INTEGER, "max": INTEGER}, "A band of the scale's totals.")
SCORE_FIELDS: dict[str, Schema] = {
    "total": COUNT,
    "max": INTEGER,
    "band": nullable(ref("Band")),
    "complete": BOOLEAN,
    "missing": array(STRING),
}
REVIEW_FIELDS: dict[str, Schema] = {
    "id": INTEGER,
    "kind": choice(ReviewKind),
    "status": choice(ReviewStatus),
    "scale_id": STRING,
    "scale_version": STRING,
    "review_date": DAY,
    "visit_start": nullable(DAY),
    "visit_end": nullable(DAY),
    "submitted_at": nullable(MOMENT),
    "corrects_id": nullable(INTEGER),
    "change_reason": nullable(STRING),
    "corrected_by": array(INTEGER),
}

SCHEMAS: dict[str, Schema] = {
    "Error": closed({"error": STRING}, "What went wrong, in words."),
    "Band": BAND,
    "LatestReview": closed(
        {
            "review_id": INTEGER,
            "kind": choice(ReviewKind),
            "scale_id": STRING,
            "scale_version": STRING,
            "review_date": DAY,
            "total": COUNT,
            "max": INTEGER,
            "band": nullable(ref("Band")),
        },
        "The latest submitted self-assessment or final external review on one scale.",
    ),
    "Unit": closed(
        {
            "code": STRING,
            "name": STRING,
            "area": closed({"code": STRING, "name": STRING}),
            "host_type": choice(HostType),
            "offers_ips": BOOLEAN,
            "offers_sed": BOOLEAN,
            "target_group": STRING,
            "started_on": nullable(DAY),
            "latest": array(ref("LatestReview")),
        },
        "A unit with its latest review on each scale; `started_on`, the day it began supporting people (its first "
        "review is due from it), or null when not recorded.",
    ),
    "Score": closed(SCORE_FIELDS, "A review's total; the band only once every item is scored."),
    "ScoreDetail": closed(
        SCORE_FIELDS
        | {
            "sections": array(
                closed({"key": STRING, "title": STRING, "total": COUNT, "max": INTEGER, "missing": array(STRING)})
            ),
            "principles": array(
                closed(
                    {
                        "key": STRING,
                        "number": INTEGER,
                        "title": STRING,
                        "mean": nullable({"type": "number"}),
                        "items": array(STRING),
                    }
                )
            ),
            "below_4": array(STRING),
        },
        "A review's total with its sections, its principle profile (mean item score) and the items below 4.",
    ),
    "Review": closed(
        REVIEW_FIELDS | {"score": nullable(ref("Score"))},
        "A review. `score` is null for an external review until it is final.",
    ),
    "Rating": closed(
        {"item": STRING, "score": nullable(INTEGER), "evidence": STRING, "sources": array(STRING)},
        "A self-assessment's rating of one item, or a final external review's consensus score.",
    ),
    "ReviewDetail": closed(
        REVIEW_FIELDS | {"score": nullable(ref("ScoreDetail")), "ratings": nullable(array(ref("Rating")))},
        "A review with its ratings: a self-assessment's, or a final external review's consensus scores. `score` and "
        "`ratings` are null for an external review until it is final.",
    ),
    "Adaptation": closed(
        {
            "id": INTEGER,
            "title": STRING,
            "description": STRING,
            "reason": choice(AdaptationReason),
            "since": DAY,
            "until": nullable(DAY),
            "in_force": BOOLEAN,
            "decided_by": STRING,
            "principles": array(STRING),
            "items": array(STRING),
            "cost": closed(
                {
                    "points_lost": COUNT,
                    "points_lost_by_scale": array(closed({"scale_id": STRING, "points_lost": COUNT})),
                    "change_by_scale": array(closed({"scale_id": STRING, "change": INTEGER})),
                    "principles": array(STRING),
                    "items": array(
                        closed(
                            {
                                "scale_id": STRING,
                                "key": STRING,
                                "title": STRING,
                                "score": nullable(INTEGER),
                                "top": INTEGER,
                                "lost": nullable(INTEGER),
                                "before": nullable(INTEGER),
                                "change": nullable(INTEGER),
                            }
                        )
                    ),
                },
                "Points lost against the model's top score in the latest review (in all, and scale by scale); each "
                "item's score in the last counted review before the adaptation began and its change since, where the "
                "unit was reviewed again after it began (the change scale "
                "by scale over the items scored both then and now); and the principles affected.",
            ),
            "outcomes": nullable(
                closed(
                    {"before": ref("OutcomeWindow"), "after": ref("OutcomeWindow")},
                    "The kept quarterly outcomes of up to four full quarters before the adaptation began, and of up "
                    "to four from its start while it was in force (the quarter it began in left out unless it began "
                    "on its first day); null when no quarter on either side served anyone.",
                )
            ),
        },
        "A local adaptation: where the unit departs from the model, and what it costs.",
    ),
    "OutcomeWindow": closed(
        {
            "quarters": array(STRING),
            "served": COUNT,
            "in_competitive_work": COUNT,
            "employment_rate": SHARE,
            "in_education": COUNT,
            "education_rate": SHARE,
            "job_starts": COUNT,
            "contact_window_closed": COUNT,
            "contact_within_30": COUNT,
            "share_within_30": SHARE,
            "served_per_quarter": nullable(COUNT),
            "few": BOOLEAN,
            "definitions_versions": array(STRING),
        },
        "Some full quarters' kept figures added up (a person served in three of them counts three times): the "
        "quarters with figures (`2025Q3`), and each rate as a share from 0 to 1 (null when nobody counts); the people "
        "served a quarter on average over the quarters that served anyone (rounded down), and `few` when they are "
        f"fewer than {FEW_SERVED}; the definitions versions the quarters were counted under.",
    ),
    "Quarter": closed(
        {
            "year": INTEGER,
            "quarter": {"type": "integer", "minimum": 1, "maximum": 4},
            "definitions_version": STRING,
            "locked": BOOLEAN,
            "to_date": BOOLEAN,
            "computed_at": MOMENT,
            **{name: _figure(name) for name in KEPT_FIELDS},
            **dict.fromkeys(RATE_AFTER.values(), SHARE),
            "caseload_per_specialist": nullable({"type": "number", "minimum": 0}),
            "specialists_per_supervisor": nullable({"type": "number", "minimum": 0}),
            "few_served": BOOLEAN,
        },
        "One calendar quarter's kept outcome figures; rates are shares from 0 to 1, null when nobody counts; "
        f"`few_served` when 1 to {FEW_SERVED - 1} people were served, too few to set its rates against the benchmarks. "
        "`specialist_fte` and `supervisor_fte` are the staffing recorded for the quarter in full-time equivalents "
        "(null without staffing; `supervisor_fte` 0 where specialists were recorded without a supervisor, null in a "
        "quarter locked before definitions version 6); `specialists_per_supervisor` divides the one by the other, "
        f"null without supervisor time; the model's employment supervisor supervises at most {SUPERVISION_LIMIT}. "
        "`job_endings` counts the competitive jobs whose last day fell in the quarter while their person was served, "
        "`exits` the people enrolled who exited in it (the transitions off the caseload); both null in a quarter "
        "locked before definitions version 7.",
    ),
    "UnitPage": paged("Unit"),
    "ReviewPage": paged("Review"),
    "AdaptationPage": paged("Adaptation"),
    "QuarterPage": paged("Quarter"),
}

PARAMETERS: dict[str, Schema] = {
    "code": {
        "name": "code",
        "in": "path",
        "required": True,
        "description": "The unit's code.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 32},
    },
    "review_id": {
        "name": "review_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647},
    },
    "page": {
        "name": "page",
        "in": "query",
        "required": False,
        "description": "The page, from 1.",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
    },
    "per_page": {
        "name": "per_page",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 50},
    },
}


def _json(description: str, schema: Schema) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _operation(summary: str, result: str, params: tuple[str, ...]) -> Schema:
    responses = {
        "200": _json(summary, ref(result)),
        "401": _json("No token, or a token that is not usable.", ref("Error")),
    }
    if "page" in params:
        responses["400"] = _json("A page or page size out of range.", ref("Error"))
    if "code" in params:
        responses["404"] = _json("No such unit or review, or one outside your scope.", ref("Error"))
    return {
        "summary": summary,
        "parameters": [{"$ref": f"#/components/parameters/{name}"} for name in params],
        "responses": responses,
    }


PAGE = ("page", "per_page")
QUARTERS = "The unit's outcome figures per quarter, newest first"
UNIT = f"{API_PREFIX}/units/{{code}}"


def openapi_document() -> Schema:
    """The whole document. Every operation needs a bearer token but this document's own."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Fidelity API",
            "version": "1",
            "description": "Read-only: the units, reviews with their scores, local adaptations and quarterly outcome "
            "figures the token's user may see on the pages, and nothing else. A unit outside the user's scope is a "
            "404. Lists come a page at a time.",
        },
        "security": [{"bearerAuth": []}],
        "paths": {
            f"{API_PREFIX}/openapi.json": {
                "get": {
                    "summary": "This document (no token needed)",
                    "security": [],
                    "responses": {"200": _json("The OpenAPI document.", {"type": "object"})},
                }
            },
            f"{API_PREFIX}/units": {"get": _operation("The units you may see", "UnitPage", PAGE)},
            UNIT: {"get": _operation("One unit", "Unit", ("code",))},
            f"{UNIT}/reviews": {"get": _operation("The unit's reviews, newest first", "ReviewPage", ("code", *PAGE))},
            f"{UNIT}/reviews/{{review_id}}": {
                "get": _operation("One review with its ratings", "ReviewDetail", ("code", "review_id"))
            },
            f"{UNIT}/adaptations": {
                "get": _operation("The unit's local adaptations", "AdaptationPage", ("code", *PAGE))
            },
            f"{UNIT}/metrics": {
                "get": _operation(
                    "The unit's outcome figures per quarter, newest first", "QuarterPage", ("code", *PAGE)
                ),
            },
        },
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "parameters": PARAMETERS,
            "schemas": SCHEMAS,
        },
    }
