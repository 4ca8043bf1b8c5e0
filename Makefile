# The two commands of the README's Quick start. Both set up first (quickly,
# when nothing is missing).
.PHONY: leaflets test setup bench

setup:
	bash scripts/setup.sh

leaflets: setup
	.venv/bin/python build_pdfs.py

test: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	.venv/bin/python -m pytest

# The speed benchmark (README, Speed), with the warm-Chromium comparison.
bench:
	bash scripts/setup.sh --bench
	.venv/bin/python bench/benchmark.py --rounds 5 --json bench-results.json
