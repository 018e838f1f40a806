# fwlb - make targets (Debian 12, run as root; every target is idempotent).
#
#   make demo         the demo (installs what it needs)
#   make test         setup + build + unit + karaf-check + e2e; last line: "N passed, N failed"
#   make setup        toolchain (JDK 17, Maven, ...) + Mininet/OVS (scripts/setup-net.sh)
#   make build        mvn install: every module, unit tests included, both .oar files
#   make package      mvn install without running tests (what the demo needs)
#   make unit         unit tests + the honest-test guard (a module with tests that ran none fails)
#   make karaf-check  the built .oar files in a stock ONOS 2.7 container (Karaf 4.2.9)
#   make e2e          Python end-to-end suites under Mininet (mininet-topos/tests, tests/e2e)
#   make bench        JMH benchmarks (BENCH_ARGS to override the JMH options)
#   make flake-hunt   every Java module 10x, every e2e suite 3x; failures per test (FLAKE_ARGS: -n, -m, ...)
#   make clean        remove build output (target/, build/); the Maven and Karaf caches stay
#
# MVN_ARGS is passed to every Maven run (e.g. MVN_ARGS=-Dmaven.repo.local=/some/repo).

SHELL      := /bin/bash
MVN        ?= mvn
MVN_ARGS   ?=
MVN_FLAGS  := -B --no-transfer-progress -Dstyle.color=never $(MVN_ARGS)
JAVA       ?= java
BENCH_JAR  := bench/target/benchmarks.jar
# JMH options: 1 fork, 3 x 2 s warm-up, 5 x 2 s measurement, 1 thread; results as JSON in build/
BENCH_ARGS ?= -f 1 -wi 3 -w 2s -i 5 -r 2s -t 1
KRYO_OPENS := --add-opens java.base/java.lang.invoke=ALL-UNNAMED --add-opens java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/java.net=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED

export MVN MVN_ARGS

.PHONY: all demo test setup build package unit karaf-check e2e bench clean help flake-hunt

all: build

help:
	@sed -n '3,15p' Makefile

setup:
	@bash scripts/setup.sh

build:
	$(MVN) $(MVN_FLAGS) install

# Everything the demo runs, built and installed, without the unit tests (they are `make test`'s job:
# a newcomer's demo must not depend on a test passing).
package:
	$(MVN) $(MVN_FLAGS) -DskipTests install

# Unit tests alone (stale reports removed first so deleted tests are not counted); every module's
# tests run even after a failure, then the guard counts them and decides.
unit:
	@rm -rf */target/surefire-reports */target/failsafe-reports
	$(MVN) $(MVN_FLAGS) -fae -Dmaven.test.failure.ignore=true test
	@python3 scripts/check-tests.py

karaf-check:
	@bash scripts/karaf-check.sh

e2e:
	@bash scripts/run-e2e.sh

# The full run, in one script so that the summary counts every step, also after a failure.
test:
	@bash scripts/test-all.sh

# builds just the benchmark jar and what it depends on (tests run in 'make build'/'make test')
bench:
	$(MVN) $(MVN_FLAGS) -q -pl bench -am -DskipTests package
	@mkdir -p build
	$(JAVA) -jar $(BENCH_JAR) -jvmArgsAppend "$(KRYO_OPENS)" -rf json -rff build/jmh-result.json $(BENCH_ARGS)
	@echo "bench: JSON results in build/jmh-result.json"

# repeated runs, fresh JVM / pytest each, failures counted per test (scripts/flake-hunt.sh -h)
flake-hunt:
	@bash scripts/flake-hunt.sh $(FLAKE_ARGS)

# FIG 6 on real OVS: 3 stateful firewalls, the runtime as controller, traffic from both sides, one
# firewall cut halfway; prints the tables and checks, writes build/demo/connections-per-firewall.png
demo: setup package
	@/usr/bin/python3 scripts/demo.py $(DEMO_ARGS)

clean:
	rm -rf target */target build karaf-check-results
