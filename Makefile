# The two commands of the README's Quick start. Both set up first (quickly,
# when nothing is missing).
.PHONY: leaflets test setup

setup:
	bash scripts/setup.sh

leaflets: setup
	.venv/bin/python build_pdfs.py

test: setup
	.venv/bin/python -m pytest
