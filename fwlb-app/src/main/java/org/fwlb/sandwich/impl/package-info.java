/**
 * Firewall sandwich components: the firewall dispatchers' rules, the SYN-time firewall choice, the
 * connection life cycle, firewall health probes.
 */
package org.fwlb.sandwich.impl;
