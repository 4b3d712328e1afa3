# Two commands on a fresh clone: `make run` and `make test`. `make` alone lists the others (`make help`).
# A target's `## ` comment is its line in `make help`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export PYTHONWARNINGS := ignore
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 3
# Rasa's usage reports are off: nothing about this service leaves the machine.
export RASA_TELEMETRY_ENABLED := false
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MODEL := models/doctor-support.tar.gz
TRAINING_INPUTS := config.yml domain.yml $(wildcard data/*.yml data/nlu/*.yml)
# What lint, check and format cover.
CODE := bot actions components tests bench tools
# The tests that need no model, database server or network (make check): about a minute, two thirds of it the
# crisis corpus's training and held-out checks (tests/core/test_crisis_corpus.py).
CHECK_TESTS := tests/core tests/test_layers.py tests/test_settings.py tests/test_no_secrets.py tests/tools tests/ops
# Rasa 3.6 needs Python 3.10: the one on PATH, or pyenv's.
PYTHON310 ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10; do \
	  $$p -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo $$p; break; }; done)

.PHONY: help check format crisis-model crisis-eval crisis-bench language-eval audit audit-check cluster cluster-setup purge run shell test train lint unit validate core-test browser-setup e2e soak soak-short bench live-bench lock clean migrate counsellor secret-key

help: ## this list
	@awk -F ':.*## ' '/^[a-z][a-z0-9-]*:.*## / { printf "  make %-14s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

run: $(VENV)/.installed .env secret-key $(MODEL) ## set up (venv, .env, model) and start the web, Rasa and action servers
	$(PY) -m bot.ops.launch --model $(MODEL)

# Chat in the terminal (stop `make run` first: the shell takes the Rasa port).
shell: $(VENV)/.installed .env secret-key $(MODEL) ## chat in the terminal (stop `make run` first)
	$(PY) -m bot.ops.launch --model $(MODEL) --shell

test: $(VENV)/.installed .env secret-key lint audit-check unit validate $(MODEL) core-test browser-setup cluster-setup e2e soak-short ## set up, then everything CI runs: lint, audit, all tests, a 2-minute soak (needs PostgreSQL and Redis)

check: lint ## lint and the tests that need no model, database or network, in seconds (make test runs the corpus too)
	$(PY) -m pytest -q -m "not corpus" $(CHECK_TESTS)

# The venv gets what runs and the test and development tools (requirements-dev.txt includes requirements.txt).
$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -n "$(PYTHON310)" || { echo "Python 3.10 is needed (Rasa 3.6 does not run on 3.11)"; exit 1; }
	test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

.env: .env.example
	@if [ ! -f .env ]; then \
	  token=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))'); \
	  key=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))'); \
	  sed -e "s/^RASA_API_TOKEN=.*/RASA_API_TOKEN=$$token/" -e "s/^SECRET_KEY=.*/SECRET_KEY=$$key/" .env.example > .env; \
	  echo "wrote .env with a new RASA_API_TOKEN and SECRET_KEY"; \
	else touch .env; fi

# An .env from before SECRET_KEY existed gets one (checked on every run, not only when .env.example changes).
secret-key: .env
	@grep -q '^SECRET_KEY=.' .env || { echo "SECRET_KEY=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')" >> .env; \
	  echo "added a SECRET_KEY to .env"; }

# Trains only when the training data or configuration changed.
$(MODEL): $(VENV)/.installed $(TRAINING_INPUTS)
	mkdir -p models var
	PYTHONPATH=. TF_CPP_MIN_LOG_LEVEL=3 $(PY) -m components.rasa_server train --fixed-model-name doctor-support --out models --quiet
	touch $@

train: $(MODEL) ## train the Rasa model (only when config.yml, domain.yml or data/ changed)

lint: $(VENV)/.installed ## ruff format --check and ruff check
	$(BIN)/ruff format --check $(CODE)
	$(BIN)/ruff check $(CODE)

format: $(VENV)/.installed ## ruff format and ruff check --fix: what lint asks for, done
	$(BIN)/ruff format $(CODE)
	$(BIN)/ruff check --fix $(CODE)

# Known vulnerabilities with a fix in the locked requirements fail (tools/audit.py, pip-audit in its own venv:
# its dependencies clash with Rasa's pins). `make test` does not fail when the vulnerability database cannot be
# reached (it says so); `make audit` does.
PIP_AUDIT_VERSION := 2.10.1
var/audit-venv/.installed:
	@test -n "$(PYTHON310)" || { echo "Python 3.10 is needed"; exit 1; }
	$(PYTHON310) -m venv var/audit-venv
	var/audit-venv/bin/pip install --quiet pip-audit==$(PIP_AUDIT_VERSION)
	touch $@

audit: $(VENV)/.installed var/audit-venv/.installed ## pip-audit over the locked requirements; fails if the database is unreachable
	$(PY) tools/audit.py

audit-check: $(VENV)/.installed var/audit-venv/.installed ## the same, but only says so when the database is unreachable
	$(PY) tools/audit.py --unreachable-ok

unit: $(VENV)/.installed $(MODEL) ## every pytest test but e2e/ and cluster/ (needs PostgreSQL and Redis)
	$(PY) -m pytest -q tests --ignore=tests/e2e --ignore=tests/cluster

validate: $(VENV)/.installed ## rasa data validate
	PYTHONPATH=. $(BIN)/rasa data validate --fail-on-warnings --quiet

# One run a file (rasa test core takes one): the English stories, then the Norwegian ones; either fails the target.
core-test: $(MODEL) ## rasa test core on tests/test_stories.yml and tests/test_stories_nb.yml
	PYTHONPATH=. TF_CPP_MIN_LOG_LEVEL=3 $(PY) -m components.rasa_server test core --stories tests/test_stories.yml --model $(MODEL) \
	  --fail-on-prediction-errors --out var/test-results --quiet
	PYTHONPATH=. TF_CPP_MIN_LOG_LEVEL=3 $(PY) -m components.rasa_server test core --stories tests/test_stories_nb.yml --model $(MODEL) \
	  --fail-on-prediction-errors --out var/test-results-nb --quiet

# The browser tests drive Debian's chromium (installed here when missing) and inject axe-core from npm.
AXE_VERSION := 4.11.0
browser-setup: ## install Debian's chromium (apt) and axe-core (npm) when missing
	@test -x /usr/bin/chromium || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }
	@test -f var/node/node_modules/axe-core/package.json && grep -q '"version": "$(AXE_VERSION)"' var/node/node_modules/axe-core/package.json \
	  || npm install --prefix var/node axe-core@$(AXE_VERSION) --no-audit --no-fund --silent

e2e: $(MODEL) .env secret-key browser-setup cluster-setup ## end-to-end, browser and cluster tests on real servers
	$(PY) -m pytest -q tests/e2e tests/cluster

# 50 conversations at once for 10 minutes through the web server (bench/soak.py): p95 and memory over time,
# figures in docs/reliability.md. `make test` runs the same for 2 minutes, with a looser memory check.
soak: $(VENV)/.installed .env $(MODEL) ## 50 conversations at once for 10 minutes (docs/reliability.md)
	mkdir -p var
	$(PY) bench/soak.py --minutes 10 --conversations 50 --json var/soak.json --markdown var/soak.md

soak-short: $(VENV)/.installed .env $(MODEL) ## the same for 2 minutes, as in make test
	$(PY) bench/soak.py --minutes 2 --conversations 50 --sample 5 --growth 0.25

# N Rasa replicas (REPLICAS=2) and M action servers (ACTION_SERVERS=1) behind nginx, on this machine's
# PostgreSQL and Redis unless .env names others (bot/ops/cluster.py, docs/deploy.md).
cluster: $(VENV)/.installed .env secret-key $(MODEL) cluster-setup ## [REPLICAS=2 ACTION_SERVERS=1] Rasa replicas behind nginx (docs/deploy.md)
	$(PY) -m bot.ops.cluster --model $(MODEL) --replicas $(or $(REPLICAS),2) --action-servers $(or $(ACTION_SERVERS),1)

# The balancer for the cluster and its tests: Debian's nginx, installed when missing (it is not started as a service).
cluster-setup: ## install Debian's nginx (apt) when missing
	@test -x /usr/sbin/nginx || command -v nginx >/dev/null || { apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light; }

# Build or update the database (DATABASE_URL) with the Alembic migrations; `make run` does it too.
migrate: $(VENV)/.installed .env secret-key ## build or update the database (DATABASE_URL)
	$(PY) -m bot.ops.migrate

# A counsellor account: make counsellor NAME=kari (asks for the password); ADMIN=1 also reads the audit log.
counsellor: $(VENV)/.installed .env secret-key ## NAME=kari [ADMIN=1]: a counsellor account (asks for the password)
	@test -n "$(NAME)" || { echo "usage: make counsellor NAME=kari [ADMIN=1]"; exit 2; }
	$(PY) -m bot.ops.counsellors add $(NAME) $(if $(ADMIN),--admin,)

# Delete conversations, intake summaries and handoff requests past their retention (the web server also does it every 10 minutes).
purge: $(VENV)/.installed .env secret-key ## delete what is past its retention now
	$(PY) -m bot.ops.retention

# Side by side (bench/bench.py): this pipeline against the English-only assistant at BASELINE (its own code, data and
# model, from a temporary git worktree; two interleaved rounds), the same with the Norwegian personas, Rasa's default
# pipeline, 1 and 2 replicas behind nginx.
BASELINE ?= 6cc60be
bench: $(VENV)/.installed .env $(MODEL) cluster-setup ## speed, side by side with the English-only assistant and others (docs/performance.md)
	mkdir -p var
	$(PY) bench/crisis_bench.py
	$(PY) bench/bench.py --model $(MODEL) --baseline $(BASELINE) --rounds 2 --json var/bench.json --markdown var/bench.md

# 50 live chats at once (bench/live_bench.py): delivery p50/p95/p99, lost, reordered, errors; on one machine (SQLite)
# and on the cluster (two web servers, two Rasa replicas, PostgreSQL, Redis). About a minute; docs/performance.md.
live-bench: $(VENV)/.installed .env $(MODEL) cluster-setup ## 50 live chats at once: message delivery, loss, order (docs/performance.md)
	mkdir -p var
	$(PY) bench/live_bench.py --setup single,cluster --chats 50 --messages 10 --json var/live-bench.json --markdown var/live-bench.md

# The crisis classifier (bot/core/crisis_model.py) from the training rows of tests/data/crisis/: weights and thresholds
# into bot/core/lexicon/crisis_model.json (tools/train_crisis.py; about a minute). `make test` fails on a stale model.
crisis-model: $(VENV)/.installed ## retrain the crisis classifier into bot/core/lexicon/crisis_model.json
	$(PY) tools/train_crisis.py

# Recall per kind of disclosure and false alarms per kind of hard negative, per language, training and held-out rows apart.
crisis-eval: $(VENV)/.installed ## the crisis check's recall and false alarms (docs/crisis.md)
	$(PY) tools/crisis_eval.py

# The crisis check's time per message (p50/p95), on the corpus and the dev personas' words.
crisis-bench: $(VENV)/.installed ## the crisis check's time per message
	$(PY) bench/crisis_bench.py

# The language identifier (bot/core/language.py) on the repository's labelled messages, by length and language: right,
# wrong and "cannot tell", time per message, memory; lingua-language-detector too when importable (docs/language.md).
language-eval: $(VENV)/.installed ## how well and how fast the language of a message is told (docs/language.md)
	$(PY) tools/language_eval.py

# requirements.txt (what runs, from requirements.in) and requirements-dev.txt (the test and development tools, from
# requirements-dev.in), pinned at the versions in the venv (tools/lock.py).
lock: $(VENV)/.installed ## re-pin requirements.txt and requirements-dev.txt from the venv
	$(PY) tools/lock.py

clean: ## remove the model, test results and caches
	rm -rf models var/test-results .pytest_cache .ruff_cache
