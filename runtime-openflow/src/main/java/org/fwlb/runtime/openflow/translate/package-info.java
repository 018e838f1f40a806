/** ONOS selectors and treatments to OpenFlow 1.3 matches and instructions, and back. */
package org.fwlb.runtime.openflow.translate;
