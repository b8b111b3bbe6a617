"""Settings are read once, typed and checked: a bad value stops the server before it binds."""

from __future__ import annotations

import json
import os
import pathlib
import socket
import subprocess
import sys

import pytest

from server.config import Settings, SettingsError, package_version
from server.fetch import USER_AGENT
from server.openapi import openapi_document
from tests.conftest import ROOT, free_port


@pytest.mark.parametrize(
    ("name", "value", "why"),
    [
        ("ALLOW_URL_FETCH", "maybe", "boolean"),
        ("ALLOW_URL_FETCH", "", "boolean"),
        ("ALLOW_URL_FETCH", "[]", "boolean"),
        ("API_KEY", "", "empty"),
        ("API_KEY", "two words", "printable ASCII"),
        ("API_KEY", "clé", "printable ASCII"),
        ("ADMIN_TOKEN", "", "empty"),
        ("RATE_LIMIT", "120", "rate limit"),
        ("RATE_LIMIT", "ten per minute", "rate limit"),
        ("RATE_LIMIT", "", "rate limit"),
        ("RATE_LIMIT_STORAGE", "localhost:6379", "storage"),
        ("RATE_LIMIT_STORAGE", "postgres://db", "storage"),
        ("PAGE_TIME_LIMIT_SECONDS", "ten", "number"),
        ("PAGE_TIME_LIMIT_SECONDS", "0", "above 0"),
        ("PAGE_TIME_LIMIT_SECONDS", "-1", "above 0"),
        ("PAGE_TIME_LIMIT_SECONDS", "nan", "above 0"),
        ("PAGE_TIME_LIMIT_SECONDS", "inf", "above 0"),
        ("PAGE_TIME_LIMIT_SECONDS", "60", "gunicorn"),
        ("MAX_CONTENT_LENGTH", "5MB", "whole number"),
        ("MAX_CONTENT_LENGTH", "0", "between"),
        ("MAX_CONTENT_LENGTH", "-5", "whole number"),
        ("MAX_CONTENT_LENGTH", "1e6", "whole number"),
        ("MAX_ELEMENTS", "lots", "whole number"),
        ("MAX_TEXT_CHARS", "4.5", "whole number"),
        ("QUOTE_CONTEXT_CHARS", "100000", "between"),
        ("CORS_ORIGINS", "newsroom.example", "not an origin"),
        ("CORS_ORIGINS", '["https://a.example"', "JSON list"),
        ("CORS_ORIGINS", '[{"origin": 1}]', "JSON list"),
        ("CORS_ORIGINS", "https://a.example/path", "not an origin"),
        ("CORS_ORIGINS", "*", "not an origin"),
        ("MODEL_PATH", "/nonexistent/model.skops", "no such model file"),
        ("TRUSTED_PROXIES", "yes", "whole number"),
        ("TRUSTED_PROXIES", "9", "between"),
    ],
)
def test_a_bad_value_is_refused_with_its_name_and_why(name, value, why):
    with pytest.raises(SettingsError) as refused:
        Settings.load({f"SOURCECHECK_{name}": value})
    message = str(refused.value)
    assert message.startswith(f"SOURCECHECK_{name}")
    assert why in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("SOURCECHECK_API_KEYS", "SOURCECHECK_API_KEY"),
        ("SOURCECHECK_ALLOW_URL_FETCHING", "SOURCECHECK_ALLOW_URL_FETCH"),
        ("SOURCECHECK_RATELIMIT", "SOURCECHECK_RATE_LIMIT"),
        ("SOURCECHECK_CORS_ORIGIN", "SOURCECHECK_CORS_ORIGINS"),
        ("SOURCECHECK_PAGE_TIME_LIMIT", "SOURCECHECK_PAGE_TIME_LIMIT_SECONDS"),
    ],
)
def test_an_unknown_name_is_refused_with_the_closest_valid_one(typo, meant):
    with pytest.raises(SettingsError, match=f"{typo}: not a sourcecheck setting; did you mean {meant}\\?"):
        Settings.load({typo: "1"})


@pytest.mark.parametrize("word", ["False", "false", "no", "off", "0", "OFF", " no "])
def test_false_words_keep_url_fetching_off(word):
    assert Settings.load({"SOURCECHECK_ALLOW_URL_FETCH": word}).allow_url_fetch is False


@pytest.mark.parametrize("word", ["True", "true", "yes", "on", "1"])
def test_true_words_turn_url_fetching_on(word):
    assert Settings.load({"SOURCECHECK_ALLOW_URL_FETCH": word}).allow_url_fetch is True


@pytest.mark.parametrize("secret", ["0", "false", "[]", "1e5", "null", '"quoted"'])
def test_secrets_are_taken_verbatim(secret):
    settings = Settings.load({"SOURCECHECK_API_KEY": secret, "SOURCECHECK_ADMIN_TOKEN": secret + "x"})
    assert settings.api_key == secret
    assert settings.admin_token == secret + "x"


def test_values_are_typed():
    settings = Settings.load(
        {
            "SOURCECHECK_MAX_CONTENT_LENGTH": "1_000_000",
            "SOURCECHECK_PAGE_TIME_LIMIT_SECONDS": "2.5",
            "SOURCECHECK_CORS_ORIGINS": "https://a.example, http://b.example:8080",
            "SOURCECHECK_RATE_LIMIT": "20/second;1000/hour",
            "SOURCECHECK_TRUSTED_PROXIES": "1",
            "SOURCECHECK_BENCH": "/anywhere",
        }
    )
    assert settings.max_content_length == 1_000_000
    assert settings.page_time_limit_seconds == 2.5
    assert settings.cors_origins == ("https://a.example", "http://b.example:8080")
    assert settings.rate_limit == "20/second;1000/hour"
    assert settings.trusted_proxies == 1
    json_list = Settings.load({"SOURCECHECK_CORS_ORIGINS": '["https://a.example"]'})
    assert json_list.cors_origins == ("https://a.example",)


def test_the_admin_token_must_differ_from_the_api_key():
    with pytest.raises(SettingsError, match="ADMIN_TOKEN"):
        Settings.load({"SOURCECHECK_API_KEY": "same-secret", "SOURCECHECK_ADMIN_TOKEN": "same-secret"})


def test_typed_overrides_are_checked_too():
    with pytest.raises(SettingsError, match="expected bool"):
        Settings.load({}, {"ALLOW_URL_FETCH": 1})
    with pytest.raises(SettingsError, match="expected int"):
        Settings.load({}, {"MAX_ELEMENTS": True})
    with pytest.raises(SettingsError, match="between"):
        Settings.load({}, {"MAX_ELEMENTS": 0})
    assert Settings.load({}, {"CORS_ORIGINS": ["https://a.example"]}).cors_origins == ("https://a.example",)


def test_an_api_key_of_zero_still_guards_the_api(make_app, monkeypatch):
    monkeypatch.setenv("SOURCECHECK_API_KEY", "0")
    client = make_app().test_client()
    assert client.get("/api/v1/model").status_code == 401
    assert client.get("/api/v1/model", headers={"Authorization": "Bearer 0"}).status_code == 200


def test_create_app_refuses_a_bad_setting(make_app, monkeypatch):
    monkeypatch.setenv("SOURCECHECK_RATE_LIMIT", "120")
    with pytest.raises(SettingsError, match="SOURCECHECK_RATE_LIMIT"):
        make_app()


def _serve_with(environment: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], int]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOURCECHECK_")}
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
        env={**env, **environment},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    return result, port


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SOURCECHECK_RATE_LIMIT", "120"),
        ("SOURCECHECK_PAGE_TIME_LIMIT_SECONDS", "ten"),
        ("SOURCECHECK_ALLOW_URL_FECTH", "true"),
    ],
)
def test_serve_with_a_bad_value_exits_before_binding_with_one_line(name, value):
    result, port = _serve_with({name: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0], result.stderr
    with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
        probe.connect(("127.0.0.1", port))


def test_one_version_everywhere():
    version = package_version()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{version}"' in pyproject
    assert openapi_document()["info"]["version"] == version
    assert USER_AGENT.startswith(f"sourcecheck/{version} ")
    manifest = json.loads(pathlib.Path(ROOT / "extension" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == version
    completed = subprocess.run(
        [sys.executable, "-m", "server.cli", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert completed.stdout.strip() == f"sourcecheck {version}"
