package org.fwlb.runtime.cli.sample;

/** In a commands package but not a command. */
public class NotACommand {
}
