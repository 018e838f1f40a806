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
 * @param statsSeconds     flow statistics polling period
 * @param adoptionSeconds  how long unowned rules found on a reconnecting switch wait to be adopted
 * @param help             --help was given
 */
public record RuntimeOptions(Path config, int ofPort, String ofAddress, int restPort, String restAddress,
                             Path logFile, String logLevel, boolean keepFlowsOnExit, boolean openflow,
                             boolean strict, boolean serializeStores, double statsSeconds, double adoptionSeconds,
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
            "  --stats-interval SEC     flow statistics polling period (default 2)",
            "  --adoption-grace SEC     keep unowned rules of a reconnecting switch this long for adoption (default 15)",
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
        double stats = 2;
        double grace = 15;
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
                case "--config":
                case "--of-port":
                case "--of-address":
                case "--rest-port":
                case "--rest-address":
                case "--log-file":
                case "--log-level":
                case "--stats-interval":
                case "--adoption-grace":
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
                        case "--stats-interval": stats = seconds(a, value, false); break;
                        default: grace = seconds(a, value, true); break;
                    }
                    break;
                default:
                    throw new UsageException("unknown option " + a);
            }
        }
        if (config == null && !help) {
            throw new UsageException("--config <netcfg.json> is required");
        }
        return new RuntimeOptions(config, ofPort, ofAddress, restPort, restAddress, logFile, logLevel, keep,
                                  openflow, strict, serialize, stats, grace, help);
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

    private static double seconds(String option, String v, boolean zeroOk) {
        try {
            double d = Double.parseDouble(v);
            if (d < 0 || (d == 0 && !zeroOk) || Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": '" + v + "' is not a valid number of seconds");
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
