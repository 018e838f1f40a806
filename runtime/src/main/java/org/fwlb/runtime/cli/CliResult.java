package org.fwlb.runtime.cli;

/**
 * Outcome of one command: what it printed and its exit code (0 ok; 1 the command failed or reported an
 * error; 2 usage error: unknown command or option, missing argument).
 *
 * @param exitCode exit code
 * @param stdout   standard output
 * @param stderr   standard error
 */
public record CliResult(int exitCode, String stdout, String stderr) {

    /** Success. */
    public static final int OK = 0;
    /** The command failed or printed an error. */
    public static final int FAILED = 1;
    /** The command line was wrong. */
    public static final int USAGE = 2;
}
