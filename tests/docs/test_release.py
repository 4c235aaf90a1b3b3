"""The release recipe: the workflow is valid YAML that uses only real actions at real major
versions, publishes with trusted publishing and pushes the image; one version everywhere."""

from __future__ import annotations

import re
import tomllib
from typing import Any

import yaml

import sms_mocks
from tests.docs.pages import ROOT, code_blocks, read

WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
# The actions it may use, each at the major version that is current.
ALLOWED = {
    "actions/checkout@v4",
    "actions/setup-python@v5",
    "actions/upload-artifact@v4",
    "actions/download-artifact@v4",
    "docker/login-action@v3",
    "docker/metadata-action@v5",
    "docker/build-push-action@v6",
    "pypa/gh-action-pypi-publish@release/v1",
    "pypa/cibuildwheel@v3.3",
}


def workflow() -> dict[Any, Any]:
    data = yaml.safe_load(read(WORKFLOW))
    assert isinstance(data, dict)
    return data


def steps(job: str) -> list[dict[str, Any]]:
    return workflow()["jobs"][job]["steps"]


def test_it_runs_on_a_version_tag() -> None:
    data = workflow()
    on = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
    assert on == {"push": {"tags": ["v*"]}}


def test_it_uses_only_real_actions_at_real_versions() -> None:
    used = {step["uses"] for job in workflow()["jobs"].values() for step in job["steps"]
            if "uses" in step}
    assert used <= ALLOWED, used - ALLOWED
    assert {"pypa/gh-action-pypi-publish@release/v1", "docker/build-push-action@v6"} <= used


def test_pypi_is_published_through_trusted_publishing() -> None:
    job = workflow()["jobs"]["pypi"]
    assert job["permissions"] == {"id-token": "write"}
    assert job["environment"]["name"] == "pypi"
    publish = [s for s in job["steps"] if s.get("uses", "").startswith("pypa/")]
    assert publish and "password" not in publish[0].get("with", {})  # no stored token
    built = " ".join(s.get("run", "") for s in steps("dist"))
    assert "python -m build" in built and "pip install build" in built


def test_the_compiled_wheels_are_built_tested_and_published() -> None:
    [build] = [s for s in steps("wheels") if s.get("uses", "").startswith("pypa/cibuildwheel")]
    assert build["env"]["CIBW_ENVIRONMENT"] == "SMS_MOCKS_COMPILE=1"
    assert "compiled()" in build["env"]["CIBW_TEST_COMMAND"]
    assert set(workflow()["jobs"]["pypi"]["needs"]) == {"dist", "wheels"}
    [download] = [s for s in workflow()["jobs"]["pypi"]["steps"]
                  if s.get("uses", "").startswith("actions/download-artifact")]
    assert download["with"]["merge-multiple"] is True and "name" not in download["with"]


def test_the_image_is_pushed_to_ghcr() -> None:
    job = workflow()["jobs"]["image"]
    assert job["permissions"]["packages"] == "write"
    [meta] = [s for s in job["steps"] if s.get("uses", "").startswith("docker/metadata")]
    assert meta["with"]["images"] == "ghcr.io/${{ github.repository_owner }}/sms-mocks"
    [push] = [s for s in job["steps"] if s.get("uses", "").startswith("docker/build-push")]
    assert push["with"]["push"] is True
    assert push["with"]["tags"] == "${{ steps.meta.outputs.tags }}"
    assert push["with"]["build-args"] == "SMS_MOCKS_COMPILE=1"  # the compiled build


def version() -> str:
    return tomllib.loads(read(ROOT / "pyproject.toml"))["project"]["version"]


def test_one_version_in_pyproject_the_package_and_the_changelog() -> None:
    assert sms_mocks.__version__ == version()
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d\d-\d\d)$",
                          read(ROOT / "CHANGELOG.md"), re.M)
    assert releases[0][0] == version()
    assert [v for v, _ in releases] == sorted((v for v, _ in releases),
                                              key=lambda v: tuple(map(int, v.split("."))),
                                              reverse=True)


def test_the_changelog_keeps_a_changelog() -> None:
    text = read(ROOT / "CHANGELOG.md")
    assert "keepachangelog.com" in text
    assert text.index("## [Unreleased]") < text.index(f"## [{version()}]")
    kinds = set(re.findall(r"^### (\w+)$", text, re.M))
    assert kinds <= {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def test_the_ci_recipes_use_the_published_image_of_this_version() -> None:
    for path in (ROOT / "README.md", ROOT / "docs" / "container.md"):
        for block in code_blocks(read(path), "yaml"):
            images = re.findall(r"(?:image|name): (\S+)", block)
            ours = [i for i in images if "sms-mocks" in i]
            assert ours == [f"ghcr.io/<owner>/sms-mocks:{version()}"], (path.name, images)
        assert "docker build -t" in read(path), f"{path.name}: no build-it-yourself line"
