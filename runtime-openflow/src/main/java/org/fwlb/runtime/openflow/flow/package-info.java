/** FlowRuleService: store, FLOW_MODs, barrier-confirmed operations, statistics and resynchronisation. */
package org.fwlb.runtime.openflow.flow;
