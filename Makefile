# The two commands of the README's Quick start. Both set up first (quickly,
# when nothing is missing).
.PHONY: leaflets test setup bench serve

setup:
	bash scripts/setup.sh

leaflets: setup
	.venv/bin/python build_pdfs.py

test: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	.venv/bin/python -m pytest

# The front desk web server (README, Front desk), over the leaflets just built.
serve: leaflets
	.venv/bin/python build_pdfs.py serve

# The speed benchmark (README, Speed), with the warm-Chromium comparison.
bench: setup
	.venv/bin/python bench/benchmark.py --rounds 5 --json bench-results.json
