/**
 * JMH benchmarks of the connection engine (fwlb-core, org.fwlb.engine) end to end in one JVM: the sandwich's SYN
 * decision on FIG 1 and FIG 6 (SynDecisionBenchmark), a connection through the whole FIG 8 hierarchy, decided at
 * one punt or stage by stage (HierarchyDecisionBenchmark), and the connection table's memory per live connection
 * (TableFootprint, JOL); run them with scripts/bench-decisions.sh.
 */
package org.fwlb.bench;
