"""Real client programs, unmodified except for the base address they are given: curl, httpx,
zeep and PHP (SoapClient, unserialize()). A missing one skips its scenario with the reason;
none of them is needed to install the package."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from sms_mocks.conformance.target import Skip

TIMEOUT = 60
PHP = Path(__file__).parent / "php"


def curl(url: str, body: bytes | None = None, content_type: str = "") -> bytes:
    """The body curl gets for a GET of `url` (already encoded), or for a POST of `body`,
    failing on no answer."""
    program = shutil.which("curl")
    if program is None:
        raise Skip("curl is not installed")
    command = [program, "--silent", "--show-error", "--globoff", "--max-time", str(TIMEOUT)]
    if body is not None:  # the body on stdin, as a shell script would pipe it
        command += ["--data-binary", "@-", "--header", f"Content-Type: {content_type}"]
    done = subprocess.run([*command, url], input=body or b"", capture_output=True,
                          timeout=TIMEOUT + 5)
    if done.returncode != 0:
        raise AssertionError(f"curl failed ({done.returncode}): {done.stderr.decode()!r}")
    return done.stdout


def _httpx() -> Any:
    try:
        import httpx
    except ImportError as missing:
        raise Skip("httpx is not installed (pip install httpx)") from missing
    return httpx


def httpx_get(url: str, params: dict[str, Any]) -> Any:
    return _httpx().get(url, params=params, timeout=TIMEOUT)


def httpx_post(url: str, body: bytes, content_type: str) -> Any:
    return _httpx().post(url, content=body, headers={"Content-Type": content_type},
                         timeout=TIMEOUT)


def zeep_service(wsdl_url: str) -> Any:
    """SMSC's SOAP service as zeep reads it from the WSDL the target serves."""
    try:
        import zeep
    except ImportError as missing:
        raise Skip("zeep is not installed (pip install zeep)") from missing
    return zeep.Client(wsdl_url).service  # type: ignore[no-untyped-call]  # zeep's __init__ is unannotated


def _php(extension: str | None = None) -> str:
    program = shutil.which("php")
    if program is None:
        raise Skip("php-cli is not installed")
    if extension is not None:
        modules = subprocess.run([program, "-m"], capture_output=True, text=True,
                                 timeout=TIMEOUT).stdout.split()
        if extension not in modules:
            raise Skip(f"php has no {extension} extension")
    return program


def php_json(script: str, *args: str, stdin: bytes = b"", extension: str | None = None) -> Any:
    """Run php/`script` (which prints JSON) with `args`; its output, read."""
    program = _php(extension)
    done = subprocess.run([program, str(PHP / script), *args], input=stdin,
                          capture_output=True, timeout=TIMEOUT)
    if done.returncode != 0:
        raise AssertionError(f"php failed: {(done.stdout + done.stderr).decode()!r}")
    return json.loads(done.stdout)

