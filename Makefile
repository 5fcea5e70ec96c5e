# The two quick-start commands: `make run` and `make test`. Both install first.
.PHONY: setup run test lint bench

setup:
	bash scripts/setup.sh

run: setup
	.venv/bin/sohoa run
	bash scripts/demo-account.sh

test: setup
	.venv/bin/python -m pytest -q

lint:
	.venv/bin/ruff check .
	.venv/bin/mypy

bench: setup
	for b in bench/bench_*.py; do .venv/bin/python $$b || exit 1; done
