#!/usr/bin/env python3
"""RFC 3339 lines kept when the log's mtime was set back; the mismatch is reported."""
import os
import runpy
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, ".."))
from tlcheck import Out, expect  # noqa: E402

o = Out(sys.argv[1])
expect("mtime was set back" in o.en, "the mtime mismatch is reported")
# the same conclusion as the Debian 12 case
runpy.run_path(os.path.join(here, "..", "debian12", "check.py"), run_name="__main__")
