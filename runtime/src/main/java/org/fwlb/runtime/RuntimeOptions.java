package org.fwlb.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Options of {@code bin/fwlb run}. Parsing is strict: an unknown option, a missing value or a bad number
 * throws {@link UsageException} naming it.
 *
 * @param config           netcfg JSON file (required)
 * @param ofPort           OpenFlow port
 * @param ofAddress        OpenFlow bind address
 * @param restPort         REST port
 * @param restAddress      REST bind address
 * @param logFile          log file, or null for none
 * @param logLevel         log level
 * @param keepFlowsOnExit  leave installed rules on the switches on shutdown
 * @param openflow         run the OpenFlow southbound (false: host only, for trying the apps' REST/CLI)
 * @param strict           exit if any component does not activate
 * @param serializeStores  round-trip stored values through their serializers
 * @param flowPollFrequency    ONOS's OpenFlowRuleProvider flowPollFrequency (s)
 * @param allowExtraneousRules ONOS's FlowRuleManager allowExtraneousRules
 * @param importExtraneousRules ONOS's FlowRuleManager importExtraneousRules
 * @param tcpFlagsMatch        put TCP_FLAGS criteria on the wire (ONOS 2.7 leaves them out)
 * @param help             --help was given
 */
public record RuntimeOptions(Path config, int ofPort, String ofAddress, int restPort, String restAddress,
                             Path logFile, String logLevel, boolean keepFlowsOnExit, boolean openflow,
                             boolean strict, boolean serializeStores, int flowPollFrequency,
                             boolean allowExtraneousRules, boolean importExtraneousRules, boolean tcpFlagsMatch,
                             boolean help) {

    /** Usage text of {@code bin/fwlb run}. */
    public static final String USAGE = String.join("\n",
            "Usage: bin/fwlb run --config <netcfg.json> [options]",
            "",
            "Starts the fwlb runtime: the fwlb ONOS components on an OpenFlow 1.3 controller.",
            "",
            "  --config FILE            network configuration (ONOS netcfg JSON); required",
            "  --of-port N              OpenFlow listen port (default 6653)",
            "  --of-address ADDR        OpenFlow bind address (default 0.0.0.0)",
            "  --rest-port N            REST port: /onos/v1/..., the apps' /onos/<app>/..., the CLI (default 8181)",
            "  --rest-address ADDR      REST bind address (default 127.0.0.1; REST has no authentication)",
            "  --log-file FILE          log file (default fwlb-runtime.log; 'none' for console only)",
            "  --log-level LEVEL        TRACE, DEBUG, INFO (default), WARN or ERROR",
            "  --keep-flows-on-exit     leave the installed rules on the switches on shutdown",
            "  --flow-poll-frequency SEC  flow statistics poll period, ONOS's flowPollFrequency (default 5)",
            "  --allow-extraneous-rules   leave rules the controller does not know on the switches (ONOS property)",
            "  --import-extraneous-rules  with --allow-extraneous-rules: adopt them into the store (ONOS property)",
            "  --of-tcp-flags           put TCP_FLAGS criteria on the wire as the OVS experimenter field",
            "                           (for users whose ONOS build translates TCP_FLAGS; ONOS 2.7 leaves them out)",
            "  --no-openflow            no southbound (only the components that need none activate)",
            "  --no-store-serialization keep stored values as objects (default: through their serializers)",
            "  --strict                 exit with an error if any component does not activate",
            "  --help                   this text",
            "");

    /** A bad command line. */
    public static final class UsageException extends RuntimeException {
        /**
         * @param message what is wrong
         */
        public UsageException(String message) {
            super(message);
        }
    }

    /**
     * @param args arguments after "run"
     * @return the options
     * @throws UsageException naming the problem
     */
    public static RuntimeOptions parse(List<String> args) {
        Path config = null;
        int ofPort = 6653;
        String ofAddress = "0.0.0.0";
        int restPort = 8181;
        String restAddress = "127.0.0.1";
        Path logFile = Path.of("fwlb-runtime.log");
        String logLevel = "INFO";
        boolean keep = false;
        boolean openflow = true;
        boolean strict = false;
        boolean serialize = true;
        int pollFrequency = 5;
        boolean allowExtraneous = false;
        boolean importExtraneous = false;
        boolean tcpFlags = false;
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String value = null;
            if (a.startsWith("--") && a.contains("=")) {
                value = a.substring(a.indexOf('=') + 1);
                a = a.substring(0, a.indexOf('='));
            }
            switch (a) {
                case "--help":
                case "-h":
                    help = true;
                    break;
                case "--keep-flows-on-exit":
                    keep = true;
                    break;
                case "--no-openflow":
                    openflow = false;
                    break;
                case "--strict":
                    strict = true;
                    break;
                case "--no-store-serialization":
                    serialize = false;
                    break;
                case "--allow-extraneous-rules":
                    allowExtraneous = true;
                    break;
                case "--import-extraneous-rules":
                    importExtraneous = true;
                    break;
                case "--of-tcp-flags":
                    tcpFlags = true;
                    break;
                case "--config":
                case "--of-port":
                case "--of-address":
                case "--rest-port":
                case "--rest-address":
                case "--log-file":
                case "--log-level":
                case "--flow-poll-frequency":
                    if (value == null) {
                        if (i + 1 >= args.size()) {
                            throw new UsageException(a + " needs a value");
                        }
                        value = args.get(++i);
                    }
                    switch (a) {
                        case "--config": config = Path.of(value); break;
                        case "--of-port": ofPort = port(a, value); break;
                        case "--of-address": ofAddress = value; break;
                        case "--rest-port": restPort = port(a, value); break;
                        case "--rest-address": restAddress = value; break;
                        case "--log-file": logFile = value.equals("none") ? null : Path.of(value); break;
                        case "--log-level": logLevel = level(value); break;
                        default: pollFrequency = wholeSeconds(a, value); break;
                    }
                    break;
                default:
                    throw new UsageException("unknown option " + a);
            }
        }
        if (config == null && !help) {
            throw new UsageException("--config <netcfg.json> is required");
        }
        if (importExtraneous && !allowExtraneous) {
            throw new UsageException("--import-extraneous-rules needs --allow-extraneous-rules (as in ONOS, "
                                     + "rules are only imported when extraneous rules are allowed)");
        }
        return new RuntimeOptions(config, ofPort, ofAddress, restPort, restAddress, logFile, logLevel, keep,
                                  openflow, strict, serialize, pollFrequency, allowExtraneous, importExtraneous,
                                  tcpFlags, help);
    }

    private static int port(String option, String v) {
        try {
            int p = Integer.parseInt(v);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": '" + v + "' is not a port number (0-65535)");
        }
    }

    private static int wholeSeconds(String option, String v) {
        try {
            int s = Integer.parseInt(v);
            if (s < 1) {
                throw new NumberFormatException();
            }
            return s;
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": '" + v + "' is not a whole number of seconds (1 or more)");
        }
    }

    private static String level(String v) {
        String l = v.toUpperCase(Locale.ROOT);
        if (!List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR").contains(l)) {
            throw new UsageException("--log-level: unknown level " + v + " (use TRACE, DEBUG, INFO, WARN or ERROR)");
        }
        return l;
    }
}
