package org.fwlb.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Each fixture in resources org/fwlb/config/invalid is {"description", "expect", "config"}: the config
 * must be rejected whole (no topology) with an error containing "expect".
 */
class InvalidConfigTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static Stream<Path> fixtures() throws URISyntaxException, IOException {
        Path dir = Paths.get(InvalidConfigTest.class.getResource("/org/fwlb/config/invalid").toURI());
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList()).stream();
        }
    }

    @Test
    void thereAreAtLeastTwentyFixtures() throws Exception {
        assertTrue(fixtures().count() >= 20);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void fixtureIsRejectedWithTheExpectedError(Path file) throws IOException {
        JsonNode fixture = MAPPER.readTree(file.toFile());
        String expect = fixture.path("expect").asText();
        assertFalse(expect.isEmpty(), "fixture names its expected error");
        ParseResult r = FwlbConfigParser.parse(fixture.get("config"));
        assertFalse(r.isValid(), file.getFileName() + " must be invalid");
        assertFalse(r.topology().isPresent(), "an invalid config yields no topology");
        List<String> errors = r.errors();
        if (errors.stream().noneMatch(e -> e.contains(expect))) {
            fail(file.getFileName() + ": expected an error containing\n  " + expect + "\nbut got\n  "
                         + String.join("\n  ", errors));
        }
    }
}
