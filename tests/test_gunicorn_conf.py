"""The production server's access log (gunicorn.conf.py) names no person's code, whatever the URL held."""

from __future__ import annotations

import logging
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

SETTINGS = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


@pytest.fixture
def access_lines() -> list[str]:
    config = Config()
    for name, value in runpy.run_path(str(SETTINGS)).items():
        if name in config.settings:
            config.set(name, value)
    logger = Logger(config)
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())  # type: ignore[method-assign]
    logger.access_log.addHandler(handler)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/units/3/journeys?code=NRV-0042&state=all",
        "PATH_INFO": "/units/3/journeys",
        "QUERY_STRING": "code=NRV-0042&state=all",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.7",
        "HTTP_REFERER": "https://fidelity.example.org/units/3/journeys?code=NRV-0042",
        "HTTP_USER_AGENT": "Mozilla/5.0",
    }
    response = SimpleNamespace(status="200 OK", sent=5120, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=42))
    return lines


def test_an_access_line_keeps_the_path_and_drops_the_query_and_the_referrer(access_lines: list[str]) -> None:
    (line,) = access_lines
    assert '"GET /units/3/journeys HTTP/1.1" 200 5120' in line
    assert "10.0.0.7" in line and "42ms" in line
    assert "NRV-0042" not in line and "code=" not in line
