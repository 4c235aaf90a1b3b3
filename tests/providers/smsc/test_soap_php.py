"""PHP's SoapClient, the client 003's examples are written for, against the emulator."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from sms_mocks.testing.sandbox import ControlClient

pytestmark = [pytest.mark.slow, pytest.mark.external]  # PHP's SoapClient in a php process

SCRIPT = Path(__file__).parent / "php" / "soap_client.php"


def _php_with_soap() -> str:
    php = shutil.which("php")
    has_soap = php is not None and "soap" in subprocess.run(
        [php, "-m"], capture_output=True, text=True, timeout=30).stdout.split()
    if php is None or not has_soap:
        if os.environ.get("CI"):
            pytest.fail("CI must have php-cli and php-soap (.ci/run installs them)")
        pytest.skip("php with the soap extension is not installed")
    return php


def test_phps_soapclient_runs_every_operation(doc_server: ControlClient) -> None:
    php = _php_with_soap()
    doc_server.call("POST", "/_mock/reset")
    result = subprocess.run([php, str(SCRIPT), f"{doc_server.url}/sys/soap.php?wsdl"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    read = json.loads(result.stdout)
    assert read["send_sms"] == {"id": "1", "balance": "998.60", "cost": "1.40", "cnt": "1",
                                "error": None}
    assert read["send_sms2"] == {"id": "2", "cnt": "1", "errors": [["12", "22"]]}
    assert read["get_sms_cost"] == {"cost": "1.40", "cnt": "1"}
    assert read["get_sms_cost2"] == {"cost": "2.80", "cnt": "2"}
    status = read["get_status"]
    assert {k: status[k] for k in ("status", "err", "phone", "cost", "sender_id", "message")} \
        == {"status": "-1", "err": "0", "phone": "79999999999", "cost": "1.40",
            "sender_id": "ivan", "message": "Hello world!"}
    assert status["status_name"] == "Ожидает отправки"
    assert status["last_date"] and status["send_date"]
    assert read["get_status2"]["status"] == "-1" and read["get_status2"]["operator"]
    assert read["get_balance"] == {"balance": "997.20", "error": "0"}
    assert read["wrong_password"] == "Ошибка №2"
