package org.fwlb.runtime.openflow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The JDK's keytool, for key stores made at test time. */
final class KeyTool {

    private KeyTool() {
    }

    /**
     * Runs keytool.
     *
     * @param args its arguments
     * @throws IOException if it fails (with its output)
     * @throws InterruptedException if interrupted
     */
    static void run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }

    /**
     * Makes a PKCS12 key store with one self-signed key pair.
     *
     * @param store    the file
     * @param password its password (and the key's)
     * @param alias    the entry's alias
     * @param dname    distinguished name
     * @param san      subject alternative names (e.g. "ip:127.0.0.1,dns:localhost"), or null
     * @throws IOException if keytool fails
     * @throws InterruptedException if interrupted
     */
    static void selfSigned(Path store, String password, String alias, String dname, String san)
            throws IOException, InterruptedException {
        List<String> a = new ArrayList<>(List.of("-genkeypair", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", password, "-keypass", password, "-alias", alias, "-keyalg", "EC", "-groupname",
                "secp256r1", "-validity", "2", "-dname", dname));
        if (san != null) {
            a.addAll(List.of("-ext", "san=" + san));
        }
        run(a.toArray(String[]::new));
    }

    /**
     * Copies the certificate of one entry into another store (created if missing) as a trusted certificate.
     *
     * @param from         source key store
     * @param fromPassword its password
     * @param alias        entry to copy
     * @param to           target store
     * @param toPassword   its password
     * @param toAlias      alias in the target
     * @param dir          scratch directory
     * @throws IOException if keytool fails
     * @throws InterruptedException if interrupted
     */
    static void trust(Path from, String fromPassword, String alias, Path to, String toPassword, String toAlias,
                             Path dir) throws IOException, InterruptedException {
        Path cert = dir.resolve(alias + "-" + System.nanoTime() + ".crt");
        run("-exportcert", "-keystore", from.toString(), "-storepass", fromPassword, "-alias", alias, "-rfc",
            "-file", cert.toString());
        run("-importcert", "-noprompt", "-keystore", to.toString(), "-storetype", "PKCS12", "-storepass", toPassword,
            "-alias", toAlias, "-file", cert.toString());
    }
}
