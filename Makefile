# Developer shortcuts. `make fuzz MINUTES=5` runs each atheris harness for MINUTES minutes.

PYTHON ?= .venv/bin/python
MINUTES ?= 5
FUZZ_SECONDS = $(shell echo $$(( $(MINUTES) * 60 )))
FUZZ_WORK ?= /tmp/geoapp-fuzz

.PHONY: fuzz fuzz-csv fuzz-xlsx badinput

fuzz: fuzz-csv fuzz-xlsx

fuzz-csv:
	mkdir -p $(FUZZ_WORK)/csv-corpus $(FUZZ_WORK)/crashes
	cp -n tests/badinput/files/*.csv $(FUZZ_WORK)/csv-corpus/ 2>/dev/null || true
	$(PYTHON) fuzz/fuzz_csv.py -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=3072 \
		-max_len=65536 -artifact_prefix=$(FUZZ_WORK)/crashes/csv- $(FUZZ_WORK)/csv-corpus

fuzz-xlsx:
	mkdir -p $(FUZZ_WORK)/xlsx-corpus $(FUZZ_WORK)/crashes
	$(PYTHON) fuzz/fuzz_xlsx.py -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=3072 \
		-max_len=65536 -artifact_prefix=$(FUZZ_WORK)/crashes/xlsx- $(FUZZ_WORK)/xlsx-corpus

badinput:
	$(PYTHON) -m pytest tests/badinput tests/test_fuzz_readers.py tests/test_fuzz_matcher.py -q
