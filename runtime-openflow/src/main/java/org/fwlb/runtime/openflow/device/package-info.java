/** DeviceService over OpenFlow switches. */
package org.fwlb.runtime.openflow.device;
