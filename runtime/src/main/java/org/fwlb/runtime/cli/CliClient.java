package org.fwlb.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.runtime.cli.commands.RuntimeCommands;
import org.fwlb.runtime.registry.ServiceRegistry;
import org.fwlb.runtime.scr.BundleClassPath;
import org.fwlb.runtime.scr.BundleInfo;
import org.fwlb.runtime.security.Credentials;
import org.fwlb.runtime.security.KeyStoreFile;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code bin/fwlb <command> [args]} runs: sends the arguments to the running runtime
 * ({@code POST /fwlb-runtime/cli} on its REST port) and reproduces the command's stdout, stderr and exit
 * code. The runtime's address comes from {@code --rest HOST:PORT} (or {@code https://HOST:PORT}) before the
 * command, else the {@code FWLB_REST} environment variable, else 127.0.0.1:8181. The request carries the
 * {@link Credentials} of the environment (HTTP BASIC); over HTTPS the server certificate is checked against
 * the JVM's trusted CAs or the trust store {@code FWLB_TRUSTSTORE} (password {@code FWLB_TRUSTSTORE_PASSWORD}).
 * When the runtime is not running, help, usage and completion are answered from the local bundles; anything
 * else exits 3. Refused credentials exit 4.
 */
public final class CliClient {

    /** Exit code when the runtime cannot be reached. */
    public static final int UNREACHABLE = 3;
    /** Exit code when the runtime refuses the credentials (none, wrong, or a user without the admin role). */
    public static final int REFUSED = 4;

    private static final String LAUNCHER_USAGE = String.join("\n",
            "Usage: bin/fwlb run --config <netcfg.json> [options]   start the runtime (bin/fwlb run --help)",
            "       bin/fwlb [--rest [https://]HOST:PORT] <command> [args]  run a command in the running runtime",
            "                                                       (as FWLB_WEB_USER/FWLB_WEB_PASS, or the user of the",
            "                                                       credentials file FWLB_CREDENTIALS, ~/.fwlb/credentials)",
            "       bin/fwlb user-password [--users FILE] NAME ...   add a REST user or change its password",
            "       bin/fwlb <command> --help                       usage of a command",
            "       bin/fwlb --help [SCOPE|all]                     list commands (of one scope)",
            "       bin/fwlb complete <command> [words...] <partial>  completion candidates",
            "");

    private CliClient() {
    }

    /**
     * @param args command line
     */
    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    /**
     * @param argv command line
     * @param out  where the command's stdout goes
     * @param err  where its stderr goes
     * @return exit code
     */
    public static int run(List<String> argv, PrintStream out, PrintStream err) {
        return run(argv, System.getenv(), out, err);
    }

    /**
     * @param argv command line
     * @param env  environment (FWLB_REST, credentials, trust store)
     * @param out  where the command's stdout goes
     * @param err  where its stderr goes
     * @return exit code
     */
    public static int run(List<String> argv, Map<String, String> env, PrintStream out, PrintStream err) {
        List<String> args = new ArrayList<>(argv);
        String endpoint = env.getOrDefault("FWLB_REST", "127.0.0.1:8181");
        if (args.size() >= 2 && args.get(0).equals("--rest")) {
            endpoint = args.get(1);
            args = args.subList(2, args.size());
        }
        boolean listing = args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h")
                || args.get(0).equals("help");
        if (listing) {
            out.print(LAUNCHER_USAGE);
            out.println();
        }
        boolean ansi = System.console() != null && !"dumb".equals(System.getenv("TERM"));
        boolean local = listing || args.get(0).equals("complete") || args.contains("--help");
        CliResult r;
        try {
            Optional<Credentials> creds = Credentials.fromEnvironment(env);
            r = remote(endpoint, args, ansi, creds.orElse(null), env);
        } catch (IllegalArgumentException | Refused e) {
            if (local) {
                // help and completion need no runtime: answer them here rather than fail on credentials
                r = localService().execute(args, ansi);
            } else {
                err.println("fwlb: " + (e instanceof Refused ? "" : "credentials: ") + e.getMessage());
                return REFUSED;
            }
        } catch (ConnectException e) {
            if (!local) {
                err.println("fwlb: cannot reach the runtime at " + endpoint + " (" + e.getMessage()
                        + "); is it running? Start it with: bin/fwlb run --config <netcfg.json>");
                return UNREACHABLE;
            }
            if (!args.isEmpty() && !args.get(0).equals("complete")) {
                err.println("(runtime not reachable at " + endpoint + "; answering from the local bundles)");
            }
            r = localService().execute(args, ansi);
        } catch (IOException e) {
            err.println("fwlb: request to the runtime at " + endpoint + " failed: " + e.getMessage());
            return UNREACHABLE;
        }
        out.print(r.stdout());
        out.flush();
        err.print(r.stderr());
        err.flush();
        return r.exitCode();
    }

    private static SSLContext trustStoreContext(Map<String, String> env) throws IOException {
        String pw = env.get("FWLB_TRUSTSTORE_PASSWORD");
        try {
            KeyStore ts = new KeyStoreFile(Path.of(env.get("FWLB_TRUSTSTORE")),
                    pw == null ? null : pw.toCharArray(), "PKCS12").load("FWLB_TRUSTSTORE");
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static CliService localService() {
        ClassLoader cl = CliClient.class.getClassLoader();
        List<BundleInfo> bundles = BundleClassPath.apply(BundleInfo.scan(cl), cl);
        return new CliService(new ServiceRegistry(), () -> CommandCatalog.scan(bundles, b -> true, RuntimeCommands.all()));
    }

    /** The runtime refused the credentials (401) or the user (403). */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private static CliResult remote(String endpoint, List<String> args, boolean ansi, Credentials creds,
                                    Map<String, String> env) throws IOException, Refused {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode body = mapper.createObjectNode();
        ArrayNode a = body.putArray("args");
        args.forEach(a::add);
        body.put("ansi", ansi);
        String base = endpoint.startsWith("http://") || endpoint.startsWith("https://") ? endpoint : "http://" + endpoint;
        URL url = new URL(base + "/fwlb-runtime/cli");
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        if (c instanceof HttpsURLConnection && env.get("FWLB_TRUSTSTORE") != null) {
            ((HttpsURLConnection) c).setSSLSocketFactory(trustStoreContext(env).getSocketFactory());
        }
        if (creds != null) {
            c.setRequestProperty("Authorization", creds.basicAuthorization());
        }
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setConnectTimeout(3000);
        c.setReadTimeout(0); // commands may take their time
        c.setRequestProperty("Content-Type", "application/json");
        try (OutputStream os = c.getOutputStream()) {
            os.write(mapper.writeValueAsBytes(body));
        }
        int status = c.getResponseCode();
        InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
        String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (status == 401 || status == 403) {
            String why = status == 403 ? "user " + creds.user() + " may not run commands (the admin role is needed)"
                    : creds == null ? "it needs credentials: set FWLB_WEB_USER and FWLB_WEB_PASS, or FWLB_CREDENTIALS"
                      + " to a credentials file (the runtime writes one next to its users file on first start)"
                    : "it refused the user name or password of " + creds.user();
            throw new Refused("the runtime at " + endpoint + " answered " + status + ": " + why);
        }
        if (status != 200) {
            throw new IOException("HTTP " + status + ": " + text);
        }
        JsonNode r = mapper.readTree(text);
        return new CliResult(r.path("exitCode").asInt(CliResult.FAILED), r.path("stdout").asText(""),
                             r.path("stderr").asText(""));
    }
}
