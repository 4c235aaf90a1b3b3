"""The Dockerfile, read as Docker would: two stages, a slim base, a non-root user, a
HEALTHCHECK through the CLI, the port and the volumes (the image itself cannot be built here;
test_image.py runs its command)."""

from __future__ import annotations

import json
import re

from sms_mocks.cli import known_variables
from tests.docker.dockerfile import ROOT, parse, stages


def test_a_builder_stage_makes_the_wheels_and_the_runtime_installs_only_those() -> None:
    builder, runtime = stages()
    assert builder.name == "builder"
    for stage in (builder, runtime):
        assert re.fullmatch(r"python:3\.1[1-9]-slim", stage.base), stage.base
    assert any(run.startswith("pip wheel") for run in builder.all("RUN"))
    assert "--from=builder /wheels /wheels" in runtime.all("COPY")
    install = next(run for run in runtime.all("RUN") if run.startswith("pip install"))
    assert "--no-index" in install and "--find-links /wheels" in install
    # what the builder copies exists, and .dockerignore lets it into the context
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    for copy in builder.all("COPY"):
        *sources, _ = copy.split()
        for source in sources:
            assert (ROOT / source).exists(), source
            assert f"!{source.rstrip('/')}" in {line.rstrip("/") for line in ignore}, source


def test_the_server_runs_as_an_unprivileged_user_created_in_the_image() -> None:
    runtime = stages()[-1]
    user = runtime.last("USER")
    assert user not in (None, "root", "0") and not (user or "").startswith(("root:", "0:"))
    assert any("useradd" in run and user in run.split() for run in runtime.all("RUN"))
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
    [stage] = parse("# c\nFROM python:3.12-slim AS x\nENV A=1 \\\n  # note\n  B=\"two words\"\n"
                    'CMD ["a", "b"]\n')
    assert stage.name == "x"
    assert stage.env() == {"A": "1", "B": "two words"}
    assert stage.exec_form("CMD") == ["a", "b"]
