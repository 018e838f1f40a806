/** MeterService over METER_MOD. */
package org.fwlb.runtime.openflow.meter;
