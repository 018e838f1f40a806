package org.fwlb.l7.relay;

import org.fwlb.l7.config.ConfigException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;

/** The JDK HTTP client used for control-plane calls (controller, peers' has-queries); never the data path. */
public final class ControlClient {
    private ControlClient() {
    }

    public static HttpClient create(int connectMs) {
        return create(connectMs, null);
    }

    /**
     * {@code ssl}: the context https:// calls use (null: the JDK's default trust). Hostname verification stays
     * on: the endpoint identification algorithm is set explicitly, so no system property can turn it off here.
     */
    public static HttpClient create(int connectMs, SSLContext ssl) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(connectMs)).followRedirects(HttpClient.Redirect.NEVER);
        if (ssl != null) {
            b.sslContext(ssl);
        }
        SSLParameters p = new SSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        p.setProtocols(new String[]{"TLSv1.3", "TLSv1.2"});
        return b.sslParameters(p).build();
    }

    /** A TLS context trusting exactly the PEM certificate(s) in {@code caFile} (a CA or a pinned certificate). */
    public static SSLContext trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) {
                throw new ConfigException("directory.controllerCaFile: no PEM certificate in " + caFile);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (java.io.IOException | GeneralSecurityException e) {
            throw new ConfigException("directory.controllerCaFile: " + caFile + ": " + e.getMessage());
        }
    }
}
