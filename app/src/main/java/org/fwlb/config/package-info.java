/**
 * The ONOS netcfg of fwlb (subject: app {@code org.fwlb.core}, key {@code fwlb}): parsing of the JSON
 * into an {@link org.fwlb.model.FwlbTopology} and full validation whose every error names the field
 * path and the offending value. An invalid configuration yields no topology at all.
 */
package org.fwlb.config;
