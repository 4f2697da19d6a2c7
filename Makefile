# The two commands: `make run` and `make test`. Everything installs into .venv from pinned files.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PW ?= kyoyo-demo
HOST ?= 127.0.0.1:8000
JOBS ?= auto

.PHONY: run test lint format install migrate seed clean catalogues messages

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed

## make catalogues: compile the translation catalogues (.po → .mo) in pure Python; run and test do it first
catalogues: install
	$(PY) manage.py catalogues compile

## make messages: after changing user-facing text, collect it into every app's catalogues (needs GNU gettext)
messages: install
	$(PY) manage.py catalogues update

migrate: install catalogues
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo --password "$(PW)"

## make run: install, migrate the embedded SQLite database, load demo data, serve on http://127.0.0.1:8000/
run: seed
	@echo "Serving on http://$(HOST)/  (API: /api/v1/, docs: /api/docs/, admin: /admin/)"
	@echo "Periodic tasks (expiry, reminders, digests, the e-mail outbox, reports) run inside the server: a 'schedule:' line per run"
	@echo "Two-factor authentication of staff-side demo users is waived (KYOYO_MFA_WAIVED=1): never in production"
	KYOYO_MFA_WAIVED=1 $(PY) manage.py runserver $(HOST)

## make test: install test extras and run the whole suite with pytest, JOBS processes (browser tests need Chromium)
test: $(VENV)/.installed-test catalogues
	@command -v chromium >/dev/null 2>&1 || [ -n "$$CHROMIUM_PATH" ] || \
		echo "browser tests will be skipped: Chromium is not installed (apt-get install chromium, or set CHROMIUM_PATH)"
	$(PY) -m pytest -n $(JOBS) --dist loadfile --no-loadscope-reorder

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3* .test-db.sqlite3* media staticfiles test-artifacts sent-mail
