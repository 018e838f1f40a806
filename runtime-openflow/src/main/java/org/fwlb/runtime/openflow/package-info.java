/** OpenFlow 1.3 southbound of the standalone runtime. */
package org.fwlb.runtime.openflow;
