"""Docker for the tests of this folder: the engine, Python base images made of Debian's own
packages, and the project's image built from the real Dockerfile with them.

Nothing here imitates a container. Without an engine that answers `docker info` (or without
mmdebstrap, to make the base) a test skips with the reason; in CI (CI set in the environment)
it fails instead.

The bases: mmdebstrap makes a Debian root filesystem of Essential packages, Python and
nothing else (no documentation, no locales), and `docker import` turns it into an image:
`sms-mocks-base:runtime-<recipe>` with python3, and `sms-mocks-base:build-<recipe>` with
python3-venv and binutils (strip) too. `<recipe>` is a digest of what goes in, so a changed
recipe makes new bases; the images stay in the engine's store, and are reused for a week.
The Dockerfile gets them as BUILD_IMAGE and RUNTIME_IMAGE, and gets the wheels as WHEELS: pip
builds them here, on the host, into dist/docker-wheels/ (the build context; dist/ is ignored
by git), so the build fetches nothing and runs with --network none. (Pip inside a container
here cannot reach the index: the machine's CA bundle is not trusted there.)

What an interrupted run left (containers, volumes, networks, images of these tests older than
a quarter of an hour) is removed before a build, and so are the untagged images earlier builds
left on the bases, so that a CI machine's image store does not grow with every commit.

By hand: `python -m tests.docker.engine` builds the image and prints its tag.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

import pytest

ROOT = Path(__file__).resolve().parents[2]
IN_CI = bool(os.environ.get("CI"))

SUITE = "bookworm"
SOURCES = (
    f"deb http://deb.debian.org/debian {SUITE} main",
    f"deb http://deb.debian.org/debian {SUITE}-updates main",
    f"deb http://deb.debian.org/debian-security {SUITE}-security main",
)
# what python:3.12-slim has besides Python: CA certificates, /etc/services, time zones
RUNTIME_PACKAGES = ("python3", "ca-certificates", "netbase", "tzdata")
BUILD_PACKAGES = (*RUNTIME_PACKAGES, "python3-venv", "binutils")
DPKG_OPTIONS = (
    "path-exclude=/usr/share/man/*",
    "path-exclude=/usr/share/info/*",
    "path-exclude=/usr/share/locale/*",
    "path-exclude=/usr/share/doc/*",
    "path-include=/usr/share/doc/*/copyright",
)
# bookworm's init-system-helpers would pull usrmerge, and with it Perl (47 MB), without this
MERGED_USR_HOOK = Path("/usr/share/mmdebstrap/hooks/merged-usr")
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
BASE_REPOSITORY = "sms-mocks-base"
BASE_MAX_AGE = timedelta(days=7)  # then rebuilt, with the security updates since

# one tag a checkout: two clones tested at once on one machine do not retag each other's image
IMAGE = f"sms-gateway-mocks:test-{hashlib.sha256(str(ROOT).encode()).hexdigest()[:10]}"
WHEELS = "dist/docker-wheels"  # relative to the build context, as the Dockerfile takes it


def unavailable(reason: str) -> NoReturn:
    """Skip, or in CI fail: CI has to build and run the image."""
    if IN_CI:
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def run(command: Sequence[str | os.PathLike[str]], *, timeout: float = 600,
        check: bool = True, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True,
                            timeout=timeout, check=False, **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, command))} exited {result.returncode}:\n"
                             f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def docker(*args: str, timeout: float = 120, check: bool = True,
           **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return run(["docker", *args], timeout=timeout, check=check, **kwargs)


def engine() -> str:
    """The engine's version, once `docker info` answers; else skip (fail in CI)."""
    if shutil.which("docker") is None:
        unavailable("no docker command on PATH")
    try:
        info = docker("info", "--format", "{{json .ServerVersion}}", timeout=30, check=False)
    except subprocess.TimeoutExpired:
        unavailable("`docker info` did not answer within 30 s")
    version = info.stdout.strip().strip('"')
    if info.returncode != 0 or not version or version == "null":
        reason = (info.stderr.strip() or info.stdout.strip()).splitlines()
        unavailable(f"no Docker engine: `docker info` failed: {' '.join(reason)[:300]}")
    return version


@contextlib.contextmanager
def machine_lock() -> Iterator[None]:
    """One builder at a time on this machine (pytest-xdist workers, two runs at once)."""
    path = Path(tempfile.gettempdir()) / "sms-mocks-docker.lock"
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def image_created(tag: str) -> datetime | None:
    result = docker("image", "inspect", "--format", "{{.Created}}", tag, check=False)
    if result.returncode != 0:
        return None
    return datetime.fromisoformat(result.stdout.strip()[:19]).replace(tzinfo=UTC)


def image_id(tag: str) -> str | None:
    result = docker("image", "inspect", "--format", "{{.Id}}", tag, check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def mmdebstrap_command(packages: Sequence[str], output: Path) -> list[str]:
    command = ["mmdebstrap", "--quiet", "--variant=essential", f"--include={','.join(packages)}"]
    if MERGED_USR_HOOK.is_dir():
        command.append(f"--hook-dir={MERGED_USR_HOOK}")
    command += [f"--dpkgopt={option}" for option in DPKG_OPTIONS]
    command += ['--aptopt=Acquire::Languages "none"', SUITE, str(output), *SOURCES]
    return command


def base_tags() -> dict[str, str]:
    recipe = json.dumps([SUITE, SOURCES, RUNTIME_PACKAGES, BUILD_PACKAGES, DPKG_OPTIONS,
                         MERGED_USR_HOOK.is_dir()])
    digest = hashlib.sha256(recipe.encode()).hexdigest()[:12]
    return {kind: f"{BASE_REPOSITORY}:{kind}-{digest}" for kind in ("runtime", "build")}


def debian_bases() -> tuple[str, str, float]:
    """(runtime tag, build tag, seconds spent making them: 0 when reused)."""
    tags = base_tags()
    now = datetime.now(UTC)
    stale = [kind for kind, tag in tags.items()
             if (created := image_created(tag)) is None or now - created > BASE_MAX_AGE]
    if not stale:
        return tags["runtime"], tags["build"], 0.0
    if shutil.which("mmdebstrap") is None:
        unavailable("mmdebstrap is needed to make the Python base images from Debian's "
                    "packages: apt-get install mmdebstrap (.ci/run does)")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="sms-mocks-base-") as scratch:
        jobs = {}
        packages = {"runtime": RUNTIME_PACKAGES, "build": BUILD_PACKAGES}
        for kind in stale:  # both at once: mostly downloading and unpacking
            tarball = Path(scratch) / f"{kind}.tar"
            log = (Path(scratch) / f"{kind}.log").open("w+")
            jobs[kind] = (tarball, log, subprocess.Popen(
                mmdebstrap_command(packages[kind], tarball), stdout=log, stderr=subprocess.STDOUT))
        for kind, (tarball, log, process) in jobs.items():
            code = process.wait(timeout=900)
            log.seek(0)
            output = log.read()
            log.close()
            if code != 0:
                raise AssertionError(f"mmdebstrap ({kind} base) exited {code}:\n"
                                     f"{output[-3000:]}")
            previous = image_id(tags[kind])
            docker("import", "--change", f"ENV PATH={DEFAULT_PATH}",
                   "--change", 'CMD ["python3"]', "--message",
                   f"mmdebstrap {SUITE}: {', '.join(packages[kind])}",
                   str(tarball), tags[kind], timeout=300)
            if previous and previous != image_id(tags[kind]):
                docker("image", "rm", previous, check=False)  # the week-old one, if unused
    return tags["runtime"], tags["build"], time.monotonic() - started


def base_platform(runtime: str) -> tuple[str, str]:
    """The base's Python (3.11) and C library (2.36) versions."""
    probe = ("import platform, sys; "
             "print('%d.%d' % sys.version_info[:2], platform.libc_ver()[1])")
    result = docker("run", "--rm", "--network", "none", runtime, "python3", "-c", probe)
    python, libc = result.stdout.split()
    return python, libc


def wheels(python: str, libc: str) -> Path:
    """Every wheel the image installs, made on the host with this environment's pip: the
    project's own, and each dependency's; for the base's Python when it is not this one."""
    dest = ROOT / WHEELS
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    pip = [sys.executable, "-m", "pip"]
    # fixed timestamps in our wheel: unchanged sources give the same bytes, so the build's
    # layer cache holds
    reproducible = {**os.environ, "SOURCE_DATE_EPOCH": "315532800"}
    run([*pip, "wheel", "--quiet", "--wheel-dir", dest, ROOT], env=reproducible)
    ours = f"{sys.version_info.major}.{sys.version_info.minor}"
    if python != ours:
        # the binary ones again, for the base's Python and C library (manylinux_2_x for every
        # x the base's glibc satisfies: pip does not infer the older ones from the newest)
        arch = platform.machine()
        major, minor = (int(n) for n in libc.split("."))
        platforms = [f"manylinux_{major}_{m}_{arch}" for m in range(minor, 4, -1)]
        platforms += [f"manylinux{tag}_{arch}" for tag in ("2014", "2010", "1")]
        run([*pip, "download", "--quiet", "--dest", dest, "--find-links", dest,
             "--only-binary=:all:", "--implementation", "cp", "--python-version", python,
             *(f"--platform={p}" for p in platforms), "sms-gateway-mocks"])
        for wheel in dest.glob(f"*-cp{ours.replace('.', '')}-*.whl"):
            wheel.unlink()
    return dest


@dataclass(frozen=True)
class Image:
    tag: str
    runtime_base: str
    build_base: str
    size: int  # bytes, as `docker image inspect` counts them (all layers, uncompressed)
    build_seconds: float
    base_seconds: float  # making the bases; 0 when reused
    engine: str


def build() -> Image:
    """The project's Dockerfile built as IMAGE, from the Debian bases and the host's wheels;
    once per test run (pytest-xdist's workers share the first one's)."""
    version = engine()
    with machine_lock():
        remove_stale()
        runtime, builder, base_seconds = debian_bases()
        run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
        marker = Path(tempfile.gettempdir()) / f"sms-mocks-docker-{run_id}.json"
        if run_id and marker.exists():
            built = json.loads(marker.read_text())
            if image_id(IMAGE) == built.pop("id"):
                return Image(**built)
        started = time.monotonic()
        python, libc = base_platform(runtime)
        wheels(python, libc)
        args = {"BUILD_IMAGE": builder, "RUNTIME_IMAGE": runtime, "WHEELS": WHEELS}
        output = docker("build", "--network", "none", "--tag", IMAGE,
                        *(f"--build-arg={key}={value}" for key, value in args.items()),
                        str(ROOT), timeout=900).stdout
        seconds = time.monotonic() - started
        # the classic builder names the image of each step (BuildKit makes none)
        remove_older_builds(runtime, builder, keep=set(re.findall(r" ---> ([0-9a-f]{12})\b",
                                                                  output)))
        size = int(docker("image", "inspect", "--format", "{{.Size}}", IMAGE).stdout)
        image = Image(IMAGE, runtime, builder, size, seconds, base_seconds, version)
        if run_id:
            marker.write_text(json.dumps({"id": image_id(IMAGE), **dataclasses.asdict(image)}))
        return image


def remove_older_builds(*bases: str, keep: set[str]) -> None:
    """The untagged images earlier builds left on our bases (builder stages, the image the tag
    moved away from), so that a CI machine's store does not grow with every commit; those of
    this build (`keep`, short ids) and those a container still uses stay."""
    ours = {image_id(base) for base in bases}
    dangling = docker("images", "--filter", "dangling=true", "--quiet", "--no-trunc")
    for image in dangling.stdout.split():
        if image.removeprefix("sha256:")[:12] in keep:
            continue
        ancestor: str | None = image
        for _ in range(40):  # a build's chain: one image per instruction
            ancestor = docker("image", "inspect", "--format", "{{.Parent}}", ancestor,
                              check=False).stdout.strip() or None
            if ancestor is None or ancestor in ours:
                break
        if ancestor in ours:
            docker("image", "rm", image, check=False)


def container_state(name: str) -> dict[str, Any]:
    return json.loads(docker("inspect", "--format", "{{json .State}}", name).stdout)


def published(name: str, port: int = 7214) -> str:
    """http://host:port of the container's `port` as published on the host."""
    out = docker("port", name, f"{port}/tcp").stdout.split()[0]
    host, _, host_port = out.rpartition(":")
    host = "127.0.0.1" if host in ("0.0.0.0", "", "[::]") else host
    return f"http://{host}:{host_port}"


def wait_healthy(name: str, timeout: float = 60) -> float:
    """When (time.monotonic()) Docker's HEALTHCHECK was first seen to report healthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = container_state(name)
        health = (state.get("Health") or {}).get("Status")
        if health == "healthy":
            return time.monotonic()
        if not state.get("Running") or health == "unhealthy":
            logs = docker("logs", name, check=False)
            raise AssertionError(f"{name}: {health or state.get('Status')}, "
                                 f"{json.dumps(state.get('Health'))[-1500:]}\n"
                                 f"{logs.stdout[-2000:]}{logs.stderr[-2000:]}")
        time.sleep(0.1)
    raise AssertionError(f"{name} not healthy within {timeout} s: {container_state(name)}")


def remove(*names: str, volumes: Sequence[str] = ()) -> None:
    for name in names:
        docker("rm", "--force", "--volumes", name, check=False)
    for volume in volumes:
        docker("volume", "rm", "--force", volume, check=False)


STALE_AFTER = timedelta(minutes=15)  # a test's containers live seconds
ONE_DAY = timedelta(days=1)


def remove_stale() -> None:
    """What an interrupted run of these tests left (its cleanup never ran: the run was killed,
    or the engine stopped under it): our containers, volumes and compose networks older than
    STALE_AFTER. A compose service of compose.yaml restarts with the engine
    (`restart: unless-stopped`) and would hold port 7214 for good."""
    now = datetime.now(UTC)
    names = docker("ps", "--all", "--format", "{{.Names}}", check=False).stdout.split()
    networks = docker("network", "ls", "--format", "{{.Name}}", check=False).stdout.split()
    volumes = docker("volume", "ls", "--format", "{{.Name}}", check=False).stdout.split()
    prefixes = ("sms-mocks-test-", "smsmockstest")
    for kind, found in (("container", names), ("volume", volumes), ("network", networks)):
        for name in (n for n in found if n.startswith(prefixes)):
            created = docker(kind, "inspect", "--format", "{{.Created}}" if kind != "volume"
                             else "{{.CreatedAt}}", name, check=False).stdout.strip()
            try:
                when = datetime.fromisoformat(created[:19]).replace(tzinfo=UTC)
            except ValueError:
                continue
            if now - when > STALE_AFTER:
                if kind == "container":
                    docker("rm", "--force", "--volumes", name, check=False)
                else:
                    docker(kind, "rm", name, check=False)
    for marker in Path(tempfile.gettempdir()).glob("sms-mocks-docker-*.json"):  # build()'s
        with contextlib.suppress(OSError):
            if time.time() - marker.stat().st_mtime > ONE_DAY.total_seconds():
                marker.unlink()
    # test_default_build.py's images, and other checkouts' images unused for a day
    for repository in ("sms-gateway-mocks", "sms-mocks-test-base"):
        listed = docker("images", "--format", "{{.Repository}}:{{.Tag}}", repository,
                        check=False).stdout.split()
        for tag in listed:
            created = image_created(tag)
            if created is None or tag == IMAGE:
                continue
            if (tag.startswith(("sms-gateway-mocks:test-pypi-", "sms-mocks-test-base:"))
                    and now - created > STALE_AFTER) or \
                    (tag.startswith("sms-gateway-mocks:test-") and now - created > ONE_DAY):
                docker("image", "rm", tag, check=False)
                remove_older_builds(tag, keep=set())
                docker("image", "rm", tag, check=False)


def report(capsys: pytest.CaptureFixture[str], line: str) -> None:
    """A measurement, on the terminal even when output is captured: on stderr, which a
    pytest-xdist worker shares with the run's terminal."""
    with capsys.disabled():
        print(f"\n    {line}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    image = build()
    print(f"{image.tag}: {image.size / 1e6:.1f} MB, built in {image.build_seconds:.1f} s "
          f"(bases {image.runtime_base}, {image.build_base}: {image.base_seconds:.1f} s)")
