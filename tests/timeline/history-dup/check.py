#!/usr/bin/env python3
"""One history under many names is read once; its long line is kept cut (review 2)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tlcheck import Out, expect  # noqa: E402

o = Out(sys.argv[1])
expect(o.tl_rc in (0, 1) and o.scan_rc in (0, 1), "exit %d/%d" % (o.tl_rc, o.scan_rc))
hist = [f for f in o.findings if f["check"] == "history.suspicious"]
lines = sorted(f["evidence"].get("line", "")[:20] for f in hist)
# wget, curl|sh and history -c: each once, not once per name and home (15 times)
expect(len(hist) == 3, "history.suspicious findings: %d %r" % (len(hist), lines))
cut = [f for f in hist if f["evidence"].get("line", "").startswith("curl -s")]
expect(cut and len(cut[0]["evidence"]["line"]) <= 4096, "the long line is not cut")
d = " ".join(o.summary["diagnostics"])
expect("seen again under another name, read once" in d, "no diagnostic: %r" % d[:300])
