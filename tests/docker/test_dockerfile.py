"""The Dockerfile, read as Docker would: two stages on base images given as build arguments
(the official slim image by default), a non-root user, a HEALTHCHECK through the CLI, the
port and the volumes. test_image.py builds it and runs the image."""

from __future__ import annotations

import json
import re

from sms_mocks.cli import known_variables
from tests.docker import engine
from tests.docker.dockerfile import ROOT, global_args, parse, source, stages


def test_the_base_images_are_build_arguments_defaulting_to_the_official_slim_image() -> None:
    args = global_args(source())
    assert set(args) == {"BUILD_IMAGE", "RUNTIME_IMAGE"}
    for default in args.values():
        assert re.fullmatch(r"python:3\.1[1-9]-slim", default), default
    assert args["BUILD_IMAGE"] == args["RUNTIME_IMAGE"]  # one Python, at one path, in both
    builder, runtime = stages()
    assert (builder.base, builder.name) == ("${BUILD_IMAGE}", "builder")
    assert runtime.base == "${RUNTIME_IMAGE}"


def test_the_builder_installs_wheels_into_a_venv_and_the_runtime_copies_only_the_venv() -> None:
    builder, runtime = stages()
    assert "WHEELS=" in builder.all("ARG")  # empty by default: pip makes them from PyPI
    assert "SMS_MOCKS_COMPILE=0" in builder.all("ARG")  # pure unless asked (the release asks)
    [script] = builder.all("RUN")
    assert "python3 -m venv /opt/sms-mocks" in script
    # --use-pep517: an sdist without pyproject.toml (phpserialize, spyne) is built in an
    # isolated environment, not by a setuptools without `wheel` that a 3.11 venv comes with
    assert '"$pip" wheel --no-cache-dir --use-pep517 --wheel-dir /wheels .' in script
    assert '[ "$SMS_MOCKS_COMPILE" != 0 ] && ! command -v cc' in script  # a compiler, if asked
    assert '--no-index --find-links "$wheels"' in script
    assert "uninstall --yes --quiet pip setuptools" in script  # not in the runtime
    assert "compileall" in script and "--invalidation-mode unchecked-hash" in script
    assert runtime.all("COPY") == ["--from=builder /opt/sms-mocks /opt/sms-mocks"]
    assert runtime.env()["PATH"].startswith("/opt/sms-mocks/bin:")
    # the context: what the builder copies, and the directory the tests hand wheels in by
    assert builder.all("COPY") == [". ."]
    ignore = [line for line in (ROOT / ".dockerignore").read_text().splitlines()
              if line and not line.startswith("#")]
    assert ignore[0] == "*"
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    assert allowed == {"pyproject.toml", "README.md", "LICENSE", "mocks", "setup.py",
                       "build_support", engine.WHEELS}
    for name in allowed - {engine.WHEELS}:
        assert (ROOT / name).exists(), name


def test_the_server_runs_as_an_unprivileged_user_created_in_the_image() -> None:
    runtime = stages()[-1]
    user = runtime.last("USER")
    assert user not in (None, "root", "0") and not (user or "").startswith(("root:", "0:"))
    [created] = [run for run in runtime.all("RUN") if "/etc/passwd" in run]
    assert f"{user}:x:10001:10001::/data:/usr/sbin/nologin" in created
    assert f"{user}:x:10001:" in created and "/etc/group" in created
    # USER comes after every RUN, so installing ran as root and serving does not
    keywords = [key for key, _ in runtime.instructions]
    assert keywords.index("USER") > max(i for i, k in enumerate(keywords) if k == "RUN")


def test_it_listens_on_every_address_at_the_exposed_port() -> None:
    runtime = stages()[-1]
    env = runtime.env()
    assert env["SMS_MOCKS_HOST"] == "0.0.0.0"
    assert runtime.all("EXPOSE") == [env["SMS_MOCKS_PORT"]] == ["7214"]
    assert runtime.exec_form("ENTRYPOINT") + runtime.exec_form("CMD") == ["sms-mocks", "serve"]


def test_every_variable_it_sets_is_a_setting() -> None:
    env = stages()[-1].env()
    ours = {name for name in env if name.startswith("SMS_MOCKS_")}
    assert ours and ours <= known_variables()


def test_the_healthcheck_is_the_cli_health_command() -> None:
    options, command = stages()[-1].healthcheck()
    assert command[:2] == ["sms-mocks", "health"]
    assert set(options) >= {"interval", "timeout", "retries"}
    # the command's own timeout is shorter than Docker's, so it reports instead of being killed
    own = float(command[command.index("--timeout") + 1])
    assert own < float(options["timeout"].rstrip("s"))


def test_the_config_and_data_directories_are_volumes() -> None:
    runtime = stages()[-1]
    volumes = [v for rest in runtime.all("VOLUME") for v in json.loads(rest)]
    assert volumes == ["/config", "/data"]
    assert runtime.last("WORKDIR") == "/data"
    assert any("chown sms-mocks:sms-mocks /data" in run for run in runtime.all("RUN"))


def test_the_reader_itself_joins_continuations_and_skips_comments() -> None:
    text = ('# c\nARG BASE=python:3.12-slim\nFROM ${BASE} AS x\nENV A=1 \\\n  # note\n'
            '  B="two words"\nCMD ["a", "b"]\n')
    [stage] = parse(text)
    assert global_args(text) == {"BASE": "python:3.12-slim"}
    assert (stage.base, stage.name) == ("${BASE}", "x")
    assert stage.env() == {"A": "1", "B": "two words"}
    assert stage.exec_form("CMD") == ["a", "b"]
