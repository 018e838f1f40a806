/** Tools against a real Open vSwitch: FlowModBench (numbers) and OvsSmoke (checks). Not tests. */
package org.fwlb.runtime.openflow.bench;
