/**
 * The runtime's command line: the apps' Karaf commands (found through the {@code Karaf-Commands}
 * manifest header), parsed and injected by Karaf's own action preparator, run inside the runtime with
 * their output captured per request; and the small client {@code bin/fwlb} uses to reach it.
 */
package org.fwlb.runtime.cli;
