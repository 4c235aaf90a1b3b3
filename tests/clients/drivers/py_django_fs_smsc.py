"""Driver for PyPI `django-fs-smsc` 0.1 (Fogstream), run with the python of its own venv
(.venv/clients/django-fs-smsc, made by the test: it installs a top-level package `smsc`, as
PyPI `smsc` does, and needs Django<4).

    python py_django_fs_smsc.py BASE_URL LOGIN PASSWORD [--str-password]

A Django project of one app, configured the way the app reads its settings (smsc/settings.py):
SMSC_LOGIN, SMSC_PASSWORD, SMSC_SENDER and SMSC_SEND_URL, its own base-URL option. The app
offers send_sms() (smsc/api.py:24) and a status callback view (smsc/views.py CallbackView),
which this driver serves over real HTTP at the URL its ready line names: the emulator POSTs
the account's status callbacks there. No balance or cost.

Calls (protocol: repl.py): send, and status, which reads the Message row the view updates.
"""

from __future__ import annotations

import atexit
import shutil
import sys
import tempfile
import threading
from importlib.metadata import version
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import django
from django.conf import settings
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.urls import path
from repl import serve

BASE, LOGIN, PASSWORD = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
STR_PASSWORD = "--str-password" in sys.argv[4:]
DATABASE = Path(tempfile.mkdtemp(prefix="django-fs-smsc-")) / "db.sqlite3"
atexit.register(shutil.rmtree, DATABASE.parent, True)

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["django.contrib.contenttypes", "smsc"],
    # a file, not :memory:, so the server thread's connection sees the same rows
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATABASE)}},
    # its migrations are South's (smsc/migrations/0001_initial.py), which Django cannot run
    MIGRATION_MODULES={"smsc": None},
    USE_TZ=True,
    SMSC_LOGIN=LOGIN,
    # smsc/api.py:14 hashes it with md5(), which takes bytes on Python 3 (C4); given as the
    # str a settings file would hold only with --str-password
    SMSC_PASSWORD=PASSWORD if STR_PASSWORD else PASSWORD.encode(),
    SMSC_SENDER="SMSC",
    SMSC_SEND_URL=f"{BASE}/sys/send.php",
    SMSC_STATUS_URL=f"{BASE}/sys/status.php",  # read by nothing in 0.1
)
django.setup()

from smsc.api import send_sms  # noqa: E402  (after setup: the app's modules read settings)
from smsc.models import Message  # noqa: E402
from smsc.views import CallbackView  # noqa: E402

# smsc/urls.py cannot be imported on Django >= 1.10 (`patterns`, C4), so the project routes
# the view itself, as a project on a newer Django would.
urlpatterns = [path("smsc/callback/", CallbackView.as_view())]

call_command("migrate", run_syncdb=True, verbosity=0)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


server = make_server("127.0.0.1", 0, get_wsgi_application(), WSGIServer, QuietHandler)
threading.Thread(target=server.serve_forever, daemon=True).start()


def send(phone: str, text: str) -> dict[str, Any]:
    returned = send_sms(phone, text)  # None; an error answer raises SMSCException
    row = Message.objects.order_by("-id").first()
    assert row is not None
    return {"returned": returned, "message": {"id": row.id, "phone": row.phone,
                                              "text": row.text, "status": row.status}}


def status(id: int) -> str | None:
    return Message.objects.get(id=id).status


serve({"version": version("django-fs-smsc"), "django": django.get_version(),
       "callback_url": f"http://127.0.0.1:{server.server_port}/smsc/callback/"},
      {"send": send, "status": status})
