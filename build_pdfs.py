#!/usr/bin/env python3
"""Build the patient leaflets. Run `python build_pdfs.py --help`."""

import sys
from pathlib import Path

# Run from a checkout without installing: the package lives in src/.
sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from patientpacks.cli import main

if __name__ == "__main__":
    sys.exit(main(project_root=Path(__file__).resolve().parent))
