import sys

from sms_mocks.cli import main

sys.exit(main())
