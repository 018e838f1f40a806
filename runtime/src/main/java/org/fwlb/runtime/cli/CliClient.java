package org.fwlb.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.runtime.cli.commands.RuntimeCommands;
import org.fwlb.runtime.registry.ServiceRegistry;
import org.fwlb.runtime.scr.BundleClassPath;
import org.fwlb.runtime.scr.BundleInfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What {@code bin/fwlb <command> [args]} runs: sends the arguments to the running runtime
 * ({@code POST /fwlb-runtime/cli} on its REST port) and reproduces the command's stdout, stderr and exit
 * code. The runtime's address comes from {@code --rest HOST:PORT} before the command, else the
 * {@code FWLB_REST} environment variable, else 127.0.0.1:8181. When the runtime is not running, help,
 * usage and completion are answered from the local bundles; anything else exits 3.
 */
public final class CliClient {

    /** Exit code when the runtime cannot be reached. */
    public static final int UNREACHABLE = 3;

    private static final String LAUNCHER_USAGE = String.join("\n",
            "Usage: bin/fwlb run --config <netcfg.json> [options]   start the runtime (bin/fwlb run --help)",
            "       bin/fwlb [--rest HOST:PORT] <command> [args]    run a command in the running runtime",
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
        List<String> args = new ArrayList<>(argv);
        String endpoint = System.getenv().getOrDefault("FWLB_REST", "127.0.0.1:8181");
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
        CliResult r;
        try {
            r = remote(endpoint, args, ansi);
        } catch (ConnectException e) {
            boolean local = listing || args.get(0).equals("complete") || args.contains("--help");
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

    private static CliService localService() {
        ClassLoader cl = CliClient.class.getClassLoader();
        List<BundleInfo> bundles = BundleClassPath.apply(BundleInfo.scan(cl), cl);
        return new CliService(new ServiceRegistry(), () -> CommandCatalog.scan(bundles, b -> true, RuntimeCommands.all()));
    }

    private static CliResult remote(String endpoint, List<String> args, boolean ansi) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode body = mapper.createObjectNode();
        ArrayNode a = body.putArray("args");
        args.forEach(a::add);
        body.put("ansi", ansi);
        URL url = new URL("http://" + endpoint + "/fwlb-runtime/cli");
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
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
        if (status != 200) {
            throw new IOException("HTTP " + status + ": " + text);
        }
        JsonNode r = mapper.readTree(text);
        return new CliResult(r.path("exitCode").asInt(CliResult.FAILED), r.path("stdout").asText(""),
                             r.path("stderr").asText(""));
    }
}
