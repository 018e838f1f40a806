package org.fwlb.runtime.openflow;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onosproject.net.DeviceId;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OpenFlow over TLS with ONOS's modes, on self-signed certificates made by keytool: a controller key pair,
 * switch key pairs sw1 and sw2 that the trust store vouches for, and a rogue one it does not. In strict mode
 * the controller key store also holds sw1's certificate under the alias "sw1-cert".
 */
class TlsChannelTest extends RuntimeTestBase {

    private static final String PW = "changeit-test";

    @TempDir
    static Path dir;

    private static Path controller;
    private static Path trust;

    @BeforeAll
    static void keys() throws Exception {
        controller = dir.resolve("controller.p12");
        trust = dir.resolve("trust.p12");
        KeyTool.selfSigned(controller, PW, "controller", "CN=fwlb-controller", null);
        for (String sw : new String[] {"sw1", "sw2", "rogue"}) {
            KeyTool.selfSigned(dir.resolve(sw + ".p12"), PW, sw, "CN=" + sw, null);
            KeyTool.trust(controller, PW, "controller", dir.resolve(sw + ".p12"), PW, "controller", dir);
        }
        KeyTool.trust(dir.resolve("sw1.p12"), PW, "sw1", trust, PW, "sw1", dir);
        KeyTool.trust(dir.resolve("sw2.p12"), PW, "sw2", trust, PW, "sw2", dir);
        KeyTool.trust(dir.resolve("sw1.p12"), PW, "sw1", controller, PW, "sw1-cert", dir);
    }

    /** A switch's TLS context: its own key pair (or none) and trust in the controller's certificate. */
    private static SSLContext switchTls(String name, boolean withKey) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(name + ".p12"))) {
            ks.load(in, PW.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PW.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks); // holds the controller's certificate
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(withKey ? kmf.getKeyManagers() : null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private OpenFlowRuntime start(OpenFlowOptions.TlsMode mode, Map<DeviceId, String> aliases) throws Exception {
        return start(options().tls(mode, controller, PW.toCharArray(), trust, PW.toCharArray())
                .keyAliases(d -> Optional.ofNullable(aliases.get(d))).build());
    }

    private FakeSwitch tlsSwitch(OpenFlowRuntime rt, long dpid, String cert, boolean withKey) throws Exception {
        FakeSwitch sw = new FakeSwitch(dpid, 1).connect(rt.boundPort(), switchTls(cert, withKey));
        switches.add(sw);
        return sw;
    }

    private void assertRefused(OpenFlowRuntime rt, FakeSwitch sw, long dpid, String what) throws Exception {
        assertTrue(sw.awaitClosed(WAIT), what + ": connection not closed");
        assertFalse(rt.deviceService().isAvailable(deviceId(dpid)), what);
    }

    @Test
    void enabledModeTakesSwitchesWhoseCertificateTheTrustStoreVouchesFor() throws Exception {
        OpenFlowRuntime rt = start(OpenFlowOptions.TlsMode.ENABLED, Map.of());
        tlsSwitch(rt, 0x11, "sw1", true);
        await("sw1 over TLS", () -> rt.deviceService().isAvailable(deviceId(0x11)));

        assertRefused(rt, tlsSwitch(rt, 0x12, "rogue", true), 0x12, "an untrusted certificate");
        assertRefused(rt, tlsSwitch(rt, 0x13, "sw2", false), 0x13, "no certificate");
        FakeSwitch plain = new FakeSwitch(0x14, 1).connect(rt.boundPort());
        switches.add(plain);
        assertRefused(rt, plain, 0x14, "plain TCP");
        assertTrue(rt.deviceService().isAvailable(deviceId(0x11)), "sw1 unaffected");
    }

    @Test
    void strictModeTakesOnlyTheCertificateTheDevicesNetcfgNames() throws Exception {
        OpenFlowRuntime rt = start(OpenFlowOptions.TlsMode.STRICT, Map.of(deviceId(0x21), "sw1-cert",
                                                                          deviceId(0x23), "no-such-alias"));
        assertRefused(rt, tlsSwitch(rt, 0x21, "sw2", true), 0x21, "a trusted certificate that is not sw1's");
        assertRefused(rt, tlsSwitch(rt, 0x22, "sw1", true), 0x22, "a datapath without a keyAlias");
        assertRefused(rt, tlsSwitch(rt, 0x23, "sw1", true), 0x23, "an alias the key store lacks");
        tlsSwitch(rt, 0x21, "sw1", true);
        await("sw1 as of:21 over strict TLS", () -> rt.deviceService().isAvailable(deviceId(0x21)));
    }

    @Test
    void unusableStoresStopTheStartNamingTheFile() {
        OpenFlowRuntime rt = new OpenFlowRuntime(options().tls(OpenFlowOptions.TlsMode.ENABLED, controller,
                "wrong".toCharArray(), trust, PW.toCharArray()).build());
        IllegalStateException e = assertThrows(IllegalStateException.class, rt::start);
        assertTrue(e.getMessage().contains(controller.toString()) && e.getMessage().contains("wrong password"),
                   e.getMessage());
        rt.close();
        OpenFlowRuntime missing = new OpenFlowRuntime(options().tls(OpenFlowOptions.TlsMode.ENABLED,
                dir.resolve("none.p12"), PW.toCharArray(), trust, PW.toCharArray()).build());
        e = assertThrows(IllegalStateException.class, missing::start);
        assertTrue(e.getMessage().contains("none.p12"), e.getMessage());
        missing.close();
    }
}
