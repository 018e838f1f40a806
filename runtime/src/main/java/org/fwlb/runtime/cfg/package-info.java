/**
 * ComponentConfigService: component properties (from .cfgdef files or DS properties), validated
 * changes, and the modified calls they trigger.
 */
package org.fwlb.runtime.cfg;
