"""deploy/ stays coherent (issue #15): the compose file names every process the platform needs,
runs them with the production settings' secrets from the operator's env file, and the image
runs as a non-root user. (`docker compose config` runs in CI where the compose plugin exists.)"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_compose_has_every_process_and_no_secret_in_it():
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    compose = yaml.safe_load(text)
    assert set(compose["services"]) == {"db", "redis", "web", "worker", "scheduler", "nginx"}
    web = compose["services"]["web"]
    assert web["command"][:2] == ["lianxin", "serve"]
    assert compose["services"]["scheduler"]["command"] == ["lianxin", "scheduler"]
    assert "SECRET_KEY" not in text
    assert "FIELD_ENCRYPTION_KEYS" not in text


def test_env_example_names_the_required_secrets():
    names = {
        line.split("=", 1)[0]
        for line in (DEPLOY / "env.example").read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.startswith("#")
    }
    assert {"SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "SEARCH_HASH_KEY"} <= names


def test_image_runs_as_non_root_with_production_settings():
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "USER lianxin" in dockerfile
    assert "DJANGO_SETTINGS_MODULE=config.settings.prod" in dockerfile
    assert "HEALTHCHECK" in dockerfile


def test_production_settings_refuse_to_start_without_a_secret(monkeypatch):
    import importlib
    import sys

    from django.core.exceptions import ImproperlyConfigured

    for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "SEARCH_HASH_KEY"):
        monkeypatch.delenv(name, raising=False)
    sys.modules.pop("config.settings.prod", None)
    try:
        with pytest.raises(ImproperlyConfigured, match="环境变量 SECRET_KEY 必须在生产环境中设置"):
            importlib.import_module("config.settings.prod")
    finally:
        sys.modules.pop("config.settings.prod", None)
