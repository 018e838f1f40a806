package org.fwlb.runtime.netcfg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.fwlb.runtime.core.EventDispatcher;
import org.fwlb.runtime.core.RuntimeCoreService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.DeviceId;
import org.onosproject.net.config.ConfigFactory;
import org.onosproject.net.config.InvalidConfigException;
import org.onosproject.net.config.NetworkConfigEvent;
import org.onosproject.net.config.basics.SubjectFactories;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkConfigManagerTest {

    private static final ObjectMapper M = new ObjectMapper();

    private final RuntimeCoreService core = new RuntimeCoreService();
    private final EventDispatcher dispatcher = new EventDispatcher("test-events");
    private RuntimeNetworkConfigManager netcfg;
    private final List<NetworkConfigEvent> events = new CopyOnWriteArrayList<>();
    private ApplicationId app;

    private final ConfigFactory<ApplicationId, SampleConfig> sampleFactory =
            new ConfigFactory<>(SubjectFactories.APP_SUBJECT_FACTORY, SampleConfig.class, "sample") {
                @Override
                public SampleConfig createConfig() {
                    return new SampleConfig();
                }
            };
    private final ConfigFactory<DeviceId, MuteConfig> muteFactory =
            new ConfigFactory<>(SubjectFactories.DEVICE_SUBJECT_FACTORY, MuteConfig.class, "mute") {
                @Override
                public MuteConfig createConfig() {
                    return new MuteConfig();
                }
            };

    @BeforeEach
    void setUp() {
        netcfg = new RuntimeNetworkConfigManager(core, dispatcher);
        netcfg.addListener(events::add);
        app = core.registerApplication("org.fwlb.test");
    }

    @AfterEach
    void tearDown() {
        dispatcher.close();
    }

    private static JsonNode json(String s) throws Exception {
        return M.readTree(s);
    }

    private List<NetworkConfigEvent.Type> types() {
        dispatcher.flush(Duration.ofSeconds(5));
        return events.stream().map(NetworkConfigEvent::type).toList();
    }

    @Test
    void appliesValidatesAndAnnounces() throws Exception {
        netcfg.registerConfigFactory(sampleFactory);
        SampleConfig c = netcfg.applyConfig(app, SampleConfig.class, json("{\"port\": 80}"));
        assertEquals(80, c.port());
        assertEquals(80, netcfg.getConfig(app, SampleConfig.class).port());
        netcfg.applyConfig(app, SampleConfig.class, json("{\"port\": 80}"));
        netcfg.applyConfig(app, SampleConfig.class, json("{\"port\": 81}"));
        netcfg.removeConfig(app, SampleConfig.class);
        assertNull(netcfg.getConfig(app, SampleConfig.class));
        assertEquals(List.of(NetworkConfigEvent.Type.CONFIG_REGISTERED, NetworkConfigEvent.Type.CONFIG_ADDED,
                             NetworkConfigEvent.Type.CONFIG_UPDATED, NetworkConfigEvent.Type.CONFIG_REMOVED), types());
        NetworkConfigEvent updated = events.get(2);
        assertEquals(81, ((SampleConfig) updated.config().orElseThrow()).port());
        assertEquals(80, ((SampleConfig) updated.prevConfig().orElseThrow()).port());
        assertEquals(app, updated.subject());
        assertEquals(SampleConfig.class, updated.configClass());
    }

    @Test
    void invalidConfigIsRejectedWithTheReasonAndThePreviousStays() throws Exception {
        netcfg.registerConfigFactory(sampleFactory);
        netcfg.applyConfig(app, SampleConfig.class, json("{\"port\": 80}"));
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> netcfg.applyConfig("apps", app, "sample", json("{\"port\": 99999}")));
        assertTrue(e.getMessage().contains("apps/org.fwlb.test/sample"), e.getMessage());
        assertTrue(e.getMessage().contains("port: 99999 is not a port number"), e.getMessage());
        assertEquals(80, netcfg.getConfig(app, SampleConfig.class).port());

        netcfg.registerConfigFactory(muteFactory);
        DeviceId dev = DeviceId.deviceId("of:0000000000000001");
        InvalidConfigException generic = assertThrows(InvalidConfigException.class,
                () -> netcfg.applyConfig(dev, MuteConfig.class, json("{\"bad\": 1}")));
        assertTrue(generic.getMessage().contains(ConfigValidation.GENERIC), generic.getMessage());
        InvalidConfigException notObject = assertThrows(InvalidConfigException.class,
                () -> netcfg.applyConfig(dev, MuteConfig.class, json("[1]")));
        assertTrue(notObject.getMessage().contains("not an object"), notObject.getMessage());
    }

    @Test
    void configsForUnregisteredFactoriesAreQueuedThenAppliedOnRegistration() throws Exception {
        assertNull(netcfg.applyConfig("apps", app, "sample", json("{\"port\": 8080}")));
        assertEquals(List.of("apps/org.fwlb.test/sample"), netcfg.queuedConfigs());
        assertNull(netcfg.getConfigClass("apps", "sample"));
        netcfg.registerConfigFactory(sampleFactory);
        assertEquals(8080, netcfg.getConfig(app, SampleConfig.class).port());
        assertTrue(netcfg.queuedConfigs().isEmpty());
        assertEquals(List.of(NetworkConfigEvent.Type.CONFIG_REGISTERED, NetworkConfigEvent.Type.CONFIG_ADDED), types());
    }

    @Test
    void invalidQueuedConfigIsDroppedWithAReason() throws Exception {
        netcfg.applyConfig("apps", app, "sample", json("{\"port\": 0}"));
        netcfg.registerConfigFactory(sampleFactory);
        assertNull(netcfg.getConfig(app, SampleConfig.class));
        assertEquals(1, netcfg.rejections().size());
        assertTrue(netcfg.rejections().get(0).reason().contains("port: 0"));
    }

    @Test
    void unregisteringAFactoryRequeuesItsConfigs() throws Exception {
        netcfg.registerConfigFactory(sampleFactory);
        netcfg.applyConfig(app, SampleConfig.class, json("{\"port\": 1}"));
        netcfg.unregisterConfigFactory(sampleFactory);
        assertEquals(List.of("apps/org.fwlb.test/sample"), netcfg.queuedConfigs());
        netcfg.registerConfigFactory(sampleFactory);
        assertEquals(1, netcfg.getConfig(app, SampleConfig.class).port());
    }

    @Test
    void editingAConfigChangesNothingUntilApply() throws Exception {
        netcfg.registerConfigFactory(sampleFactory);
        netcfg.applyConfig(app, SampleConfig.class, json("{\"port\": 1}"));
        SampleConfig c = netcfg.getConfig(app, SampleConfig.class);
        ((com.fasterxml.jackson.databind.node.ObjectNode) c.node()).put("port", 2);
        assertEquals(1, netcfg.getConfig(app, SampleConfig.class).port());
        c.apply();
        assertEquals(2, netcfg.getConfig(app, SampleConfig.class).port());
    }

    @Test
    void documentsAreAllOrNothing() throws Exception {
        netcfg.registerConfigFactory(sampleFactory);
        netcfg.registerConfigFactory(muteFactory);
        JsonNode doc = json("""
            {"apps": {"org.fwlb.test": {"sample": {"port": 70000}}},
             "devices": {"of:0000000000000001": {"mute": {}}},
             "nonsense": {}}""");
        NetcfgException e = assertThrows(NetcfgException.class, () -> NetcfgDocument.apply(netcfg, doc));
        assertEquals(2, e.problems().size(), e.problems().toString());
        assertTrue(e.problems().get(0).startsWith("apps/org.fwlb.test/sample: port: 70000"), e.problems().get(0));
        assertTrue(e.problems().get(1).startsWith("nonsense: unknown subject class key"), e.problems().get(1));
        assertTrue(netcfg.getSubjects(DeviceId.class).isEmpty(), "the valid part was not applied either");

        NetcfgDocument.Result r = NetcfgDocument.apply(netcfg, json("""
            {"apps": {"org.fwlb.test": {"sample": {"port": 7}, "later": {"x": 1}}},
             "devices": {"of:0000000000000001": {"mute": {}}}}"""));
        assertEquals(List.of("apps/org.fwlb.test/sample", "devices/of:0000000000000001/mute"), r.applied());
        assertEquals(List.of("apps/org.fwlb.test/later"), r.queued());
        JsonNode exported = NetcfgDocument.export(netcfg, M);
        assertEquals(7, exported.path("apps").path("org.fwlb.test").path("sample").path("port").asInt());
        assertNotNull(exported.get("hosts"), "every known subject class is listed, as ONOS does");
    }
}
