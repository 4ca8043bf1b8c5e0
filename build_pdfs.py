#!/usr/bin/env python3
"""Build the patient leaflets: the `patientpacks` command, run from a checkout.
Run `python build_pdfs.py --help`."""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

try:
    import weasyprint  # noqa: F401  (only to see whether the dependencies are here)
except ImportError:
    # Run with a Python that lacks the dependencies (the system's, after the
    # Quick start installed them into .venv/): use the set-up's environment.
    venv = HERE / ".venv"
    if (venv / "bin" / "python").exists() and Path(sys.prefix).resolve() != venv.resolve():
        os.execv(venv / "bin" / "python", [str(venv / "bin" / "python"), __file__, *sys.argv[1:]])
    sys.exit("patientpacks: its dependencies are not installed; run `make setup` (or see the README)")

# A checkout's package, installed or not.
sys.path.insert(0, str(HERE / "src"))

from patientpacks.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
