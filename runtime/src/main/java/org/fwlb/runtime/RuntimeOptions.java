package org.fwlb.runtime;

import org.fwlb.runtime.openflow.OpenFlowOptions;
import org.fwlb.runtime.openflow.OpenFlowOptions.TlsMode;
import org.fwlb.runtime.rest.RestSecurity;
import org.fwlb.runtime.security.FirstStart;
import org.fwlb.runtime.security.KeyStoreFile;
import org.fwlb.runtime.security.Secrets;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
 * @param security         REST users and TLS, OpenFlow TLS, size limits
 */
public record RuntimeOptions(Path config, int ofPort, String ofAddress, int restPort, String restAddress,
                             Path logFile, String logLevel, boolean keepFlowsOnExit, boolean openflow,
                             boolean strict, boolean serializeStores, int flowPollFrequency,
                             boolean allowExtraneousRules, boolean importExtraneousRules, boolean tcpFlagsMatch,
                             boolean help, Security security) {

    /**
     * The security options.
     *
     * @param users               REST users file
     * @param restKeyStore        HTTPS key store, or null for HTTP
     * @param maxDocumentBytes    largest netcfg file and REST request body
     * @param ofTlsMode           OpenFlow TLS mode (ONOS's tlsMode)
     * @param ofKeyStore          OpenFlow key store (null when disabled)
     * @param ofTrustStore        OpenFlow trust store (null when disabled)
     * @param ofMaxMultipartBytes largest multipart reply of a switch
     */
    public record Security(Path users, KeyStoreFile restKeyStore, long maxDocumentBytes, TlsMode ofTlsMode,
                           KeyStoreFile ofKeyStore, KeyStoreFile ofTrustStore, long ofMaxMultipartBytes) {
    }

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
            "  --rest-address ADDR      REST bind address (default 127.0.0.1)",
            "  --users FILE             REST users and roles (default ~/.fwlb/users.properties; created with a",
            "                           random admin password, written to 'credentials' next to it, if missing)",
            "  --rest-key-store FILE    serve REST over HTTPS (TLS 1.2+) with this key store",
            "  --rest-key-store-password PASS   its password: PASS, env:VARIABLE or file:PATH",
            "  --rest-key-store-type T  PKCS12 (default) or JKS",
            "  --max-document-size N    largest --config file and REST request body in bytes (default 1048576)",
            "  --of-tls-mode MODE       OpenFlow TLS as ONOS's tlsMode: disabled (default), enabled, strict",
            "  --of-key-store FILE      OpenFlow TLS key store (ONOS keyStore)",
            "  --of-key-store-password PASS     its password: PASS, env:VARIABLE or file:PATH",
            "  --of-trust-store FILE    certificates switches may present (ONOS trustStore)",
            "  --of-trust-store-password PASS   its password: PASS, env:VARIABLE or file:PATH",
            "  --of-max-multipart-bytes N  largest multipart reply of a switch (default 134217728)",
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
        return parse(args, System.getenv());
    }

    /**
     * @param args arguments after "run"
     * @param env  environment (for env:VARIABLE passwords)
     * @return the options
     * @throws UsageException naming the problem
     */
    public static RuntimeOptions parse(List<String> args, Map<String, String> env) {
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
        Path users = FirstStart.defaultUsersFile();
        String restKs = null;
        String restKsPw = null;
        String restKsType = null;
        long maxDoc = RestSecurity.DEFAULT_MAX_BODY;
        TlsMode ofTls = TlsMode.DISABLED;
        String ofKs = null;
        String ofKsPw = null;
        String ofTs = null;
        String ofTsPw = null;
        long ofMaxMultipart = OpenFlowOptions.DEFAULT_MAX_MULTIPART_BYTES;
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
                case "--users":
                case "--rest-key-store":
                case "--rest-key-store-password":
                case "--rest-key-store-type":
                case "--max-document-size":
                case "--of-tls-mode":
                case "--of-key-store":
                case "--of-key-store-password":
                case "--of-trust-store":
                case "--of-trust-store-password":
                case "--of-max-multipart-bytes":
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
                        case "--users": users = Path.of(value); break;
                        case "--rest-key-store": restKs = value; break;
                        case "--rest-key-store-password": restKsPw = value; break;
                        case "--rest-key-store-type": restKsType = value; break;
                        case "--max-document-size": maxDoc = bytes(a, value, 1024); break;
                        case "--of-tls-mode": ofTls = tlsMode(value); break;
                        case "--of-key-store": ofKs = value; break;
                        case "--of-key-store-password": ofKsPw = value; break;
                        case "--of-trust-store": ofTs = value; break;
                        case "--of-trust-store-password": ofTsPw = value; break;
                        case "--of-max-multipart-bytes": ofMaxMultipart = bytes(a, value, 65_535); break;
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
        KeyStoreFile restStore = null;
        if (restKs != null) {
            restStore = store("--rest-key-store", restKs, restKsPw, restKsType == null ? "PKCS12" : restKsType, env);
        } else if (restKsPw != null || restKsType != null) {
            throw new UsageException("--rest-key-store-password and --rest-key-store-type need --rest-key-store");
        }
        KeyStoreFile ofStore = null;
        KeyStoreFile ofTrust = null;
        if (ofTls != TlsMode.DISABLED) {
            List<String> missing = new ArrayList<>();
            for (String[] o : new String[][] {{"--of-key-store", ofKs}, {"--of-key-store-password", ofKsPw},
                    {"--of-trust-store", ofTs}, {"--of-trust-store-password", ofTsPw}}) {
                if (o[1] == null) {
                    missing.add(o[0]);
                }
            }
            if (!missing.isEmpty()) {
                throw new UsageException("--of-tls-mode " + ofTls.name().toLowerCase(Locale.ROOT) + " needs "
                        + String.join(", ", missing));
            }
            ofStore = store("--of-key-store", ofKs, ofKsPw, "JKS", env);
            ofTrust = store("--of-trust-store", ofTs, ofTsPw, "JKS", env);
        } else if (ofKs != null || ofKsPw != null || ofTs != null || ofTsPw != null) {
            throw new UsageException("--of-key-store and --of-trust-store need --of-tls-mode enabled or strict");
        }
        if (importExtraneous && !allowExtraneous) {
            throw new UsageException("--import-extraneous-rules needs --allow-extraneous-rules (as in ONOS, "
                                     + "rules are only imported when extraneous rules are allowed)");
        }
        return new RuntimeOptions(config, ofPort, ofAddress, restPort, restAddress, logFile, logLevel, keep,
                                  openflow, strict, serialize, pollFrequency, allowExtraneous, importExtraneous,
                                  tcpFlags, help,
                                  new Security(users, restStore, maxDoc, ofTls, ofStore, ofTrust, ofMaxMultipart));
    }

    private static KeyStoreFile store(String option, String path, String password, String type, Map<String, String> env) {
        if (password == null) {
            throw new UsageException(option + " needs " + option + "-password");
        }
        try {
            return new KeyStoreFile(Path.of(path), Secrets.resolve(option + "-password", password, env), type);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static TlsMode tlsMode(String v) {
        try {
            return TlsMode.parse(v);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--of-tls-mode: '" + v + "' is not disabled, enabled or strict");
        }
    }

    private static long bytes(String option, String v, long min) {
        try {
            long n = Long.parseLong(v);
            if (n < min) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": '" + v + "' is not a number of bytes (at least " + min + ")");
        }
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
