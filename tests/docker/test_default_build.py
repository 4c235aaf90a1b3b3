"""The default build, as a user with internet makes it: no WHEELS, so the builder stage's pip
makes every wheel from PyPI. Docker Hub's python:3.12-slim is out of reach here, so the bases
are the Debian ones of engine.py, the builder's with this machine's CA bundle added: pip in a
container here does not trust the index's certificate chain otherwise."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest

from tests.docker import engine
from tests.docker.dockerfile import ROOT


@pytest.mark.slow
@pytest.mark.external
def test_without_wheels_the_builder_makes_them_from_pypi(image: engine.Image,
                                                          tmp_path: Path) -> None:
    bundle = Path(os.environ.get("SSL_CERT_FILE") or "/etc/ssl/certs/ca-certificates.crt")
    if not bundle.is_file():
        engine.unavailable(f"no CA bundle at {bundle} to give pip in the container")
    shutil.copy(bundle, tmp_path / "ca.crt")
    (tmp_path / "Dockerfile").write_text(
        f"FROM {image.build_base}\nCOPY ca.crt /etc/ssl/host-ca.crt\n"
        "ENV PIP_CERT=/etc/ssl/host-ca.crt\n")
    suffix = uuid.uuid4().hex[:8]
    base, built = f"sms-mocks-test-base:{suffix}", f"sms-gateway-mocks:test-pypi-{suffix}"
    try:
        engine.docker("build", "--tag", base, str(tmp_path))
        engine.docker("build", "--tag", built, f"--build-arg=BUILD_IMAGE={base}",
                      f"--build-arg=RUNTIME_IMAGE={image.runtime_base}", str(ROOT),
                      timeout=600)
        version = engine.docker("run", "--rm", "--read-only", "--network", "none", built,
                                "--version")
        assert version.stdout.startswith("sms-mocks ")
        # only what serving needs: no pip, no setuptools, no wheels
        probe = engine.docker("run", "--rm", "--network", "none", "--entrypoint", "python",
                              built, "-c", "import importlib.util as u, os; print("
                              "u.find_spec('pip'), u.find_spec('setuptools'), "
                              "os.path.exists('/wheels'), os.path.exists('/src'))")
        assert probe.stdout.split() == ["None", "None", "False", "False"]
    finally:
        engine.docker("image", "rm", built, check=False)
        engine.remove_older_builds(base, keep=set())  # its builder stage's images
        engine.docker("image", "rm", base, check=False)
