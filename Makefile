# vira: the book's commands. `make help` lists them.
#   make book    execute every chapter (papermill) into book/, then build the HTML into _build/html
#   make test    run the tests (unit tests, smoke execution of every chapter, nbval, book build)
#   make html    build the HTML from the committed book/ without executing anything
#   make book-gpu  on one GPU: the chapters in order of value within BUDGET seconds (default 540)
#   make student the chapters' notebooks without their solutions, into student/ (for a teacher to hand out)
# Each first creates/updates the venv .venv from the exact pins (scripts/venv.sh).
#
# Variables: PRESET=smoke|small|full (default: full with CUDA, small on a CPU),
#            CHAPTERS="00 02" (name prefixes), FORCE=1 (re-execute unchanged chapters),
#            JOBS=2 (chapters executed at once; each one's output goes to _build/logs/),
#            ARGS="-p seed 1" (more runner arguments), PYTEST_ARGS="-k labels".

PY := .venv/bin/python
# Real public data for the chapters: $VIRA_DATA if set, else ../shared/data where it exists.
VIRA_DATA ?= $(wildcard $(abspath ../shared/data))
export VIRA_DATA
JB_FLAGS := -W -n --keep-going

.PHONY: help venv book book-gpu html test student sync lock clean

help:
	@sed -n 's/^#   //p' Makefile

venv:
	@bash scripts/venv.sh

book: venv
	@echo "book: executing the chapters with papermill (python -m vira)"
	$(PY) -m vira --preset $(or $(PRESET),auto) $(if $(FORCE),--force) $(if $(JOBS),--jobs $(JOBS)) $(ARGS) $(CHAPTERS)
	@$(MAKE) --no-print-directory html

book-gpu: venv
	@echo "book-gpu: the full preset, chapters in order of value, within $(or $(BUDGET),540) s (scripts/book_in_budget.py)"
	$(PY) scripts/book_in_budget.py --preset $(or $(PRESET),full) --budget $(or $(BUDGET),540) $(ARGS)
	@$(MAKE) --no-print-directory html

html: venv
	@echo "html: building the book from book/ (no execution) into _build/html"
	.venv/bin/jupyter-book build . $(JB_FLAGS)
	@echo "html: open _build/html/index.html"

test: venv
	@echo "test: running pytest (unit tests, smoke chapters, nbval, book build)"
	$(PY) -m pytest $(PYTEST_ARGS)

student: venv
	@echo "student: the chapters without their solutions (scripts/student.py) into $(or $(OUT),student)/"
	$(PY) scripts/student.py --out $(or $(OUT),student) $(CHAPTERS)

# After editing notebooks/NN_slug.py: rewrite the paired .ipynb's cells from it.
sync: venv
	$(PY) -m jupytext --update --to ipynb notebooks/*.py

# Regenerate the exact pins from requirements.in in a scratch venv (needs the registries).
lock:
	rm -rf _build/lock && python3 -m venv _build/lock
	_build/lock/bin/python -m pip install --quiet -r requirements.in
	{ sed -n '1,4p' requirements.txt; _build/lock/bin/python -m pip freeze --exclude-editable \
	  | sed -E '/^(nvidia-|cuda-|triton)/ s/$$/ ; platform_system == "Linux" and platform_machine == "x86_64"/'; \
	} > requirements.txt.new && mv requirements.txt.new requirements.txt

clean:
	rm -rf _build
