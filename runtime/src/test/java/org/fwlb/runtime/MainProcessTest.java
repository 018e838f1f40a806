package org.fwlb.runtime;

import org.fwlb.runtime.cli.CliClient;
import org.fwlb.runtime.security.Credentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bin/fwlb run} as a process: ready line, CLI against it, SIGTERM shutdown, start-up failures. */
class MainProcessTest {

    private static final Pattern READY = Pattern.compile("fwlb runtime ready: openflow :(\\d+), rest :(\\d+), (\\d+) components active");

    @TempDir
    Path dir;

    private Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/java.lang.invoke=ALL-UNNAMED",
                "--add-opens", "java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                // never the real ~/.fwlb: the runtime creates its users file there when it has none
                "-Duser.home=" + dir.resolve("home"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile()).start();
    }

    private static String drain(java.io.InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void runsUntilSigtermThenShutsDownCleanly() throws Exception {
        Path netcfg = dir.resolve("netcfg.json");
        Files.writeString(netcfg, "{\"devices\": {}}");
        Path log = dir.resolve("runtime.log");
        Process p = start("run", "--config", netcfg.toString(), "--of-port", "0", "--rest-port", "0",
                          "--log-file", log.toString(), "--log-level", "INFO");
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return drain(p.getErrorStream());
            } catch (IOException e) {
                return e.toString();
            }
        });
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String ready = null;
            long deadline = System.currentTimeMillis() + 60_000;
            String line;
            while (System.currentTimeMillis() < deadline && (line = out.readLine()) != null) {
                if (line.startsWith("fwlb runtime ready:")) {
                    ready = line;
                    break;
                }
            }
            assertTrue(ready != null, "no ready line; stderr: " + (p.isAlive() ? "" : err.get()));
            Matcher m = READY.matcher(ready);
            assertTrue(m.lookingAt(), ready);
            assertTrue(Integer.parseInt(m.group(1)) > 0);

            // first start: a users file with one admin, its random password in a file only the owner reads
            Path state = dir.resolve("home").resolve(".fwlb");
            Path creds = state.resolve("credentials");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(creds)));
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(state.resolve("users.properties"))));
            String password = Credentials.read(creds).password();

            ByteArrayOutputStream cliOut = new ByteArrayOutputStream();
            ByteArrayOutputStream cliErr = new ByteArrayOutputStream();
            int code = CliClient.run(List.of("--rest", "127.0.0.1:" + m.group(2), "runtime:components"),
                                     Map.of("FWLB_CREDENTIALS", creds.toString()),
                                     new PrintStream(cliOut, true), new PrintStream(cliErr, true));
            assertEquals(0, code, cliErr.toString());
            assertTrue(cliOut.toString(StandardCharsets.UTF_8).contains("ACTIVE"), cliOut.toString());
            code = CliClient.run(List.of("--rest", "127.0.0.1:" + m.group(2), "runtime:components"),
                                 Map.of("FWLB_CREDENTIALS", dir.resolve("none").toString()),
                                 new PrintStream(cliOut, true), new PrintStream(cliErr, true));
            assertEquals(CliClient.REFUSED, code);

            String logText = Files.readString(log);
            assertTrue(logText.contains("REST users file " + state.resolve("users.properties")
                    + " did not exist: created it with the user 'admin'") && logText.contains(creds.toString()), logText);
            assertFalse(logText.contains(password), "the log never holds the password");
        } finally {
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "did not stop on SIGTERM");
        }
        assertEquals(143, p.exitValue(), "terminated by SIGTERM");
        String logText = Files.readString(log);
        assertTrue(logText.contains("shutting down"), logText);
        assertTrue(logText.contains("runtime fwlb stopped"), logText);
    }

    @Test
    void invalidNetworkConfigurationStopsStartUpWithTheReason() throws Exception {
        Path netcfg = dir.resolve("bad.json");
        Files.writeString(netcfg, "{\"nonsense\": {}}");
        Process p = start("run", "--config", netcfg.toString(), "--no-openflow", "--rest-port", "0",
                          "--log-file", "none", "--log-level", "ERROR");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = drain(p.getErrorStream());
        assertEquals(1, p.exitValue(), err);
        assertTrue(err.contains("invalid network configuration") && err.contains("nonsense: unknown subject class key"),
                   err);
    }

    @Test
    void unreadableConfigAndBadOptionsAreReported() throws Exception {
        Files.writeString(dir.resolve("broken.json"), "{\"apps\": ");
        Process p = start("run", "--config", dir.resolve("broken.json").toString(), "--no-openflow");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = drain(p.getErrorStream());
        assertEquals(1, p.exitValue(), err);
        assertTrue(err.contains("cannot read the network configuration"), err);

        Process q = start("run", "--config", "x.json", "--of-port", "abc");
        assertTrue(q.waitFor(60, TimeUnit.SECONDS));
        String qerr = drain(q.getErrorStream());
        assertEquals(2, q.exitValue(), qerr);
        assertTrue(qerr.contains("--of-port: 'abc' is not a port number") && qerr.contains("Usage: bin/fwlb run"), qerr);
    }

    @Test
    void aNetworkConfigurationAboveTheSizeLimitIsNotRead() throws Exception {
        Path netcfg = dir.resolve("big.json");
        Files.writeString(netcfg, "{\"devices\": {}, \"pad\": \"" + "x".repeat(4096) + "\"}");
        Process p = start("run", "--config", netcfg.toString(), "--no-openflow", "--rest-port", "0",
                          "--max-document-size", "2048", "--log-file", "none");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = drain(p.getErrorStream());
        assertEquals(1, p.exitValue(), err);
        assertTrue(err.contains("has " + Files.size(netcfg) + " bytes, more than the limit of 2048 (--max-document-size)"),
                   err);
    }

    @Test
    void aBrokenUsersFileStopsTheStart() throws Exception {
        Path netcfg = dir.resolve("netcfg.json");
        Files.writeString(netcfg, "{}");
        Path users = dir.resolve("users.properties");
        Files.writeString(users, "admin = rocks,admin\n");
        Process p = start("run", "--config", netcfg.toString(), "--no-openflow", "--rest-port", "0",
                          "--users", users.toString(), "--log-file", "none");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = drain(p.getErrorStream());
        assertEquals(1, p.exitValue(), err);
        assertTrue(err.contains(users + " line 1: password hash is not pbkdf2-sha256"), err);
        assertFalse(err.contains("rocks"), "the bad value is not echoed: " + err);
    }
}
