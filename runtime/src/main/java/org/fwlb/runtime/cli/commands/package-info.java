/**
 * The runtime's own commands (scope {@code runtime}), written like any ONOS command: they find the
 * runtime through {@code AbstractShellCommand.get}.
 */
package org.fwlb.runtime.cli.commands;
