/**
 * JMH benchmarks of the SYN decision: the firewall sandwich's (SynDecisionBenchmark), the FIG 8 hierarchy's
 * (HierarchyDecisionBenchmark) and the sandwich's decision step by step (DecisionStepsBenchmark); run them
 * with scripts/bench-decisions.sh.
 */
package org.fwlb.bench;
