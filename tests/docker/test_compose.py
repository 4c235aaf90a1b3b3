"""compose.yaml agrees with the Dockerfile: the port it publishes is the one exposed, it
mounts exactly the image's volumes, and it sets only real settings."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from sms_mocks.cli import known_variables
from tests.docker.dockerfile import ROOT, stages


def service() -> dict[str, Any]:
    document = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    [(name, spec)] = document["services"].items()
    assert name == "sms-mocks"
    for volume in spec["volumes"]:  # named volumes are declared
        source = volume.split(":")[0]
        if not source.startswith((".", "/")):
            assert source in document["volumes"]
    return spec


def test_it_builds_this_directory_and_publishes_the_exposed_port() -> None:
    spec = service()
    assert spec["build"] == "."
    exposed = stages()[-1].all("EXPOSE")
    assert [p.split(":")[-1] for p in spec["ports"]] == exposed


def test_it_mounts_the_images_volumes() -> None:
    volumes = [v for rest in stages()[-1].all("VOLUME") for v in json.loads(rest)]
    targets = [mount.split(":")[1] for mount in service()["volumes"]]
    assert sorted(targets) == sorted(volumes)


def test_its_environment_is_made_of_settings_and_sets_a_token() -> None:
    environment = service()["environment"]
    assert set(environment) <= known_variables()
    assert "SMS_MOCKS_CONTROL_TOKEN" in environment  # it publishes the port beyond loopback


def test_the_readmes_ci_recipes_are_valid_yaml_that_set_real_settings() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("\n## Docker\n"):]
    section = section[:section.index("\n## ", 5)]
    blocks = re.findall(r"```yaml\n(.*?)\n```", section, re.S)
    assert len(blocks) == 2  # GitHub Actions, GitLab CI
    github, gitlab = (yaml.safe_load(block) for block in blocks)
    service = github["jobs"]["test"]["services"]["sms-mocks"]
    assert service["ports"] == ["7214:7214"] and "sms-mocks health" in service["options"]
    [gitlab_service] = gitlab["test"]["services"]
    for env in (service["env"], github["jobs"]["test"]["env"], gitlab_service["variables"],
                gitlab["test"]["variables"]):
        ours = {k for k in env if k.startswith("SMS_MOCKS_")}
        assert ours <= known_variables()
    # the tests' side and the service's side share one token
    assert github["jobs"]["test"]["env"]["SMS_MOCKS_CONTROL_TOKEN"] \
        == service["env"]["SMS_MOCKS_CONTROL_TOKEN"]
    assert gitlab["test"]["variables"]["SMS_MOCKS_CONTROL_TOKEN"] \
        == gitlab_service["variables"]["SMS_MOCKS_CONTROL_TOKEN"]
