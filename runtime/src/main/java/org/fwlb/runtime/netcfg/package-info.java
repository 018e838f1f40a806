/**
 * Network configuration: NetworkConfigRegistry/NetworkConfigService with ONOS semantics (config
 * factories, subject factories, validation, queued configs for factories not yet registered, events)
 * and the JSON document form used by files and REST.
 */
package org.fwlb.runtime.netcfg;
